"""The per-participant PDF report (issue 6 §1): header, visit schedule, one table per instrument,
trend charts with clinical cut-offs, flags, signatures; English or Chinese.

Everything instrument-specific (labels, units, decimals, which items are trials, cut-offs) is read
from the declarations in ``scoring/``; every score comes from ``scoring.engine.evaluate`` on the
participant's ``answers_frame`` rows (``reports.pdf_data.evaluate_frame``), the same values the
``score`` command writes.
"""

from __future__ import annotations

import math
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from reports.fonts import FONT, register_fonts
from reports.pdf_common import (
    FLAG_BG,
    PARTICIPANT_STATUS,
    VISIT_STATUS,
    PrintContext,
    Styles,
    build_pdf,
    esc,
    fit_cell,
    fmt_date,
    fmt_timestamp,
    format_item,
    format_number,
    grid_table,
    make_styles,
    signature_meaning,
)
from reports.pdf_data import ParticipantRecord, evaluate_frame
from scoring.engine import Evaluation
from scoring.model import (
    Instrument,
    Item,
    ItemType,
    Level,
    MissingCode,
    Score,
    ScoringSettings,
    unit_label,
)

# Attribute validation of every graphics node costs about a third of the chart time; the charts
# here are built by code, not typed by users. It is read when reportlab.graphics is first
# imported, hence the graphics imports inside ``trend_chart``.
rl_config.shapeChecking = 0

# Which trends are charted (issue 6 §1). Codebook names of scores or items (a contract, not an
# instrument fact): a name the registry does not declare is simply not charted. Labels, units and
# cut-offs are read from the declarations.
CHARTS: tuple[tuple[str, ...], ...] = (
    ("sf36_pcs", "sf36_mcs"),
    ("eqvas",),
    ("psqi_global",),
    ("tug_s",),
    ("gait_speed_ms",),
    ("grip_kg",),
    ("ftsst_s",),
)
SERIES_COLOURS = (colors.HexColor("#1f77b4"), colors.HexColor("#2ca02c"))
CUTOFF_COLOUR = colors.HexColor("#d62728")

SEX = {"M": ("male", "男"), "F": ("female", "女")}
LEVEL = {
    "error": ("error", "错误"),
    "warning": ("warning", "警告"),
    "clinical": ("clinical", "临床"),
}


def _t(ctx: PrintContext, pair: tuple[str, str] | None, fallback: str = "") -> str:
    if pair is None:
        return fallback
    return ctx.t(*pair)


def is_performance_test(inst: Instrument) -> bool:
    """A performance test is an instrument whose items admit "unable to perform" (the
    declarations give that code only to performance measures); its trials are printed."""
    return any(MissingCode.UNABLE in it.missing for it in inst.items)


# --------------------------------------------------------------------------------------------
# Formatting values from the declarations


