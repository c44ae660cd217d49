"""Scenario create: ConfigMaps (1 KiB of data) and Pods (~2 KiB manifest) from 1 and from
32 concurrent clients: objects/s, latency p50/p99."""

from __future__ import annotations

from collections.abc import Callable

from bench.load import Req
from bench.manifests import JSON, configmap, pod
from bench.scenarios import Context, ensure_namespace, throughput

KINDS = (("configmap", "ConfigMap", "configmaps", configmap), ("pod", "Pod", "pods", pod))


async def run(ctx: Context) -> None:
    a = ctx.args
    for kind, title, resource, make_body in KINDS:
        for clients, count in ((1, a.create_serial), (a.clients, a.create_count)):
            key = f"create.{kind}.{clients}"
            label = f"create {title}, {clients} client{'s' if clients > 1 else ''}"
            size: int | None = None
            for target in [*ctx.targets, *([ctx.ceiling] if ctx.ceiling else [])]:
                ns = ctx.ns(target, f"create-{kind}-{clients}")
                if target.kind != "ceiling":
                    await ensure_namespace(ctx, target, ns)
                path = f"/api/v1/namespaces/{ns}/{resource}"

                def make(i: int, k: int, path: str = path, kind: str = kind, make_body: Callable[[str], bytes] = make_body) -> Req:
                    return "POST", path, make_body(f"{kind}-{k:06d}"), JSON

                res = await throughput(ctx, "create", key, label, target, clients, count, make, size=size)
                if size is None:
                    size = res.bytes_in // max(1, res.count)
