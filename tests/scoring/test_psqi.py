"""PSQI scoring checked against the published rules and published worked examples.

Rules: Buysse DJ et al., Psychiatry Res 1989;28:193–213 and the "PSQI Scoring" database
instructions, with the project boundary convention of reference/psqi.md §4–5. Worked examples:
awell-health/awell-score and LCBC-UiO/questionnaires (cited per test). Expected values are the
published ones, never numbers produced by this code.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import evaluate, evaluate_visit
from scoring.model import ItemType, Level, ScoringSettings
from scoring.psqi import INSTRUMENT, score_psqi
from scoring.registry import BY_KEY, find_item

COMPONENTS = [f"psqi_c{i}" for i in range(1, 8)]
# Published mapping tables (Buysse 1989; psqi.md §3).
C2_SUM = {0: 0, 1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3}
C7_SUM = C2_SUM
C5_SUM = {0: 0, **dict.fromkeys(range(1, 10), 1), **dict.fromkeys(range(10, 19), 2)}
C5_SUM.update(dict.fromkeys(range(19, 28), 3))


def good_sleeper(**over: object) -> dict[str, object]:
    """A complete administration scoring 0 on every component; keyword overrides (raw, as typed)."""
    answers: dict[str, object] = {
        "psqi_bedtime": "22:00",
        "psqi_risetime": "06:00",
        "psqi_latency_min": "10",
        "psqi_sleep_h": "8",
        **{f"psqi_5{c}": "0" for c in "abcdefghij"},
        "psqi_5j_text": "",
        "psqi_quality": "0",
        "psqi_meds": "0",
        "psqi_awake": "0",
        "psqi_enthusiasm": "0",
    }
    answers.update(over)
    return answers


def scores_of(**over: object) -> pd.Series:
    return evaluate_visit(good_sleeper(**over)).scores.loc[0]


def flags_of(answers: dict[str, object], **kw: object) -> pd.DataFrame:
    return evaluate_visit(answers, **kw).flags


def test_registered_with_contract_names() -> None:
    """Codebook names are a contract (task brief; psqi.md §1)."""
    assert BY_KEY["psqi"] is INSTRUMENT
    names = INSTRUMENT.item_names
    assert names[:4] == ("psqi_bedtime", "psqi_latency_min", "psqi_risetime", "psqi_sleep_h")
    assert [n for n in names if n.startswith("psqi_5")] == [
        *(f"psqi_5{c}" for c in "abcdefghij"),
        "psqi_5j_text",
    ]
    assert names[-4:] == ("psqi_quality", "psqi_meds", "psqi_awake", "psqi_enthusiasm")
    assert INSTRUMENT.score_names == (
        *COMPONENTS,
        "psqi_global",
        "psqi_time_in_bed_h",
        "psqi_efficiency",
    )
    assert find_item("psqi_bedtime")[1].type is ItemType.CLOCK
    assert find_item("psqi_sleep_h")[1].accept_hmm
    assert not find_item("psqi_5j_text")[1].required
    for name in names:
        item = INSTRUMENT.item(name)
        assert item.en and item.zh, name
        if item.type is ItemType.CODED:  # four-option items coded 0–3, not 1–4 (psqi.md §1)
            assert item.codes == (0, 1, 2, 3), name


def test_good_sleeper_scores_zero() -> None:
    """All items at their best → every component 0 and global 0 (Buysse 1989 scoring table)."""
    s = scores_of()
    assert [s[c] for c in COMPONENTS] == [0] * 7
    assert s["psqi_global"] == 0
    assert s["psqi_time_in_bed_h"] == 8.0
    assert s["psqi_efficiency"] == 100.0


# --------------------------------------------------------------------------------------------
# C3 sleep duration: ≥ 7 → 0; [6, 7) → 1; [5, 6) → 2; < 5 → 3 (psqi.md §4: 7.0 h → 0, as in
# sibis-platform/ncanda-data-integration scripts/redcap/scoring/psqi/PSQI.R `psqi4>=7`).


@pytest.mark.parametrize(
    ("hours", "c3"),
    [
        ("9", 0),
        ("7", 0),
        ("7.0", 0),
        ("7:00", 0),
        ("6.99", 1),
        ("6:59", 1),
        ("6", 1),
        ("5.99", 2),
        ("5", 2),
        ("4.99", 3),
        ("4:59", 3),
        ("0", 3),
    ],
)
def test_c3_duration_boundaries(hours: str, c3: int) -> None:
    assert scores_of(psqi_sleep_h=hours)["psqi_c3"] == c3


def test_sleep_hours_as_h_mm() -> None:
    """6:45 → 6.75 h (psqi.md §1, "Accept sleep hours as a decimal (6.75) or as H:MM")."""
    ev = evaluate_visit(good_sleeper(psqi_sleep_h="6:45"))
    assert ev.values.loc[0, "psqi_sleep_h"] == 6.75
    assert ev.scores.loc[0, "psqi_c3"] == 1


# --------------------------------------------------------------------------------------------
# C4 efficiency on whole minutes: ≥ 85 → 0; [75, 85) → 1; [65, 75) → 2; < 65 → 3 (psqi.md §4–5).


@pytest.mark.parametrize(
    ("bed", "rise", "sleep", "c4"),
    [
        # 22:00 → 06:00 = 480 min; 85 % = 408 min (6:48), 75 % = 360, 65 % = 312 (5:12)
        ("22:00", "06:00", "6:48", 0),
        ("22:00", "06:00", "6.8", 0),
        ("22:00", "06:00", "6:47", 1),
        ("22:00", "06:00", "6", 1),
        ("22:00", "06:00", "5:59", 2),
        ("22:00", "06:00", "5.2", 2),
        ("22:00", "06:00", "5:12", 2),
        ("22:00", "06:00", "5:11", 3),
        # exact boundaries where float hours/time-in-bed arithmetic gives 84.999… / 74.999…:
        ("23:00", "07:20", "7:05", 0),  # 425/500 = 85 %
        ("23:00", "04:40", "4:49", 0),  # 289/340 = 85 %
        ("22:00", "03:28", "4:06", 1),  # 246/328 = 75 %
        ("22:00", "08:56", "8:12", 1),  # 492/656 = 75 %
        ("23:00", "05:20", "4:07", 2),  # 247/380 = 65 %
    ],
)
def test_c4_efficiency_boundaries(bed: str, rise: str, sleep: str, c4: int) -> None:
    s = scores_of(psqi_bedtime=bed, psqi_risetime=rise, psqi_sleep_h=sleep)
    assert s["psqi_c4"] == c4


def test_time_in_bed_23_45_to_06_15_is_6_5_hours() -> None:
    """Minutes first, never HHMM integers: (615 + 2400 − 2345)/100 = 6.70 h is the error of
    sibis-platform/ncanda-data-integration scripts/redcap/scoring/psqi/PSQI.R (psqi.md §5).
    6.5 h = 390 min; 332 min asleep is 85.1 % → C4 0 (6.70 h would wrongly give 82.6 % → 1)."""
    s = scores_of(psqi_bedtime="23:45", psqi_risetime="06:15", psqi_sleep_h="5:32")
    assert s["psqi_time_in_bed_h"] == 6.5
    assert s["psqi_efficiency"] == pytest.approx(332 / 390 * 100)
    assert s["psqi_c4"] == 0


@pytest.mark.parametrize(
    ("bed", "rise", "hours_in_bed"),
    [
        ("23:00", "06:30", 7.5),  # psqi.md §5 example: 450 min
        ("00:30", "07:00", 6.5),  # bedtime after midnight
        ("07:00", "17:00", 10.0),  # day sleeper (LCBC-UiO/questionnaires test row 2, C4 = 0)
        ("06:00", "05:59", 1439 / 60),
    ],
)
def test_time_in_bed_modulo_24_h(bed: str, rise: str, hours_in_bed: float) -> None:
    assert scores_of(psqi_bedtime=bed, psqi_risetime=rise)["psqi_time_in_bed_h"] == hours_in_bed


def test_bed_equals_rise_is_an_error_and_c4_global_missing() -> None:
    """psqi.md §5: 0 min in bed is an entry error; C4 and the global are not computed."""
    answers = good_sleeper(psqi_bedtime="23:00", psqi_risetime="23:00")
    ev = evaluate_visit(answers)
    s = ev.scores.loc[0]
    assert math.isnan(s["psqi_c4"]) and math.isnan(s["psqi_global"])
    assert math.isnan(s["psqi_time_in_bed_h"]) and math.isnan(s["psqi_efficiency"])
    assert [s[c] for c in ("psqi_c1", "psqi_c2", "psqi_c3", "psqi_c5", "psqi_c6")] == [0] * 5
    err = ev.flags[ev.flags["rule"] == "psqi.bed_equals_rise"]
    assert len(err) == 1
    row = err.iloc[0]
    assert row["variable"] == "psqi_risetime" and row["level"] == Level.ERROR.value
    assert "23:00" in row["message_en"] and "23:00" in row["message_zh"]
    assert "psqi.md §5" in row["message_en"] and "起床时间" in row["message_zh"]


def test_no_bed_rise_error_when_a_time_is_missing() -> None:
    flags = flags_of(good_sleeper(psqi_bedtime=""))
    assert "psqi.bed_equals_rise" not in set(flags["rule"])


def test_efficiency_over_100_is_a_warning_and_scores_zero() -> None:
    """psqi.md §5: sleep longer than time in bed → warning; published rules still give C4 = 0."""
    answers = good_sleeper(psqi_bedtime="23:00", psqi_risetime="06:00", psqi_sleep_h="7.5")
    ev = evaluate_visit(answers)
    assert ev.scores.loc[0, "psqi_c4"] == 0
    assert ev.scores.loc[0, "psqi_efficiency"] == pytest.approx(450 / 420 * 100)
    warn = ev.flags[ev.flags["rule"] == "psqi.efficiency_over_100"]
    assert len(warn) == 1
    assert warn.iloc[0]["level"] == Level.WARNING.value
    assert warn.iloc[0]["variable"] == "psqi_efficiency"
    assert "107.1" in warn.iloc[0]["message_en"] and "107.1" in warn.iloc[0]["message_zh"]


def test_efficiency_exactly_100_is_not_flagged() -> None:
    flags = flags_of(good_sleeper(psqi_bedtime="23:00", psqi_risetime="06:00", psqi_sleep_h="7"))
    assert "psqi.efficiency_over_100" not in set(flags["rule"])


# --------------------------------------------------------------------------------------------
# C2 latency: minutes ≤ 15 → 0; (15, 30] → 1; (30, 60] → 2; > 60 → 3; + 5a via C2_SUM.


@pytest.mark.parametrize(
    ("minutes", "latency_score"),
    [
        ("0", 0),
        ("15", 0),
        ("15.5", 1),  # non-integer (15, 30] → 1 (psqi.md §4)
        ("16", 1),
        ("22.5", 1),  # midpoint of "15–30 min"
        ("30", 1),
        ("30.5", 2),
        ("31", 2),
        ("45", 2),
        ("60", 2),
        ("60.5", 3),
        ("61", 3),
        ("180", 3),
    ],
)
@pytest.mark.parametrize("item_5a", [0, 1, 2, 3])
def test_c2_latency_boundaries_and_sums(minutes: str, latency_score: int, item_5a: int) -> None:
    s = scores_of(psqi_latency_min=minutes, psqi_5a=str(item_5a))
    assert s["psqi_c2"] == C2_SUM[latency_score + item_5a]
    assert s["psqi_c2"] == math.ceil((latency_score + item_5a) / 2)  # psqi.md §3 cross-check


def test_latency_limits() -> None:
    """psqi.md §1: hard cap 720 min (error, not scored), warning above 180 min."""
    ev = evaluate_visit(good_sleeper(psqi_latency_min="200"))
    assert ev.scores.loc[0, "psqi_c2"] == 2  # 200 min → 3, 5a 0 → sum 3 → 2
    soft = ev.flags[ev.flags["variable"] == "psqi_latency_min"]
    assert soft["level"].tolist() == ["warning"]
    ev = evaluate_visit(good_sleeper(psqi_latency_min="800"))
    assert (ev.flags["variable"] == "psqi_latency_min").any()
    assert ev.flags.loc[ev.flags["variable"] == "psqi_latency_min", "level"].iloc[0] == "error"
    assert math.isnan(ev.scores.loc[0, "psqi_c2"]) and math.isnan(ev.scores.loc[0, "psqi_global"])


# --------------------------------------------------------------------------------------------
# C5 disturbances: sum of 5b–5j: 0 → 0; 1–9 → 1; 10–18 → 2; 19–27 → 3; 5a never counts.


def _disturbances(values: list[int], j: int | None, text: str) -> dict[str, object]:
    over = {f"psqi_5{c}": str(v) for c, v in zip("bcdefghi", values, strict=True)}
    over["psqi_5j"] = "" if j is None else str(j)
    over["psqi_5j_text"] = text
    return over


@pytest.mark.parametrize(
    ("values", "j", "text", "total"),
    [
        ([0] * 8, 0, "", 0),
        ([1, 0, 0, 0, 0, 0, 0, 0], 0, "", 1),
        ([1] * 8, 1, "itching", 9),
        ([2, 1, 1, 1, 1, 1, 1, 1], 1, "itching", 10),
        ([2] * 8, 2, "noise", 18),
        ([3, 2, 2, 2, 2, 2, 2, 2], 2, "noise", 19),
        ([3] * 8, 3, "night sweats", 27),
    ],
)
def test_c5_disturbance_sums(values: list[int], j: int, text: str, total: int) -> None:
    assert sum(values) + j == total
    s = scores_of(**_disturbances(values, j, text))
    assert s["psqi_c5"] == C5_SUM[total]
    assert s["psqi_c5"] == math.ceil(total / 9)  # psqi.md §3 cross-check


def test_c5_ignores_5a() -> None:
    """LCBC's docs page wrongly adds 5a to C5 (psqi.md §6); Buysse 1989 uses 5b–5j only."""
    assert scores_of(psqi_5a="3")["psqi_c5"] == 0


