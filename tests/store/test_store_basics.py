"""Store API basics on both engines: schedule, answers, reasons, sign/void, lock, frame."""

from __future__ import annotations

import datetime as dt

import pytest

from store.errors import (
    NotFound,
    ReasonRequired,
    StaleWrite,
    ValidationFailed,
    VisitLocked,
)
from tests.store.conftest import PASSWORDS

DAY1 = dt.date(2026, 1, 10)


def _participant(store, s, code="SH-001"):
    return store.add_participant(s, code, "SH", "F", "1950-03-04", 160, 55.5, DAY1)


def test_schedule_follows_the_protocol(store, sessions):
    """Target date = day 1 + offset; window from the protocol (resources/protocols)."""
    s = sessions["assessor"]
    _participant(store, s)
    proto = store.study(s).protocol
    visits = store.visits(s, "SH-001")
    assert [v.visit for v in visits] == list(proto.visit_codes)
    for v in visits:
        vd = proto.visit(v.visit)
        assert v.target_date == DAY1 + dt.timedelta(days=vd.offset_days)
        assert v.window_start == v.target_date - dt.timedelta(days=vd.window_before)
        assert v.window_end == v.target_date + dt.timedelta(days=vd.window_after)
        assert v.status == "planned" and not v.locked


def test_save_read_and_stale_write(store, sessions):
    s = sessions["assessor"]
    _participant(store, s)
    v = store.visit(s, "SH-001", "BL")
    ver = store.save_answers(s, "SH-001", "BL", {"sf36_01": "3"}, expected_version=v.row_version)
    assert ver == v.row_version + 1
    assert store.answers(s, "SH-001", "BL")["sf36_01"].value == 3.0
    assert store.visit(s, "SH-001", "BL").status == "in_progress"
    with pytest.raises(StaleWrite, match="changed by someone else"):
        store.save_answers(s, "SH-001", "BL", {"sf36_01": "4"}, expected_version=v.row_version)
    assert store.answers(s, "SH-001", "BL")["sf36_01"].value == 3.0


def test_participant_stale_write(store, sessions):
    s = sessions["assessor"]
    p = _participant(store, s)
    store.update_participant(s, "SH-001", {"weight_kg": 56}, "re-weighed", p.row_version)
    with pytest.raises(StaleWrite):
        store.update_participant(s, "SH-001", {"weight_kg": 57}, "again", p.row_version)
    assert store.participant(s, "SH-001").weight_kg == 56.0


def test_complete_visit_needs_reason_signature_voids_lock_refuses(store, sessions):
    s, inv, dm = sessions["assessor"], sessions["investigator"], sessions["data_manager"]
    _participant(store, s)
    v = store.visit(s, "SH-001", "BL")
    ver = store.save_answers(s, "SH-001", "BL", {"eqvas": 70}, expected_version=v.row_version)
    ver = store.set_visit_status(
        s, "SH-001", "BL", "complete", actual_date=DAY1, expected_version=ver
    )
    ver = store.sign_visit(inv, "SH-001", "BL", PASSWORDS["investigator"], "reviewed")
    assert store.visit(s, "SH-001", "BL").signed_by == "inv"
    assert store.signature_valid(s, "SH-001", "BL")
    with pytest.raises(ReasonRequired):
        store.save_answers(s, "SH-001", "BL", {"eqvas": 71}, expected_version=ver)
    ver = store.save_answers(
        s, "SH-001", "BL", {"eqvas": 71}, reasons={"eqvas": "CRF re-read"}, expected_version=ver
    )
    after = store.visit(s, "SH-001", "BL")
    assert after.signed_by is None and after.signature_meaning is None
    trail = store.audit_trail(dm, "SH-001", "BL", "eqvas")
    assert trail[-1].old_value == "70.0" and trail[-1].new_value == "71.0"
    assert trail[-1].reason == "CRF re-read"
    store.lock_visit(dm, "SH-001", "BL", "data review done")
    with pytest.raises(VisitLocked):
        store.save_answers(s, "SH-001", "BL", {"eqvas": 72}, reason="x", expected_version=ver + 1)
    with pytest.raises(ReasonRequired):
        store.unlock_visit(dm, "SH-001", "BL", "")
    store.unlock_visit(dm, "SH-001", "BL", "query from monitor")
    assert not store.visit(s, "SH-001", "BL").locked
    assert store.verify_audit(dm).ok


