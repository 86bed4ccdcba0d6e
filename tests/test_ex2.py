"""Exercise 2: correct answers through several APIs pass, each recognised mistake is named,
and the numbers the questions rest on (the circle's vanishing shift) hold."""


import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf

from conftest import REPO, outcome_for
from learntools_lite.computer_vision import ex2, pool2d_cases, pooling
from learntools_lite.computer_vision.ex2 import q_1, q_2, q_3, q_4, q_5, q_6
from learntools_lite.core import Status, ____
from learntools_lite.core.blank_display import caused_by_blank

# ---------------------------------------------------------------- set-up

def test_setup_matches_the_notebook_code():
    image, image_filter, image_detect = pooling.detected_car()
    assert image.shape == (1, 400, 400, 1)
    kernel = tf.constant([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
    kernel = tf.cast(tf.reshape(kernel, [3, 3, 1, 1]), tf.float32)
    by_hand = tf.nn.conv2d(image, kernel, strides=1, padding="VALID")
    np.testing.assert_array_equal(image_filter, by_hand)
    np.testing.assert_array_equal(image_detect, tf.nn.relu(by_hand))
    assert image_detect.shape == (1, 398, 398, 1)


# ---------------------------------------------------------------- q_1: image_condense

@pytest.fixture
def car(namespace):
    image, image_filter, image_detect = pooling.detected_car()
    namespace.update(image=image, image_filter=image_filter, image_detect=image_detect)
    return namespace


def tf_pool(x, window=(2, 2), kind="MAX", strides=(2, 2), padding="SAME"):
    return tf.nn.pool(input=x, window_shape=window, pooling_type=kind, strides=strides,
                      padding=padding)


def numpy_max_pool(x):
    """A learner's own reshape-max: each 2 x 2 block becomes two axes to reduce."""
    a = np.asarray(x)
    n, h, w, c = a.shape
    return a.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


CORRECT_CONDENSE = {
    "tf.nn.pool": lambda d: tf_pool(d),
    "tf.nn.pool VALID": lambda d: tf_pool(d, padding="VALID"),
    "tf.nn.max_pool2d": lambda d: tf.nn.max_pool2d(d, ksize=2, strides=2, padding="SAME"),
    "keras MaxPool2D": lambda d: keras.layers.MaxPool2D(pool_size=2, padding="same")(d),
    "keras MaxPooling2D valid": lambda d: keras.layers.MaxPooling2D((2, 2))(d),
    "numpy reshape-max": numpy_max_pool,
    "as a numpy array": lambda d: tf_pool(d).numpy(),
}


@pytest.mark.parametrize("make", CORRECT_CONDENSE.values(), ids=CORRECT_CONDENSE.keys())
def test_q1_accepts_max_pooling_through_any_api(car, make):
    outcome = outcome_for(q_1, car, image_condense=make(car["image_detect"]))
    assert outcome.status is Status.CORRECT, outcome.message


def test_q1_expected_value_comes_from_the_learners_image_detect(car):
    own = tf.random.uniform([1, 10, 12, 1], seed=1)
    car["image_detect"] = own
    assert outcome_for(q_1, car, image_condense=tf_pool(own)).status is Status.CORRECT
    car_condensed = tf_pool(pooling.detected_car()[2])
    assert outcome_for(q_1, car, image_condense=car_condensed).status is Status.INCORRECT


CONDENSE_MISTAKES = {
    "average": (lambda n: tf_pool(n["image_detect"], kind="AVG"), "*average* of each 2 x 2"),
    "window 3": (lambda n: tf_pool(n["image_detect"], window=(3, 3)), "over 3 x 3 blocks"),
    "window 3 valid": (lambda n: tf_pool(n["image_detect"], window=(3, 3), padding="VALID"),
                       "over 3 x 3 blocks"),
    "window 1": (lambda n: tf.nn.max_pool2d(n["image_detect"], 1, 2, "SAME"),
                 "every second pixel"),
    "window 1 slicing": (lambda n: n["image_detect"][:, ::2, ::2, :], "every second pixel"),
    "stride 1": (lambda n: tf_pool(n["image_detect"], strides=(1, 1)), "(stride 1)"),
    "stride 1 valid": (lambda n: tf_pool(n["image_detect"], strides=(1, 1), padding="VALID"),
                       "(stride 1)"),
    "image_filter": (lambda n: tf_pool(n["image_filter"]), "it is the pooled `image_filter`"),
    "image": (lambda n: tf_pool(n["image"]), "is the pooled `image`"),
    "squeezed": (lambda n: tf.squeeze(tf_pool(n["image_detect"])), "squeezed away"),
    "transposed": (lambda n: tf.transpose(tf_pool(n["image_detect"]), [0, 2, 1, 3]),
                   "is transposed"),
    "channels first": (lambda n: tf.transpose(tf_pool(n["image_detect"]), [0, 3, 1, 2]),
                       "with channels first"),
    "reshaped": (lambda n: tf.reshape(tf_pool(n["image_detect"]), [-1]),
                 "right number of values but has shape `(39601,)`"),
    "other values": (lambda n: tf_pool(n["image_detect"]) + 0.5,
                     "right shape `(1, 199, 199, 1)` but different values"),
}


@pytest.mark.parametrize("make, message", CONDENSE_MISTAKES.values(),
                         ids=CONDENSE_MISTAKES.keys())
def test_q1_names_each_mistake(car, make, message):
    outcome = outcome_for(q_1, car, image_condense=make(car))
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q1_mistakes_have_their_own_messages(car):
    # Variants of a mistake above them (another padding or API) may share its message.
    variants = {"window 3 valid", "window 1 slicing", "stride 1 valid"}
    messages = [outcome_for(q_1, car, image_condense=make(car)).message
                for name, (make, _) in CONDENSE_MISTAKES.items() if name not in variants]
    assert len(set(messages)) == len(messages)


def test_q1_pooled_filter_really_differs(car):
    """The image_filter mistake is only detectable because some 2 x 2 blocks are all negative."""
    pooled_filter = tf_pool(car["image_filter"]).numpy()
    assert (pooled_filter < 0).any()


def test_q1_not_attempted_when_missing_or_blank(car, no_last_error):
    assert q_1.evaluate().status is Status.NOT_ATTEMPTED
    assert outcome_for(q_1, car, image_condense=____).status is Status.NOT_ATTEMPTED


@pytest.mark.parametrize("value, message", [
    (np.full((1, 199, 199, 1), np.nan), "NaN or infinite"),
    ("pooled", "should hold real numbers"),
    (None, "should hold real numbers"),
    ([[1, 2], [3]], "could not be read as an array"),
])
def test_q1_bad_values_get_a_clear_message(car, value, message):
    outcome = outcome_for(q_1, car, image_condense=value)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q1_image_detect_of_the_wrong_rank_is_explained(car):
    car["image_detect"] = pooling.detected_car()[2][0]
    outcome = outcome_for(q_1, car, image_condense=tf_pool(pooling.detected_car()[2]))
    assert outcome.status is Status.INCORRECT
    assert "Re-run the set-up cell" in outcome.message


LAST_CELL_ERRORS = {
    "lower-case type": (dict(pooling_type="max"), "in capitals. For maximum pooling"),
    "pooling name": (dict(pooling_type="MAXIMUM"), "in capitals. For maximum pooling"),
    "lower-case padding": (dict(padding="same"), "`padding='SAME'`"),
    "int window": (dict(window_shape=2), "as a pair"),
    "3-number window": (dict(window_shape=(2, 2, 1)), "exactly two numbers"),
    "1-number window": (dict(window_shape=(2,)), "exactly two numbers"),
    "squeezed input": (dict(input=pooling.detected_car()[2][0]), "as a batch of images"),
    "1 x 1 window": (dict(window_shape=(1, 1)), "smaller than the stride"),
}


@pytest.mark.parametrize("change, fix", LAST_CELL_ERRORS.values(), ids=LAST_CELL_ERRORS.keys())
def test_q1_recognises_the_error_from_the_learners_last_cell(car, monkeypatch, change, fix):
    arguments = dict(input=car["image_detect"], window_shape=(2, 2), pooling_type="MAX",
                     strides=(2, 2), padding="SAME") | change
    with pytest.raises(Exception) as raised:
        tf.nn.pool(**arguments)
    monkeypatch.setattr("sys.last_value", raised.value, raising=False)
    monkeypatch.delattr("sys.last_exc", raising=False)
    outcome = q_1.evaluate()
    assert outcome.status is Status.LEARNER_ERROR
    assert "`image_condense` is not defined yet" in outcome.message
    assert fix in outcome.message


def test_q1_starter_error_is_not_blamed_on_the_learner(car, monkeypatch):
    """The shipped starter fails inside TensorFlow; the check still says "not attempted"."""
    with pytest.raises(Exception) as raised:
        tf.nn.pool(input=car["image_detect"], window_shape=____, pooling_type=____,
                   strides=(2, 2), padding="SAME")
    monkeypatch.setattr("sys.last_value", raised.value, raising=False)
    monkeypatch.delattr("sys.last_exc", raising=False)
    assert q_1.evaluate().status is Status.NOT_ATTEMPTED


def test_q1_starter_error_is_recognised_as_a_blank(car):
    # tf.nn.pool calls pooling_type.lower() on the blank: the blank answers with its message.
    with pytest.raises(Exception) as raised:
        tf.nn.pool(input=car["image_detect"], window_shape=____, pooling_type=____,
                   strides=(2, 2), padding="SAME")
    assert caused_by_blank(raised.value)


# ---------------------------------------------------------------- q_2: poolings_needed

@pytest.mark.parametrize("value", [
    3, 3.0, np.int64(3), tf.constant(3), np.array(3),
    next(n for n in range(1, 6) if pooling.shift_vanishes(1, 1, n)),
])
def test_q2_accepts_the_answer_in_any_numeric_form(namespace, value):
    outcome = outcome_for(q_2, namespace, poolings_needed=value)
    assert outcome.status is Status.CORRECT, outcome.message


@pytest.mark.parametrize("value, message", [
    (0, "Without any pooling, the circle shifted by (1, 1) differs"),
    (1, "After 1 pooling the shifted circle's result still differs from the unshifted one "
        "in 15 pixels"),
    (2, "After 2 poolings the shifted circle's result still differs from the unshifted one "
        "in 4 pixels"),
    (4, "has indeed vanished, but it has vanished already after fewer"),
    (5, "has indeed vanished, but it has vanished already after fewer"),
    (2.5, "a number of poolings is a whole number"),
    (-1, "the answer is between 0 and 5"),
    (8, "the answer is between 0 and 5"),
    ([3], "one whole number, not an array or a list"),
    ("3", "should hold real numbers"),
    (None, "should hold real numbers"),
    (float("nan"), "NaN or infinite"),
])
def test_q2_names_each_mistake(namespace, value, message):
    outcome = outcome_for(q_2, namespace, poolings_needed=value)
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q2_not_attempted_when_missing_or_blank(namespace, no_last_error):
    assert q_2.evaluate().status is Status.NOT_ATTEMPTED
    assert outcome_for(q_2, namespace, poolings_needed=____).status is Status.NOT_ATTEMPTED


# The facts q_2, its solution and the widget rest on.

UNIT_SHIFTS = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)]


