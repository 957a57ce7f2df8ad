"""Experts benchmark (issue 13): identity resolution, scoring and network metrics at scale.

One run, per ``--sizes`` (publications; 50,000 100,000 200,000 by default):

1. learns the structure of real PubMed records from ../shared/data/pubmed (at run
   time; nothing of them is copied into the repository): the number of authors
   per record, family and given names, how often a fore name is initials only
   or carries a middle initial, affiliations, MeSH descriptors, journals, years,
   title words and how often an author carries an ORCID iD;
2. plants people (the ground truth: family names as often as the real records
   write them, so that large name blocks and homonyms occur, given names, a lab, a home institution, a
   field of MeSH topics and journals, a productivity) and writes a MEDLINE XML
   file of their publications (authors from the lead's lab and field, names
   written as initials only or in full as the real records do, ORCID iDs on
   some, affiliations on most), with a directory of HCPs for the most
   productive 2%, and loads it through the real loader
   (``literature.services.load_pubmed_file``) into a data directory of its own
   under benchmarks/out/ (gitignored); the loaded database is kept and reused;
3. measures each stage in a child process of its own (wall time, CPU time and
   its own peak resident memory, ``VmHWM``), on a copy of the loaded database:

   * ``resolver``: building the mentions from the database, signatures and
     blocking, pair scoring, clustering (the resolver's own pieces, in the order
     ``resolution.resolve`` runs them), and the resolver's quality against the
     planted people (pairwise and B-cubed precision, recall, F1);
   * ``resolve``: the service end to end (``services.resolution.resolve_library``:
     mentions, resolver, placing people, writing links, discoveries and
     proposals), with the seconds of each of its stages;
   * ``score``: every area's scores (``services.scoring.score_all``; four areas
     defined by MeSH descriptors);
   * ``network``: the whole library's co-authorship graph of resolved people,
     PageRank and Louvain communities (``networks.graph``).

The pipeline is ``resolve`` + ``score`` + ``network``; the targets: under 10
minutes and 4 GB, at least 2,000 signatures (mentions resolved) per second,
linear growth.

    .venv/bin/python benchmarks/experts.py --sizes 50000
    .venv/bin/python benchmarks/experts.py                 # 50k, 100k and 200k
    .venv/bin/python benchmarks/experts.py --sizes 200000 --model /tmp/pairwise_model.json

``--model`` resolves with another trained model file than the shipped one.
The load average is printed at the start and the end of each size: on a shared
2-core machine the CPU seconds say more than the wall seconds.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import itertools
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "pubmed"
OUT = ROOT / "benchmarks" / "out"
SEED = 13
FIRST_PMID = 70_000_000
#: Authorships per publication the corpus keeps at least (the issue: 1,000,000 for 200,000).
AUTHORS_PER_PUBLICATION = 5.0
#: Mentions per planted person on average (productivity is heavy-tailed around it).
MENTIONS_PER_PERSON = 4.0
PEOPLE_PER_LAB = 12
FIELDS = 40
AREAS = 4
HCP_SHARE = 0.02
TARGET_SECONDS = 600.0
TARGET_MB = 4096.0
TARGET_RATE = 2000.0
STAGES = ("resolver", "resolve", "score", "network")

Result = dict[str, Any]


# --- what real records look like ------------------------------------------------------------


@dataclass
class Profile:
    """Distributions learned from the real records."""

    author_counts: list[int]
    families: Counter[str]
    givens: list[str]
    initials_only: float
    middle_initial: float
    no_affiliation: float
    orcid: float
    affiliations: list[str]
    mesh: list[tuple[str, str]]
    journals: list[tuple[str, str]]
    years: list[int]
    words: list[str]
    records: int


def learn() -> Profile:
    sys.path.insert(0, str(ROOT / "src"))
    from liaison.literature.pubmed import Citation, parse_pubmed

    author_counts: list[int] = []
    families: Counter[str] = Counter()
    givens: list[str] = []
    mesh: dict[str, str] = {}
    journals: dict[str, str] = {}
    affiliations: list[str] = []
    years: list[int] = []
    words: Counter[str] = Counter()
    people = initials = middles = bare = orcids = records = 0
    for path in sorted(DATA.rglob("*.xml*")):
        try:
            for record in parse_pubmed(str(path), on_error=lambda error: None):
                if not isinstance(record, Citation):
                    continue
                records += 1
                authors = [a for a in record.authors if a.family]
                if authors:
                    author_counts.append(len(authors))
                for author in authors:
                    people += 1
                    families[author.family or ""] += 1
                    given = (author.given or "").strip()
                    first = given.split()[0] if given.split() else ""
                    if len(first.strip(".")) > 1:
                        givens.append(first)
                    else:
                        initials += 1
                    middles += len(author.initials or "") > 1
                    if author.affiliations:
                        affiliations.extend(a for a in author.affiliations if 20 < len(a) < 300)
                    else:
                        bare += 1
                    orcids += bool(author.orcid)
                for heading in record.mesh:
                    if heading.ui:
                        mesh.setdefault(heading.ui, heading.name)
                if record.journal and record.journal.title:
                    journals.setdefault(
                        record.journal.title,
                        record.journal.iso_abbreviation or record.journal.title,
                    )
                if record.published and record.published.year:
                    years.append(record.published.year)
                words.update(w for w in re.findall(r"[a-z]{5,}", (record.title or "").lower()))
        except Exception as error:  # a sample the parser refuses is skipped, named
            print(f"  skipped {path.name}: {error}", file=sys.stderr)
    people = max(people, 1)
    return Profile(
        author_counts=author_counts or [5],
        families=families,
        givens=givens,
        initials_only=initials / people,
        middle_initial=middles / people,
        no_affiliation=bare / people,
        orcid=orcids / people,
        affiliations=sorted(set(affiliations)),
        mesh=sorted(mesh.items()),
        journals=sorted(journals.items()),
        years=years,
        words=[w for w, _ in words.most_common(3000)],
        records=records,
    )


# --- the planted corpus ----------------------------------------------------------------------


@dataclass(slots=True)
class Planted:
    family: str
    given: str
    middle: str
    lab: int
    field: int
    orcid: str
    weight: float


class FamilyNames:
    """Family names as often as the real records write them.

    A name seen more than once in the sample keeps its share (Wang about 1%, as in
    PubMed); the mass of the names seen once, the long tail a small sample cannot
    show, goes to a pool of made-up names (blends of two real ones), one per two
    planted people, drawn evenly."""

    def __init__(self, profile: Profile, people: int, rng: random.Random) -> None:
        total = sum(profile.families.values()) or 1
        repeated = [(n, c) for n, c in profile.families.most_common() if c > 1 and n.isalpha()]
        self.tail_share = 1 - sum(c for _, c in repeated) / total
        self.names = [name for name, _ in repeated]
        self.cumulative = list(itertools.accumulate(c for _, c in repeated))
        real = [name for name in profile.families if name.isalpha()]
        seen = set(real)
        self.tail: list[str] = []
        while len(self.tail) < max(people // 2, 100):
            a, b = rng.choice(real), rng.choice(real)
            blend = (a[: max(2, len(a) // 2)] + b[len(b) // 2 :]).capitalize()
            if blend not in seen:
                seen.add(blend)
                self.tail.append(blend)

    def draw(self, rng: random.Random) -> str:
        if not self.names or rng.random() < self.tail_share:
            return self.tail[rng.randrange(len(self.tail))]
        return self.names[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _orcid(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(15)]
    total = 0
    for digit in digits:
        total = (total + digit) * 2
    check = (12 - total % 11) % 11
    text = "".join(map(str, digits)) + ("X" if check == 10 else str(check))
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def plant(profile: Profile, publications: int, rng: random.Random) -> list[Planted]:
    people = int(publications * AUTHORS_PER_PUBLICATION / MENTIONS_PER_PERSON)
    families = FamilyNames(profile, people, rng)
    labs = max(people // PEOPLE_PER_LAB, 1)
    planted = []
    for _ in range(people):
        family = families.draw(rng)
        given = rng.choice(profile.givens)
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < profile.middle_initial else ""
        lab = rng.randrange(labs)
        planted.append(
            Planted(
                family=family,
                given=given,
                middle=middle,
                lab=lab,
                field=lab % FIELDS,
                orcid=_orcid(rng) if rng.random() < profile.orcid * 2 else "",
                weight=rng.paretovariate(1.6),
            )
        )
    return planted


def _author_xml(person: Planted, rng: random.Random, profile: Profile, affiliation: str) -> str:
    initials = person.given[:1].upper() + person.middle
    if rng.random() < profile.initials_only:
        fore = " ".join(initials)
    else:
        fore = person.given + (f" {person.middle}" if person.middle else "")
    parts = [
        f"<LastName>{escape(person.family)}</LastName>",
        f"<ForeName>{escape(fore)}</ForeName>",
        f"<Initials>{initials}</Initials>",
    ]
    if person.orcid and rng.random() < 0.7:
        parts.append(f'<Identifier Source="ORCID">{person.orcid}</Identifier>')
    if affiliation and rng.random() >= profile.no_affiliation:
        parts.append(
            f"<AffiliationInfo><Affiliation>{escape(affiliation)}</Affiliation></AffiliationInfo>"
        )
    return '<Author ValidYN="Y">' + "".join(parts) + "</Author>"


def write_corpus(
    profile: Profile, publications: int, xml: Path, truth: Path
) -> tuple[list[Planted], dict[int, str]]:
    """The planted people's publications as MEDLINE XML, and the truth (PMID, position,
    person) as one line each of a gzip TSV; the people and each lab's affiliation."""
    rng = random.Random(SEED)
    planted = plant(profile, publications, rng)
    by_lab: dict[int, list[int]] = {}
    for index, person in enumerate(planted):
        by_lab.setdefault(person.lab, []).append(index)
    by_field: dict[int, list[int]] = {}
    for index, person in enumerate(planted):
        by_field.setdefault(person.field, []).append(index)
    lab_place = {
        lab: rng.choice(profile.affiliations) if profile.affiliations else "" for lab in by_lab
    }
    field_mesh = [rng.sample(profile.mesh, k=min(12, len(profile.mesh))) for _ in range(FIELDS)]
    field_words = [rng.sample(profile.words, k=min(150, len(profile.words))) for _ in range(FIELDS)]
    field_journals = [
        rng.sample(profile.journals, k=min(6, len(profile.journals))) for _ in range(FIELDS)
    ]
    leads = list(itertools.accumulate(person.weight for person in planted))
    counts = [min(c, 60) for c in profile.author_counts]
    mean = sum(counts) / len(counts)
    # A planted person moves once in ten papers (a second affiliation).
    partial = xml.with_suffix(".part")
    authorships = 0
    with partial.open("w", encoding="utf-8") as out, gzip.open(truth, "wt") as answers:
        out.write('<?xml version="1.0" ?>\n<PubmedArticleSet>\n')
        for number in range(publications):
            pmid = FIRST_PMID + number
            lead = bisect.bisect(leads, rng.random() * leads[-1])
            person = planted[lead]
            size = rng.choice(counts)
            if (
                mean < AUTHORS_PER_PUBLICATION
                and rng.random() < (AUTHORS_PER_PUBLICATION - mean) / 4
            ):
                size += 4
            team = {lead}
            lab, field = by_lab[person.lab], by_field[person.field]
            while len(team) < size and len(team) < len(lab) + 20:
                pool = lab if rng.random() < 0.7 else field
                team.add(pool[rng.randrange(len(pool))])
            order = [i for i in team if i != lead]
            rng.shuffle(order)
            order.append(lead)  # the senior author signs last
            authors = []
            for position, index in enumerate(order, start=1):
                member = planted[index]
                place = lab_place[member.lab]
                if rng.random() < 0.1:
                    place = rng.choice(profile.affiliations)
                authors.append(_author_xml(member, rng, profile, place))
                answers.write(f"{pmid}\t{position}\t{index}\n")
            authorships += len(order)
            words = field_words[person.field]
            title = " ".join(rng.sample(words, k=min(9, len(words)))).capitalize()
            abstract = " ".join(rng.choices(words, k=70))
            mesh = rng.sample(field_mesh[person.field], k=min(6, len(field_mesh[person.field])))
            journal, iso = rng.choice(field_journals[person.field])
            year = rng.choice(profile.years) if profile.years else 2015
            out.write(
                f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
                f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><Journal>'
                f'<JournalIssue CitedMedium="Print"><PubDate><Year>{year}</Year></PubDate>'
                f"</JournalIssue><Title>{escape(journal)}</Title>"
                f"<ISOAbbreviation>{escape(iso)}</ISOAbbreviation></Journal>"
                f"<ArticleTitle>{escape(title)}.</ArticleTitle>"
                f"<Abstract><AbstractText>{escape(abstract)}.</AbstractText></Abstract>"
                f'<AuthorList CompleteYN="Y">{"".join(authors)}</AuthorList>'
                f"<Language>eng</Language><PublicationTypeList>"
                f'<PublicationType UI="D016428">Journal Article</PublicationType>'
                f"</PublicationTypeList></Article>"
                f"<MedlineJournalInfo><MedlineTA>{escape(iso)}</MedlineTA></MedlineJournalInfo>"
                f"<MeshHeadingList>"
                + "".join(
                    f'<MeshHeading><DescriptorName UI="{ui}" MajorTopicYN="N">{escape(name)}'
                    f"</DescriptorName></MeshHeading>"
                    for ui, name in mesh
                )
                + f"</MeshHeadingList></MedlineCitation><PubmedData><ArticleIdList>"
                f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
                f"</PubmedArticle>\n"
            )
        out.write("</PubmedArticleSet>\n")
    partial.rename(xml)
    print(f"  wrote {publications:,} publications, {authorships:,} authorships", flush=True)
    return planted, lab_place