def test_out_of_window_and_missed_need_reasons(store, sessions):
    s = sessions["assessor"]
    _participant(store, s)
    v = store.visit(s, "SH-001", "W1")
    late = v.window_end + dt.timedelta(days=1)
    with pytest.raises(ReasonRequired, match="outside its window"):
        store.set_visit_status(
            s, "SH-001", "W1", "in_progress", actual_date=late, expected_version=v.row_version
        )
    store.set_visit_status(
        s,
        "SH-001",
        "W1",
        "in_progress",
        actual_date=late,
        out_of_window_reason="participant ill",
        expected_version=v.row_version,
    )
    w1 = store.visit(s, "SH-001", "W1")
    assert w1.out_of_window and w1.out_of_window_reason == "participant ill"
    m1 = store.visit(s, "SH-001", "M1")
    with pytest.raises(ReasonRequired):
        store.set_visit_status(s, "SH-001", "M1", "missed", expected_version=m1.row_version)
    store.set_visit_status(
        s, "SH-001", "M1", "missed", reason="travelling", expected_version=m1.row_version
    )
    assert store.visit(s, "SH-001", "M1").status_reason == "travelling"


def test_warning_needs_confirmation_which_is_stored(store, sessions):
    """A value outside the item's soft range (its declaration) needs a confirmation reason."""
    from scoring.registry import all_items

    s = sessions["assessor"]
    _participant(store, s)
    item = next(
        i
        for i in all_items()
        if i.soft is not None
        and i.hard is not None
        and i.soft.high is not None
        and i.hard.high is not None
        and i.soft.high < i.hard.high
        and i.type.value == "decimal"
    )
    value = (item.soft.high + item.hard.high) / 2
    v = store.visit(s, "SH-001", "BL")
    with pytest.raises(ValidationFailed) as exc:
        store.save_answers(s, "SH-001", "BL", {item.name: value}, expected_version=v.row_version)
    assert any(f.variable == item.name and f.level.value == "warning" for f in exc.value.flags)
    assert item.name not in store.answers(s, "SH-001", "BL")
    store.save_answers(
        s,
        "SH-001",
        "BL",
        {item.name: value},
        confirmations={item.name: "measured twice"},
        expected_version=v.row_version,
    )
    assert store.answers(s, "SH-001", "BL")[item.name].confirm_reason == "measured twice"
    conf = store.confirmations(s, "SH-001")
    assert [(c.item, c.reason) for c in conf] == [(item.name, "measured twice")]


def test_missing_code_and_clearing(store, sessions):
    s = sessions["assessor"]
    _participant(store, s)
    v = store.visit(s, "SH-001", "BL")
    ver = store.save_answers(
        s, "SH-001", "BL", {}, statuses={"sf36_01": "RF"}, expected_version=v.row_version
    )
    a = store.answers(s, "SH-001", "BL")["sf36_01"]
    assert a.value is None and a.status == "RF"
    ver = store.save_answers(s, "SH-001", "BL", {"sf36_01": 2}, expected_version=ver)
    a = store.answers(s, "SH-001", "BL")["sf36_01"]
    assert a.value == 2.0 and a.status is None
    store.save_answers(s, "SH-001", "BL", {"sf36_01": None}, expected_version=ver)
    assert "sf36_01" not in store.answers(s, "SH-001", "BL")
    assert store.verify_audit(sessions["data_manager"]).ok


def test_unknown_item_and_participant(store, sessions):
    s = sessions["assessor"]
    _participant(store, s)
    v = store.visit(s, "SH-001", "BL")
    with pytest.raises(ValidationFailed, match="no instrument declares"):
        store.save_answers(s, "SH-001", "BL", {"nope": 1}, expected_version=v.row_version)
    with pytest.raises(NotFound):
        store.visits(s, "SH-999")


