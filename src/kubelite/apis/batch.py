"""batch/v1 kinds: Job and CronJob, with upstream's defaults (selector generation for Jobs),
validation (cron schedules parsed as robfig/cron's standard parser does, time zones, pod
failure and success policies) and printing."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from kubelite.apis.apps import (
    GO_POINTER,
    ControllerStrategy,
    default_template,
    go_invalid,
    go_label_selector,
    go_not_supported,
    go_string_map,
    parsed_selector,
    set_default,
    template_cells,
    template_columns,
    template_labels_match,
    zero_creation_timestamp,
)
from kubelite.apis.podspec import (
    as_dict,
    as_list,
    is_int,
    nonnegative,
    qualified_name,
    validate_pod_template_spec,
)
from kubelite.endpoints.table import age, human_duration
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import NAME_COLUMN, Cause, Obj, Strategy, TableColumn

# Labels the Job registry puts on the pod template (and selects on) when it generates the selector.
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"

_MAX_INT32 = 2147483647
_MAX_PARALLELISM_INDEXED = 100000
_MAX_FAILED_INDEXES = 100_000
_COMPLETIONS_SOFT_LIMIT = 100_000
_PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10_000
_MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000
_MAX_POD_FAILURE_RULES = 20
_MAX_EXIT_CODE_VALUES = 255
_MAX_POD_CONDITION_PATTERNS = 20
_MAX_MANAGED_BY_LENGTH = 63
_MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024
_MAX_SUCCESS_RULES = 20
# sets.List order, as upstream lists them.
_POD_FAILURE_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"]
_EXIT_CODE_OPERATORS = ["In", "NotIn"]
_CONDITION_STATUSES = ["False", "True", "Unknown"]
_JOB_SELECTOR_DESCRIPTION = (
    "A label query over pods that should match the pod count. Normally, the system sets this field for you. "
    "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
)


def _go_list(values: list[str]) -> str:
    """%q of a []string, as in upstream's "valid values: [...]" details."""
    return "[" + " ".join(validation.go_quote(v) for v in values) + "]"


def _too_many(path: str, actual: int, limit: int) -> Cause:
    return errors.field_error("FieldValueTooMany", path, f"Too many: {actual}: must have at most {limit} items")


def _omitted_invalid(path: str, detail: str) -> Cause:
    """field.Invalid with field.OmitValueType{}: no value shown."""
    return errors.field_error("FieldValueInvalid", path, f"Invalid value: {detail}")


# --- defaults ----------------------------------------------------------------------------------------


def _default_pod_failure_policy(spec: Obj) -> None:
    """SetDefaults_PodFailurePolicyOnPodConditionsPattern: applies in a Job and in a CronJob's job template."""
    for rule in as_list(as_dict(spec.get("podFailurePolicy")).get("rules")):
        for pattern in as_list(as_dict(rule).get("onPodConditions")):
            if isinstance(pattern, dict) and not pattern.get("status"):
                pattern["status"] = "True"


def default_job_spec(spec: Obj, kind: str) -> None:
    """SetDefaults_Job, the part on the spec (a Job's; never a CronJob's job template)."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    set_default(spec, "parallelism", 1)
    set_default(spec, "backoffLimit", _MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6)
    set_default(spec, "completionMode", "NonIndexed")
    set_default(spec, "suspend", False)
    _default_pod_failure_policy(spec)
    set_default(spec, "podReplacementPolicy", "Failed" if spec.get("podFailurePolicy") is not None else "TerminatingOrFailed")
    set_default(spec, "manualSelector", False)
    default_template(spec, kind)


def default_job_template(template: Obj, kind: str) -> None:
    """A CronJob's jobTemplate: only what the generated defaulters reach inside it (the pod
    template and the pod-condition patterns); the controller's Jobs get SetDefaults_Job."""
    zero_creation_timestamp(template)
    spec = set_default(template, "spec", {})
    if isinstance(spec, dict):
        _default_pod_failure_policy(spec)
        default_template(spec, kind)


# --- validation ----------------------------------------------------------------------------------------


def _has_label(labels: Any, key: str, expected: str, path: str) -> list[Cause]:
    """ValidateHasLabel."""
    found = as_dict(labels)
    if key not in found:
        return [errors.required(f"{path}.labels[{key}]", f"must be '{expected}'")]
    if found[key] != expected:
        return [go_invalid(f"{path}.labels[{key}]", go_string_map(labels), f"must be '{expected}'")]
    return []


def _template_labels(spec: Obj) -> Any:
    return as_dict(as_dict(spec.get("template")).get("metadata")).get("labels")


