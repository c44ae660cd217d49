"""apiregistration.k8s.io/v1 APIService: the kube-aggregator's defaults, validation
(pkg/apis/apiregistration/validation) and printing. kubelite proxies to no aggregated
server, and no availability controller sets the Available condition."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kubelite.apis.generic import as_dict, as_list, is_int, path_segment_name_errors
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "apiregistration.k8s.io"
MAX_GROUP_PRIORITY = 20000
MAX_VERSION_PRIORITY = 1000
CONDITION_STATUSES = ["True", "False", "Unknown"]


def _name_validator(spec: Obj) -> Any:
    """An APIService is named version.group: a path segment, and exactly that."""
    required = f"{spec.get('version') or ''}.{spec.get('group') or ''}"

    def check(name: str, prefix: bool) -> list[str]:
        problems = path_segment_name_errors(name)
        if problems:
            return problems
        return [] if name == required else [f'must be `spec.version+"."+spec.group`: {validation.go_quote(required)}']

    return check


def _priority_errors(spec: Obj) -> list[Cause]:
    errs: list[Cause] = []
    group_priority, version_priority = spec.get("groupPriorityMinimum", 0), spec.get("versionPriority", 0)
    if is_int(group_priority) and not 0 < group_priority <= MAX_GROUP_PRIORITY:
        errs.append(errors.invalid_value("spec.groupPriorityMinimum", group_priority, "must be positive and less than 20000"))
    if is_int(version_priority) and not 0 < version_priority <= MAX_VERSION_PRIORITY:
        errs.append(errors.invalid_value("spec.versionPriority", version_priority, "must be positive and less than 1000"))
    return errs


def _decoded_length(encoded: Any) -> int:
    """How many bytes a base64 []byte field holds."""
    try:
        return len(base64.b64decode(str(encoded), validate=True))
    except (binascii.Error, ValueError):
        return 0


def _service_errors(spec: Obj) -> list[Cause]:
    service = spec.get("service")
    if not isinstance(service, dict):
        # a local APIService is served by this server itself
        errs: list[Cause] = []
        if spec.get("caBundle"):
            errs.append(validation.invalid("spec.caBundle", f"{_decoded_length(spec['caBundle'])} bytes",
                                           "local APIServices may not have a caBundle"))
        if spec.get("insecureSkipTLSVerify"):
            errs.append(errors.invalid_value("spec.insecureSkipTLSVerify", True, "local APIServices may not have insecureSkipTLSVerify"))
        return errs
    errs = [errors.required(f"spec.service.{key}") for key in ("namespace", "name") if not service.get(key)]
    port = service.get("port")
    if not (is_int(port) and 1 <= port <= 65535):
        errs.append(errors.invalid_value("spec.service.port", port, "port is not valid: must be between 1 and 65535, inclusive"))
    if spec.get("insecureSkipTLSVerify") and spec.get("caBundle"):
        errs.append(errors.invalid_value("spec.insecureSkipTLSVerify", True, "may not be true if caBundle is present"))
    return errs


def validate_api_service(spec: Obj) -> list[Cause]:
    """ValidateAPIService, after the metadata."""
    errs: list[Cause] = []
    group, version = str(spec.get("group") or ""), str(spec.get("version") or "")
    if not group and version != "v1":
        errs.append(errors.required("spec.group", "only v1 may have an empty group and it better be legacy kube"))
    if group:
        errs += [validation.invalid("spec.group", group, m) for m in validation.is_dns1123_subdomain(group)]
    errs += [validation.invalid("spec.version", version, m) for m in validation.is_dns1035_label(version)]
    return errs + _priority_errors(spec) + _service_errors(spec)


def availability(obj: Obj) -> str:
    """The Available column: True, or the status with its reason, Unknown without a condition."""
    for condition in as_list(as_dict(obj.get("status")).get("conditions")):
        condition = as_dict(condition)
        if condition.get("type") == "Available":
            status, reason = str(condition.get("status") or ""), condition.get("reason")
            return f"{status} ({reason})" if status != "True" and reason else status
    return "Unknown"


class APIServiceStrategy(Strategy):
    group = GROUP
    kind = "APIService"
    resource = "apiservices"
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def default(self, obj: Obj) -> None:
        service = as_dict(obj.get("spec")).get("service")
        if isinstance(service, dict) and service.get("port") is None:
            service["port"] = 443

    def validate(self, obj: Obj) -> list[Cause]:
        spec = as_dict(obj.get("spec"))
        meta = obj.get("metadata", {})
        return validation.validate_object_meta(meta, False, _name_validator(spec)) + validate_api_service(spec)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_status_update(obj, old)
        for i, condition in enumerate(as_list(as_dict(obj.get("status")).get("conditions"))):
            status = as_dict(condition).get("status")
            if status not in CONDITION_STATUSES:
                errs.append(errors.not_supported(f"status.conditions[{i}].status", status or "", CONDITION_STATUSES))
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Service", description="The reference to the service that hosts this API endpoint."),
            TableColumn("Available", description="Whether this service is available."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        service = as_dict(obj.get("spec")).get("service")
        shown = f"{service.get('namespace', '')}/{service.get('name', '')}" if isinstance(service, dict) else "Local"
        return [obj["metadata"].get("name", ""), shown, availability(obj), age(obj["metadata"].get("creationTimestamp"))]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "APIService"): APIServiceStrategy,
}
