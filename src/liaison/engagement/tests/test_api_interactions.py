"""/api/v1/interactions: log with inline insights and follow-ups, the rules as 422s
naming the body's fields, who reads the content, the edit window and amendments,
the list's filters and its constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.audit import history_for
from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.directory.models import HCP, Product
from liaison.directory.tests import factories as directory
from liaison.engagement.models import FollowUp, Insight, Interaction
from liaison.engagement.tests import factories
from liaison.literature.models import Publication

pytestmark = pytest.mark.django_db


def body(hcp: HCP, **values: Any) -> dict[str, Any]:
    """The issue's example body."""
    data: dict[str, Any] = {
        "hcp_ids": [hcp.pk],
        "occurred_at": "2026-12-01T10:00:00+01:00",
        "channel": "in_person",
        "kind": "one_to_one",
        "notes": "Discussed the elderly subgroup.",
        "product_ids": [],
        "off_label": False,
        "unsolicited": None,
        "insights": [{"statement": "Few data in the elderly", "category": "unmet_medical_need"}],
        "follow_ups": [{"description": "Send the poster", "due": "2026-12-15"}],
    }
    data.update(values)
    return data


@pytest.fixture
def hcp(db: None) -> HCP:
    return factories.an_hcp("Weber", country="DE")


def test_log_the_issues_example(msl: User, hcp: HCP) -> None:
    response = ApiClient(msl).post("/interactions", body(hcp))
    assert response.status_code == 201, response.content
    answer = response.json()
    record = Interaction.objects.get(pk=answer["id"])
    assert record.msl == msl and list(record.hcps.all()) == [hcp]
    assert record.occurred_at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert answer["content_visible"] is True and answer["notes"] == record.notes
    assert [item["statement"] for item in answer["insights"]] == ["Few data in the elderly"]
    insight = Insight.objects.get()
    assert insight.interaction == record and insight.hcp == hcp and insight.country == "DE"
    follow_up = FollowUp.objects.get()
    assert follow_up.interaction == record and follow_up.due == dt.date(2026, 12, 15)
    assert history_for(record).get().source == "api"


def test_time_zone_named_or_taken_from_the_offset(msl: User, hcp: HCP) -> None:
    client = ApiClient(msl)
    named = client.post("/interactions", body(hcp, time_zone="Europe/Berlin")).json()
    assert named["time_zone"] == "Europe/Berlin"
    # Alice's last interaction was in Berlin, whose offset on that day is +01:00.
    guessed = client.post("/interactions", body(hcp, insights=[], follow_ups=[])).json()
    assert guessed["time_zone"] == "Europe/Berlin"
    # A New York offset does not match Berlin: a fixed-offset zone.
    far = client.post(
        "/interactions",
        body(hcp, occurred_at="2026-12-01T10:00:00-05:00", insights=[], follow_ups=[]),
    ).json()
    assert far["time_zone"] == "Etc/GMT+5"


def test_off_label_needs_the_attestation(msl: User, hcp: HCP) -> None:
    product = directory.product("Onvexa")
    directory.indication(product, country="US")  # labelled in the US only
    client = ApiClient(msl)
    refused = client.post("/interactions", body(hcp, product_ids=[product.pk], off_label=False))
    assert refused.status_code == 422
    assert "unsolicited" in refused.json()["details"]
    assert "Germany" in refused.json()["details"]["unsolicited"]
    assert not Interaction.objects.exists() and not Insight.objects.exists()
    attested = client.post(
        "/interactions",
        body(
            hcp,
            product_ids=[product.pk],
            unsolicited=True,
            unsolicited_requested_by="Dr Weber",
            unsolicited_how="asked at the end of the visit",
        ),
    )
    assert attested.status_code == 201, attested.content
    assert attested.json()["off_label"] is True


