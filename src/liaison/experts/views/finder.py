"""The trial site and investigator finder's pages: the form (condition required,
country, phase), the two ranked tables with their reasons, each paged on its
own (htmx swaps one table), and their CSV and XLSX exports.

Reads go through ``liaison.experts.finder`` (which starts from the policy's
querysets); the form only parses, the finder's :func:`~liaison.experts.finder.parse_query`
judges.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from liaison.core import downloads
from liaison.core.errors import LiaisonError
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    query_without,
    render_page_or_fragment,
)
from liaison.core.policy import AnyUser
from liaison.experts import finder
from liaison.lib import countries
from liaison.lib.forms import SearchInput, add_liaison_error
from liaison.lib.text import fold
from liaison.trials import selectors as trial_selectors


class FinderForm(forms.Form):
    """The finder's question, read from the query string."""

    condition = forms.CharField(
        label="Condition",
        max_length=finder.CONDITION_MAX,
        help_text="Words of a condition, from the start of a word (melanoma, lung canc); "
        "several separated by commas.",
        widget=SearchInput(attrs={"placeholder": "e.g. melanoma", "autocomplete": "off"}),
    )
    country = forms.CharField(label="Country", required=False, max_length=100)
    phase = forms.CharField(label="Phase", required=False, max_length=40)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = {countries.code_for(name) for name in trial_selectors.site_countries(user)}
        asked = countries.code_for(str(self.data.get("country", "")))
        codes.add(asked)  # a country with no site yet still shows as asked
        choices = sorted(
            ((code, countries.name(code)) for code in codes if code),
            key=lambda item: fold(item[1]),
        )
        self.fields["country"].widget = forms.Select(choices=[("", "Any country"), *choices])
        self.fields["phase"].widget = forms.Select(
            choices=[("", "Any phase"), *finder.phase_choices()]
        )
        self.query: finder.FinderQuery | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "condition" in data:
            try:
                self.query = finder.parse_query(
                    condition=data["condition"],
                    country=data.get("country", ""),
                    phase=data.get("phase", ""),
                )
            except LiaisonError as error:
                add_liaison_error(self, error)
        return data


def _page(request: AuthenticatedHttpRequest, rows: list[Any], name: str) -> Page[Any]:
    return Paginator(rows, int(settings.LIAISON_PAGE_SIZE)).get_page(request.GET.get(name))


def _page_links(
    request: AuthenticatedHttpRequest, page: Page[Any], name: str
) -> list[tuple[str, str, str]]:
    """First, previous, next and last pages of one table (its own ``name`` parameter)."""
    base = query_without(request.GET, name)
    reverse_path = reverse("experts:site-finder")

    def url(number: int) -> str:
        return f"{reverse_path}?{base}&{name}={number}"

    links = []
    if page.has_previous():
        links += [("First", url(1), ""), ("Previous", url(page.previous_page_number()), "prev")]
    if page.has_next():
        last = page.paginator.num_pages
        links += [("Next", url(page.next_page_number()), "next"), ("Last", url(last), "")]
    return links


def _export_links(request: AuthenticatedHttpRequest, list_name: str) -> list[tuple[str, str]]:
    base = query_without(request.GET, "sites_page", "investigators_page", "format", "list")
    url = reverse("experts:site-finder-export")
    return [
        (f"Export {label}", f"{url}?{base}&list={list_name}&format={fmt}")
        for label, fmt in (("CSV", "csv"), ("XLSX", "xlsx"))
    ]


def _lists(
    request: AuthenticatedHttpRequest, query: finder.FinderQuery, only: str
) -> dict[str, Any]:
    """The pages of the lists asked (``only``: one of them, for htmx paging)."""
    user = request.user
    context: dict[str, Any] = {}
    if only in ("", "sites"):
        sites = _page(request, finder.find_sites(user, query), "sites_page")
        finder.with_site_trials(user, query, list(sites.object_list))
        context.update(
            sites=sites,
            site_pages=_page_links(request, sites, "sites_page"),
            site_exports=_export_links(request, "sites"),
        )
    if only in ("", "investigators"):
        people = _page(request, finder.find_investigators(user, query), "investigators_page")
        finder.with_investigator_trials(list(people.object_list))
        context.update(
            investigators=people,
            investigator_pages=_page_links(request, people, "investigators_page"),
            investigator_exports=_export_links(request, "investigators"),
        )
    return context


@require_GET
@member_view
def site_finder(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FinderForm(request.GET if "condition" in request.GET else None, user=request.user)
    context: dict[str, Any] = {
        "form": form,
        "query": None,
        "weights": finder.FINDER_WEIGHTS,
        "penalties": {
            name: -value
            for name, value in finder.FINDER_WEIGHTS.items()
            if isinstance(value, float) and value < 0
        },
        "recent_years": finder.RECENT_YEARS,
    }
    fragment = "finder"
    if form.is_bound and form.is_valid() and form.query is not None:
        target = str(getattr(request.htmx, "target", "") or "")
        only = {"finder-sites": "sites", "finder-investigators": "investigators"}.get(target, "")
        fragment = only or fragment
        context.update(query=form.query, **_lists(request, form.query, only))
    return render_page_or_fragment(request, "experts/finder.html", fragment, context)


@require_GET
@member_view
def site_finder_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """One list (``list=sites|investigators``) as CSV or XLSX: the top
    ``LIAISON_EXPORT_SYNC_MAX_ROWS`` rows of the ranking."""
    spec = finder.export_format(request.GET.get("format", "csv"))
    list_name = finder.list_of(request.GET.get("list", "sites"))
    form = FinderForm(request.GET, user=request.user)
    if not form.is_valid() or form.query is None:
        problems = {name: " ".join(map(str, errors)) for name, errors in form.errors.items()}
        message = "; ".join(f"{name}: {reason}" for name, reason in problems.items())
        raise LiaisonError(message or "the search is incomplete", details=problems)
    stream = io.BytesIO()
    finder.write_export(
        request.user,
        form.query,
        stream,
        list_name=list_name,
        format=spec.name,
        limit=downloads.sync_max_rows(),
    )
    stream.seek(0)
    return FileResponse(
        stream,
        as_attachment=True,
        filename=finder.file_name(form.query, list_name, spec.name),
        content_type=spec.content_type,
    )


urlpatterns = [
    path("sites/", site_finder, name="site-finder"),
    path("sites/export/", site_finder_export, name="site-finder-export"),
]
