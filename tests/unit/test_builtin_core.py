"""The core group's kinds as pure functions on dicts: the defaults a 1.33 kube-apiserver
sets, its validation messages word for word (as kubectl prints them), and its printer
rows (pkg/printers/internalversion)."""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kubelite.apis import core, events, nodes, podspec, services
from kubelite.machinery.errors import StatusError
from kubelite.machinery.fields import check_supported, parse

Obj = dict[str, Any]


def lines(causes: list[dict[str, str]]) -> list[str]:
    return [f"{c['field']}: {c['message']}" if c.get("field") else c["message"] for c in causes]


def meta(name: str = "x", namespace: str | None = "ns", **extra: Any) -> Obj:
    m: Obj = {"name": name, "uid": "u-1", "creationTimestamp": "2024-01-01T00:00:00Z", "resourceVersion": "1", **extra}
    if namespace is not None:
        m["namespace"] = namespace
    return m


def created(strategy: Any, obj: Obj) -> Obj:
    """What the store does on create, up to validation."""
    strategy.prepare_for_create(obj)
    strategy.default(obj)
    return obj


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod(**spec: Any) -> Obj:
    return {"metadata": meta("web"), "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}], **spec}}


def pod_errors(obj: Obj) -> list[str]:
    s = core.PodStrategy()
    return lines(s.validate(created(s, obj)))


# --- Pod: defaults -----------------------------------------------------------------------------------


def test_pod_defaults_as_upstream() -> None:
    obj = created(core.PodStrategy(), pod(containers=[{
        "name": "c", "image": "nginx", "ports": [{"containerPort": 80}],
        "readinessProbe": {"httpGet": {"port": 80}}, "resources": {"limits": {"cpu": "1"}},
    }], volumes=[{"name": "cfg", "configMap": {"name": "c"}}, {"name": "tmp"}]))
    spec = obj["spec"]
    assert {k: spec[k] for k in ("restartPolicy", "dnsPolicy", "terminationGracePeriodSeconds", "schedulerName",
                                 "securityContext", "enableServiceLinks", "serviceAccountName", "serviceAccount")} == {
        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
        "schedulerName": "default-scheduler", "securityContext": {}, "enableServiceLinks": True,
        "serviceAccountName": "default", "serviceAccount": "default"}
    assert "priority" not in spec and "preemptionPolicy" not in spec  # set by the Priority admission plugin
    assert [t["key"] for t in spec["tolerations"]] == ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
    c = spec["containers"][0]
    assert (c["imagePullPolicy"], c["terminationMessagePath"], c["terminationMessagePolicy"]) == ("Always", "/dev/termination-log", "File")
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c["readinessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                   "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert c["resources"] == {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}  # requests default to limits in a Pod
    assert spec["volumes"] == [{"name": "cfg", "configMap": {"name": "c", "defaultMode": 420}}, {"name": "tmp", "emptyDir": {}}]
    assert obj["status"] == {"phase": "Pending", "qosClass": "Burstable"}


@pytest.mark.parametrize(("image", "policy"), [
    ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.25", "IfNotPresent"),
    ("registry.k8s.io/pause@sha256:" + "a" * 64, "IfNotPresent"), ("localhost:5000/app", "Always"),
    ("localhost:5000/app:v2", "IfNotPresent"),
])
def test_image_pull_policy_follows_the_tag(image: str, policy: str) -> None:
    c: Obj = {"name": "c", "image": image}
    podspec.default_container(c)
    assert c["imagePullPolicy"] == policy


def test_host_network_pods_publish_container_ports() -> None:
    obj = created(core.PodStrategy(), pod(hostNetwork=True, containers=[{"name": "c", "image": "i", "ports": [{"containerPort": 8080}]}]))
    assert obj["spec"]["containers"][0]["ports"][0]["hostPort"] == 8080


# --- Pod: validation ------------------------------------------------------------------------------------


def test_container_messages() -> None:
    got = pod_errors(pod(containers=[
        {"name": "Web_1", "ports": [{"containerPort": 70000, "name": "http-web-service-x"}],
         "env": [{"name": ""}, {"name": "B", "value": "v", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
         "envFrom": [{"configMapRef": {"name": "cfg-"}}, {}]},
        {"name": "Web_1", "image": " nginx "},
    ]))
    assert got == [
        'spec.containers[0].name: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric '
        "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        "spec.containers[0].image: Required value",
        'spec.containers[0].ports[0].name: Invalid value: "http-web-service-x": must be no more than 15 characters',
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "spec.containers[0].env[0].name: Required value",
        'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
        # the name of an envFrom source is checked as a generateName prefix: a trailing dash is fine
        'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
        'spec.containers[1].name: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric '
        "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        'spec.containers[1].name: Duplicate value: "Web_1"',
        'spec.containers[1].image: Invalid value: " nginx ": must not have leading or trailing whitespace',
    ]


def test_env_field_refs_and_key_selectors() -> None:
    got = pod_errors(pod(containers=[{"name": "c", "image": "i", "env": [
        {"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "status.phase"}}},
        {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "spec.foo"}}},
        {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
        {"name": "D", "valueFrom": {"resourceFieldRef": {"resource": "limits.gpu"}}},
        {"name": "E", "valueFrom": {"secretKeyRef": {"name": "s", "key": "../k"}}},
    ]}]))
    assert got == [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: '
        '"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", '
        '"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
        'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": error converting fieldPath: '
        "field label not supported: spec.foo",
        'spec.containers[0].env[3].valueFrom.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: '
        '"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"',
        'spec.containers[0].env[4].valueFrom.secretKeyRef.key: Invalid value: "../k": a valid config key must consist of '
        "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
        "validation is '[-._a-zA-Z0-9]+')",
        'spec.containers[0].env[4].valueFrom.secretKeyRef.key: Invalid value: "../k": must not start with \'..\'',
    ]


def test_volume_messages() -> None:
    got = pod_errors(pod(volumes=[
        {"name": "a", "hostPath": {"path": "/data", "type": "Dir"}},
        {"name": "b", "nfs": {"server": "nfs", "path": "export"}},
        {"name": "c", "emptyDir": {"sizeLimit": "-1Gi"}},
        {"name": "d", "secret": {"secretName": "s"}, "downwardAPI": {}},
        {"name": "e", "configMap": {"name": "c", "defaultMode": 1024, "items": [{"key": "k", "path": "/abs"}]}},
        {"name": "f", "csi": {}},
        {"name": "g", "downwardAPI": {"items": [{"path": "..x"}]}},
        {"name": "h"},
        {"name": "h", "emptyDir": {}},
    ]))
    assert got == [
        'spec.volumes[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", '
        '"Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
        'spec.volumes[1].nfs.path: Invalid value: "export": must be an absolute path',
        "spec.volumes[2].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity",
        "spec.volumes[3].downwarAPI: Forbidden: may not specify more than 1 volume type",  # sic
        "spec.volumes[4].configMap.defaultMode: Invalid value: 1024: must be a number between 0 and 0777 (octal), both inclusive",
        'spec.volumes[4].configMap.items[0].path: Invalid value: "/abs": must be a relative path',
        "spec.volumes[5].csi.driver: Required value",
        'spec.volumes[5].csi.driver: Invalid value: "": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric '
        "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        'spec.volumes[6].downwardAPI.path: Invalid value: "..x": must not start with \'..\'',
        "spec.volumes[6].downwardAPI: Required value: one of fieldRef and resourceFieldRef is required",
        'spec.volumes[8].name: Duplicate value: "h"',
    ]


def test_mounts_probes_and_hooks() -> None:
    got = pod_errors(pod(terminationGracePeriodSeconds=10, volumes=[{"name": "v", "emptyDir": {}}], containers=[{
        "name": "c", "image": "i",
        "volumeMounts": [{"name": "v", "mountPath": "/a", "mountPropagation": "Bidirectional"},
                         {"name": "w", "mountPath": "/a", "recursiveReadOnly": "Enabled"}],
        "readinessProbe": {"exec": {"command": ["true"]}, "terminationGracePeriodSeconds": 5},
        "livenessProbe": {"httpGet": {"port": "http", "httpHeaders": [{"name": "X Bad", "value": "v"}]}, "successThreshold": 2},
        "lifecycle": {"preStop": {"sleep": {"seconds": 60}}},
    }]))
    assert got == [
        "spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers",
        'spec.containers[0].volumeMounts[1].name: Not found: "w"',
        'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
        "spec.containers[0].volumeMounts.recursiveReadOnly: Forbidden: may only be specified when readOnly is true",
        "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (10)",
        "spec.containers[0].livenessProbe.httpGet.httpHeaders: Invalid value: \"X Bad\": a valid HTTP header must consist of "
        "alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
        "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
        "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes",
    ]


def test_init_containers_and_host_ports() -> None:
    port = {"containerPort": 80, "hostPort": 8080}
    got = pod_errors(pod(
        containers=[{"name": "a", "image": "i", "ports": [port]}, {"name": "b", "image": "i", "ports": [port]}],
        initContainers=[{"name": "a", "image": "i", "ports": [port], "lifecycle": {"postStart": {"exec": {"command": ["x"]}}}},
                        {"name": "sidecar", "image": "i", "restartPolicy": "OnFailure"}],
    ))
    assert got == [
        'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"',
        'spec.initContainers[0].name: Duplicate value: "a"',
        "spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always",
        'spec.initContainers[1].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]


def test_resources_security_and_scheduling() -> None:
    got = pod_errors(pod(
        containers=[{"name": "c", "image": "i",
                     "resources": {"limits": {"foo": "1", "example.com/gpu": "1"}, "requests": {"example.com/gpu": "0.5"}},
                     "securityContext": {"runAsUser": -1, "procMount": "Unmasked"}}],
        securityContext={"fsGroupChangePolicy": "Sometimes", "sysctls": [{"name": "net.core.somaxconn", "value": "1"}]},
        hostNetwork=True,
        tolerations=[{"key": "k", "operator": "Exists", "value": "v"}],
        dnsPolicy="None", dnsConfig={"nameservers": ["1.1.1.1", "8.8.8.8", "9.9.9.9", "10.0.0.1"], "searches": ["Bad_.example"]},
        activeDeadlineSeconds=0,
    ))
    assert got == [
        'spec.containers[0].resources.limits[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
        'spec.containers[0].resources.limits[foo]: Invalid value: "foo": must be a standard resource for containers',
        "spec.containers[0].resources.requests[example.com/gpu]: Invalid value: 500m: must be an integer",
        'spec.containers[0].resources.requests: Invalid value: "500m": must be equal to example.com/gpu limit of 1',
        # a Pod's requests default to its limits, so the bad name is met twice
        'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
        'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource for containers',
        "spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
        'spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked`',
        'spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be specified when \'hostNetwork\' is true',
        'spec.securityContext.fsGroupChangePolicy: Unsupported value: "Sometimes": supported values: "Always", "OnRootMismatch"',
        'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "10.0.0.1"}: must not have more than 3 nameservers',
        'spec.dnsConfig.searches[0]: Invalid value: "Bad_.example": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
        "regex used for validation is '_?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
        'spec.tolerations[0].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
    ]


def test_affinity_and_topology_spread() -> None:
    got = pod_errors(pod(
        affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "zone", "operator": "In"}, {"key": "x", "operator": "Near", "values": ["1"]}]}]}},
            "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 200, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "web"}}}}]}},
        topologySpreadConstraints=[{"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"},
                                   {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}],
    ))
    term = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
    anti = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
    assert got == [
        f"{term}.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        f'{term}.matchExpressions[1].operator: Invalid value: "Near": not a valid selector operator',
        f"{anti}.weight: Invalid value: 200: must be in the range 1-100",
        f"{anti}.podAffinityTerm.topologyKey: Required value: can not be empty",
        f'{anti}.podAffinityTerm.topologyKey: Invalid value: "": name part must be non-empty',
        f"{anti}.podAffinityTerm.topologyKey: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
        "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
        'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"',
    ]


