"""The server's PKI: certificates, restart behaviour, the kubeconfig, and a TLS round
trip with the kubeconfig's credentials (Python ssl, the kubernetes client, kubectl)."""

from __future__ import annotations

import asyncio
import base64
import datetime
import http.server
import ipaddress
import json
import shutil
import socket
import ssl
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import PolicyBuilder, ServerVerifier, Store, VerificationError

from kubelite.auth import pki as pki_mod
from kubelite.auth.authn import Authenticator
from kubelite.auth.pki import PKI, ensure_pki, server_url_for, write_kubeconfig

KEY_FILES = ("ca.key", "apiserver.key", "admin.key", "admin.token")
ALL_FILES = ("ca.crt", "apiserver.crt", "admin.crt", *KEY_FILES)


def load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def sans(cert: x509.Certificate) -> set[str]:
    ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(n.value) for n in ext}


def eku(cert: x509.Certificate) -> list[x509.ObjectIdentifier]:
    return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


def server_verifier(p: PKI, name: x509.DNSName | x509.IPAddress) -> ServerVerifier:
    # cryptography's verifier checks the chain, validity, the serverAuth EKU and the SAN.
    return PolicyBuilder().store(Store([load_cert(p.ca_cert)])).build_server_verifier(name)


def ip(text: str) -> x509.IPAddress:
    return x509.IPAddress(ipaddress.ip_address(text))


def snapshot(d: Path) -> dict[str, bytes]:
    return {name: (d / name).read_bytes() for name in ALL_FILES}


# --- certificates -------------------------------------------------------------------


def test_first_start_creates_everything(tmp_path: Path) -> None:
    started = time.perf_counter()
    p = ensure_pki(tmp_path / "data", "127.0.0.1")
    elapsed = time.perf_counter() - started
    # The target is < 100 ms; the bound here is loose so that slow CI does not flake.
    assert elapsed < 2.0
    for name in ALL_FILES:
        assert (p.data_dir / name).is_file(), name
    for name in KEY_FILES:
        assert stat.S_IMODE((p.data_dir / name).stat().st_mode) == 0o600, name
    assert p.ca_cert == p.data_dir / "ca.crt" and p.serving_key == p.data_dir / "apiserver.key"
    assert p.admin_token and p.admin_token == (p.data_dir / "admin.token").read_text().strip()
    assert len(p.admin_token) >= 32
    for key in (p.ca_key, p.serving_key, p.admin_key):
        loaded = serialization.load_pem_private_key(key.read_bytes(), password=None)
        assert isinstance(loaded, ec.EllipticCurvePrivateKey) and loaded.curve.name == "secp256r1"


def test_ca(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path, "127.0.0.1")
    ca = load_cert(p.ca_cert)
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "kubelite-ca"
    assert ca.issuer == ca.subject
    bc = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca
    ku = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.key_cert_sign and ku.crl_sign
    ca.verify_directly_issued_by(ca)


def test_serving_cert_sans_and_usage(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path, "127.0.0.1")
    cert = load_cert(p.serving_cert)
    cert.verify_directly_issued_by(load_cert(p.ca_cert))
    assert sans(cert) == {
        "localhost",
        "127.0.0.1",
        "::1",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
    }
    assert eku(cert) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for name in (
        ip("127.0.0.1"),
        ip("::1"),
        x509.DNSName("localhost"),
        x509.DNSName("kubernetes.default.svc"),
    ):
        server_verifier(p, name).verify(cert, [])
    with pytest.raises(VerificationError):
        server_verifier(p, ip("10.9.8.7")).verify(cert, [])


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("10.1.2.3", ip("10.1.2.3")),
        ("fd00::5", ip("fd00::5")),
        ("[fd00::6]", ip("fd00::6")),
        ("api.example.test", x509.DNSName("api.example.test")),
    ],
)
def test_serving_cert_covers_bind_address(
    tmp_path: Path, bind: str, expected: x509.DNSName | x509.IPAddress
) -> None:
    p = ensure_pki(tmp_path, bind)
    server_verifier(p, expected).verify(load_cert(p.serving_cert), [])


@pytest.mark.parametrize("bind", ["0.0.0.0", "::"])
def test_wildcard_bind_adds_hostname(tmp_path: Path, bind: str) -> None:
    p = ensure_pki(tmp_path, bind)
    names = sans(load_cert(p.serving_cert))
    assert socket.gethostname().lower() in names
    assert "0.0.0.0" not in names and "::" not in names
    assert {"127.0.0.1", "::1", "localhost"} <= names


