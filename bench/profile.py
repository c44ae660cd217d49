"""py-spy sampling of a server process during a scenario (`--profile DIR`): the raw
collapsed stacks are kept, and summarized as the top frames by own time and by
inclusive time, as percentages of the samples.

Only samples of threads holding the GIL are kept (`py-spy --gil`): in a server whose
Python code runs on one event loop, GIL time is the scarce resource; SQLite work in
threads that released the GIL runs on the other core and does not show."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import shutil
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path


class Profiler:
    def __init__(self, out_dir: Path, rate: int = 200) -> None:
        self.out_dir = out_dir
        self.rate = rate
        self.exe = shutil.which("py-spy")
        if self.exe is None:
            raise SystemExit("--profile needs py-spy (pip install py-spy)")
        out_dir.mkdir(parents=True, exist_ok=True)

    @contextlib.asynccontextmanager
    async def record(self, name: str, pid: int | None) -> AsyncIterator[None]:
        if pid is None:
            yield
            return
        raw = self.out_dir / f"{name}.txt"
        proc = subprocess.Popen(
            [str(self.exe), "record", "--pid", str(pid), "--rate", str(self.rate), "--nonblocking", "--gil",
             "--format", "raw", "--output", str(raw)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        await asyncio.sleep(0.5)  # let it attach
        try:
            yield
        finally:
            proc.send_signal(signal.SIGINT)
            await asyncio.to_thread(proc.wait)
            if raw.exists():
                (self.out_dir / f"{name}.top.txt").write_text(summarize(raw))


def summarize(raw: Path, top: int = 25) -> str:
    """Top frames by own ('self') and inclusive time from py-spy's collapsed stacks."""
    own: collections.Counter[str] = collections.Counter()
    incl: collections.Counter[str] = collections.Counter()
    own_file: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] += n
        own_file[_file(frames[-1])] += n
        for f in set(frames):
            incl[f] += n
    if not total:
        return "no samples\n"
    out = [f"{total} samples", "", "own time by file:"]
    out += [f"{100 * n / total:5.1f}%  {f}" for f, n in own_file.most_common(top)]
    out += ["", "own time:"]
    out += [f"{100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    out += ["", "inclusive time:"]
    out += [f"{100 * n / total:5.1f}%  {f}" for f, n in incl.most_common(top * 2)]
    return "\n".join(out) + "\n"


def _file(frame: str) -> str:
    """'func (path/file.py:12)' -> 'path/file.py'."""
    inside = frame.rpartition(" (")[2]
    return inside.rsplit(":", 1)[0] if inside.endswith(")") else frame
