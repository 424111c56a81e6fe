"""The baseline form's instrument tabs on a 1366×768 clinic laptop: every tab is in view at once
(the full instrument names left room for about 4 of 10, the rest behind scroll arrows), each
tab named by its instrument's short name from the declaration, the full name as its tooltip,
in English and in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.registry import BY_KEY
from tests.ui.conftest import ASSESSOR
from ui import i18n
from ui.settings import Settings

DAY1 = dt.date.today() + dt.timedelta(days=10)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_instrument_tab_is_in_view_at_1366_px(qtbot, store, lang: str) -> None:
    from ui.main_window import MainWindow

    i18n.apply(lang)
    session = store.login(*ASSESSOR)
    store.add_participant(session, "SH-050", "SH", "F", dt.date(1955, 1, 2), 158, 52, DAY1)
    window = MainWindow(store, session, Settings(), db_label="study.db")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    window.open_participant("SH-050")
    form = window.page.open_visit("BL")
    assert form is not None
    qtbot.waitUntil(lambda: form.isVisible(), timeout=10_000)
    tabs = form.tabs
    bar = tabs.tabBar()
    assert tabs.count() >= 10  # the baseline's instruments
    shown = [bar.tabRect(i) for i in range(tabs.count())]
    assert shown[-1].right() <= bar.width(), (bar.width(), [r.right() for r in shown])
    for i, page in enumerate(form.pages):
        inst = BY_KEY[page.inst.key]
        short = inst.short_zh if lang == "zh_CN" else inst.short_en
        full = inst.zh if lang == "zh_CN" else inst.en
        assert short and tabs.tabText(i).endswith(short), tabs.tabText(i)
        assert tabs.tabToolTip(i) == full
    window.close()


def test_the_visit_header_lists_its_marks_as_the_language_writes_lists(qtbot, store) -> None:
    """A signed and locked visit: "signed by inv, locked" in English, "由 inv 签名，已锁定"
    (a full-width comma) in Chinese."""
    from store.signatures import REVIEW_AND_APPROVAL
    from tests.ui.conftest import DATA_MANAGER, INVESTIGATOR
    from tests.ui.test_gui_review import _complete_baseline
    from ui.main_window import MainWindow

    _complete_baseline(store, "SH-051")
    inv = store.login(*INVESTIGATOR)
    store.sign_visit(inv, "SH-051", "BL", INVESTIGATOR[1], REVIEW_AND_APPROVAL)
    dm = store.login(*DATA_MANAGER)
    v = store.visit(dm, "SH-051", "BL")
    store.lock_visit(dm, "SH-051", "BL", expected_version=v.row_version)
    for lang, marks in (("en", "signed by inv, locked"), ("zh_CN", "由 inv 签名，已锁定")):
        i18n.apply(lang)
        window = MainWindow(store, store.login(*ASSESSOR), Settings(), db_label="study.db")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda w=window: w.flags_done, timeout=30_000)
        window.open_participant("SH-051")
        form = window.page.open_visit("BL")
        assert marks in form.header.text(), form.header.text()
        window.close()