def test_labelled_product_is_not_off_label_even_if_the_client_says_so(msl: User, hcp: HCP) -> None:
    product = directory.product("Onvexa")
    directory.indication(product, country="DE")
    answer = ApiClient(msl).post(
        "/interactions", body(hcp, product_ids=[product.pk], off_label=True)
    )
    assert answer.status_code == 201 and answer.json()["off_label"] is False


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"occurred_at": "2099-01-01T10:00:00+00:00"}, "occurred_at"),
        ({"hcp_ids": [999999]}, "hcp_ids"),
        ({"hcp_ids": []}, "hcp_ids"),
        ({"product_ids": [999999]}, "product_ids"),
        ({"pmids": [12345]}, "pmids"),
        ({"nct_ids": ["NCT00000000"]}, "nct_ids"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "Europe"}, "time_zone"),  # a folder of the zone database
        ({"insights": [{"statement": "x", "category": "nope"}]}, "insights.0.category"),
        ({"follow_ups": [{"description": "x", "due": "2026-11-01"}]}, "follow_ups.0.due"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    msl: User, hcp: HCP, values: dict[str, Any], field: str
) -> None:
    response = ApiClient(msl).post("/interactions", body(hcp, **values))
    assert response.status_code == 422, response.content
    assert field in response.json()["details"]
    assert not Interaction.objects.exists()


def test_only_field_users_log(medinfo: User, hcp: HCP) -> None:
    assert ApiClient(medinfo).post("/interactions", body(hcp)).status_code == 403


def test_a_viewer_gets_the_record_without_its_content(
    msl: User, medinfo: User, field_manager: User, compliance: User, other_msl: User, hcp: HCP
) -> None:
    record = factories.interaction(
        msl,
        [hcp],
        materials="Slides",
        outcome="Agreed",
        location="Charité",
        topics=["elderly"],
        other_attendees=["Nurse Kim"],
        duration_minutes=30,
    )
    product = directory.product("Oncovirumab")
    record.products.set([product])
    factories.insight(msl, interaction=record)
    for reader in (msl, field_manager, compliance):
        answer = ApiClient(reader).get(f"/interactions/{record.pk}").json()
        assert answer["notes"] == record.notes and answer["insights"], reader
        assert answer["products"][0]["id"] == product.pk and answer["topics"] == ["elderly"]
    for viewer in (medinfo, other_msl):
        response = ApiClient(viewer).get(f"/interactions/{record.pk}")
        assert response.status_code == 200
        answer = response.json()
        assert answer["msl"] == "alice" and answer["hcps"][0]["id"] == hcp.pk
        assert answer["channel"] == "in_person" and answer["content_visible"] is False
        # What was discussed, where, how long and with whom else is content, as on the web.
        for key in (
            *("notes", "outcome", "materials", "insights", "unsolicited_how", "products"),
            *("therapeutic_areas", "topics", "pmids", "nct_ids", "off_label", "location"),
            *("meeting_link", "other_attendees", "duration_minutes"),
        ):
            assert answer[key] is None, key
    listed = ApiClient(medinfo).get("/interactions").json()["results"]
    assert listed[0]["id"] == record.pk and listed[0]["notes"] is None
    assert listed[0]["products"] is None
    # Nor does a filter on the product discussed tell a viewer what was discussed.
    by_product = {"product_id": product.pk}
    assert ApiClient(medinfo).get("/interactions", by_product).json()["count"] == 0
    assert ApiClient(field_manager).get("/interactions", by_product).json()["count"] == 1


def test_unknown_interaction_is_404(msl: User) -> None:
    assert ApiClient(msl).get("/interactions/999999").status_code == 404


def test_patch_within_the_window(msl: User, other_msl: User, hcp: HCP) -> None:
    record = factories.interaction(msl, [hcp])
    response = ApiClient(msl).patch(f"/interactions/{record.pk}", {"notes": "Corrected notes"})
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert record.notes == "Corrected notes" and record.amendment_count == 0
    other = ApiClient(other_msl).patch(f"/interactions/{record.pk}", {"notes": "x"})
    assert other.status_code == 403


def test_after_the_window_an_amendment_needs_a_reason(msl: User, hcp: HCP) -> None:
    record = factories.interaction(
        msl,
        [hcp],
        occurred_at=timezone.now() - dt.timedelta(days=30),
        created_at=timezone.now() - dt.timedelta(days=30),
    )
    client = ApiClient(msl)
    refused = client.patch(f"/interactions/{record.pk}", {"notes": "Late fix"})
    assert refused.status_code == 422 and "reason" in refused.json()["details"]
    record.refresh_from_db()
    assert record.notes != "Late fix"
    amended = client.patch(
        f"/interactions/{record.pk}", {"notes": "Late fix", "reason": "typo in the dose"}
    )
    assert amended.status_code == 200, amended.content
    assert amended.json()["amendment_count"] == 1
    assert history_for(record).first().reason == "typo in the dose"  # type: ignore[union-attr]


