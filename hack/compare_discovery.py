#!/usr/bin/env python3
"""Compare kubelite's discovery with what a Kubernetes 1.33 kube-apiserver serves by default.

    python hack/compare_discovery.py --kubeconfig PATH   # against a running server
    python hack/compare_discovery.py --start             # starts `kubelite serve` in a temporary directory

The upstream facts live in hack/discovery/upstream-1.33.json (its "source" key says where they
come from). The script reads the legacy documents (/api, /apis, /apis/<group>, /api/v1,
/apis/<group>/<version>) and the aggregated ones (/api and /apis with Accept
application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList) and prints every difference:
groups and their order, versions and preferred versions, resources, kinds, scope, singular names,
short names, categories, verbs, storage version hashes, subresources with their kinds and verbs.

The subresources that need a kubelet (pods/log, exec, attach, portforward, proxy, nodes/proxy,
services/proxy) are in upstream's list too, so discovery must show them; the script then calls each
one on a scheduled pod, an unscheduled pod, an existing node and service and a missing one, and
checks that every answer is a Status error: NotFound for the missing parent, and for an existing
parent a clear error that is neither 404 nor 500. `--skip-status-checks` leaves those calls out (they
create and delete a few objects in the default namespace).

Exit status: 0 when there is no difference, 1 otherwise, 2 when the server cannot be reached.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

UPSTREAM_FILE = Path(__file__).resolve().parent / "discovery" / "upstream-1.33.json"
AGGREGATED_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_MARKER = "as=APIGroupDiscoveryList"

# The normalised form of one resource, as in the upstream file.
Resource = dict[str, Any]
ResourceMap = dict[str, Resource]


# --------------------------------------------------------------------------- HTTP client


@dataclass
class Response:
    status: int
    content_type: str
    body: Any  # decoded JSON, or the text when it is not JSON


class Client:
    """A minimal HTTPS client for the server a kubeconfig names (client certificates or a token)."""

    def __init__(self, server: str, context: ssl.SSLContext, headers: dict[str, str]) -> None:
        self.server = server.rstrip("/")
        self.context = context
        self.headers = headers

    @classmethod
    def from_kubeconfig(cls, path: str | os.PathLike[str]) -> Client:
        kubeconfig = Path(path)
        config = yaml.safe_load(kubeconfig.read_text())
        base = kubeconfig.resolve().parent

        def named(kind: str, name: str | None) -> dict[str, Any]:
            for item in config.get(kind) or []:
                if name is None or item.get("name") == name:
                    return dict(item.get(kind[:-1]) or {})
            raise ValueError(f"{kubeconfig}: no {kind[:-1]} {name!r}")

        context = named("contexts", config.get("current-context"))
        cluster = named("clusters", context.get("cluster"))
        user = named("users", context.get("user")) if context.get("user") else {}
        with tempfile.TemporaryDirectory(prefix="compare-discovery-") as tmp:

            def material(key: str) -> str | None:
                """Path of a certificate or key given inline (<key>-data) or as a file."""
                data = cluster.get(f"{key}-data") or user.get(f"{key}-data")
                if data:
                    out = Path(tmp) / key
                    out.write_bytes(base64.b64decode(str(data)))
                    return str(out)
                value = cluster.get(key) or user.get(key)
                return str(base / value) if value else None

            if cluster.get("insecure-skip-tls-verify"):
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            else:
                ctx = ssl.create_default_context(cafile=material("certificate-authority"))
            cert, key = material("client-certificate"), material("client-key")
            if cert:
                ctx.load_cert_chain(cert, key)
        headers: dict[str, str] = {}
        token = user.get("token")
        if not token and user.get("tokenFile"):
            token = (base / user["tokenFile"]).read_text().strip()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return cls(str(cluster["server"]), ctx, headers)

    def request(
        self, method: str, path: str, body: Any = None, accept: str = "application/json", timeout: float = 30
    ) -> Response:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.server + path, data=data, method=method)
        for name, value in {**self.headers, "Accept": accept}.items():
            req.add_header(name, value)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, context=self.context, timeout=timeout) as resp:
                return _response(resp.status, resp.headers.get("Content-Type", ""), resp.read())
        except urllib.error.HTTPError as err:
            return _response(err.code, err.headers.get("Content-Type", ""), err.read())

    def get(self, path: str, accept: str = "application/json") -> Response:
        return self.request("GET", path, accept=accept)


def _response(status: int, content_type: str, raw: bytes) -> Response:
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return Response(status, content_type, body)


# --------------------------------------------------------------------------- upstream data


def load_upstream(path: str | os.PathLike[str] = UPSTREAM_FILE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text())
    return data


def _gv(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


# --------------------------------------------------------------------------- normalising kubelite's documents


def _subresource_kind(gv: str, group: Any, version: Any, kind: Any) -> dict[str, Any]:
    """A subresource's kind, naming its group/version only when they differ from the list's."""
    out: dict[str, Any] = {"kind": kind}
    if (group or version) and _gv(str(group or ""), str(version or "")) != gv:
        out["group"], out["version"] = group or "", version or ""
    return out


def normalise_legacy(gv: str, doc: dict[str, Any]) -> ResourceMap:
    """An APIResourceList (/api/v1, /apis/<group>/<version>) in the upstream file's shape."""
    resources: ResourceMap = {}
    subresources: list[dict[str, Any]] = []
    for entry in doc.get("resources") or []:
        if "/" in entry.get("name", ""):
            subresources.append(entry)
            continue
        resources[entry["name"]] = {
            "kind": entry.get("kind"),
            "namespaced": entry.get("namespaced"),
            "singularName": entry.get("singularName"),
            "shortNames": list(entry.get("shortNames") or []),
            "categories": list(entry.get("categories") or []),
            "verbs": sorted(entry.get("verbs") or []),
            "storageVersionHash": entry.get("storageVersionHash"),
            "subresources": {},
        }
    for entry in subresources:
        parent, _, sub = entry["name"].partition("/")
        target = resources.setdefault(parent, {"kind": None, "subresources": {}, "missingParent": True})
        target["subresources"][sub] = {
            **_subresource_kind(gv, entry.get("group"), entry.get("version"), entry.get("kind")),
            "verbs": sorted(entry.get("verbs") or []),
            "namespaced": entry.get("namespaced"),
        }
    return resources


