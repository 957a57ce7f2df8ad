"""Response letters as DOCX and PDF: pure rendering from a letter's content.

Build a :class:`LetterContent` (it checks its required parts), then call
``docx_writer.write_docx(content)`` or ``pdf_writer.write_pdf(content)`` for the
file's bytes; ``citations.citation(reference)`` prints a literature reference
the way the letter lists it (its RIS export is the literature app's
``reference_formats.write_ris``). The writers are imported from their modules,
so that reading the content does not load WeasyPrint.
"""

from liaison.medinfo.letters.content import (
    LetterContent,
    Requester,
    ResponseDocument,
    Sender,
    Signatory,
    body_blocks,
    long_date,
    unsolicited_statement,
)

__all__ = [
    "LetterContent",
    "Requester",
    "ResponseDocument",
    "Sender",
    "Signatory",
    "body_blocks",
    "long_date",
    "unsolicited_statement",
]
