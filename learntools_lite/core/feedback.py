"""Display objects: coloured Markdown in Jupyter, plain text in a terminal.

IPython picks ``_repr_markdown_`` in a notebook and ``__repr__`` elsewhere; outside IPython
``display`` prints ``str``. Nothing here runs JavaScript or talks to the network.
"""

from .outcome import Outcome, Status

# One colour per kind of message, chosen to read on light and dark JupyterLab themes.
_COLOURS = {
    Status.CORRECT: "#2e9e44",
    Status.INCORRECT: "#d9480f",
    Status.NOT_ATTEMPTED: "#1c7ed6",
    Status.LEARNER_ERROR: "#d9480f",
    Status.CHECKER_ERROR: "#ae3ec9",
    Status.THOUGHT: "#1c7ed6",
    "Hint": "#e8a200",
    "Solution": "#2b8a3e",
    "Note": "#868e96",
}


class Feedback:
    """A titled message, such as "Correct: ..." or "Hint 2 of 3: ..."."""

    def __init__(self, title: str, body: str = "", colour_key=None):
        self.title = title
        self.body = body
        self._colour = _COLOURS.get(colour_key if colour_key is not None else title, "#495057")

    def _separator(self) -> str:
        # A body that opens with a code block must start on a line of its own, or Markdown
        # reads its opening fence as text and its closing fence as the start of a block.
        return ":\n\n" if self.body.lstrip().startswith(("```", "~~~")) else ": "

    def _repr_markdown_(self) -> str:
        heading = f'<span style="color:{self._colour}; font-weight:bold">{self.title}</span>'
        return f"{heading}{self._separator()}{self.body}" if self.body else heading

    def __str__(self) -> str:
        return f"{self.title}{self._separator()}{self.body}" if self.body else self.title

    __repr__ = __str__


def for_outcome(outcome: Outcome) -> Feedback:
    """The feedback shown by ``check()`` for an outcome."""
    return Feedback(outcome.status.value, outcome.message, outcome.status)
