"""Hostile submissions under the sandboxed, parallel grader: each gets exactly its score,
everyone else in the same run is graded correctly, and no file changes.

Every attack is written so that it would *gain* points if it worked: the answers are right
only when the attack succeeds (or the real answers are wrong and the attack hides that).
"""

import socket
import threading

import pytest
from grading_helpers import copy_course, hashes, solution_answers, submission, write_submissions

from conftest import REPO, kernel_stderr_visible
from learntools_lite.instructor import executors, sandbox
from learntools_lite.instructor.grading import RunOptions, grade

EX1 = "ex1_convolution"
# No skip when bubblewrap is missing: grading then stops with its own one-line message,
# which is the failure to read (make test and CI install bubblewrap).
pytestmark = pytest.mark.slow
ZEROS = "kernel = tf.constant([[0, 0, 0], [0, 0, 0], [0, 0, 0]])"
RIGHT = solution_answers(EX1)


def if_attack_works(check: str) -> dict:
    """Answers that are right only if ``check`` (Python code setting ``worked``) succeeds."""
    q_1 = f"{check}\n{RIGHT['q_1']}\nif not worked:\n    {ZEROS}"
    return {**RIGHT, "q_1": q_1}


def students(course, port):
    course_files = f"{course}/source/*/*.ipynb", f"{course}/submitted/*/*/*.ipynb"
    wrong = {"q_1": ZEROS, "q_2": "image_filter = image", "q_3": "image_detect = image_filter - 1"}
    return {
        # student: (answers, expected points for q_1, q_2, q_3)
        "honest": (RIGHT, (1, 1, 1)),
        "writer": (if_attack_works(
            "worked = False\n"
            "for path in ['../../gradebook.db', '../gradebook.db', "
            f"'{course}/gradebook.db', '{REPO}/README.md']:\n"
            "    try:\n"
            "        with open(path, 'ab') as target:\n"
            "            target.write(b'overwritten')\n"
            "        # Only a real file holds more than what was just written: a write that\n"
            "        # lands in the sandbox's empty scratch space gains nothing.\n"
            "        worked = worked or open(path, 'rb').read() != b'overwritten'\n"
            "    except OSError:\n"
            "        pass"), (0, 0, 1)),
        "reader": (if_attack_works(
            f"import glob\nworked = bool(glob.glob('{course_files[0]}') "
            f"or glob.glob('{course_files[1]}'))"), (0, 0, 1)),
        "caller": (if_attack_works(
            "import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
            "    worked = True\nexcept OSError:\n    worked = False"), (0, 0, 1)),
        "hoarder": ({**RIGHT, "q_2": "hoard = []\nwhile True:\n"
                                     "    hoard.append(bytearray(10**8))"}, (1, 0, 0)),
        "forker": ({**RIGHT, "q_2": "import os, time\nfor _ in range(5000):\n"
                                    "    if os.fork() == 0:\n        time.sleep(60)\n"
                                    "        os._exit(0)"}, (1, 0, 0)),
        "looper": ({**RIGHT, "q_3": "import time\nwhile True:\n    try:\n"
                                    "        time.sleep(0.2)\n    except KeyboardInterrupt:\n"
                                    "        pass"}, (1, 1, 0)),
        "exiter": ({**RIGHT, "q_3": "import os\nos._exit(3)"}, (1, 1, 0)),
        "hider": ({**wrong, "q_1": "get_ipython().showtraceback = lambda *a, **k: None\n"
                                   + ZEROS}, (0, 0, 0)),
        "patcher": ({**wrong, "q_1": ZEROS + "\nfor q in (q_1, q_2, q_3):\n"
                                            "    q.assert_check_passed = lambda: None"},
                    (0, 0, 0)),
        "monkey": ({**wrong, "q_1": ZEROS + "\nimport learntools_lite.core.question as lq\n"
                                           "import learntools_lite.core.problem as lp\n"
                                           "lq.Question.assert_check_passed = lambda s: None\n"
                                           "lp.CodingProblem.evaluate = lambda s, ns: None"},
                   (0, 0, 0)),
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
    course = copy_course(folder, "c.Execute.timeout = 10")
    port, accepted = listener
    cast = students(course, port)
    write_submissions(folder / "subs", EX1,
                      {name: submission(EX1, answers) for name, (answers, _) in cast.items()})
    before = hashes(folder / "subs")
    source_before = hashes(course / "source")
    with kernel_stderr_visible():
        scores, problems = grade(course, EX1, folder / "subs", say=lambda line: None,
                                 options=RunOptions(workers=2))
    return {"cast": cast, "scores": {s.student: s for s in scores}, "problems": problems,
            "accepted": accepted, "course": course,
            "unchanged": before == hashes(folder / "subs") == hashes(course / "submitted")
            and source_before == hashes(course / "source")}


@pytest.mark.parametrize("student", list(students("/course", 1)))
def test_each_hostile_submission_gets_exactly_its_score(hostile_run, student):
    expected = hostile_run["cast"][student][1]
    got = hostile_run["scores"][student].by_question
    assert tuple(got[f"q_{n}_test"] for n in (1, 2, 3)) == expected


def test_no_file_changed_and_no_connection_got_out(hostile_run):
    assert hostile_run["unchanged"]
    assert hostile_run["accepted"] == []
    assert (REPO / "README.md").read_text().count("overwritten") == 0


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


def test_an_interrupted_run_resumes_with_only_the_missing_executions(tmp_path, monkeypatch):
    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, RIGHT), "ben": submission(EX1, {}), "cal": submission(EX1, RIGHT)})
    executed = []
    real_run_job = executors.run_job

    def counting_run_job(job):
        executed.append(job.key[0])
        return real_run_job(job)

    def interrupted(jobs, workers):
        for job_and_result in real_run_locally(jobs, 1):
            yield job_and_result
            raise KeyboardInterrupt  # as if the instructor pressed Ctrl-C here

    real_run_locally = executors.run_locally
    monkeypatch.setattr(executors, "run_job", counting_run_job)
    monkeypatch.setattr(executors, "run_locally", interrupted)
    with pytest.raises(KeyboardInterrupt):
        grade(course, EX1, tmp_path / "subs", say=lambda line: None)
    kept = sorted(p.parent.name for p in (course / "executed").rglob("*.json"))
    assert len(kept) == 1  # the one result that arrived before the interruption
    executed.clear()
    monkeypatch.setattr(executors, "run_locally", real_run_locally)
    scores, _ = grade(course, EX1, say=lambda line: None)
    assert {s.student: s.total for s in scores} == {"amy": 3, "ben": 0, "cal": 3}
    assert sorted(executed) == sorted({"amy", "ben", "cal"} - set(kept))
    assert list((course / "executed").rglob("*.partial")) == []


def test_a_dask_cluster_executes_the_notebooks(tmp_path):
    from distributed import LocalCluster

    course = copy_course(tmp_path)
    write_submissions(tmp_path / "subs", EX1, {
        "amy": submission(EX1, RIGHT), "ben": submission(EX1, {"q_1": ZEROS})})
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, processes=True) as cluster:
        scores, problems = grade(course, EX1, tmp_path / "subs", say=lambda line: None,
                                 options=RunOptions(scheduler=cluster.scheduler_address))
    assert {s.student: s.total for s in scores} == {"amy": 3, "ben": 0}
    assert problems == []
