"""Parse, score and flag administrations: one code path for one visit and for a whole DataFrame.

DESIGN.md: "Scoring works on one visit (for the form) and on a whole DataFrame at once (for exports,
the ``score`` command and the benchmarks) with the same code path, so the two can never disagree."
``evaluate`` is that path; ``evaluate_visit`` wraps one visit into a one-row frame and calls it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.columns import column_array, column_index, remember, remember_combined, shared
from scoring.model import (
    ChangeRule,
    Instrument,
    Item,
    ItemType,
    Level,
    MissingCode,
    Rule,
    ScoringSettings,
    unit_label,
)

FLAG_COLUMNS = ("row", "variable", "value", "level", "rule", "message_en", "message_zh")
_MISSING_TOKENS = {c.value: c for c in MissingCode}
_CLOCK_RE = r"^\s*(\d{1,2})[:：](\d{2})(?::\d{2})?\s*$"
_HMM_RE = r"^\s*(\d{1,2})[:：](\d{2})\s*$"


@dataclass(frozen=True, slots=True)
class Flag:
    """One flag (DESIGN.md "Flags"): ``row`` is the administration's index label."""

    row: object
    variable: str
    value: str
    level: Level
    rule: str
    message_en: str
    message_zh: str


@dataclass(slots=True)
class Evaluation:
    """Everything derived from a raw frame."""

    values: pd.DataFrame  # typed item values of every scored instrument (NaN = absent)
    status: pd.DataFrame  # MissingCode value strings (or None) per item
    scores: pd.DataFrame  # one column per score of every scored instrument
    flags: pd.DataFrame  # FLAG_COLUMNS
    instruments: tuple[Instrument, ...] = field(default=())

    def flag_list(self) -> list[Flag]:
        f = self.flags
        if not len(f):
            return []
        cols = [f[c].tolist() for c in FLAG_COLUMNS]  # plain Python values, as itertuples gives
        return [
            Flag(row, var, value, Level(level), rule, en, zh)
            for row, var, value, level, rule, en, zh in zip(*cols, strict=True)
        ]


# --------------------------------------------------------------------------------------------
# Parsing one column


def _blank(raw: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return raw.isna().to_numpy()
    as_str = raw.astype("string").str.strip()
    return (raw.isna() | (as_str == "")).to_numpy(dtype=bool, na_value=True)


_WHOLE_SHOWN_BELOW = 2.0**53  # larger whole numbers are shown as 1e+308, not in 309 digits


def _display(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v)) if abs(v) < _WHOLE_SHOWN_BELOW else f"{v:.6g}"
    if isinstance(v, dt.time):
        return v.strftime("%H:%M")
    return str(v)


@dataclass(slots=True)
class ParsedColumn:
    values: pd.Series  # float64 (object for TEXT); a bare array inside ``evaluate``
    status: pd.Series  # object: MissingCode value or None; a bare array inside ``evaluate``
    errors: dict[object, tuple[str, str, str]]  # row → (rule, message_en, message_zh)
    warnings: dict[object, tuple[str, str, str]]
    any_status: bool = True  # False when no row carries a missing-data code (a cheap hint)


_PARSE_CACHE: dict[Item, dict[tuple[type, object], tuple]] = {}
_CACHE_MAX_UNIQUES = 4096  # columns with more distinct values are parsed without the cache
_CACHE_MAX_PER_ITEM = 20_000


def parse_column(item: Item, raw: pd.Series) -> ParsedColumn:
    """Type-check one column against its item definition (see ``_parse_column``)."""
    parsed = _parse_column(item, raw)
    if isinstance(parsed.values, np.ndarray):
        parsed.values = pd.Series(parsed.values, index=raw.index)
    if isinstance(parsed.status, np.ndarray):
        parsed.status = pd.Series(parsed.status, index=raw.index, dtype=object)
    return parsed


def _parse_column(item: Item, raw: pd.Series) -> ParsedColumn:
    """Type-check one column against its item definition; values/status may be bare arrays.

    Blank → absent. A missing-data token (ND, RF, UN, NA, UK) → status, if the item allows it.
    Anything that is not a valid value → error and absent for scoring.

    Each *distinct* raw value is parsed once (``_parse_values``, vectorised) and the result is
    mapped back to the rows; results are memoised per item, so re-evaluating a visit on every
    keystroke parses only the value that changed. The semantics live in ``_parse_values`` alone.
    """
    n = len(raw)
    if n > 64 and raw.dtype.kind == "f" and item.type in _FAST_TYPES:
        return _parse_typed_floats(item, raw)  # typed source (the store, the benchmarks)
    if n <= 64:  # one visit (the form): plain Python beats pandas' per-call overhead
        return _parse_cells(item, raw.to_numpy(dtype=object), raw.index, raw.dtype)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    return _parse_coded(item, codes, np.asarray(uniques, dtype=object), raw.index, raw.dtype)


def _parse_cells(item: Item, cells: np.ndarray, index: pd.Index, dtype: object) -> ParsedColumn:
    """``_parse_column`` for the few cells of one visit (an object array of ``dtype`` values)."""
    codes, uniques = _small_factorize(cells)
    return _parse_coded(item, codes, uniques, index, dtype)


