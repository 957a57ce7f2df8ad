"""What the library's users and loaders do: the operations that write.

By subject:

* :mod:`.loading`: store PubMed records (files, live fetches, the demo),
  idempotent upserts keyed on PMID, in batches;
* :mod:`.references`: a user's reference files (RIS, BibTeX, .nbib) into
  their library, and publications out to reference files.

The loading operations are re-exported here, so callers write
``services.load_pubmed_file``; the reference files' are imported from
:mod:`.references`.
"""

from liaison.literature.services.loading import (
    BATCH_SIZE,
    PARALLEL_MIN_BYTES,
    LoadReport,
    load_pubmed_batches,
    load_pubmed_file,
    load_records,
    store_records,
)

__all__ = [
    "BATCH_SIZE",
    "PARALLEL_MIN_BYTES",
    "LoadReport",
    "load_pubmed_batches",
    "load_pubmed_file",
    "load_records",
    "store_records",
]
