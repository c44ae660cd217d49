"""Admission plugins that span kinds, against a real `kubelite serve`: a pod's priority
comes from its PriorityClass (upstream's Priority plugin)."""

from __future__ import annotations

from typing import Any

from kubernetes import client

from tests.e2e.helpers import api_exception, exc_status


def pod(name: str, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec}}


def test_pod_priority_comes_from_its_priority_class(api_client: client.ApiClient, ns: str) -> None:
    core = client.CoreV1Api(api_client)
    scheduling = client.SchedulingV1Api(api_client)

    plain = core.create_namespaced_pod(ns, pod("plain"))
    assert (plain.spec.priority, plain.spec.preemption_policy, plain.spec.priority_class_name) == (0, "PreemptLowerPriority", None)
    critical = core.create_namespaced_pod(ns, pod("critical", priorityClassName="system-cluster-critical"))
    assert critical.spec.priority == 2000000000

    exc = api_exception(core.create_namespaced_pod, ns, pod("unknown", priorityClassName="nope"))
    assert exc.status == 403
    assert exc_status(exc)["message"] == 'pods "unknown" is forbidden: no PriorityClass with name nope was found'
    exc = api_exception(core.create_namespaced_pod, ns, pod("forced", priorityClassName="system-cluster-critical", priority=5))
    assert exc.status == 403 and "the integer value of priority (5) must not be provided in pod spec; priority " \
        "admission controller computed 2000000000 from the given PriorityClass name" in exc_status(exc)["message"]

    name = f"default-{ns}"
    scheduling.create_priority_class({"metadata": {"name": name}, "value": 1000, "globalDefault": True,
                                      "preemptionPolicy": "Never"})
    try:
        defaulted = core.create_namespaced_pod(ns, pod("defaulted"))
        assert (defaulted.spec.priority_class_name, defaulted.spec.priority, defaulted.spec.preemption_policy) == (name, 1000, "Never")
    finally:
        scheduling.delete_priority_class(name)


def test_pods_get_the_service_account_token_volume(api_client: client.ApiClient, ns: str) -> None:
    core = client.CoreV1Api(api_client)
    mounted = api_client.sanitize_for_serialization(core.create_namespaced_pod(ns, pod("mounted", initContainers=[
        {"name": "init", "image": "busybox"}])))["spec"]
    (volume,) = mounted["volumes"]
    assert volume["name"].startswith("kube-api-access-") and len(volume["name"]) == len("kube-api-access-") + 5
    assert volume["projected"] == {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
    ]}
    for container in (*mounted["containers"], *mounted["initContainers"]):
        assert container["volumeMounts"] == [
            {"name": volume["name"], "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]

    opted_out = core.create_namespaced_pod(ns, pod("opted-out", automountServiceAccountToken=False))
    assert not opted_out.spec.volumes and not opted_out.spec.containers[0].volume_mounts
    core.create_namespaced_service_account(ns, {"metadata": {"name": "quiet"}, "automountServiceAccountToken": False})
    quiet = core.create_namespaced_pod(ns, pod("quiet", serviceAccountName="quiet"))
    assert not quiet.spec.volumes
