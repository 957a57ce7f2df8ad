"""Flags: adverse-event language found in saved free text, and their handling.

Interaction notes and inquiry texts are screened when saved (the saving service
calls :func:`screen_saved_text` through ``registry.screen_saved_text``, inside its
transaction). A finding with one of our products becomes a flag that asks its
author to confirm it, which reports a case with Day 0 = the day the author heard
it, or to dismiss it with a reason. Every step is audited. A flag nobody handled
within ``LIAISON_AE_FORWARD_BUSINESS_DAYS`` business days is escalated to
pharmacovigilance (:func:`escalate_due_flags`, from the worker and the CLI).
Saving the same text again raises no second flag for the same sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.core.registry import SavedText
from liaison.directory.models import Product
from liaison.lib.business_days import add_business_days
from liaison.safety import clocks
from liaison.safety.models import Case, Flag, FlagKind, FlagStatus, ProductRole, SpecialSituation
from liaison.safety.screening import ScreenProduct, screen
from liaison.safety.services.cases import report_case
from liaison.safety.services.data import CaseData, Source


def screen_products() -> list[ScreenProduct]:
    """Every product of the directory, ours and others' (a competitor's product
    named alone raises no flag; the screen must know it is not ours)."""
    rows = Product.objects.values_list("name", "generic_name", "is_own").order_by("name")
    return [
        ScreenProduct(name=name, aliases=(generic,) if generic else (), own=own)
        for name, generic, own in rows
    ]


def screen_saved_text(text: SavedText) -> list[Flag]:
    """Raise a flag for each adverse-event finding with our product in ``text``."""
    if not isinstance(text.author, User):
        raise TypeError("a screened text's author is a user")
    products = screen_products()
    if not any(product.own for product in products):
        return []
    by_name = {product.name: product for product in Product.objects.filter(is_own=True)}
    existing = set(
        Flag.objects.filter(source_label=text.source, source_id=text.source_id).values_list(
            "kind", "product_name", "sentence"
        )
    )
    heard_on = text.heard_on if isinstance(text.heard_on, dt.date) else timezone.localdate()
    flags: list[Flag] = []
    for field, body in text.texts.items():
        if not body or not body.strip():
            continue
        for finding in screen(body, products):
            kind = str(finding.kind.value)
            key = (kind, finding.product, finding.sentence)
            if key in existing or kind not in FlagKind.values:
                continue
            existing.add(key)
            flag = Flag(
                source_kind=text.kind,
                source_label=text.source,
                source_id=text.source_id,
                source_title=text.title[:300],
                source_url=text.url[:300],
                field=field[:60],
                author=text.author,
                kind=kind,
                product=by_name.get(finding.product),
                product_name=finding.product[:120],
                terms=", ".join(finding.words)[:200],
                by_model=finding.by_model,
                sentence=finding.sentence,
                heard_on=heard_on,
                country=text.country,
            )
            audit.create_record(actor=text.author, instance=flag)
            flags.append(flag)
    return flags


def _situations(flags: Sequence[Flag]) -> list[str]:
    return sorted({flag.kind for flag in flags if flag.kind in SpecialSituation.values})


def case_data_from_flags(flags: Sequence[Flag]) -> CaseData:
    """What the flags already say of the case (Day 0, product, the words found)."""
    first = flags[0]
    kinds = {flag.kind for flag in flags}
    products = {flag.product_name: flag.product for flag in flags}
    data: CaseData = {
        "day_zero": min(flag.heard_on for flag in flags),
        "is_adverse_event": FlagKind.ADVERSE_EVENT in kinds,
        "is_product_complaint": FlagKind.PRODUCT_COMPLAINT in kinds,
        "special_situations": _situations(flags),
        "awareness": f"{first.source_title}: " + " ".join(flag.sentence for flag in flags),
        "products": [
            {"role": ProductRole.SUSPECT, "product": product, "name": name}
            for name, product in products.items()
        ],
    }
    if FlagKind.ADVERSE_EVENT in kinds:
        # The words found, never the whole sentence: it names the HCP, sometimes the
        # patient, and a reaction's words go to the regulator (E2B E.i.1.1a). The
        # sentence is in the awareness text for the reporter to word the reaction.
        data["reactions"] = [
            {"verbatim": flag.terms[:250]} for flag in flags if flag.kind == FlagKind.ADVERSE_EVENT
        ]
    if first.country:
        data["country"] = first.country
    return data


def confirm_flags(
    *,
    actor: User,
    flags: Sequence[Flag],
    data: CaseData | None = None,
    forward: bool = True,
    reason: str = "",
) -> Case:
    """Confirm flags of one source as one case: reported with the products and words
    found, and whatever ``data`` adds.

    Day 0 is the earliest day the flags were heard. ``data`` may give an earlier
    one (a colleague heard of it before); a later one would make a late report look
    timely, so it needs ``reason``, which the audit trail keeps with the case."""
    if not flags:
        raise LiaisonError("choose the flags to confirm", field="flags")
    sources = {(flag.source_label, flag.source_id) for flag in flags}
    if len(sources) != 1:
        raise LiaisonError("flags confirmed together come from one note", field="flags")
    for flag in flags:
        policy.require(actor, "handle", flag)
    values: CaseData = {**case_data_from_flags(flags), **(data or {})}
    heard_on = min(flag.heard_on for flag in flags)
    day_zero = values.get("day_zero")
    reason = reason.strip()
    if isinstance(day_zero, dt.date) and day_zero > heard_on and not reason:
        raise LiaisonError(
            f"Day 0 is the first day any employee heard of it: {heard_on:%d %b %Y} in the "
            f"note; a later Day 0 ({day_zero:%d %b %Y}) needs a reason",
            field="day_zero",
        )
    first = flags[0]
    source = Source(
        kind=first.source_kind,
        label=first.source_label,
        id=first.source_id,
        title=first.source_title,
        url=first.source_url,
    )
    with transaction.atomic():
        case = report_case(actor=actor, data=values, source=source, forward=forward, reason=reason)
        now = timezone.now()
        for flag in flags:
            audit.update_record(
                actor=actor,
                instance=flag,
                values={
                    "status": FlagStatus.CONFIRMED,
                    "case": case,
                    "handled_by": actor,
                    "handled_at": now,
                },
                reason=reason,
            )
    return case


def dismiss_flag(*, actor: User, flag: Flag, reason: str) -> Flag:
    """The author says the words were no adverse event, and why (audited)."""
    policy.require(actor, "handle", flag)
    if not reason.strip():
        raise LiaisonError(
            "say why this is not an adverse event (e.g. the notes describe a hypothetical)",
            field="reason",
        )
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=flag,
            values={
                "status": FlagStatus.DISMISSED,
                "dismiss_reason": reason.strip(),
                "handled_by": actor,
                "handled_at": timezone.now(),
            },
            reason=reason.strip(),
        )
    return flag


def escalation_due(flag: Flag) -> dt.date:
    """The day after which an open flag goes to pharmacovigilance."""
    created = timezone.localdate(flag.created_at)
    return add_business_days(created, clocks.forward_business_days(), flag.country or "")


def escalate_due_flags(*, now: dt.datetime | None = None) -> list[Flag]:
    """Escalate every open flag left unhandled past its business day (the system's
    work: audited with no actor). Returns the flags escalated."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = Flag.objects.filter(status=FlagStatus.OPEN, escalated_at__isnull=True)
    escalated: list[Flag] = []
    with transaction.atomic():
        for flag in candidates.select_for_update():
            if today > escalation_due(flag):
                audit.update_record(
                    actor=None,
                    instance=flag,
                    values={"escalated_at": now},
                    reason="not handled within a business day: escalated to pharmacovigilance",
                )
                escalated.append(flag)
    return escalated
