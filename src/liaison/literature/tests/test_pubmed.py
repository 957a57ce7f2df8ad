"""The PubMed XML parser: edge cases in our own fixtures, every real sample, and bad input.

Real-sample checks compare the parser with values read by other means: the
standard library's ElementTree with path queries, and values read by eye.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
import tarfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_DATA, require
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.literature import pubmed
from liaison.literature.pubmed import (
    Citation,
    Deletion,
    PubmedParseError,
    parse_pubmed,
    to_json,
)

DATA = Path(__file__).parent / "data"


def records(name: str) -> list[Citation | Deletion]:
    return list(parse_pubmed(DATA / name))


def by_pmid(name: str) -> dict[int, Citation]:
    return {record.pmid: record for record in records(name) if isinstance(record, Citation)}


@pytest.fixture(scope="module")
def edge() -> dict[int, Citation]:
    return by_pmid("edge_cases.xml")


# --- dates ----------------------------------------------------------------------------------


def test_medline_date_is_read_as_its_first_month_with_the_text_kept(
    edge: dict[int, Citation],
) -> None:
    published = edge[90000001].published
    assert published is not None
    assert (published.year, published.month, published.day) == (2019, 11, None)
    assert published.text == "2019 Nov-Dec"


def test_medline_date_across_a_year_boundary_takes_the_first_year() -> None:
    citations = by_pmid("medline_2016.xml")
    published = citations[70000001].published
    assert published is not None
    assert (published.year, published.month, published.text) == (1998, 12, "1998 Dec-1999 Jan")


def test_medline_date_with_a_day_range_takes_the_first_day() -> None:
    published = by_pmid("medline_2016.xml")[70000002].published
    assert published is not None
    assert (published.year, published.month, published.day) == (1976, 8, 12)


def test_a_season_has_no_month_but_keeps_its_text(edge: dict[int, Citation]) -> None:
    published = edge[90000002].published
    assert published is not None
    assert (published.year, published.month, published.text) == (2001, None, "2001 Spring")


def test_a_season_naming_months_maps_to_the_first_month() -> None:
    published = by_pmid("bare_article.xml")[60000001].published
    assert published is not None
    assert (published.year, published.month, published.text) == (2024, 5, "2024 May-Jun")


def test_numeric_month_and_day(edge: dict[int, Citation]) -> None:
    published = edge[90000003].published
    assert published is not None
    assert (published.year, published.month, published.day) == (1998, 2, 7)


def test_electronic_date_comes_from_article_date(edge: dict[int, Citation]) -> None:
    date = edge[90000001].electronic_date
    assert date is not None
    assert (date.year, date.month, date.day) == (2019, 10, 5)


# --- titles, journal, abstract --------------------------------------------------------------


def test_inline_markup_is_flattened_and_whitespace_normalised(edge: dict[int, Citation]) -> None:
    assert edge[90000001].title == "Effect of TP53 on CO2 uptake: a trial."
    assert edge[90000001].vernacular_title == "Wirkung von TP53."


def test_pmid_version(edge: dict[int, Citation]) -> None:
    assert edge[90000001].version == 2
    assert edge[90000002].version == 1


def test_journal_fields(edge: dict[int, Citation]) -> None:
    journal = edge[90000001].journal
    assert journal is not None
    assert dataclasses.astuple(journal) == (
        "Journal of Edge Cases",
        "J Edge Cases",
        "1234-5678",
        "Electronic",
        "12",
        "4 Suppl 2",
        "101-109",
    )


def test_pages_from_medline_pgn_and_issn_from_issn_linking(edge: dict[int, Citation]) -> None:
    journal = edge[90000002].journal
    assert journal is not None
    assert journal.pages == "e12"
    assert (journal.issn, journal.issn_type) == ("9999-0001", "Linking")


def test_structured_abstract_keeps_label_and_category_and_skips_empty_sections(
    edge: dict[int, Citation],
) -> None:
    sections = [dataclasses.astuple(section) for section in edge[90000001].abstract]
    assert sections == [
        ("BACKGROUND", "BACKGROUND", "Why we did it."),
        ("RESULTS", "RESULTS", "P < 0.05 in 10 patients."),
    ]


# --- authors --------------------------------------------------------------------------------


def test_authors_in_order_with_names_suffix_and_every_affiliation(
    edge: dict[int, Citation],
) -> None:
    authors = edge[90000001].authors
    assert [author.family for author in authors] == ["Müller", "García", "Smith", None, "Tanaka"]
    first = authors[0]
    assert (first.given, first.initials, first.suffix) == ("Anna-Lena", "AL", "Jr")
    assert first.affiliations == ("Charité, Berlin, Germany.", "Second affiliation, Munich.")
    assert authors[3].collective == "The EDGE Study Group"


def test_orcid_is_normalised_from_every_spelling(edge: dict[int, Citation]) -> None:
    orcids = [author.orcid for author in edge[90000001].authors]
    assert orcids == [
        "0000-0002-1825-0097",  # https URL
        "0000-0002-1694-233X",  # no hyphens, lower-case check character
        "0000-0001-5109-3700",  # http URL
        None,  # collective
        None,  # not an ORCID at all
    ]


def one_article(inner: str) -> Citation:
    """The single citation of a minimal PubmedArticle with ``inner`` inside its Article."""
    xml = (
        "<PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        f"{inner}</Article></MedlineCitation></PubmedArticle>"
    )
    (record,) = parse_pubmed(io.BytesIO(xml.encode()))
    assert isinstance(record, Citation)
    return record


@pytest.mark.parametrize(
    ("raw", "orcid"),
    [
        ("0000 0002 1825 0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097/", "0000-0002-1825-0097"),
        ("HTTPS://ORCID.ORG/0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000-0002-1825-009", None),
        ("X000-0002-1825-0097", None),
        ("0000-0002-1825-0097-1", None),
    ],
)
def test_orcid_spellings(raw: str, orcid: str | None) -> None:
    author = f'<AuthorList><Author><LastName>A</LastName><Identifier Source="ORCID">{raw}</Identifier></Author></AuthorList>'
    assert one_article(author).authors[0].orcid == orcid


def test_an_elocation_marked_invalid_is_not_used() -> None:
    citation = one_article('<ELocationID EIdType="doi" ValidYN="N">10.1000/bad</ELocationID>')
    assert citation.article_ids.doi is None


def test_equal_contribution_and_valid_flags(edge: dict[int, Citation]) -> None:
    authors = edge[90000001].authors
    assert [author.equal_contribution for author in authors] == [True, True, False, False, False]
    assert [author.valid for author in authors] == [True, True, False, True, True]


def test_article_level_affiliation_goes_to_the_first_author(edge: dict[int, Citation]) -> None:
    assert edge[90000002].authors[0].affiliations == ("Old-style affiliation of the first author.",)


# --- indexing, ids, links -------------------------------------------------------------------


def test_mesh_headings_with_major_flags_and_qualifiers(edge: dict[int, Citation]) -> None:
    mesh = edge[90000001].mesh
    assert [(heading.ui, heading.name, heading.major) for heading in mesh] == [
        ("D006801", "Humans", False),
        ("D009369", "Neoplasms", True),
    ]
    assert [dataclasses.astuple(qualifier) for qualifier in mesh[1].qualifiers] == [
        ("Q000188", "drug therapy", True),
        ("Q000473", "pathology", False),
    ]


def test_keywords_from_every_keyword_list(edge: dict[int, Citation]) -> None:
    assert edge[90000001].keywords == ("p53", "In vivo imaging", "ethics")


def test_languages_and_publication_types(edge: dict[int, Citation]) -> None:
    citation = edge[90000001]
    assert citation.languages == ("eng", "ger")
    assert [(item.ui, item.name) for item in citation.publication_types] == [
        ("D016428", "Journal Article"),
        ("D016449", "Randomized Controlled Trial"),
    ]


def test_chemicals_with_the_zero_registry_placeholder_as_none(edge: dict[int, Citation]) -> None:
    assert [dataclasses.astuple(item) for item in edge[90000001].chemicals] == [
        ("D000970", "Antineoplastic Agents", None),
        ("C084178", "nivolumab", "142805-56-9"),
    ]


def test_grants_with_and_without_an_id(edge: dict[int, Citation]) -> None:
    assert [dataclasses.astuple(item) for item in edge[90000001].grants] == [
        ("R01 CA000001", "CA", "NCI NIH HHS", "United States"),
        (None, None, "Wellcome Trust", "United Kingdom"),
    ]


def test_doi_and_pii_from_elocation_when_the_article_id_list_has_none(
    edge: dict[int, Citation],
) -> None:
    ids = edge[90000001].article_ids
    assert (ids.doi, ids.pmc, ids.pii) == ("10.1000/edge.1", "PMC1234567", "S0000-0000(19)00001-1")


def test_article_id_list_doi_wins_over_elocation(edge: dict[int, Citation]) -> None:
    assert edge[90000003].article_ids.doi == "10.1000/article-id-list-wins"
    assert edge[90000002].article_ids.pii == "PII-2"


def test_trial_ids_keep_only_nct_numbers_once_each(edge: dict[int, Citation]) -> None:
    assert edge[90000001].trial_ids == ("NCT01234567", "NCT07654321", "NCT09999999")


def test_comments_and_corrections_leave_out_cited_references(edge: dict[int, Citation]) -> None:
    links = [(link.type, link.pmid) for link in edge[90000001].comments_corrections]
    assert links == [("RetractionIn", 90000009), ("ErratumIn", None)]


# --- containers -----------------------------------------------------------------------------


def test_delete_citation_yields_one_deletion_per_pmid() -> None:
    found = records("edge_cases.xml")
    assert [record.pmid for record in found] == [90000001, 90000002, 90000003, 80000001, 80000002]
    assert found[-2:] == [Deletion(80000001), Deletion(80000002)]


def test_medline_citation_set_without_pubmed_article_wrapper() -> None:
    found = records("medline_2016.xml")
    assert [(type(record).__name__, record.pmid) for record in found] == [
        ("Citation", 70000001),
        ("Citation", 70000002),
        ("Deletion", 70000099),
    ]
    first = found[0]
    assert isinstance(first, Citation)
    assert (first.article_ids.doi, first.article_ids.pmc) == ("10.1000/old.1", "PMC7654321")


def test_a_bare_pubmed_article_root() -> None:
    assert [record.pmid for record in records("bare_article.xml")] == [60000001]


def test_an_empty_article_set_yields_nothing() -> None:
    stream = io.BytesIO(b'<?xml version="1.0"?>\n<PubmedArticleSet>\n</PubmedArticleSet>\n')
    assert list(parse_pubmed(stream)) == []


def test_book_chapter_title_authors_without_editors_date_and_ids() -> None:
    book = by_pmid("book_chapter.xml")[50000001]
    assert book.kind == "book"
    assert book.title == "GENE1-Related Disorder"
    assert book.journal is not None and book.journal.title == "Test® Book"
    assert [author.family for author in book.authors] == ["Writer"]
    assert book.authors[0].affiliations == ("Somewhere.",)
    assert book.published is not None
    assert (book.published.year, book.published.month) == (2020, 3)
    assert book.article_ids.doi == "10.1000/book.1"
    assert [(section.label, section.text) for section in book.abstract] == [
        ("SUMMARY", "A chapter.")
    ]


# --- investigators ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trial() -> dict[int, Citation]:
    return by_pmid("investigators.xml")


def test_the_investigator_list_is_read_in_order_apart_from_the_authors(
    trial: dict[int, Citation],
) -> None:
    paper = trial[50000001]
    assert [author.family or author.collective for author in paper.authors] == [
        "Okafor",
        "Weber",
        "INVENT-3 Trial Investigators",
    ]
    assert len(paper.investigators) == 14
    assert [person.family for person in paper.investigators[:3]] == [
        "Okafor",
        "Lindqvist",
        "Moreau",
    ]
    assert all(person.collective is None for person in paper.investigators)


def test_an_investigator_has_the_fields_of_a_person_author(trial: dict[int, Citation]) -> None:
    people = {person.family: person for person in trial[50000001].investigators}
    lindqvist = people["Lindqvist"]
    assert (lindqvist.given, lindqvist.initials, lindqvist.suffix) == ("Åsa", "Å", None)
    # Every AffiliationInfo, in order; the affiliation's own Identifier (ROR) is no ORCID.
    assert lindqvist.affiliations == (
        "Karolinska Institutet, Stockholm, Sweden.",
        "Department of Clinical Neuroscience, Karolinska University Hospital, Stockholm, Sweden.",
    )
    assert lindqvist.orcid is None
    assert people["Moreau"].orcid == "0000-0001-5109-3700"  # from an https://orcid.org/ URL
    assert people["Brown"].suffix == "Jr" and people["Van der Berg"].suffix == "3rd"
    assert (people["Chen"].given, people["Chen"].initials) == (None, "W")
    assert people["Smith"].valid is False and people["Okafor"].valid is True
    assert not any(person.equal_contribution for person in people.values())


def test_a_book_s_investigator_list_is_read_too(trial: dict[int, Citation]) -> None:
    (person,) = trial[50000002].investigators
    assert (person.family, person.given) == ("Haddad", "Leila")
    assert person.affiliations == ("American University of Beirut, Beirut, Lebanon.",)


def test_investigators_in_json_are_shaped_like_authors_without_group_keys(
    trial: dict[int, Citation],
) -> None:
    data = json.loads(json.dumps(to_json(trial[50000001]), ensure_ascii=False))
    assert len(data["investigators"]) == 14
    assert data["investigators"][4] == {
        "family": "Brown",
        "given": "Robert",
        "initials": "R",
        "suffix": "Jr",
        "affiliations": ["Massachusetts General Hospital, Boston, MA, USA."],
        "orcid": "0000-0002-1694-2336",
    }
    assert list(no_empty_strings(data)) == []
    assert to_json(by_pmid("bare_article.xml")[60000001])["investigators"] == []


def test_records_are_frozen(edge: dict[int, Citation]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        edge[90000001].title = "changed"  # type: ignore[misc]


RECORD_CLASSES = [
    value
    for value in vars(pubmed).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
]


@pytest.mark.parametrize("record_class", RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_records_built_by_position_or_keyword_hold_every_field(record_class: type) -> None:
    names = [field.name for field in dataclasses.fields(record_class)]
    values = [f"value of {name}" for name in names]
    by_position = record_class(*values)
    by_keyword = record_class(**dict(zip(names, values, strict=True)))
    assert [getattr(by_position, name) for name in names] == values
    assert by_position == by_keyword
    assert hash(by_position) == hash(by_keyword)
    assert repr(by_position).startswith(f"{record_class.__name__}({names[0]}='value of ")
    changed = dataclasses.replace(by_position, **{names[-1]: "changed"})
    assert getattr(changed, names[-1]) == "changed"
    assert changed != by_position
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(by_position, names[0], "changed")
    with pytest.raises(TypeError):
        record_class(*values[:-1])


# --- JSON -----------------------------------------------------------------------------------

CITATION_KEYS = [
    "pmid",
    "version",
    "kind",
    "title",
    "abstract",
    "journal",
    "published",
    "languages",
    "publication_types",
    "authors",
    "investigators",
    "mesh",
    "keywords",
    "chemicals",
    "grants",
    "article_ids",
    "trial_ids",
    "comments_corrections",
]


def no_empty_strings(value: Any) -> Iterator[str]:
    if value == "":
        yield "empty string"
    elif isinstance(value, dict):
        for item in value.values():
            yield from no_empty_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from no_empty_strings(item)


def test_to_json_has_the_documented_layout(edge: dict[int, Citation]) -> None:
    data = json.loads(json.dumps(to_json(edge[90000001]), ensure_ascii=False))
    assert list(data) == CITATION_KEYS
    assert list(data["journal"]) == [
        "title",
        "iso_abbreviation",
        "issn",
        "volume",
        "issue",
        "pages",
    ]
    assert data["published"] == {"year": 2019, "month": 11, "day": None, "text": "2019 Nov-Dec"}
    assert list(data["authors"][0]) == [
        "family",
        "given",
        "initials",
        "suffix",
        "collective",
        "affiliations",
        "orcid",
        "equal_contribution",
    ]
    assert data["mesh"][1] == {
        "ui": "D009369",
        "name": "Neoplasms",
        "major": True,
        "qualifiers": [
            {"ui": "Q000188", "name": "drug therapy", "major": True},
            {"ui": "Q000473", "name": "pathology", "major": False},
        ],
    }
    assert data["chemicals"][0] == {
        "ui": "D000970",
        "name": "Antineoplastic Agents",
        "registry_number": None,
    }
    assert data["grants"][1] == {
        "id": None,
        "acronym": None,
        "agency": "Wellcome Trust",
        "country": "United Kingdom",
    }
    assert data["article_ids"] == {
        "doi": "10.1000/edge.1",
        "pmc": "PMC1234567",
        "pii": "S0000-0000(19)00001-1",
    }
    assert data["trial_ids"] == ["NCT01234567", "NCT07654321", "NCT09999999"]
    assert data["comments_corrections"] == [
        {"type": "RetractionIn", "pmid": 90000009},
        {"type": "ErratumIn", "pmid": None},
    ]


def test_to_json_uses_null_and_empty_lists_never_empty_strings() -> None:
    for record in (
        records("edge_cases.xml") + records("book_chapter.xml") + records("bare_article.xml")
    ):
        assert list(no_empty_strings(to_json(record))) == []
    sparse = to_json(by_pmid("bare_article.xml")[60000001])
    assert sparse["abstract"] == [] and sparse["authors"] == [] and sparse["mesh"] == []
    assert sparse["article_ids"] == {"doi": None, "pmc": None, "pii": None}


def test_a_deletion_as_json() -> None:
    assert to_json(Deletion(80000001)) == {"pmid": 80000001, "deleted": True}


# --- bad input ------------------------------------------------------------------------------


def test_gzip_is_detected_by_magic_bytes_not_by_name(tmp_path: Path) -> None:
    packed = tmp_path / "looks-plain.xml"
    packed.write_bytes(gzip.compress((DATA / "edge_cases.xml").read_bytes()))
    assert [record.pmid for record in parse_pubmed(packed)][:3] == [90000001, 90000002, 90000003]
    nameless = io.BytesIO(gzip.compress((DATA / "bare_article.xml").read_bytes()))
    assert [record.pmid for record in parse_pubmed(nameless)] == [60000001]


def test_a_gz_name_without_gzip_magic_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "pubmed25n0001.xml.gz"
    fake.write_bytes((DATA / "bare_article.xml").read_bytes())
    with pytest.raises(PubmedParseError, match=r"pubmed25n0001\.xml\.gz: .*not gzip"):
        list(parse_pubmed(fake))


def test_corrupt_gzip_data_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml.gz"
    broken.write_bytes(gzip.compress((DATA / "edge_cases.xml").read_bytes())[:300])
    with pytest.raises(PubmedParseError, match=r"broken\.xml\.gz.*(corrupt gzip|malformed)"):
        list(parse_pubmed(broken))


def test_truncated_xml_names_the_file_the_line_and_the_last_good_pmid(tmp_path: Path) -> None:
    text = (DATA / "edge_cases.xml").read_bytes()
    cut = text.index(b"Numeric month, day.")
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(text[:cut])
    found: list[int] = []
    with pytest.raises(PubmedParseError) as caught:
        found.extend(record.pmid for record in parse_pubmed(truncated))
    error = caught.value
    assert found == [90000001, 90000002]
    assert error.last_pmid == 90000002
    assert error.line == text[:cut].count(b"\n") + 1
    assert str(error).startswith(f"{truncated}, line {error.line}: malformed XML")
    assert "last good PMID 90000002" in str(error)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<foo><PubmedArticle/></foo>", "not PubMed XML (root <foo>)"),
        (b"<?xml version='1.0'?><!-- c --><html><body/></html>", "not PubMed XML (root <html>)"),
        (b'{"studies": []}', "not PubMed XML"),
        (b"", "not PubMed XML (empty file)"),
        (b"<?xml version='1.0'?>\n<!-- only a comment -->\n", "not PubMed XML (no root element)"),
        (
            b"<eFetchResult>\n\t<ERROR>Empty result - nothing to do</ERROR>\n</eFetchResult>",
            "not PubMed XML (root <eFetchResult>): E-utilities error 'Empty result - nothing to do'",
        ),
    ],
)
def test_a_file_that_is_not_pubmed_xml_is_refused(content: bytes, reason: str) -> None:
    with pytest.raises(PubmedParseError, match=re.escape(reason)):
        list(parse_pubmed(io.BytesIO(content), name="input.xml"))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="&lol9;">1</PMID>
<Article><ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle>
</PubmedArticleSet>
"""