@pytest.mark.parametrize(
    ("j", "text", "c5"),
    [
        (3, "night sweats", 2),  # frequency and text → counts: 9 + 3 = 12 → 2
        (3, "", 1),  # frequency without text → 0 (scoring document, 20 May 2005)
        (3, "   ", 1),  # blank text is no text
        (None, "night sweats", 1),  # text without frequency → 0, and C5 is not missing
        (None, "", 1),
    ],
)
def test_5j_counts_only_with_frequency_and_text(j: int | None, text: str, c5: int) -> None:
    s = scores_of(**_disturbances([1, 1, 1, 1, 2, 1, 1, 1], j, text))  # 5b–5i sum to 9
    assert s["psqi_c5"] == c5
    assert not math.isnan(s["psqi_global"])


# --------------------------------------------------------------------------------------------
# C1, C6 = item; C7 = awake + enthusiasm: 0 → 0; 1–2 → 1; 3–4 → 2; 5–6 → 3.


@pytest.mark.parametrize("awake", [0, 1, 2, 3])
@pytest.mark.parametrize("enthusiasm", [0, 1, 2, 3])
def test_c7_daytime_dysfunction_sums(awake: int, enthusiasm: int) -> None:
    s = scores_of(psqi_awake=str(awake), psqi_enthusiasm=str(enthusiasm))
    assert s["psqi_c7"] == C7_SUM[awake + enthusiasm]


