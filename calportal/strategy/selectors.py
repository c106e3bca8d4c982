"""Reads of the indicator registry for the reports (R3): plain data, constant queries."""

from django.db.models import Prefetch

from calportal.strategy.models import IndicatorSet, Objective, StrategyIndicator, TypedValue


def indicator_sets() -> list[dict]:
    """Every set with its objectives (by number) and their indicators, as plain dicts::

        [{"pk", "name", "year_from", "year_to", "objectives": [
            {"pk", "code", "name", "level", "level_label", "parent_code": str | None,
             "indicators": [{"pk", "name", "unit", "baseline_year", "baseline_value": Decimal,
                             "target_year", "target_value": Decimal, "source": "typed" | id,
                             "direction": 1 | -1 | 0, "typed": {year: Decimal}}]}]}]

    Four queries however many sets there are."""
    indicators = StrategyIndicator.objects.order_by("name", "pk").prefetch_related(
        Prefetch("typed_values", queryset=TypedValue.objects.order_by("year"))
    )
    objectives = (
        Objective.objects.select_related("parent")
        .order_by("code", "pk")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )
    sets = IndicatorSet.objects.order_by("-year_to", "name").prefetch_related(
        Prefetch("objectives", queryset=objectives)
    )
    return [
        {
            "pk": indicator_set.pk,
            "name": indicator_set.name,
            "year_from": indicator_set.year_from,
            "year_to": indicator_set.year_to,
            "objectives": [
                {
                    "pk": objective.pk,
                    "code": objective.code,
                    "name": objective.name,
                    "level": objective.level,
                    "level_label": str(objective.get_level_display()),
                    "parent_code": objective.parent.code if objective.parent else None,
                    "indicators": [
                        {
                            "pk": indicator.pk,
                            "name": indicator.name,
                            "unit": indicator.unit,
                            "baseline_year": indicator.baseline_year,
                            "baseline_value": indicator.baseline_value,
                            "target_year": indicator.target_year,
                            "target_value": indicator.target_value,
                            "source": indicator.source,
                            "direction": indicator.direction,
                            "typed": {v.year: v.value for v in indicator.typed_values.all()},
                        }
                        for indicator in objective.indicators.all()
                    ],
                }
                for objective in indicator_set.objectives.all()
            ],
        }
        for indicator_set in sets
    ]
