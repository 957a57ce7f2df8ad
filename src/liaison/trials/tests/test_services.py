"""Storing studies: real samples, idempotent re-loads, status history, bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from liaison.core.errors import PermissionDenied
from liaison.core.models import User
from liaison.directory.models import HCP, Organization, OrganizationType
from liaison.trials import selectors
from liaison.trials.ctgov import parse_ctgov
from liaison.trials.loading.rows import OFFICIAL_FIELDS, SITE_FIELDS, partial_date
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange
from liaison.trials.services import load_files, load_studies
from liaison.trials.tests.factories import study_json, write_jsonl

pytestmark = pytest.mark.django_db


def plain_studies(folder: Path) -> dict[str, dict[str, Any]]:
    """Every study of the real samples read with plain json (the last copy of a study wins)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for study in data.get("studies", [data]):
            found[study["protocolSection"]["identificationModule"]["nctId"]] = study
    return found


# --- real samples ---------------------------------------------------------------------


@pytest.mark.shared_data
def test_every_real_sample_loads_with_its_fields(shared_data: Path) -> None:
    folder = shared_data / "ctgov"
    expected = plain_studies(folder)
    paths = sorted(folder.glob("*.json"))
    report = load_files(actor=None, paths=paths)
    assert report.ok, report.errors
    assert report.new == len(expected) == Trial.objects.count()
    # The phelan pages overlap: studies seen a second time are unchanged.
    copies = sum(len(json.loads(path.read_text()).get("studies", [None])) for path in paths)
    assert report.unchanged == copies - len(expected) > 0
    for nct_id, study in expected.items():
        protocol = study["protocolSection"]
        trial = Trial.objects.get(nct_id=nct_id)
        status = protocol.get("statusModule", {})
        design = protocol.get("designModule", {})
        sponsor = protocol.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {})
        places = protocol.get("contactsLocationsModule", {})
        assert trial.brief_title == protocol["identificationModule"].get("briefTitle", "")
        assert trial.overall_status == status.get("overallStatus", "")
        assert trial.phases == design.get("phases", [])
        assert trial.enrollment_count == design.get("enrollmentInfo", {}).get("count")
        assert trial.lead_sponsor_name == sponsor.get("name", "")
        assert trial.lead_sponsor_class == sponsor.get("class", "")
        assert trial.start_date == status.get("startDateStruct", {}).get("date", "")
        assert trial.has_results == study.get("hasResults")
        locations = places.get("locations", [])
        sites = list(trial.sites.order_by("position"))
        assert [site.facility for site in sites] == [item.get("facility", "") for item in locations]
        assert [site.country for site in sites] == [item.get("country", "") for item in locations]
        officials = places.get("overallOfficials", [])
        assert [official.name for official in trial.officials.order_by("position")] == [
            item.get("name", "") for item in officials
        ]


@pytest.mark.shared_data
def test_real_values_read_by_eye(shared_data: Path) -> None:
    load_files(actor=None, paths=sorted((shared_data / "ctgov").glob("*.json")))
    trial = Trial.objects.get(nct_id="NCT02210780")
    assert trial.lead_sponsor_name == "Regeneron Pharmaceuticals"
    assert trial.phases == ["PHASE2"]
    assert trial.sites.count() == 42
    assert " dupilumab " in trial.intervention_text
    withdrawn = Trial.objects.get(nct_id="NCT00973089")
    assert withdrawn.overall_status == "WITHDRAWN"


@pytest.mark.shared_data
@pytest.mark.parametrize("first_in_child", [False, True])
def test_reloading_the_real_samples_changes_nothing(
    shared_data: Path, first_in_child: bool
) -> None:
    paths = sorted((shared_data / "ctgov").glob("*.json"))
    load_files(actor=None, paths=paths, parallel=first_in_child)
    before = list(Trial.objects.values_list("nct_id", "updated_at", "content_hash"))
    site_ids = set(TrialSite.objects.values_list("pk", flat=True))
    report = load_files(actor=None, paths=paths, parallel=False)
    assert (report.new, report.updated, report.failed) == (0, 0, 0)
    assert report.unchanged == sum(1 for path in paths for _ in parse_ctgov(path))
    assert list(Trial.objects.values_list("nct_id", "updated_at", "content_hash")) == before
    assert set(TrialSite.objects.values_list("pk", flat=True)) == site_ids
    assert not TrialStatusChange.objects.exists()


