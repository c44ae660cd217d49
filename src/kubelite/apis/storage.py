"""storage.k8s.io/v1: StorageClass, CSIDriver, CSINode, VolumeAttachment and
CSIStorageCapacity — upstream's defaults, validation and printing."""

from __future__ import annotations

from typing import Any

from kubelite.apis.generic import (
    as_dict,
    as_list,
    canonical_quantity,
    immutable,
    invalid_shown,
    invalid_slice,
    is_int,
)
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
CSI_NODE_ID_MAX_LENGTH = 192
MIN_TOKEN_EXPIRATION_SECONDS = 600
MAX_TOKEN_EXPIRATION_SECONDS = 1 << 32


def csi_driver_name_errors(name: Any, path: str) -> list[Cause]:
    """core's ValidateCSIDriverName: an empty name is both required and not a subdomain."""
    name = name if isinstance(name, str) else ""
    errs: list[Cause] = [] if name else [errors.required(path, "")]
    if len(name) > 63:
        errs.append(errors.too_long(path, 63))
    return errs + [validation.invalid(path, name, m) for m in validation.is_dns1123_subdomain(name.lower())]


def _subdomain_errors(value: Any, path: str) -> list[Cause]:
    value = value if isinstance(value, str) else ""
    return [validation.invalid(path, value, m) for m in validation.is_dns1123_subdomain(value)]




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
        return errs + immutable("volumeBindingMode", obj.get("volumeBindingMode"), old.get("volumeBindingMode"))

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

def _token_request_errors(requests: list[Any], path: str) -> list[Cause]:
    errs: list[Cause] = []
    audiences: set[str] = set()
    for i, request in enumerate(requests):
        request = as_dict(request)
        audience = request.get("audience") or ""
        if audience in audiences:
            errs.append(errors.duplicate(f"{path}[{i}].audience", audience))
            continue
        audiences.add(audience)
        seconds = request.get("expirationSeconds")
        if is_int(seconds) and seconds < MIN_TOKEN_EXPIRATION_SECONDS:
            errs.append(errors.invalid_value(f"{path}[{i}].expirationSeconds", seconds, "may not specify a duration less than 10 minutes"))
        if is_int(seconds) and seconds > MAX_TOKEN_EXPIRATION_SECONDS:
            errs.append(errors.invalid_value(f"{path}[{i}].expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"))
    return errs


def validate_csi_driver_spec(spec: Obj) -> list[Cause]:
    """validateCSIDriverSpec (the booleans are required once defaulted)."""
    errs: list[Cause] = []
    for key, path in (("attachRequired", "attachedRequired"), ("podInfoOnMount", "podInfoOnMount"),
                      ("storageCapacity", "storageCapacity")):
        if spec.get(key) is None:
            errs.append(errors.required(f"spec.{path}"))
    policy = spec.get("fsGroupPolicy")
    if policy is not None and policy not in FS_GROUP_POLICIES:
        errs.append(errors.not_supported("spec.fsGroupPolicy", policy, FS_GROUP_POLICIES))
    errs += _token_request_errors(as_list(spec.get("tokenRequests")), "spec.tokenRequests")
    errs += [errors.not_supported("spec.volumeLifecycleModes", mode, ["Persistent", "Ephemeral"])
             for mode in as_list(spec.get("volumeLifecycleModes")) if mode not in LIFECYCLE_MODES]
    if spec.get("seLinuxMount") is None:
        errs.append(errors.required("spec.seLinuxMount"))
    return errs


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
        return super().validate(obj) + validate_csi_driver_spec(as_dict(obj.get("spec")))

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        new_spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
        # "attachedRequired" is upstream's spelling of the path
        errs += immutable("spec.attachedRequired", new_spec.get("attachRequired"), old_spec.get("attachRequired"))
        modes = new_spec.get("volumeLifecycleModes")
        if modes != old_spec.get("volumeLifecycleModes"):
            errs.append(invalid_slice("spec.volumeLifecycleModes", modes, "field is immutable", "storage.VolumeLifecycleMode"))
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

def go_csi_node_driver(driver: Obj) -> str:
    """A CSINodeDriver as Go's %#v shows it in field errors."""
    keys = ", ".join(validation.go_quote(k) for k in as_list(driver.get("topologyKeys")))
    allocatable = "(*storage.VolumeNodeResources)(nil)" if driver.get("allocatable") is None \
        else "(*storage.VolumeNodeResources)(0xc000000000)"  # a pointer prints as an address
    topology = f"[]string{{{keys}}}" if driver.get("topologyKeys") is not None else "[]string(nil)"
    return (f"storage.CSINodeDriver{{Name:{validation.go_quote(str(driver.get('name') or ''))}, "
            f"NodeID:{validation.go_quote(str(driver.get('nodeID') or ''))}, TopologyKeys:{topology}, "
            f"Allocatable:{allocatable}}}")


