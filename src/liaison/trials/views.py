"""Trial pages: the list (HTMX search and filters), a trial's page, the
competitor landscape and the upload of a ClinicalTrials.gov file.

Reads go through ``selectors`` (which start from the policy's queryset); the
upload goes through ``tasks.start_load``, which runs the load service as a job.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.core.http import AuthenticatedHttpRequest, is_fragment_request, member_view, paginate
from liaison.directory.models import Product
from liaison.trials import selectors
from liaison.trials.forms import LandscapeForm, TrialFilterForm, TrialUploadForm
from liaison.trials.models import Trial
from liaison.trials.tasks import start_load


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


def _filter_names(request: AuthenticatedHttpRequest, form: TrialFilterForm) -> list[str]:
    """What the landscape's hidden filters select, in words (shown above the results)."""
    filters = form.filters()
    names = []
    if filters.sponsor:
        names.append(f"lead sponsor {filters.sponsor}")
    if filters.product is not None:
        product = policy.scope(request.user, "view", Product).filter(pk=filters.product).first()
        names.append(f"product {product.name}" if product else "an unknown product")
    return names


@require_GET
@member_view
def trial_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = TrialFilterForm(
        request.GET,
        statuses=selectors.statuses(user),
        countries=selectors.site_countries(user),
        sponsor_classes=selectors.sponsor_classes(user),
    )
    trials = selectors.trial_queryset(user, form.filters())
    context = {
        "form": form,
        "page_obj": paginate(request, trials, _page_size()),
        "narrowed_to": _filter_names(request, form),
        "can_load": policy.can(user, "load", Trial),
    }
    if is_fragment_request(request):
        return render(request, "trials/trial_list.html#results", context)
    return render(request, "trials/trial_list.html", context)


@require_GET
@member_view
def trial_detail(request: AuthenticatedHttpRequest, nct_id: str) -> HttpResponse:
    trial = selectors.trial_detail(request.user, nct_id)
    context = {
        "trial": trial,
        "publications": selectors.linked_publications(request.user, trial),
    }
    return render(request, "trials/trial_detail.html", context)


@require_GET
@member_view
def landscape(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LandscapeForm(request.GET, sponsor_classes=selectors.sponsor_classes(request.user))
    by, sponsor_class = form.choice()
    result = selectors.landscape(request.user, by=by, sponsor_class=sponsor_class)
    rows = [
        {
            "row": row,
            "total_url": "?" + urlencode(row.query),
            "phases": [
                (row.by_phase.get(value, 0), urlencode({**row.query, "phase": value}))
                for value, _label in result.phases
            ],
            "statuses": [
                (row.by_status.get(value, 0), urlencode({**row.query, "status": value}))
                for value, _label in result.statuses
            ],
        }
        for row in result.rows
    ]
    context = {"form": form, "landscape": result, "rows": rows}
    return render(request, "trials/landscape.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def trial_load(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can(request.user, "load", Trial):
        raise PermissionDenied("only administrators may load trials")
    form = TrialUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_load(actor=request.user, file=form.cleaned_data["file"])
        return redirect("core:job-detail", pk=job.pk)
    return render(request, "trials/trial_load.html", {"form": form})
