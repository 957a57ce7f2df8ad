"""The engagement part of the demo world: a year in the field of the two demo MSLs.

One step, ``engagement`` (order 700, after the directory, the evidence and the
watches), declared in ``liaison.engagement.apps``. For Mara (DACH) and Sam (US
West and the oncology key experts) it writes:

* the medical plan's strategic questions per therapeutic area for this year
  (one per area left unanswered, so coverage shows a gap);
* an engagement plan per MSL with tiered targets from their territory's HCPs
  (a few tier 1 targets not seen lately: overdue);
* a year of interactions, a few per working day, with their territory's HCPs
  (plan targets most often, tier 1 the most), channels and kinds in plausible
  proportions, the products and areas of the HCP's interest, publications and
  trials of the demo library, notes and outcomes from varied templates; a
  product without a labelled indication in the HCP's country makes it
  off-label, with the unsolicited-request attestation;
* follow-ups (most done, some open, some overdue), planned meetings from today
  to two weeks ahead, a draft;
* a few hundred insights in eight recognisable themes (each with its own
  vocabulary, varied from phrase lists, so the theme computation finds them),
  tied to strategic questions and evidence, some reviewed or actioned with the
  insights lead's comments; then the themes are computed.

Everything is drawn from ``context.rng`` in a fixed order (the same seed gives
the same world, dated relative to today), written in bulk and audited (one
create event per record, actor "system", source "demo").
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.db.models import Q
from django.utils import timezone

from liaison.core import audit, demo
from liaison.core.demo import DemoContext
from liaison.core.models import Territory, User
from liaison.directory.demo import AREAS
from liaison.directory.demo.hcps import created_event
from liaison.directory.models import HCP, Indication, Product, TherapeuticArea, in_territories_q
from liaison.engagement.models import (
    Channel,
    EngagementPlan,
    FollowUp,
    Insight,
    InsightCategory,
    InsightComment,
    InsightSource,
    InsightStatus,
    Interaction,
    InteractionDraft,
    InteractionKind,
    Meeting,
    MeetingStatus,
    PlanTarget,
    StrategicQuestion,
    Theme,
)
from liaison.lib.bulk import insert_instances, insert_rows
from liaison.literature.models import Publication
from liaison.trials.models import Trial

#: The MSLs of the demo world: username, their home time zone, territory codes.
FIELD: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("msl", "Europe/Berlin", ("dach",)),
    ("msl2", "America/Los_Angeles", ("us-west", "key-experts")),
)

COUNTRY_ZONES = {
    "DE": "Europe/Berlin",
    "AT": "Europe/Vienna",
    "CH": "Europe/Zurich",
    "FR": "Europe/Paris",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "SE": "Europe/Stockholm",
    "PL": "Europe/Warsaw",
    "GB": "Europe/London",
    "JP": "Asia/Tokyo",
    "US": "America/New_York",
}
WEST_REGIONS = ("US-CA", "US-WA", "US-OR")

#: (channel, weight, kinds with weights)
CHANNELS: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...] = (
    (
        Channel.IN_PERSON,
        45,
        (
            (InteractionKind.ONE_TO_ONE, 75),
            (InteractionKind.SITE_VISIT, 15),
            (InteractionKind.PRESENTATION, 10),
        ),
    ),
    (Channel.VIRTUAL, 25, ((InteractionKind.ONE_TO_ONE, 85), (InteractionKind.PRESENTATION, 15))),
    (Channel.PHONE, 12, ((InteractionKind.ONE_TO_ONE, 90), (InteractionKind.SITE_VISIT, 10))),
    (Channel.EMAIL, 8, ((InteractionKind.ONE_TO_ONE, 100),)),
    (Channel.CONGRESS_BOOTH, 5, ((InteractionKind.CONGRESS, 100),)),
    (
        Channel.GROUP,
        5,
        ((InteractionKind.PRESENTATION, 50), (InteractionKind.ADVISORY_BOARD, 50)),
    ),
)

#: Per area: the condition as MSLs say it, our product, a competitor, a comparator.
AREA_TALK: dict[str, tuple[str, str, str, str]] = {
    "oncology": ("EGFR-mutated NSCLC", "Onvexa", "Tremiqa", "osimertinib"),
    "cardiology": ("familial hypercholesterolaemia", "Cardivance", "Rhythmex", "evolocumab"),
    "neurology": ("relapsing multiple sclerosis", "", "Neuralto", "ocrelizumab"),
    "immunology": ("plaque psoriasis", "", "Immuvia", "secukinumab"),
}

NOTES = (
    "Discussed the {condition} data of {product} with {hcp}; {hcp_short} asked about "
    "the subgroup results and the dosing in patients with renal impairment.",
    "{hcp} shared how {condition} patients are managed at the clinic; we went through "
    "the recent publication \u201c{paper}\u201d and its limitations.",
    "Scientific exchange on {product} in {condition}: mechanism of action, the phase 3 "
    "design and how it compares with {comparator}. {hcp_short} was familiar with the data.",
    "Presented the updated efficacy and safety data of {product}; questions on long-term "
    "follow-up and real-world evidence in {condition}.",
    "Site visit: reviewed recruitment of the {condition} study, screening failures and "
    "the eligibility criteria with {hcp} and the study nurse.",
    "Short call with {hcp} about the {condition} guideline update and where {product} "
    "may fit; {hcp_short} sees {comparator} as the current standard.",
    "{hcp_short} asked for the latest data on {product} in older patients and for the "
    "reference list; discussed the \u201c{paper}\u201d results.",
    "Congress conversation on {condition}: the new trial readouts, {competitor}'s data "
    "and what they mean for practice.",
    "Advisory discussion with {hcp} on unmet needs in {condition} and the design of "
    "an investigator-initiated study.",
)

OUTCOMES = (
    "Agreed to send the requested publications.",
    "{hcp_short} will consider referring patients to the study.",
    "Follow-up meeting proposed in about two months.",
    "Shared the reference list; no further request.",
    "Interested in speaking at the regional meeting.",
    "Asked for a medical information response on the renal data.",
    "Good understanding of the data; no open questions.",
    "Will discuss the guideline update with the department.",
)

FOLLOW_UPS = (
    "Send the full publication \u201c{paper}\u201d",
    "Send the medical information response on dosing in renal impairment",
    "Share the slides of the {condition} data presented",
    "Introduce {hcp_short} to the study team of the {condition} trial",
    "Send the congress poster on {product}",
    "Check the status of the site's contract for the {condition} study",
)

MATERIALS = (
    "",
    "",
    "Approved scientific slide deck",
    "Congress poster reprint",
    "Publication reprint",
    "Medical information letter",
)


@dataclass(frozen=True)
class ThemeSpec:
    """A theme of the demo insights: its category, area, and the phrases it is said in."""

    category: str
    area: str
    templates: tuple[str, ...]


#: Words every theme's statements draw from (who said it, where): shared, so the
#: themes differ by their own vocabulary only.
SAYING: dict[str, tuple[str, ...]] = {
    "who": (
        "Clinicians",
        "Two department heads",
        "The investigator",
        "Community physicians",
        "Hospital specialists",
        "Several KOLs",
        "The nurse coordinator",
    ),
    "say": ("report", "say", "mention", "stress", "point out", "explain"),
    "where": (
        "",
        "",
        " at the university hospital",
        " in community practice",
        " across the region",
        " since the last congress",
    ),
}

THEMES: tuple[ThemeSpec, ...] = (
    ThemeSpec(
        "unmet_medical_need",
        "oncology",
        (
            "there are too few velotinib data in elderly patients",
            "they hesitate to treat elderly patients with velotinib",
            "frail elderly patients need a dedicated velotinib cohort",
            "dose and tolerability data in patients over 75 are missing",
            "elderly patients are excluded from the velotinib trials",
            "an elderly cohort would answer their questions",
            "comorbidities of elderly patients complicate the choice",
        ),
    ),
    ThemeSpec(
        "efficacy_perception",
        "oncology",
        (
            "the intracranial response in brain metastases is convincing",
            "velotinib's CNS activity decides the choice in brain metastases",
            "intracranial control of brain metastases is what matters",
            "brain metastases at diagnosis are frequent in their patients",
            "the CNS penetration of velotinib looks promising",
            "intracranial progression is their main concern",
            "they want CNS efficacy data beyond the trial's brain scans",
        ),
    ),
    ThemeSpec(
        "safety_perception",
        "oncology",
        (
            "skin rash worries patients on EGFR inhibitors",
            "they need practical guidance on rash management",
            "paronychia and skin toxicity take much of the visit",
            "dose reduction for rash is handled differently by each nurse",
            "a rash management leaflet would help patients",
            "acneiform rash leads some patients to stop treatment",
            "dermatology referrals for skin toxicity take weeks",
        ),
    ),
    ThemeSpec(
        "access_and_reimbursement",
        "cardiology",
        (
            "insurers delay reimbursement of Cardivance",
            "prior authorisation forms take weeks",
            "the first prior authorisation is often refused",
            "reimbursement paperwork discourages prescribing",
            "patients wait months for insurer approval",
            "statutory health insurance asks for LDL values before reimbursement",
            "pharmacists report reimbursement queries for every new patient",
        ),
    ),
    ThemeSpec(
        "treatment_patterns",
        "cardiology",
        (
            "patients prefer monthly injections",
            "fewer injections help adherence",
            "autoinjector training improves adherence",
            "adherence to lipid-lowering injections drops after six months",
            "patients forget the injection without reminders",
            "a monthly injection schedule fits their routine",
            "injection site reactions rarely lead to stopping",
        ),
    ),
    ThemeSpec(
        "competitor_activity",
        "oncology",
        (
            "the competitor Tremiqa study recruits at the same centres",
            "the lenvarafenib team visits the centres often",
            "Tremiqa investigators compete for the same patients",
            "the competitor sponsor offers investigator meetings",
            "lenvarafenib data were presented at the regional meeting",
            "Tremiqa's medical team contacts the tumour board",
            "the competitor opened new lenvarafenib sites",
        ),
    ),
    ThemeSpec(
        "clinical_trial_feedback",
        "oncology",
        (
            "the eligibility criteria are too strict",
            "screening failures slow recruitment",
            "the biopsy requirement delays screening",
            "recruitment lags behind the plan",
            "the visit schedule burdens the study nurses",
            "eligibility excludes many real-world patients",
            "screening takes too long for recruitment to keep up",
        ),
    ),
    ThemeSpec(
        "guideline_and_practice_change",
        "cardiology",
        (
            "the new ESC guideline's lower LDL targets change practice",
            "they escalate therapy to reach the LDL targets",
            "lipid clinics follow the ESC guideline more closely",
            "LDL targets below 55 mg/dL are now routine after infarction",
            "the guideline update prompts earlier combination therapy",
            "general practitioners are not yet aware of the new LDL targets",
            "the ESC guideline changed their referral pathway",
        ),
    ),
)

#: Per area: the strategic questions of this year (the last one left unanswered).
QUESTIONS: dict[str, tuple[tuple[str, str, tuple[int, ...]], ...]] = {
    "oncology": (
        ("ONC-1", "What limits first-line velotinib use in elderly and frail patients?", (0, 2)),
        ("ONC-2", "How do clinicians judge CNS efficacy when choosing an EGFR inhibitor?", (1,)),
        ("ONC-3", "What slows recruitment into our lung cancer studies?", (5, 6)),
        ("ONC-4", "Which biomarker testing gaps delay EGFR-targeted treatment?", ()),
    ),
    "cardiology": (
        ("CV-1", "What delays access to Cardivance after prescription?", (3,)),
        ("CV-2", "How do the new LDL targets change lipid-lowering practice?", (7, 4)),
        ("CV-3", "Which patients do cardiologists see as candidates for combination therapy?", ()),
    ),
    "neurology": (("NEU-1", "How is treatment sequencing in relapsing MS decided?", ()),),
    "immunology": (("IMM-1", "What drives switching between biologics in psoriasis?", ()),),
}

COMMENTS = (
    "Thank you, shared with the medical plan team.",
    "Seen in three other regions as well; added to the quarterly insights report.",
    "Can you say how many HCPs raised this?",
    "Actioned: the medical education team prepares material on this.",
    "Relevant for the strategic question; keep reporting it.",
)

THEMES_SERVICE = "liaison.engagement.services.themes"

DRAFT_NOTES = "Discussed the elderly cohort data; she wants the poster from the congress"

#: Tiers of the plan's targets, by position in the shuffled portfolio.
TIER_SIZES = (6, 12, 18)


@dataclass
class MSLWorld:
    """One MSL's world as the step builds it."""

    user: User
    zone: str
    hcps: list[HCP]
    targets: list[tuple[HCP, str]]
    overdue: set[int]


