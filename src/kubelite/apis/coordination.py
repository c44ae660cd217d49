"""coordination.k8s.io/v1 Lease: upstream's validation and printing."""

from __future__ import annotations

from typing import Any

from kubelite.endpoints.table import age
from kubelite.machinery import errors
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn


def validate_lease_spec(spec: Any) -> list[Cause]:
    spec = spec if isinstance(spec, dict) else {}
    errs: list[Cause] = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and (not isinstance(duration, int) or duration <= 0):
        errs.append(errors.invalid_value("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if transitions is not None and (not isinstance(transitions, int) or transitions < 0):
        errs.append(errors.invalid_value("spec.leaseTransitions", transitions, "must be greater than or equal to 0"))
    return errs


class LeaseStrategy(Strategy):
    group = "coordination.k8s.io"
    kind = "Lease"
    resource = "leases"

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_lease_spec(obj.get("spec"))

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Holder", description="holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field."), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), (obj.get("spec") or {}).get("holderIdentity") or "",
                age(obj["metadata"].get("creationTimestamp"))]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("coordination.k8s.io", "Lease"): LeaseStrategy,
}
