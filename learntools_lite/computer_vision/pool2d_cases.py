"""The calls ex2's checker makes to a learner's from-scratch pooling function, and the
answers to compare with: TensorFlow's ``tf.nn.pool``, and the wrong answers learners' code
really gives (a maximum that starts from 0, padding that counts in an average, the extra
padding on the wrong side, ...), computed on the same input.

A :class:`PoolCase` is one call on random numbers; :mod:`learntools_lite.core.trials` makes
the calls and reads back the results.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np
import tensorflow as tf

from ..core.i18n import _
from ..core.problem import Tolerance
from . import pooling


def pair(size) -> tuple[int, int]:
    """``size`` as (height, width): one number is used for both."""
    return (size, size) if np.ndim(size) == 0 else tuple(size)


@dataclass(frozen=True)
class PoolCase:
    """One call to the learner's function, on random numbers.

    ``stride``, ``mode`` and ``padding`` left as None are not passed, so the defaults get
    tested too (stride = pool size, ``'max'``, ``'valid'``).
    """

    function: str
    shape: tuple[int, ...]
    pool_size: int | tuple[int, int]
    stride: int | tuple[int, int] | None = None
    mode: str | None = None
    padding: str | None = None
    seed: int = 0

    @property
    def kwargs(self) -> dict:
        """The keyword arguments the checker passes (only those given)."""
        given = (("stride", self.stride), ("mode", self.mode), ("padding", self.padding))
        return {name: value for name, value in given if value is not None}

    @property
    def call(self) -> str:
        """The call as the learner would write it, e.g. ``pool2d(X, 3, stride=2)``."""
        arguments = ["X", repr(self.pool_size)] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(arguments)})"

    @property
    def where(self) -> str:
        """The call and input shape, for messages."""
        return _("`{call}` with `X` of shape `{shape}`").format(call=self.call, shape=self.shape)

    @property
    def is_max(self) -> bool:
        """True for maximum pooling, asked for explicitly or by the default mode."""
        return self.mode in (None, "max")

    @property
    def is_same(self) -> bool:
        """True for 'same' padding (the default is 'valid')."""
        return self.padding == "same"

    def arguments(self) -> tuple[tuple, dict]:
        """Fresh ``args`` and ``kwargs`` for one call (a function that changes its input
        cannot spoil the next call)."""
        return (self.input(), self.pool_size), self.kwargs

    def input(self) -> np.ndarray:
        """A fresh copy of this case's input."""
        return random_input(self.shape, self.seed).copy()

    def expected(self, stride="given", mode="given", padding="given") -> np.ndarray:
        """``tf.nn.pool``'s answer; ``stride``, ``mode`` or ``padding`` override the case's."""
        stride = self.stride if stride == "given" else stride
        mode = ("max" if self.is_max else "avg") if mode == "given" else mode
        padding = ("same" if self.is_same else "valid") if padding == "given" else padding
        return _tf_pool(self.shape, self.seed, pair(self.pool_size),
                        None if stride is None else pair(stride), mode, padding)

    def padded_wrongly(self, fill: float = np.nan, extra_first: bool = False) -> np.ndarray:
        """'same' pooling with the padding done another way: padded with ``fill`` (so that
        it competes in a maximum and counts in an average), or with the odd extra row and
        column before the picture instead of after it, as TensorFlow and Keras put it."""
        return pool_numpy(self.input(), pair(self.pool_size),
                          pair(self.stride if self.stride is not None else self.pool_size),
                          "max" if self.is_max else "avg", "same", fill, extra_first)


