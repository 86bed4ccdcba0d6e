"""Figures the lessons draw: the ReLU, windows sliding with padding and stride, the four steps
on one picture, what Flatten and global average pooling hand the head, and the kernels a
trained first layer learned.

Each function draws one matplotlib figure and returns the numbers it labels, so a test can
check them against TensorFlow and Keras. Their words are in the learner's language
(``core/i18n.py``).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from ..core.i18n import N_, _
from .pooling import output_side
from .visiontools import as_2d

# A filtered value this close to 0 is a flat patch of colour: float rounding decides its sign.
FLAT = 1e-5


def relu_plot(filtered) -> dict:
    """Left: ReLU as a function. Right: the values of ``filtered`` before the ReLU, the
    clearly negative ones (which it sets to 0) in a second colour. Returns the shares of
    values that are clearly negative and about 0 (within ``FLAT``: flat patches, where
    rounding alone decides the sign)."""
    values = np.asarray(filtered, dtype=np.float64).ravel()
    negative, flat = values < -FLAT, np.abs(values) <= FLAT
    figure, (curve, spread) = plt.subplots(1, 2, figsize=(10, 3.4))
    x = np.linspace(-3, 3, 301)
    curve.plot(x, np.maximum(x, 0), linewidth=3, color="tab:blue")
    curve.plot(x[x < 0], x[x < 0], linestyle=":", color="gray", label=_("input (where negative)"))
    curve.axhline(0, color="black", linewidth=0.6)
    curve.axvline(0, color="black", linewidth=0.6)
    curve.set_title("ReLU(x) = max(0, x)")
    curve.set_xlabel(_("x, a filtered value"))
    curve.legend(loc="upper left")
    bins = np.linspace(values.min(), values.max(), 60)
    spread.hist(values[negative], bins=bins, color="tab:red", label=_("negative: become 0"))
    spread.hist(values[~negative], bins=bins, color="tab:blue", label=_("kept as they are"))
    spread.set_yscale("log")
    spread.set_title(_("the filtered image's values"))
    spread.set_xlabel(_("value"))
    spread.legend()
    figure.tight_layout()
    plt.show()
    return {"negative": float(np.mean(negative)), "flat": float(np.mean(flat))}


def _same_padding(n: int, window: int, stride: int) -> tuple[int, int]:
    """Zeros TensorFlow adds before and after a side with 'SAME' (the odd one goes after)."""
    total = max((output_side(n, window, stride, "SAME") - 1) * stride + window - n, 0)
    return total // 2, total - total // 2


def sliding_windows(n: int = 7, window: int = 3, stride: int = 2) -> dict:
    """One row of ``n`` input values and where a window of ``window`` moving ``stride`` at a
    time lands, with 'VALID' (top) and 'SAME' (bottom; padded cells hatched). Returns the
    output size each padding gives."""
    sizes = {}
    figure, axes = plt.subplots(2, 1, figsize=(9, 4.2))
    for ax, padding in zip(axes, ("VALID", "SAME"), strict=True):
        before, after = _same_padding(n, window, stride) if padding == "SAME" else (0, 0)
        for cell in range(-before, n + after):
            padded = not 0 <= cell < n
            ax.add_patch(Rectangle((cell, 0), 1, 1, facecolor="white" if padded else "#dbe9f6",
                                   edgecolor="black", hatch="//" if padded else None))
            ax.text(cell + 0.5, 0.5, "" if padded else str(cell), ha="center", va="center")
        sizes[padding] = output_side(n, window, stride, padding)
        for index in range(sizes[padding]):
            start = index * stride - before
            level = 1.25 + 0.35 * (index % 2)
            ax.add_patch(FancyArrowPatch((start + 0.05, level), (start + window - 0.05, level),
                                         arrowstyle="|-|", mutation_scale=6,
                                         color=plt.cm.tab10(index % 10), linewidth=2))
            ax.text(start + window / 2, level + 0.15, _("out {index}").format(index=index),
                    ha="center", fontsize=8, color=plt.cm.tab10(index % 10))
        ax.set_xlim(-before - 0.5, n + after + 0.5)
        ax.set_ylim(-0.3, 2.3)
        ax.axis("off")
        ax.set_title(_("'{padding}': {n} values, window {window}, stride {stride} -> "
                       "{outputs} outputs").format(padding=padding, n=n, window=window,
                                                   stride=stride, outputs=sizes[padding]),
                     loc="left")
    figure.tight_layout()
    plt.show()
    return sizes


def pipeline_strip(image, kernel) -> dict:
    """One picture through the four steps with one kernel: filter (convolution), detect
    (ReLU), condense (2 x 2 max pooling) and summarise (global average pooling, one number).
    Returns the shape after each step and the summary value."""
    import tensorflow as tf

    filters = tf.reshape(tf.constant(kernel, tf.float32), [3, 3, 1, 1])
    filtered = tf.nn.conv2d(image, filters, strides=1, padding="SAME")
    detected = tf.nn.relu(filtered)
    condensed = tf.nn.max_pool2d(detected, ksize=2, strides=2, padding="SAME")
    summary = tf.reduce_mean(condensed, axis=[1, 2])
    steps = [(N_("image"), image), (N_("filter: convolution"), filtered),
             (N_("detect: ReLU"), detected), (N_("condense: max pooling"), condensed)]
    figure, axes = plt.subplots(1, 5, figsize=(16, 3.5))
    for ax, (title, picture) in zip(axes, steps, strict=False):
        ax.imshow(as_2d(picture), cmap="gray")
        ax.set_title(f"{_(title)}\n{tuple(picture.shape[1:3])}")
        ax.axis("off")
    value = float(summary[0, 0])
    axes[4].bar([0], [value], color="tab:orange", width=0.5)
    axes[4].set_xlim(-1, 1)
    axes[4].set_xticks([])
    axes[4].set_title(_("summarise: global average\none number, {value:.3f}").format(
        value=value))
    figure.tight_layout()
    plt.show()
    return {"shapes": [tuple(p.shape[1:3]) for _title, p in steps], "summary": value}


def flatten_or_gap(height: int = 8, width: int = 8, channels: int = 16, units: int = 1) -> dict:
    """What reaches a ``Dense(units)`` head after Flatten and after global average pooling,
    as boxes with their sizes and the head's parameter count. Returns the two counts."""
    flat = height * width * channels
    counts = {"Flatten": (flat + 1) * units, "GlobalAvgPool2D": (channels + 1) * units}
    figure, axes = plt.subplots(1, 2, figsize=(11, 3.2))
    for ax, (name, inputs) in zip(axes, (("Flatten", flat), ("GlobalAvgPool2D", channels)),
                                  strict=True):
        ax.add_patch(Rectangle((0, 0), 2, 2, facecolor="#dbe9f6", edgecolor="black"))
        ax.text(1, 1, _("maps\n{height} x {width} x {channels}").format(
            height=height, width=width, channels=channels), ha="center", va="center")
        ax.add_patch(FancyArrowPatch((2.1, 1), (3.4, 1), arrowstyle="-|>", mutation_scale=15))
        ax.text(2.2, 1.55, name.replace("Global", "Global\n"), fontsize=9)
        bar = max(3.5 * inputs / flat, 0.15)  # the vector's length, to scale (made visible)
        ax.add_patch(Rectangle((3.5, 0.8), bar, 0.4, facecolor="tab:orange"))
        ax.text(3.5, 0.55, _("{inputs:,} numbers").format(inputs=inputs), fontsize=9)
        end = 3.5 + bar
        ax.add_patch(FancyArrowPatch((end + 0.1, 1), (end + 1.0, 1), arrowstyle="-|>",
                                     mutation_scale=15))
        ax.text(end + 1.1, 1, _("Dense({units})\n{parameters:,} parameters").format(
            units=units, parameters=counts[name]), va="center")
        ax.set_xlim(-0.2, 10.5)
        ax.set_ylim(-0.2, 2.2)
        ax.axis("off")
    figure.tight_layout()
    plt.show()
    return counts


