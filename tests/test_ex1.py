"""Exercise 1: correct answers through several APIs pass; each recognised mistake is named."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import outcome_for
from learntools_lite.computer_vision import visiontools
from learntools_lite.computer_vision.ex1 import q_1, q_2, q_3, q_4
from learntools_lite.core import Status, ____

EDGE = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
SOBEL = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]


@pytest.fixture
def ex1(namespace):
    namespace["image"] = visiontools.read_image("car")
    return namespace


def conv(image, kernel, strides=1, padding="SAME"):
    filters = tf.cast(tf.reshape(kernel, [3, 3, 1, 1]), tf.float32)
    return tf.nn.conv2d(image, filters, strides=strides, padding=padding)


def numpy_conv(image, kernel):
    """A learner's own NumPy cross-correlation with zero padding, in float64."""
    picture = np.pad(np.asarray(image)[0, :, :, 0].astype(np.float64), 1)
    k = np.asarray(kernel, dtype=np.float64)
    h, w = picture.shape[0] - 2, picture.shape[1] - 2
    out = sum(k[r, c] * picture[r:r + h, c:c + w] for r in range(3) for c in range(3))
    return out[None, :, :, None]


def keras_conv(image, kernel):
    layer = keras.layers.Conv2D(1, 3, padding="same", use_bias=False)
    layer.build(image.shape)
    layer.set_weights([np.reshape(np.asarray(kernel, np.float32), (3, 3, 1, 1))])
    return layer(image)


# ---------------------------------------------------------------- q_1: kernel

@pytest.mark.parametrize("kernel", [
    tf.constant(EDGE), tf.constant(SOBEL, tf.float32), np.array(EDGE), EDGE,
    [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], np.full((3, 3), 1 / 9),
])
def test_q1_accepts_any_numeric_3x3_kernel(ex1, kernel):
    assert outcome_for(q_1, ex1, kernel=kernel).status is Status.CORRECT


@pytest.mark.parametrize("kernel, message", [
    (tf.zeros([3, 3]), "`kernel` is all zeros"),
    (tf.ones([3, 3, 1, 1]), "already shaped `[3, 3, 1, 1]`"),
    ([[1, 2], [3, 4]], "should be 3 x 3 (three rows of three numbers), but its shape is `(2, 2)`"),
    (np.ones(9), "but its shape is `(9,)`"),
    ([["a", "b", "c"]] * 3, "should hold real numbers"),
    ([[1, 2, 3], [4, np.nan, 6], [7, 8, 9]], "NaN or infinite"),
    ("edge", "should hold real numbers"),
])
def test_q1_rejects_with_a_named_reason(ex1, kernel, message):
    outcome = outcome_for(q_1, ex1, kernel=kernel)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q1_not_attempted(ex1):
    assert q_1.evaluate().status is Status.NOT_ATTEMPTED
    assert outcome_for(q_1, ex1, kernel=[[____] * 3] * 3).status is Status.NOT_ATTEMPTED


# ---------------------------------------------------------------- q_2: image_filter

@pytest.mark.parametrize("kernel", [EDGE, SOBEL, [[0, 1, 0], [0, 2, 0], [0, 1, 0.5]]])
@pytest.mark.parametrize("implementation", [conv, keras_conv, numpy_conv])
def test_q2_accepts_every_correct_implementation(ex1, kernel, implementation):
    ex1["kernel"] = tf.constant(kernel)
    result = implementation(ex1["image"], kernel)
    assert outcome_for(q_2, ex1, image_filter=result).status is Status.CORRECT


def test_q2_accepts_the_learners_own_image(ex1):
    ex1["image"] = visiontools.read_image("car")[:, 100:300, 50:250, :]
    ex1["kernel"] = EDGE
    assert outcome_for(q_2, ex1, image_filter=conv(ex1["image"], EDGE)).passed


