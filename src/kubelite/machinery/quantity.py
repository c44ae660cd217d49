"""Resource quantities: upstream's `k8s.io/apimachinery/pkg/api/resource.Quantity`.

Owns parsing ("100m", "1Gi", "1e3", "0.5"), the error texts for malformed values,
and the string a quantity serializes to. That string is the canonical form
(largest suffix that loses nothing, no fractional digits, e.g. "1.5" -> "1500m",
"1.5Gi" -> "1536Mi"), except that, like upstream, an input that its fast path
already deems canonical is echoed verbatim (so "+1k" and "01" round-trip as given).
Values are exact (integer mantissa, power-of-ten exponent), never floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

_SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = f"quantities must match the regular expression '{_SPLIT_RE}'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DEC_BY_EXP = {e: s for s, e in _DEC_SUFFIXES.items()}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BIN_BY_POWER = {e // 10: s for s, e in _BIN_SUFFIXES.items()}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_INT64_MAX = 2**63 - 1
_MAX_INT64_FACTORS = 18  # decimal digits that always fit an int64


class QuantityError(ValueError):
    """A malformed quantity; str() is upstream's message."""


def _digit(c: str) -> bool:
    return "0" <= c <= "9"


@dataclass(frozen=True)
class Quantity:
    mantissa: int  # the value is mantissa * 10**exponent
    exponent: int
    format: str
    original: str | None = None  # kept when upstream would echo the input

    def __str__(self) -> str:
        return self.original if self.original is not None else self.canonical()

    def to_decimal(self) -> Decimal:
        return Decimal(self.mantissa).scaleb(self.exponent)

    def to_fraction(self) -> Fraction:
        return Fraction(self.mantissa) * Fraction(10) ** self.exponent

    def canonical(self) -> str:
        """CanonicalizeBytes."""
        m, e = self.mantissa, self.exponent
        if m == 0:
            return "0"
        fmt = self.format
        if fmt == BINARY_SI:
            value = self.to_fraction()
            if -1024 < value < 1024 or value.denominator != 1:
                fmt = DECIMAL_SI  # small or fractional binary values print as decimal
            else:
                n = abs(int(value))
                power = 0
                while n >= 1024 and n % 1024 == 0:
                    n //= 1024
                    power += 1
                return f"{'-' if value < 0 else ''}{n}{_BIN_BY_POWER.get(power, '')}"
        while m % 10 == 0:
            m //= 10
            e += 1
        while e % 3:
            m *= 10
            e -= 1
        if fmt == DECIMAL_EXPONENT:
            return f"{m}e{e}" if e else str(m)
        # Upstream ignores a missing suffix (exponent beyond E), printing the bare mantissa.
        return f"{m}{_DEC_BY_EXP.get(e, '')}"


def _split(s: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, num, denom, suffix)."""
    positive, pos, end = True, 0, len(s)
    if s[0] == "-":
        positive, pos = False, 1
    elif s[0] == "+":
        pos = 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    i = pos
    while i < end and _digit(s[i]):
        i += 1
    if i >= end:
        return positive, s, s[pos:], "", ""
    num, pos = s[pos:i] or "0", i
    denom = ""
    if s[pos] == ".":
        pos += 1
        i = pos
        while i < end and _digit(s[i]):
            i += 1
        if i >= end:
            return positive, s, num, s[pos:], ""
        denom, pos = s[pos:i], i
    value = s[:pos]
    start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and _digit(s[pos]):
        pos += 1
    if pos < end:
        raise QuantityError(ERR_FORMAT_WRONG)
    return positive, value, num, denom, s[start:]


def _interpret(suffix: str) -> tuple[int, int, str]:
    """(base, exponent, format) of a suffix."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        rest = suffix[1:]
        body = rest[1:] if rest[0] in "+-" else rest
        if body.isascii() and body.isdigit():
            n = int(rest)
            if -(2**63) <= n <= _INT64_MAX:
                return 10, (n + 2**31) % 2**32 - 2**31, DECIMAL_EXPONENT  # Go truncates to int32
    raise QuantityError(ERR_SUFFIX)


def parse_quantity(s: str) -> Quantity:
    """resource.ParseQuantity: no surrounding whitespace allowed."""
    if not s:
        raise QuantityError(ERR_FORMAT_WRONG)
    if s == "0":
        return Quantity(0, 0, DECIMAL_SI, "0")
    positive, value, num, denom, suffix = _split(s)
    base, exponent, fmt = _interpret(suffix)

    # The int64 fast path, taken when the digits cannot overflow; only it may echo the input.
    mantissa, scale, precision = 1, 0, -1
    if fmt != BINARY_SI:
        scale, precision = exponent, _MAX_INT64_FACTORS - len(num) - len(denom)
    elif exponent >= 0 and not denom:
        mantissa, precision = 1 << exponent, 15 - len(num) - exponent * 3 // 10 - 1
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = num + denom
            digits = int(shifted)
            result = digits * mantissa
            if result <= _INT64_MAX:
                if fmt == BINARY_SI:
                    canonical = exponent % 10 == 0 and digits & 7 != 0
                else:
                    canonical = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
                return Quantity(result if positive else -result, scale, fmt, s if canonical else None)

    # The arbitrary-precision path.
    sign = -1 if value.startswith("-") else 1
    unsigned = value.lstrip("+-")
    int_part, _, frac_part = unsigned.partition(".")
    if not (int_part + frac_part):
        raise QuantityError(ERR_NUMERIC)
    m, e = int(int_part + frac_part), -len(frac_part)
    if base == 10:
        e += exponent
    else:
        m <<= exponent
    if m and e < -9:
        # Round the magnitude up to whole nanos: asking for a little gets the smallest unit.
        shift = -9 - e
        if shift > len(str(m)) + 1:
            m = 1
        else:
            q, r = divmod(m, 10**shift)
            m = q + (1 if r else 0)
        e = -9
    if fmt == BINARY_SI:
        if Fraction(m) * Fraction(10) ** e > _INT64_MAX:
            m, e = _INT64_MAX, 0
        elif m and e < 0 and m < 10**-e:
            fmt = DECIMAL_SI  # between 0 and 1
    return Quantity(sign * m, e, fmt)


def canonicalize_quantity(value: str | int | float) -> str:
    """The string upstream stores for a quantity field given as JSON (string or number).
    Raises QuantityError with upstream's message."""
    if isinstance(value, bool):
        raise QuantityError(ERR_FORMAT_WRONG)
    text = value.strip() if isinstance(value, str) else repr(value)
    return str(parse_quantity(text))


__all__ = [
    "BINARY_SI", "DECIMAL_EXPONENT", "DECIMAL_SI", "ERR_FORMAT_WRONG", "ERR_NUMERIC", "ERR_SUFFIX",
    "Quantity", "QuantityError", "canonicalize_quantity", "parse_quantity",
]
