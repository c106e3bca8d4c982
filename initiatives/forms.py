from datetime import date, datetime, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calportal.choices import WEEKDAYS
from calportal.contacts import PhoneField, format_phone
from calportal.dates import example_date, parse_date_list
from calportal.money import MoneyField
from calportal.organisations.models import Organisation
from calportal.privacy.models import ConsentPurpose
from calportal.public_forms import ConsentClause, PublicForm
from initiatives.models import (
    ACCESSIBILITY_FIELDS,
    Event,
    Funding,
    Gender,
    Initiative,
    Participant,
    TargetGroup,
)
from initiatives.services import Residence
from resources_map.models import Area, AreaKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _helper(*inputs, layout=None) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    if layout is not None:
        helper.layout = layout
    for submit in inputs:
        helper.add_input(submit)
    return helper


OUTSIDE = "outside"


def residence_choices(*, not_given_label=None) -> list:
    """The choices of "where do you live?": not given (unless ``not_given_label`` is False),
    the town districts and the villages (each group in name order), outside the municipality.
    One query, however many areas there are."""
    areas = list(Area.objects.order_by("name").values_list("pk", "name", "kind"))
    groups = [
        (label, [(str(pk), name) for pk, name, area_kind in areas if area_kind == kind])
        for kind, label in (
            (AreaKind.DISTRICT, _("Town districts (osiedla)")),
            (AreaKind.VILLAGE, _("Villages (sołectwa)")),
        )
    ]
    choices = [(label, options) for label, options in groups if options]
    choices.append((OUTSIDE, _("Outside the municipality")))
    if not_given_label is not False:
        choices.insert(0, ("", not_given_label or _("— I'd rather not say —")))
    return choices


def residence_from_choice(value: str) -> Residence:
    """The :class:`Residence` of a value of :func:`residence_choices` (already validated)."""
    if value == OUTSIDE:
        return Residence(outside_municipality=True)
    return Residence(area_id=int(value)) if value else Residence()


def residence_choice(residence: Residence) -> str:
    """The select's value for a residence (its initial value)."""
    if residence.outside_municipality:
        return OUTSIDE
    return str(residence.area_id) if residence.area_id is not None else ""


def residence_initial_for(district: str) -> str:
    """The select's value for a typed district that is an area's name (case and surrounding
    spaces aside), else "" — so that staff issuing a pass from an application see it chosen."""
    district = district.strip()
    if not district:
        return ""
    area_id = Area.objects.filter(name__iexact=district).values_list("pk", flat=True).first()
    return str(area_id) if area_id is not None else ""


class ResidenceField(forms.ChoiceField):
    """The optional select "where do you live?"; ``cleaned_data`` holds a :class:`Residence`.

    The form fills the choices in ``__init__`` with :func:`residence_choices` (one query per
    form), never per option."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Where do you live?"))
        kwargs.setdefault(
            "help_text",
            _(
                "Optional. Choose your town district or village. We use it only to count, "
                "without names, which parts of the municipality our activities reach."
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(choices=(), **kwargs)

    def clean(self, value):
        return residence_from_choice(super().clean(value))


class ContactFieldsMixin:
    """E-mail or phone — at least one — and a plausible year of birth. The form's ``phone`` is a
    :class:`calportal.contacts.PhoneField`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from calportal.outbox.sms import sms_enabled

        if "sms_wanted" in self.fields and not sms_enabled():
            del self.fields["sms_wanted"]  # the portal sends no text messages: do not offer

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise ValidationError(_("Enter a year between 1900 and this year."))
        return year

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and not self.errors.get("phone")
            and not self.errors.get("email")
        ):
            raise ValidationError(
                _("Give an e-mail address or a phone number, so that we can reach you.")
            )
        if cleaned.get("sms_wanted"):
            from calportal.outbox.sms import can_text

            if not cleaned.get("phone") and not self.errors.get("phone"):
                self.add_error("sms_wanted", _("Give a mobile number to get text messages."))
            elif cleaned.get("phone") and not can_text(cleaned["phone"]):
                self.add_error(
                    "sms_wanted",
                    _(
                        "This number looks like a landline, which cannot receive text "
                        "messages. Give a mobile number, or untick this box."
                    ),
                )
        return cleaned


def health_data_without_consent(cleaned: dict) -> bool:
    """Whether a signup gives health data (accessibility needs, a disability certificate)
    without the separate health-data consent."""
    given = (cleaned.get("accessibility_needs") or "").strip() or cleaned.get(
        "disability_certificate"
    )
    return bool(given) and not cleaned.get("health_consent")


