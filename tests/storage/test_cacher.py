"""Watch-cache specifics: memory serving, window fallback, consistency, sharing, overflow, re-list."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from kubelite.storage.cacher import Cacher
from kubelite.storage.interface import CompactedError, WatchEvent, WatchOverflowError
from kubelite.storage.sqlite import SQLiteStorage
from tests.storage.backends import PREFIX
from tests.storage.helpers import key, nothing_more, obj, rv, take, take_until


@pytest.fixture
def sqlite(tmp_path: Path, loop: asyncio.AbstractEventLoop) -> Iterator[SQLiteStorage]:
    s = loop.run_until_complete(SQLiteStorage(str(tmp_path / "c.db")).open())
    yield s
    loop.run_until_complete(s.close())


async def cacher(storage: SQLiteStorage, **kw: object) -> Cacher:
    c = Cacher(storage, PREFIX, bookmark_interval=None, **kw)
    await c.start()
    return c


async def test_starts_from_existing_data_and_serves_lists_from_memory(sqlite: SQLiteStorage) -> None:
    for i in range(5):
        await sqlite.create(key(f"a{i}"), obj(f"a{i}", i=i))
    await sqlite.create("/registry/elsewhere/x", {"metadata": {"name": "x"}})
    c = await cacher(sqlite)
    assert c.revision == await sqlite.current_revision() == 6
    res = await c.list(PREFIX)
    assert res == await sqlite.list(PREFIX)
    # served from memory: the very objects the cache holds (read-only for callers)
    assert (await c.list(PREFIX)).items[0] is res.items[0]
    page = await c.list(PREFIX, limit=2, start_after=key("a0"))
    assert [o["metadata"]["name"] for o in page.items] == ["a1", "a2"]
    assert page.more and page.remaining == 2
    await c.close()


async def test_consistent_list_sees_acknowledged_writes(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite)
    for i in range(20):
        created = await c.create(key(f"k{i}"), obj(f"k{i}"))
        listed = await c.list(PREFIX)
        assert listed.revision >= rv(created)
        assert created in listed.items and len(listed.items) == i + 1
    await c.close()


async def test_consistent_list_on_a_quiet_prefix_does_not_wait(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite, consistent_read_timeout=5.0)
    await c.create(key("a"), obj("a"))
    for i in range(50):  # other resources move the global revision on
        await sqlite.create(f"/registry/other/{i}", {"metadata": {"name": str(i)}})
    t = time.monotonic()
    res = await c.list(PREFIX)
    assert time.monotonic() - t < 1.0  # a progress bookmark, not the timeout fallback
    assert res.revision == await sqlite.current_revision() == c.revision
    await c.close()


async def test_list_at_other_revisions(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite)
    a = await c.create(key("a"), obj("a"))
    await c.create(key("b"), obj("b"))
    at_a = await c.list(PREFIX, revision=rv(a))  # not the cache's revision: from storage
    assert [o["metadata"]["name"] for o in at_a.items] == ["a"] and at_a.revision == rv(a)
    cached = await c.list_cached(PREFIX)
    assert len(cached.items) == 2
    assert (await c.list_cached(PREFIX, min_revision=rv(a))).revision >= rv(a)
    await c.close()


async def test_watchers_share_event_objects(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite)
    start = c.revision
    w1, w2 = c.watch(PREFIX, start), c.watch(PREFIX + "ns1/", start)
    p1, p2 = asyncio.ensure_future(take(w1, 2)), asyncio.ensure_future(take(w2, 1))
    await asyncio.sleep(0.05)
    await c.create(key("x", "ns2"), obj("x", "ns2"))
    await c.create(key("y", "ns1"), obj("y", "ns1"))
    (e1a, e1b), (e2,) = await p1, await p2
    assert e1a.key == key("x", "ns2") and e2.key == key("y", "ns1")
    assert e1b is e2  # one event object per change, whoever watches
    assert (await c.list(PREFIX + "ns1/")).items[0] is e2.obj
    # a late watcher replays the same objects from the window
    e3, e4 = await take(c.watch(PREFIX, start), 2)
    assert e3 is e1a and e4 is e2
    await c.close()


async def test_prev_comes_from_the_cache(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite)
    created = await c.create(key("a"), obj("a", x=1))
    w = c.watch(PREFIX, rv(created))  # (c.revision may not have caught up yet)
    pending = asyncio.ensure_future(take(w, 2))
    await asyncio.sleep(0.05)

    async def bump(o: dict) -> dict:
        o["data"]["x"] = 2
        return o

    await c.guaranteed_update(key("a"), bump)
    await c.delete(key("a"))
    mod, dele = await pending
    assert mod.prev == created and dele.prev is not None and dele.prev["data"] == {"x": 2}
    await c.close()


async def test_watch_beyond_the_window_falls_back_to_storage(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite, window=5)
    start = c.revision
    revs = [rv(await c.create(key(f"k{i}"), obj(f"k{i}"))) for i in range(20)]
    events = await take(c.watch(PREFIX, start), 20)  # from storage history
    assert [e.revision for e in events] == revs
    events = await take(c.watch(PREFIX, revs[-6]), 5)  # from the window
    assert [e.revision for e in events] == revs[-5:]
    await c.compact(revs[-3])
    with pytest.raises(CompactedError):
        await anext(c.watch(PREFIX, start))
    # DESIGN.md §4: compacted is 410 even while the window still holds the events...
    with pytest.raises(CompactedError):
        await anext(c.watch(PREFIX, revs[-4]))
    events = await take(c.watch(PREFIX, revs[-3]), 2)  # ...and from the compaction point on it serves
    assert [e.revision for e in events] == revs[-2:]
    await c.close()


async def test_slow_watcher_is_dropped_not_waited_for(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite, watcher_queue_size=10)
    slow = c.watch(PREFIX, c.revision)
    pending = asyncio.ensure_future(take(slow, 1))
    await asyncio.sleep(0.05)
    await c.create(key("first"), obj("first"))
    await pending
    fast = c.watch(PREFIX, c.revision)
    fast_events = asyncio.ensure_future(take(fast, 50))
    await asyncio.sleep(0.05)
    for i in range(50):  # the slow watcher reads nothing meanwhile; writers are not held up
        await c.create(key(f"k{i}"), obj(f"k{i}"))
    assert len(await fast_events) == 50
    with pytest.raises(WatchOverflowError):
        await take_until(slow, 10**9)
    await c.close()


async def test_relist_when_the_storage_watch_breaks(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite)
    a = await c.create(key("a"), obj("a"))
    w = c.watch(PREFIX, rv(a))
    pending = asyncio.ensure_future(take_until(w, 10**9))
    await asyncio.sleep(0.05)
    # break the cache's own storage watch, as an overflow would
    sqlite._bcast.close_all(WatchOverflowError(1))
    await c.create(key("b"), obj("b"))
    assert await asyncio.wait_for(pending, 5) == []  # watchers of the cache end cleanly
    res = await c.list(PREFIX)
    assert [o["metadata"]["name"] for o in res.items] == ["a", "b"]
    w2 = c.watch(PREFIX, res.revision)
    p2 = asyncio.ensure_future(take(w2, 1))
    await asyncio.sleep(0.05)
    created = await c.create(key("c"), obj("c"))
    assert (await p2)[0].obj == created
    await c.close()


async def test_bookmarks_for_progress_watchers(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite)
    plain: AsyncIterator[WatchEvent] = c.watch(PREFIX, c.revision)
    prog = c.watch(PREFIX, c.revision, progress_notify=True)
    p = asyncio.ensure_future(take(prog, 1))
    await asyncio.sleep(0.05)
    other = await sqlite.create("/registry/other/x", {"metadata": {"name": "x"}})
    await c.request_progress()
    [bm] = await p
    assert bm.type == "BOOKMARK" and bm.revision == rv(other) == c.revision
    await nothing_more(plain)
    await c.close()


async def test_periodic_bookmarks(sqlite: SQLiteStorage) -> None:
    c = Cacher(sqlite, PREFIX, bookmark_interval=0.05)
    await c.start()
    prog = c.watch(PREFIX, c.revision, progress_notify=True)
    p = asyncio.ensure_future(take(prog, 1))
    await asyncio.sleep(0.01)
    other = await sqlite.create("/registry/other/x", {"metadata": {"name": "x"}})
    [bm] = await p
    assert bm.type == "BOOKMARK" and bm.revision == rv(other)
    await c.close()


async def test_close_ends_cache_watchers(sqlite: SQLiteStorage) -> None:
    c = await cacher(sqlite)
    w = c.watch(PREFIX, c.revision)
    pending = asyncio.ensure_future(take_until(w, 10**9))
    await asyncio.sleep(0.05)
    await c.close()
    assert await asyncio.wait_for(pending, 5) == []
