"""Procedural side views of cars and trucks, drawn with NumPy.

The course cannot download photographs, so it draws its own: the lesson image of a car
and the car-versus-truck images the pretrained base is trained on both come from here.
Shapes are drawn on a supersampled grid and averaged down, which gives smooth edges.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.path import Path


class Canvas:
    """An RGB picture in unit coordinates: x from 0 (left) to 1 (right), y from 0 (top) down."""

    def __init__(self, height: int, width: int, supersample: int = 3):
        self.shape = (height, width)
        self.supersample = supersample
        rows, cols = height * supersample, width * supersample
        self.pixels = np.zeros((rows, cols, 3))
        y, x = np.mgrid[0:rows, 0:cols]
        self.x = (x + 0.5) / cols
        self.y = (y + 0.5) / rows * height / width  # keep circles round on wide canvases

    def fill(self, mask: np.ndarray, colour) -> None:
        self.pixels[mask] = colour

    def vertical_gradient(self, top, bottom) -> None:
        t = (self.y / self.y.max())[..., None]
        self.pixels[:] = (1 - t) * np.asarray(top) + t * np.asarray(bottom)

    def rectangle(self, x0, y0, x1, y1, colour) -> None:
        self.fill((self.x >= x0) & (self.x <= x1) & (self.y >= y0) & (self.y <= y1), colour)

    def ellipse(self, cx, cy, rx, ry, colour) -> None:
        self.fill(((self.x - cx) / rx) ** 2 + ((self.y - cy) / ry) ** 2 <= 1, colour)

    def polygon(self, points, colour) -> None:
        inside = Path(points).contains_points(np.column_stack([self.x.ravel(), self.y.ravel()]))
        self.fill(inside.reshape(self.x.shape), colour)

    def image(self) -> np.ndarray:
        """The picture at its real size, float32 RGB in [0, 1]."""
        s = self.supersample
        h, w = self.shape
        return self.pixels.reshape(h, s, w, s, 3).mean(axis=(1, 3)).clip(0, 1).astype(np.float32)


@dataclass(frozen=True)
class Look:
    """Everything that varies between two drawings of a vehicle."""

    body: tuple = (0.75, 0.12, 0.10)
    sky: tuple = (0.80, 0.88, 0.96)
    ground: tuple = (0.35, 0.36, 0.38)
    left: float = 0.08  # where the vehicle starts, as a fraction of the width
    length: float = 0.84  # how much of the width it covers
    road: float = 0.80  # the height of the road line, as a fraction of the height
    noise: float = 0.0  # standard deviation of added pixel noise


def _wheel(canvas: Canvas, cx, cy, r) -> None:
    canvas.ellipse(cx, cy, r, r, (0.08, 0.08, 0.08))
    canvas.ellipse(cx, cy, 0.55 * r, 0.55 * r, (0.72, 0.72, 0.74))
    canvas.ellipse(cx, cy, 0.18 * r, 0.18 * r, (0.30, 0.30, 0.32))


def _scene(canvas: Canvas, look: Look) -> float:
    """Sky and road; returns the y of the road surface."""
    road = look.road * canvas.y.max()
    canvas.vertical_gradient(look.sky, np.asarray(look.sky) * 0.85)
    canvas.rectangle(0, road, 1, 2, look.ground)
    return road


def _car(canvas: Canvas, look: Look, road: float) -> None:
    x0, n = look.left, look.length
    r = 0.11 * n
    top, sill = road - 0.37 * n, road - 0.08 * n
    glass = (0.55, 0.68, 0.80)
    canvas.polygon([(x0 + 0.22 * n, road - 0.21 * n), (x0 + 0.34 * n, top),
                    (x0 + 0.68 * n, top), (x0 + 0.82 * n, road - 0.21 * n)], look.body)
    canvas.polygon([(x0 + 0.27 * n, road - 0.22 * n), (x0 + 0.36 * n, top + 0.03 * n),
                    (x0 + 0.50 * n, top + 0.03 * n), (x0 + 0.50 * n, road - 0.22 * n)], glass)
    canvas.polygon([(x0 + 0.53 * n, road - 0.22 * n), (x0 + 0.53 * n, top + 0.03 * n),
                    (x0 + 0.66 * n, top + 0.03 * n), (x0 + 0.77 * n, road - 0.22 * n)], glass)
    canvas.rectangle(x0, road - 0.22 * n, x0 + n, sill, look.body)
    canvas.rectangle(x0 + 0.515 * n, road - 0.20 * n, x0 + 0.52 * n, sill, (0.1, 0.1, 0.1))
    canvas.rectangle(x0 + n - 0.04 * n, road - 0.19 * n, x0 + n, road - 0.15 * n, (1, 0.95, 0.6))
    for cx in (x0 + 0.2 * n, x0 + 0.8 * n):
        _wheel(canvas, cx, road - r * 0.9, r)


def _truck(canvas: Canvas, look: Look, road: float) -> None:
    x0, n = look.left, look.length
    r = 0.085 * n
    sill = road - 0.08 * n
    canvas.rectangle(x0, road - 0.50 * n, x0 + 0.70 * n, sill, (0.85, 0.85, 0.82))
    canvas.rectangle(x0 + 0.72 * n, road - 0.36 * n, x0 + n, sill, look.body)
    canvas.rectangle(x0 + 0.80 * n, road - 0.33 * n, x0 + 0.96 * n, road - 0.22 * n,
                     (0.55, 0.68, 0.80))
    canvas.rectangle(x0 + n - 0.03 * n, road - 0.16 * n, x0 + n, road - 0.12 * n, (1, 0.95, 0.6))
    canvas.rectangle(x0, sill, x0 + n, sill + 0.02 * n, (0.15, 0.15, 0.15))
    for cx in (x0 + 0.14 * n, x0 + 0.30 * n, x0 + 0.86 * n):
        _wheel(canvas, cx, road - r * 0.9, r)


DRAWERS = {"car": _car, "truck": _truck}


def draw(kind: str, size: int | tuple[int, int], look: Look = Look(), seed: int = 0,
         supersample: int = 3) -> np.ndarray:
    """A picture of a ``"car"`` or ``"truck"``: float32 RGB of shape (height, width, 3)."""
    height, width = (size, size) if isinstance(size, int) else size
    canvas = Canvas(height, width, supersample)
    road = _scene(canvas, look)
    DRAWERS[kind](canvas, look, road)
    picture = canvas.image()
    if look.noise:
        noise = np.random.default_rng(seed).normal(0, look.noise, picture.shape)
        picture = (picture + noise).clip(0, 1).astype(np.float32)
    return picture
