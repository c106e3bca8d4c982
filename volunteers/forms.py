import datetime
import re
from decimal import Decimal, InvalidOperation

from crispy_forms.layout import Hidden, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.contacts import PhoneField
from calportal.forms import ImportForm
from calportal.money import MoneyField
from calportal.privacy.models import ConsentPurpose
from calportal.public_forms import PublicForm
from initiatives.forms import ContactFieldsMixin, _helper
from resources_map.models import Area
from volunteers.models import (
    AVAILABILITY_SLOTS,
    QUARTERS_PER_DAY,
    Agreement,
    Assignment,
    ChildSafetyCheck,
    DayPart,
    GrammaticalGender,
    Opportunity,
    Shift,
    Skill,
    Volunteer,
    VolunteeringSettings,
    VolunteerRate,
    VolunteerStatus,
    Weekday,
    WorkKind,
)
from volunteers.services import format_hours, has_valid_check

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def availability_choices():
    return [
        (f"{day}_{part}", f"{day_label} – {part_label}")
        for day, day_label in Weekday.choices
        for part, part_label in DayPart.choices
    ]


def _not_a_number() -> ValidationError:
    return ValidationError(
        _("Enter the hours as a number, e.g. %(whole)s or %(fraction)s.")
        % {"whole": format_hours(8), "fraction": format_hours(6)}
    )


def parse_quarters(value) -> int:
    """Hours as typed ("2", "1,5", "0.75") → quarter hours; explains what is wrong, with the
    numbers written as the active language writes them."""
    text = str(value).strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,3}(\.\d{1,4})?", text):
        raise _not_a_number()
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise _not_a_number() from None
    if hours <= 0:
        raise ValidationError(_("Hours must be more than zero."))
    if hours * 4 != int(hours * 4):
        raise ValidationError(
            _("Use quarter-hour steps: %(quarter)s, %(half)s, %(three_quarters)s, %(one)s…")
            % {
                "quarter": format_hours(1),
                "half": format_hours(2),
                "three_quarters": format_hours(3),
                "one": format_hours(4),
            }
        )
    if hours * 4 > QUARTERS_PER_DAY:
        raise ValidationError(_("A day has at most 24 hours."))
    return int(hours * 4)


class HoursField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        return parse_quarters(value) if value not in (None, "") else None


WITH_CHILDREN_CHOICES = [
    ("yes", _("Yes: the work involves children (a valid check is needed)")),
    ("no", _("No")),
]


def parse_with_children(value) -> bool | None:
    """The answer to "does the work involve children?": True, False, or None when not given."""
    return {"yes": True, "no": False}.get(str(value or "").strip().lower())


