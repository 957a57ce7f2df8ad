"""Imports written in batches: everything is checked before the first batch,
each batch is its own transaction, and an import stopped part way is
completed by importing the same file again, with nothing doubled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from liaison.core import audit, jobs
from liaison.core.models import AuditEvent, JobStatus, User
from liaison.directory.importing import check_file, import_file, service
from liaison.directory.importing.hcp_writer import HCPWriter
from liaison.directory.importing.service import ImportInterrupted
from liaison.directory.importing.validation import CheckedRow
from liaison.directory.models import HCP, Affiliation, Organization, Specialty
from liaison.directory.tasks import IMPORT_KIND, run_import

HEADER = "First Name,Last Name,Country,NPI,ORCID,Specialty,Organization,Role"
ROWS = [
    "Jürgen,Müller,DE,1000000004,,Oncology,Charité,Professor",
    "Anna,Schmidt,DE,1000000012,,Cardiology;Oncology,Charité,Fellow",
    "Chloé,Dubois,FR,,0000-0001-5109-3700,Neurology,Institut Curie,",
    "Marco,Rossi,IT,1000000020,,Oncology,,",
    "Hana,Sato,JP,,0000-0002-1825-0097,Cardiology,Keio,Lecturer",
    "Olu,Adeyemi,NG,1000000038,,,Charité,Visiting",
    "Ewa,Nowak,PL,1000000046,,Neurology,,",
]


def write_csv(tmp_path: Path, rows: Sequence[str] = ROWS) -> Path:
    path = tmp_path / "hcps.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def state() -> dict[str, Any]:
    """What an import leaves, without primary keys (which differ between runs)."""
    hcps = sorted(
        (
            hcp.given_name,
            hcp.family_name,
            hcp.country,
            hcp.npi,
            hcp.orcid,
            tuple(sorted(hcp.specialties.values_list("name", flat=True))),
        )
        for hcp in HCP.objects.all()
    )
    affiliations = sorted(
        Affiliation.objects.values_list(
            "hcp__family_name", "organization__name", "role", "is_primary"
        )
    )
    events = Counter(AuditEvent.objects.values_list("record_type", "action", "record_label"))
    return {
        "hcps": hcps,
        "organizations": sorted(Organization.objects.values_list("name", "country")),
        "specialties": sorted(Specialty.objects.values_list("name", flat=True)),
        "affiliations": affiliations,
        "events": events,
    }


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three rows per write transaction, so a 7-row file takes three batches."""
    monkeypatch.setattr(service, "COMMIT_ROWS", 3)


def fail_on_call(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    """Make the ``number``-th batch the HCP writer writes fail (a crash part way)."""
    original = HCPWriter.write
    calls = {"count": 0}

    def write(self: HCPWriter, batch: Sequence[CheckedRow]) -> None:
        calls["count"] += 1
        if calls["count"] == number:
            raise RuntimeError("the power went out")
        original(self, batch)

    monkeypatch.setattr(HCPWriter, "write", write)


@pytest.mark.usefixtures("small_batches")
def test_interrupted_import_is_completed_by_importing_the_file_again(
    tmp_path: Path, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path)
    # What an uninterrupted import leaves, then undone.
    with transaction.atomic():
        assert import_file(actor=admin_user, path=path, kind="hcps").created == len(ROWS)
        expected = state()
        transaction.set_rollback(True)
    assert HCP.objects.count() == 0

    with monkeypatch.context() as patched:
        fail_on_call(patched, 2)
        with pytest.raises(ImportInterrupted, match=r"The 3 row\(s\) before it were written"):
            import_file(actor=admin_user, path=path, kind="hcps")
    # The first batch stays written; the failed one was rolled back whole.
    assert sorted(HCP.objects.values_list("family_name", flat=True)) == [
        "Dubois",
        "Müller",
        "Schmidt",
    ]
    assert audit.verify_chain()[1] is None

    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 3)
    assert state() == expected
    assert audit.verify_chain()[1] is None


