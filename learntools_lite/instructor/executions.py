"""Sandboxed executions kept between runs: one JSON record per student notebook under the
course root's ``executed/`` folder (which the sandbox hides), holding the executed notebook,
the problems met and the judge's verdicts.

``cvcourse grade`` fills the records in parallel; nbgrader's autograde step (from
``cvcourse grade``, the formgrader's Autograde button or ``nbgrader autograde``) then takes
its outputs from them, executing in the sandbox first when a record is missing.
"""

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

import nbformat

from . import sandbox
from .authoring import METADATA_KEY
from .nbgrader_course import CourseError

EXECUTED = "executed"


def fingerprint(notebook) -> str:
    """Identifies a sanitized notebook by its cells, whatever its JSON formatting."""
    cells = [(cell.cell_type, cell.source) for cell in notebook.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def record_path(course_dir: Path, assignment: str, student: str, notebook: str) -> Path:
    return course_dir / EXECUTED / assignment / student / f"{notebook}.json"


def cached(course_dir: Path, assignment: str, key: tuple) -> dict | None:
    """The stored execution for ``key`` (student, notebook, fingerprint) if it is of the
    same sanitized notebook."""
    student, notebook, digest = key
    try:
        record = json.loads(record_path(course_dir, assignment, student, notebook).read_text())
    except (OSError, ValueError):
        return None
    return record if record.get("input") == digest else None


def store(course_dir: Path, assignment: str, key: tuple, execution) -> dict:
    """Write one execution atomically (an interrupted run leaves a whole record or none);
    returns the record."""
    student, notebook, digest = key
    path = record_path(course_dir, assignment, student, notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"input": digest, "notebook": execution.notebook,
              "problems": list(execution.problems),
              "judgements": [asdict(j) for j in execution.judgements],
              "warm": execution.warm}
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(record))
    os.replace(partial, path)
    return record


def exercise_of(course_dir: Path, assignment: str, notebook: str) -> str:
    """The exercise module of a notebook, read from the course's own source (never from the
    submission, which the student controls)."""
    path = course_dir / "source" / assignment / f"{notebook}.ipynb"
    try:
        source = nbformat.read(str(path), as_version=4)
        return source.metadata[METADATA_KEY]["exercise"]
    except (OSError, ValueError, KeyError, TypeError):
        raise CourseError(f"{path} is not a course source notebook with "
                          f"metadata.{METADATA_KEY}.exercise") from None


def limits_for(config, memory_mb: int | None = None) -> sandbox.Limits:
    """The per-notebook limits: the defaults, with the course's cell timeout
    (``c.Execute.timeout``) and ``memory_mb`` when given."""
    timeout = config.Execute.get("timeout", sandbox.Limits.cell_timeout)
    memory = {} if memory_mb is None else {"memory_mb": memory_mb}
    return sandbox.Limits(cell_timeout=int(timeout), **memory)


def other_files(folder: Path) -> dict[str, bytes]:
    """The rest of a submission beside its notebooks (data files a notebook may read)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix != ".ipynb"}
