"""Re-create the pictures the package ships in ``data/``.

Run ``python -m learntools_lite.computer_vision.make_assets``; the output is deterministic.
"""

import numpy as np
from matplotlib.image import imsave

from .vehicles import Look, draw
from .visiontools import DATA_DIR


def make_car_image() -> None:
    """The 400 x 400 grayscale car the lessons filter, detect and condense."""
    look = Look(body=(0.55, 0.10, 0.10), left=0.04, length=0.92, road=0.78)
    rgb = draw("car", 400, look)
    gray = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    imsave(DATA_DIR / "car.png", gray, cmap="gray", vmin=0, vmax=1)


if __name__ == "__main__":
    make_car_image()
