"""Interaction notes are screened when saved (engagement hands them to safety inside
its transaction): an adverse event with our product raises one flag for the
author, dated the day of the interaction; negations and competitors' products
raise none; saving again raises no duplicate; confirming opens the case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.core import audit
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.tests import factories as directory
from liaison.engagement.models import Interaction
from liaison.engagement.services.data import InteractionData
from liaison.engagement.services.interactions import create_interaction, update_interaction
from liaison.engagement.tests import factories as engagement
from liaison.safety.models import CaseStatus, Flag, FlagStatus, ProductRole, SourceKind
from liaison.safety.services.flags import confirm_flags
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db

RASH = "Dr Weber's patient developed a severe rash after the second dose of Oncovirumab."


@pytest.fixture(autouse=True)
def oncovirumab(db: None) -> Any:
    return factories.own_product("Oncovirumab")


def _data(notes: str, **values: Any) -> InteractionData:
    values.setdefault("occurred_at", timezone.now() - dt.timedelta(hours=1))
    values.setdefault("time_zone", "Europe/Berlin")
    values.setdefault("channel", "in_person")
    values.setdefault("kind", "one_to_one")
    values.setdefault("hcps", [engagement.an_hcp("Weber", country="DE")])
    return {"notes": notes, **values}  # type: ignore[typeddict-item]


def _log(msl: User, notes: str, **values: Any) -> Interaction:
    return create_interaction(actor=msl, data=_data(notes, **values))


def _flags_of(interaction: Interaction) -> list[Flag]:
    return list(
        Flag.objects.filter(source_label="engagement.Interaction", source_id=interaction.pk)
    )


def test_an_adverse_event_with_our_product_raises_one_flag(msl: User) -> None:
    interaction = _log(msl, RASH)
    (flag,) = _flags_of(interaction)
    assert flag.kind == "adverse_event" and flag.status == FlagStatus.OPEN
    assert flag.author == msl
    assert flag.product is not None and flag.product.name == "Oncovirumab"
    assert flag.product_name == "Oncovirumab"
    assert "rash" in flag.terms.lower() and "rash" in flag.sentence
    assert flag.source_kind == SourceKind.INTERACTION and flag.field == "Notes"
    assert flag.source_url == reverse("engagement:interaction-detail", args=[interaction.pk])
    assert "Weber" in flag.source_title and flag.country == "DE"
    assert [event.action for event in audit.history_for(flag)] == ["create"]


def test_an_event_only_the_sentence_model_reads_is_marked_and_keeps_its_sentence_aside(
    msl: User,
) -> None:
    spins = "Dr Weber said her patient on Oncovirumab says the room spins every morning."
    (flag,) = _flags_of(_log(msl, spins))
    assert flag.by_model and not _flags_of(_log(msl, RASH))[0].by_model
    assert flag.terms and flag.terms in flag.sentence  # the words it weighed, marked
    case = confirm_flags(actor=msl, flags=[flag])
    # The sentence names the HCP: it stays in the awareness text, not in the reaction's
    # words, which go to the regulator.
    assert [reaction.verbatim for reaction in case.reactions.all()] == [flag.terms]
    assert spins in case.awareness


def test_the_flag_is_dated_the_interactions_local_day(msl: User) -> None:
    # 23:30 UTC is already the next day in Berlin, where the interaction took place.
    earlier = timezone.now() - dt.timedelta(days=3)
    occurred = earlier.replace(hour=23, minute=30, second=0, microsecond=0, tzinfo=dt.UTC)
    interaction = _log(msl, RASH, occurred_at=occurred)
    (flag,) = _flags_of(interaction)
    assert flag.heard_on == occurred.date() + dt.timedelta(days=1)


def test_a_negated_adverse_event_raises_no_flag(msl: User) -> None:
    interaction = _log(msl, "No rash was reported with Oncovirumab.")
    assert _flags_of(interaction) == []


def test_a_competitors_product_raises_no_flag(msl: User) -> None:
    directory.product("Rivalimab", company="Rival Pharma", is_own=False)
    interaction = _log(msl, "Dr Weber's patient developed a severe rash after Rivalimab.")
    assert _flags_of(interaction) == []


def test_notes_without_adverse_event_language_raise_no_flag(msl: User) -> None:
    interaction = _log(msl, "Discussed the phase 3 data of Oncovirumab in melanoma.")
    assert _flags_of(interaction) == []


def test_the_outcome_is_screened_too(msl: User) -> None:
    interaction = _log(msl, "Discussed the phase 3 data.", outcome=RASH)
    (flag,) = _flags_of(interaction)
    assert flag.field == "Outcome"


def test_saving_the_same_notes_again_raises_no_duplicate(msl: User) -> None:
    interaction = _log(msl, RASH)
    update_interaction(
        actor=msl, interaction=interaction, data={"notes": RASH + " Follow-up visit in May."}
    )
    update_interaction(actor=msl, interaction=interaction, data={"notes": RASH})
    assert len(_flags_of(interaction)) == 1


def test_a_new_sentence_in_an_update_raises_its_own_flag(msl: User) -> None:
    interaction = _log(msl, "Discussed the phase 3 data.")
    assert _flags_of(interaction) == []
    update_interaction(actor=msl, interaction=interaction, data={"notes": RASH})
    (flag,) = _flags_of(interaction)
    assert flag.sentence == RASH


def test_a_refused_interaction_leaves_no_flag(msl: User) -> None:
    with pytest.raises(LiaisonError):
        create_interaction(
            actor=msl,
            data=_data(RASH, insights=[{"statement": " ", "category": engagement.category()}]),
        )
    assert not Interaction.objects.exists()
    assert not Flag.objects.exists()


def test_confirming_the_flag_opens_the_case_of_the_interaction(msl: User, pv: User) -> None:
    interaction = _log(msl, RASH)
    (flag,) = _flags_of(interaction)
    case = confirm_flags(actor=msl, flags=[flag])
    case.refresh_from_db()
    assert case.day_zero == flag.heard_on
    assert case.source_kind == SourceKind.INTERACTION
    assert (case.source_label, case.source_id) == ("engagement.Interaction", interaction.pk)
    assert case.source_url == flag.source_url and case.source_title == flag.source_title
    (product,) = case.products.all()
    assert product.role == ProductRole.SUSPECT and product.product == flag.product
    assert case.status == CaseStatus.FORWARDED and case.country == "DE"
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.case == case


def test_an_administrators_amendment_flags_the_msl_who_heard_it(
    msl: User, admin_user: User
) -> None:
    interaction = _log(msl, "Discussed the phase 3 data of Oncovirumab.")
    assert _flags_of(interaction) == []
    update_interaction(
        actor=admin_user, interaction=interaction, data={"notes": RASH}, reason="typo"
    )
    (flag,) = _flags_of(interaction)
    assert flag.author == msl
