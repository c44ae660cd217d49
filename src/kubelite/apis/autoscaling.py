"""HorizontalPodAutoscaler: its strategy (upstream's v2 defaults, validation, printing)
and the conversion between autoscaling/v1 and autoscaling/v2 (the storage version).

autoscaling/v1 carries one metric (targetCPUUtilizationPercentage) and one current
metric; the rest of a v2 object travels in the annotations upstream uses for it
(`autoscaling.alpha.kubernetes.io/{metrics,current-metrics,conditions,behavior}`),
in upstream's encoding, so a v1 client that reads an object and writes it back
loses nothing. The annotations never reach storage: converting to v2 removes them.

Where upstream's encoding loses something, this one keeps it while staying
readable by upstream: quantities are written only when set (upstream writes "0"
for an unset one), and the CPU metric that targetCPUUtilizationPercentage stands
for stays at its place in the metrics annotation unless it is the last metric
(upstream always moves it last).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import partial
from typing import Any

from kubelite.apis.rbac import path_segment_name_errors
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.quantity import QuantityError, parse_quantity
from kubelite.machinery.scheme import Scheme
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

V1 = "autoscaling/v1"
V2 = "autoscaling/v2"

METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
ROUND_TRIP_ANNOTATIONS = (METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION)
DEFAULT_CPU_UTILIZATION = 80

MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600


def _dict(value: Any) -> Obj:
    """value when it is an object, else an empty one (malformed input is validated, not trusted)."""
    return value if isinstance(value, dict) else {}


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _put(out: Obj, key: str, src: Any, src_key: str) -> None:
    """Copy src[src_key] to out[key] when it is set (Go's omitempty pointers)."""
    if isinstance(src, dict) and src.get(src_key) is not None:
        out[key] = copy.deepcopy(src[src_key])


def _cpu_utilization_metric(value: Any) -> Obj:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": value}}}


def _first_cpu_resource(metrics: list[Any]) -> int | None:
    """Index of the first Resource metric on cpu: the one targetCPUUtilizationPercentage speaks for."""
    for i, m in enumerate(metrics):
        if isinstance(m, dict) and m.get("type") == "Resource" and isinstance(m.get("resource"), dict) \
                and m["resource"].get("name") == "cpu":
            return i
    return None


def _utilization(metric: Obj) -> Any:
    return ((metric.get("resource") or {}).get("target") or {}).get("averageUtilization")


# --- metric specs and statuses: v2 <-> the v1 shapes upstream keeps in annotations
#
# Specs and statuses share one layout: a spec's values sit under "target" and take v1 names
# starting with "target", a status's under "current" with names starting with "current". Per
# source, in the order of upstream's v1 structs: ("copy", v1 key, v2 key), ("ident", v1 name key,
# v1 selector key) for the metric identifier, ("value", v2 value key, v1 key with {p} the prefix).

_Step = tuple[str, str, str]
_LAYOUT: dict[str, tuple[_Step, ...]] = {
    "object": (("copy", "target", "describedObject"), ("ident", "metricName", "selector"),
               ("value", "value", "{p}Value"), ("value", "averageValue", "averageValue")),
    "pods": (("ident", "metricName", "selector"), ("value", "averageValue", "{p}AverageValue")),
    "resource": (("copy", "name", "name"), ("value", "averageUtilization", "{p}AverageUtilization"),
                 ("value", "averageValue", "{p}AverageValue"), ("copy", "container", "container")),
    "external": (("ident", "metricName", "metricSelector"), ("value", "value", "{p}Value"),
                 ("value", "averageValue", "{p}AverageValue")),
}
_LAYOUT["containerResource"] = _LAYOUT["resource"]
# The order upstream's v1 MetricSpec and MetricStatus list their sources in.
_V1_SOURCES = ("object", "pods", "resource", "containerResource", "external")
# A v1 spec carries no target type: upstream infers it from the v1 key that is set,
# as (v1 key, type when unset, type when set).
_TARGET_TYPE = {
    "object": ("averageValue", "Value", "AverageValue"),
    "pods": ("", "AverageValue", "AverageValue"),
    "resource": ("targetAverageUtilization", "AverageValue", "Utilization"),
    "containerResource": ("targetAverageUtilization", "AverageValue", "Utilization"),
    "external": ("targetValue", "AverageValue", "Value"),
}


def _metric_identifier(src: Obj, out: Obj, name_key: str, selector_key: str) -> None:
    metric = src.get("metric")
    if isinstance(metric, dict):
        _put(out, name_key, metric, "name")
        _put(out, selector_key, metric, "selector")


def _identifier_from(src: Obj, name_key: str, selector_key: str) -> Obj | None:
    if src.get(name_key) is None and src.get(selector_key) is None:
        return None
    ident: Obj = {}
    _put(ident, "name", src, name_key)
    _put(ident, "selector", src, selector_key)
    return ident


def _convert_metric(m: Obj, convert: Callable[[str, Obj], Obj]) -> Obj:
    """A metric spec or status with each of its sources converted (the type is shared)."""
    out: Obj = {}
    _put(out, "type", m, "type")
    for source in _V1_SOURCES:
        src = m.get(source)
        if isinstance(src, dict):
            out[source] = convert(source, src)
    return out


def _source_to_v1(side: str, source: str, src: Obj) -> Obj:
    """A v2 metric source (values under side: "target" or "current") in its v1 shape."""
    values = src.get(side) or {}
    v: Obj = {}
    for step, a, b in _LAYOUT[source]:
        if step == "copy":
            _put(v, a, src, b)
        elif step == "ident":
            _metric_identifier(src, v, a, b)
        else:
            _put(v, b.format(p=side), values, a)
    return v


def _source_from_v1(side: str, source: str, src: Obj) -> Obj:
    """The inverse of _source_to_v1; a spec's target type is inferred from which values are set."""
    values: Obj = {}
    if side == "target":
        key, unset, is_set = _TARGET_TYPE[source]
        values["type"] = is_set if key and src.get(key) is not None else unset
    v: Obj = {}
    for step, a, b in _LAYOUT[source]:
        if step == "copy":
            _put(v, b, src, a)
        elif step == "ident" and (ident := _identifier_from(src, a, b)) is not None:
            v["metric"] = ident
        elif step == "value":
            _put(values, a, src, b.format(p=side))
    v[side] = values
    return v


def metric_spec_to_v1(m: Obj) -> Obj:
    return _convert_metric(m, partial(_source_to_v1, "target"))


def metric_spec_from_v1(m: Obj) -> Obj:
    return _convert_metric(m, partial(_source_from_v1, "target"))


def metric_status_to_v1(m: Obj) -> Obj:
    return _convert_metric(m, partial(_source_to_v1, "current"))


def metric_status_from_v1(m: Obj) -> Obj:
    return _convert_metric(m, partial(_source_from_v1, "current"))


# --- behavior: upstream marshals its internal Go type, without json tags, so the keys are
# Go field names and a nil pointer or slice is null.

_RULE_FIELDS = (("StabilizationWindowSeconds", "stabilizationWindowSeconds"), ("SelectPolicy", "selectPolicy"),
                ("Policies", "policies"), ("Tolerance", "tolerance"))
_POLICY_FIELDS = (("Type", "type", ""), ("Value", "value", 0), ("PeriodSeconds", "periodSeconds", 0))


def _rules_to_go(rules: Any) -> Any:
    if not isinstance(rules, dict):
        return None
    out: Obj = {}
    for go_name, name in _RULE_FIELDS:
        value = rules.get(name)
        if name == "policies" and isinstance(value, list):
            value = [{g: (p.get(n, d) if isinstance(p, dict) else d) for g, n, d in _POLICY_FIELDS} for p in value]
        out[go_name] = value
    return out


def _get_ci(obj: Obj, name: str) -> Any:
    """A key looked up as Go's encoding/json does: exactly, else ignoring case."""
    if name in obj:
        return obj[name]
    lowered = name.lower()
    for k, v in obj.items():
        if k.lower() == lowered:
            return v
    return None


def _rules_from_go(rules: Any) -> Obj | None:
    if not isinstance(rules, dict):
        return None
    out: Obj = {}
    for go_name, name in _RULE_FIELDS:
        value = _get_ci(rules, go_name)
        if value is None:
            continue
        if name == "policies":
            if not isinstance(value, list):
                continue
            value = [{n: (_get_ci(p, g) if isinstance(p, dict) and _get_ci(p, g) is not None else d)
                      for g, n, d in _POLICY_FIELDS} for p in value]
        out[name] = value
    return out


def behavior_to_annotation(behavior: Obj) -> str:
    return _dumps({"ScaleUp": _rules_to_go(behavior.get("scaleUp")), "ScaleDown": _rules_to_go(behavior.get("scaleDown"))})


def behavior_from_annotation(text: str) -> Obj | None:
    """None when the annotation does not decode or holds no rules (upstream then ignores it)."""
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    out: Obj = {}
    for go_name, name in (("ScaleUp", "scaleUp"), ("ScaleDown", "scaleDown")):
        rules = _rules_from_go(_get_ci(raw, go_name))
        if rules is not None:
            out[name] = rules
    return out or None


# --- the object conversions

def _split_annotations(obj: Obj) -> tuple[Obj, dict[str, str]]:
    """A copy of obj's metadata without the round-trip annotations, and those annotations.
    An annotations map emptied by their removal goes too (Go's omitempty)."""
    meta = dict(obj.get("metadata") or {})
    annotations = meta.get("annotations")
    if not isinstance(annotations, dict) or not any(k in annotations for k in ROUND_TRIP_ANNOTATIONS):
        return meta, {}
    rest = dict(annotations)
    kept = {k: rest.pop(k) for k in ROUND_TRIP_ANNOTATIONS if k in rest}
    if rest:
        meta["annotations"] = rest
    else:
        del meta["annotations"]
    return meta, kept


def _assemble(obj: Obj, api_version: str, parts: Obj) -> Obj:
    """obj with its apiVersion and the converted parts, keys in obj's order."""
    out = {k: parts.get(k, v) for k, v in obj.items() if k not in ("spec", "status") or k in parts}
    out["apiVersion"] = api_version
    out.setdefault("metadata", parts["metadata"])
    return out


def _same_fields(src: Obj, keys: tuple[str, ...]) -> Obj:
    """The fields both versions hold alike, copied when set."""
    out: Obj = {}
    for key in keys:
        _put(out, key, src, key)
    return out


_SPEC_FIELDS = ("scaleTargetRef", "minReplicas", "maxReplicas")
_STATUS_FIELDS = ("observedGeneration", "lastScaleTime")


def hpa_v2_to_v1(obj: Obj) -> Obj:
    parts: Obj = {}
    meta, _ = _split_annotations(obj)  # none are stored; drop any defensively
    extra: dict[str, str] = {}
    spec = obj.get("spec")
    if isinstance(spec, dict):
        v1spec = _same_fields(spec, _SPEC_FIELDS)
        metrics = [m for m in spec.get("metrics") or [] if isinstance(m, dict)]
        cpu = _first_cpu_resource(metrics)
        represented = cpu if cpu is not None and _utilization(metrics[cpu]) is not None else None
        if represented is not None:
            v1spec["targetCPUUtilizationPercentage"] = _utilization(metrics[represented])
        # The represented metric is left out only where the reverse conversion puts it back:
        # at the end. Elsewhere it stays in place, so the order survives.
        others = [metric_spec_to_v1(m) for i, m in enumerate(metrics)
                  if not (i == represented and i == len(metrics) - 1)]
        if others:
            extra[METRIC_SPECS_ANNOTATION] = _dumps(others)
        if isinstance(spec.get("behavior"), dict):
            extra[BEHAVIOR_ANNOTATION] = behavior_to_annotation(spec["behavior"])
        parts["spec"] = v1spec
    status = obj.get("status")
    if isinstance(status, dict):
        v1status = _same_fields(status, _STATUS_FIELDS)
        v1status["currentReplicas"] = status.get("currentReplicas") or 0
        v1status["desiredReplicas"] = status.get("desiredReplicas") or 0
        current = [m for m in status.get("currentMetrics") or [] if isinstance(m, dict)]
        for m in current:  # upstream takes the last cpu utilization it finds
            res = m.get("resource")
            if m.get("type") == "Resource" and isinstance(res, dict) and res.get("name") == "cpu":
                value = (res.get("current") or {}).get("averageUtilization")
                if value is not None:
                    v1status["currentCPUUtilizationPercentage"] = value
        if current:
            extra[METRIC_STATUSES_ANNOTATION] = _dumps([metric_status_to_v1(m) for m in current])
        if status.get("conditions"):
            extra[CONDITIONS_ANNOTATION] = _dumps(status["conditions"])
        parts["status"] = v1status
    if extra:
        meta["annotations"] = {**(meta.get("annotations") or {}), **extra}
    parts["metadata"] = meta
    return _assemble(obj, V1, parts)


def _annotation_list(kept: dict[str, str], key: str) -> list[Obj] | None:
    text = kept.get(key)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise errors.bad_request(f"the annotation {key} does not hold a list of objects")
    return value


def hpa_v1_to_v2(obj: Obj) -> Obj:
    parts: Obj = {}
    meta, kept = _split_annotations(obj)
    spec = obj.get("spec")
    if isinstance(spec, dict):
        v2spec = _same_fields(spec, _SPEC_FIELDS)
        metrics = [metric_spec_from_v1(m) for m in _annotation_list(kept, METRIC_SPECS_ANNOTATION) or []]
        cpu = _first_cpu_resource(metrics)
        # A cpu utilization metric in the annotation is the one targetCPUUtilizationPercentage
        # stands for (upstream never writes one there), kept in place; a v1 client may have
        # changed or removed the percentage since.
        placeholder = cpu if cpu is not None and _utilization(metrics[cpu]) is not None else None
        target = spec.get("targetCPUUtilizationPercentage")
        if target is not None:
            if placeholder is not None:
                metrics[placeholder]["resource"]["target"]["averageUtilization"] = target
            else:
                metrics.append(_cpu_utilization_metric(target))
        elif placeholder is not None:
            del metrics[placeholder]
        if not metrics:
            # v1 had an implicit default in the controller; v2 states it.
            metrics = [_cpu_utilization_metric(DEFAULT_CPU_UTILIZATION)]
        v2spec["metrics"] = metrics
        if BEHAVIOR_ANNOTATION in kept:
            behavior = behavior_from_annotation(kept[BEHAVIOR_ANNOTATION])
            if behavior is not None:
                v2spec["behavior"] = behavior
        parts["spec"] = v2spec
    status = obj.get("status")
    if isinstance(status, dict):
        v2status = _same_fields(status, _STATUS_FIELDS)
        if status.get("currentReplicas"):
            v2status["currentReplicas"] = status["currentReplicas"]  # v2 omits a zero
        v2status["desiredReplicas"] = status.get("desiredReplicas") or 0
        current = _annotation_list(kept, METRIC_STATUSES_ANNOTATION)
        if current is not None:
            # the annotation has more information than the v1 field
            v2status["currentMetrics"] = [metric_status_from_v1(m) for m in current]
        elif status.get("currentCPUUtilizationPercentage") is not None:
            v2status["currentMetrics"] = [{"type": "Resource", "resource": {
                "name": "cpu", "current": {"averageUtilization": status["currentCPUUtilizationPercentage"]}}}]
        conditions = _annotation_list(kept, CONDITIONS_ANNOTATION)
        if conditions is not None:
            v2status["conditions"] = conditions
        parts["status"] = v2status
    parts["metadata"] = meta
    return _assemble(obj, V2, parts)


def register_conversions(scheme: Scheme) -> None:
    scheme.add_conversion("HorizontalPodAutoscaler", V2, V1, hpa_v2_to_v1)
    scheme.add_conversion("HorizontalPodAutoscaler", V1, V2, hpa_v1_to_v2)


# --- defaults (upstream's autoscaling/v2 SetDefaults_HorizontalPodAutoscaler)

def _default_scale_up() -> Obj:
    return {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _default_scale_down() -> Obj:
    # No stabilization window: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
    return {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _fill_rules(rules: Any, defaults: Obj) -> Obj:
    if not isinstance(rules, dict):
        return defaults
    for key in ("selectPolicy", "stabilizationWindowSeconds", "policies"):
        if rules.get(key) is None and key in defaults:
            rules[key] = defaults[key]
    return rules


def default_hpa(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [_cpu_utilization_metric(DEFAULT_CPU_UTILIZATION)]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        behavior["scaleUp"] = _fill_rules(behavior.get("scaleUp"), _default_scale_up())
        behavior["scaleDown"] = _fill_rules(behavior.get("scaleDown"), _default_scale_down())


# --- validation (upstream's pkg/apis/autoscaling/validation)

def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def validate_cross_version_object_reference(ref: Any, path: str) -> list[Cause]:
    ref = ref if isinstance(ref, dict) else {}
    errs: list[Cause] = []
    for key in ("kind", "name"):
        value = ref.get(key) or ""
        if not value:
            errs.append(errors.required(f"{path}.{key}", ""))
        else:
            errs += [validation.invalid(f"{path}.{key}", value, msg) for msg in path_segment_name_errors(value)]
    return errs


def _sign(value: Any) -> int | None:
    """The sign of a quantity, or None when it does not parse."""
    try:
        q = parse_quantity(value.strip() if isinstance(value, str) else repr(value))
    except (QuantityError, ValueError):
        return None
    return (q.mantissa > 0) - (q.mantissa < 0)


def _validate_quantity(value: Any, path: str, errs: list[Cause]) -> None:
    sign = _sign(value)
    if sign is None:
        errs.append(errors.invalid_value(path, value, "quantities must match the regular expression "
                                         "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))
    elif sign != 1:
        errs.append(errors.invalid_value(path, value, "must be positive"))


def _validate_target(target: Any, path: str) -> list[Cause]:
    target = target if isinstance(target, dict) else {}
    errs: list[Cause] = []
    kind = target.get("type") or ""
    if not kind:
        errs.append(errors.required(f"{path}.type", "must specify a metric target type"))
    if kind not in ("Utilization", "Value", "AverageValue"):
        errs.append(validation.invalid(f"{path}.type", kind, "must be either Utilization, Value, or AverageValue"))
    for key in ("value", "averageValue"):
        if target.get(key) is not None:
            _validate_quantity(target[key], f"{path}.{key}", errs)
    util = target.get("averageUtilization")
    if util is not None and (not _is_int(util) or util < 1):
        errs.append(errors.invalid_value(f"{path}.averageUtilization", util, "must be greater than 0"))
    return errs


def _validate_identifier(ident: Any, path: str) -> list[Cause]:
    name = (ident or {}).get("name") if isinstance(ident, dict) else None
    if not name:
        return [errors.required(f"{path}.name", "must specify a metric name")]
    return [validation.invalid(f"{path}.name", name, msg) for msg in path_segment_name_errors(name)]


def _validate_source(kind: str, src: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    target = _dict(src.get("target"))
    tpath = f"{path}.target"
    if kind == "object":
        errs += validate_cross_version_object_reference(src.get("describedObject"), f"{path}.describedObject")
        errs += _validate_identifier(src.get("metric"), f"{path}.metric")
        errs += _validate_target(target, tpath)
        if target.get("value") is None and target.get("averageValue") is None:
            errs.append(errors.required(f"{tpath}.averageValue", "must set either a target value or averageValue"))
    elif kind == "external":
        errs += _validate_identifier(src.get("metric"), f"{path}.metric")
        errs += _validate_target(target, tpath)
        if target.get("value") is None and target.get("averageValue") is None:
            errs.append(errors.required(f"{tpath}.averageValue", "must set either a target value for metric or a per-pod target"))
        if target.get("value") is not None and target.get("averageValue") is not None:
            errs.append(errors.forbidden_field(f"{tpath}.value", "may not set both a target value for metric and a per-pod target"))
    elif kind == "pods":
        errs += _validate_identifier(src.get("metric"), f"{path}.metric")
        errs += _validate_target(target, tpath)
        if target.get("averageValue") is None:
            errs.append(errors.required(f"{tpath}.averageValue", "must specify a positive target averageValue"))
    else:  # resource, containerResource
        if not src.get("name"):
            errs.append(errors.required(f"{path}.name", "must specify a resource name"))
        if kind == "containerResource":
            container = src.get("container") or ""
            if not container:
                errs.append(errors.required(f"{path}.container", "must specify a container"))
            else:
                errs += [validation.invalid(f"{path}.container", container, m) for m in validation.is_dns1123_label(container)]
        errs += _validate_target(target, tpath)
        if target.get("averageUtilization") is None and target.get("averageValue") is None:
            errs.append(errors.required(f"{tpath}.averageUtilization", "must set either a target raw value or a target utilization"))
        if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
            errs.append(errors.forbidden_field(f"{tpath}.averageValue", "may not set both a target raw value and a target utilization"))
    return errs


_SOURCES = {"Object": "object", "Pods": "pods", "Resource": "resource", "External": "external",
            "ContainerResource": "containerResource"}
_SOURCE_TYPES = sorted(_SOURCES)
# The order validateMetricSpec looks at the sources in: only the first one present is validated.
_SOURCE_ORDER = ("object", "external", "pods", "resource", "containerResource")


def _validate_metric(metric: Any, path: str) -> list[Cause]:
    if not isinstance(metric, dict):
        return [errors.invalid_value(path, metric, "must be an object")]
    errs: list[Cause] = []
    kind = metric.get("type") or ""
    if not kind:
        errs.append(errors.required(f"{path}.type", "must specify a metric source type"))
    if kind not in _SOURCES:
        errs.append(errors.not_supported(f"{path}.type", kind, _SOURCE_TYPES))
    present = [field for field in _SOURCE_ORDER if isinstance(metric.get(field), dict)]
    if present:
        errs += _validate_source(present[0], metric[present[0]], f"{path}.{present[0]}")
    expected = _SOURCES.get(kind)
    if expected is None:
        # validateMetricSpec reports an unknown type twice: before and in its switch.
        errs.append(errors.not_supported(f"{path}.type", kind, _SOURCE_TYPES))
    elif expected not in present:
        errs.append(errors.required(f"{path}.{expected}", "must populate information for the given metric source"))
    for field in present:
        if len(present) > 1 and field != expected:
            errs.append(errors.forbidden_field(f"{path}.{field}", "must populate the given metric source only"))
    return errs


def _validate_metrics(metrics: list[Any], min_replicas: Any) -> list[Cause]:
    """validateMetrics: each metric, and scaling to zero needs an Object or External metric."""
    errs: list[Cause] = []
    for i, metric in enumerate(metrics):
        errs += _validate_metric(metric, f"spec.metrics[{i}]")
    kinds = {_dict(m).get("type") for m in metrics}
    if _is_int(min_replicas) and min_replicas == 0 and not kinds & {"Object", "External"}:
        errs.append(errors.forbidden_field("spec.metrics", "must specify at least one Object or External metric to support scaling to zero replicas"))
    return errs


def _validate_rules(rules: Any, path: str) -> list[Cause]:
    if not isinstance(rules, dict):
        return []
    errs: list[Cause] = []
    window = rules.get("stabilizationWindowSeconds")
    if window is not None:
        if not _is_int(window) or window < 0:
            errs.append(errors.invalid_value(f"{path}.stabilizationWindowSeconds", window, "must be greater than or equal to zero"))
        elif window > MAX_STABILIZATION_WINDOW_SECONDS:
            errs.append(errors.invalid_value(f"{path}.stabilizationWindowSeconds", window,
                                             f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"))
    select = rules.get("selectPolicy")
    if select is not None and select not in ("Disabled", "Max", "Min"):
        errs.append(errors.not_supported(f"{path}.selectPolicy", select, ["Disabled", "Max", "Min"]))
    policies = rules.get("policies") or []
    if not policies:
        errs.append(errors.required(f"{path}.policies", "must specify at least one Policy"))
    for i, policy in enumerate(policies):
        p = f"{path}.policies[{i}]"
        policy = policy if isinstance(policy, dict) else {}
        if policy.get("type") not in ("Pods", "Percent"):
            errs.append(errors.not_supported(f"{p}.type", policy.get("type", ""), ["Percent", "Pods"]))
        value = policy.get("value", 0)
        if not _is_int(value) or value <= 0:
            errs.append(errors.invalid_value(f"{p}.value", value, "must be greater than zero"))
        period = policy.get("periodSeconds", 0)
        if not _is_int(period) or period <= 0:
            errs.append(errors.invalid_value(f"{p}.periodSeconds", period, "must be greater than zero"))
        elif period > MAX_PERIOD_SECONDS:
            errs.append(errors.invalid_value(f"{p}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}"))
    return errs


def validate_hpa_spec(spec: Any, min_replicas_lower_bound: int = 1) -> list[Cause]:
    if not isinstance(spec, dict):
        return [errors.required("spec", "")]
    errs: list[Cause] = []
    min_r, max_r = spec.get("minReplicas"), spec.get("maxReplicas", 0)
    if min_r is not None and (not _is_int(min_r) or min_r < min_replicas_lower_bound):
        errs.append(errors.invalid_value("spec.minReplicas", min_r, f"must be greater than or equal to {min_replicas_lower_bound}"))
    if not _is_int(max_r) or max_r < 1:
        errs.append(errors.invalid_value("spec.maxReplicas", max_r, "must be greater than 0"))
    if _is_int(min_r) and _is_int(max_r) and max_r < min_r:
        errs.append(errors.invalid_value("spec.maxReplicas", max_r, "must be greater than or equal to `minReplicas`"))
    errs += validate_cross_version_object_reference(spec.get("scaleTargetRef"), "spec.scaleTargetRef")
    errs += _validate_metrics(spec.get("metrics") or [], min_r)
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        errs += _validate_rules(behavior.get("scaleUp"), "spec.behavior.scaleUp")
        errs += _validate_rules(behavior.get("scaleDown"), "spec.behavior.scaleDown")
    return errs


# --- printing (upstream's formatHPAMetrics)

def _q(value: Any) -> str:
    return "<unknown>" if value is None else str(value)


def _format_metric(spec: Obj, status: Obj | None) -> str:
    kind = spec.get("type")
    field = _SOURCES.get(kind or "")
    src = spec.get(field) if field else None
    if not isinstance(src, dict):
        return "<unknown type>"
    target = src.get("target") or {}
    cur_src = status.get(field) if isinstance(status, dict) and field else None
    current = (cur_src.get("current") or {}) if isinstance(cur_src, dict) else None
    if kind in ("External", "Object"):
        if target.get("averageValue") is not None:
            shown = _q(current.get("averageValue")) if current is not None else "<unknown>"
            return f"{shown}/{target['averageValue']} (avg)"
        shown = _q(current.get("value")) if current is not None else "<unknown>"
        return f"{shown}/{_q(target.get('value'))}"
    if kind == "Pods":
        shown = _q(current.get("averageValue")) if current is not None else "<unknown>"
        return f"{shown}/{_q(target.get('averageValue'))}"
    name = src.get("name", "")
    if target.get("averageValue") is not None:
        shown = _q(current.get("averageValue")) if current is not None else "<unknown>"
        return f"{name}: {shown}/{target['averageValue']}"
    util = current.get("averageUtilization") if current is not None else None
    shown = f"{util}%" if util is not None else "<unknown>"
    goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
    return f"{name}: {shown}/{goal}"


def format_hpa_metrics(specs: list[Any], statuses: list[Any]) -> str:
    if not specs:
        return "<none>"
    shown = [_format_metric(s if isinstance(s, dict) else {}, statuses[i] if i < len(statuses) else None)
             for i, s in enumerate(specs)]
    if len(shown) > 2:
        return f"{', '.join(shown[:2])} + {len(shown) - 2} more..."
    return ", ".join(shown)


class HorizontalPodAutoscalerStrategy(Strategy):
    group = "autoscaling"
    kind = "HorizontalPodAutoscaler"
    resource = "horizontalpodautoscalers"
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"desiredReplicas": 0}

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        _drop_tolerance(obj, None)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        super().prepare_for_update(obj, old)
        _drop_tolerance(obj, old)

    def default(self, obj: Obj) -> None:
        default_hpa(obj)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_hpa_spec(obj.get("spec"))

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        # an object that already scales to zero may keep doing so
        lower = 0 if (old.get("spec") or {}).get("minReplicas") == 0 else 1
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        errs += validation.validate_object_meta(obj.get("metadata", {}), True, self.name_validator)
        return errs + validate_hpa_spec(obj.get("spec"), lower)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_status_update(obj, old)
        status = obj.get("status") or {}
        for key in ("currentReplicas", "desiredReplicas"):
            value = status.get(key, 0)
            if not _is_int(value) or value < 0:
                errs.append(errors.invalid_value(f"status.{key}", value, "must be greater than or equal to 0"))
        return errs

    def canonicalize(self, obj: Obj) -> None:
        status = obj.get("status")
        if isinstance(status, dict):
            # v2 omits a zero currentReplicas and always has desiredReplicas
            if status.get("currentReplicas") == 0:
                del status["currentReplicas"]
            status.setdefault("desiredReplicas", 0)

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Reference", description="scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
            TableColumn("Targets", description="metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
            TableColumn("MinPods", description="minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
            TableColumn("MaxPods", description="maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
            TableColumn("Replicas", description="currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        ref = spec.get("scaleTargetRef") or {}
        min_r = spec.get("minReplicas")
        return [
            obj["metadata"].get("name", ""),
            f"{ref.get('kind', '')}/{ref.get('name', '')}",
            format_hpa_metrics(spec.get("metrics") or [], status.get("currentMetrics") or []),
            "<unset>" if min_r is None else str(min_r),
            spec.get("maxReplicas", 0),
            status.get("currentReplicas", 0),
            age(obj["metadata"].get("creationTimestamp")),
        ]


def _drop_tolerance(obj: Obj, old: Obj | None) -> None:
    """behavior.*.tolerance needs the HPAConfigurableTolerance gate (alpha, off in 1.33):
    dropped unless the stored object already uses it."""
    def rules(o: Obj | None) -> list[Obj]:
        behavior = ((o or {}).get("spec") or {}).get("behavior")
        if not isinstance(behavior, dict):
            return []
        return [r for r in (behavior.get("scaleUp"), behavior.get("scaleDown")) if isinstance(r, dict)]

    if any(r.get("tolerance") is not None for r in rules(old)):
        return
    for r in rules(obj):
        r.pop("tolerance", None)


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("autoscaling", "HorizontalPodAutoscaler"): HorizontalPodAutoscalerStrategy,
}
