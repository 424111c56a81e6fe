"""Vectorised SF-36 v1 (Ware) and RAND-36 1.0 scoring over a whole frame (sf36.md §2–§5).

Two scoring systems share the 36 items:

* RAND-36 1.0 (Hays, Sherbourne & Mazel 1993; RAND scoring instructions): every item recoded to
  0–100, scale = mean of the answered items, no minimum.
* SF-36 v1 (Ware et al. 1993, as in the Apolone & Mosconi SAS algorithm): item values summed
  (GH1 and BP items 21/22 recalibrated, item 22 depending on item 21), missing items replaced by
  the person's mean of the answered items of the scale when at least half are answered, raw sum
  rescaled to 0–100. Norm-based PCS/MCS (Ware, Kosinski & Keller 1994) use these scales only.

Everything is array arithmetic on a (36, n) int8 matrix of codes: whole-number item sums per
scale (a loop over about 15 item groups, never over rows), then a few floating-point operations
on 8-row blocks and table look-ups for the non-linear items. No per-row Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.columns import known_columns, remember
from scoring.model import ScoringSettings
from scoring.sf36_items import ITEMS

ITEM_NAMES: tuple[str, ...] = tuple(i.name for i in ITEMS)
SCALES: tuple[str, ...] = ("pf", "rp", "bp", "gh", "vt", "sf", "re", "mh")

# Items (1-based, standard order) of each scale (sf36.md §2.2 = §3.1).
SCALE_ITEMS: dict[str, tuple[int, ...]] = {
    "pf": (3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    "rp": (13, 14, 15, 16),
    "bp": (21, 22),
    "gh": (1, 33, 34, 35, 36),
    "vt": (23, 27, 29, 31),
    "sf": (20, 32),
    "re": (17, 18, 19),
    "mh": (24, 25, 26, 28, 30),
}
HT_ITEM = 2

# ---------------------------------------------------------------------------------------------
# RAND-36 1.0 item recodes, raw code → 0–100 (RAND scoring instructions, Table 1; sf36.md §2.1)

_R5_DOWN = {1: 100.0, 2: 75.0, 3: 50.0, 4: 25.0, 5: 0.0}
_R3_UP = {1: 0.0, 2: 50.0, 3: 100.0}
_R2_UP = {1: 0.0, 2: 100.0}
_R6_DOWN = {1: 100.0, 2: 80.0, 3: 60.0, 4: 40.0, 5: 20.0, 6: 0.0}
_R6_UP = {1: 0.0, 2: 20.0, 3: 40.0, 4: 60.0, 5: 80.0, 6: 100.0}
_R5_UP = {1: 0.0, 2: 25.0, 3: 50.0, 4: 75.0, 5: 100.0}

RAND_RECODE: dict[int, dict[int, float]] = {
    **dict.fromkeys((1, 2, 20, 22, 34, 36), _R5_DOWN),
    **dict.fromkeys(range(3, 13), _R3_UP),
    **dict.fromkeys(range(13, 20), _R2_UP),
    **dict.fromkeys((21, 23, 26, 27, 30), _R6_DOWN),
    **dict.fromkeys((24, 25, 28, 29, 31), _R6_UP),
    **dict.fromkeys((32, 33, 35), _R5_UP),
}

# ---------------------------------------------------------------------------------------------
# SF-36 v1 (Ware) item values (sf36.md §3.1, §3.2; Apolone & Mosconi SAS algorithm)


def _as_coded(top: int) -> dict[int, float]:
    return {c: float(c) for c in range(1, top + 1)}


def _reversed(top: int) -> dict[int, float]:
    return {c: float(top + 1 - c) for c in range(1, top + 1)}


GH1_RECALIBRATED = {1: 5.0, 2: 4.4, 3: 3.4, 4: 2.0, 5: 1.0}
BP21_RECALIBRATED = {1: 6.0, 2: 5.4, 3: 4.2, 4: 3.1, 5: 2.2, 6: 1.0}
# Item 22 when item 21 is answered; code 1 scores 6 only if item 21 = 1 (see BP22_BONUS_IF_21_IS_1).
BP22_WITH_21 = {1: 5.0, 2: 4.0, 3: 3.0, 4: 2.0, 5: 1.0}
BP22_BONUS_IF_21_IS_1 = 1.0
# Item 22 when item 21 is not answered.
BP22_ALONE = {1: 6.0, 2: 4.75, 3: 3.5, 4: 2.25, 5: 1.0}

WARE_VALUE: dict[int, dict[int, float]] = {
    1: GH1_RECALIBRATED,
    **{n: _as_coded(3) for n in range(3, 13)},
    **{n: _as_coded(2) for n in range(13, 20)},
    20: _reversed(5),
    21: BP21_RECALIBRATED,
    22: BP22_WITH_21,
    23: _reversed(6),
    24: _as_coded(6),
    25: _as_coded(6),
    26: _reversed(6),
    27: _reversed(6),
    28: _as_coded(6),
    29: _as_coded(6),
    30: _reversed(6),
    31: _as_coded(6),
    32: _as_coded(5),
    33: _as_coded(5),
    34: _reversed(5),
    35: _as_coded(5),
    36: _reversed(5),
}

# (lowest, highest) possible raw sum of each Ware scale (sf36.md §3.1).
WARE_RAW_RANGE: dict[str, tuple[float, float]] = {
    "pf": (10.0, 30.0),
    "rp": (4.0, 8.0),
    "bp": (2.0, 12.0),
    "gh": (5.0, 25.0),
    "vt": (4.0, 24.0),
    "sf": (2.0, 10.0),
    "re": (3.0, 6.0),
    "mh": (5.0, 30.0),
}
# Half-scale rule: at least half of the items answered, half rounded up (sf36.md §3.3).
WARE_MIN_ANSWERED: dict[str, int] = {s: -(-len(SCALE_ITEMS[s]) // 2) for s in SCALES}

# ---------------------------------------------------------------------------------------------
# Norm-based summary scores: Ware, Kosinski & Keller 1994, US general population 1990,
# factor-analytic sample n = 2,393; orthogonal scoring coefficients (sf36.md §4).

US1990_MEAN = {
    "pf": 84.52404, "rp": 81.19907, "bp": 75.49196, "gh": 72.21316,
    "vt": 61.05453, "sf": 83.59753, "re": 81.29467, "mh": 74.84212,
}  # fmt: skip
US1990_SD = {
    "pf": 22.89490, "rp": 33.79729, "bp": 23.55879, "gh": 20.16964,
    "vt": 20.86942, "sf": 22.37642, "re": 33.02717, "mh": 18.01189,
}  # fmt: skip
PCS_COEF = {
    "pf": 0.42402, "rp": 0.35119, "bp": 0.31754, "gh": 0.24954,
    "vt": 0.02877, "sf": -0.00753, "re": -0.19206, "mh": -0.22069,
}  # fmt: skip
MCS_COEF = {
    "pf": -0.22999, "rp": -0.12329, "bp": -0.09731, "gh": -0.01571,
    "vt": 0.23534, "sf": 0.26876, "re": 0.43407, "mh": 0.48581,
}  # fmt: skip

PCS_SUM_SCALES = ("pf", "rp", "bp", "gh")
MCS_SUM_SCALES = ("vt", "sf", "re", "mh")


def t_score_bounds(coef: dict[str, float]) -> tuple[float, float]:
    """Lowest and highest T-score reachable with every scale in 0–100.

    The scales use disjoint items, so every corner of the 0–100 box is reachable and the linear
    composite's extremes are at corners."""
    lo = hi = 50.0
    for s in SCALES:
        a = 0.0 - US1990_MEAN[s]
        b = 100.0 - US1990_MEAN[s]
        ends = (10.0 * coef[s] * a / US1990_SD[s], 10.0 * coef[s] * b / US1990_SD[s])
        lo += min(ends)
        hi += max(ends)
    return lo, hi