class SignupForm(ContactFieldsMixin, PublicForm):
    """The public signup form (a :class:`PublicForm`: honeypot, consent, autocomplete)."""

    consent_purpose = ConsentPurpose.EVENT_SIGNUP

    consent_required_message = _("Please tick the consent: without it we cannot sign you up.")

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    phone = PhoneField(label=_("Phone"), required=False)
    sms_wanted = forms.BooleanField(
        label=_("Also send text messages (SMS) to this phone"),
        required=False,
        help_text=_(
            "Confirmations, changes and a reminder the day before. Without an e-mail address, "
            "a mobile number gets them anyway."
        ),
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    residence = ResidenceField()
    companions = forms.IntegerField(label=_("Companions coming with you"), min_value=0, initial=0)
    accessibility_needs = forms.CharField(
        label=_("Anything we should prepare for you?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example a wheelchair space, a sign-language interpreter or a diet. "
            "Only the organisers see it."
        ),
    )
    disability_certificate = forms.BooleanField(
        label=_("I have a disability certificate (orzeczenie o niepełnosprawności)."),
        required=False,
    )
    # Health data (needs, a certificate) has its own, optional consent (art. 9(2)(a) GDPR).
    health_consent = forms.BooleanField(
        label=_(
            "I agree that the organisers use this information about my health "
            "(my needs, a disability certificate) to prepare the event for me."
        ),
        required=False,
        help_text=_("Only needed if you wrote your needs or ticked the certificate above."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my data to sign me up for this event, "
            "as described in the information clause."
        ),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        initiative = event.initiative
        self.fields["residence"].choices = residence_choices()
        self.fields["companions"].max_value = event.max_companions
        self.fields["companions"].widget.attrs["max"] = event.max_companions
        self.fields["companions"].help_text = _("At most %(count)s.") % {
            "count": event.max_companions
        }
        if event.max_companions == 0:
            self.fields["companions"].widget = forms.HiddenInput()
        if initiative.has_age_rule:
            self.fields["birth_year"].required = True
        else:
            del self.fields["birth_year"]
        if initiative.disability_certificate_required:
            self.fields["disability_certificate"].required = True
        else:
            del self.fields["disability_certificate"]

    @property
    def health_clause(self) -> ConsentClause:
        """The separate clause of the health-data consent, shown next to its checkbox."""
        if not hasattr(self, "_health_clause"):
            self._health_clause = ConsentClause.of(ConsentPurpose.DISABILITY)
        return self._health_clause

    # True when the person wrote needs without the health-data consent: the signup goes
    # through without them (the view tells the person), so that an optional extra never
    # stops a senior from signing up.
    health_data_refused = False

    def clean(self):
        cleaned = super().clean()
        if not health_data_without_consent(cleaned):
            return cleaned
        if self.event.initiative.disability_certificate_required:
            # The certificate is a condition of this initiative: it needs the consent.
            self.add_error(
                "health_consent",
                _(
                    "This event is for people with a disability certificate: to keep your "
                    "declaration we need this separate consent to information about your "
                    "health. Please tick it."
                ),
            )
        else:
            cleaned["accessibility_needs"] = ""
            cleaned["disability_certificate"] = False
            self.health_data_refused = True
        return cleaned

    def clean_companions(self):
        companions = self.cleaned_data["companions"]
        if companions > self.event.max_companions:
            raise ValidationError(
                ngettext(
                    "You can bring at most %(count)s companion to this event.",
                    "You can bring at most %(count)s companions to this event.",
                    self.event.max_companions,
                )
                % {"count": self.event.max_companions}
            )
        return companions


class PhoneRegistrationForm(ContactFieldsMixin, forms.Form):
    """Staff register someone who phoned in or came in person."""

    participant = forms.ModelChoiceField(
        label=_("Known participant"),
        queryset=Participant.objects.none(),
        required=False,
        help_text=_(
            "Choose a person found by the search, or fill in the fields below for someone new."
        ),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    phone = PhoneField(label=_("Phone"), required=False)
    sms_wanted = forms.BooleanField(
        label=_("Also send text messages (SMS) to this phone"),
        required=False,
        help_text=_(
            "Confirmations, changes and a reminder the day before. Without an e-mail address, "
            "a mobile number gets them anyway."
        ),
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.NOT_GIVEN)
    residence = ResidenceField(
        label=_("Where does the person live?"),
        help_text=_(
            "Optional; ask only if the person is willing to say. For someone already known, "
            "an answer given here replaces the one on file."
        ),
    )
    companions = forms.IntegerField(label=_("Companions"), min_value=0, initial=0)
    source = forms.ChoiceField(
        label=_("How did they sign up?"),
        choices=[("phone", _("By phone, via staff")), ("on_site", _("On site"))],
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    health_consent = forms.BooleanField(
        label=_(
            "I read the clause on health data to the person and they agreed that their needs "
            "are recorded."
        ),
        required=False,
        help_text=_("Needed only when you write the person's accessibility needs."),
    )
    consent = forms.BooleanField(
        label=_(
            "I read the consent clause to the person and they agreed to the processing of "
            "their data."
        ),
        error_messages={
            "required": _(
                "Read the consent clause to the person and tick this box: without their "
                "consent we cannot register them."
            )
        },
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A known person to choose: never an anonymised row (PRIVACY.md §2), whoever passed it.
        self.fields["participant"].queryset = (
            candidates if candidates is not None else Participant.objects.none()
        ).identifiable()
        self.fields["residence"].choices = residence_choices(not_given_label=_("— not given —"))
        self.fields["participant"].label_from_instance = lambda p: (
            f"{p.first_name} {p.last_name} · {format_phone(p.phone) or '—'} · {p.email or '—'}"
            + (f" · {p.birth_year}" if p.birth_year else "")
        )
        self.helper = _helper(Submit("register", _("Register")))

    @property
    def consent_clause(self) -> ConsentClause:
        """The clause staff read to the person (the text in force in the active language)."""
        if not hasattr(self, "_consent_clause"):
            self._consent_clause = ConsentClause.of(ConsentPurpose.EVENT_SIGNUP)
        return self._consent_clause

    @property
    def health_clause(self) -> ConsentClause:
        if not hasattr(self, "_health_clause"):
            self._health_clause = ConsentClause.of(ConsentPurpose.DISABILITY)
        return self._health_clause

    def clean(self):
        if health_data_without_consent(self.cleaned_data):
            self.add_error(
                "health_consent",
                _(
                    "Accessibility needs are health data: record them only after reading the "
                    "clause on health data to the person and ticking this box."
                ),
            )
        if self.cleaned_data.get("participant"):
            return forms.Form.clean(self)
        cleaned = super().clean()
        for name in ("first_name", "last_name"):
            if not cleaned.get(name):
                self.add_error(name, _("This field is required."))
        return cleaned


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
            "title",
            "slug",
            "kind",
            "category",
            "status",
            "is_public",
            "description",
            "target_groups",
            "min_age",
            "max_age",
            "disability_certificate_required",
            "lead_organisation",
            "partner_organisations",
            "planned_participants",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "target_groups": forms.CheckboxSelectMultiple,
            "partner_organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.all()
        self.fields["partner_organisations"].queryset = Organisation.objects.filter(is_partner=True)
        self.helper = _helper(
            layout=Layout(
                Fieldset(
                    _("Initiative"),
                    Row(Column("title", css_class="col-md-8"), Column("slug")),
                    Row(Column("kind"), Column("category"), Column("status")),
                    "is_public",
                    "description",
                ),
                Fieldset(
                    _("Who it is for"),
                    "target_groups",
                    Row(Column("min_age"), Column("max_age"), Column("planned_participants")),
                    "disability_certificate_required",
                ),
                Fieldset(_("Organisations"), "lead_organisation", "partner_organisations"),
            )
        )
        self.helper.form_tag = False


class FundingForm(forms.ModelForm):
    """A funding row: its source, amount, the budget year it is for and, when it comes from a
    funding agreement (a project), that agreement (REPORTS.md §9, D5)."""

    year = forms.IntegerField(
        label=_("year"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("The budget year; empty: this year."),
    )

    class Meta:
        model = Funding
        fields = ["source", "amount", "year", "agreement", "note"]
        field_classes = {"amount": MoneyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = self.fields["agreement"].queryset.order_by("name")
        self.fields["agreement"].empty_label = _("— none —")

    def clean_year(self):
        return self.cleaned_data.get("year") or timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        year, agreement = cleaned.get("year"), cleaned.get("agreement")
        if year and agreement and not agreement.start.year <= year <= agreement.end.year:
            self.add_error(
                "year",
                _("The year must fall within the agreement's dates (%(start)s–%(end)s).")
                % {"start": agreement.start.year, "end": agreement.end.year},
            )
        return cleaned


# absolute_max: a forged TOTAL_FORMS (2**63) is refused at once instead of building 2,000 forms.
FundingFormSet = forms.inlineformset_factory(
    Initiative, Funding, form=FundingForm, extra=2, can_delete=True, max_num=20, absolute_max=20
)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "initiative",
            "title",
            "starts_at",
            "ends_at",
            "place_name",
            "address",
            "capacity",
            "max_companions",
            "registration_opens_at",
            "registration_closes_at",
            *ACCESSIBILITY_FIELDS,
            "accessibility_notes",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "registration_opens_at": DATETIME_INPUT,
            "registration_closes_at": DATETIME_INPUT,
            "accessibility_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            # Places are changed through the capacity service (it promotes the waiting list).
            self.fields["initiative"].disabled = True
        self.helper = _helper(
            Submit("save", _("Save")),
            layout=Layout(
                Fieldset(
                    _("Event"),
                    Row(Column("initiative"), Column("title")),
                    Row(Column("starts_at"), Column("ends_at")),
                    Row(Column("place_name"), Column("address")),
                ),
                Fieldset(
                    _("Places and registration"),
                    Row(Column("capacity"), Column("max_companions")),
                    Row(Column("registration_opens_at"), Column("registration_closes_at")),
                ),
                Fieldset(_("Accessibility"), *ACCESSIBILITY_FIELDS, "accessibility_notes"),
            ),
        )


class SeriesForm(forms.Form):
    """A series of sessions from a rule: every <weekday> <start>–<end> between two dates."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Every"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("From (time)"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Until (time)"), widget=TIME_INPUT)
    first_day = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    last_day = forms.DateField(label=_("Last day"), widget=DATE_INPUT)
    skip_dates = forms.CharField(label=_("Skip these dates"), required=False)
    title = forms.CharField(label=_("Title of each session"), required=False, max_length=200)
    place_name = forms.CharField(label=_("Place"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Places in each session"), min_value=1, max_value=10000)
    max_companions = forms.IntegerField(
        label=_("Companions allowed per person"), min_value=0, max_value=20, initial=0
    )
    step_free_access = forms.BooleanField(label=_("step-free access"), required=False)
    induction_loop = forms.BooleanField(label=_("induction loop"), required=False)
    sign_language = forms.BooleanField(label=_("sign-language interpreter"), required=False)
    accessible_toilet = forms.BooleanField(label=_("toilet for disabled people"), required=False)
    parking = forms.BooleanField(label=_("parking for disabled people"), required=False)

    MAX_SESSIONS = 200

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("create", _("Create the sessions")))
        self.helper.attrs["data-submit-once"] = ""  # a double click sends the series once
        examples = ", ".join(example_date(day) for day in (date(2026, 11, 11), date(2026, 12, 24)))
        self.fields["skip_dates"].help_text = _(
            "Dates without a session, separated by commas, e.g. %(examples)s."
        ) % {"examples": examples}
        self.fields["skip_dates"].widget.attrs["placeholder"] = examples

    def clean_skip_dates(self):
        dates, bad = parse_date_list(self.cleaned_data.get("skip_dates", ""))
        if bad:
            raise ValidationError(
                ngettext(
                    "“%(values)s” is not a date: type it as %(example)s.",
                    "“%(values)s” are not dates: type them as %(example)s.",
                    len(bad),
                )
                % {"values": "”, “".join(bad), "example": example_date()}
            )
        return dates

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        if start and end and end <= start:
            self.add_error("end_time", _("A session must end after it starts."))
        if not self.errors and not self.session_days():
            raise ValidationError(_("The rule gives no sessions: check the days and dates."))
        if not self.errors and len(self.session_days()) > self.MAX_SESSIONS:
            raise ValidationError(
                _("The rule gives more than %(count)s sessions.") % {"count": self.MAX_SESSIONS}
            )
        return cleaned

    def session_days(self) -> list[date]:
        cleaned = self.cleaned_data
        day, last = cleaned["first_day"], cleaned["last_day"]
        weekdays, skipped = set(cleaned["weekdays"]), cleaned.get("skip_dates", set())
        days = []
        while day <= last:
            if day.weekday() in weekdays and day not in skipped:
                days.append(day)
            day += timedelta(days=1)
        return days

    def sessions(self) -> list[tuple[datetime, datetime]]:
        tz = timezone.get_current_timezone()
        return [
            (
                datetime.combine(day, self.cleaned_data["start_time"], tzinfo=tz),
                datetime.combine(day, self.cleaned_data["end_time"], tzinfo=tz),
            )
            for day in self.session_days()
        ]


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places"), min_value=1)


class MoveForm(forms.Form):
    to_event = forms.ModelChoiceField(label=_("Move to the session"), queryset=Event.objects.none())

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_event"].queryset = Event.objects.filter(
            initiative_id=event.initiative_id, starts_at__gte=timezone.now()
        ).exclude(pk=event.pk)


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000
    )
    include_waiting = forms.BooleanField(
        label=_("Also send to the waiting list"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("send", _("Send")))


class DistrictMapForm(forms.Form):
    """One row of "districts to map": the typed district (as compared) and where it is."""

    district_key = forms.CharField(max_length=200, widget=forms.HiddenInput)
    residence = ResidenceField(label=_("Lives in"), help_text="", required=True)

    def __init__(self, *args, choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence"].choices = choices
        self.fields["residence"].widget.attrs["class"] = "form-select form-select-sm w-auto"

    def clean_residence(self):
        residence = self.cleaned_data["residence"]
        if not residence.given:
            raise ValidationError(_("Choose an area or “outside the municipality”."))
        return residence
