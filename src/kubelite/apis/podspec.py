"""Defaults and validation shared by Pod and every pod template (upstream's
SetDefaults_PodSpec / SetDefaults_Container / SetDefaults_Volume and ValidatePodSpec /
ValidatePodTemplateSpec, the parts clients meet), plus resource quantities.

Values arrive as decoded JSON that only had unknown fields pruned, so every accessor
here tolerates a wrong type (the validators report it, nothing raises).
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Iterable
from typing import Any

from kubelite.apis.generic import as_dict, as_list, is_int
from kubelite.machinery import errors, validation
from kubelite.machinery.quantity import Quantity, QuantityError, parse_quantity

Obj = dict[str, Any]
Cause = dict[str, str]


# --- small helpers ---------------------------------------------------------------------------


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


def go_string_map(values: Any) -> str:
    """%#v of a map[string]string (Go prints maps with sorted keys)."""
    pairs = ", ".join(f"{validation.go_quote(str(k))}:{validation.go_quote(str(v))}" for k, v in sorted(as_dict(values).items()))
    return "map[string]string{" + pairs + "}"


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


# --- validation: common pieces -----------------------------------------------------------------------

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
# The fieldRef paths each consumer may use (sorted, as upstream lists them in errors).
_ENV_FIELD_PATHS = sorted(["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                           "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"])
_VOLUME_FIELD_PATHS = sorted(["metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations",
                              "metadata.uid"])
# What ConvertDownwardAPIFieldLabel knows at all (spec.host is the old name of spec.nodeName).
_DOWNWARD_LABELS = {"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                    "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
                    "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP",
                    "status.podIPs"}
_RESOURCE_FIELD_PATHS = sorted(["limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu",
                                "requests.memory", "requests.ephemeral-storage"])
_HUGEPAGES_FIELD_PREFIXES = ("limits.hugepages-", "requests.hugepages-")
_MEMORY_DIVISORS = {"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}
_RELAXED_ENV_NAME = re.compile(r"^[ -<>-~]+$")
_RELAXED_ENV_NAME_ERROR = "a valid environment variable name must consist only of printable ASCII characters other than '='"
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_HTTP_HEADER_NAME = re.compile(r"^[-A-Za-z0-9]+$")
_FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
_MAX_ID = 2147483647
_MAX_INT32 = 2147483647


def config_key_errors(key: str) -> list[str]:
    """validation.IsConfigMapKey: every rule reports, they are not exclusive."""
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


def ip_errors(value: Any, path: str) -> list[Cause]:
    """validation.IsValidIP."""
    if _ip(value) is None:
        return [validation.invalid(path, str(value), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    return []


def _ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(str(value))
    except ValueError:
        return None


def non_special_ip_errors(value: str, path: str) -> list[Cause]:
    """ValidateNonSpecialIP: addresses endpoints and external IPs may not use (each rule reports)."""
    ip = _ip(value)
    if ip is None:
        return [validation.invalid(path, value, "must be a valid IP address")]
    errs: list[Cause] = []
    if ip.is_unspecified:
        errs.append(validation.invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(validation.invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local:
        errs.append(validation.invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    if _link_local_multicast(ip):
        errs.append(validation.invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return errs


def _link_local_multicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # Go's IsLinkLocalMulticast: 224.0.0.0/24, or IPv6 multicast of link-local scope (ffX2::).
    if ip.version == 4:
        return ip in ipaddress.ip_network("224.0.0.0/24")
    return ip.packed[0] == 0xFF and ip.packed[1] & 0x0F == 0x02


def cidr_errors(value: Any, path: str) -> list[Cause]:
    """validation.IsValidCIDR."""
    try:
        ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return [validation.invalid(path, str(value), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")]
    return []


def _path_no_backsteps(target: str, path: str) -> list[Cause]:
    if ".." in target.replace("\\", "/").split("/"):
        return [validation.invalid(path, target, "must not contain '..'")]
    return []


def _local_descending_path(target: str, path: str) -> list[Cause]:
    errs: list[Cause] = []
    if posixpath.isabs(target):
        errs.append(validation.invalid(path, target, "must be a relative path"))
    return errs + _path_no_backsteps(target, path)


def local_non_reserved_path(target: str, path: str) -> list[Cause]:
    """ValidateLocalNonReservedPath: relative, no '..' element, not starting with '..'."""
    errs = _local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(validation.invalid(path, target, "must not start with '..'"))
    return errs


def _validate_mode(mode: Any, path: str) -> list[Cause]:
    if is_int(mode) and not 0 <= mode <= 0o777:
        return [errors.invalid_value(path, mode, _FILE_MODE_ERROR)]
    return []


def _name_errors(value: str, path: str, prefix: bool = False) -> list[Cause]:
    """A DNS-subdomain object name (secret, config map, ...), as a reference checks it."""
    return [validation.invalid(path, value, m) for m in validation.name_is_dns_subdomain(value, prefix)]


# --- resources --------------------------------------------------------------------------------------

_STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
    "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers",
}
_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
_INTEGER_RESOURCES = {"pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
                      "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"}


def is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources other than huge pages."""
    return is_native_resource(name) and not is_hugepages(name)


def is_extended_resource(name: str) -> bool:
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not validation.is_qualified_name("requests." + name)


def is_standard_resource(name: str) -> bool:
    return name in _STANDARD_RESOURCES or name.startswith(("hugepages-", "requests.hugepages-"))


def resource_name_errors(name: str, path: str) -> list[Cause]:
    """validateResourceName: qualified, and standard unless prefixed."""
    errs = qualified_name(name, path)
    if not errs and "/" not in name and not is_standard_resource(name):
        errs.append(validation.invalid(path, name, "must be a standard resource type or fully qualified"))
    return errs


def container_resource_name_errors(name: str, path: str) -> list[Cause]:
    """validateContainerResourceName (it adds to validateResourceName's findings)."""
    errs = resource_name_errors(name, path)
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not is_hugepages(name):
            errs.append(validation.invalid(path, name, "must be a standard resource for containers"))
    elif not is_native_resource(name) and not is_extended_resource(name):
        errs.append(validation.invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def resource_quantity_errors(name: str, value: Any, path: str) -> list[Cause]:
    """ValidateResourceQuantityValue: not negative, and whole for countable resources."""
    q = quantity_of(value)
    if q is None:
        return []
    errs: list[Cause] = []
    if q.mantissa < 0:
        errs.append(invalid_raw(path, validation.go_quote(str(q)), "must be greater than or equal to 0"))
    if (name in _INTEGER_RESOURCES or is_extended_resource(name)) and q.to_fraction().denominator != 1:
        errs.append(invalid_raw(path, str(q), "must be an integer"))
    return errs


def validate_resource_requirements(resources: Any, path: str) -> list[Cause]:
    """ValidateContainerResourceRequirements."""
    errs: list[Cause] = []
    resources = as_dict(resources)
    limits, requests = as_dict(resources.get("limits")), as_dict(resources.get("requests"))
    compute = hugepages = False
    for name, value in limits.items():
        p = f"{path}.limits[{name}]"
        errs += container_resource_name_errors(name, p) + resource_quantity_errors(name, value, p)
        hugepages = hugepages or is_hugepages(name)
        compute = compute or name in ("cpu", "memory")
    for name, value in requests.items():
        p = f"{path}.requests[{name}]"
        errs += container_resource_name_errors(name, p) + resource_quantity_errors(name, value, p)
        errs += _request_within_limit(name, value, limits, path)
        hugepages = hugepages or is_hugepages(name)
        compute = compute or name in ("cpu", "memory")
    if hugepages and not compute:
        errs.append(errors.forbidden_field(path, "HugePages require cpu or memory"))
    for i, claim in enumerate(as_list(resources.get("claims"))):
        if not as_dict(claim).get("name"):
            errs.append(errors.required(f"{path}.claims[{i}]"))
    return errs


def _request_within_limit(name: str, value: Any, limits: Obj, path: str) -> list[Cause]:
    q = quantity_of(value)
    if q is None:
        return []
    if name not in limits:
        if overcommit_allowed(name):
            return []
        return [errors.required(f"{path}.limits", "Limit must be set for non overcommitable resources")]
    limit = quantity_of(limits[name])
    if limit is None:
        return []
    if q.to_fraction() != limit.to_fraction() and not overcommit_allowed(name):
        return [validation.invalid(f"{path}.requests", str(q), f"must be equal to {name} limit of {limit}")]
    if q.to_fraction() > limit.to_fraction():
        return [validation.invalid(f"{path}.requests", str(q), f"must be less than or equal to {name} limit of {limit}")]
    return []


# --- environment --------------------------------------------------------------------------------------


def _env_name_errors(name: str, path: str) -> list[Cause]:
    """IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on by default in 1.33)."""
    if not _RELAXED_ENV_NAME.match(name):
        return [validation.invalid(path, name, _RELAXED_ENV_NAME_ERROR)]
    return []


def _split_subscript(field_path: str) -> tuple[str, str] | None:
    """fieldpath.SplitMaybeSubscriptedPath: metadata.labels['key'] -> ("metadata.labels", "key")."""
    if not field_path.endswith("']"):
        return None
    base, sep, key = field_path[:-2].partition("['")
    if not sep or not base:
        return None
    return base, key


def _validate_field_ref(ref: Obj, allowed: list[str], path: str) -> list[Cause]:
    """validateObjectFieldSelector."""
    if not ref.get("apiVersion"):
        return [errors.required(f"{path}.apiVersion")]
    field_path = str(ref.get("fieldPath") or "")
    if not field_path:
        return [errors.required(f"{path}.fieldPath")]
    converted, problem = _convert_downward_label(str(ref["apiVersion"]), field_path)
    if problem:
        return [validation.invalid(f"{path}.fieldPath", field_path, f"error converting fieldPath: {problem}")]
    subscripted = _split_subscript(converted)
    if subscripted is not None:
        base, key = subscripted
        return qualified_name(key.lower() if base == "metadata.annotations" else key, path)
    if converted not in allowed:
        return [not_supported(f"{path}.fieldPath", converted, allowed)]
    return []


def _convert_downward_label(version: str, label: str) -> tuple[str, str]:
    """ConvertDownwardAPIFieldLabel: (internal path, error text)."""
    if version != "v1":
        return "", f"unsupported pod version: {version}"
    subscripted = _split_subscript(label)
    if subscripted is not None:
        if subscripted[0] in ("metadata.annotations", "metadata.labels"):
            return label, ""
        return "", f"field label does not support subscript: {label}"
    if label == "spec.host":
        return "spec.nodeName", ""
    if label in _DOWNWARD_LABELS:
        return label, ""
    return "", f"field label not supported: {label}"


def _validate_resource_field_ref(ref: Obj, path: str, volume: bool) -> list[Cause]:
    """validateContainerResourceFieldSelector (+ the divisor)."""
    resource = str(ref.get("resource") or "")
    errs: list[Cause] = []
    if volume and not ref.get("containerName"):
        errs.append(errors.required(f"{path}.containerName"))
    elif not resource:
        errs.append(errors.required(f"{path}.resource"))
    elif resource not in _RESOURCE_FIELD_PATHS and not resource.startswith(_HUGEPAGES_FIELD_PREFIXES):
        errs.append(not_supported(f"{path}.resource", resource, _RESOURCE_FIELD_PATHS))
    return errs + _divisor_errors(resource, ref.get("divisor"), path)


def _divisor_errors(resource: str, divisor: Any, path: str) -> list[Cause]:
    q = quantity_of(divisor) if divisor is not None else None
    if q is None or q.mantissa == 0:
        return []
    shown = str(q)
    kind = resource.split(".", 1)[-1]
    if resource in ("limits.cpu", "requests.cpu") and shown not in ("1m", "1"):
        detail = "only divisor's values 1m and 1 are supported with the cpu resource"
    elif kind in ("memory", "ephemeral-storage") and resource.startswith(("limits.", "requests.")) and shown not in _MEMORY_DIVISORS:
        what = "memory" if kind == "memory" else "local ephemeral storage"
        detail = f"only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the {what} resource"
    elif resource.startswith(_HUGEPAGES_FIELD_PREFIXES) and shown not in _MEMORY_DIVISORS:
        detail = "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"
    else:
        return []
    return [validation.invalid(f"{path}.divisor", resource, detail)]


def _validate_key_selector(sel: Obj, path: str) -> list[Cause]:
    """validateConfigMapKeySelector / validateSecretKeySelector."""
    errs = _name_errors(str(sel.get("name") or ""), f"{path}.name")
    key = str(sel.get("key") or "")
    if not key:
        errs.append(errors.required(f"{path}.key"))
    else:
        errs += [validation.invalid(f"{path}.key", key, m) for m in config_key_errors(key)]
    return errs


def _validate_env_source(source: Obj, has_value: bool, path: str) -> list[Cause]:
    """validateEnvVarValueFrom: exactly one source, and no value beside it."""
    errs: list[Cause] = []
    count = 0
    if isinstance(source.get("fieldRef"), dict):
        count += 1
        errs += _validate_field_ref(source["fieldRef"], _ENV_FIELD_PATHS, f"{path}.fieldRef")
    if isinstance(source.get("resourceFieldRef"), dict):
        count += 1
        errs += _validate_resource_field_ref(source["resourceFieldRef"], f"{path}.resourceFieldRef", volume=False)
    for key in ("configMapKeyRef", "secretKeyRef"):
        if isinstance(source.get(key), dict):
            count += 1
            errs += _validate_key_selector(source[key], f"{path}.{key}")
    if count == 0:
        errs.append(validation.invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
    elif has_value:
        errs.append(validation.invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errs.append(validation.invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_env(env: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, ev in enumerate(as_dict(e) for e in as_list(env)):
        p = f"{path}[{i}]"
        name = str(ev.get("name") or "")
        errs += _env_name_errors(name, f"{p}.name") if name else [errors.required(f"{p}.name")]
        if ev.get("valueFrom") is not None:
            errs += _validate_env_source(as_dict(ev["valueFrom"]), bool(ev.get("value")), f"{p}.valueFrom")
    return errs


def _validate_env_from(env_from: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, ev in enumerate(as_dict(e) for e in as_list(env_from)):
        p = f"{path}[{i}]"
        if ev.get("prefix"):
            errs += _env_name_errors(str(ev["prefix"]), f"{p}.prefix")
        count = 0
        for key in ("configMapRef", "secretRef"):
            if isinstance(ev.get(key), dict):
                count += 1
                name = str(ev[key].get("name") or "")
                # A reference names an object, validated as a generateName prefix (trailing dash allowed).
                errs += _name_errors(name, f"{p}.{key}.name", prefix=True) if name else [errors.required(f"{p}.{key}.name")]
        # Upstream reports these two at the list's path.
        if count == 0:
            errs.append(validation.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(validation.invalid(path, "", "may not have more than one field specified at a time"))
    return errs


# --- handlers and probes --------------------------------------------------------------------------------


def _validate_http_get(http: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    if not http.get("path"):
        errs.append(errors.required(f"{path}.path"))
    errs += validate_port_num_or_name(http.get("port"), f"{path}.port")
    scheme = http.get("scheme")
    if scheme not in ("HTTP", "HTTPS"):
        errs.append(not_supported(f"{path}.scheme", scheme or "", ["HTTP", "HTTPS"]))
    for header in as_list(http.get("httpHeaders")):
        name = str(as_dict(header).get("name") or "")
        if not _HTTP_HEADER_NAME.match(name):
            errs.append(validation.invalid(f"{path}.httpHeaders", name, validation.regex_error(
                "a valid HTTP header must consist of alphanumeric characters or '-'", "[-A-Za-z0-9]+", "X-Header-Name")))
    return errs


def _validate_sleep(sleep: Obj, grace: Any, path: str) -> list[Cause]:
    """validateSleepAction (PodLifecycleSleepActionAllowZero is on by default in 1.33)."""
    seconds = sleep.get("seconds", 0)
    if is_int(grace) and is_int(seconds) and not 0 <= seconds <= grace:
        return [errors.invalid_value(path, seconds, f"must be non-negative and less than terminationGracePeriodSeconds ({grace})")]
    return []


_HANDLER_KINDS = ("exec", "httpGet", "tcpSocket", "grpc", "sleep")


def _validate_handler(handler: Obj, path: str, kinds: tuple[str, ...], grace: Any) -> list[Cause]:
    """validateHandler: exactly one of the kinds this handler may have."""
    errs: list[Cause] = []
    count = 0
    for kind in kinds:
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
            errs += _validate_http_get(value, hp)
        elif kind == "tcpSocket":
            errs += validate_port_num_or_name(value.get("port"), f"{hp}.port")
        elif kind == "grpc":
            errs += [errors.invalid_value(f"{hp}.port", value.get("port"), m) for m in port_num_errors(value.get("port"))]
        elif kind == "sleep":
            errs += _validate_sleep(value, grace, hp)
    if count == 0:
        errs.append(errors.required(path, "must specify a handler type"))
    return errs


def _validate_lifecycle(lifecycle: Any, path: str, grace: Any) -> list[Cause]:
    errs: list[Cause] = []
    for hook in ("postStart", "preStop"):
        if isinstance(as_dict(lifecycle).get(hook), dict):
            errs += _validate_handler(lifecycle[hook], f"{path}.{hook}", ("exec", "httpGet", "tcpSocket", "sleep"), grace)
    return errs


def _validate_probe(probe: Any, path: str, kind: str, grace: Any) -> list[Cause]:
    """validateLivenessProbe / validateReadinessProbe / validateStartupProbe."""
    if not isinstance(probe, dict):
        return []
    errs = _validate_handler(probe, path, ("exec", "httpGet", "tcpSocket", "grpc"), grace)
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        errs += nonnegative(probe.get(key), f"{path}.{key}")
    probe_grace = probe.get("terminationGracePeriodSeconds")
    if is_int(probe_grace) and probe_grace <= 0:
        errs.append(errors.invalid_value(f"{path}.terminationGracePeriodSeconds", probe_grace, "must be greater than 0"))
    if kind == "readiness":
        if probe_grace is not None:
            errs.append(errors.invalid_value(f"{path}.terminationGracePeriodSeconds", probe_grace, "must not be set for readinessProbes"))
    elif probe.get("successThreshold", 1) != 1:
        errs.append(errors.invalid_value(f"{path}.successThreshold", probe.get("successThreshold"), "must be 1"))
    return errs


def _validate_probes(c: Obj, path: str, grace: Any) -> list[Cause]:
    errs = _validate_probe(c.get("livenessProbe"), f"{path}.livenessProbe", "liveness", grace)
    errs += _validate_probe(c.get("readinessProbe"), f"{path}.readinessProbe", "readiness", grace)
    return errs + _validate_probe(c.get("startupProbe"), f"{path}.startupProbe", "startup", grace)


# --- volumes ------------------------------------------------------------------------------------------

# In upstream's validateVolumeSource order: the first one set wins, the others are refused.
_VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
    "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
    "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk",
    "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
)
# Where upstream reports a second volume type, when not at the source's own name (its typos included).
_FORBIDDEN_AT = {"downwardAPI": "downwarAPI", "cephfs": "cephFS"}
# Where upstream validates a source, when not at the source's own name.
_VALIDATED_AT = {"gcePersistentDisk": "persistentDisk"}
_HOST_PATH_TYPES = sorted(["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"])
# The required fields of the (mostly in-tree, deprecated) sources with no other rule.
_REQUIRED_SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "gitRepo": ("repository",), "gcePersistentDisk": ("pdName",), "awsElasticBlockStore": ("volumeID",),
    "glusterfs": ("endpoints", "path"), "rbd": ("monitors", "image"), "cinder": ("volumeID",),
    "cephfs": ("monitors",), "flexVolume": ("driver",), "azureFile": ("secretName", "shareName"),
    "vsphereVolume": ("volumePath",), "photonPersistentDisk": ("pdID",), "portworxVolume": ("volumeID",),
    "azureDisk": ("diskName", "diskURI"), "scaleIO": ("gateway", "system", "volumeName"),
    "iscsi": ("targetPortal", "iqn"), "quobyte": ("registry", "volume"), "storageos": ("volumeName",),
}


def _validate_key_to_paths(items: Any, path: str) -> list[Cause]:
    """validateKeyToPath for each item."""
    errs: list[Cause] = []
    for i, item in enumerate(as_dict(x) for x in as_list(items)):
        p = f"{path}[{i}]"
        if not item.get("key"):
            errs.append(errors.required(f"{p}.key"))
        target = str(item.get("path") or "")
        if not target:
            errs.append(errors.required(f"{p}.path"))
        errs += local_non_reserved_path(target, f"{p}.path") + _validate_mode(item.get("mode"), f"{p}.mode")
    return errs


def _validate_downward_file(item: Obj, path: str) -> list[Cause]:
    """validateDownwardAPIVolumeFile (upstream reports at the volume's path, not the item's)."""
    errs: list[Cause] = []
    target = str(item.get("path") or "")
    if not target:
        errs.append(errors.required(f"{path}.path"))
    errs += local_non_reserved_path(target, f"{path}.path")
    if isinstance(item.get("fieldRef"), dict):
        errs += _validate_field_ref(item["fieldRef"], _VOLUME_FIELD_PATHS, f"{path}.fieldRef")
        if item.get("resourceFieldRef") is not None:
            errs.append(validation.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
    elif isinstance(item.get("resourceFieldRef"), dict):
        errs += _validate_resource_field_ref(item["resourceFieldRef"], f"{path}.resourceFieldRef", volume=True)
    else:
        errs.append(errors.required(path, "one of fieldRef and resourceFieldRef is required"))
    return errs + _validate_mode(item.get("mode"), f"{path}.mode")


def _validate_projection(value: Obj, path: str) -> list[Cause]:
    """validateProjectedVolumeSource: one source per entry, no two files at one path."""
    errs = _validate_mode(value.get("defaultMode"), f"{path}.defaultMode")
    seen: set[str] = set()

    def claim(target: str, shown: str) -> None:
        if target in seen:
            errs.append(validation.invalid(path, shown, "conflicting duplicate paths"))
        seen.add(target)

    for i, source in enumerate(as_dict(s) for s in as_list(value.get("sources"))):
        sp = f"{path}.sources[{i}]"
        count = 0
        for kind in ("secret", "configMap"):
            ref = source.get(kind)
            if isinstance(ref, dict):
                count += 1
                if not ref.get("name"):
                    errs.append(errors.required(f"{sp}.{kind}.name"))
                errs += _validate_key_to_paths(ref.get("items"), f"{sp}.{kind}.items")
                for item in as_list(ref.get("items")):
                    if as_dict(item).get("path"):
                        claim(str(item["path"]), str(ref.get("name") or ""))
        if isinstance(source.get("downwardAPI"), dict):
            count += 1
            for item in as_list(source["downwardAPI"].get("items")):
                errs += _validate_downward_file(as_dict(item), f"{sp}.downwardAPI")
                if as_dict(item).get("path"):
                    claim(str(item["path"]), str(item["path"]))
        token = source.get("serviceAccountToken")
        if isinstance(token, dict):
            count += 1
            errs += _validate_token_projection(token, f"{sp}.serviceAccountToken", path)
        if isinstance(source.get("clusterTrustBundle"), dict):
            count += 1
            bundle = source["clusterTrustBundle"]
            if not bundle.get("path"):
                errs.append(errors.required(f"{sp}.clusterTrustBundle.path"))
            errs += local_non_reserved_path(str(bundle.get("path") or ""), f"{sp}.clusterTrustBundle.path")
        if count > 1:
            errs.append(errors.forbidden_field(sp, "may not specify more than 1 volume type per source"))
    return errs


def _validate_token_projection(token: Obj, path: str, volume_path: str) -> list[Cause]:
    errs: list[Cause] = []
    seconds = token.get("expirationSeconds", 3600)
    if is_int(seconds) and seconds < 600:
        errs.append(errors.invalid_value(f"{path}.expirationSeconds", seconds, "may not specify a duration less than 10 minutes"))
    if is_int(seconds) and seconds > 1 << 32:
        errs.append(errors.invalid_value(f"{path}.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"))
    # Upstream reports the token's path at the volume's path.
    if not token.get("path"):
        errs.append(errors.required(f"{volume_path}.path"))
    else:
        errs += local_non_reserved_path(str(token["path"]), f"{volume_path}.path")
    return errs


def _validate_host_path(value: Obj, path: str) -> list[Cause]:
    if not value.get("path"):
        return [errors.required(f"{path}.path")]
    errs = _path_no_backsteps(str(value["path"]), f"{path}.path")
    if value.get("type") is not None and value["type"] not in _HOST_PATH_TYPES:
        errs.append(not_supported(f"{path}.type", value["type"], _HOST_PATH_TYPES))
    return errs


def csi_driver_errors(driver: str, path: str) -> list[Cause]:
    """ValidateCSIDriverName (the subdomain check runs on the empty name too)."""
    errs: list[Cause] = []
    if not driver:
        errs.append(errors.required(path))
    if len(driver) > 63:
        errs.append(errors.too_long(path, 63))
    return errs + [validation.invalid(path, driver, m) for m in validation.is_dns1123_subdomain(driver.lower())]


def _validate_one_source(source: str, value: Obj, sp: str) -> list[Cause]:
    """The rules of one volume source (validateVolumeSource's per-type functions)."""
    errs: list[Cause] = []
    if source == "emptyDir":
        q = quantity_of(value["sizeLimit"]) if value.get("sizeLimit") is not None else None
        if q is not None and q.mantissa < 0:
            errs.append(errors.forbidden_field(f"{sp}.sizeLimit", "SizeLimit field must be a valid resource quantity"))
    elif source == "hostPath":
        errs += _validate_host_path(value, sp)
    elif source in ("secret", "configMap"):
        name_key = "secretName" if source == "secret" else "name"
        if not value.get(name_key):
            errs.append(errors.required(f"{sp}.{name_key}"))
        errs += _validate_mode(value.get("defaultMode"), f"{sp}.defaultMode")
        errs += _validate_key_to_paths(value.get("items"), f"{sp}.items")
    elif source == "persistentVolumeClaim":
        if not value.get("claimName"):
            errs.append(errors.required(f"{sp}.claimName"))
    elif source == "nfs":
        errs += _validate_nfs(value, sp)
    elif source == "downwardAPI":
        errs += _validate_mode(value.get("defaultMode"), f"{sp}.defaultMode")
        for item in as_list(value.get("items")):
            errs += _validate_downward_file(as_dict(item), sp)
    elif source == "projected":
        errs += _validate_projection(value, sp)
    elif source == "csi":
        errs += _validate_csi_volume(value, sp)
    elif source == "ephemeral":
        errs += _validate_ephemeral(value, sp)
    elif source == "image":
        if not value.get("reference"):
            errs.append(errors.required(f"{sp}.reference"))
    elif source == "gitRepo":
        errs += [errors.required(f"{sp}.repository")] if not value.get("repository") else []
        errs += _local_descending_path(str(value.get("directory") or ""), f"{sp}.directory")
    else:
        at = f"{sp.rsplit('.', 1)[0]}.{_VALIDATED_AT.get(source, source)}"
        errs += [errors.required(f"{at}.{key}") for key in _REQUIRED_SOURCE_FIELDS.get(source, ()) if not value.get(key)]
    return errs


def _validate_nfs(value: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    if not value.get("server"):
        errs.append(errors.required(f"{path}.server"))
    nfs_path = str(value.get("path") or "")
    if not nfs_path:
        errs.append(errors.required(f"{path}.path"))
    if not posixpath.isabs(nfs_path):
        errs.append(validation.invalid(f"{path}.path", nfs_path, "must be an absolute path"))
    return errs


def _validate_csi_volume(value: Obj, path: str) -> list[Cause]:
    errs = csi_driver_errors(str(value.get("driver") or ""), f"{path}.driver")
    secret = value.get("nodePublishSecretRef")
    if isinstance(secret, dict):
        if not secret.get("name"):
            errs.append(errors.required(f"{path}.nodePublishSecretRef.name"))
        else:
            errs += _name_errors(str(secret["name"]), f"{path}.name")
    return errs


def _validate_ephemeral(value: Obj, path: str) -> list[Cause]:
    template = value.get("volumeClaimTemplate")
    if not isinstance(template, dict):
        return [errors.required(f"{path}.volumeClaimTemplate")]
    p = f"{path}.volumeClaimTemplate"
    meta = as_dict(template.get("metadata"))
    errs = validation.validate_annotations(meta.get("annotations"), f"{p}.metadata.annotations")
    errs += validation.validate_labels(meta.get("labels"), f"{p}.metadata.labels")
    for key in sorted(set(meta) - {"labels", "annotations"}):
        errs.append(errors.forbidden_field(f"{p}.metadata.{key}", "cannot be set"))
    spec = as_dict(template.get("spec"))
    if not as_list(spec.get("accessModes")):
        errs.append(errors.required(f"{p}.spec.accessModes", "at least 1 access mode is required"))
    if "storage" not in as_dict(as_dict(spec.get("resources")).get("requests")):
        errs.append(errors.required(f"{p}.spec.resources[storage]"))
    return errs


def _validate_volume_source(vol: Obj, p: str) -> list[Cause]:
    errs: list[Cause] = []
    count = 0
    for source in _VOLUME_SOURCES:
        value = vol.get(source)
        if value is None:
            continue
        if count > 0:
            errs.append(errors.forbidden_field(f"{p}.{_FORBIDDEN_AT.get(source, source)}", "may not specify more than 1 volume type"))
            continue
        count += 1
        errs += _validate_one_source(source, as_dict(value), f"{p}.{source}")
    if count == 0:
        errs.append(errors.required(p, "must specify a volume type"))
    return errs


def validate_volumes(volumes: Any, path: str, pod_name: str = "") -> tuple[dict[str, Obj], list[Cause]]:
    """ValidateVolumes: the valid volumes by name, and the errors."""
    errs: list[Cause] = []
    valid: dict[str, Obj] = {}
    names: set[str] = set()
    vols = [as_dict(v) for v in as_list(volumes)]
    created = {f"{pod_name}-{v.get('name')}" for v in vols if pod_name and v.get("ephemeral") is not None}
    for i, vol in enumerate(vols):
        p = f"{path}[{i}]"
        el = _validate_volume_source(vol, p)
        name = str(vol.get("name") or "")
        el += dns_label(name, f"{p}.name") if name else [errors.required(f"{p}.name")]
        if pod_name and name and isinstance(vol.get("ephemeral"), dict):
            claim_name = f"{pod_name}-{name}"
            el += [validation.invalid(f"{p}.name", name, f"PVC name {validation.go_quote(claim_name)}: {m}")
                   for m in validation.name_is_dns_subdomain(claim_name, False)]
        if name in names:
            el.append(errors.duplicate(f"{p}.name", name))
        if el:
            errs += el
        else:
            names.add(name)
            valid[name] = vol
        claim = as_dict(vol.get("persistentVolumeClaim")).get("claimName")
        if claim and claim in created:
            errs.append(validation.invalid(f"{p}.persistentVolumeClaim.claimName", str(claim),
                                           "must not reference a PVC that gets created for an ephemeral volume"))
    return valid, errs


def _validate_volume_mounts(c: Obj, volumes: dict[str, Obj], path: str) -> list[Cause]:
    """ValidateVolumeMounts."""
    errs: list[Cause] = []
    seen: set[str] = set()
    devices = {str(as_dict(d).get("name")): str(as_dict(d).get("devicePath")) for d in as_list(c.get("volumeDevices"))}
    for i, mnt in enumerate(as_dict(m) for m in as_list(c.get("volumeMounts"))):
        p = f"{path}[{i}]"
        name, mount_path = str(mnt.get("name") or ""), str(mnt.get("mountPath") or "")
        if not name:
            errs.append(errors.required(f"{p}.name"))
        if name not in volumes:
            errs.append(not_found(f"{p}.name", name))
        if not mount_path:
            errs.append(errors.required(f"{p}.mountPath"))
        if mount_path in seen:
            errs.append(validation.invalid(f"{p}.mountPath", mount_path, "must be unique"))
        seen.add(mount_path)
        if name in devices:
            errs.append(validation.invalid(f"{p}.name", name, "must not already exist in volumeDevices"))
        if mount_path in devices.values():
            errs.append(validation.invalid(f"{p}.mountPath", mount_path, "must not already exist as a path in volumeDevices"))
        errs += _validate_sub_paths(mnt, volumes.get(name), p, path)
        errs += _validate_propagation(mnt, c, path)
    return errs


def _validate_sub_paths(mnt: Obj, volume: Obj | None, p: str, path: str) -> list[Cause]:
    errs: list[Cause] = []
    sub, expr = str(mnt.get("subPath") or ""), str(mnt.get("subPathExpr") or "")
    if volume is not None and volume.get("image") is not None:
        if sub:
            errs.append(validation.invalid(f"{p}.subPath", sub, "not allowed in image volume sources"))
        if expr:
            errs.append(validation.invalid(f"{p}.subPathExpr", expr, "not allowed in image volume sources"))
    if sub:
        # Upstream reports these at `volumeMounts.subPath` (no index).
        errs += _local_descending_path(sub, f"{path}.subPath")
    if expr:
        if sub:
            errs.append(validation.invalid(f"{p}.subPathExpr", expr, "subPathExpr and subPath are mutually exclusive"))
        errs += _local_descending_path(expr, f"{path}.subPathExpr")
    return errs


def _validate_propagation(mnt: Obj, c: Obj, path: str) -> list[Cause]:
    """validateMountPropagation and validateMountRecursiveReadOnly (reported without the index)."""
    errs: list[Cause] = []
    propagation = mnt.get("mountPropagation")
    if propagation is not None:
        supported = ["Bidirectional", "HostToContainer", "None"]
        if propagation not in supported:
            errs.append(not_supported(f"{path}.mountPropagation", propagation, supported))
        privileged = as_dict(c.get("securityContext")).get("privileged") is True
        if propagation == "Bidirectional" and not privileged:
            errs.append(errors.forbidden_field(f"{path}.mountPropagation", "Bidirectional mount propagation is available only to privileged containers"))
    rro = mnt.get("recursiveReadOnly")
    if rro in ("Enabled", "IfPossible"):
        if not mnt.get("readOnly"):
            errs.append(errors.forbidden_field(f"{path}.recursiveReadOnly", "may only be specified when readOnly is true"))
        if propagation not in (None, "None"):
            errs.append(errors.forbidden_field(f"{path}.recursiveReadOnly", "may only be specified when mountPropagation is None or not specified"))
    elif rro not in (None, "Disabled"):
        errs.append(not_supported(f"{path}.recursiveReadOnly", rro, ["Disabled", "Enabled", "IfPossible"]))
    return errs


def _validate_volume_devices(c: Obj, volumes: dict[str, Obj], path: str) -> list[Cause]:
    """ValidateVolumeDevices: block devices come from claims only."""
    errs: list[Cause] = []
    mounts = {str(as_dict(m).get("name")): str(as_dict(m).get("mountPath")) for m in as_list(c.get("volumeMounts"))}
    names: set[str] = set()
    paths: set[str] = set()
    for i, dev in enumerate(as_dict(d) for d in as_list(c.get("volumeDevices"))):
        p = f"{path}[{i}]"
        name, dev_path = str(dev.get("name") or ""), str(dev.get("devicePath") or "")
        volume = volumes.get(name)
        if not name:
            errs.append(errors.required(f"{p}.name"))
        if name in names:
            errs.append(validation.invalid(f"{p}.name", name, "must be unique"))
        if volume is not None and volume.get("persistentVolumeClaim") is None and volume.get("ephemeral") is None:
            errs.append(validation.invalid(f"{p}.name", name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
        if volume is None:
            errs.append(not_found(f"{p}.name", name))
        if not dev_path:
            errs.append(errors.required(f"{p}.devicePath"))
        if dev_path in paths:
            errs.append(validation.invalid(f"{p}.devicePath", dev_path, "must be unique"))
        if dev_path and _path_no_backsteps(dev_path, p):
            errs.append(validation.invalid(f"{p}.devicePath", dev_path, "can not contain backsteps ('..')"))
        else:
            paths.add(dev_path)
        if name in mounts:
            errs.append(validation.invalid(f"{p}.name", name, "must not already exist in volumeMounts"))
        if dev_path in mounts.values():
            errs.append(validation.invalid(f"{p}.devicePath", dev_path, "must not already exist as a path in volumeMounts"))
        if name:
            names.add(name)
    return errs


# --- security contexts ------------------------------------------------------------------------------------

_SECCOMP_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"]
_SYSCTL = re.compile(r"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")
_SYSCTL_ERROR = ("must have at most 253 characters and match regex "
                 "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")


def _validate_seccomp(profile: Any, path: str) -> list[Cause]:
    if not isinstance(profile, dict):
        return []
    errs: list[Cause] = []
    kind = profile.get("type")
    if not kind:
        errs.append(errors.required(f"{path}.type", "type is required when seccompProfile is set"))
    elif kind not in _SECCOMP_TYPES:
        errs.append(not_supported(f"{path}.type", kind, _SECCOMP_TYPES))
    if kind == "Localhost":
        if profile.get("localhostProfile") is None:
            errs.append(errors.required(f"{path}.localhostProfile", "must be set when seccomp type is Localhost"))
        else:
            errs += _local_descending_path(str(profile["localhostProfile"]), f"{path}.localhostProfile")
    elif profile.get("localhostProfile") is not None:
        errs.append(errors.invalid_value(f"{path}.localhostProfile", profile, "can only be set when seccomp type is Localhost"))
    return errs


def _validate_apparmor(profile: Any, path: str) -> list[Cause]:
    """ValidateAppArmorProfileField."""
    if not isinstance(profile, dict):
        return []
    kind, local = profile.get("type"), profile.get("localhostProfile")
    if kind == "Localhost":
        if local is None:
            return [errors.required(f"{path}.localhostProfile", "must be set when AppArmor type is Localhost")]
        errs: list[Cause] = []
        if str(local).strip() != local:
            errs.append(validation.invalid(f"{path}.localhostProfile", str(local), "must not be padded with whitespace"))
        elif not local:
            errs.append(errors.required(f"{path}.localhostProfile", "must be set when AppArmor type is Localhost"))
        if len(str(local)) > 4095:
            errs.append(errors.too_long(f"{path}.localhostProfile", 4095))
        return errs
    if kind in ("RuntimeDefault", "Unconfined"):
        if local is not None:
            return [validation.invalid(f"{path}.localhostProfile", str(local), "can only be set when AppArmor type is Localhost")]
        return []
    if not kind:
        return [errors.required(f"{path}.type", "type is required when appArmorProfile is set")]
    return [not_supported(f"{path}.type", kind, ["Localhost", "RuntimeDefault", "Unconfined"])]


def _validate_security_context(sc: Any, path: str, host_users: bool) -> list[Cause]:
    """ValidateSecurityContext (a container's)."""
    if not isinstance(sc, dict):
        return []
    errs: list[Cause] = []
    for key in ("runAsUser", "runAsGroup"):
        errs += inclusive_range(sc.get(key), 0, _MAX_ID, f"{path}.{key}")
    proc = sc.get("procMount")
    if proc is not None:
        if proc not in ("Default", "Unmasked"):
            errs.append(not_supported(f"{path}.procMount", proc, ["Default", "Unmasked"]))
        if host_users and proc == "Unmasked":
            errs.append(validation.invalid(f"{path}.procMount", proc, "`hostUsers` must be false to use `Unmasked`"))
    errs += _validate_seccomp(sc.get("seccompProfile"), f"{path}.seccompProfile")
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            errs.append(errors.invalid_value(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
        for cap in as_list(as_dict(sc.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":
                errs.append(errors.invalid_value(path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
    return errs + _validate_apparmor(sc.get("appArmorProfile"), f"{path}.appArmorProfile")


def _sysctl_namespace(name: str) -> str:
    """utilsysctl.GetNamespace: which namespace a sysctl belongs to, if any."""
    if name.startswith("net."):
        return "net"
    if name in ("kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.msgmax", "kernel.msgmnb",
                "kernel.msgmni", "kernel.shm_rmid_forced") or name.startswith("fs.mqueue."):
        return "ipc"
    return ""


def _validate_sysctls(spec: Obj, sysctls: list[Any], path: str) -> list[Cause]:
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, s in enumerate(as_dict(x) for x in sysctls):
        p = f"{path}[{i}].name"
        name = str(s.get("name") or "")
        if not name:
            errs.append(errors.required(p))
        elif len(name) > 253 or not _SYSCTL.match(name):
            errs.append(validation.invalid(p, name, _SYSCTL_ERROR))
        elif name in seen:
            errs.append(errors.duplicate(p, name))
        if spec.get("hostNetwork") is True and _sysctl_namespace(name) == "net":
            errs.append(validation.invalid(p, name, "may not be specified when 'hostNetwork' is true"))
        elif spec.get("hostIPC") is True and _sysctl_namespace(name) == "ipc":
            errs.append(validation.invalid(p, name, "may not be specified when 'hostIPC' is true"))
        seen.add(name)
    return errs


def _validate_pod_security_context(spec: Obj, path: str) -> list[Cause]:
    """validatePodSpecSecurityContext. Upstream keeps the host namespace switches in its
    internal security context, hence shareProcessNamespace reported under it."""
    sc = spec.get("securityContext")
    if not isinstance(sc, dict):
        return []
    errs = inclusive_range(sc.get("fsGroup"), 0, _MAX_ID, f"{path}.fsGroup")
    for key in ("runAsUser", "runAsGroup"):
        errs += inclusive_range(sc.get(key), 0, _MAX_ID, f"{path}.{key}")
    for i, gid in enumerate(as_list(sc.get("supplementalGroups"))):
        errs += inclusive_range(gid, 0, _MAX_ID, f"{path}.supplementalGroups[{i}]")
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        errs.append(errors.invalid_value(f"{path}.shareProcessNamespace", True, "ShareProcessNamespace and HostPID cannot both be enabled"))
    if as_list(sc.get("sysctls")):
        errs += _validate_sysctls(spec, sc["sysctls"], f"{path}.sysctls")
    policy = sc.get("fsGroupChangePolicy")
    if policy is not None and policy not in ("Always", "OnRootMismatch"):
        errs.append(not_supported(f"{path}.fsGroupChangePolicy", policy, ["Always", "OnRootMismatch"]))
    errs += _validate_seccomp(sc.get("seccompProfile"), f"{path}.seccompProfile")
    errs += _validate_apparmor(sc.get("appArmorProfile"), f"{path}.appArmorProfile")
    groups_policy = sc.get("supplementalGroupsPolicy")
    if groups_policy is not None and groups_policy not in ("Merge", "Strict"):
        errs.append(not_supported(f"{path}.supplementalGroupsPolicy", groups_policy, ["Merge", "Strict"]))
    selinux = sc.get("seLinuxChangePolicy")
    if selinux is not None and selinux not in ("MountOption", "Recursive"):
        errs.append(not_supported(f"{path}.seLinuxChangePolicy", selinux, ["MountOption", "Recursive"]))
    return errs


# --- containers ---------------------------------------------------------------------------------------


def _validate_container_ports(ports: Any, path: str) -> list[Cause]:
    """validateContainerPorts."""
    errs: list[Cause] = []
    names: set[str] = set()
    for i, port in enumerate(as_dict(x) for x in as_list(ports)):
        p = f"{path}[{i}]"
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
        protocol = port.get("protocol")
        if not protocol:
            errs.append(errors.required(f"{p}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(not_supported(f"{p}.protocol", protocol, PROTOCOLS))
    return errs


def _validate_resize_policy(policies: Any, path: str, restart_policy: Any) -> list[Cause]:
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, policy in enumerate(as_dict(x) for x in as_list(policies)):
        resource, restart = policy.get("resourceName") or "", policy.get("restartPolicy") or ""
        if resource in seen:
            errs.append(errors.duplicate(f"{path}[{i}]", resource))
        seen.add(str(resource))
        if not resource:
            errs.append(errors.required(path))
        elif resource not in ("cpu", "memory"):
            errs.append(not_supported(path, resource, ["cpu", "memory"]))
        if not restart:
            errs.append(errors.required(path))
        elif restart not in ("NotRequired", "RestartContainer"):
            errs.append(not_supported(path, restart, ["NotRequired", "RestartContainer"]))
        if restart_policy == "Never" and restart != "NotRequired":
            errs.append(validation.invalid(path, str(restart), "must be 'NotRequired' when `restartPolicy` is 'Never'"))
    return errs


def _validate_container(c: Obj, p: str, volumes: dict[str, Obj], spec: Obj) -> list[Cause]:
    """validateContainerCommon: what every kind of container must satisfy."""
    errs: list[Cause] = []
    name = c.get("name")
    errs += dns_label(name, f"{p}.name") if name else [errors.required(f"{p}.name")]
    if not c.get("image"):
        errs.append(errors.required(f"{p}.image"))
    policy = c.get("terminationMessagePolicy")
    if not policy:
        errs.append(errors.required(f"{p}.terminationMessagePolicy"))
    elif policy not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(not_supported(f"{p}.terminationMessagePolicy", policy, _TERMINATION_MESSAGE_POLICIES))
    errs += _validate_container_ports(c.get("ports"), f"{p}.ports")
    errs += _validate_env(c.get("env"), f"{p}.env")
    errs += _validate_env_from(c.get("envFrom"), f"{p}.envFrom")
    errs += _validate_volume_mounts(c, volumes, f"{p}.volumeMounts")
    errs += _validate_volume_devices(c, volumes, f"{p}.volumeDevices")
    pull = c.get("imagePullPolicy")
    if not pull:
        errs.append(errors.required(f"{p}.imagePullPolicy"))
    elif pull not in PULL_POLICIES:
        errs.append(not_supported(f"{p}.imagePullPolicy", pull, PULL_POLICIES))
    errs += validate_resource_requirements(c.get("resources"), f"{p}.resources")
    errs += _validate_resize_policy(c.get("resizePolicy"), f"{p}.resizePolicy", spec.get("restartPolicy"))
    return errs + _validate_security_context(c.get("securityContext"), f"{p}.securityContext", _host_users(spec))


def _host_users(spec: Obj) -> bool:
    return as_dict(spec.get("securityContext")).get("hostUsers") is not False


def _host_port_conflicts(containers: list[Obj], path: str) -> list[Cause]:
    """checkHostPortConflicts: protocol/hostIP/hostPort once across the given containers."""
    errs: list[Cause] = []
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(as_dict(x) for x in as_list(c.get("ports"))):
            host_port = port.get("hostPort")
            if not host_port:
                continue
            key = f"{port.get('protocol', '')}/{port.get('hostIP', '')}/{host_port}"
            if key in seen:
                errs.append(errors.duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            seen.add(key)
    return errs


def _validate_containers(spec: Obj, volumes: dict[str, Obj], path: str) -> list[Cause]:
    """validateContainers: the regular containers."""
    containers = [as_dict(c) for c in as_list(spec.get("containers"))]
    if not containers:
        return [errors.required(path)]
    grace = spec.get("terminationGracePeriodSeconds")
    errs: list[Cause] = []
    names: set[str] = set()
    for i, c in enumerate(containers):
        p = f"{path}[{i}]"
        errs += _validate_container(c, p, volumes, spec)
        if c.get("name", "") in names:
            errs.append(errors.duplicate(f"{p}.name", c.get("name", "")))
        names.add(str(c.get("name", "")))
        if c.get("lifecycle") is not None:
            errs += _validate_lifecycle(c["lifecycle"], f"{p}.lifecycle", grace)
        errs += _validate_probes(c, p, grace)
        if c.get("restartPolicy") is not None:
            errs.append(errors.forbidden_field(f"{p}.restartPolicy", "may not be set for non-init containers"))
    return errs + _host_port_conflicts(containers, path)


def _validate_init_containers(spec: Obj, volumes: dict[str, Obj], path: str) -> list[Cause]:
    """validateInitContainers: sidecars (restartPolicy Always) may have probes and hooks."""
    grace = spec.get("terminationGracePeriodSeconds")
    names = {str(as_dict(c).get("name", "")) for c in as_list(spec.get("containers"))}
    errs: list[Cause] = []
    for i, c in enumerate(as_dict(x) for x in as_list(spec.get("initContainers"))):
        p = f"{path}[{i}]"
        errs += _validate_container(c, p, volumes, spec)
        restart = c.get("restartPolicy")
        if restart is not None and restart != "Always":
            errs.append(not_supported(f"{p}.restartPolicy", restart, ["Always"]))
        if c.get("name", "") in names:
            errs.append(errors.duplicate(f"{p}.name", c.get("name", "")))
        elif c.get("name"):
            names.add(str(c["name"]))
        # Init containers run one by one: host ports only conflict within one of them.
        errs += _host_port_conflicts([c], path)
        if restart == "Always":
            if c.get("lifecycle") is not None:
                errs += _validate_lifecycle(c["lifecycle"], f"{p}.lifecycle", grace)
            errs += _validate_probes(c, p, grace)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(key) is not None:
                    errs.append(errors.forbidden_field(f"{p}.{key}", "may not be set for init containers without restartPolicy=Always"))
    return errs


# --- scheduling: affinity, tolerations, topology -------------------------------------------------------------


def _node_selector_requirement(rq: Obj, path: str, check_values: bool) -> list[Cause]:
    """ValidateNodeSelectorRequirement."""
    errs: list[Cause] = []
    op, values = rq.get("operator"), [str(v) for v in as_list(rq.get("values"))]
    if op in ("In", "NotIn"):
        if not values:
            errs.append(errors.required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(errors.forbidden_field(f"{path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(errors.required(f"{path}.values", "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(validation.invalid(f"{path}.operator", str(op or ""), "not a valid selector operator"))
    errs += validation.validate_label_name(str(rq.get("key") or ""), f"{path}.key")
    if check_values:
        for i, value in enumerate(values):
            errs += [validation.invalid(f"{path}.values[{i}]", value, m) for m in validation.is_valid_label_value(value)]
    return errs


def _node_field_requirement(rq: Obj, path: str) -> list[Cause]:
    """ValidateNodeFieldSelectorRequirement: only metadata.name, In/NotIn one value."""
    errs: list[Cause] = []
    values = [str(v) for v in as_list(rq.get("values"))]
    if rq.get("operator") in ("In", "NotIn"):
        if len(values) != 1:
            errs.append(errors.required(f"{path}.values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
    else:
        errs.append(validation.invalid(f"{path}.operator", str(rq.get("operator") or ""), "not a valid selector operator"))
    if rq.get("key") != "metadata.name":
        errs.append(validation.invalid(f"{path}.key", str(rq.get("key") or ""), "not a valid field selector key"))
    else:
        for i, value in enumerate(values):
            errs += [validation.invalid(f"{path}.values[{i}]", value, m) for m in validation.name_is_dns_subdomain(value, False)]
    return errs


def _node_selector_term(term: Obj, path: str, check_values: bool) -> list[Cause]:
    errs: list[Cause] = []
    for j, rq in enumerate(as_list(term.get("matchExpressions"))):
        errs += _node_selector_requirement(as_dict(rq), f"{path}.matchExpressions[{j}]", check_values)
    for j, rq in enumerate(as_list(term.get("matchFields"))):
        errs += _node_field_requirement(as_dict(rq), f"{path}.matchFields[{j}]")
    return errs


def validate_node_selector(selector: Obj, path: str) -> list[Cause]:
    """ValidateNodeSelector (required node affinity, PV node affinity)."""
    terms = as_list(selector.get("nodeSelectorTerms"))
    if not terms:
        return [errors.required(f"{path}.nodeSelectorTerms", "must have at least one node selector term")]
    errs: list[Cause] = []
    for i, term in enumerate(terms):
        errs += _node_selector_term(as_dict(term), f"{path}.nodeSelectorTerms[{i}]", check_values=True)
    return errs


def _weight_errors(weight: Any, path: str) -> list[Cause]:
    if is_int(weight) and 1 <= weight <= 100:
        return []
    return [errors.invalid_value(path, weight if weight is not None else 0, "must be in the range 1-100")]


def _pod_affinity_term(term: Obj, path: str) -> list[Cause]:
    """validatePodAffinityTerm (selectors, namespaces, topology key)."""
    errs: list[Cause] = []
    if isinstance(term.get("labelSelector"), dict):
        errs += validation.validate_label_selector(term["labelSelector"], f"{path}.labelSelector")
    if isinstance(term.get("namespaceSelector"), dict):
        errs += validation.validate_label_selector(term["namespaceSelector"], f"{path}.namespaceSelector")
    for name in as_list(term.get("namespaces")):
        errs += [validation.invalid(f"{path}.namespace", str(name), m) for m in validation.name_is_dns_label(str(name), False)]
    topology = str(term.get("topologyKey") or "")
    if not topology:
        errs.append(errors.required(f"{path}.topologyKey", "can not be empty"))
    return errs + validation.validate_label_name(topology, f"{path}.topologyKey")


def _pod_affinity(affinity: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    required = "requiredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(as_list(affinity.get(required))):
        errs += _pod_affinity_term(as_dict(term), f"{path}.{required}[{i}]")
    preferred = "preferredDuringSchedulingIgnoredDuringExecution"
    for i, weighted in enumerate(as_dict(w) for w in as_list(affinity.get(preferred))):
        errs += _weight_errors(weighted.get("weight"), f"{path}.{preferred}[{i}].weight")
        errs += _pod_affinity_term(as_dict(weighted.get("podAffinityTerm")), f"{path}.{preferred}[{i}].podAffinityTerm")
    return errs


def _validate_affinity(affinity: Any, path: str) -> list[Cause]:
    """validateAffinity."""
    affinity = as_dict(affinity)
    errs: list[Cause] = []
    node = affinity.get("nodeAffinity")
    if isinstance(node, dict):
        np = f"{path}.nodeAffinity"
        required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(required, dict):
            errs += validate_node_selector(required, f"{np}.requiredDuringSchedulingIgnoredDuringExecution")
        preferred = "preferredDuringSchedulingIgnoredDuringExecution"
        for i, term in enumerate(as_dict(t) for t in as_list(node.get(preferred))):
            errs += _weight_errors(term.get("weight"), f"{np}.{preferred}[{i}].weight")
            # Preferred terms may name label values no node has yet: upstream lets them be invalid.
            errs += _node_selector_term(as_dict(term.get("preference")), f"{np}.{preferred}[{i}].preference", check_values=False)
    for kind in ("podAffinity", "podAntiAffinity"):
        if isinstance(affinity.get(kind), dict):
            errs += _pod_affinity(affinity[kind], f"{path}.{kind}")
    return errs


def validate_tolerations(tolerations: Any, path: str) -> list[Cause]:
    """ValidateTolerations."""
    errs: list[Cause] = []
    for i, tol in enumerate(as_dict(t) for t in as_list(tolerations)):
        p = f"{path}[{i}]"
        key, op = str(tol.get("key") or ""), str(tol.get("operator") or "")
        value, effect = str(tol.get("value") or ""), str(tol.get("effect") or "")
        if key:
            errs += validation.validate_label_name(key, f"{p}.key")
        if not key and op != "Exists":
            errs.append(validation.invalid(f"{p}.operator", op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'))
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(validation.invalid(f"{p}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            msgs = validation.is_valid_label_value(value)
            if msgs:
                errs.append(validation.invalid(f"{p}.operator", value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(validation.invalid(f"{p}.operator", value, "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(f"{p}.operator", op, ["Equal", "Exists"]))
        if effect:
            errs += validate_taint_effect(effect, f"{p}.effect")
    return errs


def validate_taint_effect(effect: Any, path: str) -> list[Cause]:
    if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        return [not_supported(path, effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"])]
    return []


def _validate_topology_spread(constraints: Any, path: str) -> list[Cause]:
    """validateTopologySpreadConstraints."""
    errs: list[Cause] = []
    items = [as_dict(x) for x in as_list(constraints)]
    for i, c in enumerate(items):
        p = f"{path}[{i}]"
        skew = c.get("maxSkew", 0)
        if is_int(skew) and skew <= 0:
            errs.append(errors.invalid_value(f"{p}.maxSkew", skew, "must be greater than zero"))
        if not c.get("topologyKey"):
            errs.append(errors.required(f"{p}.topologyKey", "can not be empty"))
        action = str(c.get("whenUnsatisfiable") or "")
        if action not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(not_supported(f"{p}.whenUnsatisfiable", action, ["DoNotSchedule", "ScheduleAnyway"]))
        # A constraint repeated later on the same {topologyKey, whenUnsatisfiable} is reported here.
        if any(o.get("topologyKey") == c.get("topologyKey") and o.get("whenUnsatisfiable") == c.get("whenUnsatisfiable")
               for o in items[i + 1:]):
            errs.append(errors.duplicate(f"{p}.{{topologyKey, whenUnsatisfiable}}", f"{{{c.get('topologyKey') or ''}, {action}}}"))
        errs += _min_domains_errors(c.get("minDomains"), action, f"{p}.minDomains")
        for policy in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            if c.get(policy) is not None and c[policy] not in ("Honor", "Ignore"):
                errs.append(not_supported(f"{p}.{policy}", c[policy], ["Honor", "Ignore"]))
        if isinstance(c.get("labelSelector"), dict):
            errs += validation.validate_label_selector(c["labelSelector"], f"{p}.labelSelector")
    return errs


def _min_domains_errors(min_domains: Any, action: str, path: str) -> list[Cause]:
    if min_domains is None:
        return []
    errs: list[Cause] = []
    if is_int(min_domains) and min_domains <= 0:
        errs.append(errors.invalid_value(path, min_domains, "must be greater than zero"))
    if action != "DoNotSchedule":
        errs.append(errors.invalid_value(path, min_domains, f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"))
    return errs


# --- the pod spec -----------------------------------------------------------------------------------------


def _validate_dns_config(spec: Obj, path: str) -> list[Cause]:
    """validatePodDNSConfig."""
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if not isinstance(config, dict):
            return [errors.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not as_list(config.get("nameservers")):
            return [errors.required(f"{path}.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None")]
    if not isinstance(config, dict):
        return []
    errs: list[Cause] = []
    servers = [str(s) for s in as_list(config.get("nameservers"))]
    if len(servers) > 3:
        errs.append(_invalid_strings(f"{path}.nameservers", servers, "must not have more than 3 nameservers"))
    for i, server in enumerate(servers):
        errs += ip_errors(server, f"{path}.nameservers[{i}]")
    searches = [str(s) for s in as_list(config.get("searches"))]
    if len(searches) > 32:
        errs.append(_invalid_strings(f"{path}.searches", searches, "must not have more than 32 search paths"))
    if len(" ".join(searches)) > 2048:
        errs.append(_invalid_strings(f"{path}.searches", searches, "must not have more than 2048 characters (including spaces) in the search list"))
    for i, search in enumerate(searches):
        # RelaxedDNSSearchValidation (on by default in 1.33): "." alone, and underscores, are allowed.
        if search != ".":
            errs += [validation.invalid(f"{path}.searches[{i}]", search.removesuffix("."), m)
                     for m in _subdomain_with_underscore_errors(search.removesuffix("."))]
    for i, option in enumerate(as_list(config.get("options"))):
        if not as_dict(option).get("name"):
            errs.append(errors.required(f"{path}.options[{i}]", "must not be empty"))
    return errs


_SUBDOMAIN_UNDERSCORE = re.compile(r"^_?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\._?[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _subdomain_with_underscore_errors(value: str) -> list[str]:
    """validation.IsDNS1123SubdomainWithUnderscore."""
    errs = []
    if len(value) > 253:
        errs.append(validation.max_len_error(253))
    if not _SUBDOMAIN_UNDERSCORE.match(value):
        errs.append(validation.regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', "
            "and must start and end with an alphanumeric character",
            "_?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", "example.com"))
    return errs


def _invalid_strings(path: str, values: list[str], detail: str) -> Cause:
    """field.Invalid with a []string value, printed as Go's %#v prints it."""
    return invalid_raw(path, validation.go_string_slice(values), detail)


def _validate_host_aliases(aliases: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    for i, alias in enumerate(as_dict(a) for a in as_list(aliases)):
        errs += ip_errors(str(alias.get("ip") or ""), f"{path}[{i}].ip")
        for j, hostname in enumerate(as_list(alias.get("hostnames"))):
            errs += dns_subdomain(hostname, f"{path}[{i}].hostnames[{j}]")
    return errs


def _validate_scheduling_gates(gates: Any, path: str) -> list[Cause]:
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, gate in enumerate(as_dict(g) for g in as_list(gates)):
        name = str(gate.get("name") or "")
        errs += qualified_name(name, f"{path}[{i}]")
        if name in seen:
            errs.append(errors.duplicate(f"{path}[{i}]", name))
        seen.add(name)
    return errs


def _validate_host_network_ports(spec: Obj, path: str, is_pod: bool) -> list[Cause]:
    """validatePodHostNetworkDeps: host-network pods publish each port on the same host port
    (a template may leave it unset: the pod's defaults fill it in)."""
    if spec.get("hostNetwork") is not True:
        return []
    errs: list[Cause] = []
    for i, c in enumerate(as_dict(x) for x in as_list(spec.get("containers"))):
        for j, port in enumerate(as_dict(x) for x in as_list(c.get("ports"))):
            hp, cp = port.get("hostPort") or 0, port.get("containerPort") or 0
            if (is_pod or hp != 0) and hp != cp:
                errs.append(errors.invalid_value(f"{path}.containers[{i}].ports[{j}].hostPort", hp,
                                                 "must match `containerPort` when `hostNetwork` is true"))
    return errs


def _validate_image_pull_secrets(secrets: Any, path: str) -> list[Cause]:
    """Only a name may be given (anything else is an error, an empty name is not)."""
    errs: list[Cause] = []
    for i, secret in enumerate(as_list(secrets)):
        if not isinstance(secret, dict) or set(secret) - {"name"}:
            errs.append(errors.invalid_value(f"{path}[{i}]", secret, "only name may be set"))
    return errs


def _validate_spec_scheduling(spec: Obj, path: str) -> list[Cause]:
    """The scheduling part of ValidatePodSpec, in upstream's order."""
    errs = _validate_pod_security_context(spec, f"{path}.securityContext")
    errs += _validate_image_pull_secrets(spec.get("imagePullSecrets"), f"{path}.imagePullSecrets")
    errs += _validate_affinity(spec.get("affinity"), f"{path}.affinity")
    errs += _validate_dns_config(spec, f"{path}.dnsConfig")
    for i, gate in enumerate(as_list(spec.get("readinessGates"))):
        errs += qualified_name(as_dict(gate).get("conditionType") or "", f"{path}.readinessGates[{i}].conditionType")
    errs += _validate_scheduling_gates(spec.get("schedulingGates"), f"{path}.schedulingGates")
    return errs + _validate_topology_spread(spec.get("topologySpreadConstraints"), f"{path}.topologySpreadConstraints")


def _validate_spec_names(spec: Obj, path: str) -> list[Cause]:
    """ValidatePodSpec's checks of referenced names, deadlines and policies."""
    errs: list[Cause] = []
    for key in ("serviceAccountName", "nodeName"):
        if spec.get(key):
            errs += _name_errors(str(spec[key]), f"{path}.{key}")
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None:
        errs += inclusive_range(deadline, 1, _MAX_INT32, f"{path}.activeDeadlineSeconds")
    for key in ("hostname", "subdomain"):
        if spec.get(key):
            errs += dns_label(spec[key], f"{path}.{key}")
    errs += validate_tolerations(spec.get("tolerations"), f"{path}.tolerations")
    errs += _validate_host_aliases(spec.get("hostAliases"), f"{path}.hostAliases")
    if spec.get("priorityClassName"):
        errs += _name_errors(str(spec["priorityClassName"]), f"{path}.priorityClassName")
    if spec.get("runtimeClassName") is not None:
        errs += _name_errors(str(spec["runtimeClassName"]), f"{path}.runtimeClassName")
    preemption = spec.get("preemptionPolicy")
    if preemption is not None and preemption not in ("PreemptLowerPriority", "Never"):
        errs.append(not_supported(f"{path}.preemptionPolicy", preemption, ["PreemptLowerPriority", "Never"]) if preemption
                    else errors.required(f"{path}.preemptionPolicy"))
    for name, value in as_dict(spec.get("overhead")).items():
        p = f"{path}.overhead.limits[{name}]"
        errs += container_resource_name_errors(name, p) + resource_quantity_errors(name, value, p)
    os_name = as_dict(spec.get("os")).get("name")
    if spec.get("os") is not None and os_name not in ("linux", "windows"):
        errs.append(not_supported(f"{path}.os.name", os_name or "", ["linux", "windows"]))
    return errs


def validate_pod_spec(spec: Any, path: str, *, pod_name: str = "", is_pod: bool = False) -> list[Cause]:
    """ValidatePodSpec, in upstream's order. `pod_name` is the pod's (ephemeral volume
    claims are named after it); `is_pod` for a Pod's spec rather than a template's."""
    if not isinstance(spec, dict):
        return [errors.required(path, "")]
    errs: list[Cause] = []
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(errors.required(f"{path}.terminationGracePeriodSeconds"))
    volumes, verrs = validate_volumes(spec.get("volumes"), f"{path}.volumes", pod_name)
    errs += verrs
    errs += _validate_containers(spec, volumes, f"{path}.containers")
    errs += _validate_init_containers(spec, volumes, f"{path}.initContainers")
    errs += _validate_host_network_ports(spec, path, is_pod)
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
    errs += validation.validate_labels(as_dict(spec.get("nodeSelector")), f"{path}.nodeSelector")
    errs += _validate_spec_scheduling(spec, path)
    return errs + _validate_spec_names(spec, path)


def validate_pod_only(pod: Obj) -> list[Cause]:
    """What validatePodMetadataAndSpec and ValidatePodCreate add for a Pod (not a template)."""
    spec = as_dict(pod.get("spec"))
    errs: list[Cause] = []
    if not spec.get("serviceAccountName"):
        for vi, vol in enumerate(as_list(spec.get("volumes"))):
            for si, src in enumerate(as_list(as_dict(as_dict(vol).get("projected")).get("sources"))):
                if as_dict(src).get("serviceAccountToken") is not None:
                    errs.append(errors.forbidden_field(f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                                                       "must not be specified when serviceAccountName is not set"))
    for key in ("containers", "initContainers"):
        for i, c in enumerate(as_dict(x) for x in as_list(spec.get(key))):
            image = str(c.get("image") or "")
            if image != image.strip():
                errs.append(validation.invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace"))
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
    volumes = {str(as_dict(v).get("name")): as_dict(v) for v in as_list(spec.get("volumes"))}
    others = {str(as_dict(c).get("name")) for key in ("containers", "initContainers") for c in as_list(spec.get(key))}
    taken = set(others)
    for i, c in enumerate(as_dict(x) for x in as_list(spec.get("ephemeralContainers"))):
        p = f"{path}.ephemeralContainers[{i}]"
        errs += _validate_container(c, p, volumes, spec)
        name = str(c.get("name") or "")
        if name in taken:
            errs.append(errors.duplicate(f"{p}.name", name))
        taken.add(name)
        target = c.get("targetContainerName")
        if target and target not in others:
            errs.append(not_found(f"{p}.targetContainerName", str(target)))
        for forbidden in ("ports", "resources", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
                          "resizePolicy", "restartPolicy"):
            if c.get(forbidden):
                errs.append(errors.forbidden_field(f"{p}.{forbidden}", "cannot be set for an Ephemeral Container"))
        for j, mnt in enumerate(as_dict(m) for m in as_list(c.get("volumeMounts"))):
            for key in ("subPath", "subPathExpr"):
                if mnt.get(key):
                    errs.append(errors.forbidden_field(f"{p}.volumeMounts[{j}].{key}", "cannot be set for an Ephemeral Container"))
    new_by_name = {str(as_dict(c).get("name")): c for c in as_list(spec.get("ephemeralContainers"))}
    for c in as_list(old_spec.get("ephemeralContainers")):
        name = str(as_dict(c).get("name"))
        if new_by_name.get(name) is None:
            errs.append(errors.forbidden_field(f"{path}.ephemeralContainers", f"existing ephemeral containers {validation.go_quote(name)} may not be removed\n"))
        elif new_by_name[name] != c:
            errs.append(errors.forbidden_field(f"{path}.ephemeralContainers", f"existing ephemeral containers {validation.go_quote(name)} may not be changed"))
    return errs


# --- printing ---------------------------------------------------------------------------------------


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
