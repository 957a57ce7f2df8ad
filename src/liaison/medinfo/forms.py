"""Web forms of medical information: they parse what was typed into the services'
typed input (:mod:`liaison.medinfo.services.data`); the rules (off-label and its
attestation, who may answer, what may be sent) are the services'. A service's
refusal is shown beside the fields it names (:func:`show_refusal`).

A date and time is typed in the user's own time zone, as engagement's interaction
form reads it: a form with one (:class:`ZonedForm`) carries the browser's IANA time
zone in a hidden ``time_zone`` field (``medinfo/time_zone.js`` fills it), and reads
its :class:`LocalDateTimeField` values in that zone; without one, in the server's.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from liaison.core.errors import LiaisonError
from liaison.core.models import Role, User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.models import Interaction
from liaison.lib import countries
from liaison.lib.clocks import format_day
from liaison.lib.forms import DateInput, add_liaison_error, mark_filter_selects
from liaison.medinfo.models import (
    DeliveryMethod,
    InquiryChannel,
    InquiryStatus,
    Priority,
    ResponseVersion,
)
from liaison.medinfo.services.data import (
    InquiryData,
    ReferenceData,
    StandardResponseData,
    VersionData,
)

#: How the browser's date-and-time picker sends its value.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
#: A service's place of one reference's part: ``references.1.pmid``.
_REFERENCE_PLACE = re.compile(r"^references\.(\d+)(?:\.(\w+))?$")


#: What a typed date and time may look like (the picker's first).
DATETIME_INPUT_FORMATS = (DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (in the form's time zone: :class:`ZonedForm`)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)


def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA time zone ``name`` (``Europe/Berlin``), or None when there is none such."""
    try:
        return zoneinfo.ZoneInfo(name.strip()) if name.strip() else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def server_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def in_zone(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The wall-clock time ``value`` in ``zone``, as an aware datetime. A time the
    clocks skipped (02:30 on the night they go forward) is refused with a sentence; a
    time they passed twice (the night they go back) is the first of the two, as
    engagement's interaction form reads it. The moment is given in UTC."""
    # In UTC: Python never finds a local time the clocks passed twice equal to another.
    aware = value.replace(tzinfo=zone).astimezone(dt.UTC)
    if aware.astimezone(zone).replace(tzinfo=None) != value:
        raise ValidationError(
            f"{value:%d %b %Y, %H:%M} did not happen in {zone.key} (the clocks went forward "
            "then): give the time after the change",
            code="nonexistent",
        )
    return aware


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed, read without a zone here: :class:`ZonedForm` puts
    it in the form's time zone. An initial value is shown in :attr:`zone`."""

    zone: zoneinfo.ZoneInfo | None = None

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value
        text = str(value).strip()
        for pattern in DATETIME_INPUT_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern)
            except ValueError:
                continue
        raise ValidationError(
            f"“{text[:40]}” is not a date and time: use the date picker", code="invalid"
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone or server_zone()).replace(tzinfo=None)
        return value


def _datetime_field(label: str, help_text: str = "") -> LocalDateTimeField:
    return LocalDateTimeField(
        label=label, required=False, widget=DateTimeInput(), help_text=help_text
    )


