"""Workloads, services and nodes against a real `kubelite serve`, with kubectl and the
`kubernetes` client: one object of each kind created from a manifest upstream accepts,
read back with upstream's defaults, updated, printed and deleted; cluster IP and node
port allocation (conflicts, release, restart); binding, eviction and the system objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from kubernetes import client

from tests.e2e.conftest import Kubectl
from tests.e2e.helpers import api_exception, exc_status, raw_for, wait_for
from tests.e2e.server import KubeliteProcess

CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the "
    "internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."
)


def get_json(kubectl: Kubectl, *args: str) -> Any:
    return json.loads(kubectl("get", *args, "-o", "json"))


def header(kubectl: Kubectl, *args: str) -> list[str]:
    return kubectl("get", *args).splitlines()[0].split()


# --- system objects --------------------------------------------------------------------------------


def test_kubernetes_service_endpoints_and_priority_classes(kubectl: Kubectl, kubelite: KubeliteProcess) -> None:
    host, port = kubelite.server_url.removeprefix("https://").rsplit(":", 1)
    svc = get_json(kubectl, "-n", "default", "service", "kubernetes")
    assert svc["metadata"]["labels"] == {"component": "apiserver", "provider": "kubernetes"}
    assert svc["spec"]["clusterIP"] == "10.96.0.1"
    assert svc["spec"]["ports"] == [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": int(port)}]
    eps = get_json(kubectl, "-n", "default", "endpoints", "kubernetes")
    assert eps["subsets"] == [{"addresses": [{"ip": host}], "ports": [{"name": "https", "port": int(port), "protocol": "TCP"}]}]
    eslice = get_json(kubectl, "-n", "default", "endpointslices.discovery.k8s.io", "kubernetes")
    assert eslice["addressType"] == "IPv4" and eslice["endpoints"][0]["addresses"] == [host]
    assert eslice["metadata"]["labels"]["kubernetes.io/service-name"] == "kubernetes"
    classes = {pc["metadata"]["name"]: pc for pc in get_json(kubectl, "priorityclasses")["items"]}
    assert classes["system-node-critical"]["value"] == 2000001000
    assert classes["system-cluster-critical"]["value"] == 2000000000
    assert classes["system-cluster-critical"]["description"] == (
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.")
    status = {cs["metadata"]["name"]: cs["conditions"][0]["status"] for cs in get_json(kubectl, "componentstatuses")["items"]}
    assert status == {"controller-manager": "True", "etcd-0": "True"}


def test_local_api_services(kubectl: Kubectl) -> None:
    # kube-aggregator registers one local, always-available APIService per built-in group version.
    services = {a["metadata"]["name"]: a for a in get_json(kubectl, "apiservices")["items"]}
    assert {"v1.", "v1.apps", "v2.autoscaling", "v1.autoscaling", "v1.flowcontrol.apiserver.k8s.io"} <= set(services)
    assert services["v1.apps"]["spec"] == {"group": "apps", "version": "v1", "groupPriorityMinimum": 17800, "versionPriority": 15}
    assert services["v2.autoscaling"]["spec"]["versionPriority"] > services["v1.autoscaling"]["spec"]["versionPriority"]
    (available,) = services["v1."]["status"]["conditions"]
    assert (available["type"], available["status"], available["reason"]) == ("Available", "True", "Local")
    rows = kubectl("get", "apiservices", "v1.apps").splitlines()
    assert rows[1].split()[:3] == ["v1.apps", "Local", "True"]


def test_service_cidr_and_ip_addresses(kubectl: Kubectl, namespace: str) -> None:
    # 1.33 allocates ClusterIPs from ServiceCIDRs and records each in an IPAddress.
    cidr = get_json(kubectl, "servicecidrs", "kubernetes")
    assert cidr["spec"]["cidrs"] == ["10.96.0.0/12"] and cidr["metadata"]["finalizers"] == ["networking.k8s.io/service-cidr-finalizer"]
    assert [(c["type"], c["status"], c["message"]) for c in cidr["status"]["conditions"]] == [
        ("Ready", "True", "Kubernetes Service CIDR is ready")]
    kubectl("-n", namespace, "create", "service", "clusterip", "web", "--tcp=80:8080")
    ip = get_json(kubectl, "-n", namespace, "service", "web")["spec"]["clusterIP"]
    address = wait_for(lambda: get_json(kubectl, "ipaddress", ip) if kubectl.run("get", "ipaddress", ip, check=False).returncode == 0 else None,
                       what="IPAddress of the service")
    assert address["spec"]["parentRef"] == {"resource": "services", "namespace": namespace, "name": "web"}
    assert address["metadata"]["labels"] == {"ipaddress.kubernetes.io/ip-family": "IPv4",
                                             "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io"}
    kubectl("-n", namespace, "delete", "service", "web")
    wait_for(lambda: kubectl.run("get", "ipaddress", ip, check=False).returncode != 0, what="IPAddress released")
    assert get_json(kubectl, "ipaddress", "10.96.0.1")["spec"]["parentRef"]["name"] == "kubernetes"


def test_default_service_account_and_root_ca_in_every_namespace(kubectl: Kubectl, kubelite: KubeliteProcess, namespace: str) -> None:
    wait_for(lambda: kubectl.run("-n", namespace, "get", "serviceaccount", "default", check=False).returncode == 0,
             what="default service account")
    cm = wait_for(lambda: kubectl.run("-n", namespace, "get", "configmap", "kube-root-ca.crt", "-o", "json", check=False).stdout,
                  what="kube-root-ca.crt")
    cm = json.loads(cm)
    assert cm["data"]["ca.crt"] == (kubelite.data_dir / "ca.crt").read_text()
    assert cm["metadata"]["annotations"]["kubernetes.io/description"] == CA_DESCRIPTION
    kubectl("-n", namespace, "delete", "serviceaccount", "default")
    kubectl("-n", namespace, "delete", "configmap", "kube-root-ca.crt")
    wait_for(lambda: kubectl.run("-n", namespace, "get", "serviceaccount", "default", check=False).returncode == 0,
             what="default service account recreated")
    wait_for(lambda: kubectl.run("-n", namespace, "get", "configmap", "kube-root-ca.crt", check=False).returncode == 0,
             what="kube-root-ca.crt recreated")
    kubectl("-n", namespace, "patch", "configmap", "kube-root-ca.crt", "--type=merge", "-p", '{"data":{"ca.crt":"tampered"}}')
    wait_for(lambda: kubectl("-n", namespace, "get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}").startswith("-----BEGIN"),
             what="kube-root-ca.crt data restored")


# --- services ----------------------------------------------------------------------------------------

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: web, namespace: NS}
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: https, port: 443}
"""


