"""JSON patch and JSON merge patch as `kubectl patch --type json|merge` sees them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelite.machinery import patch
from kubelite.machinery.patch import PatchError, apply_json_patch, apply_merge_patch

CM: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "cm", "resourceVersion": "7", "labels": {"a/b": "1", "m~n": "2"}},
    "data": {"k": "v"},
    "list": [1, 2, 3],
}


def jp(*ops: dict[str, Any], doc: Any = None) -> Any:
    return apply_json_patch(CM if doc is None else doc, list(ops))


def jp_error(*ops: dict[str, Any]) -> PatchError:
    with pytest.raises(PatchError) as info:
        jp(*ops)
    return info.value


# --- JSON patch: operations


def test_add_replace_remove() -> None:
    out = jp(
        {"op": "add", "path": "/data/new", "value": {"x": [1]}},
        {"op": "replace", "path": "/data/k", "value": "w"},
        {"op": "remove", "path": "/metadata/resourceVersion"},
    )
    assert out["data"] == {"k": "w", "new": {"x": [1]}}
    assert "resourceVersion" not in out["metadata"]


def test_pointer_escapes() -> None:
    out = jp({"op": "replace", "path": "/metadata/labels/a~1b", "value": "x"},
             {"op": "remove", "path": "/metadata/labels/m~0n"})
    assert out["metadata"]["labels"] == {"a/b": "x"}


def test_array_indices() -> None:
    assert jp({"op": "add", "path": "/list/-", "value": 4})["list"] == [1, 2, 3, 4]
    assert jp({"op": "add", "path": "/list/0", "value": 0})["list"] == [0, 1, 2, 3]
    assert jp({"op": "add", "path": "/list/3", "value": 4})["list"] == [1, 2, 3, 4]
    assert jp({"op": "remove", "path": "/list/-1"})["list"] == [1, 2]  # negative counts from the end
    assert jp({"op": "replace", "path": "/list/1", "value": 9})["list"] == [1, 9, 3]


def test_move_copy_test() -> None:
    out = jp({"op": "test", "path": "/metadata/resourceVersion", "value": "7"},
             {"op": "copy", "from": "/data", "path": "/copied"},
             {"op": "move", "from": "/list/0", "path": "/list/-"})
    assert out["copied"] == {"k": "v"} and out["list"] == [2, 3, 1]
    out["copied"]["k"] = "changed"
    assert out["data"]["k"] == "v"  # a copy, not an alias


def test_replace_whole_document() -> None:
    assert jp({"op": "replace", "path": "", "value": {"a": 1}}) == {"a": 1}


def test_upstream_quirks() -> None:
    # json-patch v4 lets `replace` add a missing object key ...
    assert jp({"op": "replace", "path": "/data/missing", "value": 1})["data"]["missing"] == 1
    # ... lets `test` with null (or no value) pass for a missing key ...
    assert jp({"op": "test", "path": "/data/missing", "value": None}) == CM
    # ... copies a missing key as null, and adds null when the value is left out.
    assert jp({"op": "copy", "from": "/data/missing", "path": "/data/c"})["data"]["c"] is None
    assert jp({"op": "add", "path": "/data/n"})["data"]["n"] is None


def test_test_is_type_strict() -> None:
    doc = {"n": 1, "b": True, "o": {"x": [1, "a", None]}}
    assert apply_json_patch(doc, [{"op": "test", "path": "/o", "value": {"x": [1, "a", None]}}]) == doc
    for value in (True, 1.0, "1"):
        with pytest.raises(PatchError):
            apply_json_patch(doc, [{"op": "test", "path": "/n", "value": value}])
    with pytest.raises(PatchError):
        apply_json_patch(doc, [{"op": "test", "path": "/b", "value": 1}])


# --- JSON patch: failures


@pytest.mark.parametrize(
    ("op", "message"),
    [
        ({"op": "test", "path": "/metadata/resourceVersion", "value": "6"},
         "testing value /metadata/resourceVersion failed: test failed"),
        ({"op": "test", "path": "/data/missing", "value": "x"}, "testing value /data/missing failed: test failed"),
        ({"op": "remove", "path": "/data/missing"},
         "error in remove for path: '/data/missing': Unable to remove nonexistent key: missing: missing value"),
        ({"op": "add", "path": "/nope/x", "value": 1},
         'add operation does not apply: doc is missing path: "/nope/x": missing value'),
        ({"op": "remove", "path": "/nope/x"},
         'remove operation does not apply: doc is missing path: "/nope/x": missing value'),
        ({"op": "replace", "path": "/nope/x", "value": 1},
         "replace operation does not apply: doc is missing path: /nope/x: missing value"),
        ({"op": "replace", "path": "/list/5", "value": 1},
         "replace operation does not apply: doc is missing key: /list/5: missing value"),
        ({"op": "add", "path": "/list/5", "value": 1},
         "error in add for path: '/list/5': Unable to access invalid index: 5: invalid index referenced"),
        ({"op": "add", "path": "/list/x", "value": 1},
         "error in add for path: '/list/x': value was not a proper array index: 'x': "
         'strconv.Atoi: parsing "x": invalid syntax'),
        ({"op": "test", "path": "/list/9", "value": 1},
         "error in test for path: '/list/9': Unable to access invalid index: 9: invalid index referenced"),
        ({"op": "move", "from": "/data/zz", "path": "/x"},
         "error in move for path: 'zz': Unable to remove nonexistent key: zz: missing value"),
        ({"op": "copy", "from": "/nope/x", "path": "/x"},
         "copy operation does not apply: doc is missing from path: /nope/x: missing value"),
        ({"op": "add", "value": 1}, "add operation failed to decode path: missing value"),
        ({"op": "test", "path": 5}, "test operation failed to decode path: "
                                     "json: cannot unmarshal number into Go value of type string"),
        ({"op": "move", "path": "/x"}, "move operation failed to decode from: "
                                        "operation, missing from field: missing value"),
        ({"op": "replace", "path": "", "value": 3}, "replace operation value must be object or array: %!w(<nil>)"),
        ({"op": "frobnicate", "path": "/x"}, "Unexpected kind: frobnicate"),
        ({"path": "/x"}, "Unexpected kind: unknown"),
    ],
)
def test_apply_failures_are_422(op: dict[str, Any], message: str) -> None:
    err = jp_error(op)
    assert (err.code, err.message) == (422, message)


def test_422_body_is_upstreams_generic_one() -> None:
    status = jp_error({"op": "test", "path": "/data/k", "value": "x"}).status_error().status
    assert status == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid", "code": 422, "details": {},
    }


def test_failed_patch_changes_nothing() -> None:
    before = copy.deepcopy(CM)
    jp_error({"op": "add", "path": "/data/x", "value": 1}, {"op": "test", "path": "/data/x", "value": 2})
    assert before == CM


@pytest.mark.parametrize(
    ("document", "code", "message"),
    [
        ({"op": "add"}, 400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
        (["add"], 400, "json: cannot unmarshal string into Go value of type jsonpatch.Operation"),
        ([[]], 400, "json: cannot unmarshal array into Go value of type jsonpatch.Operation"),
        ([{"op": "test", "path": "/a"}] * 10001, 413, "The allowed maximum operations in a JSON patch is 10000, got 10001"),
    ],
)
def test_malformed_documents(document: Any, code: int, message: str) -> None:
    with pytest.raises(PatchError) as info:
        apply_json_patch(CM, document)
    assert (info.value.code, info.value.message) == (code, message)
    status = info.value.status_error()
    assert (status.code, status.message) == (code, message)


def test_null_document_is_an_empty_patch() -> None:
    assert apply_json_patch(CM, None) == CM


# --- decoding bodies


@pytest.mark.parametrize(
    ("body", "patch_type", "validation", "message"),
    [
        (b'[{"op": "add"', "json", "Ignore", "unexpected end of JSON input"),
        (b"[{'op': 1}]", "json", "Ignore", "invalid character '\\'' looking for beginning of object key string"),
        (b"[1 2]", "json", "Ignore", "invalid character '2' after array element"),
        (b'{"a" 1}', "json", "Ignore", "invalid character '1' after object key"),
        (b"nope", "json", "Warn", "error decoding patch: invalid character 'n' looking for beginning of value"),
        (b"{}", "json", "Warn", "error decoding patch: json: cannot unmarshal object into Go value of type "
                                "[]handlers.jsonPatchOp"),
        (b'[{"op": 1}]', "json", "Strict", "error decoding patch: json: cannot unmarshal number into Go struct "
                                           "field jsonPatchOp.op of type string"),
        (b"{}", "json", "Ignore", "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
        (b"{x", "merge", "Ignore", "Invalid JSON Patch"),
        (b'"s"', "merge", "Ignore", "Invalid JSON Patch"),
        (b"null", "merge", "Warn", "Invalid JSON Patch"),
        (b"[1]", "merge", "Warn", "error decoding patch: json: cannot unmarshal array into Go value of type "
                                  "map[string]interface {}"),
        (b"[1]", "strategic", "Ignore", "json: cannot unmarshal array into Go value of type map[string]interface {}"),
    ],
)
def test_decode_body_errors(body: bytes, patch_type: str, validation: str, message: str) -> None:
    with pytest.raises(PatchError) as info:
        patch.decode_body(body, patch_type, validation)
    assert (info.value.code, info.value.message) == (400, message)


def test_decode_body_ok() -> None:
    assert patch.decode_body(b'[{"op":"remove","path":"/a"}]', "json") == [{"op": "remove", "path": "/a"}]
    assert patch.decode_body('{"a": null}', "merge") == {"a": None}
    assert patch.decode_body(b"[1]", "merge", "Ignore") == [1]


# --- JSON merge patch


def test_merge_patch_basics() -> None:
    out = apply_merge_patch(CM, {"metadata": {"labels": {"a/b": None, "new": "x"}}, "data": None, "list": [9]})
    assert out["metadata"]["labels"] == {"m~n": "2", "new": "x"}
    assert "data" not in out and out["list"] == [9]
    assert out["metadata"]["name"] == "cm"


@pytest.mark.parametrize(
    ("target", "patch_doc", "result"),
    [  # RFC 7386 appendix A (the object cases)
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_rfc_examples(target: Any, patch_doc: Any, result: Any) -> None:
    assert apply_merge_patch(target, patch_doc) == result


def test_merge_patch_upstream_pruning() -> None:
    # Upstream drops nulls inside objects in arrays it inserts (RFC 7386 would keep them) ...
    assert apply_merge_patch({}, {"a": [{"b": None, "c": 1}, None]}) == {"a": [{"c": 1}, None]}
    # ... but not when the array replaces an object.
    assert apply_merge_patch({"a": {}}, {"a": [{"b": None}]}) == {"a": [{"b": None}]}
    # An array patch is the whole result.
    assert apply_merge_patch(CM, [1, {"x": None}]) == [1, {}]


@pytest.mark.parametrize("bad", [None, "x", 1, True])
def test_merge_patch_must_be_an_object(bad: Any) -> None:
    with pytest.raises(PatchError) as info:
        apply_merge_patch(CM, bad)
    assert (info.value.code, info.value.message) == (400, "Invalid JSON Patch")
    assert info.value.status_error().reason == "BadRequest"


# --- properties

_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
_json = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
_objects = st.dictionaries(st.text(max_size=3), _json, max_size=4)
# Where upstream and RFC 7386 agree: no nulls inside arrays of a patch.
_safe_leaves = st.booleans() | st.integers() | st.text(max_size=5)
_safe_patch = st.recursive(
    st.none() | _safe_leaves,
    lambda inner: st.lists(_safe_leaves, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


def rfc7386(target: Any, p: Any) -> Any:
    if not isinstance(p, dict):
        return p
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in p.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = rfc7386(out.get(k), v)
    return out


@given(_objects, st.dictionaries(st.text(max_size=3), _safe_patch, max_size=4))
def test_merge_patch_matches_rfc_7386(doc: dict[str, Any], p: dict[str, Any]) -> None:
    doc_before, p_before = copy.deepcopy(doc), copy.deepcopy(p)
    assert apply_merge_patch(doc, p) == rfc7386(doc, p)
    assert (doc, p) == (doc_before, p_before)  # inputs untouched


@given(_objects, st.dictionaries(st.text(max_size=3), _safe_patch, max_size=4))
def test_merge_patch_is_idempotent(doc: dict[str, Any], p: dict[str, Any]) -> None:
    once = apply_merge_patch(doc, p)
    assert apply_merge_patch(once, p) == once
    assert apply_merge_patch(doc, {}) == doc


@given(_objects)
def test_result_shares_nothing_with_input(doc: dict[str, Any]) -> None:
    for out in (apply_merge_patch(doc, {}), apply_json_patch(doc, [])):
        assert out == doc

        def ids(v: Any) -> set[int]:
            if isinstance(v, dict):
                return {id(v)}.union(*map(ids, v.values()))
            if isinstance(v, list):
                return {id(v)}.union(*map(ids, v))
            return set()

        assert not ids(out) & ids(doc)


@given(_objects, st.text(max_size=4).filter(lambda k: k not in ("-",)), _json)
def test_add_then_test_then_remove(doc: dict[str, Any], key: str, value: Any) -> None:
    pointer = "/" + key.replace("~", "~0").replace("/", "~1")
    added = apply_json_patch(doc, [{"op": "add", "path": pointer, "value": value},
                                   {"op": "test", "path": pointer, "value": value}])
    assert added[key] == value
    removed = apply_json_patch(added, [{"op": "remove", "path": pointer}])
    assert removed == {k: v for k, v in doc.items() if k != key}
