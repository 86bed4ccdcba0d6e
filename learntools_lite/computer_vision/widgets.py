"""Interactive pictures for exercise 2: does max pooling hide a small shift?

``translation_widget()`` returns a :class:`TranslationWidget`: sliders for the shift
``dx``, ``dy`` and the number of ``poolings``, the shifted picture drawn beside its pooled
result and the change pooling left, a readout line and a "random shift" button. Every
redraw keeps its numbers in ``widget.last_result`` (a :class:`pooling.ShiftComparison`) and
its figure in ``widget.figure``, so tests can check them without a browser.
"""

import matplotlib.pyplot as plt
import numpy as np
from IPython import get_ipython
from IPython.display import display
from ipywidgets import Button, HBox, IntSlider, Label, Layout, interactive

from ..core.i18n import N_, _
from . import pooling

# How a title names each pooling mode (the English words are the modes' own names).
MODE_WORDS = {"max": N_("max"), "avg": N_("avg")}

MAX_SHIFT = 8


class TranslationWidget(interactive):
    """Sliders ``dx``, ``dy`` (-8 to 8) and ``poolings`` (1 to 5) that redraw at once.

    ``children`` are, in order: the ``dx``, ``dy`` and ``poolings`` sliders, a row with the
    "random shift" button and the readout label, and the output area with the figure.
    """

    def __init__(self, image=None, mode: str = "max", seed=None):
        if mode not in ("max", "avg"):  # checked here: errors in a redraw are only logged
            raise ValueError(f"mode must be 'max' or 'avg', not {mode!r}")
        # Everything the drawing function uses must exist before interactive.__init__,
        # which draws once with the sliders' starting values.
        self.picture = pooling.as_picture(image)
        self.mode = mode
        self.last_result: pooling.ShiftComparison | None = None
        self.figure = None
        self.readout = Label(layout=Layout(width="auto"))
        self.button = Button(description=_("random shift"), icon="random")
        self._rng = np.random.default_rng(seed)
        self._holding = False
        self.dx = IntSlider(value=0, min=-MAX_SHIFT, max=MAX_SHIFT, description="dx")
        self.dy = IntSlider(value=0, min=-MAX_SHIFT, max=MAX_SHIFT, description="dy")
        self.poolings = IntSlider(value=1, min=1, max=pooling.MOST_POOLINGS,
                                  description=_("poolings"))
        super().__init__(self._redraw, dx=self.dx, dy=self.dy, poolings=self.poolings)
        self.button.on_click(self.random_shift)
        self.children = (self.dx, self.dy, self.poolings, HBox([self.button, self.readout]),
                         self.out)

    def random_shift(self, _button=None) -> None:
        """Move the sliders to a new random shift; the picture is redrawn once, not twice."""
        dx, dy = self.dx.value, self.dy.value
        while (dx, dy) == (self.dx.value, self.dy.value):  # a click always shows a new shift
            dx, dy = (int(v) for v in self._rng.integers(-MAX_SHIFT, MAX_SHIFT + 1, size=2))
        if dy != self.dy.value:
            # Changing dx would redraw with the old dy; skip that half-way picture.
            self._holding = True
            try:
                self.dx.value = dx
            finally:
                self._holding = False
            self.dy.value = dy
        else:
            self.dx.value = dx

    def _redraw(self, dx: int, dy: int, poolings: int):
        if self._holding:
            return self.last_result
        result = pooling.compare_shift(self.picture, dx, dy, poolings, self.mode)
        self.last_result = result
        self.readout.value = result.summary()
        self.figure = draw(result)
        show(self.figure)
        return result


def draw(result: pooling.ShiftComparison):
    """The shifted picture, its pooled result and the change against no shift, in a row."""
    figure, axes = plt.subplots(1, 3, figsize=(11, 3.6))
    axes[0].imshow(result.shifted, cmap="gray")
    axes[0].set_title(_("shifted by dx={dx}, dy={dy}").format(dx=result.dx, dy=result.dy))
    axes[1].imshow(result.result, cmap="gray")
    axes[1].set_title(_("after {poolings} x {mode} pooling").format(
        poolings=result.poolings, mode=_(MODE_WORDS[result.mode])))
    # A symmetric colour scale keeps "no change" white whatever the largest change is.
    limit = max(result.largest, 1e-6)
    axes[2].imshow(result.difference, cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[2].set_title(_("identical to no shift") if result.identical
                      else _("change: {changed} pixels").format(changed=result.changed))
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    figure.tight_layout()
    return figure


def show(figure) -> None:
    """Show ``figure`` in the widget's output area now, then close it.

    Showing it explicitly works whatever matplotlib backend the kernel uses (the inline
    backend would otherwise wait for the cell to finish, and slider moves are not cells);
    closing it stops pyplot from keeping every redraw and from drawing it a second time.
    Outside IPython (tests, scripts) nothing is shown; the figure object stays usable.
    """
    if get_ipython() is not None:
        display(figure)
    plt.close(figure)


def translation_widget(image=None, mode: str = "max", seed=None) -> TranslationWidget:
    """The translation-invariance widget for ``image`` (default: the circle of question 2;
    ``"car"`` or any grayscale array also works). ``mode`` is ``"max"`` or ``"avg"``;
    ``seed`` makes the "random shift" button repeatable. Display it by leaving it as the
    last line of a cell."""
    return TranslationWidget(image, mode, seed)
