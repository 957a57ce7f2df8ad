"""The interaction pages: the list and its filters, what a non-reader sees, the fast
entry form (defaults, errors beside their fields with what was typed kept, the
draft saved and restored), edit and amend, the pickers, and "engaged by our
team" on the HCP profile through core's record-panel hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.core import registry
from liaison.core.models import User
from liaison.directory.tests import factories as directory
from liaison.engagement.models import Interaction, InteractionDraft
from liaison.engagement.tests import factories

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _when(delta: dt.timedelta = dt.timedelta(hours=-1)) -> str:
    return (timezone.now() + delta).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")


def _post(**values: Any) -> dict[str, Any]:
    values.setdefault("occurred_at", _when())
    values.setdefault("time_zone", "UTC")
    values.setdefault("channel", "in_person")
    values.setdefault("kind", "one_to_one")
    return values


def test_list_filters_and_reads_in_constant_queries(
    client: Client, msl: User, other_msl: User
) -> None:
    weber = factories.an_hcp("Weber")
    factories.interaction(msl, [weber], channel="phone")
    factories.interaction(other_msl, [factories.an_hcp("Smith", country="US")])
    signed_in(client, other_msl)
    page = client.get(reverse("engagement:interaction-list")).content.decode()
    assert "Weber" in page and "Smith" in page
    page = client.get(reverse("engagement:interaction-list"), {"channel": "phone"}).content.decode()
    assert "Weber" in page and "Smith" not in page
    page = client.get(reverse("engagement:interaction-list"), {"hcp": weber.pk}).content.decode()
    assert "Smith" not in page and "Weber" in page

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("engagement:interaction-list")).status_code == 200
        return len(queries)

    few = count()
    for index in range(5):
        factories.interaction(msl, [factories.an_hcp(f"Extra{index}"), weber])
    assert count() == few


def test_product_filter_looks_only_where_the_reader_reads(
    client: Client, msl: User, other_msl: User
) -> None:
    product = directory.product()
    record = factories.interaction(msl)
    record.products.set([product])
    query = {"product": product.pk}
    assert (
        "Weber"
        in signed_in(client, msl)
        .get(reverse("engagement:interaction-list"), query)
        .content.decode()
    )
    page = signed_in(client, other_msl).get(reverse("engagement:interaction-list"), query)
    assert "Weber" not in page.content.decode()


def test_the_empty_list_says_why(client: Client, msl: User, medinfo: User) -> None:
    page = signed_in(client, msl).get(reverse("engagement:interaction-list")).content.decode()
    assert "No interactions logged yet." in page
    assert f'<a href="{reverse("engagement:interaction-create")}">Log an interaction</a>' in page
    filtered = client.get(reverse("engagement:interaction-list"), {"channel": "phone"})
    assert "No interactions match these filters." in filtered.content.decode()
    page = signed_in(Client(), medinfo).get(reverse("engagement:interaction-list")).content.decode()
    assert "No interactions logged yet.</p>" in page


def test_a_wrong_filter_value_leaves_the_other_filters_on(client: Client, msl: User) -> None:
    weber = factories.an_hcp("Weber")
    factories.interaction(msl, [weber])
    factories.interaction(msl, [factories.an_hcp("Meier")])
    query: dict[str, int | str] = {"hcp": weber.pk, "msl": 999999, "date_from": "not a date"}
    response = signed_in(client, msl).get(reverse("engagement:interaction-list"), query)
    page = response.content.decode()
    assert "Weber" in page and "Meier" not in page
    assert set(response.context["form"].errors) == {"msl", "date_from"}


def test_product_filter_is_bounded_and_keeps_the_one_chosen(
    client: Client, msl: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("liaison.engagement.forms.interactions.PRODUCT_CHOICES", 2)
    products = [directory.product(f"Product {letter}") for letter in "ABC"]
    factories.interaction(msl, [factories.an_hcp("Weber")]).products.set([products[2]])
    factories.interaction(msl, [factories.an_hcp("Meier")])
    signed_in(client, msl)
    field = client.get(reverse("engagement:interaction-list")).context["form"].fields["product"]
    assert [label for _, label in field.choices] == ["Any product", "Product A", "Product B"]
    response = client.get(reverse("engagement:interaction-list"), {"product": products[2].pk})
    page = response.content.decode()
    assert "Weber" in page and "Meier" not in page
    assert response.context["form"].fields["product"].choices[-1][1] == "Product C"


def test_the_lists_export_links_carry_its_filters_and_export_that_selection(
    client: Client, msl: User
) -> None:
    product = directory.product()
    factories.interaction(msl).products.set([product])
    factories.interaction(msl, [factories.an_hcp("Unfiltered")])
    page = signed_in(client, msl).get(
        reverse("engagement:interaction-list"), {"product": product.pk}
    )
    html = page.content.decode()
    export = reverse("engagement:interaction-export")
    link = f"{export}?product={product.pk}&amp;format=csv"
    assert link in html and f"{export}?product={product.pk}&amp;format=xlsx" in html
    response = client.get(link.replace("&amp;", "&"))
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Weber" in body and "Unfiltered" not in body


def test_detail_hides_the_content_from_a_non_reader(
    client: Client, msl: User, medinfo: User
) -> None:
    record = factories.interaction(msl, notes="Secret dosing question", outcome="Promised data")
    factories.insight(msl, interaction=record, statement="Elderly data wanted")
    url = reverse("engagement:interaction-detail", args=[record.pk])
    page = signed_in(client, medinfo).get(url).content.decode()
    assert "Weber" in page and "In person" in page and "alice" in page.lower()
    for secret in ("Secret dosing question", "Promised data", "Elderly data wanted"):
        assert secret not in page
    page = signed_in(client, msl).get(url).content.decode()
    assert "Secret dosing question" in page and "Elderly data wanted" in page


def test_form_defaults_from_an_hcp_and_the_last_interaction(client: Client, msl: User) -> None:
    oncology = directory.therapeutic_area()
    last = factories.interaction(msl, channel="phone", kind="presentation")
    last.therapeutic_areas.set([oncology])
    hcp = factories.an_hcp("Dubois")
    page = (
        signed_in(client, msl)
        .get(reverse("engagement:interaction-create"), {"hcp": hcp.pk})
        .content.decode()
    )
    assert f'name="hcps" value="{hcp.pk}"' in page
    assert '<option value="phone" selected>' in page
    assert '<option value="presentation" selected>' in page
    assert f'value="{oncology.pk}" id="area-{oncology.pk}" checked' in page


def test_form_from_a_planned_meeting_is_prefilled(client: Client, msl: User) -> None:
    hcp = factories.an_hcp("Keller")
    meeting = factories.meeting(
        msl, starts_at=timezone.now() - dt.timedelta(hours=1), location="Charité, room 4"
    )
    meeting.hcps.set([hcp])
    page = (
        signed_in(client, msl)
        .get(reverse("engagement:interaction-create"), {"meeting": meeting.pk})
        .content.decode()
    )
    assert "Charité, room 4" in page and f'name="hcps" value="{hcp.pk}"' in page
    response = client.post(
        reverse("engagement:interaction-create"),
        _post(hcps=[hcp.pk], meeting=meeting.pk, occurred_at=_when(dt.timedelta(minutes=-30))),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "logged"


def test_logging_with_inline_insight_and_follow_up(client: Client, msl: User) -> None:
    hcp = factories.an_hcp()
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = signed_in(client, msl).post(
        reverse("engagement:interaction-create"),
        _post(
            hcps=[hcp.pk],
            notes="Talked",
            **{
                "insights-3-statement": "Wants elderly data",
                "insights-3-category": "unmet_medical_need",
                "follow_ups-0-description": "Send the poster",
                "follow_ups-0-due": due,
            },
        ),
    )
    assert response.status_code == 302
    record = Interaction.objects.get()
    assert response["Location"] == reverse("engagement:interaction-detail", args=[record.pk])
    assert record.insights.get().statement == "Wants elderly data"
    assert record.follow_ups.get().due.isoformat() == due


def test_refused_save_names_every_field_keeps_the_typing_and_the_draft(
    client: Client, msl: User
) -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    typed = _post(
        occurred_at=_when(dt.timedelta(days=2)),
        notes="Do not lose this",
        **{
            "insights-0-statement": "Kept statement",
            "insights-0-category": "",
            "follow_ups-0-description": "Call back",
            "follow_ups-0-due": yesterday,
        },
    )
    response = signed_in(client, msl).post(reverse("engagement:interaction-create"), typed)
    assert response.status_code == 422
    page = response.content.decode()
    assert "HCPs who attended</a>: add at least one HCP who attended" in page
    assert "an interaction cannot be in the future" in page
    assert 'id="insights-0-category-error"' in page
    assert "Do not lose this" in page and "Kept statement" in page and "Call back" in page
    assert not Interaction.objects.exists()
    draft = InteractionDraft.objects.get(owner=msl)
    assert draft.data["notes"] == "Do not lose this"
    assert f'name="draft" id="field-draft" value="{draft.pk}"' in page
    # Fixed and sent again, the draft goes.
    hcp = factories.an_hcp()
    fixed = {
        **typed,
        "occurred_at": _when(),
        "hcps": [hcp.pk],
        "insights-0-category": "safety_perception",
        "follow_ups-0-due": timezone.localdate().isoformat(),
        "draft": draft.pk,
    }
    assert client.post(reverse("engagement:interaction-create"), fixed).status_code == 302
    assert not InteractionDraft.objects.exists()


def test_off_label_refusal_is_shown_beside_the_attestation(client: Client, msl: User) -> None:
    product = directory.product("Oncovirumab")
    directory.indication(product, "DE")
    french = factories.an_hcp("Martin", country="FR")
    response = signed_in(client, msl).post(
        reverse("engagement:interaction-create"), _post(hcps=[french.pk], products=[product.pk])
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="unsolicited-error"' in page
    assert "Oncovirumab has no labelled indication in France" in page


def test_draft_saved_as_typed_and_restored(client: Client, msl: User, other_msl: User) -> None:
    hcp = factories.an_hcp("Restorer")
    typed = {
        "occurred_at": "2026-12-01T09:30",
        "hcps": [str(hcp.pk)],
        "notes": "half a thought",
        "insights-0-statement": "An insight in progress",
        "follow_ups-2-due": "not a date yet",
    }
    response = signed_in(client, msl).post(reverse("engagement:interaction-draft-save"), typed)
    assert response.status_code == 200
    draft_id = response.json()["draft"]
    draft = InteractionDraft.objects.get(pk=draft_id)
    assert draft.data == {**typed} and draft.hcp == hcp
    again = client.post(
        reverse("engagement:interaction-draft-save"), {**typed, "notes": "more", "draft": draft_id}
    )
    assert again.json()["draft"] == draft_id
    page = client.get(
        reverse("engagement:interaction-create"), {"draft": draft_id}
    ).content.decode()
    assert "more" in page and "An insight in progress" in page and "not a date yet" in page
    assert 'value="2026-12-01T09:30"' in page and "Restorer" in page
    assert "Restorer" in client.get(reverse("engagement:draft-list")).content.decode()
    # Someone else's draft is not found.
    other = signed_in(Client(), other_msl)
    assert (
        other.get(reverse("engagement:interaction-create"), {"draft": draft_id}).status_code == 404
    )
    assert other.post(reverse("engagement:draft-delete", args=[draft_id])).status_code == 404


def test_edit_then_amend_with_a_reason(client: Client, msl: User, settings: Any) -> None:
    settings.LIAISON_INTERACTION_EDIT_DAYS = 7
    old = factories.interaction(msl, created_at=timezone.now() - dt.timedelta(days=9))
    url = reverse("engagement:interaction-edit", args=[old.pk])
    page = signed_in(client, msl).get(url).content.decode()
    assert "Reason for the amendment" in page
    fields = {
        "occurred_at": _when(dt.timedelta(days=-10)),
        "time_zone": "Europe/Berlin",
        "channel": "in_person",
        "kind": "one_to_one",
        "hcps": [hcp.pk for hcp in old.hcps.all()],
        "notes": "Corrected",
    }
    response = client.post(url, fields)
    assert response.status_code == 422
    assert 'id="reason-error"' in response.content.decode()
    assert client.post(url, {**fields, "reason": "Wrong dose noted"}).status_code == 302
    old.refresh_from_db()
    assert old.notes == "Corrected" and old.amendment_count == 1


def test_pickers_answer_json_through_the_policy(client: Client, msl: User) -> None:
    hcp = factories.an_hcp("Pickering")
    directory.product("Oncovirumab")
    signed_in(client, msl)
    found = client.get(reverse("engagement:pick-hcps"), {"q": "picker"}).json()["results"]
    assert [item["id"] for item in found] == [hcp.pk]
    found = client.get(reverse("engagement:pick-products"), {"q": "oncov"}).json()["results"]
    assert [item["label"] for item in found] == ["Oncovirumab"]
    assert client.get(reverse("engagement:pick-trials"), {"q": ""}).json() == {"results": []}


def test_hcp_profile_shows_who_met_them(
    client: Client, msl: User, medinfo: User, other_msl: User
) -> None:
    hcp = factories.an_hcp("Profiled")
    factories.interaction(other_msl, [hcp], channel="phone", notes="Private notes")
    url = reverse("directory:hcp-detail", args=[hcp.pk])
    page = signed_in(client, medinfo).get(url).content.decode()
    assert "Engaged by our team" in page and "Phone" in page and "bob" in page.lower()
    assert "Private notes" not in page and "Log an interaction" not in page
    page = signed_in(client, msl).get(url).content.decode()
    assert f"{reverse('engagement:interaction-create')}?hcp={hcp.pk}" in page

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    few = count()
    for _ in range(4):
        factories.interaction(other_msl, [hcp])
        factories.interaction(msl, [hcp])
    assert count() == few


def test_record_panel_hook_renders_only_the_records_model() -> None:
    panels = registry.record_panels("directory.hcp")
    assert "engaged-by-our-team" in [panel.name for panel in panels]
    assert [panel.order for panel in panels] == sorted(panel.order for panel in panels)
    assert all(panel.model_label.lower() == "directory.hcp" for panel in panels)
    assert registry.record_panels("directory.Organization") == []


def test_record_panels_tag_leaves_other_models_alone(msl: User) -> None:
    organization = directory.organization()
    rendered = Template("{% load liaison %}[{% record_panels record %}]").render(
        Context({"record": organization, "user": msl})
    )
    assert rendered == "[]"
    hcp = factories.an_hcp("Tagged")
    rendered = Template("{% load liaison %}{% record_panels record %}").render(
        Context({"record": hcp, "user": msl})
    )
    assert "Engaged by our team" in rendered


def test_off_label_is_said_while_picking(client: Client, msl: User) -> None:
    product = directory.product("Oncovirumab")
    directory.indication(product, "DE")
    french = factories.an_hcp("Martin", country="FR")
    german = factories.an_hcp("Weber", country="DE")
    url = reverse("engagement:interaction-off-label")
    signed_in(client, msl)
    found = client.get(url, {"hcps": [french.pk, german.pk], "products": [product.pk]}).json()
    assert found == {"findings": ["Oncovirumab has no labelled indication in France"]}
    assert client.get(url, {"hcps": [german.pk], "products": [product.pk]}).json() == {
        "findings": []
    }
    assert client.get(url, {"hcps": ["x"], "products": ["99999999999999"]}).json() == {
        "findings": []
    }
    draft = InteractionDraft.objects.create(
        owner=msl, data={"hcps": [str(french.pk)], "products": [str(product.pk)]}
    )
    page = client.get(reverse("engagement:interaction-create"), {"draft": draft.pk})
    assert "Oncovirumab has no labelled indication in France" in page.content.decode()


def test_the_history_holds_the_notes_so_only_readers_open_it(
    msl: User, other_msl: User, medinfo: User, field_manager: User, compliance: User
) -> None:
    from liaison.core.templatetags.liaison import history_url
    from liaison.engagement.services.interactions import create_interaction

    record = create_interaction(
        actor=msl,
        data={
            "occurred_at": timezone.now() - dt.timedelta(hours=1),
            "time_zone": "Europe/Berlin",
            "channel": "in_person",
            "kind": "one_to_one",
            "hcps": [factories.an_hcp()],
            "notes": "Confidential renal question",
        },
    )
    for reader in (msl, field_manager, compliance):
        response = signed_in(Client(), reader).get(history_url(record))
        assert response.status_code == 200, reader
        assert "Confidential renal question" in response.content.decode()
    for viewer in (other_msl, medinfo):
        response = signed_in(Client(), viewer).get(history_url(record))
        assert response.status_code == 403, viewer
        assert b"Confidential renal question" not in response.content
