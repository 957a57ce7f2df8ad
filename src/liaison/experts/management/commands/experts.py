"""``liaison experts resolve|score|evaluate``: expert identification at the command line.

``resolve`` runs identity resolution over the library's authors and investigators
and the registry's trial officials, ``score`` recomputes the expert scores and
tiers of every therapeutic area (or one), both with a progress bar; ``evaluate``
measures the resolver on a labelled gold standard without touching the database.
"""

from __future__ import annotations

from liaison.lib.cli import CommandGroup, Subcommand

HERE = "liaison.experts.management.subcommands"


class Command(CommandGroup):
    help = (
        "Expert identification: `resolve` links authors and investigators to HCPs, `score` "
        "recomputes scores and tiers, `evaluate` measures the resolver on labelled data."
    )
    subcommands = {
        "resolve": Subcommand(f"{HERE}.resolve.Resolve", "resolve authors and investigators"),
        "score": Subcommand(f"{HERE}.score.Score", "recompute expert scores and tiers"),
        "evaluate": Subcommand(
            f"{HERE}.evaluate.Evaluate", "measure the resolver on a labelled gold standard"
        ),
    }