def test_pod_create_only_rules() -> None:
    got = pod_errors(pod(nodeName="n1", schedulingGates=[{"name": "example.com/wait"}],
                         ephemeralContainers=[{"name": "debug", "image": "busybox"}]))
    assert got == ["spec.ephemeralContainers: Forbidden: cannot be set on create",
                   "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"]


def test_template_is_not_a_pod() -> None:
    # Templates may leave the host port unset under hostNetwork, and keep image whitespace.
    spec: Obj = {"hostNetwork": True, "containers": [{"name": "c", "image": " i", "ports": [{"containerPort": 80}]}]}
    tmpl: Obj = {"metadata": {"labels": {"a": "b"}}, "spec": spec}
    podspec.default_pod_template(tmpl)
    assert podspec.validate_pod_template_spec(tmpl, "template") == []


def updated_pod(change: Any) -> list[str]:
    s = core.PodStrategy()
    old = created(s, pod(activeDeadlineSeconds=60, tolerations=[{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}]))
    new = copy.deepcopy(old)
    change(new["spec"])
    s.prepare_for_update(new, old)
    s.default(new)
    return lines(s.validate_update(new, old))


def test_pod_update_rules() -> None:
    assert updated_pod(lambda spec: spec["containers"][0].update(image="nginx:1.26")) == []
    assert updated_pod(lambda spec: spec.update(activeDeadlineSeconds=30)) == []
    assert updated_pod(lambda spec: spec["tolerations"][2].update(tolerationSeconds=9)) == []
    assert updated_pod(lambda spec: spec.update(activeDeadlineSeconds=90)) == [
        "spec.activeDeadlineSeconds: Invalid value: 90: must be less than or equal to previous value"]
    assert updated_pod(lambda spec: spec["containers"].append({"name": "d", "image": "i"})) == [
        "spec.containers: Forbidden: pod updates may not add or remove containers"]
    assert updated_pod(lambda spec: spec["tolerations"].pop()) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]
    assert updated_pod(lambda spec: spec.update(restartPolicy="Never")) == [
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
        "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"]


