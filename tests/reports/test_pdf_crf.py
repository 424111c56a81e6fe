"""Case report forms from the declarations: blank, completed, whole schedule, wording packs
(issue 6 §2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from reports.crf import build_crf, build_crf_set, form_version
from reports.pdf_common import PrintContext
from reports.wording import WordingError, load_pack, load_site_wording
from scoring.model import MissingCode
from tests.reports import pdf_fixtures as fx
from tests.reports.pdf_check import fonts_of, lines_of, page_count, text_of

GENERATED = dt.datetime(2026, 11, 26, 13, 0, tzinfo=dt.UTC)


def ctx(lang: str = "en") -> PrintContext:
    return PrintContext("asr", GENERATED, lang, dt.UTC, {i.key: i.version for i in fx.INSTRUMENTS})


def test_blank_crf_is_generated_from_the_declarations() -> None:
    pdf = build_crf(fx.record(), "M3", ctx(), instruments=fx.INSTRUMENTS)
    text = text_of(pdf)
    lines = lines_of(pdf)
    # header boxes pre-filled: participant, visit, target date, window; actual date left blank
    assert "P-001" in lines and "M3 — Month 3" in lines
    assert "2026-05-31" in text and "2026-05-28 – 2026-06-03" in text
    for inst in fx.INSTRUMENTS:
        assert inst.en in text
        for item in inst.items:
            assert (
                f"{item.form_label} {item.en}" + (f" [{item.unit}]" if item.unit else "") in lines
            )
            for c in item.choices:  # every response option with its code
                assert f"{c.code}  {c.en}" in text
            if item.unit:  # the unit beside the digit boxes
                i = lines.index(f"{item.form_label} {item.en} [{item.unit}]")
                assert item.unit in lines[i + 1 : i + 6]
    # each item's own missing-data codes: UN only where the declaration admits it
    assert text.count(MissingCode.UNABLE.value) == 1 + sum(  # +1: the legend
        MissingCode.UNABLE in it.missing for inst in fx.INSTRUMENTS for it in inst.items
    )
    # no entered values on a blank form
    assert "9.80" not in text and "entered" not in text
    assert "Assessor" in lines and "Signature" in lines
    version = form_version(fx.INSTRUMENTS)
    assert version in text and f"Page 1 of {page_count(pdf)}" in text


def test_completed_crf_shows_values_confirmations_and_audit() -> None:
    pdf = build_crf(fx.record(), "M2", ctx(), completed=True, instruments=fx.INSTRUMENTS)
    text = text_of(pdf)
    # the stored values written one character per box, then the unit and the missing boxes
    lines = lines_of(pdf)
    i = lines.index("T1 Trial 1 [s]")
    assert lines[i + 1 : i + 6] == ["6", ".", "1", "0", "s"]
    i = lines.index("T2 Trial 2 [s]")
    assert lines[i + 1 : i + 6] == ["6", ".", "5", "0", "s"]
    assert "entered nurse.wang 2026-05-01 09:15 UTC" in text
    assert "slow start, re-checked" in text  # the item's confirmation reason
    assert "new walking aid; re-timed" in text  # confirmed warning on the score
    assert "Computed scores (scoring tdemo-2.1)" in text
    assert "Demo walk time (best) 6.10 s" in text  # = min(6.10, 6.50), the engine's td_s


def test_changed_by_is_in_the_audit_summary() -> None:
    pdf = build_crf(fx.record(), "W1", ctx(), completed=True, instruments=fx.INSTRUMENTS)
    assert "changed nurse.zhao 2026-03-09 11:15 UTC" in text_of(pdf)


def test_chinese_crf_and_embedded_fonts() -> None:
    pdf = build_crf(fx.record(), "M2", ctx("zh"), completed=True, instruments=fx.INSTRUMENTS)
    text = text_of(pdf)
    for phrase in ("病例报告表", "演示睡眠问卷", "夜间醒来", "很少", "第2月", "评估者"):
        assert phrase in text
    assert "秒" in text  # the unit beside the digit boxes, in Chinese (scoring.model.UNIT_ZH)
    assert all(f["FontFile2"] for f in fonts_of(pdf))


def test_signature_meaning_is_printed_in_the_forms_language() -> None:
    """The signed V0's meaning (recorded 'review and approval') in a Chinese CRF; a meaning
    recorded otherwise (an older record) is printed as recorded."""
    record = fx.record()
    zh = text_of(build_crf(record, "V0", ctx("zh"), completed=True, instruments=fx.INSTRUMENTS))
    assert "dr.li" in zh and "审阅并批准" in zh and "review and approval" not in zh
    en = text_of(build_crf(record, "V0", ctx(), completed=True, instruments=fx.INSTRUMENTS))
    assert "(review and approval)" in en
    visits = [
        dataclasses.replace(v, signature_meaning="checked against source") if v.visit == "V0" else v
        for v in record.visits
    ]
    other = dataclasses.replace(record, visits=visits)
    pdf = build_crf(other, "V0", ctx("zh"), completed=True, instruments=fx.INSTRUMENTS)
    assert "checked against source" in text_of(pdf)


def test_schedule_set_has_every_visit_one_after_another() -> None:
    pdf = build_crf_set(fx.record(), ctx(), instruments=fx.INSTRUMENTS)
    lines = lines_of(pdf)
    positions = [lines.index(f"{v} — {fx.LABELS[v][0]}") for v in fx.VISITS]
    assert positions == sorted(positions)
    assert page_count(pdf) >= len(fx.VISITS)


def test_unknown_visit_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="visit 'M9' is not in the schedule"):
        build_crf(fx.record(), "M9", ctx(), instruments=fx.INSTRUMENTS)


def test_crf_is_deterministic() -> None:
    a = build_crf(fx.record(), "M2", ctx(), completed=True, instruments=fx.INSTRUMENTS)
    b = build_crf(fx.record(), "M2", ctx(), completed=True, instruments=fx.INSTRUMENTS)
    assert a == b


# ------------------------------------------------------------------------------------------
# Wording packs


def pack(**over) -> dict:
    data = {
        "format": "outcomedesk-wording/1",
        "instrument": "qdemo",
        "language": "en",
        "title": "Licensed Demo Sleep Index",
        "licence": "Demo wording © Holder, licensed to site S01 (licence 42)",
        "sections": {"Part A": "During the past month, how often have you…"},
        "items": {
            "qd_1": {"text": "woken up in the middle of the night", "choices": {"3": "3+/week"}}
        },
    }
    data.update(over)
    return data


def write(folder: Path, data: dict, name: str | None = None) -> Path:
    path = folder / (name or f"{data['instrument']}.{data['language']}.json")
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_wording_pack_replaces_short_labels(tmp_path: Path) -> None:
    write(tmp_path, pack())
    wording = load_site_wording(tmp_path, fx.INSTRUMENTS)
    pdf = build_crf(fx.record(), "M3", ctx(), wording=wording, instruments=fx.INSTRUMENTS)
    text = text_of(pdf)
    assert "Licensed Demo Sleep Index" in text
    assert "licensed to site S01" in text
    assert "woken up in the middle of the night" in text
    assert "3  3+/week" in text
    assert "During the past month" in text
    assert "Woke at night (2)" in text  # items the pack leaves out keep the short label
    # the form version names the wording in force
    assert form_version(fx.INSTRUMENTS, wording) != form_version(fx.INSTRUMENTS)
    assert form_version(fx.INSTRUMENTS, wording) in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"items": {"qd_9": {"text": "x"}}}, "items.qd_9: no such item in 'qdemo'"),
        ({"items": {"qd_1": {"choices": {"7": "x"}}}}, "code 7 is not declared"),
        ({"instrument": "nope"}, "instrument 'nope' is not declared"),
        ({"language": "fr"}, "'language' must be one of en, zh"),
        ({"licence": " "}, "'licence' must name the licence"),
        ({"format": "v0"}, "'format' must be 'outcomedesk-wording/1'"),
        ({"sections": {"Part Z": "x"}}, "sections.Part Z: no such section"),
    ],
)
def test_bad_wording_pack_is_refused_with_its_field(tmp_path: Path, change, message) -> None:
    data = pack(**change)
    path = write(tmp_path, data, "qdemo.en.json")
    with pytest.raises(WordingError, match=message.replace("(", r"\(")) as err:
        load_pack(path, fx.INSTRUMENTS)
    assert str(path) in str(err.value)


def test_wording_pack_file_name_and_json_errors(tmp_path: Path) -> None:
    bad = tmp_path / "qdemo.en.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(WordingError, match="not valid JSON"):
        load_pack(bad, fx.INSTRUMENTS)
    misnamed = write(tmp_path, pack(), "other.json")
    with pytest.raises(WordingError, match=r"must be named qdemo\.en\.json"):
        load_pack(misnamed, fx.INSTRUMENTS)
    with pytest.raises(WordingError, match="wording folder not found"):
        load_site_wording(tmp_path / "missing", fx.INSTRUMENTS)


def test_crf_records_its_form_version_in_the_footer() -> None:
    c = dataclasses.replace(ctx(), extra_footer="")
    pdf = build_crf(fx.record(), "V0", c, instruments=fx.INSTRUMENTS)
    assert f"Form version {form_version(fx.INSTRUMENTS)}" in text_of(pdf)
