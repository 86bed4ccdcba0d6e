"""Exercise 3 checks: right answers in several styles pass, and each recognised mistake fails
with its own message.

``SETUP`` is the notebook's set-up cell word for word; it runs once per module and every test
gets a fresh copy of its namespace, then runs the learner's code in it.
"""

import re

import numpy as np
import pytest

from learntools_lite.computer_vision import ex3
from learntools_lite.computer_vision.visiontools import random_map
from learntools_lite.core import Status, ____, binder

SETUP = """\
from learntools_lite.core import binder
binder.bind(globals())
from learntools_lite.computer_vision.ex3 import *
from learntools_lite.computer_vision.vehicle_dataset import load_vehicle_base, make_dataset
from learntools_lite.computer_vision.visiontools import random_map
import numpy as np
import tensorflow as tf
import keras

feature_maps = random_map([1, 5, 5, 8], seed=3)
images, labels = make_dataset(40, seed=6)
base = load_vehicle_base()
"""

# The q_3 answer up to the choice of feature; tests append their own ``best_feature`` line.
FEATURES = """\
features = keras.layers.GlobalAvgPool2D()(base(images)).numpy()
difference = features[labels == 1].mean(axis=0) - features[labels == 0].mean(axis=0)
"""


@pytest.fixture(scope="module")
def setup_names():
    names: dict = {}
    exec(SETUP, names)
    return names


@pytest.fixture
def ns(namespace, setup_names):
    """The bound namespace after the set-up cell; the arrays are shared, never changed."""
    namespace.update(setup_names)
    binder.bind(namespace)
    return namespace


def run(ns, code, question):
    exec(code, ns)
    return question.evaluate()


# --- the set-up itself ---------------------------------------------------------------------

def test_setup_gives_the_documented_shapes(ns):
    assert tuple(ns["feature_maps"].shape) == (1, 5, 5, 8)
    assert ns["images"].shape == (40, 64, 64, 3)
    assert sorted(set(ns["labels"].tolist())) == [0, 1]
    assert ns["base"].output_shape == (None, 8, 8, 16)
    assert {"q_1", "q_2", "q_3", "q_4", "____"} <= set(ns)


def test_setup_data_tells_the_q3_mistakes_apart(ns):
    """Every q_3 mistake about the choice of feature points at a different feature."""
    exec(FEATURES, ns)
    difference = ns["difference"]
    best = int(np.argmax(np.abs(difference)))
    alternatives = {
        int(np.argmax(-np.sign(difference[best]) * difference)),  # the other direction
        int(np.argmax(ns["features"].mean(axis=0))),  # strongest overall
        int(np.argmin(np.abs(difference))),  # least different
    }
    assert len(alternatives) == 3 and best not in alternatives
    # The best feature is clearly best, so round-off cannot change the answer.
    assert np.sort(np.abs(difference))[-2] < np.abs(difference[best]) - 0.03


@pytest.mark.parametrize("question", [ex3.q_1, ex3.q_2, ex3.q_3])
def test_each_solution_passes(ns, question):
    assert run(ns, question.problem.solution_code, question).status is Status.CORRECT


# --- q_1: global average pooling --------------------------------------------------------------

@pytest.mark.parametrize("code", [
    "pooled = keras.layers.GlobalAvgPool2D()(feature_maps)",
    "pooled = keras.layers.GlobalAveragePooling2D()(feature_maps)",
    "pooled = tf.reduce_mean(feature_maps, axis=[1, 2])",
    "pooled = np.mean(feature_maps, axis=(1, 2))",
    "pooled = feature_maps.numpy().mean(axis=(1, 2)).tolist()",
    "pooled = tf.squeeze(keras.layers.AvgPool2D(pool_size=5)(feature_maps), axis=[1, 2])",
])
def test_q1_accepts(ns, code):
    assert run(ns, code, ex3.q_1).status is Status.CORRECT