@pytest.mark.parametrize("dx, dy", UNIT_SHIFTS)
def test_a_one_pixel_shift_in_any_direction_vanishes_after_three_poolings(dx, dy):
    assert pooling.poolings_to_vanish(dx, dy) == 3
    assert not pooling.shift_vanishes(dx, dy, 2)
    assert pooling.shift_vanishes(dx, dy, 3)


@pytest.mark.parametrize("d", range(2, 7))
def test_shifts_of_two_to_six_pixels_vanish_after_four(d):
    for dx, dy in [(d, 0), (0, d), (d, d), (-d, d)]:
        assert pooling.poolings_to_vanish(dx, dy) == 4


@pytest.mark.parametrize("d", [7, 8])
def test_large_diagonal_shifts_do_not_vanish_within_five(d):
    assert pooling.poolings_to_vanish(d, d) is None
    assert pooling.compare_shift(None, d, d, 5).changed > 0


def test_no_shift_needs_no_pooling():
    assert pooling.poolings_to_vanish(0, 0) == 0


def test_once_a_shift_vanishes_it_stays_vanished():
    for dx in range(-8, 9):
        for dy in range(-8, 9):
            vanished = [pooling.shift_vanishes(dx, dy, n) for n in range(1, 6)]
            assert vanished == sorted(vanished), (dx, dy)


