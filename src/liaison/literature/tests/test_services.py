"""Storing PubMed records: counts, idempotence, versions, deletions, broken files, HCP links."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from pathlib import Path

import pytest

from liaison.core.errors import PermissionDenied
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.literature import services
from liaison.literature.models import (
    Authorship,
    Journal,
    MeshTerm,
    Publication,
    PublicationMesh,
    PublicationTrial,
)
from liaison.literature.pubmed import parse_pubmed
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["parsed-here", "parsed-in-child"])
def parallel(request: pytest.FixtureRequest) -> bool:
    """Both ways a file loads: parsed in this process, or in a child process while this one writes."""
    return bool(request.param)


def test_new_records_are_stored_with_their_children(admin_user: User, tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.xml",
        article(
            101,
            title="Heart failure outcomes",
            abstract="Sacubitril lowered mortality.",
            authors=[("Müller", "Jürgen"), ("Smith", "Anna")],
            orcids=["0000-0002-1825-0097"],
            mesh=[("D006333", "Heart Failure", True), ("D006801", "Humans", False)],
            trials=["NCT01035255"],
            types=["Journal Article", "Randomized Controlled Trial"],
        ),
    )
    report = load(admin_user, path)
    assert report.counts() == {"new": 1, "updated": 0, "unchanged": 0, "deleted": 0, "failed": 0}
    publication = Publication.objects.get(pmid=101)
    assert publication.title == "Heart failure outcomes"
    assert publication.abstract_text == "Sacubitril lowered mortality."
    assert publication.published_on == dt.date(2020, 3, 1)
    assert publication.published_month == 3
    assert publication.doi == "10.9999/test.101"
    assert publication.journal is not None and publication.journal.issn == "1111-2222"
    authors = list(publication.authorships.order_by("position"))
    assert [(a.position, a.family, a.given) for a in authors] == [
        (1, "Müller", "Jürgen"),
        (2, "Smith", "Anna"),
    ]
    assert authors[0].orcid == "0000-0002-1825-0097"
    assert authors[0].search_name == "muller jurgen j"
    assert authors[0].affiliations == ["Somewhere University."]
    headings = {h.term.ui: h.major for h in publication.mesh_headings.select_related("term")}
    assert headings == {"D006333": True, "D006801": False}
    assert list(publication.trials.values_list("nct_id", flat=True)) == ["NCT01035255"]
    assert sorted(publication.types.values_list("name", flat=True)) == [
        "Journal Article",
        "Randomized Controlled Trial",
    ]


def test_reloading_a_file_changes_nothing(admin_user: User, tmp_path: Path, parallel: bool) -> None:
    path = write(tmp_path / "a.xml", article(1, mesh=[("D1", "Term", False)]), article(2))
    load(admin_user, path, parallel=parallel)
    before = Publication.objects.get(pmid=1).updated_at
    authorship_ids = set(Authorship.objects.values_list("pk", flat=True))
    report = load(admin_user, path, parallel=parallel)
    assert report.counts() == {"new": 0, "updated": 0, "unchanged": 2, "deleted": 0, "failed": 0}
    assert Publication.objects.get(pmid=1).updated_at == before
    assert set(Authorship.objects.values_list("pk", flat=True)) == authorship_ids


def test_newer_version_replaces_older(admin_user: User, tmp_path: Path) -> None:
    load(
        admin_user, write(tmp_path / "v1.xml", article(7, title="First", authors=[("A", "B")] * 3))
    )
    report = load(
        admin_user,
        write(tmp_path / "v2.xml", article(7, version=2, title="Second", authors=[("C", "D")])),
    )
    assert report.updated == 1
    publication = Publication.objects.get(pmid=7)
    assert (publication.version, publication.title) == (2, "Second")
    assert list(publication.authorships.values_list("family", flat=True)) == ["C"]
    assert Publication.objects.count() == 1


def test_older_version_changes_nothing(admin_user: User, tmp_path: Path) -> None:
    load(admin_user, write(tmp_path / "v2.xml", article(7, version=2, title="Second")))
    report = load(admin_user, write(tmp_path / "v1.xml", article(7, version=1, title="First")))
    assert report.unchanged == 1 and report.updated == 0
    assert Publication.objects.get(pmid=7).title == "Second"


def test_same_version_with_revised_content_is_updated(admin_user: User, tmp_path: Path) -> None:
    # NLM re-sends revised records (e.g. MeSH indexing added) keeping Version="1".
    load(admin_user, write(tmp_path / "a.xml", article(8, mesh=[])))
    report = load(admin_user, write(tmp_path / "b.xml", article(8, mesh=[("D2", "Added", True)])))
    assert report.updated == 1
    assert list(PublicationMesh.objects.values_list("term__name", flat=True)) == ["Added"]


def test_last_record_of_a_pmid_in_one_batch_wins(admin_user: User, tmp_path: Path) -> None:
    path = write(tmp_path / "a.xml", article(9, title="Old"), article(9, title="Revised"))
    report = load(admin_user, path)
    assert (report.new, report.unchanged) == (1, 1)
    assert Publication.objects.get(pmid=9).title == "Revised"


def test_delete_citation_deletes_the_publication(admin_user: User, tmp_path: Path) -> None:
    load(admin_user, write(tmp_path / "a.xml", article(11, trials=["NCT00000001"]), article(12)))
    report = load(admin_user, write(tmp_path / "b.xml", deleted=[11, 99]))
    assert (report.deleted, report.unchanged) == (1, 1)
    assert list(Publication.objects.values_list("pmid", flat=True)) == [12]
    assert not PublicationTrial.objects.exists()
    assert Authorship.objects.count() == 1


def test_retraction_is_flagged(admin_user: User, tmp_path: Path) -> None:
    load(admin_user, write(tmp_path / "a.xml", article(13, retracted_by=14)))
    publication = Publication.objects.get(pmid=13)
    assert publication.is_retracted
    assert publication.comments_corrections == [{"type": "RetractionIn", "pmid": 14}]


def test_journals_and_mesh_terms_are_shared(admin_user: User, tmp_path: Path) -> None:
    mesh = [("D006333", "Heart Failure", True)]
    load(admin_user, write(tmp_path / "a.xml", article(1, mesh=mesh), article(2, mesh=mesh)))
    load(admin_user, write(tmp_path / "b.xml", article(3, mesh=mesh)))
    assert Journal.objects.count() == 1
    assert MeshTerm.objects.count() == 1
    assert PublicationMesh.objects.count() == 3


def test_authors_link_to_hcps_by_orcid(admin_user: User, tmp_path: Path) -> None:
    hcp = HCP.objects.create(
        given_name="Jürgen", family_name="Müller", country="DE", orcid="0000-0002-1825-0097"
    )
    load(
        admin_user,
        write(
            tmp_path / "a.xml",
            article(21, authors=[("Müller", "J"), ("Other", "O")], orcids=["0000-0002-1825-0097"]),
        ),
    )
    linked = Authorship.objects.get(publication__pmid=21, position=1)
    assert linked.hcp_id == hcp.pk
    assert Authorship.objects.get(publication__pmid=21, position=2).hcp_id is None


def test_broken_file_keeps_earlier_batches_and_drops_its_broken_batch(
    admin_user: User, tmp_path: Path, parallel: bool
) -> None:
    good = "".join(article(pmid) for pmid in range(1, 6))
    broken = "".join(article(pmid) for pmid in range(6, 9))
    text = f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{good}{broken}<PubmedArticle><Oops>'
    path = tmp_path / "broken.xml"
    path.write_text(text, encoding="utf-8")
    report = load(admin_user, path, batch_size=5, parallel=parallel)
    assert report.failed_files == [str(path)]
    assert re.search(r"line \d+", report.errors[0])
    # The first batch (1-5) was complete and is stored; 6-8 were in the broken batch.
    assert sorted(Publication.objects.values_list("pmid", flat=True)) == [1, 2, 3, 4, 5]
    assert report.new == 5


def test_run_killed_half_way_completes_on_rerun(admin_user: User, tmp_path: Path) -> None:
    path = write(tmp_path / "a.xml", *(article(pmid) for pmid in range(1, 11)))
    records = list(parse_pubmed(path))
    services.store_records(records[:4], batch_size=2)  # the "killed" run got this far
    report = load(admin_user, path, batch_size=3)
    assert (report.new, report.unchanged) == (6, 4)
    assert Publication.objects.count() == 10


def test_record_without_pmid_fails_alone(admin_user: User, tmp_path: Path, parallel: bool) -> None:
    bad = article(5).replace('<PMID Version="1">5</PMID>', "")
    path = write(tmp_path / "a.xml", article(4), bad, article(6))
    report = load(admin_user, path, parallel=parallel)
    assert report.failed == 1 and report.new == 2
    assert "PMID" in report.errors[0] or "pmid" in report.errors[0].lower()


def test_gzip_files_load(admin_user: User, tmp_path: Path, parallel: bool) -> None:
    plain = write(tmp_path / "a.xml", article(31), article(32))
    packed = tmp_path / "a.xml.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert load(admin_user, packed, parallel=parallel).new == 2


def test_progress_is_reported_in_bytes(admin_user: User, tmp_path: Path, parallel: bool) -> None:
    path = write(tmp_path / "a.xml", *(article(pmid) for pmid in range(1, 8)))

    class Sink:
        total = 0
        done = 0
        counts: dict[str, int] = {}

        def set_total(self, total: int) -> None:
            self.total = total

        def advance(self, step: int = 1, **counts: int) -> None:
            self.done += step
            for key, value in counts.items():
                self.counts[key] = self.counts.get(key, 0) + value

    sink = Sink()
    services.load_pubmed_file(
        actor=admin_user, path=path, progress=sink, batch_size=3, parallel=parallel
    )
    assert sink.total == path.stat().st_size
    assert sink.done == sink.total
    assert sink.counts["new"] == 7


def test_only_administrators_load(msl: User, tmp_path: Path) -> None:
    path = write(tmp_path / "a.xml", article(1))
    with pytest.raises(PermissionDenied):
        load(msl, path)
    assert not Publication.objects.exists()


@pytest.mark.shared_data
def test_real_samples_load_and_reload(admin_user: User, shared_data: Path, parallel: bool) -> None:
    files = sorted(
        path
        for path in (shared_data / "pubmed").rglob("*")
        if path.is_file() and path.name.endswith((".xml", ".xml.gz"))
    )
    first = services.LoadReport()
    for path in files:
        first.add(load(admin_user, path, parallel=parallel))
    assert first.failed == 0 and first.failed_files == []
    # PMID 9997 is in two files as two different snapshots (same version): one insert, one update.
    assert first.updated == 1
    pmids = set(Publication.objects.values_list("pmid", flat=True))
    assert first.new == len(pmids)
    assert first.deleted == 0  # the one DeleteCitation of medline16n0902 names a PMID not loaded
    # medline16n0902: 604 MedlineCitation records (README), all stored.
    medline = load(
        admin_user, shared_data / "pubmed" / "titipata_medline16n0902.xml.gz", parallel=parallel
    )
    assert medline.unchanged + medline.updated == 604 + 1
    # Values read from the files by eye.
    retracted = Publication.objects.get(pmid=993)
    assert retracted.is_retracted
    book = Publication.objects.get(pmid=20301295)
    assert book.kind == "book"
    assert PublicationTrial.objects.filter(publication__pmid=29768149).exists()
    second = services.LoadReport()
    for path in files:
        second.add(load(admin_user, path, parallel=parallel))
    # A re-run inserts nothing; only PMID 9997 flips between its two snapshots.
    assert (second.new, second.failed, second.deleted) == (0, 0, 0)
    assert second.updated == 2
    assert set(Publication.objects.values_list("pmid", flat=True)) == pmids