@pytest.mark.parametrize("code", [0, 1, 2, 3])
def test_c1_and_c6_are_the_item_values(code: int) -> None:
    s = scores_of(psqi_quality=str(code), psqi_meds=str(3 - code))
    assert (s["psqi_c1"], s["psqi_c6"]) == (code, 3 - code)
    assert s["psqi_global"] == 3


# --------------------------------------------------------------------------------------------
# Missing data: any missing input → that component missing → global missing (psqi.md §4).

_INPUTS_OF = {
    "psqi_quality": ["psqi_c1"],
    "psqi_latency_min": ["psqi_c2"],
    "psqi_5a": ["psqi_c2"],
    "psqi_sleep_h": ["psqi_c3", "psqi_c4"],
    "psqi_bedtime": ["psqi_c4"],
    "psqi_risetime": ["psqi_c4"],
    **{f"psqi_5{c}": ["psqi_c5"] for c in "bcdefghi"},
    "psqi_meds": ["psqi_c6"],
    "psqi_awake": ["psqi_c7"],
    "psqi_enthusiasm": ["psqi_c7"],
}


@pytest.mark.parametrize("item", sorted(_INPUTS_OF))
@pytest.mark.parametrize("absent", ["", "RF"])
def test_any_missing_input_makes_component_and_global_missing(item: str, absent: str) -> None:
    s = scores_of(**{item: absent})
    for comp in COMPONENTS:
        assert math.isnan(s[comp]) == (comp in _INPUTS_OF[item]), comp
    assert math.isnan(s["psqi_global"])


