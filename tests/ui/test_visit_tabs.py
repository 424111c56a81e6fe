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
