"""REST operations of served resources, in a neutral form rendered to OpenAPI v2 or v3.

Mirrors what k8s.io/apiserver's installer registers for each storage (list/create/
deletecollection on the collection, get/replace/patch/delete on the item, watch paths,
subresources) with upstream operationIds, tags, `x-kubernetes-action` and
`x-kubernetes-group-version-kind`. Clients depend on a few details: kubectl explain finds
a resource's GVK on its collection/item operations, and kubectl's field-validation and
apply checks look for PATCH operations carrying the GVK, a `fieldValidation` query
parameter and (for built-in kinds) a strategic-merge-patch request body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubelite.discovery import subresource_kind, subresource_verbs
from kubelite.machinery.gvk import APIResource
from kubelite.openapi.schemas import REF_PREFIX, Flavor, Schema

JSON = "application/json"
YAML = "application/yaml"
# Media types advertised for responses. Upstream also lists protobuf (and CBOR); kubelite
# only says what it serves. Nothing in kubectl/client-go reads these lists.
PRODUCES = [JSON, YAML]
PRODUCES_WATCH = [JSON, YAML, "application/json;stream=watch"]
PATCH_TYPES_CUSTOM = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
]
PATCH_TYPES_BUILTIN = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
]

STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"
WATCH_EVENT = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"
PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
API_RESOURCE_LIST = "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList"
API_GROUP = "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup"
API_GROUP_LIST = "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList"
API_VERSIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions"
VERSION_INFO = "io.k8s.apimachinery.pkg.version.Info"

_D = {
    "pretty": "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent "
    "indicates a browser or command-line HTTP tool (curl and wget).",
    "namespace": "object name and auth scope, such as for teams and projects",
    "allowWatchBookmarks": 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do '
    "not implement bookmarks may ignore this flag and bookmarks are sent at the server's discretion. Clients "
    "should not assume bookmarks are returned at any specific interval, nor may they assume the server will "
    "send any BOOKMARK event during a session. If this is not a watch, this field is ignored.",
    "continue": "The continue option should be set when retrieving more results from the server. Since this "
    "value is server defined, clients may only use the continue value from a previous query result with "
    "identical query parameters (except for the value of continue) and the server may reject a continue value "
    "it does not recognize. If the specified continue value is no longer valid whether due to expiration "
    "(generally five to fifteen minutes) or a configuration change on the server, the server will respond "
    "with a 410 ResourceExpired error together with a continue token. If the client needs a consistent list, "
    "it must restart their list without the continue field. Otherwise, the client may send another list "
    "request with the token received with the 410 error, the server will respond with a list starting from "
    "the next key, but from the latest snapshot, which is inconsistent from the previous list results - "
    "objects that are created, modified, or deleted after the first list request will be included in the "
    'response, as long as their keys are after the "next key".\n\nThis field is not supported when watch '
    "is true. Clients may start a watch from the last resourceVersion value returned by the server and not "
    "miss any modifications.",
    "fieldSelector": "A selector to restrict the list of returned objects by their fields. Defaults to everything.",
    "labelSelector": "A selector to restrict the list of returned objects by their labels. Defaults to everything.",
    "limit": "limit is a maximum number of responses to return for a list call. If more items exist, the server "
    "will set the `continue` field on the list metadata to a value that can be used with the same initial "
    "query to retrieve the next set of results. Setting a limit may return fewer than the requested amount "
    "of items (up to zero items) in the event all requested objects are filtered out and clients should "
    "only use the presence of the continue field to determine whether more results are available. Servers "
    "may choose not to support the limit argument and will return all of the available results. If limit is "
    "specified and the continue field is empty, clients may assume that no more results are available. This "
    "field is not supported if watch is true.\n\nThe server guarantees that the objects returned when using "
    "continue will be identical to issuing a single list call without a limit - that is, no objects created, "
    "modified, or deleted after the first request is issued will be included in any subsequent continued "
    "requests. This is sometimes referred to as a consistent snapshot, and ensures that a client that is "
    "using limit to receive smaller chunks of a very large result can ensure they see all possible objects. "
    "If objects are updated during a chunked list the version of the object that was present at the time "
    "the first list result was calculated is returned.",
    "resourceVersion": "resourceVersion sets a constraint on what resource versions a request may be served "
    "from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for "
    "details.\n\nDefaults to unset",
    "resourceVersionMatch": "resourceVersionMatch determines how resourceVersion is applied to list calls. It "
    "is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See "
    "https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\n"
    "Defaults to unset",
    "sendInitialEvents": "`sendInitialEvents=true` may be set together with `watch=true`. In that case, the "
    "watch stream will begin with synthetic events to produce the current state of objects in the "
    'collection. Once all such events have been sent, a synthetic "Bookmark" event  will be sent. The '
    "bookmark will report the ResourceVersion (RV) corresponding to the set of objects, and be marked with "
    '`"k8s.io/initial-events-end": "true"` annotation. Afterwards, the watch stream will proceed as '
    "usual, sending watch events corresponding to changes (subsequent to the RV) to objects watched.\n\n"
    "When `sendInitialEvents` option is set, we require `resourceVersionMatch` option to also be set. The "
    "semantic of the watch request is as following: - `resourceVersionMatch` = NotOlderThan\n  is "
    'interpreted as "data at least as new as the provided `resourceVersion`"\n  and the bookmark event is '
    "send when the state is synced\n  to a `resourceVersion` at least as fresh as the one provided by the "
    'ListOptions.\n  If `resourceVersion` is unset, this is interpreted as "consistent read" and the\n  '
    "bookmark event is send when the state is synced at least to the moment\n  when request started being "
    "processed.\n- `resourceVersionMatch` set to any other value or unset\n  Invalid error is returned.\n\n"
    'Defaults to true if `resourceVersion=""` or `resourceVersion="0"` (for backward compatibility '
    "reasons) and to false otherwise.",
    "timeoutSeconds": "Timeout for the list/watch call. This limits the duration of the call, regardless of "
    "any activity or inactivity.",
    "watch": "Watch for changes to the described resources and return them as a stream of add, update, and "
    "remove notifications. Specify resourceVersion.",
    "dryRun": "When present, indicates that modifications should not be persisted. An invalid or unrecognized "
    "dryRun directive will result in an error response and no further processing of the request. Valid "
    "values are: - All: all dry run stages will be processed",
    "fieldManager": "fieldManager is a name associated with the actor or entity that is making these changes. "
    "The value must be less than or 128 characters long, and only contain printable characters, as defined "
    "by https://golang.org/pkg/unicode/#IsPrint.",
    "fieldManagerPatch": "fieldManager is a name associated with the actor or entity that is making these "
    "changes. The value must be less than or 128 characters long, and only contain printable characters, as "
    "defined by https://golang.org/pkg/unicode/#IsPrint. This field is required for apply requests "
    "(application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, "
    "StrategicMergePatch).",
    "fieldValidation": "fieldValidation instructs the server on how to handle objects in the request "
    "(POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore "
    "any unknown fields that are silently dropped from the object, and will ignore all but the last "
    "duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This "
    "will send a warning via the standard warning response header for each unknown field that is dropped "
    "from the object, and for each duplicate field that is encountered. The request will still succeed if "
    "there are no other errors, and will only persist the last of any duplicate fields. This is the default "
    "in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be "
    "dropped from the object, or if any duplicate fields are present. The error returned from the server "
    "will contain all unknown and duplicate fields encountered.",
    "force": 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields '
    "owned by other people. Force flag must be unset for non-apply patch requests.",
    "gracePeriodSeconds": "The duration in seconds before the object should be deleted. Value must be "
    "non-negative integer. The value zero indicates delete immediately. If this value is nil, the default "
    "grace period for the specified type will be used. Defaults to a per object value if not specified. "
    "zero means delete immediately.",
    "ignoreStoreReadErrorWithClusterBreakingPotential": "if set to true, it will trigger an unsafe deletion "
    "of the resource in case the normal deletion flow fails with a corrupt object error. A resource is "
    "considered corrupt if it can not be retrieved from the underlying storage successfully because of a) "
    "its data can not be transformed e.g. decryption failure, or b) it fails to decode into an object. "
    "NOTE: unsafe deletion ignores finalizer constraints, skips precondition checks, and removes the object "
    "from the storage. WARNING: This may potentially break the cluster if the workload associated with the "
    "resource being unsafe-deleted relies on normal deletion flow. Use only if you REALLY know what you are "
    "doing. The default value is false, and the user must opt in to enable it",
    "orphanDependents": "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. "
    'Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added '
    "to/removed from the object's finalizers list. Either this field or PropagationPolicy may be set, but "
    "not both.",
    "propagationPolicy": "Whether and how garbage collection will be performed. Either this field or "
    "OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set "
    "in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - "
    "orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the "
    "background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
}

_TYPES = {
    "allowWatchBookmarks": "boolean",
    "sendInitialEvents": "boolean",
    "watch": "boolean",
    "limit": "integer",
    "timeoutSeconds": "integer",
    "gracePeriodSeconds": "integer",
    "ignoreStoreReadErrorWithClusterBreakingPotential": "boolean",
    "orphanDependents": "boolean",
    "force": "boolean",
}

LIST_PARAMS = [
    "allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
    "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch",
]  # fmt: skip
WRITE_PARAMS = ["dryRun", "fieldManager", "fieldValidation"]
PATCH_PARAMS = ["dryRun", "fieldManagerPatch", "fieldValidation", "force"]
DELETE_PARAMS = [
    "dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
    "orphanDependents", "propagationPolicy",
]  # fmt: skip
DELETECOLLECTION_PARAMS = sorted(
    {*DELETE_PARAMS, *(p for p in LIST_PARAMS if p not in ("allowWatchBookmarks", "watch"))}
)

# Subresources served over a streaming/upgraded connection (kubectl exec & co.): the
# operations are "connect" ones and answer with a plain string.
_CONNECT_SUBRESOURCES = {"exec", "attach", "portforward", "proxy"}
_CONNECT_METHODS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
_VERB_METHOD = {"get": "get", "create": "post", "update": "put", "patch": "patch", "delete": "delete"}


@dataclass
class Param:
    name: str
    location: str  # "path" | "query"
    type: str = "string"
    description: str = ""
    required: bool = False


@dataclass
class Operation:
    method: str  # get | put | post | patch | delete
    operation_id: str
    description: str
    tags: list[str]
    action: str | None = None
    gvk: dict[str, str] | None = None
    params: list[Param] = field(default_factory=list)
    body: str | None = None  # component name of the request body
    body_required: bool = True
    consumes: list[str] = field(default_factory=lambda: ["*/*"])
    produces: list[str] = field(default_factory=lambda: list(PRODUCES))
    # (status code, description, component name | None for plain string | "" for no body)
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)


@dataclass
class PathItem:
    path: str
    params: list[Param] = field(default_factory=list)
    ops: dict[str, Operation] = field(default_factory=dict)


def _query(name: str) -> Param:
    wire = "fieldManager" if name == "fieldManagerPatch" else name
    return Param(wire, "query", _TYPES.get(name, "string"), _D[name])


def _to_valid_operation_id(s: str, capitalize_first: bool) -> str:
    """kube-apiserver's ToValidOperationID: drop non-letters and capitalize what follows."""
    out: list[str] = []
    capitalize = capitalize_first
    for i, ch in enumerate(s):
        if ch.isalpha() or ch == "_" or (i != 0 and ch.isdigit()):
            out.append(ch.upper() if capitalize else ch)
            capitalize = False
        else:
            capitalize = True
    return "".join(out)


