"""The experts app's ranked lists: an area's experts with their scores and tiers, the
rising experts, the CSV/XLSX export, the area's evidence definition and weights
(administrators edit, everyone reads, with the version history) and the
recompute of scores (a job)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import downloads, policy, registry
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    paginate,
    query_without,
    render_page_or_fragment,
)
from liaison.core.models import Territory, User
from liaison.directory.exporting import export_format
from liaison.directory.forms import country_choices
from liaison.directory.models import Organization, Specialty, TherapeuticArea
from liaison.experts import scoring_tasks, selectors
from liaison.experts.models import AreaDefinition, ExpertScore, Proposal, WeightSet
from liaison.experts.services import weights as weight_services
from liaison.experts.services.scoring import current_weights
from liaison.experts.weights import MAPPING_KEYS, NUMBER_KEYS
from liaison.lib.forms import mark_filter_selects, set_choices

#: The most organizations the institution filter offers (those with most experts first).
MAX_INSTITUTIONS = 300


class RankingFilterForm(forms.Form):
    """The ranked list's filters, read from the query string."""

    area = forms.TypedChoiceField(coerce=int, required=False, label="Therapeutic area")
    country = forms.ChoiceField(required=False)
    territory = forms.ChoiceField(required=False)
    institution = forms.TypedChoiceField(coerce=int, required=False)
    specialty = forms.TypedChoiceField(coerce=int, required=False)
    tier = forms.TypedChoiceField(
        coerce=int,
        required=False,
        choices=[("", "Any tier"), ("1", "Tier 1"), ("2", "Tier 2"), ("3", "Tier 3")],
    )
    engaged = forms.ChoiceField(
        required=False,
        label="Engaged by our team",
        choices=[("", "Engaged or not"), ("yes", "Engaged by our team"), ("no", "Not engaged")],
    )
    rising = forms.BooleanField(required=False, label="Rising experts only")
    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=list(selectors.SORT_LABELS.items())
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = selectors.scored_area_choices(user)
        set_choices(self, "area", "Choose an area", [(str(a.pk), a.name) for a in areas])
        area_id = self.data.get("area", "")
        scores = ExpertScore.objects.filter(area_id=int(area_id)) if area_id.isdigit() else None
        countries = (
            sorted(set(scores.values_list("country", flat=True))) if scores is not None else []
        )
        names = dict(country_choices(""))
        set_choices(
            self, "country", "Any country", [(c, names.get(c, c) or "—") for c in countries if c]
        )
        set_choices(
            self,
            "territory",
            "Any territory",
            policy.scope(user, "view", Territory).values_list("code", "name"),
        )
        institutions: list[tuple[str, str]] = []
        if scores is not None and area_id.isdigit():
            institutions = [
                (str(pk), name)
                for pk, name in Organization.objects.filter(
                    affiliations__hcp__expert_scores__area_id=int(area_id)
                )
                .annotate(experts=Count("affiliations__hcp", distinct=True))
                .order_by("-experts", "name")
                .values_list("pk", "name")[:MAX_INSTITUTIONS]
            ]
            institutions.sort(key=lambda item: item[1])
        set_choices(self, "institution", "Any institution", institutions)
        set_choices(
            self,
            "specialty",
            "Any specialty",
            [(str(pk), name) for pk, name in Specialty.objects.values_list("pk", "name")],
        )
        mark_filter_selects(self)

    def filters(self, *, rising: bool = False, sort: str = "score") -> selectors.RankingFilters:
        """The filters of the valid fields; an invalid value is ignored."""
        self.is_valid()
        data = self.cleaned_data
        return selectors.RankingFilters(
            area=data.get("area") or None,
            country=data.get("country") or "",
            territory=data.get("territory") or "",
            institution=data.get("institution") or None,
            specialty=data.get("specialty") or None,
            tier=data.get("tier") or None,
            engaged=data.get("engaged") or "",
            rising=rising or bool(data.get("rising")),
            sort=data.get("sort") or sort,
        )


