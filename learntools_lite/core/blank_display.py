"""Cells that still hold a blank show a short "fill in the blank" note instead of an error.

Two IPython hooks, installed by ``binder.bind``:

* cells whose code mentions ``____`` run inside ``try``; a :class:`BlankError` (or a
  TensorFlow/NumPy error wrapping one), or a ``NameError`` for an earlier answer that does
  not exist yet, shows the note and ends the cell quietly. A notebook left as shipped
  therefore runs from top to bottom, and its checks report "not attempted";
* anywhere else, a TensorFlow or NumPy error wrapping a blank (for example from a
  function defined in an earlier cell) shows one line instead of a traceback that runs
  through our code. (A bare :class:`BlankError` already renders itself in one line.)
  IPython hands these types to our handler instead of showing them, so the handler must
  always show an error itself: a silent failure would look like success to nbgrader.
"""

import ast

from IPython.display import display

from .blank import BlankError, ____, blank_message
from .feedback import Feedback
from .i18n import _
from .outcome import Status

_WRAPPING_TYPES = (ValueError, TypeError)


def caused_by_blank(error: BaseException) -> bool:
    """True for our own error, a library error wrapping its message, or a library error
    that shows the blank it was given (Keras: "Received: ____")."""
    text = str(error)
    return isinstance(error, BlankError) or blank_message() in text or repr(____) in text


def report_unfinished_cell(error: BaseException) -> bool:
    """Show the note for an error raised in a cell with blanks; False means "not ours"."""
    if caused_by_blank(error):
        display(Feedback(_("Not finished yet"), blank_message(), Status.NOT_ATTEMPTED))
        return True
    if isinstance(error, NameError):
        display(Feedback(
            _("Not finished yet"),
            _("This cell still has blanks (____), and it uses a name that is not defined yet "
              "({error}). Answer the questions above first, then fill in this cell.").format(
                error=error),
            Status.NOT_ATTEMPTED,
        ))
        return True
    return False


_GUARD = """
try:
    pass
except Exception as _blank_error:
    if not __import__("learntools_lite.core.blank_display", fromlist=["_"]) \\
            .report_unfinished_cell(_blank_error):
        raise
"""


class GuardCellsWithBlanks(ast.NodeTransformer):
    """Wraps the body of a cell that mentions ``____`` in the guard above."""

    def visit_Module(self, module: ast.Module) -> ast.Module:
        if not module.body or not any(
            isinstance(node, ast.Name) and node.id == "____" for node in ast.walk(module)
        ):
            return module
        guard = ast.parse(_GUARD).body[0]
        guard.body = module.body
        module.body = [ast.copy_location(guard, module.body[0])]
        return ast.fix_missing_locations(module)


def _show_error(shell, etype, value, tb, tb_offset=None):
    if caused_by_blank(value):
        shell._showtraceback(etype, value, [f"BlankError: {blank_message()}"])
    else:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def install() -> None:
    """Register both hooks with the running IPython shell, once; no-op outside IPython."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    shell.set_custom_exc(_WRAPPING_TYPES, _show_error)
    if not any(isinstance(t, GuardCellsWithBlanks) for t in shell.ast_transformers):
        shell.ast_transformers.append(GuardCellsWithBlanks())
