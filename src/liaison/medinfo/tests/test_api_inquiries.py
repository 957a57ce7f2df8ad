"""/api/v1/medinfo/inquiries: intake (in one step from an interaction, off-label only
with the attestation), the queue's filters and clocks, and the hand-off operations
with their refusals naming the body's fields and their roles."""

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
from liaison.engagement.tests import factories as engagement
from liaison.medinfo import turnaround
from liaison.medinfo.models import Handoff, Inquiry, InquiryStatus
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

NSCLC = "EGFR-mutated metastatic non-small cell lung cancer"
ATTESTATION = (
    "unsolicited_requested_by",
    "unsolicited_requested_at",
    "unsolicited_how",
    "unsolicited_words",
)


def phone_call(**values: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "phone",
        "requester_name": "Dr Anna Weber",
        "requester_country": "DE",
        "question": "Which dose was studied in patients over 80?",
    }
    body.update(values)
    return body


def attested(**values: Any) -> dict[str, Any]:
    return phone_call(
        unsolicited_requested_by="Dr Anna Weber",
        unsolicited_requested_at=(timezone.now() - dt.timedelta(hours=1)).isoformat(),
        unsolicited_how="asked unprompted on the phone",
        unsolicited_words="Can I give Onvexa in small cell lung cancer?",
        **values,
    )


def test_msl_takes_an_inquiry_from_an_interaction_in_one_step(msl: User) -> None:
    hcp = factories.hcp("Weber")
    interaction = engagement.interaction(msl, hcps=[hcp])
    response = ApiClient(msl).post(
        "/medinfo/inquiries",
        {"interaction_id": interaction.pk, "question": "Is there data on use in the elderly?"},
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["status"] == InquiryStatus.FORWARDED
    assert answer["channel"] == "field"
    assert answer["requester"]["hcp_id"] == hcp.pk
    assert answer["interaction_id"] == interaction.pk
    assert [step["to_team"] for step in answer["handoffs"]] == ["medical information"]
    inquiry = Inquiry.objects.get(pk=answer["id"])
    assert inquiry.received_at == interaction.occurred_at
    assert answer["clock"]["due_on"] == inquiry.due_on.isoformat()
    assert {event.source for event in history_for(inquiry)} == {"api"}


def test_an_msl_may_keep_an_inquiry_then_forward_it(msl: User, medinfo: User) -> None:
    client = ApiClient(msl)
    kept = client.post("/medinfo/inquiries", phone_call(forward=False)).json()
    assert kept["status"] == InquiryStatus.RECEIVED
    forwarded = client.post(
        f"/medinfo/inquiries/{kept['id']}/forward", {"to_user": medinfo.username, "note": "x"}
    )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["status"] == InquiryStatus.FORWARDED
    assert forwarded.json()["assigned_to"] == medinfo.username
    assert [step["to_user"] for step in forwarded.json()["handoffs"]] == [
        msl.username,
        medinfo.username,
    ]


def test_forwarding_to_someone_outside_medical_information_is_refused(
    msl: User, other_msl: User
) -> None:
    inquiry = factories.inquiry(msl, status=InquiryStatus.RECEIVED)
    response = ApiClient(msl).post(
        f"/medinfo/inquiries/{inquiry.pk}/forward", {"to_user": other_msl.username}
    )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["to_user"]
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.RECEIVED


def test_off_label_without_the_attestation_names_each_missing_field(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, country="US")  # not labelled in Germany
    response = ApiClient(medinfo).post(
        "/medinfo/inquiries",
        phone_call(
            product_id=product.pk, indication="small cell lung cancer", unsolicited_how="unprompted"
        ),
    )
    assert response.status_code == 422
    details = response.json()["details"]
    assert set(details) == {
        "unsolicited_requested_by",
        "unsolicited_requested_at",
        "unsolicited_words",
    }
    assert "Germany" in details["unsolicited_words"]
    assert not Inquiry.objects.exists() and not Handoff.objects.exists()


def test_off_label_with_the_attestation_carries_it(medinfo: User) -> None:
    product = factories.own_product()
    response = ApiClient(medinfo).post(
        "/medinfo/inquiries", attested(product_id=product.pk, indication="small cell lung cancer")
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["off_label"] is True
    assert "no labelled indication in Germany" in answer["off_label_reason"]
    assert answer["attestation"]["how"] == "asked unprompted on the phone"
    assert answer["attestation"]["words"].startswith("Can I give Onvexa")


def test_on_label_needs_no_attestation_whatever_the_body_says(medinfo: User) -> None:
    product = factories.own_product()
    factories.labelled(product, country="DE")
    response = ApiClient(medinfo).post(
        "/medinfo/inquiries",
        phone_call(product_id=product.pk, indication=f"{NSCLC}, first line", off_label=True),
    )
    assert response.status_code == 201, response.content
    assert response.json()["off_label"] is False
    assert response.json()["attestation"] is None


def test_a_product_without_the_use_asked_about_is_refused_naming_indication(
    medinfo: User,
) -> None:
    product = factories.own_product()
    factories.labelled(product, country="DE")
    response = ApiClient(medinfo).post("/medinfo/inquiries", attested(product_id=product.pk))
    assert response.status_code == 422, response.content
    details = response.json()["details"]
    assert set(details) == {"indication"}
    assert details["indication"].startswith("say what use the question is about")
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"requester_country": ""}, "requester_country"),
        ({"requester_name": "", "requester_country": ""}, "requester_name"),
        ({"requester_hcp_id": 999_999}, "requester_hcp_id"),
        ({"product_id": 999_999}, "product_id"),
        ({"therapeutic_area": "no-such-area"}, "therapeutic_area"),
        ({"channel": "pigeon"}, "channel"),
        ({"priority": "someday"}, "priority"),
        ({"question": "   "}, "question"),
        ({"received_at": "2099-01-01T10:00:00+00:00"}, "received_at"),
        ({"received_at": "1999-12-31T10:00:00"}, "received_at"),
    ],
)
def test_intake_refusal_names_the_body_field(
    medinfo: User, values: dict[str, Any], field: str
) -> None:
    response = ApiClient(medinfo).post("/medinfo/inquiries", phone_call(**values))
    assert response.status_code == 422, response.content
    assert field in response.json()["details"]
    assert not Inquiry.objects.exists()


