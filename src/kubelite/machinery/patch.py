"""JSON patch (RFC 6902) and JSON merge patch (RFC 7386), as the apiserver applies them.

Owns applying both patch types to a decoded object without touching the inputs,
with the behaviour of the library upstream uses (gopkg.in/evanphx/json-patch.v4,
quirks included: `replace` of a missing object key adds it, a path not starting
with "/" drops its first segment, `test` with a null value passes for a missing
key, negative array indices count from the end), and the apiserver's mapping of
failures to HTTP statuses (staging/.../endpoints/handlers/patch.go):

- a JSON patch document that does not decode as a list of objects: 400 BadRequest,
  with the Go decoder's message (prefixed "error decoding patch: " when
  fieldValidation is Warn, the default, or Strict -- see `decode_body`);
- more than 10000 operations: 413 RequestEntityTooLarge;
- any operation that fails while applying (a failed `test`, a missing path, a bad
  index, an unknown `op`): 422 Invalid. Upstream answers with the generic message
  "the server rejected our request due to an error in our request" and empty
  details -- the library's own message never reaches the client (`PatchError.message`
  keeps it for logs);
- a merge patch that is null, a scalar or not JSON: 400 "Invalid JSON Patch".

`PatchError.status_error()` builds exactly the body upstream sends.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kubelite.machinery.errors import StatusError, bad_request, request_entity_too_large
from kubelite.machinery.validation import go_quote

MAX_JSON_PATCH_OPERATIONS = 10000
REJECTED_MESSAGE = "the server rejected our request due to an error in our request"


class PatchError(Exception):
    """A patch that cannot be decoded (400/413) or applied (422)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def status_error(self) -> StatusError:
        if self.code == 422:
            # errors.NewGenericServerResponse(422, ...) without causes: upstream hides the reason.
            return StatusError(422, "Invalid", REJECTED_MESSAGE, {})
        if self.code == 413:
            return request_entity_too_large(self.message)
        return bad_request(self.message)


def _copy(v: Any) -> Any:
    """Deep copy of decoded JSON (much faster than copy.deepcopy)."""
    t = type(v)
    if t is dict:
        return {k: _copy(x) for k, x in v.items()}
    if t is list:
        return [_copy(x) for x in v]
    return v


def _json_type(v: Any) -> str:
    """The JSON type name Go's decoder uses in "cannot unmarshal X into ..." errors."""
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "array"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bool):
        return "bool"
    return "number"


# --- JSON merge patch ---------------------------------------------------------------------------


def _pruned(v: Any) -> Any:
    """A copy without null object members, recursing through arrays (nulls in arrays stay)."""
    t = type(v)
    if t is dict:
        return {k: _pruned(x) for k, x in v.items() if x is not None}
    if t is list:
        return [None if x is None else _pruned(x) for x in v]
    return v


def _merge_docs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for k, v in patch.items():
        if v is None:
            doc.pop(k, None)
            continue
        cur = doc.get(k)
        if cur is None or type(cur) is not dict:
            doc[k] = _pruned(v)
        elif type(v) is not dict:
            # Upstream replaces an object by a non-object without pruning it.
            doc[k] = _copy(v)
        else:
            _merge_docs(cur, v)


def apply_merge_patch(doc: Any, patch: Any) -> Any:
    """jsonpatch.MergePatch on decoded JSON; returns a new document."""
    if isinstance(patch, list):
        # Upstream returns an array patch as the whole result (the caller then fails to decode it).
        return _pruned(patch)
    if not isinstance(patch, dict):
        raise PatchError(400, "Invalid JSON Patch")
    if not isinstance(doc, dict):
        return _pruned(patch)
    result: dict[str, Any] = _copy(doc)
    _merge_docs(result, patch)
    return result


# --- JSON patch ---------------------------------------------------------------------------------


class _Fail(Exception):
    """An apply-time failure; becomes PatchError(422)."""


_MISSING = "missing value"
_INVALID_INDEX = "invalid index referenced"
_ATOI_RE = re.compile(r"[+-]?[0-9]+")


def _atoi(key: str) -> int:
    """strconv.Atoi with its error text."""
    if not _ATOI_RE.fullmatch(key):
        raise _Fail(f"strconv.Atoi: parsing {go_quote(key)}: invalid syntax")
    n = int(key)
    if not -(2**63) <= n < 2**63:
        raise _Fail(f"strconv.Atoi: parsing {go_quote(key)}: value out of range")
    return n


