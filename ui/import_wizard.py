"""Import wizard (issue 7): legacy or paper-collected data in the export's long layout.

Three pages: choose the file → check it (the importer's dry run in a worker; a preview grid with
flagged cells, the problem list and the counts; a reason when only warnings remain) → import it
(the real import in a worker with progress and cancel; all of it in one transaction, or nothing).
``reports/importer.py`` does every check and write; this module only shows them. Workers get data
(store, session, path, plan), never widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from reports.export_frame import is_blank
from reports.importer import (
    STORE_ACTIONS,
    ImportFileError,
    ImportPlan,
    ImportRefused,
    Problem,
    apply_plan,
    build_plan,
    context_from_store,
    file_sha256,
    read_table,
)
from scoring.model import Level
from store.roles import allowed
from ui import i18n
from ui.fields import LEVEL_COLOURS
from ui.workers import Task, TaskState, run_task

_Index = QModelIndex | QPersistentModelIndex
FILE_FILTERS = "xlsx / CSV (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv)"
PROGRESS_DELAY_MS = 300
_RANK = {"error": 2, "warning": 1}


def may_import(role: str) -> bool:
    """True when ``role`` may perform every store action an import makes (store/roles.py)."""
    return all(allowed(role, a) for a in STORE_ACTIONS)


def level_text(level: str) -> str:
    names = {
        "error": QCoreApplication.translate("ImportWizard", "error"),
        "warning": QCoreApplication.translate("ImportWizard", "warning"),
    }
    return names.get(level, level)


def _colours(level: str) -> tuple[QColor, QColor]:
    bg, fg = LEVEL_COLOURS[Level(level)]
    return QColor(bg), QColor(fg)


def _display(v: object) -> str:
    """A cell as the spreadsheet shows it (dates as YYYY-MM-DD, times as HH:MM)."""
    if is_blank(v):
        return ""
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _worst(problems: Sequence[Problem]) -> str | None:
    return max((p.level for p in problems), key=lambda lv: _RANK.get(lv, 0), default=None)


def _tooltip(problems: Sequence[Problem]) -> str:
    lang = i18n.current()
    return "\n".join(f"{level_text(p.level)}: {p.text(lang)}" for p in problems)


# ------------------------------------------------------------------------------------ check result
@dataclass(slots=True)
class CheckResult:
    """What the dry run found: the file's cells (as read) and the importer's plan."""

    path: str
    header: list[str]
    rows: list[list[object]]
    row_numbers: list[int]  # file rows (header = 1)
    plan: ImportPlan
    participants: int = 0  # distinct participant codes in the file

    @property
    def can_import(self) -> bool:
        return not self.plan.errors and bool(self.plan.visits)


@dataclass(slots=True)
class ImportOutcome:
    """Set by the import worker once the transaction has committed (plain data)."""

    written: int | None = None


def check_file(store: Any, session: Any, path: Path, state: TaskState) -> CheckResult:
    """The importer's dry run (worker): read, validate every cell; nothing is written."""

    def progress(done: int, total: int) -> None:
        state.check()
        state.progress(done, total)

    frame, data = read_table(path, progress)
    context = context_from_store(store, session)
    plan = build_plan(
        frame, context, path.name, file_sha256(data), store.instruments, None, progress
    )
    header: list[str] = list(frame.attrs.get("header", []))
    codes: set[str] = set()
    if "participant" in header:
        col = frame[header.index("participant")]
        codes = {str(v).strip() for v in col.tolist() if not is_blank(v)}
    return CheckResult(
        str(path), header, frame.values.tolist(), [int(r) for r in frame.index], plan, len(codes)
    )


