"""Label selectors: what `-l` / `labelSelector=` selects, and the 400s kubectl shows for bad ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelite.machinery import labels
from kubelite.machinery.errors import StatusError

POD = {"app": "web", "tier": "frontend", "env": "prod", "replicas": "12"}

KEY_ERR = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
    "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("", True),
        ("   ", True),
        ("app=web", True),
        ("app==web", True),
        ("app = web", True),
        ("app=api", False),
        ("app!=api", True),
        ("app!=web", False),
        ("missing!=x", True),
        ("app in (web,api)", True),
        ("app in (api)", False),
        ("missing in (a)", False),
        ("app notin (api,db)", True),
        ("app notin (web)", False),
        ("missing notin (a)", True),
        ("app", True),
        ("missing", False),
        ("!missing", True),
        ("!app", False),
        ("replicas>10", True),
        ("replicas>12", False),
        ("replicas<13", True),
        ("app>1", False),  # not an integer: no match, no error
        ("missing<100", False),
        ("app=web,tier=frontend,!legacy", True),
        ("app=web,tier=backend", False),
        ("app=web, env in (prod, staging)", True),
        ("in=x", False),  # "in" is a key where a key is expected
        ("missing=", False),
        ("x in (foo,,baz)", False),
    ],
)
def test_matching(selector: str, expected: bool) -> None:
    assert labels.parse(selector).matches(POD) is expected


def test_empty_value_matches_missing_only_for_negations() -> None:
    assert labels.parse("a=").matches({"a": ""})
    assert not labels.parse("a=").matches({})
    assert labels.parse("a in ()").matches({"a": ""})
    assert labels.parse("a notin ()").matches({})


def test_none_labels_are_no_labels() -> None:
    assert labels.parse("!app").matches(None)
    assert not labels.parse("app").matches(None)
    assert labels.parse("").matches(None)


def test_empty_and_nothing() -> None:
    assert labels.parse("").empty
    assert labels.EVERYTHING.empty and labels.EVERYTHING.matches({})
    assert not labels.NOTHING.empty and not labels.NOTHING.matches({})
    assert not labels.parse("a").empty


def test_string_is_upstream_canonical_form() -> None:
    assert labels.parse("z,  b notin (y,x), a in (c,,b), !q, n>3").string() == "a in (,b,c),b notin (x,y),n>3,!q,z"
    assert str(labels.parse("x==y")) == "x==y"


def test_int_bounds_follow_int64() -> None:
    assert labels.parse("n<9223372036854775807").matches({"n": "-9223372036854775808"})
    assert not labels.parse("n>0").matches({"n": "9223372036854775808"})  # out of range: no match
    assert not labels.parse("n>0").matches({"n": " 5"})


def test_requires_exact_match() -> None:
    sel = labels.parse("a=b,c in (d),e in (f,g),h!=i")
    assert sel.requires_exact_match("a") == "b"
    assert sel.requires_exact_match("c") == "d"
    assert sel.requires_exact_match("e") is None
    assert sel.requires_exact_match("h") is None
    assert sel.requires_exact_match("zz") is None


def test_parse_is_cached() -> None:
    assert labels.parse("app=web,tier=x") is labels.parse("app=web,tier=x")


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("a in (b", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (b,", "unable to parse requirement: found '', expected: ',', or identifier"),
        ("a in b", "unable to parse requirement: found 'b' expected: '('"),
        ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a=(b)", "unable to parse requirement: found '(', expected: identifier"),
        ("! =a", "unable to parse requirement: found '=', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        # gt/lt values are label values too, so negative numbers are refused
        ("n>-1", f'unable to parse requirement: values[0][n]: Invalid value: "-1": {VALUE_ERR}'),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("a=b,", "found '', expected: identifier after ','"),
        ("a,,b", "found ',', expected: identifier after ','"),
        ("(a)", "found '(', expected: !, identifier, or 'end of string'"),
        ("a_=b", f'unable to parse requirement: <nil>: Invalid value: "a_": {KEY_ERR}'),
        ("/a", 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'),
        ("a=b c!", "found 'c', expected: ',' or 'end of string'"),
        ("a=my_app!", "found '!', expected: ',' or 'end of string'"),
        ("a=-b", f'unable to parse requirement: values[0][a]: Invalid value: "-b": {VALUE_ERR}'),
        ("a in (-x,y-)", f'unable to parse requirement: [values[0][a]: Invalid value: "-x": {VALUE_ERR}, '
                         f'values[1][a]: Invalid value: "y-": {VALUE_ERR}]'),
        ("a>x", "unable to parse requirement: values[0]: Invalid value: \"x\": "
                "for 'Gt', 'Lt' operators, the value must be an integer"),
        ("a=" + "v" * 64, 'unable to parse requirement: values[0][a]: Invalid value: "' + "v" * 64
         + '": must be no more than 63 characters'),
    ],
)
def test_parse_errors_are_upstream_400s(selector: str, message: str) -> None:
    with pytest.raises(StatusError) as info:
        labels.parse(selector)
    err = info.value
    assert (err.code, err.reason, err.message) == (400, "BadRequest", message)
    assert err.status["message"] == message


def test_too_many_slashes_in_key() -> None:
    with pytest.raises(StatusError) as info:
        labels.parse("a/b/c")
    assert info.value.message.startswith('unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ')
    assert info.value.message.endswith("with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")


# --- metav1.LabelSelector


def test_label_selector_none_selects_nothing_empty_selects_everything() -> None:
    assert labels.selector_from_label_selector(None) is labels.NOTHING
    sel = labels.selector_from_label_selector({})
    assert sel.empty and sel.matches({"any": "thing"})


def test_label_selector_matches() -> None:
    sel = labels.selector_from_label_selector({
        "matchLabels": {"app": "web"},
        "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "staging"]},
            {"key": "tier", "operator": "NotIn", "values": ["db"]},
            {"key": "replicas", "operator": "Exists"},
            {"key": "legacy", "operator": "DoesNotExist"},
        ],
    })
    assert sel.matches(POD)
    assert not sel.matches({**POD, "legacy": "1"})
    assert not sel.matches({**POD, "env": "dev"})
    assert sel.string() == "app=web,env in (prod,staging),!legacy,replicas,tier notin (db)"


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ({"matchExpressions": [{"key": "a", "operator": "In"}]},
         "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"),
        ({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
         'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'),
        ({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
         '"Gt" is not a valid label selector operator'),
        ({"matchLabels": {"a_": "b"}}, f'key: Invalid value: "a_": {KEY_ERR}'),
        ({"matchLabels": {"a": "b c"}}, f'values[0][a]: Invalid value: "b c": {VALUE_ERR}'),
    ],
)
def test_label_selector_errors(selector: dict[str, object], message: str) -> None:
    with pytest.raises(StatusError) as info:
        labels.selector_from_label_selector(selector)
    assert (info.value.code, info.value.message) == (400, message)


def test_selector_from_set() -> None:
    sel = labels.selector_from_set({"b": "2", "a": "1"})
    assert sel.string() == "a=1,b=2"
    assert sel.matches({"a": "1", "b": "2", "c": "3"}) and not sel.matches({"a": "1"})


# --- properties

_names = st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?", fullmatch=True)
_label_sets = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["x", "y", "z", "1", "20"]))


@given(_label_sets, st.sampled_from(["a", "b", "c"]), _names)
def test_equality_semantics(lbls: dict[str, str], key: str, value: str) -> None:
    assert labels.parse(f"{key}={value}").matches(lbls) is (lbls.get(key) == value)
    assert labels.parse(f"{key}!={value}").matches(lbls) is (lbls.get(key) != value)
    assert labels.parse(key).matches(lbls) is (key in lbls)
    assert labels.parse(f"!{key}").matches(lbls) is (key not in lbls)


@given(_label_sets, st.lists(st.sampled_from(["a in (x,y)", "b notin (z)", "c", "!d", "a>5", "b<30", "c==1"]),
                             max_size=4))
def test_string_round_trips_and_and_semantics(lbls: dict[str, str], reqs: list[str]) -> None:
    sel = labels.parse(",".join(reqs))
    again = labels.parse(sel.string())
    assert again.string() == sel.string()
    assert sel.matches(lbls) is again.matches(lbls) is all(labels.parse(r).matches(lbls) for r in reqs)
