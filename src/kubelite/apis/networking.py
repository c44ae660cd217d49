"""networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy, ServiceCIDR and IPAddress —
upstream's defaults, validation (pkg/apis/networking/validation) and printing."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kubelite.apis.generic import GenerationStrategy, as_dict, invalid_slice, is_int, path_segment_name_errors
from kubelite.apis.podspec import port_name_errors
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.labels import selector_from_label_selector
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "networking.k8s.io"
PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
PROTOCOLS = ["TCP", "UDP", "SCTP"]
POLICY_TYPES = ["Ingress", "Egress"]
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
MAX_INGRESS_CLASS_CONTROLLER_LENGTH = 250
_INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_PATH_SUFFIXES = ("/..", "/.")
_WILDCARD_FMT = r"\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_WILDCARD_RE = re.compile(_WILDCARD_FMT)
_WILDCARD_ERR = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                 "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character")
_HTTP_PATH_FMT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
_HTTP_PATH_RE = re.compile(_HTTP_PATH_FMT)
CIDR_ERROR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def port_number_errors(port: Any) -> list[str]:
    if is_int(port) and 1 <= port <= 65535:
        return []
    return ["must be between 1 and 65535, inclusive"]


def wildcard_subdomain_errors(value: str) -> list[str]:
    errs = []
    if len(value) > validation.DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(validation.max_len_error(validation.DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _WILDCARD_RE.fullmatch(value):
        errs.append(validation.regex_error(_WILDCARD_ERR, _WILDCARD_FMT, "*.example.com"))
    return errs


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _host_errors(host: str, path: str) -> list[Cause]:
    if "*" in host:
        return [validation.invalid(path, host, m) for m in wildcard_subdomain_errors(host)]
    return [validation.invalid(path, host, m) for m in validation.is_dns1123_subdomain(host)]


def _parse_cidr(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(value, str) or "/" not in value:
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


# --- Ingress

def validate_typed_reference(ref: Obj, path: str) -> list[Cause]:
    """validateIngressTypedLocalObjectReference: a resource backend or IngressClass parameters."""
    errs: list[Cause] = []
    api_group = ref.get("apiGroup")
    if api_group is not None:
        errs += [validation.invalid(f"{path}.apiGroup", api_group, m) for m in validation.is_dns1123_subdomain(api_group)]
    for key in ("kind", "name"):
        value = ref.get(key) or ""
        if not value:
            errs.append(errors.required(f"{path}.{key}", f"{key} is required"))
        errs += [validation.invalid(f"{path}.{key}", value, m) for m in path_segment_name_errors(value)] if value else []
    return errs


def validate_ingress_backend(backend: Any, path: str) -> list[Cause]:
    backend = backend if isinstance(backend, dict) else {}
    resource, service = backend.get("resource"), backend.get("service")
    if resource is not None and service is not None:
        return [errors.invalid_value(path, "", "cannot set both resource and service backends")]
    errs: list[Cause] = []
    if isinstance(resource, dict):
        return validate_typed_reference(resource, f"{path}.resource")
    if not isinstance(service, dict):
        return [errors.invalid_value(path, "", "resource or service backend is required")]
    name = service.get("name") or ""
    if not name:
        errs.append(errors.required(f"{path}.service.name", ""))
    else:
        errs += [validation.invalid(f"{path}.service.name", name, m) for m in validation.is_dns1035_label(name)]
    port = as_dict(service.get("port"))
    port_name, port_number = port.get("name") or "", port.get("number") or 0
    if port_name and port_number:
        errs.append(errors.invalid_value(path, "", "cannot set both port name & port number"))
    elif port_name:
        errs += [validation.invalid(f"{path}.service.port.name", port_name, m) for m in port_name_errors(port_name)]
    elif port_number:
        errs += [errors.invalid_value(f"{path}.service.port.number", port_number, m) for m in port_number_errors(port_number)]
    else:
        errs.append(errors.required(path, "port name or number is required"))
    return errs


def _validate_http_path(p: Any, path: str) -> list[Cause]:
    p = p if isinstance(p, dict) else {}
    path_type = p.get("pathType")
    if path_type is None:
        return [errors.required(f"{path}.pathType", "pathType must be specified")]
    errs: list[Cause] = []
    value = p.get("path") or ""
    if path_type in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(validation.invalid(f"{path}.path", value, "must be an absolute path"))
        if value:
            errs += [validation.invalid(f"{path}.path", value, f"must not contain '{seq}'")
                     for seq in _INVALID_PATH_SEQUENCES if seq in value]
            errs += [validation.invalid(f"{path}.path", value, f"cannot end with '{suffix}'")
                     for suffix in _INVALID_PATH_SUFFIXES if value.endswith(suffix)]
    elif path_type == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(validation.invalid(f"{path}.path", value, "must be an absolute path"))
    else:
        errs.append(errors.not_supported(f"{path}.pathType", path_type, PATH_TYPES))
    return errs + validate_ingress_backend(p.get("backend"), f"{path}.backend")


def validate_ingress_spec(spec: Any) -> list[Cause]:
    spec = spec if isinstance(spec, dict) else {}
    errs: list[Cause] = []
    rules = spec.get("rules") or []
    if not rules and spec.get("defaultBackend") is None:
        errs.append(errors.invalid_value("spec", spec.get("rules"), "either `defaultBackend` or `rules` must be specified"))
    if spec.get("defaultBackend") is not None:
        errs += validate_ingress_backend(spec["defaultBackend"], "spec.defaultBackend")
    for i, rule in enumerate(rules):
        rpath = f"spec.rules[{i}]"
        rule = rule if isinstance(rule, dict) else {}
        host = rule.get("host") or ""
        if host:
            if _is_ip(host):
                errs.append(validation.invalid(f"{rpath}.host", host, "must be a DNS name, not an IP address"))
            errs += _host_errors(host, f"{rpath}.host")
        http = rule.get("http")
        if isinstance(http, dict):
            paths = http.get("paths") or []
            if not paths:
                errs.append(errors.required(f"{rpath}.http.paths", ""))
            for j, p in enumerate(paths):
                errs += _validate_http_path(p, f"{rpath}.http.paths[{j}]")
    for i, tls in enumerate(spec.get("tls") or []):
        tls = as_dict(tls)
        for j, host in enumerate(tls.get("hosts") or []):
            errs += _host_errors(host, f"spec.tls[{i}].hosts[{j}]")
        secret = tls.get("secretName") or ""
        if secret:  # a Secret's name (validateTLSSecretName)
            errs += [validation.invalid(f"spec.tls[{i}].secretName", secret, m)
                     for m in validation.name_is_dns_subdomain(secret, False)]
    class_name = spec.get("ingressClassName")
    if class_name:
        errs += [validation.invalid("spec.ingressClassName", class_name, m) for m in validation.is_dns1123_subdomain(class_name)]
    return errs


class IngressStrategy(Strategy):
    group = GROUP
    kind = "Ingress"
    resource = "ingresses"
    has_status = True
    spec_generation = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"loadBalancer": {}}

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj) + validate_ingress_spec(obj.get("spec"))
        # Only a new Ingress may not name its class twice (ValidateIngressCreate; the path
        # upstream reports has no "metadata." in front).
        annotation = as_dict(obj["metadata"].get("annotations")).get(INGRESS_CLASS_ANNOTATION)
        if annotation is not None and as_dict(obj.get("spec")).get("ingressClassName") is not None:
            errs.append(validation.invalid(f"annotations.{INGRESS_CLASS_ANNOTATION}", annotation,
                                           "can not be set when the class field is also set"))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + Strategy.validate(self, obj) + validate_ingress_spec(obj.get("spec"))

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Class", description="The name of the IngressClass resource that should be used for additional configuration"),
            TableColumn("Hosts", description="Hosts that incoming requests are matched against before the ingress rule"),
            TableColumn("Address", description="Address is a list containing ingress points for the load-balancer"),
            TableColumn("Ports", description="Ports of TLS configurations that open"),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        rules = spec.get("rules") or []
        hosts = [r["host"] for r in rules if isinstance(r, dict) and r.get("host")][:3]
        shown = ",".join(hosts) or "*"
        if len(rules) > 3 and hosts:
            shown = f"{shown} + {len(rules) - 3} more..."
        # a sorted set, as upstream's ingressLoadBalancerStatusStringer (never clipped: the
        # server prints tables wide)
        addresses = sorted({a for ing in as_dict(status.get("loadBalancer")).get("ingress") or []
                            if (a := as_dict(ing).get("ip") or as_dict(ing).get("hostname"))})
        return [
            obj["metadata"].get("name", ""), spec.get("ingressClassName") or "<none>", shown,
            ",".join(addresses), "80, 443" if spec.get("tls") else "80", age(obj["metadata"].get("creationTimestamp")),
        ]


# --- IngressClass

def _domain_prefixed_path_errors(value: str, path: str) -> list[Cause]:
    """Upstream's IsDomainPrefixedPath (such as "acme.io/foo")."""
    if not value:
        return [errors.required(path, "")]
    host, sep, rest = value.partition("/")
    if not sep or not host or not rest:
        return [validation.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    errs = [validation.invalid(path, host, m) for m in validation.is_dns1123_subdomain(host)]
    if not _HTTP_PATH_RE.fullmatch(rest):
        errs.append(validation.invalid(path, rest, validation.regex_error("Invalid path", _HTTP_PATH_FMT)))
    return errs


def _parameters_scope_errors(params: Obj) -> list[Cause]:
    scope, namespace = params.get("scope"), params.get("namespace")
    if scope not in ("Cluster", "Namespace"):
        return [errors.not_supported("spec.parameters.scope", scope or "", ["Cluster", "Namespace"])]
    if scope == "Namespace":
        if namespace is None:
            return [errors.required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'")]
        return [validation.invalid("spec.parameters.namespace", namespace, m) for m in validation.is_dns1123_label(namespace)]
    if namespace is not None:
        return [errors.forbidden_field("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'")]
    return []


class IngressClassStrategy(GenerationStrategy):
    group = GROUP
    kind = "IngressClass"
    resource = "ingressclasses"
    namespaced = False

    def default(self, obj: Obj) -> None:
        params = (obj.get("spec") or {}).get("parameters")
        if isinstance(params, dict) and params.get("scope") is None:
            params["scope"] = "Cluster"

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        spec = as_dict(obj.get("spec"))
        controller = spec.get("controller") or ""
        if len(controller) > MAX_INGRESS_CLASS_CONTROLLER_LENGTH:
            errs.append(errors.too_long("spec.controller", MAX_INGRESS_CLASS_CONTROLLER_LENGTH))
        errs += _domain_prefixed_path_errors(controller, "spec.controller")
        params = spec.get("parameters")
        if isinstance(params, dict):
            errs += validate_typed_reference(params, "spec.parameters") + _parameters_scope_errors(params)
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        new_c, old_c = (obj.get("spec") or {}).get("controller"), (old.get("spec") or {}).get("controller")
        if new_c != old_c:
            errs.append(errors.invalid_value("spec.controller", new_c, "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Controller", description="Controller that is responsible for handling this class"),
            TableColumn("Parameters", description="A reference to a resource with additional parameters"),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = obj.get("spec") or {}
        params = spec.get("parameters")
        shown = "<none>"
        if isinstance(params, dict):
            shown = params.get("kind", "")
            if params.get("apiGroup") is not None:
                shown += "." + params["apiGroup"]
            shown += "/" + params.get("name", "")
        return [obj["metadata"].get("name", ""), spec.get("controller", ""), shown,
                age(obj["metadata"].get("creationTimestamp"))]


# --- NetworkPolicy

def _validate_policy_port(port: Any, path: str) -> list[Cause]:
    port = port if isinstance(port, dict) else {}
    errs: list[Cause] = []
    protocol = port.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        errs.append(errors.not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    value, end = port.get("port"), port.get("endPort")
    if value is None:
        if end is not None:
            errs.append(errors.invalid_value(f"{path}.endPort", end, "may not be specified when `port` is not specified"))
    elif isinstance(value, str):
        if end is not None:
            errs.append(errors.invalid_value(f"{path}.endPort", end, "may not be specified when `port` is non-numeric"))
        errs += [validation.invalid(f"{path}.port", value, m) for m in port_name_errors(value)]
    else:
        errs += [errors.invalid_value(f"{path}.port", value, m) for m in port_number_errors(value)]
        if end is not None:
            if is_int(end) and is_int(value) and end < value:
                errs.append(errors.invalid_value(f"{path}.endPort", value, "must be greater than or equal to `port`"))
            errs += [errors.invalid_value(f"{path}.endPort", end, m) for m in port_number_errors(end)]
    return errs


def _validate_ip_block(block: Obj, path: str) -> list[Cause]:
    cidr = block.get("cidr") or ""
    if not cidr:
        return [errors.required(f"{path}.cidr", "")]
    network = _parse_cidr(cidr)
    if network is None:
        return [validation.invalid(f"{path}.cidr", cidr, CIDR_ERROR)]
    errs: list[Cause] = []
    for i, except_cidr in enumerate(block.get("except") or []):
        epath = f"{path}.except[{i}]"
        inner = _parse_cidr(except_cidr)
        if inner is None:
            errs.append(validation.invalid(epath, except_cidr, CIDR_ERROR))
            continue
        if inner.version != network.version or not network.supernet_of(inner) or network.prefixlen >= inner.prefixlen:  # type: ignore[arg-type]
            errs.append(validation.invalid(epath, except_cidr, "must be a strict subset of `cidr`"))
    return errs


def _validate_peer(peer: Any, path: str) -> list[Cause]:
    peer = peer if isinstance(peer, dict) else {}
    errs: list[Cause] = []
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if isinstance(peer.get(key), dict):
            count += 1
            errs += validation.validate_label_selector(peer[key], f"{path}.{key}")
    if isinstance(peer.get("ipBlock"), dict):
        count += 1
        errs += _validate_ip_block(peer["ipBlock"], f"{path}.ipBlock")
    if count == 0:
        errs.append(errors.required(path, "must specify a peer"))
    elif count > 1 and isinstance(peer.get("ipBlock"), dict):
        errs.append(errors.forbidden_field(path, "may not specify both ipBlock and another peer"))
    return errs


def validate_network_policy_spec(spec: Any) -> list[Cause]:
    spec = spec if isinstance(spec, dict) else {}
    errs = validation.validate_label_selector(spec.get("podSelector") or {}, "spec.podSelector")
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            rule = rule if isinstance(rule, dict) else {}
            for j, port in enumerate(rule.get("ports") or []):
                errs += _validate_policy_port(port, f"spec.{direction}[{i}].ports[{j}]")
            for j, peer in enumerate(rule.get(peers) or []):
                errs += _validate_peer(peer, f"spec.{direction}[{i}].{peers}[{j}]")
    types = spec.get("policyTypes") or []
    if len(types) > len(POLICY_TYPES):
        return errs + [invalid_slice("spec.policyTypes", types, "may not specify more than two policyTypes",
                                     "networking.PolicyType")]
    for i, kind in enumerate(types):
        if kind not in POLICY_TYPES:
            errs.append(errors.not_supported(f"spec.policyTypes[{i}]", kind, POLICY_TYPES))
    return errs


def default_network_policy(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    for direction in ("ingress", "egress"):
        for rule in spec.get(direction) or []:
            for port in (rule or {}).get("ports") or []:
                if isinstance(port, dict) and port.get("protocol") is None:
                    port["protocol"] = "TCP"
    spec.setdefault("podSelector", {})  # a struct upstream: always printed
    if not spec.get("policyTypes"):
        # a policy naming no types is at least about ingress; egress rules add egress
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: the selector's String(), "<none>" when empty."""
    try:
        shown = selector_from_label_selector(selector if isinstance(selector, dict) else {}).string()
    except errors.StatusError:
        return "<error>"
    return shown or "<none>"


class NetworkPolicyStrategy(GenerationStrategy):
    group = GROUP
    kind = "NetworkPolicy"
    resource = "networkpolicies"

    def default(self, obj: Obj) -> None:
        default_network_policy(obj)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_network_policy_spec(obj.get("spec"))

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("Pod-Selector", description="podSelector selects the pods to which this NetworkPolicy object applies. The array of rules is applied to any pods selected by this field. An empty selector matches all pods in the policy's namespace. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is optional. If it is not specified, it defaults to an empty selector."), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), format_label_selector((obj.get("spec") or {}).get("podSelector")),
                age(obj["metadata"].get("creationTimestamp"))]


# --- ServiceCIDR and IPAddress (the service IP ranges and the IPs allocated from them)

class ServiceCIDRStrategy(Strategy):
    group = GROUP
    kind = "ServiceCIDR"
    resource = "servicecidrs"
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}  # a struct upstream; the service CIDR controller adds its conditions

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        cidrs = (obj.get("spec") or {}).get("cidrs") or []
        if not cidrs:
            errs.append(errors.required("spec.cidrs", ""))
        elif len(cidrs) > 2:
            errs.append(errors.invalid_value("spec", cidrs, "may only hold up to 2 values"))
        elif len(cidrs) == 2 and all(_parse_cidr(c) for c in cidrs) \
                and len({n.version for n in (_parse_cidr(c) for c in cidrs) if n}) != 2:
            errs.append(errors.invalid_value("spec.cidrs", cidrs, "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"))
        for i, cidr in enumerate(cidrs):
            if _parse_cidr(cidr) is None:
                errs.append(validation.invalid(f"spec.cidrs[{i}]", cidr, CIDR_ERROR))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("CIDRs", description="CIDRs defines the IP blocks in CIDR notation (e.g. \"192.168.0.0/24\" or \"2001:db8::/64\") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable."), AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), ",".join((obj.get("spec") or {}).get("cidrs") or []),
                age(obj["metadata"].get("creationTimestamp"))]


