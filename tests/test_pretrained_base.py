"""The shipped car-versus-truck base: small, loadable offline, and useful on images it never saw.

Retraining is not repeated here (``benchmarks/train_base.py`` times it); these tests check the
committed ``vehicle_base.keras`` and the data set generator it was trained from.
"""

import socket

import numpy as np
import pytest

from learntools_lite.computer_vision import train_base
from learntools_lite.computer_vision.vehicle_dataset import (
    BASE_PATH,
    IMAGE_SIZE,
    load_vehicle_base,
    make_dataset,
    random_look,
)

MAX_BYTES = 5 * 1024 * 1024
# Seeds the base was not trained or validated on (training used 1 and 2).
HEAD_SEED, TEST_SEED = 101, 102
# Measured 0.99 (297 of 300) with TensorFlow 2.21 and Keras 3.15; the margin allows for
# round-off differences between platforms, not for a base that stopped working.
MIN_ACCURACY = 0.95


@pytest.fixture(scope="module")
def base():
    return load_vehicle_base()


def pooled(base, seed: int, count: int = 300):
    """Globally average-pooled base features and labels for a fresh set of images."""
    images, labels = make_dataset(count, seed)
    return np.asarray(base(images), dtype=np.float64).mean(axis=(1, 2)), labels


def fit_logistic_head(features, labels, steps: int = 500, rate: float = 0.5):
    """A GAP + logistic-regression head fitted by plain gradient descent in NumPy.

    A freshly fitted head, rather than the temporary head thrown away after training, tests
    what the exercise relies on: that the pooled features of the saved base alone separate
    cars from trucks with a linear rule. NumPy keeps it deterministic and well under a second.
    Returns a function mapping features to predicted labels.
    """
    mean, spread = features.mean(axis=0), features.std(axis=0) + 1e-6  # some maps never fire
    scaled = (features - mean) / spread
    weights, bias = np.zeros(scaled.shape[1]), 0.0
    for _ in range(steps):
        error = 1 / (1 + np.exp(-(scaled @ weights + bias))) - labels
        weights -= rate * (scaled.T @ error / len(labels) + 1e-3 * weights)
        bias -= rate * error.mean()
    return lambda new: (((new - mean) / spread) @ weights + bias > 0).astype(int)


def test_file_is_small():
    assert BASE_PATH.exists(), "run python -m learntools_lite.computer_vision.train_base"
    assert BASE_PATH.stat().st_size <= MAX_BYTES


def test_loading_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access during model loading")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    model = load_vehicle_base()
    assert model.output_shape == (None, 8, 8, 16)


def test_base_is_convolutional_with_no_head(base):
    assert base.input_shape == (None, IMAGE_SIZE, IMAGE_SIZE, 3)
    assert {type(layer).__name__ for layer in base.layers} == {"Conv2D", "MaxPooling2D"}
    assert [layer.name for layer in base.layers] == [
        f"block{n}_{kind}" for n in (1, 2, 3) for kind in ("conv", "pool")
    ]


def test_pooled_features_separate_cars_from_trucks(base):
    head = fit_logistic_head(*pooled(base, HEAD_SEED))
    features, labels = pooled(base, TEST_SEED)
    accuracy = float((head(features) == labels).mean())
    assert accuracy >= MIN_ACCURACY


def test_base_matches_the_architecture_trained(base):
    fresh = train_base.build_base()
    assert [w.shape for w in fresh.get_weights()] == [w.shape for w in base.get_weights()]


def test_data_set_is_seeded_balanced_and_in_range():
    images, labels = make_dataset(10, seed=5)
    again, same_labels = make_dataset(10, seed=5)
    other, _ = make_dataset(10, seed=6)
    assert images.shape == (10, IMAGE_SIZE, IMAGE_SIZE, 3) and images.dtype == np.float32
    assert np.array_equal(images, again) and np.array_equal(labels, same_labels)
    assert not np.array_equal(images, other)
    assert sorted(labels.tolist()) == [0] * 5 + [1] * 5
    assert images.min() >= 0 and images.max() <= 1


def test_random_looks_keep_the_vehicle_in_view():
    rng = np.random.default_rng(0)
    for _ in range(200):
        look = random_look(rng)
        assert 0 < look.left and look.left + look.length < 1
        assert 0.7 <= look.road <= 0.95
        assert all(0 <= value <= 1 for value in (*look.body, *look.sky, *look.ground))
