"""Start the GUI: QApplication, translations, the exception handler, the database, login, the
main window. ``--smoke`` opens the main window on a temporary demo database offscreen, prints
the time to the first painted window and exits 0 (CI and packaging checks)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION
from ui import errors, i18n
from ui.settings import APPLICATION, LANGUAGES, ORGANIZATION, Settings

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(PROGRAM_VERSION)
    load_fonts()
    return app  # type: ignore[return-value]


def load_fonts() -> None:
    """The bundled CJK font, so Chinese renders even where no system CJK font is installed."""
    families: list[str] = []
    for path in sorted(FONT_DIR.glob("*.tt[fc]")):
        fid = QFontDatabase.addApplicationFont(str(path))
        if fid >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(fid))
    if families:
        base = QApplication.font()
        fallbacks = [f for f in base.families() if f not in families]
        QFont.setFamilies(base, [*fallbacks, families[0]])
        QApplication.setFont(base)


def default_database() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base) if base else Path.home() / ".outcomedesk"
    path.mkdir(parents=True, exist_ok=True)
    return path / "outcomedesk.db"


def build_demo(path: Path, participants: int | None = None) -> None:
    """A demo study database at ``path``: the store's demo builder (30 participants with their
    visits) when it is available, else the demo accounts, sites and planned participants."""
    from store import demo

    builder = getattr(demo, "create_demo", None)
    if callable(builder):
        try:
            builder(str(path), participants=participants)
            return
        except Exception as exc:
            sys.stderr.write(f"demo builder failed ({exc}); using accounts and participants only\n")
            for f in path.parent.glob(path.name + "*"):
                f.unlink()
    from store.api import Store

    store = Store.open(str(path), create=True)
    try:
        admin_name, _role, admin_pw, _full = next(
            u for u in demo.DEMO_USERS if u[1] == "administrator"
        )
        store.create_first_admin(admin_name, admin_pw)
        admin = store.login(admin_name, admin_pw)
        for username, role, password, full in demo.DEMO_USERS:
            if username != admin_name:
                store.create_user(admin, username, password, role, full)
        for code, name in demo.DEMO_SITES:
            store.add_site(admin, code, name)
        dm_name, _r, dm_pw, _f = next(u for u in demo.DEMO_USERS if u[1] == "data_manager")
        dm = store.login(dm_name, dm_pw)
        for p in demo.plan_demo().participants[:participants]:
            store.add_participant(
                dm,
                p.code,
                p.site,
                p.sex,
                p.birth_date,
                p.height_cm,
                p.weight_kg,
                p.day1_date,
                screening_no=p.screening_no,
                randomization_no=p.randomization_no,
                enrolment_date=p.enrolment_date,
            )
    finally:
        store.close()


def open_store(target: str) -> Any:
    from store.api import Store

    return Store.open(target, create=True)


def login(store: Any, parent=None) -> Any:
    """First start → create the administrator; then the login dialog. None = cancelled."""
    from ui.login import FirstAdminDialog, LoginDialog

    if store.needs_admin():
        first = FirstAdminDialog(store, parent)
        if first.exec() != QDialog.DialogCode.Accepted:
            return None
    dlg = LoginDialog(store, parent, title=f"{PROGRAM_NAME} {PROGRAM_VERSION}")
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.session


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description=f"{PROGRAM_NAME} (GUI)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window on a temporary demo database, paint, exit 0",
    )
    parser.add_argument("--db", metavar="PATH", help="database file or postgresql:// URL")
    parser.add_argument("--lang", choices=LANGUAGES, help="language (remembered)")
    return parser.parse_args(argv)


def run_gui(argv: list[str]) -> int:
    args = parse(argv)
    t0 = time.perf_counter()
    app = make_app()
    settings = Settings(QSettings())
    errors.install(show_dialogs=not args.smoke)
    if args.lang:
        settings.language = args.lang
    i18n.apply(settings.language)
    if args.smoke:
        return smoke(app, settings, t0)
    target = args.db or settings.last_database or str(default_database())
    try:
        store = open_store(target)
    except Exception as exc:  # store errors are one clear line
        from store.errors import StoreError

        if not isinstance(exc, StoreError):
            raise
        QMessageBox.critical(None, PROGRAM_NAME, str(exc))
        return 2
    settings.last_database = target
    window = start(store, settings, target)
    if window is None:
        store.close()
        return 0
    code = app.exec()
    store.close()
    return code


def start(store: Any, settings: Settings, db_label: str = "") -> Any:
    """Log in (creating the administrator on first start) and show the main window."""
    from ui.main_window import MainWindow

    session = login(store)
    if session is None:
        return None
    window = MainWindow(store, session, settings, db_label=db_label)
    window.show()
    window.activateWindow()
    return window


def smoke(app: QApplication, settings: Settings, t0: float) -> int:
    from store.demo import DEMO_USERS
    from ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="outcomedesk-smoke-") as tmp:
        path = Path(tmp) / "demo.db"
        t_demo = time.perf_counter()
        build_demo(path, participants=3)
        demo_s = time.perf_counter() - t_demo
        t1 = time.perf_counter()
        store = open_store(str(path))
        user, _role, password, _name = next(u for u in DEMO_USERS if u[1] == "assessor")
        session = store.login(user, password)
        window = MainWindow(store, session, settings, db_label=str(path))
        window.show()
        app.processEvents()
        window.grab()
        painted = time.perf_counter() - t1
        print(
            f"first painted window after {painted:.3f} s "
            f"(demo database built in {demo_s:.2f} s, Qt start {t_demo - t0:.3f} s)"
        )
        QTimer.singleShot(0, app.quit)
        app.exec()
        if window.task is not None:
            window.task.cancel()
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(30_000)
        window.close()
        store.close()
    return 0
