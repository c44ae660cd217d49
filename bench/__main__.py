"""`python -m bench`: run the scenarios against kubelite and/or servers given by kubeconfig,
next to the trivial-app ceiling, and print (and optionally write) the results.
See docs/benchmarks.md."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import resource
import secrets
import shlex
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench import procs, report
from bench.ceiling import make_certs
from bench.client import Target, load_kubeconfig
from bench.machine import describe, git_commit
from bench.results import Results
from bench.scenarios import Context, registry

REPO = Path(__file__).resolve().parent.parent

# name: (default, --quick)
SIZES: dict[str, tuple[Any, Any]] = {
    "clients": (32, 32),
    "preload": (50_000, 5_000),
    "start_repeats": (3, 3),
    "create_serial": (1_000, 300),
    "create_count": (10_000, 3_000),
    "get_count": (30_000, 10_000),
    "patch_count": (10_000, 3_000),
    "list_pods": (10_000, 10_000),
    "list_repeats": (5, 3),
    "watchers": (1_000, 200),
    "watch_rate": (100.0, 100.0),
    "watch_seconds": (30.0, 10.0),
    "watch_pods": (10, 10),
    "watch_drain": (60.0, 30.0),
    "memory_pods": ([10_000, 50_000], [10_000]),
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--kubeconfig", action="append", default=[], metavar="NAME=PATH",
                   help="a server to measure (repeatable; its current context is used)")
    p.add_argument("--start-kubelite", action="store_true",
                   help="start `kubelite serve` (SQLite in a temp dir) as the server named 'kubelite'; "
                        "needed for the start and memory scenarios")
    p.add_argument("--scenario", action="append", choices=list(registry()), metavar="NAME",
                   help=f"run only these (repeatable): {', '.join(registry())}")
    p.add_argument("--quick", action="store_true", help="smaller sizes (see docs/benchmarks.md)")
    p.add_argument("--no-ceiling", action="store_true", help="skip the trivial-app ceiling")
    p.add_argument("--write", type=Path, metavar="MD", help="write the results section of this markdown file")
    p.add_argument("--json", type=Path, metavar="PATH", help="write all figures as JSON")
    p.add_argument("--profile", type=Path, metavar="DIR", help="py-spy each pattern on servers with a known pid")
    p.add_argument("--workdir", type=Path, help="for data dirs, certificates and logs (default: a temp dir, removed at the end unless --keep)")
    p.add_argument("--keep", action="store_true", help="keep the benchmark namespaces on kubeconfig servers, and the temp workdir")
    sizes = p.add_argument_group("sizes (default / --quick)")
    for name, (default, quick) in SIZES.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(default, list):
            sizes.add_argument(flag, type=lambda s: [int(x) for x in s.split(",")], default=None,
                               help=f"comma-separated (default {','.join(map(str, default))} / {','.join(map(str, quick))})")
        else:
            sizes.add_argument(flag, type=type(default), default=None, help=f"(default {default} / {quick})")
    return p


def _sizes_text(args: argparse.Namespace) -> str:
    parts = []
    for name in SIZES:
        v = getattr(args, name)
        parts.append(f"{name.replace('_', '-')}={','.join(map(str, v)) if isinstance(v, list) else v}")
    return ("--quick profile; " if args.quick else "") + ", ".join(parts)


def _off_budget(args: argparse.Namespace) -> set[str]:
    """The budgets (by label) that this run's sizes do not measure."""
    off = set()
    if args.clients != 32:
        off |= {"create ConfigMap, 32 clients", "get by name, 32 clients", "merge patch, 32 clients"}
    if args.list_pods != 10_000:
        off.add("list 10,000 pods, JSON")
    if args.watchers != 1_000 or args.watch_rate != 100:
        off.add("watch: 1,000 watchers, 100 writes/s")
    return off


async def _delete_namespaces(ctx: Context) -> None:
    from bench.load import request

    for t in ctx.targets:
        if t.pid is not None:
            continue
        for ns in ctx.namespaces.get(t.name, []):
            with contextlib.suppress(OSError, ConnectionError):
                await request(t, "DELETE", f"/api/v1/namespaces/{ns}")


async def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    for name, (default, quick) in SIZES.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else default)
    if not args.kubeconfig and not args.start_kubelite:
        raise SystemExit("nothing to measure: give --start-kubelite and/or --kubeconfig NAME=PATH")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kubelite-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    make_certs(workdir / "certs")
    started_procs: list[procs.Started] = []
    targets: list[Target] = []
    ceiling: Target | None = None
    t_run = time.perf_counter()
    try:
        if args.start_kubelite:
            started, target = await procs.start_kubelite(workdir / "main", workdir / "kubelite.log")
            started_procs.append(started)
            targets.append(target)
        for spec in args.kubeconfig:
            name, sep, path = spec.partition("=")
            if not sep or not name or not path:
                raise SystemExit(f"--kubeconfig {spec!r}: want NAME=PATH")
            if any(t.name == name for t in targets) or name == "ceiling":
                raise SystemExit(f"--kubeconfig {spec!r}: the name {name!r} is taken")
            endpoint, token = load_kubeconfig(name, path)
            targets.append(Target(name, endpoint, token))
        if not args.no_ceiling:
            started, ceiling = await procs.start_ceiling(workdir / "certs", workdir / "ceiling.log")
            started_procs.append(started)
        results = Results([t.name for t in targets])
        results.off_budget = _off_budget(args)
        profiler = None
        if args.profile:
            from bench.profile import Profiler

            profiler = Profiler(args.profile)
        ctx = Context(args, targets, ceiling, results, workdir, secrets.token_hex(3), profiler=profiler)
        scenarios = registry()
        chosen = [s for s in scenarios if not args.scenario or s in args.scenario]
        print(f"servers: {', '.join(f'{t.name} ({t.endpoint.url})' for t in targets)}; "
              f"ceiling: {ceiling.endpoint.url if ceiling else 'off'}; workdir {workdir}", flush=True)
        for name in chosen:
            print(f"== {name}", flush=True)
            t = time.perf_counter()
            try:
                await scenarios[name](ctx)
            except Exception as exc:  # a failed scenario is reported, the others still run
                traceback.print_exc()
                results.notes.append(f"{name}: failed: {type(exc).__name__}: {exc}")
            print(f"   ({time.perf_counter() - t:.0f} s)", flush=True)
        if not args.keep:
            await _delete_namespaces(ctx)
    finally:
        for s in started_procs:
            procs.stop(s)
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    results.meta = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench " + shlex.join(argv),
        "commit": git_commit(REPO),
        "machine": describe(),
        "sizes": _sizes_text(args),
        "seconds": round(time.perf_counter() - t_run),
    }
    print()
    print(report.console(results))
    print(f"\n(run took {results.meta['seconds']} s)")
    if args.write:
        report.write(args.write, results)
        print(f"wrote {args.write}")
    if args.json:
        args.json.write_text(json.dumps(results.to_json(), indent=1, default=str))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    import uvloop

    sys.exit(uvloop.run(main(sys.argv[1:])))
