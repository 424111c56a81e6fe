"""A stopwatch for timed physical tests: Space starts/stops it, the time lands in the focused
trial field, and the field is marked as timed by the program (not typed)."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from scoring.model import unit_label
from ui import i18n


def _shown(seconds: float) -> str:
    """The time as the display shows it, with the unit in the user's language (秒 in Chinese)."""
    return f"{seconds:.2f} {unit_label('s', 'zh' if i18n.is_chinese() else 'en')}"


class Stopwatch(QWidget):
    started = Signal()
    stopped = Signal(float)  # seconds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stopwatch")
        self._clock = QElapsedTimer()
        self._last = 0.0  # the time shown when stopped
        self._tick = QTimer(self)
        self._tick.setInterval(50)
        self._tick.timeout.connect(self._refresh)
        self._title = QLabel()
        self._display = QLabel(_shown(0.0))
        self._display.setStyleSheet("font: bold 16pt monospace;")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._title)
        lay.addWidget(self._display)
        lay.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        if not self.running:  # the unit of the time shown
            self._display.setText(_shown(self._last))
        self._title.setText(
            self.tr(
                "Stopwatch (Space in a trial field starts/stops; the time lands in that field):"
            )
        )

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    @property
    def running(self) -> bool:
        return self._clock.isValid() and self._tick.isActive()

    def toggle(self) -> float | None:
        """Start, or stop and return the elapsed seconds."""
        if self.running:
            return self.stop()
        self.start()
        return None

    def start(self) -> None:
        self._clock.start()
        self._tick.start()
        self._display.setStyleSheet("font: bold 16pt monospace; color: #b3261e;")
        self.started.emit()

    def stop(self) -> float:
        seconds = self._last = self._clock.nsecsElapsed() / 1e9
        self._tick.stop()
        self._display.setText(_shown(seconds))
        self._display.setStyleSheet("font: bold 16pt monospace;")
        self.stopped.emit(seconds)
        return seconds

    def _refresh(self) -> None:
        self._display.setText(_shown(self._clock.nsecsElapsed() / 1e9))

    def keyPressEvent(self, ev) -> None:
        if ev.key() == Qt.Key.Key_Space:
            self.toggle()
            return
        super().keyPressEvent(ev)
