"""Name and object-metadata validation, as upstream apimachinery does it.

Owns the string checks of `k8s.io/apimachinery/pkg/util/validation` (DNS-1123
labels and subdomains, qualified names, label values), the metav1 label and
label-selector checks, `ValidateObjectMeta` / `ValidateObjectMetaUpdate` of
`pkg/api/validation`, and `generateName` expansion. Validators return lists of
cause dicts (see `errors.py`) whose messages match upstream's byte for byte,
because kubectl shows them verbatim.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from kubelite.machinery import errors

Cause = dict[str, str]
NameValidator = Callable[[str, bool], list[str]]

# --- Go formatting helpers -------------------------------------------------------------------

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str) -> str:
    """Go's `strconv.Quote` (what `%q` prints), which upstream uses for values in messages."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch.isprintable():  # Python's notion of printable equals Go's unicode.IsPrint
            out.append(ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        else:
            cp = ord(ch)
            if cp < 0x20 or cp == 0x7F:
                out.append(f"\\x{cp:02x}")
            elif cp < 0x10000:
                out.append(f"\\u{cp:04x}")
            else:
                out.append(f"\\U{cp:08x}")
    out.append('"')
    return "".join(out)


def go_string_slice(values: Sequence[str] | None) -> str:
    """`%#v` of a Go []string."""
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(go_quote(v) for v in values) + "}"


def _blen(s: str) -> int:
    # Upstream limits count bytes of UTF-8, not characters.
    return len(s) if s.isascii() else len(s.encode())


def invalid(path: str, value: Any, detail: str) -> Cause:
    """field.Invalid: strings are shown as Go's %q shows them, other values as errors.invalid_value does."""
    if isinstance(value, str):
        return errors.field_error("FieldValueInvalid", path, f"Invalid value: {go_quote(value)}: {detail}")
    return errors.invalid_value(path, value, detail)


def _invalid_raw(path: str, shown: str, detail: str) -> Cause:
    """field.Invalid whose value is already rendered the way Go renders it."""
    return errors.field_error("FieldValueInvalid", path, f"Invalid value: {shown}: {detail}")


# --- string checks (util/validation) -----------------------------------------------------------


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def empty_error() -> str:
    return "must be non-empty"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    # Upstream appends "'ex', " per example and joins with " or ", hence the doubled space.
    return msg + " (e.g. " + " or ".join(f"'{e}', " for e in examples) + f"regex used for validation is '{fmt}')"


_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
_QNAME_RE = re.compile(_QNAME_FMT)
QUALIFIED_NAME_MAX_LENGTH = 63

_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)
LABEL_VALUE_MAX_LENGTH = 63

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_LABEL_RE = re.compile(_DNS1123_LABEL_FMT)
DNS1123_LABEL_MAX_LENGTH = 63

_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
DNS1123_SUBDOMAIN_MAX_LENGTH = 253

