"""Forms of the records of processing (art. 30) and of the data-breach register (art. 33(5))."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.privacy.models import Breach, ProcessingActivity, RetentionRule
from calportal.privacy.rules import RULES

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RetentionRuleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, rule: RetentionRule) -> str:
        spec = RULES.get(rule.code)
        return str(spec.data) if spec else rule.code


class ProcessingActivityForm(forms.ModelForm):
    retention_rules = RetentionRuleChoice(
        label=_("Retention period"),
        queryset=RetentionRule.objects.order_by("pk"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The rows of the retention table that apply to this activity."),
    )

    class Meta:
        model = ProcessingActivity
        fields = [
            "name",
            "position",
            "controller",
            "joint_controller",
            "controller_role",
            "agreement_status",
            "purposes",
            "legal_basis",
            "subject_categories",
            "data_categories",
            "special_categories",
            "recipients",
            "transfers",
            "retention_rules",
            "security_measures",
        ]
        labels = {"position": _("Order in the register")}
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "purposes",
                "legal_basis",
                "subject_categories",
                "data_categories",
                "special_categories",
                "recipients",
                "security_measures",
            )
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        data = super().clean()
        role = data.get("controller_role")
        if role and role != "controller" and not (data.get("joint_controller") or "").strip():
            self.add_error(
                "joint_controller",
                _("Name the joint controller or the controller the OPS processes for."),
            )
        return data


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = [
            "found_at",
            "description",
            "categories",
            "affected_count",
            "reported_to_authority",
            "reported_at",
            "not_reported_reason",
            "subjects_notified",
            "measures",
        ]
        widgets = {
            "found_at": DATETIME_INPUT,
            "reported_at": DATETIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "not_reported_reason": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "found_at": _("When the OPS became aware of the breach: the 72 hours count from here."),
            "not_reported_reason": _(
                "Art. 33(1): a breach unlikely to result in a risk to people need not be reported; "
                "record why."
            ),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("found_at", "reported_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", *self.fields[name].input_formats]
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        data = super().clean()
        now = timezone.now()
        found_at = data.get("found_at")
        reported_at = data.get("reported_at")
        reported = data.get("reported_to_authority")
        if found_at and found_at > now:
            self.add_error("found_at", _("The breach cannot be found in the future."))
        if reported and not reported_at:
            self.add_error("reported_at", _("Give when it was reported to UODO."))
        if reported_at and not reported:
            self.add_error(
                "reported_to_authority",
                _("Tick this when the breach was reported, or clear the date of the report."),
            )
        if reported_at and reported_at > now:
            self.add_error("reported_at", _("The report cannot be made in the future."))
        if reported_at and found_at and reported_at < found_at:
            self.add_error("reported_at", _("The report cannot come before the breach was found."))
        if reported and (data.get("not_reported_reason") or "").strip():
            self.add_error(
                "not_reported_reason",
                _("The breach was reported: leave the reason for not reporting empty."),
            )
        return data
