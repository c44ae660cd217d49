"""Scenario update: JSON merge patch from 32 concurrent clients, each on its own ConfigMap:
ops/s, latency p50/p99."""

from __future__ import annotations

import orjson

from bench.load import Req
from bench.manifests import MERGE_PATCH, configmap
from bench.scenarios import Context, create_many, ensure_namespace, throughput


async def run(ctx: Context) -> None:
    a = ctx.args
    size: int | None = None
    names = [f"cm-{i:04d}" for i in range(a.clients)]
    for target in [*ctx.targets, *([ctx.ceiling] if ctx.ceiling else [])]:
        ns = ctx.ns(target, "patch")
        if target.kind != "ceiling":
            await ensure_namespace(ctx, target, ns)
            await create_many(target, ns, "configmaps", names, configmap)
        paths = [f"/api/v1/namespaces/{ns}/configmaps/{n}" for n in names]

        def make(i: int, k: int, paths: list[str] = paths) -> Req:
            return "PATCH", paths[i], orjson.dumps({"data": {"key0": f"value-{k}"}}), MERGE_PATCH

        res = await throughput(ctx, "update", "patch", f"merge patch ConfigMap, {a.clients} clients", target, a.clients,
                               a.patch_count, make, size=size)
        if size is None:
            size = res.bytes_in // max(1, res.count)
