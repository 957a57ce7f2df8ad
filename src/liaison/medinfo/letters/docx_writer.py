"""The response letter as a Word document (python-docx), for requesters and
colleagues who edit or sign it in Word.

The running header names the requester ("Confidential: prepared for ..."); the
footer carries the letter's reference and "Page N of M" as Word fields, which
Word and LibreOffice fill in when they lay the document out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from liaison.medinfo.letters.content import BlockKind, LetterContent, printable

_GREY = RGBColor(0x55, 0x55, 0x55)
_BLACK = RGBColor(0x11, 0x11, 0x11)


def write_docx(content: LetterContent) -> bytes:
    """The letter as the bytes of a ``.docx`` file (A4)."""
    document = Document()
    _set_up(document, content)
    _header_and_footer(document.sections[0], content)
    _letterhead(document, content)
    _cover_letter(document, content)
    _response(document, content)
    _references(document, content.references)
    _signature(document, content)
    _disclaimer(document, content.disclaimer)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: DocxDocument, content: LetterContent) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    for name in ("Heading 1", "Heading 2"):
        # The default template's headings are blue: a letter prints in black.
        document.styles[name].font.color.rgb = _BLACK
    properties = document.core_properties
    properties.title = printable(f"Response {content.reference}: {content.response.title}")
    properties.subject = printable(content.response_line)
    properties.author = printable(content.sender.company)
    properties.last_modified_by = printable(content.signatory.name)
    # The template's own dates (2013) would otherwise stand as the letter's.
    written = dt.datetime.combine(content.date, dt.time(), tzinfo=dt.UTC)
    properties.created = properties.modified = written
    properties.revision = 1


def _header_and_footer(section: Section, content: LetterContent) -> None:
    header = section.header.paragraphs[0]
    _run(header, content.confidential_line, size=8, colour=_GREY)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(footer, f"{content.reference} · Page ", size=8, colour=_GREY)
    _field(footer, "PAGE")
    _run(footer, " of ", size=8, colour=_GREY)
    _field(footer, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A simple Word field (``PAGE``, ``NUMPAGES``); python-docx has no API for
    fields, so the ``w:fldSimple`` element is written directly. ``1`` stands
    until the reader computes the value."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), str(_GREY))
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")  # half-points: 8 pt, as the footer's text
    properties.append(colour)
    properties.append(size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    element: etree._Element = paragraph._p
    element.append(field)


def _letterhead(document: DocxDocument, content: LetterContent) -> None:
    sender = content.sender
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(head, sender.company, bold=True, size=14)
    lines = [sender.department, *sender.address_lines]
    if sender.phone:
        lines.append(f"Telephone: {sender.phone}")
    if sender.email:
        lines.append(f"E-mail: {sender.email}")
    details = document.add_paragraph()
    details.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _lines(details, lines, size=9, colour=_GREY)

    requester = content.requester
    address = [requester.display_name]
    if requester.organisation:
        address.append(requester.organisation)
    address += requester.address_lines
    _lines(document.add_paragraph(), address)
    _run(document.add_paragraph(), content.letter_date)
    _run(document.add_paragraph(), f"Our reference: {content.reference}", bold=True)


def _cover_letter(document: DocxDocument, content: LetterContent) -> None:
    _run(document.add_paragraph(), content.salutation)
    _run(document.add_paragraph(), content.cover_paragraph)
    question = document.add_paragraph()
    question.paragraph_format.left_indent = Mm(10)
    question.paragraph_format.right_indent = Mm(10)
    _run(question, f"“{content.question.strip()}”", italic=True)
    if content.unsolicited_statement:
        _run(document.add_paragraph(), content.unsolicited_statement)
    _run(document.add_paragraph(), "Our response follows.")


def _response(document: DocxDocument, content: LetterContent) -> None:
    _run(document.add_heading(level=1), content.response.title)
    _run(
        document.add_paragraph(),
        f"Document {content.response.document_id}, version {content.response.version}",
        size=9,
        colour=_GREY,
    )
    for block in content.response.blocks:
        if block.kind == BlockKind.HEADING:
            _run(document.add_heading(level=2), block.text)
        elif block.kind == BlockKind.BULLET:
            _run(document.add_paragraph(style="List Bullet"), block.text)
        else:
            _run(document.add_paragraph(), block.text)


def _references(document: DocxDocument, references: tuple[str, ...]) -> None:
    if not references:
        return
    _run(document.add_heading(level=2), "References")
    for number, citation in enumerate(references, start=1):
        # Numbers written out, not a Word list: they must match the citations'
        # numbers in the text whatever numbering the reader's Word continues.
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Mm(8)
        paragraph.paragraph_format.first_line_indent = Mm(-8)
        _run(paragraph, f"{number}.\t{citation.strip()}", size=9.5)


def _signature(document: DocxDocument, content: LetterContent) -> None:
    _run(document.add_paragraph(), content.closing)
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(24)
    _run(signature, content.signatory.name, bold=True)
    lines = [content.signatory.title] if content.signatory.title else []
    lines += [content.sender.department, content.sender.company]
    for line in lines:
        signature.add_run().add_break()
        _run(signature, line)
    if content.enclosures:
        enclosures = document.add_paragraph()
        _run(enclosures, "Enclosures:", bold=True)
        for enclosure in content.enclosures:
            _run(document.add_paragraph(style="List Bullet"), enclosure)


def _disclaimer(document: DocxDocument, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(18)
    _lines(paragraph, text.strip().splitlines(), size=8, colour=_GREY)


def _lines(
    paragraph: Paragraph,
    lines: Iterable[str],
    *,
    size: float | None = None,
    colour: RGBColor | None = None,
) -> None:
    """Lines in one paragraph, separated by line breaks (an address block)."""
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break()
        _run(paragraph, line, size=size, colour=colour)


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    colour: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(printable(text))
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
