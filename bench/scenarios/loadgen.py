"""Scenario loadgen: what the load generator costs. The get pattern (32 clients, ~1.4 KB
replies) against the trivial app, once with bench.client (asyncio + httptools) and once
with aiohttp: requests/s reached and client CPU per request."""

from __future__ import annotations

from bench.aioclient import closed_loop_get
from bench.load import LoadResult, closed_loop
from bench.scenarios import Context

SIZE = 1400


async def run(ctx: Context) -> None:
    if ctx.ceiling is None:
        ctx.results.notes.append("loadgen: skipped (no ceiling app: --no-ceiling)")
        return
    a = ctx.args
    path = f"/api/v1/namespaces/default/configmaps/x?size={SIZE}"
    runs: list[tuple[str, LoadResult]] = []
    for name in ("asyncio+httptools", "aiohttp", "asyncio+httptools", "aiohttp"):
        if name == "aiohttp":
            res = await closed_loop_get(ctx.ceiling, a.clients, a.get_count, path)
        else:
            res = await closed_loop(ctx.ceiling, a.clients, a.get_count, lambda i, k: ("GET", path, b"", None))
        runs.append((name, res))
    best: dict[str, LoadResult] = {}
    for name, res in runs:  # of the two runs each, keep the cheaper
        if name not in best or res.client_cpu < best[name].client_cpu:
            best[name] = res
    for name, res in best.items():
        client, server, other = res.cpu_share()
        ctx.results.client_costs.append({
            "client": name, "rate": res.rate, "us_per_request": res.client_cpu / res.count * 1e6,
            "client_cpu": client, "server_cpu": server, "other_cpu": other, "p99_ms": res.pct(99) * 1e3,
        })
        ctx.log(f"{name:>18}: {res.rate:,.0f} req/s, {res.client_cpu / res.count * 1e6:.1f} µs client CPU per request, "
                f"client {client:.0%} / server {server or 0:.0%} of a core")
