#!/usr/bin/env python3
"""OutcomeDesk entry point.

``python main.py`` opens the program (GUI); ``python main.py COMMAND …`` runs a headless
sub-command (score, demo, export, import, report, crf, audit, backup, restore);
``--help`` lists them.
"""

from __future__ import annotations

import os
import sys

NO_DISPLAY_MESSAGE = """\
OutcomeDesk cannot open its window: there is no display (DISPLAY/WAYLAND_DISPLAY are unset).
  - on a machine with a screen, run it from the desktop session;
  - on a server, use a virtual screen:   xvfb-run -a python main.py
  - or render without a screen:          QT_QPA_PLATFORM=offscreen python main.py --smoke
"""


def _gui_possible() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str]) -> int:
    if argv and (not argv[0].startswith("-") or argv[0] in ("-h", "--help", "--version")):
        from cli.main import run

        return run(argv)
    if not _gui_possible():
        sys.stderr.write(NO_DISPLAY_MESSAGE)
        return 3
    from ui.app import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
