"""The trail withholds personal values that need more than viewing their record: an
adverse-event case's patient is read by pharmacovigilance, not by compliance or
administrators, on the audit search, its CSV export, a record's history and the admin.
An HCP's personal values (read by whoever views the HCP) are shown as before."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.core import audit, audit_display, audit_export, audit_privacy
from liaison.core.audit_erasure import erase_subject
from liaison.core.models import AuditEvent, User
from liaison.directory import services as directory_services
from liaison.directory.models import HCP
from liaison.safety.models import Case
from liaison.safety.tests import factories as safety_factories

HIDDEN = audit_privacy.HIDDEN_PERSONAL
INITIALS = "QZX"
HISTORY = "Hepatitis B in 2019"


def write_patient(actor: User, case: Case, initials: str = INITIALS) -> AuditEvent:
    """Pharmacovigilance records the patient's details: an audited change of the case."""
    with transaction.atomic():
        audit.update_record(
            actor=actor,
            instance=case,
            values={
                "patient_initials": initials,
                "patient_medical_history": HISTORY,
                "narrative": "Rash two days after the first dose.",
            },
        )
    return AuditEvent.objects.filter(record_type="safety.case").latest("sequence")


@pytest.fixture
def case(msl: User, pv: User) -> Case:
    record = safety_factories.case(msl)
    write_patient(pv, record)
    return record


@pytest.fixture
def hcp(admin_user: User) -> HCP:
    return directory_services.create_hcp(
        actor=admin_user, data={"given_name": "Jürgen", "family_name": "Müller", "country": "DE"}
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def audit_page(user: User, **query: str) -> str:
    response = client_for(user).get(reverse("core:audit-list"), query)
    assert response.status_code == 200
    return response.content.decode()


def export_rows(user: User, **query: str) -> list[dict[str, str]]:
    response = client_for(user).get(reverse("core:audit-export"), query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def history_page(user: User, case: Case) -> str:
    url = reverse("core:record-history", args=["safety.case", case.pk])
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_compliance_sees_the_case_event_but_not_the_patient_on_the_audit_list(
    compliance: User, case: Case
) -> None:
    page = audit_page(compliance, record_type="safety.case")
    assert case.reference in page
    assert INITIALS not in page and HISTORY not in page
    assert f'<strong>Patient initials</strong>: <span class="muted">{HIDDEN}</span>' in page
    # Fields that are not the patient's stay readable.
    assert "Rash two days after the first dose." in page


def test_an_administrator_does_not_see_the_patient_on_the_audit_list(
    admin_user: User, case: Case
) -> None:
    page = audit_page(admin_user, record_type="safety.case")
    assert case.reference in page
    assert INITIALS not in page and HISTORY not in page


def test_compliance_export_withholds_the_patient_and_keeps_the_rest(
    compliance: User, case: Case
) -> None:
    rows = export_rows(compliance, record_type="safety.case")
    assert [row["record_id"] for row in rows] == [str(case.pk)]
    text = rows[0]["changes"]
    assert INITIALS not in text and HISTORY not in text
    assert HIDDEN in text
    assert "Rash two days after the first dose." in text


def test_the_export_job_withholds_the_patient_from_its_owner(compliance: User, case: Case) -> None:
    events = list(AuditEvent.objects.filter(record_type="safety.case"))
    stream = io.BytesIO()
    assert audit_export.write_csv(events, stream, reader=compliance) == 1
    assert INITIALS not in stream.getvalue().decode("utf-8-sig")


def test_pharmacovigilance_reads_the_patient_in_the_trail(pv: User, case: Case) -> None:
    events = list(AuditEvent.objects.filter(record_type="safety.case"))
    lines = {line.label: line for line in audit_display.describe_events(events, pv)[0].changes}
    assert lines["Patient initials"].after == INITIALS
    assert not lines["Patient initials"].hidden
    stream = io.BytesIO()
    audit_export.write_csv(events, stream, reader=pv)
    assert INITIALS in stream.getvalue().decode("utf-8-sig")
    assert INITIALS in history_page(pv, case)


def test_a_deleted_case_keeps_its_patient_hidden_from_compliance(
    compliance: User, admin_user: User, case: Case
) -> None:
    number = case.pk
    with transaction.atomic():
        audit.delete_record(actor=admin_user, instance=case, reason="entered twice")
    url = reverse("core:record-history", args=["safety.case", number])
    response = client_for(compliance).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert INITIALS not in page and HIDDEN in page


def test_an_hcps_personal_values_are_shown_as_before(compliance: User, hcp: HCP) -> None:
    page = audit_page(compliance, record_type="directory.hcp")
    assert "<strong>Family name</strong>: <del>—</del> → <ins>Müller</ins>" in page
    (row,) = export_rows(compliance, record_type="directory.hcp")
    assert "Müller" in row["changes"] and HIDDEN not in row["changes"]


def test_erased_patient_values_still_read_as_erased(
    compliance: User, admin_user: User, case: Case
) -> None:
    erase_subject(actor=admin_user, instance=case, reason="privacy request")
    page = audit_page(compliance, record_type="safety.case")
    assert '<strong>Patient initials</strong>: <span class="muted">erased</span>' in page
    assert audit.verify_chain()[1] is None


def test_the_check_costs_one_query_per_page_whatever_its_size(msl: User, pv: User) -> None:
    for number in range(6):
        write_patient(pv, safety_factories.case(msl), initials=f"P{number}")

    def queries_for_last(count: int) -> int:
        events = list(AuditEvent.objects.filter(record_type="safety.case").order_by("-id")[:count])
        with CaptureQueriesContext(connection) as captured:
            described = audit_display.describe_events(events, pv)
        assert not any(line.hidden for row in described for line in row.changes)
        return len(captured)

    assert queries_for_last(2) == queries_for_last(6) == 1


def test_the_admin_shows_the_event_without_the_patient(admin_user: User, case: Case) -> None:
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    event = AuditEvent.objects.filter(record_type="safety.case").latest("sequence")
    response = client_for(admin_user).get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert INITIALS not in page and HISTORY not in page
    assert HIDDEN in page and "Rash two days after the first dose." in page


def test_masked_changes_hides_both_sides_of_a_change() -> None:
    changes = {"patient_sex": ["", "F"], "narrative": "rash", "patient_age": 48}
    shown = audit_privacy.masked_changes(changes, frozenset({"patient_sex", "patient_age"}))
    assert shown == {"patient_sex": [HIDDEN, HIDDEN], "narrative": "rash", "patient_age": HIDDEN}
