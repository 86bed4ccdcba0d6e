"""The words of the course's notebooks in each of its languages.

A notebook's prose is its Markdown cells: each cell is one message of the ``course``
catalog (``course/locale``, kept by ``make messages`` like the checker's catalogs), so a
translator sees a whole cell, and a changed English cell shows up as a new message.
The build writes a language's notebooks with :func:`translated`. An exercise's code cells
stay as they are, so a submission is graded the same whichever language it came from; the
one line that differs says which language the checker speaks (:func:`speak`). A lesson is
not graded: what its code says in words (titles, labels, printed lines) is in the catalog
too, and its other editions say it in their language (:func:`translated_code`).

Figure titles an exercise writes in its code (``visiontools.show_images(pictures,
["ReLU after kernel"])``) are drawn by the learner's kernel, which translates them with the
checker's catalog; :func:`extract_titles` puts them there.
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


def _markdown(cells):
    for number, cell in enumerate(cells, start=1):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.strip():
            yield number, None, source, []


def extract_markdown(fileobj, keywords, comment_tags, options):
    """Babel extractor: every non-empty Markdown cell of a notebook, as one message."""
    yield from _markdown(_notebook(fileobj)["cells"])


WORDS = re.compile(r"[A-Za-z][,;:]? +[A-Za-z(]")


def says_something(text: str) -> bool:
    """Whether a string in a notebook's code is words for a reader, to be translated (two
    words at least: a figure's title or label, a printed line), rather than a name, a mode
    or a colour ("image_filter", "SAME", "magma"), which stays as it is."""
    return bool(WORDS.search(text))


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
    that say something (a title that is a variable's name stays a name). They are
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
                    if says_something(title):
                        yield number, None, title, []




def _words_in_code(source: str) -> list[tuple[ast.AST, str]]:
    """The string literals of a lesson's code cell that say something, each with its
    message: a plain string's value, or an f-string's source text (its expressions stay
    in the translation as they are)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a cell with IPython syntax is left as it is
        return []
    parts = {id(value) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for value in node.values}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            said = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if says_something(said):
                found.append((node, ast.get_source_segment(source, node)))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in parts and says_something(node.value)):
            found.append((node, node.value))
    return sorted(found, key=lambda pair: (pair[0].lineno, pair[0].col_offset))


def extract_lesson(fileobj, keywords, comment_tags, options):
    """Babel extractor for a lesson: its Markdown cells and what its code cells say in
    words (:func:`_words_in_code`). Lessons are not graded, so their other editions may
    say it in their language; exercises keep their code as it is."""
    cells = _notebook(fileobj)["cells"]
    yield from _markdown(cells)
    for number, cell in enumerate(cells, start=1):
        if cell["cell_type"] == "code":
            for _node, message in _words_in_code("".join(cell["source"])):
                yield number, None, message, []


def _literal(text: str, original: str) -> str:
    """``text`` as a string literal quoted like ``original`` (a string inside an
    f-string's braces must keep its quotes, which differ from the f-string's own)."""
    quote = original[0] if original[:1] in ("'", '"') else '"'
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n")
    return quote + escaped + quote


def translated_code(source: str, words: gettext.NullTranslations) -> tuple[str, list[str]]:
    """A lesson's code cell with what it says in the catalog's language (each plain string
    replaced by its translation, as a string literal; each f-string by its translated
    source), and the messages the catalog has no translation for."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:  # ast's columns count UTF-8 bytes
        return starts[line - 1] + len(lines[line - 1].encode()[:column].decode())

    result, missing = source, []
    for node, message in reversed(_words_in_code(source)):
        translation = words.gettext(message)
        if translation == message:
            missing.append(message)
            continue
        begin, end = offset(node.lineno, node.col_offset), \
            offset(node.end_lineno, node.end_col_offset)
        literal = translation if isinstance(node, ast.JoinedStr) else \
            _literal(translation, source[begin:end])
        result = result[:begin] + literal + result[end:]
    return result, missing[::-1]


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


def translated(notebook, language: str, locale_dir: Path, name: str = "the notebook",
               lesson: bool = False):
    """A copy of ``notebook`` in ``language``: its Markdown from the ``course`` catalog (and,
    for a ``lesson``, what its code says in words), the language in its metadata
    (``cvcourse.lang``) and in its code (:func:`speak`). Anything with no translation
    raises :class:`UntranslatedError`."""
    if language == i18n.ENGLISH:
        return copy.deepcopy(notebook)
    result = words_in_language(notebook, catalog(locale_dir, language), language, name, lesson)
    result.metadata.setdefault("cvcourse", {})["lang"] = language
    speak(result, language)
    return result


def words_in_language(notebook, words, language: str, name: str, lesson: bool):
    """A copy of ``notebook`` with its Markdown (and a lesson's code words) from ``words``,
    a catalog; anything untranslated, or translated code that is no longer Python, raises
    :class:`UntranslatedError`."""
    result = copy.deepcopy(notebook)
    missing = []
    for index, cell in enumerate(result.cells):
        if cell.cell_type == "markdown" and cell.source.strip():
            translation = words.gettext(cell.source)
            if translation == cell.source:
                missing.append(cell.source)
            cell.source = translation
        elif cell.cell_type == "code" and lesson:
            english = cell.source
            cell.source, untranslated = translated_code(english, words)
            missing += untranslated
            try:
                if cell.source != english:  # (IPython syntax is left as it is, unparsed)
                    ast.parse(cell.source)
            except SyntaxError as error:
                raise UntranslatedError(f"{name}: the {language} code of cell {index} is not "
                                        f"Python ({error.msg}): fix its translation") from None
    if missing:
        first = re.sub(r"\s+", " ", missing[0])[:40]
        raise UntranslatedError(
            f"{name} has {len(missing)} message(s) with no {language} translation, the "
            f"first beginning {first!r}: run `make messages` and translate them")
    return result
