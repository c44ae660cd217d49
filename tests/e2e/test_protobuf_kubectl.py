"""kubectl 1.33's typed `create` commands send protobuf bodies: the server must store exactly
what the same object sent as JSON gives.

Oracle: `--dry-run=client -o json` prints the JSON kubectl would send for the same object.
Each object is created twice, once by kubectl's own protobuf request and once from that
JSON via `kubectl create -f -` (unstructured, so a JSON body); both stored objects, after
the same server-side defaulting, must be equal but for their names and server-set fields.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.e2e.conftest import Kubectl

PROTOBUF = "Content-Type: application/vnd.kubernetes.protobuf"


def _drop_nulls(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_nulls(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list):
        return [_drop_nulls(v) for v in obj]
    return obj


def _server_set(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop what the server sets per object (identity, times) and what a controller updates.

    Nulls go too: Go's JSON writes a zero metav1.Time as null (template.metadata.
    creationTimestamp), which the decoder leaves out, as absent and null mean the same.
    """
    obj = _drop_nulls(obj)
    meta = obj["metadata"]
    for k in ("name", "uid", "resourceVersion", "creationTimestamp"):
        meta.pop(k, None)
    meta.get("labels", {}).pop("kubernetes.io/metadata.name", None)
    for entry in meta.get("managedFields", []):
        entry.pop("time", None)
    if obj["kind"] in ("Deployment", "Pod"):
        obj.pop("status", None)
        obj.get("spec", {}).pop("nodeName", None)
    if obj["kind"] == "Pod":
        # The ServiceAccount admission plugin names its token volume with a random suffix.
        text = re.sub(r"kube-api-access-[a-z0-9]{5}", "kube-api-access-xxxxx", json.dumps(obj))
        obj = json.loads(text)
    return obj


def _contains(stored: Any, sent: Any, path: str = "") -> None:
    """Every value kubectl's JSON would send is stored unchanged."""
    if isinstance(sent, dict):
        assert isinstance(stored, dict), path
        for k, v in sent.items():
            if v is None or v == {} and k == "status":
                continue  # creationTimestamp: null; an empty status the server fills
            assert k in stored, f"{path}.{k} missing from stored object"
            _contains(stored[k], v, f"{path}.{k}")
    elif isinstance(sent, list):
        assert isinstance(stored, list) and len(stored) == len(sent), path
        for i, (a, b) in enumerate(zip(stored, sent, strict=True)):
            _contains(a, b, f"{path}[{i}]")
    else:
        assert stored == sent, f"{path}: stored {stored!r}, sent {sent!r}"


def _no_go_zero_values(obj: Any, path: str = "") -> None:
    """Stray zero values from Go's protobuf output: "generateName": "", "hostNetwork": false."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert v != "" or path.endswith((".data", ".labels", ".annotations")), f"{path}.{k} is an empty string"
            assert k not in ("generateName", "hostNetwork", "hostPID", "hostIPC", "minReadySeconds", "paused"), f"{path}.{k}"
            _no_go_zero_values(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for item in obj:
            _no_go_zero_values(item, path + "[]")


def _create_both_ways(
    kubectl: Kubectl, ns: str | None, kind: str, name: str, *args: str, protobuf: bool = True
) -> dict[str, Any]:
    """Create via kubectl's own request and via the dry-run JSON; return the protobuf-made object."""
    scope = ["-n", ns] if ns else []
    sent = json.loads(kubectl(*scope, *args, "--dry-run=client", "-o", "json"))
    proc = kubectl.run(*scope, *args, "-v=8")
    if protobuf:
        assert PROTOBUF in proc.stderr, f"kubectl {args} did not send protobuf"
    twin = copy.deepcopy(sent)
    twin["metadata"]["name"] = f"{name}-json"
    kubectl(*scope, "create", "-f", "-", input=json.dumps(twin))
    stored = json.loads(kubectl(*scope, "get", kind, name, "-o", "json"))
    stored_twin = json.loads(kubectl(*scope, "get", kind, f"{name}-json", "-o", "json"))
    assert _server_set(stored) == _server_set(stored_twin)
    _contains(stored, sent)
    _no_go_zero_values(stored.get("spec", stored))
    _no_go_zero_values(stored["metadata"], ".metadata")
    return stored


def test_create_namespace(kubectl: Kubectl) -> None:
    stored = _create_both_ways(kubectl, None, "namespace", "pb-ns", "create", "namespace", "pb-ns")
    try:
        assert stored["metadata"]["name"] == "pb-ns"
        assert stored["metadata"]["labels"] == {"kubernetes.io/metadata.name": "pb-ns"}
    finally:
        kubectl.run("delete", "namespace", "pb-ns", "pb-ns-json", "--wait=false", check=False)


def test_create_configmap(kubectl: Kubectl, namespace: str) -> None:
    stored = _create_both_ways(
        kubectl, namespace, "configmap", "cm", "create", "configmap", "cm", "--from-literal=a=1", "--from-literal=empty="
    )
    assert stored["data"] == {"a": "1", "empty": ""}


def test_create_secret_generic(kubectl: Kubectl, namespace: str) -> None:
    stored = _create_both_ways(
        kubectl, namespace, "secret", "s", "create", "secret", "generic", "s", "--from-literal=k=v", "--from-literal=x=y z"
    )
    assert stored["data"] == {"k": "dg==", "x": "eSB6"}
    assert stored["type"] == "Opaque"


def test_create_deployment_keeps_zero_replicas(kubectl: Kubectl, namespace: str) -> None:
    stored = _create_both_ways(
        kubectl, namespace, "deployment", "d", "create", "deployment", "d", "--image=nginx", "--replicas=0", "--port=8080"
    )
    spec = stored["spec"]
    assert spec["replicas"] == 0
    assert spec["selector"] == {"matchLabels": {"app": "d"}}
    assert stored["metadata"]["labels"] == {"app": "d"}
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx" and container["ports"][0]["containerPort"] == 8080
    assert container["resources"] == {}


def test_create_serviceaccount(kubectl: Kubectl, namespace: str) -> None:
    stored = _create_both_ways(kubectl, namespace, "serviceaccount", "sa", "create", "serviceaccount", "sa")
    assert set(stored) >= {"apiVersion", "kind", "metadata"}
    assert "automountServiceAccountToken" not in stored  # unset pointer: not on the wire at all


def test_run_pod(kubectl: Kubectl, namespace: str) -> None:
    # kubectl 1.33 sends `run` as JSON; the same oracle still holds.
    stored = _create_both_ways(
        kubectl, namespace, "pod", "p", "run", "p", "--image=busybox", "--restart=Never", "--labels=a=b", "--env=X=1",
        "--port=80", protobuf=False,
    )
    assert stored["metadata"]["labels"] == {"a": "b"}
    container = stored["spec"]["containers"][0]
    assert container["env"] == [{"name": "X", "value": "1"}]
    assert container["ports"][0]["containerPort"] == 80
    assert stored["spec"]["restartPolicy"] == "Never"
