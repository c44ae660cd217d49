"""Checking Preconditions (uid, resourceVersion) against the current object, as upstream does."""

from __future__ import annotations

from kubelite.storage.interface import ConflictError, Obj, Preconditions


def check_preconditions(key: str, obj: Obj, pre: Preconditions | None) -> None:
    """ConflictError (HTTP 409) when a precondition does not hold for obj."""
    if pre is None:
        return
    md = obj.get("metadata") or {}
    if pre.uid is not None and md.get("uid") != pre.uid:
        raise ConflictError(
            key, f"Precondition failed: UID in precondition: {pre.uid}, UID in object meta: {md.get('uid')}"
        )
    if pre.resource_version is not None and md.get("resourceVersion") != pre.resource_version:
        raise ConflictError(
            key,
            "Precondition failed: ResourceVersion in precondition: "
            f"{pre.resource_version}, ResourceVersion in object meta: {md.get('resourceVersion')}",
        )
