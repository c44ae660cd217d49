"""Kinds of the scheduling area: strategies (defaults, validation, printing) and conversions."""

from __future__ import annotations

from kubelite.registry.strategy import Strategy

STRATEGIES: dict[tuple[str, str], type[Strategy]] = {}
