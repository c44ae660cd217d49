"""certificates.k8s.io/v1 CertificateSigningRequest: upstream's strategy (the requesting
user is recorded in the spec, the spec is immutable, conditions change only through the
status and approval subresources), validation (pkg/apis/certificates/validation) and
printing. kubelite signs nothing: no signer controller issues certificates."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from cryptography import x509

from kubelite.apis.generic import as_dict, as_list, invalid_shown, is_int
from kubelite.apis.reviews import user_info
from kubelite.endpoints.table import age, human_duration
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "certificates.k8s.io"
LEGACY_UNKNOWN_SIGNER = "kubernetes.io/legacy-unknown"
MIN_EXPIRATION_SECONDS = 600
APPROVAL_TYPES = ("Approved", "Denied")
TRUE_ONLY_TYPES = ("Approved", "Denied", "Failed")
USAGES = sorted([
    "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment",
    "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth", "client auth", "code signing",
    "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing",
    "microsoft sgc", "netscape sgc",
])


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the request itself


def _pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """(type, DER) of each PEM block in data, as Go's pem.Decode walks them."""
    blocks: list[tuple[str, bytes]] = []
    text = data.decode("latin-1")
    while (start := text.find("-----BEGIN ")) >= 0:
        head_end = text.find("-----", start + 11)
        if head_end < 0:
            break
        kind = text[start + 11:head_end]
        end = text.find(f"-----END {kind}-----", head_end)
        if end < 0:
            break
        body = "".join(line for line in text[head_end + 5:end].splitlines() if ":" not in line)
        try:
            blocks.append((kind, base64.b64decode(body, validate=False)))
        except (binascii.Error, ValueError):
            break
        text = text[end + len(kind) + 14:]
    return blocks


