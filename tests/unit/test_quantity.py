"""Resource quantities: the canonical strings the API server stores and returns."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelite.machinery.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    QuantityError,
    canonicalize_quantity,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "canonical", "fmt"),
    [
        ("0", "0", DECIMAL_SI),
        ("100m", "100m", DECIMAL_SI),
        ("0.5", "500m", DECIMAL_SI),
        ("1.5", "1500m", DECIMAL_SI),
        ("1000m", "1", DECIMAL_SI),
        ("2000", "2k", DECIMAL_SI),
        ("1500000", "1500k", DECIMAL_SI),
        ("0.1m", "100u", DECIMAL_SI),
        ("1n", "1n", DECIMAL_SI),
        ("0.0000000001", "1n", DECIMAL_SI),  # below a nano rounds up to one
        ("-0.0000000001", "-1n", DECIMAL_SI),
        ("1G", "1G", DECIMAL_SI),
        ("1E", "1E", DECIMAL_SI),
        ("1Gi", "1Gi", BINARY_SI),
        ("1024Mi", "1Gi", BINARY_SI),
        ("2048Ki", "2Mi", BINARY_SI),
        ("1.5Gi", "1536Mi", BINARY_SI),
        ("1.5Ki", "1536", BINARY_SI),
        ("0.5Ki", "512", BINARY_SI),  # below 1024 prints as decimal
        ("1.1Ki", "1126400m", BINARY_SI),  # fractional prints as decimal
        ("-1Ki", "-1Ki", BINARY_SI),
        ("10Ei", "9223372036854775807", BINARY_SI),  # capped at int64
        ("1e3", "1e3", DECIMAL_EXPONENT),
        ("12e6", "12e6", DECIMAL_EXPONENT),
        ("1.5e3", "1500", DECIMAL_EXPONENT),
        ("5e-1", "500e-3", DECIMAL_EXPONENT),
        ("10000000000000000000", "10E", DECIMAL_SI),  # past int64, exact
        (".", "0", DECIMAL_SI),
        ("-0", "0", DECIMAL_SI),
    ],
)
def test_canonical_form(text: str, canonical: str, fmt: str) -> None:
    q = parse_quantity(text)
    assert (str(q), q.format) == (canonical, fmt)


@pytest.mark.parametrize("text", ["+1k", "01", "1E3", "1.Ki"])
def test_inputs_upstream_already_deems_canonical_are_echoed(text: str) -> None:
    assert str(parse_quantity(text)) == text


def test_values_are_exact() -> None:
    assert parse_quantity("1.5Gi").to_fraction() == Fraction(3 * 2**29)
    assert parse_quantity("100m").to_decimal() == Decimal("0.1")
    assert parse_quantity("-2.5k").to_fraction() == -2500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ERR_FORMAT_WRONG),
        ("abc", ERR_FORMAT_WRONG),
        ("1 ", ERR_FORMAT_WRONG),
        ("1.5.5", ERR_FORMAT_WRONG),
        ("1Kib", ERR_FORMAT_WRONG),
        ("1e", ERR_SUFFIX),
        ("1ki", ERR_SUFFIX),
        ("1Ki3", ERR_SUFFIX),
        ("Ei", ERR_NUMERIC),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert str(info.value) == message


def test_error_text() -> None:
    assert ERR_FORMAT_WRONG == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


def test_canonicalize_json_values() -> None:
    assert canonicalize_quantity(" 1Gi ") == "1Gi"
    assert canonicalize_quantity(2) == "2"
    assert canonicalize_quantity(0.5) == "500m"
    with pytest.raises(QuantityError):
        canonicalize_quantity(True)


_decimals = st.builds(
    lambda sign, whole, frac: f"{sign}{whole}" + (f".{frac}" if frac else ""),
    st.sampled_from(["", "-"]),
    st.integers(min_value=0, max_value=10**15),
    st.from_regex(r"[0-9]{0,9}", fullmatch=True),
)


@given(_decimals, st.sampled_from(["", "m", "k", "M", "G", "Ki", "Mi", "Gi", "e3", "e-2"]))
def test_canonical_strings_are_stable_and_exact(number: str, suffix: str) -> None:
    q = parse_quantity(number + suffix)
    canonical = str(q)
    again = parse_quantity(canonical)
    assert str(again) == canonical
    assert again.to_fraction() == q.to_fraction()
    if suffix in ("", "k", "M", "G", "Ki", "Mi", "Gi"):
        scale = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}[suffix]
        expected = Fraction(number) * scale
        if "i" in suffix and abs(expected) > 2**63 - 1:
            expected = Fraction((2**63 - 1) * (1 if expected > 0 else -1))  # binary quantities are capped at int64
        assert q.to_fraction() == expected  # no rounding at or above nano precision
