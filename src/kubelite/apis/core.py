"""core/v1 kinds: Namespace, ConfigMap, Secret, Pod, Event, ServiceAccount — their
strategies (defaults, validation, printing, field selectors)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from kubelite.apis.podspec import (
    as_dict,
    as_list,
    canonicalize_resource_list,
    containers_and_images,
    default_container,
    default_pod_only,
    default_pod_spec,
    default_pod_template,
    default_pvc_spec,
    format_labels,
    nonnegative,
    qualified_name,
    quantity_of,
    validate_ephemeral_containers,
    validate_pod_spec,
    validate_pod_template_spec,
    validate_resource_requirements,
)
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
MAX_DATA_BYTES = 1024 * 1024  # upstream's ConfigMap/Secret total size limit


def _validate_keys(data: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    if not isinstance(data, dict):
        return errs
    for key in data:
        if len(key) > 253:
            errs.append(errors.invalid_value(path, key, "must be no more than 253 characters"))
        elif not _CONFIG_KEY.match(key):
            errs.append(errors.invalid_value(
                path, key,
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
                "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            ))
        elif key in (".", "..") or key.startswith(".."):
            errs.append(errors.invalid_value(path, key, "must not be '.' or '..'" if key in (".", "..") else "must not start with '..'"))
    return errs


def _immutable_data(obj: Obj, old: Obj) -> list[Cause]:
    if old.get("immutable") is True:
        errs = []
        if obj.get("immutable") is not True:
            errs.append(errors.forbidden_field("immutable", "field is immutable when `immutable` is set"))
        if obj.get("data") != old.get("data") or obj.get("binaryData") != old.get("binaryData"):
            errs.append(errors.forbidden_field("data", "field is immutable when `immutable` is set"))
        return errs
    return []


class NamespaceStrategy(Strategy):
    kind = "Namespace"
    resource = "namespaces"
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Active"}

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        spec.setdefault("finalizers", ["kubernetes"])
        # Upstream labels every namespace with its own name.
        labels = obj["metadata"].setdefault("labels", {})
        labels["kubernetes.io/metadata.name"] = obj["metadata"].get("name", "")

    @property
    def name_validator(self) -> Any:
        return validation.name_is_dns_label

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        # spec.finalizers change only through the finalize subresource.
        obj.setdefault("spec", {})["finalizers"] = old.get("spec", {}).get("finalizers", [])

    def prepare_for_subresource_update(self, subresource: str, obj: Obj, old: Obj) -> None:
        if subresource != "finalize":
            super().prepare_for_subresource_update(subresource, obj, old)
            return
        finalizers = (obj.get("spec") or {}).get("finalizers") or []
        obj.clear()
        obj.update({k: v for k, v in old.items() if k not in ("metadata", "spec")})
        obj["metadata"] = dict(old["metadata"])
        obj["spec"] = {**(old.get("spec") or {}), "finalizers": finalizers}

    def hold_deletion(self, obj: Obj) -> bool:
        if not obj.get("spec", {}).get("finalizers"):
            return False
        obj.setdefault("status", {})["phase"] = "Terminating"
        return True

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Status", description="The status of the namespace"), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"]["name"], obj.get("status", {}).get("phase", ""), age(obj["metadata"].get("creationTimestamp"))]

    extra_fields = ("status.phase",)

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["status.phase"] = obj.get("status", {}).get("phase", "")
        return fields


class ConfigMapStrategy(Strategy):
    kind = "ConfigMap"
    resource = "configmaps"

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        errs += _validate_keys(obj.get("data"), "data")
        errs += _validate_keys(obj.get("binaryData"), "binaryData")
        data, binary = obj.get("data") or {}, obj.get("binaryData") or {}
        for key in set(data) & set(binary):
            errs.append(errors.invalid_value("data", key, "duplicate of key present in binaryData"))
        size = sum(len(k) + len(str(v)) for k, v in data.items()) + sum(len(k) + len(str(v)) for k, v in binary.items())
        if size > MAX_DATA_BYTES:
            errs.append(errors.too_long("", MAX_DATA_BYTES))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return super().validate_update(obj, old) + _immutable_data(obj, old)

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Data", "string", description="Number of keys in the data"), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
        return [obj["metadata"]["name"], count, age(obj["metadata"].get("creationTimestamp"))]


class SecretStrategy(Strategy):
    kind = "Secret"
    resource = "secrets"
    extra_fields = ("type",)

    def default(self, obj: Obj) -> None:
        obj.setdefault("type", "Opaque")

    def canonicalize(self, obj: Obj) -> None:
        # stringData is a write-only convenience: it is folded into data.
        string_data = obj.pop("stringData", None)
        if isinstance(string_data, dict):
            data = obj.setdefault("data", {})
            for k, v in string_data.items():
                data[k] = base64.b64encode(str(v).encode()).decode()

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        errs += _validate_keys(obj.get("data"), "data")
        errs += _validate_keys(obj.get("stringData"), "stringData")
        total = 0
        for key, value in (obj.get("data") or {}).items():
            try:
                total += len(base64.b64decode(value or "", validate=True))
            except (binascii.Error, TypeError, ValueError):
                errs.append(errors.invalid_value(f"data[{key}]", "<secret contents redacted>", "illegal base64 data"))
        if total > MAX_DATA_BYTES:
            errs.append(errors.too_long("data", MAX_DATA_BYTES))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old) + _immutable_data(obj, old)
        if obj.get("type") != old.get("type"):
            errs.append(errors.invalid_value("type", obj.get("type"), "field is immutable"))
        return errs

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["type"] = obj.get("type", "")
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Type", description="The type of the secret"),
                TableColumn("Data", description="Number of keys in the data"), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"]["name"], obj.get("type", ""), len(obj.get("data") or {}),
                age(obj["metadata"].get("creationTimestamp"))]


class PodStrategy(Strategy):
    kind = "Pod"
    resource = "pods"
    has_status = True
    extra_fields = ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                    "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName")

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending", "qosClass": _qos_class(obj.get("spec", {}))}

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        default_pod_spec(spec)
        default_pod_only(spec)
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("priority", 0)
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        spec.setdefault("tolerations", [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        ])

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_pod_spec(obj.get("spec"), "spec")

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        new_spec, old_spec = obj.get("spec", {}), old.get("spec", {})
        # Only images, activeDeadlineSeconds, tolerations (additions) and terminationGracePeriodSeconds may change.
        mutable = ("containers", "initContainers", "activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds", "schedulingGates")
        if {k: v for k, v in new_spec.items() if k not in mutable} != {k: v for k, v in old_spec.items() if k not in mutable} or not _same_except_images(new_spec, old_spec):
            errs.append(errors.forbidden_field(
                "spec",
                "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
                "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
                "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
            ))
        return errs

    # --- pods/binding, pods/eviction (create) and pods/ephemeralcontainers, pods/resize (update)
    async def create_subresource(
        self, store: Any, namespace: str, name: str, subresource: str, body: Obj, opts: Any
    ) -> tuple[int, Obj]:
        from kubelite.apis.nodes import bind_pod, evict_pod

        if subresource == "binding":
            return 201, await bind_pod(store.storage, namespace, name, body, opts.dry_run)
        if subresource == "eviction":
            return 201, await evict_pod(store, namespace, name, body, opts)
        return await super().create_subresource(store, namespace, name, subresource, body, opts)

    def prepare_for_subresource_update(self, subresource: str, obj: Obj, old: Obj) -> None:
        if subresource not in ("ephemeralcontainers", "resize"):
            super().prepare_for_subresource_update(subresource, obj, old)
            return
        new_spec = as_dict(obj.get("spec"))
        result = {k: v for k, v in old.items() if k != "metadata"}
        result["metadata"] = dict(old["metadata"])
        spec = dict(as_dict(old.get("spec")))
        if subresource == "ephemeralcontainers":
            # Only spec.ephemeralContainers changes; defaults apply to the new entries.
            ephemeral = new_spec.get("ephemeralContainers")
            if ephemeral is None:
                spec.pop("ephemeralContainers", None)
            else:
                spec["ephemeralContainers"] = ephemeral
                for c in as_list(ephemeral):
                    default_container(c, self.kind)
        else:
            # Only containers' resources and resizePolicy change.
            new_by_name = {as_dict(c).get("name"): as_dict(c) for c in as_list(new_spec.get("containers"))}
            containers = []
            for c in as_list(spec.get("containers")):
                c = dict(as_dict(c))
                update = new_by_name.get(c.get("name"))
                if update is not None:
                    for key in ("resources", "resizePolicy"):
                        if key in update:
                            c[key] = update[key]
                    resources = as_dict(c.get("resources"))
                    for section in ("requests", "limits"):
                        canonicalize_resource_list(resources.get(section), self.kind)
                containers.append(c)
            spec["containers"] = containers
        result["spec"] = spec
        obj.clear()
        obj.update(result)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_status_update(obj, old)
        spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
        if spec.get("ephemeralContainers") != old_spec.get("ephemeralContainers"):
            errs += validate_ephemeral_containers(spec, old_spec, "spec")
        if spec.get("containers") != old_spec.get("containers"):
            for i, c in enumerate(as_list(spec.get("containers"))):
                errs += validate_resource_requirements(as_dict(c).get("resources"), f"spec.containers[{i}].resources")
                old_c = as_dict(as_list(old_spec.get("containers"))[i]) if i < len(as_list(old_spec.get("containers"))) else {}
                for section in ("requests", "limits"):
                    new_res = as_dict(as_dict(as_dict(c).get("resources")).get(section))
                    old_res = as_dict(as_dict(old_c.get("resources")).get(section))
                    changed = {k for k in set(new_res) | set(old_res) if new_res.get(k) != old_res.get(k)}
                    if changed - {"cpu", "memory"}:
                        errs.append(errors.forbidden_field(f"spec.containers[{i}].resources.{section}", "only cpu and memory resources are mutable"))
            if _qos_class(spec) != _qos_class(old_spec):
                errs.append(errors.invalid_value("metadata", _qos_class(spec), "Pod QOS Class may not change as a result of resizing"))
        return errs

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        spec, status = obj.get("spec", {}), obj.get("status", {})
        fields.update({
            "spec.nodeName": spec.get("nodeName", ""),
            "spec.restartPolicy": spec.get("restartPolicy", ""),
            "spec.schedulerName": spec.get("schedulerName", ""),
            "spec.serviceAccountName": spec.get("serviceAccountName", ""),
            "spec.hostNetwork": "true" if spec.get("hostNetwork") else "false",
            "status.phase": status.get("phase", ""),
            "status.podIP": status.get("podIP", ""),
            "status.podIPs": ",".join(p.get("ip", "") for p in status.get("podIPs") or []),
            "status.nominatedNodeName": status.get("nominatedNodeName", ""),
        })
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
            TableColumn("Status", description="The aggregate status of the containers in this pod."),
            TableColumn("Restarts", description="The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            AGE_COLUMN,
            TableColumn("IP", priority=1, description="IP address assigned to the pod"),
            TableColumn("Node", priority=1, description="Name of the node this pod is running on"),
            TableColumn("Nominated Node", priority=1, description="Name of the node where the pod is nominated to run"),
            TableColumn("Readiness Gates", priority=1, description="Pod's readiness gates"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = obj.get("spec", {}), obj.get("status", {})
        containers = spec.get("containers") or []
        statuses = status.get("containerStatuses") or []
        ready = sum(1 for s in statuses if s.get("ready"))
        restarts = sum(int(s.get("restartCount", 0)) for s in statuses)
        reason = status.get("reason") or status.get("phase", "")
        if obj["metadata"].get("deletionTimestamp"):
            reason = "Terminating"
        gates = spec.get("readinessGates") or []
        return [
            obj["metadata"]["name"], f"{ready}/{len(containers)}", reason, restarts,
            age(obj["metadata"].get("creationTimestamp")), status.get("podIP") or "<none>",
            spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>",
            f"0/{len(gates)}" if gates else "<none>",
        ]


def _same_except_images(new: Obj, old: Obj) -> bool:
    for key in ("containers", "initContainers"):
        a, b = new.get(key) or [], old.get(key) or []
        if len(a) != len(b):
            return False
        for x, y in zip(a, b, strict=True):
            if {k: v for k, v in x.items() if k != "image"} != {k: v for k, v in y.items() if k != "image"}:
                return False
    return True


def _qos_class(spec: Obj) -> str:
    requests_limits = []
    for c in spec.get("containers") or []:
        res = c.get("resources") or {} if isinstance(c, dict) else {}
        requests_limits.append((res.get("requests") or {}, res.get("limits") or {}))
    if not any(r or lim for r, lim in requests_limits):
        return "BestEffort"
    guaranteed = all(
        lim.get("cpu") and lim.get("memory") and all(r.get(k, lim[k]) == lim[k] for k in ("cpu", "memory"))
        for r, lim in requests_limits
    )
    return "Guaranteed" if guaranteed else "Burstable"


class EventStrategy(Strategy):
    kind = "Event"
    resource = "events"
    extra_fields = ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                    "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                    "reason", "reportingComponent", "source", "type")

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        involved = obj.get("involvedObject") or {}
        ns = obj.get("metadata", {}).get("namespace", "")
        if involved.get("namespace") and involved["namespace"] != ns:
            errs.append(errors.invalid_value("involvedObject.namespace", involved["namespace"], "does not match event.namespace"))
        return errs

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        inv = obj.get("involvedObject") or {}
        for k in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"):
            fields[f"involvedObject.{k}"] = str(inv.get(k, ""))
        source = obj.get("source") or {}
        fields.update({
            "reason": obj.get("reason", ""),
            "reportingComponent": obj.get("reportingComponent", ""),
            "source": source.get("component", "") or obj.get("reportingComponent", ""),
            "type": obj.get("type", ""),
        })
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            TableColumn("Last Seen", description="Time when last this event was observed"),
            TableColumn("Type", description="Type of this event (Normal, Warning), new types could be added in the future."),
            TableColumn("Reason", description="This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            TableColumn("Object", description="The object that this event is about."),
            TableColumn("Subobject", priority=1, description="The subobject that this event is about."),
            TableColumn("Source", priority=1, description="The component reporting this event."),
            TableColumn("Message", description="A human-readable description of the status of this operation."),
            TableColumn("First Seen", priority=1, description="The time at which the event was first recorded."),
            TableColumn("Count", priority=1, description="The number of times this event has occurred."),
            TableColumn("Name", priority=1, format="name", description="Name must be unique within a namespace."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        inv = obj.get("involvedObject") or {}
        last = obj.get("lastTimestamp") or obj.get("eventTime") or obj["metadata"].get("creationTimestamp")
        first = obj.get("firstTimestamp") or obj.get("eventTime") or obj["metadata"].get("creationTimestamp")
        source = (obj.get("source") or {}).get("component", "") or obj.get("reportingComponent", "")
        return [
            age(last), obj.get("type", ""), obj.get("reason", ""),
            f"{str(inv.get('kind', '')).lower()}/{inv.get('name', '')}", inv.get("fieldPath", ""), source,
            (obj.get("message") or "").strip(), age(first), obj.get("count", 1), obj["metadata"]["name"],
        ]


class ServiceAccountStrategy(Strategy):
    kind = "ServiceAccount"
    resource = "serviceaccounts"

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Secrets", "string", description="Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"]["name"], len(obj.get("secrets") or []), age(obj["metadata"].get("creationTimestamp"))]



# --- ReplicationController, PodTemplate -------------------------------------------------------------


class ReplicationControllerStrategy(Strategy):
    kind = "ReplicationController"
    resource = "replicationcontrollers"
    has_status = True
    spec_generation = True
    extra_fields = ("status.replicas",)

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"replicas": 0}

    def default(self, obj: Obj) -> None:
        """SetDefaults_ReplicationController: selector and labels from the template's labels."""
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        template = spec.get("template")
        labels = as_dict(template).get("metadata", {}).get("labels") if isinstance(as_dict(template).get("metadata"), dict) else None
        if isinstance(labels, dict) and labels:
            if not spec.get("selector"):
                spec["selector"] = dict(labels)
            if not obj["metadata"].get("labels"):
                obj["metadata"]["labels"] = dict(labels)
        spec.setdefault("replicas", 1)
        default_pod_template(template, self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + self._validate_spec(obj.get("spec"))

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + self._validate_spec(obj.get("spec"))

    def _validate_spec(self, spec: Any) -> list[Cause]:
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        errs = nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
        selector = as_dict(spec.get("selector"))
        if not selector:
            errs.append(errors.required("spec.selector"))
        errs += nonnegative(spec.get("replicas"), "spec.replicas")
        template = spec.get("template")
        if not isinstance(template, dict):
            errs.append(errors.required("spec.template"))
            return errs
        labels = as_dict(as_dict(template.get("metadata")).get("labels"))
        if selector and any(labels.get(k) != v for k, v in selector.items()):
            errs.append(errors.invalid_value("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"))
        errs += validate_pod_template_spec(template, "spec.template")
        pod_spec = as_dict(template.get("spec"))
        if pod_spec.get("restartPolicy") != "Always":
            errs.append(errors.not_supported("spec.template.spec.restartPolicy", pod_spec.get("restartPolicy") or "", ["Always"]))
        if pod_spec.get("activeDeadlineSeconds") is not None:
            errs.append(errors.forbidden_field("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicationController is not Supported"))
        return errs

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["status.replicas"] = str(as_dict(obj.get("status")).get("replicas", 0))
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Desired", "integer", description="Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
            TableColumn("Current", "integer", description="Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
            TableColumn("Ready", "integer", description="The number of ready replicas for this replication controller."),
            AGE_COLUMN,
            TableColumn("Containers", priority=1, description="Names of each container in the template."),
            TableColumn("Images", priority=1, description="Images referenced by each container in the template."),
            TableColumn("Selector", priority=1, description="Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        names, images = containers_and_images(as_dict(spec.get("template")).get("spec"))
        return [obj["metadata"]["name"], spec.get("replicas", 0), status.get("replicas", 0), status.get("readyReplicas", 0),
                age(obj["metadata"].get("creationTimestamp")), names, images, format_labels(spec.get("selector"))]


class PodTemplateStrategy(Strategy):
    kind = "PodTemplate"
    resource = "podtemplates"
    return_deleted_object = True  # upstream's store answers a delete with the object

    def prepare_for_create(self, obj: Obj) -> None:
        obj["metadata"]["generation"] = 1

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        generation = old["metadata"].get("generation", 1)
        if obj.get("template") != old.get("template"):
            generation += 1
        obj["metadata"]["generation"] = generation

    def default(self, obj: Obj) -> None:
        default_pod_template(obj.get("template"), self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_pod_template_spec(obj.get("template"), "template")

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Containers", description="Names of each container in the template."),
            TableColumn("Images", description="Images referenced by each container in the template."),
            TableColumn("Pod Labels", description="The labels for the pod template."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        template = as_dict(obj.get("template"))
        names, images = containers_and_images(template.get("spec"))
        return [obj["metadata"]["name"], names, images, format_labels(as_dict(template.get("metadata")).get("labels"))]


# --- LimitRange, ResourceQuota --------------------------------------------------------------------------

_LIMIT_TYPES = ("Pod", "Container", "PersistentVolumeClaim")
_LIMIT_SECTIONS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")
CREATED_AT_COLUMN = TableColumn("Created At", "date", description="CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata")


def _overcommit_allowed(name: str) -> bool:
    return ("/" not in name or "kubernetes.io/" in name) and not name.startswith("hugepages-")


class LimitRangeStrategy(Strategy):
    kind = "LimitRange"
    resource = "limitranges"

    def default(self, obj: Obj) -> None:
        for item in as_list(as_dict(obj.get("spec")).get("limits")):
            if not isinstance(item, dict):
                continue
            for section in _LIMIT_SECTIONS:
                canonicalize_resource_list(item.get(section), self.kind)
            if item.get("type") == "Container":
                # SetDefaults_LimitRangeItem: default <- max, defaultRequest <- default <- min.
                default = item.setdefault("default", {})
                request = item.setdefault("defaultRequest", {})
                if isinstance(default, dict) and isinstance(request, dict):
                    for name, value in as_dict(item.get("max")).items():
                        default.setdefault(name, value)
                    for name, value in default.items():
                        request.setdefault(name, value)
                    for name, value in as_dict(item.get("min")).items():
                        request.setdefault(name, value)

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        seen: set[str] = set()
        for i, item in enumerate(as_list(as_dict(obj.get("spec")).get("limits"))):
            p = f"spec.limits[{i}]"
            item = as_dict(item)
            kind = str(item.get("type") or "")
            errs += qualified_name(kind, f"{p}.type")
            if "/" not in kind and kind not in _LIMIT_TYPES:
                errs.append(validation.invalid(f"{p}.type", kind, "must be a standard limit type or fully qualified"))
            if kind in seen:
                errs.append(errors.duplicate(f"{p}.type", kind))
            seen.add(kind)
            values: dict[str, dict[str, Any]] = {}
            for section in _LIMIT_SECTIONS:
                if kind == "Pod" and section in ("default", "defaultRequest"):
                    if as_dict(item.get(section)):
                        errs.append(errors.forbidden_field(f"{p}.{section}", "may not be specified when `type` is 'Pod'"))
                    continue
                values[section] = {}
                for name, value in as_dict(item.get(section)).items():
                    errs += qualified_name(name, f"{p}.{section}[{name}]")
                    values[section][name] = quantity_of(value)
            if kind == "PersistentVolumeClaim" and "storage" not in values.get("min", {}) and "storage" not in values.get("max", {}):
                errs.append(errors.required(f"{p}.limits", "either minimum or maximum storage value is required, but neither was provided"))
            keys = set(values.get("max", {})) | set(values.get("min", {})) | set(values.get("default", {})) \
                | set(values.get("defaultRequest", {})) | set(values.get("maxLimitRequestRatio", {}))
            for k in sorted(keys):
                lo, hi = values.get("min", {}).get(k), values.get("max", {}).get(k)
                dflt, req = values.get("default", {}).get(k), values.get("defaultRequest", {}).get(k)
                ratio = values.get("maxLimitRequestRatio", {}).get(k)

                def gt(a: Any, b: Any) -> bool:
                    return a is not None and b is not None and a.to_fraction() > b.to_fraction()

                if gt(lo, hi):
                    errs.append(_invalid_q(f"{p}.min[{k}]", lo, f"min value {lo} is greater than max value {hi}"))
                if gt(lo, req):
                    errs.append(_invalid_q(f"{p}.defaultRequest[{k}]", req, f"min value {lo} is greater than default request value {req}"))
                if gt(req, hi):
                    errs.append(_invalid_q(f"{p}.defaultRequest[{k}]", req, f"default request value {req} is greater than max value {hi}"))
                if gt(req, dflt):
                    errs.append(_invalid_q(f"{p}.defaultRequest[{k}]", req, f"default request value {req} is greater than default limit value {dflt}"))
                if gt(lo, dflt):
                    errs.append(_invalid_q(f"{p}.default[{k}]", lo, f"min value {lo} is greater than default value {dflt}"))
                if gt(dflt, hi):
                    errs.append(_invalid_q(f"{p}.default[{k}]", hi, f"default value {dflt} is greater than max value {hi}"))
                if ratio is not None and ratio.to_fraction() < 1:
                    errs.append(_invalid_q(f"{p}.maxLimitRequestRatio[{k}]", ratio, f"ratio {ratio} is less than 1"))
                if not _overcommit_allowed(k) and dflt is not None and req is not None and dflt.to_fraction() != req.to_fraction():
                    errs.append(_invalid_q(f"{p}.defaultRequest[{k}]", req, f"default value {dflt} must equal to defaultRequest value {req} in {k}"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        # No printer upstream: the default table (name and creation time).
        return [NAME_COLUMN, CREATED_AT_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"]["name"], obj["metadata"].get("creationTimestamp")]


def _invalid_q(path: str, quantity: Any, detail: str) -> Cause:
    return errors.field_error("FieldValueInvalid", path, f"Invalid value: {quantity}: {detail}")


_QUOTA_SCOPES = ["BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating", "VolumeAttributesClass"]


class ResourceQuotaStrategy(Strategy):
    kind = "ResourceQuota"
    resource = "resourcequotas"
    return_deleted_object = True  # upstream's store answers a delete with the object
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def default(self, obj: Obj) -> None:
        canonicalize_resource_list(as_dict(obj.get("spec")).get("hard"), self.kind)

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_status_update(obj, old)
        status = as_dict(obj.get("status"))
        canonicalize_resource_list(status.get("hard"), self.kind)
        canonicalize_resource_list(status.get("used"), self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        spec = as_dict(obj.get("spec"))
        for name, value in as_dict(spec.get("hard")).items():
            p = f"spec.hard[{name}]"
            errs += qualified_name(name, p)
            q = quantity_of(value)
            if q is not None and q.mantissa < 0:
                errs.append(_invalid_q(p, q, "must be greater than or equal to 0"))
        for i, scope in enumerate(as_list(spec.get("scopes"))):
            if scope not in _QUOTA_SCOPES:
                errs.append(errors.not_supported(f"spec.scopes[{i}]", scope, _QUOTA_SCOPES))
        for i, expr in enumerate(as_list(as_dict(spec.get("scopeSelector")).get("matchExpressions"))):
            expr = as_dict(expr)
            if expr.get("scopeName") not in _QUOTA_SCOPES:
                errs.append(errors.not_supported(f"spec.scopeSelector.matchExpressions[{i}].scopeName", expr.get("scopeName"), _QUOTA_SCOPES))
            op = expr.get("operator")
            if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
                errs.append(errors.not_supported(f"spec.scopeSelector.matchExpressions[{i}].operator", op, ["In", "NotIn", "Exists", "DoesNotExist"]))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Request", description="Request represents a minimum amount of cpu/memory that a container may consume."),
            TableColumn("Limit", description="Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        status = as_dict(obj.get("status"))
        hard, used = as_dict(status.get("hard")), as_dict(status.get("used"))
        requests: list[str] = []
        limits: list[str] = []
        for name in sorted(hard):
            text = f"{name}: {used.get(name, '0')}/{hard[name]}"
            parts = name.split(".")
            (limits if len(parts) > 1 and parts[0] == "limits" else requests).append(text)
        return [obj["metadata"]["name"], ", ".join(requests), ", ".join(limits), age(obj["metadata"].get("creationTimestamp"))]


# --- PersistentVolume, PersistentVolumeClaim ---------------------------------------------------------------

ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
_ACCESS_MODE_SHORT = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
PV_SOURCES = (
    "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs",
    "fc", "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
    "portworxVolume", "scaleIO", "local", "storageos", "csi",
)
_RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
_VOLUME_MODES = ["Block", "Filesystem"]


def access_modes_text(modes: Any) -> str:
    """GetAccessModesAsString: the short forms, in a fixed order."""
    present = set(as_list(modes))
    return ",".join(_ACCESS_MODE_SHORT[m] for m in ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod") if m in present)


def _validate_access_modes(modes: Any, path: str, required_detail: str) -> list[Cause]:
    modes = as_list(modes)
    errs: list[Cause] = []
    if not modes:
        errs.append(errors.required(path, required_detail))
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.append(errors.not_supported(path, mode, ACCESS_MODES))
    if "ReadWriteOncePod" in modes and len(modes) > 1:
        errs.append(errors.forbidden_field(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def _storage_class_of(obj: Obj) -> str:
    annotations = as_dict(obj["metadata"].get("annotations"))
    return str(annotations.get("volume.beta.kubernetes.io/storage-class") or as_dict(obj.get("spec")).get("storageClassName") or "")


class PersistentVolumeStrategy(Strategy):
    kind = "PersistentVolume"
    resource = "persistentvolumes"
    return_deleted_object = True  # upstream's store answers a delete with the object
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        from kubelite.registry.store import now_rfc3339

        obj["status"] = {"phase": "Pending", "lastPhaseTransitionTime": now_rfc3339()}

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")
        canonicalize_resource_list(spec.get("capacity"), self.kind)
        if isinstance(spec.get("hostPath"), dict):
            spec["hostPath"].setdefault("type", "")

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return errs + [errors.required("spec", "")]
        errs += _validate_access_modes(spec.get("accessModes"), "spec.accessModes", "")
        capacity = as_dict(spec.get("capacity"))
        if not capacity:
            errs.append(errors.required("spec.capacity"))
        if "storage" not in capacity or len(capacity) > 1:
            errs.append(errors.not_supported("spec.capacity", capacity, ["storage"]))
        for name, value in capacity.items():
            q = quantity_of(value)
            if q is not None and q.mantissa <= 0:
                errs.append(_invalid_q(f"spec.capacity[{name}]", q, "must be greater than zero"))
        policy = spec.get("persistentVolumeReclaimPolicy")
        if policy and policy not in _RECLAIM_POLICIES:
            errs.append(errors.not_supported("spec.persistentVolumeReclaimPolicy", policy, _RECLAIM_POLICIES))
        mode = spec.get("volumeMode")
        if mode is not None and mode not in _VOLUME_MODES:
            errs.append(errors.not_supported("spec.volumeMode", mode, _VOLUME_MODES))
        count = 0
        for source in PV_SOURCES:
            if spec.get(source) is None:
                continue
            if count:
                errs.append(errors.forbidden_field(f"spec.{source}", "may not specify more than 1 volume type"))
                continue
            count += 1
            value = as_dict(spec[source])
            if source in ("hostPath", "local") and not value.get("path"):
                errs.append(errors.required(f"spec.{source}.path"))
            if source == "nfs":
                if not value.get("server"):
                    errs.append(errors.required("spec.nfs.server"))
                if not value.get("path"):
                    errs.append(errors.required("spec.nfs.path"))
            if source == "csi":
                if not value.get("driver"):
                    errs.append(errors.required("spec.csi.driver"))
                if not value.get("volumeHandle"):
                    errs.append(errors.required("spec.csi.volumeHandle"))
            if source == "local" and not isinstance(spec.get("nodeAffinity"), dict):
                errs.append(errors.required("spec.nodeAffinity", "Local volume requires node affinity"))
        if count == 0:
            errs.append(errors.required("spec", "must specify a volume type"))
        if spec.get("storageClassName"):
            errs += [validation.invalid("spec.storageClassName", spec["storageClassName"], m)
                     for m in validation.name_is_dns_subdomain(str(spec["storageClassName"]), False)]
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
        if {k: spec.get(k) for k in PV_SOURCES} != {k: old_spec.get(k) for k in PV_SOURCES}:
            errs.append(errors.forbidden_field("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"))
        if spec.get("volumeMode") != old_spec.get("volumeMode"):
            errs.append(validation.invalid("volumeMode", str(spec.get("volumeMode") or ""), "field is immutable"))
        if old_spec.get("nodeAffinity") is not None and spec.get("nodeAffinity") != old_spec.get("nodeAffinity"):
            errs.append(errors.invalid_value("nodeAffinity", spec.get("nodeAffinity"), "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Capacity", description="capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
            TableColumn("Access Modes", description="accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
            TableColumn("Reclaim Policy", description="persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
            TableColumn("Status", description="phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
            TableColumn("Claim", description="claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
            TableColumn("StorageClass", description="StorageClass of the pv"),
            TableColumn("VolumeAttributesClass", description="VolumeAttributesClass of the pv"),
            TableColumn("Reason", description="reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
            AGE_COLUMN,
            TableColumn("VolumeMode", priority=1, description="volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        claim = as_dict(spec.get("claimRef"))
        phase = "Terminating" if obj["metadata"].get("deletionTimestamp") else status.get("phase", "")
        return [
            obj["metadata"]["name"], str(as_dict(spec.get("capacity")).get("storage", "0")),
            access_modes_text(spec.get("accessModes")), spec.get("persistentVolumeReclaimPolicy", ""), phase,
            f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else "", _storage_class_of(obj),
            spec.get("volumeAttributesClassName") or "<unset>", status.get("reason", ""),
            age(obj["metadata"].get("creationTimestamp")), spec.get("volumeMode") or "<unset>",
        ]


class PersistentVolumeClaimStrategy(Strategy):
    kind = "PersistentVolumeClaim"
    resource = "persistentvolumeclaims"
    return_deleted_object = True  # upstream's store answers a delete with the object
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending"}

    def default(self, obj: Obj) -> None:
        default_pvc_spec(obj.get("spec"), self.kind)

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_status_update(obj, old)
        canonicalize_resource_list(as_dict(obj.get("status")).get("capacity"), self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return errs + [errors.required("spec", "")]
        errs += _validate_access_modes(spec.get("accessModes"), "spec.accessModes", "at least 1 access mode is required")
        requests = as_dict(as_dict(spec.get("resources")).get("requests"))
        if "storage" not in requests:
            errs.append(errors.required("spec.resources[storage]"))
        else:
            q = quantity_of(requests["storage"])
            if q is not None and q.mantissa <= 0:
                errs.append(_invalid_q("spec.resources[storage]", q, "must be greater than zero"))
        mode = spec.get("volumeMode")
        if mode is not None and mode not in _VOLUME_MODES:
            errs.append(errors.not_supported("spec.volumeMode", mode, _VOLUME_MODES))
        selector = spec.get("selector")
        if isinstance(selector, dict):
            errs += validation.validate_label_selector(selector, "spec.selector")
        if spec.get("storageClassName"):
            errs += [validation.invalid("spec.storageClassName", spec["storageClassName"], m)
                     for m in validation.name_is_dns_subdomain(str(spec["storageClassName"]), False)]
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        spec, old_spec = dict(as_dict(obj.get("spec"))), dict(as_dict(old.get("spec")))
        for once in ("volumeName", "storageClassName"):
            # Binding sets the volume once; a class may be set once on a claim without one.
            if not old_spec.get(once):
                old_spec.pop(once, None)
                if once in spec:
                    old_spec[once] = spec[once]
        old_spec.pop("volumeAttributesClassName", None)
        spec.pop("volumeAttributesClassName", None)
        bound = as_dict(obj.get("status")).get("phase") == "Bound"
        new_storage = as_dict(as_dict(spec.get("resources")).get("requests")).get("storage")
        old_storage = as_dict(as_dict(old_spec.get("resources")).get("requests")).get("storage")
        if bound:
            for s in (spec, old_spec):
                resources = dict(as_dict(s.get("resources")))
                resources["requests"] = {**as_dict(resources.get("requests")), "storage": None}
                s["resources"] = resources
        if spec != old_spec:
            errs.append(errors.forbidden_field("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"))
        new_q, old_q = quantity_of(new_storage), quantity_of(old_storage)
        if new_q is not None and old_q is not None and new_q.to_fraction() < old_q.to_fraction():
            errs.append(errors.forbidden_field("spec.resources.requests.storage", "field can not be less than previous value"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Status", description="phase represents the current phase of PersistentVolumeClaim."),
            TableColumn("Volume", description="volumeName is the binding reference to the PersistentVolume backing this claim."),
            TableColumn("Capacity", description="capacity represents the actual resources of the underlying volume."),
            TableColumn("Access Modes", description="accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
            TableColumn("StorageClass", description="StorageClass of the pvc"),
            TableColumn("VolumeAttributesClass", description="VolumeAttributesClass of the pvc"),
            AGE_COLUMN,
            TableColumn("VolumeMode", priority=1, description="volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        phase = "Terminating" if obj["metadata"].get("deletionTimestamp") else status.get("phase", "")
        capacity = modes = ""
        if spec.get("volumeName"):
            modes = access_modes_text(status.get("accessModes"))
            capacity = str(as_dict(status.get("capacity")).get("storage", "0"))
        return [
            obj["metadata"]["name"], phase, spec.get("volumeName", ""), capacity, modes, _storage_class_of(obj),
            spec.get("volumeAttributesClassName") or "<unset>", age(obj["metadata"].get("creationTimestamp")),
            spec.get("volumeMode") or "<unset>",
        ]


# --- ComponentStatus ----------------------------------------------------------------------------------


class ComponentStatusStrategy(Strategy):
    """Read-only answers computed on request, as upstream's componentstatus REST (deprecated
    there since 1.19): the in-process controllers and the storage."""

    kind = "ComponentStatus"
    resource = "componentstatuses"
    namespaced = False

    def attach(self, store: Any, options: Any) -> None:
        from kubelite.registry.store import ListPage

        storage = store.storage

        async def statuses() -> tuple[list[Obj], str]:
            try:
                revision = str(await storage.current_revision())
                storage_condition = {"type": "Healthy", "status": "True", "message": "ok"}
            except Exception as exc:  # a failed probe is the answer, not an error
                revision = "0"
                storage_condition = {"type": "Healthy", "status": "False", "error": str(exc)}
            items = [
                _component("controller-manager", {"type": "Healthy", "status": "True", "message": "ok"}),
                _component("etcd-0", storage_condition),
            ]
            return items, revision

        async def get(namespace: str, name: str) -> Obj:
            items, _ = await statuses()
            for item in items:
                if item["metadata"]["name"] == name:
                    return item
            raise errors.not_found("", "componentstatuses", name)

        async def list_(namespace: str, predicate: Any = None, **_: Any) -> Any:
            items, revision = await statuses()
            return ListPage([i for i in items if predicate is None or predicate(i)], revision)

        setattr(store, "get", get)  # noqa: B010
        setattr(store, "list", list_)  # noqa: B010

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Status", description="Status of the component conditions"),
            TableColumn("Message", description="Message of the component conditions"),
            TableColumn("Error", description="Error of the component conditions"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        status, message, error = "Unknown", "", ""
        for cond in as_list(obj.get("conditions")):
            cond = as_dict(cond)
            if cond.get("type") == "Healthy":
                status = "Healthy" if cond.get("status") == "True" else "Unhealthy"
                message, error = cond.get("message", ""), cond.get("error", "")
                break
        return [obj["metadata"]["name"], status, message, error]


def _component(name: str, condition: Obj) -> Obj:
    return {"kind": "ComponentStatus", "apiVersion": "v1", "metadata": {"name": name, "creationTimestamp": None},
            "conditions": [condition]}


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("", "Namespace"): NamespaceStrategy,
    ("", "ConfigMap"): ConfigMapStrategy,
    ("", "Secret"): SecretStrategy,
    ("", "Pod"): PodStrategy,
    ("", "Event"): EventStrategy,
    ("", "ServiceAccount"): ServiceAccountStrategy,
    ("", "ReplicationController"): ReplicationControllerStrategy,
    ("", "PodTemplate"): PodTemplateStrategy,
    ("", "LimitRange"): LimitRangeStrategy,
    ("", "ResourceQuota"): ResourceQuotaStrategy,
    ("", "PersistentVolume"): PersistentVolumeStrategy,
    ("", "PersistentVolumeClaim"): PersistentVolumeClaimStrategy,
    ("", "ComponentStatus"): ComponentStatusStrategy,
}
