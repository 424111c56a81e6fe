"""The vocabulary every instrument declaration is written in.

DESIGN.md, "One definition per instrument": an instrument is declared once, as data (items, scores,
limits, labels, sources); forms, validation, CRFs, codebooks and exports are derived from it.
Nothing here knows about a particular instrument, Qt, files or databases.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum

import pandas as pd


class ItemType(StrEnum):
    """How a raw value is entered and stored."""

    CODED = "coded"  # one of a fixed set of integer codes (choices)
    INTEGER = "integer"
    DECIMAL = "decimal"
    CLOCK = "clock"  # 24 h time of day, stored as whole minutes after midnight (0..1439)
    TEXT = "text"
    # a laboratory result: a number, or a censored result kept as reported ("<2.3", ">ULOQ");
    # the value column holds the text, the number is derived (empty when censored), ICH M10
    CENSORED = "censored"


class MissingCode(StrEnum):
    """Why a value is absent. Stored beside the value, never as a magic number in it."""

    NOT_DONE = "ND"
    REFUSED = "RF"
    UNABLE = "UN"
    NOT_APPLICABLE = "NA"
    UNKNOWN = "UK"

    @property
    def label_en(self) -> str:
        return _MISSING_LABELS[self][0]

    @property
    def label_zh(self) -> str:
        return _MISSING_LABELS[self][1]

    @property
    def numeric_code(self) -> int:
        """User-missing value for SPSS (and the order of Stata's extended missing .a–.e)."""
        return _MISSING_LABELS[self][2]

    @property
    def stata_letter(self) -> str:
        return _MISSING_LABELS[self][3]


_MISSING_LABELS: dict[MissingCode, tuple[str, str, int, str]] = {
    MissingCode.NOT_DONE: ("not done", "未做", -91, "a"),
    MissingCode.REFUSED: ("refused", "拒绝", -92, "b"),
    MissingCode.UNABLE: ("unable to perform", "无法完成", -93, "c"),
    MissingCode.NOT_APPLICABLE: ("not applicable", "不适用", -94, "d"),
    MissingCode.UNKNOWN: ("unknown", "不详", -95, "e"),
}

QUESTIONNAIRE_MISSING: frozenset[MissingCode] = frozenset(
    {MissingCode.NOT_DONE, MissingCode.REFUSED, MissingCode.UNKNOWN, MissingCode.NOT_APPLICABLE}
)
PERFORMANCE_MISSING: frozenset[MissingCode] = frozenset(MissingCode)


class Level(StrEnum):
    """Flag levels of DESIGN.md ("Flags")."""

    ERROR = "error"  # impossible: cannot be saved as a value
    WARNING = "warning"  # implausible: needs a confirmation reason
    CLINICAL = "clinical"  # valid, beyond a clinical cut-off: information only


@dataclass(frozen=True, slots=True)
class Choice:
    code: int
    en: str
    zh: str
    # other spellings accepted at entry/import for this code (case-insensitive), e.g. "M", "男"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Range:
    """Closed interval [low, high]; either end may be open-ended (None).

    ``low_inclusive``/``high_inclusive`` allow a strict bound such as "time > 0".
    """

    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    source: str = ""

    def contains(self, value: float) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )

    def describe(self, lang: str = "en") -> str:
        lo = "" if self.low is None else f"{'≥' if self.low_inclusive else '>'} {self.low:g}"
        hi = "" if self.high is None else f"{'≤' if self.high_inclusive else '<'} {self.high:g}"
        return (" 且 " if lang == "zh" else " and ").join(p for p in (lo, hi) if p)


# Units as printed in Chinese messages and labels (SI symbols stay as they are).
UNIT_ZH: dict[str, str] = {
    "years": "岁",
    "min": "分钟",
    "h": "小时",
    "s": "秒",
    "kg": "公斤",
    "cm": "厘米",
    "points": "分",
    "m/s": "米/秒",
}


def unit_label(unit: str, lang: str = "en") -> str:
    """``unit`` in the given language ("en" or "zh")."""
    return UNIT_ZH.get(unit, unit) if lang == "zh" else unit


