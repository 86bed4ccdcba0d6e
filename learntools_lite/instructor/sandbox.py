"""Execute one submitted notebook in a bubblewrap sandbox, with resource limits.

The sandbox (Debian's ``bubblewrap``) builds the notebook's file system from nothing, and
shows it only:

* the system folders (``/usr``, the few files of ``/etc`` programs need) and the Python
  environment, read-only;
* the learner edition of ``learntools_lite`` (``edition.py``: no instructor code, no
  solution text) on ``PYTHONPATH``, read-only;
* a private, writable copy of its own folder as the working directory, and empty /tmp.

So there is no path to the repository, the course root (sources, release, submissions,
gradebook, other students), ``solutions/``, ``exercises/`` or the instructor's home, even
when the environment is an editable install inside the repository. It also gets a network
namespace of its own with only loopback (the kernel talks to its runner over it), a PID
namespace of its own, and an unprivileged user.

Inside, ``sandboxed/runner.py`` enforces memory, CPU time, process count, per-cell and
total time limits. Nothing is scored here: the executed notebook goes back to the trusted
side, where the judge (``judge.py``) and nbgrader score it.
"""

import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from ..sandboxed.cells import mark_unreached
from . import sandbox_diagnosis
from .edition import learner_edition

RUNNER = "learntools_lite.sandboxed.runner"
# The system, read-only. On merged-/usr systems /bin, /lib, ... are symbolic links into /usr
# and are recreated as links. Of /etc only what programs read to start and run: the rest
# may hold a server's configuration and secrets (a JupyterHub's, a database's).
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf",
       "localtime", "hosts", "fonts", "alternatives", "mime.types")
EDITION = "/opt/learntools"  # where the learner edition appears inside the sandbox
WORKDIR = "/tmp/submission"  # /tmp is a fresh tmpfs, so the mount point can be made
SPOOL = "/spool"  # where a warm template sees its jobs' folders
TEMPLATE = "learntools_lite.sandboxed.template"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot start here (one-line message)."""


@dataclass(frozen=True)
class Limits:
    """Per-notebook limits. The defaults fit the course's largest legitimate notebook
    (about 4 s of CPU and 0.7 GB of memory) with a wide margin."""

    memory_mb: int = 2048
    cpu_seconds: int = 120
    processes: int = 64
    cell_timeout: int = 30
    wall_seconds: int = 300


@dataclass(frozen=True)
class Execution:
    """What came back from one sandboxed run."""

    notebook: str  # the executed notebook, as JSON text
    problems: tuple[str, ...]  # limits hit, dead kernel, sandbox failures
    judgements: tuple = ()  # judge.Judgement per test cell, once judged
    warm: bool = False  # run in a fork of a warm template (warm.py), not a new Python


def _environment() -> list[Path]:
    """The Python environment the kernel runs in (a venv and the Python it was made from)."""
    return sorted({Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()})


def _base_command(proc: list[str]) -> list[str]:
    """What every sandbox here is made of: the system, /etc's few files, /dev, ``proc``,
    an empty /tmp, the environment and the learner edition, all read-only but /tmp."""
    command = ["bwrap", "--die-with-parent", "--new-session",
               "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000"]
    for name in SYSTEM:
        path = Path(name)
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), name]
        elif path.exists():
            command += ["--ro-bind", name, name]
    for name in ETC:
        path = Path("/etc") / name
        if path.exists():  # links (/etc/localtime) are bound as the file they point to
            command += ["--ro-bind", str(path), str(path)]
    command += ["--dev", "/dev", *proc, "--tmpfs", "/tmp"]
    for path in _environment():
        command += ["--ro-bind", str(path), str(path)]
    return [*command, "--ro-bind", str(learner_edition()), EDITION]


def bwrap_command(workdir: Path) -> list[str]:
    """The bubblewrap command line for a notebook whose private folder is ``workdir``."""
    return [*_base_command(["--proc", "/proc"]),
            "--bind", str(workdir), WORKDIR, "--chdir", WORKDIR]


def template_command(spool: Path) -> list[str]:
    """The bubblewrap command line for a warm template (``sandboxed/template.py``) whose
    jobs' folders are in ``spool``. Its /proc is bound rather than made anew: Linux lets a
    job's copy mount the /proc of its own PID namespace only where no part of a /proc is
    covered, and bubblewrap covers parts of the /proc it makes. The template runs no
    submission code; each copy covers this /proc with its own before any runs."""
    return [*_base_command(["--bind", "/proc", "/proc"]), "--bind", str(spool), SPOOL,
            "--chdir", "/"]


# Variables a notebook may inherit from the grading process: locale, and the switches of
# TensorFlow and the numeric libraries. Everything else (tokens, database URLs, paths of
# the course) stays out of the kernel's environment.
PASSED_ON = ("PATH", "LANG", "LANGUAGE", "TZ", "PYTEST_CURRENT_TEST")
PASSED_ON_PREFIXES = ("LC_", "TF_", "OPENBLAS_", "OMP_", "MKL_")


def notebook_environment(home: str, tmp: str, edition: str) -> dict[str, str]:
    """The whole environment of a graded notebook's runner and kernel."""
    env = {name: value for name, value in os.environ.items()
           if name in PASSED_ON or name.startswith(PASSED_ON_PREFIXES)}
    # Graded runs import the learner edition, show no solutions, and write no bytecode.
    return {**env, "PYTHONPATH": edition, "PYTHONDONTWRITEBYTECODE": "1",
            "LEARNTOOLS_SOLUTIONS": "off", "HOME": home, "TMPDIR": tmp,
            "MPLCONFIGDIR": f"{tmp}/matplotlib", "JUPYTER_RUNTIME_DIR": f"{tmp}/jupyter",
            "IPYTHONDIR": f"{tmp}/ipython"}


