"""core/v1 kinds: Namespace, ConfigMap, Secret, Pod, Event, ServiceAccount — their
strategies (defaults, validation, printing, field selectors)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from kubelite.apis.podspec import default_pod_spec, validate_pod_spec
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
        default_pod_spec(spec)
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


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("", "Namespace"): NamespaceStrategy,
    ("", "ConfigMap"): ConfigMapStrategy,
    ("", "Secret"): SecretStrategy,
    ("", "Pod"): PodStrategy,
    ("", "Event"): EventStrategy,
    ("", "ServiceAccount"): ServiceAccountStrategy,
}
