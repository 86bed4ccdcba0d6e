"""Inputs the learner controls cannot make a question trivial: a blank picture, feature map
or batch (from which the expected answer could be written down without doing the work)
is refused with a message that says how to get the real input back."""

import numpy as np
import pytest
import tensorflow as tf

from learntools_lite.computer_vision import ex1, ex2, ex3, pooling, visiontools
from learntools_lite.computer_vision.vehicle_dataset import make_dataset
from learntools_lite.computer_vision.visiontools import random_map
from learntools_lite.core import Status

EDGE = np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float32)
CAR = visiontools.read_image("car")


def relu(x):
    return tf.nn.relu(x).numpy()


@pytest.mark.parametrize("image", [np.zeros((1, 400, 400, 1)), np.full((1, 64, 64, 1), 0.5)])
def test_ex1_a_blank_picture_does_not_make_the_filter_trivial(namespace, image):
    image_filter = ex1.convolve(image, EDGE)  # what the "answer" would be: constant too
    namespace.update(image=image, kernel=EDGE, image_filter=image_filter,
                     image_detect=relu(image_filter))
    outcome = ex1.q_2.evaluate()
    assert outcome.status is Status.INCORRECT
    assert outcome.message == (
        "`image` holds the same value everywhere, so it cannot show whether an answer is "
        "right. Re-run the set-up cell to get the picture back, then your answers.")
    if not image.any():  # then the filtered picture is blank too
        assert ex1.q_3.evaluate().message.startswith(
            "`image_filter` holds the same value everywhere")


@pytest.mark.parametrize("image", [CAR[0, :, :, 0], CAR[:, :4, :4, :], np.ones((2, 9, 9, 1))])
def test_ex1_a_picture_of_another_shape_is_named(namespace, image):
    namespace.update(image=image, kernel=EDGE, image_filter=np.ones((1, 9, 9, 1)))
    outcome = ex1.q_2.evaluate()
    assert outcome.status is Status.INCORRECT
    assert outcome.message == (
        "`image` should be the picture from the set-up cell, shape `[1, height, width, 1]`, "
        f"but it has shape `{np.shape(image)}`. Re-run the set-up cell to get the picture "
        "back, then your answers.")


def test_ex1_the_real_picture_still_passes(namespace):
    image_filter = ex1.convolve(CAR, EDGE)
    namespace.update(image=CAR, kernel=EDGE, image_filter=image_filter,
                     image_detect=relu(image_filter))
    assert ex1.q_2.evaluate().passed and ex1.q_3.evaluate().passed


def test_ex2_a_blank_detected_image_does_not_make_pooling_trivial(namespace):
    blank = np.zeros((1, 398, 398, 1))
    namespace.update(image_detect=blank, image_filter=blank, image=CAR,
                     image_condense=np.zeros((1, 199, 199, 1)))
    outcome = ex2.q_1.evaluate()
    assert outcome.status is Status.INCORRECT
    assert outcome.message.startswith("`image_detect` holds the same value everywhere")
    image, image_filter, image_detect = pooling.detected_car()
    namespace.update(image_detect=image_detect, image_filter=image_filter, image=image,
                     image_condense=ex2.condense(np.asarray(image_detect, dtype=np.float64)))
    assert ex2.q_1.evaluate().passed


def test_ex3_blank_feature_maps_or_images_are_refused(namespace):
    namespace.update(feature_maps=np.ones((1, 5, 5, 8)), pooled=np.ones((1, 8)))
    assert ex3.q_1.evaluate().message.startswith("`feature_maps` holds the same value")
    namespace.update(feature_maps=random_map([1, 5, 5, 8], seed=3))
    namespace["pooled"] = np.asarray(namespace["feature_maps"]).mean(axis=(1, 2))
    assert ex3.q_1.evaluate().passed
    images, labels = make_dataset(4, seed=1)
    namespace.update(images=np.zeros_like(images), labels=labels,
                     features=np.zeros((4, 16)), best_feature=0)
    outcome = ex3.q_3.evaluate()
    assert outcome.status is Status.INCORRECT
    assert outcome.message == ("`images` holds the same value everywhere, so it cannot show "
                               "whether an answer is right. Re-run the set-up cell.")
