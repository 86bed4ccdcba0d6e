"""Exercise 1: convolution and ReLU, the filter and detect steps of feature extraction.

Learner variables: ``kernel`` (q_1), ``image_filter`` (q_2), ``image_detect`` (q_3), and
``relu_pos``, ``relu_neg``, ``reconstructed`` (q_4, which also has a written part).
The expected values are computed from the learner's own ``image`` and ``kernel``.
"""

import numpy as np
import tensorflow as tf

from ..core import CodingProblem, Mistake, Question, Tolerance, ____
from ..core.i18n import N_, S_, _, sentences
from ..core.outcome import incorrect
from ..core.problem import error_says
from ..core.values import Verdict, informative

__all__ = ["q_1", "q_2", "q_3", "q_4", "____"]

# float32 convolution of a 400 x 400 image: sums of nine products, so 1e-4 is loose enough
# for any implementation (NumPy in float64, Keras, tf.nn) and tight enough to tell kernels apart.
FILTER_TOLERANCE = Tolerance(atol=1e-4, rtol=1e-4)
# Mistakes are recognised with the same tolerance as right answers.
_close = FILTER_TOLERANCE.close


def convolve(image, kernel, strides=1, padding="SAME") -> np.ndarray:
    """What ``tf.nn.conv2d`` gives for a [1, H, W, 1] image and a 3 x 3 kernel."""
    filters = tf.reshape(tf.constant(kernel, tf.float32), [3, 3, 1, 1])
    return tf.nn.conv2d(tf.constant(image, tf.float32), filters, strides, padding).numpy()


SETUP_AGAIN = N_("Re-run the set-up cell to get the picture back, then your answers.")


def picture(image: np.ndarray) -> np.ndarray:
    """``image`` if it is a [1, H, W, 1] picture with some contrast, else a verdict."""
    if image.ndim != 4 or image.shape[0] != 1 or image.shape[3] != 1 \
            or min(image.shape[1:3]) < 8:
        raise Verdict(incorrect(sentences(
            _("`image` should be the picture from the set-up cell, shape `[1, height, width, "
              "1]`, but it has shape `{shape}`.").format(shape=image.shape),
            _(SETUP_AGAIN))))
    return informative(image, "image", _(SETUP_AGAIN))


def kernel_behind(image, answer):
    """The 3 x 3 kernel whose stride-1 SAME convolution of ``image`` gives ``answer``, or None.

    Solving the nine weights by least squares recognises a flipped, transposed or
    different kernel without guessing which kernels learners might have used.
    """
    picture = image[0, :, :, 0]
    height, width = picture.shape
    if answer.shape != (1, height, width, 1):
        return None
    padded = np.pad(picture, 1)
    patches = np.stack(
        [padded[r:r + height, c:c + width].ravel() for r in range(3) for c in range(3)], axis=1
    )
    # The 9 x 9 normal equations give the same least-squares weights as lstsq on the
    # 160 000 x 9 system, about ten times faster (this runs on every wrong answer).
    weights = np.linalg.lstsq(patches.T @ patches, patches.T @ answer.ravel(), rcond=None)[0]
    if not np.allclose(patches @ weights, answer.ravel(), atol=1e-3):
        return None
    return weights.reshape(3, 3).round(4)