def test_empty_administration_scores_nothing() -> None:
    """awell-health/awell-score src/scores/psqi/psqi.test.ts "When called with an empty
    response": every component and the total are missing."""
    ev = evaluate(pd.DataFrame({"psqi_quality": [None]}))
    assert ev.scores.loc[0, [*COMPONENTS, "psqi_global"]].isna().all()
    assert ev.flags.empty


# --------------------------------------------------------------------------------------------
# Poor sleeper: global > cut-off (Buysse 1989: > 5), cut-off is a study setting.


def _with_global(total: int) -> dict[str, object]:
    """C1 + C6 + C7 carry the total (each 0–3); the other components stay 0."""
    c1, rest = min(total, 3), total - min(total, 3)
    c6, c7 = min(rest, 3), rest - min(rest, 3)
    awake, enthusiasm = {0: (0, 0), 1: (1, 0), 2: (3, 0), 3: (3, 2)}[c7]  # C7 table, psqi.md §3
    return good_sleeper(
        psqi_quality=str(c1),
        psqi_meds=str(c6),
        psqi_awake=str(awake),
        psqi_enthusiasm=str(enthusiasm),
    )


@pytest.mark.parametrize(
    ("total", "cutoff", "flagged"),
    [(5, 5.0, False), (6, 5.0, True), (7, 7.0, False), (8, 7.0, True), (0, 5.0, False)],
)
def test_poor_sleeper_clinical_flag(total: int, cutoff: float, flagged: bool) -> None:
    ev = evaluate_visit(_with_global(total), ScoringSettings(psqi_poor_sleeper_cutoff=cutoff))
    assert ev.scores.loc[0, "psqi_global"] == total
    hits = ev.flags[ev.flags["rule"] == "psqi.poor_sleeper"]
    assert len(hits) == int(flagged)
    if flagged:
        row = hits.iloc[0]
        assert row["variable"] == "psqi_global" and row["level"] == Level.CLINICAL.value
        source = "Buysse et al. 1989" if cutoff == 5.0 else "Liu Xianchen et al. 1996"
        for msg in (row["message_en"], row["message_zh"]):
            assert str(total) in msg and f"> {cutoff:g}" in msg and source in msg
        assert "PSQI总分" in row["message_zh"]


