"""The wire between a graded kernel and the judge: captured values as JSON, and back.

Everything :func:`wire.decode` reads comes from a kernel the student controls, so every
malformed or hostile record must be refused with a one-line :class:`wire.WireError`, never
another exception, and every honest record must come back unchanged.
"""

import base64
import io
import json
import pickle
import sys

import numpy as np
import pytest

from learntools_lite.core import CodingProblem, Status, wire
from learntools_lite.core.capture import (
    LAST_ERROR,
    Call,
    FunctionCalls,
    FunctionRecord,
    RaisedError,
    Returned,
    Unreadable,
)
from learntools_lite.core.outcome import (
    Outcome,
    incorrect,
    learner_error,
    not_attempted,
)
from learntools_lite.core.wire import MAX_ARRAY_BYTES, MAX_ARRAYS, MAX_TEXT, WireError, decode

# --- building records by hand ---------------------------------------------------------------


def npy_bytes(array, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def array_item(array, allow_pickle=False) -> dict:
    return {"kind": "array", "npy": b64(npy_bytes(array, allow_pickle))}


def header_only(shape, descr="<f8", fortran_order=False) -> dict:
    """An array item whose .npy header declares ``shape`` but which carries no data."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": fortran_order, "shape": shape})
    return {"kind": "array", "npy": b64(buffer.getvalue())}


def unreadable_item(status="INCORRECT", message="why", **extra) -> dict:
    return {"kind": "unreadable", "status": status, "message": message, **extra}


def returned_item(value=None, mutated=False) -> dict:
    return {"kind": "returned", "mutated": mutated, "value": value}


def function_item(calls, signature="(X, pool_size)", accepts_probe=True) -> dict:
    return {"kind": "function", "signature": signature, "accepts_probe": accepts_probe,
            "calls": calls}


def record(**values) -> dict:
    return {"format": wire.FORMAT, "values": values}


SMALL = array_item(np.arange(3.0))


def assert_refused(data) -> WireError:
    with pytest.raises(WireError) as caught:
        decode(data)
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message
    return caught.value


# --- hostile or malformed records -----------------------------------------------------------

STRUCTURED = np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")])

REFUSED = {
    # the envelope
    "none": None,
    "list": [],
    "string": "values",
    "number": 1,
    "missing format": {"values": {}},
    "other format": {"format": 2, "values": {}},
    "format as text": {"format": "1", "values": {}},
    "format null": {"format": None, "values": {}},
    "missing values": {"format": 1},
    "values a list": {"format": 1, "values": [SMALL]},
    "values a string": {"format": 1, "values": "kernel"},
    "values null": {"format": 1, "values": None},
    "too many values": {"format": 1, "values": {
        f"v{i}": unreadable_item() for i in range(MAX_ARRAYS + 1)}},
    "over-long name": {"format": 1, "values": {"x" * 201: SMALL}},
    "value not an object": record(kernel=[1, 2, 3]),
    "value a number": record(kernel=3),
    "value a string": record(kernel="array"),
    "value null": record(kernel=None),
    # kinds
    "missing kind": record(kernel={"npy": SMALL["npy"]}),
    "unknown kind": record(kernel={"kind": "pickle", "data": "gASVAAAAAAAAAA=="}),
    "kind null": record(kernel={"kind": None}),
    "kind a list": record(kernel={"kind": ["array"], "npy": SMALL["npy"]}),
    "kind returned at top level": record(kernel=returned_item(SMALL)),
    "kind in capitals": record(kernel={"kind": "ARRAY", "npy": SMALL["npy"]}),
    # arrays that hold no real numbers
    "object array": record(kernel=array_item(np.array([1, "a", None], dtype=object), True)),
    "pickled object array of numbers": record(
        kernel=array_item(np.array([1.0, 2.0], dtype=object), True)),
    "bool array": record(kernel=array_item(np.array([True, False]))),
    "complex array": record(kernel=array_item(np.array([1 + 2j, 3j]))),
    "complex scalar": record(kernel=array_item(np.array(1j))),
    "string array": record(kernel=array_item(np.array(["1", "2"]))),
    "bytes array": record(kernel=array_item(np.array([b"1", b"2"]))),
    "structured array": record(kernel=array_item(STRUCTURED)),
    "void array": record(kernel=array_item(np.zeros(3, dtype="V4"))),
    "datetime array": record(kernel=array_item(np.array(["2020-01-01"], dtype="M8[D]"))),
    "timedelta array": record(kernel=array_item(np.array([1], dtype="m8[s]"))),
    # bytes that are no array
    "raw pickle of an array": record(kernel={"kind": "array", "npy": b64(
        pickle.dumps(np.arange(3.0)))}),
    "raw pickle of a list": record(kernel={"kind": "array", "npy": b64(pickle.dumps([1, 2]))}),
    "npz archive": record(kernel={"kind": "array", "npy": b64(
        (lambda b: (np.savez(b, a=np.arange(3)), b.getvalue())[1])(io.BytesIO()))}),
    "text bytes": record(kernel={"kind": "array", "npy": b64(b"[[1, 2, 3]]")}),
    "empty bytes": record(kernel={"kind": "array", "npy": ""}),
    # corrupt base64
    "not base64": record(kernel={"kind": "array", "npy": "!!! not base64 !!!"}),
    "bad base64 padding": record(kernel={"kind": "array", "npy": SMALL["npy"][:-1]}),
    "base64 with spaces": record(kernel={"kind": "array", "npy": " " + SMALL["npy"]}),
    "npy missing": record(kernel={"kind": "array"}),
    "npy a number": record(kernel={"kind": "array", "npy": 12}),
    "npy a list": record(kernel={"kind": "array", "npy": [SMALL["npy"]]}),
    "npy null": record(kernel={"kind": "array", "npy": None}),
    # truncated or doctored .npy bytes
    "truncated data": record(kernel={"kind": "array", "npy": b64(
        npy_bytes(np.arange(10.0))[:-5])}),
    "truncated header": record(kernel={"kind": "array", "npy": b64(
        npy_bytes(np.arange(10.0))[:40])}),
    "magic only": record(kernel={"kind": "array", "npy": b64(npy_bytes(np.arange(3))[:8])}),
    "header without data": record(kernel=header_only((3, 3))),
    "32 MiB declared, no data": record(kernel=header_only((2**22,))),
    "negative shape": record(kernel=header_only((-1,))),
    "overflowing shape": record(kernel=header_only((2**62, 2**62))),
    "unknown descr": record(kernel=header_only((3,), descr="zz")),
    "object descr": record(kernel=header_only((3,), descr="|O")),
    # unreadable records: only a reason for failing may stand
    "unreadable claims CORRECT": record(kernel=unreadable_item("CORRECT")),
    "unreadable claims Correct (the value)": record(kernel=unreadable_item("Correct")),
    "unreadable claims correct": record(kernel=unreadable_item("correct")),
    "unreadable with unknown status": record(kernel=unreadable_item("PASSED")),
    "unreadable without status": record(kernel={"kind": "unreadable", "message": "m"}),
    "unreadable with status null": record(kernel=unreadable_item(None)),
    "unreadable with status a number": record(kernel=unreadable_item(1)),
    "unreadable without message": record(kernel={"kind": "unreadable", "status": "INCORRECT"}),
    "unreadable with message a number": record(kernel=unreadable_item(message=5)),
    "unreadable with message null": record(kernel=unreadable_item(message=None)),
    "over-long message": record(kernel=unreadable_item(message="m" * (MAX_TEXT + 1))),
    "missing flag a number": record(kernel=unreadable_item(missing=1)),
    "missing flag a string": record(kernel=unreadable_item(missing="true")),
    "missing flag null": record(kernel=unreadable_item(missing=None)),
    # the learner's last error
    "over-long error type": {"format": 1, "values": {LAST_ERROR: {
        "kind": "error", "type": "E" * (MAX_TEXT + 1), "message": "m"}}},
    "over-long error message": {"format": 1, "values": {LAST_ERROR: {
        "kind": "error", "type": "ValueError", "message": "m" * (MAX_TEXT + 1)}}},
    "error message a number": {"format": 1, "values": {LAST_ERROR: {
        "kind": "error", "type": "ValueError", "message": 3}}},
    "error type missing": {"format": 1, "values": {LAST_ERROR: {
        "kind": "error", "message": "m"}}},
    "last error holds an array": {"format": 1, "values": {LAST_ERROR: SMALL}},
    "last error holds an unreadable": {"format": 1, "values": {LAST_ERROR: unreadable_item()}},
    "last error holds a function": {"format": 1, "values": {LAST_ERROR: function_item([])}},
    "error record under another name": record(kernel={
        "kind": "error", "type": "ValueError", "message": "m"}),
    # function records
    "calls missing": record(pool2d={"kind": "function", "signature": "(X)",
                                    "accepts_probe": True}),
    "calls a dict": record(pool2d=function_item({"0": returned_item(SMALL)})),
    "calls a string": record(pool2d=function_item("returned")),
    "too many calls": record(pool2d=function_item([returned_item()] * (MAX_ARRAYS + 1))),
    "over-long signature": record(pool2d=function_item([], signature="(" + "x" * MAX_TEXT + ")")),
    "signature a number": record(pool2d=function_item([], signature=7)),
    "accepts_probe missing": record(pool2d={"kind": "function", "signature": "(X)",
                                            "calls": []}),
    "accepts_probe a number": record(pool2d=function_item([], accepts_probe=1)),
    "accepts_probe a string": record(pool2d=function_item([], accepts_probe="yes")),
    "mutated missing": record(pool2d=function_item([{"kind": "returned", "value": SMALL}])),
    "mutated a number": record(pool2d=function_item([returned_item(SMALL, mutated=0)])),
    "call of unknown kind": record(pool2d=function_item([{"kind": "result", "value": SMALL}])),
    "call that is an array record": record(pool2d=function_item([SMALL])),
    "call returned a function": record(pool2d=function_item([returned_item(function_item([]))])),
    "call returned a function that returned an array": record(pool2d=function_item(
        [returned_item(function_item([returned_item(SMALL)]))])),
    "call returned an error record": record(pool2d=function_item([returned_item(
        {"kind": "error", "type": "ValueError", "message": "m"})])),
    "call returned a list": record(pool2d=function_item([returned_item([1, 2])])),
    "call returned a number": record(pool2d=function_item([returned_item(3)])),
    "call returned a bad array": record(pool2d=function_item([returned_item(
        array_item(np.array([True])))])),
    "failed call claims CORRECT": record(pool2d=function_item([unreadable_item("CORRECT")])),
    "call result claims CORRECT": record(pool2d=function_item([returned_item(
        unreadable_item("CORRECT"))])),
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_hostile_records_are_refused_with_a_wire_error(data):
    assert_refused(data)


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_hostile_records_are_refused_after_a_json_round_trip(data):
    # The judge reads what nbformat parsed: JSON types only.
    assert_refused(json.loads(json.dumps(data)))


def test_a_wire_error_is_a_value_error_with_one_line():
    error = assert_refused(record(kernel=array_item(np.array([True]))))
    assert isinstance(error, ValueError)
    assert "real numbers" in str(error)


def test_a_pickle_in_the_record_is_never_unpickled():
    loaded = []

    class Payload:
        def __reduce__(self):
            return (loaded.append, ("unpickled",))

    hostile = np.empty(1, dtype=object)
    hostile[0] = Payload()
    assert_refused(record(kernel=array_item(hostile, allow_pickle=True)))
    assert_refused(record(kernel={"kind": "array", "npy": b64(pickle.dumps(Payload()))}))
    assert loaded == []


# --- size limits ---------------------------------------------------------------------------


def test_an_array_of_the_largest_allowed_size_is_read():
    big = np.zeros(MAX_ARRAY_BYTES, dtype=np.uint8)
    decoded = decode(json.loads(json.dumps(wire.encode({"big": big}))))["big"]
    assert decoded.shape == big.shape and decoded.dtype == np.uint8


def test_an_array_over_the_limit_is_refused():
    over = np.zeros(MAX_ARRAY_BYTES // 8 + 1024, dtype=np.float64)  # 8 KiB too many
    error = assert_refused(wire.encode({"big": over}))
    assert str(MAX_ARRAY_BYTES) in str(error)


def test_an_oversized_text_is_refused_before_it_is_decoded(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("decoded a buffer larger than the limit")

    monkeypatch.setattr(wire.base64, "b64decode", must_not_run)
    monkeypatch.setattr(wire.np, "load", must_not_run)
    huge = "A" * (MAX_ARRAY_BYTES * 2)  # valid base64 of 24 MiB of zeros
    assert_refused(record(kernel={"kind": "array", "npy": huge}))
    assert_refused(record(pool2d=function_item([returned_item({"kind": "array", "npy": huge})])))


def test_a_header_declaring_a_huge_array_is_refused_before_allocating():
    # 72 bytes of header, declaring 8 TiB of float64
    assert_refused(record(kernel=header_only((2**40,))))


def test_at_most_max_arrays_arrays_are_read():
    arrays = {f"a{i}": SMALL for i in range(MAX_ARRAYS)}
    assert len(decode(record(**arrays))) == MAX_ARRAYS


def _calls_with_arrays(count):
    return [returned_item(SMALL) for _ in range(count)]


@pytest.mark.parametrize("values", [
    # arrays returned by a function's calls count too
    {"pool2d": function_item(_calls_with_arrays(MAX_ARRAYS)), "extra": SMALL},
    {"f": function_item(_calls_with_arrays(MAX_ARRAYS // 2 + 1)),
     "g": function_item(_calls_with_arrays(MAX_ARRAYS // 2))},
    {**{f"a{i}": SMALL for i in range(MAX_ARRAYS - 1)},
     "f": function_item(_calls_with_arrays(2))},
], ids=["function then array", "two functions", "arrays then function"])
def test_more_than_max_arrays_arrays_are_refused_wherever_they_are(values):
    error = assert_refused(record(**values))
    assert str(MAX_ARRAYS) in str(error)


def test_a_function_with_max_arrays_calls_is_read():
    decoded = decode(record(pool2d=function_item(_calls_with_arrays(MAX_ARRAYS))))
    assert len(decoded["pool2d"].calls) == MAX_ARRAYS


def test_texts_of_the_largest_allowed_length_are_read():
    decoded = decode({"format": 1, "values": {
        "kernel": unreadable_item(message="m" * MAX_TEXT),
        LAST_ERROR: {"kind": "error", "type": "T" * MAX_TEXT, "message": "e" * MAX_TEXT}}})
    assert decoded["kernel"].outcome.message == "m" * MAX_TEXT
    assert decoded[LAST_ERROR] == RaisedError("T" * MAX_TEXT, "e" * MAX_TEXT)


# --- bugs: exceptions other than WireError --------------------------------------------------


@pytest.mark.parametrize("call", ["returned", 3, None, [SMALL]])
def test_a_call_record_that_is_not_an_object_is_refused(call):
    assert_refused(record(pool2d=function_item([call])))


@pytest.mark.parametrize("status", [["CORRECT"], {"CORRECT": True}])
def test_an_unhashable_status_is_refused(status):
    assert_refused(record(kernel=unreadable_item(status)))


def test_deeply_nested_function_records_are_refused():
    item = unreadable_item()
    for _ in range(sys.getrecursionlimit()):
        item = function_item([returned_item(item)])
    assert_refused(record(pool2d=item))


# --- honest records come back unchanged -----------------------------------------------------


def same(a, b) -> bool:
    """Equality of captured values, arrays and function records included."""
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b))
    if isinstance(a, FunctionRecord):
        return (isinstance(b, FunctionRecord) and a.signature == b.signature
                and a.accepts_probe == b.accepts_probe and len(a.calls) == len(b.calls)
                and all(same(x, y) for x, y in zip(a.calls, b.calls, strict=True)))
    if isinstance(a, Returned):
        return (isinstance(b, Returned) and a.mutated == b.mutated
                and same(a.value, b.value))
    if a is None:
        return b is None
    return type(a) is type(b) and a == b


def round_trip(values: dict) -> dict:
    return decode(json.loads(json.dumps(wire.encode(values))))


ARRAYS = {
    "0-d float": np.array(3.5),
    "0-d int": np.array(7, dtype=np.int64),
    "0-d uint8": np.array(255, dtype=np.uint8),
    "0-d negative int8": np.array(-128, dtype=np.int8),
    "empty": np.zeros((0,)),
    "empty 2-d": np.zeros((0, 3), dtype=np.int32),
    "vector": np.arange(5, dtype=np.int16),
    "kernel": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.int32),
    "float32 image": np.linspace(-1, 1, 16, dtype=np.float32).reshape(1, 4, 4, 1),
    "float16": np.array([0.5, -2.0], dtype=np.float16),
    "uint64": np.array([2**64 - 1], dtype=np.uint64),
    "big-endian float": np.arange(4, dtype=">f8"),
    "fortran order": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "extremes": np.array([np.finfo(np.float64).max, np.finfo(np.float64).tiny, -0.0]),
    "batch of images": np.random.default_rng(0).normal(size=(2, 8, 8, 3)),
}


@pytest.mark.parametrize("array", ARRAYS.values(), ids=ARRAYS.keys())
def test_arrays_survive_the_wire(array):
    decoded = round_trip({"answer": array})["answer"]
    assert same(array, decoded)
    assert decoded.shape == array.shape  # 0-d stays 0-d


def test_a_non_contiguous_view_survives_the_wire():
    view = np.arange(24.0).reshape(4, 6)[::2, ::3]
    assert same(np.ascontiguousarray(view), round_trip({"v": view})["v"])


OTHER_VALUES = {
    "unreadable incorrect": Unreadable(incorrect("`kernel` should hold real numbers.")),
    "unreadable missing": Unreadable(not_attempted("`kernel` is not defined yet."), missing=True),
    "unreadable learner error": Unreadable(learner_error("Your `f` raised `ValueError: x`.")),
    "unreadable checker error": Unreadable(Outcome(Status.CHECKER_ERROR, "broken")),
    "unreadable empty message": Unreadable(Outcome(Status.NOT_ATTEMPTED, "")),
    "unreadable unicode": Unreadable(incorrect("`x` — ünïcödé ✓ \n second line")),
    "raised error": RaisedError("InvalidArgumentError", "filter must be 4-dimensional"),
    "raised error with odd name": RaisedError("not an identifier!", ""),
    "function returning None": FunctionRecord("(X, pool_size, stride=None)", True,
                                              (Returned(None, False),)),
    "function returning arrays": FunctionRecord("(X, pool_size, stride=None, mode='max')", True,
                                                (Returned(np.arange(4.0).reshape(2, 2), False),
                                                 Returned(np.array(1.5), True))),
    "function returning something unreadable": FunctionRecord(
        "(X, p)", False, (Returned(Unreadable(incorrect("`pool2d(X, 2)` holds `str`")), True),)),
    "function whose call failed": FunctionRecord(
        "(X)", False, (Returned(np.zeros(3), False),
                       Unreadable(learner_error("Your `pool2d` raised `IndexError`.")))),
    "function whose call returned a blank": FunctionRecord(
        "(X)", True, (Unreadable(not_attempted("still returns a blank")),)),
    "builtin without a signature": FunctionRecord(None, True, ()),
}


@pytest.mark.parametrize("value", OTHER_VALUES.values(), ids=OTHER_VALUES.keys())
def test_other_values_survive_the_wire(value):
    name = LAST_ERROR if isinstance(value, RaisedError) else "answer"
    assert same(value, round_trip({name: value})[name])


def test_a_whole_record_survives_the_wire():
    values = {
        "image": np.ones((1, 4, 4, 1), dtype=np.float32),
        "kernel": np.array(2.0),
        "image_filter": Unreadable(not_attempted("not defined"), missing=True),
        "pool2d": OTHER_VALUES["function whose call failed"],
        LAST_ERROR: RaisedError("NameError", "name 'kernel' is not defined"),
    }
    decoded = round_trip(values)
    assert list(decoded) == list(values)
    assert all(same(values[name], decoded[name]) for name in values)


def test_an_empty_record_survives_the_wire():
    assert round_trip({}) == {}


def test_encode_refuses_what_it_cannot_carry():
    with pytest.raises(TypeError):
        wire.encode({"answer": [1, 2, 3]})


# --- captured by the real checker, judged the same on both sides ----------------------------


def _pool(X, pool_size, stride=None, mode="max"):
    X = np.asarray(X)
    return X[::pool_size, ::pool_size] * 0 + 1  # the right shape at best, wrong values


PROBLEM = CodingProblem(
    variables=("doubled",),
    inputs=("numbers",),
    expected=lambda numbers: 2 * numbers,
)
FUNCTION_PROBLEM = CodingProblem(
    variables=("f",),
    read=FunctionCalls(calls=lambda: (Call("f(X, 2)", (np.arange(16.0).reshape(4, 4), 2)),
                                      Call("f(X, 1)", (np.eye(2), 1))),
                       probe=Call("f(X, 2, stride=None, mode='max')", (np.zeros((2, 2)), 2),
                                  {"stride": None, "mode": "max"})),
    expected=None,
)


@pytest.mark.parametrize("problem, answers", [
    (PROBLEM, {"numbers": np.arange(3.0), "doubled": [0, 2, 4]}),
    (PROBLEM, {"numbers": np.arange(3.0), "doubled": [0, 2, 5]}),
    (PROBLEM, {"numbers": np.arange(3.0), "doubled": "0 2 4"}),
    (PROBLEM, {"numbers": np.arange(3.0)}),
    (PROBLEM, {"numbers": 2.0, "doubled": 4.0}),
    (FUNCTION_PROBLEM, {"f": _pool}),
    (FUNCTION_PROBLEM, {"f": lambda X, p: None}),
    (FUNCTION_PROBLEM, {"f": lambda X, p: 1 / 0}),
    (FUNCTION_PROBLEM, {"f": 3}),
], ids=["correct", "wrong", "text", "missing", "0-d", "function", "returns None",
        "raises", "not a function"])
def test_judging_across_the_wire_agrees_with_judging_in_place(namespace, problem, answers):
    namespace.update(answers)
    captured = problem.capture(namespace)
    decoded = decode(json.loads(json.dumps(wire.encode(captured))))
    assert set(decoded) == set(captured)
    assert all(same(captured[name], decoded[name]) for name in captured)
    assert problem.judge(decoded) == problem.evaluate(namespace)


def test_a_forged_correct_unreadable_fails_even_without_the_wire():
    outcome = PROBLEM.judge({"numbers": np.arange(3.0),
                             "doubled": Unreadable(Outcome(Status.CORRECT, ""))})
    assert not outcome.passed


def test_a_record_whose_arrays_together_are_too_large_is_refused():
    from learntools_lite.core.wire import MAX_RECORD_BYTES

    size = MAX_ARRAY_BYTES // 8  # float64 values of one array at its own limit
    count = MAX_RECORD_BYTES // MAX_ARRAY_BYTES + 1
    arrays = {f"a{i}": array_item(np.zeros(size)) for i in range(count)}
    error = assert_refused(record(**arrays))
    assert f"more than {MAX_RECORD_BYTES} bytes" in str(error)
    fitting = {f"a{i}": array_item(np.zeros(size)) for i in range(count - 1)}
    assert len(decode(record(**fitting))) == count - 1
