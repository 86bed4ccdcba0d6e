"""Display objects: coloured Markdown in Jupyter, plain text in a terminal.

IPython picks ``_repr_markdown_`` in a notebook and ``__repr__`` elsewhere; outside IPython
``display`` prints ``str``. Nothing here runs JavaScript or talks to the network.
"""

from .i18n import _
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

    def _joined(self, heading: str) -> str:
        if not self.body:
            return heading
        # A body that opens with a code block must start on a line of its own, or Markdown
        # reads its opening fence as text and its closing fence as the start of a block.
        if self.body.lstrip().startswith(("```", "~~~")):
            template = _("{title}:\n\n{body}")
        else:
            template = _("{title}: {body}")
        return template.format(title=heading, body=self.body)

    def _repr_markdown_(self) -> str:
        return self._joined(
            f'<span style="color:{self._colour}; font-weight:bold">{self.title}</span>')

    def __str__(self) -> str:
        return self._joined(self.title)

    __repr__ = __str__


def for_outcome(outcome: Outcome) -> Feedback:
    """The feedback shown by ``check()`` for an outcome."""
    return Feedback(outcome.status.title, outcome.message, outcome.status)
