"""Core pages: home, audit search and export, record history, jobs, API tokens, and
the account pages: sign-in, password change and reset, sign-in lock-outs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import transaction
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import (
    audit_display,
    downloads,
    jobs,
    lockouts,
    policy,
    ratelimit,
    registry,
    selectors,
    services,
    tasks,
    uploads,
)
from liaison.core import audit_export as audit_csv
from liaison.core.errors import LiaisonError, NotFound
from liaison.core.forms import (
    AuditFilterForm,
    LockoutClearForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    TokenCreateForm,
)
from liaison.core.http import (
    AuthenticatedHttpRequest,
    member_view,
    paginate,
    query_without,
    render_page_or_fragment,
)
from liaison.core.models import ApiToken, AuditEvent, Job

PAGE_SIZE = 50


def _dashboard_counts(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """The counts installed apps declare for the home page (``dashboard`` in their
    ``apps.py``): records the user may see, and may change."""
    counts = []
    for entry in registry.dashboard():
        model = apps.get_model(entry.model)
        counts.append(
            {
                "label": entry.label,
                "count": policy.scope(request.user, "view", model).count(),
                "editable": policy.scope(request.user, "change", model).count(),
                "url": reverse(entry.url_name),
                "link_text": entry.link_text,
            }
        )
    return counts


def _home_panels(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """The panels installed apps declare for the home page (``home_panels`` in their
    ``apps.py``), each with the context its function gives for the user; a panel
    whose function answers ``None`` is left out."""
    panels = []
    for panel in registry.home_panels():
        context = import_string(panel.context)(request.user)
        if context is not None:
            panels.append({"name": panel.name, "template": panel.template, "context": context})
    return panels


@require_GET
@member_view
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "counts": _dashboard_counts(request),
        "panels": _home_panels(request),
        "territories": selectors.territories_of(request.user),
        "jobs": selectors.jobs_of(request.user)[:5],
    }
    return render(request, "core/home.html", context)


# --- audit trail --------------------------------------------------------------


def _audit_filters(
    request: AuthenticatedHttpRequest,
) -> tuple[AuditFilterForm, selectors.AuditFilters]:
    form = AuditFilterForm(request.GET, record_types=selectors.audit_record_types(request.user))
    form.is_valid()
    data = form.cleaned_data  # only the fields that are valid
    filters = selectors.AuditFilters(
        actor=data.get("actor") or "",
        record_type=data.get("record_type") or "",
        action=data.get("action") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to") if "date_to" not in form.errors else None,
    )
    return form, filters


@require_GET
@member_view
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    selectors.require_view_any(request.user, AuditEvent)
    form, filters = _audit_filters(request)
    page = paginate(
        request, selectors.audit_events(request.user, filters).select_related(None), PAGE_SIZE
    )
    context = {
        "form": form,
        "page_obj": page,
        "rows": audit_display.describe_events(list(page), request.user),
        "query": query_without(request.GET, "page"),
    }
    return render(request, "core/audit_list.html", context)


@require_http_methods(["GET", "POST"])
@member_view
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The audit search's events as CSV: a file at once up to
    ``LIAISON_EXPORT_SYNC_MAX_ROWS`` events, else a page offering a download job;
    POST starts that job and shows its page."""
    selectors.require_view_any(request.user, AuditEvent)
    _, filters = _audit_filters(request)
    if request.method == "POST":
        job = tasks.start_audit_export(actor=request.user, filters=filters)
        return redirect(reverse("core:job-detail", args=[job.pk]))
    count = selectors.audit_events(request.user, filters).count()
    if count > downloads.sync_max_rows():
        context = {
            "count_text": f"{count:,}",
            "limit_text": f"{downloads.sync_max_rows():,}",
            "keep_days": settings.LIAISON_EXPORT_KEEP_DAYS,
        }
        return render(request, "core/audit_export_job.html", context)
    # Written whole before the answer starts: an error is an error page, never a cut file.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    audit_csv.write_csv(audit_csv.selection(request.user, filters), spool, reader=request.user)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=audit_csv.FILE_NAME,
        content_type="text/csv; charset=utf-8",
    )


@require_GET
@member_view
def record_history(
    request: AuthenticatedHttpRequest, record_type: str, record_id: str
) -> HttpResponse:
    record, events = selectors.record_history(request.user, record_type, record_id)
    model = selectors.model_for_record_type(record_type)
    page = paginate(request, events.select_related("actor"), PAGE_SIZE)
    rows = audit_display.describe_events(list(page), request.user)
    context = {
        "record": record,
        "record_type": record_type,
        "record_id": record_id,
        "model_name": model._meta.verbose_name,
        "label": str(record)
        if record is not None
        else (audit_display.shown_label(page[0]) if rows else record_id),
        "rows": rows,
        "page_obj": page,
        "query": query_without(request.GET, "page"),
    }
    return render(request, "core/record_history.html", context)


# --- jobs -----------------------------------------------------------------------


@require_GET
@member_view
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.jobs_of(request.user), PAGE_SIZE)
    return render(request, "core/job_list.html", {"page_obj": page, "query": ""})


