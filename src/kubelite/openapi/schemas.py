"""Upstream type schemas, converted from the JSON Schema shipped by `kubernetes_validate`.

The package ships JSON-Schema `$defs` derived from the Kubernetes 1.33 swagger. This module
turns them back into what kube-apiserver serves: OpenAPI v2 `definitions` and OpenAPI v3
`components.schemas` (nullable type lists collapsed, `$ref`s re-rooted, injected
apiVersion/kind enums dropped, IntOrString/Quantity restored, and in v3 a `$ref` with
siblings wrapped in `allOf` as kube-openapi does). Everything is computed on first use and
cached, so importing this module is cheap.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import os
from collections.abc import Iterable
from typing import Any, Literal

import orjson

from kubelite.machinery.gvk import GroupVersionKind

Schema = dict[str, Any]
Flavor = Literal["v2", "v3"]

SCHEMA_DIR = "kubernetes-json-schema/v1.33.0-local"
_SOURCE_PREFIX = "#/$defs/"
REF_PREFIX: dict[str, str] = {"v2": "#/definitions/", "v3": "#/components/schemas/"}

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"

_INT_OR_STRING_DESC = (
    "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling "
    "and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, "
    "a JSON field that can accept a name or number."
)
_QUANTITY_DESC = (
    "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling "
    "in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n"
    '``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the "" '
    "case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | "
    "<digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>"
    '            ::= "+" | "-" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= '
    "<binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t"
    "(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>"
    '       ::= m | "" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn\'t choose '
    'the capitalization.)\n\n<decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber> ```\n\n'
    "No matter which of the three exponent forms is used, no quantity may represent a number greater than "
    "2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will "
    "be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we "
    "require larger or smaller quantities.\n\nWhen a Quantity is parsed from a string, it will remember the "
    "type of suffix it had, and will use the same type again when it is serialized.\n\nBefore serializing, "
    'Quantity will be put in "canonical form". This means that Exponent/suffix will be adjusted up or '
    "down (with a corresponding increase or decrease in Mantissa) such that:\n\n- No precision is lost - "
    "No fractional digits will be emitted - The exponent (or suffix) is as large as possible.\n\nThe sign "
    'will be omitted unless the number is negative.\n\nExamples:\n\n- 1.5 will be serialized as "1500m" '
    '- 1.5Gi will be serialized as "1536Mi"\n\nNote that the quantity will NEVER be internally represented '
    "by a floating point number. That is the whole point of this exercise.\n\nNon-canonical values will "
    "still parse as long as they are well formed, but will be re-emitted in their canonical form. (So "
    "always use canonical form, or don't diff.)\n\nThis format is intended to make it difficult to use "
    "these numbers to unmarshal/marshal JSON-ish things. Also, when using the JSON type, be careful to use "
    "canonical form, or don't diff."
)

# What kube-openapi emits for the two scalar unions (OpenAPISchemaType/Format for v2,
# OpenAPIV3OneOfTypes for v3). The JSON-Schema source only has bare oneOfs for them.
_SPECIAL: dict[str, dict[str, Schema]] = {
    INT_OR_STRING: {
        "v2": {"description": _INT_OR_STRING_DESC, "type": "string", "format": "int-or-string"},
        "v3": {
            "description": _INT_OR_STRING_DESC,
            "format": "int-or-string",
            "oneOf": [{"type": "integer"}, {"type": "string"}],
        },
    },
    QUANTITY: {
        "v2": {"description": _QUANTITY_DESC, "type": "string"},
        "v3": {"description": _QUANTITY_DESC, "oneOf": [{"type": "string"}, {"type": "number"}]},
    },
}


@functools.cache
def definitions_path() -> str:
    """Path of the pinned `_definitions.json` (found without importing kubernetes_validate,
    whose import pulls in jsonschema and is slow)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("kubernetes_validate is not installed")
    base = list(spec.submodule_search_locations)[0]
    return os.path.join(base, SCHEMA_DIR, "_definitions.json")


@functools.cache
def source_definitions() -> dict[str, Schema]:
    """The raw JSON-Schema `$defs` (do not mutate)."""
    with open(definitions_path(), "rb") as f:
        data = orjson.loads(f.read())
    defs: dict[str, Schema] = data["$defs"]
    return defs


def _convert(node: Any, flavor: Flavor, in_properties: bool = False) -> Any:
    """Convert one JSON-Schema node (recursively) to an OpenAPI schema of `flavor`."""
    if isinstance(node, list):
        return [_convert(x, flavor) for x in node]
    if not isinstance(node, dict):
        return node
    if in_properties:
        return {name: _convert(sub, flavor) for name, sub in node.items()}
    out: Schema = {}
    for key, value in node.items():
        if key == "type" and isinstance(value, list):
            # ["string", "null"] -> "string": nullability was added by the JSON-Schema export.
            types = [t for t in value if t != "null"]
            out["type"] = types[0] if len(types) == 1 else types
        elif key == "$ref" and isinstance(value, str):
            out["$ref"] = REF_PREFIX[flavor] + value.removeprefix(_SOURCE_PREFIX)
        elif key == "properties" and isinstance(value, dict):
            out["properties"] = _convert(value, flavor, in_properties=True)
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = _convert(value, flavor)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_convert(x, flavor) for x in value]
        else:
            out[key] = copy.deepcopy(value)
    if flavor == "v3" and "$ref" in out and len(out) > 1:
        # OpenAPI 3.0 ignores siblings of $ref; kube-openapi moves the ref into allOf.
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


