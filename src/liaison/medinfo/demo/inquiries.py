"""The demo's medical inquiries: about twenty-five of the last sixty days, in every state.

Each of :data:`SCENARIOS` is taken and worked through the services: by an MSL from
one of their demo interactions in one step (the requester and the time are the
interaction's), or by medical information on the phone, by e-mail, the web form, a
letter or at a congress; from a demo HCP or a named person who is not one (a
pharmacist, a nurse). Then it stays with the MSL, goes to medical information, is
assigned, answered from an approved version and delivered, closed, or cancelled;
follow-ups are linked to their question; off-label ones carry the unsolicited
attestation in the requester's words; priorities are mixed and some are overdue.
One reports jaundice on Onvexa: the safety screen flags it as the inquiry is taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP, Product
from liaison.engagement import demo as engagement_demo
from liaison.engagement.models import Interaction
from liaison.medinfo import labelling, services, turnaround
from liaison.medinfo.demo.responses import custom_response
from liaison.medinfo.demo.story import World, set_times
from liaison.medinfo.models import (
    Answer,
    DeliveryMethod,
    Inquiry,
    InquiryChannel,
    InquiryStatus,
    Priority,
    ResponseVersion,
)
from liaison.medinfo.services import InquiryData


@dataclass(frozen=True, slots=True)
class Topic:
    """What an inquiry asks: the product, the indication as typed (empty: the product's
    labelled use), the topic shown on the queue, the standard response that answers it
    (empty: none, or a custom response) and the questions, in the requester's words."""

    product: str
    indication: str
    title: str
    response: str
    questions: tuple[str, ...]
    #: Requesters from these countries are left out (the use is labelled there).
    not_from: tuple[str, ...] = ()


TOPICS: dict[str, Topic] = {
    "renal": Topic(
        "Onvexa",
        "",
        "Dosing in renal impairment",
        "ONV-RENAL",
        (
            "What dose of Onvexa do you recommend for a patient with a creatinine clearance "
            "of 25 mL/min?",
            "Do I need to reduce the Onvexa dose when the eGFR falls below 45 mL/min?",
            "Is there any pharmacokinetic data on velotinib in patients with severe renal "
            "impairment?",
        ),
    ),
    "renal-dialysis": Topic(
        "Onvexa",
        "",
        "Dosing in renal impairment",
        "ONV-RENAL",
        ("Thank you for the answer. What about patients on peritoneal dialysis?",),
    ),
    "elderly": Topic(
        "Onvexa",
        "",
        "Use in the elderly",
        "ONV-ELDERLY",
        (
            "Are there data on Onvexa in patients over 80? Most of my lung cancer patients "
            "are elderly.",
            "How many patients aged 75 or older were in the phase 3 trial of velotinib, and "
            "was the tolerability different?",
        ),
    ),
    "elderly-qol": Topic(
        "Onvexa",
        "",
        "Use in the elderly",
        "ONV-ELDERLY",
        ("Is there also quality-of-life data for the patients over 75 treated with Onvexa?",),
    ),
    "interactions": Topic(
        "Onvexa",
        "",
        "Interactions",
        "ONV-INTERACT",
        (
            "Can Onvexa be given together with clarithromycin, or should the dose be changed?",
            "My patient takes St John's wort; does it affect velotinib exposure?",
            "Is there an interaction between Onvexa and proton pump inhibitors such as "
            "pantoprazole?",
        ),
    ),
    "adjuvant": Topic(
        "Onvexa",
        "EGFR-mutated non-small cell lung cancer, adjuvant after resection",
        "Adjuvant use after resection",
        "ONV-ADJUVANT",
        (
            "Are there data on Onvexa as adjuvant treatment after complete resection of "
            "EGFR-mutated NSCLC? It is not labelled for this here.",
            "Could velotinib be used after surgery for stage II EGFR-mutated lung cancer? "
            "What did the adjuvant study show?",
        ),
        not_from=("US",),
    ),
    "hofh": Topic(
        "Cardivance",
        "Homozygous familial hypercholesterolaemia",
        "Homozygous familial hypercholesterolaemia",
        "CDV-HOFH",
        (
            "Has Cardivance been studied in homozygous familial hypercholesterolaemia?",
            "Would sotrelamab lower LDL in a patient with homozygous FH on apheresis? Is there "
            "any experience?",
        ),
    ),
    "storage": Topic(
        "Cardivance",
        "",
        "Storage and handling",
        "CDV-STORAGE",
        (
            "Can Cardivance pens be kept at room temperature, and for how long?",
            "Can a Cardivance pen that was frozen by mistake still be used?",
        ),
    ),
    "tube": Topic(
        "Onvexa",
        "",
        "Administration",
        "",
        (
            "Can Onvexa tablets be dispersed in water and given through a nasogastric tube? "
            "My patient cannot swallow after radiotherapy.",
        ),
    ),
    "jaundice": Topic(
        "Onvexa",
        "",
        "Hepatic safety",
        "",
        ("One of my patients developed jaundice on Onvexa, is this known?",),
    ),
    "price": Topic(
        "Cardivance",
        "",
        "Pricing",
        "",
        ("Could you send me the price list of Cardivance for our hospital pharmacy?",),
    ),
}


