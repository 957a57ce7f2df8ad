"""The basket in the web UI: references picked one by one, exported together.

``literature:basket-add`` and ``literature:basket-remove`` take ``pmid`` and
``item`` values (repeated) by POST, from the library's list, a publication's page
and "My references"; an htmx request gets the button's form back (now the other
way round) with the basket's count out of band, a plain one a redirect to
``next``. ``literature:basket-detail`` lists the basket, ``basket-export``
writes it as RIS, BibTeX, CSV or XLSX (at once up to
``LIAISON_EXPORT_SYNC_MAX_ROWS`` references, else a page offering a download
job, which a POST with ``background=on`` starts) and ``basket-clear`` empties it.
The basket itself is :mod:`liaison.literature.basket` (kept in the session).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import downloads
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, is_fragment_request, member_view, next_url
from liaison.lib.api import MAX_INTEGER
from liaison.literature import basket as baskets
from liaison.literature.basket import Basket
from liaison.literature.services import library, references
from liaison.literature.tasks import start_reference_export

FORMAT_CHOICES = [(spec.name, spec.label) for spec in references.EXPORT_FORMATS.values()]


class SelectionForm(forms.Form):
    """A selection of references: ``pmid`` values (publications of the library) and
    ``item`` values (the user's own references), repeated or comma-separated, and
    the export ``format``."""

    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.values = {name: data.getlist(name) for name in ("pmid", "item")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        labels = {"pmid": "PMID", "item": "reference number"}
        for name, values in self.values.items():
            numbers: list[int] = []
            for value in values:
                for part in value.replace(",", " ").split():
                    # ASCII digits within 64 bits: "²" is a digit to isdigit().
                    if not (part.isascii() and part.isdigit()) or int(part) > MAX_INTEGER:
                        raise forms.ValidationError(f"{labels[name]} {part!r} is not a number")
                    numbers.append(int(part))
            cleaned[f"{name}s"] = list(dict.fromkeys(numbers))
        cleaned["format"] = cleaned.get("format") or "ris"
        return cleaned


def read_selection(data: Any) -> dict[str, Any]:
    """The cleaned :class:`SelectionForm` of ``data``, or a 400 saying what is wrong."""
    form = SelectionForm(data)
    if not form.is_valid():
        raise LiaisonError("; ".join(str(e) for errors in form.errors.values() for e in errors))
    return form.cleaned_data


def toggle_answer(
    request: AuthenticatedHttpRequest, basket: Basket, entry: baskets.Entry, title: str
) -> HttpResponse:
    """The htmx answer to a basket button: its form, now the other way round, and
    the basket's count out of band."""
    kind, key = entry
    context = {
        "basket": basket,
        "kind": kind,
        "key": key,
        "title": title,
        "next": next_url(request, "literature:basket-detail"),
    }
    return render(request, "literature/basket.html#toggle_answer", context)


@require_POST
@member_view
def basket_add(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    selection = read_selection(request.POST)
    if not (selection["pmids"] or selection["items"]):
        messages.error(request, "Select at least one reference to add to the basket.")
        return redirect(next_url(request, "literature:basket-detail"))
    entries = baskets.resolve(request.user, pmids=selection["pmids"], items=selection["items"])
    basket = Basket(request.session)
    added = basket.add(entries)
    if is_fragment_request(request) and len(entries) == 1:
        return toggle_answer(request, basket, entries[0], request.POST.get("title", ""))
    messages.success(
        request,
        f"{added} reference{'s' if added != 1 else ''} added to the basket"
        f"{f', {len(entries) - added} already in it' if added < len(entries) else ''}; "
        f"it holds {len(basket)}.",
    )
    return redirect(next_url(request, "literature:basket-detail"))


@require_POST
@member_view
def basket_remove(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    selection = read_selection(request.POST)
    entries: list[baskets.Entry] = [
        *(("pmid", pmid) for pmid in selection["pmids"]),
        *(("item", item) for item in selection["items"]),
    ]
    basket = Basket(request.session)
    removed = basket.remove(entries)
    if is_fragment_request(request) and len(entries) == 1:
        return toggle_answer(request, basket, entries[0], request.POST.get("title", ""))
    messages.success(
        request,
        f"{removed} reference{'s' if removed != 1 else ''} taken out of the basket; "
        f"it holds {len(basket)}.",
    )
    return redirect(next_url(request, "literature:basket-detail"))


@require_POST
@member_view
def basket_clear(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    count = Basket(request.session).clear()
    messages.success(
        request, f"The basket is empty ({count} reference{'s' if count != 1 else ''} taken out)."
    )
    return redirect(next_url(request, "literature:basket-detail"))


@require_GET
@member_view
def basket_detail(request: AuthenticatedHttpRequest) -> HttpResponse:
    basket = Basket(request.session)
    page = Paginator(basket.entries, int(settings.LIAISON_PAGE_SIZE)).get_page(
        request.GET.get("page")
    )
    context = {
        "basket": basket,
        "page_obj": page,
        "rows": baskets.describe(request.user, list(page.object_list)),
        "formats": FORMAT_CHOICES,
    }
    return render(request, "literature/basket.html", context)


def export_or_offer_job(
    request: AuthenticatedHttpRequest,
    *,
    selection: library.ReferenceSelection,
    format: str,
    file_stem: str,
    hidden: list[tuple[str, Any]],
    back: tuple[str, str],
) -> HttpResponseBase:
    """The references of ``selection`` as a file, or, past the synchronous cap, the
    page offering a download job (its form posts ``hidden`` and ``background=on``);
    such a POST starts the job and goes to its page."""
    if request.method == "POST" and request.POST.get("background") == "on":
        job = start_reference_export(
            actor=request.user, format=format, selection=selection, file_stem=file_stem
        )
        return redirect("core:job-detail", pk=job.pk)
    count = library.count_references(actor=request.user, selection=selection)
    if count > downloads.sync_max_rows():
        context = {
            "count_text": f"{count:,}",
            "limit_text": f"{downloads.sync_max_rows():,}",
            "keep_days": settings.LIAISON_EXPORT_KEEP_DAYS,
            "format": references.export_format(format),
            "hidden": hidden,
            "back_url": back[0],
            "back_text": back[1],
        }
        return render(request, "literature/reference_export_job.html", context)
    export = library.export_references(
        actor=request.user, selection=selection, format=format, file_stem=file_stem
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_http_methods(["GET", "POST"])
@member_view
def basket_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    data = request.POST if request.method == "POST" else request.GET
    format = read_selection(data)["format"]
    basket = Basket(request.session)
    if not basket.entries:
        raise LiaisonError("the basket is empty: add references to it first", field="basket")
    return export_or_offer_job(
        request,
        selection=library.ReferenceSelection(entries=tuple(basket.entries)),
        format=format,
        file_stem="basket",
        hidden=[],
        back=(reverse("literature:basket-detail"), "Back to the basket"),
    )


urlpatterns: list[URLPattern] = [
    path("basket/", basket_detail, name="basket-detail"),
    path("basket/add/", basket_add, name="basket-add"),
    path("basket/remove/", basket_remove, name="basket-remove"),
    path("basket/clear/", basket_clear, name="basket-clear"),
    path("basket/export/", basket_export, name="basket-export"),
]
