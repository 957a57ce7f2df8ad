"""Library pages: search with filters, a publication's page, loading a PubMed file.

Reads go through ``selectors`` (which start from the policy's queryset); the
upload hands the file to a background job (``tasks``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core import policy
from liaison.core.errors import PermissionDenied
from liaison.core.http import AuthenticatedHttpRequest, is_fragment_request, member_view, paginate
from liaison.literature import selectors
from liaison.literature.forms import PublicationFilterForm, PubmedUploadForm
from liaison.literature.models import Publication
from liaison.literature.tasks import start_pubmed_load


@require_GET
@member_view
def publication_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PublicationFilterForm(
        request.GET, publication_types=selectors.publication_type_names(request.user)
    )
    # A search it cannot read is said at its field and above the results, never run.
    search_error = form.search_error()
    if search_error:
        publications = Publication.objects.none()
    else:
        publications = selectors.with_list_relations(
            selectors.publication_queryset(request.user, form.filters())
        )
    context = {
        "form": form,
        "page_obj": paginate(request, publications, int(settings.LIAISON_PAGE_SIZE)),
        "search_error": search_error,
        "can_load": policy.can(request.user, "load", Publication),
    }
    if is_fragment_request(request):
        return render(request, "literature/publication_list.html#results", context)
    return render(request, "literature/publication_list.html", context)


@require_GET
@member_view
def publication_detail(request: AuthenticatedHttpRequest, pmid: int) -> HttpResponse:
    publication = selectors.publication_detail(request.user, pmid)
    return render(request, "literature/publication_detail.html", {"publication": publication})


@require_http_methods(["GET", "POST"])
@member_view
def publication_load(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can(request.user, "load", Publication):
        raise PermissionDenied("only administrators may load publications")
    form = PubmedUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_pubmed_load(actor=request.user, file=form.cleaned_data["file"])
        return redirect("core:job-detail", pk=job.pk)
    return render(request, "literature/publication_load.html", {"form": form})
