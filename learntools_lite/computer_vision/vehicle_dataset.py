"""The car-versus-truck image set, drawn on demand, and the small pretrained base shipped with it.

Every image comes from :mod:`.vehicles` with a random :class:`~.vehicles.Look`, so a seed
fixes the whole set: training (``train_base``), the exercise's batch and the tests all draw
their own images instead of downloading any. Label 0 is a car, label 1 a truck.
"""

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core.array_keys import SameContent
from .vehicles import Look, draw

CLASS_NAMES = ("car", "truck")
IMAGE_SIZE = 64
BASE_PATH = Path(__file__).parent / "data" / "vehicle_base.keras"


def random_look(rng: np.random.Generator) -> Look:
    """A random way to draw a vehicle: body, sky and ground colours, position, size, noise.

    The ranges keep the whole vehicle inside the picture and the road below it, so every
    image shows one complete car or truck; the position varies widely on purpose, since
    the exercise is about features that do not care where the vehicle is.
    """
    length = rng.uniform(0.55, 0.92)
    grey = rng.uniform(0.20, 0.55)
    return Look(
        body=tuple(float(v) for v in rng.uniform(0.05, 0.95, 3)),
        sky=tuple(float(v) for v in rng.uniform(0.55, 1.0, 3)),
        # Roads are greys with a slight tint, darker than most skies.
        ground=tuple(float(grey + v) for v in rng.uniform(-0.05, 0.05, 3)),
        left=float(rng.uniform(0.02, 0.98 - length)),
        length=float(length),
        road=float(rng.uniform(0.72, 0.92)),
        noise=float(rng.uniform(0.0, 0.06)),
    )


def make_dataset(count: int, seed: int, size: int = IMAGE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """``count`` pictures of cars and trucks, half of each in random order.

    Returns ``(images, labels)``: float32 RGB images in [0, 1] of shape [count, size, size, 3]
    and int64 labels of shape [count] (0 = car, 1 = truck). The same seed gives the same set.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % 2).astype(np.int64)
    images = np.empty((count, size, size, 3), dtype=np.float32)
    for i, label in enumerate(labels):
        look = random_look(rng)
        # Each picture's noise gets its own seed drawn from rng, so one seed fixes everything.
        images[i] = draw(CLASS_NAMES[label], size, look, seed=int(rng.integers(2**31)))
    return images, labels


def load_vehicle_base():
    """The pretrained convolutional base shipped with the course, as a Keras model.

    It maps [batch, 64, 64, 3] images in [0, 1] to [batch, 8, 8, 16] feature maps and has no
    classifier head. Each call loads a fresh copy from the package, without the network.
    """
    import keras  # here, not at the top: drawing the data set does not need TensorFlow

    return keras.models.load_model(BASE_PATH, compile=False)


@lru_cache(maxsize=1)
def cached_vehicle_base():
    """One shared copy of the base for the checker, loaded on first use.

    Checks call this instead of :func:`load_vehicle_base` so only the first one pays for
    loading; the learner's own ``base`` stays a separate copy they are free to change.
    """
    return load_vehicle_base()


def base_feature_maps(images: np.ndarray) -> np.ndarray:
    """The shared base's feature maps (float64) for a [batch, 64, 64, 3] batch of images,
    computed once for each batch of values (the latest few are kept)."""
    return _feature_maps(SameContent(images))


@lru_cache(maxsize=4)
def _feature_maps(batch: SameContent) -> np.ndarray:
    maps = cached_vehicle_base()(batch.array.astype(np.float32), training=False)
    return np.asarray(maps, dtype=np.float64)
