"""Scenario watch: W watchers (default 1,000) on the Pods of one namespace while a writer
merge-patches those Pods at R/s (default 100/s for 30 s), stamping the wall-clock send
time into an annotation. Figures: events delivered/s, delivery delay p50/p99/max (receipt
time minus the stamp), and per watcher the events missed, duplicated or out of order,
checked against the resourceVersions the writer got back."""

from __future__ import annotations

import asyncio
import re
import time
from array import array
from dataclasses import dataclass, field

import numpy as np
import orjson

from bench.client import Connection, Target
from bench.load import CPUMeter
from bench.manifests import JSON, MERGE_PATCH, pod, ts_patch
from bench.results import LoadShare
from bench.scenarios import Context, create_many, ensure_namespace

_RV = re.compile(rb'"resourceVersion":"(\d+)"')
_TS = re.compile(rb'"bench\.kubelite\.io/ts":"([0-9.]+)"')
_EVENT = b'{"type":"'


class Watcher:
    """Consumes one watch stream in protocol callbacks: splits lines, takes the
    resourceVersion and the timestamp annotation out with two regex searches."""

    __slots__ = ("buf", "rvs", "delays", "status", "ended", "errors", "last", "size")

    def __init__(self) -> None:
        self.buf = b""
        self.rvs = array("q")
        self.delays = array("d")
        self.status = 0
        self.ended = False
        self.errors: list[bytes] = []
        self.last = 0.0
        self.size = 0

    def on_start(self, status: int) -> None:
        self.status = status

    def on_end(self) -> None:
        self.ended = True

    def on_chunk(self, data: bytes) -> None:
        now = time.time()
        self.size += len(data)
        buf = self.buf + data if self.buf else data
        start = 0
        while (nl := buf.find(b"\n", start)) >= 0:
            if buf.startswith(b'{"type":"BOOKMARK"', start):
                pass
            elif buf.startswith(b'{"type":"ERROR"', start):
                self.errors.append(buf[start:nl][:300])
            else:
                rv = _RV.search(buf, start, nl)
                ts = _TS.search(buf, start, nl)
                if rv is not None:
                    self.rvs.append(int(rv.group(1)))
                if ts is not None:
                    self.delays.append(now - float(ts.group(1)))
            start = nl + 1
        self.buf = buf[start:]
        self.last = now


@dataclass
class Writes:
    rvs: list[int] = field(default_factory=list)
    failed: int = 0
    started: float = 0.0
    elapsed: float = 0.0


async def _write(target: Target, paths: list[str], rate: float, seconds: float, suffix: str) -> Writes:
    """Open loop: request i is due at t0 + i/rate, sent on a free connection (8 of them)."""
    total = int(rate * seconds)
    free: asyncio.Queue[Connection] = asyncio.Queue()
    for c in await target.connections(8):
        free.put_nowait(c)
    out = Writes()
    tasks = []

    async def one(i: int) -> None:
        conn = await free.get()
        try:
            reply = await conn.request("PATCH", paths[i % len(paths)] + suffix, ts_patch(time.time(), i), MERGE_PATCH)
        except (OSError, ConnectionError):
            out.failed += 1
            return
        finally:
            free.put_nowait(conn)
        m = _RV.search(reply.body)
        if reply.status == 200 and m:
            out.rvs.append(int(m.group(1)))
        else:
            out.failed += 1

    loop = asyncio.get_running_loop()
    t0 = loop.time()
    out.started = time.time()
    for i in range(total):
        delay = t0 + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    out.elapsed = loop.time() - t0
    while not free.empty():
        free.get_nowait().close()
    return out