def _parse_coded(
    item: Item, codes: np.ndarray, uniques: np.ndarray, index: pd.Index, dtype: np.dtype
) -> ParsedColumn:
    """Parse the distinct values ``uniques`` (memoised) and map them back through ``codes``."""
    k = len(uniques)
    cache = _PARSE_CACHE.setdefault(item, {}) if k <= _CACHE_MAX_UNIQUES else None
    results: list[tuple | None] = [None] * k
    todo: list[int] = []
    if cache is not None:
        for j, u in enumerate(uniques):
            hit = cache.get((u.__class__, u))
            if hit is None:
                todo.append(j)
            else:
                results[j] = hit
    else:
        todo = list(range(k))
    if todo:
        cells = uniques[todo]
        if dtype.kind in "fiu":
            sub = pd.Series(cells, dtype=dtype)
        elif item.type in _FAST_TYPES and all(c.__class__ in _FLOATS for c in cells):
            sub = pd.Series(cells, dtype="float64")  # the store's floats: no string pass needed
        else:
            sub = pd.Series(cells, dtype=object)
        extra: list[str] = []
        if cache is not None and item.type is ItemType.CODED and sub.dtype == object:
            # the item's other codes as typed ride along in the same call (the cost is per
            # call, not per value): the next participant's answers are then cache hits
            extra = [t for t in map(str, item.codes) if (str, t) not in cache and t not in cells]
            if extra:
                sub = pd.Series([*cells, *extra], dtype=object)
        parsed = _parse_values(item, sub)
        p_values = parsed.values.to_numpy(dtype=object)
        p_status = parsed.status.to_numpy(dtype=object)
        for pos, t in enumerate(extra, start=len(todo)):
            cache[(str, t)] = (p_values[pos], p_status[pos], parsed.errors.get(pos),
                               parsed.warnings.get(pos))  # fmt: skip
        for pos, j in enumerate(todo):
            res = (
                p_values[pos],
                p_status[pos],
                parsed.errors.get(pos),
                parsed.warnings.get(pos),
            )
            results[j] = res
            if cache is not None:
                if len(cache) >= _CACHE_MAX_PER_ITEM:
                    cache.clear()
                cache[(uniques[j].__class__, uniques[j])] = res
    # code -1 (blank) picks the trailing 'absent'
    if item.type in _TEXT_LIKE:
        values = np.array([r[0] for r in results] + [None], dtype=object)[codes]
    else:  # the parsed numbers (NaN where not valid) straight into a float array
        values = np.array([r[0] for r in results] + [np.nan], dtype=np.float64)[codes]
    found_status = [r[1] for r in results]
    any_status = any(c is not None for c in found_status)
    if any_status:
        status = np.array([*found_status, None], dtype=object)[codes]
    else:
        status = np.empty(len(codes), dtype=object)  # numpy fills object arrays with None
    errors: dict[object, tuple[str, str, str]] = {}
    warnings: dict[object, tuple[str, str, str]] = {}
    for slot, target in ((2, errors), (3, warnings)):
        found = [j for j, r in enumerate(results) if r[slot] is not None]
        if not found:
            continue
        hit = np.zeros(k + 1, dtype=bool)  # trailing slot: code -1 (blank)
        hit[found] = True
        rows = np.flatnonzero(hit[codes])
        for row, j in zip(index[rows], codes[rows].tolist(), strict=True):
            target[row] = results[j][slot]
    return ParsedColumn(values, status, errors, warnings, any_status)


_TEXT_LIKE = (ItemType.TEXT, ItemType.CENSORED)


def _frame_from_columns(cols: dict[str, pd.Series | np.ndarray], index: pd.Index) -> pd.DataFrame:
    """``pd.DataFrame(cols)`` built from one block per run of float64 columns and one object
    block per run of other columns (column order kept; object columns get the constructor's
    per-column type inference): much cheaper than stacking dozens of separate arrays."""
    names = list(cols)
    if not names:
        return pd.DataFrame(index=index)
    is_float = [cols[c].dtype == np.float64 for c in names]
    parts = []
    start = 0
    for stop in range(1, len(names) + 1):
        if stop < len(names) and is_float[stop] == is_float[start]:
            continue
        run = names[start:stop]
        columns = column_index(run)
        if is_float[start]:
            block = np.empty((len(run), len(index)), dtype=np.float64)  # a row per column
            for j, c in enumerate(run):
                block[j] = _array(cols[c])
            part = pd.DataFrame(block.T, index=index, columns=columns, copy=False)
            parts.append(remember(part, dict(zip(run, block, strict=True))))
        else:
            block = np.full((len(index), len(run)), None, dtype=object)
            for j, c in enumerate(run):
                block[:, j] = _array(cols[c], object)
            parts.append(pd.DataFrame(block, index=index, columns=columns, copy=False))
        start = stop
    return _side_by_side(parts, names)


def _side_by_side(parts: list[pd.DataFrame], names: Sequence[str]) -> pd.DataFrame:
    """``pd.concat(parts, axis=1)`` whose columns are ``names`` (the parts' columns in order),
    with the column Index made once (``column_index``) instead of appended part by part."""
    if len(parts) == 1:
        return parts[0]
    frame = pd.concat(parts, axis=1, ignore_index=True)
    frame.columns = column_index(names)
    return remember_combined(frame, parts)


def _array(col: pd.Series | np.ndarray, dtype: object = None) -> np.ndarray:
    if isinstance(col, np.ndarray):
        return col if dtype is None else col.astype(dtype, copy=False)
    return col.to_numpy() if dtype is None else col.to_numpy(dtype=dtype)


_FAST_TYPES = (ItemType.CODED, ItemType.INTEGER, ItemType.DECIMAL, ItemType.CLOCK)
_FLOATS = (float, np.float64)


def _parse_typed_floats(item: Item, raw: pd.Series) -> ParsedColumn:
    """``_parse_values`` for a float64 column of many rows, on plain numpy arrays.

    Same rules, same messages (checked against ``_parse_values`` by a property test): only the
    few flagged rows go through ``_parse_values`` for their messages."""
    v = raw.to_numpy(dtype=np.float64, copy=True)
    present = ~np.isnan(v)
    bad = present & ~np.isfinite(v)
    with np.errstate(invalid="ignore"):
        return _typed_floats_checked(item, raw, v, present, bad)


def _typed_floats_checked(
    item: Item, raw: pd.Series, v: np.ndarray, present: np.ndarray, bad: np.ndarray
) -> ParsedColumn:
    if item.type is ItemType.CLOCK:
        bad |= present & ((v % 1 != 0) | (v < 0) | (v >= 1440))
    else:
        if item.type in (ItemType.INTEGER, ItemType.CODED):
            bad |= present & (v % 1 != 0)
        if item.type is ItemType.CODED:
            bad |= present & ~np.isin(v, np.asarray(item.codes, dtype=np.float64))
        if item.hard is not None:
            bad |= present & ~_in_range(v, item.hard)
    soft = np.zeros(len(v), dtype=bool)
    if item.soft is not None and item.type is not ItemType.CLOCK:
        soft = present & ~bad & ~_in_range(v, item.soft)
    errors: dict[object, tuple[str, str, str]] = {}
    warnings: dict[object, tuple[str, str, str]] = {}
    flagged = np.flatnonzero(bad | soft)
    if len(flagged):  # messages from the one definition of the rules, once per distinct value
        uniq, inverse = np.unique(v[flagged], return_inverse=True)
        sub = _parse_values(item, pd.Series(uniq))
        rows = raw.index[flagged].tolist()
        for found, target in ((sub.errors, errors), (sub.warnings, warnings)):
            if found:
                for row, j in zip(rows, inverse.tolist(), strict=True):
                    hit = found.get(j)
                    if hit is not None:
                        target[row] = hit
    v[bad] = np.nan
    status = pd.Series(
        pd.Categorical.from_codes(np.full(len(v), -1, dtype=np.int8), dtype=STATUS_CATEGORIES),
        index=raw.index,
    )
    return ParsedColumn(pd.Series(v, index=raw.index), status, errors, warnings, any_status=False)


