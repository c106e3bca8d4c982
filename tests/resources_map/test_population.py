"""The OPS's page for an area's residents by year, sex and age group, and the area's urban or
rural setting."""

import pytest
from django.urls import reverse

from resources_map.forms import AreaForm, PopulationForm
from resources_map.models import Area, AreaKind, AreaPopulation
from tests.access import ALLOWED, DENIED, LOGIN, NOT_FOUND, assert_outcome

ROLES = {"staff": ALLOWED, "partner_a": DENIED, "team_member": DENIED, None: LOGIN}


def _url(area) -> str:
    return reverse("resources_map:area_population", args=[area.pk])


def _grid(year, **cells) -> dict:
    """The posted form: ``female_65_plus=420``, … (every other cell empty)."""
    data = {PopulationForm.cell_name(sex, age): "" for sex in ("female", "male")
            for age in ("0-17", "18-54", "55-59", "60-64", "65+")}  # fmt: skip
    data.update({name: str(value) for name, value in cells.items()})
    return {"year": str(year), **data}


def _stored(area, year) -> dict:
    return {
        (row.sex, row.age_group): row.residents
        for row in AreaPopulation.objects.filter(area=area, year=year)
    }


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_only_the_ops_staff_may_open_and_save_the_population(request, login, area, role):
    client = login(request.getfixturevalue(role) if role else None)

    assert_outcome(client.get(_url(area)), ROLES[role], denied_page=True)
    response = client.post(_url(area), _grid(2025, female_65_plus=400))

    if role == "staff":
        assert response.status_code == 302
        assert _stored(area, 2025) == {("female", "65+"): 400}
    else:
        assert_outcome(response, ROLES[role])
        assert not AreaPopulation.objects.exists()


def test_an_unknown_area_is_a_404(login, staff):
    response = login(staff).get(reverse("resources_map:area_population", args=[999999]))

    assert_outcome(response, NOT_FOUND)


def test_saving_a_year_stores_the_grid_and_shows_it_again(login, staff, area):
    client = login(staff)

    response = client.post(
        _url(area),
        _grid(2025, female_60_64=250, female_65_plus=420, male_60_64=230, male_65_plus=310),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{_url(area)}?year=2025"
    assert _stored(area, 2025) == {
        ("female", "60-64"): 250,
        ("female", "65+"): 420,
        ("male", "60-64"): 230,
        ("male", "65+"): 310,
    }
    page = client.get(response["Location"])
    form = page.context["form"]
    assert form.initial["year"] == 2025
    assert form.initial["female_65_plus"] == 420
    assert page.context["years"] == [
        {"year": 2025, "female": 670, "male": 540, "total": 1210, "cells": 4}
    ]
    assert 'value="420"' in page.content.decode()


def test_a_second_save_of_the_year_replaces_it_and_leaves_other_years(login, staff, area):
    client = login(staff)
    client.post(_url(area), _grid(2024, female_65_plus=400, male_65_plus=300))
    client.post(_url(area), _grid(2025, female_65_plus=410, male_65_plus=305))

    client.post(_url(area), _grid(2025, female_65_plus=420, female_0_17=500))

    assert _stored(area, 2025) == {("female", "65+"): 420, ("female", "0-17"): 500}
    assert _stored(area, 2024) == {("female", "65+"): 400, ("male", "65+"): 300}


def test_the_page_opens_the_latest_year_or_the_one_asked_for(login, staff, area):
    client = login(staff)
    client.post(_url(area), _grid(2024, male_65_plus=300))
    client.post(_url(area), _grid(2025, male_65_plus=305))

    assert client.get(_url(area)).context["form"].initial["male_65_plus"] == 305
    assert client.get(f"{_url(area)}?year=2024").context["form"].initial["male_65_plus"] == 300
    # A year without figures starts empty; a nonsense year is ignored.
    assert "male_65_plus" not in client.get(f"{_url(area)}?year=2030").context["form"].initial
    assert client.get(f"{_url(area)}?year=99x").context["form"].initial["year"] == 2025


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_grid(2025, female_65_plus=-1), "female_65_plus"),
        (_grid(2025, female_65_plus="12,5"), "female_65_plus"),
        (_grid(2025, male_0_17="dużo"), "male_0_17"),
        (_grid(2025, male_0_17=2**63), "male_0_17"),
        (_grid(1989, female_65_plus=400), "year"),
        (_grid(2101, female_65_plus=400), "year"),
        (_grid("", female_65_plus=400), "year"),
        (_grid(2025), "__all__"),  # nothing typed
    ],
    ids=["negative", "fraction", "words", "huge", "1989", "2101", "no-year", "empty"],
)
def test_bad_input_is_a_translated_form_error(data, field):
    form = PopulationForm(data)

    assert not form.is_valid()
    assert field in form.errors


def test_bad_input_is_explained_on_the_page_and_nothing_is_saved(login, staff, area):
    response = login(staff).post(_url(area), _grid(2025, female_65_plus=-1, male_65_plus=300))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["female_65_plus"]
    assert not AreaPopulation.objects.exists()
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert 'value="300"' in page  # what was typed stays


def test_the_area_page_links_to_its_population(login, staff, area):
    page = login(staff).get(reverse("resources_map:area_edit", args=[area.pk]))

    assert _url(area) in page.content.decode()


def _area_data(**changes) -> dict:
    data = {"name": "Pysząca", "kind": AreaKind.VILLAGE, "urban": "", "description": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("kind", "urban", "expected"),
    [
        (AreaKind.VILLAGE, "", False),
        (AreaKind.DISTRICT, "", True),
        (AreaKind.VILLAGE, "1", True),  # a village within the town's limits
        (AreaKind.DISTRICT, "0", False),
    ],
)
def test_urban_follows_the_kind_unless_staff_choose(db, kind, urban, expected):
    form = AreaForm(_area_data(kind=kind, urban=urban))

    assert form.is_valid(), form.errors
    assert form.save().urban is expected


def test_an_areas_form_shows_its_stored_urban_setting(db):
    area = Area.objects.create(name="Pysząca", kind=AreaKind.VILLAGE, urban=False)

    assert AreaForm(instance=area).initial["urban"] == "0"
    assert AreaForm(_area_data(urban="maybe"), instance=area).errors["urban"]
