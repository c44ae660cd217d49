"""storage.k8s.io/v1: StorageClass, CSIDriver, CSINode, VolumeAttachment and
CSIStorageCapacity — upstream's defaults, validation and printing."""

from __future__ import annotations

from typing import Any

from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "storage.k8s.io"
RECLAIM_POLICIES = ["Delete", "Retain"]
BINDING_MODES = ["Immediate", "WaitForFirstConsumer"]
FS_GROUP_POLICIES = ["File", "None", "ReadWriteOnceWithFSType"]
LIFECYCLE_MODES = ["Ephemeral", "Persistent"]
MAX_PARAMETERS = 512
MAX_PARAMETERS_SIZE = 256 * 1024
DEFAULT_CLASS_ANNOTATIONS = ("storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")


def _dict(value: Any) -> Obj:
    """value when it is an object, else an empty one (malformed input is validated, not trusted)."""
    return value if isinstance(value, dict) else {}


def _immutable(path: str, new: Any, old: Any) -> list[Cause]:
    return [] if new == old else [errors.invalid_value(path, new, "field is immutable")]


def csi_driver_name_errors(name: Any, path: str) -> list[Cause]:
    if not name:
        return [errors.required(path, "")]
    errs: list[Cause] = []
    if len(name) > 63:
        errs.append(errors.too_long(path, 63))
    errs += [validation.invalid(path, name, m) for m in validation.is_dns1123_subdomain(name.lower())]
    return errs


# --- StorageClass

def validate_storage_class(obj: Obj) -> list[Cause]:
    errs: list[Cause] = []
    provisioner = obj.get("provisioner") or ""
    if not provisioner:
        errs.append(errors.required("provisioner", ""))
    else:
        errs += [validation.invalid("provisioner", provisioner.lower(), m) for m in validation.is_qualified_name(provisioner.lower())]
    params = obj.get("parameters") or {}
    if len(params) > MAX_PARAMETERS:
        errs.append(errors.too_long("parameters", MAX_PARAMETERS))
    else:
        size = 0
        for k, v in params.items():
            if not k:
                errs.append(validation.invalid("parameters", k, "field can not be empty."))
            size += len(k) + len(str(v))
        if size > MAX_PARAMETERS_SIZE:
            errs.append(errors.too_long("parameters", MAX_PARAMETERS_SIZE))
    policy = obj.get("reclaimPolicy")
    if policy and policy not in RECLAIM_POLICIES:
        errs.append(errors.not_supported("reclaimPolicy", policy, RECLAIM_POLICIES))
    mode = obj.get("volumeBindingMode")
    if mode is None:
        errs.append(errors.required("volumeBindingMode", ""))
    elif mode not in BINDING_MODES:
        errs.append(errors.not_supported("volumeBindingMode", mode, BINDING_MODES))
    for i, term in enumerate(obj.get("allowedTopologies") or []):
        exprs = (term or {}).get("matchLabelExpressions") or []
        if not exprs:
            errs.append(errors.required(f"allowedTopologies[{i}].matchLabelExpressions", "must have at least one label expression"))
        for j, expr in enumerate(exprs):
            p = f"allowedTopologies[{i}].matchLabelExpressions[{j}]"
            errs += validation.validate_label_name((expr or {}).get("key", ""), f"{p}.key")
            if not (expr or {}).get("values"):
                errs.append(errors.required(f"{p}.values", "must specify as least one value"))
    return errs


