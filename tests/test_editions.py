"""The course in its other languages: every generated notebook is what the build makes
from the one English source and the ``course`` catalog; an exercise's code is the English
code, a lesson's differs only in what it says in words; and a translated submission is
graded exactly like its English twin, with feedback in its own language."""

import ast
import io
import json

import nbformat
import pytest
from grading_helpers import copy_course, solution_answers, submission, write_submissions
from nbclient import NotebookClient

from conftest import REPO, kernel_stderr_visible, without_outputs
from learntools_lite.core import i18n
from learntools_lite.instructor import notebook_text
from learntools_lite.instructor.authoring import solution_version
from learntools_lite.instructor.build import CourseLayout
from learntools_lite.instructor.nbgrader_course import generate_release, scratch_course
from learntools_lite.instructor.nbgrader_source import nbgrader_source
from learntools_lite.instructor.notebook_text import UntranslatedError

ENGLISH = CourseLayout(REPO)
LAYOUTS = [CourseLayout(REPO, language=name) for name in i18n.LANGUAGES if name != i18n.ENGLISH]
SOURCES = [pytest.param(layout, source, id=f"{layout.language}-{source.stem}")
           for layout in LAYOUTS for source in layout.sources]
LESSONS = [pytest.param(layout, lesson, id=f"{layout.language}-{lesson.stem}")
           for layout in LAYOUTS for lesson in layout.lessons]


def read(path):
    return nbformat.read(str(path), as_version=4)


def has_cjk(text: str) -> bool:
    return any("\u3400" <= character <= "\u9fff" for character in text)


def code_cells(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


# --- What the build makes ---------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.language)
def test_every_notebook_has_its_translation_beside_it(layout):
    names = sorted(source.name for source in ENGLISH.sources)
    assert sorted(p.name for p in layout.exercise(ENGLISH.sources[0]).parent.glob("*.ipynb")) \
        == names
    assert sorted(p.name for p in layout.solution(ENGLISH.sources[0]).parent.glob("*.ipynb")) \
        == names
    assert sorted(p.parent.name for p in (layout.nbgrader_root / "source").glob("*/*.ipynb")) \
        == sorted(source.stem for source in ENGLISH.sources)
    assert sorted(layout.lesson(lesson).name for lesson in ENGLISH.lessons) == sorted(
        p.name for p in layout.lesson(ENGLISH.lessons[0]).parent.glob("*.ipynb"))


@pytest.mark.parametrize("layout, source", SOURCES)
def test_committed_nbgrader_source_is_what_the_build_makes(layout, source):
    expected = nbgrader_source(layout.translated(source), layout.language)
    assert read(layout.nbgrader_source(source)) == expected, "run `cvcourse build`"


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.language)
def test_committed_exercises_are_nbgraders_release(layout):
    with scratch_course(layout.course, layout.nbgrader_root / "source") as course:
        for source in layout.sources:
            release = generate_release(course, source.stem) / source.name
            assert release.read_bytes() == layout.exercise(source).read_bytes(), (
                f"{layout.exercise(source)} differs from nbgrader's release: run `cvcourse build`")


@pytest.mark.parametrize("layout, source", SOURCES)
def test_committed_solution_is_what_the_build_makes(layout, source):
    committed = without_outputs(read(layout.solution(source))).cells
    assert committed == solution_version(read(layout.nbgrader_source(source))).cells


@pytest.mark.parametrize("layout, lesson", LESSONS)
def test_committed_lesson_is_the_translation_of_its_source(layout, lesson):
    committed = without_outputs(read(layout.lesson(lesson)))
    assert committed.cells == without_outputs(layout.translated(lesson)).cells, (
        "run `cvcourse build`")
    assert committed.metadata["cvcourse"]["lang"] == layout.language


# --- Same code, other words ---------------------------------------------------------------

def _bound(source: str, language: str) -> str:
    return source.replace(notebook_text.BIND, f"binder.bind(globals(), lang={language!r})")


@pytest.mark.parametrize("layout, source", SOURCES)
def test_an_exercise_differs_from_its_english_twin_in_words_only(layout, source):
    """Same cells, same nbgrader metadata, same code but for the language of the checks;
    every Markdown cell is in the other language."""
    for translated, english in [(layout.exercise(source), ENGLISH.exercise(source)),
                                (layout.nbgrader_source(source), ENGLISH.nbgrader_source(source)),
                                (layout.solution(source), ENGLISH.solution(source))]:
        ours, theirs = read(translated), read(english)
        assert [cell.get("id") for cell in ours.cells] == [cell.get("id") for cell in theirs.cells]
        assert [cell.metadata.get("nbgrader") for cell in ours.cells] == \
            [cell.metadata.get("nbgrader") for cell in theirs.cells]
        assert code_cells(ours) == [_bound(code, layout.language) for code in code_cells(theirs)]
        assert sum(notebook_text.BIND in code for code in code_cells(theirs)) == 1
        # The prose is translated; a written answer's cell holds nbgrader's own placeholder
        # in the release ("YOUR ANSWER HERE") and our model answer elsewhere.
        prose = [cell.source for cell in ours.cells if cell.cell_type == "markdown"
                 and not cell.metadata.get("nbgrader", {}).get("solution")]
        assert prose and all(has_cjk(text) for text in prose)
        answers = [cell.source for cell in ours.cells
                   if cell.metadata.get("nbgrader", {}).get("solution")
                   and cell.cell_type == "markdown"]
        assert all(has_cjk(text) or text == "YOUR ANSWER HERE" for text in answers), answers
        assert ours.metadata["cvcourse"]["lang"] == layout.language


