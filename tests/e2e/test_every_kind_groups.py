"""Every built-in kind outside the core, apps, batch, autoscaling and policy groups against a
real `kubelite serve`, from manifests upstream accepts (tests/e2e/manifests/<group>/): kubectl
creates each one, reads it back with the defaults a 1.33 kube-apiserver sets, prints it with
upstream's columns (pkg/printers/internalversion/printers.go; `-o wide` adds nothing for
these kinds), the `kubernetes` client reads, replaces and patches it, and kubectl deletes it
until a read answers 404. The review kinds are create-only: their answers are checked."""

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
from tests.e2e.helpers import api_exception, exc_status, table_columns, wait_until_not_found
from tests.e2e.server import KubeliteProcess

MANIFESTS = Path(__file__).parent / "manifests"
Obj = dict[str, Any]
TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


# --- the defaults a 1.33 kube-apiserver adds to each manifest -------------------------------------


def ingress_defaults(ing: Obj) -> None:
    assert [p["pathType"] for r in ing["spec"]["rules"] for p in r["http"]["paths"]] == ["Prefix", "ImplementationSpecific"]
    assert ing["status"] == {"loadBalancer": {}} and ing["metadata"]["generation"] == 1


def ingress_class_defaults(ic: Obj) -> None:
    assert ic["spec"]["parameters"]["scope"] == "Cluster" and ic["metadata"]["generation"] == 1


