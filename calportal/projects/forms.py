from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.projects.models import (
    IndicatorValue,
    Measure,
    Project,
    ProjectIndicator,
    ReportingPeriod,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "funder",
            "programme",
            "agreement_number",
            "agreement_date",
            "start",
            "end",
            "retention_end",
            "initiatives",
            "staff",
        ]
        widgets = {
            "agreement_date": DATE_INPUT,
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "retention_end": DATE_INPUT,
            "initiatives": forms.SelectMultiple(attrs={"size": 8}),
            "staff": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiatives"].queryset = self.fields["initiatives"].queryset.order_by("title")
        # Only OPS staff can be assigned: the participant list is theirs (REPORTS.md §8).
        self.fields["staff"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.OPS_STAFF.value
        ).order_by("full_name")
        self.fields["staff"].label_from_instance = lambda user: user.full_name or user.email

    def clean(self):
        cleaned = super().clean()
        start, end, kept = cleaned.get("start"), cleaned.get("end"), cleaned.get("retention_end")
        if start and end and end < start:
            self.add_error("end", _("The project cannot end before it starts."))
        if end and kept and kept < end:
            self.add_error(
                "retention_end", _("Documents must be kept at least until the project ends.")
            )
        return cleaned


class ReportingPeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["start", "end", "due"]
        widgets = {"start": DATE_INPUT, "end": DATE_INPUT, "due": DATE_INPUT}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("A reporting period cannot end before it starts."))
        return cleaned


class BaseReportingPeriodFormSet(forms.BaseInlineFormSet):
    """Reporting periods must lie within the project's dates and not overlap each other."""

    def __init__(self, *args, project_dates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_dates = project_dates

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = sorted(
            (form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("start")
        )
        if self.project_dates and all(self.project_dates):
            first, last = self.project_dates
            if any(start < first or end > last for start, end in kept):
                raise ValidationError(_("A reporting period must lie within the project's dates."))
        for (_start, end), (next_start, _end) in zip(kept, kept[1:], strict=False):
            if next_start <= end:
                raise ValidationError(_("Reporting periods must not overlap."))


ReportingPeriodFormSet = forms.inlineformset_factory(
    Project,
    ReportingPeriod,
    form=ReportingPeriodForm,
    formset=BaseReportingPeriodFormSet,
    extra=2,
    can_delete=True,
    max_num=40,
    absolute_max=40,
)


class ProjectIndicatorForm(forms.ModelForm):
    class Meta:
        model = ProjectIndicator
        fields = ["name", "kind", "measure", "target_women", "target_men", "target_total"]


ProjectIndicatorFormSet = forms.inlineformset_factory(
    Project,
    ProjectIndicator,
    form=ProjectIndicatorForm,
    extra=2,
    can_delete=True,
    max_num=30,
    absolute_max=30,
)


class IndicatorValuesForm(forms.Form):
    """The values achieved in one reporting period for each indicator typed in by staff: three
    fields (women, men, total) per indicator."""

    def __init__(self, *args, period: ReportingPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.indicators = list(period.project.indicators.filter(measure=Measure.TYPED))
        existing = {v.indicator_id: v for v in IndicatorValue.objects.filter(period=period)}
        self.rows = []
        for indicator in self.indicators:
            value = existing.get(indicator.pk)
            names = []
            for part, label in (("women", _("women")), ("men", _("men")), ("total", _("total"))):
                name = f"i{indicator.pk}_{part}"
                self.fields[name] = forms.IntegerField(
                    label=f"{indicator.name}: {label}",
                    min_value=0,
                    max_value=10**7,
                    required=False,
                    initial=getattr(value, part) if value else None,
                )
                names.append(name)
            self.rows.append((indicator, [self[name] for name in names]))

    def save(self) -> None:
        for indicator in self.indicators:
            parts = {
                part: self.cleaned_data.get(f"i{indicator.pk}_{part}")
                for part in ("women", "men", "total")
            }
            if all(value is None for value in parts.values()):
                IndicatorValue.objects.filter(indicator=indicator, period=self.period).delete()
                continue
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                period=self.period,
                defaults={part: value or 0 for part, value in parts.items()},
            )
