"""rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding —
upstream's defaults (subject and roleRef apiGroups), validation and printing."""

from __future__ import annotations

from typing import Any

from kubelite.apis.generic import as_dict, as_list, invalid_shown, invalid_slice, path_segment_name_errors
from kubelite.endpoints.table import age
from kubelite.machinery import errors, validation
from kubelite.machinery.labels import selector_from_label_selector
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

GROUP = "rbac.authorization.k8s.io"
SUBJECT_KINDS = ["ServiceAccount", "User", "Group"]

def rbac_name(name: str, prefix: bool) -> list[str]:
    """ValidateRBACName: RBAC objects may have any name that fits in a path segment."""
    return path_segment_name_errors(name)


# --- defaults

def default_subjects(obj: Obj) -> None:
    """SetDefaults_Subject. A ServiceAccount's apiGroup is "", which (omitempty) is not printed."""
    for subject in obj.get("subjects") or []:
        if isinstance(subject, dict) and not subject.get("apiGroup"):
            subject.pop("apiGroup", None)
            if subject.get("kind") in ("User", "Group"):
                subject["apiGroup"] = GROUP


def default_binding(obj: Obj) -> None:
    ref = obj.get("roleRef")
    if isinstance(ref, dict) and not ref.get("apiGroup"):
        ref["apiGroup"] = GROUP
    default_subjects(obj)


# --- validation (upstream's pkg/apis/rbac/validation)

def validate_policy_rule(rule: Any, namespaced: bool, path: str) -> list[Cause]:
    rule = rule if isinstance(rule, dict) else {}
    errs: list[Cause] = []
    if not rule.get("verbs"):
        errs.append(errors.required(f"{path}.verbs", "verbs must contain at least one value"))
    urls = rule.get("nonResourceURLs") or []
    if urls:
        if namespaced:
            errs.append(invalid_slice(f"{path}.nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"))
        if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
            errs.append(invalid_slice(f"{path}.nonResourceURLs", urls,
                                      "rules cannot apply to both regular resources and non-resource URLs"))
        return errs
    if not rule.get("apiGroups"):
        errs.append(errors.required(f"{path}.apiGroups", "resource rules must supply at least one api group"))
    if not rule.get("resources"):
        errs.append(errors.required(f"{path}.resources", "resource rules must supply at least one resource"))
    return errs


def validate_subject(subject: Any, namespaced: bool, path: str) -> list[Cause]:
    subject = subject if isinstance(subject, dict) else {}
    errs: list[Cause] = []
    name = subject.get("name") or ""
    if not name:
        errs.append(errors.required(f"{path}.name", ""))
    kind = subject.get("kind") or ""
    api_group = subject.get("apiGroup") or ""
    if kind == "ServiceAccount":
        if name:
            errs += [validation.invalid(f"{path}.name", name, m) for m in validation.name_is_dns_subdomain(name, False)]
        if api_group:
            errs.append(errors.not_supported(f"{path}.apiGroup", api_group, [""]))
        if not namespaced and not subject.get("namespace"):
            errs.append(errors.required(f"{path}.namespace", ""))
    elif kind in ("User", "Group"):
        if api_group != GROUP:
            errs.append(errors.not_supported(f"{path}.apiGroup", api_group, [GROUP]))
    else:
        errs.append(errors.not_supported(f"{path}.kind", kind, SUBJECT_KINDS))
    return errs


def validate_role_ref(ref: Any, kinds: list[str]) -> list[Cause]:
    ref = ref if isinstance(ref, dict) else {}
    errs: list[Cause] = []
    if ref.get("apiGroup", "") != GROUP:
        errs.append(errors.not_supported("roleRef.apiGroup", ref.get("apiGroup", ""), [GROUP]))
    if ref.get("kind") not in kinds:
        errs.append(errors.not_supported("roleRef.kind", ref.get("kind", ""), kinds))
    name = ref.get("name") or ""
    if not name:
        errs.append(errors.required("roleRef.name", ""))
    else:
        errs += [validation.invalid("roleRef.name", name, m) for m in path_segment_name_errors(name)]
    return errs


def go_role_ref(ref: Any) -> str:
    """A RoleRef as Go's %#v shows it in field errors (upstream reports struct values so)."""
    ref = as_dict(ref)
    fields = ", ".join(f'{go}:{validation.go_quote(str(ref.get(key) or ""))}'
                       for go, key in (("APIGroup", "apiGroup"), ("Kind", "kind"), ("Name", "name")))
    return f"rbac.RoleRef{{{fields}}}"


def aggregated_rules(role: Obj, cluster_roles: list[Obj]) -> list[Obj] | None:
    """The rules upstream's clusterrole-aggregation controller gives an aggregated ClusterRole:
    the rules of every other ClusterRole its selectors match, by name, each rule once. None
    (upstream's nil, which prints as null) when nothing matches."""
    rules: list[Obj] = []
    name = role["metadata"].get("name")
    by_name = sorted(cluster_roles, key=lambda r: r["metadata"].get("name", ""))
    for selector in as_list(as_dict(role.get("aggregationRule")).get("clusterRoleSelectors")):
        matches = selector_from_label_selector(selector).matches
        for other in by_name:
            if other["metadata"].get("name") == name or not matches(other["metadata"].get("labels")):
                continue
            rules += [r for r in as_list(other.get("rules")) if r not in rules]
    return rules or None


