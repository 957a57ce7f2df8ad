"""The pre-call brief of an HCP: a page, and the same as a PDF to take along.

Its content is gathered through the policy for the user who asks
(``liaison.engagement.briefs``): a colleague's interaction they may not read
shows only that it happened."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from liaison.core.http import AuthenticatedHttpRequest, member_view
from liaison.engagement.briefs import gather_brief


@require_GET
@member_view
def hcp_brief(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief = gather_brief(request.user, pk)
    return render(request, "engagement/brief.html", {"brief": brief})


@require_GET
@member_view
def hcp_brief_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # WeasyPrint costs a second to import: only the PDF's requests pay it.
    from liaison.engagement.pdf import brief_pdf

    brief = gather_brief(request.user, pk)
    response = HttpResponse(brief_pdf(brief), content_type="application/pdf")
    name = slugify(brief.hcp.full_name) or f"hcp-{brief.hcp.pk}"
    response["Content-Disposition"] = f'attachment; filename="pre-call-brief-{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("hcps/<int:pk>/brief/", hcp_brief, name="hcp-brief"),
    path("hcps/<int:pk>/brief.pdf", hcp_brief_pdf, name="hcp-brief-pdf"),
]