def validate_generated_selector(obj: Obj, require_prefixed: bool) -> list[Cause]:
    """validateGeneratedSelector: the generated labels and selector are the ones the registry wrote."""
    spec, meta = as_dict(obj.get("spec")), obj["metadata"]
    if spec.get("manualSelector") is True or spec.get("selector") is None:
        return []
    uid, name = meta.get("uid", ""), meta.get("name", "")
    errs = [errors.required("metadata.uid")] if not uid else []
    labels, tpath = _template_labels(spec), "spec.template.metadata"
    expected = {LEGACY_CONTROLLER_UID_LABEL: uid, LEGACY_JOB_NAME_LABEL: name}
    errs += _has_label(labels, LEGACY_CONTROLLER_UID_LABEL, uid, tpath)
    errs += _has_label(labels, LEGACY_JOB_NAME_LABEL, name, tpath)
    if require_prefixed:
        errs += _has_label(labels, CONTROLLER_UID_LABEL, uid, tpath)
        errs += _has_label(labels, JOB_NAME_LABEL, name, tpath)
        expected.update({CONTROLLER_UID_LABEL: uid, JOB_NAME_LABEL: name})
    selector, bad = parsed_selector(spec.get("selector"), "spec.selector", "")
    if not bad and selector is not None and not selector.matches(expected):
        errs.append(go_invalid("spec.selector", go_label_selector(spec.get("selector")), "`selector` not auto-generated"))
    return errs


def _validate_indexed(spec: Obj, path: str) -> list[Cause]:
    """The limits of an Indexed Job."""
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    max_failed, per_index = spec.get("maxFailedIndexes"), spec.get("backoffLimitPerIndex")
    errs: list[Cause] = []
    if completions is None:
        errs.append(errors.required(f"{path}.completions", "when completion mode is Indexed"))
    if is_int(parallelism) and parallelism > _MAX_PARALLELISM_INDEXED:
        errs.append(errors.invalid_value(f"{path}.parallelism", parallelism,
                                         f"must be less than or equal to {_MAX_PARALLELISM_INDEXED} when completion mode is Indexed"))
    if is_int(completions) and is_int(max_failed) and max_failed > completions:
        errs.append(errors.invalid_value(f"{path}.maxFailedIndexes", max_failed, "must be less than or equal to completions"))
    if is_int(max_failed) and max_failed > _MAX_FAILED_INDEXES:
        errs.append(errors.invalid_value(f"{path}.maxFailedIndexes", max_failed, f"must be less than or equal to {_MAX_FAILED_INDEXES}"))
    if is_int(completions) and completions > _COMPLETIONS_SOFT_LIMIT and per_index is not None:
        high = f"when completions are above {_COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
        if max_failed is None:
            errs.append(errors.required(f"{path}.maxFailedIndexes", f"must be specified when completions is above {_COMPLETIONS_SOFT_LIMIT}"))
        if is_int(parallelism) and parallelism > _PARALLELISM_LIMIT_HIGH_COMPLETIONS:
            errs.append(errors.invalid_value(f"{path}.parallelism", parallelism,
                                             f"must be less than or equal to {_PARALLELISM_LIMIT_HIGH_COMPLETIONS} {high}"))
        if is_int(max_failed) and max_failed > _MAX_FAILED_INDEXES_HIGH_COMPLETIONS:
            errs.append(errors.invalid_value(f"{path}.maxFailedIndexes", max_failed,
                                             f"must be less than or equal to {_MAX_FAILED_INDEXES_HIGH_COMPLETIONS} {high}"))
    return errs


def _validate_completion_mode(spec: Obj, path: str) -> list[Cause]:
    mode = spec.get("completionMode")
    errs: list[Cause] = []
    if mode is not None and mode not in ("NonIndexed", "Indexed"):
        errs.append(errors.not_supported(f"{path}.completionMode", mode, ["NonIndexed", "Indexed"]))
    if mode == "Indexed":
        errs += _validate_indexed(spec, path)
    if mode in (None, "NonIndexed"):
        for key in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(key) is not None:
                errs.append(errors.invalid_value(f"{path}.{key}", spec[key], "requires indexed completion mode"))
    return errs


