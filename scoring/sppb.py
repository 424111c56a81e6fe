"""Short Physical Performance Battery (Guralnik et al., J Gerontol 1994;49:M85; NIA score sheet).

Balance: side-by-side held 10 s → 1, otherwise 0 and the balance tests stop; semi-tandem (only if
side-by-side was held) held 10 s → 1, otherwise 0 and stop; tandem (only if semi-tandem was held)
10 s → 2, 3.00–9.99 s → 1, < 3 s → 0. Gait (4 m, faster of two trials): < 4.82 s → 4,
4.82–6.20 → 3, 6.21–8.70 → 2, > 8.70 → 1, unable → 0. Chair stands: ≤ 11.19 s → 4,
11.20–13.69 → 3, 13.70–16.69 → 2, 16.70–60 → 1, > 60 s or unable (``UN``) → 0. Total 0–12.

Times are rounded to 0.01 s (half up) and banded in whole hundredths, so the printed bands are
exhaustive. A test coded ``UN`` (unable: NIA reasons 1–5) scores 0 when
``ScoringSettings.sppb_unable_scores_zero`` (default, physical.md §6); refused / not done / unknown
leave the component and the total missing. Values entered for a balance stand that the stop rule
excludes are ignored for scoring and raise a warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.columns import float_frame
from scoring.model import (
    PERFORMANCE_MISSING,
    Choice,
    Instrument,
    Item,
    ItemType,
    Level,
    Range,
    Rule,
    Score,
    ScoringSettings,
)
from scoring.physical import (
    AWGS,
    EWGSOP2,
    FTSST_TRIALS,
    SRC_AWGS,
    SRC_EWGSOP2,
    WALK_TRIALS,
    _active,
    centiseconds,
    recorded_value,
    status_any,
    values_of,
)

SRC_SPPB = "Guralnik et al., J Gerontol 1994;49:M85"
BALANCE_ITEMS = ("sppb_side_s", "sppb_semi_s", "sppb_tandem_s")
HOLD_CS = 1000  # held for 10.00 s
TANDEM_PARTIAL_CS = 300  # tandem 3.00–9.99 s → 1 point
# Upper ends (inclusive, in 0.01 s) of the bands → points; beyond the last band: 1 (gait) / 0.
GAIT_BANDS_CS = ((481, 4), (620, 3), (870, 2))  # < 4.82 → 4; 4.82–6.20 → 3; 6.21–8.70 → 2
CHAIR_BANDS_CS = ((1119, 4), (1369, 3), (1669, 2), (6000, 1))
SPPB_LOW = {AWGS: 9, EWGSOP2: 8}  # low physical performance: total ≤ cut-off

_BALANCE_HARD = Range(0, 10, source="each stand is timed up to 10 s, NIA SPPB")
_BALANCE_EN = ("Side-by-side stand", "Semi-tandem stand", "Tandem stand")
_BALANCE_ZH = ("并足站立", "半串联站立", "串联站立")

ITEMS: tuple[Item, ...] = tuple(
    Item(
        name,
        f"SPPB {en} (s held)",
        f"SPPB {zh}（保持秒数）",
        ItemType.DECIMAL,
        unit="s",
        decimals=2,
        hard=_BALANCE_HARD,
        missing=PERFORMANCE_MISSING,
        section="SPPB balance",
        section_zh="SPPB 平衡",
        required=(name == "sppb_side_s"),
    )
    for name, en, zh in zip(BALANCE_ITEMS, _BALANCE_EN, _BALANCE_ZH, strict=True)
)

_POINTS = tuple(Choice(p, f"{p} point" if p == 1 else f"{p} points", f"{p}分") for p in range(5))


def _band(cs: np.ndarray, bands: tuple[tuple[int, int], ...], beyond: float) -> np.ndarray:
    out = np.full(cs.shape, np.nan)
    done = np.isnan(cs)
    for upper, pts in bands:
        hit = ~done & (cs <= upper)
        out[hit] = pts
        done |= hit
    out[~done] = beyond
    return out


def _unable_points(status: pd.DataFrame, names: tuple[str, ...], on: bool) -> np.ndarray:
    """0 where the test is coded unable (and the setting scores that as 0), else NaN."""
    if not on:
        return np.full(len(status.index), np.nan)
    return np.where(status_any(status, names), 0.0, np.nan)


def score_sppb(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """Balance, gait, chair and total points (NaN where a component is missing)."""
    zero = settings.sppb_unable_scores_zero
    side, semi, tandem = (centiseconds(values_of(values, n)) for n in BALANCE_ITEMS)

    def stand(cs: np.ndarray, name: str) -> np.ndarray:
        pts = np.where(np.isnan(cs), np.nan, (cs >= HOLD_CS).astype(float))
        return np.where(np.isnan(pts), _unable_points(status, (name,), zero), pts)

    side_pts = stand(side, "sppb_side_s")
    semi_pts = stand(semi, "sppb_semi_s")
    tandem_pts = np.where(
        np.isnan(tandem),
        _unable_points(status, ("sppb_tandem_s",), zero),
        np.where(tandem >= HOLD_CS, 2.0, np.where(tandem >= TANDEM_PARTIAL_CS, 1.0, 0.0)),
    )
    balance = np.where(
        side_pts == 0,
        0.0,
        np.where(side_pts == 1, np.where(semi_pts == 0, 1.0, 2.0 + tandem_pts), np.nan),
    )
    balance = np.where((side_pts == 1) & np.isnan(semi_pts), np.nan, balance)

    walk = recorded_value(
        np.column_stack([values_of(values, n) for n in WALK_TRIALS]), "best", "min"
    )
    gait = _band(centiseconds(walk), GAIT_BANDS_CS, 1.0)
    gait = np.where(np.isnan(gait), _unable_points(status, WALK_TRIALS, zero), gait)

    chair_t = centiseconds(values_of(values, "ftsst_s"))
    chair = _band(chair_t, CHAIR_BANDS_CS, 0.0)
    chair = np.where(np.isnan(chair), _unable_points(status, FTSST_TRIALS, zero), chair)

    total = balance + gait + chair
    return float_frame((balance, gait, chair, total), _SCORE_COLUMNS, values.index)


_SCORE_COLUMNS = pd.Index(["sppb_balance", "sppb_gait", "sppb_chair", "sppb_total"])


def _stop_rule(name: str, earlier: tuple[str, ...]) -> Rule:
    """A later balance stand entered although an earlier one was not held 10 s."""

    def test(work: pd.DataFrame, settings: ScoringSettings) -> np.ndarray:
        failed = np.zeros(len(work.index), dtype=bool)
        for e in earlier:
            cs = centiseconds(values_of(work, e))
            failed |= ~np.isnan(cs) & (cs < HOLD_CS)
        return failed & ~np.isnan(values_of(work, name))

    shown = " / ".join(earlier)
    return Rule(
        f"sppb.{name}_after_stop",
        name,
        Level.WARNING,
        test,
        f"{name}: {{value}} s was entered although {shown} was not held {{limit}}; the balance "
        "tests stop there and this value is not scored ({source}); check the entry",
        f"{name}：{{value}} 秒已录入，但 {shown} 未保持 {{limit}}；平衡测试应在此停止，本值不计分"
        "（{source}）；请核对",
        limit="10 s",
        source=SRC_SPPB,
    )


def _sppb_low_rule(ref: str) -> Rule:
    cut = SPPB_LOW[ref]
    return Rule(
        f"{ref.lower()}.sppb_low",
        "sppb_total",
        Level.CLINICAL,
        lambda w, s: _active(s, ref) & (values_of(w, "sppb_total") <= cut),
        "sppb_total: {value} is low physical performance ({limit}; {source})",
        "SPPB总分：{value}，躯体功能低下（{limit}；{source}）",
        limit=f"≤ {cut}",
        source=SRC_AWGS if ref == AWGS else SRC_EWGSOP2,
    )


def _score(name: str, en: str, zh: str, high: int, rule: str) -> Score:
    return Score(
        name,
        en,
        zh,
        0,
        high,
        True,
        rule,
        SRC_SPPB,
        unit="points",
        decimals=0,
        choices=_POINTS if high == 4 else (),
    )


INSTRUMENT = Instrument(
    key="sppb",
    en="Short Physical Performance Battery",
    zh="简易体能状况量表（SPPB）",
    short_en="SPPB",
    short_zh="SPPB",
    version="sppb/1",
    items=ITEMS,
    scores=(
        _score(
            "sppb_balance",
            "SPPB balance",
            "SPPB 平衡",
            4,
            "side-by-side 10 s → 1; semi-tandem 10 s → 1; tandem 10 s → 2, 3–9.99 s → 1; stop rule",
        ),
        _score(
            "sppb_gait",
            "SPPB gait",
            "SPPB 步速",
            4,
            "faster 4 m trial: < 4.82 s → 4; ≤ 6.20 → 3; ≤ 8.70 → 2; > 8.70 → 1; unable → 0",
        ),
        _score(
            "sppb_chair",
            "SPPB chair stands",
            "SPPB 坐立",
            4,
            "≤ 11.19 s → 4; ≤ 13.69 → 3; ≤ 16.69 → 2; ≤ 60 → 1; > 60 s or unable → 0",
        ),
        _score("sppb_total", "SPPB total", "SPPB 总分", 12, "balance + gait + chair (0–12)"),
    ),
    scorer=score_sppb,
    source=SRC_SPPB,
    requires=("walk4m", "ftsst"),
    rules=(
        _stop_rule("sppb_semi_s", ("sppb_side_s",)),
        _stop_rule("sppb_tandem_s", ("sppb_side_s", "sppb_semi_s")),
        *(_sppb_low_rule(ref) for ref in (AWGS, EWGSOP2)),
    ),
)