@dataclass(frozen=True, slots=True)
class Item:
    """One raw field as entered (a questionnaire item, a test trial, an attribute)."""

    name: str  # codebook name, a contract (e.g. "sf36_01")
    en: str  # short label, project-written
    zh: str
    type: ItemType
    choices: tuple[Choice, ...] = ()
    unit: str = ""
    hard: Range | None = None  # outside → error, value refused
    soft: Range | None = None  # outside → warning, needs a confirmation reason
    missing: frozenset[MissingCode] = QUESTIONNAIRE_MISSING
    decimals: int = 0  # display/entry precision for DECIMAL
    section: str = ""  # page/group on forms and CRFs (e.g. "Q3 physical functioning"); a key
    form_label: str = ""  # label as printed on the paper form, e.g. "Q3a"
    required: bool = True  # False: optional text such as psqi_5j_text
    accept_hmm: bool = False  # DECIMAL hours that may also be typed as H:MM (6:45 → 6.75)
    section_zh: str = ""  # the section heading in Chinese (``section`` is the English one)

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(c.code for c in self.choices)

    def section_label(self, lang: str = "en") -> str:
        """The section heading as shown in ``lang`` ("en" or "zh")."""
        if not self.section_zh and " / " in self.section:  # declared as "English / 中文"
            en, zh = self.section.split(" / ", 1)
            return zh if lang.startswith("zh") else en
        return (self.section_zh or self.section) if lang.startswith("zh") else self.section

    def choice(self, code: int) -> Choice | None:
        for c in self.choices:
            if c.code == code:
                return c
        return None

    @property
    def is_numeric(self) -> bool:
        return self.type not in (ItemType.TEXT, ItemType.CENSORED)


@dataclass(frozen=True, slots=True)
class Score:
    """One derived value; computed whenever shown, never stored."""

    name: str
    en: str
    zh: str
    low: float | None
    high: float | None
    higher_is_better: bool | None  # None: not a quality scale (e.g. time in bed)
    rule: str  # the published rule it implements, one line
    source: str  # citation
    unit: str = ""
    decimals: int = 1  # display only; values are kept unrounded
    choices: tuple[Choice, ...] = ()  # for categorical scores (e.g. Fried category)
    is_text: bool = False