@cache
def random_input(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Random numbers centred below zero, so that some windows hold only negative numbers:
    a maximum that starts from 0, or padding with zeros, then shows."""
    return np.random.default_rng(seed).normal(loc=-0.5, size=shape)


@cache
def _tf_pool(shape, seed, window, stride, mode, padding) -> np.ndarray:
    """``tf.nn.pool`` of the case's input, without the batch (and channel) axes it adds."""
    x = random_input(shape, seed)
    batch = x[np.newaxis, ..., np.newaxis] if x.ndim == 2 else x[np.newaxis]
    result = tf.nn.pool(tf.constant(batch), window_shape=window,
                        pooling_type="MAX" if mode == "max" else "AVG",
                        strides=stride or window, padding=padding.upper()).numpy()[0]
    result = result[..., 0] if x.ndim == 2 else result
    result.setflags(write=False)
    return result


def same_padding(side: int, window: int, stride: int) -> tuple[int, int]:
    """(before, after) padding of one side under 'same': enough for ceil(side / stride)
    windows, the odd one after the picture (TensorFlow's and Keras's rule)."""
    total = max((pooling.output_side(side, window, stride, "SAME") - 1) * stride + window - side,
                0)
    return total // 2, total - total // 2


def pool_numpy(x: np.ndarray, window: tuple[int, int], stride: tuple[int, int], mode: str,
               padding: str, fill: float = np.nan, extra_first: bool = False) -> np.ndarray:
    """2-D pooling of an [H, W] or [H, W, C] array in NumPy. Padded positions hold ``fill``;
    NaN, the default, leaves them out of every maximum and average, as TensorFlow does."""
    x = np.asarray(x, dtype=np.float64)
    if padding == "same":
        pads = [same_padding(side, w, s) for side, w, s in zip(x.shape[:2], window, stride,
                                                               strict=True)]
        pads = [(after, before) if extra_first else (before, after) for before, after in pads]
        x = np.pad(x, pads + [(0, 0)] * (x.ndim - 2), constant_values=fill)
    windows = np.lib.stride_tricks.sliding_window_view(x, window, axis=(0, 1))
    windows = windows[::stride[0], ::stride[1]]
    reduce = np.nanmax if mode == "max" else np.nanmean
    return reduce(windows, axis=(-2, -1))


# --- what a wrong result looks like, one test per kind of mistake ---------------------------

# float64 references; a learner's float32 result is still well within this.
TOLERANCE = Tolerance(atol=1e-5, rtol=1e-5)


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape, and values within :data:`TOLERANCE`."""
    return TOLERANCE.close(a, b)


def mixes_channels(t) -> bool:
    """Each output pixel mixes all channels (the window reduced over the channel axis too)."""
    if len(t.case.shape) != 3:
        return False
    expected = t.case.expected()
    merged = expected.max(axis=-1) if t.case.is_max else expected.mean(axis=-1)
    return (close(t.result, merged)
            or close(t.result, np.repeat(merged[..., np.newaxis], t.case.shape[-1], axis=-1)))


def swaps_modes(t) -> bool:
    """Mean where the maximum was asked for, or the reverse."""
    return close(t.result, t.case.expected(mode="avg" if t.case.is_max else "max"))


def max_from_zero(t) -> bool:
    """A maximum that started from 0 instead of from the window's own values."""
    return t.case.is_max and close(t.result, np.maximum(t.case.expected(), 0))


def default_stride_one(t) -> bool:
    """Stride 1 when no stride was given (the default is the pool size)."""
    return t.case.stride is None and close(t.result, t.case.expected(stride=1))


def ignores_stride(t) -> bool:
    """The pool size used as stride although a stride was given."""
    return t.case.stride is not None and close(t.result, t.case.expected(stride=None))


def size_off_by_one(t) -> bool:
    """One row or column too many or too few, channels right."""
    got, want = t.result.shape, t.case.expected().shape
    return (len(got) == len(want) and got[2:] == want[2:] and got[:2] != want[:2]
            and all(abs(g - w) <= 1 for g, w in zip(got[:2], want[:2], strict=True)))


def padding_ignored(t) -> bool:
    """'valid' pooling although 'same' was asked for."""
    return t.case.is_same and close(t.result, t.case.expected(padding="valid"))


def default_padding_same(t) -> bool:
    """'same' pooling when no padding was given (the default is 'valid')."""
    return t.case.padding is None and close(t.result, t.case.expected(padding="same"))


def padded_with_zeros(t) -> bool:
    """Zeros in the padding, competing in the maximum or counted in the average."""
    return t.case.is_same and close(t.result, t.case.padded_wrongly(fill=0.0))


def extra_padding_first(t) -> bool:
    """The odd extra padding before the picture (top, left) instead of after it."""
    return t.case.is_same and close(t.result, t.case.padded_wrongly(extra_first=True))
