"""core/v1 kinds: Namespace, ConfigMap, Secret, Pod, ServiceAccount, ReplicationController,
PodTemplate, LimitRange, ResourceQuota, PersistentVolume(Claim) and ComponentStatus — their
strategies (defaults, validation, printing, field selectors). Event is in events.py;
Service and Endpoints in services.py; Node and Binding in nodes.py."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubelite.apis.podspec import (
    as_dict,
    as_list,
    canonicalize_resource_list,
    config_key_errors,
    containers_and_images,
    default_container,
    default_pod_only,
    default_pod_spec,
    default_pod_template,
    default_pvc_spec,
    format_labels,
    go_string_map,
    invalid_raw,
    is_int,
    nonnegative,
    qualified_name,
    quantity_of,
    resource_name_errors,
    resource_quantity_errors,
    validate_ephemeral_containers,
    validate_pod_only,
    validate_pod_spec,
    validate_pod_template_spec,
    validate_resource_requirements,
)
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

MAX_DATA_BYTES = 1024 * 1024  # core.MaxSecretSize: the ConfigMap/Secret total size limit
_REDACTED = "<secret contents redacted>"


def _key_errors(data: Any, path: str) -> list[Cause]:
    """IsConfigMapKey for each key, reported at `path[key]`."""
    errs: list[Cause] = []
    for key in as_dict(data):
        errs += [validation.invalid(f"{path}[{key}]", key, m) for m in config_key_errors(key)]
    return errs


def _base64_error_offset(text: str) -> int | None:
    """Where Go's base64.StdEncoding reports a CorruptInputError (None: the text decodes)."""
    try:
        base64.b64decode(text, validate=True)
        return None
    except (binascii.Error, ValueError):
        pass
    body = text.rstrip("=")
    for i, ch in enumerate(body):
        if not (ch.isascii() and (ch.isalnum() or ch in "+/")):
            return i
    # A quantum left incomplete (or padded wrongly) is reported where it starts.
    return len(body) - len(body) % 4


def _decoded_bytes(data: Any, kind: str) -> dict[str, bytes]:
    """The []byte values of data/binaryData, decoded as upstream's JSON decoder does: an
    invalid one fails the whole request (400), before validation."""
    decoded: dict[str, bytes] = {}
    for key, value in as_dict(data).items():
        text = value if isinstance(value, str) else ""
        offset = _base64_error_offset(text)
        if offset is not None:
            raise errors.bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: illegal base64 data at input byte {offset}')
        decoded[key] = base64.b64decode(text)
    return decoded


def _immutable_data(obj: Obj, old: Obj, fields: tuple[str, ...]) -> list[Cause]:
    """An immutable ConfigMap or Secret stays so, with its data."""
    if old.get("immutable") is not True:
        return []
    errs = []
    if obj.get("immutable") is not True:
        errs.append(errors.forbidden_field("immutable", "field is immutable when `immutable` is set"))
    for key in fields:
        if (obj.get(key) or {}) != (old.get(key) or {}):
            errs.append(errors.forbidden_field(key, "field is immutable when `immutable` is set"))
    return errs


