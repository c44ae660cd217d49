"""The server's own PKI (DESIGN.md §6): a CA, a serving certificate, admin client
credentials and an admin bearer token, created in the data dir on first start and
reused afterwards, plus the admin kubeconfig written from them.

Keys are EC P-256: generating one takes well under a millisecond (RSA 2048 takes
tens), and kubectl (Go crypto/tls) and the Python client (urllib3/OpenSSL) accept it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import ipaddress
import logging
import os
import secrets
import socket
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias
from urllib.parse import urlsplit

import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

log = logging.getLogger("kubelite.pki")

CA_COMMON_NAME = "kubelite-ca"
SERVING_COMMON_NAME = "kube-apiserver"
ADMIN_USER = "kubernetes-admin"
ADMIN_GROUP = "system:masters"

# The in-cluster names upstream puts on the apiserver's serving certificate.
CLUSTER_DNS_NAMES = (
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
)
WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::"})

CA_VALIDITY = datetime.timedelta(days=3650)
LEAF_VALIDITY = datetime.timedelta(days=365)
# Leaf certificates closer than this to expiry are re-issued at start.
RENEW_BEFORE = datetime.timedelta(days=30)
# Backdating tolerates small clock differences between this host and its clients.
BACKDATE = datetime.timedelta(minutes=5)

_Name: TypeAlias = x509.DNSName | x509.IPAddress


@dataclass(frozen=True)
class PKI:
    """Paths of the PKI files in the data dir, and the admin bearer token."""

    data_dir: Path
    ca_cert: Path
    ca_key: Path
    serving_cert: Path
    serving_key: Path
    admin_cert: Path
    admin_key: Path
    admin_token_file: Path
    admin_token: str

    @classmethod
    def at(cls, data_dir: Path, admin_token: str = "") -> PKI:
        return cls(
            data_dir=data_dir,
            ca_cert=data_dir / "ca.crt",
            ca_key=data_dir / "ca.key",
            serving_cert=data_dir / "apiserver.crt",
            serving_key=data_dir / "apiserver.key",
            admin_cert=data_dir / "admin.crt",
            admin_key=data_dir / "admin.key",
            admin_token_file=data_dir / "admin.token",
            admin_token=admin_token,
        )


def ensure_pki(data_dir: Path, bind_address: str) -> PKI:
    """Create the PKI files that are missing or unusable, reuse the rest.

    The serving certificate is re-issued when its SANs do not cover the bind address
    (or the other required names), when it is not signed by the current CA, or when
    it is about to expire; the admin certificate likewise (but for SANs).
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    paths = PKI.at(data_dir)
    now = _now()

    ca = _load_pair(paths.ca_cert, paths.ca_key)
    if ca is None or not _is_ca(ca[0]) or ca[0].not_valid_after_utc <= now:
        ca = _new_ca(now)
        _write_pair(paths.ca_cert, paths.ca_key, ca)
        log.info("created CA %s", paths.ca_cert)
    ca_cert, ca_key = ca

    required = required_sans(bind_address)
    serving = _load_pair(paths.serving_cert, paths.serving_key)
    if serving is None or not _leaf_ok(serving[0], ca_cert, now) or not _covers(serving[0], required):
        serving = _issue(
            ca,
            now,
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVING_COMMON_NAME)]),
            ExtendedKeyUsageOID.SERVER_AUTH,
            sans=required,
        )
        _write_pair(paths.serving_cert, paths.serving_key, serving)
        log.info(
            "created serving certificate %s for %s", paths.serving_cert, ", ".join(_san_strings(required))
        )

    admin = _load_pair(paths.admin_cert, paths.admin_key)
    if admin is None or not _leaf_ok(admin[0], ca_cert, now):
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, ADMIN_GROUP),
                x509.NameAttribute(NameOID.COMMON_NAME, ADMIN_USER),
            ]
        )
        admin = _issue(ca, now, subject, ExtendedKeyUsageOID.CLIENT_AUTH)
        _write_pair(paths.admin_cert, paths.admin_key, admin)
        log.info("created admin client certificate %s", paths.admin_cert)

    token = _read_text(paths.admin_token_file).strip()
    if not token:
        # URL-safe base64 has no comma, quote or whitespace, so it also fits a token CSV.
        token = secrets.token_urlsafe(32)
        _atomic_write(paths.admin_token_file, (token + "\n").encode(), 0o600)
    return PKI.at(data_dir, admin_token=token)


def required_sans(bind_address: str) -> list[_Name]:
    """The SANs the serving certificate must carry for this bind address."""
    names: list[_Name] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    host = bind_address.strip().strip("[]")
    if host in WILDCARD_ADDRESSES:
        # Clients cannot dial the wildcard address; they come by the machine's name.
        hostname = socket.gethostname()
        if hostname and _is_dns_name(hostname):
            names.append(x509.DNSName(hostname.lower()))
    elif host:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            if not _is_dns_name(host):
                raise ValueError(
                    f"bind address {bind_address!r} is neither an IP address nor a DNS name"
                ) from None
            names.append(x509.DNSName(host.lower()))
    names.extend(x509.DNSName(n) for n in CLUSTER_DNS_NAMES)
    return _dedupe(names)


