"""A test-only instrument exercising every item type (not a clinical instrument).

The export layer must work for whatever scoring/ declares; this fixture pins down coded, integer,
decimal, clock and text items, a numeric and a categorical score, a clinical rule and a change
rule, independent of which real instruments are registered at the time the tests run.
"""

from __future__ import annotations

import pandas as pd

from scoring.model import (
    PERFORMANCE_MISSING,
    ChangeRule,
    Choice,
    Instrument,
    Item,
    ItemType,
    Level,
    Range,
    Rule,
    Score,
)

_CHOICES = (Choice(1, "never", "从不"), Choice(2, "sometimes", "有时"), Choice(3, "often", "经常"))


def _scorer(values: pd.DataFrame, status: pd.DataFrame, settings) -> pd.DataFrame:
    """Sum of the two coded items (both required); band = 1 if the sum ≥ 5 else 0."""
    total = values["tx_q1"] + values["tx_q2"]
    band = (total >= 5).astype("float64").where(total.notna())
    return pd.DataFrame({"tx_total": total, "tx_band": band}, index=values.index)


INSTRUMENT = Instrument(
    key="tx",
    en="Export test instrument",
    zh="导出测试量表",
    version="tx-1.0",
    items=(
        Item("tx_q1", "Question one", "问题一", ItemType.CODED, choices=_CHOICES),
        Item("tx_q2", "Question two", "问题二", ItemType.CODED, choices=_CHOICES),
        Item(
            "tx_steps",
            "Steps",
            "步数",
            ItemType.INTEGER,
            hard=Range(0, 100),
            soft=Range(0, 60),
            missing=PERFORMANCE_MISSING,
        ),
        Item(
            "tx_time_s",
            "Walk time",
            "步行时间",
            ItemType.DECIMAL,
            unit="s",
            decimals=2,
            hard=Range(0, 300, low_inclusive=False),
            soft=Range(2, 60),
            missing=PERFORMANCE_MISSING,
        ),
        Item("tx_bed", "Bed time", "上床时间", ItemType.CLOCK),
        Item("tx_note", "Note", "备注", ItemType.TEXT, required=False),
    ),
    scores=(
        Score("tx_total", "Total", "总分", 2, 6, False, "q1 + q2, both required", "test fixture"),
        Score(
            "tx_band",
            "High band",
            "高分组",
            0,
            1,
            None,
            "1 if total ≥ 5",
            "test fixture",
            decimals=0,
            choices=(Choice(0, "low", "低"), Choice(1, "high", "高")),
        ),
    ),
    scorer=_scorer,
    source="test fixture",
    rules=(
        Rule(
            "tx.total_high",
            "tx_total",
            Level.CLINICAL,
            lambda f, s: f["tx_total"] >= 6,
            "total {value} ≥ 6",
            "总分 {value} ≥ 6",
        ),
    ),
    change_rules=(ChangeRule("tx_time_s", relative=0.5),),
)
