"""The translation-invariance widget, driven without a browser.

``interactive`` redraws synchronously when a slider's value is set, so each test sets
values as the browser would and reads what the widget computed and drew (Agg backend).
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets import Button, HBox, IntSlider, Label, Output

from learntools_lite.computer_vision import pooling, widgets
from learntools_lite.core import i18n


@pytest.fixture
def widget():
    made = widgets.translation_widget(seed=0)
    yield made
    made.close()


def shown(widget, panel: int) -> np.ndarray:
    """The array drawn in one of the figure's three panels."""
    return np.asarray(widget.figure.axes[panel].images[0].get_array())


def test_layout_is_three_sliders_a_button_row_and_the_output(widget):
    dx, dy, poolings, row, output = widget.children
    assert all(isinstance(s, IntSlider) for s in (dx, dy, poolings))
    assert [s.description for s in (dx, dy, poolings)] == ["dx", "dy", "poolings"]
    assert (dx.min, dx.max, dy.min, dy.max) == (-8, 8, -8, 8)
    assert (poolings.min, poolings.max) == (1, 5)
    assert isinstance(row, HBox) and isinstance(output, Output)
    button, readout = row.children
    assert isinstance(button, Button) and button.description == "random shift"
    assert isinstance(readout, Label) and readout is widget.readout


def test_starts_unshifted_and_identical(widget):
    assert widget.last_result.identical
    assert "Shift (0, 0) after 1 pooling" in widget.readout.value
    assert "identical to the unshifted result" in widget.readout.value
    np.testing.assert_array_equal(shown(widget, 0), pooling.circle())


def test_moving_the_sliders_redraws_the_shift_and_the_pooled_result(widget):
    widget.children[0].value = 1  # dx
    widget.children[1].value = 1  # dy
    result = widget.last_result
    assert (result.dx, result.dy, result.poolings) == (1, 1, 1)
    np.testing.assert_array_equal(shown(widget, 0), pooling.shift(pooling.circle(), 1, 1))
    np.testing.assert_array_equal(shown(widget, 1), pooling.pooled(result.shifted, 1))
    assert shown(widget, 1).shape == (32, 32)
    assert np.count_nonzero(shown(widget, 2)) == 15
    assert widget.readout.value == ("Shift (1, 1) after 1 pooling (2 x 2 blocks, 32 x 32 "
                                    "output): differs from the unshifted result in 15 of "
                                    "1024 pixels (largest change 1).")
    assert widget.figure.axes[2].get_title() == "change: 15 pixels"


def test_more_poolings_hide_the_one_pixel_shift(widget):
    widget.dx.value, widget.dy.value = 1, 1
    readouts = {}
    for count in range(1, 6):
        widget.poolings.value = count
        readouts[count] = widget.readout.value
        assert shown(widget, 1).shape == (64 // 2**count,) * 2
    assert "in 4 of 256 pixels" in readouts[2]
    for count in (3, 4, 5):
        assert "identical to the unshifted result" in readouts[count]
    assert widget.figure.axes[2].get_title() == "identical to no shift"
    assert not shown(widget, 2).any()


def test_a_large_shift_still_shows_after_five_poolings(widget):
    widget.poolings.value = 5
    widget.dx.value, widget.dy.value = -8, 8
    assert not widget.last_result.identical
    assert "differs from the unshifted result in 1 of 4 pixels" in widget.readout.value


def test_the_widget_agrees_with_the_helpers_the_checker_uses(widget):
    for dx, dy, count in [(1, 1, 2), (1, 1, 3), (5, -2, 3), (5, -2, 4), (8, 8, 5)]:
        widget.dx.value, widget.dy.value, widget.poolings.value = dx, dy, count
        assert widget.last_result.identical == pooling.shift_vanishes(dx, dy, count)
        expected = pooling.compare_shift(None, dx, dy, count)
        np.testing.assert_array_equal(widget.last_result.result, expected.result)


def test_random_shift_button_sets_both_sliders_with_one_redraw(widget, monkeypatch):
    drawn = []
    original = widgets.draw
    monkeypatch.setattr(widgets, "draw", lambda result: drawn.append(result) or original(result))
    expected = np.random.default_rng(0).integers(-8, 9, size=2)
    widget.button.click()
    assert (widget.dx.value, widget.dy.value) == tuple(int(v) for v in expected)
    assert len(drawn) == 1
    assert (drawn[0].dx, drawn[0].dy) == (widget.dx.value, widget.dy.value)
    assert f"Shift ({widget.dx.value}, {widget.dy.value})" in widget.readout.value


def test_every_random_shift_is_new_and_within_the_sliders(widget):
    for _ in range(30):
        before = (widget.dx.value, widget.dy.value)
        widget.random_shift()
        assert (widget.dx.value, widget.dy.value) != before
        assert -8 <= widget.dx.value <= 8 and -8 <= widget.dy.value <= 8
        assert (widget.last_result.dx, widget.last_result.dy) == (widget.dx.value,
                                                                  widget.dy.value)


def test_the_car_works_too():
    car = widgets.translation_widget("car")
    car.poolings.value = 5
    assert shown(car, 1).shape == (13, 13)  # 400 -> 200 -> 100 -> 50 -> 25 -> 13 (SAME)
    car.dx.value = 3
    assert not car.last_result.identical
    assert 0 < car.last_result.largest < 1
    car.close()


def test_average_pooling_never_hides_the_shift():
    averaged = widgets.translation_widget(mode="avg")
    averaged.dx.value, averaged.dy.value = 1, 1
    for count in range(1, 6):
        averaged.poolings.value = count
        assert not averaged.last_result.identical
    assert "after 5 x avg pooling" in averaged.figure.axes[1].get_title()
    averaged.close()


def test_redraws_leave_no_open_figures(widget):
    plt.close("all")
    for value in range(-3, 4):
        widget.dx.value = value
    assert plt.get_fignums() == []
    assert widget.figure is not None  # closed figures keep their data for inspection


def test_an_unknown_mode_is_refused_at_once():
    with pytest.raises(ValueError, match="'max' or 'avg'"):
        widgets.translation_widget(mode="min")


def test_in_chinese_the_labels_the_readout_and_the_titles_are_translated(recwarn):
    with i18n.speaking("zh-CN"):
        made = widgets.translation_widget(seed=0)
        made.dx.value = 1
    try:
        dx, dy, poolings, row, _output = made.children
        button, readout = row.children
        assert [dx.description, dy.description, poolings.description] == ["dx", "dy", "池化次数"]
        assert button.description == "随机平移"
        assert readout.value.startswith("平移 (1, 0)，经过 1 次池化（2 x 2 的块，输出 ")
        assert "个像素中有" in readout.value
        made.figure.canvas.draw()
        titles = [ax.get_title() for ax in made.figure.axes]
        assert titles[0] == "平移 dx=1, dy=0" and titles[1] == "经过 1 次最大池化后"
        assert titles[2].startswith("变化：") and titles[2].endswith("个像素")
        assert not [w for w in recwarn if "missing from font" in str(w.message)]
    finally:
        made.close()
