"""The learner edition: the package graded notebooks import, without the instructor's code
and without any solution text, that still checks answers like the full package."""

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from learntools_lite.core import Question
from learntools_lite.core.wire import decode
from learntools_lite.instructor import edition

EXERCISES = [f"learntools_lite.computer_vision.ex{n}" for n in (1, 2, 3)]
PYTHON = Path(sys.executable)
MIN_LINE = 25


def questions() -> list[tuple[str, Question]]:
    found = []
    for name in EXERCISES:
        module = importlib.import_module(name)
        found += [(f"{name}.{q.name}", q) for q in vars(module).values()
                  if isinstance(q, Question)]
    return found


WITH_SOLUTIONS = [(name, q) for name, q in questions() if q.problem.solution]


def released_text() -> str:
    """Every cell of the released exercise notebooks: what learners receive anyway."""
    sources = []
    for path in sorted((REPO / "exercises").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        sources += ["".join(cell["source"]) if isinstance(cell["source"], list)
                    else cell["source"] for cell in notebook["cells"]]
    return "\n".join(sources)


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("edition")
    assert edition.write_learner_edition(folder) == folder
    return folder


@pytest.fixture(scope="module")
def files(target) -> dict[Path, bytes]:
    """Every file of the edition, as bytes (read before anything imports it)."""
    return {path: path.read_bytes() for path in sorted(target.rglob("*")) if path.is_file()}


# --- what the edition holds -----------------------------------------------------------------


def test_the_edition_has_the_learner_parts_only(target):
    package = target / "learntools_lite"
    assert sorted(p.name for p in target.iterdir()) == ["learntools_lite"]
    for folder in ("core", "computer_vision", "sandboxed"):
        assert (package / folder / "__init__.py").is_file(), folder
    for name in ("ex1.py", "ex2.py", "ex3.py"):
        assert (package / "computer_vision" / name).is_file()
    for instructors_only in ("instructor", "cli.py", "lab.py", "jupyter_config"):
        assert not (package / instructors_only).exists(), instructors_only
    assert not list(package.rglob("__pycache__")) and not list(package.rglob("*.pyc"))
    assert not list(package.rglob("instructor")) and not list(package.rglob("cli.py"))


def test_the_data_files_are_copied_unchanged(target):
    source = edition.PACKAGE / "computer_vision" / "data"
    copied = target / "learntools_lite" / "computer_vision" / "data"
    names = sorted(p.name for p in source.iterdir() if p.is_file())
    assert names and {"car.png", "vehicle_base.keras"} <= set(names)
    for name in names:
        assert (copied / name).read_bytes() == (source / name).read_bytes(), name


def test_every_python_file_parses_and_keeps_no_solution_argument(files):
    for path, content in files.items():
        if path.suffix != ".py":
            continue
        tree = ast.parse(content, filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "solution":
                assert isinstance(node.value, ast.Constant) and node.value.value == "", path


def test_there_are_solutions_to_hide():
    names = {name for name, _ in WITH_SOLUTIONS}
    for module in EXERCISES:
        assert {f"{module}.q_{n}" for n in (1, 2, 3, 4)} <= names, module


@pytest.mark.parametrize("name, question", WITH_SOLUTIONS, ids=[n for n, _ in WITH_SOLUTIONS])
def test_no_solution_text_is_left_in_any_file(target, files, name, question):
    solution = question.problem.solution
    hints = question.problem.hints
    shown_anyway = released_text()
    secrets = [solution.encode()] + [
        line.strip().encode() for line in solution.splitlines()
        if len(line.strip()) >= MIN_LINE
        and not any(line.strip() in hint for hint in hints)
        and line.strip() not in shown_anyway
    ]
    leaks = [(str(path.relative_to(target)), secret.decode()[:60])
             for path, content in files.items() for secret in secrets if secret in content]
    assert leaks == []


def test_the_released_notebooks_do_not_excuse_whole_solutions():
    # The exception above (lines learners receive anyway) must stay an exception.
    shown = released_text()
    for name, question in WITH_SOLUTIONS:
        lines = [line.strip() for line in question.problem.solution.splitlines()
                 if len(line.strip()) >= MIN_LINE]
        if len(lines) > 1:
            assert not all(line in shown for line in lines), name


# --- the edition at work, in a fresh interpreter --------------------------------------------

PROBE = """
import importlib, json, sys
import learntools_lite
from learntools_lite.core import Question, Status, binder, wire

modules = [importlib.import_module(name) for name in sys.argv[1:]]
ex1 = modules[0]
found = {}
for module in modules:
    for q in vars(module).values():
        if isinstance(q, Question):
            found[f"{module.__name__}.{q.name}"] = {
                "solution": q.problem.solution, "hints": list(q.problem.hints)}
namespace = {}
binder.bind(namespace)
namespace["kernel"] = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
right = ex1.q_1.evaluate()
record = wire.encode(ex1.q_1.problem.capture(namespace))
namespace["kernel"] = [[0, 0, 0]] * 3
wrong = ex1.q_1.evaluate()
loaded = {name: module.__file__ for name, module in sys.modules.items()
          if name.split(".")[0] == "learntools_lite" and getattr(module, "__file__", None)}
print(json.dumps({
    "package": learntools_lite.__file__, "loaded": loaded, "questions": found,
    "right": [right.status.name, right.mistake], "wrong": [wrong.status.name, wrong.mistake],
    "record": record,
}))
"""


@pytest.fixture(scope="module")
def probe(target, files, tmp_path_factory) -> dict:
    """What the edition does when it is all there is on ``PYTHONPATH``."""
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONSAFEPATH": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [str(PYTHON), "-c", PROBE, *EXERCISES], env=env, capture_output=True, text=True,
        cwd=tmp_path_factory.mktemp("elsewhere"), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_edition_is_what_gets_imported_not_the_installed_package(probe, target):
    package = target / "learntools_lite"
    assert Path(probe["package"]).resolve() == (package / "__init__.py").resolve()
    loaded = probe["loaded"]
    assert set(EXERCISES) <= set(loaded)
    for name, path in loaded.items():
        assert Path(path).resolve().is_relative_to(package.resolve()), (name, path)


def test_the_edition_has_no_solutions_and_the_same_hints(probe):
    full = dict(questions())
    assert set(probe["questions"]) == set(full)
    for name, seen in probe["questions"].items():
        assert seen["solution"] == "", name
        assert tuple(seen["hints"]) == full[name].problem.hints, name


def test_the_edition_checks_answers_like_the_full_package(probe):
    assert probe["right"] == ["CORRECT", ""]
    assert probe["wrong"] == ["INCORRECT", "all-zeros"]


def test_the_editions_record_is_judged_correct_by_the_full_package(probe):
    from learntools_lite.computer_vision import ex1

    assert ex1.q_1.problem.judge(decode(probe["record"])).passed


def test_writing_again_replaces_the_earlier_edition(tmp_path):
    edition.write_learner_edition(tmp_path)
    stale = tmp_path / "learntools_lite" / "instructor" / "judge.py"
    stale.parent.mkdir()
    stale.write_text("SOLUTION = 'left over'\n")
    edited = tmp_path / "learntools_lite" / "computer_vision" / "ex1.py"
    edited.write_text("# changed\n")
    edition.write_learner_edition(tmp_path)
    assert not stale.parent.exists()
    assert edited.read_text() != "# changed\n"
    assert "solution=''" in edited.read_text() or 'solution=""' in edited.read_text()