def _page_size() -> int:
    return int(getattr(settings, "LIAISON_PAGE_SIZE", 50))


def _url_or_none(name: str) -> str | None:
    """A page another helper builds, linked only once it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _area_links(user: User, area: TherapeuticArea | None) -> dict[str, Any]:
    network = _url_or_none("experts:network-area")
    return {
        "proposals_url": _url_or_none("experts:proposal-list")
        if policy.grants_any(user, "view", Proposal)
        else None,
        "network_url": f"{network}?area={area.pk}" if network and area else None,
        "finder_url": _url_or_none("experts:site-finder"),
        "can_recompute": policy.can(user, "recompute", ExpertScore),
    }


def _area_summaries(user: User) -> list[dict[str, Any]]:
    """Each area with its counts of scored experts, tier 1 and rising (one query)."""
    counts = {
        row["area_id"]: row
        for row in policy.scope(user, "view", ExpertScore)
        .values("area_id")
        .annotate(
            experts=Count("pk"),
            tier1=Count("pk", filter=Q(tier=1)),
            rising=Count("pk", filter=Q(rising=True)),
        )
    }
    defined = set(AreaDefinition.objects.values_list("area_id", flat=True))
    return [
        {"area": area, "counts": counts.get(area.pk), "defined": area.pk in defined}
        for area in selectors.scored_area_choices(user)
    ]


def _require_reader(user: User) -> None:
    if not policy.grants_any(user, "view", ExpertScore):
        raise PermissionDenied("you may not see expert scores")


def _list_page(request: AuthenticatedHttpRequest, *, rising: bool, template: str) -> HttpResponse:
    _require_reader(request.user)
    form = RankingFilterForm(request.GET, user=request.user)
    filters = form.filters(rising=rising, sort="growth" if rising else "score")
    context: dict[str, Any] = {"form": form, "rising_page": rising}
    if filters.area is None:
        context.update(_area_links(request.user, None))
        context["areas"] = _area_summaries(request.user)
        return render(request, template, context)
    area = selectors.area_of(request.user, filters.area)
    page = paginate(request, selectors.ranking_queryset(request.user, filters), _page_size())
    engaged = registry.engaged_hcp_ids(request.user)
    filters_query = query_without(request.GET, "page", "format")
    export_url = reverse("experts:ranking-export")
    if rising and "rising" not in request.GET:
        filters_query = "&".join(filter(None, [filters_query, "rising=on"]))
    context.update(_area_links(request.user, area))
    context.update(
        {
            "area": area,
            "page_obj": page,
            "rows": selectors.ranked_rows(list(page.object_list), engaged),
            "sort": filters.sort,
            "filters_query": filters_query,
            "weight_set": current_weights(area)[0],
            "export_links": [
                (label, f"{export_url}?{'&'.join(filter(None, [filters_query, f'format={f}']))}")
                for label, f in (("Export CSV", "csv"), ("Export XLSX", "xlsx"))
            ],
            "definition": AreaDefinition.objects.filter(area=area).first(),
        }
    )
    return render_page_or_fragment(request, template, "results", context)


@require_GET
@member_view
def ranking_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An area's ranked experts, filtered; without an area, the area picker."""
    return _list_page(request, rising=False, template="experts/rankings.html")


@require_GET
@member_view
def rising_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An area's rising experts, fastest growth first, with the reason of each."""
    return _list_page(request, rising=True, template="experts/rankings.html")


