"""The inquiry pages: the MSL's one-step intake from an interaction, the off-label
refusal shown beside each missing field with nothing written, the live label
notice, the queue's filters and clocks, the inquiry page and its hand-off steps."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import AuditEvent, User
from liaison.engagement.tests import factories as engagement
from liaison.medinfo.models import Handoff, Inquiry, InquiryStatus, Priority
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

NSCLC = "EGFR-mutated metastatic non-small cell lung cancer"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def phone_intake(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "requester_hcp": "",
        "requester_name": "Jean Dupont",
        "requester_country": "DE",
        "channel": "phone",
        "question": "Is Onvexa studied in the adjuvant setting?",
        "delivery_method": "email",
        "priority": "normal",
    }
    data.update(values)
    return data


# --- intake ------------------------------------------------------------------------


def test_intake_from_an_interaction_is_prefilled_from_it(client: Client, msl: User) -> None:
    hcp = engagement.an_hcp("Weber")
    interaction = engagement.interaction(msl, [hcp])
    page = signed_in(client, msl).get(
        reverse("medinfo:inquiry-create"), {"interaction": interaction.pk}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{hcp.pk}" id="requester-hcp-{hcp.pk}" checked' in html
    # Its time is shown in its own time zone, and read back in it.
    zone = zoneinfo.ZoneInfo(interaction.time_zone)
    assert f'value="{interaction.occurred_at.astimezone(zone):%Y-%m-%dT%H:%M}"' in html
    assert re.search(rf'name="time_zone" value="{interaction.time_zone}"', html)
    assert re.search(r'<input type="checkbox" name="forward"[^>]* checked', html)


def test_msl_hands_an_inquiry_from_an_interaction_to_medical_information_in_one_step(
    client: Client, msl: User
) -> None:
    hcp = engagement.an_hcp("Weber")
    interaction = engagement.interaction(msl, [hcp])
    response = signed_in(client, msl).post(
        reverse("medinfo:inquiry-create"),
        {
            "interaction": interaction.pk,
            "requester_hcp": hcp.pk,
            "question": "What is the half-life in renal impairment?",
            "delivery_method": "email",
            "priority": "normal",
            "forward": "on",
        },
    )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("medinfo:inquiry-detail", args=[inquiry.pk])
    assert inquiry.status == InquiryStatus.FORWARDED
    assert inquiry.interaction == interaction
    assert inquiry.requester_hcp == hcp and inquiry.requester_country == "DE"
    assert inquiry.received_at == interaction.occurred_at
    assert inquiry.channel == "field"
    assert Handoff.objects.get(inquiry=inquiry).to_team == "medical information"


def test_msl_may_keep_an_inquiry_and_forward_it_later(client: Client, msl: User) -> None:
    signed_in(client, msl).post(reverse("medinfo:inquiry-create"), phone_intake(channel=""))
    inquiry = Inquiry.objects.get()
    assert inquiry.status == InquiryStatus.RECEIVED
    page = client.get(reverse("medinfo:inquiry-detail", args=[inquiry.pk])).content.decode()
    assert reverse("medinfo:inquiry-forward", args=[inquiry.pk]) in page

    client.post(reverse("medinfo:inquiry-forward", args=[inquiry.pk]), {"note": "over to you"})

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.FORWARDED
    assert [step.note for step in inquiry.handoffs.all()][-1] == "over to you"


def test_off_label_intake_without_attestation_names_each_missing_field_and_writes_nothing(
    client: Client, medinfo: User
) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    events = AuditEvent.objects.count()
    response = signed_in(client, medinfo).post(
        reverse("medinfo:inquiry-create"),
        phone_intake(product=product.pk, indication="adjuvant melanoma"),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert Inquiry.objects.count() == 0 and AuditEvent.objects.count() == events
    for field in (
        "unsolicited_requested_by",
        "unsolicited_requested_at",
        "unsolicited_how",
        "unsolicited_words",
    ):
        assert f'id="id_{field}_error"' in html, field
    assert "Off-label in Germany" in html
    # What was typed is kept.
    assert "adjuvant melanoma" in html and "Jean Dupont" in html


def test_off_label_intake_with_attestation_is_taken(client: Client, medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    asked = _local(timezone.now() - dt.timedelta(hours=2))
    signed_in(client, medinfo).post(
        reverse("medinfo:inquiry-create"),
        phone_intake(
            product=product.pk,
            indication="adjuvant melanoma",
            unsolicited_requested_by="Jean Dupont",
            unsolicited_requested_at=asked,
            unsolicited_how="by telephone, unprompted",
            unsolicited_words="Can I use it after surgery for melanoma?",
        ),
    )
    inquiry = Inquiry.objects.get()
    assert inquiry.off_label and inquiry.unsolicited_how == "by telephone, unprompted"
    page = client.get(reverse("medinfo:inquiry-detail", args=[inquiry.pk])).content.decode()
    assert "Unsolicited request (attested)" in page
    assert "Can I use it after surgery for melanoma?" in page


def test_live_notice_says_off_label_once_product_and_country_are_chosen(
    client: Client, msl: User
) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    url = reverse("medinfo:inquiry-label")
    signed_in(client, msl)
    chosen = {"product": str(product.pk), "indication": NSCLC}
    off = client.get(url, {**chosen, "requester_country": "FR"}).content.decode()
    on = client.get(url, {**chosen, "requester_country": "DE"}).content.decode()
    nothing = client.get(url, {"product": product.pk}).content.decode()
    assert "Off-label in France" in off and "attestation below is required" in off
    assert "On-label in Germany" in on
    assert "label" not in nothing.lower()


def test_live_notice_asks_for_the_use_before_calling_a_product_on_label(
    client: Client, msl: User
) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    url = reverse("medinfo:inquiry-label")
    signed_in(client, msl)
    bare = client.get(url, {"product": str(product.pk), "requester_country": "DE"})
    unlabelled = client.get(url, {"product": str(product.pk), "requester_country": "FR"})
    area = client.get(
        url,
        {
            "product": str(product.pk),
            "requester_country": "DE",
            "therapeutic_area": str(product.therapeutic_area_id),
        },
    )
    assert "Which use?" in bare.content.decode()
    assert "On-label in Germany" not in bare.content.decode()
    assert "On-label in Germany" in area.content.decode()
    # Off-label whatever the use: said at once, beside the question of the use.
    assert "Which use?" in unlabelled.content.decode()
    assert "Off-label in France" in unlabelled.content.decode()


def test_intake_of_a_product_without_its_use_is_refused_beside_the_indication(
    client: Client, medinfo: User
) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    response = signed_in(client, medinfo).post(
        reverse("medinfo:inquiry-create"), phone_intake(product=product.pk)
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_indication_error"' in html
    assert "so Liaison can tell on- from off-label" in html
    assert not Inquiry.objects.exists()


def test_live_notice_reads_the_country_of_the_hcp_chosen(client: Client, msl: User) -> None:
    product = factories.own_product()
    factories.labelled(product, "DE", NSCLC)
    french = engagement.an_hcp("Dupont", country="FR")
    notice = (
        signed_in(client, msl)
        .get(
            reverse("medinfo:inquiry-label"),
            {
                "product": str(product.pk),
                "indication": NSCLC,
                "requester_hcp": str(french.pk),
                "requester_country": "DE",
            },
        )
        .content.decode()
    )
    assert "Off-label in France" in notice


def test_requester_search_offers_directory_hcps_to_choose(client: Client, msl: User) -> None:
    hcp = engagement.an_hcp("Weber")
    html = (
        signed_in(client, msl)
        .get(reverse("medinfo:inquiry-hcp-search"), {"q": "Weber"})
        .content.decode()
    )
    assert f'name="requester_hcp" value="{hcp.pk}"' in html


# --- the queue ---------------------------------------------------------------------


def test_queue_breach_filter_keeps_only_breached_inquiries(
    client: Client, msl: User, medinfo: User
) -> None:
    today = timezone.localdate()
    late = factories.inquiry(msl, reference="MI-LATE", due_on=today - dt.timedelta(days=2))
    timely = factories.inquiry(msl, reference="MI-TIMELY", due_on=today + dt.timedelta(days=3))
    signed_in(client, medinfo)
    everything = client.get(reverse("medinfo:inquiry-list")).content.decode()
    breached = client.get(reverse("medinfo:inquiry-list"), {"breached": "yes"}).content.decode()
    on_time = client.get(reverse("medinfo:inquiry-list"), {"breached": "no"}).content.decode()
    assert late.reference in everything and timely.reference in everything
    assert late.reference in breached and timely.reference not in breached
    assert "Overdue by 2 days" in breached and "Breached</span>" in breached
    assert timely.reference in on_time and late.reference not in on_time


def test_queue_answers_htmx_with_the_results_only(client: Client, medinfo: User) -> None:
    factories.inquiry(medinfo, reference="MI-HTMX", priority=Priority.URGENT)
    response = signed_in(client, medinfo).get(
        reverse("medinfo:inquiry-list"), {"priority": "urgent"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "MI-HTMX" in html and "<h1>" not in html
    assert 'hx-swap-oob="true"' in html


def test_msl_sees_only_the_inquiries_they_took(client: Client, msl: User, other_msl: User) -> None:
    factories.inquiry(msl, reference="MI-ALICE")
    factories.inquiry(other_msl, reference="MI-BOB")
    html = signed_in(client, other_msl).get(reverse("medinfo:inquiry-list")).content.decode()
    assert "MI-BOB" in html and "MI-ALICE" not in html


# --- the inquiry page and its steps ------------------------------------------------


def test_medical_information_assigns_to_itself_and_reprioritises(
    client: Client, msl: User, medinfo: User
) -> None:
    inquiry = factories.inquiry(msl)
    signed_in(client, medinfo)
    page = client.get(reverse("medinfo:inquiry-detail", args=[inquiry.pk])).content.decode()
    assert "Assign to me" in page

    client.post(reverse("medinfo:inquiry-assign", args=[inquiry.pk]), {"to_user": medinfo.pk})
    refused = client.post(
        reverse("medinfo:inquiry-priority", args=[inquiry.pk]), {"priority": "urgent"}
    )
    client.post(
        reverse("medinfo:inquiry-priority", args=[inquiry.pk]),
        {"priority": "urgent", "reason": "a patient is waiting"},
    )

    inquiry.refresh_from_db()
    assert inquiry.assigned_to == medinfo and inquiry.status == InquiryStatus.IN_PROGRESS
    assert refused.status_code == 422 and 'id="id_reason_error"' in refused.content.decode()
    assert inquiry.priority == Priority.URGENT


def test_closing_an_unanswered_inquiry_needs_a_reason(
    client: Client, msl: User, medinfo: User
) -> None:
    inquiry = factories.inquiry(msl)
    url = reverse("medinfo:inquiry-close", args=[inquiry.pk])
    refused = signed_in(client, medinfo).post(url, {"reason": ""})
    assert refused.status_code == 422 and "no answer" in refused.content.decode()
    client.post(url, {"reason": "the requester withdrew the question"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CLOSED


def test_follow_up_question_becomes_a_linked_inquiry(
    client: Client, msl: User, medinfo: User
) -> None:
    parent = factories.inquiry(msl, reference="MI-PARENT")
    response = signed_in(client, medinfo).post(
        reverse("medinfo:inquiry-follow-up", args=[parent.pk]),
        {"question": "And in patients on dialysis?"},
    )
    follow_up = Inquiry.objects.get(parent=parent)
    assert response["Location"] == reverse("medinfo:inquiry-detail", args=[follow_up.pk])
    page = client.get(reverse("medinfo:inquiry-detail", args=[parent.pk])).content.decode()
    assert follow_up.reference in page and "And in patients on dialysis?" in page


def test_msl_of_another_team_does_not_see_the_inquiry(
    client: Client, msl: User, other_msl: User
) -> None:
    inquiry = factories.inquiry(msl)
    response = signed_in(client, other_msl).get(
        reverse("medinfo:inquiry-detail", args=[inquiry.pk])
    )
    assert response.status_code == 404
