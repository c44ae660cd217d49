"""Decoding Kubernetes protobuf bodies, from wire bytes built by a tiny encoder below."""

from __future__ import annotations

import base64
import struct

import pytest

from kubelite.endpoints.negotiation import decode_body
from kubelite.machinery.errors import StatusError
from kubelite.machinery.protobuf import decode, schema, wire

# --- a tiny protobuf encoder, enough to write what Go's generated Marshal writes ---


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int32/int64 go out as 10-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(num: int, wire_type: int) -> bytes:
    return varint(num << 3 | wire_type)


def ld(num: int, payload: bytes) -> bytes:
    return key(num, 2) + varint(len(payload)) + payload


def s(num: int, text: str) -> bytes:
    return ld(num, text.encode())


def v(num: int, value: int) -> bytes:
    return key(num, 0) + varint(value)


def entry(num: int, k: str, value: bytes) -> bytes:
    """One map entry {key=1, value=2}; value is the already encoded field 2 payload."""
    return ld(num, s(1, k) + ld(2, value))


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    # Go writes all four Unknown fields, contentEncoding and contentType as "".
    return b"k8s\x00" + ld(1, s(1, api_version) + s(2, kind)) + ld(2, raw) + s(3, "") + s(4, "")


def go_meta(name: str, namespace: str = "", labels: dict[str, str] | None = None, created: bytes = b"") -> bytes:
    """ObjectMeta as Go writes it: every non-pointer field, zero or not."""
    out = s(1, name) + s(2, "") + s(3, namespace) + s(4, "") + s(5, "") + s(6, "") + v(7, 0)
    out += ld(8, created)  # creationTimestamp: the zero metav1.Time is an empty message
    for k, val in (labels or {}).items():
        out += entry(11, k, val.encode())
    return out + s(15, "")


# --- envelope and basic shapes ---


def test_namespace_envelope_drops_go_zero_values() -> None:
    raw = ld(1, go_meta("ns1")) + ld(2, b"") + ld(3, s(1, ""))
    assert decode(envelope("v1", "Namespace", raw)) == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "ns1"},
        "spec": {},
        "status": {},
    }


def test_configmap_maps_bytes_and_pointer_bool() -> None:
    raw = (
        ld(1, go_meta("cm", "default", {"app": "x"}))
        + entry(2, "a", b"1")
        + entry(2, "empty", b"")
        + entry(3, "bin", b"\x00\xff")
        + v(4, 0)  # immutable is *bool: Go writes it only when set, so false is kept
    )
    assert decode(envelope("v1", "ConfigMap", raw)) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cm", "namespace": "default", "labels": {"app": "x"}},
        "data": {"a": "1", "empty": ""},
        "binaryData": {"bin": base64.b64encode(b"\x00\xff").decode()},
        "immutable": False,
    }


def test_secret_data_is_base64() -> None:
    raw = ld(1, go_meta("s")) + entry(2, "k", b"v") + entry(2, "e", b"") + s(3, "Opaque")
    got = decode(envelope("v1", "Secret", raw))
    assert got["data"] == {"k": "dg==", "e": ""}
    assert got["type"] == "Opaque"


def test_map_entry_without_value_is_zero_value() -> None:
    raw = ld(1, go_meta("cm")) + ld(2, s(1, "only-key"))
    assert decode(envelope("v1", "ConfigMap", raw))["data"] == {"only-key": ""}


def test_deployment_nested_messages_and_pointers() -> None:
    container = s(1, "c") + s(2, "nginx") + ld(6, v(3, 80) + s(4, "TCP") + s(5, "")) + ld(8, b"") + s(14, "")
    pod_spec = ld(2, container) + s(3, "") + ld(14, b"") + v(11, 0) + v(12, 0)  # hostNetwork, hostPID false
    template = ld(1, go_meta("", labels={"app": "d"})) + ld(2, pod_spec)
    spec = (
        v(1, 0)  # replicas *int32 = 0: kept
        + ld(2, entry(1, "app", b"d"))  # selector.matchLabels
        + ld(3, template)
        + ld(4, b"")  # strategy {}
        + v(5, 0)  # minReadySeconds int32 omitempty: dropped
        + v(7, 0)  # paused false: dropped
    )
    raw = ld(1, go_meta("d", "ns")) + ld(2, spec) + ld(3, b"")
    assert decode(envelope("apps/v1", "Deployment", raw)) == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "ns"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "d"}},
            "template": {
                "metadata": {"labels": {"app": "d"}},
                "spec": {
                    "containers": [
                        {"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "protocol": "TCP"}], "resources": {}}
                    ],
                    "securityContext": {},
                },
            },
            "strategy": {},
        },
        "status": {},
    }


