"""kubelite's discovery equals a default Kubernetes 1.33 kube-apiserver's (hack/compare_discovery.py).

The upstream facts are in hack/discovery/upstream-1.33.json; any difference fails the test with the
script's own description of it. The kubelet-only subresources (pods/log, exec, attach, portforward,
proxy, nodes/proxy, services/proxy) are listed like upstream and must answer a clear Status error.
"""

from __future__ import annotations

import copy

import pytest
from hack.compare_discovery import Client, load_upstream, run_comparison

from tests.e2e.server import KubeliteProcess


@pytest.fixture(scope="module")
def client(kubelite: KubeliteProcess) -> Client:
    return Client.from_kubeconfig(kubelite.kubeconfig)


def test_discovery_matches_upstream_1_33(client: Client) -> None:
    report = run_comparison(client)
    assert report.differences == [], "differences from upstream 1.33 discovery:\n" + "\n".join(
        report.differences
    )


def test_comparison_reports_differences(client: Client) -> None:
    """The comparison is not vacuous: a changed upstream list shows up as differences."""
    upstream = copy.deepcopy(load_upstream())
    core = upstream["resources"]["v1"]
    core["pods"]["shortNames"] = ["po", "pod"]
    core["pods"]["subresources"]["log"]["verbs"] = ["get", "list"]
    core["widgets"] = {**core["configmaps"], "kind": "Widget", "singularName": "widget"}
    del upstream["resources"]["apps/v1"]["controllerrevisions"]
    upstream["resources"]["events.k8s.io/v1"]["events"]["storageVersionHash"] = "AAAAAAAAAAA="
    autoscaling = next(g for g in upstream["groups"] if g["name"] == "autoscaling")
    autoscaling["preferredVersion"] = "v1"

    differences = "\n".join(run_comparison(client, upstream, status_checks=False).differences)

    for expected in (
        "GET /api/v1 pods: shortNames is ['po'], upstream ['po', 'pod']",
        "GET /api (aggregated v2) v1 pods: shortNames is ['po'], upstream ['po', 'pod']",
        "GET /api/v1 pods/log: verbs is ['get'], upstream ['get', 'list']",
        "GET /api/v1: missing resource widgets",
        "GET /apis/apps/v1: extra resource controllerrevisions",
        "GET /apis (aggregated v2) apps/v1: extra resource controllerrevisions",
        "GET /apis/events.k8s.io/v1 events: storageVersionHash is 'r2yiGXH7wu8=', upstream 'AAAAAAAAAAA='",
        "GET /apis/autoscaling: preferred version 'v2', upstream 'v1'",
    ):
        assert expected in differences, f"{expected!r} not reported in:\n{differences}"