def group_tag_and_prefix(group: str, version: str | None) -> tuple[str, str]:
    """(tag, operationId infix) for a group[/version]: ("apps_v1", "AppsV1"), ("core_v1", "CoreV1")."""
    trimmed = (group or "core").removesuffix(".k8s.io")
    prefix = _to_valid_operation_id(trimmed, True)
    tag = _to_valid_operation_id(trimmed, False)
    if version:
        prefix += _to_valid_operation_id(version, True)
        tag += "_" + _to_valid_operation_id(version, False)
    return tag, prefix


def _gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "kind": kind, "version": version}


def _ok(
    name: str | None, codes: tuple[tuple[str, str], ...] = (("200", "OK"),)
) -> list[tuple[str, str, str | None]]:
    return [(code, desc, name) for code, desc in codes] + [("401", "Unauthorized", "")]


KindLookup = Callable[[str, str, str], "str | None"]


def resource_paths(r: APIResource, kind_name: KindLookup, builtin: bool) -> list[PathItem]:
    """Path items for one served resource.

    `kind_name(group, version, kind)` returns the component name for a GVK (None when no
    schema exists); `builtin` selects whether strategic merge patch is offered.
    """
    g, v, kind = r.group, r.version, r.kind
    tag, gvp = group_tag_and_prefix(g, v)
    tags = [tag]
    base = f"/api/{v}" if not g else f"/apis/{g}/{v}"
    ns = "Namespaced" if r.namespaced else ""
    ns_param = [Param("namespace", "path", "string", _D["namespace"], True)] if r.namespaced else []
    pretty = _query("pretty")
    verbs = set(r.verbs)
    gvk = _gvk(g, v, kind)
    obj = kind_name(g, v, kind)
    lst = kind_name(g, v, kind + "List")
    patch_types = PATCH_TYPES_BUILTIN if builtin else PATCH_TYPES_CUSTOM
    name_param = Param("name", "path", "string", f"name of the {kind}", True)
    coll_path = f"{base}/namespaces/{{namespace}}/{r.resource}" if r.namespaced else f"{base}/{r.resource}"
    items: list[PathItem] = []

    coll = PathItem(coll_path, [*ns_param, pretty])
    if "list" in verbs:
        coll.ops["get"] = Operation(
            "get",
            f"list{gvp}{ns}{kind}",
            f"list or watch objects of kind {kind}",
            tags,
            "list",
            gvk,
            [_query(p) for p in LIST_PARAMS],
            None,
            consumes=["*/*"],
            produces=list(PRODUCES_WATCH),
            responses=_ok(lst),
        )
    if "create" in verbs:
        coll.ops["post"] = _object_op("post", f"create{gvp}{ns}{kind}", f"create a {kind}", tags, gvk, obj, patch_types)
    if "deletecollection" in verbs:
        coll.ops["delete"] = Operation(
            "delete",
            f"delete{gvp}Collection{ns}{kind}",
            f"delete collection of {kind}",
            tags,
            "deletecollection",
            gvk,
            [_query(p) for p in DELETECOLLECTION_PARAMS],
            DELETE_OPTIONS,
            False,
            responses=_ok(STATUS),
        )
    if coll.ops:
        items.append(coll)

    item = PathItem(f"{coll_path}/{{name}}", [name_param, *ns_param, pretty])
    for verb, action, desc in (
        ("get", "read", f"read the specified {kind}"),
        ("update", "replace", f"replace the specified {kind}"),
        ("delete", "delete", f"delete a {kind}"),
        ("patch", "patch", f"partially update the specified {kind}"),
    ):
        if verb in verbs:
            method = _VERB_METHOD[verb]
            item.ops[method] = _object_op(method, f"{action}{gvp}{ns}{kind}", desc, tags, gvk, obj, patch_types, accepted=True)
    if item.ops:
        items.append(item)

    if r.namespaced and "list" in verbs:
        items.append(
            PathItem(
                f"{base}/{r.resource}",
                [_query(p) for p in LIST_PARAMS[:-1]] + [pretty] + [_query("watch")],
                {
                    "get": Operation(
                        "get",
                        f"list{gvp}{kind}ForAllNamespaces",
                        f"list or watch objects of kind {kind}",
                        tags,
                        "list",
                        gvk,
                        consumes=["*/*"],
                        produces=list(PRODUCES_WATCH),
                        responses=_ok(lst),
                    )
                },
            )
        )

    if "watch" in verbs:
        items.extend(_watch_paths(r, base, gvp, ns, kind, tags, gvk, ns_param, name_param))

    for sub in sorted(r.subresources):
        items.append(
            _subresource_path(r, sub, coll_path, gvp, ns, tags, ns_param, pretty, kind_name, patch_types)
        )
    return items


