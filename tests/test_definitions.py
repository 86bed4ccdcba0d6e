"""Question definitions are checked when they are made: a name no judge can give, in a
predicate, a message or ``expected``, fails the import of the exercise module, naming the
question and the name; a mistake that works something out computes it once."""

import importlib.util
import textwrap

import numpy as np
import pytest

from learntools_lite.core import CodingProblem, Mistake
from learntools_lite.core.problem import DefinitionError


def problem(**changes) -> CodingProblem:
    definition = {"variables": ("side",), "inputs": ("image",),
                  "expected": lambda image: image.shape[1]}
    return CodingProblem(**{**definition, **changes})


@pytest.mark.parametrize("mistakes, errors, expected, words", [
    ((Mistake("halved", lambda answr: answr == 2, "Halved."),), (), None,
     "mistake 'halved', its when asks for `answr`"),
    ((Mistake("halved", lambda answer: answer == 2, lambda answer, imag: f"{imag}"),), (),
     None, "mistake 'halved', its message asks for `imag`"),
    # ``evidence`` belongs to mistakes that find something.
    ((Mistake("halved", lambda answer: answer == 2, lambda evidence: f"{evidence}"),), (),
     None, "mistake 'halved', its message asks for `evidence`"),
    ((), (Mistake("typo", lambda answer: True, "A typo."),), None,
     "mistake 'typo', its when asks for `answer`, which the checker does not give; it gives "
     "error."),
    ((), (), lambda images: images.shape[1], "its expected() asks for `images`"),
])
def test_a_name_the_judge_does_not_give_fails_when_the_question_is_defined(
        mistakes, errors, expected, words):
    changes = {"mistakes": mistakes, "errors": errors}
    if expected is not None:
        changes["expected"] = expected
    with pytest.raises(DefinitionError) as raised:
        problem(**changes)
    assert "the question on side:" in str(raised.value)
    assert words in str(raised.value)


def test_every_name_the_judge_gives_is_accepted():
    problem(mistakes=(
        Mistake("all", lambda answer, side, image, answers, expected: True,
                lambda answer, side, image, answers, expected: ""),
        Mistake("found", finds=lambda answer: answer,
                message=lambda evidence, answer, expected: f"{evidence}"),
    ), errors=(Mistake("raised", lambda error: True, lambda error: str(error)),))


def test_a_mistake_needs_exactly_one_test_and_a_message():
    with pytest.raises(TypeError, match="either 'when' or 'finds'"):
        Mistake("both", lambda answer: True, "Both.", finds=lambda answer: answer)
    with pytest.raises(TypeError, match="either 'when' or 'finds'"):
        Mistake("neither", message="Neither.")
    with pytest.raises(TypeError, match="has no message"):
        Mistake("silent", lambda answer: True)


def test_a_typo_in_an_exercise_module_fails_its_import(tmp_path):
    module = tmp_path / "exercise_with_a_typo.py"
    module.write_text(textwrap.dedent("""
        from learntools_lite.core import CodingProblem, Mistake, Question

        SIDE = CodingProblem(
            variables=("conv_side",),
            expected=lambda: 199,
            mistakes=(
                Mistake("same-rule", lambda conv_sid: conv_sid == 200, "That is SAME's rule."),
            ),
        )
        q_1 = Question(1, SIDE)
    """))
    spec = importlib.util.spec_from_file_location("exercise_with_a_typo", module)
    with pytest.raises(DefinitionError) as raised:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert str(raised.value) == (
        "the question on conv_side: mistake 'same-rule', its when asks for `conv_sid`, which "
        "the checker does not give; it gives answer, answers, conv_side, expected.")


def test_what_a_mistake_finds_is_computed_once_and_read_by_its_message(namespace):
    calls = []

    def kernel_behind(answer):
        calls.append(answer)
        return answer * 2

    q = problem(variables=("side",), inputs=(), expected=lambda: 3, mistakes=(
        Mistake("found", finds=lambda answer: kernel_behind(answer) if answer > 3 else None,
                message=lambda evidence: f"found {float(evidence):g}"),))
    namespace.update(side=5)
    outcome = q.evaluate(namespace)
    assert (outcome.mistake, outcome.message, len(calls)) == ("found", "found 10", 1)
    namespace.update(side=np.float64(2))  # finds nothing: the general message
    assert q.evaluate(namespace).mistake == ""