def test_q2_answer_does_not_depend_on_how_the_learner_shifts_or_pools():
    """np.roll instead of an edge fill, TensorFlow instead of our NumPy, VALID instead of
    SAME: a learner who writes their own code gets the same 3."""
    picture = pooling.circle()[np.newaxis, :, :, np.newaxis]

    def first_equal(moved, padding):
        a, b = tf.constant(picture), tf.constant(moved)
        for count in range(1, 6):
            a = tf.nn.max_pool2d(a, 2, 2, padding)
            b = tf.nn.max_pool2d(b, 2, 2, padding)
            if np.array_equal(a, b):
                return count
        return None

    for padding in ("SAME", "VALID"):
        for axes_shift in [(1, 1), (-1, -1), (1, -1)]:
            rolled = np.roll(picture, axes_shift, axis=(1, 2))
            assert first_equal(rolled, padding) == ex2.poolings_for_shift() == 3


def test_q2_solution_quotes_the_real_counts():
    solution = q_2.problem.solution
    assert "still differs in 15 pixels" in solution
    assert pooling.compare_shift(None, 1, 1, 1).changed == 15
    assert "after two in 4" in solution
    assert pooling.compare_shift(None, 1, 1, 2).changed == 4


# ---------------------------------------------------------------- q_3: pool2d

# The solution shown to learners is itself one of the correct answers tested; its opening
# lines (reading the arguments) are shared by the other implementations below.
LOOPS = q_3.problem.solution_code
HEAD = "\n" + LOOPS.split("    out_h =", 1)[0]


def shipped_starter(name: str) -> str:
    """The starter code the exercise ships for the answer cell that defines ``name``."""
    source = nbformat.read(str(REPO / "course" / "notebooks" / "ex2_maximum_pooling.ipynb"), 4)
    starters = [cell.metadata["cvcourse"]["starter"] for cell in source.cells
                if f"def {name}(" in cell.metadata.get("cvcourse", {}).get("starter", "")]
    assert len(starters) == 1
    return starters[0]


CORRECT_POOL2D = {
    "loops": LOOPS,
    "sliding windows": HEAD + '''
    windows = np.lib.stride_tricks.sliding_window_view(X, (ph, pw), axis=(0, 1))
    return reduce(windows[::sh, ::sw], axis=(-2, -1))
''',
    "tf.nn.pool": '''
def pool2d(X, pool_size, stride=None, mode='max'):
    window = (pool_size, pool_size) if np.ndim(pool_size) == 0 else tuple(pool_size)
    if stride is None:
        stride = window
    strides = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
    batch = X[None, ..., None] if X.ndim == 2 else X[None]
    Y = tf.nn.pool(batch, window, 'MAX' if mode == 'max' else 'AVG', strides=strides,
                   padding='VALID')[0]
    return Y[..., 0] if X.ndim == 2 else Y
''',
    "float32 result": LOOPS.replace("    return Y\n", "    return Y.astype(np.float32)\n"),
    "extra keyword arguments": LOOPS.replace("mode='max'):", "mode='max', **options):"),
}


def define(namespace, code):
    namespace.update(np=np, tf=tf, ____=____)
    exec(code, namespace)
    return namespace


@pytest.mark.parametrize("code", CORRECT_POOL2D.values(), ids=CORRECT_POOL2D.keys())
def test_q3_accepts_pool2d_written_any_way(namespace, code):
    outcome = define(namespace, code) and q_3.evaluate()
    assert outcome.status is Status.CORRECT, outcome.message


def variant(old, new, code=LOOPS):
    assert old in code
    return code.replace(old, new)