# --- Pod: printing -------------------------------------------------------------------------------------


def pod_row(status: Obj, spec: Obj | None = None, **metadata: Any) -> list[Any]:
    obj = {"metadata": {"name": "p", "creationTimestamp": ago(30), **metadata},
           "spec": spec or {"containers": [{"name": "a"}, {"name": "b"}]}, "status": status}
    return core.PodStrategy().table_row(obj)


def running(name: str, ready: bool = True, restarts: int = 0, **extra: Any) -> Obj:
    return {"name": name, "ready": ready, "restartCount": restarts, "state": {"running": {"startedAt": ago(60)}}, **extra}


def test_pod_rows() -> None:
    assert pod_row({"phase": "Pending"})[:4] == ["p", "0/2", "Pending", "0"]
    assert pod_row({"phase": "Running", "containerStatuses": [running("a"), running("b", ready=False)]})[1:3] == ["1/2", "Running"]
    crash = {"name": "b", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
             "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(125)}}}
    row = pod_row({"phase": "Running", "containerStatuses": [running("a"), crash]})
    assert row[1:4] == ["1/2", "CrashLoopBackOff", "4 (2m5s ago)"]
    completed = {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
    assert pod_row({"phase": "Running", "containerStatuses": [completed, running("b")]})[2] == "NotReady"
    ready = [{"type": "Ready", "status": "True"}]
    assert pod_row({"phase": "Running", "conditions": ready, "containerStatuses": [completed, running("b")]})[2] == "Running"
    assert pod_row({"phase": "Failed", "containerStatuses": [{"name": "a", "state": {"terminated": {"exitCode": 137, "signal": 9}}}]})[2] == "Signal:9"
    assert pod_row({"phase": "Running"}, deletionTimestamp=ago(1))[2] == "Terminating"
    assert pod_row({"phase": "Succeeded"}, deletionTimestamp=ago(1))[2] == "Succeeded"


def test_pod_rows_while_initializing_and_with_sidecars() -> None:
    spec = {"initContainers": [{"name": "init"}, {"name": "proxy", "restartPolicy": "Always"}], "containers": [{"name": "app"}]}
    waiting = {"phase": "Pending", "initContainerStatuses": [{"name": "init", "state": {"running": {}}}]}
    assert pod_row(waiting, spec)[1:3] == ["0/2", "Init:0/2"]
    failed = {"phase": "Pending", "initContainerStatuses": [{"name": "init", "state": {"terminated": {"exitCode": 2}}}]}
    assert pod_row(failed, spec)[2] == "Init:ExitCode:2"
    up = {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
          "initContainerStatuses": [{"name": "init", "state": {"terminated": {"exitCode": 0}}},
                                    {"name": "proxy", "started": True, "ready": True, "restartCount": 1, "state": {"running": {}}}],
          "containerStatuses": [running("app")]}
    assert pod_row(up, spec)[1:4] == ["2/2", "Running", "1"]


def test_pod_wide_cells() -> None:
    spec = {"containers": [{"name": "a"}], "nodeName": "n1", "readinessGates": [{"conditionType": "example.com/lb"}, {"conditionType": "x/y"}]}
    status = {"phase": "Running", "podIP": "10.0.0.9", "podIPs": [{"ip": "10.0.0.9"}, {"ip": "fd00::9"}],
              "conditions": [{"type": "example.com/lb", "status": "True"}]}
    assert pod_row(status, spec)[5:] == ["10.0.0.9", "n1", "<none>", "1/2"]


# --- Services and Endpoints ------------------------------------------------------------------------------


def service(**spec: Any) -> Obj:
    svc: Obj = {"metadata": meta("web"), "spec": {"ports": [{"port": 80}], **spec}}
    services.ServiceStrategy().default(svc)
    return svc


def test_service_defaults() -> None:
    assert service()["spec"] == {"ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}], "sessionAffinity": "None",
                                 "type": "ClusterIP", "internalTrafficPolicy": "Cluster"}
    lb = service(type="LoadBalancer", sessionAffinity="ClientIP")["spec"]
    assert (lb["externalTrafficPolicy"], lb["allocateLoadBalancerNodePorts"], lb["sessionAffinityConfig"]) == (
        "Cluster", True, {"clientIP": {"timeoutSeconds": 10800}})


def test_service_messages() -> None:
    svc = service(type="LoadBalancer", clusterIP="None", clusterIPs=["None"], loadBalancerSourceRanges=["10.0.0.0/8", "bogus"],
                  loadBalancerClass="Example")
    svc["metadata"]["annotations"] = {"service.kubernetes.io/topology-mode": "Auto", "service.kubernetes.io/topology-aware-hints": "Off"}
    del svc["spec"]["allocateLoadBalancerNodePorts"]
    assert lines(services.validate_service_spec(svc)) == [
        'metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match '
        "annotations[service.kubernetes.io/topology-aware-hints] when both are specified",
        "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services",
        'spec.LoadBalancerSourceRanges[1]: Invalid value: "bogus": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
        "allocateLoadBalancerNodePorts: Required value",
    ]
    node_port = service(type="ClusterIP", ports=[{"port": 80, "nodePort": 30080}, {"port": 80, "name": "b"}])
    assert lines(services.validate_service_spec(node_port)) == [
        "spec.ports[0].name: Required value",
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, '
        'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]


def test_service_update_keeps_health_check_port_and_class() -> None:
    old = service(type="LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=31000)
    new = copy.deepcopy(old)
    new["spec"].update(healthCheckNodePort=31001, loadBalancerClass="example.com/lb")
    assert lines(services.validate_service_update(new, old)) == [
        'spec.loadBalancerClass: Invalid value: "example.com/lb": may not change once set',
        "spec.healthCheckNodePort: Forbidden: field is immutable",
    ]


def test_endpoints_addresses() -> None:
    ep = {"metadata": meta("web"), "subsets": [{"addresses": [{"ip": "0.0.0.0"}, {"ip": "bogus"}], "ports": [{"port": 80}]}]}
    s = services.EndpointsStrategy()
    s.default(ep)
    assert lines(s.validate(ep)) == [
        'subsets[0].addresses[0].ip: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
        'subsets[0].addresses[1].ip: Invalid value: "bogus": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        'subsets[0].addresses[1].ip: Invalid value: "bogus": must be a valid IP address',
    ]
    assert s.deprecation_warning == "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"


# --- ConfigMap, Secret ------------------------------------------------------------------------------------


def test_config_map_messages() -> None:
    s = core.ConfigMapStrategy()
    cm = {"metadata": meta("cfg"), "data": {"..a": "1", "b": "2"}, "binaryData": {"b": "AA=="}}
    assert lines(s.validate(cm)) == [
        'data[..a]: Invalid value: "..a": must not start with \'..\'',
        'data[b]: Invalid value: "b": duplicate of key present in binaryData',
    ]
    big = {"metadata": meta("cfg"), "data": {"a": "x" * (1024 * 1024 + 1)}}
    assert lines(s.validate(big)) == ["Too long: may not be more than 1048576 bytes"]
    old = {"metadata": meta("cfg"), "data": {"a": "1"}, "immutable": True}
    new = {"metadata": meta("cfg"), "data": {"a": "2"}}
    assert lines(s.validate_update(new, old)) == [
        "immutable: Forbidden: field is immutable when `immutable` is set",
        "data: Forbidden: field is immutable when `immutable` is set",
    ]


def test_secret_string_data_and_types() -> None:
    s = core.SecretStrategy()
    secret = created(s, {"metadata": meta("s"), "stringData": {"user": "admin"}, "data": {"user": "b2xk"}})
    assert secret == {"metadata": meta("s"), "type": "Opaque", "data": {"user": base64.b64encode(b"admin").decode()}}
    tls = created(s, {"metadata": meta("t"), "type": "kubernetes.io/tls", "data": {"tls.crt": ""}})
    assert lines(s.validate(tls)) == ["data[tls.key]: Required value"]
    docker = created(s, {"metadata": meta("d"), "type": "kubernetes.io/dockerconfigjson",
                         "stringData": {".dockerconfigjson": "[1]"}})
    assert lines(s.validate(docker)) == [
        'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}']
    sa = created(s, {"metadata": meta("sa"), "type": "kubernetes.io/service-account-token"})
    assert lines(s.validate(sa)) == ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]
    changed = dict(tls, type="Opaque")
    assert lines(s.validate_update(changed, tls))[0] == 'type: Invalid value: "Opaque": field is immutable'


def test_secret_with_bad_base64_is_a_bad_request() -> None:
    with pytest.raises(StatusError) as info:
        created(core.SecretStrategy(), {"metadata": meta("s"), "data": {"a": "YWJj*"}})
    assert (info.value.code, info.value.message) == (
        400, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4')


# --- Namespace, Node ----------------------------------------------------------------------------------------


def test_namespace_defaults_and_finalizers() -> None:
    s = core.NamespaceStrategy()
    ns = created(s, {"metadata": meta("team-a", namespace=None)})
    assert (ns["metadata"]["labels"], ns["spec"], ns["status"]) == (
        {"kubernetes.io/metadata.name": "team-a"}, {"finalizers": ["kubernetes"]}, {"phase": "Active"})
    ns["spec"]["finalizers"] = ["kubernetes", "cleanup"]
    assert lines(s.validate(ns)) == [
        'spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']
    ns["spec"]["finalizers"] = ["kubernetes"]
    ns["status"]["phase"] = "Terminating"
    assert lines(s.validate_status_update(ns, ns)) == [
        "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"]


def test_node_status_encoding_and_cidrs() -> None:
    s = nodes.NodeStrategy()
    node = created(s, {"metadata": meta("n1", namespace=None), "spec": {"podCIDR": "10.244.0.0/24"}})
    s.canonicalize(node)
    assert node["spec"]["podCIDRs"] == ["10.244.0.0/24"]
    assert node["status"]["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 0}}
    assert node["status"]["nodeInfo"]["kubeletVersion"] == ""
    bad = {"metadata": meta("n1", namespace=None), "spec": {"podCIDRs": ["10.0.0.0/24", "10.1.0.0/24"],
           "taints": [{"key": "k", "effect": "NoSchedule"}, {"key": "k", "value": "x", "effect": "NoSchedule"}]},
           "status": {"capacity": {"pods": "1.5"}}}
    assert lines(s.validate(bad)) == [
        'metadata.taints[1]: Duplicate value: core.Taint{Key:"k", Value:"x", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: '
        "taints must be unique by key and effect pair",
        "status.capacity.pods: Invalid value: 1500m: must be an integer",
        'spec.podCIDRs: Invalid value: []string{"10.0.0.0/24", "10.1.0.0/24"}: may specify no more than one CIDR for each IP family',
    ]


def test_node_row() -> None:
    node = {"metadata": {"name": "n1", "creationTimestamp": ago(90), "labels": {"node-role.kubernetes.io/control-plane": ""}},
            "spec": {"unschedulable": True},
            "status": {"conditions": [{"type": "Ready", "status": "False"}], "nodeInfo": {"kubeletVersion": "v1.33.0"},
                       "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}]}}
    assert nodes.NodeStrategy().table_row(node) == [
        "n1", "NotReady,SchedulingDisabled", "control-plane", "90s", "v1.33.0", "10.0.0.5", "<none>", "<unknown>", "<unknown>", "<unknown>"]


# --- Events ---------------------------------------------------------------------------------------------------


def test_core_event_validation() -> None:
    s = events.EventStrategy()
    ev = {"metadata": meta("Pod_Event.1"), "involvedObject": {"kind": "Pod", "name": "p", "namespace": "other"}}
    assert lines(s.validate(ev)) == ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']
    ev["involvedObject"]["namespace"] = "ns"
    assert s.validate(ev) == []  # core/v1 event names only need to be path segments
    new_api = {"metadata": meta("e"), "involvedObject": {"kind": "Pod", "name": "p", "namespace": "ns"},
               "eventTime": "2024-01-01T00:00:00.000000Z"}
    assert lines(s.validate(new_api)) == ["reportingComponent: Required value", 'reportingComponent: Invalid value: "": name part must be non-empty',
                                          "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' "
                                          "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
                                          "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                                          "reportingInstance: Required value", "action: Required value", "reason: Required value"]


def test_events_k8s_io_create_rules() -> None:
    obj = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "Bad", "namespace": "default"},
           "regarding": {"kind": "Pod", "name": "p"}, "type": "Info", "deprecatedCount": 2}
    with pytest.raises(StatusError) as info:
        events.events_to_core(obj)
    assert lines(info.value.details["causes"]) == [  # type: ignore[index]
        "metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
        "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        "eventTime: Required value",
        'type: Invalid value: "": has invalid value: Info',
        'count: Invalid value: "": needs to be unset',
    ]


def test_event_encoding_and_conversion() -> None:
    s = events.EventStrategy()
    ev: Obj = {"metadata": meta("e"), "involvedObject": {"kind": "Pod", "name": "p", "namespace": "ns"}, "reason": "Pulled"}
    s.canonicalize(ev)
    assert {k: ev[k] for k in ("eventTime", "firstTimestamp", "lastTimestamp", "source", "reportingComponent", "reportingInstance")} == {
        "eventTime": None, "firstTimestamp": None, "lastTimestamp": None, "source": {}, "reportingComponent": "", "reportingInstance": ""}
    new = events.core_to_events(ev)
    assert "reportingController" not in new and "reportingInstance" not in new  # omitempty in events.k8s.io/v1
    assert (new["deprecatedSource"], new["deprecatedFirstTimestamp"], new["regarding"]["name"]) == ({}, None, "p")


def test_event_field_selectors_of_both_versions() -> None:
    s = events.EventStrategy()
    ev = {"metadata": meta("e"), "involvedObject": {"kind": "Pod", "name": "p", "namespace": "ns"},
          "reportingComponent": "kubelet", "type": "Warning"}
    fields = s.selectable_fields(ev)
    assert (fields["involvedObject.name"], fields["source"], fields["reportingComponent"]) == ("p", "kubelet", "kubelet")
    supported = s.supported_fields()
    # events.k8s.io/v1 converts its names to the stored core Event's; each version refuses the other's.
    converted = check_supported(parse("regarding.name=p,reportingController=kubelet"), supported, "events", "events.k8s.io/v1")
    assert converted.matches(fields)
    assert str(converted) == "involvedObject.name=p,reportingComponent=kubelet"
    with pytest.raises(StatusError, match="field label not supported: involvedObject.name"):
        check_supported(parse("involvedObject.name=p"), supported, "events", "events.k8s.io/v1")
    with pytest.raises(StatusError, match="field label not supported: regarding.name"):
        check_supported(parse("regarding.name=p"), supported, "events", "v1")
    assert check_supported(parse("involvedObject.name=p,source=kubelet"), supported, "events", "v1").matches(fields)


def test_event_rows() -> None:
    s = events.EventStrategy()
    old = {"metadata": {"name": "e1"}, "type": "Normal", "reason": "Pulled", "message": " pulled \n",
           "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{app}"},
           "source": {"component": "kubelet", "host": "node-1"}, "firstTimestamp": ago(600), "lastTimestamp": ago(60), "count": 3}
    assert s.table_row(old) == ["60s", "Normal", "Pulled", "pod/web", "spec.containers{app}", "kubelet, node-1", "pulled", "10m", 3, "e1"]
    series = {"metadata": {"name": "e2"}, "type": "Warning", "reason": "BackOff", "involvedObject": {"kind": "Node"},
              "eventTime": ago(300).replace("Z", ".000000Z"), "series": {"count": 7, "lastObservedTime": ago(5).replace("Z", ".000000Z")},
              "reportingComponent": "kubelet"}
    assert s.table_row(series) == ["5s", "Warning", "BackOff", "node", "", "kubelet", "", "5m", 7, "e2"]


# --- the other kinds -----------------------------------------------------------------------------------------


def test_replication_controller_template_labels_message() -> None:
    s = core.ReplicationControllerStrategy()
    rc = created(s, {"metadata": meta("rc"), "spec": {"selector": {"app": "a"}, "template": {
        "metadata": {"labels": {"app": "b", "tier": "web"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
    assert lines(s.validate(rc))[0] == (
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b", "tier":"web"}: `selector` does not match template `labels`')


def test_resource_quota_messages() -> None:
    s = core.ResourceQuotaStrategy()
    quota = created(s, {"metadata": meta("q"), "spec": {"hard": {"pods": "10", "cpus": "1", "requests.memory": "-1"},
                                                         "scopes": ["BestEffort", "NotBestEffort"]}})
    assert lines(s.validate(quota)) == [
        'spec.hard[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified',
        'spec.hard[cpus]: Invalid value: "cpus": must be a standard resource for quota',
        'spec.hard[requests.memory]: Invalid value: "-1": must be greater than or equal to 0',
        'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: unsupported scope applied to resource',
        'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes',
    ]


def test_quota_and_storage_rows() -> None:
    quota = {"metadata": {"name": "q", "creationTimestamp": ago(10)},
             "status": {"hard": {"requests.cpu": "1", "limits.cpu": "2", "pods": "10"}, "used": {"requests.cpu": "500m"}}}
    assert core.ResourceQuotaStrategy().table_row(quota) == ["q", "pods: 0/10, requests.cpu: 500m/1", "limits.cpu: 0/2", "10s"]
    pvc = {"metadata": {"name": "claim", "creationTimestamp": ago(10)},
           "spec": {"volumeName": "pv-1", "storageClassName": "fast", "volumeMode": "Filesystem"},
           "status": {"phase": "Bound", "capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"]}}
    assert core.PersistentVolumeClaimStrategy().table_row(pvc) == [
        "claim", "Bound", "pv-1", "5Gi", "RWO,ROX", "fast", "<unset>", "10s", "Filesystem"]


def test_component_status_is_a_plain_error_when_unknown() -> None:
    class FakeStore:
        storage = None

    store = FakeStore()
    core.ComponentStatusStrategy().attach(store, None)
    import asyncio

    with pytest.raises(StatusError) as info:
        asyncio.run(store.get("", "scheduler-x"))  # type: ignore[attr-defined]
    assert (info.value.code, info.value.message) == (500, "Internal error occurred: Component not found: scheduler-x")


def test_default_tolerations_join_the_pods_own() -> None:
    own = {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}
    obj = created(core.PodStrategy(), pod(tolerations=[own]))
    assert obj["spec"]["tolerations"] == [own, {"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                                                "effect": "NoExecute", "tolerationSeconds": 300}]
    everything = created(core.PodStrategy(), pod(tolerations=[{"operator": "Exists"}]))
    assert everything["spec"]["tolerations"] == [{"operator": "Exists"}]


def test_new_api_events_need_their_namespace_outside_default() -> None:
    ev: Obj = {"metadata": meta("e", namespace="team"), "involvedObject": {"kind": "Node", "name": "n1"},
          "eventTime": "2024-01-01T00:00:00.000000Z", "reportingComponent": "kubelet", "reportingInstance": "n1",
          "action": "Check", "reason": "Checked"}
    assert lines(events.EventStrategy().validate(ev)) == ['involvedObject.namespace: Invalid value: "": does not match event.namespace']
    ev["metadata"]["namespace"] = "kube-system"
    assert events.EventStrategy().validate(ev) == []
