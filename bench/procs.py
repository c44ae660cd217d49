"""Processes under test: start kubelite or the ceiling app, wait for /readyz, read CPU and RSS
from /proc, stop them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.client import Connection, Endpoint, Target, load_kubeconfig

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process (all its threads), None if unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


def machine_busy() -> float:
    """CPU seconds all cores of the machine spent busy (not idle or waiting for I/O) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / _TICK


def rss_bytes(pid: int | None) -> int | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Started:
    """A server process we started, and the seconds from spawn to /readyz 200."""

    proc: subprocess.Popen[bytes]
    url: str
    ready_after: float
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid


async def wait_ready(endpoint: Endpoint, proc: subprocess.Popen[bytes], t0: float, timeout: float = 600.0) -> float:
    """Poll GET /readyz until 200; the seconds since t0 (perf_counter)."""
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before it was ready")
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("server not ready")
        conn = Connection(endpoint)
        try:
            await conn.connect()
            reply = await asyncio.wait_for(conn.request("GET", "/readyz"), 30)
            if reply.status == 200:
                return time.perf_counter() - t0
        except (OSError, ConnectionError, TimeoutError):
            pass
        finally:
            conn.close()
        await asyncio.sleep(0.005)


async def start_kubelite(data_dir: Path, log: Path, extra: list[str] | None = None) -> tuple[Started, Target]:
    """Start `kubelite serve` on a free port; returns once /readyz is 200."""
    port = free_port()
    cmd = [sys.executable, "-m", "kubelite.cli", "serve", "--data-dir", str(data_dir), "--secure-port", str(port), *(extra or [])]
    t0 = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"
    # /readyz needs no credentials; the CA is not known before the server has written it,
    # so the readiness poll does not verify the certificate.
    import ssl

    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    ready = await wait_ready(Endpoint("probe", url, unverified), proc, t0)
    endpoint, token = load_kubeconfig("kubelite", data_dir / "kubeconfig")
    target = Target("kubelite", endpoint, token, pid=proc.pid)
    return Started(proc, url, ready, log), target


async def start_ceiling(cert_dir: Path, log: Path) -> tuple[Started, Target]:
    """Start the trivial ASGI app (bench/ceiling.py) on a free port."""
    from bench.ceiling import endpoint_for

    port = free_port()
    cmd = [sys.executable, "-m", "bench.ceiling", "--port", str(port), "--cert-dir", str(cert_dir)]
    t0 = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    endpoint = endpoint_for(cert_dir, port)
    ready = await wait_ready(endpoint, proc, t0)
    return Started(proc, endpoint.url, ready, log), Target("ceiling", endpoint, pid=proc.pid, kind="ceiling")


def stop(started: Started, timeout: float = 20.0) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds."""
    proc = started.proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
