"""Request timeout: `?timeout=` (a Go duration), 60 s by default; watches and other
long-running requests are excluded. A request past its deadline gets 504."""

from __future__ import annotations

import asyncio
import re

from kubelite.filters.inflight import is_long_running
from kubelite.http import Handler, Request, Response
from kubelite.machinery.errors import bad_request, timeout

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Parse a Go duration such as "30s", "1m30s", "250ms" into seconds."""
    if text in ("0", ""):
        return 0.0
    pos = 0
    total = 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos:
            raise ValueError(text)
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text):
        raise ValueError(text)
    return total


def with_timeout(handler: Handler, default_seconds: float = 60.0) -> Handler:
    async def request_timeout(request: Request) -> Response:
        if is_long_running(request):
            return await handler(request)
        seconds = default_seconds
        raw = request.param("timeout")
        if raw:
            try:
                seconds = parse_duration(raw)
            except ValueError:
                raise bad_request(f'invalid timeout specified in the request URL: time: invalid duration "{raw}"') from None
            if seconds <= 0 or seconds > default_seconds:
                seconds = default_seconds
        loop = asyncio.get_running_loop()
        request.deadline = loop.time() + seconds
        try:
            return await asyncio.wait_for(handler(request), seconds)
        except TimeoutError:
            raise timeout("Timeout: request did not complete within requested timeout - context deadline exceeded", 0) from None

    return request_timeout