POOL2D_MISTAKES = {
    "returns None": (variant("    return Y\n", ""),
                     "returned `None` for `pool2d(X, 2)` with `X` of shape `(6, 6)`"),
    "mutates X": (variant("    return Y\n", "    X -= X.mean()\n    return Y\n"),
                  "changed the array it was given"),
    "channels mixed": (variant("reduce(window, axis=(0, 1))", "reduce(window)"),
                       "the channels were pooled together"),
    "channels dropped": (variant("Y = np.zeros((out_h, out_w) + X.shape[2:])",
                                 "Y = np.zeros((out_h, out_w))",
                                 variant("reduce(window, axis=(0, 1))", "reduce(window)")),
                         "the channels were pooled together"),
    "mean and max swapped": (variant("np.max if mode == 'max' else np.mean",
                                     "np.mean if mode == 'max' else np.max"),
                             "computed the mean of each window instead of the maximum"),
    "always max": (variant("np.max if mode == 'max' else np.mean", "np.max"),
                   "computed the maximum of each window instead of the mean"),
    "maximum from zero": (variant("Y[i, j] = reduce(window, axis=(0, 1))",
                                  "Y[i, j] = np.maximum(0, reduce(window, axis=(0, 1)))"),
                          "the result is never below 0"),
    "stride 1 by default": (variant("stride = (ph, pw)", "stride = 1"),
                            "the windows moved one pixel at a time"),
    "stride ignored": (variant("sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride",
                               "sh, sw = ph, pw"),
                       "moved by the pool size, not by the stride given"),
    "one window short": (variant("(X.shape[0] - ph) // sh + 1", "(X.shape[0] - ph) // sh"),
                         "the result has shape `(2, 3)`, but VALID pooling gives `(3, 3)`"),
    "partial windows kept": (variant("(X.shape[0] - ph) // sh + 1", "-(-X.shape[0] // sh)",
                                     variant("(X.shape[1] - pw) // sw + 1",
                                             "-(-X.shape[1] // sw)")),
                             "the result has shape `(4, 5)`, but VALID pooling gives `(3, 4)`"),
    "other values": (variant("    return Y\n", "    return Y + 0.5\n"),
                     "`pool2d` differs from `tf.nn.pool` on input shape `(6, 6)`, pool_size "
                     "`2`: `pool2d(X, 2)` has the right shape `(3, 3)` but different values"),
    "other shape": (variant("    return Y\n", "    return Y[..., np.newaxis]\n"),
                    "differs from `tf.nn.pool` on input shape `(6, 6)`, pool_size `2`"),
    "wrong signature": (variant("def pool2d(X, pool_size, stride=None, mode='max'):",
                                "def pool2d(X, size):\n    pool_size, stride, mode = size, "
                                "None, 'max'"),
                        "`pool2d` takes `(X, size)`, but the checker calls it as"),
    "NaN result": (variant("    return Y\n", "    return Y * np.nan\n"),
                   "`pool2d(X, 2)` contains 9 NaN or infinite value(s); every entry should be "
                   "a finite number. The call was `pool2d(X, 2)` with `X` of shape `(6, 6)`."),
    "text result": (variant("    return Y\n", "    return Y.astype(str)\n"),
                    "`pool2d(X, 2)` should hold real numbers, but it holds `<U32` values (it is "
                    "a `ndarray`). The call was `pool2d(X, 2)` with `X` of shape `(6, 6)`."),
}


@pytest.mark.parametrize("code, message", POOL2D_MISTAKES.values(), ids=POOL2D_MISTAKES.keys())
def test_q3_names_each_mistake(namespace, code, message):
    outcome = define(namespace, code) and q_3.evaluate()
    assert outcome.status is Status.INCORRECT
    assert message in outcome.message


def test_q3_reports_an_exception_in_the_learners_function_as_theirs(namespace):
    define(namespace, variant("out_h = (X.shape[0] - ph) // sh + 1",
                              "out_h = (X.shape[0] - ph) // sh + 1\n    assert X.ndim == 2"))
    outcome = q_3.evaluate()
    assert outcome.status is Status.LEARNER_ERROR
    assert "Your `pool2d` raised `AssertionError" in outcome.message
    assert "The call was `pool2d(X, 2, mode='max')`" in outcome.message


def test_q3_a_function_for_square_windows_only_is_told_which_call_failed(namespace):
    define(namespace, variant("(pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size",
                              "pool_size, pool_size"))
    outcome = q_3.evaluate()
    assert outcome.status is Status.LEARNER_ERROR
    assert "The call was `pool2d(X, (2, 3), mode='avg')`" in outcome.message


def test_q3_shipped_starter_is_not_attempted(namespace, no_last_error):
    assert q_3.evaluate().status is Status.NOT_ATTEMPTED
    define(namespace, shipped_starter("pool2d"))
    assert q_3.evaluate().status is Status.NOT_ATTEMPTED
    assert outcome_for(q_3, namespace, pool2d=____).status is Status.NOT_ATTEMPTED


@pytest.mark.parametrize("value", [5, "pool2d", [1, 2]])
def test_q3_something_other_than_a_function_is_explained(namespace, value):
    outcome = outcome_for(q_3, namespace, pool2d=value)
    assert outcome.status is Status.INCORRECT
    assert "should be a function defined with `def pool2d(...)`" in outcome.message


def test_q3_calls_the_learners_function_once_per_case(namespace):
    define(namespace, LOOPS)
    calls = []
    inner = namespace["pool2d"]

    def counted(X, pool_size, stride=None, mode="max"):
        calls.append(X.shape)
        return inner(X, pool_size, stride, mode)

    namespace["pool2d"] = counted
    assert q_3.evaluate().status is Status.CORRECT
    assert len(calls) == len(ex2.CASES)


def test_q3_cases_cover_what_the_mistakes_need():
    shapes = [case.shape for case in ex2.CASES]
    assert any(len(s) == 3 for s in shapes), "channels"
    assert any(s[0] % 2 or s[1] % 2 for s in shapes), "odd sizes"
    assert any(np.ndim(case.pool_size) == 1 and case.pool_size[0] != case.pool_size[1]
               for case in ex2.CASES), "rectangular windows"
    assert {case.is_max for case in ex2.CASES} == {True, False}
    # A maximum that starts from 0 must show, and already in the simplest call.
    assert ex2.CASES[0].is_max and (ex2.CASES[0].expected() < 0).any()


@pytest.mark.parametrize("case", ex2.CASES, ids=lambda case: case.call)
def test_q3_reference_agrees_with_plain_numpy(case):
    x = case.input()
    ph, pw = pool2d_cases.pair(case.pool_size)
    sh, sw = pool2d_cases.pair(case.stride if case.stride is not None else case.pool_size)
    windows = np.lib.stride_tricks.sliding_window_view(x, (ph, pw), axis=(0, 1))[::sh, ::sw]
    reduce = np.max if case.is_max else np.mean
    np.testing.assert_allclose(case.expected(), reduce(windows, axis=(-2, -1)), atol=1e-12)


# ---------------------------------------------------------------- q_4 and the handles

@pytest.mark.parametrize("value", [
    4, 4.0, np.int64(4), np.array(4), tf.constant(4),
    "pooling.compare_shift(None, 1, 1, 5, mode='avg').changed",
    "int(np.sum(pooling.compare_shift(None, 1, 1, 5, mode='avg').difference != 0))",
])
def test_q4_accepts_the_count_however_it_is_found(namespace, value):
    if isinstance(value, str):
        value = eval(value, {"pooling": pooling, "np": np})
    outcome = outcome_for(q_4, namespace, pixels_still_different=value)
    assert outcome.status is Status.CORRECT, outcome.message


