"""The identity-resolution queue: the proposals (filtered by status and kind), one
proposal with its evidence side by side (names, affiliations, co-authors,
topics, years, the resolver's probability and features), confirm and reject,
merging two HCPs, splitting mentions off an HCP, starting a run (a job) and the
run history.

Administrators and insights leads work the queue (the policy's ``view`` and
``decide`` on proposals); a run is an administrator's. Writes go through
``services.decisions``; runs through ``tasks.start_resolution_run``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    paginate,
    render_page_or_fragment,
)
from liaison.directory.models import HCP
from liaison.experts.models import (
    PersonDecision,
    Proposal,
    ProposalKind,
    ProposalStatus,
    ResolutionRun,
)
from liaison.experts.services import decisions
from liaison.experts.services.resolution_queue import (
    compare,
    describe_mentions,
    hcp_mention_keys,
)
from liaison.experts.tasks import start_resolution_run
from liaison.lib.forms import add_liaison_error

PAGE_SIZE = 50


class QueueFilter(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *ProposalStatus.choices]
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ProposalKind.choices])


class ConfirmForm(forms.Form):
    keep = forms.ChoiceField(
        required=False, label="HCP to keep", help_text="The other one is merged into it"
    )
    country = forms.CharField(
        required=False,
        max_length=2,
        label="Country (ISO code)",
        help_text="Needed when the affiliations name no country, e.g. SE",
    )
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        assert isinstance(keep, forms.ChoiceField)
        hcps = [hcp for hcp in (proposal.hcp, proposal.other_hcp) if hcp is not None]
        keep.choices = [(str(hcp.pk), f"{hcp.full_name} (HCP {hcp.pk})") for hcp in hcps]
        if proposal.kind != ProposalKind.DUPLICATE:
            del self.fields["keep"]
        if proposal.kind != ProposalKind.DISCOVER:
            del self.fields["country"]


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why these are not one person; kept in the audit trail",
    )


class MergeForm(forms.Form):
    keep = forms.IntegerField(min_value=1, label="HCP to keep (id)")
    duplicate = forms.IntegerField(min_value=1, label="Duplicate HCP (id)")
    action = forms.ChoiceField(
        choices=[
            ("merge", "They are one person: merge"),
            ("different", "They are different people"),
        ],
        widget=forms.RadioSelect,
        initial="merge",
    )
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SplitForm(forms.Form):
    mentions = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="Mentions of another person"
    )
    given_name = forms.CharField(required=False, max_length=120, label="Given name of the new HCP")
    family_name = forms.CharField(
        required=False, max_length=120, label="Family name of the new HCP"
    )
    country = forms.CharField(required=False, max_length=2, label="Country (ISO code)")
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = keys


def _require_queue(request: AuthenticatedHttpRequest) -> None:
    if not policy.grants_any(request.user, "view", Proposal):
        raise PermissionDenied(
            "the resolution queue is worked by insights leads and administrators"
        )


@require_GET
@member_view
def proposal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_queue(request)
    form = QueueFilter(request.GET or {"status": ProposalStatus.OPEN})
    proposals = policy.scope(request.user, "view", Proposal).select_related("hcp", "other_hcp")
    if form.is_valid():
        if form.cleaned_data["status"]:
            proposals = proposals.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["kind"]:
            proposals = proposals.filter(kind=form.cleaned_data["kind"])
    context = {
        "form": form,
        "page_obj": paginate(request, proposals, PAGE_SIZE),
        "runs": list(policy.scope(request.user, "view", ResolutionRun)[:10]),
        "can_run": policy.can(request.user, "resolve", Proposal),
        "open_count": policy.scope(request.user, "view", Proposal)
        .filter(status=ProposalStatus.OPEN)
        .count(),
    }
    return render_page_or_fragment(request, "experts/resolution_list.html", "proposals", context)


def _detail(
    request: AuthenticatedHttpRequest, proposal: Proposal, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    side_by_side = compare(list(proposal.mentions), proposal.hcp, proposal.other_hcp)
    can_decide = policy.can(request.user, "decide", proposal)
    context = {
        "proposal": proposal,
        "compare": side_by_side,
        "can_decide": can_decide and proposal.status == ProposalStatus.OPEN,
        "confirm_form": forms_.get("confirm_form") or ConfirmForm(proposal=proposal),
        "reject_form": forms_.get("reject_form") or RejectForm(),
    }
    return render(request, "experts/resolution_detail.html", context, status=status)


@require_GET
@member_view
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_queue(request)
    queryset = Proposal.objects.select_related("hcp", "other_hcp", "decided_by", "run")
    return _detail(request, policy.get_for(request.user, "view", queryset, pk=pk))


@require_POST
@member_view
def proposal_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = policy.get_for(request.user, "decide", Proposal, pk=pk)
    form = ConfirmForm(request.POST, proposal=proposal)
    if form.is_valid():
        keep_id = form.cleaned_data.get("keep")
        keep = next(
            (h for h in (proposal.hcp, proposal.other_hcp) if h and str(h.pk) == keep_id), None
        )
        try:
            decisions.confirm_proposal(
                actor=request.user,
                proposal=proposal,
                reason=form.cleaned_data["reason"],
                keep=keep,
                country=form.cleaned_data.get("country") or "",
            )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, f"Confirmed: {proposal.get_kind_display().lower()}.")
            return redirect("experts:proposal-list")
    return _detail(request, proposal, status=400, confirm_form=form)


@require_POST
@member_view
def proposal_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = policy.get_for(request.user, "decide", Proposal, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            decisions.reject_proposal(
                actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
            )
        except LiaisonError as error:
            add_liaison_error(form, error)
        else:
            messages.success(request, "Rejected: no later run proposes it again.")
            return redirect("experts:proposal-list")
    return _detail(request, proposal, status=400, reject_form=form)


@require_POST
@member_view
def resolution_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    job = start_resolution_run(actor=request.user)
    return redirect("core:job-detail", pk=job.pk)


def _hcp(request: AuthenticatedHttpRequest, pk: int | None, field: str) -> HCP:
    try:
        return policy.get_for(request.user, "view", HCP, pk=pk)
    except LiaisonError:
        raise LiaisonError(f"{field}: no HCP with id {pk}", field=field) from None


@require_http_methods(["GET", "POST"])
@member_view
def hcp_merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "add", PersonDecision)
    form = MergeForm(request.POST or None, initial=request.GET.dict() or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                keep = _hcp(request, data["keep"], "keep")
                other = _hcp(request, data["duplicate"], "duplicate")
                if data["action"] == "different":
                    decisions.mark_different(
                        actor=request.user, hcp=keep, other_hcp=other, reason=data["reason"]
                    )
                    messages.success(
                        request, f"{keep.full_name} and {other.full_name}: different people."
                    )
                else:
                    decisions.merge_people(
                        actor=request.user, keep=keep, duplicate=other, reason=data["reason"]
                    )
                    messages.success(request, f"Merged into {keep.full_name}.")
            except LiaisonError as error:
                add_liaison_error(form, error)
            else:
                return redirect("directory:hcp-detail", pk=keep.pk)
    return render(request, "experts/resolution_merge.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@member_view
def hcp_split(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "add", PersonDecision)
    hcp = policy.get_for(request.user, "view", HCP, pk=pk)
    mentions = describe_mentions(hcp_mention_keys(hcp, limit=500))
    choices = [
        (m["key"], f"{m['name']}, {m['source']} ({m['year'] or 'no year'})") for m in mentions
    ]
    form = SplitForm(request.POST or None, keys=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = decisions.split_mentions(
                    actor=request.user,
                    hcp=hcp,
                    mention_keys=data["mentions"],
                    reason=data["reason"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    country=data["country"],
                )
            except LiaisonError as error:
                add_liaison_error(form, error)
            else:
                messages.success(request, f"{len(data['mentions'])} mentions moved to a new HCP.")
                return redirect("directory:hcp-detail", pk=new.pk)
    context = {"hcp": hcp, "form": form, "mentions": {m["key"]: m for m in mentions}}
    return render(request, "experts/resolution_split.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("resolution/", proposal_list, name="proposal-list"),
    path("resolution/run/", resolution_run, name="resolution-run"),
    path("resolution/merge/", hcp_merge, name="hcp-merge"),
    path("resolution/split/<int:pk>/", hcp_split, name="hcp-split"),
    path("resolution/<int:pk>/", proposal_detail, name="proposal-detail"),
    path("resolution/<int:pk>/confirm/", proposal_confirm, name="proposal-confirm"),
    path("resolution/<int:pk>/reject/", proposal_reject, name="proposal-reject"),
]
