"""Kubeconfig loading (-> TLS context + base URL) and a small asynchronous HTTP/1.1 client.

The client is raw asyncio + httptools over ssl: one keep-alive connection per
simulated client, one request in flight per connection, responses parsed by
httptools' C parser in protocol callbacks (no coroutine per chunk). Streaming
responses (watch) hand each body chunk to a callback. bench/scenarios/client.py
measures it against aiohttp on the same request pattern.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httptools
import yaml


@dataclass
class Endpoint:
    """Where and how to connect: host, port, TLS context and the Host header."""

    name: str
    url: str
    ssl: ssl.SSLContext | None
    host: str = ""
    port: int = 0
    server_hostname: str | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        if self.ssl is None and parts.scheme == "https":
            raise ValueError(f"{self.url}: https needs a TLS context")
        if self.ssl is not None and self.server_hostname is None:
            self.server_hostname = self.host


def _material(entry: dict, key: str, base: Path, tmp: Path) -> str | None:
    """A file path for `key-data` (written to tmp) or `key` (relative to the kubeconfig)."""
    data = entry.get(f"{key}-data")
    if data:
        path = tmp / f"{key}.pem"
        path.write_bytes(base64.b64decode(data))
        return str(path)
    value = entry.get(key)
    if value:
        return str((base / value).resolve())
    return None


def load_kubeconfig(name: str, path: str | Path) -> tuple[Endpoint, str | None]:
    """The current context's server as an Endpoint, and its bearer token if any."""
    path = Path(path).expanduser()
    config = yaml.safe_load(path.read_text())
    ctx_name = config.get("current-context")
    contexts = {c["name"]: c["context"] for c in config.get("contexts") or []}
    context = contexts.get(ctx_name) or next(iter(contexts.values()))
    cluster = {c["name"]: c["cluster"] for c in config["clusters"]}[context["cluster"]]
    user = {u["name"]: u.get("user") or {} for u in config.get("users") or []}.get(context.get("user"), {})
    url = cluster["server"].rstrip("/")
    ctx: ssl.SSLContext | None = None
    if url.startswith("https"):
        with tempfile.TemporaryDirectory() as td:
            tmp = Path(td)
            ca = _material(cluster, "certificate-authority", path.parent, tmp)
            ctx = ssl.create_default_context(cafile=ca)
            if cluster.get("insecure-skip-tls-verify"):
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            cert = _material(user, "client-certificate", path.parent, tmp)
            key = _material(user, "client-key", path.parent, tmp)
            if cert:
                ctx.load_cert_chain(cert, key)
    token = user.get("token")
    if not token and user.get("tokenFile"):
        token = Path(user["tokenFile"]).read_text().strip()
    endpoint = Endpoint(name, url, ctx, server_hostname=cluster.get("tls-server-name"))
    return endpoint, token


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[bytes, bytes] = field(default_factory=dict)


class _Proto(asyncio.Protocol):
    """One connection: httptools parses; a future per request, or a chunk callback."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Reply] | None = None
        self.on_chunk: Callable[[bytes], None] | None = None
        self.on_start: Callable[[int], None] | None = None
        self.on_end: Callable[[], None] | None = None
        self.chunks: list[bytes] = []
        self.headers: dict[bytes, bytes] = {}
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionError(f"bad response: {exc}"))
            if self.transport is not None:
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionError("connection closed"))
        if self.on_end is not None:
            self.on_end()
            self.on_end = None
        if not self.closed.done():
            self.closed.set_result(None)

    def _fail(self, exc: BaseException) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_headers_complete(self) -> None:
        if self.on_start is not None:
            self.on_start(self.parser.get_status_code())

    def on_body(self, body: bytes) -> None:
        if self.on_chunk is not None:
            self.on_chunk(body)
        else:
            self.chunks.append(body)

    def on_message_complete(self) -> None:
        reply = Reply(self.parser.get_status_code(), b"".join(self.chunks), self.headers)
        self.chunks = []
        self.headers = {}
        if self.on_end is not None:
            self.on_end()
            self.on_end = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(reply)


class Connection:
    """A keep-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, endpoint: Endpoint, token: str | None = None) -> None:
        self.endpoint = endpoint
        self._proto: _Proto | None = None
        host = endpoint.host if ":" not in endpoint.host else f"[{endpoint.host}]"
        fixed = f"Host: {host}:{endpoint.port}\r\nUser-Agent: kubelite-bench\r\n"
        if token:
            fixed += f"Authorization: Bearer {token}\r\n"
        self._fixed = fixed.encode()

    async def connect(self) -> Connection:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(
            _Proto, self.endpoint.host, self.endpoint.port,
            ssl=self.endpoint.ssl, server_hostname=self.endpoint.server_hostname if self.endpoint.ssl else None,
        )
        self._proto = proto
        return self

    def _head(self, method: str, path: str, body: bytes, headers: dict[str, str] | None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1\r\n".encode(), self._fixed]
        if headers:
            lines.append("".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode())
        lines.append(f"Content-Length: {len(body)}\r\n\r\n".encode())
        return b"".join(lines)

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
        if self._proto is None or self._proto.transport is None or self._proto.transport.is_closing():
            await self.connect()
        proto = self._proto
        assert proto is not None and proto.transport is not None
        waiter: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        proto.waiter = waiter
        proto.transport.write(self._head(method, path, body, headers) + body)
        return await waiter

    async def stream(
        self, path: str, on_chunk: Callable[[bytes], None], on_start: Callable[[int], None] | None = None,
        on_end: Callable[[], None] | None = None, headers: dict[str, str] | None = None,
    ) -> None:
        """Send a GET whose body is handed to on_chunk as it arrives; returns once sent."""
        if self._proto is None:
            await self.connect()
        proto = self._proto
        assert proto is not None and proto.transport is not None
        proto.on_chunk, proto.on_start, proto.on_end = on_chunk, on_start, on_end
        proto.transport.write(self._head("GET", path, b"", headers))

    def close(self) -> None:
        if self._proto is not None and self._proto.transport is not None:
            self._proto.transport.close()

    async def wait_closed(self) -> None:
        if self._proto is not None:
            await self._proto.closed


@dataclass
class Target:
    """A server under test: its endpoint, credentials and, if we started it, its pid."""

    name: str
    endpoint: Endpoint
    token: str | None = None
    pid: int | None = None
    kind: str = "kubernetes"  # or "ceiling"

    def connection(self) -> Connection:
        return Connection(self.endpoint, self.token)

    async def connections(self, n: int) -> list[Connection]:
        conns = [self.connection() for _ in range(n)]
        for i in range(0, n, 64):
            await asyncio.gather(*(c.connect() for c in conns[i:i + 64]))
        return conns