@pytest.mark.parametrize("value, mistake, message", [
    (0, "max-pooling-answer",
     "0 is what *maximum* pooling gives: with it, the one-pixel shift vanishes after three "
     "poolings. Use average pooling (`mode='avg'`)."),
    (3, "poolings-not-pixels",
     "That is the number of max *poolings* question 2 asked for. This question asks how many "
     "*pixels* of the average-pooled result still differ after five poolings."),
    (34, "after-one-pooling",
     "That is the count after *one* average pooling. Raise `poolings` to 5."),
    (0.0205, "size-not-count",
     "`pixels_still_different` looks like the *size* of the change (the pooled values differ "
     "by only about 0.02). Count the pixels that differ instead: `.changed`."),
    (2.5, "not-whole", "`pixels_still_different` is not a whole number; a count of pixels is."),
    ([4], "not-one-number",
     "`pixels_still_different` should be one whole number, a count of pixels."),
    (16, "more-than-there-are",
     "After five 2 x 2 poolings the 64 x 64 picture is only 2 x 2: at most 4 pixels can "
     "differ."),
])
def test_q4_names_each_mistake(namespace, value, mistake, message):
    outcome = outcome_for(q_4, namespace, pixels_still_different=value)
    assert (outcome.status, outcome.mistake, outcome.message) == (
        Status.INCORRECT, mistake, message)


def test_q4_an_unnamed_wrong_count_does_not_give_the_answer_away(namespace):
    outcome = outcome_for(q_4, namespace, pixels_still_different=2)
    assert outcome.status is Status.INCORRECT
    assert outcome.mistake == ""


def test_q4_not_attempted_when_missing_or_blank(namespace, no_last_error):
    assert q_4.evaluate().status is Status.NOT_ATTEMPTED
    assert outcome_for(q_4, namespace, pixels_still_different=____).status \
        is Status.NOT_ATTEMPTED


def test_q4_shows_the_written_answer_once_the_count_is_right(namespace, capsys):
    outcome_for(q_4, namespace, pixels_still_different=2)
    q_4.check()
    assert "Maximum pooling asks" not in capsys.readouterr().out
    namespace["pixels_still_different"] = 4
    q_4.check()
    shown = capsys.readouterr().out
    assert "Now compare your written answer with ours" in shown
    assert "Maximum pooling asks whether a feature is *anywhere* in a block" in shown


def test_q4_claim_about_average_pooling_holds():
    result = pooling.compare_shift(None, 1, 1, 5, mode="avg")
    assert result.changed == result.result.size == 4
    assert 0.01 < result.largest < 0.03
    assert pooling.poolings_to_vanish(1, 1, mode="avg") is None


@pytest.mark.parametrize("question", [q_1, q_2, q_3, q_4, q_5, q_6])
def test_every_question_has_hints_and_a_solution(question, capsys):
    assert question.problem.hints and question.problem.solution
    question.hint(1)
    question.solution()
    assert "Solution" in capsys.readouterr().out


# ---------------------------------------------------------------- pooling helpers

@pytest.mark.parametrize("shape", [(8, 8), (7, 9), (5, 4)])
@pytest.mark.parametrize("mode, op", [("max", tf.nn.max_pool2d), ("avg", tf.nn.avg_pool2d)])
def test_pool_2x2_matches_tensorflow_same_padding(shape, mode, op):
    x = np.random.default_rng(0).normal(size=shape)
    expected = op(x[None, :, :, None], 2, 2, "SAME").numpy()[0, :, :, 0]
    np.testing.assert_allclose(pooling.pool_2x2(x, mode), expected, atol=1e-12)


def test_shift_moves_right_and_down_and_repeats_the_border():
    picture = np.arange(12.0).reshape(3, 4)
    moved = pooling.shift(picture, 1, 1)
    np.testing.assert_array_equal(moved[1:, 1:], picture[:-1, :-1])
    np.testing.assert_array_equal(moved[0, 1:], picture[0, :-1])
    np.testing.assert_array_equal(pooling.shift(picture, -1, 0)[:, :-1], picture[:, 1:])


def test_as_picture_reads_names_batches_and_defaults():
    assert pooling.as_picture("car").shape == (400, 400)
    assert pooling.as_picture(pooling.detected_car()[2]).shape == (398, 398)
    np.testing.assert_array_equal(pooling.as_picture(None), pooling.circle())
    with pytest.raises(ValueError, match="grayscale"):
        pooling.as_picture(np.zeros((4, 4, 3)))


def test_invariance_table_is_deterministic_text():
    table = pooling.invariance_table()
    assert table == pooling.invariance_table()
    assert "(8, 8) |  116   36   10    3    1" in table
    assert "(2, 2) |   30    9    5    0    0" in table


# ---------------------------------------------------------------- q_5: sizes and parameters

RIGHT_SIZES = {"conv_side": 199, "pooled_side": 199, "conv_parameters": 224}


def _keras_parameters():
    layer = keras.layers.Conv2D(8, 3)
    layer.build((None, 400, 400, 3))
    return layer.count_params()


CORRECT_SIZES = {
    "formulas": "conv_side = (400 - 3) // 2 + 1\nimport math\npooled_side = math.ceil(398 / 2)\n"
                "conv_parameters = (3 * 3 * 3 + 1) * 8",
    "typed numbers": "conv_side, pooled_side, conv_parameters = 199, 199, 224",
    "floats and numpy": "conv_side = np.floor((400 - 3) / 2) + 1\npooled_side = np.ceil(398 / 2)\n"
                        "conv_parameters = np.int64(3 * 3 * 3 * 8 + 8)",
    "built by TensorFlow": "conv_side = tf.nn.conv2d(tf.zeros([1, 400, 400, 1]), "
                           "tf.zeros([3, 3, 1, 1]), 2, 'VALID').shape[1]\n"
                           "pooled_side = tf.nn.max_pool2d(tf.zeros([1, 398, 398, 1]), 3, 2, "
                           "'SAME').shape[1]\nconv_parameters = _keras_parameters()",
    "as tensors": "conv_side = tf.constant(199)\npooled_side = tf.constant(199.0)\n"
                  "conv_parameters = tf.constant(224)",
}


