"""The single SQLite writer thread: group commit and revision assignment.

Writes queue up while the previous transaction is being fsynced; the thread then
takes everything queued (up to max_batch) and commits it in ONE transaction, so
concurrent writers share one fsync. Each write gets its own revision and its own
outcome: a KeyExists or a lost compare-and-swap affects only that write (plain
statement results, not exceptions, so the transaction stays intact). Outcomes and
the committed changes go back to the event loop in one call_soon_threadsafe per batch,
only after COMMIT returned, i.e. once they are durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, Final

from kubelite.storage.interface import FutureRevisionError, KeyExistsError, StorageError
from kubelite.storage.sqlite_db import Row, connect, get_row, init_schema

log = logging.getLogger(__name__)

CREATE: Final = 1
UPDATE: Final = 2
DELETE: Final = 3
COMPACT: Final = 4

# (kind, key, value, expected mod_revision (compact: target revision), prev value, future)
Op = tuple[int, str, bytes | None, int, bytes | None, "asyncio.Future[Any]"]
# (revision, key, type, value, prev_value, prev_revision): a committed history row
Change = tuple[int, str, str, bytes | None, bytes | None, int | None]
# one outcome per op: a revision, a Conflict, None (compact) or an exception
Outcome = tuple["asyncio.Future[Any]", Any]
CommitCallback = Callable[[list[Outcome], list[Change], int], None]


class Conflict:
    """A compare-and-swap lost: the key changed (or vanished) since it was read."""

    __slots__ = ("current",)

    def __init__(self, current: Row | None) -> None:
        self.current = current  # the row as of this transaction, to retry without a re-read


_STOP: Final = None


class Writer:
    def __init__(self, path: str, loop: asyncio.AbstractEventLoop, on_commit: CommitCallback, max_batch: int):
        self._path = path
        self._loop = loop
        self._on_commit = on_commit
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Op | None] = queue.SimpleQueue()
        self._rev = 0
        self._compacted = 0
        self.ready: asyncio.Future[tuple[int, int]] = loop.create_future()
        self.done: asyncio.Future[None] = loop.create_future()
        self._thread = threading.Thread(target=self._run, name="kubelite-sqlite-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, op: Op) -> None:
        self._queue.put(op)

    def stop(self) -> None:
        """Commit everything queued so far, then end the thread (see `done`)."""
        self._queue.put(_STOP)

    def _call(self, fn: Callable[..., Any], *args: Any) -> None:
        # RuntimeError: the loop is closed, nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(fn, *args)

    def _run(self) -> None:
        try:
            conn = connect(self._path, readonly=False)
            self._rev, self._compacted = init_schema(conn)
        except BaseException as e:
            self._call(_set_exception, self.ready, e)
            self._call(_set_result, self.done, None)
            return
        self._call(_set_result, self.ready, (self._rev, self._compacted))
        try:
            stopping = False
            while not stopping:
                op = self._queue.get()
                batch: list[Op] = []
                while True:
                    if op is _STOP:
                        stopping = True
                        break
                    batch.append(op)
                    if len(batch) >= self._max_batch:
                        break
                    try:
                        op = self._queue.get_nowait()
                    except queue.Empty:
                        break
                if batch:
                    self._commit(conn, batch)
            try:
                # Fold the WAL into the main file so a clean shutdown leaves one file.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                log.warning("WAL checkpoint at close failed", exc_info=True)
        finally:
            conn.close()
            self._call(_set_result, self.done, None)

    def _commit(self, conn: sqlite3.Connection, batch: list[Op]) -> None:
        rev = self._rev
        compacted = self._compacted
        outcomes: list[Outcome] = []
        changes: list[Change] = []
        cur = conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            for kind, key, value, expect, prev, fut in batch:
                nrev = rev + 1
                if kind == CREATE:
                    cur.execute("INSERT OR IGNORE INTO kv VALUES (?, ?, ?, ?)", (key, value, nrev, nrev))
                    if cur.rowcount != 1:
                        outcomes.append((fut, KeyExistsError(key)))
                        continue
                    change: Change = (nrev, key, "ADDED", value, None, None)
                elif kind == UPDATE:
                    cur.execute(
                        "UPDATE kv SET value = ?, mod_revision = ? WHERE key = ? AND mod_revision = ?",
                        (value, nrev, key, expect),
                    )
                    if cur.rowcount != 1:
                        outcomes.append((fut, Conflict(get_row(conn, key))))
                        continue
                    change = (nrev, key, "MODIFIED", value, prev, expect)
                elif kind == DELETE:
                    cur.execute("DELETE FROM kv WHERE key = ? AND mod_revision = ?", (key, expect))
                    if cur.rowcount != 1:
                        outcomes.append((fut, Conflict(get_row(conn, key))))
                        continue
                    change = (nrev, key, "DELETED", None, prev, expect)
                else:  # COMPACT: no new revision; re-compacting an older revision is a no-op
                    if expect > rev:
                        outcomes.append((fut, FutureRevisionError(expect, rev)))
                    else:
                        if expect > compacted:
                            cur.execute("DELETE FROM history WHERE revision <= ?", (expect,))
                            cur.execute("UPDATE meta SET value = ? WHERE name = 'compacted'", (expect,))
                            compacted = expect
                        outcomes.append((fut, None))
                    continue
                cur.execute("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?)", change)
                rev = nrev
                outcomes.append((fut, nrev))
                changes.append(change)
            if rev != self._rev:
                cur.execute("UPDATE meta SET value = ? WHERE name = 'revision'", (rev,))
            cur.execute("COMMIT")
        except Exception as e:
            # I/O error, disk full, ...: nothing of this batch is durable; fail all of it.
            log.error("sqlite commit failed", exc_info=True)
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            err = StorageError(f"sqlite commit failed: {e}")
            self._call(self._on_commit, [(op[5], err) for op in batch], [], self._rev)
            return
        self._rev = rev
        self._compacted = compacted
        self._call(self._on_commit, outcomes, changes, rev)


def _set_result(fut: asyncio.Future[Any], value: Any) -> None:
    if not fut.done():
        fut.set_result(value)


def _set_exception(fut: asyncio.Future[Any], exc: BaseException) -> None:
    if not fut.done():
        fut.set_exception(exc)
