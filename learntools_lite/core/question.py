"""The learner's handle on a question: ``q_1.check()``, ``q_1.hint()``, ``q_1.solution()``."""

import os

from IPython.display import display

from . import wire
from .binding import Binder, NotBoundError, binder
from .feedback import Feedback, for_outcome
from .i18n import _, solution_text
from .outcome import Outcome, checker_error, not_attempted

# Instructors turn solutions off for graded runs with this environment variable.
SOLUTIONS_SWITCH = "LEARNTOOLS_SOLUTIONS"
# nbgrader sets this while its Validate button (or `nbgrader validate`) runs a notebook.
VALIDATING = ("NBGRADER_EXECUTION", "validate")


class CheckFailed(AssertionError):
    """Raised by ``assert_check_passed``: shows the feedback text, not a traceback, so a
    failing autograder test reads like the learner's own check (and reveals no test code)."""

    def _render_traceback_(self):
        return str(self).splitlines()


def solutions_enabled() -> bool:
    return os.environ.get(SOLUTIONS_SWITCH, "on").strip().lower() not in {"off", "0", "false", "no"}


class Question:
    """One numbered question of an exercise, reading its answer through a binder."""

    def __init__(self, number: int, problem, namespace_binder: Binder = binder):
        self.number = number
        self.problem = problem
        self._binder = namespace_binder
        self.hints_viewed = 0
        self.solution_viewed = False

    @property
    def name(self) -> str:
        return f"q_{self.number}"

    def evaluate(self) -> Outcome:
        """The outcome of checking now. Never raises: faults in the checker are contained."""
        try:
            return self.problem.evaluate(self._binder.namespace)
        except NotBoundError as error:
            return not_attempted(str(error))
        except Exception as error:
            return checker_error(error)

    def check(self) -> None:
        """Show whether the current answer is correct, and if not, what is wrong; for a
        question with a written part, then show the model answer to compare with."""
        if self.problem.is_thought:
            self.solution()
            return
        outcome = self.evaluate()
        if not outcome.passed and os.environ.get(VALIDATING[0]) == VALIDATING[1]:
            # nbgrader's validator counts a test cell as failed only when it raises. Its
            # verdict is a convenience for the learner; grades come from the judge.
            raise CheckFailed(str(for_outcome(outcome)))
        display(for_outcome(outcome))
        if outcome.passed and self.problem.written:
            if solutions_enabled():
                display(Feedback(_("Now compare your written answer with ours"),
                                 _(self.problem.written), "Solution"))
            else:
                display(Feedback(_("Written answer"),
                                 _("Your written answer is graded by hand."), "Note"))

    def hint(self, n: int = 1) -> None:
        """Show hint number ``n`` (counting from 1)."""
        hints = self.problem.hints
        if not hints:
            display(Feedback(_("Hint"), _("This question has no hints."), "Note"))
            return
        if not isinstance(n, int) or not 1 <= n <= len(hints):
            which = (_("This question has one hint: ask for `{name}.hint(1)`.") if len(hints) == 1
                     else _("This question has {count} hints: ask for `{name}.hint(1)` to "
                            "`{name}.hint({count})`."))
            display(Feedback(_("Hint"), which.format(name=self.name, count=len(hints)), "Note"))
            return
        self.hints_viewed = max(self.hints_viewed, n)
        title = (_("Hint") if len(hints) == 1
                 else _("Hint {n} of {count}").format(n=n, count=len(hints)))
        display(Feedback(title, _(hints[n - 1]), "Hint"))

    def solution(self) -> None:
        """Show the solution, unless the instructor has switched solutions off."""
        if not solutions_enabled():
            display(Feedback(_("Solution"), _("Solutions are disabled for this assignment."),
                             "Note"))
            return
        self.solution_viewed = True
        display(Feedback(_("Solution"), solution_text(self.problem.solution), "Solution"))

    def record_for_grading(self, namespace: dict) -> None:
        """Show this question's captured values as one display output, for the grader's
        judge to decide on outside this kernel; it decides nothing here. The hidden test of
        each graded question calls it with the notebook's ``globals()``."""
        try:
            data = {**wire.encode(self.problem.capture(namespace)), "question": self.name}
        except Exception as error:  # recorded as a fault; the judge scores it 0 and says why
            data = {"format": wire.FORMAT, "question": self.name,
                    "fault": f"{type(error).__name__}: {error}"[:wire.MAX_TEXT]}
        display({wire.MIME_TYPE: data, "text/plain": f"{self.name}: answer recorded"}, raw=True)

    def assert_check_passed(self) -> None:
        """Raise ``AssertionError`` with the feedback text unless the check passes."""
        outcome = self.evaluate()
        if not outcome.passed:
            raise CheckFailed(str(for_outcome(outcome)))

    def assert_check_failed(self) -> None:
        """Raise ``AssertionError`` if the check passes (used to test wrong answers)."""
        outcome = self.evaluate()
        if outcome.passed:
            raise AssertionError(f"{self.name}: expected the check to fail, but it passed.")

    def __repr__(self) -> str:
        return (f"Question {self.number}: run {self.name}.check(), {self.name}.hint() "
                f"or {self.name}.solution()")