#: Named people who are not HCPs of the directory: their details as the intake has them.
PEOPLE: dict[str, InquiryData] = {
    "pharmacist": {
        "channel": InquiryChannel.PHONE,
        "requester_name": "Katrin Vogel",
        "requester_organization": "Apotheke am Stadtgarten (community pharmacy), Freiburg",
        "requester_email": "k.vogel@apotheke-stadtgarten.example",
        "requester_phone": "+49 761 555 0142",
        "requester_address": "Stadtstraße 12\n79104 Freiburg im Breisgau\nGermany",
        "requester_country": "DE",
        "time_zone": "Europe/Berlin",
        "delivery_method": DeliveryMethod.FAX,
    },
    "nurse": {
        "channel": InquiryChannel.WEB,
        "requester_name": "Megan Castillo, RN",
        "requester_organization": "Cascade Lung Cancer Center, Portland (oncology nurse navigator)",
        "requester_email": "mcastillo@cascade-lung.example",
        "requester_address": "2210 NW Marshall Street\nPortland, OR 97210\nUSA",
        "requester_country": "US",
        "time_zone": "America/Los_Angeles",
        "delivery_method": DeliveryMethod.EMAIL,
    },
}

#: How an unsolicited question reached us, as the attestation says it, by source.
ASKED_HOW: dict[str, str] = {
    InquiryChannel.FIELD: "asked at the end of the meeting, unprompted",
    InquiryChannel.PHONE: "telephoned medical information on their own initiative",
    InquiryChannel.EMAIL: "e-mail to medical information, not in reply to any contact from us",
    InquiryChannel.WEB: "the medical information web form, unprompted",
    InquiryChannel.CONGRESS: "asked at the medical information booth, unprompted",
    InquiryChannel.LETTER: "letter to medical information, unprompted",
}

# What happens to an inquiry after intake.
KEPT = "kept"  # stays with the MSL (received)
HANDED = "handed"  # kept a day, then forwarded to medical information
FORWARDED = "forwarded"
RAISED = "raised"  # forwarded, its priority raised to urgent
ASSIGNED = "assigned"  # in progress
ANSWERED = "answered"  # answered from the standard response, delivered
LATE = "late"  # answered after its due day
CUSTOM = "custom"  # answered with a custom response approved for it
CLOSED = "closed"  # answered, delivered, then closed
UNANSWERED = "unanswered"  # closed without an answer
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class InquirySpec:
    """One inquiry of the demo: its topic, what happens to it, where it came from
    (``field``: an MSL's interaction; a channel; or a named person of :data:`PEOPLE`),
    its priority, how many days ago it was received, and the inquiry it follows up
    (an index of :data:`SCENARIOS`)."""

    topic: str
    outcome: str
    source: str
    priority: str
    age: tuple[int, int]
    follow_up_of: int | None = None