@pytest.mark.parametrize("code, message", [
    ("pooled = keras.layers.GlobalMaxPool2D()(feature_maps)", "global max pooling"),
    ("pooled = tf.reduce_max(feature_maps, axis=[1, 2])", "global max pooling"),
    ("pooled = tf.reduce_sum(feature_maps, axis=[1, 2])", "*sum* of each feature map, 25 times"),
    ("pooled = tf.reduce_mean(feature_maps, axis=[1, 2], keepdims=True)", "`keepdims=True`"),
    ("pooled = keras.layers.GlobalAvgPool2D(keepdims=True)(feature_maps)", "`keepdims=True`"),
    ("pooled = keras.layers.Flatten()(feature_maps)", "all 200 values"),
    ("pooled = keras.layers.AvgPool2D(pool_size=2)(feature_maps)", "`2 x 2` grid"),
    ("pooled = keras.layers.MaxPool2D(padding='same')(feature_maps)", "`3 x 3` grid"),
    ("pooled = tf.reduce_mean(feature_maps, axis=-1)", "one per *channel*"),
    ("pooled = tf.reduce_mean(feature_maps, axis=[1, 2, 3])", "one number per image"),
    ("pooled = tf.reduce_mean(feature_maps)", "when no `axis` is passed"),
    ("pooled = tf.reduce_mean(feature_maps, axis=0)", "over the batch axis"),
    ("pooled = tf.reduce_mean(feature_maps, axis=[1, 2])[0]", "lost the batch axis"),
    ("pooled = tf.reduce_mean(feature_maps, axis=1)", "only one of height and width"),
    ("pooled = tf.identity(feature_maps)", "nothing was pooled"),
])
def test_q1_mistakes(ns, code, message):
    outcome = run(ns, code, ex3.q_1)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q1_mistake_messages_are_all_different(ns):
    messages = {run(ns, f"pooled = {code}", ex3.q_1).message for code in (
        "tf.reduce_max(feature_maps, axis=[1, 2])", "tf.reduce_sum(feature_maps, axis=[1, 2])",
        "tf.reduce_mean(feature_maps, axis=[1, 2], keepdims=True)",
        "keras.layers.Flatten()(feature_maps)", "tf.reduce_mean(feature_maps, axis=-1)",
        "tf.reduce_mean(feature_maps, axis=[1, 2, 3])", "tf.reduce_mean(feature_maps)",
        "tf.reduce_mean(feature_maps, axis=0)",
    )}
    assert len(messages) == 8


def test_q1_unrecognised_wrong_values_get_the_general_message(ns):
    outcome = run(ns, "pooled = tf.reduce_mean(feature_maps, axis=[1, 2]) + 0.1", ex3.q_1)
    assert outcome.status is Status.INCORRECT
    assert "largest difference is 0.1" in outcome.message


def test_q1_expected_follows_the_learners_feature_maps(ns):
    ns["feature_maps"] = random_map([2, 6, 6, 4], seed=11)
    assert run(ns, "pooled = tf.reduce_mean(feature_maps, axis=[1, 2])",
               ex3.q_1).status is Status.CORRECT
    outcome = run(ns, "pooled = keras.layers.Flatten()(feature_maps)", ex3.q_1)
    assert "all 144 values" in outcome.message and "giving 4 values" in outcome.message


def test_q1_broken_feature_maps_is_explained(ns):
    ns["feature_maps"] = np.ones((5, 5))
    outcome = run(ns, "pooled = np.ones((1, 8))", ex3.q_1)
    assert outcome.status is Status.INCORRECT
    assert "Re-run the set-up cell" in outcome.message


@pytest.mark.parametrize("code, status, message", [
    ("", Status.NOT_ATTEMPTED, "`pooled` is not defined yet"),
    ("pooled = ____", Status.NOT_ATTEMPTED, "still contains a blank"),
    ("pooled = np.full((1, 8), np.nan)", Status.INCORRECT, "NaN or infinite"),
    ("pooled = 'average'", Status.INCORRECT, "should hold real numbers"),
    ("pooled = keras.layers.GlobalAvgPool2D()", Status.INCORRECT, "not its output"),
    ("pooled = {'mean': 1.0}", Status.INCORRECT, "should hold real numbers"),
])
def test_q1_unusable_answers(ns, code, status, message):
    outcome = run(ns, code, ex3.q_1)
    assert outcome.status is status
    assert message in outcome.message


# --- q_2: parameters after Flatten and after pooling ---------------------------------------

