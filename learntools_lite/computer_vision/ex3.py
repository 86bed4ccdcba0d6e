"""Exercise 3: global average pooling, from feature maps to features a classifier can use.

Learner variables: ``pooled`` (q_1), ``flatten_params`` and ``gap_params`` (q_2),
``features`` and ``best_feature`` (q_3), ``gap_change`` and ``flat_change`` (q_4, which also
has a written part; computed by the checker from its own drawing of the two trucks),
``red_responses`` and ``red_kernel`` (q_5, about the shipped base's first layer; also with a
written part). The
other expected values are computed from the learner's
own ``feature_maps``, ``images`` and ``labels`` (made in the set-up cell), so re-running the
set-up with other seeds still checks correctly. Labels: 0 is a car, 1 a truck.
"""

from functools import cache, lru_cache

import numpy as np
import tensorflow as tf

from ..core import CodingProblem, Mistake, Question, Tolerance, ____
from ..core.array_keys import SameArray
from ..core.i18n import N_, S_, _, sentences
from ..core.outcome import incorrect
from ..core.values import Verdict, informative, numeric_array
from ..core.whole_numbers import whole_number_mistakes
from .vehicle_dataset import IMAGE_SIZE, base_feature_maps, cached_vehicle_base
from .vehicles import Look, draw

__all__ = ["q_1", "q_2", "q_3", "q_4", "q_5", "____"]

# A float32 mean of 25 numbers is off by about 1e-7; these bounds allow any library's
# order of summation and still tell a mean from a sum or a maximum.
POOL_TOLERANCE = Tolerance(atol=1e-5, rtol=1e-4)
# Parameter counts are whole numbers: only the exact count is right.
EXACT = Tolerance(atol=0, rtol=0)
# The learner runs the same base on the same images, but perhaps in other batch sizes
# (``predict`` uses 32), which may change float32 round-off in the convolutions.
FEATURE_TOLERANCE = Tolerance(atol=1e-4, rtol=1e-3)


ANSWER_AGAIN = N_("Re-run the set-up cell, then your answer.")
SETUP_AGAIN = N_("Re-run the set-up cell.")


def _close(answer, target, tolerance=POOL_TOLERANCE) -> bool:
    return tolerance.close(answer, np.asarray(target, dtype=np.float64))


def layer_output(value, name: str) -> np.ndarray:
    """Read an answer like :func:`numeric_array`, but explain a Keras layer or model that
    was stored instead of its output (``keras.layers.GlobalAvgPool2D()`` without a call)."""
    if callable(value) and hasattr(value, "count_params"):  # a Keras layer or model
        raise Verdict(incorrect(
            _("`{name}` is a Keras `{kind}`, not its output. Call it on the data, as in "
              "`{name} = keras.layers.GlobalAvgPool2D()(...)`, to get the numbers.").format(
                name=name, kind=type(value).__name__)
        ))
    return numeric_array(value, name)


# --- Question 1: pooling a stack of feature maps -------------------------------------------

def feature_stack(feature_maps: np.ndarray) -> np.ndarray:
    """``feature_maps`` if it is a 4-D [batch, height, width, channels] stack, else a verdict."""
    if feature_maps.ndim != 4:
        raise Verdict(incorrect(sentences(
            _("`feature_maps` should be the 4-D stack `[batch, height, width, channels]` made "
              "in the set-up cell, but it has shape `{shape}`.").format(shape=feature_maps.shape),
            _(ANSWER_AGAIN))))
    return informative(feature_maps, "feature_maps", _(ANSWER_AGAIN))


def global_average(feature_maps: np.ndarray) -> np.ndarray:
    """Global average pooling: the mean of each map over height and width, [batch, channels]."""
    return feature_stack(feature_maps).mean(axis=(1, 2))


def _local_pooling(answer, feature_maps) -> bool:
    """A pooling window smaller than the map (``AvgPool2D``/``MaxPool2D``) left a grid > 1 x 1."""
    batch, height, width, channels = feature_maps.shape
    return (answer.ndim == 4 and answer.shape[0] == batch and answer.shape[3] == channels
            and answer.shape[1:3] != (1, 1) and answer.shape[1] <= height
            and answer.shape[2] <= width and answer.shape[1:3] != (height, width))


