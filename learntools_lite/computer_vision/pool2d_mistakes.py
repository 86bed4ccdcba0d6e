"""The mistakes of ex2's from-scratch pooling functions (``pool2d``, ``pool2d_padded``), each
recognised on the first of the question's calls (:mod:`.pool2d_cases`) that shows it."""

from ..core.i18n import _
from ..core.problem import Mistake, describe_difference
from ..core.trials import first_wrong, trials
from . import pool2d_cases as cases_

TOLERANCE = cases_.TOLERANCE


def wrong_signature(answer) -> str | None:
    """The learner's parameter list if it cannot take the checker's calls, else None."""
    return None if answer.accepts_probe else answer.signature


def _first(cases, test):
    """A mistake's ``finds``: the first case whose result fails in the way ``test``
    recognises, or None."""
    return lambda answer: first_wrong(trials(answer, cases, TOLERANCE), test)


def on_first_trial(id: str, cases, test, describe) -> Mistake:
    """The mistake ``id``, seen in the first case whose trial fails in the way ``test``
    recognises; ``describe`` says what went wrong from that trial."""
    return Mistake(id, finds=_first(cases, test), message=lambda evidence: describe(evidence))


def function_mistakes(cases, calls_as: str, signature: str) -> tuple[Mistake, ...]:
    """The mistakes any from-scratch pooling function can make, whatever its options.
    ``calls_as`` is how the checker calls it, ``signature`` the ``def`` line asked for."""
    name = cases[0].function

    def each(answer):
        return trials(answer, cases, TOLERANCE)

    return (
        Mistake("wrong-signature", lambda answer: wrong_signature(answer) is not None,
                lambda answer: _("`{name}` takes `{parameters}`, but the checker calls it as "
                                 "`{calls_as}`. Define it as `{signature}`.").format(
                                     name=name, parameters=wrong_signature(answer),
                                     calls_as=calls_as, signature=signature)),
        Mistake("returns-none",
                finds=lambda answer: next((t for t in each(answer) if t.result is None), None),
                message=lambda evidence: _("`{name}` returned `None` for {where}. Did you "
                                           "forget the `return` at the end of the "
                                           "function?").format(name=name,
                                                               where=evidence.case.where)),
        Mistake("mutates-input",
                finds=lambda answer: next((t for t in each(answer) if t.mutated), None),
                message=lambda evidence: _("`{name}` changed the array it was given, in "
                                           "{where}. Pooling should leave its input alone: "
                                           "write the results into a new array.").format(
                                               name=name, where=evidence.case.where)),
        on_first_trial("mixes-channels", cases, cases_.mixes_channels, lambda t:
                    _("For {where}, the channels were pooled together: each output "
                      "pixel mixes all channels. Pool each channel on its own by reducing the "
                      "window over its first two axes only, e.g. `window.max(axis=(0, 1))`, so "
                      "the result has shape `{shape}`.").format(
                          where=t.case.where, shape=t.case.expected().shape)),
        on_first_trial("swaps-modes", cases, cases_.swaps_modes, lambda t:
                    (_("For {where}, `{name}` computed the mean of each window instead of "
                       "the maximum. `mode='max'` (the default) takes the largest value, "
                       "`mode='avg'` the average.") if t.case.is_max
                     else _("For {where}, `{name}` computed the maximum of each window instead "
                            "of the mean. `mode='max'` (the default) takes the largest value, "
                            "`mode='avg'` the average.")).format(where=t.case.where,
                                                                 name=name)),
        on_first_trial("max-from-zero", cases, cases_.max_from_zero, lambda t:
                    _("For {where}, the result is never below 0, but a window that "
                      "holds only negative numbers has a negative maximum. Did the maximum "
                      "start from 0? Take it over the window's own values: "
                      "`window.max(axis=(0, 1))`.").format(where=t.case.where)),
        on_first_trial("default-stride-one", cases, cases_.default_stride_one, lambda t:
                    _("For {where}, the windows moved one pixel at a time. When "
                      "`stride` is `None`, the stride is the pool size, so the windows do "
                      "not overlap.").format(where=t.case.where)),
        on_first_trial("ignores-stride", cases, cases_.ignores_stride, lambda t:
                    _("For {where}, the windows moved by the pool size, not by the "
                      "stride given. Use `stride` when it is not `None`.").format(
                          where=t.case.where)),
    )


def other_difference(cases) -> Mistake:
    """The catch-all: the first case whose result differs, and how."""
    return on_first_trial("other-difference", cases, lambda t: True, lambda t:
                       _("`{function}` differs from `tf.nn.pool` on input shape `{shape}`, "
                         "pool_size `{pool_size}`: {difference}").format(
                           function=t.case.function, shape=t.case.shape,
                           pool_size=repr(t.case.pool_size),
                           difference=describe_difference(t.case.call, t.result,
                                                          t.case.expected(), TOLERANCE)))
