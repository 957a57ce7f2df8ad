"""Caps on imported files: an XLSX zip bomb and XML entities are refused before openpyxl
reads them, rows are capped (declared or counted), cells and the values problems repeat
are bounded, the mapping page reads only the first rows, and a file too large to check
while the report page waits is checked in a job. The bad workbooks are built here,
small but of the same shape (never committed)."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from liaison.core.errors import LiaisonError
from liaison.core.models import Job, JobStatus, User
from liaison.directory.importing import import_file, preview_file, validate_file
from liaison.directory.importing.reading import (
    FileLimits,
    TooManyRows,
    check_xlsx,
    read_rows,
)
from liaison.directory.models import HCP

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield


def workbook(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """``data`` (an XLSX) with ``part`` replaced by ``change(part)``, the rest as it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, change(content) if name == part else content)
    return out.getvalue()


def zip_bomb(megabytes: int = 24) -> bytes:
    """A workbook whose sheet is ``megabytes`` MB of one repeated row, compressed to
    a few dozen KB: the shape of the 1 MB file that unpacked to 1 GB."""
    row = b'<row><c t="inlineStr"><is><t>Anna</t></is></c></row>'
    rows = row * (megabytes * MB // len(row))

    def bomb(sheet: bytes) -> bytes:
        start, end = sheet.index(b"<sheetData>"), sheet.index(b"</sheetData>")
        return sheet[: start + len(b"<sheetData>")] + rows + sheet[end:]

    return rewrite(workbook([["First Name", "Last Name", "Country"]]), SHEET, bomb)


def with_entity(data: bytes, part: str = SHEET) -> bytes:
    """The workbook with a DOCTYPE declaring an entity before ``part``'s root element."""

    def declare(xml: bytes) -> bytes:
        root = xml.index(b"<", xml.index(b"?>") + 2) if xml.startswith(b"<?xml") else 0
        doctype = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        return xml[:root] + doctype + xml[root:]

    return rewrite(data, part, declare)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, name: str, content: bytes) -> str:
    response = client.post(
        reverse("directory:import-start"),
        {"file": SimpleUploadedFile(name, content), "kind": "hcps"},
    )
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def refuse_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("openpyxl was asked to read a file the checks should refuse")

    monkeypatch.setattr(openpyxl, "load_workbook", never)


GOOD = [["First Name", "Last Name", "Country"], ["Anna", "Schmidt", "DE"]]


# --- the zip bomb ----------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_compression_before_openpyxl_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = zip_bomb()
    assert len(data) < MB // 4  # 24 MB of sheet in a few dozen KB
    refuse_openpyxl(monkeypatch)
    started = time.monotonic()
    with pytest.raises(LiaisonError) as refused:
        list(read_rows(io.BytesIO(data), file_name="bomb.xlsx"))
    assert time.monotonic() - started < 1
    message = refused.value.message
    assert message.startswith("bomb.xlsx: the part xl/worksheets/sheet1.xml is compressed")
    assert "at most 100 to 1 is read" in message


def test_a_workbook_unpacking_past_the_cap_is_refused() -> None:
    limits = FileLimits(max_unpacked_bytes=10 * MB, max_ratio=100_000)
    with pytest.raises(LiaisonError, match=r"big\.xlsx: the workbook unpacks to 24 MB; at most 10"):
        check_xlsx(io.BytesIO(zip_bomb()), file_name="big.xlsx", limits=limits)