class WithChildrenField(forms.TypedChoiceField):
    """Required for work typed as free text: whether it involves children, so the rule on
    checks follows what the work is, not how it was entered."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Does the work involve children?"))
        kwargs.setdefault(
            "help_text",
            _("Answer when the work is not chosen from the opportunities: they say it themselves."),
        )
        super().__init__(
            choices=WITH_CHILDREN_CHOICES,
            coerce=lambda value: value == "yes",
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )


def _organisation_choice(form, organisations) -> None:
    """The organisations the user may choose; a partner coordinator has one, so it is set."""
    form.fields["organisation"].queryset = organisations
    if organisations is not None and len(organisations) == 1:
        form.fields["organisation"].initial = organisations.first()
        form.fields["organisation"].widget = forms.HiddenInput()


class ApplyForm(ContactFieldsMixin, PublicForm):
    """The public "Become a volunteer" form. ``hp_check`` is a honeypot."""

    consent_purpose = ConsentPurpose.VOLUNTEER

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_year = forms.IntegerField(label=_("Year of birth"))
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    grammatical_gender = forms.ChoiceField(
        label=_("How should documents in Polish, e.g. a certificate, speak of you? (optional)"),
        choices=GrammaticalGender.choices,
        required=False,
        initial=GrammaticalGender.NOT_GIVEN,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Where would you like to volunteer?"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("What would you like to do?"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    availability = forms.MultipleChoiceField(
        label=_("When can you help?"),
        choices=availability_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Where can you get to?"),
        queryset=Area.objects.order_by("kind", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    languages = forms.CharField(
        label=_("Languages other than Polish (optional)"), max_length=200, required=False
    )
    message = forms.CharField(
        label=_("Anything you would like to tell us?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my data so that the organisation I chose can contact "
            "me about volunteering, as described in the information clause."
        )
    )

    def __init__(self, *args, hosts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = hosts

    def clean_birth_year(self):
        year = super().clean_birth_year()
        if year is not None and timezone.localdate().year - year < 13:
            raise ValidationError(_("Volunteers must be at least 13 years old."))
        return year


class VolunteerForm(forms.ModelForm):
    availability = forms.MultipleChoiceField(
        label=_("Availability"),
        choices=availability_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Volunteer
        fields = [
            "organisation",
            "first_name",
            "last_name",
            "email",
            "phone",
            "birth_year",
            "grammatical_gender",
            "status",
            "ended_on",
            "skills",
            "languages",
            "availability",
            "areas",
            "insured",
            "policy_number",
            "safety_briefing_on",
            "guardian_consent_on",
            "notes",
        ]
        widgets = {
            "skills": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "safety_briefing_on": DATE,
            "guardian_consent_on": DATE,
            "ended_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_choice(self, organisations)
        self.fields["areas"].queryset = Area.objects.order_by("kind", "name")
        self.helper = _helper(Submit("save", _("Save")))

    def clean_availability(self):
        return [slot for slot in AVAILABILITY_SLOTS if slot in self.cleaned_data["availability"]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("insured") and not cleaned.get("policy_number"):
            self.add_error("policy_number", _("Give the insurance policy number."))
        year = cleaned.get("birth_year")
        if (
            year
            and timezone.localdate().year - year < 18
            and not cleaned.get("guardian_consent_on")
        ):
            self.add_error(
                "guardian_consent_on",
                _("A volunteer under 18 needs the written consent of a parent or guardian."),
            )
        # The end date belongs to an ended volunteer: today when not given, none otherwise.
        if cleaned.get("status") == VolunteerStatus.ENDED:
            ended_on = cleaned.get("ended_on")
            if ended_on is None and "ended_on" not in self.errors:
                cleaned["ended_on"] = timezone.localdate()
            elif ended_on is not None and ended_on > timezone.localdate():
                self.add_error("ended_on", _("The end date cannot be in the future."))
        elif "status" in cleaned:
            cleaned["ended_on"] = None
        return cleaned


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["starts_on", "ends_on", "scope", "signed_on"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "signed_on": DATE,
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("save", _("Save the agreement")))


class CheckForm(forms.ModelForm):
    class Meta:
        model = ChildSafetyCheck
        fields = ["checked_on", "checked_by", "registers", "valid_until"]
        widgets = {"checked_on": DATE, "valid_until": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("save", _("Save the check")))

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day > timezone.localdate():
            raise ValidationError(_("A check cannot be dated in the future."))
        return day


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "organisation",
            "title",
            "description",
            "initiative",
            "event",
            "skills",
            "involves_children",
            "place",
            "is_open",
        ]
        widgets = {
            "skills": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations=None, initiatives=None, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_choice(self, organisations)
        self.fields["initiative"].queryset = initiatives
        recent = Q(starts_at__gte=timezone.now() - datetime.timedelta(days=60))
        if self.instance.event_id:
            recent |= Q(pk=self.instance.event_id)  # an older event stays chosen when editing
        self.fields["event"].queryset = events.filter(recent).order_by("starts_at")
        self.helper = _helper(Submit("save", _("Save")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("involves_children") and self.instance.pk:
            unchecked = [
                assignment.volunteer
                for assignment in Assignment.objects.filter(
                    shift__opportunity=self.instance,
                    shift__starts_at__gt=timezone.now(),
                    volunteer__anonymised_year__isnull=True,
                ).select_related("volunteer")
                if not has_valid_check(assignment.volunteer, timezone.localdate())
            ]
            if unchecked:
                self.add_error(
                    "involves_children",
                    _(
                        "These volunteers on coming shifts have no valid check for work with "
                        "children: %(names)s. Take them off the shifts or record their checks "
                        "first."
                    )
                    % {"names": ", ".join(str(volunteer) for volunteer in unchecked)},
                )
        event, initiative = cleaned.get("event"), cleaned.get("initiative")
        if event and initiative and event.initiative_id != initiative.pk:
            self.add_error("event", _("The event belongs to another initiative."))
        if event and not initiative:
            cleaned["initiative"] = event.initiative
            self.instance.initiative = event.initiative
        return cleaned


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["starts_at", "ends_at", "needed"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("save", _("Add the shift")))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("starts_at")
            and cleaned.get("ends_at")
            and cleaned["ends_at"] <= cleaned["starts_at"]
        ):
            self.add_error("ends_at", _("The shift must end after it starts."))
        return cleaned


def offered_work_kinds(keep=None):
    """The kinds of work offered when logging hours, and ``keep`` (the entry's own kind, even
    when no longer offered)."""
    condition = Q(is_offered=True)
    if keep is not None:
        condition |= Q(pk=getattr(keep, "pk", keep))
    return WorkKind.objects.filter(condition).order_by("name")


class HoursForm(forms.Form):
    """One entry: a volunteer's hours on one day."""

    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=None)
    date = forms.DateField(label=_("Date"), widget=DATE)
    hours = HoursField(label=_("Hours"))
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=None, required=False)
    initiative = forms.ModelChoiceField(label=_("Initiative"), queryset=None, required=False)
    activity = forms.CharField(label=_("Or describe the work"), max_length=200, required=False)
    work_kind = forms.ModelChoiceField(
        label=_("Kind of work"),
        queryset=None,
        required=False,
        help_text=_(
            "Values the work in the reports and is listed on the certificate; without it the "
            "general rate applies."
        ),
    )
    with_children = WithChildrenField()
    description = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    additional = forms.BooleanField(
        label=_("Yes, this is additional work: save it as well"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(
        self, *args, volunteers=None, opportunities=None, initiatives=None, editing=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get(self.add_prefix("additional")) in ("on", "True", "true"):
            self.ask_additional()
        self.fields["volunteer"].queryset = volunteers
        # An entry stays with its volunteer: to move hours, reject them and log them anew.
        self.fields["volunteer"].disabled = editing
        self.fields["opportunity"].queryset = opportunities
        self.fields["initiative"].queryset = initiatives
        self.fields["work_kind"].queryset = offered_work_kinds(keep=self.initial.get("work_kind"))
        self.fields["date"].initial = timezone.localdate()
        self.fields["hours"].help_text = _("Quarter-hour steps, e.g. %(first)s or %(second)s.") % {
            "first": format_hours(6),
            "second": format_hours(9),
        }
        self.helper = _helper(Submit("save", _("Save the hours")))

    def ask_additional(self) -> None:
        """Show the confirmation that an entry identical to a logged one is more work."""
        self.fields["additional"].widget = forms.CheckboxInput()


class HoursImportForm(ImportForm):
    repeated = forms.ChoiceField(
        label=_("Rows identical to hours already logged (same volunteer, day, hours and work)"),
        choices=[
            ("stop", _("Import nothing and show them to me")),
            ("skip", _("Leave them out and import the rest")),
            ("import", _("Import them too: they are additional work")),
        ],
        initial="stop",
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_repeated(self):
        return self.cleaned_data.get("repeated") or "stop"


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=300, required=False)


class CertificateForm(forms.Form):
    period_from = forms.DateField(label=_("From"), widget=DATE)
    period_to = forms.DateField(label=_("To"), widget=DATE)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period cannot be before its start."))
        return cleaned


class SettingsForm(forms.ModelForm):
    class Meta:
        model = VolunteeringSettings
        fields = ["default_host"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_host"].queryset = self.fields["default_host"].queryset.filter(
            is_partner=True
        )
        self.helper = _helper(Submit("save", _("Save")))


class WorkKindForm(forms.ModelForm):
    class Meta:
        model = WorkKind
        fields = ["name", "is_offered"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Hidden("form", "kind"), Submit("save", _("Save the kind of work")))

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class RateForm(forms.ModelForm):
    """A new row of the rate table. A row in effect is never changed: a new rate is a new row
    from a later day."""

    class Meta:
        model = VolunteerRate
        fields = ["valid_from", "work_kind", "hourly_rate", "source"]
        field_classes = {"hourly_rate": MoneyField}
        widgets = {"valid_from": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_kind"].queryset = WorkKind.objects.order_by("name")
        self.fields["work_kind"].empty_label = _("Every kind without a rate of its own")
        self.fields["hourly_rate"].help_text = _("Złoty per hour, e.g. 33,00.")
        self.helper = _helper(Hidden("form", "rate"), Submit("save", _("Add the rate")))

    def clean_hourly_rate(self):
        rate = self.cleaned_data["hourly_rate"]
        if rate is not None and rate < 0:
            raise ValidationError(_("The rate cannot be negative."))
        return rate

    def clean_source(self):
        return " ".join(self.cleaned_data["source"].split())
