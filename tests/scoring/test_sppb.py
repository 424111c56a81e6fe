"""SPPB scoring against the published rules (Guralnik et al., J Gerontol 1994;49:M85; NIA SPPB score
sheet; physical.md §6), at and around every band boundary. Times are rounded to 0.01 s before
banding (physical.md §0)."""

from __future__ import annotations

import math

import pytest

from scoring.model import ScoringSettings
from tests.scoring.physical_helpers import rules, run, score

FULL_BALANCE = {"sppb_side_s": 10, "sppb_semi_s": 10, "sppb_tandem_s": 10}


# Guralnik 1994 / NIA: 4 m gait, faster of two: < 4.82 → 4; 4.82–6.20 → 3; 6.21–8.70 → 2; > 8.70 → 1
@pytest.mark.parametrize(
    ("t", "points"),
    [
        (1.50, 4),
        (4.81, 4),
        (4.82, 3),
        (6.20, 3),
        (6.21, 2),
        (8.70, 2),
        (8.71, 1),
        (30.0, 1),
        (4.815, 3),  # rounds half up to 4.82 (physical.md §0)
        (4.8149, 4),  # rounds to 4.81
        (6.204, 3),
        (6.205, 2),  # → 6.21
        (8.704, 2),
        (8.705, 1),  # → 8.71
    ],
)
def test_gait_bands_guralnik_1994(t: float, points: int) -> None:
    assert score({**FULL_BALANCE, "walk4m_1_s": t}, "sppb_gait") == points


def test_gait_uses_the_faster_of_two_trials_guralnik_1994() -> None:
    # NIA protocol: two walks, the faster is scored (5.00 → 3 points, 4.70 → 4 points)
    row = {**FULL_BALANCE, "walk4m_1_s": 5.00, "walk4m_2_s": 4.70}
    assert score(row, "sppb_gait") == 4
    # even when the study records the mean walk time for other purposes
    mean = ScoringSettings(walk_recorded="mean")
    assert score(row, "sppb_gait", mean) == 4
    assert score(row, "walk4m_s", mean) == pytest.approx(4.85)


def test_gait_unable_scores_zero_nia() -> None:
    # NIA score sheet: "unable" → 0 points; physical.md §6 reasons 1–5 → 0, refusal → missing
    assert score({**FULL_BALANCE, "walk4m_1_s": "UN", "walk4m_2_s": "UN"}, "sppb_gait") == 0
    assert math.isnan(score({**FULL_BALANCE, "walk4m_1_s": "RF"}, "sppb_gait"))
    off = ScoringSettings(sppb_unable_scores_zero=False)
    assert math.isnan(score({**FULL_BALANCE, "walk4m_1_s": "UN"}, "sppb_gait", off))


# Chair stands: ≤ 11.19 → 4; 11.20–13.69 → 3; 13.70–16.69 → 2; 16.70–60 → 1; > 60 or unable → 0
@pytest.mark.parametrize(
    ("t", "points"),
    [
        (5.00, 4),
        (11.19, 4),
        (11.20, 3),
        (13.69, 3),
        (13.70, 2),
        (16.69, 2),
        (16.70, 1),
        (59.99, 1),
        (60, 1),  # NIA: "> 60 s" scores 0, so exactly 60 s still scores 1 (physical.md §6 trap)
        (11.194, 4),
        (11.195, 3),  # → 11.20
    ],
)
def test_chair_bands_guralnik_1994(t: float, points: int) -> None:
    assert score({**FULL_BALANCE, "ftsst_1_s": t}, "sppb_chair") == points


def test_chair_over_60_is_a_status_not_a_time_nia() -> None:
    # NIA SPPB: not completed within 60 s → 0 points. Entered as UN; a typed 60.01 is refused
    # (error) and never scored as a time.
    assert score({**FULL_BALANCE, "ftsst_1_s": "UN"}, "sppb_chair") == 0
    ev = run({**FULL_BALANCE, "ftsst_1_s": 60.01})
    assert "hard" in rules(ev)
    assert math.isnan(ev.scores["sppb_chair"].iloc[0])
    assert "UN" in ev.flags["message_en"].iloc[0]


