"""The outbox: a message is stored with its change, retried with backoff for days, sent once,
and staff see how each one fared."""

import datetime
import os

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from post_office.models import STATUS, Email

from calportal.outbox import services
from calportal.outbox.models import OutboxMessage
from initiatives import services as initiatives
from initiatives.models import Registration
from tests.factories import EventFactory
from tests.initiatives.conftest import person

FAILING = "tests.calportal.test_outbox.RefusingBackend"


class RefusingBackend(BaseEmailBackend):
    """A relay that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


def queue(**kwargs) -> Email:
    return services.queue_email(
        "selfhelp/request_received",
        {"join_request": None},
        ["ela@example.org"],
        **kwargs,
    )


def test_retry_waits_double_each_time_up_to_the_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600

    waits = [services.retry_delay(attempt).total_seconds() for attempt in range(1, 10)]

    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_with_the_defaults_a_message_is_retried_for_more_than_two_days(settings):
    attempts, waited = 0, datetime.timedelta()
    while waited < datetime.timedelta(hours=settings.OUTBOX_RETRY_HOURS):
        attempts += 1
        waited += services.retry_delay(attempts)
    assert settings.OUTBOX_RETRY_HOURS >= 48
    assert attempts > 48  # at most an hour apart, for the whole time


def test_a_refused_message_waits_and_is_sent_when_the_relay_is_back(db):
    email = queue()
    queued_at = timezone.now()

    with override_settings(EMAIL_BACKEND=FAILING):
        assert services.deliver(email.pk) == STATUS.requeued
    email.refresh_from_db()
    assert email.number_of_retries == 1
    assert email.scheduled_time >= queued_at + datetime.timedelta(seconds=59)
    assert "Connection refused" in email.logs.get(status=STATUS.failed).message
    assert services.deliver(email.pk) is None  # not due yet: nothing is tried
    assert mail.outbox == []

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert services.due_email_ids() == [email.pk]
        assert services.deliver(email.pk) == STATUS.sent
        assert services.deliver(email.pk) is None  # never twice

    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id


def test_a_message_is_given_up_only_after_the_retry_period(db, settings):
    email = queue()
    start = timezone.now()

    with override_settings(EMAIL_BACKEND=FAILING):
        with time_machine.travel(start + datetime.timedelta(hours=47)):
            Email.objects.filter(pk=email.pk).update(scheduled_time=None)
            assert services.deliver(email.pk) == STATUS.requeued
        with time_machine.travel(start + datetime.timedelta(hours=settings.OUTBOX_RETRY_HOURS)):
            Email.objects.filter(pk=email.pk).update(scheduled_time=None)
            assert services.deliver(email.pk) == STATUS.failed

    email.refresh_from_db()
    assert email.status == STATUS.failed
    assert services.due_email_ids() == []


def test_a_message_of_a_change_that_was_rolled_back_is_never_sent(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the change failed")

    assert Email.objects.count() == 0
    assert services.deliver_due() == 0


def test_a_key_queues_a_message_once(db):
    assert queue(key="volunteers/missing_hours:2026-11-23:7") is not None
    assert queue(key="volunteers/missing_hours:2026-11-23:7") is None
    assert queue(key="volunteers/missing_hours:2026-11-30:7") is not None
    assert OutboxMessage.objects.count() == 2


def test_staff_see_on_each_registration_which_e_mails_went_and_which_did_not(login, staff):
    event = EventFactory(title="Kawiarenka", capacity=5)
    delivered = initiatives.registration_create(event_id=event.pk, person=person(1))
    refused = initiatives.registration_create(event_id=event.pk, person=person(2))
    by_phone = initiatives.registration_create(
        event_id=event.pk, person=person(3, email="", phone="601 234 567")
    )
    services.deliver(Email.objects.get(outbox_entry__regarding_id=delivered.registration.pk).pk)
    with override_settings(EMAIL_BACKEND=FAILING):
        services.deliver(Email.objects.get(outbox_entry__regarding_id=refused.registration.pk).pk)
    assert Registration.objects.count() == 3 and not by_phone.registration.participant.email

    with translation.override("en"):
        page = login(staff).get(reverse("initiatives:event_registrations", args=[event.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    assert html.count("1 e-mail") == 2
    assert "1 waiting to be sent" in html
    assert "not sent yet after 1 attempt" in html
    assert "Connection refused" in html
    assert "sent " in html


def test_the_facilitator_sees_whether_the_confirmation_reached_the_person(client, login, roles):
    from calportal.accounts.roles import Role
    from selfhelp.models import JoinRequest
    from tests.factories import UserFactory
    from tests.selfhelp.conftest import join_data, make_group

    facilitator = UserFactory(email="prowadzaca@example.org", role=Role.GROUP_FACILITATOR)
    group = make_group(facilitator)
    client.post(
        reverse("selfhelp:group_public", args=[group.slug]),
        join_data(),
    )
    with override_settings(EMAIL_BACKEND=FAILING):
        services.deliver_due()

    with translation.override("en"):
        page = login(facilitator).get(
            reverse("selfhelp:request_detail", args=[JoinRequest.objects.get().pk])
        )

    assert "1 waiting to be sent" in page.content.decode()


def test_messages_are_forgotten_after_the_keeping_period(db, settings):
    old = queue()
    services.deliver(old.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)):
        recent = queue()
        assert services.forget_old_messages() == 1

    assert list(Email.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_sweep_hands_on_what_waits_once_and_again_only_when_its_task_was_lost(db, monkeypatch):
    handed = []

    def enqueue(task, email_id):
        handed.append(email_id)
        return True

    monkeypatch.setattr("calportal.queue.enqueue", enqueue)
    email = queue()
    start = timezone.now()

    assert services.sweep() == 0  # just queued: its own task is on its way
    with time_machine.travel(start + datetime.timedelta(seconds=61)):
        assert services.sweep() == 1  # that first publish was lost
        assert services.sweep() == 0  # handed on: its task may be waiting in the broker
    with time_machine.travel(start + datetime.timedelta(seconds=400)):
        assert services.sweep() == 0
    with time_machine.travel(start + datetime.timedelta(seconds=700)):
        assert services.sweep() == 1  # ten minutes and still not sent: the task was lost
        with override_settings(EMAIL_BACKEND=FAILING):
            assert services.deliver(email.pk) == STATUS.requeued
    with time_machine.travel(start + datetime.timedelta(seconds=700 + 61)):
        assert services.sweep() == 1  # the retry's time has come
        assert services.sweep() == 0

    assert handed == [email.pk] * 3


def test_erasing_a_person_s_messages_removes_their_attachments_too(db):
    email = services.queue_email(
        "selfhelp/request_received",
        {"join_request": None},
        ["ela@example.org"],
        regarding=Email.objects.none().model(pk=1),  # any record: its type and id
        attachments=[("spotkanie.ics", b"BEGIN:VCALENDAR", "text/calendar")],
    )
    attachment = email.attachments.get()
    path = attachment.file.path

    assert services.forget_messages_regarding(Email, 1) == 1

    assert not Email.objects.exists()
    assert not type(attachment).objects.exists()
    assert not os.path.exists(path)
