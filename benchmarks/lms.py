"""Benchmark a class's way in and out, without executing anything:

* import: a Canvas export of N students (each with a re-upload) and its roster, read into
  ``submitted/`` by ``import_submissions``;
* export: ``cvcourse export``'s final grades for N students with a graded submission each
  (submissions made with nbgrader's own gradebook API), in Canvas's format.

Run: ``.venv/bin/python benchmarks/lms.py [--students 300]``. Target: each under 10 s on 2
cores.
"""

import argparse
import csv
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO)]

import nbformat  # noqa: E402
from grading_helpers import copy_course, release_notebook  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from sqlalchemy.exc import SAWarning  # noqa: E402

from learntools_lite.instructor.export import export  # noqa: E402
from learntools_lite.instructor.nbgrader_course import api_for  # noqa: E402
from learntools_lite.instructor.roster import import_roster  # noqa: E402
from learntools_lite.instructor.submissions import import_submissions  # noqa: E402

EX1 = "ex1_convolution"
# nbgrader 0.9.6 on SQLAlchemy 2.1 warns while adding submissions; they are added all the same.
warnings.filterwarnings("ignore", category=SAWarning)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=300)
    n = parser.parse_args().students
    quiet = lambda line: None  # noqa: E731
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        course = copy_course(folder)
        text = nbformat.writes(release_notebook(EX1))
        roster = folder / "canvas.csv"
        with roster.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"])
            writer.writerows([f"Student{i}, Number", str(1000 + i), "", f"s{i:04d}", "A"]
                             for i in range(n))
        archive = folder / "submissions.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for i in range(n):
                zipped.writestr(f"numberstudent{i}_{1000 + i}_{5000 + i}_{EX1}.ipynb", text)
                zipped.writestr(f"numberstudent{i}_{1000 + i}_{9000 + i}_{EX1}-1.ipynb", text)
        start = time.perf_counter()
        import_roster(course, roster, say=quiet)
        problems = import_submissions(course, EX1, archive, say=quiet)
        imported = time.perf_counter() - start
        assert problems == [] and len(list((course / "submitted").iterdir())) == n

        api = api_for(course)
        api.generate_assignment(EX1, force=True)
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            for i in range(n):
                gradebook.add_submission(EX1, f"s{i:04d}")
        start = time.perf_counter()
        export(course, [EX1], "canvas", folder / "grades.csv", say=quiet)
        exported = time.perf_counter() - start
    print(f"{n} students on 2 cores: import (roster + Canvas zip with re-uploads) "
          f"{imported:.1f} s; export (Canvas gradebook) {exported:.1f} s")


if __name__ == "__main__":
    main()
