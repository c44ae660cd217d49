"""flowcontrol.apiserver.k8s.io/v1: FlowSchema and PriorityLevelConfiguration — upstream's
defaults (pkg/apis/flowcontrol/v1/defaults.go), validation (pkg/apis/flowcontrol/validation)
and printing. kubelite's own flow control does not read these objects, and no
configuration controller fills in their status."""

from __future__ import annotations

from typing import Any

from kubelite.apis.generic import GenerationStrategy, as_dict, as_list, go_slice, invalid_slice, is_int
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "flowcontrol.apiserver.k8s.io"
DEFAULT_MATCHING_PRECEDENCE = 1000
MAX_MATCHING_PRECEDENCE = 10000
DEFAULT_HAND_SIZE, DEFAULT_QUEUES, DEFAULT_QUEUE_LENGTH_LIMIT = 8, 64, 50
DEFAULT_NOMINAL_CONCURRENCY_SHARES = 30
MAX_QUEUES = 10 * 1000 * 1000
MAX_HASH_BITS = 60  # shufflesharding.MaxHashBits
DISTINGUISHER_METHODS = ["ByNamespace", "ByUser"]
SUBJECT_KINDS = ["Group", "ServiceAccount", "User"]
PRIORITY_LEVEL_TYPES = ["Exempt", "Limited"]
LIMIT_RESPONSE_TYPES = ["Queue", "Reject"]
VERBS = sorted(["get", "list", "create", "update", "delete", "deletecollection", "patch", "watch", "proxy"])
NAMESPACE_ERROR_INTRO = "each member of this list must be '*' or a DNS-1123 label; "


# --- FlowSchema


def _subject_errors(subject: Obj, path: str) -> list[Cause]:
    """ValidateFlowSchemaSubject: the member named by kind is set, the others are not."""
    kind = subject.get("kind")
    members = {"ServiceAccount": "serviceAccount", "User": "user", "Group": "group"}
    if kind not in members:
        return [errors.not_supported(f"{path}.kind", kind or "", SUBJECT_KINDS)]
    member = members[kind]
    value = subject.get(member)
    errs: list[Cause] = []
    if not isinstance(value, dict):
        errs.append(errors.required(f"{path}.{member}", f"{member} is required when subject kind is '{kind}'"))
    elif kind == "ServiceAccount":
        errs += _service_account_errors(value, f"{path}.{member}")
    elif not value.get("name"):
        errs.append(errors.required(f"{path}.{member}.name"))
    for other_kind, other in members.items():
        if other != member and subject.get(other) is not None:
            errs.append(errors.forbidden_field(f"{path}.{other}", f"{other} is forbidden when subject kind is not '{other_kind}'"))
    return errs


def _service_account_errors(account: Obj, path: str) -> list[Cause]:
    name, namespace = account.get("name") or "", account.get("namespace") or ""
    errs: list[Cause] = []
    if not name:
        errs.append(errors.required(f"{path}.name"))
    elif name != "*":
        errs += [validation.invalid(f"{path}.name", name, m) for m in validation.name_is_dns_subdomain(name, False)]
    if not namespace:
        errs.append(errors.required(f"{path}.namespace", "must specify namespace for service account"))
    else:
        errs += [validation.invalid(f"{path}.namespace", namespace, m) for m in validation.is_dns1123_label(namespace)]
    return errs


def _verbs_errors(verbs: list[Any], path: str) -> list[Cause]:
    if not verbs:
        return [errors.required(path, "verbs must contain at least one value")]
    if "*" in verbs:
        return [invalid_slice(path, verbs, "if '*' is present, must not specify other verbs")] if len(verbs) > 1 else []
    if not set(verbs) <= set(VERBS):
        return [errors.field_error("FieldValueNotSupported", path, f"Unsupported value: {go_slice(verbs)}: supported values: "
                                   + ", ".join(f'"{v}"' for v in VERBS))]
    return []


