"""EQ-VAS and EQ-5D-5L with the China value set (Luo et al. 2017).

Two instruments, because a protocol may collect the EQ-VAS alone (the model trial does) and a form
or CRF then shows only the VAS: ``eqvas`` (one item, 0–100) and ``eq5d5l`` (five dimensions, the
5-digit health state and the China index). The VAS is never combined with the index (EuroQol FAQ).

Luo N, Liu G, Li M, Guan H, Jin X, Rand-Hendriksen K. Estimating an EQ-5D-5L value set for China.
Value Health 2017;20(4):662–669. doi:10.1016/j.jval.2016.11.016. Additive model, no constant:
index = 1 − Σ decrement(dimension, level). Decrements are held as integer thousandths so the index
is exact (e.g. 44335 → exactly 0, never −0.000).

EQ-5D is © EuroQol Research Foundation; the patient-facing wording is not shipped. Labels here are
dimension names, level numbers and short project-written assessor labels (reference/eq5d.md §7).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.columns import column_array, float_frame
from scoring.model import Choice, Instrument, Item, ItemType, Range, Score, ScoringSettings

EQ_LICENCE = (
    "EQ-5D™ (3L, 5L, EQ-VAS, all translations) © EuroQol Research Foundation; use needs the "
    "EuroQol Office's written consent and registration. Patient-facing wording is loaded only "
    "from a site-supplied pack."
)
LUO2017 = (
    "Luo N, Liu G, Li M, Guan H, Jin X, Rand-Hendriksen K. Estimating an EQ-5D-5L value set for "
    "China. Value Health 2017;20(4):662–669. doi:10.1016/j.jval.2016.11.016"
)

# --------------------------------------------------------------------------------------------
# EQ-VAS

VAS_ITEMS: tuple[Item, ...] = (
    Item(
        "eqvas",
        "EQ-VAS: own health today (0 worst – 100 best imaginable)",
        "EQ-VAS：今天的健康状况（0 最差 – 100 最好）",
        ItemType.INTEGER,
        unit="",
        hard=Range(0, 100, source="EQ-VAS scale 0–100 (reference/eq5d.md §1)"),
        section="EQ-VAS",
        form_label="EQ-VAS",
    ),
)


def score_eqvas(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """The EQ-VAS is reported as entered: no derived score, never combined with the index."""
    return float_frame((), _NO_COLUMNS, values.index)


_NO_COLUMNS = pd.RangeIndex(0)  # the columns of pd.DataFrame(index=...), made once


EQVAS = Instrument(
    key="eqvas",
    en="EQ visual analogue scale (EQ-VAS)",
    zh="EQ视觉模拟量表（EQ-VAS）",
    short_en="EQ-VAS",
    short_zh="EQ-VAS",
    version="1.0",
    items=VAS_ITEMS,
    scores=(),
    scorer=score_eqvas,
    source="EuroQol Research Foundation, EQ-5D-5L user guide (EQ-VAS 0–100)",
    licence=EQ_LICENCE,
    notes={
        "missing": "unclear mark, two marks, number and mark disagree → missing with a reason",
        "not_a_utility": "report separately from the EQ-5D index; never average the two",
    },
)

# --------------------------------------------------------------------------------------------
# EQ-5D-5L

_LEVELS = (
    Choice(1, "no problems", "没有困难"),
    Choice(2, "slight problems", "轻度困难"),
    Choice(3, "moderate problems", "中度困难"),
    Choice(4, "severe problems", "严重困难"),
    Choice(5, "extreme problems / unable", "极度困难或无法"),
)

# (codebook name, English, Chinese) in the fixed EQ-5D order MO, SC, UA, PD, AD.
DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("eq5d_mo", "Mobility", "行动能力"),
    ("eq5d_sc", "Self-care", "自我照顾"),
    ("eq5d_ua", "Usual activities", "日常活动"),
    ("eq5d_pd", "Pain / discomfort", "疼痛或不舒服"),
    ("eq5d_ad", "Anxiety / depression", "焦虑或抑郁"),
)
DIMENSION_NAMES: tuple[str, ...] = tuple(d[0] for d in DIMENSIONS)

# China 5L value set, decrements in thousandths for levels 1–5 (Luo et al. 2017, Table 3; same
# numbers in fragla/eq5d data-raw/VT.csv column "China" and reference/data/cn_5l_luo2017_*.csv).
LUO2017_DECREMENTS_MILLI: dict[str, tuple[int, int, int, int, int]] = {
    "eq5d_mo": (0, 66, 158, 287, 345),
    "eq5d_sc": (0, 48, 116, 210, 253),
    "eq5d_ua": (0, 45, 107, 194, 233),
    "eq5d_pd": (0, 58, 138, 252, 302),
    "eq5d_ad": (0, 49, 118, 215, 258),
}
# Row = dimension (MO..AD), column = level (column 0 unused), integer thousandths.
_TABLE = np.array([(0, *LUO2017_DECREMENTS_MILLI[n]) for n in DIMENSION_NAMES], dtype=np.int64)
INDEX_MIN_MILLI = 1000 - int(_TABLE[:, 5].sum())  # worst state 55555
MISSING_DIGIT = 9  # a missing or ambiguous dimension in the state string (eq5d.md §2)

EQ5D_ITEMS: tuple[Item, ...] = tuple(
    Item(
        name,
        en,
        zh,
        ItemType.CODED,
        choices=_LEVELS,
        section="EQ-5D-5L descriptive system / 描述系统",
        form_label=name[5:].upper(),
    )
    for name, en, zh in DIMENSIONS
)

EQ5D_SCORES: tuple[Score, ...] = (
    Score(
        "eq5d_state",
        "EQ-5D-5L health state (MO SC UA PD AD; 9 = missing)",
        "EQ-5D-5L健康状态（MO SC UA PD AD；9 = 缺失）",
        None,
        None,
        None,
        "five level digits in dimension order; a missing dimension is written 9",
        "EuroQol EQ-5D-5L user guide; reference/eq5d.md §2",
        decimals=0,
        is_text=True,
    ),
    Score(
        "eq5d_index_cn",
        "EQ-5D-5L index, China value set",
        "EQ-5D-5L健康效用指数（中国值集）",
        INDEX_MIN_MILLI / 1000,
        1.0,
        True,
        "1 − Σ dimension decrements (additive, no constant); no index if any dimension missing",
        LUO2017,
        decimals=3,
    ),
)


def _levels(values: pd.DataFrame) -> np.ndarray:
    """An (n, 5) integer array of levels 1–5, 0 where a dimension is missing or invalid."""
    cols = []
    for name in DIMENSION_NAMES:
        v = column_array(values, name)
        if v is None:
            v = np.full(len(values), np.nan)
        elif v.dtype != np.float64:
            v = pd.to_numeric(values[name], errors="coerce").to_numpy("float64", na_value=np.nan)
        ok = (v >= 1.0) & (v <= 5.0) & (v == np.floor(v))  # one of the levels 1–5 (NaN: no)
        cols.append(np.where(ok, v, 0).astype(np.int64))
    return np.column_stack(cols) if cols else np.zeros((len(values), 0), dtype=np.int64)


def index_milli(levels: np.ndarray) -> np.ndarray:
    """Luo 2017 index in exact integer thousandths for an (n, 5) array of levels 1–5."""
    return 1000 - _TABLE[np.arange(5), levels].sum(axis=1)


def score_eq5d5l(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """Health state string and China index (Luo 2017) for every row, vectorised."""
    levels = _levels(values)
    complete = (levels > 0).all(axis=1)
    anything = (levels > 0).any(axis=1)
    # Exact decimal → the float nearest to it (IEEE division is correctly rounded), so −391/1000
    # is the same float as the literal −0.391 and 0/1000 is +0.0, never −0.0.
    index = np.where(complete, index_milli(np.where(levels > 0, levels, 1)) / 1000, np.nan)
    digits = np.where(levels > 0, levels, MISSING_DIGIT)
    code = digits @ np.array([10_000, 1_000, 100, 10, 1], dtype=np.int64)
    state = code.astype(str).astype(object)
    state[~anything] = None  # nothing entered: no state rather than "99999"
    state = pd.Series(state, index=values.index, dtype=object)
    return pd.DataFrame({"eq5d_state": state, "eq5d_index_cn": index}, index=values.index)


EQ5D5L = Instrument(
    key="eq5d5l",
    en="EQ-5D-5L descriptive system and China index",
    zh="EQ-5D-5L描述系统及中国健康效用指数",
    short_en="EQ-5D-5L",
    short_zh="EQ-5D-5L",
    version="1.0",
    items=EQ5D_ITEMS,
    scores=EQ5D_SCORES,
    scorer=score_eq5d5l,
    source=LUO2017,
    licence=EQ_LICENCE,
    notes={
        "value_set": "China 5L (Luo 2017), exact integer thousandths; no crosswalk (eq5d.md §5)",
        "missing": "a missing or ambiguous dimension → 9 in the state string and no index",
    },
)

INSTRUMENTS: tuple[Instrument, ...] = (EQVAS, EQ5D5L)
