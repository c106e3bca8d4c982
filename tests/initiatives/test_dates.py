"""Which day it is: ages, attendance and dates as people read and type them."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from initiatives import services
from initiatives.forms import SeriesForm
from initiatives.models import Event, Registration
from tests.factories import EventFactory, InitiativeFactory
from tests.initiatives.conftest import person

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def warsaw(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=WARSAW)


@pytest.mark.parametrize("hour, minute", [(0, 30), (18, 0)])
@time_machine.travel(warsaw(2026, 12, 1, 10, 0), tick=False)
def test_the_age_rule_counts_the_year_of_the_events_local_day(db, hour, minute):
    """00:30 on 1 January in Warsaw is still 31 December in UTC: the year is 2027 all day."""
    starts = warsaw(2027, 1, 1, hour, minute)
    event = EventFactory(
        initiative=InitiativeFactory(min_age=16),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )

    result = services.registration_create(event_id=event.pk, person=person(1, birth_year=2011))

    assert result.registration.status == "confirmed"


@time_machine.travel(warsaw(2026, 12, 1, 10, 0), tick=False)
def test_the_age_rule_still_refuses_the_year_before(db):
    starts = warsaw(2027, 1, 1, 0, 30)
    event = EventFactory(
        initiative=InitiativeFactory(min_age=16),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )

    with pytest.raises(services.RegistrationError):
        services.registration_create(event_id=event.pk, person=person(1, birth_year=2012))


@pytest.fixture
def event_on_2_december(db):
    """An event on 2 December 2026 at 10:00 with two confirmed people, made on 20 November."""
    with time_machine.travel(warsaw(2026, 11, 20, 12, 0), tick=False):
        starts = warsaw(2026, 12, 2, 10, 0)
        event = EventFactory(
            title="Warsztaty",
            capacity=12,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
        services.registration_create(event_id=event.pk, person=person(1))
        services.registration_create(event_id=event.pk, person=person(2))
    return event


@time_machine.travel(warsaw(2026, 11, 30, 12, 0), tick=False)
def test_attendance_for_an_event_still_to_come_is_refused_and_nothing_saved(
    login, staff, event_on_2_december
):
    ids = [str(pk) for pk in Registration.objects.values_list("pk", flat=True)]
    url = reverse("initiatives:event_attendance", args=[event_on_2_december.pk])

    with pytest.raises(services.RegistrationError):
        services.attendance_set(
            event=event_on_2_december, shown_ids=set(map(int, ids)), present_ids={int(ids[0])}
        )
    response = login(staff).post("/en" + url, {"shown": ids, "present": ids[:1]}, follow=True)

    html = response.content.decode()
    assert "Attendance cannot be recorded before the day of the event" in html
    assert "Attendance saved" not in html
    assert set(Registration.objects.values_list("attendance", flat=True)) == {""}
    # The page does not offer it either: no save button, the boxes are disabled.
    assert "Save attendance" not in html
    assert "disabled" in html


@pytest.mark.parametrize(
    "moment",
    [warsaw(2026, 12, 2, 0, 5), warsaw(2026, 12, 2, 9, 50), warsaw(2026, 12, 3, 9, 0)],
    ids=["just-after-midnight", "at-the-door", "the-day-after"],
)
def test_attendance_is_recorded_from_the_events_own_day(login, staff, event_on_2_december, moment):
    first, second = Registration.objects.order_by("pk")

    with time_machine.travel(moment, tick=False):
        login(staff).post(
            reverse("initiatives:event_attendance", args=[event_on_2_december.pk]),
            {"shown": [str(first.pk), str(second.pk)], "present": [str(first.pk)]},
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attendance, second.attendance) == ("present", "absent")


@time_machine.travel(warsaw(2026, 11, 20, 12, 0), tick=False)
def test_the_english_pages_show_day_month_year_never_month_first(login, staff, db):
    starts = warsaw(2026, 12, 2, 18, 0)
    EventFactory(title="Koncert", starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    url = reverse("initiatives:event_list")
    client = login(staff)

    english = client.get("/en" + url).content.decode()
    polish = client.get(url).content.decode()

    assert "2 Dec 2026, 18:00" in english
    assert "12/02/2026" not in english and "02.12.2026" not in english
    assert "02.12.2026 18:00" in polish
    assert "02-12-2026" not in polish


@pytest.mark.parametrize(
    "language, typed",
    [
        ("pl", "11.11.2027, 21.09.2027"),
        ("en", "11 Nov 2027, 21 Sep 2027"),
        ("en", "11 November 2027; 21 September 2027"),
        ("pl", "2027-11-11, 2027-09-21"),
    ],
)
def test_the_series_form_takes_skipped_dates_as_they_are_shown(db, language, typed):
    data = {
        "weekdays": ["1", "3"],  # Tuesday, Thursday
        "start_time": "16:00",
        "end_time": "17:30",
        "first_day": "2027-09-01",
        "last_day": "2027-11-30",
        "skip_dates": typed,
        "place_name": "Pływalnia",
        "capacity": "20",
        "max_companions": "0",
    }
    with translation.override(language):
        form = SeriesForm(data)

        assert form.is_valid(), form.errors
    assert form.cleaned_data["skip_dates"] == {
        datetime.date(2027, 11, 11),
        datetime.date(2027, 9, 21),
    }
    assert datetime.date(2027, 11, 11) not in form.session_days()


@pytest.mark.parametrize("language, hint", [("pl", "11.11.2026"), ("en", "11 Nov 2026")])
def test_the_series_form_hints_at_dates_as_they_are_shown_and_explains_bad_ones(db, language, hint):
    with translation.override(language):
        form = SeriesForm({"skip_dates": "12/02/2026, jutro"})

        assert hint in str(form.fields["skip_dates"].help_text)
        assert not form.is_valid()
        message = " ".join(form.errors["skip_dates"])
    assert "12/02/2026" in message and "jutro" in message


@pytest.mark.clock
def test_the_month_view_marks_today_by_the_local_date(client, db, frozen_moment):
    today = timezone.localdate()

    response = client.get(reverse("initiatives:calendar_month", args=[today.year, today.month]))

    assert response.status_code == 200
    assert response.context["today"] == frozen_moment.astimezone(WARSAW).date()


@pytest.mark.clock
def test_an_event_tonight_is_listed_on_its_own_local_day(client, db, frozen_moment):
    local = frozen_moment.astimezone(WARSAW)
    starts = (local + datetime.timedelta(minutes=10)).astimezone(datetime.UTC)
    EventFactory(title="Wieczór", starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))
    day = timezone.localdate(starts)

    response = client.get(
        reverse("initiatives:calendar"), {"date_from": day.isoformat(), "date_to": day.isoformat()}
    )

    assert [event.display_title for event in response.context["page"]] == ["Wieczór"]
    assert Event.objects.count() == 1
