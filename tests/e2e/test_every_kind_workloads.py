"""Every built-in workload kind (apps/v1, batch/v1, autoscaling v1 and v2, policy/v1) against a
real `kubelite serve`, from manifests upstream accepts (tests/e2e/manifests/<group>): kubectl
creates each one, reads it back with the defaults a 1.33 kube-apiserver sets, prints it with
upstream's columns (and `-o wide`), the `kubernetes` client reads, replaces and patches it, and
kubectl deletes it until a read answers 404. Invalid manifests get upstream's messages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client

from tests.e2e.conftest import Kubectl
from tests.e2e.helpers import table_columns, wait_until_not_found

MANIFESTS = Path(__file__).parent / "manifests"
Obj = dict[str, Any]

TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


# --- the defaults a 1.33 kube-apiserver adds to each manifest -------------------------------------


def pod_template_defaults(template: Obj, restart: str = "Always", grace: int = 30) -> None:
    """What SetDefaults_PodSpec and SetDefaults_Container add to a pod template (not what only a
    Pod gets: no service account, tolerations, priority or enableServiceLinks)."""
    # Go serializes the zero creationTimestamp of an embedded ObjectMeta as null (until 1.34).
    assert template["metadata"]["creationTimestamp"] is None
    spec = template["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["terminationGracePeriodSeconds"]) == (restart, "ClusterFirst", grace)
    assert (spec["schedulerName"], spec["securityContext"]) == ("default-scheduler", {})
    for pod_only in ("serviceAccountName", "priority", "enableServiceLinks", "preemptionPolicy"):
        assert pod_only not in spec, pod_only
    for c in spec["containers"]:
        assert (c["terminationMessagePath"], c["terminationMessagePolicy"]) == ("/dev/termination-log", "File")
        assert c["imagePullPolicy"] == "IfNotPresent"
        for port in c.get("ports", []):
            assert port["protocol"] == "TCP"


def deployment_defaults(d: Obj) -> None:
    spec = d["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["replicas"], spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (3, 10, 600)
    pod_template_defaults(spec["template"])
    nginx = spec["template"]["spec"]["containers"][0]
    assert nginx["readinessProbe"] == {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "timeoutSeconds": 1,
                                       "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert nginx["resources"] == {"requests": {"cpu": "100m", "memory": "128Mi"}}
    assert d["status"] == {} and d["metadata"]["generation"] == 1


def replicaset_defaults(rs: Obj) -> None:
    assert rs["spec"]["replicas"] == 3 and "minReadySeconds" not in rs["spec"]
    # apps/v1 does not copy the template's labels to the ReplicaSet (extensions/v1beta1 did).
    assert rs["metadata"]["labels"] == {"app": "guestbook", "tier": "frontend"}
    pod_template_defaults(rs["spec"]["template"])
    assert rs["spec"]["template"]["spec"]["containers"][0]["resources"] == {}
    assert rs["status"] == {"replicas": 0} and rs["metadata"]["generation"] == 1


def statefulset_defaults(sts: Obj) -> None:
    spec = sts["spec"]
    assert (spec["podManagementPolicy"], spec["revisionHistoryLimit"], spec["replicas"]) == ("OrderedReady", 10, 3)
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    pod_template_defaults(spec["template"], grace=10)
    claim = spec["volumeClaimTemplates"][0]
    # A claim template is defaulted as a PersistentVolumeClaim, status included.
    assert claim["metadata"] == {"name": "www", "creationTimestamp": None}
    assert claim["spec"]["volumeMode"] == "Filesystem" and claim["status"] == {"phase": "Pending"}
    assert claim["spec"]["resources"] == {"requests": {"storage": "1Gi"}}
    assert sts["status"] == {"replicas": 0, "availableReplicas": 0} and sts["metadata"]["generation"] == 1


def daemonset_defaults(ds: Obj) -> None:
    spec = ds["spec"]
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert spec["revisionHistoryLimit"] == 10
    pod_template_defaults(spec["template"])
    volume = spec["template"]["spec"]["volumes"][0]
    assert volume == {"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}}
    # apps/v1 carries the internal templateGeneration in this annotation.
    assert ds["metadata"]["annotations"] == {TEMPLATE_GENERATION: "1"}
    assert ds["status"] == {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                            "numberReady": 0}
    assert ds["metadata"]["generation"] == 1


def controllerrevision_defaults(cr: Obj) -> None:
    assert cr["revision"] == 1 and cr["data"]["spec"]["template"]["$patch"] == "replace"
    assert "generation" not in cr["metadata"] and "status" not in cr


def job_defaults(job: Obj) -> None:
    spec, meta = job["spec"], job["metadata"]
    assert (spec["parallelism"], spec["completions"], spec["backoffLimit"]) == (1, 1, 4)
    assert (spec["completionMode"], spec["suspend"], spec["podReplacementPolicy"]) == ("NonIndexed", False, "TerminatingOrFailed")
    # SetDefaults_Job defaults manualSelector to false (since 1.29).
    assert spec["manualSelector"] is False
    uid = meta["uid"]
    generated = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi",
                 "controller-uid": uid, "job-name": "pi"}
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert spec["template"]["metadata"]["labels"] == generated
    # SetDefaults_Job copies the template's labels to a Job without labels (on every decode).
    assert meta["labels"] == generated
    pod_template_defaults(spec["template"], restart="Never")
    assert job["status"] == {} and meta["generation"] == 1


def cronjob_defaults(cj: Obj) -> None:
    spec = cj["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"]) == ("Allow", False)
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 1)
    assert spec["timeZone"] == "Etc/UTC"
    template = spec["jobTemplate"]
    assert template["metadata"] == {"creationTimestamp": None}
    # SetDefaults_Job is for Jobs: a job template keeps its spec as written (the controller's Jobs get the defaults).
    assert set(template["spec"]) == {"template"}
    pod_template_defaults(template["spec"]["template"], restart="OnFailure")
    assert cj["status"] == {} and cj["metadata"]["generation"] == 1


SCALE_UP_DEFAULT = {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
    {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]}


def hpa_v2_defaults(hpa: Obj) -> None:
    spec = hpa["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (1, 10)
    assert spec["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]
    # The rules not written are filled from upstream's defaults; scale-down has no default window.
    assert spec["behavior"] == {"scaleUp": SCALE_UP_DEFAULT, "scaleDown": {"selectPolicy": "Max", "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 60}, {"type": "Percent", "value": 10, "periodSeconds": 60}]}}
    assert hpa["status"] == {"desiredReplicas": 0}


def hpa_v1_defaults(hpa: Obj) -> None:
    assert hpa["spec"] == {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"},
                           "minReplicas": 1, "maxReplicas": 10, "targetCPUUtilizationPercentage": 50}
    assert hpa["status"] == {"currentReplicas": 0, "desiredReplicas": 0}
    assert "annotations" not in hpa["metadata"]


def pdb_defaults(pdb: Obj) -> None:
    assert pdb["spec"] == {"minAvailable": 2, "selector": {"matchLabels": {"app": "zookeeper"}}}
    assert pdb["status"] == {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}
    assert pdb["metadata"]["generation"] == 1


# --- the changes each test makes through the client -------------------------------------------------


def set_in(path: tuple[str | int, ...], value: Any) -> Callable[[Obj], None]:
    def change(obj: Obj) -> None:
        target: Any = obj
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def image(path: tuple[str, ...], value: str) -> Callable[[Obj], None]:
    return set_in((*path, "spec", "containers", 0, "image"), value)


@dataclass(frozen=True)
class Kind:
    kind: str
    file: str  # under MANIFESTS
    resource: str  # as kubectl names it, group-qualified
    name: str
    api: str  # the client's API class
    snake: str  # the client's method stem: read_namespaced_<snake>, ...
    columns: tuple[str, ...]
    wide: tuple[str, ...]  # the extra columns of -o wide
    row: str  # a regular expression the -o wide row matches ({uid} is the object's uid)
    defaults: Callable[[Obj], None]
    change: Callable[[Obj], None]
    changed: tuple[str, str]  # (jsonpath, printed value) after the replace

    @property
    def id(self) -> str:
        return self.file.removesuffix(".yaml")


CONTAINERS = ("CONTAINERS", "IMAGES")
KINDS = [
    Kind("Deployment", "apps/deployment.yaml", "deployments.apps", "nginx-deployment", "AppsV1Api", "deployment",
         ("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), (*CONTAINERS, "SELECTOR"),
         r"^nginx-deployment\s+0/3\s+0\s+0\s+\S+\s+nginx\s+nginx:1\.14\.2\s+app=nginx$",
         deployment_defaults, image(("spec", "template"), "nginx:1.16.1"),
         ("{.spec.template.spec.containers[0].image} {.metadata.generation}", "nginx:1.16.1 2")),
    Kind("ReplicaSet", "apps/replicaset.yaml", "replicasets.apps", "frontend", "AppsV1Api", "replica_set",
         ("NAME", "DESIRED", "CURRENT", "READY", "AGE"), (*CONTAINERS, "SELECTOR"),
         r"^frontend\s+3\s+0\s+0\s+\S+\s+php-redis\s+us-docker\.pkg\.dev/google-samples/containers/gke/gb-frontend:v5\s+tier=frontend$",
         replicaset_defaults, set_in(("spec", "replicas"), 2), ("{.spec.replicas} {.metadata.generation}", "2 2")),
    Kind("StatefulSet", "apps/statefulset.yaml", "statefulsets.apps", "web", "AppsV1Api", "stateful_set",
         ("NAME", "READY", "AGE"), CONTAINERS,
         r"^web\s+0/3\s+\S+\s+nginx\s+registry\.k8s\.io/nginx-slim:0\.24$",
         statefulset_defaults, image(("spec", "template"), "registry.k8s.io/nginx-slim:0.27"),
         ("{.spec.template.spec.containers[0].image} {.metadata.generation}", "registry.k8s.io/nginx-slim:0.27 2")),
    Kind("DaemonSet", "apps/daemonset.yaml", "daemonsets.apps", "fluentd-elasticsearch", "AppsV1Api", "daemon_set",
         ("NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"), (*CONTAINERS, "SELECTOR"),
         r"^fluentd-elasticsearch\s+0\s+0\s+0\s+0\s+0\s+kubernetes\.io/os=linux\s+\S+\s+fluentd-elasticsearch\s+"
         r"quay\.io/fluentd_elasticsearch/fluentd:v2\.5\.2\s+name=fluentd-elasticsearch$",
         daemonset_defaults, image(("spec", "template"), "quay.io/fluentd_elasticsearch/fluentd:v2.6.0"),
         # A template change bumps the template generation the annotation carries.
         ("{.metadata.generation} {.metadata.annotations.deprecated\\.daemonset\\.template\\.generation}", "2 2")),
    Kind("ControllerRevision", "apps/controllerrevision.yaml", "controllerrevisions.apps", "web-7b8c9d6f5", "AppsV1Api",
         "controller_revision", ("NAME", "CONTROLLER", "REVISION", "AGE"), (),
         r"^web-7b8c9d6f5\s+<none>\s+1\s+\S+$",
         controllerrevision_defaults, set_in(("revision",), 2), ("{.revision}", "2")),
    Kind("Job", "batch/job.yaml", "jobs.batch", "pi", "BatchV1Api", "job",
         ("NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"), (*CONTAINERS, "SELECTOR"),
         r"^pi\s+Running\s+0/1\s+\S+\s+pi\s+perl:5\.34\.0\s+batch\.kubernetes\.io/controller-uid={uid}$",
         job_defaults, set_in(("spec", "parallelism"), 2), ("{.spec.parallelism} {.metadata.generation}", "2 2")),
    Kind("CronJob", "batch/cronjob.yaml", "cronjobs.batch", "hello", "BatchV1Api", "cron_job",
         ("NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"), (*CONTAINERS, "SELECTOR"),
         r"^hello\s+\* \* \* \* \*\s+Etc/UTC\s+False\s+0\s+<none>\s+\S+\s+hello\s+busybox:1\.28\s+<none>$",
         cronjob_defaults, set_in(("spec", "schedule"), "*/5 * * * *"), ("{.spec.schedule}", "*/5 * * * *")),
    Kind("HorizontalPodAutoscaler", "autoscaling/horizontalpodautoscaler.yaml", "horizontalpodautoscalers.v2.autoscaling",
         "php-apache", "AutoscalingV2Api", "horizontal_pod_autoscaler",
         ("NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"), (),
         r"^php-apache\s+Deployment/php-apache\s+cpu: <unknown>/50%\s+1\s+10\s+0\s+\S+$",
         hpa_v2_defaults, set_in(("spec", "maxReplicas"), 5), ("{.spec.maxReplicas}", "5")),
    Kind("HorizontalPodAutoscaler", "autoscaling/horizontalpodautoscaler-v1.yaml", "horizontalpodautoscalers.v1.autoscaling",
         "php-apache-v1", "AutoscalingV1Api", "horizontal_pod_autoscaler",
         ("NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"), (),
         r"^php-apache-v1\s+Deployment/php-apache\s+cpu: <unknown>/50%\s+1\s+10\s+0\s+\S+$",
         hpa_v1_defaults, set_in(("spec", "targetCPUUtilizationPercentage"), 70), ("{.spec.targetCPUUtilizationPercentage}", "70")),
    Kind("PodDisruptionBudget", "policy/poddisruptionbudget.yaml", "poddisruptionbudgets.policy", "zk-pdb", "PolicyV1Api",
         "pod_disruption_budget", ("NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"), (),
         r"^zk-pdb\s+2\s+N/A\s+0\s+\S+$",
         pdb_defaults, set_in(("spec", "minAvailable"), "50%"), ("{.spec.minAvailable}", "50%")),
]


def _client_call(api_client: client.ApiClient, kind: Kind, verb: str, ns: str) -> Callable[..., Any]:
    method = getattr(getattr(client, kind.api)(api_client), f"{verb}_namespaced_{kind.snake}")
    return lambda name, *args, **kw: method(name, ns, *args, **kw)


@pytest.mark.parametrize("kind", KINDS, ids=[k.id for k in KINDS])
def test_create_read_update_delete(kind: Kind, kubectl: Kubectl, api_client: client.ApiClient, namespace: str) -> None:
    manifest = MANIFESTS / kind.file
    assert yaml.safe_load(manifest.read_text())["metadata"]["name"] == kind.name

    # create and read back with the server's defaults
    assert f"{kind.name} created" in kubectl("-n", namespace, "create", "-f", str(manifest))
    obj = json.loads(kubectl("-n", namespace, "get", kind.resource, kind.name, "-o", "json"))
    assert obj["kind"] == kind.kind and obj["metadata"]["uid"] and obj["metadata"]["resourceVersion"]
    kind.defaults(obj)

    # print as upstream's printers do
    table = kubectl("-n", namespace, "get", kind.resource, kind.name).splitlines()
    assert table_columns(table[0]) == list(kind.columns), table
    wide = kubectl("-n", namespace, "get", kind.resource, kind.name, "-o", "wide").splitlines()
    assert table_columns(wide[0]) == [*kind.columns, *kind.wide], wide
    assert re.match(kind.row.replace("{uid}", obj["metadata"]["uid"]), wide[1]), wide[1]

    # read, change and replace it with the client; then patch it
    read = _client_call(api_client, kind, "read", namespace)
    body = api_client.sanitize_for_serialization(read(kind.name))
    kind.change(body)
    _client_call(api_client, kind, "replace", namespace)(kind.name, body)
    path, value = kind.changed
    assert kubectl("-n", namespace, "get", kind.resource, kind.name, "-o", f"jsonpath={path}") == value
    _client_call(api_client, kind, "patch", namespace)(kind.name, {"metadata": {"labels": {"patched": "yes"}}})
    assert read(kind.name).metadata.labels["patched"] == "yes"

    # delete until gone
    kubectl("-n", namespace, "delete", kind.resource, kind.name, "--wait=false")
    wait_until_not_found(read, kind.name, f"{kind.kind} {kind.name}")


def _edited(file: str, edit: Callable[[Obj], None]) -> str:
    obj = yaml.safe_load((MANIFESTS / file).read_text())
    edit(obj)
    return json.dumps(obj)


def _drop(*path: str) -> Callable[[Obj], None]:
    def edit(obj: Obj) -> None:
        target = obj
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return edit


INVALID = [
    ("apps/deployment.yaml", set_in(("spec", "selector", "matchLabels", "app"), "x"),
     'The Deployment "nginx-deployment" is invalid: spec.template.metadata.labels: Invalid value: '
     'map[string]string{"app":"nginx"}: `selector` does not match template `labels`'),
    # No selector is Nothing, which matches no template either.
    ("apps/deployment.yaml", _drop("spec", "selector"),
     'The Deployment "nginx-deployment" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: '
     'Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`'),
    ("apps/replicaset.yaml", set_in(("spec", "replicas"), -1),
     'The ReplicaSet "frontend" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'),
    ("apps/daemonset.yaml", set_in(("spec", "updateStrategy"), {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}),
     'The DaemonSet "fluentd-elasticsearch" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: '
     'Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero'),
    ("batch/cronjob.yaml", set_in(("spec", "schedule"), "@every"),
     'The CronJob "hello" is invalid: spec.schedule: Invalid value: "@every": unrecognized descriptor: @every'),
    ("batch/job.yaml", set_in(("spec", "template", "spec", "restartPolicy"), "Always"),
     'The Job "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'),
    ("autoscaling/horizontalpodautoscaler.yaml", set_in(("spec", "minReplicas"), 11),
     'The HorizontalPodAutoscaler "php-apache" is invalid: spec.maxReplicas: Invalid value: 10: '
     'must be greater than or equal to `minReplicas`'),
    ("policy/poddisruptionbudget.yaml", set_in(("spec", "maxUnavailable"), 1),
     'The PodDisruptionBudget "zk-pdb" is invalid: spec: Invalid value: '
     'policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0x'),
]


@pytest.mark.parametrize(("file", "edit", "message"), INVALID, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(INVALID)])
def test_invalid_manifests_get_upstream_messages(file: str, edit: Callable[[Obj], None], message: str,
                                                 kubectl: Kubectl, namespace: str) -> None:
    out = kubectl.fails("-n", namespace, "create", "-f", "-", input=_edited(file, edit))
    assert message in out, out


def test_immutable_fields_on_update(kubectl: Kubectl, namespace: str) -> None:
    """A Deployment's selector and a Job's pod template do not change after creation."""
    kubectl("-n", namespace, "create", "-f", str(MANIFESTS / "apps/deployment.yaml"))
    out = kubectl.fails("-n", namespace, "patch", "deployments.apps", "nginx-deployment", "--type=merge", "-p",
                        json.dumps({"spec": {"selector": {"matchLabels": {"tier": "web"}},
                                             "template": {"metadata": {"labels": {"tier": "web"}}}}}))
    assert 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx", "tier":"web"}' in out, out
    assert "field is immutable" in out
    kubectl("-n", namespace, "create", "-f", str(MANIFESTS / "batch/job.yaml"))
    out = kubectl.fails("-n", namespace, "set", "image", "jobs.batch/pi", "pi=perl:5.36")
    assert 'Job.batch "pi" is invalid: spec.template: Invalid value: ' in out and "field is immutable" in out, out


def test_scale_apply_and_rollout_restart(kubectl: Kubectl, namespace: str) -> None:
    """What kubectl does to running workloads: scale through the scale subresource, apply the
    same manifest again (no change, no new generation), restart a rollout (a template change)."""
    ns = ("-n", namespace)
    deployment, daemonset = str(MANIFESTS / "apps/deployment.yaml"), str(MANIFESTS / "apps/daemonset.yaml")
    kubectl(*ns, "apply", "-f", deployment)
    kubectl(*ns, "apply", "-f", daemonset)
    assert "unchanged" in kubectl(*ns, "apply", "-f", deployment)
    assert "unchanged" in kubectl(*ns, "apply", "-f", daemonset)
    kubectl(*ns, "scale", "deployments.apps/nginx-deployment", "--replicas=5")
    generation = "{.spec.replicas} {.metadata.generation}"
    assert kubectl(*ns, "get", "deployments.apps", "nginx-deployment", "-o", f"jsonpath={generation}") == "5 2"
    kubectl(*ns, "rollout", "restart", "daemonsets.apps/fluentd-elasticsearch")
    template_generation = "{.metadata.generation} {.metadata.annotations.deprecated\\.daemonset\\.template\\.generation}"
    assert kubectl(*ns, "get", "daemonsets.apps", "fluentd-elasticsearch", "-o", f"jsonpath={template_generation}") == "2 2"
