"""The grader's judge agrees with the learner's own check on every case of the question tests.

A learner's ``q_n.check()`` captures and judges in the kernel (``Question.evaluate``). When
grading, the captured values cross to the trusted side as JSON (``core.wire``) and only
``problem.judge`` runs there. Both must reach the same verdict: same status, same message,
same mistake id. The same verdict is reached in Chinese too, with a Chinese message for every
question of a translated exercise.

Rather than repeating the answers of tests/test_ex1.py, test_ex2.py and test_ex3.py, this
module runs their question tests again, each case built by the test's own code and fixtures,
with ``Question.evaluate`` wrapped: every evaluation also captures the same namespace, sends
the values through a real JSON round trip and judges them, and the two verdicts must be
equal. The test's own assertions then run on the in-kernel verdict, as in its home module.
The last test counts the cases and checks that they reach every recognised mistake.
"""

import inspect
import json
import re
import sys
import types
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest
import test_ex1
import test_ex2
import test_ex3

# The fixtures the re-run tests ask for ("namespace" comes from the root conftest.py).
from test_ex1 import ex1, filtered  # noqa: F401
from test_ex2 import car  # noqa: F401
from test_ex3 import ns, setup_names  # noqa: F401

from learntools_lite.computer_vision import ex1 as exercise1
from learntools_lite.computer_vision import ex2 as exercise2
from learntools_lite.computer_vision import ex3 as exercise3
from learntools_lite.core import Question, Status, i18n, wire
from learntools_lite.core.capture import FunctionRecord, RaisedError, Returned, Unreadable

TEST_MODULES = {"ex1": test_ex1, "ex2": test_ex2, "ex3": test_ex3}

# Tests that cannot run with a second capture: they count the calls the check makes to the
# learner's function. Their answers are cases of other tests too.
NOT_RERUN = {
    ("ex2", "test_q3_calls_the_learners_function_once_per_case"): "counts the calls",
}

# Recognised mistakes that no case of the question tests produces (checked to be exact).
NOT_IN_THE_TABLES: dict[str, set[str]] = {}

QUESTIONS = {
    f"{label}.{question.name}": question
    for label, module in {"ex1": exercise1, "ex2": exercise2, "ex3": exercise3}.items()
    for question in vars(module).values() if isinstance(question, Question)
}
LABELS = {id(question): label for label, question in QUESTIONS.items()}


# --- the tests to run again ------------------------------------------------------------------

def _evaluating_helpers(module) -> set[str]:
    """Module-level helpers that evaluate a question: the module's own (``run``, ...) and
    the shared ones it imports from conftest.py (``outcome_for``)."""
    return {name for name, obj in vars(module).items()
            if inspect.isfunction(obj) and obj.__module__ in (module.__name__, "conftest")
            and not name.startswith("test_") and ".evaluate(" in inspect.getsource(obj)}


def _evaluates(function, helpers: set[str]) -> bool:
    source = inspect.getsource(function)
    return ".evaluate(" in source or any(
        re.search(rf"(?<![\w.]){re.escape(helper)}\(", source) for helper in helpers)


