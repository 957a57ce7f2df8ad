"""``liaison directory import|export|nppes``: the expert directory at the command line.

The documented lines ``liaison import hcps FILE``, ``liaison import
organizations FILE``, ``liaison export hcps`` and ``liaison nppes lookup`` run
these subcommands (``command_words`` in ``apps.py``).
"""

from __future__ import annotations

from liaison.directory.management.subcommands.export_hcps import ExportHcps
from liaison.directory.management.subcommands.import_hcps import ImportHcps
from liaison.directory.management.subcommands.nppes import Nppes
from liaison.lib.cli import CommandGroup


class Command(CommandGroup):
    help = (
        "The expert directory: `import FILE` imports HCPs or organizations from CSV or XLSX, "
        "`export` writes the HCP list to CSV or XLSX, `nppes lookup` looks HCPs up in the "
        "NPI Registry."
    )
    subcommands = {"import": ImportHcps, "export": ExportHcps, "nppes": Nppes}
