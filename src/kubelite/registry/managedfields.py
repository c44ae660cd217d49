"""managedFields stamps for create and update (upstream's fieldmanager, Update operations).

Each manager's entry records the fields it set, in the FieldsV1 format. Lists are
recorded as a whole (atomic); server-side apply will refine this with list keys.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]

# Fields the server owns: never attributed to a manager.
_IGNORED_META = {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "deletionTimestamp",
                 "deletionGracePeriodSeconds", "selfLink", "name", "namespace"}


def field_set(value: Any, top: bool = True) -> Obj:
    """The FieldsV1 set of a JSON value: {"f:a": {"f:b": {}}}; leaves and lists are {}."""
    out: Obj = {}
    if not isinstance(value, dict):
        return out
    for key, sub in value.items():
        if top and key in ("apiVersion", "kind"):
            continue
        if top and key == "metadata" and isinstance(sub, dict):
            meta = {k: v for k, v in sub.items() if k not in _IGNORED_META}
            if meta:
                out["f:metadata"] = field_set(meta, top=False)
            continue
        out[f"f:{key}"] = field_set(sub, top=False) if isinstance(sub, dict) else {}
    return out


def _changed(new: Any, old: Any) -> Obj:
    """Fields set in new that differ from old."""
    if not isinstance(new, dict):
        return {}
    out: Obj = {}
    old = old if isinstance(old, dict) else {}
    for key, sub in new.items():
        if key in _IGNORED_META or key in ("apiVersion", "kind", "managedFields"):
            continue
        if key not in old:
            out[f"f:{key}"] = field_set(sub, top=False) if isinstance(sub, dict) else {}
        elif sub != old[key]:
            out[f"f:{key}"] = _changed(sub, old[key]) if isinstance(sub, dict) else {}
    return out


def stamp_managed_fields(
    obj: Obj, old: Obj | None, manager: str, operation: str, api_version: str, subresource: str = ""
) -> None:
    meta = obj.setdefault("metadata", {})
    entries: list[Obj] = list(meta.get("managedFields") or (old or {}).get("metadata", {}).get("managedFields") or [])
    fields = field_set(obj) if old is None else _changed(obj, old)
    if not fields and old is not None:
        meta["managedFields"] = entries
        if not entries:
            meta.pop("managedFields", None)
        return
    manager = manager or "unknown"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for entry in entries:
        if entry.get("manager") == manager and entry.get("operation") == operation and entry.get("subresource", "") == subresource:
            entry["fieldsV1"] = _merge(entry.get("fieldsV1") or {}, fields)
            entry["time"] = now
            entry["apiVersion"] = api_version
            break
    else:
        entry = {"manager": manager, "operation": operation, "apiVersion": api_version, "time": now,
                 "fieldsType": "FieldsV1", "fieldsV1": fields}
        if subresource:
            entry["subresource"] = subresource
        entries.append(entry)
    meta["managedFields"] = entries


def _merge(a: Obj, b: Obj) -> Obj:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if k in out else v
    return out
