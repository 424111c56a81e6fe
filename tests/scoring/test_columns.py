"""scoring/columns.py: inside ``evaluate`` the frames handed to scorers and rules are shared (each
column is taken out once and handed out read-only); outside, every read goes to the frame.

These test that machinery's contract (DESIGN.md "Scores are derived, never stored": one code path
for one visit and for a whole frame, so sharing must never change a result); the scores
themselves are tested against published sources in each instrument's own test file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.columns import column_index, float_frame, remember, status_is, values_of
from scoring.engine import evaluate
from scoring.model import (
    Instrument,
    Item,
    ItemType,
    Level,
    MissingCode,
    Range,
    Rule,
    Score,
    ScoringSettings,
)
from scoring.registry import INSTRUMENTS


def test_outside_evaluate_every_read_goes_to_the_frame() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "s": ["1.5", "x"]})
    assert values_of(frame, "a").tolist() == [1.0, 2.0]
    assert remember(frame, {"a": np.array([9.0, 9.0])}) is frame  # nothing to remember in
    frame["a"] = [3.0, 4.0]
    assert values_of(frame, "a").tolist() == [3.0, 4.0]
    assert values_of(frame, "s")[0] == 1.5 and np.isnan(values_of(frame, "s")[1])
    assert np.isnan(values_of(frame, "missing")).all()
    status = pd.DataFrame({"a": [None, "UN"]}, dtype=object)
    assert status_is(status, "a", "UN").tolist() == [False, True]
    assert status_is(status, "a").tolist() == [False, True]
    assert status_is(status, "b").tolist() == [False, False]


NUM = Item(
    "c_num",
    "number",
    "数字",
    ItemType.DECIMAL,
    hard=Range(0, 100),
    missing=frozenset({MissingCode.UNABLE}),
)
SEEN: dict[str, object] = {}


def _scorer(values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings) -> pd.DataFrame:
    arr = values_of(values, NUM.name)
    SEEN["taken out once"] = arr is values_of(values, NUM.name)
    SEEN["equal to the frame"] = np.array_equal(arr, values[NUM.name].to_numpy(), equal_nan=True)
    with pytest.raises(ValueError):
        arr[0] = -1.0  # read-only: a scorer cannot change what the next one reads
    return float_frame((arr * 2,), column_index(["c_double"]), values.index)


def _rule(work: pd.DataFrame, settings: ScoringSettings) -> np.ndarray:
    SEEN["score shared with rules"] = values_of(work, "c_double") is values_of(work, "c_double")
    return values_of(work, "c_double") > 100


INST = Instrument(
    key="c",
    en="Columns test",
    zh="列测试",
    version="c/1",
    items=(NUM,),
    scores=(Score("c_double", "double", "双倍", 0, 200, None, "2 × c_num", "test"),),
    scorer=_scorer,
    source="test",
    rules=(
        Rule("c.big", "c_double", Level.CLINICAL, _rule, "{value} > {limit}", "{value}", "100"),
    ),
)


@pytest.mark.parametrize("rows", [1, 3, 100])  # one visit; a few rows; a large frame's path
def test_inside_evaluate_columns_are_shared_read_only_and_only_there(rows: int) -> None:
    SEEN.clear()
    raw = pd.DataFrame({NUM.name: (["30", "", "60.5", "UN"] * rows)[:rows]})
    ev = evaluate(raw, instruments=[INST])
    assert SEEN == {
        "taken out once": True,
        "equal to the frame": True,
        "score shared with rules": True,
    }
    assert ev.scores["c_double"].tolist()[:1] == [60.0]
    assert ev.status[NUM.name].tolist()[3:4] == ["UN"][: max(rows - 3, 0)]
    assert ev.flags["rule"].tolist() == ["c.big"] * ((rows + 1) // 4)
    # after evaluate nothing is shared: a read goes to the frame again
    ev.values[NUM.name] = 1.0
    assert values_of(ev.values, NUM.name).tolist() == [1.0] * rows


def _answers(rows: int, seed: int) -> pd.DataFrame:
    """Random entries for every declared item, as typed (some blank, some missing-data codes)."""
    rng = np.random.default_rng(seed)
    out: dict[str, list[object]] = {}
    for inst in INSTRUMENTS:
        for item in inst.items:
            cells: list[object] = []
            for _ in range(rows):
                u = rng.random()
                if u < 0.08:
                    cells.append("")
                elif u < 0.12 and item.missing:
                    cells.append(sorted(c.value for c in item.missing)[0])
                elif item.type is ItemType.CODED:
                    cells.append(str(rng.choice(item.codes)))
                elif item.type is ItemType.CLOCK:
                    cells.append(f"{rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}")
                elif item.type is ItemType.TEXT:
                    cells.append("text")
                elif item.type is ItemType.CENSORED:
                    cells.append(rng.choice(["<2.3", ">ULOQ", f"{rng.uniform(1, 80):.2f}"]))
                else:
                    rng_ = item.soft or item.hard
                    lo = rng_.low if rng_ is not None and rng_.low is not None else 0.0
                    hi = rng_.high if rng_ is not None and rng_.high is not None else 100.0
                    v = rng.uniform(lo, hi)
                    cells.append(str(round(v)) if item.type is ItemType.INTEGER else f"{v:.2f}")
            out[item.name] = cells
    return pd.DataFrame(out)


@pytest.mark.parametrize("rows", [1, 40, 300])
def test_every_scorer_gives_inside_evaluate_what_it_gives_outside(rows: int) -> None:
    """Sharing never changes a result: each registered instrument's scorer called directly on
    the evaluated values and scores (outside evaluate) returns the scores evaluate returned."""
    settings = ScoringSettings()
    ev = evaluate(_answers(rows, seed=rows), settings)
    work = pd.concat([ev.values, ev.scores], axis=1)
    assert len(ev.instruments) == len(INSTRUMENTS)
    for inst in ev.instruments:
        names = list(inst.score_names)
        if not names:  # EQ-VAS: reported as entered
            continue
        direct = inst.scorer(work, ev.status, settings).reindex(columns=names)
        pd.testing.assert_frame_equal(direct, ev.scores[names], check_exact=True)
