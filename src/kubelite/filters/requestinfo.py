"""The request-info filter: parses verb, group, version, namespace, resource, name and
subresource from the path as upstream's RequestInfoFactory does."""

from __future__ import annotations

from kubelite.http import Handler, Request, RequestInfo, Response

_API_PREFIXES = {"api", "apis"}
_GROUPLESS_PREFIXES = {"api"}
_NAMESPACE_SUBRESOURCES = {"status", "finalize"}
_METHOD_VERBS = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


def parse_request_info(request: Request) -> RequestInfo:
    path = request.path
    parts = [p for p in path.strip("/").split("/") if p] if path.strip("/") else []
    non_resource = RequestInfo(is_resource_request=False, path=path, verb=request.method.lower())
    if len(parts) < 3 or parts[0] not in _API_PREFIXES:
        return non_resource
    info = RequestInfo(is_resource_request=True, path=path, verb="", api_prefix=parts[0])
    rest = parts[1:]
    if parts[0] not in _GROUPLESS_PREFIXES:
        if len(rest) < 2:
            return non_resource
        info.api_group = rest[0]
        rest = rest[1:]
    info.api_version = rest[0]
    rest = rest[1:]
    if not rest:
        return non_resource  # /api/v1 and /apis/g/v are discovery
    info.verb = _METHOD_VERBS.get(request.method, request.method.lower())
    if rest[0] == "watch":
        # the deprecated /watch/ path prefix
        info.verb = "watch"
        rest = rest[1:]
    if rest and rest[0] == "namespaces" and len(rest) > 1:
        info.namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    info.parts = rest
    if len(rest) >= 3:
        info.subresource = rest[2]
    if len(rest) >= 2:
        info.name = rest[1]
    if rest:
        info.resource = rest[0]
    if not info.name and info.verb == "get":
        info.verb = "list"
    if request.param("watch") in ("1", "true", "True") and info.verb in ("get", "list"):
        info.verb = "watch"
    if info.verb == "delete" and not info.name:
        info.verb = "deletecollection"
    return info


def with_request_info(handler: Handler) -> Handler:
    async def request_info(request: Request) -> Response:
        request.info = parse_request_info(request)
        return await handler(request)

    return request_info
