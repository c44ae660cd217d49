"""Discovery documents (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated discovery v2/v2beta1.

Pure functions that turn a list of served `APIResource`s into JSON-ready dicts shaped like
kube-apiserver 1.33 output (k8s.io/apiserver/pkg/endpoints/discovery and .../aggregated).
Content negotiation and HTTP headers are the caller's job; `negotiate_discovery` and
`discovery_etag` give it what it needs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import orjson

from kubelite.machinery.gvk import APIResource

AggregatedVersion = Literal["v2", "v2beta1"]

DISCOVERY_GROUP = "apidiscovery.k8s.io"

# Response Content-Type for each aggregated format; client-go parses g/v/as out of it to
# decide whether the body is aggregated (so the parameters must be present and exact).
AGGREGATED_CONTENT_TYPES: dict[str, str] = {
    "v2": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    "v2beta1": "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
}
LEGACY_CONTENT_TYPE = "application/json"

# GroupPriorityMinimum of the built-in APIServices (kube-apiserver's aggregator table).
# /apis lists groups by descending priority then name; kubectl resolves ambiguous short
# names (e.g. "events") to the first group listed, so the order matters.
_GROUP_PRIORITY: dict[str, int] = {
    "": 18000,
    "apiregistration.k8s.io": 17800,
    "apps": 17800,
    "events.k8s.io": 17750,
    "authentication.k8s.io": 17700,
    "authorization.k8s.io": 17600,
    "autoscaling": 17500,
    "batch": 17400,
    "certificates.k8s.io": 17300,
    "networking.k8s.io": 17200,
    "policy": 17100,
    "rbac.authorization.k8s.io": 17000,
    "storage.k8s.io": 16800,
    "admissionregistration.k8s.io": 16700,
    "apiextensions.k8s.io": 16700,
    "scheduling.k8s.io": 16600,
    "coordination.k8s.io": 16500,
    "node.k8s.io": 16300,
    "discovery.k8s.io": 16200,
    "flowcontrol.apiserver.k8s.io": 16100,
    "internal.apiserver.k8s.io": 16000,
    "resource.k8s.io": 15900,
    "storagemigration.k8s.io": 15800,
}
_DEFAULT_GROUP_PRIORITY = 1000  # what CRD and unknown groups get upstream

# Kinds of well-known subresources whose response type differs from the parent's; the
# caller's APIResource.subresource_kinds wins over these.
_SUBRESOURCE_KINDS: dict[str, tuple[str, str, str]] = {
    "scale": ("autoscaling", "v1", "Scale"),
    "eviction": ("policy", "v1", "Eviction"),
    "binding": ("", "v1", "Binding"),
    "token": ("authentication.k8s.io", "v1", "TokenRequest"),
    "exec": ("", "v1", "PodExecOptions"),
    "attach": ("", "v1", "PodAttachOptions"),
    "portforward": ("", "v1", "PodPortForwardOptions"),
}
_PROXY_KINDS = {"Pod": "PodProxyOptions", "Service": "ServiceProxyOptions", "Node": "NodeProxyOptions"}

# Verbs of well-known subresources when the caller did not give them.
_SUBRESOURCE_VERBS: dict[str, list[str]] = {
    "status": ["get", "patch", "update"],
    "scale": ["get", "patch", "update"],
    "ephemeralcontainers": ["get", "patch", "update"],
    "resize": ["get", "patch", "update"],
    "approval": ["get", "patch", "update"],
    "finalize": ["update"],
    "log": ["get"],
    "exec": ["create", "get"],
    "attach": ["create", "get"],
    "portforward": ["create", "get"],
    "proxy": ["create", "delete", "get", "patch", "update"],
    "eviction": ["create"],
    "binding": ["create"],
    "token": ["create"],
}


# --------------------------------------------------------------------------- helpers


def storage_version_hash(group: str, version: str, kind: str) -> str:
    """Upstream StorageVersionHash: base64 of the first 8 bytes of sha256("g/v/k")."""
    digest = hashlib.sha256(f"{group}/{version}/{kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode("ascii")


def subresource_kind(r: APIResource, sub: str) -> tuple[str, str, str]:
    """(group, version, kind) a subresource of `r` returns."""
    if sub in r.subresource_kinds:
        return r.subresource_kinds[sub]
    if sub == "proxy" and r.kind in _PROXY_KINDS:
        return ("", "v1", _PROXY_KINDS[r.kind])
    return _SUBRESOURCE_KINDS.get(sub, (r.group, r.version, r.kind))


def subresource_verbs(r: APIResource, sub: str) -> list[str]:
    """Sorted verbs served on `<resource>/<sub>`."""
    verbs = r.subresource_verbs.get(sub) or _SUBRESOURCE_VERBS.get(sub, ["get"])
    return sorted(set(verbs))


_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_sort_key(version: str) -> tuple[int, int, int, str]:
    """Sort key implementing CompareKubeAwareVersionStrings (ascending key = preferred first).

    GA before beta before alpha, higher numbers first, non-kube-like versions last (by name).
    """
    m = _KUBE_VERSION.match(version)
    if not m:
        return (3, 0, 0, version)
    major = int(m.group(1))
    stage = {None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    minor = int(m.group(3) or 0)
    return (stage, -major, -minor, "")


def _group_versions(resources: Iterable[APIResource]) -> dict[str, list[str]]:
    """group -> versions in order of first appearance."""
    out: dict[str, list[str]] = {}
    for r in resources:
        versions = out.setdefault(r.group, [])
        if r.version not in versions:
            versions.append(r.version)
    return out


def ordered_versions(group: str, versions: list[str], preferred: Mapping[str, str]) -> list[str]:
    """Versions of a group, preferred first, the rest in kube-aware priority order."""
    pref = preferred.get(group)
    if pref not in versions:
        pref = versions[0]
    rest = sorted((v for v in versions if v != pref), key=version_sort_key)
    return [pref, *rest]


def _ordered_groups(groups: Iterable[str]) -> list[str]:
    return sorted(groups, key=lambda g: (-_GROUP_PRIORITY.get(g, _DEFAULT_GROUP_PRIORITY), g))


def _gv(group: str, version: str) -> dict[str, str]:
    gv = f"{group}/{version}" if group else version
    return {"groupVersion": gv, "version": version}


def _sorted_resources(resources: Iterable[APIResource]) -> list[APIResource]:
    return sorted(resources, key=lambda r: r.resource)


# --------------------------------------------------------------------------- legacy discovery


def core_versions(server_address: str) -> dict[str, Any]:
    """APIVersions served at /api (upstream omits apiVersion on this one)."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def _api_group_entry(group: str, versions: list[str], preferred: Mapping[str, str]) -> dict[str, Any]:
    ordered = ordered_versions(group, versions, preferred)
    return {
        "name": group,
        "versions": [_gv(group, v) for v in ordered],
        "preferredVersion": _gv(group, ordered[0]),
    }


