"""The generic REST store (upstream's `registry/generic/registry.Store`): every verb,
implemented once for every kind, with per-kind behaviour from a Strategy.

Objects enter and leave the store in the storage (hub) version; the endpoint layer
converts. The store owns the object lifecycle: uid, creationTimestamp,
generation, finalizers and graceful deletion, managedFields stamps.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from kubelite.machinery import errors
from kubelite.machinery.errors import StatusError
from kubelite.machinery.objects import deep_copy
from kubelite.machinery.validation import generate_name
from kubelite.registry.managedfields import keep_decodable_managed_fields, stamp_managed_fields
from kubelite.registry.strategy import Strategy
from kubelite.storage.interface import (
    CompactedError,
    ConflictError,
    KeyExistsError,
    KeyNotFoundError,
    Obj,
    Preconditions,
    Storage,
    WatchEvent,
)
from kubelite.storage.watchers import IteratorSource

Predicate = Callable[[Obj], bool]
UpdateFn = Callable[[Obj], Awaitable[Obj]]


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class WriteOptions:
    dry_run: bool = False
    field_manager: str = ""
    user: Any = None


@dataclass
class DeleteOptions:
    preconditions: Preconditions | None = None
    grace_period_seconds: int | None = None
    propagation_policy: str | None = None  # Orphan, Background, Foreground
    dry_run: bool = False


@dataclass
class ListPage:
    items: list[Obj]
    resource_version: str
    continue_token: str = ""
    remaining: int | None = None


# Admission hooks: (operation, new object, old object) -> may mutate or raise.
Admission = Callable[[str, Obj | None, Obj | None, WriteOptions], Awaitable[None]]


class Store:
    def __init__(self, storage: Storage, strategy: Strategy, key_prefix: str, api_version: str) -> None:
        self.storage = storage
        self.strategy = strategy
        self.key_prefix = key_prefix  # "/registry/configmaps/"
        self.api_version = api_version  # the storage (hub) version, e.g. "apps/v1"
        self.admission: list[Admission] = []
        self.namespace_check: Callable[[str], Awaitable[None]] | None = None

    # --- keys
    def key(self, namespace: str, name: str) -> str:
        if self.strategy.namespaced:
            return f"{self.key_prefix}{namespace}/{name}"
        return f"{self.key_prefix}{name}"

    def prefix(self, namespace: str) -> str:
        if self.strategy.namespaced and namespace:
            return f"{self.key_prefix}{namespace}/"
        return self.key_prefix

    def _not_found(self, name: str) -> StatusError:
        return errors.not_found(self.strategy.group, self.strategy.resource, name)

    def _invalid(self, name: str, causes: list[dict[str, str]]) -> StatusError:
        return errors.invalid(self.strategy.group, self.strategy.kind, name, causes)

    # --- get
    async def get(self, namespace: str, name: str) -> Obj:
        try:
            return await self.storage.get(self.key(namespace, name))
        except KeyNotFoundError:
            raise self._not_found(name) from None

    # --- create
    async def create(self, namespace: str, obj: Obj, opts: WriteOptions) -> Obj:
        s = self.strategy
        meta = obj.setdefault("metadata", {})
        if meta.get("generateName") and not meta.get("name"):
            meta["name"] = generate_name(meta["generateName"])
        if s.namespaced:
            meta["namespace"] = namespace
        else:
            meta.pop("namespace", None)
        # Fields the server owns are reset whatever the client sent.
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now_rfc3339()
        for owned in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(owned, None)
        meta.pop("generation", None)
        s.prepare_for_create(obj)
        s.default(obj)
        for hook in self.admission:
            await hook("CREATE", obj, None, opts)
        keep_decodable_managed_fields(obj, None)
        causes = s.validate(obj)
        if causes:
            raise self._invalid(meta.get("name", ""), causes)
        s.canonicalize(obj)
        if s.namespaced and self.namespace_check is not None:
            await self.namespace_check(namespace)
        stamp_managed_fields(obj, None, opts.field_manager, "Update", self.api_version)
        name = meta["name"]
        key = self.key(namespace, name)
        if opts.dry_run:
            try:
                await self.storage.get(key)
            except KeyNotFoundError:
                return obj
            raise errors.already_exists(s.group, s.resource, name)
        try:
            return await self.storage.create(key, obj)
        except KeyExistsError:
            raise errors.already_exists(s.group, s.resource, name) from None

    # --- update (PUT and PATCH both arrive here with a function from old to new)
    async def update(
        self,
        namespace: str,
        name: str,
        new_object: UpdateFn,
        opts: WriteOptions,
        *,
        subresource: str = "",
        force_allow_create: bool = False,
    ) -> tuple[Obj, bool]:
        """Returns (object, created)."""
        s = self.strategy
        key = self.key(namespace, name)
        state: dict[str, Any] = {}

        async def apply(old: Obj) -> Obj | None:
            obj = await new_object(deep_copy(old))
            meta = obj.setdefault("metadata", {})
            rv = meta.get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise errors.conflict(s.group, s.resource, name, errors.OPTIMISTIC_LOCK_MESSAGE)
            if meta.get("uid") and meta["uid"] != old["metadata"]["uid"]:
                raise errors.conflict(
                    s.group, s.resource, name,
                    f"Precondition failed: UID in precondition: {meta['uid']}, UID in object meta: {old['metadata']['uid']}",
                )
            meta["resourceVersion"] = old["metadata"]["resourceVersion"]
            self._keep_system_metadata(meta, old["metadata"])
            keep_decodable_managed_fields(obj, old)
            if subresource:
                s.prepare_for_subresource_update(subresource, obj, old)
                obj_meta = obj["metadata"]
                causes = s.validate_status_update(obj, old)
            else:
                s.prepare_for_update(obj, old)
                s.default(obj)
                obj_meta = obj["metadata"]
                for hook in self.admission:
                    await hook("UPDATE", obj, old, opts)
                causes = s.validate_update(obj, old)
            if causes:
                raise self._invalid(name, causes)
            s.canonicalize(obj)
            if _same_ignoring_managed(obj, old):
                state["unchanged"] = True
                return None
            stamp_managed_fields(obj, old, opts.field_manager, "Update", self.api_version, subresource)
            if obj_meta.get("deletionTimestamp") and not obj_meta.get("finalizers"):
                state["finalized"] = not s.hold_deletion(deep_copy(obj))
            if opts.dry_run:
                state["dry_run"] = obj
                return None
            return obj

        try:
            result = await self.storage.guaranteed_update(key, apply)
        except KeyNotFoundError:
            # Absent: a PUT may create it (upstream's AllowCreateOnUpdate).
            if subresource or not (s.allow_create_on_update or force_allow_create):
                raise self._not_found(name) from None
            obj = await new_object({})
            if obj.setdefault("metadata", {}).get("resourceVersion"):
                raise self._not_found(name) from None
            return await self.create(namespace, obj, opts), True
        except ConflictError as exc:
            raise errors.conflict(s.group, s.resource, name, exc.message) from None
        if "dry_run" in state:
            return state["dry_run"], False
        if state.get("finalized"):
            # The last finalizer went away from an object being deleted: delete it now.
            await self._delete_now(key, result)
        return result, False

    @staticmethod
    def _keep_system_metadata(meta: Obj, old: Obj) -> None:
        """Clients cannot change what the server owns (uid, creationTimestamp, ...)."""
        for owned in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if owned in old:
                meta[owned] = old[owned]
            else:
                meta.pop(owned, None)
        if "namespace" in old:
            meta.setdefault("namespace", old["namespace"])
        meta.setdefault("name", old.get("name"))
        meta.pop("selfLink", None)

    # --- delete
    async def delete(self, namespace: str, name: str, opts: DeleteOptions) -> tuple[Obj, bool]:
        """Returns (object, deleted_now). With finalizers the object is only marked."""
        s = self.strategy
        key = self.key(namespace, name)
        try:
            current = await self.storage.get(key)
        except KeyNotFoundError:
            raise self._not_found(name) from None
        self._check_preconditions(current, opts.preconditions, name)
        for hook in self.admission:
            await hook("DELETE", None, current, WriteOptions(dry_run=opts.dry_run))
        policy = opts.propagation_policy
        finalizers = gc_finalizers(s, current["metadata"].get("finalizers") or [], policy)
        held = s.hold_deletion(deep_copy(current))
        if finalizers or held:
            if opts.dry_run:
                return current, False

            async def mark(old: Obj) -> Obj | None:
                self._check_preconditions(old, opts.preconditions, name)
                before = deep_copy(old)
                m = old["metadata"]
                m.setdefault("deletionTimestamp", now_rfc3339())
                m.setdefault("deletionGracePeriodSeconds", 0)
                # Recomputed on the state written, as upstream does inside its update.
                wanted = gc_finalizers(s, m.get("finalizers") or [], policy)
                if wanted:
                    m["finalizers"] = wanted
                else:
                    m.pop("finalizers", None)
                s.hold_deletion(old)
                if old == before:
                    return None
                if s.spec_generation:
                    m["generation"] = m.get("generation", 1) + 1
                return old

            try:
                obj = await self.storage.guaranteed_update(key, mark)
            except KeyNotFoundError:
                raise self._not_found(name) from None
            # The garbage collector (controllers/garbagecollector.py) acts on the orphan and
            # foregroundDeletion finalizers. If the finalizers went away meanwhile, nothing holds it.
            if not obj["metadata"].get("finalizers") and not s.hold_deletion(deep_copy(obj)):
                return await self._delete_now(key, obj), True
            return obj, False
        if opts.dry_run:
            return current, True
        return await self._delete_now(key, current, opts.preconditions), True

    async def _delete_now(self, key: str, obj: Obj, preconditions: Preconditions | None = None) -> Obj:
        name = obj["metadata"]["name"]

        async def check(current: Obj) -> None:
            self._check_preconditions(current, preconditions, name)

        try:
            return await self.storage.delete(key, validate=check)
        except KeyNotFoundError:
            raise self._not_found(name) from None

    def _check_preconditions(self, obj: Obj, pre: Preconditions | None, name: str) -> None:
        if pre is None:
            return
        s = self.strategy
        meta = obj["metadata"]
        if pre.uid and pre.uid != meta.get("uid"):
            raise errors.conflict(
                s.group, s.resource, name,
                f"Precondition failed: UID in precondition: {pre.uid}, UID in object meta: {meta.get('uid')}",
            )
        if pre.resource_version and pre.resource_version != meta.get("resourceVersion"):
            raise errors.conflict(
                s.group, s.resource, name,
                f"Precondition failed: ResourceVersion in precondition: {pre.resource_version}, "
                f"ResourceVersion in object meta: {meta.get('resourceVersion')}",
            )

    async def delete_collection(
        self, namespace: str, predicate: Predicate, opts: DeleteOptions
    ) -> list[Obj]:
        page = await self.list(namespace, predicate)
        deleted = []
        for item in page.items:
            meta = item["metadata"]
            try:
                obj, _ = await self.delete(meta.get("namespace", ""), meta["name"], opts)
            except StatusError as exc:
                if exc.code == 404:
                    continue
                raise
            deleted.append(obj)
        return deleted

    # --- list
    async def list(
        self,
        namespace: str,
        predicate: Predicate | None = None,
        *,
        limit: int = 0,
        continue_token: str = "",
        resource_version: str = "",
        resource_version_match: str = "",
    ) -> ListPage:
        prefix = self.prefix(namespace)
        start_after = ""
        revision = 0
        if continue_token:
            revision, start_after = self._decode_continue(continue_token, prefix)
        elif resource_version_match == "Exact":
            revision = _parse_rv(resource_version)
        elif resource_version not in ("", "0"):
            await self._wait_for_revision(_parse_rv(resource_version))
        items: list[Obj] = []
        more = False
        remaining = 0
        snapshot = revision
        while True:
            try:
                result = await self.storage.list(
                    prefix, revision=snapshot, limit=limit or 0, start_after=start_after
                )
            except CompactedError:
                if continue_token:
                    raise errors.gone(_CONTINUE_EXPIRED) from None
                raise errors.gone(f"too old resource version: {revision} ({await self._compacted_hint()})") from None
            snapshot = result.revision
            for obj in result.items:
                if predicate is None or predicate(obj):
                    items.append(obj)
            more = result.more
            remaining = result.remaining
            if not limit or not more or len(items) >= limit:
                break
            start_after = self._key_of(result.items[-1])
        token = ""
        if limit and more and items:
            items = items[:limit]
            token = self._encode_continue(snapshot, self._key_of(items[-1]), prefix)
        page = ListPage(items, str(snapshot), token)
        if token and predicate is None:
            page.remaining = remaining
        return page

    async def _compacted_hint(self) -> str:
        return "current: " + str(await self.storage.current_revision())

    async def _wait_for_revision(self, revision: int) -> None:
        """A list at resourceVersion N (NotOlderThan) waits briefly for the store to reach N."""
        for _ in range(30):
            if await self.storage.current_revision() >= revision:
                return
            await asyncio.sleep(0.1)
        raise errors.too_large_resource_version(revision, await self.storage.current_revision())

    def _key_of(self, obj: Obj) -> str:
        meta = obj["metadata"]
        return self.key(meta.get("namespace", ""), meta["name"])

    @staticmethod
    def _encode_continue(revision: int, key: str, prefix: str) -> str:
        raw = orjson.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": key[len(prefix):] + "\x00"})
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def _decode_continue(token: str, prefix: str) -> tuple[int, str]:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = orjson.loads(raw)
            if data.get("v") != "meta.k8s.io/v1":
                raise ValueError
            revision = int(data["rv"])
            start = str(data["start"]).rstrip("\x00")
            if revision <= 0 or "/.." in start or start.startswith("/"):
                raise ValueError
        except (ValueError, TypeError, KeyError, orjson.JSONDecodeError):
            raise errors.bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)") from None
        return revision, prefix + start

    # --- watch
    async def watch(
        self,
        namespace: str,
        predicate: Predicate | None,
        resource_version: str,
        send_initial_events: bool | None = None,
    ) -> WatchStream:
        prefix = self.prefix(namespace)
        initial: list[WatchEvent] = []
        if resource_version in ("", "0") or send_initial_events:
            page = await self.list(namespace, predicate, resource_version="" if resource_version == "" else "0")
            from_rev = int(page.resource_version)
            initial = [WatchEvent("ADDED", "", obj, from_rev) for obj in page.items]
        else:
            from_rev = _parse_rv(resource_version)
        batches = getattr(self.storage, "watch_batches", None)
        if batches is not None:
            source: EventSource = await batches(prefix, from_rev)
        else:
            source = IteratorSource(self.storage.watch(prefix, from_rev), 10_000)
        return WatchStream(source, initial, predicate)


class EventSource(Protocol):
    async def next_batch(self, timeout: float | None) -> list[WatchEvent] | None: ...

    def stop(self) -> None: ...


class WatchStream:
    """A watch as the API shows it: initial ADDED events, then the live events seen
    through the selector as upstream: an object moving out of the selection is
    DELETED, moving in is ADDED. Read it by batches (next_batch) or event by event."""

    def __init__(self, source: EventSource, initial: list[WatchEvent], predicate: Predicate | None) -> None:
        self._source = source
        self._initial = initial
        self._predicate = predicate

    async def next_batch(self, timeout: float | None) -> list[WatchEvent] | None:
        """Events (at least one), [] if none came within timeout, None once the watch
        ended. Raises what ended it abnormally (CompactedError, WatchOverflowError)."""
        if self._initial:
            out, self._initial = self._initial, []
            return out
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            batch = await self._source.next_batch(None if deadline is None else deadline - loop.time())
            if not batch or self._predicate is None:
                return batch
            selected = _through_selector(batch, self._predicate)
            if selected:
                return selected

    def stop(self) -> None:
        self._source.stop()

    async def __aiter__(self) -> AsyncIterator[WatchEvent]:
        try:
            while (batch := await self.next_batch(None)) is not None:
                for event in batch:
                    yield event
        finally:
            self.stop()


def _through_selector(batch: list[WatchEvent], predicate: Predicate) -> list[WatchEvent]:
    out: list[WatchEvent] = []
    for event in batch:
        if event.type == "BOOKMARK":
            out.append(event)
            continue
        now = predicate(event.obj)
        before = event.prev is not None and predicate(event.prev)
        if event.type == "MODIFIED":
            if now and before:
                out.append(event)
            elif now:
                out.append(WatchEvent("ADDED", event.key, event.obj, event.revision, event.prev))
            elif before:
                out.append(WatchEvent("DELETED", event.key, event.obj, event.revision, event.prev))
        elif now:
            out.append(event)
    return out


_CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list."
)


def _parse_rv(rv: str) -> int:
    try:
        value = int(rv)
        if value < 0:
            raise ValueError
        return value
    except ValueError:
        raise errors.bad_request(f'invalid resource version "{rv}"') from None  # noqa: B904


def _same_ignoring_managed(a: Obj, b: Obj) -> bool:
    ma, mb = a.get("metadata", {}), b.get("metadata", {})
    if {k: v for k, v in a.items() if k != "metadata"} != {k: v for k, v in b.items() if k != "metadata"}:
        return False
    skip = ("managedFields", "resourceVersion")
    return {k: v for k, v in ma.items() if k not in skip} == {k: v for k, v in mb.items() if k not in skip}


# Upstream's DefaultGarbageCollectionPolicy where a kind's differs from DeleteDependents
# (Background), for the versions 1.33 serves: core/v1 ReplicationController and batch/v1 Job
# orphan for backwards compatibility (pkg/registry/core/replicationcontroller/strategy.go,
# pkg/registry/batch/job/strategy.go); events take no part (pkg/registry/core/event/strategy.go).
_DEFAULT_GC_POLICY = {("", "replicationcontrollers"): "Orphan", ("batch", "jobs"): "Orphan", ("", "events"): "Unsupported"}
_GC_FINALIZER_POLICY = {"orphan": "Orphan", "foregroundDeletion": "Foreground"}


def gc_finalizers(strategy: Strategy, finalizers: list[str], policy: str | None) -> list[str]:
    """The finalizers an object keeps when deleted with this propagationPolicy (upstream's
    deletionFinalizersForGarbageCollection, registry/generic/registry/store.go): `orphan` or
    `foregroundDeletion` as the policy says, else as the one already set says, else as the
    kind's default; Background (and kinds without garbage collection) drop both."""
    default = _DEFAULT_GC_POLICY.get((strategy.group, strategy.resource), "Background")
    if default == "Unsupported":
        policy = "Background"
    elif policy is None:
        policy = next((_GC_FINALIZER_POLICY[f] for f in finalizers if f in _GC_FINALIZER_POLICY), default)
    wanted = [f for f in finalizers if f not in _GC_FINALIZER_POLICY]
    if policy == "Orphan":
        wanted.append("orphan")
    elif policy == "Foreground":
        wanted.append("foregroundDeletion")
    return list(finalizers) if set(wanted) == set(finalizers) else wanted
