"""Case report forms (issue 6 §2): blank and completed, one visit or a whole schedule, EN/ZH.

The form is generated from the instrument declarations: each item's label (or the site's licensed
wording, ``reports.wording``), its response options with their codes as tick boxes, digit boxes
sized from its declared range with its unit, the missing-data codes it admits, and the section
it belongs to. A completed CRF prints the same layout with the stored values ticked or written
in, the confirmed warnings with their reasons, and an audit summary per item (entered by/at,
changed by/at) for source-data verification. The form version is a digest of the declarations
(and wording packs) the form was generated from, so a changed declaration changes it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reports.fonts import FONT
from reports.pdf_common import (
    GRID,
    HEAD_BG,
    VISIT_STATUS,
    PrintContext,
    Styles,
    build_pdf,
    esc,
    fmt_date,
    fmt_timestamp,
    format_item,
    format_number,
    grid_table,
    make_styles,
    signature_meaning,
)
from reports.pdf_data import (
    AnswerData,
    ParticipantRecord,
    VisitData,
    evaluate_frame,
    instruments_for_visit,
)
from reports.wording import SHORT_LABELS, Wording
from scoring.engine import Evaluation
from scoring.model import Instrument, Item, ItemType, MissingCode, ScoringSettings, unit_label

LAYOUT_VERSION = "1"  # bump when the printed layout changes meaning
BOX = 8.5  # tick/digit box side, points
LINE = 11.0  # line height inside response cells
TEXT_SIZE = 7.5
INK = colors.HexColor("#0b3d91")  # entered values (completed CRF)
COL_LABEL, COL_RESPONSE, COL_MISSING = 66 * mm, 84 * mm, 32 * mm


# --------------------------------------------------------------------------------------------
# Form version


def form_version(instruments: Sequence[Instrument], wording: Wording = SHORT_LABELS) -> str:
    """``CRF-<layout>.<digest>``: a digest of every declared fact the form prints."""
    facts = []
    for inst in instruments:
        facts.append(
            [
                inst.key,
                inst.version,
                [
                    [
                        it.name,
                        it.en,
                        it.zh,
                        it.type.value,
                        [[c.code, c.en, c.zh] for c in it.choices],
                        it.unit,
                        repr(it.hard),
                        repr(it.soft),
                        sorted(m.value for m in it.missing),
                        it.decimals,
                        it.section,
                        it.form_label,
                    ]
                    for it in inst.items
                ],
            ]
        )
    blob = json.dumps([LAYOUT_VERSION, facts, wording.identity()], ensure_ascii=False)
    return f"CRF-{LAYOUT_VERSION}.{hashlib.sha256(blob.encode()).hexdigest()[:10]}"


# --------------------------------------------------------------------------------------------
# Response flowables (boxes drawn on the canvas, text in the embedded font)


def _box(canv, x: float, y: float, size: float = BOX, ticked: bool = False) -> None:
    canv.setStrokeColor(colors.black)
    canv.setLineWidth(0.6)
    canv.rect(x, y, size, size, stroke=1, fill=0)
    if ticked:
        canv.setStrokeColor(INK)
        canv.setLineWidth(1.2)
        canv.line(x + 1.5, y + 1.5, x + size - 1.5, y + size - 1.5)
        canv.line(x + 1.5, y + size - 1.5, x + size - 1.5, y + 1.5)


class TickBoxes(Flowable):
    """Options as ``[ ] code label``: on one line when they fit, else one per line (wrapped)."""

    def __init__(self, options: Sequence[tuple[str, str]], ticked: set[str], size=TEXT_SIZE):
        super().__init__()
        self.options = list(options)
        self.ticked = ticked
        self.size = size
        self._placed: list[tuple[float, float, str, list[str]]] = []
        self._height = 0.0

    def _width(self, code: str, label: str) -> float:
        gap = 9 if label else 5
        return BOX + 3 + stringWidth(f"{code}  {label}".strip(), FONT, self.size) + gap

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        widths = [self._width(c, lab) for c, lab in self.options]
        self._placed = []
        self._stacked = False
        if sum(widths) <= avail_width or not any(lab for _, lab in self.options):
            x, y = 0.0, 0.0  # flow left to right, wrapping between options
            for (code, label), w in zip(self.options, widths, strict=True):
                if x and x + w > avail_width + 9:
                    x, y = 0.0, y + LINE
                self._placed.append((x, y, code, [label]))
                x += w
            self._height = y + LINE
        else:  # long labels: one option per line, label wrapped beside its code
            self._stacked = True
            y = 0.0
            self._code_w = max(stringWidth(c, FONT, self.size) for c, _ in self.options) + 4
            text_w = avail_width - BOX - 3 - self._code_w
            for code, label in self.options:
                lines = simpleSplit(label, FONT, self.size, max(text_w, 20)) or [""]
                self._placed.append((0.0, y, code, lines))
                y += LINE * len(lines)
            self._height = y
        self.width = avail_width
        return avail_width, self._height

    def draw(self) -> None:
        canv = self.canv
        for x, y, code, lines in self._placed:
            base = self._height - y - LINE
            _box(canv, x, base + 1, ticked=code in self.ticked)
            canv.setFillColor(colors.black)
            canv.setFont(FONT, self.size)
            if not self._stacked:
                canv.drawString(x + BOX + 3, base + 2.5, f"{code}  {lines[0]}".strip())
            else:
                canv.drawString(x + BOX + 3, base + 2.5, code)
                for i, line in enumerate(lines):
                    canv.drawString(x + BOX + 3 + self._code_w, base + 2.5 - i * LINE, line)


class DigitBoxes(Flowable):
    """One box per digit (``int_digits`` . ``decimals``) and the unit; a clock is ``HH:MM``.

    A completed form writes the value's digits into the boxes (right-aligned); a value that
    does not fit the boxes is written beside them, never truncated.
    """

    def __init__(self, int_digits: int, decimals: int, unit: str, value: str = "", sep=".") -> None:
        super().__init__()
        self.int_digits, self.decimals, self.unit, self.value, self.sep = (
            int_digits,
            decimals,
            unit,
            value,
            sep,
        )

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, LINE + 2

    def draw(self) -> None:
        canv = self.canv
        whole, frac = self.value, ""
        if self.value and self.decimals and self.sep in self.value:
            whole, frac = self.value.split(self.sep, 1)
        fits = len(whole) <= self.int_digits and len(frac) <= self.decimals
        x = 0.0
        digits = list(whole.rjust(self.int_digits)) if fits else [" "] * self.int_digits
        for ch in digits:
            _box(canv, x, 2)
            self._digit(x, ch)
            x += BOX + 1
        if self.decimals:
            canv.setFillColor(colors.black)
            canv.setFont(FONT, 9)
            canv.drawString(x + 0.5, 3, self.sep)
            x += 4.5
            for ch in frac.ljust(self.decimals) if fits else " " * self.decimals:
                _box(canv, x, 2)
                self._digit(x, ch)
                x += BOX + 1
        canv.setFillColor(colors.black)
        canv.setFont(FONT, TEXT_SIZE)
        if self.unit:
            canv.drawString(x + 3, 3.5, self.unit)
            x += 6 + stringWidth(self.unit, FONT, TEXT_SIZE)
        if self.value and not fits:
            canv.setFillColor(INK)
            canv.setFont(FONT, 9)
            canv.drawString(x + 4, 3.5, self.value)

    def _digit(self, x: float, ch: str) -> None:
        if ch.strip():
            self.canv.setFillColor(INK)
            self.canv.setFont(FONT, 8.5)
            self.canv.drawCentredString(x + BOX / 2, 4, ch)


class WriteLine(Flowable):
    """A line to write text on (or the entered text)."""

    def __init__(self, value: str = "", style=None) -> None:
        super().__init__()
        self.value = value
        self.style = style
        self._para: Paragraph | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        if self.value and self.style is not None:
            self._para = Paragraph(esc(self.value), self.style)
            _, h = self._para.wrap(avail_width, avail_height)
            self.height = max(h + 3, LINE + 2)
        else:
            self.height = LINE + 2
        return avail_width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(colors.black)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 1, self.width, 1)
        if self._para is not None:
            self._para.drawOn(self.canv, 0, 3)


def _digit_counts(item: Item) -> int:
    """Whole-number digits the declared range needs (hard limit first, else soft, else 3)."""
    for rng in (item.hard, item.soft):
        if rng is not None and rng.high is not None:
            return max(1, len(str(math.floor(abs(rng.high)))))
    return 3


def response_flowable(
    inst: Instrument, item: Item, wording: Wording, lang: str, answer: AnswerData | None, st
) -> Flowable:
    has_value = answer is not None and answer.value is not None and not answer.status
    value = format_item(item, answer.value, None, lang) if has_value else ""
    if item.type is ItemType.CODED:
        options = [
            (str(c.code), wording.choice_text(inst, item, c.code, lang)) for c in item.choices
        ]
        return TickBoxes(options, {value} if value else set())
    if item.type is ItemType.CLOCK:
        return DigitBoxes(2, 2, ("24 h" if lang == "en" else "24小时制"), value, sep=":")
    if item.type is ItemType.TEXT:
        return WriteLine(value, st.cell)
    decimals = item.decimals if item.type is ItemType.DECIMAL else 0
    return DigitBoxes(_digit_counts(item), decimals, unit_label(item.unit, lang), value)


def missing_flowable(item: Item, answer: AnswerData | None) -> Flowable:
    codes = [m for m in MissingCode if m in item.missing]
    ticked = {answer.status} if answer is not None and answer.status else set()
    return TickBoxes([(m.value, "") for m in codes], ticked, size=6.8)


# --------------------------------------------------------------------------------------------
# The form


@dataclasses.dataclass(slots=True)
class CrfInput:
    """One visit's form: the record, the visit, and (completed) its answers and scores."""

    record: ParticipantRecord
    visit: VisitData
    instruments: tuple[Instrument, ...]
    answers: dict[str, AnswerData]
    evaluation: Evaluation | None  # completed forms: scores of this participant's rows
    completed: bool


