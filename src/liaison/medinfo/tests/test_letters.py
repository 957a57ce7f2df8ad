"""Response letters: their content's checks, the DOCX and the PDF read back, citations."""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from liaison.literature.reference_formats import Author, Reference, ReferenceType
from liaison.medinfo.letters import citations, docx_writer, pdf_writer
from liaison.medinfo.letters.content import (
    BlockKind,
    LetterContent,
    Requester,
    ResponseDocument,
    Sender,
    Signatory,
    body_blocks,
    unsolicited_statement,
)

QUESTION = "Can Zentiva be given to patients on dialysis, and at what dose?"
STATEMENT = unsolicited_statement(dt.date(2026, 12, 3))
REFERENCES = (
    "Öberg B, Martin Z. Zentiva in end-stage renal disease. Lancet. 2024;403(2):101-9.",
    "Nakamura K. Pharmacokinetics of zentivan in haemodialysis. Kidney Int. 2023;12:44-51.",
)
DISCLAIMER = "This letter answers your question only and is not a recommendation of any use."
BODY = """# Summary
Zentiva has not been studied
in patients on dialysis.

- No pharmacokinetic data in haemodialysis
- Renal clearance is 70% of total clearance

# Available data
A case series of four patients is described below."""

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture(scope="module", autouse=True)
def _letter_templates() -> Iterator[None]:
    """Until ``liaison.medinfo`` is in INSTALLED_APPS its templates are found by path."""
    if apps.is_installed("liaison.medinfo"):
        yield
        return
    templates: list[dict[str, Any]] = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0].get("DIRS", []), TEMPLATES]
    with override_settings(TEMPLATES=templates):
        yield


def letter(**changes: Any) -> LetterContent:
    """A complete letter to Dr Björn Öberg, with ``changes`` applied."""
    fields: dict[str, Any] = {
        "reference": "MI-2026-00042",
        "date": dt.date(2026, 12, 5),
        "sender": Sender(
            company="Acme Pharma Ltd",
            address_lines=("1 Main Street", "London EC1A 1AA"),
            phone="+44 20 7946 0000",
            email="medinfo@acme.example",
        ),
        "requester": Requester(
            name="Björn Öberg",
            title="Dr",
            organisation="Karolinska Universitetssjukhuset",
            address_lines=("Eugeniavägen 3", "171 76 Solna", "Sweden"),
        ),
        "salutation": "Dear Dr Öberg,",
        "question": QUESTION,
        "unsolicited_statement": STATEMENT,
        "response": ResponseDocument(
            title="Zentiva in patients on dialysis", document_id="SRD-0012", version="3", body=BODY
        ),
        "references": REFERENCES,
        "disclaimer": DISCLAIMER,
        "signatory": Signatory(name="Zoë Martin", title="Medical Information Manager"),
        "enclosures": ("Summary of Product Characteristics",),
    }
    fields.update(changes)
    return LetterContent(**fields)


def docx_of(content: LetterContent) -> DocxDocument:
    return Document(io.BytesIO(docx_writer.write_docx(content)))


def docx_text(document: DocxDocument) -> str:
    section = document.sections[0]
    paragraphs = [
        *document.paragraphs,
        *section.header.paragraphs,
        *section.footer.paragraphs,
    ]
    return "\n".join(paragraph.text for paragraph in paragraphs)


