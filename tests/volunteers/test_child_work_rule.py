"""Whether hours are work with children is decided by one rule
(:func:`volunteers.models.is_child_work`): saving, the weekly grid, CSV import, approval and the
entry itself cannot disagree."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.volunteers.conftest import make_agreement, make_opportunity, make_volunteer
from volunteers import services
from volunteers.models import EntryStatus, HoursEntry, child_work_titles, is_child_work

WEDNESDAY = datetime.date(2026, 11, 25)


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
    return volunteer


def url(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


def entry(volunteer, **fields) -> HoursEntry:
    return HoursEntry(volunteer=volunteer, date=WEDNESDAY, quarters=8, **fields)


def test_a_logged_entry_naming_a_child_opportunity_is_work_with_children(
    partner_a, organisation_b, anna
):
    make_opportunity(
        partner_a.organisation, title="Pomoc w odrabianiu lekcji", involves_children=True
    )
    picnic = make_opportunity(partner_a.organisation, title="Piknik")
    homework = make_opportunity(
        partner_a.organisation, title="Odrabianie lekcji", involves_children=True
    )
    other = make_volunteer(organisation_b, 2)
    typed = " pomoc w  ODRABIANIU lekcji "

    assert entry(anna, activity=typed, with_children=False).involves_children
    assert entry(anna, opportunity=homework).involves_children
    assert entry(anna, opportunity=picnic, with_children=True).involves_children
    assert entry(anna, activity="Biuro", with_children=True).involves_children
    assert not entry(anna, activity="Biuro", with_children=False).involves_children
    assert not entry(anna, opportunity=picnic).involves_children
    # Another organisation's opportunity of that title says nothing about this work.
    assert not entry(other, activity=typed, with_children=False).involves_children

    titles = child_work_titles([anna.organisation_id, other.organisation_id])
    for hours in (
        entry(anna, activity=typed, with_children=False),
        entry(other, activity=typed, with_children=False),
        entry(anna, opportunity=picnic),
    ):
        assert is_child_work(hours, titles) == hours.involves_children


def test_saving_the_grid_csv_import_and_approval_all_ask_the_one_rule(
    monkeypatch, login, partner_a, staff, anna
):
    """With the rule saying "work with children", every way in refuses office work by someone
    without a check: none of them decides on its own."""
    asked = []

    def always_children(hours, child_titles=None):
        asked.append(hours.activity)
        return True

    monkeypatch.setattr(services, "is_child_work", always_children)
    office = {"activity": "Biuro", "with_children": "no"}
    client = login(partner_a)

    single = client.post(
        url("volunteers:hours_create"),
        {"volunteer": anna.pk, "date": WEDNESDAY.isoformat(), "hours": "2", **office},
    )
    grid = client.post(
        url("volunteers:hours_week"), {**office, f"h-{anna.pk}-{WEDNESDAY.isoformat()}": "2"}
    )
    imported = client.post(
        url("volunteers:hours_import"),
        {
            "file": SimpleUploadedFile(
                "godziny.csv",
                b"volunteer;date;hours;activity;children\r\nAnna Alfa;2026-11-25;2;Biuro;nie\r\n",
            )
        },
    )

    assert "check for work with children" in " ".join(single.context["form"].non_field_errors())
    assert grid.status_code == 200 and grid.context["error_count"] == 1
    assert "check for work with children" in imported.context["result"].errors[0]
    assert not HoursEntry.objects.exists()
    assert set(asked) == {"Biuro"}

    asked.clear()
    logged = HoursEntry.objects.create(
        volunteer=anna, date=WEDNESDAY, quarters=8, activity="Biuro", with_children=False
    )
    login(staff).post(url("volunteers:approval"), {"entry": [logged.pk], "action": "approve"})

    logged.refresh_from_db()
    assert logged.status == EntryStatus.SUBMITTED
    assert asked == ["Biuro"]
