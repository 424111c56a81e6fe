"""The export table: one row per participant × visit (long) or per participant (wide).

DESIGN.md ("Scores are derived, never stored"; "Missing data"): every raw item and every score is
exported, scores computed at export time by ``scoring.engine.evaluate`` (the batch path of the
``score`` command), each followed by a ``<var>_status`` column holding the missing-data code, so
numeric columns stay numeric (edc.md pain point 2). Every column is described by a ``Column`` whose
labels, type and limits come from the scoring declarations (codebook.py reads the same objects).

Input is the store's ``answers_frame`` long layout (store_api.md), plus optional visit schedule
rows (``visits``: participant, visit, target_date, window_start, window_end, out_of_window, …) and
participant rows (day 1). Text cells that begin with ``= + - @`` are neutralised with a leading
apostrophe (OWASP "CSV injection"), in every format, before the checksum is taken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.engine import Evaluation, evaluate
from scoring.model import Instrument, Item, ItemType, MissingCode, Score, ScoringSettings
from scoring.registry import INSTRUMENTS

STATUS_SUFFIX = "_status"
STORE_STATUS_SUFFIX = "__status"  # answers_frame's companion column (store_api.md)
FORMULA_PREFIXES = ("=", "+", "-", "@")
LAYOUTS = ("long", "wide")


@dataclass(frozen=True, slots=True)
class Column:
    """One exported column and where its meaning comes from."""

    name: str
    kind: str  # "key" | "participant" | "visit" | "item" | "score" | "status"
    vtype: str  # "text" | "censored" | "date" | "integer" | "decimal" | "coded" | "clock"
    variable: str  # the base variable (item/score/attribute name; for status: what it qualifies)
    label_en: str
    label_zh: str
    visit: str | None = None  # wide layout: the visit this column belongs to
    item: Item | None = None
    score: Score | None = None
    instrument: Instrument | None = None
    unit: str = ""
    per_participant: bool = False  # wide layout: one value per participant, not per visit

    @property
    def is_numeric(self) -> bool:
        return self.vtype in ("integer", "decimal", "coded", "clock")


# The export's own structural columns (not instrument facts: study, schedule and visit bookkeeping).
# name, kind, vtype, label_en, label_zh, unit
_FIXED: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("participant", "key", "text", "Participant study code", "受试者编号", ""),
    ("site", "participant", "text", "Site code", "中心编号", ""),
    ("sex", "participant", "text", "", "", ""),  # labels and unit: scoring/participant.py
    ("birth_date", "participant", "date", "Date of birth", "出生日期", ""),
    ("day1_date", "participant", "date", "Day 1 (first infusion)", "第1天（首次输注）", ""),
    ("height_cm", "visit", "decimal", "", "", ""),  # measured at a visit, else enrolment
    ("weight_kg", "visit", "decimal", "", "", ""),
    ("visit", "key", "text", "Visit code", "访视编号", ""),
    ("age", "visit", "integer", "", "", ""),  # completed years (store)
    ("visit_date", "visit", "date", "Visit date (actual)", "访视日期（实际）", ""),
    ("visit_status", "visit", "text", "Visit status", "访视状态", ""),
    ("visit_status_reason", "visit", "text", "Reason for visit status", "访视状态原因", ""),
    ("visit_target_date", "visit", "date", "Visit target date", "访视目标日期", ""),
    ("visit_window_start", "visit", "date", "Visit window start", "访视窗开始", ""),
    ("visit_window_end", "visit", "date", "Visit window end", "访视窗结束", ""),
    (
        "visit_days_from_target",
        "visit",
        "integer",
        "Visit date minus target date",
        "访视日期减目标日期",
        "days",
    ),
    ("visit_out_of_window", "visit", "integer", "Out of window (1 = yes)", "超窗（1=是）", ""),
    (
        "visit_out_of_window_reason",
        "visit",
        "text",
        "Reason for out-of-window visit",
        "超窗原因",
        "",
    ),
)
FIXED_COLUMNS: tuple[str, ...] = tuple(f[0] for f in _FIXED)
PARTICIPANT_COLUMNS: tuple[str, ...] = tuple(f[0] for f in _FIXED if f[1] != "visit")


@dataclass(slots=True)
class ExportInput:
    """What an export reads; ``from_store`` fills it through the store API."""

    answers: pd.DataFrame  # store.answers_frame layout
    visits: pd.DataFrame | None = None  # one row per participant × protocol visit
    participants: pd.DataFrame | None = None  # code, day1_date, …
    confirmations: pd.DataFrame | None = None  # participant, visit, item, rule, reason, by, at
    visit_order: tuple[str, ...] = ()  # protocol visit codes in order
    study: dict[str, str] = field(default_factory=dict)  # code, title_en, title_zh
    settings: ScoringSettings | None = None  # the study protocol's scoring settings


@dataclass(slots=True)
class ExportTable:
    """The built table, its column descriptions and everything derived on the way."""

    data: pd.DataFrame
    columns: list[Column]
    layout: str
    evaluation: Evaluation
    long_keys: pd.DataFrame  # participant, visit of each evaluated (long) row
    flags: pd.DataFrame  # flags with participant, visit, confirmation
    instruments: tuple[Instrument, ...]
    source: ExportInput
    settings: ScoringSettings
    long: pd.DataFrame  # the long table (same as ``data`` when layout == "long")
    visit_order: tuple[str, ...] = ()
    _checksum: str | None = None

    @property
    def checksum(self) -> str:
        if self._checksum is None:
            self._checksum = data_checksum(self.data, self.columns)
        return self._checksum


def from_store(store, session, site: str | None = None) -> ExportInput:
    """Gather an export's input through the store API (store_api.md), read-only."""
    answers = store.answers_frame(session, site=site)
    parts = store.participants(session, site=site)
    prow = [
        {"participant": p.code, "day1_date": getattr(p, "day1_date", None), "site": p.site}
        for p in parts
    ]
    vrows = []
    for p in parts:
        for v in store.visits(session, p.code):
            vrows.append(
                {
                    "participant": v.participant,
                    "visit": v.visit,
                    "label_en": v.label_en,
                    "label_zh": v.label_zh,
                    "target_date": v.target_date,
                    "window_start": v.window_start,
                    "window_end": v.window_end,
                    "actual_date": v.actual_date,
                    "status": v.status,
                    "status_reason": v.status_reason,
                    "out_of_window": v.out_of_window,
                    "out_of_window_reason": v.out_of_window_reason,
                }
            )
    conf = [
        {
            "participant": c.participant,
            "visit": c.visit,
            "item": c.item,
            "rule": c.rule,
            "reason": c.reason,
            "confirmed_by": c.confirmed_by,
            "confirmed_at": c.confirmed_at,
        }
        for c in store.confirmations(session)
    ]
    info = store.study(session)
    protocol = getattr(info, "protocol", None)
    order = tuple(protocol.visit_codes) if protocol is not None else ()
    codes = {p.code for p in parts}
    conf = [c for c in conf if c["participant"] in codes]
    return ExportInput(
        answers=answers,
        visits=pd.DataFrame(vrows) if vrows else None,
        participants=pd.DataFrame(prow) if prow else None,
        confirmations=pd.DataFrame(conf) if conf else None,
        visit_order=order,
        study={
            "code": getattr(info, "code", ""),
            "title_en": getattr(info, "title_en", ""),
            "title_zh": getattr(info, "title_zh", ""),
        },
        settings=getattr(protocol, "scoring_settings", None),
    )


