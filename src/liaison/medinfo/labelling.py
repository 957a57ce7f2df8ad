"""On- or off-label: is an inquiry about a product's labelled use in the requester's country?

The directory lists each product's labelled indications by country
(:class:`~liaison.directory.models.Indication`), ours and competitors' alike. A
question is off-label when the product has no indication in the requester's
country, or when it names a therapeutic area or an indication that none of the
product's indications there covers. The area rule is engagement's
(:mod:`liaison.engagement.offlabel`): an indication without a therapeutic area
covers its product's own area.

An indication as typed matches a labelled condition only when every word of the
condition is among its words: "EGFR-mutated metastatic non-small cell lung
cancer, first line, in elderly patients" is labelled use, "lung cancer" is not
(it may be a line or a population the label does not cover). Erring towards
off-label costs an attestation; erring the other way would let an unapproved use
pass without proof that it was asked for, which is what this rule exists to prevent.

A question about a product says the use it is about (an indication, or a
therapeutic area): without one, a labelled product would pass as on-label by
default, so the intake refuses it (:func:`use_missing`). Without a product there
is nothing a label could cover, and the inquiry is on-label.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.directory.models import Indication, Product, TherapeuticArea
from liaison.lib.countries import name as country_name
from liaison.lib.text import fold

#: Words that carry no meaning for matching an indication to a labelled condition.
_FILLER = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the"})


#: The refusal of a product named without the use asked about (beside ``indication``).
USE_NEEDED = (
    "say what use the question is about (an indication, or a therapeutic area), "
    "so Liaison can tell on- from off-label"
)


@dataclass(frozen=True, slots=True)
class LabelDecision:
    """Whether an inquiry is off-label, and why, in words."""

    off_label: bool
    reason: str


def _words(text: str) -> frozenset[str]:
    return frozenset(word for word in fold(text).split() if word not in _FILLER)


def condition_matches(indication: str, condition: str) -> bool:
    """Whether the ``indication`` as typed falls within the labelled ``condition``.

    >>> condition_matches("first-line EGFR-mutated metastatic NSCLC", "EGFR-mutated NSCLC")
    True
    >>> condition_matches("lung cancer", "EGFR-mutated metastatic non-small cell lung cancer")
    False
    """
    wanted = _words(condition)
    return bool(wanted) and wanted <= _words(indication)


def use_missing(
    product: Product | None, *, therapeutic_area: TherapeuticArea | None, indication: str
) -> bool:
    """Whether a question names a product but neither an indication nor a therapeutic
    area: :func:`decide` could then only call it on-label, unproven."""
    return product is not None and therapeutic_area is None and not indication.strip()


def decide(
    product: Product | None,
    country: str,
    *,
    therapeutic_area: TherapeuticArea | None = None,
    indication: str = "",
) -> LabelDecision:
    """On- or off-label for a question about ``product`` from ``country`` (one query);
    the intake refuses first a product without its use (:func:`use_missing`)."""
    if product is None:
        return LabelDecision(False, "no product is named")
    where = country_name(country) or country
    labels = list(
        Indication.objects.filter(product=product, country=country.upper()).values_list(
            "condition", "therapeutic_area_id"
        )
    )
    if not labels:
        return LabelDecision(True, f"{product.name} has no labelled indication in {where}")
    if therapeutic_area is not None:
        labels = [
            (condition, area_id)
            for condition, area_id in labels
            if (area_id if area_id is not None else product.therapeutic_area_id)
            == therapeutic_area.pk
        ]
        if not labels:
            return LabelDecision(
                True, f"{product.name} is not labelled for {therapeutic_area.name} in {where}"
            )
    typed = indication.strip()
    if typed:
        matched = [condition for condition, _ in labels if condition_matches(typed, condition)]
        if not matched:
            return LabelDecision(
                True,
                f"{product.name} is not labelled for “{typed}” in {where}"
                f" (labelled: {'; '.join(sorted({condition for condition, _ in labels}))})",
            )
        return LabelDecision(False, f"{product.name} is labelled for {matched[0]} in {where}")
    return LabelDecision(False, f"{product.name} has a labelled indication in {where}")