def _convert_definition(name: str, src: Schema, flavor: Flavor) -> Schema:
    if name in _SPECIAL:
        return copy.deepcopy(_SPECIAL[name][flavor])
    out: Schema = _convert(src, flavor)
    props = out.get("properties")
    if isinstance(props, dict):
        # The export pins apiVersion/kind with an enum; upstream does not (and the enum would
        # make a schema shared by several GVKs, like DeleteOptions, reject all but one).
        for key in ("apiVersion", "kind"):
            if isinstance(props.get(key), dict):
                props[key].pop("enum", None)
    return out


@functools.cache
def _all_definitions(flavor: Flavor) -> dict[str, Schema]:
    src = source_definitions()
    return {name: _convert_definition(name, src[name], flavor) for name in sorted(src)}


def definitions() -> dict[str, Schema]:
    """All upstream types as OpenAPI v3 components (refs are `#/components/schemas/<name>`).

    Shared and cached: treat as read-only. A property naming another type is either
    `{"$ref": ...}` or `{"allOf": [{"$ref": ...}], ...siblings}`; use `resolve` to follow it.
    IntOrString is `format: int-or-string` with a oneOf of integer/string, as upstream serves.
    """
    return _all_definitions("v3")


def definitions_v2() -> dict[str, Schema]:
    """All upstream types as OpenAPI v2 definitions (refs are `#/definitions/<name>`)."""
    return _all_definitions("v2")


@functools.cache
def _gvk_index() -> dict[tuple[str, str, str], str]:
    index: dict[tuple[str, str, str], str] = {}
    for name, schema in source_definitions().items():
        gvks = schema.get("x-kubernetes-group-version-kind") or []
        # A type listed under many GVKs (DeleteOptions, WatchEvent) is a shared meta type;
        # only index it when nothing more specific claims the GVK.
        for gvk in gvks:
            key = (gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", ""))
            if key not in index or len(gvks) == 1:
                index[key] = name
    return index


def definition_name(group: str, version: str, kind: str) -> str | None:
    """Component name of the upstream type for a GVK, e.g. ("apps","v1","Deployment")."""
    return _gvk_index().get((group, version, kind))


def schema_for(gvk: GroupVersionKind | tuple[str, str, str]) -> Schema | None:
    """The v3 component schema of a kind (refs left as component refs), or None if unknown."""
    key = (gvk.group, gvk.version, gvk.kind) if isinstance(gvk, GroupVersionKind) else tuple(gvk)
    name = _gvk_index().get(key)  # type: ignore[arg-type]
    return definitions().get(name) if name else None


def ref_name(ref: str) -> str:
    """Component name a `$ref` points at (either flavor)."""
    return ref.rsplit("/", 1)[-1]


def resolve(schema: Schema, defs: dict[str, Schema] | None = None) -> Schema:
    """Follow a `$ref` or single-`allOf` reference to the named schema; other schemas pass through."""
    defs = definitions() if defs is None else defs
    seen = 0
    while seen < 64:  # guard against a malformed self-referencing chain
        seen += 1
        if "$ref" in schema:
            target = defs.get(ref_name(schema["$ref"]))
            if target is None:
                return schema
            schema = target
        elif (
            len(schema.get("allOf") or []) == 1
            and "$ref" in schema["allOf"][0]
            and "properties" not in schema
        ):
            schema = schema["allOf"][0]
        else:
            return schema
    return schema


def _refs(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            out.add(ref_name(ref))
        for value in node.values():
            if isinstance(value, (dict, list)):
                _refs(value, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, out)


@functools.cache
def _direct_refs(name: str) -> frozenset[str]:
    found: set[str] = set()
    _refs(source_definitions().get(name, {}), found)
    return frozenset(found)


def closure(roots: Iterable[str], extra: dict[str, Schema] | None = None) -> list[str]:
    """Sorted names of `roots` plus every upstream type they reference, transitively.

    `extra` supplies schemas that are not upstream (synthesized CRD kinds); their refs are
    followed too.
    """
    src = source_definitions()
    extra = extra or {}
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen or (name not in src and name not in extra):
            continue
        seen.add(name)
        if name in extra:
            found: set[str] = set()
            _refs(extra[name], found)
            stack.extend(found)
        else:
            stack.extend(_direct_refs(name))
    return sorted(seen)
