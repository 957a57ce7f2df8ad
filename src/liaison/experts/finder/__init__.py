"""The trial site and investigator finder: for a condition (optionally a country
and a phase), the sites and the investigators ranked by their experience.

Reads only. Trials match a condition as the trial list's condition filter does
(:func:`liaison.experts.areas.condition_query`: the folded words from the start
of a word of a condition or its MeSH term); several conditions may be given,
separated by commas ("melanoma, skin cancer": either). A phase narrows the
trials to those of that phase (a PHASE2/PHASE3 trial is both); a country
narrows the sites to that country and the investigators to those of that
country (an HCP's country; a site contact's site; an official not yet resolved
to an HCP when the trial's sites are all in that country or the affiliation
names it).

Experience (:class:`~liaison.experts.finder.experience.Experience`) is counted over the matching trials of a row
and turned into points (:func:`experience_points`, weights in
:data:`FINDER_WEIGHTS`): each trial by its highest phase (later phases count
more), a bonus for trials started in the last :data:`RECENT_YEARS` years and for
completed ones, a penalty for trials terminated or withdrawn (heavier when the
registry's reason names accrual, enrolment or recruitment: a site's own
performance) and for trials that were ever suspended (the status history), and
the logarithm of the participants actually enrolled. An investigator's
publication strength in the area (their :class:`~liaison.experts.models.ExpertScore`
in a therapeutic area whose condition words match the condition) adds
``2 * ln(1 + score)``. Every row carries its reasons in words.

Sites are grouped by their directory organization once resolved, else by
facility, city and country as registered; they are aggregated in the database
(one grouped query with conditional counts). Investigators are the trials'
overall officials (resolved to HCPs, or by name until they are) and the sites'
named investigators (contacts whose role is an investigator's; one joins the
official's HCP of the same name, else the one directory HCP of that name in the
site's country, else stays a name), counted over exact sets of trials in memory
from a handful of narrow queries. A page then
asks one or two more queries for the trials behind the rows it shows.

The modules, by subject: :mod:`~liaison.experts.finder.query` (the question and
its validation), :mod:`~liaison.experts.finder.experience` (trial facts, points
and reasons; no ORM), :mod:`~liaison.experts.finder.trials` (the matching trials
and the trials a row shows), :mod:`~liaison.experts.finder.rows`,
:mod:`~liaison.experts.finder.sites`, :mod:`~liaison.experts.finder.names`
(people's names in the registry), :mod:`~liaison.experts.finder.investigators`
and :mod:`~liaison.experts.finder.export`. This package re-exports what views,
the API and tests use: ``from liaison.experts import finder``.
"""

from liaison.experts.finder.experience import (
    ACCRUAL_WORDS,
    COMPLETED,
    FINDER_WEIGHTS,
    ONGOING,
    PHASE_BINS,
    RECENT_YEARS,
    SUSPENDED,
    TERMINATED,
    WITHDRAWN,
    Experience,
    ExpertStrength,
    TrialFacts,
    blames_accrual,
    experience_of,
    experience_points,
    phase_bin,
    phase_summary,
    reasons,
    recent_since,
)
from liaison.experts.finder.export import (
    INVESTIGATOR_HEADER,
    LISTS,
    SITE_HEADER,
    export_format,
    export_table,
    file_name,
    investigator_table,
    list_of,
    site_table,
    write_export,
)
from liaison.experts.finder.investigators import (
    HCPValues,
    find_investigators,
    trial_facts,
    with_investigator_trials,
)
from liaison.experts.finder.names import (
    INVESTIGATOR_ROLES,
    ROLE_WORDS,
    is_person,
    name_key,
)
from liaison.experts.finder.query import (
    CONDITION_MAX,
    CONDITIONS_MAX,
    FinderQuery,
    parse_phase,
    parse_query,
    phase_choices,
)
from liaison.experts.finder.rows import (
    InvestigatorRow,
    SiteRow,
)
from liaison.experts.finder.sites import (
    find_sites,
    with_site_trials,
)
from liaison.experts.finder.trials import (
    TRIALS_SHOWN,
    TrialLink,
    matching_trials,
)

__all__ = [
    "ACCRUAL_WORDS",
    "COMPLETED",
    "CONDITIONS_MAX",
    "CONDITION_MAX",
    "FINDER_WEIGHTS",
    "INVESTIGATOR_HEADER",
    "INVESTIGATOR_ROLES",
    "LISTS",
    "ONGOING",
    "PHASE_BINS",
    "RECENT_YEARS",
    "ROLE_WORDS",
    "SITE_HEADER",
    "SUSPENDED",
    "TERMINATED",
    "TRIALS_SHOWN",
    "WITHDRAWN",
    "Experience",
    "ExpertStrength",
    "FinderQuery",
    "HCPValues",
    "InvestigatorRow",
    "SiteRow",
    "TrialFacts",
    "TrialLink",
    "blames_accrual",
    "experience_of",
    "experience_points",
    "export_format",
    "export_table",
    "file_name",
    "find_investigators",
    "find_sites",
    "investigator_table",
    "is_person",
    "list_of",
    "matching_trials",
    "name_key",
    "parse_phase",
    "parse_query",
    "phase_bin",
    "phase_choices",
    "phase_summary",
    "reasons",
    "recent_since",
    "site_table",
    "trial_facts",
    "with_investigator_trials",
    "with_site_trials",
    "write_export",
]