# ---------------------------------------------------------------------------------------------
# Item groups derived from the item declarations (allowed codes) and the published tables above.
#
# Every RAND recode, and every Ware item value except the GH1 and BP recalibrations, is linear in
# the raw code with whole coefficients: value = a + b·code. With V = 1 where an item is answered
# and X = its code (0 where absent), a scale's item sum is Σ (a·V + b·X) and its answered count
# Σ V. Items of a scale with the same (a, b) pairs form a group whose ΣX and ΣV are added once, so
# all sums are exact small integers (int16) over int8 codes; only 24 rows per administration are
# then turned into floating point. The loop runs over item groups (about 15), never over rows.

_MAX_CODE = np.array([max(i.codes) for i in ITEMS], dtype=np.float64)
_WARE_NONLINEAR = (1, 21, 22)  # GH1 recalibrated (look-up); BP scored as a pair (§3.2)


def _linear(n: int, mapping: dict[int, float]) -> tuple[int, int]:
    """(a, b) with value = a + b·code for every declared code of item ``n``; ValueError if the
    table does not match the item's declared codes or is not linear with whole coefficients."""
    declared = set(ITEMS[n - 1].codes)
    if set(mapping) != declared:
        raise ValueError(f"item {n}: scoring codes {sorted(mapping)} ≠ declared {sorted(declared)}")
    b = mapping[2] - mapping[1]
    a = mapping[1] - b
    if any(a + b * c != v for c, v in mapping.items()) or a != int(a) or b != int(b):
        raise ValueError(f"item {n}: table is not linear in the code with whole coefficients")
    return int(a), int(b)


