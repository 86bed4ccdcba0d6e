"""A grading worker's warm template: a process that has imported what every notebook
imports, and forks one isolated copy per submitted notebook, whose fork becomes its kernel.

It runs inside a bubblewrap sandbox of its own (``sandbox.template_command``): the same
read-only system, environment and learner edition a cold run sees, and ``/spool``, where
the worker puts each job's folder (``request.json``, ``work/``). The worker writes one line
per job on its standard input, ``run JOB SECONDS``; the template answers ``done JOB``
when the job's copy is gone, and the result is in the job's folder.

A job's copy isolates itself before anything of the submission runs (``namespaces.py``):

1. new user, mount, network, IPC, UTS, cgroup and PID namespaces; ``/tmp``, ``/dev/shm``
   and ``/dev/pts`` made anew; the job's ``work/`` folder at ``/tmp/submission``;
   ``/spool`` covered, so no other job's folder can be seen; a loopback of its own;
2. its first child is PID 1 of the new PID namespace (it sees no process outside it, the
   template included) and mounts its own ``/proc``; it enters a second user and mount
   namespace, which locks every mount made above (none can be undone from inside), takes
   uid 1000, gives up every capability and becomes non-dumpable;
3. it then runs the notebook exactly as ``runner.py`` does in a cold sandbox, with the
   kernel forked from itself (``forked_kernel.py``) once the limits are set.

Nothing of one job reaches the template: the template never reads a request, and every
copy ends with its job. No TensorFlow operation runs in the template, so no thread pool
of TensorFlow's exists to be lost in a fork.
"""

import json
import os
import select
import sys

# What every course notebook imports, and what a kernel imports as it starts, imported
# once here. The inline backend is what ipykernel would choose for matplotlib, and the
# debugger switch what jupyter_client gives every Python kernel; both are set before the
# modules read them, and each copy's kernel inherits them.
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import pydoc  # noqa: E402, F401
import sqlite3  # noqa: E402, F401

import ipykernel.comm  # noqa: E402, F401
import ipykernel.debugger  # noqa: E402, F401
import ipykernel.ipkernel  # noqa: E402, F401
import ipykernel.kernelapp  # noqa: E402, F401
import ipykernel.zmqshell  # noqa: E402, F401
import IPython.core.completer  # noqa: E402, F401
import IPython.core.completerlib  # noqa: E402, F401
import IPython.core.debugger  # noqa: E402, F401
import IPython.core.oinspect  # noqa: E402, F401
import IPython.extensions.storemagic  # noqa: E402, F401
import matplotlib  # noqa: E402, F401
import numpy  # noqa: E402, F401
import tensorflow  # noqa: E402, F401
import tornado.platform.asyncio  # noqa: E402, F401

import learntools_lite.computer_vision.ex1  # noqa: E402, F401
import learntools_lite.computer_vision.ex2  # noqa: E402, F401
import learntools_lite.computer_vision.ex3  # noqa: E402, F401

from . import namespaces as ns  # noqa: E402
from . import runner  # noqa: E402
from .forked_kernel import start_forked_kernel  # noqa: E402

SPOOL = "/spool"
WORKDIR = "/tmp/submission"  # where a cold sandbox puts the submission too
KERNEL_UID = 1000
PROBE_SECONDS = 60  # the probe's copy only isolates itself and exits


def _mounts_under(folder: str) -> list[str]:
    """The mount points below ``folder`` that no other of them contains (this mount
    namespace's, from /proc/self/mountinfo; its fifth field, with octal escapes)."""
    with open("/proc/self/mountinfo") as mountinfo:
        points = [line.split()[4].encode().decode("unicode_escape") for line in mountinfo]
    below = sorted({p for p in points if p.startswith(folder.rstrip("/") + "/")})
    return [p for p in below if not any(p.startswith(q + "/") for q in below if q != p)]


def fresh_tmp() -> None:
    """An empty /tmp of this copy's own. What the sandbox mounted below the template's /tmp
    (the Python environment, when it lives in /tmp) is mounted again on top, read-only,
    from file descriptors opened before the old /tmp is covered."""
    kept = {point: os.open(point, os.O_PATH) for point in _mounts_under("/tmp")}
    ns.mount("tmpfs", "/tmp", "tmpfs", ns.MS_NOSUID | ns.MS_NODEV)
    for point, handle in kept.items():
        os.makedirs(point)
        ns.mount(f"/proc/self/fd/{handle}", point, None, ns.MS_BIND | ns.MS_REC)
        ns.read_only(point)
        os.close(handle)


