"""From a record's element to its :class:`Citation`: the walk over its parts.

:func:`read_record` dispatches each child of a PubmedArticle, PubmedBookArticle
or MedlineCitation on its tag to a method of :class:`_Builder`, which keeps the
fields found so far; the leaf readers (authors, dates, MeSH...) are in
:mod:`.fields`. Same speed rules as there: children taken as lists, no XPath.
"""

from __future__ import annotations

from typing import Literal

from .fields import (
    RecordError,
    _abstract,
    _authors,
    _chemicals,
    _comments_corrections,
    _date,
    _Element,
    _flat,
    _grants,
    _investigators,
    _mesh,
    _nct,
    _text,
    read_pmid,
)
from .records import (
    AbstractSection,
    ArticleIds,
    Author,
    Chemical,
    Citation,
    CommentCorrection,
    Grant,
    Journal,
    MeshHeading,
    PartialDate,
    PublicationType,
)


class _Builder:
    """The fields of one record while its elements are walked."""

    __slots__ = (
        "abstract",
        "affiliation",
        "authors",
        "book_title",
        "chemicals",
        "comments_corrections",
        "doi",
        "electronic_date",
        "elocation_doi",
        "elocation_pii",
        "grants",
        "investigators",
        "iso_abbreviation",
        "issn",
        "issn_type",
        "issue",
        "journal_title",
        "keywords",
        "languages",
        "linking_issn",
        "mesh",
        "other_pmc",
        "pages",
        "pii",
        "pmc",
        "pmid",
        "publication_types",
        "published",
        "title",
        "trial_ids",
        "vernacular_title",
        "version",
        "volume",
    )

    def __init__(self) -> None:
        self.pmid: int | None = None
        self.version = 1
        self.title: str | None = None
        self.vernacular_title: str | None = None
        self.book_title: str | None = None
        self.abstract: list[AbstractSection] = []
        self.journal_title: str | None = None
        self.iso_abbreviation: str | None = None
        self.issn: str | None = None
        self.issn_type: str | None = None
        self.linking_issn: str | None = None
        self.volume: str | None = None
        self.issue: str | None = None
        self.pages: str | None = None
        self.published: PartialDate | None = None
        self.electronic_date: PartialDate | None = None
        self.languages: list[str] = []
        self.publication_types: list[PublicationType] = []
        self.authors: list[Author] = []
        self.investigators: list[Author] = []
        self.affiliation: str | None = None
        self.mesh: list[MeshHeading] = []
        self.keywords: list[str] = []
        self.chemicals: list[Chemical] = []
        self.grants: list[Grant] = []
        self.doi: str | None = None
        self.pmc: str | None = None
        self.pii: str | None = None
        self.elocation_doi: str | None = None
        self.elocation_pii: str | None = None
        self.other_pmc: str | None = None
        self.trial_ids: list[str] = []
        self.comments_corrections: list[CommentCorrection] = []

    def pmid_of(self, element: _Element) -> None:
        self.pmid = read_pmid(element)
        version = element.get("Version")
        if version and version.isascii() and version.isdigit():
            self.version = int(version)

    def medline_citation(self, element: _Element) -> None:
        for child in element[:]:
            tag = child.tag
            if tag == "Article":
                self.article(child)
            elif tag == "PMID":
                self.pmid_of(child)
            elif tag == "MeshHeadingList":
                self.mesh = _mesh(child)
            elif tag == "ChemicalList":
                self.chemicals = _chemicals(child)
            elif tag == "KeywordList":
                self.keyword_list(child)
            elif tag == "CommentsCorrectionsList":
                self.comments_corrections = _comments_corrections(child)
            elif tag == "MedlineJournalInfo":
                # ISSNLinking stands in for a missing ISSN only; the DTD puts the
                # Article (and its ISSN) first, so most records skip this walk.
                if self.issn is None:
                    for part in child[:]:
                        if part.tag == "ISSNLinking":
                            self.linking_issn = _text(part)
            elif tag == "OtherID":
                text = child.text
                if text and text.startswith("PMC") and self.other_pmc is None:
                    self.other_pmc = text.split()[0]
            elif tag == "InvestigatorList":
                self.investigators = _investigators(child)

    def keyword_list(self, element: _Element) -> None:
        for keyword in element[:]:
            if keyword.tag == "Keyword":
                text = _flat(keyword)
                if text:
                    self.keywords.append(text)

    def publication_type(self, element: _Element) -> None:
        name = _text(element)
        if name:
            self.publication_types.append(PublicationType(element.get("UI"), name))

    def language(self, element: _Element) -> None:
        text = _text(element)
        if text:
            self.languages.append(text)

    def article(self, element: _Element) -> None:
        for child in element[:]:
            tag = child.tag
            if tag == "Journal":
                self.journal(child)
            elif tag == "ArticleTitle":
                self.title = _flat(child)
            elif tag == "AuthorList":
                self.authors = _authors(child)
            elif tag == "Abstract":
                self.abstract = _abstract(child)
            elif tag == "Pagination":
                self.pagination(child)
            elif tag == "ELocationID" and child.get("ValidYN") != "N":
                kind = child.get("EIdType")
                if kind == "doi":
                    if self.elocation_doi is None:
                        self.elocation_doi = _text(child)
                elif kind == "pii" and self.elocation_pii is None:
                    self.elocation_pii = _text(child)
            elif tag == "Language":
                self.language(child)
            elif tag == "PublicationTypeList":
                for item in child[:]:
                    if item.tag == "PublicationType":
                        self.publication_type(item)
            elif tag == "ArticleDate":
                if (
                    self.electronic_date is None
                    and child.get("DateType", "Electronic") == "Electronic"
                ):
                    self.electronic_date = _date(child)
            elif tag == "GrantList":
                self.grants = _grants(child)
            elif tag == "DataBankList":
                self.data_banks(child)
            elif tag == "VernacularTitle":
                self.vernacular_title = _flat(child)
            elif tag == "Affiliation":  # before 2014: the first author's affiliation
                self.affiliation = _flat(child)

    def journal(self, element: _Element) -> None:
        for child in element[:]:
            tag = child.tag
            if tag == "JournalIssue":
                for part in child[:]:
                    kind = part.tag
                    if kind == "Volume":
                        self.volume = _text(part)
                    elif kind == "Issue":
                        self.issue = _text(part)
                    elif kind == "PubDate":
                        self.published = _date(part)
            elif tag == "Title":
                self.journal_title = _flat(child)
            elif tag == "ISOAbbreviation":
                self.iso_abbreviation = _text(child)
            elif tag == "ISSN":
                self.issn = _text(child)
                self.issn_type = child.get("IssnType")

    def pagination(self, element: _Element) -> None:
        start = end = None
        for child in element[:]:
            tag = child.tag
            if tag == "MedlinePgn":
                self.pages = _text(child)
            elif tag == "StartPage":
                start = _text(child)
            elif tag == "EndPage":
                end = _text(child)
        if self.pages is None and start:
            self.pages = f"{start}-{end}" if end else start

    def data_banks(self, element: _Element) -> None:
        for bank in element[:]:
            for child in bank[:]:
                if child.tag != "AccessionNumberList":
                    continue
                for number in child[:]:
                    text = number.text
                    if text:
                        nct = _nct(text)
                        if nct and nct not in self.trial_ids:
                            self.trial_ids.append(nct)

    def article_id_list(self, element: _Element) -> None:
        for child in element[:]:
            kind = child.get("IdType")
            if kind == "doi":
                if self.doi is None:
                    self.doi = _text(child)
            elif kind == "pmc":
                if self.pmc is None:
                    self.pmc = _text(child)
            elif kind == "pii" and self.pii is None:
                self.pii = _text(child)

    def pubmed_data(self, element: _Element) -> None:
        for child in element[:]:
            if child.tag == "ArticleIdList":
                self.article_id_list(child)

    def book_document(self, element: _Element) -> None:
        for child in element[:]:
            tag = child.tag
            if tag == "PMID":
                self.pmid_of(child)
            elif tag == "ArticleTitle":
                self.title = _flat(child)
            elif tag == "Book":
                self.book(child)
            elif tag == "AuthorList":
                if child.get("Type", "authors") == "authors":
                    self.authors = _authors(child)
            elif tag == "Abstract":
                self.abstract = _abstract(child)
            elif tag == "Language":
                self.language(child)
            elif tag == "PublicationType":
                self.publication_type(child)
            elif tag == "KeywordList":
                self.keyword_list(child)
            elif tag == "ArticleIdList":
                self.article_id_list(child)
            elif tag == "VernacularTitle":
                self.vernacular_title = _flat(child)
            elif tag == "GrantList":
                self.grants = _grants(child)
            elif tag == "DataBankList":
                self.data_banks(child)
            elif tag == "CommentsCorrectionsList":
                self.comments_corrections = _comments_corrections(child)
            elif tag == "InvestigatorList":
                self.investigators = _investigators(child)
            elif (
                tag == "ELocationID"
                and child.get("EIdType") == "doi"
                and self.elocation_doi is None
            ):
                self.elocation_doi = _text(child)

    def book(self, element: _Element) -> None:
        for child in element[:]:
            tag = child.tag
            if tag == "BookTitle":
                self.book_title = _flat(child)
            elif tag == "PubDate":
                self.published = _date(child)
            elif tag == "Volume":
                self.volume = _text(child)
            elif (
                tag == "AuthorList"
                and child.get("Type", "authors") == "authors"  # editors are not authors
                and not self.authors
            ):
                self.authors = _authors(child)

    def citation(self, kind: Literal["article", "book"]) -> Citation:
        if self.pmid is None:
            raise RecordError("record without a PMID")
        authors = self.authors
        if self.affiliation and authors and not authors[0].affiliations:
            first = authors[0]
            authors[0] = Author(
                first.family,
                first.given,
                first.initials,
                first.suffix,
                first.collective,
                (self.affiliation,),
                first.orcid,
                first.equal_contribution,
                first.valid,
            )
        if kind == "book":
            journal: Journal | None = Journal(
                self.book_title, None, None, None, self.volume, None, None
            )
            title = self.title or self.book_title
        else:
            issn, issn_type = self.issn, self.issn_type
            if issn is None and self.linking_issn:
                issn, issn_type = self.linking_issn, "Linking"
            journal = Journal(
                self.journal_title,
                self.iso_abbreviation,
                issn,
                issn_type,
                self.volume,
                self.issue,
                self.pages,
            )
            title = self.title
        return Citation(
            self.pmid,
            self.version,
            kind,
            title,
            self.vernacular_title,
            tuple(self.abstract),
            journal,
            self.published,
            self.electronic_date,
            tuple(self.languages),
            tuple(self.publication_types),
            tuple(authors),
            tuple(self.investigators),
            tuple(self.mesh),
            tuple(self.keywords),
            tuple(self.chemicals),
            tuple(self.grants),
            ArticleIds(
                self.doi or self.elocation_doi,
                self.pmc or self.other_pmc,
                self.pii or self.elocation_pii,
            ),
            tuple(self.trial_ids),
            tuple(self.comments_corrections),
        )


def read_record(element: _Element, tag: str) -> Citation:
    """The :class:`Citation` in a PubmedArticle, PubmedBookArticle or MedlineCitation element."""
    builder = _Builder()
    try:
        if tag == "PubmedArticle":
            for child in element[:]:
                if child.tag == "MedlineCitation":
                    builder.medline_citation(child)
                elif child.tag == "PubmedData":
                    builder.pubmed_data(child)
            return builder.citation("article")
        if tag == "PubmedBookArticle":
            for child in element[:]:
                if child.tag == "BookDocument":
                    builder.book_document(child)
                elif child.tag == "PubmedBookData":
                    builder.pubmed_data(child)
            return builder.citation("book")
        builder.medline_citation(element)  # MedlineCitation in a MedlineCitationSet
        return builder.citation("article")
    except RecordError as error:
        error.pmid = builder.pmid
        raise