def check_bubblewrap(proc: Path | None = None) -> None:
    """Raise :class:`SandboxUnavailable` unless a trivial command runs in the sandbox; its
    message names the likely cause and its fix (``sandbox_diagnosis``, reading ``proc``,
    by default the real /proc)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; install it "
                                 "(apt-get install bubblewrap) or pass --no-sandbox")
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([*bwrap_command(Path(folder)), "true"],
                                capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        # The kernel's switches on unprivileged namespaces do not limit root or a setuid bwrap.
        privileged = os.geteuid() == 0 or bool(os.stat(bwrap).st_mode & stat.S_ISUID)
        cause = sandbox_diagnosis.likely_cause(result.stderr, proc or sandbox_diagnosis.PROC,
                                              privileged, bwrap)
        advice = f"{cause}. " if cause else ""
        raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here ({detail}). {advice}"
                                 "Only for trusted submissions: pass --no-sandbox to grade "
                                 "without one")


def runner_request(notebook_json: str, limits: Limits, sandboxed: bool) -> tuple[str, str]:
    """A fresh nonce and the runner's request (JSON text) that carries it."""
    nonce = secrets.token_hex(16)
    return nonce, json.dumps({"nonce": nonce, "notebook": notebook_json,
                              "limits": asdict(limits), "isolated": sandboxed})


def write_files(workdir: Path, files: dict[str, bytes]) -> None:
    """Make ``workdir`` and write the submission's other files into it (none outside it)."""
    workdir.mkdir()
    for name, content in files.items():
        target = (workdir / name).resolve()
        if target.is_relative_to(workdir.resolve()):  # no ../ from a submission
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def run_sandboxed(notebook_json: str, files: dict[str, bytes], limits: Limits,
                  sandboxed: bool = True) -> Execution:
    """Run a notebook (JSON text) in a fresh private folder holding ``files`` (relative
    path -> content: the rest of the submission); returns the executed notebook and any
    problems. Plain data in and out, so a Dask worker on another machine can run it."""
    nonce, request = runner_request(notebook_json, limits, sandboxed)
    with tempfile.TemporaryDirectory(prefix="cvcourse-run-") as folder:
        workdir = Path(folder) / "work"
        write_files(workdir, files)
        # -P: the working folder holds the submission's files, which must not be able to
        # stand in for the runner (``-m`` would otherwise put that folder first on sys.path).
        runner = [sys.executable, "-P", "-m", RUNNER]
        if sandboxed:
            command, cwd = [*bwrap_command(workdir), *runner], None
            env = notebook_environment(WORKDIR, "/tmp", EDITION)
        else:
            scratch = Path(folder) / "tmp"
            scratch.mkdir()
            command, cwd = runner, workdir
            env = notebook_environment(str(workdir), str(scratch), str(learner_edition()))
        try:
            result = subprocess.run(command, input=request, capture_output=True, text=True,
                                    cwd=cwd, env=env, timeout=limits.wall_seconds + 60)
            stdout = result.stdout
        except subprocess.TimeoutExpired as expired:
            stdout = expired.stdout or ""
    return read_result(stdout, nonce, notebook_json)


def read_result(stdout, nonce: str, notebook_json: str) -> Execution:
    """The execution the runner's output reports under ``nonce``; without that line, every
    cell unreached."""
    if isinstance(stdout, bytes):
        stdout = stdout.decode(errors="replace")
    for line in reversed(stdout.splitlines()):
        if line.startswith(nonce + " "):
            result = json.loads(line[len(nonce) + 1:])
            return Execution(result["notebook"], tuple(result["problems"]))
    # No result line: the runner itself was stopped. Nothing ran as far as grading knows.
    notebook = nbformat.reads(notebook_json, as_version=4)
    mark_unreached(notebook.cells, 0, "the sandbox stopped")
    return Execution(nbformat.writes(notebook), ("the sandbox stopped without a result",))
