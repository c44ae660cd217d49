"""apps/v1 kinds: Deployment (with scale and status subresources)."""

from __future__ import annotations

from typing import Any

from kubelite.apis.podspec import default_pod_template, validate_pod_spec
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.labels import selector_from_label_selector
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn


def validate_selector_matches_template(spec: Obj, path: str = "spec") -> list[Cause]:
    errs: list[Cause] = []
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        return [errors.required(f"{path}.selector", "")]
    errs += validation.validate_label_selector(selector, f"{path}.selector")
    if errs:
        return errs
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        errs.append(errors.invalid_value(f"{path}.selector", selector, "empty selector is invalid for deployment"))
        return errs
    sel = selector_from_label_selector(selector)
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if sel is not None and not sel.matches(template_labels):
        errs.append(errors.invalid_value(
            f"{path}.template.metadata.labels", template_labels, "`selector` does not match template `labels`"
        ))
    return errs


class DeploymentStrategy(Strategy):
    group = "apps"
    kind = "Deployment"
    resource = "deployments"
    has_status = True
    spec_generation = True

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        strategy = spec.setdefault("strategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxUnavailable", "25%")
            rolling.setdefault("maxSurge", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        default_pod_template(spec.get("template"))

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return errs + [errors.required("spec", "")]
        replicas = spec.get("replicas")
        if isinstance(replicas, int) and replicas < 0:
            errs.append(errors.invalid_value("spec.replicas", replicas, "must be greater than or equal to 0"))
        errs += validate_selector_matches_template(spec)
        template = spec.get("template") or {}
        errs += validate_pod_spec(template.get("spec"), "spec.template.spec")
        restart = (template.get("spec") or {}).get("restartPolicy")
        if restart is not None and restart != "Always":
            errs.append(errors.not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
        strategy_type = (spec.get("strategy") or {}).get("type")
        if strategy_type not in (None, "RollingUpdate", "Recreate"):
            errs.append(errors.not_supported("spec.strategy.type", strategy_type, ["Recreate", "RollingUpdate"]))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        if obj.get("spec", {}).get("selector") != old.get("spec", {}).get("selector"):
            errs.append(errors.invalid_value("spec.selector", obj.get("spec", {}).get("selector"), "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Ready", description="Number of the pod with ready state"),
            TableColumn("Up-to-date", "integer", description="Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            TableColumn("Available", "integer", description="Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            AGE_COLUMN,
            TableColumn("Containers", priority=1, description="Names of each container in the template."),
            TableColumn("Images", priority=1, description="Images referenced by each container in the template."),
            TableColumn("Selector", priority=1, description="Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = obj.get("spec", {}), obj.get("status", {})
        containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
        sel = selector_from_label_selector(spec.get("selector") or {})
        return [
            obj["metadata"]["name"],
            f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            status.get("updatedReplicas", 0),
            status.get("availableReplicas", 0),
            age(obj["metadata"].get("creationTimestamp")),
            ",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers),
            sel.string() if sel is not None else "<none>",
        ]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("apps", "Deployment"): DeploymentStrategy,
}
