"""Warm grading: the same class graded warm and cold gives the same scores, mistakes and
outputs; a warm copy can reach neither its template nor the copies before and after it;
where copies cannot isolate themselves, grading says so in one line and runs cold."""

import json
import sys

import nbformat
import pytest
from grading_helpers import (
    CLASS,
    EX1,
    class_notebooks,
    copy_course,
    solution_answers,
    submission,
    write_submissions,
)

from learntools_lite.instructor import executions, sandbox, warm
from learntools_lite.instructor.grading import RunOptions, grade, read_judgements

pytestmark = [pytest.mark.slow, pytest.mark.grading]


WIDGET = "application/vnd.jupyter.widget-view+json"


def _coalesced(outputs: list) -> list:
    """``outputs`` with each run of text on the same stream joined: how a cell's printing
    is cut into messages depends on timing alone."""
    joined = []
    for output in outputs:
        if (output.get("output_type") == "stream" and joined
                and joined[-1].get("output_type") == "stream"
                and joined[-1]["name"] == output["name"]):
            joined[-1] = {**joined[-1], "text": joined[-1]["text"] + output["text"]}
        else:
            joined.append(output)
    return joined


def _outputs(course, assignment: str, student: str) -> list:
    """The executed notebook's cells, as the judge left them: source and outputs, with
    each widget's random model id left out and streams joined."""
    record = executions.record_path(course, assignment, student, assignment)
    notebook = nbformat.reads(json.loads(record.read_text())["notebook"], as_version=4)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).get(WIDGET, {}).pop("model_id", None)
    return [(cell.source, _coalesced(cell.get("outputs", []))) for cell in notebook.cells]


@pytest.fixture(scope="module")
def graded_both_ways(tmp_path_factory):
    runs = {}
    for mode in ("cold", "warm"):
        folder = tmp_path_factory.mktemp(mode)
        course = copy_course(folder)
        lines = []
        for assignment in CLASS:
            write_submissions(folder / assignment, assignment, class_notebooks(assignment))
            scores, problems = grade(course, assignment, folder / assignment, say=lines.append,
                                     options=RunOptions(workers=2, warm=mode == "warm"))
            runs[mode, assignment] = {
                "scores": {s.student: tuple(s.by_question[q] for q in sorted(s.by_question))
                           for s in scores},
                "problems": problems,
                "judgements": read_judgements(course, assignment, sorted(CLASS[assignment])),
                "outputs": {student: _outputs(course, assignment, student)
                            for student in CLASS[assignment]},
                "warm": {json.loads(executions.record_path(
                    course, assignment, student, assignment).read_text())["warm"]
                    for student in CLASS[assignment]}}
        runs[mode, "said"] = lines
    return runs


@pytest.mark.parametrize("assignment", list(CLASS))
def test_warm_and_cold_give_the_same_scores_and_the_expected_ones(graded_both_ways, assignment):
    expected = {student: points for student, (_, points) in CLASS[assignment].items()}
    for mode in ("cold", "warm"):
        assert graded_both_ways[mode, assignment]["scores"] == expected, mode
        assert graded_both_ways[mode, assignment]["problems"] == [], mode
        assert graded_both_ways[mode, assignment]["warm"] == {mode == "warm"}, mode


@pytest.mark.parametrize("assignment", list(CLASS))
def test_warm_and_cold_name_the_same_mistakes(graded_both_ways, assignment):
    cold = graded_both_ways["cold", assignment]["judgements"]
    assert graded_both_ways["warm", assignment]["judgements"] == cold
    assert {j["status"] for j in cold} >= {"CORRECT", "NOT_ATTEMPTED", "INCORRECT"}


def test_named_mistakes_are_among_them(graded_both_ways):
    named = {(a, j["mistake"]) for a in CLASS for j in graded_both_ways["warm", a]["judgements"]
             if j["mistake"]}
    assert (EX1, "no-activation") in named


@pytest.mark.parametrize("assignment", list(CLASS))
def test_warm_and_cold_notebooks_have_the_same_outputs(graded_both_ways, assignment):
    cold = graded_both_ways["cold", assignment]["outputs"]
    warm_outputs = graded_both_ways["warm", assignment]["outputs"]
    for student in CLASS[assignment]:
        assert warm_outputs[student] == cold[student], student
    assert any(output.get("output_type") == "display_data" and "image/png" in output["data"]
               for _, outputs in cold["ana"] for output in outputs)  # figures included