# --- own fixtures ------------------------------------------------------------------------


def test_fields_of_a_study(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "one.jsonl", [study_json("NCT09000001", pmids=("123", "45"))])
    load_files(actor=None, paths=[path])
    trial = Trial.objects.get(nct_id="NCT09000001")
    assert (trial.start_date, trial.start_on) == ("2023-05", dt.date(2023, 5, 1))
    assert trial.last_update_posted == dt.date(2024, 5, 20)
    assert trial.phase_key == "|PHASE2|"
    assert trial.reference_pmids == [123, 45]
    assert trial.interventions[0]["name"] == "Oncovirumab"
    official = TrialOfficial.objects.get(trial=trial)
    assert (official.name, official.affiliation, official.role) == (
        "Anna Schmidt",
        "Charité",
        "PRINCIPAL_INVESTIGATOR",
    )
    assert "lung cancer" in trial.search_text and "acme pharma" in trial.search_text
    assert trial.condition_text == " lung cancer "


def test_a_status_change_is_kept_in_the_history(tmp_path: Path, msl: User) -> None:
    start = timezone.now()
    load_files(actor=None, paths=[write_jsonl(tmp_path / "a.jsonl", [study_json("NCT09000001")])])
    later = study_json("NCT09000001", status="COMPLETED", last_update="2025-01-10")
    report = load_files(actor=None, paths=[write_jsonl(tmp_path / "b.jsonl", [later])])
    assert (report.updated, report.status_changes) == (1, 1)
    change = TrialStatusChange.objects.get()
    assert (change.old_status, change.new_status) == ("RECRUITING", "COMPLETED")
    assert change.last_update_posted == dt.date(2025, 1, 10)
    assert change.is_notable
    assert selectors.status_changes_since(msl, start, notable_only=True) == [change]
    assert selectors.status_changes_since(msl, timezone.now()) == []
    assert selectors.status_changes_since(msl, start, nct_ids=["NCT09999999"]) == []


def test_a_change_that_keeps_the_status_adds_no_history(tmp_path: Path) -> None:
    load_files(actor=None, paths=[write_jsonl(tmp_path / "a.jsonl", [study_json("NCT09000001")])])
    renamed = study_json("NCT09000001", title="A Renamed Study")
    report = load_files(actor=None, paths=[write_jsonl(tmp_path / "b.jsonl", [renamed])])
    assert (report.updated, report.status_changes) == (1, 0)
    assert Trial.objects.get().brief_title == "A Renamed Study"
    assert not TrialStatusChange.objects.exists()


def test_moving_between_two_closed_statuses_is_not_notable(tmp_path: Path) -> None:
    load_files(
        actor=None,
        paths=[write_jsonl(tmp_path / "a.jsonl", [study_json("NCT09000001", status="COMPLETED")])],
    )
    load_files(
        actor=None,
        paths=[write_jsonl(tmp_path / "b.jsonl", [study_json("NCT09000001", status="UNKNOWN")])],
    )
    assert not TrialStatusChange.objects.get().is_notable


def test_sites_are_replaced_and_keep_their_resolved_organization(tmp_path: Path) -> None:
    load_files(actor=None, paths=[write_jsonl(tmp_path / "a.jsonl", [study_json("NCT09000001")])])
    charite = Organization.objects.create(
        name="Charité", type=OrganizationType.ACADEMIC_MEDICAL_CENTER, country="DE", city="Berlin"
    )
    schmidt = HCP.objects.create(given_name="Anna", family_name="Schmidt", country="DE")
    TrialSite.objects.update(organization=charite)
    TrialOfficial.objects.update(hcp=schmidt)
    more = study_json(
        "NCT09000001",
        sites=(("Mayo Clinic", "Rochester", "United States"), ("Charité", "Berlin", "Germany")),
    )
    load_files(actor=None, paths=[write_jsonl(tmp_path / "b.jsonl", [more])])
    sites = list(Trial.objects.get().sites.order_by("position"))
    assert [(site.facility, site.organization_id) for site in sites] == [
        ("Mayo Clinic", None),
        ("Charité", charite.pk),
    ]
    assert TrialOfficial.objects.get().hcp_id == schmidt.pk


DATA = Path(__file__).parent / "data"


