"""The screen: the sentences of a note that mention an event with one of our products.

A sentence is flagged when it holds an event word (``lexicon``) that the
sentence asserts (``context``) and is linked to one of our products:

1. the products the sentence names: ours are flagged, and a sentence naming
   only another company's product is not ("switched from Tremiqa to Onvexa;
   now severe nausea" flags Onvexa). One exception: our product named only as
   the one a patient moves to, after the events, beside another company's
   ("had a major bleed on Rhythmex, considering a switch to Cardiozen"): the
   events happened on theirs;
2. a sentence naming none takes the products of the sentence before ("Dr. Roth
   has a pt on Onvexa. The pt developed a rash."), and passes them on to the
   next sentence while each holds an event; when the sentence before moved the
   patient to a product ("switched from Onvexa to Tremiqa."), that product alone;
3. otherwise, a sentence that refers back ("the drug", "it", "this treatment",
   "since starting", "after the second infusion") takes the note's only
   product, when the note names exactly one product and it is ours.

One flag per sentence, product and kind, with every event word of that kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from liaison.safety.screening.context import Status, statuses
from liaison.safety.screening.folding import Folded, fold
from liaison.safety.screening.lexicon import Event, find_events
from liaison.safety.screening.products import REFERS_BACK, SWITCH_TO, matcher
from liaison.safety.screening.records import Flag, FlagKind, ScreenProduct
from liaison.safety.screening.sentences import split_sentences


class _Link(Enum):
    NAMED = "mentioned with {product}"
    BEFORE = "mentioned; {product} is named in the sentence before"
    ONLY = "mentioned; {product} is the only product in the note"


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _reason(kind: FlagKind, words: Sequence[str], product: str, link: _Link) -> str:
    subject = (
        _joined(words) if kind is FlagKind.ADVERSE_EVENT else f"{kind.label} ({_joined(words)})"
    )
    return f"{subject} {link.value.format(product=product)}"


def _switched_to(text: str, start: int) -> bool:
    """Whether the product named at ``start`` is the one a patient moves to."""
    return SWITCH_TO.search(text, max(0, start - 60), start) is not None


def _moved_to(
    product: ScreenProduct,
    mentions: Sequence[tuple[ScreenProduct, int]],
    text: str,
    events: Sequence[Event],
) -> bool:
    """Whether ``product`` is named only as the one moved to, after the events, beside theirs."""
    starts = [start for named, start in mentions if named.name == product.name]
    return (
        any(not named.own for named, _ in mentions)
        and all(_switched_to(text, start) for start in starts)
        and all(event.end <= starts[0] for event in events)
    )


def _carried(
    here: list[ScreenProduct], mentions: Sequence[tuple[ScreenProduct, int]], text: str
) -> list[ScreenProduct]:
    """What a sentence passes to the next: the product moved to, if any, else all it names."""
    moved = {product.name: product for product, start in mentions if _switched_to(text, start)}
    return list(moved.values()) or here


def _asserted(folded: str) -> list[Event]:
    events = find_events(folded)
    return [
        event
        for event, status in zip(events, statuses(folded, events), strict=True)
        if status is Status.ASSERTED
    ]


def _words_by_kind(
    text: str, offset: int, sentence: Folded, events: Sequence[Event]
) -> dict[FlagKind, list[str]]:
    """The events' words as written in ``text``, by kind, each once."""
    words_by_kind: dict[FlagKind, list[str]] = {}
    for event in events:
        word_start, word_end = sentence.span(event.start, event.end)
        word = text[offset + word_start : offset + word_end]
        words = words_by_kind.setdefault(event.kind, [])
        if word not in words:
            words.append(word)
    return words_by_kind


def screen(text: str, products: Sequence[ScreenProduct]) -> list[Flag]:
    """Flags for the sentences of ``text`` that mention an event with one of our ``products``.

    >>> onvexa = ScreenProduct("Onvexa", ("velotinib",), own=True)
    >>> [flag.reason for flag in screen("No nausea. Pt on Onvexa developed a rash.", [onvexa])]
    ['rash mentioned with Onvexa']
    """
    find_products = matcher(tuple(products))
    spans = split_sentences(text)
    folded = [fold(text[start:end]) for start, end in spans]
    mentions = [find_products.mentions(sentence.text) for sentence in folded]
    named = [list({product.name: product for product, _ in found}.values()) for found in mentions]
    in_note = {product.name: product for names in named for product in names}
    only = next(iter(in_note.values())) if len(in_note) == 1 else None
    only = only if only is not None and only.own else None

    flags: list[Flag] = []
    before: list[ScreenProduct] = []
    for (start, end), sentence, here, found in zip(spans, folded, named, mentions, strict=True):
        asserted = _asserted(sentence.text)
        if here:
            linked, link, before = here, _Link.NAMED, _carried(here, found, sentence.text)
        elif before and asserted:
            linked, link = before, _Link.BEFORE
        elif only is not None and asserted and REFERS_BACK.search(sentence.text):
            linked, link, before = [only], _Link.ONLY, [only]
        else:
            linked, link, before = [], _Link.NAMED, []
        flagged = [
            product
            for product in linked
            if product.own
            and not (link is _Link.NAMED and _moved_to(product, found, sentence.text, asserted))
        ]
        if not (asserted and flagged):
            continue
        words_by_kind = _words_by_kind(text, start, sentence, asserted)
        flags.extend(
            Flag(
                kind=kind,
                product=product.name,
                words=tuple(words),
                sentence=text[start:end],
                span=(start, end),
                reason=_reason(kind, words, product.name, link),
            )
            for product in flagged
            for kind, words in words_by_kind.items()
        )
    return flags
