"""SQLite-specific behaviour: crash safety, group commit, file locking, past snapshots."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelite.storage.compactor import run_compactor
from kubelite.storage.interface import CompactedError, KeyExistsError, Obj, StorageError
from kubelite.storage.sqlite import SQLiteStorage
from tests.storage.dbcheck import check_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(120)
def test_sigkill_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = str(tmp_path / "crash.db")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.crash_writer", path, "32"],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    lines: list[bytes] = []
    deadline = time.monotonic() + 60
    try:
        while len(lines) < 4000 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        assert len(lines) >= 1000, f"workload too slow or died: {lines[-3:]}"
        proc.send_signal(signal.SIGKILL)  # mid-flight: writes are queued and committing
    finally:
        proc.kill()
        rest, _ = proc.communicate()
    lines.extend(rest.splitlines(keepends=True))
    acked = [ln.decode().split() for ln in lines if ln.endswith(b"\n")]  # a torn last line was not acked
    assert acked[0] == ["READY"]

    meta = check_db(path)
    created: dict[str, int] = {}
    deleted: set[str] = set()
    counters: dict[str, int] = {}
    for rec in acked[1:]:
        if rec[0] == "C":
            created[rec[1]] = int(rec[2])
        elif rec[0] == "D":
            deleted.add(rec[1])
        elif rec[0] == "U":
            counters[rec[1]] = max(counters.get(rec[1], 0), int(rec[2]))
    max_acked = max(int(rec[-1]) for rec in acked[1:])
    # A delete the workload had started but not seen acknowledged may or may not be there.
    last_create: dict[str, int] = {}
    for k in created:
        w, i = k.rsplit("/", 2)[1], int(k.rsplit("/k", 1)[1])
        last_create[w] = max(last_create.get(w, -1), i)
    in_flight = {f"/registry/crash/{w}/k{i - 2:07d}" for w, i in last_create.items() if i % 5 == 4}
    assert meta["revision"] >= max_acked

    async def verify() -> None:
        async with SQLiteStorage(path) as store:
            assert await store.current_revision() == meta["revision"]
            items = {
                f"/registry/crash/{o['metadata']['namespace']}/{o['metadata']['name'][:1]}"
                f"{int(o['metadata']['name'][1:]):07d}": o
                for o in (await store.list("/registry/crash/w")).items
            }
            for k, rev in created.items():
                if k in in_flight and k not in deleted:
                    continue
                if k in deleted:
                    assert k not in items, k
                else:
                    assert k in items, k
                    assert int(items[k]["metadata"]["resourceVersion"]) == rev
            for k, n in counters.items():
                assert (await store.get(k))["data"]["n"] >= n
            # and the store works on after the crash
            o = await store.create("/registry/crash/after", {"metadata": {"name": "after"}})
            assert int(o["metadata"]["resourceVersion"]) == meta["revision"] + 1

    asyncio.run(verify())
    check_db(path)


def test_group_commit_and_isolated_failures(tmp_path: Path) -> None:
    async def main() -> None:
        store = SQLiteStorage(str(tmp_path / "g.db"))
        batches: list[int] = []
        inner = store._on_commit

        def counting(outcomes: list[Any], changes: list[Any], rev: int) -> None:
            batches.append(len(outcomes))
            inner(outcomes, changes, rev)

        store._on_commit = counting
        await store.open()
        try:
            # 200 distinct creates and 20 racing creates of one key, all at once
            tasks = [store.create(f"/registry/g/k{i}", {"metadata": {"name": f"k{i}"}}) for i in range(200)]
            tasks += [
                store.create("/registry/g/dup", {"metadata": {"name": "dup"}, "n": i}) for i in range(20)
            ]
            results = await asyncio.gather(*tasks, return_exceptions=True)
            assert all(isinstance(r, dict) for r in results[:200])
            dups = results[200:]
            assert sum(isinstance(r, dict) for r in dups) == 1
            assert all(isinstance(r, KeyExistsError) for r in dups if not isinstance(r, dict))
            assert await store.count("/registry/g/") == 201
            assert await store.current_revision() == 201
            assert sum(batches) == 220
            assert len(batches) < 20, batches  # shared commits, not one fsync per write
        finally:
            await store.close()
        check_db(str(tmp_path / "g.db"))

    asyncio.run(main())


def test_one_process_per_file(tmp_path: Path) -> None:
    async def main() -> None:
        path = str(tmp_path / "l.db")
        async with SQLiteStorage(path):
            with pytest.raises(StorageError):
                await SQLiteStorage(path).open()
        async with SQLiteStorage(path) as again:  # released on close
            assert await again.current_revision() == 0

    asyncio.run(main())


def test_close_commits_queued_writes(tmp_path: Path) -> None:
    path = str(tmp_path / "c.db")

    async def main() -> None:
        store = await SQLiteStorage(path).open()
        pending = [asyncio.ensure_future(store.create(f"/r/k{i}", {"metadata": {}})) for i in range(100)]
        await asyncio.sleep(0)  # queued, not yet acknowledged
        await store.close()
        assert all(p.done() and not p.exception() for p in pending)
        with pytest.raises(StorageError):
            await store.get("/r/k1")
        async with SQLiteStorage(path) as s2:
            assert await s2.count("/r/") == 100

    asyncio.run(main())
    check_db(path)


# A model-based check of list at past revisions (rebuilt from kv + history) and of
# watch replay, against a dict replaying the same operations.
_ops = st.lists(
    st.tuples(st.sampled_from(["put", "put", "delete", "compact"]), st.integers(0, 6), st.integers(0, 99)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops)
def test_past_snapshots_match_a_model(tmp_path_factory: pytest.TempPathFactory, ops: list[Any]) -> None:
    path = str(tmp_path_factory.mktemp("model") / "m.db")

    async def main() -> None:
        async with SQLiteStorage(path, replay_page=3) as store:
            snapshots: dict[int, dict[str, Obj]] = {0: {}}
            state: dict[str, Obj] = {}
            compacted = 0

            async def set_v(v: int) -> Any:
                async def fn(cur: Obj) -> Obj:
                    cur["v"] = v
                    return cur

                return fn

            for op, k, v in ops:
                key = f"/registry/m/k{k}"
                if op == "put":
                    if key in state:
                        o = await store.guaranteed_update(key, await set_v(v))
                    else:
                        o = await store.create(key, {"metadata": {"name": f"k{k}"}, "v": v})
                    state[key] = o
                elif op == "delete" and key in state:
                    await store.delete(key)
                    del state[key]
                elif op == "compact":
                    target = await store.current_revision() - v % 3
                    if target > 0:
                        await store.compact(target)  # an older target is a no-op
                        compacted = max(compacted, target)
                rev = await store.current_revision()
                snapshots[rev] = {kk: dict(vv) for kk, vv in sorted(state.items())}
            current = await store.current_revision()
            last_snap: dict[str, Obj] = {}
            for r in range(1, current + 1):  # (revision 0 means "latest")
                last_snap = snapshots.get(r, last_snap)
                if r < compacted:
                    continue
                for limit in (0, 2):
                    items: list[Obj] = []
                    after = ""
                    while True:
                        res = await store.list("/registry/m/", revision=r, limit=limit, start_after=after)
                        items += res.items
                        if not res.more:
                            break
                        assert res.remaining == len(last_snap) - len(items)
                        after = f"/registry/m/{items[-1]['metadata']['name']}"
                    assert items == list(last_snap.values()), (r, compacted)
            # replaying the watch from the oldest kept revision rebuilds the final state
            base = min(max(compacted, 1), current)
            rebuilt = {
                f"/registry/m/{o['metadata']['name']}": o
                for o in (await store.list("/registry/m/", revision=base)).items
            }
            if current > base:
                async for ev in store.watch("/registry/m/", base):
                    if ev.type == "DELETED":
                        del rebuilt[ev.key]
                    else:
                        rebuilt[ev.key] = ev.obj
                    if ev.revision >= current:
                        break
            assert dict(sorted(rebuilt.items())) == state

    asyncio.run(main())


def test_compactor_keeps_one_interval_of_history(tmp_path: Path) -> None:
    async def main() -> None:
        async with SQLiteStorage(str(tmp_path / "k.db")) as store:
            await store.create("/r/a", {"metadata": {}})
            task = asyncio.ensure_future(run_compactor(store, 0.05))
            await asyncio.sleep(0.08)  # first tick: remembers revision 1
            await store.create("/r/b", {"metadata": {}})
            await asyncio.sleep(0.05)  # second tick: compacts to 1
            task.cancel()
            with pytest.raises(CompactedError):
                await anext(store.watch("/r/", 0))
            [ev] = [e async for e in _until(store.watch("/r/", 1), 2)]
            assert ev.key == "/r/b"

    asyncio.run(main())


async def _until(it: Any, revision: int) -> Any:
    async for ev in it:
        yield ev
        if ev.revision >= revision:
            return