def _validate_csi_node_driver(driver: Obj, seen: set[str], path: str) -> list[Cause]:
    name, node_id = driver.get("name") or "", driver.get("nodeID") or ""
    errs = csi_driver_name_errors(name, f"{path}.name")
    if not node_id:
        errs.append(errors.required(f"{path}.nodeID"))
    if len(node_id) > CSI_NODE_ID_MAX_LENGTH:
        errs.append(validation.invalid(f"{path}.nodeID", node_id, f"must be {CSI_NODE_ID_MAX_LENGTH} characters or less"))
    count = as_dict(driver.get("allocatable")).get("count")
    if is_int(count) and count < 0:
        errs.append(errors.invalid_value(f"{path}.allocatable.count", count, "must be greater than or equal to 0"))
    if name in seen:
        errs.append(errors.duplicate(f"{path}.name", name))
    seen.add(name)
    keys: set[str] = set()
    for key in as_list(driver.get("topologyKeys")):
        if not key:
            errs.append(errors.required(path))
        if key in keys:
            errs.append(errors.duplicate(path, key))
        keys.add(key)
        errs += validation.validate_label_name(key, path)
    return errs


class CSINodeStrategy(Strategy):
    group = GROUP
    kind = "CSINode"
    resource = "csinodes"
    namespaced = False

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        seen: set[str] = set()
        for i, driver in enumerate(as_list(as_dict(obj.get("spec")).get("drivers"))):
            errs += _validate_csi_node_driver(as_dict(driver), seen, f"spec.drivers[{i}]")
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        # a driver's entry may not change once registered (upstream compares the whole struct)
        old_drivers = {as_dict(d).get("name"): as_dict(d) for d in as_list(as_dict(old.get("spec")).get("drivers"))}
        for driver in as_list(as_dict(obj.get("spec")).get("drivers")):
            driver = as_dict(driver)
            before = old_drivers.get(driver.get("name"))
            if before is not None and before != driver:
                errs.append(invalid_shown("spec.drivers", go_csi_node_driver(driver), "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Drivers", "integer", description="Drivers indicates the number of CSI drivers registered on the node"), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), len((obj.get("spec") or {}).get("drivers") or []),
                age(obj["metadata"].get("creationTimestamp"))]


# --- VolumeAttachment

def _attachment_source_errors(source: Obj) -> list[Cause]:
    pv, inline = source.get("persistentVolumeName"), source.get("inlineVolumeSpec")
    if pv is None and inline is None:
        return [errors.required("spec.source", "must specify exactly one of inlineVolumeSpec and persistentVolumeName")]
    if pv is not None and inline is not None:
        return [errors.forbidden_field("spec.source", "must specify exactly one of inlineVolumeSpec and persistentVolumeName")]
    if pv is not None and not pv:
        return [errors.required("spec.source.persistentVolumeName", "must specify non empty persistentVolumeName")]
    return []


def validate_volume_attachment_spec(spec: Obj) -> list[Cause]:
    errs = [] if spec.get("attacher") else [errors.required("spec.attacher")]
    errs += _attachment_source_errors(as_dict(spec.get("source")))
    return errs + _subdomain_errors(spec.get("nodeName"), "spec.nodeName")


def _validate_v1_attachment(spec: Obj) -> list[Cause]:
    errs = csi_driver_name_errors(spec.get("attacher"), "spec.attacher")
    pv = as_dict(spec.get("source")).get("persistentVolumeName")
    if isinstance(pv, str):
        errs += _subdomain_errors(pv, "spec.source.persistentVolumeName")
    return errs


class VolumeAttachmentStrategy(Strategy):
    group = GROUP
    kind = "VolumeAttachment"
    resource = "volumeattachments"
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"attached": False}

    def validate(self, obj: Obj) -> list[Cause]:
        # ValidateVolumeAttachment, then the checks v1 added for new attachments
        spec = as_dict(obj.get("spec"))
        return super().validate(obj) + validate_volume_attachment_spec(spec) + _validate_v1_attachment(spec)

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

    def default(self, obj: Obj) -> None:
        for key in ("capacity", "maximumVolumeSize"):
            if obj.get(key) is not None:
                obj[key] = canonical_quantity(obj[key], self.kind)

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        topology = obj.get("nodeTopology")
        if isinstance(topology, dict):
            errs += validation.validate_label_selector(topology, "nodeTopology")
        errs += _subdomain_errors(obj.get("storageClassName"), "storageClassName")
        capacity = obj.get("capacity")
        if isinstance(capacity, str) and capacity.startswith("-"):
            errs.append(validation.invalid("capacity", capacity, "must be greater than or equal to 0"))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        if obj.get("nodeTopology") != old.get("nodeTopology"):
            errs.append(errors.invalid_value("nodeTopology", obj.get("nodeTopology"), "field is immutable"))
        if obj.get("storageClassName") != old.get("storageClassName"):
            errs.append(validation.invalid("storageClassName", obj.get("storageClassName") or "", "field is immutable"))
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
