"""Participant page: header, the visit timeline from the protocol, and the open visit's form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from store.errors import StoreError
from store.signatures import MEANINGS as SIGNATURE_MEANINGS
from ui import i18n
from ui.level_colours import ERROR_STYLE
from ui.models import (
    TimelineRow,
    VisitTimelineModel,
    participant_status_text,
    sex_text,
    visit_status_text,
)
from ui.store_bridge import age_at, load_context
from ui.store_messages import store_error_text
from ui.visit_form import VisitForm


class ReasonDialog(QDialog):
    """A reason (and optionally a date or a password + meaning) for a visit action."""

    def __init__(
        self,
        title: str,
        prompt: str,
        parent: QWidget | None = None,
        *,
        with_date: dt.date | None = None,
        with_password: bool = False,
        meanings: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        head = QLabel(prompt)
        head.setWordWrap(True)
        lay.addWidget(head)
        form = QFormLayout()
        self.date: QLineEdit | None = None
        self.password: QLineEdit | None = None
        self.meaning: QComboBox | None = None
        self.reason: QLineEdit | None = None
        if with_date is not None:
            self.date = QLineEdit(with_date.isoformat())
            self.date.setObjectName("actionDate")
            self.date.setInputMask("9999-99-99")
            form.addRow(self.tr("&Date:"), self.date)
        if meanings:
            self.meaning = QComboBox()
            self.meaning.setObjectName("meaning")
            for value, text in meanings:  # the record keeps the value, the user reads the text
                self.meaning.addItem(text, value)
            form.addRow(self.tr("&Meaning:"), self.meaning)
        if with_password:
            self.password = QLineEdit()
            self.password.setObjectName("signPassword")
            self.password.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(self.tr("&Password:"), self.password)
        else:
            self.reason = QLineEdit()
            self.reason.setObjectName("actionReason")
            form.addRow(self.tr("&Reason:"), self.reason)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumWidth(460)
        (self.reason or self.password or self.date).setFocus()  # type: ignore[union-attr]

    def accept(self) -> None:
        if self.reason is not None and not self.reason.text().strip():
            self.error.setText(self.tr("A reason is required."))
            return
        if self.date is not None:
            try:
                dt.date.fromisoformat(self.date.text())
            except ValueError:
                self.error.setText(self.tr("Not a date (YYYY-MM-DD)."))
                return
        super().accept()

    def value_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.date.text()) if self.date is not None else None

    def value_reason(self) -> str:
        return self.reason.text().strip() if self.reason is not None else ""


class ParticipantPage(QWidget):
    """Header + timeline (left) + visit form (right). Alt+Up/Alt+Down switch visits."""

    back = Signal()
    changed = Signal()
    history_requested = Signal(str)

    def __init__(self, store: Any, session: Any, study: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("participantPage")
        self.store, self.session, self.study = store, session, study
        self.code: str | None = None
        self.participant: Any = None
        self.form: VisitForm | None = None
        self.forms: dict[tuple[str, ...], VisitForm] = {}  # reused across visits/participants
        self.open_flags: dict[tuple[str, str], int] = {}
        # answers per (visit, visit row version) of the open participant: every answer write
        # bumps the visit's row version (store.save_answers), and the visit rows are re-read at
        # each open, so an entry is never stale; switching back and forth reads each visit once
        self._answers: dict[tuple[str, int], dict[str, Any]] = {}
        # (participant, visit) whose draft this session wrote (shared with the forms)
        self.drafted: set[tuple[str, str]] = set()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.header = QLabel()
        self.header.setObjectName("participantHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setStyleSheet("font-size: 12pt;")
        lay.addWidget(self.header)
        split = QSplitter(Qt.Orientation.Vertical)
        self.timeline = VisitTimelineModel(self)
        self.view = QTableView()
        self.view.setObjectName("timelineTable")
        self.view.setModel(self.timeline)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        # every column as wide as its content; the last one (a lock mark) must not take the
        # rest of the width (reasons and notes are tooltips, there is no free-text column)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.verticalHeader().hide()
        self.view.activated.connect(lambda idx: self.open_visit_row(idx.row(), focus=True))
        split.addWidget(self.view)
        self.stack = QStackedWidget()
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.placeholder)
        split.addWidget(self.stack)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([210, 700])
        self.split = split
        lay.addWidget(split, 1)
        self.retranslate()

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def retranslate(self) -> None:
        self.placeholder.setText(
            self.tr(
                "Choose a visit in the timeline and press Enter (Alt+Up/Alt+Down switch visits)."
            )
        )
        self._refresh_header()

    # ------------------------------------------------------------------ loading
    def load(self, code: str) -> None:
        if self.form is not None and self.form.dirty():
            self.form.save_draft()
        self.form = None
        self.stack.setCurrentWidget(self.placeholder)
        self.code = code
        self._answers.clear()
        self.participant = self.store.participant(self.session, code)
        self.reload_timeline()
        self._refresh_header()

    def reload_timeline(self, keep: str | None = None, visits: list[Any] | None = None) -> None:
        """Re-read the visits (or show ``visits``, already read) in the timeline."""
        if visits is None:
            visits = self.store.visits(self.session, self.code)
        self.timeline.set_rows(
            [TimelineRow(v, self.open_flags.get((self.code, v.visit), 0)) for v in visits]
        )
        rows = max(1, self.timeline.rowCount())
        self.view.setMaximumHeight(
            self.view.horizontalHeader().sizeHint().height()
            + rows * self.view.verticalHeader().defaultSectionSize()
            + 2 * self.view.frameWidth()
        )
        if keep is not None:
            row = self.timeline.row_for_visit(keep)
            if row >= 0:
                self.view.setCurrentIndex(self.timeline.index(row, 0))

    def set_open_flags(self, counts: dict[tuple[str, str], int]) -> None:
        if counts == self.open_flags:  # e.g. right after load(), which used these counts
            self.open_flags = counts
            return
        self.open_flags = counts
        if self.code:  # the counts changed, not the visits: no need to read them again
            self.reload_timeline(self.current_visit_code(), [t.visit for t in self.timeline.rows()])

    def _refresh_header(self) -> None:
        p = self.participant
        if p is None:
            self.header.clear()
            return
        age = age_at(p.birth_date, p.enrolment_date or p.day1_date)  # as in the list
        site_word, age_word, day1_word = self.tr("site"), self.tr("age"), self.tr("day 1")
        self.header.setText(
            f"<b>{p.code}</b> · {site_word} {p.site} · {sex_text(p.sex)} · "
            f"{age_word} {age if age is not None else '—'} · "
            f"{day1_word} {p.day1_date.isoformat() if p.day1_date else '—'} · "
            f"{participant_status_text(p.status)}"
        )

    def current_visit_code(self) -> str | None:
        if self.form is not None:
            return self.form.ctx.visit.visit
        return None

    def open_visit(self, visit_code: str, focus: bool = True) -> VisitForm | None:
        row = self.timeline.row_for_visit(visit_code)
        return self.open_visit_row(row, focus) if row >= 0 else None

    def open_visit_row(self, row: int, focus: bool = True) -> VisitForm | None:
        if not (0 <= row < self.timeline.rowCount()):
            return None
        visit = self.timeline.row_at(row).visit
        if self.form is not None and self.form.dirty():
            self.form.save_draft()
        ctx = load_context(
            self.store,
            self.session,
            self.code,
            visit.visit,
            self.study,
            self.participant,
            self._visit_answers,
        )
        key = tuple(i.key for i in ctx.instruments)
        form = self.forms.get(key)
        if form is None:
            form = VisitForm(self.store, self.session, ctx)
            form.saved.connect(lambda f=form: self._after_save(f))
            form.history_requested.connect(self.history_requested)
            form.drafted = self.drafted
            self.forms[key] = form
            self.stack.addWidget(form)
        else:
            form.bind(ctx)
        self.form = form
        self.stack.setCurrentWidget(form)
        self.view.setCurrentIndex(self.timeline.index(row, 0))
        if ctx.draft and not form.read_only:
            if (self.code, visit.visit) in self.drafted:
                # typed here in this session a moment ago (then another visit was opened):
                # put back without a question that could throw it away
                form.apply_draft(self._draft_payload(ctx.draft))
            else:
                self._offer_draft(form, ctx.draft)
        if focus:
            form.focus_first()
        return form

    def _visit_answers(self, visit: Any) -> dict[str, Any]:
        key = (visit.visit, visit.row_version)
        answers = self._answers.get(key)
        if answers is None:
            answers = self.store.answers(self.session, self.code, visit.visit)
            self._answers[key] = answers
        return answers

    @staticmethod
    def _draft_payload(draft: Any) -> Any:
        return draft.get("payload", draft) if isinstance(draft, dict) else draft

    def _offer_draft(self, form: VisitForm, draft: dict) -> None:
        """A draft left by an earlier session (a crash, a sign-out): restore it, or discard it
        on an explicit No. Escape restores: closing the question must not throw typing away."""
        payload = self._draft_payload(draft)
        when = payload.get("saved_utc", "") if isinstance(payload, dict) else ""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Draft found"),
            self.tr("An unsaved draft of this visit exists (saved {when} UTC). Restore it?").format(
                when=when
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("draftOffer")
        box.button(QMessageBox.StandardButton.No).setText(self.tr("&Discard the draft"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setEscapeButton(QMessageBox.StandardButton.Yes)
        box.exec()
        if box.clickedButton() is box.button(QMessageBox.StandardButton.No):
            self.store.discard_draft(self.session, self.code, form.ctx.visit.visit)
        else:
            form.apply_draft(payload)

    def _after_save(self, form: VisitForm) -> None:
        self.reload_timeline(form.ctx.visit.visit)
        self.changed.emit()

    def step_visit(self, delta: int) -> None:
        current = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        self.open_visit_row(max(0, min(self.timeline.rowCount() - 1, current + delta)))

    # ------------------------------------------------------------------ visit actions
    def _visit(self) -> Any:
        if self.form is None:
            raise StoreError(self.tr("Open a visit first."))
        return self.form.ctx.visit

    def _run(self, fn) -> bool:
        try:
            fn()
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Not done"), store_error_text(exc))
            return False
        visit = self.current_visit_code()
        self.reload_timeline(visit)
        if visit:
            self.open_visit(visit, focus=False)
        self.changed.emit()
        return True

    def mark_missed(self) -> None:
        try:
            v = self._visit()
        except StoreError as exc:
            QMessageBox.information(self, self.tr("Mark missed"), str(exc))
            return
        dlg = ReasonDialog(
            self.tr("Mark visit missed"),
            self.tr("Why was {visit} missed?").format(visit=i18n.pick(v.label_en, v.label_zh)),
            self,
        )
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self._run(
            lambda: self.store.set_visit_status(
                self.session,
                self.code,
                v.visit,
                "missed",
                reason=dlg.value_reason(),
                expected_version=v.row_version,
            )
        )

    def record_out_of_window(self) -> None:
        try:
            v = self._visit()
        except StoreError as exc:
            QMessageBox.information(self, self.tr("Out of window"), str(exc))
            return
        dlg = ReasonDialog(
            self.tr("Record out of window"),
            self.tr("Window {start} … {end}. Give the actual date and why it is outside.").format(
                start=v.window_start, end=v.window_end
            ),
            self,
            with_date=v.actual_date or dt.date.today(),
        )
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        status = "in_progress" if v.status == "planned" else v.status
        self._run(
            lambda: self.store.set_visit_status(
                self.session,
                self.code,
                v.visit,
                status,
                actual_date=dlg.value_date(),
                out_of_window_reason=dlg.value_reason(),
                expected_version=v.row_version,
            )
        )

    def sign(self) -> None:
        try:
            v = self._visit()
        except StoreError as exc:
            QMessageBox.information(self, self.tr("Sign"), str(exc))
            return
        if self.form is not None and self.form.dirty():
            QMessageBox.information(self, self.tr("Sign"), self.tr("Save the visit first."))
            return
        if v.status != "complete":  # said before the password is asked, not after
            QMessageBox.information(
                self,
                self.tr("Sign"),
                self.tr("Only a complete visit can be signed; this one is {status}.").format(
                    status=visit_status_text(v.status)
                ),
            )
            return
        # the meaning is recorded in one language whatever the signer's (CRFs, reports and
        # exports in either language read the same record); the signer reads it in theirs
        meanings = tuple((en, i18n.pick(en, zh)) for en, zh in SIGNATURE_MEANINGS.items())
        dlg = ReasonDialog(
            self.tr("Sign visit"),
            self.tr("Signing {visit} of {code} as {user}. Re-enter your password.").format(
                visit=i18n.pick(v.label_en, v.label_zh), code=self.code, user=self.session.username
            ),
            self,
            with_password=True,
            meanings=meanings,
        )
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self._run(
            lambda: self.store.sign_visit(
                self.session,
                self.code,
                v.visit,
                dlg.password.text(),  # type: ignore[union-attr]
                dlg.meaning.currentData(),
            )
        )  # type: ignore[union-attr]

    def lock(self, unlock: bool = False) -> None:
        try:
            v = self._visit()
        except StoreError as exc:
            QMessageBox.information(self, self.tr("Lock"), str(exc))
            return
        title = self.tr("Unlock visit") if unlock else self.tr("Lock visit")
        if bool(v.locked) != unlock:  # said before a reason is asked, not after
            QMessageBox.information(
                self,
                title,
                self.tr("This visit is not locked.")
                if unlock
                else self.tr("This visit is locked already."),
            )
            return
        dlg = ReasonDialog(title, self.tr("Reason:"), self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        fn = self.store.unlock_visit if unlock else self.store.lock_visit
        self._run(lambda: fn(self.session, self.code, v.visit, dlg.value_reason()))

    def correct_signed(self) -> None:
        if self.form is None or not self.form.ctx.visit.signed_by or self.form.ctx.visit.locked:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Correct signed visit"),
            self.tr(
                "Changing a signed visit voids its signature; it must then be signed again. "
                "Every change needs a reason. Continue?"
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.form.unlock_signed_for_correction()
            self.form.focus_first()
