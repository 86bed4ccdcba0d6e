"""A class on JupyterHub, in headless Chromium.

The instructor publishes ex2 to nbgrader's exchange with ``cvcourse release``; two learners
log in through the hub's login page, fetch ex2 from JupyterLab's Assignments panel, answer
and submit it from the panel; the instructor collects and grades with ``cvcourse collect``
and ``cvcourse grade`` (sandboxed and judged like any import) and returns feedback with
``cvcourse feedback --release``; each learner fetches feedback from the panel and gets only
their own. amy answers as the worked notebook does; ben pools with ``pooling_type='AVG'``
in q_1, the mistake ``average-pooling``.

The hub is the test set-up of ``hub.py`` (one system user for all, homes under a temporary
folder), not a deployment. Answers are written into the fetched notebook through the
learner's own server (its contents service, as the editor saves); fetching and submitting
are clicks in the panel.
"""

import os

import nbformat
import pytest
from grading_helpers import copy_course, solution_answers
from playwright.sync_api import expect

from learntools_lite import cli
from learntools_lite.computer_vision import ex2
from learntools_lite.lab import learner_environment

from .conftest import JupyterLab
from .hub import PASSWORD, running_hub

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.grading]

EX2 = "ex2_maximum_pooling"
NOTEBOOK = f"{EX2}/{EX2}.ipynb"  # where the panel's Fetch puts it, in the learner's home
RIGHT = solution_answers(EX2)
AVERAGE = {**RIGHT, "q_1": RIGHT["q_1"].replace("pooling_type='MAX'", "pooling_type='AVG'")}
ANSWERS = {"amy": RIGHT, "ben": AVERAGE}
# Each learner's total as their feedback shows it (out of 7: q_4's written part, graded by
# hand, is not graded yet).
SCORES = {"amy": "Score: 6.0 / 7.0", "ben": "Score: 5.0 / 7.0"}
AVERAGE_POOLING = next(m.message for m in ex2.CONDENSE.mistakes if m.id == "average-pooling")
assert "holds the *average* of each 2 x 2 block" in AVERAGE_POOLING  # it names the mistake
Q1_FEEDBACK = {"amy": "Correct", "ben": f"Incorrect: {AVERAGE_POOLING}"}  # q_1's test cell

_APP_READY = ("() => !!(window.jupyterapp && window.jupyterapp.commands"
              " .hasCommand('nbgrader:open-assignment-list'))")

# Replaces the answer cells (by nbgrader grade id) of a notebook in the learner's server,
# through the page's own contents service, which saves as the editor does.
_ANSWER = """async ([path, answers]) => {
    const contents = window.jupyterapp.serviceManager.contents;
    const model = await contents.get(path, {content: true});
    for (const cell of model.content.cells) {
        const id = (cell.metadata.nbgrader || {}).grade_id;
        if (id in answers) cell.source = answers[id];
    }
    await contents.save(path, {type: 'notebook', format: 'json', content: model.content});
}"""


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    """An exchange of this module's own, so no other test's release shows in the learners'
    panels; cvcourse (in this process) and the learners' servers both use it."""
    folder = tmp_path_factory.mktemp("hub-exchange") / "exchange"  # release creates it
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CVCOURSE_EXCHANGE", str(folder))
        yield folder


@pytest.fixture(scope="module")
def course(tmp_path_factory, exchange):
    return copy_course(tmp_path_factory.mktemp("hub-course"))


@pytest.fixture(scope="module")
def hub(tmp_path_factory, exchange):
    """The hub, its users' servers set up as a hub's learners' servers should be: the
    learners' settings, the course's exchange, solutions off."""
    environment = {
        **learner_environment({}),
        "CVCOURSE_EXCHANGE": str(exchange),
        "LEARNTOOLS_SOLUTIONS": "off",
        "PATH": os.environ["PATH"],
        "TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0",
    }
    with running_hub(tmp_path_factory.mktemp("hub"), list(ANSWERS), environment) as server:
        yield server


def cvcourse(course, *arguments) -> int:
    """Run ``cvcourse --course COURSE ARGUMENTS``; its exit code."""
    try:
        cli.main(["--course", str(course), *arguments])
    except SystemExit as stop:
        return stop.code or 0
    return 0


