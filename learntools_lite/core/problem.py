"""Question definitions as data, and how an answer is judged against them.

A :class:`CodingProblem` names the learner's variables, how the expected value is computed
(optionally from the learner's own inputs), the tolerance, hints, solution and the
recognised mistakes. A :class:`ThoughtProblem` has hints and a solution only.
"""

import inspect
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
from .i18n import _, sentences
from .outcome import Outcome, Status, correct, incorrect, learner_error, not_attempted
from .values import Verdict, call_with, numeric_array

MISTAKE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ANSWERS = "answers"  # every answer variable, by name, for mistakes about all of them
EVIDENCE = "evidence"  # what a mistake's ``finds`` found, as its message reads it
SOLUTION_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def error_says(*phrases: str) -> Callable[..., bool]:
    """A predicate for ``CodingProblem.errors``: the learner's error message contains one of
    ``phrases``."""
    def says(error) -> bool:
        return any(phrase in str(error) for phrase in phrases)
    return says


@dataclass(frozen=True)
class Mistake:
    """A wrong answer learners really write.

    ``id`` names the mistake for good (lower-case words joined by hyphens, unique within its
    question): the instructor's misconception record counts students by it. ``when`` is a
    predicate and ``message`` a Markdown string or a function; both receive, by parameter
    name, any of: ``answer`` (the single answer variable), each variable and input by its
    own name, ``answers`` (every variable, by name) and ``expected`` (the expected values,
    by variable name). For
    ``CodingProblem.errors`` they receive ``error``, the exception raised by the learner's
    last failing cell.

    A mistake recognised by working something out (the kernel behind a convolution, the
    first failing call) gives ``finds`` instead of ``when``: it returns what it found, or
    None, and ``message`` reads the finding as ``evidence``, so it is computed once.
    :class:`CodingProblem` checks every parameter name when it is defined.
    """

    id: str
    when: Callable[..., bool] | None = None
    message: str | Callable[..., str] = ""
    finds: Callable[..., Any] | None = None

    def __post_init__(self):
        if not isinstance(self.id, str) or not MISTAKE_ID.match(self.id):
            raise ValueError(f"mistake id {self.id!r} is not lower-case words joined by '-'")
        if (self.when is None) == (self.finds is None):
            raise TypeError(f"mistake {self.id!r}: give either 'when' or 'finds'")
        if not callable(self.when or self.finds):
            raise TypeError(f"mistake {self.id!r}: 'when' and 'finds' must be functions")
        if not self.message:
            raise TypeError(f"mistake {self.id!r} has no message")

    def match(self, context: dict) -> dict | None:
        """The context the message is written from if this mistake fits, else None."""
        if self.finds is None:
            return context if call_with(self.when, context) else None
        found = call_with(self.finds, context)
        return None if found is None else {**context, EVIDENCE: found}

    def describe(self, context: dict) -> str:
        """The message, from the context :meth:`match` returned."""
        # A plain message is marked N_() where it is defined, and translated here.
        return call_with(self.message, context) if callable(self.message) else _(self.message)

    def names_unknown_to(self, names: set[str]) -> list[tuple[str, str]]:
        """(part, parameter) for every parameter of ``when``/``finds`` and ``message`` that
        is not among ``names`` (the message may also read ``evidence``)."""
        parts = [("finds" if self.finds else "when", self.when or self.finds, names)]
        if callable(self.message):
            parts.append(("message", self.message, names | ({EVIDENCE} if self.finds else set())))
        return [(part, name) for part, function, known in parts
                for name in inspect.signature(function).parameters if name not in known]


class DefinitionError(TypeError):
    """A question definition that cannot work, found when its module is imported."""


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
        return _("absolute {atol} plus relative {rtol}").format(atol=f"{self.atol:g}",
                                                               rtol=f"{self.rtol:g}")


