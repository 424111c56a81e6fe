"""Physical tests, participant attributes and cytokines: recorded values, derived values, hard and
soft limits (physical.md §0–§5, §8; NIA SPPB protocol; Jamar full scale; ICH M10)."""

from __future__ import annotations

import math

import pytest

from scoring.engine import evaluate_visit
from scoring.model import Level, ScoringSettings
from scoring.registry import find_item
from tests.scoring.physical_helpers import flags_for, rules, run, score


# physical.md §0: the recorded value is computed by a protocol setting, never typed in.
@pytest.mark.parametrize(("how", "expected"), [("best", 9.80), ("mean", 10.00), ("first", 10.20)])
def test_tug_recorded_value_setting(how: str, expected: float) -> None:
    row = {"tug_1_s": 10.20, "tug_2_s": 9.80}
    assert score(row, "tug_s", ScoringSettings(tug_recorded=how)) == pytest.approx(expected)


@pytest.mark.parametrize(("how", "expected"), [("max", 31.5), ("mean", 29.5), ("first", 28.0)])
def test_grip_recorded_value_setting(how: str, expected: float) -> None:
    # AWGS 2019 / Southampton: maximum (project default); ASHT 2015: mean (physical.md §4)
    row = {"grip_1_kg": 28.0, "grip_2_kg": 31.5, "grip_3_kg": 29.0}
    assert score(row, "grip_kg", ScoringSettings(grip_recorded=how)) == pytest.approx(expected)


def test_walk_default_is_the_faster_trial_and_speed_is_4_over_t() -> None:
    # Guralnik 1994: the faster of two 4 m walks; gait speed = distance / time
    ev = run({"walk4m_1_s": 5.00, "walk4m_2_s": 4.00})
    assert ev.scores["walk4m_s"].iloc[0] == 4.00
    assert ev.scores["gait_speed_ms"].iloc[0] == 1.0
    assert score({"walk4m_1_s": 3.20}, "gait_speed_ms") == pytest.approx(1.25)


def test_mean_time_is_rounded_to_hundredths_before_use() -> None:
    # physical.md §0: round times to 0.01 s before banding; mean of 4.81 and 4.82 = 4.815 → 4.82
    s = ScoringSettings(walk_recorded="mean")
    assert score({"walk4m_1_s": 4.81, "walk4m_2_s": 4.82}, "walk4m_s", s) == 4.82


def test_a_trial_coded_unable_is_not_a_time() -> None:
    # physical.md §0: never encode "unable" as 0 s; the other trial is the recorded value
    assert score({"tug_1_s": "UN", "tug_2_s": 11.0}, "tug_s") == 11.0
    assert math.isnan(score({"tug_1_s": "UN", "tug_2_s": "RF"}, "tug_s"))


# Hard limits (physical.md §1): impossible → error, the value is not scored.
@pytest.mark.parametrize(
    ("item", "bad", "good"),
    [
        ("tug_1_s", 2.99, 3.0),  # TUG < 3.0 s impossible
        ("tug_1_s", -1, 300),  # negative time; 300 s entry cap
        ("tug_1_s", 300.01, 299.99),
        ("walk4m_1_s", 0.99, 1.0),  # < 1.0 s = ≥ 4 m/s, faster than elite race-walking
        ("walk4m_1_s", 0, 120),
        ("walk4m_1_s", 120.01, 119),
        ("grip_1_kg", 90.1, 90),  # Jamar full scale 90 kg
        ("grip_1_kg", 0, 0.5),  # 0 kg only as the status UN
        ("grip_1_kg", -3, 10),
        ("ftsst_1_s", 2.99, 3.0),
        ("ftsst_1_s", 60.01, 60),  # > 60 s is a status, not a number (NIA)
        ("sppb_side_s", 10.01, 10),
        ("sppb_side_s", -0.01, 0),
    ],
)
def test_hard_limits(item: str, bad: float, good: float) -> None:
    ev = run([{item: bad}, {item: good}])
    err = flags_for(ev, item, 0)
    assert list(err["level"]) == ["error"] and list(err["rule"]) == ["hard"]
    assert math.isnan(ev.values[item].iloc[0])
    assert ev.values[item].iloc[1] == good
    assert not (flags_for(ev, item, 1)["level"] == "error").any()
    msg = err["message_en"].iloc[0]
    assert f"{bad:g}" in msg
    assert any(src in msg for src in ("physical.md", "NIA", "Jamar"))  # the limit's source


# Soft limits for adults aged 60–80 (physical.md §1, project proposal) → warning, value kept.
@pytest.mark.parametrize(
    ("item", "outside", "inside"),
    [
        ("tug_1_s", 4.99, 5.0),
        ("tug_1_s", 30.01, 30),
        ("walk4m_1_s", 1.99, 2.0),
        ("walk4m_1_s", 20.01, 20),
        ("ftsst_1_s", 4.99, 5.0),
        ("ftsst_1_s", 30.01, 30),
        ("age", 59, 60),
        ("age", 81, 80),
    ],
)
def test_soft_limits(item: str, outside: float, inside: float) -> None:
    ev = run([{item: outside}, {item: inside}])
    warn = flags_for(ev, item, 0)
    assert list(warn["level"]) == ["warning"]
    assert ev.values[item].iloc[0] == outside  # kept, confirmed with a reason
    assert flags_for(ev, item, 1).empty


