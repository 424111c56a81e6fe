"""The codebook: one row per exported column, every fact derived from the scoring declarations.

DESIGN.md "One definition per instrument": labels, types, units, ranges, value labels, missing-data
codes, derivations and sources are read from ``scoring.model`` objects (``Item``, ``Score``,
``Instrument``, ``MissingCode``) carried by the export's ``Column``s — never re-typed here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reports.export_frame import Column
from scoring.model import Choice, ItemType, MissingCode, Range, unit_label
from scoring.registry import find_item

CODEBOOK_COLUMNS = (
    "variable",
    "label_en",
    "label_zh",
    "visit",
    "type",
    "unit",
    "allowed_values",
    "plausible_values",
    "value_labels",
    "missing_codes",
    "derivation",
    "source",
    "instrument",
    "scoring_version",
)

_FIXED_DERIVATION = {
    "age": "completed years from birth_date to visit_date (store)",
    "visit_target_date": "day1_date + the visit's protocol offset (store protocol)",
    "visit_window_start": "target date − the protocol's window before (store protocol)",
    "visit_window_end": "target date + the protocol's window after (store protocol)",
    "visit_days_from_target": "visit_date − visit_target_date, in days",
    "visit_out_of_window": "1 when visit_date lies outside the protocol window (store)",
}

CLOCK_NOTE = (
    "clock time: minutes after midnight (0–1439) in SPSS/Stata; CSV writes HH:MM, "
    "xlsx an Excel time shown as hh:mm"
)


def value_labels_text(choices: Sequence[Choice]) -> str:
    return "; ".join(f"{c.code} = {c.en} / {c.zh}" for c in choices)


def missing_codes_text(codes: Sequence[MissingCode], numeric: bool) -> str:
    ordered = [c for c in MissingCode if c in set(codes)]
    if numeric:
        return "; ".join(
            f"{c.value} = {c.label_en} / {c.label_zh} "
            f"(SPSS {c.numeric_code}, Stata .{c.stata_letter})"
            for c in ordered
        )
    return "; ".join(f"{c.value} = {c.label_en} / {c.label_zh}" for c in ordered)


def column_missing_codes(col: Column) -> tuple[MissingCode, ...]:
    """The missing-data codes a value (or its status column) can carry."""
    if col.item is not None:
        return tuple(c for c in MissingCode if c in col.item.missing)
    if col.score is not None and col.instrument is not None:
        allowed: set[MissingCode] = set()
        for it in col.instrument.items:
            allowed |= set(it.missing)
        return tuple(c for c in MissingCode if c in allowed)
    return ()


def declared_decimals(col: Column) -> int | None:
    """Decimals a numeric column is shown with, from its declaration: 0 for coded, integer and
    clock values; ``Item.decimals`` / ``Score.decimals`` for decimals (scores keep their unrounded
    value: this is the precision shown, never a rounding); None when nothing is declared."""
    if col.vtype in ("coded", "integer", "clock"):
        return 0
    if col.vtype != "decimal":
        return None
    if col.item is not None:
        return col.item.decimals
    if col.score is not None:
        return col.score.decimals
    try:  # a structural column declared as an item elsewhere (height_cm, weight_kg)
        return find_item(col.variable)[1].decimals
    except KeyError:
        return None


def declared_range(col: Column) -> tuple[float | None, float | None]:
    """The declared (low, high) of a numeric column's values: codes, hard limits, score range."""
    if col.item is not None:
        it = col.item
        if it.type is ItemType.CODED and it.choices:
            return float(min(it.codes)), float(max(it.codes))
        if it.type is ItemType.CLOCK:
            return 0.0, 1439.0
        hard: Range | None = it.hard
        return (hard.low, hard.high) if hard is not None else (None, None)
    if col.score is not None:
        sc = col.score
        if sc.choices:
            return float(min(c.code for c in sc.choices)), float(max(c.code for c in sc.choices))
        return sc.low, sc.high
    return None, None


