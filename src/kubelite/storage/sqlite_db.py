"""The SQLite schema, the value codec and the read queries (plain sync functions on a connection).

Tables:
  meta(name, value)      'revision': last committed revision; 'compacted': history is gone up to here
  kv(key, value, create_revision, mod_revision)     the current state
  history(revision, key, type, value, prev_value, prev_revision)   one row per change,
      for watch replay and for list at a past revision (value is NULL for DELETED)

Values are orjson bytes of the object without metadata.resourceVersion; it is injected
from the row's revision on every read, so stored bytes never carry a stale one.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from kubelite.storage.interface import (
    CompactedError,
    FutureRevisionError,
    ListResult,
    Obj,
    WatchEvent,
)
from kubelite.storage.keyrange import prefix_end

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('revision', 0), ('compacted', 0);
CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    create_revision INTEGER NOT NULL,
    mod_revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    revision INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    type TEXT NOT NULL,
    value BLOB,
    prev_value BLOB,
    prev_revision INTEGER
);
"""

Row = tuple[bytes, int]  # (value, mod_revision)


def connect(path: str, *, readonly: bool) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (group commit, read snapshots).
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60.0)
    conn.execute("PRAGMA synchronous=FULL")  # fsync the WAL at every commit: durable when acked
    if readonly:
        conn.execute("PRAGMA query_only=ON")
    return conn


