"""How learning management systems name the files of a submissions export.

Each preset reads one LMS's own naming and says, for a file of the export, which student
(by the LMS's id for them) sent which file, and what makes a later upload win:

* Canvas, "Download Submissions": ``{sortablename}_{userid}_{submissionid}_{filename}``, or
  ``{sortablename}_LATE_{userid}_...`` for late work; a re-upload is renamed
  ``{stem}-1.ipynb``, ``{stem}-2.ipynb``, ... and the highest number is the newest.
* Moodle, "Download all submissions": ``{Full Name}_{participantid}_assignsubmission_file_``
  followed by ``{filename}``, or by ``/{filename}`` when each student has a folder.
* Blackboard, "Download assignment": ``{Assignment}_{username}_attempt_{YYYY-MM-DD-HH-MM-SS}``
  followed by ``_{filename}``, with a ``.txt`` receipt per attempt; the newest attempt wins.

nbgrader's ``zip_collect`` is not used for this: it cannot order Canvas re-uploads (their
names carry no timestamp), stops on a duplicate without one, and only logs the files it
skips, where every unmatched file must be reported to the instructor.
"""

import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Upload:
    """One file of an export, as the LMS named it."""

    lms_id: str  # the LMS's id for the student
    name: str  # the student's name as the export shows it ("" if it shows none)
    filename: str  # the file's own name, as the student uploaded it (re-upload mark removed)
    newer: tuple  # sorts later for a later upload of the same file
    late: bool = False  # the LMS marked it late
    timestamp: datetime | None = None  # when it was submitted, if the export says
    receipt: bool = False  # an LMS receipt, not a student's file


CANVAS = re.compile(r"^(?P<name>[^_/]*?)(?P<late>_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_"
                    r"(?P<file>[^/]+)$")
CANVAS_REUPLOAD = re.compile(r"^(?P<stem>.+)-(?P<number>\d+)(?P<suffix>\.[A-Za-z0-9]+)$")
MOODLE = re.compile(r"^(?P<name>[^/]+)_(?P<user>\d+)_assignsubmission_file_/?(?P<file>[^/]+)$")
BLACKBOARD = re.compile(r"^(?P<assignment>[^/]+)_(?P<user>[^_/]+)_attempt_"
                        r"(?P<time>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<file>[^/]+))?$")


def _canvas(path: str) -> Upload | None:
    match = CANVAS.match(path.rsplit("/", 1)[-1])
    if match is None:
        return None
    filename, number = match["file"], 0
    reupload = CANVAS_REUPLOAD.match(filename)
    if reupload:
        filename, number = reupload["stem"] + reupload["suffix"], int(reupload["number"])
    return Upload(match["user"], match["name"], filename,
                  (number, int(match["submission"])), late=bool(match["late"]))


def _moodle(path: str) -> Upload | None:
    # The export may sit in a folder of its own: the student's part is the last two levels.
    match = MOODLE.match("/".join(path.split("/")[-2:])) or MOODLE.match(path.split("/")[-1])
    if match is None:
        return None
    return Upload(match["user"], match["name"], match["file"], (0,))


def _blackboard(path: str) -> Upload | None:
    base = path.rsplit("/", 1)[-1]
    stem = base[:-4] if base.endswith(".txt") else base
    match = BLACKBOARD.match(stem)
    if match is None:
        return None
    time = datetime.strptime(match["time"], "%Y-%m-%d-%H-%M-%S")
    if match["file"] is None:  # the attempt's receipt
        return Upload(match["user"], "", base, (time,), timestamp=time, receipt=True)
    return Upload(match["user"], "", match["file"], (time,), timestamp=time)


PRESETS = {"canvas": _canvas, "moodle": _moodle, "blackboard": _blackboard}


def read_name(path: str, preset: str) -> Upload | None:
    """What ``preset``'s naming says of the file at ``path`` (relative to the export), or
    None when the name does not follow it."""
    return PRESETS[preset](path)


def detect(paths: list[str]) -> str | None:
    """The one preset that reads every notebook of the export, or None when none does or
    more than one does."""
    notebooks = [p for p in paths if p.endswith(".ipynb")]
    fitting = [name for name, parse in PRESETS.items()
               if notebooks and all(parse(p) is not None for p in notebooks)]
    return fitting[0] if len(fitting) == 1 else None