def _groups() -> tuple[tuple[int, tuple[int, ...], tuple[int, int] | None, tuple[int, int]], ...]:
    """(scale index, item rows, Ware (a, b) or None if looked up, RAND (a, b)) per item group."""
    found: dict[tuple, list[int]] = {}
    for j, s in enumerate(SCALES):
        for n in SCALE_ITEMS[s]:
            ware = None if n in _WARE_NONLINEAR else _linear(n, WARE_VALUE[n])
            found.setdefault((j, ware, _linear(n, RAND_RECODE[n])), []).append(n - 1)
    return tuple((j, tuple(rows), ware, rand) for (j, ware, rand), rows in found.items())


_GROUPS = _groups()
_SIZES = np.array([len(SCALE_ITEMS[s]) for s in SCALES], dtype=np.float64)[:, None]
_HT = _linear(HT_ITEM, RAND_RECODE[HT_ITEM])


def _lut(mapping: dict[int, float], n: int) -> np.ndarray:
    """Look-up table by code (slot 0 = absent → 0.0) for a non-linear item value."""
    if set(mapping) != set(ITEMS[n - 1].codes):
        raise ValueError(f"item {n}: recalibration codes differ from the declared codes")
    table = np.zeros(int(_MAX_CODE[n - 1]) + 1)
    for code, v in mapping.items():
        table[code] = v
    return table


_GH1 = _lut(GH1_RECALIBRATED, 1)
_BP21 = _lut(BP21_RECALIBRATED, 21)
_BP22 = _lut(BP22_WITH_21, 22)
_BP22_ALONE = _lut(BP22_ALONE, 22)

_I_GH = SCALES.index("gh")
_I_BP = SCALES.index("bp")
_WARE_LO = np.array([WARE_RAW_RANGE[s][0] for s in SCALES])[:, None]
_WARE_SPAN = np.array([WARE_RAW_RANGE[s][1] - WARE_RAW_RANGE[s][0] for s in SCALES])[:, None]
_WARE_MIN = np.array([WARE_MIN_ANSWERED[s] for s in SCALES], dtype=np.float64)[:, None]
_NORM_MEAN = np.array([US1990_MEAN[s] for s in SCALES])[:, None]
_NORM_SD = np.array([US1990_SD[s] for s in SCALES])[:, None]
_COEF_T = np.array([[PCS_COEF[s] for s in SCALES], [MCS_COEF[s] for s in SCALES]])  # (2, 8)
_PCS_SUM = [SCALES.index(s) for s in PCS_SUM_SCALES]
_MCS_SUM = [SCALES.index(s) for s in MCS_SUM_SCALES]

SCORE_NAMES: tuple[str, ...] = (
    *(f"sf36_{s}" for s in SCALES),
    "sf36_pcs",
    "sf36_mcs",
    "sf36_pcs_sum",
    "sf36_mcs_sum",
    *(f"rand36_{s}" for s in SCALES),
    "rand36_ht",
)

_SCORE_COLUMNS = pd.Index(SCORE_NAMES)  # made once: the frame of every call shares it


def item_codes(values: pd.DataFrame) -> np.ndarray:
    """(36, n) int8 raw codes, items in standard order; 0 where the answer is absent or is not
    one of the item's codes (negative, above the item's top code, not a whole number: treated as
    missing, sf36.md §1)."""
    known = known_columns(values, ITEM_NAMES)  # inside evaluate: already taken out
    if known is not None and all(a.dtype == np.float64 for a in known):
        raw = np.vstack(known)
    else:
        names = list(ITEM_NAMES)
        frame = (
            values[names] if set(names).issubset(values.columns) else values.reindex(columns=names)
        )
        if not all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):  # not from the engine
            frame = frame.apply(pd.to_numeric, errors="coerce")
        raw = frame.to_numpy(dtype=np.float64, na_value=np.nan).T  # a view for a one-block frame
    codes = np.fmax(raw, 0.0)  # NaN and negative → 0 (absent)
    # The engine has already refused every code an item does not have; check cheaply and
    # repair only if something slipped through (a direct call).
    if (codes.max(axis=1, initial=0.0) > _MAX_CODE).any():
        codes[codes > _MAX_CODE[:, None]] = 0.0
    small = codes.astype(np.int8)  # exact for whole codes 0 … 6
    # codes ≥ small everywhere, equal only for whole numbers: equal totals ⇔ no fractional code
    if codes.sum() != small.sum(dtype=np.int64):
        small[codes != small] = 0
    return small


