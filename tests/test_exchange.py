"""nbgrader's exchange driven by cvcourse: release publishes, collect collects, feedback
--release returns each learner's own feedback; one clear line for each wrong set-up.

Learners here are nbgrader's own exchange steps run as a learner's server runs them: the
learners' settings file (learntools_lite/jupyter_config/learner), the hub's user name in
JUPYTERHUB_USER, a home folder each. tests/browser/test_hub.py does the same from
JupyterLab's Assignments panel on a real hub.
"""

import shutil
import stat

import nbformat
import pytest
from grading_helpers import (
    copy_course,
    release_notebook,
    solution_answers,
    submission,
    write_submissions,
)
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory

from conftest import REPO
from learntools_lite import cli
from learntools_lite.instructor.nbgrader_course import load_config
from learntools_lite.lab import LEARNER_CONFIG

EX1 = "ex1_convolution"


@pytest.fixture
def exchange(tmp_path, monkeypatch):
    folder = tmp_path / "exchange"  # release creates it, as nbgrader wants it
    monkeypatch.setenv("CVCOURSE_EXCHANGE", str(folder))
    return folder


@pytest.fixture
def course(tmp_path, exchange):
    return copy_course(tmp_path)


def cvcourse(course, *arguments) -> int:
    try:
        cli.main(["--course", str(course), *arguments])
    except SystemExit as stop:
        if not isinstance(stop.code, int | None):
            raise
        return stop.code or 0
    return 0


