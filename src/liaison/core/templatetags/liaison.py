"""Template helpers shared by every app: history links, audited values, country,
region and language names, labels of codes, count labels, and the panels other
apps show on a record's page (``{% record_panels record %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from liaison.core import audit_display, registry
from liaison.lib import countries, labels, languages

register = template.Library()


@register.simple_tag
def history_url(instance: models.Model) -> str:
    """The URL of ``instance``'s audit history page."""
    return reverse("core:record-history", args=[instance._meta.label_lower, instance.pk])


@register.simple_tag(takes_context=True)
def record_panels(context: template.Context, record: models.Model) -> SafeString:
    """The panels other apps show on ``record``'s page (``record_panels`` in their
    ``apps.py``), each rendered with its context for the signed-in user; a
    lower layer's page names no app above it."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    parts = []
    for panel in registry.record_panels(record._meta.label):
        data = import_string(panel.context)(user, record)
        if data is None:
            continue
        parts.append(
            render_to_string(
                panel.template, {"panel": data, "record": record, "user": user}, request=request
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, autoescaped


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
def country_name(value: str) -> str:
    """A country by code or by a registry's name, as the directory names it:
    ``"DE"`` -> ``"Germany"``, ``"Turkey"`` -> ``"Türkiye"`` (:mod:`liaison.lib.countries`);
    an unknown value is shown as given."""
    return countries.display(value or "")


@register.filter
def region_name(code: str) -> str:
    """``"US-FL"`` -> ``"Florida"``; an unknown code is shown as given."""
    return countries.region_name(code or "")


@register.filter
def language_names(codes: Any) -> str:
    """Language codes (``["de", "en"]`` or ``"eng"``) as names: ``"German, English"``."""
    if not codes:
        return ""
    items = [codes] if isinstance(codes, str) else codes
    return ", ".join(languages.name(str(code)) for code in items)


@register.filter
def record_type_label(record_type: str) -> str:
    """An audited record's type as a person reads it: ``"directory.hcp"`` -> ``"HCP"``."""
    return audit_display.record_type_label(str(record_type or ""))


@register.filter
def code_label(code: str) -> str:
    """A stored code nobody labelled, as words: ``"pubmed-load"`` -> ``"PubMed load"``."""
    return labels.humanize(str(code or ""))


@register.filter
def join_list(values: Any, separator: str = ", ") -> str:
    if not values:
        return ""
    return separator.join(str(value) for value in values)


@register.filter
def count_label(name: str) -> str:
    """A job's count key as a label: ``"status_changes"`` -> ``"Status changes"``."""
    return capfirst(" ".join(str(name).replace("_", " ").replace("-", " ").split()))