STATUS_CATEGORIES = pd.CategoricalDtype([c.value for c in MissingCode])


def _status_frame(cols: dict[str, pd.Series], index: pd.Index, none: set[str]) -> pd.DataFrame:
    """Missing-data codes per item as categorical columns (NaN = no code).

    Categorical codes are one byte per cell, so a 100,000-row frame of mostly-empty statuses costs
    next to nothing; ``status[item] == "UN"`` and ``.notna()`` work as on strings."""
    n = len(index)
    if n <= 64:  # one visit: object blocks are far cheaper than dozens of categoricals
        names = list(cols)
        block = np.full((n, len(names)), None, dtype=object)
        coded = [False] * len(names)
        for j, name in enumerate(names):
            if name in none:
                continue
            for i, v in enumerate(_array(cols[name], object).tolist()):
                if v is not None and v is not pd.NA and not (isinstance(v, float) and v != v):
                    block[i, j] = v
                    coded[j] = True
        # columns without a code are object columns of None (what type inference would make of
        # them, at a cost per column): built without it, run by run
        parts = []
        start = 0
        for stop in range(1, len(names) + 1):
            if stop < len(names) and coded[stop] == coded[start]:
                continue
            run = block[:, start:stop]
            columns = column_index(names[start:stop])
            if coded[start]:
                parts.append(pd.DataFrame(run, index=index, columns=columns, copy=False))
            else:
                part = pd.DataFrame(run, index=index, columns=columns, dtype=object, copy=False)
                cells = {names[j]: block[:, j] for j in range(start, stop)}
                parts.append(remember(part, cells))
            start = stop
        if not parts:
            return pd.DataFrame(block, index=index, columns=column_index(names), copy=False)
        return _side_by_side(parts, names)
    empty = pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), dtype=STATUS_CATEGORIES)
    data = {}
    for name, col in cols.items():
        if name in none:
            data[name] = empty
        else:
            data[name] = _status_categorical(col)
    return pd.DataFrame(data, index=index, copy=False) if data else pd.DataFrame(index=index)


_STATUS_POS = {c: i for i, c in enumerate(STATUS_CATEGORIES.categories)}


def _status_categorical(col: pd.Series | np.ndarray) -> pd.Categorical:
    """``col`` (code strings, None/NaN) as a STATUS_CATEGORIES categorical; unknown → NaN."""
    if isinstance(col, pd.Series) and col.dtype == STATUS_CATEGORIES:
        return col.array
    codes, uniques = pd.factorize(_array(col, object), use_na_sentinel=True)
    lut = np.array([_STATUS_POS.get(u, -1) for u in uniques.tolist()] + [-1], dtype=np.int8)
    return pd.Categorical.from_codes(lut[codes], dtype=STATUS_CATEGORIES)


