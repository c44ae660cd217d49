"""admissionregistration.k8s.io/v1: ValidatingWebhookConfiguration,
MutatingWebhookConfiguration, ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding —
upstream's defaults (pkg/apis/admissionregistration/v1/defaults.go), validation
(pkg/apis/admissionregistration/validation) and printing. kubelite stores these objects;
it does not call the webhooks or evaluate the policies' CEL expressions (nor compile them,
so a malformed expression is accepted)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kubelite.apis.generic import (
    GenerationStrategy,
    as_dict,
    as_list,
    invalid_slice,
    is_int,
    path_segment_name_errors,
)
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.labels import selector_from_label_selector
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "admissionregistration.k8s.io"
FAILURE_POLICIES = ["Fail", "Ignore"]
MATCH_POLICIES = ["Equivalent", "Exact"]
NO_SIDE_EFFECTS = ["None", "NoneOnDryRun"]  # the classes a v1 webhook may declare
OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"]
SCOPES = ["*", "Cluster", "Namespaced"]
REINVOCATION_POLICIES = ["IfNeeded", "Never"]
REVIEW_VERSIONS = ["v1", "v1beta1"]  # the AdmissionReview versions this server speaks
VALIDATION_ACTIONS = ["Audit", "Deny", "Warn"]
POLICY_REASONS = ["Forbidden", "Invalid", "RequestEntityTooLarge"]
MAX_TIMEOUT_SECONDS = 30
MAX_MATCH_CONDITIONS = 64
MAX_AUDIT_ANNOTATIONS = 20
URL_FORM = "; desired format: https://host[/path]"


# --- defaults


def _default_selectors(obj: Obj) -> None:
    """Unset selectors select everything ({}); the policy matches equivalent versions."""
    if obj.get("matchPolicy") is None:
        obj["matchPolicy"] = "Equivalent"
    for key in ("namespaceSelector", "objectSelector"):
        if obj.get(key) is None:
            obj[key] = {}


def _default_rules(rules: Any) -> None:
    for rule in as_list(rules):
        if isinstance(rule, dict) and rule.get("scope") is None:
            rule["scope"] = "*"


def default_webhook(hook: Obj, mutating: bool) -> None:
    """SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook, SetDefaults_Rule and
    SetDefaults_ServiceReference."""
    if hook.get("failurePolicy") is None:
        hook["failurePolicy"] = "Fail"
    _default_selectors(hook)
    if hook.get("timeoutSeconds") is None:
        hook["timeoutSeconds"] = 10
    if mutating and hook.get("reinvocationPolicy") is None:
        hook["reinvocationPolicy"] = "Never"
    _default_rules(hook.get("rules"))
    service = as_dict(as_dict(hook.get("clientConfig")).get("service"))
    if service and service.get("port") is None:
        service["port"] = 443


def default_match_resources(match: Any) -> None:
    if isinstance(match, dict):
        _default_selectors(match)
        _default_rules(match.get("resourceRules"))
        _default_rules(match.get("excludeResourceRules"))


# --- rules


def _resources_errors(resources: list[Any], path: str) -> list[Cause]:
    """validateResources: subresources allowed, wildcards not mixed with what they cover."""
    errs: list[Cause] = [] if resources else [errors.required(path)]
    with_any_sub: set[str] = set()  # "x/*"
    sub_of_any: set[str] = set()  # "*/x"
    single_wildcard = plain_resource = False
    for i, res_sub in enumerate(resources):
        if not res_sub:
            errs.append(errors.required(f"{path}[{i}]"))
            continue
        single_wildcard = single_wildcard or res_sub == "*"
        res, sep, sub = str(res_sub).partition("/")
        if not sep:
            plain_resource = res_sub != "*"
            continue
        if res in with_any_sub:
            errs.append(validation.invalid(f"{path}[{i}]", res_sub, f"if '{res}/*' is present, must not specify {res_sub}"))
        if sub in sub_of_any:
            errs.append(validation.invalid(f"{path}[{i}]", res_sub, f"if '*/{sub}' is present, must not specify {res_sub}"))
        if sub == "*":
            with_any_sub.add(res)
        if res == "*":
            sub_of_any.add(sub)
    if len(resources) > 1 and "*/*" in resources:
        errs.append(invalid_slice(path, resources, "if '*/*' is present, must not specify other resources"))
    if single_wildcard and plain_resource:
        errs.append(invalid_slice(path, resources, "if '*' is present, must not specify other resources without subresources"))
    return errs


def _wildcard_list_errors(values: list[Any], path: str, what: str, type_name: str = "string") -> list[Cause]:
    """Required, and "*" stands alone."""
    errs: list[Cause] = [] if values else [errors.required(path)]
    if len(values) > 1 and "*" in values:
        errs.append(invalid_slice(path, values, f"if '*' is present, must not specify other {what}", type_name))
    return errs


def validate_rule(rule: Obj, path: str) -> list[Cause]:
    """validateRuleWithOperations (webhook rules and policy resource rules)."""
    operations = as_list(rule.get("operations"))
    errs = _wildcard_list_errors(operations, f"{path}.operations", "operations", "admissionregistration.OperationType")
    errs += [errors.not_supported(f"{path}.operations[{i}]", op, OPERATIONS)
             for i, op in enumerate(operations) if op not in OPERATIONS]
    errs += _wildcard_list_errors(as_list(rule.get("apiGroups")), f"{path}.apiGroups", "API groups")
    versions = as_list(rule.get("apiVersions"))
    errs += _wildcard_list_errors(versions, f"{path}.apiVersions", "API versions")
    errs += [errors.required(f"{path}.apiVersions[{i}]") for i, v in enumerate(versions) if not v]
    errs += _resources_errors(as_list(rule.get("resources")), f"{path}.resources")
    scope = rule.get("scope")
    if scope is not None and scope not in SCOPES:
        errs.append(errors.not_supported(f"{path}.scope", scope, SCOPES))
    return errs


# --- webhooks


def fully_qualified_name_errors(name: Any, path: str) -> list[Cause]:
    """utilvalidation.IsFullyQualifiedName: a domain of at least three segments."""
    if not name:
        return [errors.required(path)]
    subdomain = validation.is_dns1123_subdomain(str(name))
    if subdomain:
        return [validation.invalid(path, name, ",".join(subdomain))]
    if len(str(name).split(".")) < 3:
        return [validation.invalid(path, name, "should be a domain with at least three segments separated by dots")]
    return []


def webhook_url_errors(url: str, path: str) -> list[Cause]:
    """webhook.ValidateWebhookURL with https forced."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return [errors.required(path, f"url must be a valid URL: {exc}{URL_FORM}")]
    errs: list[Cause] = []
    if parts.scheme != "https":
        errs.append(validation.invalid(path, parts.scheme, "'https' is the only allowed URL scheme" + URL_FORM))
    if not parts.netloc:
        errs.append(validation.invalid(path, "", "host must be specified" + URL_FORM))
    if "@" in parts.netloc:
        errs.append(validation.invalid(path, parts.netloc.rsplit("@", 1)[0], "user information is not permitted in the URL"))
    if parts.fragment:
        errs.append(validation.invalid(path, parts.fragment, "fragments are not permitted in the URL"))
    if parts.query:
        errs.append(validation.invalid(path, parts.query, "query parameters are not permitted in the URL"))
    return errs


