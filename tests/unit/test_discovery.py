"""Discovery documents: legacy (/api, /apis, resource lists) and aggregated v2/v2beta1."""

from __future__ import annotations

import pytest

from kubelite import discovery as d
from kubelite.machinery.gvk import APIResource

ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def sample_resources() -> list[APIResource]:
    return [
        APIResource(
            "", "v1", "pods", "Pod", "pod", True, ALL, ["po"], ["all"], ["status", "log", "eviction"]
        ),
        APIResource("", "v1", "configmaps", "ConfigMap", "configmap", True, ALL, ["cm"]),
        APIResource(
            "",
            "v1",
            "namespaces",
            "Namespace",
            "namespace",
            False,
            ["create", "delete", "get", "list", "patch", "update", "watch"],
            ["ns"],
            [],
            ["status", "finalize"],
        ),  # fmt: skip
        APIResource(
            "apps",
            "v1",
            "deployments",
            "Deployment",
            "deployment",
            True,
            ALL,
            ["deploy"],
            ["all"],
            ["status", "scale"],
        ),  # fmt: skip
        APIResource("batch", "v1", "jobs", "Job", "job", True, ALL, [], ["all"], ["status"]),
        APIResource("batch", "v1beta1", "cronjobs", "CronJob", "cronjob", True, ALL, ["cj"]),
        APIResource(
            "authorization.k8s.io",
            "v1",
            "selfsubjectaccessreviews",
            "SelfSubjectAccessReview",
            "selfsubjectaccessreview",
            False,
            ["create"],
        ),  # fmt: skip
    ]


def _find(entries: list[dict], name: str) -> dict:
    return next(e for e in entries if e.get("name", e.get("resource")) == name)


def test_core_versions() -> None:
    doc = d.core_versions("10.0.0.1:6443")
    assert doc == {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "10.0.0.1:6443"}],
    }


