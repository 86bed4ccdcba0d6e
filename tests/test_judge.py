"""The judge: scores each test cell of an executed notebook outside the learner's kernel.

The notebooks here are built by hand, their records made by the real
``Question.record_for_grading``, and judged by the real questions of exercise 1
(q_1: any non-zero 3 x 3 kernel is correct, all zeros is the mistake ``all-zeros``).
Scores are read with nbgrader's own ``determine_grade``: an error output scores 0.
"""

import copy
import json

import nbformat
import numpy as np
import pytest
import thought_exercise
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.utils import determine_grade

from learntools_lite.computer_vision import ex1
from learntools_lite.core import CodingProblem, Mistake, Question, wire
from learntools_lite.core import question as question_module
from learntools_lite.core.feedback import for_outcome
from learntools_lite.core.outcome import Outcome, Status, correct
from learntools_lite.instructor import judge
from learntools_lite.instructor.judge import Judgement

EXERCISE = "learntools_lite.computer_vision.ex1"
THOUGHT_EXERCISE = "thought_exercise"  # tests/thought_exercise.py: q_4 is a thought question
EDGES = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
ZEROS = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
PICTURE = np.random.default_rng(0).normal(size=(1, 10, 10, 1)).astype(np.float32)
PASSING = {**wire.encode({"kernel": np.array(EDGES, dtype=np.float64)}), "question": "q_1"}
ALL_ZEROS = next(m for m in ex1.KERNEL.mistakes if m.id == "all-zeros")


# --- building and judging notebooks ---------------------------------------------------------


def nbgrader(grade_id: str, *, grade: bool, solution: bool, points=None) -> dict:
    info = {"grade": grade, "grade_id": grade_id, "locked": not solution,
            "schema_version": 3, "solution": solution}
    if points is not None:
        info["points"] = points
    return {"nbgrader": info}


def graded_cell(question: str = "q_1", outputs=(), grade_id=None):
    """The locked, autograded test cell of ``question``, as nbgrader restores it."""
    number = question.removeprefix("q_")
    cell = new_code_cell(
        "### BEGIN HIDDEN TESTS\n"
        f"from {EXERCISE} import q_{number} as _question\n"
        "_question.record_for_grading(globals())\n"
        "### END HIDDEN TESTS\n"
        f"{question}.check()",
        metadata=nbgrader(grade_id or f"{question}_test", grade=True, solution=False, points=1))
    cell.outputs = [copy.deepcopy(o) for o in outputs]
    return cell


def answer_cell(question: str = "q_1", source: str = "kernel = ...", outputs=()):
    cell = new_code_cell(source, metadata=nbgrader(question, grade=False, solution=True))
    cell.outputs = [copy.deepcopy(o) for o in outputs]
    return cell


def judged(*cells, module: str = EXERCISE):
    """The notebook (read back from JSON, as the grader reads it) after judging."""
    notebook = nbformat.reads(nbformat.writes(new_notebook(cells=list(cells))), as_version=4)
    judgements = judge.judge_notebook(notebook, module)
    nbformat.validate(notebook)
    return notebook, judgements


def score(cell) -> float:
    points, _ = determine_grade(cell)
    return points


@pytest.fixture
def record(monkeypatch):
    """``record(question, namespace)``: the output ``question.record_for_grading`` shows."""
    shown = []
    monkeypatch.setattr(question_module, "display",
                        lambda obj, **kwargs: shown.append((obj, kwargs)))

    def make(question: Question, namespace: dict):
        shown.clear()
        question.record_for_grading(namespace)
        [(bundle, kwargs)] = shown
        assert kwargs == {"raw": True}
        assert set(bundle) == {wire.MIME_TYPE, "text/plain"}
        return new_output("display_data", data=bundle)

    return make


def passing_output() -> dict:
    feedback = for_outcome(correct())
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/markdown": feedback._repr_markdown_(), "text/plain": "Correct"}}


