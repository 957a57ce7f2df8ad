"""Reads for the pages of the resolution queue: mentions as a person reads them
(:func:`describe_mentions`), an HCP's mentions (:func:`hcp_mention_keys`), and a
proposal's two sides with the resolver's features between them (:func:`compare`)."""

from __future__ import annotations

from typing import Any

from liaison.directory.models import HCP
from liaison.experts.mentions_db import parse_key
from liaison.experts.services.matching import directory_facts
from liaison.experts.services.planner import person_summary
from liaison.literature.models import Authorship
from liaison.trials.models import TrialOfficial


def describe_mentions(keys: list[str]) -> list[dict[str, Any]]:
    """Each mention of ``keys`` as a person reads it: the name as written, its
    record (PMID or NCT ID, title, year, journal), affiliations, role; in ``keys``' order."""
    authorship_ids = [parse_key(key)[1] for key in keys if key.startswith("a:")]
    official_ids = [parse_key(key)[1] for key in keys if key.startswith("o:")]
    found: dict[str, dict[str, Any]] = {}
    for row in Authorship.objects.filter(pk__in=authorship_ids).values(
        "pk",
        "family",
        "given",
        "role",
        "affiliations",
        "orcid",
        "hcp_id",
        "publication__pmid",
        "publication__title",
        "publication__published_year",
        "publication__journal__title",
    ):
        found[f"a:{row['pk']}"] = {
            "key": f"a:{row['pk']}",
            "name": " ".join(part for part in (row["given"], row["family"]) if part),
            "role": row["role"],
            "affiliations": row["affiliations"] or [],
            "orcid": row["orcid"],
            "hcp_id": row["hcp_id"],
            "source": f"PMID {row['publication__pmid']}",
            "url": f"https://pubmed.ncbi.nlm.nih.gov/{row['publication__pmid']}/",
            "title": row["publication__title"],
            "year": row["publication__published_year"],
            "journal": row["publication__journal__title"] or "",
        }
    for trial_row in TrialOfficial.objects.filter(pk__in=official_ids).values(
        "pk",
        "name",
        "role",
        "affiliation",
        "hcp_id",
        "trial__nct_id",
        "trial__brief_title",
        "trial__start_on",
    ):
        start = trial_row["trial__start_on"]
        found[f"o:{trial_row['pk']}"] = {
            "key": f"o:{trial_row['pk']}",
            "name": trial_row["name"],
            "role": (trial_row["role"] or "").replace("_", " ").lower(),
            "affiliations": [trial_row["affiliation"]] if trial_row["affiliation"] else [],
            "orcid": "",
            "hcp_id": trial_row["hcp_id"],
            "source": trial_row["trial__nct_id"],
            "url": f"https://clinicaltrials.gov/study/{trial_row['trial__nct_id']}",
            "title": trial_row["trial__brief_title"],
            "year": start.year if start else None,
            "journal": "",
        }
    return [found[key] for key in keys if key in found]


def hcp_mention_keys(hcp: HCP, *, limit: int = 200) -> list[str]:
    """The keys of the mentions linked to ``hcp`` (newest publications first), at most ``limit``."""
    keys = [
        f"a:{pk}"
        for pk in Authorship.objects.filter(hcp=hcp)
        .order_by("-publication__published_on", "-pk")
        .values_list("pk", flat=True)[:limit]
    ]
    keys += [
        f"o:{pk}"
        for pk in TrialOfficial.objects.filter(hcp=hcp)
        .order_by("-trial__start_on", "-pk")
        .values_list("pk", flat=True)[: max(limit - len(keys), 0)]
    ]
    return keys


def compare(keys: list[str], hcp: HCP | None, other: HCP | None = None) -> dict[str, Any]:
    """What a proposal's page shows side by side: the left side's mentions (``keys``) or
    ``hcp``'s own, the right side's HCP with a sample of its mentions, and the resolver's
    features (:func:`~liaison.experts.resolution.explain`) between the two."""
    from liaison.experts.mentions_db import mentions_for
    from liaison.experts.resolution import explain

    left_keys = keys or (hcp_mention_keys(hcp, limit=20) if other is not None and hcp else [])
    right = other if other is not None else hcp
    right_keys = hcp_mention_keys(right, limit=20) if right is not None else []
    left_mentions = mentions_for(left_keys[:20])
    right_mentions = mentions_for(right_keys[:20])
    facts = directory_facts([pk for pk in (hcp and hcp.pk, other and other.pk) if pk])
    a = next(iter(left_mentions.values()), None)
    if a is None and other is not None and hcp is not None and hcp.pk in facts:
        a = facts[hcp.pk].as_mention()
    b = next(iter(right_mentions.values()), None)
    if b is None and right is not None and right.pk in facts:
        b = facts[right.pk].as_mention()
    features: dict[str, Any] = {}
    if a is not None and b is not None:
        try:
            features = explain(a, b)
        except OSError as error:  # the trained model's file is missing: the page still shows
            features = {"unavailable": f"the resolver's model could not be read ({error.strerror})"}
    return {
        "left": describe_mentions(left_keys[:50]),
        "right": describe_mentions(right_keys[:50]),
        "left_summary": person_summary(list(left_mentions.values())) if left_mentions else {},
        "right_summary": person_summary(list(right_mentions.values())) if right_mentions else {},
        "features": features,
        "places": {pk: sorted(fact.places) for pk, fact in facts.items()},
    }
