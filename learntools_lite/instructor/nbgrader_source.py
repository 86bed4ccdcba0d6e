"""Derive an nbgrader source notebook from an author's source notebook.

The author writes plain cells: an answer cell with a solution region, then a check cell
``q_<n>.check()``. This module adds nbgrader's metadata by convention, so every exercise
follows the same grading contract:

* the answer cell of question *n* is a solution cell with ``grade_id`` ``q_<n>``; its
  solution region is left empty by the author and filled here with the first Python block
  of the question's ``solution=`` (so the notebook and ``q_<n>.solution()`` cannot differ);
* its check cell becomes the locked, autograded test cell ``q_<n>_test``, worth
  ``metadata.cvcourse.points`` (default 1). Learners see ``q_<n>.check()``; a hidden test,
  removed from the release and restored by nbgrader when grading, records the answer's
  values, and the grader's judge (``instructor/judge.py``) scores the cell by running the
  same question definition on them outside the kernel;
* a thought question, and a coded question with a written part (``written=``), gets a
  manually graded written-answer cell ``q_<n>_answer`` before its check cell, holding the
  model answer for graders (1 point, or ``metadata.cvcourse.written_points`` of the check
  cell). A question with both is graded twice: the test cell and the written answer.
"""

import copy
import importlib
import re

import nbformat

from ..core import Question, i18n
from .authoring import (
    BEGIN,
    END,
    METADATA_KEY,
    SourceError,
    check_answer_cell,
    has_solution_region,
)

CHECK_CELL = re.compile(r"^q_(\d+)\.check\(\)$")
SCHEMA = 3


def exercise_module(author) -> str:
    """The import path of the notebook's exercise module (notebook metadata)."""
    module_name = author.metadata.get(METADATA_KEY, {}).get("exercise")
    if not module_name:
        raise SourceError(f"notebook metadata needs {METADATA_KEY}.exercise, the module path")
    return module_name


def questions_of(author) -> dict[int, Question]:
    """Number -> question of the notebook's exercise module."""
    module = importlib.import_module(exercise_module(author))
    return {q.number: q for q in vars(module).values() if isinstance(q, Question)}


def written_part(question: Question | None) -> str:
    """The model answer of a question's written part, in the current language: a thought
    question's solution, a coded question's ``written`` ("" when it has none)."""
    if question is None:
        return ""
    if question.problem.is_thought:
        return i18n.solution_text(question.problem.solution)
    return i18n._(question.problem.written)


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, locked: bool, points=None) -> dict:
    metadata = {"grade": grade, "grade_id": grade_id, "locked": locked,
                "schema_version": SCHEMA, "solution": solution}
    if points is not None:
        metadata["points"] = points
    return metadata


def _take_points(cell, key: str = "points") -> int:
    ours = cell.metadata.get(METADATA_KEY, {})
    points = ours.pop(key, 1)
    if not ours:
        cell.metadata.pop(METADATA_KEY, None)
    return points


def _hidden_test(number: int, module: str) -> str:
    # The hidden part only records the answer's values; the grader's judge decides on them
    # outside the learner's kernel, so nothing the notebook does can change a verdict.
    return "\n".join([
        "### BEGIN HIDDEN TESTS",
        f"from {module} import q_{number} as _question",
        "_question.record_for_grading(globals())",
        "### END HIDDEN TESTS",
        f"q_{number}.check()",
    ])


def nbgrader_source(author, language: str = i18n.ENGLISH) -> nbformat.NotebookNode:
    """The author's notebook with nbgrader metadata and hidden tests added by convention;
    the model answers of written parts are in ``language``."""
    with i18n.speaking(language):
        return _nbgrader_source(author)


def _nbgrader_source(author) -> nbformat.NotebookNode:
    questions = questions_of(author)
    result = copy.deepcopy(author)
    cells, answer = [], None
    for index, cell in enumerate(result.cells):
        check = CHECK_CELL.match(cell.source.strip()) if cell.cell_type == "code" else None
        if cell.cell_type == "code" and has_solution_region(cell.source):
            check_answer_cell(cell, f"cell {index}")
            if answer is not None:
                raise SourceError("two answer cells before one q_<n>.check() cell")
            answer = cell
        elif check:
            number = int(check.group(1))
            points, written_points = _take_points(cell), _take_points(cell, "written_points")
            question = questions.get(number)
            thought = question is not None and question.problem.is_thought
            if thought and answer is not None:
                raise SourceError(f"q_{number} is a thought question: its answer is written, "
                                  f"so no code answer cell goes above q_{number}.check()")
            if not thought and answer is None:
                raise SourceError(f"q_{number}.check() has no answer cell above it")
            if written_part(question):
                # A thought question's points are all for the writing.
                cells.append(_written_answer(number, points if thought else written_points,
                                             written_part(question)))
            if not thought:
                answer.source = _with_solution(answer.source, question, number)
                answer.metadata["nbgrader"] = _nbgrader(
                    f"q_{number}", solution=True, grade=False, locked=False)
                cell.source = _hidden_test(number, exercise_module(author))
                cell.metadata["nbgrader"] = _nbgrader(
                    f"q_{number}_test", solution=False, grade=True, locked=True, points=points)
            answer = None
        cells.append(cell)
    if answer is not None:
        raise SourceError("an answer cell has no q_<n>.check() cell below it")
    result.cells = cells
    return result


def _with_solution(source: str, question: Question | None, number: int) -> str:
    """The answer cell with its empty solution region filled from the question's
    definition, the one place a solution is written (learners read the same code in
    ``q_n.solution()``)."""
    if question is None:
        raise SourceError(f"q_{number} is not defined in the exercise module")
    lines = source.splitlines()
    begin, end = (next(i for i, line in enumerate(lines) if line.strip() == marker)
                  for marker in (BEGIN, END))
    if any(line.strip() for line in lines[begin + 1:end]):
        raise SourceError(f"q_{number}: leave the solution region empty; the solution is "
                          "written once, in the question's definition (solution=...)")
    code = question.problem.solution_code
    if not code:
        raise SourceError(f"q_{number}'s solution has no ```python block to put in the notebook")
    return "\n".join([*lines[:begin + 1], code.rstrip("\n"), *lines[end:]])


def _written_answer(number: int, points: int, model_answer: str):
    cell = nbformat.v4.new_markdown_cell(model_answer)
    cell.id = f"q-{number}-answer"
    cell.metadata["nbgrader"] = _nbgrader(
        f"q_{number}_answer", solution=True, grade=True, locked=False, points=points)
    return cell