def _header(ci: CrfInput, ctx: PrintContext, st: Styles, version: str) -> list[Flowable]:
    study, p, v = ci.record.study, ci.record.participant, ci.visit
    title = study.title_zh if ctx.lang == "zh" else study.title_en
    kind = (
        ctx.t("Case report form — completed", "病例报告表（已填写）")
        if ci.completed
        else ctx.t("Case report form", "病例报告表")
    )
    actual = fmt_date(v.actual_date) if ci.completed else "____ - ____ - ____"
    cells = [
        (ctx.t("Study", "研究"), f"{study.code} — {title}"),
        (ctx.t("Site", "中心"), f"{study.site} {study.site_name}".strip() or "—"),
        (ctx.t("Participant", "受试者编号"), p.code),
        (ctx.t("Visit", "访视"), f"{v.visit} — {v.label(ctx.lang)}"),
        (ctx.t("Target date", "目标日期"), fmt_date(v.target_date)),
        (
            ctx.t("Window", "窗口期"),
            f"{fmt_date(v.window_start)} – {fmt_date(v.window_end)}",
        ),
        (ctx.t("Actual date", "实际日期"), actual),
        (ctx.t("Form version", "表格版本"), version),
    ]
    rows = []
    for i in range(0, len(cells), 2):
        row: list = []
        for label, value in cells[i : i + 2]:
            row += [Paragraph(label, st.cell_head), Paragraph(esc(value), st.cell)]
        rows.append(row)
    shade = colors.HexColor("#f3f5f7")
    table = grid_table(
        rows,
        [24 * mm, 67 * mm, 24 * mm, 67 * mm],
        header_rows=0,
        extra=[("BACKGROUND", (0, 0), (0, -1), shade), ("BACKGROUND", (2, 0), (2, -1), shade)],
    )
    legend = ctx.t(
        "Tick one box per item. Missing-data codes (tick instead of a value): "
        + "; ".join(f"{m.value} {m.label_en}" for m in MissingCode)
        + ".",
        "每项勾选一个方框。缺失数据代码（不填数值时勾选）："
        + "；".join(f"{m.value} {m.label_zh}" for m in MissingCode)
        + "。",
    )
    return [Paragraph(kind, st.title), table, Spacer(1, 2 * mm), Paragraph(legend, st.small)]


