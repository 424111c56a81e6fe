"""The demo's synthetic answers (store/demo_answers.py) and visit plan (store/demo.py plan_demo).

Checked against the declarations and the model trial's published flow (NCT04314011: 30
participants aged 60–80, Fried 1–4; 24 assessed at month 2, 25 at month 3, 27 at month 6), never
against numbers the generator produced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.engine import evaluate
from scoring.model import ItemType
from scoring.registry import INSTRUMENTS
from store.demo import N_PARTICIPANTS, plan_demo
from store.demo_answers import AnswerGenerator, Person, VisitRequest


def test_plan_matches_the_model_trial_flow():
    plan = plan_demo()
    visits = plan.protocol.visit_codes
    assert len(plan.participants) == N_PARTICIPANTS == 30
    assessed = {v: plan.assessed(v) for v in visits}
    # model trial: everyone assessed at baseline, week 1 and month 1; 24 / 25 / 27 afterwards
    assert assessed == {"BL": 30, "W1": 30, "M1": 30, "M2": 24, "M3": 25, "M6": 27}
    assert plan.missed_total() == 14 == 6 * 30 - sum(assessed.values())
    withdrawn = [p for p in plan.participants if p.status == "withdrawn"]
    assert len(withdrawn) == 1
    (w,) = withdrawn
    after = [v for v in w.visits if visits.index(v.code) > visits.index("M1")]
    assert after and all(v.status == "missed" for v in after)
    assert w.status_date > max(v.actual_date for v in w.visits if v.actual_date)
    for p in plan.participants:
        assert 60 <= p.age < 81, (p.code, p.age)
        assert p.site in ("SH", "BJ") and p.code.startswith(p.site + "-")
        for v in p.visits:
            if v.status == "complete":
                vd = plan.protocol.visit(v.code)
                lo, hi = vd.window(p.day1_date)
                assert (lo <= v.actual_date <= hi) or v.out_of_window_reason, (p.code, v)
            else:
                assert v.reason and v.actual_date is None
    codes = [p.code for p in plan.participants]
    assert len(set(codes)) == 30 and "SH-001" in codes and "BJ-001" in codes


def test_plan_is_deterministic_and_seed_dependent():
    assert plan_demo(7) == plan_demo(7)
    assert plan_demo(7) != plan_demo(8)


def test_generated_visits_pass_every_declared_check_and_respect_soft_limits():
    gen = AnswerGenerator(INSTRUMENTS)
    rng = np.random.default_rng(1)
    rows = []
    for k in range(40):
        person = Person("F" if k % 2 else "M", 60 + k % 20, 150 + k % 25, 50 + k % 30)
        draw = gen.visit(person, float(rng.normal()), rng, participant=f"P{k}")
        assert not draw.confirmations or all(r for r in draw.confirmations.values())
        rows.append({**draw.values, **person.context()})
        for name, value in draw.values.items():
            item = gen.items[name]
            if item.type is ItemType.CODED:
                assert value in item.codes, (name, value)
            if item.soft is not None and item.type in (ItemType.INTEGER, ItemType.DECIMAL):
                assert item.soft.contains(float(value)) or name in draw.confirmations, (name, value)
    frame = pd.DataFrame(rows, dtype=object)
    ev = evaluate(frame, instruments=INSTRUMENTS)
    errors = ev.flags[ev.flags["level"] == "error"]
    assert errors.empty, errors.head().to_dict("records")
    # every required generated item carries a value (complete answers)
    required = [n for n, it in gen.items.items() if it.required]
    assert not ev.values[required].isna().any().any()


def test_directions_are_measured_from_the_declared_scorers():
    """A higher raw answer on an item that feeds a 'higher is better' score must be marked +1
    only if the scorer says so: checked by re-scoring, independently of item_directions."""
    gen = AnswerGenerator(INSTRUMENTS)
    directed = {n: d for n, d in gen.directions.items() if d}
    assert directed, "no item direction found"
    rng = np.random.default_rng(3)
    person = Person("M", 70, 165, 62)
    # healthier latent value → better directed scores on average
    scores = {}
    keys = tuple(i.key for i in INSTRUMENTS)
    for h in (-1.5, 1.5):
        rows = [
            {**gen.draw(VisitRequest(f"P{k}", "V", 0, person, h, keys), rng), **person.context()}
            for k in range(60)
        ]
        ev = evaluate(pd.DataFrame(rows, dtype=object), instruments=INSTRUMENTS)
        scores[h] = ev.scores
    better = 0
    total = 0
    for inst in INSTRUMENTS:
        for s in inst.scores:
            if s.higher_is_better is None or s.is_text or s.name not in scores[1.5]:
                continue
            lo = pd.to_numeric(scores[-1.5][s.name], errors="coerce").mean()
            hi = pd.to_numeric(scores[1.5][s.name], errors="coerce").mean()
            if np.isnan(lo) or np.isnan(hi) or lo == hi:
                continue
            total += 1
            better += (hi > lo) == s.higher_is_better
    assert total and better / total > 0.9, (better, total)
