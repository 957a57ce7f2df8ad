"""Forms of the insight pages: the list's filters, the capture form, review, comments
and tags. They parse what people type into the services' typed input; the rules
are the services' and the policy's."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.models import Role, User
from liaison.directory.models import HCP, Product, TherapeuticArea
from liaison.engagement.insight_selectors import InsightFilters, publications_for, trials_for
from liaison.engagement.models import (
    Channel,
    InsightCategory,
    InsightSource,
    InsightStatus,
    InteractionKind,
    StrategicQuestion,
    Theme,
)
from liaison.engagement.services.data import InsightData
from liaison.engagement.services.exporting import InteractionFilters
from liaison.engagement.services.insights import MAX_COMMENT, clean_tags
from liaison.lib import countries
from liaison.lib.forms import (
    DateInput,
    SearchInput,
    add_liaison_error,
    mark_filter_selects,
    set_choices,
)

_SPLIT = re.compile(r"[,;\s]+")
_TAG_SPLIT = re.compile(r"[,;\n]+")


def split_ids(text: str) -> list[str]:
    """``"31562800, 30012345"`` -> ``["31562800", "30012345"]`` (commas, semicolons, spaces)."""
    return [item for item in _SPLIT.split(text or "") if item]


def split_tags(text: str) -> list[str]:
    return [item.strip() for item in _TAG_SPLIT.split(text or "") if item.strip()]


def current_questions() -> Any:
    """The medical plan's active strategic questions of the current period."""
    today = timezone.localdate()
    return StrategicQuestion.objects.filter(
        active=True, period_start__lte=today, period_end__gte=today
    ).select_related("therapeutic_area")


# --- the list ----------------------------------------------------------------------


#: At most this many options in each of the insight list's record selects (products,
#: themes, MSLs), plus the one chosen.
FILTER_CHOICES = 300


class InsightFilterForm(forms.Form):
    """The list's search and filters, read from the query string."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=SearchInput(attrs={"placeholder": "Words of the statement", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *InsightStatus.choices])
    category = forms.ChoiceField(required=False)
    strategic_question = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Strategic question"
    )
    therapeutic_area = forms.ChoiceField(required=False, label="Therapeutic area")
    product = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(required=False)
    source = forms.ChoiceField(required=False, choices=[("", "Any source"), *InsightSource.choices])
    theme = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    msl = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="MSL")
    date_from = forms.DateField(required=False, label="From", widget=DateInput())
    date_to = forms.DateField(required=False, label="To", widget=DateInput())
    tag = forms.CharField(required=False, max_length=40)

    def __init__(
        self, *args: Any, user: User, country_codes: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self, "category", "Any category", InsightCategory.objects.values_list("code", "name")
        )
        set_choices(
            self,
            "strategic_question",
            "Any question",
            [(q.pk, str(q)) for q in StrategicQuestion.objects.filter(active=True)],
        )
        set_choices(
            self,
            "therapeutic_area",
            "Any therapeutic area",
            TherapeuticArea.objects.values_list("code", "name"),
        )
        set_choices(
            self,
            "product",
            "Any product",
            self._bounded("product", Product.objects.order_by("name").values_list("pk", "name")),
        )
        names = dict(countries.choices())
        codes = sorted(
            {*(country_codes or []), *([self.data["country"]] if self.data.get("country") else [])}
        )
        set_choices(
            self, "country", "Any country", [(code, names.get(code, code)) for code in codes]
        )
        themes = policy.scope(user, "view", Theme).order_by("-pinned", "-size", "pk")
        set_choices(
            self, "theme", "Any theme", self._bounded("theme", themes.values_list("pk", "label"))
        )
        msls = User.objects.filter(role__in=(Role.MSL, Role.FIELD_MANAGER), is_active=True)
        set_choices(
            self,
            "msl",
            "Any MSL",
            [
                (pk, " ".join(part for part in (first, last) if part) or username)
                for pk, first, last, username in self._bounded(
                    "msl",
                    msls.order_by("username").values_list(
                        "pk", "first_name", "last_name", "username"
                    ),
                )
            ],
        )
        mark_filter_selects(self)

    def _bounded(self, name: str, rows: models.QuerySet[Any, Any]) -> list[Any]:
        """The first :data:`FILTER_CHOICES` ``rows`` (``(pk, ...)`` tuples), and the one
        asked for in the query string when it is further down: a select never grows with
        the directory, and a link filtering on a record past the limit still filters."""
        chosen = list(rows[:FILTER_CHOICES])
        wanted = str(self.data.get(name) or "")
        if wanted.isdigit() and len(wanted) < 19 and all(str(row[0]) != wanted for row in chosen):
            chosen.extend(rows.filter(pk=int(wanted)))
        return chosen

    def filters(self) -> InsightFilters:
        """The filters of the valid fields; an invalid value is left out, not an error page."""
        self.is_valid()
        data = self.cleaned_data
        return InsightFilters(
            status=data.get("status") or "",
            category=data.get("category") or "",
            strategic_question=data.get("strategic_question"),
            therapeutic_area=data.get("therapeutic_area") or "",
            product=data.get("product"),
            country=data.get("country") or "",
            source=data.get("source") or "",
            theme=data.get("theme"),
            msl=data.get("msl"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            tag=data.get("tag") or "",
            q=data.get("q") or "",
        )


# --- capture -------------------------------------------------------------------------


class QuestionChecks(forms.CheckboxSelectMultiple):
    """The strategic questions' checkboxes, each marked with its therapeutic area's code
    (``data-area``): ``insight_form.js`` shows those of the area chosen."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if isinstance(instance, StrategicQuestion):
            option["attrs"]["data-area"] = instance.therapeutic_area.code
        return option