def subjects_strings(subjects: list[Any]) -> tuple[list[str], list[str], list[str]]:
    """Users, groups and service accounts ("namespace/name") of a binding, as upstream prints them."""
    users: list[str] = []
    groups: list[str] = []
    sas: list[str] = []
    for s in subjects:
        if not isinstance(s, dict):
            continue
        kind, name = s.get("kind"), s.get("name", "")
        if kind == "ServiceAccount":
            sas.append(f"{s['namespace']}/{name}" if s.get("namespace") else name)
        elif kind == "User":
            users.append(name)
        elif kind == "Group":
            groups.append(name)
    return users, groups, sas


CREATED_AT_COLUMN = TableColumn(
    "Created At", "date", "",
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
)


class _RBACStrategy(Strategy):
    group = GROUP

    @property
    def name_validator(self) -> Any:
        return rbac_name


class _RoleStrategy(_RBACStrategy):
    """Roles print with upstream's default table: name and creation time."""

    def default(self, obj: Obj) -> None:
        # rules has no omitempty upstream: a role without rules prints "rules": null
        obj.setdefault("rules", None)

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        for i, rule in enumerate(obj.get("rules") or []):
            errs += validate_policy_rule(rule, self.namespaced, f"rules[{i}]")
        return errs

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, CREATED_AT_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        meta = obj["metadata"]
        return [meta.get("name", ""), meta.get("creationTimestamp")]


class RoleStrategy(_RoleStrategy):
    kind = "Role"
    resource = "roles"


class ClusterRoleStrategy(_RoleStrategy):
    kind = "ClusterRole"
    resource = "clusterroles"
    namespaced = False

    def attach(self, store: Any, options: Any) -> None:
        self._store = store
        store.admission.append(self._aggregate)

    async def _aggregate(self, operation: str, obj: Obj | None, old: Obj | None, opts: Any) -> None:
        """What upstream's clusterrole-aggregation controller does right after an aggregated
        ClusterRole is written: its rules become those of the ClusterRoles it selects. (The
        controller also follows later changes of the selected roles; kubelite does not.)"""
        if obj is None or not isinstance(obj.get("aggregationRule"), dict) or self.validate(obj):
            return
        page = await self._store.list("")
        rules = aggregated_rules(obj, page.items)
        if rules or obj.get("rules"):  # upstream leaves an empty list be (null and [] are equal to it)
            obj["rules"] = rules

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj)
        rule = obj.get("aggregationRule")
        if isinstance(rule, dict):
            selectors = rule.get("clusterRoleSelectors") or []
            path = "aggregationRule.clusterRoleSelectors"
            if not selectors:
                errs.append(errors.required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"))
            for i, selector in enumerate(selectors):
                sel_errs = validation.validate_label_selector(selector, f"{path}[{i}]")
                errs += sel_errs
                if not sel_errs:
                    try:
                        selector_from_label_selector(selector)
                    except errors.StatusError:
                        errs.append(errors.invalid_value(f"{path}[{i}]", selector, "invalid label selector."))
        return errs


class _BindingStrategy(_RBACStrategy):
    role_kinds: list[str] = ["Role", "ClusterRole"]

    def default(self, obj: Obj) -> None:
        default_binding(obj)

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj) + validate_role_ref(obj.get("roleRef"), self.role_kinds)
        for i, subject in enumerate(obj.get("subjects") or []):
            errs += validate_subject(subject, self.namespaced, f"subjects[{i}]")
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = super().validate_update(obj, old)
        if obj.get("roleRef") != old.get("roleRef"):
            errs.append(invalid_shown("roleRef", go_role_ref(obj.get("roleRef")), "cannot change roleRef"))
        return errs

    def table_columns(self) -> list[TableColumn]:
        noun = "roleBinding" if self.namespaced else "clusterRoleBinding"
        return [
            NAME_COLUMN,
            TableColumn("Role", description="RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error."),
            AGE_COLUMN,
            TableColumn("Users", priority=1, description=f"Users in the {noun}"),
            TableColumn("Groups", priority=1, description=f"Groups in the {noun}"),
            TableColumn("ServiceAccounts", priority=1, description=f"ServiceAccounts in the {noun}"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        ref = obj.get("roleRef") or {}
        users, groups, sas = subjects_strings(obj.get("subjects") or [])
        return [
            obj["metadata"].get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}",
            age(obj["metadata"].get("creationTimestamp")), ", ".join(users), ", ".join(groups), ", ".join(sas),
        ]


class RoleBindingStrategy(_BindingStrategy):
    kind = "RoleBinding"
    resource = "rolebindings"


class ClusterRoleBindingStrategy(_BindingStrategy):
    kind = "ClusterRoleBinding"
    resource = "clusterrolebindings"
    namespaced = False
    role_kinds = ["ClusterRole"]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    (GROUP, "Role"): RoleStrategy,
    (GROUP, "ClusterRole"): ClusterRoleStrategy,
    (GROUP, "RoleBinding"): RoleBindingStrategy,
    (GROUP, "ClusterRoleBinding"): ClusterRoleBindingStrategy,
}
