"""The generic parse/score/flag path (scoring/engine.py) on a small test instrument.

These test the engine's own contract (typing, missing-data tokens, limits, rules, change rules, the
one-visit path equal to the batch path); instrument rules are tested in their own files against
published sources.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from scoring.engine import evaluate, evaluate_visit, parse_column, previous_available
from scoring.model import (
    ChangeRule,
    Choice,
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

CODED = Item(
    "t_code", "code", "代码", ItemType.CODED, choices=(Choice(1, "a", "甲"), Choice(2, "b", "乙"))
)
NUM = Item(
    "t_num",
    "number",
    "数字",
    ItemType.DECIMAL,
    unit="s",
    hard=Range(0, 100, low_inclusive=False, source="test hard"),
    soft=Range(5, 30, source="test soft"),
    missing=frozenset({MissingCode.UNABLE, MissingCode.NOT_DONE}),
)
CLOCK = Item("t_clock", "clock", "时间", ItemType.CLOCK)
HOURS = Item("t_hours", "hours", "小时", ItemType.DECIMAL, hard=Range(0, 24), accept_hmm=True)
TEXT = Item("t_text", "text", "文本", ItemType.TEXT, required=False)


def _scorer(values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings) -> pd.DataFrame:
    return pd.DataFrame({"t_double": values["t_num"] * 2}, index=values.index)


INST = Instrument(
    key="t",
    en="Test",
    zh="测试",
    version="t/1",
    items=(CODED, NUM, CLOCK, HOURS, TEXT),
    scores=(Score("t_double", "double", "双倍", 0, 200, None, "2 × t_num", "test"),),
    scorer=_scorer,
    source="test",
    rules=(
        Rule(
            "t.big",
            "t_double",
            Level.CLINICAL,
            lambda f, s: f["t_double"] > 40,
            "t_double {value} above {limit}",
            "t_double {value} 高于 {limit}",
            limit="40",
        ),
    ),
    change_rules=(ChangeRule("t_num", relative=0.5),),
)


def test_coded_accepts_codes_and_rejects_others() -> None:
    p = parse_column(CODED, pd.Series(["1", "2", "3", "x", "1.5", "", None]))
    assert p.values.iloc[:2].tolist() == [1.0, 2.0]
    assert p.values.iloc[2:].isna().all()
    assert {k: v[0] for k, v in p.errors.items()} == {2: "code", 3: "type", 4: "type"}


def test_missing_tokens_become_status_only_where_allowed() -> None:
    p = parse_column(NUM, pd.Series(["UN", "nd", "RF", "12"]))
    assert p.status.tolist() == ["UN", "ND", None, None]
    assert list(p.errors) == [2] and p.errors[2][0] == "missing_code"
    assert np.isnan(p.values[0]) and p.values[3] == 12.0


def test_hard_limit_is_an_error_and_excluded_soft_limit_a_warning_and_kept() -> None:
    p = parse_column(NUM, pd.Series(["0", "-3", "100", "100.5", "3", "50"]))
    assert sorted(p.errors) == [0, 1, 3]  # 0 excluded (> 0), 100 allowed, 100.5 too big
    assert p.values.isna().tolist() == [True, True, False, True, False, False]
    assert sorted(p.warnings) == [2, 4, 5]  # 100, 3 and 50 outside 5–30
    assert "test soft" in p.warnings[4][1] and "test hard" in p.errors[1][1]


def test_clock_strings_times_and_typed_minutes() -> None:
    raw = pd.Series(["23:30", "7:05", "24:00", "12:60", "noon", dt.time(6, 15), 1410.0, 1440.0])
    p = parse_column(CLOCK, raw)
    assert p.values.iloc[:2].tolist() == [1410.0, 425.0]
    assert p.values.iloc[5] == 375.0 and p.values.iloc[6] == 1410.0
    assert sorted(p.errors) == [2, 3, 4, 7]
    typed = parse_column(CLOCK, pd.Series([0.0, 1439.0, 1439.5, np.nan]))
    assert typed.values.iloc[:2].tolist() == [0.0, 1439.0] and sorted(typed.errors) == [2]


def test_hours_accept_h_mm() -> None:
    p = parse_column(HOURS, pd.Series(["6:45", "6.75", "7:75"]))
    assert p.values.iloc[0] == pytest.approx(6.75) and p.values.iloc[1] == 6.75
    assert list(p.errors) == [2]


def test_evaluate_scores_rules_and_flags_with_row_labels() -> None:
    raw = pd.DataFrame({"t_num": ["25", "abc", "", "4"], "other": list("wxyz")})
    ev = evaluate(raw, instruments=[INST])
    assert ev.scores["t_double"].tolist()[0] == 50.0
    assert ev.scores["t_double"].isna().tolist() == [False, True, True, False]
    got = {(r.row, r.variable, r.level, r.rule) for r in ev.flags.itertuples()}
    assert got == {
        (0, "t_double", "clinical", "t.big"),
        (1, "t_num", "error", "type"),
        (3, "t_num", "warning", "soft"),
    }
    assert set(ev.flags.columns) >= {"message_en", "message_zh"}


def test_change_rule_uses_last_available_previous_value_per_participant() -> None:
    raw = pd.DataFrame(
        {
            "participant": ["A", "A", "A", "B", "B"],
            "visit": ["V1", "V2", "V3", "V1", "V2"],
            "t_num": ["10", "", "16", "10", "14"],
        }
    )
    ev = evaluate(raw, instruments=[INST])
    change = ev.flags[ev.flags["rule"] == "change.t_num"]
    assert change["row"].tolist() == [2]  # A: 10 → 16 (+60 %); B: 10 → 14 (+40 %) is fine


@hsettings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C", None]), st.one_of(st.none(), st.floats(0, 50))),
        max_size=40,
    )
)
def test_previous_available_is_the_groupwise_shift_then_ffill(rows) -> None:
    """``previous_available`` against pandas' own definition: per participant (rows in visit
    order), shift by one visit, then carry the last available value forward; no participant → no
    previous value."""
    who = pd.Series([r[0] for r in rows], dtype=object)
    cur = pd.Series([np.nan if r[1] is None else r[1] for r in rows], dtype="float64")
    expected = cur.groupby(who, sort=False).shift(1).groupby(who, sort=False).ffill()
    groups = pd.factorize(who.to_numpy(dtype=object))[0]
    got = previous_available(cur.to_numpy(), groups)
    np.testing.assert_array_equal(got, expected.to_numpy(dtype="float64"))


def test_one_visit_path_equals_batch_path() -> None:
    answers = {"t_num": "25", "t_code": "2", "t_clock": "22:10"}
    one = evaluate_visit(answers, instruments=[INST])
    batch = evaluate(pd.DataFrame([answers]), instruments=[INST])
    pd.testing.assert_frame_equal(one.scores.reset_index(drop=True), batch.scores)
    prev = evaluate_visit({"t_num": "10"}, previous={"t_num": "25"}, instruments=[INST])
    assert [f.rule for f in prev.flag_list()] == ["change.t_num"]


@pytest.mark.parametrize("item", [CODED, NUM, CLOCK, HOURS])
def test_fast_typed_path_equals_general_path(item: Item) -> None:
    """Typed float columns of many rows take a numpy fast path; it must agree with the general
    rules (values, errors, warnings) on every kind of value."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scoring.engine import _parse_typed_floats, _parse_values

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(-5, 2000).map(float),
                st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 30.0, 100.0, 100.5, 1439.0, 1440.0]),
            ),
            min_size=65,
            max_size=120,
        )
    )
    def check(xs: list[float]) -> None:
        raw = pd.Series(xs, dtype="float64")
        fast = _parse_typed_floats(item, raw)
        slow = _parse_values(item, raw)
        pd.testing.assert_series_equal(fast.values, slow.values, check_names=False)
        assert fast.errors == slow.errors
        assert fast.warnings == slow.warnings

    check()


