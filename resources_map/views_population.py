"""The OPS's page for an area's residents by year, sex and age group (REPORTS.md §9, D2)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from calportal.accounts.decorators import permission_required
from resources_map.forms import POPULATION_YEARS, PopulationForm
from resources_map.models import Area, PopulationAgeGroup, Sex
from resources_map.population import (
    CELLS,
    population_of_year,
    population_replace,
    population_years,
)


def _year_asked(value: str | None) -> int | None:
    """The ``?year=`` of a link from the list of years; anything else is ignored."""
    if value and value.isascii() and value.isdigit() and len(value) == 4:
        year = int(value)
        if POPULATION_YEARS[0] <= year <= POPULATION_YEARS[1]:
            return year
    return None


@permission_required("resources_map.change_area")
def area_population(request, pk: int):
    area = get_object_or_404(Area, pk=pk)
    years = population_years(area)
    if request.method == "POST":
        form = PopulationForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            population_replace(area=area, year=year, figures=form.figures())
            messages.success(
                request,
                _("Saved the residents of %(area)s in %(year)s.") % {"area": area, "year": year},
            )
            url = reverse("resources_map:area_population", args=[area.pk])
            return redirect(f"{url}?year={year}")
    else:
        year = _year_asked(request.GET.get("year"))
        if year is None and years:
            year = years[0]["year"]
        initial = {"year": year}
        if year is not None:
            initial |= {
                PopulationForm.cell_name(sex, age): residents
                for (sex, age), residents in population_of_year(area, year).items()
            }
        form = PopulationForm(initial=initial)
    grid = [
        (age_label, [form[PopulationForm.cell_name(sex, age)] for sex in Sex.values])
        for age, age_label in PopulationAgeGroup.choices
    ]
    return render(
        request,
        "resources_map/area_population.html",
        {
            "area": area,
            "form": form,
            "grid": grid,
            "sexes": Sex.choices,
            "years": years,
            "all_cells": CELLS,
        },
    )
