"""Qt table models over store rows (style.md §4): rows converted once into display tuples,
flags answered through roles, bulk updates by model reset (pitfall 11). One model per grid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from scoring.model import Level
from ui import i18n
from ui.fields import LEVEL_COLOURS

_Index = QModelIndex | QPersistentModelIndex
OVERDUE_BG = QColor("#fde2e1")
OUT_OF_WINDOW_BG = QColor("#fff1d6")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: Callable[[], str]
    get: Callable[[Any], object]
    align_right: bool = False


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


class _TableModel(QAbstractTableModel):
    """Shared row/column plumbing; subclasses declare ``columns`` and ``_style``."""

    columns: tuple[Column, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._cache: list[tuple[str, ...]] = []
        i18n.notifier.changed.connect(self._relabel)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cache = [self._display_row(r) for r in self._rows]
        self.endResetModel()

    def _display_row(self, r: Any) -> tuple[str, ...]:
        out = []
        for c in self.columns:
            v = c.get(r)
            out.append("" if v is None else str(v))
        return tuple(out)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cache[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()]
        return self._style(self._rows[index.row()], index.column(), role)

    def _style(self, row: Any, column: int, role: int) -> object:
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title()
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def _relabel(self, _code: str) -> None:
        self.beginResetModel()
        self._cache = [self._display_row(r) for r in self._rows]
        self.endResetModel()


# ------------------------------------------------------------------------------------ participants
@dataclass(slots=True)
class ParticipantSummary:
    """A participant row plus what the list derives from visits and flags."""

    row: Any
    next_labels: tuple[str, str] = ("", "")  # the next visit's label, English and Chinese
    next_due: dt.date | None = None
    overdue: int = 0
    open_flags: int = 0
    age: int | None = None


def participant_status_text(status: str) -> str:
    return {
        "screened": QCoreApplication.translate("ParticipantStatus", "screened"),
        "enrolled": QCoreApplication.translate("ParticipantStatus", "enrolled"),
        "completed": QCoreApplication.translate("ParticipantStatus", "completed"),
        "withdrawn": QCoreApplication.translate("ParticipantStatus", "withdrawn"),
    }.get(status, status)


def sex_text(sex: str | None) -> str:
    return {
        "M": QCoreApplication.translate("Sex", "male"),
        "F": QCoreApplication.translate("Sex", "female"),
    }.get(sex or "", sex or "")


class ParticipantTableModel(_TableModel):
    columns = (
        Column(
            "code",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Code"),
            lambda s: s.row.code,
        ),
        Column(
            "site",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Site"),
            lambda s: s.row.site,
        ),
        Column(
            "sex",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Sex"),
            lambda s: sex_text(s.row.sex),
        ),
        Column(
            "age",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Age"),
            lambda s: s.age,
            True,
        ),
        Column(
            "day1",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Day 1"),
            lambda s: _date(s.row.day1_date),
        ),
        Column(
            "status",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Status"),
            lambda s: participant_status_text(s.row.status),
        ),
        Column(
            "next",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Next visit"),
            lambda s: f"{i18n.pick(*s.next_labels)} {_date(s.next_due)}".strip(),
        ),
        Column(
            "overdue",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Overdue"),
            lambda s: s.overdue or "",
            True,
        ),
        Column(
            "flags",
            lambda: QCoreApplication.translate("ParticipantTableModel", "Open flags"),
            lambda s: s.open_flags or "",
            True,
        ),
    )

    def _style(self, s: ParticipantSummary, column: int, role: int) -> object:
        key = self.columns[column].key
        if role == Qt.ItemDataRole.BackgroundRole:
            if key == "overdue" and s.overdue:
                return QBrush(OVERDUE_BG)
            if key == "flags" and s.open_flags:
                return QBrush(QColor(LEVEL_COLOURS[Level.WARNING][0]))
        return None

    def row_for_code(self, code: str) -> int:
        for i, s in enumerate(self._rows):
            if s.row.code == code:
                return i
        return -1


class ParticipantFilter(QSortFilterProxyModel):
    """Search text (code, screening or randomisation number) and filters: site, status,
    overdue visits only, open flags only."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text = ""
        self.site = ""
        self.status = ""
        self.overdue_only = False
        self.flags_only = False
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_filter(self, **kwargs: object) -> None:
        self.beginFilterChange()
        for k, v in kwargs.items():
            if not hasattr(self, k):
                raise AttributeError(k)
            setattr(self, k, v)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        s: ParticipantSummary = model.row_at(source_row)
        r = s.row
        if self.text:
            needle = self.text.casefold()
            hay = " ".join(
                str(x or "")
                for x in (
                    r.code,
                    getattr(r, "screening_no", ""),
                    getattr(r, "randomization_no", ""),
                )
            ).casefold()
            if needle not in hay:
                return False
        if self.site and r.site != self.site:
            return False
        if self.status and r.status != self.status:
            return False
        if self.overdue_only and not s.overdue:
            return False
        return not (self.flags_only and not s.open_flags)


# ------------------------------------------------------------------------------------ timeline
def visit_status_text(status: str) -> str:
    return {
        "planned": QCoreApplication.translate("Status", "planned"),
        "in_progress": QCoreApplication.translate("Status", "in progress"),
        "complete": QCoreApplication.translate("Status", "complete"),
        "missed": QCoreApplication.translate("Status", "missed"),
        "not_done": QCoreApplication.translate("Status", "not done"),
    }.get(status, status)


