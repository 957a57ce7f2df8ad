"""``liaison safety import-e2b|export-e2b|mark-sent|import-ack|escalate-flags``:
adverse events at the command line.

``import-e2b`` turns the ICSRs of E2B(R3) files into cases (each file all or
nothing), ``export-e2b`` writes a case as an E2B(R3) file and says whether it
validates, ``mark-sent`` records that an exported file went to the regulator
(which submits its case), ``import-ack`` applies an acknowledgement to the submissions it
names, ``escalate-flags`` (from cron) sends flags left unhandled past their
business day to pharmacovigilance.
"""

from __future__ import annotations

from liaison.lib.cli import CommandGroup, Subcommand

HERE = "liaison.safety.management.subcommands"


class Command(CommandGroup):
    help = (
        "Adverse events: `import-e2b FILE...` imports E2B(R3) case files, `export-e2b` writes "
        "a case as an E2B(R3) file, `mark-sent SUBMISSION` records that the file went to the "
        "regulator, `import-ack FILE` applies an acknowledgement, "
        "`escalate-flags` escalates flags left unhandled (from cron)."
    )
    subcommands = {
        "import-e2b": Subcommand(
            f"{HERE}.import_e2b.ImportE2B", "import cases from E2B(R3) ICSR files"
        ),
        "export-e2b": Subcommand(f"{HERE}.export_e2b.ExportE2B", "write a case as an E2B(R3) file"),
        "mark-sent": Subcommand(
            f"{HERE}.mark_sent.MarkSent", "mark an exported E2B file sent, submitting its case"
        ),
        "import-ack": Subcommand(
            f"{HERE}.import_ack.ImportAck", "apply an E2B(R3) acknowledgement to its submissions"
        ),
        "escalate-flags": Subcommand(
            f"{HERE}.escalate_flags.EscalateFlags",
            "escalate flags left unhandled past their business day to pharmacovigilance",
        ),
    }