def test_service_defaults_allocation_printing_and_release(kubectl: Kubectl, namespace: str, tmp_path: Path) -> None:
    manifest = tmp_path / "svc.yaml"
    manifest.write_text(SERVICE.replace("NS", namespace))
    kubectl("apply", "-f", str(manifest))
    svc = get_json(kubectl, "-n", namespace, "svc", "web")
    spec = svc["spec"]
    assert spec["sessionAffinity"] == "None" and spec["externalTrafficPolicy"] == "Cluster"
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"
    assert spec["clusterIPs"] == [spec["clusterIP"]]
    assert [p["targetPort"] for p in spec["ports"]] == [8080, 443]
    node_ports = [p["nodePort"] for p in spec["ports"]]
    assert all(30000 <= p <= 32767 for p in node_ports)
    assert svc["status"] == {"loadBalancer": {}}
    # Re-applying the original manifest keeps the allocations.
    kubectl("replace", "-f", str(manifest))
    again = get_json(kubectl, "-n", namespace, "svc", "web")["spec"]
    assert again["clusterIP"] == spec["clusterIP"] and [p["nodePort"] for p in again["ports"]] == node_ports
    assert header(kubectl, "-n", namespace, "svc", "web", "-o", "wide") == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    row = kubectl("-n", namespace, "get", "svc", "web", "--no-headers").split()
    assert row[:5] == ["web", "NodePort", spec["clusterIP"], "<none>", f"80:{node_ports[0]}/TCP,443:{node_ports[1]}/TCP"]
    # The same IP or node port for another service is refused, as upstream says it.
    err = kubectl.fails("-n", namespace, "create", "service", "clusterip", "dup", "--tcp=80", f"--clusterip={spec['clusterIP']}")
    assert (f'spec.clusterIPs: Invalid value: []string{{"{spec["clusterIP"]}"}}: failed to allocate IP {spec["clusterIP"]}: '
            "provided IP is already allocated") in err
    err = kubectl.fails("-n", namespace, "create", "service", "nodeport", "dup", "--tcp=80", f"--node-port={node_ports[0]}")
    assert f"spec.ports[0].nodePort: Invalid value: {node_ports[0]}: provided port is already allocated" in err
    err = kubectl.fails("-n", namespace, "create", "service", "nodeport", "dup", "--tcp=80", "--node-port=80")
    assert "provided port is not in the valid range. The range of valid ports is 30000-32767" in err
    # clusterIP is immutable.
    err = kubectl.fails("-n", namespace, "patch", "svc", "web", "--type=merge", "-p", '{"spec":{"clusterIP":"10.96.0.77"}}')
    assert 'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.77"}: may not change once set' in err
    # Switching to ClusterIP gives the node ports back; deleting gives the IP back.
    kubectl("-n", namespace, "patch", "svc", "web", "--type=merge", "-p", '{"spec":{"type":"ClusterIP"}}')
    assert "nodePort" not in json.dumps(get_json(kubectl, "-n", namespace, "svc", "web")["spec"])
    kubectl("-n", namespace, "create", "service", "nodeport", "np", "--tcp=80", f"--node-port={node_ports[0]}")
    kubectl("-n", namespace, "delete", "svc", "web")
    kubectl("-n", namespace, "create", "service", "clusterip", "reuse", "--tcp=80", f"--clusterip={spec['clusterIP']}")
    # Headless and ExternalName services need no ports and get no IP.
    kubectl("-n", namespace, "create", "service", "clusterip", "headless", "--clusterip=None")
    assert kubectl("-n", namespace, "get", "svc", "headless", "-o", "jsonpath={.spec.clusterIPs}") == '["None"]'
    kubectl("-n", namespace, "create", "service", "externalname", "ext", "--external-name=example.com")
    assert kubectl("-n", namespace, "get", "svc", "ext", "--no-headers").split()[1:5] == ["ExternalName", "<none>", "example.com", "<none>"]
    err = kubectl.fails("-n", namespace, "create", "-f", "-", input=yaml.safe_dump(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "noports"}, "spec": {"selector": {"a": "b"}}}))
    assert "spec.ports: Required value" in err
    assert kubectl("-n", namespace, "get", "svc", "--field-selector", "spec.type=ExternalName", "-o", "name").split() == ["service/ext"]


