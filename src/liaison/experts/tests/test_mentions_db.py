"""Mentions read from the database: authorships and trial officials, with decisions as anchors."""

from __future__ import annotations

import pytest

from liaison.directory.tests import factories as directory
from liaison.experts.mentions_db import build_mentions, parse_official_name
from liaison.experts.models import MentionDecision, Verdict
from liaison.experts.tests.resolution_world import LUND, author, key_of, paper, trial_official
from liaison.literature.models import AuthorshipRole

pytestmark = pytest.mark.django_db


def test_authors_and_investigators_become_mentions_but_groups_do_not() -> None:
    publication = paper(
        author("Holm", "Per", place=f"{LUND}. per.holm@med.lu.se"),
        author("Berg", "Anna"),
        {"collective": "The LUNG Study Group", "family": ""},
        author("Ek", "Bo", role=AuthorshipRole.INVESTIGATOR),
    )
    found = build_mentions()
    by_key = {m.key: m for m in found.mentions}
    holm, berg, group, ek = publication.authorships.order_by("role", "position")
    assert key_of(group) not in by_key
    assert set(by_key) == {key_of(holm), key_of(berg), key_of(ek)}
    mention = by_key[key_of(holm)]
    assert mention.email == "per.holm@med.lu.se"
    assert mention.year == 2020 and mention.journal == "journal of lung cancer"
    assert "berg a" in mention.coauthors and "holm p" not in mention.coauthors


def test_trial_officials_are_parsed_with_the_trials_conditions() -> None:
    official = trial_official("Prof. Dr. Ingrid Sandberg, MD, PhD", "Uppsala University")
    mention = next(m for m in build_mentions().mentions if m.key == f"o:{official.pk}")
    assert (mention.given, mention.family) == ("Ingrid", "Sandberg")
    assert mention.mesh == ("Lung Cancer",)


def test_decisions_become_anchors_and_forbidden_anchors() -> None:
    hcp = directory.hcp("Holm", given_name="Per", country="SE")
    other = directory.hcp("Holm", given_name="Pia", country="SE")
    publication = paper(author("Holm", "P", orcid="0000-0002-1825-0097"))
    same_orcid = paper(author("Holm", "P", orcid="0000-0002-1825-0097"))
    pinned = publication.authorships.get()
    MentionDecision.objects.create(authorship=pinned, hcp=hcp, verdict=Verdict.BELONGS)
    MentionDecision.objects.create(authorship=pinned, hcp=other, verdict=Verdict.NOT_THIS)
    by_key = {m.key: m for m in build_mentions().mentions}
    assert by_key[key_of(pinned)].anchor == f"hcp:{hcp.pk}"
    assert by_key[key_of(pinned)].forbidden == frozenset({f"hcp:{other.pk}"})
    # The same ORCID iD follows the person's decision, so the two anchors never disagree.
    assert by_key[key_of(same_orcid.authorships.get())].anchor == f"hcp:{hcp.pk}"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Anna Schmidt, MD, PhD", ("Anna", "Schmidt")),
        ("Prof. Dr. med. Jan van der Berg", ("Jan", "van der Berg")),
        ("Smith, John A.", ("John A.", "Smith")),
        ("María José García-López, MD", ("María José", "García-López")),
        ("Study Director", ("", "")),
        ("Medical Director, Clinical Sciences", ("", "")),
    ],
)
def test_official_names_are_parsed(written: str, expected: tuple[str, str]) -> None:
    assert parse_official_name(written) == expected
