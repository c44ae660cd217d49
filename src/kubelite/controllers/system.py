"""System objects and the controllers that keep them, as upstream's apiserver bootstrap
and kube-controller-manager do: the default/kubernetes Service with its Endpoints and
EndpointSlice, the system PriorityClasses, the local APIService of every built-in group
version (kube-aggregator's autoregistration), and in every namespace the `default`
ServiceAccount and the `kube-root-ca.crt` ConfigMap.

What the server needs at once (the kubernetes Service and the PriorityClasses) is
ensured before start returns, concurrently; the per-namespace objects are made by the
controllers, which also recreate anything deleted."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from kubelite.apis.resources import RESOURCES
from kubelite.apis.services import IPRange
from kubelite.machinery import errors
from kubelite.registry.store import Store, WriteOptions, now_rfc3339
from kubelite.storage.interface import KeyExistsError, KeyNotFoundError, Obj, WatchEvent

log = logging.getLogger("kubelite.system")

SERVICES = "/registry/services/"
ENDPOINTS = "/registry/endpoints/"
ENDPOINT_SLICES = "/registry/discovery.k8s.io/endpointslices/"
PRIORITY_CLASSES = "/registry/scheduling.k8s.io/priorityclasses/"
SERVICE_ACCOUNTS = "/registry/serviceaccounts/"
CONFIG_MAPS = "/registry/configmaps/"
NAMESPACES = "/registry/namespaces/"
API_SERVICES = "/registry/apiregistration.k8s.io/apiservices/"

ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the "
    "internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."
)
SYSTEM_PRIORITY_CLASSES = (
    ("system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."),
    ("system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
)
# (groupPriorityMinimum, versionPriority) of the local APIServices, as kube-apiserver 1.33
# registers them (pkg/controlplane/apiserver/aggregator.go and
# cmd/kube-apiserver/app/aggregator.go); group versions without one get no APIService.
LOCAL_API_SERVICE_PRIORITIES = {
    ("", "v1"): (18000, 1),
    ("apps", "v1"): (17800, 15),
    ("events.k8s.io", "v1"): (17750, 15),
    ("authentication.k8s.io", "v1"): (17700, 15),
    ("authorization.k8s.io", "v1"): (17600, 15),
    ("autoscaling", "v1"): (17500, 15),
    ("autoscaling", "v2"): (17500, 30),
    ("batch", "v1"): (17400, 15),
    ("certificates.k8s.io", "v1"): (17300, 15),
    ("networking.k8s.io", "v1"): (17200, 15),
    ("policy", "v1"): (17100, 15),
    ("rbac.authorization.k8s.io", "v1"): (17000, 15),
    ("storage.k8s.io", "v1"): (16800, 15),
    ("apiextensions.k8s.io", "v1"): (16700, 15),
    ("admissionregistration.k8s.io", "v1"): (16700, 15),
    ("scheduling.k8s.io", "v1"): (16600, 15),
    ("coordination.k8s.io", "v1"): (16500, 15),
    ("node.k8s.io", "v1"): (16300, 15),
    ("discovery.k8s.io", "v1"): (16200, 15),
    ("flowcontrol.apiserver.k8s.io", "v1"): (16100, 21),
}
LOCAL_AVAILABLE = {"type": "Available", "status": "True", "reason": "Local",
                   "message": "Local APIServices are always available"}
APISERVER = WriteOptions(field_manager="kube-apiserver")
CONTROLLER_MANAGER = WriteOptions(field_manager="kube-controller-manager")


def split_address(server_address: str) -> tuple[str, int]:
    """"HOST:PORT" or "[V6]:PORT" -> (IP, port); a host that is not an IP reads as loopback."""
    host, _, port = server_address.rpartition(":")
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        host = "127.0.0.1"
    return host, int(port)


class SystemObjects:
    def __init__(self, stores: dict[str, Store], options: Any, server_address: str, pki: Any) -> None:
        self.stores = stores
        self.host, self.port = split_address(server_address)
        cidr = str(getattr(options, "service_cluster_ip_range", "10.96.0.0/12")).split(",")[0]
        self.cluster_ip = IPRange(cidr).first()
        ca = getattr(pki, "ca_cert", None)
        self.ca_pem = Path(ca).read_text() if ca is not None and Path(ca).exists() else ""

    # --- the kubernetes Service, Endpoints and EndpointSlice
    def kubernetes_service(self) -> Obj:
        return {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {
                "type": "ClusterIP", "clusterIP": self.cluster_ip, "clusterIPs": [self.cluster_ip],
                "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": self.port}],
            },
        }

    def _address_type(self) -> str:
        return "IPv6" if ":" in self.host else "IPv4"

    def kubernetes_endpoints(self) -> Obj:
        return {
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": self.host}],
                         "ports": [{"name": "https", "port": self.port, "protocol": "TCP"}]}],
        }

    def kubernetes_slice(self) -> Obj:
        return {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": self._address_type(),
            "endpoints": [{"addresses": [self.host], "conditions": {"ready": True}}],
            "ports": [{"name": "https", "port": self.port, "protocol": "TCP"}],
        }

    async def ensure_kubernetes_service(self) -> None:
        store = self.stores.get(SERVICES)
        if store is None:
            return
        try:
            current = await store.get("default", "kubernetes")
        except errors.StatusError as exc:
            if exc.code != 404:
                raise
            with logged("creating the kubernetes service"):
                await store.create("default", self.kubernetes_service(), APISERVER)
            return
        ports = current.get("spec", {}).get("ports") or []
        if [p.get("targetPort") for p in ports] != [self.port]:
            # A restart on another port: point the service at it.
            async def retarget(old: Obj) -> Obj:
                old["spec"]["ports"] = self.kubernetes_service()["spec"]["ports"]
                return old

            with logged("updating the kubernetes service"):
                await store.update("default", "kubernetes", retarget, APISERVER)

    async def ensure_direct(self, prefix: str, obj: Obj, generation: bool = False) -> None:
        """Endpoints and EndpointSlice are written as the apiserver's own reconciler writes
        them, without the user-facing validation (which refuses loopback endpoints)."""
        store = self.stores.get(prefix)
        if store is None:
            return
        key = store.key("default", obj["metadata"]["name"])
        body = {k: v for k, v in obj.items() if k not in ("metadata", "apiVersion", "kind")}
        try:
            current = await store.storage.get(key)
        except KeyNotFoundError:
            meta = obj["metadata"]
            meta.update({"uid": str(uuid.uuid4()), "creationTimestamp": now_rfc3339()})
            if generation:
                meta["generation"] = 1
            with contextlib.suppress(KeyExistsError):
                await store.storage.create(key, obj)
            return
        if {k: current.get(k) for k in body} == body and current["metadata"].get("labels") == obj["metadata"]["labels"]:
            return

        async def rewrite(old: Obj) -> Obj:
            old.update(body)
            old["metadata"]["labels"] = obj["metadata"]["labels"]
            if generation:
                old["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1
            return old

        with contextlib.suppress(KeyNotFoundError):
            await store.storage.guaranteed_update(key, rewrite)

    async def ensure_kubernetes(self) -> None:
        await asyncio.gather(
            self.ensure_kubernetes_service(),
            self.ensure_direct(ENDPOINTS, self.kubernetes_endpoints()),
            self.ensure_direct(ENDPOINT_SLICES, self.kubernetes_slice(), generation=True),
        )

    # --- PriorityClasses
    async def ensure_priority_classes(self) -> None:
        store = self.stores.get(PRIORITY_CLASSES)
        if store is None:
            return

        async def one(name: str, value: int, description: str) -> None:
            obj = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                   "value": value, "description": description, "preemptionPolicy": "PreemptLowerPriority"}
            await create_if_missing(store, "", obj, APISERVER)

        await asyncio.gather(*(one(*pc) for pc in SYSTEM_PRIORITY_CLASSES))

    # --- APIServices
    async def ensure_api_services(self) -> None:
        store = self.stores.get(API_SERVICES)
        if store is None:
            return
        served = sorted({(row.group, row.version) for row in RESOURCES} & LOCAL_API_SERVICE_PRIORITIES.keys())
        await asyncio.gather(*(self._ensure_api_service(store, group, version) for group, version in served))

    async def _ensure_api_service(self, store: Store, group: str, version: str) -> None:
        group_priority, version_priority = LOCAL_API_SERVICE_PRIORITIES[(group, version)]
        name = f"{version}.{group}"
        await create_if_missing(store, "", {
            "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": name},
            "spec": {"group": group, "version": version, "groupPriorityMinimum": group_priority,
                     "versionPriority": version_priority},
        }, APISERVER)

        async def available(obj: Obj) -> Obj:
            # The aggregator's availability controller: a local APIService is always available.
            status = obj.setdefault("status", {})
            conditions = [c for c in status.get("conditions") or [] if c.get("type") != "Available"]
            status["conditions"] = [*conditions, {**LOCAL_AVAILABLE, "lastTransitionTime": now_rfc3339()}]
            return obj

        current = await store.get("", name)
        if not any(c.get("type") == "Available" and c.get("status") == "True" and c.get("reason") == "Local"
                   for c in (current.get("status") or {}).get("conditions") or []):
            with logged(f"marking APIService {name} available"):
                await store.update("", name, available, APISERVER, subresource="status")

    # --- per namespace
    def root_ca_configmap(self, namespace: str) -> Obj:
        return {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": namespace,
                         "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}},
            "data": {"ca.crt": self.ca_pem},
        }

    async def ensure_namespace(self, namespace: str) -> None:
        sa_store, cm_store = self.stores.get(SERVICE_ACCOUNTS), self.stores.get(CONFIG_MAPS)
        jobs: list[Awaitable[None]] = []
        if sa_store is not None:
            sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": namespace}}
            jobs.append(create_if_missing(sa_store, namespace, sa, CONTROLLER_MANAGER))
        if cm_store is not None:
            jobs.append(self.ensure_root_ca(namespace))
        await asyncio.gather(*jobs)

    async def ensure_root_ca(self, namespace: str) -> None:
        store = self.stores[CONFIG_MAPS]
        want = self.root_ca_configmap(namespace)
        try:
            current = await store.get(namespace, ROOT_CA_CONFIGMAP)
        except errors.StatusError as exc:
            if exc.code == 404:
                await create_if_missing(store, namespace, want, CONTROLLER_MANAGER)
            return
        if current.get("data") == want["data"] and (current.get("metadata", {}).get("annotations") or {}).get(
                "kubernetes.io/description") == ROOT_CA_DESCRIPTION:
            return

        async def reset(old: Obj) -> Obj:
            # The root-ca-cert-publisher puts the data and its description back.
            old["data"] = want["data"]
            old.pop("binaryData", None)
            old["metadata"].setdefault("annotations", {})["kubernetes.io/description"] = ROOT_CA_DESCRIPTION
            return old

        with contextlib.suppress(errors.StatusError):
            await store.update(namespace, ROOT_CA_CONFIGMAP, reset, CONTROLLER_MANAGER)


async def create_if_missing(store: Store, namespace: str, obj: Obj, opts: WriteOptions) -> None:
    try:
        await store.get(namespace, obj["metadata"]["name"])
        return
    except errors.StatusError as exc:
        if exc.code != 404:
            return
    try:
        await store.create(namespace, obj, opts)
    except errors.StatusError as exc:
        # Already there (a race), or the namespace is going away: nothing to do.
        if exc.code not in (403, 404, 409):
            log.warning("creating %s %s/%s: %s", obj.get("kind"), namespace, obj["metadata"]["name"], exc.message)


@contextlib.contextmanager
def logged(what: str) -> Iterator[None]:
    """Log (do not raise) a refusal met while keeping a system object."""
    try:
        yield
    except errors.StatusError as exc:
        log.warning("%s: %s", what, exc.message)


async def watch_forever(store: Store, namespace: str, handle: Callable[[WatchEvent], Awaitable[None]],
                         initial: Callable[[list[Obj]], Awaitable[None]] | None = None) -> None:
    """List, then watch, calling handle for every event; start over when the watch ends."""
    while True:
        try:
            page = await store.list(namespace)
            if initial is not None:
                await initial(page.items)
            events = await store.watch(namespace, None, page.resource_version)
            async for event in events:
                await handle(event)
            await asyncio.sleep(0.1)  # the watch ended (shutdown, cache reset): list again
        except asyncio.CancelledError:
            raise
        except Exception:  # keep the controller alive whatever one pass hits
            log.exception("system controller pass failed; retrying")
            await asyncio.sleep(1)


def _active(ns: Obj) -> bool:
    return not ns["metadata"].get("deletionTimestamp") and (ns.get("status") or {}).get("phase") != "Terminating"


async def start_system_controllers(
    stores: dict[str, Store], options: Any, server_address: str, pki: Any
) -> list[asyncio.Task[None]]:
    """Create the system objects that are missing and start the controllers; returns their tasks."""
    system = SystemObjects(stores, options, server_address, pki)
    for result in await asyncio.gather(system.ensure_kubernetes(), system.ensure_priority_classes(),
                                       system.ensure_api_services(), return_exceptions=True):
        if isinstance(result, Exception):
            # The server serves anyway; the controllers below retry what they own.
            log.error("creating system objects failed: %r", result)
    tasks: list[asyncio.Task[None]] = []
    namespaces = stores.get(NAMESPACES)
    if namespaces is not None:
        async def all_namespaces(items: list[Obj]) -> None:
            await asyncio.gather(*(system.ensure_namespace(ns["metadata"]["name"]) for ns in items if _active(ns)))

        async def namespace_event(event: WatchEvent) -> None:
            if event.type == "ADDED" and _active(event.obj):
                await system.ensure_namespace(event.obj["metadata"]["name"])

        tasks.append(asyncio.create_task(watch_forever(namespaces, "", namespace_event, all_namespaces)))

        async def namespace_alive(name: str) -> bool:
            try:
                return _active(await namespaces.get("", name))
            except errors.StatusError:
                return False

        sa_store = stores.get(SERVICE_ACCOUNTS)
        if sa_store is not None:
            async def sa_event(event: WatchEvent) -> None:
                meta = event.obj["metadata"]
                if event.type == "DELETED" and meta.get("name") == "default" and await namespace_alive(meta.get("namespace", "")):
                    await system.ensure_namespace(meta["namespace"])

            tasks.append(asyncio.create_task(watch_forever(sa_store, "", sa_event)))
        cm_store = stores.get(CONFIG_MAPS)
        if cm_store is not None:
            async def cm_event(event: WatchEvent) -> None:
                meta = event.obj["metadata"]
                if meta.get("name") != ROOT_CA_CONFIGMAP or not await namespace_alive(meta.get("namespace", "")):
                    return
                if event.type == "DELETED" or event.obj.get("data") != {"ca.crt": system.ca_pem}:
                    await system.ensure_root_ca(meta["namespace"])

            tasks.append(asyncio.create_task(watch_forever(cm_store, "", cm_event)))

    async def kubernetes_event(event: WatchEvent) -> None:
        if event.type == "DELETED" and event.obj["metadata"].get("name") == "kubernetes":
            await system.ensure_kubernetes()

    for prefix in (SERVICES, ENDPOINTS, ENDPOINT_SLICES):
        store = stores.get(prefix)
        if store is not None:
            tasks.append(asyncio.create_task(watch_forever(store, "default", kubernetes_event)))
    return tasks
