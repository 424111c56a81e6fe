"""One entry field per declared ``scoring.model.Item`` (DESIGN.md "One definition per instrument").

The editor is chosen by the item's type; nothing about a particular instrument is written here:
CODED → digits pick the choice (auto-advance when the code is unambiguous); INTEGER / DECIMAL →
validating line edits (no clamping: out-of-range values are flagged by the engine, style.md
pitfall 12); CLOCK → HH:MM (typing 2330 gives 23:30); TEXT → free text. Missing-data codes have
one key each (F5–F9; in non-text fields also the letters D R U N K). Enter/Tab advance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from scoring.model import Item, ItemType, Level, MissingCode, unit_label
from ui.i18n import is_chinese, pick
from ui.level_colours import COLOURS_BY_LEVEL

# one key per missing-data code (function keys work in every field, letters in non-text fields)
MISSING_KEYS: dict[int, MissingCode] = {
    Qt.Key.Key_F5: MissingCode.NOT_DONE,
    Qt.Key.Key_F6: MissingCode.REFUSED,
    Qt.Key.Key_F7: MissingCode.UNABLE,
    Qt.Key.Key_F8: MissingCode.NOT_APPLICABLE,
    Qt.Key.Key_F9: MissingCode.UNKNOWN,
}
MISSING_LETTERS: dict[int, MissingCode] = {
    Qt.Key.Key_D: MissingCode.NOT_DONE,
    Qt.Key.Key_R: MissingCode.REFUSED,
    Qt.Key.Key_U: MissingCode.UNABLE,
    Qt.Key.Key_N: MissingCode.NOT_APPLICABLE,
    Qt.Key.Key_K: MissingCode.UNKNOWN,
}
MISSING_KEY_NAMES: dict[MissingCode, str] = {
    MissingCode.NOT_DONE: "F5/D",
    MissingCode.REFUSED: "F6/R",
    MissingCode.UNABLE: "F7/U",
    MissingCode.NOT_APPLICABLE: "F8/N",
    MissingCode.UNKNOWN: "F9/K",
}

LEVEL_COLOURS = {Level(value): pair for value, pair in COLOURS_BY_LEVEL.items()}


@dataclass(slots=True)
class FieldState:
    """One field: the text as typed, a missing-data code, whether the stopwatch timed it."""

    text: str = ""
    status: str | None = None
    timed: bool = False
    extra: dict = field(default_factory=dict)

    def as_tuple(self) -> tuple[str, str | None, bool]:
        return (self.text, self.status, self.timed)


def is_timed_item(item: Item) -> bool:
    """A trial the stopwatch can fill: a decimal measured in seconds."""
    return item.type is ItemType.DECIMAL and item.unit.strip() == "s"


def _validator_pattern(item: Item) -> str | None:
    if item.type is ItemType.CODED:
        width = max((len(str(c)) for c in item.codes), default=2)
        return rf"\d{{0,{width}}}"
    if item.type is ItemType.INTEGER:
        return r"-?\d{0,6}"
    if item.type is ItemType.DECIMAL:
        number = r"-?\d{0,6}([.,]\d{0,4})?"
        return rf"({number}|\d{{1,2}}:\d{{0,2}})" if item.accept_hmm else number
    if item.type is ItemType.CLOCK:
        return r"\d{0,2}(:\d{0,2})?|\d{3,4}"
    return None


def normalise(item: Item, text: str) -> str:
    """The raw value as the engine and the store expect it (decimal comma → point)."""
    text = text.strip()
    if item.type is ItemType.DECIMAL and ":" not in text:
        text = text.replace(",", ".")
    return text


class FieldEdit(QLineEdit):
    """The line edit of one item; keys that mean something to the form become signals."""

    advance = Signal(bool)  # True = backwards (Shift+Tab)
    missing = Signal(str)  # MissingCode value, "" = clear
    stopwatch = Signal()
    undo = Signal()
    redo = Signal()

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName(f"field_{item.name}")
        pattern = _validator_pattern(item)
        if pattern:
            self.setValidator(
                QRegularExpressionValidator(QRegularExpression(f"^({pattern})$"), self)
            )
        if item.type is ItemType.CODED:
            self.setMaximumWidth(60)
        elif item.type is ItemType.TEXT:
            self.setMinimumWidth(220)
        else:
            self.setMaximumWidth(110)
        self.textEdited.connect(self._edited)

    def _edited(self, text: str) -> None:
        if self.item.type is ItemType.CLOCK and len(text) == 4 and text.isdigit():
            self.setText(f"{text[:2]}:{text[2:]}")
            self.textEdited.emit(self.text())
            return
        if self.item.type is ItemType.CODED and text:
            codes = [str(c) for c in self.item.codes]
            if text in codes and not any(c != text and c.startswith(text) for c in codes):
                self.advance.emit(False)

    def _complete_clock(self) -> None:
        """A clock time left as 3 digits or H:MM (930, 9:30) is 09:30, as 2330 is 23:30: the
        field turns 4 digits into HH:MM as they are typed, but 3 digits could still become 4
        until the user leaves the field."""
        if self.item.type is not ItemType.CLOCK or self.isReadOnly():
            return
        text = self.text().strip()
        if len(text) == 3 and text.isdigit():
            text = f"0{text[0]}:{text[1:]}"
        elif len(text) == 4 and text[1] == ":" and text[0].isdigit() and text[2:].isdigit():
            text = f"0{text}"
        else:
            return
        self.setText(text)
        self.textEdited.emit(text)

    def event(self, ev: QEvent) -> bool:
        # let the form's QUndoStack handle undo/redo, not the line edit's own
        if (
            ev.type() == QEvent.Type.ShortcutOverride
            and isinstance(ev, QKeyEvent)
            and (
                ev.matches(QKeySequence.StandardKey.Undo)
                or ev.matches(QKeySequence.StandardKey.Redo)
            )
        ):
            ev.ignore()
            return False
        if ev.type() == QEvent.Type.KeyPress and ev.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self._complete_clock()
            self.advance.emit(ev.key() == Qt.Key.Key_Backtab)
            return True
        return super().event(ev)

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        key = ev.key()
        mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._complete_clock()
            self.advance.emit(bool(mods & Qt.KeyboardModifier.ShiftModifier))
            return
        if ev.matches(QKeySequence.StandardKey.Undo):
            self.undo.emit()
            return
        if ev.matches(QKeySequence.StandardKey.Redo):
            self.redo.emit()
            return
        if mods == Qt.KeyboardModifier.NoModifier:
            code = MISSING_KEYS.get(key)
            if code is None and self.item.type not in (ItemType.TEXT, ItemType.CENSORED):
                code = MISSING_LETTERS.get(key)
            if code is not None:
                self.missing.emit(code.value)
                return
            if key == Qt.Key.Key_Space and is_timed_item(self.item):
                self.stopwatch.emit()
                return
            if key == Qt.Key.Key_Delete and self.isReadOnly() is False and not self.text():
                self.missing.emit("")
                return
        super().keyPressEvent(ev)


def choices_text(item: Item, selected: str) -> str:
    """ "1 Excellent · 2 Very good · …" with the picked one in bold (rich text)."""
    parts = []
    for c in item.choices:
        text = pick(c.en, c.zh)
        # some declarations already start the label with its code ("1 no problems")
        label = text if text.split(" ", 1)[0] == str(c.code) else f"{c.code} {text}"
        if str(c.code) == selected:
            label = f"<b><u>{label}</u></b>"
        parts.append(label)
    return " · ".join(parts)


def item_label(item: Item) -> str:
    """The item's label and unit in the user's language ("Trial 1 (s)", "第1次（秒）")."""
    if is_chinese():
        text = item.zh or item.en
        return f"{text}（{unit_label(item.unit, 'zh')}）" if item.unit else text
    return f"{item.en} ({item.unit})" if item.unit else item.en


class FlagLabel(QLabel):
    """The message beside a field, coloured by the flag level."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.level: Level | None = None

    def show_flag(self, level: Level | None, message: str) -> None:
        if level is None:
            message = ""
        if level is self.level and message == self.text():
            return  # a style sheet set again re-polishes the label and lays the page out again
        self.level = level
        if level is None:
            self.clear()
            self.setStyleSheet("")
            return
        bg, fg = LEVEL_COLOURS[level]
        self.setText(message)
        self.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; padding: 1px 4px; }}")
