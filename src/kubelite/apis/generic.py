"""The strategy for built-in kinds without behaviour of their own: metadata rules,
status subresource semantics and generation tracking as upstream's generic registry.

Also the small building blocks the group modules share (upstream keeps them in
apimachinery's validation helpers): tolerant readers of malformed input, the immutable
field check, and metadata.generation tracking as most upstream strategies do it.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from kubelite.machinery import errors, validation
from kubelite.machinery.quantity import ERR_FORMAT_WRONG, QuantityError, parse_quantity
from kubelite.registry.strategy import Cause, Obj, Strategy


class GenericStrategy(Strategy):
    def __init__(self, group: str, kind: str, resource: str, namespaced: bool, has_status: bool) -> None:
        self.group = group
        self.kind = kind
        self.resource = resource
        self.namespaced = namespaced
        self.has_status = has_status
        # Kinds with a status subresource track spec changes in metadata.generation.
        self.spec_generation = has_status


class GenerationStrategy(Strategy):
    """A kind whose upstream strategy sets metadata.generation to 1 on create and bumps it
    when one of `generation_fields` changes (none: it never changes, as PriorityClass)."""

    generation_fields: tuple[str, ...] = ("spec",)

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        obj["metadata"]["generation"] = 1

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        generation = old["metadata"].get("generation", 1)
        if any(obj.get(f) != old.get(f) for f in self.generation_fields):
            generation += 1
        obj["metadata"]["generation"] = generation


_NAME_MAY_NOT_BE = (".", "..")
_NAME_MAY_NOT_CONTAIN = ("/", "%")


def path_segment_name_errors(name: str) -> list[str]:
    """Upstream's path.IsValidPathSegmentName: anything that can be one segment of a URL path."""
    for illegal in _NAME_MAY_NOT_BE:
        if name == illegal:
            return [f"may not be '{illegal}'"]
    return [f"may not contain '{c}'" for c in _NAME_MAY_NOT_CONTAIN if c in name]


def as_dict(value: Any) -> Obj:
    """value when it is an object, else an empty one (malformed input is validated, not trusted)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def immutable(path: str, new: Any, old: Any) -> list[Cause]:
    """apimachinery's ValidateImmutableField."""
    return [] if new == old else [validation.invalid(path, new, "field is immutable")]


def name_errors(value: str, path: str, check: Any = validation.is_dns1123_subdomain) -> list[Cause]:
    """One field.Invalid per message of a string check (IsDNS1123Subdomain by default)."""
    return [validation.invalid(path, value, m) for m in check(value)]


def go_slice(values: Any, type_name: str = "string") -> str:
    """`%#v` of a Go slice of strings (or of a named string type such as
    networking.PolicyType), as field errors show a list they reject."""
    if values is None:
        return f"[]{type_name}(nil)"
    return f"[]{type_name}{{" + ", ".join(validation.go_quote(str(v)) for v in as_list(values)) + "}"


def invalid_slice(path: str, values: Any, detail: str, type_name: str = "string") -> Cause:
    return invalid_shown(path, go_slice(values, type_name), detail)


def invalid_shown(path: str, shown: str, detail: str) -> Cause:
    """field.Invalid whose value is already rendered as Go renders it (%#v of a struct)."""
    return errors.field_error("FieldValueInvalid", path, f"Invalid value: {shown}: {detail}")


def canonical_quantity(value: Any, kind: str) -> str:
    """A quantity as upstream stores it (canonical form); a malformed one fails the request
    as upstream's decoder does (400)."""
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise QuantityError(ERR_FORMAT_WRONG)
        return str(parse_quantity(value.strip() if isinstance(value, str) else repr(value)))
    except QuantityError as exc:
        raise errors.bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: {exc}') from None
