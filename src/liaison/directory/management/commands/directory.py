"""``liaison directory import|export|nppes``: the expert directory at the command line.

The documented lines ``liaison import hcps FILE``, ``liaison import
organizations FILE``, ``liaison export hcps`` and ``liaison nppes lookup`` run
these subcommands (``command_words`` in ``apps.py``).
"""

from __future__ import annotations

from liaison.lib.cli import CommandGroup, Subcommand

HERE = "liaison.directory.management.subcommands"


class Command(CommandGroup):
    help = (
        "The expert directory: `import FILE` imports HCPs or organizations from CSV or XLSX, "
        "`export` writes the HCP list to CSV or XLSX, `nppes lookup` looks HCPs up in the "
        "NPI Registry."
    )
    subcommands = {
        "import": Subcommand(
            f"{HERE}.import_hcps.ImportHcps", "import HCPs or organizations from CSV or XLSX"
        ),
        "export": Subcommand(f"{HERE}.export_hcps.ExportHcps", "export HCPs to CSV or XLSX"),
        "nppes": Subcommand(f"{HERE}.nppes.Nppes", "look HCPs up in the NPI Registry"),
    }
