"""``cvcourse build``: regenerate every notebook version from the sources.

* ``course/notebooks/<name>.ipynb`` (source) -> ``exercises/<name>.ipynb`` (learner version,
  no outputs) and ``solutions/<name>.ipynb`` (solution version, executed for nbval);
* ``course/lessons/*.ipynb`` are their own source and are re-executed in place.
"""

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .versions import learner_version, solution_version

# The slowest legitimate cell (TensorFlow's first import plus a convolution) takes a few
# seconds on a 2-core laptop; a minute leaves room for a loaded machine.
CELL_TIMEOUT = 60


@dataclass(frozen=True)
class CourseLayout:
    """Where a course's notebooks live, relative to the repository root."""

    root: Path

    @property
    def sources(self) -> list[Path]:
        return sorted((self.root / "course" / "notebooks").glob("*.ipynb"))

    @property
    def lessons(self) -> list[Path]:
        return sorted((self.root / "course" / "lessons").glob("*.ipynb"))

    def exercise(self, source: Path) -> Path:
        return self.root / "exercises" / source.name

    def solution(self, source: Path) -> Path:
        return self.root / "solutions" / source.name


def execute(notebook, workdir: Path):
    """Run ``notebook`` top to bottom in a fresh kernel; an error in any cell raises."""
    workdir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            record_timing=False, resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return notebook


def write(notebook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(notebook)
    nbformat.write(notebook, str(path))


def build(root: Path, say=print) -> None:
    """Write the learner and executed solution versions, and re-execute the lessons."""
    layout = CourseLayout(root)
    for source_path in layout.sources:
        source = nbformat.read(str(source_path), as_version=4)
        write(learner_version(source), layout.exercise(source_path))
        solution_path = layout.solution(source_path)
        say(f"executing {solution_path.relative_to(root)}")
        write(execute(solution_version(source), solution_path.parent), solution_path)
    for lesson_path in layout.lessons:
        say(f"executing {lesson_path.relative_to(root)}")
        lesson = nbformat.read(str(lesson_path), as_version=4)
        write(execute(lesson, lesson_path.parent), lesson_path)
