"""The export of insights and interactions to CSV and XLSX (web, download job, command):
columns in words, read back; only the records the actor may export; an interaction's
content only for those who may read it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from liaison.core.models import Job, JobStatus, User
from liaison.directory.tests import factories as directory
from liaison.engagement.insight_selectors import InsightFilters
from liaison.engagement.models import Insight, Interaction, Theme
from liaison.engagement.services import exporting
from liaison.engagement.services.exporting import (
    INSIGHT_HEADER,
    INTERACTION_HEADER,
    InteractionFilters,
    write_export,
)
from liaison.engagement.tests import factories
from liaison.literature.models import Publication

CaptureCommits = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
INSIGHT_EXPORT = reverse("engagement:insight-export")
INTERACTION_EXPORT = reverse("engagement:interaction-export")


@pytest.fixture(autouse=True)
def media_and_tasks(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LIAISON_EXPORT_SYNC_MAX_ROWS = 3
    yield


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def exported(user: User, subject: str, filters: Any, format: str = "csv") -> bytes:
    stream = io.BytesIO()
    write_export(user, subject, filters, format=format, stream=stream)
    return stream.getvalue()


@pytest.fixture
def alices_insight(msl: User) -> Insight:
    theme = Theme.objects.create(label="Elderly data")
    hcp = factories.an_hcp("Weber", given_name="Anna")
    insight = factories.insight(
        msl,
        statement="=Clinicians want data in elderly patients.",
        theme=theme,
        hcp=hcp,
        country="DE",
        tags=["elderly", "renal"],
    )
    insight.publications.add(Publication.objects.create(pmid=31562800, title="Dosing"))
    return insight


def test_the_insights_csv_has_columns_in_words_and_reads_back(
    alices_insight: Insight, msl: User
) -> None:
    rows = csv_rows(exported(msl, "insights", InsightFilters()))
    assert list(rows[0]) == list(INSIGHT_HEADER)
    row = rows[0]
    assert row["Insight number"] == str(alices_insight.pk)
    # A statement starting with "=" is not run as a formula by a spreadsheet.
    assert row["Statement"] == "'=Clinicians want data in elderly patients."
    assert (row["Category"], row["Status"], row["Theme"]) == (
        "Unmet medical need",
        "New",
        "Elderly data",
    )
    assert (row["HCP"], row["Country"], row["Tags"]) == ("Anna Weber", "DE", "elderly; renal")
    assert row["Publications (PMIDs)"] == "31562800"
    assert row["MSL"] == "alice"


def test_the_insights_xlsx_reads_back(alices_insight: Insight, msl: User) -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(exported(msl, "insights", InsightFilters(), "xlsx"))
    )
    sheet = workbook["Insights"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == INSIGHT_HEADER
    assert values[1][INSIGHT_HEADER.index("Theme")] == "Elderly data"
    assert len(values) == 2


def test_only_insights_the_actor_may_export_are_written(
    alices_insight: Insight, other_msl: User, insights_lead: User
) -> None:
    factories.insight(other_msl, statement="US payers refuse.", country="US")
    assert [
        row["Statement"] for row in csv_rows(exported(other_msl, "insights", InsightFilters()))
    ] == ["US payers refuse."]
    assert len(csv_rows(exported(insights_lead, "insights", InsightFilters()))) == 2


def test_the_export_follows_the_lists_filters(alices_insight: Insight, msl: User) -> None:
    factories.insight(msl, statement="Another", category=factories.category("safety_perception"))
    rows = csv_rows(exported(msl, "insights", InsightFilters(category="safety_perception")))
    assert [row["Statement"] for row in rows] == ["Another"]


@pytest.fixture
def alices_interaction(msl: User) -> Interaction:
    interaction = factories.interaction(
        msl,
        hcps=[factories.an_hcp("Weber", given_name="Anna")],
        notes="Asked about renal dosing.",
        outcome="Send the poster.",
    )
    factories.insight(
        msl,
        statement="Renal dosing is unclear.",
        interaction=interaction,
        theme=Theme.objects.create(label="Renal dosing"),
    )
    return interaction


def test_the_interactions_export_writes_content_for_readers(
    alices_interaction: Interaction, field_manager: User
) -> None:
    rows = csv_rows(exported(field_manager, "interactions", InteractionFilters()))
    assert list(rows[0]) == list(INTERACTION_HEADER)
    row = rows[0]
    assert (row["HCPs"], row["Channel"], row["Kind"]) == (
        "Anna Weber",
        "In person",
        "1:1 scientific exchange",
    )
    assert (row["Notes"], row["Outcome"]) == ("Asked about renal dosing.", "Send the poster.")
    assert (row["Insights"], row["Themes"]) == ("Renal dosing is unclear.", "Renal dosing")


def test_the_notes_are_blank_for_who_may_not_read_them(
    alices_interaction: Interaction, other_msl: User, medinfo: User
) -> None:
    for user in (other_msl, medinfo):
        row = csv_rows(exported(user, "interactions", InteractionFilters()))[0]
        assert row["MSL"] == "alice" and row["HCPs"] == "Anna Weber"
        assert (row["Notes"], row["Outcome"], row["Insights"], row["Themes"]) == ("", "", "", "")


def test_what_was_discussed_is_blank_for_who_may_not_read_it(
    alices_interaction: Interaction, other_msl: User, field_manager: User
) -> None:
    product = directory.product("Oncovirumab")
    alices_interaction.products.set([product])
    alices_interaction.therapeutic_areas.set([directory.therapeutic_area()])
    reader = csv_rows(exported(field_manager, "interactions", InteractionFilters()))[0]
    assert reader["Products"] == "Oncovirumab" and reader["Therapeutic areas"]
    assert reader["Off-label"] == "no"
    row = csv_rows(exported(other_msl, "interactions", InteractionFilters()))[0]
    assert (row["Products"], row["Therapeutic areas"], row["Off-label"]) == ("", "", "")
    # Nor does the product filter tell a viewer which interactions discussed it.
    by_product = InteractionFilters(product=product.pk)
    assert exporting.count_rows(other_msl, "interactions", by_product) == 0
    assert exporting.count_rows(field_manager, "interactions", by_product) == 1


def test_words_of_the_notes_find_only_readable_interactions(
    alices_interaction: Interaction, other_msl: User, msl: User
) -> None:
    assert exporting.count_rows(msl, "interactions", InteractionFilters(q="renal")) == 1
    assert exporting.count_rows(other_msl, "interactions", InteractionFilters(q="renal")) == 0


def test_an_outsider_exports_nothing(outsider: User) -> None:
    with pytest.raises(Exception, match="may not export"):
        exported(outsider, "insights", InsightFilters())


# --- the web and the download job -------------------------------------------------


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_small_web_export_comes_whole(alices_insight: Insight, msl: User) -> None:
    response = client_for(msl).get(INSIGHT_EXPORT, {"format": "xlsx", "status": "new"})
    assert isinstance(response, FileResponse)
    assert 'filename="insights.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active is not None and workbook.active.max_row == 2


def test_an_unknown_format_is_refused(msl: User) -> None:
    assert client_for(msl).get(INSIGHT_EXPORT, {"format": "pdf"}).status_code == 400


def test_a_large_web_export_runs_as_a_download_job(
    msl: User, django_capture_on_commit_callbacks: CaptureCommits
) -> None:
    for index in range(5):
        factories.interaction(msl, notes=f"Visit {index}")
    client = client_for(msl)
    page = client.get(INTERACTION_EXPORT, {"format": "csv"})
    assert "5 interactions match: more than the 3" in page.content.decode()
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{INTERACTION_EXPORT}?format=csv")
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "5 interactions exported."
    download = client.get(reverse("core:job-download", args=[job.pk]))
    rows = csv_rows(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    assert sorted(row["Notes"] for row in rows) == [f"Visit {index}" for index in range(5)]


# --- the command --------------------------------------------------------------------


def test_the_command_writes_insights_to_a_file(
    alices_insight: Insight, msl: User, tmp_path: Path
) -> None:
    target = tmp_path / "insights.xlsx"
    call_command(
        "engagement",
        "export",
        "insights",
        "--format",
        "xlsx",
        "--output",
        str(target),
        "--as",
        "alice",
        "-v",
        "0",
    )
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == list(INSIGHT_HEADER)
    assert sheet.max_row == 2


def test_the_command_writes_csv_to_stdout(alices_interaction: Interaction, other_msl: User) -> None:
    out = io.StringIO()
    call_command("engagement", "export", "interactions", "--as", "bob", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 1 and rows[0]["Notes"] == ""


def test_the_command_needs_an_output_for_xlsx(msl: User) -> None:
    with pytest.raises(CommandError, match="--output"):
        call_command("engagement", "export", "insights", "--format", "xlsx", "--as", "alice")


def test_the_command_refuses_an_outsider(outsider: User) -> None:
    with pytest.raises(CommandError, match="may not export"):
        call_command("engagement", "export", "insights", "--as", outsider.username)


def test_the_interactions_export_takes_the_interaction_lists_filters(
    msl: User, alices_interaction: Interaction
) -> None:
    product = directory.product()
    other = factories.interaction(msl, notes="About the product.")
    other.products.add(product)
    response = client_for(msl).get(
        INTERACTION_EXPORT, {"format": "csv", "product": str(product.pk)}
    )
    rows = csv_rows(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert [row["Notes"] for row in rows] == ["About the product."]
    assert rows[0]["Products"] == product.name
