"""kubectl against a real `kubelite serve`: the behaviour kubectl users rely on."""

from __future__ import annotations

import json
import subprocess
import time

from tests.e2e.conftest import Kubectl


def test_discovery_and_version(kubectl: Kubectl) -> None:
    assert "Server Version: v1.33" in kubectl("version")
    versions = kubectl("api-versions").split()
    assert "v1" in versions and "apps/v1" in versions
    resources = kubectl("api-resources")
    assert any(line.split()[:5] == ["pods", "po", "v1", "true", "Pod"] for line in resources.splitlines())
    assert any(line.split()[:5] == ["deployments", "deploy", "apps/v1", "true", "Deployment"] for line in resources.splitlines())
    for endpoint in ("/healthz", "/livez", "/readyz"):
        assert kubectl("get", "--raw", endpoint) == "ok"
    assert "[+]ping ok" in kubectl("get", "--raw", "/readyz?verbose")
    assert "doesn't have a resource type" in kubectl.fails("get", "foosbars")


def test_system_namespaces_exist(kubectl: Kubectl) -> None:
    names = kubectl("get", "ns", "-o", "name").split()
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert f"namespace/{ns}" in names


def test_configmap_crud_and_selectors(kubectl: Kubectl, namespace: str) -> None:
    kubectl("-n", namespace, "create", "configmap", "c1", "--from-literal=a=b")
    assert kubectl("-n", namespace, "get", "cm", "c1", "-o", "jsonpath={.data.a}") == "b"
    assert "already exists" in kubectl.fails("-n", namespace, "create", "configmap", "c1")
    kubectl("-n", namespace, "label", "cm", "c1", "env=prod")
    kubectl("-n", namespace, "create", "configmap", "c2")
    assert kubectl("-n", namespace, "get", "cm", "-l", "env in (prod,dev)", "-o", "name").split() == ["configmap/c1"]
    unlabelled = kubectl("-n", namespace, "get", "cm", "-l", "env notin (prod)", "-o", "name").split()
    assert "configmap/c2" in unlabelled and "configmap/c1" not in unlabelled
    assert kubectl("-n", namespace, "get", "cm", "--field-selector", "metadata.name=c2", "-o", "name").split() == ["configmap/c2"]
    assert "is not a known field selector" in kubectl.fails("-n", namespace, "get", "cm", "--field-selector", "data.a=b")
    assert "unable to parse" in kubectl.fails("-n", namespace, "get", "cm", "-l", "a in (b")


