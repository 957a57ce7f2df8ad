"""The screen: the sentences of a note that mention an event with one of our products.

A sentence is flagged when it holds an event word (``lexicon``) that the
sentence asserts (``context``) and is linked to one of our products:

1. the products the sentence names: ours are flagged, and a sentence naming
   only another company's product is not ("switched from Tremiqa to Onvexa;
   now severe nausea" flags Onvexa). One exception: our product named only as
   the one a patient moves to, after the events, beside another company's
   ("had a major bleed on Rhythmex, considering a switch to Cardiozen"): the
   events happened on theirs. Likewise, in a sentence naming ours and theirs,
   an event in a part (between semicolons) that names only theirs is theirs
   ("stopped Rivalimab due to hepatitis; now considering Oncovirumab");
2. a sentence naming none takes the products of the sentence before ("Dr. Roth
   has a pt on Onvexa. The pt developed a rash."), and passes them on to the
   next sentence while each holds an event; when the sentence before moved the
   patient to a product ("switched from Onvexa to Tremiqa."), that product alone;
3. otherwise, a sentence that refers back ("the drug", "it", "this treatment",
   "since starting", "after the second infusion") takes the note's only
   product, when the note names exactly one product and it is ours.

One flag per sentence, product and kind, with every event word of that kind.

A sentence the rules do not flag is read by the sentence model (``learned``)
when it speaks of our products only (named in it, in the sentence before, or
the note's only product referred back to), holds no event word the rules
judged not asserted, and does not say the patient is well. At or above the
model's threshold it is flagged as an adverse event, its words the ones the
model weighed most, provided the context rules assert them ("no", "if",
"history of" still apply): recall on sentences no rule was written for.
``rules_only`` screens without the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from liaison.safety.screening.context import Status, statuses
from liaison.safety.screening.folding import Folded, fold
from liaison.safety.screening.learned import SentenceModel, says_well, shipped, tokens
from liaison.safety.screening.lexicon import Event, find_events
from liaison.safety.screening.products import REFERS_BACK, SWITCH_TO, ProductMatcher, matcher
from liaison.safety.screening.records import Flag, FlagKind, ScreenProduct
from liaison.safety.screening.sentences import split_sentences


class _Link(Enum):
    NAMED = "mentioned with {product}"
    BEFORE = "mentioned; {product} is named in the sentence before"
    ONLY = "mentioned; {product} is the only product in the note"


#: How a flag of the sentence model says why: no rule found these words.
MODEL_READING = "event words by the sentence model's reading"


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


def _theirs_only(event: Event, mentions: Sequence[tuple[ScreenProduct, int]], text: str) -> bool:
    """Whether the part of the sentence holding ``event`` names only other companies' products."""
    start = text.rfind(";", 0, event.start) + 1
    end = text.find(";", event.end)
    end = len(text) if end < 0 else end
    named = [product for product, at in mentions if start <= at < end]
    return bool(named) and not any(product.own for product in named)


def _carried(
    here: list[ScreenProduct], mentions: Sequence[tuple[ScreenProduct, int]], text: str
) -> list[ScreenProduct]:
    """What a sentence passes to the next: the product moved to, if any, else all it names."""
    moved = {product.name: product for product, start in mentions if _switched_to(text, start)}
    return list(moved.values()) or here


def _asserted(folded: str, events: Sequence[Event]) -> list[Event]:
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


def _model_link(
    sentence: Folded,
    here: list[ScreenProduct],
    carried_in: list[ScreenProduct],
    only: ScreenProduct | None,
) -> tuple[list[ScreenProduct], _Link]:
    """Our products a sentence the rules did not flag speaks of: those it names if it names
    only ours, else those of the sentence before, else the note's only one if it refers back."""
    if here:
        ours = all(product.own for product in here)
        return (here if ours else []), _Link.NAMED
    if carried_in:
        return [product for product in carried_in if product.own], _Link.BEFORE
    if only is not None and REFERS_BACK.search(sentence.text):
        return [only], _Link.ONLY
    return [], _Link.NAMED


def _read(
    model: SentenceModel,
    text: str,
    span: tuple[int, int],
    sentence: Folded,
    here: list[ScreenProduct],
    carried_in: list[ScreenProduct],
    only: ScreenProduct | None,
    find_products: ProductMatcher,
) -> list[Flag]:
    """Flags of the sentence model for a sentence the rules did not flag.

    The sentence must speak of our products only (``_model_link``) and not say
    the patient is well (``learned.says_well``: "ALT normal"), the model
    must rate it at or above its threshold, and the words it weighed most must
    be asserted by the context rules (not negated, hypothetical, history...):
    those words are the flag's words.
    """
    linked, link = _model_link(sentence, here, carried_in, only)
    if not linked or says_well(sentence.text):
        return []
    placeholders = [
        (start, end, product.own) for product, start, end in find_products.spans(sentence.text)
    ]
    words = tokens(sentence.text, placeholders)
    if model.probability(words) < model.threshold:
        return []
    weighed = [
        Event(FlagKind.ADVERSE_EVENT, token.start, token.end) for token in model.weighed(words)
    ]
    asserted = _asserted(sentence.text, weighed)
    if not asserted:
        return []
    start, end = span
    found = _words_by_kind(text, start, sentence, asserted)[FlagKind.ADVERSE_EVENT]
    return [
        Flag(
            kind=FlagKind.ADVERSE_EVENT,
            product=product.name,
            words=tuple(found),
            sentence=text[start:end],
            span=span,
            reason=f"{MODEL_READING} ({_joined(found)}) {link.value.format(product=product.name)}",
            by_model=True,
        )
        for product in linked
    ]


def screen(
    text: str,
    products: Sequence[ScreenProduct],
    *,
    model: SentenceModel | None = None,
    rules_only: bool = False,
    model_only: bool = False,
) -> list[Flag]:
    """Flags for the sentences of ``text`` that mention an event with one of our ``products``.

    ``model`` is the sentence model (default: the shipped one, read when first
    needed); ``rules_only`` screens without it; ``model_only`` (to measure the
    model, ``train``) without the rules' own flags, their context still applied.

    >>> onvexa = ScreenProduct("Onvexa", ("velotinib",), own=True)
    >>> [flag.reason for flag in screen("No nausea. Pt on Onvexa developed a rash.", [onvexa])]
    ['rash mentioned with Onvexa']
    """
    if rules_only:
        model = None
    elif model is None:
        model = shipped()
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
        events = find_events(sentence.text)
        asserted = _asserted(sentence.text, events)
        carried_in = before
        if here:
            linked, link, before = here, _Link.NAMED, _carried(here, found, sentence.text)
        elif before and asserted:
            linked, link = before, _Link.BEFORE
        elif only is not None and asserted and REFERS_BACK.search(sentence.text):
            linked, link, before = [only], _Link.ONLY, [only]
        else:
            linked, link, before = [], _Link.NAMED, []
        if link is _Link.NAMED and any(not product.own for product in here):
            asserted = [
                event for event in asserted if not _theirs_only(event, found, sentence.text)
            ]
        flagged = [
            product
            for product in linked
            if product.own
            and not (link is _Link.NAMED and _moved_to(product, found, sentence.text, asserted))
        ]
        if asserted and flagged and not model_only:
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
        elif model is not None and not (events and not asserted):
            flags.extend(
                _read(model, text, (start, end), sentence, here, carried_in, only, find_products)
            )
    return flags
