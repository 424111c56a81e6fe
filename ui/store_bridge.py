"""Reads and writes between the GUI and ``store.api`` (plain Python calls, no Qt models here
except the reason prompt): building a ``VisitContext`` and saving a visit as one user action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from scoring.model import Instrument, ScoringSettings
from scoring.registry import BY_KEY, INSTRUMENTS
from ui.visit_form import VisitContext

ATTRIBUTE_COLUMNS = ("sex", "age", "height_cm", "weight_kg")
TIMED_NOTE = "timed by the program's stopwatch"


def age_at(birth: dt.date | None, when: dt.date | None) -> int | None:
    if birth is None or when is None:
        return None
    years = when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))
    return years


def attributes(participant: Any, when: dt.date | None) -> dict[str, object]:
    """The participant values scoring reads, named as in ``store.answers_frame``."""
    out: dict[str, object] = {}
    if getattr(participant, "sex", None):
        out["sex"] = participant.sex
    age = age_at(getattr(participant, "birth_date", None), when)
    if age is not None:
        out["age"] = age
    for key in ("height_cm", "weight_kg"):
        value = getattr(participant, key, None)
        if value is not None:
            out[key] = value
    return out


def visit_instruments(protocol: Any, visit_code: str) -> tuple[Instrument, ...]:
    """The instruments the protocol schedules at this visit (declaration order when none)."""
    try:
        keys = protocol.visit(visit_code).instruments
    except (AttributeError, KeyError):
        keys = ()
    if keys:
        return tuple(BY_KEY[k] for k in keys if k in BY_KEY)
    return tuple(i for i in INSTRUMENTS if i.key != "participant")


def support_instruments(form: tuple[Instrument, ...]) -> tuple[Instrument, ...]:
    """Instruments the form's instruments read but that are not entered on it (e.g. the
    participant's attributes)."""
    keys = {i.key for i in form}
    out: list[Instrument] = []
    stack = [r for i in form for r in i.requires]
    while stack:
        k = stack.pop()
        if k in keys or k not in BY_KEY:
            continue
        keys.add(k)
        out.append(BY_KEY[k])
        stack.extend(BY_KEY[k].requires)
    return tuple(out)


AnswerReader = Callable[[Any], dict[str, Any]]  # visit row → its answers by item


def raw_previous(
    store: Any,
    session: Any,
    code: str,
    visits: list[Any],
    visit_code: str,
    read: AnswerReader | None = None,
) -> dict[str, object] | None:
    """Answers of the participant's last earlier visit that has any (for change rules)."""
    earlier = []
    for v in visits:
        if v.visit == visit_code:
            break
        earlier.append(v)
    for v in reversed(earlier):
        if v.status in ("missed", "not_done", "planned"):
            continue
        answers = read(v) if read is not None else store.answers(session, code, v.visit)
        raw = {k: a.value for k, a in answers.items() if a.value is not None}
        if raw:
            return raw
    return None


def scoring_settings(study: Any) -> ScoringSettings:
    settings = getattr(study, "scoring_settings", None)
    if isinstance(settings, ScoringSettings):
        return settings
    settings = getattr(getattr(study, "protocol", None), "scoring_settings", None)
    return settings if isinstance(settings, ScoringSettings) else ScoringSettings()


def load_context(
    store: Any,
    session: Any,
    code: str,
    visit_code: str,
    study: Any = None,
    participant: Any = None,
    read: AnswerReader | None = None,
) -> VisitContext:
    """Read one visit for the form: the participant (unless given), the visit rows (always
    fresh: their row versions guard the save), the answers of this visit and of the previous
    one (through ``read`` when the caller caches them per visit row version), the draft."""
    study = study or store.study(session)
    if participant is None or participant.code != code:
        participant = store.participant(session, code)
    visits = store.visits(session, code)
    visit = next(v for v in visits if v.visit == visit_code)
    form = visit_instruments(study.protocol, visit_code)
    ctx = VisitContext(
        participant=participant,
        visit=visit,
        instruments=form,
        answers=read(visit) if read is not None else store.answers(session, code, visit_code),
        previous=raw_previous(store, session, code, visits, visit_code, read),
        attributes=attributes(participant, visit.actual_date or visit.target_date),
        settings=scoring_settings(study),
        draft=store.load_draft(session, code, visit_code),
        support=support_instruments(form),
    )
    return ctx


