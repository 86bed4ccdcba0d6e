"""The checker core: binding, blanks, question definitions and feedback.

Nothing here knows about images, TensorFlow or nbgrader.
"""

from .binding import binder
from .blank import BlankError, ____
from .outcome import Outcome, Status
from .problem import CodingProblem, Mistake, ThoughtProblem, Tolerance
from .question import Question

__all__ = [
    "____", "BlankError", "CodingProblem", "Mistake", "Outcome", "Question", "Status",
    "ThoughtProblem", "Tolerance", "binder",
]