def _service_path_errors(url_path: str, path: str) -> list[Cause]:
    if url_path in ("", "/"):
        return []
    if url_path == "//":
        return [validation.invalid(path, url_path, "segment[0] may not be empty")]
    errs = [] if url_path.startswith("/") else [validation.invalid(path, url_path, "must start with a '/'")]
    steps = url_path[1:].removesuffix("/").split("/")
    for i, step in enumerate(steps):
        if not step:
            errs.append(validation.invalid(path, url_path, f"segment[{i}] may not be empty"))
            continue
        errs += [validation.invalid(path, url_path, f"segment[{i}]: {m}") for m in validation.is_dns1123_subdomain(step)]
    return errs


def webhook_service_errors(service: Obj, path: str) -> list[Cause]:
    """webhook.ValidateWebhookService. Upstream passes the name where the function expects the
    namespace and the other way round, so a missing name is reported at .namespace and a
    missing namespace at .name; clients see that, and so kubelite reports them so too."""
    errs: list[Cause] = []
    if not service.get("namespace"):
        errs.append(errors.required(f"{path}.name"))
    if not service.get("name"):
        errs.append(errors.required(f"{path}.namespace"))
    port = service.get("port")
    if not (is_int(port) and 1 <= port <= 65535):
        errs.append(errors.invalid_value(f"{path}.port", port, "port is not valid: must be between 1 and 65535, inclusive"))
    url_path = service.get("path")
    if isinstance(url_path, str):
        errs += _service_path_errors(url_path, f"{path}.path")
    return errs