class _Unworded(ast.NodeTransformer):
    """A cell's code without its words: every string empty, every f-string reduced to the
    expressions it formats (in any order)."""

    def visit_Constant(self, node):
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        self.generic_visit(node)  # strings inside the expressions are words too
        shown = sorted(ast.dump(v) for v in node.values if isinstance(v, ast.FormattedValue))
        return ast.Constant(repr(shown))


def unworded(source: str) -> str:
    return ast.dump(_Unworded().visit(ast.parse(source)))


@pytest.mark.parametrize("layout, lesson", LESSONS)
def test_a_lesson_differs_from_its_english_twin_in_words_only(layout, lesson):
    """The same code, but for the strings that say something; those are in the other
    language wherever the English says something."""
    ours, theirs = read(layout.lesson(lesson)), read(lesson)
    first, *rest = ours.cells
    assert first.source == ("from learntools_lite.core import i18n\n\n"
                            f"i18n.choose({layout.language!r})")
    translated_code = code_cells(nbformat.v4.new_notebook(cells=rest))
    assert [unworded(code) for code in translated_code] == \
        [unworded(code) for code in code_cells(theirs)]
    said = [message for code in code_cells(theirs)
            for _node, message in notebook_text._words_in_code(code)]
    assert len(said) >= 5
    assert sum(has_cjk(code) for code in translated_code) >= 3
    assert all(has_cjk(cell.source) for cell in rest if cell.cell_type == "markdown")


def test_a_lessons_code_says_in_other_words_what_the_catalog_translates():
    words = _Words({"our car": "我们的小汽车",
                    'f"{n} values, window {w}"': 'f"{n} 个值，窗口 {w}"'})
    code = ('x = "SAME"  # a mode, left alone; × in a comment\n'
            'show(["our car", "image"])\n'
            'print(f"{n} values, window {w}", "not translated yet")\n')
    translated, missing = notebook_text.translated_code(code, words)
    assert translated == ('x = "SAME"  # a mode, left alone; × in a comment\n'
                          'show(["我们的小汽车", "image"])\n'
                          'print(f"{n} 个值，窗口 {w}", "not translated yet")\n')
    assert missing == ["not translated yet"]
    assert notebook_text.translated_code("%timeit f('two words')", words) == (
        "%timeit f('two words')", [])
    # A string inside an f-string's braces keeps its own quotes (3.11 wants them to differ).
    inner = _Words({"two words": "两个词"})
    assert notebook_text.translated_code("""print(f"{'two words':>13} {x}")""", inner) == (
        """print(f"{'两个词':>13} {x}")""", [])


def test_a_translation_that_breaks_a_lessons_code_stops_the_build():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'print(f"{n} values, window {w}")')])
    words = _Words({'f"{n} values, window {w}"': 'f"{n} 个值，窗口 {w"'})
    with pytest.raises(UntranslatedError, match=r"lesson.ipynb: the zh-CN code of cell 0 is "
                       r"not Python \(f-string: expecting '}'"):
        notebook_text.words_in_language(notebook, words, "zh-CN", "lesson.ipynb", lesson=True)


class _Words:
    """A catalog of a few messages, as gettext gives them."""

    def __init__(self, messages: dict):
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)


def test_a_new_english_cell_stops_the_build_until_it_is_translated():
    notebook = read(ENGLISH.sources[0])
    notebook.cells[0].source += "\n\nA sentence nobody has translated."
    with pytest.raises(UntranslatedError, match=r"ex1_convolution.ipynb has 1 message\(s\) "
                       r"with no zh-CN translation, the first beginning '# Exercise 1"):
        notebook_text.translated(notebook, "zh-CN", ENGLISH.locale, "ex1_convolution.ipynb")


def test_english_is_the_source_itself():
    notebook = read(ENGLISH.sources[0])
    assert notebook_text.translated(notebook, "en", ENGLISH.locale) == notebook


# --- The extractors make messages runs ------------------------------------------------------

def _as_file(*cells):
    return io.BytesIO(json.dumps(nbformat.v4.new_notebook(cells=list(cells))).encode())


def test_each_markdown_cell_is_one_message_and_code_is_not_prose():
    found = list(notebook_text.extract_markdown(_as_file(
        nbformat.v4.new_markdown_cell("# Title\n\nTwo paragraphs."),
        nbformat.v4.new_code_cell("print('not prose')"),
        nbformat.v4.new_markdown_cell("  \n"),
        nbformat.v4.new_markdown_cell("Third.")), {}, [], {}))
    assert [(line, message) for line, _, message, _ in found] == [
        (1, "# Title\n\nTwo paragraphs."), (4, "Third.")]


