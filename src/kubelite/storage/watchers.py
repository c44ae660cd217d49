"""In-process watch fan-out: a bounded per-watcher queue, a synchronous listener, a
prefix broadcaster, and watches read as batches (QueueSource).

Both backends' live watches and the watch cache use these. Events are pushed
synchronously on the event loop, in revision order; one event object is shared by
every watcher it matches (never copied per watcher). A consumer takes every event
that has arrived at once, and a broadcaster with many watchers wakes each of them once
for a burst of events (the delay grows with their number, at most 25 ms).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
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

    Waking the consumer may be deferred (`notify`): a broadcaster with many watchers
    wakes each of them once for a burst of events instead of once per event.
    """

    __slots__ = ("capacity", "last_revision", "_buf", "_waiter", "_closed", "_error", "_notify", "_wake_pending")
    wants_prev = True  # consumers filter by selectors, which needs the previous state

    def __init__(self, capacity: int, notify: Callable[[WatchQueue], None] | None = None) -> None:
        self.capacity = capacity
        self.last_revision = 0  # revision of the newest event pushed (to skip idle bookmarks)
        self._buf: deque[WatchEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._error: BaseException | None = None
        self._notify = notify
        self._wake_pending = False

    def push(self, event: WatchEvent) -> None:
        if self._closed:
            return
        if len(self._buf) >= self.capacity:
            self.close(WatchOverflowError(self.capacity))
            return
        self._buf.append(event)
        self.last_revision = event.revision
        if self._waiter is None:
            return  # the consumer is busy; it takes the buffer when it comes back
        if self._notify is None:
            self.wake()
        elif not self._wake_pending:
            self._wake_pending = True
            self._notify(self)

    def close(self, error: BaseException | None = None) -> None:
        """End the stream: after the buffered events if error is None, at once otherwise."""
        if self._closed:
            return
        self._closed = True
        if error is not None:
            self._error = error
            self._buf.clear()
        self.wake()

    @property
    def closed(self) -> bool:
        return self._closed

    def wake(self) -> None:
        self._wake_pending = False
        w = self._waiter
        if w is not None:
            self._waiter = None
            if not w.done():
                w.set_result(None)

    async def get(self) -> list[WatchEvent]:
        """All buffered events (at least one); [] once closed and drained."""
        while True:
            batch = await self.next_batch(None)
            if batch is None:
                return []
            if batch:
                return batch

    async def next_batch(self, timeout: float | None) -> list[WatchEvent] | None:
        """All buffered events, waiting up to timeout (None: forever) for the first:
        [] when the time ran out, None once closed and drained."""
        if not self._buf and not self._closed:
            if timeout is not None and timeout <= 0:
                return []
            loop = asyncio.get_running_loop()
            w = self._waiter = loop.create_future()
            timer = loop.call_later(timeout, _release, w) if timeout is not None else None
            try:
                await w
            finally:
                if timer is not None:
                    timer.cancel()
                if self._waiter is w:
                    self._waiter = None
        if self._error is not None:
            raise self._error
        if not self._buf:
            return None if self._closed else []
        out = list(self._buf)
        self._buf.clear()
        return out


def _release(w: asyncio.Future[None]) -> None:
    if not w.done():
        w.set_result(None)


class QueueSource:
    """One watch as batches: a backlog, then a live queue. Events at or before the
    last revision handed out are dropped (the backlog and the queue may overlap)."""

    def __init__(
        self, backlog: list[WatchEvent], queue: WatchQueue, on_stop: Callable[[], None], last: int
    ) -> None:
        self._backlog = backlog
        self._queue = queue
        self._on_stop: Callable[[], None] | None = on_stop
        self._last = last

    async def next_batch(self, timeout: float | None) -> list[WatchEvent] | None:
        """Events (at least one), [] if none came within timeout, None once the watch ended.
        Raises what ended the watch abnormally (WatchOverflowError, CompactedError, ...)."""
        if self._backlog:
            out, self._backlog = self._backlog, []
        else:
            batch = await self._queue.next_batch(timeout)
            if batch is None:
                self.stop()
                return None
            last = self._last
            out = batch if not batch or batch[0].revision > last else [ev for ev in batch if ev.revision > last]
        if out:
            self._last = out[-1].revision
        return out

    def stop(self) -> None:
        """End the watch; a pending next_batch returns None."""
        on_stop, self._on_stop = self._on_stop, None
        if on_stop is not None:
            on_stop()
        self._queue.close()


class IteratorSource(QueueSource):
    """An async iterator of events (a storage's own watch) as batches, through a task."""

    def __init__(self, events: AsyncIterator[WatchEvent], capacity: int) -> None:
        queue = WatchQueue(capacity)
        self._task = asyncio.create_task(self._pump(events, queue))
        super().__init__([], queue, self._cancel, 0)

    def _cancel(self) -> None:
        self._task.cancel()

    @staticmethod
    async def _pump(events: AsyncIterator[WatchEvent], queue: WatchQueue) -> None:
        try:
            async for ev in events:
                queue.push(ev)
            queue.close()
        except asyncio.CancelledError:
            queue.close()
            raise
        except Exception as e:
            queue.close(e)
        finally:
            aclose = getattr(events, "aclose", None)
            if aclose is not None:
                await aclose()


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
        self._to_wake: list[WatchQueue] = []
        self._wake_handle: asyncio.Handle | None = None

    def __len__(self) -> int:
        return sum(len(s) for s in self._by_prefix.values())

    def subscribe(self, prefix: str, progress: bool = False) -> tuple[Subscription, WatchQueue]:
        queue = WatchQueue(self.capacity, self._wake_later)
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

    def _wake_later(self, queue: WatchQueue) -> None:
        # Each wake costs a task switch and a write per watcher. With many watchers,
        # events arriving within a short delay share one wake; the delay grows with the
        # number of watchers (50 µs each, at most 50 ms), so one watcher is not delayed.
        self._to_wake.append(queue)
        if self._wake_handle is None:
            delay = min(_MAX_WAKE_DELAY, _WAKE_DELAY_PER_WATCHER * len(self))
            loop = asyncio.get_running_loop()
            self._wake_handle = loop.call_later(delay, self._wake_all) if delay >= 0.001 else loop.call_soon(self._wake_all)

    def _wake_all(self) -> None:
        self._wake_handle = None
        queues, self._to_wake = self._to_wake, []
        for q in queues:
            q.wake()

    def close_all(self, error: BaseException | None = None) -> None:
        for subs in self._by_prefix.values():
            for sub in subs:
                sub.queue.close(error)


_WAKE_DELAY_PER_WATCHER = 25e-6
_MAX_WAKE_DELAY = 0.025


def _identity(x: Any, with_prev: bool) -> Any:
    return x
