"""What a check concluded, independent of how it is shown."""

from dataclasses import dataclass
from enum import Enum

from .i18n import N_, _


class Status(Enum):
    """The kinds of result a check can have."""

    CORRECT = N_("Correct")
    INCORRECT = N_("Incorrect")
    NOT_ATTEMPTED = N_("Not attempted yet")
    LEARNER_ERROR = N_("Your code raised an error")
    CHECKER_ERROR = N_("Checker problem")
    THOUGHT = N_("Thought question")

    @property
    def title(self) -> str:
        """The status as the learner reads it, in the current language."""
        return _(self.value)


@dataclass(frozen=True)
class Outcome:
    """A status plus the message for the learner (Markdown, may be empty), and the id of
    the recognised mistake behind it, if any (for the instructor's misconception record)."""

    status: Status
    message: str = ""
    mistake: str = ""

    @property
    def passed(self) -> bool:
        """Only a correct answer passes; every other status fails an assertion."""
        return self.status is Status.CORRECT


def correct(message: str = "") -> Outcome:
    return Outcome(Status.CORRECT, message)


def incorrect(message: str, mistake: str = "") -> Outcome:
    return Outcome(Status.INCORRECT, message, mistake)


def not_attempted(message: str) -> Outcome:
    return Outcome(Status.NOT_ATTEMPTED, message)


def learner_error(message: str, mistake: str = "") -> Outcome:
    return Outcome(Status.LEARNER_ERROR, message, mistake)


def checker_error(error: BaseException) -> Outcome:
    """Contain an unexpected exception from our own code: a short line, no traceback."""
    return Outcome(
        Status.CHECKER_ERROR,
        _("The check itself failed with `{error}`.\n\nThis is a problem in the checker, not "
          "necessarily in your answer. Re-run the set-up cell and your answer; if it happens "
          "again, tell your instructor.").format(error=f"{type(error).__name__}: {error}"),
    )
