"""Encode an OpenAPI v2 (swagger) document as gnostic `openapi.v2.Document` protobuf.

client-go's `DiscoveryClient.OpenAPISchema()` (kubectl apply, client-side validation,
`explain --output plaintext-openapiv2`) requests
`application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and proto-decodes the body
unconditionally, so /openapi/v2 must be able to answer in that format. This is a small
hand-written encoder for the subset of github.com/google/gnostic-models
openapiv2/OpenAPIv2.proto that kubelite's documents use. Values of `Any` fields (vendor
extensions, defaults, enums) carry YAML text, as gnostic does; JSON is valid YAML, and
kube-openapi decodes it with a YAML parser.
"""

from __future__ import annotations

import struct
from typing import Any

import orjson

# Field numbers from OpenAPIv2.proto.
_SCHEMA_STRINGS = {"$ref": 1, "format": 2, "title": 3, "description": 4, "pattern": 13, "discriminator": 26}
_SCHEMA_DOUBLES = {"multipleOf": 6, "maximum": 7, "minimum": 9}
_SCHEMA_BOOLS = {"exclusiveMaximum": 8, "exclusiveMinimum": 10, "uniqueItems": 16, "readOnly": 27}
_SCHEMA_INTS = {
    "maxLength": 11,
    "minLength": 12,
    "maxItems": 14,
    "minItems": 15,
    "maxProperties": 17,
    "minProperties": 18,
}

