"""Questions about a learner's *function*: the checker calls it on fixed cases and compares
each result with the case's own expected value.

A case is any frozen (hashable) object with ``function`` (the name of the learner's
function), ``call`` (the call as the learner would write it), ``where`` (the call and its
input, for messages), ``arguments()`` (fresh ``args`` and ``kwargs`` for one call) and
``expected()``. :func:`function_calls` tells the capture how to call the function;
:func:`trials` reads back what each call returned, once per record, so that every mistake
of a question shares one reading.
"""

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

import numpy as np

from .capture import Call, FunctionCalls, FunctionRecord, Unreadable
from .i18n import _, sentences
from .outcome import Status, incorrect
from .problem import Tolerance
from .values import Verdict, numeric_array


class Case(Protocol):
    """What :func:`trials` needs of one case."""

    function: str
    call: str
    where: str

    def arguments(self) -> tuple[tuple, dict]: ...

    def expected(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Trial:
    """What the learner's function returned for one case."""

    case: Case
    result: np.ndarray | None  # None when the function returned None
    mutated: bool  # the function changed an array it was given
    correct: bool  # the result matches the case's expected value within the tolerance


def function_calls(cases: tuple[Case, ...], probe: Call) -> FunctionCalls:
    """How the capture reads the function: one call per case, with fresh inputs each time,
    and ``probe``, a call its parameter list must accept."""
    return FunctionCalls(calls=lambda: tuple(Call(case.call, *case.arguments())
                                             for case in cases), probe=probe)


def _extended(verdict: Verdict, text: str) -> Verdict:
    """The same verdict, mistake id included, with the sentence ``text`` added to its
    message."""
    outcome = verdict.outcome
    return Verdict(replace(outcome, message=sentences(outcome.message, text)))


@lru_cache(maxsize=8)
def trials(answer: FunctionRecord, cases: tuple[Case, ...],
           tolerance: Tolerance) -> tuple[Trial, ...]:
    """The recorded calls of the learner's function, one trial per case, or a verdict when
    they cannot be read (a call raised, returned a blank, or the record does not match the
    cases). Cached per record, which each check captures afresh."""
    function = cases[0].function
    if len(answer.calls) > len(cases):
        raise Verdict(incorrect(_("`{function}` has more recorded calls than the checker "
                                  "made.").format(function=function)))
    done = []
    for case, record in zip(cases, answer.calls, strict=False):
        if isinstance(record, Unreadable):
            if record.outcome.status is not Status.LEARNER_ERROR:
                raise Verdict(record.outcome)  # a returned blank: not attempted, whatever the call
            raise _extended(Verdict(record.outcome),
                            _("The call was `{call}`.").format(call=case.call))
        if isinstance(record.value, Unreadable):
            raise _extended(Verdict(record.value.outcome),
                            _("The call was {where}.").format(where=case.where))
        result = None if record.value is None else numeric_array(record.value, case.call)
        correct = result is not None and tolerance.close(result, case.expected())
        done.append(Trial(case, result, record.mutated, correct))
    if len(done) < len(cases):
        raise Verdict(incorrect(_("`{function}` has fewer recorded calls than the checker "
                                  "made.").format(function=function)))
    return tuple(done)


def first_wrong(done: tuple[Trial, ...], test) -> Trial | None:
    """The first trial with a wrong (not None) result that ``test`` recognises."""
    return next((t for t in done if t.result is not None and not t.correct and test(t)), None)
