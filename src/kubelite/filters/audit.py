"""The audit hook point: every request passes here after authentication. Sinks (the
audit log backend) subscribe; with none configured the filter costs one check."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from kubelite.http import Handler, Request, Response


@dataclass
class AuditEvent:
    stage: str  # ResponseComplete, Panic
    verb: str
    path: str
    user: str
    code: int
    started: float
    finished: float


AuditSink = Callable[[AuditEvent], None]


def with_audit(handler: Handler, sinks: list[AuditSink]) -> Handler:
    if not sinks:
        return handler

    async def audit(request: Request) -> Response:
        started = time.time()
        response = await handler(request)
        event = AuditEvent(
            stage="ResponseComplete",
            verb=request.info.verb if request.info else request.method.lower(),
            path=request.path,
            user=getattr(request.user, "name", "system:anonymous"),
            code=response.status,
            started=started,
            finished=time.time(),
        )
        for sink in sinks:
            sink(event)
        return response

    return audit
