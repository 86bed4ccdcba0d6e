"""The notebooks: generated copies match their source, and shipped exercises run cleanly."""


import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO, kernel_stderr_visible, without_outputs
from learntools_lite.instructor.authoring import SourceError, solution_version
from learntools_lite.instructor.build import CourseLayout
from learntools_lite.instructor.nbgrader_course import generate_release, scratch_course
from learntools_lite.instructor.nbgrader_source import nbgrader_source
from learntools_lite.instructor.nbgrader_source import questions_of as nbgrader_source_questions

LAYOUT = CourseLayout(REPO)
SOURCES = LAYOUT.sources


def read(path):
    return nbformat.read(str(path), as_version=4)


def run(notebook, workdir):
    """Execute in a fresh kernel; any error output fails the run."""
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(workdir)}}).execute()
    return notebook


def test_there_is_one_source_per_exercise():
    assert [p.name for p in SOURCES] == sorted(p.name for p in (REPO / "exercises").glob("*.ipynb"))
    assert [p.name for p in SOURCES] == sorted(p.name for p in (REPO / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_nbgrader_source_is_what_the_build_makes(source):
    assert read(LAYOUT.nbgrader_source(source)) == nbgrader_source(read(source)), (
        "course/source/ is out of date: run `cvcourse build`")


@pytest.mark.slow
def test_committed_exercises_are_nbgraders_release():
    with scratch_course(LAYOUT.course) as course:
        for source in SOURCES:
            release = generate_release(course, source.stem) / source.name
            assert release.read_bytes() == LAYOUT.exercise(source).read_bytes(), (
                f"exercises/{source.name} differs from nbgrader's release: run `cvcourse build`")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_solution_is_what_the_build_makes(source):
    # Outputs are compared by nbval, and execution adds language_info to the notebook's
    # metadata; here the cells themselves must match the nbgrader source.
    committed = without_outputs(read(LAYOUT.solution(source))).cells
    expected = solution_version(read(LAYOUT.nbgrader_source(source))).cells
    assert committed == expected, "solutions/ is out of date: run `cvcourse build`"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_exercise_has_blanks_and_no_solutions(source):
    text = LAYOUT.exercise(source).read_text()
    assert "____" in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_shipped_exercise_runs_cleanly_and_reports_not_attempted(source, tmp_path):
    with kernel_stderr_visible():
        notebook = run(read(LAYOUT.exercise(source)), tmp_path)
    checks = [c for c in notebook.cells
              if c.cell_type == "code" and c.source.strip().endswith(".check()")]
    assert checks
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            assert output.get("name") != "stderr", output.text
    for cell in checks:
        shown = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        assert shown.startswith(("Not attempted yet", "Solution")), (cell.source, shown)
        assert ("Not attempted yet" in shown) != ("Solution" in shown)
    assert any("Not attempted yet" in str(c.outputs) for c in checks)


GUARD_CELLS = [
    "from learntools_lite.core import binder, ____; binder.bind(globals())",
    "answer = [____, 2]\nimport numpy as np\nanswer = np.array(answer) * 2",
    "result = undefined_name + ____",
    "def unfinished():\n    return ____ * 2",
    "unfinished()",
    "raise ValueError('a real error')",
]


@pytest.mark.slow
def test_blank_guard_in_a_kernel(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in GUARD_CELLS])
    NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True).execute()
    outputs = [cell.outputs for cell in notebook.cells]
    assert outputs[1][0].data["text/plain"].startswith("Not finished yet: This code still has")
    assert "uses a name that is not defined yet" in outputs[2][0].data["text/plain"]
    assert outputs[3] == []
    # A blank used outside its cell: one line, not a traceback through our code.
    assert outputs[4][0].output_type == "error"
    assert outputs[4][0].traceback == [outputs[4][0].ename + ": " + outputs[4][0].evalue]
    # Errors that have nothing to do with blanks still fail the cell (nbgrader relies on it).
    assert outputs[5][0].output_type == "error" and outputs[5][0].ename == "ValueError"


def author_notebook(*sources, exercise="learntools_lite.computer_vision.ex1"):
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["cvcourse"] = {"exercise": exercise}
    return notebook


def test_nbgrader_metadata_follows_the_conventions():
    notebook = author_notebook("### BEGIN SOLUTION\n### END SOLUTION", "q_1.check()",
                               "### BEGIN SOLUTION\n### END SOLUTION", "q_4.check()")
    notebook.cells[0].metadata["cvcourse"] = {"starter": "kernel = ____"}
    notebook.cells[1].metadata["cvcourse"] = {"points": 2}
    notebook.cells[2].metadata["cvcourse"] = {"starter": "relu_pos = ____"}
    notebook.cells[3].metadata["cvcourse"] = {"written_points": 3}
    answer, test, answer_4, written, test_4 = nbgrader_source(notebook).cells
    assert answer.metadata.nbgrader == {"grade": False, "grade_id": "q_1", "locked": False,
                                        "schema_version": 3, "solution": True}
    assert test.metadata.nbgrader == {"grade": True, "grade_id": "q_1_test", "locked": True,
                                      "points": 2, "schema_version": 3, "solution": False}
    # The hidden part only records the answer for the judge; the learner sees the check.
    assert test.source == ("### BEGIN HIDDEN TESTS\n"
                           "from learntools_lite.computer_vision.ex1 import q_1 as _question\n"
                           "_question.record_for_grading(globals())\n"
                           "### END HIDDEN TESTS\n"
                           "q_1.check()")
    assert "cvcourse" not in test.metadata
    # A coded question with a written part: its code is autograded, its writing by hand.
    assert answer_4.metadata.nbgrader["grade_id"] == "q_4"
    assert written.cell_type == "markdown" and written.metadata.nbgrader == {
        "grade": True, "grade_id": "q_4_answer", "locked": False, "points": 3,
        "schema_version": 3, "solution": True}
    assert "together they lose nothing" in written.source  # the model answer, for graders
    assert test_4.metadata.nbgrader["grade_id"] == "q_4_test"
    assert test_4.metadata.nbgrader["points"] == 1


