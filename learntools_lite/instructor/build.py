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

Each other language of the course (``core/i18n.py``) gets the same versions beside the
English ones, under a folder named after it (``exercises/zh-CN/``, see
:class:`CourseLayout`), with the Markdown of the ``course`` catalog
(``notebook_text.py``) and the same code.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from ..core import i18n
from .authoring import solution_version
from .edition import write_learner_edition
from .nbgrader_course import generate_release, scratch_course
from .nbgrader_source import nbgrader_source
from .notebook_text import translated

# The slowest legitimate cell (TensorFlow's first import plus a convolution) takes a few
# seconds on a 2-core laptop; a minute leaves room for a loaded machine.
CELL_TIMEOUT = 60


@dataclass(frozen=True)
class CourseLayout:
    """Where a course's notebooks in one language live, relative to the repository root.

    English ones are where they always were; another language's are beside them, in a
    folder named after it: ``exercises/zh-CN/``, ``solutions/zh-CN/``,
    ``course/lessons/zh-CN/`` and the nbgrader sources ``course/zh-CN/source/``.
    """

    root: Path
    only: tuple[str, ...] = ()  # notebook names to build; empty means all
    language: str = i18n.ENGLISH

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def locale(self) -> Path:
        """The ``course`` catalogs (the notebooks' prose)."""
        return self.course / "locale"

    def _pick(self, folder: str) -> list[Path]:
        found = sorted((self.course / folder).glob("*.ipynb"))
        return [path for path in found if not self.only or path.stem in self.only]

    def _in_language(self, folder: Path) -> Path:
        return folder if self.language == i18n.ENGLISH else folder / self.language

    @property
    def sources(self) -> list[Path]:
        return self._pick("notebooks")

    @property
    def lessons(self) -> list[Path]:
        """The lessons' sources (the English ones, executed in place)."""
        return self._pick("lessons")

    @property
    def nbgrader_root(self) -> Path:
        """The nbgrader course root holding this language's ``source/``."""
        return self._in_language(self.course)

    def nbgrader_source(self, source: Path) -> Path:
        return self.nbgrader_root / "source" / source.stem / source.name

    def exercise(self, source: Path) -> Path:
        return self._in_language(self.root / "exercises") / source.name

    def solution(self, source: Path) -> Path:
        return self._in_language(self.root / "solutions") / source.name

    def lesson(self, lesson: Path) -> Path:
        return self._in_language(lesson.parent) / lesson.name

    def translated(self, notebook_path: Path):
        """The notebook at ``notebook_path`` (an English source) in this layout's language."""
        return translated(read(notebook_path), self.language, self.locale, notebook_path.name,
                          lesson=notebook_path.parent == self.course / "lessons")


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
    """Regenerate each assignment folder of ``source/`` from its author notebook."""
    for source in layout.sources:
        shutil.rmtree(layout.nbgrader_source(source).parent, ignore_errors=True)
        write(nbgrader_source(layout.translated(source), layout.language),
              layout.nbgrader_source(source))


def write_exercises(layout: CourseLayout) -> None:
    """Copy nbgrader's release of each assignment to ``exercises/``."""
    with scratch_course(layout.course, layout.nbgrader_root / "source") as course:
        for source in layout.sources:
            release = generate_release(course, source.stem)
            layout.exercise(source).parent.mkdir(exist_ok=True)
            shutil.copyfile(release / source.name, layout.exercise(source))


def build(root: Path, only: tuple[str, ...] = (), say=print) -> None:
    """Write every generated notebook version, in every language of the course, and
    execute the lessons; ``only`` names the notebooks (file stems) to build, when not all
    of them (an unknown one raises :class:`BuildError` before anything is written)."""
    layouts = [CourseLayout(root, only, language) for language in i18n.LANGUAGES]
    english = layouts[0]
    unknown = set(only) - {p.stem for p in (*english.sources, *english.lessons)}
    if unknown:
        raise BuildError(f"no notebook called {', '.join(sorted(unknown))}")
    for layout in layouts:
        write_nbgrader_sources(layout)
        write_exercises(layout)
    edition = write_learner_edition(root / "build" / "learner-edition")
    say(f"wrote the learner edition of learntools_lite -> {edition.relative_to(root)}")
    for layout in layouts:
        for source in layout.sources:
            path = layout.solution(source)
            say(f"executing {path.relative_to(root)}")
            solution = solution_version(read(layout.nbgrader_source(source)))
            write(run_worked(solution, path.parent), path)
        for lesson in layout.lessons:
            path = layout.lesson(lesson)
            say(f"executing {path.relative_to(root)}")
            write(run_worked(layout.translated(lesson), path.parent), path)
