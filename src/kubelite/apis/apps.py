"""apps/v1 kinds: Deployment, ReplicaSet, StatefulSet, DaemonSet (with their scale and status
subresources) and ControllerRevision: upstream's defaults, validation and printing."""

from __future__ import annotations

from typing import Any

from kubelite.apis.podspec import (
    as_dict,
    as_list,
    containers_and_images,
    default_claim_template,
    default_pod_template,
    dns_label,
    format_label_selector,
    format_labels,
    is_int,
    nonnegative,
    validate_pod_template_spec,
)
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.errors import StatusError
from kubelite.machinery.labels import Selector, selector_from_label_selector
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

CONTAINERS_COLUMN = TableColumn("Containers", priority=1, description="Names of each container in the template.")
IMAGES_COLUMN = TableColumn("Images", priority=1, description="Images referenced by each container in the template.")


def _selector(selector: Any) -> Selector | None:
    try:
        return selector_from_label_selector(selector if isinstance(selector, dict) else None)
    except (StatusError, AttributeError, TypeError):
        return None


def validate_label_selector_field(spec: Obj, path: str, word: str, required: bool = True) -> list[Cause]:
    """The selector rules every apps controller shares: present, well formed, not empty."""
    selector = spec.get("selector")
    if selector is None:
        return [errors.required(f"{path}.selector")] if required else []
    if not isinstance(selector, dict):
        return [errors.invalid_value(f"{path}.selector", selector, "invalid label selector")]
    errs = validation.validate_label_selector(selector, f"{path}.selector")
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        errs.append(errors.invalid_value(f"{path}.selector", selector, f"empty selector is invalid for {word}"))
    return errs


def validate_template_for_controller(
    template: Any, selector: Selector | None, path: str, kind: str, validate_spec: bool = True
) -> list[Cause]:
    """ValidatePodTemplateSpecForReplicaSet (and the StatefulSet/DaemonSet variants): the
    selector selects the template's labels; pods restart Always and have no deadline."""
    if not isinstance(template, dict):
        return [errors.required(path)]
    labels = as_dict(as_dict(template.get("metadata")).get("labels"))
    errs: list[Cause] = []
    if selector is not None and not selector.empty and not selector.matches(labels):
        errs.append(errors.invalid_value(f"{path}.metadata.labels", labels, "`selector` does not match template `labels`"))
    if validate_spec:
        errs += validate_pod_template_spec(template, path)
    else:
        meta = as_dict(template.get("metadata"))
        errs += validation.validate_labels(meta.get("labels"), f"{path}.labels")
        errs += validation.validate_annotations(meta.get("annotations"), f"{path}.annotations")
    pod_spec = as_dict(template.get("spec"))
    restart = pod_spec.get("restartPolicy")
    if restart != "Always":
        errs.append(errors.not_supported(f"{path}.spec.restartPolicy", restart or "", ["Always"]))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        errs.append(errors.forbidden_field(f"{path}.spec.activeDeadlineSeconds", f"activeDeadlineSeconds in {kind} is not Supported"))
    return errs


def _percent(value: Any) -> int | None:
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return int(value[:-1])
    return None