_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_ERR = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character"
)
_DNS1035_LABEL_RE = re.compile(_DNS1035_LABEL_FMT)
DNS1035_LABEL_MAX_LENGTH = 63


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if _blen(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _DNS1123_LABEL_RE.fullmatch(value):
        if _DNS1123_SUBDOMAIN_RE.fullmatch(value):
            # A valid subdomain that is not a valid label: length was checked, so it has dots.
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_ERR, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_ERR, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if _blen(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _DNS1035_LABEL_RE.fullmatch(value):
        errs.append(regex_error(_DNS1035_LABEL_ERR, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    """A label key / annotation key / finalizer: `[prefix/]name`."""
    errs = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + empty_error())
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part " + empty_error())
    elif _blen(name) > QUALIFIED_NAME_MAX_LENGTH:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX_LENGTH))
    if not _QNAME_RE.fullmatch(name):
        errs.append("name part " + regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    errs = []
    if _blen(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(max_len_error(LABEL_VALUE_MAX_LENGTH))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


# --- name validators (api/validation/generic.go): prefix=True means generateName -------------


def _mask_trailing_dash(name: str) -> str:
    # Upstream drops two characters here, not one; kept so the same prefixes pass.
    return name[: max(len(name) - 2, 0)] + "a" if name.endswith("-") else name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


validate_namespace_name = name_is_dns_label


# --- generateName --------------------------------------------------------------------------------

_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # upstream's util/rand: no vowels, no look-alikes
_RANDOM_LENGTH = 5
MAX_GENERATED_NAME_LENGTH = 63 - _RANDOM_LENGTH


def generate_name(base: str) -> str:
    """SimpleNameGenerator: base cut to 58 bytes plus 5 random characters."""
    raw = base.encode()
    if len(raw) > MAX_GENERATED_NAME_LENGTH:
        base = raw[:MAX_GENERATED_NAME_LENGTH].decode(errors="ignore")
    return base + "".join(secrets.choice(_NAME_ALPHABET) for _ in range(_RANDOM_LENGTH))


# --- metav1 validation ------------------------------------------------------------------------


def validate_label_name(name: str, path: str) -> list[Cause]:
    return [invalid(path, name, msg) for msg in is_qualified_name(name)]


def validate_labels(labels: Mapping[str, str] | None, path: str) -> list[Cause]:
    """Upstream reports every label problem at the map's path, not at the key."""
    errs: list[Cause] = []
    for k, v in (labels or {}).items():
        errs += validate_label_name(k, path)
        errs += [invalid(path, v, msg) for msg in is_valid_label_value(v)]
    return errs


def validate_label_selector(
    selector: Mapping[str, Any] | None, path: str, allow_invalid_label_value: bool = False
) -> list[Cause]:
    """metav1 validation.ValidateLabelSelector."""
    if selector is None:
        return []
    errs = validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for i, expr in enumerate(selector.get("matchExpressions") or []):
        p = f"{path}.matchExpressions[{i}]"
        op = expr.get("operator", "")
        values = expr.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errs.append(errors.required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(errors.forbidden_field(
                    f"{p}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                ))
        else:
            errs.append(invalid(f"{p}.operator", op, "not a valid selector operator"))
        errs += validate_label_name(expr.get("key", ""), f"{p}.key")
        if not allow_invalid_label_value:
            for j, v in enumerate(values):
                errs += [invalid(f"{p}.values[{j}]", v, msg) for msg in is_valid_label_value(v)]
    return errs


TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024


def validate_annotations(annotations: Mapping[str, str] | None, path: str) -> list[Cause]:
    errs: list[Cause] = []
    total = 0
    for k, v in (annotations or {}).items():
        # Annotation keys are qualified names except that case does not matter.
        errs += [invalid(path, k, msg) for msg in is_qualified_name(k.lower())]
        total += _blen(k) + _blen(v)
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(errors.too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT))
    return errs


def _go_bool_ptr(v: Any) -> str:
    # A non-nil pointer prints as an address in Go; the address itself is meaningless to clients.
    return "(*bool)(nil)" if v is None else "(*bool)(0xc000000000)"


def _go_owner_ref(ref: Mapping[str, Any]) -> str:
    return (
        "v1.OwnerReference{"
        f"APIVersion:{go_quote(ref.get('apiVersion') or '')}, Kind:{go_quote(ref.get('kind') or '')}, "
        f"Name:{go_quote(ref.get('name') or '')}, UID:{go_quote(ref.get('uid') or '')}, "
        f"Controller:{_go_bool_ptr(ref.get('controller'))}, "
        f"BlockOwnerDeletion:{_go_bool_ptr(ref.get('blockOwnerDeletion'))}}}"
    )


def _group_version(api_version: str) -> tuple[str, str] | None:
    """schema.ParseGroupVersion; None where upstream fails to parse."""
    if not api_version:
        return "", ""
    if api_version == "v1":
        return "", "v1"
    n = api_version.count("/")
    if n == 0:
        return "", api_version
    if n == 1:
        g, v = api_version.split("/")
        return g, v
    return None


def validate_owner_references(refs: Sequence[Mapping[str, Any]] | None, path: str) -> list[Cause]:
    errs: list[Cause] = []
    first_controller = ""
    for ref in refs or []:
        # Upstream reports these at the list's path, without the index.
        api_version, kind = ref.get("apiVersion") or "", ref.get("kind") or ""
        gv = _group_version(api_version)
        group, version = gv if gv is not None else ("", "")
        if not version:
            errs.append(invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        if not kind:
            errs.append(invalid(f"{path}.kind", kind, "must not be empty"))
        if not ref.get("name"):
            errs.append(invalid(f"{path}.name", ref.get("name") or "", "must not be empty"))
        if not ref.get("uid"):
            errs.append(invalid(f"{path}.uid", ref.get("uid") or "", "must not be empty"))
        if (group, version, kind) == ("", "v1", "Event"):
            errs.append(_invalid_raw(path, _go_owner_ref(ref), "/v1, Kind=Event is disallowed from being an owner"))
        if ref.get("controller") is True:
            current = f"{kind}/{ref.get('name') or ''}"
            if first_controller:
                shown = "[]v1.OwnerReference{" + ", ".join(_go_owner_ref(r) for r in refs or []) + "}"
                errs.append(_invalid_raw(
                    path, shown,
                    f'Only one reference can have Controller set to true. Found "true" in references for '
                    f"{first_controller} and {current}",
                ))
            else:
                first_controller = current
    return errs


FINALIZER_ORPHAN_DEPENDENTS = "orphan"
FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion"


def validate_finalizers(finalizers: Sequence[str] | None, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for f in finalizers or []:
        errs += [invalid(path, f, msg) for msg in is_qualified_name(f)]
    if finalizers and FINALIZER_ORPHAN_DEPENDENTS in finalizers and FINALIZER_DELETE_DEPENDENTS in finalizers:
        errs.append(_invalid_raw(
            path, go_string_slice(finalizers),
            f"finalizer {FINALIZER_ORPHAN_DEPENDENTS} and {FINALIZER_DELETE_DEPENDENTS} cannot be both set",
        ))
    return errs


# Finalizers built-in kinds may name without a domain (core's IsStandardFinalizerName).
STANDARD_FINALIZERS = frozenset({"kubernetes", FINALIZER_ORPHAN_DEPENDENTS, FINALIZER_DELETE_DEPENDENTS})


def validate_kube_finalizer_names(finalizers: Sequence[str] | None, path: str) -> list[Cause]:
    """Core's validateKubeFinalizerName, which built-in kinds run after the generic
    checks: a name without a domain must be a standard one. A malformed name is
    reported again, as upstream does (it re-runs the generic check)."""
    errs: list[Cause] = []
    for i, f in enumerate(finalizers or []):
        at = f"{path}[{i}]"
        problems = is_qualified_name(f)
        if problems:
            errs += [invalid(at, f, msg) for msg in problems]
        elif "/" not in f and f not in STANDARD_FINALIZERS:
            errs.append(invalid(at, f, "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


FIELD_MANAGER_MAX_LENGTH = 128
MAX_SUBRESOURCE_NAME_LENGTH = 256


def validate_field_manager(manager: str, path: str) -> list[Cause]:
    errs: list[Cause] = []
    if _blen(manager) > FIELD_MANAGER_MAX_LENGTH:
        errs.append(errors.too_long(path, FIELD_MANAGER_MAX_LENGTH))
    pos = 0
    for ch in manager:
        if not ch.isprintable():
            errs.append(invalid(path, manager, f"invalid character U+{ord(ch):04X} (at position {pos})"))
        pos += len(ch.encode())  # Go reports byte offsets
    return errs


def validate_managed_fields(entries: Sequence[Mapping[str, Any]] | None, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, entry in enumerate(entries or []):
        if not isinstance(entry, Mapping):
            continue  # undecodable: the field manager replaces them with the live object's
        p = f"{path}[{i}]"
        op = entry.get("operation") or ""
        if op not in ("Apply", "Update"):
            errs.append(invalid(f"{p}.operation", op, "must be `Apply` or `Update`"))
        fields_type = entry.get("fieldsType") or ""
        if fields_type and fields_type != "FieldsV1":
            errs.append(invalid(f"{p}.fieldsType", fields_type, "must be `FieldsV1`"))
        errs += validate_field_manager(entry.get("manager") or "", f"{p}.manager")
        if _blen(entry.get("subresource") or "") > MAX_SUBRESOURCE_NAME_LENGTH:
            errs.append(errors.too_long(f"{p}.subresource", MAX_SUBRESOURCE_NAME_LENGTH))
    return errs


# --- ObjectMeta ---------------------------------------------------------------------------------


def validate_object_meta(
    meta: Mapping[str, Any], namespaced: bool, name_validator: NameValidator, path: str = "metadata",
    *, builtin: bool = True,
) -> list[Cause]:
    """ValidateObjectMeta for create: expects generateName to have been expanded into name already.
    builtin: the kind is built in, so core's stricter finalizer names apply too."""
    errs: list[Cause] = []
    generate = meta.get("generateName") or ""
    if generate:
        errs += [invalid(f"{path}.generateName", generate, msg) for msg in name_validator(generate, True)]
    name = meta.get("name") or ""
    if not name:
        errs.append(errors.required(f"{path}.name", "name or generateName is required"))
    else:
        errs += [invalid(f"{path}.name", name, msg) for msg in name_validator(name, False)]
    namespace = meta.get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.append(errors.required(f"{path}.namespace"))
        else:
            errs += [invalid(f"{path}.namespace", namespace, msg) for msg in validate_namespace_name(namespace, False)]
    elif namespace:
        errs.append(errors.forbidden_field(f"{path}.namespace", "not allowed on this type"))
    generation = meta.get("generation") or 0
    if generation < 0:
        errs.append(errors.invalid_value(f"{path}.generation", generation, "must be greater than or equal to 0"))
    errs += validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_owner_references(meta.get("ownerReferences"), f"{path}.ownerReferences")
    errs += validate_finalizers(meta.get("finalizers"), f"{path}.finalizers")
    errs += validate_managed_fields(meta.get("managedFields"), f"{path}.managedFields")
    if builtin:
        errs += validate_kube_finalizer_names(meta.get("finalizers"), f"{path}.finalizers")
    return errs


def _go_time(value: str | None) -> str:
    """How Go prints a metav1.Time (time.Time.String) in a field error."""
    if value is None:
        return "null"
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return go_quote(value)
    off = t.utcoffset()
    if off is None or not off:
        return t.strftime("%Y-%m-%d %H:%M:%S +0000 UTC")
    return t.strftime("%Y-%m-%d %H:%M:%S %z")


def _immutable(path: str, new: Any, old: Any, shown: str) -> list[Cause]:
    return [] if new == old else [_invalid_raw(path, shown, "field is immutable")]


def validate_object_meta_update(
    new: Mapping[str, Any], old: Mapping[str, Any], path: str = "metadata", *, builtin: bool = True
) -> list[Cause]:
    """ValidateObjectMetaUpdate. Like upstream's rest.BeforeUpdate, callers fill in uid,
    creationTimestamp and (for unconditional updates) resourceVersion from the old object first."""
    errs: list[Cause] = []
    if old.get("deletionTimestamp"):
        added = sorted(set(new.get("finalizers") or []) - set(old.get("finalizers") or []))
        if added:
            errs.append(errors.forbidden_field(
                f"{path}.finalizers",
                "no new finalizers can be added if the object is being deleted, found new finalizers "
                + go_string_slice(added),
            ))
    if not new.get("resourceVersion"):
        errs.append(invalid(f"{path}.resourceVersion", new.get("resourceVersion") or "", "must be specified for an update"))
    new_gen, old_gen = new.get("generation") or 0, old.get("generation") or 0
    if new_gen < old_gen:
        errs.append(errors.invalid_value(f"{path}.generation", new_gen, "must not be decremented"))
    for key in ("name", "namespace", "uid"):
        nv, ov = new.get(key) or "", old.get(key) or ""
        errs += _immutable(f"{path}.{key}", nv, ov, go_quote(nv))
    errs += _immutable(
        f"{path}.creationTimestamp", new.get("creationTimestamp"), old.get("creationTimestamp"),
        _go_time(new.get("creationTimestamp") or "0001-01-01T00:00:00Z"),
    )
    errs += _immutable(
        f"{path}.deletionTimestamp", new.get("deletionTimestamp"), old.get("deletionTimestamp"),
        _go_time(new.get("deletionTimestamp")),
    )
    grace = new.get("deletionGracePeriodSeconds")
    errs += _immutable(
        f"{path}.deletionGracePeriodSeconds", grace, old.get("deletionGracePeriodSeconds"),
        "null" if grace is None else str(grace),
    )
    errs += validate_labels(new.get("labels"), f"{path}.labels")
    errs += validate_annotations(new.get("annotations"), f"{path}.annotations")
    errs += validate_owner_references(new.get("ownerReferences"), f"{path}.ownerReferences")
    errs += validate_managed_fields(new.get("managedFields"), f"{path}.managedFields")
    if builtin:
        errs += validate_kube_finalizer_names(new.get("finalizers"), f"{path}.finalizers")
    return errs
