"""Plain data a participant PDF is printed from, and how it is read from the store.

The PDF builders take these plain records (no store, no Qt), so they can be tested and benchmarked
from data alone. Field names mirror the store API rows (notes/store_api.md), so
``load_participant`` only copies. Scores are never read from anywhere: ``evaluate_record`` runs
``scoring.engine.evaluate`` on the participant's rows of ``answers_frame`` — the batch path the
``score`` command and the exports use — so a printed score equals the scored file's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields

import pandas as pd

from scoring.engine import Evaluation, evaluate
from scoring.model import Instrument, ScoringSettings
from scoring.registry import INSTRUMENTS

STATUS_SUFFIX = "__status"


@dataclass(frozen=True, slots=True)
class StudyData:
    code: str
    title_en: str
    title_zh: str
    site: str = ""
    site_name: str = ""
    settings: ScoringSettings = field(default_factory=ScoringSettings)  # the protocol's


@dataclass(frozen=True, slots=True)
class ParticipantData:
    code: str
    site: str
    sex: str | None = None  # 'M' / 'F'
    birth_date: dt.date | None = None
    day1_date: dt.date | None = None
    status: str = ""
    status_date: dt.date | None = None
    status_reason: str | None = None

    def age_on(self, day: dt.date | None) -> int | None:
        """Whole years at ``day`` (None when either date is unknown)."""
        b = self.birth_date
        if b is None or day is None:
            return None
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(frozen=True, slots=True)
class VisitData:
    visit: str
    label_en: str
    label_zh: str
    target_date: dt.date | None = None
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    actual_date: dt.date | None = None
    status: str = "planned"
    status_reason: str | None = None
    out_of_window: bool = False
    out_of_window_reason: str | None = None
    signed_by: str | None = None
    signed_at: dt.datetime | None = None
    signature_meaning: str | None = None
    locked: bool = False
    instruments: tuple[str, ...] = ()  # protocol: which instruments this visit collects

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True, slots=True)
class AnswerData:
    item: str
    value: object
    status: str | None = None
    confirm_reason: str | None = None
    entered_by: str | None = None
    entered_at: dt.datetime | None = None
    changed_by: str | None = None
    changed_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ConfirmationData:
    participant: str
    visit: str
    item: str
    rule: str
    value: object
    reason: str
    confirmed_by: str
    confirmed_at: dt.datetime | None = None


@dataclass(slots=True)
class ParticipantRecord:
    """Everything printed about one participant.

    ``frame`` holds the participant's rows of ``Store.answers_frame`` (protocol visit order; item
    columns typed, ``<item>__status`` beside them).
    """

    study: StudyData
    participant: ParticipantData
    visits: list[VisitData]
    frame: pd.DataFrame
    answers: dict[str, dict[str, AnswerData]] = field(default_factory=dict)
    confirmations: list[ConfirmationData] = field(default_factory=list)

    def visit(self, code: str) -> VisitData:
        for v in self.visits:
            if v.visit == code:
                return v
        raise KeyError(code)


def copy_row(cls: type, row: object, **override: object):
    """A ``cls`` built from the same-named attributes of a store row (absent ones default)."""
    kw = {}
    for f in fields(cls):
        if f.name in override:
            kw[f.name] = override[f.name]
        elif hasattr(row, f.name):
            kw[f.name] = getattr(row, f.name)
    return cls(**kw)


# --------------------------------------------------------------------------------------------
# Scores, flags: the one scoring path


def split_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``answers_frame`` rows → (raw values, missing-data status) as ``evaluate`` takes them."""
    status_cols = [c for c in frame.columns if c.endswith(STATUS_SUFFIX)]
    raw = frame.drop(columns=status_cols)
    if not status_cols:
        return raw, None
    status = frame[status_cols].copy()
    status.columns = [c[: -len(STATUS_SUFFIX)] for c in status_cols]
    return raw, status.astype(object).where(status.notna(), None)


def evaluate_frame(
    frame: pd.DataFrame,
    settings: ScoringSettings | None = None,
    instruments: Sequence[Instrument] | None = None,
) -> Evaluation:
    """``scoring.engine.evaluate`` on answers_frame rows (change rules use participant/visit)."""
    raw, status = split_frame(frame)
    pool = tuple(instruments) if instruments is not None else INSTRUMENTS
    return evaluate(raw, settings, pool, status=status)


# --------------------------------------------------------------------------------------------
# From the store


def load_participant(store, session, code: str, *, with_answers: bool = True) -> ParticipantRecord:
    """Read one participant's printable record through the store API (reads only)."""
    prow = store.participant(session, code)
    frame = store.answers_frame(session, site=prow.site)
    return next(iter_records(store, session, [code], frame=frame, with_answers=with_answers))


def iter_records(
    store,
    session,
    codes: Sequence[str] | None = None,
    *,
    frame: pd.DataFrame | None = None,
    with_answers: bool = False,
) -> Iterator[ParticipantRecord]:
    """Records of ``codes`` (every participant when None), reading the study-wide parts
    (``answers_frame``, confirmations, sites, protocol) once for the whole batch."""
    info = store.study(session)
    sites = {s.code: s for s in store.sites(session)}
    protocol = getattr(info, "protocol", None)
    per_visit: dict[str, tuple[str, ...]] = {}
    if protocol is not None:
        per_visit = {v.code: tuple(v.instruments) for v in protocol.visits}
    if frame is None:
        frame = store.answers_frame(session)
    rows_of = frame.groupby("participant", sort=False).indices if len(frame) else {}
    confirmations: dict[str, list[ConfirmationData]] = {}
    for c in store.confirmations(session):
        confirmations.setdefault(c.participant, []).append(copy_row(ConfirmationData, c))
    if codes is None:
        codes = [p.code for p in store.participants(session)]
    for code in codes:
        prow = store.participant(session, code)
        visits = [
            copy_row(VisitData, v, instruments=per_visit.get(v.visit, ()))
            for v in store.visits(session, code)
        ]
        answers = (
            {
                v.visit: {
                    name: copy_row(AnswerData, row)
                    for name, row in store.answers(session, code, v.visit).items()
                }
                for v in visits
            }
            if with_answers
            else {}
        )
        site = sites.get(prow.site)
        idx = rows_of.get(code)
        part = frame.iloc[idx] if idx is not None else frame.iloc[0:0]
        yield ParticipantRecord(
            study=StudyData(
                code=info.code,
                title_en=info.title_en,
                title_zh=info.title_zh,
                site=prow.site,
                site_name=getattr(site, "name", "") if site else "",
                settings=info.protocol.scoring_settings,
            ),
            participant=copy_row(ParticipantData, prow),
            visits=visits,
            frame=part,
            answers=answers,
            confirmations=confirmations.get(code, []),
        )


def instruments_for_visit(
    visit: VisitData, pool: Sequence[Instrument] | None = None
) -> tuple[Instrument, ...]:
    """The instruments a visit collects (protocol order); every instrument if the protocol
    does not say."""
    pool = tuple(pool) if pool is not None else INSTRUMENTS
    if not visit.instruments:
        return pool
    by_key: Mapping[str, Instrument] = {i.key: i for i in pool}
    return tuple(by_key[k] for k in visit.instruments if k in by_key)
