"""A gradebook several graders share: nbgrader on a real PostgreSQL server, started once for
the whole run (``postgres_server.py``: loopback only, unprivileged, stopped by its PID).

Every assignment graded on it with exact scores; runs of different assignments started
together on a fresh database, with a grader's manual grade written while they run; a run
interrupted with Ctrl-C and resumed; connection problems as one line before anything is
graded; an SQLite gradebook copied over with its scores.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from grading_helpers import (
    CLASS,
    class_notebooks,
    copy_course,
    release_notebook,
    solution_answers,
    submission,
    write_submissions,
)
from nbgrader.api import Gradebook, MissingEntry
from postgres_server import SUPERUSER, binaries, postgres_server

from conftest import free_port
from learntools_lite.instructor import database
from learntools_lite.instructor.grading import grade, read_scores

EX1, EX2, EX3 = "ex1_convolution", "ex2_maximum_pooling", "ex3_global_average_pooling"
CVCOURSE = str(Path(sys.executable).parent / "cvcourse")
COURSE_ID = "cvcourse"  # the course config's
# The only reason to skip: `make test` and CI install Debian's postgresql.
NOT_INSTALLED = "PostgreSQL's server is not installed (apt-get install postgresql)"


@pytest.fixture(scope="session")
def server():
    """One PostgreSQL server for the whole pytest run."""
    if binaries() is None:
        pytest.skip(NOT_INSTALLED)
    with postgres_server() as running:
        yield running


def _run(arguments: list[str], env: dict | None = None, **options) -> subprocess.Popen:
    """``cvcourse ARGUMENTS`` in its own process group (so Ctrl-C can reach all of it),
    handling Ctrl-C as in a terminal even when pytest was started in the background, which
    makes it ignore SIGINT (and its children inherit that)."""
    return subprocess.Popen([CVCOURSE, *arguments], env={**os.environ, **(env or {})}, text=True,
                            start_new_session=True, **options,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _by_question(scores) -> dict:
    return {s.student: tuple(s.by_question[q] for q in sorted(s.by_question)) for s in scores}


def test_the_server_is_unprivileged_on_loopback_and_stops_by_its_pid():
    if binaries() is None:
        pytest.skip(NOT_INSTALLED)
    with postgres_server() as running:
        process = psutil.Process(running.pid)
        assert process.username() != "root"
        listening = {c.laddr for c in psutil.net_connections("inet")
                     if c.pid == running.pid and c.status == psutil.CONN_LISTEN}
        assert listening == {("127.0.0.1", running.port)}
    assert not psutil.pid_exists(running.pid)


def _contender(url: str, start: float, students: list[str]) -> None:
    """One grading run's preparation, begun at the same instant as the others."""
    time.sleep(max(0.0, start - time.time()))
    database.ready(url, COURSE_ID)
    database.add_students(url, COURSE_ID, students)


def test_runs_started_together_create_the_schema_and_the_class_once(server):
    """nbgrader alone fails here: every process finds no tables and issues CREATE TYPE
    grade_cell_type, and all but one fail; two adding the same new student collide too."""
    import multiprocessing

    url = database.with_driver(server.create_database("together"))
    start = time.time() + 1  # after every process has started
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_contender, args=(url, start, ["ana", "bo"]))
                 for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    assert database.revision(url) == database.head_revision()  # nbgrader's alembic head
    with Gradebook(url, COURSE_ID) as gradebook:
        assert sorted(s.id for s in gradebook.students) == ["ana", "bo"]