# The allowed values of the text settings (physical.md §9, psqi.md §3).
SETTING_CHOICES: dict[str, tuple[str, ...]] = {
    "reference_set": ("AWGS2019", "EWGSOP2"),
    "tug_recorded": ("best", "mean", "first"),
    "walk_recorded": ("best", "mean", "first"),
    "grip_recorded": ("max", "mean", "first"),
    "fried_slowness_rule": ("A", "B", "D"),
    "fried_weakness_table": ("CHS", "CHARLS"),
}


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    """Study settings that change how scores or clinical flags are computed (protocol options,
    physical.md §9); a protocol file sets them under ``scoring_settings``."""

    psqi_poor_sleeper_cutoff: float = 5.0  # poor sleeper when global > cut-off (Buysse 1989)
    reference_set: str = "AWGS2019"  # or "EWGSOP2" (physical.md §0)
    tug_recorded: str = "best"  # best | mean | first
    walk_recorded: str = "best"  # SPPB uses the faster of two trials (Guralnik 1994)
    grip_recorded: str = "max"  # max | mean | first
    # physical.md §7: A = 15 ft equivalent speed; B = slowest 20 % of the trial's baseline by sex
    # and height (cut-offs in fried_slowness_b); D = one gait-speed threshold (not Fried's rule)
    fried_slowness_rule: str = "A"
    fried_slowness_speed_ms: float = 0.8  # rule D: slow when gait speed < this (0.8 or 1.0 m/s)
    # rule B: (sex code, height split cm, cut-off s at or below the split, cut-off s above it);
    # slow when the 4 m time ≥ the cut-off (fried.baseline_slowness_cutoffs derives them)
    fried_slowness_b: tuple[tuple[int, float, float, float], ...] = ()
    fried_weakness_table: str = "CHS"  # CHS | CHARLS
    fried_unable_positive: bool = True
    sppb_unable_scores_zero: bool = True  # reasons 1–5 → 0 points (physical.md §6)

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, object], where: str = "scoring setting"
    ) -> ScoringSettings:
        """Settings from a protocol file or the command line; ValueError naming the setting."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{where}s must be an object of name: value pairs")
        known = {f.name: f for f in fields(cls)}
        out: dict[str, object] = {}
        for name, value in data.items():
            if name not in known:
                raise ValueError(f"{where} '{name}' is unknown (known: {', '.join(known)})")
            out[name] = _setting_value(name, value, getattr(cls(), name), where)
        return cls(**out)

    def changed(self) -> dict[str, object]:
        """The settings that differ from the published defaults (for reports and exports)."""
        default = ScoringSettings()
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }


def _setting_value(name: str, value: object, default: object, where: str) -> object:
    what = f"{where} '{name}'"
    if isinstance(default, bool):
        if isinstance(value, str) and value.lower() in ("true", "yes", "1", "false", "no", "0"):
            return value.lower() in ("true", "yes", "1")
        if not isinstance(value, bool):
            raise ValueError(f"{what} must be true or false, not {value!r}")
        return value
    if isinstance(default, float):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be a number, not {value!r}") from None
        if isinstance(value, bool) or not math.isfinite(number) or number <= 0:
            raise ValueError(f"{what} must be a positive number, not {value!r}")
        return number
    if isinstance(default, str):
        choices = SETTING_CHOICES[name]
        text = str(value).strip()
        match = next((c for c in choices if c.lower() == text.lower()), None)
        if match is None:
            extra = ""
            if name == "fried_slowness_rule" and text.upper() == "C":
                extra = (
                    " (rule C uses other course lengths and is not transferable, physical.md §7)"
                )
            raise ValueError(f"{what}: {value!r} is not one of {', '.join(choices)}{extra}")
        return match
    rows = []  # fried_slowness_b
    try:
        for row in value:  # type: ignore[union-attr]
            sex, split, short, tall = row
            if int(sex) not in (1, 2):
                raise ValueError
            rows.append((int(sex), float(split), float(short), float(tall)))
    except (TypeError, ValueError):
        raise ValueError(
            f"{what} must list [sex code 1/2, height split cm, cut-off s ≤ split, cut-off s above]"
        ) from None
    if len({r[0] for r in rows}) != len(rows):
        raise ValueError(f"{what}: one row per sex")
    return tuple(rows)


# A rule's test: given the frame of typed values *and* scores of many administrations (one row
# each) and the settings, return a boolean Series (True = the flag is raised for that row).
RuleTest = Callable[[pd.DataFrame, "ScoringSettings"], pd.Series]
# A rule's limit as shown in the message: a constant text, or per-row texts (e.g. sex-specific).
RuleLimit = Callable[[pd.DataFrame, "ScoringSettings"], "pd.Series | str"]


@dataclass(frozen=True, slots=True)
class Rule:
    """A flag rule beyond an item's own hard/soft range (DESIGN.md "Flags").

    Messages are ``str.format`` templates with ``{value}`` (the flagged variable's value in that
    row) and ``{limit}`` (``limit`` below); they must name the source.
    """

    id: str  # stable identifier, e.g. "psqi.efficiency_over_100"
    variable: str  # the item or score the flag is attached to
    level: Level
    test: RuleTest
    message_en: str
    message_zh: str
    limit: str | RuleLimit = ""
    source: str = ""
    # optional per-row text for a ``{detail}`` placeholder (e.g. the trials behind a range flag)
    detail: RuleLimit | None = None
    # judged only at a participant's first visit in the data (e.g. eligibility at screening):
    # rows with an earlier row of the same participant are not flagged
    first_visit_only: bool = False


@dataclass(frozen=True, slots=True)
class ChangeRule:
    """Warning when a value changes from the same participant's previous visit by more than a
    relative (fraction of the previous value) or absolute threshold."""

    variable: str
    relative: float | None = None  # 0.4 = ±40 %
    absolute: float | None = None  # in the variable's unit
    source: str = "project proposal (physical.md §1)"


# A batch scorer receives the typed values (one row per administration; numeric columns float,
# NaN = absent), the status frame (same shape, MissingCode value or None) and the settings, and
# returns a frame with one column per Score (same index). The one-visit path calls the same
# function with a one-row frame, so form and export can never disagree. Scorers and rule tests
# never modify the frames they are given: inside ``evaluate`` those are shared, each column taken
# out once (scoring/columns.py: read them with ``values_of``, build outputs with ``float_frame``).
BatchScorer = Callable[[pd.DataFrame, pd.DataFrame, ScoringSettings], pd.DataFrame]


@dataclass(frozen=True, slots=True)
class Instrument:
    key: str  # e.g. "sf36"
    en: str
    zh: str
    version: str  # scoring version, printed on every export and PDF
    items: tuple[Item, ...]
    scores: tuple[Score, ...]
    scorer: BatchScorer
    source: str  # primary citation of the scoring algorithm
    licence: str = ""  # what may be shown; licensed wording loaded from a site pack
    requires: tuple[str, ...] = ()  # other instruments whose items/scores this one reads
    rules: tuple[Rule, ...] = ()  # cross-field, soft and clinical rules beyond per-item limits
    change_rules: tuple[ChangeRule, ...] = ()  # change from the participant's previous visit
    notes: Mapping[str, str] = field(default_factory=dict)
    short_en: str = ""  # a short name, e.g. for the form's tab ("" = the full name)
    short_zh: str = ""

    def item(self, name: str) -> Item:
        for it in self.items:
            if it.name == name:
                return it
        raise KeyError(name)

    @property
    def item_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.items)

    @property
    def score_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.scores)
