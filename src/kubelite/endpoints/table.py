"""Server-side printing: Table (meta.k8s.io/v1) and PartialObjectMetadata(List) shapes
of objects and lists, as upstream's TableConvertor and metadata transforms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubelite.registry.strategy import Strategy

Obj = dict[str, Any]


def human_duration(seconds: float) -> str:
    """Upstream's duration.HumanDuration."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest_m = minutes % 60
        return f"{hours}h{rest_m}m" if rest_m else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 192:
        rest_h = hours % 24
        return f"{hours // 24}d{rest_h}h" if rest_h else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        years = hours // (24 * 365)
        days = (hours % (24 * 365)) // 24
        return f"{years}y{days}d" if days else f"{years}y"
    return f"{hours // (24 * 365)}y"


def age(timestamp: str | None) -> str:
    if not timestamp:
        return "<unknown>"
    try:
        # RFC 3339, with fractional seconds (MicroTime) or an offset; fromisoformat is also
        # many times faster than strptime, which counts in a Table of 10,000 rows.
        then = datetime.fromisoformat(timestamp)
    except ValueError:
        return "<unknown>"
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return human_duration((datetime.now(UTC) - then).total_seconds())


def partial_metadata(obj: Obj, version: str = "v1") -> Obj:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": obj.get("metadata", {}),
    }


def partial_metadata_list(items: list[Obj], list_meta: Obj, version: str = "v1") -> Obj:
    return {
        "kind": "PartialObjectMetadataList",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": list_meta,
        "items": [partial_metadata(i, version) for i in items],
    }


def table(
    strategy: Strategy,
    items: list[Obj],
    list_meta: Obj,
    include_object: str = "Metadata",
    headers: bool = True,
    version: str = "v1",
) -> Obj:
    rows = []
    for obj in items:
        row: Obj = {"cells": strategy.table_row(obj)}
        if include_object == "Object":
            row["object"] = obj
        elif include_object != "None":
            row["object"] = partial_metadata(obj, version)
        rows.append(row)
    out: Obj = {"kind": "Table", "apiVersion": f"meta.k8s.io/{version}", "metadata": list_meta}
    if headers:
        out["columnDefinitions"] = [
            {"name": c.name, "type": c.type, "format": c.format, "description": c.description, "priority": c.priority}
            for c in strategy.table_columns()
        ]
    else:
        out["columnDefinitions"] = None
    out["rows"] = rows
    return out