@require_http_methods(["GET", "POST"])
@member_view
def ranking_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The ranked list with its filters as CSV or XLSX: a file at once up to
    ``LIAISON_EXPORT_SYNC_MAX_ROWS`` rows, else a page offering a download job;
    POST starts that job and shows its page."""
    _require_reader(request.user)
    spec = export_format(request.GET.get("format", "csv"))
    filters = RankingFilterForm(request.GET, user=request.user).filters()
    area = selectors.check_filters(request.user, filters)
    if request.method == "POST":
        job = scoring_tasks.start_export(actor=request.user, filters=filters, format=spec.name)
        return redirect(reverse("core:job-detail", args=[job.pk]))
    count = selectors.count_export(request.user, filters)
    if count > downloads.sync_max_rows():
        context = {
            "area": area,
            "count_text": f"{count:,}",
            "limit_text": f"{downloads.sync_max_rows():,}",
            "keep_days": settings.LIAISON_EXPORT_KEEP_DAYS,
            "format": spec,
            "back_url": f"{reverse('experts:ranking-list')}?area={area.pk}",
        }
        return render(request, "experts/rankings_export_job.html", context)
    return FileResponse(
        selectors.export_file(request.user, filters, format=spec.name),
        as_attachment=True,
        filename=f"experts-{area.code}.{spec.name}",
        content_type=spec.content_type,
    )


@require_POST
@member_view
def score_recompute(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue a recompute of an area's scores (or every area's) and show the job."""
    policy.require(request.user, "recompute", ExpertScore)
    raw = request.POST.get("area", "").strip()
    if raw and not raw.isdigit():
        raise LiaisonError(f"area: “{raw[:20]}” is not an area id", field="area")
    area = selectors.area_of(request.user, int(raw)) if raw else None
    job = scoring_tasks.start_recompute(actor=request.user, area=area)
    return redirect(reverse("core:job-detail", args=[job.pk]))


# --- the area's evidence definition and weights ----------------------------------------


class DefinitionForm(forms.Form):
    mesh_terms = forms.CharField(
        required=False,
        label="MeSH descriptors",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, as MeSH names them (Melanoma, Skin Neoplasms).",
    )
    search_query = forms.CharField(
        required=False,
        label="Library search",
        max_length=2000,
        help_text="A search of the library (its syntax: words, [mh], [pt], AND, OR, NOT).",
    )
    conditions = forms.CharField(
        required=False,
        label="Trial conditions",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: a trial belongs when a condition starts with one of them. "
        "Empty: the MeSH descriptors.",
    )


def _weight_rows(weights: dict[str, Any]) -> list[dict[str, Any]]:
    """The weights as the page shows and edits them: numbers, then named multipliers."""
    rows: list[dict[str, Any]] = [
        {"key": key, "label": key.replace("_", " "), "value": weights.get(key)}
        for key in NUMBER_KEYS
    ]
    for key in MAPPING_KEYS:
        values = weights.get(key) or {}
        rows.append(
            {
                "key": key,
                "label": key.replace("_", " "),
                "items": sorted(values.items()),
                "mapping": True,
            }
        )
    return rows


