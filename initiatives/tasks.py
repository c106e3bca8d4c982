from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from initiatives import selectors
from initiatives.messages import queue_registration_email
from initiatives.models import Registration


@shared_task(name="initiatives.send_event_reminders", soft_time_limit=240, time_limit=300)
def send_event_reminders() -> int:
    """Queue a reminder for everyone confirmed for tomorrow's events, once each.

    ``reminder_sent_at`` is set in the same transaction as the queued message (the outbox then
    delivers it, retrying for days), and the message's key makes a second, overlapping run
    queue nothing. Returns the number of reminders queued by this run."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    queued = 0
    for registration in selectors.registrations_to_remind(on=tomorrow):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if claimed and queue_registration_email(
                "reminder",
                registration.pk,
                # A move to another session clears reminder_sent_at: its reminder is a new one.
                key=f"initiatives/reminder:{registration.pk}:{registration.event_id}",
            ):
                queued += 1
    return queued


# The senior pass programme keeps its tasks beside its code; import them so workers know them.
from initiatives.passes.tasks import expire_passes  # noqa: E402, F401
