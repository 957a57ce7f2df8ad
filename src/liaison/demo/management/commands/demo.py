"""``liaison demo``: build the deterministic demo world."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from liaison.core.errors import LiaisonError
from liaison.demo.world import DEFAULT_HCPS, DEFAULT_SEED, build_demo
from liaison.lib.progress import progress_bar


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Build the demo world from a seed (same seed, same directory): about 2,000 HCPs at "
        "about 300 institutions in 12 countries, products and labelled indications, three "
        "territories, two teams and one user per role, and a literature and trial corpus of "
        "the demo HCPs (about 3,000 publications and 150 trials). The demo passwords are "
        "printed once and kept in demo-logins.txt (mode 0600) in the data directory."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (42)")
        parser.add_argument(
            "--hcps",
            type=int,
            default=DEFAULT_HCPS,
            help="number of HCPs (2000; 100000 for benchmarks)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an existing directory and the demo users (the removal is audited)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hcps"] < 1:
            raise CommandError(f"--hcps: {options['hcps']} is not a positive number")
        data_dir = Path(settings.DATA_DIR)
        if connection.vendor == "sqlite":
            # One long transaction: a bigger page cache keeps SQLite from spilling
            # index pages to the WAL again and again (a 100,000-HCP build).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -131072")
        try:
            with progress_bar(enabled=options["verbosity"] > 0) as report:
                world = build_demo(
                    seed=options["seed"],
                    hcps=options["hcps"],
                    data_dir=data_dir,
                    progress=report,
                    force=options["force"],
                )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"demo world built: {world.hcps} HCPs, {world.organizations} organizations, "
            f"{world.products} products, {world.publications} publications, "
            f"{world.trials} trials"
        )
        self.stdout.write(f"demo logins (also in {world.logins_file}, mode 0600):")
        for login in world.logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<20} {login.password}")
