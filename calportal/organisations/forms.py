from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from calportal.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "sector",
            "kind",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "website",
            "contact_person",
            "is_partner",
            "cooperation_form",
            "pact_signed_on",
            "notes",
        ]
        widgets = {
            "pact_signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                _("Organisation"),
                "name",
                Row(Column("short_name"), Column("sector"), Column("kind")),
            ),
            Fieldset(
                _("Address and contact"),
                Row(Column("street", css_class="col-md-6"), Column("postal_code"), Column("city")),
                Row(Column("phone"), Column("email"), Column("website")),
                "contact_person",
            ),
            Fieldset(
                _("Cooperation with the CAL"),
                "is_partner",
                Row(Column("cooperation_form"), Column("pact_signed_on")),
            ),
            "notes",
            Submit("save", _("Save")),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_partner"):
            if cleaned.get("cooperation_form"):
                self.add_error("cooperation_form", _("Only a partner has a form of cooperation."))
            if cleaned.get("pact_signed_on"):
                self.add_error("pact_signed_on", _("Only a partner can have signed a pact."))
        return cleaned
