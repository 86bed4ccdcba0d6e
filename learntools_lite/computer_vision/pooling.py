"""Pictures and pure helpers for exercise 2 (maximum pooling).

The set-up the notebook runs (``detected_car``), the circle used to study translation
invariance, shifting, repeated 2 x 2 pooling and the question "after how many poolings
does a shift stop showing?". Nothing here draws or talks to widgets; ``widgets.py`` does.

Pictures here are 2-D arrays (height, width). Functions that take a picture also accept
a ``[1, H, W, 1]`` batch, a tensor, or the name of a shipped image such as ``"car"``.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import tensorflow as tf

from ..core.i18n import N_, _
from . import visiontools

# The embossing kernel of the set-up: it brightens edges facing the lower right.
EMBOSS = ((-2, -1, 0), (-1, 1, 1), (0, 1, 2))

# The circle of question 2. Centred exactly between the middle pixels of a 64 x 64 grid,
# it is symmetric under every flip that also maps the pooling grid onto itself, so the
# answers below do not depend on the sign of a shift. With this radius a one-pixel shift
# in any direction vanishes after exactly 3 poolings, shifts of 2 to 6 pixels after 4,
# and shifts of 7 or 8 pixels along both axes never within 5 (tests/test_ex2.py checks it).
CIRCLE_SIZE = 64
CIRCLE_RADIUS = 10

# The widget's and the table's limits: five 2 x 2 poolings take 64 pixels down to 2.
MOST_POOLINGS = 5
TABLE_SHIFTS = ((2, 2), (4, 4), (8, 8))


@lru_cache(maxsize=1)
def detected_car() -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """The notebook's set-up: ``(image, image_filter, image_detect)`` for the shipped car.

    ``image`` is [1, 400, 400, 1]; ``image_filter`` is its VALID convolution with
    :data:`EMBOSS`, [1, 398, 398, 1]; ``image_detect`` is the ReLU of that. Cached, as
    tensors are immutable and reading the PNG is the slow part of a check's set-up.
    """
    image = visiontools.read_image("car")
    kernel = tf.reshape(tf.constant(EMBOSS, dtype=tf.float32), [3, 3, 1, 1])
    image_filter = tf.nn.conv2d(image, kernel, strides=1, padding="VALID")
    image_detect = tf.nn.relu(image_filter)
    return image, image_filter, image_detect


def circle(size: int = CIRCLE_SIZE, radius: float = CIRCLE_RADIUS) -> np.ndarray:
    """A white disc (1.0) on black (0.0), centred in a ``size`` x ``size`` float32 picture."""
    centre = (size - 1) / 2
    y, x = np.mgrid[0:size, 0:size]
    return ((x - centre) ** 2 + (y - centre) ** 2 <= radius**2).astype(np.float32)


def as_picture(image=None) -> np.ndarray:
    """``image`` as a 2-D float array: None means :func:`circle`, a string names a shipped
    image, and a [1, H, W, 1] batch (array or tensor) loses its batch and channel axes."""
    if image is None:
        return circle()
    if isinstance(image, str):
        image = visiontools.read_image(image)
    picture = visiontools.as_2d(image)
    if picture.ndim != 2:
        raise ValueError(f"Expected a grayscale picture, got an array of shape {picture.shape}.")
    return picture


def shift(image, dx: int, dy: int) -> np.ndarray:
    """``image`` moved ``dx`` pixels right and ``dy`` pixels down (negative: left, up).

    The pixels that come in at the border repeat the old border, so a shift adds no new
    edge to the picture (for the circle, whose border is black, this is a zero fill).
    """
    picture = as_picture(image)
    height, width = picture.shape
    rows = np.clip(np.arange(height) - dy, 0, height - 1)
    cols = np.clip(np.arange(width) - dx, 0, width - 1)
    return picture[np.ix_(rows, cols)]


def output_side(n: int, window: int, stride: int, padding: str) -> int:
    """The size rule convolution and pooling both follow along one side of ``n`` values:
    'VALID' counts the windows that fit whole, the first and one more per stride that still
    ends inside; 'SAME' pads so that every stride starts one, ceil(n / stride)."""
    if padding == "VALID":
        return (n - window) // stride + 1
    return -(-n // stride)


def pool_2x2(picture: np.ndarray, mode: str = "max") -> np.ndarray:
    """One 2 x 2 pooling with stride 2 and SAME padding, like ``tf.nn.pool`` in question 1.

    An odd side gets one padding row or column at its end that no window counts,
    which is what TensorFlow's SAME padding does for a 2 x 2 window with stride 2.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', not {mode!r}")
    height, width = picture.shape
    padded = np.pad(picture.astype(np.float64), ((0, height % 2), (0, width % 2)),
                    constant_values=np.nan)
    blocks = padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2)
    reduce = np.nanmax if mode == "max" else np.nanmean
    return reduce(blocks, axis=(1, 3))


