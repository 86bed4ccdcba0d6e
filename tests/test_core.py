"""The checker core on its own: outcomes, blanks, hints, binding and error containment."""

from dataclasses import dataclass

import numpy as np
import pytest

from learntools_lite.core import (
    BlankError,
    CodingProblem,
    Mistake,
    Question,
    Status,
    ThoughtProblem,
    Tolerance,
    ____,
    binder,
)
from learntools_lite.core.binding import Binder
from learntools_lite.core.blank import contains_blank
from learntools_lite.core.capture import Call, FunctionCalls, FunctionRecord, Returned, Unreadable
from learntools_lite.core.feedback import for_outcome
from learntools_lite.core.outcome import learner_error
from learntools_lite.core.question import SOLUTIONS_SWITCH
from learntools_lite.core.trials import trials
from learntools_lite.core.values import Verdict

DOUBLE = CodingProblem(
    variables=("doubled",),
    inputs=("numbers",),
    expected=lambda numbers: 2 * numbers,
    tolerance=Tolerance(atol=1e-6, rtol=0),
    hints=("Multiply.", "Use `2 * numbers`."),
    solution="```python\ndoubled = 2 * numbers\n```",
    mistakes=(Mistake("added-two", lambda answer, numbers: np.allclose(answer, numbers + 2),
                      "You added 2 instead of multiplying by 2."),),
)


@pytest.fixture
def q(namespace):
    namespace["numbers"] = np.arange(4.0)
    return Question(1, DOUBLE)


def test_correct_answers_in_several_forms_pass(q, namespace):
    for answer in ([0, 2, 4, 6], np.arange(4) * 2, (0.0, 2.0, 4.0, 6.0000001)):
        namespace["doubled"] = answer
        assert q.evaluate().status is Status.CORRECT
        q.assert_check_passed()


def test_recognised_mistake_names_itself(q, namespace):
    namespace["doubled"] = np.arange(4.0) + 2
    outcome = q.evaluate()
    assert outcome.status is Status.INCORRECT
    assert outcome.message == "You added 2 instead of multiplying by 2."
    with pytest.raises(AssertionError, match="added 2 instead"):
        q.assert_check_passed()
    q.assert_check_failed()


def test_unrecognised_wrong_values_report_the_largest_difference(q, namespace):
    namespace["doubled"] = [0, 2, 4, 7]
    message = q.evaluate().message
    assert "right shape `(4,)` but different values" in message
    assert "largest difference is 1 at index `(3,)`" in message


def test_wrong_shape_is_named(q, namespace):
    namespace["doubled"] = [[0, 2, 4, 6]]
    assert q.evaluate().message == (
        "`doubled` has shape `(1, 4)`, but the expected result has shape `(4,)`.")


@pytest.mark.parametrize("value, words", [
    ("two", "should hold real numbers, but it holds `<U3` values (it is a `str`)"),
    ([True, False, True, True], "holds `bool` values"),
    ([0, 2, np.nan, 6], "contains 1 NaN or infinite value(s)"),
    ([0, 2, [4], 6], "could not be read as an array of numbers"),
    ({"a": 1}, "should hold real numbers"),
])
def test_unreadable_answers_get_a_clear_message(q, namespace, value, words):
    namespace["doubled"] = value
    outcome = q.evaluate()
    assert outcome.status is Status.INCORRECT
    assert words in outcome.message


def test_missing_blank_and_deleted_variables_are_not_attempted(q, namespace):
    assert q.evaluate().status is Status.NOT_ATTEMPTED
    assert "`doubled` is not defined yet" in q.evaluate().message
    namespace["doubled"] = ____
    assert "still contains a blank" in q.evaluate().message
    namespace["doubled"] = [0, ____, 4, 6]
    assert q.evaluate().status is Status.NOT_ATTEMPTED
    namespace["doubled"] = [0, 2, 4, 6]
    del namespace["doubled"]
    assert q.evaluate().status is Status.NOT_ATTEMPTED
    with pytest.raises(AssertionError, match="Not attempted"):
        q.assert_check_passed()


def test_missing_input_is_not_attempted(q, namespace):
    del namespace["numbers"]
    namespace["doubled"] = [0, 2, 4, 6]
    assert q.evaluate().message.startswith("`numbers` is not defined yet")


def test_error_inside_the_checker_is_contained(namespace):
    broken = Question(9, CodingProblem(variables=("x",), expected=lambda x: 1 / 0))
    namespace["x"] = 1
    outcome = broken.evaluate()
    assert outcome.status is Status.CHECKER_ERROR
    assert "ZeroDivisionError: division by zero" in outcome.message
    assert "problem in the checker" in outcome.message
    assert "Traceback" not in str(for_outcome(outcome))


