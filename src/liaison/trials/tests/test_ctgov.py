"""The ClinicalTrials.gov API v2 parser: own fixtures, every real sample, and bad input.

Real-sample checks compare the parser with values read by plain ``json`` in
the test and with a few values read by eye.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.trials.ctgov import (
    CtgovParseError,
    Study,
    page_from_json,
    parse_ctgov,
    study_from_json,
    to_json,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def full() -> Study:
    (study,) = parse_ctgov(DATA / "study_full.json")
    return study


def stream(data: Any) -> io.BytesIO:
    return io.BytesIO(json.dumps(data).encode())


# --- fields ---------------------------------------------------------------------------------


def test_identification_and_status(full: Study) -> None:
    assert (full.nct_id, full.brief_title, full.acronym) == (
        "NCT09000001",
        "A Hand-Written Study for Liaison's Tests",
        "EDGE-1",
    )
    assert full.official_title == "A Randomized Study of Testolimab in Edge-Case Disease"
    assert (full.overall_status, full.status_verified_date, full.why_stopped) == (
        "TERMINATED",
        "2024-05",
        "Sponsor decision",
    )


def test_dates_are_kept_as_given_including_partial_ones(full: Study) -> None:
    assert (full.start_date, full.primary_completion_date, full.completion_date) == (
        "2023-05",
        "2024-01-15",
        "2024",
    )
    assert (full.first_posted, full.last_update_posted) == ("2023-04-02", "2024-05-20")


def test_design(full: Study) -> None:
    assert full.phases == ("PHASE2", "PHASE3")
    assert full.study_type == "INTERVENTIONAL"
    assert full.enrollment is not None
    assert (full.enrollment.count, full.enrollment.type) == (120, "ESTIMATED")


def test_conditions_skip_blank_entries_and_keep_mesh_terms(full: Study) -> None:
    assert full.conditions == ("Edge-Case Disease",)
    assert full.keywords == ("testolimab", "edge")
    assert [(term.id, term.term) for term in full.condition_mesh] == [
        ("D000077192", "Adenocarcinoma of Lung")
    ]


def test_interventions_and_arms(full: Study) -> None:
    assert [(item.type, item.name, item.other_names) for item in full.interventions] == [
        ("DRUG", "Testolimab", ("TST-001",)),
        ("DRUG", "Placebo", ()),
    ]
    assert [dataclasses.astuple(arm) for arm in full.arms] == [
        ("Testolimab", "EXPERIMENTAL", "10 mg/kg", ("Drug: Testolimab",)),
        ("Placebo", "PLACEBO_COMPARATOR", None, ("Drug: Placebo",)),
    ]


def test_sponsors_with_their_class(full: Study) -> None:
    assert full.lead_sponsor is not None
    assert (full.lead_sponsor.name, full.lead_sponsor.sponsor_class) == (
        "Testo Pharma AG",
        "INDUSTRY",
    )
    assert [(item.name, item.sponsor_class) for item in full.collaborators] == [
        ("National Cancer Institute (NCI)", "NIH"),
        ("University Hospital Edge", "OTHER"),
    ]


def test_officials(full: Study) -> None:
    assert [dataclasses.astuple(item) for item in full.officials] == [
        ("Ana García, MD", "University Hospital Edge", "PRINCIPAL_INVESTIGATOR")
    ]


def test_locations_with_geo_point_status_and_contacts(full: Study) -> None:
    berlin, boston = full.locations
    assert (berlin.facility, berlin.city, berlin.zip, berlin.country, berlin.status) == (
        "Charité Universitätsmedizin",
        "Berlin",
        "10117",
        "Germany",
        "RECRUITING",
    )
    assert (berlin.lat, berlin.lon) == (52.52437, 13.0)
    assert [dataclasses.astuple(contact) for contact in berlin.contacts] == [
        ("Jan Müller", "CONTACT", "+49 30 000000", "jan@example.org"),
        ("Eva Schmidt", "PRINCIPAL_INVESTIGATOR", None, None),
    ]
    assert (boston.facility, boston.state, boston.lat, boston.lon, boston.contacts) == (
        None,
        "Massachusetts",
        None,
        None,
        (),
    )


def test_outcomes(full: Study) -> None:
    assert [dataclasses.astuple(item) for item in full.primary_outcomes] == [
        ("Overall survival", None, "24 months")
    ]
    assert [item.measure for item in full.secondary_outcomes] == [
        "Progression-free survival",
        "Adverse events",
    ]


def test_results_flag_and_reference_pmids_once_each(full: Study) -> None:
    assert full.has_results is False
    assert full.reference_pmids == (12345678, 23456789)


def test_field_filtered_study_has_nulls_and_empty_lists() -> None:
    study = study_from_json({"protocolSection": {"identificationModule": {"nctId": "nct09000009"}}})
    assert study.nct_id == "NCT09000009"
    assert study.has_results is None
    assert (study.enrollment, study.lead_sponsor, study.start_date) == (None, None, None)
    assert (study.locations, study.phases, study.reference_pmids) == ((), (), ())


def test_studies_are_frozen(full: Study) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        full.nct_id = "NCT00000000"  # type: ignore[misc]


# --- containers -----------------------------------------------------------------------------


def test_a_page_yields_its_studies() -> None:
    studies = list(parse_ctgov(DATA / "page.json"))
    assert [(study.nct_id, study.overall_status, study.has_results) for study in studies] == [
        ("NCT09000002", "RECRUITING", None),
        ("NCT09000003", "COMPLETED", True),
    ]


def test_page_from_json_keeps_the_next_page_token_and_total() -> None:
    page = page_from_json(json.loads((DATA / "page.json").read_text()))
    assert (page.next_page_token, page.total_count, len(page.studies)) == ("NF0g5JWBlPMs", 57, 2)


def test_a_last_page_has_no_token() -> None:
    page = page_from_json({"studies": [], "totalCount": 0})
    assert (page.studies, page.next_page_token, page.total_count) == ((), None, 0)


def test_jsonl_one_study_or_page_per_line_with_blank_lines() -> None:
    assert [study.nct_id for study in parse_ctgov(DATA / "studies.jsonl")] == [
        "NCT09000004",
        "NCT09000005",
        "NCT09000006",
    ]


def test_a_single_study_on_one_line_and_a_list_of_studies() -> None:
    line = (DATA / "studies.jsonl").read_bytes().splitlines()[0]
    assert [study.nct_id for study in parse_ctgov(io.BytesIO(line))] == ["NCT09000004"]
    listed = [json.loads(line), json.loads(line)]
    assert [study.nct_id for study in parse_ctgov(stream(listed))] == ["NCT09000004", "NCT09000004"]


def test_gzip_is_detected_by_magic_bytes(tmp_path: Path) -> None:
    packed = tmp_path / "studies.data"
    packed.write_bytes(gzip.compress((DATA / "studies.jsonl").read_bytes()))
    assert len(list(parse_ctgov(packed))) == 3


def test_an_empty_file_holds_no_studies() -> None:
    assert list(parse_ctgov(io.BytesIO(b"\n\n"))) == []


# --- JSON -----------------------------------------------------------------------------------

STUDY_KEYS = [
    "nct_id",
    "brief_title",
    "official_title",
    "acronym",
    "overall_status",
    "phases",
    "study_type",
    "enrollment",
    "conditions",
    "condition_mesh",
    "keywords",
    "interventions",
    "lead_sponsor",
    "collaborators",
    "officials",
    "locations",
    "start_date",
    "primary_completion_date",
    "completion_date",
    "first_posted",
    "last_update_posted",
    "has_results",
    "reference_pmids",
]


def test_to_json_has_the_documented_layout(full: Study) -> None:
    data = json.loads(json.dumps(to_json(full), ensure_ascii=False))
    assert list(data) == STUDY_KEYS
    assert data["enrollment"] == {"count": 120, "type": "ESTIMATED"}
    assert data["condition_mesh"] == [{"id": "D000077192", "term": "Adenocarcinoma of Lung"}]
    assert data["interventions"][0] == {"type": "DRUG", "name": "Testolimab"}
    assert data["lead_sponsor"] == {"name": "Testo Pharma AG", "class": "INDUSTRY"}
    assert data["collaborators"][0] == {"name": "National Cancer Institute (NCI)", "class": "NIH"}
    assert data["officials"] == [
        {
            "name": "Ana García, MD",
            "affiliation": "University Hospital Edge",
            "role": "PRINCIPAL_INVESTIGATOR",
        }
    ]
    assert data["locations"][0] == {
        "facility": "Charité Universitätsmedizin",
        "city": "Berlin",
        "state": None,
        "zip": "10117",
        "country": "Germany",
        "lat": 52.52437,
        "lon": 13.0,
        "status": "RECRUITING",
    }
    assert (data["start_date"], data["has_results"], data["reference_pmids"]) == (
        "2023-05",
        False,
        [12345678, 23456789],
    )


def test_to_json_never_writes_empty_strings() -> None:
    study = study_from_json(
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT09000010", "acronym": "", "briefTitle": " "}
            }
        }
    )
    data = to_json(study)
    assert (data["acronym"], data["brief_title"], data["enrollment"], data["locations"]) == (
        None,
        None,
        None,
        [],
    )


# --- bad input ------------------------------------------------------------------------------


def test_a_missing_nct_id_names_the_position_and_the_path() -> None:
    page = {
        "studies": [
            json.loads((DATA / "page.json").read_text())["studies"][0],
            {"protocolSection": {}},
        ]
    }
    with pytest.raises(CtgovParseError) as caught:
        list(parse_ctgov(stream(page), name="page.json"))
    error = caught.value
    assert (error.position, error.nct_id, error.path) == (
        "studies[1]",
        None,
        "protocolSection.identificationModule.nctId",
    )
    assert str(error) == (
        "page.json, studies[1]: protocolSection.identificationModule.nctId: missing: every study needs its NCT ID"
    )


def test_a_wrong_type_names_the_nct_id_and_the_path() -> None:
    study = json.loads((DATA / "study_full.json").read_text())
    study["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "120"
    with pytest.raises(
        CtgovParseError,
        match=re.escape(
            "study.json, NCT09000001: protocolSection.designModule.enrollmentInfo.count: "
            'expected an integer, got str "120"'
        ),
    ):
        list(parse_ctgov(stream(study), name="study.json"))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda s: s["protocolSection"]["designModule"].update(phases="PHASE2"),
            "designModule.phases",
        ),
        (
            lambda s: s["protocolSection"]["contactsLocationsModule"]["locations"][1].update(
                geoPoint={"lat": "x"}
            ),
            "contactsLocationsModule.locations[1].geoPoint.lat",
        ),
        (lambda s: s.update(hasResults="yes"), "hasResults"),
        (lambda s: s["protocolSection"].update(statusModule=[]), "protocolSection.statusModule"),
        (
            lambda s: s["protocolSection"]["referencesModule"]["references"][0].update(
                pmid="PMC123"
            ),
            "referencesModule.references[0].pmid",
        ),
        (lambda s: s["protocolSection"]["identificationModule"].update(nctId="NCT123"), "nctId"),
    ],
)
def test_each_wrong_type_is_refused_with_its_path(change: Any, path: str) -> None:
    study = json.loads((DATA / "study_full.json").read_text())
    change(study)
    with pytest.raises(CtgovParseError) as caught:
        list(parse_ctgov(stream(study)))
    assert caught.value.path is not None and caught.value.path.endswith(path)


def test_on_error_reports_a_bad_study_and_the_page_goes_on() -> None:
    page = json.loads((DATA / "page.json").read_text())
    page["studies"].insert(1, {"protocolSection": {"identificationModule": {"nctId": 42}}})
    errors: list[CtgovParseError] = []
    found = [study.nct_id for study in parse_ctgov(stream(page), on_error=errors.append)]
    assert found == ["NCT09000002", "NCT09000003"]
    assert [(error.position, error.path) for error in errors] == [
        ("studies[1]", "protocolSection.identificationModule.nctId")
    ]


def test_invalid_json_in_jsonl_names_its_line() -> None:
    lines = (DATA / "studies.jsonl").read_bytes().splitlines()
    broken = b"\n".join([lines[0], lines[2], b'{"protocolSection": {', lines[3]]) + b"\n"
    found: list[str] = []
    with pytest.raises(CtgovParseError, match=r"^jsonl, line 3: invalid JSON"):
        found.extend(study.nct_id for study in parse_ctgov(io.BytesIO(broken), name="jsonl"))
    assert found == ["NCT09000004", "NCT09000005"]


def test_a_bad_study_in_jsonl_names_its_line() -> None:
    lines = (DATA / "studies.jsonl").read_bytes().splitlines()
    broken = b"\n".join(
        [
            lines[0],
            b'{"protocolSection": {"identificationModule": {"nctId": "NCT09000007", "briefTitle": 7}}}',
        ]
    )
    with pytest.raises(
        CtgovParseError,
        match=r"^x, line 2, NCT09000007: protocolSection\.identificationModule\.briefTitle: expected a string, got int 7$",
    ):
        list(parse_ctgov(io.BytesIO(broken), name="x"))


def test_truncated_pretty_printed_json_names_its_line() -> None:
    text = (DATA / "study_full.json").read_bytes()
    cut = text[: text.index(b'"contactsLocationsModule"')]
    last_line = cut.count(b"\n") + 1
    with pytest.raises(CtgovParseError, match=rf"^cut\.json, line {last_line}: invalid JSON"):
        list(parse_ctgov(io.BytesIO(cut), name="cut.json"))


def test_the_retired_v1_format_is_refused_with_a_clear_message() -> None:
    v1 = {"FullStudiesResponse": {"APIVrs": "1.01.02", "FullStudies": [{"Rank": 1, "Study": {}}]}}
    with pytest.raises(CtgovParseError, match=r"retired ClinicalTrials\.gov API v1 format"):
        list(parse_ctgov(stream(v1)))


@pytest.mark.parametrize("data", [{"results": []}, [1, 2], "text", {"studies": "none"}])
def test_json_that_is_not_ctgov_is_refused(data: Any) -> None:
    with pytest.raises(
        CtgovParseError,
        match=r"not ClinicalTrials\.gov API v2 JSON|expected an array|expected a study object",
    ):
        list(parse_ctgov(stream(data)))


def test_corrupt_gzip_is_reported() -> None:
    broken = gzip.compress((DATA / "studies.jsonl").read_bytes())[:40]
    with pytest.raises(CtgovParseError, match="corrupt gzip"):
        list(parse_ctgov(io.BytesIO(broken), name="broken.jsonl.gz"))


# --- the real samples in ../shared/data/ctgov -------------------------------------------------


def empty_strings(value: Any) -> Iterator[str]:
    if value == "":
        yield "empty string"
    elif isinstance(value, dict):
        for item in value.values():
            yield from empty_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from empty_strings(item)


def real_files(shared_data: Path) -> list[Path]:
    files = sorted((shared_data / "ctgov").glob("*.json"))
    assert len(files) >= 13
    return files


def plain_studies(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    studies: list[dict[str, Any]] = data.get("studies", [data])
    return studies


def dig(data: Any, *keys: str | int) -> Any:
    for key in keys:
        if data is None:
            return None
        data = (
            data.get(key)
            if isinstance(data, dict)
            else data[key]
            if isinstance(key, int) and key < len(data)
            else None
        )
    return data


def check_against_plain_json(study: Study, raw: dict[str, Any]) -> None:
    protocol = raw["protocolSection"]
    assert study.nct_id == protocol["identificationModule"]["nctId"]
    assert study.brief_title == dig(protocol, "identificationModule", "briefTitle")
    assert study.official_title == dig(protocol, "identificationModule", "officialTitle")
    assert study.acronym == dig(protocol, "identificationModule", "acronym")
    assert study.overall_status == dig(protocol, "statusModule", "overallStatus")
    assert list(study.phases) == (dig(protocol, "designModule", "phases") or [])
    assert study.study_type == dig(protocol, "designModule", "studyType")
    assert (study.enrollment.count if study.enrollment else None) == dig(
        protocol, "designModule", "enrollmentInfo", "count"
    )
    assert list(study.conditions) == (dig(protocol, "conditionsModule", "conditions") or [])
    assert list(study.keywords) == (dig(protocol, "conditionsModule", "keywords") or [])
    assert [term.id for term in study.condition_mesh] == [
        mesh["id"] for mesh in dig(raw, "derivedSection", "conditionBrowseModule", "meshes") or []
    ]
    assert [item.name for item in study.interventions] == [
        item.get("name") for item in dig(protocol, "armsInterventionsModule", "interventions") or []
    ]
    lead = dig(protocol, "sponsorCollaboratorsModule", "leadSponsor")
    assert (study.lead_sponsor.name if study.lead_sponsor else None) == (lead or {}).get("name")
    assert (study.lead_sponsor.sponsor_class if study.lead_sponsor else None) == (lead or {}).get(
        "class"
    )
    assert [(item.name, item.sponsor_class) for item in study.collaborators] == [
        (item["name"], item.get("class"))
        for item in dig(protocol, "sponsorCollaboratorsModule", "collaborators") or []
    ]
    assert [(item.name, item.role) for item in study.officials] == [
        (item.get("name"), item.get("role"))
        for item in dig(protocol, "contactsLocationsModule", "overallOfficials") or []
    ]
    locations = dig(protocol, "contactsLocationsModule", "locations") or []
    assert [(item.city, item.country, item.lat) for item in study.locations] == [
        (item.get("city"), item.get("country"), dig(item, "geoPoint", "lat")) for item in locations
    ]
    assert study.start_date == dig(protocol, "statusModule", "startDateStruct", "date")
    assert study.primary_completion_date == dig(
        protocol, "statusModule", "primaryCompletionDateStruct", "date"
    )
    assert study.completion_date == dig(protocol, "statusModule", "completionDateStruct", "date")
    assert study.first_posted == dig(protocol, "statusModule", "studyFirstPostDateStruct", "date")
    assert study.last_update_posted == dig(
        protocol, "statusModule", "lastUpdatePostDateStruct", "date"
    )
    assert study.has_results == raw.get("hasResults")
    assert list(study.reference_pmids) == list(
        dict.fromkeys(
            int(item["pmid"])
            for item in dig(protocol, "referencesModule", "references") or []
            if "pmid" in item
        )
    )
    assert len(study.primary_outcomes) == len(
        dig(protocol, "outcomesModule", "primaryOutcomes") or []
    )
    assert len(study.arms) == len(dig(protocol, "armsInterventionsModule", "armGroups") or [])


@pytest.mark.shared_data
def test_every_real_study_parses_and_matches_plain_json(shared_data: Path) -> None:
    total = 0
    for path in real_files(shared_data):
        raw_studies = plain_studies(path)
        studies = list(parse_ctgov(path))
        assert len(studies) == len(raw_studies), path.name
        for study, raw in zip(studies, raw_studies, strict=True):
            check_against_plain_json(study, raw)
            assert list(empty_strings(to_json(study))) == [], study.nct_id
        total += len(studies)
    assert total == 27


@pytest.mark.shared_data
def test_real_values_read_by_eye(shared_data: Path) -> None:
    folder = shared_data / "ctgov"
    (big,) = parse_ctgov(folder / "aact_NCT02552212.json")
    assert (big.nct_id, big.acronym, len(big.locations), big.has_results) == (
        "NCT02552212",
        "C-AXSPAND",
        105,
        True,
    )
    assert (big.start_date, big.completion_date) == ("2015-09", "2020-05")
    (withdrawn,) = parse_ctgov(folder / "aact_NCT00973089.json")
    assert (withdrawn.overall_status, withdrawn.has_results) == ("WITHDRAWN", False)
    (flow,) = parse_ctgov(folder / "aact_initialize_participant_flow_data_NCT02299791.json")
    assert (flow.nct_id, len(flow.collaborators)) == ("NCT02299791", 5)
    (dupilumab,) = parse_ctgov(folder / "aact_NCT02210780.json")
    assert dupilumab.lead_sponsor is not None
    assert (dupilumab.lead_sponsor.name, dupilumab.lead_sponsor.sponsor_class) == (
        "Regeneron Pharmaceuticals",
        "INDUSTRY",
    )
    assert [term.term for term in dupilumab.condition_mesh] == [
        "Dermatitis, Atopic",
        "Dermatitis",
        "Eczema",
    ]


@pytest.mark.shared_data
def test_real_pages_and_their_tokens(shared_data: Path) -> None:
    folder = shared_data / "ctgov"
    keytruda = page_from_json(
        json.loads((folder / "biomcp_search_keytruda_limit3_20260811.json").read_text())
    )
    assert [study.nct_id for study in keytruda.studies] == [
        "NCT05431270",
        "NCT03590054",
        "NCT04795661",
    ]
    assert keytruda.total_count == 2924 and keytruda.next_page_token is not None
    last = page_from_json(
        json.loads((folder / "biomcp_search_phelan_limit50_20260811.json").read_text())
    )
    assert (last.total_count, last.next_page_token, len(last.studies)) == (3, None, 3)
    assert all(study.has_results is None for study in last.studies)  # field-filtered answer


@pytest.mark.shared_data
def test_real_v1_file_is_refused_as_retired(shared_data: Path) -> None:
    legacy = (
        shared_data / "ctgov" / "legacy_v1" / "aact_legacy_FullStudiesResponse_NCT04780763.json"
    )
    with pytest.raises(
        CtgovParseError, match=r"retired ClinicalTrials\.gov API v1 format \(FullStudiesResponse\)"
    ):
        list(parse_ctgov(legacy))


# --- docs/ctgov-jsonl.md stays true ------------------------------------------------------------

DOC = Path(__file__).resolve().parents[4] / "docs" / "ctgov-jsonl.md"


def test_the_documented_example_is_what_the_parser_writes(full: Study) -> None:
    block = DOC.read_text().split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == to_json(full)


def test_the_documented_keys_are_the_written_keys() -> None:
    table = DOC.read_text().split("## Keys", 1)[1].split("\n#", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == STUDY_KEYS


# --- properties -------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
PLACES = [
    ("protocolSection", "identificationModule", "briefTitle"),
    ("protocolSection", "statusModule", "startDateStruct"),
    ("protocolSection", "designModule", "phases"),
    ("protocolSection", "designModule", "enrollmentInfo"),
    ("protocolSection", "armsInterventionsModule", "interventions"),
    ("protocolSection", "sponsorCollaboratorsModule", "leadSponsor"),
    ("protocolSection", "contactsLocationsModule", "locations"),
    ("protocolSection", "referencesModule", "references"),
    ("derivedSection", "conditionBrowseModule", "meshes"),
    ("protocolSection", "outcomesModule"),
    ("hasResults",),
]


@settings(max_examples=200, deadline=None)
@given(place=st.sampled_from(PLACES), value=JSON_VALUES)
def test_any_value_anywhere_gives_a_study_or_a_parse_error(
    place: tuple[str, ...], value: Any
) -> None:
    study = json.loads((DATA / "study_full.json").read_text())
    target = study
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = value
    try:
        (parsed,) = parse_ctgov(stream(study), name="generated.json")
    except CtgovParseError as error:
        assert str(error).startswith("generated.json, NCT09000001: ")
        assert error.path is not None and place[-1] in error.path
        return
    assert parsed.nct_id == "NCT09000001"
    assert list(empty_strings(to_json(parsed))) == []