def normalise_aggregated(gv: str, version_doc: dict[str, Any], notes: list[str], where: str) -> ResourceMap:
    """The resources of one version of an APIGroupDiscovery in the upstream file's shape.

    A responseKind naming its own group/version is read as the same kind as one leaving them
    empty (as upstream does for built-in resources); `notes` records how many do.
    """
    resources: ResourceMap = {}
    explicit = 0
    for entry in version_doc.get("resources") or []:
        kind = entry.get("responseKind") or {}
        explicit += bool(kind.get("group") or kind.get("version"))
        if (kind.get("group") or kind.get("version")) and _gv(
            kind.get("group", ""), kind.get("version", "")
        ) != gv:
            kind_name: Any = f"{kind.get('group')}/{kind.get('version')}/{kind.get('kind')}"
        else:
            kind_name = kind.get("kind")
        subs: dict[str, Any] = {}
        for sub in entry.get("subresources") or []:
            sub_kind = sub.get("responseKind") or {}
            same_gv = _gv(sub_kind.get("group", ""), sub_kind.get("version", "")) == gv
            explicit += bool(same_gv and (sub_kind.get("group") or sub_kind.get("version")))
            subs[sub.get("subresource")] = {
                **_subresource_kind(gv, sub_kind.get("group"), sub_kind.get("version"), sub_kind.get("kind")),
                "verbs": sorted(sub.get("verbs") or []),
            }
        resources[entry["resource"]] = {
            "kind": kind_name,
            "namespaced": {"Namespaced": True, "Cluster": False}.get(
                entry.get("scope", ""), entry.get("scope")
            ),
            "singularName": entry.get("singularResource"),
            "shortNames": list(entry.get("shortNames") or []),
            "categories": list(entry.get("categories") or []),
            "verbs": sorted(entry.get("verbs") or []),
            "subresources": subs,
        }
    if explicit:
        notes.append(
            f"{where}: {explicit} responseKind(s) name their own group/version {gv!r}; upstream leaves "
            "group and version empty for built-in resources (same kind for clients)"
        )
    return resources


