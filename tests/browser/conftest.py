"""Fixtures for the browser tests: JupyterLab serving a scratch copy of the course, Debian's
Chromium driven by Playwright, and a small driver that acts as a learner does (open a
notebook, click into a cell, type, Shift+Enter).

Every wait in the page is on something it shows (a prompt number, an output, a widget),
bounded by what is left of the scenario's budget of ``SCENARIO_SECONDS``; there are no fixed
sleeps and nothing is retried.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, free_port
from learntools_lite.lab import jupyterlab_command, learner_environment

CHROMIUM = Path("/usr/bin/chromium")
# The sandbox needs user namespaces, which root in a container lacks; the rest keeps an
# offline machine's Chromium from trying to reach Google's services.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts" / "browser"
SCENARIO_SECONDS = 90
SERVER_START_SECONDS = 60
SERVER_STOP_SECONDS = 20
VIEWPORT = {"width": 1400, "height": 1000}
TALLEST_SCREENSHOT = 16000  # pixels; a whole exercise is about 6000
COURSE_FOLDERS = ("exercises", "solutions")

# Written to the server's scratch user-settings folder before it starts.
LAB_SETTINGS = {
    # Keep every cell in the DOM: JupyterLab 4 otherwise renders long notebooks windowed,
    # and a cell scrolled out of view has no outputs to find. Without the blank space after
    # the last cell, a window as tall as the notebook shows all of it and nothing more.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none",
                                               "scrollPastEnd": False},
    # The machine is offline, and the "fetch news?" toast would cover the notebook.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}

# Errors are rendered with the stderr MIME type too, so this finds both kinds of output.
ERROR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

_KERNEL_READY = """(path) => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!widget || !widget.context || widget.context.path !== path) return false;
    const session = widget.sessionContext;
    const kernel = session.session && session.session.kernel;
    return session.isReady && !!kernel && kernel.connectionStatus === 'connected'
        && kernel.status === 'idle';
}"""

# Finished when every code cell shows a number, or as soon as anything fails: run-all stops
# at an error, and waiting for the cells after it would only hide what went wrong.
_ALL_RAN_OR_ERROR = """([id, error]) => {
    const panel = document.getElementById(id);
    if (panel.querySelector(error)) return true;
    const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
    return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
}"""

# How many pixels of a notebook are scrolled out of view.
_HIDDEN_HEIGHT = """(id) => {
    const scroller = document.getElementById(id).querySelector('.jp-WindowedPanel-outer');
    return scroller.scrollHeight - scroller.clientHeight;
}"""

_NEW_PROMPT_NUMBER = """([prompt, before]) => {
    const text = prompt.textContent.trim();
    return /^\\[\\d+\\]:$/.test(text) && text !== before;
}"""


@dataclass
class LabServer:
    url: str
    root: Path
    log: Path


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_for_status(status_url: str, process: subprocess.Popen, log: Path, name: str) -> None:
    """Poll ``status_url`` until the server answers; fail with its log if it exits or hangs."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with code {process.returncode}:\n{tail(log)}",
                        pytrace=False)
        try:
            with urllib.request.urlopen(status_url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling a process that is still starting, not a page
    pytest.fail(f"{name} did not answer within {SERVER_START_SECONDS} s:\n{tail(log)}",
                pytrace=False)


def stop(process: subprocess.Popen) -> None:
    """End the server we started, by its own PID; on SIGTERM it shuts down its kernels."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(SERVER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def write_lab_settings(folder: Path) -> None:
    """``LAB_SETTINGS`` as JupyterLab's user settings in ``folder``."""
    for name, values in LAB_SETTINGS.items():
        path = folder / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextmanager
def running_lab(base: Path, command: list[str], cwd: Path, env: dict):
    """Run ``command`` (one of ``learntools_lite.lab``'s launchers) on a free local port with
    no token and scratch Jupyter folders under ``base``; yield the server, then stop it by
    its PID."""
    settings, log = base / "user-settings", base / "server.log"
    write_lab_settings(settings)
    env = dict(env, JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"))
    # Kernels should behave as a learner's do: ipykernel hides C-level stderr (TensorFlow's
    # log) whenever it sees PYTEST_CURRENT_TEST, and solutions must be on.
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("LEARNTOOLS_SOLUTIONS", None)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])

    port = free_port()
    command = [
        *command, "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, for its commands
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_status(f"{url}/api/status", process, log, "jupyter lab")
        yield LabServer(url, cwd, log)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """The learners' JupyterLab (as ``cvcourse lab`` starts it) serving a scratch folder;
    every scenario gets its own copy of the course's notebooks in it, so the repository's
    are never touched."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    root.mkdir()
    with running_lab(base, jupyterlab_command(root), root,
                     learner_environment(os.environ)) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless. Missing Chromium fails the tests: CI installs it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the browser tests drive Debian's Chromium. Install "
                    "it with `apt-get install chromium` (.ci/run does); `playwright install` "
                    "is not used.", pytrace=False)
    from playwright.sync_api import sync_playwright

    for old in ARTIFACTS.glob("*.png"):  # the folder shows the latest run only
        old.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test, so the ``lab`` fixture knows of a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def failed(request) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is not None and report.failed


@pytest.fixture
def new_page(request, chromium):
    """Opens pages, each in a fresh browser context (its own cookies: one user each). A
    failing test leaves a screenshot of each, ``<test name>[-<name>]-failed.png``, and the
    pages' JavaScript errors in its report."""
    opened = []

    def open_page(name: str = ""):
        context = chromium.new_context(viewport=VIEWPORT)
        # A backstop only: every wait in a scenario passes what is left of its budget.
        context.set_default_timeout(SCENARIO_SECONDS * 1000)
        page = context.new_page()
        page_errors: list[str] = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        opened.append((name, context, page, page_errors))
        return page

    yield open_page
    for name, context, page, page_errors in opened:
        if failed(request):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            suffix = f"-{name}" if name else ""
            page.screenshot(path=ARTIFACTS / f"{request.node.name}{suffix}-failed.png")
            print(f"JavaScript errors on the page {name}:", *page_errors, sep="\n  ")
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context (see ``new_page``)."""
    return new_page()


@pytest.fixture
def lab(request, page, lab_server):
    """The learners' JupyterLab in a fresh page, with this scenario's own copy of the
    notebooks; its kernels are shut down when it ends."""
    scenario = request.node.name
    for folder in COURSE_FOLDERS:
        shutil.copytree(REPO / folder, lab_server.root / scenario / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    driver = JupyterLab(page, lab_server.url, scenario)
    try:
        yield driver
    finally:
        if failed(request):
            print(f"Server log ({lab_server.log}):\n{tail(lab_server.log)}")
        driver.shut_down_kernels()


class JupyterLab:
    """The lab in one browser page, and the time left for the scenario."""

    def __init__(self, page, url: str, folder: str):
        self.page = page
        self.url = url
        self.folder = folder
        self._deadline = time.monotonic() + SCENARIO_SECONDS

    def timeout(self) -> float:
        """Milliseconds left of the scenario's budget (Playwright reads 0 as "no limit")."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"the scenario took more than {SCENARIO_SECONDS} s", pytrace=False)
        return left * 1000

    def open(self, path: str) -> "Notebook":
        """Open this scenario's copy of ``path`` (e.g. ``exercises/ex2_....ipynb``) and wait
        for its kernel to be idle. Each scenario has its own workspace, so nothing another
        scenario left open is restored."""
        full_path = f"{self.folder}/{path}"
        self.page.goto(f"{self.url}/lab/workspaces/{self.folder}/tree/{full_path}",
                       timeout=self.timeout())
        self.page.wait_for_function(_KERNEL_READY, arg=full_path, timeout=self.timeout())
        panel_id = self.page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
        return Notebook(self, panel_id)

    def command(self, name: str) -> None:
        """Start a JupyterLab command, as a menu item would; the caller waits for its effect."""
        self.page.evaluate("(name) => { window.jupyterapp.commands.execute(name); }", name)

    def wait_until(self, function: str, arg=None) -> None:
        self.page.wait_for_function(function, arg=arg, timeout=self.timeout())

    def screenshot(self, name: str, whole: "Notebook | None" = None) -> Path:
        """Save what the page shows as ``test-artifacts/browser/<name>.png``; with ``whole``,
        first make the window tall enough for that notebook to show without scrolling."""
        if whole is not None:
            hidden = self.page.evaluate(_HIDDEN_HEIGHT, whole.panel_id)
            height = min(VIEWPORT["height"] + hidden, TALLEST_SCREENSHOT)
            self.page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            # JupyterLab lays out again on the next frames; wait until nothing is hidden.
            self.wait_until(f"(id) => ({_HIDDEN_HEIGHT})(id) <= 1 || window.innerHeight >= "
                            f"{TALLEST_SCREENSHOT}", whole.panel_id)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=path)
        return path

    def shut_down_kernels(self) -> None:
        # Through the page's own session manager: the server wants an XSRF token for REST
        # calls that change state, and the page already has one.
        self.page.evaluate("() => window.jupyterapp"
                           " && window.jupyterapp.serviceManager.sessions.shutdownAll()")


