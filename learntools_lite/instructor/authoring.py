"""Conventions of the author's source notebooks, and the worked (solution) version.

A source notebook holds each solution between nbgrader's ``### BEGIN SOLUTION`` and
``### END SOLUTION`` lines. The learner's starter code for that region (with ``____``
blanks) is kept in the cell's metadata under ``cvcourse.starter``, because one starter for
every cell (nbgrader's ``code_stub``) cannot say which blanks each question needs; the
learner version is made by nbgrader itself (see ``preprocessors.py``).
"""

import copy

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
METADATA_KEY = "cvcourse"


class SourceError(ValueError):
    """A source notebook breaks the conventions above."""


def has_solution_region(source: str) -> bool:
    """True if a cell's source has a solution marker (see ``check_answer_cell``)."""
    return any(line.strip() in (BEGIN, END) for line in source.splitlines())


def check_answer_cell(cell, where: str) -> None:
    """Refuse unbalanced markers and a missing or blank-free starter."""
    lines = [line.strip() for line in cell.source.splitlines()]
    begins = [i for i, line in enumerate(lines) if line == BEGIN]
    ends = [i for i, line in enumerate(lines) if line == END]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise SourceError(f"{where}: expected one {BEGIN} line followed by one {END} line")
    starter = cell.metadata.get(METADATA_KEY, {}).get("starter")
    if not isinstance(starter, str) or "____" not in starter:
        raise SourceError(f"{where}: a solution cell needs metadata {METADATA_KEY}.starter "
                          "holding starter code with ____ blanks")


def _without_hidden_tests(lines: list[str]) -> list[str]:
    kept, hidden = [], False
    for line in lines:
        if line.strip() == BEGIN_HIDDEN:
            hidden = True
        elif line.strip() == END_HIDDEN:
            hidden = False
        elif not hidden:
            kept.append(line)
    return kept


def solution_version(source) -> nbformat.NotebookNode:
    """The worked notebook as learners read it: solutions kept, hidden tests, marker lines
    and our metadata removed, outputs cleared."""
    result = copy.deepcopy(source)
    for cell in result.cells:
        if cell.cell_type == "code":
            cell.source = "\n".join(line for line in _without_hidden_tests(
                cell.source.splitlines()) if line.strip() not in (BEGIN, END))
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop(METADATA_KEY, None)
    return result
