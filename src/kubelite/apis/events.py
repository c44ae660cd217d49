"""Event, served as core/v1 and as events.k8s.io/v1: one storage (core Events), one
strategy, two shapes. Conversion renames fields as upstream's pkg/apis/events/v1 does.

Validation follows upstream's pkg/apis/core/validation/events.go: every event passes the
"legacy" checks, and an event created through events.k8s.io/v1 also the strict ones.
Only the conversion knows a request came in events.k8s.io/v1, so the strict checks run
there, on the way in; the strategy runs the legacy ones for both versions.
"""

from __future__ import annotations

from typing import Any

from kubelite.apis.podspec import as_dict
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.scheme import Scheme
from kubelite.registry.strategy import NAME_COLUMN, Cause, Obj, Strategy, TableColumn

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

# Fields of the core/v1 Go struct that encoding/json prints even when unset: structs
# (an empty object, or null for a time) and the two strings without omitempty.
CORE_ALWAYS_PRINTED: dict[str, Any] = {
    "involvedObject": {}, "source": {}, "firstTimestamp": None, "lastTimestamp": None, "eventTime": None,
    "reportingComponent": "", "reportingInstance": "",
}
# ... which events.k8s.io/v1 declares omitempty.
_EVENTS_OMIT_EMPTY = ("reportingController", "reportingInstance")

NOTE_LENGTH_LIMIT = 1024  # bytes
REASON_LENGTH_LIMIT = 128
ACTION_LENGTH_LIMIT = 128
REPORTING_INSTANCE_LENGTH_LIMIT = 128

# Field selectors: core/v1 names (upstream's core field label conversion) and the
# events.k8s.io/v1 names its own conversion maps onto them.
_CORE_FIELDS = ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                "reason", "reportingComponent", "source", "type")


# --- conversion -------------------------------------------------------------------------------------


def core_to_events(obj: Obj) -> Obj:
    out = {_TO_EVENTS.get(k, k): v for k, v in obj.items()}
    out["apiVersion"] = EVENTS
    for key in _EVENTS_OMIT_EMPTY:
        if out.get(key) == "":
            del out[key]
    return out


def events_to_core(obj: Obj) -> Obj:
    out = {_TO_CORE.get(k, k): v for k, v in obj.items()}
    out["apiVersion"] = CORE
    if not as_dict(obj.get("metadata")).get("uid"):
        # A new event (one the server has not stored yet): events.k8s.io/v1's create rules.
        causes = validate_event_create(out, strict=True)
        if causes:
            raise errors.invalid("events.k8s.io", "Event", as_dict(obj.get("metadata")).get("name", ""), causes)
    return out


def register_conversions(scheme: Scheme) -> None:
    scheme.add_conversion("Event", CORE, EVENTS, core_to_events)
    scheme.add_conversion("Event", EVENTS, CORE, events_to_core)


# --- validation (on the core shape: upstream validates its internal type) -------------------------------


def _too_long(path: str, limit: int) -> Cause:
    return errors.invalid_value(path, "", f"can have at most {limit} characters")


def _legacy_namespace_errors(event: Obj) -> list[Cause]:
    """An event is stored in the namespace of the object it is about; events without an
    eventTime (the old API) may leave it out only in "default", new ones also in kube-system."""
    namespace = as_dict(event.get("metadata")).get("namespace") or ""
    involved = as_dict(event.get("involvedObject")).get("namespace") or ""
    if event.get("eventTime"):
        matches = bool(involved) or namespace in ("default", "kube-system")
    else:
        matches = involved == namespace if involved else namespace in ("", "default")
    if matches:
        return []
    return [errors.invalid_value("involvedObject.namespace", involved, "does not match event.namespace")]


def _legacy_new_api_errors(event: Obj, reporting_field: str) -> list[Cause]:
    """What an event with an eventTime (written by the new API's clients) must carry."""
    errs: list[Cause] = []
    controller = str(event.get("reportingComponent") or "")
    if not controller:
        errs.append(errors.required(reporting_field))
    errs += [validation.invalid(reporting_field, controller, m) for m in validation.is_qualified_name(controller)]
    instance = str(event.get("reportingInstance") or "")
    if not instance:
        errs.append(errors.required("reportingInstance"))
    if len(instance) > REPORTING_INSTANCE_LENGTH_LIMIT:
        errs.append(_too_long("reportingInstance", REPORTING_INSTANCE_LENGTH_LIMIT))
    for key, limit in (("action", ACTION_LENGTH_LIMIT), ("reason", REASON_LENGTH_LIMIT)):
        value = str(event.get(key) or "")
        if not value:
            errs.append(errors.required(key))
        if len(value) > limit:
            errs.append(_too_long(key, limit))
    if len(str(event.get("message") or "").encode()) > NOTE_LENGTH_LIMIT:
        errs.append(_too_long("message", NOTE_LENGTH_LIMIT))
    return errs


def legacy_event_errors(event: Obj, reporting_field: str = "reportingComponent") -> list[Cause]:
    """legacyValidateEvent: every event, whatever the API version it came in. The reporting
    controller is named as the request's version names it."""
    errs = _legacy_namespace_errors(event)
    if event.get("eventTime"):
        errs += _legacy_new_api_errors(event, reporting_field)
    namespace = str(as_dict(event.get("metadata")).get("namespace") or "")
    errs += [validation.invalid("namespace", namespace, m) for m in validation.is_dns1123_subdomain(namespace)]
    return errs


def _series_errors(event: Obj) -> list[Cause]:
    series = event.get("series")
    if not isinstance(series, dict):
        return []
    errs: list[Cause] = []
    count = series.get("count")
    if not isinstance(count, int) or count < 2:
        errs.append(errors.invalid_value("series.count", "", "should be at least 2"))
    if not series.get("lastObservedTime"):
        errs.append(errors.required("series.lastObservedTime"))
    return errs


