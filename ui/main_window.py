"""The main window: participant list ⇄ participant page, menus with a shortcut for every action,
language switch, idle lock, background re-scoring of the study's open flags."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION
from store.roles import allowed
from ui import errors, i18n
from ui.history import HistoryDialog
from ui.import_wizard import ImportWizard, may_import
from ui.login import IdleWatcher, LockDialog
from ui.participant_page import ParticipantPage
from ui.participants import ParticipantDialog, ParticipantListPage, open_flags, summaries
from ui.settings import Settings
from ui.workers import Task, run_task

FLAGS_DELAY_MS = 300
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.settings = settings
        self.idle = QSpinBox()
        self.idle.setObjectName("idleMinutes")
        self.idle.setRange(0, 240)
        self.idle.setValue(settings.idle_lock_minutes)
        self.idle.setSuffix(self.tr(" min"))
        self.idle.setSpecialValueText(self.tr("never"))
        form = QFormLayout()
        form.addRow(self.tr("&Lock after idle:"), self.idle)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel(self.tr("The language is switched in the Language menu.")))
        lay.addWidget(buttons)

    def accept(self) -> None:
        self.settings.idle_lock_minutes = self.idle.value()
        super().accept()


class MainWindow(QMainWindow):
    flags_refreshed = Signal()

    def __init__(self, store: Any, session: Any, settings: Settings, db_label: str = "") -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store, self.session, self.settings = store, session, settings
        self.db_label = db_label
        self.study = store.study(session)
        self.task: Task | None = None
        self.flags_done = False  # the first background re-scoring has ended
        self.locked = False
        self.stack = QStackedWidget()
        self.list_page = ParticipantListPage()
        self.page = ParticipantPage(store, session, self.study)
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.page)
        self.setCentralWidget(self.stack)
        self.list_page.open_participant.connect(self.open_participant)
        self.page.changed.connect(self.refresh_list)
        self.page.history_requested.connect(self.show_history)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_actions()
        self.idle = IdleWatcher(settings.idle_lock_minutes, QApplication.instance(), self)
        self.idle.idle.connect(self.lock_screen)
        errors.before_dialog.append(self._save_draft_now)
        self.list_page.set_sites([(s.code, s.name) for s in store.sites(session)])
        self.refresh_list()
        self.retranslate()
        self._restore_geometry()
        # re-scoring starts once the window is up: it must not compete with the first paint
        QTimer.singleShot(FLAGS_DELAY_MS, self.refresh_flags)

    # ---------------------------------------------------------------- actions
    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        mb = self.menuBar()
        self.menus = {k: mb.addMenu("") for k in ("file", "participant", "visit", "tools", "lang")}

        def add(menu: str, name: str, keys, slot, enabled: bool = True) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            if keys:
                act.setShortcuts(keys if isinstance(keys, list) else [QKeySequence(keys)])
            act.triggered.connect(slot)
            act.setEnabled(enabled)
            self.menus[menu].addAction(act)
            self.actions_by_name[name] = act
            return act

        role = self.session.role

        def can(action: str) -> bool:
            try:
                return allowed(role, action)
            except KeyError:
                return True

        add("file", "prefs", "Ctrl+,", self.preferences)
        add("file", "lockNow", "Ctrl+L", self.lock_screen)
        add("file", "quit", "Ctrl+Q", self.close)
        add("participant", "list", ["Ctrl+1", "Alt+Home"], self.show_list)
        add("participant", "add", "Ctrl+N", self.add_participant, can("add_participant"))
        add("participant", "edit", "F2", self.edit_participant, can("update_participant"))
        add("visit", "nextVisit", "Alt+Down", lambda: self._on_page(self.page.step_visit, 1))
        add("visit", "prevVisit", "Alt+Up", lambda: self._on_page(self.page.step_visit, -1))
        add("visit", "timeline", "Alt+T", lambda: self._on_page(self.page.view.setFocus))
        add(
            "visit",
            "missed",
            "Ctrl+M",
            lambda: self._on_page(self.page.mark_missed),
            can("set_visit_status"),
        )
        add(
            "visit",
            "outOfWindow",
            "Ctrl+W",
            lambda: self._on_page(self.page.record_out_of_window),
            can("set_visit_status"),
        )
        add(
            "visit",
            "correct",
            "Ctrl+Shift+E",
            lambda: self._on_page(self.page.correct_signed),
            can("save_answers"),
        )
        add(
            "visit",
            "sign",
            "Ctrl+Shift+S",
            lambda: self._on_page(self.page.sign),
            can("sign_visit"),
        )
        add(
            "visit",
            "lock",
            "Ctrl+Shift+L",
            lambda: self._on_page(self.page.lock, False),
            can("lock_visit"),
        )
        add(
            "visit",
            "unlock",
            "Ctrl+Shift+U",
            lambda: self._on_page(self.page.lock, True),
            can("lock_visit"),
        )
        add("visit", "history", "Ctrl+H", lambda: self.show_history(""), can("read_audit"))
        add("tools", "rescore", "Ctrl+R", self.refresh_flags)
        add("tools", "report", "Ctrl+P", self.print_report)
        add("tools", "crf", "Ctrl+Shift+P", lambda: self.print_crf(completed=True))
        add("tools", "crfBlank", "Ctrl+Alt+P", lambda: self.print_crf(completed=False))
        add("tools", "reportsAll", "Ctrl+Shift+A", lambda: self.print_all_reports())
        add("tools", "export", "Ctrl+E", lambda: self.export_data())
        add("tools", "import", "Ctrl+I", lambda: self.import_data(), may_import(role))
        group = QActionGroup(self)
        for code in ("en", "zh_CN"):
            act = add("lang", f"lang_{code}", None, lambda _=False, c=code: self.set_language(c))
            act.setCheckable(True)
            act.setChecked(i18n.current() == code)
            act.setText(LANGUAGE_NAMES[code])
            group.addAction(act)

    def retranslate(self) -> None:
        titles = {
            "file": self.tr("&File"),
            "participant": self.tr("&Participant"),
            "visit": self.tr("&Visit"),
            "tools": self.tr("&Tools"),
            "lang": self.tr("&Language"),
        }
        for key, menu in self.menus.items():
            menu.setTitle(titles[key])
        texts = {
            "prefs": self.tr("&Preferences…"),
            "lockNow": self.tr("&Lock now"),
            "quit": self.tr("&Quit"),
            "list": self.tr("Participant &list"),
            "add": self.tr("&Add participant…"),
            "edit": self.tr("&Edit attributes…"),
            "nextVisit": self.tr("&Next visit"),
            "prevVisit": self.tr("&Previous visit"),
            "timeline": self.tr("&Timeline"),
            "missed": self.tr("Mark &missed…"),
            "outOfWindow": self.tr("Record &out of window…"),
            "correct": self.tr("&Correct signed visit…"),
            "sign": self.tr("&Sign…"),
            "lock": self.tr("Loc&k…"),
            "unlock": self.tr("&Unlock…"),
            "history": self.tr("&History…"),
            "report": self.tr("&Participant report (PDF)…"),
            "crf": self.tr("&Completed CRF of this visit (PDF)…"),
            "crfBlank": self.tr("&Blank CRF of this visit (PDF)…"),
            "reportsAll": self.tr("Reports for &all participants (PDF folder)…"),
            "export": self.tr("&Export data (xlsx, SPSS, Stata, CSV)…"),
            "import": self.tr("&Import data…"),
            "rescore": self.tr("&Re-score study and flags"),
        }
        for name, text in texts.items():
            self.actions_by_name[name].setText(text)
        title = i18n.pick(self.study.title_en, self.study.title_zh)
        self.setWindowTitle(f"{PROGRAM_NAME} {PROGRAM_VERSION} — {title}")
        self.status_label.setText(
            self.tr("{user} ({role}) · {db}").format(
                user=self.session.username, role=self.session.role, db=self.db_label
            )
        )

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def _on_page(self, fn, *args) -> None:
        if self.stack.currentWidget() is self.page:
            fn(*args)

    # ---------------------------------------------------------------- navigation
    def refresh_list(self) -> None:
        code = self.list_page.current_code()
        self.list_page.set_rows(summaries(self.store, self.session))
        if code:
            self.list_page.select_code(code)

    def show_list(self) -> None:
        if self.page.form is not None and self.page.form.dirty():
            self.page.form.save_draft()
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.view.setFocus()

    def open_participant(self, code: str) -> None:
        self.page.load(code)
        self.page.set_open_flags(self._flags or {})
        self.stack.setCurrentWidget(self.page)
        first = next(
            (
                i
                for i, t in enumerate(self.page.timeline.rows())
                if t.visit.status in ("planned", "in_progress")
            ),
            0,
        )
        self.page.view.setCurrentIndex(self.page.timeline.index(first, 0))
        self.page.view.setFocus()

    def add_participant(self) -> None:
        dlg = ParticipantDialog(
            self.store,
            self.session,
            [(s.code, s.name) for s in self.store.sites(self.session)],
            parent=self,
        )
        if dlg.exec() == QDialog.DialogCode.Accepted and dlg.result_code:
            self.refresh_list()
            self.list_page.select_code(dlg.result_code)
            self.open_participant(dlg.result_code)

    def edit_participant(self) -> None:
        code = (
            self.page.code
            if self.stack.currentWidget() is self.page
            else (self.list_page.current_code())
        )
        if not code:
            return
        row = self.store.participant(self.session, code)
        dlg = ParticipantDialog(
            self.store,
            self.session,
            [(s.code, s.name) for s in self.store.sites(self.session)],
            row=row,
            parent=self,
        )
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.refresh_list()
            if self.stack.currentWidget() is self.page:
                self.page.load(code)

    def show_history(self, item: str) -> HistoryDialog | None:
        if self.stack.currentWidget() is not self.page or self.page.code is None:
            return None
        visit = self.page.current_visit_code()
        what = f"{self.page.code} {visit or ''} {item}".strip()
        try:
            return HistoryDialog.ask(
                self.store, self.session, self.page.code, visit, item, what, self
            )
        except Exception as exc:  # store errors: shown, not raised
            from store.errors import StoreError

            if not isinstance(exc, StoreError):
                raise
            QMessageBox.warning(self, self.tr("History"), str(exc))
            return None

    # ---------------------------------------------------------------- background re-scoring
    _flags: dict | None = None

    def refresh_flags(self) -> None:
        if self.task is not None and self.task.running:
            return
        store, session = self.store, self.session
        self.task = run_task(
            self,
            self.tr("Re-scoring the study…"),
            lambda state: open_flags(store, session, state),
            self._flags_done,
            self._flags_failed,
        )

    def _flags_done(self, counts: dict) -> None:
        self._flags = counts
        self.list_page.set_open_flags(counts)
        self.page.set_open_flags(counts)
        self.flags_done = True
        self.flags_refreshed.emit()

    def _flags_failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(
            self.tr("Re-scoring failed: {error}").format(error=exc), 10_000
        )
        self.flags_refreshed.emit()

    # ---------------------------------------------------------------- reports (in a worker)
    def print_report(self, target: str | None = None) -> Task | None:
        """The participant report PDF (reports/), laid out in a worker with progress/cancel;
        the print is recorded in the audit trail."""
        code = (
            self.page.code
            if self.stack.currentWidget() is self.page
            else (self.list_page.current_code())
        )
        if not code:
            return None
        if target is None:
            from pathlib import Path

            from PySide6.QtWidgets import QFileDialog

            target, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Save participant report"),
                str(Path.home() / f"{code}_report.pdf"),
                "PDF (*.pdf)",
            )
            if not target:
                return None
        store, session, lang = self.store, self.session, i18n.current()

        def work(state):
            import datetime as dt

            from reports.participant_report import build_participant_report
            from reports.pdf_common import PrintContext
            from reports.pdf_data import load_participant
            from scoring.registry import scoring_versions

            state.progress(0, 2)
            record = load_participant(store, session, code)
            state.check()
            state.progress(1, 2)
            ctx = PrintContext(
                user=session.username,
                generated_at=dt.datetime.now(dt.UTC),
                lang="zh" if lang.startswith("zh") else "en",
                scoring_versions=scoring_versions(),
            )
            build_participant_report(record, ctx, target)
            store.record_event(session, "print", f"participant report {code} -> {target}")
            state.progress(2, 2)
            return target

        return self._pdf_task(
            self.tr("Laying out the participant report…"),
            work,
            lambda path: self.tr("Report written to {path}").format(path=path),
        )

    def _pdf_task(self, title: str, work, done_message) -> Task:
        """Run PDF work in a worker with progress/cancel; the status bar says where it went."""
        self.report_task = run_task(
            self,
            title,
            work,
            lambda result: self.statusBar().showMessage(done_message(result), 10_000),
            lambda exc: QMessageBox.warning(self, self.tr("Report"), str(exc)),
            delay_ms=300,
        )
        return self.report_task

    def _print_context(self):
        import datetime as dt

        from reports.pdf_common import PrintContext
        from scoring.registry import scoring_versions

        return PrintContext(
            user=self.session.username,
            generated_at=dt.datetime.now(dt.UTC),
            lang="zh" if i18n.current().startswith("zh") else "en",
            scoring_versions=scoring_versions(),
        )

    def _ask_path(self, title: str, suggested: str, filters: str) -> str | None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        target, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), filters)
        return target or None

    def print_crf(self, completed: bool = True, target: str | None = None) -> Task | None:
        """The case report form of the visit on screen (completed with the stored answers, or
        blank), laid out in a worker; the print is recorded in the audit trail."""
        if self.stack.currentWidget() is not self.page or not self.page.code:
            return None
        code, visit = self.page.code, self.page.current_visit_code()
        if not visit:  # no form open yet: the visit selected in the timeline
            idx, rows = self.page.view.currentIndex(), self.page.timeline.rows()
            if idx.isValid() and idx.row() < len(rows):
                visit = rows[idx.row()].visit.visit
        if not visit:
            return None
        kind = "completed" if completed else "blank"
        if target is None:
            target = self._ask_path(
                self.tr("Save case report form"), f"crf_{kind}_{code}_{visit}.pdf", "PDF (*.pdf)"
            )
            if not target:
                return None
        store, session, ctx = self.store, self.session, self._print_context()

        def work(state):
            from reports.crf import build_crf
            from reports.pdf_data import load_participant

            state.progress(0, 2)
            record = load_participant(store, session, code, with_answers=completed)
            state.check()
            state.progress(1, 2)
            build_crf(record, visit, ctx, target, completed=completed)
            store.record_event(
                session, "print", f"crf {kind} participant={code} visit={visit} -> {target}"
            )
            state.progress(2, 2)
            return target

        return self._pdf_task(
            self.tr("Laying out the case report form…"),
            work,
            lambda path: self.tr("Report written to {path}").format(path=path),
        )

    def print_all_reports(self, folder: str | None = None) -> Task | None:
        """Every participant's report into one folder, in a worker with progress and cancel."""
        if folder is None:
            from PySide6.QtWidgets import QFileDialog

            folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the reports"))
            if not folder:
                return None
        store, session, ctx = self.store, self.session, self._print_context()

        def work(state):
            from pathlib import Path

            from reports.participant_report import build_participant_report
            from reports.pdf_data import load_participant

            codes = [p.code for p in store.participants(session)]
            for i, code in enumerate(codes):
                state.progress(i, len(codes))
                state.check()
                record = load_participant(store, session, code)
                target = Path(folder) / f"{code}_report_{ctx.lang}.pdf"
                build_participant_report(record, ctx, target)
                store.record_event(session, "print", f"participant report {code} -> {target}")
            state.progress(len(codes), len(codes))
            return len(codes)

        return self._pdf_task(
            self.tr("Laying out the participant reports…"),
            work,
            lambda n: self.tr("{n} reports written to {path}").format(n=n, path=folder),
        )

    def export_data(self, target: str | None = None, layout: str = "long") -> Task | None:
        """The statisticians' export (format from the file's extension: .xlsx, .sav, .dta,
        .csv) in a worker with progress and cancel; the export is recorded in the audit trail."""
        if target is None:
            target = self._ask_path(
                self.tr("Export data"),
                "outcomedesk_export.xlsx",
                "Excel (*.xlsx);;SPSS (*.sav);;Stata (*.dta);;CSV (*.csv)",
            )
            if not target:
                return None
        store, session = self.store, self.session

        def work(state):
            from pathlib import Path

            from reports.export_csv import write_csv
            from reports.export_frame import ExportMeta, build_export, from_store
            from reports.export_spss import write_sav
            from reports.export_stata import write_dta
            from reports.export_xlsx import write_xlsx

            out = Path(target)
            fmt = out.suffix.lower().lstrip(".")
            writers = {"xlsx": write_xlsx, "sav": write_sav, "dta": write_dta, "csv": write_csv}
            if fmt not in writers:
                raise ValueError(f"{out.name}: use .xlsx, .sav, .dta or .csv")
            state.progress(0, 3)
            source = from_store(store, session)
            state.check()
            state.progress(1, 3)
            table = build_export(source, layout=layout)
            state.check()
            state.progress(2, 3)
            meta = ExportMeta(exported_by=session.username, filters={"site": "all"})
            checksum = writers[fmt](table, out, meta)
            store.record_event(
                session,
                "export",
                f"format={fmt} layout={layout} site=all rows={len(table.data)} "
                f"columns={len(table.columns)} file={out.name} data_sha256={checksum}",
            )
            state.progress(3, 3)
            return str(out)

        self.export_task = run_task(
            self,
            self.tr("Exporting the study data…"),
            work,
            lambda path: self.statusBar().showMessage(
                self.tr("Data exported to {path}").format(path=path), 10_000
            ),
            lambda exc: QMessageBox.warning(self, self.tr("Export"), str(exc)),
            delay_ms=300,
        )
        return self.export_task

    def import_data(self, path: str | None = None) -> ImportWizard:
        """The import wizard (file → check and preview → import in one transaction)."""
        wizard = ImportWizard(self.store, self.session, self, path)
        written: list[str] = []
        wizard.imported.connect(written.append)
        # refresh once the wizard has closed: refreshing under it would move the focus (and
        # a re-scoring progress dialog) behind the page that says what was written
        wizard.finished.connect(lambda _r: self._imported(written[-1]) if written else None)
        wizard.finished.connect(wizard.deleteLater)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def _imported(self, summary: str) -> None:
        self.show_list()  # the participant page may show visits the import just wrote
        self.refresh_list()
        self.refresh_flags()
        self.statusBar().showMessage(summary, 10_000)

    # ---------------------------------------------------------------- language, settings
    def set_language(self, code: str) -> None:
        i18n.apply(code)
        self.settings.language = code
        self.actions_by_name[f"lang_{code}"].setChecked(True)

    def preferences(self) -> None:
        dlg = PreferencesDialog(self.settings, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.idle.set_minutes(self.settings.idle_lock_minutes)

    # ---------------------------------------------------------------- lock, drafts, closing
    def _save_draft_now(self) -> None:
        form = self.page.form
        if form is not None and form.dirty():
            form.save_draft()

    def lock_screen(self) -> None:
        if self.locked:
            return
        self.locked = True
        self._save_draft_now()
        self.centralWidget().setVisible(False)
        dlg = LockDialog(self.store, self.session.username, self)
        dlg.finished.connect(self._unlocked)
        self.lock_dialog = dlg
        dlg.open()
        dlg.activateWindow()
        dlg.password.setFocus()

    def _unlocked(self, _result: int) -> None:
        self.locked = False
        self.centralWidget().setVisible(True)
        self.idle.set_minutes(self.settings.idle_lock_minutes)

    def _restore_geometry(self) -> None:
        geom = self.settings.get("window/geometry")
        if geom and not geom.isEmpty() and self.restoreGeometry(geom):
            screen = QGuiApplication.screenAt(self.frameGeometry().center())
            if screen is None:  # off every screen now (style.md §9): fall back to the default
                self.resize(1280, 800)
        else:
            self.resize(1280, 800)

    def closeEvent(self, ev: QCloseEvent) -> None:
        self._save_draft_now()
        if self.task is not None and self.task.running:
            self.task.cancel()
        self.settings.set("window/geometry", self.saveGeometry())
        if self._save_draft_now in errors.before_dialog:
            errors.before_dialog.remove(self._save_draft_now)
        self.idle.stop()
        super().closeEvent(ev)
