"""Ingest benchmark (issue 4): our PubMed and ClinicalTrials.gov parsers against peers and limits.

One run builds, under benchmarks/out/ (gitignored):

* a PubMed XML file of ``--records`` records (100,000) and one of ``--small``
  records (10,000, the same first records), by replicating every PubmedArticle
  of the real samples in ../shared/data/pubmed (gz and metapub_efetch files
  included; 2016 MEDLINE citations wrapped in PubmedArticle) with new PMIDs,
  everything else kept; a gzip copy of each (pubmed-parser reads only gzip);
* a JSONL file of ``--studies`` studies (50,000) replicating the real API v2
  studies in ../shared/data/ctgov (legacy_v1 skipped) with new NCT IDs.

Then every measurement runs in its own subprocess (so ru_maxrss is its own
peak): our parser, a bare lxml iterparse pass (visit and clear only: the
practical limit), pubmed-parser's ``parse_medline_xml`` (gzip only), Biopython's
``Entrez.read`` (no streaming for a PubmedArticleSet: the whole file in memory,
so it is measured on the small file only), then parse and store into SQLite
and PostgreSQL (each in a fresh data directory / a fresh database, created and
dropped). The same for ClinicalTrials.gov against a bare ``json.loads`` pass.

    make bench                                   # installs the bench group (peers)
    .venv/bin/python benchmarks/ingest.py        # default sizes, about 15 minutes on 2 cores
    .venv/bin/python benchmarks/ingest.py --records 20000 --small 5000 --studies 10000 --no-postgres

Wall time and CPU time of the measured process are both given: on a shared,
busy machine the CPU rate says more about the code. The load average is
printed at the start and the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "out"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DOCTYPE = (
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
FIRST_PMID = 60_000_000

Result = dict[str, Any]


# --- building the files -----------------------------------------------------------------------


def pubmed_sources() -> tuple[list[bytes], list[bytes]]:
    """Every PubmedArticle of the real samples, serialized, and the 2016 MEDLINE citations wrapped."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    sources: list[bytes] = []
    wrapped: list[bytes] = []
    for path in sorted((DATA / "pubmed").rglob("*.xml*")):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            continue
        sources.extend(etree.tostring(item) for item in root.iter("PubmedArticle"))
        if root.tag == "MedlineCitationSet":
            wrapped.extend(
                b"<PubmedArticle>" + etree.tostring(item) + b"</PubmedArticle>"
                for item in root.iter("MedlineCitation")
            )
    return sources, wrapped


def entrez_readable(sources: list[bytes]) -> list[bytes]:
    """The sources Entrez.read accepts (it refuses pre-2014 layouts the 2025 DTD lacks)."""
    import io

    from Bio import Entrez

    readable = []
    for source in sources:
        document = b'<?xml version="1.0" ?>\n' + DOCTYPE + b"<PubmedArticleSet>"
        try:
            document += source + b"</PubmedArticleSet>"
            Entrez.read(io.BytesIO(document), validate=False)
        except (ValueError, RuntimeError):
            continue
        readable.append(source)
    return readable


