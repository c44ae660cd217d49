"""The objects of 1.33's service IP allocation (MultiCIDRServiceAllocator, GA): the
default ServiceCIDR `kubernetes` for --service-cluster-ip-range, kept Ready as
upstream's service-cidr controller keeps it, and one IPAddress per allocated ClusterIP
naming its Service.

Upstream's allocator writes the IPAddress before the Service; kubelite allocates from
its own bitmaps (apis/services.py) and keeps the IPAddress objects in step from a watch
of Services, so they appear a moment after the Service and go with it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import Any

from kubelite.controllers.system import APISERVER, SERVICES, create_if_missing, logged, watch_forever
from kubelite.machinery import errors
from kubelite.registry.store import DeleteOptions, Store, now_rfc3339
from kubelite.storage.interface import Obj, Preconditions, WatchEvent

log = logging.getLogger("kubelite.serviceips")

SERVICE_CIDRS = "/registry/networking.k8s.io/servicecidrs/"
IP_ADDRESSES = "/registry/networking.k8s.io/ipaddresses/"
DEFAULT_SERVICE_CIDR = "kubernetes"
SERVICE_CIDR_FINALIZER = "networking.k8s.io/service-cidr-finalizer"
FAMILY_LABEL = "ipaddress.kubernetes.io/ip-family"
MANAGED_BY_LABEL = "ipaddress.kubernetes.io/managed-by"
MANAGED_BY = "ipallocator.k8s.io"


def default_service_cidr(ranges: str) -> Obj:
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR",
        "metadata": {"name": DEFAULT_SERVICE_CIDR, "finalizers": [SERVICE_CIDR_FINALIZER]},
        "spec": {"cidrs": [r.strip() for r in ranges.split(",") if r.strip()]},
    }


def ip_address(ip: str, service: Obj) -> Obj:
    meta = service["metadata"]
    family = "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "IPAddress",
        "metadata": {"name": ip, "labels": {FAMILY_LABEL: family, MANAGED_BY_LABEL: MANAGED_BY}},
        "spec": {"parentRef": {"resource": "services", "namespace": meta["namespace"], "name": meta["name"]}},
    }


def cluster_ips(service: Obj) -> list[str]:
    spec = service.get("spec") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [ip for ip in ips if isinstance(ip, str) and ip != "None" and _is_ip(ip)]


class ServiceIPObjects:
    def __init__(self, cidrs: Store, addresses: Store, options: Any) -> None:
        self.cidrs = cidrs
        self.addresses = addresses
        self.ranges = str(getattr(options, "service_cluster_ip_range", "10.96.0.0/12"))

    async def ensure_default_cidr(self) -> None:
        await create_if_missing(self.cidrs, "", default_service_cidr(self.ranges), APISERVER)
        current = await self.cidrs.get("", DEFAULT_SERVICE_CIDR)
        conditions = (current.get("status") or {}).get("conditions") or []
        if any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions):
            return

        async def ready(obj: Obj) -> Obj:
            # Upstream's condition has a message and no reason.
            obj["status"] = {"conditions": [{"type": "Ready", "status": "True", "reason": "",
                                             "message": "Kubernetes Service CIDR is ready",
                                             "lastTransitionTime": now_rfc3339()}]}
            return obj

        with logged("marking the default ServiceCIDR ready"):
            await self.cidrs.update("", DEFAULT_SERVICE_CIDR, ready, APISERVER, subresource="status")

    async def run(self, services: Store) -> None:
        await watch_forever(services, "", self._service_event, self._resync)

    async def _resync(self, items: list[Obj]) -> None:
        wanted = {ip: svc for svc in items for ip in cluster_ips(svc)}
        for ip, svc in wanted.items():
            await self._ensure(ip, svc)
        page = await self.addresses.list("", _managed)
        for addr in page.items:
            if addr["metadata"]["name"] not in wanted:
                await self._release(addr["metadata"]["name"], None)

    async def _service_event(self, event: WatchEvent) -> None:
        now = [] if event.type == "DELETED" else cluster_ips(event.obj)
        before = cluster_ips(event.prev) if event.prev is not None else []
        for ip in now:
            await self._ensure(ip, event.obj)
        for ip in set(before) - set(now):
            await self._release(ip, (event.prev or event.obj)["metadata"])
        if event.type == "DELETED":
            for ip in cluster_ips(event.obj):
                await self._release(ip, event.obj["metadata"])

    async def _ensure(self, ip: str, service: Obj) -> None:
        with logged(f"creating IPAddress {ip}"):
            await create_if_missing(self.addresses, "", ip_address(ip, service), APISERVER)

    async def _release(self, ip: str, owner: Obj | None) -> None:
        """Delete the IPAddress of ip if the allocator made it (for owner, when given)."""
        try:
            current = await self.addresses.get("", ip)
        except errors.StatusError:
            return
        if current["metadata"].get("labels", {}).get(MANAGED_BY_LABEL) != MANAGED_BY:
            return
        parent = (current.get("spec") or {}).get("parentRef") or {}
        if owner is not None and (parent.get("namespace"), parent.get("name")) != (owner.get("namespace"), owner.get("name")):
            return
        with logged(f"deleting IPAddress {ip}"):
            pre = Preconditions(uid=current["metadata"]["uid"])
            await self.addresses.delete("", ip, DeleteOptions(preconditions=pre))


def _managed(obj: Obj) -> bool:
    return bool(obj.get("metadata", {}).get("labels", {}).get(MANAGED_BY_LABEL) == MANAGED_BY)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


async def start_service_ip_objects(stores: dict[str, Store], options: Any) -> list[asyncio.Task[None]]:
    """Ensure the default ServiceCIDR, then keep the IPAddresses of Services; returns the task."""
    cidrs, addresses, services = stores.get(SERVICE_CIDRS), stores.get(IP_ADDRESSES), stores.get(SERVICES)
    if cidrs is None or addresses is None or services is None:
        return []
    objects = ServiceIPObjects(cidrs, addresses, options)
    try:
        await objects.ensure_default_cidr()
    except Exception as exc:  # the server serves anyway
        log.error("creating the default ServiceCIDR failed: %r", exc)
    return [asyncio.create_task(objects.run(services), name="service IP objects")]