def wrong_filters(image):
    edge_4d = tf.cast(tf.reshape(SOBEL, [3, 3, 1, 1]), tf.float32)
    correct = tf.nn.conv2d(image, edge_4d, 1, "SAME")
    return {
        "valid padding": (tf.nn.conv2d(image, edge_4d, 1, "VALID"), "`padding='VALID'`"),
        "stride 2": (tf.nn.conv2d(image, edge_4d, 2, "SAME"), "looks like `strides=2`"),
        "stride 3 valid": (tf.nn.conv2d(image, edge_4d, 3, "VALID"), "looks like `strides=3`"),
        "relu applied": (tf.nn.relu(correct), "ReLU is already applied"),
        "flipped kernel": (conv(image, np.rot90(SOBEL, 2)), "turned by 180 degrees"),
        "transposed kernel": (conv(image, np.transpose(SOBEL)), "kernel transposed"),
        "other kernel": (conv(image, EDGE),
                         "but with the kernel `[[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0]"),
        "squeezed": (correct[0, :, :, 0], "holds the right number of values but has shape "
                                          "`(400, 400)` instead of `(1, 400, 400, 1)`"),
        "blurred": (correct + 0.05, "right shape `(1, 400, 400, 1)` but different values"),
        "NaN": (correct * np.nan, "NaN or infinite"),
        "a string": ("image_filter", "should hold real numbers"),
    }


@pytest.mark.parametrize("mistake", list(wrong_filters(tf.zeros([1, 4, 4, 1]))))
def test_q2_names_each_mistake(ex1, mistake):
    ex1["kernel"] = tf.constant(SOBEL)
    answer, message = wrong_filters(ex1["image"])[mistake]
    outcome = outcome_for(q_2, ex1, image_filter=answer)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q2_waits_for_a_valid_kernel(ex1):
    ex1["image_filter"] = conv(ex1["image"], EDGE)
    assert q_2.evaluate().status is Status.NOT_ATTEMPTED
    ex1["kernel"] = tf.zeros([3, 3])
    outcome = q_2.evaluate()
    assert outcome.status is Status.INCORRECT
    assert outcome.message.startswith("This question uses your `kernel`, which is not ready yet")


@pytest.mark.parametrize("bad_kernel, padding, fix", [
    (tf.constant(EDGE, tf.float32), "SAME", "filters = tf.reshape(kernel, [3, 3, 1, 1])"),
    (tf.constant(EDGE), "SAME", "filters = tf.cast(filters, dtype=tf.float32)"),
    (tf.reshape(tf.constant(EDGE, tf.float32), [3, 3, 1, 1]), "same",
     "`padding` must be written in capitals"),
])
def test_q2_recognises_the_error_from_the_learners_last_cell(ex1, monkeypatch, bad_kernel,
                                                             padding, fix):
    ex1["kernel"] = tf.constant(EDGE)
    try:
        tf.nn.conv2d(ex1["image"], bad_kernel, 1, padding)
    except tf.errors.InvalidArgumentError as error:
        monkeypatch.setattr("sys.last_value", error, raising=False)
        monkeypatch.delattr("sys.last_exc", raising=False)  # Python 3.12+ reads it first
    outcome = q_2.evaluate()
    assert outcome.status is Status.LEARNER_ERROR
    assert "`image_filter` is not defined yet" in outcome.message
    assert fix in outcome.message


# ---------------------------------------------------------------- q_3: image_detect

@pytest.fixture
def filtered(ex1):
    ex1["kernel"] = tf.constant(EDGE)
    ex1["image_filter"] = conv(ex1["image"], EDGE)
    return ex1


@pytest.mark.parametrize("detect", [
    tf.nn.relu, keras.activations.relu, keras.layers.ReLU(), lambda x: tf.maximum(x, 0.0),
    lambda x: np.clip(np.asarray(x), 0, None), lambda x: np.where(np.asarray(x) > 0, x, 0),
])
def test_q3_accepts_relu_in_any_form(filtered, detect):
    answer = detect(filtered["image_filter"])
    assert outcome_for(q_3, filtered, image_detect=answer).status is Status.CORRECT


