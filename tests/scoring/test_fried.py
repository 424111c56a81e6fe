"""Fried frailty phenotype against the published rules (Fried et al., J Gerontol A 2001;56:M146,
CHS weakness table and 15 ft walk cut-offs; physical.md §7 rule A for the 4 m walk; Wu et al.,
J Gerontol A 2018 for the CHARLS table) and the model trial's eligibility (NCT04314011)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.engine import evaluate, evaluate_visit
from scoring.fried import FRAIL, INDETERMINATE, PRE_FRAIL, ROBUST, slowness, weakness
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
    with pytest.raises(ValueError, match="baseline"):
        slowness(np.array([1.0]), np.array([170.0]), np.array([5.0]), rule="B")


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
