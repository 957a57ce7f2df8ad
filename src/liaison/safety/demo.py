"""The demo's adverse events: flags from the MSLs' interaction notes and the cases
pharmacovigilance works from them.

A few of the demo interactions of our products get one more sentence in their
notes, as MSLs write them: an adverse event heard in the meeting, a negated or
hypothetical mention (which the screen must leave alone), a product complaint, a
pregnancy. The notes are screened as the interaction service screens them, so the
flags come from the real screen. Then: most flags are confirmed into cases (one
left at intake, one forwarded late), one is dismissed with a reason, some stay
open (the oldest escalated to pharmacovigilance); pharmacovigilance codes the
reactions of most cases (MedDRA codes below are illustrative: MedDRA itself is
licensed and not shipped), assesses expectedness, and one case goes out as E2B:
exported, marked sent, and acknowledged by the regulator's positive answer read
as an acknowledgement file, as pharmacovigilance would upload it.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from liaison.core import registry
from liaison.core.demo import DemoContext, delete_audited
from liaison.core.models import Role, User
from liaison.engagement.models import Interaction
from liaison.safety.e2b import Ack, AckCode, MessageAck, PartialDate, write_ack
from liaison.safety.models import (
    Case,
    CaseProduct,
    Expectedness,
    Flag,
    FollowUpRequest,
    Reaction,
    Submission,
)
from liaison.safety.services import cases as case_service
from liaison.safety.services import e2b as e2b_service
from liaison.safety.services import flags as flag_service
from liaison.safety.services.submissions import mark_submission_sent

#: Sentences added to demo notes: ``{product}`` is our product discussed.
FIELD_SENTENCES = (
    "{hcp_short} mentioned that one of her patients developed a severe rash two weeks after "
    "starting {product}; the patient was admitted to hospital for three days.",
    "A patient on {product} had grade 3 neutropenia after the second cycle, per {hcp_short}.",
    "{hcp_short} reported that a vial of {product} arrived cracked and the solution looked cloudy.",
    "One patient became pregnant while taking {product}; {hcp_short} asked what to do.",
    "{hcp_short} said an elderly patient was hospitalised with severe diarrhoea on {product}.",
    "Her patient felt dizzy and fainted the day after the first infusion of {product}.",
    "No rash or other skin reaction has been seen with {product} in her clinic so far.",
    "{hcp_short} asked whether {product} could cause liver enzyme elevations in patients "
    "with hepatitis.",
)
#: Illustrative (MedDRA version, LLT code) for the coded reactions.
CODES = ("27.1", ("10037844", "10029354", "10012735", "10013573", "10016256"))


def _pv(users: list[User]) -> User:
    return next(user for user in users if user.role == Role.PHARMACOVIGILANCE)


def _candidates() -> list[Interaction]:
    """Interactions about one of our products, oldest first, with their HCPs."""
    return list(
        Interaction.objects.filter(products__is_own=True)
        .distinct()
        .order_by("occurred_at", "pk")
        .prefetch_related("hcps", "products")
    )


def _screen(interaction: Interaction) -> list[Flag]:
    hcps = list(interaction.hcps.all())
    local = interaction.occurred_at.astimezone(zoneinfo.ZoneInfo(interaction.time_zone))
    names = ", ".join(str(hcp) for hcp in hcps[:3])
    return flag_service.screen_saved_text(
        registry.SavedText(
            kind="interaction",
            source="engagement.Interaction",
            source_id=interaction.pk,
            title=f"Interaction with {names} on {local:%d %b %Y}",
            url=reverse("engagement:interaction-detail", args=[interaction.pk]),
            author=interaction.msl,
            texts={"Notes": interaction.notes},
            heard_on=local.date(),
            country=hcps[0].country if hcps else "",
        )
    )


def build(context: DemoContext) -> None:
    """The ``safety`` step: see the module's docstring."""
    users = list(User.objects.filter(role=Role.PHARMACOVIGILANCE))
    if not users:
        return
    pv = _pv(users)
    candidates = _candidates()
    if not candidates:
        return
    # The most recent interactions: their clocks are alive when the demo opens.
    chosen = candidates[-len(FIELD_SENTENCES) :]
    flags: list[Flag] = []
    for interaction, sentence in zip(chosen, FIELD_SENTENCES, strict=False):
        product = next(item for item in interaction.products.all() if item.is_own)
        hcp = interaction.hcps.first()
        short = f"Dr {hcp.family_name}" if hcp is not None else "The physician"
        extra = sentence.format(product=product.name, hcp_short=short)
        Interaction.objects.filter(pk=interaction.pk).update(notes=f"{interaction.notes} {extra}")
        interaction.refresh_from_db()
        raised = _screen(interaction)
        # Raised when the notes were saved, not when the demo ran.
        Flag.objects.filter(pk__in=[flag.pk for flag in raised]).update(
            created_at=interaction.created_at
        )
        flags.extend(Flag.objects.filter(pk__in=[flag.pk for flag in raised]).order_by("pk"))
    context.counts["adverse-event flags"] = len(flags)
    _work(flags, pv)
    context.counts["adverse-event cases"] = Case.objects.count()


