"""The language the checker speaks to the learner, and its message catalogs.

Every learner-facing string of the checker is an English msgid wrapped in :func:`_` (or
marked with :func:`N_` where it is defined before it can be translated, as in an Enum), with
named ``{placeholders}`` filled by ``str.format`` after translation, so a translator can move
them. The catalogs are gettext files under ``learntools_lite/locale``, kept with Babel
(``make messages``: ``pybabel extract``, ``update``, ``compile``); the compiled ``.mo`` files
are read with the standard library's :mod:`gettext`, so learners need no Babel.

The language is chosen, strongest first, by the ``LEARNTOOLS_LANG`` environment variable,
then by the notebook (``binder.bind(globals(), lang=...)``, which the build writes into each
edition's set-up cell), then English.
"""

import gettext
import os
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "learntools_lite"
# The solutions' translations are a catalog of their own, which the learner edition that
# graded notebooks import leaves out with the solutions themselves (instructor/edition.py).
SOLUTIONS_DOMAIN = "learntools_lite_solutions"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
ENGLISH = "en"
# The course's languages, as notebooks and LEARNTOOLS_LANG name them -> gettext's locale.
LANGUAGES = {ENGLISH: "en", "zh-CN": "zh_CN"}
OVERRIDE = "LEARNTOOLS_LANG"

_chosen = ENGLISH  # the learner's kernel: one choice for the whole process
# The judge's language for the submission it is judging. A context variable, since the
# grading workers judge several submissions at once, each in its own thread and language.
_speaking: ContextVar[str | None] = ContextVar("speaking", default=None)


class UnknownLanguage(ValueError):
    """A language the course has no catalog for (one line, naming the ones it has)."""

    def _render_traceback_(self):
        """IPython shows this line instead of a traceback into the checker."""
        return [f"UnknownLanguage: {self}"]


def known(language: str) -> str:
    """``language`` in the course's spelling ("zh-CN"), accepting "zh_CN" and any case; an
    unknown one raises :class:`UnknownLanguage`."""
    wanted = str(language).strip().replace("_", "-").lower()
    for name in LANGUAGES:
        if name.lower() == wanted:
            return name
    raise UnknownLanguage(f"The course has no language {language!r}; it has "
                          + ", ".join(repr(name) for name in LANGUAGES) + ".")


def choose(language: str) -> None:
    """Speak ``language`` from now on (unless ``LEARNTOOLS_LANG`` says otherwise)."""
    global _chosen
    _chosen = known(language)


@cache
def _override(value: str) -> str | None:
    """``LEARNTOOLS_LANG``'s language; an unknown one is ignored, with one warning, so a
    mistyped variable never stops a check."""
    try:
        return known(value)
    except UnknownLanguage as error:
        warnings.warn(f"{OVERRIDE} is ignored: {error}", stacklevel=3)
        return None


def current() -> str:
    """The language messages are written in now."""
    override = os.environ.get(OVERRIDE, "").strip()
    return (override and _override(override)) or _speaking.get() or _chosen


@contextmanager
def speaking(language: str):
    """Write messages in ``language`` inside the block, in this thread only (the judge,
    for one submission, while other threads judge others)."""
    token = _speaking.set(known(language))
    try:
        yield
    finally:
        _speaking.reset(token)


@cache
def _catalog(language: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    if language == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(domain, LOCALE_DIR, languages=[LANGUAGES[language]],
                               fallback=domain == SOLUTIONS_DOMAIN)


def _(message: str) -> str:
    """``message`` (an English msgid) in the current language; a message with no
    translation stays English. (The empty message is gettext's catalog header: it stays
    empty.)"""
    return _catalog(current()).gettext(message) if message else message


def N_(message: str) -> str:
    """Marks ``message`` for the catalog without translating it (translated where used)."""
    return message


def S_(solution: str) -> str:
    """Marks a question's solution for the solutions' catalog (translated where shown)."""
    return solution


# Chinese puts no space after its full-width punctuation; English puts one after each sentence.
FULL_WIDTH_ENDS = ("。", "；", "！", "？", "：", "，", "）")


def sentences(*parts: str) -> str:
    """``parts`` (translated sentences, or runs of them) as one text, as the language of each
    writes it: a space after a part that ends in English punctuation, none after one that
    ends in full-width punctuation. Empty parts are left out."""
    text = ""
    for part in filter(None, parts):
        if text and not text.endswith(FULL_WIDTH_ENDS):
            text += " "
        text += part
    return text


def solution_text(solution: str) -> str:
    """A question's solution in the current language."""
    return _catalog(current(), SOLUTIONS_DOMAIN).gettext(solution) if solution else solution
