"""Conversion between served versions: autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscalers
(lossless through upstream's round-trip annotations) and core/v1 <-> events.k8s.io/v1 Events.

The generated v2 objects are what storage holds: defaulted (metrics non-empty, minReplicas
set) and valid, with metric targets whose type matches the value they set, as upstream's
validation and clients produce them. Those are the objects upstream's annotation encoding
can carry; the round trips below must give them back exactly."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelite.apis import autoscaling as hpa
from kubelite.apis import events
from kubelite.apis.catalog import register_conversions
from kubelite.machinery.errors import StatusError
from kubelite.machinery.gvk import APIResource
from kubelite.machinery.scheme import Scheme

Obj = dict[str, Any]

names = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
quantities = st.sampled_from(["1", "10", "100Mi", "500m", "2Gi", "1k", "250"])
times = st.sampled_from(["2024-01-02T03:04:05Z", "2025-06-07T08:09:10Z"])
selectors = st.fixed_dictionaries({"matchLabels": st.dictionaries(names, names, min_size=1, max_size=2)})


def _with_optional(required: dict[str, Any], optional: dict[str, Any]) -> st.SearchStrategy[Obj]:
    return st.fixed_dictionaries(required, optional=optional)


identifiers = _with_optional({"name": names}, {"selector": selectors})
references = _with_optional({"kind": st.sampled_from(["Service", "Ingress"]), "name": names},
                            {"apiVersion": st.sampled_from(["v1", "networking.k8s.io/v1"])})
utilization_target = st.fixed_dictionaries({"type": st.just("Utilization"), "averageUtilization": st.integers(1, 200)})
average_value_target = st.fixed_dictionaries({"type": st.just("AverageValue"), "averageValue": quantities})
value_target = st.fixed_dictionaries({"type": st.just("Value"), "value": quantities})
resource_names = st.sampled_from(["cpu", "memory", "ephemeral-storage"])

metric_specs = st.one_of(
    st.fixed_dictionaries({"type": st.just("Resource"), "resource": st.fixed_dictionaries(
        {"name": resource_names, "target": utilization_target | average_value_target})}),
    st.fixed_dictionaries({"type": st.just("ContainerResource"), "containerResource": st.fixed_dictionaries(
        {"name": resource_names, "container": names, "target": utilization_target | average_value_target})}),
    st.fixed_dictionaries({"type": st.just("Pods"), "pods": st.fixed_dictionaries(
        {"metric": identifiers, "target": average_value_target})}),
    st.fixed_dictionaries({"type": st.just("Object"), "object": st.fixed_dictionaries(
        {"describedObject": references, "metric": identifiers, "target": value_target | average_value_target})}),
    st.fixed_dictionaries({"type": st.just("External"), "external": st.fixed_dictionaries(
        {"metric": identifiers, "target": value_target | average_value_target})}),
)

values = _with_optional({}, {"averageValue": quantities})
metric_statuses = st.one_of(
    st.fixed_dictionaries({"type": st.just("Resource"), "resource": st.fixed_dictionaries(
        {"name": resource_names, "current": _with_optional({}, {"averageUtilization": st.integers(0, 300), "averageValue": quantities})})}),
    st.fixed_dictionaries({"type": st.just("ContainerResource"), "containerResource": st.fixed_dictionaries(
        {"name": resource_names, "container": names,
         "current": _with_optional({}, {"averageUtilization": st.integers(0, 300), "averageValue": quantities})})}),
    st.fixed_dictionaries({"type": st.just("Pods"), "pods": st.fixed_dictionaries({"metric": identifiers, "current": values})}),
    st.fixed_dictionaries({"type": st.just("Object"), "object": st.fixed_dictionaries(
        {"describedObject": references, "metric": identifiers,
         "current": _with_optional({}, {"value": quantities, "averageValue": quantities})})}),
    st.fixed_dictionaries({"type": st.just("External"), "external": st.fixed_dictionaries(
        {"metric": identifiers, "current": _with_optional({}, {"value": quantities, "averageValue": quantities})})}),
)

policies = st.fixed_dictionaries({"type": st.sampled_from(["Pods", "Percent"]), "value": st.integers(1, 100),
                                  "periodSeconds": st.integers(1, 1800)})
rules = _with_optional({}, {
    "stabilizationWindowSeconds": st.integers(0, 3600),
    "selectPolicy": st.sampled_from(["Max", "Min", "Disabled"]),
    "policies": st.lists(policies, max_size=3),
    "tolerance": st.sampled_from(["0.05", "100m"]),
})
behaviors = st.one_of(
    st.fixed_dictionaries({"scaleUp": rules}, optional={"scaleDown": rules}),
    st.fixed_dictionaries({"scaleDown": rules}),
)
conditions = st.lists(_with_optional(
    {"type": st.sampled_from(["AbleToScale", "ScalingActive", "ScalingLimited"]), "status": st.sampled_from(["True", "False"])},
    {"lastTransitionTime": times, "reason": names, "message": st.text(max_size=20)},
), min_size=1, max_size=3)

v2_specs = _with_optional(
    {"scaleTargetRef": _with_optional({"kind": st.just("Deployment"), "name": names}, {"apiVersion": st.just("apps/v1")}),
     "minReplicas": st.integers(1, 5), "maxReplicas": st.integers(5, 20),
     "metrics": st.lists(metric_specs, min_size=1, max_size=5)},
    {"behavior": behaviors},
)
v2_statuses = _with_optional(
    {"desiredReplicas": st.integers(0, 10)},
    {"currentReplicas": st.integers(1, 10), "observedGeneration": st.integers(1, 9), "lastScaleTime": times,
     "currentMetrics": st.lists(metric_statuses, min_size=1, max_size=4), "conditions": conditions},
)
metadata = _with_optional(
    {"name": names, "namespace": names},
    {"annotations": st.dictionaries(st.sampled_from(["a", "example.com/b"]), st.text(max_size=10), min_size=1, max_size=2),
     "labels": st.dictionaries(names, names, min_size=1, max_size=2), "resourceVersion": st.just("7"), "uid": st.just("u-1")},
)
v2_objects = _with_optional(
    {"apiVersion": st.just("autoscaling/v2"), "kind": st.just("HorizontalPodAutoscaler"), "metadata": metadata, "spec": v2_specs},
    {"status": v2_statuses},
)
v1_objects = _with_optional(
    {"apiVersion": st.just("autoscaling/v1"), "kind": st.just("HorizontalPodAutoscaler"), "metadata": metadata,
     "spec": _with_optional({"scaleTargetRef": st.fixed_dictionaries({"kind": st.just("Deployment"), "name": names}),
                             "minReplicas": st.integers(1, 5), "maxReplicas": st.integers(5, 20),
                             "targetCPUUtilizationPercentage": st.integers(1, 100)}, {})},
    {"status": _with_optional({"currentReplicas": st.integers(0, 10), "desiredReplicas": st.integers(0, 10)},
                              {"observedGeneration": st.integers(1, 9), "lastScaleTime": times})},
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(v2_objects)
def test_v2_to_v1_to_v2_is_identity(obj: Obj) -> None:
    original = copy.deepcopy(obj)
    v1 = hpa.hpa_v2_to_v1(obj)
    assert obj == original, "conversion must not change its input"
    assert v1["apiVersion"] == "autoscaling/v1"
    assert "metrics" not in v1["spec"]
    assert hpa.hpa_v1_to_v2(json.loads(json.dumps(v1))) == original


@SETTINGS
@given(v2_objects)
def test_v1_images_round_trip(obj: Obj) -> None:
    """A v1 object as the server hands it out converts to v2 and back unchanged."""
    v1 = hpa.hpa_v2_to_v1(obj)
    assert hpa.hpa_v2_to_v1(hpa.hpa_v1_to_v2(v1)) == v1


@SETTINGS
@given(v1_objects)
def test_v1_to_v2_to_v1_is_identity(obj: Obj) -> None:
    original = copy.deepcopy(obj)
    v2 = hpa.hpa_v1_to_v2(obj)
    assert obj == original
    assert v2["apiVersion"] == "autoscaling/v2"
    assert not set(hpa.ROUND_TRIP_ANNOTATIONS) & set(v2["metadata"].get("annotations") or {})
    assert hpa.hpa_v2_to_v1(v2) == original


@SETTINGS
@given(v2_objects, st.integers(1, 100))
def test_v1_client_edits_reach_v2_and_keep_the_rest(obj: Obj, percent: int) -> None:
    """A v1 client changes maxReplicas and the cpu target: v2 sees both, the rest survives."""
    v1 = hpa.hpa_v2_to_v1(obj)
    v1["spec"]["maxReplicas"] = 42
    v1["spec"]["targetCPUUtilizationPercentage"] = percent
    back = hpa.hpa_v1_to_v2(v1)
    assert back["spec"]["maxReplicas"] == 42
    cpu = [m for m in back["spec"]["metrics"] if m.get("type") == "Resource" and m["resource"]["name"] == "cpu"]
    assert cpu[0]["resource"]["target"].get("averageUtilization") == percent or \
        cpu[0]["resource"]["target"]["type"] == "AverageValue"
    others = [m for m in obj["spec"]["metrics"] if not (m.get("type") == "Resource" and m["resource"]["name"] == "cpu")]
    for m in others:
        assert m in back["spec"]["metrics"]
    assert back["spec"].get("behavior") == obj["spec"].get("behavior")
    assert back.get("status") == obj.get("status")


def test_cpu_utilization_is_the_v1_target() -> None:
    v2 = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
          "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 3,
                   "metrics": [hpa._cpu_utilization_metric(55)]}}
    v1 = hpa.hpa_v2_to_v1(v2)
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 55
    assert "annotations" not in v1["metadata"]
    assert list(v1) == ["apiVersion", "kind", "metadata", "spec"]


def test_other_metrics_travel_in_upstream_annotation_format() -> None:
    v2 = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
          "spec": {"maxReplicas": 3, "metrics": [
              {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "100Mi"}}},
              hpa._cpu_utilization_metric(50)]}}
    v1 = hpa.hpa_v2_to_v1(v2)
    memory = {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "100Mi"}}
    assert json.loads(v1["metadata"]["annotations"][hpa.METRIC_SPECS_ANNOTATION]) == [memory]
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 50
    # Not last, the cpu metric keeps its place in the annotation (upstream would move it last).
    v2["spec"]["metrics"].reverse()
    v1 = hpa.hpa_v2_to_v1(v2)
    assert json.loads(v1["metadata"]["annotations"][hpa.METRIC_SPECS_ANNOTATION]) == [
        {"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 50}}, memory]
    assert hpa.hpa_v1_to_v2(v1)["spec"]["metrics"] == v2["spec"]["metrics"]


def test_upstream_written_annotations_are_read() -> None:
    """What a real kube-apiserver writes (zero quantities spelled out, cpu metric absent)."""
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h", "annotations": {
        hpa.METRIC_SPECS_ANNOTATION: '[{"type":"Object","object":{"target":{"kind":"Service","name":"s"},'
                                     '"metricName":"rps","targetValue":"0","averageValue":"10"}}]',
        hpa.BEHAVIOR_ANNOTATION: '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":'
                                 '[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},"ScaleDown":null}',
        hpa.CONDITIONS_ANNOTATION: '[{"type":"AbleToScale","status":"True"}]',
        "keep": "me"}},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 3, "targetCPUUtilizationPercentage": 70},
        "status": {"currentReplicas": 2, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 33}}
    v2 = hpa.hpa_v1_to_v2(v1)
    assert v2["metadata"]["annotations"] == {"keep": "me"}
    assert v2["spec"]["metrics"] == [
        {"type": "Object", "object": {"describedObject": {"kind": "Service", "name": "s"}, "metric": {"name": "rps"},
                                      "target": {"type": "AverageValue", "value": "0", "averageValue": "10"}}},
        hpa._cpu_utilization_metric(70),
    ]
    assert v2["spec"]["behavior"] == {"scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                                                  "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15}]}}
    assert v2["status"]["conditions"] == [{"type": "AbleToScale", "status": "True"}]
    assert v2["status"]["currentMetrics"] == [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 33}}}]
    assert v2["status"]["currentReplicas"] == 2


def test_v1_without_target_gets_the_implicit_default() -> None:
    v2 = hpa.hpa_v1_to_v2({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
                           "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 3}})
    assert v2["spec"]["metrics"] == [hpa._cpu_utilization_metric(80)]


def test_removing_the_cpu_target_in_v1_removes_the_metric() -> None:
    v2 = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
          "spec": {"maxReplicas": 3, "metrics": [
              hpa._cpu_utilization_metric(50),
              {"type": "Pods", "pods": {"metric": {"name": "q"}, "target": {"type": "AverageValue", "averageValue": "1"}}}]}}
    v1 = hpa.hpa_v2_to_v1(v2)
    del v1["spec"]["targetCPUUtilizationPercentage"]
    assert [m["type"] for m in hpa.hpa_v1_to_v2(v1)["spec"]["metrics"]] == ["Pods"]


def test_malformed_annotation_is_a_bad_request() -> None:
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
          "metadata": {"name": "h", "annotations": {hpa.METRIC_SPECS_ANNOTATION: "{not json"}}, "spec": {"maxReplicas": 1}}
    with pytest.raises(StatusError) as info:
        hpa.hpa_v1_to_v2(v1)
    assert info.value.code == 400


def test_scheme_converts_between_served_versions() -> None:
    scheme = Scheme()
    register_conversions(scheme)
    scheme.set_storage_version("autoscaling", "HorizontalPodAutoscaler", "autoscaling/v2")
    api_v1 = APIResource(group="autoscaling", version="v1", resource="horizontalpodautoscalers",
                         kind="HorizontalPodAutoscaler", singular="horizontalpodautoscaler", namespaced=True, verbs=[])
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
          "spec": {"maxReplicas": 2, "targetCPUUtilizationPercentage": 60}}
    hub = scheme.to_hub(v1, api_v1)
    assert hub["apiVersion"] == "autoscaling/v2"
    assert scheme.from_hub(hub, api_v1) == v1


# --- events

event_refs = _with_optional({"kind": st.sampled_from(["Pod", "Node"]), "name": names},
                            {"namespace": names, "uid": names, "apiVersion": st.just("v1"), "fieldPath": names})
core_events = _with_optional(
    {"apiVersion": st.just("v1"), "kind": st.just("Event"), "metadata": metadata, "involvedObject": event_refs},
    {"reason": names, "message": st.text(max_size=30), "source": _with_optional({}, {"component": names, "host": names}),
     "firstTimestamp": times, "lastTimestamp": times, "count": st.integers(1, 9), "type": st.sampled_from(["Normal", "Warning"]),
     "eventTime": st.just("2024-01-02T03:04:05.123456Z"), "series": st.fixed_dictionaries({"count": st.integers(2, 9), "lastObservedTime": times}),
     "action": names, "related": event_refs, "reportingComponent": names, "reportingInstance": names},
)


@SETTINGS
@given(core_events)
def test_core_event_round_trips_through_events_k8s_io(obj: Obj) -> None:
    new = events.core_to_events(obj)
    assert new["apiVersion"] == "events.k8s.io/v1"
    assert new["regarding"] == obj["involvedObject"]
    if "message" in obj:
        assert new["note"] == obj["message"]
    if "reportingComponent" in obj:
        assert new["reportingController"] == obj["reportingComponent"]
    stored = dict(new, metadata={**new["metadata"], "uid": "u-1"})  # an existing event: no create checks
    back = events.events_to_core(stored)
    assert back == dict(obj, metadata=stored["metadata"])
    assert events.core_to_events(back) == stored


def test_new_events_k8s_io_event_must_name_its_reporter() -> None:
    obj = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e", "namespace": "default"},
           "regarding": {"kind": "Pod", "name": "p"}, "note": "hi", "type": "Normal"}
    with pytest.raises(StatusError) as info:
        events.events_to_core(obj)
    fields = {c["field"] for c in info.value.details["causes"]}  # type: ignore[index]
    # Upstream checks the reporting fields only once eventTime is set (legacyValidateEvent).
    assert "eventTime" in fields
    good = dict(obj, eventTime="2024-01-02T03:04:05.000001Z", reportingController="example.com/ctl",
                reportingInstance="ctl-1", action="Test", reason="Tested")
    core = events.events_to_core(good)
    assert core["message"] == "hi" and core["reportingComponent"] == "example.com/ctl"
    assert core["involvedObject"] == {"kind": "Pod", "name": "p"}
