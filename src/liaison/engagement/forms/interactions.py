"""The interaction form, read from what was typed.

The form's state is a plain dict of its fields as typed (``typed``): a string
per field, a list of ids for the pickers and the therapeutic areas, and the
inline insights and follow-ups as ``insights-<n>-statement``,
``insights-<n>-category``, ``follow_ups-<n>-description``, ``follow_ups-<n>-due``.
The same dict is what a draft keeps, so a draft reopened restores every field.

:func:`parse` turns ``typed`` into the service's
:class:`~liaison.engagement.services.data.InteractionData` and the reasons of
what it cannot read (a date that is no date, an unknown HCP), by form field;
the rules are the service's. :func:`form_errors` puts the service's errors
(``insights.1.statement``) beside the form's fields (``insights-<n>-statement``).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.models import (
    Channel,
    InsightCategory,
    Interaction,
    InteractionKind,
    Meeting,
)
from liaison.engagement.services.data import FollowUpData, InsightData, InteractionData
from liaison.lib.api import MAX_INTEGER
from liaison.literature.models import Publication
from liaison.trials.models import Trial

#: Fields holding several ids.
MULTI = ("hcps", "therapeutic_areas", "products", "publications", "trials")
#: Plain text fields, copied as typed.
TEXT = (
    "occurred_at",
    "time_zone",
    "duration_minutes",
    "other_attendees",
    "channel",
    "kind",
    "location",
    "meeting_link",
    "topics",
    "materials",
    "notes",
    "outcome",
    "unsolicited",
    "unsolicited_requested_by",
    "unsolicited_how",
    "meeting",
    "reason",
)
INLINE = re.compile(r"^(insights|follow_ups)-(\d{1,3})-(statement|category|description|due)$")
#: Form names the draft does not keep (the form's own machinery).
NOT_KEPT = ("csrfmiddlewaretoken", "draft", "next")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

LABELS = {
    "occurred_at": "When",
    "time_zone": "Time zone",
    "duration_minutes": "Duration (minutes)",
    "hcps": "HCPs who attended",
    "other_attendees": "Other attendees",
    "channel": "Channel",
    "kind": "Kind",
    "location": "Location",
    "meeting_link": "Meeting link",
    "therapeutic_areas": "Therapeutic areas",
    "products": "Products discussed",
    "topics": "Topics",
    "publications": "Publications discussed",
    "trials": "Trials discussed",
    "materials": "Materials used",
    "notes": "Notes",
    "outcome": "Outcome",
    "unsolicited": "The HCP asked unprompted (unsolicited request)",
    "unsolicited_requested_by": "Who asked",
    "unsolicited_how": "How they asked",
    "reason": "Reason for the amendment",
    "meeting": "Planned meeting",
    "statement": "Insight",
    "category": "Category",
    "description": "What was promised",
    "due": "Due",
}


def typed_from(query: QueryDict) -> dict[str, Any]:
    """The form's fields as typed, from a POST (or a draft's save request)."""
    typed: dict[str, Any] = {}
    for name in query:
        if name in NOT_KEPT:
            continue
        if name in MULTI:
            typed[name] = [value for value in query.getlist(name) if value.strip()]
        elif name in TEXT or INLINE.match(name):
            typed[name] = query.get(name, "")
    return typed


def inline_rows(typed: dict[str, Any], kind: str) -> list[tuple[int, dict[str, str]]]:
    """The inline rows of ``kind`` (``insights``, ``follow_ups``) as (form index, fields)."""
    rows: dict[int, dict[str, str]] = {}
    for name, value in typed.items():
        match = INLINE.match(name)
        if match and match.group(1) == kind:
            rows.setdefault(int(match.group(2)), {})[match.group(3)] = str(value)
    return sorted(rows.items())


def _ids(values: Any) -> tuple[list[int], bool]:
    ids, bad = [], False
    for value in values if isinstance(values, list) else [values]:
        text = str(value).strip()
        if text.isdigit() and len(text) < 12:
            ids.append(int(text))
        elif text:
            bad = True
    return ids, bad


def _records(model: type[Any], values: Any) -> tuple[list[Any], str | None]:
    ids, bad = _ids(values)
    found = {record.pk: record for record in model._default_manager.filter(pk__in=ids)}
    records = [found[pk] for pk in dict.fromkeys(ids) if pk in found]
    if bad or len(records) < len(set(ids)):
        return records, f"pick {model._meta.verbose_name_plural} from the list (one is unknown)"
    return records, None


def zone_of(typed: dict[str, Any]) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(str(typed.get("time_zone") or settings.TIME_ZONE))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def parse_when(text: str, zone: zoneinfo.ZoneInfo | None) -> dt.datetime | None:
    value = (text or "").strip()
    for pattern in (DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            naive = dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
        return naive.replace(tzinfo=zone or dt.UTC)
    return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _words(text: str) -> list[str]:
    return [word.strip() for word in re.split(r"[,;\n]", text or "") if word.strip()]


@dataclass
class Parsed:
    data: InteractionData
    errors: dict[str, str] = field(default_factory=dict)
    #: Position in ``data["insights"]`` -> form index (and the same for follow-ups).
    insight_rows: list[int] = field(default_factory=list)
    follow_up_rows: list[int] = field(default_factory=list)
    reason: str = ""


def parse(typed: dict[str, Any], *, user: User, with_inline: bool = True) -> Parsed:
    """``typed`` as the service's input, and what could not be read, by form field."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    zone = zone_of(typed)
    data["time_zone"] = str(typed.get("time_zone") or settings.TIME_ZONE).strip()
    when_text = str(typed.get("occurred_at", ""))
    when = parse_when(when_text, zone)
    if when is None:
        errors["occurred_at"] = (
            "give the date and time it happened"
            if not when_text.strip()
            else f"“{when_text}” is not a date and time (use the date picker)"
        )
    else:
        data["occurred_at"] = when
    duration = str(typed.get("duration_minutes", "")).strip()
    if duration:
        if duration.isdigit() and 0 < int(duration) <= 24 * 60:
            data["duration_minutes"] = int(duration)
        else:
            errors["duration_minutes"] = "give a number of minutes (at most a day)"
    for name, model in (
        ("hcps", HCP),
        ("therapeutic_areas", TherapeuticArea),
        ("products", Product),
        ("publications", Publication),
        ("trials", Trial),
    ):
        records, problem = _records(model, typed.get(name, []))
        data[name] = records
        if problem:
            errors[name] = problem
    for name in ("channel", "kind", "location", "meeting_link", "materials", "notes", "outcome"):
        data[name] = str(typed.get(name, "")).strip()
    data["other_attendees"] = _lines(str(typed.get("other_attendees", "")))
    data["topics"] = _words(str(typed.get("topics", "")))
    unsolicited = str(typed.get("unsolicited", "")).strip()
    data["unsolicited"] = True if unsolicited in ("on", "true", "1", "yes") else None
    data["unsolicited_requested_by"] = str(typed.get("unsolicited_requested_by", "")).strip()
    data["unsolicited_how"] = str(typed.get("unsolicited_how", "")).strip()
    meeting_id = str(typed.get("meeting", "")).strip()
    if meeting_id:
        meeting = (
            Meeting.objects.filter(pk=int(meeting_id)).first() if meeting_id.isdigit() else None
        )
        if meeting is None:
            errors["meeting"] = "this planned meeting no longer exists"
        else:
            data["meeting"] = meeting
    parsed = Parsed(data=data, errors=errors, reason=str(typed.get("reason", "")).strip())  # type: ignore[arg-type]
    if with_inline:
        _parse_inline(typed, parsed)
    return parsed