def test_poor_sleeper_not_flagged_when_global_missing() -> None:
    ev = evaluate_visit({**_with_global(9), "psqi_quality": ""})
    assert "psqi.poor_sleeper" not in set(ev.flags["rule"])


# --------------------------------------------------------------------------------------------
# Published worked examples


def _awell(q01, q02_minutes, q03, q04, q5, q5jj, q06, q07, q08, q09) -> dict[str, object]:
    """awell-score numbering (psqi.md §2): Q06 meds, Q07 awake, Q08 enthusiasm, Q09 quality.
    Q02 there is the latency *category*; a minute value inside that category is entered here."""
    return {
        "psqi_bedtime": f"{q01 % 24:02d}:00",
        "psqi_latency_min": str(q02_minutes),
        "psqi_risetime": f"{q03:02d}:00",
        "psqi_sleep_h": str(q04),
        **{f"psqi_5{c}": str(v) for c, v in zip("abcdefghij", q5, strict=True)},
        "psqi_5j_text": q5jj,
        "psqi_meds": str(q06),
        "psqi_awake": str(q07),
        "psqi_enthusiasm": str(q08),
        "psqi_quality": str(q09),
    }


AWELL = {
    # awell-health/awell-score src/calculation_suite/calculations/psqi/__testdata__/
    # psqi_test_responses.js, expected values from psqi.test.js (same data in src/scores/psqi/):
    # (C1 quality, C2 latency, C3 duration, C4 efficiency, C5, C6, C7, total)
    "worst": (
        _awell(23, 90, 8, 4, [3] * 10, "Night sweats", 3, 3, 3, 3),
        (3, 3, 3, 3, 3, 3, 3, 21),
    ),
    "median": (
        _awell(22, 20, 7, 6, [2] + [1] * 9, "Shivers", 1, 1, 2, 1),
        (1, 2, 1, 2, 1, 1, 2, 10),
    ),
    "best": (_awell(24, 5, 8, 8, [0] * 10, "", 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0)),
}


