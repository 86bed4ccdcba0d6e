"""Where sandboxed executions run: a pool of local workers, or a Dask cluster.

Both take plain-data jobs and yield results as they finish, so the grading process
alone writes the gradebook, whatever runs the notebooks.
"""

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace

import nbformat

from ..sandboxed.cells import mark_unreached
from . import judge, sandbox, warm


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


def run_locally(jobs: Iterable[Job], workers: int) -> Iterator[tuple[Job, sandbox.Execution]]:
    """Run jobs on this machine, ``workers`` at a time (each job is its own subprocess,
    so threads are enough to keep them all busy)."""
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], _result(futures[future], future)
    finally:
        # Stopped early (Ctrl-C): start nothing new; what is running finishes unrecorded.
        pool.shutdown(wait=True, cancel_futures=True)
        warm.POOL.close()


def run_on_dask(jobs: Iterable[Job], scheduler: str) -> Iterator[tuple[Job, sandbox.Execution]]:
    """Run jobs on the Dask cluster whose scheduler listens at ``scheduler``."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, timeout="30s") as client:
        futures = {client.submit(run_job, job, pure=False): job for job in jobs}
        for future in dask_completed(futures):
            yield futures[future], _result(futures[future], future)
