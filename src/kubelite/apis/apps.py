"""apps/v1 kinds: Deployment, ReplicaSet, StatefulSet, DaemonSet (with their scale and status
subresources) and ControllerRevision: upstream's defaults, validation and printing.

Also the pieces the workload kinds of other groups (batch) share: Go's `%#v` of the values
upstream's field errors show, `nil`-aware defaulting and the pod-template helpers."""

from __future__ import annotations

from collections.abc import Iterable
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
from kubelite.machinery.validation import go_quote, go_string_slice
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

# The internal DaemonSet's spec.templateGeneration, which apps/v1 carries in this annotation.
TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
_CONTROLLER_SELECTOR_DESCRIPTION = (
    "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match "
    "the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
)


# --- Go's %#v, as upstream's field errors print values that are neither numbers nor strings ---------


def go_string_map(value: Any) -> str:
    """%#v of a map[string]string (keys sorted, as fmt prints maps)."""
    if not isinstance(value, dict):
        return "map[string]string(nil)"
    pairs = (f"{go_quote(str(k))}:{go_quote(str(v))}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
    return "map[string]string{" + ", ".join(pairs) + "}"


def _go_requirement(expr: Obj) -> str:
    values = expr.get("values")
    shown = go_string_slice([str(v) for v in values] if isinstance(values, list) else None)
    return (f"v1.LabelSelectorRequirement{{Key:{go_quote(str(expr.get('key') or ''))}, "
            f"Operator:{go_quote(str(expr.get('operator') or ''))}, Values:{shown}}}")


def go_label_selector(selector: Any) -> str:
    """%#v of a metav1.LabelSelector (field errors dereference the pointer first)."""
    sel = as_dict(selector)
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list):
        shown = "[]v1.LabelSelectorRequirement{" + ", ".join(_go_requirement(as_dict(e)) for e in exprs) + "}"
    else:
        shown = "[]v1.LabelSelectorRequirement(nil)"
    return f"v1.LabelSelector{{MatchLabels:{go_string_map(sel.get('matchLabels'))}, MatchExpressions:{shown}}}"


def go_int_or_string(value: Any) -> str:
    """%#v of an intstr.IntOrString (its String method has a pointer receiver, so %#v it is)."""
    if isinstance(value, str):
        return f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(value)}}}'
    return f'intstr.IntOrString{{Type:0, IntVal:{value if is_int(value) else 0}, StrVal:""}}'


def go_invalid(path: str, shown: str, detail: str) -> Cause:
    """field.Invalid with a value already printed as Go prints it (an empty detail adds nothing)."""
    return errors.field_error("FieldValueInvalid", path, f"Invalid value: {shown}" + (f": {detail}" if detail else ""))


def go_not_supported(path: str, shown: str, valid: Iterable[str]) -> Cause:
    quoted = ", ".join(f'"{v}"' for v in valid)
    return errors.field_error("FieldValueNotSupported", path, f"Unsupported value: {shown}: supported values: {quoted}")


# Go prints a set pointer field of a struct as its address; any address stands for one.
GO_POINTER = "0xc000000000"


# --- defaulting --------------------------------------------------------------------------------------


def set_default(obj: Obj, key: str, value: Any) -> Any:
    """Go's `if x == nil { x = value }`: an absent key and a JSON null are both unset."""
    if obj.get(key) is None:
        obj[key] = value
    return obj[key]


def zero_creation_timestamp(holder: Obj) -> None:
    """An ObjectMeta embedded by value (a pod or job template, a claim template) is always
    serialized, and its unset creationTimestamp as null: 1.33 predates `omitzero` there."""
    meta = set_default(holder, "metadata", {})
    if isinstance(meta, dict) and "creationTimestamp" not in meta:
        meta["creationTimestamp"] = None


def default_template(spec: Obj, kind: str) -> None:
    """A controller's pod template is a struct in Go: present, with metadata and spec, even when
    the client sent none; SetDefaults_PodSpec fills it."""
    template = set_default(spec, "template", {})
    if not isinstance(template, dict):
        return
    zero_creation_timestamp(template)
    set_default(template, "spec", {})
    default_pod_template(template, kind)


# --- validation shared by the controllers ------------------------------------------------------------


def parsed_selector(selector: Any, path: str, detail: str) -> tuple[Selector | None, list[Cause]]:
    """metav1.LabelSelectorAsSelector: Nothing for no selector, None (and an error with detail)
    for one that does not convert."""
    if selector is not None and not isinstance(selector, dict):
        return None, [go_invalid(path, go_label_selector(selector), detail)]
    try:
        return selector_from_label_selector(selector), []
    except (StatusError, AttributeError, TypeError):
        return None, [go_invalid(path, go_label_selector(selector), detail)]


