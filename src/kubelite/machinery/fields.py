"""Field selectors: upstream's `k8s.io/apimachinery/pkg/fields` parser and matcher.

Owns the `fieldSelector` syntax (comma-separated `field=value`, `field==value`,
`field!=value`, with `\\`, `,` and `=` escaped by a backslash in values), its
error messages, matching against an object's selectable fields, and the
apiserver's per-kind check of which fields may be selected on (the field-label
conversion that answers `field label not supported: ...`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from kubelite.machinery.errors import bad_request
from kubelite.machinery.validation import go_quote

EQUALS = "="
NOT_EQUALS = "!="

Requirement = tuple[str, str, str]  # (field, operator, value); "==" is reported as "="


class Selector:
    """An AND of (field, operator, value) terms; a missing field reads as ""."""

    __slots__ = ("requirements", "_terms")

    def __init__(self, requirements: Iterable[Requirement] = ()) -> None:
        self.requirements: list[Requirement] = list(requirements)
        # (field, value, wanted result of the equality test), precomputed for matches().
        self._terms = tuple((f, v, op == EQUALS) for f, op, v in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, fields: Mapping[str, str]) -> bool:
        # A plain loop: all() over a generator costs more than the comparisons on this hot path.
        for f, v, eq in self._terms:  # noqa: SIM110
            if (fields.get(f, "") == v) is not eq:
                return False
        return True

    def requires_exact_match(self, field: str) -> str | None:
        for f, op, v in self.requirements:
            if f == field and op == EQUALS:
                return v
        return None

    def transform(self, fn: Callable[[str, str], tuple[str, str]]) -> Selector:
        """Selector.Transform: map every term; a term mapped to ("", "") is dropped."""
        out = []
        for f, op, v in self.requirements:
            nf, nv = fn(f, v)
            if nf or nv:
                out.append((nf, op, nv))
        return Selector(out)

    def string(self) -> str:
        return ",".join(f"{f}{op}{escape_value(v)}" for f, op, v in self.requirements)

    def __str__(self) -> str:
        return self.string()

    def __repr__(self) -> str:
        return f"Selector({self.string()!r})"


EVERYTHING = Selector()


def escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_value(value: str) -> str:
    """UnescapeValue; raises ValueError with upstream's message."""
    if "\\" not in value and "," not in value and "=" not in value:
        return value
    out = []
    in_slash = False
    for ch in value:
        if in_slash:
            if ch not in "\\,=":
                raise ValueError(f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch in ",=":
            # Upstream formats the rune with %v, i.e. as its code point number.
            raise ValueError(f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if in_slash:
        raise ValueError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(selector: str) -> list[str]:
    """Split on commas not escaped by a backslash; the backslashes stay in the terms."""
    if not selector:
        return []
    terms, start, in_slash = [], 0, False
    for i, ch in enumerate(selector):
        if in_slash:
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == ",":
            terms.append(selector[start:i])
            start = i + 1
    terms.append(selector[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    # The first operator occurrence splits; "!=" and "==" are tried before "=" at each position.
    for i in range(len(term)):
        for op in ("!=", "==", "="):
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op):]
    return None


def parse(selector: str) -> Selector:
    """fields.ParseSelector; errors are a 400 with upstream's message."""
    reqs: list[Requirement] = []
    # Upstream sorts the raw terms before parsing, which fixes the order of requirements.
    for part in sorted(_split_terms(selector)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise bad_request(f"invalid selector: '{selector}'; can't understand '{part}'")
        lhs, op, rhs = split
        try:
            value = unescape_value(rhs)
        except ValueError as exc:
            raise bad_request(str(exc)) from None
        reqs.append((lhs, NOT_EQUALS if op == "!=" else EQUALS, value))
    return Selector(reqs)


parse_selector = parse

# Kinds whose API group registers its own field-label conversion (and so its own wording);
# every other kind gets runtime.DefaultMetaV1FieldSelectorConversion's message.
_NOT_SUPPORTED = "field label not supported: {label}"
_CUSTOM_CONVERSIONS: dict[tuple[str, str, str], str] = {
    **{("", "v1", r): _NOT_SUPPORTED
       for r in ("pods", "nodes", "replicationcontrollers", "events", "namespaces", "secrets", "services")},
    ("events.k8s.io", "v1", "events"): _NOT_SUPPORTED,
}
_EVENTS_V1_LABELS = {
    "reason": "reason", "type": "type", "reportingController": "reportingComponent",
    "metadata.namespace": "metadata.namespace", "metadata.name": "metadata.name",
    **{f"regarding.{f}": f"involvedObject.{f}"
       for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")},
}
# Field names a conversion rewrites before checking (old clients send spec.host for pods;
# events.k8s.io/v1 names the stored core Event's fields its own way).
_ALIASES: dict[tuple[str, str, str], dict[str, str]] = {
    ("", "v1", "pods"): {"spec.host": "spec.nodeName"},
    ("events.k8s.io", "v1", "events"): _EVENTS_V1_LABELS,
}
# Conversions that accept only the names they map (whatever the stored kind supports).
_ONLY_ALIASES = {("events.k8s.io", "v1", "events")}


def check_supported(
    selector: Selector, supported: set[str] | frozenset[str], resource: str, version: str, group: str = ""
) -> Selector:
    """The list/watch handler's field-label conversion: raise upstream's 400 for the first
    (in parse order) field the kind cannot select on; return the selector with fields renamed.

    `version` may be an apiVersion ("apps/v1"), which also gives the group.
    """
    if "/" in version:
        group, version = version.split("/", 1)
    gvr = (group, version, resource)
    template = _CUSTOM_CONVERSIONS.get(gvr)
    aliases = _ALIASES.get(gvr, {})

    only_aliases = gvr in _ONLY_ALIASES

    def convert(label: str, value: str) -> tuple[str, str]:
        target = aliases.get(label, label)
        if target in supported and (label in aliases or not only_aliases):
            return target, value
        if template is not None:
            raise bad_request(template.format(label=label))
        raise bad_request(
            f'{go_quote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"'
        )

    return selector.transform(convert)


__all__ = [
    "EQUALS", "EVERYTHING", "NOT_EQUALS", "Requirement", "Selector", "check_supported", "escape_value",
    "parse", "parse_selector", "unescape_value",
]
