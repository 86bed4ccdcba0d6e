"""Marking the cells of a notebook that never ran: shared by the runner in the sandbox and
the grading side, which marks a whole notebook when its run gave nothing back."""

import nbformat


def mark_unreached(cells, start: int, reason: str) -> None:
    """Give every non-empty code cell from ``start`` on an error output saying why it did
    not run (nbgrader would count a test cell without one as passed)."""
    for cell in cells[start:]:
        if cell.cell_type == "code" and cell.source.strip():
            cell.outputs = [nbformat.v4.new_output(
                "error", ename="NotExecuted", evalue=f"not run: {reason}", traceback=[])]
