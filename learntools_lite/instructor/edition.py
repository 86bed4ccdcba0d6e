"""The learner edition of ``learntools_lite``: what graded sandboxes (and, if an instructor
wishes, learners' machines) import.

It is the package without ``instructor/``, the command line and the JupyterLab launcher,
and with every question's solution text removed (hints stay): a submission that reads the
checker's files finds no solution to copy. Made from the installed package by rewriting
the ``solution=`` argument of every call in its Python files to an empty string.
"""

import ast
import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

import learntools_lite

PACKAGE = Path(learntools_lite.__file__).parent
# The instructor's side, the command line and JupyterLab's launcher with its settings.
LEFT_OUT = ("instructor", "cli.py", "lab.py", "jupyter_config", "__pycache__", "*.pyc",
            "make_assets.py", "train_base.py",
            # the solutions' translations (a gettext catalog of their own, in every format)
            "learntools_lite_solutions.*")


class _WithoutSolutions(ast.NodeTransformer):
    """Replaces the value of every ``solution=...`` keyword argument by ``""``."""

    def __init__(self):
        self.changed = False

    def visit_keyword(self, node: ast.keyword) -> ast.keyword:
        if node.arg == "solution":
            node.value = ast.copy_location(ast.Constant(""), node.value)
            self.changed = True
        return node


def _strip_solutions(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    stripper = _WithoutSolutions()
    tree = stripper.visit(tree)
    if stripper.changed:
        path.write_text(ast.unparse(ast.fix_missing_locations(tree)) + "\n")


def write_learner_edition(target: Path) -> Path:
    """Write the learner edition under ``target`` (as ``target/learntools_lite``), replacing
    any earlier one; returns ``target``, the folder to put on ``PYTHONPATH``."""
    package = target / "learntools_lite"
    if package.exists():
        shutil.rmtree(package)
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns(*LEFT_OUT))
    for path in package.rglob("*.py"):
        _strip_solutions(path)
    return target


@cache
def learner_edition() -> Path:
    """This process's learner edition, made once in a private temporary folder (each
    grading process or Dask worker makes its own from its installed package)."""
    folder = Path(tempfile.mkdtemp(prefix="cvcourse-edition-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return write_learner_edition(folder)
