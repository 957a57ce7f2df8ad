"""Prepared rows and batch feeds: the pure half of a load, here and in a child process."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model

from liaison.core.models import User
from liaison.literature.loading import batches, rows
from liaison.literature.models import (
    Authorship,
    Journal,
    MeshTerm,
    Publication,
    PublicationTrial,
    PublicationType,
)
from liaison.literature.pubmed import Citation, parse_pubmed
from liaison.literature.tests.factories import article, load, write

DATA = Path(__file__).parent / "data"


def _citations(path: Path) -> list[Citation]:
    return [record for record in parse_pubmed(path) if isinstance(record, Citation)]


# --- rows ----------------------------------------------------------------------------------


def _widths(model: type[Model]) -> dict[str, int]:
    return {
        field.name: int(field.max_length)
        for field in model._meta.concrete_fields
        if field.max_length and field.name not in ("content_hash", "kind")
    }


def test_column_widths_match_the_models() -> None:
    assert {
        name: _widths(Publication)[name] for name in rows.PUBLICATION_LENGTHS
    } == rows.PUBLICATION_LENGTHS
    assert {
        name: _widths(Authorship)[name] for name in rows.AUTHORSHIP_LENGTHS
    } == rows.AUTHORSHIP_LENGTHS
    assert _widths(Journal) == rows.JOURNAL_LENGTHS
    assert _widths(MeshTerm)["name"] == rows.MESH_NAME_LENGTH
    types = _widths(PublicationType)
    assert (types["name"], types["ui"]) == (rows.TYPE_NAME_LENGTH, rows.TYPE_UI_LENGTH)
    assert _widths(PublicationTrial)["nct_id"] == rows.NCT_LENGTH


def test_the_fingerprint_is_stable_and_follows_every_field() -> None:
    citation = next(c for c in _citations(DATA / "edge_cases.xml") if c.authors and c.mesh)
    first, again = rows.prepare(citation), rows.prepare(citation)
    assert first.digest == again.digest
    first_author = citation.authors[0]
    author = dataclasses.replace(
        first_author, equal_contribution=not first_author.equal_contribution
    )
    changes = [
        dataclasses.replace(citation, title=(citation.title or "") + "!"),
        dataclasses.replace(citation, authors=(author, *citation.authors[1:])),
        dataclasses.replace(citation, mesh=citation.mesh[1:]),
        dataclasses.replace(citation, trial_ids=(*citation.trial_ids, "NCT01111119")),
        dataclasses.replace(citation, keywords=(*citation.keywords, "new")),
        dataclasses.replace(citation, investigators=(author,)),
    ]
    digests = {rows.prepare(changed).digest for changed in changes}
    assert first.digest not in digests and len(digests) == len(changes)


def test_a_record_without_investigators_keeps_the_fingerprint_stored_before_them() -> None:
    """Stores loaded before investigators were read are not rewritten whole on the next
    load: only records that have investigators change their fingerprint."""
    for citation in _citations(DATA / "edge_cases.xml"):
        prepared = rows.prepare(citation)
        assert prepared.investigators == []
        before = (
            prepared.values,
            prepared.journal,
            prepared.authors,
            prepared.mesh,
            prepared.trial_ids,
            prepared.types,
        )
        assert (
            prepared.digest == hashlib.blake2b(marshal.dumps(before, 2), digest_size=16).hexdigest()
        )


def test_prepared_rows_hold_the_record() -> None:
    citation = next(c for c in _citations(DATA / "edge_cases.xml") if c.authors and c.mesh)
    prepared = rows.prepare(citation)
    values = dict(zip(rows.VALUE_FIELDS, prepared.values, strict=True))
    assert values["pmid"] == citation.pmid
    assert values["title"] == (citation.title or "")
    assert json.loads(values["abstract"]) == [
        {"label": s.label, "category": s.category, "text": s.text} for s in citation.abstract
    ]
    assert [author[1] for author in prepared.authors] == [a.family or "" for a in citation.authors]
    assert [author[0] for author in prepared.authors] == list(range(1, len(citation.authors) + 1))
    assert {key for key, *_ in prepared.mesh} == {
        rows.mesh_key(h.ui, h.name) for h in citation.mesh
    }


# --- feeds ---------------------------------------------------------------------------------


def _broken(tmp_path: Path) -> Path:
    good = "".join(article(pmid) for pmid in range(1, 5))
    bad = article(5).replace('<PMID Version="1">5</PMID>', "")
    tail = article(6)
    path = tmp_path / "broken.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{good}{bad}{tail}<PubmedArticle><Oops>',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("name", ["edge_cases.xml", "medline_2016.xml", "book_chapter.xml"])
def test_a_child_process_reads_the_same_batches(name: str) -> None:
    path = DATA / name
    here = list(batches.read_here(path, name, 2))
    there = list(batches.read_in_child(path, name, 2))
    assert there == here
    assert sum(batch.bytes_read for batch in there) == path.stat().st_size
    assert sum(len(batch.records) for batch in here) == len(list(parse_pubmed(path)))


def test_a_broken_file_ends_both_feeds_alike(tmp_path: Path) -> None:
    path = _broken(tmp_path)
    here = list(batches.read_here(path, "broken.xml", 3))
    there = list(batches.read_in_child(path, "broken.xml", 3))
    assert [batch.records for batch in there] == [batch.records for batch in here]
    # The first batch (1-3) is whole; 4 and 6 were read into the batch the error cut short.
    assert [[record.pmid for record in batch.records] for batch in here] == [[1, 2, 3], []]
    assert here[-1].broken is not None and there[-1].broken is not None
    assert str(there[-1].broken) == str(here[-1].broken)
    assert "line" in str(here[-1].broken)
    # The record without a PMID is reported in either case.
    assert [batch.errors for batch in there] == [batch.errors for batch in here]
    assert len([error for batch in here for error in batch.errors]) == 1


def test_a_reading_process_that_fails_is_reported(tmp_path: Path) -> None:
    with pytest.raises(batches.ReaderCrashed, match="IsADirectoryError"):
        list(batches.read_in_child(tmp_path, "a directory", 10))


def test_closing_a_child_feed_early_stops_it(tmp_path: Path) -> None:
    path = write(tmp_path / "many.xml", *(article(pmid) for pmid in range(1, 200)))
    feed = batches.read_in_child(path, "many.xml", 5)
    first = next(feed)
    assert [record.pmid for record in first.records] == [1, 2, 3, 4, 5]
    feed.close()  # the writer stopped: the child is killed, not waited for to the end


@pytest.mark.django_db
def test_parallel_and_serial_loads_store_the_same_rows(admin_user: User, tmp_path: Path) -> None:
    def snapshot() -> tuple[list[Any], list[Any]]:
        publications = list(
            Publication.objects.order_by("pmid").values_list(
                "pmid", "content_hash", "title", "abstract", "published_on", "journal__issn"
            )
        )
        authors = list(
            Authorship.objects.order_by("publication__pmid", "position").values_list(
                "publication__pmid", "position", "family", "affiliations", "orcid", "search_name"
            )
        )
        return publications, authors

    files = [DATA / name for name in ("edge_cases.xml", "medline_2016.xml", "book_chapter.xml")]
    for path in files:
        load(admin_user, path, parallel=False)
    serial = snapshot()
    assert serial[0] and serial[1]
    Publication.objects.all().delete()
    for path in files:
        assert load(admin_user, path, parallel=True).failed == 0
    assert snapshot() == serial
