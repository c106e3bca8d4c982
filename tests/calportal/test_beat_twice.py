"""Every periodic task that writes to people is safe to run twice at once (two beats, a retry):
each person gets one message. Real PostgreSQL, two threads with their own connections."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from post_office.models import Email

from calportal.accounts.roles import Role
from initiatives import services
from initiatives.tasks import send_event_reminders
from tests.conftest import require
from tests.factories import EventFactory, OrganisationFactory, UserFactory
from tests.initiatives.conftest import person
from tests.volunteers.conftest import make_opportunity, make_shift, make_volunteer
from volunteers.models import Assignment, Shift
from volunteers.tasks import remind_missing_hours, remind_shift_volunteers

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    require(connection.vendor == "postgresql", "row locks and unique keys need PostgreSQL")


def twice_at_once(task) -> list:
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(task())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def addressed_to(address: str) -> int:
    return sum(address in email.to for email in Email.objects.all())


def last_week_monday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() + 7)


def test_the_monday_note_on_missing_hours_reaches_each_coordinator_once(roles):
    organisation = OrganisationFactory(name="Towarzystwo Nadzieja")
    coordinators = [
        UserFactory(
            email=f"koordynator{n}@example.org",
            organisation=organisation,
            role=Role.PARTNER_COORDINATOR,
        )
        for n in (1, 2)
    ]
    volunteer = make_volunteer(organisation, 1)
    shift = make_shift(make_opportunity(organisation), days_ahead=0)
    monday = last_week_monday()
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.make_aware(datetime.datetime.combine(monday, datetime.time(10))),
        ends_at=timezone.make_aware(datetime.datetime.combine(monday, datetime.time(12))),
    )
    Assignment.objects.create(shift=shift, volunteer=volunteer)

    results = twice_at_once(remind_missing_hours)

    assert sum(results) == 2
    for coordinator in coordinators:
        assert addressed_to(coordinator.email) == 1
    assert remind_missing_hours() == 0  # and a later run of the same week adds nothing


def test_the_event_reminder_reaches_each_participant_once(roles):
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    event = EventFactory(
        title="Jutro", starts_at=tomorrow, ends_at=tomorrow + datetime.timedelta(hours=1)
    )
    for n in (1, 2, 3):
        services.registration_create(event_id=event.pk, person=person(n))
    Email.objects.all().delete()  # the confirmations

    results = twice_at_once(send_event_reminders)

    assert sum(results) == 3
    for n in (1, 2, 3):
        assert addressed_to(f"jan{n}@example.org") == 1


def test_the_shift_reminder_reaches_each_volunteer_once(roles):
    organisation = OrganisationFactory(name="Fundacja")
    shift = make_shift(make_opportunity(organisation), days_ahead=0, needed=3)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=22),
    )
    volunteers = [make_volunteer(organisation, n) for n in (1, 2)]
    for volunteer in volunteers:
        Assignment.objects.create(shift=shift, volunteer=volunteer)

    results = twice_at_once(remind_shift_volunteers)

    assert sum(results) == 2
    for volunteer in volunteers:
        assert addressed_to(volunteer.email) == 1