# --------------------------------------------------------------------------------------------
# Columns


def _item_vtype(item: Item) -> str:
    return {
        ItemType.CODED: "coded",
        ItemType.INTEGER: "integer",
        ItemType.DECIMAL: "decimal",
        ItemType.CLOCK: "clock",
        ItemType.TEXT: "text",
        ItemType.CENSORED: "censored",  # the result as reported ("<2.3"): written as text
    }.get(item.type, "text")


def _score_vtype(score: Score) -> str:
    """Text, coded (declared choices), integer (declared with 0 decimals: sums and counts such as
    the PSQI global score) or decimal."""
    if score.is_text:
        return "text"
    if score.choices:
        return "coded"
    return "integer" if score.decimals == 0 else "decimal"


def variable_columns(instruments: Sequence[Instrument], taken: Sequence[str] = ()) -> list[Column]:
    """Per instrument (registry order): items then scores, each followed by its status column
    (names in ``taken`` are already placed among the fixed columns)."""
    cols: list[Column] = []
    seen: set[str] = set(taken)
    for inst in instruments:
        for item in inst.items:
            if item.name in seen:
                continue
            seen.add(item.name)
            cols.append(
                Column(
                    item.name,
                    "item",
                    _item_vtype(item),
                    item.name,
                    item.en,
                    item.zh,
                    item=item,
                    instrument=inst,
                    unit=item.unit,
                )
            )
            cols.append(_status_column(cols[-1]))
        for score in inst.scores:
            if score.name in seen:
                continue
            seen.add(score.name)
            cols.append(
                Column(
                    score.name,
                    "score",
                    _score_vtype(score),
                    score.name,
                    score.en,
                    score.zh,
                    score=score,
                    instrument=inst,
                    unit=score.unit,
                )
            )
            cols.append(_status_column(cols[-1]))
    names = [c.name for c in cols] + [n for n in FIXED_COLUMNS if n not in seen]
    names += [n + STATUS_SUFFIX for n in FIXED_COLUMNS if n in seen]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"export column name(s) declared twice: {', '.join(dup)}")
    return cols


