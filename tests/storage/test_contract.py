"""The storage contract (DESIGN.md §4), run against every backend in backends.BACKENDS."""

from __future__ import annotations

import asyncio
import random

import pytest

from kubelite.storage.cacher import Cacher
from kubelite.storage.interface import (
    CompactedError,
    ConflictError,
    FutureRevisionError,
    KeyExistsError,
    KeyNotFoundError,
    Obj,
    Preconditions,
    Storage,
)
from tests.storage.backends import PREFIX, Backend
from tests.storage.helpers import key, nothing_more, obj, rv, take, take_until

# --- create / get ------------------------------------------------------------------


async def test_create_get(store: Storage) -> None:
    start = await store.current_revision()
    created = await store.create(key("a"), obj("a", x=1))
    assert rv(created) == start + 1 == await store.current_revision()
    assert isinstance(created["metadata"]["resourceVersion"], str)
    got = await store.get(key("a"))
    assert got == created
    with pytest.raises(KeyExistsError):
        await store.create(key("a"), obj("a", x=2))
    assert (await store.get(key("a")))["data"] == {"x": 1}
    with pytest.raises(KeyNotFoundError):
        await store.get(key("missing"))
    assert await store.current_revision() == start + 1  # a failed create uses no revision


async def test_create_ignores_stale_resource_version(store: Storage) -> None:
    o = obj("a")
    o["metadata"]["resourceVersion"] = "12345"
    created = await store.create(key("a"), o)
    assert rv(await store.get(key("a"))) == rv(created) < 12345


async def test_one_revision_counter_for_all_keys(store: Storage) -> None:
    revs = [
        rv(await store.create(key(f"k{i}", ns=f"ns{i % 3}"), obj(f"k{i}", ns=f"ns{i % 3}")))
        for i in range(10)
    ]
    revs.append(rv(await store.create("/registry/other/x", {"metadata": {"name": "x"}})))
    assert revs == list(range(revs[0], revs[0] + 11))


async def test_returned_objects_are_independent(store: Storage) -> None:
    await store.create(key("a"), obj("a", x=1))
    g1 = await store.get(key("a"))
    g1["data"]["x"] = 99
    assert (await store.get(key("a")))["data"]["x"] == 1


# --- guaranteed_update -------------------------------------------------------------


async def test_guaranteed_update(store: Storage) -> None:
    created = await store.create(key("a"), obj("a", x=1))
    seen: list[str] = []

    async def bump(cur: Obj) -> Obj:
        seen.append(cur["metadata"]["resourceVersion"])
        cur["data"]["x"] += 1
        return cur

    updated = await store.guaranteed_update(key("a"), bump)
    assert seen == [created["metadata"]["resourceVersion"]]
    assert updated["data"]["x"] == 2
    assert rv(updated) == rv(created) + 1 == await store.current_revision()
    assert await store.get(key("a")) == updated


async def test_guaranteed_update_no_change_keeps_revision(store: Storage) -> None:
    created = await store.create(key("a"), obj("a", x=1))

    async def none(cur: Obj) -> Obj | None:
        cur["data"]["x"] = 42  # scribbling on the copy must not leak
        return None

    async def same(cur: Obj) -> Obj:
        return cur

    assert await store.guaranteed_update(key("a"), none) == created
    assert await store.guaranteed_update(key("a"), same) == created
    assert await store.current_revision() == rv(created)


async def test_guaranteed_update_missing_and_errors(store: Storage) -> None:
    async def bump(cur: Obj) -> Obj:
        return cur

    with pytest.raises(KeyNotFoundError):
        await store.guaranteed_update(key("missing"), bump)
    await store.create(key("a"), obj("a", x=1))

    async def boom(cur: Obj) -> Obj:
        raise ValueError("nope")

    before = await store.current_revision()
    with pytest.raises(ValueError):
        await store.guaranteed_update(key("a"), boom)
    assert await store.current_revision() == before


async def test_stale_resource_version_conflicts(store: Storage) -> None:
    created = await store.create(key("a"), obj("a", x=1))
    stale = created["metadata"]["resourceVersion"]

    async def set_x(v: int) -> Obj:
        async def fn(cur: Obj) -> Obj:
            cur["data"]["x"] = v
            return cur

        return await store.guaranteed_update(key("a"), fn, Preconditions(resource_version=stale))

    updated = await set_x(2)  # the first update with the current version wins
    with pytest.raises(ConflictError):
        await set_x(3)  # the same version is stale now: 409, never a lost update
    assert await store.get(key("a")) == updated

    async def ident(cur: Obj) -> Obj:
        return cur

    with pytest.raises(ConflictError):
        await store.guaranteed_update(key("a"), ident, Preconditions(uid="someone-else"))
    fresh = Preconditions(
        uid=created["metadata"]["uid"], resource_version=updated["metadata"]["resourceVersion"]
    )
    await store.guaranteed_update(key("a"), ident, fresh)