class ZonedForm(forms.Form):
    """A form whose dates and times are typed in the browser's time zone.

    The hidden ``time_zone`` is the browser's (filled by ``medinfo/time_zone.js``
    while empty). ``time_zone=`` names the zone the initial values are shown in (an
    interaction's, for an inquiry taken from it); a form showing one sends it back,
    so a time shown is read in the zone it was shown in. An empty zone (a browser
    without scripts) is the server's."""

    time_zone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}),
    )

    def __init__(self, *args: Any, time_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = zone_named(time_zone)
        shown = named or server_zone()
        shows_a_time = False
        for name, field in self.fields.items():
            if isinstance(field, LocalDateTimeField):
                field.zone = shown
                shows_a_time = shows_a_time or bool(self.initial.get(name))
        if named is not None or shows_a_time:
            self.initial = {**self.initial, "time_zone": shown.key}
        #: The zone the typed times were read in, once the form is valid.
        self.zone: zoneinfo.ZoneInfo = shown

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = str(cleaned.get("time_zone") or "").strip()
        zone = zone_named(name) if name else server_zone()
        if zone is None:
            self.add_error(
                None,
                f"Time zone: “{name[:64]}” is not a time zone; reload the page and enter "
                "the date and time again",
            )
            return cleaned
        self.zone = zone
        for field_name, field in self.fields.items():
            value = cleaned.get(field_name)
            if not isinstance(field, LocalDateTimeField) or not isinstance(value, dt.datetime):
                continue
            if timezone.is_naive(value):
                try:
                    cleaned[field_name] = in_zone(value, zone)
                except ValidationError as error:
                    self.add_error(field_name, error)
        return cleaned

    def zone_for_service(self) -> InquiryData:
        """The inquiry's ``time_zone``: the one the form was sent with (its times were
        read there); none when it came without (the service's default)."""
        if not str(self.cleaned_data.get("time_zone") or "").strip():
            return {}
        return {"time_zone": self.zone.key}

    @property
    def browser_zone(self) -> str:
        """The time zone the browser sent (valid), else ``""``."""
        if not self.is_bound:
            return ""
        name = str(self.data.get(self.add_prefix("time_zone"), "")).strip()
        return name if zone_named(name) is not None else ""


def _choices(blank: str, choices: Any) -> list[tuple[str, str]]:
    return [("", blank), *((str(value), str(label)) for value, label in choices)]


def medical_information_users() -> QuerySet[User]:
    """Who an inquiry can be given to (the service refuses anyone else)."""
    return User.objects.filter(is_active=True, role=Role.MEDICAL_INFORMATION).order_by(
        "first_name", "last_name", "username"
    )


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class ProductChoiceField(forms.ModelChoiceField[Product]):
    def label_from_instance(self, obj: Product) -> str:
        return obj.name if obj.is_own else f"{obj.name} ({obj.company})"


def show_refusal(form: forms.BaseForm, error: LiaisonError) -> None:
    """``error``'s reasons beside the fields it names; a reference's part
    (``references.1.pmid``) beside the references, as "line 2, PMID: ..."."""
    details: dict[str, str] = {}
    for field, reason in (error.details or {}).items():
        match = _REFERENCE_PLACE.match(field)
        if match and "references" in form.fields:
            part = {"pmid": "PMID", "doi": "DOI", "citation": "citation"}.get(
                match.group(2) or "", match.group(2) or ""
            )
            place = f"line {int(match.group(1)) + 1}" + (f", {part}" if part else "")
            prefix = f"{field}: "
            reason = reason.removeprefix(prefix)
            details["references"] = "; ".join(
                filter(None, [details.get("references"), f"{place}: {reason}"])
            )
        else:
            details[field] = reason
    if not details:
        form.add_error(None, error.message)
        return
    add_liaison_error(form, LiaisonError(error.message, details=details))


# --- the queue ---------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Open"), *InquiryStatus.choices, ("all", "Any status")],
    )
    priority = forms.ChoiceField(required=False, choices=_choices("Any priority", Priority.choices))
    product = ProductChoiceField(
        queryset=Product.objects.order_by("name"), required=False, empty_label="Any product"
    )
    breached = forms.ChoiceField(
        required=False,
        label="Turnaround",
        choices=[("", "Breached or not"), ("yes", "Breached"), ("no", "Not breached")],
    )
    mine = forms.BooleanField(required=False, label="Assigned to me")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mark_filter_selects(self)
        self.fields["mine"].widget.attrs["data-filter"] = ""

    def filters(self) -> dict[str, Any]:
        """The valid filters (a wrong value is shown beside its field, the others filter)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        breached = {"yes": True, "no": False}.get(str(data.get("breached") or ""))
        return {
            "status": data.get("status") or None,
            "priority": data.get("priority") or None,
            "product": data.get("product"),
            "breached": breached,
            "mine": bool(data.get("mine")),
        }


# --- intake ------------------------------------------------------------------------


class InquiryForm(ZonedForm):
    """An inquiry as typed: the requester (an HCP picked, or another person), the
    question, what it is about, and the unsolicited attestation."""

    interaction = forms.ModelChoiceField(
        queryset=Interaction.objects.all(), required=False, widget=forms.HiddenInput
    )
    requester_hcp = forms.ModelChoiceField(
        queryset=HCP.objects.none(), required=False, label="HCP who asked"
    )
    requester_name = forms.CharField(
        label="Name", required=False, max_length=200, help_text="When the requester is not an HCP"
    )
    requester_organization = forms.CharField(label="Organisation", required=False, max_length=300)
    requester_email = forms.CharField(label="E-mail", required=False, max_length=254)
    requester_phone = forms.CharField(label="Phone", required=False, max_length=40)
    requester_address = forms.CharField(
        label="Postal address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requester_country = forms.ChoiceField(
        label="Country",
        required=False,
        help_text="Its labels and public holidays apply (an HCP's comes from the directory)",
    )
    channel = forms.ChoiceField(
        label="Came in by", required=False, choices=_choices("Choose…", InquiryChannel.choices)
    )
    received_at = _datetime_field("Received", "Date and time; empty means now")
    question = forms.CharField(
        label="Question as asked",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Verbatim: the requester's own words",
    )
    product = ProductChoiceField(
        queryset=Product.objects.order_by("name"), required=False, empty_label="No product"
    )
    indication = forms.CharField(
        required=False,
        max_length=300,
        help_text=(
            "The condition or use asked about, e.g. first-line metastatic NSCLC; with a "
            "product, this or the therapeutic area is needed to tell on- from off-label"
        ),
    )
    therapeutic_area = forms.ModelChoiceField(
        queryset=TherapeuticArea.objects.order_by("name"),
        required=False,
        empty_label="Not said",
    )
    topic = forms.CharField(required=False, max_length=120, help_text="e.g. dosing, safety")
    delivery_method = forms.ChoiceField(
        label="Answer by", choices=DeliveryMethod.choices, initial=DeliveryMethod.EMAIL
    )
    signature_copy = forms.BooleanField(label="A signed copy is requested", required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    unsolicited_requested_by = forms.CharField(label="Asked by", required=False, max_length=200)
    unsolicited_requested_at = _datetime_field("Asked on")
    unsolicited_how = forms.CharField(
        label="How it was asked",
        required=False,
        max_length=300,
        help_text="Unprompted, and by which means (after a talk, by e-mail, ...)",
    )
    unsolicited_words = forms.CharField(
        label="In the requester's words", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    forward = forms.BooleanField(
        label="Hand it to medical information now",
        required=False,
        initial=True,
        help_text="Unticked, it stays with you until you forward it",
    )

    def __init__(self, *args: Any, hcps: QuerySet[HCP], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[HCP], self.fields["requester_hcp"]).queryset = hcps
        country = cast(forms.ChoiceField, self.fields["requester_country"])
        country.choices = _choices("Choose a country", countries.choices())

    def data_for_service(self) -> InquiryData:
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data.get(name)
            for name in ("interaction", "requester_hcp", "product", "therapeutic_area")
        }
        for name in (
            "requester_name",
            "requester_organization",
            "requester_email",
            "requester_phone",
            "requester_address",
            "requester_country",
            "question",
            "indication",
            "topic",
            "delivery_method",
            "priority",
            "unsolicited_requested_by",
            "unsolicited_how",
            "unsolicited_words",
        ):
            values[name] = str(data.get(name) or "").strip()
        values["signature_copy"] = bool(data.get("signature_copy"))
        values["unsolicited_requested_at"] = data.get("unsolicited_requested_at")
        # Empty: the service's defaults (the interaction's time or now; the field channel).
        for name in ("received_at", "channel"):
            if data.get(name):
                values[name] = data[name]
        values.update(self.zone_for_service())
        return cast(InquiryData, values)


class LabelCheckForm(forms.Form):
    """What the live on- or off-label notice reads (the intake form's own fields)."""

    requester_hcp = forms.IntegerField(required=False)
    requester_country = forms.CharField(required=False, max_length=2)
    product = forms.IntegerField(required=False)
    therapeutic_area = forms.IntegerField(required=False)
    indication = forms.CharField(required=False, max_length=300)


# --- actions on an inquiry ---------------------------------------------------------


class ForwardForm(forms.Form):
    to_user = UserChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="To",
        empty_label="Medical information (whoever is free)",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UserChoiceField, self.fields["to_user"]).queryset = medical_information_users()