def raw_rows(model: type[Trial | TrialSite | TrialOfficial]) -> list[tuple[Any, ...]]:
    """The table's rows as the database returns them (SQLite: JSON and dates as their text)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - a quoted model table
        return list(cursor.fetchall())


def test_the_loader_writes_every_column_as_the_orm_would() -> None:
    # The loader writes rows it built itself (JSON as text, dates as ISO text):
    # saving each row again through the ORM must not change a byte of it.
    load_files(actor=None, paths=[DATA / "study_full.json", DATA / "page.json"])
    models = (Trial, TrialSite, TrialOfficial)
    before = {model: raw_rows(model) for model in models}
    assert all(before.values())
    for model in models:
        for row in model.objects.all():
            row.save()
    assert {model: raw_rows(model) for model in models} == before


def test_an_updated_trial_stores_what_a_new_one_would(tmp_path: Path) -> None:
    full = json.loads((DATA / "study_full.json").read_text(encoding="utf-8"))
    load_files(actor=None, paths=[write_jsonl(tmp_path / "a.jsonl", [study_json("NCT09000001")])])
    fresh = json.loads(json.dumps(full))
    fresh["protocolSection"]["identificationModule"]["nctId"] = "NCT09000002"
    start = timezone.now()
    changed = write_jsonl(tmp_path / "b.jsonl", [full, fresh])
    report = load_files(actor=None, paths=[changed])
    assert (report.new, report.updated) == (1, 1)
    assert Trial.objects.get(nct_id="NCT09000001").updated_at >= start
    again = load_files(actor=None, paths=[changed])
    assert (again.updated, again.unchanged) == (0, 2)
    ignored = {"id", "nct_id", "search_text", "content_hash", "created_at", "updated_at"}

    def stored_as(nct_id: str) -> tuple[dict[str, Any], list[Any], list[Any]]:
        trial = Trial.objects.filter(nct_id=nct_id).values().get()
        sites = TrialSite.objects.filter(trial__nct_id=nct_id).order_by("position")
        officials = TrialOfficial.objects.filter(trial__nct_id=nct_id).order_by("position")
        return (
            {name: value for name, value in trial.items() if name not in ignored},
            list(sites.values_list(*SITE_FIELDS, "organization")),
            list(officials.values_list(*OFFICIAL_FIELDS, "hcp")),
        )

    updated, new = stored_as("NCT09000001"), stored_as("NCT09000002")
    assert updated == new
    assert updated[0]["overall_status"] == "TERMINATED" and len(updated[1]) == 2


def stored() -> list[tuple[str, Any, str]]:
    """Every trial's NCT ID, last write and content hash: what a re-run must not change."""
    return list(
        Trial.objects.order_by("nct_id").values_list("nct_id", "updated_at", "content_hash")
    )


