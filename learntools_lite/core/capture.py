"""The first half of every check: what the learner wrote, captured as plain data.

A check has two halves. *Capture* reads a question's variables where they live and turns
each one into plain data: a NumPy array of real numbers, the record of the calls the checker
made to a learner's function, or the outcome that says why it could not be read.
*Judging* (``CodingProblem.judge``) decides on that data alone. In a notebook both halves
run in the learner's kernel. When grading, only capture runs there: the values cross to the
trusted side as bytes (``core.wire``), where the same definitions judge them, so nothing the
kernel does can decide a verdict.
"""

import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .blank import BlankError
from .outcome import Outcome, not_attempted
from .values import Verdict, learner_function, lookup, numeric_array

# The key under which a capture keeps the learner's last exception (for ``errors=``).
LAST_ERROR = "<last error>"
# Texts a capture keeps (messages, signatures) are cut to this many characters, so the same
# text is judged in the kernel and after crossing the wire (which refuses longer ones).
MAX_TEXT = 4000


def clip(text: str) -> str:
    """``text``, cut to :data:`MAX_TEXT` characters (learners' own messages can be long)."""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def unreadable(outcome: Outcome, missing: bool = False) -> "Unreadable":
    """An :class:`Unreadable` whose message is clipped."""
    return Unreadable(Outcome(outcome.status, clip(outcome.message), outcome.mistake), missing)


@dataclass(frozen=True)
class Unreadable:
    """A variable the checker could not read, with the outcome that says why.

    ``missing`` is True when the name was not defined or still holds a blank (the learner's
    last error may explain that). Its status is never "correct": the judge refuses one
    that says so."""

    outcome: Outcome
    missing: bool = False


@dataclass(frozen=True)
class RaisedError:
    """The learner's last exception, kept as its type name and message."""

    type_name: str
    message: str

    def as_exception(self) -> BaseException:
        """An exception of the same name and message, for ``errors=`` predicates."""
        name = self.type_name if self.type_name.isidentifier() else "Error"
        return type(name, (Exception,), {})(self.message)


@dataclass(frozen=True)
class Call:
    """One call the checker makes to a learner's function. ``args`` and ``kwargs`` must be
    plain (arrays, numbers, strings, tuples); ``label`` names the call in messages."""

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Returned:
    """What one call gave back: an array, ``None``, or why its result is unreadable, and
    whether the function changed the arrays it was given."""

    value: np.ndarray | Unreadable | None
    mutated: bool


@dataclass(frozen=True, eq=False)
class FunctionRecord:
    """A learner function as the judge sees it: its parameter list, whether that list takes
    the question's probe call, and what each call returned (an :class:`Unreadable` for the
    call that raised; no calls are made after it)."""

    signature: str | None
    accepts_probe: bool
    calls: tuple[Returned | Unreadable, ...]


def _mutated(before: tuple, after: tuple) -> bool:
    return any(isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before, after, strict=True))


@dataclass(frozen=True)
class FunctionCalls:
    """Reads a learner's function by calling it.

    ``calls`` makes the calls afresh each time (so a function that changes its input cannot
    spoil the next check); ``probe`` is a call the function's parameter list must accept
    (every optional argument passed), checked without calling it."""

    calls: Callable[[], tuple[Call, ...]]
    probe: Call

    def __call__(self, value, name: str) -> FunctionRecord:
        function = learner_function(value, name)
        try:
            signature = inspect.signature(function.function)
        except (TypeError, ValueError):  # a builtin without a signature: the calls decide
            signature = None
        accepts = True
        if signature is not None:
            try:
                signature.bind(*self.probe.args, **self.probe.kwargs)
            except TypeError:
                accepts = False
        records = []
        for call in self.calls():
            pristine = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in call.args)
            try:
                result = function(*call.args, **call.kwargs)
            except Verdict as verdict:  # the learner's function raised or returned a blank
                records.append(unreadable(verdict.outcome))
                break
            mutated = _mutated(call.args, pristine)
            if result is None:
                records.append(Returned(None, mutated))
                continue
            try:
                records.append(Returned(numeric_array(result, call.label), mutated))
            except Verdict as verdict:
                records.append(Returned(unreadable(verdict.outcome), mutated))
        return FunctionRecord(None if signature is None else clip(str(signature)), accepts,
                              tuple(records))


def capture_variable(namespace: dict, name: str, read) -> object:
    """``read`` applied to the learner's ``name``, or an :class:`Unreadable` saying why not."""
    try:
        raw = lookup(namespace, name)
    except Verdict as verdict:  # not defined, or still a blank
        return unreadable(verdict.outcome, missing=True)
    try:
        return read(raw, name)
    except Verdict as verdict:
        return unreadable(verdict.outcome)
    except BlankError as error:
        return unreadable(not_attempted(str(error)))


def last_error() -> RaisedError | None:
    """The exception from the learner's last failing cell, as IPython records it."""
    error = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
    return None if error is None else RaisedError(clip(type(error).__name__), clip(str(error)))
