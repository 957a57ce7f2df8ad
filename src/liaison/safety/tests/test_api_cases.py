"""``/api/v1/safety/cases``: report, read, change, forward, move on, version and
follow up a case; refusals name the body's fields; patient details only for
pharmacovigilance."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.models import AuditEvent, User
from liaison.core.tests.apiclient import ApiClient
from liaison.engagement.tests import factories as engagement
from liaison.safety.models import Case, CaseStatus, CaseVersion, Reaction
from liaison.safety.services.e2b import export_case
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


def body(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "day_zero": str(today() - dt.timedelta(days=1)),
        "country": "DE",
        "patient_initials": "KM",
        "patient_sex": "female",
        "reporter_given_name": "Anna",
        "reporter_family_name": "Weber",
        "reactions": [{"verbatim": "severe rash", "hospitalisation": True}],
        "products": [{"product_id": factories.own_product().pk, "batch_number": "B123"}],
    }
    data.update(values)
    return data


def test_a_reported_case_is_forwarded_with_its_reference_and_clocks(msl: User) -> None:
    answer = ApiClient(msl).post("/safety/cases", body())
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    case = Case.objects.get(pk=data["id"])
    assert case.reported_by == msl and case.status == CaseStatus.FORWARDED
    assert data["reference"] == case.reference and case.reference.startswith("AE-")
    assert data["safety_report_id"].startswith("DE-")
    assert data["forwarding"]["state"] == "met" and data["forwarding"]["done_on"] == str(today())
    assert data["serious"] is True and data["regulatory"]["due"] is not None
    assert data["products"][0]["name"] == "Oncovirumab"
    assert data["products"][0]["batch_number"] == "B123"
    assert data["complete"] is True and data["missing"] == []


def test_the_reporter_reads_back_no_patient_details(msl: User) -> None:
    data = ApiClient(msl).post("/safety/cases", body()).json()
    assert data["patient_visible"] is False
    assert not [key for key in data if key.startswith("patient_") and key != "patient_visible"]
    assert Case.objects.get(pk=data["id"]).patient_initials == "KM"


@pytest.mark.parametrize("role", ["field_manager", "compliance", "admin_user"])
def test_other_readers_of_a_case_get_no_patient_details(
    role: str, msl: User, request: pytest.FixtureRequest
) -> None:
    case = factories.case(msl)
    reader: User = request.getfixturevalue(role)
    data = ApiClient(reader).get(f"/safety/cases/{case.pk}").json()
    assert data["reference"] == case.reference
    assert "patient_initials" not in data and "patient_birth_date" not in data


@pytest.mark.parametrize("role", ["msl", "field_manager", "compliance", "admin_user"])
def test_the_reporters_contact_is_answered_to_pharmacovigilance_only(
    role: str, msl: User, pv: User, request: pytest.FixtureRequest
) -> None:
    case = factories.case(msl, reporter_contact="anna.weber@example.org")
    reader: User = request.getfixturevalue(role)
    assert "reporter_contact" not in ApiClient(reader).get(f"/safety/cases/{case.pk}").json()
    shown = ApiClient(pv).get(f"/safety/cases/{case.pk}").json()
    assert shown["reporter_contact"] == "anna.weber@example.org"


def test_pharmacovigilance_reads_the_patient(msl: User, pv: User) -> None:
    case = factories.case(msl, patient_age=54, patient_weight_kg="71.5")
    data = ApiClient(pv).get(f"/safety/cases/{case.pk}").json()
    assert data["patient_visible"] is True
    assert data["patient_initials"] == "JD"
    assert data["patient_age"] == 54 and data["patient_weight_kg"] == 71.5


def test_a_case_without_day_zero_is_refused_and_nothing_is_written(msl: User) -> None:
    data = body()
    del data["day_zero"]
    answer = ApiClient(msl).post("/safety/cases", data)
    assert answer.status_code == 422
    assert "Day 0" in answer.json()["details"]["day_zero"]
    assert not Case.objects.exists() and not Reaction.objects.exists()
    assert not AuditEvent.objects.filter(record_type="safety.case").exists()


def test_a_meddra_code_not_8_digits_is_named_by_its_reaction(pv: User) -> None:
    data = body(reactions=[{"verbatim": "rash", "meddra_code": "1234", "meddra_version": "27.1"}])
    answer = ApiClient(pv).post("/safety/cases", data)
    assert answer.status_code == 422
    refusal = answer.json()
    assert "8 digits" in refusal["details"]["reactions.0.meddra_code"]
    assert "reaction 1, MedDRA LLT code" in refusal["message"]


def test_a_date_of_birth_in_the_future_is_named(msl: User) -> None:
    tomorrow = str(today() + dt.timedelta(days=2))  # after today in every time zone
    answer = ApiClient(msl).post("/safety/cases", body(patient_birth_date=tomorrow))
    assert answer.status_code == 422
    assert "future" in answer.json()["details"]["patient_birth_date"]


def test_an_unknown_product_and_reporter_are_named_by_their_place(msl: User) -> None:
    api = ApiClient(msl)
    product = api.post("/safety/cases", body(products=[{"product_id": 99_999}]))
    assert product.status_code == 422
    assert list(product.json()["details"]) == ["products.0.product_id"]
    reporter = api.post("/safety/cases", body(reporter_hcp_id=99_999))
    assert list(reporter.json()["details"]) == ["reporter_hcp_id"]


def test_a_lowercase_country_is_taken_in_capitals(msl: User) -> None:
    data = ApiClient(msl).post("/safety/cases", body(country="at")).json()
    assert Case.objects.get(pk=data["id"]).country == "AT"


def test_a_case_from_an_interaction_takes_its_day_country_and_hcp(msl: User) -> None:
    hcp = engagement.an_hcp(country="AT")
    occurred = timezone.now() - dt.timedelta(days=3)
    interaction = engagement.interaction(msl, hcps=[hcp], occurred_at=occurred)
    data = body(interaction_id=interaction.pk)
    for name in ("day_zero", "country", "reporter_given_name", "reporter_family_name"):
        del data[name]
    answer = ApiClient(msl).post("/safety/cases", data)
    assert answer.status_code == 201, answer.json()
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.day_zero == occurred.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).date()
    assert case.country == "AT" and case.reporter_hcp == hcp
    assert case.source_kind == "interaction" and case.source_id == interaction.pk
    assert answer.json()["source"]["url"].endswith(f"/{interaction.pk}/")


def test_a_case_kept_at_intake_runs_its_forwarding_clock(msl: User) -> None:
    data = body(forward=False, day_zero=str(today() - dt.timedelta(days=10)))
    answer = ApiClient(msl).post("/safety/cases", data).json()
    assert answer["status"] == "intake"
    assert answer["forwarding"]["state"] == "overdue" and answer["breached"] is True


def test_the_list_filters_on_breaches_and_completeness(msl: User, pv: User) -> None:
    late = factories.case(
        msl,
        status=CaseStatus.INTAKE,
        forwarded_at=None,
        day_zero=today() - dt.timedelta(days=10),
    )
    anonymous = factories.case(msl, day_zero=today(), patient_initials="", reporter_given_name="")
    anonymous.reporter_family_name = ""
    anonymous.save()
    api = ApiClient(pv)
    everything = api.get("/safety/cases").json()
    assert everything["count"] == 2
    breached = api.get("/safety/cases", {"breached": "true"}).json()
    assert [row["id"] for row in breached["results"]] == [late.pk]
    assert breached["count"] == 1
    incomplete = api.get("/safety/cases", {"incomplete": "true"}).json()
    assert [row["id"] for row in incomplete["results"]] == [anonymous.pk]
    assert set(incomplete["results"][0]["missing"]) == {
        "An identifiable patient",
        "An identifiable reporter",
    }
    at_intake = api.get("/safety/cases", {"status": "intake"}).json()
    assert [row["id"] for row in at_intake["results"]] == [late.pk]


def test_the_list_is_the_queue_open_cases_first_oldest_day_zero_on_top(msl: User, pv: User) -> None:
    closed = factories.case(msl, day_zero=today(), status=CaseStatus.CLOSED)
    recent = factories.case(msl, day_zero=today() - dt.timedelta(days=1))
    oldest = factories.case(msl, day_zero=today() - dt.timedelta(days=30))
    answer = ApiClient(pv).get("/safety/cases", {"page_size": 2}).json()
    assert answer["count"] == 3
    assert [row["id"] for row in answer["results"]] == [oldest.pk, recent.pk]
    second = ApiClient(pv).get("/safety/cases", {"page_size": 2, "page": 2}).json()
    assert [row["id"] for row in second["results"]] == [closed.pk]


def test_the_list_shows_a_reporter_only_their_own_cases(msl: User, other_msl: User) -> None:
    mine = factories.case(msl)
    factories.case(other_msl)
    rows = ApiClient(msl).get("/safety/cases").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["reactions"] == ["rash"] and rows[0]["products"] == ["Oncovirumab"]


def test_pharmacovigilance_codes_the_reactions_replacing_them(msl: User, pv: User) -> None:
    case = factories.case(msl)
    coded = {"verbatim": "rash", "meddra_code": "10037844", "meddra_version": "27.1"}
    answer = ApiClient(pv).patch(
        f"/safety/cases/{case.pk}", {"reactions": [coded], "expectedness": "unexpected"}
    )
    assert answer.status_code == 200, answer.json()
    assert list(case.reactions.values_list("meddra_code", flat=True)) == ["10037844"]
    case.refresh_from_db()
    assert case.expectedness == "unexpected"


def test_day_zero_changes_only_with_a_reason(msl: User, pv: User) -> None:
    case = factories.case(msl)
    earlier = str(case.day_zero - dt.timedelta(days=1))
    api = ApiClient(pv)
    refused = api.patch(f"/safety/cases/{case.pk}", {"day_zero": earlier})
    assert refused.status_code == 422 and "reason" in refused.json()["details"]["day_zero"]
    changed = api.patch(
        f"/safety/cases/{case.pk}", {"day_zero": earlier, "reason": "heard it a day earlier"}
    )
    assert changed.status_code == 200 and changed.json()["day_zero"] == earlier
    event = AuditEvent.objects.filter(record_type="safety.case", record_id=str(case.pk)).last()
    assert event is not None and event.reason == "heard it a day earlier"


def test_null_is_refused_for_a_field_that_cannot_be_empty(msl: User, pv: User) -> None:
    case = factories.case(msl)
    answer = ApiClient(pv).patch(f"/safety/cases/{case.pk}", {"country": None})
    assert answer.status_code == 422 and "country" in answer.json()["details"]


def test_the_reporter_changes_a_case_at_intake_only(msl: User) -> None:
    at_intake = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None)
    forwarded = factories.case(msl)
    api = ApiClient(msl)
    assert api.patch(f"/safety/cases/{at_intake.pk}", {"narrative": "More."}).status_code == 200
    assert api.patch(f"/safety/cases/{forwarded.pk}", {"narrative": "More."}).status_code == 403
    forwarded.refresh_from_db()
    assert forwarded.narrative == ""


def test_forwarding_stops_the_clock(msl: User) -> None:
    case = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None)
    answer = ApiClient(msl).post(f"/safety/cases/{case.pk}/forward")
    assert answer.status_code == 200
    assert answer.json()["status"] == "forwarded"
    assert answer.json()["forwarding"]["done_on"] == str(today())
    case.refresh_from_db()
    assert case.forwarded_by == msl


def test_a_status_step_not_allowed_names_status(msl: User, pv: User) -> None:
    case = factories.case(msl)
    api = ApiClient(pv)
    refused = api.post(f"/safety/cases/{case.pk}/status", {"status": "submitted"})
    assert refused.status_code == 422 and list(refused.json()["details"]) == ["status"]
    moved = api.post(f"/safety/cases/{case.pk}/status", {"status": "in_review"})
    assert moved.json()["status"] == "in_review" and moved.json()["assigned_to"] == "victor"


def test_a_follow_up_version_and_a_nullification(msl: User, pv: User) -> None:
    case = factories.case(msl)
    api = ApiClient(pv)
    follow_up = api.post(
        f"/safety/cases/{case.pk}/versions",
        {"kind": "follow_up", "reason": "lab results", "received_on": str(today())},
    )
    assert follow_up.json()["version_number"] == 2
    assert follow_up.json()["version_kind"] == CaseVersion.FOLLOW_UP
    unexplained = api.post(f"/safety/cases/{case.pk}/versions", {"kind": "nullification"})
    assert unexplained.status_code == 422 and "reason" in unexplained.json()["details"]
    nullified = api.post(
        f"/safety/cases/{case.pk}/versions", {"kind": "nullification", "reason": "duplicate"}
    )
    assert nullified.json()["status"] == "nullified"
    assert nullified.json()["nullification_reason"] == "duplicate"


def test_a_follow_up_request_names_the_missing_criteria(msl: User, pv: User) -> None:
    case = factories.case(msl, patient_initials="")
    answer = ApiClient(pv).post(
        f"/safety/cases/{case.pk}/follow-up-requests", {"message": "Patient's age and sex?"}
    )
    assert answer.status_code == 201
    assert answer.json()["missing"] == ["patient"]
    shown = ApiClient(pv).get(f"/safety/cases/{case.pk}").json()
    assert [item["message"] for item in shown["follow_up_requests"]] == ["Patient's age and sex?"]


def test_an_empty_follow_up_request_names_message(msl: User, pv: User) -> None:
    case = factories.case(msl)
    answer = ApiClient(pv).post(f"/safety/cases/{case.pk}/follow-up-requests", {})
    assert answer.status_code == 422 and list(answer.json()["details"]) == ["message"]


def test_a_weight_is_kept_as_written_and_a_bad_one_named(msl: User, pv: User) -> None:
    data = ApiClient(msl).post("/safety/cases", body(patient_weight_kg=72.3)).json()
    assert str(Case.objects.get(pk=data["id"]).patient_weight_kg) == "72.3"
    assert ApiClient(pv).get(f"/safety/cases/{data['id']}").json()["patient_weight_kg"] == 72.3
    refused = ApiClient(msl).post("/safety/cases", body(patient_weight_kg=72.35))
    assert refused.status_code == 422 and "patient_weight_kg" in refused.json()["details"]


def test_a_follow_up_records_when_its_information_came_and_runs_a_new_clock(
    msl: User, pv: User
) -> None:
    case = factories.case(msl, day_zero=today() - dt.timedelta(days=30))
    case.reactions.update(hospitalisation=True)
    api = ApiClient(pv)
    api.post(f"/safety/cases/{case.pk}/status", {"status": "in_review"})
    api.post(f"/safety/cases/{case.pk}/status", {"status": "submitted"})
    received = today() - dt.timedelta(days=2)
    answer = api.post(
        f"/safety/cases/{case.pk}/versions",
        {"kind": "amendment", "reason": "dose corrected", "received_on": str(received)},
    )
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert data["day_zero"] == str(case.day_zero)
    assert data["latest_received_on"] == str(received)
    assert data["regulatory"]["due"] == str(received + dt.timedelta(days=15))
    assert data["regulatory"]["state"] == "running" and data["submitted_at"] is None
    assert data["submission_status"] == "not_submitted" and data["status"] == "in_review"
    event = AuditEvent.objects.filter(record_type="safety.case", record_id=str(case.pk)).last()
    assert event is not None and event.reason == "dose corrected"


@pytest.mark.parametrize(
    ("received", "words"),
    [(None, "say when"), (dt.timedelta(days=2), "future"), (-dt.timedelta(days=9), "Day 0")],
)
def test_a_follow_up_without_a_real_received_day_names_received_on(
    msl: User, pv: User, received: dt.timedelta | None, words: str
) -> None:
    case = factories.case(msl)
    sent: dict[str, Any] = {"kind": "follow_up", "reason": "labs"}
    if received is not None:
        sent["received_on"] = str(today() + received)
    answer = ApiClient(pv).post(f"/safety/cases/{case.pk}/versions", sent)
    assert answer.status_code == 422
    assert list(answer.json()["details"]) == ["received_on"]
    assert words in answer.json()["message"]
    case.refresh_from_db()
    assert case.version_number == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"expectedness": "unexpected"}, "expectedness"),
        ({"sender_comments": "related"}, "sender_comments"),
        (
            {
                "reactions": [
                    {"verbatim": "rash", "meddra_code": "10037844", "meddra_version": "27"}
                ]
            },
            "reactions.0.meddra_code",
        ),
    ],
)
def test_a_reporter_sending_pharmacovigilances_fields_is_refused_by_name(
    msl: User, values: dict[str, Any], field: str
) -> None:
    answer = ApiClient(msl).post("/safety/cases", body(**values))
    assert answer.status_code == 422
    assert "pharmacovigilance only" in answer.json()["details"][field]
    assert not Case.objects.exists()


def test_pharmacovigilance_reports_with_its_fields(pv: User) -> None:
    coded = {"verbatim": "rash", "meddra_code": "10037844", "meddra_version": "27.1"}
    answer = ApiClient(pv).post(
        "/safety/cases",
        body(reactions=[coded], expectedness="unexpected", sender_comments="related"),
    )
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["expectedness"] == "unexpected" and data["sender_comments"] == "related"
    assert data["reactions"][0]["meddra_code"] == "10037844"


def test_the_reporter_patching_an_intake_cannot_assess_it(msl: User) -> None:
    case = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None)
    api = ApiClient(msl)
    refused = api.patch(f"/safety/cases/{case.pk}", {"expectedness": "expected"})
    assert refused.status_code == 422
    assert "Expectedness" in refused.json()["message"]
    case.refresh_from_db()
    assert case.expectedness == "unknown"
    kept = api.patch(f"/safety/cases/{case.pk}", {"reactions": [{"verbatim": "itchy rash"}]})
    assert kept.status_code == 200


def test_a_submission_answers_its_version_and_unmask_choice(msl: User, pv: User) -> None:
    case = factories.case(msl)
    case.reactions.update(meddra_code="10037844", meddra_version="27.1")
    export_case(actor=pv, case=case, unmask_patient=True)
    (shown,) = ApiClient(pv).get(f"/safety/cases/{case.pk}").json()["submissions"]
    assert shown["initials_unmasked"] is True and shown["version_number"] == 1