def network_policy_defaults(np: Obj) -> None:
    spec = np["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]  # egress rules make it an egress policy too
    assert spec["egress"][0]["ports"] == [{"port": 5978, "protocol": "TCP"}]
    assert spec["ingress"][0]["ports"] == [{"port": 6379, "protocol": "TCP"}]
    assert np["metadata"]["generation"] == 1


def no_defaults(obj: Obj) -> None:
    """Kinds whose manifest comes back as written (plus the metadata the server owns)."""
    assert obj["metadata"]["creationTimestamp"] and "generation" not in obj["metadata"]


def service_cidr_defaults(cidr: Obj) -> None:
    assert cidr["spec"] == {"cidrs": ["10.96.100.0/24"]} and cidr["status"] == {}


def aggregated_role_defaults(role: Obj) -> None:
    # the aggregation controller's work: the rules of the ClusterRole the selector matches
    assert role["rules"] == [{"apiGroups": [""], "resources": ["services", "endpointslices", "pods"],
                              "verbs": ["get", "list", "watch"]}]


def role_binding_defaults(rb: Obj) -> None:
    assert rb["subjects"][1] == {"kind": "ServiceAccount", "name": "default", "namespace": "kube-system"}
    assert rb["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"}


def priority_class_defaults(pc: Obj) -> None:
    assert (pc["preemptionPolicy"], pc["value"], pc["globalDefault"]) == ("PreemptLowerPriority", 1000000, False)
    assert pc["metadata"]["generation"] == 1


def storage_class_defaults(sc: Obj) -> None:
    assert (sc["reclaimPolicy"], sc["volumeBindingMode"]) == ("Delete", "Immediate")


def csi_driver_defaults(driver: Obj) -> None:
    assert driver["spec"] == {
        "attachRequired": True, "podInfoOnMount": False, "volumeLifecycleModes": ["Persistent"],
        "fsGroupPolicy": "ReadWriteOnceWithFSType", "requiresRepublish": False, "storageCapacity": False,
        "seLinuxMount": False,
    }


def volume_attachment_defaults(va: Obj) -> None:
    assert va["status"] == {"attached": False}


def webhook_defaults(mutating: bool) -> Callable[[Obj], None]:
    def check(config: Obj) -> None:
        hook = config["webhooks"][0]
        assert (hook["failurePolicy"], hook["matchPolicy"], hook["timeoutSeconds"]) == ("Fail", "Equivalent", 10)
        assert (hook["namespaceSelector"], hook["objectSelector"]) == ({}, {})
        assert [r["scope"] for r in hook["rules"]] == ["*"]
        assert hook["clientConfig"]["service"]["port"] == 443
        assert hook.get("reinvocationPolicy") == ("Never" if mutating else None)
        assert config["metadata"]["generation"] == 1
    return check


def policy_defaults(vap: Obj) -> None:
    spec = vap["spec"]
    assert spec["failurePolicy"] == "Fail"
    constraints = spec["matchConstraints"]
    assert (constraints["matchPolicy"], constraints["namespaceSelector"], constraints["objectSelector"]) == ("Equivalent", {}, {})
    assert constraints["resourceRules"][0]["scope"] == "*"
    assert vap["status"] == {} and vap["metadata"]["generation"] == 1


def policy_binding_defaults(vapb: Obj) -> None:
    match = vapb["spec"]["matchResources"]
    assert (match["matchPolicy"], match["objectSelector"]) == ("Equivalent", {})
    assert vapb["metadata"]["generation"] == 1


def csr_defaults(csr: Obj) -> None:
    spec = csr["spec"]
    # who asked is recorded by the server, whatever the manifest says
    assert spec["username"] == "kubernetes-admin" and "system:masters" in spec["groups"]
    assert csr["status"] == {}


def endpoint_slice_defaults(eps: Obj) -> None:
    assert eps["ports"] == [{"name": "http", "port": 80, "protocol": "TCP"}]
    assert eps["metadata"]["generation"] == 1


def flow_schema_defaults(fs: Obj) -> None:
    assert fs["spec"]["matchingPrecedence"] == 1000
    assert fs["status"] == {} and fs["metadata"]["generation"] == 1


def priority_level_defaults(plc: Obj) -> None:
    limited = plc["spec"]["limited"]
    assert (limited["nominalConcurrencyShares"], limited["lendablePercent"]) == (30, 0)
    assert limited["limitResponse"]["queuing"] == {"handSize": 4, "queues": 16, "queueLengthLimit": 50}
    assert plc["status"] == {} and plc["metadata"]["generation"] == 1


def api_service_defaults(svc: Obj) -> None:
    assert svc["spec"]["service"] == {"name": "metrics-server", "namespace": "kube-system", "port": 443}
    assert svc["status"] == {}


# --- the changes each test makes through the client -------------------------------------------------


def set_in(path: tuple[Any, ...], value: Any) -> Callable[[Obj], None]:
    def change(obj: Obj) -> None:
        target = obj
        for key in path[:-1]:
            target = target[key] if isinstance(key, int) else target.setdefault(key, {})
        target[path[-1]] = value
    return change


LABEL = set_in(("metadata", "labels", "example.com/owner"), "team-a")
LABELED = ("{.metadata.labels.example\\.com/owner}", "team-a")


@dataclass(frozen=True)
class Kind:
    group: str
    kind: str
    file: str
    resource: str  # plural.group, as kubectl is given it
    name: str
    api: str  # the client's API class
    snake: str  # the client's method stem: read_namespaced_<snake>, replace_<snake>, ...
    columns: tuple[str, ...]
    defaults: Callable[[Obj], None]
    change: Callable[[Obj], None]
    changed: tuple[str, str]  # (jsonpath, value) after the replace
    row: str  # a regular expression the printed (wide) row matches
    namespaced: bool = False
    wide: tuple[str, ...] = ()
    prereqs: tuple[str, ...] = ()  # manifests created first and deleted after

    @property
    def id(self) -> str:
        return f"{self.group}/{self.file.removesuffix('.yaml')}"


NET, RBAC, STORAGE, ADMISSION = "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io"
FLOW = "flowcontrol.apiserver.k8s.io"

KINDS = [
    Kind(NET, "Ingress", "ingress.yaml", "ingresses.networking.k8s.io", "tls-example-ingress", "NetworkingV1Api", "ingress",
         ("NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"), ingress_defaults,
         set_in(("spec", "rules", 0, "http", "paths", 0, "path"), "/v2"), ("{.metadata.generation}", "2"),
         r"^tls-example-ingress\s+nginx-example\s+https-example\.foo\.com,\*\.foo\.com\s+80, 443\s+\S+$", namespaced=True),
    Kind(NET, "IngressClass", "ingressclass.yaml", "ingressclasses.networking.k8s.io", "external-lb", "NetworkingV1Api",
         "ingress_class", ("NAME", "CONTROLLER", "PARAMETERS", "AGE"), ingress_class_defaults,
         set_in(("spec", "parameters", "name"), "internal-lb"), ("{.spec.parameters.name} {.metadata.generation}", "internal-lb 2"),
         r"^external-lb\s+example\.com/ingress-controller\s+IngressParameters\.k8s\.example\.com/external-lb\s+\S+$"),
    Kind(NET, "NetworkPolicy", "networkpolicy.yaml", "networkpolicies.networking.k8s.io", "test-network-policy",
         "NetworkingV1Api", "network_policy", ("NAME", "POD-SELECTOR", "AGE"), network_policy_defaults,
         set_in(("spec", "podSelector", "matchLabels", "tier"), "backend"), ("{.metadata.generation}", "2"),
         r"^test-network-policy\s+role=db\s+\S+$", namespaced=True),
    Kind(NET, "ServiceCIDR", "servicecidr.yaml", "servicecidrs.networking.k8s.io", "newservicecidr", "NetworkingV1Api",
         "service_cidr", ("NAME", "CIDRS", "AGE"), service_cidr_defaults, LABEL, LABELED, r"^newservicecidr\s+10\.96\.100\.0/24\s+\S+$"),
    Kind(NET, "IPAddress", "ipaddress.yaml", "ipaddresses.networking.k8s.io", "10.96.100.77", "NetworkingV1Api", "ip_address",
         ("NAME", "PARENTREF"), no_defaults, LABEL, LABELED, r"^10\.96\.100\.77\s+services/default/my-service$"),
    Kind(RBAC, "Role", "role.yaml", "roles.rbac.authorization.k8s.io", "pod-reader", "RbacAuthorizationV1Api", "role",
         ("NAME", "CREATED AT"), no_defaults, set_in(("rules", 0, "verbs"), ["get"]), ("{.rules[0].verbs}", '["get"]'),
         rf"^pod-reader\s+{TIMESTAMP}$", namespaced=True),
    Kind(RBAC, "ClusterRole", "clusterrole.yaml", "clusterroles.rbac.authorization.k8s.io", "groups-e2e-monitoring",
         "RbacAuthorizationV1Api", "cluster_role", ("NAME", "CREATED AT"), aggregated_role_defaults, LABEL, LABELED,
         rf"^groups-e2e-monitoring\s+{TIMESTAMP}$", prereqs=("clusterrole-endpoints.yaml",)),
    Kind(RBAC, "RoleBinding", "rolebinding.yaml", "rolebindings.rbac.authorization.k8s.io", "read-pods", "RbacAuthorizationV1Api",
         "role_binding", ("NAME", "ROLE", "AGE"), role_binding_defaults,
         set_in(("subjects", 0, "name"), "joe"), ("{.subjects[0].name}", "joe"),
         r"^read-pods\s+Role/pod-reader\s+\S+\s+jane\s+kube-system/default$", namespaced=True,
         wide=("USERS", "GROUPS", "SERVICEACCOUNTS")),
    Kind(RBAC, "ClusterRoleBinding", "clusterrolebinding.yaml", "clusterrolebindings.rbac.authorization.k8s.io",
         "groups-e2e-read-secrets-global", "RbacAuthorizationV1Api", "cluster_role_binding", ("NAME", "ROLE", "AGE"), no_defaults,
         set_in(("subjects", 0, "name"), "admins"), ("{.subjects[0].name}", "admins"),
         r"^groups-e2e-read-secrets-global\s+ClusterRole/secret-reader\s+\S+\s+manager$",
         wide=("USERS", "GROUPS", "SERVICEACCOUNTS")),
    Kind("scheduling.k8s.io", "PriorityClass", "priorityclass.yaml", "priorityclasses.scheduling.k8s.io", "groups-e2e-high-priority",
         "SchedulingV1Api", "priority_class", ("NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"),
         priority_class_defaults, set_in(("description",), "For XYZ pods."), ("{.description} {.metadata.generation}", "For XYZ pods. 1"),
         r"^groups-e2e-high-priority\s+1000000\s+false\s+\S+\s+PreemptLowerPriority$"),
    Kind("coordination.k8s.io", "Lease", "lease.yaml", "leases.coordination.k8s.io", "my-controller-leader-election",
         "CoordinationV1Api", "lease", ("NAME", "HOLDER", "AGE"), no_defaults,
         set_in(("spec", "leaseTransitions"), 1), ("{.spec.leaseTransitions}", "1"),
         r"^my-controller-leader-election\s+my-controller-6d4cf56db6-x2ls7_8a5e3b1c-4f0e-4d2b-9a47-0c6f2d1e9b3a\s+\S+$",
         namespaced=True),
    Kind(STORAGE, "StorageClass", "storageclass.yaml", "storageclasses.storage.k8s.io", "low-latency", "StorageV1Api",
         "storage_class", ("NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"),
         storage_class_defaults, set_in(("allowVolumeExpansion",), False), ("{.allowVolumeExpansion}", "false"),
         r"^low-latency\s+csi-driver\.example-vendor\.example\s+Delete\s+Immediate\s+true\s+\S+$"),
    Kind(STORAGE, "CSIDriver", "csidriver.yaml", "csidrivers.storage.k8s.io", "pd.csi.storage.gke.io", "StorageV1Api", "csi_driver",
         ("NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY", "TOKENREQUESTS", "REQUIRESREPUBLISH", "MODES", "AGE"),
         csi_driver_defaults, set_in(("spec", "podInfoOnMount"), True), ("{.spec.podInfoOnMount}", "true"),
         r"^pd\.csi\.storage\.gke\.io\s+true\s+false\s+false\s+<unset>\s+false\s+Persistent\s+\S+$"),
    Kind(STORAGE, "CSINode", "csinode.yaml", "csinodes.storage.k8s.io", "groups-e2e-node-1", "StorageV1Api", "csi_node",
         ("NAME", "DRIVERS", "AGE"), no_defaults, LABEL, LABELED, r"^groups-e2e-node-1\s+1\s+\S+$"),
    Kind(STORAGE, "CSIStorageCapacity", "csistoragecapacity.yaml", "csistoragecapacities.storage.k8s.io", "csisc-fqd5p",
         "StorageV1Api", "csi_storage_capacity", ("NAME", "STORAGECLASSNAME", "CAPACITY"), no_defaults,
         set_in(("capacity",), "50Gi"), ("{.capacity}", "50Gi"), r"^csisc-fqd5p\s+csi-hostpath-fast\s+100Gi$", namespaced=True),
    Kind(STORAGE, "VolumeAttachment", "volumeattachment.yaml", "volumeattachments.storage.k8s.io",
         "csi-3b15269e725f727786c5aec3b4da3f2eebd2477dec53d3480a3fe1ebc2ef5e6f", "StorageV1Api", "volume_attachment",
         ("NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"), volume_attachment_defaults, LABEL, LABELED,
         r"^csi-3b15\S+\s+pd\.csi\.storage\.gke\.io\s+pvc-0f0c8d8c-5e2b-4c3a-9c1e-1f2e3d4c5b6a\s+groups-e2e-node-1\s+false\s+\S+$"),
    Kind(ADMISSION, "ValidatingWebhookConfiguration", "validatingwebhookconfiguration.yaml",
         "validatingwebhookconfigurations.admissionregistration.k8s.io", "groups-e2e-cert-manager-webhook",
         "AdmissionregistrationV1Api", "validating_webhook_configuration", ("NAME", "WEBHOOKS", "AGE"), webhook_defaults(False),
         set_in(("webhooks", 0, "timeoutSeconds"), 30), ("{.webhooks[0].timeoutSeconds} {.metadata.generation}", "30 2"),
         r"^groups-e2e-cert-manager-webhook\s+1\s+\S+$"),
    Kind(ADMISSION, "MutatingWebhookConfiguration", "mutatingwebhookconfiguration.yaml",
         "mutatingwebhookconfigurations.admissionregistration.k8s.io", "groups-e2e-cert-manager-webhook",
         "AdmissionregistrationV1Api", "mutating_webhook_configuration", ("NAME", "WEBHOOKS", "AGE"), webhook_defaults(True),
         set_in(("webhooks", 0, "reinvocationPolicy"), "IfNeeded"),
         ("{.webhooks[0].reinvocationPolicy} {.metadata.generation}", "IfNeeded 2"), r"^groups-e2e-cert-manager-webhook\s+1\s+\S+$"),
    Kind(ADMISSION, "ValidatingAdmissionPolicy", "validatingadmissionpolicy.yaml",
         "validatingadmissionpolicies.admissionregistration.k8s.io", "demo-policy.example.com", "AdmissionregistrationV1Api",
         "validating_admission_policy", ("NAME", "VALIDATIONS", "PARAMKIND", "AGE"), policy_defaults,
         set_in(("spec", "validations", 0, "expression"), "object.spec.replicas <= 3"), ("{.metadata.generation}", "2"),
         r"^demo-policy\.example\.com\s+1\s+<unset>\s+\S+$"),
    Kind(ADMISSION, "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybinding.yaml",
         "validatingadmissionpolicybindings.admissionregistration.k8s.io", "demo-binding-test.example.com",
         "AdmissionregistrationV1Api", "validating_admission_policy_binding", ("NAME", "POLICYNAME", "PARAMREF", "AGE"),
         policy_binding_defaults, set_in(("spec", "validationActions"), ["Warn", "Audit"]),
         ("{.spec.validationActions} {.metadata.generation}", '["Warn","Audit"] 2'),
         r"^demo-binding-test\.example\.com\s+demo-policy\.example\.com\s+<unset>\s+\S+$"),
    Kind("certificates.k8s.io", "CertificateSigningRequest", "certificatesigningrequest.yaml",
         "certificatesigningrequests.certificates.k8s.io", "myuser", "CertificatesV1Api", "certificate_signing_request",
         ("NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION"), csr_defaults,
         # the spec cannot change once created: an update keeps it, and changes metadata only
         set_in(("spec", "expirationSeconds"), 3600), ("{.spec.expirationSeconds}", "86400"),
         r"^myuser\s+\S+\s+kubernetes\.io/kube-apiserver-client\s+kubernetes-admin\s+24h\s+Pending$"),
    Kind("discovery.k8s.io", "EndpointSlice", "endpointslice.yaml", "endpointslices.discovery.k8s.io", "example-abc",
         "DiscoveryV1Api", "endpoint_slice", ("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"), endpoint_slice_defaults,
         set_in(("endpoints", 0, "addresses"), ["10.1.2.4"]), ("{.endpoints[0].addresses[0]}", "10.1.2.4"),
         r"^example-abc\s+IPv4\s+80\s+10\.1\.2\.3\s+\S+$", namespaced=True),
    Kind("node.k8s.io", "RuntimeClass", "runtimeclass.yaml", "runtimeclasses.node.k8s.io", "gvisor", "NodeV1Api", "runtime_class",
         ("NAME", "HANDLER", "AGE"), no_defaults, set_in(("overhead", "podFixed", "memory"), "128Mi"),
         ("{.overhead.podFixed.memory}", "128Mi"), r"^gvisor\s+runsc\s+\S+$"),
    Kind(FLOW, "PriorityLevelConfiguration", "prioritylevelconfiguration.yaml",
         "prioritylevelconfigurations.flowcontrol.apiserver.k8s.io", "restrict-pod-lister", "FlowcontrolApiserverV1Api",
         "priority_level_configuration",
         ("NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE"), priority_level_defaults,
         set_in(("spec", "limited", "nominalConcurrencyShares"), 5), ("{.spec.limited.nominalConcurrencyShares}", "5"),
         r"^restrict-pod-lister\s+Limited\s+30\s+16\s+4\s+50\s+\S+$"),
    Kind(FLOW, "FlowSchema", "flowschema.yaml", "flowschemas.flowcontrol.apiserver.k8s.io", "restrict-pod-lister",
         "FlowcontrolApiserverV1Api", "flow_schema",
         ("NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"), flow_schema_defaults,
         set_in(("spec", "matchingPrecedence"), 500), ("{.spec.matchingPrecedence} {.metadata.generation}", "500 2"),
         # "?" until a configuration controller reports the level found (upstream's shows False)
         r"^restrict-pod-lister\s+restrict-pod-lister\s+1000\s+ByUser\s+\S+\s+\?$"),
    Kind("apiregistration.k8s.io", "APIService", "apiservice.yaml", "apiservices.apiregistration.k8s.io", "v1beta1.metrics.k8s.io",
         "ApiregistrationV1Api", "api_service", ("NAME", "SERVICE", "AVAILABLE", "AGE"), api_service_defaults,
         set_in(("spec", "versionPriority"), 50), ("{.spec.versionPriority}", "50"),
         # no availability controller: upstream's reports "False (ServiceNotFound)" here
         r"^v1beta1\.metrics\.k8s\.io\s+kube-system/metrics-server\s+Unknown\s+\S+$"),
]


def _client_call(api_client: client.ApiClient, kind: Kind, verb: str, ns: str | None) -> Callable[..., Any]:
    api = getattr(client, kind.api)(api_client)
    if ns is None:
        return getattr(api, f"{verb}_{kind.snake}")  # type: ignore[no-any-return]
    method = getattr(api, f"{verb}_namespaced_{kind.snake}")
    return lambda *args, **kw: method(*args[:1], ns, *args[1:], **kw)


@pytest.mark.parametrize("kind", KINDS, ids=[k.id for k in KINDS])
def test_create_read_update_delete(kind: Kind, kubectl: Kubectl, api_client: client.ApiClient, namespace: str) -> None:
    ns = namespace if kind.namespaced else None
    scope = ["-n", ns] if ns else []
    manifest = MANIFESTS / kind.group / kind.file
    doc = yaml.safe_load(manifest.read_text())
    assert (doc["kind"], doc["metadata"]["name"]) == (kind.kind, kind.name)
    for prereq in kind.prereqs:
        kubectl(*scope, "create", "-f", str(MANIFESTS / kind.group / prereq))
    try:
        _create_read_update_delete(kind, kubectl, api_client, ns, scope, manifest)
    finally:
        for prereq in kind.prereqs:
            kubectl.run(*scope, "delete", "-f", str(MANIFESTS / kind.group / prereq), "--wait=false", check=False)


def _create_read_update_delete(kind: Kind, kubectl: Kubectl, api_client: client.ApiClient, ns: str | None,
                               scope: list[str], manifest: Path) -> None:
    # create and read back with the server's defaults
    assert "created" in kubectl(*scope, "create", "-f", str(manifest))
    obj = json.loads(kubectl(*scope, "get", kind.resource, kind.name, "-o", "json"))
    assert (obj["kind"], obj["apiVersion"]) == (kind.kind, f"{kind.group}/v1")
    assert obj["metadata"]["uid"] and obj["metadata"]["resourceVersion"]
    kind.defaults(obj)

    # print as upstream's printers do (the server's tables are wide; kubectl hides priority columns)
    table = kubectl(*scope, "get", kind.resource, kind.name).splitlines()
    assert table_columns(table[0]) == list(kind.columns), table
    wide = kubectl(*scope, "get", kind.resource, kind.name, "-o", "wide").splitlines()
    assert table_columns(wide[0]) == [*kind.columns, *kind.wide], wide
    assert re.match(kind.row, wide[1].rstrip()), wide[1]

    # read, change and replace it with the client; then patch it
    read = _client_call(api_client, kind, "read", ns)
    body = api_client.sanitize_for_serialization(read(kind.name))
    kind.change(body)
    _client_call(api_client, kind, "replace", ns)(kind.name, body)
    path, value = kind.changed
    assert kubectl(*scope, "get", kind.resource, kind.name, "-o", f"jsonpath={path}") == value
    _client_call(api_client, kind, "patch", ns)(kind.name, {"metadata": {"labels": {"patched": "yes"}}})
    assert read(kind.name).metadata.labels["patched"] == "yes"

    # delete until gone
    kubectl(*scope, "delete", kind.resource, kind.name, "--wait=false")
    wait_until_not_found(read, kind.name, f"{kind.kind} {kind.name}")


# --- the review kinds: create-only, answered, never stored -----------------------------------------


def review(kubectl: Kubectl, group: str, file: str, *args: str, body: Obj | None = None) -> Obj:
    manifest = MANIFESTS / group / file
    if body is None:
        return json.loads(kubectl(*args, "create", "-f", str(manifest), "-o", "json"))  # type: ignore[no-any-return]
    return json.loads(kubectl(*args, "create", "-f", "-", "-o", "json", input=json.dumps(body)))  # type: ignore[no-any-return]


def test_token_review(kubectl: Kubectl, kubelite: KubeliteProcess) -> None:
    group = "authentication.k8s.io"
    answer = review(kubectl, group, "tokenreview.yaml")
    assert answer["kind"] == "TokenReview" and answer["status"] == {"user": {}}  # not a token this server issued
    doc = yaml.safe_load((MANIFESTS / group / "tokenreview.yaml").read_text())
    doc["spec"]["token"] = (kubelite.data_dir / "admin.token").read_text().strip()
    status = review(kubectl, group, "tokenreview.yaml", body=doc)["status"]
    assert status["authenticated"] is True and status["user"]["username"] == "kubernetes-admin"
    assert status["audiences"] == ["https://kubernetes.default.svc.cluster.local"]
    assert "(MethodNotAllowed)" in kubectl.fails("get", "tokenreviews")


def test_self_subject_review(kubectl: Kubectl) -> None:
    answer = review(kubectl, "authentication.k8s.io", "selfsubjectreview.yaml")
    assert answer["kind"] == "SelfSubjectReview"
    assert answer["status"]["userInfo"]["username"] == "kubernetes-admin"
    assert "system:masters" in answer["status"]["userInfo"]["groups"]


def test_access_reviews(kubectl: Kubectl) -> None:
    group = "authorization.k8s.io"
    sar = review(kubectl, group, "subjectaccessreview.yaml")
    assert sar["spec"]["user"] == "dave" and sar["status"]["allowed"] is True  # kubelite's admin-only authorizer allows all
    ssar = review(kubectl, group, "selfsubjectaccessreview.yaml")
    assert ssar["kind"] == "SelfSubjectAccessReview" and ssar["status"]["allowed"] is True
    rules = review(kubectl, group, "selfsubjectrulesreview.yaml")["status"]
    assert rules["incomplete"] is False and {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]} in rules["resourceRules"]


