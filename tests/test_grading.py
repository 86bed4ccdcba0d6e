"""The nbgrader round trip on a temporary copy of the course: exact scores for honest,
broken and hostile submissions, with nothing in the repository or the submissions changed."""

import copy

import nbformat
import pytest
from grading_helpers import (
    copy_course,
    hashes,
    release_notebook,
    solution_answers,
    submission,
    write_submissions,
)
from nbgrader.preprocessors import Execute

from conftest import REPO, kernel_stderr_visible
from learntools_lite.instructor.grading import RunOptions, grade
from learntools_lite.instructor.nbgrader_course import load_config
from learntools_lite.instructor.preprocessors import (
    AUTOGRADE_STEPS,
    SANITIZE_STEPS,
    DeduplicateIdsWhole,
    SandboxedExecute,
)

EX1 = "ex1_convolution"
ALL = sorted(p.name for p in (REPO / "course" / "source").iterdir())
pytestmark = [pytest.mark.slow, pytest.mark.grading]


def _drop_test_cell(notebook, grade_id):
    notebook.cells = [c for c in notebook.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]


def _copy_cell(notebook, grade_id, source=None):
    """The cell with ``grade_id`` copied just below itself, its metadata with it (as
    JupyterLab's copy and paste does), the copy holding ``source`` if given."""
    index = next(i for i, c in enumerate(notebook.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    copied = copy.deepcopy(notebook.cells[index])
    copied.id = f"copy-of-{grade_id}".replace("_", "-")
    if source is not None:
        copied.source = source
    notebook.cells.insert(index + 1, copied)


def _set_test_cell(notebook, grade_id, **changes):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            for key, value in changes.items():
                cell[key] = value
            if changes.get("cell_type") == "markdown":
                cell.pop("outputs", None)
                cell.pop("execution_count", None)


def _students():
    right = solution_answers(EX1)
    no_relu = {**right, "q_3": "image_detect = image_filter"}
    raises = {**right, "q_2": "raise ValueError('my own bug')"}
    endless = {**right, "q_3": "while True:\n    pass"}
    dies = {**right, "q_2": "import os\nos._exit(1)"}
    stderr = {k: "import sys\nprint('debugging', file=sys.stderr)\n" + v for k, v in right.items()}

    def tests_to_pass(notebook):
        for number in (1, 2, 3, 4):
            _set_test_cell(notebook, f"q_{number}_test", source="pass")

    def tests_deleted(notebook):
        for number in (1, 2, 3, 4):
            _drop_test_cell(notebook, f"q_{number}_test")

    def test_made_markdown(notebook):
        _set_test_cell(notebook, "q_1_test", cell_type="markdown")

    def test_copied(notebook):
        _copy_cell(notebook, "q_1_test")

    def answer_copied_and_changed(notebook):  # the copy runs last: its answer counts
        _copy_cell(notebook, "q_3", "image_detect = image_filter")

    return {
        # student: (notebook, expected points for q_1_test to q_4_test). q_4 builds on
        # image_filter (q_2), not on q_3's answer.
        "alice": (submission(EX1, right), (1, 1, 1, 1)),
        "bob": (release_notebook(EX1), (0, 0, 0, 0)),
        "carol": (submission(EX1, no_relu), (1, 1, 0, 1)),
        "dave": (submission(EX1, raises), (1, 0, 0, 0)),
        "erin": (submission(EX1, endless), (1, 1, 0, 1)),
        # The kernel dies in q_2's cell: what ran before it keeps its points.
        "frank": (submission(EX1, dies), (1, 0, 0, 0)),
        "grace": (submission(EX1, right, tests_to_pass), (1, 1, 1, 1)),
        "heidi": (submission(EX1, no_relu, tests_to_pass), (1, 1, 0, 1)),
        "ivan": (submission(EX1, right, tests_deleted), (1, 1, 1, 1)),
        "judy": (submission(EX1, {}, tests_deleted), (0, 0, 0, 0)),
        "ken": (submission(EX1, right, test_made_markdown), (1, 1, 1, 1)),
        "leo": (submission(EX1, stderr), (1, 1, 1, 1)),
        # A copied graded cell: nbgrader keeps the last copy graded, the others plain.
        "mia": (submission(EX1, right, test_copied), (1, 1, 1, 1)),
        "ned": (submission(EX1, right, answer_copied_and_changed), (1, 1, 0, 1)),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every student of ``_students`` once (twice, to check re-grading)."""
    folder = tmp_path_factory.mktemp("grading")
    with kernel_stderr_visible():
        return _grade_everyone(folder)


def _grade_everyone(folder):
    # The endless loop waits one per-cell timeout; a short one keeps the test quick.
    course = copy_course(folder, "c.Execute.timeout = 20")
    students = _students()
    write_submissions(folder / "submissions", EX1,
                      {name: notebook for name, (notebook, _) in students.items()})
    before = hashes(folder / "submissions")
    repo_before = hashes(REPO / "course" / "source" / EX1)
    scores, problems = grade(course, EX1, folder / "submissions", say=lambda line: None)
    again, _ = grade(course, EX1, say=lambda line: None)
    return {
        "course": course, "students": students, "scores": {s.student: s for s in scores},
        "again": {s.student: s for s in again}, "problems": problems,
        "submissions_unchanged": before == hashes(folder / "submissions"),
        "repo_unchanged": repo_before == hashes(REPO / "course" / "source" / EX1) and not any(
            (REPO / "course" / name).exists()
            for name in ("gradebook.db", "release", "submitted", "autograded")),
        "submitted_unchanged": before == hashes(course / "submitted"),
    }


@pytest.mark.parametrize("student", list(_students()))
def test_each_student_gets_exactly_their_score(graded, student):
    expected = graded["students"][student][1]
    by_question = graded["scores"][student].by_question
    assert tuple(by_question[f"q_{n}_test"] for n in (1, 2, 3, 4)) == expected


def test_a_dead_kernel_is_reported_and_others_are_graded(graded):
    assert graded["scores"]["frank"].problem == (
        f"{EX1}: the kernel died; later cells got 0")
    assert [line for line in graded["problems"] if not line.startswith("frank:")] == []
    assert graded["scores"]["alice"].total == graded["scores"]["alice"].max_total == 4


def test_grading_changes_no_submission_and_nothing_in_the_repository(graded):
    assert graded["submissions_unchanged"]
    assert graded["submitted_unchanged"]
    assert graded["repo_unchanged"]


def test_grading_again_gives_the_same_gradebook(graded):
    assert graded["again"] == graded["scores"]


@pytest.mark.parametrize("assignment", ALL)
def test_every_assignment_full_marks_for_solution_and_zero_for_blank(tmp_path, assignment):
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", assignment, {
        "solver": submission(assignment, solution_answers(assignment)),
        "blank": release_notebook(assignment),
    })
    scores, problems = grade(course, assignment, tmp_path / "subs", say=lambda line: None)
    by_student = {s.student: s for s in scores}
    assert problems == []
    assert by_student["solver"].total == by_student["solver"].max_total > 0
    assert by_student["blank"].total == 0


def _tensorflow_stderr(course, student):
    path = course / "autograded" / student / EX1 / f"{EX1}.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    return [o.text for c in notebook.cells if c.cell_type == "code" for o in c.outputs
            if o.get("name") == "stderr" and ("port.cc" in o.text or "absl" in o.text)]


@pytest.mark.parametrize("pattern_on, warm", [(True, False), (False, False), (False, True)],
                         ids=["cold, filtered", "cold, unfiltered", "warm, unfiltered"])
def test_tensorflow_log_lines_cannot_zero_a_correct_answer(tmp_path, monkeypatch, pattern_on,
                                                           warm):
    # Let TensorFlow log all it can into the cells, as on a machine without our settings.
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    course = copy_course(tmp_path, "" if pattern_on else "c.IgnorePattern.enabled = False")
    write_submissions(tmp_path / "subs", EX1, {"alice": submission(EX1, solution_answers(EX1))})
    with kernel_stderr_visible():
        scores, _ = grade(course, EX1, tmp_path / "subs", say=lambda line: None,
                          options=RunOptions(warm=warm))
    if pattern_on:
        assert scores[0].total == 4
        assert _tensorflow_stderr(course, "alice") == []
    elif warm:  # TensorFlow was imported, and logged, in the template: no cell shows it
        assert scores[0].total == 4
        assert _tensorflow_stderr(course, "alice") == []
    else:  # the control: the same run does print TensorFlow's lines when not filtered
        assert _tensorflow_stderr(course, "alice") != []


def test_an_lms_zip_is_collected_and_graded(tmp_path):
    import zipfile

    course = copy_course(tmp_path)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:  # Canvas's "Download Submissions"
        zipped.writestr(f"smithalice_1234_5678_{EX1}.ipynb",
                        nbformat.writes(release_notebook(EX1)))
        zipped.writestr(f"smithalice_1234_5690_{EX1}-1.ipynb",  # her re-upload wins
                        nbformat.writes(submission(EX1, solution_answers(EX1))))
        zipped.writestr(f"jonesbob_LATE_99_7001_{EX1}.ipynb",
                        nbformat.writes(release_notebook(EX1)))
        zipped.writestr("readme.txt", "not a notebook")
    before = hashes(tmp_path)
    scores, problems = grade(course, EX1, archive, say=lambda line: None)
    assert {s.student: s.total for s in scores} == {"1234": 4, "99": 0}
    assert problems == [
        "export.zip: readme.txt: not named as canvas names submissions; ignored",
        "export.zip: some work is marked late, but the course config gives ex1_convolution no "
        "due date; no late penalty applies"]
    assert hashes(tmp_path)["export.zip"] == before["export.zip"]


def test_feedback_shows_results_but_not_the_hidden_tests(graded):
    from learntools_lite.instructor.grading import feedback

    files = feedback(graded["course"], EX1, say=lambda line: None)
    assert {path.parts[-3] for path in files} == set(graded["students"])
    carol = next(path for path in files if path.parts[-3] == "carol").read_text()
    assert "image_detect` is the same as `image_filter`" in carol  # her check's message
    for path in files:
        text = path.read_text()
        assert "HIDDEN TESTS" not in text and "_question" not in text


def test_cvcourse_release_gives_the_exercises_learners_have(tmp_path):
    from learntools_lite import cli

    course = copy_course(tmp_path)
    cli.main(["--root", str(tmp_path), "release"])
    for assignment in ALL:
        released = course / "release" / assignment / f"{assignment}.ipynb"
        assert released.read_bytes() == (REPO / "exercises" / f"{assignment}.ipynb").read_bytes()


def test_cvcourse_grade_prints_a_table_and_writes_the_report(tmp_path, capsys):
    from learntools_lite import cli

    course = copy_course(tmp_path)
    right = solution_answers(EX1)
    valid = right["q_2"].replace("padding='SAME'", "padding='VALID'")
    assert valid != right["q_2"]
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, right),
        "ben": submission(EX1, {**right, "q_3": "image_detect = image_filter"}),
        "cy": submission(EX1, {**right, "q_3": "image_detect = tf.abs(image_filter)"}),
        "dee": submission(EX1, {**right, "q_2": valid}),
        "eve": submission(EX1, {**right, "q_3": "image_detect = image_filter"}),
    })
    with pytest.raises(SystemExit) as stop:
        cli.main(["--root", str(tmp_path), "grade", EX1, "--submissions", str(tmp_path / "subs")])
    assert stop.value.code == 0
    captured = capsys.readouterr()
    # Not a terminal: plain progress lines, no bar frames.
    assert "\r" not in captured.err
    assert "grading students: 0/5 done\n" in captured.err
    assert "grading students: 5/5 done\n" in captured.err
    table = captured.out.splitlines()
    assert table[:6] == ["student  q_1_test  q_2_test  q_3_test  q_4_test  total",
                         "amy      1         1         1         1         4/4  ",
                         "ben      1         1         0         1         3/4  ",
                         "cy       1         1         0         1         3/4  ",
                         "dee      1         0         1         1         3/4  ",
                         "eve      1         1         0         1         3/4  "]
    rows = (course / "grades.csv").read_text().splitlines()
    assert rows[:3] == ["student,q_1_test,q_2_test,q_3_test,q_4_test,total,max_total,problem",
                        "amy,1.0,1.0,1.0,1.0,4.0,4.0,", "ben,1.0,1.0,0.0,1.0,3.0,4.0,"]
    misconceptions = (course / "misconceptions.csv").read_text().splitlines()
    assert misconceptions[0] == "student,notebook,question,status,mistake"
    assert f"amy,{EX1},q_1,CORRECT," in misconceptions
    assert f"ben,{EX1},q_3,INCORRECT,no-activation" in misconceptions
    assert f"cy,{EX1},q_3,INCORRECT,other-activation" in misconceptions
    assert f"dee,{EX1},q_2,INCORRECT,valid-padding" in misconceptions
    assert f"dee,{EX1},q_3,CORRECT," in misconceptions
    assert len(misconceptions) == 1 + 5 * 4
    assert (course / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cvcourse_grade_exits_3_when_graded_with_a_problem(tmp_path, capsys):
    """A class with a problem line is graded all the same, and says so by its exit code,
    which a failed run (1) or a usage error (2) never gives."""
    from learntools_lite import cli

    copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {"amy": submission(EX1, solution_answers(EX1))})
    (tmp_path / "subs" / "notes.txt").write_text("not a submission")
    with pytest.raises(SystemExit) as stop:
        cli.main(["grade", EX1, "--submissions", str(tmp_path / "subs"), "--root", str(tmp_path)])
    assert stop.value.code == 3
    captured = capsys.readouterr()
    assert "amy      1         1         1         1         4/4  " in captured.out.splitlines()
    problems = [line for line in captured.err.splitlines() if line.startswith("problem: ")]
    assert len(problems) == 1 and "notes.txt" in problems[0]


def test_the_report_counts_each_named_mistake_per_question():
    import matplotlib.pyplot as plt

    from learntools_lite.instructor import report

    def row(student, question, mistake):
        return {"student": student, "notebook": EX1, "question": question,
                "status": "INCORRECT" if mistake else "CORRECT", "mistake": mistake}

    judgements = [row("a", "q_1", ""), row("b", "q_1", "all-zeros"),
                  row("c", "q_3", "sign-flipped"), row("d", "q_3", "no-activation"),
                  row("e", "q_3", "no-activation")]
    assert report.mistake_counts(judgements) == {
        ("q_1", "all-zeros"): 1, ("q_3", "no-activation"): 2, ("q_3", "sign-flipped"): 1}
    figure, axes = plt.subplots()
    report.misconception_panel(axes, judgements)
    labels = [label.get_text() for label in axes.get_yticklabels()]
    widths = [bar.get_width() for bar in axes.patches]
    plt.close(figure)
    assert dict(zip(labels, widths, strict=True)) == {
        "q_1: all-zeros": 1, "q_3: no-activation": 2, "q_3: sign-flipped": 1}
    assert labels[0] == "q_1: all-zeros"  # questions in order, most frequent first within one


def test_grading_leaves_no_student_work_for_git(tmp_path):
    """Everything grading writes into the repository's own course/ is git-ignored, and a
    course root elsewhere (--course) gets it all instead."""
    import subprocess

    from learntools_lite import cli

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--local", str(REPO), str(clone)], check=True)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, solution_answers(EX1)), "ben": release_notebook(EX1)})
    for arguments in (["grade", EX1, "--submissions", str(tmp_path / "subs")],
                      ["feedback", EX1], ["export", EX1, "--format", "canvas"]):
        try:
            cli.main(["--root", str(clone), *arguments])
        except SystemExit as stop:
            assert stop.code in (0, None)
    assert (clone / "course" / "gradebook.db").exists()
    assert list((clone / "course" / "feedback").rglob("*.html"))
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=clone, capture_output=True, text=True, check=True).stdout
    assert status == ""

    elsewhere = tmp_path / "term-2027"
    elsewhere.mkdir()
    copy_course(tmp_path / "template")
    for part in ("nbgrader_config.py", "source"):
        (tmp_path / "template" / "course" / part).rename(elsewhere / part)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--course", str(elsewhere), "grade", EX1,
                  "--submissions", str(tmp_path / "subs")])
    assert stop.value.code == 0
    assert (elsewhere / "gradebook.db").exists() and (elsewhere / "grades.csv").exists()


def test_every_autograde_of_the_course_is_sandboxed_and_judged():
    """``cvcourse grade``, the formgrader's Autograde button and ``nbgrader autograde`` all
    read the course config: none may fall back to nbgrader's Execute, which would run the
    submission in the grader's process and pass every hidden test (they only record)."""
    steps = load_config(REPO / "course").Autograde.autograde_preprocessors
    assert steps == AUTOGRADE_STEPS
    assert Execute not in steps and steps[0] is SandboxedExecute
    sanitizing = load_config(REPO / "course").Autograde.sanitize_preprocessors
    assert sanitizing == SANITIZE_STEPS and DeduplicateIdsWhole in sanitizing
