"""Bad input against a real `kubelite serve`: every bad request gets the upstream status code and a
`Status` body (kind Status, code, reason), never a 500 or a hang, and never changes stored data."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from kubernetes import client

from tests.e2e.conftest import Kubectl
from tests.e2e.helpers import Raw, expect_status, expect_statuses, make_namespace, raw_for
from tests.e2e.server import KubeliteProcess

MiB = 1024 * 1024


@pytest.fixture
def ns(api_client: client.ApiClient, raw: Raw) -> Iterator[str]:
    for name in make_namespace(api_client):
        created = raw.post(f"/api/v1/namespaces/{name}/configmaps", body={
            "metadata": {"name": "victim", "labels": {"app": "v"}}, "data": {"key": "original"}})
        assert created.status_code == 201, created.text
        dep = raw.post(f"/apis/apps/v1/namespaces/{name}/deployments", body=deployment("dep"))
        assert dep.status_code == 201, dep.text
        yield name


def deployment(name: str) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}


def cms(ns: str, name: str = "") -> str:
    return f"/api/v1/namespaces/{ns}/configmaps" + (f"/{name}" if name else "")


def deps(ns: str, name: str = "") -> str:
    return f"/apis/apps/v1/namespaces/{ns}/deployments" + (f"/{name}" if name else "")


def snapshot(raw: Raw, ns: str) -> dict[str, Any]:
    """Everything stored in the namespace, with resourceVersions: equal snapshots mean nothing changed."""
    out: dict[str, Any] = {}
    for path in (cms(ns), deps(ns), f"/api/v1/namespaces/{ns}/secrets"):
        resp = raw.get(path)
        assert resp.status_code == 200, resp.text
        for item in resp.json()["items"]:
            out[f"{item['kind']}/{item['metadata']['name']}"] = item
    return out


@contextmanager
def unchanged(raw: Raw, ns: str) -> Iterator[None]:
    before = snapshot(raw, ns)
    yield
    after = snapshot(raw, ns)
    assert after == before, "a refused request changed stored data"


def victim(raw: Raw, ns: str) -> dict[str, Any]:
    resp = raw.get(cms(ns, "victim"))
    assert resp.status_code == 200
    return resp.json()  # type: ignore[no-any-return]


def test_malformed_bodies(raw: Raw, ns: str) -> None:
    bodies: list[tuple[bytes, str]] = [
        (b'{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "trunc"', "application/json"),
        (b'{"metadata": {"name": "x"}},,', "application/json"),
        (b"\xff\xfe not utf-8 {", "application/json"),
        (b"", "application/json"),
        (b"[]", "application/json"),
        (b'[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "arr"}}]', "application/json"),
        (b'"just a string"', "application/json"),
        (b"42", "application/json"),
        (b"null", "application/json"),
        (b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n", "application/yaml"),
        (b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabs\n", "application/yaml"),
        (b"- apiVersion: v1\n  kind: ConfigMap\n", "application/yaml"),
        (b"just a scalar", "application/yaml"),
    ]
    with unchanged(raw, ns):
        results = []
        for data, ctype in bodies:
            results.append((f"POST {ctype} {data[:40]!r}", raw.post(cms(ns), data=data, content_type=ctype)))
            results.append((f"PUT {ctype} {data[:40]!r}", raw.put(cms(ns, "victim"), data=data, content_type=ctype)))
        expect_statuses(results, 400, "BadRequest")
    assert victim(raw, ns)["data"] == {"key": "original"}


def test_wrong_field_types_are_bad_requests(raw: Raw, ns: str) -> None:
    bodies = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": 123}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": "victim"},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "types1"}, "data": ["a", "b"]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "types2"}, "data": {"a": 1}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "types3", "labels": ["x"]}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "types4", "labels": {"a": {"b": "c"}}}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "types5"}, "immutable": "yes"},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "types6", "finalizers": "x"}},
    ]
    with unchanged(raw, ns):
        results = [(json.dumps(body), raw.post(cms(ns), body=body)) for body in bodies]
        dep = deployment("typed1")
        dep["spec"]["replicas"] = "three"
        results.append(("replicas: three", raw.post(deps(ns), body=dep)))
        dep = deployment("typed2")
        dep["spec"]["template"]["spec"]["containers"] = {"name": "c"}
        results.append(("containers: {}", raw.post(deps(ns), body=dep)))
        expect_statuses(results, 400, "BadRequest")


def test_wrong_kind_or_api_version_for_the_path(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "wrong"}}
        expect_status(raw.post(cms(ns), body=secret), 400, "BadRequest")
        apps_cm = {"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "wrong"}}
        expect_status(raw.post(cms(ns), body=apps_cm), 400, "BadRequest")
        v2 = {"apiVersion": "v2", "kind": "ConfigMap", "metadata": {"name": "wrong"}}
        expect_status(raw.post(cms(ns), body=v2), 400, "BadRequest")
        old = deployment("wrong")
        old["apiVersion"] = "extensions/v1beta1"
        expect_status(raw.post(deps(ns), body=old), 400, "BadRequest")
        as_deployment = deployment("victim")
        expect_status(raw.put(cms(ns, "victim"), body=as_deployment), 400, "BadRequest")
        body = victim(raw, ns)
        body["kind"] = "Secret"
        expect_status(raw.put(cms(ns, "victim"), body=body), 400, "BadRequest")


def test_namespace_and_name_mismatch(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        other = {"metadata": {"name": "mm", "namespace": "default"}}
        status = expect_status(raw.post(cms(ns), body=other), 400, "BadRequest")
        assert "does not match the namespace" in status["message"]
        body = victim(raw, ns)
        body["metadata"]["namespace"] = "default"
        body["data"] = {"key": "changed"}
        expect_status(raw.put(cms(ns, "victim"), body=body), 400, "BadRequest")

        body = victim(raw, ns)
        body["metadata"]["name"] = "someone-else"
        body["data"] = {"key": "changed"}
        status = expect_status(raw.put(cms(ns, "victim"), body=body), 400, "BadRequest")
        assert "does not match the name on the URL" in status["message"]
    assert raw.get(cms("default", "mm")).status_code == 404
    assert raw.get(cms(ns, "someone-else")).status_code == 404


@pytest.mark.parametrize("name", ["Bad_Name", "UPPER", "-leading", "trailing-", "a" * 254, "dot..dot", "with space", "per%cent", "..", "a/b"])
def test_invalid_names(raw: Raw, ns: str, name: str) -> None:
    with unchanged(raw, ns):
        resp = raw.post(cms(ns), body={"metadata": {"name": name}})
        status = expect_status(resp, 422, "Invalid")
        causes = status["details"]["causes"]
        assert any(c["field"] == "metadata.name" for c in causes), causes
        assert status["details"]["kind"] == "ConfigMap"
        assert status["message"].startswith('ConfigMap "')


def test_other_invalid_metadata(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        status = expect_status(raw.post(cms(ns), body={"metadata": {}}), 422, "Invalid")
        assert any(c["field"] == "metadata.name" for c in status["details"]["causes"])
        status = expect_status(raw.post(cms(ns), body={"metadata": {"name": "l", "labels": {"bad key!": "v"}}}), 422, "Invalid")
        assert any(c["field"].startswith("metadata.labels") for c in status["details"]["causes"])
        status = expect_status(raw.post(cms(ns), body={"metadata": {"name": "l", "labels": {"k": "v" * 64}}}), 422, "Invalid")
        status = expect_status(raw.post(cms(ns), body={"metadata": {"name": "l", "annotations": {"a": "x" * (256 * 1024 + 1)}}}), 422, "Invalid")
        assert any(c["field"] == "metadata.annotations" for c in status["details"]["causes"])
        expect_status(raw.post("/api/v1/namespaces", body={"metadata": {"name": "has.dots"}}), 422, "Invalid")
        expect_status(raw.post(deps(ns), body=deployment("a.b") | {"spec": {"replicas": -1}}), 422, "Invalid")
        bad_dep = deployment("nomatch")
        bad_dep["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
        status = expect_status(raw.post(deps(ns), body=bad_dep), 422, "Invalid")
        assert any(c["field"] == "spec.template.metadata.labels" for c in status["details"]["causes"]), status
        body = victim(raw, ns)
        body["data"] = {"key": "changed"}
        body["metadata"]["uid"] = "11111111-2222-3333-4444-555555555555"
        # The uid in the body is a precondition of the update (upstream's UpdatedObjectInfo): 409.
        expect_status(raw.put(cms(ns, "victim"), body=body), 409, "Conflict")
        # ConfigMaps are limited to 1 MiB of data.
        status = expect_status(raw.post(cms(ns), body={"metadata": {"name": "big"}, "data": {"k": "x" * (MiB + 10)}}), 422, "Invalid")
    assert raw.get("/api/v1/namespaces/has.dots").status_code == 404


def test_bad_label_selectors(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        selectors = ("a in (b", "a=(b", "!", "a==b==c", "in in in", "a notin b", "bad key!=x", "a=" + "v" * 64)
        expect_statuses([(sel, raw.get(cms(ns), params={"labelSelector": sel})) for sel in selectors], 400, "BadRequest")
        expect_status(raw.get(cms(ns), params={"labelSelector": "a in (b", "watch": "true"}), 400, "BadRequest")
        # A bad selector on deletecollection deletes nothing.
        expect_status(raw.delete(cms(ns), params={"labelSelector": "app in (v"}), 400, "BadRequest")
        expect_status(raw.delete(cms(ns), params={"fieldSelector": "data.key=original"}), 400, "BadRequest")


def test_unsupported_field_selectors(raw: Raw, ns: str) -> None:
    status = expect_status(raw.get(cms(ns), params={"fieldSelector": "data.key=original"}), 400, "BadRequest")
    assert status["message"] == '"data.key" is not a known field selector: only "metadata.name", "metadata.namespace"'
    status = expect_status(raw.get(f"/api/v1/namespaces/{ns}/secrets", params={"fieldSelector": "data.x=y"}), 400, "BadRequest")
    assert status["message"] == "field label not supported: data.x"
    status = expect_status(raw.get(f"/api/v1/namespaces/{ns}/pods", params={"fieldSelector": "spec.bogus=1"}), 400, "BadRequest")
    assert "field label not supported: spec.bogus" in status["message"]
    expect_status(raw.get(cms(ns), params={"fieldSelector": "metadata.name"}), 400, "BadRequest")
    expect_status(raw.get(cms(ns), params={"fieldSelector": "metadata.name=a,data.key=original", "watch": "1"}), 400, "BadRequest")
    # Supported ones still work.
    ok = raw.get(cms(ns), params={"fieldSelector": "metadata.name=victim"})
    assert [i["metadata"]["name"] for i in ok.json()["items"]] == ["victim"]


def test_body_too_large(raw: Raw, ns: str) -> None:
    big = json.dumps({"metadata": {"name": "huge"}, "data": {"k": "x" * (3 * MiB + 1024)}})
    with unchanged(raw, ns):
        for method, path, ctype in (("POST", cms(ns), "application/json"),
                                    ("PUT", cms(ns, "victim"), "application/json"),
                                    ("PATCH", cms(ns, "victim"), "application/merge-patch+json")):
            try:
                resp = raw.request(method, path, data=big, content_type=ctype)
            except requests.ConnectionError as exc:  # the server may close early; it must answer first
                raise AssertionError(f"{method} of a 3 MiB+ body: connection dropped without a response: {exc}") from exc
            expect_status(resp, 413, "RequestEntityTooLarge")
    assert raw.get("/readyz").status_code == 200


def test_unsupported_content_types(raw: Raw, ns: str) -> None:
    body = json.dumps({"metadata": {"name": "ctype"}})
    with unchanged(raw, ns):
        for ctype in ("text/plain", "application/xml", "application/x-www-form-urlencoded", "image/png"):
            expect_status(raw.post(cms(ns), data=body, content_type=ctype), 415, "UnsupportedMediaType")
        replaced = victim(raw, ns) | {"data": {"key": "changed"}}
        expect_status(raw.put(cms(ns, "victim"), data=json.dumps(replaced), content_type="text/plain"), 415, "UnsupportedMediaType")
        patch = json.dumps({"data": {"key": "changed"}})
        for ctype in ("application/json", "text/plain", "application/yaml", "application/merge-patch+yaml"):
            status = expect_status(raw.patch(cms(ns, "victim"), data=patch, content_type=ctype), 415, "UnsupportedMediaType")
            assert "application/merge-patch+json" in status["message"]


def test_malformed_patch_documents(raw: Raw, ns: str) -> None:
    cases = [
        ("application/merge-patch+json", b'{"data": {"key": '),
        ("application/merge-patch+json", b"[1, 2]"),
        ("application/strategic-merge-patch+json", b'{"data": '),
        ("application/strategic-merge-patch+json", b'"string"'),
        ("application/json-patch+json", b'[{"op": "add", "path": '),
        ("application/json-patch+json", b'{"op": "add", "path": "/data/x", "value": "y"}'),
        ("application/json-patch+json", b'"remove everything"'),
    ]
    with unchanged(raw, ns):
        results = [(f"{ctype} {data!r}", raw.patch(cms(ns, "victim"), data=data, content_type=ctype)) for ctype, data in cases]
        expect_statuses(results, 400, "BadRequest")
    assert victim(raw, ns)["data"] == {"key": "original"}


def test_failing_json_patch_test_op(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        patch = [{"op": "test", "path": "/data/key", "value": "something-else"},
                 {"op": "replace", "path": "/data/key", "value": "changed"}]
        status = expect_status(raw.patch(cms(ns, "victim"), body=patch, content_type="application/json-patch+json"), 422, "Invalid")
        assert status["message"]
        # The test op is how kopf guards against concurrent changes of its annotations.
        stale_guard = [{"op": "test", "path": "/metadata/resourceVersion", "value": "1"},
                       {"op": "add", "path": "/metadata/annotations", "value": {"kopf": "x"}}]
        expect_status(raw.patch(cms(ns, "victim"), body=stale_guard, content_type="application/json-patch+json"), 422, "Invalid")
    current = victim(raw, ns)
    ok = [{"op": "test", "path": "/data/key", "value": "original"}, {"op": "replace", "path": "/data/key", "value": "changed"}]
    resp = raw.patch(cms(ns, "victim"), body=ok, content_type="application/json-patch+json")
    assert resp.status_code == 200 and resp.json()["data"] == {"key": "changed"}
    assert int(resp.json()["metadata"]["resourceVersion"]) > int(current["metadata"]["resourceVersion"])


def test_json_patch_on_missing_paths(raw: Raw, ns: str) -> None:
    """As gopkg.in/evanphx/json-patch.v4, which the apiserver applies JSON patches with: a missing
    parent, removing or moving a missing key, or an unknown op fail (422, the generic message of
    NewGenericServerResponse); but `replace` of a missing key of an existing object adds it, and
    `copy` from one copies null (its partialDoc.get answers nil, not an error, for a missing key)."""
    cases = [
        [{"op": "remove", "path": "/data/missing"}],
        [{"op": "remove", "path": "/metadata/annotations/nope"}],
        [{"op": "add", "path": "/metadata/annotations/new", "value": "x"}],  # no annotations map yet
        [{"op": "replace", "path": "/spec/nothing/here", "value": 1}],
        [{"op": "move", "from": "/data/missing", "path": "/data/other"}],
        [{"op": "copy", "from": "/nothing/here", "path": "/data/other"}],
        [{"op": "test", "path": "/data/missing", "value": "x"}],
        [{"op": "frobnicate", "path": "/data/key"}],
    ]
    with unchanged(raw, ns):
        results = [(json.dumps(patch), raw.patch(cms(ns, "victim"), body=patch, content_type="application/json-patch+json"))
                   for patch in cases]
        expect_statuses(results, 422, "Invalid")
        for _, resp in results:
            status = resp.json()
            assert status["message"] == "the server rejected our request due to an error in our request", status
            assert status.get("details", {}) == {}, status

    replaced = raw.patch(cms(ns, "victim"), body=[{"op": "replace", "path": "/data/missing", "value": "x"}],
                         content_type="application/json-patch+json")
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["data"] == {"key": "original", "missing": "x"}
    copied = raw.patch(cms(ns, "victim"), body=[{"op": "copy", "from": "/data/nope", "path": "/data/copied"}],
                       content_type="application/json-patch+json")
    assert copied.status_code == 200, copied.text
    # Upstream's typed decoding then turns the null into "" (a map[string]string value).
    assert copied.json()["data"]["copied"] == ""


def test_nulls_decode_as_upstream_types_do(raw: Raw, ns: str) -> None:
    # A null label value or data value is "" (Go decodes null into a map[string]string entry
    # so), a null field is absent: never a 500 from code that expects a string.
    patch = [{"op": "add", "path": "/metadata/labels", "value": {"app": None}}]
    resp = raw.patch(cms(ns, "victim"), body=patch, content_type="application/json-patch+json")
    assert resp.status_code == 200, resp.text
    assert resp.json()["metadata"]["labels"] == {"app": ""}
    resp = raw.post(f"/api/v1/namespaces/{ns}/configmaps",
                    body={"metadata": {"name": "nulls", "labels": {"a": None}, "annotations": None}, "data": {"k": None}})
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert created["metadata"]["labels"] == {"a": ""} and "annotations" not in created["metadata"]
    assert created["data"] == {"k": ""}


def test_conflicts(raw: Raw, ns: str) -> None:
    stale = victim(raw, ns)
    fresh = raw.patch(cms(ns, "victim"), body={"data": {"key": "v2"}}, content_type="application/merge-patch+json")
    assert fresh.status_code == 200
    with unchanged(raw, ns):
        stale["data"] = {"key": "lost update"}
        status = expect_status(raw.put(cms(ns, "victim"), body=stale), 409, "Conflict")
        assert status["message"] == ('Operation cannot be fulfilled on configmaps "victim": the object has been modified; '
                                     "please apply your changes to the latest version and try again")
        assert status["details"]["name"] == "victim" and status["details"]["kind"] == "configmaps"
        guarded = {"metadata": {"resourceVersion": stale["metadata"]["resourceVersion"]}, "data": {"key": "lost"}}
        expect_status(raw.patch(cms(ns, "victim"), body=guarded, content_type="application/merge-patch+json"), 409, "Conflict")
        expect_status(raw.patch(cms(ns, "victim"), body=guarded, content_type="application/strategic-merge-patch+json"), 409, "Conflict")

        status = expect_status(raw.post(cms(ns), body={"metadata": {"name": "victim"}, "data": {"key": "dup"}}), 409, "AlreadyExists")
        assert status["message"] == 'configmaps "victim" already exists'
        assert status["details"] == {"name": "victim", "kind": "configmaps"}
        status = expect_status(raw.post(deps(ns), body=deployment("dep")), 409, "AlreadyExists")
        assert status["details"] == {"name": "dep", "group": "apps", "kind": "deployments"}
    assert victim(raw, ns)["data"] == {"key": "v2"}


def test_not_found(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        status = expect_status(raw.get(cms(ns, "missing")), 404, "NotFound")
        assert status["message"] == 'configmaps "missing" not found'
        assert status["details"] == {"name": "missing", "kind": "configmaps"}
        status = expect_status(raw.get(deps(ns, "missing")), 404, "NotFound")
        assert status["message"] == 'deployments.apps "missing" not found'
        assert status["details"] == {"name": "missing", "group": "apps", "kind": "deployments"}
        for method in ("PUT", "PATCH", "DELETE"):
            body = {"metadata": {"name": "missing"}} if method != "DELETE" else None
            ctype = "application/merge-patch+json" if method == "PATCH" else None
            expect_status(raw.request(method, cms(ns, "missing"), body=body, content_type=ctype), 404, "NotFound")
        status = expect_status(raw.post(cms("no-such-namespace"), body={"metadata": {"name": "x"}}), 404, "NotFound")
        assert status["message"] == 'namespaces "no-such-namespace" not found'
        assert status["details"] == {"name": "no-such-namespace", "kind": "namespaces"}


def test_unknown_paths(raw: Raw, ns: str) -> None:
    for path in (f"/api/v1/namespaces/{ns}/foos", "/api/v1/foos", "/apis/nogroup.example.com/v1/things",
                 "/apis/apps/v9/deployments", f"/api/v1/namespaces/{ns}/configmaps/victim/bogus",
                 f"/apis/apps/v1/namespaces/{ns}/deployments/dep/bogus"):
        resp = raw.get(path)
        status = expect_status(resp, 404, "NotFound")
        assert status["message"], path
    with unchanged(raw, ns):
        expect_status(raw.post(f"/api/v1/namespaces/{ns}/foos", body={"metadata": {"name": "x"}}), 404, "NotFound")


def test_method_not_allowed(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        results = [
            ("POST to a named object", raw.post(cms(ns, "victim"), body={"metadata": {"name": "victim"}})),
            ("POST to a new name", raw.post(cms(ns, "brand-new"), body={"metadata": {"name": "brand-new"}})),
            ("PUT to the collection", raw.put(cms(ns), body={"metadata": {"name": "victim"}})),
            ("PATCH to the collection", raw.patch(cms(ns), body={"data": {}}, content_type="application/merge-patch+json")),
            ("POST to /scale", raw.post(deps(ns, "dep") + "/scale", body={"spec": {"replicas": 5}})),
        ]
        expect_statuses(results, 405, "MethodNotAllowed")
    assert raw.get(cms(ns, "brand-new")).status_code == 404


def test_bad_list_parameters(raw: Raw, ns: str) -> None:
    def listing(**params: str) -> tuple[str, requests.Response]:
        return str(params), raw.get(cms(ns), params=params)

    traversal = base64.b64encode(json.dumps({"v": "meta.k8s.io/v1", "rv": 1, "start": "/../../secrets/x"}).encode()).decode()
    wrong_version = base64.b64encode(json.dumps({"v": "v0", "rv": 1, "start": "/x"}).encode()).decode()
    expect_statuses([
        listing(limit="abc"),
        listing(limit="1", **{"continue": "not-a-token"}),
        listing(limit="1", **{"continue": traversal}),
        listing(limit="1", **{"continue": wrong_version}),
        listing(timeoutSeconds="soon", watch="1"),
    ], 400, "BadRequest")
    expect_statuses([
        listing(resourceVersionMatch="Exact"),
        listing(resourceVersion="1", resourceVersionMatch="Sometimes"),
        listing(resourceVersion="1", resourceVersionMatch="Exact", **{"continue": "x"}),
        listing(resourceVersion="0", resourceVersionMatch="Exact"),
    ], 422, "Invalid")


def test_bad_write_options(raw: Raw, ns: str) -> None:
    with unchanged(raw, ns):
        invalid = [
            ("create dryRun=Bogus", raw.post(cms(ns), params={"dryRun": "Bogus"}, body={"metadata": {"name": "d"}})),
            ("patch dryRun=Some", raw.patch(cms(ns, "victim"), params={"dryRun": "Some"}, body={"data": {"key": "x"}},
                                            content_type="application/merge-patch+json")),
            ("update dryRun=Yes", raw.put(cms(ns, "victim"), params={"dryRun": "Yes"},
                                          body=victim(raw, ns) | {"data": {"key": "x"}})),
            ("delete dryRun=Partial", raw.delete(cms(ns, "victim"), params={"dryRun": "Partial"})),
            ("propagationPolicy=Sideways", raw.delete(cms(ns, "victim"), params={"propagationPolicy": "Sideways"})),
            ("fieldManager too long", raw.post(cms(ns), params={"fieldManager": "m" * 129}, body={"metadata": {"name": "d"}})),
            ("orphanDependents with propagationPolicy", raw.delete(cms(ns, "victim"), body={
                "kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Orphan", "orphanDependents": True})),
        ]
        bad = [
            ("malformed DeleteOptions", raw.delete(cms(ns, "victim"), data=b"{not json", content_type="application/json")),
            ("gracePeriodSeconds=soon", raw.delete(cms(ns, "victim"), params={"gracePeriodSeconds": "soon"})),
        ]
        expect_statuses(invalid, 422, "Invalid")
        expect_statuses(bad, 400, "BadRequest")


def test_hostile_input_does_not_take_the_server_down(tmp_path: Path) -> None:
    """Deeply nested documents (upstream refuses them while decoding: 400) must not
    crash, hang or exhaust a server: run against a dedicated one so a failure cannot spoil the others."""
    server = KubeliteProcess(tmp_path / "hostile")
    server.start()
    raw = raw_for(server)
    ns = "default"
    assert raw.post(cms(ns), body={"metadata": {"name": "victim"}, "data": {"key": "original"}}).status_code == 201
    deep_json = b'{"metadata": {"name": "deep"}, "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    deep_yaml = b"metadata:\n  name: deep\ndata: " + b"[" * 50_000 + b"]" * 50_000 + b"\n"
    try:
        with unchanged(raw, ns):
            for data, ctype in ((deep_json, "application/json"), (deep_yaml, "application/yaml")):
                try:
                    resp = raw.post(cms(ns), data=data, content_type=ctype, timeout=15)
                except requests.RequestException as exc:
                    raise AssertionError(f"{ctype} {data[:40]!r}...: no response: {exc}") from exc
                assert 400 <= resp.status_code < 500, (ctype, resp.status_code, resp.text[:300])
                assert resp.json()["kind"] == "Status"
            deep_patch = b'{"data": ' + b"{" * 50_000 + b"}" * 50_000 + b"}"
            resp = raw.patch(cms(ns, "victim"), data=deep_patch, content_type="application/merge-patch+json", timeout=15)
            assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:300])
            for path in (cms(ns, "%00"), cms(ns, "a" * 5000)):
                resp = raw.get(path)
                assert resp.status_code == 404, (path, resp.status_code, resp.text[:300])
        ready = raw.get("/readyz")
        assert (ready.status_code, ready.text) == (200, "ok")
        assert server.proc is not None and server.proc.poll() is None
    finally:
        server.kill()


def test_undecodable_managed_fields_and_null_list_items(raw: Raw, ns: str) -> None:
    # Found by fuzzing: an update carrying managedFields the field manager cannot decode keeps
    # the live object's (as upstream's FieldManager.Update), and a null in a []string is "".
    current = raw.get(cms(ns, "victim")).json()
    live_managers = [e["manager"] for e in current["metadata"]["managedFields"]]
    for garbage in ([None], [{"manager": "x", "operation": "Update", "fieldsV1": {"f:data": "nope"}}], [3], "x"):
        body = {**current, "metadata": {**current["metadata"], "managedFields": garbage}, "data": {"k": str(garbage)}}
        resp = raw.put(cms(ns, "victim"), body=body)
        assert resp.status_code in (200, 400), resp.text  # a wrong JSON type is upstream's 400 decode error
        if resp.status_code == 200:
            assert [e["manager"] for e in resp.json()["metadata"]["managedFields"]][:len(live_managers)] == live_managers
        current = raw.get(cms(ns, "victim")).json()
    resp = raw.post(f"/api/v1/namespaces/{ns}/configmaps", body={"metadata": {"name": "nullitems", "finalizers": [None]}})
    assert resp.status_code == 422, resp.text
    assert 'metadata.finalizers' in resp.json()["message"]


def test_list_at_a_future_resource_version_times_out_as_upstream(raw: Raw, ns: str) -> None:
    current = int(raw.get(f"/api/v1/namespaces/{ns}/configmaps").json()["metadata"]["resourceVersion"])
    resp = raw.get(f"/api/v1/namespaces/{ns}/configmaps",
                   params={"resourceVersion": str(current + 100000), "resourceVersionMatch": "NotOlderThan"})
    status = expect_status(resp, 504, "Timeout")
    assert status["message"].startswith(f"Too large resource version: {current + 100000}, current: ")
    assert status["details"]["causes"] == [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}]
    assert status["details"]["retryAfterSeconds"] == 1 and resp.headers["Retry-After"] == "1"


def test_bare_finalizer_names_are_refused_on_built_in_kinds(kubectl: Kubectl, ns: str) -> None:
    manifest = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fin", "namespace": ns, "finalizers": ["mine"]}}
    out = kubectl.fails("create", "-f", "-", input=json.dumps(manifest))
    assert 'metadata.finalizers[0]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified' in out
    manifest["metadata"]["finalizers"] = ["example.com/mine", "kubernetes"]
    assert "configmap/fin created" in kubectl("create", "-f", "-", input=json.dumps(manifest))
    kubectl("-n", ns, "patch", "configmap", "fin", "--type=json", "-p", '[{"op": "remove", "path": "/metadata/finalizers"}]')
