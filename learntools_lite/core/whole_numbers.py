"""The two mistakes of any question whose answers are counts or sizes: an array or list
where one number belongs, and a number with a fraction."""

from .i18n import _, sentences
from .problem import Mistake
from .values import listed, not_single, not_whole


def whole_number_mistakes(what: str, why_whole: str,
                          fraction_id: str = "not-whole") -> tuple[Mistake, Mistake]:
    """``not-one-number`` and ``fraction_id``: ``what`` names the kind of number in the
    first message ("a count"), ``why_whole`` ends the second by saying why it is whole (both
    marked N_() by the caller, and translated here)."""
    return (
        Mistake("not-one-number", finds=not_single,
                message=lambda evidence: _("{names} should be a single whole number "
                                           "({what}), not an array or a list.").format(
                                               names=listed(evidence), what=_(what))),
        Mistake(fraction_id, finds=not_whole,
                message=lambda evidence: sentences(
                    _("{names} is not a whole number.").format(names=listed(evidence)),
                    _(why_whole))),
    )