def test_local_subject_access_review_namespace_comes_from_the_request(kubectl: Kubectl, namespace: str) -> None:
    group, file = "authorization.k8s.io", "localsubjectaccessreview.yaml"
    answer = review(kubectl, group, file, "-n", "default")
    assert answer["metadata"]["namespace"] == "default" and answer["status"]["allowed"] is True
    # Created in another namespace, the review asks about "default" from there: upstream refuses.
    doc = yaml.safe_load((MANIFESTS / group / file).read_text())
    del doc["metadata"]
    refused = kubectl.fails("-n", namespace, "create", "-f", "-", input=json.dumps(doc))
    assert 'The LocalSubjectAccessReview "" is invalid: spec.resourceAttributes.namespace: Invalid value: "default": ' \
           "must match metadata.namespace" in refused, refused
    # kubectl itself refuses a manifest whose namespace differs from -n
    assert "does not match the namespace" in kubectl.fails("-n", namespace, "create", "-f", str(MANIFESTS / group / file))


# --- behaviour beyond create/read/update/delete -----------------------------------------------------


def test_certificate_signing_request_approval(kubectl: Kubectl, api_client: client.ApiClient) -> None:
    manifest = MANIFESTS / "certificates.k8s.io" / "certificatesigningrequest.yaml"
    doc = yaml.safe_load(manifest.read_text())
    doc["metadata"]["name"] = "groups-e2e-approve-me"
    kubectl("create", "-f", "-", input=json.dumps(doc))
    try:
        assert "approved" in kubectl("certificate", "approve", "groups-e2e-approve-me")
        csr = json.loads(kubectl("get", "csr", "groups-e2e-approve-me", "-o", "json"))
        condition = csr["status"]["conditions"][0]
        assert (condition["type"], condition["status"], condition["reason"]) == ("Approved", "True", "KubectlApprove")
        assert condition["lastUpdateTime"] and condition["lastTransitionTime"]
        assert re.search(r"\s+Approved$", kubectl("get", "csr", "groups-e2e-approve-me").splitlines()[1])
        # once approved, a request cannot be denied too (kubectl would not even ask)
        certificates = client.CertificatesV1Api(api_client)
        approved = certificates.read_certificate_signing_request("groups-e2e-approve-me")
        approved.status.conditions.append(client.V1CertificateSigningRequestCondition(type="Denied", status="True"))
        status = exc_status(api_exception(certificates.replace_certificate_signing_request_approval,
                                          "groups-e2e-approve-me", approved))
        assert status["details"]["causes"] == [{"reason": "FieldValueInvalid", "field": "status.conditions[1].type",
                                                "message": 'Invalid value: "Denied": Approved and Denied conditions are mutually exclusive'}]
        # and /status cannot decide it
        pending = certificates.read_certificate_signing_request("groups-e2e-approve-me")
        pending.status.conditions = []
        status = exc_status(api_exception(certificates.replace_certificate_signing_request_status, "groups-e2e-approve-me", pending))
        assert 'status.conditions: Forbidden: updates may not remove a condition of type "Approved"' in status["message"]
    finally:
        kubectl.run("delete", "csr", "groups-e2e-approve-me", check=False)


