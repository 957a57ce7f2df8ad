"""Directory benchmark: HCP list/search page and API list on a large directory.

Builds (once) a demo directory of ``--hcps`` HCPs in its own data directory,
then times ``--requests`` requests per scenario through the whole Django stack
in this process (middleware, policy, templates; no network), reporting p50 and
p95 latency and the SQL queries per request. The import scenario times
``liaison import hcps`` on a generated CSV of ``--import-rows`` new HCPs.

    .venv/bin/python benchmarks/directory.py                      # SQLite
    LIAISON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench \\
        .venv/bin/python benchmarks/directory.py                  # PostgreSQL

The database named in LIAISON_DATABASE_URL must exist and is filled by the run.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SEARCHES = ["muller", "garcia", "celik", "smith", "tanaka", "lefevre", "angstrom", "wojcik"]
SEARCHES += ["sato", "rossi", "schafer", "nunez", "johnson", "kowalczyk", "brown", "dubois"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hcps", type=int, default=100_000, help="directory size (100000)")
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario (200)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="CSV rows to import")
    parser.add_argument("--skip-import", action="store_true", help="skip the import scenario")
    return parser.parse_args()


def setup(args: argparse.Namespace) -> str:
    vendor = "postgresql" if os.environ.get("LIAISON_DATABASE_URL") else "sqlite"
    data_dir = OUT / f"data-{vendor}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LIAISON_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from liaison.directory.models import HCP

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if HCP.objects.count() != args.hcps:
        print(f"building a {args.hcps}-HCP demo directory ({vendor}) ...", flush=True)
        started = time.perf_counter()
        call_command("demo", hcps=args.hcps, force=True, verbosity=0, stdout=io.StringIO())
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    if vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather after a bulk load: without
        # them the planner scans whole link tables for a 50-row prefetch.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return vendor


def measure(name: str, count: int, request: Callable[[int], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request(0)  # warm caches and templates
    timings = []
    queries = []
    for index in range(count):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = request(index)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{name}: HTTP {response.status_code}"
        queries.append(len(captured.captured_queries))
    timings.sort()
    return {
        "scenario": name,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "queries": f"{min(queries)}"
        if min(queries) == max(queries)
        else f"{min(queries)}-{max(queries)}",
    }


def request_scenarios(count: int) -> list[dict[str, Any]]:
    from django.test import Client

    from liaison.core.models import User
    from liaison.core.services import create_api_token

    user = User.objects.get(username="msl")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(user)
    _, secret = create_api_token(actor=None, user=user, name="benchmark")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")

    def search(index: int) -> str:
        return SEARCHES[index % len(SEARCHES)]

    return [
        measure("web: HCP list, page 1", count, lambda i: web.get("/directory/hcps/")),
        measure(
            "web: HCP list, deep page",
            count,
            lambda i: web.get("/directory/hcps/", {"page": 50 + i % 100}),
        ),
        measure(
            "web: name search",
            count,
            lambda i: web.get("/directory/hcps/", {"q": search(i)}),
        ),
        measure(
            "web: search + country filter",
            count,
            lambda i: web.get("/directory/hcps/", {"q": search(i)[:3], "country": "DE"}),
        ),
        measure(
            "api: HCP list, page_size 10",
            count,
            lambda i: api.get("/api/v1/hcps", {"page_size": 10, "page": 1 + i % 50}),
        ),
        measure(
            "api: HCP list, page_size 100",
            count,
            lambda i: api.get("/api/v1/hcps", {"page_size": 100, "page": 1 + i % 50}),
        ),
        measure(
            "api: name search",
            count,
            lambda i: api.get("/api/v1/hcps", {"q": search(i)}),
        ),
    ]


def write_import_csv(path: Path, rows: int) -> None:
    """``rows`` new HCPs as a directory CSV (a different seed than the demo); every row
    carries an NPI or an ORCID, so namesakes are different people."""
    from liaison.directory.demo import hcps

    rng = random.Random(20260101)
    organizations = hcps.plan_organizations(rng)
    orcids: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Country", "NPI", "ORCID", "Email"])
        for plan in hcps.plan_hcps(rng, rows, organizations):
            orcid = plan.orcid
            while not plan.npi and (orcid is None or orcid in orcids):
                orcid = hcps.make_orcid(rng)
            if orcid:
                orcids.add(orcid)
            writer.writerow(
                [
                    plan.given_name,
                    plan.family_name,
                    plan.country,
                    plan.npi or "",
                    orcid or "",
                    plan.emails[0],
                ]
            )


def import_scenario(rows: int) -> dict[str, Any]:
    """Time `liaison import hcps` on ``rows`` new HCPs (a different seed than the demo)."""
    from django.core.management import call_command

    path = OUT / f"import-{rows}.csv"
    write_import_csv(path, rows)
    started = time.perf_counter()
    call_command(
        "directory",
        "import",
        str(path),
        # About one generated NPI in 100,000 is a demo HCP's whose ORCID differs
        # from the row's: an identifier conflict, which the import refuses.
        "--skip-invalid",
        "--as",
        "admin",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    seconds = time.perf_counter() - started
    return {"scenario": f"import of a {rows}-row CSV", "seconds": seconds}


def main() -> None:
    args = parse_args()
    vendor = setup(args)
    results = request_scenarios(args.requests)
    lines = [
        f"Directory of {args.hcps} HCPs on {vendor}, {args.requests} requests per scenario, "
        "in one process:",
        "",
        "| scenario | p50 ms | p95 ms | SQL queries per request |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['scenario']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['queries']} |" for r in results
    ]
    report = "\n".join(lines)
    print(report, flush=True)
    path = OUT / f"directory-{vendor}.md"
    path.write_text(report + "\n", encoding="utf-8")
    if not args.skip_import:
        try:
            imported = import_scenario(args.import_rows)
        except Exception as error:  # the request figures above still stand
            line = f"import of a {args.import_rows}-row CSV failed: {error}"
        else:
            line = f"{imported['scenario']}: {imported['seconds']:.1f} s"
        print(line)
        path.write_text(report + "\n\n" + line + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
