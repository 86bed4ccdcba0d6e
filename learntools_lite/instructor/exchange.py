"""The instructor's side of nbgrader's exchange, the folder through which work moves on a
shared machine or a JupyterHub: ``cvcourse release ASSIGNMENT`` publishes there,
``cvcourse collect`` takes the learners' submissions into ``submitted/``, and ``cvcourse
feedback --release`` returns each learner's feedback. Learners fetch and submit from
JupyterLab's Assignments panel, which reads the same exchange.

Each step is nbgrader's own (``release_assignment``, ``collect``, ``release_feedback``
through its API); this module adds the checks that turn a wrong set-up into one line.
"""

from pathlib import Path

from .nbgrader_course import CourseError, api_for, load_config, require

SECRET, TIMESTAMP = "submission_secret.txt", "timestamp.txt"


def publish(course_dir: Path, assignment: str, say=print) -> Path:
    """Publish the generated release of ``assignment`` to the exchange (nbgrader's
    ``release_assignment``), replacing an earlier publication; learners who fetched it
    already keep their copy. Returns the published folder."""
    config = load_config(course_dir)
    config.ExchangeReleaseAssignment.force = True
    api = api_for(course_dir, config)
    require(api.release_assignment(assignment),
            f"publishing {assignment} to the exchange at {api.exchange_root} (it must be a "
            "folder everyone may write to; see the README)")
    published = Path(api.exchange_root) / api.course_id / "outbound" / assignment
    say(f"published {assignment} -> {published}")
    return published


def course_folder(course_dir: Path) -> Path:
    """The course's folder in the exchange; one line if nothing was ever published there."""
    api = api_for(course_dir)
    folder = Path(api.exchange_root) / api.course_id
    if not (folder / "inbound").is_dir():
        raise CourseError(f"the exchange at {api.exchange_root} has no course "
                          f"{api.course_id!r}: publish an assignment first (cvcourse release "
                          "ASSIGNMENT), with the same exchange (CVCOURSE_EXCHANGE)")
    return folder


def _timestamps(course_dir: Path, assignment: str) -> dict[str, str]:
    """Each collected student's submission time, as nbgrader recorded it."""
    return {path.parent.parent.name: path.read_text().strip()
            for path in (course_dir / "submitted").glob(f"*/{assignment}/{TIMESTAMP}")}


def collect(course_dir: Path, assignment: str, say=print) -> list[str]:
    """Take each learner's latest submission of ``assignment`` from the exchange into
    ``submitted/`` (nbgrader's ``collect``; a newer submission replaces the one collected
    before). Returns the students whose submission is new or updated."""
    course_folder(course_dir)
    api = api_for(course_dir)
    before = _timestamps(course_dir, assignment)
    require(api.collect(assignment), f"collecting {assignment}")
    after = _timestamps(course_dir, assignment)
    changed = sorted(student for student, time in after.items() if before.get(student) != time)
    for student in changed:
        say(f"collected {student}: submitted {after[student]}")
    if after:
        say(f"{len(changed)} new or updated submissions of {assignment}, {len(after)} in "
            f"{course_dir / 'submitted'}")
    else:
        say(f"no submissions of {assignment} in the exchange yet")
    return changed


def return_feedback(course_dir: Path, assignment: str, say=print) -> list[str]:
    """Release each student's generated feedback on ``assignment`` to the exchange, where
    only that student's Assignments panel finds it (nbgrader names it by a hash of the
    secret their submission carried). Returns the problems: students whose work did not
    come through the exchange (an LMS import) cannot get their feedback this way."""
    course_folder(course_dir)
    api = api_for(course_dir)
    folders = sorted({path.parent for path in
                      (course_dir / "feedback").glob(f"*/{assignment}/*.html")})
    if not folders:
        raise CourseError(f"no feedback on {assignment} to return: grade it first "
                          f"(cvcourse grade {assignment})")
    problems = []
    for folder in folders:
        student = folder.parent.name
        if not ((folder / SECRET).is_file() and (folder / TIMESTAMP).is_file()):
            problems.append(f"{student}: this submission did not come through the exchange "
                            f"(no {SECRET}); send its feedback another way, e.g. the zip")
            continue
        require(api.release_feedback(assignment, student),
                f"returning {student}'s feedback on {assignment}")
        say(f"returned feedback to {student}")
    return problems