POOLED = CodingProblem(
    variables=("pooled",),
    inputs=("feature_maps",),
    read=layer_output,
    expected=global_average,
    tolerance=POOL_TOLERANCE,
    hints=(
        N_("Global average pooling replaces each whole feature map by one number, its average. "
           "With `feature_maps` of shape `[1, 5, 5, 8]` you should get 8 numbers for the one "
           "image: shape `[1, 8]`."),
        N_("Use the Keras layer `keras.layers.GlobalAvgPool2D()` and call it on `feature_maps`, "
           "or average over the height and width axes yourself: "
           "`tf.reduce_mean(feature_maps, axis=[1, 2])`."),
    ),
    solution=S_("""```python
pooled = keras.layers.GlobalAvgPool2D()(feature_maps)
```
The same numbers without Keras: `tf.reduce_mean(feature_maps, axis=[1, 2])`, or in NumPy
`np.mean(feature_maps, axis=(1, 2))`. Axes 1 and 2 are height and width; axis 0 (the batch)
and axis 3 (the channels) are kept, so each image gets one number per feature."""),
    mistakes=(
        Mistake("global-max",
                lambda answer, feature_maps: _close(answer, feature_maps.max(axis=(1, 2))),
                N_("`pooled` holds the *largest* value of each feature map: that is global max "
                   "pooling (`GlobalMaxPool2D` or `reduce_max`). This question asks for the "
                   "*average* of each map: use `keras.layers.GlobalAvgPool2D()`.")),
        Mistake("sum", lambda answer, feature_maps: _close(answer, feature_maps.sum(axis=(1, 2))),
                lambda feature_maps: _(
                    "`pooled` holds the *sum* of each feature map, {positions} times the "
                    "average. Use `tf.reduce_mean` (not `reduce_sum`), or "
                    "`keras.layers.GlobalAvgPool2D()`.").format(
                        positions=feature_maps.shape[1] * feature_maps.shape[2])),
        Mistake("not-pooled", lambda answer, feature_maps: answer.shape == feature_maps.shape,
                N_("`pooled` has the same shape as `feature_maps`: nothing was pooled. Global "
                   "average pooling replaces each whole map by its average.")),
        Mistake("keepdims",
                lambda answer, feature_maps: answer.shape == (feature_maps.shape[0], 1, 1,
                                                              feature_maps.shape[3]),
                lambda answer, expected: _(
                    "`pooled` has shape `{shape}`: the averaged height and width axes are still "
                    "there with size 1, as `keepdims=True` leaves them. Drop `keepdims` so the "
                    "result has shape `{expected}`, the same as `GlobalAvgPool2D` gives.").format(
                        shape=answer.shape, expected=expected["pooled"].shape)),
        Mistake("flattened", lambda answer, feature_maps: answer.shape == (feature_maps.shape[0],
                                                              feature_maps[0].size),
                lambda answer, feature_maps: _(
                    "`pooled` has all {values} values of the feature maps laid out in a row: that "
                    "is `Flatten`, which keeps every position. Pooling should condense each map "
                    "to one number, giving {channels} values per image.").format(
                        values=answer.shape[1], channels=feature_maps.shape[3])),
        Mistake("local-pooling", _local_pooling,
                lambda answer: _(
                    "`pooled` still has a `{height} x {width}` grid per channel: a pooling layer "
                    "with a window (`AvgPool2D` or `MaxPool2D`) only condenses neighbourhoods. "
                    "*Global* pooling uses the whole map as one window: "
                    "`keras.layers.GlobalAvgPool2D()`.").format(
                        height=answer.shape[1], width=answer.shape[2])),
        Mistake("averaged-channels",
                lambda answer, feature_maps: answer.shape == feature_maps.shape[:3],
                N_("`pooled` has one value per *position* instead of one per *channel*: it "
                   "averages across the channels (`axis=-1` or `axis=3`). Average over height "
                   "and width instead: `axis=[1, 2]`.")),
        Mistake("averaged-everything",
                lambda answer, feature_maps: answer.shape == feature_maps.shape[:1],
                N_("`pooled` has one number per image: the channels were averaged together too "
                   "(`axis=[1, 2, 3]`). Keep the channels apart and average over `axis=[1, 2]` "
                   "only, so each feature keeps its own value.")),
        Mistake("no-axis", lambda answer: answer.shape == (),
                N_("`pooled` is a single number: the mean of every value in `feature_maps`, as "
                   "`reduce_mean` gives when no `axis` is passed. Average over `axis=[1, 2]`.")),
        Mistake("averaged-batch",
                lambda answer, feature_maps: answer.shape == feature_maps.shape[1:],
                N_("`pooled` was averaged over the batch axis (`axis=0`), which here holds only "
                   "one image. Average over height and width, `axis=[1, 2]`.")),
        Mistake("lost-batch-axis", lambda answer, expected: answer.shape
                == expected["pooled"].shape[1:] and _close(answer, expected["pooled"][0]),
                lambda expected: _(
                    "`pooled` has the right numbers but has lost the batch axis: its shape "
                    "should be `{shape}`, one row per image. Do not squeeze or index the "
                    "result.").format(shape=expected["pooled"].shape)),
        Mistake("one-spatial-axis", lambda answer, feature_maps: answer.shape in {
                    (feature_maps.shape[0], feature_maps.shape[1], feature_maps.shape[3]),
                    (feature_maps.shape[0], feature_maps.shape[2], feature_maps.shape[3])},
                N_("`pooled` was averaged over only one of height and width. Average over both "
                   "axes at once: `axis=[1, 2]`.")),
    ),
)


# --- Question 2: parameters of a head after Flatten or after pooling -----------------------