class InsightForm(forms.Form):
    """An insight on its own; :meth:`insight_data` gives what ``create_insight`` takes."""

    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
        max_length=5000,
        help_text="What you heard, in a sentence or two. Similar insights appear below as you type.",
    )
    category = forms.ModelChoiceField(
        queryset=InsightCategory.objects.filter(active=True),
        to_field_name="code",
        empty_label="Choose a category",
    )
    therapeutic_area = forms.ModelChoiceField(
        queryset=TherapeuticArea.objects.all(),
        to_field_name="code",
        required=False,
        label="Therapeutic area",
        empty_label="None",
    )
    strategic_questions = forms.ModelMultipleChoiceField(
        queryset=StrategicQuestion.objects.none(),
        required=False,
        widget=QuestionChecks,
        label="Strategic questions it answers",
        help_text="The medical plan's questions of the therapeutic area, this period.",
    )
    product = forms.ModelChoiceField(
        queryset=Product.objects.all(), required=False, empty_label="None"
    )
    source = forms.ChoiceField(choices=InsightSource.choices, initial=InsightSource.INTERACTION)
    hcp = forms.ModelChoiceField(
        queryset=HCP.objects.none(),
        required=False,
        label="HCP",
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=(
            "The HCP's number in the directory (on their page), filled in when you choose "
            "them by name; leave empty if none."
        ),
    )
    publications = forms.CharField(
        required=False,
        max_length=2000,
        label="Publications (PMIDs)",
        help_text="Separated by commas, e.g. 31562800, 30012345; each must be in the library.",
    )
    trials = forms.CharField(
        required=False,
        max_length=2000,
        label="Trials (NCT IDs)",
        help_text="Separated by commas, e.g. NCT04368728; each must be in the library.",
    )
    tags = forms.CharField(
        required=False, max_length=1000, help_text="Separated by commas, e.g. elderly, dosing"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        questions = self.fields["strategic_questions"]
        assert isinstance(questions, forms.ModelMultipleChoiceField)
        questions.queryset = current_questions()
        questions.label_from_instance = lambda q: f"{q.therapeutic_area.name}: {q}"  # type: ignore[method-assign,assignment]
        hcp = self.fields["hcp"]
        assert isinstance(hcp, forms.ModelChoiceField)
        hcp.queryset = policy.scope(user, "view", HCP)
        hcp.error_messages["invalid_choice"] = "no HCP of the directory has this number"
        self.evidence: dict[str, list[Any]] = {"publications": [], "trials": []}

    def clean_publications(self) -> str:
        text: str = self.cleaned_data.get("publications") or ""
        try:
            self.evidence["publications"] = publications_for(
                self.user, split_ids(text), "publications"
            )
        except LiaisonError as error:
            raise forms.ValidationError(error.message.removeprefix("publications: ")) from None
        return text

    def clean_trials(self) -> str:
        text: str = self.cleaned_data.get("trials") or ""
        try:
            self.evidence["trials"] = trials_for(self.user, split_ids(text), "trials")
        except LiaisonError as error:
            raise forms.ValidationError(error.message.removeprefix("trials: ")) from None
        return text

    def clean_tags(self) -> list[str]:
        try:
            return clean_tags(split_tags(self.cleaned_data.get("tags") or ""))
        except LiaisonError as error:
            raise forms.ValidationError(error.message.removeprefix("tags: ")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area = data.get("therapeutic_area")
        wrong = [q for q in data.get("strategic_questions") or [] if q.therapeutic_area != area]
        if wrong:
            where = area.name if area is not None else "no therapeutic area"
            self.add_error(
                "strategic_questions",
                f"“{wrong[0]}” is a question of {wrong[0].therapeutic_area.name}, "
                f"not of {where}: choose that therapeutic area or another question",
            )
        return data

    def insight_data(self) -> InsightData:
        data = self.cleaned_data
        return InsightData(
            statement=data["statement"],
            category=data["category"],
            therapeutic_area=data.get("therapeutic_area"),
            strategic_questions=list(data.get("strategic_questions") or []),
            product=data.get("product"),
            source=data["source"],
            hcp=data.get("hcp"),
            publications=self.evidence["publications"],
            trials=self.evidence["trials"],
            tags=data.get("tags") or [],
        )

    def refused(self, error: LiaisonError) -> None:
        """Show a service's refusal beside the fields it names."""
        add_liaison_error(self, error)


class ReviewForm(forms.Form):
    status = forms.ChoiceField(choices=InsightStatus.choices)
    comment = forms.CharField(
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when marking it actioned (what was done) or sending it back (why).",
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 3})
    )


