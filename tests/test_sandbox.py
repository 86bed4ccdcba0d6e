"""Hostile submissions under the sandboxed, parallel grader: each gets exactly its score,
everyone else in the same run is graded correctly, and no file changes.

Every attack is written so that it would *gain* points if it worked: the answers are right
only when the attack succeeds (or the real answers are wrong and the attack hides that).
"""

import json
import socket
import threading
import time

import pytest
from grading_helpers import copy_course, hashes, solution_answers, submission, write_submissions

from conftest import REPO, kernel_stderr_visible
from learntools_lite.instructor import executions, executors, grading, sandbox, warm
from learntools_lite.instructor.grading import (
    RunOptions,
    feedback,
    grade,
    limits_for,
    read_judgements,
)

EX1 = "ex1_convolution"
# No skip when bubblewrap is missing: grading then stops with its own one-line message,
# which is the failure to read (make test and CI install bubblewrap).
pytestmark = [pytest.mark.slow, pytest.mark.grading]
ZEROS = "kernel = tf.constant([[0, 0, 0], [0, 0, 0], [0, 0, 0]])"
RIGHT = solution_answers(EX1)


def if_attack_works(check: str) -> dict:
    """Answers that are right only if ``check`` (Python code setting ``worked``) succeeds:
    otherwise the kernel is all zeros, and so is the filtered picture every later question
    builds on (4 points or none)."""
    q_1 = f"{check}\n{RIGHT['q_1']}\nif not worked:\n    {ZEROS}"
    return {**RIGHT, "q_1": q_1}


# Each attack is pasted above wrong answers: it gains points only if the notebook's own
# kernel can still decide, or fake, a verdict.
SWALLOW_ERRORS_AST = """
import ast
class Swallow(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=ast.Name('BaseException', ast.Load()), name=None,
                                    body=[ast.Pass()])
        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[],
                             finalbody=[])]
        return ast.fix_missing_locations(node)
get_ipython().ast_transformers.append(Swallow())
"""
SWALLOW_ERRORS_INPUT = """
def swallow(lines):
    body = ['    ' + line + '\\n' for line in ''.join(lines).splitlines()]
    return ['try:\\n', '    pass\\n', *body, 'except BaseException:\\n', '    pass\\n']
get_ipython().input_transformers_post.append(swallow)
"""
FAKE_MODULE = """
import sys, types
class _Anything:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None
def _fake(name):
    module = types.ModuleType(name)
    module.__path__ = []
    for attribute in ('q_1', 'q_2', 'q_3', 'binder'):
        setattr(module, attribute, _Anything())
    return module
"""
FAKE_FINDER = FAKE_MODULE + """
import importlib.abc, importlib.machinery
class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] == 'learntools_lite':
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        return _fake(spec.name)
    def exec_module(self, module):
        pass
sys.meta_path.insert(0, Finder())
for name in [n for n in sys.modules if n.split('.')[0] == 'learntools_lite']:
    del sys.modules[name]
"""
FAKE_IMPORT = FAKE_MODULE + """
import builtins
_real_import = builtins.__import__
def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if name.split('.')[0] == 'learntools_lite':
        return _fake(name)
    return _real_import(name, globals, locals, fromlist, level)
builtins.__import__ = _import
"""
QUIET_RUN_CODE = """
from IPython.core.interactiveshell import InteractiveShell
async def _quiet(self, code_obj, result=None, *, async_=False):
    try:
        exec(code_obj, self.user_global_ns, self.user_ns)
    except BaseException:
        pass
    return False
InteractiveShell.run_code = _quiet
"""
LENIENT_NUMPY = """
import numpy
for _name in ('allclose', 'array_equal', 'isclose', 'all', 'any'):
    setattr(numpy, _name, lambda *args, **kwargs: True)
numpy.ndarray.__eq__ = lambda self, other: True
"""
FORGED_RECORD = """
from IPython.display import display
import learntools_lite.core.question as _lq
import learntools_lite.core.problem as _lp
from learntools_lite.core.outcome import Outcome, Status
def _forge(self, namespace):
    unreadable = {'kind': 'unreadable', 'status': 'CORRECT', 'message': 'fine',
                  'missing': False}
    display({'application/vnd.learntools.values+json': {
        'format': 1, 'question': self.name, 'verdict': 'CORRECT',
        'values': {name: unreadable for name in self.problem.variables}}}, raw=True)
_lq.Question.record_for_grading = _forge
_lp.CodingProblem.judge = lambda self, values: Outcome(Status.CORRECT)
_lq.Question.assert_check_passed = lambda self: None
"""
EXIT_IN_TEST_CELLS = """
import os
def _leave(lines):
    if any('record_for_grading' in line for line in lines):
        os._exit(0)
    return lines
get_ipython().input_transformers_post.append(_leave)
"""


