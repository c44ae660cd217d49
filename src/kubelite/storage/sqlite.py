"""SQLiteStorage: the embedded backend of the storage contract (DESIGN.md §4).

Owns the async face of the SQLite store: writes go to the writer thread
(sqlite_writer: group commit, one global revision), reads run on a small pool of
reader threads with their own connections (WAL lets them read a consistent snapshot
while the writer commits), and live watches are fed by an in-process broadcaster
that the writer's commit callback drives, in revision order.

Supported list revisions: 0 (latest) and any revision from the compacted one up to
the current one (a past snapshot is rebuilt from kv + history); older ->
CompactedError, newer -> FutureRevisionError. watch(prefix, R) works for any R from
the compacted revision on (R = 0 replays all history, so it fails once anything was
compacted); for "the current state, then changes", list and watch from the list's
revision.

Watch queues hold up to watch_queue_size events per watcher; past that the watcher
gets WatchOverflowError (writers never wait for watchers).

Ownership: create() takes ownership of obj and returns it with resourceVersion set;
guaranteed_update() returns fn's result likewise. Objects handed out by watch() are
shared between watchers: treat them as read-only.

Usage::

    store = await SQLiteStorage("/data/kubelite.db").open()
    ...
    await store.close()
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

import orjson

from kubelite.storage import sqlite_db as db
from kubelite.storage.interface import (
    CompactedError,
    KeyNotFoundError,
    ListResult,
    Obj,
    Preconditions,
    StorageError,
    UpdateFn,
    WatchEvent,
)
from kubelite.storage.preconditions import check_preconditions
from kubelite.storage.sqlite_writer import COMPACT, CREATE, DELETE, UPDATE, Change, Conflict, Outcome, Writer
from kubelite.storage.watchers import Broadcaster, Listener, Subscription

T = TypeVar("T")


class StorageClosedError(StorageError):
    def __init__(self) -> None:
        super().__init__("storage is closed")


class SQLiteStorage:
    def __init__(
        self,
        path: str,
        *,
        readers: int = 4,
        max_batch: int = 2000,
        watch_queue_size: int = 100_000,
        replay_page: int = 1000,
    ) -> None:
        """path: the database file (created if absent; `path + ".lock"` guards against a
        second process). watch_queue_size: events a watcher may lag before it gets
        WatchOverflowError. replay_page: history rows read per query when a watch replays."""
        self.path = path
        self._n_readers = readers
        self._max_batch = max_batch
        self._replay_page = replay_page
        self._bcast = Broadcaster(watch_queue_size)
        self._rev = 0  # last revision whose commit was delivered to the loop
        self._closed = True
        self._writer: Writer | None = None
        self._readers: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._conns: list[Any] = []
        self._conns_lock = threading.Lock()
        self._lock_fd: int | None = None
        self.compacted_revision = 0  # history is gone up to here (watch caches honour it)

    # --- lifecycle ---------------------------------------------------------------

    async def open(self) -> SQLiteStorage:
        """Open (creating if needed) the database; binds the store to the running loop."""
        loop = asyncio.get_running_loop()
        self._lock_fd = await asyncio.to_thread(_lock_file, self.path + ".lock")
        writer = Writer(self.path, loop, self._on_commit, self._max_batch)
        writer.start()
        try:
            self._rev, self.compacted_revision = await writer.ready
        except BaseException:
            _unlock_file(self._lock_fd)
            self._lock_fd = None
            raise
        self._writer = writer
        self._readers = ThreadPoolExecutor(
            self._n_readers, thread_name_prefix="kubelite-sqlite-read", initializer=self._reader_init
        )
        self._closed = False
        return self

    async def close(self) -> None:
        """Commit queued writes, end watches, stop the threads, close the connections."""
        if self._closed:
            return
        self._closed = True
        assert self._writer is not None and self._readers is not None
        self._writer.stop()
        await self._writer.done
        self._bcast.close_all()
        readers = self._readers
        await asyncio.to_thread(readers.shutdown, True)
        with self._conns_lock:
            for conn in self._conns:
                conn.close()
            self._conns.clear()
        if self._lock_fd is not None:
            _unlock_file(self._lock_fd)
            self._lock_fd = None

    async def __aenter__(self) -> SQLiteStorage:
        return await self.open()

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # --- plumbing ----------------------------------------------------------------

    def _reader_init(self) -> None:
        conn = db.connect(self.path, readonly=True)
        self._local.conn = conn
        with self._conns_lock:
            self._conns.append(conn)

    def _in_reader(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        return fn(self._local.conn, *args)

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        if self._closed or self._readers is None:
            raise StorageClosedError()
        try:
            fut = asyncio.get_running_loop().run_in_executor(self._readers, self._in_reader, fn, args)
        except RuntimeError as e:  # executor shut down under us
            raise StorageClosedError() from e
        return await fut

    def _write(
        self, kind: int, key: str, value: bytes | None, expect: int, prev: bytes | None
    ) -> Awaitable[Any]:
        if self._closed or self._writer is None:
            raise StorageClosedError()
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._writer.submit((kind, key, value, expect, prev, fut))
        return fut

    def _on_commit(self, outcomes: list[Outcome], changes: list[Change], rev: int) -> None:
        """On the loop, once per committed batch: fan out the changes, then wake the writers."""
        if rev > self._rev:
            self._rev = rev
        if changes:
            for ch in changes:
                self._bcast.publish(ch[1], ch, _event_from_change)
        for fut, res in outcomes:
            if fut.done():  # the caller was cancelled; the write stands regardless
                continue
            if isinstance(res, BaseException):
                fut.set_exception(res)
            else:
                fut.set_result(res)

    # --- reads -------------------------------------------------------------------

    async def get(self, key: str) -> Obj:
        row = await self._read(db.get_row, key)
        if row is None:
            raise KeyNotFoundError(key)
        return db.decode(*row)

    async def list(
        self, prefix: str, *, revision: int = 0, limit: int = 0, start_after: str = ""
    ) -> ListResult:
        return await self._read(db.list_snapshot, prefix, revision, limit, start_after)

    async def count(self, prefix: str) -> int:
        return await self._read(db.count, prefix)

    async def current_revision(self) -> int:
        # The loop-side revision: every write acknowledged so far is <= it, and every
        # change <= it has already been handed to the watchers.
        return self._rev

    # --- writes ------------------------------------------------------------------

    async def create(self, key: str, obj: Obj) -> Obj:
        rev = await self._write(CREATE, key, db.encode(obj), 0, None)
        db.set_rv(obj, rev)
        return obj

    async def guaranteed_update(
        self, key: str, fn: UpdateFn, preconditions: Preconditions | None = None, current: Obj | None = None
    ) -> Obj:
        row = _row_of(current) if current is not None else await self._read(db.get_row, key)
        while True:
            if row is None:
                raise KeyNotFoundError(key)
            value, mod = row
            current = db.decode(value, mod)
            check_preconditions(key, current, preconditions)
            new = await fn(current)
            if new is None:
                return db.decode(value, mod)  # fn may have scribbled on its copy
            new_value = db.encode(new)
            if new_value == value:  # no change: no new revision (as upstream)
                db.set_rv(new, mod)
                return new
            res = await self._write(UPDATE, key, new_value, mod, value)
            if isinstance(res, Conflict):
                row = res.current  # raced: retry on the state the writer saw
                continue
            db.set_rv(new, res)
            return new

    async def delete(
        self,
        key: str,
        preconditions: Preconditions | None = None,
        validate: Callable[[Obj], Awaitable[None]] | None = None,
        current: Obj | None = None,
    ) -> Obj:
        row = _row_of(current) if current is not None else await self._read(db.get_row, key)
        while True:
            if row is None:
                raise KeyNotFoundError(key)
            value, mod = row
            current = db.decode(value, mod)
            check_preconditions(key, current, preconditions)
            if validate is not None:
                await validate(current)
            res = await self._write(DELETE, key, None, mod, value)
            if isinstance(res, Conflict):
                row = res.current
                continue
            if validate is not None:
                return db.decode(value, res)
            db.set_rv(current, res)
            return current

    async def compact(self, revision: int) -> None:
        """Forget history up to revision. FutureRevisionError if it is ahead of the store."""
        await self._write(COMPACT, "", None, revision, None)
        self.compacted_revision = max(self.compacted_revision, revision)

    # --- watch -------------------------------------------------------------------

    def watch(
        self, prefix: str, from_revision: int, *, progress_notify: bool = False
    ) -> AsyncIterator[WatchEvent]:
        return self._watch(prefix, max(from_revision, 0), progress_notify)

    async def request_progress(self) -> None:
        self._bcast.bookmark(self._rev)

    async def _watch(
        self, prefix: str, from_revision: int, progress: bool
    ) -> AsyncGenerator[WatchEvent, None]:
        if self._closed:
            return
        # Subscribe BEFORE reading history: a change is broadcast only after its commit,
        # so anything not yet broadcast at subscription time is in the queue, and anything
        # broadcast before is already in the history we read next. Overlap is dropped by
        # revision; nothing can fall in between.
        sub, queue = self._bcast.subscribe(prefix, progress)
        try:
            last = from_revision
            while True:
                try:
                    events, compacted = await self._read(db.history_page, prefix, last, self._replay_page)
                except StorageClosedError:
                    return
                if last < compacted:
                    raise CompactedError(last, compacted)
                for ev in events:
                    last = ev.revision
                    yield ev
                if len(events) < self._replay_page:
                    break
            while True:
                batch = await queue.get()
                if not batch:
                    return
                for ev in batch:
                    if ev.revision > last:
                        last = ev.revision
                        yield ev
        finally:
            self._bcast.unsubscribe(sub)

    def listen(self, prefix: str, listener: Listener) -> Subscription:
        """Hand every change under prefix committed from now on to listener, on the loop,
        before the writer of the change is answered; end it with unlisten. Together
        with `revision`, this lets a cache in this process be exactly as current as
        the storage without asking it (the listener is never behind)."""
        return self._bcast.listen(prefix, listener, progress=True)

    def unlisten(self, sub: Subscription) -> None:
        self._bcast.unsubscribe(sub)

    @property
    def revision(self) -> int:
        """current_revision(), synchronously."""
        return self._rev


def _row_of(obj: Obj) -> tuple[bytes, int]:
    # A cached copy stands in for a read: encode() gives back the stored bytes (orjson
    # round-trips exactly), and if the copy is stale the compare-and-swap on its
    # revision fails and the writer hands back the current row.
    # The copy may be shared (cached), so the resourceVersion is dropped from copies.
    meta = dict(obj["metadata"])
    rv = int(meta.pop("resourceVersion"))
    return orjson.dumps({**obj, "metadata": meta}), rv


def _event_from_change(ch: Change, with_prev: bool) -> WatchEvent:
    return db.event_from_row(*ch, with_prev=with_prev)


def _lock_file(path: str) -> int:
    """Hold an exclusive flock for the store's lifetime: one process per database file,
    since the revision counter lives in this process. The kernel drops it if we die."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        os.close(fd)
        raise StorageError(f"database {path[:-5]} is in use by another process") from e
    return fd


def _unlock_file(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
