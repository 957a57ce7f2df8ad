"""Reference files users already live with: RIS, BibTeX, PubMed MEDLINE (.nbib), CSV, XLSX.

Pure format code: no ORM, no settings. Readers take a binary stream and the
file's name (for messages) and yield frozen :class:`Reference` values; writers
take references and write to a stream::

    with open("library.ris", "rb") as stream:
        for reference in read_ris(stream, "library.ris"):
            print(reference.title, reference.doi)

A bad entry raises :class:`ReferenceFormatError` naming the file, the line (or
the entry key) and the reason; so does a text longer than :data:`FIELD_LIMITS`
allows (a 4,000-character title, a 100,000-character abstract), naming the
record's number and line (or key), the field and the limit. Pass ``on_error`` to skip such entries instead:
the callback receives each error and reading goes on with the next entry.

The BibTeX reader also reports what it read otherwise than written (a repeated
field merged, an undefined macro read as empty, a ``crossref`` parent missing)
as a :class:`ReferenceWarning` to ``on_warning``; the entry is read all the same.
"""

from __future__ import annotations

from liaison.literature.reference_formats.bibtex import read_bibtex, write_bibtex
from liaison.literature.reference_formats.model import (
    FIELD_LIMITS,
    Author,
    ErrorHandler,
    Reference,
    ReferenceFormatError,
    ReferenceType,
    ReferenceWarning,
    WarningHandler,
    check_lengths,
)
from liaison.literature.reference_formats.nbib import read_nbib
from liaison.literature.reference_formats.ris import read_ris, write_ris
from liaison.literature.reference_formats.tables import write_csv, write_xlsx

__all__ = [
    "FIELD_LIMITS",
    "Author",
    "ErrorHandler",
    "Reference",
    "ReferenceFormatError",
    "ReferenceType",
    "ReferenceWarning",
    "WarningHandler",
    "check_lengths",
    "read_bibtex",
    "read_nbib",
    "read_ris",
    "write_bibtex",
    "write_csv",
    "write_ris",
    "write_xlsx",
]
