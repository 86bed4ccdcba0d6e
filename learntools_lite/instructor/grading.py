"""``cvcourse release``, ``grade`` and ``feedback``: thin steps over nbgrader's API."""

import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from .nbgrader_course import CourseError, api_for, assignments, load_config, require
from .submissions import import_folder, import_zip

# nbgrader 0.9.6 trips SQLAlchemy's "not in session" warning while autograding; the grades
# are saved all the same (the tests read them back), so the warning is only noise here.
warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")


@dataclass(frozen=True)
class StudentScore:
    """One student's result for one assignment."""

    student: str
    total: float
    max_total: float
    by_question: dict  # grade_id of each autograded test cell -> score
    problem: str = ""  # why the student was not (fully) graded, if so


def check_assignment(course_dir: Path, assignment: str) -> None:
    load_config(course_dir)  # fails with one line when this is no course root
    known = assignments(course_dir)
    if assignment not in known:
        raise CourseError(f"unknown assignment {assignment!r}; the course has: "
                          f"{', '.join(known) or 'none'}")


def release(course_dir: Path, say=print) -> None:
    """Generate the student version of every assignment into ``release/``."""
    api = api_for(course_dir)
    for assignment in assignments(course_dir):
        require(api.generate_assignment(assignment, force=True),
                f"generating the release of {assignment}")
        say(f"released {assignment} -> {course_dir / 'release' / assignment}")


def _progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label:<20}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _last_line(result: dict) -> str:
    lines = (result.get("error") or result.get("log") or "").strip().splitlines()
    interesting = [line for line in lines if "Kernel died" in line or "Timeout" in line
                   or "timed out" in line or "[ERROR]" in line]
    return (interesting or lines or ["no details"])[-1].strip()


def grade(course_dir: Path, assignment: str, submissions: Path | None = None,
          say=print) -> tuple[list[StudentScore], list[str]]:
    """Import submissions (if given), autograde every submitted student, and read scores.

    Returns the scores and the problems met (one line each); a problem with one student
    never stops the others."""
    check_assignment(course_dir, assignment)
    problems = []
    if submissions is not None:
        importer = import_zip if submissions.suffix.lower() == ".zip" else import_folder
        problems += importer(course_dir, assignment, submissions, say)
    api = api_for(course_dir)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            require(api.generate_assignment(assignment, force=True),
                    f"generating the release of {assignment}")
    students = sorted(p.parent.name for p in (course_dir / "submitted").glob(f"*/{assignment}")
                      if p.is_dir())
    if not students:
        raise CourseError(f"no submissions for {assignment} in {course_dir / 'submitted'}")
    # Learners' kernels inherit this: solutions stay hidden in graded runs.
    os.environ["LEARNTOOLS_SOLUTIONS"] = "off"
    failed = {}
    for done, student in enumerate(students):
        _progress(done, len(students), student)
        result = api.autograde(assignment, student, force=True, create=True)
        if not result.get("success"):
            failed[student] = _last_line(result)
    _progress(len(students), len(students), "done")
    scores = read_scores(course_dir, assignment, students, failed)
    problems += [f"{s.student}: {s.problem}" for s in scores if s.problem]
    return scores, problems


def read_scores(course_dir: Path, assignment: str, students: list[str],
                failed: dict | None = None) -> list[StudentScore]:
    """Each student's autograded scores from the gradebook (0 where nothing was graded)."""
    failed = failed or {}
    api = api_for(course_dir)
    scores = []
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        record = gradebook.find_assignment(assignment)
        tests = sorted(cell.name for notebook in record.notebooks
                       for cell in notebook.grade_cells if cell.name.endswith("_test"))
        maximum = sum(cell.max_score for notebook in record.notebooks
                      for cell in notebook.grade_cells if cell.name.endswith("_test"))
        for student in students:
            by_question = dict.fromkeys(tests, 0.0)
            problem = ""
            try:
                submission = gradebook.find_submission(assignment, student)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.name in by_question:
                            by_question[grade.name] = float(grade.score or 0)
            except MissingEntry:
                problem = "not graded"
            if student in failed:
                problem = f"grading stopped early: {failed[student]}"
            scores.append(StudentScore(student, sum(by_question.values()), maximum,
                                       by_question, problem))
    return scores


def feedback(course_dir: Path, assignment: str, say=print) -> list[Path]:
    """HTML feedback for every graded student; returns the files written."""
    check_assignment(course_dir, assignment)
    require(api_for(course_dir).generate_feedback(assignment, force=True),
            f"generating feedback for {assignment}")
    files = sorted((course_dir / "feedback").glob(f"*/{assignment}/*.html"))
    for path in files:
        say(f"feedback: {path}")
    return files
