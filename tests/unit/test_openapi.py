"""OpenAPI v2/v3 documents: the shapes kubectl explain, validation and apply rely on."""

from __future__ import annotations

import struct
from typing import Any

import orjson
import pytest

from kubelite.machinery.gvk import APIResource, GroupVersionKind
from kubelite.openapi import OpenAPIBuilder, definitions, gnostic, negotiate_openapi_v2, resolve, schema_for
from kubelite.openapi.schemas import definition_name, definitions_v2

ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
CS = "#/components/schemas/"


def sample_resources() -> list[APIResource]:
    return [
        APIResource("", "v1", "pods", "Pod", "pod", True, ALL, ["po"], ["all"], ["status", "log", "exec"]),
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
        APIResource("stable.example.com", "v1", "crontabs", "CronTab", "crontab", True, ALL, ["ct"]),
    ]


@pytest.fixture(scope="module")
def builder() -> OpenAPIBuilder:
    return OpenAPIBuilder(sample_resources(), {"gitVersion": "v1.33.0", "major": "1", "minor": "33"})


def v3(builder: OpenAPIBuilder, path: str) -> dict[str, Any]:
    data = builder.v3_document(path)
    assert data is not None
    doc: dict[str, Any] = orjson.loads(data)
    return doc


# ------------------------------------------------------------------ converted schemas