def test_api_group_list_excludes_core_and_orders_by_priority() -> None:
    doc = d.api_group_list(sample_resources(), {})
    assert doc["kind"] == "APIGroupList" and doc["apiVersion"] == "v1"
    names = [g["name"] for g in doc["groups"]]
    assert "" not in names
    assert names == ["apps", "authorization.k8s.io", "batch"]
    apps = doc["groups"][0]
    assert apps["versions"] == [{"groupVersion": "apps/v1", "version": "v1"}]
    assert apps["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}


def test_preferred_version_first_and_override() -> None:
    batch = d.api_group("batch", sample_resources(), {})
    assert batch is not None
    assert [v["version"] for v in batch["versions"]] == ["v1", "v1beta1"]
    assert batch["preferredVersion"]["version"] == "v1"
    batch = d.api_group("batch", sample_resources(), {"batch": "v1beta1"})
    assert batch is not None
    assert [v["version"] for v in batch["versions"]] == ["v1beta1", "v1"]
    assert batch["preferredVersion"] == {"groupVersion": "batch/v1beta1", "version": "v1beta1"}
    assert d.api_group("nope", sample_resources(), {}) is None


def test_kube_aware_version_order() -> None:
    versions = ["v1alpha1", "foo", "v2beta1", "v1", "v2", "v1beta2", "v1beta1"]
    assert sorted(versions, key=d.version_sort_key) == [
        "v2",
        "v1",
        "v2beta1",
        "v1beta2",
        "v1beta1",
        "v1alpha1",
        "foo",
    ]


def test_api_resource_list_subresources() -> None:
    doc = d.api_resource_list("apps", "v1", sample_resources())
    assert doc["kind"] == "APIResourceList" and doc["apiVersion"] == "v1" and doc["groupVersion"] == "apps/v1"
    names = [r["name"] for r in doc["resources"]]
    assert names == ["deployments", "deployments/scale", "deployments/status"]
    dep = _find(doc["resources"], "deployments")
    assert dep["singularName"] == "deployment" and dep["namespaced"] is True and dep["kind"] == "Deployment"
    assert dep["shortNames"] == ["deploy"] and dep["categories"] == ["all"]
    assert dep["verbs"] == sorted(ALL)
    # Matches what kube-apiserver reports for apps/v1 deployments.
    assert dep["storageVersionHash"] == "8aSe+NMegvE="
    scale = _find(doc["resources"], "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")
    assert scale["verbs"] == ["get", "patch", "update"] and scale["singularName"] == ""
    assert "storageVersionHash" not in scale
    status = _find(doc["resources"], "deployments/status")
    assert "group" not in status and "version" not in status and status["kind"] == "Deployment"


def test_core_resource_list() -> None:
    doc = d.api_resource_list("", "v1", sample_resources())
    assert doc["groupVersion"] == "v1"
    eviction = _find(doc["resources"], "pods/eviction")
    assert (eviction["group"], eviction["version"], eviction["kind"]) == ("policy", "v1", "Eviction")
    assert eviction["verbs"] == ["create"]
    assert _find(doc["resources"], "pods/log")["verbs"] == ["get"]
    assert _find(doc["resources"], "namespaces")["namespaced"] is False
    assert _find(doc["resources"], "namespaces/finalize")["verbs"] == ["update"]


def test_storage_version_hash() -> None:
    assert d.storage_version_hash("", "v1", "Pod") == "xPOwRZ+Yhw8="
    res = d.api_resource_list("authorization.k8s.io", "v1", sample_resources())["resources"]
    assert "storageVersionHash" not in res[0]  # create-only review resources have no storage
    given = APIResource("", "v1", "x", "X", "x", True, ["get"], storage_version_hash="abc=")
    assert d.api_resource_list("", "v1", [given])["resources"][0]["storageVersionHash"] == "abc="


@pytest.mark.parametrize("version", ["v2", "v2beta1"])
def test_aggregated_apis(version: str) -> None:
    doc = d.aggregated_discovery(sample_resources(), {"batch": "v1beta1"}, core=False, version=version)
    assert doc["kind"] == "APIGroupDiscoveryList"
    assert doc["apiVersion"] == f"apidiscovery.k8s.io/{version}"
    assert doc["metadata"] == {}
    groups = [g["metadata"]["name"] for g in doc["items"]]
    assert groups == ["apps", "authorization.k8s.io", "batch"]
    apps = doc["items"][0]
    assert apps["metadata"] == {"name": "apps", "creationTimestamp": None}
    (v1,) = apps["versions"]
    assert v1["version"] == "v1" and v1["freshness"] == "Current"
    (dep,) = v1["resources"]
    assert dep["resource"] == "deployments"
    assert dep["responseKind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert dep["scope"] == "Namespaced" and dep["singularResource"] == "deployment"
    assert dep["shortNames"] == ["deploy"] and dep["categories"] == ["all"]
    subs = {s["subresource"]: s for s in dep["subresources"]}
    assert subs["scale"]["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    assert subs["scale"]["verbs"] == ["get", "patch", "update"]
    assert subs["status"]["responseKind"]["kind"] == "Deployment"
    batch = doc["items"][2]
    assert [v["version"] for v in batch["versions"]] == ["v1beta1", "v1"]


def test_aggregated_core() -> None:
    doc = d.aggregated_discovery(sample_resources(), {}, core=True)
    (core,) = doc["items"]
    assert core["metadata"] == {"creationTimestamp": None}
    (v1,) = core["versions"]
    ns = next(r for r in v1["resources"] if r["resource"] == "namespaces")
    assert ns["scope"] == "Cluster"
    assert [r["resource"] for r in v1["resources"]] == ["configmaps", "namespaces", "pods"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
            "v2",
        ),
        (
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
            "v2beta1",
        ),
        (
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
            "v2",
        ),
        ("application/json", None),
        ("application/json, */*", None),
        ("application/vnd.kubernetes.protobuf, */*", None),
        ("", None),
        (None, None),
        ("application/json;q=0.9,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", "v2"),
        ("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json", None),
    ],
)
def test_negotiate_discovery(accept: str | None, expected: str | None) -> None:
    assert d.negotiate_discovery(accept) == expected


def test_content_types_and_etag() -> None:
    assert (
        d.discovery_content_type("v2")
        == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    )
    assert d.discovery_content_type("v2beta1").endswith("v=v2beta1;as=APIGroupDiscoveryList")
    assert d.discovery_content_type(None) == "application/json"
    doc = d.aggregated_discovery(sample_resources(), {}, core=False)
    etag = d.discovery_etag(doc)
    assert len(etag) == 128 and etag == etag.upper()
    assert etag == d.discovery_etag(d.aggregated_discovery(sample_resources(), {}, core=False))


def test_aggregated_builtin_response_kinds_leave_own_group_version_empty() -> None:
    # Upstream names the group and version of a built-in resource's responseKind only
    # when they differ from the resource's own (scale -> autoscaling/v1 Scale).
    dep = APIResource("apps", "v1", "deployments", "Deployment", "deployment", True, ALL,
                      subresources=["status", "scale"], subresource_kinds={"scale": ("autoscaling", "v1", "Scale")},
                      builtin=True)
    doc = d.aggregated_discovery([dep], {}, core=False)
    (entry,) = doc["items"][0]["versions"][0]["resources"]
    assert entry["responseKind"] == {"group": "", "version": "", "kind": "Deployment"}
    subs = {s["subresource"]: s["responseKind"] for s in entry["subresources"]}
    assert subs == {"scale": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                    "status": {"group": "", "version": "", "kind": "Deployment"}}