def build(context: DemoContext) -> None:
    """The ``engagement`` step (see the module's docstring)."""
    rng = context.rng
    users = {user.username: user for user in context.take(demo.USERS)}
    areas = context.get(AREAS, {area.code: area for area in TherapeuticArea.objects.all()})
    fields = [
        plan_field(rng, users[username], zone, codes)
        for username, zone, codes in FIELD
        if username in users
    ]
    fields = [item for item in fields if item.hcps]
    if not fields:
        return
    today = timezone.localdate()
    report = context.progress
    report("engagement", 0, 4)
    questions = build_questions(areas, today)
    plans = build_plans(fields, today)
    report("engagement", 1, 4)
    interactions = build_interactions(rng, fields, areas, today)
    follow_ups = build_follow_ups(rng, interactions, today)
    report("engagement", 2, 4)
    insights = build_insights(rng, interactions, areas, questions, users.get("insights"))
    meetings = build_meetings(rng, fields, today)
    drafts = build_drafts(fields)
    report("engagement", 3, 4)
    compute_themes()
    report("engagement", 4, 4)
    context.counts.update(
        {
            "interactions": len(interactions),
            "insights": len(insights),
            "follow-ups": len(follow_ups),
            "meetings": len(meetings),
            "engagement plans": len(plans),
            "strategic questions": len(questions),
            "drafts": len(drafts),
        }
    )


