"""Final grades out: autograded points plus the points a grader gave by hand, in the LMS's
own import format, read back as the LMS would read it."""

import csv

import pytest
from grading_helpers import copy_course, solution_answers, submission, write_submissions
from nbgrader.api import Gradebook

from learntools_lite import cli
from learntools_lite.instructor.export import export
from learntools_lite.instructor.grading import RunOptions, grade
from learntools_lite.instructor.nbgrader_course import api_for

EX1 = "ex1_convolution"
pytestmark = [pytest.mark.slow, pytest.mark.grading]


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """amy: all right, and her written answer given 1 point by hand; ben: q_3 wrong;
    cy: on the roster, no submission."""
    folder = tmp_path_factory.mktemp("export")
    course = copy_course(folder)
    roster = folder / "class.csv"
    roster.write_text("id,first_name,last_name,email,lms_id\n"
                      "amy,Amy,Ng,amy@uni.example,501\nben,Ben,Ode,ben@uni.example,502\n"
                      "cy,Cy,Park,cy@uni.example,503\n")
    cli.main(["--root", str(folder), "roster", "import", str(roster)])
    right = solution_answers(EX1)
    write_submissions(folder / "subs", EX1, {
        "amy": submission(EX1, right),
        "ben": submission(EX1, {**right, "q_3": "image_detect = image_filter"})})
    grade(course, EX1, folder / "subs", say=lambda line: None, options=RunOptions(workers=2))
    api = api_for(course)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        written = gradebook.find_grade("q_4_answer", EX1, EX1, "amy")
        # What the formgrader does when a grader gives the written answer 1 point.
        written.manual_score = 1
        written.needs_manual_grade = False
        gradebook.db.commit()
    return course


def read_back(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_canvas_gets_its_own_import_file(graded_class, tmp_path):
    path = tmp_path / "canvas.csv"
    warnings = export(graded_class, [EX1], "canvas", path, say=lambda line: None)
    rows = read_back(path)
    assert rows[0]["Student"] == "    Points Possible" and rows[0][EX1] == "5"
    by_id = {row["ID"]: row for row in rows[1:]}
    assert {i: (r["SIS Login ID"], r["Student"], r[EX1]) for i, r in by_id.items()} == {
        "501": ("amy", "Ng, Amy", "5"), "502": ("ben", "Ode, Ben", "3"),
        "503": ("cy", "Park, Cy", "")}
    assert warnings == ["ben: ex1_convolution has answers still to grade by hand; exported "
                        "without them"]


def test_moodle_and_missing_as_zero(graded_class, tmp_path):
    path = tmp_path / "moodle.csv"
    export(graded_class, [EX1], "moodle", path, missing_as_zero=True, say=lambda line: None)
    assert [(r["Email address"], r["ID number"], r[EX1]) for r in read_back(path)] == [
        ("amy@uni.example", "amy", "5"), ("ben@uni.example", "ben", "3"),
        ("cy@uni.example", "cy", "0")]


def test_the_export_command_writes_into_the_course(graded_class, capsys):
    cli.main(["--root", str(graded_class.parent), "export", EX1])
    rows = read_back(graded_class / "grades-csv.csv")
    assert [(r["student_id"], r["lms_id"], r[EX1]) for r in rows] == [
        ("amy", "501", "5"), ("ben", "502", "3"), ("cy", "503", "")]
    assert "warning: ben: ex1_convolution has answers still to grade" in capsys.readouterr().out


def test_exporting_an_ungraded_assignment_is_one_line(graded_class):
    with pytest.raises(SystemExit, match="cvcourse: ex2_maximum_pooling has not been graded "
                                         "yet; nothing to export"):
        cli.main(["--root", str(graded_class.parent), "export", "ex2_maximum_pooling"])


@pytest.mark.parametrize("kind, folders", [
    ("moodle", {"amy": "Amy Ng_501_assignsubmission_file_",
                "ben": "Ben Ode_502_assignsubmission_file_"}),
    ("folder", {"amy": "amy", "ben": "ben"}),
])
def test_feedback_is_zipped_for_the_lms_one_student_per_entry(graded_class, kind, folders):
    import zipfile

    cli.main(["--root", str(graded_class.parent), "feedback", EX1, "--lms", kind])
    own = {student: (graded_class / "feedback" / student / EX1 / f"{EX1}.html").read_bytes()
           for student in folders}
    with zipfile.ZipFile(graded_class / "feedback" / f"{EX1}-{kind}.zip") as packed:
        entries = {name: packed.read(name) for name in packed.namelist()}
    assert entries == {f"{folders[s]}/{EX1}.html": own[s] for s in folders}
    for student, html in own.items():
        other = next(s for s in folders if s != student)
        text = html.decode()
        assert "HIDDEN TESTS" not in text and "record_for_grading" not in text
        assert own[other] != html and f"/{other}/" not in text
