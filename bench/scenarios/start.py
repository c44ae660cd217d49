"""Scenario start (needs --start-kubelite): seconds from spawning `kubelite serve` to the
first /readyz 200, with a new data dir, restarted on an empty store, and restarted with
N small ConfigMaps preloaded (default 50,000). The ceiling is the trivial app's start."""

from __future__ import annotations

import statistics

from bench import procs
from bench.manifests import small_configmap
from bench.scenarios import Context, create_many, ensure_namespace


async def run(ctx: Context) -> None:
    a = ctx.args
    r = ctx.results
    n = a.preload
    rows = (("start.new", "start to ready, new data dir (makes the PKI)"),
            ("start.empty", "start to ready, empty store (restart)"),
            ("start.preload", f"start to ready, {n:,} ConfigMaps preloaded (restart)"))
    for t in ctx.targets:
        if t.pid is None or not a.start_kubelite or t.name != "kubelite":
            for key, label in rows:
                r.put(key, "start", label, "s", t.name, None, "lower")
    if not a.start_kubelite:
        r.notes.append("start: n/a without --start-kubelite (the harness must start the server to time it)")
        return
    log = ctx.workdir / "start.log"
    new_dir = ctx.workdir / "start-empty"
    times: dict[str, list[float]] = {"start.new": [], "start.empty": [], "start.preload": []}
    for i in range(a.start_repeats):
        started, _ = await procs.start_kubelite(ctx.workdir / f"start-new-{i}", log)
        procs.stop(started)
        times["start.new"].append(started.ready_after)
    started, _ = await procs.start_kubelite(new_dir, log)
    procs.stop(started)
    for _ in range(a.start_repeats):
        started, _ = await procs.start_kubelite(new_dir, log)
        procs.stop(started)
        times["start.empty"].append(started.ready_after)
    preload_dir = ctx.workdir / "start-preload"
    started, target = await procs.start_kubelite(preload_dir, log)
    await ensure_namespace(ctx, target, "preload")
    fill = await create_many(target, "preload", "configmaps", [f"cm-{i:06d}" for i in range(n)], small_configmap, a.clients)
    ctx.share("start.preload fill (create small ConfigMaps)", target, fill)
    ctx.log(f"preloaded {n:,} ConfigMaps at {fill.rate:,.0f}/s")
    procs.stop(started)
    for _ in range(a.start_repeats):
        started, _ = await procs.start_kubelite(preload_dir, log)
        procs.stop(started)
        times["start.preload"].append(started.ready_after)
    ceiling: list[float] = []
    if ctx.ceiling is not None:
        for _ in range(a.start_repeats):
            started, _ = await procs.start_ceiling(ctx.workdir / "certs", ctx.workdir / "ceiling-start.log")
            procs.stop(started)
            ceiling.append(started.ready_after)
    for key, label in rows:
        r.put(key, "start", label, "s", "kubelite", statistics.median(times[key]), "lower")
        if ceiling:
            r.rows[key].ceiling = statistics.median(ceiling)
        ctx.log(f"{label}: {', '.join(f'{x:.3f}' for x in times[key])} s")
    if a.start_repeats > 1:
        r.notes.append(f"start: median of {a.start_repeats} starts each")