def _reader(course) -> str:
    """Looks everywhere for the course's notebooks, the gradebook, instructor code and the
    grader's environment; prints what it finds (it would come back in the feedback)."""
    return f"""
import os, time
found, deadline = [], time.monotonic() + 5
places = ['/', '{REPO}', '{course}', os.path.expanduser('~')]
for place in places:
    for folder, subfolders, files in os.walk(place):
        if folder.startswith(('/proc', '/sys', '/dev', '/usr')) or time.monotonic() > deadline:
            subfolders[:] = []
            continue
        if 'site-packages' in folder or '/lib/python' in folder:
            subfolders[:] = []
        for name in files:
            if name.endswith('.ipynb') or name == 'gradebook.db':
                path = os.path.join(folder, name)
                try:
                    text = open(path, errors='replace').read()
                except OSError:
                    continue
                if 'BEGIN SOLUTION' in text or 'cvcourse' in text or name == 'gradebook.db':
                    found.append(path)
                    print(text[:2000])
try:
    import learntools_lite.instructor
    found.append('instructor code')
except ImportError:
    pass
import learntools_lite.computer_vision.ex1 as _ex1
if _ex1.q_2.problem.solution:
    found.append('a solution: ' + _ex1.q_2.problem.solution)
if 'CVCOURSE_GRADER_SECRET' in os.environ:
    found.append('the grader environment')
for path in ['{REPO}/solutions', '{REPO}/course/source', '{course}/source', '{REPO}/.git']:
    if os.path.exists(path):
        found.append(path)
# Of /etc, only what programs need to start (a server's configuration stays out of sight).
found += sorted(set(os.listdir('/etc')) - {set(sandbox.ETC)!r})
print(found)
worked = bool(found)
"""


# A submission's files that would stand in for the sandbox's runner (escaping its limits and
# writing its own result) if the runner were started from the submission's folder.
FAKE_RUNNER = {
    "learntools_lite/__init__.py": "",
    "learntools_lite/sandboxed/__init__.py": "",
    "learntools_lite/sandboxed/runner.py": """
import json, sys
request = json.loads(sys.stdin.read())
notebook = json.loads(request["notebook"])
notebook["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout",
                                    "text": "FAKE RUNNER RAN"}]
print(request["nonce"], json.dumps({"notebook": json.dumps(notebook), "problems": []}))
""",
}