@pytest.mark.parametrize("code", [
    "flatten_params, gap_params = 201, 9",
    "flatten_params, gap_params = 5 * 5 * 8 + 1, 8 + 1",
    "flatten_params, gap_params = np.int64(201), 9.0",
    """\
dense = keras.layers.Dense(1)
dense.build((None, 200))
flatten_params = dense.count_params()
small = keras.layers.Dense(1)
small.build((None, 8))
gap_params = small.count_params()
""",
    "flatten_params = tf.size(feature_maps) + 1\ngap_params = feature_maps.shape[-1] + 1",
])
def test_q2_accepts(ns, code):
    assert run(ns, code, ex3.q_2).status is Status.CORRECT


@pytest.mark.parametrize("values, message", [
    ("9, 201", "swapped"),
    ("200, 8", "Both counts are one short"),
    ("200, 9", "`flatten_params` is one short"),
    ("201, 8", "`gap_params` is one short"),
    ("0, 0", "layer itself"),
    ("201, 0", "layer itself"),
    ("400, 16", "one bias was counted per input"),
    ("26, 9", "positions of one feature map only (25)"),
    ("25, 9", "positions of one feature map only (25)"),
    ("201, 26", "one number per *channel*"),
    ("201, 2", "treats the pooled output as a single number"),
    ("[201], 9", "`flatten_params` should be a single whole number"),
    ("[201], [9]", "`flatten_params` and `gap_params` should be a single"),
    ("201.5, 9", "`flatten_params` is not a whole number"),
    ("202, 9", "`flatten_params` has the right shape `()` but different values"),
])
def test_q2_mistakes(ns, values, message):
    outcome = run(ns, f"flatten_params, gap_params = {values}", ex3.q_2)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q2_follows_the_learners_feature_maps(ns):
    ns["feature_maps"] = random_map([1, 6, 6, 4], seed=2)
    assert run(ns, "flatten_params, gap_params = 145, 5", ex3.q_2).status is Status.CORRECT
    assert "(36)" in run(ns, "flatten_params, gap_params = 37, 5", ex3.q_2).message


@pytest.mark.parametrize("code, status, message", [
    ("flatten_params = 201", Status.NOT_ATTEMPTED, "`gap_params` is not defined yet"),
    ("gap_params = 9", Status.NOT_ATTEMPTED, "`flatten_params` is not defined yet"),
    ("flatten_params, gap_params = 201, ____", Status.NOT_ATTEMPTED, "blank"),
    ("flatten_params, gap_params = float('nan'), 9", Status.INCORRECT, "NaN"),
    ("flatten_params, gap_params = '201', 9", Status.INCORRECT, "should hold real numbers"),
])
def test_q2_unusable_answers(ns, code, status, message):
    outcome = run(ns, code, ex3.q_2)
    assert outcome.status is status
    assert message in outcome.message


# --- q_3: pooled features of the pretrained base -------------------------------------------

@pytest.mark.parametrize("code", [
    FEATURES + "best_feature = int(np.argmax(np.abs(difference)))",
    # truck minus car: the largest gap happens to be positive in this batch, so it agrees
    FEATURES + "best_feature = np.argmax(difference)",
    """\
features = keras.Sequential([base, keras.layers.GlobalAvgPool2D()]).predict(images, verbose=0)
trucks = features[labels == 1].mean(axis=0)
cars = features[labels == 0].mean(axis=0)
best_feature = np.argmax(np.abs(cars - trucks))
""",
    """\
features = tf.reduce_mean(base(images), axis=[1, 2])
truck_mean = tf.reduce_mean(tf.boolean_mask(features, labels == 1), axis=0)
car_mean = tf.reduce_mean(tf.boolean_mask(features, labels == 0), axis=0)
best_feature = tf.argmax(tf.abs(truck_mean - car_mean))
""",
    "features = np.mean(base.predict(images, batch_size=8, verbose=0), axis=(1, 2))\n"
    "best_feature = 14",
])
def test_q3_accepts(ns, code):
    assert run(ns, code, ex3.q_3).status is Status.CORRECT