def test_learner_function_calls_are_recorded_and_their_errors_reported_as_theirs(namespace):
    calls = FunctionCalls(calls=lambda: (Call("f(zeros)", (np.zeros(3),)),
                                         Call("f(ones)", (np.ones(2),))),
                          probe=Call("f(x)", (np.zeros(1),)))
    problem = CodingProblem(variables=("f",), read=calls)

    def raising(x):
        raise KeyError("oops")

    def changing(x):
        x[0] = 5
        return x.sum()

    namespace["f"] = raising
    record = problem.capture(namespace)["f"]
    assert record.accepts_probe and record.signature == "(x)"
    assert len(record.calls) == 1  # no calls after the one that raised
    assert record.calls[0].outcome.status is Status.LEARNER_ERROR
    assert record.calls[0].outcome.message == (
        "Your `f` raised `KeyError: 'oops'` when the checker called it with an input of "
        "shape (3,).")
    namespace["f"] = changing
    first, second = problem.capture(namespace)["f"].calls
    assert isinstance(first, Returned) and first.mutated and first.value == 5.0
    namespace["f"] = lambda x, y: None
    record = problem.capture(namespace)["f"]
    assert not record.accepts_probe and record.signature == "(x, y)"
    namespace["f"] = lambda x: None
    assert [c.value for c in problem.capture(namespace)["f"].calls] == [None, None]
    namespace["f"] = lambda x: ____
    assert problem.capture(namespace)["f"].calls[0].outcome.message == (
        "Your `f` still returns a blank (`____`). Finish its code.")
    namespace["f"] = lambda x: ____ + 1
    assert problem.evaluate(namespace).status is Status.NOT_ATTEMPTED
    namespace["f"] = lambda x: "text"
    result = problem.capture(namespace)["f"].calls[0].value
    assert isinstance(result, Unreadable) and "`f(zeros)` should hold real numbers" in (
        result.outcome.message)
    namespace["f"] = 3
    assert problem.evaluate(namespace).message == (
        "`f` should be a function defined with `def f(...)`, but it is a `int`.")


@dataclass(frozen=True)
class _DoubleCase:
    """The least a case of ``trials`` needs: ``double(x)`` on ``[1, 2]``."""

    function: str = "double"
    call: str = "double(x)"
    where: str = "`double(x)` with `x = [1, 2]`"

    def arguments(self):
        return (np.array([1.0, 2.0]),), {}

    def expected(self):
        return np.array([2.0, 4.0])


@pytest.mark.parametrize("record, words, mistake", [
    (Unreadable(learner_error("Your `double` raised `ValueError`.", "raised-value")),
     "Your `double` raised `ValueError`. The call was `double(x)`.", "raised-value"),
    (Returned(Unreadable(learner_error("It should hold real numbers.", "text-result")), False),
     "It should hold real numbers. The call was `double(x)` with `x = [1, 2]`.", "text-result"),
])
def test_an_unreadable_call_keeps_its_mistake_id_and_names_the_call(record, words, mistake):
    answer = FunctionRecord(signature="(x)", accepts_probe=True, calls=(record,))
    with pytest.raises(Verdict) as raised:
        trials(answer, (_DoubleCase(),), Tolerance())
    outcome = raised.value.outcome
    assert (outcome.status, outcome.message, outcome.mistake) == (
        Status.LEARNER_ERROR, words, mistake)


def test_hints_count_and_bounds(q, capsys):
    q.hint()
    q.hint(2)
    q.hint(3)
    q.hint(0)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Hint 1 of 2: Multiply.",
        "Hint 2 of 2: Use `2 * numbers`.",
        "Hint: This question has 2 hints: ask for `q_1.hint(1)` to `q_1.hint(2)`.",
        "Hint: This question has 2 hints: ask for `q_1.hint(1)` to `q_1.hint(2)`.",
    ]
    assert q.hints_viewed == 2
    Question(3, CodingProblem(variables=("y",))).hint()
    assert capsys.readouterr().out == "Hint: This question has no hints.\n"


def test_solution_can_be_switched_off(q, capsys, monkeypatch):
    q.solution()
    assert "doubled = 2 * numbers" in capsys.readouterr().out
    assert q.solution_viewed
    monkeypatch.setenv(SOLUTIONS_SWITCH, "off")
    q.solution()
    assert capsys.readouterr().out == "Solution: Solutions are disabled for this assignment.\n"


def test_feedback_renders_coloured_markdown_and_plain_text(q, namespace):
    namespace["doubled"] = [0, 2, 4, 6]
    feedback = for_outcome(q.evaluate())
    assert feedback._repr_markdown_() == (
        '<span style="color:#2e9e44; font-weight:bold">Correct</span>')
    assert str(feedback) == repr(feedback) == "Correct"


def test_thought_question_check_shows_the_solution(namespace, capsys):
    question = Question(4, ThoughtProblem(solution="Because."))
    question.check()
    assert capsys.readouterr().out == "Solution: Because.\n"
    assert question.solution_viewed


def test_check_before_bind_explains_the_set_up_cell(namespace):
    question = Question(1, DOUBLE, Binder())
    outcome = question.evaluate()
    assert outcome.status is Status.NOT_ATTEMPTED
    assert "binder.bind(globals())" in outcome.message


def test_binding_again_switches_namespace(q, namespace):
    namespace["doubled"] = [0, 2, 4, 6]
    assert q.evaluate().passed
    binder.bind({"numbers": np.arange(4.0), "doubled": [1, 1, 1, 1]})
    assert not q.evaluate().passed
    binder.bind(namespace)
    assert q.evaluate().passed
    with pytest.raises(TypeError, match="globals"):
        binder.bind(None)