@pytest.mark.usefixtures("small_batches")
def test_each_batch_commits_on_its_own(
    tmp_path: Path, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_call(monkeypatch, 3)
    with pytest.raises(ImportInterrupted, match=r"stopped at row 8 .*The 6 row\(s\)"):
        import_file(actor=admin_user, path=write_csv(tmp_path), kind="hcps")
    assert HCP.objects.count() == 6
    # Every written HCP has its one creation event, and nothing of the failed batch.
    assert AuditEvent.objects.filter(record_type="directory.hcp", action="create").count() == 6


@pytest.mark.usefixtures("small_batches")
def test_clash_in_the_last_batch_is_found_before_the_first_is_written(
    tmp_path: Path, admin_user: User
) -> None:
    HCP.objects.create(given_name="Other", family_name="Person", country="US", npi="1000000053")
    HCP.objects.create(
        given_name="Third", family_name="Person", country="US", orcid="0000-0003-1415-9269"
    )
    clash = "Sam,Lee,US,1000000053,0000-0003-1415-9269,,,"
    report = import_file(actor=admin_user, path=write_csv(tmp_path, [*ROWS, clash]), kind="hcps")
    assert report.rejected and not report.written and report.written_rows == 0
    [problem] = report.problems
    assert (problem.row, problem.field) == (9, "orcid") and "belongs to HCP" in problem.reason
    assert HCP.objects.count() == 2 and AuditEvent.objects.count() == 0


@pytest.mark.usefixtures("small_batches")
def test_two_rows_updating_one_hcp_in_different_batches_are_refused_before_writing(
    tmp_path: Path, admin_user: User
) -> None:
    HCP.objects.create(
        given_name="Jürgen",
        family_name="Müller",
        country="DE",
        npi="1000000004",
        orcid="0000-0002-9079-593X",
    )
    same_person = "J.,Müller,DE,,0000-0002-9079-593X,,,"
    report = import_file(
        actor=admin_user, path=write_csv(tmp_path, [*ROWS, same_person]), kind="hcps"
    )
    [problem] = report.problems
    assert problem.row == 9 and "as row 2" in problem.reason
    assert HCP.objects.count() == 1 and AuditEvent.objects.count() == 0


@pytest.mark.usefixtures("small_batches")
def test_skipping_writes_the_valid_rows_of_every_batch(tmp_path: Path, admin_user: User) -> None:
    rows = [*ROWS[:4], "Bad,Npi,DE,1234567890,,,,", *ROWS[4:]]
    report = import_file(
        actor=admin_user, path=write_csv(tmp_path, rows), kind="hcps", skip_invalid=True
    )
    assert report.written and (report.created, report.skipped) == (7, 1)
    assert report.invalid_rows == {6} and HCP.objects.count() == 7


def test_change_made_after_the_check_stops_the_import_at_its_row(
    tmp_path: Path, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "COMMIT_ROWS", 1)
    HCP.objects.create(
        given_name="Hana", family_name="Sato", country="JP", orcid="0000-0002-1825-0097"
    )
    original = service._write_pass

    def someone_edits_first(*args: Any, **kwargs: Any) -> None:
        # Between the check and the write pass another user gives row 6's NPI away.
        HCP.objects.create(given_name="Ken", family_name="Ito", country="JP", npi="1000000061")
        original(*args, **kwargs)

    monkeypatch.setattr(service, "_write_pass", someone_edits_first)
    rows = [*ROWS[:4], "Hana,Sato,JP,1000000061,0000-0002-1825-0097,,,"]
    with pytest.raises(ImportInterrupted, match=r"stopped at row 6, which clashes") as raised:
        import_file(actor=admin_user, path=write_csv(tmp_path, rows), kind="hcps")
    assert "The 4 row(s) before it were written" in raised.value.message
    assert HCP.objects.filter(npi="1000000061").get().family_name == "Ito"
    assert HCP.objects.count() == 6


@pytest.mark.usefixtures("small_batches")
def test_dry_run_in_batches_writes_nothing_and_counts_every_row(
    tmp_path: Path, admin_user: User
) -> None:
    report = check_file(actor=admin_user, path=write_csv(tmp_path), kind="hcps")
    assert (report.created, report.updated, report.unchanged) == (7, 0, 0)
    assert not report.written and report.written_rows == 7
    assert (HCP.objects.count(), Organization.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


@pytest.mark.usefixtures("small_batches")
def test_job_stopped_part_way_says_what_was_written(
    tmp_path: Path, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_call(monkeypatch, 2)
    job = jobs.create_job(owner=admin_user, kind=IMPORT_KIND, title="import")
    options = {"kind": "hcps", "mapping": None, "sheet": "", "skip_invalid": False}
    with jobs.running(job.pk) as progress:
        run_import(job, write_csv(tmp_path), options, progress)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "stopped at row 5" in job.message
    assert "The 3 row(s) before it were written" in job.message
    assert job.counts == {"created": 3, "updated": 0}
