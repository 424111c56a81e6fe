"""Study protocol: the visit schedule (offsets and windows from day 1) and the infusions.

A protocol is a JSON file in ``resources/protocols/`` (``model_trial.json`` is the default: the
NCT04314011 schedule of DESIGN.md). Day 1 is the first infusion; a visit's target date is
``day1_date + offset_days`` and its window ``[target - window_before, target + window_after]``.
A study keeps its own copy in the database, so it can change the windows (audited).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scoring.model import ScoringSettings

PROTOCOL_DIR = Path(__file__).resolve().parent.parent / "resources" / "protocols"
DEFAULT_PROTOCOL = PROTOCOL_DIR / "model_trial.json"


class ProtocolError(ValueError):
    """The protocol file is malformed (message names the field)."""


@dataclass(frozen=True, slots=True)
class VisitDef:
    code: str
    label_en: str
    label_zh: str
    offset_days: int
    window_before: int
    window_after: int
    instruments: tuple[str, ...] = ()
    note: str = ""

    def target(self, day1: dt.date) -> dt.date:
        return day1 + dt.timedelta(days=self.offset_days)

    def window(self, day1: dt.date) -> tuple[dt.date, dt.date]:
        t = self.target(day1)
        return t - dt.timedelta(days=self.window_before), t + dt.timedelta(days=self.window_after)

    def in_window(self, day1: dt.date, actual: dt.date) -> bool:
        lo, hi = self.window(day1)
        return lo <= actual <= hi


@dataclass(frozen=True, slots=True)
class InfusionDef:
    code: str
    label_en: str
    label_zh: str
    offset_days: int


@dataclass(frozen=True, slots=True)
class Protocol:
    code: str
    title_en: str
    title_zh: str
    visits: tuple[VisitDef, ...]
    infusions: tuple[InfusionDef, ...] = ()
    registration: str = ""
    day1: str = ""
    # protocol options for scoring and clinical flags (physical.md §9): reference set, recorded
    # trial value, Fried rules, PSQI cut-off; the published defaults unless the file sets them
    scoring_settings: ScoringSettings = field(default_factory=ScoringSettings)

    def visit(self, code: str) -> VisitDef:
        for v in self.visits:
            if v.code == code:
                return v
        raise KeyError(code)

    @property
    def visit_codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.visits)

    def order(self) -> dict[str, int]:
        return {v.code: i for i, v in enumerate(self.visits)}

    def to_json(self) -> str:
        """Canonical JSON (sorted keys), as stored in the database and audited."""
        data = asdict(self)
        data["format"] = 1
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Protocol:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProtocolError(f"protocol is not valid JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> Protocol:
        def need(d: dict, key: str, where: str, kind: type = str):
            if key not in d:
                raise ProtocolError(f"protocol {where}: '{key}' is missing")
            v = d[key]
            if kind is int and (not isinstance(v, int) or isinstance(v, bool)):
                raise ProtocolError(f"protocol {where}: '{key}' must be a whole number of days")
            if kind is str and not isinstance(v, str):
                raise ProtocolError(f"protocol {where}: '{key}' must be text")
            return v

        visits = []
        for i, v in enumerate(data.get("visits") or []):
            where = f"visit {i + 1}"
            vd = VisitDef(
                code=need(v, "code", where),
                label_en=need(v, "label_en", where),
                label_zh=need(v, "label_zh", where),
                offset_days=need(v, "offset_days", where, int),
                window_before=need(v, "window_before", where, int),
                window_after=need(v, "window_after", where, int),
                instruments=tuple(v.get("instruments") or ()),
                note=str(v.get("note") or ""),
            )
            if vd.window_before < 0 or vd.window_after < 0:
                raise ProtocolError(f"protocol visit {vd.code}: windows must be ≥ 0 days")
            visits.append(vd)
        if not visits:
            raise ProtocolError("protocol: 'visits' is missing or empty")
        codes = [v.code for v in visits]
        if len(set(codes)) != len(codes):
            raise ProtocolError(f"protocol: visit codes repeat ({', '.join(codes)})")
        infusions = tuple(
            InfusionDef(
                code=need(f, "code", f"infusion {i + 1}"),
                label_en=need(f, "label_en", f"infusion {i + 1}"),
                label_zh=need(f, "label_zh", f"infusion {i + 1}"),
                offset_days=need(f, "offset_days", f"infusion {i + 1}", int),
            )
            for i, f in enumerate(data.get("infusions") or [])
        )
        try:
            settings = ScoringSettings.from_mapping(
                data.get("scoring_settings") or {}, "protocol scoring setting"
            )
        except ValueError as exc:
            raise ProtocolError(str(exc)) from None
        return cls(
            code=need(data, "code", "header"),
            title_en=need(data, "title_en", "header"),
            title_zh=need(data, "title_zh", "header"),
            visits=tuple(visits),
            infusions=infusions,
            registration=str(data.get("registration") or ""),
            day1=str(data.get("day1") or ""),
            scoring_settings=settings,
        )

    def with_window(self, code: str, before: int, after: int) -> Protocol:
        """A copy with one visit's window changed (a study may change its windows)."""
        self.visit(code)
        if before < 0 or after < 0:
            raise ProtocolError(f"visit {code}: windows must be ≥ 0 days")
        visits = tuple(
            VisitDef(
                v.code, v.label_en, v.label_zh, v.offset_days, before, after, v.instruments, v.note
            )
            if v.code == code
            else v
            for v in self.visits
        )
        return Protocol(
            self.code,
            self.title_en,
            self.title_zh,
            visits,
            self.infusions,
            self.registration,
            self.day1,
            self.scoring_settings,
        )


def load_protocol(path: str | Path = DEFAULT_PROTOCOL) -> Protocol:
    """Read a protocol file (ProtocolError with the field when malformed)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProtocolError(f"cannot read protocol {path}: {exc.strerror}") from None
    return Protocol.from_json(text)
