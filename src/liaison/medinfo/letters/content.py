"""What a response letter says, independent of its format.

Both writers (:mod:`.docx_writer`, :mod:`.pdf_writer`) lay out one
:class:`LetterContent`; the service that sends a letter fills it from the
inquiry, the approved response version and the sender's settings. The content
checks itself when built, so neither format can come out without a part a
medical-information letter must carry (the question, the disclaimer, the
response's document id and version, ...)::

    content = LetterContent(
        reference="MI-2026-00042",
        date=date(2026, 12, 5),
        sender=Sender(company="Acme Pharma Ltd", address_lines=("1 Main St", "London")),
        requester=Requester(name="Björn Öberg", title="Dr", organisation="Karolinska"),
        salutation="Dear Dr Öberg,",
        question="Can Zentiva be given to patients with renal impairment?",
        unsolicited_statement=unsolicited_statement(date(2026, 12, 3)),
        response=ResponseDocument(
            title="Zentiva in renal impairment", document_id="SRD-0012", version="3",
            body="# Summary\\nNo dose adjustment ...\\n\\n- eGFR 30-59: ...",
        ),
        references=("Smith J. Renal dosing. Lancet. 2020;1:1-2.",),
        disclaimer="This letter is not intended as a recommendation ...",
        signatory=Signatory(name="Zoë Martin", title="Medical Information Manager"),
    )
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# Characters XML 1.0 cannot hold (C0 controls but tab and line ends, lone
# surrogates, U+FFFE/U+FFFF): text pasted from e-mails or PDFs carries them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` without the characters a DOCX or HTML document cannot hold
    (python-docx refuses them outright)."""
    return _NOT_XML.sub("", text)


def long_date(day: dt.date) -> str:
    """``3 December 2026``: a letter's date, the same whatever the server's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def unsolicited_statement(received_on: dt.date) -> str:
    """The sentence an off-label answer opens with: it keeps the provenance of the
    question (unsolicited, and when) on the letter itself."""
    return (
        "This information is provided in response to your unsolicited request of "
        f"{long_date(received_on)}. It may include information about uses of the product "
        "that are not approved in your country, and is not intended to recommend any such use."
    )


@dataclass(frozen=True, slots=True)
class Sender:
    """The company writing the letter: the letterhead and the reply address."""

    company: str
    department: str = "Medical Information"
    address_lines: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Requester:
    """The person who asked; ``title`` is the form of address (``Dr``, ``Prof.``)."""

    name: str
    title: str | None = None
    organisation: str | None = None
    address_lines: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """``Dr Björn Öberg``."""
        return " ".join(part for part in (self.title, self.name) if part and part.strip())


class BlockKind(StrEnum):
    """The simple structure a response body may have."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"


@dataclass(frozen=True, slots=True)
class Block:
    """One heading, paragraph or bullet of a response body."""

    kind: BlockKind
    text: str


def body_blocks(text: str) -> tuple[Block, ...]:
    """The blocks of a response body written as plain text.

    A line starting ``# `` is a heading, one starting ``- `` a bullet; other
    lines run together into a paragraph until a blank line, a heading or a
    bullet. This is all the markup an approved response keeps, so that the
    DOCX and the PDF show the same structure.

    >>> [b.kind.value for b in body_blocks("# Dosing\\nNo change\\nneeded.\\n- eGFR > 60")]
    ['heading', 'paragraph', 'bullet']
    """
    blocks: list[Block] = []
    paragraph: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            blocks.append(Block(BlockKind.PARAGRAPH, " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close_paragraph()
        elif line.startswith("# ") and line[2:].strip():
            close_paragraph()
            blocks.append(Block(BlockKind.HEADING, line[2:].strip()))
        elif line.startswith("- ") and line[2:].strip():
            close_paragraph()
            blocks.append(Block(BlockKind.BULLET, line[2:].strip()))
        else:
            paragraph.append(line)
    close_paragraph()
    return tuple(blocks)


@dataclass(frozen=True, slots=True)
class ResponseDocument:
    """The response sent: a standard (or custom) response at one approved version.

    ``body`` is plain text with the markup :func:`body_blocks` reads.
    """

    title: str
    document_id: str
    version: str
    body: str

    @property
    def blocks(self) -> tuple[Block, ...]:
        return body_blocks(self.body)


@dataclass(frozen=True, slots=True)
class Signatory:
    """Who signs the letter."""

    name: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class LetterContent:
    """Everything a response letter says. Building one with a required part missing
    or blank raises :class:`ValueError` naming every such part.

    ``unsolicited_statement`` is set only for an off-label answer (see
    :func:`unsolicited_statement`); ``references`` are citations, numbered in
    the letter from 1 in this order.
    """

    reference: str
    date: dt.date
    sender: Sender
    requester: Requester
    salutation: str
    question: str
    response: ResponseDocument
    disclaimer: str
    signatory: Signatory
    references: tuple[str, ...] = ()
    unsolicited_statement: str | None = None
    enclosures: tuple[str, ...] = ()
    closing: str = "Yours sincerely,"

    def __post_init__(self) -> None:
        required = {
            "the letter's reference": self.reference,
            "the sender's company name": self.sender.company,
            "the sender's department": self.sender.department,
            "the requester's name": self.requester.name,
            "the salutation": self.salutation,
            "the question as received": self.question,
            "the response's title": self.response.title,
            "the response's document id": self.response.document_id,
            "the response's version": self.response.version,
            "the disclaimer": self.disclaimer,
            "the signatory's name": self.signatory.name,
        }
        missing = [name for name, value in required.items() if not value.strip()]
        if not self.response.blocks:
            missing.append("the response's text")
        missing += [
            f"the text of reference {number}"
            for number, citation in enumerate(self.references, start=1)
            if not citation.strip()
        ]
        missing += [
            f"the name of enclosure {number}"
            for number, enclosure in enumerate(self.enclosures, start=1)
            if not enclosure.strip()
        ]
        if self.unsolicited_statement is not None and not self.unsolicited_statement.strip():
            missing.append("the unsolicited-request statement (blank: leave it unset instead)")
        if missing:
            where = f"letter {self.reference.strip()}" if self.reference.strip() else "the letter"
            raise ValueError(f"{where} cannot be written: missing {', '.join(missing)}")

    @property
    def letter_date(self) -> str:
        return long_date(self.date)

    @property
    def cover_paragraph(self) -> str:
        """The opening sentence of the cover letter."""
        return (
            f"Thank you for your enquiry to {self.sender.department} at {self.sender.company}. "
            "You asked:"
        )

    @property
    def response_line(self) -> str:
        """``Zentiva in renal impairment (document SRD-0012, version 3)``."""
        response = self.response
        return f"{response.title} (document {response.document_id}, version {response.version})"

    @property
    def confidential_line(self) -> str:
        """The running header: whom the letter is for."""
        return f"Confidential: prepared for {self.requester.display_name}"
