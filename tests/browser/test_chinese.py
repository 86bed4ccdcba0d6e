"""A learner works through the Chinese edition of exercise 2 in JupyterLab, in headless
Chromium: the notebook's prose, a named mistake and the widget speak Simplified Chinese.

The expected words are read from the catalogs, so the test follows the translation; the
screenshots are in ``test-artifacts/browser/`` (``zh_*.png``).
"""

import pytest
from playwright.sync_api import expect

from learntools_lite.computer_vision import ex2
from learntools_lite.core import i18n

from .test_jupyterlab import AVERAGE_ANSWER, answer_q1, open_widget, title_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXERCISE = "exercises/zh-CN/ex2_maximum_pooling.ipynb"


def chinese(english: str) -> str:
    with i18n.speaking("zh-CN"):
        return i18n._(english)


def average_pooling_message() -> str:
    """ex2 q_1's message for average pooling, in Chinese, without its Markdown marks."""
    mistake = next(m for m in ex2.q_1.problem.mistakes if m.id == "average-pooling")
    with i18n.speaking("zh-CN"):
        message = mistake.describe({})
    return message.replace("*", "").replace("`", "")


def test_a_chinese_exercise_names_the_mistake_in_chinese(lab):
    notebook, check_cell = answer_q1(lab, AVERAGE_ANSWER, EXERCISE)
    expect(notebook.cells.first).to_contain_text("练习 2", timeout=lab.timeout())

    feedback = notebook.markdown_outputs(check_cell)
    expect(feedback).to_have_count(1, timeout=lab.timeout())
    expect(title_of(feedback)).to_have_text(chinese("Incorrect"), timeout=lab.timeout())
    expect(feedback).to_contain_text(average_pooling_message(), timeout=lab.timeout())
    expect(feedback.locator("em")).to_have_text("平均值", timeout=lab.timeout())
    expect(notebook.errors()).to_have_count(0, timeout=lab.timeout())

    notebook.cell(check_cell).scroll_into_view_if_needed()
    lab.screenshot("zh_q1_average_pooling_mistake")


def test_the_chinese_widget_labels_its_button_slider_and_readout(lab):
    notebook, widget = open_widget(lab, EXERCISE)
    labels = widget.locator(".widget-slider .widget-label")
    expect(labels).to_have_text(["dx", "dy", chinese("poolings")], timeout=lab.timeout())
    expect(widget.locator("button")).to_have_text(chinese("random shift"),
                                                  timeout=lab.timeout())
    readout = widget.locator(".widget-hbox > .widget-label")
    expect(readout).to_contain_text("平移 (0, 0)，经过 1 次池化", timeout=lab.timeout())

    widget.locator("button").click(timeout=lab.timeout())
    expect(readout).not_to_contain_text("平移 (0, 0)", timeout=lab.timeout())
    expect(notebook.errors()).to_have_count(0, timeout=lab.timeout())

    widget.scroll_into_view_if_needed()
    lab.screenshot("zh_widget")
