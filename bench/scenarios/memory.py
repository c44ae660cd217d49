"""Scenario memory (needs --start-kubelite): RSS of a fresh kubelite process idle, then
after creating N Pods (cumulative steps, default 10,000 and 50,000). Servers given only
by kubeconfig get 'n/a' (their pid is unknown). The ceiling is the trivial app idle."""

from __future__ import annotations

import asyncio

from bench import procs
from bench.manifests import pod
from bench.scenarios import Context, create_many, ensure_namespace


async def _settle() -> None:
    await asyncio.sleep(2.0)


async def run(ctx: Context) -> None:
    a = ctx.args
    r = ctx.results
    steps = sorted(a.memory_pods)
    rows = [("memory.idle", "RSS idle")] + [(f"memory.{n}", f"RSS with {n:,} Pods") for n in steps]
    for t in ctx.targets:
        if not (a.start_kubelite and t.name == "kubelite"):
            for key, label in rows:
                r.put(key, "memory", label, "MB", t.name, None, "lower")
    if not a.start_kubelite:
        r.notes.append("memory: n/a without --start-kubelite (the server's pid is unknown)")
        return
    started, target = await procs.start_kubelite(ctx.workdir / "memory", ctx.workdir / "memory.log")
    try:
        await _settle()
        r.put("memory.idle", "memory", "RSS idle", "MB", "kubelite", (procs.rss_bytes(started.pid) or 0) / 1e6, "lower")
        await ensure_namespace(ctx, target, "memory")
        have = 0
        for n in steps:
            names = [f"web-7c5ddbdf54-{i:06d}" for i in range(have, n)]
            fill = await create_many(target, "memory", "pods", names, pod, a.clients)
            ctx.share(f"memory fill to {n:,} Pods (create Pods)", target, fill)
            have = n
            await _settle()
            rss = (procs.rss_bytes(started.pid) or 0) / 1e6
            r.put(f"memory.{n}", "memory", f"RSS with {n:,} Pods", "MB", "kubelite", rss, "lower")
            ctx.log(f"RSS with {n:,} pods: {rss:,.1f} MB (filled at {fill.rate:,.0f}/s)")
    finally:
        procs.stop(started)
    if ctx.ceiling is not None:
        cstarted, _ = await procs.start_ceiling(ctx.workdir / "certs", ctx.workdir / "ceiling-memory.log")
        await _settle()
        r.rows["memory.idle"].ceiling = (procs.rss_bytes(cstarted.pid) or 0) / 1e6
        procs.stop(cstarted)
    r.notes.append("memory: RSS (VmRSS) in MB = 10^6 bytes, 2 s after the server was ready / after the last create")