def test_the_mapping_page_refuses_a_zip_bomb_with_a_400(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(admin_user)
    mapping = upload(client, "bomb.xlsx", zip_bomb())
    refuse_openpyxl(monkeypatch)
    started = time.monotonic()
    page = client.get(mapping)
    assert time.monotonic() - started < 2
    assert page.status_code == 400
    assert "bomb.xlsx: the part xl/worksheets/sheet1.xml is compressed" in page.content.decode()


def test_an_import_job_of_a_zip_bomb_fails_before_writing(admin_user: User, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb())
    with pytest.raises(LiaisonError, match="compressed"):
        import_file(actor=admin_user, path=path, kind="hcps")
    assert not HCP.objects.exists()


# --- XML entities ----------------------------------------------------------------------


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml", "[Content_Types].xml"])
def test_a_part_declaring_entities_is_refused_before_reading(
    part: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = with_entity(workbook(GOOD), part)
    refuse_openpyxl(monkeypatch)
    with pytest.raises(LiaisonError) as refused:
        list(read_rows(io.BytesIO(data), file_name="entities.xlsx"))
    assert refused.value.message.startswith(f"entities.xlsx: the part {part} declares XML entities")


def test_the_mapping_page_answers_400_for_entities_naming_file_and_reason(
    admin_user: User,
) -> None:
    client = client_for(admin_user)
    mapping = upload(client, "entities.xlsx", with_entity(workbook(GOOD)))
    page = client.get(mapping)
    assert page.status_code == 400
    html = page.content.decode()
    assert "entities.xlsx: the part xl/worksheets/sheet1.xml declares XML entities" in html


def test_a_sheet_broken_part_way_is_a_clear_error_not_a_crash() -> None:
    data = rewrite(
        workbook([*GOOD, ["Bea", "Berg", "AT"]]),
        SHEET,
        lambda xml: xml.replace(
            b"</sheetData>", b"<row><c><v>&undefined;</v></c></row></sheetData>"
        ),
    )
    with pytest.raises(LiaisonError, match=r"broken\.xlsx: the sheet 'Sheet' cannot be read"):
        list(read_rows(io.BytesIO(data), file_name="broken.xlsx"))


def test_the_preview_reads_only_the_first_rows(admin_user: User, tmp_path: Path) -> None:
    # The sheet breaks on row 12: the preview never gets there, the check does.
    rows = [GOOD[0], *[[f"Anna {index}", "Schmidt", "DE"] for index in range(10)]]
    data = rewrite(
        workbook(rows),
        SHEET,
        lambda xml: xml.replace(
            b"</sheetData>", b"<row><c><v>&undefined;</v></c></row></sheetData>"
        ),
    )
    path = tmp_path / "long.xlsx"
    path.write_bytes(data)
    preview = preview_file(path=path, kind="hcps", rows=5)
    assert preview.header == GOOD[0] and len(preview.rows) == 5
    with pytest.raises(LiaisonError, match="cannot be read after row 11"):
        validate_file(actor=admin_user, path=path, kind="hcps")


# --- rows and cells ------------------------------------------------------------------------


def test_a_sheet_declaring_too_many_rows_is_refused_before_reading(tmp_path: Path) -> None:
    data = rewrite(
        workbook(GOOD), SHEET, lambda xml: xml.replace(b'ref="A1:C2"', b'ref="A1:C2000000"')
    )
    with pytest.raises(
        TooManyRows,
        match=r"x\.xlsx: at most 1,048,575 data rows are read, and the file declares 1,999,999",
    ):
        list(read_rows(io.BytesIO(data), file_name="x.xlsx"))


def test_rows_are_counted_when_the_sheet_does_not_declare_them() -> None:
    rows = [GOOD[0], *[[f"Anna {index}", "Schmidt", "DE"] for index in range(20)]]
    data = rewrite(
        workbook(rows), SHEET, lambda xml: xml.replace(b'<dimension ref="A1:C21"/>', b"")
    )
    limits = FileLimits(max_rows=10)
    read: list[list[str]] = []
    with pytest.raises(TooManyRows, match="has more data rows than that"):
        read.extend(read_rows(io.BytesIO(data), file_name="x.xlsx", limits=limits))
    assert len(read) == 11  # the header and the ten rows allowed, then the stop


def test_a_csv_past_the_row_cap_is_refused() -> None:
    text = "First Name,Last Name,Country\n" + "Anna,Schmidt,DE\n" * 11
    with pytest.raises(TooManyRows, match=r"x\.csv: at most 10 data rows are read"):
        list(
            read_rows(io.BytesIO(text.encode()), file_name="x.csv", limits=FileLimits(max_rows=10))
        )


def test_a_cell_longer_than_a_spreadsheet_holds_names_row_and_column() -> None:
    text = "First Name,Last Name,Country\nAnna," + "x" * 40_000 + ",DE\n"
    with pytest.raises(
        LiaisonError,
        match=r"x\.csv, row 2, column 2: the cell holds 40,000 characters; at most 32,767 fit",
    ):
        list(read_rows(io.BytesIO(text.encode()), file_name="x.csv"))


def test_an_over_long_value_is_reported_cut_with_its_length_and_the_limit(
    admin_user: User, tmp_path: Path
) -> None:
    path = tmp_path / "hcps.csv"
    path.write_text("First Name,Last Name,Country,City\nAnna,Schmidt,DE," + "B" * 10_000 + "\n")
    report = validate_file(actor=admin_user, path=path, kind="hcps")
    [problem] = report.problems
    assert len(problem.value) == 60 and problem.value.endswith("…")
    assert str(problem) == (
        f"hcps.csv, row 2, column 'City' (city): {problem.value!r}"
        " is 10,000 characters long; at most 120 fit"
    )


def test_the_preview_cuts_long_cells(tmp_path: Path) -> None:
    path = tmp_path / "hcps.csv"
    path.write_text("First Name,Last Name,Country\n" + "A" * 5_000 + ",Schmidt,DE\n")
    preview = preview_file(path=path, kind="hcps")
    assert preview.rows[0][0] == "A" * 79 + "…"


# --- the web flow --------------------------------------------------------------------------


def test_the_upload_form_states_the_caps(admin_user: User, settings: Any) -> None:
    settings.LIAISON_XLSX_MAX_UNPACKED_MB = 200
    html = client_for(admin_user).get(reverse("directory:import-start")).content.decode()
    assert "At most 1,048,575 rows" in html
    assert "unpack to at most 200 MB" in html and "compressed more than 100 to 1" in html


def test_a_file_too_large_to_check_while_waiting_is_checked_in_a_job(
    admin_user: User, settings: Any, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    settings.LIAISON_IMPORT_SYNC_CHECK_MAX_ROWS = 3
    client = client_for(admin_user)
    rows = "".join(f"Anna {index},Schmidt,DE\n" for index in range(5))
    mapping = upload(client, "hcps.csv", f"First Name,Last Name,Country\n{rows}".encode())
    report_url = client.post(
        mapping, {"column_0": "given_name", "column_1": "family_name", "column_2": "country"}
    )["Location"]
    html = client.get(report_url).content.decode()
    assert "more than 3 rows: too many to check while you wait" in html
    assert "Check in the background" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url, {"check_only": "on"})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (
        job.message
        == "hcps.csv: would import 5 of 5 row(s): 5 created, 0 updated, 0 unchanged, 0 skipped."
    )
    assert not HCP.objects.exists()


def test_the_command_line_import_keeps_the_caps_of_the_settings(
    admin_user: User, settings: Any, tmp_path: Path
) -> None:
    settings.LIAISON_IMPORT_MAX_ROWS = 2
    path = tmp_path / "hcps.csv"
    path.write_text(
        "First Name,Last Name,Country\n" + "Anna,Schmidt,DE\nBea,Berg,AT\nCem,Kaya,DE\n"
    )
    with pytest.raises(CommandError, match=r"hcps\.csv: at most 2 data rows are read"):
        call_command("directory", "import", str(path), "--as", admin_user.username, verbosity=0)
    assert not HCP.objects.exists()
