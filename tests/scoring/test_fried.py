"""Fried frailty phenotype against the published rules (Fried et al., J Gerontol A 2001;56:M146,
CHS weakness table and 15 ft walk cut-offs; physical.md §7 rule A for the 4 m walk; Wu et al.,
J Gerontol A 2018 for the CHARLS table) and the model trial's eligibility (NCT04314011)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from scoring.engine import evaluate, evaluate_visit
from scoring.fried import (
    FRAIL,
    INDETERMINATE,
    PRE_FRAIL,
    ROBUST,
    baseline_slowness_cutoffs,
    slowness,
    weakness,
)
from scoring.model import ScoringSettings
from scoring.participant import FEMALE, MALE
from tests.scoring.physical_helpers import rules, run

NOT_SLOW_NOT_WEAK = {"walk4m_1_s": 3.0, "grip_1_kg": 40}


def _fried(**kw) -> dict:
    base = {"sex": "M", "age": 70, "height_cm": 170, "weight_kg": 70,
            "fried_weightloss": 0, "fried_exhaustion": 0, "fried_activity": 0,
            **NOT_SLOW_NOT_WEAK}  # fmt: skip
    base.update(kw)
    return base


def _weak(sex: int, bmi: float, grip: float, table: str = "CHS") -> float:
    return weakness(np.array([float(sex)]), np.array([bmi]), np.array([grip]), table)[0]


# CHS (Fried 2001): men BMI ≤ 24 → ≤ 29; 24.1–26 → ≤ 30; 26.1–28 → ≤ 30; > 28 → ≤ 32 kg
# women BMI ≤ 23 → ≤ 17; 23.1–26 → ≤ 17.3; 26.1–29 → ≤ 18; > 29 → ≤ 21 kg
@pytest.mark.parametrize(
    ("sex", "bmi", "cut"),
    [
        (MALE, 18.0, 29.0), (MALE, 24.0, 29.0), (MALE, 24.1, 30.0), (MALE, 26.0, 30.0),
        (MALE, 26.1, 30.0),  # not 31 (PMC8934156 transcription error, physical.md §7)
        (MALE, 28.0, 30.0), (MALE, 28.1, 32.0), (MALE, 40.0, 32.0),
        (FEMALE, 18.0, 17.0), (FEMALE, 23.0, 17.0), (FEMALE, 23.1, 17.3), (FEMALE, 26.0, 17.3),
        (FEMALE, 26.1, 18.0), (FEMALE, 29.0, 18.0), (FEMALE, 29.1, 21.0), (FEMALE, 35.0, 21.0),
    ],
)  # fmt: skip
def test_chs_weakness_table_fried_2001(sex: int, bmi: float, cut: float) -> None:
    assert _weak(sex, bmi, cut) == 1  # at the cut-off: weak ("≤")
    assert _weak(sex, bmi, round(cut + 0.1, 1)) == 0
    assert _weak(sex, bmi, cut - 5) == 1


def test_bmi_stratum_reading_rounds_to_one_decimal() -> None:
    # Project decision (physical.md §7, documented in scoring/fried.py): BMI rounded half up to
    # 0.1, strata include their printed upper bound. 24.04 → 24.0 (≤ 24: cut 29 kg);
    # 24.05 → 24.1 (24.1–26: cut 30 kg). Checked through evaluate with height 100 cm (BMI = kg).
    weak_at_30 = []
    for w in (24.04, 24.05):
        ev = run(_fried(height_cm=100, weight_kg=w, grip_1_kg=29.5))
        weak_at_30.append(ev.scores["fried_weakness"].iloc[0])
    assert weak_at_30 == [0, 1]


@pytest.mark.parametrize(
    ("sex", "bmi", "grip", "weak"),
    [(MALE, 20.6, 25.2, 1), (MALE, 20.6, 25.3, 0), (MALE, 20.7, 28.5, 1), (MALE, 23.3, 30.0, 1),
     (MALE, 30.0, 30.1, 0), (FEMALE, 20.0, 15.0, 1), (FEMALE, 20.1, 17.5, 1),
     (FEMALE, 22.2, 17.6, 0), (FEMALE, 24.9, 20.0, 1), (FEMALE, 24.9, 20.1, 0)],
)  # fmt: skip
def test_charls_weakness_table_wu_2018(sex: int, bmi: float, grip: float, weak: int) -> None:
    assert _weak(sex, bmi, grip, "CHARLS") == weak


# Rule A (physical.md §7): 15 ft = 4.572 m; short (men ≤ 173 cm, women ≤ 159 cm) slow when
# t × 4.572 ≥ 28 (t ≥ 6.124 s); taller slow when t × 4.572 ≥ 24 (t ≥ 5.249 s).
@pytest.mark.parametrize(
    ("sex", "height", "t", "slow"),
    [
        (MALE, 173.0, 6.12, 0), (MALE, 173.0, 6.13, 1), (MALE, 173.1, 5.24, 0),
        (MALE, 173.1, 5.25, 1), (MALE, 160.0, 5.25, 0),
        (FEMALE, 159.0, 6.12, 0), (FEMALE, 159.0, 6.13, 1), (FEMALE, 159.1, 5.24, 0),
        (FEMALE, 159.1, 5.25, 1), (FEMALE, 165.0, 6.12, 1),
    ],
)  # fmt: skip
def test_slowness_rule_a_fried_2001_equivalent_speed(sex, height, t, slow) -> None:
    a = slowness(np.array([float(sex)]), np.array([height]), np.array([t]))
    assert a[0] == slow
    row = _fried(sex="M" if sex == MALE else "F", height_cm=height, walk4m_1_s=t)
    assert run(row).scores["fried_slowness"].iloc[0] == slow


def test_slowness_decided_without_height_when_it_cannot_matter() -> None:
    # ≥ 6.13 s is slow under both height strata; < 5.25 s is slow under neither
    nan = np.nan
    out = slowness(np.array([nan, nan, nan]), np.array([nan, nan, nan]), np.array([6.13, 5.0, 5.5]))
    assert out[0] == 1 and out[1] == 0 and math.isnan(out[2])


def test_slowness_other_rules_are_refused_clearly() -> None:
    # physical.md §7: B needs the trial's baseline; C uses other course lengths (not transferable)
    with pytest.raises(ValueError, match="baseline"):
        slowness(np.array([1.0]), np.array([170.0]), np.array([5.0]), rule="B")
    with pytest.raises(ValueError, match="not transferable"):
        slowness(np.array([1.0]), np.array([170.0]), np.array([5.0]), rule="C")
    with pytest.raises(ValueError, match="not transferable"):
        ScoringSettings.from_mapping({"fried_slowness_rule": "C"})


@pytest.mark.parametrize(
    ("threshold", "t", "slow"),
    [(0.8, 5.00, 0), (0.8, 5.01, 1), (1.0, 4.00, 0), (1.0, 4.01, 1), (0.8, 3.0, 0)],
)
def test_slowness_rule_d_single_gait_speed_threshold(threshold, t, slow) -> None:
    """physical.md §7 rule D: slow when gait speed < 0.8 (or 1.0) m/s; 4 m in 5.00 s is exactly
    0.8 m/s (not slow), in 5.01 s 0.798 m/s (slow). Sex and height do not matter."""
    settings = ScoringSettings(fried_slowness_rule="D", fried_slowness_speed_ms=threshold)
    got = slowness(np.array([np.nan]), np.array([np.nan]), np.array([t]), "D", settings)
    assert got[0] == slow
    row = _fried(walk4m_1_s=t)
    ev = run(row, settings)
    assert ev.scores["fried_slowness"].iloc[0] == slow
    used = ev.scores["fried_rules"].iloc[0]
    assert f"D (gait speed < {threshold:g} m/s)" in used  # recorded in English and Chinese
    assert f"D（步速 < {threshold:g} 米/秒）" in used


def test_slowness_rule_b_slowest_fifth_of_baseline_by_sex_and_height() -> None:
    """Fried et al. 2001 (CHS): slowness = the slowest 20 % of the cohort's walk times, stratified
    by gender and height at the median height. Six men 160–185 cm (median 172.5 cm): the three
    shorter walked 5, 6 and 7 s, so their slowest fifth starts at the 80th percentile
    5 + 0.8 × (7 − 5) = 6.6 s; the taller three 4, 4.5, 5 s → 4 + 0.8 × 1 = 4.8 s."""
    sex = np.array([MALE] * 6 + [FEMALE] * 4, dtype=float)
    height = np.array([160, 165, 170, 175, 180, 185, 150, 155, 160, 165], dtype=float)
    walk = np.array([5, 6, 7, 4, 4.5, 5, 6, 8, 5, 7], dtype=float)
    cuts = baseline_slowness_cutoffs(sex, height, walk)
    men = next(c for c in cuts if c[0] == MALE)
    women = next(c for c in cuts if c[0] == FEMALE)
    assert men == (MALE, 172.5, 6.6, 4.8)
    assert women == (FEMALE, 157.5, 7.6, 6.6)  # [6, 8] → 6 + 0.8·2; [5, 7] → 5 + 0.8·2
    settings = ScoringSettings(fried_slowness_rule="B", fried_slowness_b=cuts)
    t = np.array([6.59, 6.6, 4.79, 4.8])
    men4 = np.full(4, MALE, dtype=float)
    got = slowness(men4, np.array([170, 170, 180, 180.0]), t, "B", settings)
    assert got.tolist() == [0, 1, 0, 1]
    # height unknown: slow only when slow in both strata
    both = slowness(np.array([MALE] * 2, dtype=float), np.array([np.nan] * 2), np.array([6.6, 5.0]),
                    "B", settings)  # fmt: skip
    assert both[0] == 1 and math.isnan(both[1])


def test_settings_from_a_protocol_mapping_name_what_is_wrong() -> None:
    s = ScoringSettings.from_mapping(
        {"reference_set": "ewgsop2", "tug_recorded": "mean", "psqi_poor_sleeper_cutoff": 7,
         "fried_unable_positive": False}
    )  # fmt: skip
    assert (s.reference_set, s.tug_recorded, s.psqi_poor_sleeper_cutoff) == ("EWGSOP2", "mean", 7)
    assert s.changed() == {"psqi_poor_sleeper_cutoff": 7.0, "reference_set": "EWGSOP2",
                           "tug_recorded": "mean", "fried_unable_positive": False}  # fmt: skip
    for bad, where in (
        ({"reference": "AWGS2019"}, "'reference' is unknown"),
        ({"grip_recorded": "best"}, "'grip_recorded': 'best' is not one of max, mean, first"),
        ({"psqi_poor_sleeper_cutoff": "x"}, "must be a number"),
        ({"fried_unable_positive": "maybe"}, "true or false"),
        ({"fried_slowness_b": [[3, 170, 6, 5]]}, "sex code 1/2"),
    ):
        with pytest.raises(ValueError, match=re.escape(where)):
            ScoringSettings.from_mapping(bad)


@pytest.mark.parametrize(
    ("entered", "category", "score"),
    [((0, 0, 0), ROBUST, 0), ((1, 0, 0), PRE_FRAIL, 1), ((1, 1, 0), PRE_FRAIL, 2),
     ((1, 1, 1), FRAIL, 3)],
)  # fmt: skip
def test_score_and_category_fried_2001(entered, category, score) -> None:
    # Fried 2001: 0 robust, 1–2 pre-frail, ≥ 3 frail
    w, e, a = entered
    s = run(_fried(fried_weightloss=w, fried_exhaustion=e, fried_activity=a)).scores.iloc[0]
    assert (s["fried_score"], s["fried_category"]) == (score, category)


def test_five_of_five_with_slowness_and_weakness() -> None:
    row = _fried(fried_weightloss=1, fried_exhaustion=1, fried_activity=1, walk4m_1_s=7.0,
                 grip_1_kg=20)  # fmt: skip
    s = run(row).scores.iloc[0]
    assert (s["fried_slowness"], s["fried_weakness"], s["fried_score"]) == (1, 1, 5)


@pytest.mark.parametrize(
    ("entered", "category"),
    [
        ((1, 1, 1, "RF"), FRAIL),  # ≥ 3 positive → frail whatever is missing
        ((0, 0, 0, "ND"), INDETERMINATE),  # 0 or 1: robust or pre-frail
        ((1, 0, 0, "ND"), PRE_FRAIL),  # 1 or 2: pre-frail either way
        ((1, 1, 0, "ND"), INDETERMINATE),  # 2 or 3
    ],
)
def test_missing_criteria_physical_md_7(entered, category) -> None:
    w, e, a, missing = entered  # the weakness criterion is missing: grip refused / not done
    row = _fried(fried_weightloss=w, fried_exhaustion=e, fried_activity=a, grip_1_kg=missing)
    s = run(row).scores.iloc[0]
    assert s["fried_category"] == category
    assert math.isnan(s["fried_score"])  # never imputed


def test_unable_to_walk_or_grip_is_positive_by_default_and_configurable() -> None:
    row = _fried(walk4m_1_s="UN", walk4m_2_s="UN", grip_1_kg="UN")
    s = run(row).scores.iloc[0]
    assert (s["fried_slowness"], s["fried_weakness"]) == (1, 1)
    off = run(row, ScoringSettings(fried_unable_positive=False)).scores.iloc[0]
    assert math.isnan(off["fried_slowness"]) and math.isnan(off["fried_weakness"])
    assert "unable = missing" in off["fried_rules"]


def test_not_assessed_without_entered_criteria() -> None:
    row = _fried(fried_weightloss=None, fried_exhaustion=None, fried_activity=None)
    s = run(row).scores.iloc[0]
    assert math.isnan(s["fried_category"]) and s["fried_rules"] is None


@pytest.mark.parametrize(
    ("age", "n_pos", "eligible", "flag"),
    [(60, 1, 1, False), (80, 4, 1, False), (59, 2, 0, False), (81, 2, 0, False),
     (70, 0, 0, True), (70, 5, 0, True)],
)  # fmt: skip
def test_model_trial_eligibility_nct04314011(age, n_pos, eligible, flag) -> None:
    # NCT04314011: aged 60–80 with a Fried score of 1–4
    crit = [1 if i < n_pos else 0 for i in range(5)]
    row = _fried(age=age, fried_weightloss=crit[0], fried_exhaustion=crit[1],
                 fried_activity=crit[2], walk4m_1_s=7.0 if crit[3] else 3.0,
                 grip_1_kg=20 if crit[4] else 40)  # fmt: skip
    ev = run(row)
    assert ev.scores["fried_eligible"].iloc[0] == eligible
    assert ("fried.score_not_eligible" in rules(ev)) is flag


def test_category_clinical_flags_name_the_count_and_source() -> None:
    ev = run(_fried(fried_weightloss=1, fried_exhaustion=1, fried_activity=1))
    f = ev.flags[ev.flags["rule"] == "fried.frail"].iloc[0]
    assert f["level"] == "clinical"
    assert "3/5" in f["message_en"] and "Fried" in f["message_en"]
    assert "衰弱" in f["message_zh"] and "3/5" in f["message_zh"]
    assert "fried.pre_frail" in rules(run(_fried(fried_activity=1)))
    assert not {"fried.frail", "fried.pre_frail"} & rules(run(_fried()))


def test_eligibility_is_judged_at_the_first_visit_only() -> None:
    """NCT04314011 enrols on the screening Fried score (1–4); a follow-up score of 0 (recovered)
    or 5 is an outcome, not an eligibility breach: only a participant's first row is flagged."""
    base = _fried(fried_weightloss=0, fried_exhaustion=0, fried_activity=0)  # score 0
    rows = pd.DataFrame(
        [
            {**base, "participant": "A", "visit": "BL"},
            {**base, "participant": "A", "visit": "M3"},
            {**base, "participant": "B", "visit": "M3"},  # B's first visit in the data
        ]
    )
    ev = evaluate(rows)
    flagged = ev.flags[ev.flags["rule"] == "fried.score_not_eligible"]["row"].tolist()
    assert flagged == [0, 2]
    one = evaluate_visit(base, previous=base)  # a follow-up visit in the store
    assert "fried.score_not_eligible" not in rules(one)
    assert "fried.score_not_eligible" in rules(evaluate_visit(base))
