"""The services area: Service (defaults, validation, cluster IP and node port allocation,
printing), Endpoints and discovery.k8s.io EndpointSlice.

Allocation follows upstream's Service REST storage (pkg/registry/core/service/storage):
IPs and node ports are taken before the object is validated and written, given back if
the write fails, released after a successful delete. The allocation state is not stored
on its own (upstream keeps /registry/ranges or IPAddress objects): it is derived from the
stored Services the first time the allocator is used, and kept in memory afterwards. That
survives restarts at no write cost, and is correct while one server process owns the data.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from kubelite.apis.podspec import (
    PROTOCOLS,
    as_dict,
    as_list,
    cidr_errors,
    dns_label,
    format_labels,
    ip_errors,
    is_int,
    non_special_ip_errors,
    port_name_errors,
    port_num_errors,
    qualified_name,
    validate_port_num_or_name,
)
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.errors import StatusError
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
_FAMILIES = {4: "IPv4", 6: "IPv6"}
_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"]


def _ip(value: Any) -> IPAddress | None:
    try:
        return ipaddress.ip_address(str(value))
    except ValueError:
        return None


def family_of(value: str) -> str:
    ip = _ip(value)
    return _FAMILIES[ip.version] if ip is not None else ""


# --- allocators ------------------------------------------------------------------------------------


class RangeFull(Exception):
    pass


class AllocationError(Exception):
    """An explicit request that cannot be honoured; str() is upstream's text."""