def test_definitions_are_openapi_not_json_schema() -> None:
    defs = definitions()
    pod = defs["io.k8s.api.core.v1.Pod"]
    assert pod["type"] == "object"
    assert pod["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "Pod", "version": "v1"}]
    assert pod["properties"]["apiVersion"] == {
        "description": pod["properties"]["apiVersion"]["description"],
        "type": "string",
    }
    assert "enum" not in pod["properties"]["kind"]
    # A $ref with siblings is wrapped in allOf, as kube-openapi does for v3.
    assert pod["properties"]["spec"]["allOf"] == [{"$ref": CS + "io.k8s.api.core.v1.PodSpec"}]
    assert "$ref" not in pod["properties"]["spec"]
    text = orjson.dumps(defs).decode()
    assert "#/$defs/" not in text and '"null"' not in text


def test_int_or_string_and_quantity() -> None:
    ios_v3 = definitions()["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
    assert ios_v3["format"] == "int-or-string"
    assert ios_v3["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    ios_v2 = definitions_v2()["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
    assert (ios_v2["type"], ios_v2["format"]) == ("string", "int-or-string")
    assert definitions_v2()["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"] == "string"
    assert definitions()["io.k8s.apimachinery.pkg.api.resource.Quantity"]["oneOf"] == [
        {"type": "string"},
        {"type": "number"},
    ]


def test_schema_for_and_resolve() -> None:
    dep = schema_for(GroupVersionKind("apps", "v1", "Deployment"))
    assert dep is not None
    assert {"group": "apps", "kind": "Deployment", "version": "v1"} in dep["x-kubernetes-group-version-kind"]
    spec = resolve(dep["properties"]["spec"])
    assert "template" in spec["properties"]
    pod_spec = resolve(resolve(spec["properties"]["template"])["properties"]["spec"])
    containers = pod_spec["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["x-kubernetes-list-type"] == "map"
    assert resolve(containers["items"])["required"] == ["name"]
    assert schema_for(("", "v1", "Nope")) is None
    # Shared meta types do not shadow a more specific owner of the GVK.
    assert definition_name("", "v1", "Status") == "io.k8s.apimachinery.pkg.apis.meta.v1.Status"


# ------------------------------------------------------------------ v3


def test_v3_index(builder: OpenAPIBuilder) -> None:
    index = builder.v3_index()
    paths = index["paths"]
    for p in ("api/v1", "apis/apps/v1", "api", "apis", "apis/apps", "version", "apis/stable.example.com/v1"):
        assert p in paths
    url = paths["apis/apps/v1"]["serverRelativeURL"]
    assert url == f"/openapi/v3/apis/apps/v1?hash={builder.v3_hash('apis/apps/v1')}"
    assert len(builder.v3_hash("apis/apps/v1")) == 128
    assert builder.v3_document("apis/nope/v1") is None
    assert builder.v3_hash("apis/nope/v1") == ""


def test_v3_hash_is_content_hash(builder: OpenAPIBuilder) -> None:
    other = OpenAPIBuilder(sample_resources(), {"gitVersion": "v1.33.0"})
    assert other.v3_hash("apis/apps/v1") == builder.v3_hash("apis/apps/v1")
    assert other.v3_document("/apis/apps/v1/") == builder.v3_document("apis/apps/v1")


def test_v3_apps_document_for_explain(builder: OpenAPIBuilder) -> None:
    doc = v3(builder, "apis/apps/v1")
    assert doc["openapi"] == "3.0.0"
    assert doc["info"] == {"title": "Kubernetes", "version": "v1.33.0"}
    schemas = doc["components"]["schemas"]
    assert "BearerToken" in doc["components"]["securitySchemes"]
    dep = schemas["io.k8s.api.apps.v1.Deployment"]
    assert dep["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}
    ]
    # kubectl explain takes the GVK from the collection path's operations.
    coll = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]
    assert coll["get"]["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "kind": "Deployment",
        "version": "v1",
    }
    assert coll["get"]["x-kubernetes-action"] == "list"
    assert coll["get"]["operationId"] == "listAppsV1NamespacedDeployment"
    assert coll["post"]["operationId"] == "createAppsV1NamespacedDeployment"
    assert coll["delete"]["operationId"] == "deleteAppsV1CollectionNamespacedDeployment"
    assert "/apis/apps/v1/deployments" in doc["paths"]
    # Every $ref resolves inside the document.
    refs: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            if isinstance(n.get("$ref"), str):
                refs.add(n["$ref"])
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(doc)
    assert refs and all(r.startswith(CS) and r[len(CS) :] in schemas for r in refs)
    # The scale subresource responds with autoscaling/v1 Scale.
    scale = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]
    assert scale["get"]["x-kubernetes-group-version-kind"] == {
        "group": "autoscaling",
        "kind": "Scale",
        "version": "v1",
    }
    assert scale["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": CS + "io.k8s.api.autoscaling.v1.Scale"
    }


def test_v3_patch_operations_support_field_validation_and_smp(builder: OpenAPIBuilder) -> None:
    # kubectl checks every PATCH op carrying the GVK for a fieldValidation parameter
    # (server-side validation) and a strategic-merge-patch body (client-side apply).
    doc = v3(builder, "apis/apps/v1")
    patches = [
        item["patch"]
        for item in doc["paths"].values()
        if "patch" in item and item["patch"]["x-kubernetes-group-version-kind"]["kind"] == "Deployment"
    ]
    assert len(patches) == 2  # the object and its status
    for op in patches:
        assert "fieldValidation" in [p["name"] for p in op["parameters"]]
        assert "application/strategic-merge-patch+json" in op["requestBody"]["content"]
        assert op["requestBody"]["content"]["application/apply-patch+yaml"]["schema"] == {
            "$ref": CS + "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
        }
    crd = v3(builder, "apis/stable.example.com/v1")
    patch = crd["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]["patch"]
    assert "application/strategic-merge-patch+json" not in patch["requestBody"]["content"]
    ct = crd["components"]["schemas"]["com.example.stable.v1.CronTab"]
    assert ct["x-kubernetes-group-version-kind"] == [
        {"group": "stable.example.com", "kind": "CronTab", "version": "v1"}
    ]
    assert ct["x-kubernetes-preserve-unknown-fields"] is True


def test_v3_core_document(builder: OpenAPIBuilder) -> None:
    doc = v3(builder, "api/v1")
    paths = doc["paths"]
    assert (
        paths["/api/v1/namespaces/{namespace}/pods/{name}"]["get"]["operationId"] == "readCoreV1NamespacedPod"
    )
    assert paths["/api/v1/namespaces/{name}"]["get"]["operationId"] == "readCoreV1Namespace"
    assert (
        paths["/api/v1/namespaces/{name}/finalize"]["put"]["operationId"] == "replaceCoreV1NamespaceFinalize"
    )
    assert (
        paths["/api/v1/namespaces/{namespace}/pods/{name}/log"]["get"]["operationId"]
        == "readCoreV1NamespacedPodLog"
    )
    assert "connectCoreV1PostNamespacedPodExec" in {
        op["operationId"]
        for op in paths["/api/v1/namespaces/{namespace}/pods/{name}/exec"].values()
        if "operationId" in op
    }
    watch = paths["/api/v1/watch/namespaces/{namespace}/pods"]["get"]
    assert (
        watch["x-kubernetes-action"] == "watchlist" and watch["operationId"] == "watchCoreV1NamespacedPodList"
    )
    assert paths["/api/v1/"]["get"]["operationId"] == "getCoreV1APIResources"
    containers = doc["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["items"] == {"$ref": CS + "io.k8s.api.core.v1.Container"}
    assert v3(builder, "apis/apps")["paths"]["/apis/apps/"]["get"]["operationId"] == "getAppsAPIGroup"
    assert "/version/" in v3(builder, "version")["paths"]


# ------------------------------------------------------------------ v2


def test_v2_document(builder: OpenAPIBuilder) -> None:
    doc = orjson.loads(builder.v2())
    assert doc["swagger"] == "2.0"
    assert doc["info"]["version"] == "v1.33.0"
    defs = doc["definitions"]
    for name in (
        "io.k8s.api.core.v1.Pod",
        "io.k8s.api.apps.v1.Deployment",
        "io.k8s.api.autoscaling.v1.Scale",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
        "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
        "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
        "io.k8s.apimachinery.pkg.version.Info",
    ):
        assert name in defs
    # Only what is reachable: nothing from groups that are not served.
    assert not any(n.startswith("io.k8s.api.batch.") for n in defs)
    dep = defs["io.k8s.api.apps.v1.Deployment"]
    assert dep["properties"]["spec"] == {
        "$ref": "#/definitions/io.k8s.api.apps.v1.DeploymentSpec",
        "description": "Specification of the desired behavior of the Deployment.",
    }
    containers = defs["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert (containers["x-kubernetes-patch-strategy"], containers["x-kubernetes-patch-merge-key"]) == (
        "merge",
        "name",
    )
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "kind": "Deployment",
        "version": "v1",
    }
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    assert "application/strategic-merge-patch+json" in patch["consumes"]
    assert doc["securityDefinitions"]["BearerToken"]["type"] == "apiKey"
    assert builder.v2() is builder.v2()  # built once
    assert len(builder.v2_etag()) == 128


# A generic protobuf wire decoder, enough to check the gnostic encoding.
def _decode(data: bytes) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    i = 0

    def varint() -> int:
        nonlocal i
        shift = result = 0
        while True:
            b = data[i]
            i += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    while i < len(data):
        key = varint()
        field, wire = key >> 3, key & 7
        if wire == 0:
            value: Any = varint()
        elif wire == 1:
            value = struct.unpack("<d", data[i : i + 8])[0]
            i += 8
        elif wire == 2:
            n = varint()
            value = data[i : i + n]
            i += n
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        out.setdefault(field, []).append(value)
    return out


def test_v2_protobuf(builder: OpenAPIBuilder) -> None:
    doc = _decode(builder.v2_protobuf())
    assert doc[1] == [b"2.0"]
    info = _decode(doc[2][0])
    assert info[1] == [b"Kubernetes"] and info[2] == [b"v1.33.0"]
    named = [_decode(n) for n in _decode(doc[9][0])[1]]  # Definitions.additional_properties
    by_name = {n[1][0].decode(): _decode(n[2][0]) for n in named}
    assert "io.k8s.api.core.v1.Pod" in by_name
    dep = by_name["io.k8s.api.apps.v1.Deployment"]
    assert _decode(dep[22][0])[1] == [b"object"]  # TypeItem
    ext = {(_d := _decode(x))[1][0].decode(): _decode(_d[2][0])[2][0].decode() for x in dep[31]}
    assert orjson.loads(ext["x-kubernetes-group-version-kind"]) == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}
    ]
    props = {(_p := _decode(x))[1][0].decode(): _decode(_p[2][0]) for x in _decode(dep[25][0])[1]}
    assert props["spec"][1] == [b"#/definitions/io.k8s.api.apps.v1.DeploymentSpec"]
    paths = {(_n := _decode(x))[1][0].decode(): _decode(_n[2][0]) for x in _decode(doc[8][0])[2]}
    patch = _decode(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"][8][0])
    assert patch[5] == [b"patchAppsV1NamespacedDeployment"]
    param_names = set()
    for item in patch[8]:
        param = _decode(_decode(item)[1][0])
        if 2 in param:  # NonBodyParameter -> QueryParameterSubSchema
            sub = _decode(_decode(param[2][0])[3][0])
            param_names.add(sub[4][0].decode())
    assert "fieldValidation" in param_names


def test_gnostic_scalars() -> None:
    s = _decode(
        gnostic.schema(
            {
                "type": "integer",
                "format": "int32",
                "minimum": 0,
                "maximum": 2.5,
                "additionalProperties": False,
            }
        )
    )
    assert s[2] == [b"int32"] and s[7] == [2.5] and 9 not in s  # proto3 drops zero values
    assert _decode(s[21][0]) == {2: [0]}  # oneof bool is written even when false


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "protobuf"),
        ("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "protobuf"),
        ("application/json", "json"),
        (None, "json"),
        ("*/*", "json"),
        ("text/html", None),
    ],
)
def test_negotiate_openapi_v2(accept: str | None, expected: str | None) -> None:
    assert negotiate_openapi_v2(accept) == expected


def test_construction_is_lazy() -> None:
    b = OpenAPIBuilder(sample_resources(), {})
    assert b._v2_json is None and not b._v3
