"""The experts app's panels on the HCP profile (``registry.RecordPanel``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.directory.models import HCP
from liaison.experts import selectors
from liaison.experts.models import ExpertScore
from liaison.literature.models import Authorship, Publication
from liaison.trials.models import Trial, TrialOfficial

#: Contributions shown per area, and publications and trials listed, on the profile.
CONTRIBUTIONS_SHOWN = 10
LISTED = 15


def score_panel(user: AnyUser, hcp: HCP) -> dict[str, Any] | None:
    """The HCP's scores with their breakdown (which papers and trials brought how
    many points and why), and the HCP's publications and trials, newest first and
    capped; seven queries whatever the numbers."""
    if not policy.grants_any(user, "view", ExpertScore):
        return None
    scores = selectors.hcp_scores(user, hcp, contributions=CONTRIBUTIONS_SHOWN)
    publications = policy.scope(user, "view", Publication).filter(
        pk__in=Authorship.objects.filter(hcp=hcp).values("publication_id")
    )
    trials = policy.scope(user, "view", Trial).filter(
        pk__in=TrialOfficial.objects.filter(hcp=hcp).values("trial_id")
    )
    publication_count = publications.count()
    trial_count = trials.count()
    library = reverse("literature:publication-list")
    return {
        "scores": scores,
        "publications": list(
            publications.select_related("journal").order_by(
                F("published_on").desc(nulls_last=True), "-pmid"
            )[:LISTED]
        ),
        "publication_count": publication_count,
        "library_url": f"{library}?{urlencode({'author': hcp.family_name})}",
        "trials": list(trials.order_by(F("start_on").desc(nulls_last=True), "nct_id")[:LISTED]),
        "trial_count": trial_count,
        "rankings_url": reverse("experts:ranking-list"),
    }


def network_panel(user: AnyUser, hcp: HCP) -> dict[str, Any] | None:
    """Who the HCP publishes with, and which of them our team engages: the strongest
    co-authors drawn and listed, with links to all of them and to the introductions
    (a constant number of queries: the listed co-authors are capped)."""
    from liaison.experts.networks import drawing
    from liaison.experts.networks import selectors as networks

    if not policy.grants_any(user, "view", HCP):
        return None
    ego = networks.ego_network(
        user, hcp, limit=networks.PANEL_COAUTHORS, draw=networks.PANEL_COAUTHORS
    )
    return {"ego": ego, "drawing": drawing.ego(ego, draw=networks.PANEL_COAUTHORS)}
