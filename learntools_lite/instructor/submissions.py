"""Bringing students' submissions into the course's ``submitted/`` folder.

A submission source is a folder laid out ``STUDENT/ASSIGNMENT/*`` (the ``folder`` preset), or
an LMS export, zipped or unpacked, named as Canvas, Moodle or Blackboard name their files
(``lms.py``; detected when only one fits). LMS ids are mapped to the course's student ids
through the roster (``roster.py``). Every file that matches nothing, every unreadable
notebook, every id not on the roster and every roster student without a submission is a
problem line; nothing is dropped silently. The originals are only read, never changed.
"""

import shutil
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import nbformat

from . import lms
from .late import due_date
from .nbgrader_course import CourseError
from .roster import STUDENT_ID, class_list

PRESETS = ("folder", *lms.PRESETS)
MAX_FILE_BYTES = 64 * 2**20  # a course notebook is well under 1 MB; refuse anything huge
IGNORED = ("__MACOSX/", ".DS_Store", "Thumbs.db")


class SubmissionError(CourseError):
    """The submissions as a whole cannot be imported (one-line message)."""


def unreadable_reason(path: Path) -> str | None:
    """Why a submitted notebook cannot be graded, or None if it can be read."""
    try:
        nbformat.read(str(path), as_version=4)
    except Exception as error:  # JSON errors, schema errors, bad encodings alike
        return f"{path.name} is not a readable notebook ({type(error).__name__})"
    return None


