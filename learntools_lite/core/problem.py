"""Question definitions as data, and how an answer is judged against them.

A :class:`CodingProblem` names the learner's variables, how the expected value is computed
(optionally from the learner's own inputs), the tolerance, hints, solution and the
recognised mistakes. A :class:`ThoughtProblem` has hints and a solution only.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .blank import BlankError
from .outcome import Outcome, Status, correct, incorrect, learner_error, not_attempted
from .values import Verdict, call_with, lookup, numeric_array


@dataclass(frozen=True)
class Mistake:
    """A wrong answer learners really write.

    ``when`` is a predicate and ``message`` a Markdown string or a function; both receive,
    by parameter name, any of: ``answer`` (the single answer variable), each variable and
    input by its own name, and ``expected``. For ``CodingProblem.errors`` they receive
    ``error``, the exception raised by the learner's last failing cell.
    """

    when: Callable[..., bool]
    message: str | Callable[..., str]

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


def last_error() -> BaseException | None:
    """The exception from the learner's last failing cell, as IPython records it."""
    return getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)


@dataclass(frozen=True)
class CodingProblem:
    """A question answered by defining variables in the notebook."""

    variables: tuple[str, ...]
    expected: Callable[..., Any] | None = None  # None: correct when no mistake matches
    inputs: tuple[str, ...] = ()  # learner variables the expected value is computed from
    read: Callable[[Any, str], Any] = numeric_array  # turns a raw variable into an answer
    tolerance: Tolerance = Tolerance()
    hints: tuple[str, ...] = ()
    solution: str = ""
    mistakes: tuple[Mistake, ...] = ()
    errors: tuple[Mistake, ...] = ()  # recognised exceptions when a variable is missing
    needs: tuple["CodingProblem", ...] = ()  # earlier problems whose answers this one uses

    is_thought = False

    def evaluate(self, namespace: dict) -> Outcome:
        """Judge the answer in ``namespace``. Raises only on a fault in the checker itself."""
        for earlier in self.needs:
            outcome = earlier.evaluate(namespace)
            if not outcome.passed:
                return self._blocked_by(earlier, outcome)
        try:
            context = self._read_context(namespace)
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

    def _read_context(self, namespace: dict) -> dict:
        context = {name: numeric_array(lookup(namespace, name), name) for name in self.inputs}
        for name in self.variables:
            try:
                raw = lookup(namespace, name)
            except Verdict as missing:
                raise Verdict(self._explain_missing(missing.outcome, context)) from None
            context[name] = self.read(raw, name)
        if len(self.variables) == 1:
            context["answer"] = context[self.variables[0]]
        return context

    def _explain_missing(self, outcome: Outcome, context: dict) -> Outcome:
        error = last_error()
        if error is None or outcome.status is not Status.NOT_ATTEMPTED:
            return outcome
        for mistake in self.errors:
            if mistake.matches({**context, "error": error}):
                return learner_error(
                    f"{outcome.message}\n\nYour last run raised `{type(error).__name__}`. "
                    + mistake.describe({**context, "error": error})
                )
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
                return incorrect(mistake.describe(context))
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

    def evaluate(self, namespace: dict) -> Outcome:
        return Outcome(Status.THOUGHT, "There is nothing to check here; read the solution.")