def describe_difference(name: str, answer: np.ndarray, expected: np.ndarray, tolerance) -> str:
    """The fallback message when no recognised mistake explains a wrong array."""
    if answer.shape != expected.shape:
        return _("`{name}` has shape `{shape}`, but the expected result has shape "
                 "`{expected}`.").format(name=name, shape=answer.shape, expected=expected.shape)
    difference = np.abs(answer - expected)
    where = tuple(int(i) for i in np.unravel_index(np.argmax(difference), difference.shape))
    return _("`{name}` has the right shape `{shape}` but different values: the largest "
             "difference is {largest} at index `{where}` (allowed: {tolerance}).").format(
        name=name, shape=answer.shape, largest=f"{difference.max():.4g}", where=where,
        tolerance=tolerance)


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
        self._check_names()

    def _check_names(self):
        """Every name a definition's functions ask for must be one the judge gives them:
        a typo fails here, when the exercise module is imported, not in front of a learner."""
        answers = set(self.variables) | set(self.inputs) | {ANSWERS} | (
            {"answer"} if len(self.variables) == 1 else set())
        unknown = []  # (where in the definition, the name asked for, the names given there)
        if self.expected is not None:
            unknown += [("its expected()", name, answers)
                        for name in inspect.signature(self.expected).parameters
                        if name not in answers]
        for group, known in ((self.mistakes, answers | {"expected"}), (self.errors, {"error"})):
            unknown += [(f"mistake {mistake.id!r}, its {part}", name, known)
                        for mistake in group for part, name in mistake.names_unknown_to(known)]
        if unknown:
            where, name, known = unknown[0]
            raise DefinitionError(
                f"the question on {', '.join(self.variables)}: {where} asks for `{name}`, "
                f"which the checker does not give; it gives {', '.join(sorted(known))}"
                + (" (and `evidence` to the message of a mistake with `finds`)"
                   if where.endswith("its message") else "") + ".")

    @property
    def solution_code(self) -> str:
        """The first Python block of the solution: the code the worked notebook runs."""
        block = SOLUTION_BLOCK.search(self.solution)
        return block.group(1) if block else ""

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
        message = _("This question uses your {names}, which is not ready yet: "
                    "{reason}").format(names=names, reason=outcome.message)
        if outcome.status is Status.NOT_ATTEMPTED:
            return not_attempted(message)
        return Outcome(outcome.status, message)

    def _accept(self, values: dict, name: str, as_function: bool):
        """A captured value, checked again on this side (it may have crossed a wire)."""
        if name not in values:
            raise Verdict(not_attempted(_("`{name}` was not recorded. Run the notebook from "
                                          "the top, then check again.").format(name=name)))
        value = values[name]
        if isinstance(value, Unreadable):
            if value.outcome.passed:  # only a reason for failing may stand here
                raise Verdict(incorrect(_("`{name}` could not be read.").format(name=name)))
            raise Verdict(self._explain_missing(value.outcome, values) if value.missing
                          else value.outcome)
        if as_function != isinstance(value, FunctionRecord):
            message = (_("`{name}` should be a function.") if as_function
                       else _("`{name}` should be an array of numbers."))
            raise Verdict(incorrect(message.format(name=name)))
        return value if as_function else numeric_array(value, name)

    def _read_context(self, values: dict) -> dict:
        function = isinstance(self.read, FunctionCalls)
        context = {name: self._accept(values, name, False) for name in self.inputs}
        for name in self.variables:
            context[name] = self._accept(values, name, function)
        if len(self.variables) == 1:
            context["answer"] = context[self.variables[0]]
        context[ANSWERS] = {name: context[name] for name in self.variables}
        return context

    def _explain_missing(self, outcome: Outcome, values: dict) -> Outcome:
        error = values.get(LAST_ERROR)
        if not isinstance(error, RaisedError):
            return outcome
        context = {"error": error.as_exception()}
        for mistake in self.errors:
            if (found := mistake.match(context)) is not None:
                return learner_error(
                    outcome.message + "\n\n"
                    + sentences(_("Your last run raised `{error}`.").format(
                        error=error.type_name), mistake.describe(found)), mistake.id)
        return outcome

    def _judge(self, context: dict) -> Outcome:
        if self.expected is not None:
            expected = call_with(self.expected, context)
            expected = {
                name: np.asarray(value, dtype=np.float64)
                for name, value in self._by_name(expected).items()
            }
            context["expected"] = expected
            if all(self.tolerance.close(context[n], expected[n]) for n in self.variables):
                return correct()
        for mistake in self.mistakes:
            if (found := mistake.match(context)) is not None:
                return incorrect(mistake.describe(found), mistake.id)
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
        return Outcome(Status.THOUGHT, _("There is nothing to check here; read the solution."))

    def evaluate(self, namespace: dict) -> Outcome:
        return self.judge({})
