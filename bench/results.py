"""What a run measured: one row per figure with a value per server, the ceiling for the
same pattern, the budgets from issue #3, and the load generator's CPU share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

Value = float | str | None


@dataclass
class Row:
    key: str
    scenario: str
    label: str
    unit: str  # "s", "ms", "/s", "MB", "KiB", "" (a count)
    values: dict[str, Value] = field(default_factory=dict)
    ceiling: Value = None
    better: str | None = None  # "higher" or "lower": how to read the ratio


@dataclass(frozen=True)
class Check:
    key: str
    op: str  # "<=" or ">="
    limit: float

    def holds(self, value: Value) -> bool | None:
        if not isinstance(value, int | float) or math.isnan(value):
            return None
        return value <= self.limit if self.op == "<=" else value >= self.limit


@dataclass(frozen=True)
class Budget:
    label: str
    text: str
    checks: tuple[Check, ...]


BUDGETS = (
    Budget("start to ready, empty store", "≤ 0.5 s", (Check("start.new", "<=", 0.5), Check("start.empty", "<=", 0.5))),
    Budget("create ConfigMap, 32 clients", "≥ 3,000 /s, p99 ≤ 50 ms",
           (Check("create.configmap.32.rate", ">=", 3000), Check("create.configmap.32.p99", "<=", 50))),
    Budget("get by name, 32 clients", "≥ 8,000 /s, p99 ≤ 15 ms", (Check("get.rate", ">=", 8000), Check("get.p99", "<=", 15))),
    Budget("merge patch, 32 clients", "≥ 2,500 /s", (Check("patch.rate", ">=", 2500),)),
    Budget("list 10,000 pods, JSON", "≤ 150 ms", (Check("list.json", "<=", 150),)),
    Budget("watch: 1,000 watchers, 100 writes/s", "p99 delay ≤ 250 ms, nothing missed",
           (Check("watch.p99", "<=", 250), Check("watch.missed", "<=", 0), Check("watch.late", "<=", 0),
            Check("watch.duplicated", "<=", 0))),
    Budget("RSS idle / with 10,000 pods", "≤ 80 MB / ≤ 300 MB", (Check("memory.idle", "<=", 80), Check("memory.10000", "<=", 300))),
)
ROW_CHECKS = {c.key: c for b in BUDGETS for c in b.checks}


@dataclass
class LoadShare:
    """CPU used while a pattern ran, as a fraction of one core."""

    scenario: str
    target: str
    rate: float
    client: float
    server: float | None
    other: float | None = None  # everything else on the machine (other processes, the kernel)


@dataclass
class Results:
    targets: list[str]
    rows: dict[str, Row] = field(default_factory=dict)
    loadshares: list[LoadShare] = field(default_factory=list)
    off_budget: set[str] = field(default_factory=set)  # budgets whose sizes this run did not use
    client_costs: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def row(self, key: str, scenario: str, label: str, unit: str, better: str | None = None) -> Row:
        if key not in self.rows:
            self.rows[key] = Row(key, scenario, label, unit, better=better)
        return self.rows[key]

    def put(self, key: str, scenario: str, label: str, unit: str, target: str, value: Value,
            better: str | None = None) -> None:
        row = self.row(key, scenario, label, unit, better)
        if target == "ceiling":
            row.ceiling = value
        else:
            row.values[target] = value

    def verdict(self, budget: Budget, target: str) -> str:
        if budget.label in self.off_budget:
            return "n/a (other sizes)"
        outcomes = [c.holds(self.rows[c.key].values.get(target)) if c.key in self.rows else None for c in budget.checks]
        if any(o is None for o in outcomes):
            return "n/a"
        return "met" if all(outcomes) else "not met"

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "targets": self.targets,
            "rows": [vars(r) for r in self.rows.values()],
            "loadshares": [vars(s) for s in self.loadshares],
            "client_costs": self.client_costs,
            "budgets": [{"label": b.label, "budget": b.text, **{t: self.verdict(b, t) for t in self.targets}} for b in BUDGETS],
            "notes": self.notes,
        }
