"""Typed walks over objects with their OpenAPI schema: find and drop unknown fields
(upstream's strict / warn / ignore field validation) and look up list merge keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubelite.machinery.gvk import GroupVersionKind

Obj = dict[str, Any]
Schema = dict[str, Any]


class SchemaSet:
    """Schemas by GroupVersionKind, resolved from a definitions table on first use."""

    def __init__(self, definitions: Callable[[], dict[str, Schema]]) -> None:
        self._definitions = definitions
        self._by_gvk: dict[GroupVersionKind, Schema] | None = None
        self._extra: dict[GroupVersionKind, Schema] = {}

    def register(self, gvk: GroupVersionKind, schema: Schema) -> None:
        """Add a schema that is not among the definitions (custom resources)."""
        self._extra[gvk] = schema

    @property
    def definitions(self) -> dict[str, Schema]:
        return self._definitions()

    def schema_of(self, gvk: GroupVersionKind) -> Schema | None:
        if gvk in self._extra:
            return self._extra[gvk]
        if self._by_gvk is None:
            table: dict[GroupVersionKind, Schema] = {}
            for schema in self.definitions.values():
                for g in schema.get("x-kubernetes-group-version-kind", []):
                    table[GroupVersionKind(g.get("group", ""), g["version"], g["kind"])] = schema
            self._by_gvk = table
        return self._by_gvk.get(gvk)

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.definitions.get(name, {})
        if "allOf" in schema and len(schema["allOf"]) == 1 and "properties" not in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            merged.update(self.resolve(schema["allOf"][0]))
            return merged
        return schema

    def prune(self, gvk: GroupVersionKind, obj: Obj) -> list[str]:
        """Remove fields the schema does not know; return their paths as upstream prints them.
        A value of the wrong JSON type raises TypeMismatch (upstream's decode error)."""
        schema = self.schema_of(gvk)
        if schema is None:
            return []
        unknown: list[str] = []
        self._prune(obj, schema, "", unknown)
        return unknown

    def _prune(self, value: Any, schema: Schema, path: str, unknown: list[str]) -> None:
        schema = self.resolve(schema)
        if schema.get("x-kubernetes-preserve-unknown-fields"):
            return
        if value is not None:
            _check_type(value, schema, path)
        if isinstance(value, dict):
            props = schema.get("properties")
            additional = schema.get("additionalProperties")
            if props is None:
                if isinstance(additional, dict):
                    for k, v in value.items():
                        self._prune(v, additional, f"{path}.{k}" if path else k, unknown)
                return
            for key in list(value):
                sub = props.get(key)
                child = f"{path}.{key}" if path else key
                if sub is None:
                    if isinstance(additional, dict):
                        self._prune(value[key], additional, child, unknown)
                        continue
                    unknown.append(child)
                    del value[key]
                    continue
                self._prune(value[key], sub, child, unknown)
        elif isinstance(value, list):
            items = schema.get("items")
            if isinstance(items, dict):
                for i, v in enumerate(value):
                    self._prune(v, items, f"{path}[{i}]", unknown)

    def field_schema(self, schema: Schema | None, key: str) -> Schema | None:
        if schema is None:
            return None
        schema = self.resolve(schema)
        props = schema.get("properties")
        if props and key in props:
            return props[key]
        additional = schema.get("additionalProperties")
        return additional if isinstance(additional, dict) else None

    def items_schema(self, schema: Schema | None) -> Schema | None:
        if schema is None:
            return None
        items = self.resolve(schema).get("items")
        return items if isinstance(items, dict) else None


class TypeMismatch(ValueError):
    """A value whose JSON type the schema does not allow, e.g. a number for a string."""

    def __init__(self, path: str, got: str, want: str) -> None:
        super().__init__(f"json: cannot unmarshal {got} into Go struct field {path} of type {want}")
        self.path = path


_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "bool", int: "number", float: "number"}
_GO_TYPES = {"object": "map or struct", "array": "slice", "string": "string", "integer": "int", "number": "float64", "boolean": "bool"}


def _check_type(value: Any, schema: Schema, path: str) -> None:
    want = schema.get("type")
    if not isinstance(want, str) or schema.get("format") == "int-or-string" or "oneOf" in schema or "anyOf" in schema:
        return
    ok = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
    }.get(want, True)
    if not ok:
        raise TypeMismatch(path or ".", _JSON_TYPES.get(type(value), "value"), _GO_TYPES.get(want, want))
