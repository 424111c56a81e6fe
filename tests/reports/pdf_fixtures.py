"""Plain-data fixtures for the PDF tests: two small instruments declared with the real model
(a questionnaire and a timed performance test) and a six-visit participant record.

The instruments are test declarations of the layer's inputs, not clinical instruments; what is
checked is that the PDFs print exactly what ``scoring.engine.evaluate`` computes from them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reports.pdf_data import (
    AnswerData,
    ConfirmationData,
    ParticipantData,
    ParticipantRecord,
    StudyData,
    VisitData,
)
from scoring.model import (
    PERFORMANCE_MISSING,
    ChangeRule,
    Choice,
    Instrument,
    Item,
    ItemType,
    Level,
    Range,
    Rule,
    Score,
)

AGREE = (
    Choice(0, "never", "从不"),
    Choice(1, "rarely", "很少"),
    Choice(2, "sometimes", "有时"),
    Choice(3, "often", "经常"),
)


def _q_score(values, status, settings):
    cols = ["qd_1", "qd_2", "qd_3"]
    total = values[cols].sum(axis=1, min_count=3)
    return pd.DataFrame({"qd_total": total}, index=values.index)


def _t_score(values, status, settings):
    best = values[["td_1_s", "td_2_s"]].min(axis=1)
    return pd.DataFrame({"td_s": best}, index=values.index)


QDEMO = Instrument(
    key="qdemo",
    en="Demo sleep questionnaire",
    zh="演示睡眠问卷",
    version="qdemo-1.0",
    items=tuple(
        Item(
            f"qd_{i}",
            f"Woke at night ({i})",
            f"夜间醒来（{i}）",
            ItemType.CODED,
            AGREE,
            section="Part A",
            form_label=f"A{i}",
        )
        for i in (1, 2, 3)
    ),
    scores=(
        Score(
            "qd_total", "Demo total", "演示总分", 0, 9, False, "sum of 3 items", "test", decimals=0
        ),
    ),
    scorer=_q_score,
    source="test declaration",
    rules=(
        Rule(
            "qdemo.poor",
            "qd_total",
            Level.CLINICAL,
            lambda w, s: w["qd_total"] > 5,
            "qd_total {value} > {limit}: poor sleep (test)",
            "qd_total {value} > {limit}：睡眠差",
            limit="5",
        ),
    ),
)

TDEMO = Instrument(
    key="tdemo",
    en="Demo timed walk",
    zh="演示计时步行",
    version="tdemo-2.1",
    items=tuple(
        Item(
            f"td_{i}_s",
            f"Trial {i}",
            f"第{i}次",
            ItemType.DECIMAL,
            unit="s",
            decimals=2,
            hard=Range(0, 300, low_inclusive=False),
            soft=Range(5, 30),
            missing=PERFORMANCE_MISSING,
            section="Timed walk",
            form_label=f"T{i}",
        )
        for i in (1, 2)
    ),
    scores=(
        Score(
            "td_s",
            "Demo walk time (best)",
            "演示步行时间（最佳）",
            0,
            None,
            False,
            "fastest trial",
            "test",
            unit="s",
            decimals=2,
        ),
    ),
    scorer=_t_score,
    source="test declaration",
    rules=(
        Rule(
            "tdemo.slow",
            "td_s",
            Level.CLINICAL,
            lambda w, s: w["td_s"] >= 12,
            "td_s {value} s ≥ {limit}: slow (test)",
            "td_s {value} 秒 ≥ {limit}：慢",
            limit="12 s",
        ),
    ),
    change_rules=(ChangeRule("td_s", relative=0.4),),
)

INSTRUMENTS = (QDEMO, TDEMO)
CHARTS = (("qd_total",), ("td_s",))
VISITS = ("V0", "W1", "M1", "M2", "M3", "M6")
OFFSETS = (0, 7, 30, 60, 90, 180)
LABELS = {
    "V0": ("Baseline", "基线"),
    "W1": ("Week 1", "第1周"),
    "M1": ("Month 1", "第1月"),
    "M2": ("Month 2", "第2月"),
    "M3": ("Month 3", "第3月"),
    "M6": ("Month 6", "第6月"),
}
DAY1 = dt.date(2026, 3, 2)
ENTERED = dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC)

# (qd_1, qd_2, qd_3, td_1_s, td_2_s) per visit; M6 missing; M3 trial 2 unable ("UN")
VALUES = {
    "V0": (3, 2, 3, 14.20, 13.10),
    "W1": (2, 2, 2, 12.00, 12.40),
    "M1": (1, 2, 1, 11.05, 10.80),
    "M2": (1, 1, 1, 6.10, 6.50),
    "M3": (0, 1, 1, 9.80, None),
}


def record(code: str = "P-001", site: str = "S01") -> ParticipantRecord:
    visits = []
    rows = []
    answers: dict[str, dict[str, AnswerData]] = {}
    for v, off in zip(VISITS, OFFSETS, strict=True):
        target = DAY1 + dt.timedelta(days=off)
        done = v in VALUES
        visits.append(
            VisitData(
                visit=v,
                label_en=LABELS[v][0],
                label_zh=LABELS[v][1],
                target_date=target,
                window_start=target - dt.timedelta(days=3),
                window_end=target + dt.timedelta(days=3),
                actual_date=target + dt.timedelta(days=1) if done else None,
                status="complete" if done else "planned",
                signed_by="dr.li" if v == "V0" else None,
                signed_at=dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC) if v == "V0" else None,
                signature_meaning="review and approval" if v == "V0" else None,
                locked=v == "V0",
            )
        )
        if not done:
            continue
        vals = VALUES[v]
        row = {
            "participant": code,
            "site": site,
            "sex": "F",
            "birth_date": dt.date(1955, 6, 1),
            "age": 70,
            "height_cm": 158.0,
            "weight_kg": 55.0,
            "visit": v,
            "visit_date": target + dt.timedelta(days=1),
            "visit_status": "complete",
        }
        answers[v] = {}
        for name, value in zip(("qd_1", "qd_2", "qd_3", "td_1_s", "td_2_s"), vals, strict=True):
            status = "UN" if value is None else None
            row[name] = None if value is None else float(value)
            row[f"{name}__status"] = status
            answers[v][name] = AnswerData(
                name,
                row[name],
                status,
                confirm_reason="slow start, re-checked" if (v, name) == ("M2", "td_2_s") else None,
                entered_by="nurse.wang",
                entered_at=ENTERED + dt.timedelta(days=off),
                changed_by="nurse.zhao" if (v, name) == ("W1", "qd_2") else None,
                changed_at=ENTERED + dt.timedelta(days=off, hours=2)
                if (v, name) == ("W1", "qd_2")
                else None,
            )
        rows.append(row)
    frame = pd.DataFrame(rows)
    confirmations = [
        ConfirmationData(
            code,
            "M2",
            "td_s",
            "change.td_s",
            "6.1",
            "new walking aid; re-timed",
            "nurse.wang",
            dt.datetime(2026, 5, 2, 10, 0, tzinfo=dt.UTC),
        ),
    ]
    return ParticipantRecord(
        study=StudyData(
            "UCMSC-FRAIL", "UC-MSC in aging frailty", "脐带间充质干细胞治疗衰弱", site, "Clinic A"
        ),
        participant=ParticipantData(code, site, "F", dt.date(1955, 6, 1), DAY1, "active"),
        visits=visits,
        frame=frame,
        answers=answers,
        confirmations=confirmations,
    )