def format_score(score: Score, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if score.is_text:
        return str(value)
    if score.choices:
        for c in score.choices:
            if c.code == value:
                return c.zh if lang == "zh" else c.en
    return format_number(float(value), score.decimals)


def _num(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def change_from_baseline(values: Sequence[object], decimals: int) -> str:
    """Latest available value minus the first visit's (baseline) value, signed."""
    base = _num(values[0]) if values else None
    if base is None:
        return ""
    for v in reversed(values[1:]):
        latest = _num(v)
        if latest is not None:
            d = latest - base
            return "0" if round(d, decimals) == 0 else f"{d:+.{decimals}f}"
    return ""


# --------------------------------------------------------------------------------------------
# Clinical cut-offs, from the rules in the declarations

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Cutoff:
    value: float
    text: str  # the rule's own limit text, e.g. "< 1.0 m/s"
    rule: str


def clinical_cutoffs(
    variable: str, instruments: Sequence[Instrument], work: pd.DataFrame, settings
) -> list[Cutoff]:
    """Cut-offs of the clinical rules on ``variable`` that apply to this participant.

    The number is the one the rule's own ``limit`` states (sex- or setting-specific limits give
    this person's value). Whether a rule applies (e.g. the women's grip cut-off for a woman, only
    the active reference set) is asked of the rule itself: its test is run on the participant's
    rows with ``variable`` set just below and just above the cut-off; a rule that fires for
    neither does not concern this participant. A clinical rule without a number in its limit
    exposes no cut-off and is not drawn.
    """
    out: list[Cutoff] = []
    if work.empty:
        return out
    trial: pd.DataFrame | None = None
    for inst in instruments:
        for rule in inst.rules:
            if rule.variable != variable or rule.level is not Level.CLINICAL:
                continue
            limit = rule.limit(work, settings) if callable(rule.limit) else rule.limit
            texts = (
                [str(x) for x in pd.Series(limit).dropna().unique()]
                if isinstance(limit, pd.Series)
                else [str(limit)]
            )
            for text in texts:
                m = _NUMBER.search(text)
                if not m:
                    continue
                cut = Cutoff(float(m.group()), text, rule.id)
                if trial is None:
                    trial = work.copy()  # one scratch copy per variable, restored after
                if cut not in out and _rule_applies(rule, cut.value, trial, settings):
                    out.append(cut)
    return out


def _rule_applies(rule, cut: float, trial: pd.DataFrame, settings) -> bool:
    """Does the rule fire just below or just above ``cut`` for any of these rows? (``trial`` is
    a scratch copy; its column is put back.)"""
    delta = max(abs(cut) * 0.02, 0.01)
    saved = trial[rule.variable].copy() if rule.variable in trial.columns else None
    try:
        for probe in (cut - delta, cut + delta):
            trial[rule.variable] = probe
            try:
                fired = pd.Series(rule.test(trial, settings), index=trial.index)
            except (KeyError, ValueError, TypeError):
                return False
            if bool(fired.fillna(False).astype(bool).any()):
                return True
        return False
    finally:
        if saved is None:
            del trial[rule.variable]
        else:
            trial[rule.variable] = saved


# --------------------------------------------------------------------------------------------
# Sections


def _header(record: ParticipantRecord, ctx: PrintContext, st: Styles) -> list[Flowable]:
    p, study = record.participant, record.study
    title = study.title_zh if ctx.lang == "zh" else study.title_en
    age = p.age_on(p.day1_date)
    site = f"{study.site} {study.site_name}".strip()
    status = _t(ctx, PARTICIPANT_STATUS.get(p.status), p.status)
    if p.status_date:
        status = f"{status} ({fmt_date(p.status_date)})"
    if p.status_reason:
        status = f"{status}: {p.status_reason}"
    cells = [
        (ctx.t("Study", "研究"), f"{study.code} — {title}"),
        (ctx.t("Site", "中心"), site or "—"),
        (ctx.t("Participant", "受试者编号"), p.code),
        (ctx.t("Sex", "性别"), _t(ctx, SEX.get(p.sex or ""), p.sex or "—")),
        (ctx.t("Age at day 1", "第1天年龄"), "—" if age is None else str(age)),
        (ctx.t("Day 1", "第1天"), fmt_date(p.day1_date)),
        (ctx.t("Status", "状态"), status or "—"),
    ]
    rows = []
    for i in range(0, len(cells), 2):
        row: list = []
        for label, value in cells[i : i + 2]:
            row += [Paragraph(label, st.cell_head), Paragraph(esc(value), st.cell)]
        while len(row) < 4:
            row.append("")
        rows.append(row)
    width = 182 * mm
    table = grid_table(
        rows,
        [24 * mm, width / 2 - 24 * mm, 24 * mm, width / 2 - 24 * mm],
        header_rows=0,
        extra=[
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f7")),
            ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f3f5f7")),
        ],
    )
    return [Paragraph(ctx.t("Participant report", "受试者报告"), st.title), table]


def _schedule(record: ParticipantRecord, ctx: PrintContext, st: Styles) -> list[Flowable]:
    head = [
        ctx.t("Visit", "访视"),
        ctx.t("Target", "目标日期"),
        ctx.t("Window", "窗口期"),
        ctx.t("Actual", "实际日期"),
        ctx.t("Status", "状态"),
        ctx.t("Signed", "签名"),
        ctx.t("Locked", "锁定"),
    ]
    rows: list[list] = [[Paragraph(h, st.cell_head) for h in head]]
    extra = []
    for r, v in enumerate(record.visits, start=1):
        status = _t(ctx, VISIT_STATUS.get(v.status), v.status)
        notes = [status]
        if v.status_reason:
            notes.append(esc(v.status_reason))
        if v.out_of_window:
            oow = ctx.t("out of window", "超出窗口期")
            notes.append(f"{oow}: {esc(v.out_of_window_reason or '')}".rstrip(": "))
            extra.append(("BACKGROUND", (3, r), (3, r), FLAG_BG["warning"]))
        signed = f"{esc(v.signed_by)} {fmt_timestamp(v.signed_at)}" if v.signed_by else "—"
        rows.append(
            [
                Paragraph(f"{esc(v.visit)} {esc(v.label(ctx.lang))}", st.cell),
                fmt_date(v.target_date),
                f"{fmt_date(v.window_start)} – {fmt_date(v.window_end)}",
                fmt_date(v.actual_date),
                Paragraph("; ".join(notes), st.cell),
                Paragraph(signed, st.cell_small),
                ctx.t("yes", "是") if v.locked else ctx.t("no", "否"),
            ]
        )
    widths = [38 * mm, 19 * mm, 35 * mm, 19 * mm, 30 * mm, 29 * mm, 12 * mm]
    return [
        Paragraph(ctx.t("Visit schedule", "访视计划"), st.h1),
        grid_table(rows, widths, extra=extra),
    ]


def _visit_rows(record: ParticipantRecord) -> list[int | None]:
    """For each protocol visit, the row label in ``record.frame`` (None: no data)."""
    by_visit = {v: i for i, v in zip(record.frame.index, record.frame["visit"], strict=True)}
    return [by_visit.get(v.visit) for v in record.visits]


def _flag_levels(ev: Evaluation) -> dict[tuple[object, str], str]:
    """(row, variable) → the most severe flag level (for cell shading)."""
    order = {"clinical": 0, "warning": 1, "error": 2}
    out: dict[tuple[object, str], str] = {}
    f = ev.flags
    for row, var, level in zip(f["row"], f["variable"], f["level"], strict=True):
        key = (row, var)
        if key not in out or order[level] > order[out[key]]:
            out[key] = level
    return out


def _text_score_notes(
    score: Score, texts: list[str], record: ParticipantRecord, ctx: PrintContext
) -> list[str]:
    """``label — BL, W1: text`` lines, visits with the same text grouped."""
    by_text: dict[str, list[str]] = {}
    for v, text in zip(record.visits, texts, strict=True):
        if text:
            by_text.setdefault(text, []).append(v.visit)
    label = esc(score.zh if ctx.lang == "zh" else score.en)
    return [f"<i>{label}</i> — {', '.join(vs)}: {esc(t)}" for t, vs in by_text.items()]


def _instrument_tables(
    record: ParticipantRecord, ev: Evaluation, ctx: PrintContext, st: Styles
) -> list[Flowable]:
    rows_at = _visit_rows(record)
    present = [r for r in rows_at if r is not None]
    values = ev.values.loc[present].to_dict("series") if present else {}
    status = ev.status.loc[present].to_dict("series") if present else {}
    scores = ev.scores.loc[present].to_dict("series") if present else {}

    def cells(frame: dict, name: str) -> list:
        col = frame.get(name)
        if col is None:
            return [None] * len(rows_at)
        got = dict(zip(col.index, col.tolist(), strict=True))
        return [got.get(r) if r is not None else None for r in rows_at]

    levels = _flag_levels(ev)
    n = len(record.visits)
    label_w, change_w = 50 * mm, 17 * mm
    col_w = (182 * mm - label_w - change_w) / max(n, 1)
    head: list = [ctx.t("Variable", "变量")]
    head += [v.visit for v in record.visits]
    head.append(Paragraph(ctx.t("Change from baseline", "较基线变化"), st.cell_small))
    title = Paragraph(ctx.t("Results by visit", "各访视结果"), st.h1)
    title.keepWithNext = True
    out: list[Flowable] = [title]
    for inst in ev.instruments:
        lines: list[tuple[str, list[str], list[object], str]] = []  # label, texts, keys, change
        if is_performance_test(inst):
            for item in inst.items:
                if not item.is_numeric or item.type is ItemType.CODED:
                    continue
                vals = cells(values, item.name)
                stats = cells(status, item.name)
                texts = [
                    format_item(item, v, s, ctx.lang) for v, s in zip(vals, stats, strict=True)
                ]
                if not any(texts):
                    continue
                unit = f" ({unit_label(item.unit, ctx.lang)})" if item.unit else ""
                label = f"{item.zh if ctx.lang == 'zh' else item.en}{unit}"
                lines.append(
                    (
                        label,
                        texts,
                        [(r, item.name) for r in rows_at],
                        change_from_baseline(vals, item.decimals),
                    )
                )
        notes: list[str] = []  # text scores (descriptions) go under the table, not in cells
        for score in inst.scores:
            vals = cells(scores, score.name)
            texts = [format_score(score, v, ctx.lang) for v in vals]
            if not any(texts):
                continue
            if score.is_text:
                notes += _text_score_notes(score, texts, record, ctx)
                continue
            unit = f" ({unit_label(score.unit, ctx.lang)})" if score.unit else ""
            label = f"{score.zh if ctx.lang == 'zh' else score.en}{unit}"
            numeric = not score.is_text and not score.choices
            change = change_from_baseline(vals, score.decimals) if numeric else ""
            lines.append((label, texts, [(r, score.name) for r in rows_at], change))
        if not lines:
            continue
        rows: list[list] = [head]
        extra = [("ALIGN", (1, 1), (-1, -1), "RIGHT")]
        for r_i, (label, texts, keys, change) in enumerate(lines, start=1):
            rows.append([fit_cell(label, st.cell, label_w), *texts, change])
            for c_i, key in enumerate(keys, start=1):
                level = levels.get(key)
                if level:
                    extra.append(("BACKGROUND", (c_i, r_i), (c_i, r_i), FLAG_BG[level]))
        name = inst.zh if ctx.lang == "zh" else inst.en
        table = grid_table(rows, [label_w, *([col_w] * n), change_w], extra=extra)
        heading = Paragraph(esc(name), st.h2)
        if len(lines) <= 8:
            out.append(KeepTogether([heading, table]))
        else:  # a long table may split (its header repeats); the heading stays with it
            heading.keepWithNext = True
            out += [heading, table]
        out += [Paragraph(note, st.cell_small) for note in notes]
    out.append(
        Paragraph(
            ctx.t(
                "Shaded cells carry a flag (listed under Flags): blue clinical, amber warning, "
                "red error. Change from baseline = latest available visit minus the first visit. "
                "Two-letter codes are missing-data reasons: "
                + ", ".join(f"{c.value} {c.label_en}" for c in MissingCode)
                + ".",
                "着色单元格带有标记（见“标记”）：蓝色为临床，琥珀色为警告，红色为错误。"
                "较基线变化 = 最近一次有数据的访视减去首次访视。两字母代码为缺失原因："
                + "，".join(f"{c.value} {c.label_zh}" for c in MissingCode)
                + "。",
            ),
            st.small,
        )
    )
    return out


def _lookup(name: str, instruments: Sequence[Instrument]) -> tuple[Instrument, Item | Score] | None:
    for inst in instruments:
        for s in inst.scores:
            if s.name == name:
                return inst, s
        for it in inst.items:
            if it.name == name and it.is_numeric:
                return inst, it
    return None


def trend_chart(
    title: str,
    visit_codes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    cutoffs: Sequence[Cutoff],
    unit: str,
    *,
    cutoff_word: str = "cut-off",
    width: float = 88 * mm,
    height: float = 58 * mm,
) -> Flowable:
    """A line chart over visits (ReportLab graphics), cut-offs as dashed reference lines."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker

    register_fonts()
    d = Drawing(width, height)
    d.initialFontName = FONT  # the renderer's initial state would otherwise select Helvetica
    heading = f"{title} ({unit})" if unit else title
    title_lines = simpleSplit(heading, FONT, 8.5, width - 8)[:2]
    # legend entries: series names (when several), then each cut-off as its rule states it
    entries: list[tuple[str, object, str]] = []
    if len(series) > 1:
        entries += [
            ("●", SERIES_COLOURS[i % len(SERIES_COLOURS)], name)
            for i, (name, _) in enumerate(series)
        ]
    entries += [("- -", CUTOFF_COLOUR, f"{cutoff_word} {cut.text}") for cut in cutoffs]
    legend_lines: list[list[tuple[str, object, str]]] = [[]]
    x = 0.0
    for entry in entries:
        w = 14 + stringWidth(entry[2], FONT, 6.5) + 8
        if legend_lines[-1] and x + w > width - 30:
            legend_lines.append([])
            x = 0.0
        legend_lines[-1].append(entry)
        x += w
    legend_lines = [ln for ln in legend_lines if ln]
    for i, line in enumerate(title_lines):
        d.add(String(4, height - 10 - 10 * i, line, fontName=FONT, fontSize=8.5))
    y = 4.0 + 9 * (len(legend_lines) - 1)
    for line in legend_lines:
        x = 30.0
        for mark, colour, text in line:
            d.add(String(x, y, mark, fontName=FONT, fontSize=6.5, fillColor=colour))
            d.add(String(x + 12, y, text, fontName=FONT, fontSize=6.5, fillColor=colour))
            x += 14 + stringWidth(text, FONT, 6.5) + 8
        y -= 9
    plot = LinePlot()
    plot.x, plot.y = 30, 26 + 9 * len(legend_lines)
    plot.width = width - 40
    plot.height = height - plot.y - 8 - 10 * len(title_lines)
    n = len(visit_codes)
    data, styles_ = [], []
    ys: list[float] = []
    for i, (_, values) in enumerate(series):
        pts = [(float(x), float(v)) for x, v in enumerate(values) if v is not None]
        if not pts:
            pts = [(0.0, float("nan"))]
        data.append(pts)
        ys += [p[1] for p in pts if not math.isnan(p[1])]
        styles_.append(("s", SERIES_COLOURS[i % len(SERIES_COLOURS)]))
    for cut in cutoffs:
        data.append([(-0.3, cut.value), (n - 0.7, cut.value)])
        ys.append(cut.value)
        styles_.append(("c", CUTOFF_COLOUR))
    plot.data = data
    for i, (kind, colour) in enumerate(styles_):
        plot.lines[i].strokeColor = colour
        if kind == "s":
            plot.lines[i].strokeWidth = 1.4
            plot.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=colour)
        else:
            plot.lines[i].strokeWidth = 0.9
            plot.lines[i].strokeDashArray = (3, 2)
    lo, hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    pad = (hi - lo) * 0.15 or max(abs(hi) * 0.1, 1.0)
    plot.yValueAxis.valueMin = lo - pad
    plot.yValueAxis.valueMax = hi + pad
    plot.xValueAxis.valueMin = -0.3
    plot.xValueAxis.valueMax = n - 0.7
    plot.xValueAxis.valueSteps = list(range(n))
    plot.xValueAxis.labelTextFormat = lambda x: visit_codes[round(x)] if 0 <= round(x) < n else ""
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 6.5
        axis.strokeColor = colors.HexColor("#666666")
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#e3e6ea")
    plot.yValueAxis.visibleGrid = 1
    d.add(plot)
    return d


def _charts(
    record: ParticipantRecord,
    ev: Evaluation,
    ctx: PrintContext,
    st: Styles,
    settings: ScoringSettings | None,
    charts: Sequence[Sequence[str]],
) -> tuple[list[Flowable], list[str]]:
    """The trend charts, and the charted variables whose cut-off is not exposed as data."""
    rows_at = _visit_rows(record)
    codes = [v.visit for v in record.visits]
    work = pd.concat([ev.values, ev.scores], axis=1)
    work = work.loc[:, ~work.columns.duplicated()]
    drawings: list[Flowable] = []
    no_cutoff: list[str] = []
    for names in charts:
        found = [(n, _lookup(n, ev.instruments)) for n in names]
        found = [(n, f) for n, f in found if f is not None]
        if not found:
            continue
        series = []
        cutoffs: list[Cutoff] = []
        unit = ""
        for name, (_inst, decl) in found:
            frame = ev.scores if isinstance(decl, Score) else ev.values
            vals = [
                _num(frame.at[r, name]) if r is not None and name in frame.columns else None
                for r in rows_at
            ]
            label = decl.zh if ctx.lang == "zh" else decl.en
            series.append((label, vals))
            unit = unit_label(decl.unit, ctx.lang) if decl.unit else unit
            cuts = clinical_cutoffs(name, ev.instruments, work, settings or record.study.settings)
            if not cuts:
                no_cutoff.append(name)
            cutoffs += [c for c in cuts if c not in cutoffs]
        if not any(v is not None for _, vals in series for v in vals):
            continue
        inst0 = found[0][1][0]
        title = (inst0.zh if ctx.lang == "zh" else inst0.en) if len(series) > 1 else series[0][0]
        word = ctx.t("cut-off", "界值")
        drawings.append(trend_chart(title, codes, series, cutoffs, unit, cutoff_word=word))
    if not drawings:
        return [], no_cutoff
    rows = [drawings[i : i + 2] for i in range(0, len(drawings), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    grid = Table(rows, colWidths=[91 * mm, 91 * mm], hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    note = ctx.t(
        "Dashed red lines: clinical cut-offs as the instrument rules state them.",
        "红色虚线：仪器规则规定的临床界值。",
    )
    return [Paragraph(ctx.t("Trends", "趋势图"), st.h1), grid, Paragraph(note, st.small)], no_cutoff


def flag_rows(record: ParticipantRecord, ev: Evaluation) -> list[dict]:
    """Every flag still open or confirmed, with the confirmation that answers it (if any).

    A warning is confirmed when the store holds a confirmation for the same visit and variable
    (and rule, when the confirmation names one); clinical flags are information only.
    """
    visit_of = dict(zip(record.frame.index, record.frame["visit"], strict=True))
    confs = list(record.confirmations)
    used: set[int] = set()
    out = []
    for f in ev.flags.itertuples(index=False):
        visit = visit_of.get(f.row, "")
        match = None
        for i, c in enumerate(confs):
            if i in used or c.visit != visit or c.item != f.variable:
                continue
            if c.rule and c.rule != f.rule:
                continue
            match = i
            break
        if match is None:
            for i, c in enumerate(confs):
                if i not in used and c.visit == visit and c.item == f.variable:
                    match = i
                    break
        conf = None
        if match is not None:
            used.add(match)
            conf = confs[match]
        out.append(
            {
                "visit": visit,
                "variable": f.variable,
                "level": f.level,
                "rule": f.rule,
                "value": f.value,
                "message_en": f.message_en,
                "message_zh": f.message_zh,
                "confirmation": conf,
            }
        )
    for i, c in enumerate(confs):  # confirmed earlier, no longer raised by the current rules
        if i not in used:
            out.append(
                {
                    "visit": c.visit,
                    "variable": c.item,
                    "level": "warning",
                    "rule": c.rule,
                    "value": "" if c.value is None else str(c.value),
                    "message_en": "",
                    "message_zh": "",
                    "confirmation": c,
                }
            )
    order = {v.visit: i for i, v in enumerate(record.visits)}
    out.sort(key=lambda r: order.get(r["visit"], len(order)))
    return out


def _flags(record: ParticipantRecord, ev: Evaluation, ctx: PrintContext, st: Styles) -> list:
    rows_data = flag_rows(record, ev)
    out: list[Flowable] = [Paragraph(ctx.t("Flags", "标记"), st.h1)]
    if not rows_data:
        none = ctx.t("No open or confirmed flags.", "无未处理或已确认的标记。")
        out.append(Paragraph(none, st.body))
        return out
    head = [
        ctx.t("Visit", "访视"),
        ctx.t("Variable", "变量"),
        ctx.t("Level", "级别"),
        ctx.t("Value", "值"),
        ctx.t("Rule and message", "规则及说明"),
        ctx.t("State, reason, confirmed by", "状态、理由、确认人"),
    ]
    rows: list[list] = [[Paragraph(h, st.cell_head) for h in head]]
    extra = []
    for i, r in enumerate(rows_data, start=1):
        conf = r["confirmation"]
        if conf is not None:
            state = (
                f"{ctx.t('confirmed', '已确认')}: {esc(conf.reason)} — {esc(conf.confirmed_by)}"
                f" {fmt_timestamp(conf.confirmed_at)}"
            )
        elif r["level"] == "clinical":
            state = ctx.t("information (no action)", "提示（无需处理）")
        else:
            state = ctx.t("open", "未处理")
        message = r["message_zh"] if ctx.lang == "zh" else r["message_en"]
        rows.append(
            [
                esc(r["visit"]),
                Paragraph(esc(r["variable"]), st.cell_small),
                _t(ctx, LEVEL.get(r["level"]), r["level"]),
                Paragraph(esc(r["value"]), st.cell_small),
                Paragraph(f"<i>{esc(r['rule'])}</i> {esc(message)}", st.cell_small),
                Paragraph(state, st.cell_small),
            ]
        )
        extra.append(("BACKGROUND", (2, i), (2, i), FLAG_BG.get(r["level"], colors.white)))
    widths = [14 * mm, 24 * mm, 14 * mm, 14 * mm, 76 * mm, 40 * mm]
    out.append(grid_table(rows, widths, extra=extra))
    return out


def _signatures(record: ParticipantRecord, ctx: PrintContext, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(ctx.t("Signatures", "签名"), st.h1)]
    signed = [v for v in record.visits if v.signed_by]
    if signed:
        rows: list[list] = [
            [
                Paragraph(ctx.t("Visit", "访视"), st.cell_head),
                Paragraph(ctx.t("Signed by", "签名人"), st.cell_head),
                Paragraph(ctx.t("Date and time", "日期时间"), st.cell_head),
                Paragraph(ctx.t("Meaning", "签名含义"), st.cell_head),
            ]
        ]
        for v in signed:
            rows.append(
                [
                    esc(v.visit),
                    Paragraph(esc(v.signed_by), st.cell),
                    fmt_timestamp(v.signed_at),
                    Paragraph(esc(signature_meaning(ctx, v.signature_meaning)), st.cell),
                ]
            )
        out.append(
            Paragraph(
                ctx.t(
                    "Electronic signatures recorded (21 CFR 11.50):",
                    "已记录的电子签名（21 CFR 11.50）：",
                ),
                st.body,
            )
        )
        out.append(grid_table(rows, [20 * mm, 45 * mm, 40 * mm, 77 * mm]))
        out.append(Spacer(1, 4 * mm))
    line = "_" * 34
    block = [
        [
            ctx.t("Investigator (printed name)", "研究者（正楷姓名）"),
            line,
            ctx.t("Signature", "签名"),
            line,
        ],
        [ctx.t("Date", "日期"), "____ / ____ / ________", "", ""],
    ]
    table = Table(block, colWidths=[42 * mm, 55 * mm, 20 * mm, 55 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    out.append(KeepTogether([table]))
    return out


# --------------------------------------------------------------------------------------------
# The report


@dataclass(slots=True)
class ReportResult:
    pdf: bytes
    evaluation: Evaluation
    cutoffs_missing: list[str]  # charted variables whose cut-off no declaration exposes


def build_participant_report(
    record: ParticipantRecord,
    ctx: PrintContext,
    target: str | Path | None = None,
    *,
    settings: ScoringSettings | None = None,
    instruments: Sequence[Instrument] | None = None,
    evaluation: Evaluation | None = None,
    charts: Sequence[Sequence[str]] = CHARTS,
) -> ReportResult:
    """Build the report PDF (bytes; also written to ``target`` when given).

    ``evaluation`` may be passed by a batch that scored every participant at once (its rows must be
    ``record.frame``'s index); otherwise the record's rows are scored here.
    """
    ev = evaluation
    if ev is None:
        ev = evaluate_frame(record.frame, settings or record.study.settings, instruments)
    st = make_styles(ctx.lang)
    story: list[Flowable] = []
    story += _header(record, ctx, st)
    story += _schedule(record, ctx, st)
    story += _instrument_tables(record, ev, ctx, st)
    chart_part, no_cut = _charts(record, ev, ctx, st, settings, charts)
    story += chart_part
    story += _flags(record, ev, ctx, st)
    story += _signatures(record, ctx, st)
    title = f"{ctx.t('Participant report', '受试者报告')} {record.participant.code}"
    pdf = build_pdf(story, ctx, target, title=title)
    return ReportResult(pdf, ev, sorted(set(no_cut)))


def slice_evaluation(ev: Evaluation, rows: pd.Index) -> Evaluation:
    """One participant's part of a batch evaluation (same rows as their frame slice)."""
    flags = ev.flags[ev.flags["row"].isin(set(rows))]
    return Evaluation(
        ev.values.loc[rows],
        ev.status.loc[rows],
        ev.scores.loc[rows],
        flags.reset_index(drop=True),
        ev.instruments,
    )


def _render_one(job: tuple) -> bytes:
    """Worker side: instruments travel as registry keys (their scorers are not picklable)."""
    from scoring.registry import BY_KEY

    record, (values, status, scores, flags, keys), ctx = job
    ev = Evaluation(values, status, scores, flags, tuple(BY_KEY[k] for k in keys))
    return build_participant_report(record, ctx, evaluation=ev).pdf


def _registered(ev: Evaluation) -> bool:
    from scoring.registry import BY_KEY

    return all(BY_KEY.get(i.key) is i for i in ev.instruments)


def render_reports(
    jobs: Iterable[tuple[ParticipantRecord, Evaluation]],
    ctx: PrintContext,
    *,
    workers: int | None = None,
) -> Iterator[tuple[ParticipantRecord, bytes]]:
    """Many reports, in input order. Each PDF depends only on its own record, so with
    ``workers`` > 1 they are laid out in that many processes (default: the CPU count); the
    caller writes and audits them as they arrive. Instruments outside the registry (tests)
    are laid out in this process."""
    workers = workers or os.cpu_count() or 1
    pool: ProcessPoolExecutor | None = None
    pending: deque = deque()
    try:
        for record, ev in jobs:
            if workers > 1 and _registered(ev):
                pool = pool or ProcessPoolExecutor(max_workers=workers)
                parts = (ev.values, ev.status, ev.scores, ev.flags, [i.key for i in ev.instruments])
                pending.append((record, pool.submit(_render_one, (record, parts, ctx))))
                if len(pending) >= 4 * workers:  # bounded: memory stays flat for any batch
                    rec, fut = pending.popleft()
                    yield rec, fut.result()
            else:
                while pending:
                    rec, fut = pending.popleft()
                    yield rec, fut.result()
                yield record, build_participant_report(record, ctx, evaluation=ev).pdf
        while pending:
            rec, fut = pending.popleft()
            yield rec, fut.result()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
