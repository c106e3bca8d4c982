"""The self-help groups' report figures (SH1–SH5, per topic and per group), each against values
computed by hand from a small set of groups, in a fixed number of queries."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import transaction

from calportal.reports.figures import INDICATORS, Scope
from calportal.reports.periods import Period
from selfhelp import figures
from selfhelp.models import GroupStatus, JoinRequest, RequestStatus, Topic
from tests.factories import OrganisationFactory, UserFactory
from tests.selfhelp.conftest import make_group, make_meeting, make_member, make_request

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
CAL = Scope()
D = datetime.date


def at(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=WARSAW)


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    """Created once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _groups()
        transaction.set_rollback(True)


@pytest.fixture
def groups(data, db):
    return data


def _groups() -> dict:
    facilitator = UserFactory()
    organisation = OrganisationFactory()
    partner_facilitator = UserFactory(organisation=organisation)

    def group(slug, topic, status=GroupStatus.ACTIVE, by=facilitator):
        return make_group(by, name=slug.title(), slug=slug, topic=topic, status=status)

    grief = group("zaloba", Topic.BEREAVEMENT)
    families = group("ron", Topic.DISABILITY_FAMILIES, by=partner_facilitator)
    recovery = group("trzezwosc", Topic.ADDICTION, GroupStatus.CLOSED)  # closed in April
    carers = group("opiekunowie", Topic.SENIOR_CARERS, GroupStatus.CLOSED)  # closed in March
    forming = group("nowa", Topic.OTHER, GroupStatus.FORMING)
    empty = group("pusta", Topic.BEREAVEMENT, GroupStatus.PAUSED)  # its last member left

    ala = make_member(grief, "Ala", joined_on=D(2025, 1, 1))
    make_member(grief, "Basia", joined_on=D(2026, 2, 1))
    cecylia = make_member(grief, "Cecylia", joined_on=D(2025, 5, 1), left_on=D(2026, 3, 15))
    make_member(grief, "Dorota", joined_on=D(2026, 4, 1))  # after Q1
    ewa = make_member(families, "Ewa", joined_on=D(2025, 6, 1))
    make_member(recovery, "Filip", joined_on=D(2025, 1, 1))
    make_member(carers, "Gabriela", joined_on=D(2025, 1, 1))
    make_member(forming, "Halina", joined_on=D(2026, 3, 1))
    make_member(empty, "Irena", joined_on=D(2025, 1, 1), left_on=D(2026, 3, 31))

    def meeting(group, starts_at, attendees=(), **fields):
        item = make_meeting(group, **fields)
        type(item).objects.filter(pk=item.pk).update(starts_at=starts_at)
        item.attendees.set(attendees)

    meeting(grief, at(2026, 1, 13, 17), [ala, cecylia], held=True)
    meeting(grief, at(2026, 1, 27, 17), cancelled=True)
    meeting(grief, at(2026, 3, 10, 17))  # neither held nor cancelled
    meeting(grief, at(2026, 3, 24, 17))  # neither; after 20 March
    meeting(grief, at(2025, 12, 30, 17), [ala], held=True)  # before Q1
    meeting(families, at(2026, 2, 10, 17), [ewa], held=True)
    meeting(recovery, at(2026, 4, 2, 17), held=True)  # after Q1: it was still meeting
    meeting(carers, at(2026, 3, 1, 17), held=True)

    def request(group, received, status):
        item = make_request(group, status=status)
        JoinRequest.objects.filter(pk=item.pk).update(created_at=received)

    request(grief, at(2026, 1, 5, 9), RequestStatus.JOINED)
    request(grief, at(2026, 2, 5, 9), RequestStatus.DECLINED)
    request(families, at(2026, 3, 5, 9), RequestStatus.WITHDRAWN)
    request(families, at(2026, 3, 31, 23, 30), RequestStatus.NEW)  # late on the last day
    request(grief, at(2026, 3, 15, 9), RequestStatus.CONTACTED)
    request(grief, at(2025, 12, 31, 23, 30), RequestStatus.JOINED)  # before Q1
    return {"grief": grief, "families": families, "organisation": organisation}


