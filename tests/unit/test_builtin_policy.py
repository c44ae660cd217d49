"""Defaults, validation and printing of the built-in kinds of autoscaling, rbac, policy,
networking, scheduling, coordination and storage, and the answers of the review kinds —
each checked against what upstream 1.33 does."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from kubelite.apis import autoscaling, coordination, networking, policy, rbac, reviews, scheduling, storage
from kubelite.auth.authn import Authenticator, UserInfo
from kubelite.auth.authz import (
    AlwaysAllowAuthorizer,
    AlwaysDenyAuthorizer,
    Attributes,
    Decision,
    UnionAuthorizer,
)
from kubelite.machinery.errors import StatusError
from kubelite.registry.strategy import Strategy

Obj = dict[str, Any]
TS = "2024-01-01T00:00:00Z"


def obj(kind: str, name: str = "x", namespace: str | None = "ns", **fields: Any) -> Obj:
    meta: Obj = {"name": name, "creationTimestamp": TS, "resourceVersion": "1"}
    if namespace is not None:
        meta["namespace"] = namespace
    return {"kind": kind, "metadata": meta, **fields}


def created(strategy: Strategy, o: Obj) -> tuple[Obj, list[str]]:
    """o after the create hooks the store runs, and its validation errors as kubectl shows them."""
    o = copy.deepcopy(o)
    strategy.prepare_for_create(o)
    strategy.default(o)
    causes = strategy.validate(o)
    strategy.canonicalize(o)
    return o, [f"{c['field']}: {c['message']}" for c in causes]


def messages(causes: list[dict[str, str]]) -> list[str]:
    return [f"{c['field']}: {c['message']}" for c in causes]


def header(strategy: Strategy) -> list[str]:
    return [c.name for c in strategy.table_columns()]


# --- HorizontalPodAutoscaler

HPA = autoscaling.HorizontalPodAutoscalerStrategy()
REF = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def test_hpa_defaults_as_upstream_v2() -> None:
    o, errs = created(HPA, obj("HorizontalPodAutoscaler", spec={
        "scaleTargetRef": REF, "maxReplicas": 3, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}},
        status={"currentReplicas": 5}))
    assert errs == []
    spec = o["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    assert spec["behavior"]["scaleDown"] == {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                                            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}
    assert spec["behavior"]["scaleUp"]["policies"] == [{"type": "Pods", "value": 4, "periodSeconds": 15},
                                                       {"type": "Percent", "value": 100, "periodSeconds": 15}]
    assert spec["behavior"]["scaleUp"]["stabilizationWindowSeconds"] == 0
    assert o["status"] == {"desiredReplicas": 0}, "a create cannot set status"


def test_hpa_validation_messages() -> None:
    _, errs = created(HPA, obj("HorizontalPodAutoscaler", spec={
        "scaleTargetRef": {"kind": "Deployment"}, "minReplicas": 0, "maxReplicas": 0}))
    assert "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1" in errs
    assert "spec.maxReplicas: Invalid value: 0: must be greater than 0" in errs
    assert "spec.scaleTargetRef.name: Required value" in errs
    _, errs = created(HPA, obj("HorizontalPodAutoscaler", spec={"scaleTargetRef": REF, "minReplicas": 4, "maxReplicas": 2}))
    assert errs == ["spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"]


def test_hpa_metric_validation() -> None:
    metrics = [
        {"type": "Resource", "pods": {"metric": {"name": "q"}, "target": {"type": "AverageValue", "averageValue": "1"}}},
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization"}}},
        {"type": "Pods", "pods": {"metric": {"name": "q"}, "target": {"type": "AverageValue", "averageValue": "-1"}}},
        {"type": "Bogus"},
    ]
    _, errs = created(HPA, obj("HorizontalPodAutoscaler", spec={"scaleTargetRef": REF, "maxReplicas": 2, "metrics": metrics}))
    assert "spec.metrics[0].resource: Required value: must populate information for the given metric source" in errs
    assert "spec.metrics[1].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization" in errs
    assert 'spec.metrics[2].pods.target.averageValue: Invalid value: "-1": must be positive' in errs
    assert ('spec.metrics[3].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", '
            '"Object", "Pods", "Resource"') in errs


def test_hpa_drops_tolerance_unless_in_use() -> None:
    spec = {"scaleTargetRef": REF, "maxReplicas": 2, "behavior": {"scaleUp": {"tolerance": "0.1"}}}
    o, _ = created(HPA, obj("HorizontalPodAutoscaler", spec=spec))
    assert "tolerance" not in o["spec"]["behavior"]["scaleUp"]
    old = copy.deepcopy(o)
    old["spec"]["behavior"]["scaleUp"]["tolerance"] = "0.1"
    new = copy.deepcopy(old)
    HPA.prepare_for_update(new, old)
    assert new["spec"]["behavior"]["scaleUp"]["tolerance"] == "0.1"


def test_hpa_table() -> None:
    o, _ = created(HPA, obj("HorizontalPodAutoscaler", spec={"scaleTargetRef": REF, "maxReplicas": 5, "metrics": [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
        {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}},
        {"type": "Pods", "pods": {"metric": {"name": "q"}, "target": {"type": "AverageValue", "averageValue": "1"}}}]}))
    o["status"]["currentMetrics"] = [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 12}}}]
    assert header(HPA) == ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]
    row = HPA.table_row(o)
    assert row[:6] == ["x", "Deployment/web", "cpu: 12%/50%, memory: <unknown>/100Mi + 1 more...", "1", 5, 0]


# --- RBAC

def test_rbac_subject_and_role_ref_defaults() -> None:
    o, errs = created(rbac.RoleBindingStrategy(), obj("RoleBinding", roleRef={"kind": "ClusterRole", "name": "view"}, subjects=[
        {"kind": "User", "name": "alice"}, {"kind": "Group", "name": "devs"}, {"kind": "ServiceAccount", "name": "sa"}]))
    assert errs == []
    assert o["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io"
    assert [s.get("apiGroup") for s in o["subjects"]] == ["rbac.authorization.k8s.io", "rbac.authorization.k8s.io", None]


def test_rbac_validation() -> None:
    _, errs = created(rbac.ClusterRoleStrategy(), obj("ClusterRole", namespace=None, rules=[
        {"apiGroups": [""], "resources": ["pods"]}, {"verbs": ["get"]}, {"verbs": ["get"], "nonResourceURLs": ["/x"], "resources": ["pods"]}]))
    assert errs == [
        "rules[0].verbs: Required value: verbs must contain at least one value",
        "rules[1].apiGroups: Required value: resource rules must supply at least one api group",
        "rules[1].resources: Required value: resource rules must supply at least one resource",
        'rules[2].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs',
    ]
    _, errs = created(rbac.RoleStrategy(), obj("Role", rules=[{"verbs": ["get"], "nonResourceURLs": ["/x"]}]))
    assert errs == ['rules[0].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs']
    _, errs = created(rbac.ClusterRoleBindingStrategy(), obj("ClusterRoleBinding", namespace=None,
                      roleRef={"kind": "Role", "name": "r"}, subjects=[{"kind": "ServiceAccount", "name": "sa"}, {"kind": "Robot", "name": "r"}]))
    assert errs == [
        'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
        "subjects[0].namespace: Required value",
        'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]
    _, errs = created(rbac.ClusterRoleStrategy(), obj("ClusterRole", name="a/b", namespace=None,
                      aggregationRule={"clusterRoleSelectors": []}))
    assert errs == ['metadata.name: Invalid value: "a/b": may not contain \'/\'',
                    "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil"]


def test_role_ref_is_immutable() -> None:
    strategy = rbac.RoleBindingStrategy()
    old, _ = created(strategy, obj("RoleBinding", roleRef={"kind": "ClusterRole", "name": "view"}))
    new = copy.deepcopy(old)
    new["roleRef"]["name"] = "edit"
    assert any(m.startswith("roleRef: Invalid value") and m.endswith("cannot change roleRef")
               for m in messages(strategy.validate_update(new, old)))


def test_rbac_tables() -> None:
    role = rbac.ClusterRoleStrategy()
    assert header(role) == ["Name", "Created At"]
    assert role.table_row(obj("ClusterRole", namespace=None)) == ["x", TS]
    binding = rbac.RoleBindingStrategy()
    assert header(binding) == ["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"]
    assert [c.priority for c in binding.table_columns()] == [0, 0, 0, 1, 1, 1]
    row = binding.table_row(obj("RoleBinding", roleRef={"kind": "ClusterRole", "name": "view"}, subjects=[
        {"kind": "User", "name": "a"}, {"kind": "User", "name": "b"}, {"kind": "ServiceAccount", "name": "s", "namespace": "n"}]))
    assert row[:2] == ["x", "ClusterRole/view"] and row[3:] == ["a, b", "", "n/s"]


# --- PodDisruptionBudget

def test_pdb() -> None:
    strategy = policy.PodDisruptionBudgetStrategy()
    o, errs = created(strategy, obj("PodDisruptionBudget", spec={"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}))
    assert errs == []
    assert o["status"] == {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}
    assert o["metadata"]["generation"] == 1
    assert strategy.table_row(o)[:4] == ["x", "1", "N/A", 0]
    _, errs = created(strategy, obj("PodDisruptionBudget", spec={"minAvailable": "150%", "maxUnavailable": "x"}))
    assert errs[0].startswith("spec: Invalid value: ") and errs[0].endswith("minAvailable and maxUnavailable cannot be both set")
    # Upstream prints an IntOrString with %#v.
    assert 'spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%' in errs
    assert any(e.startswith('spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: '
                            "a valid percent string must be") for e in errs)


# --- networking

INGRESS = networking.IngressStrategy()


def test_ingress_validation() -> None:
    backend = {"service": {"name": "s1", "port": {"number": 80}}}
    _, errs = created(INGRESS, obj("Ingress", spec={"rules": [{"host": "foo.example.com", "http": {"paths": [
        {"path": "/bar", "pathType": "Exact", "backend": backend}]}}]}))
    assert errs == []
    _, errs = created(INGRESS, obj("Ingress", spec={}))
    assert errs == ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"]
    _, errs = created(INGRESS, obj("Ingress", spec={"rules": [{"host": "1.2.3.4", "http": {"paths": [
        {"path": "/a", "backend": backend},
        {"path": "b", "pathType": "Prefix", "backend": {"service": {"name": "s1", "port": {}}}},
        {"path": "/a//b", "pathType": "Exact", "backend": {"service": {"name": "s1", "port": {"number": 70000}}}}]}}]}))
    assert errs == [
        'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
        "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
        'spec.rules[0].http.paths[1].path: Invalid value: "b": must be an absolute path',
        "spec.rules[0].http.paths[1].backend: Required value: port name or number is required",
        "spec.rules[0].http.paths[2].path: Invalid value: \"/a//b\": must not contain '//'",
        "spec.rules[0].http.paths[2].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive",
    ]


def test_ingress_table() -> None:
    o, _ = created(INGRESS, obj("Ingress", spec={"ingressClassName": "nginx", "tls": [{}], "rules": [
        {"host": "a.example.com"}, {"host": "b.example.com"}]}))
    assert header(INGRESS) == ["Name", "Class", "Hosts", "Address", "Ports", "Age"]
    assert INGRESS.table_row(o)[:5] == ["x", "nginx", "a.example.com,b.example.com", "", "80, 443"]
    assert o["status"] == {"loadBalancer": {}}


def test_network_policy() -> None:
    strategy = networking.NetworkPolicyStrategy()
    o, errs = created(strategy, obj("NetworkPolicy", spec={"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}))
    assert errs == []
    assert o["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert o["spec"]["egress"][0]["ports"][0]["protocol"] == "TCP"
    assert strategy.table_row(o)[:2] == ["x", "<none>"]
    _, errs = created(strategy, obj("NetworkPolicy", spec={"podSelector": {"matchLabels": {"a": "b"}}, "ingress": [{"from": [
        {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"]}}, {}], "ports": [{"port": 80, "endPort": 70}]}],
        "policyTypes": ["Sideways"]}))
    assert errs == [
        "spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`",
        'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
        "spec.ingress[0].from[1]: Required value: must specify a peer",
        'spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]


def test_ingress_class_and_service_cidr_and_ip_address() -> None:
    ic = networking.IngressClassStrategy()
    o, errs = created(ic, obj("IngressClass", namespace=None, spec={"controller": "example.com/ingress",
                                                                     "parameters": {"kind": "Cfg", "name": "c"}}))
    assert errs == [] and o["spec"]["parameters"]["scope"] == "Cluster"
    assert ic.table_row(o)[:3] == ["x", "example.com/ingress", "Cfg/c"]
    cidr = networking.ServiceCIDRStrategy()
    assert cidr.table_row(obj("ServiceCIDR", namespace=None, spec={"cidrs": ["10.96.0.0/12", "fd00::/108"]}))[:2] == \
        ["x", "10.96.0.0/12,fd00::/108"]
    ip = networking.IPAddressStrategy()
    o, errs = created(ip, obj("IPAddress", name="10.96.0.1", namespace=None,
                              spec={"parentRef": {"group": "", "resource": "services", "namespace": "default", "name": "kubernetes"}}))
    assert errs == []
    assert ip.table_row(o) == ["10.96.0.1", "services/default/kubernetes"]
    _, errs = created(ip, obj("IPAddress", name="010.96.0.1", namespace=None, spec={"parentRef": {"resource": "services", "name": "k"}}))
    assert errs and errs[0].startswith('metadata.name: Invalid value: "010.96.0.1"')


# --- scheduling, coordination

def test_priority_class() -> None:
    strategy = scheduling.PriorityClassStrategy()
    o, errs = created(strategy, obj("PriorityClass", namespace=None, value=1000))
    assert errs == [] and o["preemptionPolicy"] == "PreemptLowerPriority"
    assert header(strategy) == ["Name", "Value", "Global-Default", "Age", "PreemptionPolicy"]
    row = strategy.table_row(o)
    assert (row[:3], row[4]) == (["x", 1000, False], "PreemptLowerPriority")
    _, errs = created(strategy, obj("PriorityClass", namespace=None, value=2_000_000_000))
    assert errs == ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]
    _, errs = created(strategy, obj("PriorityClass", name="system-mine", namespace=None, value=1))
    assert errs == ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
                    "error: system-mine is not a known system priority class"]
    _, errs = created(strategy, obj("PriorityClass", name="system-node-critical", namespace=None, value=2_000_001_000))
    assert errs == []
    new = dict(o, value=5)
    assert messages(strategy.validate_update(new, o)) == ["value: Forbidden: may not be changed in an update."]


def test_lease() -> None:
    strategy = coordination.LeaseStrategy()
    o, errs = created(strategy, obj("Lease", spec={"holderIdentity": "me", "leaseDurationSeconds": 15}))
    assert errs == [] and strategy.table_row(o)[:2] == ["x", "me"]
    _, errs = created(strategy, obj("Lease", spec={"leaseDurationSeconds": 0, "leaseTransitions": -1}))
    assert errs == ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                    "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]


# --- storage

def test_storage_class() -> None:
    strategy = storage.StorageClassStrategy()
    sc = obj("StorageClass", namespace=None, provisioner="example.com/fast", parameters={"a": "b"})
    sc["metadata"]["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    o, errs = created(strategy, sc)
    assert errs == []
    assert (o["reclaimPolicy"], o["volumeBindingMode"]) == ("Delete", "Immediate")
    assert strategy.table_row(o)[:5] == ["x (default)", "example.com/fast", "Delete", "Immediate", False]
    new = dict(copy.deepcopy(o), parameters={"a": "c"}, provisioner="other.io/x")
    assert messages(strategy.validate_update(new, o)) == [
        "parameters: Forbidden: updates to parameters are forbidden.",
        "provisioner: Forbidden: updates to provisioner are forbidden.",
    ]
    _, errs = created(strategy, obj("StorageClass", namespace=None, reclaimPolicy="Recycle"))
    assert errs == ["provisioner: Required value",
                    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']


def test_csi_kinds() -> None:
    driver = storage.CSIDriverStrategy()
    o, errs = created(driver, obj("CSIDriver", name="csi.example.com", namespace=None, spec={}))
    assert errs == []
    assert o["spec"] == {"attachRequired": True, "podInfoOnMount": False, "storageCapacity": False,
                         "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": False, "seLinuxMount": False,
                         "volumeLifecycleModes": ["Persistent"]}
    assert driver.table_row(o)[:7] == ["csi.example.com", True, False, False, "<unset>", False, "Persistent"]
    attachment = storage.VolumeAttachmentStrategy()
    o, errs = created(attachment, obj("VolumeAttachment", namespace=None, spec={
        "attacher": "csi.example.com", "nodeName": "n1", "source": {}}))
    assert errs == ["spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName"]
    assert o["status"] == {"attached": False}
    node = storage.CSINodeStrategy()
    assert node.table_row(obj("CSINode", namespace=None, spec={"drivers": [{"name": "a", "nodeID": "n"}]}))[:2] == ["x", 1]
    capacity = storage.CSIStorageCapacityStrategy()
    assert header(capacity) == ["Name", "StorageClassName", "Capacity"]
    assert capacity.table_row(obj("CSIStorageCapacity", storageClassName="fast", capacity="10Gi")) == ["x", "fast", "10Gi"]


# --- review kinds

ADMIN = UserInfo("admin", groups=["system:masters", "system:authenticated"])


class OnlyReads:
    def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
        if attrs.verb in ("get", "list", "watch"):
            return Decision.ALLOW, ""
        return Decision.DENY, f"{attrs.user.name} may only read"


def review(strategy: Strategy, body: Obj, user: UserInfo | None = ADMIN, **services: Any) -> Obj:
    return asyncio.run(strategy.review(body, user, services))


def test_self_subject_access_review() -> None:
    body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "metadata": {"creationTimestamp": None},
            "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}}}
    out = review(reviews.SelfSubjectAccessReviewStrategy(), body, authorizer=AlwaysAllowAuthorizer())
    assert out["status"] == {"allowed": True}
    assert out["kind"] == "SelfSubjectAccessReview" and out["spec"] == body["spec"]
    out = review(reviews.SelfSubjectAccessReviewStrategy(), body, authorizer=OnlyReads())
    assert out["status"] == {"allowed": False, "denied": True, "reason": "admin may only read"}
    out = review(reviews.SelfSubjectAccessReviewStrategy(), body, authorizer=AlwaysDenyAuthorizer())
    assert out["status"] == {"allowed": False, "reason": "Everything is forbidden."}
    with pytest.raises(StatusError) as info:
        review(reviews.SelfSubjectAccessReviewStrategy(), {"kind": "SelfSubjectAccessReview", "spec": {}})
    assert info.value.code == 422
    assert "exactly one of nonResourceAttributes or resourceAttributes must be specified" in info.value.message


def test_subject_access_review_asks_about_the_named_user() -> None:
    seen: list[Attributes] = []

    class Recorder:
        def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
            seen.append(attrs)
            return Decision.NO_OPINION, "no"

    body = {"kind": "SubjectAccessReview", "spec": {"user": "bob", "groups": ["g"],
                                                    "nonResourceAttributes": {"path": "/healthz", "verb": "get"}}}
    out = review(reviews.SubjectAccessReviewStrategy(), body, authorizer=Recorder())
    assert out["status"] == {"allowed": False, "reason": "no"}
    assert (seen[0].user.name, seen[0].user.groups, seen[0].path, seen[0].resource_request) == ("bob", ["g"], "/healthz", False)
    with pytest.raises(StatusError) as info:
        review(reviews.SubjectAccessReviewStrategy(), {"kind": "SubjectAccessReview",
                                                       "spec": {"resourceAttributes": {"verb": "get"}}})
    assert "at least one of user or group must be specified" in info.value.message
    lsar = {"kind": "LocalSubjectAccessReview", "metadata": {"namespace": "a"},
            "spec": {"user": "bob", "resourceAttributes": {"namespace": "b", "verb": "get", "resource": "pods"}}}
    with pytest.raises(StatusError) as info:
        review(reviews.LocalSubjectAccessReviewStrategy(), lsar, authorizer=Recorder())
    assert "must match metadata.namespace" in info.value.message


def test_token_review() -> None:
    authenticator = Authenticator(admin_token="s3cret")
    body = {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1", "spec": {"token": "s3cret"}}
    out = review(reviews.TokenReviewStrategy(), body, authenticator=authenticator)
    assert out["status"]["authenticated"] is True
    assert out["status"]["user"]["username"] == "kubernetes-admin"
    assert "system:authenticated" in out["status"]["user"]["groups"]
    assert out["status"]["audiences"] == reviews.DEFAULT_AUDIENCES
    out = review(reviews.TokenReviewStrategy(), {"kind": "TokenReview", "spec": {"token": "nope", "audiences": ["x"]}},
                 authenticator=authenticator)
    assert out["status"] == {"user": {}}
    with pytest.raises(StatusError) as info:
        review(reviews.TokenReviewStrategy(), {"kind": "TokenReview", "spec": {}}, authenticator=authenticator)
    assert info.value.code == 400


def test_self_subject_review_and_rules_review() -> None:
    out = review(reviews.SelfSubjectReviewStrategy(), {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1"})
    assert out["status"]["userInfo"] == {"username": "admin", "groups": ["system:masters", "system:authenticated"]}
    rules = reviews.SelfSubjectRulesReviewStrategy()
    out = review(rules, {"kind": "SelfSubjectRulesReview", "spec": {"namespace": "default"}}, authorizer=AlwaysAllowAuthorizer())
    assert out["status"] == {"resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                             "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "incomplete": False}
    out = review(rules, {"kind": "SelfSubjectRulesReview", "spec": {"namespace": "default"}},
                 authorizer=UnionAuthorizer([AlwaysDenyAuthorizer(), OnlyReads()]))
    assert out["status"]["incomplete"] is True
    with pytest.raises(StatusError):
        review(rules, {"kind": "SelfSubjectRulesReview", "spec": {}}, authorizer=AlwaysAllowAuthorizer())
