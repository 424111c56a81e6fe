"""The stopwatch's time carries its unit in the user's language (scoring.model.unit_label: 秒 in
Chinese), also after switching language, like every other unit in the form."""

from __future__ import annotations

from ui import i18n
from ui.stopwatch import Stopwatch


def test_the_stopwatch_unit_follows_the_language(qtbot) -> None:
    watch = Stopwatch()
    qtbot.addWidget(watch)
    assert watch._display.text() == "0.00 s"
    i18n.apply("zh_CN")
    qtbot.waitUntil(lambda: watch._display.text() == "0.00 秒", timeout=5000)
    watch.start()
    qtbot.wait(30)
    seconds = watch.stop()
    assert watch._display.text() == f"{seconds:.2f} 秒"
    i18n.apply("en")
    qtbot.waitUntil(lambda: watch._display.text() == f"{seconds:.2f} s", timeout=5000)
