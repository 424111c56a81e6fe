"""The assessor's whole path, by keyboard only, on the real app and a real study database:
log in → add participant → enter a whole baseline visit (every instrument) → the scores shown
equal the ``score`` command's output for the same answers → save → reopen → edit with a reason →
the history shows the change (issue 5, "Tests")."""

from __future__ import annotations

import csv
import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from scoring.registry import BY_KEY
from store.demo_answers import AnswerGenerator, Person
from tests.ui.conftest import INVESTIGATOR
from tests.ui.helpers import (
    as_typed,
    focus,
    key,
    on_next_modal,
    shortcut,
    sign_in_by_keyboard,
    type_text,
)
from ui.fields import FieldEdit
from ui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DAY1 = dt.date.today() + dt.timedelta(days=5)  # baseline window (day 1 − 30 … day 1) has today
BIRTH = dt.date(DAY1.year - 70, 3, 14)


def _start(qtbot, store):
    """The program's start: the main window on its sign-in page; user name, Enter, password,
    Enter."""
    from ui.app import start

    window = start(store, Settings(), "test")
    qtbot.addWidget(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.waitUntil(lambda: focus() is window.sign_in.user, timeout=5000)
    sign_in_by_keyboard(qtbot, *INVESTIGATOR)
    assert window.session is not None, "sign-in failed"
    qtbot.waitUntil(lambda: window.flags_done, timeout=30_000)
    window.list_page.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5000)
    return window


def _add_participant(qtbot, window, code: str) -> None:
    def fill(dlg) -> None:
        type_text(qtbot, code)  # code (focused first)
        key(qtbot, Qt.Key.Key_Tab)  # site: first in the list
        key(qtbot, Qt.Key.Key_Tab)  # sex: first choice (male)
        key(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, BIRTH.isoformat())
        key(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, DAY1.isoformat())
        key(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "168")
        key(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "63.5")
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(fill)
    shortcut(qtbot, window, "Ctrl+N")


def _answers(form) -> dict[str, object]:
    """Plausible answers for every instrument of the visit (the demo generator: declaration
    driven, no error or warning flags)."""
    gen = AnswerGenerator(form.ctx.instruments + form.ctx.support)
    person = Person("M", 70.0, 168.0, 63.5)
    draw = gen.visit(person, 0.3, np.random.default_rng(5))
    assert not draw.confirmations, "the generator had to keep a warning; pick another seed"
    return draw.values


def _enter_visit(qtbot, form, answers: dict[str, object]) -> dict[str, str]:
    typed: dict[str, str] = {}
    order = [n for page in form.pages for n in page.rows]
    first = focus()
    assert isinstance(first, FieldEdit) and first.item.name == order[0]
    for name in order:
        w = focus()
        assert isinstance(w, FieldEdit) and w.item.name == name, (name, w)
        text = as_typed(form.items[name], answers.get(name))
        typed[name] = text
        type_text(qtbot, text)
        if focus() is w:  # coded answers with an unambiguous digit advance by themselves
            key(qtbot, Qt.Key.Key_Return)
    return typed


