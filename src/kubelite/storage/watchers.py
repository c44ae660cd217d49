"""In-process watch fan-out: a bounded per-watcher queue and a prefix broadcaster.

Both backends' live watches and the watch cache use these. Events are pushed
synchronously on the event loop, in revision order; one event object is shared by
every watcher it matches (never copied per watcher).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from kubelite.storage.interface import WatchEvent, WatchOverflowError

T = TypeVar("T")


def bookmark(revision: int) -> WatchEvent:
    """A progress event: every change up to revision has been delivered."""
    return WatchEvent("BOOKMARK", "", {"metadata": {"resourceVersion": str(revision)}}, revision)


class WatchQueue:
    """A bounded buffer of events for one watcher.

    Overflow does not block the producer (a slow consumer must never stall writers):
    the buffer is dropped and the consumer gets WatchOverflowError instead.
    """

    __slots__ = ("capacity", "last_revision", "_buf", "_waiter", "_closed", "_error")
    wants_prev = True  # consumers filter by selectors, which needs the previous state

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.last_revision = 0  # revision of the newest event pushed (to skip idle bookmarks)
        self._buf: deque[WatchEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._error: BaseException | None = None

    def push(self, event: WatchEvent) -> None:
        if self._closed:
            return
        if len(self._buf) >= self.capacity:
            self.close(WatchOverflowError(self.capacity))
            return
        self._buf.append(event)
        self.last_revision = event.revision
        self._wake()

    def close(self, error: BaseException | None = None) -> None:
        """End the stream: after the buffered events if error is None, at once otherwise."""
        if self._closed:
            return
        self._closed = True
        if error is not None:
            self._error = error
            self._buf.clear()
        self._wake()

    @property
    def closed(self) -> bool:
        return self._closed

    def _wake(self) -> None:
        w = self._waiter
        if w is not None:
            self._waiter = None
            if not w.done():
                w.set_result(None)

    async def get(self) -> list[WatchEvent]:
        """All buffered events (at least one); [] once closed and drained."""
        while not self._buf:
            if self._error is not None:
                raise self._error
            if self._closed:
                return []
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        if self._error is not None:
            raise self._error
        out = list(self._buf)
        self._buf.clear()
        return out


class Listener:
    """In place of a WatchQueue: hands each event to a callback at once, on the loop,
    inside the producer's call (for a storage, before the writer is answered).

    The watch cache listens this way, so it is never behind its storage on the loop."""

    __slots__ = ("last_revision", "_on_event", "_on_close", "_closed")
    wants_prev = False  # a cache has the previous state itself

    def __init__(
        self, on_event: Callable[[WatchEvent], None], on_close: Callable[[BaseException | None], None]
    ) -> None:
        self.last_revision = 0
        self._on_event = on_event
        self._on_close = on_close
        self._closed = False

    def push(self, event: WatchEvent) -> None:
        if not self._closed:
            self.last_revision = event.revision
            self._on_event(event)

    def close(self, error: BaseException | None = None) -> None:
        if not self._closed:
            self._closed = True
            self._on_close(error)

    @property
    def closed(self) -> bool:
        return self._closed


class Subscription:
    __slots__ = ("prefix", "progress", "queue")

    def __init__(self, prefix: str, progress: bool, queue: WatchQueue | Listener) -> None:
        self.prefix = prefix
        self.progress = progress
        self.queue = queue


class Broadcaster:
    """Routes each event to the subscriptions whose prefix matches its key.

    Subscriptions are grouped by prefix so the per-event cost grows with the number
    of distinct prefixes (resource, namespaces), not of watchers.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._by_prefix: dict[str, set[Subscription]] = {}
        self._progress: set[Subscription] = set()

    def __len__(self) -> int:
        return sum(len(s) for s in self._by_prefix.values())

    def subscribe(self, prefix: str, progress: bool = False) -> tuple[Subscription, WatchQueue]:
        queue = WatchQueue(self.capacity)
        return self._add(Subscription(prefix, progress, queue)), queue

    def listen(self, prefix: str, listener: Listener, progress: bool = False) -> Subscription:
        return self._add(Subscription(prefix, progress, listener))

    def _add(self, sub: Subscription) -> Subscription:
        prefix, progress = sub.prefix, sub.progress
        self._by_prefix.setdefault(prefix, set()).add(sub)
        if progress:
            self._progress.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        subs = self._by_prefix.get(sub.prefix)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._by_prefix[sub.prefix]
        self._progress.discard(sub)
        sub.queue.close()

    def publish(self, key: str, raw: T, build: Callable[[T, bool], WatchEvent]) -> None:
        """Deliver one change; build(raw, with_prev) makes the event, lazily, only if
        someone matches, and with its previous state only for subscribers that want it."""
        events: list[WatchEvent | None] = [None, None]  # [without prev, with prev]
        for prefix, subs in self._by_prefix.items():
            if key.startswith(prefix):
                for sub in subs:
                    want = sub.queue.wants_prev
                    event = events[want]
                    if event is None:
                        event = events[want] = build(raw, want)
                    sub.queue.push(event)

    def publish_event(self, event: WatchEvent) -> None:
        self.publish(event.key, event, _identity)

    def bookmark(self, revision: int) -> None:
        """Tell progress subscribers that everything up to revision has been delivered."""
        event: WatchEvent | None = None
        for sub in self._progress:
            if sub.queue.last_revision < revision:
                if event is None:
                    event = bookmark(revision)
                sub.queue.push(event)

    def close_all(self, error: BaseException | None = None) -> None:
        for subs in self._by_prefix.values():
            for sub in subs:
                sub.queue.close(error)


def _identity(x: Any, with_prev: bool) -> Any:
    return x
