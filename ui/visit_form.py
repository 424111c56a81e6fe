"""The visit form: one page per instrument, generated from the declarations; live scores; inline
flags; drafts on every change; undo/redo; save with confirmations and reasons.

Scores and flags come from ``scoring.engine.evaluate_visit`` — the same code path as the ``score``
command — on every keystroke, for the instrument being edited and those that read it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scoring.engine import Evaluation, evaluate_visit
from scoring.model import Instrument, Item, ItemType, Level, MissingCode, ScoringSettings
from store.errors import StoreError, ValidationFailed
from ui import i18n
from ui.fields import (
    LEVEL_COLOURS,
    MISSING_KEY_NAMES,
    FieldEdit,
    FieldState,
    FlagLabel,
    choices_text,
    is_timed_item,
    item_label,
    normalise,
)
from ui.scores_model import ScoresModel
from ui.stopwatch import Stopwatch
from ui.store_messages import store_error_text

DRAFT_FORMAT = 1


def stored_text(item: Item, value: object) -> str:
    """An answer from the store shown as the user would have typed it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if item.type is ItemType.CLOCK:
        minutes = round(float(value))  # type: ignore[arg-type]
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if item.type in (ItemType.CODED, ItemType.INTEGER):
        return str(int(float(value)))  # type: ignore[arg-type]
    if item.type is ItemType.DECIMAL:
        number = float(value)  # type: ignore[arg-type]
        text = f"{number:.{max(item.decimals, 0)}f}" if item.decimals else f"{number:g}"
        if float(text) != number:
            text = repr(number)
        return text
    return str(value)


@dataclass
class VisitContext:
    """Everything the form needs, read from the store once when the visit is opened."""

    participant: Any  # store ParticipantRow
    visit: Any  # store VisitRow
    instruments: tuple[Instrument, ...]
    answers: dict[str, Any]  # item → AnswerRow
    previous: dict[str, object] | None = None  # raw answers of the previous visit
    attributes: dict[str, object] = field(default_factory=dict)
    settings: ScoringSettings = field(default_factory=ScoringSettings)
    draft: dict | None = None
    support: tuple[Instrument, ...] = ()  # read by the form's instruments, not entered here


