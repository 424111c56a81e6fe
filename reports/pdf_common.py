"""What every OutcomeDesk PDF shares: the embedded font, styles, and the record footer.

DESIGN.md "Reports": a PDF is a record. It embeds every font it uses, names the program version and
the scoring version of each instrument, the user who printed it and when (local time with its UTC
offset and UTC, ICH E6(R3) 4.2 "timestamps are unambiguous"), and the same data gives the same
bytes (ReportLab invariant mode), so golden-file tests are stable. The generated-at time is a
parameter for exactly that reason.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus.tables import Table

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION
from reports.fonts import FONT, register_fonts
from scoring.model import Item, ItemType
from store.signatures import meaning_zh

rl_config.invariant = 1  # no creation date or random document ID: same data, same bytes

LANGS = ("en", "zh")
MARGIN = 14 * mm
FOOTER_SIZE = 6.5
FOOTER_LEADING = 8.0
GRID = colors.HexColor("#9aa3ad")
HEAD_BG = colors.HexColor("#e8edf2")
FLAG_BG = {
    "error": colors.HexColor("#f8d0d0"),
    "warning": colors.HexColor("#fbe7c2"),
    "clinical": colors.HexColor("#dfe9f7"),
}

# Visit statuses of the store (notes/store_api.md VisitRow.status), as printed.
VISIT_STATUS = {
    "planned": ("planned", "计划中"),
    "in_progress": ("in progress", "进行中"),
    "complete": ("complete", "已完成"),
    "missed": ("missed", "错过"),
    "not_done": ("not done", "未做"),
}
# Participant statuses of the store (store.api.PARTICIPANT_STATUSES), as printed.
PARTICIPANT_STATUS = {
    "screened": ("screened", "已筛选"),
    "enrolled": ("enrolled", "已入组"),
    "withdrawn": ("withdrawn", "已退出"),
    "completed": ("completed", "已完成"),
}


def tr(lang: str, en: str, zh: str) -> str:
    """The text in the report's language."""
    return zh if lang == "zh" else en


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


@dataclass(frozen=True, slots=True)
class PrintContext:
    """Who prints, when, in which language; everything the footer states.

    ``generated_at`` must be timezone-aware (it is converted to UTC); ``local_tz`` is the zone the
    local time is shown in (the machine's zone when None).
    """

    user: str
    generated_at: dt.datetime
    lang: str = "en"
    local_tz: dt.tzinfo | None = None
    scoring_versions: Mapping[str, str] = field(default_factory=dict)
    program: str = f"{PROGRAM_NAME} {PROGRAM_VERSION}"
    extra_footer: str = ""  # e.g. the CRF form version

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if self.generated_at.tzinfo is None:
            raise ValueError("generated_at must be timezone-aware")

    @property
    def utc(self) -> dt.datetime:
        return self.generated_at.astimezone(dt.UTC)

    @property
    def local(self) -> dt.datetime:
        return self.generated_at.astimezone(self.local_tz)

    def t(self, en: str, zh: str) -> str:
        return tr(self.lang, en, zh)


def now_context(
    user: str, lang: str, scoring_versions: Mapping[str, str], extra_footer: str = ""
) -> PrintContext:
    """A context stamped with the current time (commands and the GUI)."""
    return PrintContext(
        user=user,
        generated_at=dt.datetime.now(dt.UTC),
        lang=lang,
        scoring_versions=dict(scoring_versions),
        extra_footer=extra_footer,
    )


