"""From a parsed study to stored rows (no database): values, limits, fingerprint, batches."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.text import to_json
from liaison.trials.ctgov import study_from_json
from liaison.trials.loading.rows import (
    OFFICIAL_FIELDS,
    SITE_FIELDS,
    VALUE_FIELDS,
    ReaderCrashed,
    StudyRejected,
    StudyRows,
    read_here,
    read_in_child,
    study_rows,
)
from liaison.trials.tests.factories import study_json, write_jsonl

DATA = Path(__file__).parent / "data"


def full_study() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "study_full.json").read_text(encoding="utf-8"))
    return data


def rows_of(data: dict[str, Any]) -> StudyRows:
    return study_rows(study_from_json(data))


def values_of(rows: StudyRows) -> dict[str, Any]:
    return dict(zip(VALUE_FIELDS, rows.values, strict=True))


# --- values ------------------------------------------------------------------------------


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.lists(json_values, max_size=5) | st.tuples(json_values))
def test_json_columns_are_the_text_json_dumps_writes(value: list[Any] | tuple[Any, ...]) -> None:
    # Django's JSONField writes json.dumps(value): the same text keeps a column as it was.
    assert to_json(value) == json.dumps(value)


def test_the_values_of_a_full_study() -> None:
    rows = rows_of(full_study())
    values = values_of(rows)
    assert len(rows.values) == len(VALUE_FIELDS)
    assert values["overall_status"] == "TERMINATED"
    assert values["phase_key"] == "|PHASE2|PHASE3|"
    assert json.loads(values["phases"]) == ["PHASE2", "PHASE3"]
    assert json.loads(values["reference_pmids"]) == [12345678, 23456789]
    assert json.loads(values["interventions"])[0] == {
        "type": "DRUG",
        "name": "Testolimab",
        "description": None,
        "other_names": ["TST-001"],
    }
    # Dates go to the database as ISO text: the first day a partial date names.
    assert (values["start_date"], values["start_on"]) == ("2023-05", "2023-05-01")
    assert (values["completion_date"], values["completion_on"]) == ("2024", "2024-01-01")
    assert values["last_update_posted"] == "2024-05-20"
    assert values["intervention_text"] == " testolimab | tst 001 | placebo "
    assert values["condition_text"] == " edge case disease | adenocarcinoma of lung "
    assert "testo pharma ag" in values["search_text"]


def test_sites_and_officials_in_column_order() -> None:
    rows = rows_of(full_study())
    charite = dict(zip(SITE_FIELDS, rows.sites[0], strict=True))
    assert charite["position"] == 0
    assert (charite["facility"], charite["zip"], charite["lat"], charite["lon"]) == (
        "Charité Universitätsmedizin",
        "10117",
        52.52437,
        13.0,
    )
    assert json.loads(charite["contacts"])[1] == {
        "name": "Eva Schmidt",
        "role": "PRINCIPAL_INVESTIGATOR",
        "phone": None,
        "email": None,
    }
    boston = dict(zip(SITE_FIELDS, rows.sites[1], strict=True))
    assert (boston["position"], boston["facility"], boston["contacts"]) == (1, "", "[]")
    official = dict(zip(OFFICIAL_FIELDS, rows.officials[0], strict=True))
    assert official == {
        "position": 0,
        "name": "Ana García, MD",
        "affiliation": "University Hospital Edge",
        "role": "PRINCIPAL_INVESTIGATOR",
    }


def _long_zip(data: dict[str, Any]) -> None:
    data["protocolSection"]["contactsLocationsModule"]["locations"][1]["zip"] = "9" * 41


def _long_role(data: dict[str, Any]) -> None:
    data["protocolSection"]["contactsLocationsModule"]["overallOfficials"][0]["role"] = "R" * 41


def _long_status(data: dict[str, Any]) -> None:
    data["protocolSection"]["statusModule"]["overallStatus"] = "S" * 41


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_long_zip, "locations[1].zip: '99999999" + "9" * 32 + "' is longer than 40 characters"),
        (_long_role, "officials[0].role: 'RRRR" + "R" * 36 + "' is longer than 40 characters"),
        (_long_status, "overall_status: '" + "S" * 40 + "' is longer than 40 characters"),
    ],
)
def test_a_value_longer_than_its_column_is_refused_by_name(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = full_study()
    change(data)
    with pytest.raises(StudyRejected) as caught:
        rows_of(data)
    assert str(caught.value) == message


# --- fingerprint -------------------------------------------------------------------------


def test_the_same_study_read_twice_has_the_same_fingerprint() -> None:
    assert rows_of(full_study()).content_hash == rows_of(full_study()).content_hash


def _title(data: dict[str, Any]) -> None:
    data["protocolSection"]["identificationModule"]["briefTitle"] += "!"


def _contact_email(data: dict[str, Any]) -> None:
    site = data["protocolSection"]["contactsLocationsModule"]["locations"][0]
    site["contacts"][1]["email"] = "eva@example.org"


def _site_order(data: dict[str, Any]) -> None:
    data["protocolSection"]["contactsLocationsModule"]["locations"].reverse()


def _latitude(data: dict[str, Any]) -> None:
    site = data["protocolSection"]["contactsLocationsModule"]["locations"][0]
    site["geoPoint"]["lat"] += 0.00001


def _official_affiliation(data: dict[str, Any]) -> None:
    official = data["protocolSection"]["contactsLocationsModule"]["overallOfficials"][0]
    official["affiliation"] = "Elsewhere"


def _has_results(data: dict[str, Any]) -> None:
    data["hasResults"] = None


def _mesh_term(data: dict[str, Any]) -> None:
    data["derivedSection"]["conditionBrowseModule"]["meshes"][0]["term"] = "Lung Neoplasms"


@pytest.mark.parametrize(
    "change",
    [
        _title,
        _contact_email,
        _site_order,
        _latitude,
        _official_affiliation,
        _has_results,
        _mesh_term,
    ],
)
def test_any_stored_change_changes_the_fingerprint(
    change: Callable[[dict[str, Any]], None],
) -> None:
    data = full_study()
    before = rows_of(data)
    change(data)
    after = rows_of(data)
    assert (after.values, after.sites, after.officials) != (
        before.values,
        before.sites,
        before.officials,
    )
    assert after.content_hash != before.content_hash


# --- batches -------------------------------------------------------------------------------


def read_here_from(path: Path, name: str, batch_size: int) -> list[Any]:
    with path.open("rb") as stream:
        return list(read_here(stream, name, batch_size))


@pytest.mark.parametrize("name", ["study_full.json", "page.json", "studies.jsonl"])
def test_a_child_process_reads_the_same_batches(name: str) -> None:
    path = DATA / name
    here = read_here_from(path, name, 2)
    there = list(read_in_child(path, name, 2))
    assert there == here  # fingerprints included: equal rows give equal ones in any process
    assert here[-1].position == path.stat().st_size
    assert all(batch.broken is None for batch in here)


def test_batches_hold_the_studies_read_good_and_bad(tmp_path: Path) -> None:
    nameless: dict[str, Any] = {"protocolSection": {"identificationModule": {}}}
    long_acronym = study_json("NCT09000003")
    long_acronym["protocolSection"]["identificationModule"]["acronym"] = "A" * 201
    studies = [study_json("NCT09000001"), nameless, long_acronym, study_json("NCT09000004")]
    path = write_jsonl(tmp_path / "s.jsonl", studies)
    here = read_here_from(path, "s.jsonl", 2)
    # A batch ends at the good or refused study that fills it; parse errors count in it.
    assert [(list(batch.rows), batch.size) for batch in here] == [
        (["NCT09000001"], 3),
        (["NCT09000004"], 1),
    ]
    first, refused = here[0].errors
    assert "s.jsonl, line 2" in first
    assert refused.startswith("s.jsonl, NCT09000003: acronym:")
    assert list(read_in_child(path, "s.jsonl", 2)) == here


def test_a_broken_file_ends_both_feeds_alike(tmp_path: Path) -> None:
    nameless: dict[str, Any] = {"protocolSection": {"identificationModule": {}}}
    lines = [json.dumps(study_json(f"NCT0900000{index}")) for index in range(1, 4)]
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join([*lines, json.dumps(nameless), "{broken"]), encoding="utf-8")
    here = read_here_from(path, "broken.jsonl", 2)
    there = list(read_in_child(path, "broken.jsonl", 2))
    assert there == here
    # Studies 1 and 2 make a whole batch; 3 and the nameless one are in the one cut short.
    assert [list(batch.rows) for batch in here] == [["NCT09000001", "NCT09000002"], ["NCT09000003"]]
    last = here[-1]
    assert last.broken is not None and last.broken.startswith("broken.jsonl, line 5: invalid JSON")
    assert "broken.jsonl, line 4" in last.errors[0]


def test_a_reading_process_that_fails_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ReaderCrashed, match="IsADirectoryError"):
        list(read_in_child(tmp_path, "a directory", 10))


def test_closing_a_child_feed_early_stops_it(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "many.jsonl", [study_json(f"NCT09{index:06d}") for index in range(200)]
    )
    batches = read_in_child(path, "many.jsonl", 5)
    first = next(batches)
    assert list(first.rows) == [f"NCT09{index:06d}" for index in range(5)]
    batches.close()  # the writer stopped: the child is killed, not waited for to the end