@pytest.mark.parametrize("code, message", [
    ("features = base(images)", "not pooled yet"),
    ("features = tf.reduce_mean(base(images), axis=[1, 2], keepdims=True)", "`keepdims=True`"),
    ("features = keras.layers.Flatten()(base(images))", "flattened"),
    ("features = keras.layers.GlobalMaxPool2D()(base(images))", "global *max* pooling"),
    ("features = tf.reduce_sum(base(images), axis=[1, 2])", "*sum* of each map"),
    ("features = keras.layers.GlobalAvgPool2D()(images)", "average colour of each picture"),
    ("features = tf.reduce_mean(base(images), axis=[0, 1, 2])", "averaged over the images"),
    ("features = tf.reduce_mean(base(images), axis=-1)", "across the 16 channels"),
    ("features = keras.layers.GlobalAvgPool2D()(base(images[:20]))", "20 rows"),
])
def test_q3_feature_mistakes(ns, code, message):
    outcome = run(ns, f"{code}\nbest_feature = 14", ex3.q_3)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


@pytest.mark.parametrize("choice, message", [
    ("np.argmax(-difference)", "signed difference"),
    ("np.argmax(features.mean(axis=0))", "highest average over *all* images"),
    ("np.argmin(np.abs(difference))", "differ the *least*"),
    ("np.abs(difference)", "should be one number"),
    ("16", "a whole number from 0 to 15"),
    ("2.5", "a whole number from 0 to 15"),
    ("4", "Feature 4's means for trucks and for cars differ by 2.97"),
])
def test_q3_choice_mistakes(ns, choice, message):
    outcome = run(ns, f"{FEATURES}best_feature = {choice}", ex3.q_3)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q3_one_class_mistake(ns):
    """In this batch the strongest truck feature is not the most different one."""
    exec("images, labels = make_dataset(40, seed=19)", ns)
    code = FEATURES + "best_feature = np.argmax(features[labels == 1].mean(axis=0))"
    outcome = run(ns, code, ex3.q_3)
    assert outcome.status is Status.INCORRECT
    assert "highest average over the trucks alone" in outcome.message


def test_q3_features_are_checked_before_the_choice(ns):
    code = "features = keras.layers.GlobalMaxPool2D()(base(images))\nbest_feature = 3"
    assert "global *max*" in run(ns, code, ex3.q_3).message


@pytest.mark.parametrize("code, status, message", [
    ("best_feature = 14", Status.NOT_ATTEMPTED, "`features` is not defined yet"),
    ("features = ____\nbest_feature = 14", Status.NOT_ATTEMPTED, "blank"),
    (FEATURES, Status.NOT_ATTEMPTED, "`best_feature` is not defined yet"),
    (FEATURES + "best_feature = ____", Status.NOT_ATTEMPTED, "blank"),
    ("features = np.full((40, 16), np.nan)\nbest_feature = 14", Status.INCORRECT, "NaN"),
    ("features = base\nbest_feature = 14", Status.INCORRECT, "a Keras `Sequential`"),
    (FEATURES + "best_feature = 'feature 14'", Status.INCORRECT, "should hold real numbers"),
])
def test_q3_unusable_answers(ns, code, status, message):
    outcome = run(ns, code, ex3.q_3)
    assert outcome.status is status
    assert message in outcome.message


@pytest.mark.parametrize("code, message", [
    ("images = images[0]", "Re-run the set-up cell"),
    ("labels = np.zeros(40)", "only one class"),
    ("labels = labels[:10]", "one 0 (car) or 1 (truck) per image"),
])
def test_q3_broken_inputs_are_explained(ns, code, message):
    outcome = run(ns, FEATURES + "best_feature = 14\n" + code, ex3.q_3)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


# --- q_4 -----------------------------------------------------------------------------------

TRUCKS = """\
from learntools_lite.computer_vision.vehicles import Look, draw
trucks = np.stack([draw("truck", 64, Look(left=left, length=0.55)) for left in (0.05, 0.40)])
truck_maps = base(trucks).numpy()
gap_vectors = truck_maps.mean(axis=(1, 2))
flat_vectors = truck_maps.reshape(len(trucks), -1)
"""


