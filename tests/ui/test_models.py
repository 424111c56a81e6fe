"""Every Qt model passes pytest-qt's qtmodeltester (style.md §4), with real store rows."""

from __future__ import annotations

import datetime as dt

from tests.ui.conftest import INVESTIGATOR
from ui import i18n
from ui.models import (
    HistoryModel,
    ParticipantFilter,
    ParticipantTableModel,
    TimelineRow,
    VisitTimelineModel,
)
from ui.participants import summaries
from ui.scores_model import ScoresModel
from ui.store_bridge import load_context, visit_instruments


def _study(store):
    s = store.login(*INVESTIGATOR)
    today = dt.date.today()
    store.add_participant(s, "SH-401", "SH", "F", dt.date(1950, 1, 1), 150, 48, today)
    store.add_participant(
        s, "BJ-402", "BJ", "M", dt.date(1948, 2, 2), 172, 70, today - dt.timedelta(days=200)
    )
    return s


def test_participant_model_and_filter(qtmodeltester, store) -> None:
    s = _study(store)
    model = ParticipantTableModel()
    model.set_rows(summaries(store, s))
    qtmodeltester.check(model, force_py=True)
    proxy = ParticipantFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_filter(site="BJ")
    assert proxy.rowCount() == 1
    proxy.set_filter(site="", overdue_only=True)
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["BJ-402"]
    proxy.set_filter(overdue_only=False, text="401")
    assert proxy.rowCount() == 1
    _dispose(proxy, model)


def _dispose(*objs) -> None:
    """Later language switches (test teardown) must not reset a model whose tester has ended."""
    for o in objs:
        if hasattr(o, "_relabel"):
            i18n.notifier.changed.disconnect(o._relabel)


def test_timeline_model(qtmodeltester, store) -> None:
    s = _study(store)
    model = VisitTimelineModel()
    model.set_rows([TimelineRow(v, 0) for v in store.visits(s, "BJ-402")])
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(store.study(s).protocol.visits)
    _dispose(model)


def test_scores_model(qtmodeltester, store) -> None:
    s = _study(store)
    ctx = load_context(store, s, "SH-401", "BL")
    model = ScoresModel(visit_instruments(store.study(s).protocol, "BL"))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == sum(len(i.scores) for i in ctx.instruments)
    _dispose(model)


def test_history_model(qtmodeltester, store) -> None:
    s = _study(store)
    rows = store.audit_trail(s, participant="SH-401")
    assert rows
    model = HistoryModel()
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 1).data() == INVESTIGATOR[0]
    _dispose(model)