def area_terms(profile: Profile) -> list[list[str]]:
    """The MeSH names of each benchmark area: the fields' descriptors, dealt out."""
    names = [name for _, name in profile.mesh]
    return [names[index::AREAS] for index in range(AREAS)]


# --- the database ----------------------------------------------------------------------------


def data_dir(publications: int) -> Path:
    return OUT / f"experts-{publications}"


def _django(directory: Path) -> None:
    os.environ["LIAISON_DATA_DIR"] = str(directory)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    os.environ.pop("LIAISON_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    model = os.environ.get("BENCH_EXPERTS_MODEL")
    if model:
        from liaison.experts.resolution import model as shipped_model

        shipped_model.MODEL_FILE = Path(model)
        shipped_model.shipped.cache_clear()


def _admin() -> Any:
    from liaison.core.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.ADMINISTRATOR}
    )
    return user


def prepare(publications: int, profile: Profile) -> Path:
    """The loaded database of ``publications`` (built once, then reused)."""
    directory = data_dir(publications)
    ready = directory / "READY"
    if ready.exists():
        return directory
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    xml = OUT / f"experts-corpus-{publications}.xml"
    truth = OUT / f"experts-truth-{publications}.tsv.gz"
    print(f"  planting {publications:,} publications ...", flush=True)
    planted, lab_place = write_corpus(profile, publications, xml, truth)
    productive = sorted(planted, key=lambda p: -p.weight)[: int(len(planted) * HCP_SHARE)]
    process = subprocess.run(
        [sys.executable, __file__, "--load", str(publications), str(xml)],
        input=json.dumps(
            {
                "hcps": [
                    [p.family, p.given, p.orcid, lab_place.get(p.lab, "")] for p in productive
                ],
                "areas": area_terms(profile),
            }
        ),
        text=True,
        check=False,
    )
    if process.returncode != 0:
        raise SystemExit(f"loading the corpus of {publications:,} failed")
    xml.unlink()
    ready.write_text("loaded\n")
    return directory


