"""Runs inside the sandbox: execute one notebook under resource limits, report the result.

Protocol (``sandbox.py`` is the other side): standard input carries one JSON object
``{"nonce", "notebook", "limits"}``. When every process the notebook started has been
killed, this program writes one line to standard output, ``<nonce> <JSON result>``. The
nonce is read before any student code runs and this process is made non-dumpable, so a
submission can neither read it nor forge the result line.

A cell that is never reached (kernel dead, a limit hit) gets an error output, because
nbgrader counts a test cell without an error as passed.
"""

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time

# jsonschema (imported by nbformat) loads rfc3987_syntax, when installed, to check IRI
# formats, and building its grammar takes about 0.7 s: a fifth of a notebook's grading time.
# Notebooks have no IRI fields, so this short-lived process does without it.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from jupyter_core.utils import run_sync  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402

from .cells import mark_unreached  # noqa: E402

PR_SET_DUMPABLE = 4
POLL_SECONDS = 0.05
BACKSTOP_MB = 512


def _not_dumpable() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the sandbox is Linux-only anyway
        pass


# In the sandbox this program has a PID namespace of its own, so "every other process" is
# exactly what the notebook started, however it detached. Run without the sandbox
# (--no-sandbox), it only follows its own descendants, and must never touch anything else.
ISOLATED = False


def _parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def _other_processes() -> list[int]:
    """The processes the notebook started (see ``ISOLATED``)."""
    me = os.getpid()
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
    if ISOLATED:
        return pids
    parents = {}
    for pid in pids:
        try:
            parents[pid] = _parent_of(pid)
        except (OSError, IndexError, ValueError):
            continue
    family, grew = {me}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return sorted(family - {me})


def _memory(pid: int, kernel: bool) -> int:
    """Bytes charged to a process: the kernel's data (``VmData``, what it allocated, the
    quantity ``RLIMIT_DATA`` bounds: the same for a warm kernel, whose resident pages
    shared with its template are mostly not yet mapped, as for a kernel started anew);
    any other process its proportional set size (``Pss``), so that what it shares with
    the kernel after a fork is not charged twice."""
    path, field = (f"/proc/{pid}/status", "VmData:") if kernel else \
        (f"/proc/{pid}/smaps_rollup", "Pss:")
    with open(path) as figures:
        for line in figures:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def _usage(pids: list[int], kernel: int | None) -> tuple[int, float]:
    """Memory (bytes, see :func:`_memory`) and CPU time (seconds) of ``pids`` together."""
    ticks = os.sysconf("SC_CLK_TCK")
    memory, cpu = 0, 0.0
    for pid in pids:
        try:
            memory += _memory(pid, pid == kernel)
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
    return memory, cpu


class Watchdog(threading.Thread):
    """Stops the notebook when its processes together pass a limit."""

    def __init__(self, limits: dict):
        super().__init__(daemon=True)
        self.limits = limits
        self.kernel = None  # the kernel's process id, once it runs
        self.reason = ""
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(POLL_SECONDS):
            pids = _other_processes()
            memory, cpu = _usage(pids, self.kernel)
            if len(pids) > self.limits["processes"]:
                self.stop(f"more than {self.limits['processes']} processes")
            elif memory > self.limits["memory_mb"] * 2**20:
                self.stop(f"memory limit of {self.limits['memory_mb']} MB exceeded")
            elif cpu > self.limits["cpu_seconds"]:
                self.stop(f"CPU time limit of {self.limits['cpu_seconds']} s exceeded")

    def stop(self, reason: str) -> None:
        self.reason = self.reason or reason
        kill_others()


def _reap() -> None:
    """Collect every child that has ended: a warm kernel is this process's own child, and
    as PID 1 of its namespace this process also inherits every orphan; until collected,
    each would still be listed in /proc."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_others() -> None:
    # Repeat until nothing is left: a fork bomb keeps making new processes meanwhile.
    for _ in range(50):
        _reap()
        pids = _other_processes()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


def _keep_hidden_failures(cell, cell_index, execute_reply) -> None:
    """A cell whose reply says "error" keeps an error output, even if the submission
    replaced IPython's traceback display to hide it."""
    content = (execute_reply or {}).get("content", {})
    if content.get("status") == "error" and not any(
            o.output_type == "error" for o in cell.outputs):
        cell.outputs.append(nbformat.v4.new_output(
            "error", ename=content.get("ename", "Error"),
            evalue=content.get("evalue", ""), traceback=[]))


