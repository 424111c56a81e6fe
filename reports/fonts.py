"""The one font every PDF uses: WenQuanYi Micro Hei, a TrueType (glyf) CJK font, embedded.

reference/setup.md §5: ReportLab's built-in CID font ``STSong-Light`` is *not embedded* (Chinese
vanishes or turns into boxes on viewers without the Adobe-GB1 pack), and Noto CJK / Source Han
cannot be loaded (CFF outlines). WenQuanYi Micro Hei has TrueType outlines, covers Latin and
Chinese, and ReportLab embeds a subset of it. Every style, table cell and chart label uses it, so
no PDF relies on a viewer's standard fonts (DESIGN.md "Reports").

The font is vendored in ``resources/fonts/`` (Apache-2.0, see LICENSE-wqy-microhei.txt); the
Debian system copy is the fallback.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "OD-Sans"  # the registered name used by every style (regular, bold and italic alike)
_FILE = "wqy-microhei.ttc"
VENDORED = Path(__file__).resolve().parent.parent / "resources" / "fonts" / _FILE
SYSTEM = Path("/usr/share/fonts/truetype/wqy") / _FILE


class FontMissing(RuntimeError):
    """No copy of the CJK font could be found."""


def font_path() -> Path:
    """The vendored font, else the system copy; a clear error when neither exists."""
    for candidate in (VENDORED, SYSTEM):
        if candidate.is_file():
            return candidate
    raise FontMissing(
        f"CJK font {_FILE} not found in {VENDORED.parent} or {SYSTEM.parent}; "
        "reinstall OutcomeDesk or install the fonts-wqy-microhei package"
    )


def register_fonts() -> str:
    """Register the font once (idempotent) and return its name.

    The family maps bold/italic to the same face: the font has no bold, and a ``<b>`` must never
    fall back to a non-embedded Helvetica-Bold.
    """
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT, bold, italic, FONT)
    return FONT
