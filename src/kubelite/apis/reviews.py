"""The review kinds of authentication.k8s.io and authorization.k8s.io: create-only,
never stored. A create asks the server's authenticator or authorizer a question and
answers with the object and its status (201), as upstream's pkg/registry/authentication
and pkg/registry/authorization do. `kubectl auth whoami` and `kubectl auth can-i` use them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubelite.auth.authn import UserInfo
from kubelite.auth.authz import (
    AlwaysAllowAuthorizer,
    AlwaysDenyAuthorizer,
    Attributes,
    Decision,
    UnionAuthorizer,
)
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import Cause, Obj, Strategy

AUTHN = "authentication.k8s.io"
AUTHZ = "authorization.k8s.io"
# The audience of tokens the server accepts when a TokenReview names none (upstream's
# default --api-audiences, the service account issuer).
DEFAULT_AUDIENCES = ["https://kubernetes.default.svc.cluster.local"]


def _dict(value: Any) -> Obj:
    """value when it is an object, else an empty one (malformed input is validated, not trusted)."""
    return value if isinstance(value, dict) else {}


def user_info(user: UserInfo | None) -> Obj:
    """authentication/v1 UserInfo: empty fields are left out, as upstream's omitempty."""
    out: Obj = {}
    if user is None:
        return out
    if user.name:
        out["username"] = user.name
    if user.uid:
        out["uid"] = user.uid
    if user.groups:
        out["groups"] = list(user.groups)
    if user.extra:
        out["extra"] = {k: list(v) for k, v in user.extra.items()}
    return out


def _answer(obj: Obj, spec: Obj | None, status: Obj, metadata: Obj | None = None) -> Obj:
    out: Obj = {"kind": obj.get("kind"), "apiVersion": obj.get("apiVersion"), "metadata": metadata or {"creationTimestamp": None}}
    if spec is not None:
        out["spec"] = spec
    out["status"] = status
    return out


def _metadata_is_empty(meta: Any, allow_namespace: bool = False) -> bool:
    """Upstream compares ObjectMeta with the zero value (managedFields aside); null and
    empty values are the zero value."""
    if not isinstance(meta, dict):
        return meta is None
    ignored = {"managedFields", "namespace"} if allow_namespace else {"managedFields"}
    return not any(v not in (None, "", {}, [], 0) for k, v in meta.items() if k not in ignored)


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _invalid(group: str, kind: str, causes: list[Cause]) -> errors.StatusError:
    return errors.invalid(group, kind, "", causes)


class _ReviewStrategy(Strategy):
    """A review kind: cluster-scoped unless it says otherwise, answered, never stored."""

    namespaced = False
    virtual = True


# --- authentication.k8s.io

class SelfSubjectReviewStrategy(_ReviewStrategy):
    group = AUTHN
    kind = "SelfSubjectReview"
    resource = "selfsubjectreviews"

    async def review(self, obj: Obj, user: Any, services: dict[str, Any]) -> Obj:
        if user is None:
            raise errors.bad_request("no user present on request")
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return _answer(obj, None, {"userInfo": user_info(user)}, {"creationTimestamp": now})


class TokenReviewStrategy(_ReviewStrategy):
    group = AUTHN
    kind = "TokenReview"
    resource = "tokenreviews"

    async def review(self, obj: Obj, user: Any, services: dict[str, Any]) -> Obj:
        spec = _spec(obj)
        token = spec.get("token") or ""
        if not token:
            raise errors.bad_request("token is required for TokenReview in authentication")
        authenticator = services.get("authenticator")
        status: Obj = {}
        if authenticator is not None:
            try:
                found = authenticator.authenticate_bearer("Bearer " + token)
            except Exception as exc:  # an authenticator's failure is the review's answer, not a 500
                status["error"] = str(exc)
                found = None
            if found is not None:
                # kubelite's tokens are good for any audience: the answer names the ones asked for
                status["authenticated"] = True
                status["user"] = user_info(found)
                status["audiences"] = list(spec.get("audiences") or DEFAULT_AUDIENCES)
            else:
                status.setdefault("user", {})
        return _answer(obj, spec, status)


# --- authorization.k8s.io

