"""How a resident is told what happened: e-mail, a text message, or a call from the office.

Every moment a resident must hear about (a place from the waiting list, an event cancelled, a
pass ready to collect …) goes through :func:`tell`, and staff see beforehand how each person
will be told through :func:`channels` (the same rule). The rule:

* **e-mail** to everyone who gave an address;
* **SMS** (when the portal sends them, ``SMS_PROVIDER``) to a mobile number of a person without
  e-mail, or of one who asked for text messages as well (``sms_wanted``);
* **the office's call list** (:mod:`calportal.calls`) for a person without e-mail — a text
  message may go unread, so the office still calls — except for the reminder the day before,
  which an SMS replaces; and for a person who asked to be called back, e-mail or not.

Everything is written inside the caller's transaction: it happens exactly when the change does.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from calportal.calls import services as calls
from calportal.calls.models import CallReason
from calportal.outbox.sms import can_text, queue_sms, sms_enabled

EMAIL, SMS, CALL = "email", "sms", "call"
CHANNEL_LABELS = {
    EMAIL: pgettext_lazy("how a person is told", "e-mail"),
    SMS: pgettext_lazy("how a person is told", "text message"),
    CALL: pgettext_lazy("how a person is told", "call from the office"),
}

# Reasons an SMS is enough for (the person is not called when it can be sent).
SMS_REPLACES_CALL = {CallReason.REMINDER}
# Reasons the person is called although they gave an e-mail address: they asked for it.
CALL_EVEN_WITH_EMAIL = {CallReason.CALL_BACK}


@dataclass(frozen=True)
class Contact:
    """Who is told: ``phone`` in any form :func:`calportal.contacts.normalise_phone` takes,
    ``language`` the one they use with us (``"pl"``, ``"en"``)."""

    name: str
    email: str = ""
    phone: str = ""
    language: str = ""
    sms_wanted: bool = False

    @classmethod
    def of_participant(cls, participant, language: str = "") -> "Contact":
        return cls(
            name=f"{participant.first_name} {participant.last_name}".strip(),
            email=participant.email or "",
            phone=str(participant.phone or ""),
            language=language or settings.LANGUAGE_CODE,
            sms_wanted=getattr(participant, "sms_wanted", False),
        )


def channels(
    contact: Contact, *, email: bool = True, sms: bool = True, call: str | None = None
) -> list[str]:
    """How ``contact`` will be told, in order (a subset of ``[EMAIL, SMS, CALL]``): ``email``
    and ``sms`` say whether the moment has such a message, ``call`` is its
    :class:`~calportal.calls.models.CallReason` (None: the office does not call for it). An
    empty list means nobody can be told (no e-mail, no phone)."""
    chosen = []
    if email and contact.email:
        chosen.append(EMAIL)
    if (
        sms
        and sms_enabled()
        and can_text(contact.phone)
        and (not contact.email or contact.sms_wanted)
    ):
        chosen.append(SMS)
    if (
        call
        and contact.phone
        and (not contact.email or call in CALL_EVEN_WITH_EMAIL)
        and not (call in SMS_REPLACES_CALL and SMS in chosen)
    ):
        chosen.append(CALL)
    return chosen


def tell(
    contact: Contact,
    *,
    key: str,
    context: dict,
    regarding: models.Model | None = None,
    email: Callable[[], object] | None = None,
    email_template: str | None = None,
    sms: str | None = None,
    call: str | None = None,
    organisation=None,
    group=None,
) -> list[str]:
    """Tell ``contact`` about one moment by every channel :func:`channels` chooses.

    ``email_template`` names the portal's templated e-mail (``templates/emails/<name>``),
    queued to the contact's address in their language with ``context`` and ``key``; ``email``
    instead queues it the caller's own way (attachments, another address), returning a truthy
    value when it queued something;
    ``sms`` names ``templates/sms/<sms>.txt``; ``call`` is the call list's reason, its script
    ``templates/calls/scripts/<call>.txt``; both are rendered with ``context`` in the person's
    language. ``key`` identifies the moment (``"registration:42:event:7"``): telling twice
    sends nothing twice. ``organisation`` / ``group`` limit who sees the call-list item.
    Returns the channels used."""
    if email is None and email_template is not None:

        def email():
            from calportal.outbox.services import queue_email

            return queue_email(
                email_template,
                context,
                [contact.email],
                language=contact.language or None,
                regarding=regarding,
                key=key,
            )

    used = []
    for channel in channels(contact, email=email is not None, sms=sms is not None, call=call):
        if channel == EMAIL and email():
            used.append(EMAIL)
        elif channel == SMS and queue_sms(
            sms,
            context,
            contact.phone,
            person_name=contact.name,
            language=contact.language,
            regarding=regarding,
            key=f"{sms}:{key}",
        ):
            used.append(SMS)
        elif channel == CALL and calls.add(
            call,
            name=contact.name,
            phone=contact.phone,
            key=key,
            context=context,
            language=contact.language,
            regarding=regarding,
            organisation=organisation,
            group=group,
        ):
            used.append(CALL)
    return used