URGENT, HIGH, NORMAL, LOW = Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW
FIELD, PHONE, EMAIL, WEB = (
    InquiryChannel.FIELD,
    InquiryChannel.PHONE,
    InquiryChannel.EMAIL,
    InquiryChannel.WEB,
)

SCENARIOS: tuple[InquirySpec, ...] = (
    InquirySpec("renal", ANSWERED, FIELD, NORMAL, (40, 50)),
    InquirySpec("elderly", ANSWERED, EMAIL, NORMAL, (34, 42)),
    InquirySpec("interactions", ANSWERED, PHONE, HIGH, (26, 32)),
    InquirySpec("adjuvant", CLOSED, FIELD, NORMAL, (44, 56)),
    InquirySpec("hofh", ANSWERED, WEB, LOW, (20, 28)),
    InquirySpec("renal", LATE, EMAIL, URGENT, (16, 22)),
    InquirySpec("tube", CUSTOM, InquiryChannel.LETTER, NORMAL, (28, 36)),
    InquirySpec("elderly", CLOSED, FIELD, NORMAL, (50, 59)),
    InquirySpec("interactions", CLOSED, InquiryChannel.CONGRESS, NORMAL, (52, 58)),
    InquirySpec("adjuvant", ANSWERED, PHONE, HIGH, (40, 48)),
    InquirySpec("hofh", UNANSWERED, EMAIL, LOW, (36, 44)),
    InquirySpec("renal", CANCELLED, FIELD, NORMAL, (30, 38)),
    InquirySpec("price", CANCELLED, WEB, LOW, (12, 18)),
    InquirySpec("interactions", KEPT, FIELD, NORMAL, (0, 1)),
    InquirySpec("elderly", KEPT, FIELD, NORMAL, (14, 20)),
    InquirySpec("hofh", KEPT, FIELD, HIGH, (0, 1)),
    InquirySpec("renal", FORWARDED, FIELD, NORMAL, (0, 2)),
    InquirySpec("interactions", RAISED, PHONE, NORMAL, (7, 10)),
    InquirySpec("storage", FORWARDED, WEB, LOW, (0, 3)),
    InquirySpec("adjuvant", HANDED, FIELD, NORMAL, (2, 4)),
    InquirySpec("elderly", ASSIGNED, EMAIL, NORMAL, (1, 2)),
    InquirySpec("storage", ASSIGNED, "pharmacist", HIGH, (9, 13)),
    InquirySpec("jaundice", ASSIGNED, PHONE, HIGH, (1, 1)),
    InquirySpec("renal-dialysis", FORWARDED, EMAIL, NORMAL, (0, 1), follow_up_of=0),
    InquirySpec("elderly-qol", ANSWERED, EMAIL, NORMAL, (15, 25), follow_up_of=1),
    InquirySpec("elderly", ANSWERED, "nurse", NORMAL, (18, 30)),
)

WITHDRAWN = "Withdrawn: the requester found the answer in the prescribing information."
NOT_MEDICAL = "Not a medical question (a price list): passed to customer service."
UNANSWERED_REASON = (
    "The requester did not answer our two calls to clarify the question; closed without an answer."
)
RAISE_REASON = "The patient's next treatment decision is due this week."
COVER_NOTE = "Thank you for your question. Please find our response below."


def field_interactions(world: World) -> dict[str, list[Interaction]]:
    """The MSLs' interactions of the last ten weeks with one HCP, by our product discussed."""
    since = world.now - dt.timedelta(days=70)
    found: dict[str, list[Interaction]] = {}
    interactions = (
        Interaction.objects.filter(
            products__is_own=True,
            occurred_at__gte=since,
            occurred_at__lte=world.now - dt.timedelta(minutes=30),
        )
        .distinct()
        .select_related("msl")
        .prefetch_related("hcps", "products")
        .order_by("occurred_at", "pk")
    )
    for interaction in interactions:
        if len(interaction.hcps.all()) != 1:
            continue
        for product in interaction.products.all():
            if product.is_own:
                found.setdefault(product.name, []).append(interaction)
    return found


