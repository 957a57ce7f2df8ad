"""Import of HCPs and organizations from CSV and XLSX files.

* :mod:`.fields` — the fields a file can fill and the default header mapping;
* :mod:`.reading` — CSV/XLSX rows as text (pure);
* :mod:`.validation` — row checks producing a report (pure);
* :mod:`.report` — the import report;
* :mod:`.service` — :func:`validate_file`, :func:`review_file` (what each row
  would do), :func:`check_file` and :func:`import_file` (a check pass that
  writes nothing, then a write pass in batches);
* :mod:`.writing` — what the writers share: bulk matching, inserts (through
  :mod:`liaison.lib.bulk`), updates and audit events;
* :mod:`.hcp_writer`, :mod:`.organization_writer` — one writer per kind of row;
* :mod:`.affiliations` — the affiliations and organizations HCP rows name.
"""

from liaison.directory.importing.fields import Kind, default_mapping, parse_mapping_options
from liaison.directory.importing.report import Action, ImportReport, RowMatch
from liaison.directory.importing.service import (
    Preview,
    check_file,
    import_file,
    preview_file,
    review_file,
    validate_file,
)
from liaison.directory.importing.validation import Problem

__all__ = [
    "Action",
    "ImportReport",
    "Kind",
    "Preview",
    "Problem",
    "RowMatch",
    "check_file",
    "default_mapping",
    "import_file",
    "parse_mapping_options",
    "preview_file",
    "review_file",
    "validate_file",
]
