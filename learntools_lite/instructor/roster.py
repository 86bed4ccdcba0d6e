"""The class list: nbgrader's own student table, filled from the LMS's roster export, and
the map from each LMS's id for a student to the course's student id.

``cvcourse roster import FILE.csv`` reads, by its header, one of:

* Canvas's gradebook export: ``Student`` ("Last, First"), ``ID`` (the Canvas user id, as
  in submission file names), ``SIS User ID``, ``SIS Login ID``; the course id is the SIS
  login, else the SIS user id, else the Canvas id. Its "Points Possible" row is skipped.
* Moodle's grading worksheet: ``Identifier`` ("Participant 1234567", the number in
  submission file names), ``Full name``, ``Email address``; the course id is the e-mail.
* Blackboard's Grade Center export: ``Last Name``, ``First Name``, ``Username`` (as in
  submission file names), ``Email``; the course id is the username.
* the course's own: ``id``, ``first_name``, ``last_name``, ``email``, ``lms_id``.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from .database import prepared_api
from .nbgrader_course import CourseError, api_for

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


class RosterError(CourseError):
    """The roster file cannot be read (one-line message)."""


@dataclass(frozen=True)
class Member:
    """One student of the class."""

    id: str  # the course's (nbgrader's) student id
    first_name: str
    last_name: str
    email: str
    lms_id: str  # the LMS's id for them, as submission exports name it

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def _first(row: dict, *columns: str) -> str:
    return next((row[c].strip() for c in columns if (row.get(c) or "").strip()), "")


def _split_sortable(name: str) -> tuple[str, str]:
    """"Last, First" -> (first, last); a name without a comma is all first name."""
    last, comma, first = name.partition(",")
    return (first.strip(), last.strip()) if comma else (name.strip(), "")


def _canvas(row: dict) -> Member | None:
    if not row.get("ID", "").strip().isdigit():  # "Points Possible" and blank rows
        return None
    first, last = _split_sortable(row.get("Student", ""))
    lms_id = row["ID"].strip()
    return Member(_first(row, "SIS Login ID", "SIS User ID") or lms_id, first, last,
                  _first(row, "Email"), lms_id)


def _moodle(row: dict) -> Member | None:
    number = re.search(r"\d+", row.get("Identifier", ""))
    if number is None:
        return None
    first, _, last = row.get("Full name", "").strip().partition(" ")
    email = _first(row, "Email address")
    return Member(email or f"participant-{number.group()}", first, last, email, number.group())


def _blackboard(row: dict) -> Member | None:
    username = _first(row, "Username")
    if not username:
        return None
    return Member(username, _first(row, "First Name"), _first(row, "Last Name"),
                  _first(row, "Email"), username)


def _ours(row: dict) -> Member | None:
    student = _first(row, "id")
    if not student:
        return None
    return Member(student, _first(row, "first_name"), _first(row, "last_name"),
                  _first(row, "email"), _first(row, "lms_id"))


# preset -> (columns that identify it, how to read a row)
FORMATS = {
    "canvas": ({"Student", "ID", "SIS Login ID"}, _canvas),
    "moodle": ({"Identifier", "Full name"}, _moodle),
    "blackboard": ({"Last Name", "First Name", "Username"}, _blackboard),
    "csv": ({"id", "lms_id"}, _ours),
}


def read_roster(path: Path) -> tuple[str, list[Member]]:
    """The roster's format and its members; raises :class:`RosterError` for a file that is
    unreadable, of no known format, or with a repeated or invalid student id."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = set(rows[0]) if rows else set()
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"cannot read the roster {path} ({error})") from None
    kind = next((name for name, (columns, _) in FORMATS.items() if columns <= header), None)
    if kind is None:
        raise RosterError(f"{path} is no roster export this course knows (Canvas gradebook, "
                          "Moodle grading worksheet, Blackboard Grade Center, or columns "
                          "id,first_name,last_name,email,lms_id)")
    members = [m for m in map(FORMATS[kind][1], rows) if m is not None]
    seen = set()
    for member in members:
        if not STUDENT_ID.match(member.id):
            raise RosterError(f"{path}: {member.id!r} cannot be a student id")
        if member.id in seen:
            raise RosterError(f"{path}: the student id {member.id!r} appears twice")
        seen.add(member.id)
    return kind, members


def import_roster(course_dir: Path, path: Path, say=print) -> list[Member]:
    """Add or update every member of the roster in nbgrader's student table."""
    kind, members = read_roster(path)
    api = prepared_api(course_dir)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for m in members:
            gradebook.update_or_create_student(m.id, first_name=m.first_name,
                                               last_name=m.last_name, email=m.email or None,
                                               lms_user_id=m.lms_id or None)
    say(f"roster: {len(members)} students from {path.name} ({kind})")
    return members


def class_list(course_dir: Path) -> list[Member]:
    """The students in nbgrader's student table (empty before a roster is imported)."""
    api = api_for(course_dir)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        return [Member(s.id, s.first_name or "", s.last_name or "", s.email or "",
                       s.lms_user_id or "") for s in gradebook.students]
