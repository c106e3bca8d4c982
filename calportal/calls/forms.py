"""The form behind each item's outcome buttons."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calportal.calls.models import CallAttempt, CallOutcome

NOTE_MAX_LENGTH = CallAttempt._meta.get_field("note").max_length


class OutcomeForm(forms.Form):
    """How one call went (the button pressed) and an optional short note."""

    outcome = forms.ChoiceField(
        label=_("How did the call go?"),
        choices=CallOutcome.choices,
        error_messages={"required": _("Choose how the call went.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
    )