def _status_column(of: Column) -> Column:
    return Column(
        of.name + STATUS_SUFFIX,
        "status",
        "text",
        of.name,
        f"Missing-data code for {of.name}",
        f"{of.name} 的缺失代码",
        item=of.item,
        score=of.score,
        instrument=of.instrument,
        per_participant=of.per_participant,
    )


def fixed_columns(instruments: Sequence[Instrument] = ()) -> list[Column]:
    """The structural columns; one that an instrument declares as an item (sex, age, height,
    weight in scoring/participant.py) takes the declaration's type and labels, plus a status."""
    declared: dict[str, tuple[Instrument, Item]] = {}
    for inst in instruments:
        for it in inst.items:
            declared.setdefault(it.name, (inst, it))
    registry = {it.name: it for inst in INSTRUMENTS for it in inst.items}
    out: list[Column] = []
    for n, k, t, en, zh, u in _FIXED:
        per_p = k != "visit" and n != "visit"
        if n in declared and k != "key":
            inst, it = declared[n]
            col = Column(
                n,
                "item",
                _item_vtype(it),
                n,
                it.en,
                it.zh,
                item=it,
                instrument=inst,
                unit=it.unit,
                per_participant=per_p,
            )
            out += [col, _status_column(col)]
        elif n in registry:  # not exported as an item: its labels still come from scoring/
            it = registry[n]
            out.append(Column(n, k, t, n, it.en, it.zh, unit=it.unit, per_participant=per_p))
        else:
            out.append(Column(n, k, t, n, en, zh, unit=u, per_participant=per_p))
    return out


# --------------------------------------------------------------------------------------------
# Building


def _engine_input(answers: pd.DataFrame, fixed: pd.DataFrame, instruments: Sequence[Instrument]):
    """Split answers_frame into the raw frame (items + participant/visit) and the status frame.
    An item named like a participant attribute (sex, age, height_cm, weight_kg) reads the
    attribute when no answer holds it."""
    raw_cols = {"participant": answers["participant"], "visit": answers["visit"]}
    status_cols = {}
    for inst in instruments:
        for item in inst.items:
            has = item.name in answers.columns and answers[item.name].notna().any()
            if item.name in fixed.columns and not has:
                raw_cols[item.name] = fixed[item.name]
            elif item.name in answers.columns:
                raw_cols[item.name] = answers[item.name]
            st = item.name + STORE_STATUS_SUFFIX
            if st in answers.columns:
                status_cols[item.name] = answers[st].astype(object)
    raw = pd.DataFrame(raw_cols, index=answers.index)
    status = pd.DataFrame(status_cols, index=answers.index) if status_cols else None
    return raw, status