def _audit_line(ci: CrfInput, item: Item, ctx: PrintContext) -> str:
    a = ci.answers.get(item.name)
    parts = []
    if a is not None and a.entered_by:
        parts.append(
            f"{ctx.t('entered', '录入')} {esc(a.entered_by)} {fmt_timestamp(a.entered_at)}"
        )
    if a is not None and a.changed_by:
        parts.append(
            f"{ctx.t('changed', '修改')} {esc(a.changed_by)} {fmt_timestamp(a.changed_at)}"
        )
    for c in ci.record.confirmations:
        if c.visit == ci.visit.visit and c.item == item.name:
            parts.append(_confirmation_text(c, ctx))
    if (
        a is not None
        and a.confirm_reason
        and not any(
            c.visit == ci.visit.visit and c.item == item.name for c in ci.record.confirmations
        )
    ):
        parts.append(f"{ctx.t('confirmed warning', '已确认警告')}: {esc(a.confirm_reason)}")
    return " · ".join(parts)


def _confirmation_text(c, ctx: PrintContext) -> str:
    return (
        f"<font color='#8a5a00'>{ctx.t('confirmed warning', '已确认警告')} "
        f"<i>{esc(c.rule)}</i> ({ctx.t('value', '值')} {esc(c.value)}): {esc(c.reason)} — "
        f"{esc(c.confirmed_by)} {fmt_timestamp(c.confirmed_at)}</font>"
    )


