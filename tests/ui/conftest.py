"""GUI test fixtures: settings and data directories redirected to tmp (never the developer's),
a real study database built through the store API, and helpers that drive dialogs by keyboard."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWidget

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


def when_modal(qtbot, action: Callable[[QWidget], None], timeout: int = 5000) -> list[QWidget]:
    """Run ``action(dialog)`` on the next modal dialog that opens (dialogs run ``exec()``, so
    the test must act from inside their event loop, as a user would)."""
    seen: list[QWidget] = []

    def poll() -> None:
        w = QApplication.activeModalWidget()
        if w is not None and w.isVisible() and w not in seen:
            seen.append(w)
            action(w)
            return
        if len(seen) == 0:
            timer.start(20)

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(poll)
    timer.start(20)
    qtbot._od_timers = [*getattr(qtbot, "_od_timers", []), timer]
    return seen


def type_keys(qtbot, text: str) -> None:
    """Type into whatever has the keyboard focus, like a user."""
    for ch in text:
        w = QApplication.focusWidget()
        assert w is not None, "nothing has the focus"
        qtbot.keyClick(w, ch)
