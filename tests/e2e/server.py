"""Starts `kubelite serve` as a real process for the e2e tests."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml


class KubeliteProcess:
    def __init__(self, data_dir: Path, extra_args: list[str] | None = None) -> None:
        self.data_dir = data_dir
        self.extra_args = extra_args or []
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "serve.log"

    @property
    def kubeconfig(self) -> Path:
        return self.data_dir / "kubeconfig"

    @property
    def server_url(self) -> str:
        config = yaml.safe_load(self.kubeconfig.read_text())
        return str(config["clusters"][0]["cluster"]["server"])

    def start(self, timeout: float = 20.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.kubeconfig.exists():
            self.kubeconfig.unlink()
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kubelite.cli", "serve", "--data-dir", str(self.data_dir), "--secure-port", "0", *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kubelite exited with {self.proc.returncode}: {self.log_path.read_text()[-3000:]}")
            if self.kubeconfig.exists() and self._ready():
                return
            time.sleep(0.05)
        raise RuntimeError(f"kubelite not ready within {timeout}s: {self.log_path.read_text()[-3000:]}")

    def _ready(self) -> bool:
        ctx = ssl.create_default_context(cafile=str(self.data_dir / "ca.crt"))
        try:
            with urllib.request.urlopen(self.server_url + "/readyz", context=ctx, timeout=2) as resp:
                return resp.status == 200
        except Exception:
            return False

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
