"""The default protocol (resources/protocols/model_trial.json) and protocol changes.

Schedule of the model trial (DESIGN.md; NCT04314011): baseline within 30 days before day 1
(first infusion), W1 day 7, M1 day 30 before the 2nd infusion, M2 day 60, M3 day 90, M6 day 180.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from scoring.registry import BY_KEY
from store.protocol import DEFAULT_PROTOCOL, Protocol, ProtocolError, load_protocol


def test_model_trial_schedule():
    p = load_protocol()
    day1 = dt.date(2026, 3, 2)
    assert p.visit_codes == ("BL", "W1", "M1", "M2", "M3", "M6")
    assert [v.offset_days for v in p.visits] == [0, 7, 30, 60, 90, 180]
    bl = p.visit("BL")
    assert bl.window(day1) == (day1 - dt.timedelta(days=30), day1)
    m1 = p.visit("M1")
    second = next(i for i in p.infusions if i.code == "INF2")
    assert m1.window(day1)[1] <= day1 + dt.timedelta(days=second.offset_days)  # before INF2
    assert [i.offset_days for i in p.infusions] == [0, 30]
    for v in p.visits:
        assert v.label_en and v.label_zh and v.instruments


def test_every_scheduled_instrument_is_declared():
    p = load_protocol()
    for v in p.visits:
        unknown = [k for k in v.instruments if k not in BY_KEY]
        assert not unknown, f"visit {v.code} schedules undeclared instruments {unknown}"


def test_json_round_trip_and_field_errors(tmp_path):
    p = load_protocol()
    assert Protocol.from_json(p.to_json()) == p
    data = json.loads(DEFAULT_PROTOCOL.read_text(encoding="utf-8"))
    del data["visits"][2]["window_before"]
    with pytest.raises(ProtocolError, match="visit 3: 'window_before' is missing"):
        Protocol.from_dict(data)
    data = json.loads(DEFAULT_PROTOCOL.read_text(encoding="utf-8"))
    data["visits"][1]["offset_days"] = "seven"
    with pytest.raises(ProtocolError, match="whole number"):
        Protocol.from_dict(data)
    bad = tmp_path / "p.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ProtocolError, match="not valid JSON"):
        load_protocol(bad)


def test_study_changes_a_window_audited(store, sessions):
    dm = sessions["data_manager"]
    s = sessions["assessor"]
    store.add_participant(s, "SH-001", "SH", "F", "1950-03-04", 160, 55.5, dt.date(2026, 1, 10))
    store.set_visit_window(dm, "M6", 21, 21, "protocol amendment 2")
    v = store.visit(s, "SH-001", "M6")
    assert v.window_start == v.target_date - dt.timedelta(days=21)
    assert store.study(s).protocol.visit("M6").window_after == 21
    rows = [r for r in store.audit_trail(dm) if r.entity == "study" and r.field == "protocol"]
    assert rows[-1].reason == "protocol amendment 2"
    assert store.verify_audit(dm).ok


def test_protocol_scoring_settings_are_the_study_settings(tmp_path, target):
    """A study's protocol file sets its scoring options (physical.md §9): here the mean of the
    TUG trials instead of the best; the printed report scores with them, and a bad option is
    refused with its name."""
    from reports.pdf_data import evaluate_frame, load_participant
    from store.api import Store
    from tests.store.conftest import PASSWORDS, USERNAMES

    data = json.loads(DEFAULT_PROTOCOL.read_text(encoding="utf-8"))
    data["scoring_settings"] = {"tug_recorded": "mean", "reference_set": "EWGSOP2"}
    proto = Protocol.from_dict(data)
    assert proto.scoring_settings.changed() == {"tug_recorded": "mean", "reference_set": "EWGSOP2"}
    assert Protocol.from_json(proto.to_json()) == proto
    st = Store.open(target, protocol=proto)
    try:
        st.create_first_admin(USERNAMES["administrator"], PASSWORDS["administrator"])
        admin = st.login(USERNAMES["administrator"], PASSWORDS["administrator"])
        st.add_site(admin, "SH", "Shanghai")
        st.create_user(admin, USERNAMES["assessor"], PASSWORDS["assessor"], "assessor")
        asr = st.login(USERNAMES["assessor"], PASSWORDS["assessor"])
        assert st.study(asr).protocol.scoring_settings.tug_recorded == "mean"
        st.add_participant(asr, "SH-001", "SH", "F", "1950-03-04", 160, 55.5,
                           dt.date(2026, 1, 10))  # fmt: skip
        ver = st.visit(asr, "SH-001", "BL").row_version
        st.save_answers(asr, "SH-001", "BL", {"tug_1_s": 10.0, "tug_2_s": 12.0},
                        expected_version=ver)  # fmt: skip
        record = load_participant(st, asr, "SH-001")
        ev = evaluate_frame(record.frame, record.study.settings)
        assert ev.scores["tug_s"].iloc[0] == 11.0  # mean of 10 and 12 (best would be 10)
    finally:
        st.close()
    data["scoring_settings"] = {"tug_recorded": "slowest"}
    with pytest.raises(ProtocolError, match="'tug_recorded': 'slowest' is not one of best"):
        Protocol.from_dict(data)
