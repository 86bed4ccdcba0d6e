"""A learner works through exercise 2 in JupyterLab, in headless Chromium.

Each scenario opens its own copy of a notebook in a fresh browser context, acts with the
mouse and keyboard where a learner would, asserts on what the page shows, and ends with a
screenshot in ``test-artifacts/browser/``. Run only these with ``.venv/bin/pytest -m browser``.
"""

import re

import pytest
from playwright.sync_api import expect

# They start kernels and run notebook cells, so "not slow" leaves them out too.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXERCISE = "exercises/ex2_maximum_pooling.ipynb"
SOLUTION = "solutions/ex2_maximum_pooling.ipynb"
SET_UP = "# Set-up"
Q1_ANSWER = "image_condense = tf.nn.pool("
Q1_CHECK = "q_1.check()"
Q1_HELP = "# q_1.hint()"
WIDGET = "widgets.translation_widget(seed=0)"

# Typed on one line: Enter in the editor would add its own indentation to the typed one.
CORRECT_ANSWER = ("image_condense = tf.nn.pool(input=image_detect, window_shape=(2, 2), "
                  "pooling_type='MAX', strides=(2, 2), padding='SAME')")
AVERAGE_ANSWER = CORRECT_ANSWER.replace("'MAX'", "'AVG'")


def title_of(output):
    """The coloured title a feedback object renders as: the first ``<span>`` of its Markdown."""
    return output.locator("span").first


def colour(element) -> tuple[int, ...]:
    """The computed text colour of ``element`` as (red, green, blue)."""
    text = element.evaluate("e => getComputedStyle(e).color")
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def assert_styled_by_the_checker(title) -> None:
    """The span's inline colour survived JupyterLab's sanitizer and is what the page shows."""
    declared = title.evaluate("e => e.style.color")
    assert declared, "the feedback title lost its inline colour"
    assert colour(title) == tuple(int(p) for p in re.findall(r"\d+", declared)[:3])
    assert title.evaluate("e => getComputedStyle(e).fontWeight") in ("700", "bold")


def answer_q1(lab, answer: str, exercise: str = EXERCISE):
    """Open the exercise, run its set-up, type ``answer`` into q_1's cell and run it and the
    check below; return the notebook and the check cell's index."""
    notebook = lab.open(exercise)
    notebook.run(notebook.index_of(SET_UP))
    answer_cell, check_cell = notebook.index_of(Q1_ANSWER), notebook.index_of(Q1_CHECK)
    notebook.type_into(answer_cell, answer)
    expect(notebook.cell(answer_cell).locator(".cm-content")).to_have_text(
        answer, timeout=lab.timeout())
    notebook.run(answer_cell)
    notebook.run(check_cell)
    return notebook, check_cell


def test_run_all_shows_the_not_attempted_prompts_and_no_errors(lab):
    notebook = lab.open(EXERCISE)
    notebook.run_all()

    expect(notebook.errors()).to_have_count(0, timeout=lab.timeout())
    checks = {index: text.strip() for index, text in notebook.code_cell_texts().items()
              if text.strip().endswith(".check()")}
    assert list(checks.values()) == ["q_1.check()", "q_2.check()", "q_3.check()",
                                     "q_4.check()", "q_5.check()", "q_6.check()"]
    for index in checks:
        outputs = notebook.outputs(index)
        expect(outputs).to_have_count(1, timeout=lab.timeout())
        expect(title_of(notebook.markdown_outputs(index))).to_have_text(
            "Not attempted yet", timeout=lab.timeout())
    # Both translation widgets were drawn, each with its picture.
    expect(notebook.panel.locator(".widget-interact .widget-output img")).to_have_count(
        2, timeout=lab.timeout())

    lab.screenshot("run_all_not_attempted", whole=notebook)


def test_correct_answer_typed_in_the_editor_shows_green_correct(lab):
    notebook, check_cell = answer_q1(lab, CORRECT_ANSWER)

    feedback = notebook.markdown_outputs(check_cell)
    expect(feedback).to_have_count(1, timeout=lab.timeout())
    title = title_of(feedback)
    expect(title).to_have_text("Correct", timeout=lab.timeout())
    assert_styled_by_the_checker(title)
    red, green, blue = colour(title)
    assert green > red and green > blue, f"'Correct' is not green: rgb{(red, green, blue)}"
    expect(notebook.errors()).to_have_count(0, timeout=lab.timeout())

    notebook.cell(check_cell).scroll_into_view_if_needed()
    lab.screenshot("q1_correct")


def test_average_pooling_answer_is_named_as_the_mistake(lab):
    notebook, check_cell = answer_q1(lab, AVERAGE_ANSWER)

    feedback = notebook.markdown_outputs(check_cell)
    expect(feedback).to_have_count(1, timeout=lab.timeout())
    expect(title_of(feedback)).to_have_text("Incorrect", timeout=lab.timeout())
    # ex2's message for average pooling, with its Markdown rendered.
    expect(feedback).to_contain_text("holds the average of each 2 x 2 block, not its maximum",
                                     timeout=lab.timeout())
    expect(feedback.locator("em")).to_have_text("average", timeout=lab.timeout())
    expect(feedback.locator("code", has_text="pooling_type='MAX'")).to_have_count(
        1, timeout=lab.timeout())

    notebook.cell(check_cell).scroll_into_view_if_needed()
    lab.screenshot("q1_average_pooling_mistake")