def _hcps_of(product: Product) -> list[HCP]:
    return list(HCP.objects.filter(therapeutic_areas=product.therapeutic_area_id).order_by("pk"))


def _age(world: World, moment: dt.datetime) -> int:
    return (timezone.localdate(world.now) - turnaround.day_of(moment)).days


def _closest(world: World, pool: list[Any], ages: list[int], span: tuple[int, int]) -> Any | None:
    """One of ``pool`` received within ``span`` days ago, else one of the three closest."""
    if not pool:
        return None
    low, high = span
    inside = [item for item, age in zip(pool, ages, strict=True) if low <= age <= high]
    if not inside:
        distances = [max(low - age, age - high) for age in ages]
        ranked = sorted(zip(distances, pool, strict=True), key=lambda pair: pair[0])
        inside = [item for _, item in ranked[:3]]
    return world.rng.choice(inside)


def pick_interaction(world: World, topic: Topic, span: tuple[int, int]) -> Interaction | None:
    pool = [
        interaction
        for interaction in world.interactions.get(topic.product, [])
        if ("interaction", interaction.pk) not in world.used
        and interaction.hcps.all()[0].country not in topic.not_from
    ]
    chosen = _closest(world, pool, [_age(world, i.occurred_at) for i in pool], span)
    if chosen is not None:
        world.used.add(("interaction", chosen.pk))
    return chosen


def pick_hcp(world: World, topic: Topic) -> HCP | None:
    pool = [
        hcp
        for hcp in world.hcps.get(topic.product, [])
        if ("hcp", hcp.pk) not in world.used and hcp.country not in topic.not_from
    ]
    if not pool:
        return None
    chosen = world.rng.choice(pool)
    world.used.add(("hcp", chosen.pk))
    return chosen


def _received(
    world: World, span: tuple[int, int], weekday: bool, zone_name: str = ""
) -> dt.datetime:
    """A working hour of a day ``span`` days ago, where the question is taken."""
    zone = turnaround.zone_named(zone_name)
    day = timezone.localdate(world.now, zone) - dt.timedelta(days=world.rng.randint(*span))
    while weekday and day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    moment = timezone.make_aware(
        dt.datetime.combine(day, dt.time(world.rng.randint(8, 17), world.rng.randint(0, 59))),
        zone,
    )
    return min(moment, world.now - dt.timedelta(minutes=world.rng.randint(40, 180)))


@dataclass
class Intake:
    """How one inquiry is taken: by whom, from what, when."""

    actor: User
    data: InquiryData
    received: dt.datetime
    country: str
    source: str


def _asked(world: World, spec: InquirySpec, topic: Topic) -> InquiryData:
    """What is asked, whoever asks it."""
    product = world.products[topic.product]
    return {
        "question": world.rng.choice(topic.questions),
        "product": product,
        "indication": topic.indication,
        "therapeutic_area": product.therapeutic_area,
        "topic": topic.title,
        "priority": NORMAL if spec.outcome == RAISED else spec.priority,
        "signature_copy": world.rng.random() < 0.2,
    }


def intake(world: World, spec: InquirySpec, parent: Inquiry | None) -> Intake:
    """Who takes the inquiry of ``spec``, and what they enter."""
    topic = TOPICS[spec.topic]
    data = _asked(world, spec, topic)
    if parent is not None:
        asked = world.later(parent.answered_at or parent.received_at, 600, 2880)
        received = max(_received(world, spec.age, False, parent.time_zone), asked)
        data["channel"] = EMAIL
        data["received_at"] = received
        return Intake(world.medinfo, data, received, parent.requester_country, EMAIL)
    if spec.source == FIELD:
        interaction = pick_interaction(world, topic, spec.age)
        if interaction is not None:
            attendee = interaction.hcps.all()[0]
            data["interaction"] = interaction
            data["delivery_method"] = world.rng.choice(
                (DeliveryMethod.EMAIL, DeliveryMethod.IN_PERSON)
            )
            return Intake(interaction.msl, data, interaction.occurred_at, attendee.country, FIELD)
    return _asked_elsewhere(world, spec, topic, data)


