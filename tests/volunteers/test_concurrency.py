"""Against PostgreSQL: decisions, shift places and the 24-hour day hold when people act at once."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import require
from tests.factories import OrganisationFactory, UserFactory
from tests.initiatives.test_concurrency import run_at_once
from tests.volunteers.conftest import make_entry, make_opportunity, make_shift, make_volunteer
from volunteers import services
from volunteers.models import Assignment, EntryStatus, HoursEntry, Shift

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL")


def test_two_approvers_at_once_decide_each_entry_once(roles):
    volunteer = make_volunteer(OrganisationFactory())
    ids = [make_entry(volunteer, days_ago=n + 1).pk for n in range(20)]
    approvers = [UserFactory() for _ in range(4)]

    results = run_at_once(
        [
            lambda user=user, approve=(n % 2 == 0): services.entries_decide(
                entry_ids=ids, approve=approve, reason="Dubel", user=user
            )
            for n, user in enumerate(approvers)
        ]
    )

    assert all(isinstance(result, services.Decision) for result in results), results
    assert sum(result.changed for result in results) == 20
    assert sorted(result.changed for result in results) == [0, 0, 0, 20]
    decided = HoursEntry.objects.order_by().values_list("status", "decided_by").distinct()
    assert len(decided) == 1  # every entry by the same first decision


def test_twelve_coordinators_fill_a_shift_of_three_exactly(roles):
    organisation = OrganisationFactory()
    shift = make_shift(make_opportunity(organisation), needed=3)
    volunteers = [make_volunteer(organisation, n) for n in range(12)]
    user = UserFactory()

    results = run_at_once(
        [
            lambda volunteer=volunteer: services.assignment_create(
                shift_id=shift.pk, volunteer=volunteer, user=user
            )
            for volunteer in volunteers
        ]
    )

    refused = [r for r in results if isinstance(r, services.VolunteeringError)]
    assert len(refused) == 9, results
    assert Assignment.objects.count() == 3
    assert Shift.objects.get(pk=shift.pk).assigned_count == 3


def test_simultaneous_saves_never_take_a_volunteer_past_24_hours_a_day(roles):
    volunteer = make_volunteer(OrganisationFactory())
    day = timezone.localdate() - datetime.timedelta(days=1)
    user = UserFactory()

    results = run_at_once(
        [
            lambda: services.hours_log(
                entries=[
                    services.HoursData(
                        volunteer=volunteer,
                        date=day,
                        quarters=56,
                        activity="x",
                        with_children=False,
                        additional=True,  # the same work again on purpose: the day limit is tested
                    )
                ],
                logged_by=user,
            )
            for _ in range(4)
        ]
    )  # 14 h each: only one fits in a day

    refused = [r for r in results if isinstance(r, services.HoursErrors)]
    assert len(refused) == 3, results
    assert HoursEntry.objects.filter(status=EntryStatus.SUBMITTED).count() == 1