def test_patches_and_conflict(kubectl: Kubectl, namespace: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    kubectl("-n", namespace, "create", "configmap", "p", "--from-literal=a=b")
    kubectl("-n", namespace, "patch", "cm", "p", "--type=merge", "-p", '{"data":{"k":"v"}}')
    kubectl("-n", namespace, "patch", "cm", "p", "--type=json", "-p", '[{"op":"add","path":"/data/j","value":"1"}]')
    kubectl("-n", namespace, "patch", "cm", "p", "-p", '{"data":{"s":"2"}}')  # strategic, kubectl's default
    data = json.loads(kubectl("-n", namespace, "get", "cm", "p", "-o", "json"))["data"]
    assert data == {"a": "b", "k": "v", "j": "1", "s": "2"}
    failed = kubectl.run("-n", namespace, "patch", "cm", "p", "--type=json", "-p", '[{"op":"test","path":"/data/a","value":"x"}]', check=False)
    assert failed.returncode != 0
    stale = tmp_path / "stale.json"
    stale.write_text(kubectl("-n", namespace, "get", "cm", "p", "-o", "json"))
    kubectl("-n", namespace, "patch", "cm", "p", "--type=merge", "-p", '{"data":{"k":"v2"}}')
    assert "the object has been modified" in kubectl.fails("replace", "-f", str(stale))
    assert kubectl("-n", namespace, "get", "cm", "p", "-o", "jsonpath={.data.k}") == "v2"


def test_validation_and_strict_decoding(kubectl: Kubectl, namespace: str) -> None:
    bad_name = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: {namespace}\n"
    assert "Invalid value" in kubectl.fails("create", "-f", "-", input=bad_name)
    unknown = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\n  namespace: {namespace}\nbogus: 1\n"
    assert 'unknown field "bogus"' in kubectl.fails("create", "-f", "-", input=unknown)
    generated = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\n  namespace: {namespace}\n"
    out = kubectl("create", "-f", "-", input=generated)
    assert out.startswith("configmap/gen-") and out.strip().endswith("created")
    kubectl("-n", namespace, "create", "cm", "dry", "--from-literal=a=b", "--dry-run=server")
    assert "not found" in kubectl.fails("-n", namespace, "get", "cm", "dry")


def test_deployment_defaults_scale_and_printing(kubectl: Kubectl, namespace: str) -> None:
    kubectl("-n", namespace, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2")

    def field(path: str) -> str:
        return kubectl("-n", namespace, "get", "deploy", "web", "-o", f"jsonpath={path}")

    assert field("{.spec.strategy.type}") == "RollingUpdate"
    assert field("{.spec.revisionHistoryLimit}") == "10"
    assert field("{.spec.template.spec.containers[0].imagePullPolicy}") == "IfNotPresent"
    assert field("{.metadata.generation}") == "1"
    kubectl("-n", namespace, "scale", "deploy", "web", "--replicas=3")
    assert field("{.spec.replicas}") == "3"
    assert field("{.metadata.generation}") == "2"
    kubectl("-n", namespace, "run", "p1", "--image=busybox", "--restart=Never")
    table = kubectl("-n", namespace, "get", "pod", "p1")
    assert table.split()[:5] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert table.splitlines()[1].split()[:4] == ["p1", "0/1", "Pending", "0"]
    assert "NOMINATED NODE" in kubectl("-n", namespace, "get", "pod", "p1", "-o", "wide")
    assert "deployment.apps/web" in kubectl("-n", namespace, "get", "all")
    assert "imagePullPolicy" in kubectl("explain", "pods.spec.containers")


def test_paging(kubectl: Kubectl, namespace: str) -> None:
    for i in range(5):
        kubectl("-n", namespace, "create", "cm", f"pg{i}")
    names = kubectl("-n", namespace, "get", "cm", "--chunk-size=2", "-o", "name").split()
    assert sorted(n for n in names if n.startswith("configmap/pg")) == [f"configmap/pg{i}" for i in range(5)]
    raw = json.loads(kubectl("get", "--raw", f"/api/v1/namespaces/{namespace}/configmaps?limit=2"))
    assert raw["metadata"]["continue"] and len(raw["items"]) == 2


def test_watch_sees_create(kubectl: Kubectl, namespace: str) -> None:
    watch = subprocess.Popen(
        ["kubectl", "--kubeconfig", str(kubectl.kubeconfig), "-n", namespace, "get", "cm", "-w", "-o", "name"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        time.sleep(1.5)
        kubectl("-n", namespace, "create", "cm", "watched")
        time.sleep(1.5)
    finally:
        watch.terminate()
        out, _ = watch.communicate(timeout=10)
    assert "configmap/watched" in out


def test_finalizers_and_namespace_deletion(kubectl: Kubectl, namespace: str) -> None:
    held = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: {namespace}\n  finalizers: [example.com/hold]\n"
    kubectl("create", "-f", "-", input=held)
    kubectl("-n", namespace, "delete", "cm", "held", "--wait=false")
    assert kubectl("-n", namespace, "get", "cm", "held", "-o", "jsonpath={.metadata.deletionTimestamp}").startswith("20")
    kubectl("-n", namespace, "patch", "cm", "held", "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
    assert "not found" in kubectl.fails("-n", namespace, "get", "cm", "held")

    doomed = namespace + "-gone"
    kubectl("create", "ns", doomed)
    kubectl("-n", doomed, "create", "cm", "x")
    kubectl("-n", doomed, "create", "deployment", "d", "--image=nginx")
    kubectl("delete", "ns", doomed, "--timeout=60s")
    assert "not found" in kubectl.fails("get", "ns", doomed)
    assert "not found" in kubectl.fails("-n", doomed, "create", "cm", "late")


def test_audit_log(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.server import KubeliteProcess

    log = tmp_path / "audit.log"
    server = KubeliteProcess(tmp_path / "data", ["--audit-log-path", str(log)])
    server.start()
    try:
        kubectl = Kubectl(server.kubeconfig)
        kubectl("get", "namespaces")
        kubectl.fails("-n", "default", "get", "cm", "missing")
    finally:
        server.stop()
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert all(e["apiVersion"] == "audit.k8s.io/v1" and e["kind"] == "Event" for e in events)
    lists = [e for e in events if e["verb"] == "list" and e.get("objectRef", {}).get("resource") == "namespaces"]
    assert lists and lists[0]["user"]["username"] == "kubernetes-admin" and lists[0]["responseStatus"]["code"] == 200
    missing = [e for e in events if e.get("objectRef", {}).get("name") == "missing"]
    assert missing and missing[0]["responseStatus"]["code"] == 404
