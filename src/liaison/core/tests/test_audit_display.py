"""History and audit pages read as a person reads: field labels, names of related
records, choice labels, before and after; names looked up once per model per page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.core import audit, audit_display
from liaison.core.audit_erasure import erase_subject
from liaison.core.models import AuditEvent, User
from liaison.directory import services
from liaison.directory.models import HCP, Specialty
from liaison.literature.models import LibraryItem
from liaison.literature.services.references import import_references
from liaison.literature.tests.factories import article, load, write


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history_of(user: User, instance: HCP | LibraryItem) -> str:
    url = reverse("core:record-history", args=[audit.record_type_of(instance), instance.pk])
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def hcp(admin_user: User) -> HCP:
    return services.create_hcp(
        actor=admin_user,
        data={"given_name": "Jürgen", "family_name": "Müller", "country": "DE"},
    )


def test_history_shows_field_labels_not_names(hcp: HCP, admin_user: User) -> None:
    page = history_of(admin_user, hcp)
    assert "<strong>Given name</strong>" in page
    assert "given_name" not in page


def test_history_names_related_records_before_and_after(hcp: HCP, admin_user: User) -> None:
    neurology = Specialty.objects.create(name="Neurology")
    cardiology = Specialty.objects.create(name="Cardiology")
    services.update_hcp(actor=admin_user, hcp=hcp, data={"specialties": [neurology]})
    services.update_hcp(actor=admin_user, hcp=hcp, data={"specialties": [cardiology]})
    page = history_of(admin_user, hcp)
    assert "<strong>Specialties</strong>: <del>Neurology</del> → <ins>Cardiology</ins>" in page


def test_history_shows_choice_labels(hcp: HCP, admin_user: User) -> None:
    page = history_of(admin_user, hcp)
    assert "<strong>Origin</strong>: <del>—</del> → <ins>Entered by hand</ins>" in page


def test_create_event_shows_an_empty_before(hcp: HCP, admin_user: User) -> None:
    page = history_of(admin_user, hcp)
    assert "<strong>Family name</strong>: <del>—</del> → <ins>Müller</ins>" in page


def test_erased_values_read_as_erased(hcp: HCP, admin_user: User) -> None:
    erase_subject(actor=admin_user, instance=hcp, reason="privacy request")
    page = history_of(admin_user, hcp)
    assert '<strong>Family name</strong>: <span class="muted">erased</span>' in page
    assert "Müller" not in page.split("<tbody>")[1]
    assert "<strong>Country</strong>: <del>—</del> → <ins>Germany</ins>" in page


def test_redacted_values_read_as_hidden(admin_user: User) -> None:
    with transaction.atomic():
        audit.update_record(
            actor=admin_user, instance=admin_user, values={"password": make_password("x" * 20)}
        )
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    (line,) = audit_display.describe_events([event], admin_user)[0].changes
    assert (line.label, line.before, line.after) == ("Password", "hidden", "hidden")


def test_related_names_cost_one_query_per_model_whatever_the_page_size(
    hcp: HCP, admin_user: User
) -> None:
    specialties = [Specialty.objects.create(name=f"Specialty {n}") for n in range(12)]

    def queries_for_last(count: int) -> int:
        events = list(AuditEvent.objects.order_by("-sequence")[:count])
        with CaptureQueriesContext(connection) as captured:
            audit_display.describe_events(events, admin_user)
        return len(captured)

    for specialty in specialties:
        services.update_hcp(actor=admin_user, hcp=hcp, data={"specialties": [specialty]})
    assert queries_for_last(2) == queries_for_last(12) == 1


def test_a_deleted_related_record_is_shown_by_its_number(hcp: HCP, admin_user: User) -> None:
    gone = Specialty.objects.create(name="Gone")
    services.update_hcp(actor=admin_user, hcp=hcp, data={"specialties": [gone]})
    number = gone.pk
    gone.delete()
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    (line,) = audit_display.describe_events([event], admin_user)[0].changes
    assert line.after == f"specialty #{number}"


def test_audit_list_shows_labels_and_names(hcp: HCP, admin_user: User) -> None:
    neurology = Specialty.objects.create(name="Neurology")
    services.update_hcp(actor=admin_user, hcp=hcp, data={"specialties": [neurology]})
    page = client_for(admin_user).get(reverse("core:audit-list")).content.decode()
    assert "<strong>Specialties</strong>: <del>—</del> → <ins>Neurology</ins>" in page


def test_reference_import_events_read_well(admin_user: User, msl: User, tmp_path: Path) -> None:
    load(admin_user, write(tmp_path / "pubmed.xml", article(101, title="Neprilysin in HF")))
    ris = tmp_path / "endnote.ris"
    ris.write_text("TY  - JOUR\r\nTI  - My copy\r\nAN  - 101\r\nER  - \r\n", encoding="utf-8")
    import_references(actor=msl, path=ris)
    item = LibraryItem.objects.get(owner=msl)
    event = AuditEvent.objects.get(record_type="literature.libraryitem", record_id=str(item.pk))
    assert "fingerprint" not in event.changes
    page = history_of(msl, item)
    assert (
        "<strong>Publication</strong>: <del>—</del> → <ins>PMID 101: Neprilysin in HF</ins>" in page
    )
    assert "<strong>Source file</strong>: <del>—</del> → <ins>endnote.ris</ins>" in page