def stride_used(image, answer):
    """The stride (2 to 5) that a [1, H, W, 1] answer's shape points to, or None."""
    height, width = image.shape[1:3]
    for stride in range(2, 6):
        for size in (0, 2):  # SAME, then VALID
            if answer.shape == (1, -(-(height - size) // stride), -(-(width - size) // stride), 1):
                return stride
    return None


def _stride_message(answer, stride) -> str:
    return _("`image_filter` has shape `{shape}`, about 1/{stride} of the image in each "
             "direction: it looks like `strides={stride}`. Use `strides=1` so the kernel "
             "visits every pixel.").format(shape=answer.shape, stride=stride)


def _not_symmetric(kernel, transform, *args) -> bool:
    return not np.allclose(kernel, transform(kernel, *args))


def _relu(x):
    return np.maximum(x, 0)


KERNEL = CodingProblem(
    variables=("kernel",),
    hints=(
        N_("A kernel is a small grid of weights. Write it as a nested list of three rows of "
        "three numbers and wrap it in `tf.constant(...)`."),
        N_("For an edge detector, make the weights sum to zero: a large positive centre "
        "surrounded by negative neighbours, such as 8 in the middle and -1 around it."),
    ),
    solution=S_("""Any 3 x 3 grid of numbers that is not all zeros works. An edge detector:
```python
kernel = tf.constant([
    [-1, -1, -1],
    [-1,  8, -1],
    [-1, -1, -1],
])
```
Others to try: a horizontal edge detector `[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]` or a
sharpener `[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]`."""),
    mistakes=(
        Mistake("already-reshaped", lambda answer: answer.shape == (3, 3, 1, 1),
                N_("`kernel` is already shaped `[3, 3, 1, 1]`. Keep it as a 3 x 3 grid here; "
                "the reshape for `tf.nn.conv2d` belongs to the next question.")),
        Mistake("not-3x3", lambda answer: answer.shape != (3, 3),
                lambda answer: _("`kernel` should be 3 x 3 (three rows of three numbers), "
                                 "but its shape is `{shape}`.").format(shape=answer.shape)),
        Mistake("all-zeros", lambda answer: not answer.any(),
                N_("`kernel` is all zeros, so every filtered pixel would be 0 and the image "
                "would come out blank. Give it some non-zero weights.")),
    ),
)

FILTER = CodingProblem(
    variables=("image_filter",),
    inputs=("image", "kernel"),
    needs=(KERNEL,),
    expected=lambda image, kernel: convolve(picture(image), kernel),
    tolerance=FILTER_TOLERANCE,
    hints=(
        N_("`tf.nn.conv2d` wants the filter as a 4-D tensor `[height, width, in_channels, "
        "out_channels]`. Reshape your kernel to `[3, 3, 1, 1]` and cast it to `tf.float32`."),
        N_("Call `tf.nn.conv2d(input=image, filters=filters, strides=1, padding='SAME')`, "
        "where `filters` is your reshaped, float32 kernel."),
    ),
    solution=S_("""```python
filters = tf.cast(tf.reshape(kernel, [3, 3, 1, 1]), dtype=tf.float32)
image_filter = tf.nn.conv2d(
    input=image,
    filters=filters,
    strides=1,
    padding='SAME',
)
```
A new name, `filters`, keeps `kernel` 3 x 3, so the cell can be run again."""),
    mistakes=(
        Mistake("relu-applied",
                lambda answer, expected: _close(answer, _relu(expected["image_filter"])),
                N_("`image_filter` has no negative values where the convolution has some: "
                "it looks like ReLU is already applied. Question 2 is the filter step "
                "alone; the ReLU (detect) step is question 3.")),
        Mistake("valid-padding", lambda answer, image: answer.shape == (1, image.shape[1] - 2,
                                                         image.shape[2] - 2, 1),
                lambda answer, expected: _(
                    "`image_filter` has shape `{shape}` instead of `{expected}`: one pixel is "
                    "missing on every side, which is what `padding='VALID'` does. Use "
                    "`padding='SAME'` to keep the image size.").format(
                        shape=answer.shape, expected=expected["image_filter"].shape)),
        Mistake("stride-too-large", finds=lambda answer, image: stride_used(image, answer),
                message=lambda answer, evidence: _stride_message(answer, evidence)),
        Mistake("squeezed-or-reshaped",
                lambda answer, expected: answer.shape != expected["image_filter"].shape
                and answer.size == expected["image_filter"].size,
                lambda answer, expected: _(
                    "`image_filter` holds the right number of values but has shape `{shape}` "
                    "instead of `{expected}`. Keep the batch and channel axes that "
                    "`tf.nn.conv2d` returns; do not squeeze or reshape the result.").format(
                        shape=answer.shape, expected=expected["image_filter"].shape)),
        Mistake("kernel-flipped", lambda answer, image, kernel: _not_symmetric(kernel, np.rot90, 2)
                and _close(answer, convolve(image, np.rot90(kernel, 2))),
                N_("`image_filter` was made with your kernel turned by 180 degrees, as in the "
                "textbook definition of convolution. `tf.nn.conv2d` (like every deep learning "
                "library) slides the kernel without flipping it; use your `kernel` as it is.")),
        Mistake("kernel-transposed",
                lambda answer, image, kernel: _not_symmetric(kernel, np.transpose)
                and _close(answer, convolve(image, kernel.T)),
                N_("`image_filter` was made with your kernel transposed (rows and columns "
                "swapped). Use `kernel` as it is; reshape it with `tf.reshape`, not a transpose.")),
        Mistake("other-kernel", finds=lambda answer, image: kernel_behind(image, answer),
                message=lambda evidence, kernel: _(
                    "`image_filter` is a convolution of `image`, but with the kernel `{used}`, "
                    "not with your `kernel` `{kernel}`. Did you type a different kernel into "
                    "the call, or redefine `kernel`? Convolve with your own `kernel`.").format(
                        used=evidence.tolist(), kernel=kernel.tolist())),
    ),
    errors=(
        Mistake("filter-not-4d", error_says("filter must be 4-dimensional",
                                          "evenly divisible by filter depth"),
                N_("`tf.nn.conv2d` needs a 4-D filter `[height, width, in_channels, "
                   "out_channels]`. Fix: `filters = tf.reshape(kernel, [3, 3, 1, 1])`, and "
                   "pass `filters`.")),
        Mistake("integer-kernel", error_says("expected to be a float tensor"),
                N_("The kernel holds integers, but `tf.nn.conv2d` needs floats like the image. "
                "Fix: `filters = tf.cast(filters, dtype=tf.float32)` before the call.")),
        Mistake("padding-lower-case", error_says("attr 'padding'"),
                N_("`padding` must be written in capitals: `padding='SAME'`.")),
    ),
)


def _activations(values: np.ndarray) -> dict:
    """Activations learners reach for instead of ReLU, applied to ``values``."""
    x = tf.constant(values, tf.float32)
    return {
        "`tf.abs`": tf.abs(x), N_("a sigmoid"): tf.sigmoid(x), "`tanh`": tf.tanh(x),
        N_("an ELU"): tf.nn.elu(x), N_("a leaky ReLU"): tf.nn.leaky_relu(x),
        "ReLU6": tf.nn.relu6(x), N_("a softplus"): tf.nn.softplus(x),
        N_("a GELU"): tf.nn.gelu(x), N_("a SELU"): tf.nn.selu(x),
    }


def other_activation(answer, image_filter):
    """The name of the non-ReLU activation that turns ``image_filter`` into ``answer``."""
    if answer.shape != image_filter.shape:
        return None
    for name, activated in _activations(image_filter).items():
        if _close(answer, activated.numpy()):
            return name
    return None


def _filtered(image_filter):
    """The learner's filtered image, once question 2 has made an informative one."""
    return informative(image_filter, "image_filter",
                       _("Answer question 2 first, then run this cell again."))


DETECT = CodingProblem(
    variables=("image_detect",),
    inputs=("image_filter", "image"),
    expected=lambda image_filter: _relu(_filtered(image_filter)),
    tolerance=FILTER_TOLERANCE,
    hints=(N_("The detect step keeps every positive response as it is and turns every negative "
           "one into 0. Which function does that?"),
           N_("It is the rectified linear unit, `tf.nn.relu`. Apply it to the filtered image "
           "from question 2: `tf.nn.relu(image_filter)`.")),
    solution=S_("""```python
image_detect = tf.nn.relu(image_filter)
```"""),
    mistakes=(
        Mistake("no-activation", lambda answer, image_filter: _close(answer, image_filter),
                N_("`image_detect` is the same as `image_filter`: no activation was applied. "
                "Pass the filtered image through `tf.nn.relu`.")),
        Mistake("other-activation",
                lambda answer, image_filter: other_activation(answer, image_filter) is not None,
                lambda answer, image_filter: _(
                    "`image_detect` is {activation} of `image_filter`, not its ReLU. ReLU sets "
                    "every negative value to 0 and keeps positive values unchanged; use "
                    "`tf.nn.relu`.").format(
                        activation=_(other_activation(answer, image_filter)))),
        Mistake("sign-flipped", lambda answer, image_filter: _close(answer, _relu(-image_filter)),
                N_("`image_detect` is the ReLU of `-image_filter`: the sign is flipped, so it "
                "keeps the responses ReLU should drop. Use `tf.nn.relu(image_filter)`.")),
        Mistake("relu-of-image", lambda answer, image: _close(answer, _relu(image)),
                N_("`image_detect` is the ReLU of `image`, the unfiltered picture (which has no "
                "negative values, so nothing changed). Apply ReLU to `image_filter` instead.")),
        Mistake("relu-of-kernel", lambda answer: answer.shape == (3, 3),
                N_("`image_detect` has the shape of a kernel. Apply ReLU to the filtered "
                "image `image_filter`, not to `kernel`.")),
    ),
)

TWO_SIGNS = CodingProblem(
    variables=("relu_pos", "relu_neg", "reconstructed"),
    inputs=("image_filter",),
    expected=lambda image_filter: {"relu_pos": _relu(_filtered(image_filter)),
                                   "relu_neg": _relu(-_filtered(image_filter)),
                                   "reconstructed": _filtered(image_filter)},
    tolerance=FILTER_TOLERANCE,
    hints=(N_("`relu_pos` is what question 3 made: the ReLU of `image_filter`. For `relu_neg`, "
           "negate the filtered image *before* the ReLU, as the negated kernel does."),
           N_("Where `image_filter` is positive, `relu_pos` holds it and `relu_neg` is 0; where it "
           "is negative, `relu_pos` is 0 and `relu_neg` holds its size. Which of `+` and `-` "
           "puts the two back together with their signs?")),
    solution=S_("""```python
relu_pos = tf.nn.relu(image_filter)
relu_neg = tf.nn.relu(-image_filter)
reconstructed = relu_pos - relu_neg   # equal to image_filter
```"""),
    written=N_("""Negating the kernel negates the filtered image: every response changes sign.
ReLU keeps only positive responses, so the two detected images show *different* features:
with an edge detector, one keeps the bright side of each edge and the other the dark side.
Each alone loses the other half, but together they lose nothing: `relu_pos - relu_neg` gives
back `image_filter` exactly. This is why a convolutional layer learns many kernels at once;
together they keep features that a single kernel followed by ReLU would throw away."""),
    mistakes=(
        Mistake("pos-without-relu",
                lambda relu_pos, image_filter: _close(relu_pos, image_filter)
                and bool(np.any(image_filter < 0)),
                N_("`relu_pos` is `image_filter` unchanged. Apply the ReLU, as in question 3: "
                "`tf.nn.relu(image_filter)`.")),
        Mistake("negated-after-relu",
                lambda relu_neg, image_filter: _close(relu_neg, -_relu(image_filter)),
                N_("`relu_neg` is `-relu_pos`: the minus sign came after the ReLU, so no value is "
                "positive. Negate first, then apply ReLU: `tf.nn.relu(-image_filter)`.")),
        Mistake("neg-same-as-pos",
                lambda relu_neg, image_filter: _close(relu_neg, _relu(image_filter)),
                N_("`relu_neg` is the same as `relu_pos`. It should keep the responses that "
                "`relu_pos` drops: apply ReLU to `-image_filter`.")),
        Mistake("neg-without-relu",
                lambda relu_neg, image_filter: _close(relu_neg, -image_filter),
                N_("`relu_neg` is `-image_filter` with no ReLU, so it still has negative values. "
                "Pass it through `tf.nn.relu`.")),
        Mistake("sum-not-difference",
                lambda reconstructed, image_filter: _close(reconstructed, np.abs(image_filter)),
                N_("`reconstructed` is `relu_pos + relu_neg`, the size of each response without "
                "its sign (`tf.abs(image_filter)`). Subtract instead: `relu_pos - relu_neg`.")),
        Mistake("difference-reversed",
                lambda reconstructed, image_filter: _close(reconstructed, -image_filter),
                N_("`reconstructed` is `relu_neg - relu_pos`, the filtered image with every sign "
                "flipped. Subtract the other way round.")),
        Mistake("one-half-only",
                lambda reconstructed, image_filter:
                _close(reconstructed, _relu(image_filter))
                or _close(reconstructed, _relu(-image_filter)),
                N_("`reconstructed` holds only one of the two halves. Combine `relu_pos` and "
                "`relu_neg`, so that both signs come back.")),
    ),
)

q_1 = Question(1, KERNEL)
q_2 = Question(2, FILTER)
q_3 = Question(3, DETECT)
q_4 = Question(4, TWO_SIGNS)
