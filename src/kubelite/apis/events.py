"""events.k8s.io/v1 Event: the same objects as core/v1 Events (their storage), in the
newer shape. Conversion renames fields as upstream's pkg/apis/events/v1 does; the
core strategy (core.py) stores and prints them. What events.k8s.io/v1 asks of a new
event beyond core/v1 (eventTime, reportingController, ...) is checked here, on the
way in, since only this conversion knows the request came in that version.
"""

from __future__ import annotations

from typing import Any

from kubelite.machinery import errors, validation
from kubelite.machinery.scheme import Scheme
from kubelite.registry.strategy import Cause, Obj

CORE = "v1"
EVENTS = "events.k8s.io/v1"

# (core/v1 name, events.k8s.io/v1 name); every other field has the same name in both.
RENAMED = (
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
    ("reportingComponent", "reportingController"),
)
_TO_EVENTS = dict(RENAMED)
_TO_CORE = {new: old for old, new in RENAMED}

NOTE_LENGTH_LIMIT = 1024  # bytes
REASON_LENGTH_LIMIT = 128
ACTION_LENGTH_LIMIT = 128
REPORTING_INSTANCE_LENGTH_LIMIT = 128


def core_to_events(obj: Obj) -> Obj:
    out = {_TO_EVENTS.get(k, k): v for k, v in obj.items()}
    out["apiVersion"] = EVENTS
    return out


def events_to_core(obj: Obj) -> Obj:
    out = {_TO_CORE.get(k, k): v for k, v in obj.items()}
    out["apiVersion"] = CORE
    if not (obj.get("metadata") or {}).get("uid"):
        # A new event (one the server has not stored yet): events.k8s.io/v1's create rules.
        causes = validate_new_event(obj)
        if causes:
            raise errors.invalid("events.k8s.io", "Event", (obj.get("metadata") or {}).get("name", ""), causes)
    return out


def validate_new_event(obj: Obj) -> list[Cause]:
    """Upstream's ValidateEventCreate for requests in events.k8s.io/v1: the fields the new
    API made required, and the deprecated ones it leaves to core/v1 clients. Metadata
    and the namespace rules are the core strategy's to check."""
    errs: list[Cause] = []
    series: Any = obj.get("series")
    if isinstance(series, dict):
        count = series.get("count")
        if not isinstance(count, int) or count < 2:
            errs.append(errors.invalid_value("series.count", "", "should be at least 2"))
        if not series.get("lastObservedTime"):
            errs.append(errors.required("series.lastObservedTime", ""))
    if not obj.get("eventTime"):
        errs.append(errors.required("eventTime", ""))
    if obj.get("type") not in ("Normal", "Warning"):
        errs.append(errors.invalid_value("type", "", f"has invalid value: {obj.get('type') or ''}"))
    for field in ("deprecatedFirstTimestamp", "deprecatedLastTimestamp"):
        if obj.get(field):
            errs.append(errors.invalid_value(field, "", "needs to be unset"))
    if obj.get("deprecatedCount"):
        errs.append(errors.invalid_value("deprecatedCount", "", "needs to be unset"))
    source = obj.get("deprecatedSource") or {}
    if isinstance(source, dict) and (source.get("component") or source.get("host")):
        errs.append(errors.invalid_value("deprecatedSource", "", "needs to be unset"))
    controller = obj.get("reportingController") or ""
    if not controller:
        errs.append(errors.required("reportingController", ""))
    errs += [validation.invalid("reportingController", controller, m) for m in validation.is_qualified_name(controller)]
    instance = obj.get("reportingInstance") or ""
    if not instance:
        errs.append(errors.required("reportingInstance", ""))
    if len(instance) > REPORTING_INSTANCE_LENGTH_LIMIT:
        errs.append(errors.invalid_value("reportingInstance", "", f"can have at most {REPORTING_INSTANCE_LENGTH_LIMIT} characters"))
    for field, limit in (("action", ACTION_LENGTH_LIMIT), ("reason", REASON_LENGTH_LIMIT)):
        value = obj.get(field) or ""
        if not value:
            errs.append(errors.required(field, ""))
        if len(value) > limit:
            errs.append(errors.invalid_value(field, "", f"can have at most {limit} characters"))
    if len((obj.get("note") or "").encode()) > NOTE_LENGTH_LIMIT:
        errs.append(errors.invalid_value("note", "", f"can have at most {NOTE_LENGTH_LIMIT} characters"))
    return errs


def register_conversions(scheme: Scheme) -> None:
    scheme.add_conversion("Event", CORE, EVENTS, core_to_events)
    scheme.add_conversion("Event", EVENTS, CORE, events_to_core)


# The core/v1 Event strategy serves both versions: the store is shared.
STRATEGIES: dict[tuple[str, str], Any] = {}
