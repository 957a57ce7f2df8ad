"""Template helpers shared by every app: history links, audited values, country names,
count labels."""

from __future__ import annotations

from typing import Any

import pycountry
from django import template
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst

register = template.Library()


@register.simple_tag
def history_url(instance: models.Model) -> str:
    """The URL of ``instance``'s audit history page."""
    return reverse("core:record-history", args=[instance._meta.label_lower, instance.pk])


@register.filter
def audit_value(value: Any) -> str:
    """An audited field value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(audit_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {audit_value(item)}" for key, item in value.items())
    return str(value)


@register.filter
def country_name(code: str) -> str:
    """``"DE"`` -> ``"Germany"``; an unknown code is shown as given."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


@register.filter
def join_list(values: Any, separator: str = ", ") -> str:
    if not values:
        return ""
    return separator.join(str(value) for value in values)


@register.filter
def count_label(name: str) -> str:
    """A job's count key as a label: ``"status_changes"`` -> ``"Status changes"``."""
    return capfirst(" ".join(str(name).replace("_", " ").replace("-", " ").split()))
