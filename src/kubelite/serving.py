"""HTTPS serving on uvicorn: TLS with optional client certificates (the verified peer
certificate is handed to the chain through the ASGI `tls` extension), and a
graceful shutdown that also ends open watches."""

from __future__ import annotations

import asyncio
import gc
import socket
import ssl
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class TLSHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that puts the client certificate into the request scope."""

    _peer_cert_der: bytes | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        self._peer_cert_der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {"tls": {"peer_cert_der": self._peer_cert_der}}


class Server(uvicorn.Server):
    """uvicorn's server, with a hook run first on shutdown (to end watches)."""

    def __init__(self, config: uvicorn.Config, on_shutdown: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_shutdown = on_shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._on_shutdown()
        await super().shutdown(sockets)
        # uvicorn re-raises the captured SIGTERM/SIGINT after shutdown; a graceful stop
        # must exit 0 (DESIGN.md §6), so forget them.
        self._captured_signals.clear()


def tune_gc() -> None:
    """Fewer cyclic garbage collections. API objects are trees (reference counting frees
    them), but every request allocates thousands of dicts, and with the default
    threshold (700) the collector ran every few requests and took a fifth of a create.
    What exists at start (modules, schemas, the loaded cache) is frozen out of its reach."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def bind(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def make_server(
    app: Any, cert: str, key: str, ca: str, on_shutdown: Callable[[], None], log_level: str
) -> Server:
    config = uvicorn.Config(
        app,
        http=TLSHttpToolsProtocol,
        loop="none",
        lifespan="off",
        ssl_certfile=cert,
        ssl_keyfile=key,
        ssl_ca_certs=ca,
        ssl_cert_reqs=ssl.CERT_OPTIONAL,
        log_level=log_level,
        access_log=False,
        timeout_keep_alive=120,
        timeout_graceful_shutdown=3,
        server_header=False,
        date_header=True,
    )
    return Server(config, on_shutdown)