def weights_from_post(data: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The ``current`` weights with what a page's form posted: ``w:<key>`` numbers,
    ``w:<key>:<name>`` named multipliers (posted empty: the name removed),
    ``new:<key>:name``/``new:<key>:value`` a name added; a key the form did not post
    keeps its value. A value that is not a number is an error naming its weight."""
    weights: dict[str, Any] = dict(current)

    def number(raw: str, field: str) -> float:
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            raise LiaisonError(
                f"weights.{field}: “{raw[:20]}” is not a number", field=f"weights.{field}"
            ) from None

    for key in NUMBER_KEYS:
        raw = data.get(f"w:{key}", "").strip()
        if raw:
            weights[key] = number(raw, key)
    for key in MAPPING_KEYS:
        mapping: dict[str, float] = {}
        prefix = f"w:{key}:"
        posted = any(name.startswith((prefix, f"new:{key}:")) for name in data)
        if not posted:
            continue
        for name in data:
            if name.startswith(prefix) and data.get(name, "").strip():
                mapping[name[len(prefix) :]] = number(
                    data[name].strip(), f"{key}.{name[len(prefix) :]}"
                )
        new_name = data.get(f"new:{key}:name", "").strip()
        new_value = data.get(f"new:{key}:value", "").strip()
        if new_name and new_value:
            mapping[new_name] = number(new_value, f"{key}.{new_name}")
        elif new_name or new_value:
            raise LiaisonError(
                f"weights.{key}: give both a name and a number to add one",
                field=f"weights.{key}",
            )
        weights[key] = mapping
    return weights


def _area_by_pk(user: User, pk: int) -> TherapeuticArea:
    _require_reader(user)
    area: TherapeuticArea = policy.get_for(user, "view", TherapeuticArea, pk=pk)
    return area


def _area_page(
    request: AuthenticatedHttpRequest,
    area: TherapeuticArea,
    *,
    definition_form: DefinitionForm | None = None,
    problem: LiaisonError | None = None,
    status: int = 200,
) -> HttpResponse:
    definition = AreaDefinition.objects.filter(area=area).first()
    weight_set, weights = current_weights(area)
    if definition_form is None:
        definition_form = DefinitionForm(
            initial={
                "mesh_terms": "\n".join(definition.mesh_terms) if definition else "",
                "search_query": definition.search_query if definition else "",
                "conditions": "\n".join(definition.conditions) if definition else "",
            }
        )
    context = {
        "area": area,
        "definition": definition,
        "definition_form": definition_form,
        "weight_set": weight_set,
        "weight_rows": _weight_rows(weights),
        "history": selectors.weight_history(request.user, area)[:50],
        "can_edit_definition": policy.can(request.user, "change", definition)
        if definition
        else policy.can(request.user, "add", AreaDefinition),
        "can_edit_weights": policy.can(request.user, "add", WeightSet),
        "problem": problem,
        "scored": ExpertScore.objects.filter(area=area).count(),
        **_area_links(request.user, area),
    }
    return render(request, "experts/rankings_area.html", context, status=status)


@require_GET
@member_view
def area_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The area's evidence definition, weights in force and their versions."""
    return _area_page(request, _area_by_pk(request.user, pk))


@require_POST
@member_view
def area_definition_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    area = _area_by_pk(request.user, pk)
    definition = AreaDefinition.objects.filter(area=area).first()
    if definition is None:
        policy.require(request.user, "add", AreaDefinition)
    else:
        policy.require(request.user, "change", definition)
    form = DefinitionForm(request.POST)
    if not form.is_valid():
        return _area_page(request, area, definition_form=form, status=400)
    data: weight_services.AreaDefinitionData = {
        "mesh_terms": form.cleaned_data["mesh_terms"].splitlines(),
        "search_query": form.cleaned_data["search_query"],
        "conditions": form.cleaned_data["conditions"].splitlines(),
    }
    try:
        weight_services.save_area_definition(actor=request.user, area=area, data=data)
    except LiaisonError as error:
        if error.status_code != 400:
            raise
        form.add_error(None, error.message)
        return _area_page(request, area, definition_form=form, problem=error, status=400)
    messages.success(request, f"Evidence of {area.name} saved; its scores are being recomputed.")
    return redirect("experts:area-detail", pk=area.pk)


@require_POST
@member_view
def area_weights_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    area = _area_by_pk(request.user, pk)
    policy.require(request.user, "add", WeightSet)
    try:
        weights = weights_from_post(request.POST, current_weights(area)[1])
        weight_set = weight_services.save_weights(
            actor=request.user, area=area, weights=weights, note=request.POST.get("note", "")
        )
    except LiaisonError as error:
        if error.status_code != 400:
            raise
        return _area_page(request, area, problem=error, status=400)
    messages.success(
        request,
        f"Weights of {area.name} saved as version {weight_set.version}; "
        "its scores are being recomputed.",
    )
    return redirect("experts:area-detail", pk=area.pk)


urlpatterns = [
    path("", ranking_list, name="ranking-list"),
    path("rising/", rising_list, name="rising-list"),
    path("export/", ranking_export, name="ranking-export"),
    path("recompute/", score_recompute, name="score-recompute"),
    path("areas/<int:pk>/", area_detail, name="area-detail"),
    path("areas/<int:pk>/definition/", area_definition_edit, name="area-definition-edit"),
    path("areas/<int:pk>/weights/", area_weights_edit, name="area-weights-edit"),
]
