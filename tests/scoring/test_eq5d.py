"""EQ-VAS and EQ-5D-5L (China value set, Luo et al. 2017) against published values.

Luo N et al. Estimating an EQ-5D-5L value set for China. Value Health 2017;20(4):662–669.
Published index values: sheejamk/valueEQ5D data-raw/EQ5D5L_indexvalues.csv, column "China";
published coefficients: fragla/eq5d data-raw/VT.csv, column "China". Conventions:
reference/eq5d.md (9 = missing dimension, no index; exact arithmetic; VAS 0–100 integer).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import evaluate, evaluate_visit
from scoring.eq5d import DIMENSION_NAMES, EQ5D5L, EQVAS, LUO2017_DECREMENTS_MILLI, score_eq5d5l
from scoring.model import ItemType, ScoringSettings
from scoring.registry import BY_KEY, find_item, find_score

DIMS = ("eq5d_mo", "eq5d_sc", "eq5d_ua", "eq5d_pd", "eq5d_ad")


def state_answers(state: str) -> dict[str, object]:
    """Raw answers for a 5-digit state; a non-digit position is left blank."""
    return {d: (c if c.isdigit() else "") for d, c in zip(DIMS, state, strict=True)}


def score_state(state: str) -> pd.Series:
    return evaluate_visit(state_answers(state)).scores.loc[0]


def test_registered_as_two_instruments() -> None:
    """A protocol may collect the EQ-VAS alone (the model trial does; DESIGN.md)."""
    assert BY_KEY["eqvas"] is EQVAS and BY_KEY["eq5d5l"] is EQ5D5L
    assert EQVAS.item_names == ("eqvas",)
    assert EQ5D5L.item_names == DIMS == DIMENSION_NAMES
    assert EQ5D5L.score_names == ("eq5d_state", "eq5d_index_cn")
    assert find_score("eq5d_state")[1].is_text
    for d in DIMS:
        item = find_item(d)[1]
        assert item.type is ItemType.CODED and item.codes == (1, 2, 3, 4, 5)
        assert item.en and item.zh


def test_coefficients_equal_the_published_china_value_set() -> None:
    """fragla/eq5d data-raw/VT.csv, column "China" (MO2…AD5, negative decrements), which
    reproduces Luo et al. 2017; the same 20 numbers are in reference/data/cn_5l_luo2017_*.csv."""
    vt_china = {
        "eq5d_mo": (-0.066, -0.158, -0.287, -0.345),
        "eq5d_sc": (-0.048, -0.116, -0.21, -0.253),
        "eq5d_ua": (-0.045, -0.107, -0.194, -0.233),
        "eq5d_pd": (-0.058, -0.138, -0.252, -0.302),
        "eq5d_ad": (-0.049, -0.118, -0.215, -0.258),
    }
    for dim, published in vt_china.items():
        milli = LUO2017_DECREMENTS_MILLI[dim]
        assert milli[0] == 0  # level 1 contributes nothing (no constant in the model)
        assert tuple(-m / 1000 for m in milli[1:]) == published


def test_full_health_is_one() -> None:
    s = score_state("11111")
    assert s["eq5d_state"] == "11111"
    assert s["eq5d_index_cn"] == 1.0


def test_worst_state_is_exactly_minus_0_391() -> None:
    """55555 → −0.391 (valueEQ5D EQ5D5L_indexvalues.csv row 3125, China; eq5d.md §3 range)."""
    s = score_state("55555")
    assert s["eq5d_index_cn"] == -0.391  # the same float as the literal: exact decimal
    assert EQ5D5L.scores[1].low == -0.391


@pytest.mark.parametrize("state", ["44335", "45334"])
def test_states_summing_to_one_are_exactly_zero(state: str) -> None:
    """eq5d.md §3: decrements sum to exactly 1.000 → index exactly 0, shown 0.000, never −0.000
    (valueEQ5D EQ5D5L_indexvalues.csv lists 44335 as 0 in column China)."""
    value = score_state(state)["eq5d_index_cn"]
    assert value == 0.0
    assert math.copysign(1.0, value) == 1.0  # not negative zero
    assert f"{value:.3f}" == "0.000"


@pytest.mark.parametrize(
    ("state", "published"),
    [
        # sheejamk/valueEQ5D data-raw/EQ5D5L_indexvalues.csv, column "China" (ID in comment)
        ("11112", 0.951),  # 2
        ("11115", 0.742),  # 5
        ("11121", 0.942),  # 6
        ("11155", 0.44),  # 25
        ("11211", 0.955),  # 26
        ("11345", 0.383),  # 70
        ("12111", 0.952),  # 126
        ("12155", 0.392),  # 150
        ("44145", -0.007),  # 2270
        ("44212", 0.409),  # 2277
        ("44335", 0.0),  # 2315
        ("44445", -0.201),  # 2345
        ("45155", -0.1),  # 2400
        ("45234", 0.062),  # 2414
        ("55234", 0.004),  # 3039
        ("55334", -0.058),  # 3064
        ("55545", -0.341),  # 3120
        ("55555", -0.391),  # 3125
    ],
)
def test_published_index_values(state: str, published: float) -> None:
    s = score_state(state)
    assert s["eq5d_state"] == state
    assert s["eq5d_index_cn"] == published


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        (["1", "1", "", "1", "1"], "11911"),  # blank
        (["2", "UK", "3", "", "5"], "29395"),  # missing-data code "unknown" and a blank
        (["RF", "1", "1", "1", "2"], "91112"),  # refused
    ],
)
def test_missing_dimension_is_9_and_no_index(raw: list[str], state: str) -> None:
    """eq5d.md §2: a missing or ambiguous dimension is written 9; no index for such a state."""
    s = evaluate_visit(dict(zip(DIMS, raw, strict=True))).scores.loc[0]
    assert s["eq5d_state"] == state
    assert math.isnan(s["eq5d_index_cn"])


def test_out_of_range_level_is_an_error_not_a_value() -> None:
    """eq5d.md §2: a digit outside 1–5 is an entry error; the dimension is then missing (9)."""
    ev = evaluate_visit(state_answers("11611"))
    assert ev.flags.loc[ev.flags["variable"] == "eq5d_ua", "level"].tolist() == ["error"]
    assert ev.scores.loc[0, "eq5d_state"] == "11911"
    assert math.isnan(ev.scores.loc[0, "eq5d_index_cn"])


def test_nothing_entered_gives_no_state() -> None:
    ev = evaluate(pd.DataFrame({"eq5d_mo": [None, "1"]}, dtype=object))
    assert ev.scores.loc[0, "eq5d_state"] is None
    assert ev.scores.loc[1, "eq5d_state"] == "19999"
    assert ev.scores["eq5d_index_cn"].isna().all()


def test_batch_equals_published_values_in_one_frame() -> None:
    """The batch path (exports) and the one-visit path (forms) agree (DESIGN.md)."""
    states = ["11111", "55555", "44335", "45234", "11911"]
    frame = pd.DataFrame([state_answers(s) for s in states], dtype=object)
    batch = evaluate(frame).scores
    for i, state in enumerate(states):
        one = score_state(state)
        assert one["eq5d_state"] == batch.loc[i, "eq5d_state"]
        a, b = one["eq5d_index_cn"], batch.loc[i, "eq5d_index_cn"]
        assert (math.isnan(a) and math.isnan(b)) or a == b


_level = st.integers(1, 5)


@settings(max_examples=200, deadline=None)
@given(st.lists(_level, min_size=5, max_size=5), st.integers(0, 4))
def test_index_is_monotone_non_increasing_in_each_dimension(levels: list[int], dim: int) -> None:
    """Luo 2017: every decrement grows with the level, so a worse level never raises the index."""
    worse = list(levels)
    worse[dim] = min(5, worse[dim] + 1)
    frame = pd.DataFrame([levels, worse], columns=list(DIMS), dtype="float64")
    index = score_eq5d5l(frame, pd.DataFrame(index=frame.index), ScoringSettings())["eq5d_index_cn"]
    assert index[1] <= index[0]
    assert -0.391 <= index[1] <= index[0] <= 1.0
    assert round(index[0] * 1000) / 1000 == index[0]  # an exact thousandth


def test_every_state_is_an_exact_thousandth_within_the_published_range() -> None:
    """All 3,125 states at once (vectorised): range 1 … −0.391 (eq5d.md §3), no −0.0."""
    grid = np.array(np.meshgrid(*[range(1, 6)] * 5, indexing="ij")).reshape(5, -1).T
    frame = pd.DataFrame(grid.astype("float64"), columns=list(DIMS))
    out = score_eq5d5l(frame, pd.DataFrame(index=frame.index), ScoringSettings())
    index = out["eq5d_index_cn"].to_numpy()
    assert len(index) == 3125 and not np.isnan(index).any()
    assert index.max() == 1.0 and index.min() == -0.391
    assert not np.signbit(index[index == 0]).any()
    assert ((index * 1000).round() / 1000 == index).all()
    assert set(out.loc[index == 0, "eq5d_state"]) >= {"44335", "45334"}


# --------------------------------------------------------------------------------------------
# EQ-VAS: integer 0–100 (eq5d.md §1)


@pytest.mark.parametrize("raw", ["0", "100", "73"])
def test_vas_accepts_0_to_100(raw: str) -> None:
    ev = evaluate_visit({"eqvas": raw})
    assert ev.values.loc[0, "eqvas"] == int(raw)
    assert ev.flags.empty


@pytest.mark.parametrize("raw", ["101", "-1", "72.5", "seventy", "999"])
def test_vas_rejects_anything_else(raw: str) -> None:
    """999 is an export missing code, never a value (eq5d.md §1)."""
    ev = evaluate_visit({"eqvas": raw})
    assert math.isnan(ev.values.loc[0, "eqvas"])
    assert ev.flags["level"].tolist() == ["error"]
    assert ev.flags["variable"].tolist() == ["eqvas"]


def test_vas_alone_scores_no_eq5d() -> None:
    """A VAS-only protocol: the EQ-5D instrument is not scored, and the VAS is not combined."""
    ev = evaluate_visit({"eqvas": "80"})
    assert [i.key for i in ev.instruments] == ["eqvas"]
    assert ev.scores.shape[1] == 0
