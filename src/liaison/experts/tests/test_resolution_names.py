"""The resolver on the hard name cases: initials only, hyphenated and compound family
names, diacritics, transliterations, inverted names, one name at two institutions,
two ORCIDs in one name block; and the name helpers underneath."""

from __future__ import annotations

from dataclasses import replace

import pytest

from liaison.experts.resolution import Mention, explain, resolve
from liaison.experts.resolution.cluster import cluster
from liaison.experts.resolution.names import (
    compatible_initials,
    family_key,
    family_variants,
    given_name,
    jaro_winkler,
    translit,
)

BOSTON = ("Department of Medicine, Massachusetts General Hospital, Boston, MA, USA.",)
LYON = ("Service d'Oncologie, Centre Léon Bérard, Lyon, France.",)
ONCOLOGY = ("melanoma", "immunotherapy", "nivolumab", "humans")
CARDIOLOGY = ("heart failure", "echocardiography", "aged", "humans")


def person(key: str, family: str, given: str, initials: str = "", **fields: object) -> Mention:
    """A mention of someone with the evidence of a stable career: one institution,
    recurring co-authors, one field."""
    base = Mention(
        key=key,
        family=family,
        given=given,
        initials=initials,
        affiliations=BOSTON,
        coauthors=("kowalski m", "nguyen t", "okafor c"),
        mesh=ONCOLOGY,
        journal="j clin oncol",
        year=2019,
        title="Nivolumab in advanced melanoma: outcomes of a cohort",
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def same(mentions: list[Mention], a: str, b: str) -> bool:
    people = resolve(mentions).person_of
    return people[a] == people[b]


# --- name helpers --------------------------------------------------------------------------


def test_given_names_read_initials_full_names_and_hyphens() -> None:
    assert given_name("Jennifer S", "JS") == given_name("Jennifer S", "JS")
    assert given_name("Jennifer S", "JS").first == "jennifer"
    assert given_name("J S", "JS").first == ""
    assert given_name("JS").initials == "js"  # a fore name written as initials
    assert given_name("Jean-Pierre", "JP").initials == "jp"
    assert given_name("Jean-Pierre").first == "jean"


def test_family_keys_fold_accents_spaces_and_particles() -> None:
    assert family_key("Öberg") == family_key("Oberg") == "oberg"
    assert family_key("al Odaib") == family_key("Alodaib")
    assert family_key("García-López") == "garcialopez"
    assert "garcia" in family_variants("García-López")
    assert "berg" in family_variants("van der Berg")
    assert family_variants("Smith") == ()


def test_transliterations_share_a_key() -> None:
    assert translit("yurii") == translit("iurii") == translit("yuri")
    assert translit("aleksandr") == translit("alexandr")
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.961, abs=0.001)
    assert jaro_winkler("abc", "xyz") == 0.0


def test_initials_are_compatible_when_one_extends_the_other() -> None:
    assert compatible_initials("j", "js")
    assert compatible_initials("js", "js")
    assert not compatible_initials("js", "jt")
    assert not compatible_initials("j", "m")


# --- the resolver ------------------------------------------------------------------------------


def test_initials_only_and_a_middle_initial_are_one_person() -> None:
    mentions = [
        person("a", "Brown", "J", "J", year=2012),
        person("b", "Brown", "Jennifer S", "JS", year=2015),
        person("c", "Brown", "J S", "JS", year=2018),
    ]
    people = resolve(mentions).person_of
    assert people["a"] == people["b"] == people["c"]


def test_hyphenated_and_compound_family_names_meet() -> None:
    mentions = [
        person("a", "García-López", "María", "M", affiliations=LYON),
        person("b", "Garcia Lopez", "Maria", "M", affiliations=LYON),
        person("c", "García", "María", "M", affiliations=LYON),
    ]
    people = resolve(mentions).person_of
    assert people["a"] == people["b"] == people["c"]


def test_diacritics_do_not_split_a_person() -> None:
    mentions = [
        person("a", "Öberg", "Björn", "B"),
        person("b", "Oberg", "Bjorn", "B"),
    ]
    assert same(mentions, "a", "b")


def test_transliterated_given_names_are_one_person() -> None:
    mentions = [
        person("a", "Ivanov", "Yurii", "Y"),
        person("b", "Ivanov", "Iurii", "I"),
        person("c", "Ivanov", "Yuri", "Y"),
    ]
    people = resolve(mentions).person_of
    assert people["a"] == people["c"]
    assert people["a"] == people["b"]


