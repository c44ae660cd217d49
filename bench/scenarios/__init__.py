"""Scenarios: each is `async run(ctx)` that measures every server in ctx.targets (and the
ceiling app for the same pattern) and puts its figures into ctx.results."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.client import Target
from bench.load import LoadResult, Req, RequestFn, closed_loop, request
from bench.manifests import JSON, namespace
from bench.profile import Profiler
from bench.results import LoadShare, Results


@dataclass
class Context:
    args: argparse.Namespace
    targets: list[Target]
    ceiling: Target | None
    results: Results
    workdir: Path
    run_id: str
    namespaces: dict[str, list[str]] = field(default_factory=dict)  # target -> namespaces created
    profiler: Profiler | None = None

    def ns(self, target: Target, what: str) -> str:
        return f"bench-{what}-{self.run_id}"

    def share(self, scenario: str, target: Target, res: LoadResult) -> None:
        client, server, other = res.cpu_share()
        self.results.loadshares.append(LoadShare(scenario, target.name, res.rate, client, server, other))

    def profiling(self, name: str, target: Target) -> contextlib.AbstractAsyncContextManager[None]:
        """py-spy on the server during a pattern, with --profile and a known pid."""
        if self.profiler is None or target.kind == "ceiling":
            return contextlib.nullcontext()
        return self.profiler.record(f"{name}-{target.name}", target.pid)

    def log(self, text: str) -> None:
        print(f"  {text}", flush=True)


async def ensure_namespace(ctx: Context, target: Target, name: str) -> None:
    reply = await request(target, "POST", "/api/v1/namespaces", namespace(name), JSON)
    if reply.status not in (201, 409):
        raise RuntimeError(f"{target.name}: create namespace {name}: {reply.status} {reply.body[:300]!r}")
    ctx.namespaces.setdefault(target.name, []).append(name)


async def create_many(
    target: Target, ns: str, resource: str, names: list[str], body: Callable[[str], bytes], clients: int = 32,
) -> LoadResult:
    """Create objects (not a measured figure by itself; used to fill the store)."""
    path = f"/api/v1/namespaces/{ns}/{resource}"
    res = await closed_loop(target, min(clients, len(names)), len(names), lambda i, k: ("POST", path, body(names[k]), JSON))
    bad = {s: n for s, n in res.statuses.items() if s != 201}
    if bad:
        raise RuntimeError(f"{target.name}: creating {resource} in {ns}: statuses {bad}")
    return res


async def throughput(
    ctx: Context, scenario: str, key: str, label: str, target: Target, clients: int, count: int,
    make: RequestFn, ok: tuple[int, ...] = (200, 201), size: int | None = None,
) -> LoadResult:
    """Run a closed-loop pattern and record objects/s, p50 and p99 under `key`. For the
    ceiling, requests go to the same paths with `size=` set to the server's mean reply size."""
    if target.kind == "ceiling":
        inner = make
        suffix = f"size={size or 64}"

        def make(i: int, k: int) -> Req:
            method, path, body, headers = inner(i, k)
            return method, path + ("&" if "?" in path else "?") + suffix, body, headers

    async with ctx.profiling(key, target):
        res = await closed_loop(target, clients, count, make)
    bad = {s: n for s, n in res.statuses.items() if s not in ok}
    if bad:
        ctx.results.notes.append(f"{scenario} on {target.name}: unexpected statuses {bad} out of {count} requests")
    r = ctx.results
    r.put(f"{key}.rate", scenario, f"{label}: rate", "/s", target.name, res.rate, "higher")
    r.put(f"{key}.p50", scenario, f"{label}: p50", "ms", target.name, res.pct(50) * 1e3, "lower")
    r.put(f"{key}.p99", scenario, f"{label}: p99", "ms", target.name, res.pct(99) * 1e3, "lower")
    ctx.share(key, target, res)
    ctx.log(f"{target.name:>10} {label}: {res.rate:,.0f}/s p50 {res.pct(50) * 1e3:.1f} ms p99 {res.pct(99) * 1e3:.1f} ms")
    return res


Scenario = Callable[[Context], Awaitable[None]]


def registry() -> dict[str, Scenario]:
    from bench.scenarios import create, get, listing, loadgen, memory, patch, start, watch

    return {
        "loadgen": loadgen.run,
        "start": start.run,
        "create": create.run,
        "get": get.run,
        "update": patch.run,
        "list": listing.run,
        "watch": watch.run,
        "memory": memory.run,
    }