def _listed_errors(values: list[Any], path: str, required: str, what: str) -> list[Cause]:
    if not values:
        return [errors.required(path, required)]
    if len(values) > 1 and "*" in values:
        return [invalid_slice(path, values, f"if '*' is present, must not specify other {what}")]
    return []


def _resource_rule_errors(rule: Obj, path: str) -> list[Cause]:
    errs = _verbs_errors(as_list(rule.get("verbs")), f"{path}.verbs")
    errs += _listed_errors(as_list(rule.get("apiGroups")), f"{path}.apiGroups",
                           "resource rules must supply at least one api group", "api groups")
    errs += _listed_errors(as_list(rule.get("resources")), f"{path}.resources",
                           "resource rules must supply at least one resource", "resources")
    namespaces = as_list(rule.get("namespaces"))
    if not namespaces and not rule.get("clusterScope"):
        errs.append(errors.required(f"{path}.namespaces", "resource rules that are not cluster scoped must supply at least one namespace"))
    elif "*" in namespaces:
        if len(namespaces) > 1:
            errs.append(invalid_slice(f"{path}.namespaces", namespaces, "if '*' is present, must not specify other namespaces"))
    else:
        for i, namespace in enumerate(namespaces):
            errs += [validation.invalid(f"{path}.namespaces[{i}]", namespace, NAMESPACE_ERROR_INTRO + m)
                     for m in validation.is_dns1123_label(str(namespace))]
    return errs


def non_resource_url_error(url: str, path: str) -> list[Cause]:
    """ValidateNonResourceURLPath: absolute, no spaces or "//", "*" only as a suffix glob."""
    if not url:
        return [validation.invalid(path, url, "must not be empty")]
    if url == "/":
        return []
    for bad, detail in ((not url.startswith("/"), "must start with slash"), (" " in url, "must not contain white-space"),
                        ("//" in url, "must not contain double slash")):
        if bad:
            return [validation.invalid(path, url, detail)]
    wildcards = url.count("*")
    if wildcards > 1 or (wildcards == 1 and url[-2:] != "/*"):
        return [validation.invalid(path, url, "wildcard can only do suffix matching")]
    return []


def _non_resource_rule_errors(rule: Obj, path: str) -> list[Cause]:
    errs = _verbs_errors(as_list(rule.get("verbs")), f"{path}.verbs")
    urls = as_list(rule.get("nonResourceURLs"))
    errs += _listed_errors(urls, f"{path}.nonResourceURLs", "nonResourceURLs must contain at least one value", "non-resource URLs")
    if urls and "*" not in urls:
        for i, url in enumerate(urls):
            errs += non_resource_url_error(str(url), f"{path}.nonResourceURLs[{i}]")
    return errs


def _policy_rules_errors(rule: Obj, path: str) -> list[Cause]:
    subjects = as_list(rule.get("subjects"))
    errs: list[Cause] = [] if subjects else [errors.required(f"{path}.subjects", "subjects must contain at least one value")]
    for i, subject in enumerate(subjects):
        errs += _subject_errors(as_dict(subject), f"{path}.subjects[{i}]")
    resource_rules, non_resource_rules = as_list(rule.get("resourceRules")), as_list(rule.get("nonResourceRules"))
    if not resource_rules and not non_resource_rules:
        errs.append(errors.required(path, "at least one of resourceRules and nonResourceRules has to be non-empty"))
    for i, item in enumerate(resource_rules):
        errs += _resource_rule_errors(as_dict(item), f"{path}.resourceRules[{i}]")
    for i, item in enumerate(non_resource_rules):
        errs += _non_resource_rule_errors(as_dict(item), f"{path}.nonResourceRules[{i}]")
    return errs


