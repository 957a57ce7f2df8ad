"""Export of the HCP list: CSV and XLSX content, filters, policy, and the round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.core.models import AuditEvent, Territory, User
from liaison.directory import services
from liaison.directory.exporting import HEADER, csv_lines, export_rows, safe_cell
from liaison.directory.importing import default_mapping, import_file
from liaison.directory.models import HCP, Affiliation, Organization, TherapeuticArea
from liaison.directory.selectors import HCPFilters


@pytest.fixture
def directory(admin_user: User, territory_de: Territory) -> dict[str, HCP]:
    oncology = TherapeuticArea.objects.create(code="onc", name="Oncology")
    cardiology = TherapeuticArea.objects.create(code="cardio", name="Cardiology")
    specialty = services.get_or_create_specialty(actor=admin_user, name="Medical Oncology")
    charite = services.create_organization(
        actor=admin_user,
        data={
            "name": "Charité",
            "type": "academic_medical_center",
            "country": "DE",
            "city": "Berlin",
        },
    )
    muller = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "Jürgen",
            "family_name": "Müller",
            "country": "DE",
            "npi": "1000000004",
            "orcid": "0000-0002-1825-0097",
            "credentials": ["MD", "PhD"],
            "emails": ["jm@example.org"],
            "languages": ["de", "en"],
            "contact_channels": ["email", "visit"],
            "consent_date": dt.date(2024, 3, 1),
            "consent_source": "signed form",
            "specialties": [specialty],
            "therapeutic_areas": [oncology, cardiology],
            "territories": [territory_de],
        },
    )
    services.create_affiliation(
        actor=admin_user,
        hcp=muller,
        data={
            "organization": charite,
            "role": "Professor",
            "start_date": dt.date(2019, 1, 1),
            "is_primary": True,
        },
    )
    smith = services.create_hcp(
        actor=admin_user,
        data={"given_name": "Ann", "family_name": "=Smith", "country": "US", "region": "US-CA"},
    )
    # Namesakes without identifiers: only the Liaison ID tells them apart.
    for city in ("Tokyo", "Osaka"):
        services.create_hcp(
            actor=admin_user,
            data={"given_name": "Haruto", "family_name": "Yamada", "country": "JP", "city": city},
        )
    return {"muller": muller, "smith": smith}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read_csv(response: Any) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_has_every_column_and_value(directory: dict[str, HCP], msl: User) -> None:
    response = client_for(msl).get(reverse("directory:hcp-export"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert list(rows[0]) == list(HEADER)
    muller = next(row for row in rows if row["NPI"] == "1000000004")
    assert muller["Family name"] == "Müller"
    assert muller["Credentials"] == "MD; PhD"
    assert muller["Therapeutic areas"] == "cardio; onc"
    assert muller["Territories"] == "dach"
    assert muller["Organization"] == "Charité" and muller["Role"] == "Professor"
    assert muller["Affiliation start"] == "2019-01-01"
    assert muller["Consent date"] == "2024-03-01"


def test_csv_export_honours_the_filters(directory: dict[str, HCP], msl: User) -> None:
    response = client_for(msl).get(
        reverse("directory:hcp-export"), {"format": "csv", "country": "US"}
    )
    assert [row["Family name"] for row in read_csv(response)] == ["'=Smith"]
    response = client_for(msl).get(
        reverse("directory:hcp-export"), {"format": "csv", "therapeutic_area": "onc", "q": "muller"}
    )
    assert [row["Family name"] for row in read_csv(response)] == ["Müller"]


def test_export_is_refused_to_users_without_a_role(
    directory: dict[str, HCP], outsider: User
) -> None:
    response = client_for(outsider).get(reverse("directory:hcp-export"), {"format": "csv"})
    assert response.status_code == 403


def test_export_requires_sign_in(db: None) -> None:
    response = Client().get(reverse("directory:hcp-export"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_format_is_a_400(directory: dict[str, HCP], msl: User) -> None:
    response = client_for(msl).get(reverse("directory:hcp-export"), {"format": "pdf"})
    assert response.status_code == 400


def test_xlsx_export_reads_back_with_openpyxl(directory: dict[str, HCP], compliance: User) -> None:
    response = client_for(compliance).get(
        reverse("directory:hcp-export"), {"format": "xlsx", "country": "DE"}
    )
    assert isinstance(response, FileResponse)
    content = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert tuple(rows[0]) == HEADER
    assert len(rows) == 2
    record = dict(zip(HEADER, rows[1], strict=True))
    assert record["Given name"] == "Jürgen" and record["ORCID"] == "0000-0002-1825-0097"


def test_formula_like_values_are_quoted() -> None:
    assert safe_cell("=HYPERLINK()") == "'=HYPERLINK()"
    assert safe_cell("Müller") == "Müller"
    assert "".join(csv_lines([["a", "b"]], bom=False)) == "a,b\r\n"


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exported_file_reimports_without_any_change(
    directory: dict[str, HCP], admin_user: User, tmp_path: Path, export_format: str
) -> None:
    response = client_for(admin_user).get(
        reverse("directory:hcp-export"), {"format": export_format}
    )
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    path = tmp_path / f"hcps.{export_format}"
    path.write_bytes(content)
    assert len(default_mapping("hcps", list(HEADER))) == len(HEADER)  # every column maps back
    before = (
        HCP.objects.count(),
        Organization.objects.count(),
        Affiliation.objects.count(),
        AuditEvent.objects.count(),
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert (
        HCP.objects.count(),
        Organization.objects.count(),
        Affiliation.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    assert HCP.objects.get(pk=directory["smith"].pk).family_name == "=Smith"


def test_export_queries_do_not_grow_with_the_rows(
    directory: dict[str, HCP], admin_user: User, msl: User
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(export_rows(msl, HCPFilters()))
        assert len(rows) == HCP.objects.count() + 1
        return len(captured.captured_queries)

    few = queries()
    for index in range(20):
        services.create_hcp(
            actor=admin_user,
            data={"given_name": f"G{index}", "family_name": "Extra", "country": "FR"},
        )
    assert queries() == few
