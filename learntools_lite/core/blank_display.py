"""Show errors caused by a blank as one friendly line in IPython, not as a traceback.

TensorFlow and NumPy wrap the :class:`BlankError` raised inside them into their own
``ValueError`` or ``TypeError`` whose text embeds a traceback; the learner only needs to
know that a blank is left. IPython matches custom exceptions by exact type, hence the list.
"""

from .blank import BLANK_MESSAGE, BlankError

_TYPES = (BlankError, ValueError, TypeError)


def _short_blank_traceback(shell, etype, value, tb, tb_offset=None):
    if BLANK_MESSAGE in str(value):
        return [f"BlankError: {BLANK_MESSAGE}"]
    return shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)


def install() -> None:
    """Register the handler with the running IPython shell, if there is one."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: exceptions print as usual
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc(_TYPES, _short_blank_traceback)
