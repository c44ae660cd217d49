"""Defaults and validation shared by Pod and every pod template (upstream's
SetDefaults_PodSpec / SetDefaults_Container / SetDefaults_Volume and ValidatePodSpec /
ValidatePodTemplateSpec, the parts clients meet), plus resource quantities.

Values arrive as decoded JSON that only had unknown fields pruned, so every accessor
here tolerates a wrong type (the validators report it, nothing raises).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any, TypeGuard

from kubelite.machinery import errors, validation
from kubelite.machinery.quantity import Quantity, QuantityError, parse_quantity

Obj = dict[str, Any]
Cause = dict[str, str]


# --- small helpers ---------------------------------------------------------------------------


def as_dict(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def not_found(path: str, value: str) -> Cause:
    return errors.field_error("FieldValueNotFound", path, f"Not found: {validation.go_quote(value)}")


def invalid_raw(path: str, shown: str, detail: str) -> Cause:
    """field.Invalid for a value Go prints without quotes (numbers, quantities)."""
    return errors.field_error("FieldValueInvalid", path, f"Invalid value: {shown}: {detail}")


def nonnegative(value: Any, path: str) -> list[Cause]:
    """ValidateNonnegativeField."""
    if is_int(value) and value < 0:
        return [errors.invalid_value(path, value, "must be greater than or equal to 0")]
    return []


def inclusive_range(value: Any, lo: int, hi: int, path: str) -> list[Cause]:
    if is_int(value) and not lo <= value <= hi:
        return [errors.invalid_value(path, value, f"must be between {lo} and {hi}, inclusive")]
    return []


def dns_label(value: Any, path: str) -> list[Cause]:
    return [validation.invalid(path, value, m) for m in validation.is_dns1123_label(str(value))]


def dns_subdomain(value: Any, path: str) -> list[Cause]:
    return [validation.invalid(path, value, m) for m in validation.is_dns1123_subdomain(str(value))]


def qualified_name(value: Any, path: str) -> list[Cause]:
    return [validation.invalid(path, value, m) for m in validation.is_qualified_name(str(value))]


def not_supported(path: str, value: Any, valid: Iterable[str]) -> Cause:
    return errors.not_supported(path, value, list(valid))


# --- ports ---------------------------------------------------------------------------------------

_PORT_NAME_CHARSET = re.compile(r"^[-a-z0-9]+$")
_PORT_NAME_LETTER = re.compile(r"[a-z]")
PROTOCOLS = ("SCTP", "TCP", "UDP")


def port_num_errors(port: Any) -> list[str]:
    if not is_int(port) or not 1 <= port <= 65535:
        return ["must be between 1 and 65535, inclusive"]
    return []


def port_name_errors(name: str) -> list[str]:
    """validation.IsValidPortName (an IANA_SVC_NAME)."""
    errs = []
    if len(name) > 15:
        errs.append(validation.max_len_error(15))
    if not _PORT_NAME_CHARSET.match(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def validate_port_num_or_name(port: Any, path: str) -> list[Cause]:
    """ValidatePortNumOrName for an IntOrString."""
    if isinstance(port, str):
        return [validation.invalid(path, port, m) for m in port_name_errors(port)]
    if port is None:
        port = 0  # an unset IntOrString is the integer 0
    if is_int(port):
        return [errors.invalid_value(path, port, m) for m in port_num_errors(port)]
    return [errors.field_error("InternalError", path, "Internal error: unknown type")]


# --- quantities ---------------------------------------------------------------------------------

QUANTITY_FIELDS = ("requests", "limits")


def resource_quantity(value: Any, kind: str) -> str:
    """A quantity as upstream stores it in a ResourceList: parsed, rounded up to milli
    precision (SetDefaults_ResourceList) and printed canonically. A malformed one fails
    the request as upstream's decoder does (400)."""
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise QuantityError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
        q = parse_quantity(value.strip() if isinstance(value, str) else repr(value))
    except QuantityError as exc:
        raise errors.bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: {exc}') from None
    if q.exponent < -3:
        # RoundUp(-3): anything finer than a milli-unit becomes the next milli-unit.
        scale = 10 ** (-3 - q.exponent)
        magnitude, rest = divmod(abs(q.mantissa), scale)
        if rest:
            magnitude += 1  # away from zero, as inf.Dec's RoundUp
        q = Quantity(magnitude if q.mantissa >= 0 else -magnitude, -3, q.format)
    return str(q)


def canonicalize_resource_list(resources: Any, kind: str) -> None:
    if isinstance(resources, dict):
        for name, value in list(resources.items()):
            resources[name] = resource_quantity(value, kind)


def quantity_of(value: Any) -> Quantity | None:
    try:
        return parse_quantity(str(value))
    except QuantityError:
        return None


# --- defaults ------------------------------------------------------------------------------------


def _default_http_get(http: Any) -> None:
    if isinstance(http, dict):
        http.setdefault("path", "/")
        http.setdefault("scheme", "HTTP")


def _default_probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    _default_http_get(probe.get("httpGet"))


