"""One options object for every `kubelite serve` flag (names as kube-apiserver's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Options:
    data_dir: Path = Path(".kubelite")
    bind_address: str = "127.0.0.1"
    secure_port: int = 6443
    etcd_servers: list[str] = field(default_factory=list)
    token_auth_file: Path | None = None
    authorization_mode: str = "AlwaysAllow"
    audit_log_path: Path | None = None
    max_requests_inflight: int = 400
    max_mutating_requests_inflight: int = 200
    request_timeout: float = 60.0
    # --etcd-compaction-interval: history older than one interval is compacted (410 Gone).
    compaction_interval: float = 300.0
    service_cluster_ip_range: str = "10.96.0.0/12"
    service_node_port_range: str = "30000-32767"
    log_level: str = "info"
