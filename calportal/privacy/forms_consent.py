"""Forms of the consent registry (PRIVACY.md §5): a new version of a text, a withdrawal or a
renewed consent taken by staff."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from calportal.privacy.models import ConsentChannel, ConsentPurpose, ConsentText

STAFF_CHANNELS = [
    (ConsentChannel.PHONE.value, ConsentChannel.PHONE.label),
    (ConsentChannel.ON_SITE.value, ConsentChannel.ON_SITE.label),
]


class NewVersionForm(forms.Form):
    """A new version of a consent text: it starts the copy of the text in force, which is
    never changed itself."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    version = forms.CharField(
        label=_("Version"),
        max_length=20,
        help_text=_("A new name, for example the month it starts: 2027-01."),
    )
    text = forms.CharField(
        label=_("Full text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("The information clause and the sentence the person agrees to, as shown."),
    )
    material_change = forms.BooleanField(
        label=_("Material change"),
        required=False,
        help_text=ConsentText._meta.get_field("material_change").help_text,
    )

    def clean_version(self):
        return self.cleaned_data["version"].strip()


class WithdrawForm(forms.Form):
    """Staff take a withdrawal on the phone or at the desk."""

    channel = forms.ChoiceField(
        label=_("How did the person withdraw?"), choices=STAFF_CHANNELS, initial="phone"
    )


class ReconsentForm(forms.Form):
    """Staff record a renewed consent to the text in force, after reading it to the person."""

    channel = forms.ChoiceField(label=_("How?"), choices=STAFF_CHANNELS, initial="phone")
    read = forms.BooleanField(
        label=_("I read the consent clause to the person and they agreed."),
        error_messages={"required": _("Read the new text to the person first, then tick this.")},
    )
