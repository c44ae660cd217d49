"""Authorization, as upstream's `authorizer.Authorizer`: an authorizer looks at the
attributes of a request and answers ALLOW, DENY or NO_OPINION with a reason. The
request proceeds only on ALLOW. RBAC will be one more implementation of the protocol.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from kubelite.auth.authn import UserInfo

READ_ONLY_VERBS = frozenset({"get", "list", "watch"})


class Decision(enum.Enum):
    DENY = "Deny"
    ALLOW = "Allow"
    NO_OPINION = "NoOpinion"


@dataclass(frozen=True)
class Attributes:
    """What is being asked, by whom (upstream's authorizer.AttributesRecord)."""

    user: UserInfo
    verb: str
    namespace: str = ""
    api_group: str = ""
    api_version: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    resource_request: bool = False
    path: str = ""

    def is_read_only(self) -> bool:
        return self.verb in READ_ONLY_VERBS


class Authorizer(Protocol):
    def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
        """The decision and a human-readable reason (may be empty)."""
        ...


class AlwaysAllowAuthorizer:
    """Allows every request (`--authorization-mode=AlwaysAllow`). Anonymous requests
    never get this far except for the public health/version paths."""

    def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
        return Decision.ALLOW, ""


class AlwaysDenyAuthorizer:
    """Allows nothing (`--authorization-mode=AlwaysDeny`). As upstream it answers
    NO_OPINION rather than DENY, so that in a union later authorizers still get asked;
    alone, no opinion means forbidden."""

    def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
        return Decision.NO_OPINION, "Everything is forbidden."


class UnionAuthorizer:
    """Asks each authorizer in turn; the first ALLOW or DENY is the answer. When none
    has an opinion the answer is NO_OPINION with their reasons joined. An authorizer
    that raises is skipped (a later one may still allow, as upstream's union keeps
    going on errors); if no one decides, the first error is re-raised."""

    def __init__(self, authorizers: Iterable[Authorizer]) -> None:
        self.authorizers = list(authorizers)

    def authorize(self, attrs: Attributes) -> tuple[Decision, str]:
        reasons: list[str] = []
        error: Exception | None = None
        for authorizer in self.authorizers:
            try:
                decision, reason = authorizer.authorize(attrs)
            except Exception as e:
                error = error or e
                continue
            if reason:
                reasons.append(reason)
            if decision in (Decision.ALLOW, Decision.DENY):
                return decision, reason
        if error is not None:
            raise error
        return Decision.NO_OPINION, "\n".join(reasons)


MODES: dict[str, type[AlwaysAllowAuthorizer] | type[AlwaysDenyAuthorizer]] = {
    "AlwaysAllow": AlwaysAllowAuthorizer,
    "AlwaysDeny": AlwaysDenyAuthorizer,
}


def new_authorizer(modes: str | Iterable[str]) -> Authorizer:
    """The authorizer for `--authorization-mode` (a comma-separated list, tried in order)."""
    names = [m.strip() for m in (modes.split(",") if isinstance(modes, str) else modes) if m.strip()]
    if not names:
        raise ValueError("--authorization-mode: at least one mode is required")
    unknown = [m for m in names if m not in MODES]
    if unknown:
        raise ValueError(
            f"--authorization-mode: unsupported mode(s) {', '.join(unknown)} (supported: {', '.join(MODES)})"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"--authorization-mode: mode specified more than once: {modes}")
    authorizers: list[Authorizer] = [MODES[m]() for m in names]
    return authorizers[0] if len(authorizers) == 1 else UnionAuthorizer(authorizers)