def clear(context: DemoContext) -> None:
    """Remove every engagement record (audited): the directory they refer to goes next."""
    for model in (
        InsightComment,
        Insight,
        Theme,
        FollowUp,
        InteractionDraft,
        Interaction,
        Meeting,
        PlanTarget,
        EngagementPlan,
        StrategicQuestion,
    ):
        labels = (
            (pk, f"{model._meta.verbose_name} {pk}")
            for pk in model.objects.values_list("pk", flat=True)
        )
        demo.delete_audited(model.objects.all(), labels)


# --- planning --------------------------------------------------------------------------------


def plan_field(rng: random.Random, user: User, zone: str, codes: Sequence[str]) -> MSLWorld:
    """The MSL's HCPs (their territories', in id order) and the plan's tiered targets."""
    territories = Territory.objects.filter(code__in=codes)
    hcps = list(
        HCP.objects.filter(in_territories_q(territories))
        .distinct()
        .order_by("pk")
        .prefetch_related("therapeutic_areas")
    )
    if len(hcps) < 10:  # a small demo: the territory's countries
        countries = ["DE", "AT", "CH"] if "dach" in codes else ["US"]
        hcps = list(
            HCP.objects.filter(country__in=countries)
            .order_by("pk")
            .prefetch_related("therapeutic_areas")[:200]
        )
    portfolio = rng.sample(hcps, min(len(hcps), sum(TIER_SIZES)))
    targets: list[tuple[HCP, str]] = []
    start = 0
    for tier, size in enumerate(TIER_SIZES, start=1):
        targets += [(hcp, str(tier)) for hcp in portfolio[start : start + size]]
        start += size
    tier_1 = [hcp.pk for hcp, tier in targets if tier == "1"]
    overdue = set(tier_1[:2])
    return MSLWorld(user=user, zone=zone, hcps=hcps, targets=targets, overdue=overdue)


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([item for item, _ in choices], weights=[w for _, w in choices])[0]


