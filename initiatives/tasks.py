from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from initiatives import selectors
from initiatives.messages import tell_registration
from initiatives.models import Registration


@shared_task(name="initiatives.send_event_reminders", soft_time_limit=240, time_limit=300)
def send_event_reminders() -> int:
    """Remind everyone confirmed for tomorrow's events, once each: by e-mail, by text message,
    or — a person with neither e-mail nor a mobile the portal can text — on the office's call
    list (:func:`initiatives.messages.tell_registration`).

    ``reminder_sent_at`` is set in the same transaction as the queued message (the outbox then
    delivers it, retrying for days), and the message's key makes a second, overlapping run
    queue nothing. Returns the number of people reminded by this run."""
    from calportal.calls.services import close_past_events

    close_past_events()  # calls about events already on are no news
    tomorrow = timezone.localdate() + timedelta(days=1)
    queued = 0
    for registration in selectors.registrations_to_remind(on=tomorrow):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            # A move to another session clears reminder_sent_at: its reminder is a new one.
            moment = f"{registration.pk}:{registration.event_id}"
            if claimed and tell_registration(
                "reminder",
                registration.pk,
                key=moment,
                email_key=f"initiatives/reminder:{moment}",
            ):
                queued += 1
    return queued


# The senior pass programme keeps its tasks beside its code; import them so workers know them.
from initiatives.passes.tasks import expire_passes  # noqa: E402, F401