def api_group_list(resources: Iterable[APIResource], preferred: Mapping[str, str]) -> dict[str, Any]:
    """APIGroupList served at /apis (every group but the core one)."""
    by_group = _group_versions(resources)
    groups = [_api_group_entry(g, by_group[g], preferred) for g in _ordered_groups(by_group) if g != ""]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(
    group: str, resources: Iterable[APIResource], preferred: Mapping[str, str]
) -> dict[str, Any] | None:
    """APIGroup served at /apis/<group>, or None when the group is not served."""
    versions = _group_versions(r for r in resources if r.group == group).get(group)
    if not versions or not group:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_api_group_entry(group, versions, preferred)}


def _legacy_resource(r: APIResource) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": r.resource,
        "singularName": r.singular,
        "namespaced": r.namespaced,
        "kind": r.kind,
        "verbs": sorted(set(r.verbs)),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    svh = r.storage_version_hash
    # Upstream only hashes resources backed by the generic registry store; those without it
    # (the create-only *Reviews and bindings, the get/list-only componentstatuses) cannot be
    # watched, so no hash is derived for a resource that has no watch verb.
    if not svh and "watch" in r.verbs:
        svh = storage_version_hash(r.group, r.version, r.kind)
    if svh:
        entry["storageVersionHash"] = svh
    return entry


def _legacy_subresource(r: APIResource, sub: str) -> dict[str, Any]:
    group, version, kind = subresource_kind(r, sub)
    entry: dict[str, Any] = {"name": f"{r.resource}/{sub}", "singularName": "", "namespaced": r.namespaced}
    # group/version are omitempty upstream and only set when they differ from the list's.
    if (group, version) != (r.group, r.version):
        entry["group"] = group
        entry["version"] = version
    entry["kind"] = kind
    entry["verbs"] = subresource_verbs(r, sub)
    return entry


def api_resource_list(group: str, version: str, resources: Iterable[APIResource]) -> dict[str, Any]:
    """APIResourceList served at /api/v1 and /apis/<group>/<version>."""
    entries: list[dict[str, Any]] = []
    for r in _sorted_resources(x for x in resources if x.group == group and x.version == version):
        entries.append(_legacy_resource(r))
        entries.extend(_legacy_subresource(r, sub) for sub in sorted(r.subresources))
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": entries,
    }


