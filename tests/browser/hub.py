"""A JupyterHub for the browser tests: a test set-up, not a deployment.

JupyterHub from PyPI (the test extra) with its proxy, configurable-http-proxy from npm
(``make test`` installs it into ``node_modules/``), on 127.0.0.1 and free ports.
``DummyAuthenticator`` lets the named users in with one password; ``SimpleLocalProcessSpawner``
starts every user's server as this same system user, in the user's own home folder under
the hub's temporary folder. Neither isolates one user from another: a real class needs a
real authenticator and spawner (the README's deployment notes).

Each user's server is ``jupyterhub-singleuser`` serving JupyterLab with whatever the caller
puts in its environment (the learners' settings, for nbgrader's Assignments panel).
"""

import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from conftest import REPO

from .conftest import (
    SERVER_STOP_SECONDS,
    free_port,
    stop,
    tail,
    wait_for_status,
    write_lab_settings,
)

PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "a-test-password"
SINGLE_USER = Path(sys.executable).parent / "jupyterhub-singleuser"

_CONFIG = """\
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = {db_url!r}
c.JupyterHub.cookie_secret_file = {cookie_secret!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {home_template!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [{single_user!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.environment = {environment!r}
"""


@dataclass
class Hub:
    url: str
    homes: Path
    log: Path

    def home(self, user: str) -> Path:
        """The user's home folder, their server's working directory."""
        return self.homes / user


def _check_proxy() -> None:
    if not PROXY.exists():
        pytest.fail(f"{PROXY} not found: JupyterHub's proxy comes from npm; `make test` "
                    "installs it (npm ci)", pytrace=False)


@contextmanager
def running_hub(base: Path, users: list[str], environment: dict):
    """Run JupyterHub in ``base`` for ``users`` (password ``PASSWORD``), their servers with
    ``environment`` and the lab settings of the browser tests; yield it, then stop it by
    its PID, and whatever it started (proxy, servers) by theirs."""
    _check_proxy()
    homes, log = base / "homes", base / "jupyterhub.log"
    for user in users:  # JupyterLab's settings live in the user's home
        write_lab_settings(homes / user / ".jupyter" / "lab" / "user-settings")
    # A server refuses to run as root unless told; the test machine may run everything so.
    args = ["--LabApp.expose_app_in_browser=True"]  # window.jupyterapp, for its commands
    if os.geteuid() == 0:
        args.append("--allow-root")
    port = free_port()
    config = base / "jupyterhub_config.py"
    config.write_text(_CONFIG.format(
        port=port, hub_port=free_port(), api_port=free_port(), proxy=str(PROXY),
        db_url=f"sqlite:///{base / 'jupyterhub.sqlite'}",
        cookie_secret=str(base / "jupyterhub_cookie_secret"), password=PASSWORD,
        users=set(users), home_template=str(homes / "{username}"),
        single_user=str(SINGLE_USER), args=args, environment=environment))
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                                   cwd=base, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_status(f"{url}/hub/api", process, log, "jupyterhub")
        yield Hub(url, homes, log)
    finally:
        _stop_with_children(process, log)


def _stop_with_children(process: subprocess.Popen, log: Path) -> None:
    """Stop the hub, which stops the servers and the proxy it started; any of them still
    running after that is ended by its own PID."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    stop(process)
    _, alive = psutil.wait_procs(children, timeout=SERVER_STOP_SECONDS)
    for child in alive:
        child.kill()
    if alive:
        print(f"the hub left {len(alive)} processes running; killed them. Its log:\n"
              f"{tail(log)}")
