"""The judge: scores each test cell of an executed notebook outside the learner's kernel.

The sandboxed run hands back the notebook with, in each test cell, one display output
holding the question's captured values (``Question.record_for_grading``). Here, on the
trusted side, the same question definitions judge those values, and the cell's outputs are
replaced by the verdict: a passing cell gets the "Correct" note, a failing one an error
output carrying the learner's message. nbgrader then scores the cell as usual (an error
output scores 0). Nothing the kernel printed or claimed decides a verdict: a cell without
exactly one readable record of its own question scores 0, and the reason is shown.
"""

import builtins
import importlib
import keyword
import re
from dataclasses import dataclass

import nbformat

from ..core import Question, i18n
from ..core.feedback import for_outcome
from ..core.i18n import _
from ..core.outcome import Outcome, Status, checker_error
from ..core.wire import MIME_TYPE, WireError, decode

TEST_SUFFIX = "_test"


@dataclass(frozen=True)
class Judgement:
    """One question's verdict for one notebook: what the misconception record keeps."""

    question: str  # q_1, q_2, ...
    status: str  # an Outcome status name: CORRECT, INCORRECT, ...
    mistake: str  # the recognised mistake's id, or ""


def questions_of(module_name: str) -> dict[str, Question]:
    """The questions of an exercise module, by name (q_1, ...)."""
    module = importlib.import_module(module_name)
    return {q.name: q for q in vars(module).values() if isinstance(q, Question)}


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _hidden_names(source: str) -> set[str]:
    """Names only a test cell's hidden part uses (which feedback must not show): not those of
    its visible part, the modules it imports (the learner imports them too), keywords or
    builtins."""
    before, _, rest = source.partition("### BEGIN HIDDEN TESTS")
    hidden, _, after = rest.partition("### END HIDDEN TESTS")
    public = set(IDENTIFIER.findall(before + after)) | set(keyword.kwlist) | set(dir(builtins))
    modules = {part for line in hidden.splitlines() if line.startswith("from ")
               for part in IDENTIFIER.findall(line.split(" import ")[0])}
    return set(IDENTIFIER.findall(hidden)) - public - modules


def _no_record(cell, name: str) -> Outcome:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    shown = ""
    if errors:
        ename, evalue = str(errors[-1].get("ename", "")), str(errors[-1].get("evalue", ""))
        # The error's text may quote the hidden test (an attack that breaks its import does
        # so on purpose); then only the error's type is shown.
        words = set(IDENTIFIER.findall(evalue))
        shown = ename if words & _hidden_names(cell.get("source", "")) else f"{ename}: {evalue}"
        message = _("No answer to {name} was recorded for grading (the cell stopped with "
                    "{error}). The notebook must run from top to bottom without stopping.")
    else:
        message = _("No answer to {name} was recorded for grading. The notebook must run "
                    "from top to bottom without stopping.")
    return Outcome(Status.NOT_ATTEMPTED, message.format(name=name, error=shown))


def verdict(cell, question: Question | None, name: str) -> Outcome:
    """The outcome for one test cell, from the values recorded in its outputs."""
    if question is None or question.problem.is_thought:
        return checker_error(LookupError(f"the exercise has no coding question {name}"))
    records = [o["data"][MIME_TYPE] for o in cell.get("outputs", [])
               if MIME_TYPE in o.get("data", {})]
    if not records:
        return _no_record(cell, name)
    if len(records) > 1:
        return Outcome(Status.INCORRECT, _("More than one answer to {name} was recorded; the "
                                           "cell must record exactly one.").format(name=name))
    record = records[0]
    try:
        if not isinstance(record, dict) or record.get("question") != name:
            raise WireError(f"the record is not one of {name}")
        if "fault" in record:
            raise WireError(f"recording failed ({str(record['fault'])[:300]})")
        values = decode(record)
    except WireError as error:
        return Outcome(Status.INCORRECT, _("The answer to {name} could not be read for "
                                           "grading: {reason}.").format(name=name, reason=error))
    try:
        return question.problem.judge(values)
    except Exception as error:  # a fault of the checker: contained, scored 0, reported
        return checker_error(error)


def _verdict_output(outcome: Outcome):
    feedback = for_outcome(outcome)
    if outcome.passed:
        return nbformat.v4.new_output("display_data", data={
            "text/markdown": feedback._repr_markdown_(), "text/plain": str(feedback)})
    return nbformat.v4.new_output("error", ename=outcome.status.title, evalue=outcome.message,
                                  traceback=str(feedback).splitlines())


def _test_cell_question(cell) -> str | None:
    info = cell.get("metadata", {}).get("nbgrader", {})
    grade_id = str(info.get("grade_id", ""))
    if cell.get("cell_type") == "code" and info.get("grade") and grade_id.endswith(TEST_SUFFIX):
        return grade_id.removesuffix(TEST_SUFFIX)
    return None


def judge_notebook(notebook, module_name: str) -> list[Judgement]:
    """Replace the outputs of every test cell of ``notebook`` (executed, nbformat) by the
    judge's verdict, and drop recorded values from every other cell; returns the verdicts."""
    questions = questions_of(module_name)
    judgements = []
    with i18n.speaking(language_of(notebook)):
        for cell in notebook.cells:
            if cell.get("cell_type") != "code":
                continue
            name = _test_cell_question(cell)
            if name is None:
                cell.outputs = [o for o in cell.get("outputs", [])
                                if MIME_TYPE not in o.get("data", {})]
                continue
            outcome = verdict(cell, questions.get(name), name)
            cell.outputs = [_verdict_output(outcome)]
            judgements.append(Judgement(name, outcome.status.name, outcome.mistake))
    return judgements


BIND_LANGUAGE = re.compile(r"""binder\.bind\(\s*globals\(\)\s*,\s*lang\s*=\s*["']([^"']+)["']""")


def language_of(notebook) -> str:
    """The language a submission was written in, for its verdicts: its set-up cell's
    ``binder.bind(globals(), lang=...)``, the language its own checks spoke, else the
    language the build wrote into its metadata; English when neither names one the course
    has. (The student may change either: they choose words, not scores.)"""
    ours = notebook.get("metadata", {}).get("cvcourse")
    named = ours.get("lang", i18n.ENGLISH) if isinstance(ours, dict) else i18n.ENGLISH
    for cell in notebook.cells:
        if cell.get("cell_type") == "code":
            found = BIND_LANGUAGE.search(cell.get("source", ""))
            if found:
                named = found.group(1)
                break
    try:
        return i18n.known(named)
    except i18n.UnknownLanguage:
        return i18n.ENGLISH
