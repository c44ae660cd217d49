"""The workload kinds (apps/v1, batch/v1, autoscaling, policy/v1) as pure functions on dicts:
the defaults a 1.33 kube-apiserver sets, its exact validation messages (values printed as Go's
%#v prints them), and its printers' rows."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelite.apis import apps, autoscaling, batch, policy
from kubelite.registry.strategy import Strategy

Obj = dict[str, Any]

GENERATION = apps.TEMPLATE_GENERATION_ANNOTATION


def meta(name: str = "web", **extra: Any) -> Obj:
    return {"name": name, "namespace": "ns", "uid": "u-1", "resourceVersion": "1", "creationTimestamp": "2024-01-01T00:00:00Z", **extra}


def pod_template(labels: dict[str, str] | None = None, restart: str | None = None, **spec: Any) -> Obj:
    pod: Obj = {"containers": [{"name": "app", "image": "nginx:1.25"}], **spec}
    if restart:
        pod["restartPolicy"] = restart
    return {"metadata": {"labels": labels if labels is not None else {"app": "web"}}, "spec": pod}


def created(strategy: Strategy, obj: Obj) -> Obj:
    """What the store does on create, up to validation."""
    strategy.prepare_for_create(obj)
    strategy.default(obj)
    return obj


def updated(strategy: Strategy, new: Obj, old: Obj) -> Obj:
    """What the store does on update, up to validation."""
    new["metadata"].setdefault("resourceVersion", old["metadata"].get("resourceVersion", "1"))
    strategy.prepare_for_update(new, old)
    strategy.default(new)
    return new


def lines(causes: list[dict[str, str]]) -> list[str]:
    return [f"{c['field']}: {c['message']}" for c in causes]


def errors_of(strategy: Strategy, obj: Obj) -> list[str]:
    return lines(strategy.validate(created(strategy, obj)))


SELECTOR = {"matchLabels": {"app": "web"}}


def deployment(**spec: Any) -> Obj:
    return {"metadata": meta(), "spec": {"selector": copy.deepcopy(SELECTOR), "template": pod_template(), **spec}}


# --- Go's %#v --------------------------------------------------------------------------------------


def test_go_formatting_of_values_in_messages() -> None:
    assert apps.go_string_map({"b": "2", "a": "1"}) == 'map[string]string{"a":"1", "b":"2"}'
    assert apps.go_string_map(None) == "map[string]string(nil)"
    assert apps.go_label_selector({"matchLabels": {"app": "x"}}) == (
        'v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}')
    assert apps.go_label_selector({"matchExpressions": [{"key": "k", "operator": "In", "values": ["a", "b"]}]}) == (
        'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{'
        'v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string{"a", "b"}}}}')
    assert apps.go_int_or_string("25%") == 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}'
    assert apps.go_int_or_string(3) == 'intstr.IntOrString{Type:0, IntVal:3, StrVal:""}'


# --- Deployment ------------------------------------------------------------------------------------


def test_deployment_defaults() -> None:
    d = created(apps.DeploymentStrategy(), deployment())
    spec = d["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["replicas"], spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (1, 10, 600)
    template = spec["template"]
    assert template["metadata"] == {"labels": {"app": "web"}, "creationTimestamp": None}
    pod = template["spec"]
    assert (pod["restartPolicy"], pod["dnsPolicy"], pod["terminationGracePeriodSeconds"]) == ("Always", "ClusterFirst", 30)
    assert (pod["schedulerName"], pod["securityContext"]) == ("default-scheduler", {})
    c = pod["containers"][0]
    assert (c["terminationMessagePath"], c["terminationMessagePolicy"], c["imagePullPolicy"]) == (
        "/dev/termination-log", "File", "IfNotPresent")
    assert d["status"] == {} and d["metadata"]["generation"] == 1


def test_deployment_defaults_treat_null_and_empty_as_unset() -> None:
    d = created(apps.DeploymentStrategy(), deployment(replicas=None, strategy={"type": ""}, revisionHistoryLimit=None))
    assert d["spec"]["replicas"] == 1 and d["spec"]["revisionHistoryLimit"] == 10
    assert d["spec"]["strategy"]["type"] == "RollingUpdate"
    recreate = created(apps.DeploymentStrategy(), deployment(strategy={"type": "Recreate"}))
    assert recreate["spec"]["strategy"] == {"type": "Recreate"}


def test_deployment_without_a_template_gets_an_empty_defaulted_one() -> None:
    d = created(apps.DeploymentStrategy(), {"metadata": meta(), "spec": {"selector": SELECTOR}})
    assert d["spec"]["template"]["metadata"] == {"creationTimestamp": None}
    assert d["spec"]["template"]["spec"]["restartPolicy"] == "Always"


def test_deployment_selector_must_match_the_template() -> None:
    s = apps.DeploymentStrategy()
    got = errors_of(s, deployment(template=pod_template({"app": "x"})))
    assert got == ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: '
                   "`selector` does not match template `labels`"]


def test_deployment_selector_required_and_not_empty() -> None:
    s = apps.DeploymentStrategy()
    got = errors_of(s, {"metadata": meta(), "spec": {"template": pod_template()}})
    # No selector is Nothing: it matches no template either.
    assert got == ["spec.selector: Required value",
                   'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
                   "`selector` does not match template `labels`"]
    got = errors_of(s, deployment(selector={"matchLabels": {}}))
    assert got == ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
                   "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]


def test_deployment_invalid_selector_skips_the_template() -> None:
    got = errors_of(apps.DeploymentStrategy(), deployment(selector={"matchExpressions": [{"key": "app", "operator": "Near"}]}))
    assert got[-1] == ('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), '
                       'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", '
                       'Operator:"Near", Values:[]string(nil)}}}: invalid label selector')
    assert not any("template" in line for line in got)


def test_deployment_strategy_rules() -> None:
    s = apps.DeploymentStrategy()
    zero = errors_of(s, deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "0%"}}))
    assert zero == ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: '
                    "may not be 0 when `maxSurge` is 0"]
    over = errors_of(s, deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "150%"}}))
    assert over == ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: '
                    "must not be greater than 100%"]
    bad = errors_of(s, deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "x"}}))
    assert bad == ['spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: '
                   "a valid percent string must be a numeric string followed by an ending '%' "
                   "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]
    recreate = errors_of(s, deployment(strategy={"type": "Recreate", "rollingUpdate": {}}))
    assert recreate == ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]
    other = errors_of(s, deployment(strategy={"type": "BlueGreen"}))
    assert other == ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
                     'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']


def test_deployment_numbers() -> None:
    got = errors_of(apps.DeploymentStrategy(), deployment(replicas=-1, minReadySeconds=600, revisionHistoryLimit=-1))
    assert got == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                   "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
                   "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]


def test_deployment_template_rules() -> None:
    got = errors_of(apps.DeploymentStrategy(), deployment(template=pod_template(restart="Never", activeDeadlineSeconds=5)))
    assert got == ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
                   "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]


def test_deployment_update_keeps_selector_and_generation() -> None:
    s = apps.DeploymentStrategy()
    old = created(s, deployment())
    old["metadata"]["resourceVersion"] = "1"
    # A client that sends the manifest again (without the defaults) changes nothing.
    same = updated(s, deployment(), old)
    assert same["metadata"]["generation"] == 1 and s.validate_update(same, old) == []
    changed = deployment(selector={"matchLabels": {"app": "web", "tier": "x"}},
                         template=pod_template({"app": "web", "tier": "x"}))
    changed = updated(s, changed, old)
    assert changed["metadata"]["generation"] == 2
    assert lines(s.validate_update(changed, old)) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]


def test_deployment_status_update() -> None:
    s = apps.DeploymentStrategy()
    old = created(s, deployment())
    old["status"] = {"replicas": 2, "collisionCount": 3}
    new = copy.deepcopy(old)
    new["status"] = {"replicas": 1, "readyReplicas": 2, "availableReplicas": 3, "updatedReplicas": -1, "collisionCount": 2}
    assert lines(s.validate_status_update(new, old)) == [
        "status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0",
        "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas",
        "status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas",
        "status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas",
        "status.collisionCount: Invalid value: 2: cannot be decremented",
    ]


def test_deployment_row() -> None:
    s = apps.DeploymentStrategy()
    d = created(s, deployment(replicas=3))
    d["status"] = {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 1}
    row = s.table_row(d)
    assert row[:4] == ["web", "2/3", 3, 1] and row[5:] == ["app", "nginx:1.25", "app=web"]
    assert [c.name for c in s.table_columns()] == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]
    assert [c.priority for c in s.table_columns()] == [0, 0, 0, 0, 0, 1, 1, 1]


# --- ReplicaSet ------------------------------------------------------------------------------------


def test_replicaset_defaults_validation_and_row() -> None:
    s = apps.ReplicaSetStrategy()
    rs = created(s, {"metadata": meta("frontend", labels={"tier": "x"}), "spec": {"selector": SELECTOR, "template": pod_template()}})
    assert rs["spec"]["replicas"] == 1 and rs["status"] == {"replicas": 0}
    assert rs["metadata"]["labels"] == {"tier": "x"}  # apps/v1 leaves the labels alone
    assert s.validate(rs) == []
    assert s.table_row(rs)[:4] == ["frontend", 1, 0, 0]
    assert errors_of(s, {"metadata": meta(), "spec": {"replicas": -2, "selector": {}, "template": pod_template()}}) == [
        "spec.replicas: Invalid value: -2: must be greater than or equal to 0",
        # Upstream's message names deployments for ReplicaSets too.
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]


def test_replicaset_status_update() -> None:
    s = apps.ReplicaSetStrategy()
    old = created(s, {"metadata": meta(), "spec": {"selector": SELECTOR, "template": pod_template()}})
    new = copy.deepcopy(old)
    new["status"] = {"replicas": 1, "fullyLabeledReplicas": 2}
    assert lines(s.validate_status_update(new, old)) == [
        "status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas"]


# --- StatefulSet -----------------------------------------------------------------------------------


def statefulset(**spec: Any) -> Obj:
    return {"metadata": meta(), "spec": {"serviceName": "nginx", "selector": copy.deepcopy(SELECTOR),
                                         "template": pod_template(), **spec}}


def test_statefulset_defaults() -> None:
    sts = created(apps.StatefulSetStrategy(), statefulset(volumeClaimTemplates=[
        {"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]))
    spec = sts["spec"]
    assert (spec["podManagementPolicy"], spec["replicas"], spec["revisionHistoryLimit"]) == ("OrderedReady", 1, 10)
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    claim = spec["volumeClaimTemplates"][0]
    assert claim["metadata"] == {"name": "www", "creationTimestamp": None}
    assert claim["spec"]["volumeMode"] == "Filesystem" and claim["status"] == {"phase": "Pending"}
    assert sts["status"] == {"replicas": 0, "availableReplicas": 0}


def test_statefulset_drops_max_unavailable_unless_in_use() -> None:
    s = apps.StatefulSetStrategy()
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"partition": 1, "maxUnavailable": 2}}
    sts = created(s, statefulset(updateStrategy=copy.deepcopy(rolling)))
    # MaxUnavailableStatefulSet is alpha (off) in 1.33.
    assert sts["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}
    old = copy.deepcopy(sts)
    old["spec"]["updateStrategy"] = copy.deepcopy(rolling)  # stored before the gate went off
    kept = updated(s, statefulset(updateStrategy=copy.deepcopy(rolling)), old)
    assert kept["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] == 2


def test_statefulset_validation() -> None:
    s = apps.StatefulSetStrategy()
    assert errors_of(s, statefulset(podManagementPolicy="Random")) == [
        'spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\'']
    assert errors_of(s, statefulset(updateStrategy={"type": "OnDelete", "rollingUpdate": {"partition": 0}})) == [
        'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":0}: only allowed for updateStrategy \'RollingUpdate\'']
    assert errors_of(s, statefulset(updateStrategy={"type": "Canary"})) == [
        'spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:"Canary", '
        "RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'"]
    assert errors_of(s, statefulset(persistentVolumeClaimRetentionPolicy={"whenDeleted": "Keep"})) == [
        'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"']
    assert errors_of(s, statefulset(ordinals={"start": -1})) == [
        "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0"]
    got = errors_of(s, statefulset(serviceName="Not_A_Label"))
    assert len(got) == 1 and got[0].startswith('spec.serviceName: Invalid value: "Not_A_Label": a lowercase RFC 1123 label')
    # Only the template's metadata is validated, not its pod spec.
    assert errors_of(s, statefulset(template=pod_template(containers=[]))) == []
    assert errors_of(s, statefulset(selector={})) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset"]


def test_statefulset_name_is_a_dns_label() -> None:
    got = errors_of(apps.StatefulSetStrategy(), {**statefulset(), "metadata": meta("web.v1")})
    # Its pods' host names are its name: a subdomain with dots is refused.
    assert got == ['metadata.name: Invalid value: "web.v1": must not contain dots']


def test_statefulset_update_rules() -> None:
    s = apps.StatefulSetStrategy()
    old = created(s, statefulset())
    scaled = updated(s, statefulset(replicas=5, minReadySeconds=3), old)
    assert s.validate_update(scaled, old) == [] and scaled["metadata"]["generation"] == 2
    renamed = updated(s, statefulset(serviceName="other"), old)
    assert lines(s.validate_update(renamed, old)) == [
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
        "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]


def test_statefulset_status_update() -> None:
    s = apps.StatefulSetStrategy()
    old = created(s, statefulset())
    new = copy.deepcopy(old)
    new["status"] = {"replicas": 2, "readyReplicas": 1, "availableReplicas": 2}
    assert lines(s.validate_status_update(new, old)) == [
        "status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas"]


def test_statefulset_row() -> None:
    s = apps.StatefulSetStrategy()
    sts = created(s, statefulset(replicas=3))
    sts["status"]["readyReplicas"] = 1
    assert s.table_row(sts)[:2] == ["web", "1/3"] and s.table_row(sts)[3:] == ["app", "nginx:1.25"]
    assert [c.name for c in s.table_columns()] == ["Name", "Ready", "Age", "Containers", "Images"]


# --- DaemonSet -------------------------------------------------------------------------------------


def daemonset(**spec: Any) -> Obj:
    return {"metadata": meta("fluentd"), "spec": {"selector": copy.deepcopy(SELECTOR), "template": pod_template(), **spec}}


def test_daemonset_defaults_and_template_generation() -> None:
    s = apps.DaemonSetStrategy()
    ds = created(s, daemonset())
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["spec"]["revisionHistoryLimit"] == 10
    assert ds["metadata"]["annotations"] == {GENERATION: "1"}
    assert ds["status"] == {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0}
    # A client does not set it on update: an unchanged template keeps it, a changed one bumps it.
    again = daemonset()
    again["metadata"]["annotations"] = {GENERATION: "9"}
    same = updated(s, again, ds)
    assert same["metadata"]["annotations"] == {GENERATION: "1"} and same["metadata"]["generation"] == 1
    changed = updated(s, daemonset(template=pod_template(nodeSelector={"os": "linux"})), same)
    assert changed["metadata"]["annotations"] == {GENERATION: "2"} and changed["metadata"]["generation"] == 2
    kept = created(s, {**daemonset(), "metadata": meta("fluentd", annotations={GENERATION: "4", "a": "b"})})
    assert kept["metadata"]["annotations"] == {GENERATION: "4", "a": "b"}


def test_daemonset_selector_rules() -> None:
    s = apps.DaemonSetStrategy()
    # No selector: nothing is required, but Nothing matches no template.
    assert errors_of(s, {"metadata": meta(), "spec": {"template": pod_template()}}) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']
    assert errors_of(s, daemonset(selector={})) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset"]


def test_daemonset_update_strategy_rules() -> None:
    s = apps.DaemonSetStrategy()
    assert errors_of(s, daemonset(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}})) == [
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"]
    assert errors_of(s, daemonset(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "10%"}})) == [
        'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: '
        "may not be set when maxUnavailable is non-zero"]
    assert errors_of(s, daemonset(updateStrategy={"type": "Sometimes"})) == [
        'spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Sometimes", '
        'RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"']
    assert errors_of(s, daemonset(updateStrategy={"type": "OnDelete"})) == []


def test_daemonset_status_and_row() -> None:
    s = apps.DaemonSetStrategy()
    ds = created(s, daemonset(template=pod_template(nodeSelector={"kubernetes.io/os": "linux"})))
    new = copy.deepcopy(ds)
    new["status"] = {**ds["status"], "numberUnavailable": -1}
    assert lines(s.validate_status_update(new, ds)) == ["status.numberUnavailable: Invalid value: -1: must be greater than or equal to 0"]
    row = s.table_row(ds)
    assert row[:7] == ["fluentd", 0, 0, 0, 0, 0, "kubernetes.io/os=linux"] and row[8:] == ["app", "nginx:1.25", "app=web"]


# --- ControllerRevision ----------------------------------------------------------------------------


def test_controller_revision() -> None:
    s = apps.ControllerRevisionStrategy()
    assert lines(s.validate({"metadata": meta("web-1"), "revision": -1})) == [
        "data: Required value: data is mandatory", "revision: Invalid value: -1: must be greater than or equal to 0"]
    old = {"metadata": meta("web-1", resourceVersion="1"), "data": {"a": 1}, "revision": 1}
    new = {**copy.deepcopy(old), "data": {"a": 2}, "revision": 2}
    assert lines(s.validate_update(new, old)) == ['data: Invalid value: {"a":2}: field is immutable']
    owned = {**old, "metadata": meta("web-1", ownerReferences=[
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "fluentd", "uid": "u", "controller": True}])}
    assert s.table_row(owned)[:3] == ["web-1", "daemonset.apps/fluentd", 1]
    assert s.table_row(old)[:3] == ["web-1", "<none>", 1]


# --- Job -------------------------------------------------------------------------------------------


def job(name: str = "pi", **spec: Any) -> Obj:
    return {"metadata": meta(name, uid="abc"), "spec": {"template": pod_template({}, restart="Never"), **spec}}


def test_job_defaults() -> None:
    j = created(batch.JobStrategy(), job())
    spec = j["spec"]
    assert (spec["parallelism"], spec["completions"], spec["backoffLimit"]) == (1, 1, 6)
    assert (spec["completionMode"], spec["suspend"], spec["podReplacementPolicy"]) == ("NonIndexed", False, "TerminatingOrFailed")
    # SetDefaults_Job has defaulted manualSelector to false since 1.29.
    assert spec["manualSelector"] is False
    generated = {"batch.kubernetes.io/controller-uid": "abc", "batch.kubernetes.io/job-name": "pi",
                 "controller-uid": "abc", "job-name": "pi"}
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "abc"}}
    assert spec["template"]["metadata"] == {"labels": generated, "creationTimestamp": None}
    assert j["metadata"]["labels"] == generated
    assert j["status"] == {} and j["metadata"]["generation"] == 1
    assert batch.JobStrategy().validate(j) == []


def test_job_defaults_by_policy() -> None:
    per_index = created(batch.JobStrategy(), job(completions=3, completionMode="Indexed", backoffLimitPerIndex=1))
    assert per_index["spec"]["backoffLimit"] == 2147483647 and per_index["spec"]["parallelism"] == 1
    parallel = created(batch.JobStrategy(), job(parallelism=4))
    assert "completions" not in parallel["spec"]
    failing = created(batch.JobStrategy(), job(podFailurePolicy={"rules": [
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}))
    assert failing["spec"]["podReplacementPolicy"] == "Failed"
    assert failing["spec"]["podFailurePolicy"]["rules"][0]["onPodConditions"] == [{"type": "DisruptionTarget", "status": "True"}]


def test_job_generated_labels_are_checked() -> None:
    s = batch.JobStrategy()
    j = created(s, job())
    j["spec"]["template"]["metadata"]["labels"]["job-name"] = "other"
    j["spec"]["template"]["metadata"]["labels"].pop("controller-uid")
    got = lines(s.validate(j))
    assert "spec.template.metadata.labels[controller-uid]: Required value: must be 'abc'" in got
    assert ('spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"abc", '
            '"batch.kubernetes.io/job-name":"pi", "job-name":"other"}: must be \'pi\'') in got
    j = created(s, job(selector={"matchLabels": {"batch.kubernetes.io/controller-uid": "zzz"}}))
    assert ('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"zzz"}, '
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated") in lines(s.validate(j))


def test_job_manual_selector() -> None:
    s = batch.JobStrategy()
    manual = created(s, job(manualSelector=True, template=pod_template({"app": "pi"}, restart="Never")))
    assert lines(s.validate(manual)) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"pi"}: `selector` does not match template `labels`']
    manual["spec"]["selector"] = {"matchLabels": {"app": "pi"}}
    assert s.validate(manual) == []


def test_job_spec_validation() -> None:
    s = batch.JobStrategy()
    assert errors_of(s, job(parallelism=-1, backoffLimit=-1)) == [
        "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"]
    assert errors_of(s, job(template=pod_template({}, restart="Always"))) == [
        'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']
    assert errors_of(s, job(backoffLimitPerIndex=1)) == [
        "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"]
    assert errors_of(s, job(completionMode="Indexed", completions=2, maxFailedIndexes=3, backoffLimitPerIndex=1)) == [
        "spec.maxFailedIndexes: Invalid value: 3: must be less than or equal to completions"]
    assert errors_of(s, job(completionMode="Indexed", parallelism=100001, completions=5)) == [
        "spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed"]
    got = errors_of(s, job("a" * 62, completionMode="Indexed", completions=10))
    assert got == ['metadata.name: Invalid value: "' + "a" * 62 + '": will not able to create pod with invalid DNS label: '
                   + "a" * 62 + "-9"]


def test_job_managed_by() -> None:
    s = batch.JobStrategy()
    assert errors_of(s, job(managedBy="kueue.x-k8s.io/multikueue")) == []
    assert errors_of(s, job(managedBy="kueue")) == [
        'spec.managedBy: Invalid value: "kueue": must be a domain-prefixed path (such as "acme.io/foo")']
    long = "example.com/" + "x" * 60
    assert errors_of(s, job(managedBy=long)) == ["spec.managedBy: Too long: may not be more than 63 bytes"]


def test_job_pod_failure_policy_validation() -> None:
    s = batch.JobStrategy()
    rules = [
        {"action": "Retry", "onExitCodes": {"operator": "In", "values": [0, 2, 2, 1]}},
        {"action": "FailIndex", "onPodConditions": [{"type": "bad type", "status": "Maybe"}]},
        {"action": "FailJob", "onExitCodes": {"containerName": "sidecar", "operator": "NotIn", "values": [1]},
         "onPodConditions": [{"type": "DisruptionTarget"}]},
        {"action": ""},
    ]
    got = errors_of(s, job(podFailurePolicy={"rules": rules}))
    assert got[:5] == [
        'spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
        "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator",
        "spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 2",
        "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{0, 2, 2, 1}: must be ordered",
        'spec.podFailurePolicy.rules[1].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
    ]
    assert got[5].startswith('spec.podFailurePolicy.rules[1].onPodConditions[0].type: Invalid value: "bad type": name part must consist of')
    assert got[6:] == [
        'spec.podFailurePolicy.rules[1].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
        'spec.podFailurePolicy.rules[2].onExitCodes.containerName: Invalid value: "sidecar": '
        "must be one of the container or initContainer names in the pod template",
        "spec.podFailurePolicy.rules[2]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported",
        'spec.podFailurePolicy.rules[3].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]',
        "spec.podFailurePolicy.rules[3]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
    ]
    assert errors_of(s, job(podFailurePolicy={"rules": []}, template=pod_template({}, restart="OnFailure"))) == [
        'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']


def test_job_success_policy_validation() -> None:
    s = batch.JobStrategy()
    indexed: dict[str, Any] = {"completionMode": "Indexed", "completions": 5}
    assert errors_of(s, job(successPolicy={"rules": [{"succeededIndexes": "0-2,4", "succeededCount": 3}]}, **indexed)) == []
    assert errors_of(s, job(successPolicy={"rules": [{"succeededCount": 1}]})) == [
        "spec.successPolicy: Invalid value: batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{batch.SuccessPolicyRule{"
        "SucceededIndexes:(*string)(nil), SucceededCount:(*int32)(0xc000000000)}}}: requires indexed completion mode"]
    got = errors_of(s, job(successPolicy={"rules": [{}, {"succeededIndexes": "3,1"}, {"succeededIndexes": "7"},
                                                    {"succeededIndexes": "1-2", "succeededCount": 6}]}, **indexed))
    assert got == [
        "spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified",
        'spec.successPolicy.rules[1].succeededIndexes: Invalid value: "3,1": error parsing succeededIndexes: '
        "non-increasing order, previous: 3, current: 1",
        'spec.successPolicy.rules[2].succeededIndexes: Invalid value: "7": error parsing succeededIndexes: too large index: "7"',
        "spec.successPolicy.rules[3].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)",
        "spec.successPolicy.rules[3].succeededCount: Invalid value: 6: must be less than or equal to 2 "
        "(the number of indexes in the specified succeededIndexes field)",
    ]
    assert errors_of(s, job(successPolicy={"rules": []}, **indexed)) == [
        "spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified"]


@pytest.mark.parametrize(("text", "total"), [("", 0), ("0", 1), ("1-3", 3), ("0,2-4,6", 5)])
def test_indexes_total(text: str, total: int) -> None:
    assert batch.indexes_total(text, 7) == total


def test_job_update_rules() -> None:
    s = batch.JobStrategy()
    old = created(s, job())
    old["metadata"]["resourceVersion"] = "1"
    scaled = updated(s, {**copy.deepcopy(old), "spec": {**copy.deepcopy(old["spec"]), "parallelism": 3}}, old)
    assert s.validate_update(scaled, old) == [] and scaled["metadata"]["generation"] == 2
    more = updated(s, {**copy.deepcopy(old), "spec": {**copy.deepcopy(old["spec"]), "completions": 2, "managedBy": "a.io/b"}}, old)
    assert lines(s.validate_update(more, old)) == ["spec.completions: Invalid value: 2: field is immutable",
                                                   'spec.managedBy: Invalid value: "a.io/b": field is immutable']


def test_job_status_update() -> None:
    s = batch.JobStrategy()
    old = created(s, job())
    new = copy.deepcopy(old)
    new["status"] = {"active": -1, "uncountedTerminatedPods": {"succeeded": ["a", ""], "failed": ["a"]}}
    assert lines(s.validate_status_update(new, old)) == [
        "status.active: Invalid value: -1: must be greater than or equal to 0",
        'status.uncountedTerminatedPods.succeeded[1]: Invalid value: "": must not be empty',
        'status.uncountedTerminatedPods.failed[0]: Duplicate value: "a"']


@pytest.mark.parametrize(("status", "deleting", "state"), [
    ({}, False, "Running"),
    ({"conditions": [{"type": "Complete", "status": "True"}]}, True, "Complete"),
    ({"conditions": [{"type": "Failed", "status": "True"}]}, False, "Failed"),
    ({"conditions": [{"type": "Suspended", "status": "True"}]}, True, "Terminating"),
    ({"conditions": [{"type": "Suspended", "status": "True"}]}, False, "Suspended"),
    ({"conditions": [{"type": "FailureTarget", "status": "True"}]}, False, "FailureTarget"),
])
def test_job_row_status(status: Obj, deleting: bool, state: str) -> None:
    s = batch.JobStrategy()
    j = created(s, job())
    j["status"] = status
    if deleting:
        j["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    assert s.table_row(j)[1] == state


def test_job_row_completions_and_duration() -> None:
    s = batch.JobStrategy()
    j = created(s, job(parallelism=3))
    j["status"] = {"succeeded": 1, "startTime": "2024-01-01T00:00:00Z", "completionTime": "2024-01-01T00:01:30Z"}
    row = s.table_row(j)
    assert row[2:4] == ["1/1 of 3", "90s"] and row[5:] == ["app", "nginx:1.25", "batch.kubernetes.io/controller-uid=abc"]
    assert [c.name for c in s.table_columns()] == ["Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"]


# --- CronJob ---------------------------------------------------------------------------------------


def cronjob(name: str = "hello", **spec: Any) -> Obj:
    return {"metadata": meta(name), "spec": {"schedule": "*/1 * * * *",
                                             "jobTemplate": {"spec": {"template": pod_template({}, restart="OnFailure")}}, **spec}}


def test_cronjob_defaults_leave_the_job_template_spec_alone() -> None:
    cj = created(batch.CronJobStrategy(), cronjob())
    spec = cj["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"], spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (
        "Allow", False, 3, 1)
    template = spec["jobTemplate"]
    assert template["metadata"] == {"creationTimestamp": None}
    # SetDefaults_Job applies to Jobs: no completions, backoffLimit, ... in a job template.
    assert set(template["spec"]) == {"template"}
    assert template["spec"]["template"]["metadata"] == {"labels": {}, "creationTimestamp": None}
    assert template["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst"
    assert cj["status"] == {} and batch.CronJobStrategy().validate(cj) == []


def test_cronjob_job_template_pod_condition_default() -> None:
    cj = created(batch.CronJobStrategy(), cronjob(jobTemplate={"spec": {
        "podFailurePolicy": {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]},
        "template": pod_template({}, restart="Never")}}))
    rule = cj["spec"]["jobTemplate"]["spec"]["podFailurePolicy"]["rules"][0]
    assert rule["onPodConditions"] == [{"type": "DisruptionTarget", "status": "True"}]
    assert "podReplacementPolicy" not in cj["spec"]["jobTemplate"]["spec"]


@pytest.mark.parametrize("schedule", ["@hourly", "@daily", "@every 1h30m", "0 0 1 jan-mar mon-fri", "*/15 9-17 * * *"])
def test_cronjob_schedules_upstream_accepts(schedule: str) -> None:
    assert errors_of(batch.CronJobStrategy(), cronjob(schedule=schedule)) == []


def test_cronjob_schedule_and_time_zone_errors() -> None:
    s = batch.CronJobStrategy()
    assert errors_of(s, cronjob(schedule="@fortnightly")) == [
        'spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly']
    assert errors_of(s, cronjob(schedule="TZ=UTC 0 * * * *")) == [
        'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']
    assert errors_of(s, cronjob(timeZone="Mars/Olympus")) == [
        'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']
    assert errors_of(s, cronjob(timeZone="Local")) == [
        'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']
    assert errors_of(s, cronjob(timeZone="Europe/Berlin")) == []
    old = created(s, cronjob(schedule="TZ=UTC 0 * * * *"))
    kept = updated(s, cronjob(schedule="TZ=UTC 5 * * * *"), old)
    assert s.validate_update(kept, old) == []
    both = updated(s, cronjob(schedule="TZ=UTC 5 * * * *", timeZone="UTC"), old)
    assert lines(s.validate_update(both, old)) == [
        'spec.schedule: Invalid value: "TZ=UTC 5 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule']


def test_cronjob_job_template_rules() -> None:
    s = batch.CronJobStrategy()
    got = errors_of(s, cronjob(jobTemplate={"spec": {"manualSelector": True, "selector": {"matchLabels": {"a": "b"}},
                                                     "template": pod_template({}, restart="Always")}}))
    assert got == [
        'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
        'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated",
        'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"']
    assert errors_of(s, cronjob("c" * 53)) == ['metadata.name: Invalid value: "' + "c" * 53 + '": must be no more than 52 characters']
    assert errors_of(s, cronjob(concurrencyPolicy="Sometimes")) == [
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']


def test_cronjob_row() -> None:
    s = batch.CronJobStrategy()
    cj = created(s, cronjob(timeZone="Etc/UTC"))
    cj["status"] = {"active": [{"name": "hello-1"}]}
    row = s.table_row(cj)
    assert row[:6] == ["hello", "*/1 * * * *", "Etc/UTC", "False", 1, "<none>"] and row[7:] == ["app", "nginx:1.25", "<none>"]
    assert [c.name for c in s.table_columns()] == [
        "Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector"]


# --- HorizontalPodAutoscaler -----------------------------------------------------------------------

HPA = autoscaling.HorizontalPodAutoscalerStrategy()
REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"}


def hpa(**spec: Any) -> Obj:
    return {"metadata": meta("php-apache"), "spec": {"scaleTargetRef": REF, "maxReplicas": 10, **spec}}


def test_hpa_defaults() -> None:
    h = created(HPA, hpa(behavior={"scaleDown": {"policies": [{"type": "Pods", "value": 4, "periodSeconds": 60}]}}))
    spec = h["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    assert spec["behavior"] == {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleDown": {"selectPolicy": "Max", "policies": [{"type": "Pods", "value": 4, "periodSeconds": 60}]}}
    assert h["status"] == {"desiredReplicas": 0}
    assert "behavior" not in created(HPA, hpa())["spec"]


def test_hpa_replica_bounds() -> None:
    assert errors_of(HPA, hpa(minReplicas=11)) == [
        "spec.maxReplicas: Invalid value: 10: must be greater than or equal to `minReplicas`"]
    assert errors_of(HPA, hpa(minReplicas=0, maxReplicas=0)) == [
        "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        "spec.maxReplicas: Invalid value: 0: must be greater than 0",
        "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas"]
    # An autoscaler that already scales to zero may keep doing so, with an Object or External metric.
    old = created(HPA, hpa(minReplicas=1))
    old["spec"]["minReplicas"] = 0
    external = {"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "Value", "value": "30"}}}
    zero = updated(HPA, hpa(minReplicas=0, metrics=[external]), old)
    assert HPA.validate_update(zero, old) == []


def test_hpa_metric_validation() -> None:
    assert errors_of(HPA, hpa(metrics=[{"type": "Pods", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 0}}}])) == [
        "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
        "spec.metrics[0].pods: Required value: must populate information for the given metric source"]
    assert errors_of(HPA, hpa(metrics=[{"type": "Custom"}])) == [
        'spec.metrics[0].type: Unsupported value: "Custom": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
        'spec.metrics[0].type: Unsupported value: "Custom": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"']
    got = errors_of(HPA, hpa(metrics=[{"type": "Object", "object": {"describedObject": {"kind": "Ingress", "name": "main"},
                                                                   "metric": {"name": "rps"}, "target": {"type": "Value"}},
                                       "external": {"metric": {"name": "x"}, "target": {"type": "Value", "value": "1"}}}]))
    assert got == ["spec.metrics[0].object.target.averageValue: Required value: must set either a target value or averageValue",
                   "spec.metrics[0].external: Forbidden: must populate the given metric source only"]


def test_hpa_behavior_validation() -> None:
    got = errors_of(HPA, hpa(behavior={"scaleUp": {"stabilizationWindowSeconds": 3601, "selectPolicy": "Any",
                                                    "policies": [{"type": "Nodes", "value": 0, "periodSeconds": 1801}]},
                                       "scaleDown": {"policies": []}}))
    assert got == [
        "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600",
        'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Any": supported values: "Disabled", "Max", "Min"',
        'spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"',
        "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
        "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800",
        "spec.behavior.scaleDown.policies: Required value: must specify at least one Policy"]


def test_hpa_row() -> None:
    h = created(HPA, hpa(metrics=[
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
        {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}},
        {"type": "External", "external": {"metric": {"name": "q"}, "target": {"type": "Value", "value": "30"}}}]))
    h["status"] = {"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 12}}}]}
    assert HPA.table_row(h)[:6] == ["php-apache", "Deployment/php-apache", "cpu: 12%/50%, <unknown>/1k + 1 more...", "1", 10, 2]


# --- PodDisruptionBudget ---------------------------------------------------------------------------

PDB = policy.PodDisruptionBudgetStrategy()


def test_pdb_defaults_and_row() -> None:
    p = created(PDB, {"metadata": meta("zk-pdb"), "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "zk"}}}})
    assert p["spec"] == {"minAvailable": 2, "selector": {"matchLabels": {"app": "zk"}}}
    assert p["status"] == {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}
    assert PDB.validate(p) == [] and PDB.table_row(p)[:4] == ["zk-pdb", "2", "N/A", 0]
    p["spec"] = {"maxUnavailable": "30%"}
    assert PDB.table_row(p)[:4] == ["zk-pdb", "N/A", "30%", 0]


def test_pdb_validation() -> None:
    got = errors_of(PDB, {"metadata": meta("zk-pdb"), "spec": {"minAvailable": -1, "maxUnavailable": "101%",
                                                                "unhealthyPodEvictionPolicy": "Never"}})
    assert got == [
        "spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000000000), "
        "Selector:(*v1.LabelSelector)(nil), MaxUnavailable:(*intstr.IntOrString)(0xc000000000), "
        "UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(0xc000000000)}: "
        "minAvailable and maxUnavailable cannot be both set",
        "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0",
        'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"101%"}: must not be greater than 100%',
        'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"']
    old = created(PDB, {"metadata": meta("zk-pdb"), "spec": {"minAvailable": 1}})
    new = copy.deepcopy(old)
    new["status"] = {**old["status"], "expectedPods": -1}
    assert lines(PDB.validate_status_update(new, old)) == ["status.expectedPods: Invalid value: -1: must be greater than or equal to 0"]
