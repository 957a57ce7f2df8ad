"""PubMed/MEDLINE XML in, plain records out (pure code: no ORM, no settings, no network).

``parse_pubmed(source)`` streams a PubMed XML file and yields one :class:`Citation`
per ``PubmedArticle``, ``PubmedBookArticle`` or (in 2016-style MEDLINE files)
``MedlineCitation``, and one :class:`Deletion` per PMID named in a
``DeleteCitation``. It reads every form NLM distributes:

* ``PubmedArticleSet``: E-utilities efetch answers and the annual baseline and
  daily update files (which may end in ``DeleteCitation``); an empty set yields
  nothing;
* ``MedlineCitationSet``: MEDLINE files up to 2016 (no ``PubmedArticle`` wrapper);
* a bare ``PubmedArticle`` (or ``PubmedBookArticle``) root.

Plain or gzip input, told apart by the magic bytes ``1f 8b``, not by the name.
The parser is hardened: a DOCTYPE that declares entities (billion laughs,
external entities) is refused before parsing; DTDs are never loaded and the
network never used; libxml2's limits stay on (``huge_tree=False``: nesting
depth 256, 10 MB per text node). Memory stays flat: each record is cleared
after use and the records before it are dropped from the tree.

Example::

    with open("pubmed25n0001.xml.gz", "rb") as stream:
        for record in parse_pubmed(stream):
            print(json.dumps(to_json(record)))

Errors are :class:`PubmedParseError` carrying the file name, line number and
the last PMID read successfully. The JSON layout of :func:`to_json` is
documented in ``docs/pubmed-jsonl.md``.
"""

from __future__ import annotations

from .jsonl import to_json
from .reader import parse_pubmed
from .records import (
    AbstractSection,
    ArticleIds,
    Author,
    Chemical,
    Citation,
    CommentCorrection,
    Deletion,
    Grant,
    Journal,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    PublicationType,
    PubmedParseError,
    Record,
)

__all__ = [
    "AbstractSection",
    "ArticleIds",
    "Author",
    "Chemical",
    "Citation",
    "CommentCorrection",
    "Deletion",
    "Grant",
    "Journal",
    "MeshHeading",
    "MeshQualifier",
    "PartialDate",
    "PublicationType",
    "PubmedParseError",
    "Record",
    "parse_pubmed",
    "to_json",
]
