"""Protobuf wire reader: one message of the table -> the dict Go's JSON encoder would write.

Hand-written rather than the `protobuf` package: the table is not a compiled descriptor,
the conversion to JSON shapes happens during the walk, and a byte-indexing loop over
`bytes` is fast enough for request bodies (tens of µs for a Pod).
"""

from __future__ import annotations

import base64
import datetime
import struct
from typing import Any

import orjson

from kubelite.machinery.protobuf.schema import (
    BOOL,
    BYTES,
    DOUBLE,
    FIXED32,
    FIXED64,
    FLOAT,
    INT32,
    INT64,
    MAP,
    MESSAGE,
    SFIXED32,
    SFIXED64,
    STRING,
    UINT32,
    UINT64,
    WIRE,
    Field,
    Message,
)

MAGIC = b"k8s\x00"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_GO_ZERO_TIME = -62135596800  # time.Time{}.Unix(): an encoder that wrote the zero value
_U64 = (1 << 64) - 1


class Truncated(ValueError):
    pass


def varint(buf: bytes, i: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if i >= end:
            raise Truncated("unexpected end of protobuf data")
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7
        if shift >= 70:
            raise ValueError("protobuf varint overflows 64 bits")


def _length(buf: bytes, i: int, end: int) -> tuple[int, int]:
    n, i = varint(buf, i, end)
    if i + n > end:
        raise Truncated("unexpected end of protobuf data")
    return i, i + n


def skip(buf: bytes, i: int, end: int, wire: int) -> int:
    """Step over an unknown field, as Go's generated Unmarshal does."""
    if wire == 0:
        return varint(buf, i, end)[1]
    if wire == 2:
        return _length(buf, i, end)[1]
    size = {1: 8, 5: 4}.get(wire)
    if size is None:
        raise ValueError(f"unsupported protobuf wire type {wire}")
    if i + size > end:
        raise Truncated("unexpected end of protobuf data")
    return i + size


def _from_varint(kind: int, v: int) -> Any:
    if kind == BOOL:
        return v != 0
    if kind == INT32:
        v &= 0xFFFFFFFF
        return v - (1 << 32) if v & 0x80000000 else v
    if kind == INT64:
        v &= _U64
        return v - (1 << 64) if v >> 63 else v
    if kind == UINT32:
        return v & 0xFFFFFFFF
    if kind == UINT64:
        return v & _U64
    return (v >> 1) ^ -(v & 1)  # SINT32 / SINT64: zigzag


_FIXED = {
    FIXED32: struct.Struct("<I"), SFIXED32: struct.Struct("<i"), FLOAT: struct.Struct("<f"),
    FIXED64: struct.Struct("<Q"), SFIXED64: struct.Struct("<q"), DOUBLE: struct.Struct("<d"),
}


def _scalar(buf: bytes, i: int, end: int, kind: int, wire: int) -> tuple[Any, int]:
    """A non-length-delimited scalar at i (its key already read)."""
    if wire != WIRE[kind]:
        raise ValueError(f"protobuf wire type {wire} does not fit field type")
    if wire == 0:
        v, i = varint(buf, i, end)
        return _from_varint(kind, v), i
    s = _FIXED[kind]
    if i + s.size > end:
        raise Truncated("unexpected end of protobuf data")
    return s.unpack_from(buf, i)[0], i + s.size


def _packed(buf: bytes, i: int, end: int, kind: int) -> list[Any]:
    out = []
    wire = WIRE[kind]
    while i < end:
        v, i = _scalar(buf, i, end, kind, wire)
        out.append(v)
    return out


def _text(buf: bytes, i: int, j: int) -> str:
    # Go keeps invalid UTF-8 in proto2 strings; its JSON encoder then writes U+FFFD.
    return buf[i:j].decode("utf-8", "replace")


def _b64(buf: bytes, i: int, j: int) -> str:
    return base64.b64encode(buf[i:j]).decode("ascii")


def _timestamp(buf: bytes, i: int, end: int) -> tuple[int, int]:
    seconds = nanos = 0
    while i < end:
        key, i = varint(buf, i, end)
        if key == 0x08:
            v, i = varint(buf, i, end)
            seconds = _from_varint(INT64, v)
        elif key == 0x10:
            v, i = varint(buf, i, end)
            nanos = _from_varint(INT32, v)
        else:
            i = skip(buf, i, end, key & 7)
    return seconds, nanos


def _datetime(seconds: int, nanos: int = 0) -> datetime.datetime:
    try:
        return _EPOCH + datetime.timedelta(seconds=seconds, microseconds=nanos // 1000)
    except OverflowError:
        raise ValueError(f"protobuf timestamp out of range: {seconds}s") from None


def _rfc3339(t: datetime.datetime, micro: bool) -> str:
    text = f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    return f"{text}.{t.microsecond:06d}Z" if micro else text + "Z"


def go_duration(ns: int) -> str:
    """time.Duration.String(): "1h0m0s", "1.5s", "300ms", "0s"."""
    if ns == 0:
        return "0s"
    sign, u = ("-", -ns) if ns < 0 else ("", ns)

    def frac(value: int, prec: int) -> str:
        whole, rest = divmod(value, 10**prec)
        return str(whole) + (f".{rest:0{prec}d}".rstrip("0") if rest else "")

    if u < 1_000_000_000:
        if u < 1_000:
            return f"{sign}{u}ns"
        if u < 1_000_000:
            return f"{sign}{frac(u, 3)}µs"
        return f"{sign}{frac(u, 6)}ms"
    text = frac(u % 60_000_000_000, 9) + "s"
    minutes = u // 60_000_000_000
    if minutes:
        text = f"{minutes % 60}m{text}"
        if minutes >= 60:
            text = f"{minutes // 60}h{text}"
    return sign + text


def _special(buf: bytes, i: int, end: int, how: str) -> Any:
    """A message with its own JSON form; None means: leave the field out."""
    if how == "time":
        # metav1.Time: JSON has seconds only; the zero time is sent as an empty message.
        seconds, _ = _timestamp(buf, i, end)
        if i == end or seconds in (0, _GO_ZERO_TIME):
            return None
        return _rfc3339(_datetime(seconds), micro=False)
    if how == "microtime":
        seconds, nanos = _timestamp(buf, i, end)
        if i == end or (seconds in (0, _GO_ZERO_TIME) and nanos == 0):
            return None
        return _rfc3339(_datetime(seconds, nanos), micro=True)
    fields: dict[int, Any] = {}
    while i < end:
        key, i = varint(buf, i, end)
        wire = key & 7
        if wire == 2:
            a, i = _length(buf, i, end)
            if key >> 3 == 1 and how == "stringlist":
                fields.setdefault(1, []).append(_text(buf, a, i))
            else:
                fields[key >> 3] = (a, i)
        elif wire == 0:
            fields[key >> 3], i = varint(buf, i, end)
        else:
            i = skip(buf, i, end, wire)
    if how == "duration":
        return go_duration(_from_varint(INT64, fields.get(1, 0)))
    if how == "intorstring":
        if fields.get(1, 0) == 1:
            a, b = fields.get(3, (0, 0))
            return _text(buf, a, b)
        return _from_varint(INT32, fields.get(2, 0))
    if how == "quantity":
        a, b = fields.get(1, (0, 0))
        return _text(buf, a, b) or "0"
    if how == "stringlist":
        return fields.get(1) or None
    if how == "json":
        a, b = fields.get(1, (0, 0))
        if a == b:
            return None
        raw = buf[a:b]
        if raw.startswith(MAGIC):  # a RawExtension that holds a protobuf object
            from kubelite.machinery.protobuf import decode

            return decode(raw)
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"embedded JSON is invalid: {exc.msg}") from None
    raise ValueError(f"unknown special message handling {how!r}")


def message(buf: bytes, i: int, end: int, msg: Message) -> Any:
    """Decode buf[i:end] as msg; a dict, or the JSON value of a special message (None: omit)."""
    if msg.special:
        return _special(buf, i, end, msg.special)
    out: dict[str, Any] = {}
    fields = msg.fields
    while i < end:
        b = buf[i]
        if b < 0x80:
            key = b
            i += 1
        else:
            key, i = varint(buf, i, end)
        wire = key & 7
        f = fields.get(key >> 3)
        if f is None:
            i = skip(buf, i, end, wire)
            continue
        kind = f.kind
        value: Any
        if wire == 2:
            a, i = _length(buf, i, end)
            if kind == STRING:
                value = _text(buf, a, i)
            elif kind == MESSAGE:
                assert f.message is not None
                value = message(buf, a, i, f.message)
                if value is None:
                    continue
                if f.inline:
                    out.update(value)
                    continue
                if f.repeated:
                    out.setdefault(f.json, []).append(value)
                else:
                    out[f.json] = value  # a struct: Go's JSON writes it even when empty
                continue
            elif kind == MAP:
                k, v = _entry(buf, a, i, f)
                out.setdefault(f.json, {})[k] = v
                continue
            elif kind == BYTES:
                value = _b64(buf, a, i)
            elif f.repeated:
                out.setdefault(f.json, []).extend(_packed(buf, a, i, kind))
                continue
            else:
                raise ValueError(f"protobuf wire type 2 does not fit field {f.json}")
        else:
            value, i = _scalar(buf, i, end, kind, wire)
        if f.repeated:
            out.setdefault(f.json, []).append(value)
        elif value or f.keep:
            out[f.json] = value
        # else: a zero value of a non-pointer omitempty field, which Go's JSON leaves out
    return out


def _entry(buf: bytes, i: int, end: int, f: Field) -> tuple[str, Any]:
    """A map entry message {key=1, value=2}; absent parts are zero values, as in Go."""
    key: Any = ""
    value: Any = None
    vkind = f.value_kind
    while i < end:
        tag, i = varint(buf, i, end)
        num, wire = tag >> 3, tag & 7
        if num not in (1, 2):
            i = skip(buf, i, end, wire)
            continue
        kind = f.key_kind if num == 1 else vkind
        v: Any
        if wire == 2:
            a, i = _length(buf, i, end)
            if kind == STRING:
                v = _text(buf, a, i)
            elif kind == BYTES:
                v = _b64(buf, a, i)
            elif kind == MESSAGE and num == 2:
                assert f.message is not None
                v = message(buf, a, i, f.message)
            else:
                raise ValueError(f"protobuf wire type 2 does not fit map {f.json}")
        else:
            v, i = _scalar(buf, i, end, kind, wire)
        if num == 1:
            key = v
        else:
            value = v
    if value is None:
        if vkind == MESSAGE:
            assert f.message is not None
            value = message(buf, 0, 0, f.message)
        else:
            value = "" if vkind in (STRING, BYTES) else False if vkind == BOOL else 0
    return key if isinstance(key, str) else str(key), value


__all__ = ["MAGIC", "Truncated", "go_duration", "message", "skip", "varint"]