def head_parameters(feature_maps: np.ndarray) -> dict:
    """Weights plus the bias of ``Dense(1)`` after ``Flatten`` and after ``GlobalAvgPool2D``."""
    _, height, width, channels = feature_stack(feature_maps).shape
    return {"flatten_params": height * width * channels + 1, "gap_params": channels + 1}


def _sizes(feature_maps) -> tuple[int, int, int]:
    """(values per image after Flatten, positions per map, channels)."""
    _, height, width, channels = feature_maps.shape
    return height * width * channels, height * width, channels


HEAD_PARAMETERS = CodingProblem(
    variables=("flatten_params", "gap_params"),
    inputs=("feature_maps",),
    expected=head_parameters,
    tolerance=EXACT,
    hints=(
        N_("A `Dense(1)` layer has one weight for each number it receives, plus one bias. "
           "Count how many numbers reach it: after `Flatten`, every value of the 5 x 5 x 8 "
           "maps; after `GlobalAvgPool2D`, one number per channel."),
        N_("Let Keras count for you: build `keras.Sequential([keras.Input(shape=(5, 5, 8)), "
           "keras.layers.Flatten(), keras.layers.Dense(1)])` and call `.count_params()`; do the "
           "same with `GlobalAvgPool2D()` in place of `Flatten()`."),
    ),
    solution=S_("""A `Dense(1)` head has one weight per input plus one bias. `Flatten` passes on
all 5 x 5 x 8 = 200 values, so the head has 200 + 1 = 201 parameters; global average pooling
passes on one value per channel, so the head has 8 + 1 = 9.
```python
flatten_head = keras.Sequential([
    keras.Input(shape=feature_maps.shape[1:]),  # one image's maps: 5 x 5 x 8
    keras.layers.Flatten(),
    keras.layers.Dense(1),
])
gap_head = keras.Sequential([
    keras.Input(shape=feature_maps.shape[1:]),
    keras.layers.GlobalAvgPool2D(),
    keras.layers.Dense(1),
])
flatten_params = flatten_head.count_params()  # 201
gap_params = gap_head.count_params()  # 9
```
Neither `Flatten` nor `GlobalAvgPool2D` has parameters of its own. On the 8 x 8 x 16 maps of
the pretrained base the gap widens: 1,025 against 17."""),
    mistakes=(
        *whole_number_mistakes(
            N_("a count"), N_("A parameter count is a number of weights, so it is an integer.")),
        Mistake("swapped", lambda flatten_params, gap_params, expected:
                flatten_params == expected["gap_params"]
                and gap_params == expected["flatten_params"],
                N_("The two counts are swapped. `Flatten` keeps every value of the feature "
                   "maps, so the head after it needs far *more* weights than the head after "
                   "global average pooling.")),
        Mistake("no-bias", lambda flatten_params, gap_params, expected:
                flatten_params == expected["flatten_params"] - 1
                and gap_params == expected["gap_params"] - 1,
                N_("Both counts are one short: they leave out the bias. A `Dense(1)` layer has "
                   "one weight per input *plus* one bias, and Keras counts the bias as a "
                   "parameter.")),
        Mistake("flatten-no-bias",
                lambda flatten_params, expected: flatten_params == expected["flatten_params"] - 1,
                N_("`flatten_params` is one short: it counts the weights but not the bias. Add "
                   "the `Dense(1)` layer's one bias.")),
        Mistake("gap-no-bias",
                lambda gap_params, expected: gap_params == expected["gap_params"] - 1,
                N_("`gap_params` is one short: it counts the weights but not the bias. Add the "
                   "`Dense(1)` layer's one bias.")),
        Mistake("layer-itself",
                lambda flatten_params, gap_params: flatten_params == 0 or gap_params == 0,
                N_("A count of 0 is the number of parameters of the `Flatten` or "
                   "`GlobalAvgPool2D` layer itself: these layers only rearrange or average "
                   "values and learn nothing. Count the parameters of the `Dense(1)` head that "
                   "comes after them.")),
        Mistake("bias-per-input", lambda flatten_params, gap_params, feature_maps:
                flatten_params == 2 * _sizes(feature_maps)[0]
                or gap_params == 2 * _sizes(feature_maps)[2],
                N_("It looks like one bias was counted per input. A `Dense(1)` layer has one "
                   "weight per input but only one bias, for its one output unit.")),
        Mistake("flatten-one-map", lambda flatten_params, feature_maps:
                float(flatten_params) in {_sizes(feature_maps)[1], _sizes(feature_maps)[1] + 1},
                lambda feature_maps: _(
                    "`flatten_params` counts the positions of one feature map only "
                    "({positions}). `Flatten` keeps the values of all {channels} channels at "
                    "every position, and each gets a weight.").format(
                        positions=_sizes(feature_maps)[1], channels=_sizes(feature_maps)[2])),
        Mistake("gap-positions", lambda gap_params, feature_maps:
                float(gap_params) in {_sizes(feature_maps)[1], _sizes(feature_maps)[1] + 1},
                lambda feature_maps: _(
                    "`gap_params` counts the positions of a map ({positions}), but global "
                    "average pooling removes the positions: it leaves one number per *channel*, "
                    "and each gets a weight.").format(positions=_sizes(feature_maps)[1])),
        Mistake("gap-one-input", lambda gap_params: float(gap_params) in {1, 2},
                lambda feature_maps: _(
                    "`gap_params` treats the pooled output as a single number. Global average "
                    "pooling averages each channel separately, so the head receives {channels} "
                    "numbers, one weight each, plus a bias.").format(
                        channels=_sizes(feature_maps)[2])),
    ),
)


