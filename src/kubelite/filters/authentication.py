"""Authentication filter: client certificate or bearer token; 401 for anonymous requests
except to the health and version endpoints (as upstream's public-info-viewer role allows)."""

from __future__ import annotations

from kubelite.auth.authn import Authenticator
from kubelite.http import Handler, Request, Response
from kubelite.machinery.errors import unauthorized

PUBLIC_PATHS = frozenset({"/healthz", "/livez", "/readyz", "/version", "/version/"})


def with_authentication(handler: Handler, authenticator: Authenticator) -> Handler:
    async def authentication(request: Request) -> Response:
        user = authenticator.authenticate(request.peer_cert_der, request.headers.get("authorization"))
        if user is None:
            if request.path in PUBLIC_PATHS or request.path.startswith(("/healthz/", "/livez/", "/readyz/")):
                return await handler(request)
            raise unauthorized()
        request.user = user
        # Credentials never travel further down the chain.
        request.headers.pop("authorization", None)
        return await handler(request)

    return authentication
