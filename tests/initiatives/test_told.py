"""Every person on a registration is told what happened (issue 16): by e-mail, by text message,
or — without e-mail — by a call from the office, whose call list gets them exactly once."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from calportal.calls.models import CallItem, CallOutcome, CallReason, CallStatus
from calportal.calls.services import record_outcome
from calportal.outbox.models import SMSMessage
from initiatives import services
from initiatives.models import Registration, RegistrationStatus
from initiatives.tasks import send_event_reminders
from tests.conftest import require
from tests.factories import EventFactory
from tests.initiatives.conftest import person

MOBILE, LANDLINE = "601234567", "612830000"


def phone_only(n: int, phone: str = MOBILE) -> services.PersonData:
    return person(n, email="", phone=phone)


def full_event_with_waiting(waiting_person: services.PersonData, capacity: int = 1):
    event = EventFactory(capacity=capacity)
    confirmed = [
        services.registration_create(event_id=event.pk, person=person(n)).registration
        for n in range(capacity)
    ]
    waiting = services.registration_create(event_id=event.pk, person=waiting_person).registration
    assert waiting.status == RegistrationStatus.WAITING
    return event, confirmed, waiting


def items(reason=None, **filters):
    found = CallItem.objects.filter(**filters)
    return found.filter(reason=reason) if reason else found


@pytest.mark.django_db
def test_a_phone_only_person_promoted_by_staff_is_called_texted_and_gone_once_reached(
    staff, django_capture_on_commit_callbacks
):
    event, (first,), waiting = full_event_with_waiting(phone_only(9))

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=first.pk, by_staff=True)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    (item,) = items(CallReason.PROMOTED)
    assert item.phone == MOBILE and item.name == "Jan Łęcki9"
    assert event.display_title in item.script
    promoted_sms = SMSMessage.objects.filter(to=MOBILE, template="registration_promoted")
    assert promoted_sms.count() == 1
    assert event.display_title in promoted_sms.get().text

    record_outcome(item_id=item.pk, outcome=CallOutcome.REACHED, by=staff)
    assert not CallItem.objects.due().exists()


@pytest.mark.django_db
def test_an_email_person_is_written_to_and_never_put_on_the_call_list(
    django_capture_on_commit_callbacks,
):
    _event, (first,), waiting = full_event_with_waiting(person(9, phone=MOBILE))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=first.pk, by_staff=True)

    assert ["jan9@example.org"] in [message.to for message in mail.outbox]
    assert not CallItem.objects.exists()
    assert not SMSMessage.objects.filter(to=MOBILE).exists()


@pytest.mark.django_db
def test_a_person_who_asked_for_text_messages_gets_them_beside_the_email():
    _event, (first,), waiting = full_event_with_waiting(person(9, phone=MOBILE, sms_wanted=True))

    services.registration_cancel(registration_id=first.pk, by_staff=True)

    assert SMSMessage.objects.filter(to=MOBILE, template="registration_promoted").exists()
    assert not CallItem.objects.exists()


@pytest.mark.django_db
def test_a_landline_cannot_be_texted_so_the_office_calls():
    _event, (first,), _waiting = full_event_with_waiting(phone_only(9, LANDLINE))

    services.registration_cancel(registration_id=first.pk, by_staff=True)

    assert items(CallReason.PROMOTED, phone=LANDLINE).count() == 1
    assert not SMSMessage.objects.exists()


@pytest.mark.django_db
def test_with_sms_off_the_call_list_alone_tells_phone_only_people(settings):
    settings.SMS_BACKEND = ""
    _event, (first,), _waiting = full_event_with_waiting(phone_only(9))

    services.registration_cancel(registration_id=first.pk, by_staff=True)

    assert items(CallReason.PROMOTED).count() == 1
    assert not SMSMessage.objects.exists()


@pytest.mark.django_db
def test_the_reminder_is_a_text_message_or_else_a_call():
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    event = EventFactory(capacity=5, starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    texted = services.registration_create(event_id=event.pk, person=phone_only(1)).registration
    called = services.registration_create(
        event_id=event.pk, person=phone_only(2, LANDLINE)
    ).registration

    with time_machine.travel(start - datetime.timedelta(days=1), tick=False):
        assert send_event_reminders() == 2
        assert send_event_reminders() == 0  # a second run tells nobody twice

    assert SMSMessage.objects.filter(template="reminder", regarding_id=texted.pk).count() == 1
    assert not items(CallReason.REMINDER, regarding_id=texted.pk).exists()
    assert items(CallReason.REMINDER, regarding_id=called.pk).count() == 1


@pytest.mark.django_db
def test_an_event_cancelled_replaces_the_earlier_call_and_is_called_once():
    event, (first,), waiting = full_event_with_waiting(phone_only(9, LANDLINE))
    services.registration_cancel(registration_id=first.pk, by_staff=True)
    promoted = items(CallReason.PROMOTED).get()

    services.event_cancel(event_id=event.pk)
    services.event_cancel(event_id=event.pk)

    promoted.refresh_from_db()
    assert promoted.status == CallStatus.OBSOLETE
    assert list(CallItem.objects.due().values_list("reason", flat=True)) == [
        CallReason.EVENT_CANCELLED
    ]


@pytest.mark.django_db
def test_a_change_of_date_is_told_to_everyone_once_per_change(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=5)
    services.registration_create(event_id=event.pk, person=phone_only(1, LANDLINE))
    services.registration_create(event_id=event.pk, person=person(2))
    mail.outbox.clear()
    data = {
        field: getattr(event, field)
        for field in ("starts_at", "ends_at", "place_name", "address", "capacity")
    }
    moved = {
        **data,
        "starts_at": event.starts_at + datetime.timedelta(days=1),
        "ends_at": event.ends_at + datetime.timedelta(days=1),
    }

    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event_id=event.pk, data=dict(moved))
        services.event_update(event_id=event.pk, data=dict(moved))  # saved again: no news
        services.event_update(event_id=event.pk, data={**moved, "capacity": 6})

    assert items(CallReason.EVENT_CHANGED).count() == 1
    assert [message.to for message in mail.outbox] == [["jan2@example.org"]]


@pytest.mark.django_db
def test_a_resident_cancelling_gets_a_text_acknowledgement():
    event = EventFactory(capacity=5)
    registration = services.registration_create(
        event_id=event.pk, person=phone_only(1)
    ).registration

    services.registration_cancel(registration_id=registration.pk)

    (sms,) = SMSMessage.objects.filter(template="registration_cancelled")
    assert event.display_title in sms.text
    assert not CallItem.objects.exists()


@pytest.mark.django_db
def test_staff_see_who_gets_the_place_and_how_before_cancelling(client, staff):
    event, (first,), waiting = full_event_with_waiting(phone_only(9, LANDLINE))
    client.force_login(staff)
    url = reverse("initiatives:registration_cancel", args=[event.pk, first.pk])

    page = client.get("/en" + url)

    text = page.content.decode()
    assert "Jan Łęcki9" in text and "call from the office" in text
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED  # nothing done by looking

    client.post(url)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED


@pytest.mark.django_db
def test_more_places_are_confirmed_after_staff_see_who_gets_them(client, staff):
    event, _confirmed, waiting = full_event_with_waiting(phone_only(9))
    client.force_login(staff)
    url = "/en" + reverse("initiatives:event_edit", args=[event.pk])
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        {
            "initiative": event.initiative_id,
            "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
            "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%d %H:%M"),
            "capacity": 2,
        }
    )

    preview = client.post(url, data)
    assert preview.status_code == 200, preview.context["form"].errors
    assert "Jan Łęcki9" in preview.content.decode()
    assert "text message" in preview.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITING

    client.post(url, {**data, "confirm_told": "1"})
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_racing_put_the_promoted_person_on_the_list_once():
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL")
    event, confirmed, waiting = full_event_with_waiting(phone_only(9, LANDLINE), capacity=2)
    barrier = threading.Barrier(2)
    errors = []

    def cancel(registration_id):
        try:
            barrier.wait(timeout=30)
            services.registration_cancel(registration_id=registration_id, by_staff=True)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(r.pk,)) for r in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert items(CallReason.PROMOTED, regarding_id=waiting.pk).count() == 1
    assert CallItem.objects.count() == 1


@pytest.mark.django_db
def test_calls_about_an_event_that_has_begun_leave_the_list():
    event, (first,), waiting = full_event_with_waiting(phone_only(9, LANDLINE))
    services.registration_cancel(registration_id=first.pk, by_staff=True)
    assert CallItem.objects.due().count() == 1

    with time_machine.travel(event.starts_at + datetime.timedelta(minutes=5), tick=False):
        send_event_reminders()
        assert not CallItem.objects.due().exists()


@pytest.mark.django_db
def test_a_text_still_waiting_is_not_sent_once_the_matter_is_overtaken(settings):
    settings.SMS_QUIET_FROM, settings.SMS_QUIET_UNTIL = 0, 23  # everything waits
    event, (first,), waiting = full_event_with_waiting(phone_only(9))
    services.registration_cancel(registration_id=first.pk, by_staff=True)
    promoted = SMSMessage.objects.get(template="registration_promoted")

    services.registration_cancel(registration_id=waiting.pk)

    promoted.refresh_from_db()
    assert promoted.status == "cancelled"
    assert SMSMessage.objects.filter(template="registration_cancelled", status="queued").exists()


@pytest.mark.django_db
def test_staff_see_who_is_told_before_a_change_of_date_is_saved(client, staff):
    event = EventFactory(capacity=5)
    services.registration_create(event_id=event.pk, person=phone_only(1, LANDLINE))
    client.force_login(staff)
    url = "/en" + reverse("initiatives:event_edit", args=[event.pk])
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    later = timezone.localtime(event.starts_at) + datetime.timedelta(days=1)
    data.update(
        {
            "initiative": event.initiative_id,
            "starts_at": later.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (later + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        }
    )

    preview = client.post(url, data)
    assert "Jan Łęcki1" in preview.content.decode()
    assert not CallItem.objects.exists()

    done = client.post(url, {**data, "confirm_told": "1"}, follow=True)
    assert "1 person is being told" in done.content.decode()
    assert items(CallReason.EVENT_CHANGED).count() == 1


@pytest.mark.django_db
def test_a_person_turns_text_messages_on_and_off_from_the_personal_link(client):
    from initiatives.links import registration_path

    event = EventFactory(capacity=5)
    registration = services.registration_create(
        event_id=event.pk, person=person(1, phone=MOBILE)
    ).registration
    page = client.get("/en" + registration_path(registration)).content.decode()
    assert "Send me text messages too" in page
    token = registration_path(registration).rstrip("/").split("/")[-1]
    url = reverse("initiatives:registration_text_messages", args=[token])

    client.post(url, {"sms": "1"})
    registration.participant.refresh_from_db()
    assert registration.participant.sms_wanted
    client.post(url, {"sms": "0"})
    registration.participant.refresh_from_db()
    assert not registration.participant.sms_wanted
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_a_landline_is_refused_for_text_messages_on_the_signup_form(client):
    event = EventFactory(capacity=5)
    response = client.post(
        "/en" + reverse("initiatives:event_public", args=[event.pk]),
        {
            "first_name": "Jan",
            "last_name": "Stacjonarny",
            "phone": "61 283 00 00",
            "sms_wanted": "on",
            "companions": "0",
            "consent": "on",
        },
    )
    assert "looks like a landline" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_a_phone_kept_as_typed_long_ago_does_not_stop_a_cancellation():
    event, (first,), waiting = full_event_with_waiting(phone_only(9, LANDLINE))
    from initiatives.models import Participant

    Participant.objects.filter(pk=waiting.participant_id).update(phone="61 283 wew. 12")

    services.registration_cancel(registration_id=first.pk, by_staff=True)

    assert items(CallReason.PROMOTED).get().phone == "61 283 wew. 12"


@pytest.mark.django_db
def test_a_failed_text_about_a_matter_already_called_adds_no_second_card(settings):
    from calportal.outbox import sms

    settings.SMS_BACKEND = "tests.initiatives.test_told.RefusingBackend"
    _event, (first,), waiting = full_event_with_waiting(phone_only(9))
    services.registration_cancel(registration_id=first.pk, by_staff=True)
    for message in SMSMessage.objects.filter(regarding_id=waiting.pk):
        sms.deliver(message.pk)

    assert SMSMessage.objects.filter(regarding_id=waiting.pk, status="failed").count() == 2
    assert CallItem.objects.due().filter(regarding_id=waiting.pk).count() == 1


class RefusingBackend:
    def send(self, to, text, *, reference):
        from calportal.outbox.sms_backends import SMSError

        raise SMSError("invalid number", permanent=True)