def test_q3_uses_the_learners_own_filtered_image(filtered):
    filtered["image_filter"] = conv(filtered["image"], SOBEL, padding="VALID")
    answer = tf.nn.relu(filtered["image_filter"])
    assert outcome_for(q_3, filtered, image_detect=answer).passed


@pytest.mark.parametrize("activation, message", [
    (lambda f, image: f, "no activation was applied"),
    (lambda f, image: tf.abs(f), "is `tf.abs` of `image_filter`"),
    (lambda f, image: tf.sigmoid(f), "is a sigmoid of `image_filter`"),
    (lambda f, image: tf.nn.leaky_relu(f), "is a leaky ReLU of `image_filter`"),
    (lambda f, image: tf.nn.elu(f), "is an ELU of `image_filter`"),
    (lambda f, image: tf.tanh(f), "is `tanh` of `image_filter`"),
    (lambda f, image: tf.nn.relu(-f), "ReLU of `-image_filter`"),
    (lambda f, image: tf.nn.relu(image), "the ReLU of `image`, the unfiltered picture"),
    (lambda f, image: tf.nn.relu(tf.constant(EDGE)), "has the shape of a kernel"),
    (lambda f, image: tf.nn.relu(f)[0], "has shape `(400, 400, 1)`"),
])
def test_q3_names_each_mistake(filtered, activation, message):
    answer = activation(filtered["image_filter"], filtered["image"])
    outcome = outcome_for(q_3, filtered, image_detect=answer)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q3_not_attempted_before_q2(ex1):
    outcome = outcome_for(q_3, ex1, image_detect=tf.zeros([1, 400, 400, 1]))
    assert outcome.status is Status.NOT_ATTEMPTED
    assert "`image_filter` is not defined yet" in outcome.message


# ---------------------------------------------------------------- q_4: relu_pos, relu_neg

def _halves(f):
    """A right answer, for the mistake cases to change one variable of."""
    return {"relu_pos": tf.nn.relu(f), "relu_neg": tf.nn.relu(-f), "reconstructed": f}


CORRECT_HALVES = {
    "tf.nn.relu": lambda f: {**_halves(f), "reconstructed": tf.nn.relu(f) - tf.nn.relu(-f)},
    "numpy": lambda f: {"relu_pos": np.maximum(np.asarray(f), 0),
                        "relu_neg": np.maximum(-np.asarray(f), 0),
                        "reconstructed": np.maximum(np.asarray(f), 0)
                        - np.maximum(-np.asarray(f), 0)},
    "the negated kernel": lambda f: {
        "relu_pos": tf.nn.relu(f), "relu_neg": tf.nn.relu(conv(visiontools.read_image("car"),
                                                              -np.asarray(EDGE))),
        "reconstructed": f},
    "keras ReLU layer": lambda f: {"relu_pos": keras.layers.ReLU()(f),
                                   "relu_neg": keras.layers.ReLU()(-f),
                                   "reconstructed": keras.layers.ReLU()(f)
                                   - keras.layers.ReLU()(-f)},
}


@pytest.mark.parametrize("make", CORRECT_HALVES.values(), ids=CORRECT_HALVES.keys())
def test_q4_accepts_the_two_halves_however_computed(filtered, make):
    outcome = outcome_for(q_4, filtered, **make(filtered["image_filter"]))
    assert outcome.status is Status.CORRECT, outcome.message


