"""The staff's "Today" page: each section for those who may act on it, counted right, on the
local (Europe/Warsaw) day, at a fixed number of queries."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calportal.calls.models import CallItem
from initiatives.models import Registration
from tests.calls.conftest import add_item
from tests.factories import EventFactory, ParticipantFactory

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
# 10:00 in Warsaw on 2 December 2026.
MORNING = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=WARSAW)
TODAY_EN = "/en/today/"


def at(hour, minute=0, days=0) -> datetime.datetime:
    return datetime.datetime(2026, 12, 2 + days, hour, minute, tzinfo=WARSAW)


def event_with(starts_at, *, unmarked=0, marked=0, waiting=0, title="", status="scheduled"):
    event = EventFactory(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=1), title=title
    )
    for attendance, count in (("", unmarked), ("present", marked)):
        for _ in range(count):
            Registration.objects.create(
                event=event,
                participant=ParticipantFactory(),
                status="confirmed",
                attendance=attendance,
            )
    for _ in range(waiting):
        Registration.objects.create(event=event, participant=ParticipantFactory(), status="waiting")
    if status != "scheduled":
        type(event).objects.filter(pk=event.pk).update(status=status)
    return event


def pass_application(number):
    from initiatives.passes.models import PassApplication

    return PassApplication.objects.create(
        first_name="Halina",
        last_name=f"Żurawska{number}",
        birth_year=1950,
        phone="601234567",
        consent_text_version="x",
        consent_given_at=timezone.now(),
    )


def map_report():
    from resources_map.models import ResidentReport

    return ResidentReport.objects.create(
        kind="need",
        description="Brakuje ławek.",
        name="Zofia",
        phone="600100200",
        consent_given_at=timezone.now(),
    )


def join_request(group, name="Elżbieta", status="new"):
    from selfhelp.models import JoinRequest

    return JoinRequest.objects.create(
        group=group,
        first_name=name,
        phone="602345678",
        contact_way="phone",
        consent_given_at=timezone.now(),
        status=status,
    )


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False):
        yield


def sections(response) -> set[str]:
    keys = {"events", "calls", "pass_applications", "map_reports", "join_groups"}
    return {key for key in keys if key in response.context}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", {"events", "calls", "pass_applications", "map_reports"}),
        ("partner_a", {"calls"}),
        ("facilitator", {"calls", "join_groups"}),
        (
            "selfhelp_coordinator",
            {"events", "calls", "pass_applications", "map_reports", "join_groups"},
        ),
    ],
)
def test_each_role_gets_the_sections_it_may_act_on(request, login, frozen, role, expected):
    response = login(request.getfixturevalue(role)).get(TODAY_EN)

    assert response.status_code == 200
    assert sections(response) == expected


def test_todays_events_with_attendance_to_take(login, staff, frozen):
    to_take = event_with(at(9), unmarked=2, marked=1, waiting=3, title="Gimnastyka")
    # Half past midnight local time is the previous day in UTC: still today's.
    early = event_with(at(0, 30), unmarked=1, title="Nocne czytanie")
    done = event_with(at(12), marked=2, title="Warsztaty gotowe")
    event_with(at(14), unmarked=1, title="Odwołane", status="cancelled")
    event_with(at(10, days=1), unmarked=1, title="Jutrzejsze")
    event_with(at(23, 30, days=-1), unmarked=1, title="Wczorajsze")

    response = login(staff).get(TODAY_EN)

    assert [event.pk for event in response.context["events"]] == [early.pk, to_take.pk, done.pk]
    html = response.content.decode()
    assert reverse("initiatives:event_attendance", args=[to_take.pk]) in html
    assert "2 people to mark present or absent" in html
    assert "1 person to mark present or absent" in html
    assert "Attendance taken" in html
    for absent in ("Odwołane", "Jutrzejsze", "Wczorajsze"):
        assert absent not in html


def test_the_counts_of_calls_applications_and_reports(login, staff, partner_a, frozen):
    add_item(name="Due")
    add_item(name="Not mine", organisation=partner_a.organisation)  # its coordinator calls
    later = add_item(name="Later")
    CallItem.objects.filter(pk=later.pk).update(due_on=datetime.date(2026, 12, 3))
    pass_application(1)
    pass_application(2)
    map_report()

    response = login(staff).get(TODAY_EN)

    assert response.context["calls"] == {"due": 1, "later": 1}
    assert response.context["pass_applications"] == 2
    assert response.context["map_reports"] == 1
    html = response.content.decode()
    assert 'href="/en/calls/"' in html
    assert 'href="/en/manage/passes/applications/"' in html
    assert 'href="/en/manage/map/reports/"' in html


def test_a_facilitator_sees_new_requests_of_their_own_groups_only(
    login, facilitator, group, frozen
):
    from calportal.accounts.roles import Role
    from selfhelp.models import Group
    from tests.factories import UserFactory

    other_group = Group.objects.create(
        facilitator=UserFactory(email="inny@example.org", role=Role.GROUP_FACILITATOR),
        name="RON",
        slug="ron",
        topic=group.topic,
        weekday=2,
        starts_at=datetime.time(10),
        max_size=5,
    )
    join_request(group, "Ela")
    join_request(group, "Ola")
    join_request(group, "Ula", status="contacted")
    join_request(other_group, "Iza")

    response = login(facilitator).get(TODAY_EN)

    assert [(g.pk, g.new_requests) for g in response.context["join_groups"]] == [(group.pk, 2)]
    html = response.content.decode()
    assert reverse("selfhelp:workspace", args=[group.pk]) in html
    assert "2 new requests" in html
    assert "RON" not in html


def test_another_facilitators_group_is_not_listed(login, roles, group, frozen):
    from calportal.accounts.roles import Role
    from tests.factories import UserFactory

    join_request(group)
    other = UserFactory(email="inny@example.org", role=Role.GROUP_FACILITATOR)

    response = login(other).get(TODAY_EN)

    assert response.context["join_groups"] == []
    assert "No new requests." in response.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(TODAY_EN)
    assert response.status_code == 200
    return len(queries)


def test_today_takes_the_same_number_of_queries_however_much_waits(
    login, selfhelp_coordinator, group, frozen
):
    client = login(selfhelp_coordinator)
    client.get(TODAY_EN)  # warm the session
    event_with(at(9), unmarked=1)
    add_item()
    pass_application(0)
    map_report()
    join_request(group)
    few = _queries(client)

    for number in range(1, 6):
        event_with(at(10 + number), unmarked=3, marked=2)
        add_item()
        pass_application(number)
        map_report()
        join_request(group, f"Osoba {number}")
    many = _queries(client)

    assert few == many
