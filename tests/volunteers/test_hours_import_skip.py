"""“Leave them out and import the rest” with every row a repeat: done, nothing created, and the
coordinator is told which rows were left out — not asked again to choose."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.volunteers.conftest import make_agreement, make_volunteer
from volunteers.hours_csv import HoursImportResult, Repeated
from volunteers.models import HoursEntry

WEDNESDAY = datetime.date(2026, 11, 25)
REPEATS_ONLY = (
    "volunteer;date;hours;activity;children\r\n"
    "Anna Alfa;25.11.2026;3;Festyn;nie\r\n"
    "Anna Alfa;2026-11-25;3;festyn;nie\r\n"
)


@pytest.fixture(autouse=True)
def friday_27_november():
    with time_machine.travel(
        datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


@pytest.fixture
def anna(organisation_a):
    volunteer = make_volunteer(organisation_a, 1, first_name="Anna", last_name="Alfa")
    make_agreement(volunteer)
    HoursEntry.objects.create(
        volunteer=volunteer, date=WEDNESDAY, quarters=12, activity="Festyn", with_children=False
    )
    return volunteer


def upload(client, repeated: str):
    with translation.override("en"):
        address = reverse("volunteers:hours_import")
    return client.post(
        address,
        {"file": SimpleUploadedFile("godziny.csv", REPEATS_ONLY.encode()), "repeated": repeated},
    )


def test_leaving_out_every_row_is_done_with_nothing_created(login, partner_a, anna):
    response = upload(login(partner_a), Repeated.SKIP)

    assert response.status_code == 302
    assert HoursEntry.objects.count() == 1
    with translation.override("en"):
        shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(shown) == 1
    assert shown[0].startswith("Left out 2 rows identical to hours already logged: Row 2")
    assert "Row 3" in shown[0]


def test_asked_to_stop_the_same_file_waits_for_the_choice(login, partner_a, anna):
    response = upload(login(partner_a), Repeated.STOP)

    assert response.status_code == 200
    assert not response.context["result"].ok
    assert "Choose below what to do with them" in response.content.decode()
    assert HoursEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("repeated", "ok"), [(Repeated.STOP, False), (Repeated.SKIP, True), (Repeated.IMPORT, True)]
)
def test_repeated_rows_stop_the_import_only_when_asked_to(repeated, ok):
    result = HoursImportResult(duplicates=["Row 2: …"], skipped=1, repeated=repeated)

    assert result.ok is ok
    assert not HoursImportResult(errors=["Row 3: …"], repeated=repeated).ok
