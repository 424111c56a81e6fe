"""Qt model of the live scores panel: one row per declared Score of the visit's instruments."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from scoring.model import Instrument, Level, Score, unit_label
from ui import i18n
from ui.fields import LEVEL_COLOURS

_Index = QModelIndex | QPersistentModelIndex


def _counted(unit: str, n: int) -> str | None:
    """``n`` with a countable unit, singular or plural by Qt's %n forms (English plural forms
    come from outcomedesk_en.qm, installed by ui.app); None for other units."""
    if unit == "points":
        return QCoreApplication.translate("ScoresModel", "%n point(s)", "", n)
    if unit == "years":
        return QCoreApplication.translate("ScoresModel", "%n year(s)", "", n)
    return None


_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def language_part(text: str) -> str:
    """The current language's half of a text recorded as "English / 中文" (e.g. the Fried rules
    used, scoring/fried.py ``rules_text``); any other text as it is."""
    start = 0
    while (i := text.find(" / ", start)) >= 0:
        en, zh = text[:i], text[i + 3 :]
        if zh and _CJK.match(zh) and not _CJK.search(en):
            return i18n.pick(en, zh)
        start = i + 3
    return text


def format_score(score: Score, value: object) -> str:
    """A score's value as shown: a category's label; a quantity with its unit in the current
    language (a score with a unit is a quantity even when its values are listed as choices,
    e.g. SPPB's 0–4 points)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if score.choices and not score.unit:
        for c in score.choices:
            if isinstance(value, int | float) and c.code == value:
                return i18n.pick(c.en, c.zh)
    if score.is_text or isinstance(value, str):
        return language_part(str(value))
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:.{max(score.decimals, 0)}f}"
    if float(text).is_integer():
        counted = _counted(score.unit, int(float(text)))
        if counted is not None:
            return counted
    unit = unit_label(score.unit, "zh" if i18n.is_chinese() else "en")
    return f"{text} {unit}".strip()


def _num(x: float, decimals: int) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.{decimals}f}"


class ScoresModel(QAbstractTableModel):
    """Columns: score, value, range. Values are set as a whole dict per evaluation."""

    COLUMNS = ("score", "value", "range")

    def __init__(self, instruments: Sequence[Instrument], parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Instrument, Score]] = [
            (inst, s) for inst in instruments for s in inst.scores
        ]
        self._pos = {s.name: i for i, (_, s) in enumerate(self._rows)}
        self._values: dict[str, object] = {}
        self._levels: dict[str, tuple[Level, str]] = {}
        self._pending: set[str] = set()  # not scored yet for the visit on screen: blank
        i18n.notifier.changed.connect(self._relabel)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def text_rows(self) -> list[int]:
        """Rows of text scores (e.g. the rules Fried used): long, shown wrapped."""
        return [i for i, (_, s) in enumerate(self._rows) if s.is_text]

    def score_at(self, row: int) -> Score:
        return self._rows[row][1]

    def value(self, name: str) -> object:
        return self._values.get(name)

    def display(self, name: str) -> str:
        if name in self._pending:
            return ""
        return format_score(self._rows[self._pos[name]][1], self._values.get(name))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        inst, score = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return i18n.pick(score.en, score.zh)
            if col == 1:
                return self.display(score.name)
            d = score.decimals if score.decimals >= 0 else 1
            lo = "" if score.low is None else _num(score.low, d)
            hi = "" if score.high is None else _num(score.high, d)
            if lo and hi:
                return f"{lo}–{hi}"
            return f"≥ {lo}" if lo else (f"≤ {hi}" if hi else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            level = self._levels.get(score.name)
            text = f"{i18n.pick(inst.en, inst.zh)}: {score.name}\n{score.rule} ({score.source})"
            if score.is_text and col == 1 and self.display(score.name):
                text = f"{self.display(score.name)}\n\n{text}"  # the whole of a long text
            return f"{level[1]}\n{text}" if level else text
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and score.name in self._levels
            and score.name not in self._pending
        ):
            return QBrush(QColor(LEVEL_COLOURS[self._levels[score.name][0]][0]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            side = Qt.AlignmentFlag.AlignLeft if score.is_text else Qt.AlignmentFlag.AlignRight
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return score.name
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return (self.tr("Score"), self.tr("Value"), self.tr("Range"))[section]

    def set_pending(self, names: Iterable[str]) -> None:
        """Show ``names`` blank until their next ``update`` (another visit was bound and they
        are scored a moment later); the others keep their values until then."""
        pending = {n for n in names if n in self._pos}
        changed = [self._pos[n] for n in pending ^ self._pending]
        self._pending = pending
        if changed:
            self.dataChanged.emit(
                self.index(min(changed), 1), self.index(max(changed), len(self.COLUMNS) - 1)
            )

    def update(
        self,
        values: dict[str, object],
        levels: dict[str, tuple[Level, str]],
        names: Sequence[str] | None = None,
    ) -> None:
        """Replace values (and flag levels) of ``names`` (all scores when None)."""
        names = list(self._pos) if names is None else [n for n in names if n in self._pos]
        changed: list[int] = []
        for n in names:
            if n in self._pending:
                self._pending.discard(n)
                changed.append(self._pos[n])
            new = values.get(n)
            old = self._values.get(n)
            same = (
                (old is new)
                or (old == new)
                or (
                    isinstance(old, float)
                    and isinstance(new, float)
                    and math.isnan(old)
                    and math.isnan(new)
                )
            )
            if not same or self._levels.get(n) != levels.get(n):
                changed.append(self._pos[n])
            self._values[n] = new
            if n in levels:
                self._levels[n] = levels[n]
            else:
                self._levels.pop(n, None)
        if changed:
            top, bottom = min(changed), max(changed)
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, len(self.COLUMNS) - 1))

    def _relabel(self, _code: str) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 2))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