def _parse_inline(typed: dict[str, Any], parsed: Parsed) -> None:
    categories = {
        category.code: category for category in InsightCategory.objects.filter(active=True)
    }
    by_id = {str(category.pk): category for category in categories.values()}
    insights: list[InsightData] = []
    for index, row in inline_rows(typed, "insights"):
        statement = row.get("statement", "").strip()
        code = row.get("category", "").strip()
        if not statement and not code:
            continue
        item: dict[str, Any] = {"statement": statement}
        category = categories.get(code) or by_id.get(code)
        if category is not None:
            item["category"] = category
        else:
            parsed.errors[f"insights-{index}-category"] = "choose a category"
        insights.append(item)  # type: ignore[arg-type]
        parsed.insight_rows.append(index)
    follow_ups: list[FollowUpData] = []
    for index, row in inline_rows(typed, "follow_ups"):
        description = row.get("description", "").strip()
        due_text = row.get("due", "").strip()
        if not description and not due_text:
            continue
        fu: dict[str, Any] = {"description": description}
        try:
            fu["due"] = dt.date.fromisoformat(due_text)
        except ValueError:
            parsed.errors[f"follow_ups-{index}-due"] = (
                "give the date it is due" if not due_text else f"“{due_text}” is not a date"
            )
        follow_ups.append(fu)  # type: ignore[arg-type]
        parsed.follow_up_rows.append(index)
    parsed.data["insights"] = insights
    parsed.data["follow_ups"] = follow_ups


