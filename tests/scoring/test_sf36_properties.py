"""Property tests (hypothesis) for SF-36 v1 / RAND-36 1.0 scoring, rules from sf36.md.

* every score stays inside the range its declaration states, for any pattern of answers, blanks
  and invalid codes;
* with complete data the Ware and RAND scales are identical for PF, RP, RE, SF, VT and MH
  (sf36.md §3.4; RAND scoring instructions: "persons using this scoring method…" — the two
  procedures differ only in GH, BP and missing data);
* under the half-scale rule a scored Ware scale equals the RAND mean of the same answered items
  for those six scales (person-mean substitution = mean of the answered items);
* the batch path scores each row as it would be scored alone.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import evaluate
from scoring.sf36 import INSTRUMENT
from scoring.sf36_scoring import score_frame

ITEMS = INSTRUMENT.items
NAMES = list(INSTRUMENT.item_names)
SAME_WITH_COMPLETE_DATA = ("pf", "rp", "re", "sf", "vt", "mh")


def _answer(item) -> st.SearchStrategy[float]:
    return st.sampled_from(item.codes).map(float)


complete_row = st.tuples(*(_answer(i) for i in ITEMS)).map(list)
# an answer, a blank, or a code the item does not have (entry error, treated as missing)
any_row = st.tuples(
    *(
        st.one_of(
            _answer(i),
            st.just(math.nan),
            st.sampled_from([0.0, -1.0, 2.5, float(max(i.codes) + 1), 99.0]),
        )
        for i in ITEMS
    )
).map(list)


def _frame(rows: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=NAMES, dtype="float64")


@settings(max_examples=300, deadline=None)
@given(st.lists(any_row, min_size=1, max_size=20))
def test_every_score_within_its_declared_range(rows):
    out = score_frame(_frame(rows))
    for score in INSTRUMENT.scores:
        col = out[score.name].to_numpy()
        present = col[~np.isnan(col)]
        assert (present >= score.low - 1e-9).all(), (score.name, present.min())
        assert (present <= score.high + 1e-9).all(), (score.name, present.max())


@settings(max_examples=300, deadline=None)
@given(st.lists(complete_row, min_size=1, max_size=20))
def test_complete_data_ware_equals_rand_for_six_scales(rows):
    out = score_frame(_frame(rows))
    for s in SAME_WITH_COMPLETE_DATA:
        np.testing.assert_allclose(out[f"sf36_{s}"], out[f"rand36_{s}"], rtol=0, atol=1e-9)
    # complete data: nothing is missing
    assert not out.isna().any().any()


@settings(max_examples=200, deadline=None)
@given(st.lists(any_row, min_size=1, max_size=20))
def test_scored_ware_scale_equals_rand_mean_for_six_scales(rows):
    out = score_frame(_frame(rows))
    for s in SAME_WITH_COMPLETE_DATA:
        ware = out[f"sf36_{s}"].to_numpy()
        rand = out[f"rand36_{s}"].to_numpy()
        scored = ~np.isnan(ware)
        np.testing.assert_allclose(ware[scored], rand[scored], rtol=0, atol=1e-9)
        # Ware missing never means RAND scored less often: Ware scored ⇒ RAND scored
        assert not np.isnan(rand[scored]).any()


@settings(max_examples=100, deadline=None)
@given(st.lists(any_row, min_size=2, max_size=12))
def test_batch_equals_row_by_row(rows):
    batch = score_frame(_frame(rows))
    for i, row in enumerate(rows):
        alone = score_frame(_frame([row])).iloc[0]
        np.testing.assert_allclose(batch.iloc[i].to_numpy(), alone.to_numpy(), atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(any_row, min_size=1, max_size=8))
def test_engine_path_matches_scorer_and_flags_every_invalid_code(rows):
    """Through scoring.engine.evaluate (text input): every invalid code is an error flag on that
    cell, and the scores equal the scorer's (which treats the same codes as missing)."""
    raw = pd.DataFrame(
        [["" if math.isnan(v) else f"{v:g}" for v in row] for row in rows],
        columns=NAMES,
        dtype=object,
    )
    ev = evaluate(raw, instruments=[INSTRUMENT])
    expected_errors = {
        (r, NAMES[j])
        for r, row in enumerate(rows)
        for j, v in enumerate(row)
        if not math.isnan(v) and v not in ITEMS[j].codes
    }
    got = {(int(r), v) for r, v in zip(ev.flags["row"], ev.flags["variable"], strict=True)}
    assert got == expected_errors
    assert set(ev.flags["level"]) <= {"error"}
    pd.testing.assert_frame_equal(ev.scores, score_frame(_frame(rows)), check_exact=False)
