"""API errors as upstream's `k8s.io/apimachinery/pkg/api/errors`: each carries a `Status` body.

Every failure a client can see is a `StatusError`; the endpoint layer encodes its
`status` dict as the response body with `code` as the HTTP status.
"""

from __future__ import annotations

from typing import Any


class StatusError(Exception):
    """An error with a metav1.Status body."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.retry_after = retry_after

    @property
    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def _qualified(resource: str, group: str) -> str:
    return f"{resource}.{group}" if group else resource


def _details(name: str, group: str, kind: str) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    if kind:
        d["kind"] = kind
    return d


def not_found(group: str, resource: str, name: str) -> StatusError:
    qr = _qualified(resource, group)
    msg = f'{qr} "{name}" not found' if name else f"{qr} not found"
    return StatusError(404, "NotFound", msg, _details(name, group, resource))


def already_exists(group: str, resource: str, name: str) -> StatusError:
    qr = _qualified(resource, group)
    return StatusError(409, "AlreadyExists", f'{qr} "{name}" already exists', _details(name, group, resource))


def conflict(group: str, resource: str, name: str, err: str) -> StatusError:
    qr = _qualified(resource, group)
    return StatusError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qr} "{name}": {err}',
        _details(name, group, resource),
    )


OPTIMISTIC_LOCK_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again"


def invalid(group: str, kind: str, name: str, causes: list[dict[str, str]]) -> StatusError:
    """A 422 Invalid error; each cause is {reason, message, field} as upstream's field.Error."""
    gk = f"{kind}.{group}" if group else kind
    # Like upstream's field.ErrorList.ToAggregate, repeated messages appear once (causes keep them all).
    parts = list(dict.fromkeys(f"{c['field']}: {c['message']}" if c.get("field") else c["message"] for c in causes))
    if len(parts) == 1:
        agg = parts[0]
    else:
        agg = "[" + ", ".join(parts) + "]"
    details = _details(name, group, kind)
    details["causes"] = causes
    return StatusError(422, "Invalid", f'{gk} "{name}" is invalid: {agg}', details)


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def unauthorized(message: str = "Unauthorized") -> StatusError:
    return StatusError(401, "Unauthorized", message)


def forbidden(group: str, resource: str, name: str, message: str) -> StatusError:
    qr = _qualified(resource, group)
    prefix = f'{qr} "{name}" is forbidden' if name else f"{qr} is forbidden"
    return StatusError(403, "Forbidden", f"{prefix}: {message}", _details(name, group, resource))


def method_not_supported(group: str, resource: str, action: str) -> StatusError:
    """A verb the resource's storage does not implement (upstream's NewMethodNotSupported)."""
    qr = _qualified(resource, group)
    return StatusError(
        405, "MethodNotAllowed", f'{action} is not supported on resources of kind "{qr}"',
        _details("", group, resource),
    )


def method_not_allowed() -> StatusError:
    """An HTTP method no route of the path takes (upstream's go-restful answer)."""
    return StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")


def not_acceptable(message: str) -> StatusError:
    return StatusError(406, "NotAcceptable", message)


def gone(message: str) -> StatusError:
    return StatusError(410, "Expired", message)


def request_entity_too_large(message: str) -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", message)


def unsupported_media_type(content_type: str) -> StatusError:
    return StatusError(415, "UnsupportedMediaType", 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf', None)


def too_many_requests(message: str, retry_after: int = 1) -> StatusError:
    return StatusError(
        429, "TooManyRequests", message, {"retryAfterSeconds": retry_after}, retry_after=retry_after
    )


def internal_error(err: str) -> StatusError:
    return StatusError(
        500, "InternalError", f"Internal error occurred: {err}", {"causes": [{"message": err}]}
    )


def timeout(message: str, retry_after: int = 0) -> StatusError:
    # A Status that asks for a retry also says so in a Retry-After header (upstream's ErrorNegotiated).
    return StatusError(504, "Timeout", message, {"retryAfterSeconds": retry_after} if retry_after else None,
                       retry_after=retry_after or None)


def too_large_resource_version(requested: int, current: int) -> StatusError:
    """storage.NewTooLargeResourceVersionError: the cache did not reach the revision in time."""
    return StatusError(
        504, "Timeout", f"Too large resource version: {requested}, current: {current}",
        {"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1},
        retry_after=1,
    )


def field_error(kind: str, field: str, message: str) -> dict[str, str]:
    """One cause: kind is upstream's field.ErrorType reason (FieldValueInvalid, FieldValueRequired, ...)."""
    return {"reason": kind, "message": message, "field": field}


def required(field: str, detail: str = "") -> dict[str, str]:
    return field_error("FieldValueRequired", field, "Required value" + (f": {detail}" if detail else ""))


def invalid_value(field: str, value: Any, detail: str) -> dict[str, str]:
    import orjson

    try:
        shown = orjson.dumps(value).decode() if not isinstance(value, (int, float, bool)) else str(value).lower() if isinstance(value, bool) else str(value)
    except TypeError:
        shown = repr(value)
    return field_error("FieldValueInvalid", field, f"Invalid value: {shown}: {detail}")


def forbidden_field(field: str, detail: str) -> dict[str, str]:
    return field_error("FieldValueForbidden", field, f"Forbidden: {detail}")


def not_supported(field: str, value: Any, valid: list[str]) -> dict[str, str]:
    quoted = ", ".join(f'"{v}"' for v in valid)
    return field_error("FieldValueNotSupported", field, f'Unsupported value: "{value}": supported values: {quoted}')


def duplicate(field: str, value: Any) -> dict[str, str]:
    return field_error("FieldValueDuplicate", field, f'Duplicate value: "{value}"')


def too_long(field: str, max_len: int) -> dict[str, str]:
    return field_error("FieldValueTooLong", field, f"Too long: may not be more than {max_len} bytes")