def test_invalid_bind_address(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bind address"):
        ensure_pki(tmp_path, "not a host!")


def test_admin_client_cert(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path, "127.0.0.1")
    cert = load_cert(p.admin_cert)
    cert.verify_directly_issued_by(load_cert(p.ca_cert))
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "kubernetes-admin"
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == [
        "system:masters"
    ]
    assert eku(cert) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    # Not usable as a server certificate.
    with pytest.raises(VerificationError):
        server_verifier(p, x509.DNSName("localhost")).verify(cert, [])


# --- restarts -----------------------------------------------------------------------


def test_restart_reuses_files(tmp_path: Path) -> None:
    first = ensure_pki(tmp_path, "127.0.0.1")
    before = snapshot(tmp_path)
    second = ensure_pki(tmp_path, "127.0.0.1")
    assert snapshot(tmp_path) == before
    assert second == first


def test_restart_with_new_bind_address_reissues_only_serving_cert(tmp_path: Path) -> None:
    ensure_pki(tmp_path, "127.0.0.1")
    before = snapshot(tmp_path)
    p = ensure_pki(tmp_path, "10.20.30.40")
    after = snapshot(tmp_path)
    changed = {name for name in ALL_FILES if before[name] != after[name]}
    assert changed == {"apiserver.crt", "apiserver.key"}
    server_verifier(p, ip("10.20.30.40")).verify(load_cert(p.serving_cert), [])
    # Covered already (localhost is always there): nothing changes.
    ensure_pki(tmp_path, "localhost")
    assert snapshot(tmp_path) == after


def test_new_ca_reissues_leaves(tmp_path: Path) -> None:
    ensure_pki(tmp_path, "127.0.0.1")
    (tmp_path / "ca.key").unlink()
    token = (tmp_path / "admin.token").read_text()
    p = ensure_pki(tmp_path, "127.0.0.1")
    ca = load_cert(p.ca_cert)
    load_cert(p.serving_cert).verify_directly_issued_by(ca)
    load_cert(p.admin_cert).verify_directly_issued_by(ca)
    assert (tmp_path / "admin.token").read_text() == token


def test_mismatched_key_is_repaired(tmp_path: Path) -> None:
    ensure_pki(tmp_path, "127.0.0.1")
    shutil.copy(tmp_path / "admin.key", tmp_path / "apiserver.key")
    p = ensure_pki(tmp_path, "127.0.0.1")
    key = serialization.load_pem_private_key(p.serving_key.read_bytes(), password=None)
    assert key.public_key() == load_cert(p.serving_cert).public_key()


def test_expiring_leaf_is_renewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pki_mod, "LEAF_VALIDITY", datetime.timedelta(days=10))
    ensure_pki(tmp_path, "127.0.0.1")
    monkeypatch.undo()
    before = snapshot(tmp_path)
    p = ensure_pki(tmp_path, "127.0.0.1")
    assert before["apiserver.crt"] != p.serving_cert.read_bytes()
    assert before["admin.crt"] != p.admin_cert.read_bytes()
    assert before["ca.crt"] == p.ca_cert.read_bytes()


# --- kubeconfig ---------------------------------------------------------------------


def test_kubeconfig_contents(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path, "127.0.0.1")
    path = write_kubeconfig(tmp_path, "https://127.0.0.1:6443", p)
    assert path == tmp_path / "kubeconfig"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*.tmp"))
    config = yaml.safe_load(path.read_text())
    assert config["current-context"] == "kubelite"
    assert config["contexts"] == [{"name": "kubelite", "context": {"cluster": "kubelite", "user": "admin"}}]
    (cluster,) = config["clusters"]
    assert cluster["name"] == "kubelite"
    assert cluster["cluster"]["server"] == "https://127.0.0.1:6443"
    assert base64.b64decode(cluster["cluster"]["certificate-authority-data"]) == p.ca_cert.read_bytes()
    (user,) = config["users"]
    assert user["name"] == "admin"
    assert set(user["user"]) == {"client-certificate-data", "client-key-data"}
    assert base64.b64decode(user["user"]["client-certificate-data"]) == p.admin_cert.read_bytes()
    assert base64.b64decode(user["user"]["client-key-data"]) == p.admin_key.read_bytes()
    assert p.admin_token not in path.read_text()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://0.0.0.0:6443", "https://127.0.0.1:6443"),
        ("https://[::]:6443", "https://[::1]:6443"),
        ("https://[fd00::1]:8443", "https://[fd00::1]:8443"),
        ("https://::1:7443", "https://[::1]:7443"),
        ("10.0.0.1:6443", "https://10.0.0.1:6443"),
        ("https://api.example.test:6443", "https://api.example.test:6443"),
    ],
)
def test_kubeconfig_server_url(tmp_path: Path, given: str, expected: str) -> None:
    p = ensure_pki(tmp_path, "127.0.0.1")
    config = yaml.safe_load(write_kubeconfig(tmp_path, given, p).read_text())
    assert config["clusters"][0]["cluster"]["server"] == expected


