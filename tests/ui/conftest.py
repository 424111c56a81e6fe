"""GUI test fixtures: settings and data directories redirected to tmp (never the developer's),
a real study database built through the store API, and helpers that drive dialogs by keyboard."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

ADMIN = ("admin", "admin-pass-1")
INVESTIGATOR = ("inv", "inv-pass-123")
DATA_MANAGER = ("dm", "dm-pass-1234")
ASSESSOR = ("nurse", "nurse-pass-1")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """QSettings and AppDataLocation in a temporary folder (style.md pitfall 7)."""
    base = tmp_path_factory.mktemp("qsettings")
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(base))
    os.environ["XDG_DATA_HOME"] = str(base / "data")
    yield


@pytest.fixture(autouse=True)
def _english_and_no_threads(qapp: QApplication) -> Iterator[None]:
    from ui import app as ui_app
    from ui import i18n

    qapp.setOrganizationName("OutcomeDeskTest")
    qapp.setApplicationName("OutcomeDeskTest")
    ui_app.load_fonts()
    ui_app.install_plural_forms()
    i18n.apply("en")
    yield
    i18n.apply("en")
    assert QThreadPool.globalInstance().waitForDone(30_000), "a worker was left running"


def make_study(path: Path) -> Path:
    """A study database with a site and one account per role, through the store API."""
    from store.api import Store

    store = Store.open(str(path), create=True)
    store.create_first_admin(*ADMIN)
    admin = store.login(*ADMIN)
    store.add_site(admin, "SH", "Shanghai clinic 上海")
    store.add_site(admin, "BJ", "Beijing clinic 北京")
    store.create_user(admin, *INVESTIGATOR, "investigator")
    store.create_user(admin, *DATA_MANAGER, "data_manager")
    store.create_user(admin, *ASSESSOR, "assessor")
    store.close()
    return path


@pytest.fixture
def study_path(tmp_path: Path) -> Path:
    return make_study(tmp_path / "study.db")


@pytest.fixture
def store(study_path: Path):
    from store.api import Store

    s = Store.open(str(study_path))
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _modal_watchdog(qapp: QApplication) -> Iterator[None]:
    """A modal dialog nobody answers would block the run forever: after 30 s it is closed, and
    the test fails."""

    seen: dict[int, int] = {}
    stuck: list[str] = []

    def check() -> None:
        w = qapp.activeModalWidget()
        if w is None:
            seen.clear()
            return
        seen[id(w)] = seen.get(id(w), 0) + 1
        if seen[id(w)] > 30:
            stuck.append(w.objectName() or type(w).__name__)
            w.close()
            if hasattr(w, "reject"):
                w.reject()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(1000)
    yield
    timer.stop()
    assert not stuck, f"modal dialogs left unanswered: {stuck}"