class WrapDelegate(QStyledItemDelegate):
    """Draws its cells word-wrapped (the view wraps no other row: short ones elide)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText


class _SetField(QUndoCommand):
    """One field change; consecutive keystrokes in the same field merge into one step."""

    ID = 1001

    def __init__(self, form: VisitForm, name: str, before: tuple, after: tuple) -> None:
        super().__init__(name)
        self.form, self.name, self.before, self.after = form, name, before, after
        self._first = True

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _SetField) or other.name != self.name:
            return False
        if self.before[1] != self.after[1] or other.before[1] != other.after[1]:
            return False  # status changes are separate steps
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.form.set_field(self.name, self.after, record=False)

    def undo(self) -> None:
        self.form.set_field(self.name, self.before, record=False)


class ItemRow:
    """The widgets of one item on a page (not a QWidget: they live in the page's grid)."""

    def __init__(self, item: Item, page: QWidget) -> None:
        self.item = item
        self.code = QLabel(item.form_label or item.name, page)
        self.code.setStyleSheet("color: #555;")
        self.label = QLabel(page)
        self.label.setWordWrap(True)
        self.edit = FieldEdit(item, page)
        self.hint = QLabel(page)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.flag = FlagLabel(page)
        self.flag.setObjectName(f"flag_{item.name}")
        self.state = FieldState()
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(item_label(self.item))
        self.label.setBuddy(self.edit)
        self.refresh_hint()

    def refresh_hint(self) -> None:
        st = self.state
        parts = []
        if st.status:
            code = MissingCode(st.status)
            parts.append(f"<b>[{code.value}] {i18n.pick(code.label_en, code.label_zh)}</b>")
        if self.item.type is ItemType.CODED:
            parts.append(choices_text(self.item, "" if st.status else st.text.strip()))
        if st.timed:
            parts.append("⏱ " + QApplication.translate("VisitForm", "timed by the program"))
        self.hint.setText(" ".join(parts))


class InstrumentPage(QWidget):
    """One instrument: its items in declaration order, grouped by section, and its scores."""

    def __init__(self, inst: Instrument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inst = inst
        self.setObjectName(f"page_{inst.key}")
        self.rows: dict[str, ItemRow] = {}
        self.section_labels: list[tuple[QLabel, Item]] = []
        outer = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        outer.addWidget(self.title)
        self.stopwatch: Stopwatch | None = None
        if any(is_timed_item(i) for i in inst.items):
            self.stopwatch = Stopwatch(self)
            outer.addWidget(self.stopwatch)
        self.summary = QLabel()
        self.summary.setObjectName(f"summary_{inst.key}")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setFrameShape(QFrame.Shape.StyledPanel)
        outer.addWidget(self.summary)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 4)
        grid.setColumnStretch(4, 3)
        r = 0
        section = None
        for item in inst.items:
            if item.section and item.section != section:
                section = item.section
                head = QLabel()
                head.setStyleSheet("font-weight: bold; margin-top: 6px;")
                self.section_labels.append((head, item))
                grid.addWidget(head, r, 0, 1, 5)
                r += 1
            row = ItemRow(item, body)
            self.rows[item.name] = row
            grid.addWidget(row.code, r, 0)
            grid.addWidget(row.label, r, 1)
            grid.addWidget(row.edit, r, 2)
            grid.addWidget(row.hint, r, 3)
            grid.addWidget(row.flag, r, 4)
            r += 1
        grid.setRowStretch(r, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(i18n.pick(self.inst.en, self.inst.zh))
        for label, item in self.section_labels:
            label.setText(section_text(item))
        for row in self.rows.values():
            row.retranslate()

    @property
    def edits(self) -> list[FieldEdit]:
        return [r.edit for r in self.rows.values()]


class ConfirmDialog(QDialog):
    """Asks a reason for each warning to confirm and each change to a complete visit."""

    def __init__(
        self, parent: QWidget, warnings: list[tuple[str, str]], changes: list[tuple[str, str]]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmDialog")
        self.setWindowTitle(self.tr("Confirm and give reasons"))
        self.warning_edits: dict[str, QLineEdit] = {}
        self.change_edits: dict[str, QLineEdit] = {}
        lay = QVBoxLayout(self)
        form = QFormLayout()
        if warnings:
            head = QLabel(self.tr("Implausible values: confirm each with a reason"))
            head.setStyleSheet(f"color: {LEVEL_COLOURS[Level.WARNING][1]}; font-weight: bold;")
            form.addRow(head)
            for variable, message in warnings:
                edit = QLineEdit()
                edit.setObjectName(f"confirm_{variable}")
                label = QLabel(message)
                label.setWordWrap(True)
                form.addRow(label, edit)
                self.warning_edits[variable] = edit
        if changes:
            head = QLabel(self.tr("This visit is complete: give a reason for each change"))
            head.setStyleSheet("font-weight: bold;")
            form.addRow(head)
            for name, text in changes:
                edit = QLineEdit()
                edit.setObjectName(f"reason_{name}")
                form.addRow(QLabel(text), edit)
                self.change_edits[name] = edit
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {LEVEL_COLOURS[Level.ERROR][1]};")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        for edit in [*self.warning_edits.values(), *self.change_edits.values()]:
            edit.returnPressed.connect(self._next)
        self.resize(640, self.sizeHint().height())

    def _next(self) -> None:
        edits = [*self.warning_edits.values(), *self.change_edits.values()]
        current = self.focusWidget()
        if current in edits and edits.index(current) < len(edits) - 1:
            edits[edits.index(current) + 1].setFocus()
        else:
            self.accept()

    def accept(self) -> None:
        empty = [
            e
            for e in [*self.warning_edits.values(), *self.change_edits.values()]
            if not e.text().strip()
        ]
        if empty:
            self.error.setText(self.tr("Every line needs a reason."))
            empty[0].setFocus()
            return
        super().accept()

    def confirmations(self) -> dict[str, str]:
        return {k: e.text().strip() for k, e in self.warning_edits.items()}

    def reasons(self) -> dict[str, str]:
        return {k: e.text().strip() for k, e in self.change_edits.items()}


def without_field_name(name: str, message: str) -> str:
    """A flag message without the codebook name the engine starts it with ("sf36_03: …"):
    beside its field, or after the field's name as the form shows it, that name is noise."""
    for sep in (": ", "："):
        if message.startswith(name + sep):
            return message[len(name) + len(sep) :]
    return message


class VisitForm(QWidget):
    """Entry of one visit. Emits ``saved`` after a successful save."""

    saved = Signal()
    history_requested = Signal(str)  # item name ("" = whole visit)
    evaluated = Signal()

    def __init__(
        self, store: Any, session: Any, ctx: VisitContext, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("visitForm")
        self.store, self.session, self.ctx = store, session, ctx
        self.items: dict[str, Item] = {}
        self.item_inst: dict[str, Instrument] = {}
        for inst in ctx.instruments:
            for it in inst.items:
                self.items.setdefault(it.name, it)
                self.item_inst.setdefault(it.name, inst)
        self.undo_stack = QUndoStack(self)
        self.pages: list[InstrumentPage] = []
        self.rows: dict[str, ItemRow] = {}
        self._loading = True
        self.last_evaluation: Evaluation | None = None
        self.flags: dict[str, tuple[Level, str]] = {}
        self.editing_unlocked = False
        self.drafted: set[tuple[str, str]] = set()  # drafts written by this session
        self._pending: set[str] = set()
        self._dependents_timer = QTimer(self)
        self._dependents_timer.setSingleShot(True)
        self._dependents_timer.timeout.connect(self._evaluate_dependents)
        # bind() scores the page on screen at once and the visit's other instruments right
        # after the paint (one event-loop turn later); anything that reads them flushes first
        self._unscored: list[Instrument] = []
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.timeout.connect(self._evaluate_rest)
        self._build()
        self.bind(ctx)

    @property
    def instrument_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.ctx.instruments)

    def bind(self, ctx: VisitContext) -> None:
        """Show another visit with the same instruments (widgets are reused: switching visits
        costs a reload, not a rebuild)."""
        if tuple(i.key for i in ctx.instruments) != tuple(p.inst.key for p in self.pages):
            raise ValueError("bind() needs a visit with the same instruments")
        self._loading = True
        self.ctx = ctx
        self._pending.clear()
        self._dependents_timer.stop()
        self._rest_timer.stop()
        self._unscored = []
        self.undo_stack.clear()
        self.flags.clear()
        self.editing_unlocked = False
        for page in self.pages:
            if page.stopwatch is not None and page.stopwatch.running:
                page.stopwatch.stop()
        self._load()
        self._loading = False
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(0)
        self.tabs.blockSignals(False)
        self._evaluate_shown()
        self._apply_read_only()
        self._refresh_header()

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        head = QHBoxLayout()
        self.header = QLabel()
        self.header.setObjectName("visitHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.header, 1)
        self.date_label = QLabel()
        self.date_edit = QLineEdit()
        self.date_edit.setObjectName("visitDate")
        self.date_edit.setInputMask("9999-99-99")
        self.date_edit.setMaximumWidth(110)
        self.date_label.setBuddy(self.date_edit)
        head.addWidget(self.date_label)
        head.addWidget(self.date_edit)
        lay.addLayout(head)
        self.notice = QLabel()
        self.notice.setObjectName("visitNotice")
        self.notice.setWordWrap(True)
        lay.addWidget(self.notice)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("instrumentTabs")
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for inst in self.ctx.instruments:
            page = InstrumentPage(inst)
            self.pages.append(page)
            self.rows.update(page.rows)
            self.tabs.addTab(page, "")
            if page.stopwatch is not None:
                page.stopwatch.stopped.connect(self._stopwatch_stopped)
        self.tabs.currentChanged.connect(self._page_changed)
        split.addWidget(self.tabs)
        side = QWidget()
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        self.scores_title = QLabel()
        self.scores_title.setStyleSheet("font-weight: bold;")
        side_lay.addWidget(self.scores_title)
        self.scores_model = ScoresModel(self.ctx.instruments, self)
        self.scores_view = QTableView()
        self.scores_view.setObjectName("scoresView")
        self.scores_view.setModel(self.scores_model)
        self.scores_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scores_view.verticalHeader().hide()
        self.scores_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.scores_view.setWordWrap(False)
        # text scores (the rules Fried used) are long: wrapped over the value and range
        # columns, their row as tall as the text (and the whole text in the tooltip)
        self._text_rows = self.scores_model.text_rows()
        self._wrap = WrapDelegate(self.scores_view)
        for r in self._text_rows:
            self.scores_view.setSpan(r, 1, 1, 2)
            self.scores_view.setItemDelegateForRow(r, self._wrap)
        self.scores_model.dataChanged.connect(self._fit_text_rows)
        self.scores_view.horizontalHeader().sectionResized.connect(lambda *_: self._fit_text_rows())
        side_lay.addWidget(self.scores_view, 1)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([820, 420])
        lay.addWidget(split, 1)
        self.keys_help = QLabel()
        self.keys_help.setWordWrap(True)
        self.keys_help.setStyleSheet("color: #555;")
        lay.addWidget(self.keys_help)

        for row in self.rows.values():
            edit = row.edit
            name = row.item.name
            edit.textEdited.connect(lambda _t, n=name: self._typed(n))
            edit.advance.connect(lambda back, n=name: self.advance(n, back))
            edit.missing.connect(lambda code, n=name: self.set_missing(n, code))
            edit.stopwatch.connect(lambda n=name: self._toggle_stopwatch(n))
            edit.undo.connect(self.undo_stack.undo)
            edit.redo.connect(self.undo_stack.redo)
        self.date_edit.textEdited.connect(lambda _t: self.save_draft())
        self.date_edit.returnPressed.connect(self.focus_first)

        def action(name: str, keys, slot) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            act.setShortcuts(keys if isinstance(keys, list) else [keys])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.act_save = action("actSave", QKeySequence.StandardKey.Save, self.save)
        self.act_undo = action("actUndo", QKeySequence.StandardKey.Undo, self.undo_stack.undo)
        self.act_redo = action(
            "actRedo", [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")], self.undo_stack.redo
        )
        self.act_next_page = action(
            "actNextPage",
            QKeySequence("Ctrl+PgDown"),
            lambda: self.goto_page(self.tabs.currentIndex() + 1),
        )
        self.act_prev_page = action(
            "actPrevPage",
            QKeySequence("Ctrl+PgUp"),
            lambda: self.goto_page(self.tabs.currentIndex() - 1),
        )
        self.act_field_history = action(
            "actFieldHistory", QKeySequence("Ctrl+Shift+H"), self._field_history
        )
        self.retranslate()

    def _fit_text_rows(self, top=None, bottom=None, _roles=()) -> None:
        """Text score rows as tall as their wrapped text (QTableView leaves spanned cells out
        of resizeRowToContents, so the delegate is asked directly)."""
        view = self.scores_view
        for r in self._text_rows:
            if top is not None and not (top.row() <= r <= bottom.row()):
                continue
            text = self.scores_model.display(self.scores_model.score_at(r).name)
            width = view.columnWidth(1) + view.columnWidth(2) - 16  # the cell spans both
            flags = int(Qt.TextFlag.TextWordWrap)
            lines = view.fontMetrics().boundingRect(0, 0, max(width, 40), 10_000, flags, text)
            view.setRowHeight(
                r, max(view.verticalHeader().defaultSectionSize(), lines.height() + 12)
            )

    def retranslate(self) -> None:
        for i, page in enumerate(self.pages):
            page.retranslate()
            inst = page.inst
            short = i18n.pick(inst.short_en or inst.en, inst.short_zh or inst.zh)
            self.tabs.setTabText(i, f"&{i + 1} {short}" if i < 9 else short)
            self.tabs.setTabToolTip(i, i18n.pick(inst.en, inst.zh))  # the full name
        self.date_label.setText(self.tr("&Visit date:"))
        self.scores_title.setText(self.tr("Scores (updated as you type)"))
        keys = i18n.joined(
            f"{k} = {i18n.pick(c.label_en, c.label_zh)}" for c, k in MISSING_KEY_NAMES.items()
        )
        self.keys_help.setText(
            self.tr(
                "Keys: digits pick coded answers; Enter/Tab next field; Ctrl+PgDown/PgUp "
                "next/previous page; Ctrl+S save; Ctrl+Z/Ctrl+Y undo/redo; Ctrl+Shift+H "
                "field history; Delete on an empty field clears its missing code. Missing "
                "data: {keys}."
            ).format(keys=keys)
        )
        self._refresh_header()
        self._refresh_summaries()

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange and self.pages:
            self.retranslate()
            self.evaluate_all()  # flag messages in the new language
        super().changeEvent(ev)

    # ---------------------------------------------------------------- state
    def _refresh_header(self) -> None:
        p, v = self.ctx.participant, self.ctx.visit
        marks = []
        status = status_text(v.status)
        if v.signed_by:
            marks.append(self.tr("signed by {user}").format(user=v.signed_by))
        if v.locked:
            marks.append(self.tr("locked"))
        window = f"{v.window_start:%Y-%m-%d} … {v.window_end:%Y-%m-%d}" if v.window_start else ""
        window_word = self.tr("window")
        self.header.setText(
            f"<b>{p.code}</b> · {i18n.pick(v.label_en, v.label_zh)} · {status}"
            + (" · " + i18n.joined(marks) if marks else "")
            + (f" · {window_word} {window}" if window else "")
        )

    def _load(self) -> None:
        """Put the context's answers into the fields; a field whose state does not change
        (e.g. empty before and after) is not touched, so its page is not laid out again."""
        v = self.ctx.visit
        self.date_edit.setText(
            v.actual_date.isoformat() if v.actual_date else dt.date.today().isoformat()
        )
        answers = self.ctx.answers
        for name, row in self.rows.items():
            ans = answers.get(name)
            state = (
                FieldState()
                if ans is None
                else FieldState(
                    stored_text(row.item, ans.value),
                    ans.status,
                    bool(getattr(ans, "timed", False)),
                )
            )
            if state.as_tuple() == row.state.as_tuple() and row.edit.text() == (
                "" if state.status else state.text
            ):
                continue
            row.state = state
            self._show_state(row)
        self.saved_states = {n: r.state.as_tuple() for n, r in self.rows.items()}

    def apply_draft(self, payload: dict) -> None:
        """Put a saved draft's fields back (the user accepted the offer)."""
        fields = payload.get("fields", {})
        for name, (text, status, timed) in fields.items():
            row = self.rows.get(name)
            if row is not None:
                row.state = FieldState(str(text), status or None, bool(timed))
                self._show_state(row)
        if payload.get("visit_date"):
            self.date_edit.setText(str(payload["visit_date"]))
        self.evaluate_all()

    def _show_state(self, row: ItemRow) -> None:
        st = row.state
        row.edit.blockSignals(True)
        row.edit.setText("" if st.status else st.text)
        row.edit.setPlaceholderText(f"[{st.status}]" if st.status else "")
        row.edit.blockSignals(False)
        row.refresh_hint()

    def set_field(self, name: str, state: tuple, record: bool = True) -> None:
        """Set a field to ``(text, status, timed)``; ``record`` pushes an undo step."""
        row = self.rows[name]
        before = row.state.as_tuple()
        if before == tuple(state):
            return
        row.state = FieldState(state[0], state[1], state[2])
        self._show_state(row)
        if record:
            self.undo_stack.push(_SetField(self, name, before, row.state.as_tuple()))
        self._changed(name)

    def _typed(self, name: str) -> None:
        row = self.rows[name]
        before = row.state.as_tuple()
        row.state = FieldState(row.edit.text(), None, False)
        row.edit.setPlaceholderText("")
        row.refresh_hint()
        self.undo_stack.push(_SetField(self, name, before, row.state.as_tuple()))
        self._changed(name)

    def set_missing(self, name: str, code: str) -> None:
        row = self.rows[name]
        if code and MissingCode(code) not in row.item.missing:
            # said with the keys that record them, as the key help below the form says them
            allowed = (
                i18n.joined(
                    f"{keys} = {i18n.pick(c.label_en, c.label_zh)}"
                    for c, keys in MISSING_KEY_NAMES.items()
                    if c in row.item.missing
                )
                or "—"
            )
            pressed = MissingCode(code)
            row.flag.show_flag(
                Level.ERROR,
                self.tr("{key} ({label}) does not apply here; allowed: {allowed}").format(
                    key=MISSING_KEY_NAMES.get(pressed, code),
                    label=i18n.pick(pressed.label_en, pressed.label_zh),
                    allowed=allowed,
                ),
            )
            return
        self.set_field(name, ("", code or None, False))
        if code:
            self.advance(name, False)

    def _changed(self, name: str) -> None:
        if self._loading:
            return
        inst = self.item_inst[name]
        own = self._own(inst)
        self._evaluate(own, [it.name for i in own for it in i.items if it.name in self.rows])
        if len(self._group(inst)) > len(own):
            # instruments that read this one (e.g. SPPB reads the walk) follow on the next turn
            # of the event loop, so the keystroke shows its own scores first
            self._pending.add(inst.key)
            self._dependents_timer.start(0)
        self.save_draft()

    def _own(self, inst: Instrument) -> list[Instrument]:
        """``inst`` and what it requires (not the instruments that read it)."""
        needed = set(inst.requires)
        return [i for i in self.ctx.instruments if i.key == inst.key or i.key in needed]

    def _evaluate_dependents(self) -> None:
        pending, self._pending = self._pending, set()
        for key in pending:
            inst = next((i for i in self.ctx.instruments if i.key == key), None)
            if inst is not None:
                self.evaluate_for(inst)

    # ---------------------------------------------------------------- evaluation
    def raw_answers(self, names=None) -> tuple[dict[str, object], dict[str, str]]:
        values: dict[str, object] = {}
        status: dict[str, str] = {}
        for name in names if names is not None else self.rows:
            st = self.rows[name].state
            if st.status:
                status[name] = st.status
            elif st.text.strip():
                values[name] = normalise(self.rows[name].item, st.text)
        return values, status

    def _group(self, inst: Instrument) -> list[Instrument]:
        """``inst``, what it requires, and the instruments that read it (their scores change)."""
        keys = {inst.key}
        changed = True
        while changed:
            changed = False
            for other in self.ctx.instruments:
                if other.key not in keys and keys.intersection(other.requires):
                    keys.add(other.key)
                    changed = True
        chosen = [i for i in self.ctx.instruments if i.key in keys]
        needed = {r for i in chosen for r in i.requires}
        return [i for i in self.ctx.instruments if i.key in keys or i.key in needed]

    def evaluate_for(self, inst: Instrument) -> None:
        group = self._group(inst)
        names = [it.name for i in group for it in i.items if it.name in self.rows]
        self._evaluate(group, names)

    def evaluate_all(self) -> None:
        self._rest_timer.stop()
        self._unscored = []
        self._evaluate(list(self.ctx.instruments), list(self.rows))

    def _with_requires(self, keys: set[str]) -> list[Instrument]:
        needed = {r for i in self.ctx.instruments if i.key in keys for r in i.requires}
        return [i for i in self.ctx.instruments if i.key in keys or i.key in needed]

    def _evaluate_shown(self) -> None:
        """Score the page on screen (with what it reads and what reads it) now; the visit's
        other instruments after the paint (``_evaluate_rest``). Their scores read as pending
        (blank) in the scores panel until then."""
        if not self.pages:
            return
        group = self._group(self.pages[self.tabs.currentIndex()].inst)
        done = {i.key for i in group}
        self._unscored = [i for i in self.ctx.instruments if i.key not in done]
        self.scores_model.set_pending(s.name for i in self._unscored for s in i.scores)
        self._evaluate(group, [it.name for i in group for it in i.items if it.name in self.rows])
        if self._unscored:
            self._rest_timer.start(0)

    def _evaluate_rest(self) -> None:
        rest, self._unscored = self._unscored, []
        self._rest_timer.stop()
        if not rest:
            return
        group = self._with_requires({i.key for i in rest})
        self._evaluate(group, [it.name for i in group for it in i.items if it.name in self.rows])

    def flush(self) -> None:
        """Score whatever ``bind`` left for after the paint, now."""
        if self._unscored:
            self._evaluate_rest()

    @property
    def scored(self) -> bool:
        """Every instrument of the visit has been scored since it was opened."""
        return not self._unscored

    def _evaluate(self, group: Sequence[Instrument], names: list[str]) -> None:
        values, status = self.raw_answers(names)
        answers = {**self.ctx.attributes, **values}
        pool = [*self.ctx.support, *group]
        ev = evaluate_visit(
            answers, self.ctx.settings, status or None, self.ctx.previous, instruments=pool
        )
        self.last_evaluation = ev
        touched = set(names) | {s.name for i in group for s in i.scores}
        for key in list(self.flags):
            if key in touched:
                del self.flags[key]
        rank = {Level.ERROR: 0, Level.WARNING: 1, Level.CLINICAL: 2}
        for f in ev.flag_list():
            if f.variable not in touched:
                continue  # e.g. participant attributes: checked where they are entered
            current = self.flags.get(f.variable)
            if current is None or rank[f.level] < rank[current[0]]:
                self.flags[f.variable] = (f.level, i18n.pick(f.message_en, f.message_zh))
        score_values: dict[str, object] = {}
        if len(ev.scores.index):
            first = ev.scores.iloc[0]
            for col in ev.scores.columns:
                if col not in self.scores_model._pos:
                    continue
                v = first[col]
                score_values[col] = v.item() if hasattr(v, "item") else v
        score_names = [s.name for i in group for s in i.scores]
        self.scores_model.update(
            score_values, {k: v for k, v in self.flags.items() if k in score_names}, score_names
        )
        self._show_flags(touched)
        self._refresh_summaries({i.key for i in group})
        self.evaluated.emit()

    def _show_flags(self, names=None) -> None:
        for name, row in self.rows.items():
            if names is not None and name not in names:
                continue
            level_msg = self.flags.get(name)
            if level_msg:  # shown beside its field: the field need not be named again
                row.flag.show_flag(level_msg[0], without_field_name(name, level_msg[1]))
            else:
                row.flag.show_flag(None, "")
            style = ""
            if level_msg:
                bg, fg = LEVEL_COLOURS[level_msg[0]]
                style = f"QLineEdit {{ background: {bg}; border: 1px solid {fg}; }}"
            if row.edit.styleSheet() != style:
                row.edit.setStyleSheet(style)

    def _refresh_summaries(self, keys=None) -> None:
        for page in self.pages:
            if keys is not None and page.inst.key not in keys:
                continue
            parts = []
            for s in page.inst.scores:
                text = self.scores_model.display(s.name)
                level = self.flags.get(s.name)
                label = f"{i18n.pick(s.en, s.zh)}: <b>{text}</b>"
                if level:
                    label = f"<span style='color:{LEVEL_COLOURS[level[0]][1]}'>{label}</span>"
                parts.append(label)
            page.summary.setText(" · ".join(parts))
            # long score lists (SF-36) live in the scores panel; short ones (a test's derived
            # values) are shown on the page too
            page.summary.setVisible(0 < len(parts) <= 6)

    def error_flags(self) -> dict[str, str]:
        self.flush()
        return {k: m for k, (lv, m) in self.flags.items() if lv is Level.ERROR}

    def warning_flags(self) -> dict[str, str]:
        self.flush()
        return {k: m for k, (lv, m) in self.flags.items() if lv is Level.WARNING}

    # ---------------------------------------------------------------- navigation
    def focus_first(self) -> None:
        page = self.pages[self.tabs.currentIndex()] if self.pages else None
        if page and page.edits:
            page.edits[0].setFocus()

    def goto_page(self, index: int) -> None:
        if 0 <= index < len(self.pages):
            self.tabs.setCurrentIndex(index)

    def _page_changed(self, index: int) -> None:
        self.flush()
        self._show_page_scores(index)
        QTimer.singleShot(0, lambda: self._focus_page(index))

    def _show_page_scores(self, index: int) -> None:
        """Scroll the scores panel to the scores of the page being entered."""
        if not (0 <= index < len(self.pages)) or not self.pages[index].inst.scores:
            return
        first = self.pages[index].inst.scores[0].name
        row = self.scores_model._pos.get(first)
        if row is not None:
            self.scores_view.scrollTo(
                self.scores_model.index(row, 0), QTableView.ScrollHint.PositionAtTop
            )

    def _focus_page(self, index: int) -> None:
        """After a page switch by the user (Ctrl+PgDown, Alt+digit), focus its first field,
        unless the focus already moved into that page."""
        if index != self.tabs.currentIndex() or not (0 <= index < len(self.pages)):
            return
        current = QApplication.focusWidget()
        if current is not None and self.pages[index].isAncestorOf(current):
            return
        self.focus_first()

    def advance(self, name: str, backwards: bool = False) -> None:
        order = [n for page in self.pages for n in page.rows]
        i = order.index(name) + (-1 if backwards else 1)
        if 0 <= i < len(order):
            target = order[i]
            page_index = next(k for k, p in enumerate(self.pages) if target in p.rows)
            if page_index != self.tabs.currentIndex():
                self.flush()
                self.tabs.blockSignals(True)
                self.tabs.setCurrentIndex(page_index)
                self.tabs.blockSignals(False)
                self._show_page_scores(page_index)
            edit = self.rows[target].edit
            edit.setFocus()
            edit.selectAll()
            scroll = edit.parentWidget()
            while scroll is not None and not isinstance(scroll, QScrollArea):
                scroll = scroll.parentWidget()
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(edit)

    def current_field(self) -> str | None:
        w = QApplication.focusWidget()
        return w.item.name if isinstance(w, FieldEdit) and w.item.name in self.rows else None

    def _field_history(self) -> None:
        self.history_requested.emit(self.current_field() or "")

    # ---------------------------------------------------------------- stopwatch
    def _toggle_stopwatch(self, name: str) -> None:
        page = next(p for p in self.pages if name in p.rows)
        if page.stopwatch is not None and not self.read_only:
            page.stopwatch.toggle()

    def _stopwatch_stopped(self, seconds: float) -> None:
        name = self.current_field()
        if name is None or not is_timed_item(self.rows[name].item):
            return
        self.set_field(name, (f"{seconds:.2f}", None, True))

    # ---------------------------------------------------------------- drafts
    def draft_payload(self) -> dict:
        return {
            "format": DRAFT_FORMAT,
            "fields": {
                n: list(r.state.as_tuple())
                for n, r in self.rows.items()
                if r.state.as_tuple() != self.saved_states.get(n)
            },
            "visit_date": self.date_edit.text(),
            "base_version": self.ctx.visit.row_version,
            "saved_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }

    def dirty(self) -> bool:
        return any(r.state.as_tuple() != self.saved_states.get(n) for n, r in self.rows.items())

    def save_draft(self) -> None:
        if self._loading or self.read_only:
            return
        self.store.save_draft(
            self.session, self.ctx.participant.code, self.ctx.visit.visit, self.draft_payload()
        )
        self.drafted.add((self.ctx.participant.code, self.ctx.visit.visit))

    # ---------------------------------------------------------------- read-only
    @property
    def read_only(self) -> bool:
        v = self.ctx.visit
        if v.locked:
            return True
        if v.status in ("missed", "not_done"):
            return True
        if v.signed_by and not self.editing_unlocked:
            return True
        return self.session.role == "statistician"

    def _apply_read_only(self) -> None:
        ro = self.read_only
        for row in self.rows.values():
            row.edit.setReadOnly(ro)
        self.date_edit.setReadOnly(ro)
        self.act_save.setEnabled(not ro)
        v = self.ctx.visit
        if v.locked:
            text = self.tr("Locked: read-only. A data manager can unlock it (with a reason).")
        elif v.status in ("missed", "not_done"):
            text = self.tr("Recorded as {status}: no entry.").format(status=status_text(v.status))
        elif v.signed_by and not self.editing_unlocked:
            text = self.tr(
                "Signed: read-only. Use Visit ▸ Correct signed visit to change it; "
                "the signature is then voided and must be given again."
            )
        elif self.session.role == "statistician":
            text = self.tr("Read-only for your role.")
        else:
            text = ""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def unlock_signed_for_correction(self) -> None:
        self.editing_unlocked = True
        self._apply_read_only()

    # ---------------------------------------------------------------- saving
    def changed_items(self) -> list[str]:
        return [n for n, r in self.rows.items() if r.state.as_tuple() != self.saved_states.get(n)]

    def save(self) -> bool:
        """Ctrl+S: validate, ask confirmations and reasons, write through the store."""
        if self.read_only:
            return False
        self.evaluate_all()
        errors = self.error_flags()
        if errors:
            first = next(iter(errors))
            if first in self.rows:
                self.advance_to(first)
            QMessageBox.warning(
                self,
                self.tr("Not saved"),
                self.tr(
                    "Fix the values marked red first (or record a missing-data code):\n{msgs}"
                ).format(
                    msgs="\n".join(self.field_message(n, m) for n, m in list(errors.items())[:8])
                ),
            )
            return False
        changed = self.changed_items()
        visit_date = self._visit_date()
        if visit_date is None:
            return False
        v = self.ctx.visit
        if not changed and v.actual_date == visit_date and v.status != "planned":
            return True
        stored_conf = {k: getattr(a, "confirm_reason", None) for k, a in self.ctx.answers.items()}
        warnings = [
            (k, self.field_message(k, m))
            for k, m in self.warning_flags().items()
            if not (k in stored_conf and stored_conf[k] and k not in changed)
        ]
        needs_reason = v.status == "complete" or bool(v.signed_by)
        change_rows = []
        if needs_reason:
            for n in changed:
                before = self.saved_states.get(n) or ("", None, False)
                old = before[1] or before[0] or "—"
                st = self.rows[n].state
                new = st.status or st.text or "—"
                label = f"{self.rows[n].code.text()} {item_label(self.items[n])}"
                change_rows.append((n, f"{label}: {old} → {new}"))
        confirmations: dict[str, str] = {}
        reasons: dict[str, str] = {}
        if warnings or change_rows:
            dlg = ConfirmDialog(self, warnings, change_rows)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return False
            confirmations, reasons = dlg.confirmations(), dlg.reasons()
        return self._write(changed, confirmations, reasons, visit_date)

    def field_message(self, name: str, message: str) -> str:
        """A flag message named as the user sees the field on the form: its page, its code on
        the paper form (Q3a) and its label, not the codebook name the engine writes
        (sf36_03)."""
        message = without_field_name(name, message)
        row = self.rows.get(name)
        if row is None:
            return message
        page = next(p for p in self.pages if name in p.rows)
        where = i18n.pick(page.inst.en, page.inst.zh)
        return self.tr("{page} · {code} {label}: {message}").format(
            page=where, code=row.code.text(), label=item_label(row.item), message=message
        )

    def advance_to(self, name: str) -> None:
        order = [n for page in self.pages for n in page.rows]
        i = order.index(name)
        if i == 0:
            self.tabs.setCurrentIndex(0)
            self.rows[name].edit.setFocus()
        else:
            self.advance(order[i - 1])

    def _visit_date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.date_edit.text())
        except ValueError:
            QMessageBox.warning(
                self,
                self.tr("Not saved"),
                self.tr("The visit date is not a valid date (YYYY-MM-DD)."),
            )
            self.date_edit.setFocus()
            return None

    def _write(
        self,
        changed: list[str],
        confirmations: dict[str, str],
        reasons: dict[str, str],
        visit_date: dt.date,
    ) -> bool:
        from ui.store_bridge import save_visit

        try:
            values, statuses = {}, {}
            timed = {}
            for n in changed:
                st = self.rows[n].state
                if st.status:
                    statuses[n] = st.status
                    values[n] = None
                else:
                    values[n] = normalise(self.items[n], st.text) or None
                timed[n] = st.timed
            new_visit, answers = save_visit(
                self.store,
                self.session,
                self.ctx,
                values,
                statuses,
                confirmations,
                reasons,
                timed,
                visit_date,
                self.complete(),
                self,
            )
        except ValidationFailed as exc:
            for f in exc.flags:
                self.flags[f.variable] = (Level(f.level), i18n.pick(f.message_en, f.message_zh))
            self._show_flags()
            QMessageBox.warning(self, self.tr("Not saved"), str(exc))
            return False
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Not saved"), store_error_text(exc))
            return False
        if new_visit is None:
            return False
        self.ctx.visit = new_visit
        self.ctx.answers = answers
        self.saved_states = {n: r.state.as_tuple() for n, r in self.rows.items()}
        self.editing_unlocked = False
        self.undo_stack.setClean()
        self._refresh_header()
        self._apply_read_only()
        self.saved.emit()
        return True

    def complete(self) -> bool:
        """Every required item of every page has a value or a missing-data code."""
        for row in self.rows.values():
            if row.item.required and not (row.state.status or row.state.text.strip()):
                return False
        return True


def section_text(item: Item) -> str:
    """The item's section heading in the current language (from the declaration)."""
    return item.section_label(i18n.current())


def status_text(status: str) -> str:
    from ui.models import visit_status_text

    return visit_status_text(status)