class Learner:
    """One learner in their own browser context: the hub's login page, then their lab."""

    def __init__(self, name: str, page, hub):
        self.name, self.page, self.hub = name, page, hub
        self.lab = JupyterLab(page, f"{hub.url}/user/{name}", "")

    def phase(self) -> JupyterLab:
        """A fresh time budget for the next steps (grading happens in between)."""
        self.lab = JupyterLab(self.page, self.lab.url, "")
        return self.lab

    def log_in(self, screenshot: str | None = None) -> None:
        self.page.goto(f"{self.hub.url}/hub/login", timeout=self.lab.timeout())
        self.page.get_by_label("Username").fill(self.name)
        self.page.get_by_label("Password").fill(PASSWORD)
        if screenshot:
            self.lab.screenshot(screenshot)
        self.page.get_by_role("button", name="Sign in").click()
        self.lab.wait_until(_APP_READY)  # the hub spawned their server: their lab
        assert self.page.url.startswith(f"{self.hub.url}/user/{self.name}/lab")

    def open_assignments(self):
        """Nbgrader > Assignment List: the panel."""
        self.page.get_by_role("menuitem", name="Nbgrader").click()
        self.page.get_by_role("menuitem", name="Assignment List").click()
        panel = self.page.locator("#assignments")
        expect(panel).to_be_visible(timeout=self.lab.timeout())
        return panel

    def row(self, section: str):
        """The ex2 row of a section of the panel: released, fetched or submitted (not the
        rows of its notebooks nested in it)."""
        return self.page.locator(f"#{section}_assignments_list .list_item:not(.nested_list_item)",
                                 has_text=EX2)

    def open_feedback(self, view):
        """Click "(view feedback)" (the file browser goes to the feedback's folder) and open
        the feedback file there, in JupyterLab's HTML viewer (a frame)."""
        view.click()
        self.page.locator(".jp-DirListing-item", has_text=f"{EX2}.html").dblclick()
        return self.page.frame_locator(".jp-HTMLViewer iframe")

    def answer(self, answers: dict) -> None:
        self.page.evaluate(_ANSWER, [NOTEBOOK, answers])


def test_a_class_fetches_submits_and_gets_its_own_feedback_on_jupyterhub(
        hub, course, exchange, new_page, capsys):
    assert cvcourse(course, "release", EX2) == 0
    learners = {name: Learner(name, new_page(name), hub) for name in ANSWERS}

    for name, learner in learners.items():
        learner.log_in(screenshot="hub-login" if name == "amy" else None)
        learner.open_assignments()
        learner.row("released").get_by_role("button", name="Fetch").click()
        expect(learner.row("fetched")).to_be_visible(timeout=learner.lab.timeout())
        fetched = hub.home(name) / NOTEBOOK
        assert fetched.read_bytes() == (course / "release" / NOTEBOOK).read_bytes()
        learner.lab.screenshot(f"hub-{name}-fetched")

        learner.answer(ANSWERS[name])
        saved = nbformat.read(fetched, as_version=4)
        assert {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in saved.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") in ANSWERS[name]} \
            == ANSWERS[name]
        learner.row("fetched").get_by_role("button", name="Submit").click()
        expect(learner.row("submitted").get_by_role("button", name="Fetch Feedback")) \
            .to_be_visible(timeout=learner.lab.timeout())
        learner.lab.screenshot(f"hub-{name}-submitted")

    capsys.readouterr()
    assert cvcourse(course, "collect", EX2) == 0
    assert capsys.readouterr().out.splitlines()[-1] == \
        f"2 new or updated submissions of {EX2}, 2 in {course / 'submitted'}"
    for name in ANSWERS:  # each under the name they logged in with, as they submitted it
        assert (course / "submitted" / name / NOTEBOOK).read_bytes() == \
            (hub.home(name) / NOTEBOOK).read_bytes()
    assert cvcourse(course, "grade", EX2, "--workers", "2") == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "student  q_1_test  q_2_test  q_3_test  q_4_test  q_5_test  q_6_test  total",
        "amy      1         1         1         1         1         1         6/6  ",
        "ben      0         1         1         1         1         1         5/6  "]
    assert f"ben,{EX2},q_1,INCORRECT,average-pooling" in \
        (course / "misconceptions.csv").read_text().splitlines()
    assert cvcourse(course, "feedback", EX2, "--release") == 0
    assert len(list((exchange / "cvcourse" / "feedback").glob("*.html"))) == 2

    for name, learner in learners.items():
        lab = learner.phase()
        learner.row("submitted").get_by_role("button", name="Fetch Feedback").click()
        view = learner.row("submitted").get_by_text("(view feedback)")
        expect(view).to_be_visible(timeout=lab.timeout())
        # Of the two in the exchange, their own only: the file the instructor wrote for them.
        fetched = sorted((hub.home(name) / EX2 / "feedback").glob("*/*.html"))
        assert [path.read_bytes() for path in fetched] == \
            [(course / "feedback" / name / NOTEBOOK.replace(".ipynb", ".html")).read_bytes()]
        feedback = learner.open_feedback(view)
        expect(feedback.locator("body")).to_contain_text(SCORES[name], timeout=lab.timeout())
        q_1 = feedback.locator(".code_cell", has=feedback.locator('a[name="q_1_test"]'))
        expect(q_1).to_contain_text(Q1_FEEDBACK[name])
        q_1.scroll_into_view_if_needed()
        lab.screenshot(f"hub-{name}-feedback")
