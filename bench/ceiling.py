"""The ceiling: a trivial ASGI app on uvicorn + httptools + uvloop with TLS (client
certificates optional, as kubelite), answering every request with a fixed body.

Running the same request pattern against it gives the most the HTTP layer and the load
generator reach on this machine. `?size=N` sets the body size; `?watch=1` opens a
stream that gets one line per PATCH received (a fan-out without any API machinery).

    python -m bench.ceiling --port 8443 --cert-dir DIR
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import ipaddress
import re
import ssl
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bench.client import Endpoint

_TS = re.compile(rb'"bench\.kubelite\.io/ts":"([0-9.]+)"')


def make_certs(cert_dir: Path) -> None:
    """A CA, a serving certificate for 127.0.0.1 and a client certificate (EC P-256)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)

    def issue(cn: str, key: Any, issuer: Any, issuer_key: Any, ca: bool, san: bool) -> Any:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if san:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False,
            )
        return builder.sign(issuer_key, hashes.SHA256())

    def write(name: str, cert: Any, key: Any) -> None:
        (cert_dir / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (cert_dir / f"{name}-key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench-ca")])
    ca = issue("bench-ca", ca_key, ca_name, ca_key, True, False)
    write("ca", ca, ca_key)
    for name, san in (("server", True), ("client", False)):
        key = ec.generate_private_key(ec.SECP256R1())
        write(name, issue(name, key, ca_name, ca_key, False, san), key)


def endpoint_for(cert_dir: Path, port: int) -> Endpoint:
    ctx = ssl.create_default_context(cafile=str(cert_dir / "ca.pem"))
    ctx.load_cert_chain(str(cert_dir / "client.pem"), str(cert_dir / "client-key.pem"))
    return Endpoint("ceiling", f"https://127.0.0.1:{port}", ctx)


class App:
    """ASGI 3 app: fixed bodies, and a broadcast of PATCHes to open watch streams."""

    def __init__(self) -> None:
        self.bodies: dict[int, bytes] = {}
        self.watchers: set[asyncio.Queue[bytes]] = set()
        self.rv = 0

    def body(self, size: int) -> bytes:
        body = self.bodies.get(size)
        if body is None:
            body = self.bodies[size] = b'{"p":"' + b"x" * max(0, size - 8) + b'"}'
        return body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        query = parse_qs(scope.get("query_string", b"").decode()) if scope.get("query_string") else {}
        size = int(query.get("size", ["64"])[0])
        if query.get("watch"):
            await self._watch(receive, send, size)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = self.body(size)
        if scope["method"] == "PATCH":
            self.rv += 1
            m = _TS.search(b"".join(chunks))
            ts = m.group(1) if m else b"0"
            head = b'{"metadata":{"resourceVersion":"%d","annotations":{"bench.kubelite.io/ts":"%s"}},"p":"' % (self.rv, ts)
            obj = head + b"x" * max(0, size - len(head) - 2) + b'"}'
            line = b'{"type":"MODIFIED","object":' + obj + b"}\n"
            for q in self.watchers:
                q.put_nowait(line)
            body = obj
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _watch(self, receive: Any, send: Any, size: int) -> None:
        q: asyncio.Queue[bytes] = asyncio.Queue()

        async def disconnected() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            q.put_nowait(b"")

        self.watchers.add(q)
        gone = asyncio.create_task(disconnected())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
            while line := await q.get():
                await send({"type": "http.response.body", "body": line, "more_body": True})
        finally:
            self.watchers.discard(q)
            gone.cancel()


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.ceiling")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert-dir", type=Path, required=True)
    args = parser.parse_args()
    if not (args.cert_dir / "server.pem").exists():
        make_certs(args.cert_dir)
    uvicorn.run(
        App(), host="127.0.0.1", port=args.port, loop="uvloop", http="httptools", lifespan="off",
        ssl_certfile=str(args.cert_dir / "server.pem"), ssl_keyfile=str(args.cert_dir / "server-key.pem"),
        ssl_ca_certs=str(args.cert_dir / "ca.pem"), ssl_cert_reqs=ssl.CERT_OPTIONAL,
        log_level="warning", access_log=False, timeout_keep_alive=120, server_header=False, backlog=4096,
    )


if __name__ == "__main__":
    main()
