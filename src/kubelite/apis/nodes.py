"""Nodes and scheduling operations: the Node kind (status subresource, printing with
Ready/NotReady/Unknown and roles), Binding (the `bindings` resource and pods/binding:
a scheduler's write of spec.nodeName) and pods/eviction (a delete that respects
PodDisruptionBudgets), as upstream's pkg/registry/core/node and pod/storage do."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Any

from kubelite.apis.podspec import (
    as_dict,
    as_list,
    canonicalize_resource_list,
    cidr_errors,
    resource_quantity_errors,
    validate_taint_effect,
)
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.errors import StatusError
from kubelite.machinery.labels import selector_from_label_selector
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn
from kubelite.storage.interface import ConflictError, KeyNotFoundError, Preconditions

ROLE_PREFIX = "node-role.kubernetes.io/"
ROLE_LABEL = "kubernetes.io/role"
PDB_PREFIX = "/registry/policy/poddisruptionbudgets/"
# The eviction handler's bound on the PDB's not-yet-confirmed evictions (upstream's MaxDisruptedPodSize).
MAX_DISRUPTED_PODS = 2000


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _success(code: int = 201) -> Obj:
    """What upstream's binding and eviction REST return: a Status with the response code."""
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": code}


class NodeStrategy(Strategy):
    kind = "Node"
    resource = "nodes"
    namespaced = False
    has_status = True
    extra_fields = ("spec.unschedulable",)

    def prepare_for_create(self, obj: Obj) -> None:
        # Upstream keeps the status a kubelet registers its node with.
        pass

    def default(self, obj: Obj) -> None:
        status = obj.setdefault("status", {})
        if not isinstance(status, dict):
            return
        _sync_pod_cidrs(as_dict(obj.get("spec")))
        canonicalize_resource_list(status.get("capacity"), self.kind)
        canonicalize_resource_list(status.get("allocatable"), self.kind)
        if status.get("allocatable") is None and isinstance(status.get("capacity"), dict):
            status["allocatable"] = dict(status["capacity"])  # SetDefaults_NodeStatus

    def canonicalize(self, obj: Obj) -> None:
        if isinstance(obj.get("status"), dict):
            _fill_printed_structs(obj["status"])

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_node(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return validate_node_update(obj, old)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # nodes/status is validated as any node update.
        return validate_node_update(obj, old)

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_status_update(obj, old)
        self.default(obj)

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["spec.unschedulable"] = "true" if as_dict(obj.get("spec")).get("unschedulable") is True else "false"
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Status", description="The status of the node"),
            TableColumn("Roles", description="The roles of the node"),
            AGE_COLUMN,
            TableColumn("Version", description="Deprecated: KubeletVersion reported by the node. Not reliable; do not use."),
            TableColumn("Internal-IP", priority=1, description="List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP)."),
            TableColumn("External-IP", priority=1, description="List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP)."),
            TableColumn("OS-Image", priority=1, description="OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
            TableColumn("Kernel-Version", priority=1, description="Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
            TableColumn("Container-Runtime", priority=1, description="ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        states = []
        for cond in as_list(status.get("conditions")):
            cond = as_dict(cond)
            if cond.get("type") == "Ready":
                states = ["Ready" if cond.get("status") == "True" else "NotReady"]
        if not states:
            states = ["Unknown"]
        if spec.get("unschedulable") is True:
            states.append("SchedulingDisabled")
        info = as_dict(status.get("nodeInfo"))
        return [
            obj["metadata"]["name"], ",".join(states), ",".join(node_roles(obj)) or "<none>",
            age(obj["metadata"].get("creationTimestamp")), info.get("kubeletVersion", ""),
            _address(status, "InternalIP"), _address(status, "ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>",
        ]


def _sync_pod_cidrs(spec: Obj) -> None:
    """v1's podCIDR is podCIDRs[0] (upstream's conversion keeps them so)."""
    cidrs = as_list(spec.get("podCIDRs"))
    if cidrs:
        spec["podCIDR"] = cidrs[0]
    elif spec.get("podCIDR"):
        spec["podCIDRs"] = [spec["podCIDR"]]


# NodeSystemInfo's fields, none omitempty: a node's status always prints all of them.
NODE_INFO_FIELDS = ("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
                    "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture")


def _fill_printed_structs(status: Obj) -> None:
    """What encoding/json prints of an unset NodeStatus: nodeInfo and daemonEndpoints are
    structs (never omitted), so a node registered without them shows them empty."""
    info = status.get("nodeInfo")
    if isinstance(info, dict) or info is None:
        status["nodeInfo"] = {**dict.fromkeys(NODE_INFO_FIELDS, ""), **(info or {})}
    endpoints = status.setdefault("daemonEndpoints", {})
    if isinstance(endpoints, dict):
        kubelet = endpoints.setdefault("kubeletEndpoint", {})
        if isinstance(kubelet, dict):
            kubelet.setdefault("Port", 0)


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values."""
    roles = set()
    for key, value in as_dict(node.get("metadata", {}).get("labels")).items():
        if key.startswith(ROLE_PREFIX) and key[len(ROLE_PREFIX):]:
            roles.add(key[len(ROLE_PREFIX):])
        elif key == ROLE_LABEL and value:
            roles.add(str(value))
    return sorted(roles)


def _address(status: Obj, kind: str) -> str:
    for address in as_list(status.get("addresses")):
        if as_dict(address).get("type") == kind:
            return str(address.get("address", ""))
    return "<none>"


def _go_taint(taint: Obj) -> str:
    """%#v of a core.Taint, as upstream shows a duplicate one."""
    added = "(*v1.Time)(nil)" if not taint.get("timeAdded") else f"time.Date({taint['timeAdded']})"
    return (f"core.Taint{{Key:{validation.go_quote(str(taint.get('key') or ''))}, Value:{validation.go_quote(str(taint.get('value') or ''))}, "
            f"Effect:{validation.go_quote(str(taint.get('effect') or ''))}, TimeAdded:{added}}}")


def validate_node_taints(taints: Any, path: str) -> list[Cause]:
    """validateNodeTaints: keys and values as labels, a known effect, unique by key and effect."""
    errs: list[Cause] = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(as_dict(t) for t in as_list(taints)):
        p = f"{path}[{i}]"
        key, effect = str(taint.get("key") or ""), str(taint.get("effect") or "")
        errs += validation.validate_label_name(key, f"{p}.key")
        msgs = validation.is_valid_label_value(str(taint.get("value") or ""))
        if msgs:
            errs.append(validation.invalid(f"{p}.value", str(taint.get("value") or ""), ";".join(msgs)))
        errs += [errors.required(f"{p}.effect")] if not effect else validate_taint_effect(effect, f"{p}.effect")
        if (effect, key) in seen:
            errs.append(errors.field_error("FieldValueDuplicate", p,
                                           f"Duplicate value: {_go_taint(taint)}: taints must be unique by key and effect pair"))
            continue
        seen.add((effect, key))
    return errs


def _pod_cidr_errors(cidrs: list[Any]) -> list[Cause]:
    path = "spec.podCIDRs"
    errs: list[Cause] = []
    for i, cidr in enumerate(cidrs):
        errs += cidr_errors(cidr, f"{path}[{i}]")
    if len(cidrs) > 1:
        try:
            families = {ipaddress.ip_network(str(c), strict=False).version for c in cidrs}
        except ValueError:
            families = set()
        if len(families) != 2 or len(cidrs) > 2:
            shown = validation.go_string_slice([str(c) for c in cidrs])
            errs.append(errors.field_error("FieldValueInvalid", path, f"Invalid value: {shown}: may specify no more than one CIDR for each IP family"))
        seen: set[str] = set()
        for i, cidr in enumerate(str(c) for c in cidrs):
            if cidr in seen:
                errs.append(errors.duplicate(f"{path}[{i}]", cidr))
            seen.add(cidr)
    return errs


def _node_resource_errors(status: Obj) -> list[Cause]:
    """ValidateNodeResources (reported as status.capacity.<name>, sic)."""
    errs: list[Cause] = []
    for section in ("capacity", "allocatable"):
        for name, value in as_dict(status.get(section)).items():
            errs += resource_quantity_errors(name, value, f"status.{section}.{name}")
    return errs


def validate_node(node: Obj) -> list[Cause]:
    """ValidateNode, after ObjectMeta. Taints are reported under metadata (sic)."""
    spec = as_dict(node.get("spec"))
    errs = validate_node_taints(spec.get("taints"), "metadata.taints")
    errs += _node_resource_errors(as_dict(node.get("status")))
    return errs + _pod_cidr_errors(as_list(spec.get("podCIDRs")))


def validate_node_update(node: Obj, old: Obj) -> list[Cause]:
    """ValidateNodeUpdate (the spec and status are not validated afresh, only these rules)."""
    spec, old_spec, status = as_dict(node.get("spec")), as_dict(old.get("spec")), as_dict(node.get("status"))
    errs = validation.validate_object_meta_update(node.get("metadata", {}), old.get("metadata", {}))
    errs += _node_resource_errors(status)
    seen: list[Any] = []
    for i, address in enumerate(as_list(status.get("addresses"))):
        if address in seen:
            a = as_dict(address)
            shown = f"core.NodeAddress{{Type:{validation.go_quote(str(a.get('type') or ''))}, Address:{validation.go_quote(str(a.get('address') or ''))}}}"
            errs.append(errors.field_error("FieldValueDuplicate", f"status.addresses[{i}]", f"Duplicate value: {shown}"))
        seen.append(address)
    old_cidrs, cidrs = as_list(old_spec.get("podCIDRs")), as_list(spec.get("podCIDRs"))
    change = 'node updates may not change podCIDR except from "" to valid'
    if old_cidrs:
        if len(old_cidrs) != len(cidrs):
            errs.append(errors.forbidden_field("spec.podCIDRs", change))
        else:
            errs += [errors.forbidden_field("spec.podCIDRs", change) for a, b in zip(old_cidrs, cidrs, strict=True) if a != b]
    if old_spec.get("providerID") and spec.get("providerID") != old_spec["providerID"]:
        errs.append(errors.forbidden_field("spec.providerID", 'node updates may not change providerID except from "" to valid'))
    errs += validate_node_taints(spec.get("taints"), "metadata.taints")
    if spec.get("externalID") != old_spec.get("externalID"):
        errs.append(errors.forbidden_field("spec.externalID", "may not be updated"))
    return errs


# --- binding ------------------------------------------------------------------------------------------


def _validate_binding(body: Obj) -> list[Cause]:
    """ValidatePodBinding."""
    target = as_dict(body.get("target"))
    errs: list[Cause] = []
    if target.get("kind") and target["kind"] != "Node":
        errs.append(errors.not_supported("target.kind", target["kind"], ["Node", "<empty>"]))
    if not target.get("name"):
        errs.append(errors.required("target.name"))
    return errs


async def bind_pod(storage: Any, namespace: str, name: str, body: Obj, dry_run: bool) -> Obj:
    """Set spec.nodeName of an unscheduled pod (upstream's BindingREST.setPodNodeAndMetadata)."""
    meta = as_dict(body.get("metadata"))
    if meta.get("name") and meta["name"] != name:
        raise errors.bad_request("name in URL does not match name in Binding object")
    causes = _validate_binding(body)
    if causes:
        raise errors.invalid("", "Binding", name, causes)
    node = str(as_dict(body.get("target")).get("name"))
    annotations = as_dict(meta.get("annotations"))
    pre = None
    if meta.get("uid") or meta.get("resourceVersion"):
        pre = Preconditions(uid=meta.get("uid") or None, resource_version=meta.get("resourceVersion") or None)

    async def assign(pod: Obj) -> Obj | None:
        if pre is not None:
            if pre.uid and pre.uid != pod["metadata"].get("uid"):
                raise ConflictError("", f"Precondition failed: UID in precondition: {pre.uid}, UID in object meta: {pod['metadata'].get('uid')}")
            if pre.resource_version and pre.resource_version != pod["metadata"].get("resourceVersion"):
                raise ConflictError("", f"Precondition failed: ResourceVersion in precondition: {pre.resource_version}, ResourceVersion in object meta: {pod['metadata'].get('resourceVersion')}")
        spec = pod.setdefault("spec", {})
        if pod["metadata"].get("deletionTimestamp"):
            raise ConflictError("", f"pod {name} is being deleted, cannot be assigned to a host")
        if spec.get("nodeName"):
            raise ConflictError("", f"pod {name} is already assigned to node {validation.go_quote(str(spec['nodeName']))}")
        if as_list(spec.get("schedulingGates")):
            raise ConflictError("", f"pod {name} has non-empty .spec.schedulingGates")
        spec["nodeName"] = node
        if annotations:
            pod["metadata"].setdefault("annotations", {}).update(annotations)
        status = pod.setdefault("status", {})
        conditions = status.setdefault("conditions", [])
        for cond in conditions:
            if cond.get("type") == "PodScheduled":
                if cond.get("status") != "True":
                    cond["status"] = "True"
                    cond["lastTransitionTime"] = _now()
                cond.pop("reason", None)
                cond.pop("message", None)
                break
        else:
            conditions.append({"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": _now()})
        if dry_run:
            raise _DryRun()
        return pod

    key = f"/registry/pods/{namespace}/{name}"
    try:
        await storage.guaranteed_update(key, assign)
    except _DryRun:
        pass
    except KeyNotFoundError:
        raise errors.not_found("", "pods", name) from None
    except ConflictError as exc:
        raise errors.conflict("", "pods/binding", name, exc.message) from None
    return _success()


class _DryRun(Exception):
    """Ends a dry-run read-modify-write after the checks, before the write."""


class BindingStrategy(Strategy):
    """POST /api/v1/namespaces/<ns>/bindings: the legacy form of pods/<name>/binding."""

    kind = "Binding"
    resource = "bindings"
    virtual = True

    def attach(self, store: Any, options: Any) -> None:
        # Every store's storage writes any key; pods are written through it.
        self._storage = store.storage

    async def review(self, obj: Obj, user: Any, services: dict[str, Any]) -> Obj:
        meta = as_dict(obj.get("metadata"))
        name = str(meta.get("name") or "")
        namespace = str(meta.get("namespace") or "default")
        return await bind_pod(self._storage, namespace, name, obj, dry_run=False)


# --- eviction -----------------------------------------------------------------------------------------


def _too_many_requests(message: str, cause: str, retry_after: int) -> StatusError:
    details: Obj = {"causes": [{"reason": "DisruptionBudget", "message": cause}]}
    if retry_after:
        details["retryAfterSeconds"] = retry_after
    return StatusError(429, "TooManyRequests", message, details, retry_after=retry_after or None)


async def evict_pod(store: Any, namespace: str, name: str, body: Obj, opts: Any) -> Obj:
    """policy/v1 Eviction of a pod: deleted unless a PodDisruptionBudget selecting it
    allows no disruption now (429), as upstream's EvictionREST."""
    from kubelite.registry.store import DeleteOptions

    meta = as_dict(body.get("metadata"))
    if meta.get("name") and meta["name"] != name:
        raise errors.bad_request("name in URL does not match name in Eviction object")
    delete_options = as_dict(body.get("deleteOptions"))
    dry_run = bool(getattr(opts, "dry_run", False)) or bool(as_list(delete_options.get("dryRun")))
    pod = await store.get(namespace, name)
    phase = as_dict(pod.get("status")).get("phase")
    ignore_budgets = phase in ("Succeeded", "Failed", "Pending") or bool(pod["metadata"].get("deletionTimestamp"))
    if not ignore_budgets:
        await _take_disruption(store.storage, namespace, pod, dry_run)
    pre = as_dict(delete_options.get("preconditions"))
    options = DeleteOptions(
        preconditions=Preconditions(uid=pre.get("uid"), resource_version=pre.get("resourceVersion")) if pre else None,
        grace_period_seconds=delete_options.get("gracePeriodSeconds"),
        propagation_policy=delete_options.get("propagationPolicy"),
        dry_run=dry_run,
    )
    try:
        await store.delete(namespace, name, options)
    except StatusError as exc:
        if exc.code != 404:
            raise
    return _success()


async def _take_disruption(storage: Any, namespace: str, pod: Obj, dry_run: bool) -> None:
    base = getattr(storage, "storage", storage)  # the raw storage: the PDB cache is another prefix
    page = await base.list(f"{PDB_PREFIX}{namespace}/")
    labels = as_dict(pod["metadata"].get("labels"))
    matching = []
    for pdb in page.items:
        selector = as_dict(pdb.get("spec")).get("selector")
        if not isinstance(selector, dict):
            continue
        try:
            sel = selector_from_label_selector(selector)
        except StatusError:
            continue
        if not sel.empty and sel.matches(labels):
            matching.append(pdb)
    if not matching:
        return
    if len(matching) > 1:
        raise errors.internal_error("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
    pdb = matching[0]
    pdb_name = pdb["metadata"]["name"]
    message = "Cannot evict pod as it would violate the pod's disruption budget."

    async def decrement(current: Obj) -> Obj | None:
        status = current.setdefault("status", {})
        if (status.get("observedGeneration") or 0) < (current["metadata"].get("generation") or 0):
            raise _too_many_requests(message, f"The disruption budget {pdb_name} is still being processed by the server.", 10)
        allowed = status.get("disruptionsAllowed") or 0
        if allowed < 0:
            raise errors.forbidden("policy", "poddisruptionbudget", pdb_name, "pdb disruptions allowed is negative")
        if len(as_dict(status.get("disruptedPods"))) > MAX_DISRUPTED_PODS:
            raise errors.forbidden("policy", "poddisruptionbudget", pdb_name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller")
        if allowed == 0:
            raise _too_many_requests(message, f"The disruption budget {pdb_name} needs {status.get('desiredHealthy', 0)} healthy pods and has {status.get('currentHealthy', 0)} currently", 0)
        if dry_run:
            return None
        status["disruptionsAllowed"] = allowed - 1
        status.setdefault("disruptedPods", {})[pod["metadata"]["name"]] = _now()
        if allowed - 1 == 0:
            conditions = [c for c in as_list(status.get("conditions")) if as_dict(c).get("type") != "DisruptionAllowed"]
            conditions.append({"type": "DisruptionAllowed", "status": "False", "reason": "InsufficientPods",
                               "message": "", "observedGeneration": status.get("observedGeneration", 0),
                               "lastTransitionTime": _now()})
            status["conditions"] = conditions
        return current

    key = f"{PDB_PREFIX}{namespace}/{pdb_name}"
    try:
        await base.guaranteed_update(key, decrement)
    except KeyNotFoundError:
        return


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("", "Node"): NodeStrategy,
    ("", "Binding"): BindingStrategy,
}
