"""How the audit trail records medical information (see :func:`liaison.core.audit.register_fields`).

A requester who is not in the directory is a private person: their contact
details are personal (erasable on a privacy request).
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.medinfo.models import Answer, Handoff, Inquiry, ResponseVersion, StandardResponse

register_fields(
    Inquiry,
    personal=("requester_email", "requester_phone", "requester_address"),
)
for model in (Handoff, Answer, StandardResponse, ResponseVersion):
    register_fields(model)