# QueryParameterSubSchema / PathParameterSubSchema / HeaderParameterSubSchema field numbers.
_NONBODY: dict[str, dict[str, int]] = {
    "query": {"required": 1, "in": 2, "description": 3, "name": 4, "allowEmptyValue": 5, "type": 6,
              "format": 7, "collectionFormat": 9, "pattern": 17, "uniqueItems": 20, "x": 23},
    "formData": {"required": 1, "in": 2, "description": 3, "name": 4, "allowEmptyValue": 5, "type": 6,
                 "format": 7, "collectionFormat": 9, "pattern": 17, "uniqueItems": 20, "x": 23},
    "path": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 5, "format": 6,
             "collectionFormat": 8, "pattern": 16, "uniqueItems": 19, "x": 22},
    "header": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 5, "format": 6,
               "collectionFormat": 8, "pattern": 16, "uniqueItems": 19, "x": 22},
}  # fmt: skip
_NONBODY_ONEOF = {"header": 1, "formData": 2, "query": 3, "path": 4}
_OPERATION_METHODS = {"get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8}


# --------------------------------------------------------------------------- wire format


def _varint(n: int) -> bytes:
    if n < 0:
        n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _bytes(field: int, data: bytes) -> bytes:
    return _key(field, 2) + _varint(len(data)) + data


def _str(field: int, value: str) -> bytes:
    # proto3: a field equal to its default value is not written.
    return _bytes(field, value.encode("utf-8")) if value else b""


def _bool(field: int, value: bool) -> bytes:
    return _key(field, 0) + b"\x01" if value else b""


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(int(value)) if value else b""


def _double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", float(value)) if value else b""


def _msg(field: int, body: bytes) -> bytes:
    # A set sub-message is written even when empty (it is a non-nil pointer in Go).
    return _bytes(field, body)


# --------------------------------------------------------------------------- messages


def _any(value: Any) -> bytes:
    """Any{yaml=2}: the value as YAML text (JSON flow style)."""
    return _str(2, orjson.dumps(value).decode("utf-8"))


def _named_any(field: int, name: str, value: Any) -> bytes:
    return _msg(field, _str(1, name) + _msg(2, _any(value)))


def _extensions(field: int, obj: dict[str, Any]) -> bytes:
    return b"".join(_named_any(field, k, v) for k, v in obj.items() if k.startswith("x-"))


def schema(s: dict[str, Any]) -> bytes:
    """openapi.v2.Schema."""
    out = bytearray()
    for key, num in _SCHEMA_STRINGS.items():
        if isinstance(s.get(key), str):
            out += _str(num, s[key])
    if "default" in s:
        out += _msg(5, _any(s["default"]))
    for key, num in _SCHEMA_DOUBLES.items():
        if isinstance(s.get(key), (int, float)):
            out += _double(num, s[key])
    for key, num in _SCHEMA_BOOLS.items():
        if s.get(key) is True:
            out += _bool(num, True)
    for key, num in _SCHEMA_INTS.items():
        if isinstance(s.get(key), int):
            out += _int(num, s[key])
    for req in s.get("required") or []:
        out += _bytes(19, req.encode("utf-8"))
    for item in s.get("enum") or []:
        out += _msg(20, _any(item))
    ap = s.get("additionalProperties")
    if isinstance(ap, dict):
        out += _msg(21, _msg(1, schema(ap)))
    elif isinstance(ap, bool):
        # AdditionalPropertiesItem.boolean is a oneof member, so false is still written.
        out += _msg(21, _key(2, 0) + (b"\x01" if ap else b"\x00"))
    t = s.get("type")
    if t is not None:
        types = t if isinstance(t, list) else [t]
        out += _msg(22, b"".join(_bytes(1, x.encode("utf-8")) for x in types))
    items = s.get("items")
    if isinstance(items, dict):
        out += _msg(23, _msg(1, schema(items)))
    elif isinstance(items, list):
        out += _msg(23, b"".join(_msg(1, schema(x)) for x in items))
    for sub in s.get("allOf") or []:
        out += _msg(24, schema(sub))
    props = s.get("properties")
    if isinstance(props, dict):
        out += _msg(25, b"".join(_msg(1, _str(1, k) + _msg(2, schema(v))) for k, v in props.items()))
    if "example" in s:
        out += _msg(30, _any(s["example"]))
    out += _extensions(31, s)
    return bytes(out)


def _parameter(p: dict[str, Any]) -> bytes:
    """ParametersItem wrapping a Parameter (body or non-body) or a JsonReference."""
    if "$ref" in p:
        return _msg(2, _str(1, p["$ref"]))
    loc = p.get("in", "")
    if loc == "body":
        body = (
            _str(1, p.get("description", ""))
            + _str(2, p.get("name", ""))
            + _str(3, "body")
            + _bool(4, bool(p.get("required")))
            + (_msg(5, schema(p["schema"])) if "schema" in p else b"")
            + _extensions(6, p)
        )
        return _msg(1, _msg(1, body))
    nums = _NONBODY.get(loc, _NONBODY["query"])
    sub = bytearray()
    for key in ("required", "in", "description", "name", "allowEmptyValue", "type", "format",
                "collectionFormat", "pattern", "uniqueItems"):  # fmt: skip
        if key not in nums or key not in p:
            continue
        v = p[key]
        sub += _bool(nums[key], v) if isinstance(v, bool) else _str(nums[key], str(v))
    sub += _extensions(nums["x"], p)
    nonbody = _msg(_NONBODY_ONEOF.get(loc, 3), bytes(sub))
    return _msg(1, _msg(2, nonbody))


def _operation(op: dict[str, Any]) -> bytes:
    out = bytearray()
    for tag in op.get("tags") or []:
        out += _bytes(1, tag.encode("utf-8"))
    out += _str(2, op.get("summary", ""))
    out += _str(3, op.get("description", ""))
    out += _str(5, op.get("operationId", ""))
    for mt in op.get("produces") or []:
        out += _bytes(6, mt.encode("utf-8"))
    for mt in op.get("consumes") or []:
        out += _bytes(7, mt.encode("utf-8"))
    for p in op.get("parameters") or []:
        out += _msg(8, _parameter(p))
    responses = op.get("responses") or {}
    body = bytearray()
    for code, resp in responses.items():
        r = _str(1, resp.get("description", ""))
        if "schema" in resp:
            r += _msg(2, _msg(1, schema(resp["schema"])))  # SchemaItem.schema
        r += _extensions(5, resp)
        body += _msg(1, _str(1, code) + _msg(2, _msg(1, r)))  # NamedResponseValue{ResponseValue.response}
    out += _msg(9, bytes(body))
    for scheme in op.get("schemes") or []:
        out += _bytes(10, scheme.encode("utf-8"))
    out += _bool(11, bool(op.get("deprecated")))
    out += _extensions(13, op)
    return bytes(out)


def _path_item(item: dict[str, Any]) -> bytes:
    out = bytearray(_str(1, item.get("$ref", "")))
    for method, num in _OPERATION_METHODS.items():
        if method in item:
            out += _msg(num, _operation(item[method]))
    for p in item.get("parameters") or []:
        out += _msg(9, _parameter(p))
    out += _extensions(10, item)
    return bytes(out)


def _security_definition(d: dict[str, Any]) -> bytes:
    if d.get("type") == "apiKey":
        body = _str(1, "apiKey") + _str(2, d.get("name", "")) + _str(3, d.get("in", ""))
        body += _str(4, d.get("description", "")) + _extensions(5, d)
        return _msg(2, body)
    body = _str(1, d.get("type", "basic")) + _str(2, d.get("description", "")) + _extensions(3, d)
    return _msg(1, body)


def document(doc: dict[str, Any]) -> bytes:
    """openapi.v2.Document for a swagger 2.0 dict."""
    out = bytearray(_str(1, doc.get("swagger", "2.0")))
    info = doc.get("info") or {}
    out += _msg(
        2,
        _str(1, info.get("title", ""))
        + _str(2, info.get("version", ""))
        + _str(3, info.get("description", "")),
    )
    out += _str(3, doc.get("host", ""))
    out += _str(4, doc.get("basePath", ""))
    paths = doc.get("paths") or {}
    out += _msg(8, b"".join(_msg(2, _str(1, k) + _msg(2, _path_item(v))) for k, v in paths.items()))
    defs = doc.get("definitions") or {}
    out += _msg(9, b"".join(_msg(1, _str(1, k) + _msg(2, schema(v))) for k, v in defs.items()))
    for req in doc.get("security") or []:
        entries = b"".join(
            _msg(1, _str(1, name) + _msg(2, b"".join(_bytes(1, s.encode("utf-8")) for s in scopes)))
            for name, scopes in req.items()
        )
        out += _msg(12, entries)
    sec = doc.get("securityDefinitions")
    if sec:
        out += _msg(
            13, b"".join(_msg(1, _str(1, k) + _msg(2, _security_definition(v))) for k, v in sec.items())
        )
    out += _extensions(16, doc)
    return bytes(out)
