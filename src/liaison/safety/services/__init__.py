"""The safety operations, by subject: cases (intake, work, versions, follow-up
requests), flags (AE language in saved text), E2B (export, import, acknowledgements)
and submissions (an exported file marked sent, an acknowledgement applied)."""

from liaison.safety.services.cases import (
    answer_follow_up,
    assign_case,
    forward_case,
    new_case_version,
    report_case,
    request_follow_up,
    set_case_status,
    update_case,
)

__all__ = [
    "answer_follow_up",
    "assign_case",
    "forward_case",
    "new_case_version",
    "report_case",
    "request_follow_up",
    "set_case_status",
    "update_case",
]
