"""System objects and the controllers that keep them, as upstream's apiserver bootstrap
and kube-controller-manager do: the default/kubernetes Service with its Endpoints and
EndpointSlice, the system PriorityClasses, and in every namespace the `default`
ServiceAccount and the `kube-root-ca.crt` ConfigMap."""

from __future__ import annotations

import asyncio
from typing import Any

from kubelite.registry.store import Store


async def start_system_controllers(
    stores: dict[str, Store], options: Any, server_address: str, pki: Any
) -> list[asyncio.Task[None]]:
    """Create the system objects that are missing and start the controllers; returns their tasks."""
    return []
