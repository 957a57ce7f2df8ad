"""The intake: any member reports an adverse event in one submit, forwarded to
pharmacovigilance; from an interaction Day 0 is the interaction's date where it
took place and the reporter its first HCP; from an inquiry, its requester;
refusals are shown beside the fields and nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.engagement.tests import factories as engagement
from liaison.medinfo.tests import factories as medinfo_factories
from liaison.safety.models import Case, CaseStatus, SourceKind
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def field_html(html: str, name: str) -> str:
    found = re.search(rf'<div class="field[^"]*">\s*<label for="id_{name}".*?</div>', html, re.S)
    assert found is not None, name
    return found.group(0)


def intake(**values: Any) -> dict[str, Any]:
    values.setdefault("day_zero", timezone.localdate().isoformat())
    values.setdefault("country", "DE")
    values.setdefault("is_adverse_event", "on")
    values.setdefault("reactions", "rash on both arms")
    return values


def test_msl_intake_from_an_interaction_is_forwarded_with_the_interactions_day_zero(
    client: Client, msl: User
) -> None:
    # 23:30 UTC on 3 March is 4 March in Tokyo, where the meeting took place.
    when = dt.datetime(2025, 3, 3, 23, 30, tzinfo=dt.UTC)
    hcp = engagement.an_hcp("Tanaka", country="JP")
    interaction = engagement.interaction(msl, [hcp], occurred_at=when, time_zone="Asia/Tokyo")
    url = f"{reverse('safety:case-create')}?interaction={interaction.pk}"
    html = signed_in(client, msl).get(url).content.decode()
    assert 'value="2025-03-04"' in field_html(html, "day_zero")
    assert "Tanaka" in html
    product = factories.own_product()
    response = client.post(
        url,
        intake(
            day_zero="2025-03-04",
            country="JP",
            reporter_hcp=str(hcp.pk),
            product=str(product.pk),
            seriousness=["hospitalisation"],
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("safety:case-detail", args=[case.pk])
    assert case.day_zero == dt.date(2025, 3, 4)
    assert case.status == CaseStatus.FORWARDED and case.forwarded_at is not None
    assert case.reporter_hcp == hcp and case.reported_by == msl
    assert (case.source_kind, case.source_label, case.source_id) == (
        SourceKind.INTERACTION,
        "engagement.Interaction",
        interaction.pk,
    )
    assert case.source_url == reverse("engagement:interaction-detail", args=[interaction.pk])
    reaction = case.reactions.get()
    assert reaction.verbatim == "rash on both arms" and reaction.hospitalisation
    assert list(case.products.values_list("product", "role")) == [(product.pk, "suspect")]


def test_intake_without_day_zero_is_refused_beside_the_field(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(reverse("safety:case-create"), intake(day_zero=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Day 0 is needed" in field_html(html, "day_zero")
    assert "rash on both arms" in html  # what was typed is kept
    assert not Case.objects.exists()


def test_a_day_zero_in_the_future_is_refused(client: Client, msl: User) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()  # after today anywhere
    response = signed_in(client, msl).post(reverse("safety:case-create"), intake(day_zero=tomorrow))
    assert response.status_code == 422
    assert "in the future" in field_html(response.content.decode(), "day_zero")
    assert not Case.objects.exists()


def test_a_reaction_too_long_is_named_beside_what_happened(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(
        reverse("safety:case-create"), intake(reactions="itch\n" + "x" * 300)
    )
    assert response.status_code == 422
    assert "reaction 2:" in field_html(response.content.decode(), "reactions")
    assert not Case.objects.exists()


def test_patient_details_note_says_only_pharmacovigilance_sees_them(
    client: Client, msl: User
) -> None:
    html = signed_in(client, msl).get(reverse("safety:case-create")).content.decode()
    assert "Only pharmacovigilance will see these details" in html
    response = client.post(
        reverse("safety:case-create"), intake(patient_initials="QZX", patient_age="54")
    )
    case = Case.objects.get()
    assert (case.patient_initials, case.patient_age) == ("QZX", 54)
    html = client.get(response["Location"]).content.decode()
    assert "QZX" not in html  # the reporter does not read them back


def test_an_unknown_interaction_is_not_found(client: Client, msl: User) -> None:
    response = signed_in(client, msl).get(f"{reverse('safety:case-create')}?interaction=99999")
    assert response.status_code == 404


def test_intake_from_an_inquiry_names_its_requester_and_source(
    client: Client, medinfo: User
) -> None:
    received = timezone.now() - dt.timedelta(days=1)
    inquiry = medinfo_factories.inquiry(
        medinfo,
        received_at=received,
        requester_name="Dr Ines Moreau",
        requester_country="FR",
        requester_email="moreau@example.org",
        question="My patient had a seizure after the first dose: is that known?",
    )
    url = f"{reverse('safety:case-create')}?inquiry={inquiry.pk}"
    html = signed_in(client, medinfo).get(url).content.decode()
    assert f'value="{timezone.localdate(received).isoformat()}"' in field_html(html, "day_zero")
    assert "Dr Ines Moreau" in field_html(html, "reporter_family_name")
    response = client.post(
        url,
        intake(
            day_zero=timezone.localdate(received).isoformat(),
            country="FR",
            reporter_family_name="Dr Ines Moreau",
            reporter_contact="moreau@example.org",
            reactions="seizure",
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.source_kind, case.source_label, case.source_id) == (
        SourceKind.INQUIRY,
        "medinfo.Inquiry",
        inquiry.pk,
    )
    assert inquiry.reference in case.source_title


def test_the_flag_parameter_leads_to_the_flags_confirmation(client: Client, msl: User) -> None:
    flag = factories.flag(msl)
    response = signed_in(client, msl).get(f"{reverse('safety:case-create')}?flag={flag.pk}")
    assert response.status_code == 302
    assert response["Location"] == reverse("safety:flag-confirm", args=[flag.pk])