def validate_int_or_percent(value: Any, path: str) -> list[Cause]:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        if _percent(value) is None:
            return [validation.invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
        return []
    if is_int(value):
        return nonnegative(value, path)
    return [errors.invalid_value(path, value, "must be an integer or percentage (e.g '5%')")]


def _int_or_percent_value(value: Any) -> int:
    pct = _percent(value)
    if pct is not None:
        return pct
    return value if is_int(value) else 0


def not_more_than_100_percent(value: Any, path: str) -> list[Cause]:
    pct = _percent(value)
    if pct is not None and pct > 100:
        return [validation.invalid(path, value, "must not be greater than 100%")]
    return []


def selector_immutable(obj: Obj, old: Obj) -> list[Cause]:
    new_sel, old_sel = as_dict(obj.get("spec")).get("selector"), as_dict(old.get("spec")).get("selector")
    if new_sel != old_sel:
        return [errors.invalid_value("spec.selector", new_sel, "field is immutable")]
    return []


class WorkloadStrategy(Strategy):
    """Controllers with a pod template, scale/status subresources and spec-driven generation."""

    group = "apps"
    has_status = True
    spec_generation = True
    # The status a new object starts with: the zero status, as upstream serializes it
    # (the counters without omitempty are always present).
    empty_status: dict[str, int] = {}

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = dict(self.empty_status)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # Names were validated at create time; upstream does not revalidate them on update.
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + self.validate_spec(obj, old) + selector_immutable(obj, old)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + self.validate_spec(obj, None)

    def validate_spec(self, obj: Obj, old: Obj | None) -> list[Cause]:
        return []


class DeploymentStrategy(WorkloadStrategy):
    kind = "Deployment"
    resource = "deployments"

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        spec.setdefault("replicas", 1)
        strategy = spec.setdefault("strategy", {})
        if isinstance(strategy, dict):
            strategy.setdefault("type", "RollingUpdate")
            if strategy["type"] == "RollingUpdate":
                rolling = strategy.setdefault("rollingUpdate", {})
                if isinstance(rolling, dict):
                    rolling.setdefault("maxUnavailable", "25%")
                    rolling.setdefault("maxSurge", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        default_pod_template(spec.get("template"), self.kind)

    def validate_spec(self, obj: Obj, old: Obj | None) -> list[Cause]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        errs = nonnegative(spec.get("replicas"), "spec.replicas")
        errs += validate_label_selector_field(spec, "spec", "deployment")
        errs += validate_template_for_controller(spec.get("template"), _selector(spec.get("selector")), "spec.template", "ReplicaSet")
        strategy = as_dict(spec.get("strategy"))
        kind = strategy.get("type")
        if kind == "Recreate":
            if strategy.get("rollingUpdate") is not None:
                errs.append(errors.forbidden_field("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"))
        elif kind == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if not isinstance(rolling, dict):
                errs.append(errors.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"))
            else:
                p = "spec.strategy.rollingUpdate"
                errs += validate_int_or_percent(rolling.get("maxUnavailable"), f"{p}.maxUnavailable")
                errs += validate_int_or_percent(rolling.get("maxSurge"), f"{p}.maxSurge")
                if _int_or_percent_value(rolling.get("maxUnavailable")) == 0 and _int_or_percent_value(rolling.get("maxSurge")) == 0:
                    errs.append(errors.invalid_value(f"{p}.maxUnavailable", rolling.get("maxUnavailable"), "may not be 0 when `maxSurge` is 0"))
                errs += not_more_than_100_percent(rolling.get("maxUnavailable"), f"{p}.maxUnavailable")
        else:
            errs.append(errors.not_supported("spec.strategy", kind, ["Recreate", "RollingUpdate"]))
        errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        errs += nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
        deadline = spec.get("progressDeadlineSeconds")
        if is_int(deadline):
            errs += nonnegative(deadline, "spec.progressDeadlineSeconds")
            if deadline <= (spec.get("minReadySeconds") or 0):
                errs.append(errors.invalid_value("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Ready", description="Number of the pod with ready state"),
            TableColumn("Up-to-date", description="Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            TableColumn("Available", description="Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            AGE_COLUMN,
            CONTAINERS_COLUMN,
            IMAGES_COLUMN,
            TableColumn("Selector", priority=1, description="Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        names, images = containers_and_images(as_dict(spec.get("template")).get("spec"))
        return [
            obj["metadata"]["name"],
            f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            status.get("updatedReplicas", 0),
            status.get("availableReplicas", 0),
            age(obj["metadata"].get("creationTimestamp")),
            names, images, format_label_selector(spec.get("selector")),
        ]


class ReplicaSetStrategy(WorkloadStrategy):
    kind = "ReplicaSet"
    resource = "replicasets"
    extra_fields = ("status.replicas",)
    empty_status = {"replicas": 0}

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if isinstance(spec, dict):
            spec.setdefault("replicas", 1)
            default_pod_template(spec.get("template"), self.kind)

    def validate_spec(self, obj: Obj, old: Obj | None) -> list[Cause]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        errs = nonnegative(spec.get("replicas"), "spec.replicas")
        errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        # Upstream's message says "deployment" here too.
        errs += validate_label_selector_field(spec, "spec", "deployment")
        errs += validate_template_for_controller(spec.get("template"), _selector(spec.get("selector")), "spec.template", "ReplicaSet")
        return errs

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["status.replicas"] = str(as_dict(obj.get("status")).get("replicas", 0))
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Desired", "integer", description="Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
            TableColumn("Current", "integer", description="Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
            TableColumn("Ready", "integer", description="The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
            AGE_COLUMN,
            CONTAINERS_COLUMN,
            IMAGES_COLUMN,
            TableColumn("Selector", priority=1, description="Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        names, images = containers_and_images(as_dict(spec.get("template")).get("spec"))
        return [
            obj["metadata"]["name"], spec.get("replicas", 0), status.get("replicas", 0), status.get("readyReplicas", 0),
            age(obj["metadata"].get("creationTimestamp")), names, images, format_label_selector(spec.get("selector")),
        ]


_STS_UPDATABLE = ("replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
_PVC_POLICIES = ["Retain", "Delete"]


class StatefulSetStrategy(WorkloadStrategy):
    kind = "StatefulSet"
    resource = "statefulsets"
    empty_status = {"replicas": 0, "availableReplicas": 0}

    @property
    def name_validator(self) -> Any:
        return validation.name_is_dns_label

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        spec.setdefault("podManagementPolicy", "OrderedReady")
        strategy = spec.setdefault("updateStrategy", {})
        if isinstance(strategy, dict):
            if not strategy.get("type"):
                strategy["type"] = "RollingUpdate"
                strategy.setdefault("rollingUpdate", {})
            rolling = strategy.get("rollingUpdate")
            if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict):
                rolling.setdefault("partition", 0)
        retention = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
        if isinstance(retention, dict):
            retention.setdefault("whenDeleted", "Retain")
            retention.setdefault("whenScaled", "Retain")
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        default_pod_template(spec.get("template"), self.kind)
        for claim in as_list(spec.get("volumeClaimTemplates")):
            default_claim_template(claim, self.kind)

    def validate_spec(self, obj: Obj, old: Obj | None) -> list[Cause]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        errs: list[Cause] = []
        policy = spec.get("podManagementPolicy")
        if not policy:
            errs.append(errors.required("spec.podManagementPolicy"))
        elif policy not in ("OrderedReady", "Parallel"):
            errs.append(validation.invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"))
        strategy = as_dict(spec.get("updateStrategy"))
        kind = strategy.get("type")
        if not kind:
            errs.append(errors.required("spec.updateStrategy"))
        elif kind == "OnDelete":
            if strategy.get("rollingUpdate") is not None:
                errs.append(errors.invalid_value("spec.updateStrategy.rollingUpdate", strategy["rollingUpdate"], "only allowed for updateStrategy 'RollingUpdate'"))
        elif kind == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if isinstance(rolling, dict):
                errs += nonnegative(rolling.get("partition"), "spec.updateStrategy.rollingUpdate.partition")
                if rolling.get("maxUnavailable") is not None:
                    p = "spec.updateStrategy.rollingUpdate.maxUnavailable"
                    errs += validate_int_or_percent(rolling["maxUnavailable"], p)
                    if _int_or_percent_value(rolling["maxUnavailable"]) == 0:
                        errs.append(errors.invalid_value(p, rolling["maxUnavailable"], "cannot be 0"))
                    errs += not_more_than_100_percent(rolling["maxUnavailable"], p)
        else:
            errs.append(errors.invalid_value("spec.updateStrategy", strategy, "must be 'RollingUpdate' or 'OnDelete'"))
        retention = spec.get("persistentVolumeClaimRetentionPolicy")
        if isinstance(retention, dict):
            for key in ("whenDeleted", "whenScaled"):
                if retention.get(key) not in _PVC_POLICIES:
                    errs.append(errors.not_supported(f"spec.persistentVolumeClaimRetentionPolicy.{key}", retention.get(key) or "", _PVC_POLICIES))
        errs += nonnegative(spec.get("replicas"), "spec.replicas")
        errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        ordinals = spec.get("ordinals")
        if isinstance(ordinals, dict):
            errs += nonnegative(ordinals.get("start"), "spec.ordinals.start")
        service_name = spec.get("serviceName")
        if service_name and (old is None or service_name != as_dict(old.get("spec")).get("serviceName")):
            # The name becomes the pods' spec.subdomain, a DNS label.
            errs += dns_label(service_name, "spec.serviceName")
        errs += validate_label_selector_field(spec, "spec", "statefulset")
        # Upstream validates only the template's labels and annotations, not its pod spec.
        errs += validate_template_for_controller(spec.get("template"), _selector(spec.get("selector")), "spec.template", "StatefulSet", validate_spec=False)
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        errs += self.validate_spec(obj, old)
        new_spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
        if {k: v for k, v in new_spec.items() if k not in _STS_UPDATABLE} != {k: v for k, v in old_spec.items() if k not in _STS_UPDATABLE}:
            errs.append(errors.forbidden_field(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
                "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
            ))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Ready", description="Number of the pod with ready state"), AGE_COLUMN,
                CONTAINERS_COLUMN, IMAGES_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        names, images = containers_and_images(as_dict(spec.get("template")).get("spec"))
        return [obj["metadata"]["name"], f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
                age(obj["metadata"].get("creationTimestamp")), names, images]


class DaemonSetStrategy(WorkloadStrategy):
    kind = "DaemonSet"
    resource = "daemonsets"
    empty_status = {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0}

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        strategy = spec.setdefault("updateStrategy", {})
        if isinstance(strategy, dict):
            strategy.setdefault("type", "RollingUpdate")
            if strategy["type"] == "RollingUpdate":
                rolling = strategy.setdefault("rollingUpdate", {})
                if isinstance(rolling, dict):
                    rolling.setdefault("maxUnavailable", 1)
                    rolling.setdefault("maxSurge", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        default_pod_template(spec.get("template"), self.kind)

    def validate_spec(self, obj: Obj, old: Obj | None) -> list[Cause]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        errs: list[Cause] = []
        selector = spec.get("selector")
        if isinstance(selector, dict):
            errs += validation.validate_label_selector(selector, "spec.selector")
        sel = _selector(selector)
        labels = as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels"))
        if sel is not None and not sel.matches(labels):
            errs.append(errors.invalid_value("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"))
        if isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions"):
            errs.append(errors.invalid_value("spec.selector", selector, "empty selector is invalid for daemonset"))
        errs += validate_template_for_controller(spec.get("template"), None, "spec.template", "DaemonSet")
        errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        strategy = as_dict(spec.get("updateStrategy"))
        kind = strategy.get("type")
        if kind == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if not isinstance(rolling, dict):
                errs.append(errors.required("spec.updateStrategy.rollingUpdate"))
            else:
                p = "spec.updateStrategy.rollingUpdate"
                errs += validate_int_or_percent(rolling.get("maxUnavailable"), f"{p}.maxUnavailable")
                errs += validate_int_or_percent(rolling.get("maxSurge"), f"{p}.maxSurge")
                errs += not_more_than_100_percent(rolling.get("maxUnavailable"), f"{p}.maxUnavailable")
                errs += not_more_than_100_percent(rolling.get("maxSurge"), f"{p}.maxSurge")
                unavailable = _int_or_percent_value(rolling.get("maxUnavailable")) != 0
                surge = _int_or_percent_value(rolling.get("maxSurge")) != 0
                if unavailable and surge:
                    errs.append(errors.invalid_value(f"{p}.maxSurge", rolling.get("maxSurge"), "may not be set when maxUnavailable is non-zero"))
                elif not unavailable and not surge:
                    errs.append(errors.required(f"{p}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
        elif kind != "OnDelete":
            errs.append(errors.not_supported("spec.updateStrategy", strategy, ["RollingUpdate", "OnDelete"]))
        errs += nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Desired", "integer", description="The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
            TableColumn("Current", "integer", description="The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
            TableColumn("Ready", "integer", description="The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
            TableColumn("Up-to-date", "integer", description="The total number of nodes that are running updated daemon pod"),
            TableColumn("Available", "integer", description="The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            TableColumn("Node Selector", description="NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
            AGE_COLUMN,
            CONTAINERS_COLUMN,
            IMAGES_COLUMN,
            TableColumn("Selector", priority=1, description="A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        pod_spec = as_dict(as_dict(spec.get("template")).get("spec"))
        names, images = containers_and_images(pod_spec)
        return [
            obj["metadata"]["name"], status.get("desiredNumberScheduled", 0), status.get("currentNumberScheduled", 0),
            status.get("numberReady", 0), status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0),
            format_labels(pod_spec.get("nodeSelector")), age(obj["metadata"].get("creationTimestamp")),
            names, images, format_label_selector(spec.get("selector")),
        ]


class ControllerRevisionStrategy(Strategy):
    group = "apps"
    kind = "ControllerRevision"
    resource = "controllerrevisions"

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        if obj.get("data") is None:
            errs.append(errors.required("data", "data is mandatory"))
        errs += nonnegative(obj.get("revision"), "revision")
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        if obj.get("data") != old.get("data"):
            errs.append(errors.invalid_value("data", obj.get("data"), "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Controller", description="Controller of the object"),
                TableColumn("Revision", description="Revision indicates the revision of the state represented by Data."),
                AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        controller = "<none>"
        for ref in as_list(obj["metadata"].get("ownerReferences")):
            ref = as_dict(ref)
            if ref.get("controller") is True:
                group = str(ref.get("apiVersion", "")).rpartition("/")[0]
                kind = str(ref.get("kind", ""))
                qualified = f"{kind}.{group}" if group else kind
                controller = f"{qualified.lower()}/{ref.get('name', '')}" if qualified else str(ref.get("name", ""))
                break
        return [obj["metadata"]["name"], controller, obj.get("revision", 0), age(obj["metadata"].get("creationTimestamp"))]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("apps", "Deployment"): DeploymentStrategy,
    ("apps", "ReplicaSet"): ReplicaSetStrategy,
    ("apps", "StatefulSet"): StatefulSetStrategy,
    ("apps", "DaemonSet"): DaemonSetStrategy,
    ("apps", "ControllerRevision"): ControllerRevisionStrategy,
}
