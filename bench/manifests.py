"""The objects the scenarios write: a ConfigMap with 1 KiB of data, a tiny ConfigMap for
preloading, and a realistic ~2 KiB Pod."""

from __future__ import annotations

from typing import Any

import orjson

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
MERGE_PATCH = {"Content-Type": "application/merge-patch+json", "Accept": "application/json"}
TS_ANNOTATION = "bench.kubelite.io/ts"


def namespace(name: str) -> bytes:
    return orjson.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})


def configmap(name: str, size: int = 1024) -> bytes:
    """A ConfigMap whose data values add up to `size` bytes (4 keys)."""
    quarter = size // 4
    data = {f"key{i}": "x" * (quarter if i < 3 else size - 3 * quarter) for i in range(4)}
    return orjson.dumps({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "labels": {"app": "bench", "tier": "config"}},
        "data": data,
    })


def small_configmap(name: str) -> bytes:
    return orjson.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}})


def pod_obj(name: str) -> dict[str, Any]:
    """A Pod as a Deployment's ReplicaSet would create it, minus the ownerReference."""
    app = "web"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "labels": {"app": app, "pod-template-hash": "7c5ddbdf54", "tier": "frontend", "version": "v1.4.2"},
            "annotations": {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "9090",
            },
        },
        "spec": {
            "containers": [{
                "name": app,
                "image": "registry.example.com/team/web-frontend:1.4.2",
                "imagePullPolicy": "IfNotPresent",
                "ports": [
                    {"name": "http", "containerPort": 8080, "protocol": "TCP"},
                    {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
                ],
                "env": [
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                    {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
                    {"name": "CACHE_URL", "value": "redis://cache.default.svc.cluster.local:6379/0"},
                    {"name": "FEATURE_FLAGS", "value": "new-checkout,fast-search"},
                ],
                "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                                  "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3},
                "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTP"},
                                   "periodSeconds": 5, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                "volumeMounts": [
                    {"name": "config", "mountPath": "/etc/web", "readOnly": True},
                    {"name": "cache", "mountPath": "/var/cache/web"},
                ],
                "securityContext": {"runAsNonRoot": True, "runAsUser": 1000, "allowPrivilegeEscalation": False,
                                    "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            }],
            "volumes": [
                {"name": "config", "configMap": {"name": "web-config", "defaultMode": 420}},
                {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
            ],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "securityContext": {"fsGroup": 1000},
            "schedulerName": "default-scheduler",
            "priority": 0,
            "enableServiceLinks": True,
        },
    }


def pod(name: str) -> bytes:
    return orjson.dumps(pod_obj(name))


def ts_patch(ts: float, seq: int) -> bytes:
    """A merge patch that stamps the send time (wall clock) into an annotation."""
    return orjson.dumps({"metadata": {"annotations": {TS_ANNOTATION: f"{ts:.6f}", "bench.kubelite.io/seq": str(seq)}}})
