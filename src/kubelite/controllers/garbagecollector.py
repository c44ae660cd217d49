"""The garbage collector (upstream's kube-controller-manager garbage collector,
pkg/controller/garbagecollector, run in process like the namespace controller).

It owns the dependency graph and the work done on it. The graph holds every object with
ownerReferences (a dependent), indexed by the uid of each owner, and the owners whose
deletion waits for the collector; it is kept from a watch of every stored built-in
resource, so no event needs a list. The work, as upstream's:

- a dependent none of whose owners exists any more is deleted (propagation Background,
  or as its own `orphan` / `foregroundDeletion` finalizer says, so deletion cascades);
  one that still has a live owner only loses its references to the gone ones;
- an owner deleted with propagation Foreground (the store gives it the
  `foregroundDeletion` finalizer) has its dependents deleted, and loses that finalizer
  (so it goes away) once no dependent with blockOwnerDeletion=true is left;
- an owner deleted with propagation Orphan (finalizer `orphan`) has its uid removed from
  every dependent's ownerReferences, then loses the finalizer.

An owner exists as upstream's isDangling decides: the object named by the reference's
apiVersion, kind and name -- in the dependent's namespace when the kind is namespaced --
with the reference's uid. So a namespaced dependent never has an owner in another
namespace. A reference to a kind that is not served is retried with backoff and never
counts as gone; a cluster-scoped dependent with a namespaced owner is left alone. Events
are neither watched nor collected (upstream's DefaultIgnoredResources).

On start, and whenever a watch breaks, each resource is listed again before its watch
resumes, so owners already marked for deletion and dependents whose owners went away
while nobody watched are handled. Work starts once every resource has been listed once,
as upstream waits for its informers to sync.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from kubelite.machinery import errors
from kubelite.registry.store import DeleteOptions, Store, WriteOptions
from kubelite.storage.interface import KeyNotFoundError, Obj, Preconditions, WatchEvent

log = logging.getLogger("kubelite.garbagecollector")

ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"
CONTROLLER_MANAGER = WriteOptions(field_manager="kube-controller-manager")
WORKERS = 4  # items worked at once (upstream: 20 goroutines); each mostly waits on a storage write
ORPHAN_BATCH = 100  # dependents orphaned concurrently
IGNORED = {("", "events")}  # events.k8s.io Events are stored as core Events

Action = Literal["delete", "orphan"]
Item = tuple[Action, str]  # (what to do, uid)


@dataclass(frozen=True)
class OwnerRef:
    uid: str
    api_version: str
    kind: str
    name: str
    block: bool  # blockOwnerDeletion


@dataclass(frozen=True)
class Node:
    """What the graph keeps of one object: a dependent, or an owner being deleted with a
    finalizer of the collector's."""

    store: Store
    namespace: str
    name: str
    uid: str
    owners: tuple[OwnerRef, ...]
    being_deleted: bool
    deleting_dependents: bool  # being deleted, with foregroundDeletion
    orphaning: bool  # being deleted, with orphan


class _Unresolved(Exception):
    """An owner reference to a kind that is not served: retry later (upstream does too)."""


class _InvalidOwner(Exception):
    """A cluster-scoped dependent names a namespaced owner: never resolvable, never retried."""


class _Stale(Exception):
    """The object at the node's name is another one (different uid) or gone."""


class WorkQueue:
    """Upstream's workqueue semantics: an item waits at most once, is never processed by
    two workers at once (added meanwhile, it runs again after), and failures come back
    with a per-item exponential backoff."""

    BASE_DELAY = 0.005
    MAX_DELAY = 300.0

    def __init__(self) -> None:
        self._ready: deque[Item] = deque()
        self._wake = asyncio.Event()
        self._queued: set[Item] = set()
        self._processing: set[Item] = set()
        self._again: set[Item] = set()
        self._failures: dict[Item, int] = {}

    def add(self, item: Item) -> None:
        if item in self._processing:
            self._again.add(item)
        elif item not in self._queued:
            self._queued.add(item)
            self._ready.append(item)
            self._wake.set()

    async def get(self) -> Item:
        while not self._ready:
            self._wake.clear()
            await self._wake.wait()
        item = self._ready.popleft()
        self._queued.discard(item)
        self._processing.add(item)
        return item

    def done(self, item: Item, ok: bool) -> None:
        self._processing.discard(item)
        if item in self._again:
            self._again.discard(item)
            self.add(item)
        if ok:
            self._failures.pop(item, None)
            return
        failures = self._failures.get(item, 0)
        self._failures[item] = failures + 1
        delay = min(self.BASE_DELAY * 2 ** min(failures, 32), self.MAX_DELAY)
        asyncio.get_running_loop().call_later(delay, self.add, item)