def isolate(job_folder: str | None) -> None:
    """Step 1 above, in a fresh fork of the template; ``job_folder`` None for the probe."""
    uid, gid = os.geteuid(), os.getegid()
    ns.unshare(ns.CLONE_NEWUSER | ns.CLONE_NEWNS | ns.CLONE_NEWNET | ns.CLONE_NEWIPC
               | ns.CLONE_NEWUTS | ns.CLONE_NEWCGROUP | ns.CLONE_NEWPID)
    ns.map_ids(0, uid, gid)
    ns.mount("none", "/", None, ns.MS_REC | ns.MS_PRIVATE)
    # The template's root and /dev are every copy's: read-only here, so no copy can leave
    # anything there for another (a cold sandbox has its own, writable).
    ns.read_only("/")
    ns.read_only("/dev")
    fresh_tmp()
    ns.mount("tmpfs", "/dev/shm", "tmpfs", ns.MS_NOSUID | ns.MS_NODEV)
    ns.mount("devpts", "/dev/pts", "devpts", ns.MS_NOSUID | ns.MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=620")
    os.mkdir(WORKDIR)
    if job_folder is not None:
        ns.mount(os.path.join(job_folder, "work"), WORKDIR, None, ns.MS_BIND | ns.MS_REC)
    ns.mount("tmpfs", SPOOL, "tmpfs", ns.MS_RDONLY | ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC,
             "size=4k")
    ns.loopback_up()


def confine() -> None:
    """Step 2 above, in PID 1 of the new PID namespace."""
    ns.die_with_parent()
    ns.mount("proc", "/proc", "proc", ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC)
    ns.unshare(ns.CLONE_NEWUSER | ns.CLONE_NEWNS)
    ns.map_ids(KERNEL_UID, 0, 0)
    os.setsid()
    ns.drop_capabilities()
    ns.not_dumpable()


def _quiet() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for standard in (0, 1, 2):
        os.dup2(null, standard)
    os.close(null)


def _run_notebook(request_fd: int, result_fd: int) -> None:
    """Step 3 above: PID 1 of the job's namespaces, confined, runs the notebook."""
    try:
        confine()
        with os.fdopen(request_fd) as request_file:
            request = json.load(request_file)
        os.chdir(WORKDIR)
        runtime = os.environ.get("JUPYTER_RUNTIME_DIR", "/tmp/jupyter")
        os.makedirs(runtime, exist_ok=True)
        line = runner.result_line(request, kernel=lambda: start_forked_kernel(runtime))
        with os.fdopen(result_fd, "w") as result:
            result.write(line)
    finally:
        os._exit(0)


def _wait(pid: int, seconds: float) -> None:
    """Wait for ``pid``; past ``seconds``, kill it (PID 1 of its namespace: everything
    in the namespace goes with it). A pidfd becomes readable the moment it ends."""
    process = os.pidfd_open(pid)
    try:
        if not select.select([process], [], [], seconds)[0]:
            os.kill(pid, 9)
    finally:
        os.close(process)
    os.waitpid(pid, 0)


def run_job(job: str, seconds: float) -> None:
    """In a fresh fork of the template: isolate, then run the job's notebook in a child."""
    try:
        ns.die_with_parent()
        folder = os.path.join(SPOOL, job)
        request_fd = os.open(os.path.join(folder, "request.json"), os.O_RDONLY)
        result_fd = os.open(os.path.join(folder, "result"),
                            os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        _quiet()
        isolate(folder)
        pid = os.fork()
        if pid == 0:
            _run_notebook(request_fd, result_fd)
        os.close(request_fd)
        os.close(result_fd)
        _wait(pid, seconds)
    finally:
        os._exit(0)


def probe() -> str:
    """Why a job's copy cannot isolate itself here, or "" when it can (the worker then
    falls back to cold kernels)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        reason = ""
        try:
            isolate(None)
            child = os.fork()
            if child == 0:
                try:
                    confine()
                finally:
                    os._exit(0)
            if os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) != 0:
                reason = "the confined child failed"
        except OSError as error:
            reason = error.strerror or str(error)
        os.write(write, reason.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        reason = answer.read()
    try:
        _wait(pid, PROBE_SECONDS)  # as a job's copy is waited for: by its pidfd
    except OSError as error:  # no pidfds (Linux before 5.3)
        os.waitpid(pid, 0)
        return f"a job's copy cannot be waited for ({error.strerror or error})"
    return reason


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    reason = probe()
    if reason:
        say(f"unavailable {reason}")
        return
    say("ready")
    for line in sys.stdin:
        command, job, seconds = line.split()
        if command != "run" or os.sep in job or job.startswith("."):
            say(f"refused {job}")
            continue
        pid = os.fork()
        if pid == 0:
            run_job(job, float(seconds))
        os.waitpid(pid, 0)
        say(f"done {job}")


if __name__ == "__main__":
    main()
