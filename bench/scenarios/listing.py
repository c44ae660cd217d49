"""Scenario list: N Pods (default 10,000) in one namespace, listed by one client as JSON,
as a Table, and in pages of 500 (following `continue`): latency (median of the repeats)
and bytes. The ceiling sends the same bytes from the trivial app."""

from __future__ import annotations

import re
import statistics
import time

import orjson

from bench.client import Connection, Target
from bench.manifests import JSON, pod
from bench.scenarios import Context, create_many, ensure_namespace

TABLE = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}
PAGE = 500
_CONTINUE = re.compile(rb'"continue":"([^"]*)"')


async def _timed(conn: Connection, path: str, headers: dict[str, str], repeats: int) -> tuple[float, int, bytes]:
    """Median seconds and bytes of `repeats` GETs (after one warm-up)."""
    reply = await conn.request("GET", path, b"", headers)
    if reply.status != 200:
        raise RuntimeError(f"GET {path}: {reply.status} {reply.body[:300]!r}")
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        reply = await conn.request("GET", path, b"", headers)
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(reply.body), reply.body


async def _walk(conn: Connection, base: str, pages_expected: int, ceiling_size: int | None) -> tuple[float, list[float], int, int]:
    """One paginated list: total seconds, per-page seconds, bytes, items."""
    token = ""
    per_page: list[float] = []
    total_bytes = items = 0
    t0 = time.perf_counter()
    while True:
        if ceiling_size is not None:
            path = f"{base}?limit={PAGE}&size={ceiling_size}"
        else:
            path = f"{base}?limit={PAGE}" + (f"&continue={token}" if token else "")
        t = time.perf_counter()
        reply = await conn.request("GET", path, b"", JSON)
        per_page.append(time.perf_counter() - t)
        if reply.status != 200:
            raise RuntimeError(f"GET {path}: {reply.status} {reply.body[:300]!r}")
        total_bytes += len(reply.body)
        if ceiling_size is not None:
            if len(per_page) >= pages_expected:
                break
            continue
        m = _CONTINUE.search(reply.body, 0, 2000)
        token = m.group(1).decode() if m else ""
        if not token:
            break
    elapsed = time.perf_counter() - t0
    return elapsed, per_page, total_bytes, items


async def run(ctx: Context) -> None:
    a = ctx.args
    n = a.list_pods
    names = [f"web-7c5ddbdf54-{i:06d}" for i in range(n)]
    sizes: dict[str, int] = {}
    pages = (n + PAGE - 1) // PAGE
    r = ctx.results
    for target in [*ctx.targets, *([ctx.ceiling] if ctx.ceiling else [])]:
        ceiling = target.kind == "ceiling"
        ns = ctx.ns(target, "list")
        base = f"/api/v1/namespaces/{ns}/pods"
        if not ceiling:
            await ensure_namespace(ctx, target, ns)
            fill = await create_many(target, ns, "pods", names, pod, a.clients)
            ctx.share("list.fill (create Pods)", target, fill)
            ctx.log(f"{target.name:>10} filled {n} pods at {fill.rate:,.0f}/s")
        conn = await Connection(target.endpoint, target.token).connect()
        try:
            for variant, headers, label in (("json", JSON, "JSON"), ("table", TABLE, "Table")):
                path = f"{base}?size={sizes[variant]}" if ceiling else base
                async with ctx.profiling(f"list.{variant}", target):
                    seconds, size, body = await _timed(conn, path, headers, a.list_repeats)
                if not ceiling:
                    sizes[variant] = size
                    if variant == "json":
                        count = len(orjson.loads(body)["items"])
                        if count != n:
                            r.notes.append(f"list on {target.name}: {count} items listed, {n} expected")
                _record(ctx, target, f"list.{variant}", f"list {n:,} Pods, {label}", seconds, size)
            walks = []
            async with ctx.profiling("list.paged", target):
                for _ in range(a.list_repeats):
                    walks.append(await _walk(conn, base, pages, sizes.get("page") if ceiling else None))
            total, per_page, size, _ = sorted(walks)[len(walks) // 2]
            if not ceiling:
                sizes["page"] = size // max(1, len(per_page))
            _record(ctx, target, "list.paged", f"list {n:,} Pods, pages of {PAGE} (all pages)", total, size)
            r.put("list.paged.page", "list", f"list {n:,} Pods, pages of {PAGE}: p50 per page", "ms", target.name,
                  statistics.median(per_page) * 1e3, "lower")
        finally:
            conn.close()


def _record(ctx: Context, target: Target, key: str, label: str, seconds: float, size: int) -> None:
    ctx.results.put(key, "list", f"{label}: latency", "ms", target.name, seconds * 1e3, "lower")
    ctx.results.put(f"{key}.bytes", "list", f"{label}: bytes", "KiB", target.name, size / 1024)
    ctx.log(f"{target.name:>10} {label}: {seconds * 1e3:.1f} ms, {size / 1024:,.0f} KiB")