def load(publications: int, xml: str) -> None:
    """Child: migrate, the directory's HCPs, the areas, then the real PubMed load."""
    directory = data_dir(publications)
    _django(directory)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from liaison.directory.models import HCP, Origin, TherapeuticArea
    from liaison.experts.models import AreaDefinition
    from liaison.experts.services.resolution import city_of, country_of
    from liaison.lib import bulk
    from liaison.lib.text import fold
    from liaison.literature import services

    spec = json.loads(sys.stdin.read())
    admin = _admin()
    hcps = []
    seen_orcids: set[str] = set()
    for family, given, orcid, place in spec["hcps"]:
        orcid = orcid if orcid and orcid not in seen_orcids else ""
        seen_orcids.add(orcid)
        country = country_of([place]) or "US"
        hcps.append(
            HCP(
                given_name=given,
                family_name=family,
                search_name=fold(f"{family} {given}"),
                country=country,
                city=city_of([place], country)[:120],
                orcid=orcid or None,
                origin=Origin.MANUAL,
            )
        )
    bulk.insert_instances(HCP, hcps)
    for number, terms in enumerate(spec["areas"], start=1):
        area = TherapeuticArea.objects.create(code=f"area-{number}", name=f"Area {number}")
        AreaDefinition.objects.create(area=area, mesh_terms=terms)
    started = time.perf_counter()
    report = services.load_pubmed_file(actor=admin, path=xml)
    print(f"  loaded in {time.perf_counter() - started:.0f} s: {report.summary()}", flush=True)


