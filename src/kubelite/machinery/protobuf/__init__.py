"""Decode `application/vnd.kubernetes.protobuf` request bodies into JSON-shaped dicts.

kubectl 1.32+ sends typed-clientset bodies (create namespace/configmap/secret/...,
run, expose, create token, auth can-i) as protobuf. The wire form is the 4-byte magic
`k8s\\x00` and a `runtime.Unknown` {typeMeta{apiVersion=1, kind=2}=1, raw=2,
contentEncoding=3, contentType=4}; `raw` is the typed object per its group's
generated.proto. `decode` returns the dict the same object's JSON body would have given.

The field table is fields.txt (Kubernetes v1.33; regenerate with generate.py), one
`message` block per type: `<number> <json name> <type> [rep] [ptr] [always] [inline]`.

Rules, all from how Go's gogo-protobuf writes and encoding/json reads the same structs:

* Go writes every non-pointer scalar, zero or not (generateName "", hostNetwork false),
  while JSON's `omitempty` leaves zero values out. So a zero string/number/bool/bytes is
  dropped unless the field is a Go pointer (`ptr`: replicas, immutable, backoffLimit,
  automountServiceAccountToken, ... -- Go writes those only when set, and JSON keeps a set
  zero) or its json tag lacks omitempty (`always`: PriorityClass.value, Subject.kind,
  ContainerPort.containerPort, ...). Both facts come from the Go types, not the .proto,
  which says `optional` for all of them.
* Nested messages are Go structs, which JSON always writes: an empty one stays `{}`
  (`resources: {}`, `status: {}`), except the messages with their own JSON form below.
* Repeated fields and maps with no entries are left out; repeated scalars may be packed.
* `inline` fields (VolumeSource in Volume, ProbeHandler in Probe, ...) merge into the parent.
* Special messages: meta/v1 Time -> "2006-01-02T15:04:05Z" (the zero time, sent as an
  empty message, is left out), MicroTime -> "...T15:04:05.000000Z", Duration -> Go's
  "1h0m0s", intstr.IntOrString -> int or string, resource.Quantity -> its string,
  FieldsV1 / RawExtension -> the embedded JSON, Verbs / ExtraValue -> list of strings.
* `bytes` -> base64, as encoding/json writes []byte (Secret.data, ConfigMap.binaryData).
* Unknown field numbers are skipped, as Go's generated Unmarshal does.
"""

from __future__ import annotations

from typing import Any

from kubelite.machinery.protobuf import schema, wire
from kubelite.machinery.protobuf.wire import MAGIC, Truncated

# Registered in every group version by metav1.AddToGroupVersion, so a client may send
# them under any apiVersion (e.g. DeleteOptions as policy/v1 inside an eviction call).
_META_KINDS = frozenset(
    {"DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "GetOptions", "ListOptions", "Status"}
)


def _envelope(body: bytes) -> tuple[str, str, int, int]:
    """Parse runtime.Unknown: apiVersion, kind, and the bounds of raw within body."""
    end = len(body)
    i = len(MAGIC)
    api_version = kind = encoding = content_type = ""
    raw = (0, 0)
    while i < end:
        key, i = wire.varint(body, i, end)
        if key & 7 != 2:
            i = wire.skip(body, i, end, key & 7)
            continue
        n, i = wire.varint(body, i, end)
        j = i + n
        if j > end:
            raise Truncated("unexpected end of protobuf data")
        num = key >> 3
        if num == 1:  # typeMeta
            while i < j:
                k, i = wire.varint(body, i, j)
                m, i = wire.varint(body, i, j)
                if i + m > j:
                    raise Truncated("unexpected end of protobuf data")
                if k == 0x0A:
                    api_version = body[i : i + m].decode("utf-8", "replace")
                elif k == 0x12:
                    kind = body[i : i + m].decode("utf-8", "replace")
                i += m
        elif num == 2:
            raw = (i, j)
        elif num == 3:
            encoding = body[i:j].decode("utf-8", "replace")
        elif num == 4:
            content_type = body[i:j].decode("utf-8", "replace")
        i = j
    if encoding:
        raise ValueError(f"unsupported protobuf content encoding {encoding!r}")
    if content_type and content_type.split(";")[0].strip() != "application/vnd.kubernetes.protobuf":
        raise ValueError(f"unsupported content type {content_type!r} inside the protobuf envelope")
    return api_version, kind, raw[0], raw[1]


def decode(body: bytes) -> dict[str, Any]:
    """The object of a Kubernetes protobuf body as a JSON-shaped dict with apiVersion and kind.

    Raises ValueError on a bad magic, truncated or malformed data, or an unknown kind.
    """
    if not body.startswith(MAGIC):
        raise ValueError("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
    try:
        api_version, kind, start, end = _envelope(body)
        if not kind:
            raise ValueError("Object 'Kind' is missing in protobuf data")
        if not api_version:
            raise ValueError("Object 'apiVersion' is missing in protobuf data")
        table = schema.load()
        msg = table.kinds.get((api_version, kind))
        if msg is None and kind in _META_KINDS:
            msg = table.kinds.get(("meta.k8s.io/v1", kind))
        if msg is None:
            raise ValueError(f'no kind "{kind}" is registered for version "{api_version}"')
        obj = wire.message(body, start, end, msg)
    except (IndexError, RecursionError) as exc:  # defensive: the reader bounds-checks itself
        raise ValueError(f"malformed protobuf data: {exc}") from None
    return {"apiVersion": api_version, "kind": kind, **obj}


__all__ = ["decode"]