@pytest.mark.parametrize("parallel", [False, True])
def test_a_bad_study_is_failed_by_nct_id_and_the_rest_of_its_batch_is_stored(
    tmp_path: Path, parallel: bool
) -> None:
    bad = study_json("NCT09000003")
    bad["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "many"
    studies = [study_json("NCT09000001"), study_json("NCT09000002"), bad, study_json("NCT09000004")]
    path = write_jsonl(tmp_path / "studies.jsonl", studies)
    report = load_files(actor=None, paths=[path], batch_size=2, parallel=parallel)
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {
        "NCT09000001",
        "NCT09000002",
        "NCT09000004",
    }
    assert (report.new, report.failed, report.ok) == (3, 1, False)
    (error,) = report.errors
    assert "studies.jsonl, line 3, NCT09000003" in error and "enrollmentInfo" in error
    assert report.summary() == "3 new, 0 updated, 0 unchanged, 1 failed"


def test_a_study_without_nct_id_is_reported_by_its_place(tmp_path: Path) -> None:
    nameless: dict[str, Any] = {"protocolSection": {"identificationModule": {"briefTitle": "?"}}}
    path = write_jsonl(tmp_path / "studies.jsonl", [study_json("NCT09000001"), nameless])
    report = load_files(actor=None, paths=[path])
    assert (report.new, report.failed) == (1, 1)
    assert "studies.jsonl, line 2" in report.errors[0] and "nctId" in report.errors[0]
    assert Trial.objects.get().nct_id == "NCT09000001"


def test_a_value_too_long_to_store_fails_its_study_alone(tmp_path: Path) -> None:
    long_acronym = study_json("NCT09000002")
    long_acronym["protocolSection"]["identificationModule"]["acronym"] = "A" * 300
    path = write_jsonl(tmp_path / "s.jsonl", [study_json("NCT09000001"), long_acronym])
    report = load_files(actor=None, paths=[path])
    assert (report.new, report.failed) == (1, 1)
    assert report.errors[0].startswith(f"{path}, NCT09000002: acronym:")
    assert Trial.objects.get().nct_id == "NCT09000001"


def test_an_enrollment_too_large_to_store_fails_its_study_alone(tmp_path: Path) -> None:
    huge = study_json("NCT09000002")
    huge["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 10**20
    path = write_jsonl(tmp_path / "s.jsonl", [huge, study_json("NCT09000001")])
    report = load_files(actor=None, paths=[path])
    assert (report.new, report.failed) == (1, 1)
    assert "NCT09000002: enrollment_count: 100000000000000000000" in report.errors[0]
    assert Trial.objects.get().nct_id == "NCT09000001"


@pytest.fixture
def refuse_nct_id() -> Callable[[str], None]:
    """Make the database refuse to insert one NCT ID (a trigger, rolled back with the test)."""

    def refuse(nct_id: str) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "CREATE TRIGGER refuse_trial BEFORE INSERT ON trials_trial "
                    f"WHEN NEW.nct_id = '{nct_id}' "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION refuse_trial() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.nct_id = '{nct_id}' THEN RAISE EXCEPTION "
                    "'refused by the test trigger' USING ERRCODE = 'check_violation'; "
                    "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    "CREATE TRIGGER refuse_trial BEFORE INSERT ON trials_trial "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_trial()"
                )
            else:
                pytest.skip(f"no refusing trigger written for {connection.vendor}")

    return refuse


@pytest.mark.parametrize("parallel", [False, True])
def test_a_study_the_database_refuses_fails_alone(
    tmp_path: Path, refuse_nct_id: Callable[[str], None], parallel: bool
) -> None:
    refuse_nct_id("NCT09000002")
    studies = [study_json(f"NCT0900000{index}") for index in range(1, 5)]
    path = write_jsonl(tmp_path / "s.jsonl", studies)
    progress = RecordedProgress()
    report = load_files(
        actor=None, paths=[path], batch_size=10, progress=progress, parallel=parallel
    )
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {
        "NCT09000001",
        "NCT09000003",
        "NCT09000004",
    }
    assert (report.new, report.failed) == (3, 1)
    (error,) = report.errors
    assert error.startswith(f"{path}, NCT09000002: not stored:")
    assert "refused by the test trigger" in error
    assert "COPY" not in error  # the reason names the study, not a line of a bulk copy
    # The sites and officials of the stored studies are there, and only theirs.
    assert TrialSite.objects.count() == TrialOfficial.objects.count() == 3
    assert progress.counts["new"] == 3 and progress.counts["failed"] == 1


@pytest.mark.parametrize("parallel", [False, True])
def test_a_truncated_file_writes_nothing_of_the_interrupted_batch_and_the_next_file_loads(
    tmp_path: Path, parallel: bool
) -> None:
    lines = [json.dumps(study_json(f"NCT0900000{index}")) for index in range(1, 5)]
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:3], lines[3][:60]]), encoding="utf-8")
    good = write_jsonl(tmp_path / "good.jsonl", [study_json("NCT09000009")])
    report = load_files(actor=None, paths=[broken, good], batch_size=2, parallel=parallel)
    # Studies 1 and 2 filled a batch before the break; study 3 was in the interrupted one.
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {
        "NCT09000001",
        "NCT09000002",
        "NCT09000009",
    }
    assert (report.new, report.failed, report.failed_files) == (3, 0, [str(broken)])
    (error,) = report.errors
    assert error.startswith(f"{broken}, line 4: invalid JSON")
    assert "the batch it interrupted (1 study) was not stored" in error
    assert not report.ok
    assert report.summary().endswith("; 1 file could not be read to the end")


def test_a_bad_study_in_the_interrupted_batch_is_still_failed(tmp_path: Path) -> None:
    nameless: dict[str, Any] = {"protocolSection": {"identificationModule": {}}}
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(nameless) + "\n{broken\n", encoding="utf-8")
    report = load_files(actor=None, paths=[broken])
    assert (report.failed, report.failed_files) == (1, [str(broken)])
    assert "line 1" in report.errors[0] and "line 2: invalid JSON" in report.errors[1]