@require_GET
@member_view
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = policy.get_for(request.user, "view", Job.objects.select_related("owner"), pk=pk)
    # A file job's kind may add its report (read through the job: owner and administrators).
    context = {"job": job, **uploads.job_report(job)}
    response = render_page_or_fragment(request, "core/job_detail.html", "progress", context)
    add_never_cache_headers(response)
    return response


def job_file_path(job: Job) -> Path:
    """The job's result file inside MEDIA_ROOT; anything pointing outside is not found."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / job.result_file).resolve()
    if not job.result_file or not path.is_relative_to(root) or not path.is_file():
        raise NotFound("this job has no file to download")
    return path


@require_GET
@member_view
def job_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = policy.get_for(request.user, "view", Job, pk=pk)
    path = job_file_path(job)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_POST
@member_view
def job_run_again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Queue a failed or interrupted job again (its owner, or an administrator)."""
    job = policy.get_for(request.user, "view", Job, pk=pk)
    try:
        jobs.run_again(actor=request.user, job=job)
    except LiaisonError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The job runs again: it completes what was left.")
    return redirect("core:job-detail", pk=job.pk)


# --- API tokens -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    secret = None
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_api_token(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except LiaisonError as error:
            form.add_error("name" if error.field == "name" else None, error.message)
        else:
            form = TokenCreateForm()
    tokens = policy.scope(request.user, "view", ApiToken).filter(user=request.user)
    context = {"form": form, "tokens": tokens, "secret": secret, "created": created}
    response = render(request, "core/token_list.html", context)
    # The page may carry the one-time secret: never cache it.
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


@require_POST
@member_view
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = policy.get_for(request.user, "delete", ApiToken, pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("core:token-list")


# --- sign-in and passwords ------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's sign-in, with everything a sign-in writes in one transaction.

    A sign-in writes the session, ``last_login`` and the lock-out's records (the
    access log, the reset of failed attempts). On SQLite each write waits for the
    one write lock; taken once, the sign-in waits for at most the writer before it
    (an import's batch) instead of once per write (docs/security.md). The password
    is checked before, outside the lock: hashing takes a good part of a second.
    """

    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        with transaction.atomic():
            auth_login(self.request, form.get_user())
        return HttpResponseRedirect(self.get_success_url())


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@member_view
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's new password, after their current one; other sessions end."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password1"],
                reason="password changed by its user",
            )
        except LiaisonError as error:
            form.add_error("new_password1" if error.field == "password" else None, error.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(
                request, "Your password is changed; your other sessions are signed out."
            )
            return redirect("core:home")
    return render(request, "core/password_change.html", {"form": form})


RESET_LIMITED = (
    "Too many password reset requests from this computer or for this address. "
    "Wait an hour and try again, or ask an administrator."
)


def _reset_allowed(request: HttpRequest, address: str) -> bool:
    """Count the request per client address, then per e-mail address (any address, known
    or not, so the answer tells nothing about which addresses have an account)."""
    window = settings.LIAISON_PASSWORD_RESET_WINDOW
    per_client = ratelimit.Limit(
        "password-reset-client", settings.LIAISON_PASSWORD_RESET_PER_CLIENT, window
    )
    per_address = ratelimit.Limit(
        "password-reset-address", settings.LIAISON_PASSWORD_RESET_PER_ADDRESS, window
    )
    return ratelimit.hit(per_client, ratelimit.client_address(request)) and ratelimit.hit(
        per_address, address.strip().lower()
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link by e-mail. The answer is the same whether the address has an
    account or not; only an active account with that address gets the mail."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _reset_allowed(request, form.cleaned_data["email"]):
            form.add_error(None, RESET_LIMITED)
            return render(request, "core/password_reset.html", {"form": form}, status=429)
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="core/password_reset_subject.txt",
            email_template_name="core/password_reset_email.txt",
        )
        return redirect("core:password-reset-sent")
    return render(request, "core/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: a new password, set through the audited service. The link
    works once (the token covers the password hash) and for PASSWORD_RESET_TIMEOUT."""

    template_name = "core/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("core:password-reset-complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        user = self.user
        try:
            services.set_password(
                actor=user,
                user=user,
                password=form.cleaned_data["new_password1"],
                reason="password reset through an e-mailed link",
            )
        except LiaisonError as error:
            form.add_error("new_password1", error.message)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


# --- sign-in lock-outs ------------------------------------------------------------------


@require_GET
@member_view
def lockout_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rules = lockouts.axes_rules()
    context = {"lockouts": lockouts.current(actor=request.user, rules=rules), "rules": rules}
    return render(request, "core/lockout_list.html", context)


@require_POST
@member_view
def lockout_clear(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LockoutClearForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    cleared = lockouts.clear(
        actor=request.user,
        username=data.get("username", ""),
        ip_address=data.get("ip_address") or None,
    )
    for lockout in cleared:
        messages.success(request, f"Cleared {lockout.describe()}.")
    if not cleared:
        messages.info(request, f"{data.get('username')} had no failed sign-ins to clear.")
    return redirect("core:lockout-list")
