"""Signing in, first-start administrator creation, and the idle lock.

The main window is the program's first window and opens on its sign-in page (``SignInPage``),
so this module imports only Qt and light modules (no pandas, numpy or SQLAlchemy). Given a
``StoreLoader``, the page opens the store (the heavy imports) right after its first paint, while
the user types; Enter waits for the store if it is not open yet, then checks the password
(argon2id, ``store.login``).

The idle lock watches every key and mouse event of the application; after the configured number
of minutes without one, the main window is covered by ``LockDialog``, which only the same user's
password opens (checked through ``store.login``, so the attempt is audited and lockout applies).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from store.errors import StoreError
from ui.level_colours import ERROR_STYLE
from ui.store_messages import store_error_text


class StoreLoader(QObject):
    """Opens the store once, on request: ``open_store()`` is the slow part of a start (pandas,
    numpy, SQLAlchemy imports, the integrity check). ``load()`` runs on the GUI thread, so
    keystrokes typed meanwhile are queued by Qt, not lost; ``after_open`` (e.g. importing the
    main window's workspace modules) follows on the next turn of the event loop."""

    ready = Signal()

    def __init__(
        self,
        open_store: Callable[[], Any],
        after_open: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._open, self._after_open = open_store, after_open
        self.store: Any = None
        self.error: BaseException | None = None

    @property
    def done(self) -> bool:
        return self.store is not None or self.error is not None

    def load(self) -> Any:
        """The store (opened now if not yet); None if opening failed (see ``error``)."""
        if self.done:
            return self.store
        try:
            self.store = self._open()
        except Exception as exc:  # shown by the caller (store errors are one clear line)
            self.error = exc
            return None
        if self._after_open is not None:
            QTimer.singleShot(0, self._after_open)
        self.ready.emit()
        return self.store


def _credential_fields(owner: QWidget) -> QVBoxLayout:
    """The fields every credentials screen shares, set as attributes of ``owner``: ``heading``,
    ``user``, ``password``, ``message`` (the store's one-line refusal, in red), ``form``."""
    owner.user = QLineEdit()
    owner.user.setObjectName("username")
    owner.password = QLineEdit()
    owner.password.setObjectName("password")
    owner.password.setEchoMode(QLineEdit.EchoMode.Password)
    owner.message = QLabel()
    owner.message.setObjectName("message")
    owner.message.setWordWrap(True)
    owner.message.setStyleSheet(ERROR_STYLE)
    owner.heading = QLabel()
    owner.heading.setWordWrap(True)
    owner.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
    owner.form = QFormLayout()
    owner.user_label = QLabel()
    owner.password_label = QLabel()
    owner.user_label.setBuddy(owner.user)
    owner.password_label.setBuddy(owner.password)
    owner.form.addRow(owner.user_label, owner.user)
    owner.form.addRow(owner.password_label, owner.password)
    lay = QVBoxLayout()
    lay.addWidget(owner.heading)
    lay.addLayout(owner.form)
    lay.addWidget(owner.message)
    return lay


def _enter_moves_on(owner: QWidget, ev: QKeyEvent, chain: list[QLineEdit], submit) -> bool:
    """Enter moves along ``chain``; on its last field it submits. True if the key was used."""
    if ev.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return False
    fields = [f for f in chain if not f.isReadOnly()]
    current = owner.focusWidget()
    if current in fields and fields.index(current) < len(fields) - 1:
        fields[fields.index(current) + 1].setFocus()
    else:
        submit()
    return True


class SignInPage(QWidget):
    """The main window's first page: the program and database, user name and password.

    ``store`` is an open store or a ``StoreLoader``: the page then asks it to open the store
    right after its own first paint (so the window appears before the heavy imports), emits
    ``needs_admin`` if the database has no users yet and ``open_failed`` if it cannot be
    opened, and on Enter waits for the store before checking the password. ``signed_in``
    carries the session.
    """

    signed_in = Signal(object)
    needs_admin = Signal()
    open_failed = Signal(object)
    open_other = Signal()  # the "Open another database…" button (shown when opening failed)

    def __init__(self, store: Any, database: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInPage")
        self.loader: StoreLoader | None = store if isinstance(store, StoreLoader) else None
        self.store = None if self.loader is not None else store
        if self.loader is not None and self.loader.store is not None:
            self.store = self.loader.store  # opened already
        self.session: Any = None
        self.login_seconds = 0.0
        self.database = database
        self._painted = False
        panel = QFrame()
        panel.setObjectName("signInPanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setMaximumWidth(520)
        fields = _credential_fields(self)
        self.where = QLabel()
        self.where.setObjectName("database")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fields.insertWidget(1, self.where)
        self.button = QPushButton()
        self.button.setObjectName("signIn")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.other = QPushButton()
        self.other.setObjectName("openOther")
        self.other.setVisible(False)
        self.other.clicked.connect(self.open_other)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.other)
        row.addWidget(self.button)
        fields.addLayout(row)
        panel.setLayout(fields)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(panel, 3)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(3)
        self.retranslate()

    def chain(self) -> list[QLineEdit]:
        return [self.user, self.password]

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if not _enter_moves_on(self, ev, self.chain(), self.submit):
            super().keyPressEvent(ev)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self.user.text():
            self.user.setFocus()

    def paintEvent(self, ev: QPaintEvent) -> None:
        super().paintEvent(ev)
        if not self._painted:
            self._painted = True
            if self.loader is not None and self.store is None:
                # queued behind this paint and the flush to the screen
                QTimer.singleShot(0, self._open_store)

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def retranslate(self) -> None:
        from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION

        self.heading.setText(
            self.tr("{program} {version} — sign in").format(
                program=PROGRAM_NAME, version=PROGRAM_VERSION
            )
        )
        self.where.setText(
            self.tr("Database: {path}").format(path=self.database) if self.database else ""
        )
        self.where.setVisible(bool(self.database))
        self.user_label.setText(self.tr("&User name:"))
        self.password_label.setText(self.tr("&Password:"))
        self.button.setText(self.tr("&Sign in"))
        self.other.setText(self.tr("&Open another database…"))

    def unavailable(self, message: str) -> None:
        """The database could not be opened: say so on the page, take the sign-in fields out
        of use and offer "Open another database…" (the page is replaced when one opens)."""
        for w in (self.user, self.password, self.button):
            w.setEnabled(False)
        self.button.setDefault(False)
        self.message.setText(message)
        self.other.setVisible(True)
        self.other.setDefault(True)
        self.other.setFocus()

    def _open_store(self) -> bool:
        """Open the store through the loader; False (and a signal) if it failed or the
        database needs its administrator first."""
        if self.store is not None:
            return True
        assert self.loader is not None
        if self.loader.error is not None:  # failed before, and said so then
            return False
        self.loader.load()
        if self.loader.error is not None:
            self.open_failed.emit(self.loader.error)
            return False
        self.store = self.loader.store
        if self.store.needs_admin():
            self.needs_admin.emit()
            return False
        return True

    def submit(self) -> None:
        if self.store is None and not self._open_store():  # Enter before the store was open
            return
        if self.store.needs_admin():
            self.needs_admin.emit()
            return
        t0 = time.perf_counter()
        try:
            session = self.store.login(self.user.text().strip(), self.password.text())
        except StoreError as exc:
            self.message.setText(store_error_text(exc))
            self.password.clear()
            self.password.setFocus()
            return
        finally:
            self.login_seconds = time.perf_counter() - t0  # argon2id (``--smoke`` prints it)
        self.session = session
        self.message.clear()
        self.password.clear()
        self.signed_in.emit(session)


class _CredentialsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = _credential_fields(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.setLayout(lay)
        self.setMinimumWidth(420)

    def chain(self) -> list[QLineEdit]:
        """Enter moves along these fields; on the last one it accepts."""
        return [self.user, self.password]

    def keyPressEvent(self, ev) -> None:
        if not _enter_moves_on(self, ev, self.chain(), self.accept):
            super().keyPressEvent(ev)

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def retranslate(self) -> None:
        pass


class FirstAdminDialog(_CredentialsDialog):
    """First start: no users yet, so the first account (administrator) is created here."""

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstAdminDialog")
        self.store = store
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_label = QLabel()
        self.repeat_label.setBuddy(self.repeat)
        self.form.addRow(self.repeat_label, self.repeat)
        self.retranslate()

    def chain(self) -> list[QLineEdit]:
        return [self.user, self.password, self.repeat]

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Create the administrator"))
        self.heading.setText(
            self.tr(
                "This database has no users yet. Create the administrator account; "
                "the administrator then creates the other accounts."
            )
        )
        self.user_label.setText(self.tr("&User name:"))
        self.password_label.setText(self.tr("&Password:"))
        if hasattr(self, "repeat_label"):
            self.repeat_label.setText(self.tr("&Repeat password:"))

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText(self.tr("The two passwords differ."))
            self.repeat.clear()
            self.repeat.setFocus()
            return
        try:
            self.store.create_first_admin(self.user.text().strip(), self.password.text())
        except StoreError as exc:
            self.message.setText(store_error_text(exc))
            return
        super().accept()


SIGN_OUT = 2  # LockDialog result: sign the locked user out (the next user signs in)


class LockDialog(_CredentialsDialog):
    """The idle lock: the same user's password unlocks. "Sign out" ends the locked session
    instead (its draft is kept), so that another user can take over the program."""

    def __init__(self, store: Any, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.store = store
        self.user.setText(username)
        self.user.setReadOnly(True)
        self.user.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self.sign_out = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.sign_out.setObjectName("signOut")
        self.sign_out.setAutoDefault(False)
        self.sign_out.clicked.connect(lambda: self.done(SIGN_OUT))
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.retranslate()
        self.password.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Locked"))
        self.heading.setText(
            self.tr(
                "OutcomeDesk is locked. Enter your password to continue, or sign out so that "
                "another user can sign in; unsaved entries are kept as a draft."
            )
        )
        self.user_label.setText(self.tr("User name:"))
        self.password_label.setText(self.tr("&Password:"))
        self.sign_out.setText(self.tr("Sign &out"))

    def reject(self) -> None:  # Escape must not unlock
        self.password.setFocus()

    def accept(self) -> None:
        try:
            session = self.store.login(self.user.text(), self.password.text())
        except StoreError as exc:
            self.message.setText(store_error_text(exc))
            self.password.clear()
            return
        if session.username != self.user.text():
            self.message.setText(self.tr("Only the user who was logged in can unlock."))
            return
        super().accept()


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without keyboard or mouse input (0 = never).

    Watching every event in Python would cost time on each keystroke, so the filter removes
    itself at the first input event and comes back ``REARM_MS`` later: the idle clock is then
    at most that much early, and typing pays for one filter call per interval, not per event.
    """

    idle = Signal()
    REARM_MS = 5000
    _EVENTS = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
    )

    def __init__(self, minutes: float, target: QObject, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.rearm = QTimer(self)
        self.rearm.setSingleShot(True)
        self.rearm.timeout.connect(self._install)
        self.installed = False
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self.minutes = minutes
        self.timer.stop()
        if minutes > 0:
            self.timer.start(int(minutes * 60_000))
            self._install()
        else:
            self.stop()

    def _install(self) -> None:
        if not self.installed and self.minutes > 0:
            self.target.installEventFilter(self)
            self.installed = True

    def stop(self) -> None:
        self.timer.stop()
        self.rearm.stop()
        if self.installed:
            self.target.removeEventFilter(self)
            self.installed = False

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if ev.type() in self._EVENTS:
            self.timer.start(int(self.minutes * 60_000))
            self.target.removeEventFilter(self)
            self.installed = False
            self.rearm.start(self.REARM_MS)
        return False