def zone_of(hcp: HCP, home: str) -> str:
    """The time zone an HCP is met in (``home`` where the demo knows none); medinfo's
    demo takes questions in it too."""
    if hcp.country == "US" and hcp.region in WEST_REGIONS:
        return "America/Los_Angeles"
    return COUNTRY_ZONES.get(hcp.country, home)


def _fill(rng: random.Random, template: str, values: dict[str, Any]) -> str:
    return template.format(**{key: rng.choice(options) for key, options in values.items()})


def _audit(instances: Sequence[Any], m2m: Sequence[dict[str, list[int]]] | None = None) -> None:
    events = [
        created_event(instance, m2m=m2m[index] if m2m is not None else None)
        for index, instance in enumerate(instances)
    ]
    audit.record_events(actor=None, events=events)


def _through_rows(relation: Any, pairs: Sequence[tuple[int, int]]) -> None:
    through = relation.through
    names = [f.name for f in through._meta.concrete_fields if not f.primary_key]
    insert_rows(through, names, list(pairs))


# --- strategic questions and plans -----------------------------------------------------------


def build_questions(
    areas: dict[str, TherapeuticArea], today: dt.date
) -> dict[int, list[StrategicQuestion]]:
    """This year's questions; by theme index, the questions its insights answer."""
    by_theme: dict[int, list[StrategicQuestion]] = {}
    created = []
    for code, questions in QUESTIONS.items():
        area = areas.get(code)
        if area is None:
            continue
        for question_code, text, themes in questions:
            question = StrategicQuestion(
                therapeutic_area=area,
                code=question_code,
                text=text,
                period_start=dt.date(today.year, 1, 1),
                period_end=dt.date(today.year, 12, 31),
            )
            created.append(question)
            for theme in themes:
                by_theme.setdefault(theme, []).append(question)
    insert_instances(StrategicQuestion, created)
    _audit(created)
    return by_theme


