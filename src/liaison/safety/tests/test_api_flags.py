"""``/api/v1/safety/flags`` and ``/reconciliation``: flags waiting for their authors,
confirmed as cases or dismissed with a reason; the period's flags and cases with
their timeliness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient
from liaison.safety.models import Case, CaseStatus, Flag, FlagStatus, SourceKind
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


def ids(answer: dict[str, object]) -> list[int]:
    results = answer["results"]
    assert isinstance(results, list)
    return [row["id"] for row in results]


def test_an_author_sees_their_open_flags_waiting(msl: User, other_msl: User) -> None:
    open_flag = factories.flag(msl)
    factories.flag(msl, status=FlagStatus.DISMISSED, dismiss_reason="a question", source_id=2)
    factories.flag(other_msl, source_id=3)
    answer = ApiClient(msl).get("/safety/flags").json()
    assert ids(answer) == [open_flag.pk]
    row = answer["results"][0]
    assert row["product_name"] == "Oncovirumab" and row["author"] == "alice"
    assert row["source"]["label"] == "engagement.Interaction"


def test_mine_lists_every_flag_of_the_author(msl: User) -> None:
    first = factories.flag(msl)
    second = factories.flag(msl, status=FlagStatus.DISMISSED, dismiss_reason="no", source_id=2)
    answer = ApiClient(msl).get("/safety/flags", {"show": "mine"}).json()
    assert sorted(ids(answer)) == sorted([first.pk, second.pk])
    dismissed = ApiClient(msl).get("/safety/flags", {"show": "mine", "status": "dismissed"})
    assert ids(dismissed.json()) == [second.pk]


def test_pharmacovigilance_waits_for_escalated_flags_only(msl: User, pv: User) -> None:
    factories.flag(msl)
    escalated = factories.flag(msl, source_id=2, escalated_at=timezone.now())
    api = ApiClient(pv)
    assert ids(api.get("/safety/flags").json()) == [escalated.pk]
    assert ids(api.get("/safety/flags", {"show": "escalated"}).json()) == [escalated.pk]
    assert len(ids(api.get("/safety/flags", {"show": "all"}).json())) == 2


def test_an_unknown_show_is_named(msl: User) -> None:
    answer = ApiClient(msl).get("/safety/flags", {"show": "everything"})
    assert answer.status_code == 422 and list(answer.json()["details"]) == ["show"]


def test_confirming_a_flag_reports_a_case_from_the_note(msl: User) -> None:
    heard = today() - dt.timedelta(days=1)
    flag = factories.flag(msl, heard_on=heard, source_url="/engagement/interactions/1/")
    answer = ApiClient(msl).post(
        f"/safety/flags/{flag.pk}/confirm", {"patient_initials": "KM", "narrative": "Rash."}
    )
    assert answer.status_code == 201, answer.json()
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.day_zero == heard and case.reported_by == msl
    assert case.source_label == "engagement.Interaction" and case.source_id == flag.source_id
    assert case.patient_initials == "KM" and case.narrative == "Rash."
    assert [product.name for product in case.products.all()] == ["Oncovirumab"]
    assert case.status == CaseStatus.FORWARDED
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.case == case and flag.handled_by == msl


def test_a_later_day_zero_needs_a_reason_naming_day_zero(msl: User) -> None:
    heard = today() - dt.timedelta(days=8)
    flag = factories.flag(msl, heard_on=heard)
    api = ApiClient(msl)
    later = {"day_zero": str(today()), "country": "DE"}
    refused = api.post(f"/safety/flags/{flag.pk}/confirm", later)
    assert refused.status_code == 422 and list(refused.json()["details"]) == ["day_zero"]
    assert not Case.objects.exists()
    taken = api.post(
        f"/safety/flags/{flag.pk}/confirm", {**later, "reason": "heard at a second visit"}
    )
    assert taken.status_code == 201 and taken.json()["day_zero"] == str(today())


def test_flags_of_one_note_are_confirmed_as_one_case(msl: User) -> None:
    first = factories.flag(msl)
    second = factories.flag(msl, kind="pregnancy", terms="pregnant", sentence="She is pregnant.")
    answer = ApiClient(msl).post(f"/safety/flags/{first.pk}/confirm", {"flag_ids": [second.pk]})
    assert answer.status_code == 201
    assert answer.json()["special_situations"] == ["pregnancy"]
    assert set(Flag.objects.values_list("status", flat=True)) == {FlagStatus.CONFIRMED}


def test_flags_of_two_notes_are_refused_naming_flag_ids(msl: User) -> None:
    first = factories.flag(msl)
    other_note = factories.flag(msl, source_id=77)
    answer = ApiClient(msl).post(f"/safety/flags/{first.pk}/confirm", {"flag_ids": [other_note.pk]})
    assert answer.status_code == 422 and list(answer.json()["details"]) == ["flag_ids"]
    assert not Case.objects.exists()


def test_a_flag_confirmed_already_answers_409(msl: User) -> None:
    flag = factories.flag(msl)
    api = ApiClient(msl)
    assert api.post(f"/safety/flags/{flag.pk}/confirm").status_code == 201
    again = api.post(f"/safety/flags/{flag.pk}/confirm")
    assert again.status_code == 409 and Case.objects.count() == 1


def test_dismissing_needs_a_reason(msl: User) -> None:
    flag = factories.flag(msl)
    api = ApiClient(msl)
    refused = api.post(f"/safety/flags/{flag.pk}/dismiss", {"reason": "  "})
    assert refused.status_code == 422 and list(refused.json()["details"]) == ["reason"]
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    dismissed = api.post(f"/safety/flags/{flag.pk}/dismiss", {"reason": "a hypothetical"})
    assert dismissed.json()["status"] == "dismissed"
    assert dismissed.json()["dismiss_reason"] == "a hypothetical"


def test_the_authors_manager_reads_but_does_not_handle(msl: User, field_manager: User) -> None:
    flag = factories.flag(msl)
    api = ApiClient(field_manager)
    assert ids(api.get("/safety/flags", {"show": "all"}).json()) == [flag.pk]
    assert api.post(f"/safety/flags/{flag.pk}/dismiss", {"reason": "no"}).status_code == 403


def test_reconciliation_lists_flags_and_cases_with_their_timeliness(msl: User, pv: User) -> None:
    day = today() - dt.timedelta(days=20)
    late_case = factories.case(msl, status=CaseStatus.INTAKE, forwarded_at=None, day_zero=day)
    flag = factories.flag(msl, heard_on=day)
    answer = (
        ApiClient(pv).get("/safety/reconciliation", {"start": str(day), "end": str(today())}).json()
    )
    rows = {(row["kind"], row["id"]): row for row in answer["rows"]}
    assert rows[("case", late_case.pk)]["timely"] is False
    assert rows[("flag", flag.pk)]["day_zero"] == str(day)
    assert answer["summary"]["cases"] == 1 and answer["summary"]["flags"] == 1


def test_an_imported_case_is_reconciled_neither_late_nor_open(msl: User, pv: User) -> None:
    day = today() - dt.timedelta(days=20)
    imported = factories.case(pv, day_zero=day, source_kind=SourceKind.IMPORT)
    answer = ApiClient(pv).get("/safety/reconciliation", {"start": str(day)}).json()
    (row,) = answer["rows"]
    assert row["id"] == imported.pk and row["timely"] is None and row["due_on"] is None
    assert "forwarded by its sender" in row["note"]
    assert answer["summary"] == {"flags": 0, "cases": 1, "late": 0, "open": 0}


def test_reconciliation_defaults_to_the_last_30_days(pv: User, msl: User) -> None:
    factories.case(msl, day_zero=today() - dt.timedelta(days=40))
    recent = factories.case(msl, day_zero=today() - dt.timedelta(days=5))
    answer = ApiClient(pv).get("/safety/reconciliation").json()
    assert answer["end"] == str(today())
    assert [row["id"] for row in answer["rows"]] == [recent.pk]


def test_a_period_ending_before_it_starts_names_end(pv: User) -> None:
    answer = ApiClient(pv).get(
        "/safety/reconciliation",
        {"start": str(today()), "end": str(today() - dt.timedelta(days=1))},
    )
    assert answer.status_code == 422 and list(answer.json()["details"]) == ["end"]


def test_an_msl_may_not_reconcile(msl: User) -> None:
    assert ApiClient(msl).get("/safety/reconciliation").status_code == 403
