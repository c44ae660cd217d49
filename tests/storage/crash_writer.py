"""Crash-test workload (run as a subprocess by test_sqlite): concurrent writes against a
SQLiteStorage, printing a line for each acknowledged one, until it is SIGKILLed.

    C <key> <rev>      created
    U <key> <n> <rev>  counter key updated to n
    D <key> <rev>      deleted
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

from kubelite.storage.interface import KeyExistsError, Obj
from kubelite.storage.sqlite import SQLiteStorage


async def main(path: str, workers: int) -> None:
    store = await SQLiteStorage(path).open()
    out = sys.stdout

    def ack(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    async def inc(cur: Obj) -> Obj:
        cur["data"]["n"] += 1
        return cur

    async def worker(w: int) -> None:
        counter = f"/registry/crash/counters/c{w % 4}"
        i = 0
        while True:
            key = f"/registry/crash/w{w}/k{i:07d}"
            o = await store.create(
                key, {"metadata": {"name": f"k{i}", "namespace": f"w{w}"}, "data": {"i": i}}
            )
            ack(f"C {key} {o['metadata']['resourceVersion']}")
            if i % 5 == 4:
                d = await store.delete(f"/registry/crash/w{w}/k{i - 2:07d}")
                ack(f"D /registry/crash/w{w}/k{i - 2:07d} {d['metadata']['resourceVersion']}")
            if i % 3 == 0:
                try:
                    u = await store.guaranteed_update(counter, inc)
                except Exception:
                    u = None
                if u is not None:
                    ack(f"U {counter} {u['data']['n']} {u['metadata']['resourceVersion']}")
            i += 1

    for c in range(4):
        with contextlib.suppress(KeyExistsError):  # a re-run on an existing file
            await store.create(
                f"/registry/crash/counters/c{c}", {"metadata": {"name": f"c{c}"}, "data": {"n": 0}}
            )
    ack("READY")
    await asyncio.gather(*(worker(w) for w in range(workers)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