def _ask_reason(parent: QWidget, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal)
    if not ok or not text.strip():
        return None
    return text.strip()


def save_visit(
    store: Any,
    session: Any,
    ctx: VisitContext,
    values: dict[str, object],
    statuses: dict[str, str],
    confirmations: dict[str, str],
    reasons: dict[str, str],
    timed: dict[str, bool],
    visit_date: dt.date,
    complete: bool,
    parent: QWidget,
) -> tuple[Any, dict[str, Any]]:
    """Write one save of the form: visit date/status, then the answers; returns the fresh
    visit row and answers (``(None, {})`` when the user cancelled a reason prompt)."""
    code, visit_code = ctx.participant.code, ctx.visit.visit
    v = ctx.visit
    oow_reason = None
    if (
        v.window_start
        and not (v.window_start <= visit_date <= v.window_end)
        and not (v.out_of_window and v.out_of_window_reason)
    ):
        oow_reason = _ask_reason(
            parent,
            QCoreApplication.translate("VisitForm", "Out of window"),
            QCoreApplication.translate(
                "VisitForm", "{date} is outside the window {start} … {end}. Reason:"
            ).format(date=visit_date, start=v.window_start, end=v.window_end),
        )
        if oow_reason is None:
            return None, {}
    version = v.row_version
    if v.status == "planned" or v.actual_date != visit_date or oow_reason:
        new_status = v.status if v.status not in ("planned",) else "in_progress"
        version = store.set_visit_status(
            session,
            code,
            visit_code,
            new_status,
            actual_date=visit_date,
            out_of_window_reason=oow_reason,
            expected_version=version,
            reason=reasons.get("__visit__"),
        )
        version = _version(store, session, code, visit_code, version)
    if values or statuses:
        kwargs: dict[str, Any] = {}
        timed_items = {k for k, on in timed.items() if on}
        if timed_items and _accepts(store.save_answers, "timed"):
            kwargs["timed"] = dict.fromkeys(timed_items, True)
        elif timed_items:
            # the store has no column for it: the audit trail records how the value was taken
            reasons = {
                **{k: TIMED_NOTE for k in timed_items},
                **{k: f"{r} ({TIMED_NOTE})" for k, r in reasons.items() if k in timed_items},
                **{k: r for k, r in reasons.items() if k not in timed_items},
            }
        version = store.save_answers(
            session,
            code,
            visit_code,
            values,
            statuses=statuses,
            confirmations=confirmations,
            reasons=reasons,
            expected_version=version,
            **kwargs,
        )
        version = _version(store, session, code, visit_code, version)
    current = _visit_row(store, session, code, visit_code)
    if complete and current.status == "in_progress":
        store.set_visit_status(
            session,
            code,
            visit_code,
            "complete",
            actual_date=visit_date,
            expected_version=current.row_version,
        )
        current = _visit_row(store, session, code, visit_code)
    store.discard_draft(session, code, visit_code)
    return current, store.answers(session, code, visit_code)


def _accepts(fn: Any, name: str) -> bool:
    import inspect

    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _visit_row(store: Any, session: Any, code: str, visit_code: str) -> Any:
    return next(v for v in store.visits(session, code) if v.visit == visit_code)


def _version(store: Any, session: Any, code: str, visit_code: str, returned: Any) -> int:
    if isinstance(returned, int):
        return returned
    return _visit_row(store, session, code, visit_code).row_version