class GarbageCollector:
    def __init__(self, stores: Iterable[Store], kinds: Mapping[tuple[str, str, str], Store]) -> None:
        """stores: one per stored resource; kinds: (group, version, kind) -> store for every
        served version, how owner references resolve (upstream's RESTMapper)."""
        self.stores = [
            s for s in stores if not s.strategy.virtual and (s.strategy.group, s.strategy.resource) not in IGNORED
        ]
        self.kinds = dict(kinds)
        self._nodes: dict[str, Node] = {}
        self._dependents: dict[str, set[str]] = {}  # owner uid -> uids of its dependents
        self._queue = WorkQueue()
        self._unsynced = len(self.stores)
        self._synced = asyncio.Event()

    async def run(self) -> None:
        """Watch every resource and work the queue until cancelled."""
        if not self.stores:
            self._synced.set()
        async with asyncio.TaskGroup() as tasks:
            for store in self.stores:
                tasks.create_task(self._watch(store), name=f"gc watch {store.key_prefix}")
            for i in range(WORKERS):
                tasks.create_task(self._work(), name=f"gc worker {i}")

    # --- the graph, from the watches (synchronous: no await between reading and writing it)

    async def _watch(self, store: Store) -> None:
        listed = False
        while True:
            try:
                page = await store.list("")
                self._resync(store, page.items, relisted=listed)
                if not listed:
                    listed = True
                    self._unsynced -= 1
                    if self._unsynced == 0:
                        self._synced.set()
                stream = await store.watch("", None, page.resource_version)
                try:
                    while (batch := await stream.next_batch(None)) is not None:
                        for event in batch:
                            self._observe(store, event)
                finally:
                    stream.stop()
                delay = 0.1  # the watch ended (the cache re-listed): list again
            except asyncio.CancelledError:
                raise
            except Exception:  # a broken watch (compacted, overflowed) or list: start over
                log.warning("garbage collector: watch of %s failed; re-listing", store.key_prefix, exc_info=True)
                delay = 1.0
            await asyncio.sleep(delay)

    def _resync(self, store: Store, items: list[Obj], relisted: bool) -> None:
        seen = set()
        for obj in items:
            seen.add(obj["metadata"].get("uid"))
            self._update(store, obj)
        if not relisted:
            return
        for node in [n for n in self._nodes.values() if n.store is store and n.uid not in seen]:
            self._deleted(node.uid)
        # Owners deleted while the watch was down left no event: check every dependent.
        for node in self._nodes.values():
            if node.owners:
                self._queue.add(("delete", node.uid))

    def _observe(self, store: Store, event: WatchEvent) -> None:
        if event.type == "DELETED":
            self._deleted(event.obj["metadata"].get("uid", ""))
        elif event.type != "BOOKMARK":
            self._update(store, event.obj)

    def _update(self, store: Store, obj: Obj) -> None:
        uid = obj["metadata"].get("uid", "")
        new = _node_of(store, obj)
        old = self._nodes.get(uid)
        if old is None and new is None:
            return  # the usual object: neither owned nor waiting for the collector
        self._relink(uid, old.owners if old else (), new.owners if new else ())
        if new is None:
            del self._nodes[uid]
            return
        self._nodes[uid] = new
        if new.orphaning:
            self._queue.add(("orphan", uid))
        if new.deleting_dependents and not (old and old.deleting_dependents):
            # Upstream's processTransitions: every dependent is deleted, blocking or not.
            for dependent in self._dependents.get(uid, ()):
                self._queue.add(("delete", dependent))
            self._queue.add(("delete", uid))

    def _relink(self, uid: str, before: tuple[OwnerRef, ...], after: tuple[OwnerRef, ...]) -> None:
        old = {ref.uid: ref for ref in before}
        new = {ref.uid: ref for ref in after}
        for owner, ref in old.items():
            if new.get(owner) == ref:
                continue
            if owner not in new:
                self._unlink(owner, uid)
            self._wake_owner(owner)  # a foreground owner may no longer be blocked
        added = new.keys() - old.keys()
        for owner in added:
            self._dependents.setdefault(owner, set()).add(uid)
        if added:
            self._queue.add(("delete", uid))  # are the new owners there at all?

    def _deleted(self, uid: str) -> None:
        node = self._nodes.pop(uid, None)
        if node is not None:
            for ref in node.owners:
                self._unlink(ref.uid, uid)
                self._wake_owner(ref.uid)
        for dependent in self._dependents.get(uid, ()):
            self._queue.add(("delete", dependent))

    def _unlink(self, owner: str, dependent: str) -> None:
        dependents = self._dependents.get(owner)
        if dependents is not None:
            dependents.discard(dependent)
            if not dependents:
                del self._dependents[owner]

    def _wake_owner(self, owner: str) -> None:
        node = self._nodes.get(owner)
        if node is not None and node.deleting_dependents:
            self._queue.add(("delete", owner))

    # --- the work

    async def _work(self) -> None:
        await self._synced.wait()
        while True:
            item = await self._queue.get()
            ok = False
            try:
                ok = await self._process(item)
            except asyncio.CancelledError:
                self._queue.done(item, True)
                raise
            except Exception:
                log.warning("garbage collector: %s of %s failed; retrying", *item, exc_info=True)
            self._queue.done(item, ok)

    async def _process(self, item: Item) -> bool:
        """Do one item; False to retry it later."""
        action, uid = item
        node = self._nodes.get(uid)
        if node is None:
            return True  # gone, or no longer the collector's business
        if action == "orphan":
            return await self._orphan_dependents(node)
        return await self._attempt_to_delete(node)

    async def _attempt_to_delete(self, node: Node) -> bool:
        """Upstream's attemptToDeleteItem."""
        if node.being_deleted and not node.deleting_dependents:
            return True  # on its way out; its dependents are looked at once it is gone
        latest = await self._latest(node)
        if latest is None:
            return True  # its DELETED event updates the graph
        meta = latest["metadata"]
        if _deleting_dependents(meta):
            return await self._delete_dependents(node)
        refs = _owner_refs(meta)
        if not refs:
            return True
        try:
            solid, dangling, waiting = await self._classify(node, refs)
        except _Unresolved as exc:
            log.debug("garbage collector: %s/%s: owner kind not served: %s", node.namespace, node.name, exc)
            return False
        except _InvalidOwner:
            return True
        if solid:
            gone = {ref.uid for ref in dangling + waiting}
            if gone:
                await self._update_meta(node, lambda m: _drop_owner_refs(m, gone))
            return True
        dependents = self._dependents.get(node.uid, ())
        if waiting and dependents:
            if any(self._waits_for_dependents(d) for d in dependents):
                # Upstream's cycle guard: an owner and a dependent both waiting for each
                # other would never finish, so this object stops blocking its owners.
                await self._update_meta(node, _unblock_owner_refs)
            return await self._delete(node, latest, "Foreground")
        return await self._delete(node, latest, _own_policy(meta))

    async def _delete_dependents(self, owner: Node) -> bool:
        """Upstream's processDeletingDependentsItem: done once nothing blocks the owner."""
        blocking = [d for d in self._dependents.get(owner.uid, ()) if self._blocks(d, owner.uid)]
        if not blocking:
            await self._update_meta(owner, lambda m: _drop_finalizer(m, FOREGROUND))
            return True
        for dependent in blocking:
            if not self._waits_for_dependents(dependent):
                self._queue.add(("delete", dependent))
        return True  # woken again as blocking dependents go away

    async def _orphan_dependents(self, owner: Node) -> bool:
        """Upstream's attemptToOrphanWorker."""
        latest = await self._latest(owner)
        if latest is None or not _has(latest["metadata"], ORPHAN):
            return True
        dependents = [n for d in list(self._dependents.get(owner.uid, ())) if (n := self._nodes.get(d))]
        failed = False
        for start in range(0, len(dependents), ORPHAN_BATCH):
            results = await asyncio.gather(
                *(self._update_meta(d, lambda m: _drop_owner_refs(m, {owner.uid}))
                  for d in dependents[start:start + ORPHAN_BATCH]),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, Exception):
                    log.warning("garbage collector: orphaning a dependent of %s failed: %s", owner.name, result)
                    failed = True
        if failed:
            return False
        await self._update_meta(owner, lambda m: _drop_finalizer(m, ORPHAN))
        return True

    async def _classify(
        self, node: Node, refs: tuple[OwnerRef, ...]
    ) -> tuple[list[OwnerRef], list[OwnerRef], list[OwnerRef]]:
        """(solid, dangling, waiting for dependents' deletion), as upstream's classifyReferences."""
        solid: list[OwnerRef] = []
        dangling: list[OwnerRef] = []
        waiting: list[OwnerRef] = []
        for ref in refs:
            owner = await self._owner(node, ref)
            if owner is None:
                dangling.append(ref)
            elif _deleting_dependents(owner["metadata"]):
                waiting.append(ref)
            else:
                solid.append(ref)
        return solid, dangling, waiting

    async def _owner(self, node: Node, ref: OwnerRef) -> Obj | None:
        """The owner a reference names, or None if it is gone (upstream's isDangling)."""
        group, _, version = ref.api_version.rpartition("/")
        store = self.kinds.get((group, version, ref.kind))
        if store is None or store.strategy.virtual:
            raise _Unresolved(f"{ref.api_version} {ref.kind}")
        namespaced = store.strategy.namespaced
        if namespaced and not node.namespace:
            raise _InvalidOwner(f"{ref.api_version} {ref.kind}")
        try:
            owner = await store.storage.get(store.key(node.namespace if namespaced else "", ref.name))
        except KeyNotFoundError:
            return None
        return owner if owner["metadata"].get("uid") == ref.uid else None

    async def _latest(self, node: Node) -> Obj | None:
        """The node's object as stored now, None if gone or replaced by another uid."""
        try:
            obj = await node.store.storage.get(node.store.key(node.namespace, node.name))
        except KeyNotFoundError:
            return None
        return obj if obj["metadata"].get("uid") == node.uid else None

    async def _delete(self, node: Node, latest: Obj, policy: str) -> bool:
        # Preconditions as upstream's deleteObject: the object judged, not a newer state of it.
        pre = Preconditions(uid=node.uid, resource_version=latest["metadata"]["resourceVersion"])
        try:
            await node.store.delete(node.namespace, node.name, DeleteOptions(preconditions=pre, propagation_policy=policy))
        except errors.StatusError as exc:
            if exc.code == 404:
                return True
            if exc.code == 409:
                return False  # changed since it was judged: judge again
            raise
        return True

    async def _update_meta(self, node: Node, change: Callable[[Obj], None]) -> None:
        """Change the node's metadata through the store (validation, managedFields, and
        the deletion of an object whose last finalizer goes), as upstream patches."""

        async def new_object(obj: Obj) -> Obj:
            if obj.get("metadata", {}).get("uid") != node.uid:
                raise _Stale
            change(obj["metadata"])
            return obj

        try:
            await node.store.update(node.namespace, node.name, new_object, CONTROLLER_MANAGER)
        except _Stale:
            pass
        except errors.StatusError as exc:
            if exc.code != 404:
                raise

    def _blocks(self, dependent: str, owner: str) -> bool:
        node = self._nodes.get(dependent)
        return node is not None and any(ref.uid == owner and ref.block for ref in node.owners)

    def _waits_for_dependents(self, uid: str) -> bool:
        node = self._nodes.get(uid)
        return node is not None and node.deleting_dependents