def server_url_for(bind_address: str, port: int) -> str:
    """The https URL a local client should use for a server bound to `bind_address`."""
    host = bind_address.strip().strip("[]")
    if host == "0.0.0.0":
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"


def write_kubeconfig(data_dir: Path, server_url: str, pki: PKI) -> Path:
    """Write `DIR/kubeconfig` for the admin user (client certificate, not the token:
    kubectl would send the token too, and then it, not the certificate, would
    identify the user) and return its path."""
    url = _normalize_server_url(server_url)
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [
            {
                "name": "kubelite",
                "cluster": {"certificate-authority-data": _b64(pki.ca_cert), "server": url},
            }
        ],
        "users": [
            {
                "name": "admin",
                "user": {
                    "client-certificate-data": _b64(pki.admin_cert),
                    "client-key-data": _b64(pki.admin_key),
                },
            }
        ],
        "contexts": [{"name": "kubelite", "context": {"cluster": "kubelite", "user": "admin"}}],
        "current-context": "kubelite",
    }
    path = Path(data_dir) / "kubeconfig"
    # It embeds the admin key, hence 0600.
    _atomic_write(path, yaml.safe_dump(config, sort_keys=False).encode(), 0o600)
    return path


# --- certificates -------------------------------------------------------------------

_Pair: TypeAlias = tuple[x509.Certificate, ec.EllipticCurvePrivateKey]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _new_ca(now: datetime.datetime) -> _Pair:
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME)])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _issue(
    ca: _Pair,
    now: datetime.datetime,
    subject: x509.Name,
    usage: x509.ObjectIdentifier,
    sans: list[_Name] | None = None,
) -> _Pair:
    ca_cert, ca_key = ca
    key = _new_key()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(min(now + LEAF_VALIDITY, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    # ECDSA keys sign (TLS handshakes, certificates); key encipherment is an RSA-only usage.
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _leaf_ok(cert: x509.Certificate, ca_cert: x509.Certificate, now: datetime.datetime) -> bool:
    """Signed by this CA and not about to expire."""
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return cert.not_valid_after_utc - now > RENEW_BEFORE


def _cert_sans(cert: x509.Certificate) -> list[_Name]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [n for n in ext if isinstance(n, x509.DNSName | x509.IPAddress)]


def _covers(cert: x509.Certificate, required: Iterable[_Name]) -> bool:
    have = {_san_key(n) for n in _cert_sans(cert)}
    return all(_san_key(n) in have for n in required)


def _san_key(name: _Name) -> tuple[str, str]:
    if isinstance(name, x509.IPAddress):
        return "ip", str(name.value)
    return "dns", name.value.lower()


def _san_strings(names: Iterable[_Name]) -> list[str]:
    return [k[1] for k in map(_san_key, names)]


def _dedupe(names: list[_Name]) -> list[_Name]:
    seen: set[tuple[str, str]] = set()
    out: list[_Name] = []
    for n in names:
        k = _san_key(n)
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


def _is_dns_name(host: str) -> bool:
    if not host or len(host) > 253 or not host.isascii():
        return False
    labels = host.rstrip(".").split(".")
    return all(0 < len(label) <= 63 and all(c.isalnum() or c in "-_" for c in label) for label in labels)


# --- files ---------------------------------------------------------------------------


def _load_pair(cert_path: Path, key_path: Path) -> _Pair | None:
    """The certificate and its EC key, or None when missing, unreadable or mismatched."""
    cert_pem, key_pem = _read_bytes(cert_path), _read_bytes(key_path)
    if not cert_pem or not key_pem:
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError):
        log.warning("ignoring unreadable %s / %s", cert_path, key_path)
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != cert.public_key():
        log.warning("ignoring %s: key does not match %s", key_path, cert_path)
        return None
    return cert, key


def _write_pair(cert_path: Path, key_path: Path, pair: _Pair) -> None:
    cert, key = pair
    # The key first: a crash in between leaves a cert/key mismatch that the next start
    # detects and repairs, never a new certificate paired with a stale key.
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _atomic_write(key_path, key_pem, 0o600)
    _atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _atomic_write(path: Path, data: bytes, mode: int) -> None:
    """Write to a temp file in the same directory, then rename over `path`, so readers
    never see a partial file; mkstemp creates the file 0600, so secrets are never
    briefly world-readable."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return b""


def _read_text(path: Path) -> str:
    return _read_bytes(path).decode("utf-8", "replace")


def _b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _normalize_server_url(server_url: str) -> str:
    """https://HOST:PORT with a dialable host (the wildcard addresses become loopback)
    and IPv6 literals bracketed."""
    raw = server_url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    netloc = parts.netloc
    # An unbracketed IPv6 literal with a port ("::1:6443") is ambiguous to urlsplit:
    # take the text after the last colon as the port.
    if netloc.count(":") > 1 and not netloc.startswith("["):
        host, _, port_text = netloc.rpartition(":")
    else:
        host = parts.hostname or ""
        port_text = str(parts.port) if parts.port is not None else ""
    if not host:
        raise ValueError(f"server URL {server_url!r} has no host")
    port = int(port_text) if port_text else 443
    return server_url_for(host, port)