def test_billion_laughs_is_refused_before_expansion() -> None:
    with pytest.raises(PubmedParseError, match="DOCTYPE declares entities"):
        list(parse_pubmed(io.BytesIO(BILLION_LAUGHS), name="bomb.xml"))


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    payload = (
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n'
        b'  <!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">\n]>\n'
        b'<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="1">1</PMID>'
        b"<Article><ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation>"
        b"</PubmedArticle></PubmedArticleSet>\n"
    )
    with pytest.raises(PubmedParseError) as caught:
        for record in parse_pubmed(io.BytesIO(payload), name="xxe.xml"):
            assert "TOP-SECRET" not in json.dumps(to_json(record))
    assert "DOCTYPE declares entities" in str(caught.value)
    assert "TOP-SECRET" not in str(caught.value)


def test_a_parameter_entity_is_refused_too() -> None:
    payload = (
        b'<!DOCTYPE PubmedArticleSet [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>'
        b"<PubmedArticleSet/>"
    )
    with pytest.raises(PubmedParseError, match="DOCTYPE declares entities"):
        list(parse_pubmed(io.BytesIO(payload)))


def test_excessive_nesting_is_refused_with_its_line() -> None:
    payload = (
        b"<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>1</PMID>\n"
        + b"<x>" * 300
        + b"</x>" * 300
        + b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    with pytest.raises(PubmedParseError, match=r"deep\.xml, line 3: malformed XML: .*[Dd]epth"):
        list(parse_pubmed(io.BytesIO(payload), name="deep.xml"))


NO_PMID = b"""<PubmedArticleSet>
<PubmedArticle><MedlineCitation><PMID Version="1">11</PMID></MedlineCitation></PubmedArticle>
<PubmedArticle><MedlineCitation><Article><ArticleTitle>No PMID</ArticleTitle></Article></MedlineCitation></PubmedArticle>
<PubmedArticle><MedlineCitation><PMID Version="1">13</PMID></MedlineCitation></PubmedArticle>
</PubmedArticleSet>
"""


def test_a_record_without_pmid_raises_with_its_line() -> None:
    with pytest.raises(
        PubmedParseError, match=r"^set\.xml, line 3: record without a PMID \(last good PMID 11\)$"
    ):
        list(parse_pubmed(io.BytesIO(NO_PMID), name="set.xml"))


def test_on_error_reports_a_bad_record_and_the_parse_goes_on() -> None:
    errors: list[PubmedParseError] = []
    found = [record.pmid for record in parse_pubmed(io.BytesIO(NO_PMID), on_error=errors.append)]
    assert found == [11, 13]
    assert [(error.line, error.reason) for error in errors] == [(3, "record without a PMID")]


def test_a_non_numeric_pmid_is_named_in_the_error() -> None:
    payload = b"<PubmedArticle><MedlineCitation><PMID>12a</PMID></MedlineCitation></PubmedArticle>"
    with pytest.raises(PubmedParseError, match="PMID '12a' is not a number"):
        list(parse_pubmed(io.BytesIO(payload)))


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_memory_stays_flat_on_a_large_file() -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to read the resident memory")
    record = (DATA / "bare_article.xml").read_bytes().split(b"-->", 1)[1].strip()
    padding = b"<Keyword>" + b"x" * 400 + b"</Keyword>"
    body = record.replace(
        b"</MedlineCitation>", b"<KeywordList>" + padding * 8 + b"</KeywordList></MedlineCitation>"
    )

    source = io.BytesIO(b"<PubmedArticleSet>\n" + body * 12000 + b"</PubmedArticleSet>\n")  # ~45 MB

    start = _rss_kib()
    peak = start
    count = 0
    for count, _record in enumerate(parse_pubmed(source, name="large.xml"), start=1):
        if count % 1000 == 0:
            peak = max(peak, _rss_kib())
    assert count == 12000
    # A kept tree of 45 MB of XML takes several hundred MB; a cleared one a few MB.
    assert peak - start < 40_000


# --- the real samples in ../shared/data/pubmed ------------------------------------------------


def real_files(shared_data: Path) -> list[Path]:
    folder = shared_data / "pubmed"
    files = (
        sorted(folder.glob("*.xml"))
        + sorted(folder.glob("*.xml.gz"))
        + sorted(folder.glob("metapub_efetch/*.xml"))
    )
    assert len(files) >= 120
    return files


def element_tree(path: Path) -> ET.Element:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return ET.fromstring(data)  # noqa: S314 (the project's own read-only samples)


def normalised(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    return " ".join("".join(element.itertext()).split()) or None


def stripped(text: str | None) -> str | None:
    """Source text as the parser gives it: surrounding whitespace trimmed, blank as None."""
    return (text or "").strip() or None


def orcid_by_regex(raw: str) -> str | None:
    match = re.search(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dXx])\s*$", raw)
    return "-".join(match.groups()).upper() if match else None


def expected_records(root: ET.Element) -> list[tuple[str, int, ET.Element | None]]:
    """(kind, PMID, element) in document order, found with ElementTree."""
    found: list[tuple[str, int, ET.Element | None]] = []
    records = [root] if root.tag == "PubmedArticle" else list(root)
    for element in records:
        if element.tag == "PubmedArticle" or element.tag == "MedlineCitation":
            found.append(("article", int(element.findtext(".//PMID") or 0), element))
        elif element.tag == "PubmedBookArticle":
            found.append(("book", int(element.findtext("BookDocument/PMID") or 0), element))
        elif element.tag == "DeleteCitation":
            found.extend(("deleted", int(pmid.text or 0), None) for pmid in element.findall("PMID"))
    return found


def check_against_element_tree(citation: Citation, element: ET.Element) -> None:
    citation_element = element.find("MedlineCitation")
    medline = citation_element if citation_element is not None else element
    article = medline.find("Article")
    if article is None:
        return
    assert citation.title == normalised(article.find("ArticleTitle"))
    assert citation.vernacular_title == normalised(article.find("VernacularTitle"))
    assert citation.journal is not None
    assert citation.journal.title == normalised(article.find("Journal/Title"))
    assert citation.journal.volume == stripped(article.findtext("Journal/JournalIssue/Volume"))
    assert citation.journal.issue == stripped(article.findtext("Journal/JournalIssue/Issue"))
    if article.find("Journal/ISSN") is not None:
        assert citation.journal.issn == stripped(article.findtext("Journal/ISSN"))
    year = article.findtext("Journal/JournalIssue/PubDate/Year")
    if year is None:
        medline_date = article.findtext("Journal/JournalIssue/PubDate/MedlineDate") or ""
        year = re.findall(r"\d{4}", medline_date)[0]
    assert citation.published is not None and citation.published.year == int(year)
    assert list(citation.languages) == [
        stripped(language.text) for language in article.findall("Language")
    ]
    assert [item.ui for item in citation.publication_types] == [
        item.get("UI") for item in article.findall("PublicationTypeList/PublicationType")
    ]
    authors = article.findall("AuthorList/Author")
    assert [author.family for author in citation.authors] == [
        stripped(author.findtext("LastName")) for author in authors
    ]
    assert [author.collective for author in citation.authors] == [
        normalised(author.find("CollectiveName")) for author in authors
    ]
    assert [len(author.affiliations) for author in citation.authors] == [
        len(author.findall("AffiliationInfo/Affiliation")) for author in authors
    ] or article.find("Affiliation") is not None
    assert [author.orcid for author in citation.authors] == [
        orcid_by_regex(author.findtext("Identifier[@Source='ORCID']") or "") for author in authors
    ]
    assert [author.equal_contribution for author in citation.authors] == [
        author.get("EqualContrib") == "Y" for author in authors
    ]
    investigators = medline.findall("InvestigatorList/Investigator")
    assert [
        (person.family, person.given, person.initials, person.orcid, len(person.affiliations))
        for person in citation.investigators
    ] == [
        (
            stripped(person.findtext("LastName")),
            stripped(person.findtext("ForeName")),
            stripped(person.findtext("Initials")),
            orcid_by_regex(person.findtext("Identifier[@Source='ORCID']") or ""),
            len(person.findall("AffiliationInfo/Affiliation")),
        )
        for person in investigators
    ]
    assert [(heading.ui, heading.major, len(heading.qualifiers)) for heading in citation.mesh] == [
        (
            heading.find("DescriptorName").get("UI"),  # type: ignore[union-attr]
            heading.find("DescriptorName").get("MajorTopicYN") == "Y",  # type: ignore[union-attr]
            len(heading.findall("QualifierName")),
        )
        for heading in medline.findall("MeshHeadingList/MeshHeading")
    ]
    assert len(citation.keywords) == len(medline.findall("KeywordList/Keyword"))
    assert [grant.id for grant in citation.grants] == [
        stripped(grant.findtext("GrantID")) for grant in article.findall("GrantList/Grant")
    ]
    doi = element.findtext("PubmedData/ArticleIdList/ArticleId[@IdType='doi']") or article.findtext(
        "ELocationID[@EIdType='doi']"
    )
    assert citation.article_ids.doi == stripped(doi)
    pmc = element.findtext("PubmedData/ArticleIdList/ArticleId[@IdType='pmc']")
    if pmc is not None:
        assert citation.article_ids.pmc == stripped(pmc)
    accession = [
        number.text or ""
        for number in article.findall("DataBankList/DataBank/AccessionNumberList/AccessionNumber")
    ]
    assert list(citation.trial_ids) == list(
        dict.fromkeys(n for n in accession if re.fullmatch(r"NCT\d{8}", n))
    )
    assert [(link.type, link.pmid) for link in citation.comments_corrections] == [
        (link.get("RefType"), int(link.findtext("PMID") or 0) or None)
        for link in medline.findall("CommentsCorrectionsList/CommentsCorrections")
        if link.get("RefType") != "Cites"
    ]


@pytest.mark.shared_data
def test_every_real_record_parses_and_matches_element_tree(shared_data: Path) -> None:
    total = 0
    for path in real_files(shared_data):
        expected = expected_records(element_tree(path))
        parsed = list(parse_pubmed(path))
        kinds = [
            ("deleted" if isinstance(record, Deletion) else record.kind, record.pmid)
            for record in parsed
        ]
        assert kinds == [(kind, pmid) for kind, pmid, _ in expected], path.name
        for record, (kind, _pmid, element) in zip(parsed, expected, strict=True):
            if kind == "article":
                assert isinstance(record, Citation) and element is not None
                check_against_element_tree(record, element)
                assert list(no_empty_strings(to_json(record))) == [], record.pmid
        total += len(parsed)
    assert total >= 730


@pytest.fixture(scope="module")
def real() -> dict[int, Citation | Deletion]:
    """Every real record by PMID (parsed once for the module)."""
    require(SHARED_DATA.is_dir(), f"the real data samples are absent ({SHARED_DATA} not found)")
    found: dict[int, Citation | Deletion] = {}
    for path in real_files(SHARED_DATA):
        for record in parse_pubmed(path):
            found[record.pmid] = record
    return found


def citation(real: dict[int, Citation | Deletion], pmid: int) -> Citation:
    record = real[pmid]
    assert isinstance(record, Citation)
    return record


@pytest.mark.shared_data
def test_real_retraction_in(real: dict[int, Citation | Deletion]) -> None:
    links = citation(real, 993).comments_corrections
    assert [(link.type, link.pmid) for link in links if link.type == "RetractionIn"] == [
        ("RetractionIn", 195582)
    ]


@pytest.mark.shared_data
def test_real_delete_citation_in_the_2016_update_file(real: dict[int, Citation | Deletion]) -> None:
    assert real[26432306] == Deletion(26432306)


@pytest.mark.shared_data
def test_real_medline_date(real: dict[int, Citation | Deletion]) -> None:
    published = citation(real, 26702167).published
    assert published is not None
    assert (published.year, published.month, published.text) == (2015, 10, "2015 Oct-Dec")


@pytest.mark.shared_data
def test_real_season(real: dict[int, Citation | Deletion]) -> None:
    published = citation(real, 11446611).published
    assert published is not None
    assert (published.year, published.month, published.text) == (2001, 5, "2001 May-Jun")


@pytest.mark.shared_data
def test_real_collective_name(real: dict[int, Citation | Deletion]) -> None:
    assert "Movement Disorder Group" in [
        author.collective for author in citation(real, 25345997).authors
    ]


@pytest.mark.shared_data
def test_real_nct_in_data_bank(real: dict[int, Citation | Deletion]) -> None:
    assert citation(real, 29768149).trial_ids == ("NCT02149199",)


@pytest.mark.shared_data
def test_real_orcids_url_and_check_character_x(real: dict[int, Citation | Deletion]) -> None:
    capaldi = next(
        author for author in citation(real, 29963580).authors if author.family == "Capaldi"
    )
    assert capaldi.orcid == "0000-0002-4590-7461"
    dawson = next(
        author for author in citation(real, 39236155).authors if author.family == "Dawson"
    )
    assert dawson.orcid == "0000-0002-9609-793X"


@pytest.mark.shared_data
def test_real_equal_contribution(real: dict[int, Citation | Deletion]) -> None:
    authors = citation(real, 35573891).authors
    assert [author.family for author in authors if author.equal_contribution] == ["Wang", "Wu"]


@pytest.mark.shared_data
def test_real_vernacular_and_inline_markup_titles(real: dict[int, Citation | Deletion]) -> None:
    assert citation(real, 26407462).vernacular_title == "I vaccini sono farmaci."
    assert citation(real, 27797938).title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer."
    )


