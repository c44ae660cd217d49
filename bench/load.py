"""Closed-loop load: N clients, each on its own keep-alive connection, one request in flight
each; latency per request, throughput, and the CPU both processes used meanwhile."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bench.client import Reply, Target
from bench.procs import cpu_seconds, machine_busy

# (method, path, body, headers) for client i's request number k (0..total-1, unique across clients)
Req = tuple[str, str, bytes, dict[str, str] | None]
RequestFn = Callable[[int, int], Req]


@dataclass
class LoadResult:
    count: int
    elapsed: float
    latencies: np.ndarray  # seconds, one per request
    statuses: Counter[int] = field(default_factory=Counter)
    bytes_in: int = 0
    client_cpu: float = 0.0  # CPU seconds of this (load generator) process
    server_cpu: float | None = None  # CPU seconds of the server, when its pid is known
    machine_cpu: float | None = None  # CPU seconds of the whole machine (all processes)
    replies: list[Reply] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) if len(self.latencies) else float("nan")

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 400 or status == 0)

    def cpu_share(self) -> tuple[float, float | None, float | None]:
        """Client, server and everything else's CPU as fractions of one core."""
        e = self.elapsed
        server = self.server_cpu / e if self.server_cpu is not None else None
        other = None
        if self.machine_cpu is not None:
            other = max(0.0, self.machine_cpu - self.client_cpu - (self.server_cpu or 0.0)) / e
        return self.client_cpu / e, server, other


async def closed_loop(
    target: Target, clients: int, total: int, make: RequestFn, keep_replies: bool = False,
) -> LoadResult:
    """Send `total` requests from `clients` concurrent clients (requests split evenly)."""
    conns = await target.connections(clients)
    per = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    lat = np.zeros(total)
    statuses: Counter[int] = Counter()
    replies: list[Reply] = []
    bytes_in = 0
    offsets = [sum(per[:i]) for i in range(clients)]

    async def worker(i: int) -> None:
        nonlocal bytes_in
        conn = conns[i]
        base = offsets[i]
        clock = time.perf_counter
        for n in range(per[i]):
            method, path, body, headers = make(i, base + n)
            t = clock()
            try:
                reply = await conn.request(method, path, body, headers)
            except (OSError, ConnectionError) as exc:
                reply = Reply(0, str(exc).encode())
            lat[base + n] = clock() - t
            statuses[reply.status] += 1
            bytes_in += len(reply.body)
            if keep_replies:
                replies.append(reply)

    meter = CPUMeter(target.pid)
    t0 = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    elapsed = time.perf_counter() - t0
    client_cpu, server_cpu, machine_cpu = meter.read()
    for c in conns:
        c.close()
    return LoadResult(total, elapsed, lat, statuses, bytes_in, client_cpu, server_cpu, machine_cpu, replies)


class CPUMeter:
    """CPU seconds used since creation: this process, the server (if its pid is known), the machine."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.start = (time.process_time(), cpu_seconds(pid), machine_busy())

    def read(self) -> tuple[float, float | None, float]:
        c0, s0, m0 = self.start
        s1 = cpu_seconds(self.pid)
        return time.process_time() - c0, (s1 - s0 if s0 is not None and s1 is not None else None), machine_busy() - m0


async def request(target: Target, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
    """One request on a fresh connection (setup and checks, not measured)."""
    conn = target.connection()
    try:
        return await conn.request(method, path, body, headers)
    finally:
        conn.close()