def build_plans(fields: Sequence[MSLWorld], today: dt.date) -> list[EngagementPlan]:
    plans = []
    for item in fields:
        territory = item.user.territories.order_by("pk").first()
        plans.append(
            EngagementPlan(
                name=f"{item.user.first_name or item.user.username}'s plan {today.year}",
                msl=item.user,
                territory=territory,
                period_start=dt.date(today.year, 1, 1),
                period_end=dt.date(today.year, 12, 31),
                tier_frequency_days={"1": 30, "2": 90, "3": 180},
            )
        )
    insert_instances(EngagementPlan, plans)
    targets = [
        PlanTarget(plan=plan, hcp=hcp, tier=tier)
        for plan, item in zip(plans, fields, strict=True)
        for hcp, tier in item.targets
    ]
    insert_instances(PlanTarget, targets)
    _audit([*plans, *targets])
    return plans


# --- interactions ----------------------------------------------------------------------------


@dataclass
class Evidence:
    """What the demo library offers per area: (pk, title) of publications, trial pks."""

    papers: dict[str, list[tuple[int, str]]]
    trials: dict[str, list[int]]


def load_evidence(areas: dict[str, TherapeuticArea]) -> Evidence:
    papers: dict[str, list[tuple[int, str]]] = {}
    trials: dict[str, list[int]] = {}
    for code, (_condition, _ours, _competitor, comparator) in AREA_TALK.items():
        generics = list(
            Product.objects.filter(therapeutic_area__code=code).values_list(
                "generic_name", flat=True
            )
        )
        words = [*generics, comparator]
        query = Q()
        trial_query = Q()
        for word in words:
            query |= Q(title__icontains=word)
            trial_query |= Q(brief_title__icontains=word)
        papers[code] = [
            (pk, title[:120])
            for pk, title in Publication.objects.filter(query)
            .order_by("pk")
            .values_list("pk", "title")[:300]
        ]
        trials[code] = list(
            Trial.objects.filter(trial_query).order_by("pk").values_list("pk", flat=True)[:100]
        )
    return Evidence(papers, trials)


def working_days(today: dt.date, days: int = 365) -> list[dt.date]:
    start = today - dt.timedelta(days=days)
    return [
        start + dt.timedelta(days=n)
        for n in range(days)
        if (start + dt.timedelta(days=n)).weekday() < 5
    ]


def build_interactions(
    rng: random.Random,
    fields: Sequence[MSLWorld],
    areas: dict[str, TherapeuticArea],
    today: dt.date,
) -> list[Interaction]:
    products = {product.name: product for product in Product.objects.all()}
    labelled = set(Indication.objects.values_list("product_id", "country"))
    evidence = load_evidence(areas)
    now = timezone.now()
    interactions: list[Interaction] = []
    m2m: list[dict[str, list[int]]] = []
    days = working_days(today)
    recent = today - dt.timedelta(days=60)
    for item in fields:
        tier_of = {hcp.pk: tier for hcp, tier in item.targets}
        weights = [{"1": 12, "2": 5, "3": 2}.get(tier_of.get(hcp.pk, ""), 0.3) for hcp in item.hcps]
        for day in days:
            for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
                hcp = rng.choices(item.hcps, weights=weights)[0]
                if day >= recent and hcp.pk in item.overdue:
                    continue
                channel, _weight, kinds = CHANNELS[
                    rng.choices(range(len(CHANNELS)), weights=[c[1] for c in CHANNELS])[0]
                ]
                kind = _weighted(rng, kinds)
                zone = zone_of(hcp, item.zone)
                local = dt.datetime.combine(
                    day, dt.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
                ).replace(tzinfo=zoneinfo.ZoneInfo(zone))
                occurred = local.astimezone(dt.UTC)
                if occurred > now - dt.timedelta(hours=1):
                    continue
                record, ids = _interaction(
                    rng, item.user, hcp, channel, kind, zone, occurred, areas, products,
                    labelled, evidence,
                )  # fmt: skip
                interactions.append(record)
                m2m.append(ids)
    insert_instances(Interaction, interactions)
    relations = (
        ("hcps", Interaction.hcps),
        ("therapeutic_areas", Interaction.therapeutic_areas),
        ("products", Interaction.products),
        ("publications", Interaction.publications),
        ("trials", Interaction.trials),
    )
    for name, relation in relations:
        _through_rows(
            relation,
            [
                (record.pk, pk)
                for record, ids in zip(interactions, m2m, strict=True)
                for pk in ids[name]
            ],
        )
    _audit(interactions, m2m)
    return interactions