@pytest.mark.parametrize("case", sorted(AWELL))
def test_awell_score_examples(case: str) -> None:
    answers, expected = AWELL[case]
    s = evaluate_visit(answers).scores.loc[0]
    assert tuple(s[[*COMPONENTS, "psqi_global"]]) == expected


def test_awell_random_example_differs_only_at_the_7_hour_boundary() -> None:
    """awell "random_response" (7.0 h asleep) expects C3 = 1 and total 9; awell scores 7.0 h as 1
    (psqi.md §6). The project convention (psqi.md §4) gives C3 = 0, so total 8; every other
    component equals awell's expected value."""
    answers = _awell(23, 5, 6, 7, [3, 1, 0, 2, 0, 1, 1, 3, 0, 0], "", 3, 1, 1, 1)
    s = evaluate_visit(answers).scores.loc[0]
    awell_expected = dict(zip(COMPONENTS, (1, 2, 1, 0, 1, 3, 1), strict=True))
    for comp, value in awell_expected.items():
        assert s[comp] == (0 if comp == "psqi_c3" else value), comp
    assert s["psqi_global"] == 9 - 1


# LCBC-UiO/questionnaires tests/testthat/data/psqi.tsv (inputs; 1989 numbering: 06 quality,
# 07 meds, 08 awake, 09 enthusiasm) with the expected components of
# tests/testthat/test-psqi_functions.R (comp2, comp3, comp4, comp5, comp7 vectors) and the
# comp1/comp6 columns of the .tsv. None = NA.
# (bed, latency, rise, hours, 5a, [5b..5i], 5j freq, 5j text, quality, meds, awake, enthusiasm)
LCBC_ROWS = [
    ("22:30", 5, "05:50", 7, 0, [0] * 8, 0, None, 0, 0, 0, 0),
    ("07:00", 10, "17:00", 9.75, 0, [0, 0, 0, 3, 0, 0, 0, 0], 0, None, 1, 0, 0, 0),
    ("22:30", 30, "06:30", 8, 1, [2, 3, 0, 1, 1, 1, 0, 0], None, "No", 2, 0, 0, 1),
    (None, 20, None, 9, 2, [0, 1, 0, 0, 0, 1, 0, 0], None, None, 1, 0, 1, 0),
    ("23:30", 30, "06:45", 6, 2, [2, 2, 0, 0, 1, 3, 0, 0], None, None, 1, 0, 0, 1),
    ("23:00", 23, "07:00", 7, 1, [1, 1, 0, 0, 0, 0, 0, 0], 1, "1", 1, 0, 0, 0),
    ("23:00", 1, "07:00", 8, 0, [1, 0, 0, 0, 0, 0, 0, 0], None, None, 0, 0, 0, 0),
    ("22:45", 15, "06:00", 6.5, 1, [3, 1, 0, 1, 1, 1, 0, 3], 3, None, 2, 3, 1, 1),
    ("21:45", 20, "05:30", 6, 0, [2, 1, 0, 0, 0, 2, 0, 0], 2, "Yes", 2, 0, 0, 0),
    ("23:45", 10, "08:30", 8, 0, [0, 3, 0, 2, 0, 0, 0, 1], None, "No", 3, 0, 0, 0),
    ("23:30", 5, "09:00", 6, 0, [3, 3, None, 1, 0, 0, 0, 2], 0, None, 1, 0, 1, 1),
    ("23:30", 95, "08:45", 6.5, 0, [1, 1, 0, 0, 0, 0, 0, 2], 0, None, 0, 0, 0, 0),
]
LCBC_EXPECTED = {
    "psqi_c1": [0, 1, 2, 1, 1, 1, 0, 2, 2, 3, 1, 0],
    "psqi_c2": [0, 0, 1, 2, 2, 1, 0, 1, 1, 0, 0, 2],
    "psqi_c3": [1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1],
    "psqi_c4": [0, 0, 0, None, 1, 0, 0, 0, 1, 0, 3, 2],
    "psqi_c5": [0, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1],
    "psqi_c6": [0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0],
    "psqi_c7": [0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0],
}
# Where LCBC's documented conventions differ from the project's (psqi.md §6): LCBC scores
# 7.0 h as C3 = 1 (rows 1, 6; project: ≥ 7 → 0) and ignores a missing 5d in C5 (row 11;
# project: component missing).
LCBC_PROJECT_DIFFERS = {("psqi_c3", 0): 0, ("psqi_c3", 5): 0, ("psqi_c5", 10): None}