def _instrument_block(
    ci: CrfInput, inst: Instrument, ctx: PrintContext, st: Styles, wording: Wording
) -> list[Flowable]:
    out: list[Flowable] = []
    pack = wording.pack(inst.key, ctx.lang)
    heading = f"{esc(wording.title(inst, ctx.lang))} <font size=7>({esc(inst.key)})</font>"
    out.append(Paragraph(heading, st.h1))
    if pack is not None:
        out.append(Paragraph(esc(pack.licence), st.small))
    head = [
        Paragraph(ctx.t("Item", "条目"), st.cell_head),
        Paragraph(ctx.t("Response (code)", "回答（代码）"), st.cell_head),
        Paragraph(ctx.t("Missing", "缺失"), st.cell_head),
    ]
    rows: list[list] = [head]
    extra: list[tuple] = []
    for section, items in groupby(inst.items, key=lambda i: i.section):
        items = list(items)
        if section:
            text = wording.section_text(inst, section, ctx.lang)
            heading = items[0].section_label(ctx.lang)
            label = f"{esc(heading)}" + (f" — {esc(text)}" if text else "")
            r = len(rows)
            rows.append([Paragraph(label, st.cell_head), "", ""])
            extra += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), HEAD_BG)]
        for item in items:
            answer = ci.answers.get(item.name) if ci.completed else None
            num = item.form_label or item.name
            label = (
                f"<font size=7 color='#555555'>{esc(num)}</font> "
                f"{esc(wording.item_text(inst, item, ctx.lang))}"
            )
            if item.type is not ItemType.TEXT and item.unit and item.type is not ItemType.CODED:
                unit = unit_label(item.unit, ctx.lang)
                label += f" <font size=6.5 color='#555555'>[{esc(unit)}]</font>"
            if not item.required:
                label += f" <font size=6.5 color='#555555'>({ctx.t('optional', '选填')})</font>"
            rows.append(
                [
                    Paragraph(label, st.cell),
                    response_flowable(inst, item, wording, ctx.lang, answer, st),
                    missing_flowable(item, answer),
                ]
            )
            if ci.completed:
                audit = _audit_line(ci, item, ctx)
                if audit:
                    r = len(rows)
                    rows.append([Paragraph(audit, st.cell_small), "", ""])
                    extra += [
                        ("SPAN", (0, r), (-1, r)),
                        ("LINEABOVE", (0, r), (-1, r), 0.2, colors.HexColor("#d5d9de")),
                        ("TOPPADDING", (0, r), (-1, r), 0),
                    ]
    table = Table(rows, colWidths=[COL_LABEL, COL_RESPONSE, COL_MISSING], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("BOX", (0, 0), (-1, -1), 0.5, GRID),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *extra,
            ]
        )
    )
    out.append(table)
    if ci.completed and ci.evaluation is not None:
        out += _scores_line(ci, inst, ctx, st)
    out.append(_assessor_lines(ctx))
    return out


def _scores_line(ci: CrfInput, inst: Instrument, ctx: PrintContext, st: Styles) -> list[Flowable]:
    ev = ci.evaluation
    assert ev is not None
    frame = ci.record.frame
    rows = frame.index[frame["visit"] == ci.visit.visit] if "visit" in frame.columns else []
    if len(rows) == 0:
        return []
    row = rows[0]
    parts = []
    for s in inst.scores:
        if s.name not in ev.scores.columns:
            continue
        v = ev.scores.at[row, s.name]
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        choice = next((c for c in s.choices if c.code == v), None)
        if choice is not None:
            text = choice.zh if ctx.lang == "zh" else choice.en
        else:
            text = str(v) if s.is_text else format_number(float(v), s.decimals)
        parts.append(
            f"{esc(s.zh if ctx.lang == 'zh' else s.en)} {text}{' ' + s.unit if s.unit else ''}"
        )
    score_names = set(inst.score_names)
    confs = [
        _confirmation_text(c, ctx)
        for c in ci.record.confirmations
        if c.visit == ci.visit.visit and c.item in score_names
    ]
    out: list[Flowable] = []
    if parts:
        head = ctx.t(
            f"Computed scores (scoring {inst.version})", f"计算得分（评分版本 {inst.version}）"
        )
        out.append(Paragraph(f"<b>{esc(head)}:</b> " + "; ".join(parts), st.small))
    for c in confs:
        out.append(Paragraph(c, st.small))
    return out