def open_widget(lab, exercise: str = EXERCISE):
    """Open the exercise, run its set-up and the first widget's cell; return the notebook
    and the widget."""
    notebook = lab.open(exercise)
    notebook.run(notebook.index_of(SET_UP))
    widget_cell = notebook.index_of(WIDGET)
    notebook.run(widget_cell)
    return notebook, notebook.cell(widget_cell).locator(".widget-interact")


def test_dx_slider_moved_with_the_keyboard_redraws_the_widget(lab):
    notebook, widget = open_widget(lab)
    dx = widget.locator(".widget-slider").first
    expect(dx.locator(".widget-label")).to_have_text("dx", timeout=lab.timeout())
    slider_readout = dx.locator(".widget-readout")
    readout = widget.locator(".widget-hbox > .widget-label")  # the line beside the button
    picture = widget.locator(".widget-output img")
    expect(slider_readout).to_have_text("0", timeout=lab.timeout())
    expect(readout).to_contain_text("Shift (0, 0)", timeout=lab.timeout())
    expect(picture).to_have_count(1, timeout=lab.timeout())
    readout_before = readout.text_content()
    picture_before = picture.get_attribute("src")

    dx.locator(".noUi-handle").focus(timeout=lab.timeout())
    lab.page.keyboard.press("ArrowRight")

    expect(slider_readout).to_have_text("1", timeout=lab.timeout())
    expect(readout).to_contain_text("Shift (1, 0)", timeout=lab.timeout())
    expect(readout).not_to_have_text(readout_before, timeout=lab.timeout())
    expect(picture).not_to_have_attribute("src", picture_before, timeout=lab.timeout())
    expect(picture).to_have_count(1, timeout=lab.timeout())  # redrawn, not added below
    expect(notebook.errors()).to_have_count(0, timeout=lab.timeout())

    widget.scroll_into_view_if_needed()
    lab.screenshot("widget_dx_moved")


def test_hint_and_solution_render_as_formatted_text(lab):
    notebook = lab.open(EXERCISE)
    notebook.run(notebook.index_of(SET_UP))
    help_cell = notebook.index_of(Q1_HELP)
    notebook.type_into(help_cell, "q_1.hint()\nq_1.solution()")
    notebook.run(help_cell)

    outputs = notebook.outputs(help_cell)
    expect(outputs).to_have_count(2, timeout=lab.timeout())
    hint, solution = outputs.nth(0), outputs.nth(1)
    for output in (hint, solution):
        expect(output).to_have_attribute("data-mime-type", "text/markdown",
                                         timeout=lab.timeout())
    expect(title_of(hint)).to_have_text(re.compile(r"^Hint( 1 of \d+)?$"),
                                        timeout=lab.timeout())
    expect(title_of(solution)).to_have_text("Solution", timeout=lab.timeout())
    for output in (hint, solution):
        assert_styled_by_the_checker(title_of(output))
    # Markdown that went wrong shows its own syntax, such as a fence that opened no block.
    expect(solution).not_to_contain_text("```", timeout=lab.timeout())
    expect(solution.locator("pre code")).to_contain_text("pooling_type='MAX'",
                                                         timeout=lab.timeout())
    shown = notebook.cell(help_cell).locator(".jp-Cell-outputWrapper").inner_text()
    assert "<learntools_lite" not in shown and "Feedback(" not in shown, shown

    notebook.cell(help_cell).scroll_into_view_if_needed()
    lab.screenshot("q1_hint_and_solution")


def test_nbgrader_learner_tools_are_on_and_validate_passes_the_solution(lab):
    notebook = lab.open(SOLUTION)

    config = lab.page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    assert "@jupyter/nbgrader" in [e["name"] for e in config["federated_extensions"]]
    # The learners' lab leaves out the instructor's panels, and only those.
    disabled = config.get("disabledExtensions", [])
    assert sorted(name for name in disabled if name.startswith("@jupyter/nbgrader")) == [
        "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:formgrader"]
    plugins = dict(lab.page.evaluate(
        "() => window.jupyterapp.listPlugins()"
        ".filter(id => id.startsWith('@jupyter/nbgrader:'))"
        ".map(id => [id, window.jupyterapp.isPluginActivated(id)])"))
    assert plugins == {"@jupyter/nbgrader:assignment-list": True,
                       "@jupyter/nbgrader:menu": True,
                       "@jupyter/nbgrader:validate-assignment": True}, plugins

    # The extension's own toolbar button: it saves the notebook, then the server extension
    # runs nbgrader's validator on it and the button shows the result in a dialog.
    notebook.panel.locator(".jp-Toolbar .validate-button").click(timeout=lab.timeout())
    message = lab.page.locator(".jp-Dialog #validation-message")
    expect(message).to_have_class(re.compile(r"\bvalidation-success\b"), timeout=lab.timeout())
    expect(message).to_have_text("Success! Your notebook passes all the tests.",
                                 timeout=lab.timeout())
    lab.screenshot("nbgrader_validate_solution")
