"""The mux: maps a request (already parsed by the request-info filter) to the
non-resource, discovery, OpenAPI or resource handler that serves it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from kubelite import discovery
from kubelite.endpoints.handlers import ResourceHandlers
from kubelite.http import Request, Response
from kubelite.machinery import errors
from kubelite.machinery.errors import StatusError
from kubelite.machinery.gvk import APIResource
from kubelite.openapi import V2_PROTOBUF, OpenAPIBuilder, negotiate_openapi_v2

HealthCheck = Callable[[], Awaitable[bool]]


def _not_found_path() -> StatusError:
    return StatusError(404, "NotFound", "the server could not find the requested resource", {})


class Mux:
    def __init__(
        self,
        resources: dict[tuple[str, str, str], ResourceHandlers],
        version_info: dict[str, Any],
        openapi: OpenAPIBuilder,
        health_checks: dict[str, HealthCheck],
        server_address: str,
        preferred_versions: dict[str, str],
    ) -> None:
        self.resources = resources
        self.version_info = version_info
        self.openapi = openapi
        self.health_checks = health_checks
        self.server_address = server_address
        self.preferred = preferred_versions
        self.api_resources: list[APIResource] = [h.api for h in resources.values()]
        self.ready = False

    async def __call__(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        if info.is_resource_request:
            handlers = self.resources.get((info.api_group, info.api_version, info.resource))
            if handlers is None or (info.namespace and not handlers.api.namespaced and info.resource != "namespaces"):
                raise _not_found_path()
            return await handlers.dispatch(request)
        return await self._non_resource(request)

    async def _non_resource(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"
        method = request.method
        if method not in ("GET", "HEAD"):
            if path.startswith(("/api", "/apis")):
                raise errors.StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})
            raise _not_found_path()
        for check in ("/healthz", "/livez", "/readyz"):
            if path == check or path.startswith(check + "/"):
                return await self._health(request, check, path)
        if path == "/version":
            return _json(self.version_info)
        if path in ("/api", "/apis"):
            return self._discovery_root(request, core=path == "/api")
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2:
            if any(r.group == "" and r.version == parts[1] for r in self.api_resources):
                return _json(discovery.api_resource_list("", parts[1], self.api_resources))
            raise _not_found_path()
        if parts[0] == "apis" and len(parts) == 2:
            if any(r.group == parts[1] for r in self.api_resources):
                return _json(discovery.api_group(parts[1], self.api_resources, self.preferred))
            raise _not_found_path()
        if parts[0] == "apis" and len(parts) == 3:
            if any(r.group == parts[1] and r.version == parts[2] for r in self.api_resources):
                return _json(discovery.api_resource_list(parts[1], parts[2], self.api_resources))
            raise _not_found_path()
        if path == "/openapi/v2":
            return self._openapi_v2(request)
        if path == "/openapi/v3":
            return _json(self.openapi.v3_index())
        if path.startswith("/openapi/v3/"):
            return self._openapi_v3(request, path[len("/openapi/v3/"):])
        if path == "/":
            paths = sorted(
                {"/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version", "/openapi/v2", "/openapi/v3"}
                | {f"/apis/{r.group}" for r in self.api_resources if r.group}
                | {f"/apis/{r.group}/{r.version}" for r in self.api_resources if r.group}
            )
            return _json({"paths": paths})
        raise _not_found_path()

    def _discovery_root(self, request: Request, core: bool) -> Response:
        fmt = discovery.negotiate_discovery(request.headers.get("accept"))
        if fmt is None:
            if core:
                return _json(discovery.core_versions(self.server_address))
            return _json(discovery.api_group_list(self.api_resources, self.preferred))
        doc = discovery.aggregated_discovery(self.api_resources, self.preferred, core=core, version=fmt)
        etag = f'"{discovery.discovery_etag(doc)}"'
        headers = [("ETag", etag), ("Vary", "Accept"), ("Cache-Control", "public")]
        if request.headers.get("if-none-match") == etag:
            return Response(304, b"", discovery.discovery_content_type(fmt), headers)
        return Response(200, orjson.dumps(doc), discovery.discovery_content_type(fmt), headers)

    def _openapi_v2(self, request: Request) -> Response:
        fmt = negotiate_openapi_v2(request.headers.get("accept"))
        if fmt is None:
            raise errors.not_acceptable("only the following media types are accepted: application/json, " + V2_PROTOBUF)
        etag = f'"{self.openapi.v2_etag()}"'
        headers = [("ETag", etag), ("Vary", "Accept")]
        content_type = V2_PROTOBUF if fmt == "protobuf" else "application/json"
        if request.headers.get("if-none-match") == etag:
            return Response(304, b"", content_type, headers)
        body = self.openapi.v2_protobuf() if fmt == "protobuf" else self.openapi.v2()
        return Response(200, body, content_type, headers)

    def _openapi_v3(self, request: Request, path: str) -> Response:
        doc = self.openapi.v3_document(path)
        if doc is None:
            raise _not_found_path()
        current = self.openapi.v3_hash(path)
        asked = request.param("hash")
        if asked and asked != current:
            return Response(301, b"", "text/plain", [("Location", f"/openapi/v3/{path}?hash={current}")])
        headers = [("ETag", f'"{current}"'), ("Vary", "Accept")]
        if asked:
            headers += [("Cache-Control", "public, immutable"), ("Expires", _a_year_ahead())]
        return Response(200, doc, "application/json", headers)

    async def _health(self, request: Request, endpoint: str, path: str) -> Response:
        checks = dict(self.health_checks)
        if endpoint == "/readyz":
            async def ready() -> bool:
                return self.ready

            checks["informer-sync"] = ready
        single = path[len(endpoint) + 1:] if path != endpoint else ""
        if single:
            check = checks.get(single) if single != "ping" else None
            if single == "ping":
                return Response(200, b"ok", "text/plain; charset=utf-8")
            if check is None:
                raise _not_found_path()
            ok = await check()
            return Response(200 if ok else 500, b"ok" if ok else f"internal server error: {single} failed".encode(), "text/plain; charset=utf-8")
        excluded = set(request.query.get("exclude", []))
        lines = ["[+]ping ok"]
        failed = False
        for name, check in checks.items():
            if name in excluded:
                lines.append(f"[+]{name} excluded: ok")
                continue
            ok = await check()
            failed |= not ok
            lines.append(f"[+]{name} ok" if ok else f"[-]{name} failed: reason withheld")
        if failed:
            lines.append(f"{endpoint[1:]} check failed")
            return Response(500, ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8")
        if request.has_param("verbose"):
            lines.append(f"{endpoint[1:]} check passed")
            return Response(200, ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8")
        return Response(200, b"ok", "text/plain; charset=utf-8")


def _json(body: Any, content_type: str = "application/json") -> Response:
    return Response(200, orjson.dumps(body), content_type)


def _a_year_ahead() -> str:
    from email.utils import formatdate

    return formatdate(time.time() + 365 * 24 * 3600, usegmt=True)
