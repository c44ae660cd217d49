"""Watch streaming (upstream's `endpoints/handlers/watch.go`): newline-delimited
watch events, bookmarks, `timeoutSeconds`, and the end of the stream when the
client goes away."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import orjson

from kubelite.endpoints import negotiation
from kubelite.endpoints.negotiation import MediaType
from kubelite.endpoints.table import partial_metadata, table
from kubelite.http import Request, Response
from kubelite.machinery.errors import StatusError, bad_request, gone
from kubelite.storage.interface import CompactedError, Obj

if TYPE_CHECKING:
    from kubelite.endpoints.handlers import ServedResource

BOOKMARK_INTERVAL = 10.0  # seconds between bookmarks when the client allows them
MIN_REQUEST_TIMEOUT = 1800  # upstream's --min-request-timeout


async def serve_watch(
    request: Request,
    served: ServedResource,
    namespace: str,
    predicate: Callable[[Obj], bool] | None,
    media: MediaType,
    *,
    send_initial_events: bool,
    out: Callable[[Obj], Obj],
) -> Response:
    raw_timeout = request.param("timeoutSeconds")
    try:
        timeout = int(raw_timeout) if raw_timeout else int(MIN_REQUEST_TIMEOUT * (1 + random.random()))
    except ValueError:
        raise bad_request(f'invalid value for timeoutSeconds: "{raw_timeout}"') from None
    bookmarks = request.param("allowWatchBookmarks") in ("true", "1")
    rv = request.param("resourceVersion")
    store = served.store
    try:
        events = await store.watch(namespace, predicate, rv, send_initial_events=send_initial_events or None)
    except CompactedError as exc:
        return _error_stream(gone(f"too old resource version: {rv} ({exc.compacted})"))
    encode = _encoder(served, media, out)
    stream = _stream(request, served, events, encode, timeout, bookmarks, send_initial_events)
    content_type = media.content_type if media.as_kind else ("application/yaml" if media.media == negotiation.YAML else "application/json")
    return Response(200, content_type=content_type, stream=stream, headers=[("Cache-Control", "no-cache, private")])


def _error_stream(err: StatusError) -> Response:
    async def one() -> AsyncIterator[bytes]:
        yield orjson.dumps({"type": "ERROR", "object": err.status}) + b"\n"

    return Response(200, stream=one())


def _encoder(served: ServedResource, media: MediaType, out: Callable[[Obj], Obj]) -> Callable[[str, Obj, bool], bytes]:
    strategy = served.store.strategy

    def encode(event_type: str, obj: Obj, first: bool) -> bytes:
        if event_type == "BOOKMARK":
            body: Any = obj
        elif media.as_kind == "Table":
            body = table(strategy, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                         "Metadata", headers=first, version=media.as_version)
        elif media.as_kind:
            body = partial_metadata(obj, media.as_version)
        else:
            # Every watcher of a resource gets the same bytes for the same event: encode once.
            meta = obj["metadata"]
            cache_key = (event_type, meta.get("uid"), meta.get("resourceVersion"), served.api.api_version, served.api.resource)
            cached = _ENCODED.get(cache_key)
            if cached is None:
                cached = orjson.dumps({"type": event_type, "object": out(obj)}) + b"\n"
                _ENCODED[cache_key] = cached
                if len(_ENCODED) > _ENCODED_MAX:
                    _ENCODED.popitem(last=False)
            return cached
        return orjson.dumps({"type": event_type, "object": body}) + b"\n"

    return encode


# Recently encoded watch events, keyed by (type, uid, resourceVersion, apiVersion, resource):
# a uid and resourceVersion name one state of one object, so the bytes never go stale.
_ENCODED: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_ENCODED_MAX = 4096


async def _stream(
    request: Request,
    served: ServedResource,
    events: AsyncIterator[Any],
    encode: Callable[[str, Obj, bool], bytes],
    timeout: int,
    bookmarks: bool,
    send_initial_events: bool,
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    queue: asyncio.Queue[Any] = asyncio.Queue()
    done = object()

    async def pump() -> None:
        try:
            async for event in events:
                await queue.put(event)
        except CompactedError as exc:
            await queue.put(gone(f"too old resource version: {exc.requested} ({exc.compacted})"))
        except StatusError as exc:
            await queue.put(exc)
        finally:
            await queue.put(done)

    async def disconnected() -> None:
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                await queue.put(done)
                return

    async def stopping() -> None:
        await served.stopping.wait()
        await queue.put(done)

    pump_task = asyncio.create_task(pump())
    disconnect_task = asyncio.create_task(disconnected())
    stop_task = asyncio.create_task(stopping())
    first = True
    rv_param = request.param("resourceVersion")
    last_rv = rv_param if rv_param.isdigit() else "0"
    initial_pending = send_initial_events
    api = served.api
    try:
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            wait = min(remaining, BOOKMARK_INTERVAL) if (bookmarks or initial_pending) else remaining
            if initial_pending and queue.empty():
                wait = 0.05
            try:
                item = await asyncio.wait_for(queue.get(), wait)
            except TimeoutError:
                if initial_pending:
                    # Upstream's WatchList: the initial state has been sent; say so with a bookmark.
                    initial_pending = False
                    yield encode("BOOKMARK", _bookmark(api.api_version, api.kind, last_rv, end_of_initial=True), False)
                elif bookmarks:
                    yield encode("BOOKMARK", _bookmark(api.api_version, api.kind, last_rv), False)
                continue
            if item is done:
                return
            if isinstance(item, StatusError):
                yield orjson.dumps({"type": "ERROR", "object": item.status}) + b"\n"
                return
            last_rv = str(item.revision)
            yield encode(item.type, item.obj, first)
            first = False
    finally:
        for task in (pump_task, disconnect_task, stop_task):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(BaseException):
                await aclose()


def _bookmark(api_version: str, kind: str, rv: str, end_of_initial: bool = False) -> Obj:
    meta: Obj = {"resourceVersion": rv}
    if end_of_initial:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"kind": kind, "apiVersion": api_version, "metadata": meta}