def check_archive(archive: Path) -> None:
    """Refuse an archive that is not a zip or that would write outside its folder."""
    if not zipfile.is_zipfile(archive):
        raise SubmissionError(f"{archive} is not a zip archive")
    with zipfile.ZipFile(archive) as opened:
        for name in opened.namelist():
            parts = Path(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise SubmissionError(f"{archive} holds an unsafe path ({name!r}); "
                                      "nothing was imported")


class Export:
    """The files of a submission source (zip or folder): relative paths and their bytes."""

    def __init__(self, source: Path):
        self.source = source
        if source.is_dir():
            self.zip = None
            self.paths = sorted(str(p.relative_to(source)).replace("\\", "/")
                                for p in source.rglob("*") if p.is_file())
        elif source.is_file():
            check_archive(source)
            self.zip = zipfile.ZipFile(source)
            self.paths = sorted(i.filename.replace("\\", "/") for i in self.zip.infolist()
                                if not i.is_dir())
        else:
            raise SubmissionError(f"no submissions folder or archive at {source}")
        self.paths = [p for p in self.paths if not any(i in p for i in IGNORED)
                      and not p.rsplit("/", 1)[-1].startswith(".")]

    def size(self, path: str) -> int:
        if self.zip is None:
            return (self.source / path).stat().st_size
        return self.zip.getinfo(path).file_size

    def read(self, path: str) -> bytes:
        if self.zip is None:
            return (self.source / path).read_bytes()
        return self.zip.read(path)


@dataclass(frozen=True)
class Chosen:
    """The file that stands for one student's notebook, and why it won."""

    path: str
    upload: lms.Upload


def _folder_upload(path: str, assignment: str) -> lms.Upload | None:
    parts = path.split("/")
    if len(parts) < 3 or parts[1] != assignment:
        return None
    return lms.Upload(parts[0], "", "/".join(parts[2:]), (0,))


def _notebook_for(filename: str, notebooks: list[str]) -> str | None:
    """The course notebook a submitted file stands for: its own name, or the assignment's
    only notebook whatever the student renamed it to ("ex1 (1).ipynb")."""
    if filename in notebooks:
        return filename
    if filename.endswith(".ipynb") and "/" not in filename and len(notebooks) == 1:
        return notebooks[0]
    return None


class _Roster:
    """LMS id -> course student id, by the class list (LMS ids as ids when there is none)."""

    def __init__(self, course_dir: Path):
        self.members = class_list(course_dir)
        self.by_lms = {m.lms_id: m for m in self.members if m.lms_id}
        self.ids = {m.id for m in self.members}

    def student(self, upload: lms.Upload, preset: str) -> tuple[str, str]:
        """(course id, problem or "") for the student who sent ``upload``."""
        if upload.lms_id in self.by_lms and preset != "folder":
            return self.by_lms[upload.lms_id].id, ""
        if not self.members or upload.lms_id in self.ids:
            return upload.lms_id, ""
        who = f" ({upload.name})" if upload.name else ""
        return upload.lms_id, (f"{upload.lms_id}{who}: not on the roster; graded under the "
                               "LMS id")


def import_submissions(course_dir: Path, assignment: str, source: Path, say,
                       preset: str | None = None) -> list[str]:
    """Copy each student's newest upload of each notebook of ``assignment`` from ``source``
    into ``submitted/``; returns the problems found (one line each)."""
    notebooks = sorted(p.name for p in (course_dir / "source" / assignment).glob("*.ipynb"))
    export = Export(source)
    if not export.paths:
        raise SubmissionError(f"no submissions in {source} (expected {source}/STUDENT/"
                              f"{assignment}/*.ipynb or an LMS export)")
    if preset is None:
        folder_like = [p for p in export.paths if _folder_upload(p, assignment)]
        preset = "folder" if folder_like else lms.detect(export.paths)
    if preset is None:
        raise SubmissionError(f"cannot tell which LMS exported {source.name}; pass --lms "
                              f"{'|'.join(PRESETS)}")
    roster = _Roster(course_dir)
    problems, chosen, extras = [], {}, {}
    for path in export.paths:
        upload = (_folder_upload(path, assignment) if preset == "folder"
                  else lms.read_name(path, preset))
        if upload is None:
            problems.append(f"{source.name}: {path}: not named as {preset} names submissions; "
                            "ignored")
            continue
        if upload.receipt:
            continue
        student, problem = roster.student(upload, preset)
        if not STUDENT_ID.match(student):
            problems.append(f"{path}: {student!r} cannot be a student id; ignored")
            continue
        if problem and problem not in problems:
            problems.append(problem)
        notebook = _notebook_for(upload.filename, notebooks)
        if notebook is None:
            if preset == "folder":  # the rest of a student's folder: data files and such
                extras.setdefault(student, []).append((path, upload.filename))
            else:
                problems.append(f"{student}: {path}: no notebook of {assignment} is called "
                                f"{upload.filename}; ignored")
            continue
        if export.size(path) > MAX_FILE_BYTES:
            problems.append(f"{student}: {path}: larger than {MAX_FILE_BYTES // 2**20} MB; "
                            "ignored")
            continue
        earlier = chosen.get((student, notebook))
        if earlier is None or upload.newer > earlier.upload.newer:
            chosen[(student, notebook)] = Chosen(path, upload)
    if not chosen:
        raise SubmissionError(f"no submissions for {assignment} found in {source} "
                              f"(read as {preset})")
    students = sorted({student for student, _ in chosen})
    # Canvas marks late work but does not say when it came: it counts as late by one second,
    # the least lateness the mark allows (nbgrader's penalty then applies).
    due = due_date(course_dir, assignment)
    late_mark = None if due is None else (due + timedelta(seconds=1)).replace(tzinfo=None)
    if due is None and any(c.upload.late for c in chosen.values()):
        problems.append(f"{source.name}: some work is marked late, but the course config "
                        f"gives {assignment} no due date; no late penalty applies")
    for student in students:
        target = course_dir / "submitted" / student / assignment
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        files = [(c.path, n) for (s, n), c in chosen.items() if s == student]
        for path, name in files + extras.get(student, []):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(export.read(path))
        stamps = [c.upload.timestamp or (late_mark if c.upload.late else None)
                  for (s, _), c in chosen.items() if s == student]
        stamps = [stamp for stamp in stamps if stamp]
        if stamps:  # nbgrader's own timestamp file, read for late penalties
            (target / "timestamp.txt").write_text(max(stamps).isoformat(" "))
        reasons = [r for r in (unreadable_reason(target / n) for _, n in files) if r]
        if reasons:
            shutil.rmtree(target)
            problems.append(f"{student}: not graded: {'; '.join(reasons)}")
    for student in sorted(set(extras) - set(students)):
        problems.append(f"{student}: not graded: no notebook found")
    for member in roster.members:
        if member.id not in students:
            who = f" ({member.name})" if member.name else ""
            problems.append(f"{member.id}{who}: no submission of {assignment}")
    for line in problems:
        say(line)
    return problems