async def test_concurrent_updates_lose_nothing(store: Storage) -> None:
    created = await store.create(key("counter"), obj("counter", n=0))
    start = rv(created)

    async def inc(cur: Obj) -> Obj:
        await asyncio.sleep(0)  # let the others read the same version: force races
        cur["data"]["n"] += 1
        return cur

    results = await asyncio.gather(*(store.guaranteed_update(key("counter"), inc) for _ in range(50)))
    final = await store.get(key("counter"))
    assert final["data"]["n"] == 50
    assert sorted(rv(r) for r in results) == list(range(start + 1, start + 51))
    assert sorted(r["data"]["n"] for r in results) == list(range(1, 51))
    events = await take(store.watch(key("counter"), start), 50)
    assert [e.obj["data"]["n"] for e in events] == list(range(1, 51))


# --- delete --------------------------------------------------------------------------


async def test_delete(store: Storage) -> None:
    created = await store.create(key("a"), obj("a", x=1))
    deleted = await store.delete(key("a"))
    assert rv(deleted) == rv(created) + 1 == await store.current_revision()
    assert deleted["data"] == {"x": 1}
    with pytest.raises(KeyNotFoundError):
        await store.get(key("a"))
    with pytest.raises(KeyNotFoundError):
        await store.delete(key("a"))
    again = await store.create(key("a"), obj("a", x=2))  # the key can be reused
    assert rv(again) == rv(deleted) + 1


async def test_delete_preconditions_and_validate(store: Storage) -> None:
    created = await store.create(key("a"), obj("a", x=1))
    with pytest.raises(ConflictError):
        await store.delete(key("a"), Preconditions(uid="other"))
    with pytest.raises(ConflictError):
        await store.delete(key("a"), Preconditions(resource_version=str(rv(created) - 1)))

    async def refuse(cur: Obj) -> None:
        assert cur["data"] == {"x": 1}
        raise PermissionError("finalizers")

    with pytest.raises(PermissionError):
        await store.delete(key("a"), validate=refuse)
    assert await store.get(key("a")) == created
    seen: list[Obj] = []

    async def ok(cur: Obj) -> None:
        seen.append(cur)

    pre = Preconditions(
        uid=created["metadata"]["uid"], resource_version=created["metadata"]["resourceVersion"]
    )
    deleted = await store.delete(key("a"), pre, ok)
    assert seen and rv(deleted) == rv(created) + 1


async def test_delete_races_update(store: Storage) -> None:
    await store.create(key("a"), obj("a", n=0))

    async def inc(cur: Obj) -> Obj:
        await asyncio.sleep(0)
        cur["data"]["n"] += 1
        return cur

    async def upd() -> Obj | None:
        try:
            return await store.guaranteed_update(key("a"), inc)
        except KeyNotFoundError:
            return None

    results = await asyncio.gather(
        *[upd() for _ in range(10)], store.delete(key("a")), *[upd() for _ in range(10)]
    )
    deleted = results[10]
    assert deleted is not None
    applied = [r for i, r in enumerate(results) if i != 10 and r is not None]
    # the deletion saw exactly the updates committed before it
    assert deleted["data"]["n"] == sum(1 for r in applied if rv(r) < rv(deleted))
    assert all(rv(r) < rv(deleted) for r in applied)
    with pytest.raises(KeyNotFoundError):
        await store.get(key("a"))


# --- list / count ----------------------------------------------------------------


async def _populate(store: Storage) -> list[str]:
    keys = []
    for ns in ("ns1", "ns10", "ns2"):
        for i in random.Random(ns).sample(range(30), 12):
            await store.create(key(f"o{i:02d}", ns), obj(f"o{i:02d}", ns, i=i))
            keys.append(key(f"o{i:02d}", ns))
    await store.create("/registry/thingsX/zzz", {"metadata": {"name": "zzz"}})  # shares PREFIX's text
    return sorted(keys)


async def test_list_prefix_order_count(store: Storage) -> None:
    keys = await _populate(store)
    res = await store.list(PREFIX)
    assert [key(o["metadata"]["name"], o["metadata"]["namespace"]) for o in res.items] == keys
    assert res.revision == await store.current_revision()
    assert not res.more and res.remaining == 0
    ns1 = await store.list(PREFIX + "ns1/")
    assert [o["metadata"]["namespace"] for o in ns1.items] == ["ns1"] * 12  # not ns10
    assert await store.count(PREFIX) == 36
    assert await store.count(PREFIX + "ns1/") == 12
    assert await store.count(PREFIX + "nope/") == 0
    assert (await store.list(PREFIX + "nope/")).items == []
    for o in res.items:
        assert rv(o) == rv(await store.get(key(o["metadata"]["name"], o["metadata"]["namespace"])))


