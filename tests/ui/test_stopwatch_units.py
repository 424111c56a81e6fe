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


def test_a_fields_unit_is_in_the_users_language() -> None:
    """The label beside a timed trial read "起立-行走计时 第1次 (s)" in Chinese: the unit is
    now the declaration's unit in Chinese (秒, 公斤), as reports and flags write it."""
    from scoring.registry import find_item
    from ui.fields import item_label

    tug, grip = find_item("tug_1_s")[1], find_item("grip_1_kg")[1]
    i18n.apply("zh_CN")
    assert item_label(tug) == f"{tug.zh}（秒）" and item_label(grip) == f"{grip.zh}（公斤）"
    i18n.apply("en")
    assert item_label(tug) == f"{tug.en} (s)" and item_label(grip) == f"{grip.en} (kg)"