def _copy(function, name: str):
    """``function`` under ``name``, belonging to this module, marks (parametrize) included;
    it keeps its home module's globals, so its helpers and tables are the originals."""
    copy = types.FunctionType(function.__code__, function.__globals__, name,
                              function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__dict__.update(function.__dict__)
    copy.__module__, copy.__qualname__, copy.__doc__ = __name__, name, function.__doc__
    return copy


def _rerun_tests() -> dict[str, object]:
    copies = {}
    for label, module in TEST_MODULES.items():
        helpers = _evaluating_helpers(module)
        for name, function in vars(module).items():
            if (name.startswith("test_") and inspect.isfunction(function)
                    and function.__module__ == module.__name__
                    and (label, name) not in NOT_RERUN and _evaluates(function, helpers)):
                rerun_name = f"test_{label}_{name.removeprefix('test_')}"
                copies[rerun_name] = _copy(function, rerun_name)
    return copies


RERUN = _rerun_tests()
globals().update(RERUN)


def _items_of(function) -> int:
    """How many test items pytest makes of ``function``: the product of its parametrize
    marks' value lists (stacked marks multiply)."""
    count = 1
    for mark in getattr(function, "pytestmark", []):
        if mark.name == "parametrize":
            count *= len(mark.args[1])
    return count


# --- both ways ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One evaluation: which question, its verdict, and what kinds of value were captured."""

    question: str
    status: Status
    mistake: str
    kinds: frozenset[str]


CASES: dict[str, list[Case]] = {}  # test node id -> its evaluations, in order
ORIGINAL_EVALUATE = Question.evaluate


def _kinds(values: dict) -> frozenset[str]:
    kinds = set()
    for value in values.values():
        if isinstance(value, np.ndarray):
            kinds.add("array")
        elif isinstance(value, Unreadable):
            kinds.add("missing" if value.missing else "unreadable")
        elif isinstance(value, RaisedError):
            kinds.add("last error")
        elif isinstance(value, FunctionRecord):
            kinds.add("function")
            if any(isinstance(call, Unreadable) for call in value.calls):
                kinds.add("function raised")
            if any(isinstance(call, Returned) and isinstance(call.value, Unreadable)
                   for call in value.calls):
                kinds.add("function returned unreadable")
    return frozenset(kinds)


def both_ways(question: Question, record: list[Case]):
    """The in-kernel verdict of ``question``, after checking that the judge reaches the same
    verdict on the values captured from the same namespace and sent through JSON."""
    in_kernel = ORIGINAL_EVALUATE(question)
    namespace = question._binder.namespace  # the namespace Question.evaluate just read
    captured = question.problem.capture(namespace)
    sent = json.dumps(wire.encode(captured))
    judged = question.problem.judge(wire.decode(json.loads(sent)))
    label = LABELS.get(id(question), question.name)
    if judged != in_kernel:
        same_capture = question.problem.judge(captured)
        pytest.fail(
            f"{label}: the judge disagrees after the wire "
            f"(judging the capture before the wire gives the "
            f"{'in-kernel' if same_capture == in_kernel else 'other'} verdict)\n"
            f"in kernel: {in_kernel!r}\njudge:     {judged!r}", pytrace=False)
    in_chinese(question, in_kernel, label)
    record.append(Case(label, in_kernel.status, in_kernel.mistake, _kinds(captured)))
    return in_kernel


# In Chinese, every exercise reaches the same verdict, and each verdict with a message reads
# Chinese: outside code and Python's own error text, no English words but the names the
# course leaves as they are (libraries, functions, paddings, formulas), and no space after
# full-width punctuation.
CJK = re.compile(r"[\u3400-\u9fff]")
FULL_WIDTH_THEN_SPACE = re.compile("[" + "".join(i18n.FULL_WIDTH_ENDS) + "] ")
KEPT_IN_ENGLISH = {"ReLU", "ELU", "leaky", "sigmoid", "NaN", "TensorFlow", "Keras", "Dense",
                   "SAME", "VALID", "same", "valid", "ceil", "RGB", "squeeze"}


def english_words(message: str) -> set[str]:
    prose = re.sub(r"```.*?```|`[^`]*`|（\w+(Error|Exception):[^）]*）", "", message, flags=re.S)
    words = set(re.findall(r"[A-Za-z][A-Za-z_]+", prose)) - KEPT_IN_ENGLISH
    return {word for word in words if "_" not in word}  # a name in the prose is code


def in_chinese(question: Question, in_english, label: str) -> None:
    with i18n.speaking("zh-CN"):
        chinese = ORIGINAL_EVALUATE(question)
    if (chinese.status, chinese.mistake) != (in_english.status, in_english.mistake):
        pytest.fail(f"{label}: another verdict in Chinese\nEnglish: {in_english!r}\n"
                    f"Chinese: {chinese!r}", pytrace=False)
    if in_english.message and (not CJK.search(chinese.message)
                               or english_words(chinese.message)):
        pytest.fail(f"{label}: {in_english.mistake or in_english.status.name} has no Chinese "
                    f"message: {chinese.message!r}", pytrace=False)
    if FULL_WIDTH_THEN_SPACE.search(chinese.message):
        pytest.fail(f"{label}: a space after full-width punctuation (join sentences with "
                    f"i18n.sentences): {chinese.message!r}", pytrace=False)


@pytest.fixture(autouse=True)
def judge_every_evaluation(request, monkeypatch):
    """Every ``q_n.evaluate()`` in this module's tests is checked against the judge.

    pytest leaves a failed test's exception in ``sys.last_value``, where a check that finds
    a variable missing would read it as the learner's last error; tests that need one set
    their own, so every test starts without."""
    monkeypatch.setattr(sys, "last_value", None, raising=False)
    monkeypatch.delattr(sys, "last_exc", raising=False)
    record = CASES.setdefault(request.node.nodeid, [])
    monkeypatch.setattr(Question, "evaluate", lambda question: both_ways(question, record))


# --- what the run covered (keep these last: they read what the tests above recorded) --------

def test_rerun_selection_is_current():
    for label, name in NOT_RERUN:
        assert inspect.isfunction(getattr(TEST_MODULES[label], name, None)), (label, name)
    assert set(NOT_IN_THE_TABLES) <= set(QUESTIONS)
    # Every question test module contributes, parametrized tables included.
    assert {name.split("_")[1] for name in RERUN} == set(TEST_MODULES)
    assert sum(map(_items_of, RERUN.values())) >= 200


def test_every_case_agreed_and_reached_every_mistake(request):
    prefix = request.node.nodeid.rsplit("::", 1)[0] + "::"
    ran = {nodeid: cases for nodeid, cases in CASES.items()
           if nodeid.removeprefix(prefix).split("[")[0] in RERUN}
    expected = sum(map(_items_of, RERUN.values()))
    if len(ran) < expected:
        pytest.skip(f"only {len(ran)} of the {expected} re-run tests ran; run the whole file "
                    "to count the cases")

    assert not [nodeid for nodeid, cases in ran.items() if not cases], \
        "a re-run test evaluated no question"
    cases = [case for evaluations in ran.values() for case in evaluations]
    assert len(cases) >= 250
    per_question = Counter(case.question for case in cases)
    coding = {label for label, q in QUESTIONS.items() if not q.problem.is_thought}
    assert coding <= set(per_question), coding - set(per_question)
    # Every question of the course has a checked part, so none answers "thought question".
    assert not [label for label, q in QUESTIONS.items() if q.problem.is_thought]
    assert {case.status for case in cases} == set(Status) - {Status.CHECKER_ERROR,
                                                             Status.THOUGHT}

    # Every recognised mistake and recognised last-cell error, per question.
    missed = {}
    for label in sorted(coding):
        problem = QUESTIONS[label].problem
        ids = {mistake.id for mistake in (*problem.mistakes, *problem.errors)}
        seen = {case.mistake for case in cases if case.question == label and case.mistake}
        assert seen <= ids, (label, seen - ids)
        if ids - seen:
            missed[label] = ids - seen
    assert missed == NOT_IN_THE_TABLES

    # The errors= path: a missing variable explained by the learner's last exception.
    for label in ("ex1.q_2", "ex2.q_1"):
        errors = {m.id for m in QUESTIONS[label].problem.errors}
        explained = [case for case in cases if case.question == label
                     and "last error" in case.kinds and case.mistake in errors]
        assert explained and all(c.status is Status.LEARNER_ERROR for c in explained), label

    # The function question: a learner's pool2d crosses as a FunctionRecord, whatever it did.
    pool2d = [case for case in cases if case.question == "ex2.q_3" and "function" in case.kinds]
    assert len(pool2d) >= 20
    assert {case.status for case in pool2d} == {
        Status.CORRECT, Status.INCORRECT, Status.LEARNER_ERROR}
    assert any("function raised" in case.kinds for case in pool2d)
    assert any("function returned unreadable" in case.kinds for case in pool2d)

    print(f"\n{len(cases)} evaluations in {len(ran)} tests agreed: "
          + ", ".join(f"{label} {n}" for label, n in sorted(per_question.items())),
          file=sys.stderr)