@pytest.mark.parametrize("code", [
    ex3.q_4.problem.solution_code,
    "gap_change = np.linalg.norm(gap_vectors[1] - gap_vectors[0]) / "
    "np.linalg.norm(gap_vectors[0])\n"
    "flat_change = np.linalg.norm(flat_vectors[1] - flat_vectors[0]) / "
    "np.linalg.norm(flat_vectors[0])",
    # Keras's pooling layer and TensorFlow's norms, float32 all the way.
    "pooled = keras.layers.GlobalAvgPool2D()(base(trucks))\n"
    "flat = keras.layers.Flatten()(base(trucks))\n"
    "gap_change = tf.norm(pooled[1] - pooled[0]) / tf.norm(pooled[0])\n"
    "flat_change = tf.norm(flat[1] - flat[0]) / tf.norm(flat[0])",
    "gap_change, flat_change = 0.0401, 1.2099",  # read off the printed per cents, and more
])
def test_q4_accepts_the_changes_however_computed(ns, code):
    outcome = run(ns, TRUCKS + code, ex3.q_4)
    assert outcome.status is Status.CORRECT, outcome.message


RIGHT_CHANGES = ex3.truck_changes()


@pytest.mark.parametrize("values, mistake, message", [
    ({"gap_change": 100 * RIGHT_CHANGES["gap_change"],
      "flat_change": 100 * RIGHT_CHANGES["flat_change"]}, "per-cent",
     "These are per cent. Store the fractions instead (0.04 rather than 4)."),
    ({"gap_change": RIGHT_CHANGES["flat_change"], "flat_change": RIGHT_CHANGES["gap_change"]},
     "swapped", "The two are swapped: `gap_change` is the change of the 16 pooled numbers, "
     "`flat_change` the change of the 1,024 flattened ones."),
    ({"gap_change": [0.04, 0.04], "flat_change": 1.2}, "not-one-number",
     "`gap_change` and `flat_change` should each be one number: the size of the difference "
     "between the two trucks' vectors, relative to the first one's."),
])
def test_q4_names_each_mistake(ns, values, mistake, message):
    ns.update(values)
    outcome = ex3.q_4.evaluate()
    assert (outcome.status, outcome.mistake, outcome.message) == (
        Status.INCORRECT, mistake, message)


@pytest.mark.parametrize("code, mistake", [
    ("gap_change = np.linalg.norm(gap_vectors[1] - gap_vectors[0])\n"
     "flat_change = np.linalg.norm(flat_vectors[1] - flat_vectors[0])", "not-relative"),
    ("gap_change = np.linalg.norm(gap_vectors[1] - gap_vectors[0]) / "
     "np.linalg.norm(gap_vectors[1])\n"
     "flat_change = np.linalg.norm(flat_vectors[1] - flat_vectors[0]) / "
     "np.linalg.norm(flat_vectors[1])", "relative-to-second"),
])
def test_q4_names_the_mistakes_learners_write(ns, code, mistake):
    outcome = run(ns, TRUCKS + code, ex3.q_4)
    assert (outcome.status, outcome.mistake) == (Status.INCORRECT, mistake), outcome.message


def test_q4_an_unnamed_wrong_change_is_incorrect(ns):
    ns.update(gap_change=0.5, flat_change=0.5)
    outcome = ex3.q_4.evaluate()
    assert outcome.status is Status.INCORRECT and outcome.mistake == ""


def test_q4_blank_is_not_attempted(ns):
    ns.update(gap_change=____, flat_change=1.2)
    assert ex3.q_4.evaluate().status is Status.NOT_ATTEMPTED


def test_q4_shows_the_written_answer_once_the_numbers_are_right(ns, capsys):
    ns.update(RIGHT_CHANGES)
    ex3.q_4.check()
    shown = capsys.readouterr().out
    assert "Now compare your written answer with ours" in shown
    assert "invariant to translation" in shown


def test_q4_numbers_are_what_the_notebook_states():
    assert round(RIGHT_CHANGES["gap_change"], 2) == 0.04
    assert round(RIGHT_CHANGES["flat_change"], 1) == 1.2


# --- Question 5: what one first-layer kernel detects --------------------------------------

FIRST = "first = base.layers[0]\n"
RED_RESPONSES = ex3.red_detector()["red_responses"]


