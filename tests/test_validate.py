"""nbgrader's Validate (the learners' toolbar button, or ``nbgrader validate``) on the
released notebook: a test cell fails exactly when the learner's own check would not say
Correct, and the failure reads as the check's feedback. Grades never come from it (the
judge decides, outside the kernel); this is the learner's last look before submitting."""

import nbformat
import pytest
from grading_helpers import solution_answers, submission
from nbgrader.validator import Validator

EX1 = "ex1_convolution"
pytestmark = pytest.mark.slow


def validate(tmp_path, answers: dict) -> list[tuple[str, str]]:
    path = tmp_path / f"{EX1}.ipynb"
    nbformat.write(submission(EX1, answers), str(path))
    result = Validator().validate(str(path))
    assert set(result) <= {"failed"}, result  # no changed or type-changed cells
    return [(cell["source"], cell["error"]) for cell in result.get("failed", [])]


def test_the_worked_answers_pass(tmp_path):
    answers = {**solution_answers(EX1), "q_4_answer": "A ReLU keeps positive responses."}
    assert validate(tmp_path, answers) == []


def test_a_blank_notebook_fails_on_every_question_saying_what_is_missing(tmp_path):
    assert validate(tmp_path, {}) == [
        ("q_1.check()", "Not attempted yet: `kernel` is not defined yet. Fill in the cell "
                        "that creates `kernel` and run it."),
        ("q_2.check()", "Not attempted yet: This question uses your `kernel`, which is not "
                        "ready yet: `kernel` is not defined yet. Fill in the cell that "
                        "creates `kernel` and run it."),
        ("q_3.check()", "Not attempted yet: `image_filter` is not defined yet. Fill in the "
                        "cell that creates `image_filter` and run it."),
        ("YOUR ANSWER HERE", "You did not provide a response."),
        ("q_4.check()", "Not attempted yet: `image_filter` is not defined yet. Fill in the "
                        "cell that creates `image_filter` and run it."),
    ]


@pytest.mark.parametrize("answer, message", [
    ("image_detect = image_filter",
     "Incorrect: `image_detect` is the same as `image_filter`: no activation was applied. "
     "Pass the filtered image through `tf.nn.relu`."),
    ("image_detect = tf.nn.sigmoid(image_filter)",
     "Incorrect: `image_detect` is a sigmoid of `image_filter`, not its ReLU. ReLU sets every "
     "negative value to 0 and keeps positive values unchanged; use `tf.nn.relu`."),
    ("image_detect = ____(image_filter)",  # a blank left in: the cell stops before assigning
     "Not attempted yet: `image_detect` is not defined yet. Fill in the cell that creates "
     "`image_detect` and run it."),
])
def test_a_wrong_answer_fails_with_the_checks_own_message(tmp_path, answer, message):
    answers = {**solution_answers(EX1), "q_3": answer,
               "q_4_answer": "A ReLU keeps positive responses."}
    assert validate(tmp_path, answers) == [("q_3.check()", message)]