@pytest.mark.shared_data
def test_real_book_articles(real: dict[int, Citation | Deletion]) -> None:
    chapter = citation(real, 20301577)
    assert (chapter.kind, chapter.title) == ("book", "CACNA1C-Related Disorders")
    assert [author.family for author in chapter.authors] == ["Napolitano", "Priori"]
    assert chapter.journal is not None and chapter.journal.title == "GeneReviews®"
    whole_book = citation(real, 20301295)
    assert (whole_book.kind, whole_book.title) == ("book", "GeneReviews™")
    assert whole_book.published is not None and whole_book.published.year == 1993


@pytest.mark.shared_data
def test_real_investigator_list(real: dict[int, Citation | Deletion]) -> None:
    """The 2016 MEDLINE file's group-authored paper names its 47 investigators."""
    paper = citation(real, 25864598)
    assert len(paper.investigators) == 47
    assert (paper.investigators[0].family, paper.investigators[0].given) == ("Grant", "Igor")
    assert paper.investigators[-1].family == "Kaul"
    assert "Translational Methamphetamine AIDS Research Center (TMARC) Group" in [
        author.collective for author in paper.authors
    ]
    assert len(to_json(paper)["investigators"]) == 47


@pytest.mark.shared_data
def test_real_empty_efetch_answer(shared_data: Path) -> None:
    assert list(parse_pubmed(shared_data / "pubmed" / "metapub_efetch" / "pmid_37909814.xml")) == []