class TagsForm(forms.Form):
    tags = forms.CharField(
        required=False, max_length=1000, help_text="Separated by commas, e.g. elderly, dosing"
    )

    def tag_list(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")


class SimilarForm(forms.Form):
    """What the capture form sends while the statement is typed."""

    statement = forms.CharField(required=False, max_length=5000)
    category = forms.CharField(required=False, max_length=60)
    exclude = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class InteractionExportForm(forms.Form):
    """The interactions export's filters, read from the query string (the interaction
    list's names: ``date_from``, ``date_to``, ``msl``, ``channel``, ``kind``, ``hcp``,
    ``product``, ``q``)."""

    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    msl = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    channel = forms.ChoiceField(required=False, choices=[("", ""), *Channel.choices])
    kind = forms.ChoiceField(required=False, choices=[("", ""), *InteractionKind.choices])
    hcp = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    product = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    q = forms.CharField(required=False, max_length=200)

    def filters(self) -> InteractionFilters:
        """The filters of the valid fields; an invalid value is left out."""
        self.is_valid()
        data = self.cleaned_data
        return InteractionFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            msl=data.get("msl"),
            channel=data.get("channel") or "",
            kind=data.get("kind") or "",
            hcp=data.get("hcp"),
            product=data.get("product"),
            q=data.get("q") or "",
        )