def form_errors(details: dict[str, str], parsed: Parsed) -> dict[str, str]:
    """The service's errors by form field: ``insights.1.statement`` is the second
    insight given, whatever its index in the form."""
    errors: dict[str, str] = {}
    for key, reason in details.items():
        parts = key.split(".")
        if len(parts) >= 2 and parts[0] in ("insights", "follow_ups") and parts[1].isdigit():
            rows = parsed.insight_rows if parts[0] == "insights" else parsed.follow_up_rows
            position = int(parts[1])
            index = rows[position] if position < len(rows) else position
            name = (
                parts[2]
                if len(parts) > 2
                else ("statement" if parts[0] == "insights" else "description")
            )
            errors[f"{parts[0]}-{index}-{name}"] = reason
        else:
            errors[key] = reason
    return errors


def label_of(name: str) -> str:
    match = INLINE.match(name)
    if match:
        return LABELS.get(match.group(3), match.group(3))
    return LABELS.get(name, name.replace("_", " ").capitalize())


# --- the initial state ------------------------------------------------------------------


def now_in(zone_name: str) -> str:
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return timezone.now().astimezone(zone).strftime(DATETIME_FORMAT)


def typed_for_new(
    *,
    channel: str,
    kind: str,
    therapeutic_area_ids: Iterable[int],
    time_zone: str = "",
    hcp: HCP | None = None,
    meeting: Meeting | None = None,
) -> dict[str, Any]:
    """A new form: now, the MSL's last channel and kind, their therapeutic areas;
    the HCP of the profile it came from; a planned meeting's time, attendees, place."""
    zone_name = time_zone or settings.TIME_ZONE
    typed: dict[str, Any] = {
        "occurred_at": now_in(zone_name),
        "time_zone": time_zone,
        "channel": channel,
        "kind": kind,
        "therapeutic_areas": [str(pk) for pk in therapeutic_area_ids],
        "hcps": [str(hcp.pk)] if hcp is not None else [],
    }
    if meeting is not None:
        zone = meeting.time_zone or zone_name
        try:
            local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            local = meeting.starts_at
        typed.update(
            {
                "occurred_at": local.strftime(DATETIME_FORMAT),
                "time_zone": zone,
                "hcps": [str(pk) for pk in meeting.hcps.values_list("pk", flat=True)],
                "other_attendees": "\n".join(str(name) for name in meeting.other_attendees or []),
                "location": meeting.location,
                "meeting_link": meeting.meeting_link,
                "meeting": str(meeting.pk),
            }
        )
        if meeting.meeting_link:
            typed["channel"] = Channel.VIRTUAL
    return typed


