"""Flags on an interaction's page (core's record-panel hook) and their handling:
confirm reports a case prefilled from the flag and its note, dismiss needs a
reason; whoever may not handle a flag sees it without the buttons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.engagement.models import Interaction
from liaison.engagement.tests import factories as engagement
from liaison.safety.models import Case, CaseStatus, Flag, FlagStatus
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def noted(msl: User) -> Interaction:
    return engagement.interaction(
        msl,
        [engagement.an_hcp("Weber")],
        occurred_at=timezone.now() - dt.timedelta(days=1),
        notes="Dr Weber said a patient developed a rash on Oncovirumab.",
    )


def flag_on(interaction: Interaction, **values: Any) -> Flag:
    values.setdefault("heard_on", timezone.localdate() - dt.timedelta(days=1))
    return factories.flag(
        interaction.msl,
        source_id=interaction.pk,
        source_url=reverse("engagement:interaction-detail", args=[interaction.pk]),
        **values,
    )


def test_interaction_page_lists_its_flags_with_confirm_and_dismiss(
    client: Client, msl: User
) -> None:
    interaction = noted(msl)
    flag = flag_on(interaction)
    html = (
        signed_in(client, msl)
        .get(reverse("engagement:interaction-detail", args=[interaction.pk]))
        .content.decode()
    )
    assert "Adverse events" in html
    assert "<mark>rash</mark>" in html
    assert reverse("safety:flag-confirm", args=[flag.pk]) in html
    assert reverse("safety:flag-dismiss", args=[flag.pk]) in html
    assert f"{reverse('safety:case-create')}?interaction={interaction.pk}" in html


def test_a_viewer_who_may_not_handle_sees_the_flag_without_buttons(
    client: Client, msl: User, field_manager: User
) -> None:
    interaction = noted(msl)
    flag = flag_on(interaction)
    html = (
        signed_in(client, field_manager)
        .get(reverse("engagement:interaction-detail", args=[interaction.pk]))
        .content.decode()
    )
    assert "<mark>rash</mark>" in html
    assert reverse("safety:flag-confirm", args=[flag.pk]) not in html


def test_the_panel_reads_in_constant_queries(client: Client, msl: User) -> None:
    interaction = noted(msl)
    url = reverse("engagement:interaction-detail", args=[interaction.pk])
    flag_on(interaction)
    signed_in(client, msl)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for word in ("itching", "nausea", "fever"):
        flag_on(interaction, terms=word, sentence=f"The patient had {word} on Oncovirumab.")
    assert count() == few


def test_flag_confirm_from_the_interaction_panel_reports_a_forwarded_case(
    client: Client, msl: User
) -> None:
    interaction = noted(msl)
    flag = flag_on(interaction)
    confirm_url = reverse("safety:flag-confirm", args=[flag.pk])
    html = signed_in(client, msl).get(confirm_url).content.decode()
    assert f'value="{flag.heard_on.isoformat()}"' in html
    assert "Weber" in html  # the reporter, from the interaction
    hcp = interaction.hcps.get()
    response = client.post(
        confirm_url,
        {
            "day_zero": flag.heard_on.isoformat(),
            "country": "DE",
            "is_adverse_event": "on",
            "reactions": "rash",
            "product": str(flag.product_id),
            "reporter_hcp": str(hcp.pk),
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.case == case and flag.handled_by == msl
    assert case.day_zero == flag.heard_on and case.status == CaseStatus.FORWARDED
    assert (case.source_label, case.source_id) == ("engagement.Interaction", interaction.pk)
    assert case.reporter_hcp == hcp
    panel = client.get(reverse("engagement:interaction-detail", args=[interaction.pk]))
    assert case.reference in panel.content.decode()


def test_a_later_day_zero_is_refused_beside_day_zero_until_a_reason_is_given(
    client: Client, msl: User
) -> None:
    interaction = noted(msl)
    flag = flag_on(interaction, heard_on=timezone.localdate() - dt.timedelta(days=6))
    url = reverse("safety:flag-confirm", args=[flag.pk])
    page = signed_in(client, msl).get(url).content.decode()
    assert 'id="day-zero-rule"' in page and 'name="day_zero_reason"' in page
    later = {
        "day_zero": timezone.localdate().isoformat(),
        "country": "DE",
        "is_adverse_event": "on",
        "reactions": "rash",
    }
    refused = client.post(url, later)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'id="id_day_zero_error"' in html and "needs a reason" in html
    assert not Case.objects.exists()
    taken = client.post(url, {**later, "day_zero_reason": "the note's date was a typo"})
    assert taken.status_code == 302
    assert Case.objects.get().day_zero == timezone.localdate()


def test_other_flags_of_the_note_are_confirmed_as_the_same_case(client: Client, msl: User) -> None:
    interaction = noted(msl)
    first = flag_on(interaction)
    second = flag_on(interaction, terms="nausea", sentence="Nausea on Oncovirumab too.")
    response = signed_in(client, msl).post(
        reverse("safety:flag-confirm", args=[first.pk]),
        {
            "day_zero": first.heard_on.isoformat(),
            "country": "DE",
            "is_adverse_event": "on",
            "reactions": "rash\nnausea",
            "also": [str(second.pk)],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert set(case.flags.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert sorted(case.reactions.values_list("verbatim", flat=True)) == ["nausea", "rash"]


def test_dismissing_a_flag_needs_a_reason(client: Client, msl: User) -> None:
    interaction = noted(msl)
    flag = flag_on(interaction)
    url = reverse("safety:flag-dismiss", args=[flag.pk])
    back = reverse("engagement:interaction-detail", args=[interaction.pk])
    signed_in(client, msl)
    refused = client.post(url, {"reason": "  ", "next": back})
    assert refused.status_code == 422
    assert "say why this is not an adverse event" in refused.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    done = client.post(url, {"reason": "a competitor's product", "next": back})
    assert done.status_code == 302 and done["Location"] == back
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
    assert flag.dismiss_reason == "a competitor's product" and flag.handled_by == msl


def test_a_handled_flag_cannot_be_confirmed_again(client: Client, msl: User) -> None:
    flag = factories.flag(msl, status=FlagStatus.DISMISSED, dismiss_reason="hypothetical")
    response = signed_in(client, msl).get(reverse("safety:flag-confirm", args=[flag.pk]))
    assert response.status_code == 403
