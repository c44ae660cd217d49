"""Durability of a real `kubelite serve`: SIGKILL in the middle of many concurrent writers must lose
no acknowledged write and leave nothing half-written; SIGTERM exits 0 promptly, even with open
watches, and keeps the data."""

from __future__ import annotations

import json
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.e2e.helpers import Raw, raw_for
from tests.e2e.server import KubeliteProcess

WRITERS = 16
NS = "default"
CMS = f"/api/v1/namespaces/{NS}/configmaps"


@dataclass
class Ledger:
    """What the server acknowledged: per object the last acknowledged value and resourceVersion."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    writes: int = 0

    def ack(self, name: str, value: int | None, rv: int) -> None:
        with self.lock:
            self.writes += 1
            entry = self.acked.setdefault(name, {"value": -1, "rv": 0, "deleted": False})
            if rv <= entry["rv"]:
                self.unexpected.append(f"{name}: resourceVersion went backwards: {rv} after {entry['rv']}")
            entry["rv"] = rv
            if value is None:
                entry["deleted"] = True
            else:
                entry["value"] = value

    def max_rv(self) -> int:
        return max(e["rv"] for e in self.acked.values())


def writer(raw: Raw, prefix: str, ledger: Ledger, stop: threading.Event) -> None:
    """Create objects, patch each a few times, delete every fifth; record every success."""
    i = 0
    try:
        while not stop.is_set():
            name = f"{prefix}-{i}"
            resp = raw.post(CMS, body={"metadata": {"name": name, "labels": {"writer": prefix}},
                                       "data": {"v": "0", "pad": "x" * 512}}, timeout=20)
            if resp.status_code != 201:
                ledger.unexpected.append(f"create {name}: {resp.status_code} {resp.text[:200]}")
                return
            ledger.ack(name, 0, int(resp.json()["metadata"]["resourceVersion"]))
            for value in (1, 2, 3):
                resp = raw.patch(f"{CMS}/{name}", body={"data": {"v": str(value)}},
                                 content_type="application/merge-patch+json", timeout=20)
                if resp.status_code != 200:
                    ledger.unexpected.append(f"patch {name}={value}: {resp.status_code} {resp.text[:200]}")
                    return
                body = resp.json()
                if body["data"]["v"] != str(value):
                    ledger.unexpected.append(f"patch {name}={value} answered {body['data']}")
                ledger.ack(name, value, int(body["metadata"]["resourceVersion"]))
            if i % 5 == 4:
                with ledger.lock:  # from here on, the object may be gone even if the delete is never answered
                    ledger.acked[name]["deleting"] = True
                resp = raw.delete(f"{CMS}/{name}", timeout=20)
                if resp.status_code != 200:
                    ledger.unexpected.append(f"delete {name}: {resp.status_code} {resp.text[:200]}")
                    return
                # The delete's own revision is not in the response body; any later write is above it.
                with ledger.lock:
                    ledger.acked[name]["deleted"] = True
            i += 1
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError):
        return  # the server was killed under us


def run_writers(server: KubeliteProcess, ledger: Ledger, round_: int, seconds: float) -> None:
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(raw_for(server), f"r{round_}w{t}", ledger, stop), daemon=True)
               for t in range(WRITERS)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    server.kill()  # SIGKILL while the writers are busy
    stop.set()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive(), "a writer hung after the server was killed"


def verify(raw: Raw, ledger: Ledger) -> None:
    listed = raw.get(CMS)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    items = {i["metadata"]["name"]: i for i in body["items"]}
    for item in body["items"]:
        if "writer" not in item["metadata"].get("labels", {}):
            continue
        assert item["kind"] == "ConfigMap" and item["metadata"]["uid"] and int(item["metadata"]["resourceVersion"]) > 0
        assert set(item.get("data", {})) <= {"v", "pad"}
    lost, stale, resurrected = [], [], []
    for name, entry in ledger.acked.items():
        if entry["deleted"]:
            if name in items:
                resurrected.append(name)
            continue
        if name not in items:
            if not entry.get("deleting"):
                lost.append(name)
            continue
        got = items[name]
        if int(got["data"]["v"]) < entry["value"] or int(got["metadata"]["resourceVersion"]) < entry["rv"]:
            stale.append(f"{name}: acked v={entry['value']} rv={entry['rv']}, "
                         f"stored v={got['data']['v']} rv={got['metadata']['resourceVersion']}")
        assert got["data"]["pad"] == "x" * 512
    assert not lost, f"{len(lost)} acknowledged creates lost after SIGKILL: {lost[:10]}"
    assert not stale, f"{len(stale)} acknowledged updates lost after SIGKILL: {stale[:10]}"
    assert not resurrected, f"{len(resurrected)} acknowledged deletes undone after SIGKILL: {resurrected[:10]}"
    assert int(body["metadata"]["resourceVersion"]) >= ledger.max_rv()
    # Each object reads back individually too, and parses.
    for name in list(items)[:50]:
        one = raw.get(f"{CMS}/{name}")
        assert one.status_code == 200 and json.loads(one.text)["metadata"]["name"] == name


def test_sigkill_loses_no_acknowledged_write(tmp_path: Path) -> None:
    server = KubeliteProcess(tmp_path / "crash")
    ledger = Ledger()
    server.start()
    try:
        for round_ in range(2):
            run_writers(server, ledger, round_, seconds=2.0)
            assert not ledger.unexpected, ledger.unexpected[:5]
            assert ledger.writes > 50, f"only {ledger.writes} writes acknowledged in 2 s"
            server.start()  # the same data dir, after SIGKILL
            raw = raw_for(server)
            verify(raw, ledger)
            # The revision counter continues above everything acknowledged before the crash.
            after = raw.post(CMS, body={"metadata": {"name": f"after-crash-{round_}"}})
            assert after.status_code == 201, after.text
            assert int(after.json()["metadata"]["resourceVersion"]) > ledger.max_rv()
            patched = raw.patch(f"{CMS}/after-crash-{round_}", body={"data": {"ok": "1"}}, content_type="application/merge-patch+json")
            assert patched.status_code == 200
            # A write to an object that existed before the crash conflicts on a stale resourceVersion, as before.
            survivor = next(n for n, e in ledger.acked.items() if not e["deleted"])
            current = raw.get(f"{CMS}/{survivor}").json()
            stale = dict(current, metadata=dict(current["metadata"], resourceVersion="1"))
            assert raw.put(f"{CMS}/{survivor}", body=stale).status_code == 409
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.kill()


def test_sigterm_exits_zero_and_keeps_the_data(tmp_path: Path) -> None:
    server = KubeliteProcess(tmp_path / "graceful")
    server.start()
    try:
        raw = raw_for(server)
        for i in range(20):
            assert raw.post(CMS, body={"metadata": {"name": f"keep-{i}"}, "data": {"i": str(i)}}).status_code == 201
        raw.session.close()  # no idle keep-alive connection left open
        started = time.monotonic()
        code = server.stop(signal.SIGTERM, timeout=15)
        elapsed = time.monotonic() - started
        assert (code, elapsed < 5) == (0, True), f"SIGTERM: exit code {code} after {elapsed:.1f} s"
        server.start()
        raw = raw_for(server)
        stored = {i["metadata"]["name"]: i.get("data") for i in raw.get(CMS).json()["items"]}
        assert all(stored.get(f"keep-{i}") == {"i": str(i)} for i in range(20))
        raw.session.close()
        assert server.stop(signal.SIGINT, timeout=15) == 0
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.kill()


def test_sigterm_with_an_open_watch_and_idle_connections_is_prompt(tmp_path: Path) -> None:
    server = KubeliteProcess(tmp_path / "watching")
    server.start()
    raw = raw_for(server)
    rv = raw.get(CMS).json()["metadata"]["resourceVersion"]
    ended = threading.Event()
    seen: list[str] = []

    def watch() -> None:
        try:
            resp = raw_for(server).get(CMS, params={"watch": "1", "resourceVersion": rv}, stream=True, timeout=60)
            for line in resp.iter_lines():
                if line:
                    seen.append(json.loads(line)["type"])
        except requests.RequestException:
            pass
        ended.set()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    time.sleep(0.5)
    assert raw.post(CMS, body={"metadata": {"name": "during-watch"}}).status_code == 201  # leaves a keep-alive connection
    time.sleep(0.3)
    started = time.monotonic()
    try:
        server.stop(signal.SIGTERM, timeout=15)
    except Exception:
        raise AssertionError("kubelite did not exit within 15 s of SIGTERM") from None
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"SIGTERM with an open watch and an idle keep-alive connection took {elapsed:.1f} s"
    assert ended.wait(5), "the open watch was not closed by the shutdown"
    assert seen == ["ADDED"]
    server.start()
    try:
        assert raw_for(server).get(f"{CMS}/during-watch").status_code == 200
    finally:
        server.kill()
