"""Content negotiation as upstream's `endpoints/handlers/negotiation`: which media type
and which shape (object, Table, PartialObjectMetadata) a response takes, and how a
request body is decoded."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import orjson
import yaml

from kubelite.machinery.errors import StatusError, bad_request, not_acceptable

try:
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is in the wheels we depend on
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"


@dataclass(frozen=True)
class MediaType:
    """The chosen response encoding; `as_kind` is Table / PartialObjectMetadata(List) or ""."""

    media: str  # application/json or application/yaml
    as_kind: str = ""
    as_version: str = ""
    as_group: str = ""
    pretty: bool = False

    @property
    def content_type(self) -> str:
        if self.as_kind:
            return f"{self.media};as={self.as_kind};g={self.as_group};v={self.as_version}"
        return self.media


_DEFAULT = MediaType(JSON)
_CONVERSIONS = {"Table", "PartialObjectMetadata", "PartialObjectMetadataList"}


def _parse_accept(header: str) -> list[tuple[str, dict[str, str], float]]:
    out = []
    for clause in header.split(","):
        clause = clause.strip()
        if not clause:
            continue
        fields = [f.strip() for f in clause.split(";")]
        params: dict[str, str] = {}
        for f in fields[1:]:
            if "=" in f:
                k, v = f.split("=", 1)
                params[k.strip().lower()] = v.strip().strip('"')
        q = 1.0
        with contextlib.suppress(ValueError):
            q = float(params.pop("q", "1"))
        out.append((fields[0].lower(), params, q))
    # Stable sort keeps the client's order among equal q values.
    out.sort(key=lambda c: -c[2])
    return out


def negotiate(accept: str | None, *, allow_conversion: bool = True) -> MediaType:
    """Pick the response media type, or 406 when nothing acceptable is listed."""
    if not accept:
        return _DEFAULT
    for media, params, q in _parse_accept(accept):
        if q <= 0:
            continue
        as_kind = params.get("as", "")
        if media in ("*/*", "application/*", JSON, "application/json;stream=watch"):
            base = JSON
        elif media in (YAML, "application/x-yaml", "text/yaml"):
            base = YAML
        else:
            continue  # protobuf and the rest: not served, look further
        if as_kind:
            if not allow_conversion or as_kind not in _CONVERSIONS:
                continue
            group = params.get("g", "")
            version = params.get("v", "")
            if group != "meta.k8s.io" or version not in ("v1", "v1beta1"):
                continue
            return MediaType(base, as_kind, version, group)
        return MediaType(base)
    raise not_acceptable(
        "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
    )


def encode(obj: Any, media: MediaType | None = None) -> bytes:
    if media is not None and media.media == YAML:
        return yaml.dump(obj, Dumper=_Dumper, default_flow_style=False, sort_keys=False).encode()
    return orjson.dumps(obj)


def decode_body(body: bytes, content_type: str | None) -> Any:
    """Decode a create/update body (JSON, YAML or protobuf) to a dict, with upstream's 400/415 errors."""
    media = (content_type or JSON).split(";", 1)[0].strip().lower()
    if media in (JSON, "*/*", ""):
        return _json(body)
    if media in (YAML, "application/x-yaml", "text/yaml"):
        return _yaml(body)
    if media == PROTOBUF:
        # Imported here, not at the top, so this change stays inside decode_body; after the
        # first call it is a dict lookup. The field table itself loads lazily on first use.
        from kubelite.machinery import protobuf

        try:
            return protobuf.decode(body)
        except ValueError as exc:
            raise bad_request(str(exc)) from None  # upstream: NewBadRequest(err.Error())
    raise StatusError(
        415,
        "UnsupportedMediaType",
        f'the body of the request was in an unknown format - accepted media types include: {JSON}, {YAML}, {PROTOBUF}',
    )


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"the server rejected our request due to an error in our request: {_json_error(exc)}") from None


def _json_error(exc: orjson.JSONDecodeError) -> str:
    return f"couldn't get version/kind; json parse error: {exc.msg}"


# Flow collections nest without limit in libyaml's recursive C composer, which can
# overflow the C stack; bodies that could nest this deep go to the Python loader,
# whose recursion limit turns into a 400 instead.
_DEEP_NESTING = 2000


def _yaml(body: bytes) -> Any:
    loader = _Loader if body.count(b"[") + body.count(b"{") < _DEEP_NESTING else yaml.SafeLoader
    try:
        return yaml.load(body, Loader=loader)
    except yaml.YAMLError as exc:
        raise bad_request(f"error converting YAML to JSON: {exc}") from None
    except RecursionError:
        raise bad_request("error converting YAML to JSON: yaml: exceeded max depth") from None
