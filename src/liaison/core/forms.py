"""Forms of the core pages: sign-in, audit search, API tokens. They parse input;
the rules live in services and the policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from liaison.core.models import ApiToken
from liaison.lib.forms import DateInput, set_choices


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the autocomplete hints password managers use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


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
            self, "record_type", "Any record type", ((name, name) for name in record_types or [])
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
