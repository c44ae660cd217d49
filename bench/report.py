"""Rendering: the results table (one column per server, their ratio when there are two,
the ceiling, the budget), the budget verdicts and the load generator's CPU share, as
plain text for the terminal and as a markdown section for docs/benchmarks.md."""

from __future__ import annotations

import math
from pathlib import Path

from bench.results import BUDGETS, ROW_CHECKS, Results, Row, Value

BEGIN = "<!-- bench:results:begin (written by `python -m bench --write`; edits inside are lost) -->"
END = "<!-- bench:results:end -->"


def fmt(value: Value, unit: str) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "n/a"
    if unit == "s":
        text = f"{value:.3f}" if value < 10 else f"{value:.1f}"
    elif unit == "ms":
        text = f"{value:.2f}" if value < 1 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"
    elif unit == "MB":
        text = f"{value:,.1f}"
    elif unit == "%":
        text = f"{value:.0f}"
    else:
        text = f"{value:,.0f}"
    return f"{text} {unit}".rstrip()


def _ratio(row: Row, targets: list[str]) -> str:
    a, b = (row.values.get(t) for t in targets[:2])
    if not isinstance(a, int | float) or not isinstance(b, int | float) or not b or math.isnan(a) or math.isnan(b):
        return "n/a"
    return f"{a / b:.2f}"


def _budget_cell(row: Row, targets: list[str], off: bool) -> str:
    check = ROW_CHECKS.get(row.key)
    if check is None:
        return ""
    if off:
        return "n/a (other sizes)"
    verdicts = []
    for t in targets:
        held = check.holds(row.values.get(t))
        verdicts.append("n/a" if held is None else "met" if held else "**not met**")
    limit = fmt(check.limit, row.unit) if row.unit else f"{check.limit:g}"
    return f"{check.op.replace('<=', '≤').replace('>=', '≥')} {limit}: {' / '.join(verdicts)}"


def _off(results: Results, key: str) -> bool:
    return any(b.label in results.off_budget and any(c.key == key for c in b.checks) for b in BUDGETS)


def table(results: Results) -> list[list[str]]:
    targets = results.targets
    head = ["scenario", "figure", *targets]
    if len(targets) == 2:
        head.append(f"{targets[0]} / {targets[1]}")
    head += ["ceiling (trivial app)", "budget"]
    rows = [head]
    for row in results.rows.values():
        cells = [row.scenario, row.label, *(fmt(row.values.get(t), row.unit) for t in targets)]
        if len(targets) == 2:
            cells.append(_ratio(row, targets))
        cells += ["" if row.ceiling is None else fmt(row.ceiling, row.unit), _budget_cell(row, targets, _off(results, row.key)).replace("**", "")]
        rows.append(cells)
    return rows


def budget_table(results: Results) -> list[list[str]]:
    rows = [["budget (issue #3)", "limit", *results.targets]]
    for b in BUDGETS:
        rows.append([b.label, b.text, *(results.verdict(b, t) for t in results.targets)])
    return rows


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def load_table(results: Results) -> list[list[str]]:
    rows = [["pattern", "server", "rate", "load generator CPU", "server CPU", "rest of the machine"]]
    for s in results.loadshares:
        rows.append([s.scenario, s.target, fmt(s.rate, "/s"), f"{s.client:.0%}", _pct(s.server), _pct(s.other)])
    return rows


def client_table(results: Results) -> list[list[str]]:
    rows = [["client", "requests/s", "client CPU per request", "client CPU", "server CPU", "rest of the machine", "p99"]]
    for c in results.client_costs:
        rows.append([c["client"], fmt(c["rate"], "/s"), f"{c['us_per_request']:.1f} µs", f"{c['client_cpu']:.0%}",
                     _pct(c["server_cpu"]), _pct(c.get("other_cpu")), fmt(c["p99_ms"], "ms")])
    return rows


def text(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: list[list[str]], bold_not_met: bool = True) -> str:
    def cell(c: str) -> str:
        c = c.replace("|", "\\|")
        return c.replace("not met", "**not met**") if bold_not_met else c

    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows[1:]]
    return "\n".join(out)


def console(results: Results) -> str:
    parts = [text(table(results)), "", text(budget_table(results))]
    if results.loadshares:
        parts += ["", "CPU share while the pattern ran (1.0 = one core):", text(load_table(results))]
    if results.client_costs:
        parts += ["", "Load generator cost (get pattern against the trivial app):", text(client_table(results))]
    parts += [f"- {n}" for n in results.notes]
    return "\n".join(parts)


def section(results: Results) -> str:
    m = results.meta
    machine = m.get("machine", {})
    lines = [
        BEGIN,
        "",
        f"Measured {m.get('date', '?')} at commit `{m.get('commit', '?')}` with",
        "",
        "```sh",
        m.get("command", "python -m bench"),
        "```",
        "",
        f"Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, {machine.get('ram', '?')} RAM; "
        f"{machine.get('os', '?')}; {machine.get('python', '?')}. "
        "Servers and the load generator share these cores.",
        "",
        f"Sizes: {m.get('sizes', '')}",
        "",
        "### Budgets",
        "",
        markdown(budget_table(results)),
        "",
        "### All figures",
        "",
        markdown(table(results)),
        "",
    ]
    if results.loadshares:
        lines += ["### Load generator", "",
                  "CPU used while each pattern ran, as a share of one core (from /proc; the load generator is "
                  "one process, the server another):", "", markdown(load_table(results), False), ""]
    if results.client_costs:
        cheapest = min(results.client_costs, key=lambda c: c["us_per_request"])
        lines += ["The two candidate clients on the get pattern (32 clients, 1.4 KB replies) against the trivial app; "
                  f"the cheaper per request here is {cheapest['client']} (the harness uses asyncio + httptools, bench/client.py):", "",
                  markdown(client_table(results), False), ""]
    if results.notes:
        lines += ["### Notes from the run", "", *(f"- {n}" for n in results.notes), ""]
    lines.append(END)
    return "\n".join(lines)


def write(path: Path, results: Results) -> None:
    """Replace the marked results section of `path` (or append one), keeping the rest."""
    body = section(results)
    if path.exists():
        old = path.read_text()
        if BEGIN in old and END in old:
            head, rest = old.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + body + tail)
            return
        path.write_text(old.rstrip() + "\n\n## Results\n\n" + body + "\n")
        return
    path.write_text("# Benchmarks\n\n## Results\n\n" + body + "\n")
