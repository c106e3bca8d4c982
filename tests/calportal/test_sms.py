"""Text messages: stored with their change, delivered once, retried, and — when they cannot be
delivered — handed to the office's call list, so that nobody is left uninformed."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from calportal.calls.models import CallItem, CallReason
from calportal.outbox import sms, tasks
from calportal.outbox.models import SMSMessage, SMSStatus
from calportal.outbox.selectors import messages_regarding, messages_regarding_many
from calportal.outbox.sms_backends import SMSBackend, SMSError
from initiatives import services as initiatives
from initiatives.models import Registration
from tests.factories import EventFactory
from tests.initiatives.conftest import person

HERE = "tests.calportal.test_sms"


class BusyBackend(SMSBackend):
    """A provider that is temporarily unable to take anything."""

    def send(self, to, text, *, reference):
        raise SMSError("SMSAPI refused the message (error 103): Brak punktów")


class RefusingBackend(SMSBackend):
    """A provider that refuses the number for good."""

    def send(self, to, text, *, reference):
        raise SMSError("SMSAPI refused the message (error 13): no valid numbers", permanent=True)


class UnreachableBackend(SMSBackend):
    """A backend whose own code lets a network error through."""

    def send(self, to, text, *, reference):
        raise ConnectionResetError(104, "Connection reset by peer")


class CrashingOnceBackend(SMSBackend):
    """A provider that takes the message, after which the worker dies before the commit; it
    refuses a second message with the same reference (SMSAPI's ``check_idx``), which the
    backend reports as sent."""

    taken: list[str] = []

    def send(self, to, text, *, reference):
        if reference in self.taken:
            return reference
        self.taken.append(reference)
        raise SystemExit("the worker was killed")


@pytest.fixture
def sms_templates(tmp_path, settings):
    """A template ``sms/test_note.txt`` of this test's own, so the tests do not depend on the
    portal's real message texts."""
    (tmp_path / "sms").mkdir()
    (tmp_path / "sms" / "test_note.txt").write_text(
        "CAL: {{ what }}\n\n   – zażółć   gęślą jaźń\n", encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


@pytest.fixture
def fast_retries(settings):
    settings.SMS_RETRY_BASE_SECONDS = 60
    settings.SMS_MAX_ATTEMPTS = 2


def note(**kwargs) -> SMSMessage | None:
    return sms.queue_sms(
        "test_note",
        {"what": kwargs.pop("what", "zajęcia jutro o 10:00")},
        kwargs.pop("to", "601 234 567"),
        person_name=kwargs.pop("person_name", "Jan Łęcki"),
        **kwargs,
    )


def registration_by_phone():
    event = EventFactory(title="Kawiarenka", capacity=5)
    return initiatives.registration_create(
        event_id=event.pk, person=person(1, email="", phone="601 234 567")
    ).registration


def test_a_queued_message_is_delivered_once_its_change_commits(
    db, sms_templates, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = note()
        assert sms_outbox == []  # nothing leaves before the change is saved

    message.refresh_from_db()
    assert message.status == SMSStatus.SENT
    assert message.to == "601234567"
    assert message.text == "CAL: zajęcia jutro o 10:00\n– zażółć gęślą jaźń"
    assert message.provider_id == "locmem-1"
    assert message.attempts == 1 and message.sent_at is not None
    assert [(sent.to, sent.text, sent.reference) for sent in sms_outbox] == [
        ("601234567", message.text, f"cal-{message.pk}")
    ]
    assert sms.deliver(message.pk) is None  # never twice
    assert sms.deliver_due_sms() == 0
    assert len(sms_outbox) == 1


def test_a_message_of_a_change_that_was_rolled_back_is_never_sent(
    db, sms_templates, sms_outbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        note()
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert not SMSMessage.objects.exists()
    assert sms.deliver_due_sms() == 0
    assert sms_outbox == []


def test_a_key_queues_a_message_once(db, sms_templates):
    assert note(key="initiatives/reminder:2026-12-01:7") is not None
    assert note(key="initiatives/reminder:2026-12-01:7") is None
    assert note(key="initiatives/reminder:2026-12-02:7") is not None
    assert SMSMessage.objects.count() == 2


def test_nothing_is_queued_when_text_messages_are_off(db, sms_templates, settings):
    settings.SMS_BACKEND = ""

    assert note() is None
    assert not SMSMessage.objects.exists()


def test_a_busy_provider_is_retried_with_backoff_then_the_office_calls(
    db, sms_templates, settings, sms_outbox
):
    settings.SMS_RETRY_BASE_SECONDS = 60
    settings.SMS_MAX_ATTEMPTS = 3
    settings.SMS_BACKEND = f"{HERE}.BusyBackend"
    record = registration_by_phone()
    message = note(regarding=record, language="en", what="your place is confirmed")
    start = timezone.now()

    assert sms.deliver(message.pk) == SMSStatus.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1
    assert "Brak punktów" in message.last_error
    assert start + datetime.timedelta(seconds=59) <= message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=61)
    assert sms.deliver(message.pk) is None  # not due yet: nothing is tried
    assert message.pk not in sms.due_sms_ids()

    with time_machine.travel(start + datetime.timedelta(seconds=61)):
        assert message.pk in sms.due_sms_ids()
        assert sms.deliver(message.pk) == SMSStatus.QUEUED
        message.refresh_from_db()
        assert message.attempts == 2
        waited = message.next_attempt_at - timezone.now()
        assert datetime.timedelta(seconds=119) <= waited <= datetime.timedelta(seconds=121)
    assert not CallItem.objects.filter(reason=CallReason.SMS_FAILED).exists()  # still trying

    with time_machine.travel(start + datetime.timedelta(seconds=61 + 121)):
        assert sms.deliver(message.pk) == SMSStatus.FAILED

    message.refresh_from_db()
    item = CallItem.objects.get(reason=CallReason.SMS_FAILED)
    assert message.status == SMSStatus.FAILED and message.attempts == 3
    assert message.call_item == item
    assert item.reason == CallReason.SMS_FAILED
    assert (item.name, item.phone, item.language) == ("Jan Łęcki", "601234567", "en")
    assert item.key == f"sms_failed:sms:{message.pk}"
    assert item.regarding == record
    assert item.script.startswith("We could not deliver a text message to this person.")
    assert item.script.endswith(message.text)
    assert sms.deliver(message.pk) is None and message.pk not in sms.due_sms_ids()
    assert sms_outbox == []


def test_a_refused_number_goes_to_the_call_list_at_once_in_the_person_s_language(
    db, sms_templates, settings, fast_retries
):
    settings.SMS_BACKEND = f"{HERE}.RefusingBackend"
    message = note(language="pl")

    assert sms.deliver(message.pk) == SMSStatus.FAILED

    message.refresh_from_db()
    assert message.attempts == 1
    assert "no valid numbers" in message.last_error
    item = message.call_item
    assert item.reason == CallReason.SMS_FAILED and item.phone == "601234567"
    assert item.script.startswith("Nie udało się dostarczyć tej osobie SMS-a.") or (
        # until the lead merges this helper's translations, the English source is used
        item.script.startswith("We could not deliver a text message")
    )
    assert message.text in item.script


def test_a_network_error_let_through_by_a_backend_is_retried_too(
    db, sms_templates, settings, fast_retries
):
    settings.SMS_BACKEND = f"{HERE}.UnreachableBackend"
    message = note()

    assert sms.deliver(message.pk) == SMSStatus.QUEUED

    message.refresh_from_db()
    assert message.attempts == 1 and "Connection reset by peer" in message.last_error


def test_a_worker_killed_after_the_provider_took_the_message_loses_nothing_and_sends_once(
    db, sms_templates, settings
):
    settings.SMS_BACKEND = f"{HERE}.CrashingOnceBackend"
    CrashingOnceBackend.taken.clear()
    message = note()

    with pytest.raises(SystemExit):
        sms.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == SMSStatus.QUEUED and message.attempts == 0  # rolled back

    assert sms.deliver_due_sms() == 1  # the sweep's retry: the provider says "already sent"
    message.refresh_from_db()
    assert message.status == SMSStatus.SENT and message.provider_id == f"cal-{message.pk}"
    assert CrashingOnceBackend.taken == [f"cal-{message.pk}"]


def test_messages_queued_before_text_messages_were_switched_off_go_to_the_call_list(
    db, sms_templates, settings
):
    message = note()
    settings.SMS_BACKEND = ""

    assert sms.deliver(message.pk) == SMSStatus.FAILED

    message.refresh_from_db()
    assert message.call_item.phone == "601234567"
    assert "switched off" in message.last_error


def test_the_sweep_hands_on_a_lost_message_once_and_again_only_when_its_task_was_lost(
    db, sms_templates, settings, monkeypatch
):
    settings.SMS_BACKEND = f"{HERE}.BusyBackend"
    settings.SMS_RETRY_BASE_SECONDS = 60
    handed = []

    def enqueue(task, sms_id):
        handed.append((task.name, sms_id))
        return True

    monkeypatch.setattr("calportal.queue.enqueue", enqueue)
    message = note()  # its own publish is lost: the test's transaction never commits
    start = timezone.now()

    assert sms.sweep_sms() == 0  # just queued: its own task is on its way
    with time_machine.travel(start + datetime.timedelta(seconds=61)):
        assert tasks.sweep() == 1  # the beat's one sweep covers text messages too
        assert sms.sweep_sms() == 0  # handed on: its task may be waiting in the broker
    with time_machine.travel(start + datetime.timedelta(seconds=700)):
        assert sms.sweep_sms() == 1  # ten minutes and still not sent: the task was lost
        assert sms.deliver(message.pk) == SMSStatus.QUEUED
    with time_machine.travel(start + datetime.timedelta(seconds=700 + 61)):
        assert sms.sweep_sms() == 1  # the retry's time has come
        assert sms.sweep_sms() == 0

    assert handed == [("calportal.outbox.deliver_sms", message.pk)] * 3


def test_the_sweep_stops_when_the_broker_is_away_and_the_next_one_continues(
    db, sms_templates, monkeypatch
):
    monkeypatch.setattr("calportal.queue.enqueue", lambda task, sms_id: False)
    message = note()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert sms.sweep_sms() == 0
    message.refresh_from_db()
    assert message.handed_on_at is None  # the next sweep tries it again


@pytest.mark.django_db(transaction=True)
def test_a_message_another_worker_is_sending_is_skipped_not_sent_twice(sms_outbox):
    from django.db import connection

    from tests.conftest import require

    require(connection.vendor == "postgresql", "row locks need PostgreSQL")
    message = SMSMessage.objects.create(to="601234567", text="CAL: jutro", template="test_note")
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                SMSMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(10)
        assert sms.deliver(message.pk) is None  # locked: this worker does not wait or send
    finally:
        release.set()
        worker.join(10)

    assert sms_outbox == []
    assert sms.deliver(message.pk) == SMSStatus.SENT
    assert len(sms_outbox) == 1


def test_erasure_and_the_keeping_period_forget_text_messages(db, sms_templates, settings):
    record = registration_by_phone()
    note(regarding=record)
    other = note(to="602 345 678")
    about_record = SMSMessage.objects.filter(regarding_id=record.pk).count()  # ours, any other

    assert sms.forget_sms_regarding(Registration, record.pk) == about_record >= 1
    assert list(SMSMessage.objects.values_list("pk", flat=True)) == [other.pk]

    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)):
        recent = note(to="603 456 789")
        assert tasks.forget_old() >= 1
    assert list(SMSMessage.objects.values_list("pk", flat=True)) == [recent.pk]


def test_staff_see_a_record_s_text_messages_beside_its_e_mails(
    db, sms_templates, settings, login, staff
):
    record = registration_by_phone()
    sent = note(regarding=record, what="potwierdzenie")
    sms.deliver(sent.pk)
    settings.SMS_BACKEND = f"{HERE}.RefusingBackend"
    failed = note(regarding=record, what="zmiana godziny")
    sms.deliver(failed.pk)
    texts = SMSMessage.objects.filter(regarding_id=record.pk).count()  # ours, and any other

    states = messages_regarding(record)
    ours = {state.subject: state for state in states if state.channel == "sms"}
    assert ours[sent.text].state == "sent" and ours[sent.text].to == ["601234567"]
    assert ours[failed.text].state == "failed" and "no valid numbers" in ours[failed.text].error
    assert [state.queued_at for state in states] == sorted(
        (state.queued_at for state in states), reverse=True
    )

    with translation.override("en"):
        page = login(staff).get(reverse("initiatives:event_registrations", args=[record.event_id]))
    html = page.content.decode()

    assert page.status_code == 200
    assert f"{texts} text messages" in html
    assert html.count('<span class="badge text-bg-secondary">text message</span>') == texts
    assert "the person is on the call list" in html
    assert "Text message provider's answer: SMSAPI refused the message" in html


def test_reading_the_messages_of_many_records_takes_the_same_few_queries(db, sms_templates):
    event = EventFactory(title="Kawiarenka", capacity=10)
    records = [
        initiatives.registration_create(
            event_id=event.pk, person=person(n, email="", phone=f"60{n} 234 567")
        ).registration
        for n in range(1, 6)
    ]
    for record in records:
        note(regarding=record, to=record.participant.phone)
    messages_regarding_many(Registration, [records[0].pk])  # the content type is cached

    with CaptureQueriesContext(connection) as one:
        messages_regarding_many(Registration, [records[0].pk])
    with CaptureQueriesContext(connection) as five:
        states = messages_regarding_many(Registration, [record.pk for record in records])

    assert len(one) == len(five) <= 3
    assert all(any(s.channel == "sms" for s in states[record.pk]) for record in records)
