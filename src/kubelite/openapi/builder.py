"""OpenAPIBuilder: the /openapi/v2 and /openapi/v3 documents for a set of served resources.

Documents are built on first request and cached (the v2 one is several MB); construction
does no work so server start stays fast. Hashes/ETags are uppercase hex sha512 of the JSON
bytes, as kube-openapi computes them.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import orjson

from kubelite.machinery.gvk import APIResource
from kubelite.openapi import gnostic, paths
from kubelite.openapi.paths import PathItem, discovery_path, group_tag_and_prefix
from kubelite.openapi.schemas import (
    REF_PREFIX,
    Flavor,
    Schema,
    closure,
    definition_name,
    definitions,
    definitions_v2,
)

V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
V2_PROTOBUF_DEPRECATED = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
V2_JSON = "application/json"

_SECURITY_DEFINITION = {
    "description": "Bearer Token authentication",
    "type": "apiKey",
    "name": "authorization",
    "in": "header",
}
# Meta types every document carries regardless of what is served, as upstream's do.
_META_TYPES = [
    paths.STATUS, paths.DELETE_OPTIONS, paths.WATCH_EVENT, paths.PATCH, paths.API_RESOURCE_LIST,
]  # fmt: skip


def _dumps(obj: Any) -> bytes:
    # Sorted keys make the bytes, and so the hash, independent of construction order.
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def _hash(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest().upper()


def _reverse_group(group: str) -> str:
    return ".".join(reversed(group.split(".")))


def negotiate_openapi_v2(accept_header: str | None) -> Literal["json", "protobuf"] | None:
    """Which /openapi/v2 encoding the Accept header asks for (None: answer 406).

    Follows kube-openapi's handler: the first clause (by q) matching JSON or either
    protobuf spelling wins; `*/*` and an absent header mean JSON.
    """
    header = accept_header or "*/*"
    clauses: list[tuple[float, str]] = []
    for raw in header.split(","):
        parts = [p.strip() for p in raw.split(";")]
        media = parts[0].lower()
        q = 1.0
        for p in parts[1:]:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            clauses.append((q, media))
    clauses.sort(key=lambda c: -c[0])
    for _, media in clauses:
        if media in ("*/*", "application/*", V2_JSON):
            return "json"
        if media in (V2_PROTOBUF, V2_PROTOBUF_DEPRECATED):
            return "protobuf"
    return None


class OpenAPIBuilder:
    """Builds and caches the OpenAPI documents describing `resources`.

    `version_info` is the /version payload; its gitVersion becomes info.version.
    """

    def __init__(self, resources: Iterable[APIResource], version_info: Mapping[str, Any]) -> None:
        self._resources = list(resources)
        self._version = str(version_info.get("gitVersion") or "unversioned")
        self._lock = threading.RLock()
        self._v2_json: bytes | None = None
        self._v2_pb: bytes | None = None
        self._v3: dict[str, bytes] = {}
        self._v3_hashes: dict[str, str] = {}
        self._custom: dict[Flavor, dict[str, Schema]] | None = None

    # ------------------------------------------------------------------ kinds and schemas

    def _synthesized(self) -> dict[Flavor, dict[str, Schema]]:
        """Schemas for served kinds with no upstream type (custom resources).

        Named like upstream names CRD types (reversed group, version, kind). The v3 schema
        keeps unknown fields; the v2 one has no properties at all so that kubectl's
        client-side validation accepts any content rather than flagging every spec field.
        """
        if self._custom is not None:
            return self._custom
        out: dict[Flavor, dict[str, Schema]] = {"v2": {}, "v3": {}}
        for r in self._resources:
            if definition_name(r.group, r.version, r.kind):
                continue
            base = f"{_reverse_group(r.group)}.{r.version}" if r.group else r.version
            for flavor in ("v2", "v3"):
                ref = REF_PREFIX[flavor]
                meta = f"{ref}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
                list_meta = f"{ref}io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
                obj: Schema = {
                    "type": "object",
                    "x-kubernetes-group-version-kind": [
                        {"group": r.group, "kind": r.kind, "version": r.version}
                    ],
                }
                if flavor == "v3":
                    obj["properties"] = {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "metadata": {"$ref": meta},
                    }
                    obj["x-kubernetes-preserve-unknown-fields"] = True
                lst: Schema = {
                    "type": "object",
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "items": {"type": "array", "items": {"$ref": f"{ref}{base}.{r.kind}"}},
                        "kind": {"type": "string"},
                        "metadata": {"$ref": list_meta},
                    },
                    "required": ["items"],
                    "x-kubernetes-group-version-kind": [
                        {"group": r.group, "kind": r.kind + "List", "version": r.version}
                    ],
                }
                out[flavor][f"{base}.{r.kind}"] = obj
                out[flavor][f"{base}.{r.kind}List"] = lst
        self._custom = out
        return out

    def _kind_name(self, group: str, version: str, kind: str) -> str | None:
        name = definition_name(group, version, kind)
        if name:
            return name
        base = f"{_reverse_group(group)}.{version}" if group else version
        candidate = f"{base}.{kind}"
        return candidate if candidate in self._synthesized()["v3"] else None

    def _components(self, roots: set[str], flavor: Flavor) -> dict[str, Schema]:
        custom = self._synthesized()[flavor]
        upstream = definitions_v2() if flavor == "v2" else definitions()
        names = closure({*roots, *_META_TYPES}, custom)
        return {n: (custom[n] if n in custom else upstream[n]) for n in names}

    # ------------------------------------------------------------------ path items

    def _resource_items(self, group: str | None = None, version: str | None = None) -> list[PathItem]:
        items: list[PathItem] = []
        for r in self._resources:
            if group is not None and (r.group, r.version) != (group, version):
                continue
            builtin = definition_name(r.group, r.version, r.kind) is not None
            items.extend(paths.resource_paths(r, self._kind_name, builtin))
        return items

    def _group_versions(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self._resources:
            vs = out.setdefault(r.group, [])
            if r.version not in vs:
                vs.append(r.version)
        return out

    @staticmethod
    def _gv_discovery_item(group: str, version: str) -> PathItem:
        tag, prefix = group_tag_and_prefix(group, version)
        path = f"/api/{version}/" if not group else f"/apis/{group}/{version}/"
        return discovery_path(
            path, f"get{prefix}APIResources", "get available resources", tag, paths.API_RESOURCE_LIST
        )

    @staticmethod
    def _group_discovery_item(group: str) -> PathItem:
        tag, prefix = group_tag_and_prefix(group, None)
        return discovery_path(
            f"/apis/{group}/", f"get{prefix}APIGroup", "get information of a group", tag, paths.API_GROUP
        )

    @staticmethod
    def _root_items() -> dict[str, PathItem]:
        return {
            "api": discovery_path("/api/", "getCoreAPIVersions", "get available API versions", "core", paths.API_VERSIONS),
            "apis": discovery_path("/apis/", "getAPIVersions", "get available API versions", "apis", paths.API_GROUP_LIST),
            "version": discovery_path("/version/", "getCodeVersion", "get the version information for this server",
                                      "version", paths.VERSION_INFO),
        }  # fmt: skip

    # ------------------------------------------------------------------ v2

    def _build_v2(self) -> dict[str, Any]:
        gvs = self._group_versions()
        items = self._resource_items()
        roots = self._root_items()
        items.append(roots["version"])
        if "" in gvs:
            items.append(roots["api"])
        if any(g for g in gvs):
            items.append(roots["apis"])
        for g, versions in gvs.items():
            if g:
                items.append(self._group_discovery_item(g))
            items.extend(self._gv_discovery_item(g, v) for v in versions)
        return {
            "swagger": "2.0",
            "info": {"title": "Kubernetes", "version": self._version},
            "paths": paths.render(items, "v2"),
            "definitions": self._components(paths.referenced(items), "v2"),
            "securityDefinitions": {"BearerToken": dict(_SECURITY_DEFINITION)},
            "security": [{"BearerToken": []}],
        }

    def v2(self) -> bytes:
        """The swagger 2.0 document as JSON bytes (built once)."""
        with self._lock:
            if self._v2_json is None:
                # "swagger" leads, as upstream serves it (clients sniff the first bytes);
                # below the top level the keys are sorted for a stable hash.
                doc = self._build_v2()
                self._v2_json = b"{" + b",".join(orjson.dumps(k) + b":" + _dumps(v) for k, v in doc.items()) + b"}"
            return self._v2_json

    def v2_protobuf(self) -> bytes:
        """The same document as gnostic openapi_v2.Document protobuf (what client-go asks for)."""
        with self._lock:
            if self._v2_pb is None:
                self._v2_pb = gnostic.document(orjson.loads(self.v2()))
            return self._v2_pb

    def v2_etag(self) -> str:
        """Unquoted ETag for /openapi/v2; upstream uses the JSON's hash for both encodings."""
        return _hash(self.v2())

    # ------------------------------------------------------------------ v3

    def v3_paths(self) -> list[str]:
        """Document paths listed in the /openapi/v3 index (no leading slash)."""
        gvs = self._group_versions()
        out = ["version"]
        if "" in gvs:
            out += ["api", *(f"api/{v}" for v in gvs[""])]
        groups = sorted(g for g in gvs if g)
        if groups:
            out.append("apis")
        for g in groups:
            out += [f"apis/{g}", *(f"apis/{g}/{v}" for v in gvs[g])]
        return sorted(out)

    def _build_v3(self, path: str) -> dict[str, Any] | None:
        gvs = self._group_versions()
        parts = path.strip("/").split("/")
        roots = self._root_items()
        items: list[PathItem]
        if path in ("api", "apis", "version") and path in self.v3_paths():
            items = [roots[path]]
        elif len(parts) == 2 and parts[0] == "api" and parts[1] in gvs.get("", []):
            items = [*self._resource_items("", parts[1]), self._gv_discovery_item("", parts[1])]
        elif len(parts) == 2 and parts[0] == "apis" and parts[1] in gvs and parts[1]:
            items = [self._group_discovery_item(parts[1])]
        elif len(parts) == 3 and parts[0] == "apis" and parts[1] and parts[2] in gvs.get(parts[1], []):
            items = [*self._resource_items(parts[1], parts[2]), self._gv_discovery_item(parts[1], parts[2])]
        else:
            return None
        roots_refs = paths.referenced(items)
        components: Schema = {"schemas": self._components(roots_refs, "v3")}
        components["securitySchemes"] = {"BearerToken": dict(_SECURITY_DEFINITION)}
        return {
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": self._version},
            "paths": paths.render(items, "v3"),
            "components": components,
            "security": [{"BearerToken": []}],
        }

    def v3_document(self, path: str) -> bytes | None:
        """JSON bytes of the v3 document at /openapi/v3/<path> (e.g. "apis/apps/v1"), or None."""
        path = path.strip("/")
        with self._lock:
            if path not in self._v3:
                doc = self._build_v3(path)
                if doc is None:
                    return None
                data = _dumps(doc)
                self._v3[path] = data
                self._v3_hashes[path] = _hash(data)
            return self._v3[path]

    def v3_hash(self, path: str) -> str:
        """Hash of a v3 document (its `?hash=` value and unquoted ETag); "" if there is none."""
        path = path.strip("/")
        if self.v3_document(path) is None:
            return ""
        return self._v3_hashes[path]

    def v3_index(self) -> dict[str, Any]:
        """The /openapi/v3 discovery document (builds every v3 document to hash it)."""
        return {
            "paths": {
                p: {"serverRelativeURL": f"/openapi/v3/{p}?hash={self.v3_hash(p)}"} for p in self.v3_paths()
            }
        }