def learned_kernels(kernels, maps, picture) -> dict:
    """A trained first layer: one column per kernel, its 3 x 3 weights for each input
    channel (red, green, blue rows, on one colour scale) and, last, its ReLU map of
    ``picture``. ``kernels`` is [3, 3, channels, count], ``maps`` [height, width, count].
    Returns the shapes shown."""
    kernels = np.asarray(kernels, dtype=np.float64)
    maps = np.asarray(maps, dtype=np.float64)
    channels, count = kernels.shape[2], kernels.shape[3]
    limit = float(np.abs(kernels).max())
    figure, axes = plt.subplots(channels + 2, count, figsize=(1.6 * count, 1.6 * (channels + 2)))
    names = [_("red"), _("green"), _("blue")] if channels == 3 else \
        [_("channel {c}").format(c=c) for c in range(channels)]
    for k in range(count):
        axes[0, k].imshow(np.asarray(picture))
        axes[0, k].set_title(_("kernel {k}").format(k=k), fontsize=9)
        for c in range(channels):
            axes[c + 1, k].imshow(kernels[:, :, c, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[channels + 1, k].imshow(maps[:, :, k], cmap="magma")
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    for row, name in enumerate([_("picture"), *names, _("ReLU map")]):
        axes[row, 0].set_ylabel(name, fontsize=9)
    figure.tight_layout()
    plt.show()
    return {"kernels": kernels.shape, "maps": maps.shape}
