"""Licensed official wording, loaded per site from wording packs (DESIGN.md "One definition per
instrument": licensed SF-36 v2, PSQI and EQ-5D wording is never shipped; a site that holds a
licence loads it from a file, and forms and CRFs then show it instead of the short labels).

Format ``outcomedesk-wording/1``: one UTF-8 JSON file per instrument and language, named
``<instrument>.<lang>.json`` in a site folder::

    {
      "format": "outcomedesk-wording/1",
      "instrument": "psqi",                      # an instrument key in scoring.registry
      "language": "zh",                          # "en" or "zh"
      "title": "匹兹堡睡眠质量指数",              # optional: replaces the instrument name
      "licence": "© … licensed to Site S01",     # printed under the title (required)
      "sections": {"<section as declared>": "instruction text"},   # optional
      "items": {
        "psqi_5a": {"text": "official question", "choices": {"0": "…", "1": "…"}}
      }
    }

Every item name and choice code is checked against the declaration, so a pack can change wording
but never add an item, a code or a range.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scoring.model import Instrument, Item

FORMAT = "outcomedesk-wording/1"
LANGS = ("en", "zh")


class WordingError(ValueError):
    """A pack does not match the format or the declaration (the message names file and field)."""


@dataclass(frozen=True, slots=True)
class ItemWording:
    text: str = ""
    choices: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WordingPack:
    instrument: str
    language: str
    licence: str
    title: str = ""
    sections: Mapping[str, str] = field(default_factory=dict)
    items: Mapping[str, ItemWording] = field(default_factory=dict)
    source: str = ""  # file it came from


def _need(data: Mapping, key: str, where: str, kind: type = str):
    if key not in data:
        raise WordingError(f"{where}: '{key}' is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise WordingError(f"{where}: '{key}' must be {'text' if kind is str else 'an object'}")
    return value


def parse_pack(data: object, instruments: Sequence[Instrument], where: str) -> WordingPack:
    """Validate one pack's JSON object against the instrument declarations."""
    if not isinstance(data, dict):
        raise WordingError(f"{where}: the file must hold one JSON object")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise WordingError(f"{where}: 'format' must be '{FORMAT}', not {fmt!r}")
    key = _need(data, "instrument", where)
    by_key = {i.key: i for i in instruments}
    if key not in by_key:
        raise WordingError(f"{where}: instrument '{key}' is not declared in this program")
    inst = by_key[key]
    lang = _need(data, "language", where)
    if lang not in LANGS:
        raise WordingError(f"{where}: 'language' must be one of {', '.join(LANGS)}, not {lang!r}")
    licence = _need(data, "licence", where).strip()
    if not licence:
        raise WordingError(f"{where}: 'licence' must name the licence the site holds")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise WordingError(f"{where}: 'title' must be text")
    sections = data.get("sections", {})
    if not isinstance(sections, dict):
        raise WordingError(f"{where}: 'sections' must be an object")
    declared_sections = {i.section for i in inst.items}
    for name, text in sections.items():
        if name not in declared_sections:
            raise WordingError(f"{where}: sections.{name}: no such section in '{key}'")
        if not isinstance(text, str):
            raise WordingError(f"{where}: sections.{name} must be text")
    items_raw = _need(data, "items", where, dict)
    items: dict[str, ItemWording] = {}
    for name, entry in items_raw.items():
        at = f"{where}: items.{name}"
        try:
            item: Item = inst.item(name)
        except KeyError:
            raise WordingError(f"{at}: no such item in '{key}'") from None
        if not isinstance(entry, dict):
            raise WordingError(f"{at}: must be an object with 'text' and optional 'choices'")
        text = entry.get("text", "")
        if not isinstance(text, str):
            raise WordingError(f"{at}.text must be text")
        choices_raw = entry.get("choices", {})
        if not isinstance(choices_raw, dict):
            raise WordingError(f"{at}.choices must be an object of code → text")
        choices: dict[int, str] = {}
        for code_txt, label in choices_raw.items():
            try:
                code = int(code_txt)
            except (TypeError, ValueError):
                raise WordingError(f"{at}.choices: '{code_txt}' is not a code") from None
            if code not in item.codes:
                allowed = ", ".join(str(c) for c in item.codes) or "none (not a coded item)"
                raise WordingError(f"{at}.choices: code {code} is not declared (allowed {allowed})")
            if not isinstance(label, str):
                raise WordingError(f"{at}.choices.{code_txt} must be text")
            choices[code] = label
        items[name] = ItemWording(text, choices)
    return WordingPack(key, lang, licence, title, dict(sections), items, where)


def load_pack(path: str | Path, instruments: Sequence[Instrument] | None = None) -> WordingPack:
    from scoring.registry import INSTRUMENTS

    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WordingError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise WordingError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise WordingError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    pack = parse_pack(data, instruments if instruments is not None else INSTRUMENTS, str(path))
    expected = f"{pack.instrument}.{pack.language}.json"
    if path.name != expected:
        raise WordingError(
            f"{path}: a pack for {pack.instrument}/{pack.language} must be named {expected}"
        )
    return pack


@dataclass(frozen=True, slots=True)
class Wording:
    """The loaded packs of a site; short labels from the declarations where none applies."""

    packs: Mapping[tuple[str, str], WordingPack] = field(default_factory=dict)

    def pack(self, instrument: str, lang: str) -> WordingPack | None:
        return self.packs.get((instrument, lang))

    def title(self, inst: Instrument, lang: str) -> str:
        pack = self.pack(inst.key, lang)
        if pack and pack.title:
            return pack.title
        return inst.zh if lang == "zh" else inst.en

    def item_text(self, inst: Instrument, item: Item, lang: str) -> str:
        pack = self.pack(inst.key, lang)
        entry = pack.items.get(item.name) if pack else None
        if entry and entry.text:
            return entry.text
        return item.zh if lang == "zh" else item.en

    def choice_text(self, inst: Instrument, item: Item, code: int, lang: str) -> str:
        pack = self.pack(inst.key, lang)
        entry = pack.items.get(item.name) if pack else None
        if entry and code in entry.choices:
            return entry.choices[code]
        c = item.choice(code)
        if c is None:
            return ""
        return c.zh if lang == "zh" else c.en

    def section_text(self, inst: Instrument, section: str, lang: str) -> str:
        pack = self.pack(inst.key, lang)
        return pack.sections.get(section, "") if pack else ""

    def identity(self) -> str:
        """Which packs are loaded (part of the CRF form version)."""
        return ";".join(f"{k[0]}.{k[1]}:{p.licence}" for k, p in sorted(self.packs.items()))


SHORT_LABELS = Wording()


def load_site_wording(
    folder: str | Path | None, instruments: Sequence[Instrument] | None = None
) -> Wording:
    """Every ``<instrument>.<lang>.json`` pack in ``folder`` (none: the short labels)."""
    if folder is None:
        return SHORT_LABELS
    folder = Path(folder)
    if not folder.is_dir():
        raise WordingError(f"{folder}: wording folder not found")
    return Wording(_index(load_pack(p, instruments) for p in sorted(folder.glob("*.json"))))


def _index(packs: Iterable[WordingPack]) -> dict[tuple[str, str], WordingPack]:
    out: dict[tuple[str, str], WordingPack] = {}
    for p in packs:
        out[(p.instrument, p.language)] = p
    return out
