"""The lessons' figures label numbers; here they are recomputed with TensorFlow and Keras.
In Chinese, their words are translated and every glyph is drawn."""

import re

import keras
import matplotlib
import matplotlib.text
import numpy as np
import pytest
import tensorflow as tf

from learntools_lite.computer_vision import figures, fonts, visiontools
from learntools_lite.core import i18n

matplotlib.use("Agg")
EDGE = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    matplotlib.pyplot.close("all")


def test_the_relu_plot_counts_what_relu_zeroes():
    filtered = tf.nn.conv2d(visiontools.read_image("car"),
                            tf.reshape(tf.constant(EDGE, tf.float32), [3, 3, 1, 1]), 1, "SAME")
    shares = figures.relu_plot(filtered)
    values, detected = filtered.numpy(), tf.nn.relu(filtered).numpy()
    assert shares["negative"] == pytest.approx(float(np.mean(values < -figures.FLAT)))
    # Every clearly negative value is zeroed; the flat ones are 0 or a rounding error from it.
    assert np.all(detected[values < -figures.FLAT] == 0)
    assert np.mean(detected <= figures.FLAT) == pytest.approx(shares["negative"]
                                                              + shares["flat"], abs=1e-9)
    assert 0.03 < shares["negative"] < 0.15 and shares["flat"] > 0.8  # what lesson 1 prints


@pytest.mark.parametrize("n, window, stride", [(7, 3, 2), (8, 2, 2), (5, 3, 1), (398, 3, 2),
                                               (400, 3, 2), (9, 4, 3)])
def test_the_window_drawing_uses_tensorflows_sizes_and_padding(n, window, stride):
    sizes = figures.sliding_windows(n, window, stride)
    row = tf.reshape(tf.range(1, n + 1, dtype=tf.float32), [1, n, 1])
    for padding in ("VALID", "SAME"):
        out = tf.nn.conv1d(row, tf.ones([window, 1, 1]), stride, padding)
        assert sizes[padding] == out.shape[1] == figures.output_side(n, window, stride, padding)
    # TensorFlow's own SAME output equals sums over the zero-padded row the drawing shows.
    before, after = figures._same_padding(n, window, stride)
    padded = np.concatenate([np.zeros(before), np.arange(1, n + 1), np.zeros(after)])
    by_hand = [padded[i * stride:i * stride + window].sum() for i in range(sizes["SAME"])]
    same = tf.nn.conv1d(row, tf.ones([window, 1, 1]), stride, "SAME").numpy().ravel()
    np.testing.assert_allclose(same, by_hand)


def test_the_pipeline_strip_shows_each_steps_shape_and_the_average():
    car = visiontools.read_image("car")
    steps = figures.pipeline_strip(car, EDGE)
    assert steps["shapes"] == [(400, 400), (400, 400), (400, 400), (200, 200)]
    detected = tf.nn.relu(tf.nn.conv2d(car, tf.reshape(tf.constant(EDGE, tf.float32),
                                                       [3, 3, 1, 1]), 1, "SAME"))
    pooled = keras.layers.MaxPool2D(2, padding="same")(detected)
    assert steps["summary"] == pytest.approx(
        float(keras.layers.GlobalAvgPool2D()(pooled)[0, 0]), rel=1e-6)


@pytest.mark.parametrize("shape, units", [((8, 8, 16), 1), ((7, 7, 512), 256), ((5, 5, 8), 1)])
def test_flatten_or_gap_counts_what_keras_counts(shape, units):
    counts = figures.flatten_or_gap(*shape, units=units)
    for name, layer in (("Flatten", keras.layers.Flatten()),
                        ("GlobalAvgPool2D", keras.layers.GlobalAvgPool2D())):
        head = keras.Sequential([keras.Input(shape=shape), layer, keras.layers.Dense(units)])
        assert counts[name] == head.count_params()


def test_the_learned_kernels_figure_shows_the_first_layer_and_its_own_maps():
    from learntools_lite.computer_vision.vehicle_dataset import load_vehicle_base, make_dataset

    base = load_vehicle_base()
    images, _ = make_dataset(2, seed=0)
    kernels, biases = base.layers[0].get_weights()
    # Lesson 3's claim: a colour kernel convolves each channel with its own grid, and the
    # layer adds the three results and the bias before the ReLU.
    by_channel = sum(tf.nn.conv2d(images[..., c:c + 1], kernels[:, :, c:c + 1, :], 1, "SAME")
                     for c in range(3))
    maps = tf.nn.relu(by_channel + biases)
    np.testing.assert_allclose(maps, base.layers[0](images), atol=1e-5)
    shown = figures.learned_kernels(kernels, maps[0], images[0])
    assert shown == {"kernels": (3, 3, 3, 8), "maps": (64, 64, 8)}


