"""Execute one submitted notebook in a bubblewrap sandbox, with resource limits.

The sandbox (Debian's ``bubblewrap``) gives the notebook:

* a read-only view of the system and the Python environment;
* no view of the course root (sources, gradebook, other students), the instructor's home
  or the host's /tmp: each is covered by an empty tmpfs;
* a private, writable copy of its own folder as the working directory;
* a network namespace of its own with only loopback (the kernel talks to its runner
  over it), a PID namespace of its own, and an unprivileged user.

Inside, ``sandbox_runner`` enforces memory, CPU time, process count, per-cell and total
time limits. Scores are not computed here: the executed notebook goes back to the grading
process, which scores it with nbgrader.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

RUNNER = "learntools_lite.instructor.sandbox_runner"
# Shared scratch folders: other users' files live there, so the sandbox gets empty ones.
SCRATCH = (Path("/tmp"), Path("/var/tmp"), Path("/run"))
WORKDIR = "/tmp/submission"  # /tmp is a fresh tmpfs, so the mount point can be made


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


def _visible_paths() -> list[Path]:
    """What the notebook must see even where its parent folder is hidden: the Python
    environment and the learntools_lite package (an editable install lives in a repo)."""
    import learntools_lite

    return [Path(sys.prefix), Path(sys.base_prefix), Path(learntools_lite.__file__).parent]


def bwrap_command(workdir: Path, hidden: list[Path]) -> list[str]:
    """The bubblewrap command line for a notebook whose private folder is ``workdir``."""
    command = ["bwrap", "--die-with-parent", "--new-session",
               "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
               "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    covered = [path for path in (*SCRATCH, Path.home(), *hidden)
               if path.exists() and path != Path("/")]
    for path in covered:
        command += ["--tmpfs", str(path)]
    # Re-expose what the kernel needs (the environment may live in the home or in /tmp),
    # then cover the hidden folders again, in case one of those sits inside it.
    for path in _visible_paths():
        if any(path.is_relative_to(c) for c in covered):
            command += ["--ro-bind", str(path), str(path)]
    for path in hidden:
        if path.exists():
            command += ["--tmpfs", str(path)]
    command += ["--bind", str(workdir), WORKDIR, "--chdir", WORKDIR,
                "--setenv", "HOME", WORKDIR, "--setenv", "TMPDIR", "/tmp",
                "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
                "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/jupyter",
                "--setenv", "IPYTHONDIR", "/tmp/ipython"]
    return command


def check_bubblewrap() -> None:
    """Raise :class:`SandboxUnavailable` unless a trivial command runs in the sandbox."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; install it "
                                 "(apt-get install bubblewrap) or pass --no-sandbox")
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([*bwrap_command(Path(folder), []), "true"],
                                capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here ({detail}); "
                                 "pass --no-sandbox to grade without one")


def execute(notebook_json: str, files: dict[str, bytes], limits: Limits, hidden: list[Path],
            sandboxed: bool = True) -> Execution:
    """Run a notebook (JSON text) in a fresh private folder holding ``files`` (relative
    path -> content: the rest of the submission); returns the executed notebook and any
    problems. Plain data in and out, so a Dask worker on another machine can run it."""
    nonce = secrets.token_hex(16)
    request = json.dumps({"nonce": nonce, "notebook": notebook_json,
                          "limits": asdict(limits), "isolated": sandboxed})
    with tempfile.TemporaryDirectory(prefix="cvcourse-run-") as folder:
        workdir = Path(folder) / "work"
        workdir.mkdir()
        for name, content in files.items():
            target = (workdir / name).resolve()
            if target.is_relative_to(workdir.resolve()):  # no ../ from a submission
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        runner = [sys.executable, "-m", RUNNER]
        if sandboxed:
            command, cwd = [*bwrap_command(workdir, hidden), *runner], None
        else:
            command, cwd = runner, workdir
        # Graded runs show no solutions, and write no bytecode into the environment.
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "LEARNTOOLS_SOLUTIONS": "off"}
        try:
            result = subprocess.run(command, input=request, capture_output=True, text=True,
                                    cwd=cwd, env=env, timeout=limits.wall_seconds + 60)
            stdout = result.stdout
        except subprocess.TimeoutExpired as expired:
            stdout = expired.stdout or ""
    return _read_result(stdout, nonce, notebook_json)


def _read_result(stdout, nonce: str, notebook_json: str) -> Execution:
    if isinstance(stdout, bytes):
        stdout = stdout.decode(errors="replace")
    for line in reversed(stdout.splitlines()):
        if line.startswith(nonce + " "):
            result = json.loads(line[len(nonce) + 1:])
            return Execution(result["notebook"], tuple(result["problems"]))
    # No result line: the runner itself was stopped. Nothing ran as far as grading knows.
    notebook = nbformat.reads(notebook_json, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.strip():
            cell.outputs = [nbformat.v4.new_output(
                "error", ename="NotExecuted", evalue="not run: the sandbox stopped",
                traceback=[])]
    return Execution(nbformat.writes(notebook), ("the sandbox stopped without a result",))