@pytest.mark.parametrize("code", [
    ex3.q_5.problem.solution_code,
    # A red picture built by broadcasting, averaged in TensorFlow, the index as a NumPy int.
    "red = np.ones((1, 64, 64, 3)) * np.array([1.0, 0.0, 0.0])\n"
    "red_responses = tf.reduce_mean(first(red), axis=[0, 1, 2])\n"
    "red_kernel = np.argmax(red_responses)",
    # Keras's own pooling gives the means; a float index is still a whole number.
    "red = np.zeros((1, 64, 64, 3), 'float32'); red[:, :, :, 0] = 1\n"
    "red_responses = keras.layers.GlobalAvgPool2D()(first(red))[0]\n"
    "red_kernel = float(tf.argmax(red_responses))",
    # One map at a time, in a loop.
    "red = np.zeros((1, 64, 64, 3)); red[..., 0] = 1\n"
    "maps = first(red).numpy()[0]\n"
    "red_responses = [maps[:, :, k].mean() for k in range(8)]\n"
    "red_kernel = max(range(8), key=lambda k: red_responses[k])",
])
def test_q5_accepts(ns, code):
    outcome = run(ns, FIRST + code, ex3.q_5)
    assert outcome.status is Status.CORRECT, outcome.message


RIGHT_RED = "red = np.zeros((1, 64, 64, 3), 'float32'); red[..., 0] = 1\n"


@pytest.mark.parametrize("code, mistake, message", [
    ("red = np.zeros((1, 64, 64, 3), 'float32'); red[..., 1] = 1\n"
     "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\nred_kernel = 3",
     "green-picture", "These are the responses to a *green* picture. The channels are red, "
     "green, blue in that order, so red is channel 0: `red[..., 0] = 1`."),
    ("red = np.zeros((1, 64, 64, 3), 'float32'); red[..., 2] = 1\n"
     "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\nred_kernel = 3",
     "blue-picture", "These are the responses to a *blue* picture. The channels are red, "
     "green, blue in that order, so red is channel 0: `red[..., 0] = 1`."),
    ("red = np.ones((1, 64, 64, 3), 'float32')\n"
     "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\nred_kernel = 7",
     "white-picture", "These are the responses to a *white* picture: every channel is 1. Set "
     "only the red channel, and leave green and blue at 0."),
    ("red = np.zeros((1, 64, 64, 3), 'float32'); red[..., 0] = 255\n"
     "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\nred_kernel = 2",
     "scale-255", "The picture's red is 255. The base was trained on pictures whose values run "
     "from 0 to 1, like `images`: use 1 for full red."),
    (RIGHT_RED + "red_responses = first(red).numpy().max(axis=(0, 1, 2))\nred_kernel = 2",
     "largest-not-mean", "`red_responses` holds the *largest* value of each map. The question "
     "asks for each map's average: `.mean(axis=(0, 1, 2))`."),
    (RIGHT_RED + "kernels, biases = first.get_weights()\n"
     "filtered = tf.nn.conv2d(red, kernels, 1, 'SAME') + biases\n"
     "red_responses = filtered.numpy().mean(axis=(0, 1, 2))\n"
     "red_kernel = 2", "before-relu", "Some of `red_responses` are negative: these are averages "
     "of the filtered maps *before* ReLU. Run the layer itself, `first(red)`, which applies its "
     "ReLU."),
    ("red_responses = first.get_weights()[0][:, :, 0, :].sum(axis=(0, 1))\nred_kernel = 2",
     "weights-not-responses", "`red_responses` adds up each kernel's red weights. That leaves "
     "out the bias, the ReLU and the border, where the kernel also sees padding: run the layer "
     "on the picture instead, `first(red)`."),
    (RIGHT_RED + "red_responses = first(red).numpy()\nred_kernel = 2", "maps-not-averaged",
     "`red_responses` has shape `(1, 64, 64, 8)`: these are the whole maps. Average each "
     "kernel's map over the batch, height and width, `.mean(axis=(0, 1, 2))`, to get one number "
     "per kernel."),
    (RIGHT_RED + "red_responses = first(red).numpy().mean(axis=-1)\nred_kernel = 2",
     "wrong-axis", "`red_responses` has shape `(1, 64, 64)`, but the layer has 8 kernels, so it "
     "should hold 8 numbers. Average over every axis except the last, the kernel axis: "
     "`.mean(axis=(0, 1, 2))`."),
    (RIGHT_RED + "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\n"
     "red_kernel = 2.5", "not-whole", "`red_kernel` is `2.5`. It should be the *index* of a "
     "kernel, a whole number from 0 to 7, not a response: `np.argmax`."),
    (RIGHT_RED + "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\n"
     "red_kernel = 9", "no-such-kernel", "`red_kernel` is `9`, but the layer's 8 kernels are "
     "numbered 0 to 7."),
    (RIGHT_RED + "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\n"
     "red_kernel = int(np.argmin(red_responses))", "weakest-kernel",
     "Kernel 3 is the one that responds *least* to red. Pick the largest response: "
     "`np.argmax`."),
    # Counted from 1, the red kernel's neighbour is the silent kernel 3: the same message.
    (RIGHT_RED + "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\n"
     "red_kernel = int(np.argmax(red_responses)) + 1", "weakest-kernel",
     "Kernel 3 is the one that responds *least* to red. Pick the largest response: "
     "`np.argmax`."),
    (RIGHT_RED + "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\n"
     "red_kernel = np.argsort(red_responses)[-2]", "not-the-largest",
     "Kernel 5 responds to red with 0.0201 on average, but another kernel responds more. "
     "`np.argmax(red_responses)`."),
    (RIGHT_RED + "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\n"
     "red_kernel = np.argwhere(red_responses > 0.5)[:, 0]", "not-one-number",
     "`red_kernel` should be one whole number: the index of a kernel."),
])
def test_q5_names_the_mistakes_learners_write(ns, code, mistake, message):
    outcome = run(ns, FIRST + code, ex3.q_5)
    assert (outcome.status, outcome.mistake, outcome.message) == (
        Status.INCORRECT, mistake, message)


