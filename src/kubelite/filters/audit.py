"""The audit hook point: every authenticated request passes here, and each configured
sink receives an audit.k8s.io/v1 Event (Metadata level) when the response is ready.
`--audit-log-path` adds a sink that appends the events as JSON lines, as upstream's
log backend does. With no sink configured the filter is not in the chain at all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from kubelite.http import Handler, Request, Response, status_response
from kubelite.machinery.errors import StatusError

AuditSink = Callable[[dict[str, Any]], None]


def _timestamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def audit_event(request: Request, response: Response, received: datetime) -> dict[str, Any]:
    info = request.info
    user = request.user
    event: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": str(uuid.uuid4()),
        "stage": "ResponseComplete",
        "requestURI": request.path + ("?" + "&".join(f"{k}={v}" for k, vs in request.query.items() for v in vs) if request.query else ""),
        "verb": info.verb if info else request.method.lower(),
        "user": {"username": user.name, "groups": list(user.groups)} if user else {"username": "system:anonymous", "groups": ["system:unauthenticated"]},
        "userAgent": request.headers.get("user-agent", ""),
        "responseStatus": {"metadata": {}, "code": response.status},
        "requestReceivedTimestamp": _timestamp(received),
        "stageTimestamp": _timestamp(datetime.now(UTC)),
    }
    if info is not None and info.is_resource_request:
        ref = {"resource": info.resource, "namespace": info.namespace, "name": info.name,
               "apiGroup": info.api_group, "apiVersion": info.api_version, "subresource": info.subresource}
        event["objectRef"] = {k: v for k, v in ref.items() if v}
    return event


def file_sink(path: Path) -> AuditSink:
    path.parent.mkdir(parents=True, exist_ok=True)
    stream = path.open("ab", buffering=0)

    def write(event: dict[str, Any]) -> None:
        stream.write(orjson.dumps(event) + b"\n")

    return write


def with_audit(handler: Handler, sinks: list[AuditSink]) -> Handler:
    if not sinks:
        return handler

    async def audit(request: Request) -> Response:
        received = datetime.now(UTC)
        try:
            response = await handler(request)
        except StatusError as err:
            response = status_response(err)
        event = audit_event(request, response, received)
        for sink in sinks:
            sink(event)
        return response

    return audit
