"""The catalog of built-in resources: each row of `resources.RESOURCES` joined with the
strategy of its kind (a kind-specific one where a group module defines it, the generic
one otherwise) and its storage key prefix."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from kubelite.apis.generic import GenericStrategy
from kubelite.apis.resources import PREFERRED_VERSIONS as _PREFERRED
from kubelite.apis.resources import RESOURCES, ResourceRow
from kubelite.discovery import storage_version_hash
from kubelite.machinery.gvk import APIResource
from kubelite.machinery.scheme import Scheme
from kubelite.registry.strategy import Strategy

STATUS_VERBS = ["get", "patch", "update"]
# Verbs of subresources, as upstream's discovery lists them.
_SUBRESOURCE_VERBS = {
    "status": STATUS_VERBS, "scale": STATUS_VERBS, "finalize": ["update"], "approval": STATUS_VERBS,
    "binding": ["create"], "eviction": ["create"], "token": ["create"], "ephemeralcontainers": STATUS_VERBS,
    "resize": STATUS_VERBS, "log": ["get"], "exec": ["create", "get"], "attach": ["create", "get"],
    "portforward": ["create", "get"], "proxy": ["create", "delete", "get", "patch", "update"],
}
_SUBRESOURCE_KINDS = {
    "scale": ("autoscaling", "v1", "Scale"), "binding": ("", "v1", "Binding"), "eviction": ("policy", "v1", "Eviction"),
    "token": ("authentication.k8s.io", "v1", "TokenRequest"), "exec": ("", "v1", "PodExecOptions"),
    "attach": ("", "v1", "PodAttachOptions"), "portforward": ("", "v1", "PodPortForwardOptions"),
    "log": ("", "v1", "Pod"),
}

# Each group module may define STRATEGIES {(group, kind): Strategy class} and
# register_conversions(scheme) for kinds served in several versions.
GROUP_MODULES = ("core", "apps", "batch", "services", "nodes", "autoscaling", "events", "rbac", "policy",
                 "networking", "scheduling", "coordination", "storage", "reviews", "admissionregistration",
                 "certificates", "flowcontrol", "apiregistration", "nodeapi")


def group_modules() -> list[ModuleType]:
    return [importlib.import_module(f"kubelite.apis.{name}") for name in GROUP_MODULES]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    key: cls for module in group_modules() for key, cls in getattr(module, "STRATEGIES", {}).items()
}


def register_conversions(scheme: Scheme) -> None:
    for module in group_modules():
        register = getattr(module, "register_conversions", None)
        if register is not None:
            register(scheme)


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


def _storage_row(row: ResourceRow) -> ResourceRow:
    """The row of the version whose storage `row` shares (itself when it is the storage version)."""
    if row.stored_as is None:
        return row
    group, resource = row.stored_as
    for other in RESOURCES:
        if (other.group, other.resource) == (group, resource) and other.stored_as is None:
            return other
    raise LookupError(f"{row.group}/{row.version} {row.resource}: no storage row for {row.stored_as}")


def _storage_version_hash(row: ResourceRow) -> str:
    """Upstream's storageVersionHash: the hash of the storage version's group/version/kind, the same
    in every served version of a resource; none for resources without storage (create-only
    reviews and bindings, componentstatuses), which cannot be watched."""
    if "watch" not in row.verbs:
        return ""
    stored = _storage_row(row)
    return storage_version_hash(stored.group, stored.storage_version or stored.version, stored.kind)


def _api_resource(row: ResourceRow) -> APIResource:
    return APIResource(
        group=row.group,
        version=row.version,
        resource=row.resource,
        kind=row.kind,
        singular=row.singular,
        namespaced=row.namespaced,
        verbs=list(row.verbs),
        short_names=list(row.short_names),
        categories=list(row.categories),
        subresources=list(row.subresources),
        subresource_kinds={s: _SUBRESOURCE_KINDS[s] for s in row.subresources if s in _SUBRESOURCE_KINDS},
        subresource_verbs={s: _SUBRESOURCE_VERBS.get(s, STATUS_VERBS) for s in row.subresources},
        storage_version_hash=_storage_version_hash(row),
        builtin=True,
    )


def _strategy(row: ResourceRow) -> Strategy:
    specific = STRATEGIES.get((row.group, row.kind))
    if specific is not None:
        return specific()
    return GenericStrategy(row.group, row.kind, row.resource, row.namespaced, "status" in row.subresources)


def builtin_resources() -> list[BuiltinResource]:
    return [BuiltinResource(_api_resource(row), _strategy(row), row.stored_as) for row in RESOURCES]


PREFERRED_VERSIONS = {"": "v1", **_PREFERRED}
