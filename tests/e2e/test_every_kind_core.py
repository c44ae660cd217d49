"""Every built-in kind of the core group ("") against a real `kubelite serve`, from
manifests upstream accepts (tests/e2e/manifests/core): kubectl creates each one, reads
it back with the defaults a 1.33 kube-apiserver sets, prints it with upstream's columns
(and `-o wide`), the `kubernetes` client reads, replaces and patches it, and kubectl
deletes it until a read answers 404. Binding and ComponentStatus, which cannot be
stored or changed, get their own tests, and so do the Event field selectors of both
groups."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client

from tests.e2e.conftest import Kubectl
from tests.e2e.helpers import table_columns, wait_until_not_found

MANIFESTS = Path(__file__).parent / "manifests" / "core"
Obj = dict[str, Any]

DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]
NODE_INFO_KEYS = ("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
                  "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture")


# --- the defaults a 1.33 kube-apiserver adds to each manifest -------------------------------------


def pod_defaults(pod: Obj) -> None:
    spec = pod["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["terminationGracePeriodSeconds"]) == ("Always", "ClusterFirst", 30)
    assert (spec["schedulerName"], spec["enableServiceLinks"], spec["securityContext"]) == ("default-scheduler", True, {"fsGroup": 2000})
    assert (spec["serviceAccountName"], spec["serviceAccount"], spec["priority"]) == ("default", "default", 0)
    assert spec["preemptionPolicy"] == "PreemptLowerPriority"
    assert spec["tolerations"] == DEFAULT_TOLERATIONS
    nginx, init = spec["containers"][0], spec["initContainers"][0]
    for c in (nginx, init):
        assert (c["imagePullPolicy"], c["terminationMessagePath"], c["terminationMessagePolicy"]) == (
            "IfNotPresent", "/dev/termination-log", "File")
    assert init["resources"] == {}
    assert nginx["ports"] == [{"containerPort": 80, "name": "http-web-svc", "protocol": "TCP"}]
    assert nginx["livenessProbe"] == {
        "httpGet": {"path": "/healthz", "port": 80, "scheme": "HTTP", "httpHeaders": [{"name": "Custom-Header", "value": "Awesome"}]},
        "initialDelaySeconds": 3, "periodSeconds": 3, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
    assert nginx["readinessProbe"] == {"tcpSocket": {"port": "http-web-svc"}, "initialDelaySeconds": 5, "periodSeconds": 10,
                                       "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
    assert nginx["env"][0]["valueFrom"]["fieldRef"] == {"apiVersion": "v1", "fieldPath": "metadata.name"}
    assert nginx["resources"] == {"requests": {"memory": "64Mi", "cpu": "250m"}, "limits": {"memory": "128Mi", "cpu": "500m"}}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["config"]["configMap"] == {"name": "nginx-conf", "optional": True, "defaultMode": 420}
    assert volumes["workdir"]["emptyDir"] == {}
    assert pod["status"] == {"phase": "Pending", "qosClass": "Burstable"}


def pod_template_defaults(obj: Obj) -> None:
    spec = obj["template"]["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["terminationGracePeriodSeconds"]) == ("Always", "ClusterFirst", 30)
    assert (spec["schedulerName"], spec["securityContext"]) == ("default-scheduler", {})
    # What only a Pod gets (service account, tolerations, priority, service links) a template does not.
    for pod_only in ("serviceAccountName", "tolerations", "priority", "enableServiceLinks", "preemptionPolicy"):
        assert pod_only not in spec, pod_only
    c = spec["containers"][0]
    assert (c["imagePullPolicy"], c["resources"], c["ports"][0]["protocol"]) == ("IfNotPresent", {}, "TCP")
    assert obj["metadata"]["generation"] == 1


def rc_defaults(rc: Obj) -> None:
    assert rc["metadata"]["labels"] == {"app": "nginx"}  # from the template's labels
    assert rc["spec"]["selector"] == {"app": "nginx"} and rc["spec"]["replicas"] == 3
    c = rc["spec"]["template"]["spec"]["containers"][0]
    assert c["imagePullPolicy"] == "Always"  # "nginx" has no tag: latest
    assert rc["status"] == {"replicas": 0} and rc["metadata"]["generation"] == 1


def service_defaults(svc: Obj) -> None:
    spec = svc["spec"]
    assert (spec["type"], spec["sessionAffinity"], spec["internalTrafficPolicy"]) == ("ClusterIP", "None", "Cluster")
    assert ipaddress.ip_address(spec["clusterIP"]) in ipaddress.ip_network("10.96.0.0/12")
    assert spec["clusterIPs"] == [spec["clusterIP"]]
    assert (spec["ipFamilies"], spec["ipFamilyPolicy"]) == (["IPv4"], "SingleStack")
    assert spec["ports"] == [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 9376},
                             {"name": "https", "protocol": "TCP", "port": 443, "targetPort": 9377}]
    assert svc["status"] == {"loadBalancer": {}}


def endpoints_defaults(ep: Obj) -> None:
    assert ep["subsets"] == [{"addresses": [{"ip": "192.0.2.42"}, {"ip": "192.0.2.43"}], "ports": [{"port": 9376, "protocol": "TCP"}]}]


def configmap_defaults(cm: Obj) -> None:
    assert cm["data"]["player_initial_lives"] == "3" and cm["binaryData"] == {"logo.png": "iVBORw0KGgo="}


def secret_defaults(secret: Obj) -> None:
    # stringData is write-only: merged into data, base64-encoded.
    assert secret["data"] == {"username": base64.b64encode(b"admin").decode(), "password": "dDBwLVNlY3JldA=="}
    assert "stringData" not in secret and secret["type"] == "kubernetes.io/basic-auth"


def service_account_defaults(sa: Obj) -> None:
    assert sa["automountServiceAccountToken"] is False and sa["imagePullSecrets"] == [{"name": "myregistrykey"}]
    assert "secrets" not in sa  # no token Secrets are generated since 1.24


def namespace_defaults(ns: Obj) -> None:
    assert ns["metadata"]["labels"]["kubernetes.io/metadata.name"] == ns["metadata"]["name"]
    assert ns["spec"] == {"finalizers": ["kubernetes"]} and ns["status"] == {"phase": "Active"}


def node_defaults(node: Obj) -> None:
    # A Node keeps the status it is created with; the Go structs that are not pointers always print.
    status = node["status"]
    assert status["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 0}}
    assert status["nodeInfo"] == dict.fromkeys(NODE_INFO_KEYS, "")
    assert node["spec"]["taints"] == [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]


def pv_defaults(pv: Obj) -> None:
    spec = pv["spec"]
    assert (spec["persistentVolumeReclaimPolicy"], spec["volumeMode"], spec["hostPath"]) == ("Retain", "Filesystem", {"path": "/mnt/data", "type": ""})
    assert pv["status"]["phase"] == "Pending" and pv["status"]["lastPhaseTransitionTime"]


def pvc_defaults(pvc: Obj) -> None:
    assert pvc["spec"]["volumeMode"] == "Filesystem" and pvc["status"] == {"phase": "Pending"}


def limit_range_defaults(lr: Obj) -> None:
    # SetDefaults_LimitRangeItem: default <- max, defaultRequest <- default.
    assert lr["spec"]["limits"] == [{"type": "Container", "max": {"cpu": "800m"}, "min": {"cpu": "200m"},
                                     "default": {"cpu": "800m"}, "defaultRequest": {"cpu": "800m"}}]


def quota_defaults(quota: Obj) -> None:
    assert quota["spec"]["hard"] == {"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi",
                                     "requests.nvidia.com/gpu": "4"}
    assert quota["status"] == {}


def event_defaults(ev: Obj) -> None:
    assert ev["involvedObject"]["fieldPath"] == "spec.containers{nginx}" and ev["count"] == 3
    # Fields of the Go struct without omitempty (or structs) print even when unset.
    assert (ev["eventTime"], ev["reportingComponent"], ev["reportingInstance"]) == (None, "", "")


def events_v1_defaults(ev: Obj) -> None:
    assert ev["regarding"]["kind"] == "Deployment" and ev["note"].startswith("Scaled up")
    assert (ev["deprecatedSource"], ev["deprecatedFirstTimestamp"], ev["deprecatedLastTimestamp"]) == ({}, None, None)


# --- the changes each test makes through the client -------------------------------------------------


def set_image(path: tuple[str, ...], image: str) -> Callable[[Obj], None]:
    def change(obj: Obj) -> None:
        spec = obj
        for key in path:
            spec = spec[key]
        spec["containers"][0]["image"] = image
    return change


def set_in(path: tuple[str | int, ...], value: Any) -> Callable[[Obj], None]:
    def change(obj: Obj) -> None:
        target: Any = obj
        for key in path[:-1]:
            target = target[key] if isinstance(key, int) else target.setdefault(key, {})
        target[path[-1]] = value
    return change


def add_address(ep: Obj) -> None:
    ep["subsets"][0]["addresses"].append({"ip": "192.0.2.44"})


@dataclass(frozen=True)
class Kind:
    kind: str
    file: str
    resource: str
    name: str
    snake: str  # the client's method stem: read_namespaced_<snake>, replace_<snake>, ...
    columns: tuple[str, ...]
    defaults: Callable[[Obj], None]
    change: Callable[[Obj], None]
    changed: tuple[str, Any]  # (jsonpath, value) after the replace
    wide: tuple[str, ...] = ()
    row: str = ""  # a regular expression the printed row matches
    scope: str = "test"  # "test": the test's namespace, "cluster", or a fixed namespace
    verb: str = "apply"
    api: str = "CoreV1Api"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.file.removesuffix(".yaml")


KINDS = [
    Kind("Pod", "pod.yaml", "pods", "nginx", "pod",
         ("NAME", "READY", "STATUS", "RESTARTS", "AGE"), pod_defaults,
         set_image(("spec",), "nginx:1.16.1"), ("{.spec.containers[0].image}", "nginx:1.16.1"),
         wide=("IP", "NODE", "NOMINATED NODE", "READINESS GATES"),
         row=r"^nginx\s+0/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>$"),
    Kind("PodTemplate", "podtemplate.yaml", "podtemplates", "web-template", "pod_template",
         ("NAME", "CONTAINERS", "IMAGES", "POD LABELS"), pod_template_defaults,
         set_image(("template", "spec"), "registry.k8s.io/nginx-slim:0.9"), ("{.metadata.generation}", "2"),
         row=r"^web-template\s+web\s+registry.k8s.io/nginx-slim:0.8\s+app=web,tier=frontend$"),
    Kind("ReplicationController", "replicationcontroller.yaml", "replicationcontrollers", "nginx", "replication_controller",
         ("NAME", "DESIRED", "CURRENT", "READY", "AGE"), rc_defaults,
         set_in(("spec", "replicas"), 2), ("{.spec.replicas} {.metadata.generation}", "2 2"),
         wide=("CONTAINERS", "IMAGES", "SELECTOR"), row=r"^nginx\s+3\s+0\s+0\s+\S+\s+nginx\s+nginx\s+app=nginx$"),
    Kind("Service", "service.yaml", "services", "my-service", "service",
         ("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), service_defaults,
         set_in(("spec", "sessionAffinity"), "ClientIP"), ("{.spec.sessionAffinityConfig.clientIP.timeoutSeconds}", "10800"),
         wide=("SELECTOR",), row=r"^my-service\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80/TCP,443/TCP\s+\S+\s+app.kubernetes.io/name=MyApp$"),
    Kind("Endpoints", "endpoints.yaml", "endpoints", "my-service", "endpoints",
         ("NAME", "ENDPOINTS", "AGE"), endpoints_defaults,
         add_address, ("{.subsets[0].addresses[2].ip}", "192.0.2.44"),
         row=r"^my-service\s+192\.0\.2\.42:9376,192\.0\.2\.43:9376\s+\S+$"),
    Kind("ConfigMap", "configmap.yaml", "configmaps", "game-demo", "config_map",
         ("NAME", "DATA", "AGE"), configmap_defaults,
         set_in(("data", "player_initial_lives"), "5"), ("{.data.player_initial_lives}", "5"),
         row=r"^game-demo\s+5\s+\S+$"),
    Kind("Secret", "secret.yaml", "secrets", "secret-basic-auth", "secret",
         ("NAME", "TYPE", "DATA", "AGE"), secret_defaults,
         set_in(("data", "password"), base64.b64encode(b"changed").decode()), ("{.data.password}", "Y2hhbmdlZA=="),
         row=r"^secret-basic-auth\s+kubernetes.io/basic-auth\s+2\s+\S+$"),
    Kind("ServiceAccount", "serviceaccount.yaml", "serviceaccounts", "build-robot", "service_account",
         ("NAME", "SECRETS", "AGE"), service_account_defaults,
         set_in(("automountServiceAccountToken",), True), ("{.automountServiceAccountToken}", "true"),
         row=r"^build-robot\s+0\s+\S+$"),
    Kind("Namespace", "namespace.yaml", "namespaces", "core-e2e-development", "namespace",
         ("NAME", "STATUS", "AGE"), namespace_defaults,
         set_in(("metadata", "labels", "name"), "staging"), ("{.metadata.labels.name}", "staging"),
         row=r"^core-e2e-development\s+Active\s+\S+$", scope="cluster"),
    Kind("Node", "node.yaml", "nodes", "core-e2e-node-1", "node",
         ("NAME", "STATUS", "ROLES", "AGE", "VERSION"), node_defaults,
         set_in(("spec", "unschedulable"), True), ("{.spec.unschedulable}", "true"),
         wide=("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"),
         row=r"^core-e2e-node-1\s+Unknown\s+worker\s+\S+\s+<none>\s+<none>\s+<unknown>\s+<unknown>\s+<unknown>$",
         scope="cluster", verb="create"),
    Kind("PersistentVolume", "persistentvolume.yaml", "persistentvolumes", "core-e2e-task-pv-volume", "persistent_volume",
         ("NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS",
          "REASON", "AGE"), pv_defaults,
         set_in(("spec", "persistentVolumeReclaimPolicy"), "Delete"), ("{.spec.persistentVolumeReclaimPolicy}", "Delete"),
         wide=("VOLUMEMODE",), row=r"^core-e2e-task-pv-volume\s+10Gi\s+RWO\s+Retain\s+Pending\s+manual\s+<unset>\s+\S+\s+Filesystem$",
         scope="cluster"),
    Kind("PersistentVolumeClaim", "persistentvolumeclaim.yaml", "persistentvolumeclaims", "task-pv-claim", "persistent_volume_claim",
         ("NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"), pvc_defaults,
         # The spec of an unbound claim is immutable: the update changes metadata.
         set_in(("metadata", "annotations", "example.com/owner"), "team-a"), ("{.metadata.annotations.example\\.com/owner}", "team-a"),
         wide=("VOLUMEMODE",), row=r"^task-pv-claim\s+Pending\s+manual\s+<unset>\s+\S+\s+Filesystem$"),
    Kind("LimitRange", "limitrange.yaml", "limitranges", "cpu-min-max-demo-lr", "limit_range",
         ("NAME", "CREATED AT"), limit_range_defaults,
         set_in(("spec", "limits", 0, "max", "cpu"), "1"), ("{.spec.limits[0].max.cpu}", "1"),
         row=r"^cpu-min-max-demo-lr\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"),
    Kind("ResourceQuota", "resourcequota.yaml", "resourcequotas", "compute-resources", "resource_quota",
         ("NAME", "REQUEST", "LIMIT", "AGE"), quota_defaults,
         set_in(("spec", "hard", "pods"), "10"), ("{.spec.hard.pods}", "10"),
         row=r"^compute-resources\s+\S+$"),
    Kind("Event", "event.yaml", "events", "nginx.17c3a1b2d4e5f6a7", "event",
         ("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"), event_defaults,
         set_in(("count",), 4), ("{.count}", "4"),
         wide=("LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"),
         row=r"^\d\S*\s+Normal\s+Pulled\s+pod/nginx\s+spec.containers\{nginx\}\s+kubelet, node-1\s+"
             r"Container image \"nginx:1.14.2\" already present on machine\s+\S+\s+3\s+nginx.17c3a1b2d4e5f6a7$",
         scope="default"),
    Kind("Event", "event-events.k8s.io.yaml", "events.v1.events.k8s.io", "web.17c3a1b2d4e5f6b8", "event",
         ("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"), events_v1_defaults,
         set_in(("series",), {"count": 2, "lastObservedTime": "2024-05-01T10:03:00.000000Z"}), ("{.series.count}", "2"),
         wide=("LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"),
         row=r"^\d\S*\s+Normal\s+ScalingReplicaSet\s+deployment/web\s+kubernetes.io/kubelet, kubelet-node-1\s+"
             r"Scaled up replica set web-5d8c6b7f9 to 3\s+\d\S*\s+1\s+web.17c3a1b2d4e5f6b8$",
         scope="default", verb="create", api="EventsV1Api"),
]


def _client_call(api_client: client.ApiClient, kind: Kind, verb: str, ns: str | None) -> Callable[..., Any]:
    api = getattr(client, kind.api)(api_client)
    if ns is None:
        call: Callable[..., Any] = getattr(api, f"{verb}_{kind.snake}")
        return call
    method = getattr(api, f"{verb}_namespaced_{kind.snake}")
    return lambda *args, **kw: method(*args[:1], ns, *args[1:], **kw)


@pytest.mark.parametrize("kind", KINDS, ids=[k.id for k in KINDS])
def test_create_read_update_delete(kind: Kind, kubectl: Kubectl, api_client: client.ApiClient, namespace: str) -> None:
    ns = {"test": namespace, "cluster": None}.get(kind.scope, kind.scope)
    scope = ["-n", ns] if ns else []
    manifest = MANIFESTS / kind.file
    assert yaml.safe_load(manifest.read_text())["metadata"]["name"] == kind.name

    # create (client-side apply, or create) and read back with the server's defaults
    created = kubectl(*scope, kind.verb, "-f", str(manifest))
    assert kind.name in created
    obj = json.loads(kubectl(*scope, "get", kind.resource, kind.name, "-o", "json"))
    assert obj["kind"] == kind.kind and obj["metadata"]["uid"] and obj["metadata"]["resourceVersion"]
    kind.defaults(obj)

    # print as upstream's printers do
    table = kubectl(*scope, "get", kind.resource, kind.name).splitlines()
    assert table_columns(table[0]) == list(kind.columns), table
    wide = kubectl(*scope, "get", kind.resource, kind.name, "-o", "wide").splitlines()
    expected_wide = list(kind.wide) if kind.wide[:1] == kind.columns[:1] else [*kind.columns, *kind.wide]
    assert table_columns(wide[0]) == expected_wide, wide
    assert re.match(kind.row, wide[1]), wide[1]

    # read, change and replace it with the client; then patch it
    read = _client_call(api_client, kind, "read", ns)
    body = api_client.sanitize_for_serialization(read(kind.name))
    kind.change(body)
    _client_call(api_client, kind, "replace", ns)(kind.name, body)
    path, value = kind.changed
    assert kubectl(*scope, "get", kind.resource, kind.name, "-o", f"jsonpath={path}") == str(value)
    _client_call(api_client, kind, "patch", ns)(kind.name, {"metadata": {"labels": {"patched": "yes"}}})
    assert read(kind.name).metadata.labels["patched"] == "yes"

    # delete until gone
    kubectl(*scope, "delete", kind.resource, kind.name, "--wait=false")
    wait_until_not_found(read, kind.name, f"{kind.kind} {kind.name}")


def test_binding_assigns_a_pod_to_a_node(kubectl: Kubectl, api_client: client.ApiClient, namespace: str) -> None:
    core = client.CoreV1Api(api_client)
    kubectl("-n", namespace, "apply", "-f", str(MANIFESTS / "pod.yaml"))
    # The server answers a binding with a Status (as upstream), which kubectl names "status/<unknown>".
    assert "created" in kubectl("-n", namespace, "create", "-f", str(MANIFESTS / "binding.yaml"))
    pod = api_client.sanitize_for_serialization(core.read_namespaced_pod("nginx", namespace))
    assert pod["spec"]["nodeName"] == "core-e2e-node-1"
    assert [(c["type"], c["status"]) for c in pod["status"]["conditions"]] == [("PodScheduled", "True")]
    # A pod is bound once; bindings are created, never read.
    again = kubectl.fails("-n", namespace, "create", "-f", str(MANIFESTS / "binding.yaml"))
    assert 'pod nginx is already assigned to node "core-e2e-node-1"' in again
    assert "(MethodNotAllowed)" in kubectl.fails("-n", namespace, "get", "bindings")
    assert "(NotFound)" in kubectl.fails("-n", namespace, "create", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "missing"}, "target": {"kind": "Node", "name": "n"}}))


def test_component_statuses_are_read_only(kubectl: Kubectl, api_client: client.ApiClient) -> None:
    table = kubectl("get", "componentstatuses").splitlines()
    assert table_columns(table[0]) == ["NAME", "STATUS", "MESSAGE", "ERROR"]
    assert any(re.match(r"^etcd-0\s+Healthy\s+ok$", line.strip()) for line in table[1:]), table
    etcd = json.loads(kubectl("get", "cs", "etcd-0", "-o", "json"))
    assert etcd["kind"] == "ComponentStatus" and etcd["conditions"][0] == {"type": "Healthy", "status": "True", "message": "ok"}
    listed = api_client.sanitize_for_serialization(client.CoreV1Api(api_client).list_component_status())
    assert "etcd-0" in [cs["metadata"]["name"] for cs in listed["items"]]
    refused = kubectl.fails("create", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "ComponentStatus", "metadata": {"name": "x"}, "conditions": []}))
    assert "MethodNotAllowed" in refused or "does not allow this method" in refused
    # upstream's componentstatus REST answers an unknown name with a plain error: a 500
    assert "Component not found: scheduler-x" in kubectl.fails("get", "cs", "scheduler-x")


def test_event_field_selectors_in_both_groups(kubectl: Kubectl, namespace: str) -> None:
    """core/v1 selects on involvedObject.*, reason, reportingComponent, source and type;
    events.k8s.io/v1 on the same stored fields under its own names (regarding.*,
    reportingController), as upstream's field label conversions for each version."""
    for name, ref, extra in (
        ("pulled", {"kind": "Pod", "name": "web-0"}, {"reason": "Pulled", "type": "Normal", "source": {"component": "kubelet"}}),
        ("scaled", {"kind": "Deployment", "name": "web"}, {"reason": "ScalingReplicaSet", "type": "Normal",
                                                            "source": {"component": "deployment-controller"}}),
        ("failed", {"kind": "Pod", "name": "web-1"}, {"reason": "Failed", "type": "Warning",
                                                      "reportingComponent": "kubelet", "reportingInstance": "node-1"}),
    ):
        kubectl("-n", namespace, "create", "-f", "-", input=json.dumps({
            "apiVersion": "v1", "kind": "Event", "metadata": {"name": name},
            "involvedObject": {**ref, "namespace": namespace, "apiVersion": "v1"}, "message": name, **extra}))

    def names(resource: str, selector: str) -> list[str]:
        out = kubectl("-n", namespace, "get", resource, "--field-selector", selector, "-o", "jsonpath={.items[*].metadata.name}")
        return sorted(out.split())

    core, new = "events", "events.v1.events.k8s.io"
    assert names(core, "involvedObject.kind=Pod") == ["failed", "pulled"]
    assert names(core, "involvedObject.name=web,reason=ScalingReplicaSet") == ["scaled"]
    assert names(core, "type=Warning") == ["failed"]
    assert names(core, "source=kubelet") == ["failed", "pulled"]  # source falls back to reportingComponent
    assert names(core, "reportingComponent=kubelet") == ["failed"]
    assert names(core, "metadata.name!=pulled,type!=Warning") == ["scaled"]
    assert names(new, "regarding.kind=Pod") == ["failed", "pulled"]
    assert names(new, "regarding.name=web") == ["scaled"]
    assert names(new, "reportingController=kubelet,type=Warning") == ["failed"]
    assert names(new, "reason=Pulled") == ["pulled"]
    assert "field label not supported: spec.foo" in kubectl.fails("-n", namespace, "get", core, "--field-selector", "spec.foo=x")


