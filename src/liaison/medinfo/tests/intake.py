"""What the intake tests take: a labelled condition, a phone inquiry from France and
a whole unsolicited attestation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.medinfo.models import InquiryChannel
from liaison.medinfo.services import InquiryData

NSCLC = "EGFR-mutated metastatic non-small cell lung cancer"


def attestation(when: dt.datetime | None = None) -> dict[str, Any]:
    return {
        "unsolicited_requested_by": "Dr Anna Weber",
        "unsolicited_requested_at": when or timezone.now() - dt.timedelta(hours=3),
        "unsolicited_how": "asked unprompted at the end of a scheduled visit",
        "unsolicited_words": "Does Onvexa work in the adjuvant setting?",
    }


def phone_inquiry(**values: Any) -> InquiryData:
    data: dict[str, Any] = {
        "channel": InquiryChannel.PHONE,
        "requester_name": "Jean Dupont",
        "requester_country": "FR",
        "question": "What is the half-life of velotinib?",
    }
    data.update(values)
    return data  # type: ignore[return-value]
