"""The verb handlers (upstream's `endpoints/handlers`): decode the request, convert to
the storage version, call the store, convert back and encode the response."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from kubelite.endpoints import negotiation
from kubelite.endpoints.table import partial_metadata, partial_metadata_list, table
from kubelite.endpoints.watch import serve_watch
from kubelite.http import Request, Response
from kubelite.machinery import errors, fields, labels, patch, strategic
from kubelite.machinery.errors import StatusError, bad_request
from kubelite.machinery.gvk import APIResource
from kubelite.machinery.scheme import Scheme
from kubelite.registry.store import DeleteOptions, Store, WriteOptions
from kubelite.schema.structural import SchemaSet, TypeMismatch
from kubelite.storage.interface import Obj, Preconditions

_PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply",
}


# Subresources served by a kubelet or the node network upstream.
_KUBELET_SUBRESOURCES = frozenset({"log", "exec", "attach", "portforward", "proxy"})


@dataclass
class ServedResource:
    """One resource in one served group/version, bound to its store."""

    api: APIResource
    store: Store
    scheme: Scheme
    schemas: SchemaSet
    stopping: asyncio.Event  # set on shutdown: open watches end
    services: dict[str, Any] = field(default_factory=dict)  # authenticator, authorizer for reviews

    @property
    def strategy(self) -> Any:
        return self.store.strategy


def _write_options(request: Request) -> WriteOptions:
    dry = request.query.get("dryRun", [])
    for value in dry:
        if value != "All":
            raise errors.invalid("meta.k8s.io", "CreateOptions", "", [errors.not_supported("dryRun", value, ["All"])])
    manager = request.param("fieldManager")
    if not manager:
        agent = request.headers.get("user-agent", "")
        manager = agent.split("/", 1)[0] if agent else "unknown"
    elif len(manager) > 128:
        raise errors.invalid("", "", "", [errors.too_long("fieldManager", 128)])
    return WriteOptions(dry_run=bool(dry), field_manager=manager, user=request.user)


def _field_validation(request: Request) -> str:
    value = request.param("fieldValidation", "Warn") or "Warn"
    if value not in ("Strict", "Warn", "Ignore"):
        raise errors.invalid("meta.k8s.io", "CreateOptions", "", [errors.not_supported("fieldValidation", value, ["Ignore", "Strict", "Warn"])])
    return value


# Lists longer than this are encoded and sent in pieces: the client receives while the
# server encodes, and other requests are served in between instead of waiting for one
# long encode (10,000 Pods are ~36 MB of JSON).
_STREAM_LIST_ITEMS = 1000
_STREAM_LIST_CHUNK = 500


async def _streamed_list(head: Obj, items: list[Obj], out: Callable[[Obj], Obj]) -> AsyncIterator[bytes]:
    # The items are the watch cache's snapshot: shared, never changed in place, so they
    # can be encoded after the handler has returned.
    yield orjson.dumps(head)[:-1] + b',"items":['
    for start in range(0, len(items), _STREAM_LIST_CHUNK):
        chunk = orjson.dumps([out(item) for item in items[start:start + _STREAM_LIST_CHUNK]])[1:-1]
        yield b"," + chunk if start else chunk
    yield b"]}"


def _proxy_target_name(target: str, kind: str) -> str:
    """The object's name in a proxy target `[scheme:]name[:port]` (upstream's SplitSchemeNamePort)."""
    parts = target.split(":")
    if len(parts) == 3 and parts[0] in ("", "http", "https"):
        name = parts[1]
    elif len(parts) <= 2:
        name = parts[0]
    else:
        name = ""
    if not name:
        raise bad_request(f"invalid {kind} request {target!r}".replace("'", '"'))
    return name


class ResourceHandlers:
    """The handlers of one served resource; `dispatch` routes a parsed request to a verb."""

    def __init__(self, served: ServedResource) -> None:
        self.served = served
        self.api = served.api
        self.store = served.store
        self.strategy = served.store.strategy

    async def dispatch(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        if self.strategy.deprecation_warning:
            request.warnings.append(self.strategy.deprecation_warning)
        sub = info.subresource
        verb = info.verb
        if sub and sub not in self.api.subresources:
            raise errors.not_found(self.api.group, self.api.resource, info.name)
        if sub in _KUBELET_SUBRESOURCES:
            return await self._kubelet_subresource(request)
        # Upstream registers a route per verb the resource has: other methods find none.
        if not info.name and verb in ("update", "patch"):
            raise errors.method_not_allowed()
        if not sub and verb not in self.api.verbs and not (verb == "watch" and "watch" in self.api.verbs):
            raise errors.method_not_allowed()
        if verb == "get":
            return await self.get(request)
        if verb == "list":
            return await self.list(request)
        if verb == "watch":
            return await self.watch(request)
        if verb == "create":
            if info.name and not sub:
                raise errors.method_not_allowed()
            return await self.create(request)
        if verb == "update":
            return await self.update(request)
        if verb == "patch":
            return await self.patch(request)
        if verb == "delete":
            return await self.delete(request)
        if verb == "deletecollection":
            return await self.delete_collection(request)
        raise errors.method_not_supported(self.api.group, self.api.resource, verb)

    async def _kubelet_subresource(self, request: Request) -> Response:
        """Logs, exec, attach, port-forward and proxy need a kubelet (or the pod's network);
        kubelite runs none, so it answers as upstream does for a pod no node has taken."""
        info = request.info
        assert info is not None
        name = info.name
        if info.subresource == "proxy":
            name = _proxy_target_name(name, self.api.kind.lower())
        obj = await self.store.get(self._namespace(request), name)
        if self.api.resource == "pods" and not obj.get("spec", {}).get("nodeName"):
            raise bad_request(f"pod {name} does not have a host assigned")
        raise StatusError(
            503, "ServiceUnavailable",
            f"{self.api.resource}/{info.subresource} is not available: kubelite runs no kubelet or node network",
        )

    # --- helpers
    def _namespace(self, request: Request) -> str:
        info = request.info
        assert info is not None
        if not self.api.namespaced:
            return ""
        return info.namespace

    def _out(self, obj: Obj) -> Obj:
        return self.served.scheme.from_hub(obj, self.api)

    def _respond(self, request: Request, obj: Obj, status: int = 200) -> Response:
        media = negotiation.negotiate(request.headers.get("accept"))
        if media.as_kind == "Table":
            body: Obj = table(self.strategy, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                              request.param("includeObject", "Metadata"), version=media.as_version)
            if request.param("includeObject") == "Object":
                body["rows"][0]["object"] = self._out(obj)
        elif media.as_kind == "PartialObjectMetadata":
            body = partial_metadata(obj, media.as_version)
        elif media.as_kind:
            raise errors.not_acceptable("only the following media types are accepted: application/json, application/yaml")
        else:
            body = self._out(obj)
        return Response(status, negotiation.encode(body, media), media.content_type)

    def _predicate(self, request: Request) -> tuple[labels.Selector | None, fields.Selector | None, Callable[[Obj], bool] | None]:
        label_sel = labels.parse(request.param("labelSelector")) if request.param("labelSelector") else None
        field_sel = fields.parse(request.param("fieldSelector")) if request.param("fieldSelector") else None
        if field_sel is not None:
            field_sel = fields.check_supported(field_sel, self.strategy.supported_fields(), self.api.resource, self.api.api_version)
        if label_sel is None and field_sel is None:
            return None, None, None
        strategy = self.strategy

        def predicate(obj: Obj) -> bool:
            if label_sel is not None and not label_sel.matches(obj.get("metadata", {}).get("labels")):
                return False
            return field_sel is None or field_sel.matches(strategy.selectable_fields(obj))

        return label_sel, field_sel, predicate

    async def _decode(self, request: Request) -> Obj:
        body = await request.body()
        obj = negotiation.decode_body(body, request.headers.get("content-type"))
        if not isinstance(obj, dict):
            raise bad_request(f"Object 'Kind' is missing in '{body[:200].decode(errors='replace')}'")
        return obj

    def _check_type(self, obj: Obj) -> None:
        """Missing apiVersion/kind default to the endpoint's, as upstream's decoder does;
        a different one is refused."""
        api_version = obj.setdefault("apiVersion", self.api.api_version)
        kind = obj.setdefault("kind", self.api.kind)
        if api_version != self.api.api_version:
            raise bad_request(
                f"the API version in the data ({api_version}) does not match the expected API version ({self.api.api_version})"
            )
        if kind != self.api.kind:
            raise bad_request(f"the kind in the data ({kind}) does not match the expected kind ({self.api.kind})")

    def _check_namespace(self, meta: Obj, namespace: str) -> None:
        if self.api.namespaced and meta.get("namespace") and meta["namespace"] != namespace:
            raise bad_request("the namespace of the provided object does not match the namespace sent on the request")

    def _validate_fields(self, request: Request, obj: Obj, mode: str, patch_of: str = "") -> None:
        """fieldValidation: report (Strict), warn about (Warn) or silently drop (Ignore) unknown fields."""
        try:
            unknown = self.served.schemas.prune(self.api.gvk, obj)
        except TypeMismatch as exc:
            kind = self.api.kind
            raise bad_request(f'{kind} in version "{self.api.version}" cannot be handled as a {kind}: {exc}') from None
        if not unknown or mode == "Ignore":
            return
        messages = [f'unknown field "{path}"' for path in unknown]
        if mode == "Strict":
            detail = "strict decoding error: " + ", ".join(messages)
            if patch_of:
                # Upstream reports a strict failure of a patched object against the patch (422).
                raise errors.invalid(self.api.group, self.api.kind, patch_of, [errors.field_error("FieldValueInvalid", "patch", detail)])
            raise bad_request(detail)
        request.warnings.extend(messages)

    # --- reads
    async def get(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        if info.subresource == "scale":
            return await self._get_scale(request)
        obj = await self.store.get(self._namespace(request), info.name)
        return self._respond(request, obj)

    async def list(self, request: Request) -> Response:
        media = negotiation.negotiate(request.headers.get("accept"))
        _, _, predicate = self._predicate(request)
        limit = _int_param(request, "limit")
        rv = request.param("resourceVersion")
        match = request.param("resourceVersionMatch")
        if match and match not in ("Exact", "NotOlderThan"):
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.not_supported("resourceVersionMatch", match, ["Exact", "NotOlderThan"])])
        if match and not rv:
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.forbidden_field("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided")])
        cont = request.param("continue")
        if match == "Exact" and rv == "0":
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.forbidden_field("resourceVersionMatch", "resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"")])
        if cont and match:
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.forbidden_field("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")])
        if cont and rv and rv != "0":
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.forbidden_field("resourceVersion", "specifying resource version is not allowed when using continue")])
        page = await self.store.list(
            self._namespace(request), predicate, limit=limit, continue_token=cont,
            resource_version=rv, resource_version_match=match,
        )
        list_meta: Obj = {"resourceVersion": page.resource_version}
        if page.continue_token:
            list_meta["continue"] = page.continue_token
            if page.remaining is not None:
                list_meta["remainingItemCount"] = page.remaining
        if media.as_kind == "Table":
            body = table(self.strategy, page.items, list_meta, request.param("includeObject", "Metadata"), version=media.as_version)
            if request.param("includeObject") == "Object":
                for row, item in zip(body["rows"], page.items, strict=True):
                    row["object"] = self._out(item)
        elif media.as_kind in ("PartialObjectMetadataList", "PartialObjectMetadata"):
            body = partial_metadata_list(page.items, list_meta, media.as_version)
        else:
            head = {"kind": f"{self.api.kind}List", "apiVersion": self.api.api_version, "metadata": list_meta}
            if media.media == negotiation.JSON and len(page.items) > _STREAM_LIST_ITEMS:
                return Response(200, content_type=media.content_type, stream=_streamed_list(head, page.items, self._out))
            body = {**head, "items": [self._out(i) for i in page.items]}
        return Response(200, negotiation.encode(body, media), media.content_type)

    async def watch(self, request: Request) -> Response:
        media = negotiation.negotiate(request.headers.get("accept"))
        _, _, predicate = self._predicate(request)
        info = request.info
        assert info is not None
        namespace = self._namespace(request)
        if info.name:
            # a watch on one object (`/watch/.../name`) is a field selector on its name
            name = info.name
            inner = predicate

            def predicate(obj: Obj) -> bool:
                return obj["metadata"].get("name") == name and (inner is None or inner(obj))

        send_initial = request.param("sendInitialEvents")
        if send_initial and request.param("resourceVersionMatch") != "NotOlderThan":
            raise errors.invalid("meta.k8s.io", "ListOptions", "", [errors.forbidden_field("sendInitialEvents", "sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan")])
        return await serve_watch(
            request, self.served, namespace, predicate, media,
            send_initial_events=send_initial == "true",
            out=self._out,
        )

    # --- writes
    async def create(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        opts = _write_options(request)
        mode = _field_validation(request)
        obj = await self._decode(request)
        if info.subresource:
            return await self._create_subresource(request, obj, opts)
        self._check_type(obj)
        self._validate_fields(request, obj, mode)
        namespace = self._namespace(request)
        meta = obj.get("metadata")
        if not isinstance(meta, dict):
            meta = obj["metadata"] = {}
        self._check_namespace(meta, namespace)
        if self.strategy.virtual:
            if self.api.namespaced and not meta.get("namespace"):
                meta["namespace"] = namespace  # upstream's EnsureObjectNamespaceMatchesRequestNamespace
            reviewed = await self.strategy.review(obj, request.user, self.served.services)
            return Response(201, negotiation.encode(reviewed))
        hub = self.served.scheme.to_hub(obj, self.api)
        created = await self.store.create(namespace, hub, opts)
        request.warnings.extend(self.strategy.warnings(created, None))
        return self._respond(request, created, 201)

    async def _create_subresource(self, request: Request, obj: Obj, opts: WriteOptions) -> Response:
        info = request.info
        assert info is not None
        status, body = await self.strategy.create_subresource(
            self.store, self._namespace(request), info.name, info.subresource, obj, opts
        )
        return Response(status, orjson.dumps(body))

    async def update(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        opts = _write_options(request)
        mode = _field_validation(request)
        obj = await self._decode(request)
        if info.subresource == "scale":
            return await self._update_scale(request, obj, opts)
        self._check_type(obj)
        self._validate_fields(request, obj, mode)
        meta = obj.get("metadata")
        if not isinstance(meta, dict):
            meta = obj["metadata"] = {}
        if meta.get("name") != info.name:
            raise bad_request(f"the name of the object ({meta.get('name', '')}) does not match the name on the URL ({info.name})")
        namespace = self._namespace(request)
        self._check_namespace(meta, namespace)
        hub = self.served.scheme.to_hub(obj, self.api)

        async def new_object(old: Obj) -> Obj:
            return hub

        result, created = await self.store.update(namespace, info.name, new_object, opts, subresource=info.subresource)
        request.warnings.extend(self.strategy.warnings(result, None))
        return self._respond(request, result, 201 if created else 200)

    async def patch(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        opts = _write_options(request)
        mode = _field_validation(request)
        content_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
        patch_type = _PATCH_TYPES.get(content_type)
        if patch_type is None:
            raise StatusError(
                415, "UnsupportedMediaType",
                f"the body of the request was in an unknown format - accepted media types include: {', '.join(_PATCH_TYPES)}",
            )
        body = await request.body()
        if patch_type == "apply":
            raise StatusError(415, "UnsupportedMediaType", "server-side apply is not supported yet")
        try:
            document = patch.decode_body(body, patch_type, mode)
        except patch.PatchError as exc:
            raise exc.status_error() from None
        if info.subresource == "scale":
            return await self._patch_scale(request, document, patch_type, opts)
        namespace = self._namespace(request)

        async def new_object(old: Obj) -> Obj:
            current = self._out(old)
            try:
                if patch_type == "json":
                    patched = patch.apply_json_patch(current, document)
                elif patch_type == "strategic":
                    schemas = self.served.schemas
                    patched = strategic.apply(current, document, schemas.schema_of(self.api.gvk), schemas.resolve)
                else:
                    patched = patch.apply_merge_patch(current, document)
            except strategic.StrategicPatchError as exc:
                raise bad_request(str(exc)) from None
            except patch.PatchError as exc:
                raise exc.status_error() from None
            if not isinstance(patched, dict):
                raise bad_request("the patch produced a document that is not an object")
            if patched.get("apiVersion") != self.api.api_version or patched.get("kind") != self.api.kind:
                raise bad_request("the patch changed the apiVersion or kind of the object")
            self._validate_fields(request, patched, mode, patch_of=info.name)
            pmeta = patched.get("metadata")
            if not isinstance(pmeta, dict):
                raise bad_request("metadata must be an object")
            if pmeta.get("name") != info.name:
                raise bad_request(f"the name of the object ({pmeta.get('name', '')}) does not match the name on the URL ({info.name})")
            return self.served.scheme.to_hub(patched, self.api)

        result, _ = await self.store.update(namespace, info.name, new_object, opts, subresource=info.subresource)
        return self._respond(request, result)

    async def delete(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        opts = await self._delete_options(request)
        request.warnings.extend(self.strategy.delete_warnings(opts.propagation_policy))
        obj, deleted = await self.store.delete(self._namespace(request), info.name, opts)
        if not deleted:
            return self._respond(request, obj)
        if self.strategy.return_deleted_object:
            return self._respond(request, obj)
        details = {"name": info.name, "kind": self.api.resource, "uid": obj["metadata"].get("uid", "")}
        if self.api.group:
            details["group"] = self.api.group
        status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
        return Response(200, orjson.dumps(status))

    async def delete_collection(self, request: Request) -> Response:
        opts = await self._delete_options(request)
        _, _, predicate = self._predicate(request)
        deleted = await self.store.delete_collection(self._namespace(request), predicate or (lambda o: True), opts)
        body = {
            "kind": f"{self.api.kind}List",
            "apiVersion": self.api.api_version,
            "metadata": {},
            "items": [self._out(o) for o in deleted],
        }
        return Response(200, orjson.dumps(body))

    async def _delete_options(self, request: Request) -> DeleteOptions:
        body = await request.body()
        raw: Obj = {}
        if body.strip():
            decoded = negotiation.decode_body(body, request.headers.get("content-type"))
            if not isinstance(decoded, dict):
                raise bad_request("DeleteOptions must be an object")
            raw = decoded
        grace = raw.get("gracePeriodSeconds")
        if request.param("gracePeriodSeconds"):
            grace = _int_param(request, "gracePeriodSeconds")
        policy = raw.get("propagationPolicy") or request.param("propagationPolicy") or None
        orphan = raw.get("orphanDependents") if "orphanDependents" in raw else (request.param("orphanDependents") or None)
        if orphan is not None and policy is not None:
            raise errors.invalid("meta.k8s.io", "DeleteOptions", "", [errors.forbidden_field("propagationPolicy", "orphanDependents and deletionPropagation cannot be both set")])
        if orphan is not None:
            # The deprecated boolean: true orphans, false deletes dependents in the background.
            policy = "Orphan" if orphan in (True, "true") else "Background"
        if policy is not None and policy not in ("Orphan", "Background", "Foreground"):
            raise errors.invalid("meta.k8s.io", "DeleteOptions", "", [errors.not_supported("propagationPolicy", policy, ["Foreground", "Background", "Orphan", "nil"])])
        dry = raw.get("dryRun") or request.query.get("dryRun") or []
        for value in dry:
            if value != "All":
                raise errors.invalid("meta.k8s.io", "DeleteOptions", "", [errors.not_supported("dryRun", value, ["All"])])
        pre = raw.get("preconditions") or {}
        preconditions = None
        if pre.get("uid") or pre.get("resourceVersion"):
            preconditions = Preconditions(uid=pre.get("uid"), resource_version=pre.get("resourceVersion"))
        return DeleteOptions(preconditions=preconditions, grace_period_seconds=grace, propagation_policy=policy, dry_run=bool(dry))

    # --- scale subresource (autoscaling/v1 Scale)
    def _scale_of(self, obj: Obj) -> Obj:
        spec = obj.get("spec", {})
        status = obj.get("status", {})
        meta = obj["metadata"]
        selector = spec.get("selector")
        scale: Obj = {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta},
            "spec": {"replicas": spec.get("replicas", 0)} if spec.get("replicas") is not None else {},
            "status": {"replicas": status.get("replicas", 0)},
        }
        if isinstance(selector, dict):
            # ReplicationController selectors are plain label maps
            sel = labels.selector_from_set(selector) if self.api.kind == "ReplicationController" else labels.selector_from_label_selector(selector)
            scale["status"]["selector"] = sel.string() if sel is not None else ""
        return scale

    async def _get_scale(self, request: Request) -> Response:
        info = request.info
        assert info is not None
        obj = await self.store.get(self._namespace(request), info.name)
        return Response(200, orjson.dumps(self._scale_of(obj)))

    async def _scale_update(self, request: Request, compute: Callable[[Obj], Obj], opts: WriteOptions) -> Response:
        info = request.info
        assert info is not None

        async def new_object(old: Obj) -> Obj:
            scale = compute(self._scale_of(old))
            replicas = scale.get("spec", {}).get("replicas")
            rv = scale.get("metadata", {}).get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise errors.conflict(self.api.group, self.api.resource, info.name, errors.OPTIMISTIC_LOCK_MESSAGE)
            if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
                raise errors.invalid("autoscaling", "Scale", info.name, [errors.invalid_value("spec.replicas", replicas, "must be greater than or equal to 0")])
            old.setdefault("spec", {})["replicas"] = replicas
            return old

        result, _ = await self.store.update(self._namespace(request), info.name, new_object, opts)
        return Response(200, orjson.dumps(self._scale_of(result)))

    async def _update_scale(self, request: Request, obj: Obj, opts: WriteOptions) -> Response:
        return await self._scale_update(request, lambda _: obj, opts)

    async def _patch_scale(self, request: Request, document: Any, patch_type: str, opts: WriteOptions) -> Response:
        def compute(scale: Obj) -> Obj:
            try:
                if patch_type == "json":
                    return patch.apply_json_patch(scale, document)
                return patch.apply_merge_patch(scale, document)
            except patch.PatchError as exc:
                raise exc.status_error() from None

        return await self._scale_update(request, compute, opts)


def _int_param(request: Request, name: str) -> int:
    raw = request.param(name)
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f'invalid value for {name}: strconv.ParseInt: parsing "{raw}": invalid syntax') from None
