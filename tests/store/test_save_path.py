"""The visit save path on both engines: the previous visit of the change rules, several answers
cleared in one save, a confirmation dropped when its warning is gone, all audited."""

from __future__ import annotations

import datetime as dt

import pytest

from store.errors import ValidationFailed

DAY1 = dt.date(2026, 1, 10)
# Grip strength change rule: grip_kg changing by more than ±40 % from the participant's previous
# visit is a warning (scoring/physical.py, GRIP.change_rules, ChangeRule("grip_kg",
# relative=0.40), the project protocol); grip_kg is the best of the three trials by default
# (Roberts et al., Age Ageing 2011;40:423, the Southampton protocol).


def _grip(best: float) -> dict[str, float]:
    return {"grip_1_kg": best, "grip_2_kg": best - 0.5, "grip_3_kg": best - 1.0}


def _save(store, s, code, visit, values, **kw) -> int:
    ver = store.visit(s, code, visit).row_version
    return store.save_answers(s, code, visit, values, expected_version=ver, **kw)


def _change_flags(exc: pytest.ExceptionInfo) -> list:
    return [f for f in exc.value.flags if f.rule == "change.grip_kg"]


def test_change_rule_compares_with_the_latest_earlier_visit(store, sessions):
    """BL 22 kg, W1 34 kg (confirmed), M1 19 kg: −44 % from W1 is flagged although it is
    only −14 % from BL, so the previous visit is the latest earlier one, not the first."""
    s = sessions["assessor"]
    store.add_participant(s, "SH-001", "SH", "F", "1950-03-04", 160, 55.5, DAY1)
    _save(store, s, "SH-001", "BL", _grip(22.0))
    with pytest.raises(ValidationFailed) as exc:
        _save(store, s, "SH-001", "W1", _grip(34.0))
    assert [f.value for f in _change_flags(exc)] == ["34"]
    _save(store, s, "SH-001", "W1", _grip(34.0), confirmations={"grip_kg": "re-measured"})
    with pytest.raises(ValidationFailed) as exc:
        _save(store, s, "SH-001", "M1", _grip(19.0))
    (flag,) = _change_flags(exc)
    assert "changed from 34 at the previous visit" in flag.message_en
    assert store.answers(s, "SH-001", "M1") == {}  # refused: nothing written
    assert store.verify_audit(sessions["data_manager"]).ok


def test_change_rule_skips_an_earlier_visit_without_answers(store, sessions):
    """BL 22 kg, W1 not entered, M1 12 kg (−45 %): compared with BL; 21 kg (−5 %) is not."""
    s = sessions["assessor"]
    store.add_participant(s, "SH-002", "SH", "F", "1950-03-04", 160, 55.5, DAY1)
    _save(store, s, "SH-002", "BL", _grip(22.0))
    with pytest.raises(ValidationFailed) as exc:
        _save(store, s, "SH-002", "M1", _grip(12.0))
    (flag,) = _change_flags(exc)
    assert "changed from 22 at the previous visit" in flag.message_en
    _save(store, s, "SH-002", "M1", _grip(21.0))
    assert store.answers(s, "SH-002", "M1")["grip_1_kg"].value == 21.0


def test_clearing_several_answers_and_dropping_a_confirmation(store, sessions):
    """One save clears two answers and corrects a confirmed value: the answers are gone, the
    confirmation no longer raised is deleted, each change has its audit row, replay agrees."""
    s, dm = sessions["assessor"], sessions["data_manager"]
    store.add_participant(s, "SH-003", "SH", "F", "1950-03-04", 160, 55.5, DAY1)
    _save(store, s, "SH-003", "BL", _grip(22.0))
    _save(store, s, "SH-003", "W1", _grip(34.0), confirmations={"grip_kg": "re-measured"})
    assert [(c.item, c.reason) for c in store.confirmations(s, "SH-003")] == [
        ("grip_kg", "re-measured")
    ]
    _save(
        store,
        s,
        "SH-003",
        "W1",
        {"grip_1_kg": 23.0, "grip_2_kg": None, "grip_3_kg": ""},
    )
    answers = store.answers(s, "SH-003", "W1")
    assert set(answers) == {"grip_1_kg"} and answers["grip_1_kg"].value == 23.0
    assert store.confirmations(s, "SH-003") == []
    trail = store.audit_trail(dm, "SH-003", "W1")
    deleted = {r.entity_key for r in trail if r.action == "delete"}
    assert deleted == {
        "SH-003/W1/grip_2_kg",
        "SH-003/W1/grip_3_kg",
        "SH-003/W1/grip_kg/change.grip_kg",
    }
    res = store.verify_audit(dm)
    assert res.ok, res.message
