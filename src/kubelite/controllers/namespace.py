"""The namespace controller (upstream's kube-controller-manager namespace controller,
run in process): a namespace marked for deletion has its contents deleted, then its
`kubernetes` spec finalizer removed, then it goes away.

Also the NamespaceLifecycle admission check: nothing is created in a missing or
terminating namespace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from kubelite.machinery import errors
from kubelite.registry.store import DeleteOptions, Store, WriteOptions
from kubelite.storage.interface import KeyNotFoundError, Obj

log = logging.getLogger("kubelite.namespace")

# Namespaces that always exist; upstream refuses to delete them.
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


class NamespaceLifecycle:
    """Admission: namespaced creates need a live namespace; system namespaces stay."""

    def __init__(self, namespaces: Store) -> None:
        self.namespaces = namespaces
        namespaces.admission.append(self.admit_namespace)

    async def admit_namespace(self, operation: str, obj: Obj | None, old: Obj | None, opts: WriteOptions) -> None:
        if operation == "DELETE" and old is not None and old["metadata"]["name"] in SYSTEM_NAMESPACES:
            name = old["metadata"]["name"]
            raise errors.forbidden("", "namespaces", name, "this namespace may not be deleted")

    async def check(self, namespace: str) -> None:
        try:
            ns = await self.namespaces.storage.get(self.namespaces.key("", namespace))
        except KeyNotFoundError:
            raise errors.not_found("", "namespaces", namespace) from None
        if ns["metadata"].get("deletionTimestamp") or ns.get("status", {}).get("phase") == "Terminating":
            raise errors.StatusError(
                403, "Forbidden",
                f"unable to create new content in namespace {namespace} because it is being terminated",
                {"name": namespace, "kind": "namespaces", "causes": [{
                    "reason": "NamespaceTerminating",
                    "message": f"namespace {namespace} is being terminated",
                    "field": "metadata.namespace",
                }]},
            )


class NamespaceController:
    def __init__(self, namespaces: Store, namespaced_stores: Iterable[Store]) -> None:
        self.namespaces = namespaces
        self.stores = list(namespaced_stores)
        self._task: asyncio.Task[None] | None = None
        self._pending: set[str] = set()
        self._wake = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def ensure_system_namespaces(self) -> None:
        for name in SYSTEM_NAMESPACES:
            try:
                await self.namespaces.storage.get(self.namespaces.key("", name))
            except KeyNotFoundError:
                obj: Obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
                with contextlib.suppress(errors.StatusError):
                    await self.namespaces.create("", obj, WriteOptions(field_manager="kube-apiserver"))

    async def _run(self) -> None:
        while True:
            try:
                await self._watch_loop()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the controller alive whatever one pass hits
                log.exception("namespace controller pass failed; retrying")
                await asyncio.sleep(1)

    async def _watch_loop(self) -> None:
        page = await self.namespaces.list("")
        for ns in page.items:
            if ns["metadata"].get("deletionTimestamp"):
                self._schedule(ns["metadata"]["name"])
        events = await self.namespaces.watch("", None, page.resource_version)
        async for event in events:
            if event.type != "DELETED" and event.obj["metadata"].get("deletionTimestamp"):
                self._schedule(event.obj["metadata"]["name"])

    def _schedule(self, name: str) -> None:
        if name not in self._pending:
            self._pending.add(name)
            asyncio.create_task(self._finalize(name))

    async def _finalize(self, name: str) -> None:
        try:
            for attempt in range(600):
                if await self._delete_contents(name):
                    break
                await asyncio.sleep(min(0.1 * (attempt + 1), 2.0))
            await self._remove_finalizer(name)
        except Exception:
            log.exception("finalizing namespace %s failed", name)
        finally:
            self._pending.discard(name)

    async def _delete_contents(self, namespace: str) -> bool:
        """Delete everything in the namespace; True once nothing is left."""
        empty = True
        for store in self.stores:
            page = await store.list(namespace)
            for item in page.items:
                empty = False
                if item["metadata"].get("deletionTimestamp"):
                    continue  # waiting on its own finalizers
                with contextlib.suppress(errors.StatusError):
                    await store.delete(namespace, item["metadata"]["name"], DeleteOptions(propagation_policy="Background"))
        return empty

    async def _remove_finalizer(self, name: str) -> None:
        key = self.namespaces.key("", name)

        async def finalize(ns: Obj) -> Obj | None:
            spec = ns.setdefault("spec", {})
            if "kubernetes" not in (spec.get("finalizers") or []):
                return None
            spec["finalizers"] = [f for f in spec["finalizers"] if f != "kubernetes"]
            return ns

        try:
            ns = await self.namespaces.storage.guaranteed_update(key, finalize)
        except KeyNotFoundError:
            return
        if not ns.get("spec", {}).get("finalizers") and not ns["metadata"].get("finalizers"):
            with contextlib.suppress(KeyNotFoundError):
                await self.namespaces.storage.delete(key)
