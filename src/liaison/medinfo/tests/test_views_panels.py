"""Medical information's record panels (core's ``record_panels`` hook): the
requester's inquiry history on the HCP profile, for those allowed to see it, and
the inquiries taken from an interaction with the link that takes one from it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.models import Interaction
from liaison.engagement.tests import factories as engagement
from liaison.medinfo import panels
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db


def render_panels(user: User, record: HCP | Interaction) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load liaison %}{% record_panels record %}")
    return template.render(Context({"request": request, "record": record}))


def test_hcp_profile_shows_the_inquiry_history_to_medical_information(
    client: Client, msl: User, medinfo: User
) -> None:
    hcp = factories.hcp("Weber")
    inquiry = factories.inquiry(msl, requester_hcp=hcp, reference="MI-HISTORY")
    client.force_login(medinfo)
    page = client.get(reverse("directory:hcp-detail", args=[hcp.pk])).content.decode()
    assert "Medical inquiries" in page and inquiry.reference in page
    assert f"{reverse('medinfo:inquiry-create')}?hcp={hcp.pk}" in page


def test_hcp_panel_hides_the_history_from_an_msl_of_another_team(
    msl: User, other_msl: User, medinfo: User
) -> None:
    hcp = factories.hcp("Weber")
    factories.inquiry(msl, requester_hcp=hcp, reference="MI-ALICE-ONLY")
    assert "MI-ALICE-ONLY" in render_panels(medinfo, hcp)
    assert "MI-ALICE-ONLY" in render_panels(msl, hcp)
    assert "MI-ALICE-ONLY" not in render_panels(other_msl, hcp)


def test_hcp_panel_is_left_out_for_a_user_without_a_role(outsider: User) -> None:
    assert panels.hcp_inquiries(outsider, factories.hcp("Weber")) is None


def test_hcp_panel_reads_in_constant_queries(msl: User, medinfo: User) -> None:
    hcp = factories.hcp("Weber")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            panels.hcp_inquiries(medinfo, hcp)
        return len(queries)

    factories.inquiry(msl, requester_hcp=hcp)
    few = count()
    for _ in range(4):
        factories.inquiry(msl, requester_hcp=hcp)
    assert count() == few


def test_interaction_panel_lists_its_inquiries_and_takes_one_from_it(
    msl: User, other_msl: User
) -> None:
    interaction = engagement.interaction(msl, [factories.hcp("Weber")])
    factories.inquiry(msl, interaction=interaction, reference="MI-FROM-MEETING")
    own = render_panels(msl, interaction)
    others = render_panels(other_msl, interaction)
    link = f"{reverse('medinfo:inquiry-create')}?interaction={interaction.pk}"
    assert "MI-FROM-MEETING" in own and link in own
    assert "Take an inquiry from this interaction" in own
    # Bob neither sees Alice's inquiry nor reads her interaction to take one from it.
    assert "MI-FROM-MEETING" not in others and link not in others


def test_interaction_page_offers_to_take_an_inquiry_from_it(client: Client, msl: User) -> None:
    interaction = engagement.interaction(msl, [factories.hcp("Weber")])
    client.force_login(msl)
    page = client.get(reverse("engagement:interaction-detail", args=[interaction.pk]))
    link = f"{reverse('medinfo:inquiry-create')}?interaction={interaction.pk}"
    assert link in page.content.decode()
