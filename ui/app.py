"""Start the GUI: QApplication, translations, the exception handler, the login dialog, the
database, the main window.

The login dialog is painted first, with only Qt and light modules imported; the store (pandas,
numpy, SQLAlchemy, the integrity check) is opened right after that paint while the user types,
then the main window's modules are imported (``ui.login.StoreLoader``). ``--smoke`` does the same
offscreen on a temporary demo database (or on ``--db PATH``, an existing demo database), logs in
through the dialog as the demo assessor, prints the time to the first painted window and exits 0
(CI, packaging checks and bench/startup.py, which reads the ``timeline`` line)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from outcomedesk_version import PROGRAM_NAME, PROGRAM_VERSION
from store.errors import StoreError
from ui import errors, i18n
from ui.login import NEEDS_ADMIN, OPEN_FAILED, FirstAdminDialog, LoginDialog, StoreLoader
from ui.settings import APPLICATION, LANGUAGES, ORGANIZATION, Settings

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(PROGRAM_VERSION)
    load_fonts()
    install_plural_forms()
    return app  # type: ignore[return-value]


_plural_forms: list[QTranslator] = []


def install_plural_forms() -> None:
    """English singular/plural forms ("1 point", "2 points"): Qt takes %n forms from a catalogue
    even in the source language (``lupdate -pluralonly``, Qt's "Handling Plurals"). Installed
    once; the Chinese catalogue that ``ui.i18n`` installs later is searched first."""
    if _plural_forms:
        return
    tr = QTranslator(QCoreApplication.instance())
    if tr.load(str(i18n.TRANSLATIONS / "outcomedesk_en.qm")):
        QCoreApplication.installTranslator(tr)
        _plural_forms.append(tr)


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
    """A demo study database at ``path`` (``store.demo.create_demo``: the first ``participants``
    of the 30, with their visits and answers). A failure is raised, never hidden."""
    from store.demo import create_demo

    create_demo(str(path), participants=participants)


def open_store(target: str) -> Any:
    from store.api import Store

    return Store.open(target, create=True)


HEAVY_MODULES = ("pandas", "numpy", "sqlalchemy")  # must not be loaded when the dialog paints


def preload_main_window() -> None:
    """Import the main window's modules (≈ 0.1 s) while the login dialog waits for the
    password, so that Enter → main window is the login and the window build only. On the GUI
    thread: keystrokes typed meanwhile are queued by Qt, not lost."""
    import ui.main_window  # noqa: F401


def store_loader(target: str) -> StoreLoader:
    """Opens ``target`` when asked (the login dialog asks after its first paint), then imports
    the main window's modules."""
    return StoreLoader(lambda: open_store(target), preload_main_window)


def login(store: Any, parent=None) -> Any:
    """First start → create the administrator; then the login dialog. ``store`` is an open
    store or a ``StoreLoader`` (opened by the dialog after its first paint). The session, or
    None when cancelled; a store that cannot be opened raises its error."""
    loader = store if isinstance(store, StoreLoader) else None
    while True:
        ready = store if loader is None else loader.store
        if ready is not None and ready.needs_admin():
            first = FirstAdminDialog(ready, parent)
            if first.exec() != QDialog.DialogCode.Accepted:
                return None
        dlg = LoginDialog(store, parent, title=f"{PROGRAM_NAME} {PROGRAM_VERSION}")
        result = dlg.exec()
        if result == OPEN_FAILED and loader is not None and loader.error is not None:
            raise loader.error
        if result == NEEDS_ADMIN:
            continue  # the store turned out to have no users: create the administrator
        if result != QDialog.DialogCode.Accepted:
            return None
        return dlg.session


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description=f"{PROGRAM_NAME} (GUI)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window on a temporary demo database (or --db, an existing demo "
        "database), paint, exit 0",
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
        return smoke(app, settings, t0, args.db)
    target = args.db or settings.last_database or str(default_database())
    loader = store_loader(target)
    try:
        window = start(loader, settings, target)
    except StoreError as exc:  # the database could not be opened: one clear line
        QMessageBox.critical(None, PROGRAM_NAME, str(exc))
        return 2
    if window is None:
        if loader.store is not None:
            loader.store.close()
        return 0
    settings.last_database = target
    code = app.exec()
    window.store.close()
    return code


def start(store: Any, settings: Settings, db_label: str = "") -> Any:
    """Log in (creating the administrator on first start) and show the main window. ``store``
    is an open store or a ``StoreLoader``."""
    session = login(store)
    if session is None:
        return None
    from ui.main_window import MainWindow

    if isinstance(store, StoreLoader):
        store = store.store
    window = MainWindow(store, session, settings, db_label=db_label)
    window.show()
    window.activateWindow()
    return window


def smoke(app: QApplication, settings: Settings, t0: float, db: str | None = None) -> int:
    """The program's own path to its main window, with the typing left out: open the store, show
    and paint the login dialog, log in through it (argon2id) as the demo assessor, build, show and
    paint the main window (its modules imported between, as ``login`` does while the user
    types). Prints the times and a ``timeline`` line of Unix times."""
    with tempfile.TemporaryDirectory(prefix="outcomedesk-smoke-") as tmp:
        demo_s = 0.0
        if db is None:
            path = Path(tmp) / "demo.db"
            t_demo = time.perf_counter()
            build_demo(path, participants=3)
            demo_s = time.perf_counter() - t_demo
            db = str(path)
        return _smoke_window(app, settings, t0, db, demo_s)


def _smoke_window(app: QApplication, settings: Settings, t0: float, db: str, demo_s: float) -> int:
    t1 = time.perf_counter()
    loader = store_loader(db)
    dialog = LoginDialog(loader, title=f"{PROGRAM_NAME} {PROGRAM_VERSION}")
    dialog.show()
    app.processEvents()
    dialog.grab()
    at_dialog, t_dialog = time.time(), time.perf_counter()
    heavy = [m for m in HEAVY_MODULES if m in sys.modules]
    # what happens while the user types: the store is opened after the dialog's first paint,
    # then the main window's modules are imported (each a turn of the event loop)
    while not loader.done or "ui.main_window" not in sys.modules:
        if loader.error is not None:
            raise loader.error
        app.processEvents()
    if dialog.result() == NEEDS_ADMIN:
        sys.stderr.write(f"smoke: {db} has no users (not a demo database)\n")
        loader.store.close()
        return 2
    at_ready, t_ready = time.time(), time.perf_counter()
    from store.demo import DEMO_USERS

    user, _role, password, _name = next(u for u in DEMO_USERS if u[1] == "assessor")
    dialog.user.setText(user)
    dialog.password.setText(password)
    dialog.accept()  # store.login: argon2id, as when the user presses Enter
    store = loader.store
    if dialog.session is None:
        sys.stderr.write(f"smoke: cannot log in to {db}: {dialog.message.text()}\n")
        store.close()
        return 2
    at_login, t_login = time.time(), time.perf_counter()
    from ui.main_window import MainWindow

    window = MainWindow(store, dialog.session, settings, db_label=db)
    window.show()
    app.processEvents()
    window.grab()
    at_window, t_window = time.time(), time.perf_counter()
    print(
        f"first painted window (login dialog) after {t_dialog - t1:.3f} s "
        f"(heavy modules loaded then: {', '.join(heavy) or 'none'}); while typing: store "
        f"opened and main window modules imported {t_ready - t_dialog:.3f} s; Enter → "
        f"login (argon2id) {t_login - t_ready:.3f} s, main window painted "
        f"{t_window - t_login:.3f} s later; "
        + (f"demo database built in {demo_s:.2f} s, " if demo_s else "")
        + f"Qt start {t1 - t0 - demo_s:.3f} s"
    )
    print(
        f"timeline dialog={at_dialog:.6f} ready={at_ready:.6f} login={at_login:.6f} "
        f"window={at_window:.6f}"
    )
    sys.stdout.flush()
    QTimer.singleShot(0, app.quit)
    app.exec()
    if window.task is not None:
        window.task.cancel()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    window.close()
    store.close()
    return 0