def client_config_errors(config: Obj, path: str) -> list[Cause]:
    url, service = config.get("url"), config.get("service")
    if (url is None) == (service is None):
        return [errors.required(path, "exactly one of url or service is required")]
    if url is not None:
        return webhook_url_errors(str(url), f"{path}.url")
    return webhook_service_errors(as_dict(service), f"{path}.service")


def _review_versions_errors(versions: list[Any], path: str) -> list[Cause]:
    """validateAdmissionReviewVersions: required, unique DNS-1035 labels, one this server speaks."""
    if not versions:
        return [errors.required(path, f"must specify one of {', '.join(REVIEW_VERSIONS)}")]
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, version in enumerate(versions):
        if version in seen:
            errs.append(validation.invalid(f"{path}[{i}]", version, "duplicate version"))
            continue
        seen.add(version)
        errs += [validation.invalid(f"{path}[{i}]", version, m) for m in validation.is_dns1035_label(str(version))]
    if not seen.intersection(REVIEW_VERSIONS):
        errs.append(invalid_slice(path, versions, f"must include at least one of {', '.join(REVIEW_VERSIONS)}"))
    return errs


def match_condition_errors(conditions: list[Any], path: str) -> list[Cause]:
    """validateMatchConditions, except that the CEL expressions are not compiled."""
    errs: list[Cause] = []
    if len(conditions) > MAX_MATCH_CONDITIONS:
        errs.append(errors.field_error("FieldValueTooMany", path,
                                       f"Too many: {len(conditions)}: must have at most {MAX_MATCH_CONDITIONS} items"))
    names: set[str] = set()
    for i, condition in enumerate(conditions):
        condition = as_dict(condition)
        if not str(condition.get("expression") or "").strip():
            errs.append(errors.required(f"{path}[{i}].expression"))
        name = condition.get("name") or ""
        if not name:
            errs.append(errors.required(f"{path}[{i}].name"))
        else:
            errs += validation.validate_label_name(name, f"{path}[{i}].name")
        if name and name in names:
            errs.append(errors.duplicate(f"{path}[{i}].name", name))
        names.add(name)
    return errs


def _enum_errors(hook: Obj, key: str, allowed: list[str], path: str) -> list[Cause]:
    value = hook.get(key)
    return [] if value is None or value in allowed else [errors.not_supported(f"{path}.{key}", value, allowed)]


