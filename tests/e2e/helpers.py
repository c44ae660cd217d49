"""Helpers shared by the e2e tests that speak raw HTTPS to `kubelite serve` (to see status codes,
headers and bodies exactly as a client receives them) and by the kubernetes-client tests."""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests
import urllib3
from kubernetes import client

from tests.e2e.server import KubeliteProcess

urllib3.disable_warnings()


class Raw:
    """A `requests` session pointed at one server: admin client certificate, or a bearer token,
    or no credentials at all (only the CA, to verify the server)."""

    def __init__(self, server_url: str, data_dir: Path, *, auth: str = "cert", token: str | None = None) -> None:
        self.base = server_url
        self.session = requests.Session()
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE and proxies from the environment would override ours
        self.session.verify = str(data_dir / "ca.crt")
        if auth == "cert":
            self.session.cert = (str(data_dir / "admin.crt"), str(data_dir / "admin.key"))
        elif auth == "token":
            assert token is not None
            self.session.headers["Authorization"] = f"Bearer {token}"
        else:
            assert auth == "none"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        data: bytes | str | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
        timeout: float = 30,
    ) -> requests.Response:
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body)
            hdrs.setdefault("Content-Type", content_type or "application/json")
        elif content_type is not None:
            hdrs["Content-Type"] = content_type
        if accept is not None:
            hdrs["Accept"] = accept
        return self.session.request(method, self.base + path, params=params, data=data, headers=hdrs,
                                    stream=stream, timeout=timeout)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)


def raw_for(server: KubeliteProcess, *, auth: str = "cert", token: str | None = None) -> Raw:
    return Raw(server.server_url, server.data_dir, auth=auth, token=token)


def expect_status(resp: requests.Response, code: int, reason: str | None = None) -> dict[str, Any]:
    """The response is a failure `Status` with this HTTP code (and reason); returns the Status."""
    assert resp.status_code == code, f"expected {code}, got {resp.status_code}: {resp.text[:500]}"
    assert resp.headers.get("content-type", "").startswith("application/json"), resp.headers.get("content-type")
    status = resp.json()
    assert status["kind"] == "Status", status
    assert status["apiVersion"] == "v1", status
    assert status["status"] == "Failure", status
    assert status["code"] == code, status
    if reason is not None:
        assert status.get("reason") == reason, status
    assert isinstance(status.get("message", ""), str)
    return status  # type: ignore[no-any-return]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_namespace(api_client: client.ApiClient) -> Iterator[str]:
    """A fresh namespace created over the kubernetes client; deleted (without waiting) afterwards."""
    core = client.CoreV1Api(api_client)
    name = unique("e2e")
    core.create_namespace({"metadata": {"name": name}})
    yield name
    with contextlib.suppress(client.ApiException):
        core.delete_namespace(name)


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def api_exception(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> client.ApiException:
    """Call fn, expecting the kubernetes client to raise ApiException; return it."""
    try:
        result = fn(*args, **kwargs)
    except client.ApiException as exc:
        return exc
    raise AssertionError(f"{getattr(fn, '__name__', fn)} unexpectedly succeeded: {str(result)[:1000]}")


def exc_status(exc: client.ApiException) -> dict[str, Any]:
    body = json.loads(exc.body)
    assert body["kind"] == "Status", body
    assert body["code"] == exc.status, body
    return body  # type: ignore[no-any-return]


def expect_statuses(cases: list[tuple[str, requests.Response]], code: int, reason: str | None = None) -> None:
    """Every response is a failure Status with this code (and reason); reports all that are not."""
    problems = []
    for label, resp in cases:
        try:
            expect_status(resp, code, reason)
        except AssertionError as exc:
            problems.append(f"{label}: {exc}")
    assert not problems, f"{len(problems)} of {len(cases)} not {code} {reason or ''}:\n" + "\n".join(problems)


def table_columns(line: str) -> list[str]:
    """The cells of a line of `kubectl get` output (columns are two or more spaces apart)."""
    return re.split(r"\s{2,}", line.strip())


def wait_until_not_found(read: Callable[[str], Any], name: str, what: str) -> None:
    """Wait until reading name answers 404, and check it is a NotFound Status for that name."""

    def gone() -> bool:
        try:
            read(name)
        except client.ApiException as exc:
            return exc.status == 404
        return False

    wait_for(gone, timeout=15, what=f"{what} deleted")
    status = exc_status(api_exception(read, name))
    assert status["reason"] == "NotFound" and status["details"]["name"] == name
