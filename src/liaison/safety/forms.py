"""Forms of the safety pages. They parse what people type into the services' typed
input (``CaseData`` with its reactions and products); every rule (Day 0, MedDRA
codes, the minimum criteria, who may do what) is the services' and the policy's.

The intake form is the field's: one box of events, one suspect product, the
patient in a few fields. The case form is pharmacovigilance's: every field of the
case, and its reactions and products as repeated rows (formsets).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.core.errors import LiaisonError
from liaison.directory.models import HCP, Product
from liaison.lib import countries
from liaison.lib.forms import DateInput, SearchInput, add_liaison_error, mark_filter_selects
from liaison.safety.models import (
    MAX_AGE,
    SERIOUSNESS,
    ActionTaken,
    AgeUnit,
    CaseStatus,
    CaseVersion,
    Expectedness,
    Outcome,
    ProductRole,
    Qualification,
    Sex,
    SpecialSituation,
)
from liaison.safety.selectors import QueueFilters
from liaison.safety.services.cases import CODING_FIELDS
from liaison.safety.services.data import CaseData, ProductData, ReactionData

SERIOUSNESS_NAMES = tuple(name for name, _ in SERIOUSNESS)
YES_NO = [("", "Either"), ("yes", "Yes"), ("no", "No")]
PATIENT_FIELDS = (
    "patient_initials",
    "patient_age",
    "patient_age_unit",
    "patient_birth_date",
    "patient_sex",
    "patient_weight_kg",
    "patient_height_cm",
    "patient_medical_history",
)


def _country_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank), *countries.choices()]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _own_products() -> QuerySet[Product]:
    return Product.objects.filter(is_own=True).order_by("name")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- the queue ---------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's search and filters, read from the query string."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=SearchInput(attrs={"placeholder": "Reference, product or reaction"}),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *CaseStatus.choices], label="Status"
    )
    breached = forms.ChoiceField(required=False, choices=YES_NO, label="A clock breached")
    incomplete = forms.ChoiceField(required=False, choices=YES_NO, label="Criteria missing")
    serious = forms.ChoiceField(required=False, choices=YES_NO, label="Serious")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mark_filter_selects(self)

    def filters(self) -> QueueFilters:
        """The filters of the valid fields; an invalid value is ignored, not an error page."""
        self.is_valid()
        data = self.cleaned_data
        return QueueFilters(
            status=data.get("status") or "",
            breached=_yes_no(data.get("breached") or ""),
            incomplete=_yes_no(data.get("incomplete") or ""),
            serious=_yes_no(data.get("serious") or ""),
            search=data.get("q") or "",
        )


# --- the fields the intake and the case forms share ----------------------------------


class _PatientFields(forms.Form):
    patient_initials = forms.CharField(label="Initials", max_length=10, required=False)
    patient_age = forms.IntegerField(label="Age", min_value=0, max_value=MAX_AGE, required=False)
    patient_age_unit = forms.ChoiceField(
        label="Age in", choices=AgeUnit.choices, required=False, initial=AgeUnit.YEARS
    )
    patient_birth_date = forms.DateField(label="Date of birth", required=False, widget=DateInput())
    patient_sex = forms.ChoiceField(label="Sex", choices=Sex.choices, required=False)
    patient_weight_kg = forms.DecimalField(
        label="Weight (kg)", max_digits=5, decimal_places=1, min_value=0, required=False
    )


class _ReporterFields(forms.Form):
    reporter_hcp = forms.ModelChoiceField(
        queryset=HCP.objects.none(), required=False, widget=forms.HiddenInput
    )
    reporter_given_name = forms.CharField(label="Given name", max_length=120, required=False)
    reporter_family_name = forms.CharField(label="Family name", max_length=120, required=False)
    reporter_qualification = forms.ChoiceField(
        label="Qualification", choices=Qualification.choices, required=False
    )
    reporter_contact = forms.CharField(
        label="Contact", max_length=300, required=False, help_text="Telephone, e-mail or address"
    )

    def limit_hcps(self, hcps: QuerySet[HCP]) -> None:
        field = self.fields["reporter_hcp"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = hcps


class _EventFields(forms.Form):
    day_zero = forms.DateField(
        label="Day 0",
        widget=DateInput(),
        help_text="The day you, or any colleague, first heard of it.",
        error_messages={"required": "Day 0 is needed: the day any employee first heard of it."},
    )
    country = forms.ChoiceField(
        required=False, help_text="Where it happened; the reporter's country when not known."
    )
    awareness = forms.CharField(
        label="How we learned of it", required=False, widget=_textarea(2), max_length=4000
    )
    is_adverse_event = forms.BooleanField(
        label="An adverse event: something happened to a patient", required=False, initial=True
    )
    special_situations = forms.MultipleChoiceField(
        label="Special situations",
        choices=SpecialSituation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_product_complaint = forms.BooleanField(label="A product complaint", required=False)
    complaint_details = forms.CharField(
        label="What is wrong with the product", required=False, widget=_textarea(2)
    )
    narrative = forms.CharField(
        label="Narrative", required=False, widget=_textarea(5), help_text="What happened, in order"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _country_choices("Choose a country")


def _values(form: forms.Form, names: Iterable[str]) -> dict[str, Any]:
    """The cleaned values of the fields ``names`` the form has, blanks as the model keeps them."""
    values: dict[str, Any] = {}
    for name in names:
        if name not in form.fields:
            continue
        value = form.cleaned_data.get(name)
        if value is None and not isinstance(
            form.fields[name], (forms.IntegerField, forms.DecimalField, forms.DateField)
        ):
            value = ""
        values[name] = value
    return values


def _case_error_field(key: str) -> str:
    """The intake form's field for a service's error key (``reactions.0.verbatim``)."""
    head, _, rest = key.partition(".")
    if head == "reactions":
        return "reactions"
    if head == "products":
        return "batch_number" if rest.endswith("batch_number") else "product_name"
    return key


# --- the intake -----------------------------------------------------------------------


class IntakeForm(_EventFields, _PatientFields, _ReporterFields):
    """What anyone who heard of an adverse event reports: one submit, forwarded to
    pharmacovigilance at once."""

    reactions = forms.CharField(
        label="What happened",
        required=False,
        widget=_textarea(3),
        help_text="One event per line, in the reporter's words (e.g. “rash on both arms”).",
    )
    seriousness = forms.MultipleChoiceField(
        label="Serious because",
        choices=SERIOUSNESS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick what applies; leave empty when not serious or not known.",
    )
    product = forms.ModelChoiceField(
        label="Suspect product",
        queryset=Product.objects.none(),
        required=False,
        empty_label="Not one of ours, or not known",
    )
    product_name = forms.CharField(
        label="Or the product as reported", max_length=250, required=False
    )
    batch_number = forms.CharField(label="Batch number", max_length=35, required=False)

    def __init__(self, *args: Any, hcps: QuerySet[HCP] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_hcps(hcps if hcps is not None else HCP.objects.none())
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _own_products()

    def service_data(self) -> CaseData:
        data = self.cleaned_data
        criteria = set(data.get("seriousness") or [])
        reactions: list[ReactionData] = []
        for line in (data.get("reactions") or "").splitlines():
            if line.strip():
                reaction: ReactionData = {"verbatim": line.strip()}
                for name in SERIOUSNESS_NAMES:
                    reaction[name] = name in criteria  # type: ignore[literal-required]
                reactions.append(reaction)
        products: list[ProductData] = []
        product: Product | None = data.get("product")
        name = (data.get("product_name") or "").strip()
        if product is not None or name:
            products.append(
                {
                    "role": ProductRole.SUSPECT,
                    "product": product,
                    "name": name or (product.name if product else ""),
                    "batch_number": data.get("batch_number") or "",
                }
            )
        values = _values(self, [*_EventFields.base_fields, *_PatientFields.base_fields])
        values.update(_values(self, _ReporterFields.base_fields))
        values["reporter_hcp"] = data.get("reporter_hcp")
        case: CaseData = {**values, "reactions": reactions, "products": products}  # type: ignore[typeddict-item]
        return case

    def add_error_of(self, error: LiaisonError) -> None:
        """Show a service's refusal beside the intake's fields (reactions and
        products are one box each here)."""
        details: dict[str, str] = {}
        for key, reason in error.details.items():
            field = _case_error_field(key)
            if field != key:
                reason = error_place(key) + reason
            details.setdefault(field, reason)
        add_liaison_error(self, LiaisonError(error.message, details=details))


class FlagConfirmForm(IntakeForm):
    """The intake of a flag's confirmation: Day 0 comes from the note, and a later
    one says why (the service refuses it otherwise)."""

    day_zero_reason = forms.CharField(
        label="Why Day 0 is later than the note",
        required=False,
        max_length=1000,
        widget=_textarea(2),
        help_text="Only when you change Day 0 to a later day; kept in the audit trail.",
    )


def error_place(key: str) -> str:
    """``reactions.1.meddra_code`` -> ``"reaction 2: "`` (a row named in words)."""
    head, _, rest = key.partition(".")
    index = rest.partition(".")[0]
    if head in ("reactions", "products") and index.isdigit():
        return f"{head[:-1]} {int(index) + 1}: "
    return ""


def intake_initial(data: CaseData) -> dict[str, Any]:
    """The intake form's initial values for what a source already says (an
    interaction, an inquiry, flags)."""
    initial: dict[str, Any] = {
        key: value for key, value in data.items() if key not in ("reactions", "products")
    }
    reactions = data.get("reactions") or []
    initial["reactions"] = "\n".join(item.get("verbatim", "") for item in reactions)
    initial["seriousness"] = [
        name for name in SERIOUSNESS_NAMES if any(item.get(name) for item in reactions)
    ]
    products = data.get("products") or []
    if products:
        first = products[0]
        initial["product"] = first.get("product")
        if first.get("product") is None:
            initial["product_name"] = first.get("name", "")
        initial["batch_number"] = first.get("batch_number", "")
    return initial


# --- pharmacovigilance's case form ---------------------------------------------------------


class CaseForm(_EventFields, _PatientFields, _ReporterFields):
    """Every field of a case. A reader of patient details sees the patient's fields;
    for others (a reporter completing their intake) they are left out, so they are
    neither shown nor overwritten. ``working`` adds pharmacovigilance's assessment."""

    patient_height_cm = forms.DecimalField(
        label="Height (cm)", max_digits=4, decimal_places=1, min_value=0, required=False
    )
    patient_medical_history = forms.CharField(
        label="Relevant medical history", required=False, widget=_textarea(3)
    )
    reporter_organization = forms.CharField(label="Organisation", max_length=300, required=False)
    reporter_country = forms.ChoiceField(label="Reporter's country", required=False)
    reporter_comments = forms.CharField(required=False, widget=_textarea(2))
    expectedness = forms.ChoiceField(choices=Expectedness.choices, required=False)
    sender_comments = forms.CharField(
        label="Sender's comments", required=False, widget=_textarea(2)
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=500,
        help_text="Needed when Day 0 changes; kept in the case's history.",
    )

    def __init__(
        self,
        *args: Any,
        hcps: QuerySet[HCP] | None = None,
        patient: bool = True,
        working: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limit_hcps(hcps if hcps is not None else HCP.objects.none())
        field = self.fields["reporter_country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _country_choices("Not known")
        if not patient:
            for name in PATIENT_FIELDS:
                self.fields.pop(name, None)
        if not working:
            for name in ("expectedness", "sender_comments"):
                self.fields.pop(name)

    @property
    def has_patient(self) -> bool:
        return "patient_initials" in self.fields

    def service_data(self) -> CaseData:
        names = [name for name in self.fields if name != "reason"]
        values = _values(self, names)
        values["reporter_hcp"] = self.cleaned_data.get("reporter_hcp")
        if not values.get("expectedness", "x"):
            values["expectedness"] = Expectedness.UNKNOWN
        if "patient_age_unit" in values and not values["patient_age_unit"]:
            values["patient_age_unit"] = AgeUnit.YEARS
        return values  # type: ignore[return-value]


def case_initial(case: Any, names: Iterable[str]) -> dict[str, Any]:
    """A case's values for the fields ``names`` (the form's)."""
    initial = {name: getattr(case, name) for name in names if hasattr(case, name)}
    initial["reporter_hcp"] = case.reporter_hcp_id
    return initial


class ReactionForm(forms.Form):
    """One reaction: as reported, coded (MedDRA LLT and version), serious or not, outcome.
    Without ``coding`` (anyone but pharmacovigilance) the MedDRA fields are left out,
    neither shown nor sent: the service keeps the coding a reaction has."""

    verbatim = forms.CharField(label="As reported", max_length=250)
    meddra_code = forms.CharField(
        label="MedDRA LLT code", max_length=20, required=False, help_text="8 digits"
    )
    meddra_version = forms.CharField(
        label="MedDRA version", max_length=5, required=False, help_text="e.g. 27.1"
    )
    start_date = forms.DateField(label="Started", required=False, widget=DateInput())
    end_date = forms.DateField(label="Ended", required=False, widget=DateInput())
    outcome = forms.ChoiceField(choices=Outcome.choices, initial=Outcome.UNKNOWN)
    seriousness = forms.MultipleChoiceField(
        label="Serious because",
        choices=SERIOUSNESS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, coding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not coding:
            for name in CODING_FIELDS:
                self.fields.pop(name)

    def data_of(self) -> ReactionData:
        data = self.cleaned_data
        chosen = set(data.get("seriousness") or [])
        reaction: ReactionData = {
            "verbatim": data["verbatim"],
            "start_date": data.get("start_date"),
            "end_date": data.get("end_date"),
            "outcome": data.get("outcome") or Outcome.UNKNOWN,
        }
        if "meddra_code" in self.fields:
            reaction["meddra_code"] = data.get("meddra_code") or ""
            reaction["meddra_version"] = data.get("meddra_version") or ""
        for name in SERIOUSNESS_NAMES:
            reaction[name] = name in chosen  # type: ignore[literal-required]
        return reaction


def reaction_initial(reaction: Any) -> dict[str, Any]:
    initial = {
        name: getattr(reaction, name) for name in ReactionForm.base_fields if name != "seriousness"
    }
    initial["seriousness"] = [name for name in SERIOUSNESS_NAMES if getattr(reaction, name)]
    return initial


class ProductForm(forms.Form):
    """One product of the case: suspect, concomitant or interacting, with dose and batch."""

    role = forms.ChoiceField(choices=ProductRole.choices, initial=ProductRole.SUSPECT)
    product = forms.ModelChoiceField(
        label="Our product",
        queryset=Product.objects.none(),
        required=False,
        empty_label="Not one of ours",
    )
    name = forms.CharField(label="Product as reported", max_length=250, required=False)
    batch_number = forms.CharField(label="Batch number", max_length=35, required=False)
    dose = forms.CharField(max_length=60, required=False, help_text="e.g. 200 mg")
    route = forms.CharField(max_length=60, required=False)
    start_date = forms.DateField(label="Started", required=False, widget=DateInput())
    end_date = forms.DateField(label="Stopped", required=False, widget=DateInput())
    indication = forms.CharField(max_length=250, required=False)
    action_taken = forms.ChoiceField(
        label="Action taken", choices=ActionTaken.choices, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _own_products()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("product") and not (cleaned.get("name") or "").strip():
            self.add_error("name", "name the product, or choose one of ours")
        return cleaned

    def data_of(self) -> ProductData:
        data = self.cleaned_data
        product: ProductData = {
            "role": data.get("role") or ProductRole.SUSPECT,
            "product": data.get("product"),
            "name": (data.get("name") or "").strip(),
        }
        for name in ("batch_number", "dose", "route", "indication", "action_taken"):
            product[name] = data.get(name) or ""
        product["start_date"] = data.get("start_date")
        product["end_date"] = data.get("end_date")
        return product


def product_initial(product: Any) -> dict[str, Any]:
    initial = {name: getattr(product, name) for name in ProductForm.base_fields}
    initial["product"] = product.product_id
    return initial


ReactionFormSet = forms.formset_factory(ReactionForm, extra=1, can_delete=True)
ProductFormSet = forms.formset_factory(ProductForm, extra=1, can_delete=True)


def kept_forms(formset: forms.BaseFormSet[Any]) -> list[Any]:
    """The rows of a formset kept (the case's own rows, and new rows that say
    something), not marked for deletion, in order: the list the service receives
    (its error keys count them)."""
    initial = formset.initial_form_count()
    return [
        form
        for index, form in enumerate(formset.forms)
        if (index < initial or form.has_changed()) and not form.cleaned_data.get("DELETE")
    ]


# --- the case page's actions --------------------------------------------------------------


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        required=False, max_length=500, help_text="Needed to reopen a closed case."
    )

    def __init__(self, *args: Any, statuses: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, CaseStatus(value).label) for value in statuses]


class VersionForm(forms.Form):
    kind = forms.ChoiceField(
        label="New version",
        choices=[
            (CaseVersion.FOLLOW_UP, CaseVersion.FOLLOW_UP.label),
            (CaseVersion.AMENDMENT, CaseVersion.AMENDMENT.label),
            (CaseVersion.NULLIFICATION, CaseVersion.NULLIFICATION.label),
        ],
    )
    received_on = forms.DateField(
        label="New information received",
        required=False,
        widget=DateInput(),
        help_text="A follow-up or an amendment: the day we received it. Its regulatory "
        "clock runs from that day; Day 0 stays.",
    )
    reason = forms.CharField(
        max_length=1000, required=False, widget=_textarea(2), help_text="Goes with the version."
    )


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label="Request to the reporter", required=False, widget=_textarea(3), max_length=4000
    )
    due_on = forms.DateField(label="Answer due", required=False, widget=DateInput())


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="What the reporter answered", required=False, widget=_textarea(2), max_length=4000
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why this is not an adverse event",
        required=False,
        max_length=1000,
        help_text="e.g. the notes describe a hypothetical, or a competitor's product",
    )


# --- E2B files ------------------------------------------------------------------------------


class ExportForm(forms.Form):
    regional = forms.ChoiceField(
        label="Regional elements",
        required=False,
        choices=[("", "None: the ICH message only"), ("fda", "FDA regional elements")],
    )
    unmask_patient = forms.BooleanField(
        label="Send the patient's initials",
        required=False,
        help_text="Left unticked, the initials are masked (nullFlavor MSK), as privacy asks.",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files (Django's documented way: each file cleaned on its own)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    # Not "files": that is the form's own attribute (the uploaded files).
    e2b_files = MultipleFileField(label="E2B(R3) files")


class AckForm(forms.Form):
    file = forms.FileField(label="Acknowledgement file")


# --- the reconciliation report ----------------------------------------------------------------


class PeriodForm(forms.Form):
    start = forms.DateField(label="Day 0 from", widget=DateInput())
    end = forms.DateField(label="to", widget=DateInput())
