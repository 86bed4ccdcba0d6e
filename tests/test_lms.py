"""A class of 30 (27 on the rosters, 3 unknown) arrives from three LMSs: each export is read
by its LMS's own naming, LMS ids become roster ids, the newest upload wins, and every odd
file or missing student is a problem line. Import only: nothing is executed here."""

import csv
import zipfile

import nbformat
import pytest
from grading_helpers import copy_course, release_notebook

from learntools_lite import cli
from learntools_lite.instructor import lms
from learntools_lite.instructor.roster import RosterError, class_list, import_roster
from learntools_lite.instructor.submissions import SubmissionError, import_submissions

EX1 = "ex1_convolution"
NB = f"{EX1}.ipynb"


def notebook(marker: str) -> str:
    """A readable notebook that says which upload it was."""
    nb = release_notebook(EX1)
    nb.metadata["upload"] = marker
    return nbformat.writes(nb)


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_zip(path, files: dict):
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def submitted(course):
    """student -> {file: upload marker or text}, for everything in submitted/."""
    tree = {}
    for path in sorted((course / "submitted").rglob("*")):
        if path.is_file():
            student = path.relative_to(course / "submitted").parts[0]
            text = path.read_text(encoding="utf-8")
            value = (nbformat.reads(text, as_version=4).metadata.get("upload")
                     if path.suffix == ".ipynb" else text)
            tree.setdefault(student, {})[path.name] = value
    return tree


# --- Canvas: "Download Submissions" and the gradebook export as roster --------------------

CANVAS_ROSTER = [
    ["    Points Possible", "", "", "", ""],
    ["Smith, John", "1001", "S1001", "jsmith1", "A"],
    ["Smith, John", "1002", "S1002", "jsmith2", "A"],  # the same name twice
    ["García, José", "1003", "S1003", "jgarcia", "A"],
    ["O'Brien, Mary", "1004", "S1004", "mobrien", "B"],
    ["Nguyen, An", "1005", "S1005", "anguyen", "B"],
    ["Lee, Jin", "1006", "S1006", "jlee", "B"],
    ["Müller, Jürgen", "1007", "S1007", "jmuller", "A"],
    ["Kowalski, Piotr", "1008", "S1008", "pkowalski", "A"],
    ["Smith-Jones, Ann", "1009", "", "", "B"],  # no SIS ids: the Canvas id is the course id
]
CANVAS_FILES = {
    f"smithjohn_1001_5001_{NB}": notebook("jsmith1"),
    "smithjohn_1001_5001_notes.txt": "my notes",
    f"smithjohn_1002_5002_{NB}": notebook("jsmith2"),
    f"garciajose_1003_5003_{NB}": notebook("first"),
    f"garciajose_1003_5010_{EX1}-1.ipynb": notebook("second"),
    f"garciajose_1003_5011_{EX1}-2.ipynb": notebook("third"),
    f"obrienmary_LATE_1004_5004_{NB}": notebook("late"),
    "nguyenan_1005_5005_ex1_convolution (1).ipynb": notebook("renamed"),
    f"leejin_1006_5006_{NB}": "this is not a notebook",
    f"müllerjürgen_1007_5007_{NB}": notebook("accents"),
    f"smithjonesann_1009_5009_{NB}": notebook("no sis"),
    f"ghost_1999_5999_{NB}": notebook("ghost"),
    "readme.txt": "exported by Canvas",
}


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path)