def _score_status(
    inst: Instrument, score_values: pd.Series, item_status: pd.DataFrame
) -> pd.Series:
    """A score that could not be computed takes the missing-data code carried by most of its
    instrument's items (ties: MissingCode declaration order); else it has no code."""
    names = [i.name for i in inst.items if i.name in item_status.columns]
    out = pd.Series([None] * len(score_values), index=score_values.index, dtype=object)
    if not names:
        return out
    st = item_status[names]
    missing_score = score_values.isna().to_numpy()
    if not missing_score.any():
        return out
    counts = np.column_stack([(st == code.value).sum(axis=1).to_numpy() for code in MissingCode])
    best = counts.argmax(axis=1)
    has = counts.max(axis=1) > 0
    codes = np.array([c.value for c in MissingCode], dtype=object)
    pick = missing_score & has
    out[pick] = codes[best[pick]]
    return out


def _to_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce").astype("datetime64[ns]").dt.normalize()


def is_blank(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) or v == ""


def as_text(s: pd.Series) -> pd.Series:
    """Object series of ``str`` or ``None`` (NaN, NA and empty strings become ``None``)."""
    return pd.Series(
        [None if is_blank(v) else str(v) for v in s.tolist()], index=s.index, dtype=object
    )


def neutralise_text(s: pd.Series) -> pd.Series:
    """Prefix ``'`` to text cells that a spreadsheet would run as a formula (= + - @)."""
    obj = s.astype(object)
    mask = obj.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
    if mask.any():
        obj = obj.where(~mask, "'" + obj.astype(str))
    return obj


def build_export(
    source: ExportInput,
    layout: str = "long",
    settings: ScoringSettings | None = None,
    instruments: Sequence[Instrument] | None = None,
) -> ExportTable:
    """Score, flag and lay out the export table (pure: the same input gives the same table)."""
    from scoring.registry import INSTRUMENTS

    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    settings = settings or source.settings or ScoringSettings()
    instruments = tuple(instruments) if instruments is not None else INSTRUMENTS
    answers = source.answers.reset_index(drop=True)
    order = _visit_order(source, answers)
    if len(answers):
        rank = answers["visit"].map({v: i for i, v in enumerate(order)}).fillna(len(order))
        answers = (
            answers.assign(_r=rank)
            .sort_values(["participant", "_r"], kind="stable")
            .drop(columns="_r")
            .reset_index(drop=True)
        )
    fixed = _fixed_part(answers, source)
    raw, status = _engine_input(answers, fixed, instruments)
    ev = evaluate(raw, settings, instruments, status=status)

    fixed_cols = fixed_columns(instruments)
    var_cols = variable_columns(instruments, [c.name for c in fixed_cols])
    columns = fixed_cols + var_cols
    parts: dict[str, pd.Series] = {}
    index = answers.index
    for col in columns:
        if col.kind == "item":
            v = ev.values[col.name] if col.name in ev.values.columns else None
            s = ev.status[col.name] if col.name in ev.status.columns else None
        elif col.kind == "score":
            v = ev.scores[col.name] if col.name in ev.scores.columns else None
            s = (
                _score_status(col.instrument, v, ev.status)
                if v is not None
                else pd.Series([None] * len(index), index=index, dtype=object)
            )
        elif col.kind == "status":
            continue
        else:
            parts[col.name] = fixed[col.name]
            continue
        if v is None:
            v = pd.Series(np.nan if col.is_numeric else None, index=index)
        parts[col.name] = v.astype("float64") if col.is_numeric else neutralise_text(as_text(v))
        if s is None:
            s = pd.Series([None] * len(index), index=index, dtype=object)
        parts[col.name + STATUS_SUFFIX] = as_text(s)
    long = pd.DataFrame(parts, index=index)[[c.name for c in columns]]
    keys = answers[["participant", "visit"]].copy()
    flags = _flags_frame(ev, keys, source.confirmations)
    if layout == "wide":
        data, columns = _widen(long, columns, order)
    else:
        data = long
    return ExportTable(
        data, columns, layout, ev, keys, flags, instruments, source, settings, long, tuple(order)
    )


