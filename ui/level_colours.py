"""Colours of the flag levels, keyed by the value of ``scoring.model.Level`` ("error",
"warning", "clinical"): (background, text). No Qt, no pandas, so the sign-in page can use them
before the heavy modules are imported; ``ui.fields.LEVEL_COLOURS`` keys the same pairs by
``Level`` (and a test checks both name the same levels)."""

from __future__ import annotations

COLOURS_BY_LEVEL: dict[str, tuple[str, str]] = {
    "error": ("#fde2e1", "#b3261e"),
    "warning": ("#fff1d6", "#8a5300"),
    "clinical": ("#e3efff", "#1b4f9c"),
}

ERROR_STYLE = f"color: {COLOURS_BY_LEVEL['error'][1]};"  # an error message's text
