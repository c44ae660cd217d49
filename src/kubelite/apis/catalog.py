"""The catalog of built-in resources: for each, its discovery description (names,
verbs, scope, subresources), its strategy, and its storage key prefix."""

from __future__ import annotations

from dataclasses import dataclass

from kubelite.apis.apps import DeploymentStrategy
from kubelite.apis.core import (
    ConfigMapStrategy,
    EventStrategy,
    NamespaceStrategy,
    PodStrategy,
    SecretStrategy,
    ServiceAccountStrategy,
)
from kubelite.machinery.gvk import APIResource
from kubelite.registry.strategy import Strategy

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
STATUS_VERBS = ["get", "patch", "update"]


@dataclass
class BuiltinResource:
    api: APIResource
    strategy: Strategy
    # (group, resource) whose storage this version shares, when it is not the storage
    # version itself (autoscaling/v1 HPAs are stored as autoscaling/v2; events.k8s.io
    # Events are core Events).
    stored_as: tuple[str, str] | None = None

    @property
    def key_prefix(self) -> str:
        """Upstream's etcd layout: /registry/<resource>/ for the core group, else /registry/<group>/<resource>/."""
        group, resource = self.stored_as or (self.api.group, self.api.resource)
        if group:
            return f"/registry/{group}/{resource}/"
        return f"/registry/{resource}/"


def _resource(
    strategy: Strategy,
    version: str,
    singular: str,
    short_names: list[str] | None = None,
    categories: list[str] | None = None,
    subresources: list[str] | None = None,
    verbs: list[str] | None = None,
) -> BuiltinResource:
    subs = subresources or []
    sub_kinds: dict[str, tuple[str, str, str]] = {}
    sub_verbs: dict[str, list[str]] = {}
    for sub in subs:
        if sub == "scale":
            sub_kinds[sub] = ("autoscaling", "v1", "Scale")
            sub_verbs[sub] = STATUS_VERBS
        elif sub in ("status", "finalize"):
            sub_verbs[sub] = STATUS_VERBS if sub == "status" else ["update"]
    api = APIResource(
        group=strategy.group,
        version=version,
        resource=strategy.resource,
        kind=strategy.kind,
        singular=singular,
        namespaced=strategy.namespaced,
        verbs=verbs or VERBS,
        short_names=short_names or [],
        categories=categories or [],
        subresources=subs,
        subresource_kinds=sub_kinds,
        subresource_verbs=sub_verbs,
    )
    return BuiltinResource(api, strategy)


def builtin_resources() -> list[BuiltinResource]:
    return [
        _resource(NamespaceStrategy(), "v1", "namespace", ["ns"], subresources=["status", "finalize"],
                  verbs=["create", "delete", "get", "list", "patch", "update", "watch"]),
        _resource(ConfigMapStrategy(), "v1", "configmap", ["cm"]),
        _resource(SecretStrategy(), "v1", "secret"),
        _resource(PodStrategy(), "v1", "pod", ["po"], ["all"], subresources=["status"]),
        _resource(EventStrategy(), "v1", "event", ["ev"]),
        _resource(ServiceAccountStrategy(), "v1", "serviceaccount", ["sa"]),
        _resource(DeploymentStrategy(), "v1", "deployment", ["deploy"], ["all"], subresources=["scale", "status"]),
    ]


# The preferred version of each group, as upstream's discovery orders them.
PREFERRED_VERSIONS = {"": "v1", "apps": "v1"}