def test_service_allocations_survive_a_restart(tmp_path: Path) -> None:
    server = KubeliteProcess(tmp_path / "restart")
    server.start()
    try:
        kubectl = Kubectl(server.kubeconfig)
        kubectl("create", "namespace", "r")
        kubectl("-n", "r", "create", "service", "nodeport", "keep", "--tcp=80", "--node-port=30123")
        kubectl("-n", "r", "create", "service", "clusterip", "fixed", "--tcp=80", "--clusterip=10.96.0.99")
        server.stop()  # writes are durable once answered, however the process ends
        server.start()
        kubectl = Kubectl(server.kubeconfig)
        port = int(server.server_url.rsplit(":", 1)[1])
        assert "provided port is already allocated" in kubectl.fails("-n", "r", "create", "service", "nodeport", "x", "--tcp=80", "--node-port=30123")
        assert "provided IP is already allocated" in kubectl.fails("-n", "r", "create", "service", "clusterip", "y", "--tcp=80", "--clusterip=10.96.0.99")
        # The kubernetes service follows the server to its new port.
        assert kubectl("-n", "default", "get", "svc", "kubernetes", "-o", "jsonpath={.spec.ports[0].targetPort}") == str(port)
        assert kubectl("-n", "default", "get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].ports[0].port}") == str(port)
        kubectl("-n", "r", "delete", "svc", "fixed", "keep")
        kubectl("-n", "r", "create", "service", "clusterip", "fixed2", "--tcp=80", "--clusterip=10.96.0.99")
        kubectl("-n", "r", "create", "service", "nodeport", "keep2", "--tcp=80", "--node-port=30123")
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.stop()


