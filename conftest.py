"""Set-up for every test, notebooks included: keep every tool's files out of the user's
home and nbgrader's exchange, and TensorFlow quiet.

This file sits at the repository root so it is imported before any test is collected,
and the environment is set at import time, so kernels started by nbval and nbclient
inherit it too.
"""

import atexit
import copy
import os
import shutil
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

_SCRATCH = Path(tempfile.mkdtemp(prefix="cvcourse-tests-"))
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
for variable, folder in {
    "HOME": "home", "MPLCONFIGDIR": "matplotlib", "KERAS_HOME": "keras",
    "IPYTHONDIR": "ipython", "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data", "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
}.items():
    (_SCRATCH / folder).mkdir(parents=True, exist_ok=True)
    os.environ[variable] = str(_SCRATCH / folder)
# nbgrader's exchange: a scratch folder, never the machine's shared one (release creates it).
os.environ["CVCOURSE_EXCHANGE"] = str(_SCRATCH / "exchange")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

REPO = Path(__file__).resolve().parent


@contextmanager
def kernel_stderr_visible():
    """Kernels started inside this block forward C-level stderr (TensorFlow's C++ log) into
    cell outputs, as they do outside pytest: ipykernel stops watching the stderr file
    descriptor when it sees PYTEST_CURRENT_TEST, which pytest sets for every test phase."""
    saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["PYTEST_CURRENT_TEST"] = saved


@pytest.fixture
def namespace():
    """A fresh notebook-like namespace, bound as the checker's namespace."""
    from learntools_lite.core import binder

    names: dict = {}
    binder.bind(names)
    return names


def free_port() -> int:
    """A TCP port nothing listens on at the moment, on 127.0.0.1 (for the servers the
    tests start: PostgreSQL, JupyterLab, JupyterHub and its proxy)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def without_outputs(notebook):
    """A copy of ``notebook`` with no outputs or execution counts: its cells as written."""
    result = copy.deepcopy(notebook)
    for cell in result.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return result


def outcome_for(question, namespace, **values):
    """The question's verdict once ``values`` are set in the learner's namespace."""
    namespace.update(values)
    return question.evaluate()


@pytest.fixture
def no_last_error(monkeypatch):
    """pytest records failures in sys.last_value; keep them out of "missing variable" checks."""
    monkeypatch.setattr("sys.last_value", None, raising=False)
    monkeypatch.delattr("sys.last_exc", raising=False)