def _asked_elsewhere(world: World, spec: InquirySpec, topic: Topic, data: InquiryData) -> Intake:
    """An inquiry not from an interaction: to medical information, or to an MSL when the
    (small) world has no interaction of the product left for it."""
    source, actor = spec.source, world.medinfo
    if source == FIELD:
        if world.msls:
            actor = world.rng.choice(world.msls)
        else:
            source = PHONE
    person = PEOPLE.get(source)
    channel = person["channel"] if person is not None else source
    hcp = None if person is not None else pick_hcp(world, topic)
    if hcp is None:
        # A named person, or (a small world with no HCP left) the nurse.
        person = person or PEOPLE["nurse"]
        data.update(person)
        country = person["requester_country"]
    else:
        data["requester_hcp"] = hcp
        data["delivery_method"] = (
            DeliveryMethod.POST if channel == InquiryChannel.LETTER else DeliveryMethod.EMAIL
        )
        data["time_zone"] = engagement_demo.zone_of(hcp, "")  # "": the server's
        country = hcp.country
    weekday = channel in (PHONE, InquiryChannel.LETTER, FIELD)
    received = _received(world, spec.age, weekday, data.get("time_zone", ""))
    data["received_at"] = received
    data["channel"] = InquiryChannel.FIELD if source == FIELD else channel
    return Intake(actor, data, received, country, source)


def attestation(taken: Intake, requester: str) -> InquiryData:
    """The unsolicited attestation when the label makes the question off-label (the
    service decides again, from the same label; this says who asked, when and how)."""
    data = taken.data
    decision = labelling.decide(
        data.get("product"),
        taken.country,
        therapeutic_area=data.get("therapeutic_area"),
        indication=data.get("indication", ""),
    )
    if not decision.off_label:
        return {}
    return {
        "unsolicited_requested_by": requester,
        "unsolicited_requested_at": taken.received,
        "unsolicited_how": ASKED_HOW.get(taken.source, ASKED_HOW[PHONE]),
        "unsolicited_words": data.get("question", ""),
    }


def _requester_name(taken: Intake, parent: Inquiry | None) -> str:
    if parent is not None:
        return parent.requester_name
    hcp = taken.data.get("requester_hcp")
    interaction = taken.data.get("interaction")
    if interaction is not None:
        hcp = interaction.hcps.all()[0]
    return hcp.full_name if hcp is not None else taken.data.get("requester_name", "")


def build_inquiry(world: World, spec: InquirySpec, parent: Inquiry | None) -> Inquiry:
    """One inquiry of :data:`SCENARIOS`, taken and worked through the services, dated."""
    taken = intake(world, spec, parent)
    attested = attestation(taken, _requester_name(taken, parent))
    keep = spec.outcome in (KEPT, HANDED) or (spec.outcome == CANCELLED and taken.source == FIELD)
    if parent is not None:
        # The rest (requester, product, indication, priority, delivery) is the parent's.
        follow_up: InquiryData = {"channel": EMAIL, "received_at": taken.received}
        follow_up.update(attested)
        inquiry = services.create_follow_up_inquiry(
            actor=taken.actor, parent=parent, question=taken.data["question"], data=follow_up
        )
    else:
        taken.data.update(attested)
        inquiry = services.take_inquiry(actor=taken.actor, data=taken.data, forward=not keep)
    received = inquiry.received_at
    entered = world.later(received, 5, 120)
    set_times(inquiry, created_at=entered)
    moments = [entered]
    if inquiry.status == InquiryStatus.FORWARDED:
        set_times(inquiry, forwarded_at=entered)
    work(world, spec, inquiry, moments)
    for handoff, moment in zip(inquiry.handoffs.order_by("pk"), moments, strict=True):
        set_times(handoff, at=moment)
    return inquiry


