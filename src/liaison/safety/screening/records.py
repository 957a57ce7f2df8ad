"""What the screen takes and gives: the caller's products, the kinds of flag, and a flag."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FlagKind(StrEnum):
    """What a flag reports: an adverse event, a product complaint or a special situation."""

    ADVERSE_EVENT = "adverse_event"
    PRODUCT_COMPLAINT = "product_complaint"
    PREGNANCY = "pregnancy"
    BREASTFEEDING = "breastfeeding"
    OVERDOSE = "overdose"
    ABUSE = "abuse"
    MISUSE = "misuse"
    MEDICATION_ERROR = "medication_error"
    OFF_LABEL_USE = "off_label_use"
    LACK_OF_EFFICACY = "lack_of_efficacy"
    OCCUPATIONAL_EXPOSURE = "occupational_exposure"

    @property
    def label(self) -> str:
        """The kind in words, as a reason or a page shows it ("medication error")."""
        return self.value.replace("_", " ")

    @property
    def is_special_situation(self) -> bool:
        """Reportable without an adverse event (pregnancy, overdose, off-label use...)."""
        return self not in (FlagKind.ADVERSE_EVENT, FlagKind.PRODUCT_COMPLAINT)


@dataclass(frozen=True, slots=True)
class ScreenProduct:
    """A product of the directory as the screen sees it.

    ``aliases`` are the other names a note may use (the generic name, brand
    spellings); case and accents never matter. Only ``own`` products are
    flagged: another company's product is ours to know about, not to report.
    """

    name: str
    aliases: tuple[str, ...] = ()
    own: bool = True


@dataclass(frozen=True, slots=True)
class Flag:
    """One sentence of a note that mentions an event of ``kind`` with our ``product``.

    ``words`` are the event words as written; ``span`` is the sentence's
    ``(start, end)`` in the screened text, so ``text[start:end] == sentence``;
    ``reason`` says in words why the sentence was flagged. ``by_model`` when no
    rule found an event word and the sentence model did (``learned``): ``words``
    are then the words it weighed most, not a lexicon's event words.
    """

    kind: FlagKind
    product: str
    words: tuple[str, ...]
    sentence: str
    span: tuple[int, int]
    reason: str
    by_model: bool = False
