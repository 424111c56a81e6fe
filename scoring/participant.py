"""Participant attributes that scoring needs: sex, age, height, weight → BMI.

DESIGN.md "Data model": a participant carries only a pseudonymous code and what scoring needs.
``sex`` is a coded choice (1 = male, 2 = female) so SPSS/Stata get value labels; a CSV may also
give "M"/"F" (or 男/女), accepted as aliases of the codes. ``age`` has the model trial's eligibility
range (60–80, NCT04314011) as its soft range. BMI = weight (kg) / height (m)² (WHO).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.columns import float_frame, values_of
from scoring.model import (
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

MALE = 1
FEMALE = 2
ELIGIBLE_AGE = Range(60, 80, source="model trial eligibility, aged 60–80 (NCT04314011)")
BMI_PLAUSIBLE = Range(
    15, 40, source="project proposal: outside 15–40 suggests a height/weight typo"
)
_ATTRIBUTE_MISSING = frozenset({MissingCode.UNKNOWN, MissingCode.REFUSED, MissingCode.NOT_DONE})

ITEMS: tuple[Item, ...] = (
    Item(
        "sex",
        "Sex",
        "性别",
        ItemType.CODED,
        choices=(
            Choice(MALE, "male", "男", aliases=("M", "male", "男")),
            Choice(FEMALE, "female", "女", aliases=("F", "female", "女")),
        ),
        missing=frozenset({MissingCode.UNKNOWN}),
        section="participant",
        section_zh="受试者",
    ),
    Item(
        "age",
        "Age",
        "年龄",
        ItemType.INTEGER,
        unit="years",
        hard=Range(0, 120, source="human age range"),
        soft=ELIGIBLE_AGE,
        missing=_ATTRIBUTE_MISSING,
        section="participant",
        section_zh="受试者",
    ),
    Item(
        "height_cm",
        "Height",
        "身高",
        ItemType.DECIMAL,
        unit="cm",
        decimals=1,
        hard=Range(50, 250, source="adult height range; 1.65 (metres) is refused"),
        soft=Range(130, 195, source="project proposal, adults aged 60–80"),
        missing=frozenset(MissingCode),
        section="participant",
        section_zh="受试者",
    ),
    Item(
        "weight_kg",
        "Weight",
        "体重",
        ItemType.DECIMAL,
        unit="kg",
        decimals=1,
        hard=Range(15, 300, source="adult weight range"),
        soft=Range(30, 120, source="project proposal, adults aged 60–80; 斤 = 0.5 kg"),
        missing=frozenset(MissingCode),
        section="participant",
        section_zh="受试者",
    ),
)

SCORES: tuple[Score, ...] = (
    Score(
        "bmi",
        "Body-mass index",
        "体重指数",
        None,
        None,
        None,
        "weight (kg) / height (m)²",
        "WHO, Physical status (TRS 854), 1995",
        unit="kg/m²",
        decimals=1,
    ),
)


def score_participant(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """BMI from height and weight (NaN when either is absent)."""
    h = values_of(values, "height_cm") / 100.0
    w = values_of(values, "weight_kg")
    with np.errstate(invalid="ignore", divide="ignore"):
        bmi = w / (h * h)
    return float_frame((bmi,), _SCORE_COLUMNS, values.index)


_SCORE_COLUMNS = pd.Index([s.name for s in SCORES])


def _bmi_implausible(work: pd.DataFrame, settings: ScoringSettings) -> pd.Series:
    bmi = values_of(work, "bmi")
    return (bmi < BMI_PLAUSIBLE.low) | (bmi > BMI_PLAUSIBLE.high)  # NaN compares False


INSTRUMENT = Instrument(
    key="participant",
    en="Participant attributes",
    zh="受试者基本信息",
    short_en="Participant",
    short_zh="基本信息",
    version="participant/1",
    items=ITEMS,
    scores=SCORES,
    scorer=score_participant,
    source="WHO TRS 854 (BMI); NCT04314011 (eligibility)",
    rules=(
        Rule(
            "participant.bmi_implausible",
            "bmi",
            Level.WARNING,
            _bmi_implausible,
            "bmi: {value} kg/m² is implausible (expected {limit}; {source}); check height and "
            "weight",
            "体重指数：{value} kg/m² 不太可能（预期 {limit}；{source}）；请核对身高和体重",
            limit=f"{BMI_PLAUSIBLE.low:g}–{BMI_PLAUSIBLE.high:g}",  # one text for both languages
            source=BMI_PLAUSIBLE.source,
        ),
    ),
)