@pytest.mark.parametrize("code", CORRECT_SIZES.values(), ids=CORRECT_SIZES.keys())
def test_q5_accepts_the_counts_however_they_are_computed(namespace, code):
    exec(code, {"np": np, "tf": tf, "_keras_parameters": _keras_parameters}, namespace)
    outcome = q_5.evaluate()
    assert outcome.status is Status.CORRECT, outcome.message


@pytest.mark.parametrize("changes, mistake, message", [
    ({"conv_side": 200}, "same-rule-for-valid",
     "`conv_side` is 200, ceil(400 / 2): that is the rule for 'SAME' padding. With 'VALID', "
     "only windows that fit whole count: (n - k) // s + 1."),
    ({"conv_side": 198}, "valid-off-by-one",
     "`conv_side` is off by one. The first window sits at position 0, and each stride adds "
     "one more that still ends inside: (n - k) // s + 1."),
    ({"conv_side": 200.0, "pooled_side": 198}, "same-rule-for-valid", None),
    ({"conv_side": 398}, "stride-ignored",
     "`conv_side` is 398, the size with stride 1. The window moves 2 pixels at a time: divide "
     "by the stride."),
    ({"conv_side": 199.5}, "not-rounded",
     "`conv_side` is not a whole number. A side is a number of windows: 'VALID' rounds "
     "(n - k) / s *down* before adding the first window, 'SAME' rounds n / s *up*; a "
     "parameter count is whole too."),
    ({"pooled_side": 198}, "valid-rule-for-same",
     "`pooled_side` is 198, the 'VALID' count. With 'SAME' padding the last windows hang over "
     "the border and still count: ceil(n / s), whatever the window size."),
    ({"pooled_side": 200}, "same-off-by-one",
     "`pooled_side` is off by one. 'SAME' gives exactly ceil(n / s) windows: ceil(398 / 2)."),
    ({"pooled_side": 398}, "pool-stride-ignored",
     "`pooled_side` is 398, the size with stride 1. With stride 2 'SAME' keeps one window per "
     "stride: ceil(n / s)."),
    ({"pooled_side": 197.5}, "not-rounded", None),
    ({"conv_parameters": 216}, "no-bias",
     "`conv_parameters` counts the weights but not the biases. Each of the 8 kernels has one "
     "bias, and Keras counts it as a parameter."),
    ({"conv_parameters": 80}, "channels-ignored",
     "`conv_parameters` treats the input as one channel. A kernel spans every input channel: "
     "on an RGB image each of the 8 kernels is 3 x 3 x 3."),
    ({"conv_parameters": 72}, "channels-ignored", None),
    ({"conv_parameters": 217}, "one-bias",
     "`conv_parameters` has one bias for the whole layer. There is one per kernel, that is one "
     "per output channel: 8."),
    ({"conv_parameters": 28}, "one-kernel",
     "`conv_parameters` counts one kernel. `Conv2D(8, 3)` learns 8 kernels, one per output "
     "channel, each with its own weights and bias."),
    ({"conv_side": [199]}, "not-one-number",
     "`conv_side` should be a single whole number (a size or a count), not an array or a "
     "list."),
    ({"conv_side": 150}, "conv-side-other",
     "`conv_side` is not the output side of that convolution. Use the 'VALID' rule, "
     "(n - k) // s + 1, with n = 400, k = 3 and s = 2."),
    ({"pooled_side": 100}, "pooled-side-other",
     "`pooled_side` is not the output side of that pooling. Use the 'SAME' rule, ceil(n / s), "
     "with n = 398 and s = 2."),
    ({"conv_parameters": 300}, "parameters-other",
     "`conv_parameters` is not the layer's count. Each of the 8 kernels has 3 x 3 weights for "
     "each of the 3 input channels, and one bias."),
])
def test_q5_names_each_mistake(namespace, changes, mistake, message):
    outcome = outcome_for(q_5, namespace, **{**RIGHT_SIZES, **changes})
    assert (outcome.status, outcome.mistake) == (Status.INCORRECT, mistake)
    if message is not None:
        assert outcome.message == message
    assert "224" not in outcome.message and "199" not in outcome.message


def test_q5_not_attempted_when_missing_or_blank(namespace, no_last_error):
    assert q_5.evaluate().status is Status.NOT_ATTEMPTED
    outcome = outcome_for(q_5, namespace, conv_side=199, pooled_side=____, conv_parameters=224)
    assert outcome.status is Status.NOT_ATTEMPTED


def test_q5_a_string_is_explained(namespace):
    outcome = outcome_for(q_5, namespace, **{**RIGHT_SIZES, "conv_parameters": "224"})
    assert (outcome.status, outcome.message) == (
        Status.INCORRECT,
        "`conv_parameters` should hold real numbers, but it holds `<U3` values (it is a `str`).")


# ---------------------------------------------------------------- q_6: pool2d with padding

PADDED = q_6.problem.solution_code
PADDED_HEAD = PADDED.split("    reduce = np.nanmax", 1)[0]

