"""Feedback that reaches students: each student's HTML feedback, zipped for the LMS.

* ``moodle``: Moodle's "Upload multiple feedback files in a zip" matches each file to a
  student by the folder name its own download used,
  ``{Full Name}_{participantid}_assignsubmission_file_/``; the name and participant id come
  from the class list (a Moodle grading worksheet imported with ``cvcourse roster import``).
* ``folder``: one folder per student id, for any other LMS or for e-mail.

Each entry is one student's own feedback file, as nbgrader wrote it (hidden tests cleared).
"""

import zipfile
from pathlib import Path

from .roster import class_list

KINDS = ("folder", "moodle")


def package_feedback(course_dir: Path, assignment: str, files: list[Path], kind: str,
                     say=print) -> tuple[Path, list[str]]:
    """Zip ``files`` (``feedback/<student>/<assignment>/*.html``) for upload; returns the
    archive and the problems (students the LMS could not be matched to)."""
    members = {m.id: m for m in class_list(course_dir)}
    archive = course_dir / "feedback" / f"{assignment}-{kind}.zip"
    problems = []
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        for path in files:
            student = path.relative_to(course_dir / "feedback").parts[0]
            folder = student
            if kind == "moodle":
                member = members.get(student)
                if member is None or not member.lms_id:
                    problems.append(f"{student}: no Moodle participant id in the class list; "
                                    "feedback left out of the Moodle zip")
                    continue
                folder = f"{member.name or student}_{member.lms_id}_assignsubmission_file_"
            packed.write(path, f"{folder}/{path.name}")
    say(f"feedback for upload: {archive}")
    for line in problems:
        say(f"problem: {line}")
    return archive, problems
