"""Saved report definitions, their schedules and their runs (REPORTS.md §5).

A :class:`ReportRun` holds everything one report was made from: the parameters it was asked
with (a snapshot, so editing the definition later changes nothing), the resolved dates, the
time the data was read, the dataset (JSON) every format is rendered from, its checksum and the
files. A run marked official is frozen: running it again makes the next version.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calportal.reports.periods import COMPARISONS

# A run waiting this long for a worker is "held up": the page says the background service may
# be stopped (the sweep keeps sending it).
HELD_UP_AFTER = datetime.timedelta(minutes=1)


class ReportKind(models.TextChoices):
    """The report catalogue of REPORTS.md §6, by its numbers there."""

    ACTIVITY = "R1", _("R1 – The CAL's activity report")
    OZPS = "R2", _("R2 – CAL data for the assessment of social-welfare resources (OZPS)")
    STRATEGY = "R3", _("R3 – Monitoring of the strategy's indicators")
    PROJECT = "R4", _("R4 – Project report and participant monitoring")
    EFFECTIVENESS = "R5", _("R5 – Evaluation of the CAL's effectiveness")
    PUBLIC_TASK = "R6", _("R6 – Report on the performance of a public task")
    COOPERATION = "R7", _("R7 – Data for the cooperation programme report")
    VOLUNTEERING = "R8", _("R8 – Volunteering report")
    SENIOR_PASS = "R9", _("R9 – Senior pass report")
    SELFHELP = "R10", _("R10 – Self-help groups (anonymous)")
    EVENT_SUMMARY = "R11", _("R11 – Event or initiative summary")
    DIGEST = "R12", _("R12 – Monthly digest")


class Variant(models.TextChoices):
    SHARED = "shared", _("Shared (small numbers hidden)")
    INTERNAL = "internal", _("Internal (all figures)")
    # R9 for a partner venue: its own uses by month, nothing about holders.
    VENUE = "venue", _("For the venue (its own uses only)")


class Comparison(models.TextChoices):
    SAME_PERIOD_LAST_YEAR = "same_period_last_year", _("The same period a year earlier")
    PREVIOUS_PERIOD = "previous_period", _("The previous period of the same length")
    NONE = "none", _("No comparison")


assert tuple(Comparison.values) == COMPARISONS


class Language(models.TextChoices):
    POLISH = "pl", _("Polish")
    ENGLISH = "en", _("English")


class ReportDefinition(models.Model):
    """A report as staff saved it: what, for which scope, with which parameters."""

    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_definitions",
        help_text=_("Told when its schedule fails."),
    )
    # calportal.reports.figures.Scope.as_dict(): {} for the whole CAL, {"initiative": 3}, …
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    timeframe = models.CharField(_("period"), max_length=60, default="year_previous")
    comparison = models.CharField(
        _("comparison"),
        max_length=30,
        choices=Comparison.choices,
        default=Comparison.SAME_PERIOD_LAST_YEAR,
    )
    variant = models.CharField(
        _("variant"), max_length=10, choices=Variant.choices, default=Variant.INTERNAL
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.POLISH
    )
    k = models.PositiveSmallIntegerField(
        _("smallest number shown"),
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text=_("Counts below this are hidden in the shared variant (at least 3)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report definition")
        verbose_name_plural = _("report definitions")
        ordering = ["kind", "title"]
        constraints = [models.CheckConstraint(condition=Q(k__gte=3), name="reportdefinition_k_3")]
        permissions = [
            ("view_internal_report", _("Run and read every report, all variants")),
            ("view_shared_report", _("Read the shared variant of the CAL's reports")),
            ("view_own_scope_report", _("Run the operational reports for one's own initiatives")),
            ("view_venue_report", _("Read the senior pass report of one's own venue")),
            ("view_selfhelp_report", _("Run the self-help groups report for one's groups")),
        ]

    def __str__(self) -> str:
        return self.title

    def parameters(self) -> dict:
        return {
            "kind": self.kind,
            "scope": self.scope or {},
            "timeframe": self.timeframe,
            "comparison": self.comparison,
            "variant": self.variant,
            "language": self.language,
            "k": self.k,
        }


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter (in its first month)")
    YEARLY = "yearly", _("Every year")


class ReportSchedule(models.Model):
    """When a definition runs by itself and who gets it (REPORTS.md §5)."""

    definition = models.ForeignKey(
        ReportDefinition,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    recurrence = models.CharField(_("repeats"), max_length=10, choices=Recurrence.choices)
    day = models.PositiveSmallIntegerField(
        _("on day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    month = models.PositiveSmallIntegerField(
        _("in month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("For yearly schedules."),
    )
    time = models.TimeField(_("at (Warsaw time)"), default=datetime.time(7, 0))
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipients"),
        blank=True,
        related_name="report_schedules",
        help_text=_("Portal users; each must be allowed to see this report when it is sent."),
    )
    send_if_empty = models.BooleanField(
        _("send even when there is nothing to report"), default=False
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, editable=False)
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_statutory = models.BooleanField(
        default=False, editable=False, help_text="Shipped with the portal (REPORTS.md §5)."
    )

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["next_run_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=28), name="schedule_day"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="schedule_month"),
        ]

    def __str__(self) -> str:
        return f"{self.definition} – {self.get_recurrence_display()}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    BUILDING = "building", _("Computing the figures")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportRun(models.Model):
    """One production of a report. The dataset is the single source of its PDF, XLSX and CSV."""

    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # The parameters as asked (ReportDefinition.parameters()), frozen with the run.
    parameters = models.JSONField(default=dict)
    scope = models.JSONField(default=dict, blank=True)
    variant = models.CharField(_("variant"), max_length=10, choices=Variant.choices)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    comparison_start = models.DateField(null=True, blank=True)
    comparison_end = models.DateField(null=True, blank=True)
    # 0 while a draft; the next official version's number once marked official.
    version = models.PositiveSmallIntegerField(_("version"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    dataset = models.JSONField(null=True, blank=True, editable=False)
    checksum = models.CharField(max_length=64, blank=True, editable=False)
    # Texts staff write before the run is official (R1 §11: conclusions, needs for next year).
    narrative = models.JSONField(default=dict, blank=True)
    is_official = models.BooleanField(_("official"), default=False)
    official_at = models.DateTimeField(null=True, blank=True)
    official_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_runs",
    )
    pdf = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    xlsx = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    csv = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True, editable=False)
    is_empty = models.BooleanField(default=False, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Like documents: when the build job was last handed on, how many times, how many started.
    queued_at = models.DateTimeField(default=timezone.now)
    sends = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "period_start", "period_end", "variant"]),
            models.Index(fields=["status", "queued_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:run", args=[self.pk])

    @property
    def number(self) -> str:
        """The report's number as printed: ``R1/2025/17`` for a draft, ``R1/2025/17 v2`` for the
        second official version of that report."""
        number = f"{self.kind}/{self.period_end.year}/{self.pk}"
        return f"{number} v{self.version}" if self.version else number

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.READY, RunStatus.FAILED}

    @property
    def is_held_up(self) -> bool:
        return (
            self.status == RunStatus.PENDING
            and self.created_at is not None
            and timezone.now() - self.created_at > HELD_UP_AFTER
        )

    def files(self) -> list:
        return [d for d in (self.pdf, self.xlsx, self.csv) if d is not None]

    def file_links(self) -> list[tuple[str, object]]:
        """``(format as staff know it, document)`` for each file asked for."""
        labels = (("PDF", self.pdf), ("XLSX", self.xlsx), ("CSV (ZIP)", self.csv))
        return [(label, document) for label, document in labels if document is not None]


def dataset_checksum(dataset: dict) -> str:
    """SHA-256 of the dataset's canonical JSON (sorted keys, no spaces): two runs with the same
    checksum printed the same numbers."""
    canonical = json.dumps(dataset, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IndicatorTarget(models.Model):
    """A target staff set for an indicator of R5 (the CAL's effectiveness evaluation)."""

    indicator = models.CharField(_("indicator"), max_length=20, unique=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target}"


class SoftResult(models.Model):
    """A result measured outside the portal for R5, e.g. a survey question: how many answered
    and the share answering positively (suppressed in shared reports below 5 respondents)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    question = models.CharField(_("question"), max_length=300)
    respondents = models.PositiveIntegerField(_("respondents"))
    positive_percent = models.DecimalField(
        _("answering positively (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("soft result")
        verbose_name_plural = _("soft results")
        ordering = ["-year", "question"]
        constraints = [
            models.CheckConstraint(
                condition=Q(positive_percent__gte=0, positive_percent__lte=100),
                name="softresult_percent",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="softresult_year"
            ),
        ]

    def __str__(self) -> str:
        return self.question
