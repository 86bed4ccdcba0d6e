"""Time the training of the shipped car-versus-truck base and report its accuracy.

Run ``.venv/bin/python benchmarks/train_base.py``. Nothing is saved: the model in the
package is only replaced by ``python -m learntools_lite.computer_vision.train_base``.
"""

import time

from learntools_lite.computer_vision import train_base


def main() -> None:
    """Train once, timing the whole run (drawing included) and the fitting alone."""
    start = time.perf_counter()
    run = train_base.train()
    total = time.perf_counter() - start
    print(f"validation accuracy: {run.validation_accuracy:.4f} "
          f"({train_base.VALIDATION_COUNT} images)")
    print(f"fitting: {run.seconds:.1f} s; whole run with drawing the images: {total:.1f} s")


if __name__ == "__main__":
    main()
