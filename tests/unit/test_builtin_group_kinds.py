"""Defaults, validation and printing of the built-in kinds of admissionregistration,
certificates, flowcontrol, apiregistration, node, rbac, networking, scheduling, storage and
the access reviews: pure functions on dicts, against upstream 1.33's values and messages."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from kubelite.apis import (
    admissionregistration,
    apiregistration,
    certificates,
    flowcontrol,
    networking,
    nodeapi,
    rbac,
    reviews,
    scheduling,
    storage,
)
from kubelite.auth.authn import UserInfo
from kubelite.auth.authz import AlwaysAllowAuthorizer
from kubelite.machinery.errors import StatusError
from kubelite.registry.strategy import Strategy
from tests.unit.test_builtin_policy import created, header, messages

Obj = dict[str, Any]
TS = "2024-01-01T00:00:00Z"
MANIFESTS = Path(__file__).parents[1] / "e2e" / "manifests"


def obj(kind: str, name: str = "x", namespace: str | None = None, **fields: Any) -> Obj:
    meta: Obj = {"name": name, "creationTimestamp": TS, "resourceVersion": "1"}
    if namespace is not None:
        meta["namespace"] = namespace
    return {"kind": kind, "metadata": meta, **fields}


def manifest(group: str, file: str, namespace: str | None = None) -> Obj:
    """A manifest of the e2e tests, as the store hands it to the strategy."""
    o: Obj = yaml.safe_load((MANIFESTS / group / file).read_text())
    o.setdefault("metadata", {}).update(creationTimestamp=TS, resourceVersion="1")
    if namespace is not None:
        o["metadata"]["namespace"] = namespace
    return o


def updated(strategy: Strategy, new: Obj, old: Obj) -> tuple[Obj, list[str]]:
    new = copy.deepcopy(new)
    strategy.prepare_for_update(new, old)
    strategy.default(new)
    return new, messages(strategy.validate_update(new, old))


# --- admissionregistration: webhooks

VWC = admissionregistration.ValidatingWebhookConfigurationStrategy()
MWC = admissionregistration.MutatingWebhookConfigurationStrategy()


def hook(**fields: Any) -> Obj:
    base: Obj = {"name": "webhook.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                 "clientConfig": {"service": {"name": "svc", "namespace": "ns"}}}
    return {**base, **fields}


def test_webhook_defaults() -> None:
    o, errs = created(MWC, manifest("admissionregistration.k8s.io", "mutatingwebhookconfiguration.yaml"))
    assert errs == []
    h = o["webhooks"][0]
    assert (h["failurePolicy"], h["matchPolicy"], h["timeoutSeconds"], h["reinvocationPolicy"]) == ("Fail", "Equivalent", 10, "Never")
    assert (h["namespaceSelector"], h["objectSelector"], h["rules"][0]["scope"]) == ({}, {}, "*")
    assert h["clientConfig"]["service"]["port"] == 443
    assert o["metadata"]["generation"] == 1
    o, _ = created(VWC, obj("ValidatingWebhookConfiguration", webhooks=[hook()]))
    assert "reinvocationPolicy" not in o["webhooks"][0]


def test_webhook_generation_counts_webhook_changes() -> None:
    old, _ = created(VWC, obj("ValidatingWebhookConfiguration", webhooks=[hook()]))
    new = copy.deepcopy(old)
    new["metadata"]["labels"] = {"a": "b"}
    assert updated(VWC, new, old)[0]["metadata"]["generation"] == 1
    new["webhooks"][0]["timeoutSeconds"] = 5
    assert updated(VWC, new, old)[0]["metadata"]["generation"] == 2


def test_webhook_required_fields() -> None:
    _, errs = created(VWC, obj("ValidatingWebhookConfiguration", webhooks=[{"name": "webhook.example.com", "clientConfig": {}}]))
    assert errs == [
        "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
        "webhooks[0].clientConfig: Required value: exactly one of url or service is required",
        "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
    ]


def test_webhook_field_values() -> None:
    _, errs = created(MWC, obj("MutatingWebhookConfiguration", webhooks=[
        hook(name="webhook", sideEffects="Some", timeoutSeconds=31, failurePolicy="Maybe", reinvocationPolicy="Always",
             admissionReviewVersions=["v2", "v2"], clientConfig={"url": "http://user@example.com/x?y=1#z"},
             rules=[{"operations": ["*", "CREATE"], "apiGroups": [], "apiVersions": ["v1"], "resources": ["*", "pods"], "scope": "Any"}]),
        hook(), hook()]))
    assert errs == [
        'webhooks[0].name: Invalid value: "webhook": should be a domain with at least three segments separated by dots',
        'webhooks[0].rules[0].operations: Invalid value: []admissionregistration.OperationType{"*", "CREATE"}: '
        "if '*' is present, must not specify other operations",
        "webhooks[0].rules[0].apiGroups: Required value",
        "webhooks[0].rules[0].resources: Invalid value: []string{\"*\", \"pods\"}: "
        "if '*' is present, must not specify other resources without subresources",
        'webhooks[0].rules[0].scope: Unsupported value: "Any": supported values: "*", "Cluster", "Namespaced"',
        'webhooks[0].failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"',
        'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
        "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
        'webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"',
        "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
        'webhooks[0].clientConfig.url: Invalid value: "user": user information is not permitted in the URL',
        'webhooks[0].clientConfig.url: Invalid value: "z": fragments are not permitted in the URL',
        'webhooks[0].clientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
        'webhooks[0].admissionReviewVersions[1]: Invalid value: "v2": duplicate version',
        'webhooks[0].admissionReviewVersions: Invalid value: []string{"v2", "v2"}: must include at least one of v1, v1beta1',
        'webhooks[2].name: Duplicate value: "webhook.example.com"',
    ]


def test_webhook_service_reference() -> None:
    # upstream passes name and namespace the wrong way round: a missing name shows at .namespace
    _, errs = created(VWC, obj("ValidatingWebhookConfiguration", webhooks=[
        hook(clientConfig={"service": {"namespace": "ns", "port": 0, "path": "/a//b"}})]))
    assert errs == [
        "webhooks[0].clientConfig.service.namespace: Required value",
        "webhooks[0].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive",
        'webhooks[0].clientConfig.service.path: Invalid value: "/a//b": segment[1] may not be empty',
    ]


# --- admissionregistration: policies

VAP = admissionregistration.ValidatingAdmissionPolicyStrategy()
VAPB = admissionregistration.ValidatingAdmissionPolicyBindingStrategy()


def test_policy_defaults_and_table() -> None:
    o, errs = created(VAP, manifest("admissionregistration.k8s.io", "validatingadmissionpolicy.yaml"))
    assert errs == []
    assert o["spec"]["failurePolicy"] == "Fail" and o["status"] == {} and o["metadata"]["generation"] == 1
    assert o["spec"]["matchConstraints"]["namespaceSelector"] == {} and o["spec"]["matchConstraints"]["matchPolicy"] == "Equivalent"
    assert header(VAP) == ["Name", "Validations", "ParamKind", "Age"]
    assert VAP.table_row(o)[:3] == ["demo-policy.example.com", 1, "<unset>"]
    o["spec"]["paramKind"] = {"apiVersion": "rules.example.com/v1", "kind": "ReplicaLimit"}
    assert VAP.table_row(o)[2] == "rules.example.com/v1/ReplicaLimit"


def test_policy_validation() -> None:
    _, errs = created(VAP, obj("ValidatingAdmissionPolicy", spec={
        "paramKind": {"apiVersion": "a/b/c", "kind": "Bad_Kind"}, "matchConstraints": {},
        "auditAnnotations": [{"key": "k", "valueExpression": ""}]}))
    assert errs == [
        'spec.paramKind.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
        "spec.paramKind.kind: Invalid value: \"Bad_Kind\": may have mixed case, but should otherwise match: a DNS-1035 label "
        "must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an "
        "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.matchConstraints.resourceRules: Required value",
        "spec.auditAnnotations[0].valueExpression: Required value: valueExpression is not specified",
    ]
    _, errs = created(VAP, obj("ValidatingAdmissionPolicy", spec={"failurePolicy": "Ignore"}))
    assert errs == ["spec.matchConstraints: Required value",
                    "spec.validations: Required value: validations or auditAnnotations must contain at least one item",
                    "spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item"]


def test_policy_binding() -> None:
    o, errs = created(VAPB, manifest("admissionregistration.k8s.io", "validatingadmissionpolicybinding.yaml"))
    assert errs == [] and o["spec"]["matchResources"]["objectSelector"] == {}
    assert VAPB.table_row(o)[:3] == ["demo-binding-test.example.com", "demo-policy.example.com", "<unset>"]
    o["spec"]["paramRef"] = {"name": "limits"}
    assert VAPB.table_row(o)[2] == "*/limits"
    o["spec"]["paramRef"] = {"selector": {"matchLabels": {"b": "2", "a": "1"}}}
    assert VAPB.table_row(o)[2] == "a=1,b=2"
    _, errs = created(VAPB, obj("ValidatingAdmissionPolicyBinding", spec={
        "validationActions": ["Deny", "Warn"], "paramRef": {"name": "p", "selector": {}}}))
    assert errs == [
        "spec.policyName: Required value",
        "spec.paramRef.name: Forbidden: name and selector are mutually exclusive",
        "spec.paramRef.selector: Forbidden: name and selector are mutually exclusive",
        "spec.paramRef.parameterNotFoundAction: Required value",
        'spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain '
        "both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)",
    ]


# --- certificates

CSR = certificates.CertificateSigningRequestStrategy()


def test_csr_records_the_requester_and_starts_pending() -> None:
    store = SimpleNamespace(admission=[])
    CSR.attach(store, None)
    o, errs = created(CSR, manifest("certificates.k8s.io", "certificatesigningrequest.yaml"))
    o["spec"]["username"] = "mallory"
    user = UserInfo("jane", uid="42", groups=["devs", "system:authenticated"], extra={"scopes": ["a"]})
    asyncio.run(store.admission[0]("CREATE", o, None, SimpleNamespace(user=user)))
    assert errs == [] and o["status"] == {}
    assert {k: o["spec"][k] for k in ("username", "uid", "groups", "extra")} == {
        "username": "jane", "uid": "42", "groups": ["devs", "system:authenticated"], "extra": {"scopes": ["a"]}}
    assert header(CSR) == ["Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"]
    assert CSR.table_row(o)[2:] == ["kubernetes.io/kube-apiserver-client", "jane", "24h", "Pending"]


def test_csr_validation() -> None:
    _, errs = created(CSR, obj("CertificateSigningRequest", name="any:name/goes", spec={
        "request": "bm90IGEgcmVxdWVzdA==", "usages": ["client auth", "jumping", "client auth"],
        "signerName": "example/signer", "expirationSeconds": 60}))
    assert errs == [
        "spec.request: Invalid value: []byte{0x6e, 0x6f, 0x74, 0x20, 0x61, 0x20, 0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74}: "
        "PEM block type must be CERTIFICATE REQUEST",
        'spec.usages[1]: Unsupported value: "jumping": supported values: ' + ", ".join(f'"{u}"' for u in certificates.USAGES),
        'spec.usages[2]: Duplicate value: "client auth"',
        'spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots',
        "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)",
    ]
    base = manifest("certificates.k8s.io", "certificatesigningrequest.yaml")
    base["spec"]["signerName"] = "kubernetes.io/legacy-unknown"
    assert created(CSR, base)[1] == [
        'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']


def test_csr_spec_is_immutable_and_decisions_need_approval() -> None:
    old, _ = created(CSR, manifest("certificates.k8s.io", "certificatesigningrequest.yaml"))
    new = copy.deepcopy(old)
    new["spec"]["usages"] = ["server auth"]
    new["status"] = {"conditions": [{"type": "Approved", "status": "True"}]}
    kept, errs = updated(CSR, new, old)
    assert errs == [] and kept["spec"] == old["spec"] and kept["status"] == {}
    # through /status a request cannot be approved
    new = copy.deepcopy(old)
    new["status"] = {"conditions": [{"type": "Approved", "status": "True"}]}
    CSR.prepare_for_subresource_update("status", new, old)
    assert messages(CSR.validate_status_update(new, old)) == [
        'status.conditions: Forbidden: updates may not add a condition of type "Approved"']
    # through /approval it can, and the condition gets its times
    new = copy.deepcopy(old)
    new["status"] = {"conditions": [{"type": "Approved", "status": "True", "reason": "KubectlApprove"}]}
    CSR.prepare_for_subresource_update("approval", new, old)
    assert messages(CSR.validate_status_update(new, old)) == []
    condition = new["status"]["conditions"][0]
    assert condition["lastUpdateTime"] == condition["lastTransitionTime"]
    assert certificates.condition_summary(new) == "Approved"
    new["status"]["certificate"] = "eA=="
    assert certificates.condition_summary(new) == "Approved,Issued"


# --- flowcontrol

FS = flowcontrol.FlowSchemaStrategy()
PLC = flowcontrol.PriorityLevelConfigurationStrategy()


def test_priority_level_defaults_and_table() -> None:
    o, errs = created(PLC, manifest("flowcontrol.apiserver.k8s.io", "prioritylevelconfiguration.yaml"))
    assert errs == []
    assert o["spec"]["limited"] == {"nominalConcurrencyShares": 30, "lendablePercent": 0, "limitResponse": {
        "type": "Queue", "queuing": {"handSize": 4, "queues": 16, "queueLengthLimit": 50}}}
    assert PLC.table_row(o)[:6] == ["restrict-pod-lister", "Limited", 30, 16, 4, 50]
    exempt, errs = created(PLC, obj("PriorityLevelConfiguration", name="exempt", spec={"type": "Exempt", "exempt": {}}))
    assert errs == [] and exempt["spec"]["exempt"] == {"nominalConcurrencyShares": 0, "lendablePercent": 0}
    assert PLC.table_row(exempt)[:6] == ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"]


def test_priority_level_validation() -> None:
    _, errs = created(PLC, obj("PriorityLevelConfiguration", spec={"type": "Exempt"}))
    assert errs == ["spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'"]
    _, errs = created(PLC, obj("PriorityLevelConfiguration", spec={"type": "Limited", "limited": {
        "lendablePercent": 101, "limitResponse": {"type": "Queue", "queuing": {"queues": 2, "handSize": 3}}}}))
    assert errs == [
        "spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive",
        "spec.limited.limitResponse.queuing.handSize: Invalid value: 3: should not be greater than queues (2)",
    ]
    _, errs = created(PLC, obj("PriorityLevelConfiguration", spec={"type": "Limited", "limited": {
        "limitResponse": {"type": "Queue", "queuing": {"queues": 128, "handSize": 9}}}}))
    assert errs == ["spec.limited.limitResponse.queuing.handSize: Invalid value: 9: required entropy bits of deckSize 128 "
                    "and handSize 9 should not be greater than 60"]


def test_flow_schema() -> None:
    o, errs = created(FS, manifest("flowcontrol.apiserver.k8s.io", "flowschema.yaml"))
    assert errs == [] and o["spec"]["matchingPrecedence"] == 1000 and o["status"] == {}
    assert header(FS) == ["Name", "PriorityLevel", "MatchingPrecedence", "DistinguisherMethod", "Age", "MissingPL"]
    row = FS.table_row(o)
    assert (row[:4], row[5]) == (["restrict-pod-lister", "restrict-pod-lister", 1000, "ByUser"], "?")
    o["status"] = {"conditions": [{"type": "Dangling", "status": "False"}]}
    assert FS.table_row(o)[5] == "False"
    _, errs = created(FS, obj("FlowSchema", spec={"matchingPrecedence": 1, "distinguisherMethod": {"type": "ByGroup"},
                                                  "priorityLevelConfiguration": {}, "rules": [{
                                                      "subjects": [{"kind": "User", "group": {"name": "g"}}],
                                                      "nonResourceRules": [{"verbs": ["fly"], "nonResourceURLs": ["/a*"]}]}]}))
    assert errs == [
        "spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1",
        'spec.distinguisherMethod.type: Unsupported value: flowcontrol.FlowDistinguisherMethod{Type:"ByGroup"}: '
        'supported values: "ByNamespace", "ByUser"',
        "spec.priorityLevelConfiguration.name: Required value: must reference a priority level",
        "spec.rules[0].subjects[0].user: Required value: user is required when subject kind is 'User'",
        "spec.rules[0].subjects[0].group: Forbidden: group is forbidden when subject kind is not 'Group'",
        'spec.rules[0].nonResourceRules[0].verbs: Unsupported value: []string{"fly"}: supported values: '
        '"create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch"',
        'spec.rules[0].nonResourceRules[0].nonResourceURLs[0]: Invalid value: "/a*": wildcard can only do suffix matching',
    ]


# --- apiregistration, node

APISERVICE = apiregistration.APIServiceStrategy()


def test_api_service() -> None:
    o, errs = created(APISERVICE, manifest("apiregistration.k8s.io", "apiservice.yaml"))
    assert errs == [] and o["spec"]["service"]["port"] == 443 and o["status"] == {}
    assert APISERVICE.table_row(o)[:3] == ["v1beta1.metrics.k8s.io", "kube-system/metrics-server", "Unknown"]
    o["status"] = {"conditions": [{"type": "Available", "status": "False", "reason": "ServiceNotFound"}]}
    assert APISERVICE.table_row(o)[2] == "False (ServiceNotFound)"
    _, errs = created(APISERVICE, obj("APIService", name="v1.wrong", spec={
        "group": "metrics.k8s.io", "version": "v1", "groupPriorityMinimum": 0, "versionPriority": 1, "caBundle": "AAAA"}))
    assert errs == [
        'metadata.name: Invalid value: "v1.wrong": must be `spec.version+"."+spec.group`: "v1.metrics.k8s.io"',
        "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000",
        'spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle',
    ]


RUNTIME = nodeapi.RuntimeClassStrategy()


def test_runtime_class() -> None:
    o, errs = created(RUNTIME, manifest("node.k8s.io", "runtimeclass.yaml"))
    assert errs == [] and RUNTIME.allow_create_on_update
    assert header(RUNTIME) == ["Name", "Handler", "Age"] and RUNTIME.table_row(o)[:2] == ["gvisor", "runsc"]
    _, errs = updated(RUNTIME, dict(o, handler="runc"), o)
    assert errs == ['handler: Invalid value: "runc": field is immutable']
    toleration = {"key": "sandbox", "operator": "Exists", "effect": "NoSchedule"}
    _, errs = created(RUNTIME, obj("RuntimeClass", handler="Run_sc", scheduling={"tolerations": [toleration, toleration]}))
    assert errs == [
        "handler: Invalid value: \"Run_sc\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
        "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        'scheduling.tolerations[1]: Duplicate value: core.Toleration{Key:"sandbox", Operator:"Exists", Value:"", '
        'Effect:"NoSchedule", TolerationSeconds:(*int64)(nil)}',
    ]


# --- rbac

def test_role_ref_cannot_change() -> None:
    strategy = rbac.RoleBindingStrategy()
    old, _ = created(strategy, manifest("rbac.authorization.k8s.io", "rolebinding.yaml", "ns"))
    new = copy.deepcopy(old)
    new["roleRef"]["name"] = "pod-writer"
    assert messages(strategy.validate_update(new, old)) == [
        'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"pod-writer"}: '
        "cannot change roleRef"]
    # a ServiceAccount subject's empty apiGroup is not printed
    assert old["subjects"][1] == {"kind": "ServiceAccount", "name": "default", "namespace": "kube-system"}


def test_cluster_role_aggregation() -> None:
    monitoring = manifest("rbac.authorization.k8s.io", "clusterrole.yaml")
    endpoints = manifest("rbac.authorization.k8s.io", "clusterrole-endpoints.yaml")
    other = obj("ClusterRole", name="other", rules=[{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}])
    assert rbac.aggregated_rules(monitoring, [other, monitoring, endpoints, endpoints]) == endpoints["rules"]
    assert rbac.aggregated_rules(monitoring, [other]) is None
    role, _ = created(rbac.RoleStrategy(), obj("Role", namespace="ns"))
    assert role["rules"] is None  # no omitempty upstream


# --- networking

INGRESS = networking.IngressStrategy()


def test_ingress_class_annotation_only_on_create() -> None:
    o = manifest("networking.k8s.io", "ingress.yaml")
    o["metadata"]["annotations"]["kubernetes.io/ingress.class"] = "nginx-example"
    o["metadata"]["namespace"] = "ns"
    _, errs = created(INGRESS, o)
    assert errs == ['annotations.kubernetes.io/ingress.class: Invalid value: "nginx-example": '
                    "can not be set when the class field is also set"]
    old, _ = created(INGRESS, dict(o, metadata={**o["metadata"], "annotations": {}}))
    assert updated(INGRESS, o, old)[1] == []


def test_ingress_backends_and_tls() -> None:
    _, errs = created(INGRESS, obj("Ingress", namespace="ns", spec={
        "defaultBackend": {"resource": {"apiGroup": "Example.com", "kind": "", "name": "a/b"}},
        "tls": [{"hosts": ["*.example.com"], "secretName": "Bad_Secret"}]}))
    assert errs == [
        "spec.defaultBackend.resource.apiGroup: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must consist of "
        "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        "spec.defaultBackend.resource.kind: Required value: kind is required",
        "spec.defaultBackend.resource.name: Invalid value: \"a/b\": may not contain '/'",
        "spec.tls[0].secretName: Invalid value: \"Bad_Secret\": a lowercase RFC 1123 subdomain must consist of lower case "
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]


def test_ingress_addresses_are_a_sorted_set() -> None:
    o, _ = created(INGRESS, manifest("networking.k8s.io", "ingress.yaml"))
    o["status"] = {"loadBalancer": {"ingress": [{"ip": "10.0.0.9"}, {"hostname": "lb.example.com"}, {"ip": "10.0.0.10"},
                                                {"ip": "10.0.0.9"}]}}
    assert INGRESS.table_row(o)[:5] == ["tls-example-ingress", "nginx-example", "https-example.foo.com,*.foo.com",
                                       "10.0.0.10,10.0.0.9,lb.example.com", "80, 443"]


def test_network_policy_defaults_and_messages() -> None:
    strategy = networking.NetworkPolicyStrategy()
    o, errs = created(strategy, obj("NetworkPolicy", namespace="ns", spec={}))
    assert errs == [] and o["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]} and o["metadata"]["generation"] == 1
    assert strategy.table_row(o)[1] == "<none>"
    o["spec"]["podSelector"] = {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}],
                                "matchLabels": {"app": "x"}}
    assert strategy.table_row(o)[1] == "app=x,tier in (api,web)"
    _, errs = created(strategy, obj("NetworkPolicy", namespace="ns", spec={"policyTypes": ["Ingress", "Egress", "Ingress"]}))
    assert errs == ['spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: '
                    "may not specify more than two policyTypes"]


def test_ingress_class_generation_and_parameters() -> None:
    strategy = networking.IngressClassStrategy()
    old, errs = created(strategy, manifest("networking.k8s.io", "ingressclass.yaml"))
    assert errs == [] and old["metadata"]["generation"] == 1
    new = copy.deepcopy(old)
    new["spec"]["parameters"] = {"kind": "", "name": "p", "scope": "Namespace"}
    new, errs = updated(strategy, new, old)
    assert new["metadata"]["generation"] == 2
    assert errs == ["spec.parameters.kind: Required value: kind is required",
                    "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]


def test_ip_address_without_parent_prints_none() -> None:
    assert networking.IPAddressStrategy().table_row(obj("IPAddress", name="10.0.0.1", spec={})) == ["10.0.0.1", "<none>"]


# --- scheduling, storage

def test_priority_class_generation_never_changes() -> None:
    strategy = scheduling.PriorityClassStrategy()
    old, _ = created(strategy, manifest("scheduling.k8s.io", "priorityclass.yaml"))
    assert old["metadata"]["generation"] == 1
    new, errs = updated(strategy, dict(old, description="other"), old)
    assert errs == [] and new["metadata"]["generation"] == 1


def test_csi_driver_immutable_fields() -> None:
    strategy = storage.CSIDriverStrategy()
    old, _ = created(strategy, manifest("storage.k8s.io", "csidriver.yaml"))
    new = copy.deepcopy(old)
    new["spec"].update(attachRequired=False, fsGroupPolicy="File", podInfoOnMount=True)
    assert updated(strategy, new, old)[1] == ["spec.attachedRequired: Invalid value: false: field is immutable"]
    new["spec"]["volumeLifecycleModes"] = ["Ephemeral", "Other"]
    assert updated(strategy, new, old)[1] == [
        'spec.volumeLifecycleModes: Unsupported value: "Other": supported values: "Persistent", "Ephemeral"',
        "spec.attachedRequired: Invalid value: false: field is immutable",
        'spec.volumeLifecycleModes: Invalid value: []storage.VolumeLifecycleMode{"Ephemeral", "Other"}: field is immutable',
    ]


def test_volume_attachment_messages() -> None:
    strategy = storage.VolumeAttachmentStrategy()
    _, errs = created(strategy, obj("VolumeAttachment", spec={
        "attacher": "", "nodeName": "", "source": {"persistentVolumeName": "pv", "inlineVolumeSpec": {}}}))
    subdomain = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
                 "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    assert errs == [
        "spec.attacher: Required value",
        "spec.source: Forbidden: must specify exactly one of inlineVolumeSpec and persistentVolumeName",
        f'spec.nodeName: Invalid value: "": {subdomain}',
        "spec.attacher: Required value",
        f'spec.attacher: Invalid value: "": {subdomain}',
    ]


def test_csi_node_and_storage_capacity() -> None:
    node = storage.CSINodeStrategy()
    old, errs = created(node, manifest("storage.k8s.io", "csinode.yaml"))
    assert errs == []
    new = copy.deepcopy(old)
    new["spec"]["drivers"][0]["nodeID"] = "x" * 193
    _, errs = updated(node, new, old)
    assert errs[0] == f'spec.drivers[0].nodeID: Invalid value: "{"x" * 193}": must be 192 characters or less'
    assert errs[1].startswith('spec.drivers: Invalid value: storage.CSINodeDriver{Name:"pd.csi.storage.gke.io", NodeID:"xxx')
    assert errs[1].endswith('TopologyKeys:[]string{"topology.gke.io/zone"}, Allocatable:(*storage.VolumeNodeResources)(0xc000000000)}: '
                            "field is immutable")
    capacity = storage.CSIStorageCapacityStrategy()
    o, errs = created(capacity, manifest("storage.k8s.io", "csistoragecapacity.yaml", "ns") | {"capacity": "1.5Gi"})
    assert errs == [] and o["capacity"] == "1536Mi" and capacity.table_row(o) == ["csisc-fqd5p", "csi-hostpath-fast", "1536Mi"]
    _, errs = updated(capacity, dict(o, storageClassName="other"), o)
    assert errs == ['storageClassName: Invalid value: "other": field is immutable']
    with pytest.raises(StatusError) as exc:
        created(capacity, obj("CSIStorageCapacity", namespace="ns", storageClassName="a", capacity="lots"))
    assert exc.value.code == 400


# --- access reviews

def ask(strategy: Strategy, body: Obj) -> Obj:
    return asyncio.run(strategy.review(body, UserInfo("admin"), {"authorizer": AlwaysAllowAuthorizer()}))  # type: ignore[no-any-return]


def test_local_subject_access_review_namespace() -> None:
    lsar = reviews.LocalSubjectAccessReviewStrategy()
    body = manifest("authorization.k8s.io", "localsubjectaccessreview.yaml")
    body["metadata"] = {"namespace": "default"}
    answer = ask(lsar, body)
    assert answer["metadata"]["namespace"] == "default" and answer["status"]["allowed"] is True
    body["metadata"] = {"namespace": "team-a"}
    with pytest.raises(StatusError) as exc:
        ask(lsar, body)
    assert exc.value.code == 422
    assert str(exc.value) == ('LocalSubjectAccessReview.authorization.k8s.io "" is invalid: '
                              'spec.resourceAttributes.namespace: Invalid value: "default": must match metadata.namespace')
    body["metadata"] = {"namespace": "default", "labels": {"a": "b"}}
    with pytest.raises(StatusError) as exc:
        ask(lsar, body)
    assert (exc.value.details or {})["causes"][0]["message"].endswith("must be empty except for namespace")


def test_access_review_metadata_must_be_empty() -> None:
    body = manifest("authorization.k8s.io", "subjectaccessreview.yaml") | {"metadata": {"name": "x"}}
    with pytest.raises(StatusError) as exc:
        ask(reviews.SubjectAccessReviewStrategy(), body)
    cause = (exc.value.details or {})["causes"][0]
    assert cause["field"] == "metadata" and cause["message"].endswith(": must be empty")
