from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from calportal.audit.selectors import CHANGE, OPENED, model_choices


class TrailFilterForm(forms.Form):
    """The audit trail's filters. An invalid value is reported and ignored, never a 500."""

    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    user = forms.ModelChoiceField(
        label=_("Who"),
        queryset=get_user_model().objects.order_by("full_name", "pk"),
        required=False,
        empty_label=_("Anyone"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Changes and openings")), (CHANGE, _("Changes")), (OPENED, _("Opened"))],
    )
    model = forms.ChoiceField(label=_("Record"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Any record"))] + model_choices()
        self.fields["user"].label_from_instance = lambda user: user.full_name or user.email

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only (call after ``is_valid``)."""
        return {name: value for name, value in self.cleaned_data.items() if value}
