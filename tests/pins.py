"""Read the project's pins where they are written: pyproject.toml, the lock
(requirements/*.txt) and the conda files, without any resolver.

The lock is one universal file per install (learner, test), with environment markers where a
platform or Python needs other packages; ``ENVIRONMENTS`` are the marker environments every
check evaluates it in.
"""

import re
import tomllib
from dataclasses import dataclass
from itertools import product

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from conftest import REPO

LOCKS = {"learner": REPO / "requirements" / "learner.txt",
         "test": REPO / "requirements" / "test.txt"}
# Who a lock names as the source of a direct dependency (uv's "# via" annotation).
PROJECT_SOURCE = "cvcourse (pyproject.toml)"


def normal(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def supported_pythons() -> list[str]:
    """The minor versions requires-python admits (3.0 to 3.29 are asked)."""
    allowed = SpecifierSet(project()["requires-python"])
    return [f"3.{minor}" for minor in range(30) if f"3.{minor}.0" in allowed]


def requirements(install: str) -> list[Requirement]:
    """pyproject's requirements of an install: the learner's, or the learner's plus the
    extras the tests install (test, and postgres: a gradebook they grade into)."""
    lines = list(project()["dependencies"])
    if install == "test":
        lines += [line for extra in ("test", "postgres")
                  for line in project()["optional-dependencies"][extra]]
    return [Requirement(line) for line in lines]


@dataclass(frozen=True)
class Locked:
    """One line of a lock: a package at one version where its marker holds."""

    requirement: Requirement
    sources: tuple[str, ...]  # the lock's "# via" entries

    @property
    def name(self) -> str:
        return normal(self.requirement.name)

    @property
    def version(self) -> str:
        (specifier,) = self.requirement.specifier  # a lock pins each line exactly
        assert specifier.operator == "==", self.requirement
        return specifier.version

    def applies(self, environment: dict) -> bool:
        marker = self.requirement.marker
        return marker is None or marker.evaluate(environment)


def read_lock(install: str) -> list[Locked]:
    """The lines of a lock with their "# via" sources, as uv writes them."""
    entries: list[tuple[str, list[str]]] = []
    for line in LOCKS[install].read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            entries.append((line, []))
        elif entries and line.strip().startswith("#"):
            source = line.strip().lstrip("#").strip()
            source = source.removeprefix("via").strip()
            if source:
                entries[-1][1].append(source)
    return [Locked(Requirement(line), tuple(sources)) for line, sources in entries]


def _environment(python: str, system: tuple) -> dict:
    sys_platform, platform_system, machine, os_name = system
    return {"python_version": python.rsplit(".", 1)[0], "python_full_version": python,
            "sys_platform": sys_platform, "platform_system": platform_system,
            "platform_machine": machine, "os_name": os_name,
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "extra": ""}


# The first and a late release of each supported Python (a lock may split at a patch
# release: it does at 3.11.5 for one package), on the platforms a learner or an instructor
# is likely to have.
SYSTEMS = [("linux", "Linux", "x86_64", "posix"), ("linux", "Linux", "aarch64", "posix"),
           ("darwin", "Darwin", "arm64", "posix"), ("win32", "Windows", "AMD64", "nt")]
ENVIRONMENTS = [_environment(python, system) for python, system in product(
    [f"{minor}.{patch}" for minor in supported_pythons() for patch in (0, 20)], SYSTEMS)]


def describe(environment: dict) -> str:
    return (f"Python {environment['python_full_version']} on {environment['sys_platform']} "
            f"{environment['platform_machine']}")