# --- metadata helpers


def _node_of(store: Store, obj: Obj) -> Node | None:
    meta = obj["metadata"]
    owners = _owner_refs(meta)
    being_deleted = bool(meta.get("deletionTimestamp"))
    deleting_dependents = _deleting_dependents(meta)
    orphaning = being_deleted and _has(meta, ORPHAN)
    if not (owners or deleting_dependents or orphaning):
        return None
    return Node(
        store, meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", ""),
        owners, being_deleted, deleting_dependents, orphaning,
    )


def _owner_refs(meta: Obj) -> tuple[OwnerRef, ...]:
    return tuple(
        OwnerRef(
            str(ref.get("uid", "")), str(ref.get("apiVersion", "")), str(ref.get("kind", "")),
            str(ref.get("name", "")), ref.get("blockOwnerDeletion") is True,
        )
        for ref in meta.get("ownerReferences") or ()
        if isinstance(ref, dict)
    )


def _has(meta: Obj, finalizer: str) -> bool:
    return finalizer in (meta.get("finalizers") or ())


def _deleting_dependents(meta: Obj) -> bool:
    """Being deleted in the foreground: waiting for its dependents to go."""
    return bool(meta.get("deletionTimestamp")) and _has(meta, FOREGROUND)


def _own_policy(meta: Obj) -> str:
    """How to delete a dependent: as its own finalizers ask, else in the background."""
    if _has(meta, ORPHAN):
        return "Orphan"
    if _has(meta, FOREGROUND):
        return "Foreground"
    return "Background"


def _drop_owner_refs(meta: Obj, uids: set[str]) -> None:
    kept = [ref for ref in meta.get("ownerReferences") or () if ref.get("uid") not in uids]
    if kept:
        meta["ownerReferences"] = kept
    else:
        meta.pop("ownerReferences", None)


def _unblock_owner_refs(meta: Obj) -> None:
    for ref in meta.get("ownerReferences") or ():
        if ref.get("blockOwnerDeletion") is True:
            ref["blockOwnerDeletion"] = False


def _drop_finalizer(meta: Obj, finalizer: str) -> None:
    kept = [f for f in meta.get("finalizers") or () if f != finalizer]
    if kept:
        meta["finalizers"] = kept
    else:
        meta.pop("finalizers", None)
