"""The hours import reads the same encodings as the map's import, through the one CSV module,
and never stores garbled text."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.csv_samples import ALL_LETTERS, ENCODINGS, SWIETLICA, encoded, undecidable_files
from tests.volunteers.conftest import make_agreement, make_volunteer
from volunteers.models import HoursEntry

HEADER = "volunteer;date;hours;activity;children;description"


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(
        datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


@pytest.fixture
def volunteer(organisation_a):
    volunteer = make_volunteer(organisation_a, 7, first_name="Łucja", last_name="Źdźbło-Żółtowska")
    make_agreement(volunteer)
    return volunteer


def upload(client, raw: bytes):
    return client.post(
        reverse("volunteers:hours_import"),
        {"file": SimpleUploadedFile("godziny.csv", raw, content_type="text/csv")},
    )


@pytest.mark.parametrize("encoding", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_the_same_polish_file_imports_identically_in_every_encoding(
    login, partner_a, volunteer, encoding
):
    text = (
        f"{HEADER}\r\n"
        f"Łucja Źdźbło-Żółtowska;16.03.2026;2,5;{SWIETLICA};nie;{ALL_LETTERS}\r\n"
        f"{volunteer.pk};2026-03-17;1;Pączki dla seniorów;nie;\r\n"
    )

    response = upload(login(partner_a), encoded(text, encoding))

    assert response.status_code == 302, response.context["result"].errors
    entries = list(HoursEntry.objects.order_by("date"))
    assert [(e.volunteer, e.date.isoformat(), e.quarters) for e in entries] == [
        (volunteer, "2026-03-16", 10),
        (volunteer, "2026-03-17", 4),
    ]
    assert (entries[0].activity, entries[0].description) == (SWIETLICA, ALL_LETTERS)
    assert entries[1].activity == "Pączki dla seniorów"


@pytest.mark.parametrize("kind", undecidable_files(HEADER).keys())
def test_an_undecidable_file_is_refused_with_a_message_and_nothing_is_stored(
    login, partner_a, volunteer, kind
):
    with translation.override("en"):
        response = upload(login(partner_a), undecidable_files(HEADER)[kind])

    assert response.status_code == 200
    errors = response.context["result"].errors
    assert len(errors) == 1
    assert "CSV UTF-8" in errors[0]
    assert not HoursEntry.objects.exists()


def test_an_ascii_only_file_imports(login, partner_a, organisation_a):
    plain = make_volunteer(organisation_a, 8, first_name="Anna", last_name="Nowak")
    make_agreement(plain)

    response = upload(
        login(partner_a), f"{HEADER}\r\nAnna Nowak;2026-03-16;2;Festyn;nie;\r\n".encode()
    )

    assert response.status_code == 302
    assert HoursEntry.objects.get().volunteer == plain