async def test_list_paging_over_a_snapshot(store: Storage) -> None:
    keys = await _populate(store)
    first = await store.list(PREFIX, limit=10)
    snapshot_rev = first.revision
    expected = {
        key(o["metadata"]["name"], o["metadata"]["namespace"]): o for o in (await store.list(PREFIX)).items
    }
    assert first.more and first.remaining == 26
    # the world moves on between pages ...
    await store.delete(keys[12])
    await store.delete(keys[0])

    async def bump(cur: Obj) -> Obj:
        cur["data"]["i"] = -1
        return cur

    await store.guaranteed_update(keys[20], bump)
    await store.create(key("o99", "ns1"), obj("o99", "ns1"))
    await store.create(key("a00", "ns2"), obj("a00", "ns2"))
    # ... but continuing at the snapshot's revision still sees the snapshot
    pages = [first]
    while pages[-1].more:
        last = pages[-1].items[-1]["metadata"]
        nxt = await store.list(
            PREFIX, revision=snapshot_rev, limit=10, start_after=key(last["name"], last["namespace"])
        )
        assert nxt.revision == snapshot_rev
        pages.append(nxt)
    assert [p.remaining for p in pages] == [26, 16, 6, 0]
    got = [o for p in pages for o in p.items]
    assert got == list(expected.values())
    latest = await store.list(PREFIX)
    assert len(latest.items) == 36 - 2 + 2


async def test_list_revision_bounds(store: Storage) -> None:
    await _populate(store)
    cur = await store.current_revision()
    assert (await store.list(PREFIX, revision=cur)).revision == cur
    with pytest.raises(FutureRevisionError):
        await store.list(PREFIX, revision=cur + 100)


# --- watch -----------------------------------------------------------------------------


async def _mixed_writes(store: Storage, n: int, seed: int = 1) -> list[tuple[str, str, int]]:
    """n random creates/updates/deletes under PREFIX; returns (type, key, revision)."""
    rnd = random.Random(seed)
    live: list[str] = []
    log: list[tuple[str, str, int]] = []

    async def bump(cur: Obj) -> Obj:
        cur["data"]["n"] = cur["data"].get("n", 0) + 1
        return cur

    for i in range(n):
        choice = rnd.random()
        if not live or choice < 0.5:
            ns = rnd.choice(["ns1", "ns2"])
            k = key(f"w{i}", ns)
            log.append(("ADDED", k, rv(await store.create(k, obj(f"w{i}", ns)))))
            live.append(k)
        elif choice < 0.8:
            k = rnd.choice(live)
            log.append(("MODIFIED", k, rv(await store.guaranteed_update(k, bump))))
        else:
            k = live.pop(rnd.randrange(len(live)))
            log.append(("DELETED", k, rv(await store.delete(k))))
    return log


async def test_watch_replays_history_in_order(store: Storage) -> None:
    start = await store.current_revision()
    log = await _mixed_writes(store, 60)
    events = await take(store.watch(PREFIX, start), 60)
    assert [(e.type, e.key, e.revision) for e in events] == log
    for e in events:
        assert rv(e.obj) == e.revision
        if e.type == "ADDED":
            assert e.prev is None
        if e.type == "MODIFIED":
            assert e.prev is not None and rv(e.prev) < e.revision
            assert e.obj["data"]["n"] == e.prev["data"].get("n", 0) + 1
        if e.type == "DELETED":
            assert e.prev is None or rv(e.prev) < e.revision
            assert e.obj["metadata"]["name"] == e.key.rsplit("/", 1)[1]
    # from the middle: exactly the later ones
    mid = log[29][2]
    events = await take(store.watch(PREFIX, mid), 30)
    assert [(e.type, e.key, e.revision) for e in events] == log[30:]
    # a namespace
    ns1 = [x for x in log if "/ns1/" in x[1]]
    events = await take(store.watch(PREFIX + "ns1/", start), len(ns1))
    assert [(e.type, e.key, e.revision) for e in events] == ns1


async def test_watch_live(store: Storage) -> None:
    start = await store.current_revision()
    w = store.watch(PREFIX + "ns1/", start)
    first = asyncio.ensure_future(take(w, 1))
    await asyncio.sleep(0.05)
    await store.create(key("other", "ns2"), obj("other", "ns2"))  # filtered out
    await store.create("/registry/elsewhere/x", {"metadata": {"name": "x"}})
    created = await store.create(key("a"), obj("a", x=1))
    [ev] = await first
    assert (ev.type, ev.key, ev.revision, ev.obj) == ("ADDED", key("a"), rv(created), created)

    async def bump(cur: Obj) -> Obj:
        cur["data"]["x"] = 2
        return cur

    updated = await store.guaranteed_update(key("a"), bump)
    deleted = await store.delete(key("a"))
    mod, dele = await take(w, 2)
    assert (mod.type, mod.revision, mod.obj) == ("MODIFIED", rv(updated), updated)
    assert mod.prev is not None and mod.prev["data"] == {"x": 1}
    assert (dele.type, dele.revision, dele.obj) == ("DELETED", rv(deleted), deleted)
    await nothing_more(w)