def typed_for_edit(interaction: Interaction) -> dict[str, Any]:
    """An interaction as the form shows it."""
    try:
        zone = zoneinfo.ZoneInfo(interaction.time_zone)
        local = interaction.occurred_at.astimezone(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        local = interaction.occurred_at
    return {
        "occurred_at": local.strftime(DATETIME_FORMAT),
        "time_zone": interaction.time_zone,
        "duration_minutes": str(interaction.duration_minutes or ""),
        "hcps": [str(record.pk) for record in interaction.hcps.all()],
        "other_attendees": "\n".join(str(name) for name in interaction.other_attendees or []),
        "channel": interaction.channel,
        "kind": interaction.kind,
        "location": interaction.location,
        "meeting_link": interaction.meeting_link,
        "therapeutic_areas": [str(record.pk) for record in interaction.therapeutic_areas.all()],
        "products": [str(record.pk) for record in interaction.products.all()],
        "topics": ", ".join(str(topic) for topic in interaction.topics or []),
        "publications": [str(record.pk) for record in interaction.publications.all()],
        "trials": [str(record.pk) for record in interaction.trials.all()],
        "materials": interaction.materials,
        "notes": interaction.notes,
        "outcome": interaction.outcome,
        "unsolicited": "on" if interaction.unsolicited else "",
        "unsolicited_requested_by": interaction.unsolicited_requested_by,
        "unsolicited_how": interaction.unsolicited_how,
    }


def picked(typed: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The records the pickers hold, with their labels (one query per picker)."""
    result: dict[str, list[dict[str, Any]]] = {}
    for name, model in (
        ("hcps", HCP),
        ("products", Product),
        ("publications", Publication),
        ("trials", Trial),
    ):
        ids, _ = _ids(typed.get(name, []))
        records = {record.pk: record for record in model._default_manager.filter(pk__in=ids)}
        items = []
        for pk in dict.fromkeys(ids):
            record = records.get(pk)
            if record is None:
                continue
            if isinstance(record, HCP):
                label = record.display_name
            elif isinstance(record, Publication):
                label = f"{record.title[:120]} (PMID {record.pmid})"
            elif isinstance(record, Trial):
                label = f"{record.nct_id}: {record.brief_title[:120]}"
            else:
                label = str(record)
            items.append({"id": pk, "label": label})
        result[name] = items
    return result


#: At most this many products in the list's product filter (plus the one chosen): the
#: select does not grow with the directory.
PRODUCT_CHOICES = 300


class FilterForm(forms.Form):
    """The interaction list's filters."""

    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Any channel"), *Channel.choices]
    )
    # Bounded: a number beyond 64 bits would overflow the database's integer.
    hcp = forms.IntegerField(
        label="HCP", required=False, min_value=1, max_value=MAX_INTEGER, widget=forms.HiddenInput
    )
    msl = forms.TypedChoiceField(label="MSL", required=False, coerce=int, empty_value=None)
    product = forms.TypedChoiceField(
        label="Product discussed",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Among the interactions whose content you read.",
    )

    def __init__(self, *args: Any, msls: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        msl_field = self.fields["msl"]
        product_field = self.fields["product"]
        assert isinstance(msl_field, forms.ChoiceField)
        assert isinstance(product_field, forms.ChoiceField)
        msl_field.choices = [("", "Any MSL"), *msls]
        products = Product.objects.order_by("name").values_list("pk", "name")
        offered = list(products[:PRODUCT_CHOICES])
        # A product further down (from a link) is offered too, so its filter holds.
        wanted = str(self.data.get("product") or "")
        if wanted.isdigit() and len(wanted) < 19 and all(str(pk) != wanted for pk, _ in offered):
            offered.extend(products.filter(pk=int(wanted)))
        product_field.choices = [("", "Any product"), *offered]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "the end of the range comes before its start")
        return data


CHANNELS = Channel.choices
KINDS = InteractionKind.choices