def validate_required_selector(spec: Obj, path: str, word: str) -> list[Cause]:
    """The selector rules Deployments, ReplicaSets and StatefulSets share: present, well formed, not empty."""
    selector = spec.get("selector")
    if selector is None:
        return [errors.required(f"{path}.selector")]
    if not isinstance(selector, dict):
        return []  # reported where it is converted
    errs = validation.validate_label_selector(selector, f"{path}.selector")
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        errs.append(go_invalid(f"{path}.selector", go_label_selector(selector), f"empty selector is invalid for {word}"))
    return errs


def template_labels_match(template: Any, selector: Selector | None, path: str) -> list[Cause]:
    """The selector selects the template's labels (an empty selector is not checked; Nothing never matches)."""
    labels = as_dict(template).get("metadata")
    labels = as_dict(labels).get("labels")
    if selector is None or selector.empty or selector.matches(as_dict(labels)):
        return []
    return [go_invalid(f"{path}.metadata.labels", go_string_map(labels), "`selector` does not match template `labels`")]


def validate_template_for_controller(template: Any, path: str, kind: str, validate_spec: bool = True) -> list[Cause]:
    """The rest of ValidatePodTemplateSpecForReplicaSet (and the StatefulSet and DaemonSet checks):
    a valid template whose pods restart Always and have no deadline."""
    if not isinstance(template, dict):
        return [errors.required(path)]
    errs: list[Cause] = []
    if validate_spec:
        errs += validate_pod_template_spec(template, path)
    else:
        # StatefulSets validate only the template's metadata (the claim templates add volumes).
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


def validate_replicated_pods(spec: Obj) -> list[Cause]:
    """The selector and template of a Deployment or a ReplicaSet: a required selector (the
    message says "deployment" for both, as upstream's), and ValidatePodTemplateSpecForReplicaSet
    once the selector converts."""
    errs = validate_required_selector(spec, "spec", "deployment")
    selector, bad = parsed_selector(spec.get("selector"), "spec.selector", "invalid label selector")
    if selector is None:
        return errs + bad
    errs += template_labels_match(spec.get("template"), selector, "spec.template")
    return errs + validate_template_for_controller(spec.get("template"), "spec.template", "ReplicaSet")


def _percent(value: Any) -> int | None:
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return int(value[:-1])
    return None


def validate_int_or_percent(value: Any, path: str) -> list[Cause]:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, str):
        if _percent(value) is None:
            return [go_invalid(path, go_int_or_string(value), validation.regex_error(
                "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%"))]
        return []
    if is_int(value):
        return nonnegative(value, path)
    return [go_invalid(path, go_int_or_string(value), "must be an integer or percentage (e.g '5%')")]


def int_or_percent_value(value: Any) -> int:
    pct = _percent(value)
    if pct is not None:
        return pct
    return value if is_int(value) else 0


def not_more_than_100_percent(value: Any, path: str) -> list[Cause]:
    pct = _percent(value)
    if pct is not None and pct > 100:
        return [go_invalid(path, go_int_or_string(value), "must not be greater than 100%")]
    return []


def selector_immutable(obj: Obj, old: Obj) -> list[Cause]:
    new_sel, old_sel = as_dict(obj.get("spec")).get("selector"), as_dict(old.get("spec")).get("selector")
    if new_sel != old_sel:
        shown = go_label_selector(new_sel) if new_sel is not None else "null"
        return [go_invalid("spec.selector", shown, "field is immutable")]
    return []


def validate_counters(status: Obj, path: str, keys: Iterable[str]) -> list[Cause]:
    """ValidateNonnegativeField for each status counter."""
    errs: list[Cause] = []
    for key in keys:
        errs += nonnegative(status.get(key), f"{path}.{key}")
    return errs


def validate_not_greater(status: Obj, path: str, pairs: Iterable[tuple[str, str, str]]) -> list[Cause]:
    """(counter, bound, message): the counter may not exceed the bound."""
    errs: list[Cause] = []
    for key, bound, message in pairs:
        value, limit = status.get(key, 0), status.get(bound, 0)
        if is_int(value) and is_int(limit) and value > limit:
            errs.append(errors.invalid_value(f"{path}.{key}", value, message))
    return errs