@pytest.mark.parametrize(
    ("sex", "outside", "inside"),
    [("M", 9.9, 10.0), ("M", 55.1, 55.0), ("F", 4.9, 5.0), ("F", 35.1, 35.0)],
)
def test_grip_soft_limits_are_sex_specific(sex: str, outside: float, inside: float) -> None:
    # physical.md §1: men < 10 or > 55 kg; women < 5 or > 35 kg
    ev = run([{"sex": sex, "grip_1_kg": outside}, {"sex": sex, "grip_1_kg": inside}])
    assert list(flags_for(ev, "grip_1_kg", 0)["level"]) == ["warning"]
    assert flags_for(ev, "grip_1_kg", 1).empty


def test_sex_accepts_codes_letters_and_chinese_with_value_labels() -> None:
    ev = run([{"sex": v} for v in ("M", "f", "男", "女", "1", "2", "X")])
    assert ev.values["sex"].iloc[:6].tolist() == [1, 2, 1, 2, 1, 2]
    assert list(flags_for(ev, "sex", 6)["level"]) == ["error"]
    _, sex = find_item("sex")
    assert {c.code: c.en for c in sex.choices} == {1: "male", 2: "female"}


def test_bmi_is_weight_over_height_squared_who() -> None:
    assert score({"height_cm": 170, "weight_kg": 70}, "bmi") == pytest.approx(70 / 1.7**2)
    ev = run({"height_cm": 1.70, "weight_kg": 70})  # metres typed: impossible
    assert "hard" in rules(ev) and math.isnan(ev.scores["bmi"].iloc[0])


def test_age_hard_limits() -> None:
    ev = run([{"age": 121}, {"age": -1}, {"age": 65.5}])
    assert (ev.flags["level"] == "error").sum() == 3


# Cytokines (physical.md §8; ICH M10): censored results kept as reported, number empty.
@pytest.mark.parametrize(
    ("typed", "text", "num", "censor", "limit"),
    [
        ("<2.3", "<2.3", None, "<LLOQ", 2.3),
        ("< 2.3", "< 2.3", None, "<LLOQ", 2.3),
        ("<LLOQ", "<LLOQ", None, "<LLOQ", None),
        (">ULOQ", ">ULOQ", None, ">ULOQ", None),
        (">500", ">500", None, ">ULOQ", 500.0),
        ("OOR <", "OOR <", None, "<LLOQ", None),
        ("4.89", "4.89", 4.89, "", None),
        ("0", "0", 0.0, "", None),
    ],
)
def test_cytokine_censored_results_kept_as_reported(typed, text, num, censor, limit) -> None:
    ev = run({"tnfa_pgml": typed})
    s = ev.scores.iloc[0]
    assert ev.values["tnfa_pgml"].iloc[0] == text
    assert math.isnan(s["tnfa_pgml_num"]) if num is None else s["tnfa_pgml_num"] == num
    assert s["tnfa_pgml_censor"] == censor
    assert math.isnan(s["tnfa_pgml_limit"]) if limit is None else s["tnfa_pgml_limit"] == limit
    assert not (ev.flags["level"] == "error").any()


@pytest.mark.parametrize("typed", ["abc", "<", "<-1", "-0.5", "inf", ">LLOQ", "2.3.4"])
def test_cytokine_other_text_or_negative_is_an_error(typed: str) -> None:
    ev = run({"il8_pgml": typed})
    assert list(ev.flags["level"]) == ["error"]
    assert ev.values["il8_pgml"].iloc[0] is None
    assert math.isnan(ev.scores["il8_pgml_num"].iloc[0])


@pytest.mark.parametrize(
    ("item", "over", "ok"),
    [("tnfa_pgml", "50.1", "50"), ("ifng_pgml", ">60", ">40"), ("il17_pgml", ">ULOQ", "<2"),
     ("il8_pgml", "125.5", "125")],
)  # fmt: skip
def test_cytokine_soft_limits_physical_md_8(item: str, over: str, ok: str) -> None:
    # > 50 pg/mL TNF-α, IFN-γ, IL-17A; serum IL-8 > 125 (Kofanova 2018)
    ev = run([{item: over}, {item: ok}])
    assert list(flags_for(ev, item, 0)["level"]) == [Level.WARNING.value]
    assert flags_for(ev, item, 1).empty


def test_one_visit_path_equals_batch_path() -> None:
    row = {
        "sex": "F",
        "height_cm": 155,
        "weight_kg": 52,
        "walk4m_1_s": "6.3",
        "grip_1_kg": "17",
        "tnfa_pgml": "<2.3",
        "ftsst_1_s": "UN",
        "sppb_side_s": "10",
        "sppb_semi_s": "8",
    }
    one = evaluate_visit(row)
    batch = run(row)
    assert one.scores.iloc[0].to_dict().keys() == batch.scores.iloc[0].to_dict().keys()
    for k, v in one.scores.iloc[0].items():
        b = batch.scores.iloc[0][k]
        assert (v == b) or (v is None and b is None) or (v != v and b != b), k
