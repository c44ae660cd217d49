"""Storage suite fixtures: an event loop per test, async test functions without a plugin,
and `store`, parametrized over every backend (add etcd to BACKENDS in backends.py)."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    import kubelite  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from kubelite.storage.interface import Storage  # noqa: E402
from tests.storage.backends import BACKENDS, Backend  # noqa: E402

ASYNC_TEST_TIMEOUT = 60.0


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on the test's `loop` fixture when it has one (every storage
    fixture is bound to it), else on a fresh loop. (This conftest's hooks apply only
    to tests under tests/storage/.)"""
    fn = pyfuncitem.obj
    if not inspect.iscoroutinefunction(fn):
        return None
    kwargs: dict[str, Any] = {name: pyfuncitem.funcargs[name] for name in inspect.signature(fn).parameters}
    coro = asyncio.wait_for(fn(**kwargs), ASYNC_TEST_TIMEOUT)
    loop = pyfuncitem.funcargs.get("loop")
    if isinstance(loop, asyncio.AbstractEventLoop):
        loop.run_until_complete(coro)
    else:
        asyncio.run(coro)
    return True


@pytest.fixture(params=sorted(BACKENDS))
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, loop: asyncio.AbstractEventLoop
) -> Iterator[Backend]:
    b = BACKENDS[request.param](tmp_path)
    yield b
    loop.run_until_complete(b.close())


@pytest.fixture
def store(backend: Backend, loop: asyncio.AbstractEventLoop) -> Storage:
    return loop.run_until_complete(backend.open())
