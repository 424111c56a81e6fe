"""Serum cytokines TNF-α, IFN-γ, IL-8, IL-17A (pg/mL), entered exactly as the laboratory reports.

A result is a number, or a censored result kept as reported with its limit: ``<2.3`` (below the
LLOQ 2.3), ``<LLOQ``, ``>ULOQ``, ``>500``; Luminex "OOR <" / "OOR >" are read as censored. A
censored result is never replaced by a number (ICH M10; physical.md §8): the item value keeps the
text, ``*_num`` is empty, ``*_censor`` says '<LLOQ' or '>ULOQ' and ``*_limit`` holds the reported
limit — the CDISC pattern LBORRES = LBSTRESC = "<2.3", LBSTRESN empty, LBLLOQ 2.3.

Soft limits (physical.md §8, project proposal): > 50 pg/mL for TNF-α, IFN-γ and IL-17A (about 10×
the upper reference); serum IL-8 > 125 pg/mL suggests more than 24 h before centrifugation
(Kofanova, Clin Chem Lab Med 2018). A '>' result already beyond the soft limit is flagged too.
"""

from __future__ import annotations

import pandas as pd

from scoring.engine import split_censored_arrays
from scoring.model import (
    QUESTIONNAIRE_MISSING,
    Instrument,
    Item,
    ItemType,
    Range,
    Score,
    ScoringSettings,
)

SRC_SOFT = "physical.md §8, project proposal: about 10× the upper reference value"
SRC_IL8 = (
    "physical.md §8: serum IL-8 > 125 pg/mL suggests > 24 h before centrifugation, Kofanova 2018"
)
_HARD = Range(0, None, source="a concentration cannot be negative")

ANALYTES: tuple[tuple[str, str, str, Range], ...] = (
    ("tnfa_pgml", "TNF-α", "肿瘤坏死因子-α（TNF-α）", Range(None, 50, source=SRC_SOFT)),
    ("ifng_pgml", "IFN-γ", "干扰素-γ（IFN-γ）", Range(None, 50, source=SRC_SOFT)),
    ("il8_pgml", "IL-8", "白细胞介素-8（IL-8）", Range(None, 125, source=SRC_IL8)),
    ("il17_pgml", "IL-17A", "白细胞介素-17A（IL-17A）", Range(None, 50, source=SRC_SOFT)),
)

ITEMS: tuple[Item, ...] = tuple(
    Item(
        name,
        f"Serum {en}",
        f"血清 {zh}",
        ItemType.CENSORED,
        unit="pg/mL",
        decimals=2,
        hard=_HARD,
        soft=soft,
        missing=QUESTIONNAIRE_MISSING,
        section="serum cytokines",
        section_zh="血清细胞因子",
    )
    for name, en, zh, soft in ANALYTES
)


def _scores(name: str, en: str, zh: str) -> tuple[Score, ...]:
    src = "ICH M10 (2022); CDISC SDTM LB (LBSTRESN, LBLLOQ)"
    return (
        Score(f"{name}_num", f"{en} (numeric)", f"{zh}（数值）", 0, None, None,
              "the reported number; empty when censored", src, unit="pg/mL", decimals=2),
        Score(f"{name}_censor", f"{en} censoring", f"{zh} 删失", None, None, None,
              "'' measured, '<LLOQ' below, '>ULOQ' above the quantification range", src,
              is_text=True),
        Score(f"{name}_limit", f"{en} reported limit", f"{zh} 报告限值", 0, None, None,
              "the limit reported with a censored result (e.g. 2.3 in '<2.3')", src,
              unit="pg/mL", decimals=2),
    )  # fmt: skip


SCORES: tuple[Score, ...] = tuple(s for n, en, zh, _ in ANALYTES for s in _scores(n, en, zh))


def score_cytokines(
    values: pd.DataFrame, status: pd.DataFrame, settings: ScoringSettings
) -> pd.DataFrame:
    """Split each result into number / censoring / limit; absent results stay empty."""
    parts = {}
    for name, *_ in ANALYTES:
        num, censor, limit = split_censored_arrays(values[name].to_numpy(dtype=object))
        parts[f"{name}_num"] = num
        parts[f"{name}_censor"] = censor
        parts[f"{name}_limit"] = limit
    return pd.DataFrame(parts, index=values.index)


INSTRUMENT = Instrument(
    key="cytokines",
    en="Serum cytokines",
    zh="血清细胞因子",
    short_en="Cytokines",
    short_zh="细胞因子",
    version="cytokines/1",
    items=ITEMS,
    scores=SCORES,
    scorer=score_cytokines,
    source="ICH M10 (2022) for results below the LLOQ; physical.md §8",
)