def test_validation_messages_reach_kubectl(kubectl: Kubectl, namespace: str) -> None:
    def refused(doc: Obj) -> str:
        return kubectl.fails("-n", namespace, "create", "-f", "-", input=json.dumps(doc))

    ingress = yaml.safe_load((MANIFESTS / NET / "ingress.yaml").read_text())
    del ingress["spec"]["rules"][0]["http"]["paths"][0]["pathType"]
    ingress["spec"]["rules"][1]["http"]["paths"][0]["backend"]["resource"] = {"kind": "StorageBucket", "name": "static"}
    out = refused(ingress)
    assert "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified" in out
    assert 'spec.rules[1].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends' in out

    webhook = yaml.safe_load((MANIFESTS / ADMISSION / "validatingwebhookconfiguration.yaml").read_text())
    hook = webhook["webhooks"][0]
    del hook["sideEffects"], hook["admissionReviewVersions"]
    hook["clientConfig"]["url"] = "https://webhook.example.com/validate"
    out = refused(webhook)
    assert "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun" in out
    assert "webhooks[0].clientConfig: Required value: exactly one of url or service is required" in out
    assert "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1" in out

    pc = yaml.safe_load((MANIFESTS / "scheduling.k8s.io" / "priorityclass.yaml").read_text())
    pc["value"] = 2_000_000_000
    assert "value: Forbidden: maximum allowed value of a user defined priority is 1000000000" in refused(pc)

    binding = yaml.safe_load((MANIFESTS / RBAC / "rolebinding.yaml").read_text())
    binding["subjects"][0]["kind"] = "Robot"
    assert 'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"' in refused(binding)