class StorageClassStrategy(Strategy):
    group = GROUP
    kind = "StorageClass"
    resource = "storageclasses"
    namespaced = False

    def default(self, obj: Obj) -> None:
        if obj.get("reclaimPolicy") is None:
            obj["reclaimPolicy"] = "Delete"
        if obj.get("volumeBindingMode") is None:
            obj["volumeBindingMode"] = "Immediate"

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_storage_class(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        if (obj.get("parameters") or {}) != (old.get("parameters") or {}):
            errs.append(errors.forbidden_field("parameters", "updates to parameters are forbidden."))
        if obj.get("provisioner") != old.get("provisioner"):
            errs.append(errors.forbidden_field("provisioner", "updates to provisioner are forbidden."))
        if obj.get("reclaimPolicy") != old.get("reclaimPolicy"):
            errs.append(errors.forbidden_field("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
        return errs + _immutable("volumeBindingMode", obj.get("volumeBindingMode"), old.get("volumeBindingMode"))

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Provisioner", description="provisioner indicates the type of the provisioner."),
            TableColumn("ReclaimPolicy", description="reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
            TableColumn("VolumeBindingMode", description="volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature."),
            TableColumn("AllowVolumeExpansion", description="allowVolumeExpansion shows whether the storage class allow volume expand."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        meta = obj["metadata"]
        annotations = meta.get("annotations") or {}
        name = meta.get("name", "")
        if any(annotations.get(a) == "true" for a in DEFAULT_CLASS_ANNOTATIONS):
            name += " (default)"
        return [name, obj.get("provisioner", ""), obj.get("reclaimPolicy") or "Delete",
                obj.get("volumeBindingMode") or "Immediate", bool(obj.get("allowVolumeExpansion")),
                age(meta.get("creationTimestamp"))]


# --- CSIDriver

class CSIDriverStrategy(Strategy):
    group = GROUP
    kind = "CSIDriver"
    resource = "csidrivers"
    namespaced = False

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        for key, value in (("attachRequired", True), ("podInfoOnMount", False), ("storageCapacity", False),
                           ("fsGroupPolicy", "ReadWriteOnceWithFSType"), ("requiresRepublish", False),
                           ("seLinuxMount", False)):
            if spec.get(key) is None:
                spec[key] = value
        if not spec.get("volumeLifecycleModes"):
            spec["volumeLifecycleModes"] = ["Persistent"]

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj) + csi_driver_name_errors(obj["metadata"].get("name", ""), "name")
        spec = _dict(obj.get("spec"))
        policy = spec.get("fsGroupPolicy")
        if policy is not None and policy not in FS_GROUP_POLICIES:
            errs.append(errors.not_supported("spec.fsGroupPolicy", policy, FS_GROUP_POLICIES))
        for i, mode in enumerate(spec.get("volumeLifecycleModes") or []):
            if mode not in LIFECYCLE_MODES:
                errs.append(errors.not_supported(f"spec.volumeLifecycleModes[{i}]", mode, LIFECYCLE_MODES))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        new_spec, old_spec = obj.get("spec") or {}, old.get("spec") or {}
        for key in ("attachRequired", "fsGroupPolicy", "volumeLifecycleModes"):
            errs += _immutable(f"spec.{key}", new_spec.get(key), old_spec.get(key))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("AttachRequired", "boolean", description="attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting."),
            TableColumn("PodInfoOnMount", "boolean", description="podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true."),
            TableColumn("StorageCapacity", "boolean", description="storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true."),
            TableColumn("TokenRequests", description="tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
            TableColumn("RequiresRepublish", "boolean", description="requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume."),
            TableColumn("Modes", description="volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = obj.get("spec") or {}
        tokens = spec.get("tokenRequests")
        return [
            obj["metadata"].get("name", ""),
            spec.get("attachRequired", True) is not False, bool(spec.get("podInfoOnMount")), bool(spec.get("storageCapacity")),
            "<unset>" if tokens is None else ",".join(t.get("audience", "") for t in tokens if isinstance(t, dict)),
            bool(spec.get("requiresRepublish")),
            ",".join(spec.get("volumeLifecycleModes") or []) or "<none>",
            age(obj["metadata"].get("creationTimestamp")),
        ]


# --- CSINode

class CSINodeStrategy(Strategy):
    group = GROUP
    kind = "CSINode"
    resource = "csinodes"
    namespaced = False

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return errs + [errors.required("spec", "")]
        seen: set[str] = set()
        for i, driver in enumerate(spec.get("drivers") or []):
            driver = driver if isinstance(driver, dict) else {}
            name = driver.get("name") or ""
            errs += csi_driver_name_errors(name, f"spec.drivers[{i}].name")
            if name in seen:
                errs.append(errors.duplicate(f"spec.drivers[{i}].name", name))
            seen.add(name)
            if not driver.get("nodeID"):
                errs.append(errors.required(f"spec.drivers[{i}].nodeID", ""))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Drivers", "integer", description="Drivers indicates the number of CSI drivers registered on the node"), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), len((obj.get("spec") or {}).get("drivers") or []),
                age(obj["metadata"].get("creationTimestamp"))]


# --- VolumeAttachment

class VolumeAttachmentStrategy(Strategy):
    group = GROUP
    kind = "VolumeAttachment"
    resource = "volumeattachments"
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"attached": False}

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        spec = _dict(obj.get("spec"))
        errs += csi_driver_name_errors(spec.get("attacher") or "", "spec.attacher")
        source = _dict(spec.get("source"))
        if (source.get("persistentVolumeName") is None) == (source.get("inlineVolumeSpec") is None):
            errs.append(errors.invalid_value("spec.source", source, "must specify exactly one of inlineVolumeSpec and persistentVolumeName"))
        node = spec.get("nodeName") or ""
        if not node:
            errs.append(errors.required("spec.nodeName", ""))
        else:
            errs += [validation.invalid("spec.nodeName", node, m) for m in validation.is_dns1123_subdomain(node)]
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        if obj.get("spec") != old.get("spec"):
            errs.append(errors.invalid_value("spec", obj.get("spec"), "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Attacher", format="name", description="attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName()."),
            TableColumn("PV", description="persistentVolumeName represents the name of the persistent volume to attach."),
            TableColumn("Node", description="nodeName represents the node that the volume should be attached to."),
            TableColumn("Attached", "boolean", description="attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        return [obj["metadata"].get("name", ""), spec.get("attacher", ""),
                (spec.get("source") or {}).get("persistentVolumeName") or "", spec.get("nodeName", ""),
                bool(status.get("attached")), age(obj["metadata"].get("creationTimestamp"))]


# --- CSIStorageCapacity

class CSIStorageCapacityStrategy(Strategy):
    group = GROUP
    kind = "CSIStorageCapacity"
    resource = "csistoragecapacities"

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        name = obj.get("storageClassName") or ""
        if not name:
            errs.append(errors.required("storageClassName", ""))
        else:
            errs += [validation.invalid("storageClassName", name, m) for m in validation.is_dns1123_subdomain(name)]
        topology = obj.get("nodeTopology")
        if isinstance(topology, dict):
            errs += validation.validate_label_selector(topology, "nodeTopology")
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("StorageClassName", description="storageClassName represents the name of the StorageClass that the reported capacity applies to. It must meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its creator. This field is immutable."),
            TableColumn("Capacity", description="capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        capacity = obj.get("capacity")
        return [obj["metadata"].get("name", ""), obj.get("storageClassName", ""),
                "<unset>" if capacity is None else str(capacity)]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "StorageClass"): StorageClassStrategy,
    (GROUP, "CSIDriver"): CSIDriverStrategy,
    (GROUP, "CSINode"): CSINodeStrategy,
    (GROUP, "VolumeAttachment"): VolumeAttachmentStrategy,
    (GROUP, "CSIStorageCapacity"): CSIStorageCapacityStrategy,
}