def test_a_time_without_offset_is_read_in_the_site_zone(medinfo: User) -> None:
    answer = ApiClient(medinfo).post(
        "/medinfo/inquiries", phone_call(received_at="2026-01-05T09:30:00")
    )
    assert answer.status_code == 201, answer.content
    inquiry = Inquiry.objects.get()
    expected = timezone.make_aware(dt.datetime(2026, 1, 5, 9, 30))
    assert inquiry.received_at == expected


def test_outsider_cannot_take_an_inquiry(outsider: User) -> None:
    assert ApiClient(outsider).post("/medinfo/inquiries", phone_call()).status_code == 403


def test_queue_shows_each_inquiry_with_its_clock_and_filters_breaches(medinfo: User) -> None:
    today = timezone.localdate()
    late = factories.inquiry(medinfo, due_on=today - dt.timedelta(days=2))
    on_time = factories.inquiry(medinfo, due_on=today + dt.timedelta(days=30))
    client = ApiClient(medinfo)
    rows = client.get("/medinfo/inquiries").json()["results"]
    assert [row["id"] for row in rows] == [late.pk, on_time.pk]  # soonest due first
    assert rows[0]["clock"]["state"] == "overdue" and rows[0]["clock"]["breached"] is True
    assert rows[0]["clock"]["remaining"] == "overdue by 2 days"
    assert rows[1]["clock"]["breached"] is False
    breached = client.get("/medinfo/inquiries", {"breached": "true"}).json()
    assert [row["id"] for row in breached["results"]] == [late.pk]
    others = client.get("/medinfo/inquiries", {"breached": "false"}).json()
    assert [row["id"] for row in others["results"]] == [on_time.pk]