@pytest.mark.parametrize("use", [
    lambda: ____ + 1, lambda: 2 * ____, lambda: -____, lambda: float(____), lambda: bool(____),
    lambda: np.asarray(____), lambda: np.array([1, ____]), lambda: ____[0], lambda: list(____),
    lambda: ____ < 1, lambda: ____ @ np.eye(2),
])
def test_blank_explains_itself_when_used(use):
    with pytest.raises(BlankError, match="still has a blank"):
        use()


def test_blank_explains_itself_to_tensorflow():
    import tensorflow as tf

    with pytest.raises(BlankError, match="still has a blank"):
        tf.nn.conv2d(tf.zeros([1, 4, 4, 1]), ____, 1, "SAME")
    with pytest.raises(ValueError, match="still has a blank"):
        tf.constant([[____, 1]])


def test_blank_is_a_single_visible_object():
    assert repr(____) == "____"
    assert type(____)() is ____
    assert contains_blank({"k": [1, (2, ____)]}) and not contains_blank([1, (2, 3)])


def test_library_errors_that_show_the_blank_count_as_blanks():
    import keras

    from learntools_lite.core.blank_display import caused_by_blank

    with pytest.raises(ValueError) as raised:
        keras.Sequential([keras.layers.Flatten(), ____])
    assert caused_by_blank(raised.value)
    assert not caused_by_blank(ValueError("a real problem"))


def test_a_solution_that_opens_with_code_renders_as_a_code_block(namespace):
    from learntools_lite.core.feedback import Feedback

    feedback = Feedback("Solution", "```python\nx = 1\n```\nWhy it works.")
    assert feedback._repr_markdown_().endswith("Solution</span>:\n\n```python\nx = 1\n```\n"
                                               "Why it works.")
    assert str(feedback) == "Solution:\n\n```python\nx = 1\n```\nWhy it works."


def test_long_learner_texts_are_clipped_alike_in_the_kernel_and_after_the_wire(namespace):
    import json

    from learntools_lite.core import wire
    from learntools_lite.core.capture import MAX_TEXT

    calls = FunctionCalls(calls=lambda: (Call("f(zeros)", (np.zeros(3),)),),
                          probe=Call("f(x)", (np.zeros(1),)))
    problem = CodingProblem(variables=("f",), read=calls,
                            mistakes=(Mistake("raised", lambda f: len(f.calls[0].outcome.message)
                                              > MAX_TEXT - 10, lambda f: "long"),))
    long_parameters = ", ".join(f"p{n}=None" for n in range(1000))
    exec(f"def f(x, {long_parameters}):\n    raise ValueError('x' * 5000)", namespace)
    values = problem.capture(namespace)
    assert len(values["f"].signature) == MAX_TEXT
    assert len(values["f"].calls[0].outcome.message) == MAX_TEXT
    crossed = wire.decode(json.loads(json.dumps(wire.encode(values))))
    assert problem.judge(crossed) == problem.judge(values) == problem.evaluate(namespace)
    assert problem.judge(crossed).message == "long"


def test_array_keys_tell_the_same_object_from_the_same_values():
    from learntools_lite.core.array_keys import SameArray, SameContent

    values = np.arange(12.0).reshape(3, 4)
    copy = values.copy()
    assert SameArray(values) == SameArray(values) and hash(SameArray(values)) == hash(
        SameArray(values))
    assert SameArray(values) != SameArray(copy)
    assert SameContent(values) == SameContent(copy)
    assert hash(SameContent(values)) == hash(SameContent(copy))
    # Same bytes, other meaning: a reshaped or retyped array is another key.
    assert SameContent(values) != SameContent(values.reshape(4, 3))
    assert SameContent(values) != SameContent(values.view(np.int64))
    assert SameContent(values.T) == SameContent(np.ascontiguousarray(values.T))
    changed = copy.copy()
    changed[2, 3] += 1e-9
    assert SameContent(values) != SameContent(changed)


def test_the_base_runs_once_for_each_batch_of_values(monkeypatch):
    from learntools_lite.computer_vision import ex3, vehicle_dataset

    calls = []
    real_base = vehicle_dataset.cached_vehicle_base()

    def counted(images, **options):
        calls.append(images.shape)
        return real_base(images, **options)

    monkeypatch.setattr(vehicle_dataset, "cached_vehicle_base", lambda: counted)
    vehicle_dataset._feature_maps.cache_clear()
    ex3._checked_maps.cache_clear()
    images = np.random.default_rng(3).random((2, 64, 64, 3))
    first = ex3.base_maps(images)
    assert ex3.base_maps(images) is first and ex3.base_maps(images.copy()) is first
    assert calls == [(2, 64, 64, 3)]
    ex3.base_maps(images[:1])
    assert calls == [(2, 64, 64, 3), (1, 64, 64, 3)]
    vehicle_dataset._feature_maps.cache_clear()
    ex3._checked_maps.cache_clear()
