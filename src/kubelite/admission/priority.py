"""The Priority admission plugin for pods (upstream's plugin/pkg/admission/priority).

A pod's spec.priority and spec.preemptionPolicy are computed on create from its
PriorityClass, or from the global default class when it names none; a class that does
not exist, or a value the client set that differs from the computed one, is refused
(403). Without a global default class the priority is 0.
"""

from __future__ import annotations

from typing import Any

from kubelite.machinery import errors
from kubelite.registry.store import Store, WriteOptions
from kubelite.storage.interface import Obj

DEFAULT_PREEMPTION_POLICY = "PreemptLowerPriority"


class PodPriority:
    def __init__(self, priority_classes: Store) -> None:
        self.classes = priority_classes

    async def admit(self, operation: str, obj: Obj | None, old: Obj | None, opts: WriteOptions) -> None:
        if operation != "CREATE" or obj is None or not isinstance(obj.get("spec"), dict):
            return
        spec: Obj = obj["spec"]
        pod = str(obj.get("metadata", {}).get("name", ""))
        class_name = spec.get("priorityClassName")
        priority_class: Obj | None
        if class_name:
            priority_class = await self._get(pod, str(class_name))
        else:
            priority_class = await self._global_default()
            if priority_class is not None:
                spec["priorityClassName"] = priority_class["metadata"]["name"]
        value = priority_class.get("value", 0) if priority_class else 0
        policy = (priority_class or {}).get("preemptionPolicy") or DEFAULT_PREEMPTION_POLICY
        if spec.get("priority") is not None and spec["priority"] != value:
            raise errors.forbidden("", "pods", pod, (
                f"the integer value of priority ({spec['priority']}) must not be provided in pod spec; "
                f"priority admission controller computed {value} from the given PriorityClass name"))
        if spec.get("preemptionPolicy") and spec["preemptionPolicy"] != policy:
            raise errors.forbidden("", "pods", pod, (
                f"the string value of PreemptionPolicy ({spec['preemptionPolicy']}) must not be provided in pod spec; "
                f"priority admission controller computed {policy} from the given PriorityClass name"))
        spec["priority"] = value
        spec["preemptionPolicy"] = policy

    async def _get(self, pod: str, name: str) -> Obj:
        try:
            return await self.classes.get("", name)
        except errors.StatusError as exc:
            if exc.code != 404:
                raise
            raise errors.forbidden("", "pods", pod, f"no PriorityClass with name {name} was found") from None

    async def _global_default(self) -> Obj | None:
        # Several defaults can only come from a race; upstream then takes the lowest value.
        page = await self.classes.list("", _is_global_default)
        return min(page.items, key=lambda pc: pc.get("value", 0), default=None)


def _is_global_default(obj: Any) -> bool:
    return bool(obj.get("globalDefault"))
