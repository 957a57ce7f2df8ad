"""The trial site and investigator finder (``liaison.experts.finder``): the query's
checks, experience counted in the database and in memory, points, reasons, the
grouping of sites and investigators, the filters and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.models import HCP, Organization, TherapeuticArea
from liaison.experts import finder
from liaison.experts.models import AreaDefinition, ExpertScore
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange
from liaison.trials.services import load_files
from liaison.trials.tests.factories import study_json, write_jsonl

TODAY = dt.date(2025, 6, 1)


def study(
    nct_id: str,
    *,
    conditions: tuple[str, ...] = ("Melanoma",),
    phases: tuple[str, ...] = ("PHASE3",),
    status: str = "COMPLETED",
    start: str = "2021-03",
    completion: str = "",
    why_stopped: str = "",
    enrollment: tuple[int, str] = (100, "ACTUAL"),
    sites: tuple[tuple[str, str, str], ...] = (),
    contacts: dict[str, list[tuple[str, str]]] | None = None,
    officials: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """A ClinicalTrials.gov study with what the finder reads: dates, why stopped,
    enrolment, sites with their named contacts (by facility) and officials."""
    data = study_json(
        nct_id,
        title=f"Study {nct_id}",
        status=status,
        phases=phases,
        conditions=conditions,
        sites=sites,
        officials=officials,
        start=start,
    )
    protocol = data["protocolSection"]
    if completion:
        protocol["statusModule"]["completionDateStruct"] = {"date": completion}
    if why_stopped:
        protocol["statusModule"]["whyStopped"] = why_stopped
    count, kind = enrollment
    protocol["designModule"]["enrollmentInfo"] = {"count": count, "type": kind}
    for location in protocol["contactsLocationsModule"]["locations"]:
        people = (contacts or {}).get(location["facility"], [])
        if people:
            location["contacts"] = [{"name": name, "role": role} for name, role in people]
    return data


@dataclass
class FinderWorld:
    schmidt: HCP
    garcia: HCP
    charite: Organization
    oncology: TherapeuticArea


def build_world(tmp_path: Path) -> FinderWorld:
    """Melanoma trials at the Charité (two spellings, one organization), MD Anderson
    and Essen; one lung cancer trial; officials linked to HCPs or not yet."""
    berlin = ("Charité - Universitätsmedizin Berlin", "Berlin", "Germany")
    berlin_other = ("Charite Berlin, Campus Mitte", "Berlin", "Germany")
    houston = ("MD Anderson Cancer Center", "Houston", "United States")
    essen = ("Universitätsklinikum Essen", "Essen", "Germany")
    studies = [
        study(
            "NCT00000001",
            start="2021-03",
            completion="2023-06",
            enrollment=(600, "ACTUAL"),
            sites=(berlin, houston),
            contacts={berlin[0]: [("Anna Schmidt, MD", "PRINCIPAL_INVESTIGATOR")]},
            officials=(("Anna Schmidt, MD", "Charité"),),
        ),
        study(
            "NCT00000002",
            phases=("PHASE2",),
            status="TERMINATED",
            why_stopped="Slow accrual",
            start="2019-01",
            enrollment=(40, "ACTUAL"),
            sites=(berlin_other,),
            officials=(("Anna Schmidt", "Charité Berlin"),),
        ),
        study(
            "NCT00000003",
            conditions=("Skin Melanoma", "Uveal Melanoma"),
            status="RECRUITING",
            start="2024-02",
            enrollment=(500, "ESTIMATED"),
            sites=(berlin, essen),
            contacts={
                essen[0]: [
                    ("Dr. Jan Weber", "PRINCIPAL_INVESTIGATOR"),
                    ("Study Coordinator Lena", "CONTACT"),
                ]
            },
            officials=(("John Doe", "Universitätsklinikum Essen, Germany"),),
        ),
        study(
            "NCT00000004",
            conditions=("Lung Cancer",),
            phases=("PHASE2",),
            sites=(berlin,),
            officials=(("Anna Schmidt", "Charité"),),
        ),
        study(
            "NCT00000005",
            phases=("EARLY_PHASE1", "PHASE1"),
            status="WITHDRAWN",
            why_stopped="Sponsor decision",
            start="2022-09",
            enrollment=(0, "ACTUAL"),
            sites=(houston,),
            officials=(("Maria Garcia", "MD Anderson"),),
        ),
    ]
    load_files(actor=None, paths=[write_jsonl(tmp_path / "finder.jsonl", studies)])
    schmidt = HCP.objects.create(given_name="Anna", family_name="Schmidt", country="DE")
    garcia = HCP.objects.create(given_name="Maria", family_name="Garcia", country="US")
    TrialOfficial.objects.filter(name__startswith="Anna Schmidt").update(hcp=schmidt)
    TrialOfficial.objects.filter(name="Maria Garcia").update(hcp=garcia)
    charite = Organization.objects.create(name="Charité Berlin", type="hospital", country="DE")
    TrialSite.objects.filter(city="Berlin").update(organization=charite)
    TrialStatusChange.objects.create(
        trial=Trial.objects.get(nct_id="NCT00000003"),
        old_status="RECRUITING",
        new_status="SUSPENDED",
    )
    oncology = TherapeuticArea.objects.create(code="oncology", name="Oncology")
    AreaDefinition.objects.create(area=oncology, conditions=["melanoma", "lung cancer"])
    ExpertScore.objects.create(hcp=schmidt, area=oncology, score=38.0, tier=1, country="DE")
    return FinderWorld(schmidt, garcia, charite, oncology)


@pytest.fixture
def world(db: None, tmp_path: Path) -> FinderWorld:
    return build_world(tmp_path)


def melanoma(**kwargs: str) -> finder.FinderQuery:
    return finder.parse_query(condition="melanoma", **kwargs)


# --- the query ------------------------------------------------------------------------


def test_condition_is_required() -> None:
    with pytest.raises(LiaisonError) as caught:
        finder.parse_query(condition="  ")
    assert "condition" in caught.value.details


def test_unknown_country_and_phase_are_named_together() -> None:
    with pytest.raises(LiaisonError) as caught:
        finder.parse_query(condition="melanoma", country="XQ", phase="PHASE9")
    assert set(caught.value.details) == {"country", "phase"}
    assert "“XQ” is not a country code" in caught.value.details["country"]
    assert caught.value.details["phase"] == (
        "“PHASE9” is not a phase: give phase 1, 2, 3 or 4, early phase 1 or not applicable"
    )
    # Every spelling the message offers is read.
    for spelling in ("phase 1", "2", "PHASE3", "4", "early phase 1", "not applicable"):
        assert finder.parse_phase(spelling) is not None


def test_too_short_condition_is_refused() -> None:
    with pytest.raises(LiaisonError) as caught:
        finder.parse_query(condition="melanoma, ab")
    assert "“ab” is too short" in caught.value.details["condition"]


def test_country_and_phase_are_read_in_words() -> None:
    query = finder.parse_query(condition="melanoma; skin cancer", country="germany", phase="3")
    assert query.conditions == ("melanoma", "skin cancer")
    assert (query.country, query.phase) == ("DE", "PHASE3")
    assert query.describe() == "melanoma or skin cancer, phase 3 trials, in Germany"
    assert finder.parse_phase("Early phase 1") == "EARLY_PHASE1"
    assert finder.parse_phase("Phase III") == "PHASE3"
    assert finder.parse_phase("phase 5") is None


# --- points and reasons -----------------------------------------------------------------


def test_later_phases_count_more() -> None:
    phase2 = finder.Experience(trials=1, by_phase={"PHASE2": 1})
    phase3 = finder.Experience(trials=1, by_phase={"PHASE3": 1})
    phase1 = finder.Experience(trials=1, by_phase={"PHASE1": 1})
    points = [finder.experience_points(e) for e in (phase1, phase2, phase3)]
    assert points == sorted(points) and len(set(points)) == 3


def test_a_stop_for_accrual_costs_more_than_a_sponsor_stop() -> None:
    base = finder.Experience(trials=2, by_phase={"PHASE3": 2}, terminated=1)
    for_accrual = finder.Experience(
        trials=2, by_phase={"PHASE3": 2}, terminated=1, stopped_for_accrual=1
    )
    assert finder.experience_points(for_accrual) < finder.experience_points(base)


def test_expert_score_adds_publication_strength() -> None:
    experience = finder.Experience(trials=1, by_phase={"PHASE2": 1})
    expert = finder.ExpertStrength(1, "Oncology", 38.0, 1)
    assert finder.experience_points(experience, expert) > finder.experience_points(experience)
    assert finder.reasons(experience, "melanoma", expert, today=TODAY).endswith(
        "expert score 38 in Oncology, tier 1"
    )


def test_reasons_read_as_the_user_expects() -> None:
    experience = finder.Experience(
        trials=4,
        by_phase={"PHASE3": 2, "PHASE2": 2},
        terminated=1,
        last_start=dt.date(2024, 3, 1),
        enrolled=1240,
    )
    assert finder.reasons(experience, "melanoma", today=TODAY) == (
        "4 trials in melanoma (2 phase 3, 2 phase 2), last started 2024, 1 terminated; "
        "1,240 enrolled in these trials"
    )


def test_reasons_name_trials_without_phase_and_future_starts() -> None:
    experience = finder.Experience(
        trials=2, by_phase={"PHASE2": 1, "OTHER": 1}, last_start=dt.date(2027, 1, 1)
    )
    assert finder.reasons(experience, "asthma", today=TODAY) == (
        "2 trials in asthma (1 phase 2, 1 with no phase), one starts 2027"
    )


def test_experience_of_counts_each_trial_once_by_its_highest_phase() -> None:
    facts = finder.TrialFacts(
        1,
        "NCT1",
        "|PHASE2|PHASE3|",
        "COMPLETED",
        "",
        dt.date(2024, 1, 1),
        None,
        10,
        "ACTUAL",
        False,
    )
    experience = finder.experience_of([facts], today=TODAY)
    assert experience.by_phase == {"PHASE3": 1}
    assert (experience.recent, experience.enrolled) == (1, 10)


def test_name_key_ignores_titles_degrees_and_order() -> None:
    assert finder.name_key("Prof. Dr. Anna Schmidt, MD") == finder.name_key("Schmidt, Anna")
    assert finder.name_key("Anna Schmidt") != finder.name_key("Anne Schmidt")


# --- sites ----------------------------------------------------------------------------


def test_sites_are_ranked_with_their_reasons(world: FinderWorld, msl: User) -> None:
    rows = finder.find_sites(msl, melanoma(), today=TODAY)
    assert [row.rank for row in rows] == [1, 2, 3]
    top = rows[0]
    # Two spellings of the Charité, one organization: one row with three trials.
    assert top.organization_id == world.charite.pk
    assert top.experience.trials == 3
    assert top.experience.by_phase == {"PHASE3": 2, "PHASE2": 1}
    assert (top.experience.terminated, top.experience.stopped_for_accrual) == (1, 1)
    assert top.experience.suspended == 1  # from the status history
    assert (top.experience.enrolled, top.experience.planned) == (640, 500)
    assert top.experience.last_start == dt.date(2024, 2, 1)
    assert top.reasons.startswith("3 trials in melanoma (2 phase 3, 1 phase 2), last started 2024")
    assert "1 terminated (1 for accrual or enrolment)" in top.reasons
    assert "640 enrolled in these trials; 500 planned in ongoing ones" in top.reasons
    assert [row.facility for row in rows[1:]] == [
        "MD Anderson Cancer Center",
        "Universitätsklinikum Essen",
    ]


def test_site_aggregates_agree_with_counting_in_memory(world: FinderWorld, msl: User) -> None:
    query = melanoma()
    rows = finder.find_sites(msl, query, today=TODAY)
    finder.with_site_trials(msl, query, rows)
    facts = finder.trial_facts(finder.matching_trials(msl, query))
    by_nct = {fact.nct_id: fact for fact in facts.values()}
    for row in rows:
        counted = finder.experience_of([by_nct[nct] for nct in row.nct_ids], today=TODAY)
        assert row.experience == counted


def test_site_details_name_trials_investigators_and_organization(
    world: FinderWorld, msl: User
) -> None:
    query = melanoma()
    top = finder.with_site_trials(msl, query, finder.find_sites(msl, query)[:1])[0]
    assert top.name == "Charité Berlin"
    assert top.nct_ids == ["NCT00000003", "NCT00000001", "NCT00000002"]  # newest first
    assert top.trials[2].why_stopped == "Slow accrual"
    assert top.investigators == ["Anna Schmidt, MD"]


def test_country_narrows_sites(world: FinderWorld, msl: User) -> None:
    rows = finder.find_sites(msl, melanoma(country="US"))
    assert [row.facility for row in rows] == ["MD Anderson Cancer Center"]
    assert rows[0].country_code == "US"


def test_phase_narrows_the_trials_counted(world: FinderWorld, msl: User) -> None:
    rows = finder.find_sites(msl, melanoma(phase="PHASE1"))
    assert [(row.facility, row.experience.trials) for row in rows] == [
        ("MD Anderson Cancer Center", 1)
    ]
    assert rows[0].experience.withdrawn == 1


def test_another_condition_finds_its_own_trials(world: FinderWorld, msl: User) -> None:
    rows = finder.find_sites(msl, finder.parse_query(condition="lung cancer"))
    assert [(row.organization_id, row.experience.trials) for row in rows] == [(world.charite.pk, 1)]


def test_no_trial_no_rows(world: FinderWorld, msl: User) -> None:
    query = finder.parse_query(condition="glioblastoma")
    assert finder.find_sites(msl, query) == []
    assert finder.find_investigators(msl, query) == []


def test_outsider_finds_nothing(world: FinderWorld, outsider: User) -> None:
    assert finder.find_sites(outsider, melanoma()) == []
    assert finder.find_investigators(outsider, melanoma()) == []


# --- investigators ----------------------------------------------------------------------


def test_investigators_are_ranked_with_publication_strength(world: FinderWorld, msl: User) -> None:
    rows = finder.find_investigators(msl, melanoma(), today=TODAY)
    top = rows[0]
    assert (top.hcp_id, top.name, top.country) == (world.schmidt.pk, "Anna Schmidt", "DE")
    # Officials of two trials and the named investigator of a site: one person.
    assert top.experience.trials == 2
    assert top.sources == ["overall official", "site investigator"]
    assert top.expert is not None and top.expert.area == "Oncology"
    assert top.reasons.endswith("expert score 38 in Oncology, tier 1")
    names = {row.name for row in rows}
    assert names == {"Anna Schmidt", "Maria Garcia", "John Doe", "Dr. Jan Weber"}
    assert "Study Coordinator Lena" not in names  # a contact, not an investigator


def test_lung_cancer_trial_does_not_count_for_melanoma(world: FinderWorld, msl: User) -> None:
    rows = finder.find_investigators(msl, melanoma())
    schmidt = next(row for row in rows if row.hcp_id == world.schmidt.pk)
    finder.with_investigator_trials([schmidt])
    assert "NCT00000004" not in schmidt.nct_ids


def test_investigators_of_a_country(world: FinderWorld, msl: User) -> None:
    rows = finder.find_investigators(msl, melanoma(country="DE"))
    # Schmidt by her HCP's country; Weber by his site; Doe by his affiliation naming Germany.
    assert {row.name for row in rows} == {"Anna Schmidt", "Dr. Jan Weber", "John Doe"}
    rows = finder.find_investigators(msl, melanoma(country="US"))
    assert {row.name for row in rows} == {"Maria Garcia"}


def test_engaged_investigators_are_marked(
    world: FinderWorld, msl: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(finder.investigators, "engaged_hcp_ids", lambda user: {world.garcia.pk})
    rows = finder.find_investigators(msl, melanoma())
    assert {row.name for row in rows if row.engaged} == {"Maria Garcia"}


def test_reads_take_a_constant_number_of_queries(
    world: FinderWorld, msl: User, tmp_path: Path
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            query = melanoma()
            finder.with_site_trials(msl, query, finder.find_sites(msl, query))
            finder.with_investigator_trials(finder.find_investigators(msl, query))
        return len(queries)

    before = count()
    more = [
        study(
            f"NCT0000010{index}",
            sites=((f"Hospital {index}", "Lyon", "France"),),
            contacts={f"Hospital {index}": [(f"Person {index}", "PRINCIPAL_INVESTIGATOR")]},
            officials=((f"Official {index}", "Lyon"),),
        )
        for index in range(5)
    ]
    load_files(actor=None, paths=[write_jsonl(tmp_path / "more.jsonl", more)])
    assert count() == before


# --- export -----------------------------------------------------------------------------


def test_csv_export_of_sites(world: FinderWorld, msl: User) -> None:
    stream = io.BytesIO()
    written = finder.write_export(
        msl, melanoma(), stream, list_name="sites", format="csv", limit=100
    )
    assert written == 3
    rows = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Rank", "Site", "Facility as registered"]
    assert rows[1][1] == "Charité Berlin"
    assert rows[1][-1] == "NCT00000003 NCT00000001 NCT00000002"


def test_xlsx_export_of_investigators_respects_the_limit(world: FinderWorld, msl: User) -> None:
    stream = io.BytesIO()
    written = finder.write_export(
        msl, melanoma(), stream, list_name="investigators", format="xlsx", limit=2
    )
    assert written == 2
    stream.seek(0)
    sheet = openpyxl.load_workbook(stream).active
    assert sheet is not None
    values = list(sheet.values)
    assert len(values) == 3
    assert values[1][1] == "Anna Schmidt"


def test_export_cells_are_not_formulas(world: FinderWorld, msl: User) -> None:
    TrialSite.objects.filter(facility="Universitätsklinikum Essen").update(facility="=HYPERLINK()")
    stream = io.BytesIO()
    finder.write_export(msl, melanoma(), stream, list_name="sites", format="csv", limit=10)
    assert "'=HYPERLINK()" in stream.getvalue().decode("utf-8-sig")


def test_export_refuses_unknown_format_and_list(world: FinderWorld, msl: User) -> None:
    with pytest.raises(LiaisonError) as caught:
        finder.write_export(msl, melanoma(), io.BytesIO(), list_name="sites", format="pdf", limit=1)
    assert caught.value.details == {"format": "format: “pdf” is not csv or xlsx"}
    with pytest.raises(LiaisonError) as caught:
        finder.write_export(msl, melanoma(), io.BytesIO(), list_name="hcps", format="csv", limit=1)
    assert "list" in caught.value.details


def test_file_name_says_what_was_asked() -> None:
    query = finder.parse_query(condition="Non-small cell lung cancer", country="de", phase="3")
    assert (
        finder.file_name(query, "sites", "csv") == "non-small-cell-lung-cancer-de-phase3-sites.csv"
    )


def test_a_named_site_investigator_links_to_the_one_hcp_of_that_name_there(
    world: FinderWorld, msl: User
) -> None:
    weber = HCP.objects.create(given_name="Jan", family_name="Weber", country="DE")
    HCP.objects.create(given_name="Jan", family_name="Weber", country="AT")  # another country
    rows = finder.find_investigators(msl, melanoma())
    row = next(row for row in rows if row.name == "Jan Weber")
    assert row.hcp_id == weber.pk and row.country == "DE"


def test_two_hcps_of_one_name_in_the_country_link_neither(world: FinderWorld, msl: User) -> None:
    for _ in range(2):
        HCP.objects.create(given_name="Jan", family_name="Weber", country="DE")
    rows = finder.find_investigators(msl, melanoma())
    row = next(row for row in rows if row.name == "Dr. Jan Weber")
    assert row.hcp_id is None


def test_placeholder_names_are_no_investigators(world: FinderWorld, msl: User) -> None:
    TrialOfficial.objects.filter(name="John Doe").update(name="Medical Director")
    names = {row.name for row in finder.find_investigators(msl, melanoma())}
    assert "Medical Director" not in names
    assert finder.is_person("Hélène Garnier, PhD")
    assert not finder.is_person("Call 1-877-123-4567")
    assert not finder.is_person("Acme Pharma GmbH")
