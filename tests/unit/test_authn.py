"""Authentication (token file, bearer tokens, client certificates) and the authorizers."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kubelite.auth.authn import (
    CREDENTIAL_ID_KEY,
    Authenticator,
    TokenFile,
    TokenFileError,
    UserInfo,
    bearer_token,
    user_from_client_cert,
)
from kubelite.auth.authz import (
    AlwaysAllowAuthorizer,
    AlwaysDenyAuthorizer,
    Attributes,
    Decision,
    UnionAuthorizer,
    new_authorizer,
)
from kubelite.auth.pki import ensure_pki

# --- token file ---------------------------------------------------------------------

TOKENS = """\
token1,alice,uid-1,"devs,ops"
token2,bob,uid-2

token3,carol,uid-3,single
token4,dave,uid-4,
"""


def test_token_file_parses_users_and_groups() -> None:
    tokens = TokenFile.parse(TOKENS)
    assert len(tokens) == 4
    assert tokens.authenticate_token("token1") == UserInfo("alice", "uid-1", ["devs", "ops"])
    assert tokens.authenticate_token("token2") == UserInfo("bob", "uid-2", [])
    assert tokens.authenticate_token("token3") == UserInfo("carol", "uid-3", ["single"])
    assert tokens.authenticate_token("token4") == UserInfo("dave", "uid-4", [])
    assert tokens.authenticate_token("token5") is None
    assert tokens.authenticate_token("") is None
    # Exact match only.
    assert tokens.authenticate_token("token1 ") is None
    assert tokens.authenticate_token("TOKEN1") is None


def test_token_file_load(tmp_path: Path) -> None:
    path = tmp_path / "tokens.csv"
    path.write_bytes(TOKENS.replace("\n", "\r\n").encode())
    tokens = TokenFile.load(path)
    assert tokens.authenticate_token("token1") == UserInfo("alice", "uid-1", ["devs", "ops"])
    with pytest.raises(TokenFileError, match="missing.csv"):
        TokenFile.load(tmp_path / "missing.csv")


@pytest.mark.parametrize("line", ["token,user", "token", "   ", "# a comment"])
def test_token_file_rejects_short_records(line: str) -> None:
    # As upstream: a record with fewer than 3 columns fails the whole file, and
    # Go's csv reader has no comment syntax, so "#" lines are records too.
    with pytest.raises(
        TokenFileError, match=r"at least 3 columns.*found 1|at least 3 columns.*found 2"
    ) as info:
        TokenFile.parse(f"good,user,uid\n{line}\n", "tokens.csv")
    assert "tokens.csv" in str(info.value) and "line 2" in str(info.value)


def test_token_file_comment_with_enough_columns_is_a_record() -> None:
    tokens = TokenFile.parse("#tok,user,uid\n")
    assert tokens.authenticate_token("#tok") == UserInfo("user", "uid", [])


def test_token_file_skips_empty_token_and_last_duplicate_wins(caplog: pytest.LogCaptureFixture) -> None:
    tokens = TokenFile.parse(",nobody,uid-0\ntok,first,uid-1\ntok,second,uid-2,g\n")
    assert len(tokens) == 1
    assert tokens.authenticate_token("tok") == UserInfo("second", "uid-2", ["g"])
    assert "empty token" in caplog.text and "duplicate token" in caplog.text


def test_token_file_bad_quoting() -> None:
    with pytest.raises(TokenFileError):
        TokenFile.parse('tok,user,uid,"unterminated\n')


def test_token_file_quoted_field_may_span_lines() -> None:
    tokens = TokenFile.parse('tok,user,uid,"a,\nb"\n')
    assert tokens.authenticate_token("tok") == UserInfo("user", "uid", ["a", "\nb"])


def test_token_file_returns_copies() -> None:
    tokens = TokenFile.parse(TOKENS)
    user = tokens.authenticate_token("token1")
    assert user is not None
    user.groups.append("mutated")
    assert tokens.authenticate_token("token1") == UserInfo("alice", "uid-1", ["devs", "ops"])


# --- bearer header ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer abc  ", "abc"),
        ("Bearer abc def", "abc"),
        ("Bearer", None),
        ("Bearer ", None),
        ("Bearer  abc", None),
        ("Basic dXNlcjpwYXNz", None),
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


def test_token_file_authenticate_bearer() -> None:
    tokens = TokenFile.parse(TOKENS)
    assert tokens.authenticate_bearer("Bearer token2") == UserInfo("bob", "uid-2", [])
    assert tokens.authenticate_bearer("Basic token2") is None
    assert tokens.authenticate_bearer(None) is None


# --- client certificates ------------------------------------------------------------


def make_cert(
    cn: str | None = "jane",
    orgs: tuple[str, ...] = (),
    usages: list[x509.ObjectIdentifier] | None = None,
) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in orgs]
    if cn is not None:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs))
        .issuer_name(x509.Name(attrs))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
    )
    if usages is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def test_user_from_client_cert_cn_and_orgs() -> None:
    der = make_cert("jane", ("team-a", "team-b"), [ExtendedKeyUsageOID.CLIENT_AUTH])
    user = user_from_client_cert(der)
    assert user is not None
    assert user.name == "jane" and user.uid == ""
    assert user.groups == ["team-a", "team-b"]
    assert user.extra == {CREDENTIAL_ID_KEY: ["X509SHA256=" + hashlib.sha256(der).hexdigest()]}


def test_user_from_client_cert_without_eku_or_orgs() -> None:
    user = user_from_client_cert(make_cert("jane"))
    assert user is not None and user.name == "jane" and user.groups == []


def test_user_from_client_cert_rejects() -> None:
    assert user_from_client_cert(make_cert(cn=None, orgs=("g",))) is None
    assert user_from_client_cert(make_cert("srv", usages=[ExtendedKeyUsageOID.SERVER_AUTH])) is None
    assert user_from_client_cert(b"not a certificate") is None


def test_admin_cert_from_pki(tmp_path: Path) -> None:
    p = ensure_pki(tmp_path, "127.0.0.1")
    der = x509.load_pem_x509_certificate(p.admin_cert.read_bytes()).public_bytes(serialization.Encoding.DER)
    user = user_from_client_cert(der)
    assert user is not None and user.name == "kubernetes-admin" and user.groups == ["system:masters"]
    serving = x509.load_pem_x509_certificate(p.serving_cert.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    assert user_from_client_cert(serving) is None


# --- the union ----------------------------------------------------------------------


def test_authenticator_cert_then_tokens() -> None:
    auth = Authenticator(token_file=TokenFile.parse(TOKENS), admin_token="admin-secret")
    cert = make_cert("jane", ("team-a",), [ExtendedKeyUsageOID.CLIENT_AUTH])

    user = auth.authenticate(cert, None)
    assert user is not None and user.name == "jane"
    assert user.groups == ["team-a", "system:authenticated"]
    # The certificate wins over a token, as in upstream's union (x509 comes first).
    user = auth.authenticate(cert, "Bearer token1")
    assert user is not None and user.name == "jane"

    user = auth.authenticate(None, "Bearer token1")
    assert user == UserInfo("alice", "uid-1", ["devs", "ops", "system:authenticated"])
    user = auth.authenticate(None, "Bearer admin-secret")
    assert user == UserInfo("kubernetes-admin", "", ["system:masters", "system:authenticated"])

    assert auth.authenticate(None, "Bearer wrong") is None
    assert auth.authenticate(None, None) is None
    assert auth.authenticate(b"", None) is None
    # A certificate that names nobody falls through to the token.
    user = auth.authenticate(make_cert(cn=None), "Bearer token2")
    assert user is not None and user.name == "bob"


def test_authenticator_does_not_duplicate_authenticated_group() -> None:
    auth = Authenticator(token_file=TokenFile.parse('t,u,uid,"system:authenticated,x"\n'))
    user = auth.authenticate(None, "Bearer t")
    assert user is not None and user.groups == ["system:authenticated", "x"]


def test_authenticator_without_sources() -> None:
    auth = Authenticator()
    assert auth.authenticate(None, "Bearer anything") is None
    assert auth.authenticate_bearer("Bearer ") is None


def test_token_file_takes_precedence_over_admin_token() -> None:
    auth = Authenticator(token_file=TokenFile.parse("same,someone,uid\n"), admin_token="same")
    user = auth.authenticate_bearer("Bearer same")
    assert user is not None and user.name == "someone"


# --- authorizers --------------------------------------------------------------------

ATTRS = Attributes(
    user=UserInfo("jane", groups=["system:authenticated"]),
    verb="get",
    namespace="default",
    api_version="v1",
    resource="pods",
    name="p",
    resource_request=True,
    path="/api/v1/namespaces/default/pods/p",
)


class Fixed:
    def __init__(self, decision: Decision, reason: str = "") -> None:
        self.decision, self.reason, self.calls = decision, reason, 0

    def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
        self.calls += 1
        return self.decision, self.reason


class Broken:
    def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
        raise RuntimeError("boom")


def test_always_allow_and_deny() -> None:
    assert AlwaysAllowAuthorizer().authorize(ATTRS) == (Decision.ALLOW, "")
    assert AlwaysDenyAuthorizer().authorize(ATTRS) == (Decision.NO_OPINION, "Everything is forbidden.")
    assert ATTRS.is_read_only()


def test_union_first_decision_wins() -> None:
    later = Fixed(Decision.ALLOW)
    union = UnionAuthorizer([Fixed(Decision.NO_OPINION, "no"), Fixed(Decision.DENY, "denied"), later])
    assert union.authorize(ATTRS) == (Decision.DENY, "denied")
    assert later.calls == 0
    union = UnionAuthorizer([AlwaysDenyAuthorizer(), Fixed(Decision.ALLOW, "ok")])
    assert union.authorize(ATTRS) == (Decision.ALLOW, "ok")


def test_union_no_opinion_joins_reasons() -> None:
    union = UnionAuthorizer(
        [Fixed(Decision.NO_OPINION, "a"), Fixed(Decision.NO_OPINION), Fixed(Decision.NO_OPINION, "b")]
    )
    assert union.authorize(ATTRS) == (Decision.NO_OPINION, "a\nb")
    assert UnionAuthorizer([]).authorize(ATTRS) == (Decision.NO_OPINION, "")


def test_union_errors() -> None:
    assert UnionAuthorizer([Broken(), AlwaysAllowAuthorizer()]).authorize(ATTRS) == (Decision.ALLOW, "")
    with pytest.raises(RuntimeError, match="boom"):
        UnionAuthorizer([Broken(), AlwaysDenyAuthorizer()]).authorize(ATTRS)


def test_new_authorizer() -> None:
    assert isinstance(new_authorizer("AlwaysAllow"), AlwaysAllowAuthorizer)
    union = new_authorizer("AlwaysDeny,AlwaysAllow")
    assert isinstance(union, UnionAuthorizer)
    assert union.authorize(ATTRS) == (Decision.ALLOW, "")
    for bad in ("", "RBAC", "AlwaysAllow,AlwaysAllow"):
        with pytest.raises(ValueError, match="--authorization-mode"):
            new_authorizer(bad)
