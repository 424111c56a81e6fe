"""History: the audit trail of a visit or of one field (who, when, old, new, reason)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models import HistoryModel


class HistoryDialog(QDialog):
    def __init__(self, rows: list[Any], what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.what = what
        self.model = HistoryModel(self)
        self.model.set_rows(rows)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.view = QTableView()
        self.view.setObjectName("historyTable")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(self.view, 1)
        lay.addWidget(buttons)
        self.resize(1000, 520)
        self.retranslate()
        self.view.setFocus()

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("History"))
        self.heading.setText(
            self.tr("Audit trail of {what}: {n} entries").format(
                what=self.what, n=self.model.rowCount()
            )
        )

    @classmethod
    def ask(
        cls,
        store: Any,
        session: Any,
        participant: str,
        visit: str | None,
        item: str | None,
        what: str,
        parent: QWidget,
    ) -> HistoryDialog:
        rows = store.audit_trail(session, participant=participant, visit=visit, item=item or None)
        dlg = cls(rows, what, parent)
        dlg.open()
        return dlg