def format_offset(moment: dt.datetime) -> str:
    off = moment.utcoffset() or dt.timedelta(0)
    sign = "+" if off >= dt.timedelta(0) else "-"
    minutes = abs(int(off.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def footer_lines(ctx: PrintContext, width: float) -> list[str]:
    """The footer text (without the page number), wrapped to ``width`` points."""
    local, utc = ctx.local, ctx.utc
    stamp = (
        f"{local:%Y-%m-%d %H:%M} ({format_offset(local)}) = {utc:%Y-%m-%d %H:%M} UTC"
        if local.utcoffset()
        else f"{utc:%Y-%m-%d %H:%M} UTC"
    )
    first = (
        f"{ctx.program} · {ctx.t('printed by', '打印人')} {ctx.user} · "
        f"{ctx.t('generated', '生成于')} {stamp}"
    )
    versions = ", ".join(f"{k} {v}" for k, v in sorted(ctx.scoring_versions.items()))
    second = f"{ctx.t('Scoring versions', '评分版本')}: {versions or '—'}"
    lines = [first, second] + ([ctx.extra_footer] if ctx.extra_footer else [])
    out: list[str] = []
    for line in lines:
        out.extend(simpleSplit(line, FONT, FOOTER_SIZE, width))
    return out


def footer_height(ctx: PrintContext, page_width: float) -> float:
    register_fonts()
    return len(footer_lines(ctx, page_width - 2 * MARGIN - 30 * mm)) * FOOTER_LEADING + 4 * mm


def _numbered_canvas(ctx: PrintContext) -> Callable[..., Canvas]:
    """A canvas class that holds pages back until the end so it can print "page x of y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _draw_footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize
            lines = footer_lines(ctx, width - 2 * MARGIN - 30 * mm)
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            top = MARGIN * 0.6 + len(lines) * FOOTER_LEADING
            self.line(MARGIN, top + 1.5, width - MARGIN, top + 1.5)
            self.setFont(FONT, FOOTER_SIZE)
            self.setFillColor(colors.black)
            y = top - FOOTER_LEADING + 2
            for line in lines:
                self.drawString(MARGIN, y, line)
                y -= FOOTER_LEADING
            page = ctx.t(f"Page {number} of {total}", f"第 {number} 页，共 {total} 页")
            self.setFont(FONT, 8)
            self.drawRightString(width - MARGIN, top - FOOTER_LEADING + 1, page)
            self.restoreState()

    return NumberedCanvas


def build_pdf(
    story: Sequence[Flowable],
    ctx: PrintContext,
    target: str | Path | io.BytesIO | None = None,
    *,
    title: str,
    pagesize: tuple[float, float] = A4,
) -> bytes:
    """Lay out ``story`` with the record footer; write to ``target`` (if given), return bytes."""
    register_fonts()
    buf = io.BytesIO()
    width, height = pagesize
    bottom = MARGIN * 0.6 + footer_height(ctx, width)
    doc = BaseDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=bottom,
        title=title,
        author=ctx.user,
        creator=ctx.program,
        producer=ctx.program,
        subject=title,
        invariant=1,
        initialFontName=FONT,
    )
    frame = Frame(MARGIN, bottom, width - 2 * MARGIN, height - MARGIN - bottom, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(list(story), canvasmaker=_numbered_canvas(ctx))
    data = buf.getvalue()
    if isinstance(target, io.BytesIO):
        target.write(data)
    elif target is not None:
        Path(target).write_bytes(data)
    return data


# --------------------------------------------------------------------------------------------
# Styles and tables (every one in the embedded font)


@dataclass(frozen=True, slots=True)
class Styles:
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_small: ParagraphStyle
    cell_head: ParagraphStyle


def make_styles(lang: str) -> Styles:
    register_fonts()
    wrap = "CJK" if lang == "zh" else None

    def style(name: str, size: float, leading: float, **kw) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=FONT,
            fontSize=size,
            leading=leading,
            alignment=TA_LEFT,
            wordWrap=wrap,
            **kw,
        )

    ink = colors.HexColor("#1f3b57")
    return Styles(
        title=style("od-title", 15, 19, spaceAfter=4),
        h1=style("od-h1", 12, 15, spaceBefore=8, spaceAfter=4, textColor=ink),
        h2=style("od-h2", 10, 13, spaceBefore=5, spaceAfter=2, textColor=ink),
        body=style("od-body", 9, 12),
        small=style("od-small", 7.5, 9.5),
        cell=style("od-cell", 8, 10),
        cell_small=style("od-cell-small", 7, 8.6),
        cell_head=style("od-cell-head", 8, 10, textColor=ink),
    )


def grid_table(
    rows: list[list],
    col_widths: Sequence[float] | None,
    *,
    header_rows: int = 1,
    extra: Iterable[tuple] = (),
    font_size: float = 8,
) -> Table:
    """A gridded table in the embedded font; the header rows repeat on every page."""
    register_fonts()
    table = Table(rows, colWidths=col_widths, repeatRows=header_rows, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 2),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG))
        style.append(("TEXTCOLOR", (0, 0), (-1, header_rows - 1), colors.HexColor("#1f3b57")))
    style.extend(extra)
    table.setStyle(TableStyle(style))
    return table


def fmt_date(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fmt_timestamp(value: object) -> str:
    """An audit timestamp (stored UTC) as ``YYYY-MM-DD HH:MM UTC``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return str(value)


def signature_meaning(ctx: PrintContext, recorded: str | None) -> str:
    """A recorded e-signature meaning in the report's language (store.signatures)."""
    return ctx.t(recorded, meaning_zh(recorded)) if recorded else ""


def fit_cell(text: str, style: ParagraphStyle, width: float, padding: float = 6.0):
    """The plain string when it fits one line of the cell (much faster to lay out), else a
    wrapping Paragraph. Plain cells take the table's font (always the embedded one)."""
    if stringWidth(text, FONT, style.fontSize) <= width - padding and "\n" not in text:
        return text
    return Paragraph(esc(text), style)


def esc(text: object) -> str:
    """Text made safe for a ReportLab Paragraph."""
    return (
        str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if text is not None
        else ""
    )


def format_number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def format_item(item: Item, value: object, status: object, lang: str) -> str:
    if isinstance(status, str) and status:
        return status
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if item.type is ItemType.CLOCK:
        minutes = round(float(value))
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if item.type is ItemType.TEXT:
        return str(value)
    if item.type is ItemType.CODED:
        return str(int(value))
    return format_number(float(value), item.decimals)
