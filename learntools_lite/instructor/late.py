"""Due dates and late work: when each assignment is due, and nbgrader's penalty for lateness.

Due dates live in the course config, ``c.CvCourse.due_dates = {"ex1_convolution":
"2026-12-04 17:00:00 Europe/London"}`` (nbgrader's own timestamp format); ``cvcourse grade``
writes each into nbgrader's gradebook, where nbgrader compares it with each submission's
``timestamp.txt`` (taken from the LMS export). nbgrader's ``AssignLatePenalties`` then asks
the plugin below for each late notebook's penalty.
"""

import math
from datetime import datetime
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.utils import parse_utc
from traitlets import Float

from .nbgrader_course import CourseError, load_config

DAY_SECONDS = 24 * 60 * 60


class PenaltyPerDay(LateSubmissionPlugin):
    """Takes ``fraction_per_day`` of the points earned for every started day of lateness,
    so a notebook ``1 / fraction_per_day`` days late or more earns nothing."""

    fraction_per_day = Float(0.1, help="share of the earned points lost per started day "
                                       "late").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float | None:
        if total_seconds_late <= 0:
            return None
        days = math.ceil(total_seconds_late / DAY_SECONDS)
        return score * min(1.0, days * self.fraction_per_day)


def due_date(course_dir: Path, assignment: str) -> datetime | None:
    """The assignment's due date (UTC) from the course config, or None if it has none."""
    dates = load_config(course_dir).CvCourse.get("due_dates", {})
    text = dates.get(assignment) if isinstance(dates, dict) else None
    if text is None:
        return None
    try:
        return parse_utc(text)
    except (ValueError, OverflowError):
        raise CourseError(f"the due date of {assignment} in the course config ({text!r}) is "
                          "not a date nbgrader can read, e.g. '2026-12-04 17:00:00 UTC'") from None