def _small_factorize(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` for a handful of values: None/NaN/NA → -1."""
    seen: dict[tuple[type, object], int] = {}
    uniques: list[object] = []
    codes = np.empty(len(arr), dtype=np.intp)
    for i, v in enumerate(arr):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            codes[i] = -1
            continue
        key = (v.__class__, v)
        j = seen.get(key)
        if j is None:
            j = seen[key] = len(uniques)
            uniques.append(v)
        codes[i] = j
    out = np.empty(len(uniques), dtype=object)
    out[:] = uniques
    return codes, out


def _cell_errors(
    errors: dict, index: pd.Index, cells: np.ndarray, mask: np.ndarray, rule: str,
    en: str, zh: str, name: str, **extra: str,
) -> None:  # fmt: skip
    """An error (rule, en, zh) for each cell under ``mask``; ``{v}`` is the cell as typed."""
    for pos in np.flatnonzero(mask):
        v = _display(cells[pos])
        errors[index[pos]] = (rule, en.format(name=name, v=v, **extra),
                              zh.format(name=name, v=v, **extra))  # fmt: skip


def _parse_values(item: Item, raw: pd.Series) -> ParsedColumn:
    """The parsing rules, vectorised over ``raw`` (used on a column's distinct values)."""
    index = raw.index
    raw_cells = raw.to_numpy(dtype=object)
    blank = _blank(raw)
    status = pd.Series([None] * len(raw), index=index, dtype=object)
    errors: dict[object, tuple[str, str, str]] = {}
    warnings: dict[object, tuple[str, str, str]] = {}
    name = item.name

    if pd.api.types.is_numeric_dtype(raw.dtype) and item.type is not ItemType.TEXT:
        numeric = raw.astype("float64")
        token_mask = np.zeros(len(raw), dtype=bool)
        text = None
    else:
        text = raw.astype("string").str.strip()
        upper = text.str.upper()
        token_mask = upper.isin(list(_MISSING_TOKENS)).to_numpy(dtype=bool, na_value=False)
        for row, tok, raw_v in zip(
            index[token_mask], upper[token_mask], raw[token_mask], strict=True
        ):
            code = _MISSING_TOKENS[tok]
            if code in item.missing:
                status[row] = code.value
            else:
                errors[row] = (
                    "missing_code",
                    f"{name}: missing-data code {raw_v!s} ({code.label_en}) does not apply to "
                    "this item",
                    f"{name}：缺失代码 {raw_v!s}（{code.label_zh}）不适用于此项",
                )
        numeric = None

    present = ~blank & ~token_mask

    if item.type is ItemType.TEXT:
        values = pd.Series(np.where(present, text, None), index=index, dtype=object)
        return ParsedColumn(values, status, errors, warnings)

    if item.type is ItemType.CENSORED:
        if text is None:
            text = raw.astype("string")
        return _parse_censored(item, raw, text, present, status, errors, warnings)

    if item.type is ItemType.CLOCK:
        values = pd.Series(np.nan, index=index, dtype="float64")
        if text is None:  # typed source (the store): whole minutes after midnight
            assert numeric is not None
            ok = (numeric % 1 == 0) & (numeric >= 0) & (numeric < 1440)
            values = numeric.where(ok)
        else:
            times = [isinstance(v, dt.time) for v in raw]
            parts = text.str.extract(_CLOCK_RE)
            h = pd.to_numeric(parts[0], errors="coerce")
            m = pd.to_numeric(parts[1], errors="coerce")
            ok = (h < 24) & (m < 60)
            minutes = (h * 60 + m).where(ok)
            minutes = minutes.astype("float64")
            for i, v in enumerate(raw):
                if times[i]:
                    minutes.iloc[i] = v.hour * 60 + v.minute
                elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(
                    v, bool
                ):  # a typed number (minutes after midnight) inside an object column
                    ok = float(v) % 1 == 0 and 0 <= v < 1440
                    minutes.iloc[i] = float(v) if ok else np.nan
            values = minutes
        bad = present & values.isna().to_numpy()
        _cell_errors(errors, index, raw_cells, bad, "type",
                     "{name}: '{v}' is not a 24-hour clock time (HH:MM, 00:00–23:59)",
                     "{name}：“{v}”不是24小时制时间（HH:MM，00:00–23:59）", name)  # fmt: skip
        values[~present] = np.nan
        return ParsedColumn(values, status, errors, warnings)

    # numeric types
    if numeric is None:
        numeric = pd.to_numeric(text, errors="coerce").astype("float64")
        if item.accept_hmm:
            parts = text.str.extract(_HMM_RE)
            h = pd.to_numeric(parts[0], errors="coerce")
            m = pd.to_numeric(parts[1], errors="coerce")
            hmm = (h + m / 60).where(m < 60).astype("float64")
            numeric = numeric.fillna(hmm)
        aliases = {a.upper(): float(c.code) for c in item.choices for a in c.aliases}
        if aliases and item.type is ItemType.CODED:  # e.g. sex typed as "M"/"F" in a CSV
            numeric = numeric.fillna(upper.map(aliases).astype("float64"))
    values = numeric.copy()
    values[~present | np.isinf(values.to_numpy())] = np.nan  # "inf" is not a measurement
    not_number = present & values.isna().to_numpy()
    _cell_errors(errors, index, raw_cells, not_number, "type",
                 "{name}: '{v}' is not a number", "{name}：“{v}”不是数字", name)  # fmt: skip
    finite = values.notna().to_numpy()
    if item.type in (ItemType.INTEGER, ItemType.CODED):
        frac = finite & (np.mod(values.to_numpy(), 1) != 0)
        _cell_errors(errors, index, raw_cells, frac, "type",
                     "{name}: '{v}' is not a whole number", "{name}：“{v}”不是整数",
                     name)  # fmt: skip
        values[frac] = np.nan
        finite = finite & ~frac
    if item.type is ItemType.CODED:
        allowed = item.codes
        bad = finite & ~values.isin(allowed).to_numpy()
        allowed_txt = ", ".join(str(c) for c in allowed)
        _cell_errors(errors, index, raw_cells, bad, "code",
                     "{name}: code {v} is not one of the allowed codes ({allowed})",
                     "{name}：代码 {v} 不在允许的代码中（{allowed}）", name,
                     allowed=allowed_txt)  # fmt: skip
        values[bad] = np.nan
        finite = finite & ~bad
    if item.hard is not None:
        bad = finite & ~_in_range(values, item.hard)
        for pos in np.flatnonzero(bad):
            errors[index[pos]] = limit_message(item, "hard", _display(raw_cells[pos]))
        values[bad] = np.nan
        finite = finite & ~bad
    if item.soft is not None:
        bad = finite & ~_in_range(values, item.soft)
        shown = values.to_numpy()
        for pos in np.flatnonzero(bad):
            warnings[index[pos]] = limit_message(item, "soft", _display(shown[pos]))
    return ParsedColumn(values, status, errors, warnings)


# A censored laboratory result as reported: "<2.3", "< LLOQ", ">ULOQ", ">500", Luminex "OOR <".
_NUM_RE = r"\d+(?:\.\d*)?|\.\d+"
_CENSORED_RE = (
    rf"^\s*(?:(?P<lt><)\s*(?:LLOQ|(?P<ltn>{_NUM_RE}))|(?P<gt>>)\s*(?:ULOQ|(?P<gtn>{_NUM_RE}))"
    r"|OOR\s*(?P<oor>[<>]))\s*$"
)
CENSOR_BELOW = "<LLOQ"
CENSOR_ABOVE = ">ULOQ"


def split_censored(text: pd.Series) -> pd.DataFrame:
    """Split laboratory results as reported into ``num`` (float, NaN when censored or not a
    result), ``censor`` ('' measured, '<LLOQ', '>ULOQ'; None when not a result) and ``limit`` (the
    number after < or >, NaN when not given). Censored results are never given a number
    (ICH M10; CDISC LBSTRESN empty, physical.md §8). Each distinct text is parsed once."""
    num, censor, limit = split_censored_arrays(text.to_numpy(dtype=object))
    return pd.DataFrame({"num": num, "censor": censor, "limit": limit}, index=text.index)


def split_censored_arrays(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``split_censored`` on an object array: (num, censor, limit) arrays."""
    if len(cells) <= 64:
        codes, uniques = _small_factorize(cells)
    else:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    num, censor, limit = _split_censored_each([*uniques, None])
    return num[codes], censor[codes], limit[codes]  # code -1 (blank) picks the trailing None


_CENSORED_MATCH = re.compile(_CENSORED_RE, re.IGNORECASE).match
_DECIMAL_MATCH = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$").match


def _split_censored_each(texts: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The split for (few, distinct) texts: plain Python per value, no per-call pandas cost."""
    n = len(texts)
    num = np.full(n, np.nan)
    limit = np.full(n, np.nan)
    censor = np.full(n, None, dtype=object)
    for i, v in enumerate(texts):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            continue
        t = str(v).strip()
        m = _CENSORED_MATCH(t)
        if m is not None:
            below = m["lt"] is not None or m["oor"] == "<"
            censor[i] = CENSOR_BELOW if below else CENSOR_ABOVE
            lim = m["ltn"] or m["gtn"]
            if lim is not None:
                limit[i] = float(lim)
        elif _DECIMAL_MATCH(t):
            x = float(t)
            if np.isfinite(x):
                num[i] = x
                censor[i] = ""
    return num, censor, limit


def _parse_censored(
    item: Item,
    raw: pd.Series,
    text: pd.Series,
    present: np.ndarray,
    status: pd.Series,
    errors: dict,
    warnings: dict,
) -> ParsedColumn:
    """A CENSORED item: the value is the result text as reported; hard/soft limits apply to the
    measured number (soft also to a '>' limit already beyond the soft range)."""
    index = raw.index
    raw_cells = raw.to_numpy(dtype=object)
    split = split_censored(text)
    name = item.name
    bad = present & split["censor"].isna().to_numpy()
    _cell_errors(errors, index, raw_cells, bad, "type",
                 "{name}: '{v}' is not a number or a censored result (<LLOQ, <2.3, >ULOQ, >500)",
                 "{name}：“{v}”不是数字或删失结果（<LLOQ、<2.3、>ULOQ、>500）", name)  # fmt: skip
    num = split["num"]
    if item.hard is not None:
        out = present & num.notna().to_numpy() & ~_in_range(num, item.hard)
        for pos in np.flatnonzero(out):
            errors[index[pos]] = limit_message(item, "hard", _display(raw_cells[pos]))
        bad = bad | out
    ok = present & ~bad
    if item.soft is not None:
        measured = num.notna().to_numpy()
        out = ok & measured & ~_in_range(num, item.soft)
        if item.soft.high is not None:  # '>500' or '>ULOQ' is already above the soft range
            above = (split["censor"] == CENSOR_ABOVE).to_numpy(dtype=bool, na_value=False)
            lim = split["limit"].to_numpy()
            beyond = np.isnan(lim) | (lim >= item.soft.high)
            out |= ok & above & beyond
        for row in index[out]:
            warnings[row] = limit_message(item, "soft", str(text[row]).strip())
    reported = text.str.strip().astype(object).to_numpy()
    values = pd.Series(np.where(ok, reported, None), index=index, dtype=object)
    return ParsedColumn(values, status, errors, warnings)


def limit_message(item: Item, which: str, shown: str) -> tuple[str, str, str]:
    """(rule, message_en, message_zh) for a value outside the item's hard ("impossible") or soft
    ("implausible") range; the message names the value, the range and its source."""
    name, src, ue, uz, en_r, zh_r = _limit_parts(item, which)
    if which == "hard":
        return (
            "hard",
            f"{name}: {shown}{ue} is impossible; allowed {en_r}{ue}{src}",
            f"{name}：{shown}{uz} 不可能；允许范围 {zh_r}{uz}{src}",
        )
    return (
        "soft",
        f"{name}: {shown}{ue} is implausible (expected {en_r}{ue}{src}); "
        "confirm with a reason or correct it",
        f"{name}：{shown}{uz} 不太可能（预期 {zh_r}{uz}{src}）；请注明理由确认或更正",
    )


@functools.lru_cache(maxsize=4096)
def _limit_parts(item: Item, which: str) -> tuple[str, str, str, str, str, str]:
    rng = item.hard if which == "hard" else item.soft
    assert rng is not None
    src = f" ({rng.source})" if rng.source else ""
    return item.name, src, _unit(item), _unit(item, "zh"), rng.describe(), rng.describe("zh")


def _unit(item: Item, lang: str = "en") -> str:
    return f" {unit_label(item.unit, lang)}" if item.unit else ""


def _in_range(values: pd.Series | np.ndarray, rng) -> np.ndarray:
    v = values if isinstance(values, np.ndarray) else values.to_numpy()
    ok = np.ones(len(v), dtype=bool)
    if rng.low is not None:
        ok &= (v >= rng.low) if rng.low_inclusive else (v > rng.low)
    if rng.high is not None:
        ok &= (v <= rng.high) if rng.high_inclusive else (v < rng.high)
    return ok


# --------------------------------------------------------------------------------------------
# The whole frame


def order_instruments(instruments: Iterable[Instrument]) -> tuple[Instrument, ...]:
    """Topological order by ``requires`` (stable)."""
    pending = list(instruments)
    keys = {i.key for i in pending}
    done: list[Instrument] = []
    done_keys: set[str] = set()
    while pending:
        progressed = False
        for inst in list(pending):
            if all(r in done_keys or r not in keys for r in inst.requires):
                done.append(inst)
                done_keys.add(inst.key)
                pending.remove(inst)
                progressed = True
        if not progressed:
            raise ValueError(f"circular 'requires' among {[i.key for i in pending]}")
    return tuple(done)


def present_instruments(
    columns: Iterable[str], instruments: Sequence[Instrument]
) -> tuple[Instrument, ...]:
    """Instruments with at least one item column in ``columns``, plus what they require."""
    cols = set(columns)
    chosen = {i.key for i in instruments if cols.intersection(i.item_names)}
    by_key = {i.key: i for i in instruments}
    stack = list(chosen)
    while stack:
        for r in by_key[stack.pop()].requires:
            if r in by_key and r not in chosen:
                chosen.add(r)
                stack.append(r)
    return order_instruments(i for i in instruments if i.key in chosen)


def evaluate(
    raw: pd.DataFrame,
    settings: ScoringSettings | None = None,
    instruments: Sequence[Instrument] | None = None,
    status: pd.DataFrame | None = None,
) -> Evaluation:
    """Parse, score and flag every administration (row) of ``raw``.

    ``raw`` holds codebook-named columns as entered (text, numbers, clock strings, missing-data
    tokens). ``status`` optionally gives missing-data codes from the store. Change-from-previous
    rules apply when ``raw`` has ``participant`` and ``visit`` columns (rows in visit order).
    """
    from scoring.registry import INSTRUMENTS

    settings = settings or ScoringSettings()
    pool = tuple(instruments) if instruments is not None else INSTRUMENTS
    raw_names = raw.columns.tolist()  # iterating a string Index costs a call per name
    chosen = present_instruments(raw_names, pool)
    index = raw.index
    value_cols: dict[str, pd.Series] = {}
    status_cols: dict[str, pd.Series] = {}
    no_status: set[str] = set()  # status columns known to hold only None
    flag_rows: list[tuple] = []
    small = len(index) <= 64 and index.is_unique  # one visit: take the cells out once
    if small:
        cells = raw.to_numpy(dtype=object)
        dtypes = raw.dtypes.tolist()
    first: dict[object, int] = {}
    for j, c in enumerate(raw_names):
        first.setdefault(c, j)  # duplicated header: first one wins

    for inst in chosen:
        for item in inst.items:
            if item.name in value_cols:
                continue
            j = first.get(item.name)
            if j is not None:
                col = cells[:, j] if small else raw.iloc[:, j]
                if small:
                    parsed = _parse_cells(item, col, index, dtypes[j])
                else:
                    parsed = _parse_column(item, col)
                for level, found in (("error", parsed.errors), ("warning", parsed.warnings)):
                    if not found:
                        continue
                    shown = _cells(col, list(found), index)
                    for (row, (rule, en, zh)), v in zip(found.items(), shown, strict=True):
                        flag_rows.append((row, item.name, v, level, rule, en, zh))
                st = parsed.status
                if status is not None and item.name in status.columns:
                    st = _merge_status(st, status[item.name], parsed.any_status, index)
                elif not parsed.any_status:
                    no_status.add(item.name)
                value_cols[item.name] = parsed.values
                status_cols[item.name] = st
            else:
                n = len(index)
                value_cols[item.name] = (
                    np.full(n, np.nan) if item.is_numeric else np.full(n, None, dtype=object)
                )
                st = np.full(n, None, dtype=object)
                if status is not None and item.name in status.columns:
                    st = status[item.name].astype(object)
                else:
                    no_status.add(item.name)
                status_cols[item.name] = st

    with shared():  # scorers and rules read each column of the frames built here once
        values = _frame_from_columns(value_cols, index)
        status_frame = _status_frame(status_cols, index, no_status)
        scores, work = _score(chosen, values, status_frame, settings, list(value_cols))
        flags = _flag(chosen, raw, work, settings, flag_rows, index)
    return Evaluation(values, status_frame, scores, flags, chosen)


def _score(
    chosen: tuple[Instrument, ...], values: pd.DataFrame, status_frame: pd.DataFrame,
    settings: ScoringSettings, value_names: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """(scores, values + scores): every instrument's scorer, in ``requires`` order;
    ``value_names`` are the columns of ``values``."""
    index = values.index
    work = values
    work_names = list(value_names)
    score_parts: list[pd.DataFrame] = []
    score_names: list[str] = []
    joined = 0  # score_parts already in ``work``
    part_of: dict[str, int] = {}  # instrument key → its position in score_parts
    for inst in chosen:
        # it reads the scores of the instruments it requires (and of what those require, which
        # come earlier still): join the parts up to the last of them, unless already joined
        needed = max((part_of[k] for k in inst.requires if k in part_of), default=-1)
        if needed >= joined:
            work_names += score_names[len(work_names) - len(value_names) :]
            work = _side_by_side([work, *score_parts[joined:]], work_names)
            joined = len(score_parts)
        part_of[inst.key] = len(score_parts)
        part = inst.scorer(work, status_frame, settings)
        names = inst.score_names
        expected = column_index(names)
        if part.columns is not expected and part.columns.tolist() != list(names):
            part = part.reindex(columns=expected)
        score_parts.append(part)
        score_names += names
    if not score_parts:
        return pd.DataFrame(index=index), work
    scores = _side_by_side(score_parts, score_names)
    work = _side_by_side([values, scores], [*value_names, *score_names])
    return scores, work


def _flag(
    chosen: tuple[Instrument, ...], raw: pd.DataFrame, work: pd.DataFrame,
    settings: ScoringSettings, flag_rows: list[tuple], index: pd.Index,
) -> pd.DataFrame:  # fmt: skip
    """The flag table: parse flags (``flag_rows``), then every rule and change rule."""
    chunks: list[FlagChunk | None] = [_tuples_chunk(flag_rows)]
    participant = None
    if {"participant", "visit"}.issubset(raw.columns):
        participant = raw["participant"]
        if isinstance(participant, pd.DataFrame):  # duplicated header: first one wins
            participant = participant.iloc[:, 0]
    later: np.ndarray | None = None  # rows after the participant's first row
    for inst in chosen:
        for rule in inst.rules:
            if rule.first_visit_only and participant is not None and later is None:
                later = _later_rows(participant)
            chunks.append(_apply_rule(rule, work, settings, later))
    if participant is not None:
        for inst in chosen:
            for change in inst.change_rules:
                chunks.append(_apply_change(change, work, participant))

    return _flags_frame([c for c in chunks if c is not None and len(c[0])], index)


def _positions(index: pd.Index, labels) -> np.ndarray:
    """Positions of row ``labels`` in a unique ``index`` (arithmetic for a RangeIndex)."""
    if isinstance(index, pd.RangeIndex) and index.step == 1:
        lab = np.asarray(labels)
        if lab.dtype.kind in "iu":
            return lab.astype(np.intp) - index.start
    return index.get_indexer(pd.Index(labels))


def _merge_status(
    parsed: pd.Series, given: pd.Series | pd.DataFrame, parsed_any: bool, index: pd.Index
) -> pd.Series:
    """Missing-data codes: the one typed in the cell, else the one the store gave."""
    if isinstance(given, pd.DataFrame):  # duplicated header: first one wins
        given = given.iloc[:, 0]
    if not given.index.equals(index):
        given = given.reindex(index)
    if not parsed_any:
        return given
    a = _array(parsed, object)
    return pd.Series(np.where(pd.isna(a), given.to_numpy(dtype=object), a), index=index)


def _cells(col: pd.Series | np.ndarray, rows: list, index: pd.Index) -> list[str]:
    """``_display`` of the cells of ``col`` (a column of a frame indexed by ``index``) at row
    labels ``rows`` (positional when the index is unique)."""
    if not rows:
        return []
    if index.is_unique:
        arr = _array(col, object)
        return [_display(arr[p]) for p in _positions(index, rows).tolist()]
    return [_display(col[r]) for r in rows]


FlagChunk = tuple[np.ndarray, ...]  # one array per FLAG_COLUMNS entry, same length


def _tuples_chunk(rows: list[tuple]) -> FlagChunk | None:
    """A flag chunk from row tuples, built column-wise (no per-cell type inference)."""
    if not rows:
        return None
    cols = list(zip(*rows, strict=True))
    out = [np.array(c, dtype=object) for c in cols]
    out[0] = pd.Index(cols[0]).to_numpy()
    return tuple(out)


def _flag_chunk(
    rows: np.ndarray, variable: str, values: np.ndarray, level: str, rule: str,
    en: np.ndarray, zh: np.ndarray,
) -> FlagChunk:  # fmt: skip
    n = len(rows)
    full = np.full(n, None, dtype=object)
    var, lev, rid = full.copy(), full.copy(), full
    var[:], lev[:], rid[:] = variable, level, rule
    return (rows, var, values, lev, rid, en, zh)


def _flags_frame(chunks: list[FlagChunk], index: pd.Index) -> pd.DataFrame:
    """The flag table (FLAG_COLUMNS) of all chunks, in row order (stable within a row)."""
    if not chunks:
        return _NO_FLAGS.copy()
    cols = [
        np.concatenate([c[j] for c in chunks]) if len(chunks) > 1 else chunks[0][j]
        for j in range(len(FLAG_COLUMNS))
    ]
    if index.is_unique:
        pos = _positions(index, cols[0])
    else:
        order = pd.Series(np.arange(len(index)), index=index)
        pos = pd.Series(cols[0]).map(order.groupby(level=0).first()).to_numpy()
    sort = np.argsort(pos, kind="stable")
    data = {name: col[sort] for name, col in zip(FLAG_COLUMNS, cols, strict=True)}
    return pd.DataFrame(data, columns=column_index(FLAG_COLUMNS), copy=False)


_NO_FLAGS = pd.DataFrame(columns=list(FLAG_COLUMNS)).astype(object)  # copied, never handed out


_SENTINEL_RE = re.compile("\x00(\\w+)\x00")


def _render(template: str, const: dict[str, str], per_row: dict[str, np.ndarray], n: int):
    """``template.format(**const, **per_row)`` for ``n`` rows at once (object array of str).

    Per-row fields are substituted by sentinels, the formatted text is split on them and the
    pieces are concatenated column-wise, so each message costs a few string additions."""
    marks = {k: f"\x00{k}\x00" for k in per_row}
    pieces = _SENTINEL_RE.split(template.format(**const, **marks))
    out = np.full(n, pieces[0], dtype=object)
    for i in range(1, len(pieces), 2):
        out = out + per_row[pieces[i]]
        if pieces[i + 1]:
            out = out + pieces[i + 1]
    return out


def _per_row_text(obj: object, index: pd.Index, mask: np.ndarray) -> np.ndarray | str:
    """A limit/detail result (a str, or per-row texts for ``index``) for the flagged rows."""
    if isinstance(obj, pd.Series):
        if not obj.index.equals(index):
            obj = obj.reindex(index)
        obj = obj.to_numpy(dtype=object)
    if isinstance(obj, np.ndarray | list):
        arr = np.asarray(obj, dtype=object)
        if len(arr) == len(mask):
            arr = arr[mask]
        return np.array([str(x) for x in arr], dtype=object)
    return str(obj)


def _bool_mask(test: object, n: int) -> np.ndarray:
    """A rule's test result (Series, array or scalar; NA = not flagged) as a bool array."""
    arr = test.to_numpy() if isinstance(test, pd.Series) else np.asarray(test)
    if arr.ndim == 0:
        return np.full(n, bool(arr) if not pd.isna(arr.item()) else False)
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind == "f":
        return np.nan_to_num(arr, nan=0.0).astype(bool)
    return np.array([bool(x) if not pd.isna(x) else False for x in arr.tolist()], dtype=bool)


def _later_rows(participant: pd.Series) -> np.ndarray:
    """True for rows with an earlier row of the same participant (no participant: False)."""
    cells = participant.to_numpy(dtype=object)
    groups = _small_factorize(cells)[0] if len(cells) <= 64 else pd.factorize(cells)[0]
    seen = pd.Series(groups).duplicated().to_numpy()
    return seen & (groups >= 0)


def _apply_rule(
    rule: Rule, work: pd.DataFrame, settings: ScoringSettings, later: np.ndarray | None = None
) -> FlagChunk | None:
    mask = _bool_mask(rule.test(work, settings), len(work))
    if rule.first_visit_only and later is not None:
        mask = mask & ~later
    if not mask.any():
        return None
    limit = rule.limit(work, settings) if callable(rule.limit) else rule.limit
    limit = _per_row_text(limit, work.index, mask)
    detail = None
    if rule.detail is not None:  # computed for the flagged rows only
        flagged = work if mask.all() else work[mask]  # every row flagged: the frame itself
        detail = _per_row_text(rule.detail(flagged, settings), flagged.index, np.ones(0, bool))
    n = int(mask.sum())
    shown = column_array(work, rule.variable)
    values = _fmt_values(shown[mask]) if shown is not None else np.full(n, "", dtype=object)
    const: dict[str, str] = {"source": rule.source}
    per_row: dict[str, np.ndarray] = {"value": values}
    for key, v in (("limit", limit), ("detail", detail)):
        if isinstance(v, np.ndarray):
            per_row[key] = v
        elif v is not None:
            const[key] = v
    if n > 64:  # render each distinct (value, limit, detail) combination once
        keys = list(per_row)
        if len(keys) == 1:
            codes, uniques = pd.factorize(per_row[keys[0]])
            u = {keys[0]: np.asarray(uniques, dtype=object)}
        else:
            codes, uniques = pd.MultiIndex.from_arrays([per_row[k] for k in keys]).factorize()
            u = {k: np.asarray(uniques.get_level_values(i), dtype=object)
                 for i, k in enumerate(keys)}  # fmt: skip
        en = _render(rule.message_en, const, u, len(uniques))[codes]
        zh = _render(rule.message_zh, const, u, len(uniques))[codes]
    else:
        en = _render(rule.message_en, const, per_row, n)
        zh = _render(rule.message_zh, const, per_row, n)
    rows = work.index.to_numpy()[mask]
    return _flag_chunk(rows, rule.variable, values, rule.level.value, rule.id, en, zh)


def _fmt_value(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float):
        whole = v.is_integer() and abs(v) < _WHOLE_SHOWN_BELOW
        return str(int(v)) if whole else f"{v:.4g}"
    return str(v)


def _fmt_values(arr: np.ndarray) -> np.ndarray:
    """``_fmt_value`` over an array (vectorised for float arrays; each distinct value once)."""
    if len(arr) > 64:
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        if len(uniques) < len(arr) // 2:
            shown = _fmt_values(np.append(np.asarray(uniques), np.nan if arr.dtype.kind == "f"
                                          else None))  # fmt: skip
            return shown[codes]
    if arr.dtype.kind != "f":
        return np.array([_fmt_value(v) for v in arr.tolist()], dtype=object)
    out = np.full(len(arr), "", dtype=object)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(arr) & (arr == np.floor(arr)) & (np.abs(arr) < _WHOLE_SHOWN_BELOW)
    if whole.any():
        out[whole] = arr[whole].astype(np.int64).astype(str).astype(object)
    other = ~whole & ~np.isnan(arr)
    if other.any():
        out[other] = [_fmt_value(float(v)) for v in arr[other].tolist()]
    return out


def previous_available(cur: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per row, the last non-missing value of ``cur`` in an earlier row of the same group (the
    participant's last *available* earlier visit); NaN when there is none or the group is -1."""
    n = len(cur)
    if n == 0:
        return np.full(0, np.nan)
    order = np.argsort(groups, kind="stable")  # rows of one participant together, in row order
    g, c = groups[order], cur[order]
    valid_at = np.where(~np.isnan(c), np.arange(n), -1)
    last = np.maximum.accumulate(np.concatenate(([-1], valid_at[:-1])))  # last valid before k
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    ok = (last >= group_start) & (g >= 0)
    out = np.empty(n)
    out[order] = np.where(ok, c[np.maximum(last, 0)], np.nan)
    return out


def _apply_change(
    change: ChangeRule, work: pd.DataFrame, participant: pd.Series
) -> FlagChunk | None:
    cur = column_array(work, change.variable)
    if cur is None:
        return None
    if cur.dtype != np.float64:
        cur = work[change.variable].to_numpy(dtype="float64")
    cells = participant.to_numpy(dtype=object)
    groups = _small_factorize(cells)[0] if len(cells) <= 64 else pd.factorize(cells)[0]
    prev = previous_available(cur, groups)
    with np.errstate(invalid="ignore"):
        diff = np.abs(cur - prev)
        mask = np.zeros(len(cur), dtype=bool)
        if change.relative is not None:
            mask |= (diff > change.relative * np.abs(prev)) & (np.abs(prev) > 0)
        if change.absolute is not None:
            mask |= diff > change.absolute
    mask &= ~np.isnan(cur) & ~np.isnan(prev)
    if not mask.any():
        return None
    limits = []
    if change.relative is not None:
        limits.append(f"±{change.relative * 100:g} %")
    if change.absolute is not None:
        limits.append(f"±{change.absolute:g}")
    n = int(mask.sum())
    v = _fmt_values(cur[mask])
    p = _fmt_values(prev[mask])
    var, src = change.variable, change.source
    const_en = {"lim": " or ".join(limits), "src": src, "var": var}
    const_zh = {"lim": " 或 ".join(limits), "src": src, "var": var}
    per_row = {"v": v, "p": p}
    en = _render(
        "{var}: {v} changed from {p} at the previous visit by more than {lim} ({src}); "
        "confirm with a reason or correct it",
        const_en,
        per_row,
        n,
    )
    zh = _render(
        "{var}：{v} 与上次访视的 {p} 相比变化超过 {lim}（{src}）；请注明理由确认或更正",
        const_zh,
        per_row,
        n,
    )
    rows = work.index.to_numpy()[mask]
    return _flag_chunk(rows, var, v, "warning", f"change.{var}", en, zh)


# --------------------------------------------------------------------------------------------
# One visit (the form) through the same path


def _object_frame(rows: list[dict], index: pd.Index) -> pd.DataFrame:
    """``pd.DataFrame(rows, dtype=object)`` as one object block (columns in first-seen order)."""
    names = list(dict.fromkeys(k for r in rows for k in r))
    block = np.full((len(rows), len(names)), None, dtype=object)
    for i, r in enumerate(rows):
        for j, k in enumerate(names):
            block[i, j] = r.get(k)  # one cell at a time: a list value stays one object
    return pd.DataFrame(block, index=index, columns=column_index(names), dtype=object, copy=False)


def evaluate_visit(
    answers: Mapping[str, object],
    settings: ScoringSettings | None = None,
    status: Mapping[str, str] | None = None,
    previous: Mapping[str, object] | None = None,
    instruments: Sequence[Instrument] | None = None,
) -> Evaluation:
    """Score and flag one visit; ``previous`` (the participant's previous visit, raw) enables the
    change rules. Returns an ``Evaluation`` whose frames have the single row label 0."""
    rows = [dict(answers)]
    stat = [dict(status or {})]
    if previous is not None:
        rows.insert(0, dict(previous))
        stat.insert(0, {})
        for r in rows:
            r["participant"] = "_"
            r["visit"] = "_"
    raw = _object_frame(rows, pd.RangeIndex(-len(rows) + 1, 1))
    st = _object_frame(stat, raw.index) if status else None
    ev = evaluate(raw, settings, instruments, status=st)
    if previous is None:
        return ev
    last = slice(-1, None)  # the row labelled 0
    return Evaluation(
        ev.values.iloc[last],
        ev.status.iloc[last],
        ev.scores.iloc[last],
        ev.flags[ev.flags["row"].to_numpy() == 0].reset_index(drop=True),
        ev.instruments,
    )