def test_inverted_names_are_compared() -> None:
    mentions = [
        person("a", "Zhang", "Wei", "W"),
        person("b", "Wei", "Zhang", "Z"),
    ]
    evidence = explain(mentions[0], mentions[1])
    names = {feature["name"] for feature in evidence["features"]}
    assert "swapped" in names
    swapped = next(f for f in evidence["features"] if f["name"] == "swapped")
    assert swapped["value"] == 1.0


def test_one_name_at_two_institutions_in_two_fields_is_two_people() -> None:
    mentions = [
        person("a", "Smith", "John", "J", year=2010),
        person("b", "Smith", "John", "J", year=2012),
        person(
            "c",
            "Smith",
            "John",
            "J",
            affiliations=LYON,
            coauthors=("dubois a", "martin p"),
            mesh=CARDIOLOGY,
            journal="eur heart j",
            title="Echocardiographic follow-up of heart failure",
            year=2021,
        ),
    ]
    people = resolve(mentions).person_of
    assert people["a"] == people["b"]
    assert people["a"] != people["c"]


def test_two_orcids_in_one_name_block_never_merge() -> None:
    mentions = [
        person("a", "Lee", "Min", "M", orcid="0000-0001-0000-0001"),
        person("b", "Lee", "Min", "M", orcid="0000-0002-0000-0002"),
        person("c", "Lee", "Min", "M"),
    ]
    people = resolve(mentions).person_of
    assert people["a"] != people["b"]
    # The third, identical to both, joins at most one of them.
    assert people["c"] in {people["a"], people["b"]} or len(set(people.values())) == 3


def test_the_same_orcid_is_one_person_whatever_the_evidence() -> None:
    mentions = [
        person("a", "Lee", "Min", "M", orcid="0000-0001-0000-0001"),
        person(
            "b",
            "Lee",
            "M",
            "M",
            orcid="0000-0001-0000-0001",
            affiliations=LYON,
            mesh=CARDIOLOGY,
            coauthors=(),
        ),
    ]
    assert same(mentions, "a", "b")


def test_a_forbidden_anchor_is_never_joined() -> None:
    pinned = person("a", "Roy", "Anita", "A", anchor="hcp:7")
    refused = person("b", "Roy", "Anita", "A", forbidden=frozenset({"hcp:7"}))
    assert not same([pinned, refused], "a", "b")


def test_resolution_is_the_same_for_the_same_input() -> None:
    mentions = [person(str(i), "Patel", "R", "R", year=2000 + i) for i in range(6)]
    assert resolve(mentions).person_of == resolve(list(mentions)).person_of


# --- clustering -----------------------------------------------------------------------------------


def test_average_linkage_stops_below_the_threshold() -> None:
    # 0-1 strongly alike, 2 alike to 1 only: average linkage keeps 2 apart at 0.5.
    labels = cluster(
        3, [(0, 1), (1, 2), (0, 2)], [0.95, 0.6, 0.1], 0.5, ["", "", ""], [frozenset()] * 3
    )
    assert labels[0] == labels[1] != labels[2]


def test_different_anchors_block_a_chain() -> None:
    labels = cluster(
        3, [(0, 1), (1, 2)], [0.99, 0.99], 0.5, ["orcid:1", "", "orcid:2"], [frozenset()] * 3
    )
    assert labels[0] != labels[2]
    assert labels[1] in {labels[0], labels[2]}


def test_a_near_certain_link_joins_a_chain_average_linkage_would_keep_apart() -> None:
    # 0-1 and 1-2 near certain, 0-2 unlike: a career's first and last papers.
    pairs, probabilities = [(0, 1), (1, 2), (0, 2)], [0.99, 0.99, 0.05]
    none = [frozenset[str]()] * 3
    plain = cluster(3, pairs, probabilities, 0.75, ["", "", ""], none)
    assert len(set(plain)) == 2
    chained = cluster(3, pairs, probabilities, 0.75, ["", "", ""], none, 0.98, 0.1)
    assert len(set(chained)) == 1
    # ... but not when the rest of the two groups is unlike (average below the floor).
    group = [(0, 1), (0, 2), (1, 2), (2, 3), (0, 3), (1, 3)]
    odds = [0.99, 0.99, 0.99, 0.99, 0.0, 0.0]
    four = [frozenset[str]()] * 4
    assert len(set(cluster(4, group, odds, 0.75, [""] * 4, four, 0.98, 0.4))) == 2
    assert len(set(cluster(4, group, odds, 0.75, [""] * 4, four, 0.98, 0.3))) == 1