def test_queue_filters_status_priority_product_and_assignee(medinfo: User) -> None:
    product = factories.own_product()
    urgent = factories.inquiry(medinfo, priority="urgent", product=product, assigned_to=medinfo)
    factories.inquiry(medinfo, priority="low")
    closed = factories.inquiry(medinfo, status=InquiryStatus.CLOSED)
    client = ApiClient(medinfo)

    def ids(**params: str) -> list[int]:
        return [row["id"] for row in client.get("/medinfo/inquiries", params).json()["results"]]

    assert closed.pk not in ids()  # open ones by default
    assert ids(status="closed") == [closed.pk]
    assert len(ids(status="all")) == 3
    assert ids(priority="urgent") == [urgent.pk]
    assert ids(product_id=str(product.pk)) == [urgent.pk]
    assert ids(assigned_to="me") == [urgent.pk]
    assert ids(assigned_to=medinfo.username) == [urgent.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"priority": "someday"},
        {"product_id": "999999"},
        {"assigned_to": "nobody"},
    ],
)
def test_queue_refuses_unknown_filters_naming_them(medinfo: User, params: dict[str, str]) -> None:
    response = ApiClient(medinfo).get("/medinfo/inquiries", params)
    assert response.status_code == 422
    assert list(response.json()["details"]) == list(params)


def test_an_msl_sees_only_the_inquiries_they_took(msl: User, other_msl: User) -> None:
    own = factories.inquiry(msl)
    others = factories.inquiry(other_msl)
    client = ApiClient(msl)
    assert [row["id"] for row in client.get("/medinfo/inquiries").json()["results"]] == [own.pk]
    assert client.get(f"/medinfo/inquiries/{others.pk}").status_code == 404
    assert client.get(f"/medinfo/inquiries/{own.pk}").status_code == 200


def test_detail_shows_the_chain_answers_and_follow_ups(medinfo: User, msl: User) -> None:
    parent = factories.inquiry(msl)
    Handoff.objects.create(inquiry=parent, from_user=msl, to_team="medical information")
    child = factories.inquiry(msl, parent=parent)
    answer = ApiClient(medinfo).get(f"/medinfo/inquiries/{parent.pk}").json()
    assert [step["from_user"] for step in answer["handoffs"]] == [msl.username]
    assert answer["follow_ups"] == [
        {"id": child.pk, "reference": child.reference, "status": child.status}
    ]
    assert answer["answers"] == [] and answer["custom_responses"] == []
    assert answer["requester"]["email"] == ""


def test_medical_information_assigns_and_the_msl_may_not(medinfo: User, msl: User) -> None:
    inquiry = factories.inquiry(msl)
    refused = ApiClient(msl).post(
        f"/medinfo/inquiries/{inquiry.pk}/assign", {"to_user": medinfo.username}
    )
    assert refused.status_code == 403
    answer = ApiClient(medinfo).post(
        f"/medinfo/inquiries/{inquiry.pk}/assign", {"to_user": medinfo.username}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == InquiryStatus.IN_PROGRESS
    assert answer.json()["assigned_to"] == medinfo.username


@pytest.mark.parametrize("to_user", ["nobody", "alice"])
def test_assigning_to_an_unknown_user_or_an_msl_names_to_user(
    medinfo: User, msl: User, to_user: str
) -> None:
    inquiry = factories.inquiry(msl)
    response = ApiClient(medinfo).post(
        f"/medinfo/inquiries/{inquiry.pk}/assign", {"to_user": to_user}
    )
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["to_user"]


def test_priority_change_recomputes_the_due_day(medinfo: User) -> None:
    inquiry = factories.inquiry(medinfo, priority="low")
    response = ApiClient(medinfo).post(
        f"/medinfo/inquiries/{inquiry.pk}/priority", {"priority": "urgent", "reason": "a patient"}
    )
    assert response.status_code == 200, response.content
    expected = turnaround.due_on(inquiry.received_at, "urgent", "DE")
    assert response.json()["due_on"] == expected.isoformat()
    assert response.json()["priority"] == "urgent"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"priority": "urgent", "reason": " "}, "reason"),
        ({"priority": "x", "reason": "y"}, "priority"),
    ],
)
def test_priority_refusal_names_the_field(medinfo: User, body: dict[str, str], field: str) -> None:
    inquiry = factories.inquiry(medinfo)
    response = ApiClient(medinfo).post(f"/medinfo/inquiries/{inquiry.pk}/priority", body)
    assert response.status_code == 422
    assert field in response.json()["details"]
    inquiry.refresh_from_db()
    assert inquiry.priority == "normal"