# --------------------------------------------------------------------------- diffing


_FIELDS = ("kind", "namespaced", "singularName", "shortNames", "categories", "verbs")


def diff_resources(where: str, expected: ResourceMap, actual: ResourceMap, storage_hash: bool) -> list[str]:
    """Differences between upstream's resources of one group version and kubelite's."""
    out: list[str] = []
    for name in sorted(expected.keys() - actual.keys()):
        out.append(f"{where}: missing resource {name}")
    for name in sorted(actual.keys() - expected.keys()):
        if actual[name].get("missingParent"):
            out.append(
                f"{where}: subresources {sorted(actual[name]['subresources'])} of unlisted resource {name}"
            )
        else:
            out.append(f"{where}: extra resource {name} (not served by upstream 1.33 by default)")
    for name in sorted(expected.keys() & actual.keys()):
        want, got = expected[name], actual[name]
        for key in _FIELDS + (("storageVersionHash",) if storage_hash else ()):
            if want.get(key) != got.get(key):
                out.append(f"{where} {name}: {key} is {got.get(key)!r}, upstream {want.get(key)!r}")
        want_subs, got_subs = want.get("subresources") or {}, got.get("subresources") or {}
        for sub in sorted(want_subs.keys() - got_subs.keys()):
            out.append(f"{where}: missing subresource {name}/{sub}")
        for sub in sorted(got_subs.keys() - want_subs.keys()):
            out.append(f"{where}: extra subresource {name}/{sub} (not served by upstream 1.33 by default)")
        for sub in sorted(want_subs.keys() & got_subs.keys()):
            w, g = want_subs[sub], got_subs[sub]
            for key in ("group", "version", "kind", "verbs"):
                if w.get(key) != g.get(key):
                    out.append(f"{where} {name}/{sub}: {key} is {g.get(key)!r}, upstream {w.get(key)!r}")
            if "namespaced" in g and g["namespaced"] != want.get("namespaced"):
                out.append(
                    f"{where} {name}/{sub}: namespaced is {g['namespaced']!r}, upstream {want.get('namespaced')!r}"
                )
    return out


@dataclass
class Report:
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _extension_groups(client: Client) -> set[str]:
    """Groups served by CustomResourceDefinitions or aggregated APIServices: not part of the comparison."""
    groups: set[str] = set()
    crds = client.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
    if crds.status == 200 and isinstance(crds.body, dict):
        groups.update(item["spec"]["group"] for item in crds.body.get("items") or [])
    services = client.get("/apis/apiregistration.k8s.io/v1/apiservices")
    if services.status == 200 and isinstance(services.body, dict):
        for item in services.body.get("items") or []:
            spec = item.get("spec") or {}
            if spec.get("service") and spec.get("group"):
                groups.add(spec["group"])
    return groups


def _fetch_json(client: Client, path: str, report: Report) -> dict[str, Any] | None:
    resp = client.get(path)
    if resp.status != 200 or not isinstance(resp.body, dict):
        report.differences.append(f"GET {path}: HTTP {resp.status} {str(resp.body)[:200]}")
        return None
    return resp.body


def compare_legacy(
    client: Client, upstream: dict[str, Any], ignored_groups: set[str], report: Report
) -> None:
    groups = [g for g in upstream["groups"] if g["name"]]
    core = _fetch_json(client, "/api", report)
    if core is not None and core.get("versions") != ["v1"]:
        report.differences.append(f"GET /api: versions {core.get('versions')!r}, upstream ['v1']")
    group_list = _fetch_json(client, "/apis", report)
    if group_list is not None:
        served = [g for g in group_list.get("groups") or [] if g.get("name") not in ignored_groups]
        _compare_group_order(
            "GET /apis", [g.get("name") for g in served], [g["name"] for g in groups], report
        )
        by_name = {g.get("name"): g for g in served}
        for want in groups:
            got = by_name.get(want["name"])
            if got is not None:
                _compare_group_versions(f"GET /apis {want['name']}", got, want, report)
    for want in groups:
        doc = _fetch_json(client, f"/apis/{want['name']}", report)
        if doc is not None:
            _compare_group_versions(f"GET /apis/{want['name']}", doc, want, report)
    for gv, expected in upstream["resources"].items():
        path = f"/api/{gv}" if "/" not in gv else f"/apis/{gv}"
        doc = _fetch_json(client, path, report)
        if doc is None:
            continue
        if doc.get("groupVersion") != gv:
            report.differences.append(
                f"GET {path}: groupVersion {doc.get('groupVersion')!r}, upstream {gv!r}"
            )
        report.differences.extend(
            diff_resources(f"GET {path}", expected, normalise_legacy(gv, doc), storage_hash=True)
        )