# --- the stages (each in its own process) -----------------------------------------------------


def peak_mb() -> float:
    """This process's own peak resident memory (``VmHWM``), MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall and CPU seconds of named parts."""

    def __init__(self) -> None:
        self.parts: dict[str, list[float]] = {}

    def part(self, name: str) -> Any:
        clock = self

        class _Part:
            def __enter__(self) -> None:
                self.wall, self.cpu = time.perf_counter(), time.process_time()

            def __exit__(self, *exc: object) -> None:
                clock.parts[name] = [
                    round(time.perf_counter() - self.wall, 2),
                    round(time.process_time() - self.cpu, 2),
                ]

        return _Part()


def _key(pmid: Any, position: Any) -> Any:
    return (pmid - FIRST_PMID) * 10_000 + position


def _truth(publications: int) -> tuple[Any, Any]:
    """The planted person of each authorship: sorted ``(PMID, position)`` keys, people."""
    import numpy as np

    with gzip.open(OUT / f"experts-truth-{publications}.tsv.gz", "rt") as lines:
        table = np.loadtxt(lines, dtype=np.int64, delimiter="\t", ndmin=2)
    keys = _key(table[:, 0], table[:, 1])
    order = np.argsort(keys)
    return keys[order], table[order, 2]


def _quality(gold: Sequence[int], predicted: Sequence[int]) -> dict[str, dict[str, float]]:
    """Pairwise and B-cubed precision, recall and F1 from the contingency counts."""
    cells = Counter(zip(gold, predicted, strict=True))
    gold_sizes = Counter(gold)
    predicted_sizes = Counter(predicted)

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    together = sum(pairs(n) for n in cells.values())
    said = sum(pairs(n) for n in predicted_sizes.values())
    true = sum(pairs(n) for n in gold_sizes.values())
    b3_precision = sum(n * n / predicted_sizes[p] for (_, p), n in cells.items()) / len(gold)
    b3_recall = sum(n * n / gold_sizes[g] for (g, _), n in cells.items()) / len(gold)

    def prf(precision: float, recall: float) -> dict[str, float]:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    return {
        "pairwise": prf(together / said if said else 1.0, together / true if true else 1.0),
        "b3": prf(b3_precision, b3_recall),
    }