def _watch_paths(
    r: APIResource,
    base: str,
    gvp: str,
    ns: str,
    kind: str,
    tags: list[str],
    gvk: dict[str, str],
    ns_param: list[Param],
    name_param: Param,
) -> list[PathItem]:
    list_params = [_query(p) for p in LIST_PARAMS[:-1]] + [_query("pretty"), _query("watch")]
    deprecated = "deprecated: use the 'watch' parameter with a list operation instead"
    coll = (
        f"{base}/watch/namespaces/{{namespace}}/{r.resource}"
        if r.namespaced
        else f"{base}/watch/{r.resource}"
    )

    def op(op_id: str, desc: str, action: str) -> dict[str, Operation]:
        return {
            "get": Operation(
                "get",
                op_id,
                desc,
                tags,
                action,
                gvk,
                consumes=["*/*"],
                produces=list(PRODUCES_WATCH),
                responses=_ok(WATCH_EVENT),
            )
        }

    out = [
        PathItem(
            coll,
            [*ns_param, *list_params],
            op(
                f"watch{gvp}{ns}{kind}List",
                f"watch individual changes to a list of {kind}. {deprecated}.",
                "watchlist",
            ),
        ),
        PathItem(
            f"{coll}/{{name}}",
            [name_param, *ns_param, *list_params],
            op(
                f"watch{gvp}{ns}{kind}",
                f"watch changes to an object of kind {kind}. {deprecated}, filtered to a single item with the "
                "'fieldSelector' parameter.",
                "watch",
            ),
        ),
    ]
    if r.namespaced:
        out.append(
            PathItem(
                f"{base}/watch/{r.resource}",
                list_params,
                op(
                    f"watch{gvp}{kind}ListForAllNamespaces",
                    f"watch individual changes to a list of {kind}. {deprecated}.",
                    "watchlist",
                ),
            )
        )
    return out