def init_schema(conn: sqlite3.Connection) -> tuple[int, int]:
    """Create tables if needed; return (revision, compacted)."""
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"cannot enable WAL mode (got {mode})")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            raise RuntimeError(f"unsupported kubelite sqlite schema version {version}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return read_meta(conn)


def read_meta(conn: sqlite3.Connection) -> tuple[int, int]:
    meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
    return int(meta["revision"]), int(meta["compacted"])


# --- codec -------------------------------------------------------------------------


def encode(obj: Obj) -> bytes:
    """Serialize obj without its resourceVersion (obj is left as it was)."""
    md = obj.get("metadata")
    if isinstance(md, dict) and "resourceVersion" in md:
        rv = md.pop("resourceVersion")
        try:
            return orjson.dumps(obj)
        finally:
            md["resourceVersion"] = rv
    return orjson.dumps(obj)


def decode(value: bytes, revision: int) -> Obj:
    """A fresh object (orjson.loads is our deep copy) with resourceVersion = revision."""
    obj: Obj = orjson.loads(value)
    set_rv(obj, revision)
    return obj


def set_rv(obj: Obj, revision: int) -> None:
    md = obj.get("metadata")
    if not isinstance(md, dict):
        md = obj["metadata"] = {}
    md["resourceVersion"] = str(revision)


# --- reads -------------------------------------------------------------------------


def _key_range(prefix: str, start_after: str = "") -> tuple[str, list[Any]]:
    """A WHERE fragment on `key` and its arguments, for keys under prefix after start_after.

    Both bounds are plain comparisons so SQLite walks the primary-key index range."""
    if start_after and start_after >= prefix:
        sql, args = "key > ?", [start_after]
    else:
        sql, args = "key >= ?", [prefix]
    high = prefix_end(prefix)
    if high is not None:
        sql += " AND key < ?"
        args.append(high)
    return sql, args


def get_row(conn: sqlite3.Connection, key: str) -> Row | None:
    row = conn.execute("SELECT value, mod_revision FROM kv WHERE key = ?", (key,)).fetchone()
    return None if row is None else (row[0], row[1])


def count(conn: sqlite3.Connection, prefix: str) -> int:
    where, args = _key_range(prefix)
    return int(conn.execute(f"SELECT COUNT(*) FROM kv WHERE {where}", args).fetchone()[0])


# The state at a past revision R (R >= compacted, so every change after R is in history):
# rows unchanged since R, plus, for each key changed after R, the state its first change
# after R replaced (none if that change created it). SQLite's bare columns with MIN()
# take their values from the row holding the minimum.
_SNAPSHOT_CTE = """
WITH snap(key, value, rev) AS (
    SELECT key, value, mod_revision FROM kv WHERE {where} AND mod_revision <= ?
    UNION ALL
    SELECT key, prev_value, prev_revision FROM (
        SELECT key, prev_value, prev_revision, MIN(revision) FROM history
         WHERE revision > ? AND {where} GROUP BY key)
     WHERE prev_value IS NOT NULL
)
"""


def list_snapshot(
    conn: sqlite3.Connection, prefix: str, revision: int, limit: int, start_after: str
) -> ListResult:
    """A consistent list at `revision` (0 = latest), in one read transaction."""
    conn.execute("BEGIN")
    try:
        current, compacted = read_meta(conn)
        if revision == 0 or revision == current:
            rows, total = _list_latest(conn, prefix, limit, start_after)
            revision = current
        elif revision > current:
            raise FutureRevisionError(revision, current)
        elif revision < compacted:
            raise CompactedError(revision, compacted)
        else:
            rows, total = _list_past(conn, prefix, revision, limit, start_after)
    finally:
        conn.execute("COMMIT")
    more = 0 < limit < len(rows)
    if more:
        rows = rows[:limit]
    items = [decode(value, rev) for _, value, rev in rows]
    remaining = total - len(items) if more else 0
    return ListResult(items=items, revision=revision, more=more, remaining=remaining)


def _list_latest(
    conn: sqlite3.Connection, prefix: str, limit: int, start_after: str
) -> tuple[list[tuple[str, bytes, int]], int]:
    where, args = _key_range(prefix, start_after)
    sql = f"SELECT key, value, mod_revision FROM kv WHERE {where} ORDER BY key"
    if limit > 0:
        rows = conn.execute(sql + " LIMIT ?", (*args, limit + 1)).fetchall()
        if len(rows) <= limit:
            return rows, len(rows)
        total = conn.execute(f"SELECT COUNT(*) FROM kv WHERE {where}", args).fetchone()[0]
        return rows, int(total)
    rows = conn.execute(sql, args).fetchall()
    return rows, len(rows)


def _list_past(
    conn: sqlite3.Connection, prefix: str, revision: int, limit: int, start_after: str
) -> tuple[list[tuple[str, bytes, int]], int]:
    where, kargs = _key_range(prefix, start_after)
    cte = _SNAPSHOT_CTE.format(where=where)
    args = [*kargs, revision, revision, *kargs]
    rows = conn.execute(
        cte + "SELECT key, value, rev FROM snap ORDER BY key LIMIT ?", (*args, limit + 1 if limit > 0 else -1)
    ).fetchall()
    if 0 < limit < len(rows):
        total = conn.execute(cte + "SELECT COUNT(*) FROM snap", args).fetchone()[0]
        return rows, int(total)
    return rows, len(rows)


def history_page(
    conn: sqlite3.Connection, prefix: str, after: int, page: int
) -> tuple[list[WatchEvent], int]:
    """Up to `page` events under prefix with revision > after, in order, plus the
    compacted revision read in the same snapshot (the caller checks after >= it)."""
    where, args = _key_range(prefix)
    conn.execute("BEGIN")
    try:
        _, compacted = read_meta(conn)
        rows = conn.execute(
            "SELECT revision, key, type, value, prev_value, prev_revision FROM history"
            f" WHERE revision > ? AND {where} ORDER BY revision LIMIT ?",
            (after, *args, page),
        ).fetchall()
    finally:
        conn.execute("COMMIT")
    return [event_from_row(*r) for r in rows], compacted


def event_from_row(
    revision: int, key: str, type_: str, value: bytes | None, prev_value: bytes | None, prev_rev: int | None,
    with_prev: bool = True,
) -> WatchEvent:
    prev = decode(prev_value, prev_rev or 0) if with_prev and prev_value is not None else None
    if type_ == "DELETED":
        assert prev_value is not None
        obj = decode(prev_value, revision)
        if prev is not None:
            prev = obj.copy()
            prev["metadata"] = {**obj["metadata"], "resourceVersion": str(prev_rev or 0)}
        return WatchEvent("DELETED", key, obj, revision, prev)
    assert value is not None
    return WatchEvent(
        "ADDED" if type_ == "ADDED" else "MODIFIED", key, decode(value, revision), revision, prev
    )
