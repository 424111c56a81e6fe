"""English and Simplified Chinese (issue 5 §9): the catalogue is complete and compiled, and a
run-time switch changes what the user sees and is remembered."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "outcomedesk_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def test_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    out = tmp_path / "fresh.qm"
    proc = subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == QM.read_bytes(), "run pyside6-lrelease: the .qm is stale"


def test_every_string_in_ui_is_translated(tmp_path: Path) -> None:
    """lupdate over ui/ finds no string missing from the .ts and none unfinished."""
    ts = tmp_path / "check.ts"
    shutil.copy(TS, ts)
    proc = subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            *sorted(str(p) for p in (ROOT / "ui").glob("*.py")),
            "-ts",
            str(ts),
            "-no-obsolete",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    untranslated = []
    total = 0
    for msg in ET.parse(ts).iter("message"):
        total += 1
        tr = msg.find("translation")
        text = "".join(tr.itertext()) if tr is not None else ""  # numerus forms are children
        if tr is None or not text.strip() or tr.get("type") == "unfinished":
            untranslated.append(msg.find("source").text)
    assert total > 100
    assert not untranslated, untranslated


def test_switch_to_chinese_at_run_time_and_remembered(qtbot, store, qapp: QApplication) -> None:
    from tests.ui.conftest import INVESTIGATOR
    from ui.main_window import MainWindow

    session = store.login(*INVESTIGATOR)
    store.add_participant(
        session, "SH-201", "SH", "F", dt.date(1952, 1, 2), 158, 52, dt.date.today()
    )
    window = MainWindow(store, session, Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    window.open_participant("SH-201")
    form = window.page.open_visit("BL")
    assert window.menus["file"].title() == "&File"
    assert window.page.timeline.headerData(0, Qt.Orientation.Horizontal) == "Visit"

    window.actions_by_name["lang_zh_CN"].trigger()  # Language ▸ 简体中文
    qapp.processEvents()

    assert window.menus["file"].title() == "文件(&F)"
    assert window.page.timeline.headerData(0, Qt.Orientation.Horizontal) == "访视"
    assert window.page.timeline.index(0, 0).data() == "筛选/基线"
    assert form.scores_model.headerData(0, Qt.Orientation.Horizontal) == "评分"
    assert form.date_label.text() == "访视日期(&V)："
    page = form.pages[0]
    assert page.title.text() == page.inst.zh
    first = next(iter(page.rows.values()))
    assert first.label.text().startswith(first.item.zh)
    assert "计划中" in form.header.text()
    head, item = page.section_labels[0]
    assert head.text() == item.section_label("zh") != item.section_label("en")
    assert window.list_page.search_label.text() == "搜索(&S)："
    assert Settings().language == "zh_CN"

    # the next start comes up in Chinese
    window.close()
    from ui import i18n

    i18n.apply("en")
    again = Settings().language
    i18n.apply(again)
    w2 = MainWindow(store, store.login(*INVESTIGATOR), Settings())  # closing signed out
    qtbot.addWidget(w2)
    assert w2.menus["visit"].title() == "访视(&V)"
    w2.close()


EN_TS = TS.with_name("outcomedesk_en.ts")


def test_english_plural_forms_are_compiled_and_complete(tmp_path: Path) -> None:
    """outcomedesk_en.ts holds the English singular/plural forms of every %n message (Qt's
    "Handling Plurals": lupdate -pluralonly), compiled into the .qm the program installs."""
    ts = tmp_path / "en.ts"
    shutil.copy(EN_TS, ts)
    proc = subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            *sorted(str(p) for p in (ROOT / "ui").glob("*.py")),
            "-ts",
            str(ts),
            "-pluralonly",
            "-no-obsolete",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    messages = list(ET.parse(ts).iter("message"))
    assert messages, "no %n message found"
    for msg in messages:
        tr = msg.find("translation")
        forms = [f.text or "" for f in tr.iter("numerusform")]
        assert tr.get("type") != "unfinished" and len(forms) == 2 and all(forms), msg.find(
            "source"
        ).text
    out = tmp_path / "en.qm"
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(EN_TS), "-qm", str(out)], check=True, timeout=120
    )
    assert out.read_bytes() == EN_TS.with_suffix(".qm").read_bytes(), "run pyside6-lrelease"


def test_points_singular_and_plural(qapp: QApplication) -> None:
    """SPPB scores are counted in points: "1 point", "12 points"; 分 in Chinese."""
    from scoring.registry import BY_KEY
    from ui import i18n
    from ui.scores_model import format_score

    sppb = BY_KEY["sppb"]
    total = next(s for s in sppb.scores if s.unit == "points" and not s.choices)
    part = next(s for s in sppb.scores if s.unit == "points" and s.choices)
    assert format_score(total, 1.0) == "1 point"
    assert format_score(total, 12.0) == "12 points"
    assert format_score(part, 0.0) == "0 points"
    assert format_score(part, 1.0) == "1 point"
    i18n.apply("zh_CN")
    try:
        assert format_score(total, 1.0) == "1 分"
        assert format_score(part, 4.0) == "4 分"
    finally:
        i18n.apply("en")
