"""Import of HCPs and organizations: validation report, all-or-nothing writes,
matching by identifier, idempotence and the audit trail."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from liaison.core import audit
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Territory, User
from liaison.directory import services
from liaison.directory.importing import Kind, check_file, default_mapping, import_file
from liaison.directory.importing.fields import HCP_FIELDS, ORGANIZATION_FIELDS
from liaison.directory.importing.reading import detect_delimiter, read_rows
from liaison.directory.importing.validation import ORGANIZATION_TYPES
from liaison.directory.models import (
    HCP,
    Affiliation,
    Organization,
    OrganizationType,
    Origin,
    Specialty,
    TherapeuticArea,
)

DATA = Path(__file__).parent / "data"
HEADER = "First Name,Last Name,Country,NPI,ORCID,Email,Specialty,Therapeutic areas,Consent date"
GOOD_ROWS = [
    "Jürgen,Müller,DE,1000000004,0000-0002-1825-0097,jm@example.org,Medical Oncology,onc,2024-03-01",
    "Anna,Schmidt,Germany,1000000012,,anna@example.org;a.s@example.org,Cardiology;Internal medicine,,",
    "Chloé,Dubois,FR,,0000-0001-5109-3700,,,onc;Cardiology,",
]


def write_csv(tmp_path: Path, lines: list[str], name: str = "hcps.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def areas(db: None) -> None:
    TherapeuticArea.objects.create(code="onc", name="Oncology")
    TherapeuticArea.objects.create(code="cardio", name="Cardiology")


def counts() -> tuple[int, int, int, int]:
    return (
        HCP.objects.count(),
        Organization.objects.count(),
        Affiliation.objects.count(),
        AuditEvent.objects.count(),
    )


# --- pure reading and mapping -------------------------------------------------


def test_default_mapping_understands_common_header_names() -> None:
    headers = ["First Name", "LAST_NAME", "e-mail", "NPI", "Orcid iD", "Country", "Notes"]
    assert default_mapping(Kind.HCPS, headers) == {
        "First Name": "given_name",
        "LAST_NAME": "family_name",
        "e-mail": "emails",
        "NPI": "npi",
        "Orcid iD": "orcid",
        "Country": "country",
    }


def test_bom_and_semicolon_csv_is_read_with_its_delimiter() -> None:
    with (DATA / "hcps_bom_semicolon.csv").open("rb") as stream:
        rows = list(read_rows(stream, file_name="hcps_bom_semicolon.csv"))
    assert rows[0][0] == "First Name"  # no BOM left on the first header
    assert rows[1][:2] == ["Jürgen", "Müller"]
    assert rows[1][5] == "Medical Oncology;Hematology"


@pytest.mark.parametrize(
    ("line", "delimiter"), [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("single", ",")]
)
def test_delimiter_is_detected_from_the_header(line: str, delimiter: str) -> None:
    assert detect_delimiter(line + "\n") == delimiter


def test_non_utf8_csv_is_refused_with_the_file_name() -> None:
    stream = io.BytesIO("Name\nMüller\n".encode("latin-1"))
    with pytest.raises(LiaisonError, match=r"people\.csv.*UTF-8"):
        list(read_rows(stream, file_name="people.csv"))


def test_field_lengths_match_the_models() -> None:
    # Country and ORCID accept longer spellings (names, URLs) that are normalised.
    loose = {"id", "country", "orcid", "organization_country", "type", "organization_type"}
    for model, specs in ((HCP, HCP_FIELDS), (Organization, ORGANIZATION_FIELDS)):
        for spec in specs:
            if spec.multi or spec.name in loose:
                continue
            try:
                model_field = model._meta.get_field(spec.name)
            except Exception:  # noqa: S112 - affiliation columns live elsewhere
                continue
            assert spec.max_length == getattr(model_field, "max_length", None), spec.name


def test_organization_types_match_the_model() -> None:
    assert dict(OrganizationType.choices) == ORGANIZATION_TYPES


# --- a good file ----------------------------------------------------------------


def test_valid_file_creates_audited_imported_hcps(
    tmp_path: Path, admin_user: User, areas: None
) -> None:
    path = write_csv(tmp_path, [HEADER, *GOOD_ROWS])
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert report.written and report.problems == []
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    muller = HCP.objects.get(npi="1000000004")
    assert muller.family_name == "Müller" and muller.search_name == "muller jurgen"
    assert muller.origin == Origin.IMPORTED
    assert muller.npi_source == "import:hcps.csv" and muller.orcid_source == "import:hcps.csv"
    assert muller.consent_date == dt.date(2024, 3, 1)
    schmidt = HCP.objects.get(npi="1000000012")
    assert schmidt.country == "DE"  # from the English name
    assert schmidt.emails == ["anna@example.org", "a.s@example.org"]
    assert sorted(schmidt.specialties.values_list("name", flat=True)) == [
        "Cardiology",
        "Internal medicine",
    ]
    dubois = HCP.objects.get(orcid="0000-0001-5109-3700")
    assert sorted(dubois.therapeutic_areas.values_list("code", flat=True)) == ["cardio", "onc"]
    event = AuditEvent.objects.get(record_type="directory.hcp", record_id=str(muller.pk))
    assert event.source == "import" and event.actor == admin_user
    assert event.changes["family_name"] == [None, "Müller"]
    assert event.changes["specialties"] == [
        None,
        [Specialty.objects.get(name="Medical Oncology").pk],
    ]
    # 3 HCPs + 3 new specialties, one event each, in an intact chain
    assert audit.verify_chain() == (6, None)


def test_bom_semicolon_file_imports_with_the_default_mapping(admin_user: User) -> None:
    report = import_file(actor=admin_user, path=DATA / "hcps_bom_semicolon.csv", kind="hcps")
    assert report.written, [str(problem) for problem in report.problems]
    assert report.created == 2
    muller = HCP.objects.get(npi="1000000004")
    assert sorted(muller.specialties.values_list("name", flat=True)) == [
        "Hematology",
        "Medical Oncology",
    ]


def test_reimporting_the_same_file_changes_nothing(
    tmp_path: Path, admin_user: User, areas: None
) -> None:
    path = write_csv(tmp_path, [HEADER, *GOOD_ROWS])
    import_file(actor=admin_user, path=path, kind="hcps")
    before = counts()
    updated_at = list(HCP.objects.order_by("pk").values_list("updated_at", flat=True))
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert counts() == before
    assert list(HCP.objects.order_by("pk").values_list("updated_at", flat=True)) == updated_at


def test_same_npi_updates_the_existing_hcp(tmp_path: Path, admin_user: User) -> None:
    existing = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "Jurgen",
            "family_name": "Mueller",
            "country": "DE",
            "npi": "1000000004",
        },
    )
    path = write_csv(tmp_path, ["First Name,Last Name,Country,NPI", "Jürgen,Müller,DE,1000000004"])
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert (report.created, report.updated) == (0, 1)
    assert HCP.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.given_name, existing.family_name) == ("Jürgen", "Müller")
    assert existing.origin == Origin.MANUAL  # where it came from does not change
    event = AuditEvent.objects.filter(record_id=str(existing.pk)).latest("sequence")
    assert event.action == "update" and event.source == "import"
    assert event.changes == {
        "given_name": ["Jurgen", "Jürgen"],
        "family_name": ["Mueller", "Müller"],
    }
    assert audit.verify_chain()[1] is None


def test_same_orcid_updates_and_fills_in_the_npi(tmp_path: Path, admin_user: User) -> None:
    existing = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "A",
            "family_name": "B",
            "country": "US",
            "orcid": "0000-0002-1825-0097",
        },
    )
    path = write_csv(
        tmp_path,
        ["given_name,family_name,country,npi,orcid", "A,B,US,1000000020,0000-0002-1825-0097"],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert report.updated == 1 and HCP.objects.count() == 1
    existing.refresh_from_db()
    assert existing.npi == "1000000020" and existing.npi_source == "import:hcps.csv"


def test_row_without_identifiers_updates_its_namesake_only_when_confirmed(
    tmp_path: Path, admin_user: User
) -> None:
    services.create_hcp(
        actor=admin_user, data={"given_name": "Anna", "family_name": "Schmidt", "country": "DE"}
    )
    path = write_csv(tmp_path, ["First Name,Last Name,Country,City", "Anna,Schmidt,DE,Berlin"])
    held = import_file(actor=admin_user, path=path, kind="hcps")
    assert held.updated == 0 and [match.row for match in held.held_back] == [2]
    assert HCP.objects.get().city == ""
    report = import_file(actor=admin_user, path=path, kind="hcps", match_names=True)
    assert report.updated == 1 and HCP.objects.get().city == "Berlin"


def test_empty_identifier_cell_does_not_clear_an_npi(tmp_path: Path, admin_user: User) -> None:
    services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "A",
            "family_name": "B",
            "country": "US",
            "npi": "1000000004",
            "orcid": "0000-0002-1825-0097",
        },
    )
    path = write_csv(
        tmp_path, ["given_name,family_name,country,npi,orcid", "A,B,US,,0000-0002-1825-0097"]
    )
    import_file(actor=admin_user, path=path, kind="hcps")
    assert HCP.objects.get().npi == "1000000004"


# --- bad input: the report names row and column, nothing is written ------------

BAD_CASES = [
    # (rows after the header, row, column, field, fragment of the reason)
    ("Anna,Schmidt,DE,1234567890,,,,,", 3, "NPI", "npi", "check digit"),
    ("Anna,Schmidt,DE,12345,,,,,", 3, "NPI", "npi", "not 10 digits"),
    ("Anna,Schmidt,DE,,0000-0002-1825-0098,,,,", 3, "ORCID", "orcid", "check character"),
    ("Anna,Schmidt,DE,,,,,,01/03/2024", 3, "Consent date", "consent_date", "YYYY-MM-DD"),
    ("Anna,Schmidt,Germania,,,,,,", 3, "Country", "country", "not a country"),
    ("Anna,Schmidt,XX,,,,,,", 3, "Country", "country", "ISO 3166-1 alpha-2"),
    ("Anna,Schmidt,DE,,,not-an-email,,,", 3, "Email", "emails", "not an e-mail"),
    ("Anna,Schmidt,DE,,,,,neuro,", 3, "Therapeutic areas", "therapeutic_areas", "not a known"),
    ("Anna,,DE,,,,,,", 3, "Last Name", "family_name", "is required"),
    ("Anna," + "S" * 121 + ",DE,,,,,,", 3, "Last Name", "family_name", "at most 120"),
]


@pytest.mark.parametrize(("row_text", "row", "column", "field", "reason"), BAD_CASES)
def test_bad_value_is_reported_and_nothing_is_written(
    tmp_path: Path,
    admin_user: User,
    areas: None,
    row_text: str,
    row: int,
    column: str,
    field: str,
    reason: str,
) -> None:
    path = write_csv(tmp_path, [HEADER, GOOD_ROWS[0], row_text])
    before = counts()
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert not report.written
    assert counts() == before
    [problem] = report.problems
    assert (problem.file, problem.row, problem.column, problem.field) == (
        "hcps.csv",
        row,
        column,
        field,
    )
    assert reason in problem.reason
    assert f"hcps.csv, row {row}, column {column!r}" in str(problem)


def test_unknown_territory_code_is_reported(tmp_path: Path, admin_user: User) -> None:
    Territory.objects.create(code="dach", name="DACH")
    path = write_csv(tmp_path, ["First Name,Last Name,Country,Territories", "A,B,DE,dach;nowhere"])
    report = import_file(actor=admin_user, path=path, kind="hcps")
    [problem] = report.problems
    assert (problem.row, problem.column, problem.field) == (2, "Territories", "territories")
    assert "'nowhere'" in problem.reason
    assert HCP.objects.count() == 0


def test_missing_required_header_is_reported_on_row_1(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(tmp_path, ["First Name,Surname Typo,Country", "A,B,DE"])
    report = import_file(actor=admin_user, path=path, kind="hcps")
    [problem] = report.problems
    assert (problem.row, problem.field) == (1, "family_name")
    assert "required column" in problem.reason
    assert counts() == (0, 0, 0, 0)


def test_duplicate_npi_in_the_file_names_the_first_row(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(
        tmp_path,
        [
            "First Name,Last Name,Country,NPI",
            "A,B,US,1000000004",
            "C,D,US,1000000012",
            "E,F,US,1000000004",
        ],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    [problem] = report.problems
    assert (problem.row, problem.column) == (4, "NPI")
    assert "same NPI as row 2" in problem.reason
    assert counts() == (0, 0, 0, 0)


def test_identical_row_is_a_duplicate(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(tmp_path, ["First Name,Last Name,Country", "A,B,US", "C,D,US", "A,B,US"])
    report = import_file(actor=admin_user, path=path, kind="hcps")
    [problem] = report.problems
    assert problem.row == 4 and "repeats row 2" in problem.reason
    assert HCP.objects.count() == 0


def test_npi_and_orcid_of_two_different_hcps_is_refused(tmp_path: Path, admin_user: User) -> None:
    services.create_hcp(
        actor=admin_user,
        data={"given_name": "A", "family_name": "B", "country": "US", "npi": "1000000004"},
    )
    services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "C",
            "family_name": "D",
            "country": "US",
            "orcid": "0000-0002-1825-0097",
        },
    )
    before = counts()
    path = write_csv(
        tmp_path,
        [
            "given_name,family_name,country,npi,orcid",
            "X,Y,US,1000000012,",
            "A,B,US,1000000004,0000-0002-1825-0097",
        ],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert not report.written and counts() == before
    [problem] = report.problems
    assert (problem.row, problem.column) == (3, "orcid")
    assert "belongs to HCP" in problem.reason


def test_skip_invalid_imports_good_rows_and_lists_the_skipped(
    tmp_path: Path, admin_user: User, areas: None
) -> None:
    path = write_csv(tmp_path, [HEADER, GOOD_ROWS[0], "Bad,Npi,DE,1234567890,,,,,", GOOD_ROWS[1]])
    report = import_file(actor=admin_user, path=path, kind="hcps", skip_invalid=True)
    assert report.written
    assert (report.created, report.skipped) == (2, 1)
    assert report.invalid_rows == {3}
    assert set(HCP.objects.values_list("family_name", flat=True)) == {"Müller", "Schmidt"}


def test_check_file_reports_without_writing(tmp_path: Path, admin_user: User, areas: None) -> None:
    path = write_csv(tmp_path, [HEADER, *GOOD_ROWS, "Bad,Npi,DE,1234567890,,,,,"])
    report = check_file(actor=admin_user, path=path, kind="hcps")
    assert counts() == (0, 0, 0, 0)
    assert report.created == 3 and report.invalid_rows == {5}
    assert not report.written


def test_only_administrators_may_import(tmp_path: Path, msl: User) -> None:
    path = write_csv(tmp_path, [HEADER, *GOOD_ROWS])
    with pytest.raises(PermissionDenied):
        import_file(actor=msl, path=path, kind="hcps")


def test_unknown_mapping_target_is_refused(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(tmp_path, [HEADER, *GOOD_ROWS])
    with pytest.raises(LiaisonError, match="not a field"):
        import_file(actor=admin_user, path=path, kind="hcps", mapping={"First Name": "nickname"})


def test_explicit_mapping_replaces_the_default(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(tmp_path, ["Vorname,Nachname,Land", "Jürgen,Müller,DE"])
    mapping = {"Vorname": "given_name", "Nachname": "family_name", "Land": "country"}
    report = import_file(actor=admin_user, path=path, kind="hcps", mapping=mapping)
    assert report.created == 1 and HCP.objects.get().given_name == "Jürgen"


# --- affiliations and organizations --------------------------------------------


def test_affiliation_columns_create_and_reuse_the_organization(
    tmp_path: Path, admin_user: User
) -> None:
    path = write_csv(
        tmp_path,
        [
            "First Name,Last Name,Country,Organization,Role,Affiliation start",
            "A,B,DE,Charité Berlin,Professor,2020-01-01",
            "C,D,DE,Charité Berlin,Fellow,",
        ],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert report.created == 2
    organization = Organization.objects.get()
    assert (organization.name, organization.country, organization.origin) == (
        "Charité Berlin",
        "DE",
        Origin.IMPORTED,
    )
    roles = dict(Affiliation.objects.values_list("hcp__given_name", "role"))
    assert roles == {"A": "Professor", "C": "Fellow"}
    assert Affiliation.objects.get(role="Professor").start_date == dt.date(2020, 1, 1)
    assert AuditEvent.objects.filter(record_type="directory.affiliation").count() == 2
    assert AuditEvent.objects.filter(record_type="directory.organization").count() == 1
    before = counts()
    assert import_file(actor=admin_user, path=path, kind="hcps").unchanged == 2
    assert counts() == before


def test_organizations_import_and_reimport(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(
        tmp_path,
        [
            "Name,Type,City,Country,Postal code",
            "Charité,Academic medical center,Berlin,DE,10117",
            "Institut Curie,research_institute,Paris,France,75005",
        ],
    )
    report = import_file(actor=admin_user, path=path, kind=Kind.ORGANIZATIONS)
    assert report.created == 2, [str(problem) for problem in report.problems]
    curie = Organization.objects.get(name="Institut Curie")
    assert (curie.type, curie.country) == ("research_institute", "FR")
    before = counts()
    assert import_file(actor=admin_user, path=path, kind="organizations").unchanged == 2
    assert counts() == before


def test_bad_organization_type_is_reported(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(tmp_path, ["Name,Type,Country", "Charité,castle,DE"])
    report = import_file(actor=admin_user, path=path, kind="organizations")
    [problem] = report.problems
    assert (problem.row, problem.column, problem.field) == (2, "Type", "type")
    assert Organization.objects.count() == 0


# --- XLSX ----------------------------------------------------------------------


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    default = workbook.worksheets[0]
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.remove(default)
    workbook.save(path)
    return path


def test_xlsx_sheet_is_read_by_name(tmp_path: Path, admin_user: User) -> None:
    path = write_xlsx(
        tmp_path / "hcps.xlsx",
        {
            "Notes": [["nothing here"]],
            "HCPs": [
                ["First Name", "Last Name", "Country", "NPI", "Consent date"],
                ["Jürgen", "Müller", "DE", 1000000004, dt.datetime(2024, 3, 1)],
            ],
        },
    )
    report = import_file(actor=admin_user, path=path, kind="hcps", sheet="HCPs")
    assert report.created == 1, [str(problem) for problem in report.problems]
    hcp = HCP.objects.get()
    assert hcp.npi == "1000000004" and hcp.consent_date == dt.date(2024, 3, 1)


def test_xlsx_missing_sheet_names_file_and_sheet(tmp_path: Path, admin_user: User) -> None:
    path = write_xlsx(tmp_path / "hcps.xlsx", {"Sheet A": [["First Name"]]})
    with pytest.raises(LiaisonError, match=r"hcps\.xlsx: there is no sheet 'HCPs'"):
        import_file(actor=admin_user, path=path, kind="hcps", sheet="HCPs")
    assert counts() == (0, 0, 0, 0)


def test_two_rows_updating_one_hcp_are_refused(tmp_path: Path, admin_user: User) -> None:
    services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "A",
            "family_name": "B",
            "country": "US",
            "npi": "1000000004",
            "orcid": "0000-0002-1825-0097",
        },
    )
    before = counts()
    path = write_csv(
        tmp_path,
        [
            "given_name,family_name,country,npi,orcid",
            "A,B,US,1000000004,",
            "A,Bee,US,,0000-0002-1825-0097",
        ],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert not report.written and counts() == before
    [problem] = report.problems
    assert problem.row == 3 and "as row 2" in problem.reason


def test_new_affiliation_counts_as_an_update(tmp_path: Path, admin_user: User) -> None:
    hcp = services.create_hcp(
        actor=admin_user,
        data={"given_name": "A", "family_name": "B", "country": "DE", "npi": "1000000004"},
    )
    path = write_csv(
        tmp_path, ["First Name,Last Name,Country,NPI,Organization", "A,B,DE,1000000004,Charité"]
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    affiliation = Affiliation.objects.get(hcp=hcp)
    assert affiliation.organization.name == "Charité" and affiliation.is_primary
    assert import_file(actor=admin_user, path=path, kind="hcps").unchanged == 1


def test_liaison_id_updates_that_hcp(tmp_path: Path, admin_user: User) -> None:
    first = services.create_hcp(
        actor=admin_user, data={"given_name": "Haruto", "family_name": "Yamada", "country": "JP"}
    )
    second = services.create_hcp(
        actor=admin_user, data={"given_name": "Haruto", "family_name": "Yamada", "country": "JP"}
    )
    path = write_csv(
        tmp_path,
        [
            "Liaison ID,First Name,Last Name,Country,City",
            f"{first.pk},Haruto,Yamada,JP,Tokyo",
            f"{second.pk},Haruto,Yamada,JP,Osaka",
        ],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert report.updated == 2, [str(problem) for problem in report.problems]
    assert HCP.objects.get(pk=first.pk).city == "Tokyo"
    assert HCP.objects.get(pk=second.pk).city == "Osaka"


def test_unknown_liaison_id_is_refused(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(tmp_path, ["Liaison ID,First Name,Last Name,Country", "999,A,B,DE"])
    report = import_file(actor=admin_user, path=path, kind="hcps")
    [problem] = report.problems
    assert (problem.row, problem.column, problem.field) == (2, "Liaison ID", "id")
    assert "not the Liaison ID of any HCP" in problem.reason
    assert HCP.objects.count() == 0


def test_same_liaison_id_twice_is_a_duplicate(tmp_path: Path, admin_user: User) -> None:
    path = write_csv(tmp_path, ["id,First Name,Last Name,Country", "7,A,B,DE", "7,C,D,DE"])
    # The check pass matches every valid row, so row 2's unknown ID is reported too.
    unknown, duplicate = import_file(actor=admin_user, path=path, kind="hcps").problems
    assert duplicate.row == 3 and "same Liaison ID as row 2" in duplicate.reason
    assert unknown.row == 2 and "not the Liaison ID of any HCP" in unknown.reason
