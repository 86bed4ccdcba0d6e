"""The conda files (environment.yml for learners, environment-test.yml for the test tools)
ask conda-forge for the packages pyproject.toml pins, at the same versions, under the
conda-forge names that give the same packages as the pip install; the licence; and the
tests' own imports are declared.

No conda here: the files are checked by reading them, not by building the environment.
"""

import yaml
from packaging.specifiers import SpecifierSet
from pins import normal, project, read_lock, requirements

from conftest import REPO

# pip name -> conda-forge name, where they differ. conda-forge's `dask`, `nbconvert`,
# `matplotlib` and `jupyterhub` are bundles (pandas and bokeh; pandoc; Qt; Node.js and the
# proxy): their `-core`/`-base` packages are what pip installs. TensorFlow without GPU
# kernels is `tensorflow-cpu` on every platform conda-forge builds it for, where pip needs the
# plain `tensorflow` wheel off Linux x86-64.
CONDA_NAMES = {"dask": "dask-core", "nbconvert": "nbconvert-core",
               "matplotlib": "matplotlib-base", "tensorflow": "tensorflow-cpu",
               "jupyterhub": "jupyterhub-base"}
# conda-forge bundles that would install more than pip does.
BUNDLES = {"dask", "nbconvert", "matplotlib", "jupyter", "jupyterhub"}
CONDA_FILES = {"learner": "environment.yml", "test": "environment-test.yml"}


def conda_dependencies(install: str) -> dict[str, str]:
    """A conda file's package -> version spec (``name=version`` or ``name>=a,<b``)."""
    found = {}
    for entry in yaml.safe_load((REPO / CONDA_FILES[install]).read_text())["dependencies"]:
        assert isinstance(entry, str), "no pip section: conda installs every dependency"
        name, spec = _split(entry)
        assert name not in found, f"{name} twice"
        found[name] = spec
    return found


def _split(entry: str) -> tuple[str, str]:
    name = entry.split("=")[0].split(">")[0].split("<")[0].strip()
    return name, entry[len(name):]


def expected_conda(install: str) -> dict[str, str]:
    """What a conda file should list: pyproject's pins of that install (the learner's, or
    only the test extra's), under conda-forge's names."""
    wanted = {}
    learner = {normal(r.name) for r in requirements("learner")}
    for requirement in requirements(install):
        name = normal(requirement.name)
        if install == "test" and name in learner:
            continue
        (specifier,) = requirement.specifier
        conda_name = CONDA_NAMES.get(name, name)
        spec = f"={specifier.version}"
        # One conda name may stand for two pip requirements with markers (tensorflow-cpu
        # and tensorflow): they must pin the same version.
        assert wanted.get(conda_name, spec) == spec, conda_name
        wanted[conda_name] = spec
    return wanted


def test_every_pin_is_exact():
    assert all(str(r.specifier).startswith("==") for r in requirements("test"))


def test_the_learner_environment_is_pyprojects_dependencies():
    found = conda_dependencies("learner")
    assert found.pop("pip") == ""
    python = found.pop("python")
    assert {normal(n): v for n, v in found.items()} == expected_conda("learner")
    assert SpecifierSet(python) == SpecifierSet(project()["requires-python"])


def test_the_test_environment_is_the_test_extra():
    found = conda_dependencies("test")
    assert {normal(n): v for n, v in found.items()} == expected_conda("test")


def test_no_test_tool_in_the_learner_environment():
    test_only = ({normal(r.name) for r in requirements("test")}
                 - {normal(r.name) for r in requirements("learner")})
    assert test_only == {"pytest", "nbval", "ruff", "psutil", "playwright", "pyyaml",
                         "packaging", "jupyterhub", "babel", "psycopg"}
    assert not test_only & {normal(n) for n in conda_dependencies("learner")}


def test_no_conda_bundle_that_installs_more_than_pip():
    for install in CONDA_FILES:
        assert not BUNDLES & set(conda_dependencies(install)), CONDA_FILES[install]


def test_conda_pins_are_the_locks_versions():
    """Each conda package, mapped back to its pip name, has the lock's version."""
    locked = {entry.name: entry.version for entry in read_lock("test")}
    pip_name = {conda: pip for pip, conda in CONDA_NAMES.items()} | {
        "tensorflow-cpu": "tensorflow-cpu"}
    for install in CONDA_FILES:
        for name, spec in conda_dependencies(install).items():
            if name not in ("python", "pip"):
                pip = normal(pip_name.get(name, name))
                assert locked[pip] == spec.removeprefix("="), name


def test_the_licence_file_is_the_one_pyproject_names():
    assert project()["license"] == "MIT"
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")


def test_every_module_the_tests_import_is_declared():
    """Third-party imports of the tests (and their conftest) are pyproject dependencies."""
    import ast
    import sys

    declared = {normal(r.name) for r in requirements("test")} | {"cvcourse"}
    # Import names that differ from their distribution's.
    distribution = {"yaml": "pyyaml", "learntools_lite": "cvcourse"}
    local = ({p.stem for p in (REPO / "tests").rglob("*.py")} | {"conftest", "tests"}
             | {p.name for p in (REPO / "tests").iterdir() if (p / "__init__.py").exists()})
    found = set()
    for path in [REPO / "conftest.py", *(REPO / "tests").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    third_party = found - set(sys.stdlib_module_names) - local
    missing = {name for name in third_party
               if normal(distribution.get(name, name)) not in declared}
    assert missing == set()
