"""The `kubelite` command: `serve`, `kubeconfig`, `version`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from kubelite.config import Options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kubelite", description="A Kubernetes-compatible API server.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API server")
    serve.add_argument("--data-dir", type=Path, default=Path(".kubelite"), help="state, certificates and kubeconfig (default ./.kubelite)")
    serve.add_argument("--bind-address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--secure-port", type=int, default=6443, help="HTTPS port; 0 picks a free one (default 6443)")
    serve.add_argument("--etcd-servers", default="", help="comma-separated etcd URLs; SQLite in the data dir when empty")
    serve.add_argument("--token-auth-file", type=Path, default=None, help="static bearer tokens, CSV: token,user,uid,\"group1,group2\"")
    serve.add_argument("--authorization-mode", default="AlwaysAllow", help="AlwaysAllow (RBAC comes later)")
    serve.add_argument("--audit-log-path", type=Path, default=None)
    serve.add_argument("--max-requests-inflight", type=int, default=400)
    serve.add_argument("--max-mutating-requests-inflight", type=int, default=200)
    serve.add_argument("--request-timeout", type=float, default=60.0, help="seconds (default 60)")
    serve.add_argument("--etcd-compaction-interval", default="5m", help="how often history is compacted, a duration (default 5m; 0 disables)")
    serve.add_argument("--service-cluster-ip-range", default="10.96.0.0/12", help="CIDR(s) for Service cluster IPs (comma-separated for dual stack)")
    serve.add_argument("--service-node-port-range", default="30000-32767", help="port range for NodePort Services")
    serve.add_argument("--v", "-v", type=int, default=0, dest="verbosity", help="log verbosity")
    kubeconfig = sub.add_parser("kubeconfig", help="print the admin kubeconfig")
    kubeconfig.add_argument("--data-dir", type=Path, default=Path(".kubelite"))
    sub.add_parser("version", help="print the version")
    return parser


def _duration(text: str) -> float:
    from kubelite.filters.timeout import parse_duration

    try:
        return parse_duration(text)
    except ValueError:
        raise SystemExit(f"invalid duration: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "version":
        from kubelite.version import version_info

        info = version_info()
        print(f"kubelite {info['gitVersion']}")
        return 0
    if args.command == "kubeconfig":
        path = args.data_dir / "kubeconfig"
        if not path.exists():
            print(f"no kubeconfig at {path}: start `kubelite serve --data-dir {args.data_dir}` first", file=sys.stderr)
            return 1
        sys.stdout.write(path.read_text())
        return 0
    options = Options(
        data_dir=args.data_dir,
        bind_address=args.bind_address,
        secure_port=args.secure_port,
        etcd_servers=[s for s in args.etcd_servers.split(",") if s],
        token_auth_file=args.token_auth_file,
        authorization_mode=args.authorization_mode,
        audit_log_path=args.audit_log_path,
        max_requests_inflight=args.max_requests_inflight,
        max_mutating_requests_inflight=args.max_mutating_requests_inflight,
        request_timeout=args.request_timeout,
        compaction_interval=_duration(args.etcd_compaction_interval),
        service_cluster_ip_range=args.service_cluster_ip_range,
        service_node_port_range=args.service_node_port_range,
        log_level="debug" if args.verbosity >= 4 else "info" if args.verbosity >= 1 else "warning",
    )
    logging.basicConfig(level=logging.DEBUG if args.verbosity >= 4 else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from kubelite.server import serve

    try:
        import uvloop

        uvloop.run(serve(options))
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        asyncio.run(serve(options))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
