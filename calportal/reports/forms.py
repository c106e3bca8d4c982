import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from calportal.reports import access
from calportal.reports.figures import WHOLE_CAL
from calportal.reports.models import (
    Comparison,
    Language,
    ReportSchedule,
    SoftResult,
    Variant,
)
from calportal.reports.periods import PeriodError, resolve
from calportal.reports.registry import get_kind, get_scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

TIMEFRAMES = (
    ("month_previous", _("Last month")),
    ("quarter_previous", _("Last quarter")),
    ("halfyear_previous", _("Last half-year")),
    ("year_previous", _("Last year")),
    ("month_to_date", _("This month so far")),
    ("quarter_to_date", _("This quarter so far")),
    ("year_to_date", _("This year so far")),
    ("last_12_months", _("The last 12 whole months")),
    ("custom", _("Dates I choose")),
)
# For a report about something with dates of its own (a project, a public task).
OWN_PERIOD = ("own", _("Its own period (the project's or the task's dates)"))


def clean_timeframe(form: forms.Form, cleaned: dict) -> bool:
    """Set ``cleaned["identifier"]`` from a form's ``timeframe``, ``start`` and ``end`` fields
    (a timeframe identifier, or ``custom:`` for "Dates I choose"; "own" is left to the
    caller). Returns False, with an error on the form, when the dates are not a period;
    raises ``ValidationError`` when one of them is missing."""
    timeframe = cleaned.get("timeframe")
    if timeframe == "custom":
        start, end = cleaned.get("start"), cleaned.get("end")
        if not start or not end:
            raise forms.ValidationError(_("Give both dates of the period."))
        if end < start:
            form.add_error("end", _("The period cannot end before it starts."))
            return False
        if (end - start).days > 366 * 5:
            form.add_error("end", _("A period can be at most five years long."))
            return False
        cleaned["identifier"] = f"custom:{start.isoformat()}/{end.isoformat()}"
    elif timeframe and timeframe != "own":
        cleaned["identifier"] = timeframe
    return True


def check_period(cleaned: dict) -> None:
    """Raise a translated ``ValidationError`` when ``cleaned["identifier"]`` (if any) names no
    period (calportal.reports.periods.resolve)."""
    if cleaned.get("identifier"):
        try:
            resolve(cleaned["identifier"], today=timezone.localdate())
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None