def build_pubmed(count: int, target: Path, sources: list[bytes]) -> None:
    """Write ``count`` copies of the sources in turn, each with a new PMID (also in ArticleIdList)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    partial = target.with_suffix(".part")
    with partial.open("wb") as output:
        output.write(b'<?xml version="1.0" ?>\n' + DOCTYPE + b"<PubmedArticleSet>\n")
        for index in range(count):
            element = etree.fromstring(sources[index % len(sources)], parser)
            pmid = element.find("MedlineCitation/PMID")
            assert pmid is not None
            old, new = pmid.text, str(FIRST_PMID + index)
            pmid.text = new
            for article_id in element.iter("ArticleId"):
                if article_id.get("IdType") == "pubmed" and article_id.text == old:
                    article_id.text = new
            output.write(etree.tostring(element) + b"\n")
        output.write(b"</PubmedArticleSet>\n")
    partial.rename(target)


def gzip_copy(source: Path) -> Path:
    target = source.with_name(source.name + ".gz")
    if not target.exists():
        partial = target.with_suffix(".part")
        with source.open("rb") as raw, gzip.open(partial, "wb", compresslevel=6) as packed:
            shutil.copyfileobj(raw, packed, 1 << 20)
        partial.rename(target)
    return target


def ctgov_sources() -> list[dict[str, Any]]:
    """Every API v2 study of the real samples (single studies and pages; legacy_v1 skipped)."""
    studies: list[dict[str, Any]] = []
    for path in sorted((DATA / "ctgov").glob("*.json")):
        data = json.loads(path.read_bytes())
        if "protocolSection" in data:
            studies.append(data)
        studies.extend(data.get("studies", []))
    return studies


def build_ctgov(count: int, target: Path, sources: list[dict[str, Any]]) -> None:
    partial = target.with_suffix(".part")
    with partial.open("w", encoding="utf-8") as output:
        for index in range(count):
            study = sources[index % len(sources)]
            identification = study["protocolSection"]["identificationModule"]
            original = identification["nctId"]
            identification["nctId"] = f"NCT{90_000_000 + index:08d}"
            output.write(json.dumps(study, ensure_ascii=False) + "\n")
            identification["nctId"] = original
    partial.rename(target)


# --- the measured work (each in its own process) -------------------------------------------------


def _open(path: str) -> Any:
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def _fields(value: Any) -> int:
    """Leaf fields of a parsed record (dataclasses and their nested dataclasses)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_fields(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, list | tuple) and value and dataclasses.is_dataclass(value[0]):
        return _fields(value[0])
    return 1


def run_ours(path: str) -> Result:
    sys.path.insert(0, str(ROOT / "src"))
    from liaison.literature.pubmed import parse_pubmed

    count, fields = 0, 0
    for record in parse_pubmed(path):
        count += 1
        if count == 1:
            fields = _fields(record)
    return {"records": count, "fields": fields}


def run_bare(path: str) -> Result:
    from lxml import etree

    count = 0
    with _open(path) as stream:
        for _event, element in etree.iterparse(
            stream, events=("end",), tag="PubmedArticle", resolve_entities=False, no_network=True
        ):
            count += 1
            element.clear(keep_tail=True)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    return {"records": count}


def run_pubmed_parser(path: str) -> Result:
    from pubmed_parser import parse_medline_xml

    count, fields = 0, 0
    for record in parse_medline_xml(path):
        count += 1
        if count == 1:
            fields = len(record)
    return {"records": count, "fields": fields}


def run_entrez(path: str) -> Result:
    from Bio import Entrez

    with _open(path) as stream:
        # validate=False: the 2016 MEDLINE records carry tags the 2025 DTD no longer has.
        result = Entrez.read(stream, validate=False)
    return {"records": len(result["PubmedArticle"])}


def run_ctgov_ours(path: str) -> Result:
    sys.path.insert(0, str(ROOT / "src"))
    from liaison.trials.ctgov import parse_ctgov

    count, fields = 0, 0
    for study in parse_ctgov(path):
        count += 1
        if count == 1:
            fields = _fields(study)
    return {"records": count, "fields": fields}


def run_ctgov_bare(path: str) -> Result:
    count = 0
    with _open(path) as stream:
        for line in stream:
            json.loads(line)
            count += 1
    return {"records": count}


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_store_pubmed(path: str, parallel: bool | None = None) -> Result:
    _django()
    from liaison.core.models import Role, User
    from liaison.literature import services
    from liaison.literature.models import Authorship, Publication, PublicationMesh

    admin = User.objects.create(username="bench", role=Role.ADMINISTRATOR)
    started, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = services.load_pubmed_file(actor=admin, path=path, parallel=parallel)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reader_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return {
        "records": Publication.objects.count(),
        "authorships": Authorship.objects.count(),
        "mesh": PublicationMesh.objects.count(),
        "summary": report.summary(),
        "reader_cpu": reader_cpu,
        "reader_peak_mb": after.ru_maxrss / 1024 if reader_cpu else 0.0,
        "timed": [wall, cpu],
    }


def run_store_pubmed_serial(path: str) -> Result:
    return run_store_pubmed(path, parallel=False)


def run_feed(path: str) -> Result:
    """The reading process of a parallel load alone: parse, build rows, encode (what it sends)."""
    sys.path.insert(0, str(ROOT / "src"))
    import marshal

    from liaison.literature.loading.batches import _encode, read_here

    count, sent = 0, 0
    for batch in read_here(path, path, 1000):
        sent += len(marshal.dumps(_encode(batch)))
        count += len(batch.records)
    return {"records": count, "sent_mb": sent / 1e6}


def run_store_ctgov(path: str) -> Result:
    _django()
    from liaison.trials import services
    from liaison.trials.models import Trial, TrialOfficial, TrialSite

    started, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    services.load_files(actor=None, paths=[path])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reader_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return {
        "records": Trial.objects.count(),
        "sites": TrialSite.objects.count(),
        "officials": TrialOfficial.objects.count(),
        "reader_cpu": reader_cpu,
        "timed": [wall, cpu],
    }


# The peer as a user runs it: pubmed-parser's records written as JSON lines.
PP_JSONL = """
import json, sys
from pubmed_parser import parse_medline_xml
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for record in parse_medline_xml(sys.argv[1]):
        out.write(json.dumps(record, ensure_ascii=False) + "\\n")
"""


def _end_to_end(argv: list[str], output: Path) -> Result:
    """Run ``argv`` as a user would (interpreter start included), its JSON lines to
    ``output``; its wall time and its CPU time (the child's), and the lines written."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with output.open("w", encoding="utf-8") as sink:
        subprocess.run(argv, stdout=sink, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with output.open("rb") as lines:
        records = sum(1 for _ in lines)
    output.unlink()
    return {"records": records, "timed": (wall, cpu)}


def run_cli_jsonl(path: str) -> Result:
    """``liaison pubmed parse FILE --format jsonl > records.jsonl``, from the shell."""
    argv = [sys.executable, "-m", "liaison", "pubmed", "parse", path, "--format", "jsonl"]
    env_src = str(ROOT / "src")
    os.environ["PYTHONPATH"] = env_src + os.pathsep + os.environ.get("PYTHONPATH", "")
    return _end_to_end(argv, OUT / "cli.jsonl")


def run_pp_jsonl(path: str) -> Result:
    """pubmed-parser's ``parse_medline_xml`` and ``json.dumps`` per record, from the shell."""
    target = OUT / "pp.jsonl"
    result = _end_to_end([sys.executable, "-c", PP_JSONL, path, str(target)], OUT / "pp-out")
    with target.open("rb") as lines:
        result["records"] = sum(1 for _ in lines)
    target.unlink()
    return result


WORKERS: dict[str, Callable[[str], Result]] = {
    "cli-jsonl": run_cli_jsonl,
    "pp-jsonl": run_pp_jsonl,
    "ours": run_ours,
    "bare": run_bare,
    "pubmed-parser": run_pubmed_parser,
    "entrez": run_entrez,
    "ctgov-ours": run_ctgov_ours,
    "ctgov-bare": run_ctgov_bare,
    "store-pubmed": run_store_pubmed,
    "store-pubmed-serial": run_store_pubmed_serial,
    "feed": run_feed,
    "store-ctgov": run_store_ctgov,
}


def peak_mb() -> float:
    """This process's peak resident memory, MB.

    ru_maxrss is kept across exec, so a child started by a driver holding 60 MB
    reports at least that; VmHWM belongs to the address space exec created, so
    it is the worker's own peak. The larger of ru_maxrss and VmHWM would be the
    same figure whenever the worker outgrows the driver.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(name: str, path: str) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    result = WORKERS[name](path)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if "timed" in result:  # the store: without Django's start and the migrations
        wall, cpu = result.pop("timed")
    result.update(wall=wall, cpu=cpu, peak_mb=peak_mb())
    print(json.dumps(result))


# --- the driver ------------------------------------------------------------------------------


def measure(name: str, path: Path, env: dict[str, str] | None = None) -> Result:
    process = subprocess.run(
        [sys.executable, __file__, "--worker", name, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if process.returncode != 0:
        print(f"  {name} on {path.name} failed:\n{process.stderr[-2000:]}")
        return {"failed": True}
    result: Result = json.loads(process.stdout.strip().splitlines()[-1])
    # MB/s of the XML or JSON read: a .gz file counts as its plain copy.
    plain = path.with_suffix("") if path.suffix == ".gz" else path
    size = (plain if plain.exists() else path).stat().st_size
    result.update(size=size, name=name, file=path.name)
    print(
        f"  {name:<14} {path.name:<26} {result['records']:>7} rec  wall {result['wall']:7.1f} s "
        f"{result['records'] / result['wall']:7.0f} rec/s {size / 1e6 / result['wall']:6.1f} MB/s  "
        f"cpu {result['records'] / max(result['cpu'], 1e-9):7.0f} rec/s  peak {result['peak_mb']:6.0f} MB",
        flush=True,
    )
    return result


def rate(result: Result, clock: str = "wall") -> float:
    return float(result["records"]) / float(result[clock]) if "records" in result else 0.0


def ratio(a: Result, b: Result) -> str:
    if not rate(a) or not rate(b):
        return "n/a"
    return f"{rate(a) / rate(b):.2f}x wall, {rate(a, 'cpu') / rate(b, 'cpu'):.2f}x cpu"


def postgres_database(tag: str) -> Generator[str, None, None]:
    """A fresh PostgreSQL database, dropped afterwards (a generator used as a context)."""
    import psycopg

    name = f"liaison_bench_{tag}_{os.getpid()}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def store(name: str, path: Path, vendor: str) -> Result:
    data_dir = Path(tempfile.mkdtemp(prefix=f"ingest-{vendor}-", dir=OUT))
    env = {"LIAISON_DATA_DIR": str(data_dir)}
    try:
        if vendor == "sqlite":
            env["LIAISON_DATABASE_URL"] = ""
            return measure(name, path, env)
        databases = postgres_database(name.replace("-", "_"))
        env["LIAISON_DATABASE_URL"] = next(databases)
        try:
            return measure(name, path, env)
        finally:
            databases.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def pubmed(options: argparse.Namespace) -> None:
    articles, wrapped = pubmed_sources()
    sources = articles + wrapped
    # Entrez.read fails on the 2016 MEDLINE citations and older efetch layouts
    # (an Affiliation where the 2025 DTD has none, even with validate=False):
    # its file holds the records it reads only.
    readable = entrez_readable(articles)
    entrez = OUT / f"ingest-pubmed-entrez-{options.small}.xml"
    large = OUT / f"ingest-pubmed-{options.records}.xml"
    small = OUT / f"ingest-pubmed-{options.small}.xml"
    for count, target, chosen in (
        (options.records, large, sources),
        (options.small, small, sources),
        (options.small, entrez, readable),
    ):
        if not target.exists():
            started = time.perf_counter()
            build_pubmed(count, target, chosen)
            print(
                f"built {target.name} ({count} copies of {len(chosen)} real records) "
                f"in {time.perf_counter() - started:.0f} s"
            )
    large_gz, small_gz = gzip_copy(large), gzip_copy(small)
    print(
        f"PubMed: {len(sources)} distinct real records; {large.name} "
        f"{large.stat().st_size / 1e6:.0f} MB ({large_gz.stat().st_size / 1e6:.0f} MB gzip), "
        f"{small.name} {small.stat().st_size / 1e6:.0f} MB; {load()}",
        flush=True,
    )
    # The first process of a run measured a quarter slower than the same one repeated
    # (cold caches): one untimed pass first, so that no figure carries it.
    subprocess.run(
        [sys.executable, __file__, "--worker", "ours", str(small)], capture_output=True, check=True
    )
    runs: dict[str, Result] = {}
    for label, path in (("small", small), ("large", large)):
        gz = small_gz if label == "small" else large_gz
        runs[f"ours-{label}"] = measure("ours", path)
        runs[f"ours-gz-{label}"] = measure("ours", gz)
        runs[f"bare-{label}"] = measure("bare", path)
        runs[f"bare-gz-{label}"] = measure("bare", gz)
        runs[f"pp-{label}"] = measure("pubmed-parser", gz)
    runs["cli-jsonl"] = measure("cli-jsonl", large_gz)
    runs["pp-jsonl"] = measure("pp-jsonl", large_gz)
    runs["ours-entrez"] = measure("ours", entrez)
    runs["entrez-small"] = measure("entrez", entrez)
    print(
        f"  Entrez.read holds the whole file: measured on {entrez.name} only "
        f"({len(readable)} of the {len(sources)} real records: the ones it reads)",
        flush=True,
    )
    stored = large if options.store == "large" else small
    # The reading process of a parallel load on its own: parse, build rows, encode.
    runs["feed"] = measure("feed", stored)
    runs["store-sqlite"] = store("store-pubmed", stored, "sqlite")
    runs["store-sqlite-serial"] = store("store-pubmed-serial", stored, "sqlite")
    if options.postgres:
        runs["store-postgresql"] = store("store-pubmed", stored, "postgresql")
    for key in ("store-sqlite", "store-sqlite-serial", "store-postgresql"):
        if key in runs and "records" in runs[key]:
            reader = runs[key].get("reader_cpu") or 0.0
            print(
                f"  {key}: {runs[key]['authorships']} authorships, {runs[key]['mesh']} MeSH "
                f"headings; {runs[key]['summary']}; reading process cpu {reader:.1f} s, "
                f"peak {runs[key].get('reader_peak_mb', 0):.0f} MB (ru_maxrss: counts the "
                "writer's pages at fork)"
            )
    peers = [r for r in (runs["pp-large"], runs["ours-gz-large"]) if "records" in r]
    print(f"\nPubMed summary ({options.records} records; {load()})")
    print("| measure | figure | target |")
    print("| --- | --- | --- |")
    print(
        f"| ours vs pubmed-parser (both on .gz, {options.records}) | "
        f"{ratio(runs['ours-gz-large'], runs['pp-large'])} | >= 2x |"
    )
    print(
        f"| `liaison pubmed parse --format jsonl` vs pubmed-parser + json.dumps (end to end:"
        f" start, parse, write; .gz, {options.records}) | "
        f"{ratio(runs['cli-jsonl'], runs['pp-jsonl'])} | >= 2x |"
    )
    print(
        f"| ours vs Entrez.read ({options.small} current-format records, plain) | "
        f"{ratio(runs['ours-entrez'], runs['entrez-small'])} | >= 2x |"
    )
    print(
        f"| ours vs bare pass (plain, {options.records}) | "
        f"{ratio(runs['ours-large'], runs['bare-large'])} | >= 0.5x |"
    )
    print(
        f"| ours vs bare pass (.gz, {options.records}) | "
        f"{ratio(runs['ours-gz-large'], runs['bare-gz-large'])} | >= 0.5x |"
    )
    if peers and len(peers) == 2:
        print(
            f"| fields per record: ours / pubmed-parser | {runs['ours-large'].get('fields')} / "
            f"{runs['pp-large'].get('fields')} | more |"
        )
    for key in ("store-sqlite", "store-sqlite-serial", "store-postgresql"):
        if key in runs and "records" in runs[key]:
            goal = ">= 5,000 rec/s" if key.startswith("store-sqlite") else "-"
            result = runs[key]
            both = result["cpu"] + (result.get("reader_cpu") or 0.0)
            print(
                f"| parse + store, {key[6:]}, {result['records']} records | "
                f"{rate(result):,.0f} rec/s wall; cpu {result['records'] / both:,.0f} rec/s "
                f"(writer {rate(result, 'cpu'):,.0f}) | {goal} |"
            )
    if "records" in runs["feed"]:
        print(
            f"| reading process alone (parse + rows + encode), {runs['feed']['records']} records | "
            f"{rate(runs['feed']):,.0f} rec/s wall | - |"
        )
    for name in ("ours", "ours-gz", "bare", "pp"):
        peaks = [
            f"{runs[f'{name}-{size}']['peak_mb']:.0f} MB"
            for size in ("small", "large")
            if "peak_mb" in runs.get(f"{name}-{size}", {})
        ]
        print(
            f"| peak memory {name} ({options.small} / {options.records}) | "
            f"{' / '.join(peaks)} | {'< 300 MB' if name.startswith('ours') else '-'} |"
        )
    if "peak_mb" in runs["entrez-small"]:
        print(
            f"| peak memory Entrez.read ({options.small} records it reads) | "
            f"{runs['entrez-small']['peak_mb']:.0f} MB | - |"
        )


def ctgov(options: argparse.Namespace) -> None:
    sources = ctgov_sources()
    path = OUT / f"ingest-ctgov-{options.studies}.jsonl"
    if not path.exists():
        build_ctgov(options.studies, path, sources)
    print(
        f"\nClinicalTrials.gov: {len(sources)} distinct real studies; {path.name} "
        f"{path.stat().st_size / 1e6:.0f} MB; {load()}",
        flush=True,
    )
    runs = {"ours": measure("ctgov-ours", path), "bare": measure("ctgov-bare", path)}
    stored = path
    if options.store == "small":
        stored = OUT / f"ingest-ctgov-{options.small}.jsonl"
        if not stored.exists():
            build_ctgov(options.small, stored, sources)
    runs["store-sqlite"] = store("store-ctgov", stored, "sqlite")
    if options.postgres:
        runs["store-postgresql"] = store("store-ctgov", stored, "postgresql")
    print(f"\nClinicalTrials.gov summary ({options.studies} studies; {load()})")
    print("| measure | figure | target |")
    print("| --- | --- | --- |")
    print(f"| ours vs bare json.loads | {ratio(runs['ours'], runs['bare'])} | >= 0.5x |")
    for key in ("store-sqlite", "store-postgresql"):
        if key in runs and "records" in runs[key]:
            print(
                f"| parse + store, {key[6:]}, {runs[key]['records']} studies "
                f"({runs[key]['sites']} sites) | {rate(runs[key]):,.0f} rec/s wall; cpu "
                f"{runs[key]['records'] / (runs[key]['cpu'] + runs[key].get('reader_cpu', 0.0)):,.0f} "
                f"rec/s (writer {rate(runs[key], 'cpu'):,.0f}) | - |"
            )
    print(
        f"| peak memory ours / bare | {runs['ours']['peak_mb']:.0f} MB / "
        f"{runs['bare']['peak_mb']:.0f} MB | < 300 MB |"
    )


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
        return 0
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--records", type=int, default=100_000, help="PubMed records (100000)")
    arguments.add_argument(
        "--small", type=int, default=10_000, help="the smaller PubMed file (10000)"
    )
    arguments.add_argument(
        "--studies", type=int, default=50_000, help="ClinicalTrials.gov studies (50000)"
    )
    arguments.add_argument(
        "--no-postgres",
        dest="postgres",
        action="store_false",
        help=f"skip PostgreSQL ({PG_SERVER})",
    )
    arguments.add_argument(
        "--store",
        choices=("small", "large"),
        default="small",
        help="parse + store the --small file (default: keeps the run near 15 minutes here) "
        "or the large one",
    )
    arguments.add_argument("--only", choices=("pubmed", "ctgov"), help="one of the two halves")
    options = arguments.parse_args()
    if not DATA.is_dir():
        print(f"the real samples are absent ({DATA})", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; {os.cpu_count()} cores; {load()}")
    started = time.perf_counter()
    if options.only != "ctgov":
        pubmed(options)
    if options.only != "pubmed":
        ctgov(options)
    print(f"\ntotal {time.perf_counter() - started:.0f} s; {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