def _timed_out(cell) -> bool:
    return any(o.get("ename") == "CellTimeout" for o in cell.get("outputs", []))


def _answers(client, seconds: float = 5) -> bool:
    """Whether the kernel is free again after an interrupt (code can ignore one)."""
    try:
        run_sync(client.kc.kernel_info)(reply=True, timeout=seconds)
    except Exception:  # no reply in time: the kernel is still busy with the cell
        return False
    return True


def run_limited(notebook, limits: dict, kernel=None) -> tuple[object, list[str]]:
    """Run every cell of ``notebook`` within ``limits``; returns it and the problems met.
    ``kernel``, when given, makes the kernel manager of an already running kernel (a warm
    one, ``forked_kernel.py``); it is called once the limits are set, so the kernel has
    them too. Otherwise nbclient starts a new kernel."""
    # The watchdog stops a notebook at its memory limit; the kernel's own limit is a
    # backstop above it, so that a kernel growing step by step is stopped and reported,
    # not left to fail an allocation in a thread that cannot survive it.
    backstop = (int(limits["memory_mb"]) + BACKSTOP_MB) * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (backstop, backstop))
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu + 5, cpu + 10))
    client = NotebookClient(
        notebook, km=kernel() if kernel else None, kernel_name="python3",
        timeout=limits["cell_timeout"], allow_errors=True,
        interrupt_on_timeout=True, record_timing=False,
        # The outputs are collected before shutdown and every process is killed after it,
        # so a graceful shutdown would only add a second of waiting to each notebook.
        shutdown_kernel="immediate",
        error_on_timeout={"ename": "CellTimeout", "traceback": [],
                          "evalue": f"the cell ran past {limits['cell_timeout']} s"},
        on_cell_executed=_keep_hidden_failures,
    )
    watchdog = Watchdog(limits)
    problems, index = [], 0
    deadline = time.monotonic() + limits["wall_seconds"]
    try:
        with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 stdin=subprocess.DEVNULL):
            watchdog.kernel = client.km.provisioner.pid
            watchdog.start()
            for index, cell in enumerate(notebook.cells):
                if watchdog.reason or time.monotonic() > deadline:
                    break
                client.execute_cell(cell, index)
                if _timed_out(cell) and not _answers(client):
                    watchdog.stop("a cell went on running after its time limit and interrupt")
                    index += 1
                    break
            else:
                index = len(notebook.cells)
    except DeadKernelError:
        pass
    except Exception as error:  # nbclient could not go on; the rest is reported below
        problems.append(f"execution stopped: {type(error).__name__}: {error}")
    finally:
        watchdog.done.set()
    if time.monotonic() > deadline and not watchdog.reason:
        watchdog.reason = f"the notebook ran past {limits['wall_seconds']} s"
    if index < len(notebook.cells):
        reason = watchdog.reason or "the kernel died"
        problems.append(f"{reason}; later cells got 0")
        mark_unreached(notebook.cells, index, reason)
    elif any(o.get("ename") == "MemoryError" for c in notebook.cells for o in c.get("outputs", [])):
        # The per-process limit made an allocation fail; the kernel survived it.
        problems.append(f"memory limit of {limits['memory_mb']} MB reached (MemoryError); "
                        "that cell got 0")
    return notebook, problems


def result_line(request: dict, kernel=None) -> str:
    """Execute the request's notebook; the line that reports it, ``<nonce> <JSON>``, once
    every process the notebook started is gone."""
    global ISOLATED
    ISOLATED = bool(request["isolated"])
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    notebook = nbformat.reads(request["notebook"], as_version=4)
    notebook, problems = run_limited(notebook, request["limits"], kernel)
    kill_others()
    result = {"notebook": nbformat.writes(notebook), "problems": problems}
    return f"\n{request['nonce']} {json.dumps(result)}\n"


def main() -> None:
    request = json.loads(sys.stdin.read())
    _not_dumpable()
    sys.stdout.write(result_line(request))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