class Notebook:
    """An open notebook; cells are found by index, indexes by the start of a cell's text."""

    def __init__(self, lab: JupyterLab, panel_id: str):
        self.lab = lab
        self.page = lab.page
        self.panel_id = panel_id
        self.panel = lab.page.locator(f"#{panel_id}")
        self.cells = self.panel.locator(".jp-Notebook .jp-Cell")

    def cell(self, index: int):
        return self.cells.nth(index)

    def index_of(self, start: str) -> int:
        """The index of the first code cell whose text starts with ``start``."""
        for index, text in self.code_cell_texts().items():
            if text.strip().startswith(start):
                return index
        raise AssertionError(f"no code cell starts with {start!r}")

    def code_cell_texts(self) -> dict[int, str]:
        """Each code cell's text as the editor shows it, by cell index."""
        texts = self.cells.evaluate_all(
            "cells => cells.map(c => c.classList.contains('jp-CodeCell')"
            " ? c.querySelector('.cm-content').innerText : null)")
        return {index: text for index, text in enumerate(texts) if text is not None}

    def run_all(self) -> None:
        """Run -> Run All Cells, then wait for every code cell's number (or the first error)."""
        self.lab.command("notebook:run-all-cells")
        self.lab.wait_until(_ALL_RAN_OR_ERROR, [self.panel_id, ERROR_OUTPUT])

    def type_into(self, index: int, text: str) -> None:
        """Replace a cell's text by typing: click into its editor, select all, type."""
        editor = self.cell(index).locator(".cm-content")
        editor.click(timeout=self.lab.timeout())
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)

    def run(self, index: int) -> None:
        """Click into the cell and press Shift+Enter; wait for its new prompt number."""
        cell = self.cell(index)
        prompt = cell.locator(".jp-InputArea-prompt")
        before = prompt.text_content(timeout=self.lab.timeout()).strip()
        cell.locator(".cm-content").click(timeout=self.lab.timeout())
        self.page.keyboard.press("Shift+Enter")
        handle = prompt.element_handle(timeout=self.lab.timeout())
        self.lab.wait_until(_NEW_PROMPT_NUMBER, [handle, before])

    def outputs(self, index: int):
        return self.cell(index).locator(".jp-OutputArea-output")

    def markdown_outputs(self, index: int):
        """The cell's rendered Markdown outputs, which is how feedback shows in a notebook."""
        return self.cell(index).locator(
            '.jp-OutputArea-output[data-mime-type="text/markdown"]')

    def errors(self):
        """Error and stderr outputs anywhere in the notebook."""
        return self.panel.locator(ERROR_OUTPUT)
