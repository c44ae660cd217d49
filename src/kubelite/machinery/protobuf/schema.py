"""The message table (fields.txt) loaded into lookup structures for the decoder."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

TABLE = Path(__file__).with_name("fields.txt")

# Field kinds as small ints: the decoder compares them on every field it reads.
STRING, BYTES, BOOL, INT32, INT64, UINT32, UINT64, SINT32, SINT64 = range(9)
FIXED32, FIXED64, SFIXED32, SFIXED64, DOUBLE, FLOAT, MESSAGE, MAP = range(9, 17)

SCALARS = {
    "string": STRING, "bytes": BYTES, "bool": BOOL, "int32": INT32, "int64": INT64,
    "uint32": UINT32, "uint64": UINT64, "sint32": SINT32, "sint64": SINT64,
    "fixed32": FIXED32, "fixed64": FIXED64, "sfixed32": SFIXED32, "sfixed64": SFIXED64,
    "double": DOUBLE, "float": FLOAT,
}
# The wire type each scalar kind is written with when not packed.
WIRE = {
    STRING: 2, BYTES: 2, BOOL: 0, INT32: 0, INT64: 0, UINT32: 0, UINT64: 0, SINT32: 0, SINT64: 0,
    FIXED32: 5, FIXED64: 1, SFIXED32: 5, SFIXED64: 1, DOUBLE: 1, FLOAT: 5, MESSAGE: 2, MAP: 2,
}


@dataclass(eq=False)
class Field:
    """One message field. `keep` means a zero value is kept (Go pointer, or no omitempty)."""

    number: int
    json: str
    kind: int
    repeated: bool = False
    keep: bool = False
    pointer: bool = False
    inline: bool = False
    message: Message | None = None  # MESSAGE, or a MAP's message value
    key_kind: int = STRING  # MAP only
    value_kind: int = STRING  # MAP only


@dataclass(eq=False)
class Message:
    name: str
    special: str = ""  # time, microtime, duration, json, intorstring, quantity, stringlist
    kind: bool = False  # a top-level kind (embeds TypeMeta)
    fields: dict[int, Field] = field(default_factory=dict)


@dataclass
class Schema:
    messages: dict[str, Message]
    kinds: dict[tuple[str, str], Message]  # (apiVersion, kind) -> message


def _type(spec: str, f: Field, pending: list[tuple[Field, str, bool]]) -> None:
    if spec.startswith("map<"):
        key, value = spec[4:-1].split(",")
        f.kind, f.key_kind = MAP, SCALARS[key]
        if value in SCALARS:
            f.value_kind = SCALARS[value]
        else:
            f.value_kind = MESSAGE
            pending.append((f, value, True))
    elif spec in SCALARS:
        f.kind = SCALARS[spec]
    else:
        f.kind = MESSAGE
        pending.append((f, spec, False))


def parse(text: str) -> Schema:
    """Parse the table format documented at the top of fields.txt."""
    messages: dict[str, Message] = {}
    kinds: dict[tuple[str, str], Message] = {}
    versions: dict[str, str] = {}  # package short name -> apiVersion
    pending: list[tuple[Field, str, bool]] = []
    current: Message | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        try:
            if words[0] == "package":
                versions[words[1]] = words[2]
            elif words[0] == "message":
                current = Message(words[1])
                for w in words[2:]:
                    if w == "kind":
                        current.kind = True
                    elif w.startswith("special="):
                        current.special = w[len("special=") :]
                messages[current.name] = current
                pkg, _, kind = current.name.rpartition(".")
                if current.kind and versions.get(pkg, "-") != "-":
                    kinds[(versions[pkg], kind)] = current
            else:
                assert current is not None
                flags = set(words[3:])
                f = Field(
                    number=int(words[0]),
                    json=words[1],
                    kind=STRING,
                    repeated="rep" in flags,
                    pointer="ptr" in flags,
                    keep="ptr" in flags or "always" in flags,
                    inline="inline" in flags,
                )
                _type(words[2], f, pending)
                current.fields[f.number] = f
        except (IndexError, ValueError, AssertionError, KeyError) as exc:
            raise ValueError(f"{TABLE.name}:{lineno}: bad line {line!r}") from exc
    for f, name, _is_map_value in pending:
        if name not in messages:
            raise ValueError(f"{TABLE.name}: field {f.json} refers to unknown message {name}")
        f.message = messages[name]
    return Schema(messages, kinds)


@functools.cache
def load() -> Schema:
    """The packaged table, parsed once (a few ms) on first use rather than at import."""
    return parse(TABLE.read_text())
