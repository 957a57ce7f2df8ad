"""Audit benchmark: ``liaison audit verify`` over a large trail, and bulk appends.

Writes ``--events`` events (HCP-like: create events with personal fields, as an
import writes them, so most are sealed) in its own data directory, erases the
personal values of one record in ten of them, then times :func:`check_chain`.

    .venv/bin/python benchmarks/audit_verify.py                     # SQLite
    LIAISON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench \\
        .venv/bin/python benchmarks/audit_verify.py                 # PostgreSQL
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=230_000, help="trail size (230000)")
    args = parser.parse_args()
    os.environ.setdefault("LIAISON_DATA_DIR", tempfile.mkdtemp(prefix="liaison-audit-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from liaison.core import audit
    from liaison.core.audit_erasure import erase_subject
    from liaison.core.models import Role, User

    call_command("migrate", interactive=False, verbosity=0)
    admin = User.objects.create(username="bench-admin", role=Role.ADMINISTRATOR)
    started = time.perf_counter()
    with transaction.atomic():
        audit.record_events(
            actor=None,
            events=(
                audit.PendingEvent(
                    action="create",
                    record_type="directory.hcp",
                    record_id=number,
                    record_label=f"Dr Given{number} Family{number}",
                    changes={
                        "given_name": [None, f"Given{number}"],
                        "family_name": [None, f"Family{number}"],
                        "emails": [None, [f"person{number}@example.org"]],
                        "city": [None, "Berlin"],
                        "country": [None, "DE"],
                        "origin": [None, "import"],
                        "specialties": [None, [number % 40 + 1]],
                    },
                    json_ready=True,
                )
                for number in range(1, args.events + 1)
            ),
        )
    print(
        f"appended {args.events} events in {time.perf_counter() - started:.1f} s"
        f" ({connection.vendor})"
    )
    started = time.perf_counter()
    for number in range(1, args.events + 1, 10_000):
        erase_subject(actor=admin, record_type="directory.hcp", record_id=number, reason="bench")
    print(f"erased {args.events // 10_000 + 1} subjects in {time.perf_counter() - started:.2f} s")
    started, cpu = time.perf_counter(), time.process_time()
    result = audit.check_chain()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # CPU time as well: on a shared machine the wall clock measures the neighbours.
    print(
        f"verified {result.checked} events ({result.erased} erased) in {elapsed:.1f} s"
        f" ({cpu:.1f} s CPU in this process, load average {os.getloadavg()[0]:.1f});"
        f" problem: {result.problem}"
    )


if __name__ == "__main__":
    main()
