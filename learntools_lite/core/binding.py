"""Where the checker finds the learner's variables.

Questions look their variables up at check time, not at import time, so binding again
(re-running the set-up cell) simply points the checker at the namespace given last, and
the order of ``bind`` and the exercise import does not matter.
"""

from . import blank_display, i18n
from .i18n import _


class NotBoundError(RuntimeError):
    """A check ran before ``binder.bind(globals())``."""


class Binder:
    """Remembers the namespace (usually a notebook's ``globals()``) that checks read."""

    def __init__(self):
        self._namespace = None

    def bind(self, namespace: dict, lang: str = i18n.ENGLISH) -> None:
        """Make checks read their variables from ``namespace``; call again at any time.
        ``lang`` is the notebook's language ("en", "zh-CN"), which checks, hints and
        solutions speak unless ``LEARNTOOLS_LANG`` says otherwise."""
        if not isinstance(namespace, dict):
            raise TypeError("bind() takes the notebook's namespace: binder.bind(globals())")
        i18n.choose(lang)
        self._namespace = namespace
        blank_display.install()

    @property
    def namespace(self) -> dict:
        """The bound namespace; raises :class:`NotBoundError` if nothing is bound yet."""
        if self._namespace is None:
            raise NotBoundError(_(
                "The checker is not set up yet. Run the set-up cell at the top of the "
                "notebook (it calls binder.bind(globals())), then check again."
            ))
        return self._namespace


binder = Binder()
