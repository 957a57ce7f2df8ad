"""Co-authorship networks read from the database: a therapeutic area's network, an HCP's
ego network and the introductions to an HCP. Reads start from the policy's querysets
(publications and HCPs are read by every member); the graph work is ``graph``'s.

What counts as co-authorship: two HCPs named as authors (not as investigators of a
study group) of one publication that is not retracted. A publication with more than
:data:`MAX_AUTHORS` authors (a consortium paper) ties hundreds of people who may never
have met and counts for nothing here; each result says how many were left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min, QuerySet

from liaison.core import policy, registry
from liaison.core.policy import AnyUser
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.areas import area_publications
from liaison.experts.networks import graph
from liaison.literature.models import Authorship, AuthorshipRole, Publication

#: Papers with more authors than this are left out of every network.
MAX_AUTHORS = 50
#: How many nodes the area view draws by default, and at most.
DEFAULT_TOP = 150
MAX_TOP = 500
#: How many co-authors the profile's panel draws; the ego page lists them all.
PANEL_COAUTHORS = 15
#: Communities with a colour of their own in the drawings; the others share grey.
PALETTE_SIZE = 10
RANKINGS: dict[str, str] = {
    "pagerank": "PageRank (ties to well-connected co-authors)",
    "strength": "joint papers (weighted degree)",
    "degree": "number of co-authors",
}
_CHUNK = 500  # ids per IN (...) list: far below every database's parameter limit


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    batch: list[int] = []
    for value in ids:
        batch.append(value)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _authors() -> QuerySet[Authorship]:
    return Authorship.objects.filter(role=AuthorshipRole.AUTHOR).order_by()


@dataclass(frozen=True, slots=True)
class Person:
    """An HCP as the networks show them."""

    id: int
    name: str
    country: str
    city: str
    engaged: bool

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.country) if part)


def _people(user: AnyUser, ids: Iterable[int], engaged: set[int]) -> dict[int, Person]:
    found: dict[int, Person] = {}
    for chunk in _chunks(ids):
        rows = (
            policy.scope(user, "view", HCP)
            .filter(pk__in=chunk)
            .values_list("pk", "given_name", "family_name", "suffix", "country", "city")
        )
        for pk, given, family, suffix, country, city in rows:
            name = f"{given} {family}".strip()
            found[pk] = Person(
                pk, f"{name}, {suffix}" if suffix else name, country, city, pk in engaged
            )
    return found


def _papers(rows: Iterable[tuple[int, int | None]]) -> dict[int, tuple[list[int], int]]:
    """(publication, HCP or None) rows -> {publication: (its HCPs, its author count)}."""
    hcps: dict[int, list[int]] = defaultdict(list)
    counts: Counter[int] = Counter()
    for publication, hcp in rows:
        counts[publication] += 1
        if hcp is not None:
            hcps[publication].append(hcp)
    return {
        publication: (hcps.get(publication, []), count) for publication, count in counts.items()
    }


def _usable(papers: dict[int, tuple[list[int], int]]) -> tuple[dict[int, list[int]], int]:
    """The papers that tie people (at most :data:`MAX_AUTHORS` authors, 2 HCPs or more)
    with their distinct HCPs, and how many were left out for their size."""
    kept: dict[int, list[int]] = {}
    oversized = 0
    for publication, (hcps, count) in papers.items():
        if count > MAX_AUTHORS:
            oversized += 1
            continue
        people = sorted(set(hcps))
        if len(people) >= 2:
            kept[publication] = people
    return kept, oversized


def _joint_counts(papers: dict[int, list[int]]) -> list[graph.Edge]:
    return graph.coauthor_edges((people, len(people)) for people in papers.values())


# --- the area network -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NetworkFilters:
    year_from: int | None = None
    year_to: int | None = None
    top: int = DEFAULT_TOP
    rank_by: graph.Ranking = "pagerank"
    fractional: bool = False


@dataclass(frozen=True, slots=True)
class NetworkNode:
    person: Person
    papers: int  # the area's papers (in the years asked) the HCP wrote
    degree: int  # co-authors in the whole area network
    strength: float
    pagerank: float
    rank: int  # by PageRank in the whole area network, from 1
    community: int
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class NetworkEdge:
    source: int
    target: int
    joint_papers: int
    weight: float


@dataclass(frozen=True, slots=True)
class Community:
    number: int  # 0 is the largest community of the area
    size: int  # HCPs in the whole area network
    shown: int  # of them drawn
    leaders: list[Person]  # its drawn members with the highest PageRank
    colour: int  # index into the palette; PALETTE_SIZE means grey

    @property
    def label(self) -> str:
        return f"Community {self.number + 1}"


@dataclass(frozen=True, slots=True)
class AreaNetwork:
    area: TherapeuticArea
    filters: NetworkFilters
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    communities: list[Community]
    hcps: int  # HCPs in the whole area network (with a co-author)
    links: int  # edges of the whole area network
    papers: int  # the area's papers in the years asked
    oversized: int  # of them left out for more than MAX_AUTHORS authors
    modularity: float
    first_year: int | None
    last_year: int | None

    def to_json(self) -> dict[str, Any]:
        """The drawing's data for ``network.js`` (and the API's shape of nodes and edges)."""
        return {
            "nodes": [
                {
                    "id": node.person.id,
                    "name": node.person.name,
                    "place": node.person.place,
                    "engaged": node.person.engaged,
                    "papers": node.papers,
                    "degree": node.degree,
                    "strength": round(node.strength, 3),
                    "pagerank": node.pagerank,
                    "rank": node.rank,
                    "community": node.community,
                    "colour": _colour(node.community),
                    "x": node.x,
                    "y": node.y,
                }
                for node in self.nodes
            ],
            "edges": [
                {
                    "source": edge.source,
                    "target": edge.target,
                    "joint_papers": edge.joint_papers,
                    "weight": round(edge.weight, 4),
                }
                for edge in self.edges
            ],
        }


def _colour(community: int) -> int:
    return community if community < PALETTE_SIZE else PALETTE_SIZE


def area_network(user: AnyUser, area: TherapeuticArea, filters: NetworkFilters) -> AreaNetwork:
    """The co-authorship network of ``area``'s publications in the years asked: every
    HCP's centrality and community measured on the whole network, the ``top`` HCPs by
    ``rank_by`` drawn with the edges among them."""
    publications = policy.scope(user, "view", area_publications(area)).filter(is_retracted=False)
    years = publications.aggregate(first=Min("published_year"), last=Max("published_year"))
    if filters.year_from is not None:
        publications = publications.filter(published_year__gte=filters.year_from)
    if filters.year_to is not None:
        publications = publications.filter(published_year__lte=filters.year_to)
    rows = _authors().filter(publication__in=publications.values("pk"))
    papers = _papers(rows.values_list("publication_id", "hcp_id").iterator(chunk_size=20_000))
    usable, oversized = _usable(papers)
    joint = {(a, b): int(w) for a, b, w in _joint_counts(usable)}
    if filters.fractional:
        weighted = graph.coauthor_edges(
            ((people, papers[publication][1]) for publication, people in usable.items()),
            fractional=True,
        )
    else:
        weighted = [(a, b, float(count)) for (a, b), count in joint.items()]
    analysis = graph.analyse(weighted)
    shown_ids = graph.top_nodes(analysis.nodes, filters.top, by=filters.rank_by)
    drawn = graph.subgraph(analysis.graph, shown_ids)
    groups = {node: analysis.nodes[node].community for node in shown_ids}
    positions = graph.layout(drawn, groups=groups) if len(drawn) else {}
    by_rank = graph.top_nodes(analysis.nodes, len(analysis.nodes), by="pagerank")
    ranks = {node: position for position, node in enumerate(by_rank, start=1)}
    authored: Counter[int] = Counter()
    for hcps, _ in papers.values():
        authored.update(set(hcps))
    people = _people(user, shown_ids, registry.engaged_hcp_ids(user))
    nodes = []
    for node in shown_ids:
        if node not in people:
            continue
        metrics = analysis.nodes[node]
        x, y = positions.get(node, (0.5, 0.5))
        nodes.append(
            NetworkNode(
                people[node],
                authored[node],
                metrics.degree,
                metrics.strength,
                metrics.pagerank,
                ranks[node],
                metrics.community,
                x,
                y,
            )
        )
    edges = [
        NetworkEdge(a, b, joint[(a, b)], weight)
        for a, b, weight in drawn.edges()
        if a in people and b in people
    ]
    return AreaNetwork(
        area=area,
        filters=filters,
        nodes=nodes,
        edges=edges,
        communities=_communities(analysis, nodes),
        hcps=len(analysis.nodes),
        links=analysis.graph.edge_count,
        papers=len(papers),
        oversized=oversized,
        modularity=analysis.modularity,
        first_year=years["first"],
        last_year=years["last"],
    )


def _communities(analysis: graph.Analysis, nodes: Sequence[NetworkNode]) -> list[Community]:
    members: dict[int, list[NetworkNode]] = defaultdict(list)
    for node in nodes:
        members[node.community].append(node)
    found = []
    for number in sorted(members):
        drawn = sorted(members[number], key=lambda node: (-node.pagerank, node.person.id))
        found.append(
            Community(
                number=number,
                size=analysis.community_sizes[number],
                shown=len(drawn),
                leaders=[node.person for node in drawn[:3]],
                colour=_colour(number),
            )
        )
    return found


# --- an HCP's ego network -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coauthor:
    person: Person
    joint_papers: int
    last_year: int | None
    x: float = 0.5
    y: float = 0.5


@dataclass(frozen=True, slots=True)
class EgoNetwork:
    hcp: HCP
    coauthors: list[Coauthor]  # most joint papers first (at most ``limit`` of them)
    total_coauthors: int
    engaged_coauthors: int
    papers: int  # the HCP's papers (not retracted) that count
    oversized: int
    links: list[tuple[int, int, int]] = field(default_factory=list)  # among drawn co-authors

    @property
    def shown_all(self) -> bool:
        return len(self.coauthors) == self.total_coauthors


def ego_network(
    user: AnyUser,
    hcp: HCP,
    *,
    limit: int | None = None,
    draw: int = PANEL_COAUTHORS,
    year_from: int | None = None,
    year_to: int | None = None,
) -> EgoNetwork:
    """Who ``hcp`` publishes with: each co-author with their joint papers and the year
    of the last one, whether our team engages them, a layout of the ``draw`` strongest
    ties and the joint papers among those co-authors. ``limit`` caps the list (the
    totals count everyone)."""
    own = _authors().filter(hcp=hcp, publication__is_retracted=False)
    if year_from is not None:
        own = own.filter(publication__published_year__gte=year_from)
    if year_to is not None:
        own = own.filter(publication__published_year__lte=year_to)
    rows = list(
        _authors()
        .filter(publication__in=own.values("publication_id"))
        .values_list("publication_id", "hcp_id", "publication__published_year")
    )
    years = {publication: year for publication, _, year in rows}
    papers = _papers((publication, person) for publication, person, _ in rows)
    usable, oversized = _usable(papers)
    joint: Counter[int] = Counter()
    last: dict[int, int | None] = {}
    for publication, authors in usable.items():
        year = years.get(publication)
        for person in authors:
            if person == hcp.pk:
                continue
            joint[person] += 1
            if year is not None and (last.get(person) or 0) < year:
                last[person] = year
    engaged = registry.engaged_hcp_ids(user)
    ordered = sorted(joint, key=lambda person: (-joint[person], -(last.get(person) or 0), person))
    people = _people(user, ordered, engaged)
    ordered = [person for person in ordered if person in people]
    listed = ordered if limit is None else ordered[:limit]
    drawn = listed[:draw]
    links = _links_among(drawn)
    positions = graph.ego_layout(hcp.pk, {person: float(joint[person]) for person in drawn}, links)
    coauthors = []
    for person in listed:
        x, y = positions.get(person, (0.5, 0.5))
        coauthors.append(Coauthor(people[person], joint[person], last.get(person), x, y))
    return EgoNetwork(
        hcp=hcp,
        coauthors=coauthors,
        total_coauthors=len(ordered),
        engaged_coauthors=sum(1 for person in ordered if people[person].engaged),
        papers=len(papers),
        oversized=oversized,
        links=[(a, b, int(w)) for a, b, w in links],
    )


def _links_among(people: Sequence[int]) -> list[graph.Edge]:
    """The joint papers of each pair among ``people`` (a few dozen at most)."""
    if len(people) < 2:
        return []
    their = _authors().filter(hcp_id__in=list(people), publication__is_retracted=False)
    rows = _authors().filter(publication__in=their.values("publication_id"))
    usable, _ = _usable(_papers(rows.values_list("publication_id", "hcp_id")))
    wanted = set(people)
    return _joint_counts(
        {paper: [p for p in hcps if p in wanted] for paper, hcps in usable.items()}
    )


# --- introductions --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paper:
    id: int
    pmid: int
    title: str
    year: int | None


@dataclass(frozen=True, slots=True)
class Hop:
    source: Person
    target: Person
    joint_papers: int
    papers: list[Paper]  # the latest few of them


@dataclass(frozen=True, slots=True)
class Introduction:
    introducer: Person
    hops: list[Hop]
    cost: float

    @property
    def weakest(self) -> int:
        return min(hop.joint_papers for hop in self.hops)


@dataclass(frozen=True, slots=True)
class Introductions:
    target: Person
    paths: list[Introduction]
    engaged: int  # HCPs our team engages, all of them candidates
    max_hops: int
    coauthors: int  # the target's co-authors


PAPERS_PER_HOP = 3


def _papers_of(people: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(people):
        found.update(
            _authors()
            .filter(hcp_id__in=chunk, publication__is_retracted=False)
            .values_list("publication_id", flat=True)
        )
    return found


def _rows_of(publications: Iterable[int]) -> list[tuple[int, int | None]]:
    rows: list[tuple[int, int | None]] = []
    for chunk in _chunks(publications):
        rows.extend(
            _authors().filter(publication_id__in=chunk).values_list("publication_id", "hcp_id")
        )
    return rows


def introductions(
    user: AnyUser, target: HCP, *, max_hops: int = 3, limit: int = 5
) -> Introductions:
    """Who can introduce our team to ``target``: the strongest co-authorship paths (a
    hop's cost is 1 / its joint papers) of at most ``max_hops`` hops from each HCP our
    team engages, the ``limit`` best from different introducers, each hop with its
    joint papers.

    Only the neighbourhood that such paths can use is read: the papers of the target's
    co-authors (every tie of a co-author, so every first and second hop) and the papers
    of the engaged HCPs (their own ties, the last hop of a three-hop path); every edge a
    path may take has a co-author or an engaged HCP at one end, so its count is whole."""
    engaged = registry.engaged_hcp_ids(user)
    sources = engaged - {target.pk}
    near, _ = _usable(_papers(_rows_of(_papers_of([target.pk]))))
    coauthors = {person for people in near.values() for person in people} - {target.pk}
    around = _papers_of(coauthors) if max_hops > 1 else set()
    if max_hops > 2:
        around |= _papers_of(sources)
    usable, _ = _usable(_papers(_rows_of(around | set(near))))
    edges = _joint_counts(usable)
    paths = graph.introduction_paths(
        edges, sources=sources, target=target.pk, max_hops=max_hops, limit=limit
    )
    involved = {node for path in paths for node in path.nodes} | {target.pk}
    people = _people(user, involved, engaged)
    pair_papers: dict[tuple[int, int], list[int]] = defaultdict(list)
    wanted_pairs = {
        tuple(sorted(pair))
        for path in paths
        for pair in zip(path.nodes, path.nodes[1:], strict=False)
    }
    for publication, hcps in usable.items():
        members = set(hcps)
        for a, b in wanted_pairs:
            if a in members and b in members:
                pair_papers[(a, b)].append(publication)
    details = {
        row.pk: Paper(row.pk, row.pmid, row.title, row.published_year)
        for row in policy.scope(user, "view", Publication)
        .filter(pk__in=[p for ids in pair_papers.values() for p in ids])
        .only("pk", "pmid", "title", "published_year")
    }
    found = []
    for path in paths:
        if any(node not in people for node in path.nodes):
            continue
        hops = []
        for a, b, weight in zip(path.nodes, path.nodes[1:], path.weights, strict=False):
            shared = [details[p] for p in pair_papers[(min(a, b), max(a, b))] if p in details]
            shared.sort(key=lambda paper: (-(paper.year or 0), -paper.pmid))
            hops.append(Hop(people[a], people[b], int(weight), shared[:PAPERS_PER_HOP]))
        found.append(Introduction(people[path.introducer], hops, path.cost))
    target_person = people.get(target.pk) or Person(
        target.pk, target.full_name, target.country, target.city, target.pk in engaged
    )
    return Introductions(target_person, found, len(sources), max_hops, len(coauthors))
