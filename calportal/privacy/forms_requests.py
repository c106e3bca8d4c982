"""Forms of the register of data-subject requests (PRIVACY.md §3 "Intake" and "Search")."""

import django_filters
from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from calportal.privacy.models import RequestKind, RequestStatus, SubjectRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SubjectRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Request"), choices=RequestKind.choices)

    class Meta:
        model = SubjectRequest
        fields = ["status", "kind"]


class SubjectRequestForm(forms.ModelForm):
    """Intake and later changes. The deadline is never typed: one month from receipt
    (``SubjectRequest.deadline_for``); an extension needs a reason and reaches at most three
    months from receipt (art. 12(3) GDPR)."""

    class Meta:
        model = SubjectRequest
        fields = [
            "kind",
            "received_on",
            "channel",
            "requester_name",
            "requester_contact",
            "birth_year",
            "identity_check",
            "identity_note",
            "status",
            "extended_until",
            "extension_reason",
            "answered_on",
            "delivery",
            "notes",
        ]
        widgets = {
            "received_on": DATE,
            "extended_until": DATE,
            "answered_on": DATE,
            "extension_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "extended_until": _(
                "At most two more months (three months from receipt). Tell the person about the "
                "extension and its reason within the first month."
            ),
            "requester_contact": _(
                "As the person gave it; a link is sent only to an address on file."
            ),
        }

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            for name in ("status", "extended_until", "extension_reason", "answered_on", "delivery"):
                del self.fields[name]
        self.fields["birth_year"].widget.attrs.update({"min": 1900, "max": 2100})

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= 2100:
            raise ValidationError(_("Enter a year between 1900 and 2100."))
        return year

    def clean(self):
        data = super().clean()
        received = data.get("received_on")
        extended = data.get("extended_until")
        if extended and not (data.get("extension_reason") or "").strip():
            self.add_error("extension_reason", _("Give the reason for the extension."))
        if extended and received:
            if extended > received + relativedelta(months=3):
                self.add_error(
                    "extended_until", _("The answer may be extended by at most two more months.")
                )
            elif extended <= SubjectRequest.deadline_for(received):
                self.add_error(
                    "extended_until", _("An extension ends after the one-month deadline.")
                )
        answered = data.get("answered_on")
        if answered and received and answered < received:
            self.add_error(
                "answered_on", _("The answer cannot be before the request was received.")
            )
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.instance.received_on:
            self.instance.deadline = SubjectRequest.deadline_for(self.instance.received_on)


class SearchForm(forms.Form):
    """Search for the person's records; at least an e-mail, a phone, or a full name."""

    email = forms.CharField(label=_("E-mail address"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )

    def clean(self):
        data = super().clean()
        has_name = data.get("first_name", "").strip() and data.get("last_name", "").strip()
        if not (data.get("email", "").strip() or data.get("phone", "").strip() or has_name):
            raise ValidationError(
                _("Give an e-mail address, a phone number, or a first and last name.")
            )
        return data


class LinkForm(forms.Form):
    email = forms.ChoiceField(label=_("Send the link to"), choices=())

    def __init__(self, *args, emails: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = [(e, e) for e in emails]


class PinForm(forms.Form):
    # Staff read the PIN out as "123 456": spaces are allowed and dropped.
    pin = forms.CharField(
        label=_("PIN given to you by phone"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_pin(self):
        return "".join(self.cleaned_data["pin"].split())
