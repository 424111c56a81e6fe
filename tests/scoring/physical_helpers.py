"""Small helpers shared by the physical-test, SPPB, Fried and flag tests (not tests themselves)."""

from __future__ import annotations

import pandas as pd

from scoring.engine import Evaluation, evaluate
from scoring.model import ScoringSettings


def run(rows: list[dict] | dict, settings: ScoringSettings | None = None) -> Evaluation:
    """Evaluate raw rows given as text, as a CSV would give them."""
    rows = [rows] if isinstance(rows, dict) else rows
    frame = pd.DataFrame([{k: "" if v is None else str(v) for k, v in r.items()} for r in rows])
    return evaluate(frame, settings or ScoringSettings())


def score(row: dict, name: str, settings: ScoringSettings | None = None) -> float:
    return run(row, settings).scores[name].iloc[0]


def rules(ev: Evaluation, row: int = 0) -> set[str]:
    f = ev.flags
    return set(f.loc[f["row"] == row, "rule"])


def flags_for(ev: Evaluation, variable: str, row: int = 0) -> pd.DataFrame:
    f = ev.flags
    return f[(f["row"] == row) & (f["variable"] == variable)]
