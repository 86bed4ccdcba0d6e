"""The notebooks: generated copies match their source, and shipped exercises run cleanly."""

import copy

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO
from learntools_lite.instructor.build import CourseLayout
from learntools_lite.instructor.versions import (
    SourceError,
    learner_version,
    solution_version,
)

LAYOUT = CourseLayout(REPO)
SOURCES = LAYOUT.sources


def read(path):
    return nbformat.read(str(path), as_version=4)


def without_outputs(notebook):
    result = copy.deepcopy(notebook)
    for cell in result.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return result


def run(notebook, workdir):
    """Execute in a fresh kernel; any error output fails the run."""
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(workdir)}}).execute()
    return notebook


def test_there_is_one_source_per_exercise():
    assert [p.name for p in SOURCES] == sorted(p.name for p in (REPO / "exercises").glob("*.ipynb"))
    assert [p.name for p in SOURCES] == sorted(p.name for p in (REPO / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_exercise_is_what_the_build_makes(source):
    assert read(LAYOUT.exercise(source)) == learner_version(read(source)), (
        "exercises/ is out of date: run `cvcourse build`")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_solution_is_what_the_build_makes(source):
    # Outputs are compared by nbval, and execution adds language_info to the notebook's
    # metadata; here the cells themselves must match the source.
    committed = without_outputs(read(LAYOUT.solution(source))).cells
    assert committed == solution_version(read(source)).cells, (
        "solutions/ is out of date: run `cvcourse build`")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_exercise_has_blanks_and_no_solutions(source):
    text = LAYOUT.exercise(source).read_text()
    assert "____" in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_shipped_exercise_runs_cleanly_and_reports_not_attempted(source, tmp_path):
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


def test_learner_version_needs_a_starter():
    cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    with pytest.raises(SourceError, match="starter"):
        learner_version(nbformat.v4.new_notebook(cells=[cell]))
    cell.metadata["cvcourse"] = {"starter": "x = ____"}
    cell.outputs = [nbformat.v4.new_output("stream", text="1")]
    learner = learner_version(nbformat.v4.new_notebook(cells=[cell]))
    assert learner.cells[0].source == "x = ____"
    assert learner.cells[0].outputs == [] and "cvcourse" not in learner.cells[0].metadata
    assert solution_version(nbformat.v4.new_notebook(cells=[cell])).cells[0].source == "x = 1"


def test_unbalanced_markers_are_refused():
    cell = nbformat.v4.new_code_cell("### END SOLUTION\nx = 1\n### BEGIN SOLUTION")
    with pytest.raises(SourceError, match="one ### BEGIN SOLUTION line followed by one"):
        solution_version(nbformat.v4.new_notebook(cells=[cell]))