def pdf_pages(content: LetterContent) -> list[str]:
    """Each page's text, white space made single (lines wrap anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_writer.write_pdf(content)))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


@pytest.fixture(scope="module")
def letter_pdf() -> list[str]:
    return pdf_pages(letter())


# --- content ----------------------------------------------------------------------------------


def test_body_markup_gives_headings_joined_paragraphs_and_bullets() -> None:
    blocks = body_blocks(BODY)

    assert [block.kind for block in blocks] == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.BULLET,
        BlockKind.BULLET,
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
    ]
    assert blocks[1].text == "Zentiva has not been studied in patients on dialysis."
    assert blocks[3].text == "Renal clearance is 70% of total clearance"


def test_a_lone_hash_or_dash_is_text_not_markup() -> None:
    blocks = body_blocks("#\n-\n#hashtag and -5 mg")
    assert [block.kind for block in blocks] == [BlockKind.PARAGRAPH]


def test_the_unsolicited_statement_names_the_day_of_the_request() -> None:
    assert "unsolicited request of 3 December 2026" in STATEMENT


@pytest.mark.parametrize(
    ("changes", "part"),
    [
        ({"requester": Requester(name="  ")}, "the requester's name"),
        ({"question": "\n"}, "the question as received"),
        ({"disclaimer": ""}, "the disclaimer"),
        ({"salutation": ""}, "the salutation"),
        ({"signatory": Signatory(name="")}, "the signatory's name"),
        ({"sender": Sender(company="")}, "the sender's company name"),
        ({"references": ("A. B. C. 2020.", " ")}, "the text of reference 2"),
        ({"enclosures": ("",)}, "the name of enclosure 1"),
        ({"unsolicited_statement": " "}, "the unsolicited-request statement"),
    ],
)
def test_a_missing_part_is_named(changes: dict[str, Any], part: str) -> None:
    with pytest.raises(ValueError, match="letter MI-2026-00042 cannot be written") as error:
        letter(**changes)
    assert part in str(error.value)


@pytest.mark.parametrize(
    ("field", "part"),
    [
        ("title", "the response's title"),
        ("document_id", "the response's document id"),
        ("version", "the response's version"),
        ("body", "the response's text"),
    ],
)
def test_a_missing_part_of_the_response_is_named(field: str, part: str) -> None:
    response = letter().response
    with pytest.raises(ValueError, match=part):
        letter(response=replace(response, **{field: " \n "}))


def test_every_missing_part_is_named_at_once() -> None:
    with pytest.raises(ValueError) as error:
        letter(reference="", disclaimer="", question="")
    message = str(error.value)
    assert message.startswith("the letter cannot be written")
    for part in ("the letter's reference", "the disclaimer", "the question as received"):
        assert part in message


# --- DOCX -------------------------------------------------------------------------------------


def test_the_docx_holds_requester_question_statement_references_and_disclaimer() -> None:
    text = docx_text(docx_of(letter()))

    for expected in (
        "Dr Björn Öberg",
        "Karolinska Universitetssjukhuset",
        QUESTION,
        STATEMENT,
        DISCLAIMER,
        "Zoë Martin",
        "Our reference: MI-2026-00042",
        "5 December 2026",
        "Document SRD-0012, version 3",
        "Summary of Product Characteristics",
        *REFERENCES,
    ):
        assert expected in text, expected


def test_the_docx_has_no_unsolicited_statement_when_none_is_set() -> None:
    text = docx_text(docx_of(letter(unsolicited_statement=None)))
    assert QUESTION in text
    assert "unsolicited" not in text


def test_the_docx_numbers_the_references_in_order() -> None:
    paragraphs = [p.text for p in docx_of(letter()).paragraphs]
    start = paragraphs.index("References")
    assert paragraphs[start + 1 : start + 3] == [f"1.\t{REFERENCES[0]}", f"2.\t{REFERENCES[1]}"]


def test_the_docx_keeps_the_response_headings_and_bullets() -> None:
    styles = {p.text: p.style.name for p in docx_of(letter()).paragraphs if p.style is not None}
    assert styles["Zentiva in patients on dialysis"] == "Heading 1"
    assert styles["Available data"] == "Heading 2"
    assert styles["No pharmacokinetic data in haemodialysis"] == "List Bullet"


def test_the_docx_disclaimer_is_smaller_than_the_body() -> None:
    document = docx_of(letter())
    disclaimer = next(p for p in document.paragraphs if p.text == DISCLAIMER)
    body = document.styles["Normal"].font.size
    assert body is not None
    assert all(run.font.size is not None and run.font.size < body for run in disclaimer.runs)


def test_the_docx_header_names_the_requester_and_the_footer_numbers_pages() -> None:
    section = docx_of(letter()).sections[0]

    assert section.header.paragraphs[0].text == "Confidential: prepared for Dr Björn Öberg"
    fields = section.footer.paragraphs[0]._p.findall(qn("w:fldSimple"))
    assert [field.get(qn("w:instr")) for field in fields] == ["PAGE", "NUMPAGES"]


def test_the_docx_is_a4() -> None:
    section = docx_of(letter()).sections[0]
    assert section.page_width is not None and section.page_height is not None
    # Word stores twentieths of a point: a millimetre is not exact.
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_control_characters_pasted_into_the_question_do_not_break_either_format() -> None:
    content = letter(question="Dose\x0c in\x00 dialysis\x1b?")

    assert "Dose in dialysis?" in docx_text(docx_of(content))
    assert "Dose in dialysis?" in " ".join(pdf_pages(content))


# --- PDF --------------------------------------------------------------------------------------


def test_the_pdf_holds_the_same_text(letter_pdf: list[str]) -> None:
    text = " ".join(letter_pdf)

    assert len(letter_pdf) >= 1
    for expected in (
        "Dr Björn Öberg",
        QUESTION,
        STATEMENT,
        DISCLAIMER,
        "Zoë Martin",
        "Our reference: MI-2026-00042",
        "Document SRD-0012, version 3",
        "No pharmacokinetic data in haemodialysis",
        *REFERENCES,
    ):
        assert expected in text, expected


def test_the_pdf_pages_carry_the_confidential_header_and_page_numbers(
    letter_pdf: list[str],
) -> None:
    for number, page in enumerate(letter_pdf, start=1):
        assert "Confidential: prepared for Dr Björn Öberg" in page
        assert f"Page {number} of {len(letter_pdf)}" in page


def test_the_pdf_has_no_unsolicited_statement_when_none_is_set() -> None:
    text = " ".join(pdf_pages(letter(unsolicited_statement=None)))
    assert QUESTION in text
    assert "unsolicited" not in text


def test_non_ascii_names_survive_both_formats() -> None:
    content = letter(
        requester=Requester(name="Zoë Ångström-Łukasiewicz", title="Prof."),
        salutation="Dear Professor Ångström-Łukasiewicz,",
        signatory=Signatory(name="Björn Öberg"),
    )
    pdf_text = " ".join(pdf_pages(content))
    docx = docx_text(docx_of(content))

    for name in ("Prof. Zoë Ångström-Łukasiewicz", "Björn Öberg"):
        assert name in docx
        assert name in pdf_text


def test_a_long_response_spans_pages_numbered_throughout() -> None:
    paragraphs = [
        f"Finding {n}: " + "the observed exposure was comparable. " * 12 for n in range(60)
    ]
    response = replace(letter().response, body="\n\n".join(paragraphs))
    pages = pdf_pages(letter(response=response))

    assert len(pages) >= 2
    assert "Finding 0:" in pages[0]
    assert "Finding 59:" not in pages[0]
    assert "Finding 59:" in " ".join(pages[1:])
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_markup_in_a_letter_is_printed_as_text_and_nothing_is_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def spy(self: pdf_writer.NoFetcher, url: str, headers: object = None) -> object:
        asked.append(url)
        raise ValueError(url)

    monkeypatch.setattr(pdf_writer.NoFetcher, "fetch", spy)
    question = '<img src="https://tracker.example/q.png"> Dose in <b>dialysis</b>?'
    html = pdf_writer.letter_html(letter(question=question))
    text = " ".join(pdf_pages(letter(question=question)))

    assert "<img" not in html and "&lt;img" in html
    assert "Dose in <b>dialysis</b>?" in text
    assert asked == []


@pytest.mark.parametrize(
    "url",
    [
        "https://tracker.example/q.png",
        "https://liaison.invalid/static/engagement/brief_print.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ],
)
def test_the_letter_fetcher_refuses_every_address(url: str) -> None:
    with pytest.raises(ValueError):
        pdf_writer.NoFetcher().fetch(url)


# --- citations --------------------------------------------------------------------------------


def test_a_citation_lists_authors_with_initials_and_the_journal_source() -> None:
    reference = Reference(
        title="Zentiva in end-stage renal disease",
        authors=(Author("Öberg", "Björn Erik"), Author("Martin", "Zoë"), Author("Lee", "J.-P.")),
        journal="The Lancet",
        abbreviation="Lancet",
        year=2024,
        volume="403",
        issue="2",
        pages="101-9",
        doi="10.1016/S0140-6736(24)00001-1",
        pmid="38000001",
    )
    assert citations.citation(reference) == (
        "Öberg BE, Martin Z, Lee JP. Zentiva in end-stage renal disease. Lancet. "
        "2024;403(2):101-9. doi:10.1016/S0140-6736(24)00001-1 PMID: 38000001"
    )


def test_a_citation_names_six_authors_then_et_al() -> None:
    authors = tuple(Author(f"Author{n}", "A") for n in range(1, 9))
    line = citations.citation(Reference(title="Many hands?", authors=authors, year=2020))

    assert "Author6 A, et al. Many hands? 2020." in line
    assert "Author7" not in line


def test_a_book_citation_gives_publisher_and_year() -> None:
    book = Reference(
        type=ReferenceType.BOOK, title="Renal pharmacology", publisher="Springer", year=2019
    )
    assert citations.citation(book) == "Renal pharmacology. Springer; 2019."
