"""Who may do what: the role matrix of docs/roles.md (tested cell by cell).

Roles follow DESIGN.md "Who uses it": assessors enter, investigators review and sign, data
managers check, lock and unlock, statisticians read (blinded), administrators manage accounts.
"""

from __future__ import annotations

ASSESSOR = "assessor"
INVESTIGATOR = "investigator"
DATA_MANAGER = "data_manager"
STATISTICIAN = "statistician"
ADMINISTRATOR = "administrator"
ROLES: tuple[str, ...] = (ASSESSOR, INVESTIGATOR, DATA_MANAGER, STATISTICIAN, ADMINISTRATOR)

_ALL = frozenset(ROLES)
_ENTRY = frozenset({ASSESSOR, INVESTIGATOR, DATA_MANAGER})

# action → (what it is, roles allowed). The order is the order of docs/roles.md.
MATRIX: dict[str, tuple[str, frozenset[str]]] = {
    "read": ("read study, participants, visits, answers", _ALL),
    "read_audit": ("read the audit trail", _ALL - {ASSESSOR}),
    "verify_audit": ("verify the audit trail (audit verify)", _ALL - {ASSESSOR}),
    "record_event": ("record an export, print or report in the audit trail", _ALL),
    "add_participant": ("add a participant", _ENTRY),
    "update_participant": ("change participant data or status", _ENTRY),
    "save_answers": ("enter or change answers", _ENTRY),
    "set_visit_status": ("set a visit's status, date, out-of-window reason", _ENTRY),
    "drafts": ("autosaved drafts of a form", _ENTRY),
    "sign_visit": ("sign a visit (e-signature)", frozenset({INVESTIGATOR})),
    "lock_visit": ("lock or unlock a visit", frozenset({DATA_MANAGER})),
    "manage_sites": ("add or rename sites", frozenset({DATA_MANAGER, ADMINISTRATOR})),
    "manage_protocol": ("change visit windows of the protocol", frozenset({DATA_MANAGER})),
    "manage_users": (
        "create users, change roles, disable, unlock, reset passwords",
        frozenset({ADMINISTRATOR}),
    ),
    "backup": ("back up and restore the database", frozenset({DATA_MANAGER, ADMINISTRATOR})),
}


def allowed(role: str, action: str) -> bool:
    """True when ``role`` may perform ``action`` (KeyError for an unknown action)."""
    return role in MATRIX[action][1]


def matrix_markdown() -> str:
    """The matrix as the Markdown table in docs/roles.md (a test keeps the two equal)."""
    head = "| action | " + " | ".join(ROLES) + " |"
    sep = "|---|" + "---|" * len(ROLES)
    lines = [head, sep]
    for action, (what, roles) in MATRIX.items():
        cells = " | ".join("yes" if r in roles else "—" for r in ROLES)
        lines.append(f"| `{action}`: {what} | {cells} |")
    return "\n".join(lines)