def test_only_the_warm_run_needs_no_word_on_kernels(graded_both_ways):
    assert graded_both_ways["cold", "said"] == graded_both_ways["warm", "said"]
    assert not any("cold kernels" in line for line in graded_both_ways["warm", "said"])


# --- copies of one template, one after another ------------------------------------------------

RIGHT = solution_answers(EX1)
ZEROS = "kernel = tf.constant([[0, 0, 0], [0, 0, 0], [0, 0, 0]])"


def if_attack_works(check: str) -> dict:
    """Right answers only if ``check`` sets ``worked``; otherwise an all-zero kernel, which
    every later question builds on (4 points or none)."""
    return {**RIGHT, "q_1": f"{check}\n{RIGHT['q_1']}\nif not worked:\n    {ZEROS}"}


# The first copy leaves something everywhere it can, damages its own interpreter, and tries
# to undo the mounts that hide the other jobs and the template, or to kill what it can see.
PLANTER = """
import ctypes, os, signal, subprocess
worked = False
left = []
for place in ['/', '/etc', '/dev', '/opt', '/spool', '/tmp', '/dev/shm', '/root']:
    try:
        with open(os.path.join(place, 'planted-by-a'), 'w') as mark:
            mark.write('a')
        left.append(place)
    except OSError:
        pass
print('left marks in', left)
libc = ctypes.CDLL(None, use_errno=True)
undone = [place for place in ['/spool', '/proc', '/tmp', '/dev/shm', '/']
          if libc.umount2(place.encode(), 2) == 0]
print('unmounted', undone)
nested = subprocess.run(['unshare', '-r', '-m', 'sh', '-c',
                         'umount -l /spool && ls -A /spool'], capture_output=True, text=True)
print('nested unshare', nested.returncode, repr(nested.stdout))
seen = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
print('processes seen', seen)
mine = {int(task) for task in os.listdir('/proc/self/task')}  # a thread's id is its process's
for pid in range(1, 400):
    if pid not in mine:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
worked = bool(undone) or bool(nested.stdout.strip()) or len(seen) > 3
import numpy
numpy.allclose = lambda *args, **kwargs: True
import sys
sys.modules['tensorflow'] = None
"""
# The next copy of the same template looks for what the first one left, and for anything
# of the template, the spool or another job.
FINDER = """
import os
found = []
for place in ['/', '/etc', '/dev', '/opt', '/spool', '/tmp', '/dev/shm', '/root']:
    if os.path.exists(os.path.join(place, 'planted-by-a')):
        found.append(place)
if os.listdir('/spool'):
    found.append('the spool: ' + repr(os.listdir('/spool')))
others = [int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) not in (1, os.getpid())]
found += [open(f'/proc/{pid}/cmdline').read() for pid in others
          if 'ipykernel' not in open(f'/proc/{pid}/cmdline').read()]
import numpy
if numpy.allclose(0, 1):
    found.append('the first copy patched numpy')
print('found', found)
worked = bool(found)
"""


@pytest.fixture(scope="module")
def one_template_in_turn(tmp_path_factory):
    """Three submissions on one worker, so one template serves them one after another."""
    folder = tmp_path_factory.mktemp("in-turn")
    course = copy_course(folder)
    write_submissions(folder / "subs", EX1, {
        "a-planter": submission(EX1, if_attack_works(PLANTER)),
        "b-finder": submission(EX1, if_attack_works(FINDER)),
        "c-honest": submission(EX1, RIGHT)})
    scores, problems = grade(course, EX1, folder / "subs", say=lambda line: None,
                             options=RunOptions(workers=1))
    return course, {s.student: s.total for s in scores}, problems


def _printed(course, student: str) -> str:
    return "".join(output.get("text", "") for _, outputs in _outputs(course, EX1, student)
                   for output in outputs if output.get("output_type") == "stream")


def test_a_copy_cannot_undo_its_isolation_nor_reach_the_next(one_template_in_turn):
    course, totals, problems = one_template_in_turn
    assert totals == {"a-planter": 0, "b-finder": 0, "c-honest": 4}
    assert problems == []
    planted = _printed(course, "a-planter")
    assert "left marks in ['/tmp', '/dev/shm']" in planted  # its own, made anew per copy
    assert "unmounted []" in planted
    assert "nested unshare 32 ''" in planted  # umount refused: the mount is locked
    assert "processes seen [1, 2]" in planted  # the runner, PID 1 here, and this kernel
    assert "found []" in _printed(course, "b-finder")


