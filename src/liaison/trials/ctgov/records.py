"""The records the ClinicalTrials.gov parser yields, and its error (frozen dataclasses, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass

from liaison.core.errors import LiaisonError


class CtgovParseError(LiaisonError):
    """A ClinicalTrials.gov file or study that cannot be read.

    ``file`` and ``position`` ("line 3", "studies[2]") give the place,
    ``nct_id`` the study when known, ``path`` the JSON path of the bad value.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str,
        position: str | None = None,
        nct_id: str | None = None,
        path: str | None = None,
    ) -> None:
        place = ", ".join(part for part in (file, position, nct_id) if part)
        message = f"{place}: {path}: {reason}" if path else f"{place}: {reason}"
        super().__init__(message, field=path)
        self.reason = reason
        self.file = file
        self.position = position
        self.nct_id = nct_id
        self.path = path


@dataclass(frozen=True, slots=True)
class Enrollment:
    count: int | None
    type: str | None  # ACTUAL or ESTIMATED


@dataclass(frozen=True, slots=True)
class MeshTerm:
    id: str
    term: str | None


@dataclass(frozen=True, slots=True)
class Intervention:
    type: str | None  # DRUG, BIOLOGICAL, DEVICE, ...
    name: str | None
    description: str | None
    other_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Arm:
    label: str | None
    type: str | None  # EXPERIMENTAL, PLACEBO_COMPARATOR, ...
    description: str | None
    intervention_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sponsor:
    name: str | None
    sponsor_class: str | None  # INDUSTRY, NIH, FED, OTHER_GOV, NETWORK, OTHER, ...


@dataclass(frozen=True, slots=True)
class Official:
    name: str | None
    affiliation: str | None
    role: str | None  # PRINCIPAL_INVESTIGATOR, STUDY_CHAIR, STUDY_DIRECTOR


@dataclass(frozen=True, slots=True)
class Contact:
    name: str | None
    role: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Location:
    facility: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    lat: float | None
    lon: float | None
    status: str | None  # the site's recruitment status
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    measure: str | None
    description: str | None
    time_frame: str | None


@dataclass(frozen=True, slots=True)
class Study:
    """One study. Dates are strings as given ("2023-05-14" or the partial "2023-05")."""

    nct_id: str
    brief_title: str | None
    official_title: str | None
    acronym: str | None
    overall_status: str | None
    status_verified_date: str | None
    why_stopped: str | None
    phases: tuple[str, ...]
    study_type: str | None
    enrollment: Enrollment | None
    conditions: tuple[str, ...]
    condition_mesh: tuple[MeshTerm, ...]
    keywords: tuple[str, ...]
    interventions: tuple[Intervention, ...]
    arms: tuple[Arm, ...]
    lead_sponsor: Sponsor | None
    collaborators: tuple[Sponsor, ...]
    officials: tuple[Official, ...]
    locations: tuple[Location, ...]
    primary_outcomes: tuple[Outcome, ...]
    secondary_outcomes: tuple[Outcome, ...]
    start_date: str | None
    primary_completion_date: str | None
    completion_date: str | None
    first_posted: str | None
    last_update_posted: str | None
    has_results: bool | None  # None when the answer was field-filtered without it
    reference_pmids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """A ``/api/v2/studies`` answer: its studies and the token of the next page, if any."""

    studies: tuple[Study, ...]
    next_page_token: str | None
    total_count: int | None