def test_non_omitempty_zero_is_kept() -> None:
    # PriorityClass.value is `json:"value"` without omitempty: JSON writes 0.
    raw = ld(1, go_meta("pc")) + v(2, 0) + v(3, 0) + s(4, "")
    assert decode(envelope("scheduling.k8s.io/v1", "PriorityClass", raw)) == {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "pc"},
        "value": 0,
    }


def test_negative_int32() -> None:
    raw = ld(1, go_meta("pc")) + v(2, -5)
    assert decode(envelope("scheduling.k8s.io/v1", "PriorityClass", raw))["value"] == -5


def test_inline_field_merges_into_parent() -> None:
    volume = s(1, "v") + ld(2, ld(2, s(1, "")))  # VolumeSource{emptyDir: {medium: ""}}
    pod_spec = ld(1, volume)
    got = decode(envelope("v1", "Pod", ld(1, go_meta("p")) + ld(2, pod_spec)))
    assert got["spec"]["volumes"] == [{"name": "v", "emptyDir": {}}]


# --- special messages ---


def _service_port(target: bytes) -> bytes:
    return s(1, "") + s(2, "TCP") + v(3, 80) + ld(4, target) + v(5, 0)


def test_int_or_string() -> None:
    as_int = v(1, 0) + v(2, 8080) + s(3, "")
    as_str = v(1, 1) + v(2, 0) + s(3, "http")
    spec = ld(1, _service_port(as_int)) + ld(1, _service_port(as_str)) + s(4, "ClusterIP")
    got = decode(envelope("v1", "Service", ld(1, go_meta("svc")) + ld(2, spec)))
    assert [p["targetPort"] for p in got["spec"]["ports"]] == [8080, "http"]
    assert got["spec"]["ports"][0] == {"protocol": "TCP", "port": 80, "targetPort": 8080}


def test_int_or_string_percent_in_pdb() -> None:
    spec = ld(1, v(1, 1) + v(2, 0) + s(3, "50%"))
    got = decode(envelope("policy/v1", "PodDisruptionBudget", ld(1, go_meta("pdb")) + ld(2, spec)))
    assert got["spec"] == {"minAvailable": "50%"}


def test_quantity_map() -> None:
    hard = ld(1, s(1, "cpu") + ld(2, s(1, "500m"))) + ld(1, s(1, "memory") + ld(2, s(1, "1Gi")))
    got = decode(envelope("v1", "ResourceQuota", ld(1, go_meta("q")) + ld(2, hard)))
    assert got["spec"] == {"hard": {"cpu": "500m", "memory": "1Gi"}}


def test_time_and_zero_time() -> None:
    stamp = v(1, 1136214245) + v(2, 999)  # 2006-01-02T15:04:05Z; JSON keeps seconds only
    got = decode(envelope("v1", "Namespace", ld(1, go_meta("ns", created=stamp))))
    assert got["metadata"] == {"name": "ns", "creationTimestamp": "2006-01-02T15:04:05Z"}
    got = decode(envelope("v1", "Namespace", ld(1, go_meta("ns", created=v(1, 0) + v(2, 0)))))
    assert "creationTimestamp" not in got["metadata"]


def test_micro_time() -> None:
    spec = s(1, "holder") + ld(4, v(1, 1136214245) + v(2, 123456789))
    got = decode(envelope("coordination.k8s.io/v1", "Lease", ld(1, go_meta("l")) + ld(2, spec)))
    assert got["spec"] == {"holderIdentity": "holder", "renewTime": "2006-01-02T15:04:05.123456Z"}


@pytest.mark.parametrize(
    ("ns", "text"),
    [
        (0, "0s"), (1, "1ns"), (1500, "1.5µs"), (300_000_000, "300ms"), (1_500_000_000, "1.5s"),
        (3600 * 10**9, "1h0m0s"), (90 * 10**9, "1m30s"), (-(61 * 10**9), "-1m1s"), (10**9, "1s"),
    ],
)
def test_go_duration(ns: int, text: str) -> None:
    assert wire.go_duration(ns) == text


def test_duration_message_via_custom_table() -> None:
    table = schema.parse(
        "package meta/v1 meta.k8s.io/v1\nmessage meta/v1.Duration special=duration\n  1 duration int64\n"
        "package t/v1 t.example/v1\nmessage t/v1.T kind\n  1 timeout meta/v1.Duration\n"
    )
    msg = table.kinds[("t.example/v1", "T")]
    body = ld(1, v(1, 3600 * 10**9))
    assert wire.message(body, 0, len(body), msg) == {"timeout": "1h0m0s"}


def test_fields_v1_is_embedded_json() -> None:
    managed = s(1, "kubectl") + s(2, "Update") + s(3, "v1") + s(6, "FieldsV1") + ld(7, s(1, '{"f:data":{}}'))
    meta = s(1, "cm") + ld(17, managed)
    got = decode(envelope("v1", "ConfigMap", ld(1, meta)))
    assert got["metadata"]["managedFields"] == [
        {"manager": "kubectl", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}}
    ]


