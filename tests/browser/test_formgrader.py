"""An instructor grades by hand in nbgrader's formgrader, as ``cvcourse formgrade`` opens it;
a learner's lab (``cvcourse lab``) has none of the instructor's panels.

The class: amy (all three coded answers right) and ben (q_3 wrong) graded by
``cvcourse grade``; cal's submission is collected but not graded, for the formgrader's own
Autograde button.
"""

import csv
import json
import os

import pytest
from grading_helpers import copy_course, solution_answers, submission, write_submissions
from playwright.sync_api import expect

from learntools_lite import cli
from learntools_lite.instructor.grading import RunOptions, grade
from learntools_lite.instructor.nbgrader_course import api_for
from learntools_lite.lab import formgrader_command

from .conftest import ARTIFACTS, SCENARIO_SECONDS, running_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.grading]

EX1 = "ex1_convolution"
FORMGRADER_FRAME = "#formgrader iframe"
INSTRUCTOR_COMMANDS = ("nbgrader:open-formgrader", "nbgrader:open-create-assignment",
                       "nbgrader:open-course-list")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formgrader")
    course = copy_course(folder)
    right = solution_answers(EX1)
    write_submissions(folder / "subs", EX1, {
        "amy": submission(EX1, right),
        "ben": submission(EX1, {**right, "q_3": "image_detect = image_filter"})})
    grade(course, EX1, folder / "subs", say=lambda line: None, options=RunOptions(workers=2))
    # Collected the way nbgrader's exchange leaves it: q_1 right, q_2 to q_4 left blank.
    # Under nbgrader's stock Execute its hidden tests (which only record values) would pass.
    write_submissions(course / "submitted", EX1, {"cal": submission(EX1, {"q_1": right["q_1"]})})
    return course


@pytest.fixture(scope="module")
def formgrader(course, tmp_path_factory):
    """``cvcourse formgrade``'s JupyterLab: started in the course root, opening the
    formgrader."""
    base = tmp_path_factory.mktemp("formgrader-lab")
    with running_lab(base, formgrader_command(course), course, dict(os.environ)) as server:
        yield server


def exported(course, tmp_path) -> dict[str, str]:
    path = tmp_path / "grades.csv"
    cli.main(["--course", str(course), "export", EX1, "--to", str(path)])
    with path.open(newline="") as handle:
        return {row["student_id"]: row[EX1] for row in csv.DictReader(handle)}


def open_formgrader(page, server):
    """The page ``cvcourse formgrade`` opens, and the formgrader's frame in it."""
    page.goto(server.url)  # the server's default URL: the lab with the formgrader panel
    frame = page.frame_locator(FORMGRADER_FRAME)
    expect(frame.get_by_role("heading", name="Manage Assignments")).to_be_visible(
        timeout=SCENARIO_SECONDS * 1000)
    return frame


def test_a_written_answer_graded_by_hand_counts_in_the_export(page, formgrader, course,
                                                              tmp_path):
    assert exported(course, tmp_path) == {"amy": "4", "ben": "3"}  # q_4_answer not yet graded

    frame = open_formgrader(page, formgrader)
    frame.get_by_role("link", name="Manual Grading").click()
    frame.get_by_role("link", name=EX1, exact=True).click()
    frame.get_by_role("link", name=EX1, exact=True).click()  # the assignment's one notebook
    # Names are hidden while grading; show them once the submissions are listed.
    expect(frame.get_by_role("link", name="Submission #2")).to_be_visible()
    frame.get_by_role("button", name="Show All Names").click()
    frame.get_by_role("link", name="amy", exact=True).click()
    score = frame.locator("input#q_4_answer")
    expect(score).to_be_visible()
    with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url
                              and r.request.method == "PUT") as saved:
        score.fill("1")
        score.press("Tab")
    assert saved.value.ok and json.loads(saved.value.text())["manual_score"] == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "formgrader-written-answer-graded.png")

    assert exported(course, tmp_path) == {"amy": "5", "ben": "3"}


def test_the_formgraders_autograde_runs_in_the_sandbox_and_is_judged(page, formgrader,
                                                                     course):
    frame = open_formgrader(page, formgrader)
    frame.locator(f'a[href$="/formgrader/manage_submissions/{EX1}"]').click()
    row = frame.locator("tr", has=frame.locator("td.student-id", has_text="cal"))
    with page.expect_response(lambda r: r.url.endswith(f"/{EX1}/cal/autograde"),
                              timeout=SCENARIO_SECONDS * 1000) as done:
        row.locator("td.autograde a").click()
    assert json.loads(done.value.text())["success"] is True

    api = api_for(course)
    submission_ = api.get_submission(EX1, "cal")
    assert (submission_["score"], submission_["max_score"]) == (1.0, 5.0)
    record = json.loads((course / "executed" / EX1 / "cal" / f"{EX1}.json").read_text())
    assert [(j["question"], j["status"]) for j in record["judgements"]] == [
        ("q_1", "CORRECT"), ("q_2", "NOT_ATTEMPTED"), ("q_3", "NOT_ATTEMPTED"),
        ("q_4", "NOT_ATTEMPTED")]


def test_the_learners_lab_has_no_instructor_panels(lab):
    lab.page.goto(f"{lab.url}/lab/workspaces/{lab.folder}")
    lab.wait_until("() => !!(window.jupyterapp && window.jupyterapp.commands"
                   " .hasCommand('nbgrader:open-assignment-list'))")
    present = lab.page.evaluate("(ids) => ids.map(id => window.jupyterapp.commands"
                                ".hasCommand(id))", list(INSTRUCTOR_COMMANDS))
    assert present == [False] * len(INSTRUCTOR_COMMANDS)
    assert lab.page.request.get(f"{lab.url}/formgrader").status == 404
    assert lab.page.request.get(f"{lab.url}/formgrader/api/status").status == 404