# --- docs/pubmed-jsonl.md stays true -----------------------------------------------------------

DOC = Path(__file__).resolve().parents[4] / "docs" / "pubmed-jsonl.md"


def doc_section(title: str) -> str:
    return DOC.read_text().split(title, 1)[1].split("\n#", 1)[0]


def test_the_documented_example_is_what_the_parser_writes(edge: dict[int, Citation]) -> None:
    block = DOC.read_text().split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == to_json(edge[90000001])


def test_the_documented_keys_are_the_written_keys() -> None:
    rows = [
        line for line in doc_section("## Keys of a citation").splitlines() if line.startswith("| `")
    ]
    assert [row.split("`")[1] for row in rows] == CITATION_KEYS


def test_the_documented_investigator_keys_are_the_written_keys(
    trial: dict[int, Citation],
) -> None:
    rows = [
        line for line in doc_section("### `investigators`").splitlines() if line.startswith("| `")
    ]
    assert [row.split("`")[1] for row in rows] == list(to_json(trial[50000001])["investigators"][0])


def test_the_documented_date_table_holds() -> None:
    rows = [line for line in doc_section("### `published`").splitlines() if line.startswith("| `<")]
    assert len(rows) == 7
    for row in rows:
        source, year, month, day, text = (
            cell.strip().strip("`") for cell in row.strip("|").split(" | ")
        )
        xml = f"<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal><JournalIssue><PubDate>{source}</PubDate></JournalIssue></Journal></Article></MedlineCitation></PubmedArticle>"
        (record,) = parse_pubmed(io.BytesIO(xml.encode()))
        assert isinstance(record, Citation)
        assert to_json(record)["published"] == {
            "year": json.loads(year),
            "month": json.loads(month),
            "day": json.loads(day),
            "text": json.loads(text),
        }, row