def _validate_exit_codes(codes: Obj, path: str, containers: set[str]) -> list[Cause]:
    operator = codes.get("operator")
    errs: list[Cause] = []
    if not operator:
        errs.append(errors.required(f"{path}.operator", f"valid values: {_go_list(_EXIT_CODE_OPERATORS)}"))
    elif operator not in _EXIT_CODE_OPERATORS:
        errs.append(errors.not_supported(f"{path}.operator", operator, _EXIT_CODE_OPERATORS))
    container = codes.get("containerName")
    if container is not None and container not in containers:
        errs.append(validation.invalid(f"{path}.containerName", container, "must be one of the container or initContainer names in the pod template"))
    values = codes.get("values")
    shown = "[]int32{" + ", ".join(str(v) for v in values) + "}" if isinstance(values, list) else "[]int32(nil)"
    if not values:
        errs.append(go_invalid(f"{path}.values", shown, "at least one value is required"))
    elif len(values) > _MAX_EXIT_CODE_VALUES:
        errs.append(_too_many(f"{path}.values", len(values), _MAX_EXIT_CODE_VALUES))
    seen: set[Any] = set()
    for j, value in enumerate(as_list(values)):
        if operator == "In" and value == 0:
            errs.append(errors.invalid_value(f"{path}.values[{j}]", value, "must not be 0 for the In operator"))
        if value in seen:
            errs.append(errors.field_error("FieldValueDuplicate", f"{path}.values[{j}]", f"Duplicate value: {value}"))
        seen.add(value)
    ints = [v for v in as_list(values) if is_int(v)]
    if ints != sorted(ints):
        errs.append(go_invalid(f"{path}.values", shown, "must be ordered"))
    return errs


def _validate_pod_conditions(patterns: list[Any], path: str) -> list[Cause]:
    errs = [_too_many(path, len(patterns), _MAX_POD_CONDITION_PATTERNS)] if len(patterns) > _MAX_POD_CONDITION_PATTERNS else []
    for j, pattern in enumerate(patterns):
        pattern = as_dict(pattern)
        errs += qualified_name(pattern.get("type") or "", f"{path}[{j}].type")
        status = pattern.get("status")
        if not status:
            errs.append(errors.required(f"{path}[{j}].status", f"valid values: {_go_list(_CONDITION_STATUSES)}"))
        elif status not in _CONDITION_STATUSES:
            errs.append(errors.not_supported(f"{path}[{j}].status", status, _CONDITION_STATUSES))
    return errs


def _validate_pod_failure_rule(spec: Obj, rule: Obj, path: str, containers: set[str]) -> list[Cause]:
    action = rule.get("action")
    errs: list[Cause] = []
    if not action:
        errs.append(errors.required(f"{path}.action", f"valid values: {_go_list(_POD_FAILURE_ACTIONS)}"))
    elif action == "FailIndex":
        if spec.get("backoffLimitPerIndex") is None:
            errs.append(validation.invalid(f"{path}.action", action, "requires the backoffLimitPerIndex to be set"))
    elif action not in _POD_FAILURE_ACTIONS:
        errs.append(errors.not_supported(f"{path}.action", action, _POD_FAILURE_ACTIONS))
    codes, conditions = rule.get("onExitCodes"), as_list(rule.get("onPodConditions"))
    if codes is not None:
        errs += _validate_exit_codes(as_dict(codes), f"{path}.onExitCodes", containers)
    if conditions:
        errs += _validate_pod_conditions(conditions, f"{path}.onPodConditions")
    if codes is not None and conditions:
        errs.append(_omitted_invalid(path, "specifying both OnExitCodes and OnPodConditions is not supported"))
    if codes is None and not conditions:
        errs.append(_omitted_invalid(path, "specifying one of OnExitCodes and OnPodConditions is required"))
    return errs


def _validate_pod_failure_policy(spec: Obj, path: str) -> list[Cause]:
    rules = as_list(as_dict(spec.get("podFailurePolicy")).get("rules"))
    errs = [_too_many(f"{path}.rules", len(rules), _MAX_POD_FAILURE_RULES)] if len(rules) > _MAX_POD_FAILURE_RULES else []
    pod = as_dict(as_dict(spec.get("template")).get("spec"))
    containers = {as_dict(c).get("name") for key in ("containers", "initContainers") for c in as_list(pod.get(key))}
    for i, rule in enumerate(rules):
        errs += _validate_pod_failure_rule(spec, as_dict(rule), f"{path}.rules[{i}]", {str(c) for c in containers})
    return errs


def _index_interval(text: str, completions: int) -> tuple[int, int]:
    """parseIndexInterval: "x" or "x-y", both below completions, increasing."""
    limits = text.split("-")
    if len(limits) > 2:
        raise ValueError(f"the fragment {validation.go_quote(text)} violates the requirement that an index interval "
                         "can have at most two parts separated by '-'")
    bounds = []
    for part in limits:
        if not re.fullmatch(r"[+-]?\d+", part):
            raise ValueError(f"cannot convert string to integer for index: {validation.go_quote(part)}")
        if int(part) >= completions:
            raise ValueError(f"too large index: {validation.go_quote(part)}")
        bounds.append(int(part))
    if len(bounds) == 2 and bounds[0] >= bounds[1]:
        raise ValueError(f"non-increasing order, previous: {bounds[0]}, current: {bounds[1]}")
    return bounds[0], bounds[-1]