def validate_webhook(hook: Obj, path: str, mutating: bool) -> list[Cause]:
    """validateValidatingWebhook / validateMutatingWebhook, as for a create (v1 webhooks
    must have no side effects)."""
    errs = fully_qualified_name_errors(hook.get("name"), f"{path}.name")
    for i, rule in enumerate(as_list(hook.get("rules"))):
        errs += validate_rule(as_dict(rule), f"{path}.rules[{i}]")
    errs += _enum_errors(hook, "failurePolicy", FAILURE_POLICIES, path)
    errs += _enum_errors(hook, "matchPolicy", MATCH_POLICIES, path)
    if hook.get("sideEffects") is None:
        errs.append(errors.required(f"{path}.sideEffects", f"must specify one of {', '.join(NO_SIDE_EFFECTS)}"))
    errs += _enum_errors(hook, "sideEffects", NO_SIDE_EFFECTS, path)
    timeout = hook.get("timeoutSeconds")
    if is_int(timeout) and not 1 <= timeout <= MAX_TIMEOUT_SECONDS:
        errs.append(errors.invalid_value(f"{path}.timeoutSeconds", timeout, "the timeout value must be between 1 and 30 seconds"))
    for key in ("namespaceSelector", "objectSelector"):
        if isinstance(hook.get(key), dict):
            errs += validation.validate_label_selector(hook[key], f"{path}.{key}")
    if mutating:
        errs += _enum_errors(hook, "reinvocationPolicy", REINVOCATION_POLICIES, path)
    errs += client_config_errors(as_dict(hook.get("clientConfig")), f"{path}.clientConfig")
    return errs + match_condition_errors(as_list(hook.get("matchConditions")), f"{path}.matchConditions")


def validate_webhooks(webhooks: list[Any], mutating: bool) -> list[Cause]:
    errs: list[Cause] = []
    names: set[str] = set()
    for i, hook in enumerate(webhooks):
        hook = as_dict(hook)
        path = f"webhooks[{i}]"
        errs += validate_webhook(hook, path, mutating)
        errs += _review_versions_errors(as_list(hook.get("admissionReviewVersions")), f"{path}.admissionReviewVersions")
        name = hook.get("name")
        if name and name in names:
            errs.append(errors.duplicate(f"{path}.name", name))
        elif name:
            names.add(name)
    return errs


WEBHOOKS_COLUMN = TableColumn("Webhooks", "integer", description="Webhooks indicates the number of webhooks registered in this configuration")


class _WebhookConfigurationStrategy(GenerationStrategy):
    """Upstream counts changes of the webhooks in metadata.generation."""

    group = GROUP
    namespaced = False
    mutating = False
    generation_fields = ("webhooks",)

    def default(self, obj: Obj) -> None:
        for hook in as_list(obj.get("webhooks")):
            if isinstance(hook, dict):
                default_webhook(hook, self.mutating)

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_webhooks(as_list(obj.get("webhooks")), self.mutating)

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, WEBHOOKS_COLUMN, AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        return [obj["metadata"].get("name", ""), len(as_list(obj.get("webhooks"))), age(obj["metadata"].get("creationTimestamp"))]


class ValidatingWebhookConfigurationStrategy(_WebhookConfigurationStrategy):
    kind = "ValidatingWebhookConfiguration"
    resource = "validatingwebhookconfigurations"


class MutatingWebhookConfigurationStrategy(_WebhookConfigurationStrategy):
    kind = "MutatingWebhookConfiguration"
    resource = "mutatingwebhookconfigurations"
    mutating = True


# --- ValidatingAdmissionPolicy


def param_kind_errors(param_kind: Obj, path: str) -> list[Cause]:
    """validateParamKind: group/version the way an APIService is named, a kind of any case."""
    errs: list[Cause] = []
    api_version = str(param_kind.get("apiVersion") or "")
    if not api_version:
        errs.append(errors.required(f"{path}.apiVersion"))
    elif api_version.count("/") > 1:
        errs.append(validation.invalid(f"{path}.apiVersion", api_version, f"unexpected GroupVersion string: {api_version}"))
    else:
        group, _, version = api_version.rpartition("/")
        if group and (msgs := validation.is_dns1123_subdomain(group)):
            errs.append(validation.invalid(f"{path}.apiVersion", group, ",".join(msgs)))
        if not version:
            errs.append(validation.invalid(f"{path}.apiVersion", api_version, "version must be specified"))
        elif msgs := validation.is_dns1035_label(version):
            errs.append(validation.invalid(f"{path}.apiVersion", version, ",".join(msgs)))
    kind = str(param_kind.get("kind") or "")
    if not kind:
        errs.append(errors.required(f"{path}.kind"))
    elif msgs := validation.is_dns1035_label(kind.lower()):
        errs.append(validation.invalid(f"{path}.kind", kind, "may have mixed case, but should otherwise match: " + ",".join(msgs)))
    return errs