def stage_resolver(publications: int) -> Result:
    """The resolver's pieces in the order ``resolution.resolve`` runs them, and its quality."""
    import numpy as np

    from liaison.experts.mentions_db import build_mentions, parse_key
    from liaison.experts.resolution.cluster import cluster
    from liaison.experts.resolution.features import Corpus, feature_matrix, signature
    from liaison.experts.resolution.model import shipped
    from liaison.experts.resolution.resolver import _anchor, candidate_pairs
    from liaison.literature.models import Authorship

    model = shipped()
    clock = Clock()
    with clock.part("mentions"):
        found = build_mentions()
        mentions = found.mentions
    with clock.part("signatures and blocking"):
        signatures = [signature(i, mention) for i, mention in enumerate(mentions)]
        corpus = Corpus(signatures)
        pairs, swapped = candidate_pairs(signatures, mentions)
    with clock.part("pair scoring"):
        probabilities = np.zeros(len(pairs))
        for start in range(0, len(pairs), 50_000):
            part = pairs[start : start + 50_000]
            probabilities[start : start + len(part)] = model.probability(
                feature_matrix(signatures, part, corpus, swapped)
            )
    with clock.part("clustering"):
        labels = cluster(
            len(mentions),
            pairs,
            probabilities.tolist(),
            model.threshold,
            [_anchor(m) for m in mentions],
            [m.forbidden for m in mentions],
        )
    counts = {"mentions": len(mentions), "pairs": len(pairs), "people": len(set(labels))}
    keys = [mention.key for mention in mentions]
    del signatures, corpus, pairs, swapped, probabilities, mentions, found
    truth_keys, truth_people = _truth(publications)
    rows = np.asarray(
        list(
            Authorship.objects.values_list("pk", "publication__pmid", "position").iterator(
                chunk_size=50_000
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    where = dict(zip(rows[:, 0].tolist(), _key(rows[:, 1], rows[:, 2]).tolist(), strict=True))
    gold, predicted = [], []
    for key, label in zip(keys, labels, strict=True):
        kind, pk = parse_key(key)
        if kind != "a" or pk not in where:
            continue
        at = int(np.searchsorted(truth_keys, where[pk]))
        if at < len(truth_keys) and truth_keys[at] == where[pk]:
            gold.append(int(truth_people[at]))
            predicted.append(label)
    resolving = sum(
        clock.parts[name][0] for name in ("signatures and blocking", "pair scoring", "clustering")
    )
    return {
        **counts,
        "planted_people": len(set(gold)),
        "parts": clock.parts,
        "signatures_per_s": round(counts["mentions"] / resolving, 1) if resolving else 0.0,
        "quality": _quality(gold, predicted),
    }


def stage_resolve(publications: int) -> Result:
    from liaison.experts.services.resolution import resolve_library

    run = resolve_library(actor=_admin())
    return {
        "mentions": run.mentions,
        "people": run.people,
        "linked": run.linked,
        "discovered": run.discovered,
        "proposals": run.proposals,
        "seconds": run.stats.get("seconds", {}),
    }


def stage_score(publications: int) -> Result:
    from liaison.experts.models import ExpertScore, ScoreContribution
    from liaison.experts.services import scoring

    reports = scoring.score_all(actor=_admin())
    return {
        "areas": len(reports),
        "experts": ExpertScore.objects.count(),
        "contributions": ScoreContribution.objects.count(),
    }


def stage_network(publications: int) -> Result:
    from liaison.experts.networks import graph
    from liaison.literature.models import Authorship

    clock = Clock()
    with clock.part("edges"):
        papers: dict[int, list[int]] = {}
        for publication, hcp in (
            Authorship.objects.filter(hcp__isnull=False)
            .values_list("publication_id", "hcp_id")
            .iterator(chunk_size=50_000)
        ):
            papers.setdefault(publication, []).append(hcp)
        edges = graph.coauthor_edges(
            ((people, len(people)) for people in papers.values()), max_authors=50
        )
        built = graph.build(edges)
    with clock.part("pagerank"):
        ranks = graph.pagerank(built)
    with clock.part("communities"):
        communities = graph.communities(built)
    return {
        "nodes": len(built),
        "edges": built.edge_count,
        "ranked": len(ranks),
        "communities": len(set(communities.values())),
        "parts": clock.parts,
    }


WORKERS = {
    "resolver": stage_resolver,
    "resolve": stage_resolve,
    "score": stage_score,
    "network": stage_network,
}


def worker(name: str, publications: int, directory: str) -> None:
    _django(Path(directory))
    started, cpu = time.perf_counter(), time.process_time()
    result = WORKERS[name](publications)
    result.update(
        wall=round(time.perf_counter() - started, 2),
        cpu=round(time.process_time() - cpu, 2),
        peak_mb=round(peak_mb(), 1),
    )
    print(json.dumps(result))


# --- the driver --------------------------------------------------------------------------------


def measure(name: str, publications: int, directory: Path) -> Result:
    print(f"  {name} ...", flush=True)
    process = subprocess.run(
        [sys.executable, __file__, "--worker", name, str(publications), str(directory)],
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )
    if process.returncode != 0:
        print(f"  {name} failed:\n{process.stderr[-3000:]}", flush=True)
        return {"failed": True}
    result: Result = json.loads(process.stdout.strip().splitlines()[-1])
    print(
        f"    wall {result['wall']:.1f} s, cpu {result['cpu']:.1f} s, peak {result['peak_mb']:.0f} MB",
        flush=True,
    )
    details = {k: v for k, v in result.items() if k not in ("wall", "cpu", "peak_mb")}
    print(f"    {json.dumps(details)}", flush=True)
    return result


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def run_size(publications: int, profile: Profile, stages: Sequence[str]) -> Result:
    print(f"{publications:,} publications (load average {load_average()})", flush=True)
    pristine = prepare(publications, profile)
    scratch = OUT / f"experts-{publications}-run"
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(pristine, scratch)
    results: Result = {"publications": publications, "load_start": load_average()}
    try:
        for name in stages:
            results[name] = measure(name, publications, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_end"] = load_average()
    return results


def _fmt(value: float) -> str:
    return f"{value:,.1f}"


def table(all_results: list[Result]) -> str:
    lines = [
        "| publications | mentions | stage | wall s | CPU s | peak MB |",
        "| ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for results in all_results:
        mentions = results.get("resolver", {}).get("mentions") or results.get("resolve", {}).get(
            "mentions", 0
        )
        first = f"| {results['publications']:,} | {mentions:,} "
        for name in STAGES:
            stage = results.get(name)
            if not stage or stage.get("failed"):
                continue
            lines.append(
                f"{first}| **{name}** | {_fmt(stage['wall'])} | {_fmt(stage['cpu'])} | "
                f"{stage['peak_mb']:,.0f} |"
            )
            for part, (wall, cpu) in stage.get("parts", {}).items():
                lines.append(f"{first}| {name}: {part} | {_fmt(wall)} | {_fmt(cpu)} | |")
            for part, wall in stage.get("seconds", {}).items():
                lines.append(f"{first}| {name}: {part} | {_fmt(wall)} | | |")
    return "\n".join(lines)


def targets(all_results: list[Result]) -> str:
    lines = [
        "| publications | pipeline wall s (ratio to 600) | peak MB (ratio to 4,096) | "
        "signatures/s (ratio to 2,000) | pairwise P / R / F1 | B-cubed P / R / F1 |",
        "| ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for results in all_results:
        pipeline = [results.get(name, {}) for name in ("resolve", "score", "network")]
        if any(not stage or stage.get("failed") for stage in pipeline):
            continue
        wall = sum(stage["wall"] for stage in pipeline)
        peak = max(stage["peak_mb"] for stage in pipeline)
        resolver = results.get("resolver", {})
        rate = resolver.get("signatures_per_s", 0.0)
        quality = resolver.get("quality", {})

        def prf(name: str, quality: dict[str, Any] = quality) -> str:
            q = quality.get(name)
            return f"{q['precision']:.3f} / {q['recall']:.3f} / {q['f1']:.3f}" if q else "-"

        lines.append(
            f"| {results['publications']:,} | {wall:,.0f} ({wall / TARGET_SECONDS:.2f}) | "
            f"{peak:,.0f} ({peak / TARGET_MB:.2f}) | {rate:,.0f} ({rate / TARGET_RATE:.2f}) | "
            f"{prf('pairwise')} | {prf('b3')} |"
        )
    return "\n".join(lines)


def growth(all_results: list[Result]) -> str:
    """Each stage's wall time per 1,000 publications, by size (flat means linear)."""
    lines = ["| stage | " + " | ".join(f"{r['publications']:,}" for r in all_results) + " |"]
    lines.append("| --- |" + " ---: |" * len(all_results))
    for name in STAGES:
        cells = []
        for results in all_results:
            stage = results.get(name, {})
            if not stage or stage.get("failed"):
                cells.append("-")
            else:
                cells.append(f"{stage['wall'] / results['publications'] * 1000:.2f}")
        lines.append(f"| {name} (s per 1,000 publications) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000], help="publications"
    )
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--model", type=Path, help="a trained model file to resolve with")
    parser.add_argument(
        "--worker", nargs=3, metavar=("STAGE", "SIZE", "DIR"), help=argparse.SUPPRESS
    )
    parser.add_argument("--load", nargs=2, metavar=("SIZE", "XML"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        name, size, directory = options.worker
        worker(name, int(size), directory)
        return 0
    if options.load:
        load(int(options.load[0]), options.load[1])
        return 0
    if options.model:
        os.environ["BENCH_EXPERTS_MODEL"] = str(options.model.resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    profile = learn()
    print(
        f"learned from {profile.records:,} real records: {len(profile.families):,} family names, "
        f"{len(profile.givens):,} given names, initials only {profile.initials_only:.0%}, "
        f"middle initial {profile.middle_initial:.0%}, no affiliation {profile.no_affiliation:.0%}, "
        f"ORCID {profile.orcid:.1%}, mean authors {sum(profile.author_counts) / len(profile.author_counts):.1f}",
        flush=True,
    )
    all_results = [run_size(size, profile, options.stages) for size in sorted(options.sizes)]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT / f"experts-{stamp}.json").write_text(json.dumps(all_results, indent=1))
    print("\n" + table(all_results) + "\n\n" + targets(all_results) + "\n\n" + growth(all_results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
