"""Bringing students' submissions into the course's ``submitted/`` folder.

The originals are only read, never changed: files are copied (folders) or collected by
nbgrader's ``zip_collect`` from a copy of the archive (LMS zips).
"""

import re
import shutil
import zipfile
from pathlib import Path

import nbformat
from nbgrader.apps import ZipCollectApp

from .nbgrader_course import CourseError, load_config

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class SubmissionError(CourseError):
    """The submissions as a whole cannot be imported (one-line message)."""


def unreadable_reason(path: Path) -> str | None:
    """Why a submitted notebook cannot be graded, or None if it can be read."""
    try:
        nbformat.read(str(path), as_version=4)
    except Exception as error:  # JSON errors, schema errors, bad encodings alike
        return f"{path.name} is not a readable notebook ({type(error).__name__})"
    return None


def import_folder(course_dir: Path, assignment: str, folder: Path, say) -> list[str]:
    """Copy ``folder/STUDENT/ASSIGNMENT/*.ipynb`` into ``submitted/``; returns the problems
    found (one line each). Students whose notebooks are unreadable are left out."""
    if not folder.is_dir():
        raise SubmissionError(f"no submissions folder at {folder}")
    students = sorted(p for p in folder.iterdir() if (p / assignment).is_dir())
    if not students:
        raise SubmissionError(f"no submissions in {folder} (expected {folder}/STUDENT/"
                              f"{assignment}/*.ipynb)")
    problems = []
    for student in students:
        notebooks = sorted((student / assignment).glob("*.ipynb"))
        reasons = [r for r in map(unreadable_reason, notebooks) if r]
        if not STUDENT_ID.match(student.name):
            reasons.append("the folder name is not a valid student id")
        if not notebooks:
            reasons.append("no notebook found")
        if reasons:
            problems.append(f"{student.name}: not graded: {'; '.join(reasons)}")
            continue
        target = course_dir / "submitted" / student.name / assignment
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(student / assignment, target,
                        ignore=shutil.ignore_patterns(".*", "__pycache__"))
    for line in problems:
        say(line)
    return problems


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


def lms_pattern(notebooks: list[str]) -> str:
    """File names as LMSs export them: ``<student>_<anything>_<notebook>.ipynb``."""
    names = "|".join(re.escape(name) for name in notebooks)
    return rf".*/(?P<student_id>[A-Za-z0-9.-]+)_(?:[^/]*_)?(?P<file_id>{names})$"


def import_zip(course_dir: Path, assignment: str, archive: Path, say) -> list[str]:
    """Collect an LMS zip with nbgrader's zip_collect; returns the problems found."""
    check_archive(archive)
    notebooks = [p.name for p in (course_dir / "source" / assignment).glob("*.ipynb")]
    downloaded = course_dir / "downloaded" / assignment
    shutil.rmtree(downloaded, ignore_errors=True)
    (downloaded / "archive").mkdir(parents=True)
    shutil.copy2(archive, downloaded / "archive" / archive.name)
    config = load_config(course_dir)
    config.FileNameCollectorPlugin.named_regexp = lms_pattern(notebooks)
    config.ZipCollectApp.force = True
    app = ZipCollectApp(config=config)
    app.initialize([assignment])
    app.start()
    submitted = course_dir / "submitted"
    if not any(submitted.glob(f"*/{assignment}/*.ipynb")):
        raise SubmissionError(f"no submissions for {assignment} found in {archive} "
                              f"(expected files named STUDENT_..._{notebooks[0]})")
    problems = []
    for student in sorted(submitted.iterdir()):
        for notebook in (student / assignment).glob("*.ipynb"):
            reason = unreadable_reason(notebook)
            if reason:
                shutil.rmtree(student / assignment)
                problems.append(f"{student.name}: not graded: {reason}")
                break
    for line in problems:
        say(line)
    return problems
