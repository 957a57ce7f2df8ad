"""The meeting form: a date, start and end times and the IANA time zone they are
in, attendees (HCPs and others by name), place or link, agenda and pre-reads by
PMID. It parses into :class:`~liaison.engagement.services.data.MeetingData`; the
rules (end after start, an attendee, an https link) are the service's."""

from __future__ import annotations

import datetime as dt
import re
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
FORM_FIELD_OF = {"starts_at": "start_time", "ends_at": "end_time", "pre_reads": "pre_read_pmids"}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name for name in zoneinfo.available_timezones() if "/" in name and "Etc/" not in name
    )
    return [(name, name.replace("_", " ")) for name in [*names, "UTC"]]


def parse_pmids(text: str) -> list[int]:
    """PMIDs in ``text`` (spaces, commas or lines between them); a word that is no
    PMID is refused by name."""
    pmids: list[int] = []
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        if not word.isdigit() or len(word) > 9:
            raise forms.ValidationError(f"“{word}” is not a PMID (a number such as 31562798)")
        pmids.append(int(word))
    return list(dict.fromkeys(pmids))


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
        help_text="Hold Ctrl (Cmd on a Mac) to pick several.",
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
    pre_read_pmids = forms.CharField(
        required=False,
        label="Pre-reads",
        help_text="PMIDs of publications in the library, separated by spaces.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        hcps = self.fields["hcps"]
        assert isinstance(hcps, forms.ModelMultipleChoiceField)
        hcps.queryset = policy.scope(user, "view", HCP).order_by("family_name", "given_name", "pk")
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
            "pre_read_pmids": " ".join(
                str(pub.pmid) for pub in meeting.pre_reads.all() if pub.pmid is not None
            ),
        }

    def clean_pre_read_pmids(self) -> list[Publication]:
        pmids = parse_pmids(self.cleaned_data.get("pre_read_pmids") or "")
        found = {
            pub.pmid: pub
            for pub in policy.scope(self.user, "view", Publication).filter(pmid__in=pmids)
        }
        missing = [pmid for pmid in pmids if pmid not in found]
        if missing:
            raise forms.ValidationError(
                f"PMID {missing[0]} is not in the library: load it first, or leave it out"
            )
        return [found[pmid] for pmid in pmids]

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
            pre_reads=data["pre_read_pmids"],
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
