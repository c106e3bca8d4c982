"""An area's residents by year, sex and age group (REPORTS.md §9, D2): what the population page
reads and the one write that replaces a year's figures. The reports read the same table through
:mod:`resources_map.figures`."""

from django.db import transaction
from django.db.models import Count, Q, Sum

from resources_map.models import Area, AreaPopulation, PopulationAgeGroup, Sex


def population_years(area: Area) -> list[dict]:
    """The years the area has figures for, newest first, each as ``{"year", "female", "male",
    "total", "cells"}`` (residents entered for women, for men, in all; ``cells``: how many of
    the sex × age-group figures were given). One query."""
    return list(
        AreaPopulation.objects.filter(area=area)
        .values("year")
        .annotate(
            female=Sum("residents", filter=Q(sex=Sex.FEMALE), default=0),
            male=Sum("residents", filter=Q(sex=Sex.MALE), default=0),
            total=Sum("residents"),
            cells=Count("pk"),
        )
        .order_by("-year")
    )


def population_of_year(area: Area, year: int) -> dict[tuple[str, str], int]:
    """``{(sex, age group): residents}`` the area has for ``year`` (empty when none)."""
    rows = AreaPopulation.objects.filter(area=area, year=year)
    return {(sex, age): residents for sex, age, residents in
            rows.values_list("sex", "age_group", "residents")}  # fmt: skip


CELLS = len(Sex.values) * len(PopulationAgeGroup.values)


@transaction.atomic
def population_replace(*, area: Area, year: int, figures: dict[tuple[str, str], int]) -> int:
    """Replace the area's figures for ``year`` with ``figures`` (``{(sex, age group):
    residents}``; a group left out is not known) in one transaction, holding the area's row
    lock so that two people saving the same area one after the other never collide on the
    unique (area, year, sex, age group). Returns the number of figures stored."""
    Area.objects.select_for_update().filter(pk=area.pk).first()
    AreaPopulation.objects.filter(area=area, year=year).delete()
    AreaPopulation.objects.bulk_create(
        AreaPopulation(area=area, year=year, sex=sex, age_group=age, residents=residents)
        for (sex, age), residents in figures.items()
    )
    return len(figures)