def failure(course, *arguments) -> str:
    """The one line ``cvcourse`` stops with."""
    with pytest.raises(SystemExit) as stop:
        cli.main(["--course", str(course), *arguments])
    message = str(stop.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def learner_config(monkeypatch, user: str):
    """The learners' nbgrader settings as a hub user's server reads them."""
    with monkeypatch.context() as patch:
        patch.setenv("JUPYTERHUB_USER", user)
        return load_config(LEARNER_CONFIG)  # its nbgrader_config.py, as nbgrader reads it


class Learner:
    """What a learner's Assignments panel does, through nbgrader's exchange classes."""

    def __init__(self, name: str, home, monkeypatch):
        self.name, self.home = name, home
        self.config = learner_config(monkeypatch, name)
        self.config.Exchange.assignment_dir = str(home)
        self.config.Exchange.cache = str(home / ".local" / "share" / "jupyter" / "nbgrader_cache")
        self.config.CourseDirectory.course_id = "cvcourse"

    def _run(self, step: str, assignment: str) -> None:
        config = self.config.copy()
        config.CourseDirectory.assignment_id = assignment
        app = getattr(ExchangeFactory(config=config), step)(
            coursedir=CourseDirectory(config=config),
            authenticator=Authenticator(config=config), config=config)
        app.start()

    def fetch(self, assignment: str):
        self._run("FetchAssignment", assignment)
        return self.home / assignment / f"{assignment}.ipynb"

    def submit(self, assignment: str, notebook) -> None:
        """Save ``notebook`` as the fetched one and submit it."""
        nbformat.write(notebook, str(self.home / assignment / f"{assignment}.ipynb"))
        self._run("Submit", assignment)

    def fetch_feedback(self, assignment: str) -> list:
        self._run("FetchFeedback", assignment)
        return sorted((self.home / assignment / "feedback").glob("*/*.html"))


def test_the_course_and_the_learners_read_one_exchange(monkeypatch, tmp_path):
    """Both configs take $CVCOURSE_EXCHANGE, else leave nbgrader's default; a learner on a
    hub is their hub user name, whatever system user runs their server."""
    monkeypatch.setenv("CVCOURSE_EXCHANGE", str(tmp_path / "shared"))
    assert load_config(REPO / "course").Exchange.root == str(tmp_path / "shared")
    amy = learner_config(monkeypatch, "amy")
    assert amy.Exchange.root == str(tmp_path / "shared")
    assert amy.CourseDirectory.student_id == "amy"
    assert load_config(REPO / "course").CourseDirectory.course_id == "cvcourse"

    monkeypatch.delenv("CVCOURSE_EXCHANGE")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    alone = load_config(LEARNER_CONFIG)
    assert "root" not in load_config(REPO / "course").Exchange
    assert "root" not in alone.Exchange and "student_id" not in alone.CourseDirectory


def test_release_publishes_what_learners_fetch(course, exchange, monkeypatch, tmp_path,
                                               capsys):
    assert cvcourse(course, "release", EX1) == 0
    published = exchange / "cvcourse" / "outbound" / EX1 / f"{EX1}.ipynb"
    assert capsys.readouterr().out.splitlines()[-1] == f"published {EX1} -> {published.parent}"
    assert published.read_bytes() == (REPO / "exercises" / f"{EX1}.ipynb").read_bytes()
    assert stat.S_IMODE(exchange.stat().st_mode) == 0o777  # every learner submits into it
    amy = Learner("amy", tmp_path / "amy", monkeypatch)
    assert amy.fetch(EX1).read_bytes() == published.read_bytes()
    # Publishing again replaces the publication; amy keeps the copy she fetched.
    assert cvcourse(course, "release", EX1) == 0
    assert published.read_bytes() == (REPO / "exercises" / f"{EX1}.ipynb").read_bytes()


def test_release_in_chinese_publishes_the_chinese_exercise(course, exchange, monkeypatch,
                                                           tmp_path, capsys):
    assert cvcourse(course, "release", EX1, "--lang", "zh_CN") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"released {EX1} (zh-CN) -> {course / 'release' / EX1}"
    chinese = (REPO / "exercises" / "zh-CN" / f"{EX1}.ipynb").read_bytes()
    assert Learner("amy", tmp_path / "amy", monkeypatch).fetch(EX1).read_bytes() == chinese
    # The gradebook learnt the assignment from its English source, as for an English class.
    assert cvcourse(course, "release", EX1) == 0
    assert (exchange / "cvcourse" / "outbound" / EX1 / f"{EX1}.ipynb").read_bytes() == (
        REPO / "exercises" / f"{EX1}.ipynb").read_bytes()


def test_a_language_the_course_lacks_is_refused_in_one_line(course, exchange, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--course", str(course), "release", EX1, "--lang", "fr"])
    assert stop.value.code == 2
    assert "argument --lang: The course has no language 'fr'; it has 'en', 'zh-CN'." in \
        capsys.readouterr().err
    shutil.rmtree(course / "zh-CN" / "source" / EX1)
    assert failure(course, "release", EX1, "--lang", "zh-CN") == (
        f"cvcourse: {EX1} has no zh-CN edition in {course / 'zh-CN' / 'source'}: "
        "run `cvcourse build`")
    shutil.rmtree(course / "zh-CN")
    assert failure(course, "release", "--lang", "zh-CN") == (
        f"cvcourse: {course} has no zh-CN edition in {course / 'zh-CN' / 'source'}: "
        "run `cvcourse build`")
    assert not exchange.exists() and not (course / "release").exists()


def test_release_without_names_publishes_nothing(course, exchange, capsys):
    assert cvcourse(course, "release") == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "nothing published to the exchange: name the assignments to publish "
        "(cvcourse release ASSIGNMENT ...)")
    assert (course / "release" / EX1 / f"{EX1}.ipynb").exists()
    assert not exchange.exists()


def test_an_exchange_that_cannot_be_made_gives_one_line(course, monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("CVCOURSE_EXCHANGE", str(tmp_path / "a-file" / "exchange"))
    assert failure(course, "release", EX1) == (
        f"cvcourse: publishing {EX1} to the exchange at {tmp_path / 'a-file' / 'exchange'} "
        "(it must be a folder everyone may write to; see the README) failed: [Errno 20] Not "
        f"a directory: '{tmp_path / 'a-file' / 'exchange'}'")


@pytest.mark.parametrize("arguments", [["release", "ex9"], ["release", EX1, "ex9"],
                                       ["collect", "ex9"]])
def test_unknown_assignments_give_one_line(course, exchange, arguments):
    assert failure(course, *arguments).startswith(
        "cvcourse: unknown assignment 'ex9'; the course has: ex1_convolution")
    assert not exchange.exists() and not (course / "release").exists()


@pytest.mark.parametrize("arguments", [["collect", EX1], ["feedback", EX1, "--release"]])
def test_nothing_published_yet_gives_one_line(course, exchange, arguments):
    assert failure(course, *arguments) == (
        f"cvcourse: the exchange at {exchange} has no course 'cvcourse': publish an "
        "assignment first (cvcourse release ASSIGNMENT), with the same exchange "
        "(CVCOURSE_EXCHANGE)")


def test_collect_takes_each_learners_latest_submission(course, monkeypatch, tmp_path,
                                                       capsys):
    assert cvcourse(course, "release", EX1) == 0
    amy, ben = (Learner(name, tmp_path / name, monkeypatch) for name in ("amy", "ben"))
    capsys.readouterr()
    assert cvcourse(course, "collect", EX1) == 0
    assert capsys.readouterr().out == f"no submissions of {EX1} in the exchange yet\n"

    for learner in (amy, ben):
        learner.fetch(EX1)
    right = solution_answers(EX1)
    amy.submit(EX1, submission(EX1, {"q_1": right["q_1"]}))
    ben.submit(EX1, release_notebook(EX1))
    amy.submit(EX1, submission(EX1, right))  # her second thoughts: the one to grade
    assert cvcourse(course, "collect", EX1) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": submitted")[0] for line in lines[:2]] == ["collected amy",
                                                                   "collected ben"]
    assert lines[2] == f"2 new or updated submissions of {EX1}, 2 in {course / 'submitted'}"
    assert (course / "submitted" / "amy" / EX1 / f"{EX1}.ipynb").read_bytes() == \
        (amy.home / EX1 / f"{EX1}.ipynb").read_bytes()

    assert cvcourse(course, "collect", EX1) == 0
    assert capsys.readouterr().out == f"0 new or updated submissions of {EX1}, 2 in " \
                                      f"{course / 'submitted'}\n"