def _validate_access_spec(spec: Obj, needs_subject: bool) -> list[Cause]:
    errs: list[Cause] = []
    resource, non_resource = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    if resource is not None and non_resource is not None:
        errs.append(errors.invalid_value("spec.nonResourceAttributes", non_resource, "cannot be specified in combination with resourceAttributes"))
    if resource is None and non_resource is None:
        errs.append(errors.invalid_value("spec.resourceAttributes", None, "exactly one of nonResourceAttributes or resourceAttributes must be specified"))
    if needs_subject and not spec.get("user") and not spec.get("groups"):
        errs.append(errors.invalid_value("spec.user", spec.get("user") or "", "at least one of user or group must be specified"))
    return errs


def access_attributes(user: UserInfo, spec: Obj) -> Attributes:
    """Upstream's ResourceAttributesFrom / NonResourceAttributesFrom."""
    res = spec.get("resourceAttributes")
    if isinstance(res, dict):
        return Attributes(
            user=user, verb=res.get("verb") or "", namespace=res.get("namespace") or "",
            api_group=res.get("group") or "", api_version=res.get("version") or "*",
            resource=res.get("resource") or "", subresource=res.get("subresource") or "",
            name=res.get("name") or "", resource_request=True,
        )
    non = spec.get("nonResourceAttributes") or {}
    return Attributes(user=user, verb=non.get("verb") or "", path=non.get("path") or "", resource_request=False)


def decide(services: dict[str, Any], attrs: Attributes) -> Obj:
    """A SubjectAccessReviewStatus from the server's authorizer."""
    authorizer = services.get("authorizer")
    if authorizer is None:
        return {"allowed": False, "evaluationError": "no authorizer is configured"}
    try:
        decision, reason = authorizer.authorize(attrs)
    except Exception as exc:  # upstream reports the error and does not allow
        return {"allowed": False, "evaluationError": str(exc)}
    status: Obj = {"allowed": decision == Decision.ALLOW}
    if decision == Decision.DENY:
        status["denied"] = True
    if reason:
        status["reason"] = reason
    return status


def _user_from_spec(spec: Obj) -> UserInfo:
    extra = spec.get("extra") or {}
    return UserInfo(
        name=spec.get("user") or "", uid=spec.get("uid") or "", groups=list(spec.get("groups") or []),
        extra={k: list(v or []) for k, v in extra.items()} if isinstance(extra, dict) else {},
    )


class _AccessReviewStrategy(_ReviewStrategy):
    """The access reviews: validate the spec and metadata, then ask the authorizer about
    the user the kind names (ValidateSubjectAccessReview and its siblings upstream)."""

    group = AUTHZ
    needs_subject = True  # the spec names the user (a SelfSubjectAccessReview asks for the caller)

    def metadata_errors(self, meta: Any) -> list[Cause]:
        if _metadata_is_empty(meta):
            return []
        return [errors.invalid_value("metadata", meta, "must be empty")]

    def subject(self, spec: Obj, user: Any) -> UserInfo:
        return _user_from_spec(spec)

    def kind_errors(self, obj: Obj, spec: Obj) -> list[Cause]:
        """What this kind's validation adds to the spec and metadata checks."""
        return []

    async def review(self, obj: Obj, user: Any, services: dict[str, Any]) -> Obj:
        spec = _spec(obj)
        causes = _validate_access_spec(spec, self.needs_subject) + self.metadata_errors(obj.get("metadata"))
        causes += self.kind_errors(obj, spec)
        if causes:
            raise _invalid(AUTHZ, self.kind, causes)
        status = decide(services, access_attributes(self.subject(spec, user), spec))
        return _answer(obj, spec, status, self.answer_metadata(obj))

    def answer_metadata(self, obj: Obj) -> Obj | None:
        return None


class SubjectAccessReviewStrategy(_AccessReviewStrategy):
    kind = "SubjectAccessReview"
    resource = "subjectaccessreviews"