def _score_command(tmp: Path, form, typed: dict[str, str]) -> dict[str, str]:
    row = {**{k: str(v) for k, v in form.ctx.attributes.items()}, **typed}
    src = tmp / "visit.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(row))
        w.writeheader()
        w.writerow(row)
    out = tmp / "scored.csv"
    proc = subprocess.run(
        [sys.executable, "main.py", "score", str(src), "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8") as fh:
        return next(csv.DictReader(fh))


@pytest.mark.slow
def test_whole_baseline_by_keyboard(qtbot, store, tmp_path: Path) -> None:
    window = _start(qtbot, store)
    _add_participant(qtbot, window, "SH-101")
    page = window.page
    assert window.stack.currentWidget() is page and page.code == "SH-101"
    assert page.timeline.row_at(page.view.currentIndex().row()).visit.visit == "BL"
    key(qtbot, Qt.Key.Key_Return)  # open the baseline visit from the timeline
    form = page.form
    assert form is not None and form.ctx.visit.visit == "BL"
    scheduled = store.study(window.session).protocol.visit("BL").instruments
    assert [p.inst.key for p in form.pages] == [k for k in scheduled if k in BY_KEY]
    assert len(form.pages) >= 5

    answers = _answers(form)
    typed = _enter_visit(qtbot, form, answers)
    assert not form.error_flags(), form.error_flags()

    # the scores panel equals the score command's output for the same answers
    scored = _score_command(tmp_path, form, typed)
    model = form.scores_model
    compared = 0
    for r in range(model.rowCount()):
        score = model.score_at(r)
        if score.name not in scored:
            continue
        shown = model.value(score.name)
        expected = scored[score.name]
        if expected in ("", "nan", "NaN"):
            assert shown is None or (isinstance(shown, float) and math.isnan(shown)), score.name
            continue
        if score.is_text:
            assert str(shown) == expected, score.name
        else:
            assert float(shown) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), score.name
        compared += 1
    assert compared >= 20, f"only {compared} scores compared"

    # Ctrl+S saves; the visit is complete
    shortcut(qtbot, window, "Ctrl+S")
    v = store.visit(window.session, "SH-101", "BL")
    assert v.status == "complete" and v.actual_date == dt.date.today()
    stored = store.answers(window.session, "SH-101", "BL")
    assert set(stored) >= {n for n, t in typed.items() if t}

    # reopen: back to the list, open the participant again and the baseline
    shortcut(qtbot, window, "Ctrl+1")
    window.list_page.search.setFocus()
    type_text(qtbot, "SH-101")
    key(qtbot, Qt.Key.Key_Return)  # from search into the table
    key(qtbot, Qt.Key.Key_Return)  # open the participant
    assert window.stack.currentWidget() is page
    page.view.setFocus()
    page.view.setCurrentIndex(page.timeline.index(page.timeline.row_for_visit("BL"), 0))
    key(qtbot, Qt.Key.Key_Return)
    form = page.form
    for name, text in typed.items():
        if text:
            shown = form.rows[name].edit.text()
            assert (
                float(shown.replace(":", ".")) == float(text.replace(":", "."))
                if (form.items[name].is_numeric)
                else shown == text
            ), name

    # edit with a reason: EQ-VAS (or the first numeric item) on the complete visit
    target = next(n for n in typed if form.items[n].type.value in ("integer", "decimal"))
    old = typed[target]
    new = str(int(float(old)) - 1 if float(old) > 1 else int(float(old)) + 1)
    form.advance_to(target)
    assert focus() is form.rows[target].edit
    form.rows[target].edit.selectAll()
    type_text(qtbot, new)

    def give_reason(dlg) -> None:
        assert dlg.objectName() == "confirmDialog"
        assert list(dlg.change_edits) == [target]
        type_text(qtbot, "transcription error corrected from the paper CRF")
        key(qtbot, Qt.Key.Key_Return)

    on_next_modal(give_reason)
    shortcut(qtbot, window, "Ctrl+S")
    after = store.answers(window.session, "SH-101", "BL")[target]
    assert float(after.value) == float(new)

    # history of the field shows who, old, new and the reason
    form.rows[target].edit.setFocus()
    shortcut(qtbot, window, "Ctrl+Shift+H")
    dlg = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "historyDialog" and w.isVisible()
    )
    rows = dlg.model.rows()
    change = [a for a in rows if a.reason == "transcription error corrected from the paper CRF"]
    assert change, [(a.action, a.field, a.old_value, a.new_value, a.reason) for a in rows]
    assert change[0].username == INVESTIGATOR[0]
    texts = [dlg.model.index(r, c).data() for r in range(dlg.model.rowCount()) for c in range(7)]
    assert "transcription error corrected from the paper CRF" in texts
    dlg.close()
