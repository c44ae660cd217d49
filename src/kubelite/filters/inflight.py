"""Max-in-flight limit (upstream's --max-requests-inflight / --max-mutating-requests-inflight):
over the limit a request is answered 429 with Retry-After at once. Watches and
long-running requests do not count, as upstream."""

from __future__ import annotations

from kubelite.http import Handler, Request, Response
from kubelite.machinery.errors import too_many_requests

_MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def is_long_running(request: Request) -> bool:
    info = request.info
    return info is not None and (info.verb == "watch" or info.subresource in ("log", "exec", "attach", "portforward", "proxy"))


def with_max_in_flight(handler: Handler, max_read: int, max_mutating: int) -> Handler:
    counters = {"read": 0, "mutating": 0}

    async def max_in_flight(request: Request) -> Response:
        if is_long_running(request):
            return await handler(request)
        kind = "mutating" if request.method in _MUTATING else "read"
        limit = max_mutating if kind == "mutating" else max_read
        if limit > 0 and counters[kind] >= limit:
            raise too_many_requests("Too many requests, please try again later.", retry_after=1)
        counters[kind] += 1
        try:
            return await handler(request)
        finally:
            counters[kind] -= 1

    return max_in_flight
