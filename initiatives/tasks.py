import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation

from calportal.emails import render_email
from initiatives import selectors
from initiatives.ical import calendar_bytes
from initiatives.links import registration_url
from initiatives.models import Registration, RegistrationStatus

logger = logging.getLogger(__name__)

MESSAGES = {"registration_received", "registration_promoted", "event_cancelled", "reminder"}
STAFF_MESSAGE = "staff_message"
WITH_CALENDAR = {"registration_received", "registration_promoted", "reminder"}


def _send(registration: Registration, message: str, **extra) -> bool:
    """E-mail one registration's person in the language they signed up in."""
    if not registration.participant.email:
        return False  # phone-only participants are called by staff
    context = {
        "registration": registration,
        "event": registration.event,
        "participant": registration.participant,
        "link": registration_url(registration),
        "position": selectors.waiting_position(registration),
        **extra,
    }
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        subject, text, html = render_email(f"initiatives/{message}", context)
    email = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [registration.participant.email]
    )
    email.attach_alternative(html, "text/html")
    if message in WITH_CALENDAR:
        email.attach(
            "wydarzenie.ics",
            calendar_bytes(
                [registration.event],
                name=registration.event.display_title,
                tentative=registration.status == RegistrationStatus.WAITING,
            ),
            "text/calendar",
        )
    email.send()
    return True


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("event__initiative", "participant")
        .filter(pk=registration_id)
        .first()
    )


@shared_task(
    name="initiatives.send_registration_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def send_registration_email(message: str, registration_id: int) -> bool:
    if message not in MESSAGES:
        raise ValueError(message)
    registration = _registration(registration_id)
    return _send(registration, message) if registration else False


@shared_task(
    name="initiatives.send_staff_message",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def send_staff_message(registration_id: int, subject: str, body: str) -> bool:
    """One task per person, so a retry after an SMTP error never repeats anyone else's copy."""
    registration = _registration(registration_id)
    if registration is None:
        return False
    return _send(registration, STAFF_MESSAGE, subject=subject, body=body)


@shared_task(name="initiatives.send_event_reminders", soft_time_limit=540, time_limit=600)
def send_event_reminders() -> int:
    """E-mail everyone confirmed for tomorrow's events, once (``reminder_sent_at`` marks it)."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    sent = 0
    for registration in selectors.registrations_to_remind(on=tomorrow):
        # Claim first so that two overlapping runs never send twice; give it back on failure.
        claimed = Registration.objects.filter(
            pk=registration.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            continue
        try:
            if _send(registration, "reminder"):
                sent += 1
        except OSError:
            Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=None)
            logger.warning(
                "Reminder for registration %s not sent; the next run retries", registration.pk
            )
    return sent


# The senior pass programme keeps its tasks beside its code; import them so workers know them.
from initiatives.passes.tasks import expire_passes  # noqa: E402, F401
