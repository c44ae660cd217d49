"""The official `kubernetes` Python client (and raw HTTPS where headers and media types matter)
against a real `kubelite serve`: every verb and the request options clients rely on, compared
with what the upstream kube-apiserver does."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client

from tests.e2e.helpers import (
    Raw,
    api_exception,
    exc_status,
    expect_status,
    raw_for,
    unique,
    wait_for,
)
from tests.e2e.server import KubeliteProcess

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
PARTIAL_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
PARTIAL = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"


def as_dict(api_client: client.ApiClient, obj: Any) -> dict[str, Any]:
    return api_client.sanitize_for_serialization(obj)  # type: ignore[no-any-return]


def deployment(name: str, replicas: int = 1, image: str = "nginx:1.25") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "main", "image": image}]}},
        },
    }


def cm_path(ns: str, name: str = "") -> str:
    return f"/api/v1/namespaces/{ns}/configmaps" + (f"/{name}" if name else "")


# --- every verb through the client


def test_crud_through_every_verb(api_client: client.ApiClient, core: client.CoreV1Api, ns: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    created = core.create_namespaced_config_map(ns, {"metadata": {"name": "crud", "labels": {"a": "1"}}, "data": {"k": "v"}})
    assert created.metadata.uid and created.metadata.creation_timestamp is not None
    assert created.data == {"k": "v"}
    rv1 = int(created.metadata.resource_version)

    got = core.read_namespaced_config_map("crud", ns)
    assert got.metadata.resource_version == created.metadata.resource_version
    assert got.metadata.uid == created.metadata.uid

    listed = core.list_namespaced_config_map(ns)
    assert [i.metadata.name for i in listed.items if i.metadata.name == "crud"] == ["crud"]
    assert int(listed.metadata.resource_version) >= rv1

    body = as_dict(api_client, got)
    body["data"] = {"k": "v2", "other": "x"}
    replaced = core.replace_namespaced_config_map("crud", ns, body)
    assert replaced.data == {"k": "v2", "other": "x"}
    rv2 = int(replaced.metadata.resource_version)
    assert rv2 > rv1
    assert replaced.metadata.uid == created.metadata.uid

    merged = core.patch_namespaced_config_map("crud", ns, {"data": {"other": None, "m": "1"}},
                                              _content_type="application/merge-patch+json")
    assert merged.data == {"k": "v2", "m": "1"}
    assert int(merged.metadata.resource_version) > rv2

    strategic = core.patch_namespaced_config_map("crud", ns, {"metadata": {"labels": {"b": "2"}}})
    assert strategic.metadata.labels == {"a": "1", "b": "2"}

    # A list body goes out as a JSON patch (RFC 6902).
    sent: list[dict[str, Any]] = []
    original = api_client.rest_client.request

    def spy(method: str, url: str, headers: dict[str, Any] | None = None, **kw: Any) -> Any:
        sent.append({"method": method, "content_type": (headers or {}).get("Content-Type")})
        return original(method, url, headers=headers, **kw)

    monkeypatch.setattr(api_client.rest_client, "request", spy)
    patched = core.patch_namespaced_config_map("crud", ns, [
        {"op": "test", "path": "/data/k", "value": "v2"},
        {"op": "remove", "path": "/data/m"},
        {"op": "add", "path": "/data/j", "value": "json"},
    ])
    monkeypatch.undo()
    assert sent == [{"method": "PATCH", "content_type": "application/json-patch+json"}]
    assert patched.data == {"k": "v2", "j": "json"}

    status = core.delete_namespaced_config_map("crud", ns)
    status = status if isinstance(status, dict) else as_dict(api_client, status)
    assert status["kind"] == "Status" and status["status"] == "Success"
    assert status["details"]["name"] == "crud" and status["details"]["uid"] == created.metadata.uid
    exc = api_exception(core.read_namespaced_config_map, "crud", ns)
    assert exc.status == 404


def test_delete_preconditions(core: client.CoreV1Api, ns: str) -> None:
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "pre"}, "data": {"a": "1"}})
    stale = cm.metadata.resource_version
    fresh = core.patch_namespaced_config_map("pre", ns, {"data": {"a": "2"}})

    exc = api_exception(core.delete_namespaced_config_map, "pre", ns,
                        body={"preconditions": {"resourceVersion": stale}})
    assert exc.status == 409
    assert exc_status(exc)["reason"] == "Conflict"
    exc = api_exception(core.delete_namespaced_config_map, "pre", ns,
                        body={"preconditions": {"uid": "00000000-0000-0000-0000-000000000000"}})
    assert exc.status == 409
    assert exc_status(exc)["reason"] == "Conflict"
    assert core.read_namespaced_config_map("pre", ns).data == {"a": "2"}

    core.delete_namespaced_config_map("pre", ns, body={"preconditions": {
        "resourceVersion": fresh.metadata.resource_version, "uid": cm.metadata.uid}})
    assert api_exception(core.read_namespaced_config_map, "pre", ns).status == 404


def test_delete_propagation_policy(api_client: client.ApiClient, core: client.CoreV1Api, apps: client.AppsV1Api, ns: str) -> None:
    def owned_cm(name: str, owner: Any) -> None:
        core.create_namespaced_config_map(ns, {"metadata": {"name": name, "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "Deployment", "name": owner.metadata.name, "uid": owner.metadata.uid}]}})

    def gone(read: Any, name: str) -> bool:
        try:
            read(name, ns)
        except client.ApiException as exc:
            return exc.status == 404
        return False

    bogus = apps.create_namespaced_deployment(ns, deployment("bogus"))
    exc = api_exception(apps.delete_namespaced_deployment, "bogus", ns, propagation_policy="Bogus")
    assert exc.status == 422, exc.body
    assert apps.read_namespaced_deployment("bogus", ns).metadata.uid == bogus.metadata.uid

    # Background (the default for deployments): the owner goes at once, the GC removes dependents.
    bg = apps.create_namespaced_deployment(ns, deployment("bg"))
    owned_cm("bg-child", bg)
    apps.delete_namespaced_deployment("bg", ns, propagation_policy="Background")
    assert gone(apps.read_namespaced_deployment, "bg")
    wait_for(lambda: gone(core.read_namespaced_config_map, "bg-child"), timeout=8, what="dependent of bg deleted")

    # Orphan: the dependent stays, its ownerReference is removed.
    orphan = apps.create_namespaced_deployment(ns, deployment("orphan"))
    owned_cm("orphan-child", orphan)
    apps.delete_namespaced_deployment("orphan", ns, propagation_policy="Orphan")
    wait_for(lambda: gone(apps.read_namespaced_deployment, "orphan"), timeout=8, what="orphaning owner deleted")
    child = core.read_namespaced_config_map("orphan-child", ns)
    assert not child.metadata.owner_references

    # Foreground: the owner is held with the foregroundDeletion finalizer until its dependents are gone.
    fg = apps.create_namespaced_deployment(ns, deployment("fg"))
    owned_cm("fg-child", fg)
    held = apps.delete_namespaced_deployment("fg", ns, propagation_policy="Foreground")
    held = held if isinstance(held, dict) else as_dict(api_client, held)
    assert held["metadata"].get("deletionTimestamp")
    assert "foregroundDeletion" in held["metadata"].get("finalizers", [])
    wait_for(lambda: gone(core.read_namespaced_config_map, "fg-child"), timeout=8, what="dependent of fg deleted")
    wait_for(lambda: gone(apps.read_namespaced_deployment, "fg"), timeout=8, what="foreground owner deleted")


def test_deletecollection_with_label_selector(api_client: client.ApiClient, core: client.CoreV1Api, ns: str) -> None:
    for i in range(3):
        core.create_namespaced_config_map(ns, {"metadata": {"name": f"del{i}", "labels": {"sweep": "yes"}}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "keep", "labels": {"sweep": "no"}}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "keep2"}})
    result = core.delete_collection_namespaced_config_map(ns, label_selector="sweep=yes")
    result = result if isinstance(result, dict) else as_dict(api_client, result)
    assert result["kind"] in ("Status", "ConfigMapList")
    names = sorted(i.metadata.name for i in core.list_namespaced_config_map(ns).items)
    assert "del0" not in names and "del1" not in names and "del2" not in names
    assert "keep" in names and "keep2" in names


def test_label_and_field_selectors(core: client.CoreV1Api, ns: str) -> None:
    specs = {"s1": {"tier": "web", "env": "prod"}, "s2": {"tier": "db", "env": "prod"},
             "s3": {"tier": "web"}, "s4": {}}
    for name, labels in specs.items():
        core.create_namespaced_config_map(ns, {"metadata": {"name": name, "labels": labels}})

    def names(**kw: Any) -> list[str]:
        return sorted(i.metadata.name for i in core.list_namespaced_config_map(ns, **kw).items
                      if i.metadata.name in specs)

    assert names(label_selector="tier=web") == ["s1", "s3"]
    assert names(label_selector="tier=web,env=prod") == ["s1"]
    assert names(label_selector="tier!=web") == ["s2", "s4"]
    assert names(label_selector="env") == ["s1", "s2"]
    assert names(label_selector="!env") == ["s3", "s4"]
    assert names(label_selector="tier in (db, web),env notin (prod)") == ["s3"]
    assert names(field_selector="metadata.name=s2") == ["s2"]
    assert names(field_selector="metadata.name!=s2") == ["s1", "s3", "s4"]
    assert names(field_selector=f"metadata.namespace={ns}") == ["s1", "s2", "s3", "s4"]
    assert names(field_selector="metadata.name=s1", label_selector="tier=db") == []

    core.create_namespaced_secret(ns, {"metadata": {"name": "opaque"}, "type": "Opaque"})
    core.create_namespaced_secret(ns, {"metadata": {"name": "tls"}, "type": "kubernetes.io/tls",
                                       "data": {"tls.crt": "", "tls.key": ""}})
    secrets = core.list_namespaced_secret(ns, field_selector="type=kubernetes.io/tls").items
    assert [s.metadata.name for s in secrets] == ["tls"]
    # Across namespaces: the namespace field works on the cluster-wide list too.
    everywhere = core.list_config_map_for_all_namespaces(field_selector=f"metadata.namespace={ns},metadata.name=s1")
    assert [(i.metadata.namespace, i.metadata.name) for i in everywhere.items] == [(ns, "s1")]


def test_paging_is_a_consistent_snapshot(core: client.CoreV1Api, ns: str) -> None:
    for i in range(5):
        core.create_namespaced_config_map(ns, {"metadata": {"name": f"page{i}"}, "data": {"v": "old"}})
    first = core.list_namespaced_config_map(ns, limit=2)
    assert len(first.items) == 2 and first.metadata._continue
    snapshot_rv = first.metadata.resource_version
    # Writes after the first page must not show up in the continued list.
    core.create_namespaced_config_map(ns, {"metadata": {"name": "page9"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "page00"}})
    core.patch_namespaced_config_map("page4", ns, {"data": {"v": "new"}})
    core.delete_namespaced_config_map("page3", ns)

    seen = [i.metadata.name for i in first.items]
    token = first.metadata._continue
    pages = 1
    values: dict[str, str] = {}
    while token:
        page = core.list_namespaced_config_map(ns, limit=2, _continue=token)
        assert page.metadata.resource_version == snapshot_rv
        seen += [i.metadata.name for i in page.items]
        values.update({i.metadata.name: (i.data or {}).get("v", "") for i in page.items})
        token = page.metadata._continue
        pages += 1
        assert pages < 10
    assert [n for n in seen if n != "kube-root-ca.crt"] == [f"page{i}" for i in range(5)]
    assert values["page4"] == "old"
    now = sorted(i.metadata.name for i in core.list_namespaced_config_map(ns).items)
    assert "page9" in now and "page00" in now and "page3" not in now


def test_resource_version_match_exact_returns_old_state(core: client.CoreV1Api, ns: str) -> None:
    old = core.create_namespaced_config_map(ns, {"metadata": {"name": "hist"}, "data": {"v": "1"}})
    core.patch_namespaced_config_map("hist", ns, {"data": {"v": "2"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "later"}})
    then = core.list_namespaced_config_map(ns, resource_version=old.metadata.resource_version,
                                           resource_version_match="Exact")
    assert then.metadata.resource_version == old.metadata.resource_version
    assert [(i.metadata.name, i.data) for i in then.items if i.metadata.name != "kube-root-ca.crt"] == [("hist", {"v": "1"})]
    now = core.list_namespaced_config_map(ns, resource_version="0", resource_version_match="NotOlderThan")
    assert {i.metadata.name: i.data for i in now.items}["hist"] == {"v": "2"}


def test_dry_run_changes_nothing(api_client: client.ApiClient, core: client.CoreV1Api, ns: str) -> None:
    dry = core.create_namespaced_config_map(ns, {"metadata": {"name": "dry"}, "data": {"a": "1"}}, dry_run="All")
    assert dry.metadata.name == "dry" and dry.data == {"a": "1"}
    assert api_exception(core.read_namespaced_config_map, "dry", ns).status == 404

    real = core.create_namespaced_config_map(ns, {"metadata": {"name": "real"}, "data": {"a": "1"}})
    body = as_dict(api_client, real)
    body["data"] = {"a": "changed"}
    assert core.replace_namespaced_config_map("real", ns, body, dry_run="All").data == {"a": "changed"}
    assert core.patch_namespaced_config_map("real", ns, {"data": {"b": "2"}}, dry_run="All").data == {"a": "1", "b": "2"}
    core.delete_namespaced_config_map("real", ns, dry_run="All")
    core.delete_collection_namespaced_config_map(ns, dry_run="All")
    after = core.read_namespaced_config_map("real", ns)
    assert after.data == {"a": "1"}
    assert after.metadata.resource_version == real.metadata.resource_version


def test_field_validation_unknown_field(raw: Raw, ns: str) -> None:
    def body(name: str) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "bogusMeta": 1},
                "data": {"a": "b"}, "bogus": True}

    strict = raw.post(cm_path(ns), params={"fieldValidation": "Strict"}, body=body("strict"))
    status = expect_status(strict, 400, "BadRequest")
    assert 'unknown field "bogus"' in status["message"] and 'unknown field "metadata.bogusMeta"' in status["message"]
    assert raw.get(cm_path(ns, "strict")).status_code == 404

    warn = raw.post(cm_path(ns), params={"fieldValidation": "Warn"}, body=body("warn"))
    assert warn.status_code == 201, warn.text
    warning = warn.headers.get("Warning", "")
    assert warning.startswith("299 - "), warn.headers
    assert 'unknown field \\"bogus\\"' in warning and 'unknown field \\"metadata.bogusMeta\\"' in warning
    assert "bogus" not in warn.json()

    default = raw.post(cm_path(ns), body=body("default"))  # the server's default is Warn
    assert default.status_code == 201 and 'unknown field \\"bogus\\"' in default.headers.get("Warning", "")

    ignore = raw.post(cm_path(ns), params={"fieldValidation": "Ignore"}, body=body("ignore"))
    assert ignore.status_code == 201, ignore.text
    assert "Warning" not in ignore.headers
    stored = raw.get(cm_path(ns, "ignore")).json()
    assert "bogus" not in stored and "bogusMeta" not in stored["metadata"] and stored["data"] == {"a": "b"}

    dep = deployment("strict-dep")
    dep["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    nested = raw.post(f"/apis/apps/v1/namespaces/{ns}/deployments", params={"fieldValidation": "Strict"}, body=dep)
    assert 'unknown field "spec.template.spec.containers[0].imagePullPolcy"' in expect_status(nested, 400)["message"]

    patched = raw.patch(cm_path(ns, "warn"), params={"fieldValidation": "Strict"},
                        body={"data": {"c": "d"}, "bogus": 1}, content_type="application/merge-patch+json")
    assert 'unknown field "bogus"' in expect_status(patched, 422)["message"]
    assert raw.get(cm_path(ns, "warn")).json()["data"] == {"a": "b"}

    # Unsupported values are refused by CreateOptions validation, as upstream: 422.
    bad = raw.post(cm_path(ns), params={"fieldValidation": "Sometimes"}, body=body("x"))
    expect_status(bad, 422, "Invalid")
    assert raw.get(cm_path(ns, "x")).status_code == 404


# --- content negotiation


def test_table_output(raw: Raw, ns: str) -> None:
    for name in ("t1", "t2"):
        assert raw.post(cm_path(ns), body={"metadata": {"name": name}, "data": {"a": "1", "b": "2"}}).status_code == 201

    resp = raw.get(cm_path(ns), accept=TABLE)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    table = resp.json()
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    columns = [c["name"] for c in table["columnDefinitions"]]
    assert columns[0] == "Name" and "Data" in columns and "Age" in columns
    assert table["metadata"]["resourceVersion"]
    rows = {r["cells"][0]: r for r in table["rows"]}
    assert set(rows) >= {"t1", "t2"}
    assert rows["t1"]["cells"][columns.index("Data")] == 2
    meta_obj = rows["t1"]["object"]  # includeObject defaults to Metadata
    assert (meta_obj["kind"], meta_obj["apiVersion"]) == ("PartialObjectMetadata", "meta.k8s.io/v1")
    assert meta_obj["metadata"]["name"] == "t1" and "data" not in meta_obj

    full = raw.get(cm_path(ns), accept=TABLE, params={"includeObject": "Object"}).json()
    obj = {r["cells"][0]: r for r in full["rows"]}["t1"]["object"]
    assert obj["kind"] == "ConfigMap" and obj["data"] == {"a": "1", "b": "2"}

    bare = raw.get(cm_path(ns), accept=TABLE, params={"includeObject": "None"}).json()
    assert all(r.get("object") is None for r in bare["rows"])

    single = raw.get(cm_path(ns, "t2"), accept=TABLE).json()
    assert single["kind"] == "Table" and [r["cells"][0] for r in single["rows"]] == ["t2"]

    # The Table Accept header with a JSON fallback, as kubectl sends it.
    kubectl_accept = f"{TABLE},application/json"
    assert raw.get(cm_path(ns), accept=kubectl_accept).json()["kind"] == "Table"


def test_partial_object_metadata(raw: Raw, ns: str) -> None:
    raw.post(cm_path(ns), body={"metadata": {"name": "pm", "labels": {"x": "y"}}, "data": {"secret": "s"}})
    listed = raw.get(cm_path(ns), accept=PARTIAL_LIST)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["kind"], body["apiVersion"]) == ("PartialObjectMetadataList", "meta.k8s.io/v1")
    assert body["metadata"]["resourceVersion"]
    item = {i["metadata"]["name"]: i for i in body["items"]}["pm"]
    assert (item["kind"], item["apiVersion"]) == ("PartialObjectMetadata", "meta.k8s.io/v1")
    assert item["metadata"]["labels"] == {"x": "y"} and "data" not in item
    single = raw.get(cm_path(ns, "pm"), accept=PARTIAL).json()
    assert single["kind"] == "PartialObjectMetadata" and "data" not in single


def test_content_negotiation(raw: Raw, ns: str) -> None:
    raw.post(cm_path(ns), body={"metadata": {"name": "neg"}, "data": {"a": "b"}})

    # A protobuf-first client gets protobuf (upstream, for built-in kinds) or, from a server without it, JSON.
    proto = raw.get(cm_path(ns, "neg"), accept="application/vnd.kubernetes.protobuf, */*")
    assert proto.status_code == 200
    if proto.headers["content-type"].startswith("application/vnd.kubernetes.protobuf"):
        assert proto.content.startswith(b"k8s\x00") and b"neg" in proto.content
    else:
        assert proto.headers["content-type"].startswith("application/json")
        assert proto.json()["data"] == {"a": "b"}

    xml = raw.get(cm_path(ns, "neg"), accept="application/xml")
    expect_status(xml, 406, "NotAcceptable")

    as_yaml = raw.get(cm_path(ns, "neg"), accept="application/yaml")
    assert as_yaml.status_code == 200
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    doc = yaml.safe_load(as_yaml.text)
    assert doc["kind"] == "ConfigMap" and doc["data"] == {"a": "b"}
    listed = yaml.safe_load(raw.get(cm_path(ns), accept="application/yaml").text)
    assert listed["kind"] == "ConfigMapList"

    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  labels:\n    src: yaml\ndata:\n  key: |\n    line1\n    line2\n"
    created = raw.post(cm_path(ns), data=manifest, content_type="application/yaml")
    assert created.status_code == 201, created.text
    assert created.json()["data"] == {"key": "line1\nline2\n"}
    assert raw.get(cm_path(ns, "from-yaml")).json()["metadata"]["labels"] == {"src": "yaml"}


def test_generate_name(core: client.CoreV1Api, ns: str) -> None:
    names = {core.create_namespaced_config_map(ns, {"metadata": {"generateName": "gen-"}}).metadata.name for _ in range(5)}
    assert len(names) == 5
    for name in names:
        assert name.startswith("gen-") and len(name) == len("gen-") + 5
        assert core.read_namespaced_config_map(name, ns).metadata.generate_name == "gen-"


# --- deployments: generation, status and scale


def test_deployment_generation_bumps_only_on_spec_change(apps: client.AppsV1Api, ns: str) -> None:
    dep = apps.create_namespaced_deployment(ns, deployment("gen"))
    assert dep.metadata.generation == 1
    assert apps.patch_namespaced_deployment("gen", ns, {"metadata": {"labels": {"x": "1"}, "annotations": {"a": "b"}}}).metadata.generation == 1
    assert apps.patch_namespaced_deployment("gen", ns, {"spec": {"replicas": 3}}).metadata.generation == 2
    patched = apps.patch_namespaced_deployment("gen", ns, {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:1.26"}]}}}})
    assert patched.metadata.generation == 3
    assert apps.patch_namespaced_deployment("gen", ns, {"spec": {"replicas": 3}}).metadata.generation == 3  # no-op


def test_deployment_status_subresource(api_client: client.ApiClient, apps: client.AppsV1Api, ns: str) -> None:
    apps.create_namespaced_deployment(ns, deployment("st", replicas=2))
    current = as_dict(api_client, apps.read_namespaced_deployment("st", ns))
    current["spec"]["replicas"] = 9
    current["metadata"].setdefault("labels", {})["via"] = "status"
    current["status"] = {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 1, "availableReplicas": 1}
    written = apps.replace_namespaced_deployment_status("st", ns, current)
    assert written.spec.replicas == 2  # spec ignored by /status
    assert written.status.ready_replicas == 1 and written.status.replicas == 2
    assert written.metadata.generation == 1
    stored = apps.read_namespaced_deployment("st", ns)
    assert stored.spec.replicas == 2 and stored.status.ready_replicas == 1

    patched = apps.patch_namespaced_deployment_status("st", ns, {"status": {"readyReplicas": 2, "availableReplicas": 2}, "spec": {"replicas": 7}})
    assert patched.status.ready_replicas == 2 and patched.spec.replicas == 2

    # The main resource ignores status.
    main = as_dict(api_client, apps.read_namespaced_deployment("st", ns))
    main["status"] = {"replicas": 0, "readyReplicas": 0}
    main["metadata"]["labels"] = {"via": "main"}
    replaced = apps.replace_namespaced_deployment("st", ns, main)
    assert replaced.status.ready_replicas == 2 and replaced.metadata.labels == {"via": "main"}
    merged = apps.patch_namespaced_deployment("st", ns, {"status": {"readyReplicas": 0}},
                                              _content_type="application/merge-patch+json")
    assert merged.status.ready_replicas == 2


def test_deployment_scale_subresource(api_client: client.ApiClient, apps: client.AppsV1Api, ns: str) -> None:
    apps.create_namespaced_deployment(ns, deployment("sc", replicas=2))
    scale = apps.read_namespaced_deployment_scale("sc", ns)
    assert (scale.api_version, scale.kind) == ("autoscaling/v1", "Scale")
    assert scale.metadata.name == "sc" and scale.metadata.namespace == ns
    assert scale.spec.replicas == 2
    assert scale.status.selector == "app=sc"

    body = as_dict(api_client, scale)
    body["spec"]["replicas"] = 4
    updated = apps.replace_namespaced_deployment_scale("sc", ns, body)
    assert updated.spec.replicas == 4
    dep = apps.read_namespaced_deployment("sc", ns)
    assert dep.spec.replicas == 4 and dep.metadata.generation == 2

    # The Scale's resourceVersion is the deployment's: a stale one conflicts.
    exc = api_exception(apps.replace_namespaced_deployment_scale, "sc", ns, body)
    assert exc.status == 409 and exc_status(exc)["reason"] == "Conflict"

    patched = apps.patch_namespaced_deployment_scale("sc", ns, {"spec": {"replicas": 1}})
    assert patched.spec.replicas == 1
    merged = apps.patch_namespaced_deployment_scale("sc", ns, {"spec": {"replicas": 3}},
                                                    _content_type="application/merge-patch+json")
    assert merged.spec.replicas == 3
    assert apps.read_namespaced_deployment("sc", ns).spec.replicas == 3

    exc = api_exception(apps.patch_namespaced_deployment_scale, "sc", ns, {"spec": {"replicas": -1}})
    assert exc.status == 422
    assert apps.read_namespaced_deployment("sc", ns).spec.replicas == 3
    assert api_exception(apps.read_namespaced_deployment_scale, "missing", ns).status == 404


# --- kind-specific behaviour


def test_secret_string_data_is_folded_into_data(core: client.CoreV1Api, ns: str) -> None:
    b64 = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    created = core.create_namespaced_secret(ns, {"metadata": {"name": "sd"},
                                                 "data": {"keep": b64("kept"), "over": b64("old")},
                                                 "stringData": {"user": "admin", "over": "new"}})
    expected = {"keep": b64("kept"), "over": b64("new"), "user": b64("admin")}
    assert created.data == expected and created.string_data is None
    stored = core.read_namespaced_secret("sd", ns)
    assert stored.data == expected and stored.string_data is None
    assert stored.type == "Opaque"
    patched = core.patch_namespaced_secret("sd", ns, {"stringData": {"user": "root"}})
    assert patched.data["user"] == b64("root") and patched.string_data is None


def test_namespace_deletion_and_terminating_namespace(core: client.CoreV1Api, apps: client.AppsV1Api) -> None:
    name = unique("doomed")
    core.create_namespace({"metadata": {"name": name}})
    core.create_namespaced_config_map(name, {"metadata": {"name": "plain"}})
    core.create_namespaced_secret(name, {"metadata": {"name": "s"}})
    apps.create_namespaced_deployment(name, deployment("d"))
    core.create_namespaced_config_map(name, {"metadata": {"name": "held", "finalizers": ["e2e.example.com/hold"]}})

    core.delete_namespace(name)
    ns_obj = core.read_namespace(name)
    assert ns_obj.metadata.deletion_timestamp is not None
    assert ns_obj.status.phase == "Terminating"

    def contents_gone() -> bool:
        cms = [c.metadata.name for c in core.list_namespaced_config_map(name).items]
        return (cms == ["held"] and not core.list_namespaced_secret(name).items
                and not apps.list_namespaced_deployment(name).items)

    wait_for(contents_gone, timeout=15, what="namespace contents deleted")
    assert core.read_namespaced_config_map("held", name).metadata.deletion_timestamp is not None

    exc = api_exception(core.create_namespaced_config_map, name, {"metadata": {"name": "late"}})
    status = exc_status(exc)
    assert exc.status == 403 and status["reason"] == "Forbidden"
    assert "because it is being terminated" in status["message"]
    assert any(c.get("reason") == "NamespaceTerminating" for c in status.get("details", {}).get("causes", []))

    core.patch_namespaced_config_map("held", name, {"metadata": {"finalizers": None}},
                                     _content_type="application/merge-patch+json")

    def ns_gone() -> bool:
        try:
            core.read_namespace(name)
        except client.ApiException as exc:
            return exc.status == 404
        return False

    wait_for(ns_gone, timeout=15, what="namespace deleted")
    exc = api_exception(core.create_namespaced_config_map, name, {"metadata": {"name": "later"}})
    assert exc.status == 404 and exc_status(exc)["reason"] == "NotFound"


def test_finalizers_hold_deletion(api_client: client.ApiClient, core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "fin", "finalizers": ["a.example.com/x", "b.example.com/y"]},
                                           "data": {"k": "v"}})
    deleted = core.delete_namespaced_config_map("fin", ns)
    deleted = deleted if isinstance(deleted, dict) else as_dict(api_client, deleted)
    assert deleted["kind"] == "ConfigMap" and deleted["metadata"]["deletionTimestamp"]
    held = core.read_namespaced_config_map("fin", ns)
    assert held.metadata.deletion_timestamp is not None and held.data == {"k": "v"}
    assert held.metadata.deletion_grace_period_seconds == 0

    # No new finalizers once deletion started.
    exc = api_exception(core.patch_namespaced_config_map, "fin", ns,
                        {"metadata": {"finalizers": ["a.example.com/x", "b.example.com/y", "c.example.com/z"]}},
                        _content_type="application/merge-patch+json")
    assert exc.status == 422 and "no new finalizers" in exc_status(exc)["message"]
    # Deleting again changes nothing.
    core.delete_namespaced_config_map("fin", ns)
    again = core.read_namespaced_config_map("fin", ns)
    assert again.metadata.deletion_timestamp == held.metadata.deletion_timestamp

    core.patch_namespaced_config_map("fin", ns, [{"op": "remove", "path": "/metadata/finalizers/0"}])
    assert core.read_namespaced_config_map("fin", ns).metadata.finalizers == ["b.example.com/y"]
    core.patch_namespaced_config_map("fin", ns, [{"op": "remove", "path": "/metadata/finalizers"}])
    assert api_exception(core.read_namespaced_config_map, "fin", ns).status == 404


def test_owner_references_validation(raw: Raw, ns: str) -> None:
    owner = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": "5f0c3b1e-3d7a-4c3e-9a3e-1d2f4b5c6d7e"}
    missing_uid = {k: v for k, v in owner.items() if k != "uid"}
    resp = raw.post(cm_path(ns), body={"metadata": {"name": "o1", "ownerReferences": [missing_uid]}})
    status = expect_status(resp, 422, "Invalid")
    fields = [c.get("field", "") for c in status["details"]["causes"]]
    assert any(f.startswith("metadata.ownerReferences") and f.endswith("uid") for f in fields), status

    two_controllers = [{**owner, "controller": True}, {**owner, "name": "owner2", "uid": "6f0c3b1e-3d7a-4c3e-9a3e-1d2f4b5c6d7e", "controller": True}]
    resp = raw.post(cm_path(ns), body={"metadata": {"name": "o2", "ownerReferences": two_controllers}})
    status = expect_status(resp, 422, "Invalid")
    assert "Only one reference can have Controller set to true" in status["message"]

    no_kind = {k: v for k, v in owner.items() if k != "kind"}
    expect_status(raw.post(cm_path(ns), body={"metadata": {"name": "o3", "ownerReferences": [no_kind]}}), 422, "Invalid")
    assert raw.get(cm_path(ns, "o1")).status_code == 404
    assert raw.post(cm_path(ns), body={"metadata": {"name": "o4", "ownerReferences": [owner]}}).status_code == 201


def test_managed_fields(core: client.CoreV1Api, ns: str) -> None:
    created = core.create_namespaced_config_map(ns, {"metadata": {"name": "mf"}, "data": {"a": "1"}}, field_manager="e2e-creator")
    entries = created.metadata.managed_fields
    assert [(e.manager, e.operation, e.api_version, e.fields_type) for e in entries] == [("e2e-creator", "Update", "v1", "FieldsV1")]
    assert entries[0].fields_v1 == {"f:data": {".": {}, "f:a": {}}} or entries[0].fields_v1 == {"f:data": {"f:a": {}}}
    assert entries[0].time is not None

    updated = core.patch_namespaced_config_map("mf", ns, {"data": {"b": "2"}}, field_manager="e2e-updater")
    managers = {e.manager: e for e in updated.metadata.managed_fields}
    assert set(managers) == {"e2e-creator", "e2e-updater"}
    assert "f:b" in managers["e2e-updater"].fields_v1["f:data"]
    assert "f:b" not in managers["e2e-creator"].fields_v1["f:data"]

    # Without a fieldManager the manager is the user agent's product name.
    core.patch_namespaced_config_map("mf", ns, {"data": {"c": "3"}})
    managers = {e.manager for e in core.read_namespaced_config_map("mf", ns).metadata.managed_fields}
    assert "OpenAPI-Generator" in managers

    listed = [i for i in core.list_namespaced_config_map(ns).items if i.metadata.name == "mf"][0]
    assert listed.metadata.managed_fields


# --- authentication and request options


def test_unauthenticated_requests_are_refused(kubelite: KubeliteProcess) -> None:
    anonymous = raw_for(kubelite, auth="none")
    for path in ("/api/v1/namespaces", "/api", "/apis", "/api/v1/namespaces/default/configmaps", "/openapi/v2"):
        status = expect_status(anonymous.get(path), 401, "Unauthorized")
        assert status["message"] == "Unauthorized"
    post = anonymous.post("/api/v1/namespaces/default/configmaps", body={"metadata": {"name": "anon"}})
    expect_status(post, 401, "Unauthorized")
    for path in ("/healthz", "/livez", "/readyz"):
        resp = anonymous.get(path)
        assert (resp.status_code, resp.text) == (200, "ok"), (path, resp.status_code, resp.text)
    version = anonymous.get("/version")
    assert version.status_code == 200 and version.json()["gitVersion"].startswith("v1.33")

    bad_token = raw_for(kubelite, auth="token", token="not-a-real-token")
    expect_status(bad_token.get("/api/v1/namespaces"), 401, "Unauthorized")


def test_bearer_token_from_data_dir(kubelite: KubeliteProcess) -> None:
    token = (kubelite.data_dir / "admin.token").read_text().strip()
    with_token = raw_for(kubelite, auth="token", token=token)
    resp = with_token.get("/api/v1/namespaces")
    assert resp.status_code == 200 and resp.json()["kind"] == "NamespaceList"

    config = client.Configuration()
    config.host = kubelite.server_url
    config.ssl_ca_cert = str(kubelite.data_dir / "ca.crt")
    config.api_key = {"BearerToken": token}
    config.api_key_prefix = {"BearerToken": "Bearer"}
    with client.ApiClient(config) as token_client:
        names = [n.metadata.name for n in client.CoreV1Api(token_client).list_namespace().items]
    assert "default" in names


def test_token_auth_file(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.csv"
    tokens.write_text('alice-token-123,alice,uid-alice,"dev,ops"\nbob-token-456,bob,uid-bob\n')
    server = KubeliteProcess(tmp_path / "data", ["--token-auth-file", str(tokens)])
    server.start()
    try:
        for token in ("alice-token-123", "bob-token-456"):
            user = raw_for(server, auth="token", token=token)
            resp = user.get("/api/v1/namespaces/default/configmaps")
            assert resp.status_code == 200, (token, resp.text)
            created = user.post("/api/v1/namespaces/default/configmaps", body={"metadata": {"name": token[:5]}})
            assert created.status_code == 201, created.text
        expect_status(raw_for(server, auth="token", token="alice-token-12").get("/api/v1/namespaces"), 401, "Unauthorized")
        admin = (server.data_dir / "admin.token").read_text().strip()
        assert raw_for(server, auth="token", token=admin).get("/api/v1/namespaces").status_code == 200
        assert raw_for(server).get("/api/v1/namespaces/default/configmaps/alice").status_code == 200
    finally:
        server.kill()  # graceful shutdown is test_crash.py's business


def test_malformed_timeout_parameter(raw: Raw, ns: str) -> None:
    status = expect_status(raw.get(cm_path(ns), params={"timeout": "soon"}), 400, "BadRequest")
    assert "invalid timeout specified in the request URL" in status["message"]
    expect_status(raw.post(cm_path(ns), params={"timeout": "x1s"}, body={"metadata": {"name": "t"}}), 400, "BadRequest")
    assert raw.get(cm_path(ns, "t")).status_code == 404
    assert raw.get(cm_path(ns), params={"timeout": "30s"}).status_code == 200
    assert raw.post(cm_path(ns), params={"timeout": "10s"}, body={"metadata": {"name": "t"}}).status_code == 201


def test_list_and_get_carry_kind_and_api_version(raw: Raw, ns: str) -> None:
    raw.post(cm_path(ns), body={"metadata": {"name": "kv"}})
    listed = raw.get(cm_path(ns)).json()
    assert (listed["kind"], listed["apiVersion"]) == ("ConfigMapList", "v1")
    assert all(i["kind"] == "ConfigMap" and i["apiVersion"] == "v1" for i in listed["items"])
    deps = raw.get(f"/apis/apps/v1/namespaces/{ns}/deployments").json()
    assert (deps["kind"], deps["apiVersion"], deps["items"]) == ("DeploymentList", "apps/v1", [])
    assert json.loads(raw.get(cm_path(ns, "kv")).text)["kind"] == "ConfigMap"


def test_long_lists_are_streamed_whole(raw: Raw, core: client.CoreV1Api, ns: str) -> None:
    # More than 1,000 items go out in pieces (chunked): the body must still be one valid list,
    # the same as the pages of a paginated list, and typed clients must read it.
    for i in range(1100):
        assert raw.post(f"/api/v1/namespaces/{ns}/configmaps", body={"metadata": {"name": f"cm-{i:04d}"}, "data": {"i": str(i)}}).status_code == 201
    resp = raw.get(f"/api/v1/namespaces/{ns}/configmaps")
    assert resp.status_code == 200 and resp.headers.get("content-type") == "application/json"
    whole = resp.json()
    assert (whole["kind"], whole["apiVersion"]) == ("ConfigMapList", "v1") and whole["metadata"]["resourceVersion"]
    paged, token = [], ""
    while True:
        page = raw.get(f"/api/v1/namespaces/{ns}/configmaps", params={"limit": "400", **({"continue": token} if token else {})}).json()
        paged += page["items"]
        token = page["metadata"].get("continue", "")
        if not token:
            break
    assert whole["items"] == paged and len(paged) == 1101  # with kube-root-ca.crt
    assert len(core.list_namespaced_config_map(ns).items) == 1101
    assert len(yaml.safe_load(raw.get(f"/api/v1/namespaces/{ns}/configmaps", accept="application/yaml").text)["items"]) == 1101
