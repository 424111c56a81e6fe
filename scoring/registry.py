"""Every instrument OutcomeDesk knows, in one place (DESIGN.md "One definition per instrument").

Forms, CRFs, codebooks, exports, import validation and the ``score`` command all iterate this
tuple; an instrument fact written anywhere else is a bug.
"""

from __future__ import annotations

from scoring.cytokines import INSTRUMENT as CYTOKINES
from scoring.engine import order_instruments
from scoring.eq5d import INSTRUMENTS as EQ_INSTRUMENTS
from scoring.fried import INSTRUMENT as FRIED
from scoring.model import Instrument, Item, Score
from scoring.participant import INSTRUMENT as PARTICIPANT
from scoring.physical import INSTRUMENTS as PHYSICAL
from scoring.psqi import INSTRUMENT as PSQI
from scoring.sf36 import INSTRUMENT as SF36
from scoring.sppb import INSTRUMENT as SPPB

# Each module declares exactly one ``INSTRUMENT`` (or ``INSTRUMENTS``); add new ones here.
_DECLARED: list[Instrument] = [
    SF36,
    PSQI,
    *EQ_INSTRUMENTS,
    PARTICIPANT,
    *PHYSICAL,
    SPPB,
    FRIED,
    CYTOKINES,
]

INSTRUMENTS: tuple[Instrument, ...] = order_instruments(_DECLARED)
BY_KEY: dict[str, Instrument] = {i.key: i for i in INSTRUMENTS}


def find_item(name: str) -> tuple[Instrument, Item]:
    """The instrument and item declaring codebook name ``name`` (KeyError if unknown)."""
    for inst in INSTRUMENTS:
        for item in inst.items:
            if item.name == name:
                return inst, item
    raise KeyError(name)


def find_score(name: str) -> tuple[Instrument, Score]:
    for inst in INSTRUMENTS:
        for score in inst.scores:
            if score.name == name:
                return inst, score
    raise KeyError(name)


def all_items() -> tuple[Item, ...]:
    seen: dict[str, Item] = {}
    for inst in INSTRUMENTS:
        for item in inst.items:
            seen.setdefault(item.name, item)
    return tuple(seen.values())


def scoring_versions() -> dict[str, str]:
    """``{instrument key: scoring version}``, printed on every export and PDF."""
    return {i.key: i.version for i in INSTRUMENTS}
