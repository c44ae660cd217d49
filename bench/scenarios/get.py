"""Scenario get: GET by name of 1 KiB ConfigMaps from 32 concurrent clients: requests/s,
latency p50/p99."""

from __future__ import annotations

import random

from bench.load import Req
from bench.manifests import JSON, configmap
from bench.scenarios import Context, create_many, ensure_namespace, throughput

OBJECTS = 100


async def run(ctx: Context) -> None:
    a = ctx.args
    size: int | None = None
    names = [f"cm-{i:04d}" for i in range(OBJECTS)]
    for target in [*ctx.targets, *([ctx.ceiling] if ctx.ceiling else [])]:
        ns = ctx.ns(target, "get")
        if target.kind != "ceiling":
            await ensure_namespace(ctx, target, ns)
            await create_many(target, ns, "configmaps", names, configmap)
        paths = [f"/api/v1/namespaces/{ns}/configmaps/{n}" for n in names]
        rnd = random.Random(1)
        order = [rnd.randrange(OBJECTS) for _ in range(a.get_count)]
        def make(i: int, k: int, paths: list[str] = paths, order: list[int] = order) -> Req:
            return "GET", paths[order[k]], b"", JSON

        res = await throughput(ctx, "get", "get", f"get ConfigMap by name, {a.clients} clients", target, a.clients,
                               a.get_count, make, size=size)
        if size is None:
            size = res.bytes_in // max(1, res.count)