def _lcbc_frame() -> pd.DataFrame:
    def txt(v: object) -> str:
        return "" if v is None else str(v)

    rows = []
    for bed, lat, rise, hrs, a, b_i, j, jt, qual, meds, awake, enth in LCBC_ROWS:
        row = {
            "psqi_bedtime": txt(bed),
            "psqi_latency_min": txt(lat),
            "psqi_risetime": txt(rise),
            "psqi_sleep_h": txt(hrs),
            "psqi_5a": txt(a),
            **{f"psqi_5{c}": txt(v) for c, v in zip("bcdefghi", b_i, strict=True)},
            "psqi_5j": txt(j),
            "psqi_5j_text": txt(jt),
            "psqi_quality": txt(qual),
            "psqi_meds": txt(meds),
            "psqi_awake": txt(awake),
            "psqi_enthusiasm": txt(enth),
        }
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)


def test_lcbc_worked_examples() -> None:
    scores = evaluate(_lcbc_frame()).scores
    for comp, expected in LCBC_EXPECTED.items():
        for i, value in enumerate(expected):
            value = LCBC_PROJECT_DIFFERS.get((comp, i), value)
            got = scores.loc[i, comp]
            if value is None:
                assert math.isnan(got), (comp, i)
            else:
                assert got == value, (comp, i, got, value)
    # global: the sum where every component is present; missing otherwise (row 4: no times;
    # row 11: 5d missing)
    g = scores["psqi_global"]
    assert g.isna().tolist() == [i in (3, 10) for i in range(12)]
    assert g[2] == 5 and g[7] == 10 and g[8] == 6  # = the psqi_global column of LCBC's .tsv


# --------------------------------------------------------------------------------------------
# Properties (hypothesis): global = Σ components, each 0–3, global 0–21, and the ceiling forms
# of psqi.md §3 for C2, C5, C7.

