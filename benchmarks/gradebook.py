"""Benchmark the gradebook's writes on SQLite and on PostgreSQL, in one run.

A class of N students (default 300) hands in each of the three assignments; for each
backend, in one grading process, one notebook after another:

* submissions: ``Gradebook.add_submission`` (nbgrader's rows for the submission, its
  notebooks, grades and comments, as autograde makes them);
* scores: nbgrader's own ``SaveAutoGrades`` on each notebook (what autograde runs after the
  execution: it opens the gradebook, then writes and commits each grade and comment).

Nothing is executed: every notebook is the assignment's source, which nbgrader scores full
marks, and every total is read back and checked. Beside them, the median time nbgrader takes
to open its gradebook (``Gradebook(url)``: a new engine and connection, and its check of the
schema), which it does for every notebook it scores. PostgreSQL is a throw-away server this
script starts (``tests/postgres_server.py``: Debian's binaries, loopback, the server's
default durability settings, as SQLite keeps its own).

Run: ``.venv/bin/python benchmarks/gradebook.py [--students 300]``.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO)]

import nbformat  # noqa: E402
from grading_helpers import copy_course  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.preprocessors import SaveAutoGrades  # noqa: E402
from postgres_server import postgres_server  # noqa: E402
from sqlalchemy.exc import SAWarning  # noqa: E402

from learntools_lite.instructor import database  # noqa: E402
from learntools_lite.instructor.nbgrader_course import assignments, require  # noqa: E402

# nbgrader 0.9.6 on SQLAlchemy 2.1 warns while adding submissions; they are added all the same.
warnings.filterwarnings("ignore", category=SAWarning)


def opening_seconds(url: str, course_id: str, times: int = 21) -> float:
    """The median time of opening and closing nbgrader's gradebook."""
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        with Gradebook(url, course_id):
            pass
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def write_class(course: Path, students: list[str]) -> tuple[float, float, float, dict]:
    """(seconds adding submissions, seconds saving scores, seconds opening the gradebook
    once, assignment -> total of all scores read back) for the course's chosen gradebook."""
    api = database.prepared_api(course)
    url, course_id = api.coursedir.db_url, api.coursedir.course_id
    names = assignments(course)
    for name in names:  # the assignments' cells in the gradebook: set-up, not timed
        require(api.generate_assignment(name, force=True), f"releasing {name}")
    database.add_students(url, course_id, students)
    sources = {name: nbformat.read(str(course / "source" / name / f"{name}.ipynb"), 4)
               for name in names}

    start = time.perf_counter()
    with Gradebook(url, course_id) as gradebook:
        for name in names:
            for student in students:
                gradebook.add_submission(name, student)
    submitted = time.perf_counter() - start

    start = time.perf_counter()
    for name in names:
        for student in students:
            resources = {"nbgrader": {"notebook": name, "assignment": name,
                                      "student": student, "db_url": url}}
            SaveAutoGrades().preprocess(sources[name], resources)
    scored = time.perf_counter() - start

    with Gradebook(url, course_id) as gradebook:
        totals = {name: sum(s.score for s in gradebook.find_assignment(name).submissions)
                  for name in names}
        expected = {name: len(students) * gradebook.find_assignment(name).max_code_score
                    for name in names}
    if totals != expected:
        raise SystemExit(f"{url}: scores read back {totals}, expected {expected}")
    return submitted, scored, opening_seconds(url, course_id), totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=300)
    n = parser.parse_args().students
    students = [f"s{i:04d}" for i in range(n)]
    # nbgrader runs the `alembic` command beside this interpreter to create a gradebook.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    results = {}
    with tempfile.TemporaryDirectory() as folder, postgres_server() as server:
        folder = Path(folder)
        results["SQLite (file in the course root)"] = write_class(
            copy_course(folder / "sqlite"), students)
        with database.chosen(server.create_database("benchmark")):
            results["PostgreSQL 15 (loopback)"] = write_class(
                copy_course(folder / "postgresql"), students)
    first = next(iter(results.values()))[-1]
    if any(result[-1] != first for result in results.values()):
        raise SystemExit("the backends hold different scores")
    notebooks = n * len(first)
    print(f"gradebook writes for {n} students x {len(first)} assignments "
          f"({notebooks} notebooks), one writer, {os.cpu_count()} cores:")
    print(f"  {'backend':<34} {'submissions':>11} {'scores':>8} {'total':>8} "
          f"{'per notebook':>13} {'opening':>8}")
    for backend, (submitted, scored, opening, _) in results.items():
        total = submitted + scored
        print(f"  {backend:<34} {submitted:>9.1f} s {scored:>6.1f} s {total:>6.1f} s "
              f"{1000 * total / notebooks:>10.0f} ms {1000 * opening:>5.0f} ms")


if __name__ == "__main__":
    main()