def pooled(image, poolings: int, mode: str = "max") -> np.ndarray:
    """``image`` after ``poolings`` successive 2 x 2 poolings (float64, 2-D)."""
    picture = as_picture(image).astype(np.float64)
    for _time in range(poolings):
        picture = pool_2x2(picture, mode)
    return picture


# The readout's first half, for one pooling and for several (in the learner's language).
AFTER_ONE = N_("Shift ({dx}, {dy}) after {poolings} pooling ({size} x {size} blocks, "
               "{rows} x {cols} output)")
AFTER_SOME = N_("Shift ({dx}, {dy}) after {poolings} poolings ({size} x {size} blocks, "
                "{rows} x {cols} output)")


@dataclass(frozen=True)
class ShiftComparison:
    """A picture shifted by (dx, dy), pooled, next to the same picture pooled unshifted."""

    dx: int
    dy: int
    poolings: int
    mode: str
    shifted: np.ndarray  # the shifted picture, before pooling
    result: np.ndarray  # the shifted picture after pooling
    reference: np.ndarray  # the unshifted picture after the same pooling

    @property
    def difference(self) -> np.ndarray:
        """``result - reference``, pixel by pixel."""
        return self.result - self.reference

    @property
    def changed(self) -> int:
        """How many pooled pixels the shift changed."""
        return int(np.count_nonzero(self.difference))

    @property
    def largest(self) -> float:
        """The largest change of a pooled pixel (0 when the shift vanished)."""
        return float(np.abs(self.difference).max())

    @property
    def identical(self) -> bool:
        """True when pooling made the shift invisible."""
        return self.changed == 0

    def summary(self) -> str:
        """One line for the widget's readout."""
        size = 2**self.poolings
        where = _(AFTER_ONE if self.poolings == 1 else AFTER_SOME).format(
            dx=self.dx, dy=self.dy, poolings=self.poolings, size=size,
            rows=self.result.shape[0], cols=self.result.shape[1])
        if self.identical:
            return _("{where}: identical to the unshifted result.").format(where=where)
        return _("{where}: differs from the unshifted result in {changed} of {total} pixels "
                 "(largest change {largest:.3g}).").format(
                     where=where, changed=self.changed, total=self.result.size,
                     largest=self.largest)


def compare_shift(image, dx: int, dy: int, poolings: int, mode: str = "max") -> ShiftComparison:
    """Shift ``image`` by (dx, dy), pool it ``poolings`` times, and compare with no shift."""
    picture = as_picture(image)
    shifted = shift(picture, dx, dy)
    return ShiftComparison(dx, dy, poolings, mode, shifted,
                           pooled(shifted, poolings, mode), pooled(picture, poolings, mode))


def shift_vanishes(dx: int, dy: int, poolings: int, image=None, mode: str = "max") -> bool:
    """True if after ``poolings`` poolings the shifted ``image`` (default: the circle) gives
    exactly the same output as the unshifted one."""
    return compare_shift(image, dx, dy, poolings, mode).identical


def poolings_to_vanish(dx: int, dy: int, image=None, most: int = MOST_POOLINGS,
                       mode: str = "max") -> int | None:
    """The fewest 2 x 2 poolings after which a shift by (dx, dy) no longer changes the
    output, or None if it still does after ``most`` poolings.

    Once two max-pooled pictures are equal, pooling them again keeps them equal, so the
    first equal level is also the answer to "from how many poolings on is it invisible".
    """
    picture = as_picture(image).astype(np.float64)
    moved = shift(picture, dx, dy).astype(np.float64)
    for count in range(most + 1):
        if np.array_equal(picture, moved):
            return count
        picture, moved = pool_2x2(picture, mode), pool_2x2(moved, mode)
    return None


def invariance_table(shifts=TABLE_SHIFTS, image=None, most: int = MOST_POOLINGS,
                     mode: str = "max") -> str:
    """A small text table: for each shift, how many pooled pixels change after 1, 2, ...
    ``most`` poolings (0 means the shift has vanished). Deterministic, for printing."""
    header = "shift (dx, dy) | " + " ".join(f"{n:>4}" for n in range(1, most + 1))
    lines = [f"changed pixels after 1 to {most} poolings ({mode} pooling)", header,
             "-" * len(header)]
    for dx, dy in shifts:
        counts = [compare_shift(image, dx, dy, n, mode).changed for n in range(1, most + 1)]
        lines.append(f"{f'({dx}, {dy})':>14} | " + " ".join(f"{c:>4}" for c in counts))
    return "\n".join(lines)
