"""Reference files in the web UI: export of a library selection, import of a user's own library.

``literature:export`` answers GET with the publication list's filters (or
``pmid`` values) and ``format=ris|bibtex|csv|xlsx``, and POST with selected
PMIDs (both call :mod:`liaison.literature.services.references`): the file at
once up to ``LIAISON_EXPORT_SYNC_MAX_ROWS`` publications, else a page offering
a download job, which a POST with ``background=on`` starts.
``literature:import-references`` uploads a RIS, BibTeX or .nbib file and
queues its import as a job (``tasks.start_reference_import``); the job page
shows its progress, then what matched the library, what did not, and the
entries it could not read.

``literature:library-item-list`` ("My references") lists the user's own
references; its selection form sends the checked ones to the basket
(``basket-add``), to ``library-item-export`` (the same formats and the same
download-job path; ``all=on`` instead of a selection exports every one of
them) or to ``library-item-delete``, which asks for confirmation before it
deletes them (audited, the owner's own only).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import downloads
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.http import AuthenticatedHttpRequest, member_view, paginate
from liaison.core.uploads import check_upload_size
from liaison.lib.api import MAX_INTEGER
from liaison.literature import basket as baskets
from liaison.literature import selectors
from liaison.literature.forms import PublicationFilterForm
from liaison.literature.services import library, references
from liaison.literature.tasks import start_publication_export, start_reference_import
from liaison.literature.views.basket import FORMAT_CHOICES, export_or_offer_job, read_selection

_FORMAT_CHOICES = [(spec.name, spec.label) for spec in references.EXPORT_FORMATS.values()]


class ExportForm(forms.Form):
    """The format, and the PMIDs of a selection (repeated ``pmid`` values, or comma-separated)."""

    format = forms.ChoiceField(choices=_FORMAT_CHOICES, required=False)

    def __init__(self, data: Any, *, pmids: list[str]) -> None:
        super().__init__(data)
        self.pmid_values = pmids

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pmids: list[int] = []
        for value in self.pmid_values:
            for part in value.replace(",", " ").split():
                # ASCII digits within 64 bits: "²" is a digit to isdigit(), and a
                # larger number is no PMID and no integer the database holds.
                if not (part.isascii() and part.isdigit()) or int(part) > MAX_INTEGER:
                    raise forms.ValidationError(f"pmid: {part!r} is not a PMID")
                pmids.append(int(part))
        cleaned["pmids"] = pmids
        return cleaned


class ReferenceImportForm(forms.Form):
    file = forms.FileField(label="Reference file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "RIS (EndNote, Zotero, Mendeley, Scopus, Ovid), BibTeX (Zotero, JabRef, BibDesk) "
            f"or a PubMed .nbib file: at most {settings.LIAISON_REFERENCE_IMPORT_MAX_MB:,} MB "
            f"and {settings.LIAISON_REFERENCE_IMPORT_MAX_RECORDS:,} references."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_upload_size(upload, settings.LIAISON_REFERENCE_IMPORT_MAX_MB)
        except LiaisonError as error:
            raise forms.ValidationError(error.message) from None
        # A file of no format we read is refused here; a broken one fails its job.
        head = next(iter(upload.chunks(4096)), b"")
        upload.seek(0)
        try:
            references.detect_format(upload.name, head)
        except LiaisonError as error:
            raise forms.ValidationError(error.message) from None
        return upload


@require_http_methods(["GET", "POST"])
@member_view
def publication_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    data = request.POST if request.method == "POST" else request.GET
    form = ExportForm(data, pmids=data.getlist("pmid"))
    if not form.is_valid():
        raise LiaisonError("; ".join(str(e) for errors in form.errors.values() for e in errors))
    format = form.cleaned_data["format"] or "ris"
    pmids: list[int] | None = form.cleaned_data["pmids"] or None
    filters = None
    if pmids is None:
        filters = PublicationFilterForm(
            request.GET, publication_types=selectors.publication_type_names(request.user)
        ).filters()
    if request.method == "POST" and request.POST.get("background") == "on":
        job = start_publication_export(
            actor=request.user, format=format, filters=filters, pmids=pmids
        )
        return redirect("core:job-detail", pk=job.pk)
    count = references.count_selection(actor=request.user, filters=filters, pmids=pmids)
    if count > downloads.sync_max_rows():
        context = {
            "count_text": f"{count:,}",
            "limit_text": f"{downloads.sync_max_rows():,}",
            "keep_days": settings.LIAISON_EXPORT_KEEP_DAYS,
            "format": references.export_format(format),
            "pmids": pmids or [],
        }
        return render(request, "literature/export_job.html", context)
    export = references.export_selection(
        actor=request.user, format=format, filters=filters, pmids=pmids
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_http_methods(["GET", "POST"])
@member_view
def reference_import(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = ReferenceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_reference_import(actor=request.user, file=form.cleaned_data["file"])
        return redirect("core:job-detail", pk=job.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "literature/reference_import.html", {"form": form}, status=status)


@require_GET
@member_view
def library_item_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = references.library_items(request.user)
    page = paginate(request, items, int(settings.LIAISON_PAGE_SIZE))
    context = {
        "page_obj": page,
        "basket": baskets.Basket(request.session),
        "formats": FORMAT_CHOICES,
    }
    return render(request, "literature/library_item_list.html", context)


def _nothing_selected(request: AuthenticatedHttpRequest, what: str) -> HttpResponseBase:
    messages.error(request, f"Select at least one reference to {what}.")
    return redirect("literature:library-item-list")


@require_POST
@member_view
def library_item_delete(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The checked references of "My references": a page asking to confirm, whose
    POST (``confirm=yes``) deletes them."""
    item_ids = read_selection(request.POST)["items"]
    if not item_ids:
        return _nothing_selected(request, "delete")
    if request.POST.get("confirm") != "yes":
        items = list(references.library_items(request.user).filter(pk__in=item_ids))
        if len(items) != len(item_ids):
            raise NotFound("a selected reference is not in your references (deleted already?)")
        return render(request, "literature/library_item_delete.html", {"items": items})
    deleted = library.delete_library_items(actor=request.user, item_ids=item_ids)
    baskets.Basket(request.session).remove(("item", item) for item in item_ids)
    messages.success(request, f"{deleted} reference{'s' if deleted != 1 else ''} deleted.")
    return redirect("literature:library-item-list")


@require_http_methods(["GET", "POST"])
@member_view
def library_item_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The checked references of "My references" (``item``), or all of them
    (``all=on``), in the chosen format."""
    data = request.POST if request.method == "POST" else request.GET
    selected = read_selection(data)
    whole = data.get("all") == "on"
    if not (selected["items"] or whole):
        return _nothing_selected(request, "export")
    entries = () if whole else tuple(baskets.resolve(request.user, items=selected["items"]))
    return export_or_offer_job(
        request,
        selection=library.ReferenceSelection(entries=entries, whole_library=whole),
        format=selected["format"],
        file_stem="my-references",
        hidden=[("all", "on")] if whole else [("item", item) for item in selected["items"]],
        back=(reverse("literature:library-item-list"), "Back to My references"),
    )


urlpatterns: list[URLPattern] = [
    path("export/", publication_export, name="export"),
    path("import/references/", reference_import, name="import-references"),
    path("my-references/", library_item_list, name="library-item-list"),
    path("my-references/delete/", library_item_delete, name="library-item-delete"),
    path("my-references/export/", library_item_export, name="library-item-export"),
]
