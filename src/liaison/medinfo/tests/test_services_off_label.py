"""On- and off-label at intake: the use asked about, the label decision and the
unsolicited attestation an off-label inquiry needs (:mod:`liaison.medinfo.labelling`,
``take_inquiry``)."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.errors import LiaisonError
from liaison.core.models import AuditEvent, User
from liaison.medinfo import labelling
from liaison.medinfo.models import Handoff, Inquiry
from liaison.medinfo.services import create_follow_up_inquiry, take_inquiry
from liaison.medinfo.tests import factories
from liaison.medinfo.tests.intake import NSCLC, attestation, phone_inquiry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]


# The use asked about


def test_a_labelled_product_without_the_use_asked_about_is_refused_naming_indication(
    medinfo: User,
) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)
    question = "Can Onvexa be used in children with glioma?"

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(product=product, question=question))

    assert set(refused.value.details) == {"indication"}
    assert refused.value.details["indication"] == labelling.USE_NEEDED
    assert "so Liaison can tell on- from off-label" in refused.value.message
    assert not Inquiry.objects.exists()


def test_an_unlabelled_product_without_its_use_names_indication_and_the_attestation(
    medinfo: User,
) -> None:
    product = factories.own_product()

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(product=product))

    assert "indication" in refused.value.details
    assert "unsolicited_words" in refused.value.details


def test_a_therapeutic_area_states_the_use_without_an_indication(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)

    inquiry = take_inquiry(
        actor=medinfo,
        data=phone_inquiry(product=product, therapeutic_area=product.therapeutic_area),
    )

    assert inquiry.off_label is False


def test_an_indication_of_blanks_is_no_use(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(product=product, indication="   "))

    assert "indication" in refused.value.details


def test_a_question_without_a_product_needs_no_use(medinfo: User) -> None:
    inquiry = take_inquiry(actor=medinfo, data=phone_inquiry())

    assert inquiry.product is None and inquiry.off_label is False


def test_a_follow_up_keeps_its_parents_use_unless_told_otherwise(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)
    parent = take_inquiry(actor=medinfo, data=phone_inquiry(product=product, indication=NSCLC))

    follow_up = create_follow_up_inquiry(
        actor=medinfo, parent=parent, question="And in the elderly?"
    )
    with pytest.raises(LiaisonError) as refused:
        create_follow_up_inquiry(
            actor=medinfo, parent=parent, question="And?", data={"indication": ""}
        )

    assert (follow_up.indication, follow_up.off_label) == (NSCLC, False)
    assert set(refused.value.details) == {"indication"}


def test_use_missing_needs_a_product_and_neither_indication_nor_area(db: None) -> None:
    product = factories.own_product()

    assert labelling.use_missing(product, therapeutic_area=None, indication=" ")
    assert not labelling.use_missing(product, therapeutic_area=None, indication="NSCLC")
    assert not labelling.use_missing(
        product, therapeutic_area=product.therapeutic_area, indication=""
    )
    assert not labelling.use_missing(None, therapeutic_area=None, indication="")


# Off-label and the attestation


def test_off_label_inquiry_without_attestation_is_refused_naming_each_part(
    medinfo: User,
) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    events_before = AuditEvent.objects.count()

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(product=product, indication=NSCLC))

    details = refused.value.details
    assert set(details) == {
        "unsolicited_requested_by",
        "unsolicited_requested_at",
        "unsolicited_how",
        "unsolicited_words",
    }
    assert "Onvexa has no labelled indication in France" in details["unsolicited_how"]
    for label in ("Asked by", "Asked on", "How it was asked", "In the requester's words"):
        assert label in refused.value.message
    assert not Inquiry.objects.exists()
    assert not Handoff.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_off_label_refusal_names_only_the_missing_parts(medinfo: User) -> None:
    product = factories.own_product()
    partial = attestation()
    del partial["unsolicited_words"]
    partial["unsolicited_how"] = "   "

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(
            actor=medinfo, data=phone_inquiry(product=product, indication=NSCLC, **partial)
        )

    assert set(refused.value.details) == {"unsolicited_how", "unsolicited_words"}


def test_off_label_inquiry_with_attestation_keeps_it_and_the_reason(medinfo: User) -> None:
    product = factories.own_product()

    inquiry = take_inquiry(
        actor=medinfo, data=phone_inquiry(product=product, indication=NSCLC, **attestation())
    )

    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.off_label is True
    assert stored.off_label_reason == "Onvexa has no labelled indication in France"
    assert stored.unsolicited_words == "Does Onvexa work in the adjuvant setting?"


def test_on_label_inquiry_needs_no_attestation(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)

    inquiry = take_inquiry(
        actor=medinfo, data=phone_inquiry(product=product, indication=f"{NSCLC}, first line")
    )

    assert inquiry.off_label is False
    assert inquiry.off_label_reason == ""


def test_indication_outside_the_label_is_off_label(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(
            actor=medinfo, data=phone_inquiry(product=product, indication="small cell lung cancer")
        )

    assert "not labelled for “small cell lung cancer” in France" in refused.value.message


def test_therapeutic_area_outside_the_label_is_off_label(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "FR", NSCLC)
    neurology = factories.area("neurology", "Neurology")

    inquiry = take_inquiry(
        actor=medinfo,
        data=phone_inquiry(product=product, therapeutic_area=neurology, **attestation()),
    )

    assert inquiry.off_label is True
    assert inquiry.off_label_reason == "Onvexa is not labelled for Neurology in France"


def test_competitor_product_without_indication_in_the_country_is_off_label(
    medinfo: User,
) -> None:
    competitor = factories.competitor_product()
    factories.labelled(competitor, "US", "BRAF V600E-mutant metastatic melanoma")

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=phone_inquiry(product=competitor, indication=NSCLC))

    assert "Tremiqa has no labelled indication in France" in refused.value.message


def test_caller_cannot_declare_an_inquiry_on_label(medinfo: User) -> None:
    product = factories.own_product()
    data: dict[str, Any] = dict(phone_inquiry(product=product, indication=NSCLC), off_label=False)

    with pytest.raises(LiaisonError):
        take_inquiry(actor=medinfo, data=data)  # type: ignore[arg-type]


def test_unknown_field_is_refused_by_name(medinfo: User) -> None:
    data: dict[str, Any] = dict(phone_inquiry(), urgency="now")

    with pytest.raises(LiaisonError) as refused:
        take_inquiry(actor=medinfo, data=data)  # type: ignore[arg-type]

    assert refused.value.field == "urgency"


def test_label_decision_without_a_product_is_on_label() -> None:
    decision = labelling.decide(None, "DE")

    assert decision.off_label is False


def test_label_decision_needs_every_word_of_the_condition(db: None) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)

    broad = labelling.decide(product, "DE", indication="lung cancer")
    specific = labelling.decide(
        product, "de", indication="Metastatic EGFR mutated non small cell lung cancer in elderly"
    )

    assert broad.off_label is True
    assert specific.off_label is False


def test_indication_without_area_covers_the_products_area(db: None) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC, therapeutic_area=None)

    decision = labelling.decide(product, "DE", therapeutic_area=factories.area())

    assert decision.off_label is False
