"""Participant report from plain data: content equals scoring.engine output, Chinese, fonts,
determinism (issue 6 §1, §4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest

from reports.participant_report import build_participant_report, clinical_cutoffs
from reports.pdf_common import PrintContext
from scoring.engine import evaluate
from scoring.model import ScoringSettings
from tests.reports import pdf_fixtures as fx
from tests.reports.pdf_check import fonts_of, lines_of, page_count, pdffonts_rows, text_of

GENERATED = dt.datetime(2026, 11, 26, 13, 0, tzinfo=dt.UTC)
CST = dt.timezone(dt.timedelta(hours=8))
GOLDEN = Path(__file__).parent / "golden"


def ctx(lang: str = "en") -> PrintContext:
    return PrintContext("dm.chen", GENERATED, lang, CST, {i.key: i.version for i in fx.INSTRUMENTS})


def build(lang: str = "en", record=None) -> bytes:
    record = record if record is not None else fx.record()
    return build_participant_report(
        record, ctx(lang), instruments=fx.INSTRUMENTS, charts=fx.CHARTS
    ).pdf


def engine_scores(record) -> pd.DataFrame:
    """The scores straight from scoring.engine.evaluate (the ``score`` command's path)."""
    frame = record.frame
    status_cols = [c for c in frame.columns if c.endswith("__status")]
    status = frame[status_cols].rename(columns=lambda c: c[: -len("__status")])
    return evaluate(frame.drop(columns=status_cols), instruments=fx.INSTRUMENTS, status=status)


@pytest.fixture(scope="module")
def en() -> bytes:
    return build("en")


@pytest.fixture(scope="module")
def zh() -> bytes:
    return build("zh")


def test_header_schedule_and_every_visit(en: bytes) -> None:
    lines = lines_of(en)
    assert "P-001" in lines
    assert row_value(lines, "Participant") == "P-001"
    assert row_value(lines, "Sex") == "female"
    assert row_value(lines, "Age at day 1") == "70"  # born 1955-06-01, day 1 2026-03-02
    for code, label in fx.LABELS.items():
        assert f"{code} {label[0]}" in lines
    text = text_of(en)
    assert "2026-02-27 – 2026-03-05" in text  # BL window from the record
    assert "dr.li" in text and "review and approval" in text  # the recorded e-signature


def row_value(lines: list[str], label: str) -> str:
    return lines[lines.index(label) + 1]


def test_scores_equal_the_engine_output(en: bytes) -> None:
    record = fx.record()
    ev = engine_scores(record)
    lines = lines_of(en)
    for inst in fx.INSTRUMENTS:
        for score in inst.scores:
            values = ev.scores[score.name]
            expected = [f"{v:.{score.decimals}f}" for v in values if pd.notna(v)]
            label = score.en + (f" ({score.unit})" if score.unit else "")
            i = lines.index(label)
            assert lines[i + 1 : i + 1 + len(expected)] == expected, score.name
            change = values.dropna().iloc[-1] - values.dropna().iloc[0]
            assert lines[i + 1 + len(expected)] == f"{change:+.{score.decimals}f}"


def test_trials_and_missing_codes_printed(en: bytes) -> None:
    lines = lines_of(en)
    i = lines.index("Trial 2 (s)")
    assert lines[i + 1 : i + 6] == ["13.10", "12.40", "10.80", "6.50", "UN"]


def test_flags_open_and_confirmed(en: bytes) -> None:
    record = fx.record()
    flags = engine_scores(record).flags
    text = text_of(en)
    for rule in flags["rule"]:
        assert rule in text
    # the M2 change warning is confirmed: reason and who confirmed it
    assert "confirmed: new walking aid;" in text and "nurse.wang" in text
    # the M3 change warning has no confirmation: open
    lines = lines_of(en)
    assert "open" in lines


def test_signature_meaning_in_the_reports_language(zh: bytes) -> None:
    """The meaning is recorded in English (store.signatures); a Chinese report prints it in
    Chinese, next to the signer, as 21 CFR 11.50 asks of a printed signature."""
    text = text_of(zh)
    assert "dr.li" in text and "审阅并批准" in text and "review and approval" not in text


def test_chinese_text_extracts_as_chinese(zh: bytes) -> None:
    text = text_of(zh)
    for phrase in ("受试者报告", "访视计划", "演示睡眠问卷", "演示步行时间（最佳）", "第1周", "女"):
        assert phrase in text
    assert "□" not in text
    assert "(秒)" in text and "(s)" not in text  # units in Chinese too (scoring.model.UNIT_ZH)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_font_is_embedded_truetype(lang: str, tmp_path: Path, en: bytes, zh: bytes) -> None:
    pdf = en if lang == "en" else zh
    fonts = fonts_of(pdf)
    assert fonts, "no font resources found"
    for font in fonts:
        assert font["FontFile2"], f"{font['name']} is not an embedded TrueType font"
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    rows = pdffonts_rows(path)
    if rows is not None:  # poppler's own view: every font 'emb yes'
        assert rows and all(r[-5] == "yes" for r in rows), rows


def test_footer_names_versions_user_and_both_times(en: bytes) -> None:
    text = text_of(en)
    assert "printed by dm.chen" in text
    assert "2026-11-26 21:00 (UTC+08:00) = 2026-11-26 13:00 UTC" in text
    assert "qdemo qdemo-1.0, tdemo tdemo-2.1" in text
    n = page_count(en)
    assert f"Page {n} of {n}" in text


def test_same_data_gives_identical_bytes(en: bytes) -> None:
    assert build("en") == en


def test_golden_file(en: bytes) -> None:
    """The report's bytes are pinned; regenerate with UPDATE_GOLDEN=1 after a deliberate layout
    change (and look at the PDF)."""
    golden = GOLDEN / "report_en.sha256"
    digest = hashlib.sha256(en).hexdigest()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(digest + "\n")
        (GOLDEN / "report_en.pdf").write_bytes(en)
    assert golden.read_text().strip() == digest


def test_generated_at_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PrintContext("u", dt.datetime(2026, 1, 1), "en")
    with pytest.raises(ValueError, match="language"):
        PrintContext("u", GENERATED, "fr")


def test_grip_cutoff_is_the_womans_under_the_active_reference_set() -> None:
    """AWGS 2019 (Chen et al., J Am Med Dir Assoc 2020;21:300): low grip < 28 kg men, < 18 kg
    women; EWGSOP2 (Cruz-Jentoft, Age Ageing 2019;48:16): < 27 kg men, < 16 kg women. The report
    draws only the line the declared rules apply to this participant."""
    from scoring.registry import INSTRUMENTS

    if not any(i.key == "grip" for i in INSTRUMENTS):
        pytest.fail("the grip declaration is not registered in scoring.registry")
    woman = pd.DataFrame({"sex": [2.0], "grip_kg": [20.0]})
    man = pd.DataFrame({"sex": [1.0], "grip_kg": [20.0]})
    awgs = ScoringSettings(reference_set="AWGS2019")
    ewgs = ScoringSettings(reference_set="EWGSOP2")
    assert [c.value for c in clinical_cutoffs("grip_kg", INSTRUMENTS, woman, awgs)] == [18.0]
    assert [c.value for c in clinical_cutoffs("grip_kg", INSTRUMENTS, man, awgs)] == [28.0]
    assert [c.value for c in clinical_cutoffs("grip_kg", INSTRUMENTS, woman, ewgs)] == [16.0]


def test_psqi_cutoff_follows_the_study_setting() -> None:
    """Buysse et al. 1989: global > 5 = poor sleeper; the study may set another cut-off."""
    from scoring.registry import INSTRUMENTS

    row = pd.DataFrame({"psqi_global": [7.0]})
    assert [
        c.value for c in clinical_cutoffs("psqi_global", INSTRUMENTS, row, ScoringSettings())
    ] == [5.0]
    other = ScoringSettings(psqi_poor_sleeper_cutoff=8.0)
    assert [c.value for c in clinical_cutoffs("psqi_global", INSTRUMENTS, row, other)] == [8.0]


def test_a_participant_with_no_answers_still_prints() -> None:
    record = fx.record()
    record.frame = record.frame.iloc[0:0]
    record.confirmations = []
    text = text_of(build("en", record))
    assert "P-001" in text and "No open or confirmed flags." in text