def _work(flags: list[Flag], pv: User) -> None:
    """Handle the demo flags: confirm most, dismiss one, leave the newest open."""
    by_source: dict[int, list[Flag]] = {}
    for flag in flags:
        by_source.setdefault(flag.source_id, []).append(flag)
    groups = list(by_source.values())
    if not groups:
        return
    open_groups = groups[-2:] if len(groups) > 3 else []
    dismissed = groups[-3] if len(groups) > 3 else None
    for group in groups:
        if group in open_groups:
            continue
        author = group[0].author
        if group is dismissed:
            flag_service.dismiss_flag(
                actor=author,
                flag=group[0],
                reason="The physician asked about a possible risk; no patient had it.",
            )
            continue
        forward = len(groups) < 2 or group is not groups[1]
        case = flag_service.confirm_flags(
            actor=author,
            flags=group,
            data={
                "patient_initials": "".join(rng_letters(group[0].pk)),
                "patient_sex": "female" if group[0].pk % 2 else "male",
                "patient_age": 45 + group[0].pk % 35,
                "reporter_qualification": "physician",
                "narrative": " ".join(flag.sentence for flag in group),
            },
            forward=forward,
        )
        if forward:
            _pv_work(case, pv, group[0].pk)
    submitted = Case.objects.filter(status="in_review").order_by("pk").first()
    if submitted is not None:
        _submit(submitted, pv)
    _escalate_oldest(open_groups)


def rng_letters(seed: int) -> tuple[str, str]:
    letters = "ABCDEFGHJKLMNPRSTW"
    return letters[seed % len(letters)], letters[(seed * 7) % len(letters)]


def _pv_work(case: Case, pv: User, seed: int) -> None:
    version, codes = CODES
    reactions = list(case.reactions.all())
    if not reactions:
        return
    serious = "hospital" in case.narrative.lower() or "grade 3" in case.narrative.lower()
    case_service.update_case(
        actor=pv,
        case=case,
        data={
            "expectedness": Expectedness.UNEXPECTED if seed % 2 else Expectedness.EXPECTED,
            "reactions": [
                {
                    "verbatim": reaction.verbatim,
                    "meddra_version": version,
                    "meddra_code": codes[(seed + index) % len(codes)],
                    "hospitalisation": serious,
                    "start_date": case.day_zero - dt.timedelta(days=3),
                }
                for index, reaction in enumerate(reactions)
            ],
        },
    )
    case_service.set_case_status(actor=pv, case=case, status="in_review")
    if seed % 3 == 0:
        case_service.request_follow_up(
            actor=pv,
            case=case,
            message="Could you tell us the patient's age group and the dose given?",
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )


def _submit(case: Case, pv: User) -> None:
    """Export the case as E2B, mark the file sent, and read the regulator's positive
    acknowledgement of it."""
    submission = e2b_service.export_case(actor=pv, case=case).submission
    mark_submission_sent(actor=pv, submission=submission)
    now = PartialDate.from_datetime(timezone.now())
    ack = Ack(
        ack_id=f"DEMO-ACK-{submission.pk}",
        sender_id="ICHTEST",
        receiver_id=submission.batch_id.partition("-B-")[0],
        created_at=now,
        icsr_batch_id=submission.batch_id,
        code=AckCode.APPLICATION_ACCEPT,
        text="Accepted (demo acknowledgement)",
        messages=(MessageAck(target_id=submission.message_id, code=AckCode.COMMIT_ACCEPT),),
    )
    stream = io.BytesIO()
    write_ack(ack, stream)
    stream.seek(0)
    e2b_service.import_ack(actor=pv, stream=stream, name="demo-acknowledgement.xml")


def _escalate_oldest(groups: list[list[Flag]]) -> None:
    if not groups:
        return
    oldest = groups[0][0]
    now = timezone.now()
    if timezone.localdate(oldest.created_at) < timezone.localdate(now):
        flag_service.escalate_due_flags(now=now)


def clear(context: DemoContext) -> None:
    """Remove the step's flags and cases (audited). The interactions go with engagement's step."""
    for model in (Submission, FollowUpRequest, Reaction, CaseProduct):
        delete_audited(model.objects.all())
    delete_audited(Flag.objects.all())
    delete_audited(Case.objects.all())