def collision_count_decremented(status: Obj, old_status: Obj) -> list[Cause]:
    """IsDecremented: a collisionCount may grow, never shrink or go away."""
    new, old = status.get("collisionCount"), old_status.get("collisionCount")
    if is_int(old) and (not is_int(new) or new < old):
        return [errors.invalid_value("status.collisionCount", new if is_int(new) else 0, "cannot be decremented")]
    return []


# --- printing -----------------------------------------------------------------------------------------


def template_columns(selector_description: str | None) -> list[TableColumn]:
    """The wide columns of every controller: its template's containers and images, its selector."""
    columns = [
        AGE_COLUMN,
        TableColumn("Containers", priority=1, description="Names of each container in the template."),
        TableColumn("Images", priority=1, description="Images referenced by each container in the template."),
    ]
    if selector_description is not None:
        columns.append(TableColumn("Selector", priority=1, description=selector_description))
    return columns


def template_cells(obj: Obj, template: Any, selector: Any = None, with_selector: bool = True) -> list[Any]:
    """The cells of template_columns."""
    names, images = containers_and_images(as_dict(template).get("spec"))
    cells = [age(obj["metadata"].get("creationTimestamp")), names, images]
    if with_selector:
        cells.append(format_label_selector(selector))
    return cells


# --- the strategies -----------------------------------------------------------------------------------


class ControllerStrategy(Strategy):
    """Kinds with a status subresource and spec-driven generation (the workload controllers)."""

    has_status = True
    spec_generation = True
    # The status a new object starts with: the zero status, as upstream serializes it
    # (the counters without omitempty are always present).
    empty_status: dict[str, int] = {}

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = dict(self.empty_status)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        # Upstream defaults while decoding, before comparing specs: a client that leaves out a
        # defaulted field does not change the spec (nor the generation).
        self.default(obj)
        super().prepare_for_update(obj, old)


def default_rolling_strategy(spec: Obj, key: str, max_unavailable: Any, max_surge: Any) -> None:
    """A Deployment's strategy, a DaemonSet's updateStrategy: RollingUpdate unless set, with
    both limits."""
    strategy = set_default(spec, key, {})
    if not isinstance(strategy, dict):
        return
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = set_default(strategy, "rollingUpdate", {})
        if isinstance(rolling, dict):
            set_default(rolling, "maxUnavailable", max_unavailable)
            set_default(rolling, "maxSurge", max_surge)


class WorkloadStrategy(ControllerStrategy):
    """The apps controllers: a pod template, scale and status subresources."""

    group = "apps"
    status_counters: tuple[str, ...] = ()
    status_bounds: tuple[tuple[str, str, str], ...] = ()

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # Names were validated at create time; upstream does not revalidate them on update.
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + self.validate_spec(obj, old) + selector_immutable(obj, old)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + self.validate_spec(obj, None)

    def validate_spec(self, obj: Obj, old: Obj | None) -> list[Cause]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        return self.validate_spec_fields(spec, old)

    def validate_spec_fields(self, spec: Obj, old: Obj | None) -> list[Cause]:
        """The kind's own ValidateXSpec (old is the stored object on update)."""
        return []

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        status = as_dict(obj.get("status"))
        errs = super().validate_status_update(obj, old)
        errs += validate_counters(status, "status", self.status_counters)
        if status.get("collisionCount") is not None:
            errs += nonnegative(status["collisionCount"], "status.collisionCount")
        errs += validate_not_greater(status, "status", self.status_bounds)
        return errs + collision_count_decremented(status, as_dict(old.get("status")))


def _replica_bounds(*keys: str, ready_message: str) -> tuple[tuple[str, str, str], ...]:
    bounds = tuple((key, "replicas", "cannot be greater than status.replicas") for key in keys)
    return (*bounds, ("availableReplicas", "readyReplicas", ready_message))