class AssignForm(forms.Form):
    to_user = UserChoiceField(
        queryset=User.objects.none(), label="Assign to", empty_label="Choose who works it"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UserChoiceField, self.fields["to_user"]).queryset = medical_information_users()


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the priority changes (kept in the history); the due day is computed again",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(ZonedForm):
    """A follow-up question of the same requester; an off-label one is attested again."""

    question = forms.CharField(
        label="Follow-up question as asked",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    unsolicited_requested_by = forms.CharField(label="Asked by", required=False, max_length=200)
    unsolicited_requested_at = _datetime_field("Asked on")
    unsolicited_how = forms.CharField(label="How it was asked", required=False, max_length=300)
    unsolicited_words = forms.CharField(
        label="In the requester's words", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def data_for_service(self) -> InquiryData:
        data = self.cleaned_data
        values: InquiryData = {}
        for name in ("unsolicited_requested_by", "unsolicited_how", "unsolicited_words"):
            text = str(data.get(name) or "").strip()
            if text:
                values[name] = text
        if data.get("unsolicited_requested_at"):
            values["unsolicited_requested_at"] = data["unsolicited_requested_at"]
        values.update(self.zone_for_service())
        return values


class VersionChoiceField(forms.ModelChoiceField[ResponseVersion]):
    def label_from_instance(self, obj: ResponseVersion) -> str:
        owner = obj.standard.code if obj.standard is not None else "Custom response"
        expiry = f", approved until {format_day(obj.expires_on)}" if obj.expires_on else ""
        return f"{owner} version {obj.number}: {obj.title}{expiry}"


class AnswerForm(forms.Form):
    version = VersionChoiceField(
        queryset=ResponseVersion.objects.none(),
        widget=forms.RadioSelect,
        label="Response to send",
        empty_label=None,
    )
    cover_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: a line for the cover letter",
    )

    def __init__(self, *args: Any, versions: QuerySet[ResponseVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(VersionChoiceField, self.fields["version"]).queryset = versions


class DeliveryForm(ZonedForm):
    method = forms.ChoiceField(label="Delivered by", choices=DeliveryMethod.choices)
    delivered_at = _datetime_field("Delivered on", "Empty means now")
    note = forms.CharField(required=False, max_length=300)


# --- response documents ------------------------------------------------------------


def parse_references(text: str) -> list[ReferenceData]:
    """One reference a line: the citation, then ``| PMID 123`` or ``| DOI 10.x/y``
    when it has them (a bare number is a PMID, ``10.…`` a DOI); the service checks them.

    >>> parse_references("Smith J. Lancet. 2020. | PMID 123 | DOI 10.1/x")
    [{'citation': 'Smith J. Lancet. 2020.', 'pmid': '123', 'doi': '10.1/x'}]
    """
    references: list[ReferenceData] = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not any(parts):
            continue
        reference: ReferenceData = {"citation": parts[0]}
        for part in parts[1:]:
            label, _, rest = part.partition(" ")
            if label.lower().rstrip(":") == "pmid":
                reference["pmid"] = rest.strip()
            elif label.lower().rstrip(":") == "doi":
                reference["doi"] = rest.strip()
            elif part.isdigit():
                reference["pmid"] = part
            elif part:
                reference["doi"] = part
        references.append(reference)
    return references


def references_text(references: list[dict[str, str]]) -> str:
    """The references as the form shows them (see :func:`parse_references`)."""
    lines = []
    for item in references:
        parts = [item.get("citation", "")]
        if item.get("pmid"):
            parts.append(f"PMID {item['pmid']}")
        if item.get("doi"):
            parts.append(f"DOI {item['doi']}")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class StandardResponseForm(forms.Form):
    code = forms.CharField(max_length=40, help_text="The document's identifier, e.g. SRD-0012")
    title = forms.CharField(max_length=250)
    therapeutic_area = forms.ModelChoiceField(
        queryset=TherapeuticArea.objects.order_by("name"), required=False, empty_label="None"
    )
    products = forms.ModelMultipleChoiceField(
        queryset=Product.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.CharField(required=False, help_text="Separated by commas, e.g. dosing, renal")

    def data_for_service(self) -> StandardResponseData:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "title": data["title"],
            "therapeutic_area": data.get("therapeutic_area"),
            "products": list(data.get("products") or []),
            "topics": [word.strip() for word in str(data.get("topics") or "").split(",")],
        }


class VersionForm(forms.Form):
    title = forms.CharField(max_length=250, required=False)
    body = forms.CharField(
        label="Response",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Headings start with #, list items with -; a blank line between paragraphs",
    )
    references = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One a line: the citation, then | PMID 12345678 or | DOI 10.1000/xyz",
    )
    expires_on = forms.DateField(
        label="Approval expires on",
        required=False,
        widget=DateInput(),
        help_text="Can also be set by the approver",
    )

    @staticmethod
    def initial_for(version: ResponseVersion) -> dict[str, Any]:
        return {
            "title": version.title,
            "body": version.body,
            "references": references_text(version.references),
            "expires_on": version.expires_on,
        }

    def data_for_service(self) -> VersionData:
        data = self.cleaned_data
        values: VersionData = {
            "body": data.get("body") or "",
            "references": parse_references(data.get("references") or ""),
            "expires_on": data.get("expires_on"),
        }
        if (data.get("title") or "").strip():
            values["title"] = data["title"].strip()
        return values


class ReviewForm(forms.Form):
    """The approval's own field, beside the signature form (password, meaning, comment)."""

    expires_on = forms.DateField(
        label="Approval expires on",
        required=False,
        widget=DateInput(),
        help_text="For an approval: after today (empty keeps the version's own date)",
    )


# --- the turnaround report ---------------------------------------------------------


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last three months, this one included."""
    month = today.month - 2
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1), today


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The period asked for (its defaults: :func:`default_period`); an end
        before the start is shown beside the end."""
        start, end = default_period(today)
        if self.is_bound and self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
            if end < start:
                self.add_error("end", f"{format_day(end)} is before the start, {format_day(start)}")
                return default_period(today)
        return start, end