# --- properties -------------------------------------------------------------------------------

XML_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00\ufffe\uffff"),
    max_size=40,
).filter(lambda text: all(char in "\t\n\r" or ord(char) >= 0x20 for char in text))


@settings(max_examples=150, deadline=None)
@given(
    title=XML_TEXT,
    medline_date=XML_TEXT,
    orcid=XML_TEXT,
    pmid=XML_TEXT,
    month=XML_TEXT,
)
def test_any_text_in_any_field_gives_a_record_or_a_parse_error(
    title: str, medline_date: str, orcid: str, pmid: str, month: str
) -> None:
    def text(value: str) -> str:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    xml = (
        f"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>{text(pmid)}</PMID><Article>"
        f"<Journal><JournalIssue><PubDate><MedlineDate>{text(medline_date)}</MedlineDate></PubDate>"
        f"</JournalIssue></Journal><ArticleTitle>{text(title)}</ArticleTitle>"
        f'<AuthorList><Author><LastName>A</LastName><Identifier Source="ORCID">{text(orcid)}</Identifier>'
        f"</Author></AuthorList><ArticleDate><Year>2020</Year><Month>{text(month)}</Month></ArticleDate>"
        "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    try:
        (record,) = parse_pubmed(io.BytesIO(xml.encode()))
    except PubmedParseError:
        return
    assert isinstance(record, Citation)
    assert list(no_empty_strings(to_json(record))) == []
    orcid_found = record.authors[0].orcid
    assert orcid_found is None or re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", orcid_found)
    assert record.published is not None
    month_found = record.electronic_date.month if record.electronic_date else None
    assert month_found is None or 1 <= month_found <= 12


SPACED_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "é", "中", "&", "<", " ", "\t", "\n", "\r", "\xa0", "\u2009", "\u3000", "\x85"]
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(title=SPACED_TEXT)
def test_title_whitespace_is_normalised_as_split_and_join_would(title: str) -> None:
    escaped = title.replace("&", "&amp;").replace("<", "&lt;")
    record = one_article(f"<ArticleTitle>{escaped}</ArticleTitle>")
    assert record.title == (" ".join(title.split()) or None)


