"""Import of legacy or paper-collected data in the export's own long layout (xlsx or CSV).

Every cell is checked with the same declarations and flag engine as the form
(``scoring.engine.evaluate``); unknown participants, sites, visits and columns, duplicate rows,
wrong types and formula-like cells are listed with their file row and column. Nothing is written
unless the whole file is valid; warnings need an explicit acceptance reason. The write is one
transaction through the store API, every value audited with the reason
``import <file name> sha256=<hex>``.

File rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is 2.
Columns the export derives (scores, age, visit target/window/deviation) are accepted and ignored:
the store and the engine compute them again. A participant not yet in the study is created from
its attribute columns (site, sex, birth_date, day1_date, height, weight); for a known participant
those columns must match the study.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from reports.export_frame import (
    FIXED_COLUMNS,
    FORMULA_PREFIXES,
    STATUS_SUFFIX,
    STORE_STATUS_SUFFIX,
    is_blank,
)
from scoring.engine import evaluate
from scoring.model import Instrument, Item, ItemType, MissingCode, ScoringSettings

MAX_FILE_BYTES = 200 * 1024 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and encrypted .xlsx files
MAX_LISTED = 200  # problems listed in full; the count is always exact
VISIT_STATUSES = ("planned", "in_progress", "complete", "missed", "not_done")
_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
MEASURED_AT_VISIT = ("height_cm", "weight_kg")  # attribute at enrolment, answer at a visit
PARTICIPANT_FIELDS = ("site", "sex", "birth_date", "day1_date", "height_cm", "weight_kg")
# export columns derived from the data (the store and the engine compute them again)
DERIVED_COLUMNS = (
    "age",
    "visit_target_date",
    "visit_window_start",
    "visit_window_end",
    "visit_days_from_target",
    "visit_out_of_window",
)
# the store API actions an import performs (store/roles.py): who may import
STORE_ACTIONS = ("add_participant", "save_answers", "set_visit_status")
READ_STEP = 2000  # rows read between two progress reports

Progress = Callable[[int, int], None]
"""``progress(done, total)``; it may raise to stop the work (a write then rolls back)."""


def _no_progress(done: int, total: int) -> None:
    return None


class ImportFileError(Exception):
    """The file cannot be read as a table at all (one clear line, in English and Chinese)."""

    def __init__(self, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.message_zh = message_zh or message


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None  # file row (header = 1), None for the whole file
    column: str | None
    level: str  # "error" | "warning"
    message: str
    rule: str = ""
    message_zh: str = ""

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ("en" or "zh…"); English when no Chinese is known."""
        return self.message_zh if lang.startswith("zh") and self.message_zh else self.message

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        prefix = ", ".join(where)
        return (
            f"{self.level}: {prefix}: {self.message}"
            if prefix
            else f"{self.level}: " + (self.message)
        )


@dataclass(slots=True)
class VisitWrite:
    """What one file row writes: a visit's answers, statuses and visit status."""

    row: int
    participant: str
    visit: str
    values: dict[str, object]
    statuses: dict[str, str]
    warned_items: set[str] = field(default_factory=set)
    visit_status: str | None = None
    visit_date: dt.date | None = None
    status_reason: str | None = None
    out_of_window_reason: str | None = None


@dataclass(slots=True)
class NewParticipant:
    row: int
    code: str
    site: str
    sex: str
    birth_date: dt.date
    day1_date: dt.date | None
    height_cm: float | None
    weight_kg: float | None


@dataclass(slots=True)
class ImportPlan:
    file_name: str
    sha256: str
    rows: int
    problems: list[Problem]
    new_participants: list[NewParticipant]
    visits: list[VisitWrite]
    ignored_columns: list[str] = field(default_factory=list)  # derived: recomputed, not read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def reason(self) -> str:
        return f"import {self.file_name} sha256={self.sha256}"

    @property
    def value_count(self) -> int:
        return sum(len(v.values) + len(v.statuses) for v in self.visits)


@dataclass(slots=True)
class StudyContext:
    """What validation needs to know about the target study."""

    visit_codes: tuple[str, ...]
    sites: frozenset[str]
    participants: dict[str, dict[str, object]]  # code → participant fields
    settings: ScoringSettings | None = None  # the study protocol's scoring settings


def context_from_store(store, session) -> StudyContext:
    info = store.study(session)
    parts = {}
    for p in store.participants(session):
        parts[p.code] = {f: getattr(p, f, None) for f in PARTICIPANT_FIELDS}
    return StudyContext(
        visit_codes=tuple(info.protocol.visit_codes),
        sites=frozenset(s.code for s in store.sites(session)),
        participants=parts,
        settings=info.protocol.scoring_settings,
    )


