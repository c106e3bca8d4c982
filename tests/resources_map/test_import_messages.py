"""What the import of the map's CSV files tells the staff member sending one: messages about
the file (its row, its column, what the cell holds), not advice meant for a resident filling in
a form; and which columns a file needs, named on the import page.
"""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from calportal.contacts import FOREIGN_PHONE_MESSAGE, INVALID_PHONE_MESSAGE
from resources_map import csv_io
from resources_map.models import Resource
from tests.resources_map.test_import import (
    SWIETLICA,
    import_errors,
    resources_csv,
    row_numbers,
    upload,
)

HEADER = "name;class;kind;phone"
GOOD_ROW = f"{SWIETLICA};material;room;601 234 567"


@pytest.fixture
def client_staff(login, staff):
    return login(staff)


def import_in_english(*rows: str) -> list[str]:
    with translation.override("en"):
        result = csv_io.import_resources(resources_csv(HEADER, *rows).encode("utf-8"))
        return result.errors


@pytest.mark.parametrize("phone", ["+49 30 1234567", "0049 30 1234567", "+420 601 123 456"])
def test_a_foreign_phone_is_reported_on_its_row_in_words_about_the_file(roles, phone):
    errors = import_in_english(GOOD_ROW, f"Sala OSP;material;room;{phone}")

    assert errors == [
        f"Row 3: Phone (column “phone”): “{phone}” is not a Polish number, and the centre "
        "calls only Polish ones (+48): correct the cell or leave it empty."
    ]
    assert not Resource.objects.exists()


@pytest.mark.parametrize("phone", ["12 34", "601 234 567 wew. 12", "601 234 56"])
def test_a_phone_that_is_no_number_is_reported_with_what_the_cell_holds(roles, phone):
    errors = import_in_english(GOOD_ROW, f"Sala OSP;material;room;{phone}")

    assert errors == [
        f"Row 3: Phone (column “phone”): “{phone}” is not a valid Polish phone number "
        "(9 digits, e.g. 601 234 567 or 61 283 00 00, with or without +48)."
    ]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_page_shows_no_advice_meant_for_residents(client_staff, language):
    content = resources_csv(HEADER, GOOD_ROW, "Sala OSP;material;room;+49 30 1234567", "")
    with translation.override(language):
        response = upload(client_staff, "resources", content)
        resident_advice = [str(FOREIGN_PHONE_MESSAGE), str(INVALID_PHONE_MESSAGE)]

    errors = import_errors(response)

    assert row_numbers(errors) == [3]
    assert "+49 30 1234567" in errors[0]
    assert "“phone”" in errors[0] or "„phone”" in errors[0]
    page = unescape(response.content.decode())
    assert not [advice for advice in resident_advice if advice.rstrip(".") in page]


def test_other_field_errors_name_their_column_too(roles):
    errors = import_in_english(GOOD_ROW, "Sala OSP;materialne-ish;room;")

    assert row_numbers(errors) == [3]
    assert errors[0].startswith("Row 3: Class (column “class”): ")
    assert "materialne-ish" in errors[0]


def columns_named(page: str) -> dict[str, list[str]]:
    """The import page's lists of columns: {"required": [...], "optional": [...]}."""
    block = re.search(r'<dl id="import-columns">(.*?)</dl>', page, re.S).group(1)
    lists = [code.split("; ") for code in re.findall(r"<code>(.*?)</code>", block)]
    assert len(lists) == 2
    return {"required": lists[0], "optional": lists[1]}


@pytest.mark.parametrize(
    ("what", "required"),
    [
        ("resources", ["name", "class", "kind"]),
        ("needs", ["title", "description", "areas", "found_by"]),
    ],
)
def test_the_import_page_names_the_required_columns(client_staff, what, required):
    with translation.override("en"):
        response = client_staff.get(reverse("resources_map:import", kwargs={"what": what}))

    page = response.content.decode()
    assert "Required columns" in page
    named = columns_named(page)
    assert named["required"] == required
    columns = csv_io.RESOURCE_COLUMNS if what == "resources" else csv_io.NEED_COLUMNS
    assert sorted(named["required"] + named["optional"]) == sorted(columns)
    assert "id" in named["optional"]


def test_the_required_columns_are_the_ones_the_import_checks(roles):
    """The page's list is the import's: a file without one of them is refused, naming it."""
    for missing in csv_io.RESOURCE_COLUMNS.required:
        header = [c for c in csv_io.RESOURCE_COLUMNS.required if c != missing]
        row = {"name": SWIETLICA, "class": "material", "kind": "room"}
        content = ";".join(header) + "\r\n" + ";".join(row[c] for c in header) + "\r\n"

        with translation.override("en"):
            errors = csv_io.import_resources(content.encode("utf-8")).errors

        assert len(errors) == 1
        assert f"missing columns: {missing}" in errors[0]