def test_re_running_a_load_with_bad_input_changes_nothing(tmp_path: Path) -> None:
    bad = study_json("NCT09000002")
    bad["protocolSection"]["statusModule"]["overallStatus"] = 7
    studies = [study_json("NCT09000001"), bad, study_json("NCT09000003")]
    path = write_jsonl(tmp_path / "s.jsonl", studies)
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(study_json("NCT09000004")) + "\n{broken", encoding="utf-8")
    first = load_files(actor=None, paths=[path, broken], batch_size=2)
    before = stored()
    sites = set(TrialSite.objects.values_list("pk", flat=True))
    again = load_files(actor=None, paths=[path, broken], batch_size=2)
    assert (first.new, first.failed) == (2, 1)
    assert (again.new, again.updated, again.unchanged, again.failed) == (0, 0, 2, 1)
    assert again.errors == first.errors
    assert stored() == before
    assert set(TrialSite.objects.values_list("pk", flat=True)) == sites


def test_an_interrupted_load_re_runs_to_completion(tmp_path: Path) -> None:
    studies = [study_json(f"NCT0900000{index}") for index in range(1, 7)]
    path = write_jsonl(tmp_path / "s.jsonl", studies)
    parsed = list(parse_ctgov(path))
    load_studies(actor=None, studies=parsed[:4], batch_size=2)  # the run that was killed
    report = load_files(actor=None, paths=[path], batch_size=2)
    assert (report.new, report.unchanged) == (2, 4)
    assert Trial.objects.count() == 6


def test_gzip_and_pages_load(tmp_path: Path) -> None:
    page = {"studies": [study_json("NCT09000001"), study_json("NCT09000002")], "nextPageToken": "x"}
    path = tmp_path / "page.json.gz"
    path.write_bytes(gzip.compress(json.dumps(page).encode()))
    assert load_files(actor=None, paths=[path]).new == 2


def test_a_study_twice_in_one_batch_is_stored_once(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "s.jsonl", [study_json("NCT09000001"), study_json("NCT09000001", title="B")]
    )
    report = load_files(actor=None, paths=[path])
    assert Trial.objects.get().brief_title == "B"
    assert report.new == 1


def test_only_administrators_load(tmp_path: Path, msl: User, admin_user: User) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [study_json("NCT09000001")])
    with pytest.raises(PermissionDenied):
        load_files(actor=msl, paths=[path])
    assert load_files(actor=admin_user, paths=[path]).new == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-05-14", dt.date(2023, 5, 14)),
        ("2023-05", dt.date(2023, 5, 1)),
        ("2023", dt.date(2023, 1, 1)),
        ("2023-13", None),
        ("May 2023", None),
        (None, None),
    ],
)
def test_partial_dates_sort_on_the_first_day_they_name(
    text: str | None, expected: dt.date | None
) -> None:
    assert partial_date(text) == expected


class RecordedProgress:
    def __init__(self) -> None:
        self.total = 0
        self.steps: list[int] = []
        self.counts: dict[str, int] = {}

    def set_total(self, total: int) -> None:
        self.total = total

    def advance(self, step: int = 1, **counts: int) -> None:
        self.steps.append(step)
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value


@pytest.mark.parametrize("parallel", [False, True])
def test_progress_counts_the_bytes_of_every_file_and_the_studies(
    tmp_path: Path, parallel: bool
) -> None:
    nameless: dict[str, Any] = {"protocolSection": {}}
    good = write_jsonl(
        tmp_path / "a.jsonl", [*(study_json(f"NCT0900000{i}") for i in range(1, 6)), nameless]
    )
    broken = tmp_path / "b.jsonl"
    broken.write_text(json.dumps(study_json("NCT09000009")) + "\n{broken\n" + "x" * 1000)
    progress = RecordedProgress()
    load_files(actor=None, paths=[good, broken], batch_size=2, progress=progress, parallel=parallel)
    size = good.stat().st_size + broken.stat().st_size
    assert progress.total == size == sum(progress.steps)
    assert len(progress.steps) > 3  # reported batch by batch, not once at the end
    assert progress.counts == {"new": 5, "updated": 0, "unchanged": 0, "failed": 1}
