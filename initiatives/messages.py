"""E-mails to people about their registrations, queued in the outbox (calportal/outbox).

Each is rendered in the language the person signed up in, inside the transaction of the change,
so the message and the change are committed together or not at all. A signup's confirmation is
stored with the signup and composed by the worker just after it commits
(:mod:`calportal.outbox.later`), so that the event's lock, which every signup for the event
waits for, is not held while templates render.
"""

from django.conf import settings
from django.utils import timezone, translation

from calportal import notify
from calportal.calls import services as calls
from calportal.calls.models import CallReason
from calportal.outbox import later
from calportal.outbox.services import queue_email
from initiatives import selectors
from initiatives.ical import calendar_bytes
from initiatives.links import registration_url
from initiatives.models import Registration, RegistrationStatus

MESSAGES = {
    "registration_received",
    "registration_promoted",
    "registration_cancelled",
    "event_cancelled",
    "event_changed",
    "reminder",
    "staff_message",
}
WITH_CALENDAR = {"registration_received", "registration_moved", "registration_promoted", "reminder"}
# A move is told with the e-mail of a new registration (it is one, for the new session).
MESSAGE_EMAIL = {"registration_moved": "registration_received"}

# What each moment sends besides the e-mail (calportal.notify): the text message's template
# and the reason the office calls a person without e-mail (None: no call).
PHONE = {
    "registration_received": ("registration_received", None),
    "registration_moved": ("registration_moved", CallReason.MOVED),
    "registration_promoted": ("registration_promoted", CallReason.PROMOTED),
    "registration_cancelled": ("registration_cancelled", None),
    "event_cancelled": ("event_cancelled", CallReason.EVENT_CANCELLED),
    "event_changed": ("event_changed", CallReason.EVENT_CHANGED),
    "reminder": ("reminder", CallReason.REMINDER),
    "staff_message": (None, None),
}
# Once any of these is told, the call-list items of the registration's earlier moments are
# moot: the new one says what holds now.
SUPERSEDES = {
    "registration_moved",
    "registration_cancelled",
    "event_cancelled",
    "event_changed",
}


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
    return _queue_email(message, registration, key=key, **extra)


def _context(registration: Registration, **extra) -> dict:
    return {
        "registration": registration,
        "event": registration.event,
        "participant": registration.participant,
        "link": registration_url(registration),
        "position": selectors.waiting_position(registration),
        "CONTACT_PHONE": settings.CONTACT_PHONE,
        **extra,
    }


def _queue_email(message: str, registration: Registration, *, key=None, **extra) -> bool:
    context = _context(registration, **extra)
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
        f"initiatives/{MESSAGE_EMAIL.get(message, message)}",
        context,
        [registration.participant.email],
        language=registration.language or settings.LANGUAGE_CODE,
        regarding=registration,
        key=key,
        attachments=attachments,
    )
    return email is not None


@later.register("initiatives.tell_registration")
def tell_registration(
    message: str, registration_id: int, *, key: str, email_key: str | None = None, **extra
) -> list[str]:
    """Tell the registration's person about ``message`` by e-mail, text message or the office's
    call list, as :func:`calportal.notify.tell` decides (the same rule staff see beforehand in
    :func:`channels_for`). ``key`` identifies the moment: telling it twice sends nothing twice
    by text message or call; ``email_key`` keys the e-mail, where a repeat must not send it
    again either (the reminder). ``extra`` goes into the templates' context. Returns the
    channels used; ``[]`` for an unknown registration or an anonymised person. Raises
    ValueError for an unknown ``message``.

    Everything is built in the person's language (the links too: ``/en/…`` for English). Composed
    by the worker after the change (:func:`calportal.outbox.later.compose_later`), a
    confirmation is not sent for a registration cancelled meanwhile, nor for an event cancelled
    or begun meanwhile: the cancellation's own message says what holds."""
    if message not in MESSAGES and message not in MESSAGE_EMAIL:
        raise ValueError(message)
    registration = (
        Registration.objects.select_related("event__initiative", "participant")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.participant.anonymised_year is not None:
        return []
    if message == "registration_received" and (
        registration.status == RegistrationStatus.CANCELLED
        or registration.event.is_cancelled
        or registration.event.starts_at <= timezone.now()
    ):
        return []
    if message in SUPERSEDES:
        calls.close_regarding(registration)
    sms, call = PHONE.get(message, (None, None))
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        return notify.tell(
            notify.Contact.of_participant(registration.participant, registration.language),
            key=f"{message}:{key}",
            context=_context(registration, **extra),
            regarding=registration,
            email=lambda: _queue_email(message, registration, key=email_key, **extra),
            sms=sms,
            call=call,
        )


def channels_for(registration: Registration, message: str) -> list[str]:
    """How the registration's person would be told ``message`` now (:func:`calportal.notify
    .channels`), for staff to see before they confirm a change. No queries beyond the
    registration's participant (select it)."""
    sms, call = PHONE.get(message, (None, None))
    return notify.channels(
        notify.Contact.of_participant(registration.participant, registration.language),
        sms=sms is not None,
        call=call,
    )
