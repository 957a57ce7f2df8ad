"""``liaison literature pubmed|import|export``: the library at the command line.

The documented lines ``liaison pubmed load FILE``, ``liaison import references
FILE`` and ``liaison export publications`` run these subcommands
(``command_words`` in ``apps.py``).
"""

from __future__ import annotations

from liaison.lib.cli import CommandGroup
from liaison.literature.management.subcommands.export_publications import ExportPublications
from liaison.literature.management.subcommands.import_references import ImportReferences
from liaison.literature.management.subcommands.pubmed import Pubmed


class Command(CommandGroup):
    help = (
        "The library: `pubmed parse|load|fetch|reindex` reads PubMed XML and E-utilities, "
        "`import FILE` imports a RIS, BibTeX or .nbib file into your library, `export` writes "
        "publications to RIS, BibTeX, CSV or XLSX."
    )
    subcommands = {"pubmed": Pubmed, "import": ImportReferences, "export": ExportPublications}
