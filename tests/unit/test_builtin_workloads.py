"""Built-in kinds of the workloads, services and nodes areas: upstream's defaults, the
exact validation messages kubectl prints, table rows, cron schedules, and the cluster IP
and node port allocators."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from kubelite.apis import apps, batch, core, nodes, podspec, services
from kubelite.machinery import errors
from kubelite.machinery.errors import StatusError

Obj = dict[str, Any]


def lines(causes: list[dict[str, str]]) -> list[str]:
    return [f"{c['field']}: {c['message']}" if c.get("field") else c["message"] for c in causes]


def meta(name: str = "x", namespace: str | None = "ns", **extra: Any) -> Obj:
    m: Obj = {"name": name, "uid": "u-1", "creationTimestamp": "2024-01-01T00:00:00Z", **extra}
    if namespace is not None:
        m["namespace"] = namespace
    return m


def template(labels: dict[str, str] | None = None, restart: str | None = None, **spec: Any) -> Obj:
    pod: Obj = {"containers": [{"name": "c", "image": "nginx:1.25"}], **spec}
    if restart:
        pod["restartPolicy"] = restart
    return {"metadata": {"labels": labels or {"app": "a"}}, "spec": pod}


def created(strategy: Any, obj: Obj) -> Obj:
    """What the store does on create, up to validation."""
    strategy.prepare_for_create(obj)
    strategy.default(obj)
    return obj


# --- pod templates -------------------------------------------------------------------------------


def test_container_defaults_and_quantities() -> None:
    spec: Obj = {"containers": [{
        "name": "c", "image": "nginx", "ports": [{"containerPort": 80}],
        "resources": {"limits": {"cpu": "0.5", "memory": "1.5Gi"}, "requests": {"cpu": "100u"}},
        "livenessProbe": {"httpGet": {"port": 80}},
        "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
    }], "volumes": [{"name": "v"}, {"name": "s", "secret": {"secretName": "s"}}]}
    podspec.default_pod_spec(spec)
    c = spec["containers"][0]
    assert c["imagePullPolicy"] == "Always"
    assert c["resources"] == {"limits": {"cpu": "500m", "memory": "1536Mi"}, "requests": {"cpu": "1m"}}
    assert c["ports"][0]["protocol"] == "TCP"
    assert c["livenessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                  "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert spec["volumes"] == [{"name": "v", "emptyDir": {}}, {"name": "s", "secret": {"secretName": "s", "defaultMode": 420}}]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["terminationGracePeriodSeconds"]) == ("Always", "ClusterFirst", 30)


def test_pod_only_defaults_copy_limits_to_requests() -> None:
    spec: Obj = {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": "1"}}}]}
    podspec.default_pod_spec(spec)
    podspec.default_pod_only(spec)
    assert spec["containers"][0]["resources"]["requests"] == {"cpu": "1"}
    tmpl: Obj = {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": "1"}}}]}
    podspec.default_pod_spec(tmpl)
    assert "requests" not in tmpl["containers"][0]["resources"]


def test_malformed_quantity_is_a_bad_request() -> None:
    with pytest.raises(StatusError) as info:
        podspec.default_pod_spec({"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": "lots"}}}]}, "Deployment")
    assert info.value.code == 400
    assert info.value.message.startswith('Deployment in version "v1" cannot be handled as a Deployment: quantities must match')


def test_pod_spec_validation_messages() -> None:
    spec: Obj = {"containers": [
        {"name": "c", "image": "i", "ports": [{"containerPort": 0, "name": "Bad_Name"}],
         "volumeMounts": [{"name": "missing", "mountPath": "/a"}],
         "env": [{"name": "A=B"}],
         "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}},
         "livenessProbe": {"successThreshold": 2}},
        {"name": "c"},
    ], "volumes": [{"name": "v", "emptyDir": {}, "hostPath": {"path": "/x"}}]}
    podspec.default_pod_spec(spec)
    got = lines(podspec.validate_pod_spec(spec, "spec"))
    assert "spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type" in got
    assert 'spec.containers[0].ports[0].name: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)' in got
    assert "spec.containers[0].ports[0].containerPort: Required value" in got
    assert 'spec.containers[0].volumeMounts[0].name: Not found: "missing"' in got
    assert ('spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of '
            "printable ASCII characters other than '='") in got
    assert 'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1' in got
    assert "spec.containers[0].livenessProbe: Required value: must specify a handler type" in got
    assert "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1" in got
    assert "spec.containers[1].image: Required value" in got
    assert 'spec.containers[1].name: Duplicate value: "c"' in got


def test_template_labels_are_reported_at_the_template_path() -> None:
    t = template({"a": "b c"})
    podspec.default_pod_template(t)
    got = lines(podspec.validate_pod_template_spec(t, "spec.template"))
    assert got and got[0].startswith('spec.template.labels: Invalid value: "b c"')


# --- apps -------------------------------------------------------------------------------------------


def test_statefulset_defaults() -> None:
    s = apps.StatefulSetStrategy()
    obj = created(s, {"metadata": meta("web"), "spec": {"selector": {"matchLabels": {"app": "a"}}, "template": template(),
                                                         "volumeClaimTemplates": [{"metadata": {"name": "d"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}]}})
    spec = obj["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert (spec["replicas"], spec["revisionHistoryLimit"]) == (1, 10)
    assert spec["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"
    assert spec["volumeClaimTemplates"][0]["status"] == {"phase": "Pending"}
    assert obj["status"] == {"replicas": 0, "availableReplicas": 0}
    assert s.validate(obj) == []


def test_statefulset_update_rules() -> None:
    s = apps.StatefulSetStrategy()
    old = created(s, {"metadata": meta("web", resourceVersion="1"), "spec": {"serviceName": "web", "selector": {"matchLabels": {"app": "a"}}, "template": template()}})
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    assert s.validate_update(new, old) == []
    new["spec"]["serviceName"] = "other"
    assert any("updates to statefulset spec for fields other than 'replicas'" in m for m in lines(s.validate_update(new, old)))
    bad = created(s, {"metadata": meta("w"), "spec": {"serviceName": "Not_A_Label", "selector": {"matchLabels": {"app": "a"}}, "template": template()}})
    assert any(m.startswith('spec.serviceName: Invalid value: "Not_A_Label"') for m in lines(s.validate(bad)))


def test_daemonset_defaults_validation_and_row() -> None:
    s = apps.DaemonSetStrategy()
    obj = created(s, {"metadata": meta("ds"), "spec": {"selector": {"matchLabels": {"app": "a"}}, "template": template(nodeSelector={"os": "linux"})}})
    assert obj["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert obj["spec"]["revisionHistoryLimit"] == 10
    assert s.validate(obj) == []
    row = s.table_row(obj)
    assert row[:7] == ["ds", 0, 0, 0, 0, 0, "os=linux"]
    assert row[-3:] == ["c", "nginx:1.25", "app=a"]
    both = copy.deepcopy(obj)
    both["spec"]["updateStrategy"]["rollingUpdate"] = {"maxUnavailable": 1, "maxSurge": 1}
    assert ('spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: '
            "may not be set when maxUnavailable is non-zero") in lines(s.validate(both))


def test_replicaset_selector_rules() -> None:
    s = apps.ReplicaSetStrategy()
    obj = created(s, {"metadata": meta("rs"), "spec": {"selector": {"matchLabels": {"app": "b"}}, "template": template()}})
    assert obj["status"] == {"replicas": 0}
    assert 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`' in lines(s.validate(obj))
    good = created(s, {"metadata": meta("rs", resourceVersion="1"), "spec": {"selector": {"matchLabels": {"app": "a"}}, "template": template()}})
    changed = copy.deepcopy(good)
    changed["spec"]["selector"] = {"matchLabels": {"app": "a", "x": "y"}}
    changed["spec"]["template"]["metadata"]["labels"]["x"] = "y"
    assert ('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "x":"y"}, '
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable") in lines(s.validate_update(changed, good))


def test_controller_revision_row_names_its_controller() -> None:
    s = apps.ControllerRevisionStrategy()
    obj = {"metadata": meta("web-1", ownerReferences=[{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u", "controller": True}]),
           "data": {}, "revision": 3}
    assert s.table_row(obj)[:3] == ["web-1", "statefulset.apps/web", 3]


def test_replication_controller_selector_defaults_to_template_labels() -> None:
    s = core.ReplicationControllerStrategy()
    obj = created(s, {"metadata": meta("rc"), "spec": {"template": template({"app": "rc"})}})
    assert obj["spec"]["selector"] == {"app": "rc"}
    assert obj["metadata"]["labels"] == {"app": "rc"}
    assert obj["spec"]["replicas"] == 1
    assert obj["status"] == {"replicas": 0}
    assert s.validate(obj) == []
    assert s.table_row(obj)[:4] == ["rc", 1, 0, 0]
    assert s.table_row(obj)[-1] == "app=rc"


# --- batch ------------------------------------------------------------------------------------------


def test_job_defaults_and_generated_selector() -> None:
    s = batch.JobStrategy()
    obj = created(s, {"metadata": meta("j1", uid="abc"), "spec": {"template": template(restart="Never")}})
    spec = obj["spec"]
    assert (spec["backoffLimit"], spec["completions"], spec["parallelism"]) == (6, 1, 1)
    assert (spec["completionMode"], spec["suspend"], spec["podReplacementPolicy"], spec["manualSelector"]) == \
        ("NonIndexed", False, "TerminatingOrFailed", False)
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "abc"}}
    labels = spec["template"]["metadata"]["labels"]
    assert labels == {"app": "a", "batch.kubernetes.io/controller-uid": "abc", "batch.kubernetes.io/job-name": "j1",
                      "controller-uid": "abc", "job-name": "j1"}
    assert obj["metadata"]["labels"] == labels
    assert s.validate(obj) == []


def test_job_restart_policy_and_immutable_template() -> None:
    s = batch.JobStrategy()
    obj = created(s, {"metadata": meta("j1", uid="abc"), "spec": {"template": template()}})
    assert 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' in lines(s.validate(obj))
    old = created(s, {"metadata": meta("j2", uid="abc", resourceVersion="1"), "spec": {"template": template(restart="Never")}})
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "other"
    assert any(m.startswith("spec.template: Invalid value:") and m.endswith("field is immutable") for m in lines(s.validate_update(new, old)))
    suspended = copy.deepcopy(old)
    suspended["spec"]["suspend"] = True
    resumed = copy.deepcopy(suspended)
    resumed["spec"]["template"]["spec"]["nodeSelector"] = {"zone": "a"}
    assert s.validate_update(resumed, suspended) == []


def test_job_table_row() -> None:
    s = batch.JobStrategy()
    obj = created(s, {"metadata": meta("j1"), "spec": {"template": template(restart="Never")}})
    obj["status"] = {"succeeded": 1, "startTime": "2024-01-01T00:00:00Z", "completionTime": "2024-01-01T00:00:42Z",
                     "conditions": [{"type": "Complete", "status": "True"}]}
    assert s.table_row(obj)[:4] == ["j1", "Complete", "1/1", "42s"]


def test_cronjob_defaults_and_row() -> None:
    s = batch.CronJobStrategy()
    obj = created(s, {"metadata": meta("cj"), "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": template(restart="OnFailure")}}}})
    spec = obj["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"], spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)
    assert s.validate(obj) == []
    assert s.table_row(obj)[:6] == ["cj", "*/5 * * * *", "<none>", "False", 0, "<none>"]


@pytest.mark.parametrize(("schedule", "message"), [
    ("not a schedule", "expected exactly 5 fields, found 3: [not a schedule]"),
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("", "empty spec string"),
])
def test_cron_parse_errors(schedule: str, message: str) -> None:
    with pytest.raises(batch.CronError) as info:
        batch.parse_cron(schedule)
    assert str(info.value) == message


@pytest.mark.parametrize("schedule", ["*/5 * * * *", "0 0 1 jan-mar mon", "@hourly", "@every 1h30m", "0,30 9-17 * * 1-5", "CRON_TZ=UTC 0 * * * *"])
def test_cron_parse_accepts(schedule: str) -> None:
    batch.parse_cron(schedule)


def test_cronjob_time_zone() -> None:
    assert batch.validate_time_zone("Europe/Paris", "spec.timeZone") == []
    assert lines(batch.validate_time_zone("Mars/Base", "spec.timeZone")) == ['spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base']
    assert lines(batch.validate_time_zone("", "spec.timeZone")) == ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']


# --- services ---------------------------------------------------------------------------------------


def service(name: str = "s", **spec: Any) -> Obj:
    return {"metadata": meta(name), "spec": {"selector": {"app": "a"}, "ports": [{"port": 80}], **spec}}


def test_service_defaults() -> None:
    s = services.ServiceStrategy()
    obj = created(s, service(type="NodePort"))
    spec = obj["spec"]
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert (spec["sessionAffinity"], spec["internalTrafficPolicy"], spec["externalTrafficPolicy"]) == ("None", "Cluster", "Cluster")
    assert obj["status"] == {"loadBalancer": {}}
    lb = created(s, service(type="LoadBalancer"))
    assert lb["spec"]["allocateLoadBalancerNodePorts"] is True
    cip = created(s, service())
    assert "externalTrafficPolicy" not in cip["spec"]


def test_service_validation_messages() -> None:
    s = services.ServiceStrategy()
    obj = created(s, service(ports=[{"port": 80, "name": "a"}, {"port": 80, "name": "a"}, {"port": 70000}], type="Foo"))
    got = lines(s.validate(obj))
    assert 'spec.ports[1].name: Duplicate value: "a"' in got
    assert "spec.ports[2].name: Required value" in got
    assert "spec.ports[2].port: Invalid value: 70000: must be between 1 and 65535, inclusive" in got
    assert ('spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, '
            'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}') in got
    assert 'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' in got
    no_ports = created(s, {"metadata": meta("n"), "spec": {}})
    assert "spec.ports: Required value" in lines(s.validate(no_ports))
    headless = created(s, {"metadata": meta("h"), "spec": {"clusterIP": "None", "clusterIPs": ["None"]}})
    assert "spec.ports: Required value" not in lines(s.validate(headless))
    assert any(m.startswith('metadata.name: Invalid value: "Bad"') for m in lines(s.validate(created(s, service("Bad")))))


def test_service_table_row() -> None:
    s = services.ServiceStrategy()
    obj = service(type="NodePort", clusterIP="10.0.0.5", clusterIPs=["10.0.0.5"], ports=[{"port": 80, "protocol": "TCP", "nodePort": 30080}, {"port": 53, "protocol": "UDP"}])
    assert s.table_row(obj)[:5] == ["s", "NodePort", "10.0.0.5", "<none>", "80:30080/TCP,53/UDP"]
    assert s.table_row(obj)[-1] == "app=a"
    lb = service(type="LoadBalancer", clusterIPs=["10.0.0.6"])
    assert s.table_row(lb)[3] == "<pending>"
    lb["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    assert s.table_row(lb)[3] == "1.2.3.4"
    assert s.table_row({"metadata": meta("e"), "spec": {"type": "ExternalName", "externalName": "example.com"}})[2:5] == ["<none>", "example.com", "<none>"]


def test_ip_range_layout() -> None:
    rng = services.IPRange("10.96.0.0/12")
    assert rng.first() == "10.96.0.1"
    assert rng.bitmap.size == 2**20 - 2
    assert rng.bitmap.offset == 256
    ip = rng.allocate_next()
    assert rng.index(services._ip(ip)) >= 256  # type: ignore[arg-type,operator]  # dynamic IPs come from the upper band
    small = services.IPRange("192.168.0.0/29")  # 6 usable addresses, no static band
    got = {small.allocate_next() for _ in range(6)}
    assert got == {f"192.168.0.{i}" for i in range(1, 7)}
    with pytest.raises(services.RangeFull):
        small.allocate_next()


def test_port_range() -> None:
    ports = services.PortRange("30000-32767")
    assert (ports.base, ports.bitmap.size, ports.bitmap.offset) == (30000, 2768, 86)
    ports.allocate(30080)
    with pytest.raises(services.AllocationError, match="provided port is already allocated"):
        ports.allocate(30080)
    with pytest.raises(services.AllocationError, match="provided port is not in the valid range. The range of valid ports is 30000-32767"):
        ports.allocate(80)
    assert services.PortRange("30000+9").spec == "30000-30009"


def test_allocator_create_conflict_release_and_families() -> None:
    alloc = services.ServiceAllocator("10.96.0.0/12", "30000-32767")
    first = service("a", clusterIP="10.96.0.10", clusterIPs=["10.96.0.10"], type="NodePort")
    services.ServiceStrategy().default(first)
    alloc.allocate_create(first, dry_run=False).commit()
    assert first["spec"]["ipFamilies"] == ["IPv4"] and first["spec"]["ipFamilyPolicy"] == "SingleStack"
    node_port = first["spec"]["ports"][0]["nodePort"]
    assert 30086 <= node_port <= 32767
    second = service("b", clusterIP="10.96.0.10", clusterIPs=["10.96.0.10"])
    services.ServiceStrategy().default(second)
    with pytest.raises(StatusError) as info:
        alloc.allocate_create(second, dry_run=False)
    assert info.value.code == 422
    assert info.value.message == ('Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: '
                                  "failed to allocate IP 10.96.0.10: provided IP is already allocated")
    outside = service("c", clusterIP="1.2.3.4", clusterIPs=["1.2.3.4"])
    services.ServiceStrategy().default(outside)
    with pytest.raises(StatusError) as info:
        alloc.allocate_create(outside, dry_run=False)
    assert "the provided IP (1.2.3.4) is not in the valid range. The range of valid IPs is 10.96.0.0/12" in info.value.message
    alloc.release_service(first)
    again = service("d", clusterIP="10.96.0.10", clusterIPs=["10.96.0.10"], type="NodePort", ports=[{"port": 80, "nodePort": node_port}])
    services.ServiceStrategy().default(again)
    alloc.allocate_create(again, dry_run=False).commit()


def test_allocator_revert_and_dry_run_keep_nothing() -> None:
    alloc = services.ServiceAllocator("10.96.0.0/24", "30000-30010")
    svc = service("a", type="NodePort")
    services.ServiceStrategy().default(svc)
    txn = alloc.allocate_create(svc, dry_run=True)
    txn.commit()
    assert not alloc.ranges["IPv4"].bitmap.used and not alloc.ports.bitmap.used
    svc2 = service("b", type="NodePort")
    services.ServiceStrategy().default(svc2)
    alloc.allocate_create(svc2, dry_run=False).revert()
    assert not alloc.ranges["IPv4"].bitmap.used and not alloc.ports.bitmap.used


def test_allocator_update_releases_node_ports_and_keeps_ip() -> None:
    alloc = services.ServiceAllocator("10.96.0.0/24", "30000-30100")
    strategy = services.ServiceStrategy()
    old = service("a", type="NodePort")
    strategy.default(old)
    alloc.allocate_create(old, dry_run=False).commit()
    new: Obj = {"metadata": old["metadata"], "spec": {"type": "ClusterIP", "selector": {"app": "a"}, "ports": [{"port": 80}]}}
    strategy.default(new)
    services.patch_allocated_values(new, old)
    services.normalize_cluster_ips(new, old)
    alloc.allocate_update(new, old, dry_run=False).commit()
    assert new["spec"]["clusterIP"] == old["spec"]["clusterIP"]
    assert not alloc.ports.bitmap.used
    assert services.validate_service_update(new, old) == []


def test_allocator_loads_stored_services_once() -> None:
    alloc = services.ServiceAllocator("10.96.0.0/12", "30000-32767")
    stored = [{"metadata": meta("k"), "spec": {"type": "NodePort", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                                                "ports": [{"port": 443, "nodePort": 30443}]}}]
    calls = []

    async def listing() -> list[Obj]:
        calls.append(1)
        return stored

    asyncio.run(alloc.ensure_loaded(listing))
    asyncio.run(alloc.ensure_loaded(listing))
    assert calls == [1]
    with pytest.raises(services.AllocationError):
        alloc.ranges["IPv4"].allocate("10.96.0.1")
    with pytest.raises(services.AllocationError):
        alloc.ports.allocate(30443)


def test_cluster_ip_immutable_message() -> None:
    old = service(clusterIP="10.96.0.5", clusterIPs=["10.96.0.5"])
    new = service(clusterIP="10.96.0.6", clusterIPs=["10.96.0.6"])
    assert lines(services.validate_service_update(new, old)) == [
        'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set'
    ]


def test_endpoints_and_slices() -> None:
    eps = services.EndpointsStrategy()
    obj = created(eps, {"metadata": meta("e"), "subsets": [{"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 5)], "ports": [{"port": 80}]}]})
    assert obj["subsets"][0]["ports"][0]["protocol"] == "TCP"
    assert eps.validate(obj) == []
    assert eps.table_row(obj)[1] == "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more..."
    loop = {"metadata": meta("l"), "subsets": [{"addresses": [{"ip": "127.0.0.1"}]}]}
    assert lines(eps.validate(loop)) == ['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']
    sl = services.EndpointSliceStrategy()
    slice_obj = created(sl, {"metadata": meta("s"), "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}], "ports": [{"port": 80}]})
    assert slice_obj["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]
    assert slice_obj["endpoints"] == [{"addresses": ["10.0.0.1"], "conditions": {}}]
    assert slice_obj["metadata"]["generation"] == 1
    assert sl.validate(slice_obj) == []
    assert sl.table_row(slice_obj)[1:4] == ["IPv4", "80", "10.0.0.1"]
    assert sl.table_row({"metadata": meta("e"), "addressType": "IPv4"})[2:4] == ["<unset>", "<unset>"]
    bad = {"metadata": meta("b"), "addressType": "IPv6", "endpoints": [{"addresses": ["10.0.0.1"]}]}
    assert 'endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be an IPv6 address' in lines(sl.validate(bad))


# --- nodes ------------------------------------------------------------------------------------------


def test_node_row_status_and_roles() -> None:
    s = nodes.NodeStrategy()
    node = {"metadata": meta("n1", namespace=None, labels={"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "worker"}),
            "spec": {"unschedulable": True},
            "status": {"conditions": [{"type": "Ready", "status": "False"}], "nodeInfo": {"kubeletVersion": "v1.33.0"},
                       "addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]}}
    row = s.table_row(node)
    assert row[:3] == ["n1", "NotReady,SchedulingDisabled", "control-plane,worker"]
    assert row[4:] == ["v1.33.0", "10.0.0.2", "<none>", "<unknown>", "<unknown>", "<unknown>"]
    assert s.table_row({"metadata": meta("n2", namespace=None)})[1:3] == ["Unknown", "<none>"]
    assert s.selectable_fields(node)["spec.unschedulable"] == "true"


def test_node_keeps_status_on_create_and_defaults_allocatable() -> None:
    s = nodes.NodeStrategy()
    node = created(s, {"metadata": meta("n1", namespace=None), "status": {"capacity": {"cpu": "4", "memory": "1.5Gi"}}})
    assert node["status"] == {"capacity": {"cpu": "4", "memory": "1536Mi"}, "allocatable": {"cpu": "4", "memory": "1536Mi"}}
    bad = {"metadata": meta("n1", namespace=None), "spec": {"taints": [{"key": "k", "effect": "Sometimes"}]}}
    # Upstream reports node taints under metadata (ValidateNode's fldPath), not spec.
    assert lines(s.validate(bad)) == ['metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']


class FakeStorage:
    """Enough of the storage contract for bind_pod: one object, read-modify-write."""

    def __init__(self, obj: Obj) -> None:
        self.obj = obj

    async def guaranteed_update(self, key: str, fn: Any, preconditions: Any = None) -> Obj:
        out = await fn(copy.deepcopy(self.obj))
        if out is not None:
            self.obj = out
        return self.obj


def test_binding_sets_node_then_conflicts() -> None:
    storage = FakeStorage({"metadata": meta("p1"), "spec": {}, "status": {"phase": "Pending"}})
    body = {"metadata": {"name": "p1"}, "target": {"kind": "Node", "name": "n1"}}
    assert asyncio.run(nodes.bind_pod(storage, "ns", "p1", body, dry_run=False))["status"] == "Success"
    assert storage.obj["spec"]["nodeName"] == "n1"
    assert storage.obj["status"]["conditions"][0]["type"] == "PodScheduled"
    with pytest.raises(StatusError) as info:
        asyncio.run(nodes.bind_pod(storage, "ns", "p1", body, dry_run=False))
    assert (info.value.code, info.value.message) == (409, 'Operation cannot be fulfilled on pods/binding "p1": pod p1 is already assigned to node "n1"')
    with pytest.raises(StatusError) as info:
        asyncio.run(nodes.bind_pod(storage, "ns", "p1", {"target": {}}, dry_run=False))
    assert info.value.code == 422


def test_component_status_row() -> None:
    s = core.ComponentStatusStrategy()
    assert s.table_row({"metadata": {"name": "etcd-0"}, "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}) == ["etcd-0", "Healthy", "ok", ""]


def test_pv_and_pvc() -> None:
    pv = core.PersistentVolumeStrategy()
    obj = created(pv, {"metadata": meta("pv1", namespace=None), "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/x"}}})
    assert (obj["spec"]["persistentVolumeReclaimPolicy"], obj["spec"]["volumeMode"], obj["status"]["phase"]) == ("Retain", "Filesystem", "Pending")
    assert pv.validate(obj) == []
    assert pv.table_row(obj)[1:5] == ["1Gi", "RWO", "Retain", "Pending"]
    pvc = core.PersistentVolumeClaimStrategy()
    claim = created(pvc, {"metadata": meta("c"), "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    assert claim["status"] == {"phase": "Pending"} and claim["spec"]["volumeMode"] == "Filesystem"
    assert pvc.validate(claim) == []
    empty = created(pvc, {"metadata": meta("c"), "spec": {}})
    assert lines(pvc.validate(empty)) == ["spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value"]


def test_limit_range_defaults() -> None:
    s = core.LimitRangeStrategy()
    obj = created(s, {"metadata": meta("lr"), "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "0.5Gi"}}]}})
    item = obj["spec"]["limits"][0]
    assert item["default"] == {"cpu": "2"}
    assert item["defaultRequest"] == {"cpu": "2", "memory": "512Mi"}
    assert s.validate(obj) == []
    assert s.table_row(obj) == ["lr", "2024-01-01T00:00:00Z"]


def test_errors_module_is_used_consistently() -> None:
    # A guard: the helpers return upstream's cause shapes.
    assert errors.required("a")["reason"] == "FieldValueRequired"
