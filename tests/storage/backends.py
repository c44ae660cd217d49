"""The backends the storage contract suite runs against.

A Backend opens a Storage on the running loop, can restart it on the same data (for
etcd: reconnect), and closes it. Tests keep their keys under PREFIX, the resource
prefix a Cacher would serve.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from kubelite.storage.cacher import Cacher
from kubelite.storage.interface import Storage
from kubelite.storage.sqlite import SQLiteStorage

PREFIX = "/registry/things/"


class Backend(Protocol):
    def __init__(self, tmp_path: Path) -> None: ...

    async def open(self) -> Storage: ...

    async def restart(self) -> Storage:
        """Close and open again on the same data."""

    async def close(self) -> None: ...


class SQLiteBackend:
    def __init__(self, tmp_path: Path) -> None:
        self.path = str(tmp_path / "kubelite.db")
        self.storage: SQLiteStorage | None = None

    async def open(self) -> Storage:
        # A small replay page so the tests cross page boundaries while replaying.
        self.storage = await SQLiteStorage(self.path, replay_page=7).open()
        return self.storage

    async def restart(self) -> Storage:
        await self.close()
        return await self.open()

    async def close(self) -> None:
        if self.storage is not None:
            await self.storage.close()
            self.storage = None


class WatchedSQLite:
    """The SQLite storage as a remote storage looks to the watch cache: without the
    synchronous `listen`, so the cache lists, watches and waits for progress (the mode
    an etcd backend uses)."""

    _HIDDEN = frozenset({"listen", "unlisten", "revision"})

    def __init__(self, storage: SQLiteStorage) -> None:
        self._storage = storage

    def __getattr__(self, name: str) -> Any:
        if name in self._HIDDEN:
            raise AttributeError(name)
        return getattr(self._storage, name)


class CacherBackend:
    """The watch cache for PREFIX in front of SQLite, kept current synchronously."""

    listening = True

    def __init__(self, tmp_path: Path) -> None:
        self.inner = SQLiteBackend(tmp_path)
        self.cacher: Cacher | None = None

    async def open(self) -> Storage:
        storage: Any = await self.inner.open()
        if not self.listening:
            storage = WatchedSQLite(storage)
        self.cacher = Cacher(storage, PREFIX, window=1000, bookmark_interval=None)
        await self.cacher.start()
        return self.cacher

    async def restart(self) -> Storage:
        await self.close()
        return await self.open()

    async def close(self) -> None:
        if self.cacher is not None:
            await self.cacher.close()
            self.cacher = None
        await self.inner.close()


class WatchingCacherBackend(CacherBackend):
    """The watch cache for PREFIX in front of SQLite, kept current by a watch."""

    listening = False


BACKENDS: dict[str, type[Backend]] = {
    "sqlite": SQLiteBackend, "cacher": CacherBackend, "cacher-watching": WatchingCacherBackend,
}
