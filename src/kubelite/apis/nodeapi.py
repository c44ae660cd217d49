"""node.k8s.io/v1 RuntimeClass: upstream's validation (pkg/apis/node/validation) and
printing. A RuntimeClass may be created by an update, as upstream's strategy allows."""

from __future__ import annotations

from typing import Any

from kubelite.apis.generic import as_dict, as_list, canonical_quantity, immutable
from kubelite.apis.podspec import resource_quantity_errors, validate_tolerations
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "node.k8s.io"


def _toleration_key(toleration: Any) -> tuple[str, ...]:
    """What makes two tolerations the same: the fields the API lists them by."""
    toleration = as_dict(toleration)
    return tuple(str(toleration.get(k) or "") for k in ("key", "operator", "value", "effect"))


def go_toleration(toleration: Obj) -> str:
    """A core.Toleration as Go's %#v shows it in field errors."""
    fields = ", ".join(f"{go}:{validation.go_quote(str(toleration.get(key) or ''))}"
                       for go, key in (("Key", "key"), ("Operator", "operator"), ("Value", "value"), ("Effect", "effect")))
    seconds = "(*int64)(nil)" if toleration.get("tolerationSeconds") is None else "(*int64)(0xc000000000)"
    return f"core.Toleration{{{fields}, TolerationSeconds:{seconds}}}"


def scheduling_errors(scheduling: Obj) -> list[Cause]:
    """validateScheduling: labels for the node selector; tolerations valid and unique (upstream
    nests the tolerations' path twice, and so reports them at scheduling.tolerations.tolerations)."""
    errs = validation.validate_labels(scheduling.get("nodeSelector"), "scheduling.nodeSelector")
    tolerations = as_list(scheduling.get("tolerations"))
    errs += validate_tolerations(tolerations, "scheduling.tolerations.tolerations")
    seen: set[tuple[str, ...]] = set()
    for i, toleration in enumerate(tolerations):
        key = _toleration_key(toleration)
        if key in seen:
            errs.append(errors.field_error("FieldValueDuplicate", f"scheduling.tolerations[{i}]",
                                           f"Duplicate value: {go_toleration(as_dict(toleration))}"))
        seen.add(key)
    return errs


def overhead_errors(overhead: Obj) -> list[Cause]:
    """validateOverhead: the pod's fixed overhead is checked as a container's limits."""
    errs: list[Cause] = []
    for name, value in as_dict(overhead.get("podFixed")).items():
        errs += resource_quantity_errors(name, value, f"overhead.limits[{name}]")
    return errs


class RuntimeClassStrategy(Strategy):
    group = GROUP
    kind = "RuntimeClass"
    resource = "runtimeclasses"
    namespaced = False
    allow_create_on_update = True

    def default(self, obj: Obj) -> None:
        fixed = as_dict(obj.get("overhead")).get("podFixed")
        if isinstance(fixed, dict):
            for name, value in list(fixed.items()):
                fixed[name] = canonical_quantity(value, self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        handler = str(obj.get("handler") or "")
        errs = super().validate(obj)
        errs += [validation.invalid("handler", handler, m) for m in validation.name_is_dns_label(handler, False)]
        if isinstance(obj.get("overhead"), dict):
            errs += overhead_errors(obj["overhead"])
        if isinstance(obj.get("scheduling"), dict):
            errs += scheduling_errors(obj["scheduling"])
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # ValidateRuntimeClassUpdate: metadata, and the handler may not change
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + immutable("handler", obj.get("handler"), old.get("handler"))

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Handler", description=""), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), obj.get("handler", ""), age(obj["metadata"].get("creationTimestamp"))]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "RuntimeClass"): RuntimeClassStrategy,
}
