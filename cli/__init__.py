"""Headless sub-commands of ``main.py`` (DESIGN.md "Commands"). No Qt here.

Each module listed in ``COMMAND_MODULES`` defines ``register(subparsers)``; a command's handler
returns the process exit code. Errors are one clear line on stderr and a non-zero exit code.
"""

COMMAND_MODULES: tuple[str, ...] = (
    "cli.score_cmd",
    "cli.export_cmd",
    "cli.import_cmd",
    "cli.audit_cmd",
    "cli.report_cmd",
    "cli.demo_cmd",
    "cli.backup_cmd",
)
