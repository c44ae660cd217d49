"""Watch against a real `kubelite serve`, through `kubernetes.watch.Watch` and raw streaming HTTP:
initial events, resuming from a resourceVersion, selectors, bookmarks, timeouts and 410 Gone."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kubernetes import client, config, watch

from tests.e2e.helpers import Raw, api_exception, exc_status, expect_status, make_namespace, raw_for
from tests.e2e.server import KubeliteProcess

# Every namespace holds the CA bundle ConfigMap its controller keeps; the tests watch their own.
SYSTEM_CONFIGMAP = "kube-root-ca.crt"


def events(core: client.CoreV1Api, ns: str, seconds: int = 2, **kw: Any) -> list[dict[str, Any]]:
    """Every event of one watch, until the server ends it after `seconds` (timeoutSeconds)."""
    out = []
    start = time.monotonic()
    for event in watch.Watch().stream(core.list_namespaced_config_map, ns, timeout_seconds=seconds, **kw):
        if event["raw_object"].get("metadata", {}).get("name") == SYSTEM_CONFIGMAP:
            continue
        out.append(event)
        assert time.monotonic() - start < seconds + 10, "the server did not end the watch at timeoutSeconds"
    return out


def summary(evts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["type"], e["raw_object"]["metadata"].get("name", "")) for e in evts if e["type"] != "BOOKMARK"]


def rv(obj: Any) -> int:
    return int(obj["metadata"]["resourceVersion"] if isinstance(obj, dict) else obj.metadata.resource_version)


class RawWatch:
    """A raw streaming watch read by a background thread: lines are parsed into a queue."""

    def __init__(self, raw: Raw, path: str, params: dict[str, Any]) -> None:
        self.resp = raw.get(path, params={"watch": "1", **params}, stream=True, timeout=60)
        self.lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for line in self.resp.iter_lines():
                if line:
                    event = json.loads(line)
                    if event.get("object", {}).get("metadata", {}).get("name") == SYSTEM_CONFIGMAP:
                        continue
                    self.lines.put(event)
        except (requests.RequestException, AttributeError, ValueError):
            pass
        finally:
            self.lines.put(None)

    def next(self, timeout: float = 10) -> dict[str, Any] | None:
        return self.lines.get(timeout=timeout)

    def close(self) -> None:
        # Shut the socket down first: closing a response another thread is reading would wait for the stream's end.
        conn = getattr(self.resp.raw, "connection", None)
        sock = getattr(conn, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.resp.close()
        self.thread.join(5)


def test_initial_events_when_resource_version_unset(core: client.CoreV1Api, ns: str) -> None:
    for name in ("i1", "i2", "i3"):
        core.create_namespaced_config_map(ns, {"metadata": {"name": name}})
    got = events(core, ns, seconds=1)
    assert sorted(summary(got)) == [("ADDED", "i1"), ("ADDED", "i2"), ("ADDED", "i3")]
    assert all(isinstance(e["object"], client.V1ConfigMap) for e in got)
    # "0" means any state: also starts with the current objects.
    assert sorted(summary(events(core, ns, seconds=1, resource_version="0"))) == sorted(summary(got))


def test_resume_from_resource_version_is_exact_and_ordered(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "before"}})
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, {"metadata": {"name": "a"}, "data": {"v": "1"}})
    core.patch_namespaced_config_map("a", ns, {"data": {"v": "2"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "b"}})
    core.delete_namespaced_config_map("a", ns)
    core.patch_namespaced_config_map("b", ns, {"metadata": {"labels": {"x": "y"}}})
    core.patch_namespaced_config_map("before", ns, {"data": {"late": "1"}})

    got = events(core, ns, seconds=2, resource_version=start)
    expected = [("ADDED", "a"), ("MODIFIED", "a"), ("ADDED", "b"), ("DELETED", "a"), ("MODIFIED", "b"), ("MODIFIED", "before")]
    assert summary(got) == expected
    versions = [rv(e["raw_object"]) for e in got]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert versions[0] > int(start)
    assert got[1]["raw_object"]["data"] == {"v": "2"}
    assert got[3]["raw_object"]["data"] == {"v": "2"}  # DELETED carries the last state

    # Resuming from the middle gets exactly the rest.
    middle = str(versions[2])
    assert summary(events(core, ns, seconds=1, resource_version=middle)) == expected[3:]
    assert summary(events(core, ns, seconds=1, resource_version=str(versions[-1]))) == []


def test_label_selector_watch_sees_objects_leave_and_enter(core: client.CoreV1Api, ns: str, raw: Raw) -> None:
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    live = RawWatch(raw, f"/api/v1/namespaces/{ns}/configmaps", {"labelSelector": "sel=yes", "resourceVersion": start})
    try:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "x", "labels": {"sel": "yes"}}})
        core.create_namespaced_config_map(ns, {"metadata": {"name": "other", "labels": {"sel": "no"}}})
        core.patch_namespaced_config_map("x", ns, {"metadata": {"labels": {"sel": "no"}}})
        core.patch_namespaced_config_map("x", ns, {"data": {"unseen": "1"}})
        core.patch_namespaced_config_map("x", ns, {"metadata": {"labels": {"sel": "yes"}}})
        core.patch_namespaced_config_map("x", ns, {"data": {"seen": "1"}})
        core.delete_namespaced_config_map("x", ns)
        core.delete_namespaced_config_map("other", ns)

        expected = [("ADDED", "x"), ("DELETED", "x"), ("ADDED", "x"), ("MODIFIED", "x"), ("DELETED", "x")]
        got = [e for e in events(core, ns, seconds=2, resource_version=start, label_selector="sel=yes")]
        assert summary(got) == expected
        left = got[1]["raw_object"]
        assert left["metadata"]["labels"] == {"sel": "no"}  # the object as it left the selection
        assert got[2]["raw_object"]["data"] == {"unseen": "1"}

        live_events = []
        for _ in expected:
            event = live.next()
            assert event is not None, f"the live watch ended early after {live_events}"
            live_events.append((event["type"], event["object"]["metadata"]["name"]))
        assert live_events == expected
    finally:
        live.close()


def test_field_selector_watch(core: client.CoreV1Api, ns: str) -> None:
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    for name in ("target", "noise1", "noise2"):
        core.create_namespaced_config_map(ns, {"metadata": {"name": name}})
        core.patch_namespaced_config_map(name, ns, {"data": {"k": "v"}})
    core.delete_namespaced_config_map("target", ns)
    got = events(core, ns, seconds=1, resource_version=start, field_selector="metadata.name=target")
    assert summary(got) == [("ADDED", "target"), ("MODIFIED", "target"), ("DELETED", "target")]
    got = events(core, ns, seconds=1, resource_version=start, field_selector="metadata.name!=target")
    assert [n for _, n in summary(got)] == ["noise1", "noise1", "noise2", "noise2"]
    # Across all namespaces with a namespace field selector.
    everywhere = []
    for event in watch.Watch().stream(core.list_config_map_for_all_namespaces, timeout_seconds=1,
                                      resource_version=start, field_selector=f"metadata.namespace={ns},metadata.name=noise2"):
        everywhere.append(event)
    assert summary(everywhere) == [("ADDED", "noise2"), ("MODIFIED", "noise2")]


def test_bookmarks(core: client.CoreV1Api, ns: str, raw: Raw) -> None:
    listed = core.list_namespaced_config_map(ns)
    core.create_namespaced_config_map(ns, {"metadata": {"name": "bm"}})
    started = time.monotonic()
    live = RawWatch(raw, f"/api/v1/namespaces/{ns}/configmaps",
                    {"allowWatchBookmarks": "true", "timeoutSeconds": "25", "resourceVersion": listed.metadata.resource_version})
    unasked = RawWatch(raw, f"/api/v1/namespaces/{ns}/configmaps", {"timeoutSeconds": "25"})
    try:
        first = live.next()
        assert first is not None and (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "bm")
        bookmark = None
        while bookmark is None:
            event = live.next(timeout=25)
            assert event is not None, "the watch ended without a BOOKMARK"
            if event["type"] == "BOOKMARK":
                bookmark = event
            assert time.monotonic() - started < 20, "no BOOKMARK within 20 s"
        # A watch that did not ask for bookmarks gets none.
        unasked_types = []
        while not unasked.lines.empty() and (event := unasked.next()) is not None:
            unasked_types.append(event["type"])
        assert unasked_types == ["ADDED"]
    finally:
        live.close()
        unasked.close()
    obj = bookmark["object"]
    assert (obj["kind"], obj["apiVersion"]) == ("ConfigMap", "v1")
    assert rv(obj) >= rv(first["object"])
    assert set(obj["metadata"]) <= {"resourceVersion", "creationTimestamp", "annotations"}
    # Resuming from a bookmark's resourceVersion delivers only what came after it.
    core.create_namespaced_config_map(ns, {"metadata": {"name": "after-bookmark"}})
    assert summary(events(core, ns, seconds=1, resource_version=obj["metadata"]["resourceVersion"])) == [("ADDED", "after-bookmark")]


def test_timeout_seconds_ends_the_stream(raw: Raw, core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "t"}})
    started = time.monotonic()
    resp = raw.get(f"/api/v1/namespaces/{ns}/configmaps", params={"watch": "true", "timeoutSeconds": "2"}, stream=True, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/json")
    lines = [json.loads(line) for line in resp.iter_lines() if line]
    lines = [e for e in lines if e["object"]["metadata"]["name"] != SYSTEM_CONFIGMAP]
    elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 6, elapsed
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in lines] == [("ADDED", "t")]
    assert lines[0]["object"]["kind"] == "ConfigMap" and lines[0]["object"]["apiVersion"] == "v1"

    started = time.monotonic()
    assert summary(events(core, ns, seconds=1)) == [("ADDED", "t")]
    assert time.monotonic() - started < 5


def test_live_watch_through_the_client(core: client.CoreV1Api, ns: str) -> None:
    w = watch.Watch()
    seen: list[tuple[str, str]] = []
    done = threading.Event()

    def consume() -> None:
        for event in w.stream(core.list_namespaced_config_map, ns, timeout_seconds=10):
            if event["object"].metadata.name == SYSTEM_CONFIGMAP:
                continue
            seen.append((event["type"], event["object"].metadata.name))
            if len(seen) == 3:
                w.stop()
        done.set()

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    time.sleep(0.5)
    core.create_namespaced_config_map(ns, {"metadata": {"name": "live"}})
    core.patch_namespaced_config_map("live", ns, {"data": {"a": "b"}})
    core.delete_namespaced_config_map("live", ns)
    assert done.wait(8), f"watch saw only {seen}"
    assert seen == [("ADDED", "live"), ("MODIFIED", "live"), ("DELETED", "live")]


def test_watch_is_namespaced(core: client.CoreV1Api, ns: str, api_client: client.ApiClient) -> None:
    other = next(make_namespace(api_client))
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(other, {"metadata": {"name": "elsewhere"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "here"}})
    assert summary(events(core, ns, seconds=1, resource_version=start)) == [("ADDED", "here")]
    core.delete_namespace(other)


# --- 410 Gone after compaction (a dedicated server compacting every second)


@pytest.fixture(scope="module")
def compacting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeliteProcess]:
    server = KubeliteProcess(tmp_path_factory.mktemp("compacting"), ["--etcd-compaction-interval=1s"])
    server.start()
    yield server
    server.kill()


def test_compacted_revisions_are_gone(compacting: KubeliteProcess) -> None:
    api = config.new_client_from_config(config_file=str(compacting.kubeconfig))
    core = client.CoreV1Api(api)
    raw = raw_for(compacting)
    ns = "default"
    first = core.create_namespaced_config_map(ns, {"metadata": {"name": "old0"}, "data": {"v": "0"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "old1"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "old2"}})
    page = core.list_namespaced_config_map(ns, limit=1)
    token = page.metadata._continue
    assert token
    old = first.metadata.resource_version
    for i in range(10):
        core.patch_namespaced_config_map("old0", ns, {"data": {"v": str(i + 1)}})

    def exact_old() -> requests.Response:
        return raw.get(f"/api/v1/namespaces/{ns}/configmaps", params={"resourceVersion": old, "resourceVersionMatch": "Exact"})

    # Before compaction the old revision is still readable ...
    before = exact_old()
    assert before.status_code == 200, before.text
    # ... and within a few compaction intervals it is gone.
    deadline = time.monotonic() + 8
    while (resp := exact_old()).status_code == 200:
        assert time.monotonic() < deadline, "revision not compacted within 8 s with --etcd-compaction-interval=1s"
        time.sleep(0.25)
    status = expect_status(resp, 410, "Expired")
    assert status["message"]

    # A continue token from before the compaction has expired too.
    exc = api_exception(core.list_namespaced_config_map, ns, limit=1, _continue=token)
    assert exc.status == 410 and exc_status(exc)["reason"] == "Expired"

    # On the wire: a 200 stream whose first event is an ERROR carrying a 410 Status.
    stream = raw.get(f"/api/v1/namespaces/{ns}/configmaps", params={"watch": "1", "resourceVersion": old, "timeoutSeconds": "3"},
                     stream=True, timeout=30)
    assert stream.status_code == 200, stream.text
    event = json.loads(next(line for line in stream.iter_lines() if line))
    stream.close()
    assert event["type"] == "ERROR"
    obj = event["object"]
    assert (obj["kind"], obj["code"], obj["reason"], obj["status"]) == ("Status", 410, "Expired", "Failure")
    assert "too old resource version" in obj["message"]

    # The kubernetes client's Watch raises ApiException 410 (with timeoutSeconds it does not retry).
    exc = api_exception(lambda: list(watch.Watch().stream(core.list_namespaced_config_map, ns, resource_version=old, timeout_seconds=3)))
    assert exc.status == 410

    # The current state is unaffected: a fresh list and a watch from it work.
    fresh = core.list_namespaced_config_map(ns)
    assert {i.metadata.name: i.data for i in fresh.items}["old0"] == {"v": "10"}
    core.patch_namespaced_config_map("old0", ns, {"data": {"v": "new"}})
    got = list(watch.Watch().stream(core.list_namespaced_config_map, ns, resource_version=fresh.metadata.resource_version, timeout_seconds=1))
    assert summary(got) == [("MODIFIED", "old0")]
