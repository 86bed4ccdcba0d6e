"""The versions of an exercise notebook, derived from its single source.

A source notebook holds the solution between nbgrader's ``### BEGIN SOLUTION`` and
``### END SOLUTION`` lines. The learner's starter code for that region (with ``____``
blanks) is kept in the cell's metadata under ``cvcourse.starter``, because one starter for
every cell (nbgrader's ``code_stub``) cannot say which blanks each question needs.
"""

import copy

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
METADATA_KEY = "cvcourse"


class SourceError(ValueError):
    """A source notebook breaks the conventions above."""


def _solution_region(lines: list[str], where: str) -> tuple[int, int] | None:
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not begins and not ends:
        return None
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise SourceError(f"{where}: expected one {BEGIN} line followed by one {END} line")
    return begins[0], ends[0]


def _starter(cell, where: str) -> str:
    starter = cell.metadata.get(METADATA_KEY, {}).get("starter")
    if not isinstance(starter, str) or "____" not in starter:
        raise SourceError(f"{where}: a solution cell needs metadata {METADATA_KEY}.starter "
                          "holding starter code with ____ blanks")
    return starter


def _replace_regions(notebook, keep_solution: bool):
    result = copy.deepcopy(notebook)
    for index, cell in enumerate(result.cells):
        if cell.cell_type == "code":
            cell.source = _version_of_code(cell, f"cell {index}", keep_solution)
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop(METADATA_KEY, None)
    return result


def _version_of_code(cell, where: str, keep_solution: bool) -> str:
    lines = cell.source.splitlines()
    region = _solution_region(lines, where)
    if region is None:
        return cell.source
    begin, end = region
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    if keep_solution:
        middle = lines[begin + 1:end]
    else:
        middle = [indent + line if line else line for line in _starter(cell, where).splitlines()]
    return "\n".join(lines[:begin] + middle + lines[end + 1:])


def learner_version(source) -> nbformat.NotebookNode:
    """The notebook learners get: starter code with blanks in place of each solution."""
    return _replace_regions(source, keep_solution=False)


def solution_version(source) -> nbformat.NotebookNode:
    """The worked notebook: solutions kept, marker lines removed, outputs cleared."""
    return _replace_regions(source, keep_solution=True)
