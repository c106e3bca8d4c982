"""The confirmation form of an erasure (art. 17, PRIVACY.md §4)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    """Confirm the erasure shown in the preview, or record that the data is kept for a pending
    complaint or claim (art. 17(3)(e)) with the reason."""

    confirm = forms.BooleanField(
        label=_("I have checked the records above and confirm the erasure. It cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
    hold_for_claim = forms.BooleanField(
        label=_("Keep everything: the data is needed for a pending complaint or claim"),
        required=False,
        help_text=_("Art. 17(3)(e) GDPR. Nothing is erased; the record says why."),
    )
    claim_reason = forms.CharField(
        label=_("Which complaint or claim (no names)"),
        max_length=200,
        required=False,
        help_text=_("E.g. “complaint to UODO of 12.03.2026, case number …”."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hold_for_claim") and not (cleaned.get("claim_reason") or "").strip():
            self.add_error(
                "claim_reason", _("Say which complaint or claim the data is needed for.")
            )
        return cleaned