# --- the author-disambiguation corpora in ../shared/data/and: thousands more real records -------


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "archive", ["song2015_pubmed_xml_shared.tar.gz", "vishnyakova2019_pubmed_xml_shared.tar.gz"]
)
def test_every_record_of_the_and_corpora_parses_and_matches_element_tree(
    shared_data: Path, archive: str
) -> None:
    refused: dict[str, str] = {}
    records_read = 0
    with tarfile.open(shared_data / "and" / archive) as tar:
        for member in tar:
            stream = tar.extractfile(member) if member.isfile() else None
            if stream is None:
                continue
            data = stream.read()
            try:
                parsed = list(parse_pubmed(io.BytesIO(data), name=member.name))
            except PubmedParseError as error:
                refused[Path(member.name).stem] = error.reason
                continue
            expected = expected_records(ET.fromstring(data))  # noqa: S314 (the project's own read-only samples)
            assert [record.pmid for record in parsed] == [pmid for _, pmid, _ in expected], (
                member.name
            )
            for record, (_kind, _pmid, element) in zip(parsed, expected, strict=True):
                assert isinstance(record, Citation) and element is not None
                check_against_element_tree(record, element)
            records_read += len(parsed)
    if archive.startswith("song"):
        assert (records_read, refused) == (1918, {})
        return
    # The corpus README lists the ten downloads that failed: empty files, NCBI error pages.
    assert records_read == 2881
    assert refused == {
        "18547453": "not PubMed XML (empty file)",
        "18931905": "not PubMed XML (empty file)",
        "23670190": "not PubMed XML (empty file)",
        "24814876": "not PubMed XML (empty file)",
        "3682051": "not PubMed XML (root <html>)",
        "17539009": "not PubMed XML (root <html>)",
        "25914933": "not PubMed XML (root <eFetchResult>): E-utilities error 'Empty result - nothing to do'",
        "26102739": "not PubMed XML (root <eFetchResult>): E-utilities error 'Empty result - nothing to do'",
        "27145019": "not PubMed XML (root <eFetchResult>): E-utilities error 'Empty result - nothing to do'",
        "27931395": "not PubMed XML (root <eFetchResult>): E-utilities error 'Empty result - nothing to do'",
    }