def _strict_errors(event: Obj) -> list[Cause]:
    """What events.k8s.io/v1 adds: a DNS-subdomain name, an eventTime, a known type, and
    none of the deprecated fields (reported under their core names, as upstream does)."""
    name = str(as_dict(event.get("metadata")).get("name") or "")
    errs = [validation.invalid("metadata.name", name, m) for m in validation.name_is_dns_subdomain(name, False)]
    errs += _series_errors(event)
    if not event.get("eventTime"):
        errs.append(errors.required("eventTime"))
    if event.get("type") not in ("Normal", "Warning"):
        errs.append(errors.invalid_value("type", "", f"has invalid value: {event.get('type') or ''}"))
    for key in ("firstTimestamp", "lastTimestamp"):
        if event.get(key):
            errs.append(errors.invalid_value(key, "", "needs to be unset"))
    if event.get("count"):
        errs.append(errors.invalid_value("count", "", "needs to be unset"))
    source = as_dict(event.get("source"))
    if source.get("component") or source.get("host"):
        errs.append(errors.invalid_value("source", "", "needs to be unset"))
    return errs


def validate_event_create(event: Obj, strict: bool) -> list[Cause]:
    """ValidateEventCreate on a core-shaped event; strict for events.k8s.io/v1 requests.

    A strict check runs in the conversion, where the namespace may still be the URL's
    only: the namespace rules are left to the strategy, which checks them for every event."""
    if not strict:
        return legacy_event_errors(event)
    errs = _legacy_new_api_errors(event, "reportingController") if event.get("eventTime") else []
    return errs + _strict_errors(event)


# --- path segment names: the only rule upstream's core/v1 Event name follows ---------------------


def path_segment_name_errors(name: str, prefix: bool) -> list[str]:
    """path.ValidatePathSegmentName (generic registry check; core/v1 Events are not held to
    DNS rules)."""
    if not prefix and name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


# --- printing ----------------------------------------------------------------------------------------


def _event_source(obj: Obj) -> str:
    """formatEventSource: component (or reporting controller), then host (or instance)."""
    source = as_dict(obj.get("source"))
    component = source.get("component") or obj.get("reportingComponent") or ""
    host = source.get("host") or obj.get("reportingInstance") or ""
    return f"{component}, {host}" if host else str(component)


def _event_times(obj: Obj) -> tuple[str, str, Any]:
    """First seen, last seen and count, as printEvent derives them from either API's fields."""
    first = age(obj.get("firstTimestamp") or obj.get("eventTime"))
    last = age(obj["lastTimestamp"]) if obj.get("lastTimestamp") else first
    count = obj.get("count") or 0
    series = obj.get("series")
    if isinstance(series, dict):
        last, count = age(series.get("lastObservedTime")), series.get("count", 0)
    elif not count:
        count = 1  # singleton events of the new API carry no count
    return first, last, count


class EventStrategy(Strategy):
    kind = "Event"
    resource = "events"
    # events.k8s.io/v1's names (regarding.*, reportingController) are converted to these
    # by the field-label conversion of that version (machinery/fields.py).
    extra_fields = _CORE_FIELDS

    @property
    def name_validator(self) -> Any:
        return path_segment_name_errors

    def validate(self, obj: Obj) -> list[Cause]:
        # The strategy's checks first; the generic metadata checks only once they pass.
        return legacy_event_errors(obj) or super().validate(obj)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        meta_errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return meta_errs + legacy_event_errors(obj)

    def canonicalize(self, obj: Obj) -> None:
        for key, empty in CORE_ALWAYS_PRINTED.items():
            if key not in obj:
                obj[key] = dict(empty) if isinstance(empty, dict) else empty

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        involved = as_dict(obj.get("involvedObject"))
        for key in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"):
            fields[f"involvedObject.{key}"] = str(involved.get(key) or "")
        fields.update({
            "reason": str(obj.get("reason") or ""),
            "reportingComponent": str(obj.get("reportingComponent") or ""),
            # Events of the new API have no source: they are selected by their reporter.
            "source": str(as_dict(obj.get("source")).get("component") or obj.get("reportingComponent") or ""),
            "type": str(obj.get("type") or ""),
        })
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            TableColumn("Last Seen", description="The time at which the most recent occurrence of this event was recorded."),
            TableColumn("Type", description="Type of this event (Normal, Warning), new types could be added in the future"),
            TableColumn("Reason", description="This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            TableColumn("Object", description="The object that this event is about."),
            TableColumn("Subobject", priority=1, description="If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object."),
            TableColumn("Source", priority=1, description="The component reporting this event. Should be a short machine understandable string."),
            TableColumn("Message", description="A human-readable description of the status of this operation."),
            TableColumn("First Seen", priority=1, description="The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            TableColumn("Count", priority=1, description="The number of times this event has occurred."),
            TableColumn("Name", priority=1, format="name", description=NAME_COLUMN.description),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        involved = as_dict(obj.get("involvedObject"))
        kind, name = str(involved.get("kind") or "").lower(), involved.get("name") or ""
        first, last, count = _event_times(obj)
        return [
            last, obj.get("type", ""), obj.get("reason", ""), f"{kind}/{name}" if name else kind,
            involved.get("fieldPath", ""), _event_source(obj), str(obj.get("message") or "").strip(),
            first, count, obj["metadata"]["name"],
        ]


# events.k8s.io/v1 shares this store (resources.py: stored_as), and so this strategy.
STRATEGIES: dict[tuple[str, str], type[Strategy]] = {("", "Event"): EventStrategy}