def _interaction(
    rng: random.Random,
    msl: User,
    hcp: HCP,
    channel: str,
    kind: str,
    zone: str,
    occurred: dt.datetime,
    areas: dict[str, TherapeuticArea],
    products: dict[str, Product],
    labelled: set[tuple[int, str]],
    evidence: Evidence,
) -> tuple[Interaction, dict[str, list[int]]]:
    hcp_areas = sorted(area.code for area in hcp.therapeutic_areas.all()) or ["oncology"]
    code = rng.choice(hcp_areas)
    condition, ours, competitor, comparator = AREA_TALK.get(code, AREA_TALK["oncology"])
    discussed = [name for name in (ours,) if name] if rng.random() < 0.85 else []
    if rng.random() < 0.2:
        discussed.append(competitor)
    chosen = [products[name] for name in discussed if name in products]
    papers = evidence.papers.get(code, [])
    cited = rng.sample(papers, min(len(papers), rng.choice((0, 0, 1, 1, 2)))) if papers else []
    trial_pool = evidence.trials.get(code, [])
    trials = (
        rng.sample(trial_pool, 1)
        if trial_pool and (kind == InteractionKind.SITE_VISIT or rng.random() < 0.15)
        else []
    )
    names = {
        "hcp": f"Dr {hcp.family_name}",
        "hcp_short": f"Dr {hcp.family_name}",
        "condition": condition,
        "product": ours or competitor,
        "competitor": competitor,
        "comparator": comparator,
        "paper": cited[0][1] if cited else f"the {condition} phase 3 publication",
    }
    off_label = any((product.pk, hcp.country) not in labelled for product in chosen)
    record = Interaction(
        occurred_at=occurred,
        time_zone=zone,
        duration_minutes=rng.choice((15, 30, 30, 45, 60, 90)),
        msl=msl,
        channel=channel,
        kind=kind,
        location=(hcp.city if channel in (Channel.IN_PERSON, Channel.GROUP) else ""),
        meeting_link=(
            f"https://teams.microsoft.com/l/meetup-join/demo-{rng.randrange(10**8):08d}"
            if channel == Channel.VIRTUAL
            else ""
        ),
        topics=rng.sample(["efficacy", "safety", "dosing", "guidelines", "trials", "access"], 2),
        materials=rng.choice(MATERIALS),
        notes=rng.choice(NOTES).format(**names),
        outcome=rng.choice(OUTCOMES).format(**names),
        off_label=off_label,
        unsolicited=True if off_label else None,
        unsolicited_requested_by=f"Dr {hcp.given_name} {hcp.family_name}" if off_label else "",
        unsolicited_how=(
            rng.choice(
                (
                    "asked at the end of the meeting, unprompted",
                    "asked by e-mail before the visit",
                    "question raised in the discussion of a patient case",
                )
            )
            if off_label
            else ""
        ),
        created_at=occurred + dt.timedelta(hours=rng.choice((1, 2, 4, 20))),
    )
    if record.created_at > timezone.now():
        record.created_at = timezone.now()
    area = areas.get(code)
    ids = {
        "hcps": [hcp.pk],
        "therapeutic_areas": [area.pk] if area is not None else [],
        "products": [product.pk for product in chosen],
        "publications": [pk for pk, _title in cited],
        "trials": trials,
    }
    return record, ids


def build_follow_ups(
    rng: random.Random, interactions: Sequence[Interaction], today: dt.date
) -> list[FollowUp]:
    follow_ups = []
    for record in interactions:
        if rng.random() > 0.3:
            continue
        hcp_name = (
            record.notes.split("Dr ", 1)[-1].split()[0].strip(";,.")
            if "Dr " in record.notes
            else ""
        )
        due = record.occurred_at.date() + dt.timedelta(days=rng.choice((3, 7, 10, 14, 21)))
        done = due < today - dt.timedelta(days=3) and rng.random() < 0.93
        text = rng.choice(FOLLOW_UPS).format(
            paper="the phase 3 results",
            condition="EGFR-mutated NSCLC" if "NSCLC" in record.notes else "the",
            product="our product",
            hcp_short=f"Dr {hcp_name}" if hcp_name else "the HCP",
        )
        follow_ups.append(
            FollowUp(
                owner_id=record.msl_id,
                interaction=record,
                description=" ".join(text.split()),
                due=due,
                done_at=(
                    dt.datetime.combine(due, dt.time(16, 0), tzinfo=dt.UTC)
                    - dt.timedelta(days=rng.randint(0, 3))
                    if done
                    else None
                ),
                created_at=record.created_at,
            )
        )
    insert_instances(FollowUp, follow_ups)
    # The follow-up's HCP is its interaction's (one attendee in the demo).
    first_hcp = dict(
        Interaction.hcps.through.objects.filter(
            interaction_id__in=[f.interaction_id for f in follow_ups]
        ).values_list("interaction_id", "hcp_id")
    )
    for follow_up in follow_ups:
        follow_up.hcp_id = first_hcp.get(follow_up.interaction_id or 0)
    FollowUp.objects.bulk_update(follow_ups, ["hcp"], batch_size=500)
    _audit(follow_ups)
    return follow_ups


