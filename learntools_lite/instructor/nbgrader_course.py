"""The nbgrader course root (``course/``) driven through nbgrader's own API."""

import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


class CourseError(RuntimeError):
    """Something about the course root or an nbgrader step went wrong (one-line message)."""


def load_config(course_dir: Path):
    """The course's nbgrader configuration, read the way nbgrader itself reads it, with
    the gradebook chosen by ``--db`` or the environment (see ``database.py``)."""
    from .database import configure

    path = course_dir / CONFIG_FILE
    if not path.exists():
        raise CourseError(f"{course_dir} is not an nbgrader course root (no {CONFIG_FILE})")
    config = PyFileConfigLoader(CONFIG_FILE, path=str(course_dir)).load_config()
    configure(config)
    return config


def _put_alembic_on_path() -> None:
    # nbgrader runs the `alembic` command to create a gradebook; it sits beside this
    # interpreter, which need not be on PATH (e.g. `.venv/bin/cvcourse` run directly).
    if shutil.which("alembic") is None:
        os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent),
                                              os.environ.get("PATH", "")])


def api_for(course_dir: Path, config=None) -> NbGraderAPI:
    """nbgrader's API for the course at ``course_dir``, with the course's configuration
    (or ``config``, a changed copy of it)."""
    _put_alembic_on_path()
    return NbGraderAPI(config=config if config is not None else load_config(course_dir))


def assignments(course_dir: Path) -> list[str]:
    """The assignment names: one folder per assignment under ``source/``."""
    return sorted(p.name for p in (course_dir / "source").iterdir() if p.is_dir())


def require(result: dict, step: str) -> None:
    """Raise a one-line CourseError when an nbgrader API call did not succeed: its last
    line of error or log, without the exception's class (``nbgrader...ExchangeError:``)."""
    if not result.get("success"):
        last = (result.get("error") or result.get("log") or "").strip().splitlines()
        reason = re.sub(r"^[\w.]+(Error|Exception): ", "", last[-1]) if last else \
            "no details from nbgrader"
        raise CourseError(f"{step} failed: {reason}")


@contextmanager
def scratch_course(course_dir: Path, source: Path | None = None):
    """A throw-away copy of the course's config and sources (or of the assignment folders
    in ``source``, such as another language's), so nothing in the repository (gradebook,
    release folder) changes."""
    with tempfile.TemporaryDirectory(prefix="cvcourse-") as folder:
        copy = Path(folder) / "course"
        copy.mkdir()
        shutil.copy2(course_dir / CONFIG_FILE, copy / CONFIG_FILE)
        shutil.copytree(source or course_dir / "source", copy / "source")
        yield copy


def generate_release(course_dir: Path, assignment: str) -> Path:
    """Run nbgrader's generate_assignment; returns the assignment's release folder."""
    require(api_for(course_dir).generate_assignment(assignment, force=True),
            f"generating the release of {assignment}")
    return course_dir / "release" / assignment