@pytest.mark.parametrize("item", [CODED, NUM, CLOCK, HOURS])
def test_numbers_in_an_object_column_parse_as_typed_numbers(item: Item) -> None:
    """The store's float values inside a visit's object column are parsed by the numeric rules
    (no string pass); the result must equal the general rules applied to the same objects."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scoring.engine import _parse_values

    @settings(max_examples=80, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(-5, 2000).map(float),
                st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 30.0, 100.0, 100.5, 1439.0, 1440.0]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def check(xs: list[float]) -> None:
        as_objects = pd.Series(xs, dtype=object)
        as_floats = pd.Series(xs, dtype="float64")
        a, b = _parse_values(item, as_objects), _parse_values(item, as_floats)
        np.testing.assert_array_equal(
            a.values.to_numpy(dtype="float64"), b.values.to_numpy(dtype="float64")
        )
        assert a.status.tolist() == b.status.tolist()
        assert a.errors == b.errors and a.warnings == b.warnings

    check()


def test_a_huge_number_is_shown_short_in_its_flag():
    """1e308 typed or read from a spreadsheet is refused (hard limits), and its flag shows it as
    1e+308, not as the 309 digits of the whole number it is; a whole number a person can type
    is still shown as typed (90, not 90.0)."""
    ev = evaluate_visit({"grip_1_kg": 1e308, "grip_2_kg": 90.0, "grip_3_kg": 1e20})
    flags = {f.variable: f for f in ev.flag_list() if f.level.value == "error"}
    assert flags["grip_1_kg"].value == "1e+308" and "1e+308 kg" in flags["grip_1_kg"].message_en
    assert flags["grip_3_kg"].value == "1e+20" and len(flags["grip_3_kg"].message_zh) < 200
    assert "grip_2_kg" not in flags  # 90 kg: the top of the Jamar scale, allowed