# --- insights --------------------------------------------------------------------------------


def insight_statement(rng: random.Random, spec: ThemeSpec) -> str:
    """A statement of ``spec``'s theme: who said it, two or three of its phrases
    in any order, and where (no fixed sentence, so the theme has no sub-themes)."""
    phrases = rng.sample(spec.templates, rng.choice((2, 2, 3)))
    said = _fill(rng, "{who} {say} that ", SAYING)
    where = rng.choice(SAYING["where"])
    text = said + ", and ".join(phrases) + where
    return text[0].upper() + text[1:]


def build_insights(
    rng: random.Random,
    interactions: Sequence[Interaction],
    areas: dict[str, TherapeuticArea],
    questions: dict[int, list[StrategicQuestion]],
    lead: User | None,
) -> list[Insight]:
    categories = {category.code: category for category in InsightCategory.objects.all()}
    products = {product.name: product for product in Product.objects.all()}
    area_of = dict(
        Interaction.therapeutic_areas.through.objects.filter(
            interaction_id__in=[record.pk for record in interactions]
        ).values_list("interaction_id", "therapeuticarea_id")
    )
    hcp_of = dict(
        Interaction.hcps.through.objects.filter(
            interaction_id__in=[record.pk for record in interactions]
        ).values_list("interaction_id", "hcp_id")
    )
    countries = dict(HCP.objects.filter(pk__in=set(hcp_of.values())).values_list("pk", "country"))
    paper_of: dict[int, list[int]] = {}
    for interaction_id, publication_id in Interaction.publications.through.objects.filter(
        interaction_id__in=[record.pk for record in interactions]
    ).values_list("interaction_id", "publication_id"):
        paper_of.setdefault(interaction_id, []).append(publication_id)
    by_area: dict[int, list[Interaction]] = {}
    for record in interactions:
        if record.pk in area_of:
            by_area.setdefault(area_of[record.pk], []).append(record)
    insights: list[Insight] = []
    theme_of: list[int] = []
    now = timezone.now()
    for index, spec in enumerate(THEMES):
        area = areas.get(spec.area)
        pool = by_area.get(area.pk, []) if area is not None else []
        if not pool or spec.category not in categories:
            continue
        _condition, ours, competitor, _comparator = AREA_TALK[spec.area]
        product_name = competitor if spec.category == "competitor_activity" else ours
        for _ in range(rng.randint(38, 52)):
            record = rng.choice(pool)
            hcp_id = hcp_of.get(record.pk)
            source = {
                InteractionKind.ADVISORY_BOARD: InsightSource.ADVISORY_BOARD,
                InteractionKind.CONGRESS: InsightSource.CONGRESS,
            }.get(record.kind, InsightSource.INTERACTION)  # type: ignore[call-overload]
            age = now - record.created_at
            status = InsightStatus.NEW
            if age > dt.timedelta(days=21):
                status = _weighted(
                    rng,
                    (
                        (InsightStatus.NEW, 25),
                        (InsightStatus.REVIEWED, 50),
                        (InsightStatus.ACTIONED, 25),
                    ),
                )
            insights.append(
                Insight(
                    statement=insight_statement(rng, spec),
                    category=categories[spec.category],
                    therapeutic_area=area,
                    product=products.get(product_name),
                    source=source,
                    interaction=record,
                    hcp_id=hcp_id,
                    country=countries.get(hcp_id, "") if hcp_id else "",
                    msl_id=record.msl_id,
                    status=status,
                    tags=rng.sample(
                        [
                            "elderly",
                            "CNS",
                            "access",
                            "adherence",
                            "recruitment",
                            "guideline",
                            "safety",
                        ],
                        rng.randint(0, 2),
                    ),
                    created_at=record.created_at,
                )
            )
            theme_of.append(index)
    for insight in insights:
        insight.search_text = " ".join(insight.statement.lower().split())
    insert_instances(Insight, insights)
    question_rows = []
    paper_rows = []
    m2m: list[dict[str, list[int]]] = []
    for insight, index in zip(insights, theme_of, strict=True):
        answered = [q.pk for q in questions.get(index, [])] if rng.random() < 0.85 else []
        papers = paper_of.get(insight.interaction_id or 0, [])[:1] if rng.random() < 0.5 else []
        question_rows += [(insight.pk, pk) for pk in answered]
        paper_rows += [(insight.pk, pk) for pk in papers]
        m2m.append({"strategic_questions": answered, "publications": papers})
    _through_rows(Insight.strategic_questions, question_rows)
    _through_rows(Insight.publications, paper_rows)
    _audit(insights, m2m)
    if lead is not None:
        comments = [
            InsightComment(
                insight=insight,
                author=lead,
                text=rng.choice(COMMENTS),
                created_at=insight.created_at + dt.timedelta(days=rng.randint(2, 14)),
            )
            for insight in insights
            if insight.status != InsightStatus.NEW and rng.random() < 0.5
        ]
        for comment in comments:
            comment.created_at = min(comment.created_at, now)
        insert_instances(InsightComment, comments)
        _audit(comments)
    return insights


