"""Benchmark grading on the same generated submissions, in one run:

* plain ``nbgrader autograde`` with nbgrader's stock Execute (sequential, unsandboxed,
  unjudged; submissions already in place): the baseline;
* ``nbgrader autograde`` with the course's configuration (sequential, each notebook executed
  in the sandbox and judged: what the formgrader's Autograde button runs);
* ``cvcourse grade --workers 1 --no-sandbox`` and ``--workers 1 --cold`` (the sandbox's
  overhead);
* ``cvcourse grade --workers 1`` and ``--workers 2``, warm (the default) and ``--cold``;
* ``cvcourse grade --scheduler`` on a 2-worker Dask ``LocalCluster`` on loopback (warm);
* warm kernels on their own: a template's start-up, the time a notebook of one empty cell
  takes in a warm copy (what a notebook costs beyond its own cells) against a cold sandbox
  whose one cell imports TensorFlow, and the proportional set size of a template with
  and without a copy running the worked notebook;
* the judge's share: one solved and one blank notebook executed in the sandbox, then judged
  (``judge.judge_notebook``) five times each; the median, against the per-notebook time of
  ``--workers 1`` in the same run.

Run: ``.venv/bin/python benchmarks/grading.py [--students 20] [--assignment ex1_convolution]``.
Half the students submit the worked solution, half the blank release. Each ``cvcourse``
figure includes importing the submissions and writing the report; as for plain nbgrader,
the assignment is generated (released) beforehand, untimed.
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
# Appended to a course copy's config: nbgrader's own autograde steps, Execute included.
STOCK_EXECUTE = ("from nbgrader.converters import Autograde\n"
                 "c.Autograde.autograde_preprocessors = "
                 "Autograde.class_traits()['autograde_preprocessors'].default()")
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
    """One timed ``cvcourse grade`` in a fresh copy of the course, whose assignment is
    generated first (untimed), as it is for plain nbgrader and as ``cvcourse release``
    leaves it in a class."""
    course = copy_course(folder / name)
    run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], course)
    return run([str(BIN / "cvcourse"), "--root", str(course.parent), "grade", assignment,
                "--submissions", str(folder / "subs"), *options], course)


def judge_seconds(assignment: str, notebooks: list) -> tuple[float, float]:
    """(first judgement, including the exercise module's import; median of the others)."""
    import copy
    import statistics

    import nbformat

    from learntools_lite.instructor import judge, sandbox
    from learntools_lite.instructor.executions import exercise_of

    course = REPO / "course"
    module = exercise_of(course, assignment, assignment)
    source = nbformat.read(str(course / "source" / assignment / f"{assignment}.ipynb"), 4)
    times = []
    for notebook in notebooks:
        # Graded runs execute the nbgrader-sanitized notebook: hidden tests restored.
        for cell, source_cell in zip(notebook.cells, source.cells, strict=True):
            if source_cell.metadata.get("nbgrader", {}).get("grade"):
                cell.source = source_cell.source
        run = sandbox.run_sandboxed(nbformat.writes(notebook), {}, sandbox.Limits())
        executed = nbformat.reads(run.notebook, as_version=4)
        for _ in range(5):
            fresh = copy.deepcopy(executed)
            start = time.perf_counter()
            judge.judge_notebook(fresh, module)
            times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:])


