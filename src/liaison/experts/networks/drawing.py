"""What the network pages draw as SVG: positions scaled to the picture, node sizes and
edge widths. The SVG is rendered on the server (readable without script);
``static/experts/network.js`` adds hover, zoom, pan and highlighting."""

from __future__ import annotations

import math
from dataclasses import dataclass

from liaison.experts.networks.selectors import PALETTE_SIZE, AreaNetwork, EgoNetwork

SIZE = 1000  # the area drawing's viewBox is SIZE x SIZE
EGO_SIZE = 400


@dataclass(frozen=True, slots=True)
class Dot:
    id: int
    name: str
    x: float
    y: float
    r: float
    colour: str  # a CSS class: community-0 ... community-9, community-other, ego
    engaged: bool
    label: str  # the tooltip's text


@dataclass(frozen=True, slots=True)
class Line:
    source: int
    target: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    label: str
    source_name: str = ""
    target_name: str = ""
    joint_papers: int = 0
    weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Drawing:
    size: int  # the width of the viewBox
    dots: list[Dot]
    lines: list[Line]
    height: int = 0  # of the viewBox; the width when 0

    @property
    def view_height(self) -> int:
        return self.height or self.size


def colour_class(colour: int) -> str:
    return f"community-{colour}" if colour < PALETTE_SIZE else "community-other"


def _plural(count: float, word: str) -> str:
    shown = f"{count:g}"
    return f"{shown} {word}" if count == 1 else f"{shown} {word}s"


def area(network: AreaNetwork) -> Drawing:
    """Dots sized by PageRank (area between 1 and 16 times the smallest), lines as wide
    as their weight allows (0.6 to 6 px)."""
    top_rank = max((node.pagerank for node in network.nodes), default=0.0) or 1.0
    heaviest = max((edge.weight for edge in network.edges), default=0.0) or 1.0
    margin = 30
    scale = SIZE - 2 * margin
    # The layout is centred in the unit square: crop the empty bands above and below.
    top = min((node.y for node in network.nodes), default=0.0)
    bottom = max((node.y for node in network.nodes), default=1.0)
    height = max(round((bottom - top) * scale + 2 * margin), SIZE // 3)
    shift = (height - (bottom - top) * scale) / 2 - top * scale
    where: dict[int, tuple[float, float]] = {}
    dots = []
    for node in network.nodes:
        x = round(margin + node.x * scale, 1)
        y = round(shift + node.y * scale, 1)
        where[node.person.id] = (x, y)
        community = f"community {node.community + 1}"
        engaged = ", engaged by our team" if node.person.engaged else ""
        dots.append(
            Dot(
                node.person.id,
                node.person.name,
                x,
                y,
                round(4 + 12 * math.sqrt(node.pagerank / top_rank), 1),
                colour_class(min(node.community, PALETTE_SIZE)),
                node.person.engaged,
                f"{node.person.name} ({node.person.place or 'place unknown'}): "
                f"{_plural(node.papers, 'paper')}, {_plural(node.degree, 'co-author')}, "
                f"rank {node.rank} by PageRank, {community}{engaged}",
            )
        )
    names = {node.person.id: node.person.name for node in network.nodes}
    lines = []
    for edge in network.edges:
        (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
        lines.append(
            Line(
                edge.source,
                edge.target,
                x1,
                y1,
                x2,
                y2,
                round(0.6 + 5.4 * edge.weight / heaviest, 2),
                f"{names[edge.source]} and {names[edge.target]}: "
                f"{_plural(edge.joint_papers, 'joint paper')}",
                names[edge.source],
                names[edge.target],
                edge.joint_papers,
                edge.weight,
            )
        )
    return Drawing(SIZE, dots, lines, height)


def ego(network: EgoNetwork, *, draw: int) -> Drawing:
    """The HCP in the middle, the ``draw`` strongest co-authors around them."""
    margin = 24
    scale = EGO_SIZE - 2 * margin
    strongest = max((c.joint_papers for c in network.coauthors), default=1) or 1
    centre = EGO_SIZE / 2
    where: dict[int, tuple[float, float]] = {network.hcp.pk: (centre, centre)}
    dots = [
        Dot(
            network.hcp.pk,
            network.hcp.full_name,
            centre,
            centre,
            14,
            "ego",
            False,
            network.hcp.full_name,
        )
    ]
    lines = []
    for coauthor in network.coauthors[:draw]:
        x = round(margin + coauthor.x * scale, 1)
        y = round(margin + coauthor.y * scale, 1)
        where[coauthor.person.id] = (x, y)
        engaged = ", engaged by our team" if coauthor.person.engaged else ""
        dots.append(
            Dot(
                coauthor.person.id,
                coauthor.person.name,
                x,
                y,
                round(5 + 5 * math.sqrt(coauthor.joint_papers / strongest), 1),
                "coauthor",
                coauthor.person.engaged,
                f"{coauthor.person.name}: {_plural(coauthor.joint_papers, 'joint paper')}{engaged}",
            )
        )
        lines.append(
            Line(
                network.hcp.pk,
                coauthor.person.id,
                centre,
                centre,
                x,
                y,
                round(0.8 + 4 * coauthor.joint_papers / strongest, 2),
                f"{network.hcp.full_name} and {coauthor.person.name}: "
                f"{_plural(coauthor.joint_papers, 'joint paper')}",
            )
        )
    names = {dot.id: dot.name for dot in dots}
    for a, b, count in network.links:
        if a in where and b in where:
            (x1, y1), (x2, y2) = where[a], where[b]
            label = f"{names[a]} and {names[b]}: {_plural(count, 'joint paper')}"
            lines.append(Line(a, b, x1, y1, x2, y2, 0.6, label, names[a], names[b], count))
    return Drawing(EGO_SIZE, dots, lines)