# --- Question 3: pooled features of the pretrained base ------------------------------------

def image_batch(images: np.ndarray) -> np.ndarray:
    """``images`` if the base can read them ([batch, 64, 64, 3]), else a verdict."""
    if images.ndim != 4 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE, 3):
        raise Verdict(incorrect(sentences(
            _("`images` should be the batch from the set-up cell, shape `[batch, {size}, "
              "{size}, 3]`, but it has shape `{shape}`.").format(size=IMAGE_SIZE,
                                                                shape=images.shape),
            _(SETUP_AGAIN))))
    return informative(images, "images", _(SETUP_AGAIN))


def base_maps(images: np.ndarray) -> np.ndarray:
    """The pretrained base's feature maps for ``images`` (float64), or a verdict when the
    base cannot read them."""
    return _checked_maps(SameArray(images))


# One check asks for the maps of the same captured array many times (its expected value,
# then each mistake): recognising the object itself saves checking and hashing its values.
@lru_cache(maxsize=1)
def _checked_maps(images: SameArray) -> np.ndarray:
    return base_feature_maps(image_batch(images.array))


def class_labels(labels: np.ndarray, count: int) -> np.ndarray:
    """``labels`` as booleans (True = truck) if they match the images, else a verdict."""
    if labels.shape != (count,) or not np.isin(labels, (0, 1)).all():
        raise Verdict(incorrect(sentences(
            _("`labels` should hold one 0 (car) or 1 (truck) per image, shape `[{count}]`, "
              "but it has shape `{shape}`.").format(count=count, shape=labels.shape),
            _(SETUP_AGAIN))))
    if labels.min() == labels.max():
        raise Verdict(incorrect(sentences(
            _("`labels` holds only one class, so cars and trucks cannot be compared."),
            _(SETUP_AGAIN))))
    return labels == 1