# --- In Chinese: every word translated, every glyph drawn ---------------------------------

def _texts(figure) -> list[str]:
    """Every piece of text a figure draws (titles, labels, legends, annotations)."""
    return [text.get_text() for text in figure.findobj(matplotlib.text.Text) if text.get_text()]


def _drawn(draw, recwarn) -> list[str]:
    """Draw in Chinese, render the canvas (where a missing glyph warns) and return the texts."""
    with i18n.speaking("zh-CN"):
        draw()
    figure = matplotlib.pyplot.gcf()
    figure.canvas.draw()
    missing = [str(w.message) for w in recwarn if "missing from font" in str(w.message)]
    assert not missing, missing
    return _texts(figure)


def _lesson3_kernels():
    from learntools_lite.computer_vision.vehicle_dataset import load_vehicle_base, make_dataset

    base = load_vehicle_base()
    images, _ = make_dataset(1, seed=0)
    kernels, _biases = base.layers[0].get_weights()
    figures.learned_kernels(kernels, base.layers[0](images)[0], images[0])


CAR_FILTERED = lambda: tf.nn.conv2d(visiontools.read_image("car"),  # noqa: E731
                                    tf.reshape(tf.constant(EDGE, tf.float32), [3, 3, 1, 1]),
                                    1, "SAME")


@pytest.mark.parametrize("draw, chinese", [
    (lambda: figures.relu_plot(CAR_FILTERED()), ["过滤后图像的各个值", "负值：变为 0"]),
    (lambda: figures.sliding_windows(7, 3, 2),
     ["'SAME'：7 个值，窗口 3，步幅 2 -> 4 个输出", "输出 0"]),
    (lambda: figures.pipeline_strip(visiontools.read_image("car"), EDGE),
     ["压缩：最大池化\n(200, 200)"]),
    (lambda: figures.flatten_or_gap(8, 8, 16, 1), ["1,024 个数", "Dense(1)\n1,025 个参数"]),
    (_lesson3_kernels, ["卷积核 0", "红色", "ReLU 特征图"]),
], ids=["relu", "windows", "pipeline", "flatten-or-gap", "learned-kernels"])
def test_every_figure_speaks_chinese_with_every_glyph_drawn(draw, chinese, recwarn):
    texts = _drawn(draw, recwarn)
    for text in chinese:
        assert text in texts, texts
    prose = [text for text in texts if re.search(r"[A-Za-z]{3,}", text) and "$" not in text
             and not re.search(r"[\u3400-\u9fff]", text)]
    assert set(prose) <= {"ReLU(x) = max(0, x)", "Flatten", "Global\nAvgPool2D"}


def test_a_title_the_course_writes_is_translated_and_a_variables_name_is_not(recwarn):
    _drawn(lambda: visiontools.show_images([visiontools.read_image("car")] * 2,
                                           ["ReLU after kernel", "image_filter"]), recwarn)
    titles = [ax.get_title() for ax in matplotlib.pyplot.gcf().axes]
    assert titles == [i18n_text("ReLU after kernel"), "image_filter"]
    assert re.search(r"[\u3400-\u9fff]", titles[0])


def i18n_text(english: str) -> str:
    with i18n.speaking("zh-CN"):
        return i18n._(english)


def test_a_missing_font_would_be_caught(recwarn):
    """The glyph check itself: with the CJK font taken away, Chinese warns."""
    families = matplotlib.rcParams["font.family"]
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    try:
        figure, ax = matplotlib.pyplot.subplots()
        ax.set_title("卷积")
        figure.canvas.draw()
    finally:
        matplotlib.rcParams["font.family"] = families
    assert any("missing from font" in str(w.message) for w in recwarn)


def test_the_cjk_font_follows_the_default_one():
    assert fonts.use_cjk_fallback()
    assert matplotlib.rcParams["font.family"][-1] == fonts.CJK_FAMILY
    assert matplotlib.rcParams["font.family"].count(fonts.CJK_FAMILY) == 1
