"""Messages composed by the worker after the change (calportal/outbox/later.py): a signup stores
its confirmation to compose with itself; the worker composes it once, not for a registration
cancelled meanwhile; a composer that fails is kept, retried by the sweep and never lost."""

import pytest
from django.core import mail
from django.test import override_settings
from post_office.models import Email

from calportal.celery import app
from calportal.outbox import later
from calportal.outbox.models import OutboxMessage, PendingMessage
from initiatives import services
from initiatives.models import RegistrationStatus
from tests.factories import EventFactory
from tests.initiatives.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_a_worker():
    """Celery as deployed (not eager): what is composed later waits for the worker."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_a_signup_stores_its_confirmation_for_the_worker_who_composes_it_once(with_a_worker):
    event = EventFactory(title="Kawiarenka seniora", capacity=5)

    result = services.registration_create(event_id=event.pk, person=person(1))

    assert result.registration.status == RegistrationStatus.CONFIRMED
    assert not Email.objects.exists()  # nothing rendered in the signup's transaction
    pending = PendingMessage.objects.get()
    assert pending.composer == "initiatives.tell_registration"
    assert pending.arguments["registration_id"] == result.registration.pk

    assert later.compose(pending.pk) is True
    email = Email.objects.get()
    assert email.to == [result.registration.participant.email]
    assert "Kawiarenka seniora" in email.subject
    assert [attachment.name for attachment in email.attachments.all()] == ["wydarzenie.ics"]
    assert OutboxMessage.objects.get().regarding == result.registration
    assert not PendingMessage.objects.exists()

    assert later.compose(pending.pk) is False  # a second task for it: nothing twice
    assert Email.objects.count() == 1


def test_a_place_taken_in_the_burst_is_told_as_confirmed_and_a_waiting_one_as_waiting(
    with_a_worker,
):
    event = EventFactory(capacity=1)
    first = services.registration_create(event_id=event.pk, person=person(1)).registration
    second = services.registration_create(event_id=event.pk, person=person(2)).registration

    for pending in PendingMessage.objects.all():
        later.compose(pending.pk)

    by_person = {email.to[0]: email for email in Email.objects.all()}
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITING
    assert by_person[second.participant.email].subject != by_person[first.participant.email].subject


def test_a_registration_cancelled_before_its_confirmation_was_composed_gets_none(with_a_worker):
    event = EventFactory(capacity=5)
    registration = services.registration_create(event_id=event.pk, person=person(1)).registration
    services.registration_cancel(registration_id=registration.pk)
    pending = PendingMessage.objects.get(composer="initiatives.tell_registration")

    later.compose(pending.pk)

    assert not OutboxMessage.objects.filter(template="initiatives/registration_received").exists()
    assert not PendingMessage.objects.filter(pk=pending.pk).exists()


calls = []


@later.register("tests.flaky")
def _flaky(*, fail: bool):
    calls.append(fail)
    if fail:
        raise RuntimeError("the template is broken")


def test_a_failing_composer_is_kept_with_its_error_and_retried_by_the_sweep(with_a_worker):
    calls.clear()
    pending = later.compose_later("tests.flaky", fail=True)

    assert later.compose(pending.pk) is False
    pending.refresh_from_db()
    assert (pending.attempts, pending.last_error) == (1, "RuntimeError")

    app.conf.task_always_eager = True  # the sweep's task runs here and now
    with override_settings(OUTBOX_SWEEP_AFTER_SECONDS=0):
        assert later.sweep_pending() == 1
    pending.refresh_from_db()
    assert pending.attempts == 2
    assert calls == [True, True]

    PendingMessage.objects.filter(pk=pending.pk).update(attempts=later.MAX_ATTEMPTS)
    with override_settings(OUTBOX_SWEEP_AFTER_SECONDS=0):
        assert later.sweep_pending() == 0  # given up: left, with its error, for a developer


def test_composed_at_once_when_celery_runs_eagerly():
    mail.outbox.clear()
    event = EventFactory(capacity=5)

    services.registration_create(event_id=event.pk, person=person(1))

    assert not PendingMessage.objects.exists()
    assert Email.objects.count() == 1


def test_an_unknown_composer_is_refused():
    with pytest.raises(LookupError):
        later.compose_later("tests.nobody")


def test_an_english_signup_composed_by_the_worker_links_to_the_english_page(with_a_worker):
    from django.utils import translation

    event = EventFactory(capacity=5)
    with translation.override("en"):
        services.registration_create(event_id=event.pk, person=person(1), language="en")

    with translation.override("pl"):  # the worker's default language
        later.compose(PendingMessage.objects.get().pk)

    email = Email.objects.get()
    assert "/en/registration/" in email.message
    assert OutboxMessage.objects.get().language == "en"


def test_no_confirmation_for_an_event_cancelled_before_it_was_composed(with_a_worker):
    event = EventFactory(capacity=5)
    services.registration_create(event_id=event.pk, person=person(1))
    pending = PendingMessage.objects.get()
    services.event_cancel(event_id=event.pk)

    later.compose(pending.pk)

    assert not OutboxMessage.objects.filter(template="initiatives/registration_received").exists()
    assert OutboxMessage.objects.filter(template="initiatives/event_cancelled").count() == 1