def students(course, port):
    wrong = {"q_1": ZEROS, "q_2": "image_filter = image", "q_3": "image_detect = image_filter - 1",
             "q_4": "relu_pos = relu_neg = reconstructed = image_filter"}

    def above_wrong_answers(attack: str) -> dict:
        return {**wrong, "q_1": attack + "\n" + ZEROS}

    return {
        # student: (answers, expected points for q_1 to q_4; q_4 uses q_2's image_filter)
        "honest": (RIGHT, (1, 1, 1, 1)),
        "blank": ({}, (0, 0, 0, 0)),
        "partial": ({**wrong, "q_1": RIGHT["q_1"], "q_3": RIGHT["q_3"]}, (1, 0, 1, 0)),
        "writer": (if_attack_works(
            "worked = False\n"
            "import glob\n"
            "for path in ['../../gradebook.db', '../gradebook.db', "
            f"'{course}/gradebook.db', '{REPO}/README.md', *glob.glob('/**/gradebook.db')]:\n"
            "    try:\n"
            "        with open(path, 'ab') as target:\n"
            "            target.write(b'overwritten')\n"
            "        # Only a real file holds more than what was just written: a write that\n"
            "        # lands in the sandbox's empty scratch space gains nothing.\n"
            "        worked = worked or open(path, 'rb').read() != b'overwritten'\n"
            "    except OSError:\n"
            "        pass"), (0, 0, 0, 0)),
        "reader": (if_attack_works(_reader(course)), (0, 0, 0, 0)),
        "caller": (if_attack_works(
            "import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
            "    worked = True\nexcept OSError:\n    worked = False"), (0, 0, 0, 0)),
        "hoarder": ({**RIGHT, "q_2": "hoard = []\nwhile True:\n"
                                     "    hoard.append(bytearray(10**8))"}, (1, 0, 0, 0)),
        "forker": ({**RIGHT, "q_2": "import os, time\nfor _ in range(5000):\n"
                                    "    if os.fork() == 0:\n        time.sleep(60)\n"
                                    "        os._exit(0)"}, (1, 0, 0, 0)),
        "looper": ({**RIGHT, "q_3": "import time\nwhile True:\n    try:\n"
                                    "        time.sleep(0.2)\n    except KeyboardInterrupt:\n"
                                    "        pass"}, (1, 1, 0, 0)),
        "exiter": ({**RIGHT, "q_3": "import os\nos._exit(3)"}, (1, 1, 0, 0)),
        # Right answers: the real runner grades them; the fake one would record nothing.
        "runner-swap": (RIGHT, (1, 1, 1, 1)),
        "test-exiter": ({**RIGHT, "q_2": EXIT_IN_TEST_CELLS + RIGHT["q_2"]}, (1, 0, 0, 0)),
        "hider": (above_wrong_answers("get_ipython().showtraceback = lambda *a, **k: None"),
                  (0, 0, 0, 0)),
        "patcher": ({**wrong, "q_1": ZEROS + "\nfor q in (q_1, q_2, q_3):\n"
                                            "    q.assert_check_passed = lambda: None\n"
                                            "    q.record_for_grading = lambda ns: None"},
                    (0, 0, 0, 0)),
        "monkey": (above_wrong_answers(FORGED_RECORD), (0, 0, 0, 0)),
        "ast-swallower": (above_wrong_answers(SWALLOW_ERRORS_AST), (0, 0, 0, 0)),
        "input-swallower": (above_wrong_answers(SWALLOW_ERRORS_INPUT), (0, 0, 0, 0)),
        "finder": (above_wrong_answers(FAKE_FINDER), (0, 0, 0, 0)),
        "importer": (above_wrong_answers(FAKE_IMPORT), (0, 0, 0, 0)),
        "run-code": (above_wrong_answers(QUIET_RUN_CODE), (0, 0, 0, 0)),
        "numpy": (above_wrong_answers(LENIENT_NUMPY), (0, 0, 0, 0)),
        # tf.nn.conv2d made to return its input makes `image_filter = image` look right to a
        # check in the kernel; q_3 is right on its own terms (ReLU of the learner's filter).
        "tensorflow": ({**RIGHT, "q_2": "tf.nn.conv2d = lambda input, *a, **k: input\n"
                                        "image_filter = image",
                        "q_3": RIGHT["q_3"]}, (1, 0, 1, 1)),
    }


