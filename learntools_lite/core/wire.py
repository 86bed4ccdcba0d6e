"""Captured values as JSON, and back, with limits: how values leave a graded kernel.

The encoding is plain data only: arrays as ``.npy`` bytes (numbers only, read back with
``allow_pickle=False``), outcomes as their status and text. :func:`decode` trusts nothing
in what it reads: a wrong type, an oversized array, a "correct" outcome where only a reason
for failing may stand, or anything else unexpected raises :class:`WireError`.
"""

import base64
import binascii
import io

import numpy as np

from .capture import LAST_ERROR, MAX_TEXT, FunctionRecord, RaisedError, Returned, Unreadable
from .outcome import Outcome, Status

# The MIME type of the display output that carries one question's values.
MIME_TYPE = "application/vnd.learntools.values+json"
FORMAT = 1
MAX_ARRAY_BYTES = 16 * 2**20  # the course's largest value (40 images 64 x 64 x 3) is 4 MB
MAX_ARRAYS = 64
MAX_RECORD_BYTES = 32 * 2**20  # all arrays of one record together
NUMERIC_KINDS = "iuf"


class WireError(ValueError):
    """Encoded values that cannot be trusted or read (one-line reason)."""


def _check_header(raw: bytes) -> None:
    """Refuse an ``.npy`` whose header announces anything but a numeric array of at most
    :data:`MAX_ARRAY_BYTES` that the bytes really hold, before NumPy allocates for it."""
    stream = io.BytesIO(raw)
    version = np.lib.format.read_magic(stream)
    readers = {(1, 0): np.lib.format.read_array_header_1_0,
               (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        raise ValueError(f"unsupported .npy version {version}")
    shape, _, dtype = readers[version](stream)
    if dtype.hasobject or dtype.kind not in NUMERIC_KINDS:
        raise ValueError(f"its dtype {dtype} does not hold real numbers")
    size = dtype.itemsize
    for side in shape:
        size *= side
    if size > MAX_ARRAY_BYTES or size != len(raw) - stream.tell():
        raise ValueError(f"the header announces {size} bytes; {len(raw) - stream.tell()} "
                         f"follow (at most {MAX_ARRAY_BYTES})")


def _encode_array(array: np.ndarray) -> dict:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return {"kind": "array", "npy": base64.b64encode(buffer.getvalue()).decode("ascii")}


def _encode_unreadable(value: Unreadable) -> dict:
    return {"kind": "unreadable", "status": value.outcome.status.name,
            "message": value.outcome.message, "missing": value.missing}


def _encode(value) -> dict:
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, Unreadable):
        return _encode_unreadable(value)
    if isinstance(value, RaisedError):
        return {"kind": "error", "type": value.type_name, "message": value.message}
    if isinstance(value, FunctionRecord):
        calls = [_encode_unreadable(c) if isinstance(c, Unreadable) else
                 {"kind": "returned", "mutated": c.mutated,
                  "value": None if c.value is None else _encode(c.value)} for c in value.calls]
        return {"kind": "function", "signature": value.signature,
                "accepts_probe": value.accepts_probe, "calls": calls}
    raise TypeError(f"cannot encode a {type(value).__name__}")


def encode(values: dict) -> dict:
    """JSON-ready form of captured ``values`` (name -> captured value)."""
    return {"format": FORMAT, "values": {name: _encode(v) for name, v in values.items()}}


class _Reader:
    """One decoding pass: counts arrays so a flood of small ones is refused too."""

    def __init__(self):
        self.arrays = 0
        self.bytes = 0

    def text(self, value, what: str) -> str:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise WireError(f"{what} is not a text of at most {MAX_TEXT} characters")
        return value

    def flag(self, value, what: str) -> bool:
        if not isinstance(value, bool):
            raise WireError(f"{what} is not true or false")
        return value

    def array(self, item: dict) -> np.ndarray:
        self.arrays += 1
        if self.arrays > MAX_ARRAYS:
            raise WireError(f"more than {MAX_ARRAYS} arrays")
        encoded = item.get("npy")
        if not isinstance(encoded, str) or len(encoded) > (MAX_ARRAY_BYTES + 1024) * 4 // 3 + 4:
            raise WireError(f"an array is missing or larger than {MAX_ARRAY_BYTES} bytes")
        try:
            raw = base64.b64decode(encoded, validate=True)
            _check_header(raw)
            array = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
        except (binascii.Error, ValueError, SyntaxError, TypeError, OverflowError, OSError,
                EOFError) as error:
            raise WireError(f"an array could not be read ({str(error)[:200]})") from None
        if not isinstance(array, np.ndarray) or array.dtype.kind not in NUMERIC_KINDS:
            raise WireError("an array does not hold real numbers")
        self.bytes += array.nbytes
        if self.bytes > MAX_RECORD_BYTES:
            raise WireError(f"the arrays of the record hold more than {MAX_RECORD_BYTES} bytes")
        return array

    def unreadable(self, item: dict) -> Unreadable:
        name = item.get("status")
        status = Status.__members__.get(name) if isinstance(name, str) else None
        if status is None or status is Status.CORRECT:
            raise WireError("a reason for an unreadable value has no failing status")
        return Unreadable(Outcome(status, self.text(item.get("message"), "a message")),
                          self.flag(item.get("missing", False), "'missing'"))

    def returned(self, item):
        if not isinstance(item, dict):
            raise WireError("a function call record is not an object")
        if item.get("kind") == "unreadable":
            return self.unreadable(item)
        if item.get("kind") != "returned":
            raise WireError("a function call record is neither a result nor a failure")
        value = item.get("value")
        if value is not None:
            # Only an array or a reason may stand here: checked before reading any further,
            # so nested records cannot make the reading recurse.
            if not isinstance(value, dict) or value.get("kind") not in ("array", "unreadable"):
                raise WireError("a function call returned something other than an array")
            value = self.value(value)
        return Returned(value, self.flag(item.get("mutated"), "'mutated'"))

    def value(self, item):
        if not isinstance(item, dict):
            raise WireError("a value is not an object")
        kind = item.get("kind")
        if kind == "array":
            return self.array(item)
        if kind == "unreadable":
            return self.unreadable(item)
        if kind == "error":
            return RaisedError(self.text(item.get("type"), "an error type"),
                               self.text(item.get("message"), "an error message"))
        if kind == "function":
            calls = item.get("calls")
            if not isinstance(calls, list) or len(calls) > MAX_ARRAYS:
                raise WireError("a function record has no list of calls")
            signature = item.get("signature")
            return FunctionRecord(
                None if signature is None else self.text(signature, "a signature"),
                self.flag(item.get("accepts_probe"), "'accepts_probe'"),
                tuple(self.returned(call) for call in calls))
        raise WireError(f"unknown kind of value {str(kind)[:40]!r}")


def decode(data) -> dict:
    """Captured values from :func:`encode`'s form, checked on the way; raises
    :class:`WireError` with a one-line reason for anything else."""
    if not isinstance(data, dict) or type(data.get("format")) is not int \
            or data["format"] != FORMAT:
        raise WireError("not a values record of this checker")
    values = data.get("values")
    if not isinstance(values, dict) or len(values) > MAX_ARRAYS:
        raise WireError("the record holds no table of values")
    reader = _Reader()
    decoded = {}
    for name, item in values.items():
        if not isinstance(name, str) or len(name) > 200:
            raise WireError("a value has no proper name")
        decoded[name] = reader.value(item)
        if (name == LAST_ERROR) != isinstance(decoded[name], RaisedError):
            raise WireError(f"{name[:40]!r} holds the wrong kind of value")
    return decoded
