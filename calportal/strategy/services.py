"""Writes to the indicator registry (REPORTS.md §9 D7). Each function validates the whole
object (its ``clean`` and the database constraints' messages) and saves in one transaction;
it raises ``ValidationError`` with a translated message and saves nothing when something is
wrong."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from calportal.strategy.models import (
    IndicatorSet,
    Objective,
    StrategyIndicator,
    TypedValue,
)


def _save(instance, data: dict):
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:  # the same number or name saved at the same moment by someone else
        raise ValidationError(_("Someone has just saved the same; reload and try again.")) from None
    return instance


@transaction.atomic
def indicator_set_save(*, indicator_set: IndicatorSet | None = None, data: dict) -> IndicatorSet:
    """Create (``indicator_set`` None) or change a set."""
    return _save(indicator_set or IndicatorSet(), data)


@transaction.atomic
def objective_save(
    *, indicator_set: IndicatorSet, objective: Objective | None = None, data: dict
) -> Objective:
    """Create or change an objective of ``indicator_set``."""
    objective = objective or Objective(indicator_set=indicator_set)
    if objective.indicator_set_id != indicator_set.pk:
        raise ValidationError(_("This objective belongs to another set."))
    return _save(objective, data)


@transaction.atomic
def indicator_save(
    *, indicator_set: IndicatorSet, indicator: StrategyIndicator | None = None, data: dict
) -> StrategyIndicator:
    """Create or change an indicator; its objective must be one of ``indicator_set``'s."""
    objective = data.get("objective") or (indicator.objective if indicator else None)
    if objective is None or objective.indicator_set_id != indicator_set.pk:
        raise ValidationError({"objective": _("Choose an objective of this set.")})
    return _save(indicator or StrategyIndicator(), data)


@transaction.atomic
def typed_values_save(
    *, indicator: StrategyIndicator, values: dict[int, Decimal | None]
) -> list[TypedValue]:
    """Set the typed yearly values of ``indicator``: ``{year: value}``, None removing that
    year's value. Raises ``ValidationError`` when the indicator takes its values from the
    portal. Returns the values it keeps, by year."""
    if not indicator.is_typed:
        raise ValidationError(_("This indicator takes its values from the portal."))
    locked = StrategyIndicator.objects.select_for_update().get(pk=indicator.pk)
    for year, value in values.items():
        if value is None:
            TypedValue.objects.filter(indicator=locked, year=year).delete()
            continue
        typed = TypedValue(indicator=locked, year=year, value=value)
        typed.full_clean(validate_unique=False, validate_constraints=False)
        TypedValue.objects.update_or_create(indicator=locked, year=year, defaults={"value": value})
    return list(TypedValue.objects.filter(indicator=locked).order_by("year"))