def test_closing_an_unanswered_inquiry_needs_a_reason_and_happens_once(medinfo: User) -> None:
    inquiry = factories.inquiry(medinfo)
    client = ApiClient(medinfo)
    path = f"/medinfo/inquiries/{inquiry.pk}/close"
    without = client.post(path, {})
    assert without.status_code == 422
    assert without.json()["details"] == {
        "reason": "this inquiry has no answer; say why it is closed without one"
    }
    closed = client.post(path, {"reason": "the requester withdrew it"})
    assert closed.status_code == 200 and closed.json()["status"] == InquiryStatus.CLOSED
    again = client.post(path, {"reason": "twice"})
    assert again.status_code == 409 and "status" in again.json()["details"]


def test_the_receiver_cancels_what_she_kept(msl: User, field_manager: User) -> None:
    inquiry = factories.inquiry(msl, status=InquiryStatus.RECEIVED)
    path = f"/medinfo/inquiries/{inquiry.pk}/cancel"
    assert ApiClient(field_manager).post(path, {"reason": "mistake"}).status_code == 403
    answer = ApiClient(msl).post(path, {"reason": "taken twice"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == InquiryStatus.CANCELLED


def test_a_follow_up_is_a_linked_inquiry(medinfo: User, msl: User) -> None:
    product = factories.own_product()
    factories.labelled(product, country="DE")
    parent = factories.inquiry(msl, product=product, indication=NSCLC, priority="high")
    response = ApiClient(msl).post(
        f"/medinfo/inquiries/{parent.pk}/follow-ups", {"question": "And in renal impairment?"}
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["parent_id"] == parent.pk
    assert answer["priority"] == "high" and answer["product"]["id"] == product.pk
    assert answer["question"] == "And in renal impairment?"
    listed = ApiClient(medinfo).get(f"/medinfo/inquiries/{parent.pk}").json()["follow_ups"]
    assert [item["id"] for item in listed] == [answer["id"]]


def test_an_off_label_follow_up_is_attested_for_itself(msl: User) -> None:
    parent = factories.inquiry(
        msl,
        product=factories.own_product(),
        off_label=True,
        off_label_reason="no label",
        unsolicited_requested_by="Dr Weber",
        unsolicited_requested_at=timezone.now() - dt.timedelta(days=1),
        unsolicited_how="unprompted",
        unsolicited_words="Can I?",
    )
    response = ApiClient(msl).post(
        f"/medinfo/inquiries/{parent.pk}/follow-ups", {"question": "And at a higher dose?"}
    )
    assert response.status_code == 422
    assert set(ATTESTATION) <= set(response.json()["details"])


def test_the_queue_asks_the_same_number_of_queries_whatever_its_length(medinfo: User) -> None:
    product = factories.own_product()
    client = ApiClient(medinfo)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/medinfo/inquiries").status_code == 200
        return len(captured)

    factories.inquiry(medinfo, product=product, requester_hcp=factories.hcp("Weber"))
    queries()  # the token's first use is recorded once
    few = queries()
    for index in range(5):
        factories.inquiry(
            medinfo,
            product=product,
            assigned_to=medinfo,
            requester_hcp=factories.hcp(f"Weber{index}", region="BY"),
        )
    assert queries() == few


def test_the_time_zone_is_taken_and_returned_and_a_time_read_in_it(medinfo: User) -> None:
    # 00:30 on Wednesday 3 December 2025 in Berlin (Tuesday evening in UTC).
    body = phone_call(received_at="2025-12-03T00:30:00", time_zone="Europe/Berlin")

    response = ApiClient(medinfo).post("/medinfo/inquiries", body)

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["time_zone"] == "Europe/Berlin"
    assert answer["received_at"] == "2025-12-02T23:30:00Z"
    assert answer["clock"]["started_on"] == "2025-12-03"
    inquiry = Inquiry.objects.get(pk=answer["id"])
    assert inquiry.time_zone == "Europe/Berlin"


def test_an_unknown_time_zone_is_a_422_naming_the_field(medinfo: User) -> None:
    response = ApiClient(medinfo).post("/medinfo/inquiries", phone_call(time_zone="Mars/Olympus"))

    assert response.status_code == 422, response.content
    assert list(response.json()["details"]) == ["time_zone"]
    assert response.json()["message"].startswith("Time zone: “Mars/Olympus” is not a time zone")
    assert not Inquiry.objects.exists()
