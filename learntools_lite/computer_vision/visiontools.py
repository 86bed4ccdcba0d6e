"""Images and plots for the lessons and exercises: reading the shipped pictures,
drawing kernels with their numbers, and showing images side by side."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from ..core.i18n import _

DATA_DIR = Path(__file__).parent / "data"


def read_image(name: str = "car", channels: int = 1) -> tf.Tensor:
    """A picture shipped with the package as a batch of one: shape [1, H, W, channels],
    float32 in [0, 1]. ``name`` is a file stem in the package's ``data`` folder."""
    path = DATA_DIR / f"{name}.png"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.png")))
        raise FileNotFoundError(f"No image called {name!r}; the course ships: {known}.")
    picture = tf.io.decode_png(tf.io.read_file(str(path)), channels=channels)
    return tf.image.convert_image_dtype(picture, tf.float32)[tf.newaxis]


def as_2d(picture) -> np.ndarray:
    """Drop batch and channel axes of size 1, so [1, H, W, 1] plots as an H x W image."""
    array = np.asarray(picture, dtype=np.float32)
    while array.ndim > 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    return array


def show_kernel(kernel, label: bool = True, digits: int | None = None, ax=None) -> None:
    """Draw a 2-D kernel as a grid of shaded cells, with each weight written in its cell.

    Returns nothing, so a call at the end of a notebook cell shows just the picture."""
    weights = as_2d(kernel)
    if digits is not None:
        weights = weights.round(digits)
    ax = ax or plt.gca()
    limit = max(float(np.abs(weights).max()), 1e-6)
    ax.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
    if label:
        for (row, col), weight in np.ndenumerate(weights):
            text = f"{weight:g}"
            shade = "white" if abs(weight) > 0.6 * limit else "black"
            ax.text(col, row, text, ha="center", va="center", color=shade, fontsize=14)
    ax.set_xticks([])
    ax.set_yticks([])


def show_images(pictures, titles=(), cmap: str = "gray", size: float = 3.5) -> None:
    """Show pictures in a row, each with its title (one figure, nothing returned); a title
    the checker's catalog holds (those the course's notebooks write) is shown in the
    learner's language."""
    figure, axes = plt.subplots(1, len(pictures), figsize=(size * len(pictures), size),
                                squeeze=False)
    for ax, picture, title in zip(axes[0], pictures, [*titles, *[""] * len(pictures)],
                                  strict=False):
        ax.imshow(as_2d(picture), cmap=cmap)
        ax.set_title(_(title))
        ax.axis("off")
    figure.tight_layout()


def random_map(shape, seed: int, coarse: int = 3) -> tf.Tensor:
    """Smooth random feature maps, like the output of a convolution and ReLU.

    ``shape`` is [batch, height, width, channels]. Each map is Gaussian noise on a
    ``coarse`` x ``coarse`` grid, resized to height x width with bicubic interpolation so
    neighbouring values are related, as in real feature maps; ReLU then zeroes the weakest
    spots. Returns a float32 tensor; the same seed gives the same maps.
    """
    batch, height, width, channels = shape
    noise = np.random.default_rng(seed).normal(size=(batch, coarse, coarse, channels))
    smooth = tf.image.resize(noise.astype(np.float32), (height, width), method="bicubic")
    # Shifted up before ReLU so most positions respond and only some are cut to zero.
    return tf.nn.relu(smooth + 0.5)
