"""Per-kind behaviour plugged into the generic store (upstream's RESTCreateStrategy,
RESTUpdateStrategy, RESTDeleteStrategy and TableConvertor, in one class).

A kind overrides only what differs; the defaults are upstream's generic behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubelite.machinery import validation

Obj = dict[str, Any]
Cause = dict[str, str]


@dataclass(frozen=True)
class TableColumn:
    name: str
    type: str = "string"
    format: str = ""
    description: str = ""
    priority: int = 0  # 1 = shown only with -o wide


# The column every table has, as upstream's default table convertor.
NAME_COLUMN = TableColumn("Name", "string", "name", "Name must be unique within a namespace.")
AGE_COLUMN = TableColumn("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.")


class Strategy:
    """Generic behaviour; subclass per kind."""

    group: str = ""
    kind: str = ""
    resource: str = ""
    namespaced: bool = True
    allow_create_on_update: bool = False
    has_status: bool = False  # a status subresource exists: the main resource ignores status
    # Only spec changes bump generation for kinds with spec/status; others bump on any change.
    spec_generation: bool = False
    # Field selectors beyond metadata.name / metadata.namespace.
    extra_fields: tuple[str, ...] = ()
    # DELETE answers with the deleted object rather than a Status.
    return_deleted_object: bool = False
    # A create-only kind answered without storage (TokenReview, SubjectAccessReview, ...).
    virtual: bool = False

    def attach(self, store: Any, options: Any) -> None:
        """Called once the kind's store exists, with the server options (e.g. for allocators)."""

    async def review(self, obj: Obj, user: Any, services: dict[str, Any]) -> Obj:
        """For a virtual kind: the answer to a create (services: authenticator, authorizer)."""
        raise NotImplementedError

    async def create_subresource(
        self, store: Any, namespace: str, name: str, subresource: str, body: Obj, opts: Any
    ) -> tuple[int, Obj]:
        """POST to a subresource (pods/binding, pods/eviction, serviceaccounts/token):
        returns (HTTP status, response object). Unsupported by default."""
        from kubelite.machinery import errors

        raise errors.method_not_supported(self.group, f"{self.resource}/{subresource}", "create")

    # --- create
    def prepare_for_create(self, obj: Obj) -> None:
        if self.has_status:
            obj.pop("status", None)
            self.initial_status(obj)
        if self.spec_generation:
            obj["metadata"]["generation"] = 1

    def initial_status(self, obj: Obj) -> None:
        """Status a new object starts with (e.g. a Pod is Pending)."""

    def default(self, obj: Obj) -> None:
        """Upstream's defaulting functions for this kind."""

    def validate(self, obj: Obj) -> list[Cause]:
        return validation.validate_object_meta(
            obj.get("metadata", {}), self.namespaced, self.name_validator
        )

    @property
    def name_validator(self) -> Callable[[str, bool], list[str]]:
        return validation.name_is_dns_subdomain

    def canonicalize(self, obj: Obj) -> None:
        """Normalize equivalent representations before storing."""

    # A deprecated resource's warning, sent with every request for it (as upstream's
    # handlers do for deprecated APIs): "v1 Endpoints is deprecated in v1.33+; ...".
    deprecation_warning = ""

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        return []

    def delete_warnings(self, propagation_policy: str | None) -> list[str]:
        """Warnings for a delete or deletecollection with this propagationPolicy (None:
        the client left it to the kind's default)."""
        return []

    # --- update
    def prepare_for_update(self, obj: Obj, old: Obj) -> None:
        if self.has_status:
            if "status" in old:
                obj["status"] = old["status"]
            else:
                obj.pop("status", None)
        if self.spec_generation:
            generation = old["metadata"].get("generation", 1)
            if obj.get("spec") != old.get("spec"):
                generation += 1
            obj["metadata"]["generation"] = generation

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + self.validate(obj)

    # --- delete
    def hold_deletion(self, obj: Obj) -> bool:
        """Mark obj as being deleted instead of removing it (upstream's graceful deletion,
        e.g. a namespace whose spec.finalizers are not done). May change obj."""
        return False

    # --- subresources
    def prepare_for_subresource_update(self, subresource: str, obj: Obj, old: Obj) -> None:
        """An update through a subresource changes only what that subresource owns."""
        self.prepare_for_status_update(obj, old)

    def prepare_for_status_update(self, obj: Obj, old: Obj) -> None:
        """The status endpoint changes status only (and metadata that any update may change)."""
        status = obj.get("status")
        obj.clear()
        obj.update({k: v for k, v in old.items() if k != "metadata"})
        obj["metadata"] = dict(old["metadata"])
        if status is not None:
            obj["status"] = status
        else:
            obj.pop("status", None)

    def validate_status_update(self, obj: Obj, old: Obj) -> list[Cause]:
        return validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))

    # --- reads
    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        meta = obj.get("metadata", {})
        fields = {"metadata.name": meta.get("name", "")}
        if self.namespaced:
            fields["metadata.namespace"] = meta.get("namespace", "")
        return fields

    def supported_fields(self) -> set[str]:
        fields = {"metadata.name"}
        if self.namespaced:
            fields.add("metadata.namespace")
        return fields | set(self.extra_fields)

    def table_columns(self) -> list[TableColumn]:
        return [NAME_COLUMN, AGE_COLUMN]

    def table_row(self, obj: Obj) -> list[Any]:
        from kubelite.endpoints.table import age

        return [obj["metadata"].get("name", ""), age(obj["metadata"].get("creationTimestamp"))]
