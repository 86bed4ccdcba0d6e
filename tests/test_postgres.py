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
    copy_course,
    release_notebook,
    solution_answers,
    submission,
    write_submissions,
)
from nbgrader.api import Gradebook, MissingEntry
from postgres_server import binaries, postgres_server

from learntools_lite.instructor import database
from learntools_lite.instructor.grading import read_scores

EX1, EX2, EX3 = "ex1_convolution", "ex2_maximum_pooling", "ex3_global_average_pooling"
CVCOURSE = str(Path(sys.executable).parent / "cvcourse")
COURSE_ID = "cvcourse"  # the course config's


@pytest.fixture(scope="session")
def server():
    """One PostgreSQL server for the whole pytest run."""
    if binaries() is None:
        pytest.skip("PostgreSQL's server is not installed (apt-get install postgresql; "
                    "make test installs it)")
    with postgres_server() as running:
        yield running


def _run(arguments: list[str], env: dict | None = None, **options) -> subprocess.Popen:
    """``cvcourse ARGUMENTS`` in its own process group (so Ctrl-C can reach all of it)."""
    return subprocess.Popen([CVCOURSE, *arguments], env={**os.environ, **(env or {})}, text=True,
                            start_new_session=True, **options)


def _by_question(scores) -> dict:
    return {s.student: tuple(s.by_question[q] for q in sorted(s.by_question)) for s in scores}


def test_the_server_is_unprivileged_on_loopback_and_stops_by_its_pid():
    if binaries() is None:
        pytest.skip("PostgreSQL's server is not installed")
    with postgres_server() as running:
        process = psutil.Process(running.pid)
        assert process.username() != "root"
        listening = {c.laddr for c in psutil.net_connections("inet")
                     if c.pid == running.pid and c.status == psutil.CONN_LISTEN}
        assert listening == {("127.0.0.1", running.port)}
    assert not psutil.pid_exists(running.pid) or \
        psutil.Process(running.pid).status() == psutil.STATUS_ZOMBIE


def _contender(url: str, start: float, students: list[str]) -> None:
    """One grading run's preparation, begun at the same instant as the others."""
    time.sleep(max(0.0, start - time.time()))
    database.ready(url, COURSE_ID)
    database.add_students(url, COURSE_ID, students)


def test_runs_started_together_create_the_schema_and_the_class_once(server):
    """nbgrader alone fails here: every process finds no tables and issues
    CREATE TYPE grade_cell_type; all but one fail (and two that add one student, one)."""
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
    from sqlalchemy import create_engine, inspect, text

    url = database.with_driver(server.create_database("old"))
    database.ready(url, COURSE_ID)
    engine = create_engine(url)
    with engine.begin() as connection:  # as nbgrader before 0.7 left it: no courses
        connection.execute(text("ALTER TABLE assignment DROP COLUMN course_id"))
        connection.execute(text("DROP TABLE course"))
        connection.execute(text("UPDATE alembic_version SET version_num = '282d30a0218e'"))
    database.ready(url, COURSE_ID)
    columns = {c["name"] for c in inspect(engine).get_columns("assignment")}
    with engine.connect() as connection:
        courses = sorted(connection.execute(text("SELECT id FROM course")).scalars())
    engine.dispose()
    assert "course_id" in columns
    assert courses == [COURSE_ID, "default_course"]
    assert database.revision(url) == database.head_revision()


# --- two grading runs at once, and a grader writing a manual grade meanwhile ---------------

# student: (submission edit, expected points of each autograded test cell in order)
CLASS = {
    EX2: {"ana": ({}, (1, 1, 1, 1, 1)), "bo": (None, (0, 0, 0, 0, 0)),
          "cy": ({"q_5": lambda right: right.replace("(400 - 3) // 2 + 1", "(400 - 3) // 2")},
                 (1, 1, 1, 1, 0))},
    EX3: {"ana": ({}, (1, 1, 1, 1)), "bo": (None, (0, 0, 0, 0)),
          "cy": ({"q_4": lambda right: right.replace(
              "gap_change = change(gap_vectors)\nflat_change = change(flat_vectors)",
              "gap_change = change(flat_vectors)\nflat_change = change(gap_vectors)")},
                 (1, 1, 1, 0))},
}


def _notebooks(assignment: str) -> dict:
    right = solution_answers(assignment)
    notebooks = {}
    for student, (edits, _) in CLASS[assignment].items():
        if edits is None:
            notebooks[student] = release_notebook(assignment)
            continue
        answers = {**right, **{q: change(right[q]) for q, change in edits.items()}}
        assert all(answers[q] != right[q] for q in edits)  # each edit did change the answer
        notebooks[student] = submission(assignment, answers)
    return notebooks


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
        write_submissions(folder / assignment, assignment, _notebooks(assignment))
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
    return {"url": database.with_driver(url), "codes": codes, "output": output,
            "running_when_graded": running_when_graded, "scores": scores}


@pytest.mark.slow
def test_both_runs_succeed_with_no_schema_race(together):
    assert together["codes"] == [0, 0], together["output"]
    for text in together["output"].values():
        assert "already exists" not in text and "Traceback" not in text


@pytest.mark.slow
@pytest.mark.parametrize("assignment", [EX2, EX3])
def test_every_student_of_both_runs_gets_exactly_their_scores(together, assignment):
    expected = {student: points for student, (_, points) in CLASS[assignment].items()}
    assert _by_question(together["scores"][assignment]) == expected


@pytest.mark.slow
def test_the_manual_grade_written_during_the_runs_is_kept(together):
    assert together["running_when_graded"] == [True, True]
    with Gradebook(together["url"], COURSE_ID) as gradebook:
        written = gradebook.find_grade("q_4_answer", EX2, EX2, "ana")
        assert (written.manual_score, written.auto_score) == (1, None)
        totals = {(a, s): gradebook.find_submission(a, s).score
                  for a in (EX2, EX3) for s in CLASS[a]}
        assert sorted(s.id for s in gradebook.students) == ["ana", "bo", "cy"]
    assert totals == {(EX2, "ana"): 6, (EX2, "bo"): 0, (EX2, "cy"): 4,
                      (EX3, "ana"): 4, (EX3, "bo"): 0, (EX3, "cy"): 3}


@pytest.mark.slow
def test_each_run_prints_its_own_exact_table(together):
    assert "ana      1         1         1         1         1         5/5" in \
        together["output"][EX2]
    assert "cy       1         1         1         0         3/4" in together["output"][EX3]