def test_canvas_class(tmp_path):
    course = copy_course(tmp_path, 'c.CvCourse.due_dates = {"ex1_convolution": '
                                   '"2026-12-04 17:00:00 UTC"}')
    roster = write_csv(tmp_path / "canvas.csv",
                       ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"], CANVAS_ROSTER)
    import_roster(course, roster, say=lambda line: None)
    export = write_zip(tmp_path / "submissions.zip", CANVAS_FILES)
    problems = import_submissions(course, EX1, export, say=lambda line: None)
    assert submitted(course) == {
        "jsmith1": {NB: "jsmith1"}, "jsmith2": {NB: "jsmith2"}, "jgarcia": {NB: "third"},
        # Late by the least the mark allows: nbgrader's late penalty applies.
        "mobrien": {NB: "late", "timestamp.txt": "2026-12-04 17:00:01"},
        "anguyen": {NB: "renamed"}, "jmuller": {NB: "accents"},
        "1009": {NB: "no sis"}, "1999": {NB: "ghost"}}
    assert problems == [
        "1999 (ghost): not on the roster; graded under the LMS id",
        "submissions.zip: readme.txt: not named as canvas names submissions; ignored",
        "jsmith1: smithjohn_1001_5001_notes.txt: no notebook of ex1_convolution is called "
        "notes.txt; ignored",
        "jlee: not graded: ex1_convolution.ipynb is not a readable notebook "
        "(NotJSONError)",
        "pkowalski (Piotr Kowalski): no submission of ex1_convolution",
    ]


# --- Moodle: "Download all submissions" (files or a folder per student) ---------------------

MOODLE_ROSTER = [
    ["Participant 2001", "José García-López", "jose.garcia@uni.example", "Submitted"],
    ["Participant 2002", "Mary O'Brien", "mary.obrien@uni.example", "Submitted"],
    ["Participant 2003", "John Smith", "john.smith@uni.example", "Submitted"],
    ["Participant 2004", "John Smith", "j.smith@uni.example", "Submitted"],
    ["Participant 2005", "Anna Nowak", "anna.nowak@uni.example", "Submitted"],
    ["Participant 2006", "Li Wei", "li.wei@uni.example", "No submission"],
    ["Participant 2007", "Zoë Ödegaard", "zoe.odegaard@uni.example", "Submitted"],
    ["Participant 2008", "Ana-Maria Popescu", "ana.popescu@uni.example", "Submitted"],
    ["Participant 2009", "Seán Ó Briain", "sean.obriain@uni.example", "Submitted"],
    ["Participant 2010", "Nguyễn Văn An", "an.nguyen@uni.example", "Submitted"],
]
MOODLE_FILES = {
    f"José García-López_2001_assignsubmission_file_{NB}": notebook("jose"),
    f"Mary O'Brien_2002_assignsubmission_file_/{NB}": notebook("mary in a folder"),
    f"John Smith_2003_assignsubmission_file_{NB}": notebook("john 2003"),
    f"John Smith_2004_assignsubmission_file_/{NB}": notebook("john 2004"),
    "Anna Nowak_2005_assignsubmission_onlinetext_onlinetext.html": "<p>see file</p>",
    f"Anna Nowak_2005_assignsubmission_file_{NB}": notebook("anna"),
    f"Zoë Ödegaard_2007_assignsubmission_file_{EX1}-v2.ipynb": notebook("zoe renamed"),
    f"Zed Unknown_2999_assignsubmission_file_{NB}": notebook("unknown"),
    f"Ana-Maria Popescu_2008_assignsubmission_file_/{NB}": notebook("ana"),
    f"Seán Ó Briain_2009_assignsubmission_file_{NB}": notebook("sean"),
    f"Nguyễn Văn An_2010_assignsubmission_file_/{NB}": "{\"cells\": ",  # cut off in upload
}


def test_moodle_class(course, tmp_path):
    roster = write_csv(tmp_path / "worksheet.csv",
                       ["Identifier", "Full name", "Email address", "Status"], MOODLE_ROSTER)
    import_roster(course, roster, say=lambda line: None)
    export = tmp_path / "moodle-export"  # unpacked this time, in a folder of its own
    for name, content in MOODLE_FILES.items():
        path = export / "Exercise 1-1234" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    problems = import_submissions(course, EX1, export, say=lambda line: None)
    assert submitted(course) == {
        "jose.garcia@uni.example": {NB: "jose"},
        "mary.obrien@uni.example": {NB: "mary in a folder"},
        "john.smith@uni.example": {NB: "john 2003"}, "j.smith@uni.example": {NB: "john 2004"},
        "anna.nowak@uni.example": {NB: "anna"},
        "zoe.odegaard@uni.example": {NB: "zoe renamed"}, "2999": {NB: "unknown"},
        "ana.popescu@uni.example": {NB: "ana"}, "sean.obriain@uni.example": {NB: "sean"}}
    assert problems == [
        "moodle-export: Exercise 1-1234/Anna Nowak_2005_assignsubmission_onlinetext_"
        "onlinetext.html: not named as moodle names submissions; ignored",
        "2999 (Zed Unknown): not on the roster; graded under the LMS id",
        "an.nguyen@uni.example: not graded: ex1_convolution.ipynb is not a readable notebook "
        "(NotJSONError)",
        "li.wei@uni.example (Li Wei): no submission of ex1_convolution",
    ]


# --- Blackboard: attempts with receipts, usernames that are e-mail addresses ----------------

BLACKBOARD_ROSTER = [
    ["Kim", "Alex", "a.kim@uni.example", "B001", "a.kim@uni.example"],
    ["Lee", "Min", "mlee", "B002", "mlee@uni.example"],
    ["D'Souza", "Priya", "pdsouza", "B003", "pdsouza@uni.example"],
    ["Brown", "Sam", "sbrown", "B004", "sbrown@uni.example"],
    ["Okafor", "Chidi", "cokafor", "B005", "cokafor@uni.example"],
    ["Tanaka", "Yuki", "ytanaka", "B006", "ytanaka@uni.example"],
    ["Silva", "João", "jsilva", "B007", "jsilva@uni.example"],
    ["Haddad", "Rania", "rhaddad", "B008", "rhaddad@uni.example"],
]


def blackboard_attempt(user, time, marker):
    stem = f"Exercise 1_{user}_attempt_{time}"
    return {f"{stem}_{NB}": notebook(marker),
            f"{stem}.txt": f"Name: someone ({user})\nAssignment: Exercise 1\n"}


def test_blackboard_class(course, tmp_path):
    roster = write_csv(tmp_path / "gradecenter.csv",
                       ["Last Name", "First Name", "Username", "Student ID", "Email"],
                       BLACKBOARD_ROSTER)
    import_roster(course, roster, say=lambda line: None)
    files = {**blackboard_attempt("a.kim@uni.example", "2026-11-20-10-00-00", "alex"),
             **blackboard_attempt("mlee", "2026-11-21-09-30-00", "min newest"),
             **blackboard_attempt("mlee", "2026-11-20-09-00-00", "min older"),
             **blackboard_attempt("pdsouza", "2026-11-19-23-59-59", "priya"),
             **blackboard_attempt("visitor", "2026-11-20-12-00-00", "visitor"),
             **blackboard_attempt("cokafor", "2026-11-18-08-00-00", "chidi"),
             **blackboard_attempt("ytanaka", "2026-11-22-10-00-00", "yuki second"),
             **blackboard_attempt("ytanaka", "2026-11-22-09-59-59", "yuki first"),
             **blackboard_attempt("jsilva", "2026-11-20-14-15-16", "joao")}
    export = write_zip(tmp_path / "gradebook_export.zip", files)
    problems = import_submissions(course, EX1, export, say=lambda line: None)
    tree = submitted(course)
    assert tree == {
        "a.kim@uni.example": {NB: "alex", "timestamp.txt": "2026-11-20 10:00:00"},
        "mlee": {NB: "min newest", "timestamp.txt": "2026-11-21 09:30:00"},
        "pdsouza": {NB: "priya", "timestamp.txt": "2026-11-19 23:59:59"},
        "visitor": {NB: "visitor", "timestamp.txt": "2026-11-20 12:00:00"},
        "cokafor": {NB: "chidi", "timestamp.txt": "2026-11-18 08:00:00"},
        "ytanaka": {NB: "yuki second", "timestamp.txt": "2026-11-22 10:00:00"},
        "jsilva": {NB: "joao", "timestamp.txt": "2026-11-20 14:15:16"}}
    assert problems == ["visitor: not on the roster; graded under the LMS id",
                        "sbrown (Sam Brown): no submission of ex1_convolution",
                        "rhaddad (Rania Haddad): no submission of ex1_convolution"]


# --- detection, refusals, the roster command ------------------------------------------------

@pytest.mark.parametrize("files, preset", [
    (CANVAS_FILES, "canvas"), (MOODLE_FILES, "moodle"),
    (blackboard_attempt("mlee", "2026-11-21-09-30-00", "x"), "blackboard"),
])
def test_each_export_is_recognised(files, preset):
    assert lms.detect(list(files)) == preset


def test_an_export_of_no_known_lms_asks_which(course, tmp_path):
    export = write_zip(tmp_path / "odd.zip", {f"alice-{NB}": notebook("a")})
    with pytest.raises(SubmissionError, match=r"cannot tell which LMS exported odd.zip; pass "
                                              r"--lms folder\|canvas\|moodle\|blackboard"):
        import_submissions(course, EX1, export, say=lambda line: None)
    assert not (course / "submitted").exists()


def test_the_wrong_preset_imports_nothing_and_says_so(course, tmp_path):
    export = write_zip(tmp_path / "canvas.zip", CANVAS_FILES)
    with pytest.raises(SubmissionError, match="no submissions for ex1_convolution found in "
                                              ".*canvas.zip \\(read as moodle\\)"):
        import_submissions(course, EX1, export, say=lambda line: None, preset="moodle")


def test_without_a_roster_lms_ids_are_student_ids(course, tmp_path):
    export = write_zip(tmp_path / "s.zip", {f"smithjohn_1001_5001_{NB}": notebook("j")})
    assert import_submissions(course, EX1, export, say=lambda line: None) == []
    assert submitted(course) == {"1001": {NB: "j"}}


def test_the_roster_command_fills_nbgrader_student_table(course, tmp_path, capsys):
    roster = write_csv(tmp_path / "class.csv", ["id", "first_name", "last_name", "email",
                                                "lms_id"],
                       [["amy", "Amy", "Ng", "amy@uni.example", "501"],
                        ["ben", "Ben", "Ode", "", ""]])
    cli.main(["--root", str(course.parent), "roster", "import", str(roster)])
    assert capsys.readouterr().out == "roster: 2 students from class.csv (csv)\n"
    members = {m.id: m for m in class_list(course)}
    assert (members["amy"].name, members["amy"].email, members["amy"].lms_id) == (
        "Amy Ng", "amy@uni.example", "501")
    assert members["ben"].lms_id == ""


@pytest.mark.parametrize("text, message", [
    ("name,colour\nAmy,red\n", "is no roster export this course knows"),
    ("id,first_name,last_name,email,lms_id\namy,A,B,,1\namy,C,D,,2\n",
     "the student id 'amy' appears twice"),
    ("id,first_name,last_name,email,lms_id\n../evil,A,B,,1\n", "'../evil' cannot be a student"),
])
def test_a_bad_roster_is_refused_in_one_line(course, tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(RosterError, match=message):
        import_roster(course, path, say=lambda line: None)
    assert class_list(course) == []


def test_a_roster_in_another_encoding_is_refused(course, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("id,first_name\nzoë,Zoë\n".encode("utf-16"))
    with pytest.raises(RosterError, match="cannot read the roster"):
        import_roster(course, path, say=lambda line: None)


def test_a_huge_file_in_an_export_is_ignored(course, tmp_path, monkeypatch):
    from learntools_lite.instructor import submissions

    small = notebook("small")
    monkeypatch.setattr(submissions, "MAX_FILE_BYTES", len(small) + 100)
    export = write_zip(tmp_path / "s.zip", {f"smithjohn_1001_5001_{NB}": small,
                                            f"doejane_1002_5002_{NB}": notebook("x" * 5000)})
    problems = import_submissions(course, EX1, export, say=lambda line: None)
    assert problems == [f"1002: doejane_1002_5002_{NB}: larger than 0 MB; ignored"]
    assert submitted(course) == {"1001": {NB: "small"}}