class ReportRequestForm(forms.Form):
    """What a report is asked for. The choices offered depend on the kind and on what the
    user may see (:mod:`calportal.reports.access`)."""

    timeframe = forms.ChoiceField(label=_("Period"), choices=TIMEFRAMES)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    comparison = forms.ChoiceField(
        label=_("Compare with"),
        choices=Comparison.choices,
        initial=Comparison.SAME_PERIOD_LAST_YEAR,
    )
    variant = forms.ChoiceField(label=_("Variant"), choices=Variant.choices)
    language = forms.ChoiceField(label=_("Language of the report"), choices=Language.choices)
    initiative = forms.TypedChoiceField(label=_("Initiative"), coerce=int, required=False)
    event = forms.TypedChoiceField(label=_("Event"), coerce=int, required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, kind: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.user = kind, user
        spec = get_kind(kind)
        self.fields["timeframe"].initial = spec.default_timeframe
        self.fields["comparison"].initial = spec.default_comparison
        variants = access.allowed_variants(user, kind)
        self.fields["variant"].choices = [(v, Variant(v).label) for v in variants]
        self.fields["variant"].initial = variants[0] if variants else None
        self.fields["language"].initial = "pl"
        layout = [Row(Column("timeframe"), Column("start"), Column("end"))]
        if kind == "R11":
            from initiatives.selectors import scope_choices

            own = None if user.has_perm("reports.view_internal_report") else user.organisation_id
            choices = scope_choices(organisation_id=own)
            self.fields["initiative"].choices = [("", _("— choose an initiative —"))] + choices[
                "initiatives"
            ]
            self.fields["event"].choices = [("", _("— or choose one event —"))] + choices["events"]
            self.fields["comparison"].initial = Comparison.NONE
            self.fields["timeframe"].help_text = _(
                "For one event the period is the event's day, whatever is chosen here."
            )
            layout.insert(0, Row(Column("initiative"), Column("event")))
        else:
            del self.fields["initiative"], self.fields["event"]
        self.scope_names = [name for name in spec.scopes if get_scope(name) is not None]
        # Whether this user may have the report for the whole CAL at all.
        self.cal_allowed = "cal" in spec.scopes and (
            access.is_ops(user)
            or (spec.team_shared and user.has_perm("reports.view_shared_report"))
            # R10: the self-help coordinator has it for all groups.
            or any(access.may_run(user, kind, WHOLE_CAL, v) for v in variants)
        )
        with_dates = False
        for name in self.scope_names:
            scope = get_scope(name)
            empty = _("The whole CAL") if self.cal_allowed else _("— choose —")
            self.fields[name] = forms.TypedChoiceField(
                label=scope.label,
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", empty)] + list(scope.choices(user)),
            )
            if not self.cal_allowed and len(self.scope_names) == 1:
                # Not for the whole CAL: one of them must be chosen (venue staff have one).
                options = self.fields[name].choices[1:]
                self.fields[name].required = True
                self.fields[name].choices = options
                if len(options) == 1:
                    self.fields[name].initial = options[0][0]
            layout.insert(0, Row(Column(name)))
            with_dates = with_dates or scope.timeframe is not None
        if with_dates:
            self.fields["timeframe"].choices = [OWN_PERIOD, *TIMEFRAMES]
            self.fields["timeframe"].initial = OWN_PERIOD[0]
        if "organisation" in spec.scopes:
            from calportal.organisations.figures import organisations

            if user.has_perm("reports.view_internal_report"):
                self.fields["organisation"].choices = [("", _("The whole CAL"))] + sorted(
                    organisations().items(), key=lambda item: item[1]
                )
            else:
                own = user.organisation_id
                choices = [("", _("The whole CAL"))] if self.cal_allowed else []
                if own:
                    choices.append((own, organisations().get(own, "?")))
                self.fields["organisation"].choices = choices
            layout.insert(0, Row(Column("organisation")))
        else:
            del self.fields["organisation"]
        layout += [Row(Column("comparison"), Column("variant"), Column("language"))]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*layout, Submit("prepare", _("Prepare the report")))

    def clean(self):
        cleaned = super().clean()
        timeframe = cleaned.get("timeframe")
        if not clean_timeframe(self, cleaned):
            return cleaned
        scope = {}
        if self.kind == "R11":
            from initiatives.selectors import scope_dates

            event, initiative = cleaned.get("event"), cleaned.get("initiative")
            if event:
                scope = {"event": event}
            elif initiative:
                scope = {"initiative": initiative}
            else:
                raise forms.ValidationError(_("Choose an initiative or an event."))
            if event:
                dates = scope_dates(event_id=event)
                if dates:
                    cleaned["identifier"] = f"custom:{dates[0].isoformat()}/{dates[1].isoformat()}"
        if "organisation" in self.fields and cleaned.get("organisation"):
            scope = {"organisation": cleaned["organisation"]}
        chosen = [name for name in self.scope_names if cleaned.get(name)]
        if len(chosen) > 1:
            raise forms.ValidationError(_("Choose only one of them."))
        if chosen:
            scope = {chosen[0]: cleaned[chosen[0]]}
        elif self.scope_names and not self.cal_allowed and not scope:
            raise forms.ValidationError(
                _("Choose what the report is about: %(what)s.")
                % {"what": get_scope(self.scope_names[0]).label}
            )
        if timeframe == "own":
            owner = get_scope(chosen[0]) if chosen else None
            if owner is None or owner.timeframe is None:
                self.add_error(
                    "timeframe", _("Only a project or a public task has a period of its own.")
                )
                return cleaned
            cleaned["identifier"] = owner.timeframe(cleaned[chosen[0]])
        cleaned["scope"] = scope
        check_period(cleaned)
        return cleaned

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "scope": data["scope"],
            "timeframe": data["identifier"],
            "comparison": data["comparison"],
            "variant": data["variant"],
            "language": data["language"],
            "k": 3,
        }


class NarrativeForm(forms.Form):
    """The texts and typed values staff add to a run (``narrative_fields`` of its kind)."""

    def __init__(self, *args, fields, initial_texts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, kind in fields:
            if kind == "decimal":
                self.fields[key] = forms.DecimalField(
                    label=label,
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                    initial=initial_texts.get(key) or None,
                )
            else:
                self.fields[key] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=10000,
                    initial=initial_texts.get(key, ""),
                    widget=forms.Textarea(attrs={"rows": 6}),
                )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *[key for key, _label, _kind in fields], Submit("save", _("Save the texts"))
        )

    def texts(self) -> dict:
        """The values as the run keeps them: strings, a number as ``"1234.50"``, "" if empty."""
        return {
            key: "" if value is None else str(value) for key, value in self.cleaned_data.items()
        }