# --- repeated scalars ---


def test_repeated_scalars_packed_and_unpacked() -> None:
    packed = ld(4, varint(1) + varint(2) + varint(3))
    unpacked = v(4, 4) + v(4, 0)  # zeros inside a list are values, not omitted
    sec = packed + unpacked
    got = decode(envelope("v1", "Pod", ld(1, go_meta("p")) + ld(2, ld(14, sec))))
    assert got["spec"]["securityContext"] == {"supplementalGroups": [1, 2, 3, 4, 0]}


def test_repeated_strings() -> None:
    got = decode(envelope("v1", "Namespace", ld(1, go_meta("ns")) + ld(2, s(1, "kubernetes") + s(1, "x"))))
    assert got["spec"] == {"finalizers": ["kubernetes", "x"]}


def test_unknown_fields_are_skipped() -> None:
    junk = v(99, 7) + ld(98, b"abc") + key(97, 5) + b"\0\0\0\0" + key(96, 1) + b"\0" * 8
    got = decode(envelope("v1", "ConfigMap", ld(1, go_meta("cm")) + junk + entry(2, "a", b"1")))
    assert got["data"] == {"a": "1"}


def test_double_field() -> None:
    table = schema.parse("package t/v1 t/v1\nmessage t/v1.T kind\n  1 ratio double\n  2 n sint64\n")
    body = key(1, 1) + struct.pack("<d", 0.25) + v(2, 3)  # zigzag 3 -> -2
    assert wire.message(body, 0, len(body), table.kinds[("t/v1", "T")]) == {"ratio": 0.25, "n": -2}


# --- errors ---


def test_bad_magic() -> None:
    with pytest.raises(ValueError, match="expected prefix"):
        decode(b'{"kind":"Namespace"}')


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match='no kind "Nope" is registered for version "v1"'):
        decode(envelope("v1", "Nope", b""))
    with pytest.raises(ValueError, match="missing"):
        decode(envelope("v1", "", b""))


def test_truncated_data_raises() -> None:
    raw = ld(1, go_meta("cm", "default", {"app": "x"})) + entry(2, "a", b"1") + v(4, 1)
    body = envelope("v1", "ConfigMap", raw)
    raw_field = body.index(ld(2, raw))
    # Every cut inside typeMeta or raw fails; only the cut between the two fields leaves
    # a well-formed (empty) object, as protobuf has no end marker.
    for n in range(4, raw_field + len(ld(2, raw))):
        if n == raw_field:
            continue
        with pytest.raises(ValueError):
            decode(body[:n])


def test_wrong_wire_type_raises() -> None:
    with pytest.raises(ValueError, match="wire type"):
        decode(envelope("v1", "ConfigMap", v(1, 5)))  # metadata as a varint


def test_meta_options_under_any_group_version() -> None:
    got = decode(envelope("policy/v1", "DeleteOptions", v(1, 0) + s(4, "Foreground")))
    assert got == {"apiVersion": "policy/v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0, "propagationPolicy": "Foreground"}


# --- the table and the HTTP glue ---


def test_table_pointer_and_omitempty_facts() -> None:
    table = schema.load()
    spec = table.messages["apps/v1.DeploymentSpec"].fields
    assert spec[1].json == "replicas" and spec[1].pointer and spec[1].keep
    assert spec[5].json == "minReadySeconds" and not spec[5].keep
    pod = table.messages["core/v1.PodSpec"].fields
    assert {f.json for f in pod.values() if f.pointer} >= {
        "terminationGracePeriodSeconds", "activeDeadlineSeconds", "automountServiceAccountToken", "enableServiceLinks",
    }
    job = table.messages["batch/v1.JobSpec"].fields
    assert {f.json for f in job.values() if f.pointer} >= {
        "parallelism", "completions", "backoffLimit", "suspend", "ttlSecondsAfterFinished",
    }
    for api_version, kind in [
        ("v1", "Pod"), ("apps/v1", "Deployment"), ("batch/v1", "CronJob"), ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("networking.k8s.io/v1", "Ingress"), ("policy/v1", "Eviction"), ("authentication.k8s.io/v1", "TokenRequest"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"), ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"), ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
    ]:
        assert (api_version, kind) in table.kinds


def test_decode_body_protobuf_and_bad_request() -> None:
    body = envelope("v1", "Namespace", ld(1, go_meta("ns")))
    assert decode_body(body, "application/vnd.kubernetes.protobuf") == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}}
    with pytest.raises(StatusError) as err:
        decode_body(b"garbage", "application/vnd.kubernetes.protobuf")
    assert err.value.code == 400
