from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from calportal.strategy import portal
from calportal.strategy.models import (
    TYPED,
    IndicatorSet,
    Objective,
    ObjectiveLevel,
    StrategyIndicator,
)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*layout, Submit("save", _("Save")))
    return helper


class IndicatorSetForm(forms.ModelForm):
    class Meta:
        model = IndicatorSet
        fields = ["name", "year_from", "year_to", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("name", Row(Column("year_from"), Column("year_to")), "description")


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["code", "name", "level", "parent"]

    def __init__(self, *args, indicator_set: IndicatorSet, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Objective.objects.filter(
            indicator_set=indicator_set, level=ObjectiveLevel.STRATEGIC
        )
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.instance.indicator_set = indicator_set
        self.helper = _helper(Row(Column("code"), Column("level")), "name", "parent")


class IndicatorForm(forms.ModelForm):
    source = forms.ChoiceField(label=_("Source of the values"))

    class Meta:
        model = StrategyIndicator
        fields = [
            "objective",
            "name",
            "unit",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "source",
        ]

    def __init__(self, *args, indicator_set: IndicatorSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = Objective.objects.filter(indicator_set=indicator_set)
        self.fields["source"].choices = [
            (TYPED, _("Values typed in by staff")),
            (_("Portal indicators (whole CAL, per year)"), portal.choices()),
        ]
        self.helper = _helper(
            "objective",
            Row(Column("name", css_class="col-md-8"), Column("unit")),
            Fieldset(_("Baseline"), Row(Column("baseline_year"), Column("baseline_value"))),
            Fieldset(_("Target"), Row(Column("target_year"), Column("target_value"))),
            "source",
        )


class TypedValuesForm(forms.Form):
    """One optional number per year of the indicator's span (and of its set's)."""

    def __init__(self, *args, indicator: StrategyIndicator, years: list[int], values, **kwargs):
        super().__init__(*args, **kwargs)
        known = {value.year: value.value for value in values}
        for year in years:
            self.fields[f"year_{year}"] = forms.DecimalField(
                label=str(year),
                required=False,
                max_digits=14,
                decimal_places=2,
                localize=True,  # "575,5" in Polish
                initial=known.get(year),
            )
        self.years = years
        self.helper = _helper(*self.fields)

    def values(self) -> dict:
        return {year: self.cleaned_data.get(f"year_{year}") for year in self.years}
