"""Helpers the PDF tests share: text extraction (pypdf), font inspection, rendering."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdf


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def lines_of(pdf: bytes) -> list[str]:
    return [ln.strip() for ln in text_of(pdf).splitlines() if ln.strip()]


def row_after(lines: list[str], label: str, count: int) -> list[str]:
    """The ``count`` cell texts that follow the first line equal to ``label``."""
    i = lines.index(label)
    return lines[i + 1 : i + 1 + count]


def fonts_of(pdf: bytes) -> list[dict]:
    """Every font resource of every page: name, subtype, and whether its program is embedded."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    seen: dict[str, dict] = {}

    def visit_resources(res) -> None:
        if res is None:
            return
        res = res.get_object()
        fonts = res.get("/Font")
        if fonts is not None:
            for _, ref in fonts.get_object().items():
                font = ref.get_object()
                name = str(font.get("/BaseFont"))
                descriptor = font.get("/FontDescriptor")
                if descriptor is None and "/DescendantFonts" in font:
                    descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                seen[name] = {
                    "name": name,
                    "subtype": str(font.get("/Subtype")),
                    "FontFile2": "/FontFile2" in descriptor,
                    "embedded": any(
                        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                    ),
                }
        xobjects = res.get("/XObject")
        if xobjects is not None:
            for _, ref in xobjects.get_object().items():
                visit_resources(ref.get_object().get("/Resources"))

    for page in reader.pages:
        visit_resources(page.get("/Resources"))
    return list(seen.values())


def pdffonts_rows(path: Path) -> list[list[str]] | None:
    """``pdffonts`` rows (None when poppler-utils is not installed)."""
    exe = shutil.which("pdffonts")
    if exe is None:
        return None
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, check=True).stdout
    return [ln.split() for ln in out.splitlines()[2:] if ln.strip()]


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
