"""ownerReferences garbage collection against a real `kubelite serve`, as upstream's
kube-controller-manager garbage collector does it: background cascades, foreground deletion
held by blockOwnerDeletion dependents, orphaning, several owners, owners that do not exist
where the reference says (another namespace, another uid), kubectl's --cascade modes, the
per-kind default policies, and a restart in the middle of a foreground deletion.

There is no deployment or replicaset controller: the ReplicaSets and Pods are made by hand,
with the ownerReferences those controllers would give them."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kubernetes import client

from tests.e2e.conftest import Kubectl
from tests.e2e.helpers import make_namespace, unique, wait_for
from tests.e2e.server import KubeliteProcess

HOLD = "example.com/hold"


def owner_ref(api_version: str, kind: str, owner: Any, *, block: bool | None = None, controller: bool = False) -> dict[str, Any]:
    ref: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "name": owner.metadata.name, "uid": owner.metadata.uid}
    if block is not None:
        ref["blockOwnerDeletion"] = block
    if controller:
        ref["controller"] = True
    return ref


def meta(name: str, owners: list[dict[str, Any]] | None = None, finalizers: list[str] | None = None) -> dict[str, Any]:
    m: dict[str, Any] = {"name": name, "labels": {"app": "gc"}}
    if owners:
        m["ownerReferences"] = owners
    if finalizers:
        m["finalizers"] = finalizers
    return m


POD_TEMPLATE = {"metadata": {"labels": {"app": "gc"}}, "spec": {"containers": [{"name": "main", "image": "nginx:1.25"}]}}


def deployment(name: str) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name),
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "gc"}}, "template": POD_TEMPLATE}}


def replica_set(name: str, owners: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta(name, owners),
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "gc"}}, "template": POD_TEMPLATE}}


def pod(name: str, owners: list[dict[str, Any]], finalizers: list[str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, owners, finalizers), "spec": POD_TEMPLATE["spec"]}


def config_map(name: str, owners: list[dict[str, Any]] | None = None, finalizers: list[str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, owners, finalizers)}


def gone(read: Callable[..., Any], *args: str) -> bool:
    try:
        read(*args)
    except client.ApiException as exc:
        if exc.status == 404:
            return True
        raise
    return False


def stays(read: Callable[..., Any], *args: str, seconds: float = 1.0) -> Any:
    """The object is still there after the collector had time to act; returns it."""
    time.sleep(seconds)
    return read(*args)


def unhold(core: client.CoreV1Api, ns: str, kind: str, name: str) -> None:
    patch = {"metadata": {"finalizers": None}}
    if kind == "pod":
        core.patch_namespaced_pod(name, ns, patch)
    else:
        core.patch_namespaced_config_map(name, ns, patch)


def make_chain(core: client.CoreV1Api, apps: client.AppsV1Api, ns: str, name: str) -> tuple[Any, Any, list[str]]:
    """Deployment -> ReplicaSet -> two Pods, referenced as the controllers would (controller,
    blockOwnerDeletion)."""
    dep = apps.create_namespaced_deployment(ns, deployment(name))
    rs = apps.create_namespaced_replica_set(ns, replica_set(f"{name}-rs", [owner_ref("apps/v1", "Deployment", dep, block=True, controller=True)]))
    pods = [f"{name}-pod-{i}" for i in range(2)]
    for p in pods:
        core.create_namespaced_pod(ns, pod(p, [owner_ref("apps/v1", "ReplicaSet", rs, block=True, controller=True)]))
    return dep, rs, pods


# --- background -----------------------------------------------------------------------------------


def test_background_deletion_cascades(kubectl: Kubectl, core: client.CoreV1Api, apps: client.AppsV1Api, ns: str) -> None:
    dep, rs, pods = make_chain(core, apps, ns, "bg")
    kubectl("-n", ns, "delete", "deployment", "bg")  # kubectl's default: --cascade=background
    assert gone(apps.read_namespaced_deployment, "bg", ns)
    wait_for(lambda: gone(apps.read_namespaced_replica_set, "bg-rs", ns), what="replicaset of the deleted deployment deleted")
    for p in pods:
        wait_for(lambda p=p: gone(core.read_namespaced_pod, p, ns), what=f"pod {p} of the deleted replicaset deleted")

    # A ConfigMap owning ConfigMaps, deleted without a policy: configmaps default to background.
    parent = core.create_namespaced_config_map(ns, config_map("parent"))
    child = core.create_namespaced_config_map(ns, config_map("child", [owner_ref("v1", "ConfigMap", parent)]))
    core.create_namespaced_config_map(ns, config_map("grandchild", [owner_ref("v1", "ConfigMap", child)]))
    core.delete_namespaced_config_map("parent", ns)
    wait_for(lambda: gone(core.read_namespaced_config_map, "child", ns), what="child configmap deleted")
    wait_for(lambda: gone(core.read_namespaced_config_map, "grandchild", ns), what="grandchild configmap deleted")


def test_dependent_with_a_finalizer_waits_for_it(core: client.CoreV1Api, ns: str) -> None:
    owner = core.create_namespaced_config_map(ns, config_map("owner"))
    core.create_namespaced_config_map(ns, config_map("held", [owner_ref("v1", "ConfigMap", owner)], [HOLD]))
    core.delete_namespaced_config_map("owner", ns)
    wait_for(lambda: core.read_namespaced_config_map("held", ns).metadata.deletion_timestamp, what="dependent marked for deletion")
    unhold(core, ns, "configmap", "held")
    wait_for(lambda: gone(core.read_namespaced_config_map, "held", ns), what="dependent deleted once its finalizer is gone")


# --- which owners exist ---------------------------------------------------------------------------


def test_multiple_owners(core: client.CoreV1Api, ns: str) -> None:
    a = core.create_namespaced_config_map(ns, config_map("owner-a"))
    b = core.create_namespaced_config_map(ns, config_map("owner-b"))
    ref_b = owner_ref("v1", "ConfigMap", b)
    core.create_namespaced_config_map(ns, config_map("shared", [owner_ref("v1", "ConfigMap", a), ref_b]))
    core.delete_namespaced_config_map("owner-a", ns)

    def only_b() -> bool:
        refs = core.read_namespaced_config_map("shared", ns).metadata.owner_references or []
        return [(r.name, r.uid) for r in refs] == [(ref_b["name"], ref_b["uid"])]

    # A dependent with a live owner stays; it only loses the reference to the gone one.
    wait_for(only_b, what="reference to the deleted owner removed")
    assert stays(core.read_namespaced_config_map, "shared", ns).metadata.deletion_timestamp is None
    core.delete_namespaced_config_map("owner-b", ns)
    wait_for(lambda: gone(core.read_namespaced_config_map, "shared", ns), what="dependent deleted with its last owner")


def test_owner_must_exist_where_and_as_the_reference_says(api_client: client.ApiClient, core: client.CoreV1Api, ns: str) -> None:
    rbac = client.RbacAuthorizationV1Api(api_client)
    anchor = core.create_namespaced_config_map(ns, config_map("anchor"))
    other_ns = next(make_namespace(api_client))
    elsewhere = core.create_namespaced_config_map(other_ns, config_map("elsewhere"))
    role = rbac.create_cluster_role({"metadata": {"name": unique("gc-owner")}, "rules": []})
    try:
        core.create_namespaced_config_map(ns, config_map("wrong-uid", [{**owner_ref("v1", "ConfigMap", anchor), "uid": "4a5a8b07-0000-4000-8000-000000000000"}]))
        # A namespaced owner is looked up in the dependent's namespace: one elsewhere does not count.
        core.create_namespaced_config_map(ns, config_map("cross-namespace", [owner_ref("v1", "ConfigMap", elsewhere)]))
        core.create_namespaced_config_map(ns, config_map("cluster-owned", [owner_ref("rbac.authorization.k8s.io/v1", "ClusterRole", role)]))
        core.create_namespaced_config_map(ns, config_map("owned", [owner_ref("v1", "ConfigMap", anchor)]))
        # A kind the server does not serve is never taken for gone (upstream retries forever).
        core.create_namespaced_config_map(ns, config_map("unknown-kind", [{**owner_ref("v1", "ConfigMap", anchor), "apiVersion": "example.com/v1", "kind": "Widget"}]))
        for name in ("wrong-uid", "cross-namespace"):
            wait_for(lambda name=name: gone(core.read_namespaced_config_map, name, ns), what=f"{name} dependent collected")
        for name in ("cluster-owned", "owned", "unknown-kind"):
            assert stays(core.read_namespaced_config_map, name, ns, seconds=0.3).metadata.deletion_timestamp is None
        assert core.read_namespaced_config_map("elsewhere", other_ns).metadata.uid == elsewhere.metadata.uid

        # A cluster-scoped owner may own namespaced dependents.
        rbac.delete_cluster_role(role.metadata.name)
        wait_for(lambda: gone(core.read_namespaced_config_map, "cluster-owned", ns), what="dependent of the cluster role collected")
    finally:
        with contextlib.suppress(client.ApiException):
            rbac.delete_cluster_role(role.metadata.name)
        with contextlib.suppress(client.ApiException):
            core.delete_namespace(other_ns)


# --- foreground -----------------------------------------------------------------------------------


def test_foreground_waits_for_blocking_dependents(api_client: client.ApiClient, core: client.CoreV1Api, apps: client.AppsV1Api, ns: str) -> None:
    rs = apps.create_namespaced_replica_set(ns, replica_set("fg"))
    blocking = owner_ref("apps/v1", "ReplicaSet", rs, block=True, controller=True)
    core.create_namespaced_pod(ns, pod("held", [blocking], [HOLD]))
    core.create_namespaced_pod(ns, pod("free", [blocking]))
    core.create_namespaced_config_map(ns, config_map("loose", [owner_ref("apps/v1", "ReplicaSet", rs, block=False)], [HOLD]))

    marked = api_client.sanitize_for_serialization(apps.delete_namespaced_replica_set("fg", ns, propagation_policy="Foreground"))
    assert marked["metadata"].get("deletionTimestamp")
    assert "foregroundDeletion" in marked["metadata"]["finalizers"]

    wait_for(lambda: gone(core.read_namespaced_pod, "free", ns), what="dependent without finalizer deleted")
    wait_for(lambda: core.read_namespaced_pod("held", ns).metadata.deletion_timestamp, what="held pod marked for deletion")
    wait_for(lambda: core.read_namespaced_config_map("loose", ns).metadata.deletion_timestamp, what="non-blocking dependent marked")
    # The held pod blocks its owner (blockOwnerDeletion=true).
    held_owner = stays(apps.read_namespaced_replica_set, "fg", ns)
    assert held_owner.metadata.deletion_timestamp and "foregroundDeletion" in held_owner.metadata.finalizers

    unhold(core, ns, "pod", "held")
    wait_for(lambda: gone(core.read_namespaced_pod, "held", ns), what="held pod deleted")
    wait_for(lambda: gone(apps.read_namespaced_replica_set, "fg", ns), what="owner deleted once no dependent blocks it")
    # The non-blocking dependent did not hold the owner back; it still waits for its own finalizer.
    assert core.read_namespaced_config_map("loose", ns).metadata.deletion_timestamp
    unhold(core, ns, "configmap", "loose")
    wait_for(lambda: gone(core.read_namespaced_config_map, "loose", ns), what="non-blocking dependent deleted")


def test_kubectl_cascade_foreground_returns_when_everything_is_gone(kubectl: Kubectl, core: client.CoreV1Api, apps: client.AppsV1Api, ns: str) -> None:
    _, _, pods = make_chain(core, apps, ns, "fgk")
    kubectl("-n", ns, "delete", "deployment", "fgk", "--cascade=foreground", "--timeout=30s")
    # The replicaset is deleted in the foreground too (it has dependents), and every reference blocks.
    assert gone(apps.read_namespaced_deployment, "fgk", ns)
    assert gone(apps.read_namespaced_replica_set, "fgk-rs", ns)
    for p in pods:
        assert gone(core.read_namespaced_pod, p, ns)


# --- orphan ---------------------------------------------------------------------------------------


def test_kubectl_cascade_orphan_leaves_dependents_without_the_reference(kubectl: Kubectl, core: client.CoreV1Api, apps: client.AppsV1Api, ns: str) -> None:
    _, rs, pods = make_chain(core, apps, ns, "orph")
    kubectl("-n", ns, "delete", "deployment", "orph", "--cascade=orphan", "--timeout=30s")
    assert gone(apps.read_namespaced_deployment, "orph", ns)
    left = stays(apps.read_namespaced_replica_set, "orph-rs", ns, seconds=0.5)
    assert left.metadata.uid == rs.metadata.uid
    assert not left.metadata.owner_references and left.metadata.deletion_timestamp is None
    for p in pods:  # grandchildren are untouched
        assert [r.uid for r in core.read_namespaced_pod(p, ns).metadata.owner_references] == [rs.metadata.uid]


def test_default_policies_per_kind(api_client: client.ApiClient, core: client.CoreV1Api, ns: str) -> None:
    """batch/v1 Jobs and core/v1 ReplicationControllers orphan by default (upstream keeps it for
    backwards compatibility); an explicit Background still cascades."""
    batch = client.BatchV1Api(api_client)
    template = {"spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "busybox"}]}}
    for name in ("kept", "cascaded"):
        job = batch.create_namespaced_job(ns, {"metadata": {"name": name}, "spec": {"template": template}})
        core.create_namespaced_pod(ns, pod(f"{name}-pod", [owner_ref("batch/v1", "Job", job, block=True, controller=True)]))
    _, _, headers = batch.delete_namespaced_job_with_http_info("kept", ns)
    assert "child pods are preserved by default when jobs are deleted" in headers.get("Warning", "")
    wait_for(lambda: gone(batch.read_namespaced_job, "kept", ns), what="job deleted")
    assert not core.read_namespaced_pod("kept-pod", ns).metadata.owner_references
    batch.delete_namespaced_job("cascaded", ns, propagation_policy="Background")
    wait_for(lambda: gone(core.read_namespaced_pod, "cascaded-pod", ns), what="pod of the job deleted")

    rc = core.create_namespaced_replication_controller(ns, {
        "metadata": {"name": "rc"}, "spec": {"replicas": 1, "selector": {"app": "gc"}, "template": POD_TEMPLATE}})
    core.create_namespaced_pod(ns, pod("rc-pod", [owner_ref("v1", "ReplicationController", rc, block=True, controller=True)]))
    core.delete_namespaced_replication_controller("rc", ns)
    wait_for(lambda: gone(core.read_namespaced_replication_controller, "rc", ns), what="replication controller deleted")
    assert not core.read_namespaced_pod("rc-pod", ns).metadata.owner_references

    # The deprecated orphanDependents=false is an explicit Background.
    rc = core.create_namespaced_replication_controller(ns, {
        "metadata": {"name": "rc2"}, "spec": {"replicas": 1, "selector": {"app": "gc"}, "template": POD_TEMPLATE}})
    core.create_namespaced_pod(ns, pod("rc2-pod", [owner_ref("v1", "ReplicationController", rc, block=True, controller=True)]))
    core.delete_namespaced_replication_controller("rc2", ns, orphan_dependents=False)
    wait_for(lambda: gone(core.read_namespaced_pod, "rc2-pod", ns), what="pod of the replication controller deleted")


# --- restart --------------------------------------------------------------------------------------


def test_foreground_deletion_survives_a_restart(tmp_path: Path) -> None:
    """The graph is rebuilt from lists on start: an owner marked before the restart still waits
    for its blocking dependent, and goes once that is gone."""
    server = KubeliteProcess(tmp_path / "restart")
    server.start()
    try:
        def clients() -> tuple[client.CoreV1Api, client.AppsV1Api]:
            from kubernetes import config

            api = config.new_client_from_config(config_file=str(server.kubeconfig))
            return client.CoreV1Api(api), client.AppsV1Api(api)

        core, apps = clients()
        rs = apps.create_namespaced_replica_set("default", replica_set("survivor"))
        core.create_namespaced_pod("default", pod("survivor-held", [owner_ref("apps/v1", "ReplicaSet", rs, block=True)], [HOLD]))
        apps.delete_namespaced_replica_set("survivor", "default", propagation_policy="Foreground")
        wait_for(lambda: core.read_namespaced_pod("survivor-held", "default").metadata.deletion_timestamp, what="held pod marked")
        server.stop()

        server.start()
        core, apps = clients()
        owner = stays(apps.read_namespaced_replica_set, "survivor", "default", seconds=0.5)
        assert owner.metadata.deletion_timestamp and "foregroundDeletion" in owner.metadata.finalizers
        unhold(core, "default", "pod", "survivor-held")
        wait_for(lambda: gone(apps.read_namespaced_replica_set, "survivor", "default"), what="owner deleted after the restart")
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.stop()
