"""A new municipality's areas from files (resources_map/area_import.py, ``manage.py
import_areas``): boundaries from GeoJSON and residents from a GUS Local Data Bank CSV, in UTF-8
or Windows-1250 with ``;`` or ``,``; a bad file is refused row by row and nothing changes; the
map's box follows the imported areas. The samples are a fictional rural municipality."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from resources_map import geo
from resources_map.area_import import AreaImportError, import_areas
from resources_map.models import Area, AreaKind, AreaPopulation
from tests.resources_map.conftest import SREM

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
BOUNDARIES = (SAMPLES / "zielony_bor.geojson").read_bytes()
POPULATION = (SAMPLES / "zielony_bor_ludnosc.csv").read_bytes()
GROUPS = {
    "0-17": (40, 42),
    "18-54": (150, 160),
    "55-59": (20, 18),
    "60-64": (22, 19),
    "65+": (55, 38),
}


def cells(area: Area, year: int) -> dict:
    return {
        (row.sex, row.age_group): row.residents
        for row in AreaPopulation.objects.filter(area=area, year=year)
    }


def test_the_sample_municipality_is_imported_with_its_residents():
    result = import_areas(BOUNDARIES, POPULATION)

    assert sorted(result.created) == ["Borówko", "Jagodno", "Zielony Bór"]
    borowko = Area.objects.get(teryt="0990011")
    assert (borowko.name, borowko.kind, borowko.urban) == ("Borówko", AreaKind.VILLAGE, False)
    assert borowko.boundary["type"] == "Polygon"
    assert (float(borowko.latitude), float(borowko.longitude)) == (53.01, 18.51)
    # Single years of age added up into the portal's groups (100 and over among 65+; the
    # file's own totals skipped).
    assert cells(borowko, 2024) == {
        (sex, group): residents
        for sex in ("female", "male")
        for group, residents in {
            "0-17": 54,
            "18-54": 111,
            "55-59": 15,
            "60-64": 10,
            "65+": 71,
        }.items()
    }
    assert (borowko.population_year, borowko.population_total) == (2024, 522)
    assert (borowko.population_60_plus, borowko.population_55_plus) == (162, 192)
    assert borowko.population_children == 108
    forest = Area.objects.get(name="Zielony Bór")
    assert forest.boundary["type"] == "MultiPolygon"
    years = AreaPopulation.objects.filter(area=forest).values_list("year", flat=True)
    assert sorted(set(years)) == [2023, 2024]
    assert forest.population_total == 3 * sum(women + men for women, men in GROUPS.values())


def test_windows_1250_and_commas_give_the_same_figures():
    legacy = POPULATION.decode("utf-8").replace(";", ",").encode("cp1250")

    import_areas(BOUNDARIES, legacy)

    assert Area.objects.get(teryt="0990011").population_total == 522
    assert Area.objects.get(teryt="0990013").population_year == 2024


def test_importing_again_updates_the_areas_and_replaces_the_years_in_the_file():
    Area.objects.create(name="Jagodno", kind=AreaKind.DISTRICT)  # entered by hand before
    import_areas(BOUNDARIES, POPULATION)

    result = import_areas(BOUNDARIES, POPULATION)

    assert sorted(result.updated) == ["Borówko", "Jagodno", "Zielony Bór"]
    assert Area.objects.count() == 3
    assert Area.objects.get(name="Jagodno").teryt == "0990012"
    assert AreaPopulation.objects.count() == 2 * 5 * (1 + 2 + 2)


def refused(boundaries=BOUNDARIES, population=POPULATION) -> list[str]:
    before = (list(Area.objects.values()), list(AreaPopulation.objects.values()))
    with pytest.raises(AreaImportError) as refused:
        import_areas(boundaries, population)
    assert (list(Area.objects.values()), list(AreaPopulation.objects.values())) == before
    return refused.value.problems


def geojson_with(change) -> bytes:
    data = json.loads(BOUNDARIES)
    change(data["features"])
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda features: features[0]["geometry"]["coordinates"][0].pop(), "not closed"),
        (lambda features: features[0].update(geometry={"type": "Point"}), "Polygon or Multi"),
        (lambda features: features[0]["properties"].update(kind="miasto"), "district"),
    ],
)
def test_a_bad_feature_is_refused_with_its_number_and_reason_and_nothing_changes(change, reason):
    with translation.override("en"):
        problems = refused(geojson_with(change))

    assert len(problems) == 1, problems
    assert problems[0].startswith("Feature 1 (“Borówko”): ") and reason in problems[0]


@pytest.mark.parametrize(
    "change, reason, orphan",
    [
        (lambda features: features[0]["properties"].update(teryt="12"), "seven digits", "0990011"),
        (
            lambda features: features[1]["properties"].update(teryt="0990011"),
            "also feature 1",
            "0990012",
        ),
    ],
)
def test_a_bad_code_is_said_once_and_its_residents_once_per_code(change, reason, orphan):
    with translation.override("en"):
        problems = refused(geojson_with(change))

    assert len(problems) == 2, problems
    assert problems[0].startswith("Feature ") and reason in problems[0]
    assert problems[1].startswith("Residents, lines ") and orphan in problems[1]


@pytest.mark.parametrize(
    "line, reason",
    [
        ("0990099;Nieznana;0-17;kobiety;2024;5;osoba;", "0990099"),
        ("0990012;Jagodno;0-17;kobiety;2022;-5;osoba;", "-5"),
        ("0990012;Jagodno;15-19;kobiety;2022;5;osoba;", "15-19"),
        ("0990012;Jagodno;0-17;dzieci;2022;5;osoba;", "dzieci"),
        ("0990012;Jagodno;0-17;kobiety;1850;5;osoba;", "1850"),
    ],
)
def test_a_bad_row_of_residents_is_refused_with_its_line_and_reason(line, reason):
    problems = refused(population=POPULATION + line.encode() + b"\r\n")

    assert len(problems) == 1
    assert "246" in problems[0] and reason in problems[0]


def test_every_bad_row_is_reported_not_just_the_first():
    extra = b"0990099;X;0-17;kobiety;2024;5;;\r\n0990012;Jagodno;0-17;kobiety;2024;-1;;\r\n"

    with translation.override("en"):
        problems = refused(population=POPULATION + extra)

    assert sorted(problems) == [
        "Residents, line 246: unknown TERYT code “0990099”.",
        "Residents, line 247: the number of residents “-1” is not a whole number of 0 or more.",
    ]


def test_files_in_an_unreadable_encoding_are_refused():
    assert "UTF-8" in refused(boundaries=BOUNDARIES.decode("utf-8").encode("cp1250"))[0]
    garbled = "Kod;Nazwa;Wiek;Płeć;Rok;Wartosc\n0990011;Ąę¦±¶;0;kobiety;2024;1\n".encode(
        "latin-1", "replace"
    )
    assert refused(population=garbled)


def test_a_file_without_the_columns_of_the_data_bank_is_refused():
    problems = refused(population=b"area;year;people\r\n0990011;2024;5\r\n")

    assert "Kod;Nazwa;Wiek;P" in problems[0]


def test_the_map_box_follows_the_imported_areas():
    assert geo.point_error(*SREM) is None  # the configured box, while no area has a boundary

    import_areas(BOUNDARIES)

    south, west, north, east = geo.bounds()
    assert (round(south, 2), round(west, 2), round(north, 2), round(east, 2)) == (
        52.99,
        18.49,
        53.05,
        18.55,
    )
    assert geo.point_error(53.01, 18.51) is None
    assert geo.point_error(*SREM) is not None  # Śrem is not in this municipality


def test_the_command_reports_every_problem_and_imports_nothing(tmp_path, capsys):
    good, bad = tmp_path / "areas.geojson", tmp_path / "people.csv"
    good.write_bytes(BOUNDARIES)
    bad.write_bytes(POPULATION + b"0990099;X;0-17;kobiety;2024;5;;\r\n")

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_areas", str(good), population=str(bad))
    assert "0990099" in capsys.readouterr().err
    assert not Area.objects.exists()

    call_command("import_areas", str(good), dry_run=True)
    assert not Area.objects.exists()

    call_command("import_areas", str(good))
    assert Area.objects.count() == 3
