"""Small PubMed XML files for storage, view and API tests (hand-written, not real citations)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from liaison.core.models import Role, User
from liaison.literature import services
from liaison.literature.services import LoadReport


def article(
    pmid: int,
    *,
    version: int = 1,
    title: str = "A study",
    abstract: str = "",
    year: int = 2020,
    month: str = "Mar",
    journal: str = "Journal of Tests",
    issn: str = "1111-2222",
    authors: Sequence[tuple[str, str]] = (("Smith", "Anna"),),
    orcids: Sequence[str | None] = (),
    mesh: Sequence[tuple[str, str, bool]] = (),
    trials: Sequence[str] = (),
    types: Sequence[str] = ("Journal Article",),
    retracted_by: int | None = None,
) -> str:
    """One ``PubmedArticle`` element."""
    author_xml = []
    for index, (family, given) in enumerate(authors):
        orcid = orcids[index] if index < len(orcids) else None
        identifier = f'<Identifier Source="ORCID">{orcid}</Identifier>' if orcid else ""
        author_xml.append(
            f'<Author ValidYN="Y"><LastName>{escape(family)}</LastName>'
            f"<ForeName>{escape(given)}</ForeName><Initials>{given[:1]}</Initials>{identifier}"
            "<AffiliationInfo><Affiliation>Somewhere University.</Affiliation></AffiliationInfo>"
            "</Author>"
        )
    mesh_xml = "".join(
        f'<MeshHeading><DescriptorName UI="{ui}" MajorTopicYN="{"Y" if major else "N"}">'
        f"{escape(name)}</DescriptorName></MeshHeading>"
        for ui, name, major in mesh
    )
    trial_xml = ""
    if trials:
        numbers = "".join(f"<AccessionNumber>{nct}</AccessionNumber>" for nct in trials)
        trial_xml = (
            '<DataBankList CompleteYN="Y"><DataBank><DataBankName>ClinicalTrials.gov'
            f"</DataBankName><AccessionNumberList>{numbers}</AccessionNumberList></DataBank>"
            "</DataBankList>"
        )
    type_xml = "".join(
        f'<PublicationType UI="D{index:06d}">{escape(name)}</PublicationType>'
        for index, name in enumerate(types)
    )
    abstract_xml = (
        f"<Abstract><AbstractText>{escape(abstract)}</AbstractText></Abstract>" if abstract else ""
    )
    corrections = ""
    if retracted_by is not None:
        corrections = (
            '<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn">'
            f'<RefSource>Retraction</RefSource><PMID Version="1">{retracted_by}</PMID>'
            "</CommentsCorrections></CommentsCorrectionsList>"
        )
    return f"""<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="{version}">{pmid}</PMID>
    <Article PubModel="Print">
      <Journal>
        <ISSN IssnType="Print">{issn}</ISSN>
        <JournalIssue CitedMedium="Print"><Volume>7</Volume><Issue>2</Issue>
          <PubDate><Year>{year}</Year><Month>{month}</Month></PubDate></JournalIssue>
        <Title>{escape(journal)}</Title><ISOAbbreviation>J Tests</ISOAbbreviation>
      </Journal>
      <ArticleTitle>{escape(title)}</ArticleTitle>
      <Pagination><MedlinePgn>1-9</MedlinePgn></Pagination>
      {abstract_xml}
      <AuthorList CompleteYN="Y">{"".join(author_xml)}</AuthorList>
      <Language>eng</Language>
      {trial_xml}
      <PublicationTypeList>{type_xml}</PublicationTypeList>
    </Article>
    {corrections}
    <MeshHeadingList>{mesh_xml}</MeshHeadingList>
  </MedlineCitation>
  <PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
    <ArticleId IdType="doi">10.9999/test.{pmid}</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>"""


def article_set(*articles: str, deleted: Sequence[int] = ()) -> str:
    deletion = ""
    if deleted:
        pmids = "".join(f'<PMID Version="1">{pmid}</PMID>' for pmid in deleted)
        deletion = f"<DeleteCitation>{pmids}</DeleteCitation>"
    return f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{"".join(articles)}{deletion}\n</PubmedArticleSet>\n'


def write(path: Path, *articles: str, deleted: Sequence[int] = ()) -> Path:
    path.write_text(article_set(*articles, deleted=deleted), encoding="utf-8")
    return path


def load(actor: User, path: Path, **options: Any) -> LoadReport:
    return services.load_pubmed_file(actor=actor, path=path, **options)


def loader(db: None = None) -> User:
    """An administrator to load with (for tests that need data but no named user)."""
    user, _ = User.objects.get_or_create(username="loader", defaults={"role": Role.ADMINISTRATOR})
    return user
