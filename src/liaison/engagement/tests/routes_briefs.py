"""The authorization matrix's entries for the pre-call brief (see ``matrix.py``): every
member may open the brief of an HCP they see; what it holds is theirs to see
(``test_briefs.py``)."""

from __future__ import annotations

from typing import Any

from liaison.core.tests.authorization import EVERYONE, ApiCase, Route, World
from liaison.directory.models import HCP


def an_hcp(world: World) -> dict[str, Any]:
    hcp, _ = HCP.objects.get_or_create(
        family_name="Briefed", defaults={"given_name": "Matrix", "country": "DE"}
    )
    return {"pk": hcp.pk}


WEB_ROUTES: dict[str, Route] = {
    "engagement:hcp-brief": Route(EVERYONE, kwargs=an_hcp),
    "engagement:hcp-brief-pdf": Route(EVERYONE, kwargs=an_hcp),
}
API_ROUTES: dict[str, Route] = {}
API_TERRITORY_CASES: list[ApiCase] = []
