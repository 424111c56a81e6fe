"""Participant list (search, filters), add-participant and edit-attributes dialogs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scoring.engine import evaluate, evaluate_visit
from scoring.model import Level
from scoring.registry import BY_KEY
from store.api import PARTICIPANT_STATUSES
from store.errors import NotFound, StoreError
from ui import i18n
from ui.fields import LEVEL_COLOURS
from ui.models import (
    ParticipantFilter,
    ParticipantSummary,
    ParticipantTableModel,
    is_overdue,
    participant_status_text,
)
from ui.store_bridge import age_at
from ui.store_messages import is_duplicate_participant, store_error_text


def summaries(store: Any, session: Any, today: dt.date | None = None) -> list[ParticipantSummary]:
    """Participants with next visit, overdue count and age at enrolment (day 1 when no
    enrolment date), as eligibility and a trial's baseline table state it (open flags are
    filled in later)."""
    today = today or dt.date.today()
    out = []
    for p in store.participants(session):
        visits = store.visits(session, p.code)
        nxt = next((v for v in visits if v.status in ("planned", "in_progress")), None)
        out.append(
            ParticipantSummary(
                row=p,
                next_labels=(nxt.label_en, nxt.label_zh) if nxt else ("", ""),
                next_due=nxt.target_date if nxt else None,
                overdue=sum(1 for v in visits if is_overdue(v, today)),
                age=age_at(p.birth_date, p.enrolment_date or p.day1_date),
            )
        )
    return out


def open_flags(store: Any, session: Any, state: Any = None) -> dict[tuple[str, str], int]:
    """Re-score the whole study (``scoring.engine.evaluate`` on ``store.answers_frame``, the same
    path as exports) and count the open flags per (participant, visit): errors, and warnings
    without a stored confirmation. Runs in a worker."""
    frame = store.answers_frame(session)
    if state is not None:
        state.progress(1, 3)
        state.check()
    if frame is None or frame.empty:
        return {}
    raw = frame.copy()
    for col in list(raw.columns):
        if col.endswith("__status"):
            raw = raw.drop(columns=col)
    status = frame[[c for c in frame.columns if c.endswith("__status")]].copy()
    status.columns = [c[: -len("__status")] for c in status.columns]
    ev = evaluate(raw, status=status)
    if state is not None:
        state.progress(2, 3)
        state.check()
    confirmed = {(c.participant, c.visit, c.item) for c in store.confirmations(session)}
    counts: dict[tuple[str, str], int] = {}
    flags = ev.flags
    for f in flags.itertuples(index=False):
        if f.level == Level.CLINICAL.value:
            continue
        key = (str(frame.at[f.row, "participant"]), str(frame.at[f.row, "visit"]))
        if f.level == Level.WARNING.value and (*key, f.variable) in confirmed:
            continue
        counts[key] = counts.get(key, 0) + 1
    if state is not None:
        state.progress(3, 3)
    return counts


class ParticipantListPage(QWidget):
    """The participant list: Ctrl+F search, Ctrl+N add, F2 edit, Enter opens."""

    open_participant = Signal(str)
    add_requested = Signal()
    edit_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("participantList")
        self.model = ParticipantTableModel(self)
        self.proxy = ParticipantFilter(self)
        self.proxy.setSourceModel(self.model)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search_label = QLabel()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search)
        self.site = QComboBox()
        self.site.setObjectName("siteFilter")
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.overdue = QCheckBox()
        self.overdue.setObjectName("overdueFilter")
        self.flagged = QCheckBox()
        self.flagged.setObjectName("flagsFilter")
        for w in (
            self.search_label,
            self.search,
            self.site,
            self.status,
            self.overdue,
            self.flagged,
        ):
            bar.addWidget(w)
        bar.setStretch(1, 1)
        lay.addLayout(bar)
        self.view = QTableView()
        self.view.setObjectName("participantTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.activated.connect(self._activated)
        lay.addWidget(self.view, 1)
        self.count = QLabel()
        lay.addWidget(self.count)
        self.search.textChanged.connect(lambda t: self._filter(text=t.strip()))
        self.search.returnPressed.connect(self._focus_table)
        self.site.currentIndexChanged.connect(
            lambda _i: self._filter(site=self.site.currentData() or "")
        )
        self.status.currentIndexChanged.connect(
            lambda _i: self._filter(status=self.status.currentData() or "")
        )
        self.overdue.toggled.connect(lambda on: self._filter(overdue_only=on))
        self.flagged.toggled.connect(lambda on: self._filter(flags_only=on))
        self._sites: list[tuple[str, str]] = []
        act = QAction(self)
        act.setShortcut(QKeySequence.StandardKey.Find)
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(act)
        self.retranslate()

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def retranslate(self) -> None:
        self.search_label.setText(self.tr("&Search:"))
        self.search.setPlaceholderText(self.tr("code, screening or randomisation number"))
        self.overdue.setText(self.tr("&Overdue visits"))
        self.flagged.setText(self.tr("Open &flags"))
        self._fill_combos()
        self._update_count()

    def _fill_combos(self) -> None:
        site, status = self.site.currentData(), self.status.currentData()
        self.site.blockSignals(True)
        self.site.clear()
        self.site.addItem(self.tr("All sites"), "")
        for code, name in self._sites:
            self.site.addItem(f"{code} {name}".strip(), code)
        self.site.setCurrentIndex(max(0, self.site.findData(site or "")))
        self.site.blockSignals(False)
        self.status.blockSignals(True)
        self.status.clear()
        self.status.addItem(self.tr("All statuses"), "")
        for s in PARTICIPANT_STATUSES:
            self.status.addItem(participant_status_text(s), s)
        self.status.setCurrentIndex(max(0, self.status.findData(status or "")))
        self.status.blockSignals(False)

    def set_sites(self, sites: list[tuple[str, str]]) -> None:
        self._sites = sites
        self._fill_combos()

    def set_rows(self, rows: list[ParticipantSummary]) -> None:
        self.model.set_rows(rows)
        self._update_count()

    def set_open_flags(self, counts: dict[tuple[str, str], int]) -> None:
        rows = self.model.rows()
        for s in rows:
            s.open_flags = sum(n for (p, _v), n in counts.items() if p == s.row.code)
        self.model.set_rows(rows)
        self._update_count()

    def _filter(self, **kwargs: object) -> None:
        self.proxy.set_filter(**kwargs)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(
            self.tr("{shown} of {total} participants").format(
                shown=self.proxy.rowCount(), total=self.model.rowCount()
            )
        )

    def _focus_table(self) -> None:
        self.view.setFocus()
        if self.proxy.rowCount() and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def _activated(self, index) -> None:
        code = self.current_code()
        if code:
            self.open_participant.emit(code)

    def current_code(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index)
        return self.model.row_at(source.row()).row.code

    def select_code(self, code: str) -> None:
        row = self.model.row_for_code(code)
        if row >= 0:
            self.view.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))


class ParticipantDialog(QDialog):
    """Add a participant, or edit one's attributes (then a reason is required).

    Sex, age, height and weight are checked against the ``participant`` declaration in scoring/
    (the same ``evaluate_visit`` path as every form), before the store checks them again.
    """

    def __init__(
        self,
        store: Any,
        session: Any,
        sites: list[tuple[str, str]],
        row: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("participantDialog")
        self.store, self.session, self.row = store, session, row
        self.result_code: str | None = None
        self.labels: dict[str, QLabel] = {}
        self.edits: dict[str, QWidget] = {}
        self.messages: dict[str, QLabel] = {}
        form = QFormLayout()
        decl = BY_KEY.get("participant")

        def add(key: str, widget: QWidget) -> None:
            widget.setObjectName(f"p_{key}")
            label = QLabel()
            label.setBuddy(widget)
            self.labels[key] = label
            self.edits[key] = widget
            msg = QLabel()
            msg.setWordWrap(True)
            msg.setObjectName(f"msg_{key}")
            self.messages[key] = msg
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(widget)
            box.addWidget(msg)
            form.addRow(label, box)

        add("code", QLineEdit())
        site = QComboBox()
        for code, name in sites:
            site.addItem(f"{code} {name}".strip(), code)
        add("site", site)
        sex = QComboBox()
        if decl is not None:
            for c in decl.item("sex").choices:
                sex.addItem(
                    f"{c.aliases[0] if c.aliases else c.code} {i18n.pick(c.en, c.zh)}",
                    c.aliases[0] if c.aliases else str(c.code),
                )
        add("sex", sex)
        for key in ("birth_date", "day1_date"):
            edit = QLineEdit()
            edit.setPlaceholderText("YYYY-MM-DD")
            add(key, edit)
        for key in ("height_cm", "weight_kg"):
            add(key, QLineEdit())
        add("screening_no", QLineEdit())
        self.reason: QLineEdit | None = None
        if row is not None:
            self.reason = QLineEdit()
            add("reason", self.reason)
            self._prefill(row)
        # the reason that confirms an implausible height or weight (the store keeps it in the
        # audit trail and refuses such a value without one); shown only when one is needed
        self.confirm = QLineEdit()
        add("confirm", self.confirm)
        self._confirm_row = form.rowCount() - 1
        form.setRowVisible(self._confirm_row, False)
        self._form = form
        self._needs_reason: set[str] = set()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {LEVEL_COLOURS[Level.ERROR][1]};")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self._shown_warnings: dict[str, str] = {}  # what the user saw: OK again confirms it
        self.setMinimumWidth(520)
        self.retranslate()

    def _prefill(self, row: Any) -> None:
        code = self.edits["code"]
        assert isinstance(code, QLineEdit)
        code.setText(row.code)
        code.setReadOnly(True)
        # not editable: out of the Tab chain, and the dialog opens on the first field that is
        code.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.edits["site"].setFocus()
        site = self.edits["site"]
        assert isinstance(site, QComboBox)
        site.setCurrentIndex(max(0, site.findData(row.site)))
        sex = self.edits["sex"]
        assert isinstance(sex, QComboBox)
        sex.setCurrentIndex(max(0, sex.findData(row.sex)))
        for key in ("birth_date", "day1_date"):
            value = getattr(row, key, None)
            self._line(key).setText(value.isoformat() if value else "")
        for key in ("height_cm", "weight_kg"):
            value = getattr(row, key, None)
            self._line(key).setText("" if value is None else f"{value:g}")
        self._line("screening_no").setText(getattr(row, "screening_no", "") or "")

    def _line(self, key: str) -> QLineEdit:
        w = self.edits[key]
        assert isinstance(w, QLineEdit)
        return w

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def retranslate(self) -> None:
        decl = BY_KEY.get("participant")
        self.setWindowTitle(
            self.tr("Add participant") if self.row is None else self.tr("Edit participant")
        )
        texts = {
            "code": self.tr("&Code:"),
            "site": self.tr("S&ite:"),
            "birth_date": self.tr("&Birth date:"),
            "day1_date": self.tr("&Day 1 (first infusion):"),
            "screening_no": self.tr("Scree&ning number:"),
            "reason": self.tr("&Reason for the change:"),
            "confirm": self.tr("Reason to con&firm:"),
        }
        for key in ("sex", "height_cm", "weight_kg"):
            if decl is not None:
                it = decl.item(key)
                unit = f" ({it.unit})" if it.unit else ""
                texts[key] = f"{i18n.pick(it.en, it.zh)}{unit}:"
        for key, label in self.labels.items():
            label.setText(texts.get(key, key))

    def values(self) -> dict[str, object]:
        sex = self.edits["sex"]
        site = self.edits["site"]
        assert isinstance(sex, QComboBox) and isinstance(site, QComboBox)
        return {
            "code": self._line("code").text().strip(),
            "site": site.currentData(),
            "sex": sex.currentData(),
            "birth_date": self._line("birth_date").text().strip(),
            "day1_date": self._line("day1_date").text().strip(),
            "height_cm": self._line("height_cm").text().strip().replace(",", "."),
            "weight_kg": self._line("weight_kg").text().strip().replace(",", "."),
            "screening_no": self._line("screening_no").text().strip(),
        }

    def _check(self, v: dict[str, object]) -> tuple[dict[str, str], dict[str, str], dict]:
        """Per-field errors and warnings, and the typed values."""
        errors: dict[str, str] = {}
        warnings: dict[str, str] = {}
        typed: dict[str, object] = dict(v)
        if not v["code"]:
            errors["code"] = self.tr("A participant code is required.")
        elif self.row is None and self._code_exists(str(v["code"])):
            errors["code"] = self.tr(
                "Participant {code} already exists: choose another code."
            ).format(code=v["code"])
        if not v["site"]:
            errors["site"] = self.tr("Choose a site.")
        for key in ("birth_date", "day1_date"):
            try:
                typed[key] = dt.date.fromisoformat(str(v[key]))
            except ValueError:
                if key == "birth_date" or v[key]:
                    errors[key] = self.tr("Not a date (YYYY-MM-DD).")
                typed[key] = None
        decl = BY_KEY.get("participant")
        if decl is not None:
            answers = {k: v[k] for k in ("sex", "height_cm", "weight_kg") if v[k] not in ("",)}
            age = age_at(typed.get("birth_date"), typed.get("day1_date") or dt.date.today())
            if age is not None:
                answers["age"] = age
            ev = evaluate_visit(answers, instruments=[decl])
            self._needs_reason = {
                f.variable
                for f in ev.flag_list()
                if f.level is Level.WARNING and f.variable in ("height_cm", "weight_kg")
            }
            for f in ev.flag_list():
                key = "birth_date" if f.variable == "age" else f.variable
                if key not in self.messages:
                    key = "weight_kg"  # derived values (BMI) are shown under weight
                text = i18n.pick(f.message_en, f.message_zh)
                if f.level is Level.ERROR:
                    errors.setdefault(key, text)
                elif f.level is Level.WARNING:
                    warnings.setdefault(key, text)
        for key in ("height_cm", "weight_kg"):
            if v[key] in ("", None):
                typed[key] = None
            elif key not in errors:
                try:
                    typed[key] = float(str(v[key]))
                except ValueError:
                    errors[key] = self.tr("Not a number.")
        if self.reason is not None and not self.reason.text().strip():
            errors["reason"] = self.tr("A reason is required for every change.")
        return errors, warnings, typed

    def _code_exists(self, code: str) -> bool:
        try:
            self.store.participant(self.session, code)
        except NotFound:
            return False
        return True

    def _show(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        for key, label in self.messages.items():
            if key in errors:
                bg, fg = LEVEL_COLOURS[Level.ERROR]
                label.setText(errors[key])
            elif key in warnings:
                bg, fg = LEVEL_COLOURS[Level.WARNING]
                hint = (
                    self.tr("(give a reason to confirm below, then press OK)")
                    if key in self._needs_reason
                    else self.tr("(press OK again to confirm)")
                )
                label.setText(warnings[key] + " " + hint)
            else:
                label.clear()
                label.setStyleSheet("")
                continue
            label.setStyleSheet(f"color: {fg}; background: {bg};")
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow the dialog so that every message under a field is shown whole: the wrapped
        labels' extra lines are not part of the dialog's minimum size, so without this they
        were cut off (1366×768, Chinese)."""
        lay = self.layout()
        lay.activate()
        needed = lay.totalHeightForWidth(self.width()) if lay.hasHeightForWidth() else -1
        needed = max(needed, lay.totalMinimumSize().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def accept(self) -> None:
        self.error.clear()
        v = self.values()
        errors, warnings, typed = self._check(v)
        self._show(errors, warnings)
        if errors:
            self.edits[next(iter(errors))].setFocus()
            return
        self._form.setRowVisible(self._confirm_row, bool(self._needs_reason))
        if warnings and warnings != self._shown_warnings:
            # a second OK confirms the warnings shown; a changed value that warns anew (or
            # differently) is shown first and needs its own OK
            self._shown_warnings = warnings
            self._fit_height()
            (self.confirm if self._needs_reason else self.edits[next(iter(warnings))]).setFocus()
            return
        confirmations = {}
        if self._needs_reason:
            why = self.confirm.text().strip()
            if not why:
                self._show({"confirm": self.tr("A reason is required to confirm.")}, warnings)
                self.confirm.setFocus()
                return
            confirmations = {key: why for key in self._needs_reason}
        try:
            if self.row is None:
                self.store.add_participant(
                    self.session,
                    typed["code"],
                    typed["site"],
                    typed["sex"],
                    typed["birth_date"],
                    typed["height_cm"],
                    typed["weight_kg"],
                    typed["day1_date"],
                    screening_no=typed["screening_no"] or None,
                    confirmations=confirmations,
                )
            else:
                changes = {}
                for key in (
                    "site",
                    "sex",
                    "birth_date",
                    "day1_date",
                    "height_cm",
                    "weight_kg",
                    "screening_no",
                ):
                    new = typed[key] if typed[key] != "" else None
                    if new != getattr(self.row, key, None):
                        changes[key] = new
                if changes:
                    self.store.update_participant(
                        self.session,
                        self.row.code,
                        changes,
                        self.reason.text().strip(),
                        expected_version=self.row.row_version,
                        confirmations=confirmations,
                    )
        except StoreError as exc:
            if is_duplicate_participant(exc):  # entered by someone else meanwhile
                self._show({"code": store_error_text(exc)}, {})
                self.edits["code"].setFocus()
                return
            self.error.setText(store_error_text(exc))
            self._fit_height()
            return
        self.result_code = str(typed["code"])
        super().accept()


def frame_is_empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty
