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

MESSAGES = {"registration_received", "registration_promoted", "event_cancelled", "reminder"}
STAFF_MESSAGE = "staff_message"


def _send(registration: Registration, message: str, language: str, **extra) -> bool:
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
    with translation.override(language):
        subject, text, html = render_email(f"initiatives/{message}", context)
    email = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [registration.participant.email]
    )
    email.attach_alternative(html, "text/html")
    if message in {"registration_received", "registration_promoted", "reminder"}:
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


@shared_task(
    name="initiatives.send_registration_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def send_registration_email(message: str, registration_id: int, language: str) -> bool:
    assert message in MESSAGES
    registration = (
        Registration.objects.select_related("event__initiative", "participant")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return False
    return _send(registration, message, language)


@shared_task(name="initiatives.send_event_reminders", soft_time_limit=540, time_limit=600)
def send_event_reminders() -> int:
    """E-mail everyone confirmed for tomorrow's events, once (``reminder_sent_at`` marks it)."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    sent = 0
    for registration in selectors.registrations_to_remind(on=tomorrow):
        claimed = Registration.objects.filter(
            pk=registration.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=timezone.now())
        if claimed and _send(registration, "reminder", settings.LANGUAGE_CODE):
            sent += 1
    return sent


@shared_task(
    name="initiatives.send_event_message",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=540,
    time_limit=600,
)
def send_event_message(registration_ids: list[int], subject: str, body: str, language: str) -> int:
    sent = 0
    registrations = Registration.objects.select_related("event__initiative", "participant").filter(
        pk__in=registration_ids
    )
    for registration in registrations:
        if _send(registration, "staff_message", language, subject=subject, body=body):
            sent += 1
    return sent
