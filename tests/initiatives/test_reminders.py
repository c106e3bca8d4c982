import datetime

import pytest
from django.core import mail
from django.utils import timezone

from calportal.outbox.services import deliver_due
from initiatives import services
from initiatives.tasks import send_event_reminders
from tests.factories import EventFactory
from tests.initiatives.conftest import person


@pytest.mark.clock
def test_reminders_go_once_to_those_confirmed_for_tomorrow(db):
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    tomorrow = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)
    event = EventFactory(
        title="Jutro",
        capacity=1,
        starts_at=tomorrow,
        ends_at=tomorrow + datetime.timedelta(hours=1),
    )
    later = EventFactory(title="Za tydzień")
    services.registration_create(event_id=event.pk, person=person(1))
    services.registration_create(event_id=event.pk, person=person(2))  # waiting list
    services.registration_create(event_id=later.pk, person=person(3))
    deliver_due()  # the three confirmations
    mail.outbox.clear()

    assert send_event_reminders() == 1
    assert send_event_reminders() == 0
    deliver_due()

    assert [message.to for message in mail.outbox] == [["jan1@example.org"]]
    assert "Jutro" in mail.outbox[0].subject


@pytest.mark.clock
def test_a_person_moved_to_another_session_is_reminded_of_the_new_one(staff):
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    first = EventFactory(
        title="Rano", starts_at=tomorrow, ends_at=tomorrow + datetime.timedelta(hours=1)
    )
    later = tomorrow + datetime.timedelta(hours=6)
    second = EventFactory(
        initiative=first.initiative,
        title="Po południu",
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=1),
    )
    registration = services.registration_create(event_id=first.pk, person=person(1)).registration
    assert send_event_reminders() == 1

    services.registration_move(
        registration_id=registration.pk, to_event_id=second.pk, moved_by=staff
    )
    deliver_due()
    mail.outbox.clear()

    assert send_event_reminders() == 1
    deliver_due()
    assert [message.to for message in mail.outbox] == [["jan1@example.org"]]
    assert "Po południu" in mail.outbox[0].subject
