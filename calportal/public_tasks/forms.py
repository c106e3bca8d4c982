"""The public-task form and its results, actions and cost lines (inline formsets)."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.money import MoneyField
from initiatives.models import Event, Initiative

from .models import CostLine, Measure, PlannedResult, PublicTask, TaskAction

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_FIELDS = (
    "grant_amount",
    "grant_spent",
    "own_financial_planned",
    "own_financial",
    "own_non_financial_planned",
    "members_work_value",
    "in_kind_value",
    "other_revenue",
    "recipient_fees",
)
# Events offered for linking: those of the last years and to come (and those already linked).
EVENT_YEARS = 3


class PublicTaskForm(forms.ModelForm):
    """The task. OPS staff choose the contractor; a partner coordinator's tasks are always their
    own organisation's (``organisation_id``), and they link only their own initiatives and
    events."""

    class Meta:
        model = PublicTask
        fields = [
            "contract_number",
            "contract_date",
            "title",
            "organisation",
            "starts_on",
            "ends_on",
            "initiatives",
            "events",
            *MONEY_FIELDS,
            "other_revenue_info",
            "recipient_fees_info",
        ]
        widgets = {
            "contract_date": DATE_INPUT,
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "other_revenue_info": forms.Textarea(attrs={"rows": 2}),
            "recipient_fees_info": forms.Textarea(attrs={"rows": 2}),
            "initiatives": forms.SelectMultiple(attrs={"size": 6}),
            "events": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = dict.fromkeys(MONEY_FIELDS, MoneyField)

    def __init__(self, *args, organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        initiatives = Initiative.objects.order_by("title")
        since = timezone.localdate() - datetime.timedelta(days=365 * EVENT_YEARS)
        events = Event.objects.select_related("initiative").filter(starts_at__date__gte=since)
        if organisation_id is not None:
            del self.fields["organisation"]
            own = Q(lead_organisation_id=organisation_id) | Q(partner_organisations=organisation_id)
            initiatives = initiatives.filter(own).distinct()
            events = events.filter(initiative__in=Initiative.objects.filter(own))
        else:
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.order_by(
                "name"
            )
        if self.instance.pk:
            events = events | Event.objects.select_related("initiative").filter(
                pk__in=self.instance.events.values("pk")
            )
        self.fields["initiatives"].queryset = initiatives
        self.fields["events"].queryset = events.distinct().order_by("-starts_at")
        self.fields["events"].label_from_instance = lambda event: (
            f"{event.title or event.initiative.title} — "
            f"{timezone.localtime(event.starts_at):%d.%m.%Y %H:%M}"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        contract = [Row(Column("contract_number"), Column("contract_date")), "title"]
        if organisation_id is None:
            contract.append("organisation")
        self.helper.layout = Layout(
            Fieldset(_("Contract"), *contract, Row(Column("starts_on"), Column("ends_on"))),
            Fieldset(_("What the task covers"), Row(Column("initiatives"), Column("events"))),
            Fieldset(
                _("Financing"),
                Row(Column("grant_amount"), Column("grant_spent")),
                Row(Column("own_financial_planned"), Column("own_financial")),
                Row(
                    Column("own_non_financial_planned"),
                    Column("members_work_value"),
                    Column("in_kind_value"),
                ),
                Row(Column("other_revenue"), Column("other_revenue_info")),
                Row(Column("recipient_fees"), Column("recipient_fees_info")),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The task cannot end before it starts."))
        return cleaned


class PlannedResultForm(forms.ModelForm):
    class Meta:
        model = PlannedResult
        fields = ["position", "name", "target", "unit", "measured_by", "achieved_typed", "source"]
        widgets = {"position": forms.NumberInput(attrs={"min": 0, "class": "narrow"})}

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("measured_by") != Measure.TYPED
            and cleaned.get("achieved_typed") is not None
        ):
            self.add_error(
                "achieved_typed",
                _(
                    "A result measured by the portal takes its value from the portal; "
                    "leave it empty."
                ),
            )
        return cleaned


class TaskActionForm(forms.ModelForm):
    class Meta:
        model = TaskAction
        fields = [
            "position",
            "name",
            "initiative",
            "planned_start",
            "planned_end",
            "description",
            "deviations",
        ]
        widgets = {
            "planned_start": DATE_INPUT,
            "planned_end": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 2}),
            "deviations": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The action cannot end before it starts."))
        return cleaned


class CostLineForm(forms.ModelForm):
    class Meta:
        model = CostLine
        fields = ["position", "kind", "action", "name", "planned", "incurred"]
        field_classes = {"planned": MoneyField, "incurred": MoneyField}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "administrative" and cleaned.get("action"):
            self.add_error("action", _("An administrative cost belongs to no action."))
        return cleaned


# absolute_max: a forged TOTAL_FORMS is refused at once instead of building thousands of forms.
def _formset(model, form):
    return forms.inlineformset_factory(
        PublicTask, model, form=form, extra=2, can_delete=True, max_num=50, absolute_max=50
    )


ResultFormSet = _formset(PlannedResult, PlannedResultForm)
ActionFormSet = _formset(TaskAction, TaskActionForm)
CostLineFormSet = _formset(CostLine, CostLineForm)


def formsets(data, task: PublicTask, *, organisation_id: int | None) -> dict:
    """The three formsets of a task, with the choices limited to what the user may link: the
    initiatives of an action (their own organisation's for a partner coordinator) and the
    actions of a cost line (this task's)."""
    results = ResultFormSet(data, instance=task, prefix="results")
    actions = ActionFormSet(data, instance=task, prefix="actions")
    costs = CostLineFormSet(data, instance=task, prefix="costs")
    initiatives = Initiative.objects.order_by("title")
    if organisation_id is not None:
        initiatives = initiatives.filter(
            Q(lead_organisation_id=organisation_id) | Q(partner_organisations=organisation_id)
        ).distinct()
    task_actions = TaskAction.objects.filter(task=task) if task.pk else TaskAction.objects.none()
    for form in actions.forms:
        form.fields["initiative"].queryset = initiatives
    for form in costs.forms:
        form.fields["action"].queryset = task_actions
    return {"results": results, "actions": actions, "costs": costs}