def _compare_group_order(where: str, served: list[Any], expected: list[str], report: Report) -> None:
    for name in expected:
        if name not in served:
            report.differences.append(f"{where}: missing group {name or '(core)'}")
    for name in served:
        if name not in expected:
            report.differences.append(f"{where}: extra group {name} (not served by upstream 1.33 by default)")
    common = [n for n in served if n in expected]
    if common != [n for n in expected if n in served]:
        report.differences.append(
            f"{where}: group order {common}, upstream {[n for n in expected if n in served]}"
        )


def _compare_group_versions(where: str, got: dict[str, Any], want: dict[str, Any], report: Report) -> None:
    versions = [v.get("version") for v in got.get("versions") or []]
    if versions != want["versions"]:
        report.differences.append(f"{where}: versions {versions}, upstream {want['versions']}")
    gvs = [v.get("groupVersion") for v in got.get("versions") or []]
    if gvs != [_gv(want["name"], v) for v in want["versions"]]:
        report.differences.append(f"{where}: groupVersions {gvs}")
    preferred = (got.get("preferredVersion") or {}).get("version")
    if preferred != want["preferredVersion"]:
        report.differences.append(
            f"{where}: preferred version {preferred!r}, upstream {want['preferredVersion']!r}"
        )


def compare_aggregated(
    client: Client, upstream: dict[str, Any], ignored_groups: set[str], report: Report
) -> None:
    for path, core in (("/api", True), ("/apis", False)):
        where = f"GET {path} (aggregated v2)"
        resp = client.get(path, accept=AGGREGATED_ACCEPT)
        if resp.status != 200 or not isinstance(resp.body, dict):
            report.differences.append(f"{where}: HTTP {resp.status} {str(resp.body)[:200]}")
            continue
        if AGGREGATED_MARKER not in resp.content_type.replace(" ", ""):
            report.differences.append(
                f"{where}: Content-Type {resp.content_type!r} is not aggregated discovery"
            )
            continue
        if (resp.body.get("kind"), resp.body.get("apiVersion")) != (
            "APIGroupDiscoveryList",
            "apidiscovery.k8s.io/v2",
        ):
            report.differences.append(
                f"{where}: kind/apiVersion {resp.body.get('kind')!r}/{resp.body.get('apiVersion')!r}"
            )
        groups = [g for g in upstream["groups"] if (g["name"] == "") == core]
        items = [
            item
            for item in resp.body.get("items") or []
            if (item.get("metadata") or {}).get("name", "") not in ignored_groups
        ]
        names = [(item.get("metadata") or {}).get("name", "") for item in items]
        _compare_group_order(where, names, [g["name"] for g in groups], report)
        by_name = dict(zip(names, items, strict=True))
        for want in groups:
            item = by_name.get(want["name"])
            if item is None:
                continue
            versions = [v.get("version") for v in item.get("versions") or []]
            label = f"{where} {want['name'] or '(core)'}"
            if versions != want["versions"]:
                report.differences.append(
                    f"{label}: versions {versions}, upstream {want['versions']} (the first is the preferred one)"
                )
            for version_doc in item.get("versions") or []:
                gv = _gv(want["name"], version_doc.get("version", ""))
                if gv not in upstream["resources"]:
                    continue
                if version_doc.get("freshness") != "Current":
                    report.differences.append(f"{where} {gv}: freshness {version_doc.get('freshness')!r}")
                actual = normalise_aggregated(gv, version_doc, report.notes, f"{where} {gv}")
                report.differences.extend(
                    diff_resources(f"{where} {gv}", upstream["resources"][gv], actual, storage_hash=False)
                )


# --------------------------------------------------------------------------- kubelet-only subresources