def column_choices(col: Column) -> tuple[Choice, ...]:
    if col.kind == "status":
        return ()
    if col.item is not None and col.item.type is ItemType.CODED:
        return col.item.choices
    if col.score is not None:
        return col.score.choices
    return ()


def codebook_row(col: Column) -> dict[str, str]:
    inst = col.instrument
    allowed = plausible = derivation = source = ""
    codes = column_missing_codes(col)
    if col.kind == "status":
        allowed = ", ".join(c.value for c in codes)
        what = "item" if col.score is None else "score"
        derivation = f"missing-data code of {what} {col.variable}"
        if col.score is not None:
            derivation += (
                f" (when it cannot be computed: the code carried by most {inst.key} items)"
                if inst
                else ""
            )
        missing = missing_codes_text(codes, numeric=False)
        label_en, label_zh = col.label_en, col.label_zh
    else:
        label_en, label_zh = col.label_en, col.label_zh
        missing = missing_codes_text(codes, numeric=col.is_numeric) if codes else ""
        if col.item is not None:
            it = col.item
            if it.type is ItemType.CODED:
                allowed = ", ".join(str(c) for c in it.codes)
            elif it.type is ItemType.CLOCK:
                allowed = "00:00–23:59"
            elif it.hard is not None:
                allowed = it.hard.describe()
            if it.soft is not None:
                plausible = it.soft.describe()
            derivation = "raw value as entered" + (
                f"; {CLOCK_NOTE}" if it.type is ItemType.CLOCK else ""
            )
            sources = [r.source for r in (it.hard, it.soft) if r is not None and r.source]
            source = "; ".join(dict.fromkeys(sources)) or (inst.source if inst else "")
        elif col.score is not None:
            sc = col.score
            if sc.choices:
                allowed = ", ".join(str(c.code) for c in sc.choices)
            elif sc.low is not None or sc.high is not None:
                lo = "" if sc.low is None else f"{sc.low:g}"
                hi = "" if sc.high is None else f"{sc.high:g}"
                allowed = f"{lo}–{hi}"
            direction = {True: "higher = better", False: "higher = worse", None: ""}[
                sc.higher_is_better
            ]
            derivation = "; ".join(
                p for p in (sc.rule, direction, "computed at export, unrounded") if p
            )
            source = sc.source or (inst.source if inst else "")
        else:
            derivation = _FIXED_DERIVATION.get(col.variable, "")
    return {
        "variable": col.name,
        "label_en": label_en,
        "label_zh": label_zh,
        "visit": col.visit or "",
        "type": col.vtype,
        "unit": col.unit,
        "allowed_values": allowed,
        "plausible_values": plausible,
        "value_labels": value_labels_text(column_choices(col)),
        "missing_codes": missing,
        "derivation": derivation,
        "source": source,
        "instrument": f"{inst.key}: {inst.en} / {inst.zh}" if inst else "",
        "scoring_version": inst.version if inst else "",
    }


def codebook_frame(columns: Sequence[Column]) -> pd.DataFrame:
    """The codebook of an export (one row per column, in column order)."""
    return pd.DataFrame([codebook_row(c) for c in columns], columns=list(CODEBOOK_COLUMNS))


def variable_label(col: Column, language: str = "both", limit: int | None = None) -> str:
    """A label for SPSS/Stata: English, Chinese or both, with the visit for wide columns."""
    en, zh = col.label_en, col.label_zh
    if col.unit:
        en, zh = f"{en} ({col.unit})", f"{zh}（{unit_label(col.unit, 'zh')}）"
    if col.vtype == "clock":
        en, zh = f"{en} (minutes after midnight)", f"{zh}（午夜后分钟数）"
    text = {"en": en, "zh": zh}.get(language, f"{en} | {zh}")
    if col.visit:
        text = f"[{col.visit}] {text}"
    if limit is not None:
        text = _truncate_bytes(text, limit)
    return text


def _truncate_bytes(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", errors="ignore")
