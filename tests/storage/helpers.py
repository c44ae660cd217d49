"""Small helpers for the storage tests: keys, objects, collecting watch events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from kubelite.storage.interface import Obj, WatchEvent
from tests.storage.backends import PREFIX


def key(name: str, ns: str = "ns1") -> str:
    return f"{PREFIX}{ns}/{name}"


def obj(name: str, ns: str = "ns1", **data: Any) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Thing",
        "metadata": {"name": name, "namespace": ns, "uid": f"uid-{ns}-{name}"},
        "data": dict(data),
    }


def rv(o: Obj) -> int:
    return int(o["metadata"]["resourceVersion"])


async def take(it: AsyncIterator[WatchEvent], n: int, timeout: float = 10.0) -> list[WatchEvent]:
    """The next n events (BOOKMARKs included), failing if they do not come in time."""

    async def go() -> list[WatchEvent]:
        return [await anext(it) for _ in range(n)]

    return await asyncio.wait_for(go(), timeout)


async def take_until(it: AsyncIterator[WatchEvent], revision: int, timeout: float = 20.0) -> list[WatchEvent]:
    """Events (no BOOKMARKs) until one at or past revision."""

    async def go() -> list[WatchEvent]:
        out: list[WatchEvent] = []
        async for ev in it:
            if ev.type != "BOOKMARK":
                out.append(ev)
            if ev.revision >= revision:
                break
        return out

    return await asyncio.wait_for(go(), timeout)


async def nothing_more(it: AsyncIterator[WatchEvent], wait: float = 0.2) -> None:
    """Assert the watch has nothing further to say for a while."""
    try:
        ev = await asyncio.wait_for(anext(it), wait)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected event {ev}")
