"""Login, first-start administrator creation, and the idle lock.

The idle lock watches every key and mouse event of the application; after the configured number
of minutes without one, the main window is covered by ``LockDialog``, which only the same user's
password opens (checked through ``store.login``, so the attempt is audited and lockout applies).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from scoring.model import Level
from store.errors import StoreError
from ui.fields import LEVEL_COLOURS

ERROR_STYLE = f"color: {LEVEL_COLOURS[Level.ERROR][1]};"


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
    """User name and password → ``store.login``; ``session`` holds the result."""

    def __init__(self, store: Any, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.store = store
        self.session: Any = None
        self._title = title
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Log in"))
        self.heading.setText(self._title or self.tr("Log in"))
        self.user_label.setText(self.tr("&User name:"))
        self.password_label.setText(self.tr("&Password:"))

    def accept(self) -> None:
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
