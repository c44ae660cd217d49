"""Authorization filter: asks the configured authorizer about each request; 403 on deny."""

from __future__ import annotations

from kubelite.auth.authz import Attributes, Authorizer, Decision
from kubelite.http import Handler, Request, Response
from kubelite.machinery.errors import StatusError, forbidden


def with_authorization(handler: Handler, authorizer: Authorizer) -> Handler:
    async def authorization(request: Request) -> Response:
        info = request.info
        assert info is not None
        if request.user is None:
            # Anonymous requests only reach here for the public paths.
            return await handler(request)
        attrs = Attributes(
            user=request.user,
            verb=info.verb,
            namespace=info.namespace,
            api_group=info.api_group,
            api_version=info.api_version,
            resource=info.resource,
            subresource=info.subresource,
            name=info.name,
            resource_request=info.is_resource_request,
            path=request.path,
        )
        decision, reason = _authorize(authorizer, attrs)
        if decision == Decision.ALLOW:
            return await handler(request)
        user = request.user.name
        if info.is_resource_request:
            what = f'User "{user}" cannot {info.verb} resource "{info.resource}"'
            if info.subresource:
                what += f'/{info.subresource}'
            what += f' in API group "{info.api_group}"'
            what += f' in the namespace "{info.namespace}"' if info.namespace else " at the cluster scope"
            if reason:
                what += f": {reason}"
            raise forbidden(info.api_group, info.resource, info.name, what)
        raise StatusError(403, "Forbidden", f'forbidden: User "{user}" cannot {info.verb} path "{request.path}"')

    return authorization


def _authorize(authorizer: Authorizer, attrs: Attributes) -> tuple[Decision, str]:
    result = authorizer.authorize(attrs)
    if isinstance(result, tuple):
        return result[0], result[1]
    return result, ""