def warm_figures(assignment: str, solved) -> dict[str, float]:
    """A template's start-up, what a notebook costs beyond its cells warm and cold, and the
    template's proportional set size idle and with a copy at work."""
    import statistics
    import threading

    import nbformat

    from learntools_lite.instructor import sandbox, warm

    def one_cell(source: str) -> str:
        return nbformat.writes(nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(source)]))

    template = warm.Template().wait_ready()
    try:
        figures = {"startup": template.startup_seconds}
        times = []
        for _ in range(5):
            start = time.perf_counter()
            template.run(one_cell("pass"), {}, sandbox.Limits())
            times.append(time.perf_counter() - start)
        figures["warm empty"] = statistics.median(times)
        start = time.perf_counter()
        sandbox.run_sandboxed(one_cell("import tensorflow"), {}, sandbox.Limits())
        figures["cold import"] = time.perf_counter() - start
        figures["idle"] = template.proportional_memory()
        peak, done = [0], threading.Event()

        def sample():
            while not done.wait(0.05):
                peak[0] = max(peak[0], template.proportional_memory())

        sampler = threading.Thread(target=sample)
        sampler.start()
        template.run(nbformat.writes(solved), {}, sandbox.Limits())
        done.set()
        sampler.join()
        figures["busy"] = peak[0]
    finally:
        template.close()
    return figures


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

        plain = copy_course(folder / "plain", STOCK_EXECUTE)
        shutil.copytree(folder / "subs", plain / "submitted")
        run([str(BIN / "nbgrader"), "generate_assignment", args.assignment, "--force"], plain)
        timings["nbgrader autograde"] = run(
            [str(BIN / "nbgrader"), "autograde", args.assignment, "--force"], plain)

        configured = copy_course(folder / "configured")
        shutil.copytree(folder / "subs", configured / "submitted")
        run([str(BIN / "nbgrader"), "generate_assignment", args.assignment, "--force"],
            configured)
        timings["nbgrader autograde, course config (sandboxed)"] = run(
            [str(BIN / "nbgrader"), "autograde", args.assignment, "--force"], configured)

        timings["cvcourse --workers 1 --no-sandbox"] = cvcourse(
            folder, "w1-open", args.assignment, "--workers", "1", "--no-sandbox")
        for workers in ("1", "2"):
            timings[f"cvcourse --workers {workers} --cold"] = cvcourse(
                folder, f"w{workers}-cold", args.assignment, "--workers", workers, "--cold")
            timings[f"cvcourse --workers {workers} (warm)"] = cvcourse(
                folder, f"w{workers}-warm", args.assignment, "--workers", workers)

        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            timings["cvcourse --scheduler (2-worker LocalCluster)"] = cvcourse(
                folder, "dask", args.assignment, "--scheduler", cluster.scheduler_address)

    first_judgement, judgement = judge_seconds(
        args.assignment, [notebooks["student00"], notebooks["student01"]])
    kernels = warm_figures(args.assignment, notebooks["student00"])
    n = args.students
    base = timings["nbgrader autograde"]
    print(f"{n} submissions of {args.assignment} on {os.cpu_count()} cores:")
    for name, seconds in timings.items():
        print(f"  {name:<46} {seconds:6.1f} s  {seconds / n:5.2f} s/submission  "
              f"throughput x{base / seconds:4.2f} vs nbgrader")
    overhead = (timings["cvcourse --workers 1 --cold"]
                / timings["cvcourse --workers 1 --no-sandbox"])
    print(f"  sandbox overhead per notebook (cold): {100 * (overhead - 1):+.1f} %")
    print(f"  warm template start-up (once per worker): {kernels['startup']:.2f} s")
    print(f"  a notebook beyond its own cells: warm {kernels['warm empty']:.2f} s (median of "
          f"5, one empty cell); cold, one cell importing TensorFlow: "
          f"{kernels['cold import']:.2f} s")
    print(f"  memory per worker, proportional set size: template idle "
          f"{kernels['idle'] / 2**20:.0f} MB, with a copy running the worked notebook "
          f"{kernels['busy'] / 2**20:.0f} MB (a cold kernel alone: about the copy's RSS)")
    for workers in ("1", "2"):
        per = timings[f"cvcourse --workers {workers} (warm)"] / n
        cold = timings[f"cvcourse --workers {workers} --cold"] / n
        print(f"  300 students x 3 exercises at --workers {workers}: warm "
              f"{900 * per / 60:.0f} min, cold {900 * cold / 60:.0f} min (from this run's "
              f"s/submission)")
    per_notebook = timings["cvcourse --workers 1 --cold"] / n
    print(f"  judge per notebook: {1000 * judgement:.0f} ms median "
          f"({100 * judgement / per_notebook:.1f} % of a --workers 1 notebook); the first "
          f"judgement in a process, importing the exercise: {first_judgement:.2f} s")


if __name__ == "__main__":
    main()