def _image_pull_policy(image: str) -> str:
    # Upstream: the tag parsed from the image; no tag and no digest means "latest".
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last or last.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def default_container(c: Any, kind: str = "Pod") -> None:
    if not isinstance(c, dict):
        return
    # An image that does not parse (or none) has no "latest" tag: IfNotPresent, as upstream.
    c.setdefault("imagePullPolicy", _image_pull_policy(c["image"]) if isinstance(c.get("image"), str) and c["image"] else "IfNotPresent")
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    resources = c.setdefault("resources", {})
    if isinstance(resources, dict):
        for key in QUANTITY_FIELDS:
            canonicalize_resource_list(resources.get(key), kind)
    for port in as_list(c.get("ports")):
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(c.get(name))
    lifecycle = as_dict(c.get("lifecycle"))
    for hook in ("postStart", "preStop"):
        _default_http_get(as_dict(lifecycle.get(hook)).get("httpGet"))
    for env in as_list(c.get("env")):
        ref = as_dict(as_dict(as_dict(env).get("valueFrom")).get("fieldRef"))
        if ref:
            ref.setdefault("apiVersion", "v1")


_MODE_SOURCES = ("secret", "configMap", "projected", "downwardAPI")


def default_volume(vol: Any, kind: str = "Pod") -> None:
    if not isinstance(vol, dict):
        return
    if set(vol) <= {"name"}:
        # SetDefaults_Volume: a volume naming no source is an emptyDir.
        vol["emptyDir"] = {}
    for source in _MODE_SOURCES:
        if isinstance(vol.get(source), dict):
            vol[source].setdefault("defaultMode", 420)
    if isinstance(vol.get("hostPath"), dict):
        vol["hostPath"].setdefault("type", "")
    empty = vol.get("emptyDir")
    if isinstance(empty, dict) and "sizeLimit" in empty:
        empty["sizeLimit"] = resource_quantity(empty["sizeLimit"], kind)
    for item in as_list(as_dict(vol.get("downwardAPI")).get("items")):
        ref = as_dict(as_dict(item).get("fieldRef"))
        if ref:
            ref.setdefault("apiVersion", "v1")
    for src in as_list(as_dict(vol.get("projected")).get("sources")):
        token = as_dict(as_dict(src).get("serviceAccountToken"))
        if token:
            token.setdefault("expirationSeconds", 3600)
        for item in as_list(as_dict(as_dict(src).get("downwardAPI")).get("items")):
            ref = as_dict(as_dict(item).get("fieldRef"))
            if ref:
                ref.setdefault("apiVersion", "v1")
    iscsi = vol.get("iscsi")
    if isinstance(iscsi, dict):
        iscsi.setdefault("iscsiInterface", "default")
    rbd = vol.get("rbd")
    if isinstance(rbd, dict):
        rbd.setdefault("pool", "rbd")
        rbd.setdefault("user", "admin")
        rbd.setdefault("keyring", "/etc/ceph/keyring")
    azure = vol.get("azureDisk")
    if isinstance(azure, dict):
        azure.setdefault("cachingMode", "ReadWrite")
        azure.setdefault("fsType", "ext4")
        azure.setdefault("readOnly", False)
        azure.setdefault("kind", "Shared")
    template = as_dict(as_dict(vol.get("ephemeral")).get("volumeClaimTemplate"))
    if template:
        default_pvc_spec(template.get("spec"), kind)


def default_pvc_spec(spec: Any, kind: str = "PersistentVolumeClaim") -> None:
    """SetDefaults_PersistentVolumeClaimSpec (and its quantities)."""
    if not isinstance(spec, dict):
        return
    spec.setdefault("volumeMode", "Filesystem")
    resources = as_dict(spec.get("resources"))
    for key in QUANTITY_FIELDS:
        canonicalize_resource_list(resources.get(key), kind)


def default_pod_spec(spec: Any, kind: str = "Pod") -> None:
    if not isinstance(spec, dict):
        return
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for c in as_list(spec.get(key)):
            default_container(c, kind)
    for vol in as_list(spec.get("volumes")):
        default_volume(vol, kind)
    canonicalize_resource_list(spec.get("overhead"), kind)
    pod_resources = as_dict(spec.get("resources"))
    for key in QUANTITY_FIELDS:
        canonicalize_resource_list(pod_resources.get(key), kind)


def default_pod_only(spec: Any) -> None:
    """SetDefaults_Pod: what a Pod gets and a pod template does not (requests default to
    limits; host-network pods publish their container ports on the host)."""
    if not isinstance(spec, dict):
        return
    for key in ("containers", "initContainers"):
        for c in as_list(spec.get(key)):
            resources = as_dict(as_dict(c).get("resources"))
            limits = resources.get("limits")
            if isinstance(limits, dict) and limits:
                requests = resources.setdefault("requests", {})
                if isinstance(requests, dict):
                    for name, value in limits.items():
                        requests.setdefault(name, value)
    if spec.get("hostNetwork") is True:
        for key in ("containers", "initContainers"):
            for c in as_list(spec.get(key)):
                for port in as_list(as_dict(c).get("ports")):
                    if isinstance(port, dict) and not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")


