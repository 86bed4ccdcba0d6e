"""Exercise 2: maximum pooling, the condense step of feature extraction.

Learner variables: ``image_condense`` (q_1, computed from the learner's own
``image_detect``), ``poolings_needed`` (q_2, about the circle of
:mod:`~learntools_lite.computer_vision.pooling`), the function ``pool2d`` (q_3, compared
with ``tf.nn.pool``), ``pixels_still_different`` (q_4, which also has a written part) and
``conv_side``, ``pooled_side``, ``conv_parameters`` (q_5: output sizes and a parameter count,
predicted) and the function ``pool2d_padded`` (q_6: q_3's pooling with 'same' or 'valid'
padding, compared with ``tf.nn.pool``).

The set-up the notebook runs is :func:`pooling.detected_car`: the shipped car, embossed by a
VALID convolution and passed through ReLU, shape [1, 398, 398, 1].
"""

from functools import lru_cache

import numpy as np
import tensorflow as tf

from ..core import CodingProblem, Mistake, Question, Tolerance, ____
from ..core.capture import Call
from ..core.i18n import N_, S_, _, sentences
from ..core.outcome import incorrect
from ..core.problem import error_says
from ..core.trials import function_calls
from ..core.values import Verdict, informative
from ..core.whole_numbers import whole_number_mistakes
from . import pool2d_cases as cases_
from . import pooling
from .pool2d_cases import PoolCase, close
from .pool2d_mistakes import function_mistakes, on_first_trial, other_difference

__all__ = ["q_1", "q_2", "q_3", "q_4", "q_5", "q_6", "____"]


# --- Question 1: condense with max pooling --------------------------------------------------

def pool(x: np.ndarray, window: int, stride: int, padding: str = "SAME",
         kind: str = "MAX") -> np.ndarray:
    """TensorFlow's 2-D pooling of a [1, H, W, C] array, in float64.

    ``tf.nn.max_pool2d`` rather than ``tf.nn.pool``, because only it accepts a window
    smaller than the stride (needed to recognise a 1 x 1 window).
    """
    op = tf.nn.max_pool2d if kind == "MAX" else tf.nn.avg_pool2d
    return op(tf.constant(x, tf.float64), window, stride, padding).numpy()


SETUP_AGAIN = N_("Re-run the set-up cell to get it back.")


def condense(image_detect: np.ndarray) -> np.ndarray:
    """The expected ``image_condense``: 2 x 2 max pooling, stride 2, SAME padding."""
    if image_detect.ndim != 4:
        raise Verdict(incorrect(sentences(
            _("`image_detect` should be a batch of images of shape `[1, height, width, 1]`, "
              "but its shape is `{shape}`.").format(shape=image_detect.shape),
            _(SETUP_AGAIN))))
    informative(image_detect, "image_detect", _(SETUP_AGAIN))
    return pool(image_detect, 2, 2)


def _pooled_like(answer, x, window, stride, kind="MAX") -> bool:
    """True if ``answer`` is ``x`` pooled this way, with SAME or with VALID padding."""
    if x.ndim != 4:  # a learner's own image of another rank: nothing to compare with
        return False
    # Compare shapes before pooling: most wrong answers are ruled out without any work.
    return any(answer.shape == _pooled_shape(x.shape, window, stride, padding)
               and close(answer, pool(x, window, stride, padding, kind))
               for padding in ("SAME", "VALID"))


