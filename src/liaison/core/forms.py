"""Forms of the core pages: sign-in, password reset, lock-outs, audit search, API tokens.
They parse input; the rules live in services and the policy."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.password_validation import password_validators_help_texts

from liaison.core.audit_display import record_type_label
from liaison.core.models import ApiToken, User
from liaison.lib.forms import DateInput, set_choices


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the autocomplete hints password managers use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


# Django's form is generic only in its type stubs.
if TYPE_CHECKING:
    _SetPasswordBase = auth_forms.SetPasswordForm[User]
else:
    _SetPasswordBase = auth_forms.SetPasswordForm


def _plain_password_help(form: forms.Form) -> None:
    # Django's help is an HTML list; our field template shows one sentence per rule.
    form.fields["new_password1"].help_text = " ".join(password_validators_help_texts())


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The current password, then the new one twice (checked by AUTH_PASSWORD_VALIDATORS)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


class SetPasswordForm(_SetPasswordBase):
    """The new password twice, after an e-mailed reset link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset request (it e-mails a one-time link to active accounts with the
    address, and says nothing about which addresses have one)."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address your Liaison account is registered with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class LockoutClearForm(forms.Form):
    """Which lock-out to clear: a username, from one address or from all."""

    username = forms.CharField(max_length=255)
    ip_address = forms.CharField(max_length=64, required=False)


class AuditFilterForm(forms.Form):
    """Search of the audit trail: actor, record type, date range (UTC days, inclusive)."""

    actor = forms.CharField(
        required=False, max_length=150, help_text="User name (or 'system'), as typed or its start."
    )
    record_type = forms.ChoiceField(required=False, choices=[("", "Any record type")])
    action = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any action"),
            ("create", "Create"),
            ("update", "Update"),
            ("delete", "Delete"),
        ],
    )
    date_from = forms.DateField(required=False, label="From", widget=DateInput())
    date_to = forms.DateField(required=False, label="To", widget=DateInput())

    def __init__(self, *args: Any, record_types: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "record_type",
            "Any record type",
            sorted(
                ((name, record_type_label(name)) for name in record_types or []),
                key=lambda choice: choice[1].lower(),
            ),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: dt.date | None = cleaned.get("date_from")
        end: dt.date | None = cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "the end date is before the start date")
        return cleaned


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What the token is for, e.g. “reporting notebook”.",
    )
