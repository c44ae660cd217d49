"""Request authentication, as upstream's authenticators: x509 client certificates
(CN is the user, O the groups), static bearer tokens from a `--token-auth-file`
CSV, and the admin token from the PKI. Every authenticated user also gets the
group `system:authenticated`, as upstream's AuthenticatedGroupAdder adds it.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import hmac
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

log = logging.getLogger("kubelite.authn")

ALL_AUTHENTICATED = "system:authenticated"
ANONYMOUS_USER = "system:anonymous"
UNAUTHENTICATED = "system:unauthenticated"
# Upstream's user.CredentialIDKey: identifies which credential authenticated the user.
CREDENTIAL_ID_KEY = "authentication.kubernetes.io/credential-id"

ADMIN_USER = "kubernetes-admin"
ADMIN_GROUPS = ("system:masters",)


@dataclass
class UserInfo:
    """An authenticated user, as upstream's user.DefaultInfo."""

    name: str
    uid: str = ""
    groups: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)


class TokenFileError(ValueError):
    """A `--token-auth-file` that cannot be used."""


def bearer_token(header_value: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, or None.

    As upstream's bearertoken authenticator: the scheme is case-insensitive, the
    token is the first space-separated word after it, and an empty token is none.
    """
    if not header_value:
        return None
    parts = header_value.strip().split(" ", 2)
    if len(parts) < 2 or parts[0].lower() != "bearer" or not parts[1]:
        return None
    return parts[1]


def _digest(token: str) -> bytes:
    # Fixed-length digests let every comparison take the same time whatever the tokens' lengths.
    return hashlib.sha256(token.encode("utf-8")).digest()


class TokenFile:
    """Static bearer tokens, in upstream's `--token-auth-file` CSV format:
    `token,user,uid[,"group1,group2"]`.

    As upstream (tokenfile.go, Go's encoding/csv): records need at least 3 columns,
    else the whole file is rejected; blank lines are skipped; `#` starts no comment
    (such a line is an ordinary record); a record with an empty token is skipped with
    a warning; a duplicate token replaces the earlier one, with a warning.
    """

    def __init__(self, users: dict[str, UserInfo] | None = None) -> None:
        self._by_digest: dict[bytes, UserInfo] = {}
        for token, user in (users or {}).items():
            if token:
                self._by_digest[_digest(token)] = user

    @classmethod
    def load(cls, path: str | Path) -> TokenFile:
        try:
            with open(path, newline="", encoding="utf-8") as f:
                return cls.parse(f.read(), str(path))
        except OSError as e:
            raise TokenFileError(f"token file '{path}': {e.strerror or e}") from e

    @classmethod
    def parse(cls, text: str, source: str = "<token file>") -> TokenFile:
        tokens = cls()
        # Parsing the whole text (not line by line) lets quoted fields span lines, as in Go's csv.
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        record_num = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                raise TokenFileError(f"token file '{source}', line {reader.line_num}: {e}") from e
            line_num = reader.line_num
            if not record:
                continue
            if len(record) < 3:
                raise TokenFileError(
                    f"token file '{source}' must have at least 3 columns (token, user name, user uid), "
                    f"found {len(record)} on line {line_num}"
                )
            record_num += 1
            token, name, uid = record[0], record[1], record[2]
            if not token:
                log.warning(
                    "empty token has been found in token file '%s', record number '%d'", source, record_num
                )
                continue
            # Upstream splits the 4th column on commas; empty names are not groups.
            groups = [g for g in record[3].split(",") if g] if len(record) >= 4 else []
            key = _digest(token)
            if key in tokens._by_digest:
                log.warning(
                    "duplicate token has been found in token file '%s', record number '%d'",
                    source,
                    record_num,
                )
            tokens._by_digest[key] = UserInfo(name=name, uid=uid, groups=groups)
        return tokens

    def __len__(self) -> int:
        return len(self._by_digest)

    def authenticate_token(self, token: str) -> UserInfo | None:
        """The user the token belongs to, or None. Compares against every entry in
        constant time, so the response time says nothing about how close a guess was."""
        if not token:
            return None
        key = _digest(token)
        found: UserInfo | None = None
        for candidate, user in self._by_digest.items():
            # No early exit: the scan costs the same whether or where the token matches.
            if hmac.compare_digest(candidate, key):
                found = user
        return _copy(found) if found is not None else None

    def authenticate_bearer(self, header_value: str | None) -> UserInfo | None:
        token = bearer_token(header_value)
        return self.authenticate_token(token) if token is not None else None


@functools.lru_cache(maxsize=256)
def _cert_user(der: bytes) -> UserInfo | None:
    """Parsing a certificate is a quarter of a simple GET: each client's is parsed once.
    The TLS layer verifies the certificate on every connection; only the mapping is cached."""
    user = user_from_client_cert(der)
    return _with_authenticated_group(user) if user is not None else None


def user_from_client_cert(der: bytes) -> UserInfo | None:
    """The user a (TLS-verified) client certificate names: CN is the user name, each O
    a group, as upstream's CommonNameUserConversion. None when the certificate has no
    CN, or has an extended key usage that excludes client authentication."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        eku = None
    except ValueError:
        return None
    # OpenSSL checks this during the handshake too; checked again so a caller that
    # passes a certificate from elsewhere cannot get a server certificate accepted.
    if (
        eku is not None
        and ExtendedKeyUsageOID.CLIENT_AUTH not in eku
        and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE not in eku
    ):
        return None
    common_names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = _attr_text(common_names[0]) if common_names else ""
    if not name:
        return None
    groups = [_attr_text(a) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    credential_id = "X509SHA256=" + hashlib.sha256(der).hexdigest()
    return UserInfo(name=name, groups=[g for g in groups if g], extra={CREDENTIAL_ID_KEY: [credential_id]})


def _attr_text(attr: x509.NameAttribute) -> str:
    value = attr.value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _copy(user: UserInfo) -> UserInfo:
    # Callers get their own copy: the stored entries are shared by every request.
    return UserInfo(user.name, user.uid, list(user.groups), {k: list(v) for k, v in user.extra.items()})


def _with_authenticated_group(user: UserInfo) -> UserInfo:
    if ALL_AUTHENTICATED not in user.groups:
        user.groups.append(ALL_AUTHENTICATED)
    return user


class Authenticator:
    """The union of the configured authenticators, in upstream's order: client
    certificate first, then bearer tokens (token file, then the admin token)."""

    def __init__(self, token_file: TokenFile | None = None, admin_token: str | None = None) -> None:
        self.token_file = token_file
        self._admin_digest = _digest(admin_token) if admin_token else None

    def authenticate(self, peer_cert_der: bytes | None, authorization: str | None) -> UserInfo | None:
        """The user making the request, or None for an anonymous one.

        `peer_cert_der` must be a certificate the TLS layer has already verified
        against the CA (or None when the client sent none).
        """
        if peer_cert_der:
            user = _cert_user(peer_cert_der)
            if user is not None:
                return user
        return self.authenticate_bearer(authorization)

    def authenticate_bearer(self, header_value: str | None) -> UserInfo | None:
        token = bearer_token(header_value)
        if token is None:
            return None
        user = self.token_file.authenticate_token(token) if self.token_file is not None else None
        if (
            user is None
            and self._admin_digest is not None
            and hmac.compare_digest(_digest(token), self._admin_digest)
        ):
            user = UserInfo(name=ADMIN_USER, groups=list(ADMIN_GROUPS))
        return _with_authenticated_group(user) if user is not None else None
