"""``cvcourse export``: final grades from nbgrader's gradebook, in the LMS's own import format.

A final score is nbgrader's total for the submission (autograded cells, with any manual
score or extra credit a grader gave, and the manually graded answers) minus its late
penalty, never below 0: the figure nbgrader's own CSV export calls ``score``. A student
without a submission gets a blank (the LMS then shows "not submitted"), or 0 with
``missing_as_zero``. Every student in nbgrader's student table is exported.

Formats:

* ``canvas``: Canvas's gradebook import: ``Student``, ``ID`` (the Canvas user id, from the
  roster), ``SIS User ID``, ``SIS Login ID`` (the course id), ``Section``, then one column
  per assignment, with a "Points Possible" row;
* ``moodle``: Moodle's "Import grades from CSV": ``Email address`` (to map users),
  ``ID number`` (the course id), then one column per assignment;
* ``csv``: ``student_id``, names, e-mail, ``lms_id``, then one column per assignment.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .database import prepared_api
from .nbgrader_course import CourseError

FORMATS = ("canvas", "moodle", "csv")


@dataclass(frozen=True)
class FinalGrade:
    """One student's final score for each assignment (None: no submission)."""

    student: str
    first_name: str
    last_name: str
    email: str
    lms_id: str
    scores: dict  # assignment -> float | None
    pending: tuple  # assignments with answers still to grade by hand


def final_grades(course_dir: Path, assignments: list[str]) -> tuple[list[FinalGrade], dict]:
    """Every student's final grades, and each assignment's maximum score."""
    api = prepared_api(course_dir)
    grades = []
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        maxima = {}
        for name in assignments:
            try:
                maxima[name] = gradebook.find_assignment(name).max_score
            except MissingEntry:
                raise CourseError(f"{name} has not been graded yet; nothing to export") from None
        for student in gradebook.students:
            scores, pending = {}, []
            for name in assignments:
                try:
                    submission = gradebook.find_submission(name, student.id)
                except MissingEntry:
                    scores[name] = None
                    continue
                penalty = submission.late_submission_penalty or 0.0
                scores[name] = max(0.0, float(submission.score) - penalty)
                if submission.needs_manual_grade:
                    pending.append(name)
            grades.append(FinalGrade(student.id, student.first_name or "",
                                     student.last_name or "", student.email or "",
                                     student.lms_user_id or "", scores, tuple(pending)))
    return grades, maxima


def _cell(score, missing_as_zero: bool) -> str:
    if score is None:
        return "0" if missing_as_zero else ""
    return f"{score:g}"


def write_export(grades: list[FinalGrade], maxima: dict, path: Path, kind: str,
                 missing_as_zero: bool = False) -> None:
    """Write ``grades`` in the LMS format ``kind`` (one of :data:`FORMATS`)."""
    names = list(maxima)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if kind == "canvas":
            writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *names])
            writer.writerow(["    Points Possible", "", "", "", "",
                             *(f"{maxima[n]:g}" for n in names)])
            for g in grades:
                writer.writerow([f"{g.last_name}, {g.first_name}".strip(", "), g.lms_id, "",
                                 g.student, "",
                                 *(_cell(g.scores[n], missing_as_zero) for n in names)])
        elif kind == "moodle":
            writer.writerow(["Email address", "ID number", *names])
            for g in grades:
                writer.writerow([g.email, g.student,
                                 *(_cell(g.scores[n], missing_as_zero) for n in names)])
        elif kind == "csv":
            writer.writerow(["student_id", "first_name", "last_name", "email", "lms_id", *names])
            for g in grades:
                writer.writerow([g.student, g.first_name, g.last_name, g.email, g.lms_id,
                                 *(_cell(g.scores[n], missing_as_zero) for n in names)])
        else:
            raise CourseError(f"unknown export format {kind!r}; use one of {', '.join(FORMATS)}")


def export(course_dir: Path, assignments: list[str], kind: str, path: Path,
           missing_as_zero: bool = False, say=print) -> list[str]:
    """Write the final grades of ``assignments``; returns the warnings (one line each):
    students without an e-mail for Moodle or an LMS id for Canvas, and answers not yet
    graded by hand."""
    grades, maxima = final_grades(course_dir, assignments)
    write_export(grades, maxima, path, kind, missing_as_zero)
    warnings = [f"{g.student}: {name} has answers still to grade by hand; exported without "
                "them" for g in grades for name in g.pending]
    if kind == "moodle":
        warnings += [f"{g.student}: no e-mail address; Moodle cannot match this row"
                     for g in grades if not g.email]
    if kind == "canvas":
        warnings += [f"{g.student}: no Canvas id; Canvas matches this row by SIS login"
                     for g in grades if not g.lms_id]
    say(f"wrote {len(grades)} students' grades for {', '.join(assignments)} -> {path}")
    for line in warnings:
        say(f"warning: {line}")
    return warnings
