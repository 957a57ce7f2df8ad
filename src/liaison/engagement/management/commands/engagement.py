"""``liaison engagement export|themes``: field engagement at the command line."""

from __future__ import annotations

from liaison.lib.cli import CommandGroup, Subcommand

HERE = "liaison.engagement.management.subcommands"


class Command(CommandGroup):
    help = (
        "Field engagement: `export` writes interactions or insights (with their themes) to CSV "
        "or XLSX, `themes` recomputes the insight themes with a progress bar."
    )
    subcommands = {
        "export": Subcommand(f"{HERE}.export.Export", "export interactions or insights"),
        "themes": Subcommand(f"{HERE}.themes.Themes", "recompute the insight themes"),
    }
