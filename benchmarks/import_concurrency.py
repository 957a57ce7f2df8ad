"""Import concurrency benchmark: audited HCP edits in the web while a large import runs.

Starts from an empty database (SQLite in its own data directory, or the
PostgreSQL database named in LIAISON_DATABASE_URL, dropped and created by the
run), with an administrator and a few HCPs. Then:

1. times ``liaison import hcps`` of a generated CSV of ``--rows`` new HCPs
   (rows as ``benchmarks/directory.py`` writes them) in a child process;
2. meanwhile, in this process, PATCHes one of the HCPs every ``--interval``
   seconds through the whole Django stack (test Client, token auth, the
   audited update service), and reports p50, p95 and max latency of those
   edits and how many failed (``--no-edits``: the import alone). The import's
   CPU time (its process only: not PostgreSQL's server) is given beside its
   wall-clock time, as it moves less when other work shares the machine.

Bounded: the import is stopped after ``--max-seconds`` and at most
``--max-edits`` edits are made. ``--src`` runs the import and the edits with another copy
of the code (e.g. a ``git archive`` of an earlier commit) for a before/after
comparison on the same machine and file.

    .venv/bin/python benchmarks/import_concurrency.py                   # SQLite
    LIAISON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_concurrency \\
        .venv/bin/python benchmarks/import_concurrency.py               # PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from directory import write_import_csv  # benchmarks/directory.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
EDITED_HCPS = 20

# The child process: import the CSV as the administrator, print the seconds it took.
IMPORT_CHILD = """
import io, json, sys, time
import django
django.setup()
from django.core.management import call_command, get_commands
# Code before the one command per app named the import `import_hcps`.
words = ["directory", "import"] if "directory" in get_commands() else ["import_hcps"]
started, cpu = time.perf_counter(), time.process_time()
error = ""
try:
    call_command(*words, sys.argv[1], "--as", "admin", verbosity=0,
                 stdout=io.StringIO(), stderr=io.StringIO())
except BaseException as exc:
    error = str(exc) or type(exc).__name__
print(json.dumps({"seconds": time.perf_counter() - started,
                  "cpu": time.process_time() - cpu, "error": error}))
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="CSV rows to import (100000)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between edits (0.5)")
    parser.add_argument("--max-edits", type=int, default=2000, help="at most this many edits")
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="stop the import after this long (900)"
    )
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="code the import runs")
    parser.add_argument("--label", default="", help="name of this run in the report")
    parser.add_argument(
        "--no-edits", action="store_true", help="time the import alone (no edits meanwhile)"
    )
    return parser.parse_args()


def reset_database(vendor: str, data_dir: Path) -> None:
    """An empty database: a fresh data directory, or the PostgreSQL database recreated."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    if vendor != "postgresql":
        return
    import psycopg

    url = urlsplit(os.environ["LIAISON_DATABASE_URL"])
    name = url.path.lstrip("/")
    maintenance = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup(data_dir: Path, src: Path) -> tuple[str, list[int]]:
    """Migrate, create the administrator and the HCPs to edit; return a token and their ids."""
    os.environ["LIAISON_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(src))
    import django

    django.setup()
    from django.core.management import call_command

    from liaison.core.models import Role, User
    from liaison.core.services import create_api_token
    from liaison.directory.models import HCP

    call_command("migrate", interactive=False, verbosity=0)
    admin = User.objects.create_user(username="admin", role=Role.ADMINISTRATOR)
    _, secret = create_api_token(actor=None, user=admin, name="benchmark")
    ids = [
        HCP.objects.create(given_name=f"Edited{index}", family_name="Benchmark", country="DE").pk
        for index in range(EDITED_HCPS)
    ]
    return secret, ids


def write_csv(rows: int) -> Path:
    """``rows`` new HCPs, the CSV of benchmarks/directory.py's import scenario (kept)."""
    path = OUT / f"import-{rows}.csv"
    if not path.exists():
        write_import_csv(path, rows)
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * share) - 1))]


def run(args: argparse.Namespace, secret: str, ids: list[int], csv_path: Path) -> dict[str, Any]:
    from django.test import Client

    api = Client(
        raise_request_exception=False,
        HTTP_HOST="127.0.0.1",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    def edit(index: int) -> tuple[float, int]:
        hcp_id = ids[index % len(ids)]
        started = time.perf_counter()
        response = api.patch(
            f"/api/v1/hcps/{hcp_id}",
            data=json.dumps({"city": f"City {index}", "reason": "benchmark"}),
            content_type="application/json",
        )
        return (time.perf_counter() - started) * 1000, response.status_code

    # Edits with nothing else running: the floor the figures below compare to.
    idle = [edit(index)[0] for index in range(10)]
    env = {**os.environ, "PYTHONPATH": str(args.src)}
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_CHILD, str(csv_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.perf_counter()
    latencies: list[float] = []
    failures = 0
    index = 0
    while child.poll() is None and index < (0 if args.no_edits else args.max_edits):
        if time.perf_counter() - started > args.max_seconds:
            child.kill()
            break
        time.sleep(args.interval)
        milliseconds, status = edit(index)
        index += 1
        if child.poll() is not None:
            break  # the import ended during this edit: not an edit during the import
        latencies.append(milliseconds)
        if status != 200:
            failures += 1
    try:
        out, err = child.communicate(
            timeout=max(1.0, args.max_seconds - (time.perf_counter() - started))
        )
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
    try:
        result = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result = {
            "seconds": time.perf_counter() - started,
            "cpu": float("nan"),
            "error": err.strip()[-300:],
        }
    return {
        "import_seconds": result["seconds"],
        "import_cpu": result["cpu"],
        "import_error": result["error"],
        "idle_p50": statistics.median(idle),
        "edits": len(latencies),
        "failures": failures,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 0.95) if latencies else float("nan"),
        "max": max(latencies) if latencies else float("nan"),
    }


def main() -> None:
    args = parse_args()
    vendor = "postgresql" if os.environ.get("LIAISON_DATABASE_URL") else "sqlite"
    OUT.mkdir(parents=True, exist_ok=True)
    data_dir = OUT / f"concurrency-{vendor}"
    reset_database(vendor, data_dir)
    secret, ids = setup(data_dir, args.src)
    csv_path = write_csv(args.rows)
    figures = run(args, secret, ids, csv_path)
    label = args.label or str(args.src)
    line = (
        f"| {vendor} | {label} | {args.rows} | {figures['import_seconds']:.1f}"
        f"{' (' + figures['import_error'] + ')' if figures['import_error'] else ''}"
        f" | {figures['import_cpu']:.1f}"
        f" | {figures['edits']} | {figures['failures']} | {figures['idle_p50']:.0f}"
        f" | {figures['p50']:.0f} | {figures['p95']:.0f} | {figures['max']:.0f} |"
    )
    header = (
        "| database | code | rows | import s | import CPU s | edits | failed | idle p50 ms"
        " | p50 ms | p95 ms | max ms |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        " ---: | ---: | ---: |"
    )
    print(header)
    print(line, flush=True)
    with (OUT / "import-concurrency.md").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


if __name__ == "__main__":
    main()
