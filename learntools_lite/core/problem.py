"""Question definitions as data, and how an answer is judged against them.

A :class:`CodingProblem` names the learner's variables, how the expected value is computed
(optionally from the learner's own inputs), the tolerance, hints, solution and the
recognised mistakes. A :class:`ThoughtProblem` has hints and a solution only.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .blank import BlankError
from .capture import (
    LAST_ERROR,
    FunctionCalls,
    FunctionRecord,
    RaisedError,
    Unreadable,
    capture_variable,
    last_error,
)
from .outcome import Outcome, Status, correct, incorrect, learner_error, not_attempted
from .values import Verdict, call_with, numeric_array

MISTAKE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Mistake:
    """A wrong answer learners really write.

    ``id`` names the mistake for good (lower-case words joined by hyphens, unique within its
    question): the instructor's misconception record counts students by it. ``when`` is a
    predicate and ``message`` a Markdown string or a function; both receive, by parameter
    name, any of: ``answer`` (the single answer variable), each variable and input by its
    own name, and ``expected``. For ``CodingProblem.errors`` they receive ``error``, the
    exception raised by the learner's last failing cell.
    """

    id: str
    when: Callable[..., bool]
    message: str | Callable[..., str]

    def __post_init__(self):
        if not isinstance(self.id, str) or not MISTAKE_ID.match(self.id):
            raise ValueError(f"mistake id {self.id!r} is not lower-case words joined by '-'")
        if not callable(self.when):
            raise TypeError(f"mistake {self.id!r}: 'when' must be a function")

    def matches(self, context: dict) -> bool:
        return bool(call_with(self.when, context))

    def describe(self, context: dict) -> str:
        return call_with(self.message, context) if callable(self.message) else self.message


@dataclass(frozen=True)
class Tolerance:
    """How close an array answer must be to the expected one (as in ``numpy.allclose``)."""

    atol: float = 1e-5
    rtol: float = 1e-5

    def close(self, answer: np.ndarray, expected: np.ndarray) -> bool:
        return answer.shape == expected.shape and np.allclose(
            answer, expected, atol=self.atol, rtol=self.rtol
        )

    def __str__(self) -> str:
        return f"absolute {self.atol:g} plus relative {self.rtol:g}"


def describe_difference(name: str, answer: np.ndarray, expected: np.ndarray, tolerance) -> str:
    """The fallback message when no recognised mistake explains a wrong array."""
    if answer.shape != expected.shape:
        return (
            f"`{name}` has shape `{answer.shape}`, but the expected result has shape "
            f"`{expected.shape}`."
        )
    difference = np.abs(answer - expected)
    where = tuple(int(i) for i in np.unravel_index(np.argmax(difference), difference.shape))
    return (
        f"`{name}` has the right shape `{answer.shape}` but different values: the largest "
        f"difference is {difference.max():.4g} at index `{where}` (allowed: {tolerance})."
    )


@dataclass(frozen=True)
class CodingProblem:
    """A question answered by defining variables in the notebook."""

    variables: tuple[str, ...]
    expected: Callable[..., Any] | None = None  # None: correct when no mistake matches
    inputs: tuple[str, ...] = ()  # learner variables the expected value is computed from
    # Turns a raw variable into an answer where it lives: a reader giving a numeric array
    # (raising a Verdict when it cannot), or FunctionCalls for a function to call.
    read: Callable[[Any, str], Any] = numeric_array
    tolerance: Tolerance = Tolerance()
    hints: tuple[str, ...] = ()
    solution: str = ""
    mistakes: tuple[Mistake, ...] = ()
    errors: tuple[Mistake, ...] = ()  # recognised exceptions when a variable is missing
    needs: tuple["CodingProblem", ...] = ()  # earlier problems whose answers this one uses
    # The model answer of a written part beside the code, graded by hand; the learner sees
    # it once the code is correct. Empty: the question is code only.
    written: str = ""

    is_thought = False

    def __post_init__(self):
        for group in (self.mistakes, self.errors):
            ids = [mistake.id for mistake in group]
            if len(set(ids)) != len(ids):
                raise ValueError(f"mistake ids repeat within a question: {sorted(ids)}")

    def capture(self, namespace: dict) -> dict:
        """The learner's values as plain data (see ``core.capture``): runs where they live."""
        values = {}
        for problem in self.needs:
            values.update(problem.capture(namespace))
        for name in self.inputs:
            values[name] = capture_variable(namespace, name, numeric_array)
        for name in self.variables:
            values[name] = capture_variable(namespace, name, self.read)
        if self.errors and any(isinstance(v, Unreadable) and v.missing for v in values.values()):
            error = last_error()
            if error is not None:
                values[LAST_ERROR] = error
        return values

    def evaluate(self, namespace: dict) -> Outcome:
        """Capture the answer in ``namespace`` and judge it (both halves, here)."""
        return self.judge(self.capture(namespace))

    def judge(self, values: dict) -> Outcome:
        """The verdict on captured ``values``. Raises only on a fault in the checker itself."""
        for earlier in self.needs:
            outcome = earlier.judge(values)
            if not outcome.passed:
                return self._blocked_by(earlier, outcome)
        try:
            context = self._read_context(values)
            return self._judge(context)
        except Verdict as verdict:
            return verdict.outcome
        except BlankError as error:
            return not_attempted(str(error))

    def _blocked_by(self, earlier: "CodingProblem", outcome: Outcome) -> Outcome:
        names = ", ".join(f"`{name}`" for name in earlier.variables)
        message = f"This question uses your {names}, which is not ready yet: {outcome.message}"
        if outcome.status is Status.NOT_ATTEMPTED:
            return not_attempted(message)
        return Outcome(outcome.status, message)

    def _accept(self, values: dict, name: str, as_function: bool):
        """A captured value, checked again on this side (it may have crossed a wire)."""
        if name not in values:
            raise Verdict(not_attempted(f"`{name}` was not recorded. Run the notebook from "
                                        "the top, then check again."))
        value = values[name]
        if isinstance(value, Unreadable):
            if value.outcome.passed:  # only a reason for failing may stand here
                raise Verdict(incorrect(f"`{name}` could not be read."))
            raise Verdict(self._explain_missing(value.outcome, values) if value.missing
                          else value.outcome)
        if as_function != isinstance(value, FunctionRecord):
            kind = "a function" if as_function else "an array of numbers"
            raise Verdict(incorrect(f"`{name}` should be {kind}."))
        return value if as_function else numeric_array(value, name)

    def _read_context(self, values: dict) -> dict:
        function = isinstance(self.read, FunctionCalls)
        context = {name: self._accept(values, name, False) for name in self.inputs}
        for name in self.variables:
            context[name] = self._accept(values, name, function)
        if len(self.variables) == 1:
            context["answer"] = context[self.variables[0]]
        return context

    def _explain_missing(self, outcome: Outcome, values: dict) -> Outcome:
        error = values.get(LAST_ERROR)
        if not isinstance(error, RaisedError):
            return outcome
        context = {"error": error.as_exception()}
        for mistake in self.errors:
            if mistake.matches(context):
                return learner_error(
                    f"{outcome.message}\n\nYour last run raised `{error.type_name}`. "
                    + mistake.describe(context), mistake.id)
        return outcome

    def _judge(self, context: dict) -> Outcome:
        if self.expected is not None:
            expected = call_with(self.expected, context)
            expected = {
                name: np.asarray(value, dtype=np.float64)
                for name, value in self._by_name(expected).items()
            }
            context["expected"] = expected[self.variables[0]] if len(expected) == 1 else expected
            if all(self.tolerance.close(context[n], expected[n]) for n in self.variables):
                return correct()
        for mistake in self.mistakes:
            if mistake.matches(context):
                return incorrect(mistake.describe(context), mistake.id)
        if self.expected is None:
            return correct()
        wrong = next(n for n in self.variables
                     if not self.tolerance.close(context[n], expected[n]))
        return incorrect(
            describe_difference(wrong, context[wrong], expected[wrong], self.tolerance)
        )

    def _by_name(self, expected) -> dict:
        if len(self.variables) == 1:
            return {self.variables[0]: expected}
        return dict(expected)


@dataclass(frozen=True)
class ThoughtProblem:
    """A question to think about: hints and a solution, nothing to check."""

    solution: str
    hints: tuple[str, ...] = ()

    is_thought = True

    def capture(self, namespace: dict) -> dict:
        return {}

    def judge(self, values: dict) -> Outcome:
        return Outcome(Status.THOUGHT, "There is nothing to check here; read the solution.")

    def evaluate(self, namespace: dict) -> Outcome:
        return self.judge({})
