"""``python main.py demo --db PATH`` (issue 4 §3): the demo study, built once for this module.

Checked against the model trial (NCT04314011): 30 participants aged 60–80, Fried 1–4 at baseline,
24 / 25 / 27 assessed at months 2 / 3 / 6, one withdrawal; demo accounts for every role with the
printed passwords; every value validated and audited (``audit verify`` passes); and the data are
plausible (scores recomputed here by scoring.engine from the stored answers).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cli.main import run as cli_run
from scoring.engine import evaluate
from scoring.registry import INSTRUMENTS
from store.api import Store
from store.demo import DEMO_USERS, generate_answers, plan_demo
from store.roles import ROLES


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_run(["demo", "--db", str(path), "--quiet"])
    assert code == 0, err.getvalue()
    return path, out.getvalue()


@pytest.fixture(scope="module")
def frame(demo):
    path, _ = demo
    with Store.open(path, create=False) as s:
        session = s.login("statistician", "demo-statistician-1")
        return s.answers_frame(session)


@pytest.mark.slow
def test_every_role_has_a_demo_account_with_the_printed_password(demo):
    path, printed = demo
    assert {role for _, role, _, _ in DEMO_USERS} == set(ROLES)
    assert "DEMO ONLY" in printed
    with Store.open(path, create=False) as s:
        for user, role, password, _ in DEMO_USERS:
            assert re.search(
                rf"^\s+{re.escape(user)}\s+{re.escape(password)}\s+{role}$", printed, re.M
            )
            assert s.login(user, password).role == role


@pytest.mark.slow
def test_flow_matches_the_model_trial_and_the_audit_trail_verifies(demo):
    path, _ = demo
    with Store.open(path, create=False) as s:
        dm = s.login("datamanager", "demo-datamanager-1")
        grid = s.visit_status_grid(dm)
        people = s.participants(dm)
        result = s.verify_audit(dm)
        signed = [v for p in people if p.site == "SH" for v in s.visits(dm, p.code) if v.signed_by]
        bj_signed = [v for v in s.visits(dm, "BJ-001") if v.signed_by]
    assert result.ok, result.message
    assert len(people) == 30 and {p.site for p in people} == {"SH", "BJ"}
    assessed = {
        v: sum(1 for visits in grid.values() if visits[v] == "complete")
        for v in ("BL", "W1", "M1", "M2", "M3", "M6")
    }
    assert assessed == {"BL": 30, "W1": 30, "M1": 30, "M2": 24, "M3": 25, "M6": 27}
    missed = sum(1 for visits in grid.values() for st in visits.values() if st == "missed")
    assert missed == 14  # of 180 scheduled visits
    statuses = sorted(p.status for p in people)
    assert statuses.count("withdrawn") == 1 and statuses.count("completed") == 29
    for p in people:
        age = (p.enrolment_date - p.birth_date).days / 365.25
        assert 60 <= age < 81, (p.code, age)
    assert signed and all(v.status == "complete" for v in signed) and not bj_signed


@pytest.mark.slow
def test_stored_answers_are_the_generated_ones_and_complete(demo, frame):
    """Deterministic: the plan's answers, drawn again with the same seed, are what is stored."""
    expected = generate_answers(plan_demo())
    ev = evaluate(frame[[c for c in frame.columns if not c.endswith("__status")]])
    for (code, visit), draw in list(expected.items())[::7]:
        row = frame.index[(frame["participant"] == code) & (frame["visit"] == visit)][0]
        for name, raw in draw.values.items():
            stored = ev.values.at[row, name]
            entered = evaluate(pd.DataFrame([{name: raw}])).values.at[0, name]
            assert stored == entered, (code, visit, name, stored, entered)
    complete = frame[frame["visit_status"] == "complete"]
    assert len(complete) == 166


@pytest.mark.slow
def test_values_are_plausible_and_correlated(frame):
    """Fried 1–4 at baseline; within soft limits; slower TUG goes with a lower SPPB (Spearman)."""
    complete = frame[frame["visit_status"] == "complete"].reset_index(drop=True)
    raw = complete[[c for c in complete.columns if not c.endswith("__status")]]
    ev = evaluate(raw)
    baseline = ev.scores[complete["visit"] == "BL"]
    assert baseline["fried_score"].between(1, 4).all(), baseline["fried_score"].tolist()
    for inst in INSTRUMENTS:
        for item in inst.items:
            if item.soft is None or item.name not in ev.values or not item.is_numeric:
                continue
            vals = ev.values[item.name].dropna().astype(float)
            inside = vals.map(item.soft.contains)
            assert inside.mean() >= 0.97, (item.name, vals[~inside].tolist()[:5])
    tug, sppb = ev.scores["tug_s"].astype(float), ev.scores["sppb_total"].astype(float)
    rho = tug.rank().corr(sppb.rank())
    assert rho < -0.3, rho
    pcs = ev.scores["sf36_pf"].astype(float)
    assert pcs.rank().corr(tug.rank()) < -0.2
    assert np.isfinite(ev.scores["psqi_global"].astype(float)).mean() > 0.95


def test_demo_refuses_an_existing_file(tmp_path, capsys):
    path = tmp_path / "existing.db"
    path.write_bytes(b"")
    assert cli_run(["demo", "--db", str(path)]) == 3
    assert "already exists" in capsys.readouterr().err