def norm_based(ware_scales: np.ndarray) -> np.ndarray:
    """(2, n) PCS and MCS from (8, n) Ware scales in ``SCALES`` order (Ware, Kosinski & Keller
    1994): 50 + 10 × Σ z·coefficient. A missing scale (NaN) makes both missing."""
    return 50.0 + 10.0 * (_COEF_T @ ((ware_scales - _NORM_MEAN) / _NORM_SD))


def item_sums(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per scale (8, n) int16: Ware item sum of the linear items, RAND item sum, answered count."""
    n = codes.shape[1]
    answered = codes > 0
    ware = np.zeros((len(SCALES), n), dtype=np.int16)
    rand = np.zeros((len(SCALES), n), dtype=np.int16)
    count = np.zeros((len(SCALES), n), dtype=np.int16)
    for j, rows, ware_ab, (ra, rb) in _GROUPS:
        x = codes[rows[0]].astype(np.int16)
        v = answered[rows[0]].astype(np.int16)
        for r in rows[1:]:
            x += codes[r]
            v += answered[r]
        count[j] += v
        rand[j] += rb * x
        if ra:
            rand[j] += ra * v
        if ware_ab is not None:
            wa, wb = ware_ab
            ware[j] += wb * x
            if wa:
                ware[j] += wa * v
    return ware, rand, count


def score_frame(
    values: pd.DataFrame,
    status: pd.DataFrame | None = None,
    settings: ScoringSettings | None = None,
) -> pd.DataFrame:
    """The ``BatchScorer`` of the sf36 instrument: every score, unrounded, one row per row.

    ``status`` is not consulted: a missing-data code always leaves the value absent (NaN).
    """
    codes = item_codes(values)  # (36, n) int8
    ware_sum, rand_sum, count_i = item_sums(codes)
    counts = count_i.astype(np.float64)
    out = np.empty((len(SCORE_NAMES), codes.shape[1]))
    ware = out[0:8]
    with np.errstate(invalid="ignore", divide="ignore"):
        # Ware: missing items replaced by the person's mean of the answered ones (§3.3), so the
        # raw sum is k × mean; scored only when at least half of the items are answered.
        np.divide(ware_sum, counts, out=ware)
        ware[_I_GH] += _GH1[codes[0]] / counts[_I_GH]  # recalibrated GH1 (0.0 when absent)
        ware *= _SIZES
        ware -= _WARE_LO
        ware *= 100.0 / _WARE_SPAN
        ware[counts < _WARE_MIN] = np.nan
        ware[_I_BP] = _ware_bp(codes[20], codes[21])
        # RAND-36: mean of the answered recoded items; NaN when none is answered (§2.3).
        np.divide(rand_sum, counts, out=out[12:20])
    out[8:10] = norm_based(ware)  # NaN if any scale is missing (§4)
    np.add.reduce(ware[_PCS_SUM], axis=0, out=out[10])  # NaN if any of the four is missing
    np.add.reduce(ware[_MCS_SUM], axis=0, out=out[11])
    ht = codes[HT_ITEM - 1]
    out[20] = np.where(ht > 0, _HT[0] + _HT[1] * ht.astype(np.float64), np.nan)
    frame = pd.DataFrame(out.T, index=values.index, columns=_SCORE_COLUMNS, copy=False)
    return remember(frame, dict(zip(SCORE_NAMES, out, strict=True)))  # shared inside evaluate


def _ware_bp(c21: np.ndarray, c22: np.ndarray) -> np.ndarray:
    """Ware bodily pain 0–100 from the int8 codes of items 21 and 22, 0 = absent (§3.2)."""
    v21 = _BP21[c21]
    v22 = _BP22[c22] + BP22_BONUS_IF_21_IS_1 * ((c21 == 1) & (c22 == 1))
    has21 = c21 > 0
    has22 = c22 > 0
    raw = np.where(
        has21 & has22,
        v21 + v22,
        np.where(has21, 2.0 * v21, np.where(has22, 2.0 * _BP22_ALONE[c22], np.nan)),
    )
    lo, hi = WARE_RAW_RANGE["bp"]
    return (raw - lo) / (hi - lo) * 100.0