# ------------------------------------------------------------------------------------ models
class PreviewModel(QAbstractTableModel):
    """The file's rows: participant, visit, then the columns the import reads (derived columns
    such as scores and visit windows are recomputed, so not shown). Cells with an error are red,
    with a warning amber; the tooltip gives the messages in the current language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._positions: list[int] = []
        self._rows: list[list[object]] = []
        self._numbers: list[int] = []
        self._labels: dict[str, tuple[str, str]] = {}
        self._cells: dict[tuple[int, str], list[Problem]] = {}
        self._heads: dict[str, list[Problem]] = {}
        self._row_of: dict[int, int] = {}
        self._keys: list[str] = []  # "row  participant visit": stays in view when scrolling
        i18n.notifier.changed.connect(self._relabel)

    def set_result(self, result: CheckResult | None, labels: dict[str, tuple[str, str]]) -> None:
        self.beginResetModel()
        self._labels = labels
        self._cells, self._heads = {}, {}
        if result is None:
            self._names, self._positions, self._rows, self._numbers = [], [], [], []
        else:
            ignored = set(result.plan.ignored_columns)
            cols = [
                (name or f"#{pos + 1}", pos)
                for pos, name in enumerate(result.header)
                if name not in ignored
            ]
            first = [c for key in ("participant", "visit") for c in cols if c[0] == key]
            cols = first + [c for c in cols if c not in first]
            self._names = [c[0] for c in cols]
            self._positions = [c[1] for c in cols]
            self._rows = result.rows
            self._numbers = result.row_numbers
            for p in result.plan.problems:
                if p.row == 1 and p.column:
                    self._heads.setdefault(p.column, []).append(p)
                elif p.row is not None and p.column:
                    self._cells.setdefault((p.row, p.column), []).append(p)
        self._row_of = {n: i for i, n in enumerate(self._numbers)}
        key_pos = [
            self._positions[self._names.index(k)]
            for k in ("participant", "visit")
            if k in self._names
        ]
        self._keys = [
            "  ".join([str(n), *(_display(r[p]) if p < len(r) else "" for p in key_pos)]).strip()
            for n, r in zip(self._numbers, self._rows, strict=True)
        ]
        self.endResetModel()

    def locate(self, problem: Problem) -> QModelIndex:
        """The cell a problem is about (an invalid index when it is not in the grid)."""
        r = self._row_of.get(problem.row if problem.row is not None else -1)
        c = self._names.index(problem.column) if problem.column in self._names else -1
        if r is None or c < 0:
            return QModelIndex()
        return self.index(r, c)

    def column_names(self) -> list[str]:
        return list(self._names)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not 0 <= index.column() < len(self._names):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._rows[index.row()]
            pos = self._positions[index.column()]
            return _display(row[pos] if pos < len(row) else None)
        if role in (
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            probs = self._cells.get((self._numbers[index.row()], self._names[index.column()]))
            if not probs:
                return None
            if role == Qt.ItemDataRole.ToolTipRole:
                return _tooltip(probs)
            bg, fg = _colours(_worst(probs) or "error")
            return QBrush(bg if role == Qt.ItemDataRole.BackgroundRole else fg)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._keys):
                return self._keys[section]
            return None
        if not 0 <= section < len(self._names):
            return None
        name = self._names[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return name
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = []
            if name in self._labels:
                parts.append(i18n.pick(*self._labels[name]))
            if name in self._heads:
                parts.append(_tooltip(self._heads[name]))
            return "\n".join(parts) or None
        if role == Qt.ItemDataRole.ForegroundRole and name in self._heads:
            return QBrush(_colours(_worst(self._heads[name]) or "error")[1])
        return None

    def _relabel(self, _code: str) -> None:
        """Tooltips and header labels follow the language (the cells are the file's)."""
        if self._names:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._names) - 1)
        if self._names and self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, len(self._names) - 1),
                [Qt.ItemDataRole.ToolTipRole],
            )


class ProblemModel(QAbstractTableModel):
    """Every problem the check found: level, file row, column, message (current language)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []
        i18n.notifier.changed.connect(self._relabel)

    def set_problems(self, problems: Sequence[Problem]) -> None:
        self.beginResetModel()
        self._problems = list(problems)
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._problems)):
            return None
        if not 0 <= index.column() < 4:
            return None
        p = self._problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return level_text(p.level)
            if index.column() == 1:
                return "" if p.row is None else str(p.row)
            if index.column() == 2:
                return p.column or ""
            return p.text(i18n.current())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return p.text(i18n.current())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if index.column() != 0 or p.level not in _RANK:
                return None
            bg, fg = _colours(p.level)
            return QBrush(bg if role == Qt.ItemDataRole.BackgroundRole else fg)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = (
            QCoreApplication.translate("ImportWizard", "Level"),
            QCoreApplication.translate("ImportWizard", "Row"),
            QCoreApplication.translate("ImportWizard", "Column"),
            QCoreApplication.translate("ImportWizard", "Problem"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def _relabel(self, _code: str) -> None:
        self.beginResetModel()
        self.endResetModel()


# ------------------------------------------------------------------------------------ pages
def _banner(label: QLabel, text: str, level: str | None) -> None:
    """A message line coloured like the form's flags (error red, warning amber, else plain)."""
    label.setText(text)
    label.setVisible(bool(text))
    if level in _RANK:
        bg, fg = LEVEL_COLOURS[Level(level)]
        label.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; padding: 6px; }}")
    elif level == "ok":
        label.setStyleSheet("QLabel { color: #1e5e2a; background: #e3f4e6; padding: 6px; }")
    else:
        label.setStyleSheet("QLabel { padding: 6px; }")


