"""The strategy for built-in kinds without behaviour of their own: metadata rules,
status subresource semantics and generation tracking as upstream's generic registry."""

from __future__ import annotations

from kubelite.registry.strategy import Strategy


class GenericStrategy(Strategy):
    def __init__(self, group: str, kind: str, resource: str, namespaced: bool, has_status: bool) -> None:
        self.group = group
        self.kind = kind
        self.resource = resource
        self.namespaced = namespaced
        self.has_status = has_status
        # Kinds with a status subresource track spec changes in metadata.generation.
        self.spec_generation = has_status

