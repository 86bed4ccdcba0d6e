"""Every number the notebooks (and the questions' hints and solutions) state in prose, computed
again here: receptive fields, parameter counts, shift sizes, shapes. A change to the code that
makes the text wrong, or to the text that makes it disagree with the code, fails here.

Each claim is a phrase that must appear word for word in its notebook (or question text),
and the value that phrase states, recomputed from first principles or from the course's code.
"""

import math
import re

import nbformat
import numpy as np
import pytest

from conftest import REPO
from learntools_lite.computer_vision import ex2, ex3, pooling, visiontools

LESSON2 = "course/lessons/lesson2_condense_with_max_pooling.ipynb"
LESSON3 = "course/lessons/lesson3_global_average_pooling.ipynb"
EX2 = "course/notebooks/ex2_maximum_pooling.ipynb"
EX3 = "course/notebooks/ex3_global_average_pooling.ipynb"


def text_of(path: str) -> str:
    """All cell sources of a notebook, joined, with line breaks read as spaces (prose is
    wrapped anywhere)."""
    notebook = nbformat.read(str(REPO / path), as_version=4)
    return re.sub(r"\s+", " ", "\n".join(cell.source for cell in notebook.cells))


def receptive_field(layers) -> int:
    """How many input pixels (per side) one output value of a stack of (window, stride)
    layers depends on, walking back from the output."""
    span = 1
    for window, stride in reversed(layers):
        span = (span - 1) * stride + window
    return span


def conv_parameters(kernel: int, in_channels: int, filters: int) -> tuple[int, int]:
    """(weights, biases) of a Conv2D layer."""
    return kernel * kernel * in_channels * filters, filters


def valid_size(n: int, window: int, stride: int = 1) -> int:
    return (n - window) // stride + 1


def same_size(n: int, stride: int) -> int:
    return math.ceil(n / stride)


CONV3, POOL2 = (3, 1), (2, 2)
IMAGE_SIDE = visiontools.read_image("car").shape[1]
DETECTED_SIDE = valid_size(IMAGE_SIDE, 3)  # ex2 and lesson 2 filter with 'VALID'
WEIGHTS, BIASES = conv_parameters(3, 1, 8)
BASE_MAPS = (8, 8, 16)  # the shipped base's output for a 64 x 64 picture (checked below)


def _truck_shift_pixels() -> int:
    """How far ex3's q_4 cell moves the truck, read from the cell's own code."""
    lefts = re.search(r"for left in \(([\d.]+), ([\d.]+)\)", text_of(EX3))
    start, end = (float(value) for value in lefts.groups())
    return round((end - start) * 64)


def _avg_shift_after_five() -> tuple[int, float]:
    result = pooling.compare_shift(None, 1, 1, 5, mode="avg")
    return result.changed, round(result.largest, 2)


