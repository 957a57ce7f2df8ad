"""The meeting form: a date, start and end times and the IANA time zone they are
in, attendees (HCPs picked by type-ahead, others by name), place or link, agenda
and pre-reads picked from the library (by PMID or title). It parses into
:class:`~liaison.engagement.services.data.MeetingData`; the rules (end after
start, an attendee, an https link) are the service's."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.models import Meeting
from liaison.engagement.services.data import MeetingData
from liaison.lib.forms import DateInput, add_liaison_error
from liaison.literature.models import Publication

#: The service's fields told by the form's (a time is a date field and a time field here).
FORM_FIELD_OF = {"starts_at": "start_time", "ends_at": "end_time"}
#: The pickers' fields: the records chosen travel as hidden inputs of their ids.
PICKED = ("hcps", "pre_reads")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name for name in zoneinfo.available_timezones() if "/" in name and "Etc/" not in name
    )
    return [(name, name.replace("_", " ")) for name in [*names, "UTC"]]


def picked_label(record: HCP | Publication) -> str:
    """What a picker's chip shows for a chosen record (as the pick endpoints do)."""
    if isinstance(record, HCP):
        return record.display_name
    return f"{record.title[:160]} (PMID {record.pmid})"


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(widget=TimeInput(), label="Starts at")
    end_time = forms.TimeField(widget=TimeInput(), label="Ends at")
    end_date = forms.DateField(
        widget=DateInput(),
        required=False,
        label="End date",
        help_text="Only for a meeting that ends on a later day.",
    )
    time_zone = forms.ChoiceField(
        choices=(), label="Time zone", help_text="Where the meeting takes place."
    )
    hcps = forms.ModelMultipleChoiceField(
        queryset=HCP.objects.none(),
        required=False,
        label="HCPs",
        widget=forms.MultipleHiddenInput,
        help_text="Type a name or NPI.",
    )
    other_attendees = forms.CharField(
        required=False,
        label="Other attendees",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One name per line.",
    )
    location = forms.CharField(max_length=300, required=False, label="Place")
    meeting_link = forms.CharField(
        max_length=500,
        required=False,
        label="Meeting link",
        help_text="An https:// address (Zoom, Teams, WebEx...).",
    )
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    pre_reads = forms.ModelMultipleChoiceField(
        queryset=Publication.objects.none(),
        required=False,
        label="Pre-reads",
        widget=forms.MultipleHiddenInput,
        help_text="Publications of the library: type a PMID or words of the title.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, model in (("hcps", HCP), ("pre_reads", Publication)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = policy.scope(user, "view", model)
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = time_zone_choices()

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
        return {
            "title": meeting.title,
            "date": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "end_date": ends.date() if ends.date() != starts.date() else None,
            "time_zone": meeting.time_zone,
            "hcps": list(meeting.hcps.all()),
            "other_attendees": "\n".join(meeting.other_attendees),
            "location": meeting.location,
            "meeting_link": meeting.meeting_link,
            "agenda": meeting.agenda,
            "pre_reads": list(meeting.pre_reads.all()),
        }

    def picked(self) -> dict[str, list[dict[str, Any]]]:
        """The chosen HCPs and pre-reads as the pickers' chips show them (id and
        label), in the order chosen: what was posted, else the initial values."""
        chosen: dict[str, list[dict[str, Any]]] = {}
        for name in PICKED:
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            if self.is_bound:
                raw = [str(value) for value in self.posted_values(name)]
            else:
                raw = [str(getattr(item, "pk", item)) for item in self.initial.get(name, [])]
            ids = [int(value) for value in dict.fromkeys(raw) if value.isdigit()][:200]
            ids = [pk for pk in ids if pk < 2**63]
            queryset = field.queryset
            assert queryset is not None
            records = {record.pk: record for record in queryset.filter(pk__in=ids)}
            chosen[name] = [
                {"id": pk, "label": picked_label(records[pk])} for pk in ids if pk in records
            ]
        return chosen

    def posted_values(self, name: str) -> list[Any]:
        """Every value posted for the field ``name`` (a picker posts one per record)."""
        getlist = getattr(self.data, "getlist", None)
        return list(getlist(self.add_prefix(name))) if getlist is not None else []

    def data_for_service(self) -> MeetingData:
        data = self.cleaned_data
        start_day: dt.date = data["date"]
        end_day: dt.date = data.get("end_date") or start_day
        return MeetingData(
            title=data["title"],
            starts_at=dt.datetime.combine(start_day, data["start_time"]),
            ends_at=dt.datetime.combine(end_day, data["end_time"]),
            time_zone=data["time_zone"],
            location=data["location"],
            meeting_link=data["meeting_link"],
            hcps=list(data["hcps"]),
            other_attendees=[
                line.strip() for line in data["other_attendees"].splitlines() if line.strip()
            ],
            agenda=data["agenda"],
            pre_reads=list(data["pre_reads"]),
        )

    def add_service_error(self, error: LiaisonError) -> None:
        """The service's reasons beside the form's fields (its ``ends_at`` is ``end_time``)."""
        details = {
            FORM_FIELD_OF.get(field, field): reason for field, reason in error.details.items()
        }
        add_liaison_error(self, LiaisonError(error.message, details=details))


class MeetingFilterForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("upcoming", "Upcoming"), ("past", "Past"), ("all", "All")], required=False
    )
    scope = forms.ChoiceField(
        choices=[("mine", "Mine"), ("team", "My team's")], required=False, label="Whose"
    )

    def value(self, name: str, default: str) -> str:
        if self.is_valid():
            return str(self.cleaned_data.get(name) or default)
        return default
