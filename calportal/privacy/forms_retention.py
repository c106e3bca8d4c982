"""The form that changes a retention rule's period (PRIVACY.md §1)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calportal.privacy.models import RetentionRule, RetentionUnit
from calportal.privacy.rules import RULES

# Periods longer than these are surely a typing mistake (and would overflow the dates).
LONGEST = {
    RetentionUnit.DAYS: 3660,
    RetentionUnit.MONTHS: 120,
    RetentionUnit.YEARS: 50,
    RetentionUnit.JUNE_30: 50,
    RetentionUnit.FULL_YEARS: 50,
}


class RetentionRuleForm(forms.ModelForm):
    """The period and its unit. The agreement's own date (projects) is not a period one sets
    here: the rule with that unit is not editable and no other rule may take it."""

    class Meta:
        model = RetentionRule
        fields = ["amount", "unit"]
        labels = {"amount": _("Period"), "unit": _("Counted as")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (value, label)
            for value, label in RetentionUnit.choices
            if value != RetentionUnit.AGREEMENT
        ]

    def clean(self):
        cleaned = super().clean()
        amount, unit = cleaned.get("amount"), cleaned.get("unit")
        spec = RULES.get(self.instance.code)
        if amount is not None and amount < 1 and spec is not None and spec.amount > 0:
            # Zero would anonymise or delete at the next night's run everything the rule
            # covers, before the reports that need it are made.
            self.add_error("amount", _("The period must be at least 1."))
        if amount is not None and unit in LONGEST and amount > LONGEST[unit]:
            self.add_error(
                "amount",
                _("This period is too long: at most %(limit)s for this unit.")
                % {"limit": LONGEST[unit]},
            )
        return cleaned