def _decode_key(k: str) -> str:
    # RFC 6901: "~1" first, then "~0", so "~01" decodes to "~1".
    return k.replace("~1", "/").replace("~0", "~") if "~" in k else k


def _index(ary: list[Any], key: str) -> int:
    """partialArray.get's index rules: negative counts from the end."""
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(ary):
            raise _Fail(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
        idx += len(ary)
    if idx >= len(ary):
        raise _Fail(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
    return idx


def _get(con: Any, key: str) -> Any:
    if type(con) is dict:
        return con.get(key)  # a missing key is not an error, just null
    return con[_index(con, key)]


def _set(con: Any, key: str, val: Any) -> None:
    if type(con) is dict:
        con[key] = val
    else:
        con[_index(con, key)] = val


def _add(con: Any, key: str, val: Any) -> None:
    if type(con) is dict:
        con[key] = val
        return
    if key == "-":
        con.append(val)
        return
    try:
        idx = _atoi(key)
    except _Fail as exc:
        raise _Fail(f"value was not a proper array index: '{key}': {exc}") from None
    size = len(con) + 1
    if idx >= size:
        raise _Fail(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
    if idx < 0:
        if idx < -size:
            raise _Fail(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
        idx += size
    con.insert(idx, val)


def _remove(con: Any, key: str) -> None:
    if type(con) is dict:
        if key not in con:
            raise _Fail(f"Unable to remove nonexistent key: {key}: {_MISSING}")
        del con[key]
        return
    idx = _atoi(key)
    if idx >= len(con):
        raise _Fail(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
    if idx < 0:
        if idx < -len(con):
            raise _Fail(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
        idx += len(con)
    del con[idx]


def _find(root: Any, path: str) -> tuple[Any, str]:
    """findObject: the container holding the path's last segment, or None.
    Like upstream, the first segment is skipped unexamined (it is "" for a proper pointer)."""
    parts = path.split("/")
    if len(parts) < 2:
        return None, ""
    doc = root
    for part in parts[1:-1]:
        try:
            doc = _get(doc, _decode_key(part))
        except _Fail:
            return None, ""
        if type(doc) is not dict and type(doc) is not list:
            return None, ""
    return doc, _decode_key(parts[-1])


def _field(op: dict[str, Any], name: str, missing: str) -> str:
    v = op.get(name)
    if v is None:
        raise _Fail(missing)
    if not isinstance(v, str):
        raise _Fail(f"json: cannot unmarshal {_json_type(v)} into Go value of type string")
    return v


def _path(op: dict[str, Any]) -> str:
    return _field(op, "path", f"operation missing path field: {_MISSING}")


def _from(op: dict[str, Any]) -> str:
    return _field(op, "from", f"operation, missing from field: {_MISSING}")


def _equal(a: Any, b: Any) -> bool:
    """Structural JSON equality; unlike Python's ==, true != 1 and 1 != 1.0 (as raw JSON bytes differ)."""
    ta, tb = type(a), type(b)
    if ta is not tb:
        return False
    if ta is dict:
        return a.keys() == b.keys() and all(_equal(v, b[k]) for k, v in a.items())
    if ta is list:
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _op_add(root: Any, op: dict[str, Any]) -> Any:
    try:
        path = _path(op)
    except _Fail:
        raise _Fail(f"add operation failed to decode path: {_MISSING}") from None
    con, key = _find(root, path)
    if con is None:
        raise _Fail(f'add operation does not apply: doc is missing path: "{path}": {_MISSING}')
    try:
        _add(con, key, _copy(op.get("value")))
    except _Fail as exc:
        raise _Fail(f"error in add for path: '{path}': {exc}") from None
    return root


def _op_remove(root: Any, op: dict[str, Any]) -> Any:
    try:
        path = _path(op)
    except _Fail:
        raise _Fail(f"remove operation failed to decode path: {_MISSING}") from None
    con, key = _find(root, path)
    if con is None:
        raise _Fail(f'remove operation does not apply: doc is missing path: "{path}": {_MISSING}')
    try:
        _remove(con, key)
    except _Fail as exc:
        raise _Fail(f"error in remove for path: '{path}': {exc}") from None
    return root


def _op_replace(root: Any, op: dict[str, Any]) -> Any:
    try:
        path = _path(op)
    except _Fail as exc:
        raise _Fail(f"replace operation failed to decode path: {exc}") from None
    if path == "":
        value = op.get("value")
        if type(value) is not dict and type(value) is not list:
            # Upstream wraps a nil error here, which Go prints as %!w(<nil>).
            raise _Fail("replace operation value must be object or array: %!w(<nil>)")
        return _copy(value)
    con, key = _find(root, path)
    if con is None:
        raise _Fail(f"replace operation does not apply: doc is missing path: {path}: {_MISSING}")
    try:
        _get(con, key)  # only arrays can fail here: a missing object key is simply added
    except _Fail:
        raise _Fail(f"replace operation does not apply: doc is missing key: {path}: {_MISSING}") from None
    _set(con, key, _copy(op.get("value")))
    return root


def _op_move(root: Any, op: dict[str, Any]) -> Any:
    try:
        frm = _from(op)
    except _Fail as exc:
        raise _Fail(f"move operation failed to decode from: {exc}") from None
    con, key = _find(root, frm)
    if con is None:
        raise _Fail(f"move operation does not apply: doc is missing from path: {frm}: {_MISSING}")
    try:
        val = _get(con, key)
        _remove(con, key)
    except _Fail as exc:
        raise _Fail(f"error in move for path: '{key}': {exc}") from None
    try:
        path = _path(op)
    except _Fail as exc:
        raise _Fail(f"move operation failed to decode path: {exc}") from None
    con, key = _find(root, path)
    if con is None:
        raise _Fail(f"move operation does not apply: doc is missing destination path: {path}: {_MISSING}")
    try:
        _add(con, key, val)
    except _Fail as exc:
        raise _Fail(f"error in move for path: '{path}': {exc}") from None
    return root


def _op_test(root: Any, op: dict[str, Any]) -> Any:
    try:
        path = _path(op)
    except _Fail as exc:
        raise _Fail(f"test operation failed to decode path: {exc}") from None
    failed = _Fail(f"testing value {path} failed: test failed")
    if path == "":
        if "value" in op and _equal(root, op["value"]):
            return root
        raise failed
    con, key = _find(root, path)
    if con is None:
        raise _Fail(f"test operation does not apply: is missing path: {path}: {_MISSING}")
    try:
        val = _get(con, key)
    except _Fail as exc:
        raise _Fail(f"error in test for path: '{path}': {exc}") from None
    if val is None:
        # A missing or null target matches an absent or null value.
        if op.get("value") is None:
            return root
        raise failed
    if "value" not in op or not _equal(val, op["value"]):
        raise failed
    return root


def _op_copy(root: Any, op: dict[str, Any]) -> Any:
    try:
        frm = _from(op)
    except _Fail as exc:
        raise _Fail(f"copy operation failed to decode from: {exc}") from None
    con, key = _find(root, frm)
    if con is None:
        raise _Fail(f"copy operation does not apply: doc is missing from path: {frm}: {_MISSING}")
    try:
        val = _get(con, key)  # a missing object key copies as null
    except _Fail as exc:
        raise _Fail(f"error in copy for from: '{frm}': {exc}") from None
    try:
        path = _path(op)
    except _Fail:
        raise _Fail(f"copy operation failed to decode path: {_MISSING}") from None
    con, key = _find(root, path)
    if con is None:
        raise _Fail(f"copy operation does not apply: doc is missing destination path: {path}: {_MISSING}")
    try:
        _add(con, key, _copy(val))
    except _Fail as exc:
        raise _Fail(f"error while adding value during copy: {exc}") from None
    return root


_OPS = {"add": _op_add, "remove": _op_remove, "replace": _op_replace, "move": _op_move,
        "test": _op_test, "copy": _op_copy}


def decode_json_patch(patch: Any) -> list[dict[str, Any]]:
    """jsonpatch.DecodePatch's type checks on an already-parsed document (400 on failure)."""
    if patch is None:
        return []  # JSON null decodes to an empty patch
    if not isinstance(patch, list):
        raise PatchError(400, f"json: cannot unmarshal {_json_type(patch)} into Go value of type jsonpatch.Patch")
    for op in patch:
        if op is not None and not isinstance(op, dict):
            raise PatchError(400, f"json: cannot unmarshal {_json_type(op)} into Go value of type jsonpatch.Operation")
    if len(patch) > MAX_JSON_PATCH_OPERATIONS:
        raise PatchError(
            413, f"The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {len(patch)}"
        )
    return [op or {} for op in patch]


def apply_json_patch(doc: Any, patch: Any) -> Any:
    """Apply an RFC 6902 patch (the parsed JSON array) to doc; returns a new document."""
    ops = decode_json_patch(patch)
    root = _copy(doc)
    try:
        for op in ops:
            kind = op.get("op")
            if not isinstance(kind, str):
                kind = "unknown"
            fn = _OPS.get(kind)
            if fn is None:
                raise _Fail(f"Unexpected kind: {kind}")
            root = fn(root, op)
    except _Fail as exc:
        raise PatchError(422, str(exc)) from None
    return root


# --- decoding request bodies ---------------------------------------------------------------------


def _go_char(c: str) -> str:
    """encoding/json's quoteChar."""
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    q = go_quote(c)
    return "'" + q[1:-1] + "'"


def _go_syntax_error(body: str, exc: json.JSONDecodeError) -> str:
    """Approximate encoding/json's SyntaxError text for the usual mistakes."""
    pos = exc.pos
    if pos >= len(body) or not body[pos:].strip():
        return "unexpected end of JSON input"
    c = _go_char(body[pos])
    msg = exc.msg
    if msg == "Extra data":
        return f"invalid character {c} after top-level value"
    if msg.startswith("Expecting property name"):
        return f"invalid character {c} looking for beginning of object key string"
    if msg == "Expecting ':' delimiter":
        return f"invalid character {c} after object key"
    if msg == "Expecting ',' delimiter":
        # Which container are we in? Count brackets outside strings up to the error.
        stack: list[str] = []
        in_str = esc = False
        for ch in body[:pos]:
            if in_str:
                esc, in_str = (False, True) if esc else (ch == "\\", ch != '"')
            elif ch == '"':
                in_str = True
            elif ch in "[{":
                stack.append(ch)
            elif ch in "]}" and stack:
                stack.pop()
        where = "array element" if stack and stack[-1] == "[" else "object key:value pair"
        return f"invalid character {c} after {where}"
    return f"invalid character {c} looking for beginning of value"


_PATCH_OP_FIELDS = ("op", "path", "from")


def _strict_precheck(doc: Any, patch_type: str) -> None:
    """The typed decode upstream runs first when fieldValidation is Warn or Strict."""
    if patch_type == "json":
        if doc is None:
            return
        if not isinstance(doc, list):
            raise TypeError(f"json: cannot unmarshal {_json_type(doc)} into Go value of type []handlers.jsonPatchOp")
        for op in doc:
            if op is None:
                continue
            if not isinstance(op, dict):
                raise TypeError(f"json: cannot unmarshal {_json_type(op)} into Go value of type handlers.jsonPatchOp")
            for name in _PATCH_OP_FIELDS:
                v = op.get(name)
                if v is not None and not isinstance(v, str):
                    raise TypeError(
                        f"json: cannot unmarshal {_json_type(v)} into Go struct field jsonPatchOp.{name} of type string"
                    )
    elif doc is not None and not isinstance(doc, dict):
        raise TypeError(f"json: cannot unmarshal {_json_type(doc)} into Go value of type map[string]interface {{}}")


def decode_body(body: bytes | str, patch_type: str, field_validation: str = "Warn") -> Any:
    """Parse a PATCH body ("json", "merge" or "strategic") with upstream's 400 messages.

    `field_validation` is the request's fieldValidation; upstream treats an absent one as
    Warn, and for Warn and Strict decodes json and merge patches strictly first, which
    prefixes its errors with "error decoding patch: ".
    """
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    strict = field_validation in ("Warn", "Strict")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if patch_type == "merge" and not strict:
            raise PatchError(400, "Invalid JSON Patch") from None
        msg = _go_syntax_error(text, exc)
        raise PatchError(400, f"error decoding patch: {msg}" if strict and patch_type != "strategic" else msg) from None
    if strict or patch_type == "strategic":
        try:
            _strict_precheck(doc, patch_type)
        except TypeError as exc:
            raise PatchError(400, str(exc) if patch_type == "strategic" else f"error decoding patch: {exc}") from None
    if patch_type == "json":
        decode_json_patch(doc)
    elif patch_type == "merge" and not isinstance(doc, dict | list):
        raise PatchError(400, "Invalid JSON Patch")
    return doc


__all__ = [
    "MAX_JSON_PATCH_OPERATIONS", "REJECTED_MESSAGE", "PatchError", "apply_json_patch", "apply_merge_patch",
    "decode_body", "decode_json_patch",
]
