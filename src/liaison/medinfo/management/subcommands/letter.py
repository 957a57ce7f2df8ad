"""``liaison medinfo letter``: an answered inquiry's response letter as DOCX or PDF."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.lib.cli import acting_user
from liaison.medinfo import services
from liaison.medinfo.management.subcommands.common import add_acting_user
from liaison.medinfo.models import Answer, Inquiry


def find_inquiry(actor: Any, key: str) -> Inquiry:
    """The inquiry ``key`` names (its id or its reference, MI-2026-00012) that ``actor`` sees."""
    seen = policy.scope(actor, "view", Inquiry)
    found = (
        seen.filter(pk=int(key)).first()
        if key.isdigit()
        else seen.filter(reference__iexact=key.strip()).first()
    )
    if found is None:
        raise CommandError(f"--inquiry: no inquiry {key!r} that {actor.get_username()} sees")
    return found


class Letter(BaseCommand):
    help = (
        "Write the response letter of an answered inquiry (its latest answer, or --answer "
        "ID) as DOCX or PDF: the cover letter to the requester, the response, its "
        "references and the disclaimer."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--inquiry", required=True, metavar="ID", help="the inquiry's id or reference"
        )
        parser.add_argument(
            "--answer", type=int, metavar="ID", help="one of its answers (default: the latest)"
        )
        parser.add_argument("--format", choices=("docx", "pdf"), default="docx")
        parser.add_argument("--out", required=True, metavar="FILE", help="the file to write")
        add_acting_user(parser, "written")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        inquiry = find_inquiry(actor, str(options["inquiry"]))
        answers = policy.scope(actor, "view", Answer).filter(inquiry=inquiry)
        if options.get("answer"):
            answers = answers.filter(pk=options["answer"])
        answer = answers.select_related("version__standard", "prepared_by").last()
        if answer is None:
            which = f"answer {options['answer']}" if options.get("answer") else "answer"
            raise CommandError(f"--inquiry: {inquiry.reference} has no {which} to write yet")
        try:
            content = services.render_letter(actor=actor, answer=answer, fmt=options["format"])
        except LiaisonError as error:
            raise CommandError(f"{inquiry.reference}: {error.message}") from None
        out = Path(options["out"])
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"--out: {out}: cannot write ({error.strerror})") from None
        self.stderr.write(f"wrote the letter of {inquiry.reference} to {out}")
