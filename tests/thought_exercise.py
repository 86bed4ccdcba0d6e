"""A one-question exercise module for tests of the thought-question path (the course's own
questions all have a checked part)."""

from learntools_lite.core import Question, ThoughtProblem

q_4 = Question(4, ThoughtProblem(
    hints=("Think about translation.", "Think about averages."),
    solution="A pooled value is an average, so it hardly changes under translation."))
