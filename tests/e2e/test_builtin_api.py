"""The built-in kinds of autoscaling, events, rbac, policy, networking, scheduling,
coordination and storage, and the review kinds, against a real `kubelite serve`:
kubectl and the kubernetes client create, read, update and delete them from manifests
upstream accepts; HorizontalPodAutoscalers and Events are served in two versions each."""

from __future__ import annotations

import json
import re
import threading
import uuid
from typing import Any

import pytest
import yaml
from kubernetes import client, watch

from tests.e2e.conftest import Kubectl
from tests.e2e.helpers import Raw, expect_status, raw_for
from tests.e2e.server import KubeliteProcess

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"


def suffix() -> str:
    return uuid.uuid4().hex[:6]


def apply_manifest(kubectl: Kubectl, manifest: dict[str, Any]) -> None:
    kubectl("create", "-f", "-", input=yaml.safe_dump(manifest))


HPA_V2 = {
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h2"},
    "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 2, "maxReplicas": 5,
        "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}},
            {"type": "External", "external": {"metric": {"name": "queue", "selector": {"matchLabels": {"q": "jobs"}}},
                                              "target": {"type": "Value", "value": "30"}}},
        ],
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 120, "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}},
    },
}


def _namespaced(kind_manifest: dict[str, Any], ns: str) -> dict[str, Any]:
    out = json.loads(json.dumps(kind_manifest))
    out["metadata"]["namespace"] = ns
    return out


def manifests(ns: str, tag: str) -> list[dict[str, Any]]:
    """One object of each kind, as upstream's documentation writes them."""
    return [
        _namespaced(HPA_V2, ns),
        {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h1", "namespace": ns},
         "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 3,
                  "targetCPUUtilizationPercentage": 70}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "reader", "namespace": ns},
         "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "watch", "list"]}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": f"agg-{tag}"},
         "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-monitoring": "true"}}]},
         "rules": []},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "read-pods", "namespace": ns},
         "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}],
         "roleRef": {"kind": "Role", "name": "reader", "apiGroup": "rbac.authorization.k8s.io"}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": f"crb-{tag}"},
         "subjects": [{"kind": "Group", "name": "manager"}, {"kind": "ServiceAccount", "name": "robot", "namespace": ns}],
         "roleRef": {"kind": "ClusterRole", "name": f"agg-{tag}"}},
        {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "zk-pdb", "namespace": ns},
         "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "zookeeper"}}}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "minimal-ingress", "namespace": ns},
         "spec": {"ingressClassName": "nginx-example", "rules": [{"http": {"paths": [
             {"path": "/testpath", "pathType": "Prefix", "backend": {"service": {"name": "test", "port": {"number": 80}}}}]}}]}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": f"external-lb-{tag}"},
         "spec": {"controller": "example.com/ingress-controller",
                  "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "test-network-policy", "namespace": ns},
         "spec": {"podSelector": {"matchLabels": {"role": "db"}}, "policyTypes": ["Ingress", "Egress"],
                  "ingress": [{"from": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}},
                                        {"namespaceSelector": {"matchLabels": {"project": "myproject"}}},
                                        {"podSelector": {"matchLabels": {"role": "frontend"}}}],
                               "ports": [{"protocol": "TCP", "port": 6379}]}],
                  "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 5978}]}]}},
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": f"high-{tag}"},
         "value": 1000000, "description": "This priority class should be used for XYZ service pods only."},
        {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l1", "namespace": ns},
         "spec": {"holderIdentity": "me", "leaseDurationSeconds": 15}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": f"standard-{tag}"},
         "provisioner": "kubernetes.io/aws-ebs", "parameters": {"type": "gp2"}, "reclaimPolicy": "Retain",
         "allowVolumeExpansion": True, "mountOptions": ["debug"], "volumeBindingMode": "Immediate"},
        {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": f"{tag}.csi.example.com"},
         "spec": {"attachRequired": True, "podInfoOnMount": True, "volumeLifecycleModes": ["Persistent", "Ephemeral"]}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "CSINode", "metadata": {"name": f"node-{tag}"},
         "spec": {"drivers": [{"name": f"{tag}.csi.example.com", "nodeID": "node-1", "topologyKeys": ["zone"]}]}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment", "metadata": {"name": f"va-{tag}"},
         "spec": {"attacher": f"{tag}.csi.example.com", "nodeName": "node-1", "source": {"persistentVolumeName": "pv-1"}}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "CSIStorageCapacity", "metadata": {"name": "cap", "namespace": ns},
         "storageClassName": f"standard-{tag}", "capacity": "10Gi"},
        {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "ev", "namespace": ns},
         "eventTime": "2024-01-02T03:04:05.000000Z", "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
         "action": "Tested", "reason": "Testing", "type": "Normal", "note": "hello",
         "regarding": {"kind": "Pod", "name": "p", "namespace": ns}},
    ]


