"""The same closed-loop GET pattern as bench.load, on aiohttp (TCPConnector with a
connection limit, keep-alive): only used to compare the two clients' CPU cost."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import numpy as np

from bench.client import Target
from bench.load import CPUMeter, LoadResult


async def closed_loop_get(target: Target, clients: int, total: int, path: str) -> LoadResult:
    connector = aiohttp.TCPConnector(limit=clients, ssl=target.endpoint.ssl or False, keepalive_timeout=120)
    headers = {"Accept": "application/json"}
    if target.token:
        headers["Authorization"] = f"Bearer {target.token}"
    lat = np.zeros(total)
    async with aiohttp.ClientSession(target.endpoint.url, connector=connector, headers=headers) as session:

        async def one() -> int:
            async with session.get(path) as resp:
                await resp.read()
                return resp.status

        await asyncio.gather(*(one() for _ in range(clients)))  # open the connections first
        per = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
        offsets = [sum(per[:i]) for i in range(clients)]

        async def worker(i: int) -> None:
            for n in range(per[i]):
                t = time.perf_counter()
                await one()
                lat[offsets[i] + n] = time.perf_counter() - t

        meter = CPUMeter(target.pid)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - t0
        client_cpu, server_cpu, machine_cpu = meter.read()
    return LoadResult(total, elapsed, lat, client_cpu=client_cpu, server_cpu=server_cpu, machine_cpu=machine_cpu)