@pytest.mark.parametrize("answer, mistake, message", [
    (lambda f: {**_halves(f), "relu_pos": f}, "pos-without-relu",
     "`relu_pos` is `image_filter` unchanged. Apply the ReLU, as in question 3: "
     "`tf.nn.relu(image_filter)`."),
    (lambda f: {**_halves(f), "relu_neg": -tf.nn.relu(f)}, "negated-after-relu",
     "`relu_neg` is `-relu_pos`: the minus sign came after the ReLU, so no value is positive. "
     "Negate first, then apply ReLU: `tf.nn.relu(-image_filter)`."),
    (lambda f: {**_halves(f), "relu_neg": tf.nn.relu(f)}, "neg-same-as-pos",
     "`relu_neg` is the same as `relu_pos`. It should keep the responses that `relu_pos` "
     "drops: apply ReLU to `-image_filter`."),
    (lambda f: {**_halves(f), "relu_neg": -f}, "neg-without-relu",
     "`relu_neg` is `-image_filter` with no ReLU, so it still has negative values. Pass it "
     "through `tf.nn.relu`."),
    (lambda f: {**_halves(f), "reconstructed": tf.nn.relu(f) + tf.nn.relu(-f)},
     "sum-not-difference",
     "`reconstructed` is `relu_pos + relu_neg`, the size of each response without its sign "
     "(`tf.abs(image_filter)`). Subtract instead: `relu_pos - relu_neg`."),
    (lambda f: {**_halves(f), "reconstructed": tf.nn.relu(-f) - tf.nn.relu(f)},
     "difference-reversed",
     "`reconstructed` is `relu_neg - relu_pos`, the filtered image with every sign flipped. "
     "Subtract the other way round."),
    (lambda f: {**_halves(f), "reconstructed": tf.nn.relu(f)}, "one-half-only",
     "`reconstructed` holds only one of the two halves. Combine `relu_pos` and `relu_neg`, "
     "so that both signs come back."),
    (lambda f: {**_halves(f), "reconstructed": tf.nn.relu(-f)}, "one-half-only", None),
])
def test_q4_names_each_mistake(filtered, answer, mistake, message):
    outcome = outcome_for(q_4, filtered, **answer(filtered["image_filter"]))
    assert (outcome.status, outcome.mistake) == (Status.INCORRECT, mistake), outcome.message
    if message is not None:
        assert outcome.message == message


def test_q4_waits_for_question_2(ex1, no_last_error):
    assert q_4.evaluate().status is Status.NOT_ATTEMPTED
    zeros = tf.zeros([1, 400, 400, 1])
    outcome = outcome_for(q_4, ex1, image_filter=zeros, relu_pos=zeros, relu_neg=zeros,
                          reconstructed=zeros)
    assert outcome.status is Status.INCORRECT
    assert "Answer question 2 first" in outcome.message


def test_q4_blank_is_not_attempted(filtered):
    outcome = outcome_for(q_4, filtered, **{**_halves(filtered["image_filter"]),
                                            "reconstructed": ____})
    assert outcome.status is Status.NOT_ATTEMPTED


def test_q4_shows_the_written_answer_once_the_code_is_right(filtered, capsys, monkeypatch):
    filtered.update(_halves(filtered["image_filter"]))
    q_4.check()
    shown = capsys.readouterr().out
    assert "Correct" in shown and "Now compare your written answer with ours" in shown
    assert "together they lose nothing" in shown
    monkeypatch.setenv("LEARNTOOLS_SOLUTIONS", "off")
    q_4.check()
    shown = capsys.readouterr().out
    assert "Your written answer is graded by hand" in shown
    assert "together they lose nothing" not in shown


def test_q4_hides_the_written_answer_while_the_code_is_wrong(filtered, capsys):
    filtered.update(_halves(filtered["image_filter"]))
    filtered["reconstructed"] = filtered["image"]
    q_4.check()
    assert "together they lose nothing" not in capsys.readouterr().out


def test_questions_do_not_use_the_learners_tf(filtered):
    filtered["tf"] = "not tensorflow"  # a shadowed name in the notebook must not matter
    filtered["image_detect"] = np.maximum(np.asarray(filtered["image_filter"]), 0)
    assert q_3.evaluate().passed
    assert q_2.evaluate().passed
