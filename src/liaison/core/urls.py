from django.contrib.auth import views as auth_views
from django.urls import path

from liaison.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.password_change, name="password-change"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("lockouts/", views.lockout_list, name="lockout-list"),
    path("lockouts/clear/", views.lockout_clear, name="lockout-clear"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export/", views.audit_export, name="audit-export"),
    path("history/<str:record_type>/<str:record_id>/", views.record_history, name="record-history"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("jobs/<int:pk>/run-again/", views.job_run_again, name="job-run-again"),
    path("account/tokens/", views.token_list, name="token-list"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