@pytest.mark.slow
@pytest.mark.grading
def test_feedback_returns_to_each_learner_their_own(course, exchange, monkeypatch, tmp_path,
                                                    capsys):
    """amy and ben submit through the exchange, cal's work comes from an LMS export: each
    of the first two fetches only their own feedback; cal's is a problem line."""
    assert cvcourse(course, "release", EX1) == 0
    right = solution_answers(EX1)
    learners = {name: Learner(name, tmp_path / name, monkeypatch) for name in ("amy", "ben")}
    for name, answers in (("amy", right), ("ben", {"q_1": right["q_1"]})):
        learners[name].fetch(EX1)
        learners[name].submit(EX1, submission(EX1, answers))
    write_submissions(tmp_path / "lms", EX1, {"cal": submission(EX1, right)})
    assert cvcourse(course, "collect", EX1) == 0
    assert cvcourse(course, "grade", EX1, "--submissions", str(tmp_path / "lms"),
                    "--workers", "2") == 0
    capsys.readouterr()

    assert cvcourse(course, "feedback", EX1, "--release") == 3  # graded, with a problem
    out, err = capsys.readouterr()
    assert out.splitlines()[-2:] == ["returned feedback to amy", "returned feedback to ben"]
    assert err == ("problem: cal: this submission did not come through the exchange (no "
                   "submission_secret.txt); send its feedback another way, e.g. the zip\n")
    assert len(list((exchange / "cvcourse" / "feedback").glob("*.html"))) == 2
    for name, learner in learners.items():
        fetched = learner.fetch_feedback(EX1)
        assert [path.read_bytes() for path in fetched] == \
            [(course / "feedback" / name / EX1 / f"{EX1}.html").read_bytes()]
    assert "Score: 4.0 / 5.0" in learners["amy"].fetch_feedback(EX1)[0].read_text()
    assert "Score: 1.0 / 5.0" in learners["ben"].fetch_feedback(EX1)[0].read_text()