CLAIMS = [
    # Lesson 2
    (LESSON2, f"about {IMAGE_SIDE} × {IMAGE_SIDE} numbers", IMAGE_SIDE == 400),
    (LESSON2, f"3 × 3 × 1 × 8 = {WEIGHTS} weights", WEIGHTS == 72),
    (LESSON2, f"and {BIASES} biases, one per output channel: {WEIGHTS + BIASES} parameters",
     BIASES == 8),
    (LESSON2, "400 × 400 × 400 × 400 × 8, about 205 billion, weights",
     round(IMAGE_SIDE ** 4 * 8 / 1e9) == 205),
    (LESSON2, "The same 72 weights serve at every one of the 400 × 400 positions",
     WEIGHTS == 72),
    (LESSON2, "so together it depends on 8 × 8 pixels of the image",
     receptive_field([CONV3, POOL2, CONV3]) == 8),
    (LESSON2, "3 × 3 values of the pooled map, which summarise 6 × 6 values",
     receptive_field([POOL2, CONV3]) == 6),
    (LESSON2, "reach only 5 × 5", receptive_field([CONV3, CONV3]) == 5),
    (LESSON2, "after two 2 × 2 poolings each output value covers 4 × 4 pixels of the input, "
              "after three 8 × 8", (receptive_field([POOL2] * 2), receptive_field([POOL2] * 3))
     == (4, 8)),
    (LESSON2, "after four poolings, each output value covers a 16 × 16 block",
     receptive_field([POOL2] * 4) == 16),
    (LESSON2, f"detected, {DETECTED_SIDE} x {DETECTED_SIDE}", DETECTED_SIDE == 398),
    (LESSON2, f"max pooled, {same_size(DETECTED_SIDE, 2)} x {same_size(DETECTED_SIDE, 2)}",
     same_size(DETECTED_SIDE, 2) == 199),
    (LESSON2, "A shift of 8 pixels along both axes still changes one value after five poolings",
     pooling.compare_shift(None, 8, 8, 5).changed == 1),
    (LESSON2, "down to 1.25", float(np.mean([0, 0, 5, 0])) == 1.25),
    # Lesson 3
    (LESSON3, "4 × 4 × 3 = 48", 4 * 4 * 3 == 48),
    (LESSON3, "exactly a factor of height × width (64 for the 8 × 8 maps, 49 for the 7 × 7",
     ((8 * 8 * 16) // 16, (7 * 7 * 512) // 512) == (64, 49)),
    (LESSON3, "1,025 / 17 ≈ 60 rather than 64",
     (8 * 8 * 16 + 1, 16 + 1, round((8 * 8 * 16 + 1) / 17)) == (1025, 17, 60)),
    (LESSON3, "the 1,024 numbers of the flattened maps", int(np.prod(BASE_MAPS)) == 1024),
    (LESSON3, "sixteen 8 × 8 maps", BASE_MAPS == (8, 8, 16)),
    # Exercise 2
    (EX2, f"`image_filter` and `image_detect` are {DETECTED_SIDE} × {DETECTED_SIDE}", True),
    (EX2, "a shift of 8 pixels along both axes still changes the result after five poolings",
     pooling.compare_shift(None, 8, 8, 5).changed > 0),
    # Exercise 3
    (EX3, "`[batch, height, width, channels]` = `[1, 5, 5, 8]`", True),
    (EX3, "So `base(images)` has shape `[40, 8, 8, 16]`", BASE_MAPS == (8, 8, 16)),
]

def _red_kernel_sums() -> tuple:
    """(kernel, its red/green/blue grid sums, bias, interior response to red, white, yellow),
    rounded as ex3's q_5 written answer states them."""
    kernel = ex3.red_detector()["red_kernel"]
    weights, biases = ex3.first_layer().get_weights()
    sums = weights[:, :, :, kernel].sum(axis=(0, 1))
    red, green, blue = (round(float(total), 2) for total in sums)
    bias = round(float(biases[kernel]), 2)
    return (kernel, red, green, blue, bias, round(red + bias, 2),
            round(red + green + blue + bias, 2), round(red + green + bias, 2))


# Numbers in a question's hints or solution, which the learner reads in the notebook too.
QUESTION_CLAIMS = [
    (ex3.TRANSLATION.hints[0], f"about {_truck_shift_pixels()} pixels of the 64",
     _truck_shift_pixels() == 22),
    (ex2.AVERAGE_OR_MAX.written, "after five poolings all 4 pixels of the 2 x 2 result still "
                                  "differ, if only by about 0.02", _avg_shift_after_five()
     == (4, 0.02)),
    (ex3.RED_KERNEL.written, "Kernel 2's grids add up to about +0.88 (red), -0.46 (green) and "
                             "-0.65 (blue), and its bias is +0.14", _red_kernel_sums()[:5]
     == (2, 0.88, -0.46, -0.65, 0.14)),
    (ex3.RED_KERNEL.written, "pure red: 0.88 + 0.14 = 1.02, and ReLU lets it through; * white: "
                             "0.88 - 0.46 - 0.65 + 0.14 = -0.09, and ReLU turns it into 0; "
                             "* yellow (red and green): 0.88 - 0.46 + 0.14 = 0.56, about half",
     _red_kernel_sums()[5:] == (1.02, -0.09, 0.56)),
    (ex3.RED_KERNEL.solution, "red_kernel = int(np.argmax(red_responses)) # 2",
     ex3.red_detector()["red_kernel"] == 2),
]


@pytest.mark.parametrize("path, phrase, holds", CLAIMS,
                         ids=[f"{p.split('/')[-1][:7]}: {c[:40]}" for p, c, _ in CLAIMS])
def test_the_notebook_states_a_number_that_holds(path, phrase, holds):
    assert phrase in text_of(path), f"{path} no longer says {phrase!r}"
    assert holds is True


@pytest.mark.parametrize("text, phrase, holds", QUESTION_CLAIMS,
                         ids=[c[:40] for _, c, _ in QUESTION_CLAIMS])
def test_a_question_states_a_number_that_holds(text, phrase, holds):
    assert phrase in re.sub(r"\s+", " ", text)
    assert holds is True


def test_the_bases_maps_are_the_size_the_text_uses():
    from learntools_lite.computer_vision.vehicle_dataset import load_vehicle_base, make_dataset

    images, _ = make_dataset(2, seed=0)
    assert tuple(load_vehicle_base()(images).shape[1:]) == BASE_MAPS


def test_keras_counts_the_lessons_conv_layer_as_the_text_does():
    import keras

    layer = keras.layers.Conv2D(filters=8, kernel_size=3)
    layer.build((None, IMAGE_SIDE, IMAGE_SIDE, 1))
    kernel, bias = layer.weights
    assert (int(np.prod(kernel.shape)), int(np.prod(bias.shape))) == (WEIGHTS, BIASES)


def test_the_receptive_field_rule_matches_a_real_convolution():
    """The walk-back rule, checked on TensorFlow: the input pixels one output of conv 3x3 ->
    pool 2x2 -> conv 3x3 depends on. Average pooling is used because its gradient reaches
    every pixel of a window (a window's span is the same for either kind of pooling)."""
    import tensorflow as tf

    image = tf.Variable(tf.random.uniform([1, 32, 32, 1], seed=1))
    ones = tf.ones([3, 3, 1, 1])
    with tf.GradientTape() as tape:
        x = tf.nn.conv2d(image, ones, 1, "VALID")
        x = tf.nn.avg_pool2d(x, 2, 2, "VALID")
        out = tf.nn.conv2d(x, ones, 1, "VALID")[0, 3, 3, 0]
    reached = np.argwhere(tape.gradient(out, image).numpy()[0, :, :, 0] != 0)
    spans = reached.max(axis=0) - reached.min(axis=0) + 1
    assert spans.tolist() == [8, 8] == [receptive_field([CONV3, POOL2, CONV3])] * 2


def test_the_checker_draws_the_trucks_where_the_notebook_does():
    lefts = re.search(r"for left in \(([\d.]+), ([\d.]+)\)", text_of(EX3)).groups()
    assert tuple(float(left) for left in lefts) == ex3.TRUCK_LEFTS