# helper.IsStandardFinalizerName: the finalizers known without a domain.
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def namespace_finalizer_errors(name: str, path: str) -> list[Cause]:
    """validateFinalizerName: a qualified name, and a standard one unless it has a domain."""
    errs = [validation.invalid(path, name, m) for m in validation.is_qualified_name(name)]
    if "/" not in name and name not in STANDARD_FINALIZERS:
        errs.append(validation.invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


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

    def validate(self, obj: Obj) -> list[Cause]:
        """ValidateNamespace: spec.finalizers are reported without their index (sic)."""
        errs = super().validate(obj)
        for name in as_list(as_dict(obj.get("spec")).get("finalizers")):
            errs += namespace_finalizer_errors(str(name), "spec.finalizers")
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # ValidateNamespaceUpdate: spec.finalizers change only through finalize.
        return validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        """ValidateNamespaceStatusUpdate and ValidateNamespaceFinalizeUpdate (either
        subresource leaves the other's part as it was)."""
        errs = super().validate_status_update(obj, old)
        phase = as_dict(obj.get("status")).get("phase") or ""
        if not obj["metadata"].get("deletionTimestamp"):
            if phase != "Active":
                errs.append(validation.invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty"))
        elif phase != "Terminating":
            errs.append(validation.invalid("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
        for i, name in enumerate(as_list(as_dict(obj.get("spec")).get("finalizers"))):
            errs += namespace_finalizer_errors(str(name), f"spec.finalizers[{i}]")
        return errs

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

    def default(self, obj: Obj) -> None:
        _decoded_bytes(obj.get("binaryData"), self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        """ValidateConfigMap."""
        errs = super().validate(obj)
        data, binary = as_dict(obj.get("data")), as_dict(obj.get("binaryData"))
        for key in data:
            errs += [validation.invalid(f"data[{key}]", key, m) for m in config_key_errors(key)]
            if key in binary:
                errs.append(validation.invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
        errs += _key_errors(binary, "binaryData")
        size = sum(len(str(v).encode()) for v in data.values())
        size += sum(len(v) for v in _decoded_bytes(binary, self.kind).values())
        if size > MAX_DATA_BYTES:
            errs.append(errors.too_long("", MAX_DATA_BYTES))  # "" means the whole object
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + _immutable_data(obj, old, ("data", "binaryData")) + self.validate(obj)

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Data", "string", description="Number of keys in the data"), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
        return [obj["metadata"]["name"], count, age(obj["metadata"].get("creationTimestamp"))]


_DOCKER_KEYS = {"kubernetes.io/dockercfg": ".dockercfg", "kubernetes.io/dockerconfigjson": ".dockerconfigjson"}


def _json_object_error(raw: bytes) -> str:
    """Why json.Unmarshal into a map[string]interface{} fails ("" when it does not), in
    encoding/json's words for the common cases."""
    try:
        value = json.loads(raw)
    except ValueError as exc:
        text = raw.decode(errors="replace")
        if not text.strip():
            return "unexpected end of JSON input"
        bad = text[exc.pos] if isinstance(exc, json.JSONDecodeError) and exc.pos < len(text) else ""
        return f"invalid character '{bad}' looking for beginning of value" if bad else "unexpected end of JSON input"
    if isinstance(value, dict):
        return ""
    kind = {list: "array", str: "string", bool: "bool"}.get(type(value), "number")
    if value is None:
        return ""  # null unmarshals into a nil map
    return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"


def _secret_type_errors(secret: Obj, data: dict[str, bytes]) -> list[Cause]:
    """What a secret's type asks of its data and annotations."""
    kind = secret.get("type")
    errs: list[Cause] = []
    if kind == "kubernetes.io/service-account-token":
        annotations = as_dict(secret["metadata"].get("annotations"))
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.append(errors.required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif kind in _DOCKER_KEYS:
        key = _DOCKER_KEYS[kind]
        if key not in data:
            errs.append(errors.required(f"data[{key}]"))
        elif _json_object_error(data[key]):
            errs.append(validation.invalid(f"data[{key}]", _REDACTED, _json_object_error(data[key])))
    elif kind == "kubernetes.io/basic-auth":
        # Either may be empty, but one must be there.
        if "username" not in data and "password" not in data:
            errs += [errors.required("data[username]"), errors.required("data[password]")]
    elif kind == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            errs.append(errors.required("data[ssh-privatekey]"))
    elif kind == "kubernetes.io/tls":
        errs += [errors.required(f"data[{key}]") for key in ("tls.crt", "tls.key") if key not in data]
    return errs


class SecretStrategy(Strategy):
    kind = "Secret"
    resource = "secrets"
    extra_fields = ("type",)

    def default(self, obj: Obj) -> None:
        obj.setdefault("type", "Opaque")
        # stringData is a write-only convenience that upstream's conversion folds into data
        # (its values win), so it is validated as data.
        string_data = obj.pop("stringData", None)
        if isinstance(string_data, dict) and string_data:
            data = obj.get("data")
            if not isinstance(data, dict):
                data = obj["data"] = {}
            for k, v in string_data.items():
                data[k] = base64.b64encode(str(v).encode()).decode()
        _decoded_bytes(obj.get("data"), self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        """ValidateSecret."""
        errs = super().validate(obj) + _key_errors(obj.get("data"), "data")
        data = _decoded_bytes(obj.get("data"), self.kind)
        if sum(len(v) for v in data.values()) > MAX_DATA_BYTES:
            errs.append(errors.too_long("data", MAX_DATA_BYTES))
        return errs + _secret_type_errors(obj, data)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        if obj.get("type") != old.get("type"):
            errs.append(validation.invalid("type", str(obj.get("type") or ""), "field is immutable"))
        return errs + _immutable_data(obj, old, ("data",)) + self.validate(obj)

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
        # spec.priority and spec.preemptionPolicy come from admission (admission/priority.py).
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("serviceAccount", spec["serviceAccountName"])

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        spec = obj.get("spec")
        if isinstance(spec, dict):
            _add_default_tolerations(spec)

    def validate(self, obj: Obj) -> list[Cause]:
        """ValidatePodCreate."""
        spec = as_dict(obj.get("spec"))
        errs = self._validate_pod(obj)
        if as_list(spec.get("ephemeralContainers")):
            errs.append(errors.forbidden_field("spec.ephemeralContainers", "cannot be set on create"))
        if spec.get("nodeName") and as_list(spec.get("schedulingGates")):
            errs.append(errors.forbidden_field("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))
        return errs

    def _validate_pod(self, obj: Obj) -> list[Cause]:
        """validatePodMetadataAndSpec."""
        errs = super().validate(obj)
        name = str(obj["metadata"].get("name") or "")
        return errs + validate_pod_spec(obj.get("spec"), "spec", pod_name=name, is_pod=True) + validate_pod_only(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        """ValidatePodUpdate: the new pod is valid, and only what may change did."""
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        errs += self._validate_pod(obj)
        return errs + pod_spec_update_errors(as_dict(obj.get("spec")), as_dict(old.get("spec")))

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
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        summary = _pod_summary(obj)
        pod_ips = as_list(status.get("podIPs"))
        return [
            obj["metadata"]["name"], f"{summary.ready}/{summary.total}", summary.reason, summary.restarts_text(),
            age(obj["metadata"].get("creationTimestamp")), (as_dict(pod_ips[0]).get("ip") if pod_ips else "") or "<none>",
            spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>", _readiness_gates(spec, status),
        ]


# --- the pod printer (upstream's printPod) ---------------------------------------------------------------


@dataclass
class _PodSummary:
    """What printPod derives from a pod's status: ready containers of how many, the
    status word, and restarts with the time of the last one."""

    reason: str
    total: int
    ready: int = 0
    restarts: int = 0
    last_restart: str = ""
    # Restarts of sidecars (restartable init containers): the only init restarts that
    # still count once the pod has initialized.
    sidecar_restarts: int = 0
    sidecar_last_restart: str = ""

    def restarts_text(self) -> str:
        if self.restarts and self.last_restart:
            return f"{self.restarts} ({age(self.last_restart)} ago)"
        return str(self.restarts)


def _later(a: str, b: str) -> str:
    """The later of two RFC 3339 timestamps ("" is the zero time)."""
    if not a or not b:
        return a or b
    return max(a, b, key=lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")))


def _finished_at(container_status: Obj) -> str:
    return str(as_dict(as_dict(container_status.get("lastState")).get("terminated")).get("finishedAt") or "")


def _terminated_text(terminated: Obj, prefix: str) -> str:
    if terminated.get("reason"):
        return prefix + str(terminated["reason"])
    if terminated.get("signal"):
        return f"{prefix}Signal:{terminated['signal']}"
    return f"{prefix}ExitCode:{terminated.get('exitCode', 0)}"


def _has_condition(status: Obj, kind: str) -> bool:
    return any(as_dict(c).get("type") == kind and as_dict(c).get("status") == "True" for c in as_list(status.get("conditions")))


def _pod_summary(obj: Obj) -> _PodSummary:
    spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
    init = [as_dict(c) for c in as_list(spec.get("initContainers"))]
    sidecars = {str(c.get("name")) for c in init if c.get("restartPolicy") == "Always"}
    summary = _PodSummary(str(status.get("reason") or status.get("phase") or ""),
                          len(as_list(spec.get("containers"))) + len(sidecars))
    if any(as_dict(c).get("type") == "PodScheduled" and as_dict(c).get("reason") == "SchedulingGated"
           for c in as_list(status.get("conditions"))):
        summary.reason = "SchedulingGated"
    initializing = _summarize_init_containers(summary, status, sidecars, len(init))
    if not initializing or _has_condition(status, "Initialized"):
        _summarize_containers(summary, status)
    if obj["metadata"].get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            summary.reason = "Unknown"
        elif status.get("phase") not in ("Succeeded", "Failed"):
            summary.reason = "Terminating"
    return summary


def _summarize_init_containers(summary: _PodSummary, status: Obj, sidecars: set[str], count: int) -> bool:
    """Init containers run in order: the first one not done gives the status (Init:...).
    Returns whether the pod is still initializing."""
    for i, cs in enumerate(as_dict(c) for c in as_list(status.get("initContainerStatuses"))):
        restarts = int(cs.get("restartCount") or 0)
        summary.restarts += restarts
        summary.last_restart = _later(summary.last_restart, _finished_at(cs))
        sidecar = cs.get("name") in sidecars
        if sidecar:
            summary.sidecar_restarts += restarts
            summary.sidecar_last_restart = _later(summary.sidecar_last_restart, _finished_at(cs))
        state = as_dict(cs.get("state"))
        terminated, waiting = state.get("terminated"), as_dict(state.get("waiting"))
        if isinstance(terminated, dict) and not terminated.get("exitCode"):
            continue
        if sidecar and cs.get("started") is True:
            summary.ready += 1 if cs.get("ready") else 0
            continue
        if isinstance(terminated, dict):
            summary.reason = _terminated_text(terminated, "Init:")
        elif waiting.get("reason") and waiting["reason"] != "PodInitializing":
            summary.reason = f"Init:{waiting['reason']}"
        else:
            summary.reason = f"Init:{i}/{count}"
        return True
    return False


def _summarize_containers(summary: _PodSummary, status: Obj) -> None:
    """Once initialized, the containers give the status: the first one (from the last)
    waiting or terminated with a reason wins; ready running ones count as ready."""
    summary.restarts, summary.last_restart = summary.sidecar_restarts, summary.sidecar_last_restart
    running = False
    for cs in reversed([as_dict(c) for c in as_list(status.get("containerStatuses"))]):
        summary.restarts += int(cs.get("restartCount") or 0)
        summary.last_restart = _later(summary.last_restart, _finished_at(cs))
        state = as_dict(cs.get("state"))
        terminated, waiting = state.get("terminated"), as_dict(state.get("waiting"))
        if waiting.get("reason"):
            summary.reason = str(waiting["reason"])
        elif isinstance(terminated, dict):
            summary.reason = _terminated_text(terminated, "")
        elif cs.get("ready") and isinstance(state.get("running"), dict):
            running = True
            summary.ready += 1
    if summary.reason == "Completed" and running:
        summary.reason = "Running" if _has_condition(status, "Ready") else "NotReady"


def _readiness_gates(spec: Obj, status: Obj) -> str:
    gates = [as_dict(g).get("conditionType") for g in as_list(spec.get("readinessGates"))]
    if not gates:
        return "<none>"
    conditions: dict[Any, Any] = {}
    for c in as_list(status.get("conditions")):
        conditions.setdefault(as_dict(c).get("type"), as_dict(c).get("status"))
    return f"{sum(1 for g in gates if conditions.get(g) == 'True')}/{len(gates)}"


POD_UPDATABLE_FIELDS = (
    "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
    "`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
)


def _container_update_errors(new: list[Any], old: list[Any], path: str) -> tuple[list[Cause], bool]:
    """ValidateContainerUpdates: (errors, stop) — containers may not come or go."""
    if len(new) != len(old):
        return [errors.forbidden_field(path, "pod updates may not add or remove containers")], True
    errs: list[Cause] = []
    for i, c in enumerate(as_dict(x) for x in new):
        image = str(c.get("image") or "")
        if not image:
            errs.append(errors.required(f"{path}[{i}].image"))
        if image != image.strip():
            errs.append(validation.invalid(f"{path}[{i}].image", image, "must not have leading or trailing whitespace"))
    return errs, False


def _deadline_update_errors(new: Any, old: Any) -> list[Cause]:
    """activeDeadlineSeconds may be set, or lowered, never raised or removed."""
    path = "spec.activeDeadlineSeconds"
    if new is None:
        return [errors.invalid_value(path, None, "must not update from a positive integer to nil value")] if old is not None else []
    if is_int(new) and not 0 <= new <= 2147483647:
        return [errors.invalid_value(path, new, "must be between 0 and 2147483647, inclusive")]
    if is_int(old) and is_int(new) and old < new:
        return [errors.invalid_value(path, new, "must be less than or equal to previous value")]
    return []


def _tolerations_update_errors(new: list[Any], old: list[Any]) -> list[Cause]:
    """validateOnlyAddedTolerations: existing ones stay (their tolerationSeconds may change)."""
    def sans_seconds(t: Any) -> Obj:
        return {k: v for k, v in as_dict(t).items() if k != "tolerationSeconds"}

    remaining = [sans_seconds(t) for t in new]
    for tol in old:
        if sans_seconds(tol) not in remaining:
            return [errors.forbidden_field("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")]
    return []


def _scheduling_gates_update_errors(new: list[Any], old: list[Any]) -> list[Cause]:
    """validateOnlyDeletedSchedulingGates."""
    old_names = {as_dict(g).get("name") for g in old}
    return [errors.forbidden_field(f"spec.schedulingGates[{i}].name", f"only deletion is allowed, but found new scheduling gate '{as_dict(g).get('name')}'")
            for i, g in enumerate(new) if as_dict(g).get("name") not in old_names]


def _munged_spec(new: Obj, old: Obj) -> Obj:
    """The new spec with every field a pod update may change taken from the old one."""
    spec = dict(new)
    for key in ("containers", "initContainers"):
        if key in spec:
            olds = as_list(old.get(key))
            spec[key] = [{**as_dict(c), "image": as_dict(olds[i]).get("image")} if i < len(olds) else c
                         for i, c in enumerate(as_list(spec[key]))]
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        spec.pop(key, None)
        if key in old:
            spec[key] = old[key]
    grace, old_grace = spec.get("terminationGracePeriodSeconds"), old.get("terminationGracePeriodSeconds")
    if is_int(old_grace) and old_grace < 0 and grace == 1:
        spec["terminationGracePeriodSeconds"] = old_grace
    return spec


def pod_spec_update_errors(new: Obj, old: Obj) -> list[Cause]:
    """The update rules of ValidatePodUpdate, after the new pod's own validation."""
    errs: list[Cause] = []
    for key in ("containers", "initContainers"):
        found, stop = _container_update_errors(as_list(new.get(key)), as_list(old.get(key)), f"spec.{key}")
        errs += found
        if stop:
            return errs
    deadline = _deadline_update_errors(new.get("activeDeadlineSeconds"), old.get("activeDeadlineSeconds"))
    if deadline:
        return errs + deadline
    errs += _tolerations_update_errors(as_list(new.get("tolerations")), as_list(old.get("tolerations")))
    errs += _scheduling_gates_update_errors(as_list(new.get("schedulingGates")), as_list(old.get("schedulingGates")))
    if new != old and _munged_spec(new, old) != old:
        errs.append(errors.forbidden_field("spec", f"pod updates may not change fields other than {POD_UPDATABLE_FIELDS}"))
    return errs


_DEFAULT_TOLERATED_TAINTS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")


def _add_default_tolerations(spec: Obj) -> None:
    """The DefaultTolerationSeconds admission plugin (on create): a pod tolerates a not-ready
    or unreachable node for 300s, unless it already tolerates that taint."""
    tolerations = spec.get("tolerations")
    if tolerations is None:
        tolerations = spec["tolerations"] = []
    if not isinstance(tolerations, list):
        return
    for key in _DEFAULT_TOLERATED_TAINTS:
        if not any(as_dict(t).get("key") in (key, "", None) and as_dict(t).get("effect") in ("NoExecute", "", None)
                   for t in tolerations):
            tolerations.append({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300})


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

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        """ValidateReplicationControllerStatusUpdate."""
        status = as_dict(obj.get("status"))
        errs = super().validate_status_update(obj, old)
        for key in ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"):
            errs += nonnegative(status.get(key), f"status.{key}")
        replicas = status.get("replicas") or 0
        for key in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
            if is_int(status.get(key)) and status[key] > replicas:
                errs.append(errors.invalid_value(f"status.{key}", status[key], "cannot be greater than status.replicas"))
        if is_int(status.get("availableReplicas")) and status["availableReplicas"] > (status.get("readyReplicas") or 0):
            errs.append(errors.invalid_value("status.availableReplicas", status["availableReplicas"], "cannot be greater than readyReplicas"))
        return errs

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
            errs.append(invalid_raw("spec.template.metadata.labels", go_string_map(labels), "`selector` does not match template `labels`"))
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


_STANDARD_QUOTA_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas",
    "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports",
    "services.loadbalancers",
}
_POD_COMPUTE_QUOTA = {"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"}


def _quota_list_errors(resources: Any, path: str) -> list[Cause]:
    """ValidateResourceQuotaResourceName and ValidateResourceQuantityValue for each entry."""
    errs: list[Cause] = []
    for name, value in as_dict(resources).items():
        p = f"{path}[{name}]"
        errs += resource_name_errors(name, p)
        if "/" not in name and name not in _STANDARD_QUOTA_RESOURCES and not name.startswith("requests.hugepages-"):
            errs.append(validation.invalid(p, name, "must be a standard resource for quota"))
        errs += resource_quantity_errors(name, value, p)
    return errs


def _go_scopes(scopes: Any) -> str:
    return "[]core.ResourceQuotaScope{" + ", ".join(validation.go_quote(str(s)) for s in as_list(scopes)) + "}"


def _scope_fits(scope: str, resource: str) -> bool:
    """helper.IsResourceQuotaScopeValidForResource, for the standard resources."""
    if scope == "BestEffort":
        return resource == "pods"
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return resource == "pods" or resource in _POD_COMPUTE_QUOTA
    if scope == "VolumeAttributesClass":
        return resource in ("persistentvolumeclaims", "requests.storage")
    return True


_CONFLICTING_SCOPES = ({"BestEffort", "NotBestEffort"}, {"Terminating", "NotTerminating"})


def _quota_scope_errors(spec: Obj) -> list[Cause]:
    """validateResourceQuotaScopes (reported at spec.scopes with the whole list)."""
    scopes = [str(s) for s in as_list(spec.get("scopes"))]
    shown = _go_scopes(scopes)
    errs: list[Cause] = []
    standard = [k for k in sorted(as_dict(spec.get("hard"))) if k in _STANDARD_QUOTA_RESOURCES or k.startswith("requests.hugepages-")]
    for scope in scopes:
        if scope not in _QUOTA_SCOPES:
            errs.append(invalid_raw("spec.scopes", shown, "unsupported scope"))
        errs += [invalid_raw("spec.scopes", shown, "unsupported scope applied to resource") for k in standard if not _scope_fits(scope, k)]
    errs += [invalid_raw("spec.scopes", shown, "conflicting scopes") for pair in _CONFLICTING_SCOPES if pair <= set(scopes)]
    return errs


def _scope_selector_errors(spec: Obj) -> list[Cause]:
    """validateScopedResourceSelectorRequirement."""
    selector = spec.get("scopeSelector")
    if not isinstance(selector, dict):
        return []
    path = "spec.scopeSelector.matchExpressions"
    standard = [k for k in sorted(as_dict(spec.get("hard"))) if k in _STANDARD_QUOTA_RESOURCES]
    errs: list[Cause] = []
    names: set[str] = set()
    for expr in (as_dict(e) for e in as_list(selector.get("matchExpressions"))):
        scope, op, values = str(expr.get("scopeName") or ""), str(expr.get("operator") or ""), as_list(expr.get("values"))
        if scope not in _QUOTA_SCOPES:
            errs.append(validation.invalid(f"{path}.scopeName", scope, "unsupported scope"))
        errs += [errors.invalid_value(path, selector, "unsupported scope applied to resource") for k in standard if not _scope_fits(scope, k)]
        if scope in ("BestEffort", "NotBestEffort", "Terminating", "NotTerminating", "CrossNamespacePodAffinity") and op != "Exists":
            errs.append(validation.invalid(f"{path}.operator", op, "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
                                           "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort "
                                           "or ResourceQuotaScopeCrossNamespacePodAffinity"))
        if op in ("In", "NotIn"):
            if not values:
                errs.append(errors.required(f"{path}.values", "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(invalid_raw(f"{path}.values", validation.go_string_slice([str(v) for v in values]),
                                        "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"))
        else:
            errs.append(validation.invalid(f"{path}.operator", op, "not a valid selector operator"))
        names.add(scope)
    errs += [invalid_raw(path, _go_scopes(spec.get("scopes")), "conflicting scopes") for pair in _CONFLICTING_SCOPES if pair <= names]
    return errs


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
        """ValidateResourceQuota."""
        spec = as_dict(obj.get("spec"))
        errs = super().validate(obj) + _quota_list_errors(spec.get("hard"), "spec.hard")
        errs += _quota_scope_errors(spec)
        errs += _scope_selector_errors(spec)
        status = as_dict(obj.get("status"))
        return errs + _quota_list_errors(status.get("hard"), "status.hard") + _quota_list_errors(status.get("used"), "status.used")

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        """ValidateResourceQuotaUpdate: the spec is valid and its scopes stay."""
        spec = as_dict(obj.get("spec"))
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        errs += _quota_list_errors(spec.get("hard"), "spec.hard") + _quota_scope_errors(spec) + _scope_selector_errors(spec)
        if set(as_list(spec.get("scopes"))) != set(as_list(as_dict(old.get("spec")).get("scopes"))):
            errs.append(invalid_raw("spec.scopes", _go_scopes(spec.get("scopes")), "field is immutable"))
        return errs

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        status = as_dict(obj.get("status"))
        errs = super().validate_status_update(obj, old)
        return errs + _quota_list_errors(status.get("hard"), "status.hard") + _quota_list_errors(status.get("used"), "status.used")

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
    deprecation_warning = "v1 ComponentStatus is deprecated in v1.19+"

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
            # Upstream's componentstatus REST answers an unknown name with a plain error: a 500.
            raise errors.internal_error(f"Component not found: {name}")

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
    ("", "ServiceAccount"): ServiceAccountStrategy,
    ("", "ReplicationController"): ReplicationControllerStrategy,
    ("", "PodTemplate"): PodTemplateStrategy,
    ("", "LimitRange"): LimitRangeStrategy,
    ("", "ResourceQuota"): ResourceQuotaStrategy,
    ("", "PersistentVolume"): PersistentVolumeStrategy,
    ("", "PersistentVolumeClaim"): PersistentVolumeClaimStrategy,
    ("", "ComponentStatus"): ComponentStatusStrategy,
}
