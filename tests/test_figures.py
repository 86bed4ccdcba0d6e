"""The lessons' figures label numbers; here they are recomputed with TensorFlow and Keras."""

import keras
import matplotlib
import numpy as np
import pytest
import tensorflow as tf

from learntools_lite.computer_vision import figures, visiontools

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
