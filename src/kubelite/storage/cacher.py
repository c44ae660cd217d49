"""Cacher: the watch cache in front of a Storage for ONE resource prefix (upstream's cacher).

It keeps, in memory, every current object under its prefix (a dict plus a sorted key
list) and a window of the most recent events; list, watch and get are served from
memory, and the first read of guaranteed_update and delete too (a stale copy only
fails the storage's compare-and-swap, which then re-reads, as upstream's
cachedExistingObject). Repeated short string values of the cached objects are kept
once (share_strings).

Live mode (a storage with `listen`, i.e. SQLite in this process): the storage hands
each committed change to the cache synchronously, before the writer is answered, so
the cache is exactly as current as the storage at every point on the loop and a
consistent read needs no wait. Otherwise (a remote storage) the cache lists and
watches it, and list(revision=0) waits until the cache has caught up with
storage.current_revision(), asking for a progress bookmark so a quiet prefix catches
up too; after `consistent_read_timeout` it reads the storage instead.

Sharing: an event object (and the object in it) is built once per change and shared
by the cache and every watcher; list items are the cached objects themselves.
Callers must treat them as immutable and copy before mutating (get returns a copy).

If the storage's events break (overflow, storage error), the cache re-lists and every
watcher of the cache is ended (without error, as upstream): clients re-watch from
the last revision they saw, which the storage answers or rejects as compacted.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import dataclasses
import heapq
import itertools
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable

from kubelite.machinery.objects import deep_copy, share_strings
from kubelite.storage.interface import (
    CompactedError,
    KeyNotFoundError,
    ListResult,
    Obj,
    Preconditions,
    Storage,
    StorageError,
    UpdateFn,
    WatchEvent,
)
from kubelite.storage.keyrange import prefix_end
from kubelite.storage.watchers import Broadcaster, IteratorSource, Listener, QueueSource, Subscription

log = logging.getLogger(__name__)


class Cacher:
    def __init__(
        self,
        storage: Storage,
        prefix: str,
        *,
        window: int = 10_000,
        watcher_queue_size: int = 10_000,
        consistent_read_timeout: float = 3.0,
        bookmark_interval: float | None = 60.0,
        key_func: Callable[[str, Obj], str] | None = None,
    ) -> None:
        """Call start() before use.

        window: how many recent events are kept for watches from a past revision.
        watcher_queue_size: events a watcher may lag before WatchOverflowError.
        consistent_read_timeout: how long list(revision=0) waits for the cache to
        catch up before reading the storage instead.
        bookmark_interval: seconds between BOOKMARKs to progress_notify watchers (None: off).
        key_func(prefix, obj): the storage key of a listed object (lists carry no keys);
        default prefix + "<namespace>/<name>", or prefix + "<name>" when cluster-scoped
        (the DESIGN.md §4 layout)."""
        self.storage = storage
        self.prefix = prefix
        self._window_cap = window
        self._consistent_timeout = consistent_read_timeout
        self._bookmark_interval = bookmark_interval
        self._bcast = Broadcaster(watcher_queue_size)
        self._objects: dict[str, Obj] = {}
        self._keys: list[str] = []  # sorted; bisect keeps it so (memmove of pointers: cheap)
        self._window: deque[WatchEvent] = deque()
        self._window_start = 0  # the window holds every event with revision > this
        self._rev = 0
        self._ready = asyncio.Event()
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []  # heap by revision
        self._seq = itertools.count()
        self._progress_requested = 0  # a bookmark at least this new is on its way
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self._key_func = key_func or namespace_key
        self._key_mismatch_logged = False
        # Live: the storage hands us each change synchronously (SQLite's listen), so the
        # cache is as current as the storage's revision at every point on the loop.
        self._live = False
        self._listening: Subscription | None = None

    # --- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        """Load the cache; returns once it is ready to serve."""
        if hasattr(self.storage, "listen"):
            await self._start_listening(reinit=False)
            if self._bookmark_interval:
                self._tasks.append(asyncio.create_task(self._bookmarks(self._bookmark_interval)))
            return
        first = asyncio.get_running_loop().create_future()
        self._tasks.append(asyncio.create_task(self._run(first), name=f"cacher {self.prefix}"))
        if self._bookmark_interval:
            self._tasks.append(asyncio.create_task(self._bookmarks(self._bookmark_interval)))
        try:
            await first
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Stop the cache and end its watchers. The storage stays open (it is shared)."""
        self._closed = True
        if self._live:
            self._live = False
            self.storage.unlisten(self._listening)  # type: ignore[attr-defined]
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._bcast.close_all()

    @property
    def revision(self) -> int:
        """Every change under the prefix up to this revision is in the cache."""
        if self._live:
            return max(self._rev, self.storage.revision)  # type: ignore[attr-defined]
        return self._rev

    async def _relisten(self) -> None:
        delay = 0.1
        while not self._closed:
            try:
                await self._start_listening(reinit=True)
                return
            except StorageError as e:
                log.warning("cacher %s: re-list failed (%s); retrying", self.prefix, e)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _start_listening(self, reinit: bool) -> None:
        pending: list[WatchEvent] = []

        def on_event(ev: WatchEvent) -> None:
            if self._live:
                self._apply(ev)
            else:
                pending.append(ev)

        def on_close(error: BaseException | None) -> None:
            self._live = False
            if error is None or self._closed:
                # The storage is closing: end our watchers; reads go to it from now on.
                self._closed = True
                self._bcast.close_all()
                return
            # Events were lost (as an overflow would): re-list, ending every watcher.
            log.warning("cacher %s: re-listing after %s", self.prefix, error)
            self._ready.clear()
            self._tasks.append(asyncio.create_task(self._relisten()))

        storage = self.storage
        sub = storage.listen(self.prefix, Listener(on_event, on_close))  # type: ignore[attr-defined]
        try:
            # Subscribed before the snapshot: changes committed during the read are
            # either in it (revision <= its revision) or applied after it.
            lr = await storage.list(self.prefix)
        except BaseException:
            storage.unlisten(sub)  # type: ignore[attr-defined]
            raise
        self._reset(lr, reinit)
        for ev in pending:
            if ev.revision > lr.revision:
                self._apply(ev)
        self._live = True
        self._listening = sub

    async def _run(self, first: asyncio.Future[None]) -> None:
        delay = 0.1
        reinit = False
        while not self._closed:
            try:
                lr = await self.storage.list(self.prefix)
                self._reset(lr, reinit)
                reinit = True
                if not first.done():
                    first.set_result(None)
                async for ev in self.storage.watch(self.prefix, lr.revision, progress_notify=True):
                    self._apply(ev)
                    delay = 0.1
                log.info("cacher %s: storage watch ended; stopping", self.prefix)
                self._closed = True  # the storage is closing: reads go to it from now on
                break
            except asyncio.CancelledError:
                raise
            except StorageError as e:
                log.warning("cacher %s: re-listing after %s", self.prefix, e)
                if not first.done() and not self._ready.is_set():
                    first.set_exception(e)
                    return
            except Exception as e:
                log.exception("cacher %s failed", self.prefix)
                if not first.done():
                    first.set_exception(e)
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        self._bcast.close_all()

    def _reset(self, lr: ListResult, reinit: bool) -> None:
        if reinit:
            # Events between the old and new state are unknown: watchers cannot continue.
            self._bcast.close_all()
            self._bcast = Broadcaster(self._bcast.capacity)
        self._objects = {}
        for obj in lr.items:
            share_strings(obj)
            self._objects[self._key_func(self.prefix, obj)] = obj
        self._keys = sorted(self._objects)
        self._window.clear()
        self._window_start = lr.revision
        self._progress_requested = 0  # a request made on the old storage watch is void
        self._set_rev(lr.revision)
        self._ready.set()

    def _apply(self, ev: WatchEvent) -> None:
        if ev.type == "BOOKMARK":
            self._set_rev(ev.revision)
            return
        key = ev.key
        old = self._objects.get(key)
        if ev.type == "DELETED":
            if old is not None:
                del self._objects[key]
                i = bisect.bisect_left(self._keys, key)
                del self._keys[i]
        else:
            share_strings(ev.obj)
            self._objects[key] = ev.obj
            if old is None:
                bisect.insort(self._keys, key)
                if not self._key_mismatch_logged and self._key_func(self.prefix, ev.obj) != key:
                    self._key_mismatch_logged = True  # a wrong key_func would corrupt re-lists
                    log.error(
                        "cacher %s: key_func gives %r for key %r",
                        self.prefix,
                        self._key_func(self.prefix, ev.obj),
                        key,
                    )
        if ev.prev is None and old is not None:
            ev = dataclasses.replace(ev, prev=old)
        if len(self._window) >= self._window_cap:
            self._window_start = self._window.popleft().revision
        self._window.append(ev)
        self._set_rev(ev.revision)
        self._bcast.publish_event(ev)

    def _set_rev(self, rev: int) -> None:
        if rev > self._rev:
            self._rev = rev
        w = self._waiters
        while w and w[0][0] <= self._rev:
            fut = heapq.heappop(w)[2]
            if not fut.done():
                fut.set_result(None)

    async def _wait_for(self, rev: int, timeout: float) -> bool:
        """Wait until the cache is at rev or later; False on timeout."""
        if self.revision >= rev:
            return True
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (rev, next(self._seq), fut))
        if self._progress_requested < rev:
            # The prefix may be quiet while others change: ask for a progress bookmark,
            # once for all readers waiting for this revision or an older one.
            self._progress_requested = await self.storage.current_revision()
            await self.storage.request_progress()
        try:
            await asyncio.wait_for(fut, timeout)
            return True
        except TimeoutError:
            return False

    async def _bookmarks(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(StorageError):
                await self.request_progress()

    # --- reads -------------------------------------------------------------------

    async def get(self, key: str) -> Obj:
        if not self._serves(key):
            return await self.storage.get(key)
        obj = self._objects.get(key)
        if obj is None:
            raise KeyNotFoundError(key)
        # Cached objects are shared with watchers and lists; the caller may mutate its copy.
        copied: Obj = deep_copy(obj)
        return copied

    def _serves(self, key: str) -> bool:
        """Whether key can be read from memory: live, and under our prefix."""
        return self._live and key.startswith(self.prefix)

    async def list(
        self, prefix: str, *, revision: int = 0, limit: int = 0, start_after: str = ""
    ) -> ListResult:
        """Storage.list semantics. Served from memory for revision 0 (after catching up
        with the storage) and for revision == self.revision; other past revisions
        (e.g. continuing a paged list) go to the storage."""
        await self._ready.wait()
        if self._closed:
            return await self.storage.list(prefix, revision=revision, limit=limit, start_after=start_after)
        if revision == 0:
            target = await self.storage.current_revision()
            if not await self._wait_for(target, self._consistent_timeout):
                log.warning("cacher %s: not caught up to %d in time; reading storage", self.prefix, target)
                return await self.storage.list(prefix, limit=limit, start_after=start_after)
            return self._list_memory(prefix, limit, start_after)
        if revision == self.revision:
            return self._list_memory(prefix, limit, start_after)
        return await self.storage.list(prefix, revision=revision, limit=limit, start_after=start_after)

    async def list_cached(
        self, prefix: str, *, min_revision: int = 0, limit: int = 0, start_after: str = ""
    ) -> ListResult:
        """Upstream's resourceVersionMatch=NotOlderThan: the cache's state as soon as it is
        at min_revision or later (0: whatever it has now, like resourceVersion="0")."""
        await self._ready.wait()
        if self._closed:
            return await self.storage.list(prefix, limit=limit, start_after=start_after)
        if min_revision > self.revision and not await self._wait_for(min_revision, self._consistent_timeout):
            return await self.storage.list(prefix, limit=limit, start_after=start_after)
        return self._list_memory(prefix, limit, start_after)

    def _list_memory(self, prefix: str, limit: int, start_after: str) -> ListResult:
        # Synchronous from here on: the snapshot cannot change under us.
        keys = self._keys
        if start_after and start_after >= prefix:
            lo = bisect.bisect_right(keys, start_after)
        else:
            lo = bisect.bisect_left(keys, prefix)
        end = prefix_end(prefix)
        hi = len(keys) if end is None else bisect.bisect_left(keys, end, lo)
        n = hi - lo
        more = 0 < limit < n
        stop = lo + limit if more else hi
        objs = self._objects
        items = [objs[k] for k in keys[lo:stop]]
        return ListResult(items=items, revision=self.revision, more=more, remaining=n - len(items) if more else 0)

    async def count(self, prefix: str) -> int:
        return await self.storage.count(prefix)

    async def current_revision(self) -> int:
        if self._live:
            return self.revision
        return await self.storage.current_revision()

    # --- watch -------------------------------------------------------------------

    def watch(
        self, prefix: str, from_revision: int, *, progress_notify: bool = False
    ) -> AsyncIterator[WatchEvent]:
        """Served from the window when it reaches back to from_revision, else by the storage."""
        return self._watch(prefix, max(from_revision, 0), progress_notify)

    async def request_progress(self) -> None:
        """Send progress_notify watchers a BOOKMARK at the storage's current revision."""
        target = await self.storage.current_revision()
        if await self._wait_for(target, self._consistent_timeout):
            self._bcast.bookmark(self.revision)

    async def _watch(
        self, prefix: str, from_revision: int, progress: bool
    ) -> AsyncGenerator[WatchEvent, None]:
        source = await self.watch_batches(prefix, from_revision, progress_notify=progress)
        try:
            while (batch := await source.next_batch(None)) is not None:
                for ev in batch:
                    yield ev
        finally:
            source.stop()

    async def watch_batches(
        self, prefix: str, from_revision: int, *, progress_notify: bool = False
    ) -> QueueSource:
        """watch() as batches: each call of next_batch hands over every event that has
        arrived, so a watcher that fell behind catches up in one step."""
        await self._ready.wait()
        from_revision = max(from_revision, 0)
        if self._closed:
            return IteratorSource(self.storage.watch(prefix, from_revision, progress_notify=progress_notify), 10_000)
        compacted = getattr(self.storage, "compacted_revision", 0)
        if 0 < from_revision < compacted:
            # DESIGN.md §4: a compacted revision is 410 Gone, even while the window still holds it.
            raise CompactedError(from_revision, compacted)
        if from_revision < self._window_start:
            return IteratorSource(self.storage.watch(prefix, from_revision, progress_notify=progress_notify), self._bcast.capacity)
        # No await between taking the backlog and subscribing: nothing slips in between.
        backlog = [ev for ev in _since(self._window, from_revision) if ev.key.startswith(prefix)]
        bcast = self._bcast
        sub, queue = bcast.subscribe(prefix, progress_notify)
        return QueueSource(backlog, queue, lambda: bcast.unsubscribe(sub), from_revision)

    # --- writes: straight to the storage ------------------------------------------

    async def create(self, key: str, obj: Obj) -> Obj:
        return await self.storage.create(key, obj)

    async def guaranteed_update(
        self, key: str, fn: UpdateFn, preconditions: Preconditions | None = None, current: Obj | None = None
    ) -> Obj:
        if current is None and self._serves(key):
            current = self._objects.get(key)
            if current is None:
                raise KeyNotFoundError(key)
        return await self.storage.guaranteed_update(key, fn, preconditions, current)

    async def delete(
        self,
        key: str,
        preconditions: Preconditions | None = None,
        validate: Callable[[Obj], Awaitable[None]] | None = None,
        current: Obj | None = None,
    ) -> Obj:
        if current is None and self._serves(key):
            current = self._objects.get(key)
            if current is None:
                raise KeyNotFoundError(key)
        return await self.storage.delete(key, preconditions, validate, current)

    async def compact(self, revision: int) -> None:
        await self.storage.compact(revision)


def namespace_key(prefix: str, obj: Obj) -> str:
    """prefix + "<namespace>/<name>" (namespaced) or prefix + "<name>" (cluster-scoped)."""
    md = obj.get("metadata") or {}
    ns = md.get("namespace")
    return f"{prefix}{ns}/{md.get('name')}" if ns else f"{prefix}{md.get('name')}"


def _since(window: deque[WatchEvent], revision: int) -> list[WatchEvent]:
    """The window's events after revision (scanning from the new end: usually few)."""
    out: list[WatchEvent] = []
    for ev in reversed(window):
        if ev.revision <= revision:
            break
        out.append(ev)
    out.reverse()
    return out
