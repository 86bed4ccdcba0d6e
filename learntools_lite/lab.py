"""JupyterLab on the course, in two roles.

* Learners (``cvcourse lab``, ``make lab``): the repository's notebooks, without nbgrader's
  instructor tools: its Create Assignment and Formgrader panels, and Courses, which links to
  them, are off. The learners' Assignments list and Validate button stay.
* Instructors (``cvcourse formgrade``): nbgrader's formgrader on the course root, started
  there so that nbgrader finds ``nbgrader_config.py``; its Autograde runs through the
  course's sandboxed, judged autograde steps like ``cvcourse grade``.

Settings are JSON files on Jupyter's own config path (``JUPYTER_CONFIG_PATH``), so the
learners' choices live in one place and the installed environment stays as pip left it.
"""

import os
import sys
from pathlib import Path

LEARNER_CONFIG = Path(__file__).parent / "jupyter_config" / "learner"
FORMGRADER_URL = "/lab?formgrader=true"  # nbgrader's lab extension opens its panel on it


def jupyterlab_command(root: Path) -> list[str]:
    """``python -m jupyterlab`` serving ``root``, as root too if need be."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses root unless told
    return command


def learner_environment(environ) -> dict:
    """``environ`` with the learners' settings first on Jupyter's config path."""
    paths = [str(LEARNER_CONFIG)]
    if environ.get("JUPYTER_CONFIG_PATH"):
        paths.append(environ["JUPYTER_CONFIG_PATH"])
    return {**environ, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}


def formgrader_command(course: Path) -> list[str]:
    """JupyterLab on the nbgrader course root, opening the formgrader; run it with the
    course root as working directory."""
    return [*jupyterlab_command(course), f"--LabApp.default_url={FORMGRADER_URL}"]