def _subresource_path(
    r: APIResource,
    sub: str,
    coll_path: str,
    gvp: str,
    ns: str,
    tags: list[str],
    ns_param: list[Param],
    pretty: Param,
    kind_name: KindLookup,
    patch_types: list[str],
) -> PathItem:
    sg, sv, skind = subresource_kind(r, sub)
    gvk = _gvk(sg, sv, skind)
    title = sub[:1].upper() + sub[1:]
    kind = r.kind
    name_param = Param("name", "path", "string", f"name of the {skind}", True)
    item = PathItem(f"{coll_path}/{{name}}/{sub}", [name_param, *ns_param])
    verbs = subresource_verbs(r, sub)

    if sub in _CONNECT_SUBRESOURCES:
        # exec/attach/portforward/proxy: one "connect" operation per HTTP method.
        methods = ["get", "post"] if "proxy" not in sub else ["get", "post", "put", "patch", "delete"]
        for m in methods:
            verb = "Get" if m == "get" else m.capitalize()
            item.ops[m] = Operation(
                m,
                f"connect{gvp}{verb}{ns}{kind}{title}",
                f"connect {_CONNECT_METHODS[m]} requests to {sub} of {kind}",
                tags,
                "connect",
                gvk,
                consumes=["*/*"],
                produces=["*/*"],
                responses=_ok(None),
            )
        return item

    item.params.append(pretty)
    if sub == "log":
        item.ops["get"] = Operation(
            "get",
            f"read{gvp}{ns}{kind}Log",
            f"read log of the specified {kind}",
            tags,
            "get",
            gvk,
            consumes=["*/*"],
            produces=["text/plain", JSON, YAML],
            responses=_ok(None),
        )
        return item

    target = kind_name(sg, sv, skind)
    for verb in verbs:
        method = _VERB_METHOD.get(verb)
        if method is None:
            continue
        action, desc = {
            "get": ("read", f"read {sub} of the specified {kind}"),
            "put": ("replace", f"replace {sub} of the specified {kind}"),
            "patch": ("patch", f"partially update {sub} of the specified {kind}"),
            "post": ("create", f"create {sub} of a {kind}"),
            "delete": ("delete", f"delete {sub} of a {kind}"),
        }[method]
        item.ops[method] = _object_op(method, f"{action}{gvp}{ns}{kind}{title}", desc, tags, gvk, target, patch_types)
    return item


