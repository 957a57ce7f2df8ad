"""``liaison medinfo inquiries|letter|turnaround``: medical information at the command line.

``inquiries`` lists the queue with each inquiry's clock, ``letter`` writes the
response letter of an answered inquiry as DOCX or PDF, ``turnaround`` prints the
turnaround report of a period. Each acts as a user (``--as``) and sees what that
user sees.
"""

from __future__ import annotations

from liaison.lib.cli import CommandGroup, Subcommand

HERE = "liaison.medinfo.management.subcommands"


class Command(CommandGroup):
    help = (
        "Medical information: `inquiries` lists the queue with its clocks, `letter` writes "
        "an answered inquiry's response letter (DOCX or PDF), `turnaround` reports answer "
        "times by priority."
    )
    subcommands = {
        "inquiries": Subcommand(f"{HERE}.inquiries.Inquiries", "list inquiries with their clocks"),
        "letter": Subcommand(f"{HERE}.letter.Letter", "write an inquiry's response letter"),
        "turnaround": Subcommand(
            f"{HERE}.turnaround.Turnaround", "report answer times by priority"
        ),
    }
