"""Train the small car-versus-truck convolutional base that the course ships.

Run ``python -m learntools_lite.computer_vision.train_base``. It draws the training and
validation images with fixed seeds, trains on the CPU with seeded, deterministic ops, prints
the validation accuracy and the training time, and writes ``data/vehicle_base.keras``.

Only the *base* is saved: three convolution, ReLU and max-pooling blocks that turn a
[64, 64, 3] image into an [8, 8, 16] stack of feature maps. The classifier head it is
trained with (global average pooling and one sigmoid unit) is thrown away, so exercise 3
can attach its own pooling layer and head.
"""

import time
from dataclasses import dataclass

import keras
import tensorflow as tf

from .vehicle_dataset import BASE_PATH, IMAGE_SIZE, make_dataset

TRAIN_SEED = 1
VALIDATION_SEED = 2  # the tests use other seeds again, so they see images never trained on
TRAIN_COUNT = 2000
VALIDATION_COUNT = 400
WEIGHT_SEED = 0
EPOCHS = 12
BATCH_SIZE = 32


def build_base() -> keras.Sequential:
    """The untrained base: [batch, 64, 64, 3] images to [batch, 8, 8, 16] feature maps."""
    blocks = []
    for number, filters in enumerate((8, 16, 16), start=1):
        # Named layers, so the exercise's model summary reads as blocks of the lesson's steps.
        blocks += [
            keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                                name=f"block{number}_conv"),
            keras.layers.MaxPool2D(name=f"block{number}_pool"),
        ]
    return keras.Sequential(
        [keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3)), *blocks], name="vehicle_base"
    )


@dataclass(frozen=True)
class TrainingRun:
    """What a training run produced and how well it did."""

    base: keras.Sequential
    validation_accuracy: float
    seconds: float


def train(epochs: int = EPOCHS, verbose: int = 0) -> TrainingRun:
    """Train a fresh base with a temporary head; the same call gives the same weights.

    Drawing the images is not counted in ``seconds``, only the fitting.
    """
    # Seeds fix the initial weights and the shuffling; op determinism makes TensorFlow pick
    # kernels whose floating-point sums do not depend on thread timing.
    keras.utils.set_random_seed(WEIGHT_SEED)
    tf.config.experimental.enable_op_determinism()
    train_images, train_labels = make_dataset(TRAIN_COUNT, TRAIN_SEED)
    valid_images, valid_labels = make_dataset(VALIDATION_COUNT, VALIDATION_SEED)

    base = build_base()
    model = keras.Sequential([
        base,
        keras.layers.GlobalAvgPool2D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy",
                  metrics=["binary_accuracy"])
    # A ready tf.data pipeline: Keras 3.15 wraps NumPy arrays in a map whose attribute
    # TensorFlow 2.21 does not know, and TensorFlow prints an error line about it each epoch.
    batches = (tf.data.Dataset.from_tensor_slices((train_images, train_labels))
               .shuffle(TRAIN_COUNT, seed=TRAIN_SEED).batch(BATCH_SIZE))
    start = time.perf_counter()
    # The pipeline already reshuffles every epoch (seeded); Keras would only warn about it.
    model.fit(batches, epochs=epochs, shuffle=False, verbose=verbose)
    seconds = time.perf_counter() - start
    valid = tf.data.Dataset.from_tensor_slices((valid_images, valid_labels)).batch(BATCH_SIZE)
    _, accuracy = model.evaluate(valid, verbose=0)
    return TrainingRun(base, float(accuracy), seconds)


def main() -> None:
    """Train, report, and save the base next to the course's other data."""
    run = train(verbose=2)
    run.base.save(BASE_PATH)
    size_kb = BASE_PATH.stat().st_size / 1024
    print(f"validation accuracy {run.validation_accuracy:.4f} on {VALIDATION_COUNT} images")
    print(f"training took {run.seconds:.1f} s")
    print(f"saved {BASE_PATH} ({size_kb:.0f} KB)")


if __name__ == "__main__":
    main()
