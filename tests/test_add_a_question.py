"""ARCHITECTURE.md's "How to add a question", done with a throw-away question: an exercise
module, an author notebook following the conventions, a test table. The build's nbgrader
source fills the solution and the hidden test, the worked notebook runs and passes its check,
and the judge names the mistake of a wrong answer."""

import importlib
import sys
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

from learntools_lite.core import Status
from learntools_lite.instructor.authoring import solution_version
from learntools_lite.instructor.nbgrader_source import nbgrader_source

EXERCISE = '''
from learntools_lite.core import CodingProblem, Mistake, Question, Tolerance, ____

__all__ = ["q_1", "____"]

SIDE = CodingProblem(
    variables=("valid_side",),
    expected=lambda: (10 - 3) // 1 + 1,
    tolerance=Tolerance(atol=0, rtol=0),
    hints=("'VALID' counts the windows that fit whole.", "(n - k) // s + 1"),
    solution="""```python
valid_side = (10 - 3) // 1 + 1
```""",
    mistakes=(
        Mistake("same-rule", lambda answer: answer == 10,
                "10 is the 'SAME' size. With 'VALID' only whole windows count."),
    ),
)
q_1 = Question(1, SIDE)
'''


def author_notebook() -> nbformat.NotebookNode:
    setup = nbformat.v4.new_code_cell(
        "from learntools_lite.core import binder; binder.bind(globals())\n"
        "from throwaway_exercise import *")
    answer = nbformat.v4.new_code_cell("### BEGIN SOLUTION\n### END SOLUTION\nprint(valid_side)")
    answer.metadata["cvcourse"] = {"starter": "valid_side = ____"}
    cells = [nbformat.v4.new_markdown_cell("## 1) A size"), setup, answer,
             nbformat.v4.new_code_cell("q_1.check()"),
             nbformat.v4.new_code_cell("# q_1.hint()\n# q_1.solution()")]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["cvcourse"] = {"exercise": "throwaway_exercise"}
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


@pytest.fixture
def exercise(tmp_path, monkeypatch):
    (tmp_path / "throwaway_exercise.py").write_text(textwrap.dedent(EXERCISE))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("throwaway_exercise")
    monkeypatch.delitem(sys.modules, "throwaway_exercise")


@pytest.mark.slow
def test_a_new_question_needs_one_module_one_notebook_one_table(exercise, tmp_path, namespace):
    source = nbgrader_source(author_notebook())
    answer, test = source.cells[2], source.cells[3]
    assert "valid_side = (10 - 3) // 1 + 1" in answer.source
    assert answer.metadata.nbgrader["grade_id"] == "q_1"
    assert "record_for_grading" in test.source and test.metadata.nbgrader["points"] == 1

    worked = solution_version(source)
    NotebookClient(worked, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert worked.cells[2].outputs[0]["text"] == "8\n"
    assert "Correct" in str(worked.cells[3].outputs)

    # The test table: answers written two ways, and the mistake learners make.
    for right in (8, 8.0):
        namespace["valid_side"] = right
        assert exercise.q_1.evaluate().status is Status.CORRECT
    namespace["valid_side"] = 10
    outcome = exercise.q_1.evaluate()
    assert (outcome.mistake, outcome.message) == (
        "same-rule", "10 is the 'SAME' size. With 'VALID' only whole windows count.")
    # The grading path: the judge reaches the same verdict from the captured values.
    assert exercise.q_1.problem.judge(exercise.q_1.problem.capture(namespace)) == outcome
