"""BibTeX and BibLaTeX files: Zotero (Better BibTeX), JabRef, BibDesk, Mendeley, Web of
Science and hand-kept libraries.

Reading (:mod:`.reader`) keeps every entry: without a key, sharing a key, with
a repeated field, with a ``crossref`` parent outside the file. It honours a
JabRef ``% Encoding: ...`` header, expands ``@string`` macros, month macros and
``#`` concatenation (:mod:`.values`), decodes LaTeX accents, symbols and quotes
to Unicode (:mod:`.latex`) and fills the fields an entry lacks from its
``crossref`` parent (the parent's ``title`` becomes the child's ``booktitle``,
as BibLaTeX does). What it reads otherwise than written is reported as a warning.

Writing (:mod:`.writer`) gives UTF-8 BibTeX (biblatex, Zotero, JabRef and
Mendeley read it), braces the values, escapes LaTeX's special characters and
makes stable, unique citation keys: ``mueller2024oncology``, then
``mueller2024oncologya``.
"""

from __future__ import annotations

from liaison.literature.reference_formats.bibtex.latex import (
    decode_latex,
    split_authors,
    typographic_quotes,
)
from liaison.literature.reference_formats.bibtex.reader import read_bibtex
from liaison.literature.reference_formats.bibtex.writer import (
    citation_key,
    escape_latex,
    unique_keys,
    write_bibtex,
)

__all__ = [
    "citation_key",
    "decode_latex",
    "escape_latex",
    "read_bibtex",
    "split_authors",
    "typographic_quotes",
    "unique_keys",
    "write_bibtex",
]