def validate_flow_schema_spec(name: str, spec: Obj) -> list[Cause]:
    errs: list[Cause] = []
    precedence = spec.get("matchingPrecedence", 0)
    if is_int(precedence):
        if precedence <= 0:
            errs.append(errors.invalid_value("spec.matchingPrecedence", precedence, "must be a positive value"))
        if precedence > MAX_MATCHING_PRECEDENCE:
            errs.append(errors.invalid_value("spec.matchingPrecedence", precedence, f"must not be greater than {MAX_MATCHING_PRECEDENCE}"))
        if precedence == 1 and name != "exempt":
            errs.append(errors.invalid_value("spec.matchingPrecedence", precedence, "only the schema named 'exempt' may have matchingPrecedence 1"))
    method = spec.get("distinguisherMethod")
    if isinstance(method, dict) and method.get("type") not in DISTINGUISHER_METHODS:
        shown = f"flowcontrol.FlowDistinguisherMethod{{Type:{validation.go_quote(str(method.get('type') or ''))}}}"
        errs.append(errors.field_error("FieldValueNotSupported", "spec.distinguisherMethod.type", f"Unsupported value: {shown}: "
                                       "supported values: " + ", ".join(f'"{m}"' for m in DISTINGUISHER_METHODS)))
    level = as_dict(spec.get("priorityLevelConfiguration")).get("name") or ""
    if level:
        errs += [validation.invalid("spec.priorityLevelConfiguration.name", level, m) for m in validation.name_is_dns_subdomain(level, False)]
    else:
        errs.append(errors.required("spec.priorityLevelConfiguration.name", "must reference a priority level"))
    for i, rule in enumerate(as_list(spec.get("rules"))):
        errs += _policy_rules_errors(as_dict(rule), f"spec.rules[{i}]")
    return errs


def conditions_errors(conditions: list[Any]) -> list[Cause]:
    """The status conditions of both kinds: typed, each type once."""
    errs: list[Cause] = []
    seen: set[str] = set()
    for i, condition in enumerate(conditions):
        kind = as_dict(condition).get("type") or ""
        if kind in seen:
            errs.append(errors.duplicate(f"status.conditions[{i}].type", kind))
        seen.add(kind)
        if not kind:
            errs.append(errors.required(f"status.conditions[{i}].type", "must not be empty"))
    return errs


class _FlowControlStrategy(GenerationStrategy):
    """Both kinds start with an empty status and count spec changes in metadata.generation."""

    group = GROUP
    namespaced = False
    has_status = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def spec_errors(self, name: str, spec: Obj) -> list[Cause]:
        raise NotImplementedError

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj) + self.spec_errors(obj["metadata"].get("name") or "", as_dict(obj.get("spec")))
        return errs + conditions_errors(as_list(as_dict(obj.get("status")).get("conditions")))

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return super().validate_status_update(obj, old) + conditions_errors(as_list(as_dict(obj.get("status")).get("conditions")))


