"""Investigators (``InvestigatorList``) stored as authorships with the investigator role,
and kept apart from the authors wherever "author" is what a user reads."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core import services as core_services
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.literature.models import Authorship, AuthorshipRole, Publication
from liaison.literature.selectors import PublicationFilters, publication_queryset
from liaison.literature.services import references
from liaison.literature.tests.factories import load

pytestmark = pytest.mark.django_db

TRIAL = Path(__file__).parent / "data" / "investigators.xml"
PAPER = 50000001


def without_investigators(tmp_path: Path) -> Path:
    """The same records, revised by NLM without their InvestigatorList (same version)."""
    text = re.sub(r"<InvestigatorList>.*?</InvestigatorList>", "", TRIAL.read_text(), flags=re.S)
    path = tmp_path / "revised.xml"
    path.write_text(text, encoding="utf-8")
    return path


def people(pmid: int, role: str) -> list[tuple[int, str]]:
    return list(
        Authorship.objects.filter(publication__pmid=pmid, role=role)
        .order_by("position")
        .values_list("position", "family")
    )


@pytest.fixture(params=[False, True], ids=["parsed-here", "parsed-in-child"])
def parallel(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_investigators_are_stored_numbered_within_their_role(
    admin_user: User, parallel: bool
) -> None:
    report = load(admin_user, TRIAL, parallel=parallel)
    assert (report.new, report.failed) == (2, 0)
    assert [family for _, family in people(PAPER, AuthorshipRole.AUTHOR)] == ["Okafor", "Weber", ""]
    investigators = people(PAPER, AuthorshipRole.INVESTIGATOR)
    assert [position for position, _ in investigators] == list(range(1, 15))
    assert investigators[:3] == [(1, "Okafor"), (2, "Lindqvist"), (3, "Moreau")]
    brown = Authorship.objects.get(publication__pmid=PAPER, role="investigator", family="Brown")
    assert (brown.given, brown.suffix, brown.orcid) == ("Robert", "Jr", "0000-0002-1694-2336")
    assert brown.affiliations == ["Massachusetts General Hospital, Boston, MA, USA."]
    assert brown.search_name == "brown robert r"
    assert people(50000002, AuthorshipRole.INVESTIGATOR) == [(1, "Haddad")]


def test_investigators_link_to_hcps_by_orcid_as_authors_do(admin_user: User) -> None:
    okafor = HCP.objects.create(
        given_name="Chinedu", family_name="Okafor", country="NG", orcid="0000-0002-1825-0097"
    )
    moreau = HCP.objects.create(
        given_name="Jean-Luc", family_name="Moreau", country="FR", orcid="0000-0001-5109-3700"
    )
    load(admin_user, TRIAL)
    # Okafor wrote the paper and ran a site; Moreau ran a site only: both count as evidence.
    assert sorted(okafor.authorships.values_list("role", flat=True)) == ["author", "investigator"]
    assert list(moreau.authorships.values_list("role", "position")) == [("investigator", 3)]


def test_reloading_the_file_changes_nothing(admin_user: User, parallel: bool) -> None:
    load(admin_user, TRIAL, parallel=parallel)
    ids = set(Authorship.objects.values_list("pk", flat=True))
    report = load(admin_user, TRIAL, parallel=parallel)
    assert report.counts() == {"new": 0, "updated": 0, "unchanged": 2, "deleted": 0, "failed": 0}
    assert set(Authorship.objects.values_list("pk", flat=True)) == ids


def test_a_record_revised_without_investigators_drops_them(
    admin_user: User, tmp_path: Path
) -> None:
    load(admin_user, TRIAL)
    report = load(admin_user, without_investigators(tmp_path))
    assert report.updated == 2
    assert people(PAPER, AuthorshipRole.INVESTIGATOR) == []
    assert people(50000002, AuthorshipRole.INVESTIGATOR) == []
    assert len(people(PAPER, AuthorshipRole.AUTHOR)) == 3
    # ...and a later file that lists them again brings them back.
    assert load(admin_user, TRIAL).updated == 2
    assert len(people(PAPER, AuthorshipRole.INVESTIGATOR)) == 14


def test_the_author_filter_finds_authors_not_investigators(admin_user: User, msl: User) -> None:
    load(admin_user, TRIAL)

    def found(author: str) -> list[int]:
        queryset = publication_queryset(msl, PublicationFilters(author=author))
        return list(queryset.values_list("pmid", flat=True))

    assert found("weber") == [PAPER]
    assert found("lindqvist") == []  # an investigator only


def test_the_publication_page_lists_investigators_apart_and_folded(
    admin_user: User, msl: User
) -> None:
    load(admin_user, TRIAL)
    client = Client()
    client.force_login(msl)
    page = client.get(reverse("literature:publication-detail", args=[PAPER])).content.decode()
    authors = page.split('id="authors-heading"', 1)[1].split("</section>", 1)[0]
    investigators = page.split('id="investigators-heading"', 1)[1].split("</section>", 1)[0]
    assert "Thomas Weber" in authors and "Lindqvist" not in authors
    assert "(14)" in investigators
    assert "<details" in investigators and "Show the 14 investigators" in investigators
    assert "Åsa Lindqvist" in investigators and "Robert Brown Jr" in investigators
    # A short list is shown as it is.
    short = client.get(reverse("literature:publication-detail", args=[50000002])).content.decode()
    assert "Leila Haddad" in short and "<details" not in short.split("investigators-heading")[1]


def test_a_page_without_investigators_has_no_such_section(admin_user: User, msl: User) -> None:
    load(admin_user, TRIAL)
    Authorship.objects.filter(role=AuthorshipRole.INVESTIGATOR).delete()
    client = Client()
    client.force_login(msl)
    page = client.get(reverse("literature:publication-detail", args=[PAPER])).content.decode()
    assert "investigators-heading" not in page and "Thomas Weber" in page


def test_the_list_page_shows_authors_only(admin_user: User, msl: User) -> None:
    load(admin_user, TRIAL)
    client = Client()
    client.force_login(msl)
    page = client.get(reverse("literature:publication-list")).content.decode()
    assert "Chinedu A Okafor, Thomas Weber, INVENT-3 Trial Investigators" in page
    assert "Lindqvist" not in page


def test_the_api_gives_authors_and_investigators_apart(admin_user: User, msl: User) -> None:
    load(admin_user, TRIAL)
    _, secret = core_services.create_api_token(actor=msl, user=msl, name="test")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    body = client.get(f"/api/v1/publications/{PAPER}").json()
    assert [author["family"] for author in body["authorships"]] == ["Okafor", "Weber", ""]
    assert body["authors"] == ["Chinedu A Okafor", "Thomas Weber", "INVENT-3 Trial Investigators"]
    assert len(body["investigators"]) == 14
    assert (
        body["investigators"][1]["affiliations"][0] == "Karolinska Institutet, Stockholm, Sweden."
    )
    listed = client.get("/api/v1/publications", {"q": "antibody"}).json()["results"]
    assert listed[0]["authors"] == body["authors"]


def test_reference_exports_name_the_authors_only(admin_user: User) -> None:
    load(admin_user, TRIAL)
    publication = Publication.objects.get(pmid=PAPER)
    assert [author.family for author in references.to_reference(publication).authors] == [
        "Okafor",
        "Weber",
        "INVENT-3 Trial Investigators",
    ]
    stream = io.BytesIO()
    references.write_publications(Publication.objects.filter(pmid=PAPER), "ris", stream)
    ris = stream.getvalue().decode("utf-8-sig")
    assert "Weber" in ris and "Lindqvist" not in ris
