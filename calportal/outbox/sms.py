"""Text messages: stored with the change that causes them, delivered by Celery, never lost.

* :func:`queue_sms` renders ``templates/sms/<name>.txt`` in the person's language and stores an
  :class:`~calportal.outbox.models.SMSMessage` inside the caller's transaction; the delivery
  task is published after the commit (:mod:`calportal.queue`) and the outbox sweep hands on
  whatever a lost broker or worker left behind.
* Delivery goes through the backend named by ``settings.SMS_BACKEND``
  (:mod:`calportal.outbox.sms_backends`): the console by default, SMSAPI.pl in production.
* A message the provider refuses, or that is still not delivered after
  ``SMS_MAX_ATTEMPTS`` tries, is handed to the office's call list (:mod:`calportal.calls`).
"""

import re

import phonenumbers
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from calportal.contacts import POLAND, normalise_phone
from calportal.outbox.models import SMSMessage

_SPACES = re.compile(r"[ \t]*\n[ \t\n]*|[ \t]+")


def sms_enabled() -> bool:
    """Whether the portal sends text messages at all (``SMS_PROVIDER`` is not ``off``)."""
    return bool(settings.SMS_BACKEND)


def can_text(phone: str) -> bool:
    """Whether ``phone`` (any form :func:`calportal.contacts.normalise_phone` accepts) is a
    Polish mobile number: a landline cannot receive a text message, so its owner is called."""
    try:
        national = normalise_phone(phone or "")
    except ValidationError:  # a stored number that no longer parses: call instead
        return False
    if not national:
        return False
    try:
        number = phonenumbers.parse(national, POLAND)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }


def render_sms(name: str, context: dict, language: str | None = None) -> str:
    """``templates/sms/<name>.txt`` in ``language``, on one line (runs of white space become one
    space, line breaks are kept as single ones)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"sms/{name}.txt", context)
    return _SPACES.sub(lambda m: "\n" if "\n" in m.group() else " ", text).strip()


def queue_sms(
    name: str,
    context: dict,
    to: str,
    *,
    person_name: str = "",
    language: str | None = None,
    regarding: models.Model | None = None,
    key: str | None = None,
) -> SMSMessage | None:
    """Render ``templates/sms/<name>.txt`` in ``language`` and queue it for the phone ``to``.

    ``person_name`` is shown on the call list should the message fail. ``key``, when given,
    makes the call idempotent (a second call queues nothing and returns None). Returns None
    as well when SMS are off (``SMS_PROVIDER=off``). Must run inside the transaction of the
    change (it is also fine outside one)."""
    from calportal.outbox.tasks import deliver_sms
    from calportal.queue import enqueue_on_commit

    if not sms_enabled():
        return None
    if key and SMSMessage.objects.filter(key=key).exists():
        return None
    language = language or settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            message = SMSMessage.objects.create(
                to=normalise_phone(to),
                name=person_name[:200],
                text=render_sms(name, context, language),
                template=name,
                language=language,
                regarding_type=(
                    ContentType.objects.get_for_model(regarding) if regarding is not None else None
                ),
                regarding_id=regarding.pk if regarding is not None else None,
                key=key,
            )
    except IntegrityError:
        if key and SMSMessage.objects.filter(key=key).exists():
            return None  # a concurrent caller queued it first
        raise
    enqueue_on_commit(deliver_sms, message.pk)
    return message
