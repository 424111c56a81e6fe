"""The main window: the program's one window from start to quit. It opens at once on its sign-in
page (only Qt and light modules are loaded then), and once the user has signed in it holds the
participant list ⇄ participant page, menus with a shortcut for every action, the language
switch, the idle lock and the background re-scoring of the study's open flags.

The workspace's modules (pandas, the store, the forms) are imported while the user types the
password (``import_workspace``, called by the store loader), not before the first paint."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION
from store.roles import allowed
from ui import errors, i18n
from ui.login import (
    SIGN_OUT,
    FirstAdminDialog,
    IdleWatcher,
    LockDialog,
    SignInPage,
    StoreLoader,
)
from ui.settings import Settings
from ui.store_messages import role_text

if TYPE_CHECKING:
    from ui.history import HistoryDialog
    from ui.import_wizard import ImportWizard
    from ui.workers import Task

FLAGS_DELAY_MS = 300
WINDOW_TITLE_ALLOWANCE = 40  # a title bar's height before the window manager has framed it
WINDOW_EDGE_ALLOWANCE = 16  # the frame's left and right borders, likewise
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


WORKSPACE_MODULES = (
    "ui.participants",
    "ui.participant_page",
    "ui.history",
    "ui.import_wizard",
    "ui.workers",
)


def import_workspace() -> None:
    """Import what the signed-in window needs (the store's pandas and SQLAlchemy come with the
    store itself). Called while the user types the password; harmless if repeated."""
    for name in WORKSPACE_MODULES:
        importlib.import_module(name)


# menus and actions that need a signed-in user (shown, and enabled by role, at sign-in)
WORKSPACE_MENUS = ("participant", "visit", "tools")
ALWAYS_ENABLED = frozenset({"quit", "lang_en", "lang_zh_CN"})
SIGNED_OUT_ONLY = frozenset({"openDatabase"})  # on the sign-in page only


class OpenDatabaseDialog(QDialog):
    """Which study database to open: an SQLite file (typed or chosen with Browse…) or the
    ``postgresql://`` URL of a shared server."""

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("openDatabaseDialog")
        self.setWindowTitle(self.tr("Open database"))
        self.target = QLineEdit(current)
        self.target.setObjectName("databaseTarget")
        self.target.setMinimumWidth(420)
        browse = QPushButton(self.tr("&Browse…"))
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(browse)
        label = QLabel(self.tr("&Database file or PostgreSQL URL:"))
        label.setBuddy(self.target)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(label)
        lay.addLayout(row)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        from pathlib import Path

        start = str(Path(self.target.text()).expanduser().parent) if self.target.text() else ""
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open database"),
            start,
            self.tr("OutcomeDesk databases (*.db *.sqlite);;All files (*)"),
        )
        if path:
            self.target.setText(path)

    def value(self) -> str:
        return self.target.text().strip()


