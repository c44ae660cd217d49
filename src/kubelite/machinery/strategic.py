"""Strategic merge patch (upstream's `apimachinery/pkg/util/strategicpatch`), driven by
the OpenAPI schema's `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key`.

Supported: recursive map merge with null deletion; lists merged by key or as sets
of primitives; the directives `$patch` (replace, delete, merge), `$retainKeys`,
`$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
Without a schema (or for unknown fields) lists are replaced, as for JSON merge patch.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Schema = dict[str, Any]
Resolver = Callable[[Schema], Schema]

DELETE_FROM_PRIMITIVE = "$deleteFromPrimitiveList/"
SET_ELEMENT_ORDER = "$setElementOrder/"


class StrategicPatchError(ValueError):
    pass


def apply(original: Any, patch: Any, schema: Schema | None, resolve: Resolver) -> Any:
    return _merge_map(copy.deepcopy(original) if isinstance(original, dict) else {}, patch, schema, resolve)


def _field(schema: Schema | None, key: str, resolve: Resolver) -> Schema | None:
    if schema is None:
        return None
    s = resolve(schema)
    props = s.get("properties")
    if props and key in props:
        return props[key]
    additional = s.get("additionalProperties")
    return additional if isinstance(additional, dict) else None


def _merge_map(original: dict[str, Any], patch: Any, schema: Schema | None, resolve: Resolver) -> dict[str, Any]:
    if not isinstance(patch, dict):
        raise StrategicPatchError(f"invalid patch: expected a map, got {type(patch).__name__}")
    directive = patch.get("$patch")
    if directive == "replace":
        return {k: v for k, v in patch.items() if k != "$patch"}
    if directive == "delete":
        return {}
    if directive not in (None, "merge"):
        raise StrategicPatchError(f"Unknown patch type: {directive} in map: {patch}")
    retain = patch.get("$retainKeys")
    result = original
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys") or key.startswith(SET_ELEMENT_ORDER):
            continue
        if key.startswith(DELETE_FROM_PRIMITIVE):
            target = key[len(DELETE_FROM_PRIMITIVE):]
            if isinstance(result.get(target), list) and isinstance(value, list):
                result[target] = [x for x in result[target] if x not in value]
            continue
        if value is None:
            result.pop(key, None)
            continue
        sub = _field(schema, key, resolve)
        current = result.get(key)
        if isinstance(value, dict):
            result[key] = _merge_map(current if isinstance(current, dict) else {}, value, sub, resolve)
            if isinstance(current, dict) is False and value.get("$patch") == "delete":
                result.pop(key, None)
        elif isinstance(value, list):
            merged = _merge_list(current if isinstance(current, list) else [], value, sub, resolve)
            order = patch.get(SET_ELEMENT_ORDER + key)
            result[key] = _reorder(merged, order, sub, resolve) if isinstance(order, list) else merged
        else:
            result[key] = value
    if isinstance(retain, list):
        keep = set(retain)
        for key in list(result):
            if key not in keep:
                del result[key]
    return result


def _strategy(schema: Schema | None, resolve: Resolver) -> tuple[str, str]:
    if schema is None:
        return "", ""
    s = resolve(schema) if "$ref" in schema else schema
    strategy = s.get("x-kubernetes-patch-strategy", "") or schema.get("x-kubernetes-patch-strategy", "")
    key = s.get("x-kubernetes-patch-merge-key", "") or schema.get("x-kubernetes-patch-merge-key", "")
    return strategy, key


def _merge_list(original: list[Any], patch: list[Any], schema: Schema | None, resolve: Resolver) -> list[Any]:
    strategy, merge_key = _strategy(schema, resolve)
    if "merge" not in strategy.split(","):
        # A list replaced whole, unless it carries a `$patch: replace` marker (which means the same).
        return [p for p in patch if not (isinstance(p, dict) and p.get("$patch") == "replace")]
    items = resolve(schema).get("items") if schema is not None else None
    if not merge_key:
        # A set of primitives: union, keeping the original order.
        result = list(original)
        for p in patch:
            if isinstance(p, dict) and p.get("$patch") == "replace":
                return [x for x in patch if x is not p]
            if p not in result:
                result.append(p)
        return result
    if any(isinstance(p, dict) and p.get("$patch") == "replace" for p in patch):
        return [p for p in patch if not (isinstance(p, dict) and p.get("$patch") == "replace")]
    result = [copy.deepcopy(o) for o in original]
    for p in patch:
        if not isinstance(p, dict):
            raise StrategicPatchError(f"invalid patch: list item {p!r} is not a map with merge key {merge_key!r}")
        if merge_key not in p:
            raise StrategicPatchError(f"map: {p} does not contain declared merge key: {merge_key}")
        index = next((i for i, o in enumerate(result) if isinstance(o, dict) and o.get(merge_key) == p[merge_key]), -1)
        if p.get("$patch") == "delete":
            if index >= 0:
                del result[index]
            continue
        if index >= 0:
            result[index] = _merge_map(result[index], p, items, resolve)
        else:
            result.append(_merge_map({}, p, items, resolve))
    return result


def _reorder(items: list[Any], order: list[Any], schema: Schema | None, resolve: Resolver) -> list[Any]:
    _, merge_key = _strategy(schema, resolve)

    def key_of(x: Any) -> Any:
        return x.get(merge_key) if merge_key and isinstance(x, dict) else x

    wanted = [key_of(o) for o in order]
    positioned = {repr(k): i for i, k in enumerate(wanted)}
    return sorted(items, key=lambda x: positioned.get(repr(key_of(x)), len(wanted)))