def _resource_arg(m: dict[str, Any]) -> str:
    group, _, version = m["apiVersion"].rpartition("/")
    plural = {"HorizontalPodAutoscaler": "horizontalpodautoscalers", "PodDisruptionBudget": "poddisruptionbudgets",
              "NetworkPolicy": "networkpolicies", "IngressClass": "ingressclasses", "PriorityClass": "priorityclasses",
              "StorageClass": "storageclasses", "CSIStorageCapacity": "csistoragecapacities", "Ingress": "ingresses"}
    resource = plural.get(m["kind"], m["kind"].lower() + "s")
    return f"{resource}.{version}.{group}" if group else f"{resource}.{version}"


def test_crud_every_kind_with_kubectl(kubectl: Kubectl, ns: str) -> None:
    for m in manifests(ns, suffix()):
        what = f"{m['kind']} ({m['apiVersion']})"
        resource, name = _resource_arg(m), m["metadata"]["name"]
        scope = ["-n", ns] if "namespace" in m["metadata"] else []
        apply_manifest(kubectl, m)
        got = json.loads(kubectl(*scope, "get", resource, name, "-o", "json"))
        assert got["apiVersion"] == m["apiVersion"] and got["kind"] == m["kind"], what
        assert got["metadata"]["uid"], what
        table = kubectl(*scope, "get", resource, name)
        assert table.splitlines()[0].startswith(("NAME", "LAST SEEN")), (what, table)
        kubectl(*scope, "patch", resource, name, "--type=merge", "-p", '{"metadata":{"labels":{"patched":"yes"}}}')
        assert kubectl(*scope, "get", resource, name, "-o", "jsonpath={.metadata.labels.patched}") == "yes", what
        # a full update (PUT) of what was read back
        got = json.loads(kubectl(*scope, "get", resource, name, "-o", "json"))
        got["metadata"].setdefault("annotations", {})["updated"] = "true"
        kubectl("replace", "-f", "-", input=json.dumps(got))
        assert kubectl(*scope, "get", resource, name, "-o", "jsonpath={.metadata.annotations.updated}") == "true", what
        kubectl(*scope, "delete", resource, name, "--wait=false")
        gone = kubectl.run(*scope, "get", resource, name, check=False)
        assert gone.returncode != 0 and "NotFound" in gone.stderr, (what, gone.stdout)


