"""Safety records for tests, written directly (services are tested on their own)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import Product
from liaison.safety.models import Case, CaseProduct, CaseStatus, Flag, Reaction, SourceKind


def own_product(name: str = "Oncovirumab", **values: Any) -> Product:
    values.setdefault("company", "Liaison Pharma")
    values.setdefault("generic_name", name.lower()[:-3] or name.lower())
    values.setdefault("is_own", True)
    found, _ = Product.objects.get_or_create(name=name, defaults=values)
    return found


def case(reporter: User, **values: Any) -> Case:
    values.setdefault("day_zero", timezone.localdate() - dt.timedelta(days=2))
    values.setdefault("country", "DE")
    values.setdefault("status", CaseStatus.FORWARDED)
    values.setdefault("forwarded_at", timezone.now())
    token = uuid.uuid4().hex[:10]
    values.setdefault("reference", f"AE-T-{token}")
    values.setdefault("safety_report_id", f"DE-TEST-{token}")
    values.setdefault("patient_initials", "JD")
    values.setdefault("reporter_given_name", "Anna")
    values.setdefault("reporter_family_name", "Weber")
    record = Case.objects.create(reported_by=reporter, **values)
    Reaction.objects.create(case=record, verbatim="rash")
    CaseProduct.objects.create(case=record, name=own_product().name, product=own_product())
    return record


def flag(author: User, **values: Any) -> Flag:
    product = values.pop("product", None) or own_product()
    values.setdefault("source_kind", SourceKind.INTERACTION)
    values.setdefault("source_label", "engagement.Interaction")
    values.setdefault("source_id", 1)
    values.setdefault("source_title", "Interaction with Dr Weber")
    values.setdefault("field", "Notes")
    values.setdefault("kind", "adverse_event")
    values.setdefault("terms", "rash")
    values.setdefault("sentence", f"A patient developed a rash on {product.name}.")
    values.setdefault("heard_on", timezone.localdate())
    values.setdefault("country", "DE")
    return Flag.objects.create(author=author, product=product, product_name=product.name, **values)
