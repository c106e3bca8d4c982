"""The weekly grid's week and the hours list's month, typed as they are shown."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from tests.volunteers.conftest import make_agreement, make_entry, make_volunteer
from volunteers.models import HoursEntry

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
WEDNESDAY = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=WARSAW)
URL = "/manage/volunteering/hours/week/"


@pytest.mark.parametrize(
    "typed",
    [
        "23–29 Nov 2026",
        "23–29.11.2026",
        "23-29.11.2026",
        "25 Nov 2026",
        "25.11.2026",
        "2026-11-25",
        "2026-W48",  # the old links
    ],
)
@time_machine.travel(WEDNESDAY, tick=False)
def test_the_grid_opens_the_week_typed_as_shown(login, partner_a, volunteer_a, typed):
    response = login(partner_a).get(URL, {"week": typed})

    assert response.status_code == 200
    assert response.context["monday"] == datetime.date(2026, 11, 23)
    assert not response.context["week_error"]


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_grid_hint_shows_what_it_accepts_in_each_language(login, partner_a, volunteer_a):
    client = login(partner_a)

    english = client.get("/en" + URL, {"week": "2026-11-30"}).content.decode()
    polish = client.get(URL, {"week": "2026-11-30"}).content.decode()

    assert 'value="30 Nov – 6 Dec 2026"' in english
    assert "23–29 Nov 2026" in english  # the hint: the week before, as it is typed
    assert "W48" not in english and "2026-W" not in english
    assert 'value="30.11–06.12.2026"' in polish
    assert "23–29.11.2026" in polish
    for shown, client_prefix in (("23–29 Nov 2026", "/en"), ("23–29.11.2026", "")):
        again = client.get(client_prefix + URL, {"week": shown})
        assert again.context["monday"] == datetime.date(2026, 11, 23)


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_week_that_is_not_a_week_is_explained(login, partner_a, volunteer_a):
    response = login(partner_a).get("/en" + URL, {"week": "next Friday"})

    assert response.status_code == 200
    assert "“next Friday” is not a week" in response.content.decode()
    # The grid still opens, on the default week: the one that just ended, early in a week.
    assert response.context["monday"] == datetime.date(2026, 11, 30)


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_grid_saves_hours_for_the_week_typed_as_shown(login, partner_a, organisation_a):
    volunteer = make_volunteer(organisation_a)
    make_agreement(volunteer)

    response = login(partner_a).post(
        URL,
        {
            "week": "23–29.11.2026",
            "activity": "Festyn",
            "with_children": "no",
            f"h-{volunteer.pk}-2026-11-24": "2",
        },
    )

    assert response.status_code == 302
    assert response.url.endswith("?week=2026-11-23")
    assert list(HoursEntry.objects.values_list("date", "quarters")) == [
        (datetime.date(2026, 11, 24), 8)
    ]


@pytest.mark.parametrize("typed", ["2026-11", "11.2026", "Nov 2026", "listopad 2026"])
@time_machine.travel(WEDNESDAY, tick=False)
def test_the_hours_list_takes_a_month_as_shown(login, partner_a, volunteer_a, typed):
    make_agreement(volunteer_a)
    make_entry(volunteer_a, days_ago=2)  # 30 November
    make_entry(volunteer_a, days_ago=40)  # October

    response = login(partner_a).get(reverse("volunteers:hours_list"), {"month": typed})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("30.11.2026") >= 1
    assert "23.10.2026" not in html


@pytest.mark.clock
def test_the_grid_opens_on_a_week_containing_a_past_day(login, partner_a, volunteer_a):
    from django.utils import timezone

    response = login(partner_a).get(URL)

    monday = response.context["monday"]
    today = timezone.localdate()
    assert monday.weekday() == 0
    assert monday <= today
    # Monday and Tuesday open the week that just ended; later days their own week.
    expected = today - datetime.timedelta(days=today.weekday() + (7 if today.weekday() <= 1 else 0))
    assert monday == expected