def indexes_total(text: str, completions: int) -> int:
    """validateIndexesFormat: how many indexes "1,3-5" names; ValueError with upstream's message."""
    if not text:
        return 0
    last: int | None = None
    total = 0
    for interval in text.split(","):
        x, y = _index_interval(interval, completions)
        if last is not None and last >= x:
            raise ValueError(f"non-increasing order, previous: {last}, current: {x}")
        total += y - x + 1
        last = y
    return total


def _go_success_policy(policy: Obj) -> str:
    """%#v of a batch.SuccessPolicy (its pointer fields print as addresses)."""
    def pointer(kind: str, value: Any) -> str:
        return f"(*{kind})({'nil' if value is None else GO_POINTER})"

    rules = ", ".join(
        f"batch.SuccessPolicyRule{{SucceededIndexes:{pointer('string', as_dict(r).get('succeededIndexes'))}, "
        f"SucceededCount:{pointer('int32', as_dict(r).get('succeededCount'))}}}" for r in as_list(policy.get("rules")))
    shown = f"[]batch.SuccessPolicyRule{{{rules}}}" if isinstance(policy.get("rules"), list) else "[]batch.SuccessPolicyRule(nil)"
    return f"batch.SuccessPolicy{{Rules:{shown}}}"


def _validate_success_rule(rule: Obj, path: str, completions: int) -> list[Cause]:
    indexes, count = rule.get("succeededIndexes"), rule.get("succeededCount")
    errs: list[Cause] = []
    if indexes is None and count is None:
        errs.append(errors.required(path, "at least one of succeededCount or succeededIndexes must be specified"))
    total = 0
    if indexes is not None:
        text = str(indexes)
        if len(text) > _MAX_SUCCEEDED_INDEXES_LENGTH:
            errs.append(errors.too_long(f"{path}.succeededIndexes", _MAX_SUCCEEDED_INDEXES_LENGTH))
        try:
            total = indexes_total(text, completions)
        except ValueError as exc:
            errs.append(validation.invalid(f"{path}.succeededIndexes", text, f"error parsing succeededIndexes: {exc}"))
    if is_int(count):
        errs += nonnegative(count, f"{path}.succeededCount")
        if count > completions:
            errs.append(errors.invalid_value(f"{path}.succeededCount", count,
                                             f"must be less than or equal to {completions} (the number of specified completions)"))
        if indexes is not None and count > total:
            errs.append(errors.invalid_value(f"{path}.succeededCount", count,
                                             f"must be less than or equal to {total} (the number of indexes in the specified succeededIndexes field)"))
    return errs


def _validate_success_policy(spec: Obj, path: str) -> list[Cause]:
    policy = as_dict(spec.get("successPolicy"))
    if spec.get("completionMode") != "Indexed":
        return [go_invalid(path, _go_success_policy(policy), "requires indexed completion mode")]
    rules = as_list(policy.get("rules"))
    errs: list[Cause] = []
    if not rules:
        errs.append(errors.required(f"{path}.rules", "at least one rules must be specified when the successPolicy is specified"))
    if len(rules) > _MAX_SUCCESS_RULES:
        errs.append(_too_many(f"{path}.rules", len(rules), _MAX_SUCCESS_RULES))
    completions = spec.get("completions")
    if not is_int(completions):
        completions = 0
    for i, rule in enumerate(rules):
        errs += _validate_success_rule(as_dict(rule), f"{path}.rules[{i}]", completions)
    return errs


_HTTP_PATH = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"


