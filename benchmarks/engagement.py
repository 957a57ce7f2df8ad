"""Field engagement benchmark: the MSL's pages on a large field history.

Builds (once per size) the demo world with ``--hcps`` HCPs in its own data
directory, then adds ``--interactions`` interactions (with their HCPs, areas and
products), ``--insights`` insights and a follow-up for one interaction in ten,
by ``--msls`` generated MSLs and the demo MSLs over five years, written in bulk
(benchmark data: not audited). Then it times ``--requests`` requests per
scenario through the whole Django stack in this process (middleware, policy,
templates; no network) and counts the SQL queries of each request:

* the MSL's home page (``core:home``), signed in as the demo MSL (Mara);
* an HCP profile with its engagement (``directory:hcp-detail``), the HCP most
  often met;
* the interactions list (``engagement:interaction-list``), page 1, deep pages
  and with filters (channel and dates; HCP; product; MSL);
* the insights list (``engagement:insight-list``) as the insights lead, page 1
  and with filters (status, category, area; country and dates; MSL), and as
  the MSL (her own insights).

    .venv/bin/python benchmarks/engagement.py --interactions 100000 --insights 20000
    .venv/bin/python benchmarks/engagement.py                      # 1,000,000 / 200,000
    LIAISON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_engagement \\
        .venv/bin/python benchmarks/engagement.py --interactions 100000 --insights 20000

The database named in LIAISON_DATABASE_URL must exist and is filled by the run.
``--explain`` prints the query plan of each scenario's slowest query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SEED = 20261203
BATCH = 50_000
TARGET_P95_MS = 200.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000, help="(1000000)")
    parser.add_argument("--insights", type=int, default=200_000, help="(200000)")
    parser.add_argument("--hcps", type=int, default=20_000, help="directory size (20000)")
    parser.add_argument("--msls", type=int, default=200, help="generated MSLs (200)")
    parser.add_argument("--requests", type=int, default=100, help="requests per scenario (100)")
    parser.add_argument("--explain", action="store_true", help="plan of each slowest query")
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose name contains this text"
    )
    return parser.parse_args()


def setup(args: argparse.Namespace) -> str:
    vendor = "postgresql" if os.environ.get("LIAISON_DATABASE_URL") else "sqlite"
    data_dir = OUT / f"engagement-{vendor}-{args.interactions}-{args.insights}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LIAISON_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from liaison.directory.models import HCP
    from liaison.engagement.models import Insight, Interaction

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    wanted = Interaction.objects.filter(msl__username__startswith="bench-").count()
    if HCP.objects.count() != args.hcps or wanted == 0:
        print(f"building a {args.hcps}-HCP demo world ({vendor}) ...", flush=True)
        started = time.perf_counter()
        call_command("demo", hcps=args.hcps, force=True, verbosity=0, stdout=io.StringIO())
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        generate(args)
        print(
            f"  generated {Interaction.objects.count():,} interactions and "
            f"{Insight.objects.count():,} insights in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum (PostgreSQL) would gather after a bulk load.
        cursor.execute("ANALYZE")
    return vendor


# --- generation ------------------------------------------------------------------------


def generate(args: argparse.Namespace) -> None:
    """The generated field history, in bulk, ids assigned here (no RETURNING)."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from liaison.core.models import Role, Team, User
    from liaison.directory.models import HCP, Product, TherapeuticArea
    from liaison.engagement import demo
    from liaison.engagement.models import (
        Channel,
        FollowUp,
        Insight,
        InsightCategory,
        InsightSource,
        InsightStatus,
        Interaction,
        InteractionKind,
    )
    from liaison.lib.bulk import insert_rows

    rng = random.Random(SEED)
    ops = connection.ops
    now = timezone.now()
    span = 5 * 365 * 24 * 3600  # five years of history

    with transaction.atomic():
        manager = User.objects.get(username="manager")
        new_users = [
            User(
                username=f"bench-msl-{index:04d}",
                role=Role.MSL,
                first_name="Bench",
                last_name=f"MSL {index}",
                password="!",  # noqa: S106 - an unusable password, as set_unusable_password writes
            )
            for index in range(args.msls)
        ]
        User.objects.bulk_create(new_users)
        generated = list(User.objects.filter(username__startswith="bench-msl-").order_by("pk"))
        for start in range(0, len(generated), 20):
            team = Team.objects.create(name=f"Bench team {start // 20 + 1}", manager=manager)
            team.members.set(generated[start : start + 20])
    msls = [
        *User.objects.filter(username__in=("msl", "msl2")).order_by("username"),
        *generated,
    ]
    msl_ids = [user.pk for user in msls]
    hcp_rows = list(HCP.objects.order_by("pk").values_list("pk", "country"))
    country_of = dict(hcp_rows)
    hcp_ids = [pk for pk, _country in hcp_rows]
    # Each MSL's own HCPs: a slice of the directory, a few met far more often.
    per_msl = max(50, len(hcp_ids) // len(msls))
    own_hcps = {
        msl: hcp_ids[(index * per_msl) % len(hcp_ids) :][:per_msl] or hcp_ids[:per_msl]
        for index, msl in enumerate(msl_ids)
    }
    areas = dict(TherapeuticArea.objects.values_list("code", "pk"))
    products = list(Product.objects.values_list("pk", "therapeutic_area_id"))
    area_ids = list(areas.values())
    channels = [c.value for c in Channel]
    channel_weights = [45, 25, 12, 8, 5, 5]
    kinds = [k.value for k in InteractionKind]
    kind_weights = [65, 12, 10, 5, 8]
    notes = [
        template.format(
            hcp=f"Dr {name}",
            hcp_short=f"Dr {name}",
            condition=condition,
            product=product,
            competitor="Tremiqa",
            comparator="osimertinib",
            paper="the phase 3 publication",
        )
        for template in demo.NOTES
        for name in ("Weber", "Smith", "Rossi", "Tanaka", "Nowak")
        for condition, product in (("EGFR-mutated NSCLC", "Onvexa"), ("FH", "Cardivance"))
    ]
    outcomes = [text.format(hcp_short="Dr Weber") for text in demo.OUTCOMES]

    start_id = (Interaction.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    interaction_names = [
        "id", "occurred_at", "time_zone", "duration_minutes", "msl", "other_attendees",
        "channel", "kind", "location", "meeting_link", "topics", "materials", "notes",
        "outcome", "off_label", "unsolicited", "unsolicited_requested_by", "unsolicited_how",
        "meeting", "amendment_count", "created_at", "updated_at",
    ]  # fmt: skip
    follow_up_names = [
        "owner", "interaction", "hcp", "description", "due", "done_at", "created_at",
        "updated_at",
    ]  # fmt: skip
    hcps_through = Interaction.hcps.through
    areas_through = Interaction.therapeutic_areas.through
    products_through = Interaction.products.through
    # (interaction id, msl id, hcp id, area id, product id, created_at) for the insights.
    sample: list[tuple[int, int, int, int, int | None, dt.datetime]] = []
    keep_every = max(1, args.interactions // max(1, args.insights))
    done = 0
    while done < args.interactions:
        size = min(BATCH, args.interactions - done)
        rows = []
        hcp_pairs = []
        area_pairs = []
        product_pairs = []
        follow_ups = []
        for offset in range(size):
            pk = start_id + done + offset
            msl = msl_ids[rng.randrange(len(msl_ids))]
            own = own_hcps[msl]
            hcp = own[int(len(own) * rng.random() ** 2)]
            occurred = now - dt.timedelta(seconds=rng.randrange(3600, span))
            created = occurred + dt.timedelta(hours=2)
            area = area_ids[rng.randrange(len(area_ids))]
            product = products[rng.randrange(len(products))] if rng.random() < 0.7 else None
            channel = rng.choices(channels, channel_weights)[0]
            rows.append(
                (
                    pk, ops.adapt_datetimefield_value(occurred), "Europe/Berlin",
                    30, msl, "[]", channel, rng.choices(kinds, kind_weights)[0], "", "",
                    "[]", "", notes[rng.randrange(len(notes))],
                    outcomes[rng.randrange(len(outcomes))], False, None, "", "", None, 0,
                    ops.adapt_datetimefield_value(created),
                    ops.adapt_datetimefield_value(created),
                )
            )  # fmt: skip
            hcp_pairs.append((pk, hcp))
            if rng.random() < 0.1:
                hcp_pairs.append((pk, own[rng.randrange(len(own))]))
            area_pairs.append((pk, product[1] if product else area))
            if product is not None:
                product_pairs.append((pk, product[0]))
            if rng.random() < 0.1:
                due = (occurred + dt.timedelta(days=14)).date()
                finished = due < now.date() - dt.timedelta(days=7) and rng.random() < 0.95
                follow_ups.append(
                    (
                        msl, pk, hcp, "Send the requested publication",
                        ops.adapt_datefield_value(due),
                        ops.adapt_datetimefield_value(created + dt.timedelta(days=10))
                        if finished
                        else None,
                        ops.adapt_datetimefield_value(created),
                        ops.adapt_datetimefield_value(created),
                    )
                )  # fmt: skip
            if (done + offset) % keep_every == 0:
                sample.append((pk, msl, hcp, product[1] if product else area,
                               product[0] if product else None, created))  # fmt: skip
        with transaction.atomic():
            insert_rows(Interaction, interaction_names, rows)
            insert_rows(hcps_through, ["interaction", "hcp"], list(dict.fromkeys(hcp_pairs)))
            insert_rows(areas_through, ["interaction", "therapeuticarea"], area_pairs)
            insert_rows(products_through, ["interaction", "product"], product_pairs)
            insert_rows(FollowUp, follow_up_names, follow_ups)
        done += size
        print(f"  interactions {done:,}/{args.interactions:,}", flush=True)

    categories = {category.code: category.pk for category in InsightCategory.objects.all()}
    insight_names = [
        "statement", "category", "therapeutic_area", "product", "source", "interaction",
        "hcp", "country", "msl", "status", "tags", "theme", "theme_locked", "search_text",
        "created_at", "updated_at",
    ]  # fmt: skip
    statuses = [InsightStatus.NEW.value, InsightStatus.REVIEWED.value, InsightStatus.ACTIONED.value]
    written = 0
    while written < args.insights:
        size = min(BATCH, args.insights - written)
        insight_rows: list[tuple[Any, ...]] = []
        for index in range(size):
            pk, msl, hcp, area, product_id, created = sample[(written + index) % len(sample)]
            spec = demo.THEMES[rng.randrange(len(demo.THEMES))]
            statement = demo.insight_statement(rng, spec)
            insight_rows.append(
                (
                    statement, categories[spec.category], area, product_id,
                    InsightSource.INTERACTION.value, pk, hcp, country_of.get(hcp, ""), msl,
                    rng.choices(statuses, [30, 50, 20])[0], json.dumps([]), None, False,
                    " ".join(statement.lower().split()),
                    ops.adapt_datetimefield_value(created),
                    ops.adapt_datetimefield_value(created),
                )
            )  # fmt: skip
        with transaction.atomic():
            insert_rows(Insight, insight_names, insight_rows)
        written += size
        print(f"  insights {written:,}/{args.insights:,}", flush=True)


# --- measuring -------------------------------------------------------------------------


def measure(name: str, count: int, request: Callable[[int], Any], explain: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request(0)  # warm caches and templates
    timings = []
    queries = []
    slowest: tuple[float, str] = (0.0, "")
    for index in range(count):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = request(index)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{name}: HTTP {response.status_code}"
        queries.append(len(captured.captured_queries))
        for query in captured.captured_queries:
            seconds = float(query["time"])
            if seconds > slowest[0]:
                slowest = (seconds, query["sql"])
    timings.sort()
    result = {
        "scenario": name,
        "p50": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "queries": f"{min(queries)}"
        if min(queries) == max(queries)
        else f"{min(queries)}-{max(queries)}",
        "slowest_ms": slowest[0] * 1000,
        "slowest_sql": slowest[1],
    }
    if explain and slowest[1]:
        result["plan"] = plan_of(slowest[1])
    return result


def plan_of(sql: str) -> str:
    """The database's plan of one captured query (its parameters are inlined by the capture)."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
    except Exception as error:  # a captured query whose literals do not read back
        return f"(no plan: {error})"


def scenarios(count: int, explain: bool, only: str = "") -> list[dict[str, Any]]:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from liaison.core.models import User
    from liaison.engagement.models import Interaction

    mara = User.objects.get(username="msl")
    lead = User.objects.get(username="insights")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(mara)
    lead_web = Client(HTTP_HOST="127.0.0.1")
    lead_web.force_login(lead)
    busiest = (
        Interaction.hcps.through.objects.filter(interaction__msl=mara)
        .values("hcp_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    hcp_id = busiest["hcp_id"]
    product_id = (
        Interaction.products.through.objects.filter(interaction__msl=mara)
        .values_list("product_id", flat=True)
        .first()
    )
    today = timezone.localdate()
    interactions = reverse("engagement:interaction-list")
    insights = reverse("engagement:insight-list")

    def ago(days: int) -> str:
        return (today - dt.timedelta(days=days)).isoformat()

    plan: Sequence[tuple[str, Client, Callable[[int], tuple[str, dict[str, Any]]]]] = (
        ("MSL home page", web, lambda i: (reverse("core:home"), {})),
        (
            "HCP profile with its engagement",
            web,
            lambda i: (reverse("directory:hcp-detail", args=[hcp_id]), {}),
        ),
        ("interactions, page 1", web, lambda i: (interactions, {})),
        ("interactions, deep page", web, lambda i: (interactions, {"page": 20 + i % 80})),
        (
            "interactions: channel + last 90 days",
            web,
            lambda i: (interactions, {"channel": "in_person", "date_from": ago(90)}),
        ),
        ("interactions: one HCP", web, lambda i: (interactions, {"hcp": hcp_id})),
        ("interactions: product", web, lambda i: (interactions, {"product": product_id})),
        ("interactions: one MSL", web, lambda i: (interactions, {"msl": mara.pk})),
        ("insights (lead), page 1", lead_web, lambda i: (insights, {})),
        (
            "insights (lead): status + category + area",
            lead_web,
            lambda i: (
                insights,
                {"status": "new", "category": "unmet_medical_need", "therapeutic_area": "oncology"},
            ),
        ),
        (
            "insights (lead): country + last year",
            lead_web,
            lambda i: (insights, {"country": "DE", "date_from": ago(365)}),
        ),
        ("insights (MSL, her own)", web, lambda i: (insights, {})),
    )
    results = []
    for name, client, target in plan:
        if only and only not in name:
            continue

        def request(index: int, client: Client = client, target: Any = target) -> Any:
            url, params = target(index)
            return client.get(url, params)

        result = measure(name, count, request, explain)
        results.append(result)
        print(
            f"  {name}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
            f"{result['queries']} queries (slowest {result['slowest_ms']:.1f} ms)",
            flush=True,
        )
    return results


def main() -> None:
    args = parse_args()
    vendor = setup(args)
    from liaison.engagement.models import Insight, Interaction

    results = scenarios(args.requests, args.explain, args.only)
    lines = [
        f"{Interaction.objects.count():,} interactions and {Insight.objects.count():,} "
        f"insights, {args.hcps:,} HCPs, {vendor}, {args.requests} requests per scenario, "
        "in one process:",
        "",
        "| scenario | p50 ms | p95 ms | SQL queries per request | slowest query ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        p95 = f"{r['p95']:.1f}"
        if vendor == "sqlite" and r["p95"] > TARGET_P95_MS:
            p95 = f"**{p95}** (over {TARGET_P95_MS:.0f})"
        lines.append(
            f"| {r['scenario']} | {r['p50']:.1f} | {p95} | {r['queries']} | {r['slowest_ms']:.1f} |"
        )
    report = "\n".join(lines)
    print(report, flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"engagement-{vendor}-{args.interactions}.md"
    details = [
        f"\n### {r['scenario']}\n\nslowest query ({r['slowest_ms']:.1f} ms):\n\n"
        f"```sql\n{r['slowest_sql'][:3000]}\n```\n"
        + (f"\nplan:\n\n```\n{r['plan']}\n```\n" if "plan" in r else "")
        for r in results
    ]
    path.write_text(report + "\n" + "".join(details), encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