def test_a_template_that_cannot_isolate_its_copies_means_cold_grading_said_once(
        tmp_path, monkeypatch, capfd):
    # bubblewrap's --disable-userns takes from the template what a copy needs first: a
    # user namespace of its own (as a platform without nested user namespaces would).
    real_command = sandbox.template_command
    monkeypatch.setattr(sandbox, "template_command",
                        lambda spool: [*real_command(spool)[:1], "--disable-userns",
                                       *real_command(spool)[1:]])
    monkeypatch.setattr(warm, "POOL", warm.TemplatePool())
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, RIGHT), "ben": submission(EX1, {"q_1": ZEROS})})
    said = []
    scores, problems = grade(course, EX1, tmp_path / "subs", say=said.append,
                             options=RunOptions(workers=2))
    assert {s.student: s.total for s in scores} == {"amy": 4, "ben": 0}
    assert problems == []
    assert not json.loads(executions.record_path(course, EX1, "amy", EX1).read_text())["warm"]
    cold_lines = [line for line in said if "cold kernels" in line]
    assert cold_lines == ["warm kernels are not available here (unshare: no user namespace "
                          "may be made here, user.max_user_namespaces is reached); grading "
                          "with cold kernels"]
    assert "cold kernels" not in capfd.readouterr().err  # not a second time, from a job


def test_cold_grading_starts_no_template(tmp_path, monkeypatch):
    def no_template():
        raise AssertionError("a template was started")

    monkeypatch.setattr(warm, "Template", no_template)
    monkeypatch.setattr(warm, "POOL", warm.TemplatePool())
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {"amy": submission(EX1, RIGHT)})
    scores, problems = grade(course, EX1, tmp_path / "subs", say=lambda line: None,
                             options=RunOptions(workers=1, warm=False))
    assert [s.total for s in scores] == [4] and problems == []


@pytest.mark.parametrize("workers", [1, 2])
def test_one_template_per_worker_started_once_serves_the_whole_run(tmp_path, monkeypatch,
                                                                   workers):
    """The templates start with the run and live through it: none dies with the thread
    that started it, so no job waits for a template of its own."""
    started = []

    class Counted(warm.Template):
        def __init__(self):
            super().__init__()
            started.append(self)

    monkeypatch.setattr(warm, "Template", Counted)
    monkeypatch.setattr(warm, "POOL", warm.TemplatePool())
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1,
                      {name: submission(EX1, RIGHT) for name in ("amy", "ben", "cy")})
    scores, problems = grade(course, EX1, tmp_path / "subs", say=lambda line: None,
                             options=RunOptions(workers=workers))
    assert [s.total for s in scores] == [4, 4, 4] and problems == []
    assert len(started) == workers
    records = [json.loads(executions.record_path(course, EX1, name, EX1).read_text())
               for name in ("amy", "ben", "cy")]
    assert all(record["warm"] for record in records)
    assert not any(template.alive or template.spool.exists() for template in started)


def test_a_template_that_died_is_dropped_with_its_spool(monkeypatch):
    monkeypatch.setattr(warm, "POOL", warm.TemplatePool())
    template = warm.POOL.acquire()
    template.process.kill()
    template.process.wait()
    warm.POOL.release(template)
    assert not template.spool.exists()
    assert warm.POOL.all == [] and warm.POOL.free == []


def test_a_template_that_fails_to_start_says_its_last_error(monkeypatch):
    real_command = sandbox.template_command
    # A template whose first import fails: the line names the failure.
    monkeypatch.setattr(sandbox, "template_command",
                        lambda spool: [*real_command(spool), "env", "PYTHONPATH=/nowhere"])
    with pytest.raises(warm.WarmUnavailable) as unavailable:
        warm.Template().wait_ready()
    assert str(unavailable.value) == (
        f"the template did not start: {sys.executable}: Error while finding module "
        "specification for 'learntools_lite.sandboxed.template' (ModuleNotFoundError: No "
        "module named 'learntools_lite')")