def _validate_managed_by(value: Any, path: str) -> list[Cause]:
    """IsDomainPrefixedPath (a subdomain, "/", an HTTP path) and the length limit."""
    text = str(value)
    domain, slash, rest = text.partition("/")
    if not text:
        errs = [errors.required(path)]
    elif not slash or not domain or not rest:
        errs = [validation.invalid(path, text, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    else:
        errs = [validation.invalid(path, domain, m) for m in validation.is_dns1123_subdomain(domain)]
        if not re.fullmatch(_HTTP_PATH, rest):
            errs.append(validation.invalid(path, rest, validation.regex_error("Invalid path", _HTTP_PATH)))
    if len(text.encode()) > _MAX_MANAGED_BY_LENGTH:
        errs.append(errors.too_long(path, _MAX_MANAGED_BY_LENGTH))
    return errs


def _validate_restart_policy(spec: Obj, path: str) -> list[Cause]:
    restart = as_dict(as_dict(spec.get("template")).get("spec")).get("restartPolicy")
    rp = f"{path}.template.spec.restartPolicy"
    if restart in ("Always", "", None):
        return [errors.required(rp, 'valid values: "OnFailure", "Never"')]
    if restart not in ("OnFailure", "Never"):
        return [errors.not_supported(rp, restart, ["OnFailure", "Never"])]
    if spec.get("podFailurePolicy") is not None and restart != "Never":
        return [validation.invalid(rp, restart, 'only "Never" is supported when podFailurePolicy is specified')]
    return []


def _validate_pod_replacement_policy(spec: Obj, path: str) -> list[Cause]:
    replacement = spec.get("podReplacementPolicy")
    if replacement is None:
        return []
    if spec.get("podFailurePolicy") is not None:
        return [] if replacement == "Failed" else [errors.not_supported(path, replacement, ["Failed"])]
    if replacement not in ("Failed", "TerminatingOrFailed"):
        return [errors.not_supported(path, replacement, ["Failed", "TerminatingOrFailed"])]
    return []


def validate_job_spec(spec: Obj, path: str) -> list[Cause]:
    """validateJobSpec: what a Job and a CronJob's job template share."""
    errs: list[Cause] = []
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
                "backoffLimitPerIndex", "maxFailedIndexes"):
        errs += nonnegative(spec.get(key), f"{path}.{key}")
    if spec.get("maxFailedIndexes") is not None and spec.get("backoffLimitPerIndex") is None:
        errs.append(errors.required(f"{path}.backoffLimitPerIndex", "when maxFailedIndexes is specified"))
    if spec.get("managedBy") is not None:
        errs += _validate_managed_by(spec["managedBy"], f"{path}.managedBy")
    errs += _validate_completion_mode(spec, path)
    if spec.get("podFailurePolicy") is not None:
        errs += _validate_pod_failure_policy(spec, f"{path}.podFailurePolicy")
    if spec.get("successPolicy") is not None:
        errs += _validate_success_policy(spec, f"{path}.successPolicy")
    errs += _validate_pod_replacement_policy(spec, f"{path}.podReplacementPolicy")
    errs += validate_pod_template_spec(spec.get("template"), f"{path}.template")
    return errs + _validate_restart_policy(spec, path)


_JOB_IMMUTABLE = ("completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy")


def _immutable(path: str, value: Any) -> Cause:
    """ValidateImmutableField of a pointer: a nil one shows as "null"."""
    if value is None:
        return errors.field_error("FieldValueInvalid", path, 'Invalid value: "null": field is immutable')
    return validation.invalid(path, value, "field is immutable")


DELETE_WITHOUT_POLICY_WARNING = (
    "child pods are preserved by default when jobs are deleted; "
    "set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning"
)


class JobStrategy(ControllerStrategy):
    group = "batch"
    kind = "Job"
    resource = "jobs"
    extra_fields = ("status.successful",)

    def delete_warnings(self, propagation_policy: str | None) -> list[str]:
        # batch/v1 Jobs orphan their pods by default (kept for compatibility); upstream
        # warns whoever leaves the policy to that default.
        if propagation_policy is None:
            return [DELETE_WITHOUT_POLICY_WARNING]
        return []

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        spec = obj.get("spec")
        if isinstance(spec, dict) and spec.get("manualSelector") is not True:
            # The registry's PrepareForCreate: uid and name are known now.
            self._generate_selector(obj)

    def default(self, obj: Obj) -> None:
        spec = set_default(obj, "spec", {})
        if not isinstance(spec, dict):
            return
        default_job_spec(spec, self.kind)
        template_labels = as_dict(_template_labels(spec))
        meta = obj["metadata"]
        if template_labels and not meta.get("labels"):
            # SetDefaults_Job; upstream applies it on every decode, so the generated labels show too.
            meta["labels"] = dict(template_labels)

    @staticmethod
    def _generate_selector(obj: Obj) -> None:
        spec, meta = obj["spec"], obj["metadata"]
        template = set_default(spec, "template", {})
        if not isinstance(template, dict):
            return
        tmeta = set_default(template, "metadata", {})
        if not isinstance(tmeta, dict):
            return
        labels = set_default(tmeta, "labels", {})
        if not isinstance(labels, dict):
            return
        uid, name = meta.get("uid", ""), meta.get("name", "")
        # A user-set value is left alone; validation rejects it if it conflicts.
        labels.setdefault(LEGACY_JOB_NAME_LABEL, name)
        labels.setdefault(JOB_NAME_LABEL, name)
        labels.setdefault(LEGACY_CONTROLLER_UID_LABEL, uid)
        labels.setdefault(CONTROLLER_UID_LABEL, uid)
        selector = set_default(spec, "selector", {})
        if isinstance(selector, dict):
            match = set_default(selector, "matchLabels", {})
            if isinstance(match, dict):
                match.setdefault(CONTROLLER_UID_LABEL, uid)

    @property
    def name_validator(self) -> Any:
        # Jobs and ReplicationControllers share their name rule.
        return validation.name_is_dns_subdomain

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + self._validate_job(obj, require_prefixed=True)

    def _validate_job(self, obj: Obj, require_prefixed: bool) -> list[Cause]:
        """ValidateJob: the generated selector, ValidateJobSpec, the indexed pods' host names."""
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        meta = obj["metadata"]
        errs = validate_generated_selector(obj, require_prefixed)
        errs += validate_job_spec(spec, "spec")
        selector = spec.get("selector")
        if selector is None:
            errs.append(errors.required("spec.selector"))
        elif isinstance(selector, dict):
            errs += validation.validate_label_selector(selector, "spec.selector")
        parsed, _ = parsed_selector(selector, "spec.selector", "")
        if parsed is not None:
            errs += template_labels_match(spec.get("template"), parsed, "spec.template")
        completions = spec.get("completions")
        if spec.get("completionMode") == "Indexed" and is_int(completions) and completions > 0:
            hostname = f"{meta.get('name', '')}-{completions - 1}"
            if validation.is_dns1123_label(hostname):
                errs.append(validation.invalid("metadata.name", meta.get("name", ""), f"will not able to create pod with invalid DNS label: {hostname}"))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        old_labels = as_dict(_template_labels(as_dict(old.get("spec"))))
        # Jobs created before the prefixed labels existed still validate.
        prefixed = JOB_NAME_LABEL in old_labels and CONTROLLER_UID_LABEL in old_labels
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        errs += self._validate_job(obj, require_prefixed=prefixed)
        new_spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
        errs += self._completions_update(new_spec, old_spec)
        if new_spec.get("selector") != old_spec.get("selector"):
            errs.append(go_invalid("spec.selector", go_label_selector(new_spec.get("selector")), "field is immutable"))
        errs += self._template_update(new_spec, old_spec, old)
        return errs + [_immutable(f"spec.{key}", new_spec.get(key)) for key in _JOB_IMMUTABLE
                       if new_spec.get(key) != old_spec.get(key)]

    @staticmethod
    def _completions_update(new_spec: Obj, old_spec: Obj) -> list[Cause]:
        """validateCompletions: immutable, except an Indexed Job's, changed with parallelism (elastic Jobs)."""
        completions = new_spec.get("completions")
        if completions == old_spec.get("completions"):
            return []
        if new_spec.get("completionMode") != "Indexed":
            return [_immutable("spec.completions", completions)]
        if completions is not None and completions != new_spec.get("parallelism"):
            return [errors.invalid_value("spec.completions", completions, "can only be modified in tandem with spec.parallelism")]
        return []

    @staticmethod
    def _template_update(new_spec: Obj, old_spec: Obj, old: Obj) -> list[Cause]:
        """The template is immutable, except the scheduling directives of a suspended Job
        that never started."""
        template, old_template = as_dict(new_spec.get("template")), as_dict(old_spec.get("template"))
        if template == old_template:
            return []
        suspended = old_spec.get("suspend") is True and not as_dict(old.get("status")).get("startTime")
        if suspended:
            def strip(t: Obj) -> Obj:
                t = {**t, "metadata": {k: v for k, v in as_dict(t.get("metadata")).items() if k not in ("labels", "annotations")}}
                pod = {k: v for k, v in as_dict(t.get("spec")).items() if k not in ("nodeSelector", "tolerations", "schedulingGates")}
                affinity = {k: v for k, v in as_dict(pod.get("affinity")).items() if k != "nodeAffinity"}
                pod["affinity"] = affinity
                t["spec"] = pod
                return t

            if strip(template) == strip(old_template):
                return []
        return [errors.invalid_value("spec.template", template, "field is immutable")]

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        """The counters of validateJobStatus (the controller-only consistency rules are not checked)."""
        status = as_dict(obj.get("status"))
        errs = super().validate_status_update(obj, old)
        for key in ("active", "succeeded", "failed", "ready", "terminating"):
            errs += nonnegative(status.get(key), f"status.{key}")
        uncounted = as_dict(status.get("uncountedTerminatedPods"))
        seen: set[Any] = set()
        for phase in ("succeeded", "failed"):
            for i, uid in enumerate(as_list(uncounted.get(phase))):
                p = f"status.uncountedTerminatedPods.{phase}[{i}]"
                if not uid:
                    errs.append(validation.invalid(p, "", "must not be empty"))
                elif uid in seen:
                    errs.append(errors.duplicate(p, uid))
                seen.add(uid)
        return errs

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        msgs = validation.is_dns1123_label(obj["metadata"].get("name", ""))
        if old is None and msgs:
            return ["metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; "
                    f"a DNS label is recommended: [{' '.join(msgs)}]"]
        return []

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["status.successful"] = str(as_dict(obj.get("status")).get("succeeded", 0))
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Status", description="Status of the job."),
            TableColumn("Completions", description="The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
            TableColumn("Duration", description="Time required to complete the job."),
            *template_columns(_JOB_SELECTOR_DESCRIPTION),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        return [obj["metadata"]["name"], _job_state(obj), _completions(spec, status), _duration(status),
                *template_cells(obj, spec.get("template"), spec.get("selector"))]


def _completions(spec: Obj, status: Obj) -> str:
    succeeded = status.get("succeeded", 0)
    if spec.get("completions") is not None:
        return f"{succeeded}/{spec['completions']}"
    parallelism = spec.get("parallelism") or 0
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def _duration(status: Obj) -> str:
    start, end = _parse_time(status.get("startTime")), _parse_time(status.get("completionTime"))
    if start is None:
        return ""
    return human_duration(((end or datetime.now(UTC)) - start).total_seconds())


def _job_state(obj: Obj) -> str:
    """The first condition that holds, in printJob's order."""
    conditions = {c.get("type"): c.get("status") for c in as_list(as_dict(obj.get("status")).get("conditions")) if isinstance(c, dict)}
    for condition in ("Complete", "Failed"):
        if conditions.get(condition) == "True":
            return condition
    if obj["metadata"].get("deletionTimestamp"):
        return "Terminating"
    for condition in ("Suspended", "FailureTarget"):
        if conditions.get(condition) == "True":
            return condition
    return "Running"


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


# --- cron schedules (github.com/robfig/cron/v3 ParseStandard) --------------------------------------

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# (min, max, names) of minute, hour, day of month, month, day of week.
_BOUNDS: tuple[tuple[int, int, dict[str, int] | None], ...] = (
    (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DAYS),
)
_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_GO_DURATION = re.compile(r"^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")


class CronError(ValueError):
    pass


def _atoi(expr: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", expr):
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    num = int(expr)
    if num < 0:
        raise CronError(f"negative number ({num}) not allowed: {expr}")
    return num


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _atoi(expr)


def _check_range(expr: str, lo: int, hi: int, names: dict[str, int] | None) -> None:
    """robfig/cron getRange."""
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    single = len(low_high) == 1
    if low_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start = _int_or_name(low_high[0], names)
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = _int_or_name(low_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _atoi(range_and_step[1])
        if single:
            end = hi
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < lo:
        raise CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def parse_cron(spec: str) -> None:
    """Raises CronError with robfig/cron's message when ParseStandard would fail."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        eq = spec.find("=")
        name = spec[eq + 1:space] if space >= 0 else spec[eq + 1:]
        try:
            _load_zone(name)
        except CronError as exc:
            raise CronError(f"provided bad location {name}: {exc}") from None
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return
        if spec.startswith("@every "):
            duration = spec[len("@every "):]
            if not _GO_DURATION.match(duration):
                raise CronError(f'failed to parse duration {spec}: time: invalid duration "{duration}"')
            return
        raise CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for value, (lo, hi, names) in zip(fields, _BOUNDS, strict=True):
        for expr in (part for part in value.split(",") if part):
            _check_range(expr, lo, hi, names)


def _load_zone(name: str) -> None:
    """time.LoadLocation."""
    if name in ("", "UTC", "Local"):
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise CronError(f"unknown time zone {name}") from None


_TZ_PART = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}$")


def validate_time_zone(tz: Any, path: str) -> list[Cause]:
    if tz is None:
        return []
    tz = str(tz)
    if not tz:
        return [validation.invalid(path, tz, "timeZone must be nil or non-empty string")]
    for part in tz.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return [validation.invalid(path, tz, f"unknown time zone {tz}")]
    errs: list[Cause] = []
    if tz.lower() == "local":
        errs.append(validation.invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
    try:
        _load_zone(tz)
    except CronError as exc:
        errs.append(validation.invalid(path, tz, str(exc)))
    return errs




def validate_job_template(template: Obj, path: str) -> list[Cause]:
    """ValidateJobTemplateSpec: a job spec whose selector the controller will generate."""
    spec = as_dict(template.get("spec"))
    errs = validate_job_spec(spec, f"{path}.spec")
    if spec.get("selector") is not None:
        errs.append(go_invalid(f"{path}.spec.selector", go_label_selector(spec["selector"]), "`selector` will be auto-generated"))
    if spec.get("manualSelector") is True:
        errs.append(go_not_supported(f"{path}.spec.manualSelector", "true", ["nil", "false"]))
    return errs


def _validate_schedule(schedule: str, old_spec: Obj | None, time_zone: Any) -> list[Cause]:
    """validateScheduleFormat: robfig/cron's standard syntax; TZ= only where it already was."""
    errs: list[Cause] = []
    try:
        parse_cron(schedule)
    except CronError as exc:
        errs.append(validation.invalid("spec.schedule", schedule, str(exc)))
    allow_tz = old_spec is not None and "TZ" in str(old_spec.get("schedule") or "")
    if allow_tz and "TZ" in schedule and time_zone is not None:
        errs.append(validation.invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
    elif not allow_tz and "TZ" in schedule:
        errs.append(validation.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    return errs


class CronJobStrategy(ControllerStrategy):
    group = "batch"
    kind = "CronJob"
    resource = "cronjobs"

    def default(self, obj: Obj) -> None:
        """SetDefaults_CronJob, and the defaulters of what the job template holds."""
        spec = set_default(obj, "spec", {})
        if not isinstance(spec, dict):
            return
        if not spec.get("concurrencyPolicy"):
            spec["concurrencyPolicy"] = "Allow"
        set_default(spec, "suspend", False)
        set_default(spec, "successfulJobsHistoryLimit", 3)
        set_default(spec, "failedJobsHistoryLimit", 1)
        template = set_default(spec, "jobTemplate", {})
        if isinstance(template, dict):
            default_job_template(template, self.kind)

    def _validate_spec(self, spec: Any, old_spec: Obj | None) -> list[Cause]:
        """validateCronJobSpec."""
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        errs: list[Cause] = []
        schedule = spec.get("schedule")
        if not schedule:
            errs.append(errors.required("spec.schedule"))
        else:
            errs += _validate_schedule(str(schedule), old_spec, spec.get("timeZone"))
        errs += nonnegative(spec.get("startingDeadlineSeconds"), "spec.startingDeadlineSeconds")
        if old_spec is None or old_spec.get("timeZone") != spec.get("timeZone"):
            errs += validate_time_zone(spec.get("timeZone"), "spec.timeZone")
        policy = spec.get("concurrencyPolicy")
        if not policy:
            errs.append(errors.required("spec.concurrencyPolicy"))
        elif policy not in ("Allow", "Forbid", "Replace"):
            errs.append(errors.not_supported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]))
        errs += validate_job_template(as_dict(spec.get("jobTemplate")), "spec.jobTemplate")
        errs += nonnegative(spec.get("successfulJobsHistoryLimit"), "spec.successfulJobsHistoryLimit")
        errs += nonnegative(spec.get("failedJobsHistoryLimit"), "spec.failedJobsHistoryLimit")
        return errs

    @property
    def name_validator(self) -> Any:
        return validation.name_is_dns_subdomain

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj) + self._validate_spec(obj.get("spec"), None)
        name = obj["metadata"].get("name", "")
        if len(name) > 52:
            # The controller appends an 11-character suffix to name its Jobs (63 at most).
            errs.append(validation.invalid("metadata.name", name, "must be no more than 52 characters"))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + self._validate_spec(obj.get("spec"), as_dict(old.get("spec")))

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Schedule", description="The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            TableColumn("Timezone", description="The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
            TableColumn("Suspend", "boolean", description="This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false."),
            TableColumn("Active", "integer", description="A list of pointers to currently running jobs."),
            TableColumn("Last Schedule", description="Information when was the last time the job was successfully scheduled."),
            *template_columns(_JOB_SELECTOR_DESCRIPTION),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        last = status.get("lastScheduleTime")
        suspend, time_zone = spec.get("suspend"), spec.get("timeZone")
        job_spec = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
        return [
            obj["metadata"]["name"], spec.get("schedule", ""), "<none>" if time_zone is None else time_zone,
            "<unset>" if suspend is None else ("True" if suspend else "False"),
            len(as_list(status.get("active"))), age(last) if last else "<none>",
            *template_cells(obj, job_spec.get("template"), job_spec.get("selector")),
        ]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("batch", "Job"): JobStrategy,
    ("batch", "CronJob"): CronJobStrategy,
}
