"""Field selectors: what `--field-selector` / `fieldSelector=` selects, and upstream's 400s."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelite.machinery import fields
from kubelite.machinery.errors import StatusError

POD = {"metadata.name": "web-1", "metadata.namespace": "default", "status.phase": "Running", "spec.nodeName": ""}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("", True),
        ("metadata.name=web-1", True),
        ("metadata.name==web-1", True),
        ("metadata.name!=web-1", False),
        ("metadata.name=web-2", False),
        ("status.phase!=Succeeded,metadata.namespace=default", True),
        ("status.phase!=Running,metadata.namespace=default", False),
        ("spec.nodeName=", True),  # empty value matches an empty field
        ("spec.unknown=", True),  # and a missing field reads as empty
        ("spec.unknown!=", False),
        ("metadata.name=web-1,", True),  # empty terms are skipped
    ],
)
def test_matching(selector: str, expected: bool) -> None:
    assert fields.parse(selector).matches(POD) is expected


def test_requirements_sorted_with_double_equals_reported_as_equals() -> None:
    sel = fields.parse("status.phase!=Failed,metadata.name==x")
    assert sel.requirements == [("metadata.name", "=", "x"), ("status.phase", "!=", "Failed")]
    assert sel.string() == "metadata.name=x,status.phase!=Failed"
    assert not sel.empty and fields.parse("").empty and fields.parse(",,").empty


def test_escaped_values() -> None:
    sel = fields.parse(r"metadata.name=a\,b\=c\\d")
    assert sel.requirements == [("metadata.name", "=", "a,b=c\\d")]
    assert sel.matches({"metadata.name": "a,b=c\\d"})
    assert sel.string() == r"metadata.name=a\,b\=c\\d"


def test_operator_split_at_first_operator() -> None:
    # The field part has no escaping: the first operator splits the term.
    assert fields.parse("a!=b").requirements == [("a", "!=", "b")]
    assert fields.parse("a==b").requirements == [("a", "=", "b")]
    assert fields.parse("a=!b").requirements == [("a", "=", "!b")]


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
        (r"a=b\x", r"invalid field selector: invalid escape sequence: \x"),
        ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
    ],
)
def test_parse_errors(selector: str, message: str) -> None:
    with pytest.raises(StatusError) as info:
        fields.parse(selector)
    assert (info.value.code, info.value.reason, info.value.message) == (400, "BadRequest", message)


def test_requires_exact_match_and_transform() -> None:
    sel = fields.parse("metadata.name=a,metadata.namespace!=b")
    assert sel.requires_exact_match("metadata.name") == "a"
    assert sel.requires_exact_match("metadata.namespace") is None
    dropped = sel.transform(lambda f, v: ("", "") if f == "metadata.name" else (f, v))
    assert dropped.requirements == [("metadata.namespace", "!=", "b")]


NAME_NS = {"metadata.name", "metadata.namespace"}


@pytest.mark.parametrize(
    ("resource", "version", "supported", "selector", "message"),
    [
        # Kinds without their own field-label conversion (configmaps, deployments, ...)
        ("configmaps", "v1", NAME_NS, "data.a=b",
         '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"'),
        ("deployments", "apps/v1", NAME_NS, "spec.replicas=1",
         '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'),
        # Kinds whose API group registers its own conversion, with other wording
        ("pods", "v1", NAME_NS | {"status.phase", "spec.nodeName"}, "data.a=b", "field label not supported: data.a"),
        ("namespaces", "v1", {"metadata.name", "status.phase"}, "metadata.namespace=x",
         "field label not supported: metadata.namespace"),
        ("secrets", "v1", NAME_NS | {"type"}, "metadata.name=a,data.x=1", "field label not supported: data.x"),
        # the first unsupported field in parse (sorted) order is reported
        ("configmaps", "v1", NAME_NS, "z=1,b=2",
         '"b" is not a known field selector: only "metadata.name", "metadata.namespace"'),
    ],
)
def test_check_supported_messages(resource: str, version: str, supported: set[str], selector: str, message: str) -> None:
    with pytest.raises(StatusError) as info:
        fields.check_supported(fields.parse(selector), supported, resource, version)
    assert (info.value.code, info.value.message) == (400, message)


def test_check_supported_accepts_and_renames() -> None:
    sel = fields.parse("metadata.name=a")
    assert fields.check_supported(sel, NAME_NS, "configmaps", "v1").requirements == sel.requirements
    # Old clients select pods by spec.host, which upstream converts to spec.nodeName.
    renamed = fields.check_supported(fields.parse("spec.host=n1"), {"spec.nodeName"}, "pods", "v1")
    assert renamed.requirements == [("spec.nodeName", "=", "n1")]


@given(st.text())
def test_escape_round_trip(value: str) -> None:
    assert fields.unescape_value(fields.escape_value(value)) == value
    sel = fields.parse("metadata.name=" + fields.escape_value(value))
    assert sel.requirements == [("metadata.name", "=", value)]
    assert fields.parse(sel.string()).requirements == sel.requirements
