"""The lock (requirements/*.txt) and pyproject.toml agree, on every supported Python and
platform; and the environment the tests run in was installed from the lock.

Checked by reading the files: no resolver is needed to run these tests (`make lock`
re-resolves the lock when a pin changes).
"""

import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.version import Version
from pins import (
    ENVIRONMENTS,
    PROJECT_SOURCE,
    describe,
    normal,
    read_lock,
    requirements,
    supported_pythons,
)

from conftest import REPO

INSTALLS = ["learner", "test"]


def _active(install: str, environment: dict) -> dict[str, str]:
    """The lock's package -> version where ``environment`` holds; a package twice fails."""
    versions: dict[str, str] = {}
    for locked in read_lock(install):
        if locked.applies(environment):
            assert locked.name not in versions, f"{locked.name} twice for {describe(environment)}"
            versions[locked.name] = locked.version
    return versions


def _pinned(install: str, environment: dict) -> dict[str, str]:
    """pyproject's package -> pinned version where ``environment`` holds."""
    pins = {}
    for requirement in requirements(install):
        if requirement.marker is None or requirement.marker.evaluate(environment):
            (specifier,) = requirement.specifier
            pins[normal(requirement.name)] = specifier.version
    return pins


@pytest.mark.parametrize("install", INSTALLS)
def test_every_pin_of_pyproject_is_locked_at_its_version(install):
    for environment in ENVIRONMENTS:
        locked = _active(install, environment)
        wrong = {name: (pin, locked.get(name)) for name, pin in _pinned(
            install, environment).items() if locked.get(name) != pin}
        assert wrong == {}, (f"pyproject pin != lock for {describe(environment)} "
                             "(pin, locked); run `make lock`")


@pytest.mark.parametrize("install", INSTALLS)
def test_the_lock_has_no_direct_dependency_pyproject_dropped(install):
    for environment in ENVIRONMENTS:
        direct = {locked.name for locked in read_lock(install)
                  if PROJECT_SOURCE in locked.sources and locked.applies(environment)}
        assert direct == set(_pinned(install, environment)), describe(environment)


def test_the_test_lock_has_the_learners_versions():
    """Tests run on exactly the packages learners get, plus the test tools."""
    for environment in ENVIRONMENTS:
        learner, test = _active("learner", environment), _active("test", environment)
        differ = {name: (v, test.get(name)) for name, v in learner.items()
                  if test.get(name) != v}
        assert differ == {}, describe(environment)


def test_a_lock_that_drifts_from_pyproject_is_caught(tmp_path, monkeypatch):
    """The check above reads what it claims to: a lock with one version changed fails it."""
    import pins

    text = pins.LOCKS["learner"].read_text()
    assert "\nnumpy==" in text
    changed = tmp_path / "learner.txt"
    changed.write_text(re.sub(r"\nnumpy==[^\s;]+", "\nnumpy==1.26.4", text))
    monkeypatch.setitem(pins.LOCKS, "learner", changed)
    with pytest.raises(AssertionError, match="numpy"):
        test_every_pin_of_pyproject_is_locked_at_its_version("learner")


def test_the_supported_pythons_are_the_tested_ones():
    """requires-python admits 3.11-3.13; `make test-pythons` runs on all of them but the
    one `make test` runs on, and this interpreter is one of them."""
    assert supported_pythons() == ["3.11", "3.12", "3.13"]
    extra = re.search(r"^EXTRA_PYTHONS \?= (.+)$", (REPO / "Makefile").read_text(), re.M)
    assert len(set(supported_pythons()) - set(extra.group(1).split())) == 1
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in supported_pythons()


def test_this_environment_was_installed_from_the_lock():
    """Every locked package this interpreter and platform need is installed at its locked
    version (`make` installs from the lock, on every supported Python)."""
    if (Path(sys.prefix) / "conda-meta").is_dir():
        pytest.skip("a conda environment is resolved by conda from environment.yml")
    here = default_environment()
    wrong = {}
    for locked in read_lock("test"):
        if locked.applies(here):
            try:
                installed = version(locked.name)
            except PackageNotFoundError:
                installed = None
            if installed is None or Version(installed) != Version(locked.version):
                wrong[locked.name] = (locked.version, installed)
    assert wrong == {}, "locked != installed; run `make` again"