def test_an_old_gradebook_is_brought_up_to_date_by_nbgraders_migrations(server):
    import psycopg

    plain = server.create_database("old")
    url = database.with_driver(plain)
    database.ready(url, COURSE_ID)
    with psycopg.connect(plain) as connection:  # as nbgrader before 0.7 left it: no courses
        connection.execute("ALTER TABLE assignment DROP COLUMN course_id")
        connection.execute("DROP TABLE course")
        connection.execute("UPDATE alembic_version SET version_num = '282d30a0218e'")
    database.ready(url, COURSE_ID)
    with psycopg.connect(plain) as connection:
        columns = {row[0] for row in connection.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'assignment'")}
        courses = sorted(row[0] for row in connection.execute("SELECT id FROM course"))
    assert "course_id" in columns
    assert courses == [COURSE_ID, "default_course"]
    assert database.revision(url) == database.head_revision()


# --- two grading runs at once, and a grader writing a manual grade meanwhile ---------------

def _grade_by_hand(url: str, runs: list, timeout: float = 600) -> list[bool]:
    """What a grader in the formgrader does while the runs go on: wait for ana's ex2
    submission, then give her written answer 1 point. Returns which runs were running when
    the grade was saved."""
    database.ready(url, COURSE_ID)  # what `cvcourse formgrade` does first
    deadline = time.monotonic() + timeout
    with Gradebook(url, COURSE_ID) as gradebook:
        while True:
            try:
                written = gradebook.find_grade("q_4_answer", EX2, EX2, "ana")
                break
            except MissingEntry:
                assert all(run.poll() is None for run in runs), "a run ended before ana's " \
                    "ex2 submission appeared"
                assert time.monotonic() < deadline, "ana's ex2 submission never appeared"
                gradebook.db.rollback()  # see the runs' new commits
                time.sleep(0.2)
        written.manual_score = 1
        written.needs_manual_grade = False
        gradebook.db.commit()
    return [run.poll() is None for run in runs]


@pytest.fixture(scope="module")
def together(server, tmp_path_factory):
    """ex2 and ex3 graded at the same time on a fresh database, from one course root (one
    run told by --db, the other by CVCOURSE_DB_URL), a manual grade written meanwhile."""
    folder = tmp_path_factory.mktemp("together")
    course = copy_course(folder)
    url = server.create_database("together_runs")
    for assignment in (EX2, EX3):
        write_submissions(folder / assignment, assignment, class_notebooks(assignment))
    logs = {name: (folder / f"{name}.out").open("w+") for name in (EX2, EX3)}
    common = ["--workers", "1"]
    runs = [
        _run(["--root", str(folder), "--db", url, "grade", EX2,
              "--submissions", str(folder / EX2), *common],
             stdout=logs[EX2], stderr=subprocess.STDOUT),
        _run(["--root", str(folder), "grade", EX3, "--submissions", str(folder / EX3),
              *common], env={database.DB_VARIABLE: url},
             stdout=logs[EX3], stderr=subprocess.STDOUT),
    ]
    try:
        running_when_graded = _grade_by_hand(url, runs)
        codes = [run.wait(timeout=900) for run in runs]
    finally:
        for run in runs:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
    output = {}
    for name, log in logs.items():
        log.seek(0)
        output[name] = log.read()
        log.close()
    with database.chosen(url):
        scores = {a: read_scores(course, a, sorted(CLASS[a])) for a in (EX2, EX3)}
    return {"url": database.with_driver(url), "course": course, "codes": codes, "output": output,
            "running_when_graded": running_when_graded, "scores": scores}


@pytest.mark.slow
@pytest.mark.grading
def test_both_runs_succeed_with_no_schema_race(together):
    assert together["codes"] == [0, 0], together["output"]
    for text in together["output"].values():
        assert "already exists" not in text and "Traceback" not in text


@pytest.mark.slow
@pytest.mark.grading
@pytest.mark.parametrize("assignment", [EX2, EX3])
def test_every_student_of_both_runs_gets_exactly_their_scores(together, assignment):
    expected = {student: points for student, (_, points) in CLASS[assignment].items()}
    assert _by_question(together["scores"][assignment]) == expected


@pytest.mark.slow
@pytest.mark.grading
def test_the_manual_grade_written_during_the_runs_is_kept(together):
    assert together["running_when_graded"] == [True, True]
    with Gradebook(together["url"], COURSE_ID) as gradebook:
        written = gradebook.find_grade("q_4_answer", EX2, EX2, "ana")
        assert (written.manual_score, written.auto_score) == (1, None)
        totals = {(a, s): gradebook.find_submission(a, s).score
                  for a in (EX2, EX3) for s in CLASS[a]}
        assert sorted(s.id for s in gradebook.students) == ["ana", "bo", "cy"]
    assert totals == {(EX2, "ana"): 7, (EX2, "bo"): 0, (EX2, "cy"): 5,
                      (EX3, "ana"): 5, (EX3, "bo"): 0, (EX3, "cy"): 4}


@pytest.mark.slow
@pytest.mark.grading
def test_the_formgrader_shows_the_shared_gradebook(together, tmp_path):
    """``cvcourse formgrade --db URL``: the formgrader's own API lists the scores the runs and
    the hand grade left in PostgreSQL."""
    import json
    import urllib.request

    from browser.conftest import running_lab

    command = [CVCOURSE, "--course", str(together["course"]), "formgrade", "--db",
               together["url"]]
    with running_lab(tmp_path, command, together["course"], dict(os.environ)) as lab:
        with urllib.request.urlopen(f"{lab.url}/formgrader/api/submissions/{EX2}") as reply:
            listed = json.load(reply)
    assert {s["student"]: s["score"] for s in listed} == {"ana": 7, "bo": 0, "cy": 5}


@pytest.mark.slow
@pytest.mark.grading
def test_final_grades_and_feedback_come_from_the_shared_gradebook(together, tmp_path):
    import csv

    from learntools_lite.instructor.export import export
    from learntools_lite.instructor.grading import feedback

    with database.chosen(together["url"]):
        export(together["course"], [EX2, EX3], "csv", tmp_path / "grades.csv",
               say=lambda line: None)
        files = feedback(together["course"], EX2, say=lambda line: None)
    with (tmp_path / "grades.csv").open(newline="") as handle:
        rows = {row["student_id"]: (row[EX2], row[EX3]) for row in csv.DictReader(handle)}
    assert rows == {"ana": ("7", "5"), "bo": ("0", "0"), "cy": ("5", "4")}
    assert sorted(path.parts[-3] for path in files) == ["ana", "bo", "cy"]
    ana = next(path for path in files if path.parts[-3] == "ana").read_text()
    assert "Score: 7.0 / 7.0" in ana


@pytest.mark.slow
@pytest.mark.grading
def test_each_run_prints_its_own_exact_table(together):
    assert "ana      1         1         1         1         1         1         6/6" in \
        together["output"][EX2]
    assert "cy       1         1         1         0         1         4/5" in \
        together["output"][EX3]


# --- a run stopped with Ctrl-C and started again -------------------------------------------

@pytest.mark.slow
@pytest.mark.grading
def test_a_run_stopped_with_ctrl_c_resumes_with_exact_scores(server, tmp_path):
    """The gradebook named by the course config this time. Ctrl-C (SIGINT to the run's
    process group, as a terminal sends it) once the first notebook is stored; the run
    started again executes only what is missing and scores everyone exactly."""
    url = server.create_database("resumed")
    course = copy_course(tmp_path, f"c.CourseDirectory.db_url = {url!r}")
    right = solution_answers(EX1)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, right), "ben": release_notebook(EX1),
        "cal": submission(EX1, {**right, "q_3": "image_detect = image_filter"})})
    run = _run(["--root", str(tmp_path), "grade", EX1, "--submissions", str(tmp_path / "subs"),
                "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while not list((course / "executed").rglob("*.json")):
            assert run.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline, "no notebook was executed"
            time.sleep(0.2)
        os.killpg(run.pid, signal.SIGINT)
        assert run.wait(timeout=300) != 0
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    kept = {p: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (course / "executed").rglob("*.json")}
    assert 1 <= len(kept) < 3

    scores, problems = grade(course, EX1, say=lambda line: None)
    assert problems == []
    assert _by_question(scores) == {"amy": (1, 1, 1, 1), "ben": (0, 0, 0, 0),
                                    "cal": (1, 1, 0, 1)}
    # What the first run stored was used as it was, not executed again.
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in kept} == kept
    assert len(list((course / "executed").rglob("*.json"))) == 3
    with Gradebook(database.with_driver(url), COURSE_ID) as gradebook:
        assert {s.student.id: s.score for s in gradebook.find_assignment(EX1).submissions} \
            == {"amy": 4, "ben": 0, "cal": 3}


# --- a database that cannot be opened ------------------------------------------------------

def _unusable(server, problem: str) -> tuple[str, str]:
    """(URL, the reason cvcourse must give) for each way a gradebook cannot be opened."""
    if problem == "wrong password":
        return (server.url("postgres", password="not-the-password"),
                f'password authentication failed for user "{SUPERUSER}"')
    if problem == "unreachable server":
        return (f"postgresql://{SUPERUSER}:{server.password}@127.0.0.1:{free_port()}/postgres",
                "Connection refused (Is the server running on that host and accepting "
                "TCP/IP connections?)")
    return server.url("no_such_database"), 'database "no_such_database" does not exist'


@pytest.mark.parametrize("problem", ["wrong password", "unreachable server",
                                     "missing database"])
def test_a_gradebook_that_cannot_be_opened_stops_grading_in_one_line(server, tmp_path, problem):
    url, reason = _unusable(server, problem)
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {"amy": release_notebook(EX1)})
    finished = subprocess.run(
        [CVCOURSE, "--root", str(tmp_path), "grade", EX1, "--submissions",
         str(tmp_path / "subs"), "--db", url], capture_output=True, text=True)
    assert finished.returncode == 1
    assert finished.stdout == ""
    assert finished.stderr.splitlines() == [
        f"cvcourse: cannot open the gradebook at {database.shown(database.with_driver(url))}: "
        f"{reason}"]
    assert server.password not in finished.stderr
    assert not any((course / name).exists()
                   for name in ("submitted", "autograded", "executed", "gradebook.db"))