def test_server_url_for() -> None:
    assert server_url_for("0.0.0.0", 6443) == "https://127.0.0.1:6443"
    assert server_url_for("::", 1) == "https://[::1]:1"
    assert server_url_for("fd00::2", 443) == "https://[fd00::2]:443"
    assert server_url_for("example.test", 80) == "https://example.test:80"


def test_kubeconfig_loads_in_kubernetes_client(tmp_path: Path) -> None:
    kubernetes = pytest.importorskip("kubernetes")
    p = ensure_pki(tmp_path, "127.0.0.1")
    path = write_kubeconfig(tmp_path, "https://127.0.0.1:6443", p)
    cfg = kubernetes.client.Configuration()
    kubernetes.config.load_kube_config(config_file=str(path), client_configuration=cfg)
    assert cfg.host == "https://127.0.0.1:6443"
    assert Path(cfg.ssl_ca_cert).read_bytes() == p.ca_cert.read_bytes()
    assert Path(cfg.cert_file).read_bytes() == p.admin_cert.read_bytes()
    assert Path(cfg.key_file).read_bytes() == p.admin_key.read_bytes()
    assert not cfg.api_key


# --- the pieces together ------------------------------------------------------------


def kubeconfig_credentials(path: Path, out: Path) -> tuple[bytes, Path, Path]:
    """CA PEM, client cert file and key file from a kubeconfig (ssl wants files)."""
    config = yaml.safe_load(path.read_text())
    user = config["users"][0]["user"]
    cert, key = out / "client.crt", out / "client.key"
    cert.write_bytes(base64.b64decode(user["client-certificate-data"]))
    key.write_bytes(base64.b64decode(user["client-key-data"]))
    return base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"]), cert, key


def server_context(p: PKI) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(p.serving_cert, p.serving_key)
    ctx.load_verify_locations(cafile=p.ca_cert)
    ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def client_context(ca_pem: bytes, cert: Path | None, key: Path | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cadata=ca_pem.decode())
    if cert is not None and key is not None:
        ctx.load_cert_chain(cert, key)
    return ctx


