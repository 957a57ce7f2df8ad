"""The medical information part of the demo world: standard responses of our two
products (:mod:`.responses`) and about twenty-five inquiries of the last sixty days
in every state (:mod:`.inquiries`).

One step, ``medinfo`` (order 720: after engagement's interactions, before safety's
cases), declared in ``liaison.medinfo.apps``. Everything goes through the services,
so every rule holds and every change is audited, as the demo users: medical
information writes, answers and delivers, compliance approves with an electronic
signature (the password from core's ``LOGINS`` slot), the MSLs take inquiries from
their interactions. The records then get the story's times (:mod:`.story`). Draws
come from ``context.rng`` in a fixed order: the same seed gives the same world,
dated relative to today.
"""

from __future__ import annotations

from django.utils import timezone

from liaison.core import signatures
from liaison.core.demo import LOGINS, USERS, DemoContext, delete_audited
from liaison.core.models import ElectronicSignature, Role
from liaison.directory.models import Product
from liaison.medinfo.demo import inquiries, responses
from liaison.medinfo.demo.story import MEDICAL_INFORMATION, REVIEWER, World
from liaison.medinfo.models import Answer, Handoff, Inquiry, ResponseVersion, StandardResponse


def build(context: DemoContext) -> None:
    """The ``medinfo`` step: see the module's docstring. Nothing is built without the
    demo's medical information and compliance users or our two products."""
    users = {user.username: user for user in context.take(USERS)}
    passwords = {login.username: login.password for login in context.get(LOGINS, [])}
    products = {product.name: product for product in Product.objects.filter(is_own=True)}
    needed = {spec.product for spec in responses.RESPONSES}
    if MEDICAL_INFORMATION not in users or REVIEWER not in passwords or needed - set(products):
        return
    world = World(
        rng=context.rng,
        now=timezone.now(),
        medinfo=users[MEDICAL_INFORMATION],
        reviewer=users[REVIEWER],
        password=passwords[REVIEWER],
        products=products,
        msls=[user for user in users.values() if user.role == Role.MSL],
    )
    total = len(responses.RESPONSES) + len(inquiries.SCENARIOS)
    context.progress("medical information", 0, total)
    for spec in responses.RESPONSES:
        responses.build_response(world, spec)
    made = inquiries.build_inquiries(
        world,
        lambda done: context.progress(
            "medical information", len(responses.RESPONSES) + done, total
        ),
    )
    context.counts["standard responses"] = len(responses.RESPONSES)
    context.counts["medical inquiries"] = len(made)


def clear(context: DemoContext) -> None:
    """Remove answers, hand-offs, versions and their signatures, inquiries (follow-ups
    before what they follow) and standard responses (audited). Safety's step, cleared
    before this one, removed the flags and cases that point at inquiries."""
    version_ids = [str(pk) for pk in ResponseVersion.objects.values_list("pk", flat=True)]
    delete_audited(
        ElectronicSignature.objects.filter(
            record_label=signatures.record_label_of(ResponseVersion), record_id__in=version_ids
        )
    )
    delete_audited(Answer.objects.all())
    delete_audited(Handoff.objects.all())
    delete_audited(ResponseVersion.objects.all())
    while Inquiry.objects.exists():
        delete_audited(Inquiry.objects.filter(follow_ups__isnull=True))
    delete_audited(StandardResponse.objects.all())
