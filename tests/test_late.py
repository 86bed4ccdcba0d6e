"""Due dates from the course config, submission times from the LMS export, and nbgrader's
late penalty: on time, a little late and very late students, graded for real."""

import csv
import zipfile

import nbformat
import pytest
from grading_helpers import copy_course, solution_answers, submission

from learntools_lite.instructor.export import export
from learntools_lite.instructor.grading import grade
from learntools_lite.instructor.late import PenaltyPerDay, due_date
from learntools_lite.instructor.nbgrader_course import CourseError
from learntools_lite.instructor.submissions import import_submissions

EX1 = "ex1_convolution"
DUE = 'c.CvCourse.due_dates = {"ex1_convolution": "2026-12-04 17:00:00 UTC"}'


@pytest.mark.parametrize("seconds, penalty", [
    (0, None), (1, 0.3), (3 * 3600, 0.3), (24 * 3600, 0.3), (24 * 3600 + 1, 0.6),
    (9.5 * 24 * 3600, 3.0), (30 * 24 * 3600, 3.0)])
def test_each_started_day_late_costs_a_tenth_of_the_points(seconds, penalty):
    result = PenaltyPerDay().late_submission_penalty("amy", 3.0, seconds)
    assert result == pytest.approx(penalty) if penalty is not None else result is None


def test_a_due_date_nbgrader_cannot_read_is_one_line(tmp_path):
    course = copy_course(tmp_path, 'c.CvCourse.due_dates = {"ex1_convolution": "soon-ish"}')
    with pytest.raises(CourseError, match="the due date of ex1_convolution in the course "
                                          "config \\('soon-ish'\\) is not a date"):
        due_date(course, EX1)


def test_canvas_late_marks_are_late_by_the_least_they_can_be(tmp_path):
    course = copy_course(tmp_path, DUE)
    archive = tmp_path / "canvas.zip"
    text = nbformat.writes(submission(EX1, {}))
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"ngamy_LATE_11_21_{EX1}.ipynb", text)
        zipped.writestr(f"odeben_12_22_{EX1}.ipynb", text)
    assert import_submissions(course, EX1, archive, say=lambda line: None) == []
    stamp = course / "submitted" / "11" / EX1 / "timestamp.txt"
    assert stamp.read_text() == "2026-12-04 17:00:01"
    assert not (course / "submitted" / "12" / EX1 / "timestamp.txt").exists()


def test_late_marks_without_a_due_date_are_reported(tmp_path):
    course = copy_course(tmp_path)
    archive = tmp_path / "canvas.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"ngamy_LATE_11_21_{EX1}.ipynb", nbformat.writes(submission(EX1, {})))
    assert import_submissions(course, EX1, archive, say=lambda line: None) == [
        "canvas.zip: some work is marked late, but the course config gives ex1_convolution "
        "no due date; no late penalty applies"]


@pytest.mark.slow
@pytest.mark.grading
def test_on_time_late_and_very_late_students(tmp_path):
    course = copy_course(tmp_path, DUE)
    right = nbformat.writes(submission(EX1, solution_answers(EX1)))
    archive = tmp_path / "blackboard.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for user, time in [("ontime", "2026-12-04-16-59-59"), ("late", "2026-12-04-20-00-00"),
                           ("verylate", "2026-12-20-09-00-00")]:
            zipped.writestr(f"Exercise 1_{user}_attempt_{time}_{EX1}.ipynb", right)
    scores, problems = grade(course, EX1, archive, say=lambda line: None)
    assert problems == []
    assert {s.student: s.total for s in scores} == {"ontime": 4, "late": 4, "verylate": 4}
    path = tmp_path / "final.csv"
    export(course, [EX1], "csv", path, say=lambda line: None)
    with path.open() as handle:
        final = {row["student_id"]: row[EX1] for row in csv.DictReader(handle)}
    # 4 points earned each (the written answer is still to grade); 10 % off per started day
    # late; nothing left after 10 days.
    assert final == {"ontime": "4", "late": "3.6", "verylate": "0"}
