"""Copying and string sharing of JSON-shaped objects (machinery/objects.py)."""

from __future__ import annotations

import orjson

from kubelite.machinery.objects import deep_copy, share_strings


def test_deep_copy_is_independent() -> None:
    obj = {"a": [{"b": 1}], "c": "x"}
    copied = deep_copy(obj)
    copied["a"][0]["b"] = 2
    assert obj == {"a": [{"b": 1}], "c": "x"}


def test_equal_short_values_become_one_object() -> None:
    one = orjson.loads(b'{"spec":{"containers":[{"imagePullPolicy":"IfNotPresent","args":["--port"]}]}}')
    two = orjson.loads(b'{"spec":{"containers":[{"imagePullPolicy":"IfNotPresent","args":["--port"]}]}}')
    before = orjson.dumps(two)
    share_strings(one)
    share_strings(two)
    assert orjson.dumps(two) == before  # nothing changes but identity
    c1, c2 = one["spec"]["containers"][0], two["spec"]["containers"][0]
    assert c1["imagePullPolicy"] is c2["imagePullPolicy"] and c1["args"][0] is c2["args"][0]


def test_unique_looking_values_are_not_kept() -> None:
    uid, ts = "0b9b5e2c-7e1f-4d7a-9a55-1c2f3e4d5a6b", "2026-11-27T04:30:00Z"
    first = {"uid": "".join(uid), "time": "".join(ts)}
    second = {"uid": "".join(uid), "time": "".join(ts)}
    share_strings(first)
    share_strings(second)
    assert first["uid"] is not second["uid"] and first["time"] is not second["time"]
