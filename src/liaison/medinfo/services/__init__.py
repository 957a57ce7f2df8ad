"""The medical information operations, by subject: inquiries (intake, hand-off,
priority, closing, follow-ups), responses (standard and custom, their versions and
signed review) and answers (sending, delivery, the letter)."""

from liaison.medinfo.services.answers import (
    answer_inquiry,
    deliver_answer,
    letter_content,
    references_ris,
    render_letter,
)
from liaison.medinfo.services.data import (
    InquiryData,
    ReferenceData,
    StandardResponseData,
    VersionData,
)
from liaison.medinfo.services.inquiries import (
    assign_inquiry,
    cancel_inquiry,
    close_inquiry,
    create_follow_up_inquiry,
    forward_inquiry,
    set_priority,
    take_inquiry,
)
from liaison.medinfo.services.responses import (
    approve_version,
    create_standard_response,
    draft_custom_response,
    new_response_version,
    reject_version,
    retire_version,
    submit_for_review,
    update_version,
)

__all__ = [
    "InquiryData",
    "ReferenceData",
    "StandardResponseData",
    "VersionData",
    "answer_inquiry",
    "approve_version",
    "assign_inquiry",
    "cancel_inquiry",
    "close_inquiry",
    "create_follow_up_inquiry",
    "create_standard_response",
    "deliver_answer",
    "draft_custom_response",
    "forward_inquiry",
    "letter_content",
    "new_response_version",
    "references_ris",
    "reject_version",
    "render_letter",
    "retire_version",
    "set_priority",
    "submit_for_review",
    "take_inquiry",
    "update_version",
]