class FlowSchemaStrategy(_FlowControlStrategy):
    kind = "FlowSchema"
    resource = "flowschemas"

    def default(self, obj: Obj) -> None:
        spec = obj.get("spec")
        if isinstance(spec, dict) and not spec.get("matchingPrecedence"):
            spec["matchingPrecedence"] = DEFAULT_MATCHING_PRECEDENCE

    def spec_errors(self, name: str, spec: Obj) -> list[Cause]:
        return validate_flow_schema_spec(name, spec)

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("PriorityLevel", description="`name` is the name of the priority level configuration being referenced Required."),
            TableColumn("MatchingPrecedence", description="`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.  Each MatchingPrecedence value must be ranged in [1,10000]. Note that if the precedence is not specified, it will be set to 1000 as default."),
            TableColumn("DistinguisherMethod", description="`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string."),
            AGE_COLUMN,
            TableColumn("MissingPL", description="references a broken or non-existent PriorityLevelConfiguration"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = as_dict(obj.get("spec"))
        method = spec.get("distinguisherMethod")
        # "?" until the configuration controller reports whether the level exists
        missing = next((str(c.get("status")) for c in as_list(as_dict(obj.get("status")).get("conditions"))
                        if as_dict(c).get("type") == "Dangling"), "?")
        return [obj["metadata"].get("name", ""), as_dict(spec.get("priorityLevelConfiguration")).get("name", ""),
                spec.get("matchingPrecedence", 0), as_dict(method).get("type", "") if isinstance(method, dict) else "<none>",
                age(obj["metadata"].get("creationTimestamp")), missing]


# --- PriorityLevelConfiguration


def default_priority_level(spec: Obj) -> None:
    """SetDefaults_{Exempt,Limited}PriorityLevelConfiguration and SetDefaults_QueuingConfiguration."""
    exempt = spec.get("exempt")
    if isinstance(exempt, dict):
        for key in ("nominalConcurrencyShares", "lendablePercent"):
            exempt.setdefault(key, 0)
    limited = spec.get("limited")
    if not isinstance(limited, dict):
        return
    if limited.get("nominalConcurrencyShares") is None:
        limited["nominalConcurrencyShares"] = DEFAULT_NOMINAL_CONCURRENCY_SHARES
    if limited.get("lendablePercent") is None:
        limited["lendablePercent"] = 0
    queuing = as_dict(limited.get("limitResponse")).get("queuing")
    if isinstance(queuing, dict):
        for key, value in (("handSize", DEFAULT_HAND_SIZE), ("queues", DEFAULT_QUEUES),
                           ("queueLengthLimit", DEFAULT_QUEUE_LENGTH_LIMIT)):
            if not queuing.get(key):
                queuing[key] = value


def required_entropy_bits(deck: int, hand: int) -> int:
    """shufflesharding.RequiredEntropyBits: ceil(log2(deck**hand)), in integers."""
    return (deck ** hand - 1).bit_length() if deck > 1 else 0


def _queuing_errors(queuing: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    limit, queues, hand = queuing.get("queueLengthLimit", 0), queuing.get("queues", 0), queuing.get("handSize", 0)
    if is_int(limit) and limit <= 0:
        errs.append(errors.invalid_value(f"{path}.queueLengthLimit", limit, "must be positive"))
    if is_int(queues) and queues <= 0:
        errs.append(errors.invalid_value(f"{path}.queues", queues, "must be positive"))
    elif is_int(queues) and queues > MAX_QUEUES:
        errs.append(errors.invalid_value(f"{path}.queues", queues, f"must not be greater than {MAX_QUEUES}"))
    if not (is_int(hand) and is_int(queues)):
        return errs
    if hand <= 0:
        errs.append(errors.invalid_value(f"{path}.handSize", hand, "must be positive"))
    elif hand > queues:
        errs.append(errors.invalid_value(f"{path}.handSize", hand, f"should not be greater than queues ({queues})"))
    elif required_entropy_bits(queues, hand) > MAX_HASH_BITS:
        errs.append(errors.invalid_value(f"{path}.handSize", hand, f"required entropy bits of deckSize {queues} and handSize "
                                         f"{hand} should not be greater than {MAX_HASH_BITS}"))
    return errs


def _limit_response_errors(response: Obj, path: str) -> list[Cause]:
    kind, queuing = response.get("type") or "", response.get("queuing")
    if kind == "Reject":
        return [errors.forbidden_field(f"{path}.queuing", "must be nil if limited.limitResponse.type is not Limited")] \
            if queuing is not None else []
    if kind == "Queue":
        if not isinstance(queuing, dict):
            return [errors.required(f"{path}.queuing", "must not be empty if limited.limitResponse.type is Limited")]
        return _queuing_errors(queuing, f"{path}.queuing")
    return [errors.not_supported(f"{path}.type", kind, LIMIT_RESPONSE_TYPES)]


def _limited_errors(limited: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    shares = limited.get("nominalConcurrencyShares")
    if is_int(shares) and shares < 0:
        errs.append(errors.invalid_value(f"{path}.nominalConcurrencyShares", shares, "must be a non-negative integer"))
    lendable = limited.get("lendablePercent")
    if is_int(lendable) and not 0 <= lendable <= 100:
        errs.append(errors.invalid_value(f"{path}.lendablePercent", lendable, "must be between 0 and 100, inclusive"))
    borrowing = limited.get("borrowingLimitPercent")
    if is_int(borrowing) and borrowing < 0:
        errs.append(errors.invalid_value(f"{path}.borrowingLimitPercent", borrowing, "if specified, must be a non-negative integer"))
    return errs + _limit_response_errors(as_dict(limited.get("limitResponse")), f"{path}.limitResponse")


def _exempt_errors(exempt: Obj, path: str) -> list[Cause]:
    errs: list[Cause] = []
    shares, lendable = exempt.get("nominalConcurrencyShares"), exempt.get("lendablePercent")
    if is_int(shares) and shares < 0:
        errs.append(errors.invalid_value(f"{path}.nominalConcurrencyShares", shares, "must be a non-negative integer"))
    if is_int(lendable) and not 0 <= lendable <= 100:
        errs.append(errors.invalid_value(f"{path}.lendablePercent", lendable, "must be between 0 and 100, inclusive"))
    return errs


def validate_priority_level_spec(name: str, spec: Obj) -> list[Cause]:
    kind = spec.get("type") or ""
    errs: list[Cause] = []
    if (name == "exempt") != (kind == "Exempt"):
        errs.append(validation.invalid("spec.type", kind, "type must be 'Exempt' if and only if name is 'exempt'"))
    if kind == "Exempt":
        if spec.get("limited") is not None:
            errs.append(errors.forbidden_field("spec.limited", "must be nil if the type is not Limited"))
        if isinstance(spec.get("exempt"), dict):
            errs += _exempt_errors(spec["exempt"], "spec.exempt")
    elif kind == "Limited":
        if spec.get("exempt") is not None:
            errs.append(errors.forbidden_field("spec.exempt", "must be nil if the type is Limited"))
        if not isinstance(spec.get("limited"), dict):
            errs.append(errors.required("spec.limited", "must not be empty when type is Limited"))
        else:
            errs += _limited_errors(spec["limited"], "spec.limited")
    else:
        errs.append(errors.not_supported("spec.type", kind, PRIORITY_LEVEL_TYPES))
    return errs


class PriorityLevelConfigurationStrategy(_FlowControlStrategy):
    kind = "PriorityLevelConfiguration"
    resource = "prioritylevelconfigurations"

    def default(self, obj: Obj) -> None:
        if isinstance(obj.get("spec"), dict):
            default_priority_level(obj["spec"])

    def spec_errors(self, name: str, spec: Obj) -> list[Cause]:
        return validate_priority_level_spec(name, spec)

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Type", description="`type` indicates whether this priority level is subject to limitation on request execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server's limited capacity is made available exclusively to this priority level. Required."),
            TableColumn("NominalConcurrencyShares", description="`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
            TableColumn("Queues", description="`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64."),
            TableColumn("HandSize", description="`handSize` is a small positive number that configures the shuffle sharding of requests into queues."),
            TableColumn("QueueLengthLimit", description="`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50."),
            AGE_COLUMN,
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec = as_dict(obj.get("spec"))
        shares: Any = "<none>"
        queues: Any = "<none>"
        hand: Any = "<none>"
        limit: Any = "<none>"
        limited = spec.get("limited")
        if isinstance(limited, dict):
            shares = limited.get("nominalConcurrencyShares", 0)
            queuing = as_dict(limited.get("limitResponse")).get("queuing")
            if isinstance(queuing, dict):
                queues, hand, limit = queuing.get("queues", 0), queuing.get("handSize", 0), queuing.get("queueLengthLimit", 0)
        return [obj["metadata"].get("name", ""), spec.get("type", ""), shares, queues, hand, limit,
                age(obj["metadata"].get("creationTimestamp"))]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "FlowSchema"): FlowSchemaStrategy,
    (GROUP, "PriorityLevelConfiguration"): PriorityLevelConfigurationStrategy,
}
