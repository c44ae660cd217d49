"""Builds the handler chain around the mux, as upstream's DefaultBuildHandlerChain
(the last filter wrapped is the first to run)."""

from __future__ import annotations

from kubelite.auth.authn import Authenticator
from kubelite.auth.authz import Authorizer
from kubelite.filters.audit import AuditSink, with_audit
from kubelite.filters.authentication import with_authentication
from kubelite.filters.authorization import with_authorization
from kubelite.filters.inflight import with_max_in_flight
from kubelite.filters.recovery import with_panic_recovery
from kubelite.filters.requestinfo import with_request_info
from kubelite.filters.timeout import with_timeout
from kubelite.http import Handler


def build_handler_chain(
    mux: Handler,
    authenticator: Authenticator,
    authorizer: Authorizer,
    audit_sinks: list[AuditSink],
    max_requests_inflight: int,
    max_mutating_requests_inflight: int,
    request_timeout: float,
) -> Handler:
    handler = with_authorization(mux, authorizer)
    handler = with_audit(handler, audit_sinks)
    handler = with_authentication(handler, authenticator)
    handler = with_timeout(handler, request_timeout)
    handler = with_max_in_flight(handler, max_requests_inflight, max_mutating_requests_inflight)
    handler = with_request_info(handler)
    return with_panic_recovery(handler)
