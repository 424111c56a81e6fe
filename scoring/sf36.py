"""SF-36 v1 items with two scorings: SF-36 v1 (Ware) scales + PCS/MCS, and RAND-36 1.0 scales.

The one declaration of the instrument (DESIGN.md "One definition per instrument"): items in
``scoring.sf36_items``, rules and constants in ``scoring.sf36_scoring``, scores and the
instrument here. Rules: sf36.md (project reference) §2 RAND-36, §3 Ware, §4 PCS/MCS, §5 sums.
"""

from __future__ import annotations

from scoring.model import Instrument, Score
from scoring.sf36_items import ITEMS
from scoring.sf36_scoring import (
    MCS_COEF,
    MCS_SUM_SCALES,
    PCS_COEF,
    PCS_SUM_SCALES,
    SCALE_ITEMS,
    SCORE_NAMES,
    WARE_MIN_ANSWERED,
    score_frame,
    t_score_bounds,
)

VERSION = "sf36-ware1994+rand1993/1"

SRC_WARE = (
    "Ware JE, Snow KK, Kosinski M, Gandek B. SF-36 Health Survey: Manual and Interpretation "
    "Guide. Boston: New England Medical Center, 1993; algorithm as in the Apolone & Mosconi SAS "
    "program (Istituto Mario Negri), R port lbraglia/lbscorer R/sf36.R"
)
SRC_NORM = (
    "Ware JE, Kosinski M, Keller SD. SF-36 Physical and Mental Health Summary Scales: A User's "
    "Manual. Boston: The Health Institute, 1994 (US 1990 general population, n = 2,393; "
    "orthogonal scoring coefficients)"
)
SRC_SUM = (
    "project convention (sf36.md §5): plain sum of four SF-36 v1 (Ware) scales, inferred from "
    "the trial's seed paper (PCS 239.87 ± 72.15); no published source defines it"
)
SRC_RAND = (
    "Hays RD, Sherbourne CD, Mazel RM. The RAND 36-Item Health Survey 1.0. Health Econ "
    "1993;2:217-227; RAND, 36-Item Short Form Survey scoring instructions (Table 1, Table 2)"
)

LICENCE = (
    "Item labels are project-written; English labels follow the public-domain RAND 36-Item Health "
    "Survey 1.0 wording. The RAND 36-Item Short Form Health Survey was developed at RAND as part "
    "of the Medical Outcomes Study. Changes to RAND's wording are the project's own; RAND is held "
    "harmless for translations and consequences of use. 'SF-36' is a trademark of the Medical "
    "Outcomes Trust; SF-36 v1 (Ware) scoring and the norm-based PCS/MCS assume the site holds a "
    "licence (QualityMetric/Optum). Licensed wording is loaded from a site-supplied pack."
)

# scale: (Ware short name en, zh; RAND-36 name en, zh). Labels stay short: forms and reports
# print them in one table column; the system (Ware / RAND-36) is always named.
_NAMES = {
    "pf": ("physical functioning", "生理功能", "physical functioning", "生理功能"),
    "rp": ("role-physical", "生理职能", "role limitations, physical", "生理职能"),
    "bp": ("bodily pain", "躯体疼痛", "pain", "躯体疼痛"),
    "gh": ("general health", "总体健康", "general health", "总体健康"),
    "vt": ("vitality", "活力", "energy/fatigue", "精力/疲劳"),
    "sf": ("social functioning", "社会功能", "social functioning", "社会功能"),
    "re": ("role-emotional", "情感职能", "role limitations, emotional", "情感职能"),
    "mh": ("mental health", "精神健康", "emotional well-being", "情绪健康"),
}
_WARE_HOW = {
    "pf": "items as coded",
    "rp": "items as coded",
    "bp": "items 21/22 recalibrated, item 22 by item 21",
    "gh": "item 1 recalibrated, items 34/36 reversed",
    "vt": "items 23/27 reversed",
    "sf": "item 20 reversed",
    "re": "items as coded",
    "mh": "items 26/30 reversed",
}


def _items(scale: str) -> str:
    return ", ".join(str(n) for n in SCALE_ITEMS[scale])


def _ware_scale(s: str) -> Score:
    en, zh, _, _ = _NAMES[s]
    k = len(SCALE_ITEMS[s])
    need = WARE_MIN_ANSWERED[s]
    return Score(
        name=f"sf36_{s}",
        en=f"SF-36 {s.upper()} {en} (Ware)",
        zh=f"SF-36 {zh} {s.upper()}（Ware）",
        low=0.0,
        high=100.0,
        higher_is_better=True,
        rule=(
            f"items {_items(s)} ({_WARE_HOW[s]}); raw sum rescaled to 0–100; missing items "
            f"replaced by the person's mean of the answered items if ≥ {need} of {k} answered, "
            "else missing"
        ),
        source=SRC_WARE,
    )