def go_bytes(encoded: Any) -> str:
    """`%#v` of a Go []byte given base64-encoded, as field errors show request data."""
    try:
        data = base64.b64decode(encoded or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    return "[]byte{" + ", ".join(f"0x{b:x}" for b in data) + "}" if data else "[]byte(nil)"


def certificate_error(encoded: Any) -> str | None:
    """validateCertificate: status.certificate holds CERTIFICATE PEM blocks only."""
    try:
        data = base64.b64decode(encoded or "", validate=True)
    except (binascii.Error, ValueError):
        return "must contain at least one CERTIFICATE PEM block"
    if not data:
        return None
    blocks = _pem_blocks(data)
    for kind, der in blocks:
        if kind != "CERTIFICATE":
            return f"only CERTIFICATE PEM blocks are allowed, found {validation.go_quote(kind)}"
        try:
            x509.load_der_x509_certificate(der)
        except ValueError as exc:
            return f"x509: malformed certificate: {exc}"
    return None if blocks else "must contain at least one CERTIFICATE PEM block"


def request_error(request: Any) -> str | None:
    """Why spec.request is not a PEM-encoded PKCS#10 request with a valid signature."""
    try:
        data = base64.b64decode(request or "", validate=True)
    except (binascii.Error, ValueError):
        return "PEM block type must be CERTIFICATE REQUEST"
    blocks = _pem_blocks(data)
    if not blocks or blocks[0][0] != "CERTIFICATE REQUEST":
        return "PEM block type must be CERTIFICATE REQUEST"
    try:
        csr = x509.load_der_x509_csr(blocks[0][1])
    except ValueError as exc:
        return f"x509: malformed certificate request: {exc}"
    if not csr.is_signature_valid:
        return "x509: ECDSA verification failure"
    return None


def signer_name_errors(name: str, path: str) -> list[Cause]:
    """core's ValidateSignerName: "example.com/signer-name"."""
    if not name:
        return [errors.required(path)]
    domain, sep, signer = name.partition("/")
    if not sep or "/" in signer:
        return [validation.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")]
    errs: list[Cause] = []
    if len(domain) > validation.DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(errors.too_long(path, validation.DNS1123_SUBDOMAIN_MAX_LENGTH))
    labels = domain.split(".")
    for label in labels:
        if msgs := validation.is_dns1123_label(label):
            # one label's problems only: the others' would read the same
            errs += [validation.invalid(path, domain, f"validating label {validation.go_quote(label)}: {m}") for m in msgs]
            break
    if len(labels) < 2:
        errs.append(validation.invalid(path, domain, "should be a domain with at least two segments separated by dots"))
    if len(signer) > validation.DNS1123_LABEL_MAX_LENGTH:
        errs.append(errors.too_long(path, validation.DNS1123_LABEL_MAX_LENGTH))
    return errs + [validation.invalid(path, signer, m) for m in validation.is_dns1123_subdomain(signer)]


def _usages_errors(usages: list[Any]) -> list[Cause]:
    errs: list[Cause] = [] if usages else [errors.required("spec.usages")]
    seen: set[str] = set()
    for i, usage in enumerate(usages):
        if usage not in USAGES:
            errs.append(errors.not_supported(f"spec.usages[{i}]", usage, USAGES))
    for i, usage in enumerate(usages):
        if usage in seen:
            errs.append(errors.duplicate(f"spec.usages[{i}]", usage))
        seen.add(usage)
    return errs


def condition_errors(conditions: list[Any]) -> list[Cause]:
    """validateConditions: typed, True-only where it must be, Approved xor Denied, no repeats."""
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, condition in enumerate(conditions):
        condition = as_dict(condition)
        path = f"status.conditions[{i}]"
        kind, status = condition.get("type") or "", condition.get("status") or ""
        if not kind:
            errs.append(errors.required(f"{path}.type"))
        allowed = ["True"] if kind in TRUE_ONLY_TYPES else ["False", "True", "Unknown"]
        if not status:
            errs.append(errors.required(f"{path}.status"))
        elif status not in allowed:
            errs.append(errors.not_supported(f"{path}.status", status, allowed))
        other = {"Approved": "Denied", "Denied": "Approved"}.get(kind)
        if other and other in seen:
            errs.append(validation.invalid(f"{path}.type", kind, "Approved and Denied conditions are mutually exclusive"))
        if kind in seen:
            errs.append(errors.duplicate(f"{path}.type", kind))
        seen.add(kind)
    return errs


def validate_csr(obj: Obj) -> list[Cause]:
    """validateCertificateSigningRequest as for a create through v1."""
    spec = as_dict(obj.get("spec"))
    errs: list[Cause] = []
    problem = request_error(spec.get("request"))
    if problem is not None:
        errs.append(invalid_shown("spec.request", go_bytes(spec.get("request")), problem))
    errs += _usages_errors(as_list(spec.get("usages")))
    signer = str(spec.get("signerName") or "")
    if signer == LEGACY_UNKNOWN_SIGNER:
        errs.append(validation.invalid("spec.signerName", signer, "the legacy signerName is not allowed via this API version"))
    else:
        errs += signer_name_errors(signer, "spec.signerName")
    seconds = spec.get("expirationSeconds")
    if is_int(seconds) and seconds < MIN_EXPIRATION_SECONDS:
        errs.append(errors.invalid_value("spec.expirationSeconds", seconds, "may not specify a duration less than 600 seconds (10 minutes)"))
    return errs + condition_errors(as_list(as_dict(obj.get("status")).get("conditions")))


def _of_type(obj: Obj, kind: str) -> list[Any]:
    return [c for c in as_list(as_dict(obj.get("status")).get("conditions")) if as_dict(c).get("type") == kind]


def condition_update_errors(obj: Obj, old: Obj, may_approve: bool) -> list[Cause]:
    """Conditions that decide a request are never removed, and change only by approval."""
    errs: list[Cause] = []
    for kind in TRUE_ONLY_TYPES:
        if len(_of_type(obj, kind)) < len(_of_type(old, kind)):
            errs.append(errors.forbidden_field("status.conditions", f'updates may not remove a condition of type "{kind}"'))
    if may_approve:
        return errs
    for kind in APPROVAL_TYPES:
        new, before = _of_type(obj, kind), _of_type(old, kind)
        if len(new) > len(before):
            errs.append(errors.forbidden_field("status.conditions", f'updates may not add a condition of type "{kind}"'))
        elif len(new) == len(before) and new != before:
            errs.append(errors.forbidden_field("status.conditions", f'updates may not modify a condition of type "{kind}"'))
    return errs


def populate_condition_times(obj: Obj, old: Obj) -> None:
    """populateConditionTimestamps: conditions get update times; a transition time is kept
    from an old condition of the same type and status."""
    now = _now()
    old_conditions = [as_dict(c) for c in as_list(as_dict(old.get("status")).get("conditions"))]
    for condition in as_list(as_dict(obj.get("status")).get("conditions")):
        if not isinstance(condition, dict):
            continue
        if not condition.get("lastUpdateTime"):
            condition["lastUpdateTime"] = now
        if not condition.get("lastTransitionTime"):
            condition["lastTransitionTime"] = next(
                (c["lastTransitionTime"] for c in old_conditions
                 if c.get("type") == condition.get("type") and c.get("status") == condition.get("status")
                 and c.get("lastTransitionTime")), now)


def condition_summary(obj: Obj) -> str:
    """extractCSRStatus: Denied, Approved or Pending, then Failed and Issued."""
    kinds = {as_dict(c).get("type") for c in as_list(as_dict(obj.get("status")).get("conditions"))}
    status = "Denied" if "Denied" in kinds else "Approved" if "Approved" in kinds else "Pending"
    if "Failed" in kinds:
        status += ",Failed"
    if as_dict(obj.get("status")).get("certificate"):
        status += ",Issued"
    return status


class CertificateSigningRequestStrategy(Strategy):
    group = GROUP
    kind = "CertificateSigningRequest"
    resource = "certificatesigningrequests"
    namespaced = False
    has_status = True
    # The subresource whose update is being prepared: its validation differs (only approval
    # may decide the request). prepare and validate run back to back, without an await.
    _subresource = ""

    @property
    def name_validator(self) -> Any:
        return lambda name, prefix: []  # "We don't care what you call your certificate requests."

    def attach(self, store: Any, options: Any) -> None:
        store.admission.append(self._record_requester)

    async def _record_requester(self, operation: str, obj: Obj | None, old: Obj | None, opts: Any) -> None:
        """PrepareForCreate: the spec says who asked, whatever the client wrote there."""
        if operation != "CREATE" or obj is None or not isinstance(obj.get("spec"), dict):
            return
        spec = obj["spec"]
        for key in ("username", "uid", "groups", "extra"):
            spec.pop(key, None)
        # the same fields as a TokenReview's user, empty ones left out
        spec.update(user_info(getattr(opts, "user", None)))

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}  # users cannot create pre-approved requests

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_csr(obj)

    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        # the main resource changes metadata only
        for key in ("spec", "status"):
            if key in old:
                obj[key] = old[key]
            else:
                obj.pop(key, None)

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return self._validate_change(obj, old, "")

    def prepare_for_subresource_update(self, subresource: str, obj: Obj, old: Obj) -> None:
        self._subresource = subresource
        if subresource == "approval":
            # only the conditions come from the request
            populate_condition_times(obj, old)
            conditions = as_dict(obj.get("status")).get("conditions")
            super().prepare_for_status_update(obj, old)
            obj["status"] = {k: v for k, v in as_dict(old.get("status")).items() if k != "conditions"}
            if conditions is not None:
                obj["status"]["conditions"] = conditions
            return
        super().prepare_for_status_update(obj, old)
        self._keep_decisions(obj, old)
        populate_condition_times(obj, old)

    @staticmethod
    def _keep_decisions(obj: Obj, old: Obj) -> None:
        """The status endpoint keeps Approved/Denied conditions as they were (preserveConditionInstances)."""
        conditions = as_list(as_dict(obj.get("status")).get("conditions"))
        for kind in APPROVAL_TYPES:
            before = _of_type(old, kind)
            at = [i for i, c in enumerate(conditions) if as_dict(c).get("type") == kind]
            if len(at) == len(before):
                for i, condition in zip(at, before, strict=True):
                    conditions[i] = condition

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        subresource, self._subresource = self._subresource, ""
        return self._validate_change(obj, old, subresource)

    def _validate_change(self, obj: Obj, old: Obj, subresource: str) -> list[Cause]:
        """validateCertificateSigningRequestUpdate: through /approval a request may be decided,
        through /status it may get its certificate, once."""
        errs = validate_csr(obj) + condition_update_errors(obj, old, subresource == "approval")
        certificate = as_dict(obj.get("status")).get("certificate")
        before = as_dict(old.get("status")).get("certificate")
        if certificate != before:
            problem = certificate_error(certificate)
            if problem is not None:
                errs.append(validation.invalid("status.certificate", "<certificate data>", problem))
            if subresource != "status":
                errs.append(errors.forbidden_field("status.certificate", "updates may not set certificate content"))
            elif before:
                errs.append(errors.forbidden_field("status.certificate", "updates may not modify existing certificate content"))
        return errs + validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            AGE_COLUMN,
            TableColumn("SignerName", description="Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`."),
            TableColumn("Requestor", description="Base64-encoded PKCS#10 CSR data"),
            TableColumn("RequestedDuration", description="expirationSeconds is the requested duration of validity of the issued certificate."),
            TableColumn("Condition", description="Conditions applied to the request, such as approval or denial."),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = as_dict(obj.get("spec"))
        seconds = spec.get("expirationSeconds")
        return [
            obj["metadata"].get("name", ""), age(obj["metadata"].get("creationTimestamp")),
            spec.get("signerName") or "<none>", spec.get("username") or "",
            human_duration(seconds) if is_int(seconds) else "<none>", condition_summary(obj),
        ]

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["spec.signerName"] = str(as_dict(obj.get("spec")).get("signerName") or "")
        return fields

    extra_fields = ("spec.signerName",)


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "CertificateSigningRequest"): CertificateSigningRequestStrategy,
}