def test_patch_refusals_name_the_body_fields(msl: User, hcp: HCP) -> None:
    record = factories.interaction(msl, [hcp])
    client = ApiClient(msl)
    assert (
        "hcp_ids" in client.patch(f"/interactions/{record.pk}", {"hcp_ids": []}).json()["details"]
    )
    response = client.patch(f"/interactions/{record.pk}", {"channel": None})
    assert response.status_code == 422 and "channel" in response.json()["details"]


def test_list_filters(msl: User, other_msl: User, hcp: HCP) -> None:
    other_hcp = factories.an_hcp("Smith", country="US")
    product = directory.product("Onvexa")
    now = timezone.now()
    first = factories.interaction(msl, [hcp], occurred_at=now - dt.timedelta(days=40))
    first.products.add(product)
    second = factories.interaction(msl, [hcp], channel="phone", kind="trial_site_visit")
    third = factories.interaction(other_msl, [other_hcp], channel="virtual")
    client = ApiClient(msl)

    def ids(**params: Any) -> list[int]:
        response = client.get("/interactions", params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert ids() == [third.pk, second.pk, first.pk]
    assert ids(hcp_id=hcp.pk) == [second.pk, first.pk]
    assert ids(msl=other_msl.username) == [third.pk]
    assert ids(channel="phone") == [second.pk]
    assert ids(kind="trial_site_visit") == [second.pk]
    assert ids(product_id=product.pk) == [first.pk]
    since = (now - dt.timedelta(days=10)).date().isoformat()
    assert set(ids(since=since)) == {second.pk, third.pk}
    assert ids(until=(now - dt.timedelta(days=39)).date().isoformat()) == [first.pk]
    bad = client.get("/interactions", {"channel": "pigeon"})
    assert bad.status_code == 422 and "channel" in bad.json()["details"]


def test_list_asks_a_constant_number_of_queries(msl: User, hcp: HCP) -> None:
    publication = Publication.objects.create(pmid=123456, title="Trial")
    product: Product = directory.product("Onvexa")

    def add(count: int) -> None:
        for _ in range(count):
            record = factories.interaction(msl, [hcp, factories.an_hcp("Other")])
            record.products.add(product)
            record.publications.add(publication)
            factories.insight(msl, interaction=record)

    client = ApiClient(msl)
    add(2)
    client.get("/interactions")  # the token's first use is written once
    with CaptureQueriesContext(connection) as few:
        assert client.get("/interactions").status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/interactions")
    assert response.json()["count"] == 10
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"insights": [{"statement": "Heard", "category": ""}]}, "insights.0.category"),
        (
            {"insights": [{"statement": "", "category": "unmet_medical_need"}]},
            "insights.0.statement",
        ),
        ({"follow_ups": [{"description": "Send it"}]}, "follow_ups.0.due"),
        ({"follow_ups": [{"description": "", "due": "2026-12-15"}]}, "follow_ups.0.description"),
    ],
)
def test_inline_records_name_their_missing_fields(
    msl: User, hcp: HCP, item: dict[str, Any], field: str
) -> None:
    response = ApiClient(msl).post("/interactions", body(hcp, **item))
    assert response.status_code == 422 and field in response.json()["details"]
    assert not Interaction.objects.exists()


def test_a_refusals_message_names_fields_in_words(msl: User, hcp: HCP) -> None:
    response = ApiClient(msl).post(
        "/interactions",
        body(hcp, hcp_ids=[], follow_ups=[{"description": "Call", "due": "2026-11-01"}]),
    )
    assert response.status_code == 422
    message = response.json()["message"]
    assert "HCPs who attended: add at least one HCP who attended" in message
    assert "Follow-up 1, due: a follow-up cannot be due before its interaction" in message
    assert not Interaction.objects.exists()