def assert_passed(cell, judgement, question="q_1"):
    assert cell.outputs == [passing_output()]
    assert score(cell) == 1
    assert judgement == Judgement(question, "CORRECT", "")


def assert_failed(cell, judgement, status: Status, message: str = None, *, contains=(),
                  mistake: str = "", question: str = "q_1"):
    """The cell holds exactly one error output, the verdict's, and scores 0."""
    [output] = cell.outputs
    assert output.output_type == "error"
    assert output.ename == status.value
    if message is not None:
        assert output.evalue == message
    for words in contains:
        assert words in output.evalue
    assert output.traceback == str(for_outcome(Outcome(status, output.evalue))).splitlines()
    assert score(cell) == 0
    assert judgement == Judgement(question, status.name, mistake)


def forged_correct_outputs() -> list:
    """Outputs a learner's kernel can produce that look like a passing check."""
    feedback = for_outcome(correct())
    return [
        new_output("stream", name="stdout", text="Correct\n"),
        new_output("display_data", data={"text/markdown": feedback._repr_markdown_(),
                                         "text/plain": "Correct"}),
        new_output("execute_result", data={"text/plain": "'Correct'"}, execution_count=3),
        new_output("display_data", data={"text/html": "<b>Correct</b>"}),
        # a passing record, but under another MIME type, or in an output's metadata
        new_output("display_data", data={wire.MIME_TYPE + "; v=2": json.dumps(PASSING),
                                         "text/plain": "q_1: answer recorded"}),
        new_output("display_data", data={"text/plain": "q_1: answer recorded"},
                   metadata={wire.MIME_TYPE: PASSING}),
    ]


# --- verdicts -------------------------------------------------------------------------------


def test_a_correct_record_passes(record):
    notebook, [judgement] = judged(answer_cell(),
                                   graded_cell(outputs=[record(ex1.q_1, {"kernel": EDGES})]))
    assert_passed(notebook.cells[1], judgement)


@pytest.mark.parametrize("kernel", [np.eye(3), np.array(EDGES, dtype=np.int8), [[0, 0, 0],
                                    [0, 1e-9, 0], [0, 0, 0]]])
def test_every_non_zero_kernel_passes(record, kernel):
    notebook, [judgement] = judged(graded_cell(outputs=[record(ex1.q_1, {"kernel": kernel})]))
    assert_passed(notebook.cells[0], judgement)


def test_a_wrong_record_fails_with_the_mistake_message_and_id(record):
    notebook, [judgement] = judged(graded_cell(outputs=[record(ex1.q_1, {"kernel": ZEROS})]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT, ALL_ZEROS.message,
                  mistake="all-zeros")


def test_a_wrong_shape_names_its_mistake(record):
    notebook, [judgement] = judged(graded_cell(outputs=[record(ex1.q_1, {"kernel": [1, 2]})]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT, mistake="not-3x3",
                  contains=["shape is `(2,)`"])


def test_the_verdict_is_the_same_as_the_learners_own_check(record, namespace):
    for kernel in (EDGES, ZEROS, "edges", [[1, np.nan, 1]] * 3):
        namespace["kernel"] = kernel
        notebook, [judgement] = judged(graded_cell(outputs=[record(ex1.q_1, namespace)]))
        outcome = ex1.q_1.evaluate()
        assert (judgement.status, judgement.mistake) == (outcome.status.name, outcome.mistake)
        [output] = notebook.cells[0].outputs
        if outcome.passed:
            assert output == passing_output()
        else:
            assert (output.ename, output.evalue) == (outcome.status.value, outcome.message)


def test_an_unreadable_answer_fails_with_the_reason(record):
    notebook, [judgement] = judged(graded_cell(outputs=[record(ex1.q_1, {"kernel": "edges"})]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT,
                  contains=["should hold real numbers"])


def test_a_missing_answer_is_not_attempted(record):
    notebook, [judgement] = judged(graded_cell(outputs=[record(ex1.q_1, {})]))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=["`kernel` is not defined yet"])


def test_no_record_after_an_error_says_which_error():
    error = new_output("error", ename="NameError", evalue="name 'kernel' is not defined",
                       traceback=["NameError: name 'kernel' is not defined"])
    notebook, [judgement] = judged(graded_cell(outputs=[error]))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=["No answer to q_1 was recorded",
                            "NameError: name 'kernel' is not defined"])


@pytest.mark.parametrize("ename, evalue", [
    ("AttributeError", "module 'learntools_lite.computer_vision.ex1.q_1' has no attribute "
                       "'record_for_grading'"),
    ("NameError", "name '_question' is not defined"),
])
def test_no_record_after_an_error_does_not_quote_the_hidden_test(ename, evalue):
    """An attack that breaks the hidden test's import makes its error name the hidden code;
    the feedback then names the error's type only."""
    error = new_output("error", ename=ename, evalue=evalue, traceback=[])
    notebook, [judgement] = judged(graded_cell(outputs=[error]))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=[f"(the cell stopped with {ename}). The notebook must"])
    shown = json.dumps(notebook.cells[0].outputs)
    assert "record_for_grading" not in shown and "_question" not in shown


