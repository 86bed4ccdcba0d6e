"""Benchmark grading: seconds per submission for ``cvcourse grade`` and for plain
``nbgrader autograde`` on the same generated submissions, in the same run.

Run: ``.venv/bin/python benchmarks/grading.py [--students 10] [--assignment ex1_convolution]``.
Half the students submit the worked solution, half the blank release.
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
    subprocess.run(command, cwd=cwd, env=env, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--assignment", default="ex1_convolution")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    notebooks = {
        f"student{i:02d}": submission(args.assignment, solution_answers(args.assignment))
        if i % 2 == 0 else release_notebook(args.assignment)
        for i in range(args.students)
    }
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_submissions(folder / "subs", args.assignment, notebooks)

        ours = copy_course(folder / "ours")
        (ours.parent / "course").mkdir(exist_ok=True)
        seconds_ours = run([str(BIN / "cvcourse"), "--root", str(ours.parent), "grade",
                            args.assignment, "--submissions", str(folder / "subs")], ours)

        plain = copy_course(folder / "plain")
        shutil.copytree(folder / "subs", plain / "submitted")
        run([str(BIN / "nbgrader"), "generate_assignment", args.assignment, "--force"], plain)
        seconds_plain = run([str(BIN / "nbgrader"), "autograde", args.assignment, "--force"],
                            plain)
    n = args.students
    print(f"{n} submissions of {args.assignment}:")
    print(f"  cvcourse grade (import + autograde + report): {seconds_ours:.1f} s, "
          f"{seconds_ours / n:.2f} s per submission")
    print(f"  nbgrader autograde (submissions already in place): {seconds_plain:.1f} s, "
          f"{seconds_plain / n:.2f} s per submission")


if __name__ == "__main__":
    main()