def _visit_order(source: ExportInput, answers: pd.DataFrame) -> list[str]:
    order = list(source.visit_order)
    if not order and source.visits is not None and len(source.visits):
        order = list(dict.fromkeys(source.visits["visit"]))
    for v in dict.fromkeys(answers["visit"]) if len(answers) else ():
        if v not in order:
            order.append(v)
    return order


def _fixed_part(answers: pd.DataFrame, source: ExportInput) -> pd.DataFrame:
    n = len(answers)
    idx = answers.index

    def col(name: str) -> pd.Series:
        return answers[name] if name in answers.columns else pd.Series([None] * n, index=idx)

    out = pd.DataFrame(index=idx)
    out["participant"] = col("participant").astype(object)
    out["site"] = col("site").astype(object)
    out["sex"] = col("sex").astype(object)
    out["birth_date"] = _to_date(col("birth_date"))
    day1 = col("day1_date")
    if source.participants is not None and len(source.participants) and "day1_date" not in answers:
        m = dict(
            zip(source.participants["participant"], source.participants["day1_date"], strict=True)
        )
        day1 = out["participant"].map(m)
    out["day1_date"] = _to_date(day1)
    out["height_cm"] = pd.to_numeric(col("height_cm"), errors="coerce").astype("float64")
    out["weight_kg"] = pd.to_numeric(col("weight_kg"), errors="coerce").astype("float64")
    out["visit"] = col("visit").astype(object)
    out["age"] = pd.to_numeric(col("age"), errors="coerce").astype("float64")
    out["visit_date"] = _to_date(col("visit_date"))
    out["visit_status"] = col("visit_status").astype(object)
    vis = source.visits
    if vis is not None and len(vis):
        key = vis.set_index(["participant", "visit"])
        mi = pd.MultiIndex.from_arrays([out["participant"], out["visit"]])
        k = key.reindex(mi)
        reason = k["status_reason"].to_numpy() if "status_reason" in k else None
        out["visit_status_reason"] = reason
        out["visit_target_date"] = _to_date(pd.Series(k["target_date"].to_numpy(), index=idx))
        out["visit_window_start"] = _to_date(pd.Series(k["window_start"].to_numpy(), index=idx))
        out["visit_window_end"] = _to_date(pd.Series(k["window_end"].to_numpy(), index=idx))
        oow = pd.Series(k["out_of_window"].to_numpy(), index=idx)
        out["visit_out_of_window"] = oow.map(
            lambda b: np.nan if b is None or (isinstance(b, float) and np.isnan(b)) else float(b)
        ).astype("float64")
        oreason = pd.Series(k["out_of_window_reason"].to_numpy(), index=idx)
        out["visit_out_of_window_reason"] = oreason
    else:
        for c in ("visit_status_reason", "visit_out_of_window_reason"):
            out[c] = None
        for c in ("visit_target_date", "visit_window_start", "visit_window_end"):
            out[c] = pd.Series(pd.NaT, index=idx, dtype="datetime64[ns]")
        out["visit_out_of_window"] = np.nan
    days = (out["visit_date"] - out["visit_target_date"]).dt.days
    out["visit_days_from_target"] = days.astype("float64")
    out = out[list(FIXED_COLUMNS)]
    for c in fixed_columns():
        if c.vtype == "text" and c.name not in ("participant", "visit"):
            out[c.name] = neutralise_text(as_text(out[c.name]))
    return out