def _object_op(
    method: str,
    op_id: str,
    desc: str,
    tags: list[str],
    gvk: dict[str, str],
    target: str | None,
    patch_types: list[str],
    *,
    accepted: bool = False,
) -> Operation:
    """The operation of one HTTP method on one object (or subresource) returning target.
    accepted: a delete may answer 202 (an object's delete, not a subresource's)."""
    created = (("200", "OK"), ("201", "Created"))
    if method == "get":
        return Operation("get", op_id, desc, tags, "get", gvk, responses=_ok(target))
    if method == "put":
        return Operation("put", op_id, desc, tags, "put", gvk, [_query(p) for p in WRITE_PARAMS], target,
                         responses=_ok(target, created))
    if method == "patch":
        return Operation("patch", op_id, desc, tags, "patch", gvk, [_query(p) for p in PATCH_PARAMS], PATCH,
                         consumes=list(patch_types), responses=_ok(target, created))
    if method == "post":
        return Operation("post", op_id, desc, tags, "post", gvk, [_query(p) for p in WRITE_PARAMS], target,
                         responses=_ok(target, (*created, ("202", "Accepted"))))
    deleted = (("200", "OK"), ("202", "Accepted")) if accepted else (("200", "OK"),)
    return Operation("delete", op_id, desc, tags, "delete", gvk, [_query(p) for p in DELETE_PARAMS], DELETE_OPTIONS,
                     False, responses=_ok(STATUS, deleted))


