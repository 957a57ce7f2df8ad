"""Facts of the safety models that hold without a database: a flag's kinds are an
adverse event, a product complaint and the special situations a case reports, one
list, and they are the kinds the screen raises."""

from __future__ import annotations

from liaison.safety import screening
from liaison.safety.models import FlagKind, SpecialSituation


def test_a_flags_kinds_are_the_special_situations_and_two_more() -> None:
    own = [("adverse_event", "Adverse event"), ("product_complaint", "Product complaint")]
    assert FlagKind.choices == [*own, *SpecialSituation.choices]
    assert FlagKind("pregnancy").label == SpecialSituation.PREGNANCY.label


def test_the_screen_raises_the_kinds_a_flag_stores() -> None:
    assert {kind.value for kind in screening.FlagKind} == set(FlagKind.values)
