"""Building student submissions for grading tests from the course's own notebooks."""

import hashlib
import shutil
from pathlib import Path

import nbformat

from conftest import REPO
from learntools_lite.core import i18n

EX1, EX2, EX3 = "ex1_convolution", "ex2_maximum_pooling", "ex3_global_average_pooling"


def release_notebook(assignment: str, language: str = "en"):
    """The exercise learners get, in ``language`` (``exercises/`` or ``exercises/LANG/``)."""
    folder = REPO / "exercises" if language == "en" else REPO / "exercises" / language
    return nbformat.read(str(folder / f"{assignment}.ipynb"), as_version=4)


def solution_answers(assignment: str) -> dict[str, str]:
    """grade_id -> source of each answer cell in the worked notebook."""
    solved = nbformat.read(str(REPO / "solutions" / f"{assignment}.ipynb"), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in solved.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def submission(assignment: str, answers: dict[str, str], edit=None, language: str = "en"):
    """The released notebook (in ``language``) with the given answer cells filled in;
    ``edit`` may change the notebook further (as a student might)."""
    notebook = release_notebook(assignment, language)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    if edit:
        edit(notebook)
    return notebook


def write_submissions(folder: Path, assignment: str, notebooks: dict) -> None:
    """``folder/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb`` for each student."""
    for student, notebook in notebooks.items():
        path = folder / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(path))


def copy_course(target: Path, extra_config: str = "") -> Path:
    """A working copy of the course root (config and nbgrader sources only, those of the
    other languages' editions included)."""
    course = target / "course"
    course.mkdir(parents=True)
    shutil.copy2(REPO / "course" / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(REPO / "course" / "source", course / "source")
    for language in sorted(set(i18n.LANGUAGES) - {i18n.ENGLISH}):
        shutil.copytree(REPO / "course" / language / "source", course / language / "source")
    if extra_config:
        with (course / "nbgrader_config.py").open("a") as handle:
            handle.write("\n" + extra_config + "\n")
    return course


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- a small class, one of each: right, blank, one mistake ---------------------------------

# student: (submission edit, expected points of each autograded test cell in order)
CLASS = {
    EX1: {"ana": ({}, (1, 1, 1, 1)), "bo": (None, (0, 0, 0, 0)),
          # cy detects without an activation (the mistake no-activation)
          "cy": ({"q_3": lambda right: "image_detect = image_filter"}, (1, 1, 0, 1))},
    EX2: {"ana": ({}, (1, 1, 1, 1, 1, 1)), "bo": (None, (0, 0, 0, 0, 0, 0)),
          # cy's VALID size is off by one
          "cy": ({"q_5": lambda right: right.replace("(400 - 3) // 2 + 1", "(400 - 3) // 2")},
                 (1, 1, 1, 1, 0, 1))},
    EX3: {"ana": ({}, (1, 1, 1, 1, 1)), "bo": (None, (0, 0, 0, 0, 0)),
          # cy's change is in per cent
          "cy": ({"q_4": lambda right: right.replace("gap_change = change(gap_vectors)",
                                                     "gap_change = 100 * change(gap_vectors)")},
                 (1, 1, 1, 0, 1))},
}


def class_notebooks(assignment: str) -> dict:
    """The class's notebooks of ``assignment``, by student."""
    right = solution_answers(assignment)
    notebooks = {}
    for student, (edits, _) in CLASS[assignment].items():
        if edits is None:
            notebooks[student] = release_notebook(assignment)
            continue
        answers = {**right, **{q: change(right[q]) for q, change in edits.items()}}
        assert all(answers[q] != right[q] for q in edits)  # each edit did change the answer
        notebooks[student] = submission(assignment, answers)
    return notebooks
