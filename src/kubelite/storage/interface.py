"""The storage contract (DESIGN.md §4): one async interface, implemented by SQLite and etcd.

Objects are JSON-shaped dicts. The store owns `metadata.resourceVersion`: it is set
to the revision of the write that produced the object, as a decimal string, on
every object it returns. One revision counter covers the whole store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Obj = dict[str, Any]


class StorageError(Exception):
    """Base class; the registry maps each subclass to an API status."""


class KeyExistsError(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key exists: {key}")
        self.key = key


class KeyNotFoundError(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key not found: {key}")
        self.key = key


class ConflictError(StorageError):
    """A precondition on uid or resourceVersion did not hold."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


class CompactedError(StorageError):
    """The requested revision is older than the compacted history (HTTP 410)."""

    def __init__(self, requested: int, compacted: int) -> None:
        super().__init__(f"required revision {requested} has been compacted (compacted at {compacted})")
        self.requested = requested
        self.compacted = compacted


class WatchOverflowError(StorageError):
    """A watcher fell too far behind and was dropped (its bounded queue overflowed).

    Raised from the watch iterator. Nothing was lost up to the last event the caller
    received: watch again from that event's revision (upstream closes such watches)."""

    def __init__(self, capacity: int) -> None:
        super().__init__(f"watcher fell more than {capacity} events behind and was dropped")
        self.capacity = capacity


class FutureRevisionError(StorageError):
    """The requested revision is newer than the current revision."""

    def __init__(self, requested: int, current: int) -> None:
        super().__init__(f"revision {requested} is newer than current revision {current}")
        self.requested = requested
        self.current = current


@dataclass(frozen=True)
class Preconditions:
    uid: str | None = None
    resource_version: str | None = None


@dataclass
class ListResult:
    items: list[Obj]
    revision: int  # the revision of the snapshot the items were read at
    more: bool  # True when `limit` cut the list short
    remaining: int = 0  # how many keys after the last item (for remainingItemCount)


# BOOKMARK appears only on watches opened with progress_notify=True: it carries no object
# change, only the promise that every change under the prefix up to `revision` was delivered.
EventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]


@dataclass(frozen=True)
class WatchEvent:
    type: EventType
    key: str
    obj: Obj  # for DELETED: the last state, with resourceVersion = the deletion revision
    revision: int
    prev: Obj | None = None  # the previous state (MODIFIED, DELETED) where known
    # Encoded forms of this event, by whoever serves it (one encoding for all watchers).
    encoded: dict[Any, bytes] = field(default_factory=dict, compare=False, repr=False)


UpdateFn = Callable[[Obj], Awaitable[Obj | None]]


class Storage(Protocol):
    async def create(self, key: str, obj: Obj) -> Obj:
        """Store obj at key if absent; return it with resourceVersion set. KeyExistsError if present."""

    async def get(self, key: str) -> Obj:
        """KeyNotFoundError if absent."""

    async def list(
        self, prefix: str, *, revision: int = 0, limit: int = 0, start_after: str = ""
    ) -> ListResult:
        """Keys under prefix, in key order. revision 0 = latest; limit 0 = all;
        start_after = continue after this key. CompactedError for a compacted revision."""

    async def guaranteed_update(
        self, key: str, fn: UpdateFn, preconditions: Preconditions | None = None, current: Obj | None = None
    ) -> Obj:
        """Read-modify-write with compare-and-swap on the revision, retried on races.
        fn gets a copy of the current object (KeyNotFoundError if absent) and returns the
        new object, or None to leave it unchanged. Exceptions from fn propagate.
        current: a cached copy to start from instead of reading (upstream's
        cachedExistingObject); if it is stale the swap fails and the read happens then."""

    async def delete(
        self,
        key: str,
        preconditions: Preconditions | None = None,
        validate: Callable[[Obj], Awaitable[None]] | None = None,
        current: Obj | None = None,
    ) -> Obj:
        """Remove key; return the last state with resourceVersion = deletion revision.
        current: as for guaranteed_update."""

    def watch(
        self, prefix: str, from_revision: int, *, progress_notify: bool = False
    ) -> AsyncIterator[WatchEvent]:
        """Every change under prefix with revision > from_revision, in order, exactly once.
        CompactedError (raised on first iteration) if from_revision is compacted.
        WatchOverflowError if the consumer falls too far behind. The iteration ends
        without error when the store closes. With progress_notify, BOOKMARK events
        (obj = {"metadata": {"resourceVersion": ...}}) report progress, e.g. after
        request_progress(). Event objects may be shared: treat them as read-only."""

    async def request_progress(self) -> None:
        """Ask every progress_notify watch to deliver a BOOKMARK at (at least) the
        revision current now, after the changes before it (etcd RequestWatchProgress)."""

    async def count(self, prefix: str) -> int: ...

    async def compact(self, revision: int) -> None: ...

    async def current_revision(self) -> int: ...

    async def close(self) -> None: ...
