"""Warm kernels: each grading worker keeps a template that has imported TensorFlow and the
rest once (``sandboxed/template.py``, in a bubblewrap sandbox of its own), and every
notebook runs in an isolated fork of it instead of a new Python.

The worker side lives here: a :class:`Template` is one template process and its spool
folder; the :data:`POOL` lends one to each job at a time, starting more as jobs run in
parallel. Where a template cannot isolate its copies (no nested user namespaces, say), the
pool says why once and jobs run cold.
"""

import atexit
import itertools
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from . import sandbox

STARTUP_SECONDS = 120  # importing TensorFlow on a loaded machine, with a margin
MARGIN_SECONDS = 30  # a job's copy is killed this long after its wall-time limit


class WarmUnavailable(RuntimeError):
    """Warm kernels cannot be made here; the message says why (one line)."""


class _Lines:
    """Lines read from a pipe, with a time limit on each.

    ``select`` and ``os.read`` rather than the pipe's ``readline``, which cannot time out:
    a template that hangs must not hang the worker waiting for it."""

    def __init__(self, pipe):
        self.fd = pipe.fileno()
        self.buffer = b""

    def waiting(self) -> bool:
        """Whether there is something to read now (a line, or the end of the pipe)."""
        return b"\n" in self.buffer or bool(select.select([self.fd], [], [], 0)[0])

    def next(self, seconds: float) -> str | None:
        """The next line, or None at the end of the pipe or when ``seconds`` have passed."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode(errors="replace")


class Template:
    """One warm template process of this worker, ready for jobs (one at a time).

    Made in two steps, so that several can start at once: the constructor starts the
    process, :meth:`wait_ready` waits for its "ready". bubblewrap dies with the thread that
    started it (``--die-with-parent``), so a template is started by a thread that outlives
    it: the grading thread, or the worker thread that runs its jobs."""

    def __init__(self):
        self.spool = Path(tempfile.mkdtemp(prefix="cvcourse-spool-"))
        command = [*sandbox.template_command(self.spool), sys.executable, "-P", "-m",
                   sandbox.TEMPLATE]
        environment = sandbox.notebook_environment(sandbox.WORKDIR, "/tmp", sandbox.EDITION)
        self.started = time.monotonic()
        # The template's own errors (an import that fails, say) go to a file, read only
        # if it does not start: a pipe nobody reads could fill up and stop it.
        self.errors = tempfile.TemporaryFile(dir=self.spool)
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self.errors,
                                            env=environment)
        except OSError as error:  # bwrap gone since grading checked it, say
            self.errors.close()
            shutil.rmtree(self.spool, ignore_errors=True)
            raise WarmUnavailable(f"the template did not start: {error}") from None
        self.lines = _Lines(self.process.stdout)
        self.jobs = itertools.count()
        self.startup_seconds = None

    def wait_ready(self) -> "Template":
        """Wait until the template has imported everything; itself, or WarmUnavailable
        saying why it cannot serve."""
        answer = self.lines.next(STARTUP_SECONDS)
        self.startup_seconds = time.monotonic() - self.started
        if answer != "ready":
            self.process.kill()  # read what it said once it can say no more
            self.process.wait()
            self.errors.seek(0)
            said = self.errors.read().decode(errors="replace").strip().splitlines()
            self.close()
            reason = (answer or "").removeprefix("unavailable ").strip()
            raise WarmUnavailable(reason or "the template did not start"
                                  + (f": {said[-1][:300]}" if said else ""))
        self.errors.close()
        return self

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, notebook_json: str, files: dict[str, bytes],
            limits: sandbox.Limits) -> sandbox.Execution:
        """Run one notebook in a fresh, isolated copy of the template."""
        name = f"job-{next(self.jobs)}"
        folder = self.spool / name
        nonce, request = sandbox.runner_request(notebook_json, limits, True)
        try:
            folder.mkdir()
            sandbox.write_files(folder / "work", files)
            (folder / "request.json").write_text(request)
            self.process.stdin.write(f"run {name} {limits.wall_seconds + MARGIN_SECONDS}\n"
                                     .encode())
            self.process.stdin.flush()
            answer = self.lines.next(limits.wall_seconds + 2 * MARGIN_SECONDS)
            if answer != f"done {name}":  # the template itself is broken: start anew
                self.close()
            result = folder / "result"
            output = result.read_text(errors="replace") if result.exists() else ""
        except OSError:  # the template's pipes broke
            self.close()
            output = ""
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return replace(sandbox.read_result(output, nonce, notebook_json), warm=True)

    def proportional_memory(self) -> int:
        """The template's proportional set size in bytes (its pages shared with its
        copies count once, split among them), for the benchmark."""
        total = 0
        for pid in _tree(self.process.pid):
            try:
                with open(f"/proc/{pid}/smaps_rollup") as rollup:
                    total += next(int(line.split()[1]) * 1024 for line in rollup
                                  if line.startswith("Pss:"))
            except (OSError, StopIteration):
                continue
        return total

    def close(self) -> None:
        if self.alive:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout, self.errors):
            pipe.close()
        shutil.rmtree(self.spool, ignore_errors=True)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (bubblewrap, its init, the template)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        queue += [int(child) for child in children]
    return found


class TemplatePool:
    """The templates of this process: each job borrows one, and a new one starts when all
    are busy (so there are as many as jobs run at once)."""

    def __init__(self):
        self.free: list[Template] = []
        self.all: list[Template] = []
        self.lock = threading.Lock()
        self.unavailable = ""
        self.starting: list[Template] = []

    def start(self, count: int) -> None:
        """Start ``count`` templates at once, without waiting for them (one per worker
        that will run jobs): they import while the caller prepares the jobs."""
        for _ in range(count):
            try:
                self.starting.append(Template())
            except WarmUnavailable as error:
                self.unavailable = str(error)
                return

    def started(self) -> bool:
        """Whether every template :meth:`start` began has said whether it is ready (so
        :meth:`available` would not wait)."""
        return all(template.lines.waiting() for template in self.starting)

    def available(self) -> str:
        """Why warm kernels cannot be had here, or "" (once the templates :meth:`start`
        began are up; without any, starting one template to see)."""
        starting, self.starting = self.starting, []
        if not starting and not self.unavailable:
            try:
                self.release(self.acquire())
            except WarmUnavailable:
                pass  # kept in self.unavailable
        for template in starting:
            try:
                template.wait_ready()
            except WarmUnavailable as error:
                self.unavailable = self.unavailable or str(error)
                continue
            with self.lock:
                self.all.append(template)
            self.release(template)
        return self.unavailable

    def acquire(self) -> Template:
        with self.lock:
            if self.unavailable:
                raise WarmUnavailable(self.unavailable)
            while self.free:
                template = self.free.pop()
                if template.alive:
                    return template
                self._forget(template)
        try:
            template = Template().wait_ready()
        except WarmUnavailable as error:
            with self.lock:
                self.unavailable = str(error)
            raise
        with self.lock:
            self.all.append(template)
        return template

    def release(self, template: Template) -> None:
        with self.lock:
            if template.alive:
                self.free.append(template)
            else:
                self._forget(template)

    def _forget(self, template: Template) -> None:
        """Drop a template that died (a job broke it), its spool folder with it; the
        caller holds the lock."""
        if template in self.all:
            self.all.remove(template)
        template.close()

    def close(self) -> None:
        """Stop every template (the end of a grading run, or of the process)."""
        with self.lock:
            templates, self.all, self.free = self.all + self.starting, [], []
            self.starting = []
        for template in templates:
            template.close()


POOL = TemplatePool()
atexit.register(POOL.close)


def cold_line(reason: str) -> str:
    """The one line that says grading goes on without warm kernels, and why."""
    return f"warm kernels are not available here ({reason}); grading with cold kernels"


_said = threading.Event()


def say_cold_once(reason: str) -> None:
    """On a worker that found no warm kernels (a Dask worker: its log), say so once."""
    if not _said.is_set():
        _said.set()
        print(cold_line(reason), file=sys.stderr, flush=True)