# --- meetings and drafts ---------------------------------------------------------------------


def build_meetings(rng: random.Random, fields: Sequence[MSLWorld], today: dt.date) -> list[Meeting]:
    meetings: list[Meeting] = []
    hcp_rows: list[tuple[int, int]] = []
    attendees: list[int] = []
    for item in fields:
        targets = [hcp for hcp, _tier in item.targets] or item.hcps
        for offset in range(15):
            day = today + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            count = 2 if offset == 0 else rng.choice((0, 1, 1, 2))
            hours = sorted(rng.sample(range(8, 18), count))
            for hour in hours:
                hcp = rng.choice(targets)
                zone = zone_of(hcp, item.zone)
                starts = dt.datetime.combine(day, dt.time(hour, 0)).replace(
                    tzinfo=zoneinfo.ZoneInfo(zone)
                )
                virtual = rng.random() < 0.35
                condition = AREA_TALK.get(
                    next(iter(sorted(a.code for a in hcp.therapeutic_areas.all())), "oncology"),
                    AREA_TALK["oncology"],
                )[0]
                meetings.append(
                    Meeting(
                        organizer=item.user,
                        title=f"Dr {hcp.family_name}: {condition} data",
                        starts_at=starts.astimezone(dt.UTC),
                        ends_at=(
                            starts + dt.timedelta(minutes=rng.choice((30, 45, 60)))
                        ).astimezone(dt.UTC),
                        time_zone=zone,
                        location="" if virtual else hcp.city,
                        meeting_link=(
                            f"https://zoom.us/j/{rng.randrange(10**10):010d}" if virtual else ""
                        ),
                        agenda=rng.choice(
                            (
                                f"Latest {condition} data; questions from the last visit",
                                f"Study recruitment update and {condition} guideline discussion",
                                "Follow-up on the requested publications",
                            )
                        ),
                        status=MeetingStatus.PLANNED,
                        created_at=timezone.now() - dt.timedelta(days=rng.randint(1, 10)),
                    )
                )
                attendees.append(hcp.pk)
    insert_instances(Meeting, meetings)
    hcp_rows = [(meeting.pk, pk) for meeting, pk in zip(meetings, attendees, strict=True)]
    _through_rows(Meeting.hcps, hcp_rows)
    _audit(meetings, [{"hcps": [pk]} for pk in attendees])
    return meetings


def build_drafts(fields: Sequence[MSLWorld]) -> list[InteractionDraft]:
    """Mara left a draft from this morning's visit."""
    item = fields[0]
    hcp = item.targets[0][0] if item.targets else item.hcps[0]
    zone = zone_of(hcp, item.zone)
    started = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)) - dt.timedelta(hours=3)
    # As the form keeps it: its fields as typed, lists of ids as strings.
    draft = InteractionDraft(
        owner=item.user,
        hcp=hcp,
        data={
            "hcps": [str(hcp.pk)],
            "occurred_at": started.strftime("%Y-%m-%dT%H:%M"),
            "time_zone": zone,
            "channel": Channel.IN_PERSON.value,
            "kind": InteractionKind.ONE_TO_ONE.value,
            "notes": DRAFT_NOTES,
        },
        updated_at=timezone.now() - dt.timedelta(hours=3),
    )
    draft.save()
    return [draft]


def compute_themes() -> None:
    """The themes of the demo insights (the computation is the themes service's)."""
    if find_spec(THEMES_SERVICE) is None:  # pragma: no cover - before the themes service exists
        return
    recompute = getattr(import_module(THEMES_SERVICE), "recompute_themes", None)
    if recompute is not None:
        recompute(actor=None)
