"""Every rule of logging hours at once, the children rule tied to the work (not to how it was
entered), and hours typed twice: in single entry, the weekly grid, CSV import and approval."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from tests.volunteers.conftest import make_agreement, make_opportunity, make_volunteer
from volunteers.models import ChildSafetyCheck, EntryStatus, HoursEntry

WEDNESDAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def friday_27_november():
    # A Friday: the weekly grid opens on the week of Monday 23 November.
    with time_machine.travel(
        datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def cell(volunteer, day: datetime.date) -> str:
    return f"h-{volunteer.pk}-{day.isoformat()}"


@pytest.fixture
def anna(organisation_a):
    volunteer = make_volunteer(organisation_a, 1, first_name="Anna", last_name="Alfa")
    make_agreement(volunteer)
    return volunteer


@pytest.fixture
def three(organisation_a):
    volunteers = [make_volunteer(organisation_a, n) for n in range(3)]
    for volunteer in volunteers:
        make_agreement(volunteer)
    return volunteers


# --- Every error of every cell at once --------------------------------------------------------


def test_the_grid_reports_every_error_of_every_cell_at_once(login, partner_a, three):
    make_opportunity(partner_a.organisation, title="Świetlica dla dzieci", involves_children=True)
    data = {
        "activity": "Świetlica dla dzieci",  # the child opportunity typed as free text
        "with_children": "no",
        cell(three[0], WEDNESDAY): "1,3",  # not a quarter step
        cell(three[1], WEDNESDAY): "25",  # more than a day
        cell(three[2], WEDNESDAY): "2",  # fine as hours, but work with children, no check
    }

    response = login(partner_a).post(url("volunteers:hours_week"), data)

    assert response.status_code == 200
    assert not HoursEntry.objects.exists()
    assert response.context["error_count"] == 3
    body = response.content.decode()
    for volunteer in three:
        assert f'id="{cell(volunteer, WEDNESDAY)}-error"' in body
    assert "quarter-hour" in body or "0,25" in body
    assert "24" in body
    assert "no valid check for work with children" in body


def test_the_grid_reports_a_missing_check_and_a_missing_consent_beside_a_bad_cell(
    login, partner_a, organisation_a, three
):
    minor = make_volunteer(organisation_a, 8, birth_year=2012)  # no guardian's consent
    make_agreement(minor)
    data = {
        "activity": "Zajęcia plastyczne",
        "with_children": "yes",
        cell(three[0], WEDNESDAY): "dwie",
        cell(minor, WEDNESDAY): "2",
    }

    response = login(partner_a).post(url("volunteers:hours_week"), data)

    errors = {key: errors for key, errors in _cell_errors(response).items()}
    assert set(errors) == {cell(three[0], WEDNESDAY), cell(minor, WEDNESDAY)}
    assert any("guardian" in error for error in errors[cell(minor, WEDNESDAY)])
    assert any("check" in error for error in errors[cell(minor, WEDNESDAY)])
    assert not HoursEntry.objects.exists()


def _cell_errors(response) -> dict[str, list[str]]:
    return {cell["key"]: cell["errors"] for _volunteer, cell in response.context["cell_errors"]}


def test_the_single_form_reports_a_bad_field_and_the_rules_at_once(login, partner_a, anna):
    make_opportunity(partner_a.organisation, title="Odrabianie lekcji", involves_children=True)

    response = login(partner_a).post(
        url("volunteers:hours_create"),
        {
            "volunteer": anna.pk,
            "date": "2026-11-28",  # tomorrow
            "hours": "2",
            "activity": "odrabianie  lekcji",
            "with_children": "no",
            "description": "x" * 2001,  # too long
        },
    )

    form = response.context["form"]
    assert "description" in form.errors
    errors = " ".join(form.non_field_errors())
    assert "future" in errors and "check for work with children" in errors
    assert not HoursEntry.objects.exists()


def test_a_csv_row_reports_all_its_problems_at_once(login, partner_a, anna):
    text = "volunteer;date;hours;activity;children\r\nAnna Alfa;2026-11-28;1,1;Świetlica;tak\r\n"

    response = login(partner_a).post(
        url("volunteers:hours_import"),
        {"file": SimpleUploadedFile("godziny.csv", text.encode())},
    )

    (error,) = response.context["result"].errors
    assert "quarter" in error and "future" in error and "check" in error
    assert not HoursEntry.objects.exists()


# --- The children rule follows the work --------------------------------------------------------


def log(client, volunteer, **fields):
    data = {"volunteer": volunteer.pk, "date": WEDNESDAY.isoformat(), "hours": "3"}
    return client.post(url("volunteers:hours_create"), {**data, **fields})


def test_child_work_typed_as_free_text_needs_a_valid_check(login, partner_a, anna):
    opportunity = make_opportunity(
        partner_a.organisation, title="Pomoc w odrabianiu lekcji", involves_children=True
    )
    client = login(partner_a)

    chosen = log(client, anna, opportunity=opportunity.pk)
    typed = log(client, anna, activity="Pomoc w odrabianiu lekcji", with_children="no")
    declared = log(client, anna, activity="Zajęcia z dziećmi w świetlicy", with_children="yes")
    undeclared = log(client, anna, activity="Zajęcia w świetlicy")

    for response in (chosen, typed, declared):
        assert "check for work with children" in " ".join(
            response.context["form"].non_field_errors()
        )
    assert "involves children" in " ".join(undeclared.context["form"].non_field_errors())
    assert not HoursEntry.objects.exists()

    ChildSafetyCheck.objects.create(
        volunteer=anna, checked_on=WEDNESDAY - datetime.timedelta(days=30), checked_by="K. Nowak"
    )
    assert log(client, anna, activity="Zajęcia z dziećmi", with_children="yes").status_code == 302
    assert HoursEntry.objects.get().involves_children


def test_the_grid_and_csv_refuse_declared_child_work_without_a_check(login, partner_a, anna):
    client = login(partner_a)
    grid = client.post(
        url("volunteers:hours_week"),
        {"activity": "Czytanie dzieciom", "with_children": "yes", cell(anna, WEDNESDAY): "2"},
    )
    imported = client.post(
        url("volunteers:hours_import"),
        {
            "file": SimpleUploadedFile(
                "godziny.csv",
                b"volunteer;date;hours;activity;children\r\n"
                b"Anna Alfa;2026-11-25;2;Czytanie dzieciom;tak\r\n",
            )
        },
    )

    assert "check for work with children" in " ".join(_cell_errors(grid)[cell(anna, WEDNESDAY)])
    assert "check for work with children" in imported.context["result"].errors[0]
    assert not HoursEntry.objects.exists()


def test_approval_leaves_child_work_without_a_valid_check_in_the_queue(login, staff, anna):
    child = HoursEntry.objects.create(
        volunteer=anna, date=WEDNESDAY, quarters=8, activity="Świetlica", with_children=True
    )
    other = HoursEntry.objects.create(
        volunteer=anna, date=WEDNESDAY, quarters=4, activity="Biuro", with_children=False
    )

    response = login(staff).post(
        url("volunteers:approval"),
        {"entry": [child.pk, other.pk], "action": "approve"},
        follow=True,
    )

    child.refresh_from_db()
    other.refresh_from_db()
    assert (child.status, other.status) == (EntryStatus.SUBMITTED, EntryStatus.APPROVED)
    assert "check for work with children" in response.content.decode()


# --- The same hours typed twice ---------------------------------------------------------------


def test_hours_entered_twice_warn_and_add_only_when_confirmed(login, partner_a, anna):
    client = login(partner_a)
    work = {"activity": "Pomoc przy pikniku", "with_children": "no"}
    assert log(client, anna, **work).status_code == 302

    again = log(client, anna, **work)

    assert again.status_code == 200
    assert "additional" in again.context["form"].errors
    assert 'type="checkbox" name="additional"' in again.content.decode()
    assert HoursEntry.objects.count() == 1

    confirmed = log(client, anna, additional="on", **work)

    assert confirmed.status_code == 302
    assert sum(entry.quarters for entry in HoursEntry.objects.filter(date=WEDNESDAY)) == 24  # 6 h


def test_the_grid_warns_about_a_week_entered_again(login, partner_a, anna):
    client = login(partner_a)
    week = {"activity": "Pomoc przy pikniku", "with_children": "no", cell(anna, WEDNESDAY): "3"}
    assert client.post(url("volunteers:hours_week"), week).status_code == 302

    again = client.post(url("volunteers:hours_week"), week)

    assert again.status_code == 200
    assert again.context["error_count"] == 1
    assert f'name="a-{cell(anna, WEDNESDAY)}"' in again.content.decode()
    assert HoursEntry.objects.count() == 1

    confirmed = client.post(
        url("volunteers:hours_week"), {**week, f"a-{cell(anna, WEDNESDAY)}": "on"}
    )

    assert confirmed.status_code == 302
    assert sum(HoursEntry.objects.values_list("quarters", flat=True)) == 24  # 3 h + 3 h


def test_a_different_day_or_work_is_not_a_repeat_and_rejected_hours_do_not_count(
    login, partner_a, anna
):
    HoursEntry.objects.create(
        volunteer=anna,
        date=WEDNESDAY,
        quarters=12,
        activity="Pomoc przy pikniku",
        with_children=False,
        status=EntryStatus.REJECTED,
        reject_reason="Zły dzień",
        decided_at=timezone.now(),
    )
    HoursEntry.objects.create(
        volunteer=anna, date=WEDNESDAY, quarters=12, activity="Biuro", with_children=False
    )

    response = log(login(partner_a), anna, activity="Pomoc przy pikniku", with_children="no")

    assert response.status_code == 302


def upload(client, text: str, repeated: str | None = None):
    data = {"file": SimpleUploadedFile("godziny.csv", text.encode())}
    if repeated:
        data["repeated"] = repeated
    return client.post(url("volunteers:hours_import"), data)


def test_csv_rows_repeating_logged_hours_are_reported_and_imported_only_when_confirmed(
    login, partner_a, anna
):
    HoursEntry.objects.create(
        volunteer=anna, date=WEDNESDAY, quarters=12, activity="Festyn", with_children=False
    )
    text = (
        "volunteer;date;hours;activity;children\r\n"
        "Anna Alfa;25.11.2026;3;Festyn;nie\r\n"
        "Anna Alfa;24.11.2026;2;Festyn;nie\r\n"
    )
    client = login(partner_a)

    stopped = upload(client, text)
    assert stopped.status_code == 200
    assert [line.split(":")[0] for line in stopped.context["result"].duplicates] == ["Row 2"]
    assert HoursEntry.objects.count() == 1

    assert upload(client, text, "skip").status_code == 302
    assert HoursEntry.objects.count() == 2  # the 24th only

    HoursEntry.objects.filter(date=datetime.date(2026, 11, 24)).delete()
    assert upload(client, text, "import").status_code == 302
    assert sum(HoursEntry.objects.filter(date=WEDNESDAY).values_list("quarters", flat=True)) == 24