CORRECT_POOL2D_PADDED = {
    "NaN padding, loops": PADDED,
    # Pads nothing for 'valid'; for 'same', counts the real pixels of each window by hand.
    "explicit counts": '''
def pool2d_padded(X, pool_size, stride=None, mode='max', padding='valid'):
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    sh, sw = (ph, pw) if stride is None else ((stride, stride) if np.ndim(stride) == 0 else stride)
    H, W = X.shape[:2]
    if padding == 'same':
        out_h, out_w = int(np.ceil(H / sh)), int(np.ceil(W / sw))
        top = max((out_h - 1) * sh + ph - H, 0) // 2
        left = max((out_w - 1) * sw + pw - W, 0) // 2
    else:
        out_h, out_w, top, left = (H - ph) // sh + 1, (W - pw) // sw + 1, 0, 0
    Y = np.zeros((out_h, out_w) + X.shape[2:])
    for i in range(out_h):
        for j in range(out_w):
            r0, c0 = i * sh - top, j * sw - left
            window = X[max(r0, 0):r0 + ph, max(c0, 0):c0 + pw]
            Y[i, j] = window.max(axis=(0, 1)) if mode == 'max' else window.mean(axis=(0, 1))
    return Y
''',
    "tf.nn.pool": '''
def pool2d_padded(X, pool_size, stride=None, mode='max', padding='valid'):
    window = (pool_size, pool_size) if np.ndim(pool_size) == 0 else tuple(pool_size)
    strides = window if stride is None else (
        (stride, stride) if np.ndim(stride) == 0 else tuple(stride))
    batch = X[None, ..., None] if X.ndim == 2 else X[None]
    Y = tf.nn.pool(batch, window, mode.upper(), strides=strides, padding=padding.upper())[0]
    return Y[..., 0] if X.ndim == 2 else Y
''',
    # -inf padding for the maximum; for the average, a sum divided by a padded count of ones.
    "minus infinity and a count": PADDED_HEAD.replace(
        "X = np.pad(X, pads + [(0, 0)] * (X.ndim - 2), constant_values=np.nan)",
        "ones = np.pad(np.ones_like(X), pads + [(0, 0)] * (X.ndim - 2))\n"
        "        X = np.pad(X, pads + [(0, 0)] * (X.ndim - 2),\n"
        "                   constant_values=-np.inf if mode == 'max' else 0)\n"
        "    else:\n"
        "        ones = np.ones_like(X)") + '''
    windows = np.lib.stride_tricks.sliding_window_view(X, (ph, pw), axis=(0, 1))[::sh, ::sw]
    if mode == 'max':
        return windows.max(axis=(-2, -1))
    counts = np.lib.stride_tricks.sliding_window_view(ones, (ph, pw), axis=(0, 1))[::sh, ::sw]
    return windows.sum(axis=(-2, -1)) / counts.sum(axis=(-2, -1))
''',
    "upper-case padding accepted too": PADDED.replace("if padding == 'same':",
                                                      "if padding.lower() == 'same':"),
}


@pytest.mark.parametrize("code", CORRECT_POOL2D_PADDED.values(),
                         ids=CORRECT_POOL2D_PADDED.keys())
def test_q6_accepts_padding_written_any_way(namespace, code):
    outcome = define(namespace, code) and q_6.evaluate()
    assert outcome.status is Status.CORRECT, outcome.message


IGNORED = ("For `pool2d_padded(X, 2, padding='same')` with `X` of shape `(5, 5)`, the result is "
           "what 'valid' pooling gives: no window hangs over the border. 'same' keeps "
           "`ceil(H / sh)` windows along the height (and likewise the width), padding where "
           "they hang over. (The checker writes `padding='same'` in lower case, as Keras does; "
           "`padding.lower() == 'same'` accepts both spellings.)")

POOL2D_PADDED_MISTAKES = {
    "padding ignored": (
        PADDED.replace("if padding == 'same':", "if False:"), "padding-ignored",
        IGNORED),
    "upper case only": (
        PADDED.replace("if padding == 'same':", "if padding == 'SAME':"), "padding-ignored",
        IGNORED),
    "zeros win the maximum": (
        PADDED.replace("constant_values=np.nan", "constant_values=0"), "padded-with-zeros",
        "For `pool2d_padded(X, 2, padding='same')` with `X` of shape `(5, 5)`, the padding "
        "took part: padded zeros won the maximum of windows whose own values are all "
        "negative. Padded positions are not part of the picture: pad with `np.nan` and "
        "reduce with `np.nanmax` or `np.nanmean`."),
    "zeros counted in the average": (
        PADDED.replace("constant_values=np.nan",
                       "constant_values=np.nan if mode == 'max' else 0"), "padded-with-zeros",
        "For `pool2d_padded(X, 3, stride=1, mode='avg', padding='same')` with `X` of shape "
        "`(6, 7)`, the padding took part: padded zeros were counted in the averages at the "
        "border. Padded positions are not part of the picture: pad with `np.nan` and reduce "
        "with `np.nanmax` or `np.nanmean`."),
    "extra padding first": (
        PADDED.replace("pads.append((pad // 2, pad - pad // 2))",
                       "pads.append((pad - pad // 2, pad // 2))"), "extra-padding-first",
        "For `pool2d_padded(X, 2, padding='same')` with `X` of shape `(5, 5)`, the odd extra "
        "row or column of padding went before the picture. TensorFlow and Keras put "
        "`pad // 2` before and the rest, the larger half, after it."),
    # On 5 rows, rounding down leaves nothing to pad: the result is 'valid' pooling.
    "floor instead of ceil": (
        PADDED.replace("out = -(-n // s)", "out = n // s"), "padding-ignored", IGNORED),
    "one window too many": (
        PADDED.replace("out = -(-n // s)", "out = n // s + 1"), "same-size-wrong",
        "For `pool2d_padded(X, 3, stride=2, padding='same')` with `X` of shape `(7, 6)`, the "
        "result has shape `(4, 4)`, but `(4, 3)` is right. With 'same' there are "
        "`ceil(H / sh)` windows along the height, whatever the window size; likewise along "
        "the width."),
    "maximum from zero": (
        PADDED.replace("reduce(X[i * sh:i * sh + ph, j * sw:j * sw + pw], axis=(0, 1))",
                       "np.maximum(0, reduce(X[i * sh:i * sh + ph, j * sw:j * sw + pw], "
                       "axis=(0, 1)))"), "max-from-zero",
        "For `pool2d_padded(X, 2, padding='same')` with `X` of shape `(5, 5)`, the result is "
        "never below 0"),
    "default padding 'same'": (
        PADDED.replace("padding='valid'):", "padding='same'):"), "default-padding-same",
        "For `pool2d_padded(X, 2)` with `X` of shape `(6, 5)`, with no `padding` given, the "
        "result is 'same' pooling. The default is `padding='valid'`, as for Keras's pooling "
        "layers and your `pool2d`."),
    "other values": (
        PADDED.replace("    return Y\n", "    return Y + 0.5\n"), "other-difference",
        "`pool2d_padded` differs from `tf.nn.pool` on input shape `(5, 5)`, pool_size `2`: "
        "`pool2d_padded(X, 2, padding='same')` has the right shape `(3, 3)` but different "
        "values"),
    "old signature": (
        PADDED.replace("mode='max', padding='valid'):", "mode='max'):\n    padding = 'same'"),
        "wrong-signature",
        "`pool2d_padded` takes `(X, pool_size, stride=None, mode='max')`, but the checker "
        "calls it as `pool2d_padded(X, pool_size, stride=..., mode=..., padding=...)`. Define "
        "it as `def pool2d_padded(X, pool_size, stride=None, mode='max', padding='valid'):`."),
    "returns None": (PADDED.replace("    return Y\n", ""), "returns-none",
                     "`pool2d_padded` returned `None` for `pool2d_padded(X, 2, padding='same')` "
                     "with `X` of shape `(5, 5)`. Did you forget the `return`"),
    "pads X in place": (PADDED.replace("    return Y\n", "    X[...] = 0\n    return Y\n")
                        .replace("X = np.asarray(X, dtype=float)", "X = np.asarray(X)"),
                        "mutates-input", "`pool2d_padded` changed the array it was given"),
    "channels mixed": (PADDED.replace("axis=(0, 1))", ")"), "mixes-channels",
                       "the channels were pooled together"),
    "mean and max swapped": (PADDED.replace("np.nanmax if mode == 'max' else np.nanmean",
                                            "np.nanmean if mode == 'max' else np.nanmax"),
                             "swaps-modes", "`pool2d_padded` computed the mean of each window "
                             "instead of the maximum"),
    "stride 1 by default": (PADDED.replace("stride = (ph, pw)", "stride = 1"),
                            "default-stride-one", "the windows moved one pixel at a time"),
    "stride ignored": (PADDED.replace(
        "sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride", "sh, sw = ph, pw"),
        "ignores-stride", "moved by the pool size, not by the stride given"),
    "NaN padding, but np.max": (
        PADDED.replace("np.nanmax if mode == 'max' else np.nanmean",
                       "np.max if mode == 'max' else np.mean"), "",
        "`pool2d_padded(X, 2, padding='same')` contains 5 NaN or infinite value(s)"),
}


