"""The words of the course's notebooks in each of its languages.

A notebook's prose is its Markdown cells: each cell is one message of the ``course``
catalog (``course/locale``, kept by ``make messages`` like the checker's catalogs), so a
translator sees a whole cell, and a changed English cell shows up as a new message.
The build writes a language's notebooks with :func:`translated`; code cells stay as they
are, so a submission is graded the same whichever language it came from. The one line
that differs says which language the checker speaks (:func:`speak`).

Figure titles written in code cells (``visiontools.show_images(pictures, ["our car"])``)
are drawn by the learner's kernel, which translates them with the checker's catalog;
:func:`extract_titles` puts them there.
"""

import ast
import copy
import gettext
import json
import re
from pathlib import Path

import nbformat

from ..core import i18n

DOMAIN = "course"
# The calls whose titles are translated where they are drawn, and the argument holding them.
TITLED_CALLS = {"show_images": (1, "titles")}
BIND = "binder.bind(globals())"
LANGUAGE_CELL_ID = "language"


class UntranslatedError(ValueError):
    """A notebook has prose its language's catalog does not translate (one line)."""


def _notebook(fileobj):
    return json.loads(fileobj.read().decode("utf-8"))


def extract_markdown(fileobj, keywords, comment_tags, options):
    """Babel extractor: every non-empty Markdown cell of a notebook, as one message."""
    for number, cell in enumerate(_notebook(fileobj)["cells"], start=1):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.strip():
            yield number, None, source, []


def _titles(call: ast.Call):
    name = call.func.attr if isinstance(call.func, ast.Attribute) else \
        getattr(call.func, "id", None)
    if name not in TITLED_CALLS:
        return []
    position, keyword = TITLED_CALLS[name]
    given = [k.value for k in call.keywords if k.arg == keyword]
    given += call.args[position:position + 1]
    return [element.value for value in given if isinstance(value, ast.List | ast.Tuple)
            for element in value.elts
            if isinstance(element, ast.Constant) and isinstance(element.value, str)]


def extract_titles(fileobj, keywords, comment_tags, options):
    """Babel extractor: the literal titles a notebook's code cells pass to a titled call
    (a title that is a variable's name stays a name: the catalog leaves it out). They are
    translated where they are drawn, like the messages marked ``N_``, and go to the
    catalog extracted with that keyword only."""
    if "N_" not in keywords:
        return
    for number, cell in enumerate(_notebook(fileobj)["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # a cell with IPython syntax has no titles for us
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for title in _titles(node):
                    if not title.isidentifier():
                        yield number, None, title, []


def catalog(locale_dir: Path, language: str) -> gettext.NullTranslations:
    """The compiled ``course`` catalog of ``language`` (none is needed for English)."""
    if language == i18n.ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, locale_dir, languages=[i18n.LANGUAGES[language]])


def speak(notebook, language: str) -> None:
    """Make ``notebook``'s checker and figures speak ``language``: an exercise's set-up
    cell binds with ``lang=``; a lesson, which binds nothing, gets a first cell choosing
    the language."""
    setup = next((cell for cell in notebook.cells
                  if cell.cell_type == "code" and BIND in cell.source), None)
    if setup is not None:
        setup.source = setup.source.replace(BIND, f"binder.bind(globals(), lang={language!r})")
        return
    cell = nbformat.v4.new_code_cell(
        f"from learntools_lite.core import i18n\n\ni18n.choose({language!r})")
    cell.id = LANGUAGE_CELL_ID
    notebook.cells.insert(0, cell)


def translated(notebook, language: str, locale_dir: Path, name: str = "the notebook"):
    """A copy of ``notebook`` in ``language``: its Markdown from the ``course`` catalog, the
    language in its metadata (``cvcourse.lang``) and in its code (:func:`speak`). A
    Markdown cell with no translation raises :class:`UntranslatedError`."""
    if language == i18n.ENGLISH:
        return copy.deepcopy(notebook)
    words = catalog(locale_dir, language)
    result = copy.deepcopy(notebook)
    missing = []
    for cell in result.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            translation = words.gettext(cell.source)
            if translation == cell.source:
                missing.append(re.sub(r"\s+", " ", cell.source)[:40])
            cell.source = translation
    if missing:
        raise UntranslatedError(
            f"{name} has {len(missing)} Markdown cell(s) with no {language} translation, "
            f"the first beginning {missing[0]!r}: run `make messages` and translate them")
    result.metadata.setdefault("cvcourse", {})["lang"] = language
    speak(result, language)
    return result