class FilePage(QWizardPage):
    """(a) Which file: typed, pasted or chosen with the file dialog."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__()
        self.setObjectName("importFilePage")
        self.path_label = QLabel()
        self.path = QLineEdit(path or "")
        self.path.setObjectName("importPath")
        self.path_label.setBuddy(self.path)
        self.browse = QPushButton()
        self.browse.setObjectName("importBrowse")
        self.browse.clicked.connect(self.choose)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        lay = QVBoxLayout(self)
        lay.addWidget(self.explain)
        lay.addSpacing(8)
        lay.addWidget(self.path_label)
        lay.addLayout(row)
        lay.addStretch(1)
        self.path.textChanged.connect(self.completeChanged)
        self.registerField("path*", self.path)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Import data: choose the file"))
        self.setSubTitle(
            self.tr("An .xlsx or .csv file in the layout of the program's long data export.")
        )
        self.path_label.setText(self.tr("&File:"))
        self.browse.setText(self.tr("&Browse…"))
        self.explain.setText(
            self.tr(
                "Every cell is checked with the same definitions and flags as the entry form "
                "before anything is written. The import writes the whole file in one "
                "transaction, or nothing; every value is audited with the file's name and "
                "SHA-256 checksum."
            )
        )

    def initializePage(self) -> None:
        self.path.setFocus()

    def choose(self) -> None:
        start = self.path.text().strip() or str(Path.home())
        target, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the file to import"), start, FILE_FILTERS
        )
        if target:
            self.path.setText(target)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())


class CheckPage(QWizardPage):
    """(b) The dry run: a preview grid with flagged cells, the problem list and the counts.
    Errors stop the wizard here; warnings need a reason."""

    def __init__(self, store: Any, session: Any) -> None:
        super().__init__()
        self.setObjectName("importCheckPage")
        self.store, self.session = store, session
        self.task: Task | None = None
        self.result: CheckResult | None = None
        self.file_error: str | None = None
        self.labels = {
            x.name: (x.en, x.zh) for inst in store.instruments for x in (*inst.items, *inst.scores)
        }
        self.banner = QLabel()
        self.banner.setObjectName("importBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = QLabel()
        self.counts.setObjectName("importCounts")
        self.again = QPushButton()
        self.again.setObjectName("importCheckAgain")
        self.again.clicked.connect(self.start)
        self.preview_model = PreviewModel(self)
        self.preview = QTableView()
        self.preview.setObjectName("importPreview")
        self.preview.setModel(self.preview_model)
        self.preview.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setDefaultSectionSize(86)
        self.preview.verticalHeader().setDefaultSectionSize(24)
        self.problem_model = ProblemModel(self)
        self.problems = QTableView()
        self.problems.setObjectName("importProblems")
        self.problems.setModel(self.problem_model)
        self.problems.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.problems.verticalHeader().hide()
        head = self.problems.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        self.problems.clicked.connect(self.show_problem)
        self.problems.activated.connect(self.show_problem)
        self.preview_label = QLabel()
        self.problems_label = QLabel()
        top, bottom = QWidget(), QWidget()
        tl, bl = QVBoxLayout(top), QVBoxLayout(bottom)
        tl.setContentsMargins(0, 0, 0, 0)
        bl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.preview_label)
        tl.addWidget(self.preview, 1)
        bl.addWidget(self.problems_label)
        bl.addWidget(self.problems, 1)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(top)
        self.split.addWidget(bottom)
        self.split.setSizes([300, 200])
        self.reason_label = QLabel()
        self.reason = QLineEdit()
        self.reason.setObjectName("importReason")
        self.reason_label.setBuddy(self.reason)
        self.reason.textChanged.connect(self.completeChanged)
        reason_row = QHBoxLayout()
        reason_row.addWidget(self.reason_label)
        reason_row.addWidget(self.reason, 1)
        self.reason_box = QWidget()
        self.reason_box.setLayout(reason_row)
        reason_row.setContentsMargins(0, 0, 0, 0)
        status_row = QHBoxLayout()
        status_row.addWidget(self.counts, 1)
        status_row.addWidget(self.again)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(status_row)
        lay.addWidget(self.split, 1)
        lay.addWidget(self.reason_box)
        self._show()
        self.retranslate()

    # --------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.setTitle(self.tr("Import data: check and preview"))
        self.setSubTitle(
            self.tr("Nothing has been written. Every cell was checked as the entry form checks it.")
        )
        self.again.setText(self.tr("Check &again"))
        self.preview_label.setText(
            self.tr("Preview (file row, participant, visit; red = error, amber = warning):")
        )
        self.problems_label.setText(self.tr("Problems:"))
        self.reason_label.setText(self.tr("&Reason for accepting the warnings:"))
        self.reason.setPlaceholderText(self.tr("e.g. checked against the paper CRFs"))
        self._show()

    def _show(self) -> None:
        """Banner, counts, reason field and grids for the current state."""
        res = self.result
        running = self.task is not None and self.task.running
        self.reason_box.setVisible(False)
        self.counts.setVisible(res is not None)
        self.again.setEnabled(not running)
        self.split.setVisible(res is not None)
        if running:
            _banner(self.banner, self.tr("Checking the file…"), None)
            return
        if self.file_error is not None:
            _banner(self.banner, self.file_error, "error")
            return
        if res is None:
            _banner(self.banner, "", None)
            return
        plan = res.plan
        errors, warnings = len(plan.errors), len(plan.warnings)
        self.counts.setText(
            self.tr(
                "{rows} rows · {parts} participants ({new} new) · {visits} visits · "
                "{values} values · {errors} errors · {warnings} warnings"
            ).format(
                rows=plan.rows,
                parts=res.participants,
                new=len(plan.new_participants),
                visits=len(plan.visits),
                values=plan.value_count,
                errors=errors,
                warnings=warnings,
            )
        )
        if errors:
            _banner(
                self.banner,
                self.tr(
                    "{n} errors: nothing can be imported. Correct the file where the list "
                    "says, then check it again."
                ).format(n=errors),
                "error",
            )
        elif not plan.visits:
            _banner(self.banner, self.tr("The file has no rows to import."), "error")
        elif warnings:
            _banner(
                self.banner,
                self.tr(
                    "No errors, {n} warnings (implausible values). To import, confirm them "
                    "with a reason; it is stored with every confirmation."
                ).format(n=warnings),
                "warning",
            )
            self.reason_box.setVisible(True)
        else:
            _banner(
                self.banner,
                self.tr("The file is valid. Nothing is written until you import it."),
                "ok",
            )

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    # --------------------------------------------------------------------- the check
    def initializePage(self) -> None:
        self.start()

    def cleanupPage(self) -> None:  # Back: stop a running check
        if self.task is not None and self.task.running:
            self.task.cancel()

    def start(self) -> None:
        if self.task is not None and self.task.running:
            return
        path = Path(str(self.field("path")).strip())
        store, session = self.store, self.session
        self.result, self.file_error = None, None
        self.preview_model.set_result(None, self.labels)
        self.problem_model.set_problems([])
        self.task = run_task(
            self,
            self.tr("Checking {file}…").format(file=path.name),
            lambda state: check_file(store, session, path, state),
            self._checked,
            self._failed,
            delay_ms=PROGRESS_DELAY_MS,
        )
        self.task.done.connect(self._ended)
        self._show()
        self.completeChanged.emit()

    def _checked(self, result: CheckResult) -> None:
        self.result = result
        self.preview_model.set_result(result, self.labels)
        metrics = self.preview.horizontalHeader().fontMetrics()
        for col, name in enumerate(self.preview_model.column_names()):
            self.preview.setColumnWidth(col, max(64, metrics.horizontalAdvance(name) + 30))
        self.problem_model.set_problems(result.plan.problems)
        self._show()
        self.completeChanged.emit()
        if self.reason_box.isVisible():
            self.reason.setFocus()
        elif result.plan.problems:
            self.problems.setFocus()
            self.problems.setCurrentIndex(self.problem_model.index(0, 0))
            self.show_problem(self.problem_model.index(0, 0))
        else:
            self.preview.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportFileError):
            text = exc.message_zh if i18n.is_chinese() else str(exc)
            self.file_error = self.tr("{error}. Nothing was written.").format(error=text)
        else:
            self.file_error = self.tr("The file could not be checked: {error}").format(error=exc)
        self._show()
        self.completeChanged.emit()

    def _ended(self) -> None:
        if self.task is not None and self.task.was_cancelled:
            _banner(self.banner, self.tr("Check cancelled. Nothing was written."), None)
            self.again.setEnabled(True)
        self.completeChanged.emit()

    def show_problem(self, index: QModelIndex) -> None:
        """Select the cell (or column) a problem is about in the preview."""
        if not index.isValid():
            return
        p = self.problem_model.problem(index.row())
        cell = self.preview_model.locate(p)
        if cell.isValid():
            self.preview.scrollTo(cell)
            self.preview.selectionModel().setCurrentIndex(
                cell, self.preview.selectionModel().SelectionFlag.ClearAndSelect
            )
        elif p.column in self.preview_model.column_names():
            col = self.preview_model.column_names().index(p.column)
            self.preview.scrollTo(self.preview_model.index(0, col))
            self.preview.selectColumn(col)

    # --------------------------------------------------------------------- the wizard's gate
    def accepted_reason(self) -> str | None:
        """The reason the user gave for the warnings (None when there are none)."""
        if self.result is None or not self.result.plan.warnings:
            return None
        return self.reason.text().strip() or None

    def isComplete(self) -> bool:
        res = self.result
        if res is None or (self.task is not None and self.task.running):
            return False
        if not res.can_import:
            return False
        return not res.plan.warnings or bool(self.reason.text().strip())


class ImportPage(QWizardPage):
    """(c) Confirm, then write the whole file in one transaction (worker, progress, cancel);
    the page says what was written, or that nothing was."""

    imported = Signal(str)

    def __init__(self, store: Any, session: Any, check: CheckPage) -> None:
        super().__init__()
        self.setObjectName("importRunPage")
        self.store, self.session, self.check = store, session, check
        self.task: Task | None = None
        self.outcome = ImportOutcome()
        self.done = False
        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_model = ProblemModel(self)
        self.problems = QTableView()
        self.problems.setObjectName("importRefusedProblems")
        self.problems.setModel(self.problem_model)
        self.problems.verticalHeader().hide()
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.setVisible(False)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.message)
        lay.addWidget(self.problems, 1)
        lay.addStretch(0)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Import data: confirm and import"))
        self.setSubTitle(self.tr("The whole file is written in one transaction, or nothing."))
        if self.done:
            self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Close"))
        else:
            self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Import"))
        self._summary()

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)

    def _summary(self) -> None:
        res = self.check.result
        if res is None:
            self.summary.setText("")
            return
        plan = res.plan
        text = self.tr(
            "File: {file}\nTo write: {new} new participants, {visits} visits, {values} values.\n"
            "Audit reason of every value: {reason}"
        ).format(
            file=plan.file_name,
            new=len(plan.new_participants),
            visits=len(plan.visits),
            values=plan.value_count,
            reason=plan.reason,
        )
        why = self.check.accepted_reason()
        if why:
            text += "\n" + self.tr("{n} warnings confirmed with the reason: {reason}").format(
                n=len(plan.warnings), reason=why
            )
        self.summary.setText(text)

    def initializePage(self) -> None:
        self.done = False
        self.outcome = ImportOutcome()
        self.problems.setVisible(False)
        self.retranslate()
        _banner(
            self.message,
            self.tr("Nothing has been written yet. Press Import to write the file."),
            None,
        )

    def isComplete(self) -> bool:
        return not (self.task is not None and self.task.running)

    def validatePage(self) -> bool:
        """Finish: the first press imports (the page stays to say what was written)."""
        if self.done:
            return True
        self.start()
        return False

    def start(self) -> None:
        res = self.check.result
        if res is None or not res.can_import or (self.task is not None and self.task.running):
            return
        store, session, plan = self.store, self.session, res.plan
        reason = self.check.accepted_reason()
        scores = [s for inst in store.instruments for s in inst.score_names]
        outcome = self.outcome = ImportOutcome()

        def work(state: TaskState) -> int:
            def progress(done: int, total: int) -> None:
                state.check()  # a cancel raises inside the transaction: all rolled back
                state.progress(done, total)

            written = apply_plan(store, session, plan, reason, scores, progress)
            outcome.written = written  # committed
            return written

        self.problems.setVisible(False)
        _banner(self.message, self.tr("Importing {file}…").format(file=plan.file_name), None)
        self.task = run_task(
            self,
            self.tr("Importing {file}…").format(file=plan.file_name),
            work,
            lambda _n: None,
            self._failed,
            delay_ms=PROGRESS_DELAY_MS,
        )
        self.task.done.connect(self._ended)
        self._lock_back(True)

    def _lock_back(self, lock: bool) -> None:
        """No way back to the check while writing, nor after the file was written."""
        self.check.setCommitPage(lock)
        self.completeChanged.emit()

    def _ended(self) -> None:
        task = self.task
        res = self.check.result
        if self.outcome.written is not None and res is not None:  # committed (even if cancel
            plan = res.plan  # was pressed after the last write)
            self.done = True
            msg = self.tr(
                "Imported {file}: {new} new participants, {visits} visits, {values} values, "
                "written in one transaction and audited as “{reason}”."
            ).format(
                file=plan.file_name,
                new=len(plan.new_participants),
                visits=self.outcome.written,
                values=plan.value_count,
                reason=plan.reason,
            )
            _banner(self.message, msg, "ok")
            self.retranslate()
            wizard = self.wizard()
            if wizard is not None:
                wizard.setOption(QWizard.WizardOption.NoCancelButton, True)
            self._lock_back(True)
            self.imported.emit(msg)
            return
        if task is not None and task.was_cancelled:
            _banner(self.message, self.tr("Import cancelled. Nothing was written."), "warning")
        self._lock_back(False)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportRefused):
            if exc.row is not None:
                text = self.tr(
                    "The database refused file row {row}: {error}. Nothing was written."
                ).format(row=exc.row, error=exc.detail or exc)
            else:
                text = self.tr("The import was refused: {error}. Nothing was written.").format(
                    error=exc.detail or exc
                )
            self.problem_model.set_problems(exc.problems)
            self.problems.setVisible(bool(exc.problems))
        else:
            text = self.tr("The import failed: {error}. Nothing was written.").format(error=exc)
        _banner(self.message, text, "error")


class ImportWizard(QWizard):
    """File → check and preview → import. Cancel at any point leaves the database unchanged:
    a running check or import is stopped first (an import rolls back), then the wizard closes."""

    imported = Signal(str)  # what was written (a sentence in the current language)

    def __init__(
        self, store: Any, session: Any, parent: QWidget | None = None, path: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.file_page = FilePage(path)
        self.check_page = CheckPage(store, session)
        self.import_page = ImportPage(store, session, self.check_page)
        self.import_page.imported.connect(self.imported)
        for page in (self.file_page, self.check_page, self.import_page):
            self.addPage(page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self._close_when_idle = False
        self.resize(1100, 740)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Import data"))
        for page in (self.file_page, self.check_page, self.import_page):
            page.retranslate()

    def changeEvent(self, ev: QEvent) -> None:
        if ev.type() == QEvent.Type.LanguageChange:
            self.setWindowTitle(self.tr("Import data"))
        super().changeEvent(ev)

    def running_task(self) -> Task | None:
        for task in (self.check_page.task, self.import_page.task):
            if task is not None and task.running:
                return task
        return None

    def reject(self) -> None:
        task = self.running_task()
        if task is not None:  # stop it; close once it has ended (an import rolls back)
            if not self._close_when_idle:
                self._close_when_idle = True
                task.done.connect(self._close_now)
            task.cancel()
            return
        super().reject()

    def _close_now(self) -> None:
        if self.running_task() is None:
            if self.import_page.done:
                self.accept()
            else:
                super().reject()
