"""environment.yml and pyproject.toml name the same packages at the same versions."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from conftest import REPO


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + [line for extra in project["optional-dependencies"].values()
                                       for line in extra]
    return {_key(Requirement(line)): str(Requirement(line).specifier) for line in lines}


def conda_pins() -> dict[str, str]:
    dependencies = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    pins = {}
    for entry in dependencies:
        if isinstance(entry, dict):
            for line in entry["pip"]:
                if not line.startswith("-e"):
                    pins[_key(Requirement(line))] = str(Requirement(line).specifier)
        elif entry not in ("python=3.11", "pip"):
            name, version = entry.split("=", 1)
            pins[(_normal(name), "")] = f"=={version}"
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _key(requirement: Requirement) -> tuple[str, str]:
    return _normal(requirement.name), str(requirement.marker or "")


def test_every_pin_is_exact():
    assert all(spec.startswith("==") for spec in pyproject_pins().values())


def test_environment_yml_matches_pyproject():
    assert conda_pins() == pyproject_pins()


def test_python_version_matches():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.12"
    assert "python=3.11" in (REPO / "environment.yml").read_text()


def test_the_licence_file_is_the_one_pyproject_names():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")


def test_every_module_the_tests_import_is_declared():
    """Third-party imports of the tests (and their conftest) are pyproject dependencies."""
    import ast
    import sys

    declared = {name for name, _ in pyproject_pins()} | {"cvcourse"}
    # Import names that differ from their distribution's.
    distribution = {"yaml": "pyyaml", "learntools_lite": "cvcourse"}
    local = {p.stem for p in (REPO / "tests").rglob("*.py")} | {"conftest", "tests"} | {
        p.parent.name for p in (REPO / "tests").rglob("__init__.py")}  # tests/browser
    found = set()
    for path in [REPO / "conftest.py", *(REPO / "tests").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    third_party = found - set(sys.stdlib_module_names) - local
    missing = {name for name in third_party
               if _normal(distribution.get(name, name)) not in declared}
    assert missing == set()