def _pooled_shape(shape, window: int, stride: int, padding: str) -> tuple[int, ...]:
    """The shape TensorFlow's pooling gives a [N, H, W, C] input."""
    reach = 1 if padding == "SAME" else window
    return (shape[0], *(-(-(side - reach + 1) // stride) for side in shape[1:3]), shape[3])


CONDENSE = CodingProblem(
    variables=("image_condense",),
    inputs=("image_detect", "image_filter", "image"),
    expected=lambda image_detect: condense(image_detect),
    hints=(
        N_("Maximum pooling looks at each 2 x 2 block of `image_detect` and keeps its largest "
           "value. In `tf.nn.pool`, `window_shape` is the size of the block, as a pair "
           "(height, width)."),
        N_("`pooling_type` is a string in capitals: `'MAX'` for maximum pooling "
           "(`'AVG'` would average instead)."),
    ),
    solution=S_("""```python
image_condense = tf.nn.pool(
    input=image_detect,
    window_shape=(2, 2),
    pooling_type='MAX',
    strides=(2, 2),
    padding='SAME',
)
```
`tf.nn.max_pool2d(image_detect, ksize=2, strides=2, padding='SAME')` and the Keras layer
`keras.layers.MaxPool2D(pool_size=2, padding='same')(image_detect)` give the same result.
With `padding='VALID'` it is the same too, because 398 is even: no block runs past the edge."""),
    mistakes=(
        Mistake("pooled-filter",
                lambda answer, image_filter: _pooled_like(answer, image_filter, 2, 2),
                N_("`image_condense` has negative values: it is the pooled `image_filter`. "
                   "Pool the detected image `image_detect` (after ReLU), which has none.")),
        Mistake("pooled-image", lambda answer, image: _pooled_like(answer, image, 2, 2),
                N_("`image_condense` is the pooled `image`, the original picture. Pool "
                   "`image_detect`, the picture after the filter and detect steps.")),
        Mistake("average-pooling",
                lambda answer, image_detect: _pooled_like(answer, image_detect, 2, 2, "AVG"),
                N_("`image_condense` holds the *average* of each 2 x 2 block, not its maximum. "
                   "Use `pooling_type='MAX'`.")),
        Mistake("window-3x3", lambda answer, image_detect: _pooled_like(answer, image_detect, 3, 2),
                N_("`image_condense` takes the maximum over 3 x 3 blocks. The question asks for "
                   "a 2 x 2 window: `window_shape=(2, 2)`.")),
        Mistake("window-1x1", lambda answer, image_detect: _pooled_like(answer, image_detect, 1, 2),
                N_("`image_condense` is every second pixel of `image_detect`: with a 1 x 1 "
                   "window each 'block' is a single pixel, so the stride just skips pixels and "
                   "nothing is pooled. Use `window_shape=(2, 2)`.")),
        Mistake("stride-1", lambda answer, image_detect: _pooled_like(answer, image_detect, 2, 1),
                lambda answer: _("`image_condense` has shape `{shape}`, nearly the size "
                                 "of `image_detect`: the 2 x 2 window moved one pixel at a time "
                                 "(stride 1). Use `strides=(2, 2)` so the blocks do not overlap "
                                 "and the image is condensed to half its size.").format(
                                     shape=answer.shape)),
        Mistake("squeezed",
                lambda answer, expected: close(answer, expected["image_condense"][0, :, :, 0]),
                lambda expected: _("`image_condense` has the right values but shape "
                                   "`{shape}`: the batch and channel axes were squeezed away. "
                                   "Keep the shape `{expected}` that `tf.nn.pool` "
                                   "returns.").format(
                                       shape=expected["image_condense"].shape[1:3],
                                       expected=expected["image_condense"].shape)),
        Mistake("transposed",
                lambda answer, expected: close(answer,
                                               expected["image_condense"].transpose(0, 2, 1, 3)),
                N_("`image_condense` is transposed: its rows are the columns of the expected "
                   "result. Pool `image_detect` as it is, without swapping its axes.")),
        Mistake("channels-first",
                lambda answer, expected: close(answer,
                                               expected["image_condense"].transpose(0, 3, 1, 2)),
                lambda answer: _("`image_condense` has the right values but shape "
                                 "`{shape}`, with channels first. TensorFlow keeps channels "
                                 "last: `[batch, height, width, channels]`; do not transpose "
                                 "the result.").format(shape=answer.shape)),
        Mistake("reshaped", lambda answer, expected: answer.shape != expected["image_condense"]
                .shape and answer.size == expected["image_condense"].size,
                lambda answer, expected: _("`image_condense` holds the right number of values "
                                           "but has shape `{shape}` instead of `{expected}`. "
                                           "Do not reshape the result of the pooling.").format(
                                               shape=answer.shape,
                                               expected=expected["image_condense"].shape)),
    ),
    errors=(
        Mistake("pooling-type-spelling", error_says("pooling is not supported"),
                N_("`pooling_type` must be `'MAX'` or `'AVG'`, in capitals. For maximum "
                   "pooling write `pooling_type='MAX'`.")),
        Mistake("padding-lower-case", error_says("attr 'padding'"),
                N_("`padding` must be written in capitals: `padding='SAME'`.")),
        Mistake("window-not-pair", error_says("has no len()"),
                N_("`tf.nn.pool` wants `window_shape` as a pair, one size for the height and "
                   "one for the width: `window_shape=(2, 2)`.")),
        Mistake("input-not-4d", error_says("must have rank 4"),
                N_("`tf.nn.pool` wants `input` as a batch of images, "
                   "`[batch, height, width, channels]`. Pass `image_detect` as it is, without "
                   "indexing or squeezing it.")),
        Mistake("window-wrong-length", error_says("must have rank"),
                N_("`window_shape` needs exactly two numbers, (height, width), as `tf.nn.pool` "
                   "counts them to decide how many axes to pool: `window_shape=(2, 2)`.")),
        Mistake("window-below-stride", error_says("`strides` > `window_shape`"),
                N_("the window is smaller than the stride, so some pixels would never be looked "
                   "at (with a 1 x 1 window nothing is pooled at all). Use "
                   "`window_shape=(2, 2)` with `strides=(2, 2)`.")),
    ),
)


# --- Question 2: how many poolings hide a small shift ---------------------------------------

SHIFT = (1, 1)


@lru_cache(maxsize=1)
def poolings_for_shift() -> int:
    """The answer to question 2, from the same helper the widget uses."""
    return pooling.poolings_to_vanish(*SHIFT)


def _changed_after(count) -> int:
    return pooling.compare_shift(None, *SHIFT, int(count)).changed


def _plural(count: int, one: str, many: str) -> str:
    """``count`` with its word: ``one`` or ``many``, N_()-marked templates of ``{count}``."""
    return _(one if count == 1 else many).format(count=count)


def _poolings(count: int) -> str:
    return _plural(count, N_("{count} pooling"), N_("{count} poolings"))


def _pixels(count: int) -> str:
    return _plural(count, N_("{count} pixel"), N_("{count} pixels"))


INVARIANCE = CodingProblem(
    variables=("poolings_needed",),
    expected=poolings_for_shift,
    tolerance=Tolerance(atol=1e-9, rtol=0),
    hints=(
        N_("In the widget, set `dx` and `dy` to 1, then raise `poolings` from 1 and watch the "
           "readout: it says when the pooled circle is identical to the unshifted one."),
        N_("Without the widget: `pooling.shift_vanishes(1, 1, n)` is `True` when the shift "
           "has vanished after `n` poolings. Try `n` = 1, 2, 3, ..."),
    ),
    solution=S_("""```python
poolings_needed = 3
# or, computed:
poolings_needed = next(n for n in range(1, 6) if pooling.shift_vanishes(1, 1, n))
```
After one pooling the shifted circle still differs in 15 pixels, after two in 4, and after
three (8 x 8 blocks) in none. Each pooling replaces a block by its maximum, so a shift stays
hidden as long as every edge of the circle stays inside the blocks it was in: the bigger the
blocks, the larger the shift they can absorb. Here shifts of 2 to 6 pixels need 4 poolings,
and a shift of 8 pixels along both axes still shows after 5.

This invariance is approximate: whether a shift vanishes depends on where the edges lie
relative to the block grid, so a shift that pushes an edge across a block border shows up
even after many poolings. A network stacks pooling with many learned layers, and it is the
combination that makes its features tolerant of small shifts."""),
    mistakes=(
        Mistake("not-one-number", lambda answer: answer.ndim != 0,
                lambda answer: _("`poolings_needed` should be one whole number, not an array "
                                 "or a list (it has shape `{shape}`).").format(
                                     shape=answer.shape)),
        Mistake("not-whole", lambda answer: answer != np.round(answer),
                lambda answer: _("`poolings_needed` is `{value}`, but a number of "
                                 "poolings is a whole number.").format(
                                     value=f"{float(answer):g}")),
        Mistake("out-of-range", lambda answer: not 0 <= answer <= pooling.MOST_POOLINGS,
                lambda answer: _("`poolings_needed` is `{value}`; the answer is "
                                 "between 0 and {most} (the widget's `poolings` range).").format(
                                     value=f"{float(answer):g}", most=pooling.MOST_POOLINGS)),
        Mistake("zero-poolings", lambda answer: answer == 0,
                lambda: _("Without any pooling, the circle shifted by {shift} differs from "
                          "the unshifted one in {changed} pixels: a shift always changes the "
                          "picture itself. How many poolings does it take to hide it?").format(
                              shift=SHIFT, changed=pooling.compare_shift(None, *SHIFT, 0).changed)),
        Mistake("too-few", lambda answer, expected: answer < expected["poolings_needed"],
                lambda answer: _("After {poolings} the shifted circle's result still differs "
                                 "from the unshifted one in {pixels}. Try more poolings.").format(
                                     poolings=_poolings(int(answer)),
                                     pixels=_pixels(_changed_after(answer)))),
        Mistake("too-many", lambda answer, expected: answer > expected["poolings_needed"],
                lambda answer: _("After {poolings} the shift has indeed vanished, but it has "
                                 "vanished already after fewer. Find the smallest "
                                 "number.").format(poolings=_poolings(int(answer)))),
    ),
)


# --- Question 3: pooling from scratch -------------------------------------------------------

CASES = (
    PoolCase("pool2d", (6, 6), 2),  # the simplest call: default stride and mode
    PoolCase("pool2d", (7, 9), 2, seed=1),  # odd sides: the last row and column fit no window
    PoolCase("pool2d", (8, 10), 3, stride=2, seed=2),  # overlapping windows: counting is subtle
    PoolCase("pool2d", (9, 8), (2, 3), mode="avg", seed=3),  # a rectangular window, averaged
    PoolCase("pool2d", (7, 8, 3), 2, mode="max", seed=4),  # channels, each pooled on its own
    PoolCase("pool2d", (10, 9, 2), (3, 2), stride=(2, 1), mode="avg", seed=5),  # all at once
)


POOL2D = CodingProblem(
    variables=("pool2d",),
    read=function_calls(CASES, probe=Call("pool2d(X, 2, stride=None, mode='max')",
                                          (np.zeros((2, 2)), 2),
                                          {"stride": None, "mode": "max"})),
    hints=(
        N_("With VALID padding a window must fit entirely inside `X`. Along the height, windows "
           "start at rows 0, sh, 2*sh, ... and the last one must end by row H, so there are "
           "`(H - ph) // sh + 1` of them. The same goes for the width."),
        N_("Loop over the output positions `i`, `j`; the window is "
           "`X[i*sh : i*sh + ph, j*sw : j*sw + pw]`. Reduce it over its first two axes only, "
           "`window.max(axis=(0, 1))` or `window.mean(axis=(0, 1))`, so that each channel is "
           "pooled on its own."),
        N_("Write the results into a new array, e.g. `np.zeros((out_h, out_w) + X.shape[2:])`, "
           "and do not change `X` itself. Finish with `return`."),
    ),
    solution=S_("""```python
def pool2d(X, pool_size, stride=None, mode='max'):
    X = np.asarray(X)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if stride is None:
        stride = (ph, pw)
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    reduce = np.max if mode == 'max' else np.mean
    out_h = (X.shape[0] - ph) // sh + 1
    out_w = (X.shape[1] - pw) // sw + 1
    Y = np.zeros((out_h, out_w) + X.shape[2:])
    for i in range(out_h):
        for j in range(out_w):
            window = X[i * sh:i * sh + ph, j * sw:j * sw + pw]
            Y[i, j] = reduce(window, axis=(0, 1))
    return Y
```
Without the loops, NumPy can cut out every window at once:
`np.lib.stride_tricks.sliding_window_view(X, (ph, pw), axis=(0, 1))[::sh, ::sw]` has shape
`(out_h, out_w, ..., ph, pw)`; reduce it over its last two axes."""),
    mistakes=(
        *function_mistakes(CASES, "pool2d(X, pool_size, stride=..., mode=...)",
                           "def pool2d(X, pool_size, stride=None, mode='max'):"),
        on_first_trial("size-off-by-one", CASES, cases_.size_off_by_one, lambda t:
                    _("For {where}, the result has shape `{shape}`, but VALID pooling gives "
                      "`{expected}`. Only windows that fit entirely inside `X` count: along "
                      "the height there are `(H - ph) // sh + 1` of them, and likewise along "
                      "the width.").format(where=t.case.where, shape=t.result.shape,
                                           expected=t.case.expected().shape)),
        other_difference(CASES),
    ),
)


# --- Question 4: average or maximum ---------------------------------------------------------

AVERAGE_SHIFT = (1, 1)  # the one-pixel shift of question 2
AVERAGE_POOLINGS = 5


def still_different() -> int:
    """Pooled pixels that still differ after five average poolings of the shifted disc."""
    return pooling.compare_shift(None, *AVERAGE_SHIFT, AVERAGE_POOLINGS, mode="avg").changed


AVERAGE_OR_MAX = CodingProblem(
    variables=("pixels_still_different",),
    expected=still_different,
    tolerance=Tolerance(atol=0, rtol=0),
    hints=(
        N_("Run `widgets.translation_widget(mode='avg')` (or "
           "`pooling.invariance_table([(1, 1)], mode='avg')`) and shift the circle by one "
           "pixel. Does the change ever disappear?"),
        N_("`pooling.compare_shift(None, 1, 1, 5, mode='avg').changed` counts the pooled pixels "
           "that differ after five average poolings. Which question does each pooling answer "
           "about a block: \"is the circle anywhere in it?\" or \"how much of the block does "
           "the circle cover?\""),
    ),
    solution=S_("""```python
pixels_still_different = pooling.compare_shift(None, 1, 1, 5, mode='avg').changed  # 4
```
After five average poolings the result is 2 x 2, and all 4 of its pixels still differ."""),
    written=N_("""With average pooling the one-pixel shift of the circle never disappears:
after five poolings all 4 pixels of the 2 x 2 result still differ, if only by about 0.02.
Maximum pooling asks whether a feature is *anywhere* in a block, and a small shift rarely
changes that answer.
Average pooling asks *how much* of the block the feature covers, and almost any shift changes
that a little; larger blocks only make the change smaller.

That is why convolutional networks condense with maximum pooling between their
convolutional layers: it keeps the strongest detections and forgets exactly where they were.
Average pooling is still useful where the amount matters, for example global average
pooling, which averages each of the base's feature maps into one number for the head."""),
    mistakes=(
        Mistake("not-one-number", lambda answer: answer.ndim != 0,
                N_("`pixels_still_different` should be one whole number, a count of pixels.")),
        Mistake("size-not-count", lambda answer: 0 < answer < 1,
                N_("`pixels_still_different` looks like the *size* of the change (the pooled "
                   "values differ by only about 0.02). Count the pixels that differ instead: "
                   "`.changed`.")),
        Mistake("not-whole", lambda answer: answer != np.round(answer),
                N_("`pixels_still_different` is not a whole number; a count of pixels is.")),
        Mistake("max-pooling-answer", lambda answer: answer == 0,
                N_("0 is what *maximum* pooling gives: with it, the one-pixel shift vanishes "
                   "after three poolings. Use average pooling (`mode='avg'`).")),
        Mistake("poolings-not-pixels",
                lambda answer: answer == pooling.poolings_to_vanish(*AVERAGE_SHIFT),
                N_("That is the number of max *poolings* question 2 asked for. This question "
                   "asks how many *pixels* of the average-pooled result still differ after five "
                   "poolings.")),
        Mistake("after-one-pooling",
                lambda answer: answer == pooling.compare_shift(
                    None, *AVERAGE_SHIFT, 1, mode="avg").changed,
                N_("That is the count after *one* average pooling. Raise `poolings` to 5.")),
        Mistake("more-than-there-are",
                lambda answer, expected: answer > expected["pixels_still_different"],
                N_("After five 2 x 2 poolings the 64 x 64 picture is only 2 x 2: at most 4 "
                   "pixels can differ.")),
    ),
)


# --- Question 5: the arithmetic of shapes and parameters ---------------------------------------

# The layers the question describes: a side of N pixels, a K x K window moving S at a time.
CONV_N, CONV_K, CONV_S = 400, 3, 2  # 3 x 3 convolution, stride 2, 'VALID', on the image
POOL_N, POOL_K, POOL_S = 398, 3, 2  # 3 x 3 max pooling, stride 2, 'SAME', on image_detect
KERNEL, CHANNELS, KERNELS = 3, 3, 8  # keras.layers.Conv2D(8, 3) on an RGB image


SHAPES_EXPECTED = {
    "conv_side": pooling.output_side(CONV_N, CONV_K, CONV_S, "VALID"),  # 199
    "pooled_side": pooling.output_side(POOL_N, POOL_K, POOL_S, "SAME"),  # 199
    "conv_parameters": (KERNEL * KERNEL * CHANNELS + 1) * KERNELS,  # 224
}
# What the rules give when misapplied, for the mistakes below.
CONV_IF_SAME = pooling.output_side(CONV_N, CONV_K, CONV_S, "SAME")  # 200
CONV_IF_STRIDE_1 = pooling.output_side(CONV_N, CONV_K, 1, "VALID")  # 398
POOL_IF_VALID = pooling.output_side(POOL_N, POOL_K, POOL_S, "VALID")  # 198
COUNTS = tuple(SHAPES_EXPECTED)


SHAPES = CodingProblem(
    variables=COUNTS,
    expected=lambda: SHAPES_EXPECTED,
    tolerance=Tolerance(atol=0, rtol=0),
    hints=(
        N_("Along one side: 'VALID' counts the windows that fit whole, (n - k) // s + 1; "
           "'SAME' counts one window per stride, rounding up, ceil(n / s), whatever the window "
           "size. A `Conv2D` layer has one k x k kernel per input channel for each of its "
           "kernels, plus one bias per kernel."),
        N_("`conv_side = (400 - 3) // 2 + 1`, `pooled_side = int(np.ceil(398 / 2))`, and "
           "`conv_parameters = (3 * 3 * 3 + 1) * 8`: an RGB image has 3 channels, and each of "
           "the 8 kernels has a bias."),
    ),
    solution=S_("""```python
conv_side = (400 - 3) // 2 + 1  # 'VALID': the windows that fit whole, 199
pooled_side = int(np.ceil(398 / 2))  # 'SAME': one window per stride, rounded up, 199
conv_parameters = (3 * 3 * 3 + 1) * 8  # 8 kernels of 3 x 3 x 3 weights and a bias, 224
```
Both sides come out at 199 by different rules: 'VALID' loses the windows that would hang over
the border, 'SAME' keeps them and pads. Keras agrees: `keras.layers.Conv2D(8, 3).count_params()`
after building it on `(None, 400, 400, 3)` is 224."""),
    mistakes=(
        *whole_number_mistakes(
            N_("a size or a count"),
            N_("A side is a number of windows: 'VALID' rounds (n - k) / s *down* before adding "
               "the first window, 'SAME' rounds n / s *up*; a parameter count is whole too."),
            fraction_id="not-rounded"),
        Mistake("same-rule-for-valid",
                lambda conv_side: conv_side == CONV_IF_SAME,
                lambda: _("`conv_side` is {side}, ceil({n} / {s}): that is the rule for 'SAME' "
                          "padding. With 'VALID', only windows that fit whole count: "
                          "(n - k) // s + 1.").format(side=CONV_IF_SAME, n=CONV_N, s=CONV_S)),
        Mistake("valid-off-by-one",
                lambda conv_side: float(conv_side) in {(CONV_N - CONV_K) // CONV_S,
                                                SHAPES_EXPECTED["conv_side"] + 1},
                N_("`conv_side` is off by one. The first window sits at position 0, and each "
                   "stride adds one more that still ends inside: (n - k) // s + 1.")),
        Mistake("stride-ignored",
                lambda conv_side: conv_side == CONV_IF_STRIDE_1,
                lambda: _("`conv_side` is {side}, the size with stride 1. The window moves "
                          "{s} pixels at a time: divide by the stride.").format(
                              side=CONV_IF_STRIDE_1, s=CONV_S)),
        Mistake("valid-rule-for-same",
                lambda pooled_side: pooled_side == POOL_IF_VALID,
                lambda: _("`pooled_side` is {side}, the 'VALID' count. With 'SAME' padding the "
                          "last windows hang over the border and still count: ceil(n / s), "
                          "whatever the window size.").format(side=POOL_IF_VALID)),
        Mistake("same-off-by-one",
                lambda pooled_side: abs(pooled_side - SHAPES_EXPECTED["pooled_side"]) == 1,
                lambda: _("`pooled_side` is off by one. 'SAME' gives exactly ceil(n / s) "
                          "windows: ceil({n} / {s}).").format(n=POOL_N, s=POOL_S)),
        Mistake("pool-stride-ignored", lambda pooled_side: pooled_side == POOL_N,
                lambda: _("`pooled_side` is {side}, the size with stride 1. With stride {s} "
                          "'SAME' keeps one window per stride: ceil(n / s).").format(
                              side=POOL_N, s=POOL_S)),
        Mistake("no-bias", lambda conv_parameters:
                conv_parameters == KERNEL * KERNEL * CHANNELS * KERNELS,
                N_("`conv_parameters` counts the weights but not the biases. Each of the 8 "
                   "kernels has one bias, and Keras counts it as a parameter.")),
        Mistake("channels-ignored", lambda conv_parameters:
                float(conv_parameters) in {(KERNEL * KERNEL + 1) * KERNELS,
                                    KERNEL * KERNEL * KERNELS},
                N_("`conv_parameters` treats the input as one channel. A kernel spans every "
                   "input channel: on an RGB image each of the 8 kernels is 3 x 3 x 3.")),
        Mistake("one-bias", lambda conv_parameters:
                conv_parameters == KERNEL * KERNEL * CHANNELS * KERNELS + 1,
                N_("`conv_parameters` has one bias for the whole layer. There is one per kernel, "
                   "that is one per output channel: 8.")),
        Mistake("one-kernel", lambda conv_parameters:
                float(conv_parameters) in {KERNEL * KERNEL * CHANNELS + 1,
                                    KERNEL * KERNEL * CHANNELS},
                N_("`conv_parameters` counts one kernel. `Conv2D(8, 3)` learns 8 kernels, one "
                   "per output channel, each with its own weights and bias.")),
        # Any other wrong count: say which rule to apply, without how far off it is (the
        # distance would give the answer away).
        Mistake("conv-side-other",
                lambda conv_side: conv_side != SHAPES_EXPECTED["conv_side"],
                lambda: _("`conv_side` is not the output side of that convolution. Use the "
                          "'VALID' rule, (n - k) // s + 1, with n = {n}, k = {k} and "
                          "s = {s}.").format(n=CONV_N, k=CONV_K, s=CONV_S)),
        Mistake("pooled-side-other",
                lambda pooled_side: pooled_side != SHAPES_EXPECTED["pooled_side"],
                lambda: _("`pooled_side` is not the output side of that pooling. Use the "
                          "'SAME' rule, ceil(n / s), with n = {n} and s = {s}.").format(
                              n=POOL_N, s=POOL_S)),
        Mistake("parameters-other",
                lambda conv_parameters: conv_parameters != SHAPES_EXPECTED["conv_parameters"],
                N_("`conv_parameters` is not the layer's count. Each of the 8 kernels has "
                   "3 x 3 weights for each of the 3 input channels, and one bias.")),
    ),
)

# --- Question 6: pooling from scratch, with padding -----------------------------------------

PADDED_CASES = (
    # 5 rows: 'same' needs one padded row and column, and TensorFlow puts it after the picture.
    # (The seed gives an all-negative window inside too, so a maximum started from 0 and
    # zeros in the padding differ.)
    PoolCase("pool2d_padded", (5, 5), 2, padding="same", seed=7),
    # Overlapping windows: two padded rows, one on each side; one padded column, after.
    PoolCase("pool2d_padded", (7, 6), 3, stride=2, padding="same", seed=6),
    # Stride 1 keeps the size; near the border an average has fewer pixels to count.
    PoolCase("pool2d_padded", (6, 7), 3, stride=1, mode="avg", padding="same", seed=8),
    # A rectangular window on channels, averaged.
    PoolCase("pool2d_padded", (5, 7, 2), (2, 3), stride=2, mode="avg", padding="same", seed=9),
    # 'valid' still works, given or by default.
    PoolCase("pool2d_padded", (7, 7), 3, stride=2, padding="valid", seed=10),
    PoolCase("pool2d_padded", (6, 5), 2, seed=11),
)


POOL2D_PADDED = CodingProblem(
    variables=("pool2d_padded",),
    read=function_calls(PADDED_CASES, probe=Call(
        "pool2d_padded(X, 2, stride=None, mode='max', padding='same')", (np.zeros((2, 2)), 2),
        {"stride": None, "mode": "max", "padding": "same"})),
    hints=(
        N_("With `padding='same'` there are `ceil(H / sh)` windows along the height. They need "
           "`pad = max((out_h - 1) * sh + ph - H, 0)` rows more than `X` has: `pad // 2` go "
           "above and the rest below (the odd one goes below, as in TensorFlow). The same goes "
           "for the width."),
        N_("Pad with `np.nan`, not 0: `np.pad(X, pads, constant_values=np.nan)`, with "
           "`pads = [(top, bottom), (left, right)]` plus `(0, 0)` for the channels. Then "
           "`np.nanmax` and `np.nanmean` skip the padding, so it never wins a maximum and is "
           "never counted in an average."),
        N_("After padding, the windows are those of 'valid' pooling on the padded array: you "
           "can pool it with your `pool2d` from question 3, once `np.max`/`np.mean` there are "
           "`np.nanmax`/`np.nanmean`."),
    ),
    solution=S_("""```python
def pool2d_padded(X, pool_size, stride=None, mode='max', padding='valid'):
    X = np.asarray(X, dtype=float)
    ph, pw = (pool_size, pool_size) if np.ndim(pool_size) == 0 else pool_size
    if stride is None:
        stride = (ph, pw)
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    if padding == 'same':
        pads = []
        for n, p, s in ((X.shape[0], ph, sh), (X.shape[1], pw, sw)):
            out = -(-n // s)                      # ceil(n / s) windows
            pad = max((out - 1) * s + p - n, 0)   # rows (or columns) they need beyond X
            pads.append((pad // 2, pad - pad // 2))
        X = np.pad(X, pads + [(0, 0)] * (X.ndim - 2), constant_values=np.nan)
    reduce = np.nanmax if mode == 'max' else np.nanmean
    out_h = (X.shape[0] - ph) // sh + 1
    out_w = (X.shape[1] - pw) // sw + 1
    Y = np.zeros((out_h, out_w) + X.shape[2:])
    for i in range(out_h):
        for j in range(out_w):
            Y[i, j] = reduce(X[i * sh:i * sh + ph, j * sw:j * sw + pw], axis=(0, 1))
    return Y
```
NaN marks the padded positions as "not part of the picture": `np.nanmax` and `np.nanmean`
skip them, which is exactly what `tf.nn.pool` does with 'SAME'. Every 'same' window holds at
least one real pixel, so no window is all NaN."""),
    mistakes=(
        *function_mistakes(PADDED_CASES,
                           "pool2d_padded(X, pool_size, stride=..., mode=..., padding=...)",
                           "def pool2d_padded(X, pool_size, stride=None, mode='max', "
                           "padding='valid'):"),
        on_first_trial("padding-ignored", PADDED_CASES, cases_.padding_ignored, lambda t:
                    _("For {where}, the result is what 'valid' pooling gives: no "
                      "window hangs over the border. 'same' keeps `ceil(H / sh)` windows along "
                      "the height (and likewise the width), padding where they hang over. "
                      "(The checker writes `padding='same'` in lower case, as Keras does; "
                      "`padding.lower() == 'same'` accepts both spellings.)").format(
                          where=t.case.where)),
        on_first_trial("default-padding-same", PADDED_CASES, cases_.default_padding_same, lambda t:
                    _("For {where}, with no `padding` given, the result is 'same' "
                      "pooling. The default is `padding='valid'`, as for Keras's pooling "
                      "layers and your `pool2d`.").format(where=t.case.where)),
        on_first_trial("padded-with-zeros", PADDED_CASES, cases_.padded_with_zeros, lambda t:
                    sentences((_("For {where}, the padding took part: padded zeros won the "
                                 "maximum of windows whose own values are all negative.")
                               if t.case.is_max else
                               _("For {where}, the padding took part: padded zeros were "
                                 "counted in the averages at the border.")
                               ).format(where=t.case.where),
                              _("Padded positions are not part of the picture: pad with "
                                "`np.nan` and reduce with `np.nanmax` or `np.nanmean`."))),
        on_first_trial("extra-padding-first", PADDED_CASES, cases_.extra_padding_first, lambda t:
                    _("For {where}, the odd extra row or column of padding went before "
                      "the picture. TensorFlow and Keras put `pad // 2` before and the rest, "
                      "the larger half, after it.").format(where=t.case.where)),
        on_first_trial("same-size-wrong", PADDED_CASES, cases_.size_off_by_one, lambda t:
                    sentences(_("For {where}, the result has shape `{shape}`, but `{expected}` "
                                "is right.").format(where=t.case.where, shape=t.result.shape,
                                                    expected=t.case.expected().shape),
                              _("With 'same' there are `ceil(H / sh)` windows along the "
                                "height, whatever the window size; likewise along the width.")
                              if t.case.is_same else
                              _("With 'valid' there are `(H - ph) // sh + 1` windows along the "
                                "height; likewise along the width."))),
        other_difference(PADDED_CASES),
    ),
)


q_1 = Question(1, CONDENSE)
q_2 = Question(2, INVARIANCE)
q_3 = Question(3, POOL2D)
q_4 = Question(4, AVERAGE_OR_MAX)
q_5 = Question(5, SHAPES)
q_6 = Question(6, POOL2D_PADDED)
