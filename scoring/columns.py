"""Column arrays of the frames scorers and rules read, each taken out of its frame once.

Scorers and rules are written against DataFrames (DESIGN.md "Scores are derived, never stored":
one code path for one visit and for a whole frame) and read their columns with ``values_of``.
Inside ``scoring.engine.evaluate`` (``shared``) the frames it builds — typed values, status, each
scorer's output, values + scores — are *shared* (``remember``): the arrays they were built from
are known, and a column read by ten rules is taken out of its frame once and handed out as the
same read-only array. For a 100,000-row frame that saves little; for the one-row frame of a visit
being entered it removes most of pandas' per-call cost. Outside ``evaluate`` (a direct scorer
call, a report) every read goes to the frame.

Frames handed to scorers and rules are read-only to them (they return new frames and arrays).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd

# id(frame) → (the frame itself, so the id stays its own while shared; column → its read-only
# array; (column, code) → a derived status test)
_Entry = tuple[pd.DataFrame, dict[str, np.ndarray], dict[tuple, np.ndarray]]
_SHARED: ContextVar[dict[int, _Entry] | None] = ContextVar("scoring_shared", default=None)


def _read_only(arr: np.ndarray) -> np.ndarray:
    if not arr.flags.writeable:
        return arr
    view = arr.view()
    view.flags.writeable = False
    return view


@contextmanager
def shared() -> Iterator[None]:
    """Until the block ends, frames given to ``remember`` are shared (``evaluate`` uses it)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def remember(frame: pd.DataFrame, arrays: Mapping[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Inside ``shared``: share ``frame``, whose columns named in ``arrays`` hold exactly those
    arrays (so they are never read back from it). Outside: nothing. Returns ``frame``.

    The frame must not be modified afterwards (adding a column is fine)."""
    table = _SHARED.get()
    if table is not None:
        memo = {k: _read_only(v) for k, v in arrays.items()} if arrays else {}
        table[id(frame)] = (frame, memo, {})
    return frame


def remember_combined(frame: pd.DataFrame, parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``remember`` a ``frame`` made of shared ``parts`` side by side: what is known of the
    parts' columns is known of it (the first part with a name wins, as ``frame[name]`` would)."""
    table = _SHARED.get()
    if table is not None:
        arrays: dict[str, np.ndarray] = {}
        for part in reversed(parts):
            entry = _entry(part)
            if entry is not None:
                arrays.update(entry[1])
        table[id(frame)] = (frame, arrays, {})
    return frame


def _entry(frame: pd.DataFrame) -> _Entry | None:
    table = _SHARED.get()
    if table is None:
        return None
    hit = table.get(id(frame))
    return hit if hit is not None and hit[0] is frame else None


def column_array(frame: pd.DataFrame, name: str) -> np.ndarray | None:
    """``frame[name].to_numpy()`` (read-only), or None when the frame has no such column."""
    entry = _entry(frame)
    memo = entry[1] if entry is not None else None
    if memo is not None and name in memo:
        return memo[name]
    if name not in frame.columns:
        return None
    col = frame[name]
    arr = _read_only(col.to_numpy() if isinstance(col, pd.Series) else col.iloc[:, 0].to_numpy())
    if memo is not None:
        memo[name] = arr
    return arr


def known_columns(frame: pd.DataFrame, names: Sequence[str]) -> list[np.ndarray] | None:
    """The arrays of the columns ``names`` of a shared ``frame`` if every one of them is known
    (so taking them out costs nothing), else None: take them out of the frame in one go."""
    entry = _entry(frame)
    if entry is None:
        return None
    memo = entry[1]
    found = [memo.get(n) for n in names]
    return None if any(a is None for a in found) else found


def values_of(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column as a float64 array (all-NaN when absent; text that is not a number →
    NaN): what scorers and rule tests compute with."""
    arr = column_array(frame, name)
    if arr is None:
        return np.full(len(frame.index), np.nan)
    if arr.dtype == np.float64:
        return arr
    col = frame[name]
    if isinstance(col, pd.DataFrame):  # duplicated header: first one wins
        col = col.iloc[:, 0]
    return pd.to_numeric(col, errors="coerce").astype("float64").to_numpy()


def float_frame(arrays: Sequence[np.ndarray], columns: pd.Index, index: pd.Index) -> pd.DataFrame:
    """The frame ``pd.DataFrame(dict(zip(columns, arrays)), index=index)`` for float64 arrays,
    built as one block: a scorer's output, with ``columns`` made once from its declaration.
    Inside ``evaluate`` it is shared (``remember``): do not modify it afterwards."""
    if len(arrays) != len(columns) or any(a.dtype != np.float64 for a in arrays):
        raise TypeError("float_frame takes one float64 array per column")
    block = np.vstack(arrays) if len(arrays) else np.empty((0, len(index)))
    frame = pd.DataFrame(block.T, index=index, columns=columns, copy=False)
    return remember(frame, dict(zip(columns.tolist(), block, strict=True)))


def status_is(status: pd.DataFrame, name: str, code: str | None = None) -> np.ndarray:
    """Per row: the item ``name`` carries the missing-data ``code`` (None: any code) in the status
    frame (categorical columns for a large frame, object or string columns for a small one)."""
    entry = _entry(status)
    memo = entry[2] if entry is not None else None
    cells = None
    if entry is not None:
        found = memo.get((name, code))
        if found is not None:
            return found
        cells = entry[1].get(name)  # a shared column's cells, if known
    out = None
    if cells is None:
        if name not in status.columns:
            out = np.zeros(len(status.index), dtype=bool)
        else:
            col = status[name]
            if isinstance(col, pd.DataFrame):  # duplicated header: first one wins
                col = col.iloc[:, 0]
            if isinstance(col.dtype, pd.CategoricalDtype):  # large frames: compare the codes
                test = col.notna() if code is None else col == code
                out = test.to_numpy(dtype=bool, na_value=False)
            else:
                cells = col.to_numpy(dtype=object)
    if out is None:  # an object array (None or NaN where no code)
        out = pd.notna(cells) if code is None else np.asarray(cells == code, dtype=bool)
    out = _read_only(out)
    if memo is not None:
        memo[(name, code)] = out
    return out


_INDEXES: dict[tuple[str, ...], pd.Index] = {}


def column_index(names: Sequence[str]) -> pd.Index:
    """``pd.Index(names)``, made once per sequence of names (a scorer's output columns, the
    columns of the instruments being evaluated, which repeat from call to call): building an
    Index infers its type every time, and frames sharing one Index are combined faster."""
    key = tuple(names)
    found = _INDEXES.get(key)  # keys hold str only, and a str equals only a str
    if found is None:
        found = pd.Index(list(key))
        if all(n.__class__ is str for n in key):  # 1 == 1.0 == True: only names are cached
            if len(_INDEXES) >= 512:
                _INDEXES.clear()
            _INDEXES[key] = found
    return found
