"""Maintenance tool, not imported at run time: regenerates fields.txt from a kubectl binary.

A Go kubectl binary carries exactly the facts the decoder needs, for its own Kubernetes
version: the gzipped FileDescriptorProtos that gogo-protobuf registers for each
`generated.proto` (names, numbers, wire types, gogoproto.nullable) and Go's reflect type
data for the API structs (json tag name, `omitempty`, `,inline`, pointer or not).
Reading both from one binary keeps the table consistent with one release, without
copying upstream sources.

    python -m kubelite.machinery.protobuf.generate /path/to/kubectl.1.33 > fields.txt

Only statically linked, non-PIE amd64 ELF binaries (what upstream releases) are handled.
"""

from __future__ import annotations

import re
import struct
import sys
import zlib
from dataclasses import dataclass, field

# proto package -> (short name used in the table, apiVersion prefix of its kinds or "").
PACKAGES: dict[str, tuple[str, str]] = {
    "k8s.io.apimachinery.pkg.apis.meta.v1": ("meta/v1", "meta.k8s.io/v1"),
    "k8s.io.apimachinery.pkg.util.intstr": ("intstr", ""),
    "k8s.io.apimachinery.pkg.api.resource": ("resource", ""),
    "k8s.io.apimachinery.pkg.runtime": ("runtime", ""),
    "k8s.io.api.core.v1": ("core/v1", "v1"),
    "k8s.io.api.apps.v1": ("apps/v1", "apps/v1"),
    "k8s.io.api.batch.v1": ("batch/v1", "batch/v1"),
    "k8s.io.api.rbac.v1": ("rbac/v1", "rbac.authorization.k8s.io/v1"),
    "k8s.io.api.networking.v1": ("networking/v1", "networking.k8s.io/v1"),
    "k8s.io.api.policy.v1": ("policy/v1", "policy/v1"),
    "k8s.io.api.scheduling.v1": ("scheduling/v1", "scheduling.k8s.io/v1"),
    "k8s.io.api.authentication.v1": ("authentication/v1", "authentication.k8s.io/v1"),
    "k8s.io.api.authorization.v1": ("authorization/v1", "authorization.k8s.io/v1"),
    "k8s.io.api.autoscaling.v1": ("autoscaling/v1", "autoscaling/v1"),
    "k8s.io.api.autoscaling.v2": ("autoscaling/v2", "autoscaling/v2"),
    "k8s.io.api.coordination.v1": ("coordination/v1", "coordination.k8s.io/v1"),
    "k8s.io.api.discovery.v1": ("discovery/v1", "discovery.k8s.io/v1"),
    "k8s.io.api.storage.v1": ("storage/v1", "storage.k8s.io/v1"),
    "k8s.io.api.events.v1": ("events/v1", "events.k8s.io/v1"),
    "k8s.io.api.certificates.v1": ("certificates/v1", "certificates.k8s.io/v1"),
    "k8s.io.api.admissionregistration.v1": ("admissionregistration/v1", "admissionregistration.k8s.io/v1"),
    "k8s.io.api.node.v1": ("node/v1", "node.k8s.io/v1"),
    "k8s.io.api.flowcontrol.v1": ("flowcontrol/v1", "flowcontrol.apiserver.k8s.io/v1"),
}

# Messages whose Go type has its own JSON form; the decoder converts them by name.
SPECIAL = {
    "meta/v1.Time": "time",
    "meta/v1.MicroTime": "microtime",
    "meta/v1.Duration": "duration",
    "meta/v1.FieldsV1": "json",
    "runtime.RawExtension": "json",
    "intstr.IntOrString": "intorstring",
    "resource.Quantity": "quantity",
    "resource.QuantityValue": "quantity",
    "meta/v1.Verbs": "stringlist",
    "authentication/v1.ExtraValue": "stringlist",
    "authorization/v1.ExtraValue": "stringlist",
    "certificates/v1.ExtraValue": "stringlist",
}

SCALARS = {
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
    9: "string", 12: "bytes", 13: "uint32", 14: "int32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64",
}
_GO_POINTER, _GO_STRUCT = 22, 25


