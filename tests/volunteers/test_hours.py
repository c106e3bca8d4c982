"""Logging hours: the rules (quarter hours, 24 a day, no future, inside the agreement, approved
entries locked), the weekly grid, CSV import, approval and totals."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.initiatives.conftest import pl
from tests.volunteers.conftest import make_agreement, make_entry, make_volunteer, today
from volunteers.models import EntryStatus, HoursEntry


def day(days_ago: int) -> str:
    return (today() - datetime.timedelta(days=days_ago)).isoformat()


def log(client, volunteer, *, hours="2", date=None, activity="Pomoc przy pikniku", language=None):
    url = reverse("volunteers:hours_create")
    if language:
        with translation.override(language):
            url = reverse("volunteers:hours_create")
    return client.post(
        url,
        {
            "volunteer": volunteer.pk,
            "date": date or day(1),
            "hours": hours,
            "activity": activity,
            "with_children": "no",
        },
    )


def test_a_coordinator_logs_hours_that_wait_for_approval(login, partner_a, volunteer_a):
    response = log(login(partner_a), volunteer_a, hours="1,75")

    entry = HoursEntry.objects.get()
    assert response.status_code == 302
    assert (entry.quarters, entry.status, entry.logged_by) == (7, EntryStatus.SUBMITTED, partner_a)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Hours must be more than zero."),
        ("-2", "Enter the hours as a number, e.g. 2 or 1.5."),
        ("1,1", "Use quarter-hour steps: 0.25, 0.5, 0.75, 1…"),
        ("25", "A day has at most 24 hours."),
        ("dwie", "Enter the hours as a number, e.g. 2 or 1.5."),
    ],
)
def test_impossible_hours_are_explained_and_nothing_is_saved(
    login, partner_a, volunteer_a, hours, message
):
    response = log(login(partner_a), volunteer_a, hours=hours, language="en")

    assert response.status_code == 200
    assert message in response.context["form"].errors["hours"]
    assert not HoursEntry.objects.exists()


def test_no_more_than_24_hours_a_day_across_all_entries(login, partner_a, volunteer_a):
    make_entry(volunteer_a, days_ago=1, quarters=80)  # 20 h already
    make_entry(volunteer_a, days_ago=1, quarters=80, status=EntryStatus.REJECTED)  # not counted

    response = log(login(partner_a), volunteer_a, hours="4,25")

    assert response.status_code == 200
    assert "24" in str(response.context["form"].non_field_errors())
    assert HoursEntry.objects.count() == 2
    assert log(login(partner_a), volunteer_a, hours="4").status_code == 302


@pytest.mark.clock
def test_no_hours_in_the_future_or_outside_the_agreement(login, partner_a, volunteer_a):
    client = login(partner_a)
    future = log(client, volunteer_a, date=(today() + datetime.timedelta(days=1)).isoformat())
    before = log(client, volunteer_a, date=day(400))  # the agreement began 200 days ago

    assert pl("Hours cannot be logged for a day in the future.") in str(
        future.context["form"].non_field_errors()
    )
    assert "400" not in str(before.context["form"].non_field_errors())
    assert before.context["form"].non_field_errors()
    assert not HoursEntry.objects.exists()


def test_work_must_be_named(login, partner_a, volunteer_a):
    response = log(login(partner_a), volunteer_a, activity="")

    assert pl("Say what the work was: an opportunity, an initiative or a few words.") in str(
        response.context["form"].non_field_errors()
    )


def test_approved_hours_are_locked(login, partner_a, staff, volunteer_a):
    entry = make_entry(volunteer_a, status=EntryStatus.APPROVED, decided_by=staff)
    client = login(partner_a)

    page = client.get(reverse("volunteers:hours_edit", args=[entry.pk]))
    post = client.post(
        reverse("volunteers:hours_edit", args=[entry.pk]),
        {"volunteer": volunteer_a.pk, "date": day(2), "hours": "8", "activity": "x"},
    )

    entry.refresh_from_db()
    assert page.status_code == 302 and post.status_code == 302
    assert entry.quarters == 8 and entry.status == EntryStatus.APPROVED


def test_a_rejected_entry_goes_back_to_the_queue_when_corrected(login, partner_a, volunteer_a):
    entry = make_entry(volunteer_a, status=EntryStatus.REJECTED)

    login(partner_a).post(
        reverse("volunteers:hours_edit", args=[entry.pk]),
        {
            "volunteer": volunteer_a.pk,
            "date": day(2),
            "hours": "3",
            "activity": "Sprzątanie",
            "with_children": "no",
        },
    )

    entry.refresh_from_db()
    assert (entry.quarters, entry.status, entry.reject_reason) == (12, "submitted", "")


# --- The weekly grid -----------------------------------------------------------------------------


def monday_of_last_week() -> datetime.date:
    return today() - datetime.timedelta(days=today().weekday() + 7)


def grid_url(**params) -> str:
    iso = monday_of_last_week().isocalendar()
    query = f"?week={iso[0]}-W{iso[1]:02d}"
    return reverse("volunteers:hours_week") + query


def cell(volunteer, offset: int) -> str:
    return (
        f"h-{volunteer.pk}-{(monday_of_last_week() + datetime.timedelta(days=offset)).isoformat()}"
    )


def test_the_grid_saves_a_week_and_an_invalid_cell_saves_nothing(login, partner_a, organisation_a):
    volunteers = [make_volunteer(organisation_a, n) for n in range(3)]
    for volunteer in volunteers:
        make_agreement(volunteer)
    client = login(partner_a)
    data = {
        "activity": "Festyn",
        "with_children": "no",
        cell(volunteers[0], 0): "2",
        cell(volunteers[1], 2): "1,5",
        cell(volunteers[2], 4): "1,3",  # not a quarter step
    }

    failed = client.post(grid_url(), data)

    assert failed.status_code == 200
    assert not HoursEntry.objects.exists()
    body = failed.content.decode()
    assert f'id="{cell(volunteers[2], 4)}-error"' in body
    assert 'value="1,5"' in body  # what was typed stays
    assert failed.context["error_count"] == 1

    data[cell(volunteers[2], 4)] = "1,25"
    saved = client.post(grid_url(), data)

    assert saved.status_code == 302
    assert sorted(HoursEntry.objects.values_list("quarters", flat=True)) == [5, 6, 8]


def test_the_grid_explains_a_day_over_24_hours(login, partner_a, volunteer_a):
    make_entry(
        volunteer_a, days_ago=(today() - monday_of_last_week()).days, quarters=88
    )  # 22 h on that Monday

    response = login(partner_a).post(
        grid_url(), {"activity": "x", "with_children": "no", cell(volunteer_a, 0): "3"}
    )

    assert response.status_code == 200
    assert response.context["error_count"] == 1
    assert HoursEntry.objects.count() == 1


def _grid_queries(client, volunteers) -> int:
    data = {"activity": "Festyn", "with_children": "no"}
    for volunteer in volunteers:
        for offset in range(5):
            data[cell(volunteer, offset)] = "1"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(grid_url(), data)
    assert response.status_code == 302
    statements = [query["sql"] for query in queries]
    if connection.vendor != "postgresql":
        # SQLite caps the parameters of one statement, so bulk inserts come in batches there.
        statements = [sql for sql in statements if not sql.startswith("INSERT")]
    return len(statements)


def test_the_grid_for_50_volunteers_saves_in_one_request_with_a_fixed_number_of_queries(
    login, partner_a, organisation_a
):
    client = login(partner_a)
    few = [make_volunteer(organisation_a, n) for n in range(3)]
    few_queries = _grid_queries(client, few)
    HoursEntry.objects.all().delete()
    many = few + [make_volunteer(organisation_a, n) for n in range(3, 50)]

    many_queries = _grid_queries(client, many)

    assert HoursEntry.objects.count() == 50 * 5
    assert many_queries == few_queries
    assert many_queries <= 20


# --- CSV import ----------------------------------------------------------------------------------


def upload(client, text: str, encoding: str = "utf-8"):
    return client.post(
        reverse("volunteers:hours_import"),
        {"file": SimpleUploadedFile("godziny.csv", text.encode(encoding))},
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1250"])
def test_hours_import_from_utf8_and_windows_1250(login, partner_a, organisation_a, encoding):
    volunteer = make_volunteer(organisation_a, 5, first_name="Łucja", last_name="Żółtowska")
    text = (
        f"volunteer;date;hours;activity;children\r\nŁucja Żółtowska;{day(3)};2,5;Świetlica;nie\r\n"
    )

    response = upload(login(partner_a), text, encoding)

    assert response.status_code == 302
    entry = HoursEntry.objects.get()
    assert (entry.volunteer, entry.quarters, entry.activity) == (volunteer, 10, "Świetlica")


def test_one_bad_row_imports_nothing_and_is_reported(login, partner_a, volunteer_a):
    text = (
        "volunteer;date;hours;activity;children\r\n"
        f"Anna Alfa;{day(3)};2;Festyn;nie\r\n"
        f"Anna Alfa;{day(2)};0,1;Festyn;nie\r\n"
        f"Nieznana Osoba;{day(2)};1;Festyn;nie\r\n"
    )

    response = upload(login(partner_a), text)

    errors = response.context["result"].errors
    assert [error.split(":")[0] for error in errors] == [
        pl("Row %(number)s: %(errors)s.").split("%")[0] + "3",
        pl("Row %(number)s: %(errors)s.").split("%")[0] + "4",
    ]
    assert not HoursEntry.objects.exists()


def test_wrong_columns_are_named(login, partner_a, volunteer_a):
    response = upload(login(partner_a), "wolontariusz;data;godziny\r\nAnna Alfa;2026-01-01;2\r\n")

    assert "volunteer" in response.context["result"].errors[0]
    assert not HoursEntry.objects.exists()


# --- Approval and totals ------------------------------------------------------------------------


def test_staff_approve_in_bulk_and_reject_with_a_reason(login, staff, volunteer_a):
    entries = [make_entry(volunteer_a, days_ago=n + 1) for n in range(4)]
    client = login(staff)

    client.post(
        reverse("volunteers:approval"),
        {"entry": [entries[0].pk, entries[1].pk], "action": "approve"},
    )
    no_reason = client.post(
        reverse("volunteers:approval"), {"entry": [entries[2].pk], "action": "reject"}
    )
    client.post(
        reverse("volunteers:approval"),
        {"entry": [entries[2].pk, entries[3].pk], "action": "reject", "reason": "Dubel"},
    )

    statuses = dict(HoursEntry.objects.values_list("pk", "status"))
    assert [statuses[entry.pk] for entry in entries] == [
        "approved",
        "approved",
        "rejected",
        "rejected",
    ]
    assert no_reason.status_code == 302
    assert HoursEntry.objects.get(pk=entries[3].pk).reject_reason == "Dubel"
    assert HoursEntry.objects.get(pk=entries[0].pk).decided_by == staff


def _fill_entries(volunteers, count: int) -> None:
    HoursEntry.objects.bulk_create(
        [
            HoursEntry(
                volunteer=volunteers[n % len(volunteers)],
                date=today() - datetime.timedelta(days=1 + n % 150),
                quarters=4,
                activity="Dyżur",
                status="submitted" if n % 3 else "approved",
                decided_at=None if n % 3 else timezone.now(),
            )
            for n in range(count)
        ]
    )


@pytest.mark.parametrize(
    "url_name", ["volunteers:approval", "volunteers:totals", "volunteers:hours_list"]
)
def test_queue_and_totals_run_a_fixed_number_of_queries_for_10_and_5000_entries(
    login, staff, organisation_a, organisation_b, url_name
):
    volunteers = [make_volunteer(organisation_a, n) for n in range(20)] + [
        make_volunteer(organisation_b, n) for n in range(20, 30)
    ]
    client = login(staff)
    _fill_entries(volunteers, 10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    _fill_entries(volunteers, 4990)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200

    assert len(few) == len(many)


def test_totals_add_up_approved_hours_and_their_value(login, staff, volunteer_a, volunteer_b):
    from volunteers.models import VolunteerRate

    VolunteerRate.objects.all().delete()
    VolunteerRate.objects.create(
        valid_from=datetime.date(2000, 1, 1), hourly_rate="30.00", source="test"
    )
    make_entry(volunteer_a, quarters=10, status="approved")
    make_entry(volunteer_a, quarters=6, status="approved", days_ago=5)
    make_entry(volunteer_a, quarters=40, status="submitted")
    make_entry(volunteer_b, quarters=4, status="approved")

    context = login(staff).get(reverse("volunteers:totals")).context

    assert context["overall"]["hours"] == 5
    assert context["overall"]["value"] == 150
    by_volunteer = {row["volunteer__last_name"]: row["hours"] for row in context["by_volunteer"]}
    assert by_volunteer == {"Alfa": 4, "Beta": 1}
