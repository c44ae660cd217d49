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
    """Record the write in managedFields. The store has already run
    keep_decodable_managed_fields (before validation), so every entry is well formed."""
    meta = obj.setdefault("metadata", {})
    entries: list[Obj] = list(meta.get("managedFields") or [])
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


def keep_decodable_managed_fields(obj: Obj, old: Obj | None) -> None:
    """As upstream's field manager, before validation: managedFields a client sent that
    cannot be decoded (or none at all) are replaced by the live object's, so clients that
    do not know them never drop them by accident."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return
    sent = meta.get("managedFields")
    if sent and _decodable(sent):
        return
    live = (old or {}).get("metadata", {}).get("managedFields")
    if live and _decodable(live):
        meta["managedFields"] = live
    else:
        meta.pop("managedFields", None)


def _decodable(entries: Any) -> bool:
    return isinstance(entries, list) and all(
        isinstance(e, dict) and e.get("operation") in ("Apply", "Update") and isinstance(e.get("manager", ""), str)
        and _is_field_set(e.get("fieldsV1", {}))
        for e in entries
    )


def _is_field_set(value: Any) -> bool:
    """A FieldsV1 tree: objects all the way down ({"f:spec": {"f:replicas": {}}})."""
    return isinstance(value, dict) and all(_is_field_set(v) for v in value.values())


def _merge(a: Obj, b: Obj) -> Obj:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if k in out else v
    return out