async def test_watch_switch_from_replay_to_live_has_no_gap_or_duplicate(store: Storage) -> None:
    start = await store.current_revision()
    history = await _mixed_writes(store, 150, seed=2)
    expected = [r for _, _, r in history]
    done = asyncio.Event()

    async def writer() -> None:
        for i in range(300):
            k = key(f"live{i}", "ns1" if i % 2 else "ns2")
            expected.append(rv(await store.create(k, obj(f"live{i}", "ns1" if i % 2 else "ns2"))))
            if i % 7 == 0:
                await asyncio.sleep(0)
        done.set()

    task = asyncio.ensure_future(writer())
    watches = []
    for i in range(5):  # several watches starting at different points of the stream
        await asyncio.sleep(0.002 * i)
        watches.append((start, store.watch(PREFIX, start)))
    await task
    final = expected[-1]
    for from_rev, w in watches:
        got = [e.revision for e in await take_until(w, final)]
        assert got == [r for r in expected if r > from_rev]


async def test_watch_future_revision_waits(store: Storage) -> None:
    cur = await store.current_revision()
    w = store.watch(PREFIX, cur + 2)
    pending = asyncio.ensure_future(take(w, 1))
    await asyncio.sleep(0.05)
    for i in range(3):
        await store.create(key(f"f{i}"), obj(f"f{i}"))
    [ev] = await pending
    assert ev.revision == cur + 3


async def test_watch_progress_bookmark(store: Storage) -> None:
    cur = await store.current_revision()
    w = store.watch(PREFIX, cur, progress_notify=True)
    pending = asyncio.ensure_future(take(w, 1))
    await asyncio.sleep(0.05)
    other = await store.create("/registry/elsewhere/y", {"metadata": {"name": "y"}})
    await store.request_progress()
    [ev] = await pending
    assert ev.type == "BOOKMARK" and ev.revision >= rv(other)
    assert ev.obj["metadata"]["resourceVersion"] == str(ev.revision)


async def test_close_ends_watches(backend: Backend, store: Storage) -> None:
    w = store.watch(PREFIX, await store.current_revision())
    pending = asyncio.ensure_future(take_until(w, 10**9))
    await asyncio.sleep(0.05)
    await backend.close()
    assert await asyncio.wait_for(pending, 5) == []


# --- compaction ------------------------------------------------------------------------


async def test_compaction(store: Storage) -> None:
    start = await store.current_revision()
    log = await _mixed_writes(store, 30, seed=3)
    at = log[19][2]
    before_compaction = await store.list(PREFIX, revision=at)
    await store.compact(at)
    if isinstance(store, Cacher):
        # As upstream, the watch cache serves what its window still holds, compacted or
        # not (test_cacher covers revisions beyond the window): exactly, or not at all.
        events = await take(store.watch(PREFIX, start), 30)
        assert [(e.type, e.key, e.revision) for e in events] == log
    else:
        with pytest.raises(CompactedError):
            await anext(store.watch(PREFIX, start))
    with pytest.raises(CompactedError):
        await store.list(PREFIX, revision=start + 1)
    assert await store.list(PREFIX, revision=at) == before_compaction
    events = await take(store.watch(PREFIX, at), 10)
    assert [(e.type, e.key, e.revision) for e in events] == log[20:]
    await store.compact(start)  # older than already compacted: nothing to do
    with pytest.raises(FutureRevisionError):
        await store.compact(await store.current_revision() + 10)
    # writes carry on after compaction
    created = await store.create(key("after"), obj("after"))
    assert rv(created) == log[-1][2] + 1


# --- restart ----------------------------------------------------------------------------


async def test_restart_keeps_data_and_revision(backend: Backend, store: Storage) -> None:
    log = await _mixed_writes(store, 40, seed=4)
    await store.create("/registry/other/x", {"metadata": {"name": "x"}})
    deleted = await store.delete("/registry/other/x")  # the newest revision is a delete
    before = await store.list(PREFIX)
    rev = await store.current_revision()
    assert rev == rv(deleted)
    store2 = await backend.restart()
    assert await store2.current_revision() == rev
    assert await store2.list(PREFIX) == before
    events = await take(store2.watch(PREFIX, log[0][2] - 1), 40)
    assert [(e.type, e.key, e.revision) for e in events] == log
    created = await store2.create(key("new"), obj("new"))
    assert rv(created) == rev + 1