def _rand_scale(s: str) -> Score:
    _, _, en, zh = _NAMES[s]
    return Score(
        name=f"rand36_{s}",
        en=f"RAND-36 {en}",
        zh=f"RAND-36 {zh}",
        low=0.0,
        high=100.0,
        higher_is_better=True,
        rule=(
            f"items {_items(s)} recoded to 0–100 (RAND Table 1); mean of the answered items, "
            "no minimum; missing only if none answered"
        ),
        source=SRC_RAND,
    )


def _summary(name: str, coef: dict[str, float], en: str, zh: str) -> Score:
    low, high = t_score_bounds(coef)
    return Score(
        name=name,
        en=en,
        zh=zh,
        low=low,
        high=high,
        higher_is_better=True,
        rule=(
            "50 + 10 × Σ z·coefficient over the eight SF-36 v1 (Ware) scales, z against the US "
            "1990 norms; missing unless all eight scales exist"
        ),
        source=SRC_NORM,
    )


def _sum(name: str, scales: tuple[str, ...], en: str, zh: str) -> Score:
    return Score(
        name=name,
        en=en,
        zh=zh,
        low=0.0,
        high=100.0 * len(scales),
        higher_is_better=True,
        rule=(
            " + ".join(s.upper() for s in scales)
            + " (SF-36 v1 Ware scales, 0–400); missing if any of the four is missing"
        ),
        source=SRC_SUM,
    )


SCORES: tuple[Score, ...] = (
    *(_ware_scale(s) for s in ("pf", "rp", "bp", "gh", "vt", "sf", "re", "mh")),
    _summary(
        "sf36_pcs",
        PCS_COEF,
        "SF-36 PCS, norm-based T-score",
        "SF-36 生理健康综合 PCS（T分）",
    ),
    _summary(
        "sf36_mcs",
        MCS_COEF,
        "SF-36 MCS, norm-based T-score",
        "SF-36 心理健康综合 MCS（T分）",
    ),
    _sum(
        "sf36_pcs_sum",
        PCS_SUM_SCALES,
        "SF-36 PCS sum of 4 scales (0–400)",
        "SF-36 PCS 四维合计（0–400）",
    ),
    _sum(
        "sf36_mcs_sum",
        MCS_SUM_SCALES,
        "SF-36 MCS sum of 4 scales (0–400)",
        "SF-36 MCS 四维合计（0–400）",
    ),
    *(_rand_scale(s) for s in ("pf", "rp", "bp", "gh", "vt", "sf", "re", "mh")),
    Score(
        name="rand36_ht",
        en="RAND-36 health change (item 2)",
        zh="RAND-36 健康变化（第2题）",
        low=0.0,
        high=100.0,
        higher_is_better=True,
        rule="item 2 recoded 1→100, 2→75, 3→50, 4→25, 5→0; belongs to no scale",
        source=SRC_RAND,
    ),
)

if tuple(s.name for s in SCORES) != SCORE_NAMES:  # the scorer's columns are the declaration's
    raise RuntimeError("sf36: declared scores and scorer columns differ")

INSTRUMENT = Instrument(
    key="sf36",
    en="SF-36 v1 / RAND-36 1.0 health survey",
    zh="SF-36 健康调查简表（第1版）/ RAND-36 1.0",
    short_en="SF-36",
    short_zh="SF-36",
    version=VERSION,
    items=ITEMS,
    scores=SCORES,
    scorer=score_frame,
    source=f"{SRC_WARE}; {SRC_NORM}; {SRC_RAND}",
    licence=LICENCE,
    notes={
        "systems": (
            "sf36_* scales, PCS/MCS and the 0–400 sums use SF-36 v1 (Ware) scoring; rand36_* use "
            "RAND-36 1.0 scoring. They are equal for PF, RP, RE, SF, VT, MH with complete data "
            "and differ for GH, BP and the missing-item rule."
        ),
        "form_version": (
            "Codes are the SF-36 v1 form's (RP/RE 1–2, Q9 items 1–6). SF-36 v2 forms differ and "
            "are not covered."
        ),
        "sums": "sf36_pcs_sum / sf36_mcs_sum are built from the Ware scales (sf36.md §5).",
    },
)