@pytest.fixture(scope="module")
def listener():
    """A TCP listener outside the sandbox; it records every connection it accepts."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def serve():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            accepted.append(connection)

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, listener):
    folder = tmp_path_factory.mktemp("hostile")
    # Long enough for an honest cell (TensorFlow's import) on a loaded 2-core machine; the
    # endless cells of this class each wait it out once.
    course = copy_course(folder, "c.Execute.timeout = 30")
    port, accepted = listener
    cast = students(course, port)
    write_submissions(folder / "subs", EX1,
                      {name: submission(EX1, answers) for name, (answers, _) in cast.items()})
    for name, text in FAKE_RUNNER.items():
        path = folder / "subs" / "runner-swap" / EX1 / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    before = hashes(folder / "subs")
    source_before = hashes(course / "source")
    with kernel_stderr_visible(), pytest.MonkeyPatch.context() as patch:
        # A secret of the grader's environment: no notebook may read it.
        patch.setenv("CVCOURSE_GRADER_SECRET", "s3cret")
        scores, problems = grade(course, EX1, folder / "subs", say=lambda line: None,
                                 options=RunOptions(workers=2))
    feedback_files = feedback(course, EX1, say=lambda line: None)
    return {"cast": cast, "scores": {s.student: s for s in scores}, "problems": problems,
            "accepted": accepted, "course": course,
            "judgements": read_judgements(course, EX1, list(cast)),
            "feedback": {path.parts[-3]: path.read_text() for path in feedback_files},
            "executed": {path.parent.name: path.read_text()
                         for path in (course / "executed").rglob("*.json")},
            "unchanged": before == hashes(folder / "subs") == hashes(course / "submitted")
            and source_before == hashes(course / "source")}


@pytest.mark.parametrize("student", list(students("/course", 1)))
def test_each_hostile_submission_gets_exactly_its_score(hostile_run, student):
    expected = hostile_run["cast"][student][1]
    got = hostile_run["scores"][student].by_question
    assert tuple(got[f"q_{n}_test"] for n in (1, 2, 3, 4)) == expected


def test_no_file_changed_and_no_connection_got_out(hostile_run):
    assert hostile_run["unchanged"]
    assert hostile_run["accepted"] == []
    assert (REPO / "README.md").read_text().count("overwritten") == 0


# What no submission may get back: solution code, the hidden tests, the grader's secrets.
LEAKS = ("BEGIN SOLUTION", "record_for_grading", "s3cret", "A new name, `filters`, keeps",
         "tf.cast(tf.reshape(kernel")


@pytest.mark.parametrize("student", list(students("/course", 1)))
def test_nothing_of_the_course_reaches_a_submission_or_its_feedback(hostile_run, student):
    feedback_html = hostile_run["feedback"][student]
    executed = hostile_run["executed"][student]
    own_code = "".join(hostile_run["cast"][student][0].values())
    for leak in LEAKS:  # the feedback shows the student's own code, and nothing more
        assert feedback_html.count(leak) <= own_code.count(leak)
    # The executed notebook holds the hidden tests' source (the grader ran them) but no
    # output of the submission may show course text.
    outputs = json.dumps([cell.get("outputs", []) for cell in
                          json.loads(json.loads(executed)["notebook"])["cells"]])
    for leak in LEAKS:
        assert leak not in outputs


def test_a_submission_cannot_stand_in_for_the_runner(hostile_run):
    executed = hostile_run["executed"]["runner-swap"]
    assert "FAKE RUNNER RAN" not in executed
    assert json.loads(executed)["judgements"][0]["status"] == "CORRECT"
    autograded = hostile_run["course"] / "autograded" / "runner-swap" / EX1
    assert (autograded / "learntools_lite" / "sandboxed" / "runner.py").exists()  # it was there


def test_the_reader_found_nothing_of_the_course(hostile_run):
    reader = json.loads(hostile_run["executed"]["reader"])
    printed = "".join("".join(output.get("text", "")) for cell in
                      json.loads(reader["notebook"])["cells"] for output in cell.get("outputs", []))
    assert "[]" in printed  # the list of what it found, printed empty


def test_the_judge_names_the_mistakes_it_saw(hostile_run):
    by_student = {(j["student"], j["question"]): j for j in hostile_run["judgements"]}
    assert by_student["hider", "q_1"]["mistake"] == "all-zeros"
    assert by_student["monkey", "q_1"]["status"] == "INCORRECT"  # its forged record
    assert by_student["honest", "q_1"] == {"student": "honest", "notebook": EX1,
                                            "question": "q_1", "status": "CORRECT",
                                            "mistake": ""}
    assert by_student["blank", "q_2"]["status"] == "NOT_ATTEMPTED"
    assert by_student["tensorflow", "q_2"]["status"] == "INCORRECT"


def test_limits_are_reported_in_one_line_each(hostile_run):
    problems = "\n".join(hostile_run["problems"])
    assert f"hoarder: {EX1}: memory limit of 2048 MB" in problems
    assert f"forker: {EX1}: more than 64 processes; later cells got 0" in problems
    assert f"looper: {EX1}: a cell went on running after its time limit" in problems
    assert f"exiter: {EX1}: the kernel died; later cells got 0" in problems
    assert not any(line.startswith("honest:") for line in hostile_run["problems"])


def test_grading_refuses_to_run_unsandboxed_without_being_told(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    course = copy_course(tmp_path)
    with pytest.raises(sandbox.SandboxUnavailable, match="pass --no-sandbox"):
        grade(course, EX1, say=lambda line: None)


def test_ctrl_c_while_a_student_is_scored_stops_the_run(tmp_path, monkeypatch):
    """nbgrader's API turns every exception into a failed result, Ctrl-C too; scoring runs
    between executions, and Ctrl-C there stops the run all the same, keeping what is
    stored for the next run."""
    from learntools_lite.instructor.preprocessors import SandboxedExecute

    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, RIGHT), "ben": submission(EX1, {}), "cal": submission(EX1, RIGHT)})

    def pressed(self, notebook, resources):
        raise KeyboardInterrupt  # as if the instructor pressed Ctrl-C while amy is scored

    monkeypatch.setattr(SandboxedExecute, "preprocess", pressed)
    with pytest.raises(KeyboardInterrupt):
        grade(course, EX1, tmp_path / "subs", say=lambda line: None,
              options=RunOptions(workers=1))
    kept = sorted(p.parent.name for p in (course / "executed").rglob("*.json"))
    assert 1 <= len(kept) < 3
    monkeypatch.undo()
    scores, problems = grade(course, EX1, say=lambda line: None)
    assert {s.student: s.total for s in scores} == {"amy": 4, "ben": 0, "cal": 4}
    assert problems == []


def test_an_interrupted_run_resumes_with_only_the_missing_executions(tmp_path, monkeypatch):
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, RIGHT), "ben": submission(EX1, {}), "cal": submission(EX1, RIGHT)})
    executed = []
    real_run_job = executors.run_job

    def counting_run_job(job):
        executed.append(job.key[0])
        return real_run_job(job)

    def interrupted(runs, wait):
        if list((course / "executed").rglob("*.json")):  # once one result is recorded
            raise KeyboardInterrupt  # as if the instructor pressed Ctrl-C here
        return real_finished(runs, wait)

    real_finished = executors.LocalRuns.finished
    monkeypatch.setattr(executors, "run_job", counting_run_job)
    monkeypatch.setattr(executors.LocalRuns, "finished", interrupted)
    with pytest.raises(KeyboardInterrupt):
        grade(course, EX1, tmp_path / "subs", say=lambda line: None,
              options=RunOptions(workers=1))
    kept = sorted(p.parent.name for p in (course / "executed").rglob("*.json"))
    assert len(kept) == 1  # the one result that arrived before the interruption
    executed.clear()
    monkeypatch.setattr(executors.LocalRuns, "finished", real_finished)
    scores, _ = grade(course, EX1, say=lambda line: None)
    assert {s.student: s.total for s in scores} == {"amy": 4, "ben": 0, "cal": 4}
    assert sorted(executed) == sorted({"amy", "ben", "cal"} - set(kept))
    assert list((course / "executed").rglob("*.partial")) == []


@pytest.mark.parametrize("warm_kernels", [False, True], ids=["cold", "warm"])
def test_a_students_notebooks_run_while_the_next_students_are_sanitized(tmp_path, monkeypatch,
                                                                        warm_kernels):
    """The run does not sanitize the whole class before executing anyone: a student's
    notebooks start (cold at once; warm once the templates are up) while nbgrader
    sanitizes the next students, and every student is scored once."""
    course = copy_course(tmp_path)
    names = [f"s{number}" for number in range(6)]
    write_submissions(tmp_path / "subs", EX1, {name: submission(EX1, RIGHT) for name in names})
    happened = []
    real_autograde, real_run_job = grading._autograde, executors.run_job

    def autograde(api, assignment, student):
        if warm_kernels and student == names[3]:  # the templates come up mid-class
            deadline = time.monotonic() + 120
            while not warm.POOL.started() and time.monotonic() < deadline:
                time.sleep(0.1)
        result = real_autograde(api, assignment, student)
        sanitizing = api.config.Autograde.autograde_preprocessors == []
        happened.append(("sanitized" if sanitizing else "scored", student))
        return result

    def run_job(job):
        happened.append(("executing", job.key[0]))
        return real_run_job(job)

    monkeypatch.setattr(grading, "_autograde", autograde)
    monkeypatch.setattr(executors, "run_job", run_job)
    scores, problems = grade(course, EX1, tmp_path / "subs", say=lambda line: None,
                             options=RunOptions(workers=2, warm=warm_kernels))
    assert [s.total for s in scores] == [4] * len(names) and problems == []
    assert happened.index(("executing", names[0])) < happened.index(("sanitized", names[-1]))
    assert sorted(student for what, student in happened if what == "scored") == names
    records = [json.loads(executions.record_path(course, EX1, name, EX1).read_text())
               for name in names]
    assert [record["warm"] for record in records] == [warm_kernels] * len(names)


def test_a_dask_cluster_executes_the_notebooks(tmp_path):
    from distributed import LocalCluster

    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, RIGHT), "ben": submission(EX1, {"q_1": ZEROS})})
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, processes=True) as cluster:
        scores, problems = grade(course, EX1, tmp_path / "subs", say=lambda line: None,
                                 options=RunOptions(scheduler=cluster.scheduler_address))
    assert {s.student: s.total for s in scores} == {"amy": 4, "ben": 0}
    assert problems == []
    # Each Dask worker forked the notebooks from a warm template of its own.
    records = [json.loads(executions.record_path(course, EX1, student, EX1).read_text())
               for student in ("amy", "ben")]
    assert [record["warm"] for record in records] == [True, True]


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_a_job_that_raises_or_a_sandbox_that_cannot_start_costs_only_its_student(
        tmp_path, monkeypatch, warm):
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {
        name: submission(EX1, RIGHT) for name in ("amy", "ben", "cal", "dan")})
    # cal's folder holds a file that makes the sandbox refuse to start for cal alone.
    (tmp_path / "subs" / "cal" / EX1 / "BREAK_SANDBOX").write_text("x")
    real_run_job, real_command = executors.run_job, sandbox.bwrap_command
    real_write_files = sandbox.write_files

    def run_job(job):
        if job.key[0] == "ben":
            raise RuntimeError("the worker lost its disk")
        return real_run_job(job)

    def bwrap_command(workdir):
        if (workdir / "BREAK_SANDBOX").exists():
            return ["bwrap", "--no-such-option"]
        return real_command(workdir)

    def write_files(workdir, files):
        if "BREAK_SANDBOX" not in files:  # no folder to bind: the warm copy cannot start
            real_write_files(workdir, files)

    monkeypatch.setattr(executors, "run_job", run_job)
    monkeypatch.setattr(sandbox, "bwrap_command", bwrap_command)
    if warm:
        monkeypatch.setattr(sandbox, "write_files", write_files)
    scores, problems = grade(course, EX1, tmp_path / "subs", say=lambda line: None,
                             options=RunOptions(warm=warm))
    assert {s.student: s.total for s in scores} == {"amy": 4, "ben": 0, "cal": 0, "dan": 4}
    assert problems == [
        f"ben: {EX1}: grading this notebook failed (RuntimeError: the worker lost its disk)",
        f"cal: {EX1}: the sandbox stopped without a result"]
    judged = {(j["student"], j["question"]): j["status"]
              for j in read_judgements(course, EX1, ["ben", "cal"])}
    assert set(judged.values()) == {"NOT_ATTEMPTED"} and len(judged) == 2 * 4


def test_a_dask_worker_killed_mid_run_loses_no_student(tmp_path):
    import os
    import signal
    import time

    from distributed import Client, LocalCluster

    course = copy_course(tmp_path)
    cast = {f"s{n}": RIGHT if n % 2 else {"q_1": ZEROS} for n in range(4)}
    write_submissions(tmp_path / "subs", EX1,
                      {name: submission(EX1, answers) for name, answers in cast.items()})
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, processes=True) as cluster, \
            Client(cluster.scheduler_address) as client:
        outcome = {}
        runner = threading.Thread(target=lambda: outcome.update(result=grade(
            course, EX1, tmp_path / "subs", say=lambda line: None,
            options=RunOptions(scheduler=cluster.scheduler_address))))
        runner.start()
        deadline = time.monotonic() + 120
        busy = {}
        while not busy and time.monotonic() < deadline:
            busy = {worker: tasks for worker, tasks in client.processing().items() if tasks}
            time.sleep(0.2)
        assert busy, "no job reached a worker"
        victim = next(iter(busy))
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)  # the worker dies with a notebook half-run
        runner.join(timeout=600)
    scores, problems = outcome["result"]
    assert {s.student: s.total for s in scores} == {"s0": 0, "s1": 4, "s2": 0, "s3": 4}
    assert problems == []


def test_the_memory_option_keeps_the_course_cell_timeout(tmp_path):
    course = copy_course(tmp_path, "c.Execute.timeout = 17")
    assert limits_for(course, RunOptions(memory_mb=900)) == sandbox.Limits(
        memory_mb=900, cell_timeout=17)
    assert limits_for(course, RunOptions()) == sandbox.Limits(cell_timeout=17)
