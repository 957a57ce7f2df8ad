"""The queue and a case's page: clocks in words with a breach mark, the four
criteria, filters; the patient block for pharmacovigilance only; and the case's
actions (work form, status, versions, follow-up requests, assignment, forwarding)
with their refusals shown beside the form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.lib.clocks import format_day
from liaison.safety.models import (
    Case,
    CaseStatus,
    CaseVersion,
    FollowUpRequest,
    Reaction,
    Submission,
)
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def page(client: Client, name: str, *args: Any, **query: Any) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def work_form(case: Case, **changes: Any) -> dict[str, Any]:
    """The case form as the page sends it back unchanged (one reaction, one product
    row each), with ``changes``."""
    reaction = case.reactions.get()
    product = case.products.get()
    data: dict[str, Any] = {
        "day_zero": case.day_zero.isoformat(),
        "country": case.country,
        "is_adverse_event": "on",
        "patient_initials": case.patient_initials,
        "patient_age_unit": "a",
        "reporter_given_name": case.reporter_given_name,
        "reporter_family_name": case.reporter_family_name,
        "expectedness": case.expectedness,
        "reactions-TOTAL_FORMS": "2",
        "reactions-INITIAL_FORMS": "1",
        "reactions-0-verbatim": reaction.verbatim,
        "reactions-0-outcome": reaction.outcome,
        "reactions-0-meddra_code": reaction.meddra_code,
        "reactions-0-meddra_version": reaction.meddra_version,
        "reactions-1-outcome": "unknown",
        "products-TOTAL_FORMS": "2",
        "products-INITIAL_FORMS": "1",
        "products-0-role": product.role,
        "products-0-product": product.product_id or "",
        "products-0-name": product.name,
        "products-1-role": "suspect",
    }
    data.update(changes)
    return data


# --- the queue --------------------------------------------------------------------------


def test_queue_shows_the_clocks_in_words_with_a_breach_mark(
    client: Client, msl: User, pv: User
) -> None:
    late = factories.case(
        msl,
        day_zero=timezone.localdate() - dt.timedelta(days=10),
        status=CaseStatus.INTAKE,
        forwarded_at=None,
    )
    on_time = factories.case(msl, day_zero=timezone.localdate())
    html = page(signed_in(client, pv), "safety:case-list")
    assert late.reference in html and on_time.reference in html
    late_row = re.search(rf"{late.reference}.*?</tr>", html, re.S)
    assert late_row is not None
    assert "Breached" in late_row.group(0) and "overdue by" in late_row.group(0)
    on_time_row = re.search(rf"{on_time.reference}.*?</tr>", html, re.S)
    assert on_time_row is not None and "Breached" not in on_time_row.group(0)
    breached = page(client, "safety:case-list", breached="yes")
    assert late.reference in breached and on_time.reference not in breached
    kept = page(client, "safety:case-list", breached="no")
    assert on_time.reference in kept and late.reference not in kept


def test_queue_shows_a_reporter_only_their_own_cases(
    client: Client, msl: User, other_msl: User, pv: User
) -> None:
    mine = factories.case(msl)
    theirs = factories.case(other_msl, country="US")
    html = page(signed_in(client, msl), "safety:case-list")
    assert mine.reference in html and theirs.reference not in html
    html = page(signed_in(client, pv), "safety:case-list")
    assert mine.reference in html and theirs.reference in html


def test_queue_filters_incomplete_cases_and_names_what_is_missing(
    client: Client, msl: User, pv: User
) -> None:
    complete = factories.case(msl)
    anonymous = factories.case(msl, patient_initials="")
    html = page(signed_in(client, pv), "safety:case-list", incomplete="yes")
    assert anonymous.reference in html and complete.reference not in html
    assert "an identifiable patient" in html


def test_queue_lists_the_flags_waiting_with_confirm_and_dismiss(client: Client, msl: User) -> None:
    flag = factories.flag(msl, sentence="Her patient got a rash on Oncovirumab.")
    html = page(signed_in(client, msl), "safety:case-list")
    assert "Her patient got a rash on Oncovirumab." in html
    assert reverse("safety:flag-confirm", args=[flag.pk]) in html
    assert reverse("safety:flag-dismiss", args=[flag.pk]) in html


def test_queue_answers_htmx_with_the_results_fragment(client: Client, pv: User) -> None:
    response = signed_in(client, pv).get(reverse("safety:case-list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" not in html and 'id="result-count"' in html


# --- the case page ------------------------------------------------------------------------


def test_patient_block_is_shown_to_pharmacovigilance_only(
    client: Client, msl: User, pv: User, compliance: User
) -> None:
    case = factories.case(msl, patient_initials="QZX")
    url = reverse("safety:case-detail", args=[case.pk])
    html = signed_in(client, pv).get(url).content.decode()
    assert "QZX" in html and 'id="patient-details"' in html
    for user in (msl, compliance):
        html = signed_in(client, user).get(url).content.decode()
        assert "QZX" not in html
        assert "Patient details are seen by pharmacovigilance only" in html


def test_case_page_shows_the_clocks_criteria_and_source(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(
        msl,
        day_zero=timezone.localdate(),
        patient_initials="",
        source_title="Interaction with Dr Weber",
        source_url="/engagement/interactions/7/",
    )
    html = page(signed_in(client, pv), "safety:case-detail", case.pk)
    assert "Forward to pharmacovigilance" in html and "Report to the regulator" in html
    assert '<span class="badge badge-ok">Met</span> met on' in html  # forwarded on Day 0
    assert "Missing</span> An identifiable patient" in html
    assert 'href="/engagement/interactions/7/"' in html


def test_history_link_only_for_readers_of_patient_details(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl)
    history = reverse("core:record-history", args=["safety.case", case.pk])
    assert history in page(signed_in(client, pv), "safety:case-detail", case.pk)
    assert history not in page(signed_in(client, msl), "safety:case-detail", case.pk)


# --- pharmacovigilance's work form --------------------------------------------------------------


def test_pv_codes_a_reaction_with_meddra(client: Client, msl: User, pv: User) -> None:
    case = factories.case(msl)
    url = reverse("safety:case-edit", args=[case.pk])
    response = signed_in(client, pv).post(
        url,
        work_form(
            case,
            **{
                "reactions-0-meddra_code": "10037087",
                "reactions-0-meddra_version": "27.1",
                "reactions-0-seriousness": ["hospitalisation"],
            },
        ),
    )
    assert response.status_code == 302
    reaction = Reaction.objects.get(case=case)
    assert (reaction.meddra_code, reaction.meddra_version) == ("10037087", "27.1")
    assert reaction.hospitalisation and not reaction.results_in_death


def test_a_meddra_code_not_8_digits_is_refused_beside_its_field(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl)
    url = reverse("safety:case-edit", args=[case.pk])
    response = signed_in(client, pv).post(
        url,
        work_form(
            case, **{"reactions-0-meddra_code": "1234", "reactions-0-meddra_version": "27.1"}
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    field = re.search(r'id="id_reactions-0-meddra_code".*?</div>', html, re.S)
    assert field is not None and "is not a MedDRA code" in field.group(0)
    assert Reaction.objects.get(case=case).meddra_code == ""


def test_changing_day_zero_needs_a_reason(client: Client, msl: User, pv: User) -> None:
    case = factories.case(msl)
    earlier = (case.day_zero - dt.timedelta(days=1)).isoformat()
    url = reverse("safety:case-edit", args=[case.pk])
    signed_in(client, pv)
    refused = client.post(url, work_form(case, day_zero=earlier))
    assert refused.status_code == 422
    assert "Day 0 is changed only with a reason" in refused.content.decode()
    case.refresh_from_db()
    assert case.day_zero.isoformat() != earlier
    saved = client.post(url, work_form(case, day_zero=earlier, reason="the MSL heard it earlier"))
    assert saved.status_code == 302
    case.refresh_from_db()
    assert case.day_zero.isoformat() == earlier


def test_a_new_product_row_is_added_and_a_deleted_one_removed(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl)
    data = work_form(
        case,
        **{
            "products-0-DELETE": "on",
            "products-1-role": "concomitant",
            "products-1-name": "Metformin",
            "products-1-dose": "500 mg",
        },
    )
    response = signed_in(client, pv).post(reverse("safety:case-edit", args=[case.pk]), data)
    assert response.status_code == 302
    assert list(case.products.values_list("name", "role", "dose")) == [
        ("Metformin", "concomitant", "500 mg")
    ]


def test_a_reporter_completing_an_intake_neither_sees_nor_wipes_the_patient(
    client: Client, msl: User
) -> None:
    case = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None, patient_initials="QZX")
    url = reverse("safety:case-edit", args=[case.pk])
    html = page(signed_in(client, msl), "safety:case-edit", case.pk)
    assert "patient_initials" not in html and "QZX" not in html
    data = work_form(case, narrative="Rash on both arms after the second dose.")
    data.pop("patient_initials")
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.narrative.startswith("Rash on both arms") and case.patient_initials == "QZX"


def test_a_reporter_completing_an_intake_is_not_offered_pharmacovigilances_fields(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None)
    case.reactions.update(meddra_code="10037087", meddra_version="27.1")
    html = page(signed_in(client, msl), "safety:case-edit", case.pk)
    for name in ("meddra_code", "meddra_version", "expectedness", "sender_comments"):
        assert f'name="{name}"' not in html and f"-{name}" not in html, name
    assert "MedDRA" in page(signed_in(client, pv), "safety:case-edit", case.pk)
    data = work_form(case, **{"reactions-0-meddra_code": "10000001"})
    data["sender_comments"] = "sent by the reporter"
    response = signed_in(client, msl).post(reverse("safety:case-edit", args=[case.pk]), data)
    assert response.status_code == 302
    reaction = Reaction.objects.get(case=case)
    assert (reaction.meddra_code, reaction.meddra_version) == ("10037087", "27.1")
    case.refresh_from_db()
    assert case.sender_comments == ""


# --- the page's actions -----------------------------------------------------------------------------


def test_pv_moves_a_case_to_review_and_takes_it(client: Client, msl: User, pv: User) -> None:
    case = factories.case(msl)
    response = signed_in(client, pv).post(
        reverse("safety:case-status", args=[case.pk]), {"status": "in_review"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.assigned_to == pv


def test_reopening_a_closed_case_without_a_reason_is_refused_on_the_page(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl, status=CaseStatus.CLOSED)
    response = signed_in(client, pv).post(
        reverse("safety:case-status", args=[case.pk]), {"status": "in_review"}
    )
    assert response.status_code == 422
    assert "reopening a closed case needs a reason" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_new_version_says_why(client: Client, msl: User, pv: User) -> None:
    case = factories.case(msl)
    url = reverse("safety:case-version", args=[case.pk])
    signed_in(client, pv)
    refused = client.post(url, {"kind": "nullification", "reason": " "})
    assert refused.status_code == 422 and "say why" in refused.content.decode()
    assert (
        client.post(url, {"kind": "nullification", "reason": "duplicate of AE-1"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert (case.version_kind, case.version_number, case.status) == (
        CaseVersion.NULLIFICATION,
        2,
        CaseStatus.NULLIFIED,
    )


def test_follow_up_request_names_the_missing_criteria_and_takes_the_answer(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl, patient_initials="")
    signed_in(client, pv)
    response = client.post(
        reverse("safety:case-follow-up", args=[case.pk]), {"message": "Age and sex please"}
    )
    assert response.status_code == 302
    request = FollowUpRequest.objects.get(case=case)
    assert request.missing == ["patient"]
    html = page(client, "safety:case-detail", case.pk)
    assert "Age and sex please" in html and "missing: patient" in html
    answered = client.post(
        reverse("safety:follow-up-answer", args=[request.pk]), {"answer": "Male, 54"}
    )
    assert answered.status_code == 302
    request.refresh_from_db()
    assert request.answer == "Male, 54" and request.answered_at is not None


def test_an_empty_follow_up_request_is_refused_beside_the_field(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl)
    response = signed_in(client, pv).post(
        reverse("safety:case-follow-up", args=[case.pk]), {"message": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    field = re.search(r'id="id_message".*?</div>', html, re.S)
    assert field is not None and "write the request to the reporter" in field.group(0)
    assert not FollowUpRequest.objects.filter(case=case).exists()


def test_pv_assigns_a_case_to_themselves(client: Client, msl: User, pv: User) -> None:
    case = factories.case(msl)
    signed_in(client, pv).post(reverse("safety:case-assign", args=[case.pk]))
    case.refresh_from_db()
    assert case.assigned_to == pv


def test_the_reporter_forwards_an_intake(client: Client, msl: User) -> None:
    case = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None)
    html = page(signed_in(client, msl), "safety:case-detail", case.pk)
    assert "Forward to pharmacovigilance" in html
    client.post(reverse("safety:case-forward", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == CaseStatus.FORWARDED and case.forwarded_by == msl


def test_a_follow_up_from_the_page_records_its_received_day(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl, status=CaseStatus.SUBMITTED, submitted_at=timezone.now())
    received = timezone.localdate() - dt.timedelta(days=1)
    response = signed_in(client, pv).post(
        reverse("safety:case-version", args=[case.pk]),
        {"kind": "follow_up", "reason": "labs", "received_on": received.isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.latest_received_on == received and case.submitted_at is None
    html = page(client, "safety:case-detail", case.pk)
    assert "New information received" in html
    # Not serious, in Germany: 90 days, from the new information rather than Day 0.
    assert f"(due {format_day(received + dt.timedelta(days=90))})" in html


@pytest.mark.parametrize(
    ("received", "words"),
    [("", "say when"), ("31/02/2026", "Enter a valid date"), ("2999-01-01", "future")],
)
def test_a_follow_up_without_a_real_received_day_is_refused_beside_the_field(
    client: Client, msl: User, pv: User, received: str, words: str
) -> None:
    case = factories.case(msl)
    response = signed_in(client, pv).post(
        reverse("safety:case-version", args=[case.pk]),
        {"kind": "follow_up", "reason": "labs", "received_on": received},
    )
    assert response.status_code == 422
    field = re.search(r'id="id_received_on".*?</div>', response.content.decode(), re.S)
    assert field is not None and words in field.group(0)
    case.refresh_from_db()
    assert case.version_number == 1


def test_the_submission_history_shows_the_version_and_the_initials_choice(
    client: Client, msl: User, pv: User
) -> None:
    case = factories.case(msl, version_number=2, version_kind=CaseVersion.FOLLOW_UP)
    for version, unmasked in ((1, True), (2, False)):
        Submission.objects.create(
            case=case,
            version_number=version,
            message_id=case.safety_report_id,
            batch_id=f"B-{version}",
            exported_by=pv,
            initials_unmasked=unmasked,
        )
    html = page(signed_in(client, pv), "safety:case-detail", case.pk)
    table = re.search(r"<table>\s*<caption[^>]*>E2B files.*?</table>", html, re.S)
    assert table is not None
    rows = re.findall(r"<tr>.*?</tr>", table.group(0), re.S)[1:]
    cells = [re.sub(r"<[^>]+>", "", row) for row in rows]
    unmasked_row = next(row for row in cells if "Sent unmasked" in row)
    assert "(earlier)" in unmasked_row
    assert any("Masked" in row and "(earlier)" not in row for row in cells)