# --- one object of each kind, with kubectl ---------------------------------------------------------

MANIFESTS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1}
spec:
  selector: {matchLabels: {app: rs1}}
  template:
    metadata: {labels: {app: rs1}}
    spec: {containers: [{name: c, image: "nginx:1.25", resources: {limits: {cpu: "0.5", memory: 1Gi}}}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec: {nodeSelector: {kubernetes.io/os: linux}, containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: web-1}
data: {spec: {replicas: 1}}
revision: 1
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  template:
    metadata: {labels: {app: rc}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: pt}
template:
  metadata: {labels: {app: pt}}
  spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox, command: [echo, hi]}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron}
spec:
  schedule: "*/5 * * * *"
  timeZone: Europe/Paris
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: ep}
subsets:
- addresses: [{ip: 10.1.0.1}, {ip: 10.1.0.2}]
  ports: [{port: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ep-1, labels: {kubernetes.io/service-name: ep}}
addressType: IPv4
endpoints: [{addresses: [10.1.0.1]}]
ports: [{port: 8080}]
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits: [{type: Container, max: {cpu: "2"}, min: {cpu: 100m}}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota}
spec: {hard: {pods: "10", requests.cpu: "1.5"}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 500Mi}}}
"""

# kind -> (resource, expected table header)
TABLES = {
    "ReplicaSet": ("replicasets", ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]),
    "StatefulSet": ("statefulsets", ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]),
    "DaemonSet": ("daemonsets", ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]),
    "ControllerRevision": ("controllerrevisions", ["NAME", "CONTROLLER", "REVISION", "AGE"]),
    "ReplicationController": ("replicationcontrollers", ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]),
    "PodTemplate": ("podtemplates", ["NAME", "CONTAINERS", "IMAGES", "POD", "LABELS"]),
    "Job": ("jobs", ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]),
    "CronJob": ("cronjobs", ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]),
    "Endpoints": ("endpoints", ["NAME", "ENDPOINTS", "AGE"]),
    "EndpointSlice": ("endpointslices.discovery.k8s.io", ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]),
    "LimitRange": ("limitranges", ["NAME", "CREATED", "AT"]),
    "ResourceQuota": ("resourcequotas", ["NAME", "REQUEST", "LIMIT", "AGE"]),
    "PersistentVolumeClaim": ("persistentvolumeclaims", ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE", "VOLUMEMODE"]),
}


def test_each_kind_create_read_update_print_delete(kubectl: Kubectl, namespace: str, tmp_path: Path) -> None:
    manifest = tmp_path / "all.yaml"
    manifest.write_text(MANIFESTS)
    kubectl("-n", namespace, "create", "-f", str(manifest))
    n = ("-n", namespace)

    rs = get_json(kubectl, *n, "rs", "rs1")
    assert rs["spec"]["replicas"] == 1 and rs["status"] == {"replicas": 0}
    assert rs["spec"]["template"]["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "500m", "memory": "1Gi"}}
    sts = get_json(kubectl, *n, "sts", "web")["spec"]
    assert sts["podManagementPolicy"] == "OrderedReady"
    assert sts["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert sts["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert sts["revisionHistoryLimit"] == 10 and sts["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"
    ds = get_json(kubectl, *n, "ds", "ds")
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["status"] == {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0}
    rc = get_json(kubectl, *n, "rc", "rc")
    assert rc["spec"]["selector"] == {"app": "rc"} and rc["spec"]["replicas"] == 1
    job = get_json(kubectl, *n, "job", "job")
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert job["spec"]["template"]["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "job", "controller-uid": uid, "job-name": "job"}
    assert (job["spec"]["backoffLimit"], job["spec"]["completionMode"], job["spec"]["podReplacementPolicy"]) == (6, "NonIndexed", "TerminatingOrFailed")
    cron = get_json(kubectl, *n, "cronjob", "cron")["spec"]
    assert (cron["concurrencyPolicy"], cron["suspend"], cron["successfulJobsHistoryLimit"], cron["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)
    assert get_json(kubectl, *n, "endpoints", "ep")["subsets"][0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
    assert get_json(kubectl, *n, "pvc", "claim")["status"] == {"phase": "Pending"}
    assert get_json(kubectl, *n, "limitrange", "limits")["spec"]["limits"][0]["defaultRequest"] == {"cpu": "2"}

    for kind, (resource, columns) in TABLES.items():
        assert header(kubectl, *n, resource, "-o", "wide") == columns, kind
    assert kubectl(*n, "get", "endpoints", "ep", "--no-headers").split()[1] == "10.1.0.1:8080,10.1.0.2:8080"
    assert kubectl(*n, "get", "cronjob", "cron", "--no-headers").split()[1:9] == ["*/5", "*", "*", "*", "*", "Europe/Paris", "False", "0"]

    # Updates: scale, labels, and what each kind refuses.
    for resource in ("rs/rs1", "sts/web", "rc/rc"):
        kubectl(*n, "scale", resource, "--replicas=3")
    assert [kubectl(*n, "get", r, "-o", "jsonpath={.spec.replicas}") for r in ("rs/rs1", "sts/web", "rc/rc")] == ["3", "3", "3"]
    assert json.loads(kubectl("get", "--raw", f"/api/v1/namespaces/{namespace}/replicationcontrollers/rc/scale"))["spec"] == {"replicas": 3}
    for kind, (resource, _) in TABLES.items():
        kubectl(*n, "label", resource, "--all", "touched=yes")
        assert kubectl(*n, "get", resource, "-l", "touched=yes", "-o", "name"), kind
    assert "field is immutable" in kubectl.fails(*n, "patch", "rs", "rs1", "--type=merge", "-p", '{"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}}}}}')
    assert "updates to statefulset spec for fields other than" in kubectl.fails(*n, "patch", "sts", "web", "--type=merge", "-p", '{"spec":{"serviceName":"other"}}')
    assert "spec.template: Invalid value" in kubectl.fails(*n, "patch", "job", "job", "--type=merge", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"other"}]}}}}')
    assert "spec is immutable after creation" in kubectl.fails(*n, "patch", "pvc", "claim", "--type=merge", "-p", '{"spec":{"accessModes":["ReadWriteMany"]}}')
    kubectl(*n, "patch", "cronjob", "cron", "--type=merge", "-p", '{"spec":{"suspend":true}}')
    assert kubectl(*n, "get", "cronjob", "cron", "--no-headers").split()[7] == "True"

    for kind, (resource, _) in TABLES.items():
        kubectl(*n, "delete", resource, "--all")
        assert "No resources found" in kubectl.run(*n, "get", resource).stderr, kind


def test_upstream_validation_messages(kubectl: Kubectl, namespace: str) -> None:
    def create(obj: dict[str, Any]) -> str:
        return kubectl.fails("-n", namespace, "create", "-f", "-", input=yaml.safe_dump(obj))

    tmpl = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    err = create({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "bad"},
                  "spec": {"schedule": "61 * * * *", "jobTemplate": {"spec": {"template": {**tmpl, "spec": {**tmpl["spec"], "restartPolicy": "Never"}}}}}})
    assert 'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61' in err
    err = create({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "bad"}, "spec": {"template": tmpl}})
    assert 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' in err
    err = create({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "bad"},
                  "spec": {"selector": {"matchLabels": {"app": "b"}}, "template": tmpl}})
    assert "spec.template.metadata.labels: Invalid value" in err and "`selector` does not match template `labels`" in err
    err = create({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "bad"},
                  "spec": {"template": {"spec": tmpl["spec"]}}})
    assert "spec.selector: Required value" in err
    err = create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"},
                  "spec": {"containers": [{"name": "c", "image": "i", "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}}]}})
    assert 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1' in err


# --- nodes, binding, eviction ---------------------------------------------------------------------------

NODE = {
    "apiVersion": "v1", "kind": "Node",
    "metadata": {"name": "NAME", "labels": {"node-role.kubernetes.io/control-plane": ""}},
    "status": {
        "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
        "conditions": [{"type": "Ready", "status": "True"}],
        "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}],
        "nodeInfo": {"kubeletVersion": "v1.33.0", "osImage": "Debian", "kernelVersion": "6.1",
                     "containerRuntimeVersion": "containerd://1.7", "machineID": "", "systemUUID": "", "bootID": "",
                     "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64"},
    },
}


def test_node_printing_status_and_field_selector(kubectl: Kubectl, namespace: str) -> None:
    name = f"node-{namespace}"
    kubectl("create", "-f", "-", input=json.dumps({**NODE, "metadata": {**NODE["metadata"], "name": name}}))
    try:
        node = get_json(kubectl, "node", name)
        assert node["status"]["allocatable"] == {"cpu": "4", "memory": "8Gi", "pods": "110"}
        assert header(kubectl, "node", name, "-o", "wide") == [
            "NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]
        row = kubectl("get", "node", name, "-o", "wide", "--no-headers").split()
        assert row[:3] == [name, "Ready", "control-plane"] and row[4:6] == ["v1.33.0", "10.0.0.5"]
        kubectl("cordon", name)
        assert kubectl("get", "node", name, "--no-headers").split()[1] == "Ready,SchedulingDisabled"
        assert f"node/{name}" in kubectl("get", "nodes", "--field-selector", "spec.unschedulable=true", "-o", "name").split()
        kubectl("patch", "node", name, "--subresource=status", "--type=merge", "-p", '{"status":{"conditions":[{"type":"Ready","status":"False"}]}}')
        assert kubectl("get", "node", name, "--no-headers").split()[1] == "NotReady,SchedulingDisabled"
    finally:
        kubectl("delete", "node", name)


def test_binding_and_eviction_with_the_client(api_client: client.ApiClient, kubelite: KubeliteProcess, ns: str) -> None:
    core = client.CoreV1Api(api_client)
    policy = client.PolicyV1Api(api_client)
    pod = {"metadata": {"name": "p1", "labels": {"app": "p"}}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    core.create_namespaced_pod(ns, pod)
    binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "p1"}, "target": {"apiVersion": "v1", "kind": "Node", "name": "n1"}}
    # The answer is a Status (as upstream), which this client cannot read as a Binding: take it raw.
    resp = core.create_namespaced_pod_binding("p1", ns, binding, _preload_content=False)
    assert resp.status == 201 and json.loads(resp.data)["status"] == "Success"
    assert core.read_namespaced_pod("p1", ns).spec.node_name == "n1"
    exc = api_exception(core.create_namespaced_pod_binding, "p1", ns, binding, _preload_content=False)
    assert exc.status == 409
    assert exc_status(exc)["message"] == 'Operation cannot be fulfilled on pods/binding "p1": pod p1 is already assigned to node "n1"'
    # The legacy bindings resource does the same for another pod.
    core.create_namespaced_pod(ns, {**pod, "metadata": {"name": "p2", "labels": {"app": "p"}}})
    raw = raw_for(kubelite)
    created = raw.post(f"/api/v1/namespaces/{ns}/bindings", body={**binding, "metadata": {"name": "p2", "namespace": ns}})
    assert created.status_code == 201, created.text
    assert core.read_namespaced_pod("p2", ns).spec.node_name == "n1"

    # Eviction: a running pod covered by a budget that allows no disruption stays.
    core.patch_namespaced_pod_status("p1", ns, {"status": {"phase": "Running"}})
    policy.create_namespaced_pod_disruption_budget(ns, {"metadata": {"name": "pdb"}, "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "p"}}}})
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p1", "namespace": ns}}
    exc = api_exception(core.create_namespaced_pod_eviction, "p1", ns, eviction, _preload_content=False)
    assert exc.status == 429
    status = exc_status(exc)
    assert status["reason"] == "TooManyRequests"
    assert status["message"] == "Cannot evict pod as it would violate the pod's disruption budget."
    assert status["details"]["causes"][0]["reason"] == "DisruptionBudget"
    policy.patch_namespaced_pod_disruption_budget_status("pdb", ns, {"status": {"observedGeneration": 1, "disruptionsAllowed": 1,
                                                                              "currentHealthy": 2, "desiredHealthy": 1, "expectedPods": 2}})
    resp = core.create_namespaced_pod_eviction("p1", ns, eviction, _preload_content=False)
    assert resp.status == 201
    assert api_exception(core.read_namespaced_pod, "p1", ns).status == 404
    assert policy.read_namespaced_pod_disruption_budget("pdb", ns).status.disruptions_allowed == 0


def test_workloads_through_the_client(api_client: client.ApiClient, ns: str) -> None:
    apps = client.AppsV1Api(api_client)
    batch = client.BatchV1Api(api_client)
    core = client.CoreV1Api(api_client)
    tmpl = {"metadata": {"labels": {"app": "w"}}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    sel = {"matchLabels": {"app": "w"}}
    sts = apps.create_namespaced_stateful_set(ns, {"metadata": {"name": "sts"}, "spec": {"serviceName": "sts", "selector": sel, "template": tmpl}})
    assert sts.status.replicas == 0 and sts.spec.pod_management_policy == "OrderedReady"
    ds = apps.create_namespaced_daemon_set(ns, {"metadata": {"name": "ds"}, "spec": {"selector": sel, "template": tmpl}})
    assert ds.status.number_ready == 0
    rs = apps.create_namespaced_replica_set(ns, {"metadata": {"name": "rs"}, "spec": {"selector": sel, "template": tmpl}})
    assert rs.status.replicas == 0
    rc = core.create_namespaced_replication_controller(ns, {"metadata": {"name": "rc"}, "spec": {"template": tmpl}})
    assert rc.spec.selector == {"app": "w"}
    scale = apps.patch_namespaced_stateful_set_scale("sts", ns, {"spec": {"replicas": 4}})
    assert scale.spec.replicas == 4
    assert apps.read_namespaced_stateful_set("sts", ns).metadata.generation == 2
    job = batch.create_namespaced_job(ns, {"metadata": {"name": "j"}, "spec": {"template": {**tmpl, "spec": {**tmpl["spec"], "restartPolicy": "Never"}}}})
    assert job.spec.selector.match_labels == {"batch.kubernetes.io/controller-uid": job.metadata.uid}
    assert [j.metadata.name for j in batch.list_namespaced_job(ns).items] == ["j"]
    cron = batch.create_namespaced_cron_job(ns, {"metadata": {"name": "c"}, "spec": {"schedule": "@hourly", "jobTemplate": {"spec": {"template": {**tmpl, "spec": {**tmpl["spec"], "restartPolicy": "OnFailure"}}}}}})
    assert cron.spec.concurrency_policy == "Allow"
    exc = api_exception(batch.create_namespaced_cron_job, ns, {"metadata": {"name": "d"}, "spec": {"schedule": "@sometimes", "jobTemplate": {"spec": {"template": {**tmpl, "spec": {**tmpl["spec"], "restartPolicy": "OnFailure"}}}}}})
    assert exc.status == 422 and "unrecognized descriptor: @sometimes" in exc_status(exc)["message"]
    svc = core.create_namespaced_service(ns, {"metadata": {"name": "s"}, "spec": {"type": "LoadBalancer", "selector": {"app": "w"}, "ports": [{"port": 80}]}})
    assert svc.spec.allocate_load_balancer_node_ports is True and svc.spec.ports[0].node_port
    for delete in (lambda: apps.delete_namespaced_stateful_set("sts", ns), lambda: apps.delete_namespaced_daemon_set("ds", ns),
                   lambda: apps.delete_namespaced_replica_set("rs", ns), lambda: core.delete_namespaced_replication_controller("rc", ns),
                   lambda: batch.delete_namespaced_job("j", ns), lambda: batch.delete_namespaced_cron_job("c", ns),
                   lambda: core.delete_namespaced_service("s", ns)):
        delete()