# --------------------------------------------------------------------------- aggregated discovery


def _gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "version": version, "kind": kind}


def _response_kind(r: APIResource, group: str, version: str, kind: str) -> dict[str, str]:
    if r.builtin and (group, version) == (r.group, r.version):
        return _gvk("", "", kind)
    return _gvk(group, version, kind)


def _aggregated_resource(r: APIResource) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": r.resource,
        "responseKind": _response_kind(r, r.group, r.version, r.kind),
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": sorted(set(r.verbs)),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    if r.subresources:
        entry["subresources"] = [
            {
                "subresource": sub,
                "responseKind": _response_kind(r, *subresource_kind(r, sub)),
                "verbs": subresource_verbs(r, sub),
            }
            for sub in sorted(r.subresources)
        ]
    return entry


def _aggregated_group(
    group: str, resources: list[APIResource], preferred: Mapping[str, str]
) -> dict[str, Any]:
    versions = _group_versions(resources)[group]
    out_versions = []
    for v in ordered_versions(group, versions, preferred):
        items = [_aggregated_resource(r) for r in _sorted_resources(x for x in resources if x.version == v)]
        version_doc: dict[str, Any] = {"version": v}
        if items:
            version_doc["resources"] = items
        version_doc["freshness"] = "Current"
        out_versions.append(version_doc)
    # ObjectMeta.creationTimestamp is a struct in Go, so it is always serialized (as null);
    # name is omitempty, so the core group has no name key at all.
    metadata: dict[str, Any] = (
        {"name": group, "creationTimestamp": None} if group else {"creationTimestamp": None}
    )
    return {"metadata": metadata, "versions": out_versions}


def aggregated_discovery(
    resources: Iterable[APIResource],
    preferred: Mapping[str, str],
    core: bool,
    version: AggregatedVersion = "v2",
) -> dict[str, Any]:
    """APIGroupDiscoveryList for /api (core=True) or /apis (core=False).

    `version` picks the apiVersion stamped on the document (v2beta1 has the same shape).
    """
    rs = list(resources)
    by_group: dict[str, list[APIResource]] = {}
    for r in rs:
        if (r.group == "") == core:
            by_group.setdefault(r.group, []).append(r)
    items = [_aggregated_group(g, by_group[g], preferred) for g in _ordered_groups(by_group)]
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"{DISCOVERY_GROUP}/{version}",
        "metadata": {},
        "items": items,
    }


def discovery_etag(doc: Mapping[str, Any]) -> str:
    """Unquoted ETag for a discovery document: uppercase hex sha512 of its JSON, like upstream.

    Send it quoted (`ETag: "<hash>"`) with `Vary: Accept`, and answer 304 when If-None-Match
    equals the quoted value.
    """
    return hashlib.sha512(orjson.dumps(doc)).hexdigest().upper()


# --------------------------------------------------------------------------- negotiation


def _parse_accept(header: str) -> list[tuple[str, dict[str, str], float]]:
    clauses: list[tuple[str, dict[str, str], float]] = []
    for raw in header.split(","):
        parts = [p.strip() for p in raw.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        params: dict[str, str] = {}
        q = 1.0
        for p in parts[1:]:
            if "=" not in p:
                continue
            k, v = p.split("=", 1)
            k, v = k.strip().lower(), v.strip().strip('"')
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
            else:
                params[k] = v
        clauses.append((media, params, q))
    # Stable sort keeps the client's order among equal q, as goautoneg effectively does.
    clauses.sort(key=lambda c: -c[2])
    return clauses


def negotiate_discovery(accept_header: str | None) -> AggregatedVersion | None:
    """Which aggregated discovery format the Accept header asks for, or None for the legacy one.

    Only JSON encodings are offered; a protobuf clause is skipped so the client's next
    preference (always JSON for client-go/kubectl) is used.
    """
    if not accept_header:
        return None
    for media, params, q in _parse_accept(accept_header):
        if q <= 0:
            continue
        if media not in ("application/json", "application/*", "*/*"):
            continue
        if "g" not in params and "as" not in params and "v" not in params:
            return None  # plain JSON wins before any later aggregated clause
        if (
            params.get("g") == DISCOVERY_GROUP
            and params.get("as") == "APIGroupDiscoveryList"
            and params.get("v") in ("v2", "v2beta1")
        ):
            return "v2" if params["v"] == "v2" else "v2beta1"
    return None


def discovery_content_type(fmt: AggregatedVersion | None) -> str:
    """Content-Type for a response in the negotiated format."""
    return AGGREGATED_CONTENT_TYPES[fmt] if fmt else LEGACY_CONTENT_TYPE