def test_the_solution_region_is_filled_from_the_definition_only():
    from learntools_lite.computer_vision import ex1
    notebook = author_notebook("kernel = None\n### BEGIN SOLUTION\n### END SOLUTION\nprint(1)",
                               "q_1.check()")
    notebook.cells[0].metadata["cvcourse"] = {"starter": "kernel = ____"}
    answer = nbgrader_source(notebook).cells[0]
    assert answer.source == ("kernel = None\n### BEGIN SOLUTION\n"
                             + ex1.q_1.problem.solution_code + "### END SOLUTION\nprint(1)")
    # A second copy of the solution in the notebook could drift from the definition.
    notebook.cells[0].source = "### BEGIN SOLUTION\nkernel = 1\n### END SOLUTION"
    with pytest.raises(SourceError, match="q_1: leave the solution region empty"):
        nbgrader_source(notebook)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_worked_answer_is_its_definitions_solution(source):
    """What the solutions notebook runs is what q_n.solution() shows, question by question."""
    author = read(source)
    questions = nbgrader_source_questions(author)
    regions = {int(cell.metadata.nbgrader["grade_id"][2:]): cell.source
               for cell in read(LAYOUT.nbgrader_source(source)).cells
               if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code"}
    assert sorted(regions) == sorted(number for number, q in questions.items()
                                     if not q.problem.is_thought)
    for number, region in regions.items():
        code = region.split("### BEGIN SOLUTION\n", 1)[1].split("### END SOLUTION", 1)[0]
        assert code == questions[number].problem.solution_code, f"q_{number}"


def test_a_thought_question_gets_a_written_answer_and_no_test():
    notebook = author_notebook("q_4.check()", exercise="thought_exercise")
    notebook.cells[0].metadata["cvcourse"] = {"points": 2}
    written, thought = nbgrader_source(notebook).cells
    assert written.metadata.nbgrader["grade_id"] == "q_4_answer"
    assert written.metadata.nbgrader["points"] == 2
    assert "translation" in written.source
    assert thought.source == "q_4.check()" and "nbgrader" not in thought.metadata
    coded = author_notebook("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "q_4.check()",
                            exercise="thought_exercise")
    coded.cells[0].metadata["cvcourse"] = {"starter": "x = ____"}
    with pytest.raises(SourceError, match="q_4 is a thought question"):
        nbgrader_source(coded)


@pytest.mark.parametrize("sources, starter, message", [
    (["### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "q_1.check()"], None, "starter"),
    (["### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "q_1.check()"], "x = 1", "starter"),
    (["### END SOLUTION\nx = 1\n### BEGIN SOLUTION", "q_1.check()"], "x = ____",
     "one ### BEGIN SOLUTION line followed by one"),
    (["x = 1", "q_1.check()"], None, "q_1.check() has no answer cell above it"),
    (["### BEGIN SOLUTION\nx = 1\n### END SOLUTION"], "x = ____", "has no q_<n>.check() cell"),
])
def test_source_conventions_are_enforced(sources, starter, message):
    notebook = author_notebook(*sources)
    if starter is not None:
        notebook.cells[0].metadata["cvcourse"] = {"starter": starter}
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        nbgrader_source(notebook)


def test_source_needs_its_exercise_module():
    notebook = author_notebook("q_1.check()")
    del notebook.metadata["cvcourse"]
    with pytest.raises(SourceError, match="cvcourse.exercise"):
        nbgrader_source(notebook)


def test_solution_version_keeps_solutions_and_drops_hidden_tests():
    cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n"
                                     "### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS")
    cell.metadata["cvcourse"] = {"starter": "x = ____"}
    cell.outputs = [nbformat.v4.new_output("stream", text="1")]
    solved = solution_version(nbformat.v4.new_notebook(cells=[cell])).cells[0]
    assert solved.source == "x = 1"
    assert solved.outputs == [] and "cvcourse" not in solved.metadata


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_question_has_two_hint_levels_and_a_hint_cell_before_its_answer(source):
    """A learner can ask for a first nudge and then a stronger one; for a thought question,
    whose check shows our answer, the hint cell comes before the check."""
    from learntools_lite.instructor.authoring import METADATA_KEY
    from learntools_lite.instructor.judge import questions_of

    notebook = read(source)
    questions = questions_of(notebook.metadata[METADATA_KEY]["exercise"])
    codes = [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]
    for name, question in questions.items():
        assert len(question.problem.hints) >= 2, name
        hint_cell = next(i for i, code in enumerate(codes) if f"# {name}.hint()" in code)
        check_cell = codes.index(f"{name}.check()")
        if question.problem.is_thought:
            assert hint_cell < check_cell, name
        else:
            assert hint_cell == check_cell + 1, name
