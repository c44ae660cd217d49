"""Copying JSON-shaped objects (the dicts every layer passes around)."""

from __future__ import annotations

from typing import Any

import orjson


def deep_copy(obj: Any) -> Any:
    """A deep copy of a JSON-shaped value: an orjson round trip, several times cheaper
    than copy.deepcopy for API objects."""
    return orjson.loads(orjson.dumps(obj))
