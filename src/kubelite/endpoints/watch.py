"""Watch streaming (upstream's `endpoints/handlers/watch.go`): newline-delimited
watch events, bookmarks, `timeoutSeconds`, and the end of the stream when the
client goes away."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import orjson

from kubelite.endpoints import negotiation
from kubelite.endpoints.negotiation import MediaType
from kubelite.endpoints.table import partial_metadata, table
from kubelite.http import Request, Response
from kubelite.machinery.errors import StatusError, bad_request, gone
from kubelite.storage.interface import CompactedError, Obj, StorageError, WatchEvent

if TYPE_CHECKING:
    from kubelite.endpoints.handlers import ServedResource
    from kubelite.registry.store import WatchStream

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
    encode = _Encoder(served, media, out)
    stream = _stream(request, served, events, encode, timeout, bookmarks, send_initial_events)
    content_type = media.content_type if media.as_kind else ("application/yaml" if media.media == negotiation.YAML else "application/json")
    return Response(200, content_type=content_type, stream=stream, headers=[("Cache-Control", "no-cache, private")])


def _error_stream(err: StatusError) -> Response:
    async def one() -> AsyncIterator[bytes]:
        yield _error_line(err)

    return Response(200, stream=one())


class _Encoder:
    """Watch lines for one watcher's media type."""

    def __init__(self, served: ServedResource, media: MediaType, out: Callable[[Obj], Obj]) -> None:
        self.strategy = served.store.strategy
        self.media = media
        self.out = out
        self.shared = media.as_kind == ""
        self.cache_key = id(served)  # one group/version/resource: the same bytes for every watcher

    def event(self, event: WatchEvent, first: bool) -> bytes:
        if self.shared:
            # Every watcher of a resource gets the same bytes for the same event: encode once.
            line = event.encoded.get(self.cache_key)
            if line is None:
                line = event.encoded[self.cache_key] = self.line(event.type, event.obj, first)
            return line
        return self.line(event.type, event.obj, first)

    def line(self, event_type: str, obj: Obj, first: bool) -> bytes:
        media = self.media
        if event_type == "BOOKMARK":
            body: Any = obj
        elif media.as_kind == "Table":
            body = table(self.strategy, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                         "Metadata", headers=first, version=media.as_version)
        elif media.as_kind:
            body = partial_metadata(obj, media.as_version)
        else:
            body = self.out(obj)
        return orjson.dumps({"type": event_type, "object": body}) + b"\n"


async def _stream(
    request: Request,
    served: ServedResource,
    events: WatchStream,
    encode: _Encoder,
    timeout: int,
    bookmarks: bool,
    send_initial_events: bool,
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        events.stop()

    async def stopping() -> None:
        await served.stopping.wait()
        events.stop()

    watchdogs = [asyncio.create_task(disconnected()), asyncio.create_task(stopping())]
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
            wait = min(remaining, BOOKMARK_INTERVAL) if bookmarks else remaining
            try:
                batch = await events.next_batch(0.05 if initial_pending else wait)
            except CompactedError as exc:
                yield _error_line(gone(f"too old resource version: {exc.requested} ({exc.compacted})"))
                return
            except StatusError as exc:
                yield _error_line(exc)
                return
            except StorageError:
                return  # e.g. the watcher fell too far behind: end the stream, as upstream
            if batch is None:
                return
            if not batch:
                if initial_pending:
                    # Upstream's WatchList: the initial state has been sent; say so with a bookmark.
                    initial_pending = False
                    yield encode.line("BOOKMARK", _bookmark(api.api_version, api.kind, last_rv, end_of_initial=True), False)
                elif bookmarks:
                    yield encode.line("BOOKMARK", _bookmark(api.api_version, api.kind, last_rv), False)
                continue
            last_rv = str(batch[-1].revision)
            if first:
                yield encode.event(batch[0], True)  # a Table's first row carries the column headers
                first = False
                batch = batch[1:]
            if batch:
                yield b"".join([encode.event(event, False) for event in batch])
    finally:
        events.stop()
        for task in watchdogs:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


def _error_line(err: StatusError) -> bytes:
    return orjson.dumps({"type": "ERROR", "object": err.status}) + b"\n"


def _bookmark(api_version: str, kind: str, rv: str, end_of_initial: bool = False) -> Obj:
    meta: Obj = {"resourceVersion": rv}
    if end_of_initial:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"kind": kind, "apiVersion": api_version, "metadata": meta}
