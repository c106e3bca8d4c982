"""The diagnosis PDF on a large map (issue 17): above RESOURCES_MAP_DIAGNOSIS_LIST_LIMIT
resources section 2 is a summary by class and kind plus the address of the full CSV list; at
or below it every resource is listed. Read back from the PDF's text (pdftotext)."""

import subprocess

import pytest

from calportal.documents.registry import get_builder
from resources_map.models import Resource, ResourceClass, ResourceKind
from tests.resources_map.conftest import make_resource


def _pdf_info(data: bytes) -> dict:
    result = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    return dict(
        tuple(part.strip() for part in line.split(":", 1))
        for line in result.stdout.decode().splitlines()
        if ":" in line
    )


def _pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def _resources():
    make_resource(name="Sala w bibliotece")
    make_resource(name="Świetlica wiejska", is_public=False)
    make_resource(
        name="Rowerowy wolontariusz",
        resource_class=ResourceClass.HUMAN,
        kind=ResourceKind.SKILL,
        latitude=None,
        longitude=None,
    )


@pytest.mark.django_db
def test_a_map_above_the_limit_gets_a_summary_and_the_csv_address(settings):
    settings.RESOURCES_MAP_DIAGNOSIS_LIST_LIMIT = 2
    settings.SITE_URL = "https://cal.example.org"
    _resources()

    text = _pdf_text(get_builder("resources_map.diagnosis").build({}).render(language="en"))

    assert "2. Resources" in text
    assert "The map has 3 resources: more than 2" in text
    assert "resources CSV file" in text
    assert "https://cal.example.org/manage/map/export/resources.csv" in text
    # Per class and kind: how many, shown to the public, on the public map (a point).
    assert "Class and kind" in text and "On the public map" in text
    assert "Material 2 1 1" in text and "Room to borrow 2 1 1" in text
    assert "Human 1 1 0" in text and "Skills 1 1 0" in text
    assert "All resources 3 2 1" in text
    # No resource is listed one by one any more.
    assert "Sala w bibliotece" not in text
    assert "Rowerowy wolontariusz" not in text
    assert "3. Needs and problems" in text


@pytest.mark.django_db
def test_a_map_within_the_limit_lists_every_resource(settings):
    settings.RESOURCES_MAP_DIAGNOSIS_LIST_LIMIT = 3
    _resources()

    text = _pdf_text(get_builder("resources_map.diagnosis").build({}).render(language="en"))

    assert "Sala w bibliotece" in text
    assert "Świetlica wiejska *" in text
    assert "Rowerowy wolontariusz" in text
    assert "resources CSV file" not in text


@pytest.mark.django_db
def test_a_long_list_repeats_its_header_on_every_page_and_the_pdf_is_tagged(settings):
    settings.RESOURCES_MAP_DIAGNOSIS_LIST_LIMIT = 500
    Resource.objects.bulk_create(
        Resource(
            name=f"Sala numer {i:03d}",
            resource_class=ResourceClass.MATERIAL,
            kind=ResourceKind.ROOM,
            is_public=True,
        )
        for i in range(120)
    )

    data = get_builder("resources_map.diagnosis").build({}).render(language="en")

    info = _pdf_info(data)
    assert info["Tagged"] == "yes"  # headings and table header cells for screen readers
    pages = int(info["Pages"])
    assert pages >= 4
    text = _pdf_text(data)
    assert "Sala numer 000" in text and "Sala numer 119" in text
    # The resources table runs over several pages, each starting with its header row.
    assert text.count("Owner and contact") >= pages - 2
