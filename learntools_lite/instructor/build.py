"""``cvcourse build``: regenerate every notebook version from the author's sources.

For each ``course/notebooks/<name>.ipynb``:

* ``course/source/<name>/<name>.ipynb``: the nbgrader source (metadata and hidden tests
  added by convention, see ``nbgrader_source.py``);
* ``exercises/<name>.ipynb``: nbgrader's release of it, byte for byte what
  ``cvcourse release`` gives learners (starter code with blanks, no outputs);
* ``solutions/<name>.ipynb``: the worked version, executed, for nbval.

Lessons in ``course/lessons/`` are their own source and are re-executed in place. The
learner edition of the checker (``edition.py``: no instructor code, no solution text) is
written to ``build/learner-edition/``, for a JupyterHub whose learners should not find the
solutions in the package; graded sandboxes make the same edition for themselves.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .authoring import solution_version
from .edition import write_learner_edition
from .nbgrader_course import generate_release, scratch_course
from .nbgrader_source import nbgrader_source

# The slowest legitimate cell (TensorFlow's first import plus a convolution) takes a few
# seconds on a 2-core laptop; a minute leaves room for a loaded machine.
CELL_TIMEOUT = 60


@dataclass(frozen=True)
class CourseLayout:
    """Where a course's notebooks live, relative to the repository root."""

    root: Path

    @property
    def course(self) -> Path:
        return self.root / "course"

    only: tuple[str, ...] = ()  # notebook names to build; empty means all

    def _pick(self, folder: str) -> list[Path]:
        found = sorted((self.course / folder).glob("*.ipynb"))
        return [path for path in found if not self.only or path.stem in self.only]

    @property
    def sources(self) -> list[Path]:
        return self._pick("notebooks")

    @property
    def lessons(self) -> list[Path]:
        return self._pick("lessons")

    def nbgrader_source(self, source: Path) -> Path:
        return self.course / "source" / source.stem / source.name

    def exercise(self, source: Path) -> Path:
        return self.root / "exercises" / source.name

    def solution(self, source: Path) -> Path:
        return self.root / "solutions" / source.name


class BuildError(ValueError):
    """The build was asked for something the course does not have."""


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def run_worked(notebook, workdir: Path):
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


def write_nbgrader_sources(layout: CourseLayout) -> None:
    """Regenerate each assignment folder of ``course/source/`` from its author notebook."""
    for source in layout.sources:
        shutil.rmtree(layout.nbgrader_source(source).parent, ignore_errors=True)
        write(nbgrader_source(read(source)), layout.nbgrader_source(source))


def write_exercises(layout: CourseLayout) -> None:
    """Copy nbgrader's release of each assignment to ``exercises/``."""
    with scratch_course(layout.course) as course:
        for source in layout.sources:
            release = generate_release(course, source.stem)
            layout.exercise(source).parent.mkdir(exist_ok=True)
            shutil.copyfile(release / source.name, layout.exercise(source))


def build(root: Path, only: tuple[str, ...] = (), say=print) -> None:
    """Write every generated notebook version and re-execute the lessons; ``only`` names
    the notebooks (file stems) to build, when not all of them (an unknown one raises
    :class:`BuildError` before anything is written)."""
    layout = CourseLayout(root, only)
    unknown = set(only) - {p.stem for p in (*layout.sources, *layout.lessons)}
    if unknown:
        raise BuildError(f"no notebook called {', '.join(sorted(unknown))}")
    write_nbgrader_sources(layout)
    write_exercises(layout)
    edition = write_learner_edition(root / "build" / "learner-edition")
    say(f"wrote the learner edition of learntools_lite -> {edition.relative_to(root)}")
    for source in layout.sources:
        path = layout.solution(source)
        say(f"executing {path.relative_to(root)}")
        solution = solution_version(read(layout.nbgrader_source(source)))
        write(run_worked(solution, path.parent), path)
    for lesson in layout.lessons:
        say(f"executing {lesson.relative_to(root)}")
        write(run_worked(read(lesson), lesson.parent), lesson)
