"""Benchmark grading on the same generated submissions, in one run:

* plain ``nbgrader autograde`` (sequential, unsandboxed; submissions already in place);
* ``cvcourse grade --workers 1 --no-sandbox`` and ``--workers 1`` (the sandbox's overhead);
* ``cvcourse grade --workers 2`` (parallel);
* ``cvcourse grade --scheduler`` on a 2-worker Dask ``LocalCluster`` on loopback.

Run: ``.venv/bin/python benchmarks/grading.py [--students 20] [--assignment ex1_convolution]``.
Half the students submit the worked solution, half the blank release. Each ``cvcourse``
figure includes importing the submissions and writing the report.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO)]

from grading_helpers import (  # noqa: E402
    copy_course,
    release_notebook,
    solution_answers,
    submission,
    write_submissions,
)

BIN = Path(sys.executable).parent


def run(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    finished = subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=True,
                              text=True)
    seconds = time.perf_counter() - start
    if finished.returncode not in (0, 1):  # 1 only means some student had a problem
        raise SystemExit(f"{' '.join(command)} failed:\n{finished.stderr[-2000:]}")
    return seconds


def cvcourse(folder: Path, name: str, assignment: str, *options: str) -> float:
    course = copy_course(folder / name)
    return run([str(BIN / "cvcourse"), "--root", str(course.parent), "grade", assignment,
                "--submissions", str(folder / "subs"), *options], course)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--assignment", default="ex1_convolution")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    notebooks = {
        f"student{i:02d}": submission(args.assignment, solution_answers(args.assignment))
        if i % 2 == 0 else release_notebook(args.assignment)
        for i in range(args.students)
    }
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_submissions(folder / "subs", args.assignment, notebooks)

        plain = copy_course(folder / "plain")
        shutil.copytree(folder / "subs", plain / "submitted")
        run([str(BIN / "nbgrader"), "generate_assignment", args.assignment, "--force"], plain)
        timings["nbgrader autograde"] = run(
            [str(BIN / "nbgrader"), "autograde", args.assignment, "--force"], plain)

        timings["cvcourse --workers 1 --no-sandbox"] = cvcourse(
            folder, "w1-open", args.assignment, "--workers", "1", "--no-sandbox")
        timings["cvcourse --workers 1"] = cvcourse(folder, "w1", args.assignment,
                                                   "--workers", "1")
        timings["cvcourse --workers 2"] = cvcourse(folder, "w2", args.assignment,
                                                   "--workers", "2")

        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            timings["cvcourse --scheduler (2-worker LocalCluster)"] = cvcourse(
                folder, "dask", args.assignment, "--scheduler", cluster.scheduler_address)

    n = args.students
    base = timings["nbgrader autograde"]
    print(f"{n} submissions of {args.assignment} on {os.cpu_count()} cores:")
    for name, seconds in timings.items():
        print(f"  {name:<46} {seconds:6.1f} s  {seconds / n:5.2f} s/submission  "
              f"throughput x{base / seconds:4.2f} vs nbgrader")
    overhead = timings["cvcourse --workers 1"] / timings["cvcourse --workers 1 --no-sandbox"]
    print(f"  sandbox overhead per notebook: {100 * (overhead - 1):+.1f} %")


if __name__ == "__main__":
    main()
