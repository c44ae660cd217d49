"""Key-range helpers shared by the backends: turning a key prefix into a half-open range."""

from __future__ import annotations


def prefix_end(prefix: str) -> str | None:
    """The smallest string greater than every string starting with prefix (None: no bound).

    SQLite and etcd compare keys as UTF-8 bytes; UTF-8 preserves code point order, so
    bumping the last code point gives the exclusive upper bound (like etcd's
    GetPrefixRangeEnd). Surrogates cannot be encoded, so they are skipped.
    """
    chars = list(prefix)
    while chars:
        last = ord(chars.pop())
        if last < 0x10FFFF:
            nxt = last + 1
            if 0xD800 <= nxt <= 0xDFFF:
                nxt = 0xE000
            return "".join(chars) + chr(nxt)
    return None
