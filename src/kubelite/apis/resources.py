"""The resources a Kubernetes 1.33 kube-apiserver serves by default: names, scope,
short names, categories, subresources and verb sets, as its discovery lists them.

One row per (group, version, resource). Kinds with behaviour of their own get a
strategy in their group's module; the rest are served by the generic strategy.
"""

from __future__ import annotations

from dataclasses import dataclass

CRUD = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
CRUD_NO_COLLECTION = ("create", "delete", "get", "list", "patch", "update", "watch")
CREATE_ONLY = ("create",)
READ_ONLY = ("get", "list")


@dataclass(frozen=True)
class ResourceRow:
    group: str
    version: str
    resource: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    verbs: tuple[str, ...] = CRUD
    # The storage version's (group, resource) when this row is not the storage version.
    stored_as: tuple[str, str] | None = None
    # The version upstream's kube-apiserver stores this resource in, when it is not `version`:
    # discovery's storageVersionHash is derived from it (a resource that has just gone GA is
    # still stored in its beta version for one release, so that a downgrade can read it).
    storage_version: str | None = None

    @property
    def singular(self) -> str:
        return self.kind.lower()


_R = ResourceRow
_NS, _CL = True, False
_ALL = ("all",)
_EXT = ("api-extensions",)

RESOURCES: tuple[ResourceRow, ...] = (
    # core/v1
    _R("", "v1", "bindings", "Binding", _NS, verbs=CREATE_ONLY),
    _R("", "v1", "componentstatuses", "ComponentStatus", _CL, ("cs",), verbs=READ_ONLY),
    _R("", "v1", "configmaps", "ConfigMap", _NS, ("cm",)),
    _R("", "v1", "endpoints", "Endpoints", _NS, ("ep",)),
    _R("", "v1", "events", "Event", _NS, ("ev",)),
    _R("", "v1", "limitranges", "LimitRange", _NS, ("limits",)),
    _R("", "v1", "namespaces", "Namespace", _CL, ("ns",), subresources=("finalize", "status"), verbs=CRUD_NO_COLLECTION),
    _R("", "v1", "nodes", "Node", _CL, ("no",), subresources=("proxy", "status")),
    _R("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", _NS, ("pvc",), subresources=("status",)),
    _R("", "v1", "persistentvolumes", "PersistentVolume", _CL, ("pv",), subresources=("status",)),
    _R("", "v1", "pods", "Pod", _NS, ("po",), _ALL,
       ("attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "resize", "status")),
    _R("", "v1", "podtemplates", "PodTemplate", _NS),
    _R("", "v1", "replicationcontrollers", "ReplicationController", _NS, ("rc",), _ALL, ("scale", "status")),
    _R("", "v1", "resourcequotas", "ResourceQuota", _NS, ("quota",), subresources=("status",)),
    _R("", "v1", "secrets", "Secret", _NS),
    _R("", "v1", "serviceaccounts", "ServiceAccount", _NS, ("sa",), subresources=("token",)),
    _R("", "v1", "services", "Service", _NS, ("svc",), _ALL, ("proxy", "status")),
    # admissionregistration.k8s.io
    _R("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", _CL, categories=_EXT),
    _R("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", _CL, categories=_EXT, subresources=("status",)),
    _R("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", _CL, categories=_EXT),
    _R("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", _CL, categories=_EXT),
    # apiextensions.k8s.io, apiregistration.k8s.io
    _R("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", _CL, ("crd", "crds"), _EXT, ("status",)),
    _R("apiregistration.k8s.io", "v1", "apiservices", "APIService", _CL, categories=_EXT, subresources=("status",)),
    # apps/v1
    _R("apps", "v1", "controllerrevisions", "ControllerRevision", _NS),
    _R("apps", "v1", "daemonsets", "DaemonSet", _NS, ("ds",), _ALL, ("status",)),
    _R("apps", "v1", "deployments", "Deployment", _NS, ("deploy",), _ALL, ("scale", "status")),
    _R("apps", "v1", "replicasets", "ReplicaSet", _NS, ("rs",), _ALL, ("scale", "status")),
    _R("apps", "v1", "statefulsets", "StatefulSet", _NS, ("sts",), _ALL, ("scale", "status")),
    # authentication.k8s.io, authorization.k8s.io: reviews, answered without storage
    _R("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", _CL, verbs=CREATE_ONLY),
    _R("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", _CL, verbs=CREATE_ONLY),
    _R("authorization.k8s.io", "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview", _NS, verbs=CREATE_ONLY),
    _R("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", _CL, verbs=CREATE_ONLY),
    _R("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", _CL, verbs=CREATE_ONLY),
    _R("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", _CL, verbs=CREATE_ONLY),
    # autoscaling: v2 is the storage version, v1 a second shape of the same objects
    _R("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", _NS, ("hpa",), _ALL, ("status",)),
    _R("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", _NS, ("hpa",), _ALL, ("status",),
       stored_as=("autoscaling", "horizontalpodautoscalers")),
    # batch/v1
    _R("batch", "v1", "cronjobs", "CronJob", _NS, ("cj",), _ALL, ("status",)),
    _R("batch", "v1", "jobs", "Job", _NS, categories=_ALL, subresources=("status",)),
    # certificates, coordination, discovery, events
    _R("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", _CL, ("csr",), subresources=("approval", "status")),
    _R("coordination.k8s.io", "v1", "leases", "Lease", _NS),
    _R("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", _NS),
    _R("events.k8s.io", "v1", "events", "Event", _NS, ("ev",), stored_as=("", "events")),
    # flowcontrol.apiserver.k8s.io/v1
    _R("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", _CL, subresources=("status",)),
    _R("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration", _CL, subresources=("status",)),
    # networking.k8s.io/v1
    _R("networking.k8s.io", "v1", "ingressclasses", "IngressClass", _CL),
    _R("networking.k8s.io", "v1", "ingresses", "Ingress", _NS, ("ing",), subresources=("status",)),
    # Stored as v1beta1 by 1.33 (GA in 1.33; pkg/kubeapiserver/default_storage_factory_builder.go).
    _R("networking.k8s.io", "v1", "ipaddresses", "IPAddress", _CL, ("ip",), storage_version="v1beta1"),
    _R("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", _NS, ("netpol",)),
    _R("networking.k8s.io", "v1", "servicecidrs", "ServiceCIDR", _CL, subresources=("status",), storage_version="v1beta1"),
    # node, policy, rbac, scheduling, storage
    _R("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", _CL),
    _R("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", _NS, ("pdb",), subresources=("status",)),
    _R("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", _CL),
    _R("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", _CL),
    _R("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", _NS),
    _R("rbac.authorization.k8s.io", "v1", "roles", "Role", _NS),
    _R("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", _CL, ("pc",)),
    _R("storage.k8s.io", "v1", "csidrivers", "CSIDriver", _CL),
    _R("storage.k8s.io", "v1", "csinodes", "CSINode", _CL),
    _R("storage.k8s.io", "v1", "csistoragecapacities", "CSIStorageCapacity", _NS),
    _R("storage.k8s.io", "v1", "storageclasses", "StorageClass", _CL, ("sc",)),
    _R("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", _CL, subresources=("status",)),
)

# The preferred version of each group where several are served.
PREFERRED_VERSIONS = {"autoscaling": "v2"}