def truck_minus_car(features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean feature over the trucks minus mean feature over the cars, one value per feature."""
    trucks = class_labels(labels, len(features))
    return features[trucks].mean(axis=0) - features[~trucks].mean(axis=0)


def pooled_base_features(images, labels) -> dict:
    """The expected ``features`` (GAP of the base's maps) and ``best_feature``."""
    features = base_maps(images).mean(axis=(1, 2))
    difference = truck_minus_car(features, labels)
    return {"features": features, "best_feature": int(np.argmax(np.abs(difference)))}


def _features_right(features, expected) -> bool:
    return _close(features, expected["features"], FEATURE_TOLERANCE)


def _choice(best_feature, features, expected) -> int | None:
    """The learner's feature index, once ``features`` is right and ``best_feature`` is one
    whole number naming a feature; otherwise None (other mistakes explain those cases)."""
    if not _features_right(features, expected) or best_feature.ndim:
        return None
    value = float(best_feature)
    if not value.is_integer() or not 0 <= value < features.shape[1]:
        return None
    return int(value)


def _wrong_sign(labels, expected) -> int:
    """The feature a signed difference picks when it is taken the wrong way round."""
    difference = truck_minus_car(expected["features"], labels)
    if difference[int(expected["best_feature"])] < 0:
        return int(np.argmax(difference))
    return int(np.argmax(-difference))


# The classes (vehicle_dataset.CLASS_NAMES: 0 is a car, 1 a truck), as messages name them.
CLASS_PLURALS = (N_("cars"), N_("trucks"))


def _one_class_choices(labels, expected) -> dict[int, str]:
    """Feature index -> class name (plural, untranslated), for the feature with the highest
    mean in one class."""
    trucks = class_labels(labels, len(expected["features"]))
    features = expected["features"]
    return {int(np.argmax(features[~trucks].mean(axis=0))): CLASS_PLURALS[0],
            int(np.argmax(features[trucks].mean(axis=0))): CLASS_PLURALS[1]}


def _differences(best_feature, labels, expected) -> str:
    difference = truck_minus_car(expected["features"], labels)
    chosen = int(float(best_feature))
    return _("Feature {chosen}'s means for trucks and for cars differ by {difference:.3g}, "
             "but another feature's differ by {largest:.3g}.").format(
        chosen=chosen, difference=abs(difference[chosen]), largest=np.abs(difference).max())


CARS_AND_TRUCKS = CodingProblem(
    variables=("features", "best_feature"),
    inputs=("images", "labels"),
    read=layer_output,
    expected=pooled_base_features,
    tolerance=FEATURE_TOLERANCE,
    hints=(
        N_("`base(images)` gives feature maps of shape `[40, 8, 8, 16]`. Pool them with "
           "`keras.layers.GlobalAvgPool2D()` to get one row of 16 numbers per image."),
        N_("Split `features` by class with `labels == 1` (trucks) and `labels == 0` (cars), "
           "average each group over the images (`axis=0`), and subtract. A feature far *lower* "
           "for trucks tells them apart just as well as one far higher, so compare the size of "
           "the differences: `np.abs`, then `np.argmax`."),
    ),
    solution=S_("""```python
features = keras.layers.GlobalAvgPool2D()(base(images)).numpy()
difference = features[labels == 1].mean(axis=0) - features[labels == 0].mean(axis=0)
best_feature = int(np.argmax(np.abs(difference)))
```
`.numpy()` turns the tensor into a NumPy array so that `labels == 1` can pick rows. The
absolute value matters: "differs most" means the largest gap between the two classes, in
either direction; a feature that fires for cars and stays silent for trucks is as useful to a
classifier as the reverse. (A fairer score would also divide by the spread of each feature;
the plain difference is enough here.)"""),
    mistakes=(
        Mistake("maps-not-pooled",
                lambda features, images: features.shape == base_maps(images).shape,
                N_("`features` holds the base's whole feature maps, `[batch, 8, 8, 16]`: they "
                   "are not pooled yet. Apply `keras.layers.GlobalAvgPool2D()` to "
                   "`base(images)`.")),
        Mistake("keepdims",
                lambda features, expected: features.shape == (len(expected["features"]), 1, 1,
                                                              expected["features"].shape[1]),
                N_("`features` still has the averaged height and width axes, with size 1 "
                   "(`keepdims=True`). Use `keras.layers.GlobalAvgPool2D()`, which drops them.")),
        Mistake("flattened", lambda features, images: features.shape == (len(images),
                                                            base_maps(images)[0].size),
                N_("`features` is the base's output flattened: every position of every map, "
                   "1,024 numbers per image. Average each map instead with "
                   "`keras.layers.GlobalAvgPool2D()`, to get 16 numbers per image.")),
        Mistake("global-max",
                lambda features, images: _close(features, base_maps(images).max(axis=(1, 2)),
                                                FEATURE_TOLERANCE),
                N_("`features` holds the largest value of each map: global *max* pooling. This "
                   "exercise is about the *average*: use `keras.layers.GlobalAvgPool2D()`.")),
        Mistake("sum", lambda features, images: _close(features, base_maps(images).sum(axis=(1, 2)),
                                                FEATURE_TOLERANCE),
                N_("`features` holds the *sum* of each map, 64 times its average. Use "
                   "`keras.layers.GlobalAvgPool2D()` or `tf.reduce_mean(..., axis=[1, 2])`.")),
        Mistake("pooled-images", lambda features, images: features.shape == (len(images), 3),
                N_("`features` has 3 numbers per image, the average colour of each picture: the "
                   "images were pooled, not the base's feature maps. Pool `base(images)`.")),
        Mistake("averaged-images",
                lambda features, expected: features.shape == expected["features"].shape[1:],
                N_("`features` has one row for all images together: it was averaged over the "
                   "images too (`axis=0`). Keep one row per image: pool over height and width "
                   "only.")),
        Mistake("averaged-channels",
                lambda features, images: features.shape == base_maps(images).shape[:3],
                N_("`features` was averaged across the 16 channels at each position (`axis=-1`). "
                   "Average over height and width instead (`axis=[1, 2]`), keeping the channels.")),
        Mistake("wrong-batch", lambda features, expected: features.ndim == 2
                and features.shape[1] == expected["features"].shape[1]
                and len(features) != len(expected["features"]),
                lambda features, expected: _(
                    "`features` has {rows} rows, but `images` holds {pictures} pictures. Pool "
                    "the base's output for the whole batch, `base(images)`, one row per "
                    "image.").format(rows=len(features), pictures=len(expected["features"]))),
        Mistake("best-not-scalar",
                lambda best_feature, features, expected: _features_right(features, expected)
                and best_feature.ndim > 0,
                lambda best_feature: _(
                    "`best_feature` has shape `{shape}`, but it should be one number: the index "
                    "of a feature. `np.argmax` of the 16 differences gives it.").format(
                        shape=best_feature.shape)),
        Mistake("best-not-index",
                lambda best_feature, features, expected: _features_right(features, expected)
                and _choice(best_feature, features, expected) is None,
                lambda features: _(
                    "`best_feature` should be the index of one of the {count} pooled features: "
                    "a whole number from 0 to {last}.").format(
                        count=features.shape[1], last=features.shape[1] - 1)),
        Mistake("argmin", lambda best_feature, features, labels, expected:
                _choice(best_feature, features, expected)
                == int(np.argmin(np.abs(truck_minus_car(expected["features"], labels)))),
                N_("`best_feature` is the feature whose means differ the *least* between cars "
                   "and trucks (`argmin`). Look for the largest difference, with `np.argmax`.")),
        Mistake("highest-overall",
                lambda best_feature, features, expected: _choice(best_feature, features,
                                                                 expected)
                == int(np.argmax(expected["features"].mean(axis=0))),
                N_("`best_feature` is the feature with the highest average over *all* images. "
                   "A feature can be strong everywhere and still be the same for cars and "
                   "trucks; compare the car average with the truck average instead.")),
        Mistake("signed-difference", lambda best_feature, features, labels, expected:
                _choice(best_feature, features, expected)
                == _wrong_sign(labels, expected),
                N_("`best_feature` is the feature with the largest difference in one direction "
                   "only (a signed difference). Another feature differs more in the other "
                   "direction, and a big gap either way separates the classes. Compare sizes: "
                   "take `np.abs` of the differences before `np.argmax`.")),
        Mistake("one-class", lambda best_feature, features, labels, expected:
                _choice(best_feature, features, expected) in _one_class_choices(labels, expected),
                lambda best_feature, labels, expected: _(
                    "`best_feature` is the feature with the highest average over the {group} "
                    "alone. It matters how much a feature *differs* between the classes: "
                    "subtract the car average from the truck average.").format(
                        group=_(_one_class_choices(labels, expected)[int(float(best_feature))]))),
        Mistake("not-largest-difference",
                lambda best_feature, features, expected: _choice(best_feature, features,
                                                                 expected) is not None,
                lambda best_feature, labels, expected: sentences(
                    _differences(best_feature, labels, expected),
                    _("Compute the difference of the class averages for every feature, then "
                      "take `np.argmax` of its absolute value."))),
    ),
)


# --- Question 4: what a pooled value means ----------------------------------------------------

TRUCK_LEFTS = (0.05, 0.40)  # where the exercise's cell draws the truck, as a width fraction


def _relative_change(vectors: np.ndarray, reference: int = 0) -> float:
    """How far the second row is from the first, relative to the size of row ``reference``."""
    return float(np.linalg.norm(vectors[1] - vectors[0]) / np.linalg.norm(vectors[reference]))


@cache
def _truck_outputs() -> tuple[np.ndarray, np.ndarray]:
    """(pooled vectors [2, 16], flattened maps [2, 1024]) of the base for the two trucks."""
    trucks = np.stack([draw("truck", IMAGE_SIZE, Look(left=left, length=0.55))
                       for left in TRUCK_LEFTS])
    maps = base_feature_maps(trucks)
    return maps.mean(axis=(1, 2)), maps.reshape(len(trucks), -1)


def truck_changes() -> dict:
    pooled, flattened = _truck_outputs()
    return {"gap_change": _relative_change(pooled), "flat_change": _relative_change(flattened)}


def _both(gap_change, flat_change, expected, scale: float) -> bool:
    return bool(np.isclose(gap_change, scale * expected["gap_change"], rtol=1e-3)
                and np.isclose(flat_change, scale * expected["flat_change"], rtol=1e-3))


def _either_close(gap_change, flat_change, values: tuple[float, float]) -> bool:
    return bool(np.isclose(gap_change, values[0], rtol=1e-3)
                or np.isclose(flat_change, values[1], rtol=1e-3))


TRANSLATION = CodingProblem(
    variables=("gap_change", "flat_change"),
    expected=truck_changes,
    tolerance=Tolerance(atol=1e-4, rtol=1e-3),
hints=(
        N_("A pooled value is the average of one feature map. The truck moves from `left=0.05` "
           "to `left=0.40`, about 22 pixels of the 64: what happens to the values at each "
           "position of the map, and what happens to their average?"),
        N_("Moving the truck moves its activations within the map; as long as the truck stays "
           "in the picture, roughly the same activations are still there, only elsewhere. "
           "Which of the two outputs, pooled or flattened, compares position by position?"),
    ),
    solution=S_("""```python
def change(vectors):
    return np.linalg.norm(vectors[1] - vectors[0]) / np.linalg.norm(vectors[0])


gap_change = change(gap_vectors)  # about 0.04
flat_change = change(flat_vectors)  # about 1.2
```"""),
    written=N_("""Each pooled value says how strongly, *on average over the whole picture*, the
base found one of the patterns it learned (perhaps the edge of a wheel, or the long flat side of
a cargo box). It no longer says *where* in the picture the pattern was.

Moving the truck shifts its activations across the feature map, but as long as the truck stays
in view the map holds about the same activations in other places, so their average hardly
changes. The head after global average pooling therefore sees almost the same 16 numbers
wherever the truck is: it is close to *invariant to translation*. A head after `Flatten`
instead has one weight per position, so it must learn separately that a truck on the left and
a truck on the right are both trucks, with many more parameters (question 2) and more data.
The price is that GAP throws away the layout, which a task such as "is the car *left* of the
truck?" would need."""),
    mistakes=(
        Mistake("not-one-number", lambda gap_change, flat_change:
                gap_change.ndim != 0 or flat_change.ndim != 0,
                N_("`gap_change` and `flat_change` should each be one number: the size of the "
                   "difference between the two trucks' vectors, relative to the first one's.")),
        Mistake("per-cent", lambda gap_change, flat_change, expected:
                _both(gap_change, flat_change, expected, 100),
                N_("These are per cent. Store the fractions instead (0.04 rather than 4).")),
        Mistake("swapped", lambda gap_change, flat_change, expected:
                _both(flat_change, gap_change, expected, 1),
                N_("The two are swapped: `gap_change` is the change of the 16 pooled numbers, "
                   "`flat_change` the change of the 1,024 flattened ones.")),
        Mistake("not-relative", lambda gap_change, flat_change:
                _either_close(gap_change, flat_change, tuple(
                    float(np.linalg.norm(v[1] - v[0])) for v in _truck_outputs())),
                N_("That is the size of the difference itself. Divide it by the size of the first "
                   "truck's vector (`np.linalg.norm(vectors[0])`), so the two changes compare.")),
        Mistake("relative-to-second", lambda gap_change, flat_change:
                _either_close(gap_change, flat_change, tuple(
                    _relative_change(v, reference=1) for v in _truck_outputs())),
                N_("That change is relative to the *second* truck's vector. Divide by the size of "
                   "the first one, where the truck started.")),
    ),
)


# --- Question 5: what one first-layer kernel detects ----------------------------------------

RED, GREEN, BLUE = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)


def first_layer():
    """The shipped base's first ``Conv2D``: eight 3 x 3 x 3 kernels, ReLU built in."""
    return cached_vehicle_base().layers[0]


@cache
def _plain_picture(colour: tuple[float, ...], scale: float = 1.0) -> np.ndarray:
    """A batch of one picture of one colour, [1, 64, 64, 3]."""
    return np.broadcast_to(np.float32(scale) * np.asarray(colour, np.float32),
                           (1, IMAGE_SIZE, IMAGE_SIZE, 3)).copy()


@cache
def _first_maps(colour: tuple[float, ...], scale: float = 1.0) -> np.ndarray:
    """The first layer's eight maps of a plain picture, float64, [1, 64, 64, 8]."""
    return np.asarray(first_layer()(_plain_picture(colour, scale)), dtype=np.float64)


def responses(colour: tuple[float, ...], scale: float = 1.0) -> np.ndarray:
    """Each first-layer kernel's mean response to a plain picture of ``colour``: 8 numbers."""
    return _first_maps(colour, scale).mean(axis=(0, 1, 2))


def red_detector() -> dict:
    """The expected ``red_responses`` and ``red_kernel``."""
    red = responses(RED)
    return {"red_responses": red, "red_kernel": int(np.argmax(red))}


def _responds_like(red_responses, values) -> bool:
    return _close(red_responses, values, FEATURE_TOLERANCE)


def _red_weight_sums() -> np.ndarray:
    return first_layer().get_weights()[0][:, :, 0, :].sum(axis=(0, 1))


def _before_relu() -> np.ndarray:
    kernels, biases = first_layer().get_weights()
    filtered = tf.nn.conv2d(_plain_picture(RED), kernels, 1, "SAME") + biases
    return np.asarray(filtered, dtype=np.float64).mean(axis=(0, 1, 2))


def _kernel_choice(red_kernel, red_responses, expected) -> int | None:
    """The learner's kernel index once ``red_responses`` is right and ``red_kernel`` is one
    whole number naming a kernel; otherwise None (other mistakes explain those cases)."""
    if not _responds_like(red_responses, expected["red_responses"]) or red_kernel.ndim:
        return None
    value = float(red_kernel)
    kernels = len(expected["red_responses"])
    return int(value) if value.is_integer() and 0 <= value < kernels else None


RED_KERNEL = CodingProblem(
    variables=("red_responses", "red_kernel"),
    expected=red_detector,
    tolerance=FEATURE_TOLERANCE,
    hints=(
        N_("Start from zeros, `red = np.zeros((1, 64, 64, 3))`, and set the red channel, the "
           "first of the last axis, to 1: `red[..., 0] = 1`. `first(red)` then has shape "
           "`[1, 64, 64, 8]`, one map per kernel."),
        N_("Average each map over everything but the kernel axis: `.mean(axis=(0, 1, 2))` gives "
           "8 numbers. `np.argmax` of them is the kernel that responds most."),
    ),
    solution=S_("""```python
red = np.zeros((1, 64, 64, 3), dtype="float32")
red[..., 0] = 1.0
red_responses = first(red).numpy().mean(axis=(0, 1, 2))
red_kernel = int(np.argmax(red_responses))  # 2
```"""),
    written=N_("""Kernel 2 convolves each colour channel with its own 3 x 3 grid and adds the
three results and its bias. On a plain picture every 3 x 3 window holds the same colour, so away
from the border the sum is just the colour's share of each grid's weights plus the bias.
Kernel 2's grids add up to about +0.88 (red), -0.46 (green) and -0.65 (blue), and its bias is
+0.14. So:

* pure red: 0.88 + 0.14 = 1.02, and ReLU lets it through;
* white: 0.88 - 0.46 - 0.65 + 0.14 = -0.09, and ReLU turns it into 0;
* yellow (red and green): 0.88 - 0.46 + 0.14 = 0.56, about half.

The kernel detects *red that is not white*: it compares the channels rather than measuring
brightness, which a single grayscale grid could never do."""),
    mistakes=(
        Mistake("maps-not-averaged",
                lambda red_responses: red_responses.shape[-1:] == (8,)
                and red_responses.size > 8,
                lambda red_responses: _(
                    "`red_responses` has shape `{shape}`: these are the whole maps. Average each "
                    "kernel's map over the batch, height and width, `.mean(axis=(0, 1, 2))`, to "
                    "get one number per kernel.").format(shape=red_responses.shape)),
        Mistake("wrong-axis", lambda red_responses: red_responses.shape != (8,),
                lambda red_responses: _(
                    "`red_responses` has shape `{shape}`, but the layer has 8 kernels, so it "
                    "should hold 8 numbers. Average over every axis except the last, the kernel "
                    "axis: `.mean(axis=(0, 1, 2))`.").format(shape=red_responses.shape)),
        Mistake("green-picture", lambda red_responses: _responds_like(red_responses,
                                                                       responses(GREEN)),
                N_("These are the responses to a *green* picture. The channels are red, green, "
                   "blue in that order, so red is channel 0: `red[..., 0] = 1`.")),
        Mistake("blue-picture", lambda red_responses: _responds_like(red_responses,
                                                                      responses(BLUE)),
                N_("These are the responses to a *blue* picture. The channels are red, green, "
                   "blue in that order, so red is channel 0: `red[..., 0] = 1`.")),
        Mistake("white-picture", lambda red_responses: _responds_like(
            red_responses, responses((1.0, 1.0, 1.0))),
                N_("These are the responses to a *white* picture: every channel is 1. Set only "
                   "the red channel, and leave green and blue at 0.")),
        Mistake("scale-255", lambda red_responses: _responds_like(red_responses,
                                                                   responses(RED, 255)),
                N_("The picture's red is 255. The base was trained on pictures whose values run "
                   "from 0 to 1, like `images`: use 1 for full red.")),
        Mistake("largest-not-mean", lambda red_responses: _responds_like(
            red_responses, _first_maps(RED).max(axis=(0, 1, 2))),
                N_("`red_responses` holds the *largest* value of each map. The question asks "
                   "for each map's average: `.mean(axis=(0, 1, 2))`.")),
        Mistake("before-relu", lambda red_responses: _responds_like(red_responses,
                                                                     _before_relu()),
                N_("Some of `red_responses` are negative: these are averages of the filtered "
                   "maps *before* ReLU. Run the layer itself, `first(red)`, which applies its "
                   "ReLU.")),
        Mistake("weights-not-responses", lambda red_responses: _responds_like(
            red_responses, _red_weight_sums()),
                N_("`red_responses` adds up each kernel's red weights. That leaves out the bias, "
                   "the ReLU and the border, where the kernel also sees padding: run the layer "
                   "on the picture instead, `first(red)`.")),
        Mistake("not-one-number", lambda red_kernel: red_kernel.ndim != 0,
                N_("`red_kernel` should be one whole number: the index of a kernel.")),
        Mistake("not-whole", lambda red_kernel: not float(red_kernel).is_integer(),
                lambda red_kernel: _(
                    "`red_kernel` is `{value:g}`. It should be the *index* of a kernel, a whole "
                    "number from 0 to 7, not a response: `np.argmax`.").format(
                        value=float(red_kernel))),
        Mistake("no-such-kernel", lambda red_kernel: not 0 <= float(red_kernel) <= 7,
                lambda red_kernel: _(
                    "`red_kernel` is `{value:g}`, but the layer's 8 kernels are numbered 0 to "
                    "7.").format(value=float(red_kernel))),
        Mistake("weakest-kernel", lambda red_kernel, red_responses, expected:
                _kernel_choice(red_kernel, red_responses, expected)
                == int(np.argmin(red_responses)),
                lambda red_kernel: _(
                    "Kernel {kernel} is the one that responds *least* to red. Pick the largest "
                    "response: `np.argmax`.").format(kernel=int(float(red_kernel)))),
        Mistake("not-the-largest", lambda red_kernel, red_responses, expected:
                _kernel_choice(red_kernel, red_responses, expected) is not None,
                lambda red_kernel, expected: _(
                    "Kernel {kernel} responds to red with {response:.3g} on average, but another "
                    "kernel responds more. `np.argmax(red_responses)`.").format(
                        kernel=int(float(red_kernel)),
                        response=expected["red_responses"][int(float(red_kernel))])),
    ),
)


q_1 = Question(1, POOLED)
q_2 = Question(2, HEAD_PARAMETERS)
q_3 = Question(3, CARS_AND_TRUCKS)
q_4 = Question(4, TRANSLATION)
q_5 = Question(5, RED_KERNEL)
