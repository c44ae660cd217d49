"""Table printing helpers: ages as upstream's HumanDuration prints them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubelite.endpoints.table import age, human_duration


@pytest.mark.parametrize(
    ("seconds", "printed"),
    [(-5, "<invalid>"), (-0.5, "0s"), (59, "59s"), (119, "119s"), (125, "2m5s"), (600, "10m"), (7200, "120m"), (4 * 3600, "4h"),
     (3 * 3600 + 60 * 5, "3h5m"), (30 * 3600, "30h"), (50 * 3600, "2d2h"), (10 * 86400, "10d"),
     (3 * 365 * 86400, "3y"), (9 * 365 * 86400, "9y")],
)
def test_human_duration(seconds: float, printed: str) -> None:
    assert human_duration(seconds) == printed


def _ago(seconds: int, fmt: str) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime(fmt)


def test_age_reads_time_microtime_and_offsets() -> None:
    assert age(_ago(300, "%Y-%m-%dT%H:%M:%SZ")) == "5m"
    assert age(_ago(300, "%Y-%m-%dT%H:%M:%S.%fZ")) == "5m"  # MicroTime (events, leases)
    assert age(_ago(300, "%Y-%m-%dT%H:%M:%S+00:00")) == "5m"
    assert age(None) == "<unknown>" and age("yesterday") == "<unknown>"