def work(world: World, spec: InquirySpec, inquiry: Inquiry, moments: list[dt.datetime]) -> None:
    """What happens to ``inquiry`` after intake; each hand-off's time goes to ``moments``."""
    medinfo, rng = world.medinfo, world.rng
    outcome = spec.outcome
    if outcome == KEPT or (outcome == HANDED and inquiry.status != InquiryStatus.RECEIVED):
        return
    if outcome == HANDED:
        forwarded = world.later(moments[0], 18 * 60, 30 * 60)
        services.forward_inquiry(
            actor=inquiry.received_by,
            inquiry=inquiry,
            to_user=medinfo,
            note="Could not answer from the label; please send the response to the HCP.",
        )
        set_times(inquiry, forwarded_at=forwarded)
        moments.append(forwarded)
        return
    if outcome == CANCELLED:
        closed = world.later(moments[0], 60, 48 * 60)
        who = inquiry.received_by if inquiry.status == InquiryStatus.RECEIVED else medinfo
        reason = NOT_MEDICAL if spec.topic == "price" else WITHDRAWN
        services.cancel_inquiry(actor=who, inquiry=inquiry, reason=reason)
        set_times(inquiry, closed_at=closed)
        return
    if outcome == RAISED:
        services.set_priority(actor=medinfo, inquiry=inquiry, priority=URGENT, reason=RAISE_REASON)
    if outcome in (FORWARDED, RAISED):
        return
    target = turnaround.target_days(inquiry.priority)
    if outcome == LATE:
        span = dt.timedelta(days=target + rng.randint(7, 10), hours=rng.randint(1, 6))
    else:
        span = dt.timedelta(minutes=rng.randint(180, target * 24 * 60 - 8 * 60))
    answered = world.clamp(inquiry.received_at + span)
    assigned = max(moments[0], world.clamp(inquiry.received_at + span * 0.3))
    services.assign_inquiry(actor=medinfo, inquiry=inquiry, to_user=medinfo)
    moments.append(assigned)
    if outcome == ASSIGNED:
        return
    if outcome == UNANSWERED:
        services.close_inquiry(actor=medinfo, inquiry=inquiry, reason=UNANSWERED_REASON)
        set_times(inquiry, closed_at=world.later(assigned, 5 * 24 * 60, 9 * 24 * 60))
        return
    topic = TOPICS[spec.topic]
    if outcome == CUSTOM:
        version = custom_response(world, inquiry, inquiry.received_at + span * 0.8)
        # Written for this question: after it came in.
        set_times(
            version,
            created_at=inquiry.received_at + span * 0.4,
            submitted_at=inquiry.received_at + span * 0.5,
        )
    else:
        version = world.sendable[topic.response]
    sent = answer(world, inquiry, version, answered)
    if outcome == CLOSED:
        services.close_inquiry(actor=medinfo, inquiry=inquiry)
        delivered = sent.delivered_at or answered
        set_times(inquiry, closed_at=world.later(delivered, 24 * 60, 6 * 24 * 60))


def answer(world: World, inquiry: Inquiry, version: ResponseVersion, at: dt.datetime) -> Answer:
    """Answer with ``version`` at ``at``, delivered by the inquiry's chosen means soon after."""
    sent = services.answer_inquiry(
        actor=world.medinfo, inquiry=inquiry, version=version, cover_note=COVER_NOTE
    )
    set_times(sent, prepared_at=at)
    set_times(inquiry, answered_at=at)
    services.deliver_answer(
        actor=world.medinfo,
        answer=sent,
        method=inquiry.delivery_method,
        delivered_at=world.later(at, 10, 240),
    )
    return sent


def build_inquiries(world: World, done: Callable[[int], None]) -> list[Inquiry]:
    """Every inquiry of :data:`SCENARIOS`, in order (``done`` hears how many are built)."""
    world.interactions = field_interactions(world)
    world.hcps = {name: _hcps_of(product) for name, product in world.products.items()}
    made: list[Inquiry] = []
    for spec in SCENARIOS:
        parent = made[spec.follow_up_of] if spec.follow_up_of is not None else None
        made.append(build_inquiry(world, spec, parent))
        done(len(made))
    return made
