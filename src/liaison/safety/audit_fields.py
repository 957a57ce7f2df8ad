"""How the audit trail records adverse events (see :func:`liaison.core.audit.register_fields`).

The patient's details are personal: a privacy request may erase them from the
trail (the chain covers them through a salted HMAC, so erasure keeps it verifiable).
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.safety.models import Case, CaseProduct, Flag, FollowUpRequest, Reaction, Submission

PATIENT_FIELDS = (
    "patient_initials",
    "patient_birth_date",
    "patient_age",
    "patient_age_unit",
    "patient_sex",
    "patient_weight_kg",
    "patient_height_cm",
    "patient_medical_history",
)

register_fields(Case, personal=(*PATIENT_FIELDS, "reporter_contact"))
for model in (Reaction, CaseProduct, Flag, Submission, FollowUpRequest):
    register_fields(model)
