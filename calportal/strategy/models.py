"""The indicator registry (REPORTS.md §9, D7): the sets of indicators the OPS monitors — the
municipality's strategy for solving social problems, a programme — their objectives, and each
indicator's baseline, target and source. R3 (``calportal.reports.kinds.strategy``) reports on
them every year."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 2000, 2100
TYPED = "typed"  # StrategyIndicator.source of an indicator whose yearly values staff type in


def _year(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )


def _value(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2)


class IndicatorSet(models.Model):
    """A strategy or a programme whose indicators are monitored, e.g. "Strategia Rozwiązywania
    Problemów Społecznych Gminy Śrem 2021–2030"."""

    name = models.CharField(_("name"), max_length=250, unique=True)
    year_from = _year(_("from year"))
    year_to = _year(_("to year"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["-year_to", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__gte=F("year_from")),
                name="indicatorset_years_in_order",
                violation_error_message=_("The last year cannot be before the first year."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("strategy:set_detail", args=[self.pk])


class ObjectiveLevel(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic objective")
    OPERATIONAL = "operational", _("Operational objective")


class Objective(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet,
        verbose_name=_("indicator set"),
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    code = models.CharField(_("number"), max_length=20, help_text=_("For example 1 or 1.2."))
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(
        _("level"), max_length=20, choices=ObjectiveLevel.choices, default=ObjectiveLevel.STRATEGIC
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("strategic objective it serves"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["indicator_set", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"],
                name="objective_code_unique_in_set",
                violation_error_message=_("This set already has an objective with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": _("An objective cannot serve itself.")})
        if self.parent.indicator_set_id != self.indicator_set_id:
            raise ValidationError({"parent": _("Choose an objective of the same set.")})
        if self.parent.level != ObjectiveLevel.STRATEGIC:
            raise ValidationError({"parent": _("Choose a strategic objective.")})
        if self.level != ObjectiveLevel.OPERATIONAL:
            raise ValidationError(
                {"parent": _("Only an operational objective serves a strategic one.")}
            )


class StrategyIndicator(models.Model):
    """One monitored indicator: its baseline and target, and where its yearly values come
    from — a portal indicator computed for the whole CAL (``source`` = its id, e.g. "PE1",
    see :mod:`calportal.strategy.portal`) or values staff type in (``source`` = "typed",
    :class:`TypedValue`). Whether higher or lower is better follows from the baseline and the
    target."""

    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("For example persons, %, PLN."))
    baseline_year = _year(_("baseline year"))
    baseline_value = _value(_("baseline value"))
    target_year = _year(_("target year"))
    target_value = _value(_("target value"))
    source = models.CharField(_("source of the values"), max_length=10, default=TYPED)

    class Meta:
        verbose_name = _("strategy indicator")
        verbose_name_plural = _("strategy indicators")
        ordering = ["objective__code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year__gte=F("baseline_year")),
                name="strategyindicator_target_after_baseline",
                violation_error_message=_("The target year cannot be before the baseline year."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_typed(self) -> bool:
        return self.source == TYPED

    @property
    def direction(self) -> int:
        """+1 when higher values are better (the target is above the baseline), −1 when lower
        ones are, 0 when the target keeps the baseline's level."""
        if self.target_value > self.baseline_value:
            return 1
        if self.target_value < self.baseline_value:
            return -1
        return 0

    def clean(self):
        from calportal.strategy.portal import PORTAL_INDICATORS

        if self.source != TYPED and self.source not in PORTAL_INDICATORS:
            raise ValidationError({"source": _("Choose a portal indicator or typed values.")})


class TypedValue(models.Model):
    """A yearly value staff type in for an indicator whose source is "typed"."""

    indicator = models.ForeignKey(
        StrategyIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="typed_values",
    )
    year = _year(_("year"))
    value = _value(_("value"))

    class Meta:
        verbose_name = _("typed value")
        verbose_name_plural = _("typed values")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="typedvalue_one_per_year",
                violation_error_message=_("This indicator already has a value for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"