class MainWindow(QMainWindow):
    """``store`` is an open store or a ``StoreLoader`` (opened after the first paint).
    Without a ``session`` the window opens on its sign-in page; with one (tests, scripts) it
    opens signed in."""

    flags_refreshed = Signal()
    signed_in = Signal()

    def __init__(
        self,
        store: Any,
        session: Any = None,
        settings: Settings | None = None,
        db_label: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else Settings()
        self.session: Any = None
        self.store: Any = None if isinstance(store, StoreLoader) else store
        if isinstance(store, StoreLoader):  # closed by the caller at the end, signed in or not
            store.ready.connect(lambda: setattr(self, "store", store.store))
        self.db_label = db_label
        self.exit_code = 0  # 2 when the database could not be opened
        self.task: Task | None = None
        self.flags_done = False  # the first background re-scoring has ended
        self.locked = False
        self.page: Any = None
        self._generation = 0  # +1 at each sign-out: results of older work are dropped
        self.frames = QStackedWidget()  # the sign-in page, then the workspace
        self.setCentralWidget(self.frames)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_actions()
        self.idle = IdleWatcher(0, QApplication.instance(), self)  # armed at sign-in
        self.idle.idle.connect(self.lock_screen)
        self._restore_geometry()
        self.sign_in: SignInPage | None = None
        if session is None:
            self._show_sign_in(store)
        else:
            self.enter(session)

    def _show_sign_in(self, store: Any) -> None:
        self.sign_in = SignInPage(store, self.db_label)
        self.sign_in.signed_in.connect(self.enter)
        self.sign_in.needs_admin.connect(self._create_admin)
        self.sign_in.open_failed.connect(self._open_failed)
        self.sign_in.open_other.connect(lambda: self.open_database())
        self.frames.addWidget(self.sign_in)
        self.frames.setCurrentWidget(self.sign_in)
        self.retranslate()

    # ---------------------------------------------------------------- signing in
    def enter(self, session: Any) -> None:
        """Build the workspace for ``session``: the participant list and page, the menus its
        role may use, the idle lock, the background re-scoring."""
        from ui.participant_page import ParticipantPage
        from ui.participants import ParticipantListPage

        if self.sign_in is not None:
            self.store = self.sign_in.store
        store = self.store
        self.study = store.study(session)
        self.session = session
        self.stack = QStackedWidget()
        self.list_page = ParticipantListPage()
        self.page = ParticipantPage(store, session, self.study)
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.page)
        self.frames.addWidget(self.stack)
        self.frames.setCurrentWidget(self.stack)
        if self.sign_in is not None:
            self.frames.removeWidget(self.sign_in)
            self.sign_in.deleteLater()
            self.sign_in = None
        self.list_page.open_participant.connect(self.open_participant)
        self.page.changed.connect(self.refresh_list)
        self.page.history_requested.connect(self.show_history)
        self._enable_actions(session.role)
        self.idle.set_minutes(self.settings.idle_lock_minutes)
        errors.before_dialog.append(self._save_draft_now)
        self.list_page.set_sites([(s.code, s.name) for s in store.sites(session)])
        self.refresh_list()
        self.retranslate()
        self.list_page.view.setFocus()
        # re-scoring starts once the window is up: it must not compete with the first paint
        QTimer.singleShot(FLAGS_DELAY_MS, self.refresh_flags)
        if getattr(store, "backup_problem", None):
            QTimer.singleShot(0, self._warn_backup_problem)
        self.signed_in.emit()

    def _warn_backup_problem(self) -> None:
        """The store's automatic backup failed (at this start, or when the program last
        closed): every user who signs in is told, until a backup succeeds again."""
        problem = getattr(self.store, "backup_problem", None)
        if not problem or self.session is None:
            return
        QMessageBox.warning(
            self,
            self.tr("Automatic backup"),
            self.tr(
                "No backup copy of this study is being made: {problem}\n\n"
                "What you save is still kept in the study database. Free space on the disk, "
                "or tell your data manager. The program tries again at its next start."
            ).format(problem=problem),
        )

    def sign_out(self) -> None:
        """End the session (File ▸ Sign out, or Sign out on the lock screen, so that another
        user can take over a locked program): the visit being entered is kept as a draft,
        running work is cancelled, the logout is audited, and the window shows its sign-in
        page for the next user."""
        if self.session is None:
            return
        self._save_draft_now()
        for name in ("task", "report_task", "export_task"):
            task = getattr(self, name, None)
            if task is not None and task.running:
                task.cancel()
        self._generation += 1
        self.idle.set_minutes(0)
        if self._save_draft_now in errors.before_dialog:
            errors.before_dialog.remove(self._save_draft_now)
        session, self.session = self.session, None
        self.store.logout(session)
        self.frames.removeWidget(self.stack)
        self.stack.deleteLater()
        self.page = None
        self._flags = None
        self.flags_done = False
        for name, act in self.actions_by_name.items():
            act.setEnabled(name in ALWAYS_ENABLED | SIGNED_OUT_ONLY)
        for key in WORKSPACE_MENUS:
            self.menus[key].menuAction().setVisible(False)
        self._show_sign_in(self.store)
        self.sign_in.user.setFocus()

    def open_database(self, target: str | None = None) -> bool:
        """File ▸ Open database… (Ctrl+O) on the sign-in page: another study database, an
        SQLite file or a ``postgresql://`` URL (``target``, or asked). It is opened before the
        current one is closed, so one that cannot be opened (or does not exist: nothing is
        created here) leaves the program as it was, with one message. True if it switched."""
        if self.session is not None or self.sign_in is None:
            return False
        if target is None:
            dlg = OpenDatabaseDialog(self.db_label, self)
            if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.value():
                return False
            target = dlg.value()
        from store.api import Store
        from store.errors import StoreError

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            store = Store.open(target, create=False)
        except StoreError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, self.tr("Open database"), str(exc))
            return False
        QApplication.restoreOverrideCursor()
        old = self.sign_in.store
        self.frames.removeWidget(self.sign_in)
        self.sign_in.deleteLater()
        if old is not None:
            old.close()
        self.store, self.db_label = store, target
        self.exit_code = 0
        self._show_sign_in(store)
        self.sign_in.user.setFocus()
        if store.needs_admin():
            self._create_admin()
        return True

    def _create_admin(self) -> None:
        """A database without users: its first account (the administrator) is created here,
        then the administrator signs in on the page; cancelling quits."""
        assert self.sign_in is not None
        dlg = FirstAdminDialog(self.sign_in.store, self)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            self.close()
            return
        self.sign_in.user.setText(dlg.user.text().strip())
        self.sign_in.password.setFocus()

    def _open_failed(self, exc: BaseException) -> None:
        """The database cannot be opened: one clear message. The window stays on its sign-in
        page, with signing in disabled, so that another database can be opened (Ctrl+O); the
        program's exit code is 2 unless one is."""
        from store.errors import StoreError

        if not isinstance(exc, StoreError):
            raise exc
        self.exit_code = 2
        hint = self.tr("Open another database with File ▸ Open database… (Ctrl+O), or quit.")
        self.sign_in.unavailable(f"{exc}\n{hint}")
        QMessageBox.critical(self, PROGRAM_NAME, f"{exc}\n\n{hint}")

    # ---------------------------------------------------------------- actions
    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        mb = self.menuBar()
        self.menus = {k: mb.addMenu("") for k in ("file", "participant", "visit", "tools", "lang")}

        self._needs: dict[str, str | None] = {}  # action → the store permission it needs

        def add(menu: str, name: str, keys, slot, needs: str | None = None) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            if keys:
                act.setShortcuts(keys if isinstance(keys, list) else [QKeySequence(keys)])
            act.triggered.connect(slot)
            act.setEnabled(name in ALWAYS_ENABLED | SIGNED_OUT_ONLY)  # the rest by role
            self.menus[menu].addAction(act)
            self.actions_by_name[name] = act
            self._needs[name] = needs
            return act

        add("file", "openDatabase", "Ctrl+O", lambda: self.open_database())
        add("file", "prefs", "Ctrl+,", self.preferences)
        add("file", "lockNow", "Ctrl+L", self.lock_screen)
        add("file", "signOut", "Ctrl+Shift+Q", self.sign_out)
        add("file", "quit", "Ctrl+Q", self.close)
        add("participant", "list", ["Ctrl+1", "Alt+Home"], self.show_list)
        add("participant", "add", "Ctrl+N", self.add_participant, "add_participant")
        add("participant", "edit", "F2", self.edit_participant, "update_participant")
        add("visit", "nextVisit", "Alt+Down", lambda: self._on_page(self.page.step_visit, 1))
        add("visit", "prevVisit", "Alt+Up", lambda: self._on_page(self.page.step_visit, -1))
        add("visit", "timeline", "Alt+T", lambda: self._on_page(self.page.view.setFocus))
        add(
            "visit",
            "missed",
            "Ctrl+M",
            lambda: self._on_page(self.page.mark_missed),
            "set_visit_status",
        )
        add(
            "visit",
            "outOfWindow",
            "Ctrl+W",
            lambda: self._on_page(self.page.record_out_of_window),
            "set_visit_status",
        )
        add(
            "visit",
            "correct",
            "Ctrl+Shift+E",
            lambda: self._on_page(self.page.correct_signed),
            "save_answers",
        )
        add(
            "visit",
            "sign",
            "Ctrl+Shift+S",
            lambda: self._on_page(self.page.sign),
            "sign_visit",
        )
        add(
            "visit",
            "lock",
            "Ctrl+Shift+L",
            lambda: self._on_page(self.page.lock, False),
            "lock_visit",
        )
        add(
            "visit",
            "unlock",
            "Ctrl+Shift+U",
            lambda: self._on_page(self.page.lock, True),
            "lock_visit",
        )
        add("visit", "history", "Ctrl+H", lambda: self.show_history(""), "read_audit")
        add("tools", "rescore", "Ctrl+R", self.refresh_flags)
        add("tools", "report", "Ctrl+P", self.print_report)
        add("tools", "crf", "Ctrl+Shift+P", lambda: self.print_crf(completed=True))
        add("tools", "crfBlank", "Ctrl+Alt+P", lambda: self.print_crf(completed=False))
        add("tools", "reportsAll", "Ctrl+Shift+A", lambda: self.print_all_reports())
        add("tools", "export", "Ctrl+E", lambda: self.export_data())
        add("tools", "import", "Ctrl+I", lambda: self.import_data(), "import")
        group = QActionGroup(self)
        for code in ("en", "zh_CN"):
            act = add("lang", f"lang_{code}", None, lambda _=False, c=code: self.set_language(c))
            act.setCheckable(True)
            act.setChecked(i18n.current() == code)
            act.setText(LANGUAGE_NAMES[code])
            group.addAction(act)

        for key in WORKSPACE_MENUS:
            self.menus[key].menuAction().setVisible(False)

    def _enable_actions(self, role: str) -> None:
        """At sign-in: the workspace menus appear, each action enabled if ``role`` may use it."""
        from ui.import_wizard import may_import

        def can(needs: str | None) -> bool:
            if needs is None:
                return True
            if needs == "import":
                return may_import(role)
            try:
                return allowed(role, needs)
            except KeyError:
                return True

        for name, act in self.actions_by_name.items():
            act.setEnabled(
                name in ALWAYS_ENABLED or (name not in SIGNED_OUT_ONLY and can(self._needs[name]))
            )
        for key in WORKSPACE_MENUS:
            self.menus[key].menuAction().setVisible(True)

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
            "openDatabase": self.tr("&Open database…"),
            "prefs": self.tr("&Preferences…"),
            "lockNow": self.tr("&Lock now"),
            "signOut": self.tr("Sign &out"),
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
        if self.session is None:  # the sign-in page
            self.setWindowTitle(f"{PROGRAM_NAME} {PROGRAM_VERSION}")  # the page names the database
            self.status_label.clear()  # nobody is signed in (it named the user who signed out)
            return
        title = i18n.pick(self.study.title_en, self.study.title_zh)
        self.setWindowTitle(f"{PROGRAM_NAME} {PROGRAM_VERSION} — {title}")
        who = self.tr("{user} ({role}) · {db}").format(
            user=self.session.username, role=role_text(self.session.role), db=self.db_label
        )
        self.status_label.setText(who if self.db_label else who.rstrip(" ·"))

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
        from ui.participants import summaries

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
        from ui.participants import ParticipantDialog

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
        from ui.participants import ParticipantDialog

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
        from ui.history import HistoryDialog

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
        if self.session is None or (self.task is not None and self.task.running):
            return  # signed out (e.g. before the delayed first re-scoring), or running
        from ui.participants import open_flags
        from ui.workers import run_task

        store, session, generation = self.store, self.session, self._generation
        self.task = run_task(
            self,
            self.tr("Re-scoring the study…"),
            lambda state: open_flags(store, session, state),
            lambda counts: self._flags_done(counts, generation),
            self._flags_failed,
        )

    def _flags_done(self, counts: dict, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return  # computed for a session that has signed out since
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
        from ui.workers import run_task

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

        from ui.workers import run_task

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
        from ui.import_wizard import ImportWizard

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
        form = self.page.form if self.page is not None else None
        if form is not None and form.dirty():
            form.save_draft()

    def lock_screen(self) -> None:
        if self.locked or self.session is None:
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

    def _unlocked(self, result: int) -> None:
        self.locked = False
        self.centralWidget().setVisible(True)
        if result == SIGN_OUT:
            self.sign_out()
            return
        self.idle.set_minutes(self.settings.idle_lock_minutes)

    def _restore_geometry(self) -> None:
        geom = self.settings.get("window/geometry")
        if geom and not geom.isEmpty() and self.restoreGeometry(geom):
            screen = QGuiApplication.screenAt(self.frameGeometry().center())
            if screen is None:  # off every screen now (style.md §9): fall back to the default
                self.resize(1280, 800)
        else:
            self.resize(1280, 800)
        self._fit_screen()

    def _fit_screen(self) -> None:
        """Keep the window, with its title bar, inside the screen's free area: on the clinic
        laptop (1366×768, a task bar) the default 1280×800 put the key help, the status bar
        and the bottom of every form below the screen's edge."""
        screen = QGuiApplication.screenAt(self.geometry().center()) or (
            QGuiApplication.primaryScreen()
        )
        if screen is None:
            return
        free = screen.availableGeometry()
        frame = self.frameGeometry()
        title = frame.height() - self.height() if self.isVisible() else WINDOW_TITLE_ALLOWANCE
        edge = frame.width() - self.width() if self.isVisible() else WINDOW_EDGE_ALLOWANCE
        width = min(self.width(), free.width() - edge)
        height = min(self.height(), free.height() - title)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        if not free.contains(self.frameGeometry()):
            self.move(
                max(free.left(), min(self.x(), free.right() - width - edge)),
                max(free.top(), min(self.y(), free.bottom() - height - title)),
            )

    def closeEvent(self, ev: QCloseEvent) -> None:
        self._save_draft_now()
        if self.task is not None and self.task.running:
            self.task.cancel()
        self.settings.set("window/geometry", self.saveGeometry())
        if self._save_draft_now in errors.before_dialog:
            errors.before_dialog.remove(self._save_draft_now)
        self.idle.stop()
        if self.session is not None and self.store is not None:
            self.store.logout(self.session)  # audited; nothing when the store is closed already
        super().closeEvent(ev)
