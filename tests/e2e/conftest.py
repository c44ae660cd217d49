"""Fixtures: one kubelite process per test session, kubectl and the kubernetes client pointed at it."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config

from tests.e2e.helpers import Raw, make_namespace, raw_for
from tests.e2e.server import KubeliteProcess


@pytest.fixture(scope="session")
def kubelite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeliteProcess]:
    server = KubeliteProcess(tmp_path_factory.mktemp("kubelite"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api_client(kubelite: KubeliteProcess) -> client.ApiClient:
    return config.new_client_from_config(config_file=str(kubelite.kubeconfig))


class Kubectl:
    def __init__(self, kubeconfig: Path) -> None:
        self.kubeconfig = kubeconfig

    def run(self, *args: str, input: str | None = None, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            ["kubectl", "--kubeconfig", str(self.kubeconfig), "--request-timeout=20s", *args],
            input=input, capture_output=True, text=True, timeout=timeout,
            env={**os.environ, "KUBECTL_COMMAND_HEADERS": "false"},
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}): {proc.stderr}{proc.stdout}")
        return proc

    def __call__(self, *args: str, input: str | None = None) -> str:
        return self.run(*args, input=input).stdout

    def fails(self, *args: str, input: str | None = None) -> str:
        proc = self.run(*args, input=input, check=False)
        assert proc.returncode != 0, f"kubectl {' '.join(args)} unexpectedly succeeded: {proc.stdout}"
        return proc.stderr + proc.stdout


@pytest.fixture(scope="session")
def kubectl(kubelite: KubeliteProcess) -> Kubectl:
    return Kubectl(kubelite.kubeconfig)


@pytest.fixture
def namespace(kubectl: Kubectl) -> Iterator[str]:
    name = f"t-{uuid.uuid4().hex[:8]}"
    kubectl("create", "namespace", name)
    yield name
    kubectl.run("delete", "namespace", name, "--wait=false", check=False)


# --- fixtures of the client-driven tests: a fresh namespace, typed APIs, raw HTTPS


@pytest.fixture
def ns(api_client: client.ApiClient) -> Iterator[str]:
    yield from make_namespace(api_client)


@pytest.fixture(scope="session")
def core(api_client: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api_client)


@pytest.fixture(scope="session")
def apps(api_client: client.ApiClient) -> client.AppsV1Api:
    return client.AppsV1Api(api_client)


@pytest.fixture(scope="session")
def raw(kubelite: KubeliteProcess) -> Raw:
    return raw_for(kubelite)