def is_overdue(v: Any, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return (
        v.status in ("planned", "in_progress")
        and v.window_end is not None
        and (today > v.window_end)
        and v.actual_date is None
    )


@dataclass(slots=True)
class TimelineRow:
    visit: Any
    open_flags: int = 0


class VisitTimelineModel(_TableModel):
    columns = (
        Column(
            "visit",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Visit"),
            lambda t: i18n.pick(t.visit.label_en, t.visit.label_zh),
        ),
        Column(
            "target",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Target"),
            lambda t: _date(t.visit.target_date),
        ),
        Column(
            "window",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Window"),
            lambda t: f"{_date(t.visit.window_start)} … {_date(t.visit.window_end)}",
        ),
        Column(
            "actual",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Actual"),
            lambda t: _date(t.visit.actual_date),
        ),
        Column(
            "status",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Status"),
            lambda t: _visit_state(t),
        ),
        Column(
            "flags",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Open flags"),
            lambda t: t.open_flags or "",
            True,
        ),
        Column(
            "signed",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Signed"),
            lambda t: f"✔ {t.visit.signed_by}" if t.visit.signed_by else "",
        ),
        Column(
            "locked",
            lambda: QCoreApplication.translate("VisitTimelineModel", "Locked"),
            lambda t: (
                QCoreApplication.translate("VisitTimelineModel", "locked") if t.visit.locked else ""
            ),
        ),
    )

    def _style(self, t: TimelineRow, column: int, role: int) -> object:
        v = t.visit
        if role == Qt.ItemDataRole.DecorationRole:
            return lock_icon() if v.locked and self.columns[column].key == "locked" else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if is_overdue(v):
                return QBrush(OVERDUE_BG)
            if v.out_of_window:
                return QBrush(OUT_OF_WINDOW_BG)
            if self.columns[column].key == "flags" and t.open_flags:
                return QBrush(QColor(LEVEL_COLOURS[Level.WARNING][0]))
        if role == Qt.ItemDataRole.ToolTipRole:
            notes = []
            if is_overdue(v):
                notes.append(
                    QCoreApplication.translate(
                        "VisitTimelineModel", "Overdue: the window has closed."
                    )
                )
            if v.out_of_window:
                notes.append(
                    QCoreApplication.translate(
                        "VisitTimelineModel", "Out of window: {reason}"
                    ).format(reason=v.out_of_window_reason or "")
                )
            if v.status_reason:
                notes.append(v.status_reason)
            if v.locked:
                notes.append(
                    QCoreApplication.translate(
                        "VisitTimelineModel",
                        "Locked: read-only until a data manager unlocks it (with a reason).",
                    )
                )
            return "\n".join(notes) or None
        return None

    def row_for_visit(self, code: str) -> int:
        for i, t in enumerate(self._rows):
            if t.visit.visit == code:
                return i
        return -1


_LOCK_ICON: list[QIcon] = []


def _padlock(size: int, colour: QColor, hole: QColor) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    u = size / 16
    p.setPen(QPen(colour, 1.7 * u))
    shackle = QPainterPath()
    shackle.moveTo(4.8 * u, 7.5 * u)
    shackle.lineTo(4.8 * u, 5.2 * u)
    shackle.arcTo(4.8 * u, 1.4 * u, 6.4 * u, 7.0 * u, 180, -180)
    shackle.lineTo(11.2 * u, 7.5 * u)
    p.drawPath(shackle)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawRoundedRect(2.8 * u, 7.0 * u, 10.4 * u, 8.0 * u, 1.4 * u, 1.4 * u)
    p.setBrush(hole)
    p.drawEllipse(7.0 * u, 9.3 * u, 2.0 * u, 2.0 * u)
    p.drawRect(7.6 * u, 10.6 * u, 0.8 * u, 2.6 * u)
    p.end()
    return pm


def lock_icon() -> QIcon:
    """A padlock, drawn (no bundled font has U+1F512 and Qt's standard icons have no lock);
    the cell also says "locked" in words, for screen readers and in the tooltip."""
    if not _LOCK_ICON:
        icon = QIcon()
        for mode, colour, hole in (
            (QIcon.Mode.Normal, QColor("#3d4f66"), QColor("#ffffff")),
            (QIcon.Mode.Selected, QColor("#ffffff"), QColor("#3d4f66")),  # on the highlight
        ):
            for size in (16, 24, 32, 48):
                icon.addPixmap(_padlock(size, colour, hole), mode)
        _LOCK_ICON.append(icon)
    return _LOCK_ICON[0]


def _visit_state(t: TimelineRow) -> str:
    v = t.visit
    text = visit_status_text(v.status)
    if is_overdue(v):
        text += " · " + QCoreApplication.translate("VisitTimelineModel", "overdue")
    if v.out_of_window:
        text += " · " + QCoreApplication.translate("VisitTimelineModel", "out of window")
    return text


# ------------------------------------------------------------------------------------ history
class HistoryModel(_TableModel):
    columns = (
        Column(
            "when",
            lambda: QCoreApplication.translate("HistoryModel", "When (UTC)"),
            lambda a: _ts(a.ts_utc),
        ),
        Column(
            "who", lambda: QCoreApplication.translate("HistoryModel", "Who"), lambda a: a.username
        ),
        Column(
            "action",
            lambda: QCoreApplication.translate("HistoryModel", "Action"),
            lambda a: a.action,
        ),
        Column(
            "field",
            lambda: QCoreApplication.translate("HistoryModel", "Field"),
            lambda a: a.field or a.entity_key or "",
        ),
        Column(
            "old", lambda: QCoreApplication.translate("HistoryModel", "Old"), lambda a: a.old_value
        ),
        Column(
            "new", lambda: QCoreApplication.translate("HistoryModel", "New"), lambda a: a.new_value
        ),
        Column(
            "reason",
            lambda: QCoreApplication.translate("HistoryModel", "Reason"),
            lambda a: a.reason,
        ),
    )


def _ts(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")
