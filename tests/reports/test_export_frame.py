"""The export table and codebook, on a test instrument covering every item type.

Checks are against scoring.engine.evaluate run independently on the same answers (DESIGN.md
"Scores are derived, never stored": the export must show exactly what the engine computes) and
against the declarations themselves (DESIGN.md "One definition per instrument").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reports.codebook import codebook_frame
from reports.export_frame import (
    ExportInput,
    build_export,
    data_checksum,
)
from scoring.engine import evaluate
from scoring.model import MissingCode
from tests.reports.fixture_instrument import INSTRUMENT
from tests.reports.synth import answers_frame

VISITS = ("V0", "V1", "V2")


@pytest.fixture()
def answers() -> pd.DataFrame:
    return answers_frame([INSTRUMENT], 12, VISITS, seed=11, missing_rate=0.15)


def _export(answers: pd.DataFrame, layout: str = "long"):
    return build_export(ExportInput(answers, visit_order=VISITS), layout, instruments=[INSTRUMENT])


def _engine(answers: pd.DataFrame):
    raw = answers[["participant", "visit", *INSTRUMENT.item_names]]
    status = pd.DataFrame({n: answers[n + "__status"] for n in INSTRUMENT.item_names})
    return evaluate(raw, instruments=[INSTRUMENT], status=status)


def test_long_values_equal_the_engine(answers: pd.DataFrame) -> None:
    t = _export(answers)
    ev = _engine(answers)
    assert len(t.data) == len(answers)
    for name in ("tx_q1", "tx_q2", "tx_steps", "tx_time_s", "tx_bed"):
        assert t.data[name].dtype == np.float64  # numeric columns stay numeric
        np.testing.assert_array_equal(t.data[name].to_numpy(), ev.values[name].to_numpy())
    for name in INSTRUMENT.score_names:
        np.testing.assert_array_equal(t.data[name].to_numpy(), ev.scores[name].to_numpy())
    # the status column carries the store's code where the value is absent
    for name in INSTRUMENT.item_names:
        want = answers[name + "__status"].tolist()
        got = t.data[name + "_status"].tolist()
        assert [w if isinstance(w, str) else None for w in want] == got


def test_score_status_takes_the_code_of_the_missing_items() -> None:
    a = answers_frame([INSTRUMENT], 1, VISITS, seed=1, missing_rate=0)
    for n in ("tx_q1", "tx_q2"):
        a.loc[0, n] = np.nan
        a.loc[0, n + "__status"] = MissingCode.REFUSED.value
    t = _export(a)
    assert np.isnan(t.data.loc[0, "tx_total"])
    assert t.data.loc[0, "tx_total_status"] == "RF"
    assert t.data.loc[1, "tx_total_status"] is None


def test_wide_layout_has_every_visit_and_the_same_values(answers: pd.DataFrame) -> None:
    dropped = answers[~((answers["participant"] == "P00002") & (answers["visit"] == "V1"))]
    long = _export(dropped)
    wide = _export(dropped, "wide")
    assert len(wide.data) == 12
    for v in VISITS:
        assert f"tx_total_{v}" in wide.data.columns
        assert f"tx_q1_status_{v}" in wide.data.columns
    assert "sex" in wide.data.columns and "sex_V0" not in wide.data.columns
    row = wide.data.set_index("participant").loc["P00002"]
    assert np.isnan(row["tx_q1_V1"])
    l2 = long.data.set_index(["participant", "visit"])
    for v in ("V0", "V2"):
        assert row[f"tx_total_{v}"] == l2.loc[("P00002", v), "tx_total"] or (
            np.isnan(row[f"tx_total_{v}"]) and np.isnan(l2.loc[("P00002", v), "tx_total"])
        )


def test_formula_like_text_is_neutralised(answers: pd.DataFrame) -> None:
    answers.loc[0, "tx_note"] = "=cmd|' /C calc'!A0"
    answers.loc[1, "tx_note"] = "@SUM(A1)"
    answers.loc[2, "tx_note"] = "-2 steps"
    t = _export(answers)
    assert t.data.loc[0, "tx_note"] == "'=cmd|' /C calc'!A0"
    assert t.data.loc[1, "tx_note"] == "'@SUM(A1)"
    assert t.data.loc[2, "tx_note"] == "'-2 steps"
    for v in t.data["tx_note"].dropna():
        assert not v.startswith(("=", "+", "-", "@"))


def test_checksum_is_reproducible_and_sensitive(answers: pd.DataFrame) -> None:
    a, b = _export(answers), _export(answers.copy())
    assert a.checksum == b.checksum
    changed = answers.copy()
    changed.loc[3, "tx_steps"] = 59.0 if changed.loc[3, "tx_steps"] != 59.0 else 58.0
    assert _export(changed).checksum != a.checksum
    assert data_checksum(a.data, a.columns) == a.checksum
    # the checksum covers the data only: renaming a status code changes it, reordering does not
    recoded = answers.copy()
    i = recoded.index[recoded["tx_steps__status"].notna()][0]
    codes = [c.value for c in MissingCode if c.value != recoded.at[i, "tx_steps__status"]]
    recoded.loc[i, "tx_steps__status"] = codes[0]
    assert _export(recoded).checksum != a.checksum
    shuffled = answers.sample(frac=1.0, random_state=3)
    assert _export(shuffled).checksum == a.checksum  # rows are sorted by participant, visit


def test_codebook_is_derived_from_the_declaration(answers: pd.DataFrame) -> None:
    t = _export(answers)
    cb = codebook_frame(t.columns).set_index("variable")
    assert list(cb.index) == [c.name for c in t.columns]
    q1 = INSTRUMENT.item("tx_q1")
    assert cb.loc["tx_q1", "label_en"] == q1.en and cb.loc["tx_q1", "label_zh"] == q1.zh
    for ch in q1.choices:
        assert f"{ch.code} = {ch.en} / {ch.zh}" in cb.loc["tx_q1", "value_labels"]
    steps = INSTRUMENT.item("tx_steps")
    assert cb.loc["tx_steps", "allowed_values"] == steps.hard.describe()
    assert cb.loc["tx_steps", "plausible_values"] == steps.soft.describe()
    for code in steps.missing:
        assert (
            f"SPSS {code.numeric_code}, Stata .{code.stata_letter}"
            in (cb.loc["tx_steps", "missing_codes"])
        )
    total = INSTRUMENT.scores[0]
    assert total.rule in cb.loc["tx_total", "derivation"]
    assert cb.loc["tx_total", "source"] == total.source
    assert cb.loc["tx_total", "scoring_version"] == INSTRUMENT.version
    assert cb.loc["tx_bed", "type"] == "clock"


def test_the_study_protocol_scoring_settings_are_used_and_reported() -> None:
    """Exports score with the study protocol's settings (physical.md §9: mean vs best TUG trial)
    and the about sheet lists them."""
    from reports.export_frame import ExportMeta
    from reports.export_xlsx import about_frame
    from scoring.model import ScoringSettings
    from scoring.physical import TUG

    ans = answers_frame([TUG], 6, VISITS, seed=4, missing_rate=0.0)
    mean = ScoringSettings(tug_recorded="mean")
    t = build_export(ExportInput(ans, visit_order=VISITS, settings=mean), instruments=[TUG])
    trials = t.long[["tug_1_s", "tug_2_s"]].astype(float)
    expected = np.floor(trials.mean(axis=1).to_numpy() * 100 + 0.5 + 1e-7) / 100  # 0.01 s
    np.testing.assert_allclose(t.long["tug_s"].astype(float).to_numpy(), expected)
    about = dict(about_frame(t, ExportMeta(), t.checksum).itertuples(index=False, name=None))
    assert about["scoring_setting_tug_recorded"] == "mean"
    best = build_export(ExportInput(ans, visit_order=VISITS), instruments=[TUG])
    assert best.checksum != t.checksum
