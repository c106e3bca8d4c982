"""A series submitted again, or overlapping one already entered, never puts the same session on
the calendar twice: sessions that already exist are left out and the coordinator is told which."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from initiatives import services
from initiatives.models import Event, EventStatus
from tests.factories import EventFactory, InitiativeFactory

WARSAW = ZoneInfo("Europe/Warsaw")
WEDNESDAYS = ["2027-02-10", "2027-02-17", "2027-02-24"]


def series(**overrides) -> dict:
    return {
        "weekdays": ["2"],  # Wednesday
        "start_time": "10:00",
        "end_time": "11:30",
        "first_day": "2027-02-08",
        "last_day": "2027-02-28",
        "place_name": "Sala OPS",
        "capacity": "12",
        "max_companions": "0",
        **overrides,
    }


def submit(client, initiative, data):
    with translation.override("en"):
        url = reverse("initiatives:event_series", args=[initiative.pk])
        response = client.post(url, data, follow=True)  # the next page shows the messages
        return response, [str(message) for message in get_messages(response.wsgi_request)]


def at_ten(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time(10), tzinfo=WARSAW)


@pytest.fixture
def initiative(db):
    return InitiativeFactory(title="Klub seniora")


def test_the_same_series_submitted_three_times_gives_each_session_once(login, staff, initiative):
    client = login(staff)

    _first, created = submit(client, initiative, series())
    _second, again = submit(client, initiative, series())
    _third, once_more = submit(client, initiative, series())

    starts = list(Event.objects.filter(initiative=initiative).values_list("starts_at", flat=True))
    assert sorted(starts) == [at_ten(day) for day in WEDNESDAYS]
    assert created == ["3 sessions created."]
    expected = (
        "3 sessions already existed and were left out: "
        "10 Feb 2027, 10:00, 17 Feb 2027, 10:00, 24 Feb 2027, 10:00."
    )
    assert again == once_more == [expected]


def test_a_rule_overlapping_sessions_already_entered_adds_only_the_new_ones(
    login, staff, initiative
):
    client = login(staff)
    submit(client, initiative, series(last_day="2027-02-17"))  # 10 and 17 February

    response, shown = submit(client, initiative, series(last_day="2027-03-10"))

    assert response.redirect_chain[0][1] == 302
    assert Event.objects.filter(initiative=initiative).count() == 5  # up to 10 March
    assert shown == [
        "3 sessions created.",
        "2 sessions already existed and were left out: 10 Feb 2027, 10:00, 17 Feb 2027, 10:00.",
    ]


def test_another_place_or_initiative_at_the_same_time_is_another_session(login, staff, initiative):
    client = login(staff)
    submit(client, initiative, series())

    _response, parallel = submit(client, initiative, series(place_name="Sala 2"))
    _response, elsewhere = submit(client, InitiativeFactory(), series())

    assert parallel == elsewhere == ["3 sessions created."]
    assert Event.objects.count() == 9


def test_the_place_is_the_same_however_its_name_is_spaced_or_capitalised(initiative):
    EventFactory(
        initiative=initiative,
        starts_at=at_ten("2027-02-17"),
        ends_at=at_ten("2027-02-17").replace(hour=11),
        place_name="Sala OPS",
    )
    form = {**series(place_name="  sala  ops "), "title": "", "address": ""}
    form.update({flag: False for flag in ("step_free_access", "induction_loop")})
    form.update({flag: False for flag in ("sign_language", "accessible_toilet", "parking")})
    sessions = [(at_ten(day), at_ten(day).replace(hour=11)) for day in WEDNESDAYS]

    result = services.event_series_create(initiative=initiative, form_data=form, sessions=sessions)

    assert [event.starts_at for event in result.created] == [
        at_ten("2027-02-10"),
        at_ten("2027-02-24"),
    ]
    assert [event.starts_at for event in result.existing] == [at_ten("2027-02-17")]


def test_a_cancelled_session_can_be_set_up_again(login, staff, initiative):
    EventFactory(
        initiative=initiative,
        starts_at=at_ten("2027-02-17"),
        ends_at=at_ten("2027-02-17").replace(hour=11),
        place_name="Sala OPS",
        status=EventStatus.CANCELLED,
    )

    _response, shown = submit(login(staff), initiative, series())

    assert shown == ["3 sessions created."]
    assert Event.objects.filter(initiative=initiative, status=EventStatus.SCHEDULED).count() == 3


def test_the_series_form_is_sent_once_on_a_double_click(login, staff, initiative):
    with translation.override("en"):
        page = login(staff).get(reverse("initiatives:event_series", args=[initiative.pk]))

    assert "data-submit-once" in page.content.decode()