# Balance (Guralnik 1994): side 10 s → 1, else stop; semi 10 s → 1, else stop;
# tandem 10 s → 2, 3.00–9.99 → 1, < 3 → 0
@pytest.mark.parametrize(
    ("side", "semi", "tandem", "points"),
    [
        (9.99, None, None, 0),
        (0, None, None, 0),
        (10, 9.99, None, 1),
        (10, 0, None, 1),
        (10, 10, 10, 4),
        (10, 10, 9.99, 3),
        (10, 10, 3.00, 3),
        (10, 10, 2.99, 2),
        (10, 10, 0, 2),
        (10, 10, 2.995, 3),  # → 3.00
        (9.995, 10, 10, 4),  # → 10.00: held
        ("UN", None, None, 0),
        (10, "UN", None, 1),
        (10, 10, "UN", 2),
    ],
)
def test_balance_and_stop_rules_guralnik_1994(side, semi, tandem, points: int) -> None:
    row = {"sppb_side_s": side, "sppb_semi_s": semi, "sppb_tandem_s": tandem}
    assert score(row, "sppb_balance") == points


def test_balance_stop_rule_ignores_and_flags_values_after_a_failed_stand() -> None:
    # NIA: semi-tandem is attempted only if side-by-side was held 10 s
    ev = run({"sppb_side_s": 5, "sppb_semi_s": 10, "sppb_tandem_s": 10})
    assert ev.scores["sppb_balance"].iloc[0] == 0
    assert {"sppb.sppb_semi_s_after_stop", "sppb.sppb_tandem_s_after_stop"} <= rules(ev)
    ev = run({"sppb_side_s": 10, "sppb_semi_s": 4, "sppb_tandem_s": 10})
    assert ev.scores["sppb_balance"].iloc[0] == 1
    assert rules(ev) >= {"sppb.sppb_tandem_s_after_stop"}


def test_balance_missing_is_missing_not_zero() -> None:
    assert math.isnan(score({"sppb_side_s": None}, "sppb_balance"))
    assert math.isnan(score({"sppb_side_s": 10, "sppb_semi_s": None}, "sppb_balance"))
    assert math.isnan(score({"sppb_side_s": 10, "sppb_semi_s": 10}, "sppb_balance"))
    assert math.isnan(score({"sppb_side_s": "RF"}, "sppb_balance"))


def test_total_is_the_sum_0_to_12_guralnik_1994() -> None:
    best = {**FULL_BALANCE, "walk4m_1_s": 3.5, "ftsst_1_s": 9.0}
    assert score(best, "sppb_total") == 12
    worst = {"sppb_side_s": "UN", "walk4m_1_s": "UN", "ftsst_1_s": "UN"}
    assert score(worst, "sppb_total") == 0
    mid = {"sppb_side_s": 10, "sppb_semi_s": 10, "sppb_tandem_s": 5, "walk4m_1_s": 6.0}
    assert score({**mid, "ftsst_1_s": 14.0}, "sppb_total") == 3 + 3 + 2
    assert math.isnan(score({**mid, "ftsst_1_s": "RF"}, "sppb_total"))


@pytest.mark.parametrize(
    ("ref", "total", "flagged"),
    [("AWGS2019", 9, True), ("AWGS2019", 10, False), ("EWGSOP2", 8, True), ("EWGSOP2", 9, False)],
)
def test_sppb_low_performance_awgs_2019_and_ewgsop2(ref: str, total: int, flagged: bool) -> None:
    # AWGS 2019 (Chen, JAMDA 2020;21:300): SPPB ≤ 9; EWGSOP2 (Cruz-Jentoft 2019): SPPB ≤ 8
    # total = balance 4 + gait + chair; build it from published bands
    gait_chair = {10: (3, 3), 9: (3, 2), 8: (2, 2)}[total]
    walk = {4: 4.0, 3: 5.0, 2: 7.0}[gait_chair[0]]
    chair = {4: 10.0, 3: 12.0, 2: 15.0}[gait_chair[1]]
    row = {**FULL_BALANCE, "walk4m_1_s": walk, "ftsst_1_s": chair}
    ev = run(row, ScoringSettings(reference_set=ref))
    assert ev.scores["sppb_total"].iloc[0] == total
    assert (f"{ref.lower()}.sppb_low" in rules(ev)) is flagged
    other = "ewgsop2" if ref == "AWGS2019" else "awgs2019"
    assert f"{other}.sppb_low" not in rules(ev)
