"""Offline consistency checks of a kubelite SQLite file (after restarts and crashes)."""

from __future__ import annotations

import sqlite3

import orjson


def check_db(path: str) -> dict[str, int]:
    """Assert the file is internally consistent; return its meta values."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
        rev, compacted = meta["revision"], meta["compacted"]
        max_hist = conn.execute("SELECT MAX(revision) FROM history").fetchone()[0]
        if max_hist is not None:
            assert max_hist == rev, (max_hist, rev)  # no change past the recorded revision
        min_hist = conn.execute("SELECT MIN(revision) FROM history").fetchone()[0]
        assert min_hist is None or min_hist > compacted
        if compacted == 0 and max_hist is not None:
            # every revision has exactly one history row: no hole, nothing half-written
            assert conn.execute("SELECT COUNT(*) FROM history").fetchone()[0] == rev
        for key, value, mod in conn.execute("SELECT key, value, mod_revision FROM kv"):
            assert mod <= rev
            orjson.loads(value)
            if mod > compacted:
                row = conn.execute(
                    "SELECT key, type, value FROM history WHERE revision = ?", (mod,)
                ).fetchone()
                assert row is not None and row[0] == key and row[1] != "DELETED" and row[2] == value
        # the newest history row of every key agrees with kv
        for key, type_ in conn.execute(
            "SELECT key, type FROM history h WHERE revision = (SELECT MAX(revision) FROM history WHERE key = h.key)"
        ):
            present = conn.execute("SELECT 1 FROM kv WHERE key = ?", (key,)).fetchone() is not None
            assert present == (type_ != "DELETED"), key
        return {"revision": rev, "compacted": compacted}
    finally:
        conn.close()
