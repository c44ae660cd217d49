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
        self._nodes: dict[int, _Node] = {}
        self._keep: list[Schema] = []

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
        A value of the wrong JSON type raises TypeMismatch (upstream's decode error). Nulls
        become what decoding into Go types makes of them: a field is dropped, a string in
        a map is ""."""
        schema = self.schema_of(gvk)
        if schema is None:
            return []
        unknown: list[str] = []
        _prune(obj, self._node(schema), [], unknown)
        return unknown

    def _node(self, schema: Schema) -> _Node:
        """The schema compiled for pruning, once per schema (the walk runs on every write)."""
        node = self._nodes.get(id(schema))
        if node is not None:
            return node
        node = _Node()
        # Registered before its children: recursive schemas (JSONSchemaProps) close the loop.
        self._nodes[id(schema)] = node
        self._keep.append(schema)  # ids stay valid while the schema lives
        resolved = self.resolve(schema)
        node.preserve = bool(resolved.get("x-kubernetes-preserve-unknown-fields"))
        want = resolved.get("type")
        if isinstance(want, str) and resolved.get("format") != "int-or-string" and "oneOf" not in resolved and "anyOf" not in resolved:
            node.want = want
        props = resolved.get("properties")
        additional = resolved.get("additionalProperties")
        if isinstance(additional, dict):
            node.additional = self._node(additional)
        if props is not None:
            node.props = {k: self._node(v) for k, v in props.items()}
        items = resolved.get("items")
        if isinstance(items, dict):
            node.items = self._node(items)
        return node

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


class _Node:
    """One schema, resolved, for the pruning walk."""

    __slots__ = ("preserve", "want", "props", "additional", "items")

    def __init__(self) -> None:
        self.preserve = False
        self.want: str | None = None  # the JSON type to check, where the schema fixes one
        self.props: dict[str, _Node] | None = None
        self.additional: _Node | None = None
        self.items: _Node | None = None


_ZERO: dict[str, Callable[[], Any]] = {"string": str, "object": dict}

# The Python types each schema type accepts (bool is an int: excluded separately).
_ACCEPTS: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,), "integer": (int,), "number": (int, float),
}


def _prune(value: Any, node: _Node, path: list[str], unknown: list[str]) -> None:
    # path is a stack of segments ("a", ".b", "[0]"), joined only when a path is reported.
    if node.preserve:
        return
    want = node.want
    if want is not None and value is not None:
        accepts = _ACCEPTS.get(want)
        if accepts is not None and (
            not isinstance(value, accepts) or (isinstance(value, bool) and want in ("integer", "number"))
        ):
            raise TypeMismatch("".join(path) or ".", _JSON_TYPES.get(type(value), "value"), _GO_TYPES.get(want, want))
    if type(value) is dict:
        props = node.props
        additional = node.additional
        if props is None:
            if additional is not None:
                for k, v in value.items():
                    if v is None:
                        # Go decodes null into a map[string]string entry as "" (a label, a data key).
                        if additional.want == "string":
                            value[k] = ""
                        continue
                    path.append(f".{k}" if path else k)
                    _prune(v, additional, path, unknown)
                    path.pop()
            return
        for key in list(value):
            sub = props.get(key)
            if sub is None:
                sub = additional
                if sub is None:
                    unknown.append("".join(path) + (f".{key}" if path else key))
                    del value[key]
                    continue
            if value[key] is None:
                del value[key]  # null is the zero value: Go decodes it so, and omits it when encoding
                continue
            if sub.want is None and sub.props is None and sub.additional is None and sub.items is None:
                continue  # nothing to check below (e.g. a string field without a type check)
            path.append(f".{key}" if path else key)
            _prune(value[key], sub, path, unknown)
            path.pop()
    elif type(value) is list:
        items = node.items
        if items is not None:
            for i, v in enumerate(value):
                if v is None:
                    # Go decodes null into a []string element as "", into a []struct one as {}.
                    zero = _ZERO.get(items.want or "")
                    if zero is not None:
                        value[i] = zero()
                    continue
                path.append(f"[{i}]")
                _prune(v, items, path, unknown)
                path.pop()
