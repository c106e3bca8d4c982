"""Projects: funding agreements (e.g. an ESF+ project) that pay for some of the CAL's
initiatives, with the funder's reporting periods and indicators (REPORTS.md §9, D5; §6 R4).

The retention end date is the day until which the project's participant data must be kept
(art. 82 CPR for ESF+; PRIVACY.md §1): the privacy work reads it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calportal.dates import sane_year_constraint


class Project(models.Model):
    """A funding agreement: who pays, under which programme and agreement number, for which
    dates, for which initiatives; the OPS staff assigned to it are the only ones who may have
    its restricted participant list (REPORTS.md §6 R4)."""

    name = models.CharField(_("project title"), max_length=200)
    funder = models.CharField(
        _("funder"),
        max_length=200,
        help_text=_("E.g. Wojewódzki Urząd Pracy w Poznaniu – FEW 2021–2027."),
    )
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    agreement_number = models.CharField(_("agreement number"), max_length=100)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    start = models.DateField(_("project start"))
    end = models.DateField(_("project end"))
    retention_end = models.DateField(
        _("documents kept until"),
        help_text=_(
            "The day until which the project's documents and participant data must be kept "
            "(set in the agreement; for ESF+ usually 5 years from 31 December of the year of "
            "the last payment)."
        ),
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("initiatives"),
        related_name="projects",
        blank=True,
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("OPS staff assigned"),
        related_name="projects",
        blank=True,
        help_text=_("Only they may have the project's participant list."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="project_ends_after_start",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(retention_end__gte=F("end")),
                name="project_retention_after_end",
                violation_error_message=_(
                    "Documents must be kept at least until the project ends."
                ),
            ),
            sane_year_constraint("start", name="project_start_sane_year"),
            sane_year_constraint("end", name="project_end_sane_year"),
            sane_year_constraint("retention_end", name="project_retention_end_sane_year"),
            sane_year_constraint("agreement_date", name="project_agreement_date_sane_year"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])


class ReportingPeriod(models.Model):
    """A period the funder wants a report for (e.g. a half-year), and when it is due."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="periods", verbose_name=_("project")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    due = models.DateField(_("report due"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="reporting_period_ends_after_start",
                violation_error_message=_("A reporting period cannot end before it starts."),
            ),
            sane_year_constraint("start", name="reporting_period_start_sane_year"),
            sane_year_constraint("end", name="reporting_period_end_sane_year"),
            sane_year_constraint("due", name="reporting_period_due_sane_year"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    def clean(self):
        project = getattr(self, "project", None)
        if project is None or self.start is None or self.end is None:
            return
        if project.start and project.end and (self.start < project.start or self.end > project.end):
            raise ValidationError(_("A reporting period must lie within the project's dates."))


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output (produkt)")
    RESULT = "result", _("Result (rezultat)")


class Measure(models.TextChoices):
    STARTED = "started", _("Participants who started support (computed)")
    TYPED = "typed", _("Typed in for each reporting period")


class ProjectIndicator(models.Model):
    """An indicator of the agreement with its targets by sex. "Participants who started" is
    computed by the portal (R4); any other is typed in per reporting period."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("project")
    )
    name = models.CharField(_("indicator"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.OUTPUT
    )
    measure = models.CharField(
        _("measured by"), max_length=10, choices=Measure.choices, default=Measure.TYPED
    )
    unit = models.CharField(_("unit"), max_length=50, default="osoby")
    target_women = models.PositiveIntegerField(_("target: women"), null=True, blank=True)
    target_men = models.PositiveIntegerField(_("target: men"), null=True, blank=True)
    target_total = models.PositiveIntegerField(_("target: total"))
    position = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """A typed value of an indicator measured outside the portal, achieved in one reporting
    period (women, men, total)."""

    indicator = models.ForeignKey(ProjectIndicator, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="values")
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint("indicator", "period", name="indicator_value_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.total}"