def _status_problem(
    resp: Response, allowed: set[int] | None = None, forbidden: set[int] | None = None
) -> str | None:
    """Why `resp` is not a clear Status error (None when it is one)."""
    body = resp.body
    if not isinstance(body, dict) or body.get("kind") != "Status":
        return f"HTTP {resp.status}, not a Status: {str(body)[:160]!r}"
    if resp.status < 400 or body.get("status") != "Failure":
        return f"HTTP {resp.status} status {body.get('status')!r}: expected an error"
    if body.get("code") != resp.status:
        return f"Status code {body.get('code')!r} differs from HTTP {resp.status}"
    if not body.get("message") or not body.get("reason"):
        return f"HTTP {resp.status}: Status without message or reason: {body!r}"
    if allowed is not None and resp.status not in allowed:
        return f"HTTP {resp.status} {body.get('reason')}: expected {sorted(allowed)} ({body.get('message')})"
    if forbidden is not None and resp.status in forbidden:
        return f"HTTP {resp.status} {body.get('reason')}: {body.get('message')}"
    return None


@contextmanager
def _objects(client: Client, report: Report) -> Iterator[dict[str, str]]:
    """A node, a pod bound to it, an unscheduled pod and a service in the default namespace, deleted after."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "node": f"discovery-check-{suffix}",
        "pod": f"discovery-check-{suffix}",
        "pending": f"discovery-check-pending-{suffix}",
        "service": f"discovery-check-{suffix}",
    }
    container = [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]
    objects: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": names["node"]}}),
        (
            "/api/v1/namespaces/default/pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": names["pod"]},
                "spec": {"nodeName": names["node"], "containers": container},
            },
        ),
        (
            "/api/v1/namespaces/default/pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": names["pending"]},
                "spec": {"containers": container},
            },
        ),
        (
            "/api/v1/namespaces/default/services",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": names["service"]},
                "spec": {"ports": [{"port": 80}]},
            },
        ),
    ]
    created: list[str] = []
    try:
        for collection, obj in objects:
            resp = client.request("POST", collection, obj)
            if resp.status not in (200, 201):
                report.differences.append(f"POST {collection}: HTTP {resp.status} {str(resp.body)[:200]}")
            else:
                created.append(f"{collection}/{obj['metadata']['name']}")
        yield names
    finally:
        for path in reversed(created):
            client.request("DELETE", path + "?gracePeriodSeconds=0")


def check_kubelet_subresources(client: Client, upstream: dict[str, Any], report: Report) -> None:
    """Each kubelet-only subresource answers a Status error: NotFound without a parent, never 404/500 with one."""
    listed = set(upstream.get("kubeletSubresources") or [])
    connect_params = {
        "exec": "?command=true&stdout=true&stderr=true",
        "attach": "?stdout=true&stderr=true",
        "portforward": "?ports=80",
    }
    with _objects(client, report) as names:
        calls: list[tuple[str, str, str, str]] = []  # (upstream name, method, path, which parent)
        pods = "/api/v1/namespaces/default/pods"
        for sub in ("log", "exec", "attach", "portforward", "proxy"):
            methods = ["GET", "POST"] if sub in connect_params or sub == "proxy" else ["GET"]
            query = connect_params.get(sub, "")
            for method in methods:
                calls.append(
                    (f"v1/pods/{sub}", method, f"{pods}/{names['pod']}/{sub}{query}", "scheduled pod")
                )
            calls.append(
                (f"v1/pods/{sub}", "GET", f"{pods}/{names['pending']}/{sub}{query}", "unscheduled pod")
            )
            calls.append((f"v1/pods/{sub}", "GET", f"{pods}/discovery-check-missing/{sub}{query}", "missing"))
        calls.append(("v1/pods/proxy", "GET", f"{pods}/{names['pod']}/proxy/healthz", "scheduled pod"))
        nodes = "/api/v1/nodes"
        calls += [
            ("v1/nodes/proxy", "GET", f"{nodes}/{names['node']}/proxy/metrics", "existing node"),
            ("v1/nodes/proxy", "POST", f"{nodes}/{names['node']}/proxy/", "existing node"),
            ("v1/nodes/proxy", "GET", f"{nodes}/discovery-check-missing/proxy/metrics", "missing"),
        ]
        services = "/api/v1/namespaces/default/services"
        calls += [
            ("v1/services/proxy", "GET", f"{services}/{names['service']}/proxy/", "existing service"),
            ("v1/services/proxy", "POST", f"{services}/{names['service']}/proxy/x", "existing service"),
            ("v1/services/proxy", "GET", f"{services}/discovery-check-missing/proxy/", "missing"),
        ]
        seen: set[str] = set()
        for name, method, path, parent in calls:
            seen.add(name)
            resp = client.request(method, path, {} if method == "POST" else None)
            if parent == "missing":
                problem = _status_problem(resp, allowed={404})
            else:
                problem = _status_problem(resp, forbidden={404, 500})
            if problem:
                report.differences.append(
                    f"{method} {path} ({name.removeprefix('v1/')}, {parent}): {problem}"
                )
        for name in sorted(listed - seen):
            report.differences.append(
                f"{name}: listed as kubelet-only upstream but not checked by this script"
            )


# --------------------------------------------------------------------------- entry points


def run_comparison(
    client: Client, upstream: dict[str, Any] | None = None, status_checks: bool = True
) -> Report:
    """Every difference between the server behind `client` and upstream 1.33's default discovery."""
    upstream = upstream if upstream is not None else load_upstream()
    report = Report()
    ignored = _extension_groups(client) - {g["name"] for g in upstream["groups"]}
    compare_legacy(client, upstream, ignored, report)
    compare_aggregated(client, upstream, ignored, report)
    if status_checks:
        check_kubelet_subresources(client, upstream, report)
    return report