def discovery_path(path: str, op_id: str, desc: str, tag: str, response: str) -> PathItem:
    """GET-only discovery endpoint (/api/, /apis/<g>/, /apis/<g>/<v>/, /version/)."""
    return PathItem(
        path,
        [],
        {
            "get": Operation(
                "get",
                op_id,
                desc,
                [tag],
                None,
                None,
                consumes=[JSON, YAML],
                produces=[JSON, YAML],
                responses=_ok(response),
            )
        },
    )


# --------------------------------------------------------------------------- rendering


def _ref(flavor: Flavor, name: str) -> Schema:
    return {"$ref": REF_PREFIX[flavor] + name}


def _response_schema(flavor: Flavor, name: str | None) -> Schema:
    return _ref(flavor, name) if name else {"type": "string"}


def _param_v2(p: Param) -> Schema:
    out: Schema = {
        "uniqueItems": True,
        "type": p.type,
        "description": p.description,
        "name": p.name,
        "in": p.location,
    }
    if p.required:
        out["required"] = True
    return out


def _param_v3(p: Param) -> Schema:
    out: Schema = {"description": p.description, "in": p.location, "name": p.name}
    if p.required:
        out["required"] = True
    out["schema"] = {"type": p.type, "uniqueItems": True}
    return out


def _operation_v2(op: Operation) -> Schema:
    params = []
    if op.body:
        body: Schema = {"name": "body", "in": "body", "schema": _ref("v2", op.body)}
        if op.body_required:
            body["required"] = True
        params.append(body)
    params.extend(_param_v2(p) for p in op.params)
    responses: Schema = {}
    for code, desc, name in op.responses:
        resp: Schema = {"description": desc}
        if name != "":
            resp["schema"] = _response_schema("v2", name)
        responses[code] = resp
    out: Schema = {
        "description": op.description,
        "consumes": op.consumes,
        "produces": op.produces,
        "schemes": ["https"],
        "tags": op.tags,
        "operationId": op.operation_id,
    }
    if params:
        out["parameters"] = params
    out["responses"] = responses
    if op.action:
        out["x-kubernetes-action"] = op.action
    if op.gvk:
        out["x-kubernetes-group-version-kind"] = op.gvk
    return out


def _operation_v3(op: Operation) -> Schema:
    out: Schema = {"description": op.description, "operationId": op.operation_id}
    if op.params:
        out["parameters"] = [_param_v3(p) for p in op.params]
    if op.body:
        body: Schema = {"content": {ct: {"schema": _ref("v3", op.body)} for ct in op.consumes}}
        if op.body_required:
            body["required"] = True
        out["requestBody"] = body
    responses: Schema = {}
    for code, desc, name in op.responses:
        resp: Schema = {}
        if name != "":
            schema = _response_schema("v3", name)
            resp["content"] = {ct: {"schema": schema} for ct in op.produces}
        resp["description"] = desc
        responses[code] = resp
    out["responses"] = responses
    out["tags"] = op.tags
    if op.action:
        out["x-kubernetes-action"] = op.action
    if op.gvk:
        out["x-kubernetes-group-version-kind"] = op.gvk
    return out


def render(items: list[PathItem], flavor: Flavor) -> dict[str, Any]:
    """`paths` object for the given path items, sorted by path."""
    out: dict[str, Any] = {}
    for it in sorted(items, key=lambda i: i.path):
        entry: dict[str, Any] = {}
        for method in ("get", "put", "post", "delete", "patch"):
            if method in it.ops:
                op = it.ops[method]
                entry[method] = _operation_v2(op) if flavor == "v2" else _operation_v3(op)
        if it.params:
            entry["parameters"] = [(_param_v2 if flavor == "v2" else _param_v3)(p) for p in it.params]
        out[it.path] = entry
    return out


def referenced(items: list[PathItem]) -> set[str]:
    """Component names the operations of `items` refer to."""
    names: set[str] = set()
    for it in items:
        for op in it.ops.values():
            if op.body:
                names.add(op.body)
            names.update(name for _, _, name in op.responses if name)
    return names
