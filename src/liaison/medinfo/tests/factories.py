"""Medical information records for tests, written directly (services are tested on
their own); an approved version goes through the approval service, since only it
signs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP, Indication, Product, TherapeuticArea
from liaison.directory.tests import factories as directory
from liaison.medinfo.models import (
    Inquiry,
    InquiryChannel,
    InquiryStatus,
    ResponseVersion,
    StandardResponse,
    VersionStatus,
)

#: The password :func:`liaison.conftest.make_user` gives every test user.
PASSWORD = "correct horse battery"


def user(username: str, role: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role)


def area(code: str = "oncology", name: str = "Oncology") -> TherapeuticArea:
    return directory.therapeutic_area(code, name)


def own_product(name: str = "Onvexa", **values: Any) -> Product:
    """One of our products, in oncology unless said otherwise."""
    values.setdefault("company", "Aurelia Therapeutics")
    values.setdefault("is_own", True)
    values.setdefault("therapeutic_area", area())
    return Product.objects.get_or_create(name=name, defaults=values)[0]


def competitor_product(name: str = "Tremiqa", **values: Any) -> Product:
    values.setdefault("company", "Helix Biopharma")
    values.setdefault("is_own", False)
    values.setdefault("therapeutic_area", area())
    return Product.objects.get_or_create(name=name, defaults=values)[0]


def labelled(
    product: Product,
    country: str = "DE",
    condition: str = "EGFR-mutated metastatic non-small cell lung cancer",
    therapeutic_area: TherapeuticArea | None = None,
) -> Indication:
    return Indication.objects.create(
        product=product, country=country, condition=condition, therapeutic_area=therapeutic_area
    )


def hcp(family_name: str = "Weber", **values: Any) -> HCP:
    values.setdefault("country", "DE")
    return directory.hcp(family_name, **values)


def inquiry(received_by: User, **values: Any) -> Inquiry:
    """An inquiry with medical information, due in five days, about nothing in particular."""
    values.setdefault("reference", f"MI-T-{uuid.uuid4().hex[:10]}")
    values.setdefault("channel", InquiryChannel.PHONE)
    values.setdefault("requester_name", "Anna Weber")
    values.setdefault("requester_country", "DE")
    values.setdefault("question", "Is there data in elderly patients?")
    values.setdefault("status", InquiryStatus.FORWARDED)
    values.setdefault("due_on", timezone.localdate() + dt.timedelta(days=5))
    return Inquiry.objects.create(received_by=received_by, **values)


def standard_response(created_by: User, **values: Any) -> StandardResponse:
    values.setdefault("code", f"SRD-{uuid.uuid4().hex[:6]}")
    values.setdefault("title", "Onvexa in renal impairment")
    return StandardResponse.objects.create(created_by=created_by, **values)


def version(author: User, **values: Any) -> ResponseVersion:
    """A draft of a new standard response unless ``standard`` or ``inquiry`` is given."""
    if "standard" not in values and "inquiry" not in values:
        values["standard"] = standard_response(author)
    values.setdefault("title", "Onvexa in renal impairment")
    values.setdefault("body", "# Summary\nNo dose adjustment is needed for eGFR above 30.")
    values.setdefault(
        "references",
        [{"citation": "Öberg B. Renal dosing of velotinib. Lancet. 2024;1:1-9.", "pmid": "123"}],
    )
    values.setdefault("status", VersionStatus.DRAFT)
    return ResponseVersion.objects.create(author=author, **values)


def approved_version(
    author: User, approver: User, expires_on: dt.date | None = None, **values: Any
) -> ResponseVersion:
    """A version of ``author`` approved by ``approver`` (signed with their password)."""
    from liaison.medinfo.services import approve_version

    values["status"] = VersionStatus.IN_REVIEW
    draft = version(author, **values)
    return approve_version(
        actor=approver,
        version=draft,
        password=PASSWORD,
        expires_on=expires_on or timezone.localdate() + dt.timedelta(days=365),
    )
