"""Where sandboxed executions run: a pool of local workers, or a Dask cluster.

Both take plain-data jobs one by one and hand back results as they finish, so the grading
process alone writes the gradebook, whatever runs the notebooks.
"""

from collections.abc import Iterator
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace

import nbformat

from ..sandboxed.cells import mark_unreached
from . import judge, sandbox, warm
from .nbgrader_course import CourseError

CONNECT_SECONDS = 30  # how long a Dask scheduler has to answer


@dataclass(frozen=True)
class Job:
    """One notebook to execute: ``key`` comes back with its result."""

    key: tuple
    notebook: str
    files: dict
    limits: sandbox.Limits
    exercise: str  # the exercise module whose questions judge the test cells
    sandboxed: bool
    warm: bool = False  # in a fork of this worker's warm template (warm.py), if it can


def _execute(job: Job) -> sandbox.Execution:
    if job.warm and job.sandboxed:
        try:
            template = warm.POOL.acquire()
        except warm.WarmUnavailable as error:
            warm.say_cold_once(str(error))
        else:
            try:
                return template.run(job.notebook, job.files, job.limits)
            finally:
                warm.POOL.release(template)
    return sandbox.run_sandboxed(job.notebook, job.files, job.limits, job.sandboxed)


def run_job(job: Job) -> sandbox.Execution:
    """Execute the notebook in the sandbox, then judge its test cells here, outside it."""
    execution = _execute(job)
    notebook = nbformat.reads(execution.notebook, as_version=4)
    judgements = judge.judge_notebook(notebook, job.exercise)
    return replace(execution, notebook=nbformat.writes(notebook), judgements=tuple(judgements))


def failed_job(job: Job, error: BaseException) -> sandbox.Execution:
    """What a job that could not run at all gives: every cell unreached, every test cell
    judged 0, and one line saying why (grading goes on with everyone else)."""
    notebook = nbformat.reads(job.notebook, as_version=4)
    reason = f"grading this notebook failed ({type(error).__name__}: {error})"
    mark_unreached(notebook.cells, 0, reason)
    judgements = judge.judge_notebook(notebook, job.exercise)
    return sandbox.Execution(nbformat.writes(notebook), (reason,), tuple(judgements))


def _result(job: Job, future) -> sandbox.Execution:
    try:
        return future.result()
    except Exception as error:  # a lost worker, a broken job: this student alone gets 0
        return failed_job(job, error)


def _collect(running: dict, done) -> list[tuple[Job, sandbox.Execution]]:
    """Each finished future's job (no longer running) and execution."""
    finished = []
    for future in done:
        job = running.pop(future)
        finished.append((job, _result(job, future)))
    return finished


class LocalRuns:
    """Jobs run on this machine, ``workers`` at a time (each job is its own subprocess,
    so threads are enough to keep them all busy). Jobs are submitted one by one, while the
    grading run prepares the next students, and come back as they finish."""

    def __init__(self, workers: int):
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self.running: dict = {}  # future -> job

    def submit(self, job: Job) -> None:
        self.running[self.pool.submit(run_job, job)] = job

    def finished(self, wait: bool) -> list[tuple[Job, sandbox.Execution]]:
        """The jobs finished since the last call; with ``wait``, at least one (if any
        runs)."""
        done, _ = futures.wait(self.running, timeout=None if wait else 0,
                               return_when=futures.FIRST_COMPLETED)
        return _collect(self.running, done)

    def close(self) -> None:
        # Stopped early (Ctrl-C): start nothing new; what is running finishes unrecorded.
        self.pool.shutdown(wait=True, cancel_futures=True)
        warm.POOL.close()


class DaskRuns:
    """Jobs run on the Dask cluster whose scheduler listens at ``scheduler`` (the same
    calls as :class:`LocalRuns`)."""

    def __init__(self, scheduler: str):
        from distributed import Client

        try:
            self.client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
        except (OSError, ValueError) as error:  # not listening, or not an address at all
            raise CourseError(f"the Dask scheduler {scheduler} cannot be reached: "
                              f"{error}") from None
        self.running: dict = {}

    def submit(self, job: Job) -> None:
        self.running[self.client.submit(run_job, job, pure=False)] = job

    def finished(self, wait: bool) -> list[tuple[Job, sandbox.Execution]]:
        from distributed import wait as dask_wait

        if wait and self.running:
            dask_wait(list(self.running), return_when="FIRST_COMPLETED")
        return _collect(self.running, [future for future in self.running if future.done()])

    def close(self) -> None:
        self.client.close()


@contextmanager
def runs(workers: int, scheduler: str | None = None) -> Iterator[LocalRuns | DaskRuns]:
    """Where this grading run's jobs go: the Dask cluster at ``scheduler``, else this
    machine with ``workers`` at a time."""
    where = DaskRuns(scheduler) if scheduler else LocalRuns(workers)
    try:
        yield where
    finally:
        where.close()