class DeploymentStrategy(WorkloadStrategy):
    kind = "Deployment"
    resource = "deployments"
    status_counters = ("observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
                       "unavailableReplicas")
    status_bounds = _replica_bounds("updatedReplicas", "readyReplicas", "availableReplicas",
                                    ready_message="cannot be greater than readyReplicas")

    def default(self, obj: Obj) -> None:
        """SetDefaults_Deployment."""
        spec = set_default(obj, "spec", {})
        if not isinstance(spec, dict):
            return
        set_default(spec, "replicas", 1)
        default_rolling_strategy(spec, "strategy", "25%", "25%")
        set_default(spec, "revisionHistoryLimit", 10)
        set_default(spec, "progressDeadlineSeconds", 600)
        default_template(spec, self.kind)

    def validate_spec_fields(self, spec: Obj, old: Obj | None) -> list[Cause]:
        errs = nonnegative(spec.get("replicas"), "spec.replicas")
        errs += validate_replicated_pods(spec)
        errs += self._validate_strategy(as_dict(spec.get("strategy")), "spec.strategy")
        errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        errs += nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
        deadline = spec.get("progressDeadlineSeconds")
        if is_int(deadline):
            errs += nonnegative(deadline, "spec.progressDeadlineSeconds")
            if deadline <= (spec.get("minReadySeconds") or 0):
                errs.append(errors.invalid_value("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
        return errs

    @staticmethod
    def _validate_strategy(strategy: Obj, path: str) -> list[Cause]:
        """ValidateDeploymentStrategy."""
        kind = strategy.get("type")
        rolling = strategy.get("rollingUpdate")
        if kind == "Recreate":
            if rolling is not None:
                return [errors.forbidden_field(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]
            return []
        if kind != "RollingUpdate":
            ref = "nil" if rolling is None else GO_POINTER
            shown = f"apps.DeploymentStrategy{{Type:{go_quote(str(kind or ''))}, RollingUpdate:(*apps.RollingUpdateDeployment)({ref})}}"
            return [go_not_supported(path, shown, ["Recreate", "RollingUpdate"])]
        if not isinstance(rolling, dict):
            return [errors.required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
        p = f"{path}.rollingUpdate"
        unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
        errs = validate_int_or_percent(unavailable, f"{p}.maxUnavailable")
        errs += validate_int_or_percent(surge, f"{p}.maxSurge")
        if int_or_percent_value(unavailable) == 0 and int_or_percent_value(surge) == 0:
            errs.append(go_invalid(f"{p}.maxUnavailable", go_int_or_string(unavailable), "may not be 0 when `maxSurge` is 0"))
        return errs + not_more_than_100_percent(unavailable, f"{p}.maxUnavailable")

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Ready", description="Number of the pod with ready state"),
            TableColumn("Up-to-date", description="Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            TableColumn("Available", description="Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            *template_columns("Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        return [
            obj["metadata"]["name"], f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
            *template_cells(obj, spec.get("template"), spec.get("selector")),
        ]


class ReplicaSetStrategy(WorkloadStrategy):
    kind = "ReplicaSet"
    resource = "replicasets"
    extra_fields = ("status.replicas",)
    empty_status = {"replicas": 0}
    status_counters = ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration")
    status_bounds = _replica_bounds("fullyLabeledReplicas", "readyReplicas", "availableReplicas",
                                    ready_message="cannot be greater than readyReplicas")

    def default(self, obj: Obj) -> None:
        """SetDefaults_ReplicaSet (apps/v1 does not copy the template's labels, extensions/v1beta1 did)."""
        spec = set_default(obj, "spec", {})
        if isinstance(spec, dict):
            set_default(spec, "replicas", 1)
            default_template(spec, self.kind)

    def validate_spec_fields(self, spec: Obj, old: Obj | None) -> list[Cause]:
        errs = nonnegative(spec.get("replicas"), "spec.replicas")
        errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        return errs + validate_replicated_pods(spec)

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
            *template_columns("Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        return [
            obj["metadata"]["name"], spec.get("replicas", 0), status.get("replicas", 0), status.get("readyReplicas", 0),
            *template_cells(obj, spec.get("template"), spec.get("selector")),
        ]


_STS_UPDATABLE = ("replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
_PVC_POLICIES = ["Retain", "Delete"]


def _max_unavailable_in_use(obj: Obj | None) -> bool:
    rolling = as_dict(as_dict(as_dict(obj).get("spec")).get("updateStrategy")).get("rollingUpdate")
    return as_dict(rolling).get("maxUnavailable") is not None


class StatefulSetStrategy(WorkloadStrategy):
    kind = "StatefulSet"
    resource = "statefulsets"
    empty_status = {"replicas": 0, "availableReplicas": 0}
    status_counters = ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas", "observedGeneration")
    status_bounds = (
        *((key, "replicas", "cannot be greater than status.replicas")
          for key in ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas")),
        ("availableReplicas", "readyReplicas", "cannot be greater than status.readyReplicas"),
    )

    @property
    def name_validator(self) -> Any:
        return validation.name_is_dns_label

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        self._drop_max_unavailable(obj, None)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        self._drop_max_unavailable(obj, old)

    @staticmethod
    def _drop_max_unavailable(obj: Obj, old: Obj | None) -> None:
        """rollingUpdate.maxUnavailable needs the MaxUnavailableStatefulSet gate (alpha, off in
        1.33): dropped unless the stored object already uses it."""
        if _max_unavailable_in_use(old):
            return
        rolling = as_dict(as_dict(obj.get("spec")).get("updateStrategy")).get("rollingUpdate")
        if isinstance(rolling, dict):
            rolling.pop("maxUnavailable", None)

    def default(self, obj: Obj) -> None:
        """SetDefaults_StatefulSet."""
        spec = set_default(obj, "spec", {})
        if not isinstance(spec, dict):
            return
        if not spec.get("podManagementPolicy"):
            spec["podManagementPolicy"] = "OrderedReady"
        strategy = set_default(spec, "updateStrategy", {})
        if isinstance(strategy, dict):
            if not strategy.get("type"):
                strategy["type"] = "RollingUpdate"
                set_default(strategy, "rollingUpdate", {})
            rolling = strategy.get("rollingUpdate")
            if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict):
                set_default(rolling, "partition", 0)
        retention = set_default(spec, "persistentVolumeClaimRetentionPolicy", {})
        if isinstance(retention, dict):
            for key in ("whenDeleted", "whenScaled"):
                if not retention.get(key):
                    retention[key] = "Retain"
        set_default(spec, "replicas", 1)
        set_default(spec, "revisionHistoryLimit", 10)
        default_template(spec, self.kind)
        for claim in as_list(spec.get("volumeClaimTemplates")):
            if isinstance(claim, dict):
                zero_creation_timestamp(claim)
            default_claim_template(claim, self.kind)

    def validate_spec_fields(self, spec: Obj, old: Obj | None) -> list[Cause]:
        errs: list[Cause] = []
        policy = spec.get("podManagementPolicy")
        if not policy:
            errs.append(errors.required("spec.podManagementPolicy"))
        elif policy not in ("OrderedReady", "Parallel"):
            errs.append(validation.invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"))
        errs += self._validate_update_strategy(as_dict(spec.get("updateStrategy")), "spec.updateStrategy")
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
            # The name becomes the pods' spec.subdomain, a DNS label (validated since 1.33).
            errs += dns_label(service_name, "spec.serviceName")
        errs += validate_required_selector(spec, "spec", "statefulset")
        selector, bad = parsed_selector(spec.get("selector"), "spec.selector", "")
        errs += bad
        if selector is not None:
            errs += template_labels_match(spec.get("template"), selector, "spec.template")
            # Upstream validates only the template's labels and annotations, not its pod spec.
            errs += validate_template_for_controller(spec.get("template"), "spec.template", "StatefulSet", validate_spec=False)
        return errs

    @staticmethod
    def _validate_update_strategy(strategy: Obj, path: str) -> list[Cause]:
        kind = strategy.get("type")
        rolling = strategy.get("rollingUpdate")
        if not kind:
            return [errors.required(path)]
        if kind == "OnDelete":
            if rolling is not None:
                return [errors.invalid_value(f"{path}.rollingUpdate", rolling, "only allowed for updateStrategy 'RollingUpdate'")]
            return []
        if kind != "RollingUpdate":
            ref = "nil" if rolling is None else GO_POINTER
            shown = f"apps.StatefulSetUpdateStrategy{{Type:{go_quote(str(kind))}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)({ref})}}"
            return [go_invalid(path, shown, "must be 'RollingUpdate' or 'OnDelete'")]
        if not isinstance(rolling, dict):
            return []
        p = f"{path}.rollingUpdate"
        errs = nonnegative(rolling.get("partition"), f"{p}.partition")
        unavailable = rolling.get("maxUnavailable")
        if unavailable is not None:
            errs += validate_int_or_percent(unavailable, f"{p}.maxUnavailable")
            if int_or_percent_value(unavailable) == 0:
                errs.append(go_invalid(f"{p}.maxUnavailable", go_int_or_string(unavailable), "cannot be 0"))
            errs += not_more_than_100_percent(unavailable, f"{p}.maxUnavailable")
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
        return [NAME_COLUMN, TableColumn("Ready", description="Number of the pod with ready state"), *template_columns(None)]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        return [obj["metadata"]["name"], f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
                *template_cells(obj, spec.get("template"), with_selector=False)]


def _template_generation(obj: Obj) -> int | None:
    value = as_dict(as_dict(obj.get("metadata")).get("annotations")).get(TEMPLATE_GENERATION_ANNOTATION)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _set_template_generation(obj: Obj, generation: int) -> None:
    meta = obj.setdefault("metadata", {})
    annotations = meta.get("annotations")
    meta["annotations"] = {**(annotations if isinstance(annotations, dict) else {}), TEMPLATE_GENERATION_ANNOTATION: str(generation)}


class DaemonSetStrategy(WorkloadStrategy):
    kind = "DaemonSet"
    resource = "daemonsets"
    empty_status = {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0}
    status_counters = ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady",
                       "observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable")

    def prepare_for_create(self, obj: Obj) -> None:
        """The registry starts templateGeneration at 1 (a client's value of at least 1 stays)."""
        super().prepare_for_create(obj)
        generation = _template_generation(obj)
        _set_template_generation(obj, generation if generation is not None and generation >= 1 else 1)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        """Clients cannot set templateGeneration; a template change bumps it."""
        super().prepare_for_update(obj, old)
        generation = _template_generation(old) or 1
        if as_dict(obj.get("spec")).get("template") != as_dict(old.get("spec")).get("template"):
            generation += 1
        _set_template_generation(obj, generation)

    def default(self, obj: Obj) -> None:
        """SetDefaults_DaemonSet."""
        spec = set_default(obj, "spec", {})
        if not isinstance(spec, dict):
            return
        default_rolling_strategy(spec, "updateStrategy", 1, 0)
        set_default(spec, "revisionHistoryLimit", 10)
        default_template(spec, self.kind)

    def validate_spec_fields(self, spec: Obj, old: Obj | None) -> list[Cause]:
        selector = spec.get("selector")
        # No "required" here: a missing selector is Nothing, which the template never matches.
        errs = validation.validate_label_selector(selector, "spec.selector") if isinstance(selector, dict) else []
        parsed, _ = parsed_selector(selector, "spec.selector", "")
        if parsed is not None and not parsed.matches(as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels"))):
            labels = as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")
            errs.append(go_invalid("spec.template.metadata.labels", go_string_map(labels), "`selector` does not match template `labels`"))
        if isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions"):
            errs.append(go_invalid("spec.selector", go_label_selector(selector), "empty selector is invalid for daemonset"))
        errs += validate_template_for_controller(spec.get("template"), "spec.template", "DaemonSet")
        errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        errs += self._validate_update_strategy(as_dict(spec.get("updateStrategy")), "spec.updateStrategy")
        return errs + nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")

    @staticmethod
    def _validate_update_strategy(strategy: Obj, path: str) -> list[Cause]:
        """ValidateDaemonSetUpdateStrategy."""
        kind = strategy.get("type")
        rolling = strategy.get("rollingUpdate")
        if kind == "OnDelete":
            return []
        if kind != "RollingUpdate":
            ref = "nil" if rolling is None else GO_POINTER
            shown = f"apps.DaemonSetUpdateStrategy{{Type:{go_quote(str(kind or ''))}, RollingUpdate:(*apps.RollingUpdateDaemonSet)({ref})}}"
            return [go_not_supported(path, shown, ["RollingUpdate", "OnDelete"])]
        if not isinstance(rolling, dict):
            return [errors.required(f"{path}.rollingUpdate")]
        p = f"{path}.rollingUpdate"
        unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
        errs = validate_int_or_percent(unavailable, f"{p}.maxUnavailable")
        errs += validate_int_or_percent(surge, f"{p}.maxSurge")
        errs += not_more_than_100_percent(unavailable, f"{p}.maxUnavailable")
        errs += not_more_than_100_percent(surge, f"{p}.maxSurge")
        has_unavailable, has_surge = int_or_percent_value(unavailable) != 0, int_or_percent_value(surge) != 0
        if has_unavailable and has_surge:
            errs.append(go_invalid(f"{p}.maxSurge", go_int_or_string(surge), "may not be set when maxUnavailable is non-zero"))
        elif not has_unavailable and not has_surge:
            errs.append(errors.required(f"{p}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
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
            *template_columns(_CONTROLLER_SELECTOR_DESCRIPTION),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        pod_spec = as_dict(as_dict(spec.get("template")).get("spec"))
        return [
            obj["metadata"]["name"], status.get("desiredNumberScheduled", 0), status.get("currentNumberScheduled", 0),
            status.get("numberReady", 0), status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0),
            format_labels(pod_spec.get("nodeSelector")), *template_cells(obj, spec.get("template"), spec.get("selector")),
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