def test_immutable_fields(kubectl: Kubectl, api_client: client.ApiClient, namespace: str) -> None:
    rbac = client.RbacAuthorizationV1Api(api_client)
    kubectl("-n", namespace, "create", "-f", str(MANIFESTS / RBAC / "rolebinding.yaml"))
    binding = rbac.read_namespaced_role_binding("read-pods", namespace)
    binding.role_ref.name = "pod-writer"
    status = exc_status(api_exception(rbac.replace_namespaced_role_binding, "read-pods", namespace, binding))
    assert status["message"] == ('RoleBinding.rbac.authorization.k8s.io "read-pods" is invalid: roleRef: Invalid value: '
                                 'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"pod-writer"}: '
                                 "cannot change roleRef")

    scheduling = client.SchedulingV1Api(api_client)
    kubectl("create", "-f", str(MANIFESTS / "scheduling.k8s.io" / "priorityclass.yaml"))
    try:
        status = exc_status(api_exception(scheduling.patch_priority_class, "groups-e2e-high-priority", {"value": 5}))
        assert status["details"]["causes"] == [
            {"reason": "FieldValueForbidden", "message": "Forbidden: may not be changed in an update.", "field": "value"}]
    finally:
        kubectl.run("delete", "priorityclass", "groups-e2e-high-priority", check=False)
