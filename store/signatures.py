"""The meanings of an electronic signature (21 CFR 11.50(a)(3): the printed signature shows its
meaning, such as review, approval, responsibility or authorship).

A meaning is recorded in English whatever the signer's language, so that every report, CRF and
export reads one record; the form offers these meanings, and Chinese reports and forms show them
in Chinese. A meaning recorded otherwise (an older record, another tool) is shown as recorded.
"""

from __future__ import annotations

REVIEW_AND_APPROVAL = "review and approval"
AUTHORSHIP = "authorship"

# recorded meaning → its Chinese label, in the order the signing form offers them
MEANINGS: dict[str, str] = {
    REVIEW_AND_APPROVAL: "审阅并批准",
    AUTHORSHIP: "作者",
}


def meaning_zh(recorded: str) -> str:
    """The Chinese label of a recorded meaning (the record itself when it is not one of ours)."""
    return MEANINGS.get(recorded, recorded)
