"""``liaison literature pubmed|import|export``: the library at the command line.

The documented lines ``liaison pubmed load FILE``, ``liaison import references
FILE`` and ``liaison export publications`` run these subcommands
(``command_words`` in ``apps.py``).
"""

from __future__ import annotations

from liaison.lib.cli import CommandGroup, Subcommand

HERE = "liaison.literature.management.subcommands"


class Command(CommandGroup):
    help = (
        "The library: `pubmed parse|load|fetch|reindex` reads PubMed XML and E-utilities, "
        "`import FILE` imports a RIS, BibTeX or .nbib file into your library, `export` writes "
        "publications to RIS, BibTeX, CSV or XLSX."
    )
    subcommands = {
        "pubmed": Subcommand(
            f"{HERE}.pubmed.Pubmed", "PubMed XML: parse to JSON lines, load, fetch, reindex"
        ),
        "import": Subcommand(
            f"{HERE}.import_references.ImportReferences",
            "import a RIS, BibTeX or .nbib file into your library",
        ),
        "export": Subcommand(
            f"{HERE}.export_publications.ExportPublications",
            "export publications to RIS, BibTeX, CSV or XLSX",
        ),
    }
