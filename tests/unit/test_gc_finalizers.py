"""The finalizers a delete leaves for the garbage collector (upstream's
deletionFinalizersForGarbageCollection): by propagationPolicy, else by the finalizer
already set, else by the kind's default."""

from __future__ import annotations

import pytest

from kubelite.apis.generic import GenericStrategy
from kubelite.registry.store import gc_finalizers


def strategy(group: str, resource: str) -> GenericStrategy:
    return GenericStrategy(group, "Kind", resource, namespaced=True, has_status=False)


@pytest.mark.parametrize(
    ("group", "resource", "existing", "policy", "expected"),
    [
        ("apps", "deployments", [], None, []),  # default: Background, nothing to wait for
        ("apps", "deployments", [], "Foreground", ["foregroundDeletion"]),
        ("apps", "deployments", [], "Orphan", ["orphan"]),
        ("apps", "deployments", ["example.com/keep"], "Orphan", ["example.com/keep", "orphan"]),
        ("apps", "deployments", ["orphan"], None, ["orphan"]),  # an earlier Orphan delete stands
        ("apps", "deployments", ["orphan"], "Background", []),
        ("apps", "deployments", ["foregroundDeletion"], "Orphan", ["orphan"]),
        ("batch", "jobs", [], None, ["orphan"]),  # batch/v1 Jobs orphan by default
        ("", "replicationcontrollers", [], None, ["orphan"]),
        ("batch", "jobs", [], "Background", []),
        ("", "events", [], "Foreground", []),  # events take no part in garbage collection
    ],
)
def test_gc_finalizers(group: str, resource: str, existing: list[str], policy: str | None, expected: list[str]) -> None:
    assert gc_finalizers(strategy(group, resource), existing, policy) == expected
