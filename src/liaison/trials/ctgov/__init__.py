"""ClinicalTrials.gov API v2 JSON in, plain records out (pure code: no ORM, no settings, no network).

``parse_ctgov(source)`` reads any of the three shapes the API v2 produces and
yields one :class:`Study` per study:

* a single study object (``GET /api/v2/studies/NCT01234567``);
* a ``/api/v2/studies`` page: ``{"studies": [...], "nextPageToken": ..., "totalCount": ...}``;
* a file with one JSON object per line (JSONL), each a study or a page.

Plain or gzip input (told apart by the magic bytes ``1f 8b``). Studies may be
field-filtered (only some modules present): what is absent is None or empty.
A study without an NCT ID, or with a value of the wrong type, raises
:class:`CtgovParseError` naming the file, the position (line, or index in
the page), the NCT ID when known and the JSON path. The retired v1 format
(``FullStudiesResponse``) is refused with a message that says so.

Example::

    with open("studies.jsonl", "rb") as stream:
        for study in parse_ctgov(stream):
            print(json.dumps(to_json(study)))

``page_from_json`` and ``study_from_json`` read JSON already decoded (for
the live client). The JSON layout of :func:`to_json` is documented in
``docs/ctgov-jsonl.md``.
"""

from __future__ import annotations

from .jsonl import to_json
from .reader import page_from_json, parse_ctgov, study_from_json
from .records import (
    Arm,
    Contact,
    CtgovParseError,
    Enrollment,
    Intervention,
    Location,
    MeshTerm,
    Official,
    Outcome,
    Page,
    Sponsor,
    Study,
)

__all__ = [
    "Arm",
    "Contact",
    "CtgovParseError",
    "Enrollment",
    "Intervention",
    "Location",
    "MeshTerm",
    "Official",
    "Outcome",
    "Page",
    "Sponsor",
    "Study",
    "page_from_json",
    "parse_ctgov",
    "study_from_json",
    "to_json",
]