INVALID = [
    ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"}, "spec": {"containers": [{"name": "app"}]}},
     'The Pod "bad" is invalid: spec.containers[0].image: Required value'),
    ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"}, "spec": {"containers": [
        {"name": "app", "image": "nginx", "readinessProbe": {"tcpSocket": {"port": 80}, "terminationGracePeriodSeconds": 5}}]}},
     "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"),
    ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bad"}, "data": {"bad key": "v"}},
     "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'"),
    ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bad"}, "type": "kubernetes.io/tls", "data": {"tls.crt": ""}},
     'The Secret "bad" is invalid: data[tls.key]: Required value'),
    ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bad"}, "data": {"a": "YWJj*"}},
     'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4'),
    ({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "bad"},
      "spec": {"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]}},
     "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"),
    ({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "core-e2e-bad"}, "spec": {"finalizers": ["cleanup"]}},
     'spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'),
    ({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "core-e2e-bad"},
      "spec": {"taints": [{"key": "k", "effect": "Sometimes"}]}},
     'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'),
]


@pytest.mark.parametrize(("manifest", "message"), INVALID, ids=[f"{m['kind']}-{i}" for i, (m, _) in enumerate(INVALID)])
def test_invalid_manifests_are_refused_in_upstream_words(manifest: Obj, message: str, kubectl: Kubectl, namespace: str) -> None:
    scope = [] if manifest["kind"] in ("Namespace", "Node") else ["-n", namespace]
    out = kubectl.fails(*scope, "create", "-f", "-", input=json.dumps(manifest))
    assert message in out, out


def test_deprecated_resources_warn_on_every_request(kubectl: Kubectl, namespace: str) -> None:
    # As upstream 1.33: kubectl prints the server's Warning header for every request.
    for args in (("get", "endpoints"), ("get", "endpoints", "-o", "json"), ("get", "componentstatuses")):
        proc = kubectl.run("-n", namespace, *args)
        assert "Warning: v1 " in proc.stderr, (args, proc.stderr)
    assert "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice" in kubectl.run("-n", namespace, "get", "ep").stderr
    assert "v1 ComponentStatus is deprecated in v1.19+" in kubectl.run("get", "cs").stderr
    assert "deprecated" not in kubectl.run("-n", namespace, "get", "endpointslices").stderr
