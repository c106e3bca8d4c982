"""A realistic, small indicator set for the demo data: the municipality's strategy for solving
social problems with two strategic objectives, three operational ones and six indicators —
five computed by the portal, one whose yearly values staff type in. Idempotent."""

from decimal import Decimal

from django.db import transaction

from calportal.strategy.models import (
    TYPED,
    IndicatorSet,
    Objective,
    ObjectiveLevel,
    StrategyIndicator,
    TypedValue,
)

NAME = "Strategia Rozwiązywania Problemów Społecznych Gminy Śrem na lata 2021–2030"

OBJECTIVES = [
    # code, name, parent code
    ("1", "Wzmacnianie aktywności i integracji osób starszych i z niepełnosprawnością", None),
    ("1.1", "Rozwój oferty Centrum Aktywności Lokalnej", "1"),
    ("1.2", "Rozwój wolontariatu i samopomocy", "1"),
    ("2", "Przeciwdziałanie wykluczeniu społecznemu rodzin", None),
    ("2.1", "Wsparcie rodzin w kryzysie", "2"),
]
INDICATORS = [
    # objective, name, unit, baseline (2020), target (2030), source, typed values
    ("1.1", "Liczba uczestników działań CAL", "osoby", 180, 400, "PE1", {}),
    ("1.1", "Zasięg działań wśród mieszkańców 60+", "%", 8, 15, "RE1", {}),
    ("1.1", "Aktywne karnety „Śremski Przyjaciel Seniora”", "karnety", 120, 300, "PA1a", {}),
    ("1.2", "Aktywni wolontariusze", "osoby", 25, 60, "VO1", {}),
    ("1.2", "Grupy samopomocowe", "grupy", 2, 6, "SH1", {}),
    (
        "2.1",
        "Rodziny korzystające z pomocy społecznej",
        "rodziny",
        640,
        500,
        TYPED,
        {2021: 622, 2022: 605, 2023: 598, 2024: 590, 2025: 575},
    ),
]


@transaction.atomic
def strategy_demo_load() -> IndicatorSet:
    """Create the demo strategy set (or return it when it is there already)."""
    existing = IndicatorSet.objects.filter(name=NAME).first()
    if existing is not None:
        return existing
    indicator_set = IndicatorSet.objects.create(
        name=NAME,
        year_from=2021,
        year_to=2030,
        description="Uchwała Rady Miejskiej w Śremie (przykład do demonstracji portalu).",
    )
    objectives: dict[str, Objective] = {}
    for code, name, parent in OBJECTIVES:
        objectives[code] = Objective.objects.create(
            indicator_set=indicator_set,
            code=code,
            name=name,
            level=ObjectiveLevel.OPERATIONAL if parent else ObjectiveLevel.STRATEGIC,
            parent=objectives.get(parent),
        )
    for code, name, unit, baseline, target, source, values in INDICATORS:
        indicator = StrategyIndicator.objects.create(
            objective=objectives[code],
            name=name,
            unit=unit,
            baseline_year=2020,
            baseline_value=Decimal(baseline),
            target_year=2030,
            target_value=Decimal(target),
            source=source,
        )
        TypedValue.objects.bulk_create(
            TypedValue(indicator=indicator, year=year, value=Decimal(value))
            for year, value in values.items()
        )
    return indicator_set