def _assessor_lines(ctx: PrintContext) -> Flowable:
    line = "_" * 26
    table = Table(
        [
            [
                ctx.t("Assessor", "评估者"),
                line,
                ctx.t("Signature", "签名"),
                line,
                ctx.t("Date", "日期"),
                "____-__-__",
            ]
        ],
        colWidths=[18 * mm, 48 * mm, 16 * mm, 48 * mm, 12 * mm, 30 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return KeepTogether([table, Spacer(1, 2 * mm)])


def _visit_close(ci: CrfInput, ctx: PrintContext, st: Styles) -> list[Flowable]:
    v = ci.visit
    if not ci.completed:
        return []
    status = ctx.t(*VISIT_STATUS[v.status]) if v.status in VISIT_STATUS else v.status
    parts = [f"{ctx.t('Visit status', '访视状态')}: {esc(status)}"]
    if v.status_reason:
        parts.append(esc(v.status_reason))
    if v.out_of_window:
        parts.append(f"{ctx.t('out of window', '超出窗口期')}: {esc(v.out_of_window_reason or '')}")
    if v.signed_by:
        parts.append(
            f"{ctx.t('signed electronically by', '电子签名人')} {esc(v.signed_by)} "
            f"{fmt_timestamp(v.signed_at)} ({esc(signature_meaning(ctx, v.signature_meaning))})"
        )
    if v.locked:
        parts.append(ctx.t("locked", "已锁定"))
    return [Spacer(1, 2 * mm), Paragraph(" · ".join(parts), st.body)]


def crf_input(
    record: ParticipantRecord,
    visit: str,
    *,
    completed: bool,
    instruments: Sequence[Instrument] | None = None,
    evaluation: Evaluation | None = None,
    settings: ScoringSettings | None = None,
) -> CrfInput:
    try:
        v = record.visit(visit)
    except KeyError:
        known = ", ".join(x.visit for x in record.visits)
        raise KeyError(f"visit {visit!r} is not in the schedule ({known})") from None
    insts = instruments_for_visit(v, instruments)
    ev = evaluation
    if completed and ev is None and len(record.frame):
        ev = evaluate_frame(record.frame, settings or record.study.settings, instruments)
    return CrfInput(
        record=record,
        visit=v,
        instruments=insts,
        answers=dict(record.answers.get(visit, {})) if completed else {},
        evaluation=ev,
        completed=completed,
    )


def crf_story(
    ci: CrfInput, ctx: PrintContext, wording: Wording = SHORT_LABELS
) -> tuple[list[Flowable], str]:
    st = make_styles(ctx.lang)
    version = form_version(ci.instruments, wording)
    story: list[Flowable] = list(_header(ci, ctx, st, version))
    for inst in ci.instruments:
        story += _instrument_block(ci, inst, ctx, st, wording)
    story += _visit_close(ci, ctx, st)
    return story, version


def build_crf(
    record: ParticipantRecord,
    visit: str,
    ctx: PrintContext,
    target: str | Path | None = None,
    *,
    completed: bool = False,
    wording: Wording = SHORT_LABELS,
    instruments: Sequence[Instrument] | None = None,
    settings: ScoringSettings | None = None,
) -> bytes:
    """One visit's CRF, blank (default) or completed with the stored answers."""
    ci = crf_input(record, visit, completed=completed, instruments=instruments, settings=settings)
    story, version = crf_story(ci, ctx, wording)
    ctx = dataclasses.replace(ctx, extra_footer=f"{ctx.t('Form version', '表格版本')} {version}")
    kind = ctx.t("CRF", "病例报告表")
    return build_pdf(story, ctx, target, title=f"{kind} {record.participant.code} {visit}")


def build_crf_set(
    record: ParticipantRecord,
    ctx: PrintContext,
    target: str | Path | None = None,
    *,
    completed: bool = False,
    wording: Wording = SHORT_LABELS,
    instruments: Sequence[Instrument] | None = None,
    settings: ScoringSettings | None = None,
) -> bytes:
    """Every visit of the schedule in one PDF (each visit starts on a new page)."""
    story: list[Flowable] = []
    versions: list[str] = []
    ev = None
    if completed and len(record.frame):
        ev = evaluate_frame(record.frame, settings or record.study.settings, instruments)
    for i, v in enumerate(record.visits):
        ci = crf_input(record, v.visit, completed=completed, instruments=instruments, evaluation=ev)
        part, version = crf_story(ci, ctx, wording)
        if i:
            story.append(PageBreak())
        story += part
        if version not in versions:
            versions.append(version)
    label = ctx.t("Form version", "表格版本")
    ctx = dataclasses.replace(ctx, extra_footer=f"{label} {', '.join(versions)}")
    kind = ctx.t("CRF set", "病例报告表全套")
    return build_pdf(story, ctx, target, title=f"{kind} {record.participant.code}")
