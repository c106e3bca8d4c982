"""The period and the group of the self-help figures page (R10 without a run)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calportal.reports import access
from calportal.reports.figures import WHOLE_CAL, Scope

CODE = "R10"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _timeframes():
    from calportal.reports.forms import TIMEFRAMES

    return TIMEFRAMES


class FiguresForm(forms.Form):
    """What the figures page shows: a period (a report timeframe, or two dates) and, for the
    coordinator and the facilitators, the group (the coordinator may leave it empty: all
    groups). OPS staff see every group by topic and get no group field.

    ``cleaned_data`` gains ``identifier`` (the period, e.g. ``"quarter_previous"`` or
    ``"custom:2026-01-01/2026-03-31"``), ``scope`` (a :class:`Scope`) and ``variant``."""

    timeframe = forms.ChoiceField(label=_("Period"), initial="quarter_previous")
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    group = forms.TypedChoiceField(label=_("Group"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, user, **kwargs):
        from calportal.reports.kinds.selfhelp_groups import group_choices

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["timeframe"].choices = _timeframes()
        variants = access.allowed_variants(user, CODE)
        self.variant = variants[0] if variants else None
        self.all_groups = any(access.may_run(user, CODE, WHOLE_CAL, v) for v in variants)
        choices = group_choices(user) if self.variant == "internal" else []
        if choices:
            empty = [("", _("All groups"))] if self.all_groups else []
            self.fields["group"].choices = empty + choices
            self.fields["group"].required = not self.all_groups
            if not self.all_groups:
                self.fields["group"].initial = choices[0][0]
        else:
            del self.fields["group"]

    def clean(self):
        from calportal.reports.forms import check_period, clean_timeframe

        cleaned = super().clean()
        if not clean_timeframe(self, cleaned):
            return cleaned
        check_period(cleaned)
        group = cleaned.get("group")
        scope = Scope(group=group) if group else WHOLE_CAL
        if self.variant is None or not access.may_run(self.user, CODE, scope, self.variant):
            raise forms.ValidationError(_("You cannot see the figures of this group."))
        cleaned["scope"] = scope
        cleaned["variant"] = self.variant
        return cleaned