async def _once(ctx: Context, target: Target, event_size: int | None) -> int:
    a = ctx.args
    r = ctx.results
    ceiling = target.kind == "ceiling"
    ns = ctx.ns(target, "watch")
    names = [f"web-7c5ddbdf54-w{i:04d}" for i in range(a.watch_pods)]
    base = f"/api/v1/namespaces/{ns}/pods"
    paths = [f"{base}/{n}" for n in names]
    if ceiling:
        watch_path = f"{base}?watch=1&size={event_size}"
        suffix = f"?size={event_size}"
    else:
        await ensure_namespace(ctx, target, ns)
        await create_many(target, ns, "pods", names, pod)
        conn = await Connection(target.endpoint, target.token).connect()
        listed = await conn.request("GET", f"{base}?limit=1", b"", JSON)
        conn.close()
        rv = orjson.loads(listed.body)["metadata"]["resourceVersion"]
        watch_path = f"{base}?watch=1&resourceVersion={rv}&allowWatchBookmarks=false&timeoutSeconds=3600"
        suffix = ""

    t = time.perf_counter()
    conns = await target.connections(a.watchers)
    watchers = [Watcher() for _ in conns]
    for c, w in zip(conns, watchers, strict=True):
        await c.stream(watch_path, w.on_chunk, w.on_start, w.on_end, JSON)
    deadline = time.perf_counter() + 60
    while any(w.status == 0 for w in watchers) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    opened = sum(1 for w in watchers if w.status == 200)
    ctx.log(f"{target.name:>10} {opened}/{a.watchers} watches open in {time.perf_counter() - t:.1f} s")
    if opened < a.watchers:
        r.notes.append(f"watch on {target.name}: only {opened} of {a.watchers} watches opened")
    await asyncio.sleep(0.5)

    meter = CPUMeter(target.pid)
    async with ctx.profiling("watch", target):
        writes = await _write(target, paths, a.watch_rate, a.watch_seconds, suffix)
        want = max(writes.rvs, default=0)
        drain_deadline = time.perf_counter() + a.watch_drain
        while time.perf_counter() < drain_deadline:
            if all(w.ended or (w.rvs and w.rvs[-1] >= want) for w in watchers):
                break
            await asyncio.sleep(0.1)
    client_cpu, server_cpu, machine_cpu = meter.read()
    for c in conns:
        c.close()

    expected = sorted(writes.rvs)
    delivered = sum(len(w.rvs) for w in watchers)
    last = max((w.last for w in watchers), default=writes.started)
    span = max(1e-9, last - writes.started)
    missed = late = dups = disorder = ended = 0
    worst_missed = worst_late = 0
    for w in watchers:
        got = w.rvs.tolist()
        seen = set(got)
        top = got[-1] if got else 0
        # a gap: an expected event older than the newest one this watcher got, yet absent
        m = sum(1 for rv in expected if rv <= top and rv not in seen)
        # not (yet) delivered when the drain ended: newer than anything it got
        n = sum(1 for rv in expected if rv > top)
        missed += m
        late += n
        worst_missed, worst_late = max(worst_missed, m), max(worst_late, n)
        dups += len(got) - len(seen)
        disorder += sum(1 for x, y in zip(got, got[1:], strict=False) if y <= x)
        ended += w.ended
        if w.errors:
            r.notes.append(f"watch on {target.name}: ERROR event {w.errors[0]!r}")
    delays = np.concatenate([np.frombuffer(w.delays, dtype=np.float64) for w in watchers]) if watchers else np.zeros(0)
    name = target.name
    label = f"{a.watchers:,} watchers, {a.watch_rate:g} writes/s for {a.watch_seconds:g} s"
    put = r.put
    put("watch.writes", "watch", f"{label}: writes done/s", "/s", name, len(writes.rvs) / writes.elapsed, "higher")
    put("watch.rate", "watch", f"{label}: events delivered/s", "/s", name, delivered / span, "higher")
    for q in (50, 99):
        put(f"watch.p{q}", "watch", f"{label}: delay p{q}", "ms", name,
            float(np.percentile(delays, q)) * 1e3 if len(delays) else float("nan"), "lower")
    put("watch.max", "watch", f"{label}: delay max", "ms", name, float(delays.max()) * 1e3 if len(delays) else float("nan"), "lower")
    put("watch.missed", "watch", f"{label}: events missed, gaps in the resourceVersion sequence (all watchers)", "", name, missed, "lower")
    put("watch.late", "watch", f"{label}: events not delivered {a.watch_drain:g} s after the last write (all watchers)", "",
        name, late, "lower")
    put("watch.duplicated", "watch", f"{label}: events duplicated", "", name, dups, "lower")
    put("watch.disorder", "watch", f"{label}: events out of order", "", name, disorder, "lower")
    if writes.failed:
        r.notes.append(f"watch on {name}: {writes.failed} writes failed")
    if ended:
        r.notes.append(f"watch on {name}: {ended} watch streams ended before the writer finished")
    if worst_missed:
        r.notes.append(f"watch on {name}: up to {worst_missed} of {len(expected)} events missed (gaps) by one watcher")
    if worst_late:
        r.notes.append(f"watch on {name}: up to {worst_late} of {len(expected)} events not delivered to one watcher "
                       f"{a.watch_drain:g} s after the last write")
    elapsed = max(writes.elapsed, last - writes.started)
    server = server_cpu / elapsed if server_cpu is not None else None
    other = max(0.0, machine_cpu - client_cpu - (server_cpu or 0.0)) / elapsed
    r.loadshares.append(LoadShare("watch", name, delivered / span, client_cpu / elapsed, server, other))
    ctx.log(f"{name:>10} {label}: {delivered / span:,.0f} events/s, p50 {np.percentile(delays, 50) * 1e3:.1f} ms "
            f"p99 {np.percentile(delays, 99) * 1e3:.1f} ms, missed {missed}, late {late}, dup {dups}, disorder {disorder}")
    return sum(w.size for w in watchers) // max(1, delivered)


async def run(ctx: Context) -> None:
    size = 0
    for target in ctx.targets:
        size = size or await _once(ctx, target, None)
    if ctx.ceiling is not None:
        await _once(ctx, ctx.ceiling, size or 3000)
