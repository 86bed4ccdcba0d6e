"""The blank ``____`` that learners replace: a real object that explains itself when used."""

from .i18n import _


def blank_message() -> str:
    """What a blank says when it is used, in the learner's language."""
    return _("This code still has a blank (____) in it. Replace every ____ with your own "
             "answer, then run the cell again.")


class BlankError(ValueError):
    """Raised when a blank is used as if it were a value."""

    def __init__(self, message: str | None = None):
        super().__init__(blank_message() if message is None else message)

    def _render_traceback_(self):
        """IPython shows this instead of a traceback: the learner's fix is one line."""
        return [f"BlankError: {self}"]


def _refuse(self, *args, **kwargs):
    raise BlankError()


class BlankAttributeError(BlankError, AttributeError):
    """A library asked the blank for an attribute, as if it were a string or an array.

    Being an ``AttributeError`` too keeps ``hasattr``, ``getattr`` with a default, ``copy``
    and IPython's display machinery working as usual."""


class Blank:
    """The single blank object. Arithmetic, conversion to an array or a tensor, truth
    tests, indexing and iteration all raise :class:`BlankError` with a fill-in message,
    so the learner sees that message instead of a NumPy or TensorFlow error."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "____"

    def __getattr__(self, name):
        # TensorFlow calls e.g. pooling_type.lower() on what it is given.
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise BlankAttributeError()

    # Conversions: NumPy asks for __array__, TensorFlow's convert_to_tensor asks for
    # __tf_tensor__, Python asks for the number protocols.
    __array__ = __tf_tensor__ = _refuse
    __bool__ = __int__ = __float__ = __complex__ = __index__ = _refuse
    __len__ = __iter__ = __getitem__ = __call__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __neg__ = __pos__ = __abs__ = __invert__ = __round__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _refuse
    __mod__ = __rmod__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _refuse
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = _refuse
    __lshift__ = __rlshift__ = __rshift__ = __rrshift__ = _refuse


____ = Blank()


def contains_blank(value) -> bool:
    """True if ``value`` is the blank or a list, tuple, set or dict holding one."""
    if value is ____:
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(contains_blank(item) for item in value)
    if isinstance(value, dict):
        return any(contains_blank(item) for item in (*value.keys(), *value.values()))
    return False