@contextmanager
def started_server(timeout: float = 60) -> Iterator[Path]:
    """`kubelite serve --data-dir TMP --secure-port 0`; yields the kubeconfig it writes, stops it after."""
    with tempfile.TemporaryDirectory(prefix="kubelite-discovery-") as tmp:
        data_dir = Path(tmp)
        kubeconfig = data_dir / "kubeconfig"
        log = (data_dir / "serve.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kubelite.cli",
                "serve",
                "--data-dir",
                str(data_dir),
                "--secure-port",
                "0",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"kubelite exited with {proc.returncode}: {(data_dir / 'serve.log').read_text()[-2000:]}"
                    )
                if kubeconfig.exists() and _ready(kubeconfig):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"kubelite not ready within {timeout}s")
                time.sleep(0.1)
            yield kubeconfig
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def _ready(kubeconfig: Path) -> bool:
    try:
        return Client.from_kubeconfig(kubeconfig).get("/readyz").status == 200
    except (OSError, ValueError, KeyError, yaml.YAMLError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--kubeconfig", help="kubeconfig of a running kubelite")
    target.add_argument(
        "--start", action="store_true", help="start `kubelite serve` in a temporary directory"
    )
    parser.add_argument(
        "--upstream", default=str(UPSTREAM_FILE), help="upstream discovery data (default: %(default)s)"
    )
    parser.add_argument(
        "--skip-status-checks", action="store_true", help="do not call the kubelet-only subresources"
    )
    parser.add_argument(
        "--notes", action="store_true", help="also print cosmetic notes that are not differences"
    )
    args = parser.parse_args(argv)
    upstream = load_upstream(args.upstream)

    def run(kubeconfig: str | os.PathLike[str]) -> Report:
        return run_comparison(
            Client.from_kubeconfig(kubeconfig), upstream, status_checks=not args.skip_status_checks
        )

    try:
        if args.start:
            with started_server() as kubeconfig:
                report = run(kubeconfig)
        else:
            report = run(args.kubeconfig)
    except (OSError, RuntimeError) as err:
        print(f"cannot compare: {err}", file=sys.stderr)
        return 2
    if args.notes:
        for note in sorted(set(report.notes)):
            print(f"note: {note}")
    for line in report.differences:
        print(line)
    version = upstream.get("kubernetesVersion", "upstream")
    if report.differences:
        print(f"{len(report.differences)} difference(s) from Kubernetes {version} discovery", file=sys.stderr)
        return 1
    print(f"no difference from Kubernetes {version} discovery ({len(upstream['resources'])} group versions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