def default_pod_template(template: Any, kind: str = "Pod") -> None:
    if isinstance(template, dict):
        default_pod_spec(template.get("spec"), kind)


def default_claim_template(template: Any, kind: str) -> None:
    """A PVC inside another object (StatefulSet volumeClaimTemplates): upstream defaults it
    as a PersistentVolumeClaim, status phase included."""
    if not isinstance(template, dict):
        return
    default_pvc_spec(template.get("spec"), kind)
    status = template.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("phase", "Pending")


# --- validation ----------------------------------------------------------------------------------

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
_ENV_FIELD_PATHS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                    "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"]
_DOWNWARD_LABELS = {"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                    "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
                    "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP",
                    "status.podIPs"}
_RELAXED_ENV_NAME = re.compile(r"^[ -<>-~]+$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
_FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
_MAX_ID = 2147483647


def _config_key_errors(key: str) -> list[str]:
    errs = []
    if len(key) > 253:
        errs.append(validation.max_len_error(253))
    if not _CONFIG_KEY.match(key):
        errs.append(validation.regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"))
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _local_descending_path(target: str, path: str) -> list[Cause]:
    errs: list[Cause] = []
    if posixpath.isabs(target):
        errs.append(validation.invalid(path, target, "must be a relative path"))
    if ".." in target.replace("\\", "/").split("/"):
        errs.append(validation.invalid(path, target, "must not contain '..'"))
    return errs


def _validate_key_selector(sel: Obj, path: str) -> list[Cause]:
    errs = [validation.invalid(f"{path}.name", sel.get("name") or "", m)
            for m in validation.name_is_dns_subdomain(str(sel.get("name") or ""), False)]
    key = sel.get("key")
    if not key:
        errs.append(errors.required(f"{path}.key"))
    else:
        errs += [validation.invalid(f"{path}.key", key, m) for m in _config_key_errors(str(key))]
    return errs


def _validate_field_ref(ref: Obj, allowed: list[str], path: str) -> list[Cause]:
    if not ref.get("apiVersion"):
        return [errors.required(f"{path}.apiVersion")]
    field_path = ref.get("fieldPath")
    if not field_path:
        return [errors.required(f"{path}.fieldPath")]
    field_path = str(field_path)
    if ref.get("apiVersion") != "v1":
        return [validation.invalid(f"{path}.fieldPath", field_path, f"error converting fieldPath: unsupported pod version: {ref.get('apiVersion')}")]
    base, bracket, rest = field_path.partition("[")
    if bracket:
        if base not in ("metadata.annotations", "metadata.labels"):
            return [validation.invalid(f"{path}.fieldPath", field_path, f"error converting fieldPath: field label does not support subscript: {field_path}")]
        key = rest.rstrip("]").strip("'")
        return qualified_name(key.lower() if base == "metadata.annotations" else key, path)
    if field_path not in _DOWNWARD_LABELS and field_path != "spec.host":
        return [validation.invalid(f"{path}.fieldPath", field_path, f"error converting fieldPath: field label not supported: {field_path}")]
    if field_path not in allowed:
        return [not_supported(f"{path}.fieldPath", field_path, sorted(allowed))]
    return []


def _validate_env(env: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, ev in enumerate(as_list(env)):
        p = f"{path}[{i}]"
        ev = as_dict(ev)
        name = str(ev.get("name") or "")
        if not name:
            errs.append(errors.required(f"{p}.name"))
            errs.append(validation.invalid(f"{p}.name", name, "environment variable name must be non-empty"))
        elif not _RELAXED_ENV_NAME.match(name):
            errs.append(validation.invalid(
                f"{p}.name", name,
                "a valid environment variable name must consist only of printable ASCII characters other than '='"))
        source = ev.get("valueFrom")
        if source is None:
            continue
        source = as_dict(source)
        sp = f"{p}.valueFrom"
        count = 0
        if isinstance(source.get("fieldRef"), dict):
            count += 1
            errs += _validate_field_ref(source["fieldRef"], _ENV_FIELD_PATHS, f"{sp}.fieldRef")
        if isinstance(source.get("resourceFieldRef"), dict):
            count += 1
            if not source["resourceFieldRef"].get("resource"):
                errs.append(errors.required(f"{sp}.resourceFieldRef.resource"))
        for key in ("configMapKeyRef", "secretKeyRef"):
            if isinstance(source.get(key), dict):
                count += 1
                errs += _validate_key_selector(source[key], f"{sp}.{key}")
        if count == 0:
            errs.append(validation.invalid(sp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
        elif ev.get("value"):
            errs.append(validation.invalid(sp, "", "may not be specified when `value` is not empty"))
        elif count > 1:
            errs.append(validation.invalid(sp, "", "may not have more than one field specified at a time"))
    return errs


def _validate_env_from(env_from: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, ev in enumerate(as_list(env_from)):
        p = f"{path}[{i}]"
        ev = as_dict(ev)
        prefix = ev.get("prefix")
        if prefix and not _RELAXED_ENV_NAME.match(str(prefix)):
            errs.append(validation.invalid(
                f"{p}.prefix", prefix,
                "a valid environment variable name must consist only of printable ASCII characters other than '='"))
        count = 0
        for key in ("configMapRef", "secretRef"):
            if isinstance(ev.get(key), dict):
                count += 1
                name = str(ev[key].get("name") or "")
                if not name:
                    errs.append(errors.required(f"{p}.{key}.name"))
                else:
                    errs += [validation.invalid(f"{p}.{key}.name", name, m) for m in validation.name_is_dns_subdomain(name, False)]
        # Upstream reports these two at the list's path.
        if count == 0:
            errs.append(validation.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(validation.invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_handler(handler: Obj, path: str, allow_sleep: bool = True) -> list[Cause]:
    """validateHandler: exactly one handler type."""
    errs: list[Cause] = []
    count = 0
    for kind in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        if kind == "sleep" and not allow_sleep:
            continue
        value = handler.get(kind)
        if not isinstance(value, dict):
            continue
        hp = f"{path}.{kind}"
        if count > 0:
            errs.append(errors.forbidden_field(hp, "may not specify more than 1 handler type"))
            continue
        count += 1
        if kind == "exec" and not as_list(value.get("command")):
            errs.append(errors.required(f"{hp}.command"))
        elif kind == "httpGet":
            if not value.get("path"):
                errs.append(errors.required(f"{hp}.path"))
            errs += validate_port_num_or_name(value.get("port"), f"{hp}.port")
            scheme = value.get("scheme")
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(not_supported(f"{hp}.scheme", scheme, ["HTTP", "HTTPS"]))
        elif kind == "tcpSocket":
            errs += validate_port_num_or_name(value.get("port"), f"{hp}.port")
        elif kind == "grpc":
            errs += [errors.invalid_value(f"{hp}.port", value.get("port"), m) for m in port_num_errors(value.get("port"))]
        elif kind == "sleep":
            errs += nonnegative(value.get("seconds"), f"{hp}.seconds")
    if count == 0:
        errs.append(errors.required(path, "must specify a handler type"))
    return errs


def _validate_probe(probe: Any, path: str, kind: str) -> list[Cause]:
    if not isinstance(probe, dict):
        return []
    errs = _validate_handler(probe, path, allow_sleep=False)
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        errs += nonnegative(probe.get(key), f"{path}.{key}")
    grace = probe.get("terminationGracePeriodSeconds")
    if kind == "readiness" and grace is not None:
        errs.append(errors.forbidden_field(f"{path}.terminationGracePeriodSeconds", "may not be set for readinessProbes"))
    elif is_int(grace) and grace <= 0:
        errs.append(errors.invalid_value(f"{path}.terminationGracePeriodSeconds", grace, "must be greater than 0"))
    if kind in ("liveness", "startup") and probe.get("successThreshold", 1) != 1:
        errs.append(errors.invalid_value(f"{path}.successThreshold", probe.get("successThreshold"), "must be 1"))
    return errs


def _validate_container_ports(ports: Any, path: str, host_network: bool) -> list[Cause]:
    errs: list[Cause] = []
    names: set[str] = set()
    for i, port in enumerate(as_list(ports)):
        p = f"{path}[{i}]"
        port = as_dict(port)
        name = port.get("name")
        if name:
            msgs = port_name_errors(str(name))
            if msgs:
                errs += [validation.invalid(f"{p}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(errors.duplicate(f"{p}.name", name))
            else:
                names.add(str(name))
        cp = port.get("containerPort")
        if not cp:
            errs.append(errors.required(f"{p}.containerPort"))
        else:
            errs += [errors.invalid_value(f"{p}.containerPort", cp, m) for m in port_num_errors(cp)]
        hp = port.get("hostPort")
        if hp:
            errs += [errors.invalid_value(f"{p}.hostPort", hp, m) for m in port_num_errors(hp)]
            if host_network and hp != cp:
                errs.append(errors.invalid_value(f"{p}.hostPort", hp, "must match `containerPort` when `hostNetwork` is true"))
        protocol = port.get("protocol")
        if not protocol:
            errs.append(errors.required(f"{p}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(not_supported(f"{p}.protocol", protocol, PROTOCOLS))
    return errs


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _overcommit_allowed(name: str) -> bool:
    native = "/" not in name or name.startswith("kubernetes.io/") or ".kubernetes.io/" in name.split("/")[0]
    return native and not _is_hugepages(name)


def validate_resource_requirements(resources: Any, path: str) -> list[Cause]:
    """ValidateResourceRequirements (container or pod level)."""
    errs: list[Cause] = []
    resources = as_dict(resources)
    limits, requests = as_dict(resources.get("limits")), as_dict(resources.get("requests"))
    for section, values in (("limits", limits), ("requests", requests)):
        for name, value in values.items():
            p = f"{path}.{section}[{name}]"
            errs += qualified_name(name, p)
            if "/" not in name and name not in _STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
                errs.append(validation.invalid(p, name, "must be a standard resource for containers"))
            q = quantity_of(value)
            if q is not None and q.mantissa < 0:
                errs.append(invalid_raw(p, str(q), "must be greater than or equal to 0"))
            if section == "requests" and q is not None:
                limit = quantity_of(limits[name]) if name in limits else None
                if limit is not None:
                    if q.to_fraction() != limit.to_fraction() and not _overcommit_allowed(name):
                        errs.append(validation.invalid(f"{path}.requests", str(q), f"must be equal to {name} limit of {limit}"))
                    elif q.to_fraction() > limit.to_fraction():
                        errs.append(validation.invalid(f"{path}.requests", str(q), f"must be less than or equal to {name} limit of {limit}"))
                elif not _overcommit_allowed(name):
                    errs.append(errors.required(f"{path}.limits", "Limit must be set for non overcommitable resources"))
    return errs


def _validate_seccomp(profile: Any, path: str) -> list[Cause]:
    if not isinstance(profile, dict):
        return []
    errs: list[Cause] = []
    kind = profile.get("type")
    if not kind:
        errs.append(errors.required(f"{path}.type", "type is required when seccompProfile is set"))
    elif kind not in ("Localhost", "RuntimeDefault", "Unconfined"):
        errs.append(not_supported(f"{path}.type", kind, ["Localhost", "RuntimeDefault", "Unconfined"]))
    if kind == "Localhost":
        if profile.get("localhostProfile") is None:
            errs.append(errors.required(f"{path}.localhostProfile", "must be set when seccomp type is Localhost"))
        else:
            errs += _local_descending_path(str(profile["localhostProfile"]), f"{path}.localhostProfile")
    elif profile.get("localhostProfile") is not None:
        errs.append(errors.invalid_value(f"{path}.localhostProfile", profile, "can only be set when seccomp type is Localhost"))
    return errs


def _validate_security_context(sc: Any, path: str) -> list[Cause]:
    if not isinstance(sc, dict):
        return []
    errs: list[Cause] = []
    for key in ("runAsUser", "runAsGroup"):
        errs += inclusive_range(sc.get(key), 0, _MAX_ID, f"{path}.{key}")
    proc = sc.get("procMount")
    if proc is not None and proc not in ("Default", "Unmasked"):
        errs.append(not_supported(f"{path}.procMount", proc, ["Default", "Unmasked"]))
    errs += _validate_seccomp(sc.get("seccompProfile"), f"{path}.seccompProfile")
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            errs.append(errors.invalid_value(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
        for cap in as_list(as_dict(sc.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":
                errs.append(errors.invalid_value(path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
    return errs


def _validate_pod_security_context(sc: Any, path: str) -> list[Cause]:
    if not isinstance(sc, dict):
        return []
    errs: list[Cause] = []
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        errs += inclusive_range(sc.get(key), 0, _MAX_ID, f"{path}.{key}")
    for i, gid in enumerate(as_list(sc.get("supplementalGroups"))):
        errs += inclusive_range(gid, 0, _MAX_ID, f"{path}.supplementalGroups[{i}]")
    policy = sc.get("fsGroupChangePolicy")
    if policy is not None and policy not in ("OnRootMismatch", "Always"):
        errs.append(not_supported(f"{path}.fsGroupChangePolicy", policy, ["OnRootMismatch", "Always"]))
    errs += _validate_seccomp(sc.get("seccompProfile"), f"{path}.seccompProfile")
    return errs


def _validate_volume_mounts(mounts: Any, volumes: set[str], container: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, mnt in enumerate(as_list(mounts)):
        p = f"{path}[{i}]"
        mnt = as_dict(mnt)
        name = str(mnt.get("name") or "")
        if not name:
            errs.append(errors.required(f"{p}.name"))
        if name not in volumes:
            errs.append(not_found(f"{p}.name", name))
        mount_path = str(mnt.get("mountPath") or "")
        if not mount_path:
            errs.append(errors.required(f"{p}.mountPath"))
        if mount_path in seen:
            errs.append(validation.invalid(f"{p}.mountPath", mount_path, "must be unique"))
        seen.add(mount_path)
        sub = mnt.get("subPath")
        if sub:
            # Upstream reports these at `volumeMounts.subPath` (no index).
            errs += _local_descending_path(str(sub), f"{path}.subPath")
        expr = mnt.get("subPathExpr")
        if expr:
            if sub:
                errs.append(validation.invalid(f"{p}.subPathExpr", expr, "subPathExpr and subPath are mutually exclusive"))
            errs += _local_descending_path(str(expr), f"{path}.subPathExpr")
        propagation = mnt.get("mountPropagation")
        if propagation is not None:
            if propagation not in ("Bidirectional", "HostToContainer", "None"):
                errs.append(not_supported(f"{path}.mountPropagation", propagation, ["Bidirectional", "HostToContainer", "None"]))
            elif propagation == "Bidirectional" and as_dict(container.get("securityContext")).get("privileged") is not True:
                errs.append(errors.forbidden_field(f"{path}.mountPropagation", "Bidirectional mount propagation is available only to privileged containers"))
    return errs


def _validate_container(c: Obj, p: str, volumes: set[str], host_network: bool, image_required: bool = True) -> list[Cause]:
    """validateContainerCommon."""
    errs: list[Cause] = []
    name = c.get("name")
    if not name:
        errs.append(errors.required(f"{p}.name"))
    else:
        errs += dns_label(name, f"{p}.name")
    if not c.get("image") and image_required:
        errs.append(errors.required(f"{p}.image"))
    policy = c.get("terminationMessagePolicy")
    if not policy:
        errs.append(errors.required(f"{p}.terminationMessagePolicy"))
    elif policy not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(not_supported(f"{p}.terminationMessagePolicy", policy, _TERMINATION_MESSAGE_POLICIES))
    errs += _validate_container_ports(c.get("ports"), f"{p}.ports", host_network)
    errs += _validate_env(c.get("env"), f"{p}.env")
    errs += _validate_env_from(c.get("envFrom"), f"{p}.envFrom")
    errs += _validate_volume_mounts(c.get("volumeMounts"), volumes, c, f"{p}.volumeMounts")
    pull = c.get("imagePullPolicy")
    if not pull:
        errs.append(errors.required(f"{p}.imagePullPolicy"))
    elif pull not in PULL_POLICIES:
        errs.append(not_supported(f"{p}.imagePullPolicy", pull, PULL_POLICIES))
    errs += validate_resource_requirements(c.get("resources"), f"{p}.resources")
    errs += _validate_security_context(c.get("securityContext"), f"{p}.securityContext")
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lifecycle.get(hook), dict):
                errs += _validate_handler(lifecycle[hook], f"{p}.lifecycle.{hook}")
    return errs


# In upstream's validateVolumeSource order: the first one set wins, the others are refused.
_VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
    "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
    "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk",
    "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
)
_HOST_PATH_TYPES = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]


def _validate_mode(mode: Any, path: str) -> list[Cause]:
    if is_int(mode) and not 0 <= mode <= 0o777:
        return [errors.invalid_value(path, mode, _FILE_MODE_ERROR)]
    return []


def _validate_key_to_paths(items: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, item in enumerate(as_list(items)):
        p = f"{path}[{i}]"
        item = as_dict(item)
        if not item.get("key"):
            errs.append(errors.required(f"{p}.key"))
        target = str(item.get("path") or "")
        if not target:
            errs.append(errors.required(f"{p}.path"))
        else:
            errs += _local_descending_path(target, f"{p}.path")
        errs += _validate_mode(item.get("mode"), f"{p}.mode")
    return errs


def _validate_volume_source(vol: Obj, p: str) -> list[Cause]:
    errs: list[Cause] = []
    count = 0
    for source in _VOLUME_SOURCES:
        value = vol.get(source)
        if value is None:
            continue
        sp = f"{p}.{source}"
        if count > 0:
            errs.append(errors.forbidden_field(sp, "may not specify more than 1 volume type"))
            continue
        count += 1
        value = as_dict(value)
        if source == "hostPath":
            if not value.get("path"):
                errs.append(errors.required(f"{sp}.path"))
            if value.get("type") not in _HOST_PATH_TYPES:
                errs.append(not_supported(f"{sp}.type", value.get("type"), _HOST_PATH_TYPES))
        elif source == "emptyDir":
            q = quantity_of(value.get("sizeLimit")) if "sizeLimit" in value else None
            if q is not None and q.mantissa < 0:
                errs.append(invalid_raw(f"{sp}.sizeLimit", str(q), "must be greater than or equal to 0"))
        elif source == "secret":
            if not value.get("secretName"):
                errs.append(errors.required(f"{sp}.secretName"))
            errs += _validate_mode(value.get("defaultMode"), f"{sp}.defaultMode")
            errs += _validate_key_to_paths(value.get("items"), f"{sp}.items")
        elif source == "configMap":
            if not value.get("name"):
                errs.append(errors.required(f"{sp}.name"))
            errs += _validate_mode(value.get("defaultMode"), f"{sp}.defaultMode")
            errs += _validate_key_to_paths(value.get("items"), f"{sp}.items")
        elif source == "persistentVolumeClaim":
            if not value.get("claimName"):
                errs.append(errors.required(f"{sp}.claimName"))
        elif source == "nfs":
            if not value.get("server"):
                errs.append(errors.required(f"{sp}.server"))
            if not value.get("path"):
                errs.append(errors.required(f"{sp}.path"))
            elif not posixpath.isabs(str(value["path"])):
                errs.append(validation.invalid(f"{sp}.path", value["path"], "must be an absolute path"))
        elif source == "csi":
            if not value.get("driver"):
                errs.append(errors.required(f"{sp}.driver"))
        elif source in ("projected", "downwardAPI"):
            errs += _validate_mode(value.get("defaultMode"), f"{sp}.defaultMode")
        elif source == "ephemeral":
            if not isinstance(value.get("volumeClaimTemplate"), dict):
                errs.append(errors.required(f"{sp}.volumeClaimTemplate"))
        elif source == "image" and not value.get("reference"):
            errs.append(errors.required(f"{sp}.reference"))
    if count == 0:
        errs.append(errors.required(p, "must specify a volume type"))
    return errs


def validate_volumes(volumes: Any, path: str) -> tuple[set[str], list[Cause]]:
    """ValidateVolumes: the names of the valid volumes and the errors."""
    errs: list[Cause] = []
    names: set[str] = set()
    for i, vol in enumerate(as_list(volumes)):
        p = f"{path}[{i}]"
        vol = as_dict(vol)
        el = _validate_volume_source(vol, p)
        name = vol.get("name")
        if not name:
            el.append(errors.required(f"{p}.name"))
        else:
            el += dns_label(name, f"{p}.name")
        if name in names:
            el.append(errors.duplicate(f"{p}.name", name))
        if el:
            errs += el
        else:
            names.add(str(name))
    return names, errs


def validate_tolerations(tolerations: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, tol in enumerate(as_list(tolerations)):
        p = f"{path}[{i}]"
        tol = as_dict(tol)
        key, op, value, effect = tol.get("key") or "", tol.get("operator") or "", tol.get("value") or "", tol.get("effect") or ""
        if key:
            errs += validation.validate_label_name(str(key), f"{p}.key")
        if not key and op != "Exists":
            errs.append(validation.invalid(f"{p}.operator", op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'))
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(validation.invalid(f"{p}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            msgs = validation.is_valid_label_value(str(value))
            if msgs:
                errs.append(validation.invalid(f"{p}.operator", value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(errors.invalid_value(f"{p}.operator", tol, "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(f"{p}.operator", op, ["Equal", "Exists"]))
        if effect:
            errs += validate_taint_effect(effect, f"{p}.effect")
    return errs


def validate_taint_effect(effect: Any, path: str) -> list[Cause]:
    if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        return [not_supported(path, effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"])]
    return []


def validate_pod_spec(spec: Any, path: str) -> list[Cause]:
    """ValidatePodSpec, the commonly exercised part."""
    if not isinstance(spec, dict):
        return [errors.required(path, "")]
    errs: list[Cause] = []
    volumes, verrs = validate_volumes(spec.get("volumes"), f"{path}.volumes")
    errs += verrs
    host_network = spec.get("hostNetwork") is True
    containers = as_list(spec.get("containers"))
    if not containers:
        errs.append(errors.required(f"{path}.containers"))
    names: set[str] = set()
    host_ports: set[str] = set()
    for i, c in enumerate(containers):
        p = f"{path}.containers[{i}]"
        if not isinstance(c, dict):
            errs.append(errors.invalid_value(p, c, "must be an object"))
            continue
        errs += _validate_container(c, p, volumes, host_network)
        if c.get("name") in names:
            errs.append(errors.duplicate(f"{p}.name", c.get("name")))
        elif c.get("name"):
            names.add(str(c["name"]))
        errs += _validate_probe(c.get("livenessProbe"), f"{p}.livenessProbe", "liveness")
        errs += _validate_probe(c.get("readinessProbe"), f"{p}.readinessProbe", "readiness")
        errs += _validate_probe(c.get("startupProbe"), f"{p}.startupProbe", "startup")
        if c.get("restartPolicy") is not None:
            errs.append(errors.forbidden_field(f"{p}.restartPolicy", "may not be set for non-init containers"))
    errs += _unique_host_ports(containers, f"{path}.containers", host_ports)
    init = as_list(spec.get("initContainers"))
    all_names = set(names)
    for i, c in enumerate(init):
        p = f"{path}.initContainers[{i}]"
        if not isinstance(c, dict):
            errs.append(errors.invalid_value(p, c, "must be an object"))
            continue
        if c.get("name") in all_names:
            errs.append(errors.duplicate(f"{p}.name", c.get("name")))
        elif c.get("name"):
            all_names.add(str(c["name"]))
        errs += _validate_container(c, p, volumes, host_network)
        restart = c.get("restartPolicy")
        if restart is not None and restart != "Always":
            errs.append(not_supported(f"{p}.restartPolicy", restart, ["Always"]))
        if restart == "Always":
            # sidecar containers may have probes
            errs += _validate_probe(c.get("livenessProbe"), f"{p}.livenessProbe", "liveness")
            errs += _validate_probe(c.get("readinessProbe"), f"{p}.readinessProbe", "readiness")
            errs += _validate_probe(c.get("startupProbe"), f"{p}.startupProbe", "startup")
        else:
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(probe) is not None:
                    errs.append(errors.forbidden_field(f"{p}.{probe}", "may not be set for init containers without restartPolicy=Always"))
    errs += _unique_host_ports(init, f"{path}.initContainers", host_ports)
    restart = spec.get("restartPolicy")
    if not restart:
        errs.append(errors.required(f"{path}.restartPolicy"))
    elif restart not in RESTART_POLICIES:
        errs.append(not_supported(f"{path}.restartPolicy", restart, RESTART_POLICIES))
    dns = spec.get("dnsPolicy")
    if not dns:
        errs.append(errors.required(f"{path}.dnsPolicy"))
    elif dns not in DNS_POLICIES:
        errs.append(not_supported(f"{path}.dnsPolicy", dns, DNS_POLICIES))
    elif dns == "None" and not isinstance(spec.get("dnsConfig"), dict):
        errs.append(errors.required(f"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"))
    errs += _validate_pod_security_context(spec.get("securityContext"), f"{path}.securityContext")
    errs += validation.validate_labels(as_dict(spec.get("nodeSelector")), f"{path}.nodeSelector")
    sa = spec.get("serviceAccountName")
    if sa:
        errs += [validation.invalid(f"{path}.serviceAccountName", sa, m) for m in validation.name_is_dns_subdomain(str(sa), False)]
    node = spec.get("nodeName")
    if node:
        errs += [validation.invalid(f"{path}.nodeName", node, m) for m in validation.name_is_dns_subdomain(str(node), False)]
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None:
        errs += inclusive_range(deadline, 1, 2147483647, f"{path}.activeDeadlineSeconds")
    for key in ("hostname", "subdomain"):
        if spec.get(key):
            errs += dns_label(spec[key], f"{path}.{key}")
    errs += validate_tolerations(spec.get("tolerations"), f"{path}.tolerations")
    for i, secret in enumerate(as_list(spec.get("imagePullSecrets"))):
        if not as_dict(secret).get("name"):
            errs.append(errors.required(f"{path}.imagePullSecrets[{i}].name"))
    for i, gate in enumerate(as_list(spec.get("readinessGates"))):
        errs += qualified_name(as_dict(gate).get("conditionType") or "", f"{path}.readinessGates[{i}].conditionType")
    return errs


def _unique_host_ports(containers: list[Any], path: str, seen: set[str]) -> list[Cause]:
    errs: list[Cause] = []
    for ci, c in enumerate(containers):
        for pi, port in enumerate(as_list(as_dict(c).get("ports"))):
            port = as_dict(port)
            host_port = port.get("hostPort")
            if not host_port:
                continue
            key = f"{port.get('protocol', '')}/{port.get('hostIP', '')}/{host_port}"
            if key in seen:
                errs.append(errors.duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            seen.add(key)
    return errs


def validate_pod_template_spec(template: Any, path: str) -> list[Cause]:
    """ValidatePodTemplateSpec (labels and annotations are reported at `<path>.labels`, as upstream)."""
    if not isinstance(template, dict):
        return [errors.required(path, "")]
    meta = as_dict(template.get("metadata"))
    errs = validation.validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validation.validate_annotations(meta.get("annotations"), f"{path}.annotations")
    spec = template.get("spec")
    errs += validate_pod_spec(spec, f"{path}.spec")
    if as_list(as_dict(spec).get("ephemeralContainers")):
        errs.append(errors.forbidden_field(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod template"))
    return errs


def validate_ephemeral_containers(spec: Obj, old_spec: Obj, path: str) -> list[Cause]:
    """The ephemeralcontainers subresource: entries may be added, never changed or removed."""
    errs: list[Cause] = []
    volumes = {str(as_dict(v).get("name")) for v in as_list(spec.get("volumes"))}
    taken = {str(as_dict(c).get("name")) for key in ("containers", "initContainers") for c in as_list(spec.get(key))}
    seen: set[str] = set()
    for i, c in enumerate(as_list(spec.get("ephemeralContainers"))):
        p = f"{path}.ephemeralContainers[{i}]"
        c = as_dict(c)
        errs += _validate_container(c, p, volumes, spec.get("hostNetwork") is True)
        name = str(c.get("name") or "")
        if name in taken or name in seen:
            errs.append(errors.duplicate(f"{p}.name", name))
        seen.add(name)
        for forbidden in ("ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"):
            if c.get(forbidden):
                errs.append(errors.forbidden_field(f"{p}.{forbidden}", "cannot be set for an Ephemeral Container"))
    new_by_name = {str(as_dict(c).get("name")): c for c in as_list(spec.get("ephemeralContainers"))}
    for c in as_list(old_spec.get("ephemeralContainers")):
        name = str(as_dict(c).get("name"))
        if new_by_name.get(name) is None:
            errs.append(errors.forbidden_field(f"{path}.ephemeralContainers", f"existing ephemeral containers {validation.go_quote(name)} may not be removed"))
        elif new_by_name[name] != c:
            errs.append(errors.forbidden_field(f"{path}.ephemeralContainers", f"existing ephemeral containers {validation.go_quote(name)} may not be changed"))
    return errs


def containers_and_images(spec: Any) -> tuple[str, str]:
    """layoutContainerCells: the names and images of a pod spec's containers, comma-separated."""
    containers = [as_dict(c) for c in as_list(as_dict(spec).get("containers"))]
    return ",".join(str(c.get("name", "")) for c in containers), ",".join(str(c.get("image", "")) for c in containers)


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: "<none>" for no requirements, "<error>" for a bad selector."""
    from kubelite.machinery.errors import StatusError
    from kubelite.machinery.labels import selector_from_label_selector

    try:
        sel = selector_from_label_selector(selector if isinstance(selector, dict) else None)
    except (StatusError, AttributeError, TypeError):
        return "<error>"
    return sel.string() or "<none>"


def format_labels(labels: Any) -> str:
    """labels.FormatLabels: sorted k=v pairs, "<none>" when empty."""
    pairs = sorted(as_dict(labels).items())
    return ",".join(f"{k}={v}" for k, v in pairs) or "<none>"