def _offset(size: int, lo: int, hi: int, step: int) -> int:
    """calculateRangeOffset: the size of the lower band kept for explicit requests."""
    if size <= lo:
        return 0
    return max(lo, min(hi, size // step))


class Bitmap:
    """Items 0..size-1; AllocateNext prefers the upper band, as upstream's random scan with offset."""

    def __init__(self, size: int, offset: int) -> None:
        self.size = size
        self.offset = offset
        self.used: set[int] = set()

    def allocate(self, n: int) -> bool:
        if n in self.used:
            return False
        self.used.add(n)
        return True

    def release(self, n: int) -> None:
        self.used.discard(n)

    def next(self) -> int:
        for lo, hi in ((self.offset, self.size), (0, self.offset)):
            free = (hi - lo) - sum(1 for u in self.used if lo <= u < hi)
            if free <= 0:
                continue
            # Random probes are cheap while the band is sparse; a scan from a random start ends it.
            for _ in range(32):
                n = random.randrange(lo, hi)
                if n not in self.used:
                    self.used.add(n)
                    return n
            start = random.randrange(lo, hi)
            for i in range(hi - lo):
                n = lo + (start - lo + i) % (hi - lo)
                if n not in self.used:
                    self.used.add(n)
                    return n
        raise RangeFull("range is full")


class IPRange:
    """ipallocator.Range of one CIDR: the network address (and the IPv4 broadcast) excluded."""

    def __init__(self, cidr: str) -> None:
        self.network: IPNetwork = ipaddress.ip_network(cidr.strip(), strict=False)
        self.family = _FAMILIES[self.network.version]
        total = self.network.num_addresses
        size = total - 2 if self.network.version == 4 else total - 1
        if self.network.version == 6:
            size = min(size, 65535)  # upstream caps the bitmap of an IPv6 range
        size = max(size, 0)
        self.base = int(self.network.network_address) + 1
        self.bitmap = Bitmap(size, _offset(size, 16, 256, 16))

    @property
    def cidr(self) -> str:
        return str(self.network)

    def index(self, ip: IPAddress) -> int | None:
        n = int(ip) - self.base
        return n if 0 <= n < self.bitmap.size else None

    def first(self) -> str:
        return str(ipaddress.ip_address(self.base))

    def allocate(self, value: str) -> None:
        ip = _ip(value)
        n = self.index(ip) if ip is not None and ip.version == self.network.version else None
        if n is None:
            raise AllocationError(f"the provided IP ({value}) is not in the valid range. The range of valid IPs is {self.cidr}")
        if not self.bitmap.allocate(n):
            raise AllocationError("provided IP is already allocated")

    def allocate_next(self) -> str:
        return str(ipaddress.ip_address(self.base + self.bitmap.next()))

    def release(self, value: str) -> None:
        ip = _ip(value)
        n = self.index(ip) if ip is not None and ip.version == self.network.version else None
        if n is not None:
            self.bitmap.release(n)

    def reserve(self, value: str) -> None:
        """Mark an IP taken while loading stored state (no error when out of range or taken)."""
        ip = _ip(value)
        n = self.index(ip) if ip is not None and ip.version == self.network.version else None
        if n is not None:
            self.bitmap.used.add(n)


class PortRange:
    """portallocator over --service-node-port-range ("30000-32767" or "30000+2767")."""

    def __init__(self, spec: str) -> None:
        spec = spec.strip()
        if "+" in spec:
            base, extra = spec.split("+", 1)
            self.base, size = int(base), int(extra) + 1
        else:
            lo, _, hi = spec.partition("-")
            self.base = int(lo)
            size = (int(hi) if hi else int(lo)) - self.base + 1
        self.spec = f"{self.base}-{self.base + size - 1}"
        self.bitmap = Bitmap(size, _offset(size, 16, 128, 32))

    def allocate(self, port: int) -> None:
        n = port - self.base
        if not 0 <= n < self.bitmap.size:
            raise AllocationError(f"provided port is not in the valid range. The range of valid ports is {self.spec}")
        if not self.bitmap.allocate(n):
            raise AllocationError("provided port is already allocated")

    def allocate_next(self) -> int:
        return self.base + self.bitmap.next()

    def release(self, port: int) -> None:
        if 0 <= port - self.base < self.bitmap.size:
            self.bitmap.release(port - self.base)

    def reserve(self, port: int) -> None:
        if 0 <= port - self.base < self.bitmap.size:
            self.bitmap.used.add(port - self.base)


@dataclass
class Transaction:
    """What one create or update took (given back on failure) and what it frees (on success)."""

    allocator: ServiceAllocator
    dry_run: bool
    ips: list[tuple[str, str]] = field(default_factory=list)  # (family, ip) newly allocated
    ports: list[int] = field(default_factory=list)
    release_ips: list[tuple[str, str]] = field(default_factory=list)
    release_ports: list[int] = field(default_factory=list)
    done: bool = False

    def revert(self) -> None:
        if self.done:
            return
        self.done = True
        for fam, ip in self.ips:
            self.allocator.ranges[fam].release(ip)
        for port in self.ports:
            self.allocator.ports.release(port)

    def commit(self) -> None:
        if self.done:
            return
        if self.dry_run:
            # A dry run checks that everything was available; it keeps nothing.
            self.revert()
            return
        self.done = True
        for fam, ip in self.release_ips:
            if fam in self.allocator.ranges:
                self.allocator.ranges[fam].release(ip)
        for port in self.release_ports:
            if port not in self.ports:
                self.allocator.ports.release(port)


def _invalid_service(name: str, causes: list[Cause]) -> StatusError:
    return errors.invalid("", "Service", name, causes)


def needs_cluster_ip(svc: Obj) -> bool:
    return as_dict(svc.get("spec")).get("type") != "ExternalName"


def needs_node_port(svc: Obj) -> bool:
    return as_dict(svc.get("spec")).get("type") in ("NodePort", "LoadBalancer")


def needs_health_check(svc: Obj) -> bool:
    spec = as_dict(svc.get("spec"))
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def externally_accessible(spec: Obj) -> bool:
    kind = spec.get("type")
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(as_list(spec.get("externalIPs"))))


def _should_allocate_node_ports(spec: Obj) -> bool:
    if spec.get("type") == "NodePort":
        return True
    if spec.get("type") == "LoadBalancer":
        return spec.get("allocateLoadBalancerNodePorts") is not False
    return False


def node_ports_of(svc: Obj) -> list[int]:
    spec = as_dict(svc.get("spec"))
    ports = [p["nodePort"] for p in as_list(spec.get("ports")) if isinstance(p, dict) and is_int(p.get("nodePort")) and p["nodePort"]]
    hc = spec.get("healthCheckNodePort")
    if is_int(hc) and hc:
        ports.append(hc)
    return ports


class ServiceAllocator:
    def __init__(self, cidrs: str, node_ports: str) -> None:
        self.ranges: dict[str, IPRange] = {}
        self.default_family = ""
        for cidr in (c for c in cidrs.split(",") if c.strip()):
            rng = IPRange(cidr)
            self.ranges.setdefault(rng.family, rng)
            self.default_family = self.default_family or rng.family
        self.ports = PortRange(node_ports)
        self.loaded = False
        self._lock = asyncio.Lock()

    def first_ip(self) -> str:
        return self.ranges[self.default_family].first()

    async def ensure_loaded(self, list_services: Callable[[], Awaitable[list[Obj]]]) -> None:
        if self.loaded:
            return
        async with self._lock:
            if self.loaded:
                return
            for svc in await list_services():
                self.reserve_service(svc)
            self.loaded = True

    def reserve_service(self, svc: Obj) -> None:
        spec = as_dict(svc.get("spec"))
        if needs_cluster_ip(svc):
            for ip in as_list(spec.get("clusterIPs")) or ([spec["clusterIP"]] if spec.get("clusterIP") else []):
                fam = family_of(str(ip))
                if fam in self.ranges:
                    self.ranges[fam].reserve(str(ip))
        for port in node_ports_of(svc):
            self.ports.reserve(port)

    def release_service(self, svc: Obj) -> None:
        spec = as_dict(svc.get("spec"))
        if needs_cluster_ip(svc):
            for ip in as_list(spec.get("clusterIPs")):
                fam = family_of(str(ip))
                if fam in self.ranges:
                    self.ranges[fam].release(str(ip))
        for port in node_ports_of(svc):
            self.ports.release(port)

    # --- ip families (initIPFamilyFields)
    def init_ip_families(self, svc: Obj, old: Obj | None) -> None:
        spec = svc["spec"]
        name = svc["metadata"].get("name", "")
        if spec.get("type") == "ExternalName":
            return
        old_spec = as_dict(as_dict(old).get("spec")) if old else {}
        if old is not None and spec.get("ipFamilyPolicy") == "PreferDualStack" == old_spec.get("ipFamilyPolicy") and \
                spec.get("clusterIPs") == old_spec.get("clusterIPs") and spec.get("ipFamilies") == old_spec.get("ipFamilies"):
            return
        if spec.get("ipFamilyPolicy") is None:
            if old_spec.get("ipFamilyPolicy") is not None:
                spec["ipFamilyPolicy"] = old_spec["ipFamilyPolicy"]
            elif spec.get("clusterIP") == "None" and not spec.get("selector"):
                spec["ipFamilyPolicy"] = "RequireDualStack"
            else:
                spec["ipFamilyPolicy"] = "SingleStack"
        causes = validate_cluster_ips_related(spec)
        if causes:
            raise _invalid_service(name, causes)
        policy = spec["ipFamilyPolicy"]
        ips = [str(ip) for ip in as_list(spec.get("clusterIPs"))]
        families = [str(f) for f in as_list(spec.get("ipFamilies"))]
        if old is not None:
            old_ips = as_list(old_spec.get("clusterIPs"))
            old_families = as_list(old_spec.get("ipFamilies"))
            if policy == "SingleStack":
                if ips == old_ips and len(ips) > 1:
                    ips = ips[:1]
                if families == old_families and len(families) > 1:
                    families = families[:1]
            else:
                if len(ips) < len(old_ips) and len(old_ips) > 1:
                    causes.append(validation.invalid("spec.ipFamilyPolicy", policy, "must be 'SingleStack' to release the secondary cluster IP"))
                if len(families) < len(old_families) and len(old_families) > 1:
                    causes.append(validation.invalid("spec.ipFamilyPolicy", policy, "must be 'SingleStack' to release the secondary IP family"))
        if policy == "SingleStack":
            if len(ips) == 2:
                causes.append(validation.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"))
            if len(families) == 2:
                causes.append(validation.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"))
        for i, ip in enumerate(ips):
            if ip == "None":
                break
            fam = family_of(ip)
            if i >= len(families):
                if fam not in self.ranges:
                    causes.append(_invalid_slice(f"spec.clusterIPs[{i}]", ips, f"{fam} is not configured on this cluster"))
                else:
                    families.append(fam)
        if causes:
            raise _invalid_service(name, causes)
        if ips:
            spec["clusterIPs"] = ips
        else:
            spec.pop("clusterIPs", None)
        if spec.get("clusterIP") == "None" and not spec.get("selector"):
            if not families:
                families = [self.default_family]
            if len(families) < 2 and policy != "SingleStack":
                families.append("IPv6" if families[0] == "IPv4" else "IPv4")
            spec["ipFamilies"] = families
            return
        if policy == "RequireDualStack" and len(self.ranges) < 2:
            causes.append(validation.invalid("spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services"))
        for i, fam in enumerate(families):
            if fam not in self.ranges:
                causes.append(validation.invalid(f"spec.ipFamilies[{i}]", fam, "not configured on this cluster"))
        if causes:
            raise _invalid_service(name, causes)
        if not families:
            families = [self.default_family]
        if policy != "SingleStack" and len(families) == 1 and len(self.ranges) == 2:
            families.append("IPv6" if families[0] == "IPv4" else "IPv4")
        spec["ipFamilies"] = families

    # --- cluster IPs
    def _alloc_ips(self, svc: Obj, wanted: dict[str, str], txn: Transaction) -> dict[str, str]:
        spec = svc["spec"]
        got: dict[str, str] = {}
        for fam, ip in wanted.items():
            rng = self.ranges[fam]
            if not ip:
                try:
                    got[fam] = rng.allocate_next()
                except RangeFull as exc:
                    raise errors.internal_error(f"failed to allocate a serviceIP: {exc}") from None
            else:
                try:
                    rng.allocate(ip)
                except AllocationError as exc:
                    raise _invalid_service(svc["metadata"].get("name", ""), [
                        _invalid_slice("spec.clusterIPs", as_list(spec.get("clusterIPs")), f"failed to allocate IP {ip}: {exc}")
                    ]) from None
                got[fam] = ip
            txn.ips.append((fam, got[fam]))
        return got

    def _alloc_cluster_ips(self, svc: Obj, txn: Transaction) -> None:
        spec = svc["spec"]
        if spec.get("type") == "ExternalName":
            return
        ips = [str(ip) for ip in as_list(spec.get("clusterIPs"))]
        if ips and ips[0] == "None":
            return
        families = [str(f) for f in as_list(spec.get("ipFamilies"))]
        while len(ips) < len(families):
            ips.append("")
        spec["clusterIPs"] = ips
        got = self._alloc_ips(svc, {fam: ips[i] for i, fam in enumerate(families)}, txn)
        for i, fam in enumerate(families):
            if fam in got:
                ips[i] = got[fam]
        if ips:
            spec["clusterIP"] = ips[0]

    # --- node ports
    def _alloc_node_ports(self, svc: Obj, old: Obj | None, txn: Transaction) -> None:
        spec = svc["spec"]
        name = svc["metadata"].get("name", "")
        old_ports = set(node_ports_of(old)) if old is not None else set()
        if old is not None and needs_node_port(old) and not needs_node_port(svc):
            txn.release_ports.extend(node_ports_of(old))
        if needs_node_port(svc):
            allocate = _should_allocate_node_ports(spec)
            by_port: dict[Any, int] = {}
            new_ports: set[int] = set()
            for i, port in enumerate(as_list(spec.get("ports"))):
                if not isinstance(port, dict):
                    continue
                requested = port.get("nodePort") if is_int(port.get("nodePort")) else 0
                if not requested and not allocate:
                    continue  # no new port, but explicit requests are honoured
                if not requested and old is None and port.get("port") in by_port:
                    # The same service port on another protocol shares the node port.
                    port["nodePort"] = by_port[port["port"]]
                    continue
                if requested:
                    if requested not in old_ports and requested not in new_ports:
                        try:
                            self.ports.allocate(requested)
                        except AllocationError as exc:
                            raise _invalid_service(name, [errors.invalid_value(f"spec.ports[{i}].nodePort", requested, str(exc))]) from None
                        txn.ports.append(requested)
                else:
                    try:
                        requested = self.ports.allocate_next()
                    except RangeFull as exc:
                        raise errors.internal_error(f"failed to allocate a nodePort: {exc}") from None
                    txn.ports.append(requested)
                    port["nodePort"] = requested
                new_ports.add(requested)
                by_port.setdefault(port.get("port"), requested)
            if old is not None and needs_node_port(old):
                txn.release_ports.extend(p for p in node_ports_of(old) if p not in new_ports and p != spec.get("healthCheckNodePort"))
        # The health check node port of LoadBalancer services with externalTrafficPolicy Local.
        needed = old is not None and needs_health_check(old)
        if needs_health_check(svc):
            hc = spec.get("healthCheckNodePort")
            if needed and not hc:
                spec["healthCheckNodePort"] = as_dict(old.get("spec") if old else {}).get("healthCheckNodePort")
            elif not needed or hc != as_dict(as_dict(old).get("spec")).get("healthCheckNodePort"):
                try:
                    if is_int(hc) and hc:
                        self.ports.allocate(hc)
                    else:
                        hc = self.ports.allocate_next()
                        spec["healthCheckNodePort"] = hc
                except (AllocationError, RangeFull) as exc:
                    raise errors.internal_error(f"failed to allocate requested HealthCheck NodePort {hc}: {exc}") from None
                txn.ports.append(hc)
        elif needed and old is not None:
            hc_old = as_dict(old.get("spec")).get("healthCheckNodePort")
            if is_int(hc_old) and hc_old:
                txn.release_ports.append(hc_old)

    # --- the two operations
    def allocate_create(self, svc: Obj, dry_run: bool) -> Transaction:
        txn = Transaction(self, dry_run)
        try:
            self.init_ip_families(svc, None)
            self._alloc_cluster_ips(svc, txn)
            self._alloc_node_ports(svc, None, txn)
        except BaseException:
            txn.revert()
            raise
        return txn

    def allocate_update(self, svc: Obj, old: Obj, dry_run: bool) -> Transaction:
        txn = Transaction(self, dry_run)
        try:
            self.init_ip_families(svc, old)
            spec, old_spec = svc["spec"], as_dict(old.get("spec"))
            old_ips = [str(ip) for ip in as_list(old_spec.get("clusterIPs"))]
            if not needs_cluster_ip(old) and needs_cluster_ip(svc):
                self._alloc_cluster_ips(svc, txn)
            elif needs_cluster_ip(old) and not needs_cluster_ip(svc):
                if not (old_ips and old_ips[0] == "None"):
                    txn.release_ips.extend((family_of(ip), ip) for ip in old_ips)
            elif needs_cluster_ip(svc) and not (old_ips and old_ips[0] == "None"):
                old_families = as_list(old_spec.get("ipFamilies"))
                families = as_list(spec.get("ipFamilies"))
                if len(old_families) == 1 and len(families) == 2:
                    ips = [str(ip) for ip in as_list(spec.get("clusterIPs"))]
                    if len(ips) < 2:
                        ips.append("")
                    spec["clusterIPs"] = ips
                    got = self._alloc_ips(svc, {str(families[1]): ips[1]}, txn)
                    ips[1] = got[str(families[1])]
                elif len(old_families) == 2 and len(families) == 1 and len(old_ips) > 1:
                    txn.release_ips.append((family_of(old_ips[1]), old_ips[1]))
            self._alloc_node_ports(svc, old, txn)
        except BaseException:
            txn.revert()
            raise
        return txn


def _invalid_slice(path: str, values: list[Any], detail: str) -> Cause:
    """field.Invalid with a []string value, printed as Go's %#v prints it."""
    return errors.field_error("FieldValueInvalid", path, f"Invalid value: {validation.go_string_slice([str(v) for v in values])}: {detail}")


# --- normalization (pkg/registry/core/service) --------------------------------------------------


def normalize_cluster_ips(svc: Obj, old: Obj | None) -> None:
    """NormalizeClusterIPs: keep the singular and plural fields in step for clients that
    set only one of them."""
    spec = svc["spec"]
    ip = spec.get("clusterIP") or ""
    ips = as_list(spec.get("clusterIPs"))
    if old is None:
        if ip and not ips:
            spec["clusterIPs"] = [ip]
        return
    old_spec = as_dict(old.get("spec"))
    if ip != (old_spec.get("clusterIP") or "") and ips == as_list(old_spec.get("clusterIPs")):
        if ip:
            spec["clusterIPs"] = [ip]
        else:
            spec.pop("clusterIPs", None)


def patch_allocated_values(svc: Obj, old: Obj) -> None:
    """patchAllocatedValues: a client resubmitting its original manifest (no clusterIP, no
    nodePort) keeps what was allocated for it."""
    spec, old_spec = svc["spec"], as_dict(old.get("spec"))
    if needs_cluster_ip(old) and needs_cluster_ip(svc):
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not as_list(spec.get("clusterIPs")) and as_list(old_spec.get("clusterIPs")):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if needs_node_port(old) and needs_node_port(svc):
        new_used = {p.get("nodePort") for p in as_list(spec.get("ports")) if isinstance(p, dict) and p.get("nodePort")}
        by_name = {as_dict(p).get("name", ""): as_dict(p).get("nodePort") for p in as_list(old_spec.get("ports"))}
        for port in as_list(spec.get("ports")):
            if isinstance(port, dict) and not port.get("nodePort"):
                candidate = by_name.get(port.get("name", ""))
                if candidate and candidate not in new_used:
                    port["nodePort"] = candidate
                    new_used.add(candidate)
    if needs_health_check(old) and needs_health_check(svc) and not spec.get("healthCheckNodePort") \
            and old_spec.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = old_spec["healthCheckNodePort"]


def drop_type_dependent_fields(svc: Obj, old: Obj) -> None:
    """dropTypeDependentFields: switching to a type that does not use a field the user did
    not touch clears it (the allocations are released by the update)."""
    spec, old_spec = svc["spec"], as_dict(old.get("spec"))
    if needs_cluster_ip(old) and not needs_cluster_ip(svc):
        if spec.get("clusterIP") == old_spec.get("clusterIP") and spec.get("clusterIPs") == old_spec.get("clusterIPs"):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if spec.get("ipFamilies") == old_spec.get("ipFamilies"):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old_spec.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    if needs_node_port(old) and not needs_node_port(svc):
        new_ports = [as_dict(p).get("nodePort") for p in as_list(spec.get("ports"))]
        old_ports = [as_dict(p).get("nodePort") for p in as_list(old_spec.get("ports"))]
        if new_ports == old_ports:
            for port in as_list(spec.get("ports")):
                if isinstance(port, dict):
                    port.pop("nodePort", None)
    if needs_health_check(old) and not needs_health_check(svc) and spec.get("healthCheckNodePort") == old_spec.get("healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)
    if old_spec.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is not None and spec.get("allocateLoadBalancerNodePorts") == old_spec.get("allocateLoadBalancerNodePorts"):
            spec.pop("allocateLoadBalancerNodePorts")
        if spec.get("loadBalancerClass") == old_spec.get("loadBalancerClass"):
            spec.pop("loadBalancerClass", None)
    if externally_accessible(old_spec) and not externally_accessible(spec) \
            and spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy"):
        spec.pop("externalTrafficPolicy", None)


# --- validation --------------------------------------------------------------------------------------


def validate_cluster_ips_related(spec: Obj) -> list[Cause]:
    """ValidateServiceClusterIPsRelatedFields."""
    errs: list[Cause] = []
    if spec.get("type") == "ExternalName":
        return errs
    ip = spec.get("clusterIP") or ""
    ips = [str(v) for v in as_list(spec.get("clusterIPs"))]
    if ip:
        if not ips:
            errs.append(errors.required("spec.clusterIPs"))
        elif ips[0] != ip:
            errs.append(_invalid_slice("spec.clusterIPs", ips, "first value must match `clusterIP`"))
    elif ips:
        errs.append(_invalid_slice("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified"))
    seen: set[str] = set()
    for i, fam in enumerate(as_list(spec.get("ipFamilies"))):
        if fam not in ("IPv4", "IPv6"):
            errs.append(errors.not_supported(f"spec.ipFamilies[{i}]", fam, ["IPv4", "IPv6"]))
        if fam in seen:
            errs.append(errors.duplicate(f"spec.ipFamilies[{i}]", fam))
        seen.add(str(fam))
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in _POLICIES:
        errs.append(errors.not_supported("spec.ipFamilyPolicy", policy, _POLICIES))
    bad = False
    for i, value in enumerate(ips):
        if i == 0 and value == "None":
            if len(ips) > 1:
                bad = True
                errs.append(_invalid_slice("spec.clusterIPs", ips, "'None' must be the first and only value"))
            continue
        e = ip_errors(value, f"spec.clusterIPs[{i}]")
        bad = bad or bool(e)
        errs += e
    if len(ips) > 2:
        errs.append(_invalid_slice("spec.clusterIPs", ips, "may only hold up to 2 values"))
    if bad:
        return errs
    if len(ips) > 1 and family_of(ips[0]) == family_of(ips[1]):
        errs.append(_invalid_slice("spec.clusterIPs", ips, "may specify no more than one IP for each IP family"))
    families = as_list(spec.get("ipFamilies"))
    if ips and ips[0] != "None":
        for i, value in enumerate(ips[:len(families)]):
            if families[i] == "IPv4" and family_of(value) == "IPv6":
                errs.append(validation.invalid(f"spec.clusterIPs[{i}]", value, f"expected an IPv4 value as indicated by `ipFamilies[{i}]`"))
            if families[i] == "IPv6" and family_of(value) != "IPv6":
                errs.append(validation.invalid(f"spec.clusterIPs[{i}]", value, f"expected an IPv6 value as indicated by `ipFamilies[{i}]`"))
    return errs


def _go_service_port(protocol: Any, port: Any) -> str:
    """%#v of the core.ServicePort key upstream reports duplicate ports with."""
    return (f'core.ServicePort{{Name:"", Protocol:{validation.go_quote(str(protocol or ""))}, AppProtocol:(*string)(nil), '
            f'Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, NodePort:0}}')


def _headless(spec: Obj) -> bool:
    """isHeadlessService: exactly the one cluster IP "None"."""
    return as_list(spec.get("clusterIPs")) == ["None"]


_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def validate_service_spec(svc: Obj) -> list[Cause]:
    """ValidateService, after ObjectMeta, in upstream's order."""
    spec = svc.get("spec")
    if not isinstance(spec, dict):
        return [errors.required("spec", "")]
    annotations = as_dict(as_dict(svc.get("metadata")).get("annotations"))
    errs: list[Cause] = []
    if _TOPOLOGY_MODE in annotations and _TOPOLOGY_HINTS in annotations \
            and annotations[_TOPOLOGY_MODE] != annotations[_TOPOLOGY_HINTS]:
        errs.append(validation.invalid(f"metadata.annotations[{_TOPOLOGY_MODE}]", str(annotations[_TOPOLOGY_MODE]),
                                       f"must match annotations[{_TOPOLOGY_HINTS}] when both are specified"))
    kind = spec.get("type")
    ports = [as_dict(p) for p in as_list(spec.get("ports"))]
    if not ports and not _headless(spec) and kind != "ExternalName":
        errs.append(errors.required("spec.ports"))
    errs += _type_specific_errors(spec)
    names: set[str] = set()
    for i, port in enumerate(ports):
        errs += _service_port_errors(port, len(ports) > 1, names, f"spec.ports[{i}]")
    if spec.get("selector") is not None:
        errs += validation.validate_labels(as_dict(spec.get("selector")), "spec.selector")
    errs += _session_affinity_errors(spec)
    errs += validate_cluster_ips_related(spec)
    for i, ext in enumerate(as_list(spec.get("externalIPs"))):
        errs += ip_errors(ext, f"spec.externalIPs[{i}]") or non_special_ip_errors(str(ext), f"spec.externalIPs[{i}]")
    if not kind:
        errs.append(errors.required("spec.type"))
    elif kind not in SERVICE_TYPES:
        errs.append(errors.not_supported("spec.type", kind, SERVICE_TYPES))
    errs += _port_uniqueness_errors(spec, ports)
    errs += _load_balancer_errors(spec, annotations)
    errs += _traffic_policy_errors(svc)
    return errs


def _type_specific_errors(spec: Obj) -> list[Cause]:
    kind = spec.get("type")
    if kind in ("LoadBalancer", "NodePort") and _headless(spec):
        return [validation.invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services")]
    if kind != "ExternalName":
        return []
    errs: list[Cause] = []
    # The strategy fills clusterIPs from clusterIP before validation.
    if as_list(spec.get("clusterIPs")) or spec.get("clusterIP"):
        errs.append(errors.forbidden_field("spec.clusterIPs", "may not be set for ExternalName services"))
    if as_list(spec.get("ipFamilies")):
        errs.append(errors.forbidden_field("spec.ipFamilies", "may not be set for ExternalName services"))
    if spec.get("ipFamilyPolicy") is not None:
        errs.append(errors.forbidden_field("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
    # A CNAME may end in a dot (fully qualified).
    cname = str(spec.get("externalName") or "").removesuffix(".")
    if cname:
        errs += [validation.invalid("spec.externalName", cname, m) for m in validation.is_dns1123_subdomain(cname)]
    else:
        errs.append(errors.required("spec.externalName"))
    return errs


def _service_port_errors(port: Obj, require_name: bool, names: set[str], p: str) -> list[Cause]:
    """validateServicePort."""
    errs: list[Cause] = []
    name = port.get("name")
    if require_name and not name:
        errs.append(errors.required(f"{p}.name"))
    elif name:
        errs += dns_label(name, f"{p}.name")
        if name in names:
            errs.append(errors.duplicate(f"{p}.name", name))
        names.add(str(name))
    errs += [errors.invalid_value(f"{p}.port", port.get("port", 0), m) for m in port_num_errors(port.get("port"))]
    protocol = port.get("protocol")
    if not protocol:
        errs.append(errors.required(f"{p}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(errors.not_supported(f"{p}.protocol", protocol, list(PROTOCOLS)))
    errs += validate_port_num_or_name(port.get("targetPort"), f"{p}.targetPort")
    if port.get("appProtocol") is not None:
        errs += qualified_name(port["appProtocol"], f"{p}.appProtocol")
    return errs


def _session_affinity_errors(spec: Obj) -> list[Cause]:
    affinity = spec.get("sessionAffinity")
    if not affinity:
        return [errors.required("spec.sessionAffinity")]
    if affinity not in ("ClientIP", "None"):
        return [errors.not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"])]
    config = spec.get("sessionAffinityConfig")
    if affinity == "None":
        return [errors.forbidden_field("spec.sessionAffinityConfig", "must not be set when session affinity is None")] if config is not None else []
    # validateClientIPAffinityConfig: each missing level is reported where it is missing.
    detail = "when session affinity type is ClientIP"
    path = "spec.sessionAffinityConfig"
    if not isinstance(config, dict):
        return [errors.required(path, detail)]
    if not isinstance(config.get("clientIP"), dict):
        return [errors.required(f"{path}.clientIP", detail)]
    timeout = config["clientIP"].get("timeoutSeconds")
    if timeout is None:
        return [errors.required(f"{path}.clientIP.timeoutSeconds", detail)]
    if not is_int(timeout) or not 0 < timeout <= 86400:
        return [errors.invalid_value(f"{path}.clientIP.timeoutSeconds", timeout, "must be greater than 0 and less than 86400")]
    return []


def _port_uniqueness_errors(spec: Obj, ports: list[Obj]) -> list[Cause]:
    """nodePort only for node-port types; one node port and one port per protocol."""
    errs: list[Cause] = []
    if spec.get("type") == "ClusterIP":
        for i, port in enumerate(ports):
            if port.get("nodePort"):
                errs.append(errors.forbidden_field(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    seen_node: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        node = port.get("nodePort")
        if node:
            if (port.get("protocol"), node) in seen_node:
                errs.append(errors.field_error("FieldValueDuplicate", f"spec.ports[{i}].nodePort", f"Duplicate value: {node}"))
            seen_node.add((port.get("protocol"), node))
    seen_port: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol"), port.get("port"))
        if key in seen_port:
            errs.append(errors.field_error("FieldValueDuplicate", f"spec.ports[{i}]", f"Duplicate value: {_go_service_port(*key)}"))
        seen_port.add(key)
    return errs


def _load_balancer_errors(spec: Obj, annotations: Obj) -> list[Cause]:
    """Source ranges (field or annotation), allocateLoadBalancerNodePorts and the class."""
    errs: list[Cause] = []
    kind = spec.get("type")
    ranges = as_list(spec.get("loadBalancerSourceRanges"))
    if ranges:
        path = "spec.LoadBalancerSourceRanges"
        if kind != "LoadBalancer":
            errs.append(errors.forbidden_field(path, "may only be used when `type` is 'LoadBalancer'"))
        # Space-padded values are tolerated, a historical accident of the annotation.
        for i, value in enumerate(ranges):
            errs += cidr_errors(str(value).strip(), f"{path}[{i}]")
    elif _SOURCE_RANGES_ANNOTATION in annotations:
        path = f"metadata.annotations[{_SOURCE_RANGES_ANNOTATION}]"
        if kind != "LoadBalancer":
            errs.append(errors.forbidden_field(path, "may only be used when `type` is 'LoadBalancer'"))
        value = str(annotations[_SOURCE_RANGES_ANNOTATION]).strip()
        for cidr in value.split(",") if value else []:
            errs += cidr_errors(cidr.strip(), path)
    allocate = spec.get("allocateLoadBalancerNodePorts")
    if allocate is not None and kind != "LoadBalancer":
        errs.append(errors.forbidden_field("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"))
    if kind == "LoadBalancer" and allocate is None:
        errs.append(errors.required("allocateLoadBalancerNodePorts"))  # sic: upstream's path
    lb_class = spec.get("loadBalancerClass")
    if lb_class is not None:
        if kind == "LoadBalancer":
            errs += qualified_name(lb_class, "spec.loadBalancerClass")
        else:
            errs.append(errors.forbidden_field("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
    return errs


def _traffic_policy_errors(svc: Obj) -> list[Cause]:
    """validateServiceExternalTrafficPolicy, validateServiceInternalTrafficFieldsValue and
    validateServiceTrafficDistribution."""
    spec = as_dict(svc.get("spec"))
    errs: list[Cause] = []
    etp = spec.get("externalTrafficPolicy")
    if not externally_accessible(spec):
        if etp:
            errs.append(validation.invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"))
    elif not etp:
        errs.append(errors.required("spec.externalTrafficPolicy"))
    elif etp not in ("Cluster", "Local"):
        errs.append(errors.not_supported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]))
    hc = spec.get("healthCheckNodePort") or 0
    if not needs_health_check(svc):
        if hc:
            errs.append(errors.invalid_value("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    elif not hc:
        errs.append(errors.required("spec.healthCheckNodePort"))
    else:
        errs += [errors.invalid_value("spec.healthCheckNodePort", hc, m) for m in port_num_errors(hc)]
    itp = spec.get("internalTrafficPolicy")
    if itp is None:
        # Not required of ExternalName services, for historical reasons.
        if spec.get("type") in ("NodePort", "LoadBalancer", "ClusterIP"):
            errs.append(errors.required("spec.internalTrafficPolicy"))
    elif itp not in ("Cluster", "Local"):
        errs.append(errors.not_supported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]))
    distribution = spec.get("trafficDistribution")
    if distribution is not None and distribution != "PreferClose":
        errs.append(errors.not_supported("spec.trafficDistribution", distribution, ["PreferClose"]))
    return errs


def validate_service_update(svc: Obj, old: Obj) -> list[Cause]:
    """validateUpgradeDowngradeClusterIPs / IPFamilies and the other immutable fields."""
    errs: list[Cause] = []
    spec, old_spec = as_dict(svc.get("spec")), as_dict(old.get("spec"))
    if needs_cluster_ip(svc) and needs_cluster_ip(old):
        ips, old_ips = [str(v) for v in as_list(spec.get("clusterIPs"))], [str(v) for v in as_list(old_spec.get("clusterIPs"))]
        if not (ips[:1] == ["None"] and old_ips[:1] == ["None"]):
            if len(ips) == len(old_ips):
                for i, ip in enumerate(old_ips):
                    if ip != ips[i]:
                        errs.append(_invalid_slice(f"spec.clusterIPs[{i}]", ips, "may not change once set"))
            elif len(old_ips) > len(ips):
                if not ips:
                    errs.append(_invalid_slice("spec.clusterIPs[0]", ips, "primary clusterIP can not be unset"))
                elif ips[0] != old_ips[0]:
                    errs.append(_invalid_slice("spec.clusterIPs[0]", ips, "may not change once set"))
            elif old_ips and ips[0] != old_ips[0]:
                errs.append(_invalid_slice("spec.clusterIPs[0]", ips, "may not change once set"))
        families, old_families = as_list(spec.get("ipFamilies")), as_list(old_spec.get("ipFamilies"))
        shown = "[]core.IPFamily{" + ", ".join(validation.go_quote(str(f)) for f in families) + "}"
        for i in range(min(len(families), len(old_families))):
            if families[i] != old_families[i]:
                errs.append(errors.field_error("FieldValueInvalid", f"spec.ipFamilies[{i}]", f"Invalid value: {shown}: may not change once set"))
    if old_spec.get("type") == "LoadBalancer" == spec.get("type") \
            and spec.get("loadBalancerClass") != old_spec.get("loadBalancerClass"):
        errs.append(errors.invalid_value("spec.loadBalancerClass", spec.get("loadBalancerClass"), "may not change once set"))
    if needs_health_check(old) and needs_health_check(svc) \
            and spec.get("healthCheckNodePort") != old_spec.get("healthCheckNodePort"):
        errs.append(errors.forbidden_field("spec.healthCheckNodePort", "field is immutable"))
    return errs


class ServiceStrategy(Strategy):
    kind = "Service"
    resource = "services"
    has_status = True
    return_deleted_object = True  # upstream's store answers a delete with the object
    extra_fields = ("spec.clusterIP", "spec.type")

    def __init__(self) -> None:
        self.allocator: ServiceAllocator | None = None

    @property
    def name_validator(self) -> Any:
        return validation.name_is_dns1035_label

    def attach(self, store: Any, options: Any) -> None:
        """Hook allocation around the generic store's writes, as upstream's Service REST does
        with its begin/finish hooks: take before, give back on failure, free after delete."""
        allocator = ServiceAllocator(
            getattr(options, "service_cluster_ip_range", "10.96.0.0/12"),
            getattr(options, "service_node_port_range", "30000-32767"),
        )
        self.allocator = allocator
        strategy = self
        orig_create, orig_update, orig_delete = store.create, store.update, store.delete

        async def load() -> None:
            async def list_all() -> list[Obj]:
                page = await store.list("")
                return list(page.items)

            await allocator.ensure_loaded(list_all)

        async def create(namespace: str, obj: Obj, opts: Any, **kwargs: Any) -> Obj:
            await load()
            if not isinstance(obj.get("spec"), dict):
                return await orig_create(namespace, obj, opts, **kwargs)  # validation reports it
            strategy.default(obj)
            normalize_cluster_ips(obj, None)
            txn = allocator.allocate_create(obj, opts.dry_run)
            try:
                result = await orig_create(namespace, obj, opts, **kwargs)
            except BaseException:
                txn.revert()
                raise
            txn.commit()
            return result

        async def update(namespace: str, name: str, new_object: Any, opts: Any, **kwargs: Any) -> tuple[Obj, bool]:
            await load()
            subresource = kwargs.get("subresource", "")
            pending: list[Transaction] = []

            async def allocating(old: Obj) -> Obj:
                obj = await new_object(old)
                if not old or subresource or not isinstance(obj.get("spec"), dict):
                    return obj
                for txn in pending:  # a retried attempt gives back what the previous one took
                    txn.revert()
                pending.clear()
                strategy.default(obj)
                patch_allocated_values(obj, old)
                normalize_cluster_ips(obj, old)
                pending.append(allocator.allocate_update(obj, old, opts.dry_run))
                return obj

            try:
                result, created = await orig_update(namespace, name, allocating, opts, **kwargs)
            except BaseException:
                for txn in pending:
                    txn.revert()
                raise
            for txn in pending:
                txn.commit()
            rmeta = result.get("metadata", {})
            if rmeta.get("deletionTimestamp") and not rmeta.get("finalizers") and not opts.dry_run:
                allocator.release_service(result)  # the last finalizer went: the object is gone
            return result, created

        async def delete(namespace: str, name: str, opts: Any, **kwargs: Any) -> tuple[Obj, bool]:
            await load()
            obj, deleted = await orig_delete(namespace, name, opts, **kwargs)
            if deleted and not opts.dry_run:
                allocator.release_service(obj)
            return obj, deleted

        # Instance attributes shadow the Store's methods for this one store.
        setattr(store, "create", create)  # noqa: B010
        setattr(store, "update", update)  # noqa: B010
        setattr(store, "delete", delete)  # noqa: B010

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"loadBalancer": {}}

    def default(self, obj: Obj) -> None:
        """SetDefaults_Service."""
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        spec.setdefault("sessionAffinity", "None")
        if spec["sessionAffinity"] == "None":
            spec.pop("sessionAffinityConfig", None)
        elif spec["sessionAffinity"] == "ClientIP":
            client = as_dict(as_dict(spec.get("sessionAffinityConfig")).get("clientIP"))
            if client.get("timeoutSeconds") is None:
                spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
        spec.setdefault("type", "ClusterIP")
        for port in as_list(spec.get("ports")):
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
                if port.get("targetPort") in (None, 0, ""):
                    port["targetPort"] = port.get("port")
        if externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
            spec["externalTrafficPolicy"] = "Cluster"
        if spec.get("internalTrafficPolicy") is None and spec["type"] in ("NodePort", "LoadBalancer", "ClusterIP"):
            spec["internalTrafficPolicy"] = "Cluster"
        if spec["type"] == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        if spec["type"] == "LoadBalancer":
            for ingress in as_list(as_dict(as_dict(obj.get("status")).get("loadBalancer")).get("ingress")):
                if isinstance(ingress, dict) and ingress.get("ip") and ingress.get("ipMode") is None:
                    ingress["ipMode"] = "VIP"

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        if isinstance(obj.get("spec"), dict):
            drop_type_dependent_fields(obj, old)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_service_spec(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + validate_service_update(obj, old) + validate_service_spec(obj)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_status_update(obj, old)
        for i, ingress in enumerate(as_list(as_dict(as_dict(obj.get("status")).get("loadBalancer")).get("ingress"))):
            ingress = as_dict(ingress)
            p = f"status.loadBalancer.ingress[{i}]"
            if ingress.get("ip") and _ip(ingress["ip"]) is None:
                errs.append(validation.invalid(f"{p}.ip", ingress["ip"], "must be a valid IP address"))
            if ingress.get("hostname"):
                errs += [validation.invalid(f"{p}.hostname", ingress["hostname"], m) for m in validation.is_dns1123_subdomain(str(ingress["hostname"]))]
                if _ip(ingress["hostname"]) is not None:
                    errs.append(validation.invalid(f"{p}.hostname", ingress["hostname"], "must be a DNS name, not an IP address"))
        return errs

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        spec = as_dict(obj.get("spec"))
        fields["spec.clusterIP"] = str(spec.get("clusterIP") or "")
        fields["spec.type"] = str(spec.get("type") or "")
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Type", description="type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
            TableColumn("Cluster-IP", description="clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
            TableColumn("External-IP", description="externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
            TableColumn("Port(s)", description="The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
            AGE_COLUMN,
            TableColumn("Selector", priority=1, description="Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = as_dict(obj.get("spec"))
        ips = as_list(spec.get("clusterIPs"))
        pieces = []
        for port in as_list(spec.get("ports")):
            port = as_dict(port)
            if port.get("nodePort"):
                pieces.append(f"{port.get('port', 0)}:{port['nodePort']}/{port.get('protocol', '')}")
            else:
                pieces.append(f"{port.get('port', 0)}/{port.get('protocol', '')}")
        return [
            obj["metadata"]["name"], spec.get("type", ""), ips[0] if ips else "<none>",
            _external_ip(obj), ",".join(pieces) or "<none>", age(obj["metadata"].get("creationTimestamp")),
            format_labels(spec.get("selector")),
        ]


def _external_ip(svc: Obj) -> str:
    """getServiceExternalIP (wide: no truncation, as the server prints)."""
    spec = as_dict(svc.get("spec"))
    external = [str(ip) for ip in as_list(spec.get("externalIPs"))]
    kind = spec.get("type")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "LoadBalancer":
        seen = sorted({str(i.get("ip") or i.get("hostname")) for i in as_list(as_dict(as_dict(svc.get("status")).get("loadBalancer")).get("ingress"))
                       if isinstance(i, dict) and (i.get("ip") or i.get("hostname"))})
        if external:
            return ",".join(seen + external)
        return ",".join(seen) or "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


# --- Endpoints ----------------------------------------------------------------------------------------


def _validate_endpoint_port(port: Obj, require_name: bool, path: str) -> list[Cause]:
    errs: list[Cause] = []
    name = port.get("name")
    if require_name and not name:
        errs.append(errors.required(f"{path}.name"))
    elif name:
        errs += dns_label(name, f"{path}.name")
    errs += [errors.invalid_value(f"{path}.port", port.get("port"), m) for m in port_num_errors(port.get("port"))]
    protocol = port.get("protocol")
    if not protocol:
        errs.append(errors.required(f"{path}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(errors.not_supported(f"{path}.protocol", protocol, list(PROTOCOLS)))
    if port.get("appProtocol") is not None:
        errs += qualified_name(port["appProtocol"], f"{path}.appProtocol")
    return errs


# KEP-4974: v1 Endpoints is deprecated since 1.33; upstream says so on every request.
ENDPOINTS_DEPRECATION = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"


def _validate_endpoint_address(addr: Obj, path: str) -> list[Cause]:
    """validateEndpointAddress: the special-address check runs even on an invalid IP."""
    ip = str(addr.get("ip") or "")
    errs = ip_errors(ip, f"{path}.ip")
    if addr.get("hostname"):
        errs += dns_label(addr["hostname"], f"{path}.hostname")
    if addr.get("nodeName") is not None:
        errs += [validation.invalid(f"{path}.nodeName", str(addr["nodeName"]), m)
                 for m in validation.name_is_dns_subdomain(str(addr["nodeName"]), False)]
    return errs + non_special_ip_errors(ip, f"{path}.ip")


class EndpointsStrategy(Strategy):
    kind = "Endpoints"
    resource = "endpoints"
    deprecation_warning = ENDPOINTS_DEPRECATION

    def default(self, obj: Obj) -> None:
        for subset in as_list(obj.get("subsets")):
            for port in as_list(as_dict(subset).get("ports")):
                if isinstance(port, dict):
                    port.setdefault("protocol", "TCP")

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        for i, subset in enumerate(as_dict(s) for s in as_list(obj.get("subsets"))):
            p = f"subsets[{i}]"
            ready, not_ready = as_list(subset.get("addresses")), as_list(subset.get("notReadyAddresses"))
            if not ready and not not_ready:
                errs.append(errors.required(p, "must specify `addresses` or `notReadyAddresses`"))
            for key, addresses in (("addresses", ready), ("notReadyAddresses", not_ready)):
                for j, addr in enumerate(addresses):
                    errs += _validate_endpoint_address(as_dict(addr), f"{p}.{key}[{j}]")
            ports = as_list(subset.get("ports"))
            for j, port in enumerate(ports):
                errs += _validate_endpoint_port(as_dict(port), len(ports) > 1, f"{p}.ports[{j}]")
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Endpoints", description="The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"]["name"], format_endpoints(obj), age(obj["metadata"].get("creationTimestamp"))]


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoints(obj: Obj) -> str:
    """formatEndpoints: up to three addresses, then "+ N more..."."""
    subsets = as_list(obj.get("subsets"))
    if not subsets:
        return "<none>"
    shown: list[str] = []
    more = False
    count = 0
    for subset in subsets:
        subset = as_dict(subset)
        addresses = [str(as_dict(a).get("ip", "")) for a in as_list(subset.get("addresses"))]
        ports = as_list(subset.get("ports"))
        if not ports:
            count += len(addresses)
            for ip in addresses:
                if len(shown) == 3:
                    more = True
                    break
                shown.append(ip)
            continue
        for port in ports:
            count += len(addresses)
            for ip in addresses:
                if len(shown) == 3:
                    more = True
                    break
                shown.append(_join_host_port(ip, as_dict(port).get("port", 0)))
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


# --- EndpointSlice --------------------------------------------------------------------------------

_ADDRESS_TYPES = ["IPv4", "IPv6", "FQDN"]


def _with_more(items: list[str], total: int) -> str:
    """listWithMoreString (three shown)."""
    text = ",".join(items[:3])
    if total > 3:
        return f"{text} + {total - 3} more..."
    return text or "<unset>"


class EndpointSliceStrategy(Strategy):
    group = "discovery.k8s.io"
    kind = "EndpointSlice"
    resource = "endpointslices"
    spec_generation = False

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        obj["metadata"]["generation"] = 1

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        generation = old["metadata"].get("generation", 1)
        changed = {k: v for k, v in obj.items() if k != "metadata"} != {k: v for k, v in old.items() if k != "metadata"}
        if changed or obj["metadata"].get("labels") != old["metadata"].get("labels"):
            generation += 1
        obj["metadata"]["generation"] = generation

    def default(self, obj: Obj) -> None:
        for port in as_list(obj.get("ports")):
            if isinstance(port, dict):
                port.setdefault("name", "")
                port.setdefault("protocol", "TCP")
        for endpoint in as_list(obj.get("endpoints")):
            if isinstance(endpoint, dict):
                endpoint.setdefault("conditions", {})  # a Go struct: omitempty does not omit it

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        kind = obj.get("addressType")
        if not kind:
            errs.append(errors.required("addressType"))
        elif kind not in _ADDRESS_TYPES:
            errs.append(errors.not_supported("addressType", kind, _ADDRESS_TYPES))
        endpoints = as_list(obj.get("endpoints"))
        if len(endpoints) > 1000:
            errs.append(errors.field_error("FieldValueTooMany", "endpoints", f"Too many: {len(endpoints)}: must have at most 1000 items"))
        for i, ep in enumerate(endpoints):
            p = f"endpoints[{i}]"
            ep = as_dict(ep)
            addresses = as_list(ep.get("addresses"))
            if not addresses:
                errs.append(errors.required(f"{p}.addresses", "must contain at least 1 address"))
            elif len(addresses) > 100:
                errs.append(errors.field_error("FieldValueTooMany", f"{p}.addresses", f"Too many: {len(addresses)}: must have at most 100 items"))
            for j, address in enumerate(addresses):
                ap = f"{p}.addresses[{j}]"
                address = str(address)
                if kind in ("IPv4", "IPv6"):
                    ip = _ip(address)
                    if ip is None:
                        errs += ip_errors(address, ap)
                    elif _FAMILIES[ip.version] != kind:
                        errs.append(validation.invalid(ap, address, f"must be an {kind} address"))
                elif kind == "FQDN":
                    errs += [validation.invalid(ap, address, m) for m in validation.is_dns1123_subdomain(address)]
            if ep.get("hostname"):
                errs += dns_label(ep["hostname"], f"{p}.hostname")
            if ep.get("nodeName"):
                errs += [validation.invalid(f"{p}.nodeName", ep["nodeName"], m)
                         for m in validation.name_is_dns_subdomain(str(ep["nodeName"]), False)]
        ports = as_list(obj.get("ports"))
        if len(ports) > 100:
            errs.append(errors.field_error("FieldValueTooMany", "ports", f"Too many: {len(ports)}: must have at most 100 items"))
        names: set[str] = set()
        for i, port in enumerate(ports):
            p = f"ports[{i}]"
            port = as_dict(port)
            name = str(port.get("name") or "")
            if name:
                errs += dns_label(name, f"{p}.name")
            if name in names:
                errs.append(errors.duplicate(f"{p}.name", name))
            names.add(name)
            if port.get("protocol") not in PROTOCOLS:
                errs.append(errors.not_supported(f"{p}.protocol", port.get("protocol"), list(PROTOCOLS)))
            if port.get("port") is not None:
                errs += [errors.invalid_value(f"{p}.port", port["port"], m) for m in port_num_errors(port["port"])]
            if port.get("appProtocol") is not None:
                errs += qualified_name(port["appProtocol"], f"{p}.appProtocol")
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        if obj.get("addressType") != old.get("addressType"):
            errs.append(validation.invalid("addressType", obj.get("addressType") or "", "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("AddressType", description="addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name."),
            TableColumn("Ports", description="ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates \"all ports\". Each slice may include a maximum of 100 ports."),
            TableColumn("Endpoints", description="endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        ports = [as_dict(p) for p in as_list(obj.get("ports"))]
        port_cells = [str(p["port"]) if p.get("port") is not None else (str(p["name"]) if p.get("name") is not None else "*") for p in ports]
        addresses = [str(a) for ep in as_list(obj.get("endpoints")) for a in as_list(as_dict(ep).get("addresses"))]
        return [obj["metadata"]["name"], obj.get("addressType", ""), _with_more(port_cells, len(port_cells)),
                _with_more(addresses, len(addresses)), age(obj["metadata"].get("creationTimestamp"))]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("", "Service"): ServiceStrategy,
    ("", "Endpoints"): EndpointsStrategy,
    ("discovery.k8s.io", "EndpointSlice"): EndpointSliceStrategy,
}

# Used by the unit tests and the system controller; re-exported for them.
__all__ = [
    "EndpointSliceStrategy", "EndpointsStrategy", "IPRange", "PortRange", "ServiceAllocator", "ServiceStrategy",
    "format_endpoints", "normalize_cluster_ips", "patch_allocated_values", "port_name_errors",
    "validate_service_spec",
]