@pytest.mark.parametrize(("text", "words"), [
    ("ReLU after -kernel", True), ("Shift (dx, dy)", True), ("blurred, twice", True),
    ("after pooling", True), ("image_filter", False), ("SAME", False),
    ("magma", False), ("2 x 2", False), ("dx=6, dy=2", False), ("", False)])
def test_one_rule_says_which_strings_in_code_are_words(text, words):
    """The same rule picks an exercise's titles and a lesson's strings to translate."""
    assert notebook_text.says_something(text) is words


def test_titles_are_the_literal_ones_a_titled_call_draws():
    cells = [
        nbformat.v4.new_code_cell('visiontools.show_images([a, b], ["our car", "image_filter"])'),
        nbformat.v4.new_code_cell('show_images(pictures, titles=("blurred twice", name))'),
        nbformat.v4.new_code_cell('plt.title("not ours")\nprint("nor this")'),
        nbformat.v4.new_code_cell("%timeit show_images([a], ['after magic'])"),
        nbformat.v4.new_markdown_cell('show_images([a], ["in prose"])'),
    ]
    found = [message for _, _, message, _ in notebook_text.extract_titles(
        _as_file(*cells), {"_": None, "N_": None}, [], {})]
    assert found == ["our car", "blurred twice"]
    assert list(notebook_text.extract_titles(_as_file(*cells), {"S_": None}, [], {})) == []


# --- Running and grading the translation -----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.language)
def test_a_translated_exercise_runs_cleanly_and_speaks_its_language(layout, tmp_path):
    source = ENGLISH.sources[0]
    with kernel_stderr_visible():
        notebook = read(layout.exercise(source))
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    checks = [cell for cell in notebook.cells if cell.source.strip().endswith(".check()")]
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error" and output.get("name") != "stderr", output
    shown = ["".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
             for cell in checks]
    with i18n.speaking(layout.language):
        not_attempted = i18n._("Not attempted yet")
    assert not_attempted != "Not attempted yet"
    assert shown and all(text.startswith(not_attempted) for text in shown), shown


# An answer of each kind for each exercise: right, a named mistake, and none at all.
EX1, EX2, EX3 = (source.stem for source in ENGLISH.sources)
WRONG = {
    EX1: {"q_3": "image_detect = image_filter"},
    EX2: {"q_1": "image_condense = tf.nn.pool(image_detect, window_shape=(2, 2), "
                 "pooling_type='AVG', strides=(2, 2), padding='SAME')"},
    EX3: {"q_1": "pooled = keras.layers.GlobalMaxPool2D()(feature_maps)"},
}


def _twins(assignment: str, language: str) -> dict:
    """student -> submission: each answer set once in English and once in ``language``."""
    right = solution_answers(assignment)
    answers = {"right": right, "wrong": {**right, **WRONG[assignment]}, "blank": {}}
    return {f"{kind}-{edition}": submission(assignment, given, language=edition)
            for kind, given in answers.items() for edition in ("en", language)}


@pytest.mark.slow
@pytest.mark.grading
@pytest.mark.parametrize("assignment", [EX1, EX2, EX3])
def test_a_translated_submission_is_graded_like_its_english_twin(assignment, tmp_path):
    from learntools_lite.instructor.grading import feedback, grade, read_judgements

    language = LAYOUTS[0].language
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "submissions", assignment, _twins(assignment, language))
    with kernel_stderr_visible():
        scores, problems = grade(course, assignment, tmp_path / "submissions",
                                 say=lambda line: None)
    assert problems == []
    by_student = {score.student: score for score in scores}
    judged = {(j["student"], j["question"]): (j["status"], j["mistake"])
              for j in read_judgements(course, assignment, list(by_student))}
    for kind in ("right", "wrong", "blank"):
        english, translated = by_student[f"{kind}-en"], by_student[f"{kind}-{language}"]
        assert translated.by_question == english.by_question, kind
        assert translated.total == english.total
        assert {q: v for (s, q), v in judged.items() if s == f"{kind}-{language}"} == \
            {q: v for (s, q), v in judged.items() if s == f"{kind}-en"}
    assert by_student["right-en"].total > by_student["wrong-en"].total > 0
    assert by_student["blank-en"].total == 0
    wrong = [mistake for (student, _), (_, mistake) in judged.items()
             if student == f"wrong-{language}" and mistake]
    assert len(wrong) == 1, judged

    pages = {path.parts[-3]: path.read_text() for path in feedback(course, assignment,
                                                                   say=lambda line: None)}
    with i18n.speaking(language):
        incorrect, not_attempted = i18n._("Incorrect"), i18n._("Not attempted yet")
    assert incorrect in pages[f"wrong-{language}"] and incorrect not in pages["wrong-en"]
    assert not_attempted in pages[f"blank-{language}"]
    assert "Not attempted yet" in pages["blank-en"]
    assert "Not attempted yet" not in pages[f"blank-{language}"]
    exercise = LAYOUTS[0].exercise(next(s for s in ENGLISH.sources if s.stem == assignment))
    title = read(exercise).cells[0].source.splitlines()[0].lstrip("# ")
    assert has_cjk(title) and title in pages[f"right-{language}"]
