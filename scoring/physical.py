"""Physical tests: timed up-and-go, 4-metre walk, grip strength, five-times sit-to-stand.

Every trial is stored raw; the recorded value (best / mean / first) is a protocol setting
(``ScoringSettings``), never typed in (physical.md §0). Recorded times are rounded to 0.01 s
(half up) before any band or cut-off is applied (physical.md §0), so a rule written ``t <= 4.81``
and one written ``t < 4.82`` agree. "Unable" and other reasons are missing-data codes, never 0 s
or 0 kg.

Five-times sit-to-stand (FTSST): "> 60 s" is not a time but the status "not completed in 60 s"
(NIA SPPB; physical.md §1, §5). It is entered as the missing-data code ``UN`` (unable); a number
above 60 is refused with an error that says so. SPPB scores ``UN`` as 0 chair points.

Limits and cut-offs (physical.md §1–§5): hard = impossible (error), soft = implausible for adults
aged 60–80 (warning), clinical = AWGS 2019 (default) or EWGSOP2, chosen by
``ScoringSettings.reference_set``, plus the CDC STEADI TUG fall-risk cut-off.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pandas as pd

from scoring.columns import float_frame, status_is, values_of
from scoring.model import (
    PERFORMANCE_MISSING,
    SETTING_CHOICES,
    ChangeRule,
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
from scoring.participant import FEMALE, MALE

REFERENCE_SETS = SETTING_CHOICES["reference_set"]
AWGS, EWGSOP2 = REFERENCE_SETS  # "AWGS2019", "EWGSOP2"
SRC_AWGS = "AWGS 2019, Chen, JAMDA 2020;21:300"
SRC_EWGSOP2 = "EWGSOP2, Cruz-Jentoft, Age Ageing 2019;48:16"
SRC_STEADI = "CDC STEADI"
SRC_PROJ = "project proposal, physical.md §1"

WALK_DISTANCE_M = 4.0
GRIP_FULL_SCALE_KG = 90.0  # Jamar hydraulic / Jamar Smart read 0–90 kg

_UNABLE = MissingCode.UNABLE.value


# --------------------------------------------------------------------------------------------
# Shared helpers (also used by sppb.py and fried.py)


def centiseconds(t: pd.Series | np.ndarray) -> np.ndarray:
    """Times as whole hundredths of a second, rounded half up (NaN stays NaN).

    The small epsilon keeps a typed 4.815 (stored as 4.81499999…) rounding to 4.82.
    """
    a = np.asarray(t, dtype="float64")
    with np.errstate(invalid="ignore", over="ignore"):
        return np.floor(a * 100.0 + 0.5 + 1e-7)


def round_time(t: pd.Series | np.ndarray) -> np.ndarray:
    """Round to 0.01 s (half up) before banding (physical.md §0)."""
    return centiseconds(t) / 100.0


def status_any(status: pd.DataFrame, names: tuple[str, ...], code: str = _UNABLE) -> np.ndarray:
    """True where any of the named items carries the missing-data ``code``."""
    out = np.zeros(len(status.index), dtype=bool)
    for n in names:
        out |= status_is(status, n, code)
    return out


def recorded_value(trials: np.ndarray, how: str, best: str) -> np.ndarray:
    """The recorded value of ``trials`` (rows × trials, NaN = absent) per protocol setting.

    ``best``: fastest time (``best="min"``) or highest grip (``best="max"``); ``mean``: mean of the
    available trials; ``first``: the first available trial. NaN when no trial is available.
    """
    t = np.asarray(trials, dtype="float64")
    have = ~np.isnan(t)
    anyv = have.any(axis=1)
    out = np.full(t.shape[0], np.nan)
    if not anyv.any():
        return out
    with np.errstate(invalid="ignore"):
        if how in ("best", "max", "min"):
            fill = np.inf if best == "min" else -np.inf
            filled = np.where(have, t, fill)
            out = filled.min(axis=1) if best == "min" else filled.max(axis=1)
        elif how == "mean":
            out = np.where(have, t, 0.0).sum(axis=1) / np.maximum(have.sum(axis=1), 1)
        elif how == "first":
            first = np.argmax(have, axis=1)
            out = t[np.arange(t.shape[0]), first]
        else:
            raise ValueError(f"unknown recorded-value setting {how!r} (best, max, mean or first)")
    return np.where(anyv, out, np.nan)


def _fmt(x: float, decimals: int) -> str:
    return "" if np.isnan(x) else f"{x:.{decimals}f}"


def _trial_detail(names: tuple[str, ...], unit: str, decimals: int) -> Callable:
    def detail(work: pd.DataFrame, settings: ScoringSettings) -> pd.Series:
        cols = [values_of(work, n) for n in names]
        texts = [
            ", ".join(_fmt(v, decimals) for v in row if not np.isnan(v))
            for row in zip(*cols, strict=True)
        ]
        return pd.Series([f"{t} {unit}" for t in texts], index=work.index)

    return detail


def _trials(work: pd.DataFrame, names: tuple[str, ...]) -> np.ndarray:
    return np.column_stack([values_of(work, n) for n in names])


def _spread(work: pd.DataFrame, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(max − min, min) over the available trials; NaN unless at least two are available."""
    t = _trials(work, names)
    n = (~np.isnan(t)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        hi = np.where(np.isnan(t), -np.inf, t).max(axis=1)
        lo = np.where(np.isnan(t), np.inf, t).min(axis=1)
        rng = np.where(n >= 2, hi - lo, np.nan)
    return rng, np.where(n >= 2, lo, np.nan)


def _tol_lt(v: np.ndarray, limit: float) -> np.ndarray:
    """``v < limit`` that a mean of trials such as 27.999999999 kg does not cross by float error."""
    return v < limit - 1e-9


def _active(settings: ScoringSettings, ref: str) -> bool:
    if settings.reference_set not in REFERENCE_SETS:
        raise ValueError(
            f"unknown reference_set {settings.reference_set!r} (one of {', '.join(REFERENCE_SETS)})"
        )
    return settings.reference_set == ref


def _sex_is(work: pd.DataFrame, sex: int) -> np.ndarray:
    return values_of(work, "sex") == sex


SECTION_ZH = {"TUG": "起立-行走计时", "4 m walk": "4 米步行", "chair stands": "五次起坐"}


def _time_item(name: str, en: str, zh: str, hard: Range, soft: Range, section: str) -> Item:
    return Item(
        name,
        en,
        zh,
        ItemType.DECIMAL,
        unit="s",
        decimals=2,
        hard=hard,
        soft=soft,
        missing=PERFORMANCE_MISSING,
        section=section,
        section_zh=SECTION_ZH.get(section, ""),
    )


# --------------------------------------------------------------------------------------------
# Timed up-and-go (Podsiadlo & Richardson 1991; CDC STEADI)

TUG_TRIALS = ("tug_1_s", "tug_2_s")
TUG_HARD = Range(3.0, 300, source="faster than 3 s is impossible; 300 s entry cap, physical.md §1")
TUG_SOFT = Range(5.0, 30, source=SRC_PROJ)
TUG_FALL_RISK_S = 12.0  # CDC STEADI: ≥ 12 s at risk of falling
TUG_EWGSOP2_S = 20.0  # EWGSOP2: ≥ 20 s low physical performance
TUG_TRIAL_DISAGREE = 0.30  # slower trial more than 30 % above the faster one [proj]

_TUG_COLUMNS = pd.Index(["tug_s"])  # the scorer's output columns, made once
TUG_ITEMS = tuple(
    _time_item(n, f"TUG trial {i}", f"起立-行走计时 第{i}次", TUG_HARD, TUG_SOFT, "TUG")
    for i, n in enumerate(TUG_TRIALS, 1)
)


def score_tug(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """``tug_s``: the recorded trial (``tug_recorded``: best = fastest, mean, first), 0.01 s."""
    t = recorded_value(_trials(values, TUG_TRIALS), settings.tug_recorded, "min")
    return float_frame((round_time(t),), _TUG_COLUMNS, values.index)


def _tug_disagree(work: pd.DataFrame, settings: ScoringSettings) -> np.ndarray:
    rng, lo = _spread(work, TUG_TRIALS)
    with np.errstate(invalid="ignore"):
        return rng > TUG_TRIAL_DISAGREE * lo + 1e-9


TUG = Instrument(
    key="tug",
    en="Timed up-and-go",
    zh="起立-行走计时测试",
    short_en="TUG",
    short_zh="起立-行走",
    version="tug/1",
    items=TUG_ITEMS,
    scores=(
        Score(
            "tug_s",
            "TUG time",
            "起立-行走时间",
            0,
            None,
            False,
            "recorded trial per protocol setting (best = fastest), rounded to 0.01 s",
            "Podsiadlo & Richardson, J Am Geriatr Soc 1991;39:142",
            unit="s",
            decimals=2,
        ),
    ),
    scorer=score_tug,
    source="Podsiadlo & Richardson, J Am Geriatr Soc 1991;39:142; CDC STEADI",
    rules=(
        Rule(
            "tug.trials_disagree",
            "tug_s",
            Level.WARNING,
            _tug_disagree,
            "tug_s: trials {detail} differ by more than {limit} of the faster trial ({source}); "
            "confirm or correct",
            "起立-行走计时：两次试验 {detail} 相差超过较快一次的 {limit}（{source}）；请确认或更正",
            limit=f"{TUG_TRIAL_DISAGREE * 100:g} %",
            source=SRC_PROJ,
            detail=_trial_detail(TUG_TRIALS, "s", 2),
        ),
        Rule(
            "steadi.tug_fall_risk",
            "tug_s",
            Level.CLINICAL,
            lambda w, s: values_of(w, "tug_s") >= TUG_FALL_RISK_S,
            "tug_s: {value} s is at or above the fall-risk cut-off ({limit}; {source})",
            "起立-行走计时：{value} 秒，达到跌倒风险切点（{limit}；{source}）",
            limit=f"≥ {TUG_FALL_RISK_S:g} s",
            source=SRC_STEADI,
        ),
        Rule(
            "ewgsop2.tug_low_performance",
            "tug_s",
            Level.CLINICAL,
            lambda w, s: _active(s, EWGSOP2) & (values_of(w, "tug_s") >= TUG_EWGSOP2_S),
            "tug_s: {value} s is low physical performance ({limit}; {source})",
            "起立-行走计时：{value} 秒，躯体功能低下（{limit}；{source}）",
            limit=f"≥ {TUG_EWGSOP2_S:g} s",
            source=SRC_EWGSOP2,
        ),
    ),
    change_rules=(ChangeRule("tug_s", relative=0.50, source=SRC_PROJ + ", TUG ±50 %"),),
)


# --------------------------------------------------------------------------------------------
# Four-metre walk at usual pace (NIA SPPB gait test)

WALK_TRIALS = ("walk4m_1_s", "walk4m_2_s")
WALK_HARD = Range(
    1.0,
    120,
    source="under 1 s is ≥ 4 m/s, faster than elite race-walking (about 4.35 m/s); "
    "120 s entry cap, physical.md §1",
)
WALK_SOFT = Range(2.0, 20, source=SRC_PROJ + " (> 2 m/s or < 0.2 m/s)")
WALK_DISAGREE_REL = 0.25
WALK_DISAGREE_ABS_S = 1.5
GAIT_AWGS_LT = Fraction(1)  # AWGS 2019: < 1.0 m/s low physical performance
GAIT_EWGSOP2_LE = Fraction(4, 5)  # EWGSOP2: ≤ 0.8 m/s low physical performance

_WALK_COLUMNS = pd.Index(["walk4m_s", "gait_speed_ms"])
WALK_ITEMS = tuple(
    _time_item(n, f"4 m walk trial {i}", f"4米步行 第{i}次", WALK_HARD, WALK_SOFT, "4 m walk")
    for i, n in enumerate(WALK_TRIALS, 1)
)


def score_walk(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """``walk4m_s`` (recorded trial, 0.01 s) and ``gait_speed_ms`` = 4 / ``walk4m_s``."""
    t = round_time(recorded_value(_trials(values, WALK_TRIALS), settings.walk_recorded, "min"))
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = WALK_DISTANCE_M / t
    return float_frame((t, speed), _WALK_COLUMNS, values.index)


def _walk_disagree(work: pd.DataFrame, settings: ScoringSettings) -> np.ndarray:
    rng, lo = _spread(work, WALK_TRIALS)
    with np.errstate(invalid="ignore"):
        return (rng > WALK_DISAGREE_REL * lo + 1e-9) | (rng > WALK_DISAGREE_ABS_S + 1e-9)


def speed_below(work: pd.DataFrame, limit: Fraction, strict: bool) -> np.ndarray:
    """Gait speed 4 / t compared with ``limit`` in exact arithmetic on the time in 0.01 s."""
    cs = centiseconds(values_of(work, "walk4m_s"))
    lhs = 400 * limit.denominator  # speed = 400 / cs  →  400·den ⋚ num·cs
    rhs = limit.numerator * cs
    with np.errstate(invalid="ignore"):
        out = (lhs < rhs) if strict else (lhs <= rhs)
    return out & ~np.isnan(cs)


WALK = Instrument(
    key="walk4m",
    en="4-metre walk (usual pace)",
    zh="4米步行测试（常速）",
    short_en="4 m walk",
    short_zh="4米步行",
    version="walk4m/1",
    items=WALK_ITEMS,
    scores=(
        Score(
            "walk4m_s",
            "4 m walk time",
            "4米步行时间",
            0,
            None,
            False,
            "recorded trial per protocol setting (SPPB: the faster of two), rounded to 0.01 s",
            "Guralnik et al., J Gerontol 1994;49:M85",
            unit="s",
            decimals=2,
        ),
        Score(
            "gait_speed_ms",
            "Gait speed",
            "步速",
            0,
            None,
            True,
            "4 m / walk4m_s",
            "Guralnik et al., J Gerontol 1994;49:M85",
            unit="m/s",
            decimals=2,
        ),
    ),
    scorer=score_walk,
    source="NIA SPPB protocol; Guralnik et al., J Gerontol 1994;49:M85",
    rules=(
        Rule(
            "walk.trials_disagree",
            "walk4m_s",
            Level.WARNING,
            _walk_disagree,
            f"walk4m_s: trials {{detail}} differ by more than {WALK_DISAGREE_REL * 100:g} % of the "
            f"faster trial or {WALK_DISAGREE_ABS_S:g} s ({{source}}); confirm or correct",
            f"4米步行：两次试验 {{detail}} 相差超过较快一次的 {WALK_DISAGREE_REL * 100:g} % 或 "
            f"{WALK_DISAGREE_ABS_S:g} 秒（{{source}}）；请确认或更正",
            source=SRC_PROJ,
            detail=_trial_detail(WALK_TRIALS, "s", 2),
        ),
        Rule(
            "awgs2019.gait_speed_low",
            "gait_speed_ms",
            Level.CLINICAL,
            lambda w, s: _active(s, AWGS) & speed_below(w, GAIT_AWGS_LT, strict=True),
            "gait_speed_ms: {value} m/s is low physical performance ({limit}; {source}; defined "
            "on a 6 m walk, approximate on 4 m)",
            "步速：{value} 米/秒，躯体功能低下（{limit}；{source}；原定义为6米步行，4米为近似）",
            limit="< 1.0 m/s",
            source=SRC_AWGS,
        ),
        Rule(
            "ewgsop2.gait_speed_low",
            "gait_speed_ms",
            Level.CLINICAL,
            lambda w, s: _active(s, EWGSOP2) & speed_below(w, GAIT_EWGSOP2_LE, strict=False),
            "gait_speed_ms: {value} m/s is low physical performance ({limit}; {source})",
            "步速：{value} 米/秒，躯体功能低下（{limit}；{source}）",
            limit="≤ 0.8 m/s",
            source=SRC_EWGSOP2,
        ),
    ),
    change_rules=(
        ChangeRule("gait_speed_ms", relative=0.50, source=SRC_PROJ + ", gait speed ±50 %"),
    ),
)


# --------------------------------------------------------------------------------------------
# Grip strength, dominant hand (Jamar)

GRIP_TRIALS = ("grip_1_kg", "grip_2_kg", "grip_3_kg")
GRIP_HARD = Range(
    0,
    GRIP_FULL_SCALE_KG,
    low_inclusive=False,
    source="Jamar full scale 90 kg; 0 kg only as status UN (unable), physical.md §1",
)
GRIP_SOFT = {
    MALE: Range(10, 55, source=SRC_PROJ + ", men"),
    FEMALE: Range(5, 35, source=SRC_PROJ + ", women"),
    None: Range(5, 55, source=SRC_PROJ + ", sex not known"),
}
GRIP_DISAGREE_KG = 10.0
GRIP_LOW = {  # low muscle strength: grip < cut-off (kg)
    AWGS: {MALE: 28.0, FEMALE: 18.0},
    EWGSOP2: {MALE: 27.0, FEMALE: 16.0},
}
_SEX_EN = {MALE: "men", FEMALE: "women", None: "sex not known"}
_SEX_ZH = {MALE: "男性", FEMALE: "女性", None: "性别不详"}

_GRIP_COLUMNS = pd.Index(["grip_kg"])
GRIP_ITEMS = tuple(
    Item(
        n,
        f"Grip trial {i} (dominant hand)",
        f"握力 第{i}次（优势手）",
        ItemType.DECIMAL,
        unit="kg",
        decimals=1,
        hard=GRIP_HARD,
        missing=PERFORMANCE_MISSING,
        section="grip",
        section_zh="握力",
    )
    for i, n in enumerate(GRIP_TRIALS, 1)
)


def score_grip(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """``grip_kg``: the recorded trial (``grip_recorded``: max, mean, first)."""
    how = "best" if settings.grip_recorded == "max" else settings.grip_recorded
    g = recorded_value(_trials(values, GRIP_TRIALS), how, "max")
    return float_frame((g,), _GRIP_COLUMNS, values.index)


def _grip_soft_rule(trial: str, sex: int | None) -> Rule:
    rng = GRIP_SOFT[sex]

    def test(work: pd.DataFrame, settings: ScoringSettings) -> np.ndarray:
        sx = values_of(work, "sex")
        who = ~np.isin(sx, (MALE, FEMALE)) if sex is None else sx == sex  # NaN: not known
        v = values_of(work, trial)
        return who & ((v < rng.low) | (v > rng.high))  # NaN compares False

    return Rule(
        f"grip.soft_{_SEX_EN[sex].replace(' ', '_')}",
        trial,
        Level.WARNING,
        test,
        f"{trial}: {{value}} kg is implausible for {_SEX_EN[sex]} (expected {{limit}}; "
        "{source}); confirm with a reason or correct it (lb instead of kg?)",
        f"{trial}：{{value}} kg 对{_SEX_ZH[sex]}不太可能（预期 {{limit}}；{{source}}）；"
        "请注明理由确认或更正（是否误用磅？）",
        limit=f"{rng.low:g}–{rng.high:g} kg",
        source=rng.source,
    )


def _grip_disagree(work: pd.DataFrame, settings: ScoringSettings) -> np.ndarray:
    rng, _ = _spread(work, GRIP_TRIALS)
    with np.errstate(invalid="ignore"):
        return rng > GRIP_DISAGREE_KG + 1e-9


def _grip_low_rule(ref: str, sex: int) -> Rule:
    cut = GRIP_LOW[ref][sex]
    src = SRC_AWGS if ref == AWGS else SRC_EWGSOP2
    return Rule(
        f"{ref.lower()}.grip_low_{_SEX_EN[sex]}",
        "grip_kg",
        Level.CLINICAL,
        lambda w, s: _active(s, ref) & _sex_is(w, sex) & _tol_lt(values_of(w, "grip_kg"), cut),
        f"grip_kg: {{value}} kg is low muscle strength for {_SEX_EN[sex]} ({{limit}}; {{source}})",
        f"握力：{{value}} kg，{_SEX_ZH[sex]}肌力低下（{{limit}}；{{source}}）",
        limit=f"< {cut:g} kg",
        source=src,
    )


GRIP = Instrument(
    key="grip",
    en="Grip strength",
    zh="握力",
    short_en="Grip",
    short_zh="握力",
    version="grip/1",
    items=GRIP_ITEMS,
    scores=(
        Score(
            "grip_kg",
            "Grip strength",
            "握力",
            0,
            GRIP_FULL_SCALE_KG,
            True,
            "recorded trial per protocol setting (default: maximum)",
            "Chen et al. (AWGS 2019), JAMDA 2020;21:300; Roberts, Age Ageing 2011;40:423",
            unit="kg",
            decimals=1,
        ),
    ),
    scorer=score_grip,
    source="AWGS 2019 (Chen, JAMDA 2020;21:300); Southampton protocol (Roberts 2011)",
    requires=("participant",),
    rules=(
        *(_grip_soft_rule(t, sx) for t in GRIP_TRIALS for sx in (MALE, FEMALE, None)),
        Rule(
            "grip.trials_disagree",
            "grip_kg",
            Level.WARNING,
            _grip_disagree,
            "grip_kg: trials {detail} are more than {limit} apart ({source}); confirm or correct",
            "握力：各次试验 {detail} 相差超过 {limit}（{source}）；请确认或更正",
            limit=f"{GRIP_DISAGREE_KG:g} kg",
            source=SRC_PROJ,
            detail=_trial_detail(GRIP_TRIALS, "kg", 1),
        ),
        *(_grip_low_rule(ref, sx) for ref in REFERENCE_SETS for sx in (MALE, FEMALE)),
    ),
    change_rules=(ChangeRule("grip_kg", relative=0.40, source=SRC_PROJ + ", grip ±40 %"),),
)


# --------------------------------------------------------------------------------------------
# Five-times sit-to-stand

FTSST_TRIALS = ("ftsst_1_s",)
FTSST_MAX_S = 60.0
FTSST_HARD = Range(
    3.0,
    FTSST_MAX_S,
    source="under 3 s is impossible; over 60 s is not a time: enter UN (not completed in 60 s), "
    "NIA SPPB",
)
FTSST_SOFT = Range(5.0, 30, source=SRC_PROJ)
CHAIR_AWGS_GE = 12.0  # AWGS 2019: ≥ 12 s low physical performance
CHAIR_EWGSOP2_GT = 15.0  # EWGSOP2: > 15 s low strength

_FTSST_COLUMNS = pd.Index(["ftsst_s"])
FTSST_ITEMS = (
    _time_item(
        "ftsst_1_s",
        "Five-times sit-to-stand",
        "五次坐立",
        FTSST_HARD,
        FTSST_SOFT,
        "chair stands",
    ),
)


def score_ftsst(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """``ftsst_s``: the single timed trial (SPPB uses one), rounded to 0.01 s."""
    return float_frame((round_time(values_of(values, "ftsst_1_s")),), _FTSST_COLUMNS, values.index)


FTSST = Instrument(
    key="ftsst",
    en="Five-times sit-to-stand",
    zh="五次坐立测试",
    short_en="Sit-to-stand",
    short_zh="五次坐立",
    version="ftsst/1",
    items=FTSST_ITEMS,
    scores=(
        Score(
            "ftsst_s",
            "Five-times sit-to-stand time",
            "五次坐立时间",
            0,
            FTSST_MAX_S,
            False,
            "the timed trial, rounded to 0.01 s; over 60 s is the status UN",
            "Guralnik et al., J Gerontol 1994;49:M85",
            unit="s",
            decimals=2,
        ),
    ),
    scorer=score_ftsst,
    source="NIA SPPB protocol; Guralnik et al., J Gerontol 1994;49:M85",
    rules=(
        Rule(
            "awgs2019.chair_stand_slow",
            "ftsst_s",
            Level.CLINICAL,
            lambda w, s: _active(s, AWGS) & (values_of(w, "ftsst_s") >= CHAIR_AWGS_GE),
            "ftsst_s: {value} s is low physical performance ({limit}; {source})",
            "五次坐立：{value} 秒，躯体功能低下（{limit}；{source}）",
            limit=f"≥ {CHAIR_AWGS_GE:g} s",
            source=SRC_AWGS,
        ),
        Rule(
            "ewgsop2.chair_stand_slow",
            "ftsst_s",
            Level.CLINICAL,
            lambda w, s: _active(s, EWGSOP2) & (values_of(w, "ftsst_s") > CHAIR_EWGSOP2_GT),
            "ftsst_s: {value} s is low muscle strength ({limit}; {source})",
            "五次坐立：{value} 秒，肌力低下（{limit}；{source}）",
            limit=f"> {CHAIR_EWGSOP2_GT:g} s",
            source=SRC_EWGSOP2,
        ),
    ),
)

INSTRUMENTS: tuple[Instrument, ...] = (TUG, WALK, GRIP, FTSST)
