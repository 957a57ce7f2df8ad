"""The HCP form's "look up in the NPI Registry" action: a view and its URL pattern.

``GET directory:nppes-lookup?last_name=...&first_name=...&state=...`` asks the
registry (``LIAISON_NPPES_URL``) and answers, to an htmx request, the
``results`` fragment of ``directory/_nppes_lookup.html``: the matches with
NPI, name, primary taxonomy and practice address, each with a button that
fills the HCP form's NPI, specialty, country, region and city (and empty
name fields) for the user to check and save (``directory/nppes.js``; nothing
is written until they do). A registry that is down or refuses the search
gives a message in the fragment, not an error page; so do a search without a
last name, an answer with no match, and an answer whose stated count differs
from its results (a warning above the matches). A match whose practice
address names no country (a US military mail address) says so and fills no
place. Without JavaScript the same URL shows the matches as a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, is_fragment_request, member_view
from liaison.directory.clients.nppes import lookup
from liaison.directory.models import HCP, Specialty
from liaison.directory.nppes import Provider, credentials_of, name_case
from liaison.directory.services.nppes import placement_of
from liaison.lib.httpclient import RetryPolicy

MATCHES_SHOWN = 20
# A person is waiting: two tries, a short time-out.
WEB_RETRY = RetryPolicy(attempts=2, backoff=0.5, max_backoff=1.0, max_retry_after=5.0)
WEB_TIMEOUT = 10.0


class NppesLookupForm(forms.Form):
    last_name = forms.CharField(max_length=100, required=False)
    first_name = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=2, required=False)


@dataclass(frozen=True)
class Match:
    """One registry match and the HCP form values it fills in."""

    npi: str
    name: str
    taxonomy: str
    address: str
    given_name: str
    family_name: str
    credentials: str
    country: str
    region: str
    city: str
    specialty_id: int | None
    specialty_name: str
    note: str  # why no place is filled in, when none is


def _matches(providers: tuple[Provider, ...]) -> list[Match]:
    by_code: dict[str, tuple[int, str]] = {}
    by_name: dict[str, tuple[int, str]] = {}
    for pk, name, code in Specialty.objects.values_list("pk", "name", "taxonomy_code"):
        if code:
            by_code[code] = (pk, name)
        by_name[name.lower()] = (pk, name)
    matches = []
    for provider in providers:
        person = provider.individual
        if person is None:
            continue
        taxonomy = provider.primary_taxonomy
        address = provider.practice_address
        placement = placement_of(provider)
        place = placement.place
        specialty = None
        if taxonomy is not None:
            specialty = by_code.get(taxonomy.code) or by_name.get(
                (taxonomy.description or "").lower()
            )
        matches.append(
            Match(
                npi=provider.npi,
                name=provider.display_name,
                taxonomy=f"{taxonomy.description or taxonomy.code}" if taxonomy else "",
                address=address.one_line if address else "",
                given_name=name_case(person.first_name),
                family_name=name_case(person.last_name),
                credentials=", ".join(credentials_of(person.credential)),
                country=place.country if place else "",
                region=place.region if place else "",
                city=place.city if place else "",
                specialty_id=specialty[0] if specialty else None,
                specialty_name=specialty[1] if specialty else "",
                note=placement.problem,
            )
        )
    return matches[:MATCHES_SHOWN]


@require_GET
@member_view
def nppes_lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", HCP)
    form = NppesLookupForm(request.GET)
    form.is_valid()
    criteria = form.cleaned_data
    context: dict[str, object] = {"lookup": criteria, "asked": bool(criteria.get("last_name"))}
    if context["asked"]:
        try:
            answer = lookup(
                last_name=criteria.get("last_name"),
                first_name=criteria.get("first_name"),
                state=criteria.get("state"),
                limit=MATCHES_SHOWN,
                base_url=settings.LIAISON_NPPES_URL,
                timeout=WEB_TIMEOUT,
                retry=WEB_RETRY,
            )
        except LiaisonError as error:
            context["error"] = error.message
            context["error_detail"] = getattr(error, "detail", "")
        else:
            context["matches"] = _matches(answer.providers)
            context["warnings"] = answer.warnings
    elif is_fragment_request(request) or any(criteria.values()):
        context["missing"] = True  # "Look up" pressed without a last name
    if is_fragment_request(request):
        return render(request, "directory/_nppes_lookup.html#results", context)
    return render(request, "directory/nppes_lookup.html", {**context, "standalone": True})


urlpatterns: list[URLPattern] = [
    path("hcps/nppes-lookup/", nppes_lookup, name="nppes-lookup"),
]
