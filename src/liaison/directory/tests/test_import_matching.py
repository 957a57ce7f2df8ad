"""Matching imported rows with the HCPs they update (issue 11, point 1): a
match on name alone is held back until confirmed, identifiers that
contradict the matched record are errors naming both, and the review says
what every row does and by which key."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.core.models import AuditEvent, User
from liaison.directory import services
from liaison.directory.importing import Action, check_file, import_file, review_file
from liaison.directory.models import HCP, Specialty, TherapeuticArea

HEADER = "First Name,Last Name,Credentials,Specialty,NPI,Email,Country,City,Therapeutic areas"
#: The row of the issue: no NPI, no ORCID, the name of a demo HCP in Freiburg.
WEISS_ROW = "Jürgen,Weiß,MD,Neurology,,j.weiss@example.org,DE,Köln,neuro"
WEISS_ORCID = "0000-0002-1825-0097"
SATO_ORCID = "0000-0001-5109-3700"


def write_csv(tmp_path: Path, lines: list[str], name: str = "hcps.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def weiss(admin_user: User) -> HCP:
    """The existing Jürgen Weiß: Freiburg, with an ORCID, his own specialty and area."""
    TherapeuticArea.objects.create(code="neuro", name="Neurology")
    oncology = TherapeuticArea.objects.create(code="onc", name="Oncology")
    return services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "Jürgen",
            "family_name": "Weiß",
            "country": "DE",
            "city": "Freiburg",
            "orcid": WEISS_ORCID,
            "credentials": ["Prof. Dr. med."],
            "emails": ["juergen.weiss@uniklinik-freiburg.de"],
            "specialties": ["Neurosurgery"],
            "therapeutic_areas": [oncology],
        },
    )


def weiss_state(hcp: HCP) -> tuple[object, ...]:
    hcp.refresh_from_db()
    return (
        hcp.city,
        hcp.credentials,
        hcp.emails,
        sorted(hcp.specialties.values_list("name", flat=True)),
        sorted(hcp.therapeutic_areas.values_list("code", flat=True)),
    )


FREIBURG = (
    "Freiburg",
    ["Prof. Dr. med."],
    ["juergen.weiss@uniklinik-freiburg.de"],
    ["Neurosurgery"],
    ["onc"],
)


# --- a match on name alone ---------------------------------------------------------


def test_issue_row_matching_a_namesake_is_held_back_not_applied(
    tmp_path: Path, admin_user: User, weiss: HCP
) -> None:
    events = AuditEvent.objects.count()
    report = import_file(
        actor=admin_user, path=write_csv(tmp_path, [HEADER, WEISS_ROW]), kind="hcps"
    )
    assert report.written and not report.problems
    [held] = report.held_back
    assert (held.row, held.action, held.key, held.record_id) == (
        2,
        Action.HELD_BACK,
        "name",
        weiss.pk,
    )
    assert held.record_label == f"Jürgen Weiß, Freiburg, DE; ORCID {WEISS_ORCID}"
    assert held.changes == ("credentials", "specialties", "emails", "city", "therapeutic areas")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert weiss_state(weiss) == FREIBURG
    assert HCP.objects.count() == 1 and not Specialty.objects.filter(name="Neurology").exists()
    assert AuditEvent.objects.count() == events
    assert "0 of 1 row(s)" in report.summary() and "1 held back" in report.summary()


def test_issue_row_is_applied_with_match_names(
    tmp_path: Path, admin_user: User, weiss: HCP
) -> None:
    path = write_csv(tmp_path, [HEADER, WEISS_ROW])
    report = import_file(actor=admin_user, path=path, kind="hcps", match_names=True)
    assert report.held_back == [] and report.updated == 1
    assert weiss_state(weiss) == (
        "Köln",
        ["MD"],
        ["j.weiss@example.org"],
        ["Neurology"],
        ["neuro"],
    )
    assert weiss.orcid == WEISS_ORCID  # an absent identifier column clears nothing
    event = AuditEvent.objects.filter(record_id=str(weiss.pk)).latest("sequence")
    assert event.action == "update" and event.changes["city"] == ["Freiburg", "Köln"]


def test_confirmed_row_and_hcp_pair_applies_that_match_only(
    tmp_path: Path, admin_user: User, weiss: HCP
) -> None:
    path = write_csv(tmp_path, [HEADER, WEISS_ROW])
    # A confirmation of row 2 for another HCP (the directory changed since the
    # review) confirms nothing.
    stale = import_file(actor=admin_user, path=path, kind="hcps", confirmed=[(2, weiss.pk + 1)])
    assert [match.row for match in stale.held_back] == [2]
    assert weiss_state(weiss) == FREIBURG
    report = import_file(actor=admin_user, path=path, kind="hcps", confirmed=[(2, weiss.pk)])
    assert report.held_back == [] and report.updated == 1
    assert weiss_state(weiss)[0] == "Köln"


def test_held_back_rows_do_not_stop_the_other_rows(
    tmp_path: Path, admin_user: User, weiss: HCP
) -> None:
    path = write_csv(
        tmp_path, [HEADER, WEISS_ROW, "Anna,Schmidt,,Cardiology,1000000004,,DE,Berlin,"]
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert (report.created, len(report.held_back)) == (1, 1)
    assert HCP.objects.filter(npi="1000000004", city="Berlin").exists()
    assert weiss_state(weiss) == FREIBURG


def test_a_held_back_row_does_not_stop_a_row_matching_its_namesake_by_orcid(
    tmp_path: Path, admin_user: User, weiss: HCP
) -> None:
    path = write_csv(
        tmp_path,
        [
            "First Name,Last Name,Country,City,ORCID",
            "Jürgen,Weiß,DE,Köln,",
            f"Jürgen,Weiß,DE,Freiburg im Breisgau,{WEISS_ORCID}",
        ],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert report.problems == [] and [match.row for match in report.held_back] == [2]
    assert report.updated == 1 and weiss_state(weiss)[0] == "Freiburg im Breisgau"
    # Confirmed, the two rows would update one HCP: an error, nothing written.
    confirmed = import_file(actor=admin_user, path=path, kind="hcps", match_names=True)
    [problem] = confirmed.problems
    assert (
        problem.row == 3 and "updates the same HCP" in problem.reason and "row 2" in problem.reason
    )


def test_a_name_match_that_changes_nothing_needs_no_confirmation(
    tmp_path: Path, admin_user: User
) -> None:
    """Re-importing a file of new HCPs without identifiers changes nothing and
    holds nothing back (each row now matches, on name, the HCP it created)."""
    path = write_csv(
        tmp_path,
        ["First Name,Last Name,Country,City,Specialty", "Anna,Schmidt,DE,Berlin,Cardiology"],
    )
    first = import_file(actor=admin_user, path=path, kind="hcps")
    assert first.created == 1
    events = AuditEvent.objects.count()
    again = import_file(actor=admin_user, path=path, kind="hcps")
    assert (again.created, again.updated, again.unchanged, again.held_back) == (0, 0, 1, [])
    assert AuditEvent.objects.count() == events


def test_check_file_lists_held_back_rows_and_writes_nothing(
    tmp_path: Path, admin_user: User, weiss: HCP
) -> None:
    path = write_csv(tmp_path, [HEADER, WEISS_ROW])
    report = check_file(actor=admin_user, path=path, kind="hcps")
    assert [(match.row, match.record_id) for match in report.held_back] == [(2, weiss.pk)]
    assert weiss_state(weiss) == FREIBURG


def test_several_namesakes_are_an_error_naming_them(tmp_path: Path, admin_user: User) -> None:
    first = services.create_hcp(
        actor=admin_user,
        data={"given_name": "Anna", "family_name": "Schmidt", "country": "DE", "city": "Berlin"},
    )
    second = services.create_hcp(
        actor=admin_user,
        data={"given_name": "Anna", "family_name": "Schmidt", "country": "DE", "city": "Bonn"},
    )
    path = write_csv(tmp_path, ["First Name,Last Name,Country,City", "anna,SCHMIDT,DE,Köln"])
    report = import_file(actor=admin_user, path=path, kind="hcps", match_names=True)
    assert not report.written
    [problem] = report.problems
    assert (problem.row, problem.column, problem.field) == (2, "Last Name", "family_name")
    assert f"#{first.pk} Anna Schmidt, Berlin, DE" in problem.reason
    assert f"#{second.pk} Anna Schmidt, Bonn, DE" in problem.reason
    assert "no Liaison ID, NPI or ORCID" in problem.reason
    assert set(HCP.objects.values_list("city", flat=True)) == {"Berlin", "Bonn"}


def test_row_with_an_unknown_npi_is_a_new_hcp_beside_its_namesake(
    tmp_path: Path, admin_user: User
) -> None:
    namesake = services.create_hcp(
        actor=admin_user,
        data={"given_name": "John", "family_name": "Smith", "country": "US", "npi": "1000000012"},
    )
    path = write_csv(tmp_path, ["First Name,Last Name,Country,NPI", "John,Smith,US,1000000004"])
    review = review_file(actor=admin_user, path=path, kind="hcps")
    assert review.row_matches is not None
    match = review.row_matches[2]
    assert match.action == Action.CREATE
    assert f"namesake HCP #{namesake.pk} (John Smith, US; NPI 1000000012)" in match.note
    assert "its NPI differs, so this row is another person" in match.note
    report = import_file(actor=admin_user, path=path, kind="hcps")
    assert report.created == 1 and HCP.objects.count() == 2


# --- identifiers that contradict the matched record -----------------------------------


def test_npi_of_one_hcp_and_orcid_of_another_is_an_error_naming_both(
    tmp_path: Path, admin_user: User
) -> None:
    first = services.create_hcp(
        actor=admin_user,
        data={"given_name": "A", "family_name": "B", "country": "US", "npi": "1000000004"},
    )
    second = services.create_hcp(
        actor=admin_user,
        data={"given_name": "C", "family_name": "D", "country": "US", "orcid": WEISS_ORCID},
    )
    path = write_csv(
        tmp_path,
        ["given_name,family_name,country,npi,orcid", f"A,B,US,1000000004,{WEISS_ORCID}"],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps", match_names=True)
    assert not report.written
    [problem] = report.problems
    assert (problem.row, problem.column, problem.value) == (2, "orcid", WEISS_ORCID)
    assert problem.reason == (
        f"belongs to HCP #{second.pk} (C D, US; ORCID {WEISS_ORCID}), but the row's NPI"
        f" 1000000004 is HCP #{first.pk} (A B, US; NPI 1000000004): a row cannot update two HCPs"
    )
    assert HCP.objects.get(pk=first.pk).orcid is None


def test_identifier_differing_from_the_matched_hcps_own_is_an_error(
    tmp_path: Path, admin_user: User
) -> None:
    hcp = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "A",
            "family_name": "B",
            "country": "US",
            "npi": "1000000004",
            "orcid": WEISS_ORCID,
        },
    )
    other_orcid = "0000-0003-3141-5922"
    path = write_csv(
        tmp_path,
        ["given_name,family_name,country,npi,orcid,city", f"A,B,US,1000000004,{other_orcid},X"],
    )
    report = import_file(actor=admin_user, path=path, kind="hcps")
    [problem] = report.problems
    assert (problem.row, problem.column, problem.value) == (2, "orcid", other_orcid)
    assert f"differs from the ORCID {WEISS_ORCID} of HCP #{hcp.pk}" in problem.reason
    assert "which the row's NPI 1000000004 matches" in problem.reason
    assert "never replaces" in problem.reason
    hcp.refresh_from_db()
    assert (hcp.orcid, hcp.city) == (WEISS_ORCID, "")


def test_liaison_id_and_an_npi_of_another_hcp_is_an_error_naming_both(
    tmp_path: Path, admin_user: User
) -> None:
    first = services.create_hcp(
        actor=admin_user, data={"given_name": "A", "family_name": "B", "country": "US"}
    )
    second = services.create_hcp(
        actor=admin_user,
        data={"given_name": "C", "family_name": "D", "country": "US", "npi": "1000000004"},
    )
    path = write_csv(
        tmp_path, ["id,given_name,family_name,country,npi", f"{first.pk},A,B,US,1000000004"]
    )
    [problem] = import_file(actor=admin_user, path=path, kind="hcps").problems
    assert problem.field == "npi"
    assert f"belongs to HCP #{second.pk} (C D, US; NPI 1000000004)" in problem.reason
    assert f"the row's Liaison ID {first.pk} is HCP #{first.pk} (A B, US)" in problem.reason


# --- the review: what each row does ------------------------------------------------------


def test_review_says_for_every_row_what_it_does_and_by_which_key(
    tmp_path: Path, admin_user: User, weiss: HCP
) -> None:
    by_npi = services.create_hcp(
        actor=admin_user,
        data={"given_name": "Anna", "family_name": "Schmidt", "country": "DE", "npi": "1000000004"},
    )
    by_id = services.create_hcp(
        actor=admin_user, data={"given_name": "Marco", "family_name": "Rossi", "country": "IT"}
    )
    by_orcid = services.create_hcp(
        actor=admin_user,
        data={"given_name": "Hana", "family_name": "Sato", "country": "JP", "orcid": SATO_ORCID},
    )
    path = write_csv(
        tmp_path,
        [
            "Liaison ID,First Name,Last Name,Country,City,NPI,ORCID",
            ",Jürgen,Weiß,DE,Köln,,",  # 2: name alone
            ",Anna,Schmidt,DE,Berlin,1000000004,",  # 3: NPI, a change
            f",Hana,Sato,JP,,,{SATO_ORCID}",  # 4: ORCID, no change
            f"{by_id.pk},Marco,Rossi,IT,Roma,,",  # 5: Liaison ID
            ",Chloé,Dubois,FR,Paris,,",  # 6: new
            ",Bad,Row,XX,,,",  # 7: a problem
        ],
    )
    events = AuditEvent.objects.count()
    report = review_file(actor=admin_user, path=path, kind="hcps")
    assert report.row_matches is not None
    seen = {
        row: (match.action, match.key, match.record_id, match.changes)
        for row, match in report.row_matches.items()
    }
    assert seen == {
        2: (Action.HELD_BACK, "name", weiss.pk, ("city",)),
        3: (Action.UPDATE, "npi", by_npi.pk, ("city",)),
        4: (Action.UNCHANGED, "orcid", by_orcid.pk, ()),
        5: (Action.UPDATE, "id", by_id.pk, ("city",)),
        6: (Action.CREATE, "", None, ()),
    }
    assert report.invalid_rows == {7}
    assert report.row_names[7] == "Bad Row" and report.row_names[2] == "Jürgen Weiß"
    assert report.actions() == {"create": 1, "update": 2, "unchanged": 1, "held back": 1}
    assert AuditEvent.objects.count() == events and weiss_state(weiss) == FREIBURG


def test_review_of_organizations_names_the_organization_each_row_updates(
    tmp_path: Path, admin_user: User
) -> None:
    charite = services.create_organization(
        actor=admin_user,
        data={"name": "Charité", "country": "DE", "city": "Berlin", "type": "hospital"},
    )
    path = write_csv(
        tmp_path,
        ["Name,Country,City,Postal code", "Charité,DE,Berlin,10117", "Institut Curie,FR,Paris,"],
        name="organizations.csv",
    )
    report = review_file(actor=admin_user, path=path, kind="organizations")
    assert report.row_matches is not None
    charite_row, curie_row = report.row_matches[2], report.row_matches[3]
    assert (charite_row.action, charite_row.key, charite_row.record_id) == (
        Action.UPDATE,
        "place",
        charite.pk,
    )
    assert charite_row.changes == ("postal code",) and charite_row.key_label == (
        "name, country and city"
    )
    assert curie_row.action == Action.CREATE and report.held_back == []
    assert report.row_names == {2: "Charité", 3: "Institut Curie"}
