"""Login, first-start administrator creation, and the idle lock.

The login dialog is the program's first window, so this module imports only Qt and light
modules (no pandas, numpy or SQLAlchemy): ``LoginDialog`` with a ``StoreLoader`` paints first and
opens the store (the heavy imports) after its first paint, while the user types; Enter waits for
the store if it is not ready yet, then checks the password (argon2id, ``store.login``).

The idle lock watches every key and mouse event of the application; after the configured number
of minutes without one, the main window is covered by ``LockDialog``, which only the same user's
password opens (checked through ``store.login``, so the attempt is audited and lockout applies).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from store.errors import StoreError
from ui.level_colours import ERROR_STYLE

NEEDS_ADMIN = 2  # LoginDialog result: the database has no users yet (FirstAdminDialog first)
OPEN_FAILED = 3  # LoginDialog result: the store could not be opened (``StoreLoader.error``)


class StoreLoader(QObject):
    """Opens the store once, on request: ``open_store()`` is the slow part of a start (pandas,
    numpy, SQLAlchemy imports, the integrity check). ``load()`` runs on the GUI thread, so
    keystrokes typed meanwhile are queued by Qt, not lost; ``after_open`` (e.g. importing the
    main window's modules) follows on the next turn of the event loop."""

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


class _CredentialsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = QLineEdit()
        self.user.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.form = QFormLayout()
        self.user_label = QLabel()
        self.password_label = QLabel()
        self.user_label.setBuddy(self.user)
        self.password_label.setBuddy(self.password)
        self.form.addRow(self.user_label, self.user)
        self.form.addRow(self.password_label, self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addLayout(self.form)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def chain(self) -> list[QLineEdit]:
        """Enter moves along these fields; on the last one it accepts."""
        return [self.user, self.password]

    def keyPressEvent(self, ev) -> None:
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            fields = [f for f in self.chain() if not f.isReadOnly()]
            current = self.focusWidget()
            if current in fields and fields.index(current) < len(fields) - 1:
                fields[fields.index(current) + 1].setFocus()
                return
            self.accept()
            return
        super().keyPressEvent(ev)

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def retranslate(self) -> None:
        pass


class LoginDialog(_CredentialsDialog):
    """User name and password → ``store.login``; ``session`` holds the result.

    ``store`` is an open store, or a ``StoreLoader``: the dialog then asks it to open the store
    right after its own first paint (so the window appears before the heavy imports), closes
    with ``NEEDS_ADMIN`` if the database has no users yet, or ``OPEN_FAILED`` if it cannot be
    opened, and on Enter waits for the store before checking the password.
    """

    def __init__(self, store: Any, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.loader: StoreLoader | None = store if isinstance(store, StoreLoader) else None
        self.store = None if self.loader is not None else store
        self.session: Any = None
        self._title = title
        self._painted = False
        self.retranslate()
        if self.loader is not None and self.loader.store is not None:
            self.store = self.loader.store  # opened already (the caller checked needs_admin)

    def paintEvent(self, ev: QPaintEvent) -> None:
        super().paintEvent(ev)
        if not self._painted:
            self._painted = True
            if self.loader is not None and self.store is None:
                # queued behind this paint and the flush to the screen
                QTimer.singleShot(0, self._open_store)

    def _open_store(self) -> bool:
        """Open the store through the loader; False (and the dialog closed) if it failed or
        the database needs its administrator first."""
        if self.store is not None:
            return True
        assert self.loader is not None
        self.loader.load()
        return self._store_ready()

    def _store_ready(self) -> bool:
        assert self.loader is not None
        if self.loader.error is not None:
            self.done(OPEN_FAILED)
            return False
        self.store = self.loader.store
        if self.store.needs_admin():
            self.done(NEEDS_ADMIN)
            return False
        return True

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Log in"))
        self.heading.setText(self._title or self.tr("Log in"))
        self.user_label.setText(self.tr("&User name:"))
        self.password_label.setText(self.tr("&Password:"))

    def accept(self) -> None:
        if self.store is None and not self._open_store():  # Enter before the store was open
            return
        try:
            self.session = self.store.login(self.user.text().strip(), self.password.text())
        except StoreError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()


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
            self.message.setText(str(exc))
            return
        super().accept()


class LockDialog(_CredentialsDialog):
    """The idle lock: the same user's password unlocks."""

    def __init__(self, store: Any, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.store = store
        self.user.setText(username)
        self.user.setReadOnly(True)
        self.user.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.retranslate()
        self.password.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Locked"))
        self.heading.setText(
            self.tr(
                "OutcomeDesk was locked after a period without use. Enter your password to "
                "continue; unsaved entries are kept as a draft."
            )
        )
        self.user_label.setText(self.tr("User name:"))
        self.password_label.setText(self.tr("&Password:"))

    def reject(self) -> None:  # Escape must not unlock
        self.password.setFocus()

    def accept(self) -> None:
        try:
            session = self.store.login(self.user.text(), self.password.text())
        except StoreError as exc:
            self.message.setText(str(exc))
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