_clock = st.integers(0, 1439).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")
_code = st.integers(0, 3)


@st.composite
def _administration(draw: st.DrawFn) -> dict[str, object]:
    return {
        "psqi_bedtime": draw(_clock),
        "psqi_risetime": draw(_clock),
        "psqi_latency_min": str(draw(st.integers(0, 1440)) / 2),
        "psqi_sleep_h": str(draw(st.integers(0, 96)) / 4),
        **{f"psqi_5{c}": str(draw(_code)) for c in "abcdefghij"},
        "psqi_5j_text": draw(st.sampled_from(["", "noise", "  "])),
        "psqi_quality": str(draw(_code)),
        "psqi_meds": str(draw(_code)),
        "psqi_awake": str(draw(_code)),
        "psqi_enthusiasm": str(draw(_code)),
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(_administration(), min_size=1, max_size=25))
def test_properties(rows: list[dict[str, object]]) -> None:
    ev = evaluate(pd.DataFrame(rows, dtype=object))
    s, v = ev.scores, ev.values
    comps = s[COMPONENTS]
    present = comps.notna().all(axis=1)
    given_ = comps.to_numpy()[comps.notna().to_numpy()]
    assert ((given_ >= 0) & (given_ <= 3) & (given_ % 1 == 0)).all()
    assert (s.loc[present, "psqi_global"] == comps[present].sum(axis=1)).all()
    assert s.loc[~present, "psqi_global"].isna().all()
    assert s["psqi_global"].dropna().between(0, 21).all()
    # only bed = rise can leave C4 (and the global) missing in complete data
    assert (~present == (v["psqi_bedtime"] == v["psqi_risetime"])).all()
    lat = v["psqi_latency_min"]
    lat_score = np.select([lat <= 15, lat <= 30, lat <= 60], [0, 1, 2], 3)
    assert (s["psqi_c2"] == np.ceil((lat_score + v["psqi_5a"]) / 2)).all()
    with_text = v["psqi_5j_text"].fillna("").str.strip() != ""
    dist = v[[f"psqi_5{c}" for c in "bcdefghi"]].sum(axis=1) + v["psqi_5j"].where(with_text, 0)
    assert (s["psqi_c5"] == np.ceil(dist / 9)).all()
    assert (s["psqi_c7"] == np.ceil((v["psqi_awake"] + v["psqi_enthusiasm"]) / 2)).all()


def test_scorer_is_batch_and_one_visit_alike() -> None:
    """DESIGN.md: the one-visit path and the frame path give the same scores."""
    frame = _lcbc_frame()
    batch = evaluate(frame).scores
    for i in range(len(frame)):
        one = evaluate_visit(frame.iloc[i].to_dict()).scores.loc[0]
        pd.testing.assert_series_equal(one, batch.loc[i], check_names=False)


def test_scorer_accepts_typed_frame_without_optional_columns() -> None:
    """The scorer alone on typed values (as the store gives them): a missing 5j text column is
    no text, so 5j does not count (scoring document, 20 May 2005)."""
    typed = pd.DataFrame(
        {
            "psqi_bedtime": [1380.0],
            "psqi_risetime": [390.0],
            "psqi_latency_min": [20.0],
            "psqi_sleep_h": [7.0],
            **{f"psqi_5{c}": [1.0] for c in "abcdefghij"},
            "psqi_quality": [1.0],
            "psqi_meds": [0.0],
            "psqi_awake": [1.0],
            "psqi_enthusiasm": [1.0],
        }
    )
    s = score_psqi(typed, pd.DataFrame(index=typed.index), ScoringSettings()).loc[0]
    # C1 1; C2 20 min → 1 + 5a 1 = 2 → 1; C3 7 h → 0; C4 420/450 = 93 % → 0; C5 8 → 1; C6 0;
    # C7 2 → 1
    assert [s[c] for c in COMPONENTS] == [1, 1, 0, 0, 1, 0, 1]
    assert s["psqi_global"] == 4
