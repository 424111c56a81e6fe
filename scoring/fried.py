"""Fried frailty phenotype (Fried et al., J Gerontol A 2001;56:M146) and the model trial's
eligibility (aged 60–80, Fried score 1–4; NCT04314011).

Entered 0/1: unintentional weight loss, exhaustion (CES-D items), low activity (MLTA), as judged
by the assessor. Derived (physical.md §7):

* Slowness, rule A (default): the CHS 15 ft (4.572 m) cut-offs as equivalent 4 m times, compared
  exactly on the time in 0.01 s: men ≤ 173 cm and women ≤ 159 cm slow when t × 4.572 ≥ 28
  (t ≥ 6.124 s), taller participants when t × 4.572 ≥ 24 (t ≥ 5.249 s). Height is read as
  entered (173.0 is "≤ 173", 173.1 is taller).
* Weakness: grip ≤ the sex- and BMI-specific cut-off. Table ``CHS`` (Fried 2001) or ``CHARLS``
  (Wu, J Gerontol A 2018). BMI stratum reading (project decision): BMI is rounded half up to one
  decimal, as the tables are printed, and each stratum includes its printed upper bound; so with
  CHS men BMI 24.04 → 24.0 → "≤ 24", 24.05 → 24.1 → "24.1–26". The CHS men 26.1–28 cut-off is
  30 kg (PMC8934156 prints 31, a transcription error).
* "Unable" (``UN``) on every walk or grip trial counts as positive when
  ``ScoringSettings.fried_unable_positive`` (default), otherwise as missing.

Score = number of positive criteria (0–5): 0 robust, 1–2 pre-frail, ≥ 3 frail. With missing
criteria: ≥ 3 positive → frail; if the missing criteria could change the category →
indeterminate; the score itself is then missing. Nothing is imputed. A criterion that can be
decided without the missing input (e.g. a 4 m time ≥ 6.13 s is slow at any height) is decided.
The phenotype is not assessed (all scores missing) when none of the three entered criteria has a
value or a missing-data code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.columns import float_frame, status_is
from scoring.model import (
    QUESTIONNAIRE_MISSING,
    Choice,
    Instrument,
    Item,
    ItemType,
    Level,
    Rule,
    Score,
    ScoringSettings,
)
from scoring.participant import ELIGIBLE_AGE, FEMALE, MALE
from scoring.physical import (
    GRIP_TRIALS,
    WALK_TRIALS,
    centiseconds,
    status_any,
    values_of,
)

SRC_FRIED = "Fried et al., J Gerontol A 2001;56:M146"
SRC_ELIGIBILITY = "model trial eligibility, Fried score 1–4 (NCT04314011)"
ENTERED = ("fried_weightloss", "fried_exhaustion", "fried_activity")
CRITERIA = ("fried_weightloss", "fried_exhaustion", "fried_activity", "fried_slowness",
            "fried_weakness")  # fmt: skip
ELIGIBLE_SCORE = (1, 4)

# Slowness rule A: 15 ft = 4.572 m; slow when 4 m time × 4.572 ≥ 4 × 7 (short) or 4 × 6 (tall).
# In hundredths of a second: cs × 4572 ≥ 2 800 000 / 2 400 000.
FT15_MM = 4572
SLOW_SHORT_CS_MM = 28 * 100 * 1000
SLOW_TALL_CS_MM = 24 * 100 * 1000
TALL_ABOVE_CM = {MALE: 173.0, FEMALE: 159.0}

# Weakness: (inclusive upper bound of the BMI stratum, grip cut-off kg: weak when grip ≤ cut-off)
WEAKNESS_TABLES: dict[str, dict[int, tuple[tuple[float, float], ...]]] = {
    "CHS": {  # Fried 2001, Table (CHS)
        MALE: ((24.0, 29.0), (26.0, 30.0), (28.0, 30.0), (np.inf, 32.0)),
        FEMALE: ((23.0, 17.0), (26.0, 17.3), (29.0, 18.0), (np.inf, 21.0)),
    },
    "CHARLS": {  # Wu et al., J Gerontol A 2018 (lowest 20 %, CHARLS)
        MALE: ((20.6, 25.2), (23.2, 28.5), (25.9, 30.0), (np.inf, 30.0)),
        FEMALE: ((20.0, 15.0), (22.1, 17.5), (24.8, 17.5), (np.inf, 20.0)),
    },
}

ROBUST, PRE_FRAIL, FRAIL, INDETERMINATE = 0, 1, 2, 9
CATEGORY_CHOICES = (
    Choice(ROBUST, "robust", "无衰弱"),
    Choice(PRE_FRAIL, "pre-frail", "衰弱前期"),
    Choice(FRAIL, "frail", "衰弱"),
    Choice(INDETERMINATE, "indeterminate (missing criteria)", "无法判定（标准缺失）"),
)
_YES_NO = (Choice(0, "no", "否"), Choice(1, "yes", "是"))


def _entered(name: str, en: str, zh: str) -> Item:
    return Item(
        name,
        en,
        zh,
        ItemType.CODED,
        choices=_YES_NO,
        missing=QUESTIONNAIRE_MISSING,
        section="Fried phenotype",
        section_zh="Fried 衰弱表型",
    )


ITEMS = (
    _entered(
        "fried_weightloss",
        "Unintentional weight loss > 4.5 kg (10 lb) in the past year",
        "过去一年非故意体重下降超过4.5公斤",
    ),
    _entered(
        "fried_exhaustion",
        "Exhaustion (CES-D 'everything an effort' or 'could not get going' on ≥ 3 days a week)",
        "疲乏（CES-D“做任何事都费力”或“无法开始行动”每周 ≥ 3天）",
    ),
    _entered(
        "fried_activity",
        "Low physical activity (men < 383, women < 270 kcal/week)",
        "体力活动低（男 < 383、女 < 270 千卡/周）",
    ),
)


def _round_bmi(bmi: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        return np.floor(bmi * 10.0 + 0.5 + 1e-7) / 10.0


def _agree(candidates: list[tuple[np.ndarray, np.ndarray]], n: int) -> np.ndarray:
    """Combine (possible, outcome) pairs: 1/0 when every possible case agrees, else NaN."""
    any_pos = np.zeros(n, dtype=bool)
    any_neg = np.zeros(n, dtype=bool)
    for possible, outcome in candidates:
        any_pos |= possible & outcome
        any_neg |= possible & ~outcome
    return np.where(any_pos & ~any_neg, 1.0, np.where(any_neg & ~any_pos, 0.0, np.nan))


def slowness(
    sex: np.ndarray,
    height_cm: np.ndarray,
    walk_s: np.ndarray,
    rule: str = "A",
    settings: ScoringSettings | None = None,
) -> np.ndarray:
    """Fried slowness from the 4 m time (1 slow, 0 not, NaN undetermined), physical.md §7.

    A: Fried's 15 ft times (7 s short / 6 s tall) at the equivalent speed, exact arithmetic.
    B: the trial's own slowest 20 % at baseline by sex and height (``fried_slowness_b`` cut-offs,
    from ``baseline_slowness_cutoffs``). D: one gait-speed threshold (``fried_slowness_speed_ms``).
    """
    settings = settings or ScoringSettings()
    cs = centiseconds(walk_s)
    timed = ~np.isnan(cs)
    if rule == "D":
        with np.errstate(invalid="ignore", divide="ignore"):
            slow = 400.0 / cs < settings.fried_slowness_speed_ms  # 4 m in cs → m/s
        return np.where(timed, slow.astype(float), np.nan)
    if rule == "A":
        with np.errstate(invalid="ignore"):
            short_cut = timed & (cs * FT15_MM >= SLOW_SHORT_CS_MM)
            tall_cut = timed & (cs * FT15_MM >= SLOW_TALL_CS_MM)
        strata = {sx: (TALL_ABOVE_CM[sx], short_cut, tall_cut) for sx in (MALE, FEMALE)}
    elif rule == "B":
        cuts = {int(r[0]): r[1:] for r in settings.fried_slowness_b}
        if set(cuts) != {MALE, FEMALE}:
            raise ValueError(
                "Fried slowness rule 'B' needs the trial's baseline cut-offs for men and women "
                "(scoring setting fried_slowness_b; fried.baseline_slowness_cutoffs derives them)"
            )
        strata = {}
        for sx, (split, short_s, tall_s) in cuts.items():
            with np.errstate(invalid="ignore"):
                strata[sx] = (
                    split,
                    timed & (cs >= centiseconds(np.array([short_s]))[0]),
                    timed & (cs >= centiseconds(np.array([tall_s]))[0]),
                )
    else:
        raise ValueError(
            f"Fried slowness rule {rule!r} is not available (A, B or D; rule C uses other course "
            "lengths and is not transferable, physical.md §7)"
        )
    cands = []
    sex_unknown = ~np.isin(sex, (MALE, FEMALE))
    for sx, (split, slow_short, slow_tall) in strata.items():
        sex_possible = (sex == sx) | sex_unknown
        h_known = ~np.isnan(height_cm)
        with np.errstate(invalid="ignore"):
            tall = height_cm > split
        cands.append((timed & sex_possible & (~h_known | ~tall), slow_short))
        cands.append((timed & sex_possible & (~h_known | tall), slow_tall))
    return _agree(cands, len(cs))


def baseline_slowness_cutoffs(
    sex: np.ndarray, height_cm: np.ndarray, walk_s: np.ndarray
) -> tuple[tuple[int, float, float, float], ...]:
    """Rule B cut-offs from the trial's baseline: per sex, split at the median height, the 4 m
    time of the slowest 20 % (80th percentile, linear) in each half (Fried et al. 2001: "slowest
    20 %, stratified by gender and height"). ValueError when a stratum has no timed walk."""
    out = []
    for sx in (MALE, FEMALE):
        mine = (sex == sx) & ~np.isnan(height_cm) & ~np.isnan(walk_s)
        if not mine.any():
            raise ValueError(f"no timed 4 m walk with a height for sex code {sx} at baseline")
        split = float(np.median(height_cm[mine]))
        cuts = []
        for half in (height_cm[mine] <= split, height_cm[mine] > split):
            times = walk_s[mine][half]
            if not len(times):
                times = walk_s[mine]  # every height at the median: one stratum
            cuts.append(round(float(np.percentile(times, 80)), 2))
        out.append((sx, split, cuts[0], cuts[1]))
    return tuple(out)


def weakness(sex: np.ndarray, bmi: np.ndarray, grip_kg: np.ndarray, table: str) -> np.ndarray:
    """Fried weakness: grip ≤ the sex/BMI cut-off (1 weak, 0 not, NaN undetermined)."""
    if table not in WEAKNESS_TABLES:
        raise ValueError(f"unknown Fried weakness table {table!r} (CHS or CHARLS)")
    b = _round_bmi(bmi)
    b_known = ~np.isnan(b)
    g_known = ~np.isnan(grip_kg)
    cands = []
    sex_unknown = ~np.isin(sex, (MALE, FEMALE))
    for sx, strata in WEAKNESS_TABLES[table].items():
        sex_possible = (sex == sx) | sex_unknown
        lower = -np.inf
        for upper, cut in strata:
            with np.errstate(invalid="ignore"):
                in_stratum = ~b_known | ((b > lower) & (b <= upper))
                weak = grip_kg <= cut + 1e-9
            cands.append((g_known & sex_possible & in_stratum, weak))
            lower = upper
    return _agree(cands, len(b))


def rules_text(settings: ScoringSettings) -> str:
    """The rules behind a phenotype, recorded with it: English / Chinese (like value labels)."""
    rule = settings.fried_slowness_rule
    if rule == "A":
        slow_en, slow_zh = "A (4.572 m equivalent)", "A（4.572 米等效速度）"
    elif rule == "B":
        cuts = [(("M", "男") if r[0] == MALE else ("F", "女"), *r[1:])
                for r in settings.fried_slowness_b]  # fmt: skip
        slow_en = (
            "B (baseline slowest 20 %: "
            + ", ".join(f"{sx[0]} ≤{h:g} cm {a:g} s, >{h:g} cm {b:g} s" for sx, h, a, b in cuts)
            + ")"
        )
        slow_zh = (
            "B（基线最慢 20%："
            + "，".join(f"{sx[1]} ≤{h:g} cm {a:g} 秒，>{h:g} cm {b:g} 秒" for sx, h, a, b in cuts)
            + "）"
        )
    else:
        v = settings.fried_slowness_speed_ms
        slow_en, slow_zh = f"D (gait speed < {v:g} m/s)", f"D（步速 < {v:g} 米/秒）"
    table = settings.fried_weakness_table
    unable = settings.fried_unable_positive
    en = (
        f"slowness {slow_en}; weakness {table}, BMI rounded to 0.1; unable = "
        f"{'positive' if unable else 'missing'}"
    )
    zh = (
        f"步速缓慢 {slow_zh}；握力低 {table} 表，BMI 保留 1 位小数；无法完成 = "
        f"{'阳性' if unable else '缺失'}"
    )
    return f"{en} / {zh}"  # fmt: skip


def _category(count: np.ndarray) -> np.ndarray:
    return np.where(count >= 3, FRAIL, np.where(count >= 1, PRE_FRAIL, ROBUST)).astype(float)


def score_fried(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """The five criteria, score, category, eligibility and the rules used (see module doc)."""
    idx = values.index
    sex = values_of(values, "sex")
    slow = slowness(
        sex,
        values_of(values, "height_cm"),
        values_of(values, "walk4m_s"),
        settings.fried_slowness_rule,
        settings,
    )
    weak = weakness(
        sex,
        values_of(values, "bmi"),
        values_of(values, "grip_kg"),
        settings.fried_weakness_table,
    )
    if settings.fried_unable_positive:
        walk_unable = np.isnan(values_of(values, "walk4m_s")) & status_any(status, WALK_TRIALS)
        grip_unable = np.isnan(values_of(values, "grip_kg")) & status_any(status, GRIP_TRIALS)
        slow = np.where(walk_unable, 1.0, slow)
        weak = np.where(grip_unable, 1.0, weak)

    crit = np.column_stack([values_of(values, n) for n in ENTERED] + [slow, weak])
    known = ~np.isnan(crit)
    positives = np.where(known, crit, 0.0).sum(axis=1)
    missing = (~known).sum(axis=1)
    lo_cat, hi_cat = _category(positives), _category(positives + missing)
    category = np.where(lo_cat == hi_cat, lo_cat, float(INDETERMINATE))
    score = np.where(missing == 0, positives, np.nan)

    age = values_of(values, "age")
    with np.errstate(invalid="ignore"):
        age_ok = np.where(
            np.isnan(age), np.nan, (age >= ELIGIBLE_AGE.low) & (age <= ELIGIBLE_AGE.high)
        )
    low, high = ELIGIBLE_SCORE
    hi_count = positives + missing
    score_ok = np.where(
        (positives >= low) & (hi_count <= high),
        1.0,
        np.where((hi_count < low) | (positives > high), 0.0, np.nan),
    )
    eligible = np.where(
        (age_ok == 0) | (score_ok == 0), 0.0, np.where((age_ok == 1) & (score_ok == 1), 1.0, np.nan)
    )

    assessed = np.zeros(len(idx), dtype=bool)
    for n in ENTERED:
        assessed |= ~np.isnan(values_of(values, n)) | status_is(status, n)
    rules = rules_text(settings)
    numbers = [np.where(assessed, v, np.nan) for v in (slow, weak, score, category, eligible)]
    out = float_frame(numbers, _NUMBER_COLUMNS, idx)
    out["fried_rules"] = pd.Series(np.where(assessed, rules, None), index=idx, dtype=object)
    return out


# the scorer's numeric output columns (every score but the rules text), made once
_NUMBER_COLUMNS = pd.Index(
    ["fried_slowness", "fried_weakness", "fried_score", "fried_category", "fried_eligible"]
)


def _is(code: int):
    return lambda w, s: values_of(w, "fried_category") == code


def _positives(work: pd.DataFrame, settings: ScoringSettings) -> pd.Series:
    pos = np.zeros(len(work.index), dtype=int)
    for name in CRITERIA:
        pos += (values_of(work, name) == 1).astype(int)
    return pd.Series(np.array([f"{p}/5" for p in range(6)], dtype=object)[pos], index=work.index)


_CATEGORY_MSG = {
    PRE_FRAIL: ("pre-frail", "衰弱前期", "1–2"),
    FRAIL: ("frail", "衰弱", "≥ 3"),
}


def _category_rule(code: int) -> Rule:
    en, zh, limit = _CATEGORY_MSG[code]
    return Rule(
        f"fried.{en.replace('-', '_')}",
        "fried_category",
        Level.CLINICAL,
        _is(code),
        f"fried_category: {en} ({{detail}} criteria positive; {en} = {{limit}}; {{source}})",
        f"Fried 衰弱表型：{zh}（{{detail}} 项阳性；{zh} = {{limit}} 项；{{source}}）",
        limit=limit,
        source=SRC_FRIED,
        detail=_positives,
    )


INSTRUMENT = Instrument(
    key="fried",
    en="Fried frailty phenotype",
    zh="Fried 衰弱表型",
    short_en="Fried",
    short_zh="Fried 衰弱",
    version="fried/1",
    items=ITEMS,
    scores=(
        Score(
            "fried_slowness",
            "Slowness",
            "步速慢",
            0,
            1,
            False,
            "4 m time ≥ 6.124 s (≤ 173 cm men / ≤ 159 cm women) or ≥ 5.249 s (taller), rule A",
            SRC_FRIED,
            decimals=0,
            choices=_YES_NO,
        ),
        Score(
            "fried_weakness",
            "Weakness",
            "握力低",
            0,
            1,
            False,
            "grip ≤ sex- and BMI-specific cut-off (CHS table; BMI rounded to 0.1)",
            SRC_FRIED,
            decimals=0,
            choices=_YES_NO,
        ),
        Score(
            "fried_score",
            "Fried score",
            "Fried 评分",
            0,
            5,
            False,
            "number of positive criteria (missing if any criterion is missing)",
            SRC_FRIED,
            decimals=0,
        ),
        Score(
            "fried_category",
            "Fried category",
            "Fried 分类",
            None,
            None,
            False,
            "0 robust, 1–2 pre-frail, ≥ 3 frail; indeterminate if missing criteria could change it",
            SRC_FRIED,
            decimals=0,
            choices=CATEGORY_CHOICES,
        ),
        Score(
            "fried_eligible",
            "Eligible (age 60–80, Fried 1–4)",
            "符合入选（60–80岁，Fried 1–4）",
            0,
            1,
            None,
            "age 60–80 and Fried score 1–4 (missing if undetermined)",
            SRC_ELIGIBILITY,
            decimals=0,
            choices=_YES_NO,
        ),
        Score(
            "fried_rules",
            "Fried rules used",
            "Fried 判定规则",
            None,
            None,
            None,
            "slowness rule, weakness table and BMI reading, unable handling",
            "physical.md §7",
            is_text=True,
        ),
    ),
    scorer=score_fried,
    source=SRC_FRIED,
    requires=("participant", "walk4m", "grip"),
    rules=(
        _category_rule(PRE_FRAIL),
        _category_rule(FRAIL),
        Rule(
            "fried.score_not_eligible",
            "fried_score",
            Level.WARNING,
            lambda w, s: (
                (values_of(w, "fried_score") < ELIGIBLE_SCORE[0])
                | (values_of(w, "fried_score") > ELIGIBLE_SCORE[1])
            ),
            "fried_score: {value} is outside the trial's eligibility range ({limit}; {source})",
            "Fried 评分：{value}，超出本试验入选范围（{limit}；{source}）",
            limit=f"{ELIGIBLE_SCORE[0]}–{ELIGIBLE_SCORE[1]}",
            source=SRC_ELIGIBILITY,
            first_visit_only=True,  # eligibility is judged at screening, not at follow-up
        ),
    ),
)
