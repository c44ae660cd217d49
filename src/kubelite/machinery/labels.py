"""Label selectors: upstream's `k8s.io/apimachinery/pkg/labels` parser and matcher.

Owns the selector string syntax (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
`a`, `!a`, `a>1`, `a<1`), its error messages, conversion from a metav1.LabelSelector,
and matching. Parsing reproduces upstream's lexer and recursive-descent parser so
that the 400 messages kubectl prints are the same; `Selector.matches` runs per
object on list and watch, so each selector compiles to one small function.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubelite.machinery.errors import bad_request
from kubelite.machinery.validation import go_quote, go_string_slice, is_qualified_name, is_valid_label_value

# selection.Operator values
IN = "in"
NOT_IN = "notin"
EQUALS = "="
DOUBLE_EQUALS = "=="
NOT_EQUALS = "!="
EXISTS = "exists"
DOES_NOT_EXIST = "!"
GREATER_THAN = "gt"
LESS_THAN = "lt"

_BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)

Labels = Mapping[str, str]

_INT64_RE = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _parse_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64), None on failure."""
    if not (s.isascii() and s.isdigit()) and not _INT64_RE.fullmatch(s):
        return None
    n = int(s)
    return n if _INT64_MIN <= n <= _INT64_MAX else None


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        op = self.operator
        if op == EXISTS:
            return self.key
        if op == DOES_NOT_EXIST:
            return "!" + self.key
        vals = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if op in (IN, NOT_IN):
            return f"{self.key} {op} ({vals})"
        sym = {GREATER_THAN: ">", LESS_THAN: "<"}.get(op, op)
        return f"{self.key}{sym}{vals}"


def _agg(messages: list[str]) -> str:
    """utilerrors aggregate message: dedup, one plain or several in brackets."""
    seen = list(dict.fromkeys(messages))
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


def _invalid(path: str, shown: str, detail: str) -> str:
    return f"{path}: Invalid value: {shown}: {detail}"


def new_requirement(key: str, operator: str, values: Sequence[str] | None) -> Requirement:
    """labels.NewRequirement; raises ValueError with upstream's aggregated message.
    `values=None` stands for a nil Go slice, which prints differently from an empty one."""
    errs: list[str] = []
    key_errs = is_qualified_name(key)
    if key_errs:
        errs.append(_invalid("key", go_quote(key), "; ".join(key_errs)))
    vals = list(values or [])
    if operator in (IN, NOT_IN):
        if not vals:
            errs.append(_invalid("values", go_string_slice(values), "for 'in', 'notin' operators, values set can't be empty"))
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        if len(vals) != 1:
            errs.append(_invalid("values", go_string_slice(values), "exact-match compatibility requires one single value"))
    elif operator in (EXISTS, DOES_NOT_EXIST):
        if vals:
            errs.append(_invalid("values", go_string_slice(values), "values set must be empty for exists and does not exist"))
    elif operator in (GREATER_THAN, LESS_THAN):
        if len(vals) != 1:
            errs.append(_invalid("values", go_string_slice(values), "for 'Gt', 'Lt' operators, exactly one value is required"))
        for i, v in enumerate(vals):
            if _parse_int64(v) is None:
                errs.append(_invalid(f"values[{i}]", go_quote(v), "for 'Gt', 'Lt' operators, the value must be an integer"))
    else:
        supported = ", ".join(go_quote(o) for o in (*_BINARY_OPERATORS, EXISTS, DOES_NOT_EXIST))
        errs.append(f"operator: Unsupported value: {go_quote(operator)}: supported values: {supported}")
    for i, v in enumerate(vals):
        value_errs = is_valid_label_value(v)
        if value_errs:
            errs.append(_invalid(f"values[{i}][{key}]", go_quote(v), "; ".join(value_errs)))
    if errs:
        raise ValueError(_agg(errs))
    return Requirement(key, operator, tuple(vals))


_EMPTY: dict[str, str] = {}


def _compile(reqs: tuple[Requirement, ...]) -> Callable[[Labels | None], bool]:
    """One generated function per selector: no per-requirement calls or dispatch on the hot path.
    Keys and values are bound as globals of the generated code, never spliced into its source."""
    if not reqs:
        return lambda labels: True
    ns: dict[str, Any] = {"_EMPTY": _EMPTY, "_int": _parse_int64}
    terms = []
    for i, r in enumerate(reqs):
        k, v = f"k{i}", f"v{i}"
        ns[k] = r.key
        op = r.operator
        if op in (IN, EQUALS, DOUBLE_EQUALS, NOT_IN, NOT_EQUALS):
            positive = op in (IN, EQUALS, DOUBLE_EQUALS)
            if len(r.values) == 1:
                ns[v] = r.values[0]
                terms.append(f"l.get({k}) {'==' if positive else '!='} {v}")
            else:
                # A missing key yields None, which is in no set of strings: In fails, NotIn holds.
                ns[v] = frozenset(r.values)
                terms.append(f"l.get({k}) {'in' if positive else 'not in'} {v}")
        elif op == EXISTS:
            terms.append(f"{k} in l")
        elif op == DOES_NOT_EXIST:
            terms.append(f"{k} not in l")
        else:
            ns[v] = _parse_int64(r.values[0]) if len(r.values) == 1 else None
            cmp = ">" if op == GREATER_THAN else "<"
            terms.append(f"({v} is not None and (x := l.get({k})) is not None and (n := _int(x)) is not None and n {cmp} {v})")
    src = "def m(labels):\n    l = _EMPTY if labels is None else labels\n    return " + " and ".join(terms) + "\n"
    exec(compile(src, "<label selector>", "exec"), ns)
    fn: Callable[[Labels | None], bool] = ns["m"]
    return fn


