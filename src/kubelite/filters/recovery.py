"""Panic recovery: any exception escaping a handler becomes a 500 Status; the server keeps serving."""

from __future__ import annotations

import logging

from kubelite.http import Handler, Request, Response, status_response
from kubelite.machinery.errors import StatusError, internal_error

log = logging.getLogger("kubelite")


def with_panic_recovery(handler: Handler) -> Handler:
    async def recovery(request: Request) -> Response:
        try:
            return await handler(request)
        except StatusError as err:
            return status_response(err)
        except Exception as exc:  # the whole point: never let one request take the server down
            log.exception("handler crashed on %s %s", request.method, request.path)
            return status_response(internal_error(f"{type(exc).__name__}: {exc}"))

    return recovery
