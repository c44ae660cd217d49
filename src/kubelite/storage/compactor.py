"""Periodic compaction of storage history (upstream's --etcd-compaction-interval).

Every interval, compact to the revision seen at the PREVIOUS tick, so clients always
have at least one interval to resume a watch before its revision turns 410 Gone.
"""

from __future__ import annotations

import asyncio
import logging

from kubelite.storage.interface import Storage, StorageError

log = logging.getLogger(__name__)


async def run_compactor(storage: Storage, interval: float = 300.0) -> None:
    """Run until cancelled (start it as a task next to the storage)."""
    previous = 0
    while True:
        await asyncio.sleep(interval)
        try:
            if previous:
                await storage.compact(previous)
            previous = await storage.current_revision()
        except StorageError:
            log.warning("compaction failed", exc_info=True)
