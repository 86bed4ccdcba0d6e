"""Where sandboxed executions run: a pool of local workers, or a Dask cluster.

Both take plain-data jobs and yield results as they finish, so the grading process
alone writes the gradebook, whatever runs the notebooks.
"""

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from . import sandbox


@dataclass(frozen=True)
class Job:
    """One notebook to execute: ``key`` comes back with its result."""

    key: tuple
    notebook: str
    files: dict
    limits: sandbox.Limits
    hidden: tuple  # folders the notebook must not see (paths as text, for any machine)
    sandboxed: bool


def run_job(job: Job) -> sandbox.Execution:
    hidden = [Path(path) for path in job.hidden]
    return sandbox.execute(job.notebook, job.files, job.limits, hidden, job.sandboxed)


def run_locally(jobs: Iterable[Job], workers: int) -> Iterator[tuple[Job, sandbox.Execution]]:
    """Run jobs on this machine, ``workers`` at a time (each job is its own subprocess,
    so threads are enough to keep them all busy)."""
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        # Stopped early (Ctrl-C): start nothing new; what is running finishes unrecorded.
        pool.shutdown(wait=True, cancel_futures=True)


def run_on_dask(jobs: Iterable[Job], scheduler: str) -> Iterator[tuple[Job, sandbox.Execution]]:
    """Run jobs on the Dask cluster whose scheduler listens at ``scheduler``."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, timeout="30s") as client:
        futures = {client.submit(run_job, job, pure=False): job for job in jobs}
        for future in dask_completed(futures):
            yield futures[future], future.result()
