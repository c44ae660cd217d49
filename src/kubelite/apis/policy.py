"""policy/v1 PodDisruptionBudget: upstream's validation (minAvailable xor maxUnavailable,
int-or-percent values, selector), status subresource and printing."""

from __future__ import annotations

from typing import Any

from kubelite.apis.apps import (
    GO_POINTER,
    go_invalid,
    not_more_than_100_percent,
    validate_counters,
    validate_int_or_percent,
)
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

UNHEALTHY_POD_EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"]
_STATUS_COUNTERS = ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")


def validate_positive_int_or_percent(value: Any, path: str) -> list[Cause]:
    """Upstream's ValidatePositiveIntOrPercent and IsNotMoreThan100Percent."""
    return validate_int_or_percent(value, path) + not_more_than_100_percent(value, path)


def _go_spec(spec: Obj) -> str:
    """%#v of a policy.PodDisruptionBudgetSpec: its fields are pointers, printed as addresses."""
    fields = (("MinAvailable", "intstr.IntOrString", "minAvailable"), ("Selector", "v1.LabelSelector", "selector"),
              ("MaxUnavailable", "intstr.IntOrString", "maxUnavailable"),
              ("UnhealthyPodEvictionPolicy", "policy.UnhealthyPodEvictionPolicyType", "unhealthyPodEvictionPolicy"))
    shown = ", ".join(f"{name}:(*{kind})({'nil' if spec.get(key) is None else GO_POINTER})" for name, kind, key in fields)
    return f"policy.PodDisruptionBudgetSpec{{{shown}}}"


def validate_pdb_spec(spec: Any) -> list[Cause]:
    """ValidatePodDisruptionBudgetSpec."""
    spec = spec if isinstance(spec, dict) else {}
    errs: list[Cause] = []
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    if min_available is not None and max_unavailable is not None:
        errs.append(go_invalid("spec", _go_spec(spec), "minAvailable and maxUnavailable cannot be both set"))
    if min_available is not None:
        errs += validate_positive_int_or_percent(min_available, "spec.minAvailable")
    if max_unavailable is not None:
        errs += validate_positive_int_or_percent(max_unavailable, "spec.maxUnavailable")
    selector = spec.get("selector")
    if isinstance(selector, dict):
        errs += validation.validate_label_selector(selector, "spec.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        errs.append(errors.not_supported("spec.unhealthyPodEvictionPolicy", policy, UNHEALTHY_POD_EVICTION_POLICIES))
    return errs


class PodDisruptionBudgetStrategy(Strategy):
    group = "policy"
    kind = "PodDisruptionBudget"
    resource = "poddisruptionbudgets"
    has_status = True
    spec_generation = True

    def initial_status(self, obj: Obj) -> None:
        # policy/v1 writes these counters even when zero; clients require them.
        obj["status"] = {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_pdb_spec(obj.get("spec"))

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_status_update(obj, old)
        status = obj.get("status")
        return errs + validate_counters(status if isinstance(status, dict) else {}, "status", _STATUS_COUNTERS)

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Min Available", description="The minimum number of pods that must be available."),
            TableColumn("Max Unavailable", description="The maximum number of pods that may be unavailable."),
            TableColumn("Allowed Disruptions", "integer", description="Calculated number of pods that may be disrupted at this time."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
        return [
            obj["metadata"].get("name", ""),
            "N/A" if min_available is None else str(min_available),
            "N/A" if max_unavailable is None else str(max_unavailable),
            status.get("disruptionsAllowed", 0),
            age(obj["metadata"].get("creationTimestamp")),
        ]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("policy", "PodDisruptionBudget"): PodDisruptionBudgetStrategy,
}