# --------------------------------------------------------------------------------------------
# Reading


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_table(path: Path, progress: Progress | None = None) -> tuple[pd.DataFrame, bytes]:
    """The file's cells (objects; CSV cells as text) and its bytes; ``ImportFileError`` when the
    file is not a readable xlsx/CSV table. ``progress(rows read, 0)`` is called while reading."""
    report = progress or _no_progress
    name = path.name
    if not path.exists():
        raise ImportFileError(f"{name}: no such file", f"{name}：文件不存在")
    if path.is_dir():
        raise ImportFileError(
            f"{name}: is a directory, not an .xlsx or .csv file",
            f"{name}：是文件夹，不是 .xlsx 或 .csv 文件",
        )
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(f"{name}: the file is empty", f"{name}：文件为空")
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise ImportFileError(
            f"{name}: {size / 1e6:.0f} MB is larger than the {limit} MB limit",
            f"{name}：{size / 1e6:.0f} MB 超过 {limit} MB 的上限",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:  # permission denied, I/O error: bad input, not a crash
        reason = exc.strerror or type(exc).__name__
        raise ImportFileError(
            f"{name}: cannot be read ({reason})", f"{name}：无法读取（{reason}）"
        ) from None
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(name, data, report), data
    if suffix == ".csv":
        return _read_csv(name, data, report), data
    raise ImportFileError(
        f"{name}: unsupported file type '{suffix}' (use .xlsx or .csv)",
        f"{name}：不支持的文件类型“{suffix}”（请使用 .xlsx 或 .csv）",
    )


def _damaged(name: str, exc: BaseException) -> ImportFileError:
    return ImportFileError(
        f"{name}: damaged or truncated xlsx workbook ({exc})",
        f"{name}：xlsx 工作簿已损坏或不完整（{exc}）",
    )


def _unreadable(name: str, exc: BaseException) -> ImportFileError:
    return ImportFileError(
        f"{name}: not a readable xlsx workbook ({type(exc).__name__})",
        f"{name}：无法读取的 xlsx 工作簿（{type(exc).__name__}）",
    )


def _read_xlsx(name: str, data: bytes, report: Progress = _no_progress) -> pd.DataFrame:
    import openpyxl

    if data.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            f"{name}: an old Excel (.xls) or password-protected workbook; save it as .xlsx "
            "without a password",
            f"{name}：旧版 Excel（.xls）或有密码保护的工作簿；请另存为无密码的 .xlsx",
        )
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{name}: not an xlsx workbook (no zip signature)",
            f"{name}：不是 xlsx 工作簿（没有 zip 文件签名）",
        )
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise _damaged(name, exc) from None
    except Exception as exc:  # any reader failure is bad input, never a crash
        raise _unreadable(name, exc) from None
    rows: list[list] = []
    try:
        try:
            merged = _merged_ranges(wb, data)
        except (zipfile.BadZipFile, EOFError, KeyError, OSError, zlib.error) as exc:
            raise _damaged(name, exc) from None
        if merged:
            shown = ", ".join(merged[:3]) + (", …" if len(merged) > 3 else "")
            sheet = _data_sheet(wb).title
            raise ImportFileError(
                f"{name}: sheet '{sheet}' has merged cells ({shown}); only the first cell of a "
                "merged range holds its value: unmerge them so every cell has its own value",
                f"{name}：工作表“{sheet}”有合并单元格（{shown}）；合并区域只有第一个单元格有值："
                "请取消合并，使每个单元格都有自己的值",
            )
        lines = _xlsx_rows(wb)
        while True:
            # the reader's failures are bad input; the callback's (cancel) are passed on
            try:
                row = next(lines, None)
            except (zipfile.BadZipFile, EOFError, KeyError, OSError) as exc:
                raise _damaged(name, exc) from None
            except Exception as exc:
                raise _unreadable(name, exc) from None
            if row is None:
                break
            rows.append(row)
            if len(rows) % READ_STEP == 0:
                report(len(rows), 0)
    finally:
        wb.close()
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(f"{name}: the data sheet is empty", f"{name}：数据工作表为空")
    header = [("" if v is None else str(v)).strip() for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = [(r + [None] * width)[:width] for r in rows[1:]]
    return _frame(header, body)


def _data_sheet(wb):
    return wb["data"] if "data" in wb.sheetnames else wb.worksheets[0]


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(wb, data: bytes) -> list[str]:
    """The merged ranges of the data sheet (``B3:B4``), read from the sheet's XML as a stream
    (the read-only reader does not report them; the ranges follow the cells, at the end)."""
    path = getattr(_data_sheet(wb), "_worksheet_path", None)
    if not path:
        return []
    found: list[str] = []
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(path.lstrip("/")) as fh:
        while chunk := fh.read(1 << 20):
            text = tail + chunk
            found.extend(m.decode("ascii") for m in _MERGE_REF.findall(text))
            tail = text[-200:]
            # a match wholly inside the carried tail would be found twice: keep the tail short
            # of any complete element by cutting it after the last '>'
            cut = tail.rfind(b">")
            tail = tail[cut + 1 :] if cut >= 0 else tail
    from openpyxl.utils.cell import range_boundaries

    def top_left(ref: str) -> tuple[int, int]:
        min_col, min_row, _, _ = range_boundaries(ref)
        return (min_row or 0, min_col or 0)

    return sorted(dict.fromkeys(found), key=top_left)


def _xlsx_rows(wb) -> Iterator[list]:
    ws = _data_sheet(wb)
    for r in ws.iter_rows(values_only=False):
        yield [_xlsx_cell(c) for c in r]


def _xlsx_cell(cell) -> object:
    v = cell.value
    if getattr(cell, "data_type", None) == "f" and v is not None and not str(v).startswith("="):
        v = "=" + str(v)
    return v


def _read_csv(name: str, data: bytes, report: Progress = _no_progress) -> pd.DataFrame:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            f"{name}: UTF-16 text; save the CSV as UTF-8",
            f"{name}：UTF-16 文本；请将 CSV 另存为 UTF-8",
        )
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            f"{name}: binary data, not a CSV text file",
            f"{name}：二进制数据，不是 CSV 文本文件",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name}: not UTF-8 text (invalid byte at offset {exc.start}); save the CSV as UTF-8",
            f"{name}：不是 UTF-8 文本（偏移 {exc.start} 处的字节无效）；请将 CSV 另存为 UTF-8",
        ) from None
    if not text.strip():
        raise ImportFileError(f"{name}: the file is empty", f"{name}：文件为空")
    import csv

    try:
        rows = []
        for r in csv.reader(io.StringIO(text, newline="")):
            rows.append(r)
            if len(rows) % READ_STEP == 0:
                report(len(rows), 0)
    except csv.Error as exc:
        raise ImportFileError(
            f"{name}: not a readable CSV ({exc})", f"{name}：无法读取的 CSV（{exc}）"
        ) from None
    while rows and all(c.strip() == "" for c in rows[-1]):
        rows.pop()
    header = [c.strip() for c in rows[0]]
    width = len(header)
    sep = _other_separator(header)
    if sep is not None:
        raise ImportFileError(
            f"{name}: the columns are separated by {sep}, not commas: save the file as "
            "'CSV (comma delimited)' UTF-8",
            f"{name}：各列以 {sep} 分隔，而不是逗号：请另存为“CSV（逗号分隔）”UTF-8",
        )
    if len(rows) > 1 and len(rows[-1]) < width and not text.endswith(("\n", "\r")):
        n = len(rows)
        raise ImportFileError(
            f"{name}: row {n} ends after {len(rows[-1])} of {width} columns without a line "
            "break: the file looks truncated (copy it again from its source)",
            f"{name}：第 {n} 行只有 {len(rows[-1])}/{width} 列且没有换行：文件似乎不完整"
            "（请从来源重新复制）",
        )
    body = []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) > width and any(c.strip() for c in r[width:]):
            raise ImportFileError(
                f"{name}: row {i} has {len(r)} cells but the header has {width} columns",
                f"{name}：第 {i} 行有 {len(r)} 个单元格，但表头只有 {width} 列",
            )
        body.append([None if c == "" else c for c in (r + [""] * width)[:width]])
    return _frame(header, body)


