"""Public tasks (zadania publiczne) the municipality commissions to an NGO, for the R6 report.

REPORTS.md §9 D8: the contract (number, date, title, contractor, period, grant), the planned
results of the offer (name, target value, how it is measured: a portal indicator or a value
typed in), the actions of the schedule (harmonogram), the cost lines (per contract vs incurred,
typed) and the typed financial items of the 2018 report template (Dz.U. 2018 poz. 2057): own
financial and non-financial contribution, other revenue (II.3) and fees from recipients (II.4).
The task's linked initiatives and single events are what its figures count (Scope(task=pk)).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calportal.dates import sane_year_constraint

ZERO = Decimal("0")
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}


def _non_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}),
        name=name,
        violation_error_message=_("Amounts cannot be negative."),
    )


class PublicTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PublicTaskQuerySet":
        """The tasks ``user`` may see: all for OPS staff (``public_tasks.view_publictask``),
        their own organisation's for a partner coordinator (``manage_own_publictask`` and an
        organisation), none for anyone else."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("public_tasks.view_publictask"):
            return self
        organisation_id = getattr(user, "organisation_id", None)
        if organisation_id and user.has_perm("public_tasks.manage_own_publictask"):
            return self.filter(organisation_id=organisation_id)
        return self.none()


class PublicTask(models.Model):
    """A public task commissioned to an NGO under a contract (umowa) for a period."""

    contract_number = models.CharField(_("contract number"), max_length=60)
    contract_date = models.DateField(_("contract date"))
    title = models.CharField(_("title of the public task"), max_length=300)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("contractor (organisation)"),
        on_delete=models.PROTECT,
        related_name="public_tasks",
    )
    starts_on = models.DateField(_("task starts on"))
    ends_on = models.DateField(_("task ends on"))
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("linked initiatives"),
        blank=True,
        related_name="public_tasks",
        help_text=_("Every event of these initiatives counts in the task's figures."),
    )
    events = models.ManyToManyField(
        "initiatives.Event",
        verbose_name=_("linked single events"),
        blank=True,
        related_name="public_tasks",
        help_text=_("Single events of other initiatives that belong to the task."),
    )
    # Part II.2 of the template: per contract and incurred.
    grant_amount = models.DecimalField(_("grant per contract (PLN)"), **MONEY)
    grant_spent = models.DecimalField(_("grant spent (PLN)"), default=ZERO, **MONEY)
    own_financial_planned = models.DecimalField(
        _("own financial contribution per contract (PLN)"), default=ZERO, **MONEY
    )
    own_financial = models.DecimalField(
        _("own financial contribution incurred (PLN)"), default=ZERO, **MONEY
    )
    own_non_financial_planned = models.DecimalField(
        _("own non-financial contribution per contract (PLN)"), default=ZERO, **MONEY
    )
    members_work_value = models.DecimalField(
        _("value of members' unpaid work (PLN)"),
        default=ZERO,
        help_text=_(
            "Personal contribution not recorded as volunteer hours in the portal; the value of "
            "the volunteers' approved hours on the task's events is added by the report."
        ),
        **MONEY,
    )
    in_kind_value = models.DecimalField(_("in-kind contribution (PLN)"), default=ZERO, **MONEY)
    other_revenue = models.DecimalField(_("other revenue (PLN)"), default=ZERO, **MONEY)
    other_revenue_info = models.TextField(_("other revenue: what it was"), blank=True)
    recipient_fees = models.DecimalField(
        _("fees charged to recipients (PLN)"), default=ZERO, **MONEY
    )
    recipient_fees_info = models.TextField(
        _("fees charged to recipients: on what terms"), blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set by the due_reports task (REPORTS.md §5): when the draft R6 was requested and when the
    # reminder was e-mailed, so each happens once.
    draft_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PublicTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("public task")
        verbose_name_plural = _("public tasks")
        ordering = ["-starts_on", "contract_number", "pk"]
        permissions = [
            ("manage_own_publictask", _("Can manage the public tasks of one's own organisation")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="publictask_ends_after_start",
                violation_error_message=_("The task cannot end before it starts."),
            ),
            sane_year_constraint("contract_date", name="publictask_contract_date_sane_year"),
            sane_year_constraint("starts_on", name="publictask_starts_on_sane_year"),
            sane_year_constraint("ends_on", name="publictask_ends_on_sane_year"),
            _non_negative("grant_amount", "publictask_grant_amount_non_negative"),
            _non_negative("grant_spent", "publictask_grant_spent_non_negative"),
            _non_negative("own_financial_planned", "publictask_own_fin_planned_non_negative"),
            _non_negative("own_financial", "publictask_own_financial_non_negative"),
            _non_negative("own_non_financial_planned", "publictask_own_nonfin_non_negative"),
            _non_negative("members_work_value", "publictask_members_work_non_negative"),
            _non_negative("in_kind_value", "publictask_in_kind_non_negative"),
            _non_negative("other_revenue", "publictask_other_revenue_non_negative"),
            _non_negative("recipient_fees", "publictask_recipient_fees_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("public_tasks:detail", args=[self.pk])


class Measure(models.TextChoices):
    """How a planned result is measured: a portal indicator (REPORTS.md §2) computed for the
    task's initiatives and events over the report's period, or a value typed in."""

    EV1 = "EV1", _("EV1 events held (portal)")
    EV3 = "EV3", _("EV3 hours of activity (portal)")
    PE1 = "PE1", _("PE1 unique participants (portal)")
    AT1 = "AT1", _("AT1 attendances (portal)")
    VO1 = "VO1", _("VO1 active volunteers (portal)")
    VO3 = "VO3", _("VO3 volunteer hours (portal)")
    TYPED = "typed", _("typed in (another source)")


class PlannedResult(models.Model):
    """A result planned in the offer (2018 offer template, IV.9): name, target, how measured."""

    task = models.ForeignKey(
        PublicTask, verbose_name=_("public task"), on_delete=models.CASCADE, related_name="results"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("result"), max_length=300)
    target = models.DecimalField(
        _("target value"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    measured_by = models.CharField(
        _("measured by"), max_length=10, choices=Measure.choices, default=Measure.TYPED
    )
    achieved_typed = models.DecimalField(
        _("achieved value (typed)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Only for results measured outside the portal."),
    )
    source = models.CharField(
        _("how it is monitored (source of information)"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("planned result")
        verbose_name_plural = _("planned results")
        ordering = ["task", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gt=0),
                name="plannedresult_target_positive",
                violation_error_message=_("The target value must be greater than zero."),
            ),
            _non_negative("achieved_typed", "plannedresult_achieved_non_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class TaskAction(models.Model):
    """An action of the task's schedule (harmonogram; template Part I.2)."""

    task = models.ForeignKey(
        PublicTask, verbose_name=_("public task"), on_delete=models.CASCADE, related_name="actions"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("action"), max_length=300)
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Its events held give the action's actual dates."),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    description = models.TextField(_("short description"), blank=True)
    deviations = models.TextField(_("deviations from the plan"), blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["task", "position", "planned_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="taskaction_ends_after_start",
                violation_error_message=_("The action cannot end before it starts."),
            ),
            sane_year_constraint("planned_start", name="taskaction_planned_start_sane_year"),
            sane_year_constraint("planned_end", name="taskaction_planned_end_sane_year"),
        ]

    def __str__(self) -> str:
        return self.name


class CostKind(models.TextChoices):
    ACTION = "action", _("costs of carrying out the actions")
    ADMINISTRATIVE = "administrative", _("administrative costs")


class CostLine(models.Model):
    """A cost line of the budget (template Part II.1): per contract and incurred, typed."""

    task = models.ForeignKey(
        PublicTask,
        verbose_name=_("public task"),
        on_delete=models.CASCADE,
        related_name="cost_lines",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind of cost"), max_length=20, choices=CostKind.choices, default=CostKind.ACTION
    )
    action = models.ForeignKey(
        TaskAction,
        verbose_name=_("action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cost_lines",
    )
    name = models.CharField(_("cost"), max_length=300)
    planned = models.DecimalField(_("per contract (PLN)"), **MONEY)
    incurred = models.DecimalField(_("incurred (PLN)"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["task", "kind", "position", "pk"]
        constraints = [
            _non_negative("planned", "costline_planned_non_negative"),
            _non_negative("incurred", "costline_incurred_non_negative"),
        ]

    def __str__(self) -> str:
        return self.name