def test_tables_as_upstream_prints_them(kubectl: Kubectl, ns: str) -> None:
    tag = suffix()
    for m in manifests(ns, tag):
        apply_manifest(kubectl, m)
    headers = {
        "hpa": r"NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE",
        "pdb": r"NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE",
        "ingress": r"NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE",
        "netpol": r"NAME +POD-SELECTOR +AGE",
        "lease": r"NAME +HOLDER +AGE",
        "role": r"NAME +CREATED AT",
        "rolebinding": r"NAME +ROLE +AGE",
    }
    for resource, pattern in headers.items():
        out = kubectl("-n", ns, "get", resource)
        assert re.match(pattern, out.splitlines()[0]), (resource, out)
    wide = kubectl("-n", ns, "get", "rolebinding", "read-pods", "-o", "wide")
    assert re.match(r"NAME +ROLE +AGE +USERS +GROUPS +SERVICEACCOUNTS", wide.splitlines()[0]), wide
    assert re.search(r"read-pods +Role/reader +\S+ +jane", wide), wide
    hpa_line = kubectl("-n", ns, "get", "hpa", "h2").splitlines()[1]
    assert re.search(r"h2 +Deployment/web +cpu: <unknown>/50%, memory: <unknown>/100Mi \+ 1 more\.\.\. +2 +5 +0", hpa_line), hpa_line
    out = kubectl("get", "priorityclass", f"high-{tag}")
    assert re.search(rf"high-{tag} +1000000 +false +\S+ +PreemptLowerPriority", out), out
    out = kubectl("get", "storageclass", f"standard-{tag}")
    assert re.match(r"NAME +PROVISIONER +RECLAIMPOLICY +VOLUMEBINDINGMODE +ALLOWVOLUMEEXPANSION +AGE", out), out
    assert re.search(rf"standard-{tag} +kubernetes.io/aws-ebs +Retain +Immediate +true", out), out
    assert re.search(r"zk-pdb +N/A +1 +0", kubectl("-n", ns, "get", "pdb")), "pdb row"
    assert re.search(r"minimal-ingress +nginx-example +\* +80", kubectl("-n", ns, "get", "ingress"))
    assert re.search(r"test-network-policy +role=db", kubectl("-n", ns, "get", "netpol"))
    assert re.search(r"l1 +me", kubectl("-n", ns, "get", "lease"))
    for kind, name in (("clusterrolebinding", f"crb-{tag}"), ("clusterrole", f"agg-{tag}"), ("ingressclass", f"external-lb-{tag}"),
                       ("priorityclass", f"high-{tag}"), ("storageclass", f"standard-{tag}"), ("csidriver", f"{tag}.csi.example.com"),
                       ("csinode", f"node-{tag}"), ("volumeattachment", f"va-{tag}")):
        kubectl("delete", kind, name)


