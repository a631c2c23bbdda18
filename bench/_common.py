"""Shared helpers for the benchmark scripts: synthetic sets, field comparison, tables."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

FRONT_KEYS = ("Name", "Sex", "Nation", "Birth", "Address", "IdNum")
BACK_KEYS = ("Authority", "ValidDate")


@dataclass
class Tally:
    """Field- and card-level exact matches, error-code matches and latencies of one method."""

    fields_right: int = 0
    fields_total: int = 0
    cards_right: int = 0
    cards_total: int = 0
    codes_right: int = 0
    codes_total: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def add_card(self, expected: dict[str, str], got: dict[str, str], label: str) -> None:
        wrong = [k for k in expected if got.get(k, "") != expected[k]]
        self.fields_total += len(expected)
        self.fields_right += len(expected) - len(wrong)
        self.cards_total += 1
        self.cards_right += not wrong
        self.misses += [f"{label} {k}: want {expected[k]!r} got {got.get(k, '')!r}" for k in wrong]

    def add_code(self, expected: str, got: str, label: str) -> None:
        self.codes_total += 1
        self.codes_right += expected == got
        if expected != got:
            self.misses.append(f"{label}: want {expected} got {got}")

    def row(self) -> list[str]:
        return [
            _pct(self.fields_right, self.fields_total),
            _pct(self.cards_right, self.cards_total),
            _pct(self.codes_right, self.codes_total),
            f"{statistics.median(self.latencies_ms):.0f}" if self.latencies_ms else "-",
        ]


def _pct(right: int, total: int) -> str:
    return f"{100.0 * right / total:.2f}% ({right}/{total})" if total else "-"


def print_table(title: str, header: list[str], rows: Iterable[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for name in header:
        table.add_column(name)
    for row in rows:
        table.add_row(*row)
    Console(width=160).print(table)
