"""The queue and a case's page: pharmacovigilance sees every case, a reporter their
own (the selectors start from the policy's queryset). The case page shows both
clocks in words, the four minimum criteria, and the patient only to those who
read patient details; its actions (status, versions, assignment, follow-up
requests, forwarding) are small forms that post here and, when refused, come
back with the reason beside the form. Pharmacovigilance's edit form is here too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.http import AuthenticatedHttpRequest, member_view, render_page_or_fragment
from liaison.directory.models import HCP
from liaison.lib.forms import add_liaison_error
from liaison.safety import forms, selectors
from liaison.safety.models import Case, CaseStatus, FollowUpRequest, SpecialSituation
from liaison.safety.services import cases as services


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("reported_by", "assigned_to", "reporter_hcp", "forwarded_by")


def reports_of(case: Case) -> list[str]:
    """What the case reports, in words: an adverse event, a product complaint, special situations."""
    found = ["An adverse event"] if case.is_adverse_event else []
    if case.is_product_complaint:
        found.append("A product complaint")
    found.extend(SpecialSituation(value).label for value in case.special_situations or [])
    return found


# --- the queue ---------------------------------------------------------------------------


@require_GET
@member_view
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.QueueFilterForm(request.GET)
    rows = selectors.queue(request.user, form.filters())
    flags = selectors.open_flags(request.user).select_related("author", "product")[:50]
    context = {
        "form": form,
        "rows": rows,
        "counts": selectors.counts(request.user),
        "flags": list(flags),
        "can_add": policy.can(request.user, "add", Case),
        "can_import": policy.can(request.user, "import", Case),
        "can_reconcile": policy.can(request.user, "reconcile", Case),
    }
    return render_page_or_fragment(request, "safety/case_list.html", "results", context)


# --- one case ------------------------------------------------------------------------------


def _detail_context(request: AuthenticatedHttpRequest, case: Case, **bound: Any) -> dict[str, Any]:
    """The case page's context; ``bound`` holds an action's form with its errors."""
    user = request.user
    working = policy.can(user, "work", case)
    statuses = services.NEXT_STATUSES.get(CaseStatus(case.status), ())
    context: dict[str, Any] = {
        "case": case,
        "reports": reports_of(case),
        "row": selectors.case_row(case),
        "reads_patient": policy.can(user, "read_patient", case),
        "can_work": working,
        "can_export": policy.can(user, "export", case),
        "can_change": working or policy.can(user, "change", case),
        "can_forward": policy.can(user, "forward", case),
        "submissions": list(case.submissions.select_related("exported_by", "sent_by")),
        "follow_ups": list(case.follow_up_requests.select_related("requested_by")),
        "flags": list(case.flags.select_related("author")),
        "status_form": forms.StatusForm(statuses=statuses),
        "version_form": forms.VersionForm(),
        "follow_up_form": forms.FollowUpForm(),
        "answer_form": forms.AnswerForm(),
        "answering": None,
        "today": timezone.localdate(),
    }
    context.update(bound)
    return context


def _refused(
    request: AuthenticatedHttpRequest, case: Case, name: str, form: Any, error: LiaisonError
) -> HttpResponse:
    add_liaison_error(form, error)
    context = _detail_context(request, case, **{name: form})
    return render(request, "safety/case_detail.html", context, status=422)


@require_GET
@member_view
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "view", _cases(), pk=pk)
    return render(request, "safety/case_detail.html", _detail_context(request, case))


@require_POST
@member_view
def case_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "work", _cases(), pk=pk)
    statuses = services.NEXT_STATUSES.get(CaseStatus(case.status), ())
    form = forms.StatusForm(request.POST, statuses=statuses)
    try:
        if not form.is_valid():
            raise LiaisonError("choose where the case moves to", field="status")
        services.set_case_status(
            actor=request.user,
            case=case,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except LiaisonError as error:
        return _refused(request, case, "status_form", form, error)
    messages.success(request, f"{case.reference} is now {case.get_status_display().lower()}.")
    return redirect("safety:case-detail", pk=case.pk)


@require_POST
@member_view
def case_version(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "work", _cases(), pk=pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        # The form's own reasons (no such kind, not a date) are beside their fields.
        context = _detail_context(request, case, version_form=form)
        return render(request, "safety/case_detail.html", context, status=422)
    try:
        services.new_case_version(
            actor=request.user,
            case=case,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            received_on=form.cleaned_data["received_on"],
        )
    except LiaisonError as error:
        return _refused(request, case, "version_form", form, error)
    new_clock = form.cleaned_data["kind"] in services.NEW_INFORMATION
    again = " Its regulatory clock runs again: submit it anew." if new_clock else ""
    messages.success(
        request,
        f"{case.reference}: version {case.version_number} "
        f"({case.get_version_kind_display()}).{again}",
    )
    return redirect("safety:case-detail", pk=case.pk)


@require_POST
@member_view
def case_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "work", _cases(), pk=pk)
    services.assign_case(actor=request.user, case=case, assignee=request.user)
    messages.success(request, f"{case.reference} is assigned to you.")
    return redirect("safety:case-detail", pk=case.pk)


@require_POST
@member_view
def case_forward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "forward", _cases(), pk=pk)
    services.forward_case(actor=request.user, case=case)
    messages.success(request, f"{case.reference} was forwarded to pharmacovigilance.")
    return redirect("safety:case-detail", pk=case.pk)


@require_POST
@member_view
def case_follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "work", _cases(), pk=pk)
    form = forms.FollowUpForm(request.POST)
    try:
        if not form.is_valid():
            raise LiaisonError("the request could not be read", field="message")
        services.request_follow_up(
            actor=request.user,
            case=case,
            message=form.cleaned_data["message"],
            due_on=form.cleaned_data["due_on"],
        )
    except LiaisonError as error:
        return _refused(request, case, "follow_up_form", form, error)
    messages.success(request, "The follow-up request was recorded.")
    return redirect("safety:case-detail", pk=case.pk)


@require_POST
@member_view
def follow_up_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = policy.get_for(
        request.user, "change", FollowUpRequest.objects.select_related("case"), pk=pk
    )
    form = forms.AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise LiaisonError("the answer could not be read", field="answer")
        services.answer_follow_up(
            actor=request.user, request=follow_up, answer=form.cleaned_data["answer"]
        )
    except LiaisonError as error:
        add_liaison_error(form, error)
        case = _cases().get(pk=follow_up.case_id)
        context = _detail_context(request, case, answer_form=form, answering=follow_up.pk)
        return render(request, "safety/case_detail.html", context, status=422)
    messages.success(request, "The reporter's answer was recorded.")
    return redirect("safety:case-detail", pk=follow_up.case_id)


# --- the case form ------------------------------------------------------------------------


def _case_forms(
    request: AuthenticatedHttpRequest, case: Case, *, patient: bool, working: bool
) -> tuple[forms.CaseForm, Any, Any]:
    data = request.POST if request.method == "POST" else None
    form = forms.CaseForm(
        data,
        initial=forms.case_initial(case, forms.CaseForm.base_fields),
        hcps=policy.scope(request.user, "view", HCP),
        patient=patient,
        working=working,
    )
    reactions = forms.ReactionFormSet(
        data,
        prefix="reactions",
        initial=[forms.reaction_initial(item) for item in case.reactions.all()],
        form_kwargs={"coding": working},
    )
    products = forms.ProductFormSet(
        data,
        prefix="products",
        initial=[forms.product_initial(item) for item in case.products.all()],
    )
    return form, reactions, products


def _show_part_errors(
    error: LiaisonError, form: forms.CaseForm, parts: dict[str, list[Any]]
) -> None:
    """Put each of the service's reasons beside its field: a case field on the case
    form, ``reactions.1.meddra_code`` on the second kept reaction row."""
    case_errors: dict[str, str] = {}
    for key, reason in error.details.items():
        head, _, rest = key.partition(".")
        index, _, name = rest.partition(".")
        rows = parts.get(head)
        if rows is not None and index.isdigit() and int(index) < len(rows):
            row = rows[int(index)]
            if name in row.fields:
                row.add_error(name, reason)
                continue
            case_errors["__all__"] = forms.error_place(key) + reason
        else:
            case_errors[key] = reason
    if case_errors:
        add_liaison_error(form, LiaisonError(error.message, details=case_errors))


@require_http_methods(["GET", "POST"])
@member_view
def case_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = policy.get_for(request.user, "view", _cases(), pk=pk)
    working = policy.can(request.user, "work", case)
    if not working:
        policy.require(request.user, "change", case)
    patient = policy.can(request.user, "read_patient", case)
    form, reactions, products = _case_forms(request, case, patient=patient, working=working)
    if request.method == "POST" and all(
        [form.is_valid(), reactions.is_valid(), products.is_valid()]
    ):
        kept = {"reactions": forms.kept_forms(reactions), "products": forms.kept_forms(products)}
        data = form.service_data()
        data["reactions"] = [row.data_of() for row in kept["reactions"]]
        data["products"] = [row.data_of() for row in kept["products"]]
        try:
            changes = services.update_case(
                actor=request.user, case=case, data=data, reason=form.cleaned_data["reason"]
            )
        except LiaisonError as error:
            _show_part_errors(error, form, kept)
        else:
            messages.success(request, f"{case.reference} was saved." if changes else "Saved.")
            return redirect("safety:case-detail", pk=case.pk)
    invalid = request.method == "POST"
    context = {
        "case": case,
        "form": form,
        "reactions": reactions,
        "products": products,
        "working": working,
    }
    return render(request, "safety/case_form.html", context, status=422 if invalid else 200)


urlpatterns: list[URLPattern] = [
    path("", case_list, name="case-list"),
    path("cases/<int:pk>/", case_detail, name="case-detail"),
    path("cases/<int:pk>/edit/", case_edit, name="case-edit"),
    path("cases/<int:pk>/status/", case_status, name="case-status"),
    path("cases/<int:pk>/versions/", case_version, name="case-version"),
    path("cases/<int:pk>/assign/", case_assign, name="case-assign"),
    path("cases/<int:pk>/forward/", case_forward, name="case-forward"),
    path("cases/<int:pk>/follow-ups/", case_follow_up, name="case-follow-up"),
    path("follow-ups/<int:pk>/answer/", follow_up_answer, name="follow-up-answer"),
]