def _varint(b: bytes, i: int) -> tuple[int, int]:
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def _fields(b: bytes) -> list[tuple[int, int | bytes]]:
    out: list[tuple[int, int | bytes]] = []
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        wire = key & 7
        v: int | bytes
        if wire == 0:
            v, i = _varint(b, i)
        elif wire == 2:
            n, i = _varint(b, i)
            v, i = b[i : i + n], i + n
        elif wire == 1:
            v, i = b[i : i + 8], i + 8
        elif wire == 5:
            v, i = b[i : i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        out.append((key >> 3, v))
    return out


@dataclass
class ProtoField:
    name: str
    number: int
    repeated: bool
    type: int
    type_name: str
    nullable: bool


@dataclass
class ProtoMessage:
    fields: list[ProtoField] = field(default_factory=list)
    map_entry: bool = False


def _b(v: int | bytes) -> bytes:
    assert isinstance(v, bytes)
    return v


def _parse_field(b: bytes) -> ProtoField:
    f = dict(_fields(b))
    opts = _fields(_b(f[8])) if 8 in f else []
    return ProtoField(
        name=_b(f[1]).decode(),
        number=int(f[3]),
        repeated=f.get(4) == 3,  # LABEL_REPEATED
        type=int(f[5]),
        type_name=_b(f[6]).decode() if 6 in f else "",
        nullable=(65001, 0) not in opts,  # gogoproto.nullable=false
    )


def _parse_message(b: bytes, prefix: str, out: dict[str, ProtoMessage]) -> None:
    msg = ProtoMessage()
    name = ""
    for num, v in _fields(b):
        if num == 1:
            name = _b(v).decode()
        elif num == 2:
            msg.fields.append(_parse_field(_b(v)))
        elif num == 3:
            _parse_message(_b(v), f"{prefix}.{name}", out)
        elif num == 7:
            msg.map_entry = (7, 1) in _fields(_b(v))  # MessageOptions.map_entry
    out[f"{prefix}.{name}"] = msg


def proto_messages(binary: bytes) -> dict[str, ProtoMessage]:
    """Every gzipped FileDescriptorProto in the binary, flattened to '.pkg.Msg' -> message."""
    out: dict[str, ProtoMessage] = {}
    for m in re.finditer(rb"\x1f\x8b\x08\x00\x00\x00\x00\x00", binary):
        try:
            raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(binary[m.start() : m.start() + 4_000_000])
        except zlib.error:
            continue
        if not raw.startswith(b"\x0a") or b"generated.proto" not in raw[:120]:
            continue
        top = _fields(raw)
        pkg = next(v for n, v in top if n == 2)
        assert isinstance(pkg, bytes)
        for n, v in top:
            if n == 4:
                assert isinstance(v, bytes)
                _parse_message(v, "." + pkg.decode(), out)
    return out


@dataclass
class GoField:
    name: str
    tag: str
    pointer: bool
    embedded: bool


class GoTypes:
    """Go reflect struct types of a static amd64 ELF (Go 1.2x abi layout)."""

    def __init__(self, binary: bytes) -> None:
        self.b = binary
        shoff, = struct.unpack_from("<Q", binary, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", binary, 0x3A)
        sections = [struct.unpack_from("<IIQQQQ", binary, shoff + k * shentsize) for k in range(shnum)]
        strtab = sections[shstrndx][4]
        for name_off, _t, _f, addr, off, size in sections:
            name = binary[strtab + name_off : binary.index(b"\0", strtab + name_off)]
            if name == b".rodata":
                self.va, self.off, self.size = addr, off, size
        # moduledata.types starts at .rodata in the Go linker's layout.
        self.types_base = self.va

    def _o(self, va: int) -> int:
        return va - self.va + self.off

    def _in(self, va: int) -> bool:
        return self.va <= va < self.va + self.size

    def _name(self, va: int) -> tuple[int, str, str]:
        i = self._o(va)
        flags = self.b[i]
        n, j = _varint(self.b, i + 1)
        name = self.b[j : j + n].decode("utf-8", "replace")
        j += n
        tag = ""
        if flags & 2:
            t, j = _varint(self.b, j)
            tag = self.b[j : j + t].decode("utf-8", "replace")
        return flags, name, tag

    def _typestr(self, va: int) -> str:
        i = self._o(va)
        tflag = self.b[i + 20]
        (name_off,) = struct.unpack_from("<i", self.b, i + 40)
        s = self._name(self.types_base + name_off)[1]
        return s[1:] if tflag & 2 else s

    def structs(self) -> dict[tuple[str, str], list[GoField]]:
        """(package path, type name) -> fields, for named structs with protobuf tags."""
        out: dict[tuple[str, str], list[GoField]] = {}
        b, base = self.b, self.off
        for p in range(0, self.size - 96, 8):
            at = base + p
            if b[at + 23] & 0x1F != _GO_STRUCT or not b[at + 20] & 1:  # struct with uncommon type
                continue
            fp, fl, fc = struct.unpack_from("<QQQ", b, at + 56)
            if not (0 < fl < 400 and fl == fc and self._in(fp)):
                continue
            fields: list[GoField] = []
            try:
                for k in range(fl):
                    nva, tva, _ = struct.unpack_from("<QQQ", b, self._o(fp) + 24 * k)
                    if not (self._in(nva) and self._in(tva)):
                        raise ValueError
                    flags, name, tag = self._name(nva)
                    kind = b[self._o(tva) + 23] & 0x1F
                    fields.append(GoField(name, tag, kind == _GO_POINTER, bool(flags & 8)))
            except (ValueError, IndexError, UnicodeDecodeError):
                continue
            if not any('protobuf:"' in f.tag for f in fields):
                continue
            (pkg_off,) = struct.unpack_from("<i", b, at + 80)
            pkg = self._name(self.types_base + pkg_off)[1]
            tname = self._typestr(self.va + p).rsplit(".", 1)[-1]
            out[(pkg, tname)] = fields
        return out


_TAG = re.compile(r'(\w+):"([^"]*)"')


def _short(full: str) -> str:
    pkg, _, name = full.lstrip(".").rpartition(".")
    if pkg in PACKAGES:
        return f"{PACKAGES[pkg][0]}.{name}"
    # nested map entry: parent message is part of the "package"
    ppkg, _, parent = pkg.rpartition(".")
    return f"{PACKAGES[ppkg][0]}.{parent}.{name}"


def generate(binary: bytes, version: str) -> str:
    protos = proto_messages(binary)
    gostructs = GoTypes(binary).structs()
    lines = [
        f"# kubelite protobuf field table, Kubernetes {version}; written by generate.py; rules in __init__.py.",
        "# package <short> <apiVersion of its kinds or ->",
        "# message <short>.<Name> [kind] [special=<how>]",
        "#   <number> <json name or - when inline> <type> [rep] [ptr] [always] [inline]",
        "# type: a scalar (string bytes bool int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64",
        "#   sfixed32 sfixed64 double float), a message <short>.<Name>, or map<key,value>.",
        "# ptr: a Go pointer field; always: no omitempty in its json tag (both keep zero values).",
    ]
    problems: list[str] = []
    for pkg, (short, api_version) in PACKAGES.items():
        lines.append(f"package {short} {api_version or '-'}")
        gopkg = "k8s.io/" + pkg[len("k8s.io.") :].replace(".", "/")
        for full in sorted(n for n in protos if n.rpartition(".")[0] == "." + pkg):
            msg = protos[full]
            name = full.rpartition(".")[2]
            qual = f"{short}.{name}"
            gofields = gostructs.get((gopkg, name))
            head = f"message {qual}"
            if qual in SPECIAL:
                head += f" special={SPECIAL[qual]}"
            elif gofields is None:
                problems.append(f"no Go struct for {qual}")
            elif any(f.embedded and f.name == "TypeMeta" for f in gofields):
                head += " kind"
            lines.append(head)
            bynum: dict[int, GoField] = {}
            for gf in gofields or []:
                tags = dict(_TAG.findall(gf.tag))
                parts = tags.get("protobuf", "").split(",")
                if len(parts) > 1 and parts[1].isdigit():
                    bynum[int(parts[1])] = gf
            for pf in sorted(msg.fields, key=lambda f: f.number):
                flags: list[str] = []
                jname = pf.name
                if pf.type == 11:
                    entry = protos[pf.type_name]
                    if entry.map_entry:
                        k, v = sorted(entry.fields, key=lambda f: f.number)
                        vt = _short(v.type_name) if v.type == 11 else SCALARS[v.type]
                        typ = f"map<{SCALARS[k.type]},{vt}>"
                    else:
                        typ = _short(pf.type_name)
                else:
                    typ = SCALARS[pf.type]
                if pf.repeated and not typ.startswith("map<"):
                    flags.append("rep")
                gf_or_none = None if qual in SPECIAL else bynum.get(pf.number)
                # (special messages are converted as a whole; their Go tags say json:"-")
                if gf_or_none is not None:
                    gf = gf_or_none
                    tags = dict(_TAG.findall(gf.tag))
                    jparts = tags.get("json", "").split(",")
                    if gf.pointer:
                        flags.append("ptr")
                    # omitempty only matters for scalars: Go's JSON always writes structs.
                    if "omitempty" not in jparts[1:] and not pf.repeated and pf.type != 11:
                        flags.append("always")
                    if "inline" in jparts[1:]:
                        flags.append("inline")
                        jname = "-"
                    elif jparts[0] and jparts[0] not in ("-", pf.name):
                        problems.append(f"{qual}.{pf.name}: json name {jparts[0]}")
                        jname = jparts[0]
                    if gf.pointer != pf.nullable and pf.type not in (11, 12) and not pf.repeated:
                        problems.append(f"{qual}.{pf.name}: pointer {gf.pointer} but nullable {pf.nullable}")
                elif gofields is not None and qual not in SPECIAL:
                    problems.append(f"{qual}.{pf.name}: no Go field")
                lines.append(" ".join([f"  {pf.number}", jname, typ, *flags]))
    for p in problems:
        print("warning:", p, file=sys.stderr)
    return "\n".join(lines) + "\n"


def main() -> None:
    binary = open(sys.argv[1], "rb").read()  # noqa: SIM115 - a one-shot tool
    m = re.search(rb"\x00v1\.(\d+)\.\d+\x00", binary) or re.search(rb"v1\.(\d+)\.\d+", binary)
    version = sys.argv[2] if len(sys.argv) > 2 else (m.group(0).strip(b"\0").decode() if m else "?")
    sys.stdout.write(generate(binary, version))


if __name__ == "__main__":
    main()