class Selector:
    """An AND of requirements; `matches(labels)` takes a label dict (None means no labels).
    `nothing=True` is upstream's labels.Nothing(), which matches no object."""

    __slots__ = ("requirements", "_nothing", "matches")

    def __init__(self, requirements: Sequence[Requirement] = (), nothing: bool = False) -> None:
        # Sorted by key as upstream does, for a deterministic String().
        self.requirements: tuple[Requirement, ...] = tuple(sorted(requirements, key=lambda r: r.key))
        self._nothing = nothing
        self.matches: Callable[[Labels | None], bool] = (
            (lambda labels: False) if nothing else _compile(self.requirements)
        )

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (Nothing() is not empty)."""
        return not self._nothing and not self.requirements

    @property
    def matches_nothing(self) -> bool:
        return self._nothing

    def requires_exact_match(self, label: str) -> str | None:
        for r in self.requirements:
            if r.key == label:
                if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    def add(self, *reqs: Requirement) -> Selector:
        return Selector((*self.requirements, *reqs))

    def string(self) -> str:
        return ",".join(str(r) for r in self.requirements)

    def __str__(self) -> str:
        return self.string()

    def __repr__(self) -> str:
        return "Selector(nothing)" if self._nothing else f"Selector({self.string()!r})"


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)


# --- lexer -------------------------------------------------------------------------------------

_EOS, _CLOSE, _COMMA, _NOT, _DEQ, _EQ, _GT, _ID, _IN, _LT, _NEQ, _NOTIN, _OPEN = range(13)
_STRING_TO_TOKEN = {
    ")": _CLOSE, ",": _COMMA, "!": _NOT, "==": _DEQ, "=": _EQ, ">": _GT, "in": _IN,
    "<": _LT, "!=": _NEQ, "notin": _NOTIN, "(": _OPEN,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")


def _lex(s: str) -> list[tuple[int, str]]:
    """All tokens up to and including end-of-string. Like upstream, a NUL character reads as
    end of input wherever the lexer looks for it."""
    items: list[tuple[int, str]] = []
    pos, end = 0, len(s)
    while True:
        while pos < end and s[pos] in _WHITESPACE:
            pos += 1
        if pos >= end or s[pos] == "\0":
            items.append((_EOS, ""))
            return items
        if s[pos] in _SPECIAL:
            # Longest prefix of the run of special characters that is a token ("!=", not "!" then "=").
            # Every single special character is a token, so upstream's error token cannot occur.
            lit, j = s[pos], pos + 1
            while j < end and s[j] in _SPECIAL and s[pos : j + 1] in _STRING_TO_TOKEN:
                lit = s[pos : j + 1]
                j += 1
            pos = j + 1 if j < end and s[j] == "\0" else j  # upstream consumes a NUL that ends a symbol
            items.append((_STRING_TO_TOKEN[lit], lit))
            continue
        j = pos
        while j < end and s[j] not in _SPECIAL and s[j] not in _WHITESPACE and s[j] != "\0":
            j += 1
        word = s[pos:j]
        pos = j + 1 if j < end and s[j] == "\0" else j  # upstream consumes the NUL that ends a word
        items.append((_STRING_TO_TOKEN.get(word, _ID), word))


class _ParseError(Exception):
    pass


class _Parser:
    def __init__(self, s: str) -> None:
        self.items = _lex(s)
        self.pos = 0

    def lookahead(self, values: bool) -> tuple[int, str]:
        tok, lit = self.items[self.pos]
        # In a value position "in" and "notin" are plain identifiers.
        return (_ID, lit) if values and tok in (_IN, _NOTIN) else (tok, lit)

    def consume(self, values: bool) -> tuple[int, str]:
        item = self.lookahead(values)
        self.pos += 1
        return item

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(True)
            if tok in (_ID, _NOT):
                try:
                    reqs.append(self.requirement())
                except _ParseError as exc:
                    raise _ParseError(f"unable to parse requirement: {exc}") from None
                t, lit2 = self.consume(True)
                if t == _EOS:
                    return reqs
                if t == _COMMA:
                    t2, lit3 = self.lookahead(True)
                    if t2 not in (_ID, _NOT):
                        raise _ParseError(f"found '{lit3}', expected: identifier after ','")
                else:
                    raise _ParseError(f"found '{lit2}', expected: ',' or 'end of string'")
            elif tok == _EOS:
                return reqs
            else:
                raise _ParseError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def requirement(self) -> Requirement:
        key, op = self.key_and_inferred_operator()
        if op in (EXISTS, DOES_NOT_EXIST):
            return self.new(key, op, [])
        op = self.operator()
        values = self.values() if op in (IN, NOT_IN) else self.exact_value()
        return self.new(key, op, sorted(values))

    @staticmethod
    def new(key: str, op: str, values: list[str]) -> Requirement:
        try:
            return new_requirement(key, op, values)
        except ValueError as exc:
            raise _ParseError(str(exc)) from None

    def key_and_inferred_operator(self) -> tuple[str, str]:
        op = ""
        tok, lit = self.consume(True)
        if tok == _NOT:
            op = DOES_NOT_EXIST
            tok, lit = self.consume(True)
        if tok != _ID:
            raise _ParseError(f"found '{lit}', expected: identifier")
        key_errs = is_qualified_name(lit)
        if key_errs:
            # The parser validates keys with a nil field path, which Go prints as "<nil>".
            raise _ParseError(_invalid("<nil>", go_quote(lit), "; ".join(key_errs)))
        if self.lookahead(True)[0] in (_EOS, _COMMA) and op != DOES_NOT_EXIST:
            op = EXISTS
        return lit, op

    def operator(self) -> str:
        tok, lit = self.consume(False)
        op = {_IN: IN, _EQ: EQUALS, _DEQ: DOUBLE_EQUALS, _GT: GREATER_THAN, _LT: LESS_THAN,
              _NOTIN: NOT_IN, _NEQ: NOT_EQUALS}.get(tok)
        if op is None:
            raise _ParseError(f"found '{lit}', expected: {', '.join(_BINARY_OPERATORS)}")
        return op

    def values(self) -> set[str]:
        tok, lit = self.consume(True)
        if tok != _OPEN:
            raise _ParseError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(True)
        if tok in (_ID, _COMMA):
            s = self.identifiers()
            self.consume(True)  # the ')' identifiers() stopped at
            return s
        if tok == _CLOSE:
            self.consume(True)
            return {""}
        raise _ParseError(f"found '{lit}', expected: ',', ')' or identifier")

    def identifiers(self) -> set[str]:
        s: set[str] = set()
        while True:
            tok, lit = self.consume(True)
            if tok == _ID:
                s.add(lit)
                tok2, lit2 = self.lookahead(True)
                if tok2 == _COMMA:
                    continue
                if tok2 == _CLOSE:
                    return s
                raise _ParseError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _COMMA:
                # Empty entries ("(,a" / "a,,b" / "a,)") stand for the empty value.
                if not s:
                    s.add("")
                tok2 = self.lookahead(True)[0]
                if tok2 == _CLOSE:
                    s.add("")
                    return s
                if tok2 == _COMMA:
                    s.add("")
            else:
                raise _ParseError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.lookahead(True)[0] in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume(True)
        if tok == _ID:
            return {lit}
        raise _ParseError(f"found '{lit}', expected: identifier")


@functools.lru_cache(maxsize=512)
def _parse_cached(selector: str) -> Selector | str:
    try:
        return Selector(_Parser(selector).parse())
    except _ParseError as exc:
        return str(exc)


def parse(selector: str) -> Selector:
    """labels.Parse; a syntax or validation error is a 400 with upstream's message.
    Selectors are immutable, so repeated strings (watches, controllers) share one compiled selector."""
    result = _parse_cached(selector)
    if isinstance(result, str):
        raise bad_request(result)
    return result


parse_selector = parse


def selector_from_set(labels: Labels | None) -> Selector:
    """labels.SelectorFromSet: equality on every pair, without validation."""
    return Selector([Requirement(k, EQUALS, (v,)) for k, v in (labels or {}).items()])


_SELECTOR_OPS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def selector_from_label_selector(ps: Mapping[str, Any] | None) -> Selector:
    """metav1.LabelSelectorAsSelector: None selects nothing, an empty selector everything.
    Invalid content raises a 400 with upstream's error text."""
    if ps is None:
        return NOTHING
    match_labels = ps.get("matchLabels") or {}
    exprs = ps.get("matchExpressions") or []
    if not match_labels and not exprs:
        return EVERYTHING
    reqs: list[Requirement] = []
    try:
        for k, v in match_labels.items():
            reqs.append(new_requirement(k, EQUALS, [v]))
        for expr in exprs:
            op = _SELECTOR_OPS.get(expr.get("operator", ""))
            if op is None:
                raise ValueError(f"{go_quote(expr.get('operator') or '')} is not a valid label selector operator")
            values = expr.get("values")
            reqs.append(new_requirement(expr.get("key", ""), op, list(values) if values else None))
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return Selector(reqs)


__all__ = [
    "EVERYTHING", "NOTHING", "Requirement", "Selector", "new_requirement", "parse",
    "parse_selector", "selector_from_label_selector", "selector_from_set",
]