def foreign_client_cert(
    out: Path, usage: x509.ObjectIdentifier, signer: tuple[Path, Path] | None = None
) -> tuple[Path, Path]:
    """A client certificate signed by `signer` (cert, key files) or self-signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mallory")])
    if signer is None:
        issuer_name, issuer_key = subject, key
    else:
        ca = load_cert(signer[0])
        ca_key = serialization.load_pem_private_key(signer[1].read_bytes(), password=None)
        assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
        issuer_name, issuer_key = ca.subject, ca_key
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )
    cert_path, key_path = out / "other.crt", out / "other.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


async def whoami(p: PKI, client: ssl.SSLContext, authorization: str = "") -> str:
    """Start an ssl asyncio server that answers with the authenticated user, connect to
    it as 127.0.0.1, and return the answer."""
    authenticator = Authenticator(admin_token=p.admin_token)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        header = (await reader.readline()).decode().strip()
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        user = authenticator.authenticate(der, header or None)
        answer = "anonymous" if user is None else f"{user.name} {','.join(user.groups)}"
        writer.write(answer.encode() + b"\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_context(p))
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client, server_hostname="127.0.0.1"
        )
        writer.write(authorization.encode() + b"\n")
        await writer.drain()
        answer = (await reader.readline()).decode().strip()
        writer.close()
        return answer
    finally:
        server.close()
        await server.wait_closed()


def test_tls_round_trip_with_kubeconfig_credentials(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path / "data", "127.0.0.1")
    kubeconfig = write_kubeconfig(p.data_dir, "https://127.0.0.1:0", p)
    ca_pem, cert, key = kubeconfig_credentials(kubeconfig, tmp_path)
    # With the client certificate: the admin, as CN/O say.
    answer = asyncio.run(whoami(p, client_context(ca_pem, cert, key)))
    assert answer == "kubernetes-admin system:masters,system:authenticated"
    # Without one (the certificate is optional): anonymous, unless a bearer token is sent.
    assert asyncio.run(whoami(p, client_context(ca_pem, None, None))) == "anonymous"
    answer = asyncio.run(whoami(p, client_context(ca_pem, None, None), f"Bearer {p.admin_token}"))
    assert answer == "kubernetes-admin system:masters,system:authenticated"


def rejected(p: PKI, client: ssl.SSLContext) -> bool:
    """Whether the server refused the handshake. With TLS 1.3 the client finishes its
    side before the server has checked the client certificate, so the refusal shows
    up as an error or as the connection closing without an answer."""
    try:
        return asyncio.run(whoami(p, client)) == ""
    except (ssl.SSLError, ConnectionError):
        return True


def test_tls_rejects_foreign_and_server_only_client_certs(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path / "data", "127.0.0.1")
    ca_pem = p.ca_cert.read_bytes()
    assert not rejected(p, client_context(ca_pem, p.admin_cert, p.admin_key))
    # Signed by another CA.
    cert, key = foreign_client_cert(tmp_path, ExtendedKeyUsageOID.CLIENT_AUTH)
    assert rejected(p, client_context(ca_pem, cert, key))
    # Signed by our CA but only for server auth: OpenSSL checks the purpose.
    cert, key = foreign_client_cert(tmp_path, ExtendedKeyUsageOID.SERVER_AUTH, (p.ca_cert, p.ca_key))
    assert rejected(p, client_context(ca_pem, cert, key))
    # The same certificate with the client-auth usage is accepted.
    cert, key = foreign_client_cert(tmp_path, ExtendedKeyUsageOID.CLIENT_AUTH, (p.ca_cert, p.ca_key))
    assert asyncio.run(whoami(p, client_context(ca_pem, cert, key))) == "mallory system:authenticated"


def test_client_rejects_server_for_other_name(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path / "data", "127.0.0.1")

    async def connect() -> None:
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0, ssl=server_context(p))
        port = server.sockets[0].getsockname()[1]
        try:
            await asyncio.open_connection(
                "127.0.0.1",
                port,
                ssl=client_context(p.ca_cert.read_bytes(), None, None),
                server_hostname="10.1.1.1",
            )
        finally:
            server.close()

    with pytest.raises(ssl.SSLCertVerificationError):
        asyncio.run(connect())


@contextmanager
def version_server(p: PKI) -> Iterator[int]:
    """A threaded HTTPS server answering GET /version, to the admin certificate only."""
    authenticator = Authenticator()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            conn = self.connection
            assert isinstance(conn, ssl.SSLSocket)
            user = authenticator.authenticate(conn.getpeercert(binary_form=True), None)
            ok = (
                user is not None
                and user.name == "kubernetes-admin"
                and self.path.split("?")[0].rstrip("/") == "/version"
            )
            body = json.dumps(
                {
                    "major": "1",
                    "minor": "30",
                    "gitVersion": "v1.30.0",
                    "gitCommit": "",
                    "gitTreeState": "clean",
                    "buildDate": "",
                    "goVersion": "",
                    "compiler": "gc",
                    "platform": "linux/amd64",
                }
                if ok
                else {"kind": "Status", "code": 401}
            ).encode()
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context(p).wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_kubernetes_client_connects_with_kubeconfig(tmp_path: Path) -> None:
    kubernetes = pytest.importorskip("kubernetes")
    p = ensure_pki(tmp_path, "127.0.0.1")
    with version_server(p) as port:
        path = write_kubeconfig(tmp_path, f"https://127.0.0.1:{port}", p)
        api = kubernetes.config.new_client_from_config(config_file=str(path))
        try:
            info = kubernetes.client.VersionApi(api).get_code(_request_timeout=10)
        finally:
            api.close()
    assert info.git_version == "v1.30.0"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_kubectl_connects_with_kubeconfig(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path, "127.0.0.1")
    with version_server(p) as port:
        path = write_kubeconfig(tmp_path, f"https://127.0.0.1:{port}", p)
        result = subprocess.run(
            ["kubectl", "--kubeconfig", str(path), "version", "-o", "json", "--request-timeout=10s"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["serverVersion"]["gitVersion"] == "v1.30.0"