def _widen(
    long: pd.DataFrame, columns: list[Column], order: list[str]
) -> tuple[pd.DataFrame, list[Column]]:
    """One row per participant; per-visit columns ``<variable>_<visit>``, variable-major, every
    protocol visit present (so the column set never changes between batches)."""
    pcols = [c for c in columns if c.per_participant]
    vcols = [c for c in columns if not c.per_participant and c.name != "visit"]
    participants = list(dict.fromkeys(long["participant"]))
    attrs = [c.name for c in pcols if c.name != "participant"]
    firsts = long.groupby("participant", sort=False)[attrs].first()
    base = firsts.reindex(participants)
    base.index.name = "participant"
    base = base.reset_index()
    pos = {p: i for i, p in enumerate(participants)}
    row_of = long["participant"].map(pos).to_numpy()
    parts: dict[str, object] = {}
    out_cols: list[Column] = list(pcols)
    for c in vcols:
        for v in order:
            name = f"{c.name}_{v}"
            sel = (long["visit"] == v).to_numpy()
            src = long[c.name]
            if c.is_numeric:
                arr = np.full(len(participants), np.nan)
                arr[row_of[sel]] = src.to_numpy(dtype="float64")[sel]
                parts[name] = arr
            elif c.vtype == "date":
                arr = np.full(len(participants), np.datetime64("NaT"), dtype="datetime64[ns]")
                arr[row_of[sel]] = src.to_numpy()[sel]
                parts[name] = arr
            else:
                arr = np.full(len(participants), None, dtype=object)
                arr[row_of[sel]] = src.to_numpy()[sel]
                parts[name] = arr
            out_cols.append(
                Column(
                    name,
                    c.kind,
                    c.vtype,
                    c.variable,
                    c.label_en,
                    c.label_zh,
                    visit=v,
                    item=c.item,
                    score=c.score,
                    instrument=c.instrument,
                    unit=c.unit,
                )
            )
    data = pd.concat([base, pd.DataFrame(parts)], axis=1)
    data = data[[c.name for c in out_cols]]
    return data, out_cols


_CONF_COLS = ["participant", "visit", "variable", "rule", "confirm_reason", "confirmed_by"]
_CONF_COLS.append("confirmed_at")


def _flags_frame(
    ev: Evaluation, keys: pd.DataFrame, confirmations: pd.DataFrame | None
) -> pd.DataFrame:
    f = ev.flags.copy()
    f["participant"] = f["row"].map(keys["participant"])
    f["visit"] = f["row"].map(keys["visit"])
    f = f[
        ["participant", "visit", "variable", "value", "level", "rule", "message_en", "message_zh"]
    ]
    f = f.assign(confirm_reason=None, confirmed_by=None, confirmed_at=None)
    if confirmations is not None and len(confirmations) and len(f):
        c = confirmations.drop_duplicates(["participant", "visit", "item", "rule"], keep="last")
        c = c.rename(columns={"item": "variable", "reason": "confirm_reason"})
        f = f.drop(columns=["confirm_reason", "confirmed_by", "confirmed_at"]).merge(
            c[_CONF_COLS],
            on=["participant", "visit", "variable", "rule"],
            how="left",
        )
    return f.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Checksum


CHECKSUM_DEFINITION = (
    "SHA-256 over the data table, column by column: the column name (UTF-8) and a NUL byte, "
    "then its cells — numbers as IEEE-754 float64 little-endian (blank = NaN), dates as int64 "
    "days since 1970-01-01 (blank = -2^63), text as UTF-8 joined by 0x1F (blank = 0x1E); "
    "clock times are minutes after midnight. Independent of the file format and export time."
)


def data_checksum(data: pd.DataFrame, columns: Sequence[Column]) -> str:
    """SHA-256 (hex) of the canonical content (``CHECKSUM_DEFINITION``): equal data ⇒ equal
    checksum, whatever the format or layout-independent metadata."""
    h = hashlib.sha256()
    for c in columns:
        h.update(c.name.encode("utf-8") + b"\x00")
        s = data[c.name]
        if c.is_numeric:
            arr = s.to_numpy(dtype="float64").copy()
            arr[np.isnan(arr)] = np.nan  # one NaN bit pattern
            h.update(arr.astype("<f8").tobytes())
        elif c.vtype == "date":
            d = pd.to_datetime(s).to_numpy(dtype="datetime64[D]").astype("<i8")
            h.update(d.tobytes())
        else:
            h.update(
                "\x1f".join("\x1e" if is_blank(v) else str(v) for v in s.tolist()).encode("utf-8")
            )
        h.update(b"\x1d")
    return h.hexdigest()


def export_time_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class ExportMeta:
    """Who exported what, when (UTC) and with which filters: the ``about`` facts."""

    exported_by: str = ""
    exported_at: str = field(default_factory=export_time_utc)
    filters: dict[str, str] = field(default_factory=dict)


class ExportCancelled(Exception):
    """The user cancelled a running export; no output file is left behind."""