def test_answers_frame_layout(store, sessions):
    from scoring.registry import all_items

    s = sessions["assessor"]
    _participant(store, s)
    _participant(store, s, "SH-002")
    v = store.visit(s, "SH-001", "W1")
    store.save_answers(
        s,
        "SH-001",
        "W1",
        {"sf36_01": 3, "psqi_bedtime": "23:30"},
        statuses={"sf36_02": "ND"},
        expected_version=v.row_version,
    )
    m1 = store.visit(s, "SH-002", "M1")
    store.set_visit_status(
        s, "SH-002", "M1", "missed", reason="ill", expected_version=m1.row_version
    )
    df = store.answers_frame(s)
    assert list(df["participant"]) == ["SH-001", "SH-002"]
    assert list(df["visit"]) == ["W1", "M1"]
    assert list(df.columns[:10]) == [
        "participant",
        "site",
        "sex",
        "birth_date",
        "age",
        "height_cm",
        "weight_kg",
        "visit",
        "visit_date",
        "visit_status",
    ]
    for item in all_items():
        assert item.name in df.columns and f"{item.name}__status" in df.columns
    assert df.loc[0, "sf36_01"] == 3.0 and df.loc[0, "psqi_bedtime"] == 23 * 60 + 30
    assert df.loc[0, "sf36_02__status"] == "ND" and df.loc[1, "visit_status"] == "missed"
    assert df.loc[0, "sex"] == "F"


def test_concurrent_writers_keep_one_chain(store, sessions):
    """Two workstations saving at once (threads, separate connections): every save lands, the
    audit chain stays linear (no fork), and replay still reproduces the data."""
    import threading

    s = sessions["assessor"]
    for code in ("SH-101", "SH-102"):
        _participant(store, s, code)
    errors: list[BaseException] = []

    def writer(code: str) -> None:
        try:
            for i in range(8):
                v = store.visit(s, code, "BL")
                store.save_answers(s, code, "BL", {"eqvas": 50 + i}, expected_version=v.row_version)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(c,)) for c in ("SH-101", "SH-102")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for code in ("SH-101", "SH-102"):
        assert store.answers(s, code, "BL")["eqvas"].value == 57.0
    res = store.verify_audit(sessions["data_manager"])
    assert res.ok, res.message


def test_bulk_transaction_is_all_or_nothing(store, sessions):
    s = sessions["assessor"]
    _participant(store, s)
    v = store.visit(s, "SH-001", "BL")
    with pytest.raises(ValidationFailed), store.transaction():
        ver = store.save_answers(s, "SH-001", "BL", {"eqvas": 60}, expected_version=v.row_version)
        store.add_participant(s, "SH-002", "SH", "M", "1951-01-01", 170, 70, DAY1)
        store.save_answers(s, "SH-001", "BL", {"sf36_01": 9}, expected_version=ver)  # refused
    assert store.answers(s, "SH-001", "BL") == {}
    assert [p.code for p in store.participants(s)] == ["SH-001"]
    with store.transaction():
        ver = store.save_answers(s, "SH-001", "BL", {"eqvas": 60}, expected_version=v.row_version)
        store.save_answers(s, "SH-001", "BL", {"sf36_01": 2}, expected_version=ver)
    assert set(store.answers(s, "SH-001", "BL")) == {"eqvas", "sf36_01"}
    assert store.verify_audit(sessions["data_manager"]).ok


def test_list_reads_restore_the_garbage_collector(store, sessions, monkeypatch):
    """The participant list pauses Python's cyclic collector while it builds its rows
    (store.api._collector_paused) and leaves it as it found it, enabled or disabled, also
    when the read fails."""
    import gc

    from store import api as store_api

    s = sessions["assessor"]
    store.add_participant(s, "SH-001", "SH", "F", dt.date(1950, 1, 2), 160, 60, dt.date.today())
    assert gc.isenabled()
    assert [p.code for p in store.participants(s)] == ["SH-001"]
    assert set(store.visit_status_grid(s)["SH-001"]) == {
        v.code for v in store.study(s).protocol.visits
    }
    assert gc.isenabled()
    gc.disable()
    try:
        store.participants(s)
        store.visit_status_grid(s)
        assert not gc.isenabled()
    finally:
        gc.enable()
    seen: list[bool] = []

    def failing_read(conn, stmt):
        seen.append(gc.isenabled())
        raise OSError("disk I/O error")

    monkeypatch.setattr(store_api, "_raw_rows", failing_read)
    with pytest.raises(OSError):
        store.participants(s)
    assert seen == [False] and gc.isenabled()