@pytest.mark.parametrize("code, mistake, message", POOL2D_PADDED_MISTAKES.values(),
                         ids=POOL2D_PADDED_MISTAKES.keys())
def test_q6_names_each_mistake(namespace, code, mistake, message):
    outcome = define(namespace, code) and q_6.evaluate()
    assert (outcome.status, outcome.mistake) == (Status.INCORRECT, mistake), outcome.message
    assert message in outcome.message


def test_q6_shipped_starter_is_not_attempted(namespace, no_last_error):
    assert q_6.evaluate().status is Status.NOT_ATTEMPTED
    define(namespace, shipped_starter("pool2d_padded"))
    assert q_6.evaluate().status is Status.NOT_ATTEMPTED


def test_q6_cases_cover_what_the_mistakes_need():
    same = [case for case in ex2.PADDED_CASES if case.is_same]
    # An odd total padding, so the side of the extra row shows; a window with only
    # negative numbers next to padding, so zeros in the padding show in a maximum.
    assert any(sum(pool2d_cases.same_padding(
        case.shape[0], pool2d_cases.pair(case.pool_size)[0],
        pool2d_cases.pair(case.stride or case.pool_size)[0])) % 2 for case in same)
    assert any(case.is_max and (case.expected() < 0).any() for case in same)
    # Zeros in the padding and a maximum started from 0 must give different results.
    assert any(case.is_max and not pool2d_cases.close(case.padded_wrongly(fill=0.0),
                                                      np.maximum(case.expected(), 0))
               for case in same)
    assert {case.is_max for case in same} == {True, False}
    assert any(len(case.shape) == 3 for case in same)
    assert {case.padding for case in ex2.PADDED_CASES} == {"same", "valid", None}
    # Each padding mistake really changes some case's result.
    for test in (pool2d_cases.padding_ignored, pool2d_cases.extra_padding_first):
        assert any(not pool2d_cases.close(
            case.padded_wrongly(extra_first=True) if test is pool2d_cases.extra_padding_first
            else case.expected(padding="valid"), case.expected()) for case in same)


RANDOM_POOLINGS = [  # (shape, window, stride): odd and even sides, windows above the stride
    ((5, 5), (2, 2), (2, 2)), ((7, 6), (3, 3), (2, 2)), ((6, 7, 2), (3, 2), (1, 2)),
    ((9, 4), (4, 3), (3, 1)), ((3, 8), (3, 5), (2, 3)), ((2, 6), (2, 2), (1, 1)),
]


@pytest.mark.parametrize("shape, window, stride", RANDOM_POOLINGS)
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_numpy_pooling_with_nan_padding_is_tensorflows(shape, window, stride, mode, padding):
    """The rule the question teaches, checked against tf.nn.pool: padded positions never win
    a maximum nor count in an average, and the odd extra padding goes after the picture."""
    x = np.random.default_rng(sum(shape)).normal(loc=-0.5, size=shape)
    batch = x[None, ..., None] if x.ndim == 2 else x[None]
    expected = tf.nn.pool(batch, window, mode.upper(), strides=stride,
                          padding=padding.upper()).numpy()[0]
    expected = expected[..., 0] if x.ndim == 2 else expected
    np.testing.assert_allclose(pool2d_cases.pool_numpy(x, window, stride, mode, padding),
                               expected, atol=1e-12)
