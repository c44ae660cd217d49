"""scheduling.k8s.io/v1 PriorityClass: upstream's defaults, validation (reserved system
names, value limits, immutable value and preemptionPolicy), the Priority admission
plugin's one-global-default rule, and printing."""

from __future__ import annotations

from typing import Any

from kubelite.apis.generic import GenerationStrategy, is_int
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "scheduling.k8s.io"
HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000
SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY
SYSTEM_PRIORITY_CLASS_PREFIX = "system-"
# name -> (value, globalDefault) of the classes the server creates at start
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": (SYSTEM_CRITICAL_PRIORITY + 1000, False),
    "system-cluster-critical": (SYSTEM_CRITICAL_PRIORITY, False),
}
PREEMPTION_POLICIES = ["Never", "PreemptLowerPriority"]


def known_system_class_error(name: str, value: Any, global_default: bool) -> str | None:
    """Upstream's IsKnownSystemPriorityClass, as the error it reports (None when known)."""
    known = SYSTEM_PRIORITY_CLASSES.get(name)
    if known is None:
        return f"{name} is not a known system priority class"
    if value != known[0]:
        return f"value of {name} PriorityClass must be {known[0]}"
    if global_default != known[1]:
        return f"globalDefault of {name} PriorityClass must be {str(known[1]).lower()}"
    return None


def validate_priority_class(obj: Obj) -> list[Cause]:
    errs: list[Cause] = []
    name = obj.get("metadata", {}).get("name", "")
    value = obj.get("value", 0)
    if not is_int(value):
        errs.append(errors.invalid_value("value", value, "must be an integer"))
    elif name.startswith(SYSTEM_PRIORITY_CLASS_PREFIX):
        problem = known_system_class_error(name, value, bool(obj.get("globalDefault")))
        if problem is not None:
            errs.append(errors.forbidden_field(
                "metadata.name",
                f"priority class names with '{SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. "
                f"error: {problem}",
            ))
    elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.append(errors.forbidden_field("value", f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"))
    policy = obj.get("preemptionPolicy")
    if policy is not None and policy not in PREEMPTION_POLICIES:
        errs.append(errors.not_supported("preemptionPolicy", policy, PREEMPTION_POLICIES))
    return errs


class PriorityClassStrategy(GenerationStrategy):
    group = GROUP
    kind = "PriorityClass"
    resource = "priorityclasses"
    namespaced = False
    generation_fields = ()  # 1 from the create on: upstream never bumps it

    def attach(self, store: Any, options: Any) -> None:
        self._store = store
        store.admission.append(self._one_global_default)

    async def _one_global_default(self, operation: str, obj: Obj | None, old: Obj | None, opts: Any) -> None:
        """The Priority admission plugin: at most one class may be the global default."""
        if obj is None or not obj.get("globalDefault"):
            return
        name = obj.get("metadata", {}).get("name", "")
        page = await self._store.list("", lambda o: bool(o.get("globalDefault")))
        for other in page.items:
            other_name = other["metadata"].get("name", "")
            if operation == "CREATE" or other_name != name:
                raise errors.forbidden(
                    GROUP, self.resource, name,
                    f"PriorityClass {other_name} is already marked as default. Only one default can exist",
                )

    def default(self, obj: Obj) -> None:
        obj.setdefault("value", 0)
        if obj.get("preemptionPolicy") is None:
            obj["preemptionPolicy"] = "PreemptLowerPriority"

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_priority_class(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # only metadata, description and globalDefault may change
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        if obj.get("value") != old.get("value"):
            errs.append(errors.forbidden_field("value", "may not be changed in an update."))
        if obj.get("preemptionPolicy") != old.get("preemptionPolicy"):
            errs.append(errors.invalid_value("preemptionPolicy", obj.get("preemptionPolicy"), "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Value", "integer", description="value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
            TableColumn("Global-Default", "boolean", description="globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority."),
            AGE_COLUMN,
            TableColumn("PreemptionPolicy", description="preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), obj.get("value", 0), bool(obj.get("globalDefault")),
                age(obj["metadata"].get("creationTimestamp")), obj.get("preemptionPolicy") or ""]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "PriorityClass"): PriorityClassStrategy,
}
