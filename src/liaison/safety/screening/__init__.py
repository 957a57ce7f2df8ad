"""Adverse-event language in free text: a rule-based screen of notes (pure; no ORM).

    >>> from liaison.safety.screening import ScreenProduct, screen
    >>> flags = screen("Pt on Onvexa developed a rash.", [ScreenProduct("Onvexa", ("velotinib",))])
    >>> flags[0].kind.value, flags[0].product, flags[0].words
    ('adverse_event', 'Onvexa', ('rash',))

``screen`` (rules of product linking), ``context`` (negation, hypotheses,
history: what is and is not flagged, and why), ``lexicon`` (the words),
``sentences`` (splitting field notes), ``learned`` (the sentence model for what
the words miss; ``train`` writes it). ``evaluate`` measures the screen on the
labelled set in ``safety/tests/data/ae_sentences.tsv``.
"""

from liaison.safety.screening.records import Flag, FlagKind, ScreenProduct
from liaison.safety.screening.screen import screen

__all__ = ["Flag", "FlagKind", "ScreenProduct", "screen"]