class LocalSubjectAccessReviewStrategy(_AccessReviewStrategy):
    """The namespace is the request's: upstream's handler puts the URL's namespace into
    metadata.namespace before the review, and the spec must agree with it."""

    kind = "LocalSubjectAccessReview"
    resource = "localsubjectaccessreviews"
    namespaced = True

    def metadata_errors(self, meta: Any) -> list[Cause]:
        if _metadata_is_empty(meta, allow_namespace=True):
            return []
        return [errors.invalid_value("metadata", meta, "must be empty except for namespace")]

    def kind_errors(self, obj: Obj, spec: Obj) -> list[Cause]:
        causes: list[Cause] = []
        res = spec.get("resourceAttributes")
        namespace = self.request_namespace(obj)
        if isinstance(res, dict) and (res.get("namespace") or "") != namespace:
            causes.append(validation.invalid("spec.resourceAttributes.namespace", res.get("namespace") or "",
                                             "must match metadata.namespace"))
        if spec.get("nonResourceAttributes") is not None:
            causes.append(errors.invalid_value("spec.nonResourceAttributes", spec["nonResourceAttributes"],
                                               "disallowed on this kind of request"))
        return causes

    @staticmethod
    def request_namespace(obj: Obj) -> str:
        """metadata.namespace, which upstream's handler fills in from the URL. Until kubelite's
        handler does so for create-only kinds, a body without it is taken at its spec's word."""
        namespace = _dict(obj.get("metadata")).get("namespace")
        if namespace:
            return str(namespace)
        return str(_dict(_spec(obj).get("resourceAttributes")).get("namespace") or "")

    def answer_metadata(self, obj: Obj) -> Obj | None:
        return {"namespace": self.request_namespace(obj), "creationTimestamp": None}


class SelfSubjectAccessReviewStrategy(_AccessReviewStrategy):
    kind = "SelfSubjectAccessReview"
    resource = "selfsubjectaccessreviews"
    needs_subject = False

    def subject(self, spec: Obj, user: Any) -> UserInfo:
        if user is None:
            raise errors.bad_request("no user present on request")
        return user


_ALL_RESOURCES = {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}
_ALL_NON_RESOURCES = {"verbs": ["*"], "nonResourceURLs": ["*"]}


def rules_for(authorizer: Any, user: UserInfo, namespace: str) -> tuple[list[Obj], list[Obj], bool, str]:
    """What the user may do in the namespace: (resource rules, non-resource rules,
    incomplete, evaluation error), as upstream's RuleResolver. An authorizer that can
    list rules itself implements `rules_for(user, namespace)` with this result."""
    own = getattr(authorizer, "rules_for", None)
    if callable(own):
        resource, non_resource, incomplete, error = own(user, namespace)
        return list(resource), list(non_resource), bool(incomplete), error or ""
    if isinstance(authorizer, AlwaysAllowAuthorizer):
        return [dict(_ALL_RESOURCES)], [dict(_ALL_NON_RESOURCES)], False, ""
    if isinstance(authorizer, AlwaysDenyAuthorizer):
        return [], [], False, ""
    if isinstance(authorizer, UnionAuthorizer):
        resource_rules: list[Obj] = []
        non_resource_rules: list[Obj] = []
        incomplete, errs = False, []
        for inner in authorizer.authorizers:
            r, n, inc, err = rules_for(inner, user, namespace)
            resource_rules += r
            non_resource_rules += n
            incomplete = incomplete or inc
            if err:
                errs.append(err)
        return resource_rules, non_resource_rules, incomplete, "; ".join(errs)
    return [], [], True, "the authorizer cannot list rules"


class SelfSubjectRulesReviewStrategy(_ReviewStrategy):
    group = AUTHZ
    kind = "SelfSubjectRulesReview"
    resource = "selfsubjectrulesreviews"

    async def review(self, obj: Obj, user: Any, services: dict[str, Any]) -> Obj:
        spec = _spec(obj)
        if user is None:
            raise errors.bad_request("no user present on request")
        namespace = spec.get("namespace") or ""
        if not namespace:
            raise errors.bad_request("no namespace on request")
        resource, non_resource, incomplete, error = rules_for(services.get("authorizer"), user, namespace)
        status: Obj = {"resourceRules": resource, "nonResourceRules": non_resource, "incomplete": incomplete}
        if error:
            status["evaluationError"] = error
        return _answer(obj, spec, status)


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (AUTHN, "SelfSubjectReview"): SelfSubjectReviewStrategy,
    (AUTHN, "TokenReview"): TokenReviewStrategy,
    (AUTHZ, "SubjectAccessReview"): SubjectAccessReviewStrategy,
    (AUTHZ, "LocalSubjectAccessReview"): LocalSubjectAccessReviewStrategy,
    (AUTHZ, "SelfSubjectAccessReview"): SelfSubjectAccessReviewStrategy,
    (AUTHZ, "SelfSubjectRulesReview"): SelfSubjectRulesReviewStrategy,
}
