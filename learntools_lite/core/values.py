"""Reading learner values: from the namespace, into NumPy arrays, and through learner functions.

Each failure here is a learner-facing condition, raised as a :class:`Verdict` that carries
the outcome to report, so question code never has to guess what went wrong.
"""

import inspect
import types

import numpy as np

from .blank import BlankError, contains_blank
from .i18n import _, sentences
from .outcome import Outcome, incorrect, learner_error, not_attempted


class Verdict(Exception):
    """Stops a check early with a ready outcome (missing variable, blank, unreadable value)."""

    def __init__(self, outcome: Outcome):
        super().__init__(outcome.message)
        self.outcome = outcome


def lookup(namespace: dict, name: str):
    """The learner's ``name``, or a "not attempted" verdict if it is missing or still blank."""
    if name not in namespace:
        raise Verdict(not_attempted(
            _("`{name}` is not defined yet. Fill in the cell that creates `{name}` and run "
              "it.").format(name=name)
        ))
    value = namespace[name]
    if contains_blank(value):
        raise Verdict(not_attempted(
            _("`{name}` still contains a blank (`____`). Replace each blank with your "
              "answer.").format(name=name)
        ))
    return value


def numeric_array(value, name: str) -> np.ndarray:
    """``value`` as a float64 array, or an "incorrect" verdict that says why it is not one.

    Accepts anything NumPy can read as real numbers: tensors, arrays, nested lists.
    """
    try:
        array = np.asarray(value)
    except BlankError:
        raise
    except Exception as error:  # the learner's object refused conversion; say so
        raise Verdict(incorrect(
            _("`{name}` could not be read as an array of numbers ({error}).").format(
                name=name, error=f"{type(error).__name__}: {error}")
        )) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise Verdict(incorrect(
            _("`{name}` should hold real numbers, but it holds `{dtype}` values (it is a "
              "`{kind}`).").format(name=name, dtype=array.dtype, kind=type(value).__name__)
        ))
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise Verdict(incorrect(
            _("`{name}` contains {count} NaN or infinite value(s); every entry should be a "
              "finite number.").format(name=name, count=bad)
        ))
    return array


def informative(array: np.ndarray, name: str, advice: str) -> np.ndarray:
    """``array`` if its values are not all the same, else an "incorrect" verdict.

    An expected value computed from a constant input (a blank picture) is trivial to write
    down without doing the work the question asks for, and it cannot tell a right answer
    from many wrong ones; ``advice`` says how to get a real input back."""
    if array.size < 2 or float(np.ptp(array)) == 0.0:
        raise Verdict(incorrect(sentences(
            _("`{name}` holds the same value everywhere, so it cannot show whether an "
              "answer is right.").format(name=name), advice)))
    return array


class LearnerFunction:
    """Wraps a learner's function so an exception from their code is reported as theirs."""

    def __init__(self, function, name: str):
        self.function = function
        self.name = name

    def __call__(self, *args, **kwargs):
        try:
            result = self.function(*args, **kwargs)
        except BlankError:
            raise
        except Exception as error:
            raise Verdict(learner_error(
                raised_message(self.name, error, args))) from None
        if contains_blank(result):
            raise Verdict(not_attempted(
                _("Your `{name}` still returns a blank (`____`). Finish its code.").format(
                    name=self.name)
            ))
        return result


def raised_message(name: str, error: BaseException, args) -> str:
    """What to tell a learner whose function ``name`` raised ``error`` when called with
    ``args``: it names the shape of the first array among them, if any."""
    values = {"name": name, "error": f"{type(error).__name__}: {error}"}
    shape = next((a.shape for a in args if hasattr(a, "shape")), None)
    if shape is None:
        return _("Your `{name}` raised `{error}` when the checker called it.").format(**values)
    return _("Your `{name}` raised `{error}` when the checker called it with an input of "
             "shape {shape}.").format(**values, shape=shape)


def learner_function(value, name: str) -> LearnerFunction:
    """A learner-defined function, wrapped; a verdict if ``value`` is not a function."""
    if not isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        raise Verdict(incorrect(
            _("`{name}` should be a function defined with `def {name}(...)`, but it is a "
              "`{kind}`.").format(name=name, kind=type(value).__name__)
        ))
    return LearnerFunction(value, name)


def call_with(function, context: dict):
    """Call ``function`` with the entries of ``context`` named by its parameters.

    This lets question definitions write ``lambda answer, kernel: ...`` and receive just
    what they use.
    """
    parameters = inspect.signature(function).parameters
    return function(**{name: context[name] for name in parameters})


def not_single(answers: dict) -> list[str] | None:
    """The names of the answers that are not one number (arrays, lists), or None.
    For a mistake's ``finds`` over ``answers``."""
    return [name for name, value in answers.items() if np.ndim(value)] or None


def not_whole(answers: dict) -> list[str] | None:
    """The names of the single-number answers that are not whole numbers, or None."""
    return [name for name, value in answers.items()
            if not np.ndim(value) and not float(value).is_integer()] or None


def listed(names: list[str]) -> str:
    """Names for a message, in the learner's language: `a`, or `a` and `b`, or `a`, `b` and
    `c`."""
    quoted = [f"`{name}`" for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return _("{first} and {last}").format(first=", ".join(quoted[:-1]), last=quoted[-1])
