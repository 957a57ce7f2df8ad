"""What the forms of every app share: widgets, the filter bar's marks, choices
set at run time, and domain errors shown beside the fields they name.

Forms parse input; the rules are the services' and the policy's. A service
refuses with a :class:`~liaison.core.errors.LiaisonError`, and the view shows
it with :func:`add_liaison_error`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from liaison.core.errors import LiaisonError
from liaison.lib.labels import humanize


class SearchInput(forms.TextInput):
    """A text box for search words (``type="search"``: a clear button, the search key)."""

    input_type = "search"


class DateInput(forms.DateInput):
    """The browser's date picker; values travel as ISO dates (``2024-05-17``)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def mark_filter_selects(form: forms.Form) -> None:
    """Mark a filter bar's selects: htmx re-runs the search on their ``change`` only,
    not on the text box's (which already searched as it was typed)."""
    for field in form.fields.values():
        if isinstance(field, forms.ChoiceField):
            field.widget.attrs["data-filter"] = ""


def set_choices(form: forms.Form, name: str, blank: str, choices: Iterable[Any]) -> None:
    """Give the choice field ``name`` its ``choices`` (known only when the form is
    built, e.g. the countries in the data), after a blank choice labelled ``blank``."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = [("", blank), *choices]


def add_liaison_error(form: forms.BaseForm, error: LiaisonError) -> None:
    """Show a domain error next to the fields it names, and the rest above the form.

    Every field the error names gets its reason at once. A reason for a field
    the form has goes beside that field (without a leading ``"npi: "``: the
    place says which field); a record-wide reason (``"__all__"``) or one for a
    field the form lacks goes above the form, the latter prefixed with the
    field's label so it still says where.
    """
    if not error.details:
        form.add_error(None, error.message)
        return
    for field, reason in error.details.items():
        if field in form.fields:
            form.add_error(field, _without_name(field, reason))
        elif field == "__all__":
            form.add_error(None, reason)
        else:
            form.add_error(None, f"{humanize(field)}: {_without_name(field, reason)}")


def add_field_problems(form: forms.BaseForm, error: LiaisonError | None) -> None:
    """Add a service's reasons (:func:`add_liaison_error`) for the fields the form
    could read, beside its own reasons for the others: called from a form's
    ``clean()`` when some fields were refused, so one submission shows every
    field to correct, not the form's reasons first and the service's next time."""
    if error is None:
        return
    for field, reason in error.details.items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, _without_name(field, reason))


def _without_name(field: str, reason: str) -> str:
    prefix = f"{field}: "
    return reason[len(prefix) :] if reason.startswith(prefix) else reason