def test_defaults_and_validation_reach_clients(kubectl: Kubectl, ns: str) -> None:
    apply_manifest(kubectl, {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np", "namespace": ns},
                             "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}})
    assert kubectl("-n", ns, "get", "netpol", "np", "-o", "jsonpath={.spec.policyTypes} {.spec.egress[0].ports[0].protocol}") == \
        '["Ingress","Egress"] TCP'
    out = kubectl.fails("create", "-f", "-", input=yaml.safe_dump({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "both", "namespace": ns},
        "spec": {"minAvailable": 1, "maxUnavailable": 1, "selector": {"matchLabels": {"a": "b"}}}}))
    assert "minAvailable and maxUnavailable cannot be both set" in out
    out = kubectl.fails("create", "-f", "-", input=yaml.safe_dump({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "bad", "namespace": ns},
        "spec": {"rules": [{"http": {"paths": [{"path": "/x", "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}}))
    assert "pathType: Required value: pathType must be specified" in out
    kubectl("-n", ns, "create", "rolebinding", "rb", "--clusterrole=view", "--user=alice")
    out = kubectl.fails("-n", ns, "patch", "rolebinding", "rb", "--type=merge", "-p", '{"roleRef":{"name":"edit"}}')
    assert "cannot change roleRef" in out
    tag = suffix()
    kubectl("create", "priorityclass", f"pc-{tag}", "--value=10")
    try:
        out = kubectl.fails("patch", "priorityclass", f"pc-{tag}", "--type=merge", "-p", '{"value":11}')
        assert "may not be changed in an update" in out
        assert kubectl("get", "priorityclass", f"pc-{tag}", "-o", "jsonpath={.preemptionPolicy}") == "PreemptLowerPriority"
    finally:
        kubectl("delete", "priorityclass", f"pc-{tag}")
    kubectl("create", "-f", "-", input=yaml.safe_dump({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                                       "metadata": {"name": f"sc-{tag}"}, "provisioner": "example.com/p"}))
    try:
        assert kubectl("get", "sc", f"sc-{tag}", "-o", "jsonpath={.reclaimPolicy} {.volumeBindingMode}") == "Delete Immediate"
        out = kubectl.fails("patch", "sc", f"sc-{tag}", "--type=merge", "-p", '{"parameters":{"a":"b"}}')
        assert "updates to parameters are forbidden" in out
    finally:
        kubectl("delete", "sc", f"sc-{tag}")


# --- HorizontalPodAutoscaler in two versions

def test_hpa_created_in_v2_is_served_in_v1(api_client: client.ApiClient, ns: str) -> None:
    v1api, v2api = client.AutoscalingV1Api(api_client), client.AutoscalingV2Api(api_client)
    v2api.create_namespaced_horizontal_pod_autoscaler(ns, _namespaced(HPA_V2, ns))
    one = v1api.read_namespaced_horizontal_pod_autoscaler("h2", ns)
    assert one.spec.target_cpu_utilization_percentage == 50
    assert one.spec.min_replicas == 2 and one.status.desired_replicas == 0
    listed = v1api.list_namespaced_horizontal_pod_autoscaler(ns)
    assert [h.metadata.name for h in listed.items] == ["h2"]
    assert listed.items[0].api_version in (None, "autoscaling/v1")

    events: list[Any] = []

    def watch_v1() -> None:
        w = watch.Watch()
        for ev in w.stream(v1api.list_namespaced_horizontal_pod_autoscaler, ns,
                           resource_version=listed.metadata.resource_version, timeout_seconds=10):
            events.append(ev)
            w.stop()

    watcher = threading.Thread(target=watch_v1)
    watcher.start()
    # a v1 client changes what v1 can express; everything else stays
    v1api.patch_namespaced_horizontal_pod_autoscaler("h2", ns, {"spec": {"maxReplicas": 9, "targetCPUUtilizationPercentage": 60}})
    watcher.join(15)
    assert events and events[0]["type"] == "MODIFIED"
    assert events[0]["object"].spec.max_replicas == 9
    v2 = v2api.read_namespaced_horizontal_pod_autoscaler("h2", ns)
    assert v2.spec.max_replicas == 9
    metrics = api_client.sanitize_for_serialization(v2.spec.metrics)
    assert metrics[0]["resource"]["target"] == {"type": "Utilization", "averageUtilization": 60}
    assert metrics[1:] == HPA_V2["spec"]["metrics"][1:]
    behavior = api_client.sanitize_for_serialization(v2.spec.behavior)
    assert behavior["scaleDown"] == {"stabilizationWindowSeconds": 120, "selectPolicy": "Max",
                                     "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}
    assert not (v2.metadata.annotations or {}), "round-trip annotations never reach v2 clients"
    # a full v1 update of what v1 read keeps the v2-only fields too
    one = v1api.read_namespaced_horizontal_pod_autoscaler("h2", ns)
    one.spec.min_replicas = 3
    v1api.replace_namespaced_horizontal_pod_autoscaler("h2", ns, one)
    v2 = v2api.read_namespaced_horizontal_pod_autoscaler("h2", ns)
    assert v2.spec.min_replicas == 3 and len(v2.spec.metrics) == 3 and v2.spec.behavior.scale_down.stabilization_window_seconds == 120


def test_hpa_created_in_v1_is_served_in_v2(api_client: client.ApiClient, kubectl: Kubectl, ns: str) -> None:
    v1api, v2api = client.AutoscalingV1Api(api_client), client.AutoscalingV2Api(api_client)
    v1api.create_namespaced_horizontal_pod_autoscaler(ns, {
        "metadata": {"name": "h1"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 4}})
    v2 = v2api.read_namespaced_horizontal_pod_autoscaler("h1", ns)
    assert v2.spec.min_replicas == 1
    assert api_client.sanitize_for_serialization(v2.spec.metrics) == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    # v2 adds what v1 cannot say; v1 reads it back through the annotations and v2 keeps it
    kubectl("-n", ns, "patch", "horizontalpodautoscalers.v2.autoscaling", "h1", "--type=json", "-p", json.dumps([
        {"op": "add", "path": "/spec/metrics/-", "value": {"type": "Pods", "pods": {
            "metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}}}]))
    v1 = json.loads(kubectl("-n", ns, "get", "horizontalpodautoscalers.v1.autoscaling", "h1", "-o", "json"))
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 80
    assert "qps" in v1["metadata"]["annotations"]["autoscaling.alpha.kubernetes.io/metrics"]
    kubectl("-n", ns, "label", "horizontalpodautoscalers.v1.autoscaling", "h1", "via=v1")
    v2 = v2api.read_namespaced_horizontal_pod_autoscaler("h1", ns)
    assert [m.type for m in v2.spec.metrics] == ["Resource", "Pods"] and v2.metadata.labels == {"via": "v1"}
    # status written in v2 is readable in v1
    v2api.patch_namespaced_horizontal_pod_autoscaler_status("h1", ns, {"status": {
        "currentReplicas": 2, "desiredReplicas": 3,
        "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 42}}}]}})
    one = v1api.read_namespaced_horizontal_pod_autoscaler("h1", ns)
    assert (one.status.current_replicas, one.status.desired_replicas, one.status.current_cpu_utilization_percentage) == (2, 3, 42)
    line = kubectl("-n", ns, "get", "hpa", "h1").splitlines()[1]
    assert "cpu: 42%/80%" in line and line.split()[-2] == "2", line


# --- Events in two groups

def test_core_event_is_an_events_k8s_io_event(api_client: client.ApiClient, raw: Raw, kubectl: Kubectl, ns: str) -> None:
    core = client.CoreV1Api(api_client)
    core.create_namespaced_event(ns, {"metadata": {"name": "e1"}, "involvedObject": {"kind": "Pod", "name": "p", "namespace": ns},
                                      "reason": "Started", "message": "started it", "type": "Normal",
                                      "source": {"component": "kubelet"}, "count": 3})
    got = raw.get(f"/apis/events.k8s.io/v1/namespaces/{ns}/events/e1").json()
    assert got["apiVersion"] == "events.k8s.io/v1"
    assert got["regarding"] == {"kind": "Pod", "name": "p", "namespace": ns}
    assert (got["note"], got["deprecatedCount"], got["deprecatedSource"]) == ("started it", 3, {"component": "kubelet"})
    listed = raw.get(f"/apis/events.k8s.io/v1/namespaces/{ns}/events").json()
    assert [e["metadata"]["name"] for e in listed["items"]] == ["e1"]
    # created in events.k8s.io/v1, read through core/v1
    events = client.EventsV1Api(api_client)
    events.create_namespaced_event(ns, {
        "metadata": {"name": "e2"}, "eventTime": "2024-01-02T03:04:05.000000Z", "reportingController": "example.com/ctl",
        "reportingInstance": "ctl-1", "action": "Scale", "reason": "Scaled", "type": "Warning", "note": "scaled it",
        "regarding": {"kind": "Deployment", "name": "web", "namespace": ns}})
    e2 = core.read_namespaced_event("e2", ns)
    assert (e2.message, e2.reporting_component, e2.involved_object.name) == ("scaled it", "example.com/ctl", "web")
    assert events.read_namespaced_event("e2", ns).note == "scaled it"
    assert "Scaled" in kubectl("-n", ns, "get", "events.v1.events.k8s.io")
    # the newer API insists on its required fields
    with pytest.raises(client.ApiException) as info:
        events.create_namespaced_event(ns, {"metadata": {"name": "e3"}, "eventTime": "2024-01-02T03:04:05.000000Z",
                                            "regarding": {"kind": "Pod", "name": "p"}, "type": "Normal"})
    assert info.value.status == 422 and "reportingController: Required value" in info.value.body


# --- the review kinds

def test_kubectl_auth(kubectl: Kubectl) -> None:
    assert kubectl("auth", "can-i", "create", "pods").strip() == "yes"
    assert kubectl("auth", "can-i", "get", "/healthz").strip() == "yes"
    assert kubectl("auth", "can-i", "delete", "deployments.apps", "-n", "kube-system").strip() == "yes"
    who = kubectl("auth", "whoami")
    assert "kubernetes-admin" in who and "system:masters" in who
    who_json = json.loads(kubectl("auth", "whoami", "-o", "json"))
    assert who_json["kind"] == "SelfSubjectReview" and who_json["status"]["userInfo"]["username"] == "kubernetes-admin"
    listed = kubectl("auth", "can-i", "--list")
    assert "*.*" in listed


def test_review_kinds_with_the_client(api_client: client.ApiClient, kubelite: KubeliteProcess, raw: Raw) -> None:
    authz = client.AuthorizationV1Api(api_client)
    sar = authz.create_subject_access_review({"spec": {"user": "jane", "groups": ["devs"], "resourceAttributes": {
        "namespace": "default", "verb": "get", "resource": "pods"}}})
    assert sar.status.allowed is True
    ssar = authz.create_self_subject_access_review({"spec": {"nonResourceAttributes": {"path": "/version", "verb": "get"}}})
    assert ssar.status.allowed is True
    lsar = authz.create_namespaced_local_subject_access_review("default", {
        "metadata": {"namespace": "default"},
        "spec": {"user": "jane", "resourceAttributes": {"namespace": "default", "verb": "list", "resource": "secrets"}}})
    assert lsar.status.allowed is True
    rules = authz.create_self_subject_rules_review({"spec": {"namespace": "default"}})
    assert rules.status.incomplete is False and rules.status.resource_rules[0].verbs == ["*"]
    resp = raw.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", body={
        "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {"resourceAttributes": {"verb": "get"}}})
    assert resp.status_code == 422 and "at least one of user or group must be specified" in resp.json()["message"]
    token = (kubelite.data_dir / "admin.token").read_text().strip()
    authn = client.AuthenticationV1Api(api_client)
    tr = authn.create_token_review({"spec": {"token": token}})
    assert tr.status.authenticated is True and tr.status.user.username == "kubernetes-admin"
    assert not authn.create_token_review({"spec": {"token": "not-a-token"}}).status.authenticated
    resp = raw.post("/apis/authentication.k8s.io/v1/tokenreviews", body={"apiVersion": "authentication.k8s.io/v1",
                                                                        "kind": "TokenReview", "spec": {"token": token}})
    assert resp.status_code == 201


def test_service_proxy_targets_with_scheme_and_port(kubelite: KubeliteProcess, kubectl: Kubectl, ns: str) -> None:
    # kubectl proxy and dashboards address services as [scheme:]name[:port]; kubelite has
    # no node network, so an existing service answers 503 and a missing one 404, as names.
    kubectl("create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns)
    raw = raw_for(kubelite)
    for target in ("web", "web:80", "http:web:80", "https:web:"):
        expect_status(raw.get(f"/api/v1/namespaces/{ns}/services/{target}/proxy/"), 503, "ServiceUnavailable")
    expect_status(raw.get(f"/api/v1/namespaces/{ns}/services/nothere:80/proxy/"), 404, "NotFound")
    expect_status(raw.get(f"/api/v1/namespaces/{ns}/services/a:b:c:d/proxy/"), 400, "BadRequest")
