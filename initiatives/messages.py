"""E-mails to people about their registrations, queued in the outbox (calportal/outbox).

Each is rendered when the change happens, inside its transaction, in the language the person
signed up in, so the message and the change are committed together or not at all.
"""

from django.conf import settings

from calportal.outbox.services import queue_email
from initiatives import selectors
from initiatives.ical import calendar_bytes
from initiatives.links import registration_url
from initiatives.models import Registration, RegistrationStatus

MESSAGES = {
    "registration_received",
    "registration_promoted",
    "event_cancelled",
    "reminder",
    "staff_message",
}
WITH_CALENDAR = {"registration_received", "registration_promoted", "reminder"}


def queue_registration_email(
    message: str, registration_id: int, *, key: str | None = None, **extra
) -> bool:
    """Queue ``templates/emails/initiatives/<message>`` for the registration's person.

    ``extra`` goes into the template's context (a staff message's ``subject`` and ``body``);
    ``key`` makes it idempotent (see :func:`calportal.outbox.services.queue_email`). Returns
    False when nothing was queued: a person with no e-mail (staff call them), an unknown
    registration, or a key already used. Raises ValueError for an unknown ``message``."""
    if message not in MESSAGES:
        raise ValueError(message)
    registration = (
        Registration.objects.select_related("event__initiative", "participant")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.participant.email:
        return False
    context = {
        "registration": registration,
        "event": registration.event,
        "participant": registration.participant,
        "link": registration_url(registration),
        "position": selectors.waiting_position(registration),
        **extra,
    }
    attachments = []
    if message in WITH_CALENDAR:
        attachments.append(
            (
                "wydarzenie.ics",
                calendar_bytes(
                    [registration.event],
                    name=registration.event.display_title,
                    tentative=registration.status == RegistrationStatus.WAITING,
                ),
                "text/calendar",
            )
        )
    email = queue_email(
        f"initiatives/{message}",
        context,
        [registration.participant.email],
        language=registration.language or settings.LANGUAGE_CODE,
        regarding=registration,
        key=key,
        attachments=attachments,
    )
    return email is not None