class ScheduleForm(forms.ModelForm):
    """A schedule with the definition it runs (one form: what, when, to whom)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    timeframe = forms.ChoiceField(label=_("Period"), choices=TIMEFRAMES[:-1])
    comparison = forms.ChoiceField(label=_("Compare with"), choices=Comparison.choices)
    variant = forms.ChoiceField(label=_("Variant"), choices=Variant.choices)
    language = forms.ChoiceField(label=_("Language of the report"), choices=Language.choices)
    organisation = forms.TypedChoiceField(
        label=_("For"), coerce=int, required=False, empty_value=None
    )

    class Meta:
        model = ReportSchedule
        fields = ["recurrence", "day", "month", "time", "recipients", "send_if_empty", "enabled"]
        widgets = {
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "recipients": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        definition = self.instance.definition
        for name in ("title", "timeframe", "comparison", "variant", "language"):
            self.initial.setdefault(name, getattr(definition, name))
        self.fields["recipients"].queryset = (
            self.fields["recipients"].queryset.filter(is_active=True).order_by("full_name", "email")
        )
        spec = get_kind(definition.kind)
        self.fields["variant"].choices = [(v, Variant(v).label) for v in spec.variants]
        self.fields["month"].widget = forms.Select(
            choices=[(n, date_format(datetime.date(2026, n, 1), "F")) for n in range(1, 13)]
        )
        scoped = "organisation" in spec.scopes
        if scoped:
            from calportal.organisations.figures import organisations

            self.fields["organisation"].choices = [("", _("The whole CAL"))] + sorted(
                organisations().items(), key=lambda item: item[1]
            )
            self.initial.setdefault("organisation", (definition.scope or {}).get("organisation"))
        else:
            del self.fields["organisation"]
        # A project or a public task: the schedule is for one of them, over its own period.
        self.scope_names = [name for name in spec.scopes if get_scope(name) is not None]
        for name in self.scope_names:
            scope = get_scope(name)
            cal = "cal" in spec.scopes
            self.fields[name] = forms.TypedChoiceField(
                label=scope.label,
                coerce=int,
                required=not cal and len(self.scope_names) == 1,
                empty_value=None,
                choices=[("", _("The whole CAL") if cal else _("— choose —"))]
                + list(scope.choices(user)),
            )
            self.initial.setdefault(name, (definition.scope or {}).get(name))
            if scope.timeframe is not None:
                self.fields["timeframe"].choices = [OWN_PERIOD, *TIMEFRAMES[:-1]]
                if definition.timeframe.startswith(f"{name}:"):
                    self.initial["timeframe"] = OWN_PERIOD[0]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *(["organisation"] if scoped else []),
            *self.scope_names,
            "title",
            Row(Column("timeframe"), Column("comparison")),
            Row(Column("variant"), Column("language")),
            Row(Column("recurrence"), Column("day"), Column("month"), Column("time")),
            "recipients",
            "send_if_empty",
            "enabled",
            Submit("save", _("Save the schedule")),
        )

    def apply_to_definition(self):
        definition = self.instance.definition
        for name in ("title", "timeframe", "comparison", "variant", "language"):
            setattr(definition, name, self.cleaned_data[name])
        if "organisation" in self.fields:
            organisation = self.cleaned_data.get("organisation")
            definition.scope = {"organisation": organisation} if organisation else {}
        chosen = [name for name in self.scope_names if self.cleaned_data.get(name)]
        if chosen:
            definition.scope = {chosen[0]: self.cleaned_data[chosen[0]]}
            if definition.timeframe == "own":
                definition.timeframe = get_scope(chosen[0]).timeframe(self.cleaned_data[chosen[0]])
        elif self.scope_names:
            definition.scope = {}
        return definition

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in self.scope_names if cleaned.get(name)]
        if len(chosen) > 1:
            raise forms.ValidationError(_("Choose only one of them."))
        if cleaned.get("timeframe") == "own" and not (
            chosen and get_scope(chosen[0]).timeframe is not None
        ):
            self.add_error(
                "timeframe", _("Only a project or a public task has a period of its own.")
            )
        return cleaned


class TargetsForm(forms.Form):
    """One optional target per row of R5; an empty field removes the target."""

    def __init__(self, *args, rows, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in rows:
            self.fields[key] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                initial=current.get(key),
            )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            *[key for key, _label in rows], Submit("save", _("Save the targets"))
        )


class SoftResultForm(forms.ModelForm):
    class Meta:
        model = SoftResult
        fields = ["year", "question", "respondents", "positive_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Row(Column("year"), Column("respondents"), Column("positive_percent")),
            "question",
            Submit("add", _("Add the result")),
        )
