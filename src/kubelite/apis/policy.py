"""policy/v1 PodDisruptionBudget: upstream's validation (minAvailable xor maxUnavailable,
int-or-percent values, selector), status subresource and printing."""

from __future__ import annotations

import re
from typing import Any

from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

_PERCENT = re.compile(r"^[0-9]+%$")
PERCENT_ERROR = validation.regex_error("a valid percent string must be a numeric string followed by an ending '%'",
                                       "[0-9]+%", "1%", "93%")
UNHEALTHY_POD_EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"]


def validate_positive_int_or_percent(value: Any, path: str) -> list[Cause]:
    """Upstream's ValidatePositiveIntOrPercent and IsNotMoreThan100Percent."""
    if isinstance(value, str):
        if not _PERCENT.match(value):
            return [validation.invalid(path, value, PERCENT_ERROR)]
        if int(value[:-1]) > 100:
            return [validation.invalid(path, value, "must not be greater than 100%")]
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            return [errors.invalid_value(path, value, "must be greater than or equal to 0")]
        return []
    return [errors.invalid_value(path, value, "must be an integer or percentage (e.g '5%')")]


def validate_pdb_spec(spec: Any) -> list[Cause]:
    spec = spec if isinstance(spec, dict) else {}
    errs: list[Cause] = []
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    if min_available is not None and max_unavailable is not None:
        errs.append(errors.invalid_value("spec", spec, "minAvailable and maxUnavailable cannot be both set"))
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
        status = obj.get("status") or {}
        for key in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
            value = status.get(key, 0)
            if not isinstance(value, int) or value < 0:
                errs.append(errors.invalid_value(f"status.{key}", value, "must be greater than or equal to 0"))
        return errs

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
