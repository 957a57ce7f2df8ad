"""Follow-ups: complete, reopen and change (owner only, audited, due on or after
the interaction), the list (open first, overdue highlighted, a manager's team),
done in one htmx POST with the counts out of band, the menu's overdue counter,
and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.audit import history_for
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.engagement import selectors
from liaison.engagement.models import FollowUp
from liaison.engagement.services import follow_ups
from liaison.engagement.services.data import FollowUpData
from liaison.engagement.tests import factories

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


# --- services ---------------------------------------------------------------------


def test_complete_and_reopen_are_audited(msl: User) -> None:
    follow_up = factories.follow_up(msl)
    follow_ups.complete_follow_up(actor=msl, follow_up=follow_up)
    assert FollowUp.objects.get().done_at is not None
    follow_ups.complete_follow_up(actor=msl, follow_up=follow_up)  # done already: no event
    follow_ups.reopen_follow_up(actor=msl, follow_up=follow_up)
    assert FollowUp.objects.get().done_at is None
    assert [event.action for event in history_for(follow_up).order_by("pk")] == [
        "update",
        "update",
    ]


def test_only_the_owner_or_an_administrator_changes_it(
    msl: User, field_manager: User, compliance: User, admin_user: User
) -> None:
    follow_up = factories.follow_up(msl)
    for reader in (field_manager, compliance):
        with pytest.raises(PermissionDenied):
            follow_ups.complete_follow_up(actor=reader, follow_up=follow_up)
    follow_ups.complete_follow_up(actor=admin_user, follow_up=follow_up)
    assert FollowUp.objects.get().done_at is not None


def test_update_is_due_on_or_after_its_interaction(msl: User) -> None:
    interaction = factories.interaction(msl, occurred_at=timezone.now() - dt.timedelta(days=3))
    follow_up = factories.follow_up(msl, interaction=interaction, due=days(5))
    with pytest.raises(LiaisonError) as caught:
        follow_ups.update_follow_up(
            actor=msl, follow_up=follow_up, data=FollowUpData(due=days(-10))
        )
    assert set(caught.value.details) == {"due"}
    assert FollowUp.objects.get().due == days(5)
    changes = follow_ups.update_follow_up(
        actor=msl,
        follow_up=follow_up,
        data=FollowUpData(due=days(9), description=" Send the slides "),
        reason="asked for slides",
    )
    assert changes["due"] == [days(5).isoformat(), days(9).isoformat()]
    stored = FollowUp.objects.get()
    assert stored.description == "Send the slides"
    assert history_for(stored).get().reason == "asked for slides"


def test_update_refuses_an_empty_description(msl: User) -> None:
    follow_up = factories.follow_up(msl)
    with pytest.raises(LiaisonError) as caught:
        follow_ups.update_follow_up(
            actor=msl, follow_up=follow_up, data=FollowUpData(description="   ")
        )
    assert "description" in caught.value.details
    assert FollowUp.objects.get().description == "Send the poster"


def test_overdue_count_is_mine_and_open_only(msl: User, other_msl: User) -> None:
    factories.follow_up(msl, due=days(-2))
    factories.follow_up(msl, due=days(-1))
    factories.follow_up(msl, due=days(1))
    factories.follow_up(msl, due=days(-5), done_at=timezone.now())
    factories.follow_up(other_msl, due=days(-5))
    assert selectors.overdue_follow_ups_count(msl) == 2
    assert selectors.overdue_follow_ups_count(other_msl) == 1


# --- pages ------------------------------------------------------------------------


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_the_menu_counts_my_overdue_follow_ups(client: Client, msl: User) -> None:
    factories.follow_up(msl, due=days(-1))
    factories.follow_up(msl, due=days(-3))
    page = signed_in(client, msl).get(reverse("core:home")).content.decode()
    counter = '<span id="nav-count-follow-ups" class="badge"><span class="visually-hidden">'
    assert counter in page
    assert page.split(counter, 1)[1].split("</span>", 2)[:2] == ["overdue: ", "2"]


def test_the_list_puts_open_first_and_marks_overdue(client: Client, msl: User) -> None:
    factories.follow_up(msl, description="Late promise", due=days(-2))
    factories.follow_up(msl, description="Next week promise", due=days(7))
    factories.follow_up(msl, description="Kept promise", due=days(-9), done_at=timezone.now())
    signed_in(client, msl)
    page = client.get(reverse("engagement:follow-up-list")).content.decode()
    assert "Late promise" in page and "Next week promise" in page and "Kept promise" not in page
    assert page.index("Late promise") < page.index("Next week promise")
    late_row = page[page.index("Late promise") - 600 : page.index("Late promise")]
    assert "Overdue" in late_row
    everything = client.get(reverse("engagement:follow-up-list") + "?status=all").content.decode()
    assert everything.index("Next week promise") < everything.index("Kept promise")


def test_a_manager_filters_the_teams_follow_ups(
    client: Client, msl: User, other_msl: User, field_manager: User
) -> None:
    factories.follow_up(msl, description="Alice promised")
    factories.follow_up(other_msl, description="Bob promised")
    signed_in(client, field_manager)
    team = client.get(reverse("engagement:follow-up-list") + "?scope=team").content.decode()
    assert "Alice promised" in team and "Bob promised" not in team
    # A manager reads; the row offers no button to change someone else's follow-up.
    assert "follow-up-done" not in team and "/done/" not in team


def test_done_with_htmx_swaps_the_row_and_updates_the_counts(client: Client, msl: User) -> None:
    follow_up = factories.follow_up(msl, description="Late promise", due=days(-1))
    factories.follow_up(msl, due=days(-4))
    signed_in(client, msl)
    response = client.post(
        reverse("engagement:follow-up-done", kwargs={"pk": follow_up.pk}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="follow-up-{follow_up.pk}">')
    assert "Done" in html and "Open again" in html
    assert 'id="follow-up-overdue" class="badge badge-danger" hx-swap-oob="true">1 overdue' in html
    assert (
        'id="nav-count-follow-ups" class="badge" hx-swap-oob="true">'
        '<span class="visually-hidden">overdue: </span>1</span>'
    ) in html
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is not None


def test_done_without_htmx_goes_back_to_the_list(client: Client, msl: User) -> None:
    follow_up = factories.follow_up(msl)
    response = signed_in(client, msl).post(
        reverse("engagement:follow-up-done", kwargs={"pk": follow_up.pk})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:follow-up-list")
    client.post(reverse("engagement:follow-up-reopen", kwargs={"pk": follow_up.pk}))
    assert FollowUp.objects.get().done_at is None


def test_edit_names_the_field(client: Client, msl: User) -> None:
    interaction = factories.interaction(msl, occurred_at=timezone.now() - dt.timedelta(days=1))
    follow_up = factories.follow_up(msl, interaction=interaction)
    signed_in(client, msl)
    url = reverse("engagement:follow-up-edit", kwargs={"pk": follow_up.pk})
    response = client.post(url, {"description": "Send it", "due": days(-30).isoformat()})
    assert response.status_code == 200 and "due" in response.context["form"].errors
    response = client.post(url, {"description": "Send it", "due": days(3).isoformat()})
    assert response.status_code == 302
    assert FollowUp.objects.get().due == days(3)


def test_someone_elses_follow_up_is_not_found(client: Client, msl: User, other_msl: User) -> None:
    follow_up = factories.follow_up(msl)
    signed_in(client, other_msl)
    url = reverse("engagement:follow-up-done", kwargs={"pk": follow_up.pk})
    assert client.post(url).status_code == 404
    assert FollowUp.objects.get().done_at is None


# --- API ----------------------------------------------------------------------------


def test_api_create_list_and_complete(msl: User) -> None:
    hcp = factories.an_hcp()
    client = ApiClient(msl)
    response = client.post(
        "/follow-ups",
        {"description": "Send the poster", "due": days(3).isoformat(), "hcp_id": hcp.pk},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["done"] is False and created["hcp"]["id"] == hcp.pk
    assert created["owner"] == "alice"
    listed = client.get("/follow-ups").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == created["id"]
    done = client.patch(f"/follow-ups/{created['id']}", {"done": True}).json()
    assert done["done"] is True and done["done_at"] is not None
    assert client.get("/follow-ups").json()["count"] == 0
    assert client.get("/follow-ups", {"status": "done"}).json()["count"] == 1
    reopened = client.patch(f"/follow-ups/{created['id']}", {"done": False}).json()
    assert reopened["done"] is False


def test_api_refuses_a_due_date_before_the_interaction(msl: User) -> None:
    interaction = factories.interaction(msl, occurred_at=timezone.now() - dt.timedelta(days=2))
    response = ApiClient(msl).post(
        "/follow-ups",
        {
            "description": "Send it",
            "due": days(-20).isoformat(),
            "interaction_id": interaction.pk,
        },
    )
    assert response.status_code == 422 and "due" in response.json()["details"]
    assert FollowUp.objects.count() == 0


def test_api_patch_refusal_is_a_422_and_leaves_it_open(msl: User) -> None:
    interaction = factories.interaction(msl, occurred_at=timezone.now() - dt.timedelta(days=2))
    promised = factories.follow_up(msl, interaction=interaction, due=days(3))
    response = ApiClient(msl).patch(
        f"/follow-ups/{promised.pk}", {"due": days(-20).isoformat(), "done": True}
    )
    assert response.status_code == 422 and "due" in response.json()["details"]
    promised.refresh_from_db()
    assert promised.due == days(3) and promised.done_at is None
    response = ApiClient(msl).patch(f"/follow-ups/{promised.pk}", {"hcp_id": 999999})
    assert response.status_code == 422 and "hcp_id" in response.json()["details"]


def test_api_overdue_filter_and_readers(msl: User, compliance: User) -> None:
    late = factories.follow_up(msl, due=days(-1))
    factories.follow_up(msl, due=days(4))
    body = ApiClient(msl).get("/follow-ups", {"overdue": True}).json()
    assert [item["id"] for item in body["results"]] == [late.pk]
    assert body["results"][0]["overdue"] is True
    reader = ApiClient(compliance)
    assert reader.get(f"/follow-ups/{late.pk}").status_code == 200
    assert reader.patch(f"/follow-ups/{late.pk}", {"done": True}).status_code == 403
    assert reader.get("/follow-ups", {"scope": "team"}).json()["count"] == 2