@pytest.mark.parametrize("arguments", [
    ["release"], ["feedback", EX1], ["export", EX1], ["roster", "import", "{roster}"],
    ["formgrade"]], ids=lambda arguments: arguments[0])
def test_every_command_on_the_gradebook_checks_it_first(server, tmp_path, monkeypatch,
                                                        arguments):
    from learntools_lite import cli

    url, reason = _unusable(server, "wrong password")
    copy_course(tmp_path)
    roster = tmp_path / "class.csv"
    roster.write_text("id,first_name,last_name,email,lms_id\namy,Amy,Ng,amy@uni.example,1\n")
    monkeypatch.setattr(cli.os, "execve", lambda *args: pytest.fail("the formgrader started"))
    monkeypatch.setenv(database.DB_VARIABLE, url)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path),
                  *(a.replace("{roster}", str(roster)) for a in arguments)])
    assert str(stop.value) == (f"cvcourse: cannot open the gradebook at "
                               f"{database.shown(database.with_driver(url))}: {reason}")


# --- an SQLite gradebook moved to PostgreSQL -----------------------------------------------

@pytest.mark.slow
@pytest.mark.grading
def test_a_graded_sqlite_gradebook_moves_to_postgresql_with_its_scores(server, tmp_path,
                                                                        capsys):
    from learntools_lite import cli
    from learntools_lite.instructor.export import export
    from learntools_lite.instructor.grading import RunOptions

    course = copy_course(tmp_path)  # the default: SQLite in the course root
    right = solution_answers(EX1)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, right),
        "ben": submission(EX1, {**right, "q_3": "image_detect = image_filter"})})
    grade(course, EX1, tmp_path / "subs", say=lambda line: None, options=RunOptions(workers=2))
    sqlite = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(sqlite, COURSE_ID) as gradebook:  # a grader gave amy's written answer 1
        written = gradebook.find_grade("q_4_answer", EX1, EX1, "amy")
        written.manual_score = 1
        written.needs_manual_grade = False
        gradebook.db.commit()
    export(course, [EX1], "canvas", tmp_path / "from-sqlite.csv", say=lambda line: None)

    target = server.create_database("moved")
    cli.main(["db", "copy", "--from", sqlite, "--to", target])
    assert capsys.readouterr().out.startswith(
        f"copied {sqlite} -> {database.shown(database.with_driver(target))}: ")

    with database.chosen(target):
        scores = read_scores(course, EX1, ["amy", "ben"])
        export(course, [EX1], "canvas", tmp_path / "from-postgresql.csv", say=lambda line: None)
    assert _by_question(scores) == {"amy": (1, 1, 1, 1), "ben": (1, 1, 0, 1)}
    with Gradebook(database.with_driver(target), COURSE_ID) as gradebook:
        assert {s.student.id: s.score for s in gradebook.find_assignment(EX1).submissions} \
            == {"amy": 5, "ben": 3}
    assert (tmp_path / "from-postgresql.csv").read_text() == \
        (tmp_path / "from-sqlite.csv").read_text()

    # A second copy into the same database would mix two gradebooks: refused, in one line.
    with pytest.raises(SystemExit, match=r"^cvcourse: the database at .* already holds a "
                                         r"gradebook \(.*, 2 student, 1 assignment, .*\); "
                                         r"copy into a new, empty database$"):
        cli.main(["db", "copy", "--from", sqlite, "--to", target])


def test_copying_from_nowhere_is_one_line_and_creates_nothing(server, tmp_path):
    from learntools_lite import cli

    missing = tmp_path / "typo.db"
    with pytest.raises(SystemExit) as stop:
        cli.main(["db", "copy", "--from", f"sqlite:///{missing}",
                  "--to", server.create_database("unused")])
    assert str(stop.value) == f"cvcourse: there is no nbgrader gradebook at sqlite:///{missing}"
    assert not missing.exists()
