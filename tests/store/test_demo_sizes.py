"""The demo at every size (store/demo.py ``create_demo(participants=N)``, issue 4 §3, issue 5).

The GUI smoke run, bench/startup.py and scripts/screenshots.py build a demo of the first N
participants; every N from 1 to 30 must give a complete demo with realistic answers (a demo whose
answers failed to generate used to fall back to an answer-less study). Checked against the model
trial (NCT04314011): aged 60–80, Fried score 1–4 at baseline, and with 30 participants 24 / 25 /
27 assessed at months 2 / 3 / 6.
"""

from __future__ import annotations

import pytest

from scoring.engine import evaluate
from scoring.participant import ELIGIBLE_AGE
from scoring.registry import BY_KEY
from store.api import Store
from store.demo import DemoPlan, create_demo, generate_answers, plan_demo

# model trial (NCT04314011): everyone at baseline, week 1 and month 1; 24 / 25 / 27 afterwards
TRIAL_ASSESSED = {"BL": 30, "W1": 30, "M1": 30, "M2": 24, "M3": 25, "M6": 27}


def _first(n: int, seed: int | None = None) -> DemoPlan:
    plan = plan_demo() if seed is None else plan_demo(seed)
    return DemoPlan(plan.seed, plan.protocol, plan.participants[:n])


@pytest.fixture(scope="module")
def full_answers():
    return generate_answers(plan_demo())


def _required(plan: DemoPlan, visit: str) -> set[str]:
    keys = plan.protocol.visit(visit).instruments
    return {it.name for k in keys if k in BY_KEY for it in BY_KEY[k].items if it.required}


def test_thirty_follow_the_trial_flow_with_answers_for_every_attended_visit(full_answers):
    plan = plan_demo()
    assessed = {v: sum(1 for (_p, vv) in full_answers if vv == v) for v in TRIAL_ASSESSED}
    assert assessed == TRIAL_ASSESSED
    complete = {
        (p.code, v.code) for p in plan.participants for v in p.visits if v.status == "complete"
    }
    assert set(full_answers) == complete
    for (_code, visit), draw in full_answers.items():
        missing = _required(plan, visit) - set(draw.values)
        assert not missing, (_code, visit, sorted(missing)[:5])
        if visit == "BL":
            assert 1 <= float(draw.scores["fried_score"]) <= 4, (_code, draw.scores["fried_score"])


@pytest.mark.parametrize("n", [1, 6, 13])
def test_the_first_n_are_the_same_people_with_the_same_answers(n, full_answers):
    """Deterministic per participant: a smaller demo is a prefix of the full one."""
    small = generate_answers(_first(n))
    assert len({p for p, _ in small}) == n
    for key, draw in small.items():
        assert draw.values == full_answers[key].values, key
        assert draw.confirmations == full_answers[key].confirmations, key


def test_other_seeds_also_build_and_differ():
    """SH-006 of the default seed used to exhaust its draws: no seed may depend on luck."""
    a = generate_answers(_first(6, seed=3))
    b = generate_answers(_first(6, seed=3))
    c = generate_answers(_first(6, seed=4))
    assert {k: d.values for k, d in a.items()} == {k: d.values for k, d in b.items()}
    assert {k: d.values for k, d in a.items()} != {k: d.values for k, d in c.items()}


@pytest.mark.parametrize("n", [0, 31])
def test_sizes_outside_1_to_30_are_refused(tmp_path, n):
    with pytest.raises(ValueError, match="outside 1–30"):
        create_demo(str(tmp_path / "x.db"), participants=n)


@pytest.mark.slow
def test_a_small_demo_database_is_complete_and_plausible(tmp_path):
    """What the smoke run and the screenshots open: stored answers, scored by the engine."""
    path = tmp_path / "demo.db"
    summary = create_demo(str(path), participants=2)
    assert summary.participants == 2 and summary.values_saved > 0
    with Store.open(str(path), create=False) as s:
        session = s.login("statistician", "demo-statistician-1")
        people = s.participants(session)
        frame = s.answers_frame(session)
    assert len(people) == 2
    for p in people:
        age = (p.enrolment_date - p.birth_date).days / 365.25
        assert ELIGIBLE_AGE.low <= int(age) <= ELIGIBLE_AGE.high, (p.code, age)
    complete = frame[frame["visit_status"] == "complete"].reset_index(drop=True)
    assert len(complete) == sum(1 for p in _first(2).participants for v in p.visits
                                if v.status == "complete")  # fmt: skip
    ev = evaluate(complete[[c for c in complete.columns if not c.endswith("__status")]])
    baseline = ev.scores[complete["visit"] == "BL"]["fried_score"].astype(float)
    assert len(baseline) == 2 and baseline.between(1, 4).all(), baseline.tolist()
    for k, row in complete.iterrows():
        required = _required(_first(2), row["visit"])
        assert not ev.values.loc[k, sorted(required)].isna().any(), (row["participant"], k)
