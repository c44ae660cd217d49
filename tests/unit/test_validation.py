"""Name and metadata validation: the exact `... is invalid: ...` text kubectl prints."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelite.machinery import errors, validation
from kubelite.machinery.validation import Cause

SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
QNAME_ERR = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def lines(causes: list[Cause]) -> list[str]:
    return [f"{c['field']}: {c['message']}" for c in causes]


def meta_errors(meta: dict[str, object], namespaced: bool = True) -> list[str]:
    return lines(validation.validate_object_meta(meta, namespaced, validation.name_is_dns_subdomain))


# --- string checks


def test_go_quote() -> None:
    assert validation.go_quote("plain") == '"plain"'
    assert validation.go_quote('a"b\\c') == '"a\\"b\\\\c"'
    assert validation.go_quote("tab\there\n\x01\x7f") == '"tab\\there\\n\\x01\\x7f"'
    assert validation.go_quote("héllo ☃") == '"héllo ☃"'
    assert validation.go_quote("\u2028\U000e0001") == '"\\u2028\\U000e0001"'


@pytest.mark.parametrize(
    ("value", "errs"),
    [
        ("example.com", []),
        ("a", []),
        ("Bad_Name", [SUBDOMAIN_ERR]),
        ("-a", [SUBDOMAIN_ERR]),
        ("a." * 126 + "a", []),
        ("a." * 127 + "a", ["must be no more than 253 characters"]),
        ("A" * 254, ["must be no more than 253 characters", SUBDOMAIN_ERR]),
    ],
)
def test_is_dns1123_subdomain(value: str, errs: list[str]) -> None:
    assert validation.is_dns1123_subdomain(value) == errs


def test_is_dns1123_label() -> None:
    assert validation.is_dns1123_label("my-ns") == []
    assert validation.is_dns1123_label("a.b") == ["must not contain dots"]
    assert validation.is_dns1123_label("My") == [LABEL_ERR]
    assert validation.is_dns1123_label("a" * 64) == ["must be no more than 63 characters"]


@pytest.mark.parametrize(
    ("value", "errs"),
    [
        ("app", []),
        ("example.com/App_1", []),
        ("a_", [QNAME_ERR]),
        ("/a", ["prefix part must be non-empty"]),
        ("a/", ["name part must be non-empty", QNAME_ERR]),
        ("Example.com/a", ["prefix part " + SUBDOMAIN_ERR]),
        ("a" * 64, ["name part must be no more than 63 characters"]),
    ],
)
def test_is_qualified_name(value: str, errs: list[str]) -> None:
    assert validation.is_qualified_name(value) == errs


def test_qualified_name_with_two_slashes() -> None:
    (msg,) = validation.is_qualified_name("a/b/c")
    assert msg.startswith("a qualified name must consist of alphanumeric characters")
    assert msg.endswith("with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")


def test_is_valid_label_value() -> None:
    assert validation.is_valid_label_value("") == []
    assert validation.is_valid_label_value("v1.2_x-y") == []
    assert validation.is_valid_label_value("a b") == [VALUE_ERR]
    # lengths are in bytes, as upstream counts them
    assert validation.is_valid_label_value("é" * 32) == ["must be no more than 63 characters", VALUE_ERR]


def test_generate_name_prefix_may_end_with_dash() -> None:
    assert validation.name_is_dns_subdomain("web-", True) == []
    assert validation.name_is_dns_subdomain("web-", False) == [SUBDOMAIN_ERR]
    assert validation.name_is_dns_label("ns-", True) == []


# --- ObjectMeta on create


def test_bad_name_message_as_kubectl_shows_it() -> None:
    causes = validation.validate_object_meta(
        {"name": "Bad_Name", "namespace": "default"}, True, validation.name_is_dns_subdomain
    )
    assert causes == [{"reason": "FieldValueInvalid", "field": "metadata.name",
                       "message": f'Invalid value: "Bad_Name": {SUBDOMAIN_ERR}'}]
    err = errors.invalid("", "ConfigMap", "Bad_Name", causes)
    assert err.code == 422
    assert err.message == f'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": {SUBDOMAIN_ERR}'


def test_name_required() -> None:
    assert meta_errors({"namespace": "default"}) == [
        "metadata.name: Required value: name or generateName is required"
    ]


def test_generate_name_is_validated_as_a_prefix() -> None:
    assert meta_errors({"generateName": "web-", "name": "web-x7k2p", "namespace": "d"}) == []
    assert meta_errors({"generateName": "Web-", "name": "web-x7k2p", "namespace": "d"}) == [
        f'metadata.generateName: Invalid value: "Web-": {SUBDOMAIN_ERR}'
    ]


def test_namespace_required_forbidden_and_validated() -> None:
    assert meta_errors({"name": "a"}) == ["metadata.namespace: Required value"]
    assert meta_errors({"name": "a", "namespace": "x"}, namespaced=False) == [
        "metadata.namespace: Forbidden: not allowed on this type"
    ]
    assert meta_errors({"name": "a", "namespace": "a.b"}) == [
        'metadata.namespace: Invalid value: "a.b": must not contain dots'
    ]


def test_labels_and_annotations() -> None:
    assert meta_errors({"name": "a", "namespace": "d", "labels": {"a_": "ok", "ok": "b c"}}) == [
        f'metadata.labels: Invalid value: "a_": {QNAME_ERR}',
        f'metadata.labels: Invalid value: "b c": {VALUE_ERR}',
    ]
    # annotation keys are case-insensitive qualified names; values are free-form
    assert meta_errors({"name": "a", "namespace": "d", "annotations": {"Example.COM/Key": "any thing"}}) == []
    assert meta_errors({"name": "a", "namespace": "d", "annotations": {"bad key": ""}}) == [
        'metadata.annotations: Invalid value: "bad key": ' + QNAME_ERR
    ]
    big = {"a": "x" * (256 * 1024)}
    assert meta_errors({"name": "a", "namespace": "d", "annotations": big}) == [
        "metadata.annotations: Too long: may not be more than 262144 bytes"
    ]


def test_identical_errors_appear_once_in_the_message() -> None:
    causes = validation.validate_object_meta(
        {"name": "a", "namespace": "d", "labels": {"x": "b c", "y": "b c"}}, True, validation.name_is_dns_subdomain
    )
    assert len(causes) == 2
    assert errors.invalid("", "ConfigMap", "a", causes).message == (
        f'ConfigMap "a" is invalid: metadata.labels: Invalid value: "b c": {VALUE_ERR}'
    )


def test_finalizers() -> None:
    assert meta_errors({"name": "a", "namespace": "d", "finalizers": ["example.com/f", "kubernetes"]}) == []
    assert meta_errors({"name": "a", "namespace": "d", "finalizers": ["bad/f/x"]})[0].startswith(
        'metadata.finalizers: Invalid value: "bad/f/x": a qualified name'
    )
    assert meta_errors({"name": "a", "namespace": "d", "finalizers": ["orphan", "foregroundDeletion"]}) == [
        'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: '
        "finalizer orphan and foregroundDeletion cannot be both set"
    ]


def test_owner_references() -> None:
    ok = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u1", "controller": True}
    assert meta_errors({"name": "a", "namespace": "d", "ownerReferences": [ok]}) == []
    assert meta_errors({"name": "a", "namespace": "d", "ownerReferences": [{"apiVersion": "apps/"}]}) == [
        'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]
    two = [ok, {**ok, "kind": "Job", "name": "j"}]
    (msg,) = meta_errors({"name": "a", "namespace": "d", "ownerReferences": two})
    assert msg.startswith("metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{")
    assert msg.endswith(
        'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and Job/j'
    )
    event = {"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "u"}
    (msg,) = meta_errors({"name": "a", "namespace": "d", "ownerReferences": [event]})
    assert msg.endswith(": /v1, Kind=Event is disallowed from being an owner")


def test_generation_and_managed_fields() -> None:
    assert meta_errors({"name": "a", "namespace": "d", "generation": -1}) == [
        "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
    ]
    mf = [{"manager": "kubectl", "operation": "Apply", "fieldsType": "FieldsV1"}, {"operation": "Patch"}]
    assert meta_errors({"name": "a", "namespace": "d", "managedFields": mf}) == [
        'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`'
    ]


# --- ObjectMeta on update

OLD = {"name": "a", "namespace": "d", "uid": "u1", "resourceVersion": "5", "generation": 2,
       "creationTimestamp": "2024-01-01T00:00:00Z"}


def update_errors(**changes: object) -> list[str]:
    return lines(validation.validate_object_meta_update({**OLD, **changes}, OLD))


def test_update_without_changes_is_valid() -> None:
    assert update_errors() == []


def test_immutable_fields() -> None:
    assert update_errors(name="b", uid="u2") == [
        'metadata.name: Invalid value: "b": field is immutable',
        'metadata.uid: Invalid value: "u2": field is immutable',
    ]
    assert update_errors(creationTimestamp="2025-03-04T05:06:07Z") == [
        "metadata.creationTimestamp: Invalid value: 2025-03-04 05:06:07 +0000 UTC: field is immutable"
    ]
    assert update_errors(deletionGracePeriodSeconds=30) == [
        "metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable"
    ]


def test_update_needs_resource_version_and_keeps_generation() -> None:
    assert update_errors(resourceVersion="", generation=1) == [
        'metadata.resourceVersion: Invalid value: "": must be specified for an update',
        "metadata.generation: Invalid value: 1: must not be decremented",
    ]


def test_no_new_finalizers_while_deleting() -> None:
    old = {**OLD, "deletionTimestamp": "2024-01-02T00:00:00Z", "finalizers": ["x.io/a"]}
    new = {**old, "finalizers": ["x.io/a", "x.io/z", "x.io/b"]}
    assert lines(validation.validate_object_meta_update(new, old)) == [
        'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, '
        'found new finalizers []string{"x.io/b", "x.io/z"}'
    ]
    assert validation.validate_object_meta_update({**old, "finalizers": []}, old) == []


def test_finalizer_names_of_built_in_kinds() -> None:
    # Built-in kinds take a bare name only when it is a standard one (core's validateKubeFinalizerName);
    # a malformed name is reported twice, by the generic check and again by core's.
    meta = {"name": "n", "namespace": "ns", "finalizers": ["kubernetes", "orphan", "example.com/ok", "mine", "a/b/c"]}
    assert lines(validation.validate_object_meta(meta, True, validation.name_is_dns_subdomain)) == [
        'metadata.finalizers: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '
        "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
        "subdomain prefix and '/' (e.g. 'example.com/MyName')",
        'metadata.finalizers[3]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
        'metadata.finalizers[4]: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '
        "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
        "subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]
    assert validation.validate_object_meta(meta, True, validation.name_is_dns_subdomain, builtin=False)[1:] == []


# --- label selectors (metav1)


def test_validate_label_selector() -> None:
    sel = {"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "a", "operator": "In"},
        {"key": "b", "operator": "Exists", "values": ["x"]},
        {"key": "c", "operator": "Near", "values": ["x y"]},
    ]}
    assert lines(validation.validate_label_selector(sel, "spec.selector")) == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or "
        "'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
        f'spec.selector.matchExpressions[2].values[0]: Invalid value: "x y": {VALUE_ERR}',
    ]


# --- generateName


def test_generate_name() -> None:
    name = validation.generate_name("web-")
    assert re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]{5}", name)
    long = validation.generate_name("x" * 100)
    assert len(long) == 63 and long.startswith("x" * 58)
    assert validation.name_is_dns_subdomain(long, False) == []


@given(st.from_regex(r"[a-z0-9]([-a-z0-9.]{0,80})?-?", fullmatch=True))
def test_generated_names_fit_the_prefix_check(prefix: str) -> None:
    name = validation.generate_name(prefix)
    assert len(name) <= 63
    assert name[-5:].isalnum() and name.startswith(prefix[:58])