def test_no_record_names_the_last_of_several_errors():
    errors = [new_output("error", ename=name, evalue=value, traceback=[])
              for name, value in (("ValueError", "first"), ("TimeoutError", "cell timed out"))]
    notebook, [judgement] = judged(graded_cell(outputs=errors))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=["TimeoutError: cell timed out"])
    assert "first" not in notebook.cells[0].outputs[0].evalue


def test_a_cell_that_never_ran_is_not_attempted():
    notebook, [judgement] = judged(graded_cell(outputs=[]))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=["No answer to q_1 was recorded for grading. The notebook must"])


def test_two_records_fail(record):
    good = record(ex1.q_1, {"kernel": EDGES})
    notebook, [judgement] = judged(graded_cell(outputs=[good, good]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT,
                  contains=["More than one answer to q_1 was recorded"])


def test_a_record_of_another_question_fails(record):
    # A record that would pass as q_1's, but says it is q_2's
    forged = record(ex1.q_1, {"kernel": EDGES})
    forged.data[wire.MIME_TYPE]["question"] = "q_2"
    notebook, [judgement] = judged(graded_cell(outputs=[forged]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT,
                  contains=["could not be read for grading", "not one of q_1"])


def test_a_real_record_of_another_question_fails(record):
    other = record(ex1.q_3, {"image_filter": np.zeros((1, 4, 4, 1)),
                             "image": np.zeros((1, 4, 4, 1)),
                             "image_detect": np.zeros((1, 4, 4, 1))})
    notebook, [judgement] = judged(graded_cell(outputs=[other]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT, contains=["not one of q_1"])


@pytest.mark.parametrize("change", [
    lambda data: data.pop("question"),
    lambda data: data.update(question=None),
    lambda data: data.update(question=["q_1"]),
    lambda data: data.update(question="q_1 "),
], ids=["no question", "question null", "question a list", "question with a space"])
def test_a_record_without_its_own_question_fails(record, change):
    forged = record(ex1.q_1, {"kernel": EDGES})
    change(forged.data[wire.MIME_TYPE])
    notebook, [judgement] = judged(graded_cell(outputs=[forged]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT, contains=["not one of q_1"])


@pytest.mark.parametrize("payload", ["q_1", ["q_1"], None, 1, True],
                         ids=["string", "list", "null", "number", "true"])
def test_a_record_that_is_not_an_object_fails(payload):
    output = new_output("display_data", data={wire.MIME_TYPE: payload, "text/plain": "q_1"})
    notebook, [judgement] = judged(graded_cell(outputs=[output]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT,
                  contains=["could not be read for grading"])


def test_a_fault_record_fails_and_says_why(record):
    class Broken:
        is_thought = False

        def capture(self, namespace):
            raise RuntimeError("capture exploded")

    fault = record(Question(1, Broken()), {"kernel": EDGES})
    assert fault.data[wire.MIME_TYPE] == {"format": wire.FORMAT, "question": "q_1",
                                          "fault": "RuntimeError: capture exploded"}
    notebook, [judgement] = judged(graded_cell(outputs=[fault]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT,
                  contains=["recording failed (RuntimeError: capture exploded)"])


def test_a_fault_next_to_correct_values_still_fails(record):
    forged = record(ex1.q_1, {"kernel": EDGES})
    forged.data[wire.MIME_TYPE]["fault"] = ""
    notebook, [judgement] = judged(graded_cell(outputs=[forged]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT, contains=["recording failed"])


@pytest.mark.parametrize("status", ["CORRECT", "THOUGHT_CORRECT", "Correct"])
def test_a_record_claiming_a_correct_unreadable_fails(record, status):
    forged = record(ex1.q_1, {"kernel": "not read"})
    forged.data[wire.MIME_TYPE]["values"]["kernel"]["status"] = status
    notebook, [judgement] = judged(graded_cell(outputs=[forged]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT,
                  contains=["could not be read for grading",
                            "a reason for an unreadable value has no failing status"])


def test_a_record_missing_the_variable_fails(record):
    forged = record(ex1.q_1, {"kernel": EDGES})
    del forged.data[wire.MIME_TYPE]["values"]["kernel"]
    notebook, [judgement] = judged(graded_cell(outputs=[forged]))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=["`kernel` was not recorded"])


def test_a_record_with_other_names_only_fails():
    data = {**wire.encode({"answer": np.array(EDGES), "Kernel": np.array(EDGES)}),
            "question": "q_1"}
    output = new_output("display_data", data={wire.MIME_TYPE: data})
    notebook, [judgement] = judged(graded_cell(outputs=[output]))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=["`kernel` was not recorded"])


def test_a_record_built_directly_from_a_capture_is_judged_the_same(record, namespace):
    namespace["kernel"] = EDGES
    data = {**wire.encode(ex1.KERNEL.capture(namespace)), "question": "q_1"}
    output = new_output("display_data", data={wire.MIME_TYPE: data})
    assert record(ex1.q_1, namespace).data[wire.MIME_TYPE] == data
    notebook, [judgement] = judged(graded_cell(outputs=[output]))
    assert_passed(notebook.cells[0], judgement)


def test_a_record_that_cannot_be_decoded_fails_and_says_why(record):
    forged = record(ex1.q_1, {"kernel": EDGES})
    forged.data[wire.MIME_TYPE]["values"]["kernel"]["npy"] = "!!!"
    notebook, [judgement] = judged(graded_cell(outputs=[forged]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT,
                  contains=["could not be read for grading: an array could not be read"])


def test_a_forged_last_error_cannot_pass(record):
    # q_2 recognises errors of the learner's last run; a forged one only explains a failure.
    forged = record(ex1.q_2, {"kernel": EDGES, "image": PICTURE})
    forged.data[wire.MIME_TYPE]["values"]["<last error>"] = {
        "kind": "error", "type": "InvalidArgumentError",
        "message": "filter must be 4-dimensional"}
    notebook, [judgement] = judged(graded_cell("q_2", outputs=[forged]))
    assert_failed(notebook.cells[0], judgement, Status.LEARNER_ERROR, mistake="filter-not-4d",
                  question="q_2", contains=["`image_filter` is not defined yet"])


def test_a_question_using_an_earlier_answer_is_judged_on_its_record(record):
    image = PICTURE
    answers = {"kernel": np.array(EDGES), "image": image,
               "image_filter": ex1.convolve(image, np.array(EDGES))}
    flipped = {**answers, "kernel": np.arange(9.0).reshape(3, 3),
               "image_filter": ex1.convolve(image, np.arange(9.0).reshape(3, 3)[::-1, ::-1])}
    blocked = {**answers, "kernel": ZEROS}
    notebook, judgements = judged(
        graded_cell("q_2", outputs=[record(ex1.q_2, answers)]),
        graded_cell("q_2", outputs=[record(ex1.q_2, flipped)]),
        graded_cell("q_2", outputs=[record(ex1.q_2, blocked)]))
    assert_passed(notebook.cells[0], judgements[0], question="q_2")
    assert_failed(notebook.cells[1], judgements[1], Status.INCORRECT, mistake="kernel-flipped",
                  question="q_2")
    assert_failed(notebook.cells[2], judgements[2], Status.INCORRECT, question="q_2",
                  contains=["This question uses your `kernel`, which is not ready yet",
                            ALL_ZEROS.message])


# --- test cells that no coding question stands behind ---------------------------------------


@pytest.mark.parametrize("question, grade_id, module", [
    ("q_9", "q_9_test", EXERCISE),  # no such question
    ("q_4", "q_4_test", THOUGHT_EXERCISE),  # a thought question: nothing to judge
    ("q_1", "kernel_test", EXERCISE),  # not a question's name at all
    ("q_1", "_test", EXERCISE),
    ("q_1", "q_1_test_test", EXERCISE),
])
def test_a_test_cell_without_a_coding_question_fails(record, question, grade_id, module):
    name = grade_id.removesuffix("_test")
    output = record(ex1.q_1, {"kernel": EDGES})
    output.data[wire.MIME_TYPE]["question"] = name  # claims to be this cell's own record
    notebook, [judgement] = judged(graded_cell(question, outputs=[output], grade_id=grade_id),
                                   module=module)
    assert_failed(notebook.cells[0], judgement, Status.CHECKER_ERROR, question=name,
                  contains=[f"the exercise has no coding question {name}"])


def test_a_thought_questions_own_record_does_not_pass(record):
    notebook, [judgement] = judged(graded_cell("q_4", outputs=[record(thought_exercise.q_4, {})]),
                                   module=THOUGHT_EXERCISE)
    assert_failed(notebook.cells[0], judgement, Status.CHECKER_ERROR, question="q_4")


# --- outputs that claim a pass --------------------------------------------------------------


def test_outputs_claiming_correct_without_a_record_score_zero():
    notebook, [judgement] = judged(graded_cell(outputs=forged_correct_outputs()))
    assert_failed(notebook.cells[0], judgement, Status.NOT_ATTEMPTED,
                  contains=["No answer to q_1 was recorded"])


def test_the_learners_own_outputs_in_the_test_cell_are_replaced(record):
    for kernel, passes in ((EDGES, True), (ZEROS, False)):
        outputs = [*forged_correct_outputs(), record(ex1.q_1, {"kernel": kernel}),
                   *forged_correct_outputs()]
        notebook, [judgement] = judged(graded_cell(outputs=outputs))
        cell = notebook.cells[0]
        if passes:
            assert_passed(cell, judgement)
        else:
            assert_failed(cell, judgement, Status.INCORRECT, ALL_ZEROS.message,
                          mistake="all-zeros")


def test_a_test_cell_whose_check_shows_correct_is_judged_on_its_record(record):
    # The learner's own q_1.check() after the record said "Correct" for a zero kernel.
    feedback = for_outcome(correct())
    shown = new_output("display_data", data={"text/markdown": feedback._repr_markdown_(),
                                             "text/plain": str(feedback)})
    notebook, [judgement] = judged(graded_cell(outputs=[record(ex1.q_1, {"kernel": ZEROS}),
                                                      shown]))
    assert_failed(notebook.cells[0], judgement, Status.INCORRECT, mistake="all-zeros")


def test_printing_correct_is_not_a_pass():
    only_stdout = [new_output("stream", name="stdout", text="Correct")]
    notebook, [judgement] = judged(graded_cell(outputs=only_stdout))
    assert score(notebook.cells[0]) == 0
    assert judgement.status == "NOT_ATTEMPTED"


# --- cells that are not test cells ----------------------------------------------------------


def test_other_cells_keep_their_outputs_but_lose_records(record):
    kept = [new_output("stream", name="stdout", text="hello\n"),
            new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                             "text/plain": "<Figure>"}),
            new_output("execute_result", data={"text/plain": "3"}, execution_count=1),
            new_output("error", ename="ValueError", evalue="x", traceback=[])]
    good = record(ex1.q_1, {"kernel": EDGES})
    answer = answer_cell(outputs=[kept[0], good, kept[1], good, kept[2], kept[3]])
    plain = new_code_cell("print('hello')")
    plain.outputs = [copy.deepcopy(good), copy.deepcopy(kept[0])]
    markdown = new_markdown_cell("# Exercise 1")
    notebook, [judgement] = judged(markdown, answer, plain, graded_cell(outputs=[]))
    assert notebook.cells[0].source == "# Exercise 1" and "outputs" not in notebook.cells[0]
    assert notebook.cells[1].outputs == kept
    assert notebook.cells[2].outputs == [kept[0]]
    # a record outside the test cell does not count for it
    assert_failed(notebook.cells[3], judgement, Status.NOT_ATTEMPTED)


@pytest.mark.parametrize("metadata", [
    nbgrader("q_1_test", grade=False, solution=False),  # not graded
    nbgrader("q_1", grade=True, solution=True, points=1),  # graded, but an answer cell
    {},
], ids=["not graded", "answer cell", "no nbgrader metadata"])
def test_only_graded_test_cells_are_judged(record, metadata):
    cell = new_code_cell("q_1.check()", metadata=metadata)
    cell.outputs = [record(ex1.q_1, {"kernel": EDGES}),
                    new_output("stream", name="stdout", text="hi")]
    notebook, judgements = judged(cell)
    assert judgements == []
    assert notebook.cells[0].outputs == [new_output("stream", name="stdout", text="hi")]


def test_a_markdown_cell_named_like_a_test_is_not_judged():
    cell = new_markdown_cell("q_1 Correct", metadata=nbgrader("q_1_test", grade=True,
                                                             solution=False, points=1))
    notebook, judgements = judged(cell)
    assert judgements == []
    assert notebook.cells[0].source == "q_1 Correct"


def test_every_test_cell_gets_its_own_judgement_in_order(record):
    notebook, judgements = judged(
        answer_cell(),
        graded_cell("q_1", outputs=[record(ex1.q_1, {"kernel": ZEROS})]),
        answer_cell("q_2"),
        graded_cell("q_2", outputs=[]),
        graded_cell("q_3", outputs=[record(ex1.q_3, {})]),
        graded_cell("q_1", outputs=[record(ex1.q_1, {"kernel": EDGES})]))
    assert judgements == [Judgement("q_1", "INCORRECT", "all-zeros"),
                          Judgement("q_2", "NOT_ATTEMPTED", ""),
                          Judgement("q_3", "NOT_ATTEMPTED", ""),
                          Judgement("q_1", "CORRECT", "")]
    assert [score(notebook.cells[i]) for i in (1, 3, 4, 5)] == [0, 0, 0, 1]


# --- faults of the checker itself -----------------------------------------------------------


def _broken_mistake_problem() -> CodingProblem:
    return CodingProblem(variables=("kernel",),
                         mistakes=(Mistake("boom", lambda answer: 1 / 0, "never shown"),))


@pytest.mark.parametrize("break_it", ["mistake raises", "judge raises"])
def test_a_fault_in_the_question_definition_is_a_checker_problem(record, monkeypatch,
                                                                  break_it):
    output = record(ex1.q_1, {"kernel": EDGES})
    if break_it == "mistake raises":
        monkeypatch.setattr(ex1.q_1, "problem", _broken_mistake_problem())
        expected = "ZeroDivisionError: division by zero"
    else:
        def judge_raises(self, values):
            raise RuntimeError("judge exploded")

        monkeypatch.setattr(CodingProblem, "judge", judge_raises)
        expected = "RuntimeError: judge exploded"
    notebook, [judgement] = judged(graded_cell(outputs=[output]))
    assert_failed(notebook.cells[0], judgement, Status.CHECKER_ERROR,
                  contains=[f"The check itself failed with `{expected}`"])


def test_a_hostile_record_that_breaks_decoding_scores_zero_without_raising():
    data = {"format": wire.FORMAT, "question": "q_1", "values": {"kernel": {
        "kind": "function", "signature": None, "accepts_probe": True, "calls": ["x"]}}}
    output = new_output("display_data", data={wire.MIME_TYPE: data})
    notebook, [judgement] = judged(answer_cell(), graded_cell(outputs=[output]))
    assert_failed(notebook.cells[1], judgement, Status.INCORRECT)


# --- the submission's language ---------------------------------------------------------------

def setup_cell(arguments: str):
    return new_code_cell(f"from learntools_lite.core import binder; binder.bind({arguments})\n"
                         f"from {EXERCISE} import *")


@pytest.mark.parametrize("arguments, language", [
    ("globals(), lang='zh-CN'", "zh-CN"), ('globals(), lang="zh_CN"', "zh-CN"),
    ("globals()", "en"), ("globals(), lang='en'", "en"), ("globals(), lang='fr'", "en")])
def test_the_judge_reads_the_language_the_notebook_was_bound_in(arguments, language):
    notebook = new_notebook(cells=[new_markdown_cell("binder.bind(globals(), lang='zh-CN')"),
                                   setup_cell(arguments), graded_cell()])
    assert judge.language_of(notebook) == language


@pytest.mark.parametrize("metadata, arguments, language", [
    ({"cvcourse": {"lang": "zh-CN"}}, "globals()", "zh-CN"),
    ({"cvcourse": {"lang": "zh-CN"}}, "globals(), lang='en'", "en"),
    ({"cvcourse": {"lang": "en"}}, "globals(), lang='zh-CN'", "zh-CN"),
    ({"cvcourse": {"lang": "klingon"}}, "globals()", "en"),
    ({"cvcourse": {"lang": ["zh-CN"]}}, "globals()", "en"),
    ({"cvcourse": "zh-CN"}, "globals()", "en"),
    ({}, "globals()", "en")])
def test_without_a_bound_language_the_metadata_the_build_wrote_decides(metadata, arguments,
                                                                        language):
    notebook = new_notebook(cells=[setup_cell(arguments), graded_cell()], metadata=metadata)
    assert judge.language_of(notebook) == language


def test_a_chinese_submission_gets_its_verdicts_in_chinese(record):
    notebook, judgements = judged(
        setup_cell("globals(), lang='zh-CN'"), graded_cell("q_1", outputs=[]),
        graded_cell("q_2", outputs=[record(ex1.q_2, {})]))
    unrecorded, missing = (cell.outputs[0] for cell in notebook.cells[1:])
    assert (unrecorded.ename, unrecorded.evalue) == (
        "尚未作答", "评分时没有记录到 q_1 的答案。笔记本必须能从头到尾一次运行完，中途不能出错。")
    assert unrecorded.traceback == [
        "尚未作答：评分时没有记录到 q_1 的答案。笔记本必须能从头到尾一次运行完，中途不能出错。"]
    assert missing.ename == "尚未作答"
    assert [j.status for j in judgements] == ["NOT_ATTEMPTED", "NOT_ATTEMPTED"]
    # The language was the submission's alone: the next one is judged in English again.
    notebook, _ = judged(graded_cell(outputs=[]))
    assert notebook.cells[0].outputs[0].ename == "Not attempted yet"
