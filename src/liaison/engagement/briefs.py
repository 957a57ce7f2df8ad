"""The pre-call brief: what an MSL reads about an HCP before a visit, gathered for
one user through the policy.

* profile and affiliations (the directory's HCP, which every member sees);
* the tier, where a plan the user sees makes the HCP a target (current plans first);
* the last interactions: with date, MSL, channel, outcome and products for those the
  user may ``read``; for the others only that they happened ("met by X on DATE via
  CHANNEL": every member may know that);
* open follow-ups with the HCP that the user sees;
* insights the HCP gave that the user may ``view``;
* their publications (``Authorship.hcp``) and trials (``TrialOfficial.hcp``) of the
  last two years;
* the user's new (unread) alerts about those publications and trials;
* the products discussed before, from the interactions the user may read.

A fixed number of queries, whatever the HCP's history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import User
from liaison.directory.models import HCP, Affiliation, Product
from liaison.directory.selectors import hcp_profile
from liaison.engagement.models import FollowUp, Insight, Interaction, PlanTarget
from liaison.literature.models import Publication
from liaison.surveillance.models import Alert
from liaison.trials.models import Trial

#: How many of each list the brief shows (it is one page).
SHOWN_INTERACTIONS = 6
SHOWN_INSIGHTS = 8
SHOWN_PUBLICATIONS = 10
SHOWN_TRIALS = 10
SHOWN_ALERTS = 10
#: "Of the last two years".
RECENT_DAYS = 730


@dataclass(frozen=True)
class InteractionLine:
    """An interaction as the brief tells it: in full to a reader, else that it happened."""

    interaction: Interaction
    readable: bool

    @property
    def met_by(self) -> str:
        msl = self.interaction.msl
        return msl.get_full_name() or msl.get_username()

    @property
    def summary(self) -> str:
        """``met by Bob Lee on 2026-11-02 via Phone``."""
        return (
            f"met by {self.met_by} on {self.interaction.occurred_at:%Y-%m-%d} "
            f"via {self.interaction.get_channel_display()}"
        )


@dataclass(frozen=True)
class TierLine:
    tier: str
    label: str
    plan_name: str
    current: bool


@dataclass(frozen=True)
class ProductLine:
    product: Product
    times: int
    last: dt.datetime


@dataclass
class Brief:
    hcp: HCP
    generated_at: dt.datetime
    affiliations: list[Affiliation]
    tiers: list[TierLine]
    interactions: list[InteractionLine]
    interaction_count: int
    follow_ups: list[FollowUp]
    insights: list[Insight]
    publications: list[Publication]
    trials: list[Trial]
    alerts: list[Alert]
    products: list[ProductLine]
    since: dt.date = field(default_factory=timezone.localdate)

    @property
    def tier(self) -> TierLine | None:
        return self.tiers[0] if self.tiers else None


def _tiers(user: User, hcp: HCP, today: dt.date) -> list[TierLine]:
    """The HCP's tier in each plan the user sees, current plans and higher tiers first."""
    plans = policy.scope(user, "view", PlanTarget).filter(hcp=hcp).select_related("plan")
    lines = [
        TierLine(
            tier=target.tier,
            label=target.get_tier_display(),
            plan_name=target.plan.name,
            current=target.plan.period_start <= today <= target.plan.period_end,
        )
        for target in plans
    ]
    return sorted(lines, key=lambda line: (not line.current, line.tier, line.plan_name))


def _interactions(user: User, hcp: HCP) -> tuple[list[InteractionLine], int]:
    seen = policy.scope(user, "view", Interaction).filter(hcps=hcp)
    newest = list(
        seen.select_related("msl")
        .prefetch_related("products")
        .order_by("-occurred_at", "-pk")[:SHOWN_INTERACTIONS]
    )
    readable = set(
        policy.scope(user, "read", Interaction)
        .filter(pk__in=[record.pk for record in newest])
        .values_list("pk", flat=True)
    )
    lines = [InteractionLine(record, record.pk in readable) for record in newest]
    return lines, seen.count()


def _products(user: User, hcp: HCP) -> list[ProductLine]:
    readable = policy.scope(user, "read", Interaction).filter(hcps=hcp)
    products = (
        Product.objects.filter(interactions__in=readable.values("pk"))
        .annotate(times=Count("interactions", distinct=True), last=Max("interactions__occurred_at"))
        .order_by("-last", "name")
    )
    return [ProductLine(product, product.times, product.last) for product in products]


def gather_brief(user: User, hcp_id: int, *, now: dt.datetime | None = None) -> Brief:
    """The brief on HCP ``hcp_id`` for ``user`` (unseen HCP: ``NotFound``)."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    since = today - dt.timedelta(days=RECENT_DAYS)
    hcp = hcp_profile(user, hcp_id)
    affiliations = sorted(
        hcp.affiliations.all(),
        key=lambda item: (not item.is_primary, item.end_date is not None, item.organization.name),
    )
    interactions, interaction_count = _interactions(user, hcp)
    follow_ups = list(
        policy.scope(user, "view", FollowUp)
        .filter(Q(hcp=hcp) | Q(interaction__hcps=hcp), done_at__isnull=True)
        .select_related("owner")
        .distinct()
        .order_by("due", "pk")
    )
    insights = list(
        policy.scope(user, "view", Insight)
        .filter(hcp=hcp)
        .select_related("category", "msl", "product")
        .order_by("-created_at", "-pk")[:SHOWN_INSIGHTS]
    )
    publications = list(
        policy.scope(user, "view", Publication)
        .filter(
            Q(published_on__gte=since)
            | Q(published_on__isnull=True, published_year__gte=since.year),
            pk__in=hcp.authorships.values("publication_id"),
        )
        .select_related("journal")
        .order_by("-published_on", "-published_year", "-pk")[:SHOWN_PUBLICATIONS]
    )
    trials = list(
        policy.scope(user, "view", Trial)
        .filter(
            Q(start_on__gte=since)
            | Q(last_update_posted__gte=since)
            | Q(completion_on__gte=since)
            | Q(first_posted__gte=since),
            pk__in=hcp.trial_roles.values("trial_id"),
        )
        .order_by("-last_update_posted", "-pk")[:SHOWN_TRIALS]
    )
    alerts = list(
        policy.scope(user, "view", Alert)
        .filter(
            Q(publication_id__in=hcp.authorships.values("publication_id"))
            | Q(trial_id__in=hcp.trial_roles.values("trial_id")),
            read_at__isnull=True,
        )
        .select_related("watch")
        .order_by("-created_at", "-pk")[:SHOWN_ALERTS]
    )
    return Brief(
        hcp=hcp,
        generated_at=moment,
        affiliations=affiliations,
        tiers=_tiers(user, hcp, today),
        interactions=interactions,
        interaction_count=interaction_count,
        follow_ups=follow_ups,
        insights=insights,
        publications=publications,
        trials=trials,
        alerts=alerts,
        products=_products(user, hcp),
        since=since,
    )


def brief_panel(user: User, hcp: HCP) -> dict[str, str] | None:
    """The HCP profile's link to the brief (``record_panels``), for whoever sees the HCP."""
    if not policy.can(user, "view", hcp):
        return None
    return {
        "url": reverse("engagement:hcp-brief", args=[hcp.pk]),
        "pdf_url": reverse("engagement:hcp-brief-pdf", args=[hcp.pk]),
    }
