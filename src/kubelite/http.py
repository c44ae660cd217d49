"""The HTTP request and response types of the handler chain, and the ASGI adapter.

Handlers are `async (Request) -> Response`; filters wrap handlers. Keeping our own
small types (instead of a web framework's) lets the chain mirror upstream's
`http.Handler` composition and keeps the hot path short.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from kubelite.machinery.errors import StatusError, request_entity_too_large

MAX_BODY_BYTES = 3 * 1024 * 1024  # upstream's default request body limit


@dataclass
class RequestInfo:
    """What upstream's RequestInfoFactory parses from the path (k8s.io/apiserver/pkg/endpoints/request)."""

    is_resource_request: bool
    path: str
    verb: str  # get list watch create update patch delete deletecollection, or the lowercased method
    api_prefix: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names; repeated headers joined with ","
    receive: Callable[[], Awaitable[dict[str, Any]]]
    peer_cert_der: bytes | None = None
    info: RequestInfo | None = None
    user: Any = None  # auth.authn.UserInfo once authenticated
    deadline: float | None = None  # loop time by which a non-watch request must finish
    warnings: list[str] = field(default_factory=list)
    _body: bytes | None = None

    def param(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def has_param(self, name: str) -> bool:
        return name in self.query

    async def body(self) -> bytes:
        if self._body is None:
            declared = self.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                raise request_entity_too_large("the request body is too large")
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await self.receive()
                chunk = message.get("body", b"")
                if chunk:
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise request_entity_too_large("the request body is too large")
                    chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            self._body = b"".join(chunks)
        return self._body


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    stream: AsyncIterator[bytes] | None = None  # a streamed body (watch); body is ignored


Handler = Callable[[Request], Awaitable[Response]]


def status_response(err: StatusError) -> Response:
    import orjson

    headers: list[tuple[str, str]] = []
    if err.retry_after is not None:
        headers.append(("Retry-After", str(err.retry_after)))
    return Response(err.code, orjson.dumps(err.status), headers=headers)


def make_asgi_app(handler: Handler) -> Callable[..., Awaitable[None]]:
    """Adapt a handler to ASGI 3; the lifespan protocol is acknowledged and ignored."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        headers: dict[str, str] = {}
        for k, v in scope["headers"]:
            name = k.decode("latin-1")
            value = v.decode("latin-1")
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        qs = scope.get("query_string", b"").decode("latin-1")
        tls = scope.get("extensions", {}).get("tls", {})
        raw_path = scope.get("raw_path")
        path = unquote(raw_path.decode("latin-1").split("?", 1)[0]) if raw_path else scope["path"]
        request = Request(
            method=scope["method"],
            path=path,
            query=parse_qs(qs, keep_blank_values=True) if qs else {},
            headers=headers,
            receive=receive,
            peer_cert_der=tls.get("peer_cert_der"),
        )
        response = await handler(request)
        out_headers = [(b"content-type", response.content_type.encode())]
        out_headers += [(k.lower().encode(), v.encode()) for k, v in response.headers]
        for w in request.warnings:
            quoted = w.replace("\\", "\\\\").replace('"', '\\"')
            out_headers.append((b"warning", f'299 - "{quoted}"'.encode()))
        if response.stream is None:
            out_headers.append((b"content-length", str(len(response.body)).encode()))
            await send({"type": "http.response.start", "status": response.status, "headers": out_headers})
            await send({"type": "http.response.body", "body": response.body})
            return
        await send({"type": "http.response.start", "status": response.status, "headers": out_headers})
        try:
            async for chunk in response.stream:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            aclose = getattr(response.stream, "aclose", None)
            if aclose is not None:
                await aclose()
        await send({"type": "http.response.body", "body": b""})

    return app