def _other_separator(header: Sequence[str]) -> str | None:
    """ "';'" or "a tab" when a one-column header is really several names joined by that
    separator (a spreadsheet's regional CSV or 'Text' format), else None."""
    if len(header) != 1:
        return None
    for sep, shown in ((";", "';'"), ("\t", "a tab")):
        if header[0].count(sep) >= 1:
            return shown
    return None


def _frame(header: list[str], body: list[list]) -> pd.DataFrame:
    frame = pd.DataFrame(body, columns=range(len(header)), dtype=object)
    frame.attrs["header"] = header
    frame.index = range(2, 2 + len(frame))  # file rows
    return frame


# --------------------------------------------------------------------------------------------
# Validating


def _problem_sink():
    problems: list[Problem] = []

    def add(row, column, message, level="error", rule="", zh=""):
        problems.append(Problem(row, column, level, message, rule, zh))

    return problems, add


def build_plan(
    frame: pd.DataFrame,
    context: StudyContext,
    file_name: str,
    sha256: str,
    instruments: Sequence[Instrument] | None = None,
    settings: ScoringSettings | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Validate every cell; the plan lists problems and, when there are none, what to write.

    ``progress(step, steps)`` is called between the steps (columns, keys, participants, each
    item, the flag engine, the rows to write)."""
    from scoring.registry import INSTRUMENTS

    report = progress or _no_progress
    pool = tuple(instruments) if instruments is not None else INSTRUMENTS
    problems, add = _problem_sink()
    header: list[str] = frame.attrs.get("header", [str(c) for c in frame.columns])
    items: dict[str, Item] = {}
    scores: set[str] = set()
    for inst in pool:
        for it in inst.items:
            items.setdefault(it.name, it)
        scores.update(inst.score_names)

    wide = _wide_layout_column(header, context.visit_codes, set(items) | scores)
    if wide is not None:  # one clear problem instead of one 'unknown column' per column
        add(
            1,
            wide,
            "this is the export's wide layout (one row per participant, a column per variable "
            "and visit); import reads the long layout: export with --layout long",
            zh="这是导出的宽格式（每位受试者一行，每个变量与访视一列）；导入读取长格式："
            "请用 --layout long 导出",
        )
        return ImportPlan(file_name, sha256, len(frame), problems, [], [], [])

    # columns
    seen: dict[str, int] = {}
    use: dict[str, int] = {}
    ignored: list[str] = []
    for pos, name in enumerate(header):
        if name == "":
            if frame[pos].map(lambda v: not is_blank(v)).any():
                add(
                    1,
                    f"#{pos + 1}",
                    "a column with data has no header name",
                    zh="有数据的列没有表头名称",
                )
            continue
        if name in seen:
            add(
                1,
                name,
                f"duplicate column (also column {seen[name] + 1})",
                zh=f"重复的列（与第 {seen[name] + 1} 列同名）",
            )
            continue
        seen[name] = pos
        base = _status_base(name)
        known = name in FIXED_COLUMNS or name in items or name in scores
        if known or (base is not None and (base in items or base in scores)):
            use[name] = pos
            derived = name in DERIVED_COLUMNS and name not in items  # age is checked, not written
            if derived or name in scores or (base is not None and base in scores):
                ignored.append(name)
        else:
            add(
                1,
                name,
                "unknown column (not a codebook variable of this program)",
                zh="未知的列（不是本程序编码本中的变量）",
            )
    for need in ("participant", "visit"):
        if need not in use:
            add(1, need, "required column is missing", zh="缺少必需的列")
    if any(p.level == "error" and p.row == 1 for p in problems) or not len(frame):
        if not len(frame):
            add(
                None,
                None,
                "the file has a header but no data rows",
                zh="文件只有表头，没有数据行",
            )
        return ImportPlan(file_name, sha256, len(frame), problems, [], [], ignored)

    cells = pd.DataFrame({n: frame[p] for n, p in use.items()}, index=frame.index)
    present_items = [n for n in items if n in cells.columns or _status_col(n, cells) is not None]
    steps = 5 + len(present_items)
    report(1, steps)
    cells = _formula_check(cells, add)

    # keys
    part = _key_texts(cells["participant"])
    visit = _key_texts(cells["visit"])
    first_row: dict[tuple[str, str], int] = {}
    bad_rows: set[int] = set()
    for row in cells.index:
        p, v = part[row], visit[row]
        if p is None:
            add(row, "participant", "participant code is empty", zh="受试者编号为空")
            bad_rows.add(row)
        if v is None:
            add(row, "visit", "visit code is empty", zh="访视编号为空")
            bad_rows.add(row)
        elif v not in context.visit_codes:
            codes = ", ".join(context.visit_codes)
            add(
                row,
                "visit",
                f"unknown visit '{v}' (protocol: {codes})",
                zh=f"未知的访视“{v}”（方案中的访视：{codes}）",
            )
            bad_rows.add(row)
        if p is not None and v is not None:
            if (p, v) in first_row:
                add(
                    row,
                    "visit",
                    f"duplicate row: {p} {v} already in row {first_row[(p, v)]}",
                    zh=f"重复的行：{p} {v} 已在第 {first_row[(p, v)]} 行",
                )
                bad_rows.add(row)
            else:
                first_row[(p, v)] = row
    report(2, steps)

    new_participants = _participants(cells, part, context, add, items.get("sex"), set(items))

    # visit fields
    vdate = _dates(cells, "visit_date", add)
    vstatus = _texts(cells, "visit_status")
    for row, s in vstatus.items():
        if s is not None and s not in VISIT_STATUSES:
            allowed = ", ".join(VISIT_STATUSES)
            add(
                row,
                "visit_status",
                f"'{s}' is not a visit status ({allowed})",
                zh=f"“{s}”不是访视状态（{allowed}）",
            )

    # items: statuses, then the engine on values
    raw = {"participant": part, "visit": visit}
    status_cols: dict[str, pd.Series] = {}
    for done, name in enumerate(present_items, start=3):
        report(done, steps)
        item = items[name]
        values = cells[name] if name in cells.columns else pd.Series(None, index=cells.index)
        values = _engine_values(item, values)
        st_name = _status_col(name, cells)
        st = pd.Series([None] * len(cells), index=cells.index, dtype=object)
        if st_name is not None:
            for row, v in cells[st_name].items():
                if is_blank(v):
                    continue
                code = str(v).strip().upper()
                allowed = sorted(c.value for c in item.missing)
                if code not in {c.value for c in MissingCode}:
                    add(
                        row,
                        st_name,
                        f"'{v}' is not a missing-data code ({', '.join(allowed)})",
                        zh=f"“{v}”不是缺失数据代码（{', '.join(allowed)}）",
                    )
                elif MissingCode(code) not in item.missing:
                    add(
                        row,
                        st_name,
                        f"missing-data code {code} does not apply to {name}",
                        zh=f"缺失数据代码 {code} 不适用于 {name}",
                    )
                elif not is_blank(values[row]):
                    add(
                        row,
                        st_name,
                        f"{name} has both a value and missing-data code {code}",
                        zh=f"{name} 同时有数值和缺失数据代码 {code}",
                    )
                else:
                    st[row] = code
        raw[name] = values
        status_cols[name] = st
    raw_frame = pd.DataFrame(raw, index=cells.index)
    order = {v: i for i, v in enumerate(context.visit_codes)}
    ranked = raw_frame.assign(_r=visit.map(order).fillna(len(order)))
    ranked = ranked.sort_values(["participant", "_r"], kind="stable").drop(columns="_r")
    status_frame = pd.DataFrame(status_cols, index=cells.index).loc[ranked.index]
    report(steps - 2, steps)
    settings = settings or context.settings
    ev = evaluate(ranked, settings, pool, status=status_frame if status_cols else None)
    report(steps - 1, steps)
    warned: dict[int, set[str]] = {}
    for f in ev.flags.itertuples(index=False):
        if f.level == "error":
            add(int(f.row), f.variable, f.message_en, "error", f.rule, f.message_zh)
        elif f.level == "warning":
            add(int(f.row), f.variable, f.message_en, "warning", f.rule, f.message_zh)
            warned.setdefault(int(f.row), set()).add(f.variable)

    base: dict[str, dict[str, object]] = {
        code: {f: fields.get(f) for f in MEASURED_AT_VISIT}
        for code, fields in context.participants.items()
    }
    for p in new_participants:
        base[p.code] = {"height_cm": p.height_cm, "weight_kg": p.weight_kg}
    writes = []
    for row in cells.index:
        if row in bad_rows:
            continue
        values = {}
        statuses = {}
        for name in present_items:
            v = raw_frame.at[row, name]
            if name in MEASURED_AT_VISIT:  # an answer only where it differs from the attribute
                b = base.get(part[row], {}).get(name)
                x = _as_number(v)
                same = x is None or x is _BAD or (b is not None and abs(float(b) - x) < 1e-9)
                if same and status_cols[name][row] is None:
                    continue
            elif name in FIXED_COLUMNS:  # participant attributes (sex, age)
                continue
            code = status_cols[name][row]
            if code is not None:
                statuses[name] = code
            elif not is_blank(v):
                values[name] = _store_value(items[name], v)
        writes.append(
            VisitWrite(
                row=row,
                participant=part[row],
                visit=visit[row],
                values=values,
                statuses=statuses,
                warned_items=warned.get(row, set()),
                visit_status=vstatus.get(row),
                visit_date=vdate.get(row),
                status_reason=_texts(cells, "visit_status_reason").get(row),
                out_of_window_reason=_texts(cells, "visit_out_of_window_reason").get(row),
            )
        )
    problems.sort(key=lambda p: (p.row or 0, 0 if p.level == "error" else 1))
    report(steps, steps)
    return ImportPlan(file_name, sha256, len(frame), problems, new_participants, writes, ignored)


def _wide_layout_column(
    header: Sequence[str], visit_codes: Sequence[str], variables: Set[str]
) -> str | None:
    """The first ``<variable>_<visit>`` column of a file without a ``visit`` column (the
    export's wide layout), else None."""
    if "visit" in header or not visit_codes:
        return None
    for name in header:
        for code in visit_codes:
            suffix = f"_{code}"
            if name.endswith(suffix):
                base = name[: -len(suffix)]
                if base in variables or _status_base(base) in variables:
                    return name
    return None


def _key_texts(column: pd.Series) -> pd.Series:
    """Participant or visit codes as stripped text, None when blank. (Series.map would turn
    None into NaN in a column with any text, and NaN then became the code 'nan'.)"""
    texts = [None if is_blank(v) else str(v).strip() for v in column.tolist()]
    return pd.Series(texts, index=column.index, dtype=object)


def _status_base(name: str) -> str | None:
    for suffix in (STORE_STATUS_SUFFIX, STATUS_SUFFIX):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


def _status_col(item: str, cells: pd.DataFrame) -> str | None:
    for suffix in (STATUS_SUFFIX, STORE_STATUS_SUFFIX):
        if item + suffix in cells.columns:
            return item + suffix
    return None


def _formula_check(cells: pd.DataFrame, add) -> pd.DataFrame:
    """Refuse formula-like text (= + - @ not forming a number); undo the export's neutralising
    apostrophe (``'=x`` → ``=x``, stored as text)."""
    out = {}
    for name in cells.columns:
        col = cells[name].tolist()
        for i, v in enumerate(col):
            if not isinstance(v, str):
                continue
            s = v.lstrip()
            if s.startswith(FORMULA_PREFIXES) and not _NUMBER.match(s):
                add(
                    int(cells.index[i]),
                    name,
                    f"formula-like cell '{_clip(v)}' refused (a cell may not start with = + - @; "
                    "text meant literally is written with a leading apostrophe)",
                    zh=f"拒绝类似公式的单元格“{_clip(v)}”（单元格不得以 = + - @ 开头；"
                    "需按字面保存的文本请在开头加一个撇号）",
                )
                col[i] = None
            elif v.startswith("'") and v[1:].startswith(FORMULA_PREFIXES):
                col[i] = v[1:]
        out[name] = pd.Series(col, index=cells.index, dtype=object)
    return pd.DataFrame(out, index=cells.index)


def _clip(v: str, n: int = 40) -> str:
    return v if len(v) <= n else v[: n - 1] + "…"


def _engine_values(item: Item, values: pd.Series) -> pd.Series:
    """Cells as the engine reads them. A clock time is HH:MM in a CSV and an Excel time in an
    xlsx (the codebook's CLOCK_NOTE; openpyxl gives ``datetime.time``, or the day fraction when
    the cell lost its time format). Anything else in a clock cell — a bare number such as '23'
    (23:00? 00:23?), a date and time, a number of days — is passed on as text for the engine
    to refuse by name, never guessed."""
    out = []
    for v in values.tolist():
        if is_blank(v):
            out.append(None)
        elif (
            item.type is not ItemType.CLOCK
            or isinstance(v, dt.time)
            or (isinstance(v, str) and not _NUMBER.match(v))
        ):
            out.append(v.strip() if isinstance(v, str) else v)
        elif isinstance(v, dt.datetime):
            # e.g. 23 typed into the export's hh:mm cell is 23 days, shown as 00:00
            out.append(f"{v:%Y-%m-%d %H:%M}")
        elif (
            isinstance(v, float | np.floating)
            and not isinstance(v, bool)
            and np.isfinite(v)
            and 0 <= v < 1
            and abs(v * 1440 - round(v * 1440)) < 1e-6
        ):
            minutes = round(v * 1440)  # an Excel time (day fraction) on a whole minute
            out.append(dt.time(minutes // 60, minutes % 60))
        else:
            out.append(str(v).strip())
    return pd.Series(out, index=values.index, dtype=object)


def _store_value(item: Item, v: object) -> object:
    """A raw entry for ``store.save_answers`` (as typed: numbers, "HH:MM", text)."""
    if item.type is ItemType.CLOCK:
        if isinstance(v, dt.time):
            return f"{v.hour:02d}:{v.minute:02d}"
        if isinstance(v, int | float | np.integer | np.floating) and np.isfinite(v):
            m = int(v)
            return f"{m // 60:02d}:{m % 60:02d}"
        return str(v)
    if item.is_numeric:
        if isinstance(v, bool):
            return v
        if isinstance(v, str):
            try:
                return float(v)
            except ValueError:
                return v
        return float(v) if isinstance(v, int | float | np.integer | np.floating) else v
    return v if isinstance(v, str) else str(v)


def _texts(cells: pd.DataFrame, name: str) -> dict[int, str | None]:
    if name not in cells.columns:
        return {}
    return {r: None if is_blank(v) else str(v).strip() for r, v in cells[name].items()}


def _dates(cells: pd.DataFrame, name: str, add) -> dict[int, dt.date | None]:
    out: dict[int, dt.date | None] = {}
    if name not in cells.columns:
        return out
    for row, v in cells[name].items():
        d = _as_date(v)
        if d is _BAD:
            add(row, name, f"'{v}' is not a date (YYYY-MM-DD)", zh=f"“{v}”不是日期（YYYY-MM-DD）")
            d = None
        out[row] = d
    return out


_BAD = object()


def _as_date(v: object):
    if is_blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date() if v.time() == dt.time(0) else _BAD
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    try:
        return dt.date.fromisoformat(s[:10]) if len(s) in (10, 19) else _BAD
    except ValueError:
        return _BAD


def _as_number(v: object):
    if is_blank(v):
        return None
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        return float(v)
    s = str(v).strip()
    return float(s) if _NUMBER.match(s) else _BAD


def _participants(
    cells, part, context: StudyContext, add, sex_item: Item | None, checked: Set[str] = frozenset()
) -> list[NewParticipant]:
    """New participants are created from their attribute columns; for known participants the
    file's attributes must match the study (an import never changes them silently). A bad
    number in a column the engine checks as an item (``checked``) is listed once, by the engine."""
    fields = {}
    for f in PARTICIPANT_FIELDS:
        if f in cells.columns:
            fields[f] = cells[f]
    new: dict[str, NewParticipant] = {}
    first: dict[str, dict[str, object]] = {}
    for row in cells.index:
        code = part[row]
        if code is None:
            continue
        got: dict[str, object] = {}
        for f, col in fields.items():
            v = col[row]
            if f in ("birth_date", "day1_date"):
                x = _as_date(v)
                if x is _BAD:
                    add(
                        row,
                        f,
                        f"'{v}' is not a date (YYYY-MM-DD)",
                        zh=f"“{v}”不是日期（YYYY-MM-DD）",
                    )
                    continue
            elif f in ("height_cm", "weight_kg"):
                x = _as_number(v)
                if x is _BAD:
                    if f not in checked:
                        add(row, f, f"'{v}' is not a number", zh=f"“{v}”不是数字")
                    continue
            elif f == "sex":
                x = None if is_blank(v) else _sex_for_store(sex_item, v)
            else:
                x = None if is_blank(v) else str(v).strip()
            got[f] = x
        if code in first:
            for f, x in got.items():
                if f in MEASURED_AT_VISIT:
                    continue
                if x is not None and first[code].get(f) not in (None, x):
                    add(
                        row,
                        f,
                        f"{code}: {x} differs from {first[code][f]} in an earlier row",
                        zh=f"{code}：{x} 与前面行中的 {first[code][f]} 不一致",
                    )
            continue
        first[code] = got
        known = context.participants.get(code)
        if known is not None:
            for f, x in got.items():
                k = known.get(f)
                if x is None or k is None or f in MEASURED_AT_VISIT:
                    continue
                if isinstance(k, float | int) and isinstance(x, float):
                    same = abs(float(k) - x) < 1e-9
                else:
                    same = str(k) == str(x)
                if not same:
                    add(
                        row,
                        f,
                        f"{code}: {x} differs from the study's value {k}",
                        zh=f"{code}：{x} 与研究中已有的值 {k} 不一致",
                    )
            continue
        missing = [f for f in ("site", "sex", "birth_date", "day1_date") if got.get(f) is None]
        if missing:
            add(
                row,
                "participant",
                f"unknown participant {code}; to create it the file needs {', '.join(missing)}",
                zh=f"未知的受试者 {code}；要新建该受试者，文件需要 {', '.join(missing)}",
            )
            continue
        if got["site"] not in context.sites:
            sites = ", ".join(sorted(context.sites))
            add(
                row,
                "site",
                f"unknown site '{got['site']}' ({sites})",
                zh=f"未知的中心“{got['site']}”（{sites}）",
            )
            continue
        new[code] = NewParticipant(
            row,
            code,
            str(got["site"]),
            str(got["sex"]),
            got["birth_date"],
            got["day1_date"],
            got.get("height_cm"),
            got.get("weight_kg"),
        )
    return list(new.values())


def plan_file(
    path: Path,
    context: StudyContext,
    instruments: Sequence[Instrument] | None = None,
    settings: ScoringSettings | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read and validate ``path`` (``ImportFileError`` when it is not a readable table)."""
    frame, data = read_table(path, progress)
    return build_plan(frame, context, path.name, file_sha256(data), instruments, settings, progress)


# --------------------------------------------------------------------------------------------
# Writing


class ImportRefused(Exception):
    """The store refused part of the import; nothing was written (``problems`` say where).

    ``row`` is the file row the store refused (None before any write), ``detail`` the store's
    own message."""

    def __init__(
        self,
        message: str,
        problems: Sequence[Problem] = (),
        row: int | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.row = row
        self.detail = detail


def _sex_for_store(item: Item | None, value: object) -> str:
    """The store keeps sex as the declared choice's first alias (M/F) — derived, not re-typed."""
    if item is not None and item.type is ItemType.CODED:
        num = _as_number(value)
        if num is not None and num is not _BAD:
            ch = item.choice(int(num))
            if ch is not None and ch.aliases:
                return ch.aliases[0]
    return "" if value is None else str(value).strip()


def _same_entry(stored: object, entry: object) -> bool:
    """A stored (typed) answer equals a file's entry: numbers within 1e-9, clock minutes as
    HH:MM, text as text."""
    if stored is None:
        return entry is None
    if isinstance(stored, int | float) and not isinstance(stored, bool):
        if isinstance(entry, str) and re.fullmatch(r"\s*\d{1,2}[:：]\d{2}\s*", entry):
            h, m = re.split("[:：]", entry.strip())
            return float(stored) == int(h) * 60 + int(m)
        try:
            return abs(float(stored) - float(entry)) < 1e-9  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
    return str(stored) == str(entry).strip()


def _changed_columns(store, session, w: VisitWrite, vrow) -> list[str]:
    """The file columns of row ``w`` whose content differs from the visit in the study (blank
    cells write nothing, so they never differ)."""
    current = store.answers(session, w.participant, w.visit)
    changed = []
    for name, code in w.statuses.items():
        a = current.get(name)
        if a is None or a.status != code:
            changed.append(name)
    for name, value in w.values.items():
        a = current.get(name)
        if a is None or a.status or not _same_entry(a.value, value):
            changed.append(name)
    if w.visit_status and (w.visit_status != "planned" or w.visit_date):
        if w.visit_status != vrow.status:
            changed.append("visit_status")
        if w.visit_date is not None and w.visit_date != vrow.actual_date:
            changed.append("visit_date")
        if (w.status_reason or None) != (vrow.status_reason or None):
            changed.append("visit_status_reason")
        if (w.out_of_window_reason or None) != (vrow.out_of_window_reason or None):
            changed.append("visit_out_of_window_reason")
    return changed


class _UndoDryRun(Exception):
    """Raised at the end of a dry run, inside its transaction, to undo everything written."""


def dry_run_plan(
    store,
    session,
    plan: ImportPlan,
    accept_warnings: str | None = None,
    score_names: Sequence[str] = (),
) -> int:
    """``apply_plan`` in full — every check the store makes on every participant and visit
    (dates, roles, locked visits, stale rows) — then all of it rolled back: a dry run refuses
    exactly what the import would refuse, and writes nothing. Returns the visits it would
    write; ``ImportRefused`` as ``apply_plan``."""

    def undo_at_end(done: int, total: int) -> None:
        if done == total:
            raise _UndoDryRun

    try:
        apply_plan(store, session, plan, accept_warnings, score_names, undo_at_end)
    except _UndoDryRun:
        return len(plan.visits)
    raise RuntimeError("apply_plan did not report its end")  # its contract (see its docstring)


def apply_plan(
    store,
    session,
    plan: ImportPlan,
    accept_warnings: str | None = None,
    score_names: Sequence[str] = (),
    progress: Progress | None = None,
) -> int:
    """Write a valid plan in one transaction (``store.transaction()``); returns the number of
    visits written.

    Every answer is audited with ``plan.reason`` (``import <file> sha256=<hex>``); warnings are
    confirmed with ``accept_warnings`` (required when the plan has any). ``progress(done,
    total)`` is called before each participant and visit is written and once at the end, still
    inside the transaction: an exception it raises (a cancel) rolls the whole file back."""
    from store.errors import StoreError, ValidationFailed

    report = progress or _no_progress

    if plan.errors:
        raise ImportRefused(f"{len(plan.errors)} error(s) in the file; nothing written")
    if plan.warnings and not accept_warnings:
        raise ImportRefused(
            f"{len(plan.warnings)} warning(s) need --accept-warnings REASON; nothing written"
        )
    reason = plan.reason
    confirm_reason = f"{accept_warnings} ({reason})" if accept_warnings else None
    written = 0
    total = len(plan.new_participants) + len(plan.visits)
    current: VisitWrite | NewParticipant | None = None
    try:
        with store.transaction():
            for i, p in enumerate(plan.new_participants):
                report(i, total)
                current = p
                store.add_participant(
                    session,
                    p.code,
                    p.site,
                    p.sex,
                    p.birth_date,
                    p.height_cm,
                    p.weight_kg,
                    p.day1_date,
                )
            for i, w in enumerate(plan.visits, start=len(plan.new_participants)):
                report(i, total)
                current = w
                vrow = store.visit(session, w.participant, w.visit)
                version = vrow.row_version
                if vrow.locked:  # a re-imported export holds locked visits as they are
                    changed = _changed_columns(store, session, w, vrow)
                    if not changed:
                        written += 1
                        continue
                    raise ImportRefused(
                        f"row {w.row}, column {changed[0]}: visit {w.participant} {w.visit} is "
                        "locked; a data manager must unlock it (with a reason) before it can "
                        "change; nothing written",
                        [],
                        w.row,
                        f"visit {w.participant} {w.visit} is locked",
                    )
                if w.values or w.statuses:
                    names = list(w.values) + list(w.statuses)
                    confirmations = (
                        {n: confirm_reason for n in [*names, *score_names]}
                        if confirm_reason
                        else {}
                    )
                    version = store.save_answers(
                        session,
                        w.participant,
                        w.visit,
                        w.values,
                        statuses=w.statuses,
                        confirmations=confirmations,
                        reason=reason,
                        expected_version=version,
                    )
                if w.visit_status and (w.visit_status != "planned" or w.visit_date):
                    store.set_visit_status(
                        session,
                        w.participant,
                        w.visit,
                        w.visit_status,
                        reason=w.status_reason,
                        actual_date=w.visit_date,
                        out_of_window_reason=w.out_of_window_reason,
                        expected_version=version,
                        change_reason=reason,
                    )
                written += 1
            report(total, total)
    except ValidationFailed as exc:
        row = getattr(current, "row", None)
        probs = [
            Problem(
                row,
                f.variable,
                f.level.value if hasattr(f.level, "value") else str(f.level),
                f.message_en,
                f.rule,
                f.message_zh,
            )
            for f in getattr(exc, "flags", ()) or ()
        ]
        raise ImportRefused(f"row {row}: {exc}; nothing written", probs, row, str(exc)) from None
    except StoreError as exc:
        row = getattr(current, "row", None)
        raise ImportRefused(f"row {row}: {exc}; nothing written", (), row, str(exc)) from None
    return written