def test_q5_a_response_given_for_the_index_is_named(ns):
    outcome = run(ns, FIRST + RIGHT_RED
                  + "red_responses = first(red).numpy().mean(axis=(0, 1, 2))\n"
                  + "red_kernel = red_responses.max()", ex3.q_5)
    assert (outcome.status, outcome.mistake) == (Status.INCORRECT, "not-whole")
    assert re.fullmatch(r"`red_kernel` is `0\.99\d*`\. It should be the \*index\* of a kernel, "
                        r"a whole number from 0 to 7, not a response: `np\.argmax`\.",
                        outcome.message), outcome.message


def test_q5_mistake_messages_are_all_different():
    messages = [m.message for m in ex3.RED_KERNEL.mistakes if isinstance(m.message, str)]
    assert len(set(messages)) == len(messages)


def test_q5_an_unnamed_wrong_answer_is_incorrect(ns):
    ns.update(red_responses=RED_RESPONSES + 0.3, red_kernel=2)
    outcome = ex3.q_5.evaluate()
    assert (outcome.status, outcome.mistake) == (Status.INCORRECT, "")


@pytest.mark.parametrize("values", [
    {"red_responses": ____, "red_kernel": ____},
    {"red_responses": RED_RESPONSES, "red_kernel": ____},
])
def test_q5_blanks_are_not_attempted(ns, values):
    ns.update(values)
    assert ex3.q_5.evaluate().status is Status.NOT_ATTEMPTED


def test_q5_shows_the_written_answer_once_the_numbers_are_right(ns, capsys):
    ns.update(red_responses=RED_RESPONSES, red_kernel=2)
    ex3.q_5.check()
    shown = capsys.readouterr().out
    assert "Now compare your written answer with ours" in shown
    assert "*red that is not white*" in shown


def test_q5_the_red_kernel_is_the_one_the_answer_explains():
    """Kernel 2 fires on red, half on yellow, hardly at all on white, green or blue, and no
    other kernel comes near it on red: the question has one clear answer."""
    red, second = sorted(RED_RESPONSES)[::-1][:2]
    assert (int(np.argmax(RED_RESPONSES)), round(red, 2)) == (2, 1.0) and second < 0.05
    assert ex3.responses((1.0, 1.0, 0.0))[2] == pytest.approx(0.55, abs=0.01)
    assert max(ex3.responses(colour)[2] for colour in (ex3.GREEN, ex3.BLUE, (1.0, 1.0, 1.0))) < 0.02