def match_resources_errors(match: Obj, path: str) -> list[Cause]:
    """validateMatchResources (the selectors are defaulted, so required once validated)."""
    errs: list[Cause] = []
    policy = match.get("matchPolicy")
    if policy is None:
        errs.append(errors.required(f"{path}.matchPolicy"))
    elif policy not in MATCH_POLICIES:
        errs.append(errors.not_supported(f"{path}.matchPolicy", policy, MATCH_POLICIES))
    for key in ("namespaceSelector", "objectSelector"):
        if match.get(key) is None:
            errs.append(errors.required(f"{path}.{key}"))
        else:
            errs += validation.validate_label_selector(as_dict(match[key]), f"{path}.{key}")
    for key in ("resourceRules", "excludeResourceRules"):
        for i, rule in enumerate(as_list(match.get(key))):
            errs += _named_rule_errors(as_dict(rule), f"{path}.{key}[{i}]")
    return errs


def _named_rule_errors(rule: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, name in enumerate(as_list(rule.get("resourceNames"))):
        errs += [validation.invalid(f"{path}.resourceNames[{i}]", name, m) for m in path_segment_name_errors(str(name))]
        if name in seen:
            errs.append(errors.duplicate(f"{path}.resourceNames[{i}]", name))
        seen.add(name)
    return errs + validate_rule(rule, path)


def _validation_errors(item: Obj, path: str) -> list[Cause]:
    """validateValidation, without compiling the CEL expressions."""
    errs: list[Cause] = []
    if not str(item.get("expression") or "").strip():
        errs.append(errors.required(f"{path}.expression", "expression is not specified"))
    message_expression = str(item.get("messageExpression") or "")
    if message_expression and not message_expression.strip():
        errs.append(validation.invalid(f"{path}.messageExpression", message_expression, "must be non-empty if specified"))
    message = str(item.get("message") or "")
    if message and not message.strip():
        errs.append(validation.invalid(f"{path}.message", message, "message must be non-empty if specified"))
    elif "\n" in message.strip() or "\r" in message.strip():
        errs.append(validation.invalid(f"{path}.message", message, "message must not contain line breaks"))
    reason = item.get("reason")
    if reason is not None and reason not in POLICY_REASONS:
        errs.append(errors.not_supported(f"{path}.reason", reason, POLICY_REASONS))
    return errs


def _audit_annotation_errors(policy_name: str, annotation: Obj, path: str) -> list[Cause]:
    key = str(annotation.get("key") or "")
    if policy_name:
        errs = validation.validate_label_name(f"{policy_name}/{key}", f"{path}.key")
    else:
        errs = [validation.invalid(f"{path}.key", key, "requires metadata.name be non-empty")]
    if not str(annotation.get("valueExpression") or "").strip():
        errs.append(errors.required(f"{path}.valueExpression", "valueExpression is not specified"))
    return errs


def _variable_errors(variable: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    name = str(variable.get("name") or "")
    if not name.strip():
        errs.append(errors.required(f"{path}.name", "name is not specified"))
    elif not name.isidentifier() or not name.isascii():
        errs.append(validation.invalid(f"{path}.name", name, "name is not a valid CEL identifier"))
    if not str(variable.get("expression") or "").strip():
        errs.append(errors.required(f"{path}.expression", "expression is not specified"))
    return errs


def validate_policy_spec(name: str, spec: Obj) -> list[Cause]:
    """validateValidatingAdmissionPolicySpec."""
    errs: list[Cause] = []
    failure = spec.get("failurePolicy")
    if failure is None:
        errs.append(errors.required("spec.failurePolicy"))
    elif failure not in FAILURE_POLICIES:
        errs.append(errors.not_supported("spec.failurePolicy", failure, FAILURE_POLICIES))
    if isinstance(spec.get("paramKind"), dict):
        errs += param_kind_errors(spec["paramKind"], "spec.paramKind")
    constraints = spec.get("matchConstraints")
    if not isinstance(constraints, dict):
        errs.append(errors.required("spec.matchConstraints"))
    else:
        errs += match_resources_errors(constraints, "spec.matchConstraints")
        if not as_list(constraints.get("resourceRules")):
            # the rules give the policy its type information
            errs.append(errors.required("spec.matchConstraints.resourceRules"))
    errs += match_condition_errors(as_list(spec.get("matchConditions")), "spec.matchConditions")
    for i, variable in enumerate(as_list(spec.get("variables"))):
        errs += _variable_errors(as_dict(variable), f"spec.variables[{i}]")
    return errs + _validations_and_audit_errors(name, spec)


def _validations_and_audit_errors(name: str, spec: Obj) -> list[Cause]:
    validations, audits = as_list(spec.get("validations")), as_list(spec.get("auditAnnotations"))
    if not validations and not audits:
        detail = "validations or auditAnnotations must contain at least one item"
        return [errors.required("spec.validations", detail), errors.required("spec.auditAnnotations", detail)]
    errs: list[Cause] = []
    for i, item in enumerate(validations):
        errs += _validation_errors(as_dict(item), f"spec.validations[{i}]")
    if len(audits) > MAX_AUDIT_ANNOTATIONS:
        errs.append(errors.invalid_value("spec.auditAnnotations", audits, f"must not have more than {MAX_AUDIT_ANNOTATIONS} auditAnnotations"))
    keys: set[str] = set()
    for i, annotation in enumerate(audits):
        annotation = as_dict(annotation)
        errs += _audit_annotation_errors(name, annotation, f"spec.auditAnnotations[{i}]")
        key = annotation.get("key") or ""
        if key in keys:
            errs.append(errors.duplicate(f"spec.auditAnnotations[{i}].key", key))
        keys.add(key)
    return errs


class ValidatingAdmissionPolicyStrategy(GenerationStrategy):
    group = GROUP
    kind = "ValidatingAdmissionPolicy"
    resource = "validatingadmissionpolicies"
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def default(self, obj: Obj) -> None:
        spec = obj.get("spec")
        if isinstance(spec, dict):
            if spec.get("failurePolicy") is None:
                spec["failurePolicy"] = "Fail"
            default_match_resources(spec.get("matchConstraints"))

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_policy_spec(obj["metadata"].get("name") or "", as_dict(obj.get("spec")))

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Validations", "integer", description="Validations indicates the number of validation rules defined in this configuration"),
            TableColumn("ParamKind", description="ParamKind specifies the kind of resources used to parameterize this policy"),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = as_dict(obj.get("spec"))
        param_kind = spec.get("paramKind")
        shown = "<unset>"
        if isinstance(param_kind, dict):
            shown = f"{param_kind.get('apiVersion', '')}/{param_kind.get('kind', '')}"
        return [obj["metadata"].get("name", ""), len(as_list(spec.get("validations"))), shown,
                age(obj["metadata"].get("creationTimestamp"))]


# --- ValidatingAdmissionPolicyBinding


def param_ref_errors(ref: Obj, path: str) -> list[Cause]:
    """validateParamRef: a name or a selector, and what to do when no parameter is found."""
    errs: list[Cause] = []
    name, selector = ref.get("name") or "", ref.get("selector")
    if name:
        errs += [validation.invalid(f"{path}.name", name, m) for m in path_segment_name_errors(name)]
        if selector is not None:
            errs.append(errors.forbidden_field(f"{path}.name", "name and selector are mutually exclusive"))
    if selector is not None:
        errs += validation.validate_label_selector(as_dict(selector), f"{path}.selector")
        if name:
            errs.append(errors.forbidden_field(f"{path}.selector", "name and selector are mutually exclusive"))
    if not name and selector is None:
        errs.append(errors.required(path, "one of name or selector must be specified"))
    action = ref.get("parameterNotFoundAction")
    if not action:
        errs.append(errors.required(f"{path}.parameterNotFoundAction"))
    elif action not in ("Deny", "Allow"):
        errs.append(errors.not_supported(f"{path}.parameterNotFoundAction", action, ["Deny", "Allow"]))
    return errs


def validation_actions_errors(actions: list[Any], path: str) -> list[Cause]:
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, action in enumerate(actions):
        if action not in VALIDATION_ACTIONS:
            errs.append(errors.not_supported(f"{path}[{i}]", action, VALIDATION_ACTIONS))
        if action in seen:
            errs.append(errors.duplicate(f"{path}[{i}]", action))
        seen.add(action)
    if {"Deny", "Warn"} <= seen:
        errs.append(invalid_slice(path, actions, "must not contain both Deny and Warn (repeating the same validation failure "
                                  "information in the API response and headers serves no purpose)", "admissionregistration.ValidationAction"))
    if not seen:
        errs.append(errors.required(path, "at least one validation action is required"))
    return errs


def validate_binding_spec(spec: Obj) -> list[Cause]:
    errs: list[Cause] = []
    policy = spec.get("policyName") or ""
    if not policy:
        errs.append(errors.required("spec.policyName"))
    else:
        errs += [validation.invalid("spec.policyName", policy, m) for m in validation.name_is_dns_subdomain(policy, False)]
    if isinstance(spec.get("paramRef"), dict):
        errs += param_ref_errors(spec["paramRef"], "spec.paramRef")
    if isinstance(spec.get("matchResources"), dict):
        errs += match_resources_errors(spec["matchResources"], "spec.matchResources")
    return errs + validation_actions_errors(as_list(spec.get("validationActions")), "spec.validationActions")


def format_param_ref(ref: Any) -> str:
    """The ParamRef column: namespace/name ("*/" when a name has no namespace), or the selector."""
    if not isinstance(ref, dict):
        return "<unset>"
    if ref.get("name"):
        return f"{ref.get('namespace') or '*'}/{ref['name']}"
    if isinstance(ref.get("selector"), dict):
        try:
            return selector_from_label_selector(ref["selector"]).string()
        except errors.StatusError:
            return "<unset>"
    return "<unset>"


class ValidatingAdmissionPolicyBindingStrategy(GenerationStrategy):
    group = GROUP
    kind = "ValidatingAdmissionPolicyBinding"
    resource = "validatingadmissionpolicybindings"
    namespaced = False

    def default(self, obj: Obj) -> None:
        default_match_resources(as_dict(obj.get("spec")).get("matchResources"))

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + validate_binding_spec(as_dict(obj.get("spec")))

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("PolicyName", description="PolicyName indicates the policy definition which the policy binding binded to"),
            TableColumn("ParamRef", description="ParamRef indicates the param resource which sets the configration param"),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = as_dict(obj.get("spec"))
        return [obj["metadata"].get("name", ""), spec.get("policyName", ""), format_param_ref(spec.get("paramRef")),
                age(obj["metadata"].get("creationTimestamp"))]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "ValidatingWebhookConfiguration"): ValidatingWebhookConfigurationStrategy,
    (GROUP, "MutatingWebhookConfiguration"): MutatingWebhookConfigurationStrategy,
    (GROUP, "ValidatingAdmissionPolicy"): ValidatingAdmissionPolicyStrategy,
    (GROUP, "ValidatingAdmissionPolicyBinding"): ValidatingAdmissionPolicyBindingStrategy,
}
