"""The flag engine on the physical tests: AWGS 2019 / EWGSOP2 / CDC STEADI clinical cut-offs at
their boundaries, trial-to-trial disagreement, change from the previous visit (batch and one-visit
paths), bilingual messages, and property tests: no input crashes ``evaluate`` and every error-level
value is excluded from scoring.

Sources: AWGS 2019 (Chen et al., JAMDA 2020;21:300): grip men < 28 kg, women < 18 kg; gait speed
< 1.0 m/s; five chair stands ≥ 12 s; SPPB ≤ 9. EWGSOP2 (Cruz-Jentoft et al., Age Ageing
2019;48:16): grip men < 27 kg, women < 16 kg; gait speed ≤ 0.8 m/s; chair stands > 15 s;
TUG ≥ 20 s; SPPB ≤ 8. CDC STEADI: TUG ≥ 12 s at risk of falling. Consistency and change thresholds:
project proposal (physical.md §1 and issue 3).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import evaluate, evaluate_visit
from scoring.model import ScoringSettings
from scoring.registry import BY_KEY
from tests.scoring.physical_helpers import rules, run

AWGS = ScoringSettings(reference_set="AWGS2019")
EWG = ScoringSettings(reference_set="EWGSOP2")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("cfg", "row", "rule", "flagged"),
    [
        # AWGS 2019 grip: men < 28, women < 18
        (AWGS, {"sex": "M", "grip_1_kg": 27.9}, "awgs2019.grip_low_men", True),
        (AWGS, {"sex": "M", "grip_1_kg": 28.0}, "awgs2019.grip_low_men", False),
        (AWGS, {"sex": "F", "grip_1_kg": 17.9}, "awgs2019.grip_low_women", True),
        (AWGS, {"sex": "F", "grip_1_kg": 18.0}, "awgs2019.grip_low_women", False),
        # EWGSOP2 grip: men < 27, women < 16
        (EWG, {"sex": "M", "grip_1_kg": 26.9}, "ewgsop2.grip_low_men", True),
        (EWG, {"sex": "M", "grip_1_kg": 27.0}, "ewgsop2.grip_low_men", False),
        (EWG, {"sex": "F", "grip_1_kg": 15.9}, "ewgsop2.grip_low_women", True),
        (EWG, {"sex": "F", "grip_1_kg": 16.0}, "ewgsop2.grip_low_women", False),
        # AWGS 2019 gait speed < 1.0 m/s: 4 m in 4.00 s is exactly 1.0 m/s
        (AWGS, {"walk4m_1_s": 4.00}, "awgs2019.gait_speed_low", False),
        (AWGS, {"walk4m_1_s": 4.01}, "awgs2019.gait_speed_low", True),
        # EWGSOP2 gait speed ≤ 0.8 m/s: 4 m in 5.00 s is exactly 0.8 m/s
        (EWG, {"walk4m_1_s": 4.99}, "ewgsop2.gait_speed_low", False),
        (EWG, {"walk4m_1_s": 5.00}, "ewgsop2.gait_speed_low", True),
        # chair stands: AWGS ≥ 12 s, EWGSOP2 > 15 s
        (AWGS, {"ftsst_1_s": 11.99}, "awgs2019.chair_stand_slow", False),
        (AWGS, {"ftsst_1_s": 12.00}, "awgs2019.chair_stand_slow", True),
        (EWG, {"ftsst_1_s": 15.00}, "ewgsop2.chair_stand_slow", False),
        (EWG, {"ftsst_1_s": 15.01}, "ewgsop2.chair_stand_slow", True),
        # TUG: CDC STEADI ≥ 12 s (any reference set); EWGSOP2 ≥ 20 s
        (AWGS, {"tug_1_s": 11.99}, "steadi.tug_fall_risk", False),
        (AWGS, {"tug_1_s": 12.00}, "steadi.tug_fall_risk", True),
        (EWG, {"tug_1_s": 12.00}, "steadi.tug_fall_risk", True),
        (EWG, {"tug_1_s": 19.99}, "ewgsop2.tug_low_performance", False),
        (EWG, {"tug_1_s": 20.00}, "ewgsop2.tug_low_performance", True),
        (AWGS, {"tug_1_s": 25.00}, "ewgsop2.tug_low_performance", False),
    ],
)
def test_clinical_cut_offs(cfg: ScoringSettings, row: dict, rule: str, flagged: bool) -> None:
    ev = run(row, cfg)
    assert (rule in rules(ev)) is flagged
    if flagged:
        f = ev.flags[ev.flags["rule"] == rule].iloc[0]
        assert f["level"] == "clinical"
        source = "CDC STEADI" if rule.startswith("steadi") else rule.split(".")[0][:4].upper()
        assert source in f["message_en"].upper().replace(" ", "") or source in f["message_en"]


def test_only_the_active_reference_set_flags() -> None:
    row = {"sex": "M", "grip_1_kg": 20, "walk4m_1_s": 6.0, "ftsst_1_s": 16.0}
    for cfg, on, off in ((AWGS, "awgs2019.", "ewgsop2."), (EWG, "ewgsop2.", "awgs2019.")):
        got = rules(run(row, cfg))
        assert any(r.startswith(on) for r in got)
        assert not any(r.startswith(off) for r in got)


def test_unknown_sex_gives_no_sex_specific_cut_off() -> None:
    got = rules(run({"grip_1_kg": 10}))
    assert not any("grip_low" in r for r in got)


@pytest.mark.parametrize(
    ("row", "rule", "flagged"),
    [
        ({"grip_1_kg": 20, "grip_2_kg": 30}, "grip.trials_disagree", False),  # 10 kg: not > 10
        ({"grip_1_kg": 20, "grip_2_kg": 30.1}, "grip.trials_disagree", True),
        ({"grip_1_kg": 20, "grip_2_kg": 25, "grip_3_kg": 30.5}, "grip.trials_disagree", True),
        ({"tug_1_s": 10, "tug_2_s": 13}, "tug.trials_disagree", False),  # 30 %: not > 30 %
        ({"tug_1_s": 10, "tug_2_s": 13.01}, "tug.trials_disagree", True),
        ({"walk4m_1_s": 4, "walk4m_2_s": 5}, "walk.trials_disagree", False),  # 25 %
        ({"walk4m_1_s": 4, "walk4m_2_s": 5.01}, "walk.trials_disagree", True),
        ({"walk4m_1_s": 8, "walk4m_2_s": 9.5}, "walk.trials_disagree", False),  # 1.5 s
        ({"walk4m_1_s": 8, "walk4m_2_s": 9.51}, "walk.trials_disagree", True),
        ({"walk4m_1_s": 8, "walk4m_2_s": "UN"}, "walk.trials_disagree", False),
    ],
)
def test_trial_to_trial_disagreement_physical_md_1(row: dict, rule: str, flagged: bool) -> None:
    ev = run(row)
    assert (rule in rules(ev)) is flagged
    if flagged:
        f = ev.flags[ev.flags["rule"] == rule].iloc[0]
        assert f["level"] == "warning"
        first = f"{float(row[next(iter(row))]):.1f}"
        assert first in f["message_en"] and first in f["message_zh"]


# Change from the previous visit (thresholds in the definitions: grip ±40 %, TUG ±50 %,
# gait speed ±50 %).
CHANGES = [
    ({"grip_1_kg": 30}, {"grip_1_kg": 42}, "change.grip_kg", False),
    ({"grip_1_kg": 30}, {"grip_1_kg": 42.1}, "change.grip_kg", True),
    ({"grip_1_kg": 30}, {"grip_1_kg": 17.9}, "change.grip_kg", True),
    ({"tug_1_s": 10}, {"tug_1_s": 15}, "change.tug_s", False),
    ({"tug_1_s": 10}, {"tug_1_s": 15.01}, "change.tug_s", True),
    ({"walk4m_1_s": 4}, {"walk4m_1_s": 8}, "change.gait_speed_ms", False),  # 1.0 → 0.5: 50 %
    ({"walk4m_1_s": 4}, {"walk4m_1_s": 8.01}, "change.gait_speed_ms", True),
]


@pytest.mark.parametrize(("before", "after", "rule", "flagged"), CHANGES)
def test_change_from_previous_visit_batch(before, after, rule, flagged) -> None:
    frame = pd.DataFrame(
        [
            {"participant": "P01", "visit": "V0", **before},
            {"participant": "P02", "visit": "V0", **after},  # another participant: never compared
            {"participant": "P01", "visit": "V1", **after},
        ]
    ).astype(object)
    ev = evaluate(frame)
    assert (rule in rules(ev, 2)) is flagged
    assert rule not in rules(ev, 1)
    if flagged:
        f = ev.flags[(ev.flags["row"] == 2) & (ev.flags["rule"] == rule)].iloc[0]
        assert f["level"] == "warning" and "%" in f["message_en"] and CJK.search(f["message_zh"])


@pytest.mark.parametrize(("before", "after", "rule", "flagged"), CHANGES)
def test_change_from_previous_visit_one_visit_path(before, after, rule, flagged) -> None:
    ev = evaluate_visit(after, previous=before)
    assert (rule in rules(ev, 0)) is flagged


def test_change_uses_the_last_available_previous_value() -> None:
    frame = pd.DataFrame(
        [
            {"participant": "P", "visit": "V0", "grip_1_kg": 30},
            {"participant": "P", "visit": "V1", "grip_1_kg": "RF"},
            {"participant": "P", "visit": "V2", "grip_1_kg": 15},
        ]
    ).astype(object)
    assert "change.grip_kg" in rules(evaluate(frame), 2)


PHYSICAL_KEYS = ("participant", "tug", "walk4m", "grip", "ftsst", "sppb", "fried", "cytokines")
SOURCES = {
    src
    for k in PHYSICAL_KEYS
    for src in (
        *(r.source for r in BY_KEY[k].rules),
        *(c.source for c in BY_KEY[k].change_rules),
        *(rng.source for i in BY_KEY[k].items for rng in (i.hard, i.soft) if rng is not None),
    )
    if src
}


def test_every_physical_rule_message_is_bilingual_and_names_value_limit_source() -> None:
    rows = [
        {"sex": "M", "age": 90, "height_cm": 120, "weight_kg": 80, "tug_1_s": 40, "tug_2_s": 25,
         "walk4m_1_s": 9, "walk4m_2_s": 12, "grip_1_kg": 8, "grip_2_kg": 25, "grip_3_kg": 9,
         "ftsst_1_s": 40, "sppb_side_s": 5, "sppb_semi_s": 3, "fried_weightloss": 1,
         "fried_exhaustion": 1, "fried_activity": 1, "tnfa_pgml": ">ULOQ", "il8_pgml": 200},
        {"sex": "F", "tug_1_s": 2, "walk4m_1_s": 0.5, "grip_1_kg": 95, "ftsst_1_s": 70},
    ]  # fmt: skip
    for cfg in (AWGS, EWG):
        ev = run(rows, cfg)
        assert {"error", "warning", "clinical"} <= set(ev.flags["level"])
        for f in ev.flags.itertuples():
            assert f.message_en and CJK.search(f.message_zh), f
            assert "{" not in f.message_en and "{" not in f.message_zh, f
            assert not re.search(r"\b(and|or|expected)\b", f.message_zh), f  # no English inside
            if f.value:
                assert f.value in f.message_en and f.value in f.message_zh, f
            assert re.search(r"\d", f.message_en), f  # the limit
            assert any(src in f.message_en and src in f.message_zh for src in SOURCES), f


# ---------------------------------------------------------------------------------------------
# Property tests: no input crashes the engine; error-level values never reach scoring.

COLUMNS = [i.name for k in PHYSICAL_KEYS for i in BY_KEY[k].items]

cell = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(["UN", "ND", "RF", "NA", "UK", "<2.3", ">ULOQ", "M", "F", "男", "1e309",
                     "-0", " 5 ", "10", "4.815", "60", "0", "nan", "inf", "", "1,5"]),
    st.booleans(),
)  # fmt: skip
# participant/visit columns (garbage included) so the change-from-previous rules run too
ids = st.one_of(st.sampled_from(["P1", "P2", None, 3, 2.5]), st.text(max_size=3))
frames = st.integers(min_value=1, max_value=6).flatmap(
    lambda n: st.lists(
        st.fixed_dictionaries({"participant": ids, "visit": ids, **{c: cell for c in COLUMNS}}),
        min_size=n,
        max_size=n,
    ).map(
        lambda rows: pd.DataFrame(rows, columns=["participant", "visit", *COLUMNS]).astype(object)
    )
)


def _blank_errors(raw: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    out = raw.copy()
    for f in flags[flags["level"] == "error"].itertuples():
        if f.variable in out.columns:
            out.at[f.row, f.variable] = None
    return out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


SETTINGS_VARIANTS = [
    AWGS,
    EWG,
    ScoringSettings(tug_recorded="mean", walk_recorded="first", grip_recorded="mean",
                    fried_weakness_table="CHARLS", fried_unable_positive=False,
                    sppb_unable_scores_zero=False),
    ScoringSettings(fried_slowness_rule="D", fried_slowness_speed_ms=1.0),
    ScoringSettings(fried_slowness_rule="B",
                    fried_slowness_b=((1, 170.0, 6.0, 5.0), (2, 158.0, 7.0, 6.0))),
]  # fmt: skip


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames, st.sampled_from(SETTINGS_VARIANTS))
def test_no_input_crashes_and_errors_are_excluded_from_scoring(raw, cfg) -> None:
    ev = evaluate(raw, cfg)
    assert list(ev.flags.columns) == ["row", "variable", "value", "level", "rule",
                                      "message_en", "message_zh"]  # fmt: skip
    errors = ev.flags[ev.flags["level"] == "error"]
    for f in errors.itertuples():
        v = ev.values.at[f.row, f.variable]
        assert v is None or (isinstance(v, float) and np.isnan(v)), f
    clean = evaluate(_blank_errors(raw, ev.flags), cfg)
    _same(ev.scores, clean.scores)
    _same(ev.values, clean.values)
    assert not (clean.flags["level"] == "error").any()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=len(COLUMNS),
        max_size=len(COLUMNS),
    )
)  # fmt: skip
def test_numeric_frames_never_crash(values: list[float]) -> None:
    raw = pd.DataFrame([values, [v * 1e300 for v in values]], columns=COLUMNS, dtype="float64")
    ev = evaluate(raw)
    clean = evaluate(_blank_errors(raw, ev.flags))
    _same(ev.scores, clean.scores)


@settings(max_examples=30, deadline=None)
@given(
    st.fixed_dictionaries({c: cell for c in COLUMNS}),
    st.fixed_dictionaries({c: cell for c in COLUMNS}),
)
def test_one_visit_path_never_crashes(answers: dict, previous: dict) -> None:
    ev = evaluate_visit(answers, previous=previous)
    assert list(ev.scores.index) == [0]


def test_grip_mean_on_the_cut_off_is_not_low_awgs_2019() -> None:
    # AWGS 2019: low when grip < 28 kg (men). With the mean as recorded value (ASHT 2015), a mean
    # of exactly 28 kg is not low; 27.97 kg is.
    cfg = ScoringSettings(grip_recorded="mean")
    ev = run({"sex": "M", "grip_1_kg": 27.9, "grip_2_kg": 28.0, "grip_3_kg": 28.1}, cfg)
    assert "awgs2019.grip_low_men" not in rules(ev)
    ev = run({"sex": "M", "grip_1_kg": 27.8, "grip_2_kg": 28.0, "grip_3_kg": 28.1}, cfg)
    assert "awgs2019.grip_low_men" in rules(ev)
