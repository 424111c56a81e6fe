"""Pittsburgh Sleep Quality Index (PSQI): items, seven components, global score and flags.

Buysse DJ, Reynolds CF 3rd, Monk TH, Berman SR, Kupfer DJ. The Pittsburgh Sleep Quality Index: a
new instrument for psychiatric practice and research. Psychiatry Res 1989;28(2):193–213; operational
rules from the "PSQI Scoring" database instructions (5j change of 20 May 2005). Exact boundaries
follow the project convention of reference/psqi.md §4–5 (≥ 7 h → C3 0, efficiency ≥ 85 % → C4 0
on whole minutes, latency ≤ 15 min → 0, 5j only with frequency and text, no proration).

Fields are named by content, never by item number (psqi.md §2). The verbatim PSQI wording is
licensed and is not shipped: labels here are short, project-written assessor labels.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from scoring.columns import column_array, float_frame
from scoring.model import (
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

SOURCE = (
    "Buysse DJ et al. The Pittsburgh Sleep Quality Index. Psychiatry Res 1989;28(2):193–213; "
    "PSQI Scoring database instructions (5j rule of 20 May 2005)"
)
CONVENTION = "project boundary convention, reference/psqi.md §4–5"
MINUTES_PER_DAY = 24 * 60

# --------------------------------------------------------------------------------------------
# Items

_FREQUENCY = (
    Choice(0, "none in the past month", "近一个月没有"),
    Choice(1, "less than once a week", "每周少于1次"),
    Choice(2, "once or twice a week", "每周1–2次"),
    Choice(3, "three or more times a week", "每周3次或以上"),
)
_QUALITY = (
    Choice(0, "very good", "很好"),
    Choice(1, "fairly good", "较好"),
    Choice(2, "fairly bad", "较差"),
    Choice(3, "very bad", "很差"),
)
_PROBLEM = (
    Choice(0, "no problem", "没有问题"),
    Choice(1, "only a slight problem", "轻微问题"),
    Choice(2, "somewhat of a problem", "有些问题"),
    Choice(3, "a very big problem", "很大问题"),
)

_S_TIMES = "Sleep habits, past month / 近一个月睡眠习惯"
_S_TROUBLE = "Trouble sleeping because… / 因下列情况影响睡眠"
_S_DAY = "Quality, medication, daytime / 睡眠质量、用药、日间功能"

_DISTURBANCES: tuple[tuple[str, str, str], ...] = (
    ("psqi_5a", "cannot fall asleep within 30 minutes", "30分钟内不能入睡"),
    ("psqi_5b", "wakes in the night or early morning", "夜间易醒或早醒"),
    ("psqi_5c", "gets up to use the bathroom", "夜间去厕所"),
    ("psqi_5d", "cannot breathe comfortably", "呼吸不畅"),
    ("psqi_5e", "coughs or snores loudly", "咳嗽或鼾声高"),
    ("psqi_5f", "feels too cold", "感觉冷"),
    ("psqi_5g", "feels too hot", "感觉热"),
    ("psqi_5h", "bad dreams", "做噩梦"),
    ("psqi_5i", "pain", "疼痛不适"),
    ("psqi_5j", "other reason: how often", "其他原因：频率"),
)


def _frequency_item(name: str, en: str, zh: str, section: str, form_label: str) -> Item:
    return Item(
        name, en, zh, ItemType.CODED, choices=_FREQUENCY, section=section, form_label=form_label
    )


ITEMS: tuple[Item, ...] = (
    Item(
        "psqi_bedtime",
        "Usual bedtime (24 h)",
        "通常上床时间（24小时制）",
        ItemType.CLOCK,
        section=_S_TIMES,
        form_label="Q1",
    ),
    Item(
        "psqi_latency_min",
        "Minutes usually needed to fall asleep",
        "通常入睡所需时间（分钟）",
        ItemType.DECIMAL,
        unit="min",
        hard=Range(0, 720, source="project proposal, psqi.md §1"),
        soft=Range(0, 180, source="project proposal, psqi.md §1"),
        decimals=1,
        section=_S_TIMES,
        form_label="Q2",
    ),
    Item(
        "psqi_risetime",
        "Usual getting-up time (24 h)",
        "通常起床时间（24小时制）",
        ItemType.CLOCK,
        section=_S_TIMES,
        form_label="Q3",
    ),
    Item(
        "psqi_sleep_h",
        "Hours of actual sleep per night",
        "每晚实际睡眠时间（小时）",
        ItemType.DECIMAL,
        unit="h",
        hard=Range(0, 24, source="psqi.md §1"),
        decimals=2,
        section=_S_TIMES,
        form_label="Q4",
        accept_hmm=True,
    ),
    *(
        _frequency_item(
            name, f"Trouble sleeping: {en}", f"睡眠困难：{zh}", _S_TROUBLE, f"Q{name[5:]}"
        )
        for name, en, zh in _DISTURBANCES
    ),
    Item(
        "psqi_5j_text",
        "Trouble sleeping: other reason (describe)",
        "睡眠困难：其他原因（说明）",
        ItemType.TEXT,
        section=_S_TROUBLE,
        form_label="Q5j",
        required=False,
    ),
    Item(
        "psqi_quality",
        "Overall sleep quality",
        "总体睡眠质量",
        ItemType.CODED,
        choices=_QUALITY,
        section=_S_DAY,
        form_label="Q6",
    ),
    _frequency_item("psqi_meds", "Medicine taken to help sleep", "服用药物帮助睡眠", _S_DAY, "Q7"),
    _frequency_item(
        "psqi_awake",
        "Trouble staying awake (driving, meals, social activity)",
        "开车、吃饭或社交时难以保持清醒",
        _S_DAY,
        "Q8",
    ),
    Item(
        "psqi_enthusiasm",
        "Problem keeping up enthusiasm to get things done",
        "做事情精力不足的问题",
        ItemType.CODED,
        choices=_PROBLEM,
        section=_S_DAY,
        form_label="Q9",
    ),
)

_DISTURBANCE_ITEMS = tuple(f"psqi_5{c}" for c in "bcdefghi")  # C5 without 5a and 5j

# --------------------------------------------------------------------------------------------
# Scores


def _component(name: str, en: str, zh: str, rule: str) -> Score:
    return Score(name, en, zh, 0, 3, False, rule, f"{SOURCE}; {CONVENTION}", decimals=0)


SCORES: tuple[Score, ...] = (
    _component("psqi_c1", "C1 subjective sleep quality", "成分1 主观睡眠质量", "= psqi_quality"),
    _component(
        "psqi_c2",
        "C2 sleep latency",
        "成分2 入睡时间",
        "latency ≤15 min→0, (15,30]→1, (30,60]→2, >60→3; + psqi_5a: 0→0, 1–2→1, 3–4→2, 5–6→3",
    ),
    _component(
        "psqi_c3", "C3 sleep duration", "成分3 睡眠时间", "hours ≥7→0, [6,7)→1, [5,6)→2, <5→3"
    ),
    _component(
        "psqi_c4",
        "C4 habitual sleep efficiency",
        "成分4 睡眠效率",
        "sleep min / min in bed: ≥85 %→0, [75,85)→1, [65,75)→2, <65→3 (whole minutes)",
    ),
    _component(
        "psqi_c5",
        "C5 sleep disturbances",
        "成分5 睡眠障碍",
        "sum 5b–5j (5j only with text): 0→0, 1–9→1, 10–18→2, 19–27→3",
    ),
    _component("psqi_c6", "C6 use of sleep medication", "成分6 催眠药物", "= psqi_meds"),
    _component(
        "psqi_c7",
        "C7 daytime dysfunction",
        "成分7 日间功能障碍",
        "psqi_awake + psqi_enthusiasm: 0→0, 1–2→1, 3–4→2, 5–6→3",
    ),
    Score(
        "psqi_global",
        "PSQI global score",
        "PSQI总分",
        0,
        21,
        False,
        "sum of C1–C7; missing if any component is missing (no proration)",
        f"{SOURCE}; {CONVENTION}",
        decimals=0,
    ),
    Score(
        "psqi_time_in_bed_h",
        "Time in bed",
        "卧床时间",
        0,
        24,
        None,
        "(getting-up time − bedtime) mod 24 h, whole minutes; missing when the two are equal",
        "reference/psqi.md §5",
        unit="h",
        decimals=2,
    ),
    Score(
        "psqi_efficiency",
        "Habitual sleep efficiency",
        "习惯性睡眠效率",
        0,
        None,
        True,
        "100 × sleep minutes (hours × 60, rounded) / minutes in bed",
        f"{SOURCE}; reference/psqi.md §5",
        unit="%",
        decimals=1,
    ),
)

# --------------------------------------------------------------------------------------------
# Scoring (vectorised over administrations)


def _col(values: pd.DataFrame, name: str) -> np.ndarray:
    arr = column_array(values, name)
    if arr is None:
        return np.full(len(values), np.nan)
    if arr.dtype == np.float64:
        return arr
    return pd.to_numeric(values[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _has_text(values: pd.DataFrame, name: str) -> np.ndarray:
    arr = column_array(values, name)
    if arr is None:
        return np.zeros(len(values), dtype=bool)
    return np.array(
        [not (v is None or v is pd.NA or v != v) and bool(str(v).strip()) for v in arr.tolist()],
        dtype=bool,
    )


def _bin(x: np.ndarray, upper: tuple[float, float, float]) -> np.ndarray:
    """0 for x ≤ upper[0], 1 for ≤ upper[1], 2 for ≤ upper[2], 3 above; NaN stays NaN
    (``upper`` ascending: the bin is the number of bounds x lies above)."""
    above = (x > upper[0]).astype(np.float64) + (x > upper[1]) + (x > upper[2])
    return np.where(np.isnan(x), np.nan, above)


def sleep_minutes(hours: np.ndarray) -> np.ndarray:
    """Hours × 60, converted exactly (Decimal of the entered decimal) and rounded half up to a
    whole minute (psqi.md §5). Works per distinct value, so it stays fast on large frames."""
    out = np.full(hours.shape, np.nan)
    ok = ~np.isnan(hours)
    if not ok.any():
        return out
    uniq, inverse = np.unique(hours[ok], return_inverse=True)
    minutes = np.array(
        [
            float((Decimal(repr(float(h))) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            for h in uniq
        ]
    )
    out[ok] = minutes[inverse]
    return out


def time_in_bed_minutes(bedtime: np.ndarray, risetime: np.ndarray) -> np.ndarray:
    """(rise − bed) mod 24 h in whole minutes; 0 (bed = rise) is an entry error → NaN."""
    tib = np.mod(risetime - bedtime, MINUTES_PER_DAY)
    return np.where(tib > 0, tib, np.nan)


def score_psqi(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """Components C1–C7, global, time in bed and efficiency for every row (Buysse 1989)."""
    latency = _col(values, "psqi_latency_min")
    hours = _col(values, "psqi_sleep_h")

    c1 = _col(values, "psqi_quality")
    latency_score = _bin(latency, (15, 30, 60))
    c2 = _bin(latency_score + _col(values, "psqi_5a"), (0, 2, 4))
    c3 = np.select([hours >= 7, hours >= 6, hours >= 5, hours >= 0], [0.0, 1.0, 2.0, 3.0], np.nan)

    bed_min = time_in_bed_minutes(_col(values, "psqi_bedtime"), _col(values, "psqi_risetime"))
    slept = sleep_minutes(hours)
    pct = slept * 100  # cross-multiplied: slept/bed ≥ 0.85 ⇔ slept·100 ≥ 85·bed (exact integers)
    c4 = np.select(
        [pct >= 85 * bed_min, pct >= 75 * bed_min, pct >= 65 * bed_min, pct < 65 * bed_min],
        [0.0, 1.0, 2.0, 3.0],
        np.nan,
    )
    efficiency = pct / bed_min

    other = _col(values, "psqi_5j")
    other = np.where(~np.isnan(other) & _has_text(values, "psqi_5j_text"), other, 0.0)
    disturbance = sum((_col(values, n) for n in _DISTURBANCE_ITEMS), start=other)
    c5 = _bin(disturbance, (0, 9, 18))
    c6 = _col(values, "psqi_meds")
    c7 = _bin(_col(values, "psqi_awake") + _col(values, "psqi_enthusiasm"), (0, 2, 4))

    components = (c1, c2, c3, c4, c5, c6, c7)
    total = np.sum(np.vstack(components), axis=0)  # NaN if any component is NaN
    out = (*components, total, bed_min / 60, efficiency)
    return float_frame(out, _SCORE_COLUMNS, values.index)


_SCORE_COLUMNS = pd.Index([s.name for s in SCORES])  # components, global, time in bed, efficiency


# --------------------------------------------------------------------------------------------
# Flags


def _bed_equals_rise(work: pd.DataFrame, settings: ScoringSettings) -> pd.Series:
    bed, rise = _col(work, "psqi_bedtime"), _col(work, "psqi_risetime")
    return np.asarray(bed == rise)  # NaN == NaN is False


_CLOCK_TEXT = np.array(
    [f"{m // 60:02d}:{m % 60:02d}" for m in range(MINUTES_PER_DAY)] + [""], dtype=object
)


def _clock_text(work: pd.DataFrame, settings: ScoringSettings) -> pd.Series:
    """The bedtime as HH:MM per row (vectorised lookup; "" when absent)."""
    minutes = _col(work, "psqi_bedtime")
    ok = ~np.isnan(minutes)
    slot = np.where(ok, np.nan_to_num(minutes), MINUTES_PER_DAY).astype(np.int64)
    return pd.Series(_CLOCK_TEXT[slot], index=work.index)


def _efficiency_over_100(work: pd.DataFrame, settings: ScoringSettings) -> pd.Series:
    return np.asarray(_col(work, "psqi_efficiency") > 100)


_CUTOFF_SOURCES = {5.0: "Buysse et al. 1989", 7.0: "Liu Xianchen et al. 1996, Chinese version"}


def cutoff_text(cutoff: float) -> str:
    """The applied poor-sleeper cut-off with its source (psqi.md §3)."""
    return f"{cutoff:g} ({_CUTOFF_SOURCES.get(float(cutoff), 'study setting')})"


def _poor_sleeper(work: pd.DataFrame, settings: ScoringSettings) -> pd.Series:
    return np.asarray(_col(work, "psqi_global") > settings.psqi_poor_sleeper_cutoff)


RULES: tuple[Rule, ...] = (
    Rule(
        "psqi.bed_equals_rise",
        "psqi_risetime",
        Level.ERROR,
        _bed_equals_rise,
        "psqi_risetime: getting-up time equals bedtime ({limit}), i.e. 0 minutes in bed; "
        "this is an entry error, so sleep efficiency (C4) and the PSQI global score are not "
        "computed. Correct one of the two times ({source}).",
        "psqi_risetime：起床时间与上床时间相同（{limit}），即卧床0分钟；属录入错误，"
        "睡眠效率（成分4）和PSQI总分不予计算。请更正其中一个时间（{source}）。",
        limit=_clock_text,
        source="reference/psqi.md §5",
    ),
    Rule(
        "psqi.efficiency_over_100",
        "psqi_efficiency",
        Level.WARNING,
        _efficiency_over_100,
        "psqi_efficiency: sleep efficiency {value} % is above 100 % (hours of sleep exceed the "
        "time in bed); C4 is scored 0 as published. Confirm with a reason or correct the times "
        "or hours ({source}).",
        "psqi_efficiency：睡眠效率 {value}% 超过100%（睡眠时间长于卧床时间）；按原规则成分4计0分。"
        "请注明理由确认，或更正时间或睡眠小时数（{source}）。",
        source="reference/psqi.md §5",
    ),
    Rule(
        "psqi.poor_sleeper",
        "psqi_global",
        Level.CLINICAL,
        _poor_sleeper,
        "psqi_global: PSQI global score {value} is above the poor-sleeper cut-off (> {limit}).",
        "psqi_global：PSQI总分 {value} 高于睡眠质量差的界值（> {limit}）。",
        limit=lambda work, settings: cutoff_text(settings.psqi_poor_sleeper_cutoff),
        source="Buysse et al. 1989 (> 5); study setting ScoringSettings.psqi_poor_sleeper_cutoff",
    ),
)

INSTRUMENT = Instrument(
    key="psqi",
    en="Pittsburgh Sleep Quality Index (PSQI)",
    zh="匹兹堡睡眠质量指数（PSQI）",
    short_en="PSQI",
    short_zh="PSQI 睡眠",
    version="1.0",
    items=ITEMS,
    scores=SCORES,
    scorer=score_psqi,
    source=SOURCE,
    licence=(
        "PSQI © Daniel J. Buysse / University of Pittsburgh. Free for clinicians and non-industry "
        "research; other use needs the copyright holder's permission. Labels are project-written; "
        "the verbatim wording is shown only from a site-supplied pack."
    ),
    rules=RULES,
    notes={
        "convention": (
            "psqi 1.0: sleep ≥ 7 h → C3 0; efficiency ≥ 85 % → C4 0 on whole minutes; latency "
            "≤ 15 min → 0, (15,30] → 1, (30,60] → 2; 5j counts only with frequency and text; "
            "any missing input → component and global missing; bed = rise → C4 and global missing."
        ),
        "numbering": "fields by content; form_label follows the printed 1989 form (Q6 = quality)",
        "not_scored": "bed-partner question and partner-rated items (Q10, 10a–e) are not scored",
    },
)
