"""Library load benchmark: PubMed records into the library, per second.

Builds (once) a PubMed XML file of ``--records`` records by replicating the real
samples in ../shared/data/pubmed with new PMIDs (2016 MEDLINE citations are
wrapped in ``PubmedArticle``), then times, in a fresh database:

* parse only (the parser, no database);
* store only (``storing.store_records`` on the records parsed before);
* the same records stored again (all unchanged);
* ``services.load_pubmed_file`` (parse and store) on an empty library, and again;
* a relevance search of a common word with the first page of results.

Wall time and the process's CPU time are both given: on a busy shared machine
the CPU rate says more about the code than the wall rate.

    .venv/bin/python benchmarks/library_load.py --records 20000            # SQLite
    LIAISON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench \\
        .venv/bin/python benchmarks/library_load.py                       # PostgreSQL
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "data" / "pubmed"
OUT = ROOT / "benchmarks" / "out"


def build_file(count: int, target: Path) -> int:
    """Write ``count`` replicated records to ``target``; returns the number of distinct sources."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    sources: list[bytes] = []
    for path in sorted(SAMPLES.rglob("*.xml*")):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            continue
        sources.extend(etree.tostring(item) for item in root.iter("PubmedArticle"))
        if root.tag == "MedlineCitationSet":
            sources.extend(
                b"<PubmedArticle>" + etree.tostring(item) + b"</PubmedArticle>"
                for item in root.iter("MedlineCitation")
            )
    with target.open("wb") as output:
        output.write(b'<?xml version="1.0"?>\n<PubmedArticleSet>\n')
        for index in range(count):
            element = etree.fromstring(sources[index % len(sources)], parser)
            pmid = element.find("MedlineCitation/PMID")
            assert pmid is not None
            pmid.text = str(50_000_000 + index)
            for article_id in element.iter("ArticleId"):
                if article_id.get("IdType") == "pubmed":
                    article_id.text = pmid.text
            output.write(etree.tostring(element) + b"\n")
        output.write(b"</PubmedArticleSet>\n")
    return len(sources)


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--records", type=int, default=20_000, help="records (20000)")
    options = arguments.parse_args()
    if not SAMPLES.is_dir():
        print(f"the real samples are absent ({SAMPLES})", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    source = OUT / f"pubmed-{options.records}.xml"
    if not source.exists():
        distinct = build_file(options.records, source)
        print(f"built {source} from {distinct} real records")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    os.environ.setdefault("LIAISON_DATA_DIR", tempfile.mkdtemp(prefix="liaison-bench-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from liaison.core.models import Role, User
    from liaison.literature import search, services
    from liaison.literature.loading.writer import store_records
    from liaison.literature.models import Authorship, Publication, PublicationMesh
    from liaison.literature.pubmed import parse_pubmed
    from liaison.literature.selectors import PublicationFilters, publication_queryset

    Publication.objects.all().delete()
    search.rebuild_index()
    admin, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.ADMINISTRATOR})
    size = source.stat().st_size
    print(
        f"{connection.vendor}; {options.records} records, {size / 1e6:.0f} MB; {os.getloadavg()=}"
    )

    def timed(label: str, count: int, run: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"{label:<34} wall {wall:6.1f} s {count / wall:7.0f}/s   cpu {cpu:6.1f} s {count / cpu:7.0f}/s"
        )
        return result

    records = timed("parse only", options.records, lambda: list(parse_pubmed(source)))
    count = len(records)
    timed("store only (new)", count, lambda: store_records(records))
    print(
        f"  {Authorship.objects.count()} authorships, {PublicationMesh.objects.count()} MeSH headings"
    )
    timed("store again (unchanged)", count, lambda: store_records(records))
    records = []
    Publication.objects.all().delete()
    search.rebuild_index()
    report = timed(
        "parse + store (load_pubmed_file)",
        count,
        lambda: services.load_pubmed_file(actor=admin, path=source),
    )
    print(f"  {report.summary()}")
    timed(
        "load again (unchanged)", count, lambda: services.load_pubmed_file(actor=admin, path=source)
    )
    wall = time.perf_counter()
    page = publication_queryset(admin, PublicationFilters(q="patients", sort="relevance"))
    found = page.count()
    list(page[:50])
    print(
        f"search 'patients' by relevance: {found} found, first page in {time.perf_counter() - wall:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