def test_groups_active_at_the_end_of_the_period_by_topic(groups):
    assert figures.groups_active(Q1.end, CAL) == {
        "bereavement": 1,  # not the paused group whose last member left on 31 March
        "disability_families": 1,
        "addiction": 1,  # closed now, but it met after 31 March
        "senior_carers": 0,  # closed, its last meeting was before
        "other": 0,  # still forming
    }
    assert figures.groups_active(D(2026, 4, 3), CAL)["addiction"] == 0


@time_machine.travel(at(2026, 3, 20, 12))
def test_meetings_held_cancelled_and_not_marked_so_far(groups):
    assert figures.meetings(Q1, CAL) == {"held": 3, "cancelled": 1, "planned_not_marked": 1}


def test_mean_attendance_parts(groups):
    assert figures.mean_attendance(Q1, CAL) == (3, 3)  # 2 + 1 + 0 over three meetings


def test_members_stock_joined_and_left(groups):
    assert figures.members(Q1, CAL) == {"stock": 6, "joined": 2, "left": 2}


def test_join_requests_by_outcome(groups):
    assert figures.join_requests(Q1, CAL) == {
        "joined": 1,
        "declined": 1,
        "withdrawn": 1,
        "waiting": 2,  # new and contacted
    }


@time_machine.travel(at(2026, 3, 20, 12))
def test_every_figure_by_topic(groups):
    result = figures.by_topic(Q1, CAL)

    assert list(result) == Topic.values
    assert result["bereavement"] == {
        "SH1": 1,
        "meetings_held": 1,
        "meetings_cancelled": 1,
        "meetings_planned_not_marked": 1,
        "attendees": 2,
        "members_stock": 2,
        "joined": 1,
        "left": 2,
        "requests_joined": 1,
        "requests_declined": 1,
        "requests_withdrawn": 0,
        "requests_waiting": 1,
    }
    assert result["senior_carers"]["SH1"] == 0
    assert result["senior_carers"]["meetings_held"] == 1
    assert result["other"]["members_stock"] == 1
    assert result["other"]["joined"] == 1
    assert sum(row["members_stock"] for row in result.values()) == 6


def test_every_figure_by_group_and_for_an_organisation(groups):
    by_group = figures.by_group(Q1, CAL)
    scope = Scope(organisation=groups["organisation"].pk)

    assert len(by_group) == 6
    assert by_group[groups["families"].pk]["requests_waiting"] == 1
    assert by_group[groups["grief"].pk]["attendees"] == 2
    assert figures.groups_active(Q1.end, scope)["disability_families"] == 1
    assert sum(figures.groups_active(Q1.end, scope).values()) == 1
    assert figures.members(Q1, scope) == {"stock": 1, "joined": 0, "left": 0}
    assert figures.mean_attendance(Q1, scope) == (1, 1)
    assert list(figures.by_group(Q1, scope)) == [groups["families"].pk]


def test_groups_belong_to_no_area(groups):
    scope = Scope(area=1)

    assert sum(figures.groups_active(Q1.end, scope).values()) == 0
    assert figures.members(Q1, scope) == {"stock": 0, "joined": 0, "left": 0}
    assert figures.mean_attendance(Q1, scope) == (0, 0)


def test_each_figure_takes_a_fixed_number_of_queries(groups, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures.groups_active(Q1.end, CAL)
    with django_assert_num_queries(1):
        figures.meetings(Q1, CAL)
    with django_assert_num_queries(1):
        figures.mean_attendance(Q1, CAL)
    with django_assert_num_queries(1):
        figures.members(Q1, CAL)
    with django_assert_num_queries(1):
        figures.join_requests(Q1, CAL)
    with django_assert_num_queries(4):
        figures.by_topic(Q1, CAL)
    with django_assert_num_queries(5):
        figures.by_group(Q1, CAL)


def test_every_self_help_indicator_is_printed_with_k_5():
    assert [INDICATORS[id].k for id in ("SH1", "SH2", "SH3", "SH4", "SH5")] == [5] * 5
    assert figures.labels()["topic"]["bereavement"] == str(Topic.BEREAVEMENT.label)