def _ip_address_name(name: str, prefix: bool) -> list[str]:
    """An IPAddress is named by its IP, written canonically."""
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    if str(ip) != name:
        return [f"must be in canonical form ({ip})"]
    return []


class IPAddressStrategy(Strategy):
    group = GROUP
    kind = "IPAddress"
    resource = "ipaddresses"
    namespaced = False

    @property
    def name_validator(self) -> Any:
        return _ip_address_name

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        ref = (obj.get("spec") or {}).get("parentRef")
        if not isinstance(ref, dict):
            return errs + [errors.required("spec.parentRef", "")]
        for key in ("resource", "name"):
            if not ref.get(key):
                errs.append(errors.required(f"spec.parentRef.{key}", ""))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        new_ref, old_ref = (obj.get("spec") or {}).get("parentRef"), (old.get("spec") or {}).get("parentRef")
        if new_ref != old_ref:
            errs.append(errors.invalid_value("spec.parentRef", new_ref, "field is immutable"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, TableColumn("ParentRef", description="ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.")]

    def table_row(self, obj: Obj) -> list[Any]:
        ref = (obj.get("spec") or {}).get("parentRef")
        shown = "<none>"
        if isinstance(ref, dict):
            resource = ref.get("resource", "")
            shown = (f"{resource}.{ref['group']}" if ref.get("group") else resource).lower() + "/"
            if ref.get("namespace"):
                shown += ref["namespace"] + "/"
            shown += ref.get("name", "")
        return [obj["metadata"].get("name", ""), shown]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "Ingress"): IngressStrategy,
    (GROUP, "IngressClass"): IngressClassStrategy,
    (GROUP, "NetworkPolicy"): NetworkPolicyStrategy,
    (GROUP, "ServiceCIDR"): ServiceCIDRStrategy,
    (GROUP, "IPAddress"): IPAddressStrategy,
}
