from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.contacts import PhoneField
from calportal.money import MoneyField
from calportal.organisations.models import Organisation
from calportal.privacy.models import ConsentPurpose
from calportal.public_forms import PublicForm
from initiatives.forms import ContactFieldsMixin, ResidenceField, _helper, residence_choices
from initiatives.models import Gender
from initiatives.passes.models import PartnerVenue, ProgrammeSettings
from initiatives.passes.services import PassError, normalise_number


class ApplicationForm(ContactFieldsMixin, PublicForm):
    """The public application. ``hp_check`` is a honeypot nobody sees."""

    consent_purpose = ConsentPurpose.SENIOR_PASS

    consent_required_message = _("Please tick the consent: without it we cannot issue the pass.")

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_year = forms.IntegerField(label=_("Year of birth"))
    district = forms.CharField(label=_("District or village"), max_length=100, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    call_back = forms.BooleanField(
        label=_("Please call me back: I would rather talk on the phone."), required=False
    )
    message = forms.CharField(
        label=_("Anything you would like to tell us?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my data to issue the pass and contact me about it, "
            "as described in the information clause."
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class IssueForm(ContactFieldsMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_year = forms.IntegerField(label=_("Year of birth"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.NOT_GIVEN)
    district = forms.CharField(label=_("District or village"), max_length=100, required=False)
    residence = ResidenceField(
        label=_("Where does the person live?"),
        help_text=_(
            "Optional. The area counted in the reports; the district above is kept as written."
        ),
    )
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence"].choices = residence_choices(not_given_label=_("— not given —"))
        self.helper = _helper(Submit("issue", _("Issue the pass")))


class StatusForm(forms.Form):
    note = forms.CharField(label=_("Reason or note"), max_length=300, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NumberForm(forms.Form):
    number = forms.CharField(
        label=_("Pass number"),
        max_length=30,
        help_text=_("For example SPS-2026-0042."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_number(self):
        try:
            return normalise_number(self.cleaned_data["number"])
        except PassError as error:
            raise ValidationError(str(error)) from None


class VenueForm(forms.ModelForm):
    class Meta:
        model = PartnerVenue
        fields = [
            "organisation",
            "name",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "step_free_entry",
            "accessible_toilet",
            "title_granted_on",
            "active_from",
            "active_until",
            "weekly_pool",
        ]
        widgets = {
            "title_granted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "active_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "active_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(sector="business")
        self.fields["active_from"].initial = timezone.localdate()
        self.helper = _helper(Submit("save", _("Save")))


class ProgrammeSettingsForm(forms.ModelForm):
    class Meta:
        model = ProgrammeSettings
        fields = ["min_age", "uses_per_month", "price", "weekly_pool", "pass_validity_months"]
        field_classes = {"price": MoneyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uses_per_month"].min_value = 1
        self.helper = _helper(Submit("save", _("Save")))
