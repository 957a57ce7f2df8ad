"""Which products a sentence names, and whether it refers back to one named before.

Names and aliases match whole words in folded text, so case, accents, a
trademark sign or a possessive do not matter ("ONVEXA®", "Onvexa's",
"Oncovirúmab"); a multi-word name matches across spaces or hyphens. Typos in a
product name are not matched: a misspelt name is not a product the screen can name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from liaison.safety.screening.folding import fold
from liaison.safety.screening.records import ScreenProduct

_SEPARATORS = re.compile(r"[\s\-]+")

#: Words that refer back to a product named elsewhere in the note.
REFERS_BACK = re.compile(
    r"(?<![a-z0-9])(?:it|the (?:drug|medicine|medication|product|treatment|therapy|injections?"
    r"|infusions?|tablets?|pills?|pens?|vials?|dose|doses|regimen)|this (?:drug|medicine"
    r"|medication|product|treatment|therapy)|since (?:starting|initiation|then|the start)"
    r"|after (?:starting|initiating)|on (?:treatment|therapy)|while on|our (?:drug|product"
    r"|medicine)|(?:first|second|third|\d+(?:st|nd|rd|th)) (?:dose|infusion|injection|cycle))"
    r"(?![a-z0-9])"
)


#: Before a product named as the one a patient moves to: "considering a switch to Cardiozen".
SWITCH_TO = re.compile(
    r"(?<![a-z0-9])(?:switch(?:ed|es|ing)?|chang(?:e|ed|es|ing)|mov(?:e|ed|es|ing)|swap(?:ped"
    r"|ping|s)?|transition(?:ed|ing)?)(?: [a-z0-9']+){0,3}? (?:to|onto)\s+$"
)


def _key(name: str) -> str:
    return _SEPARATORS.sub(" ", fold(name).text.strip())


class ProductMatcher:
    """Finds the products of one product list in folded sentences."""

    def __init__(self, products: Sequence[ScreenProduct]) -> None:
        self.by_key: dict[str, ScreenProduct] = {}
        for product in products:
            for name in (product.name, *product.aliases):
                key = _key(name)
                known = self.by_key.get(key)
                # Two products sharing a name: ours wins, so that no flag is lost.
                if key and (known is None or (product.own and not known.own)):
                    self.by_key[key] = product
        names = sorted(self.by_key, key=len, reverse=True)
        alternatives = "|".join(
            r"[\s\-]+".join(re.escape(part) for part in name.split(" ")) for name in names
        )
        self.pattern = (
            re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])") if names else None
        )

    def mentions(self, folded: str) -> list[tuple[ScreenProduct, int]]:
        """Each mention of a product in ``folded``: the product and where the mention starts."""
        if self.pattern is None:
            return []
        return [
            (self.by_key[_SEPARATORS.sub(" ", match.group())], match.start())
            for match in self.pattern.finditer(folded)
        ]

    def spans(self, folded: str) -> list[tuple[ScreenProduct, int, int]]:
        """Each mention of a product in ``folded``: the product and the mention's ``[start, end)``."""
        if self.pattern is None:
            return []
        return [
            (self.by_key[_SEPARATORS.sub(" ", match.group())], match.start(), match.end())
            for match in self.pattern.finditer(folded)
        ]

    def find(self, folded: str) -> list[ScreenProduct]:
        """The products named in ``folded``, each once, in order of first mention."""
        found: dict[str, ScreenProduct] = {}
        for product, _ in self.mentions(folded):
            found.setdefault(product.name, product)
        return list(found.values())


@lru_cache(maxsize=16)
def matcher(products: tuple[ScreenProduct, ...]) -> ProductMatcher:
    """The matcher of a product list, compiled once: the directory's list rarely changes."""
    return ProductMatcher(products)
